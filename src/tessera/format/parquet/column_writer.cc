// TypedChunkWriter<T>: the ColumnChunkWriter of one storage type (see
// column_writer.h). T is uint8_t (bool), int32_t, int64_t (int64 and
// timestamp), float, double or std::string_view (string and bytes).
#include "tessera/format/parquet/column_writer.h"

#include <algorithm>
#include <string_view>
#include <type_traits>
#include <vector>

#include "tessera/core/buffer.h"
#include "tessera/format/parquet/dictionary.h"
#include "tessera/format/parquet/encoding.h"
#include "tessera/format/parquet/statistics.h"

namespace tessera::parquet {
namespace {

constexpr size_t kMaxLevelsPerPage = size_t{1} << 24;

template <typename T>
class TypedChunkWriter final : public ColumnChunkWriter {
 public:
  static constexpr bool kIsBool = std::is_same_v<T, uint8_t>;
  static constexpr bool kIsBinary = std::is_same_v<T, std::string_view>;

  TypedChunkWriter(const LeafColumn& leaf, const WriteOptions& options)
      : leaf_(leaf),
        options_(options),
        pages_(leaf, options.codec, options.compression_level),
        dictionary_mode_(options.dictionary && !kIsBool) {}

  Status Append(const Array& column, int64_t begin, int64_t end) override {
    if (leaf_.max_rep == 0) return AppendFlat(column, begin, end);
    return AppendLists(column, begin, end);
  }

  Result<EncodedChunk> Finish() override {
    TS_RETURN_NOT_OK(FlushPage());
    if constexpr (!kIsBool) {
      if (dictionary_.size() > 0) {
        std::string plain;
        dictionary_.EncodePlain(&plain);
        TS_RETURN_NOT_OK(pages_.WriteDictionaryPage(plain, dictionary_.size()));
      }
    }
    EncodedChunk chunk = pages_.Finish(MakeStatistics(minmax_, null_count_));
    StartChunk();
    return chunk;
  }

 private:
  static T Get(const Array& a, int64_t i) {
    if constexpr (kIsBinary) {
      return a.GetView(i);
    } else if constexpr (kIsBool) {
      return a.values<uint8_t>()[i] != 0 ? 1 : 0;
    } else {
      return a.values<T>()[i];
    }
  }

  Status AppendFlat(const Array& column, int64_t begin, int64_t end) {
    def_.reserve(def_.size() + static_cast<size_t>(end - begin));
    for (int64_t i = begin; i < end; ++i) {
      if (column.IsValid(i)) {
        def_.push_back(1);
        TS_RETURN_NOT_OK(AddValue(Get(column, i)));
      } else {
        def_.push_back(0);
        ++null_count_;
      }
      TS_RETURN_NOT_OK(EndRow());
    }
    return Status::OK();
  }

  Status AppendLists(const Array& column, int64_t begin, int64_t end) {
    const Array& child = column.child();
    for (int64_t i = begin; i < end; ++i) {
      if (column.IsNull(i)) {
        AddLevels(0, 0);
        ++null_count_;
      } else if (column.offset(i) == column.offset(i + 1)) {
        AddLevels(0, 1);
        ++null_count_;
      } else {
        for (int64_t j = column.offset(i); j < column.offset(i + 1); ++j) {
          const uint32_t rep = j == column.offset(i) ? 0 : 1;
          if (child.IsValid(j)) {
            AddLevels(rep, 3);
            TS_RETURN_NOT_OK(AddValue(Get(child, j)));
          } else {
            AddLevels(rep, 2);
            ++null_count_;
          }
        }
      }
      TS_RETURN_NOT_OK(EndRow());
    }
    return Status::OK();
  }

  void StartChunk() {
    dictionary_mode_ = options_.dictionary && !kIsBool;
    if constexpr (!kIsBool) dictionary_.Clear();
    index_bits_ = 1;
    minmax_ = MinMax<T>();
    null_count_ = 0;
  }

  void AddLevels(uint32_t rep, uint32_t def) {
    rep_.push_back(rep);
    def_.push_back(def);
  }

  Status AddValue(T v) {
    minmax_.Update(v);
    if constexpr (!kIsBool) {
      if (dictionary_mode_) {
        const int64_t before = dictionary_.size();
        indices_.push_back(dictionary_.GetOrInsert(v));
        if (dictionary_.size() != before && dictionary_.size() > (int64_t{1} << index_bits_)) {
          ++index_bits_;
        }
        return Status::OK();
      }
    }
    return AppendPlain(v);
  }

  Status AppendPlain(T v) {
    if constexpr (kIsBool) {
      bools_.push_back(v);
    } else if constexpr (kIsBinary) {
      const uint32_t len = static_cast<uint32_t>(v.size());
      TS_RETURN_NOT_OK(plain_.Reserve(4 + static_cast<int64_t>(v.size())));
      plain_.UnsafeAppend(len);
      plain_.UnsafeAppend(v.data(), static_cast<int64_t>(v.size()));
    } else {
      TS_RETURN_NOT_OK(plain_.Reserve(sizeof(T)));
      plain_.UnsafeAppend(v);
    }
    return Status::OK();
  }

  // Uncompressed bytes of the page being built (levels roughly 1 bit each).
  int64_t EstimatedPageBytes() const {
    int64_t values = plain_.length() + static_cast<int64_t>(bools_.size() / 8);
    if (dictionary_mode_) values += static_cast<int64_t>(indices_.size()) * index_bits_ / 8;
    return values + static_cast<int64_t>(def_.size() / 4);
  }

  // Called after each row: closes the page when full, and leaves dictionary
  // mode when the dictionary has grown too big.
  Status EndRow() {
    if (dictionary_mode_ && dictionary_.byte_size() > options_.dictionary_page_limit) {
      TS_RETURN_NOT_OK(FlushPage());
      dictionary_mode_ = false;
      return Status::OK();
    }
    // The level cap keeps DataPageHeader.num_values (i32) far from overflow
    // for pages of nulls, which cost almost nothing in bytes.
    if (EstimatedPageBytes() >= options_.data_page_size || def_.size() >= kMaxLevelsPerPage) {
      return FlushPage();
    }
    return Status::OK();
  }

  Status FlushPage() {
    if (def_.empty()) return Status::OK();
    std::string* body =
        pages_.BeginDataPage(rep_.data(), def_.data(), static_cast<int64_t>(def_.size()));
    Encoding encoding = Encoding::kPlain;
    if (dictionary_mode_ && dictionary_.size() > 0) {
      encoding = Encoding::kRleDictionary;
      const int bit_width = std::max(1, BitWidth(static_cast<uint64_t>(dictionary_.size() - 1)));
      body->push_back(static_cast<char>(bit_width));
      EncodeRleBitPacked(indices_.data(), static_cast<int64_t>(indices_.size()), bit_width, body);
    } else if constexpr (kIsBool) {
      PackBools(body);
    } else {
      body->append(reinterpret_cast<const char*>(plain_.data()),
                   static_cast<size_t>(plain_.length()));
    }
    TS_RETURN_NOT_OK(pages_.FinishDataPage(encoding));
    def_.clear();
    rep_.clear();
    indices_.clear();
    bools_.clear();
    plain_.UnsafeSetLength(0);
    return Status::OK();
  }

  // PLAIN BOOLEAN: bit-packed, LSB first.
  void PackBools(std::string* out) const {
    const size_t at = out->size();
    out->append((bools_.size() + 7) / 8, '\0');
    uint8_t* bits = reinterpret_cast<uint8_t*>(out->data() + at);
    for (size_t i = 0; i < bools_.size(); ++i) {
      bits[i >> 3] |= static_cast<uint8_t>(bools_[i] << (i & 7));
    }
  }

  using DictValue = std::conditional_t<kIsBool, int32_t, T>;

  const LeafColumn& leaf_;
  const WriteOptions& options_;
  PageWriter pages_;
  bool dictionary_mode_;
  // The page being built.
  std::vector<uint32_t> def_;
  std::vector<uint32_t> rep_;
  std::vector<uint32_t> indices_;  // dictionary mode
  std::vector<uint8_t> bools_;     // BOOLEAN
  BufferBuilder plain_;            // PLAIN values of other types
  // The chunk.
  DictionaryBuilder<DictValue> dictionary_;
  int index_bits_ = 1;
  MinMax<T> minmax_;
  int64_t null_count_ = 0;
};

}  // namespace

std::unique_ptr<ColumnChunkWriter> ColumnChunkWriter::Make(const LeafColumn& leaf,
                                                           const WriteOptions& options) {
  switch (leaf.value_type) {
    case TypeId::kBool: return std::make_unique<TypedChunkWriter<uint8_t>>(leaf, options);
    case TypeId::kInt32: return std::make_unique<TypedChunkWriter<int32_t>>(leaf, options);
    case TypeId::kFloat: return std::make_unique<TypedChunkWriter<float>>(leaf, options);
    case TypeId::kDouble: return std::make_unique<TypedChunkWriter<double>>(leaf, options);
    case TypeId::kString:
    case TypeId::kBytes: return std::make_unique<TypedChunkWriter<std::string_view>>(leaf, options);
    default: return std::make_unique<TypedChunkWriter<int64_t>>(leaf, options);
  }
}

}  // namespace tessera::parquet
