// EntryConverter: turns stream entries into rows of a push source (issue 11),
// rejecting bad entries one by one so one bad entry never fails a batch.
//
// Rules (docs/STREAMS.md):
//  - each field names a column of the source; its value is text under the
//    CSV rules (format/csv/csv_field_parser.h: an empty value is null,
//    numbers/bools/timestamps may carry blanks, lists as JSON text);
//  - a column without a field is null;
//  - an `event_id` field fills the `event_id` column; when the entry has
//    none and the source has a string `event_id` column, the entry id fills
//    it (so a redelivered entry is recognised), and with a non-string
//    `event_id` column the entry is rejected ("no event_id field, and the
//    entry id cannot fill the int64 column event_id");
//  - rejected, with the reason: an unknown field (did-you-mean), a field
//    given twice, a value that does not parse as the column's type, a
//    required column (join keys, timestamp) missing or null.
// Reasons are one line, valid UTF-8, with non-printable bytes escaped, and
// name the field: "field 'amount': 'abc' is not a double".
//
// Thread-safety: Convert is const and may run from several threads.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"
#include "tessera/core/schema.h"
#include "tessera/stream/stream_entry.h"

namespace tessera::stream {

struct RejectedEntry {
  StreamEntry entry;
  std::string reason;
};

struct EntryRows {
  // The good entries as rows of the source's schema, in entry order; null
  // when every entry was rejected (or there were none).
  std::shared_ptr<const RecordBatch> rows;
  std::vector<std::string> ids;       // the entry id of each row
  std::vector<int64_t> event_micros;  // the timestamp column of each row
  std::vector<RejectedEntry> rejected;
};

class EntryConverter {
 public:
  // `schema`: the push source's columns (FeatureStore::PushSchema);
  // `required`: the columns that must be present and not null (the
  // timestamp column and the join keys); `timestamp_column` among them.
  // InvalidArgument when a required or the timestamp column is not in
  // `schema`.
  static Result<EntryConverter> Make(std::shared_ptr<const Schema> schema,
                                     std::vector<std::string> required,
                                     std::string timestamp_column);

  // Never fails for bad entries (they are rejected); an error only for a
  // failure of the machine (allocation).
  Result<EntryRows> Convert(std::span<const StreamEntry> entries) const;

  const std::shared_ptr<const Schema>& schema() const { return schema_; }

 private:
  EntryConverter() = default;
  std::shared_ptr<const Schema> schema_;
  std::vector<uint8_t> required_;  // per column of schema_
  int timestamp_index_ = -1;
  int event_id_index_ = -1;  // -1: the source has no event_id column
};

}  // namespace tessera::stream
