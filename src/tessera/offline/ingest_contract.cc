#include "tessera/offline/ingest_contract.h"

#include <map>

#include "tessera/core/suggest.h"
#include "tessera/registry/source_schema.h"

namespace tessera::offline {
namespace {

using registry::Source;
using registry::SourceKind;

const Source* FindSource(const registry::RepoDefinitions& defs, const std::string& name) {
  for (const Source& s : defs.sources) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// Builds a contract column by column, first mention first.
class ContractBuilder {
 public:
  ContractBuilder(const registry::LoadedRepo& repo, IngestContract* out)
      : defs_(repo.definitions), out_(out) {}

  // Views reading the log: over the log's batch source or over a push
  // source that logs into it.
  std::vector<const registry::FeatureView*> Readers() const {
    std::vector<const registry::FeatureView*> views;
    for (const registry::FeatureView& v : defs_.feature_views) {
      const Source* s = FindSource(defs_, v.source);
      if (s == nullptr) continue;
      bool logs_here = s->name == out_->log_source ||
                       (s->kind == SourceKind::kPush && s->batch_source == out_->log_source);
      if (logs_here) views.push_back(&v);
    }
    return views;
  }

  // Column name -> the type views declare for it (first declaration wins,
  // as in the schema resolver), and which are required and why.
  void CollectDeclared(const Source& log_source) {
    std::map<std::string, const registry::Entity*> entities;
    for (const registry::Entity& e : defs_.entities) entities.emplace(e.name, &e);
    Declare(log_source.timestamp_field, DataType::Timestamp(),
            "the timestamp field of source " + Quoted(log_source.name));
    if (!log_source.created_timestamp_field.empty()) {
      Declare(log_source.created_timestamp_field, DataType::Timestamp(), "");
    }
    for (const registry::FeatureView* v : Readers()) {
      for (const std::string& entity : v->entities) {
        auto e = entities.find(entity);
        if (e == entities.end()) continue;
        for (const registry::JoinKey& k : e->second->join_keys) {
          Declare(k.name, k.type, "a join key of view " + Quoted(v->name));
        }
      }
      for (const registry::FeatureDef& f : v->features) {
        if (f.expr.empty()) Declare(f.name, f.type, "");
      }
    }
  }

  // The columns from the resolved sets (union by name, in order), each
  // typed by its first set, widened to a declared type it widens to.
  void AddSets(const std::vector<registry::ColumnSet>& sets) {
    for (const registry::ColumnSet& set : sets) {
      for (const registry::SourceColumn& c : set.columns) Add(c.name, c.type);
    }
  }

  // Without sets: the declared columns in declaration order.
  void AddDeclared() {
    for (const std::string& name : declared_order_) Add(name, declared_.at(name));
  }

  // Required columns the sets lack are still required: appended.
  void AddMissingRequired() {
    for (const std::string& name : declared_order_) {
      if (!required_.count(name) || out_->Find(name) != nullptr) continue;
      Add(name, declared_.at(name));
    }
  }

 private:
  void Declare(const std::string& name, DataType type, const std::string& required_by) {
    if (declared_.emplace(name, type).second) declared_order_.push_back(name);
    if (!required_by.empty()) required_.emplace(name, required_by);  // first reason wins
  }

  void Add(const std::string& name, DataType type) {
    if (out_->Find(name) != nullptr) return;
    auto d = declared_.find(name);
    if (d != declared_.end() && registry::IsLosslessWidening(type, d->second)) type = d->second;
    auto r = required_.find(name);
    out_->columns.push_back({name, type, r == required_.end() ? "" : r->second});
  }

  const registry::RepoDefinitions& defs_;
  IngestContract* out_;
  std::map<std::string, DataType> declared_;
  std::vector<std::string> declared_order_;
  std::map<std::string, std::string> required_;
};

Result<const Source*> LookUp(const registry::RepoDefinitions& defs, const std::string& name) {
  const Source* s = FindSource(defs, name);
  if (s != nullptr) return s;
  std::vector<std::string> names;
  for (const Source& x : defs.sources) names.push_back(x.name);
  return Status::NotFound("no source " + Quoted(name) + " in the definitions" +
                          DidYouMean(name, names));
}

// The batch source whose log `name` writes to.
Result<const Source*> LogSource(const registry::RepoDefinitions& defs, const std::string& name) {
  TS_ASSIGN_OR_RETURN(const Source* s, LookUp(defs, name));
  if (s->kind == SourceKind::kRequest) {
    return Status::Invalid("source " + Quoted(name) +
                           " is a request source: its fields come with each request and it "
                           "has no log");
  }
  if (s->kind == SourceKind::kPush) return LookUp(defs, s->batch_source);
  return s;
}

}  // namespace

const ContractColumn* IngestContract::Find(const std::string& name) const {
  for (const ContractColumn& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

Result<SchemaPtr> IngestContract::ToSchema() const {
  std::vector<Field> fields;
  for (const ContractColumn& c : columns) fields.push_back({c.name, c.type});
  return Schema::Make(std::move(fields));
}

Result<std::string> LogSourceOf(const registry::LoadedRepo& repo, const std::string& source) {
  TS_ASSIGN_OR_RETURN(const Source* s, LogSource(repo.definitions, source));
  return s->name;
}

Result<IngestContract> ResolveIngestContract(const registry::LoadedRepo& repo,
                                             const std::string& source) {
  const registry::RepoDefinitions& defs = repo.definitions;
  TS_ASSIGN_OR_RETURN(const Source* asked, LookUp(defs, source));
  TS_ASSIGN_OR_RETURN(const Source* log_source, LogSource(defs, source));
  IngestContract contract;
  contract.source = asked->name;
  contract.log_source = log_source->name;
  contract.timestamp_column = log_source->timestamp_field;

  std::vector<registry::LoadError> errors;
  std::map<std::string, registry::SourceSchema> schemas =
      registry::ResolveSourceSchemas(repo, &errors);
  // The log's batch source's sets; a push source's own schema when that
  // batch source has none (its history starts empty).
  std::vector<registry::ColumnSet> sets = schemas[log_source->name].sets;
  if (sets.empty() && asked != log_source) sets = schemas[asked->name].sets;

  ContractBuilder builder(repo, &contract);
  builder.CollectDeclared(*log_source);
  if (sets.empty()) {
    builder.AddDeclared();
  } else {
    builder.AddSets(sets);
    builder.AddMissingRequired();
  }
  return contract;
}

}  // namespace tessera::offline
