#include "tessera/format/parquet/column_levels.h"

#include <cstring>
#include <string>

#include "tessera/core/coding.h"
#include "tessera/format/parquet/encoding.h"
#include "tessera/format/parquet/value_decoder.h"

namespace tessera::parquet {

namespace {

// The deprecated BIT_PACKED level encoding packs values MSB-first.
void UnpackMsbFirst(const uint8_t* in, int64_t n, int bit_width, uint32_t* out) {
  int64_t bit = 0;
  for (int64_t i = 0; i < n; ++i) {
    uint32_t v = 0;
    for (int b = 0; b < bit_width; ++b, ++bit) {
      v = (v << 1) | ((in[bit >> 3] >> (7 - (bit & 7))) & 1);
    }
    out[i] = v;
  }
}

}  // namespace

Status DecodeLevels(Encoding encoding, bool length_prefixed, int max_level, int64_t n,
                    const uint8_t** data, int64_t* size, std::vector<uint32_t>* out) {
  out->resize(static_cast<size_t>(n));
  const int bw = BitWidth(static_cast<uint64_t>(max_level));
  if (encoding == Encoding::kBitPacked) {
    int64_t bytes = (n * bw + 7) / 8;
    if (bytes > *size) return Status::Corruption("BIT_PACKED levels run past the page");
    UnpackMsbFirst(*data, n, bw, out->data());
    *data += bytes;
    *size -= bytes;
  } else if (encoding != Encoding::kRle) {
    return Status::Unsupported(std::string("level encoding ") + EncodingName(encoding));
  } else if (length_prefixed) {
    if (*size < 4) return Status::Corruption("levels run past the page");
    const uint32_t len = DecodeFixed32(*data);
    if (len > static_cast<uint64_t>(*size - 4)) {
      return Status::Corruption("level length " + std::to_string(len) + " runs past the page");
    }
    RleBitPackedDecoder dec(*data + 4, len, bw);
    TS_RETURN_NOT_OK(dec.GetBatch(out->data(), n));
    *data += 4 + int64_t{len};
    *size -= 4 + int64_t{len};
  } else {
    RleBitPackedDecoder dec(*data, *size, bw);
    TS_RETURN_NOT_OK(dec.GetBatch(out->data(), n));
  }
  for (int64_t i = 0; i < n; ++i) {
    if ((*out)[i] > static_cast<uint32_t>(max_level)) {
      return Status::Corruption("level " + std::to_string((*out)[i]) + " above the maximum " +
                                std::to_string(max_level));
    }
  }
  return Status::OK();
}

Status LevelAssembler::Init(const ColumnDesc& desc, int64_t rows) {
  desc_ = desc;
  max_rows_ = rows;
  if (rows < 0 || rows > kMaxDecodedBytes) {
    return Status::OutOfRange("row group of " + std::to_string(rows) + " rows");
  }
  // Required flat columns have no nulls, hence no bitmap.
  if (desc.max_def > 0 || desc.is_list()) TS_RETURN_NOT_OK(GrowBits(&validity_, rows));
  if (!desc.is_list()) return Status::OK();
  TS_RETURN_NOT_OK(offsets_.Reserve((rows + 1) * 8));
  return Status::OK();
}

Status LevelAssembler::GrowBits(BufferBuilder* bits, int64_t n) {
  int64_t need = BitmapBytes(n) - bits->length();
  if (need <= 0) return Status::OK();
  if (need < bits->length()) need = bits->length();  // amortised doubling
  return bits->AppendZeros(need);
}

Result<int64_t> LevelAssembler::AddPage(const uint32_t* def, const uint32_t* rep, int64_t n) {
  if (desc_.is_list()) return AddListPage(def, rep, n);
  if (n > max_rows_ - rows_) {
    return Status::Corruption("pages hold more values than the row group's " +
                              std::to_string(max_rows_) + " rows");
  }
  int64_t valid = n;
  if (desc_.max_def > 0) {
    uint8_t* bits = validity_.mutable_data();
    const uint32_t max_def = static_cast<uint32_t>(desc_.max_def);
    valid = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (def[i] == max_def) {
        SetBit(bits, rows_ + i);
        ++valid;
      }
    }
  }
  nulls_ += n - valid;
  rows_ += n;
  return valid;
}

Result<int64_t> LevelAssembler::AddListPage(const uint32_t* def, const uint32_t* rep, int64_t n) {
  const uint32_t list_def = static_cast<uint32_t>(desc_.list_def);
  const uint32_t element_def = static_cast<uint32_t>(desc_.element_def);
  const uint32_t max_def = static_cast<uint32_t>(desc_.max_def);
  TS_RETURN_NOT_OK(GrowBits(&element_validity_, elements_ + n));
  int64_t valid = 0;
  for (int64_t i = 0; i < n; ++i) {
    uint32_t d = def ? def[i] : max_def;
    if (rep[i] == 0) {
      if (rows_ == max_rows_) {
        return Status::Corruption("pages hold more lists than the row group's " +
                                  std::to_string(max_rows_) + " rows");
      }
      offsets_.UnsafeAppend<int64_t>(elements_);
      if (d >= list_def) {
        SetBit(validity_.mutable_data(), rows_);
      } else {
        ++nulls_;
      }
      ++rows_;
    } else if (rows_ == 0 || d < element_def) {
      return Status::Corruption("repetition levels do not describe a list");
    }
    if (d < element_def) continue;
    if (d == max_def) {
      SetBit(element_validity_.mutable_data(), elements_);
      ++valid;
    } else {
      ++element_nulls_;
    }
    ++elements_;
  }
  return valid;
}

Result<BufferPtr> LevelAssembler::FinishValidity() { return validity_.Finish(); }

Result<BufferPtr> LevelAssembler::FinishOffsets() {
  TS_RETURN_NOT_OK(offsets_.Append(&elements_, 8));
  return offsets_.Finish();
}

Result<BufferPtr> LevelAssembler::FinishElementValidity() { return element_validity_.Finish(); }

}  // namespace tessera::parquet
