#include "tessera/facade/feature_store_impl.h"
#include "tessera/online/online_store_factory.h"

namespace tessera {

Result<online::OnlineStore*> FeatureStore::Impl::Online() {
  if (online::OnlineStore* ready = online_ready.load(std::memory_order_acquire)) return ready;
  std::lock_guard lock(online_mu);
  if (online_store == nullptr) {
    TS_ASSIGN_OR_RETURN(online_store, online::OpenOnlineStore(config.config.online, config.root,
                                                              config.config.project, env));
    online_ready.store(online_store.get(), std::memory_order_release);
  }
  return online_store.get();
}

}  // namespace tessera
