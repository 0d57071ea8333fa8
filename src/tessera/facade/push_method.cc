// FeatureStore::Push: the facade's thin layer over online/push.h.
#include "tessera/facade/feature_store_impl.h"
#include "tessera/online/push.h"

namespace tessera {

Result<PushSummary> FeatureStore::Push(const std::string& source,
                                       std::shared_ptr<const RecordBatch> rows, PushTarget to) {
  if (rows == nullptr) return Status::Invalid("push to " + source + ": no rows");
  TS_ASSIGN_OR_RETURN(std::shared_ptr<const online::CatalogSnapshot> snapshot,
                      impl_->Catalog()->Current());
  online::PushTo target = to == PushTarget::kOnline    ? online::PushTo::kOnline
                          : to == PushTarget::kOffline ? online::PushTo::kOffline
                                                       : online::PushTo::kOnlineAndOffline;
  Impl* impl = impl_.get();
  online::PushContext context;
  context.store = [impl] { return impl->Online(); };
  context.env = impl->env;
  context.windows = &impl->window_writer;
  context.event_ids = &impl->event_ids;
  TS_ASSIGN_OR_RETURN(online::PushOutcome r,
                      online::PushRows(*snapshot, source, *rows, target, context));
  PushSummary summary{r.source,    r.rows,     r.online_rows_written,   r.logged,
                      r.first_seq, r.last_seq, r.window_events_applied, r.window_events_too_old};
  summary.duplicates_dropped = r.duplicates_dropped;
  return summary;
}

}  // namespace tessera
