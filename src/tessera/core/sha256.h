// SHA-256 (FIPS 180-4), for stable content hashes such as the logic hash of
// a registry definition. Not for secrets: no constant-time guarantees are
// claimed. Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace tessera {

// Incremental hasher: Update any number of times, then Finish once.
class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  // The 32-byte digest. REQUIRES: called once; Update may not follow.
  std::array<uint8_t, 32> Finish();

 private:
  void Compress(const uint8_t* block);

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

// Lower-case hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(std::string_view data);

}  // namespace tessera
