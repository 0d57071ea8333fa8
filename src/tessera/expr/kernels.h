// The kernels of the function catalog (functions.h describes what a kernel
// must do). Internal to the expr module: functions.cc puts them in the
// catalog; they are defined by topic in func_math.cc, func_string.cc,
// func_time.cc, func_list.cc, func_hash.cc and func_compare.cc.
#pragma once

#include "tessera/expr/functions.h"

namespace tessera::expr {

#define TS_DECLARE_KERNEL(name)                                                          \
  Status name(KernelContext* ctx, const std::vector<const Array*>& args, int64_t length, \
              DataType result, ArrayPtr* out)

// How many regular expressions regexp_matches has compiled in this process
// (a test observes that per-row patterns are cached; never reset).
int64_t RegexpCompilationsForTesting();

TS_DECLARE_KERNEL(KernelAbs);
TS_DECLARE_KERNEL(KernelCeil);
TS_DECLARE_KERNEL(KernelConcat);
TS_DECLARE_KERNEL(KernelContains);
TS_DECLARE_KERNEL(KernelCosineSimilarity);
TS_DECLARE_KERNEL(KernelDateDiff);
TS_DECLARE_KERNEL(KernelDay);
TS_DECLARE_KERNEL(KernelDayOfWeek);
TS_DECLARE_KERNEL(KernelDot);
TS_DECLARE_KERNEL(KernelEndsWith);
TS_DECLARE_KERNEL(KernelEpochSeconds);
TS_DECLARE_KERNEL(KernelExp);
TS_DECLARE_KERNEL(KernelFloor);
TS_DECLARE_KERNEL(KernelGreatest);
TS_DECLARE_KERNEL(KernelHashBucket);
TS_DECLARE_KERNEL(KernelHour);
TS_DECLARE_KERNEL(KernelL2Norm);
TS_DECLARE_KERNEL(KernelLeast);
TS_DECLARE_KERNEL(KernelLen);
TS_DECLARE_KERNEL(KernelLength);
TS_DECLARE_KERNEL(KernelListMax);
TS_DECLARE_KERNEL(KernelListMean);
TS_DECLARE_KERNEL(KernelListMin);
TS_DECLARE_KERNEL(KernelListSum);
TS_DECLARE_KERNEL(KernelLn);
TS_DECLARE_KERNEL(KernelLog10);
TS_DECLARE_KERNEL(KernelLower);
TS_DECLARE_KERNEL(KernelMinute);
TS_DECLARE_KERNEL(KernelMonth);
TS_DECLARE_KERNEL(KernelNullIf);
TS_DECLARE_KERNEL(KernelPow);
TS_DECLARE_KERNEL(KernelRegexpMatches);
TS_DECLARE_KERNEL(KernelReplace);
TS_DECLARE_KERNEL(KernelRound);
TS_DECLARE_KERNEL(KernelSign);
TS_DECLARE_KERNEL(KernelSqrt);
TS_DECLARE_KERNEL(KernelStartsWith);
TS_DECLARE_KERNEL(KernelSubstr);
TS_DECLARE_KERNEL(KernelTrim);
TS_DECLARE_KERNEL(KernelUpper);
TS_DECLARE_KERNEL(KernelYear);

}  // namespace tessera::expr
