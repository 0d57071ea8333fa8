// The "aggregations" list of a feature view: function, column, windows (each
// a duration, or {window, tile} with its tile width) and the parameters `k`
// (last_n) and `p` (approx_percentile). Every value is checked here, with
// its line; column types are checked against the source at plan
// (source_check.cc), name collisions by the validator.
#include <algorithm>
#include <charconv>
#include <iterator>
#include <optional>
#include <string_view>

#include "tessera/core/suggest.h"
#include "tessera/core/time.h"
#include "tessera/registry/loader_internal.h"
#include "tessera/registry/yaml_objects.h"
#include "tessera/registry/yaml_reader.h"

namespace tessera::registry::internal {

namespace {

// The documented aggregation functions (docs/DEFINITIONS.md).
constexpr std::string_view kAggregationFunctions[] = {"count",
                                                      "sum",
                                                      "avg",
                                                      "min",
                                                      "max",
                                                      "var",
                                                      "stddev",
                                                      "first",
                                                      "last",
                                                      "last_n",
                                                      "count_distinct",
                                                      "approx_count_distinct",
                                                      "approx_percentile"};
constexpr const char* kFunctionList =
    "count, sum, avg, min, max, var, stddev, first, last, last_n, count_distinct, "
    "approx_count_distinct or approx_percentile";

// last_n keeps k values per key and window in the online state and in every
// served list: a bound keeps one definition from costing unbounded memory.
constexpr int64_t kMaxLastN = 1000;

bool IsKnownFunction(const std::string& function) {
  return std::find(std::begin(kAggregationFunctions), std::end(kAggregationFunctions), function) !=
         std::end(kAggregationFunctions);
}

// The function; true when it is one of kAggregationFunctions.
bool ReadFunction(MapReader& r, Aggregation* agg) {
  if (!r.String("function", /*required=*/true, &agg->function) || agg->function.empty()) {
    return false;
  }
  if (IsKnownFunction(agg->function)) return true;
  r.ctx().Error(r.Get("function"), r.what() + ": unknown function " + Quoted(agg->function) +
                                       " (expected " + kFunctionList + ")");
  return false;
}

// `column`, which only count may omit (it then counts events). Without a
// known function, whether a column is needed cannot be said.
void ReadColumn(MapReader& r, bool function_known, Aggregation* agg) {
  if (!r.Get("column").IsNull()) {
    r.Name("column", "column", &agg->column);
    return;
  }
  if (!function_known || agg->function == "count") return;
  r.ctx().ErrorAt(r.location(), r.what() + ": " + agg->function +
                                    " needs a 'column' (only count may omit it, to count events)");
}

// A positive duration from `node` (reported as `key`), or nullopt after
// reporting why not.
std::optional<int64_t> PositiveDuration(MapReader& r, const YamlNode& node, std::string_view key) {
  Result<int64_t> d = node.IsScalar() ? ParseDuration(node.Scalar())
                                      : Status::Invalid("expected a duration such as 1h or 7d");
  if (!d.ok()) {
    r.ctx().Error(node, r.what() + ": " + std::string(key) + ": " + d.status().message());
    return std::nullopt;
  }
  if (*d <= 0) {
    r.ctx().Error(node, r.what() + ": " + std::string(key) + " must be positive, got " +
                            Quoted(node.Scalar()));
    return std::nullopt;
  }
  return *d;
}

struct WindowEntry {
  const YamlNode* window_node = nullptr;  // for messages
  std::optional<int64_t> window;
  int64_t tile = 0;
  bool ok = true;
};

// `{window: 24h, tile: 1h}`: a window with its tile width.
WindowEntry ReadWindowMapping(MapReader& parent, const YamlNode& item) {
  MapReader r(item, "window of " + parent.what(), &parent.ctx());
  WindowEntry entry;
  const YamlNode& window = r.Require("window");
  const YamlNode& tile = r.Get("tile");
  r.ReportUnknownKeys();
  entry.window_node = &window;
  if (window.IsNull()) {
    entry.ok = false;
    return entry;
  }
  entry.window = PositiveDuration(parent, window, "window");
  if (tile.IsNull()) return entry;
  std::optional<int64_t> width = PositiveDuration(parent, tile, "tile");
  if (!width) {
    entry.ok = false;
  } else if (entry.window && *width > *entry.window) {
    parent.ctx().Error(tile, parent.what() + ": tile " + Quoted(tile.Scalar()) +
                                 " is longer than its window " + Quoted(window.Scalar()));
    entry.ok = false;
  } else {
    entry.tile = *width;
  }
  return entry;
}

// windows: a non-empty list of durations or {window, tile} mappings.
void ReadWindows(MapReader& r, Aggregation* agg) {
  const YamlNode& list = r.Require("windows");
  if (list.IsNull() || !ExpectSequence(list, "windows", r)) return;
  if (list.size() == 0) r.ctx().Error(list, r.what() + ": 'windows' is empty");
  for (const YamlNode& item : list.items()) {
    WindowEntry entry;
    if (item.IsMap()) {
      entry = ReadWindowMapping(r, item);
    } else {
      entry.window_node = &item;
      entry.window = PositiveDuration(r, item, "window");
    }
    if (!entry.window || !entry.ok) continue;
    if (std::find(agg->windows.begin(), agg->windows.end(), *entry.window) != agg->windows.end()) {
      // Kept out so the repeat is not also reported as a duplicate feature.
      r.ctx().Error(*entry.window_node,
                    r.what() + ": duplicate window " + Quoted(entry.window_node->Scalar()));
      continue;
    }
    agg->windows.push_back(*entry.window);
    agg->tile_widths.push_back(entry.tile);
  }
}

// A parameter given to a function that has none of that name.
bool RejectParameter(MapReader& r, const Aggregation& agg, std::string_view key,
                     std::string_view owner) {
  const YamlNode& node = r.Get(key);
  if (node.IsNull() || agg.function == owner) return false;
  r.ctx().Error(node, r.what() + ": " + Quoted(key) + " applies only to " + std::string(owner) +
                          ", not " + agg.function);
  return true;
}

// k of last_n: a whole number from 1 to kMaxLastN.
void ReadK(MapReader& r, Aggregation* agg) {
  const YamlNode& node = r.Get("k");
  if (node.IsNull()) {
    r.ctx().ErrorAt(r.location(), r.what() +
                                      ": last_n needs 'k', how many of the latest values "
                                      "to keep (1 to " +
                                      std::to_string(kMaxLastN) + ")");
    return;
  }
  std::string text;
  if (!r.String("k", /*required=*/false, &text)) return;
  int64_t k = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), k);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || k < 1 ||
      k > kMaxLastN) {
    r.ctx().Error(node, r.what() + ": k: expected a whole number from 1 to " +
                            std::to_string(kMaxLastN) + ", got " + Quoted(text));
    return;
  }
  agg->k = k;
}

// p of approx_percentile: a number from 0 to 1.
void ReadP(MapReader& r, Aggregation* agg) {
  const YamlNode& node = r.Get("p");
  if (node.IsNull()) {
    r.ctx().ErrorAt(r.location(), r.what() +
                                      ": approx_percentile needs 'p', the quantile from 0 "
                                      "to 1 (0.99 for the 99th percentile)");
    return;
  }
  std::optional<double> p;
  if (!r.Double("p", &p) || !p) return;
  if (*p < 0 || *p > 1) {
    r.ctx().Error(node,
                  r.what() + ": p: expected a number from 0 to 1, got " + Quoted(node.Scalar()));
    return;
  }
  agg->p = *p == 0 ? 0.0 : *p;  // -0 is 0: one name, one canonical form
}

// k and p: required by their function, refused on every other.
void ReadParameters(MapReader& r, bool function_known, Aggregation* agg) {
  if (!function_known) {
    r.Allow("k");
    r.Allow("p");
    return;
  }
  if (!RejectParameter(r, *agg, "k", "last_n") && agg->function == "last_n") ReadK(r, agg);
  if (!RejectParameter(r, *agg, "p", "approx_percentile") && agg->function == "approx_percentile") {
    ReadP(r, agg);
  }
}

}  // namespace

void ReadAggregations(MapReader& parent, std::vector<Aggregation>* out) {
  const YamlNode& list = parent.Get("aggregations");
  if (list.IsNull() || !ExpectSequence(list, "aggregations", parent)) return;
  for (const YamlNode& item : list.items()) {
    std::string what = "aggregation of " + parent.what();
    if (!ExpectMap(item, what, parent.ctx())) continue;
    MapReader r(item, what, &parent.ctx());
    Aggregation agg;
    agg.location = r.location();
    bool function_known = ReadFunction(r, &agg);
    ReadColumn(r, function_known, &agg);
    ReadWindows(r, &agg);
    ReadParameters(r, function_known, &agg);
    r.ReportUnknownKeys();
    out->push_back(std::move(agg));
  }
}

}  // namespace tessera::registry::internal
