// The tables of a bench/pit data set as Tessera batches (for the Parquet
// files) and as CSV text (the copy pandas reads, since Debian's pandas has
// no Parquet engine). Both come from the same generated chunk (pit_rows.h),
// so the two copies hold the same values: doubles print with two decimals
// (exact: they are cents / 100; the aggregation shape's amount with six,
// exact for multiples of 1/64), timestamps as "YYYY-MM-DD HH:MM:SS" (UTC, no
// zone), null as an empty field.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "pit_rows.h"
#include "tessera/core/record_batch.h"

namespace tessera::pitbench {

// key_column int64, event_ts, created_ts (timestamps), then the features
// (the aggregation shape: amount, double).
SchemaPtr FeatureSchema(const ViewSpec& view);
// One int64 key column per view, event_timestamp, label (int32).
SchemaPtr SpineSchema(const PitSpec& spec);

Result<RecordBatchPtr> FeatureBatch(const SchemaPtr& schema, const FeatureChunk& chunk);
Result<RecordBatchPtr> SpineBatch(const SchemaPtr& schema, const SpineChunk& chunk);

// The header line of a schema's CSV ("a,b,c\n").
std::string CsvHeader(const Schema& schema);
// Appends the chunk's rows as CSV lines to `out`.
void AppendFeatureCsv(const FeatureChunk& chunk, std::string& out);
void AppendSpineCsv(const SpineChunk& chunk, std::string& out);

}  // namespace tessera::pitbench
