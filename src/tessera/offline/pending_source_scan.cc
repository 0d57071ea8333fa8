// PENDING (wt-train): OpenSourceScan until wt-scan's source_scan.cc is
// merged; delete this file at that merge.
#include "tessera/offline/source_scan.h"

namespace tessera::offline {

Result<std::unique_ptr<RecordBatchReader>> OpenSourceScan(const SourceScanSpec& spec) {
  return Status::Unsupported("source scans are not built into this binary yet");
}

}  // namespace tessera::offline
