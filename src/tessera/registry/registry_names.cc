// Names of kinds and history events: as stored in the database, and as
// accepted from users.
#include <array>
#include <optional>
#include <string>
#include <utility>

#include "tessera/registry/registry_internal.h"

namespace tessera::registry {
namespace {

constexpr std::array<std::pair<ObjectKind, const char*>, 5> kKindNames = {{
    {ObjectKind::kEntity, "entity"},
    {ObjectKind::kSource, "source"},
    {ObjectKind::kFeatureView, "feature_view"},
    {ObjectKind::kOnDemandFeatureView, "on_demand_feature_view"},
    {ObjectKind::kFeatureService, "feature_service"},
}};

constexpr std::array<std::pair<std::string_view, ObjectKind>, 5> kKindAliases = {{
    {"view", ObjectKind::kFeatureView},
    {"odfv", ObjectKind::kOnDemandFeatureView},
    {"on_demand_view", ObjectKind::kOnDemandFeatureView},
    {"service", ObjectKind::kFeatureService},
    {"entities", ObjectKind::kEntity},
}};

constexpr std::array<std::pair<HistoryEvent, const char*>, 4> kEventNames = {{
    {HistoryEvent::kCreated, "created"},
    {HistoryEvent::kUpdated, "updated"},
    {HistoryEvent::kDocChange, "doc_change"},
    {HistoryEvent::kDeleted, "deleted"},
}};

std::optional<ObjectKind> KindFromName(std::string_view text) {
  for (const auto& [kind, name] : kKindNames) {
    if (text == name) return kind;
  }
  return std::nullopt;
}

}  // namespace

Result<ObjectKind> ParseObjectKind(std::string_view text) {
  if (auto kind = KindFromName(text)) return *kind;
  for (const auto& [alias, kind] : kKindAliases) {
    if (text == alias) return kind;
  }
  return Status::Invalid("unknown object kind '" + std::string(text) +
                         "' (expected entity, source, feature_view, on_demand_feature_view or "
                         "feature_service)");
}

const char* HistoryEventName(HistoryEvent event) { return internal::EventDbName(event); }

namespace internal {

const char* KindDbName(ObjectKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

Result<ObjectKind> KindFromDb(SqliteDb* db, std::string_view text) {
  if (auto kind = KindFromName(text)) return *kind;
  return Status::Corruption(db->Label() + " is damaged: unknown object kind '" + std::string(text) +
                            "'");
}

const char* EventDbName(HistoryEvent event) {
  for (const auto& [e, name] : kEventNames) {
    if (e == event) return name;
  }
  return "unknown";
}

Result<HistoryEvent> EventFromDb(SqliteDb* db, std::string_view text) {
  for (const auto& [event, name] : kEventNames) {
    if (text == name) return event;
  }
  return Status::Corruption(db->Label() + " is damaged: unknown history event '" +
                            std::string(text) + "'");
}

}  // namespace internal
}  // namespace tessera::registry
