// The one set of kind spellings users see and type, for every command and
// message (docs/REGISTRY.md "Kinds"):
//
//   kind            shown as         also accepted
//   entity          entity           entities
//   source          source           sources
//   feature view    feature-view     feature-views, view, views
//   on-demand view  on-demand-view   on-demand-views, odfv, odfvs
//   feature service service          services, feature-service(s)
//
// '_' is accepted for '-' (feature_view, on_demand_feature_view: the names
// the registry stores, see ObjectKindName, which stay as they are since
// they are part of stored definitions and their hashes).
#pragma once

#include <string_view>

#include "tessera/core/result.h"
#include "tessera/registry/definitions.h"

namespace tessera::registry {

// "entity", "source", "feature-view", "on-demand-view", "service".
const char* KindDisplayName(ObjectKind kind);

// Any spelling of the table above, singular or plural. The error names the
// text and lists the shown spellings.
Result<ObjectKind> ParseKindName(std::string_view text);

// "entity, source, feature-view (view), on-demand-view (odfv) or service":
// for help texts and messages.
const char* KindNamesHelp();

}  // namespace tessera::registry
