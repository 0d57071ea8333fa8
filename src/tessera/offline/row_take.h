// TakeRows: builds columns from rows picked out of several batches of one
// schema ("chunks"): output row i is row refs[i].row of chunk
// refs[i].chunk, or null when refs[i].chunk == kNoChunk. The point-in-time
// join gathers its result and compacts its candidate rows with it.
//
// Fixed-width and string/bytes columns are copied buffer to buffer; list
// columns go through Values (slow, rare). Columns are built on up to
// `num_threads` threads.
#pragma once

#include <cstdint>
#include <vector>

#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"

namespace tessera::offline {

struct RowRef {
  static constexpr uint32_t kNoChunk = UINT32_MAX;
  uint32_t chunk = kNoChunk;
  uint32_t row = 0;
};

// REQUIRES: every referenced chunk is non-null and has `schema`.
Result<std::vector<ArrayPtr>> TakeColumns(const SchemaPtr& schema,
                                          const std::vector<RecordBatchPtr>& chunks,
                                          const std::vector<RowRef>& refs, int num_threads);
// TakeColumns as a batch (of refs.size() rows when the schema has columns).
Result<RecordBatchPtr> TakeRows(const SchemaPtr& schema, const std::vector<RecordBatchPtr>& chunks,
                                const std::vector<RowRef>& refs, int num_threads);

// Bytes held by the buffers of `batch` (for memory budgets).
int64_t BatchBytes(const RecordBatch& batch);

}  // namespace tessera::offline
