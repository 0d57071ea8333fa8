// Definitions read back from the registry: the inverse of canonical.h. The
// registry stores each object version's `definition_json` ({"kind":..,
// "name":.., <logic members>, <doc members>}); these functions decode it
// into the plain values of definitions.h, so that a reader (a training set,
// a server) uses exactly what was applied, including older versions.
//
// Invariant (tested): for every object `o` the registry stores,
// Canonicalize(Decode(Canonicalize(o).definition_json)).definition_json is
// the stored text byte for byte. Locations are not stored: a decoded
// object's `location.file` is `origin` and its lines are 0.
//
// Errors: Corruption "<origin>: <reason>" when the text is not such a
// document (not JSON, a member missing or of the wrong type, a type or
// duration that does not parse, a kind other than the one asked for).
// Thread-safe (pure functions).
#pragma once

#include <string>

#include "tessera/core/result.h"
#include "tessera/registry/definitions.h"

namespace tessera::registry {

Result<Entity> EntityFromJson(const std::string& json, const std::string& origin);
Result<Source> SourceFromJson(const std::string& json, const std::string& origin);
Result<FeatureView> FeatureViewFromJson(const std::string& json, const std::string& origin);
Result<OnDemandFeatureView> OnDemandFeatureViewFromJson(const std::string& json,
                                                        const std::string& origin);
Result<FeatureService> FeatureServiceFromJson(const std::string& json, const std::string& origin);

// Decodes an object of `kind` and appends it to the matching list of `defs`.
Status AddDefinitionFromJson(ObjectKind kind, const std::string& json, const std::string& origin,
                             RepoDefinitions* defs);

}  // namespace tessera::registry
