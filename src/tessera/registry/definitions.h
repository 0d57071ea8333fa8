// The objects of a feature repo (DESIGN.md section 2), as loaded from YAML
// and stored in the registry: entities, sources, feature views, on-demand
// feature views and feature services, plus the repo's tessera.yaml config.
//
// These are plain values. A loaded RepoDefinitions has passed validation
// (loader.h): names are unique per kind and valid, references resolve, types
// and durations parse. `location` records where the object was declared, for
// messages; it is not part of the object's identity or hash.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tessera/core/result.h"
#include "tessera/core/schema.h"
#include "tessera/core/types.h"

namespace tessera::registry {

// "features/payments.yaml:12" (path relative to the repo root).
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;  // 1-based; 0 when only the line is known
  std::string ToString() const {
    std::string s = file + ":" + std::to_string(line);
    return column > 0 ? s + ":" + std::to_string(column) : s;
  }
};

// What every object carries besides its logic. Changing only these records
// history without a new version.
struct ObjectDoc {
  std::string description;
  std::string owner;
  std::map<std::string, std::string> tags;
};

enum class ObjectKind { kEntity, kSource, kFeatureView, kOnDemandFeatureView, kFeatureService };
const char* ObjectKindName(ObjectKind kind);  // "entity", "source", "feature_view", ...

struct JoinKey {
  std::string name;
  DataType type;
};

struct Entity {
  std::string name;
  std::vector<JoinKey> join_keys;
  ObjectDoc doc;
  SourceLocation location;
};

enum class SourceKind { kBatch, kPush, kRequest };
const char* SourceKindName(SourceKind kind);  // "batch", "push", "request"

// Where a push source's events arrive from a stream (issue 11):
// `stream: {type: redis, url: "redis://127.0.0.1:6379", key: tx_events,
// group: tessera}`. Operational, like ObjectDoc: changing it records history
// but bumps no version (it is not in the canonical form).
struct StreamConfig {
  std::string type;   // "redis" (the only one so far)
  std::string url;    // redis://[[user]:password@]host[:port][/db]
  std::string key;    // the stream's key; dead letters go to "<key>:dead"
  std::string group;  // the consumer group; "tessera" when not written
};

struct Source {
  std::string name;
  SourceKind kind = SourceKind::kBatch;
  // batch: file or glob relative to the repo root; Parquet or CSV.
  std::string path;
  std::string timestamp_field;          // batch: required
  std::string created_timestamp_field;  // batch: optional
  std::string batch_source;             // push: the batch source holding history
  std::vector<Field> schema;            // request (and optionally push): fields
  std::optional<StreamConfig> stream;   // push: consumed from this stream
  ObjectDoc doc;
  SourceLocation location;
};

struct FeatureDef {
  std::string name;
  DataType type;
  std::string expr;  // row transformation; stored as written (engine later)
  std::string description;
  SourceLocation location;
};

struct Aggregation {
  // The aggregated column; empty only for `count` without a column (it
  // counts events; its features are named `count_<window>`).
  std::string column;
  // count, sum, avg, min, max, var, stddev, first, last, last_n,
  // count_distinct, approx_count_distinct, approx_percentile
  // (docs/DEFINITIONS.md).
  std::string function;
  std::vector<int64_t> windows;  // microseconds, > 0
  // Parameters, 0 when the function has none: `k` of last_n (>= 1), `p` of
  // approx_percentile (in [0, 1]).
  int64_t k = 0;
  double p = 0;
  // The tile width of each window (same length as `windows` once loaded),
  // microseconds; 0 means the default agg chooses (agg/window_plan.h). A
  // default stays out of the canonical form, so existing views keep their
  // versions.
  std::vector<int64_t> tile_widths;
  SourceLocation location;
  // "amount_sum_24h": <column>_<function part>_<FormatDuration(window)>,
  // where the function part carries the parameter (`amount_p99_24h`,
  // `amount_last5_7d`) and a count of events is `count_24h`.
  std::string FeatureName(int64_t window) const;
};

// The type of the features aggregation `function` produces over a column of
// type `input` (docs/DEFINITIONS.md, "Aggregation output types"): count and
// count_distinct int64; sum int64 over int32/int64, double over
// float/double; avg and stddev double; min, max and last the input type.
// Fails (Invalid, a reason without location) when the function does not
// apply to the input type (sum of a string) or is unknown.
Result<DataType> AggregationOutputType(const std::string& function, DataType input);

// Per-feature validation rules (governance evaluates them later).
struct ValidationRule {
  std::optional<double> min;
  std::optional<double> max;
  bool not_null = false;
  std::vector<std::string> allowed_values;
};

struct FeatureView {
  std::string name;
  std::vector<std::string> entities;
  std::string source;
  int64_t ttl = 0;  // microseconds; 0 = no bound
  bool online = true;
  std::vector<FeatureDef> features;
  std::vector<Aggregation> aggregations;
  std::map<std::string, ValidationRule> validation;  // by feature name
  ObjectDoc doc;
  SourceLocation location;
};

struct OnDemandFeatureView {
  std::string name;
  std::vector<std::string> inputs;   // feature views and request sources
  std::vector<FeatureDef> features;  // each with an expr
  ObjectDoc doc;
  SourceLocation location;
};

struct FeatureService {
  std::string name;
  // "view:feature", "view@3:feature" or "view" (all its features).
  std::vector<std::string> features;
  // Where each of `features` was written (same index), for messages; filled
  // by the loader, may be shorter (then `location` is used).
  std::vector<SourceLocation> feature_locations;
  ObjectDoc doc;
  SourceLocation location;
};

struct OnlineStoreConfig {
  std::string type = "rocksdb";  // rocksdb | redis | redis-cluster
  std::string path = "data/online";
  int64_t block_cache_mb = 64;  // rocksdb: the block cache, MiB
  int64_t row_cache_mb = 0;     // rocksdb: the row cache (online/row_cache.h), MiB; 0: none
  std::string url;
  std::vector<std::string> nodes;
  // Redis: connections open at most at once, and the bounds on connecting
  // and on each command's send and reply (milliseconds).
  int pool_size = 8;
  int64_t connect_timeout_ms = 1000;
  int64_t timeout_ms = 1000;
};

// tessera.yaml. Paths are relative to the repo root unless absolute.
struct RepoConfig {
  std::string project;
  std::string registry_path = "data/registry.db";
  std::string offline_path = "data/offline";
  OnlineStoreConfig online;
};

struct RepoDefinitions {
  std::vector<Entity> entities;
  std::vector<Source> sources;
  std::vector<FeatureView> feature_views;
  std::vector<OnDemandFeatureView> on_demand_feature_views;
  std::vector<FeatureService> feature_services;
};

// The names of the features a view exposes: declared features, then one per
// aggregation and window.
std::vector<std::string> FeatureNames(const FeatureView& view);

}  // namespace tessera::registry
