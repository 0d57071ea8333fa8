// Internal to the loader: YAML -> the structs of definitions.h, one object
// at a time, with the per-field checks that need the YAML text and its
// lines (types, durations, names, required and unknown keys). Each Read*
// appends the object to `repo` even when parts of it were wrong, so that
// references to it still resolve, and reports every problem to `ctx`.
// Cross-object checks are in validator.cc.
#pragma once

#include <optional>
#include <vector>

#include "tessera/registry/loader_internal.h"
#include "tessera/registry/yaml_reader.h"

namespace tessera::registry::internal {

// REQUIRES for all: node.IsMap().
void ReadEntity(const YamlNode& node, const FileContext& ctx, ParsedRepo* repo);
void ReadSource(const YamlNode& node, const FileContext& ctx, ParsedRepo* repo);
void ReadFeatureView(const YamlNode& node, const FileContext& ctx, ParsedRepo* repo);
void ReadOnDemandFeatureView(const YamlNode& node, const FileContext& ctx, ParsedRepo* repo);
void ReadFeatureService(const YamlNode& node, const FileContext& ctx, ParsedRepo* repo);

// The "features" list of `parent`: an on-demand view's features need an
// expr (and the list is required), a view's features may have one.
void ReadFeatures(MapReader& parent, bool expr_required, std::vector<FeatureDef>* out);
// The optional `stream:` block of a source (`s`, read so far: its kind
// decides whether a stream is allowed) into `out` (yaml_stream.cc).
void ReadStream(MapReader& source, const Source& s, std::optional<StreamConfig>* out);
// The optional "aggregations" list of a feature view.
void ReadAggregations(MapReader& parent, std::vector<Aggregation>* out);

}  // namespace tessera::registry::internal
