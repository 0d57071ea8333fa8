#include "tessera/registry/object_kinds.h"

#include <array>
#include <string>
#include <utility>

namespace tessera::registry {
namespace {

constexpr std::array<std::pair<std::string_view, ObjectKind>, 18> kSpellings = {{
    {"entity", ObjectKind::kEntity},
    {"entities", ObjectKind::kEntity},
    {"source", ObjectKind::kSource},
    {"sources", ObjectKind::kSource},
    {"feature-view", ObjectKind::kFeatureView},
    {"feature-views", ObjectKind::kFeatureView},
    {"view", ObjectKind::kFeatureView},
    {"views", ObjectKind::kFeatureView},
    {"on-demand-view", ObjectKind::kOnDemandFeatureView},
    {"on-demand-views", ObjectKind::kOnDemandFeatureView},
    {"on-demand-feature-view", ObjectKind::kOnDemandFeatureView},
    {"on-demand-feature-views", ObjectKind::kOnDemandFeatureView},
    {"odfv", ObjectKind::kOnDemandFeatureView},
    {"odfvs", ObjectKind::kOnDemandFeatureView},
    {"service", ObjectKind::kFeatureService},
    {"services", ObjectKind::kFeatureService},
    {"feature-service", ObjectKind::kFeatureService},
    {"feature-services", ObjectKind::kFeatureService},
}};

}  // namespace

const char* KindDisplayName(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kEntity: return "entity";
    case ObjectKind::kSource: return "source";
    case ObjectKind::kFeatureView: return "feature-view";
    case ObjectKind::kOnDemandFeatureView: return "on-demand-view";
    case ObjectKind::kFeatureService: return "service";
  }
  return "unknown";
}

const char* KindNamesHelp() {
  return "entity, source, feature-view (view), on-demand-view (odfv) or service";
}

Result<ObjectKind> ParseKindName(std::string_view text) {
  std::string normal(text);
  for (char& c : normal) {
    if (c == '_') c = '-';
  }
  for (const auto& [spelling, kind] : kSpellings) {
    if (normal == spelling) return kind;
  }
  return Status::Invalid("unknown kind '" + std::string(text) + "' (expected " + KindNamesHelp() +
                         ", singular or plural)");
}

}  // namespace tessera::registry
