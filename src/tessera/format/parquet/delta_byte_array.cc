// DELTA_LENGTH_BYTE_ARRAY (lengths as DELTA_BINARY_PACKED, then all bytes
// back to back) and DELTA_BYTE_ARRAY (prefix lengths as DELTA_BINARY_PACKED,
// then the suffixes as DELTA_LENGTH_BYTE_ARRAY; value i is the first
// prefix[i] bytes of value i - 1 followed by suffix i), from Encodings.md.
//
// Counts come from untrusted headers, so lengths are decoded in fixed-size
// batches into vectors that grow with the data actually decoded, never
// presized from a claimed count.
#include <algorithm>
#include <cstring>

#include "tessera/format/parquet/encoding.h"

namespace tessera::parquet {
namespace {

constexpr int64_t kBatch = 1024;
constexpr int64_t kMaxDecodedBytes = int64_t{1} << 31;

// Decodes n integers of a DELTA_BINARY_PACKED stream into *values (appended)
// and sets *consumed to the stream's size. Each value must be in [0, limit].
Status DecodeLengths(const uint8_t* data, int64_t size, int64_t n, int64_t limit,
                     std::vector<int64_t>* values, int64_t* consumed) {
  DeltaBinaryPackedDecoder decoder;
  TS_RETURN_NOT_OK(decoder.Init(data, size));
  if (n < 0 || n > decoder.total_values()) {
    return Status::Corruption("byte-array lengths hold " + std::to_string(decoder.total_values()) +
                              " values, " + std::to_string(n) + " expected");
  }
  int64_t batch[kBatch];
  for (int64_t done = 0; done < n;) {
    const int64_t k = std::min(kBatch, n - done);
    TS_RETURN_NOT_OK(decoder.GetBatch(batch, k));
    for (int64_t i = 0; i < k; ++i) {
      if (batch[i] < 0 || batch[i] > limit) {
        return Status::Corruption("byte-array length " + std::to_string(batch[i]) +
                                  " outside the page");
      }
    }
    values->insert(values->end(), batch, batch + k);
    done += k;
  }
  return decoder.SkipToEnd(consumed);
}

// The DELTA_LENGTH_BYTE_ARRAY layout: lengths, then *bytes (of *total bytes,
// all inside the data).
Status DecodeLengthsAndBytes(const uint8_t* data, int64_t size, int64_t n,
                             std::vector<int64_t>* lengths, const uint8_t** bytes, int64_t* total) {
  int64_t consumed = 0;
  TS_RETURN_NOT_OK(DecodeLengths(data, size, n, size, lengths, &consumed));
  int64_t sum = 0;
  for (int64_t len : *lengths) {
    sum += len;  // each <= size, so no overflow before the check trips
    if (sum > size - consumed) {
      return Status::Corruption("DELTA_LENGTH_BYTE_ARRAY lengths exceed the page");
    }
  }
  *bytes = data + consumed;
  *total = sum;
  return Status::OK();
}

void AppendLengths(const std::string_view* values, int64_t n, std::string* out) {
  std::vector<int64_t> lengths(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) lengths[i] = static_cast<int64_t>(values[i].size());
  EncodeDeltaBinaryPacked(lengths.data(), n, out);
}

}  // namespace

Status DecodeDeltaLengthByteArray(const uint8_t* data, int64_t size, int64_t n, ByteArrays* out) {
  std::vector<int64_t> lengths;
  const uint8_t* bytes = nullptr;
  int64_t total = 0;
  TS_RETURN_NOT_OK(DecodeLengthsAndBytes(data, size, n, &lengths, &bytes, &total));
  if (out->offsets.empty()) out->offsets.push_back(static_cast<int64_t>(out->data.size()));
  out->offsets.reserve(out->offsets.size() + lengths.size());
  int64_t offset = out->offsets.back();
  for (int64_t len : lengths) out->offsets.push_back(offset += len);
  out->data.append(reinterpret_cast<const char*>(bytes), static_cast<size_t>(total));
  return Status::OK();
}

Status DecodeDeltaByteArray(const uint8_t* data, int64_t size, int64_t n, ByteArrays* out) {
  std::vector<int64_t> prefixes;
  int64_t consumed = 0;
  TS_RETURN_NOT_OK(DecodeLengths(data, size, n, kMaxDecodedBytes, &prefixes, &consumed));
  std::vector<int64_t> suffixes;
  const uint8_t* bytes = nullptr;
  int64_t total = 0;
  TS_RETURN_NOT_OK(
      DecodeLengthsAndBytes(data + consumed, size - consumed, n, &suffixes, &bytes, &total));
  // Validate every prefix and size the output once.
  int64_t prev_len = 0;
  int64_t out_bytes = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (prefixes[i] > prev_len) {
      return Status::Corruption("DELTA_BYTE_ARRAY prefix " + std::to_string(prefixes[i]) +
                                " longer than the previous value (" + std::to_string(prev_len) +
                                " bytes)");
    }
    prev_len = prefixes[i] + suffixes[i];
    out_bytes += prev_len;
    if (out_bytes > kMaxDecodedBytes) {
      return Status::Corruption("DELTA_BYTE_ARRAY values expand beyond 2 GiB");
    }
  }
  if (out->offsets.empty()) out->offsets.push_back(static_cast<int64_t>(out->data.size()));
  out->offsets.reserve(out->offsets.size() + static_cast<size_t>(n));
  int64_t pos = static_cast<int64_t>(out->data.size());
  out->data.resize(static_cast<size_t>(pos + out_bytes));
  char* dst = out->data.data();
  int64_t prev_start = pos;
  for (int64_t i = 0; i < n; ++i) {
    // The previous value lies wholly before pos, so the copies never overlap.
    std::memcpy(dst + pos, dst + prev_start, static_cast<size_t>(prefixes[i]));
    std::memcpy(dst + pos + prefixes[i], bytes, static_cast<size_t>(suffixes[i]));
    bytes += suffixes[i];
    prev_start = pos;
    pos += prefixes[i] + suffixes[i];
    out->offsets.push_back(pos);
  }
  return Status::OK();
}

void EncodeDeltaLengthByteArray(const std::string_view* values, int64_t n, std::string* out) {
  AppendLengths(values, n, out);
  for (int64_t i = 0; i < n; ++i) out->append(values[i]);
}

void EncodeDeltaByteArray(const std::string_view* values, int64_t n, std::string* out) {
  std::vector<int64_t> prefixes(static_cast<size_t>(n));
  std::vector<std::string_view> suffixes(static_cast<size_t>(n));
  std::string_view prev;
  for (int64_t i = 0; i < n; ++i) {
    const std::string_view v = values[i];
    const size_t limit = std::min(prev.size(), v.size());
    size_t p = 0;
    while (p < limit && prev[p] == v[p]) ++p;
    prefixes[i] = static_cast<int64_t>(p);
    suffixes[i] = v.substr(p);
    prev = v;
  }
  EncodeDeltaBinaryPacked(prefixes.data(), n, out);
  EncodeDeltaLengthByteArray(suffixes.data(), n, out);
}

}  // namespace tessera::parquet
