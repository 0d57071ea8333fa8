// The arrays a source scan makes besides what the readers decode: a column
// widened to the asked type, and one value (a partition value, or null for
// a missing optional column) repeated for every row of a batch. Each makes
// one buffer per column, never a heap object per value. Thread-safe (pure).
#pragma once

#include <cstdint>

#include "tessera/core/array.h"
#include "tessera/core/result.h"
#include "tessera/core/value.h"

namespace tessera::offline {

// `array` as `to`: int32 -> int64 or double, float -> double; the validity
// bitmap is shared, not copied. `array` itself when it already is `to`.
// REQUIRES: registry::IsLosslessWidening(array->type(), to).
Result<ArrayPtr> WidenArray(const ArrayPtr& array, DataType to);

// `length` copies of `value` (of `type`; a null Value gives all nulls).
Result<ArrayPtr> MakeConstantArray(const Value& value, DataType type, int64_t length);

}  // namespace tessera::offline
