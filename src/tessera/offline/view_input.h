// ViewInput: what reading one feature view's rows needs, resolved against
// the definitions: its join key columns, its batch source and the source's
// columns its row transformations compile against. Training sets
// (training_set.h) and materialization (online/materializer.h) both read a
// view through these functions, then OpenJoinInput (join_input.h) and
// ViewFeatures (view_features.h), so the online row and the training row
// of a key come from the same code.
//
// Thread-safe (pure functions over the definitions).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"
#include "tessera/registry/definitions.h"
#include "tessera/registry/source_schema.h"

namespace tessera::offline {

// The view's join key columns: its entities' join keys, entity by entity,
// as the entities declare them. InvalidArgument "feature view 'v' names
// entity 'e', which is not defined".
Result<std::vector<Field>> ViewJoinKeys(const registry::RepoDefinitions& defs,
                                        const registry::FeatureView& view);

// The batch source whose files and log hold the view's rows (a push
// source's batch source). InvalidArgument when there is none. Points into
// `defs`.
Result<const registry::Source*> ViewBatchSource(const registry::RepoDefinitions& defs,
                                                const registry::FeatureView& view);

// The columns of every source of `defs` (from the files' footers or the
// declared schemas; registry/source_schema.h). Problems are left for the
// scan to report.
std::map<std::string, registry::SourceSchema> ResolveViewSourceSchemas(
    const std::string& repo_root, const std::string& project, const registry::RepoDefinitions& defs);

// The columns the view's expressions see (ViewFeatures::Make): the
// source's (its first column set); without files or a schema, what the
// view declares (keys, the timestamp, features read as columns).
std::vector<registry::SourceColumn> ViewSourceColumns(
    const registry::FeatureView& view, const std::vector<Field>& keys,
    const registry::Source& batch_source,
    const std::map<std::string, registry::SourceSchema>& schemas);

}  // namespace tessera::offline
