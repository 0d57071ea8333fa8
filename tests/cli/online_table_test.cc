// The table `tessera get` prints from a /get-online-features response
// (cli/online_table.h): every value in its JSON spelling, "-" for epoch
// event times, the entity column only for several rows, and a response of
// another shape refused without printing anything.
#include "tessera/cli/online_table.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace tessera::cli {
namespace {

std::string Table(const std::string& json) {
  std::ostringstream out;
  Status st = PrintOnlineTable(json, out);
  return st.ok() ? out.str() : "error: " + st.message() + " | " + out.str();
}

constexpr char kEpoch[] = "\"1970-01-01T00:00:00.000000Z\"";

TEST(OnlineTableTest, ValuesAreSpelledAsOnTheWire) {
  std::string at = "\"2024-03-01T12:00:00.000001Z\"";
  std::string json =
      std::string(
          "{\"metadata\":{\"feature_names\":[\"k\",\"d\",\"s\",\"l\",\"n\"]},\"results\":[") +
      "{\"values\":[\"a\\u0001\"],\"statuses\":[\"PRESENT\"],\"event_timestamps\":[" + kEpoch +
      "]}," + "{\"values\":[2.0],\"statuses\":[\"PRESENT\"],\"event_timestamps\":[" + at + "]}," +
      "{\"values\":[\"NaN\"],\"statuses\":[\"PRESENT\"],\"event_timestamps\":[" + at + "]}," +
      "{\"values\":[[1,null,-3]],\"statuses\":[\"PRESENT\"],\"event_timestamps\":[" + at + "]}," +
      "{\"values\":[null],\"statuses\":[\"OUTSIDE_MAX_AGE\"],\"event_timestamps\":[" + at + "]}]}";
  EXPECT_EQ(Table(json),
            "feature  value        status           event_timestamp\n"
            "k        \"a\\u0001\"    PRESENT          -\n"
            "d        2.0          PRESENT          2024-03-01T12:00:00.000001Z\n"
            "s        \"NaN\"        PRESENT          2024-03-01T12:00:00.000001Z\n"
            "l        [1,null,-3]  PRESENT          2024-03-01T12:00:00.000001Z\n"
            "n        null         OUTSIDE_MAX_AGE  2024-03-01T12:00:00.000001Z\n");
}

TEST(OnlineTableTest, SeveralRowsGetAnEntityColumn) {
  std::string json = std::string("{\"metadata\":{\"feature_names\":[\"k\"]},\"results\":[") +
                     "{\"values\":[1,2],\"statuses\":[\"PRESENT\",\"PRESENT\"],"
                     "\"event_timestamps\":[" +
                     kEpoch + "," + kEpoch + "]}]}";
  EXPECT_EQ(Table(json),
            "entity  feature  value  status   event_timestamp\n"
            "0       k        1      PRESENT  -\n"
            "1       k        2      PRESENT  -\n");
}

TEST(OnlineTableTest, OtherShapesAreRefused) {
  EXPECT_EQ(Table("[]"), "error: the online response is not Feast's shape: not a JSON object | ");
  EXPECT_EQ(Table("{\"metadata\":{\"feature_names\":[\"a\",\"b\"]},\"results\":[]}"),
            "error: the online response is not Feast's shape: feature_names do not match "
            "results | ");
  std::string uneven = std::string("{\"metadata\":{\"feature_names\":[\"k\"]},\"results\":[") +
                       "{\"values\":[1,2],\"statuses\":[\"PRESENT\"],\"event_timestamps\":[" +
                       kEpoch + "," + kEpoch + "]}]}";
  EXPECT_EQ(Table(uneven),
            "error: the online response is not Feast's shape: a result of another length | ");
}

}  // namespace
}  // namespace tessera::cli
