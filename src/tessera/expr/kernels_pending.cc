// Temporary: kernels not written yet fail cleanly.
#include "tessera/expr/kernels.h"

namespace tessera::expr {

#define TS_PENDING(name) \
  TS_DECLARE_KERNEL(name) { return Status::Unsupported(#name " is not implemented yet"); }

TS_PENDING(KernelAbs)
TS_PENDING(KernelCeil)
TS_PENDING(KernelConcat)
TS_PENDING(KernelContains)
TS_PENDING(KernelCosineSimilarity)
TS_PENDING(KernelDateDiff)
TS_PENDING(KernelDay)
TS_PENDING(KernelDayOfWeek)
TS_PENDING(KernelDot)
TS_PENDING(KernelEndsWith)
TS_PENDING(KernelEpochSeconds)
TS_PENDING(KernelExp)
TS_PENDING(KernelFloor)
TS_PENDING(KernelGreatest)
TS_PENDING(KernelHashBucket)
TS_PENDING(KernelHour)
TS_PENDING(KernelL2Norm)
TS_PENDING(KernelLeast)
TS_PENDING(KernelLen)
TS_PENDING(KernelLength)
TS_PENDING(KernelListMax)
TS_PENDING(KernelListMean)
TS_PENDING(KernelListMin)
TS_PENDING(KernelListSum)
TS_PENDING(KernelLn)
TS_PENDING(KernelLog10)
TS_PENDING(KernelLower)
TS_PENDING(KernelMinute)
TS_PENDING(KernelMonth)
TS_PENDING(KernelNullIf)
TS_PENDING(KernelPow)
TS_PENDING(KernelRegexpMatches)
TS_PENDING(KernelReplace)
TS_PENDING(KernelRound)
TS_PENDING(KernelSign)
TS_PENDING(KernelSqrt)
TS_PENDING(KernelStartsWith)
TS_PENDING(KernelSubstr)
TS_PENDING(KernelTrim)
TS_PENDING(KernelUpper)
TS_PENDING(KernelYear)

}  // namespace tessera::expr
