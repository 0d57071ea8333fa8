// Parquet page codecs (Compression.md) over the system libraries. Every
// decompressor writes into the caller's buffer of the exact expected size
// and reports any other outcome (malformed input, fewer or more bytes) as
// Corruption; none of them trusts sizes stored inside the input.
#include "tessera/format/parquet/compression.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <string>

namespace tessera::parquet {
namespace {

Status SizeMismatch(const char* codec, int64_t got, int64_t expected) {
  return Status::Corruption(std::string(codec) + " page decompressed to " + std::to_string(got) +
                            " bytes, " + std::to_string(expected) + " expected");
}

Status Malformed(const char* codec) {
  return Status::Corruption(std::string("malformed ") + codec + " page data");
}

inline uint32_t LoadBigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

inline void AppendBigEndian32(uint32_t v, std::string* out) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

// ---- SNAPPY ----

Status SnappyDecompress(const uint8_t* data, int64_t size, uint8_t* out, int64_t expected) {
  const char* src = reinterpret_cast<const char*>(data);
  size_t length = 0;
  if (!snappy::GetUncompressedLength(src, static_cast<size_t>(size), &length)) {
    return Malformed("SNAPPY");
  }
  if (static_cast<int64_t>(length) != expected) {
    return SizeMismatch("SNAPPY", static_cast<int64_t>(length), expected);
  }
  if (!snappy::RawUncompress(src, static_cast<size_t>(size), reinterpret_cast<char*>(out))) {
    return Malformed("SNAPPY");
  }
  return Status::OK();
}

Status SnappyCompress(const uint8_t* data, int64_t size, std::string* out) {
  const size_t start = out->size();
  out->resize(start + snappy::MaxCompressedLength(static_cast<size_t>(size)));
  size_t written = 0;
  snappy::RawCompress(reinterpret_cast<const char*>(data), static_cast<size_t>(size),
                      out->data() + start, &written);
  out->resize(start + written);
  return Status::OK();
}

// ---- GZIP ----

// Inflates gzip members back to back (RFC 1952 allows several) until the
// input ends. Trailing zero bytes after the last member are tolerated.
Status GzipDecompress(const uint8_t* data, int64_t size, uint8_t* out, int64_t expected) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return Status::Internal("inflateInit2 failed");
  zs.next_in = const_cast<Bytef*>(data);
  zs.avail_in = static_cast<uInt>(size);
  uint8_t empty = 0;  // zlib refuses a null next_out even with no room
  zs.next_out = expected > 0 ? out : &empty;
  zs.avail_out = static_cast<uInt>(expected);
  Status status;
  while (true) {
    const int rc = inflate(&zs, Z_FINISH);
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0 ||
          std::all_of(zs.next_in, zs.next_in + zs.avail_in, [](uint8_t b) { return b == 0; })) {
        break;
      }
      if (inflateReset(&zs) != Z_OK) {
        status = Malformed("GZIP");
        break;
      }
      continue;
    }
    // No room left while input remains: the data holds more than expected.
    status = (rc == Z_BUF_ERROR && zs.avail_out == 0 && zs.avail_in > 0)
                 ? Status::Corruption("GZIP page decompresses to more than " +
                                      std::to_string(expected) + " bytes")
                 : Malformed("GZIP");
    break;
  }
  const int64_t produced = expected - static_cast<int64_t>(zs.avail_out);
  inflateEnd(&zs);
  TS_RETURN_NOT_OK(status);
  if (produced != expected) return SizeMismatch("GZIP", produced, expected);
  return Status::OK();
}

Status GzipCompress(const uint8_t* data, int64_t size, int level, std::string* out) {
  z_stream zs{};
  level = level < 0 ? Z_DEFAULT_COMPRESSION : std::min(level, 9);
  if (deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::Internal("deflateInit2 failed");
  }
  const size_t start = out->size();
  const uLong bound = deflateBound(&zs, static_cast<uLong>(size)) + 32;  // + gzip header room
  out->resize(start + bound);
  zs.next_in = const_cast<Bytef*>(data);
  zs.avail_in = static_cast<uInt>(size);
  zs.next_out = reinterpret_cast<Bytef*>(out->data() + start);
  zs.avail_out = static_cast<uInt>(bound);
  const int rc = deflate(&zs, Z_FINISH);
  const size_t written = bound - zs.avail_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Status::Internal("deflate did not finish");
  out->resize(start + written);
  return Status::OK();
}

// ---- ZSTD ----

// ZSTD_decompress handles one or more frames, with or without a stored
// content size, and fails rather than write past the capacity.
Status ZstdDecompress(const uint8_t* data, int64_t size, uint8_t* out, int64_t expected) {
  const unsigned long long declared = ZSTD_getFrameContentSize(data, static_cast<size_t>(size));
  if (declared == ZSTD_CONTENTSIZE_ERROR) return Malformed("ZSTD");
  const size_t rc =
      ZSTD_decompress(out, static_cast<size_t>(expected), data, static_cast<size_t>(size));
  if (ZSTD_isError(rc)) {
    return Status::Corruption(std::string("ZSTD page: ") + ZSTD_getErrorName(rc));
  }
  if (static_cast<int64_t>(rc) != expected) {
    return SizeMismatch("ZSTD", static_cast<int64_t>(rc), expected);
  }
  return Status::OK();
}

Status ZstdCompress(const uint8_t* data, int64_t size, int level, std::string* out) {
  const size_t start = out->size();
  const size_t bound = ZSTD_compressBound(static_cast<size_t>(size));
  out->resize(start + bound);
  const size_t rc = ZSTD_compress(out->data() + start, bound, data, static_cast<size_t>(size),
                                  std::clamp(level, ZSTD_minCLevel(), ZSTD_maxCLevel()));
  if (ZSTD_isError(rc)) return Status::Internal(std::string("ZSTD: ") + ZSTD_getErrorName(rc));
  out->resize(start + rc);
  return Status::OK();
}

// ---- BROTLI ----

Status BrotliDecompress(const uint8_t* data, int64_t size, uint8_t* out, int64_t expected) {
  size_t produced = static_cast<size_t>(expected);
  const BrotliDecoderResult rc =
      BrotliDecoderDecompress(static_cast<size_t>(size), data, &produced, out);
  if (rc != BROTLI_DECODER_RESULT_SUCCESS) return Malformed("BROTLI");
  if (static_cast<int64_t>(produced) != expected) {
    return SizeMismatch("BROTLI", static_cast<int64_t>(produced), expected);
  }
  return Status::OK();
}

Status BrotliCompress(const uint8_t* data, int64_t size, int level, std::string* out) {
  const size_t start = out->size();
  size_t bound = BrotliEncoderMaxCompressedSize(static_cast<size_t>(size));
  if (bound == 0) bound = static_cast<size_t>(size) + 1024;
  out->resize(start + bound);
  size_t written = bound;
  const int quality = std::clamp(level, BROTLI_MIN_QUALITY, BROTLI_MAX_QUALITY);
  if (!BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC,
                             static_cast<size_t>(size), data, &written,
                             reinterpret_cast<uint8_t*>(out->data() + start))) {
    return Status::Internal("BrotliEncoderCompress failed");
  }
  out->resize(start + written);
  return Status::OK();
}

// ---- LZ4 ----

Status Lz4RawDecompress(const uint8_t* data, int64_t size, uint8_t* out, int64_t expected) {
  const int rc =
      LZ4_decompress_safe(reinterpret_cast<const char*>(data), reinterpret_cast<char*>(out),
                          static_cast<int>(size), static_cast<int>(expected));
  if (rc < 0) return Malformed("LZ4_RAW");
  if (rc != expected) return SizeMismatch("LZ4_RAW", rc, expected);
  return Status::OK();
}

Status Lz4RawCompress(const uint8_t* data, int64_t size, std::string* out) {
  const size_t start = out->size();
  const int bound = LZ4_compressBound(static_cast<int>(size));
  out->resize(start + static_cast<size_t>(bound));
  const int written = LZ4_compress_default(reinterpret_cast<const char*>(data), out->data() + start,
                                           static_cast<int>(size), bound);
  if (written <= 0) return Status::Internal("LZ4_compress_default failed");
  out->resize(start + static_cast<size_t>(written));
  return Status::OK();
}

// Hadoop's framing: blocks of [uncompressed length, BE u32] followed by
// chunks of [compressed length, BE u32][LZ4 block] until that many bytes are
// produced (at least one chunk). Returns false if the input does not follow the framing exactly.
bool TryHadoopLz4(const uint8_t* data, int64_t size, uint8_t* out, int64_t expected) {
  const uint8_t* p = data;
  const uint8_t* end = data + size;
  int64_t produced = 0;
  while (p < end) {
    if (end - p < 4) return false;
    const int64_t block_len = LoadBigEndian32(p);
    p += 4;
    if (block_len > expected - produced) return false;
    const int64_t block_end = produced + block_len;
    // Each block holds at least one chunk (writers emit one even for an
    // empty block), then more until the block is complete.
    do {
      if (end - p < 4) return false;
      const int64_t chunk_len = LoadBigEndian32(p);
      p += 4;
      if (chunk_len > end - p) return false;
      const int rc = LZ4_decompress_safe(
          reinterpret_cast<const char*>(p), reinterpret_cast<char*>(out + produced),
          static_cast<int>(chunk_len), static_cast<int>(block_end - produced));
      if (rc < 0 || (rc == 0 && block_len > 0)) return false;
      p += chunk_len;
      produced += rc;
    } while (produced < block_end);
  }
  return produced == expected;
}

// Old writers (parquet-cpp before the LZ4_RAW codec) stored a bare LZ4 block
// under this codec id; readers try the Hadoop framing first, then that.
Status Lz4HadoopDecompress(const uint8_t* data, int64_t size, uint8_t* out, int64_t expected) {
  if (TryHadoopLz4(data, size, out, expected)) return Status::OK();
  return Lz4RawDecompress(data, size, out, expected).WithContext("LZ4 (neither Hadoop nor raw)");
}

Status Lz4HadoopCompress(const uint8_t* data, int64_t size, std::string* out) {
  AppendBigEndian32(static_cast<uint32_t>(size), out);
  const size_t length_at = out->size();
  AppendBigEndian32(0, out);  // compressed length, patched below
  TS_RETURN_NOT_OK(Lz4RawCompress(data, size, out));
  const uint32_t compressed = static_cast<uint32_t>(out->size() - length_at - 4);
  std::string length;
  AppendBigEndian32(compressed, &length);
  out->replace(length_at, 4, length);
  return Status::OK();
}

bool FitsCodecLimits(int64_t size) { return size >= 0 && size <= INT_MAX; }

}  // namespace

Status Decompress(Codec codec, const uint8_t* data, int64_t size, uint8_t* out,
                  int64_t uncompressed_size) {
  if (!FitsCodecLimits(size) || !FitsCodecLimits(uncompressed_size)) {
    return Status::Corruption("page sizes " + std::to_string(size) + " / " +
                              std::to_string(uncompressed_size) + " outside 0..2^31-1");
  }
  // An empty page (e.g. a v2 data page holding only levels) may store no
  // compressed bytes at all, although no codec's empty stream is empty.
  if (size == 0 && uncompressed_size == 0 && codec != Codec::kLzo) return Status::OK();
  switch (codec) {
    case Codec::kUncompressed:
      if (size != uncompressed_size) return SizeMismatch("UNCOMPRESSED", size, uncompressed_size);
      if (size > 0) std::memcpy(out, data, static_cast<size_t>(size));
      return Status::OK();
    case Codec::kSnappy: return SnappyDecompress(data, size, out, uncompressed_size);
    case Codec::kGzip: return GzipDecompress(data, size, out, uncompressed_size);
    case Codec::kZstd: return ZstdDecompress(data, size, out, uncompressed_size);
    case Codec::kBrotli: return BrotliDecompress(data, size, out, uncompressed_size);
    case Codec::kLz4Raw: return Lz4RawDecompress(data, size, out, uncompressed_size);
    case Codec::kLz4: return Lz4HadoopDecompress(data, size, out, uncompressed_size);
    case Codec::kLzo: return Status::Unsupported("LZO compression is not supported");
  }
  return Status::Unsupported("unknown compression codec " +
                             std::to_string(static_cast<int32_t>(codec)));
}

Status Compress(Codec codec, const uint8_t* data, int64_t size, int level, std::string* out) {
  if (!FitsCodecLimits(size)) return Status::Invalid("page over 2 GiB cannot be compressed");
  switch (codec) {
    case Codec::kUncompressed:
      out->append(reinterpret_cast<const char*>(data), static_cast<size_t>(size));
      return Status::OK();
    case Codec::kSnappy: return SnappyCompress(data, size, out);
    case Codec::kGzip: return GzipCompress(data, size, level, out);
    case Codec::kZstd: return ZstdCompress(data, size, level, out);
    case Codec::kBrotli: return BrotliCompress(data, size, level, out);
    case Codec::kLz4Raw: return Lz4RawCompress(data, size, out);
    case Codec::kLz4: return Lz4HadoopCompress(data, size, out);
    case Codec::kLzo: return Status::Unsupported("LZO compression is not supported");
  }
  return Status::Unsupported("unknown compression codec " +
                             std::to_string(static_cast<int32_t>(codec)));
}

uint32_t Crc32(const uint8_t* data, int64_t size) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (size > 0) {
    const uInt chunk = static_cast<uInt>(std::min<int64_t>(size, 1 << 30));
    crc = crc32(crc, data, chunk);
    data += chunk;
    size -= chunk;
  }
  return static_cast<uint32_t>(crc);
}

}  // namespace tessera::parquet
