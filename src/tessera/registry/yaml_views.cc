// Feature views, on-demand feature views and feature services: the objects
// that reference others. The references are only recorded here (with their
// lines); validator.cc resolves them.
#include "tessera/registry/yaml_objects.h"

namespace tessera::registry::internal {

namespace {

void RecordList(ParsedRepo* repo, ObjectKind kind, size_t index, const std::string& key,
                const std::vector<SourceLocation>& lines) {
  for (size_t i = 0; i < lines.size(); ++i) {
    repo->lines.Record(kind, index, key + "[" + std::to_string(i) + "]", lines[i]);
  }
}

void ReadRule(MapReader& r, ValidationRule* rule) {
  r.Double("min", &rule->min);
  r.Double("max", &rule->max);
  r.Bool("not_null", &rule->not_null);
  r.StringList("allowed_values", /*required=*/false, &rule->allowed_values);
  if (rule->min && rule->max && *rule->min > *rule->max) {
    r.ctx().ErrorAt(r.location(), r.what() + ": min is greater than max");
  }
}

// validation: {feature: {min, max, not_null, allowed_values}}.
void ReadValidation(MapReader& parent, size_t index, FeatureView* view, ParsedRepo* repo) {
  const YamlNode& rules = parent.Get("validation");
  if (rules.IsNull()) return;
  if (!ExpectMap(rules, "'validation' in " + parent.what(), parent.ctx())) return;
  for (size_t i = 0; i < rules.size(); ++i) {
    std::string feature = rules.key(i).IsScalar() ? rules.key(i).Scalar() : "";
    std::string what = "validation of '" + feature + "' in " + parent.what();
    if (!ExpectMap(rules.value(i), what, parent.ctx())) continue;
    MapReader r(rules.value(i), what, &parent.ctx());
    ValidationRule rule;
    ReadRule(r, &rule);
    r.ReportUnknownKeys();
    repo->lines.Record(ObjectKind::kFeatureView, index, "validation." + feature,
                       parent.ctx().Location(rules.key(i)));
    view->validation[feature] = std::move(rule);
  }
}

}  // namespace

void ReadFeatureView(const YamlNode& node, const FileContext& ctx, ParsedRepo* repo) {
  MapReader r(node, Describe(node, "feature view"), &ctx);
  FeatureView v;
  v.location = r.location();
  size_t index = repo->definitions.feature_views.size();
  r.Name("name", "feature view", &v.name);
  std::vector<SourceLocation> lines;
  r.StringList("entities", /*required=*/true, &v.entities, &lines);
  RecordList(repo, ObjectKind::kFeatureView, index, "entities", lines);
  if (r.String("source", /*required=*/true, &v.source) && !v.source.empty()) {
    repo->lines.Record(ObjectKind::kFeatureView, index, "source", ctx.Location(r.Get("source")));
  }
  r.Duration("ttl", &v.ttl);
  r.Bool("online", &v.online);
  ReadFeatures(r, /*expr_required=*/false, &v.features);
  ReadAggregations(r, &v.aggregations);
  if (v.ttl != 0 && !v.aggregations.empty()) {
    // DESIGN.md section 3: an aggregate's windows say what is recent.
    ctx.Error(r.Get("ttl"), r.what() +
                                ": ttl does not apply to a view with aggregations (its "
                                "windows say what is recent); remove 'ttl'");
  }
  if (r.Get("features").size() == 0 && r.Get("aggregations").size() == 0) {
    ctx.ErrorAt(v.location, r.what() + " has no features and no aggregations");
  }
  ReadValidation(r, index, &v, repo);
  r.Doc(&v.doc);
  r.ReportUnknownKeys();
  repo->definitions.feature_views.push_back(std::move(v));
}

void ReadOnDemandFeatureView(const YamlNode& node, const FileContext& ctx, ParsedRepo* repo) {
  MapReader r(node, Describe(node, "on-demand feature view"), &ctx);
  OnDemandFeatureView v;
  v.location = r.location();
  size_t index = repo->definitions.on_demand_feature_views.size();
  r.Name("name", "on-demand feature view", &v.name);
  std::vector<SourceLocation> lines;
  r.StringList("inputs", /*required=*/true, &v.inputs, &lines);
  RecordList(repo, ObjectKind::kOnDemandFeatureView, index, "inputs", lines);
  ReadFeatures(r, /*expr_required=*/true, &v.features);
  r.Doc(&v.doc);
  r.ReportUnknownKeys();
  repo->definitions.on_demand_feature_views.push_back(std::move(v));
}

void ReadFeatureService(const YamlNode& node, const FileContext& ctx, ParsedRepo* repo) {
  MapReader r(node, Describe(node, "feature service"), &ctx);
  FeatureService s;
  s.location = r.location();
  size_t index = repo->definitions.feature_services.size();
  r.Name("name", "feature service", &s.name);
  std::vector<SourceLocation> lines;
  r.StringList("features", /*required=*/true, &s.features, &lines);
  RecordList(repo, ObjectKind::kFeatureService, index, "features", lines);
  r.Doc(&s.doc);
  r.ReportUnknownKeys();
  repo->definitions.feature_services.push_back(std::move(s));
}

}  // namespace tessera::registry::internal
