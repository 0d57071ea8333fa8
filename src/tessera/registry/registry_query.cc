// Registry queries over the current definitions of live objects: lineage
// and search.
#include "tessera/registry/registry_internal.h"

namespace tessera::registry {
namespace {

using internal::KindFromDb;

Result<std::vector<DependencyEdge>> LoadEdges(SqliteDb* db) {
  // Edges of deleted objects are removed at apply; the join also drops any
  // edge whose target was deleted, so lineage shows live objects only.
  TS_ASSIGN_OR_RETURN(SqliteStatement stmt,
                      db->Prepare("SELECT d.kind, d.name, d.dep_kind, d.dep_name, d.relation, "
                                  "d.detail FROM dependencies d JOIN objects o ON "
                                  "o.kind = d.dep_kind AND o.name = d.dep_name AND o.deleted = 0"));
  std::vector<DependencyEdge> edges;
  while (true) {
    TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    DependencyEdge edge;
    TS_ASSIGN_OR_RETURN(edge.from.kind, KindFromDb(db, stmt.ColumnText(0)));
    edge.from.name = stmt.ColumnText(1);
    TS_ASSIGN_OR_RETURN(edge.to.kind, KindFromDb(db, stmt.ColumnText(2)));
    edge.to.name = stmt.ColumnText(3);
    edge.relation = stmt.ColumnText(4);
    edge.detail = stmt.ColumnText(5);
    edges.push_back(std::move(edge));
  }
  return edges;
}

// Search documents of live objects, keyed for adding tags and features.
Result<std::map<ObjectRef, SearchDocument>> LoadLiveDocuments(SqliteDb* db) {
  TS_ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      db->Prepare("SELECT kind, name, description, owner FROM objects WHERE deleted = 0"));
  std::map<ObjectRef, SearchDocument> docs;
  while (true) {
    TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    SearchDocument doc;
    TS_ASSIGN_OR_RETURN(doc.kind, KindFromDb(db, stmt.ColumnText(0)));
    doc.name = stmt.ColumnText(1);
    doc.description = stmt.ColumnText(2);
    doc.owner = stmt.ColumnText(3);
    docs[ObjectRef{doc.kind, doc.name}] = std::move(doc);
  }
  return docs;
}

// Calls add(doc, column 2, column 3) for each row of `sql` (kind, name, a, b)
// whose object is in `docs`.
template <typename Add>
Status AddColumns(SqliteDb* db, const char* sql, std::map<ObjectRef, SearchDocument>* docs,
                  Add add) {
  TS_ASSIGN_OR_RETURN(SqliteStatement stmt, db->Prepare(sql));
  while (true) {
    TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    TS_ASSIGN_OR_RETURN(ObjectKind kind, KindFromDb(db, stmt.ColumnText(0)));
    auto it = docs->find(ObjectRef{kind, stmt.ColumnText(1)});
    if (it != docs->end()) add(&it->second, stmt.ColumnText(2), stmt.ColumnText(3));
  }
  return Status::OK();
}

}  // namespace

Result<LineageGraph> Registry::Lineage(const std::string& name, LineageDirection direction,
                                       bool transitive, std::optional<ObjectKind> kind) const {
  TS_ASSIGN_OR_RETURN(auto txn,
                      SqliteTransaction::Begin(db_.get(), SqliteTransaction::Mode::kDeferred));
  TS_ASSIGN_OR_RETURN(ObjectRef root, Resolve(name, kind));
  TS_ASSIGN_OR_RETURN(std::vector<DependencyEdge> edges, LoadEdges(db_.get()));
  return TraverseLineage(edges, root, direction, transitive);
}

Result<std::vector<SearchResult>> Registry::Search(std::string_view text) const {
  TS_ASSIGN_OR_RETURN(auto txn,
                      SqliteTransaction::Begin(db_.get(), SqliteTransaction::Mode::kDeferred));
  TS_ASSIGN_OR_RETURN(auto docs, LoadLiveDocuments(db_.get()));
  TS_RETURN_NOT_OK(AddColumns(db_.get(), "SELECT kind, name, key, value FROM object_tags", &docs,
                              [](SearchDocument* doc, std::string key, std::string value) {
                                doc->tags[std::move(key)] = std::move(value);
                              }));
  TS_RETURN_NOT_OK(AddColumns(db_.get(), "SELECT kind, name, feature, '' FROM object_features",
                              &docs, [](SearchDocument* doc, std::string feature, std::string) {
                                doc->feature_names.push_back(std::move(feature));
                              }));
  std::vector<SearchDocument> list;
  for (auto& [ref, doc] : docs) list.push_back(std::move(doc));
  return RankSearch(list, text);
}

}  // namespace tessera::registry
