// Metrics: the server's counters and latency histograms, rendered as
// Prometheus text (exposition format 0.0.4) by GET /metrics.
//
//   tessera_http_requests_total{endpoint}            counter
//   tessera_http_errors_total{endpoint,class}        counter (class 4xx, 5xx)
//   tessera_http_request_duration_seconds{endpoint}  histogram
//   tessera_online_read_duration_seconds             histogram (the facade's
//                                                    GetOnlineFeatures call)
//   tessera_online_keys_read_total                   counter (entity rows)
//   tessera_window_events_applied_total              counter (pushed events into
//                                                    aggregated views' window state)
//   tessera_window_events_too_old_total              counter (pushed events older
//                                                    than a view's largest window:
//                                                    logged, skipped online)
//   tessera_push_duplicates_dropped_total            counter (retried rows dropped
//                                                    by event_id)
//
// and, with `tessera serve --stream`, per consumer (RenderStreams, through
// set_extra; labels source, stream, group, consumer; docs/STREAMS.md):
//
//   tessera_stream_connected, _lag_entries, _lag_seconds, _queued_batches
//                                                    gauges
//   tessera_stream_entries_read_total, _entries_claimed_total,
//   _events_applied_total, _rejected_total, _too_old_total,
//   _duplicates_total, _commits_total                counters
//   tessera_stream_freshness_seconds                 histogram (now - event
//                                                    time at apply)
//
// and, from
// the store at each scrape (RenderFreshness), per online view:
//
//   tessera_feature_view_version{view,state}         gauge (state current,
//                                                    materialized: the newest
//                                                    materialized, 0 for none)
//   tessera_materialized_end_seconds{view,version}   gauge (end of the newest
//                                                    version's last interval)
//   tessera_materialization_staleness_seconds{view,version}  gauge (now - end)
//
// Thread-safety: Record* may be called from many threads at once (relaxed
// atomics, no lock); Render reads a snapshot that may mix counts from
// requests finishing meanwhile, as Prometheus clients accept.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tessera/feature_store.h"
#include "tessera/stream/stream_consumer.h"

namespace tessera::serving {

enum class Endpoint : int {
  kGetOnlineFeatures,
  kPush,
  kMaterialize,
  kMaterializeIncremental,
  kHealth,
  kMetrics,
  kRegistry,
  kOther,  // unknown paths
  kCount
};
const char* EndpointName(Endpoint e);  // "get-online-features", ...

// A latency histogram with fixed buckets from 50 us to 10 s.
class LatencyHistogram {
 public:
  static constexpr int kBuckets = 18;
  // Upper bounds in microseconds (the last bucket is +Inf).
  static const std::array<int64_t, kBuckets - 1>& Bounds();

  void Record(int64_t micros);
  // The histogram's lines: name_bucket{labels,le="..."}, name_sum, name_count.
  void Render(const std::string& name, const std::string& labels, std::string* out) const;

 private:
  std::array<std::atomic<uint64_t>, kBuckets> counts_{};
  std::atomic<uint64_t> sum_micros_{0};
};

class Metrics {
 public:
  void RecordRequest(Endpoint endpoint, int http_status, int64_t micros);
  void RecordOnlineRead(int64_t keys, int64_t micros);
  void RecordPush(int64_t window_applied, int64_t window_too_old, int64_t duplicates);
  uint64_t requests(Endpoint e) const {
    return per_endpoint_[static_cast<int>(e)].requests.load(std::memory_order_relaxed);
  }
  // Render() appends what `extra` appends (the stream consumers' metrics).
  // REQUIRES: set before the server starts (it is read without a lock).
  void set_extra(std::function<void(std::string*)> extra) { extra_ = std::move(extra); }
  std::string Render() const;
  // The per-view gauges above (views never materialized have only the
  // version gauges), appended to `out`.
  static void RenderFreshness(const std::vector<ViewFreshness>& views, std::string* out);
  // The stream consumers' metrics above, appended to `out` (nothing for none).
  static void RenderStreams(const std::vector<stream::StreamStatus>& statuses, std::string* out);

 private:
  struct PerEndpoint {
    std::atomic<uint64_t> requests{0};
    std::atomic<uint64_t> errors_4xx{0};
    std::atomic<uint64_t> errors_5xx{0};
    LatencyHistogram latency;
  };
  std::array<PerEndpoint, static_cast<int>(Endpoint::kCount)> per_endpoint_;
  LatencyHistogram online_read_;
  std::atomic<uint64_t> keys_read_{0};
  std::atomic<uint64_t> window_applied_{0};
  std::atomic<uint64_t> window_too_old_{0};
  std::atomic<uint64_t> duplicates_dropped_{0};
  std::function<void(std::string*)> extra_;
};

}  // namespace tessera::serving
