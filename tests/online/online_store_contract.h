// The OnlineStore contract (online_store.h), as a value-parameterized
// GoogleTest suite every backend runs. The tests are defined once, in
// online_store_contract_test.cc; a backend's test file instantiates them
// with a factory that makes a fresh, empty store per test:
//
//   #include "online_store_contract.h"
//   TESSERA_ONLINE_STORE_CONTRACT(RocksDb, (tessera::online::contract::StoreFactory{
//       "rocksdb", [] { return MakeFreshRocksDbStore(); }}))
//
// `make` is called once per test (some tests call it again for a second,
// independent store); the store it returns must be empty and is destroyed
// at the end of the test (a backend that needs clean-up, such as removing a
// folder, does it in the store's destructor or a wrapper's). `name` names
// the instantiation in test output (letters, digits, underscores).
//
// Expectations come from brute force in the tests themselves (the max rank
// over every row written) or from MemoryOnlineStore, the reference.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tessera/online/online_store.h"

namespace tessera::online::contract {

struct StoreFactory {
  std::string name;
  std::function<std::unique_ptr<OnlineStore>()> make;
};

// Prints the factory's name in test names and messages.
inline void PrintTo(const StoreFactory& f, std::ostream* os) { *os << f.name; }

// An OnlineStore that forwards every call to `inner`; with `bulk`, every
// Write goes through WriteBulk, so the contract tests hold a backend's bulk
// path to Write's contract. Owners that must close `inner` before
// something of theirs goes reset `inner_` in their destructor.
class ForwardingStore : public OnlineStore {
 public:
  ForwardingStore(std::unique_ptr<OnlineStore> inner, bool bulk)
      : inner_(std::move(inner)), bulk_(bulk) {}

  Result<int64_t> Write(const ViewId& view, std::span<const OnlineWrite> rows) override {
    return bulk_ ? inner_->WriteBulk(view, rows) : inner_->Write(view, rows);
  }
  Result<int64_t> WriteBulk(const ViewId& view, std::span<const OnlineWrite> rows) override {
    return inner_->WriteBulk(view, rows);
  }
  Status CompareAndWrite(const ViewId& view, std::span<const OnlineCompareWrite> rows,
                         std::vector<uint8_t>* stored) override {
    return inner_->CompareAndWrite(view, rows, stored);
  }
  Status Read(std::span<const OnlineLookup> lookups,
              std::vector<std::optional<OnlineRow>>* out) override {
    return inner_->Read(lookups, out);
  }
  Status DeleteView(const ViewId& view) override { return inner_->DeleteView(view); }
  Status Ping() override { return inner_->Ping(); }
  std::string Describe() const override { return inner_->Describe(); }

 protected:
  std::unique_ptr<OnlineStore> inner_;

 private:
  const bool bulk_;
};

class OnlineStoreContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    store_ = GetParam().make();
    ASSERT_NE(store_, nullptr) << GetParam().name << ": the factory made no store";
  }
  void TearDown() override { store_.reset(); }

  std::unique_ptr<OnlineStore> store_;
};

}  // namespace tessera::online::contract

// Instantiates every contract test for one backend; use at global
// namespace scope. PREFIX is a C++ identifier for the instantiation, the
// rest are StoreFactory values (parenthesize a braced one).
#define TESSERA_ONLINE_STORE_CONTRACT(PREFIX, ...)                                          \
  namespace tessera::online::contract {                                                     \
  INSTANTIATE_TEST_SUITE_P(PREFIX, OnlineStoreContractTest, ::testing::Values(__VA_ARGS__), \
                           [](const auto& info) { return info.param.name; });               \
  }
