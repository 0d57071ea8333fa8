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
#include <string>

#include "tessera/online/online_store.h"

namespace tessera::online::contract {

struct StoreFactory {
  std::string name;
  std::function<std::unique_ptr<OnlineStore>()> make;
};

// Prints the factory's name in test names and messages.
inline void PrintTo(const StoreFactory& f, std::ostream* os) { *os << f.name; }

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
