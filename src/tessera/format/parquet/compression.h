// Page compression codecs of Parquet (Compression.md): UNCOMPRESSED, SNAPPY,
// GZIP (RFC 1952; several concatenated members accepted), ZSTD, BROTLI,
// LZ4_RAW (LZ4 block format) and the deprecated Hadoop-framed LZ4.
// Stateless functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "tessera/core/buffer.h"
#include "tessera/format/parquet/metadata.h"

namespace tessera::parquet {

// Decompresses `size` bytes into exactly `uncompressed_size` bytes at `out`
// (which the caller sized). Fails with Corruption when the input is malformed
// or does not decompress to exactly that size, Unsupported for LZO.
Status Decompress(Codec codec, const uint8_t* data, int64_t size, uint8_t* out,
                  int64_t uncompressed_size);

// Appends the compressed form of [data, data + size) to `out`. `level` is
// used by ZSTD, GZIP and BROTLI.
Status Compress(Codec codec, const uint8_t* data, int64_t size, int level, std::string* out);

// Standard CRC-32 (as in GZIP / zlib) of a page body, as Parquet's
// PageHeader.crc stores it (signed i32 of the same bits).
uint32_t Crc32(const uint8_t* data, int64_t size);

}  // namespace tessera::parquet
