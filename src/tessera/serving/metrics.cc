#include "tessera/serving/metrics.h"

#include <algorithm>
#include <cstdio>

namespace tessera::serving {
namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

// Seconds as Prometheus prints bounds: "0.00005", "0.25", "10".
std::string Seconds(int64_t micros) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", static_cast<double>(micros) / 1e6);
  return buf;
}

void Line(std::string* out, const std::string& name, const std::string& labels, uint64_t value) {
  *out += name;
  if (!labels.empty()) *out += "{" + labels + "}";
  *out += " " + std::to_string(value) + "\n";
}

}  // namespace

const char* EndpointName(Endpoint e) {
  switch (e) {
    case Endpoint::kGetOnlineFeatures: return "get-online-features";
    case Endpoint::kPush: return "push";
    case Endpoint::kMaterialize: return "materialize";
    case Endpoint::kMaterializeIncremental: return "materialize-incremental";
    case Endpoint::kHealth: return "health";
    case Endpoint::kMetrics: return "metrics";
    case Endpoint::kRegistry: return "registry";
    case Endpoint::kOther: return "other";
    case Endpoint::kCount: break;
  }
  return "other";
}

const std::array<int64_t, LatencyHistogram::kBuckets - 1>& LatencyHistogram::Bounds() {
  static const std::array<int64_t, kBuckets - 1> kBounds = {
      50,    100,    250,    500,    1000,    2500,    5000,    10000,   25000,
      50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000};
  return kBounds;
}

void LatencyHistogram::Record(int64_t micros) {
  micros = std::max<int64_t>(micros, 0);
  const auto& bounds = Bounds();
  size_t i =
      static_cast<size_t>(std::lower_bound(bounds.begin(), bounds.end(), micros) - bounds.begin());
  counts_[i].fetch_add(1, kRelaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(micros), kRelaxed);
}

void LatencyHistogram::Render(const std::string& name, const std::string& labels,
                              std::string* out) const {
  std::string sep = labels.empty() ? "" : labels + ",";
  uint64_t cumulative = 0;
  const auto& bounds = Bounds();
  for (int i = 0; i < kBuckets; ++i) {
    cumulative += counts_[i].load(kRelaxed);
    std::string le = i + 1 < kBuckets ? Seconds(bounds[i]) : "+Inf";
    Line(out, name + "_bucket", sep + "le=\"" + le + "\"", cumulative);
  }
  char sum[48];
  std::snprintf(sum, sizeof(sum), "%.6f", static_cast<double>(sum_micros_.load(kRelaxed)) / 1e6);
  *out += name + "_sum" + (labels.empty() ? "" : "{" + labels + "}") + " " + sum + "\n";
  Line(out, name + "_count", labels, cumulative);
}

namespace {

// A label value escaped as the text format asks (backslash, quote, newline).
std::string LabelValue(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string SecondsValue(int64_t micros) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%.6f", static_cast<double>(micros) / 1e6);
  return buf;
}

}  // namespace

void Metrics::RenderFreshness(const std::vector<ViewFreshness>& views, std::string* out) {
  *out +=
      "# HELP tessera_feature_view_version Applied (current) and newest materialized version.\n";
  *out += "# TYPE tessera_feature_view_version gauge\n";
  for (const ViewFreshness& v : views) {
    std::string view = "view=\"" + LabelValue(v.view) + "\"";
    *out += "tessera_feature_view_version{" + view + ",state=\"current\"} " +
            std::to_string(v.current_version) + "\n";
    *out += "tessera_feature_view_version{" + view + ",state=\"materialized\"} " +
            std::to_string(v.materialized_version) + "\n";
  }
  *out += "# HELP tessera_materialized_end_seconds End of the last materialized interval.\n";
  *out += "# TYPE tessera_materialized_end_seconds gauge\n";
  auto labels = [](const ViewFreshness& v) {
    return "{view=\"" + LabelValue(v.view) + "\",version=\"" +
           std::to_string(v.materialized_version) + "\"} ";
  };
  for (const ViewFreshness& v : views) {
    if (v.materialized_version == 0) continue;
    *out += "tessera_materialized_end_seconds" + labels(v) + SecondsValue(v.last_end_micros) + "\n";
  }
  *out += "# HELP tessera_materialization_staleness_seconds Now minus the materialized end.\n";
  *out += "# TYPE tessera_materialization_staleness_seconds gauge\n";
  for (const ViewFreshness& v : views) {
    if (v.materialized_version == 0) continue;
    *out += "tessera_materialization_staleness_seconds" + labels(v) +
            SecondsValue(v.staleness_micros) + "\n";
  }
}

void Metrics::RecordRequest(Endpoint endpoint, int http_status, int64_t micros) {
  PerEndpoint& p = per_endpoint_[static_cast<int>(endpoint)];
  p.requests.fetch_add(1, kRelaxed);
  if (http_status >= 500) {
    p.errors_5xx.fetch_add(1, kRelaxed);
  } else if (http_status >= 400) {
    p.errors_4xx.fetch_add(1, kRelaxed);
  }
  p.latency.Record(micros);
}

void Metrics::RecordOnlineRead(int64_t keys, int64_t micros) {
  keys_read_.fetch_add(static_cast<uint64_t>(std::max<int64_t>(keys, 0)), kRelaxed);
  online_read_.Record(micros);
}

void Metrics::RecordPush(int64_t window_applied, int64_t window_too_old, int64_t duplicates) {
  window_applied_.fetch_add(static_cast<uint64_t>(std::max<int64_t>(window_applied, 0)), kRelaxed);
  window_too_old_.fetch_add(static_cast<uint64_t>(std::max<int64_t>(window_too_old, 0)), kRelaxed);
  duplicates_dropped_.fetch_add(static_cast<uint64_t>(std::max<int64_t>(duplicates, 0)), kRelaxed);
}

std::string Metrics::Render() const {
  std::string out;
  constexpr int kN = static_cast<int>(Endpoint::kCount);
  auto label = [](int i) {
    return std::string("endpoint=\"") + EndpointName(static_cast<Endpoint>(i)) + "\"";
  };
  out += "# HELP tessera_http_requests_total HTTP requests handled, by endpoint.\n";
  out += "# TYPE tessera_http_requests_total counter\n";
  for (int i = 0; i < kN; ++i) {
    Line(&out, "tessera_http_requests_total", label(i), per_endpoint_[i].requests.load(kRelaxed));
  }
  out += "# HELP tessera_http_errors_total HTTP requests answered with 4xx or 5xx.\n";
  out += "# TYPE tessera_http_errors_total counter\n";
  for (int i = 0; i < kN; ++i) {
    Line(&out, "tessera_http_errors_total", label(i) + ",class=\"4xx\"",
         per_endpoint_[i].errors_4xx.load(kRelaxed));
    Line(&out, "tessera_http_errors_total", label(i) + ",class=\"5xx\"",
         per_endpoint_[i].errors_5xx.load(kRelaxed));
  }
  out += "# HELP tessera_http_request_duration_seconds Time from a request read to its answer.\n";
  out += "# TYPE tessera_http_request_duration_seconds histogram\n";
  for (int i = 0; i < kN; ++i) {
    per_endpoint_[i].latency.Render("tessera_http_request_duration_seconds", label(i), &out);
  }
  out += "# HELP tessera_online_read_duration_seconds Online feature reads (store and codec).\n";
  out += "# TYPE tessera_online_read_duration_seconds histogram\n";
  online_read_.Render("tessera_online_read_duration_seconds", "", &out);
  out += "# HELP tessera_online_keys_read_total Entity rows read from the online store.\n";
  out += "# TYPE tessera_online_keys_read_total counter\n";
  Line(&out, "tessera_online_keys_read_total", "", keys_read_.load(kRelaxed));
  out += "# HELP tessera_window_events_applied_total Pushed events applied to window state.\n";
  out += "# TYPE tessera_window_events_applied_total counter\n";
  Line(&out, "tessera_window_events_applied_total", "", window_applied_.load(kRelaxed));
  out +=
      "# HELP tessera_window_events_too_old_total Pushed events older than a view's largest "
      "window: logged, skipped online.\n";
  out += "# TYPE tessera_window_events_too_old_total counter\n";
  Line(&out, "tessera_window_events_too_old_total", "", window_too_old_.load(kRelaxed));
  out += "# HELP tessera_push_duplicates_dropped_total Retried rows dropped by event_id.\n";
  out += "# TYPE tessera_push_duplicates_dropped_total counter\n";
  Line(&out, "tessera_push_duplicates_dropped_total", "", duplicates_dropped_.load(kRelaxed));
  if (extra_) extra_(&out);
  return out;
}

namespace {

std::string StreamLabels(const stream::StreamStatus& s) {
  return "source=\"" + LabelValue(s.source) + "\",stream=\"" + LabelValue(s.stream) +
         "\",group=\"" + LabelValue(s.group) + "\",consumer=\"" + LabelValue(s.consumer) + "\"";
}

// One family: HELP, TYPE, then a sample per consumer.
template <typename Value>
void StreamFamily(const std::vector<stream::StreamStatus>& statuses, const char* name,
                  const char* type, const char* help, Value value, std::string* out) {
  *out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  for (const stream::StreamStatus& s : statuses) {
    *out += std::string(name) + "{" + StreamLabels(s) + "} " + value(s) + "\n";
  }
}

std::string Count(int64_t v) { return std::to_string(v); }

std::string Decimal(double v) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%.6f", v);
  return buf;
}

}  // namespace

void Metrics::RenderStreams(const std::vector<stream::StreamStatus>& statuses, std::string* out) {
  using S = stream::StreamStatus;
  if (statuses.empty()) return;
  StreamFamily(
      statuses, "tessera_stream_connected", "gauge", "1 while the stream's Redis answers.",
      [](const S& s) { return Count(s.connected ? 1 : 0); }, out);
  StreamFamily(
      statuses, "tessera_stream_lag_entries", "gauge",
      "Entries not yet delivered to the consumer group (-1: unknown).",
      [](const S& s) { return Count(s.lag_entries); }, out);
  StreamFamily(
      statuses, "tessera_stream_lag_seconds", "gauge",
      "Now minus the time of the oldest entry not yet delivered to the group.",
      [](const S& s) { return Decimal(s.lag_seconds); }, out);
  StreamFamily(
      statuses, "tessera_stream_queued_batches", "gauge", "Batches read and waiting to be applied.",
      [](const S& s) { return Count(s.queued_batches); }, out);
  StreamFamily(
      statuses, "tessera_stream_entries_read_total", "counter",
      "Entries delivered to this consumer (new, pending, claimed).",
      [](const S& s) { return Count(s.entries_read); }, out);
  StreamFamily(
      statuses, "tessera_stream_entries_claimed_total", "counter",
      "Entries claimed from other consumers of the group.",
      [](const S& s) { return Count(s.entries_claimed); }, out);
  StreamFamily(
      statuses, "tessera_stream_events_applied_total", "counter",
      "Events committed to the source log and applied online.",
      [](const S& s) { return Count(s.events_applied); }, out);
  StreamFamily(
      statuses, "tessera_stream_rejected_total", "counter",
      "Bad entries written to the dead-letter stream.",
      [](const S& s) { return Count(s.rejected); }, out);
  StreamFamily(
      statuses, "tessera_stream_too_old_total", "counter",
      "Events older than every window: logged, not served.",
      [](const S& s) { return Count(s.too_old); }, out);
  StreamFamily(
      statuses, "tessera_stream_duplicates_total", "counter",
      "Entries dropped because their event id was committed before.",
      [](const S& s) { return Count(s.duplicates); }, out);
  StreamFamily(
      statuses, "tessera_stream_commits_total", "counter",
      "Batches committed to the source log (group commits).",
      [](const S& s) { return Count(s.batches); }, out);
  const std::string name = "tessera_stream_freshness_seconds";
  *out += "# HELP " + name + " Now minus the event time when a streamed event was applied.\n";
  *out += "# TYPE " + name + " histogram\n";
  for (const S& s : statuses) {
    const std::string labels = StreamLabels(s);
    uint64_t cumulative = 0;
    for (size_t b = 0; b < stream::kFreshnessBuckets; ++b) {
      cumulative +=
          b < s.freshness_counts.size() ? static_cast<uint64_t>(s.freshness_counts[b]) : 0;
      const std::string le = b + 1 < stream::kFreshnessBuckets
                                 ? Seconds(stream::kFreshnessBucketsMs[b] * 1000)
                                 : "+Inf";
      Line(out, name + "_bucket", labels + ",le=\"" + le + "\"", cumulative);
    }
    *out += name + "_sum{" + labels + "} " + Decimal(s.freshness_sum_seconds) + "\n";
    Line(out, name + "_count", labels, cumulative);
  }
}

}  // namespace tessera::serving
