// EntryConverter (stream/entry_rows.h; docs/STREAMS.md, "Entries"): stream
// entries become rows of a push source under the CSV text rules, bad
// entries are rejected one by one with an exact reason, and a rejected
// entry leaves nothing in the rows. Expected rows are built here from typed
// Values, independently of the CSV parser.
#include "tessera/stream/entry_rows.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "tessera/core/time.h"
#include "tessera/core/utf8.h"
#include "tessera/core/value.h"

namespace tessera::stream {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

StreamEntry Entry(std::string id, Fields fields) {
  return StreamEntry{std::move(id), std::move(fields)};
}

SchemaPtr MakeSchema(std::vector<Field> fields) { return Schema::Make(std::move(fields)).value(); }

// user_id int64, ts timestamp, amount double, name string, event_id string.
SchemaPtr TxnSchema(DataType event_id_type = DataType::String()) {
  return MakeSchema({{"user_id", DataType::Int64()},
                     {"ts", DataType::Timestamp()},
                     {"amount", DataType::Double()},
                     {"name", DataType::String()},
                     {"event_id", event_id_type}});
}

EntryConverter TxnConverter(DataType event_id_type = DataType::String()) {
  Result<EntryConverter> c =
      EntryConverter::Make(TxnSchema(event_id_type), {"user_id", "ts"}, "ts");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(c).value();
}

EntryRows Convert(const EntryConverter& c, const std::vector<StreamEntry>& entries) {
  Result<EntryRows> rows = c.Convert(entries);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() ? std::move(rows).value() : EntryRows{};
}

RecordBatchPtr Batch(const SchemaPtr& schema, const std::vector<std::vector<Value>>& rows) {
  RecordBatchBuilder b(schema);
  for (const auto& row : rows) EXPECT_TRUE(b.AppendRow(row).ok());
  return b.Finish().value();
}

void ExpectRows(const EntryRows& got, const RecordBatch& expected) {
  ASSERT_NE(got.rows, nullptr);
  EXPECT_TRUE(got.rows->Equals(expected)) << "got:\n"
                                          << got.rows->ToString() << "expected:\n"
                                          << expected.ToString();
}

// The reason of the one rejected entry of `entries`, which must be `id`.
std::string OneReason(const EntryConverter& c, StreamEntry entry) {
  std::string id = entry.id;
  EntryRows rows = Convert(c, {std::move(entry)});
  EXPECT_EQ(rows.rows, nullptr);
  EXPECT_TRUE(rows.ids.empty());
  if (rows.rejected.size() != 1) {
    ADD_FAILURE() << "expected one rejected entry, got " << rows.rejected.size();
    return "";
  }
  EXPECT_EQ(rows.rejected[0].entry.id, id);
  return rows.rejected[0].reason;
}

constexpr int64_t kTs = 1709294400000000;  // 2024-03-01T12:00:00Z

TEST(EntryIdMillisTest, ReadsTheMillisecondsOfRedisIds) {
  int64_t ms = -1;
  EXPECT_TRUE(EntryIdMillis("1700000000000-3", &ms));
  EXPECT_EQ(ms, 1700000000000);
  EXPECT_TRUE(EntryIdMillis("0-0", &ms));
  EXPECT_EQ(ms, 0);
  EXPECT_TRUE(EntryIdMillis("9223372036854775807-18446744073709551615", &ms));
  EXPECT_EQ(ms, INT64_MAX);
  for (const char* bad : {"", "-", "1-", "-1", "17", "a-1", "1-a", "+1-0", "1--1", "1-1-1", " 1-0",
                          "1-0 ", "9223372036854775808-0", "1-18446744073709551616"}) {
    ms = -7;
    EXPECT_FALSE(EntryIdMillis(bad, &ms)) << bad;
    EXPECT_EQ(ms, -7) << bad;
  }
}

TEST(EntryConverterTest, EveryTypeParsesUnderTheCsvRules) {
  const DataType lf = DataType::List(TypeId::kFloat), ld = DataType::List(TypeId::kDouble);
  const DataType li = DataType::List(TypeId::kInt64), ls = DataType::List(TypeId::kString);
  SchemaPtr schema = MakeSchema({{"i32", DataType::Int32()},
                                 {"i64", DataType::Int64()},
                                 {"f", DataType::Float()},
                                 {"d", DataType::Double()},
                                 {"b", DataType::Bool()},
                                 {"s", DataType::String()},
                                 {"raw", DataType::Bytes()},
                                 {"ts", DataType::Timestamp()},
                                 {"lf", lf},
                                 {"ld", ld},
                                 {"li", li},
                                 {"ls", ls}});
  EntryConverter c = EntryConverter::Make(schema, {}, "ts").value();
  EntryRows rows =
      Convert(c, {Entry("1-0", {{"i32", "-2147483648"},
                                {"i64", " 9223372036854775807 "},  // blanks around numbers are fine
                                {"f", "1.5"},
                                {"d", "-0.1"},
                                {"b", "TRUE"},
                                {"s", " a, \"b\" \xC3\xA9 "},  // kept exactly, quotes are text
                                {"raw", std::string("\x00\xFF\n", 3)},
                                {"ts", "2024-03-01T12:00:00Z"},
                                {"lf", "[1.5, null, \"NaN\"]"},
                                {"ld", "[]"},
                                {"li", "[1, -2]"},
                                {"ls", "[\"x\", null]"}}),
                  Entry("1-1", {{"ts", "2024-03-01T12:00:00.000001+01:00"},
                                {"i32", "+7"},
                                {"b", "0"},
                                {"d", "Infinity"},
                                {"f", "-3"}})});
  ASSERT_TRUE(rows.rejected.empty()) << rows.rejected[0].reason;
  EXPECT_EQ(rows.ids, (std::vector<std::string>{"1-0", "1-1"}));
  EXPECT_EQ(rows.event_micros, (std::vector<int64_t>{kTs, kTs + 1 - 3600 * int64_t{1000000}}));
  RecordBatchPtr expected =
      Batch(schema, {{Value::Int32(INT32_MIN), Value::Int64(INT64_MAX), Value::Float(1.5f),
                      Value::Double(-0.1), Value::Bool(true), Value::String(" a, \"b\" \xC3\xA9 "),
                      Value::Bytes(std::string("\x00\xFF\n", 3)), Value::Timestamp(kTs),
                      Value::List(lf, {Value::Float(1.5f), Value::Null(DataType::Float()),
                                       Value::Float(std::numeric_limits<float>::quiet_NaN())}),
                      Value::List(ld, {}), Value::List(li, {Value::Int64(1), Value::Int64(-2)}),
                      Value::List(ls, {Value::String("x"), Value::Null(DataType::String())})},
                     {Value::Int32(7), Value::Null(DataType::Int64()), Value::Float(-3.0f),
                      Value::Double(std::numeric_limits<double>::infinity()), Value::Bool(false),
                      Value::Null(DataType::String()), Value::Null(DataType::Bytes()),
                      Value::Timestamp(kTs + 1 - 3600 * int64_t{1000000}), Value::Null(lf),
                      Value::Null(ld), Value::Null(li), Value::Null(ls)}});
  ExpectRows(rows, *expected);
}

TEST(EntryConverterTest, AnEmptyValueIsNullForEveryTypeAndAMissingFieldToo) {
  SchemaPtr schema = MakeSchema({{"ts", DataType::Timestamp()},
                                 {"s", DataType::String()},
                                 {"raw", DataType::Bytes()},
                                 {"n", DataType::Int64()},
                                 {"l", DataType::List(TypeId::kString)}});
  EntryConverter c = EntryConverter::Make(schema, {"ts"}, "ts").value();
  EntryRows rows = Convert(
      c,
      {Entry("5-0", {{"ts", "2024-03-01T12:00:00Z"}, {"s", ""}, {"raw", ""}, {"n", ""}, {"l", ""}}),
       Entry("5-1", {{"ts", "2024-03-01T12:00:00Z"}})});
  ASSERT_TRUE(rows.rejected.empty());
  std::vector<Value> nulls = {Value::Timestamp(kTs), Value::Null(DataType::String()),
                              Value::Null(DataType::Bytes()), Value::Null(DataType::Int64()),
                              Value::Null(DataType::List(TypeId::kString))};
  ExpectRows(rows, *Batch(schema, {nulls, nulls}));
}

TEST(EntryConverterTest, UnknownFieldsAreRejectedWithASuggestionOrTheColumns) {
  EntryConverter c = TxnConverter();
  EXPECT_EQ(OneReason(c, Entry("1-0",
                               {{"user_id", "7"}, {"ts", "2024-03-01T12:00:00Z"}, {"amout", "1"}})),
            "unknown field 'amout' (did you mean 'amount'?)");
  EXPECT_EQ(OneReason(c, Entry("1-1", {{"zzz", "1"}})),
            "unknown field 'zzz' (the source's columns: user_id, ts, amount, name, event_id)");
}

TEST(EntryConverterTest, AFieldGivenTwiceIsRejected) {
  EntryConverter c = TxnConverter();
  EXPECT_EQ(
      OneReason(
          c,
          Entry("1-0", {{"user_id", "7"}, {"amount", "1"}, {"ts", "2024-03-01"}, {"amount", "1"}})),
      "field 'amount' given twice");
}

TEST(EntryConverterTest, RequiredColumnsMustBePresentAndNotNull) {
  EntryConverter c = TxnConverter();
  EXPECT_EQ(OneReason(c, Entry("1-0", {{"ts", "2024-03-01T12:00:00Z"}, {"amount", "1"}})),
            "missing required field 'user_id'");
  EXPECT_EQ(OneReason(c, Entry("1-1", {{"user_id", "7"}, {"ts", ""}})),
            "required field 'ts' is empty (null)");
  EXPECT_EQ(OneReason(c, Entry("1-2", {{"user_id", "7"}})), "missing required field 'ts'");
}

TEST(EntryConverterTest, AValueThatDoesNotParseNamesTheFieldAndTheValue) {
  EntryConverter c = TxnConverter();
  EXPECT_EQ(
      OneReason(
          c, Entry("1-0", {{"user_id", "7"}, {"ts", "2024-03-01T12:00:00Z"}, {"amount", "abc"}})),
      "field 'amount': 'abc' is not a double");
  EXPECT_EQ(OneReason(c, Entry("1-1", {{"user_id", "1e3"}, {"ts", "2024-03-01T12:00:00Z"}})),
            "field 'user_id': '1e3' is not an int64");
  EXPECT_EQ(OneReason(c, Entry("1-2", {{"user_id", "7"}, {"ts", "yesterday"}})),
            "field 'ts': 'yesterday' is not a timestamp (expected YYYY-MM-DD)");
}

TEST(EntryConverterTest, BadBytesInValuesAndNamesAreEscapedIntoOneUtf8Line) {
  EntryConverter c = TxnConverter();
  std::string reason = OneReason(
      c, Entry("1-0", {{"user_id", "7"}, {"ts", "2024-03-01T12:00:00Z"}, {"name", "ab\xFF"}}));
  EXPECT_EQ(reason, "field 'name': invalid UTF-8 (byte 0xFF at byte 3 of the field)");
  reason = OneReason(c, Entry("1-1", {{"user_id", "7\n\xC3"}, {"ts", "2024-03-01T12:00:00Z"}}));
  EXPECT_EQ(reason, "field 'user_id': '7\\n\\xC3' is not an int64");
  reason = OneReason(c, Entry("1-2", {{std::string("na\x01me\xFE", 6), "x"}}));
  EXPECT_EQ(reason, "unknown field 'na\\x01me\\xFE' (did you mean 'name'?)");
  EXPECT_TRUE(IsValidUtf8(reason));
}

TEST(EntryConverterTest, TheEntryIdFillsAStringEventIdUnlessTheEntryHasOne) {
  EntryConverter c = TxnConverter();
  EntryRows rows = Convert(
      c, {Entry("17-0", {{"user_id", "7"}, {"ts", "2024-03-01T12:00:00Z"}}),
          Entry("17-1", {{"user_id", "7"}, {"ts", "2024-03-01T12:00:00Z"}, {"event_id", "e-9"}}),
          Entry("17-2", {{"user_id", "7"}, {"ts", "2024-03-01T12:00:00Z"}, {"event_id", ""}})});
  ASSERT_TRUE(rows.rejected.empty());
  const Value n = Value::Null(DataType::Double()), s = Value::Null(DataType::String());
  ExpectRows(rows, *Batch(TxnSchema(),
                          {{Value::Int64(7), Value::Timestamp(kTs), n, s, Value::String("17-0")},
                           {Value::Int64(7), Value::Timestamp(kTs), n, s, Value::String("e-9")},
                           {Value::Int64(7), Value::Timestamp(kTs), n, s, Value::String("17-2")}}));
}

TEST(EntryConverterTest, ANonStringEventIdColumnNeedsTheField) {
  EntryConverter c = TxnConverter(DataType::Int64());
  EXPECT_EQ(OneReason(c, Entry("17-0", {{"user_id", "7"}, {"ts", "2024-03-01T12:00:00Z"}})),
            "no event_id field, and the entry id cannot fill the int64 column event_id");
  EntryRows rows = Convert(
      c, {Entry("17-1", {{"user_id", "7"}, {"ts", "2024-03-01T12:00:00Z"}, {"event_id", "42"}})});
  ASSERT_TRUE(rows.rejected.empty());
  ExpectRows(rows, *Batch(TxnSchema(DataType::Int64()),
                          {{Value::Int64(7), Value::Timestamp(kTs), Value::Null(DataType::Double()),
                            Value::Null(DataType::String()), Value::Int64(42)}}));
}

TEST(EntryConverterTest, WithoutAnEventIdColumnTheEntryIdIsNotAColumn) {
  SchemaPtr schema = MakeSchema({{"user_id", DataType::Int64()}, {"ts", DataType::Timestamp()}});
  EntryConverter c = EntryConverter::Make(schema, {"user_id", "ts"}, "ts").value();
  EntryRows rows = Convert(c, {Entry("3-0", {{"ts", "2024-03-01T12:00:00Z"}, {"user_id", "1"}})});
  ASSERT_TRUE(rows.rejected.empty());
  ExpectRows(rows, *Batch(schema, {{Value::Int64(1), Value::Timestamp(kTs)}}));
  EXPECT_EQ(
      OneReason(
          c, Entry("3-1", {{"ts", "2024-03-01T12:00:00Z"}, {"user_id", "1"}, {"event_id", "x"}})),
      "unknown field 'event_id' (the source's columns: user_id, ts)");
}

// A value that fails in a late column, after earlier columns were parsed,
// between good entries: none of its values may reach the rows.
TEST(EntryConverterTest, ARejectedEntryLeavesNothingInAnyColumn) {
  EntryConverter c = TxnConverter();
  EntryRows rows =
      Convert(c, {Entry("1-0", {{"user_id", "1"}, {"ts", "2024-03-01T12:00:00Z"}, {"name", "a"}}),
                  Entry("1-1", {{"user_id", "2"},
                                {"ts", "2024-03-01T12:00:00Z"},
                                {"amount", "2.5"},
                                {"name", "\xFF"},
                                {"event_id", "bad"}}),
                  Entry("1-2", {{"user_id", "3"}, {"ts", "2024-03-01T12:00:00Z"}, {"amount", "x"}}),
                  Entry("1-3", {{"user_id", "4"}, {"ts", "2024-03-01T12:00:00Z"}, {"name", "d"}})});
  ASSERT_EQ(rows.rejected.size(), 2u);
  EXPECT_EQ(rows.rejected[0].entry.id, "1-1");
  EXPECT_EQ(rows.rejected[1].entry.id, "1-2");
  EXPECT_EQ(rows.rejected[1].entry.fields[2].second, "x");  // the entry as it came
  EXPECT_EQ(rows.ids, (std::vector<std::string>{"1-0", "1-3"}));
  EXPECT_EQ(rows.event_micros, (std::vector<int64_t>{kTs, kTs}));
  const Value n = Value::Null(DataType::Double());
  ExpectRows(rows, *Batch(TxnSchema(), {{Value::Int64(1), Value::Timestamp(kTs), n,
                                         Value::String("a"), Value::String("1-0")},
                                        {Value::Int64(4), Value::Timestamp(kTs), n,
                                         Value::String("d"), Value::String("1-3")}}));
}

TEST(EntryConverterTest, NoEntriesOrOnlyBadOnesGiveNoRows) {
  EntryConverter c = TxnConverter();
  EntryRows none = Convert(c, {});
  EXPECT_EQ(none.rows, nullptr);
  EXPECT_TRUE(none.ids.empty() && none.event_micros.empty() && none.rejected.empty());
  EntryRows bad = Convert(
      c, {Entry("1-0", {{"user_id", "x"}, {"ts", "2024-03-01"}}), Entry("1-1", {{"nope", "1"}})});
  EXPECT_EQ(bad.rows, nullptr);
  EXPECT_EQ(bad.rejected.size(), 2u);
}

TEST(EntryConverterTest, MakeChecksTheRequiredAndTimestampColumns) {
  EXPECT_EQ(EntryConverter::Make(TxnSchema(), {"user"}, "ts").status().message(),
            "required column 'user' is not a column of (user_id: int64, ts: timestamp, amount: "
            "double, name: string, event_id: string)");
  EXPECT_EQ(EntryConverter::Make(TxnSchema(), {}, "time").status().message(),
            "timestamp column 'time' is not a column of (user_id: int64, ts: timestamp, amount: "
            "double, name: string, event_id: string)");
  EXPECT_EQ(EntryConverter::Make(TxnSchema(), {}, "amount").status().message(),
            "timestamp column 'amount' is double, not timestamp");
}

// Random batches of good and bad entries: the good ones' rows equal rows
// built from the generator's typed values, and each bad one is rejected
// with the reason its defect implies.
class RandomEntries {
 public:
  explicit RandomEntries(uint32_t seed) : rng_(seed) {}

  void Add(int i) {
    std::string id = std::to_string(1000 + i) + "-" + std::to_string(i % 3);
    Fields fields;
    std::vector<Value> row;
    const int64_t user = Pick(-1000000, 1000000);
    fields.push_back({"user_id", Pad(std::to_string(user))});
    row.push_back(Value::Int64(user));
    const int64_t ts = kTs + Pick(-86400, 86400) * 1000000 + Pick(0, 999999);
    fields.push_back({"ts", FormatTimestamp(ts)});
    row.push_back(Value::Timestamp(ts));
    row.push_back(AddAmount(&fields));
    row.push_back(AddName(&fields));
    if (Pick(0, 1) == 1) {
      std::string event = "ev" + std::to_string(i);
      fields.push_back({"event_id", event});
      row.push_back(Value::String(event));
    } else {
      row.push_back(Value::String(id));
    }
    std::shuffle(fields.begin(), fields.end(), rng_);
    std::string reason;
    if (Pick(0, 3) == 0) reason = Spoil(&fields);
    entries_.push_back(Entry(id, fields));
    if (reason.empty()) {
      good_rows_.push_back(row);
      good_ids_.push_back(id);
      good_ts_.push_back(ts);
    } else {
      bad_.push_back({id, reason});
    }
  }

  const std::vector<StreamEntry>& entries() const { return entries_; }
  const std::vector<std::vector<Value>>& good_rows() const { return good_rows_; }
  const std::vector<std::string>& good_ids() const { return good_ids_; }
  const std::vector<int64_t>& good_ts() const { return good_ts_; }
  const std::vector<std::pair<std::string, std::string>>& bad() const { return bad_; }

 private:
  int64_t Pick(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  std::string Pad(std::string s) { return Pick(0, 4) == 0 ? " " + s + "\t" : s; }

  Value AddAmount(Fields* fields) {
    switch (Pick(0, 3)) {
      case 0: return Value::Null(DataType::Double());  // no field
      case 1: fields->push_back({"amount", ""}); return Value::Null(DataType::Double());
      default: {
        double d = static_cast<double>(Pick(-1000000, 1000000)) / 64.0;
        char buf[64];
        auto end = std::to_chars(buf, buf + sizeof(buf), d).ptr;
        fields->push_back({"amount", Pad(std::string(buf, end))});
        return Value::Double(d);
      }
    }
  }

  Value AddName(Fields* fields) {
    if (Pick(0, 3) == 0) return Value::Null(DataType::String());
    static const std::vector<std::string> kParts = {
        "a", "b c", ",", "\"", "\xC3\xA9", "\xE2\x82\xAC", " ", "\t", "x\ny"};
    std::string s;
    for (int64_t k = Pick(1, 4); k > 0; --k) s += kParts[static_cast<size_t>(Pick(0, 8))];
    fields->push_back({"name", s});
    return Value::String(s);
  }

  // Makes the entry bad in one way; returns the reason expected for it.
  std::string Spoil(Fields* fields) {
    auto find = [&](const std::string& name) -> std::pair<std::string, std::string>* {
      for (auto& f : *fields) {
        if (f.first == name) return &f;
      }
      return nullptr;
    };
    switch (Pick(0, 5)) {
      case 0:
        fields->push_back({"amont", "1"});
        return "unknown field 'amont' (did you mean 'amount'?)";
      case 1: {
        auto copy = *find("user_id");
        fields->push_back(copy);
        return "field 'user_id' given twice";
      }
      case 2:
        fields->erase(fields->begin() + (find("ts") - fields->data()));
        return "missing required field 'ts'";
      case 3: find("user_id")->second = ""; return "required field 'user_id' is empty (null)";
      case 4: find("user_id")->second = "12x"; return "field 'user_id': '12x' is not an int64";
      default:
        if (auto* name = find("name")) {
          name->second = "ok\xC0";
        } else {
          fields->push_back({"name", "ok\xC0"});
        }
        return "field 'name': invalid UTF-8 (byte 0xC0 at byte 3 of the field)";
    }
  }

  std::mt19937 rng_;
  std::vector<StreamEntry> entries_;
  std::vector<std::vector<Value>> good_rows_;
  std::vector<std::string> good_ids_;
  std::vector<int64_t> good_ts_;
  std::vector<std::pair<std::string, std::string>> bad_;
};

TEST(EntryConverterTest, RandomMixesKeepExactlyTheGoodEntries) {
  EntryConverter c = TxnConverter();
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    RandomEntries gen(seed);
    const int n = 1 + static_cast<int>(seed * 7 % 97);
    for (int i = 0; i < n; ++i) gen.Add(i);
    EntryRows rows = Convert(c, gen.entries());
    std::vector<std::pair<std::string, std::string>> rejected;
    for (const RejectedEntry& r : rows.rejected) rejected.push_back({r.entry.id, r.reason});
    EXPECT_EQ(rejected, gen.bad());
    EXPECT_EQ(rows.ids, gen.good_ids());
    EXPECT_EQ(rows.event_micros, gen.good_ts());
    if (gen.good_rows().empty()) {
      EXPECT_EQ(rows.rows, nullptr);
    } else {
      ExpectRows(rows, *Batch(TxnSchema(), gen.good_rows()));
    }
  }
}

}  // namespace
}  // namespace tessera::stream
