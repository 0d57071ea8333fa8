// The canonical form of a registry object: a JSON text with keys in a fixed
// order and no insignificant whitespace, so that the same definition always
// gives the same bytes (and hash), whichever file or order it was written in.
//
// Each object has two parts:
//   logic: what changes data (schema, source, entities, ttl, expr,
//          aggregations, validation, join keys, paths...): a change gives a
//          new version;
//   doc:   description, owner, tags, and operational settings (a push
//          source's `stream:`, written only when present): a change is
//          recorded in history without a new version.
// Locations (file:line) are in neither.
#pragma once

#include <string>

#include "tessera/core/result.h"
#include "tessera/registry/definitions.h"

namespace tessera::registry {

struct CanonicalForm {
  ObjectKind kind;
  std::string name;
  std::string logic_json;  // canonical JSON of the logic part
  std::string doc_json;    // canonical JSON of the doc part
  // The whole definition for display: {"kind":..,"name":..,<logic>,<doc>}.
  std::string definition_json;
  // Hex SHA-256 (or another stable 64-bit+ hash) of logic_json.
  std::string logic_hash;
};

// Each fails with InvalidArgument when a JSON text it produced would not
// read back (not valid JSON, e.g. for a NaN or infinite number, or not valid
// UTF-8): the registry never stores such a document.
Result<CanonicalForm> Canonicalize(const Entity& e);
Result<CanonicalForm> Canonicalize(const Source& s);
Result<CanonicalForm> Canonicalize(const FeatureView& v);
Result<CanonicalForm> Canonicalize(const OnDemandFeatureView& v);
Result<CanonicalForm> Canonicalize(const FeatureService& s);

// The canonical text of an expression (expr::Canonicalize), which the logic
// of a feature stores, so that `a+b` and `a + b` are the same version; a
// text that does not parse is kept as written (plan and apply report it
// before anything is stored: expr_check.h).
std::string CanonicalExprText(const std::string& text);

// A stored logic or definition JSON (of a feature view or on-demand view)
// with each `features[i].expr` replaced by CanonicalExprText: how a
// registry written before expressions were canonical (schema version 1,
// raw texts) compares with today's forms without a new version. Returns
// `json` itself, byte for byte, when every expr is already canonical.
Result<std::string> CanonicalizeStoredExprs(const std::string& json);

// Every object of the repo, in kind then name order; fails as Canonicalize.
Result<std::vector<CanonicalForm>> CanonicalizeAll(const RepoDefinitions& defs);

}  // namespace tessera::registry
