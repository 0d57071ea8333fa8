#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "tessera/core/builder.h"
#include "tessera/core/record_batch.h"
#include "test_seed.h"

namespace tessera {
namespace {

TEST(BufferBuilderTest, GrowsAndFinishesToExactSize) {
  BufferBuilder b;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(b.Append(&i, sizeof(i)).ok());
  auto buf = b.Finish();
  ASSERT_TRUE(buf.ok());
  ASSERT_EQ((*buf)->size(), 1000 * 4);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ((*buf)->data_as<int>()[i], i);
  EXPECT_EQ(b.length(), 0);  // reset
}

TEST(BufferTest, RefusesAbsurdAllocations) {
  EXPECT_FALSE(Buffer::Allocate(-1).ok());
  EXPECT_FALSE(Buffer::Allocate(int64_t{1} << 50).ok());
}

// Small buffers keep their bytes inline (one allocation), large ones
// separately; Resize moves bytes between the two forms. Every size around
// the boundary keeps its bytes, 16-byte aligned, through grow and shrink
// (under ASan, `make sanitize`, a wrong free or overrun is caught here).
TEST(BufferTest, ResizeKeepsBytesAcrossTheInlineLimit) {
  for (int64_t size : {int64_t{0}, int64_t{1}, int64_t{15}, Buffer::kInlineBytes - 1,
                       Buffer::kInlineBytes, Buffer::kInlineBytes + 1, int64_t{100000}}) {
    auto buf = Buffer::Allocate(size);
    ASSERT_TRUE(buf.ok()) << size;
    Buffer& b = **buf;
    ASSERT_EQ(b.size(), size);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(b.data()) % 16, 0u) << size;
    for (int64_t i = 0; i < size; ++i) b.mutable_data()[i] = static_cast<uint8_t>(i * 7 + 1);
    const int64_t grown = size * 2 + Buffer::kInlineBytes;
    ASSERT_TRUE(b.Resize(grown).ok()) << size;
    ASSERT_EQ(b.size(), grown);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(b.data()) % 16, 0u) << size;
    for (int64_t i = size; i < grown; ++i) b.mutable_data()[i] = 0xab;  // writable
    const int64_t shrunk = size / 2;
    ASSERT_TRUE(b.Resize(shrunk).ok()) << size;
    ASSERT_EQ(b.size(), shrunk);
    for (int64_t i = 0; i < shrunk; ++i) {
      ASSERT_EQ(b.data()[i], static_cast<uint8_t>(i * 7 + 1)) << size << " byte " << i;
    }
    BufferPtr shared(std::move(*buf));  // freed through the shared_ptr
    EXPECT_EQ(shared->size(), shrunk);
  }
}

TEST(BufferTest, ShrinkingAnInlineBufferThenGrowingKeepsBytes) {
  auto buf = *Buffer::Allocate(64);
  for (int i = 0; i < 64; ++i) buf->mutable_data()[i] = static_cast<uint8_t>(i);
  ASSERT_TRUE(buf->Resize(8).ok());
  ASSERT_TRUE(buf->Resize(64).ok());  // back within the inline room: in place
  for (int i = 0; i < 8; ++i) EXPECT_EQ(buf->data()[i], i);
  ASSERT_TRUE(buf->Resize(Buffer::kInlineBytes * 4).ok());  // moves out
  for (int i = 0; i < 8; ++i) EXPECT_EQ(buf->data()[i], i);
}

TEST(NumericBuilderTest, NoBitmapWithoutNulls) {
  Int64Builder b(DataType::Int64());
  for (int64_t i = 0; i < 100; ++i) ASSERT_TRUE(b.Append(i * 3).ok());
  auto arr = b.Finish();
  ASSERT_TRUE(arr.ok());
  EXPECT_EQ((*arr)->length(), 100);
  EXPECT_EQ((*arr)->null_count(), 0);
  EXPECT_EQ((*arr)->validity_buffer(), nullptr);
  EXPECT_EQ((*arr)->GetInt64(99), 297);
}

TEST(NumericBuilderTest, NullsAfterValuesKeepEarlierValuesValid) {
  DoubleBuilder b(DataType::Double());
  // Pattern: every 7th is null, starting after 20 valid values, so the bitmap
  // is materialised late.
  std::vector<bool> is_null;
  for (int i = 0; i < 300; ++i) {
    bool null = i >= 20 && i % 7 == 0;
    is_null.push_back(null);
    ASSERT_TRUE((null ? b.AppendNull() : b.Append(i * 0.5)).ok());
  }
  auto arr = *b.Finish();
  int64_t nulls = 0;
  for (int i = 0; i < 300; ++i) {
    EXPECT_EQ(arr->IsNull(i), is_null[i]) << i;
    if (!is_null[i]) {
      EXPECT_EQ(arr->GetDouble(i), i * 0.5);
    }
    nulls += is_null[i];
  }
  EXPECT_EQ(arr->null_count(), nulls);
}

TEST(NumericBuilderTest, AppendValuesWithValidityBytes) {
  Int32Builder b(DataType::Int32());
  int32_t vals[] = {1, 2, 3, 4};
  uint8_t valid[] = {1, 0, 1, 0};
  ASSERT_TRUE(b.AppendValues(vals, 4, valid).ok());
  ASSERT_TRUE(b.AppendValues(vals, 2).ok());
  auto arr = *b.Finish();
  ASSERT_EQ(arr->length(), 6);
  EXPECT_EQ(arr->null_count(), 2);
  EXPECT_EQ(arr->GetValue(0), Value::Int32(1));
  EXPECT_TRUE(arr->GetValue(1).is_null());
  EXPECT_EQ(arr->GetValue(5), Value::Int32(2));
}

TEST(BinaryBuilderTest, StringsWithNullsAndEmpties) {
  BinaryBuilder b(DataType::String());
  ASSERT_TRUE(b.Append("hello").ok());
  ASSERT_TRUE(b.Append("").ok());
  ASSERT_TRUE(b.AppendNull().ok());
  ASSERT_TRUE(b.Append(std::string_view("a\0b", 3)).ok());
  auto arr = *b.Finish();
  ASSERT_EQ(arr->length(), 4);
  EXPECT_EQ(arr->GetView(0), "hello");
  EXPECT_EQ(arr->GetView(1), "");
  EXPECT_TRUE(arr->IsNull(2));
  EXPECT_FALSE(arr->IsNull(1));  // empty string is not null
  EXPECT_EQ(arr->GetView(3), std::string_view("a\0b", 3));
  EXPECT_EQ(arr->offset(4), 8);  // 5 + 0 + 0 (null) + 3 bytes
}

TEST(BinaryBuilderTest, EmptyArray) {
  BinaryBuilder b(DataType::Bytes());
  auto arr = *b.Finish();
  EXPECT_EQ(arr->length(), 0);
  EXPECT_EQ(arr->offset(0), 0);
}

TEST(ListBuilderTest, NullEmptyAndNullElementsAreDistinct) {
  DataType type = DataType::List(TypeId::kFloat);
  ListBuilder b(type);
  ASSERT_TRUE(b.StartList().ok());  // [1.5, null, 2.5]
  auto* child = static_cast<FloatBuilder*>(b.child());
  ASSERT_TRUE(child->Append(1.5f).ok());
  ASSERT_TRUE(child->AppendNull().ok());
  ASSERT_TRUE(child->Append(2.5f).ok());
  ASSERT_TRUE(b.AppendNull().ok());  // null
  ASSERT_TRUE(b.StartList().ok());   // []
  ASSERT_TRUE(b.StartList().ok());   // [3]
  ASSERT_TRUE(child->Append(3.0f).ok());
  auto arr = *b.Finish();
  ASSERT_EQ(arr->length(), 4);
  EXPECT_EQ(arr->child().length(), 4);
  Value v0 = arr->GetValue(0);
  ASSERT_EQ(v0.list_value().size(), 3u);
  EXPECT_TRUE(v0.list_value()[1].is_null());
  EXPECT_TRUE(arr->IsNull(1));
  EXPECT_FALSE(arr->IsNull(2));
  EXPECT_EQ(arr->GetValue(2).list_value().size(), 0u);
  EXPECT_EQ(arr->GetValue(3).ToString(), "[3]");
}

TEST(ArrayTest, MakeRejectsBuffersThatDoNotFit) {
  auto values = *Buffer::Allocate(8);
  BufferPtr shared(std::move(values));
  EXPECT_FALSE(Array::Make(DataType::Int64(), 2, nullptr, shared).ok());
  EXPECT_TRUE(Array::Make(DataType::Int64(), 1, nullptr, shared).ok());
  // Offsets past the data buffer.
  BufferBuilder off;
  int64_t offs[] = {0, 100};
  ASSERT_TRUE(off.Append(offs, sizeof(offs)).ok());
  EXPECT_FALSE(Array::Make(DataType::String(), 1, nullptr, shared, *off.Finish()).ok());
}

TEST(ArrayTest, EqualsTreatsNanAsEqualAndChecksNulls) {
  DoubleBuilder a(DataType::Double()), b(DataType::Double());
  for (auto* x : {&a, &b}) {
    ASSERT_TRUE(x->Append(std::numeric_limits<double>::quiet_NaN()).ok());
    ASSERT_TRUE(x->AppendNull().ok());
  }
  ASSERT_TRUE(a.Append(1.0).ok());
  ASSERT_TRUE(b.Append(2.0).ok());
  auto aa = *a.Finish(), bb = *b.Finish();
  EXPECT_FALSE(aa->Equals(*bb));
  EXPECT_TRUE(aa->Equals(*aa));
}

TEST(RecordBatchTest, MakeChecksTypesAndLengths) {
  auto schema = *Schema::Make({{"id", DataType::Int64()}, {"name", DataType::String()}});
  Int64Builder ids(DataType::Int64());
  BinaryBuilder names(DataType::String());
  ASSERT_TRUE(ids.Append(1).ok());
  ASSERT_TRUE(names.Append("a").ok());
  ASSERT_TRUE(names.Append("b").ok());
  auto id_arr = *ids.Finish(), name_arr = *names.Finish();
  auto bad = RecordBatch::Make(schema, {id_arr, name_arr});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'name'"), std::string::npos);
  EXPECT_FALSE(RecordBatch::Make(schema, {name_arr, id_arr}).ok());  // types swapped
  EXPECT_FALSE(RecordBatch::Make(schema, {id_arr}).ok());
}

TEST(RecordBatchBuilderTest, RowsInValuesOut) {
  auto schema = *Schema::Make({{"user_id", DataType::Int64()},
                               {"ts", DataType::Timestamp()},
                               {"emb", DataType::List(TypeId::kDouble)},
                               {"ok", DataType::Bool()}});
  RecordBatchBuilder b(schema);
  const testing::RandomTestParams params(1, 500);
  SCOPED_TRACE(params.Trace());
  std::mt19937_64 rng(params.seed);
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < params.iterations; ++i) {
    std::vector<Value> row;
    row.push_back(i % 11 == 0 ? Value::Null(DataType::Int64()) : Value::Int64(int64_t(rng())));
    row.push_back(Value::Timestamp(int64_t(rng() % 1000000000000)));
    std::vector<Value> emb;
    for (int k = 0; k < i % 4; ++k) emb.push_back(Value::Double(double(rng() % 1000) / 7));
    row.push_back(Value::List(DataType::List(TypeId::kDouble), emb));
    row.push_back(i % 3 == 0 ? Value::Null(DataType::Bool()) : Value::Bool(i % 2 == 0));
    ASSERT_TRUE(b.AppendRow(row).ok());
    rows.push_back(row);
  }
  auto batch = *b.Finish();
  ASSERT_EQ(batch->num_rows(), 500);
  for (int i = 0; i < 500; ++i) {
    for (int c = 0; c < 4; ++c) {
      EXPECT_EQ(batch->column(c)->GetValue(i), rows[i][c]) << "row " << i << " col " << c;
    }
  }
  EXPECT_EQ(batch->GetColumnByName("ts"), batch->column(1));
  EXPECT_EQ(batch->GetColumnByName("nope"), nullptr);
}

TEST(RecordBatchBuilderTest, RejectsWrongTypeNamingTheField) {
  auto schema = *Schema::Make({{"age", DataType::Int32()}});
  RecordBatchBuilder b(schema);
  Status st = b.AppendRow({Value::String("x")});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("'age'"), std::string::npos);
}

}  // namespace
}  // namespace tessera

namespace tessera {
namespace {

// A moved-from builder must not keep writing into the buffer it gave away
// (found by the Parquet reader fuzzer).
TEST(BufferBuilderTest, MovedFromBuilderStartsEmpty) {
  BufferBuilder a;
  ASSERT_TRUE(a.Append("keep", 4).ok());
  BufferBuilder b = std::move(a);
  EXPECT_EQ(a.capacity(), 0);
  EXPECT_EQ(a.length(), 0);
  // Reusing `a` must allocate its own buffer, not write over b's bytes.
  ASSERT_TRUE(a.Append("zzzz", 4).ok());
  auto b_buf = *b.Finish();
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(b_buf->data()), 4), "keep");
  auto a_buf = *a.Finish();
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(a_buf->data()), 4), "zzzz");
}

}  // namespace
}  // namespace tessera
