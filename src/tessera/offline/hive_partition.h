// Hive-style partition folders: in `events/dt=2024-03-01/part-0.parquet`
// matched by the glob `events/*/*.parquet`, the folder `dt=2024-03-01` lies
// between the glob's fixed prefix (`events`) and the file, so every row of
// the file gets the column `dt` with the value 2024-03-01 (parsed as the
// type the scan asks for; a date is a timestamp at midnight UTC).
//
// Values are percent-decoded as Hive and Spark escape them (`%3A` is ':');
// "" and "__HIVE_DEFAULT_PARTITION__" are null. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "tessera/core/result.h"
#include "tessera/core/types.h"
#include "tessera/core/value.h"

namespace tessera::offline {

struct PartitionValue {
  std::string name;
  std::string text;  // percent-decoded
};

// How many leading components of `pattern` are fixed (hold no wildcard),
// its last component (the file name) excluded.
size_t FixedPrefixComponents(const std::string& pattern);

// The `name=value` folders of `file` (a path spelled like the pattern,
// file_glob.h) after its first `fixed_components` components and before its
// file name, outermost first. Other folders are skipped.
std::vector<PartitionValue> PartitionsOf(const std::string& file, size_t fixed_components);

// The partition text as a value of `type`: a null Value for "" and
// "__HIVE_DEFAULT_PARTITION__", else InvalidArgument ("'x' is not an
// int64") when it does not parse. Lists are not partition types.
Result<Value> ParsePartitionValue(const std::string& text, DataType type);

}  // namespace tessera::offline
