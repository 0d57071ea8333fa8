// libFuzzer target: feeds arbitrary bytes to the Parquet footer and page
// header decoders. Besides "never crash, never read out of bounds" (ASan and
// UBSan watch that), it checks one property: whatever decodes re-encodes to
// bytes that decode to the same metadata.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "tessera/format/parquet/metadata.h"

namespace {

using namespace tessera::parquet;

const uint8_t* U8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// What the encoder does not write (encryption) or derives (column orders
// when none were given), cleared on both sides before comparing.
void Normalize(FileMetaData* md) {
  md->has_encryption_algorithm = false;
  for (RowGroup& g : md->row_groups) {
    for (ColumnChunk& c : g.columns) c.has_crypto_metadata = false;
  }
}

void CheckFileMetaData(const uint8_t* data, size_t size) {
  auto md = DecodeFileMetaData(data, size);
  if (!md.ok()) return;
  std::string bytes;
  EncodeFileMetaData(*md, &bytes);
  auto again = DecodeFileMetaData(U8(bytes), bytes.size());
  if (!again.ok()) abort();  // the encoder wrote something the decoder rejects
  FileMetaData expected = *md;
  Normalize(&expected);
  if (expected.column_orders.empty()) again->column_orders.clear();
  if (!(*again == expected)) abort();
}

void CheckPageHeader(const uint8_t* data, size_t size) {
  size_t header_size = 0;
  auto header = DecodePageHeader(data, size, &header_size);
  if (!header.ok()) return;
  if (header_size == 0 || header_size > size) abort();
  std::string bytes;
  EncodePageHeader(*header, &bytes);
  size_t again_size = 0;
  auto again = DecodePageHeader(U8(bytes), bytes.size(), &again_size);
  if (!again.ok() || again_size != bytes.size() || !(*again == *header)) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckFileMetaData(data, size);
  CheckPageHeader(data, size);
  return 0;
}
