#include <filesystem>

#include "tessera/facade/feature_store_impl.h"

namespace tessera::facade {

namespace fs = std::filesystem;

bool RegistryIsNew(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return true;
  return fs::is_regular_file(path, ec) && fs::file_size(path, ec) == 0;
}

}  // namespace tessera::facade
