// PENDING (wt-train): SourceLogDir until wt-log's source_log.cc is merged;
// delete this file at that merge.
#include "tessera/offline/source_log.h"

namespace tessera::offline {

std::string SourceLogDir(const std::string& offline_root, const std::string& project,
                         const std::string& source) {
  return offline_root + "/" + project + "/sources/" + source;
}

}  // namespace tessera::offline
