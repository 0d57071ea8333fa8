// Registry: opening, versioning on apply, doc-only changes, removal,
// atomicity of a failed apply, listing and describing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "registry_fixtures.h"
#include "tessera/registry/loader.h"
#include "tessera/registry/registry.h"

namespace tessera::registry {
namespace {

using testing::DumpTables;
using testing::FraudRepo;
using testing::ReadBytes;
using testing::ScratchDir;

std::unique_ptr<Registry> OpenOrDie(const std::string& path, RegistryOptions options = {}) {
  auto reg = Registry::Open(path, std::move(options));
  EXPECT_TRUE(reg.ok()) << reg.status().ToString();
  return reg.ok() ? std::move(reg).MoveValueUnsafe() : nullptr;
}

ApplyResult ApplyOrDie(Registry* reg, const RepoDefinitions& defs, const std::string& user) {
  auto result = reg->Apply(defs, user);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? *result : ApplyResult{};
}

const PlanEntry* FindEntry(const Plan& plan, ObjectKind kind, const std::string& name) {
  for (const PlanEntry& e : plan.entries) {
    if (e.kind == kind && e.name == name) return &e;
  }
  return nullptr;
}

std::vector<HistoryEvent> Events(const std::vector<HistoryEntry>& history) {
  std::vector<HistoryEvent> events;
  for (const HistoryEntry& h : history) events.push_back(h.event);
  return events;
}

TEST(RegistryOpen, CreatesFileParentFoldersAndSchema) {
  ScratchDir dir;
  std::string path = dir.File("a/b/registry.db");
  auto reg = OpenOrDie(path);
  ASSERT_NE(reg, nullptr);
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(reg->Version().ValueOr(-1), 0);
  auto list = reg->List(std::nullopt);
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  reg.reset();
  // Reopening an existing registry works and keeps the schema version row.
  reg = OpenOrDie(path);
  ASSERT_NE(reg, nullptr);
  bool has_version_row = false;
  for (const std::string& row : DumpTables(path)) {
    if (row == "schema_version|version=2") has_version_row = true;
  }
  EXPECT_TRUE(has_version_row);
}

TEST(RegistryOpen, UsesWalMode) {
  ScratchDir dir;
  std::string path = dir.File("registry.db");
  ASSERT_NE(OpenOrDie(path), nullptr);
  auto db = SqliteDb::Open(path, SqliteOpenOptions{});
  ASSERT_TRUE(db.ok());
  auto stmt = (*db)->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(stmt->Step().ValueOr(false));
  EXPECT_EQ(stmt->ColumnText(0), "wal");
}

TEST(RegistryOpen, RejectsAFileThatIsNotARegistry) {
  ScratchDir dir;
  std::string garbage = dir.File("garbage.db");
  std::ofstream(garbage) << "this is not a database, not even close, but long enough for a header";
  auto reg = Registry::Open(garbage);
  ASSERT_FALSE(reg.ok());
  EXPECT_TRUE(reg.status().IsCorruption()) << reg.status().ToString();
  EXPECT_NE(reg.status().message().find(garbage), std::string::npos);

  std::string other = dir.File("other.db");
  {
    auto db = SqliteDb::Open(other, SqliteOpenOptions{});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("CREATE TABLE t (x INTEGER)").ok());
  }
  reg = Registry::Open(other);
  ASSERT_FALSE(reg.ok());
  EXPECT_TRUE(reg.status().IsCorruption()) << reg.status().ToString();
}

TEST(RegistryOpen, RejectsANewerSchemaVersion) {
  ScratchDir dir;
  std::string path = dir.File("registry.db");
  ASSERT_NE(OpenOrDie(path), nullptr);
  {
    auto db = SqliteDb::Open(path, SqliteOpenOptions{});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("UPDATE schema_version SET version = 99").ok());
  }
  auto reg = Registry::Open(path);
  ASSERT_FALSE(reg.ok());
  EXPECT_TRUE(reg.status().IsCorruption());
  EXPECT_NE(reg.status().message().find("newer"), std::string::npos);
}

TEST(RegistryApply, FirstApplyCreatesVersionOneOfEveryObject) {
  ScratchDir dir;
  auto reg = OpenOrDie(dir.File("registry.db"));
  ApplyResult result = ApplyOrDie(reg.get(), FraudRepo(), "alice");
  EXPECT_TRUE(result.changed);
  EXPECT_EQ(result.registry_version, 1);
  EXPECT_EQ(result.plan.Count(ChangeKind::kAdded), 10);
  auto list = reg->List(std::nullopt);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 10u);
  for (const ObjectSummary& s : *list) EXPECT_EQ(s.version, 1) << s.name;

  auto d = reg->Describe("user_spend");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->kind, ObjectKind::kFeatureView);
  EXPECT_EQ(d->version, 1);
  EXPECT_EQ(d->applied_by, "alice");
  EXPECT_GT(d->applied_at, 0);
  EXPECT_FALSE(d->definition_json.empty());
  EXPECT_FALSE(d->logic_hash.empty());
  ASSERT_EQ(d->history.size(), 1u);
  EXPECT_EQ(d->history[0].event, HistoryEvent::kCreated);
  EXPECT_EQ(d->history[0].by, "alice");
  EXPECT_EQ(d->history[0].registry_version, 1);
}

TEST(RegistryApply, UnchangedRepoWritesNothing) {
  ScratchDir dir;
  std::string path = dir.File("registry.db");
  ApplyOrDie(OpenOrDie(path).get(), FraudRepo(), "alice");
  // Closing the last connection checkpoints the WAL into the file, so the
  // file's bytes are the whole registry.
  std::string bytes_before = ReadBytes(path);
  auto dump_before = DumpTables(path);

  auto reg = OpenOrDie(path);
  ApplyResult again = ApplyOrDie(reg.get(), FraudRepo(), "bob");
  EXPECT_FALSE(again.changed);
  EXPECT_FALSE(again.plan.HasChanges());
  EXPECT_EQ(again.plan.Count(ChangeKind::kUnchanged), 10);
  EXPECT_EQ(again.registry_version, 1);
  EXPECT_EQ(reg->Version().ValueOr(-1), 1);
  reg.reset();

  EXPECT_EQ(DumpTables(path), dump_before);
  EXPECT_TRUE(ReadBytes(path) == bytes_before) << "the registry file changed";
}

TEST(RegistryApply, LogicChangeBumpsVersionAndKeepsTheOldOne) {
  ScratchDir dir;
  auto reg = OpenOrDie(dir.File("registry.db"));
  RepoDefinitions defs = FraudRepo();
  ApplyOrDie(reg.get(), defs, "alice");
  std::string v1_definition = reg->Describe("user_profile")->definition_json;

  defs.feature_views[0].features.push_back(testing::Feature("signup_channel", DataType::String()));
  auto plan = reg->ComputePlan(defs);
  ASSERT_TRUE(plan.ok());
  const PlanEntry* e = FindEntry(*plan, ObjectKind::kFeatureView, "user_profile");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->change, ChangeKind::kChanged);
  EXPECT_TRUE(e->logic_changed);
  EXPECT_TRUE(e->BumpsVersion());
  EXPECT_EQ(e->next_version, 2);
  EXPECT_EQ(plan->Changes().size(), 1u);

  ApplyResult result = ApplyOrDie(reg.get(), defs, "bob");
  EXPECT_TRUE(result.changed);
  EXPECT_EQ(result.registry_version, 2);

  auto current = reg->Describe("user_profile");
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->version, 2);
  EXPECT_EQ(current->applied_by, "bob");
  EXPECT_NE(current->definition_json.find("signup_channel"), std::string::npos);

  auto v1 = reg->Describe("user_profile", ObjectKind::kFeatureView, 1);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->version, 1);
  EXPECT_EQ(v1->current_version, 2);
  EXPECT_EQ(v1->applied_by, "alice");
  EXPECT_EQ(v1->definition_json, v1_definition);
  EXPECT_EQ(v1->definition_json.find("signup_channel"), std::string::npos);

  auto history = reg->History("user_profile");
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(Events(*history),
            (std::vector<HistoryEvent>{HistoryEvent::kCreated, HistoryEvent::kUpdated}));
  EXPECT_EQ((*history)[1].version, 2);
  EXPECT_EQ((*history)[1].by, "bob");
  // Other objects kept version 1.
  EXPECT_EQ(reg->Describe("user_spend")->version, 1);

  auto missing = reg->Describe("user_profile", std::nullopt, 7);
  EXPECT_TRUE(missing.status().IsNotFound()) << missing.status().ToString();
}

TEST(RegistryApply, DocOnlyChangeRecordsHistoryWithoutNewVersion) {
  ScratchDir dir;
  auto reg = OpenOrDie(dir.File("registry.db"));
  RepoDefinitions defs = FraudRepo();
  ApplyOrDie(reg.get(), defs, "alice");
  auto before = reg->Describe("user_spend");
  ASSERT_TRUE(before.ok());

  defs.feature_views[1].doc.description = "Rolling spend, per customer, in USD.";
  defs.feature_views[1].doc.tags["pii"] = "no";
  auto plan = reg->ComputePlan(defs);
  ASSERT_TRUE(plan.ok());
  const PlanEntry* e = FindEntry(*plan, ObjectKind::kFeatureView, "user_spend");
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(e->IsDocOnly());
  EXPECT_FALSE(e->BumpsVersion());

  ApplyResult result = ApplyOrDie(reg.get(), defs, "carol");
  EXPECT_TRUE(result.changed);
  EXPECT_EQ(result.registry_version, 2);

  auto after = reg->Describe("user_spend");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->version, 1);
  EXPECT_EQ(after->logic_hash, before->logic_hash);
  EXPECT_NE(after->doc_json, before->doc_json);
  EXPECT_NE(after->doc_json.find("in USD"), std::string::npos);
  EXPECT_EQ(after->applied_by, "alice");  // the version was written by alice
  ASSERT_EQ(after->history.size(), 2u);
  const HistoryEntry& h = after->history[1];
  EXPECT_EQ(h.event, HistoryEvent::kDocChange);
  EXPECT_EQ(h.version, 1);
  EXPECT_EQ(h.by, "carol");
  EXPECT_EQ(h.old_doc_json, before->doc_json);
  EXPECT_EQ(h.new_doc_json, after->doc_json);

  ListFilter pii;
  pii.tags["pii"] = "no";
  auto list = reg->List(ObjectKind::kFeatureView, pii);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].description, "Rolling spend, per customer, in USD.");
}

TEST(RegistryApply, RemovalMarksDeletedAndReAddGivesNextVersion) {
  ScratchDir dir;
  auto reg = OpenOrDie(dir.File("registry.db"));
  RepoDefinitions defs = FraudRepo();
  ApplyOrDie(reg.get(), defs, "alice");
  RepoDefinitions without = defs;
  without.feature_services.clear();

  auto plan = reg->ComputePlan(without);
  ASSERT_TRUE(plan.ok());
  const PlanEntry* e = FindEntry(*plan, ObjectKind::kFeatureService, "fraud_model_v1");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->change, ChangeKind::kRemoved);
  ApplyOrDie(reg.get(), without, "bob");

  auto services = reg->List(ObjectKind::kFeatureService);
  ASSERT_TRUE(services.ok());
  EXPECT_TRUE(services->empty());
  ListFilter with_deleted;
  with_deleted.include_deleted = true;
  services = reg->List(ObjectKind::kFeatureService, with_deleted);
  ASSERT_TRUE(services.ok());
  ASSERT_EQ(services->size(), 1u);
  EXPECT_TRUE((*services)[0].deleted);

  auto described = reg->Describe("fraud_model_v1");
  ASSERT_TRUE(described.ok());
  EXPECT_TRUE(described->deleted);
  EXPECT_EQ(Events(described->history),
            (std::vector<HistoryEvent>{HistoryEvent::kCreated, HistoryEvent::kDeleted}));
  // Applying the same removal again changes nothing.
  EXPECT_FALSE(ApplyOrDie(reg.get(), without, "bob").changed);

  // Re-adding continues the numbering.
  plan = reg->ComputePlan(defs);
  ASSERT_TRUE(plan.ok());
  e = FindEntry(*plan, ObjectKind::kFeatureService, "fraud_model_v1");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->change, ChangeKind::kAdded);
  EXPECT_EQ(e->next_version, 2);
  ApplyOrDie(reg.get(), defs, "carol");
  described = reg->Describe("fraud_model_v1");
  ASSERT_TRUE(described.ok());
  EXPECT_FALSE(described->deleted);
  EXPECT_EQ(described->version, 2);
  EXPECT_EQ(Events(described->history),
            (std::vector<HistoryEvent>{HistoryEvent::kCreated, HistoryEvent::kDeleted,
                                       HistoryEvent::kCreated}));
  EXPECT_EQ(reg->Version().ValueOr(-1), 3);
}

// A failure injected after some objects were written: nothing of the apply
// remains, table for table and byte for byte.
TEST(RegistryApply, FailedApplyLeavesRegistryExactlyAsItWas) {
  ScratchDir dir;
  std::string path = dir.File("registry.db");
  RepoDefinitions defs = FraudRepo();
  ApplyOrDie(OpenOrDie(path).get(), defs, "alice");
  std::string bytes_before = ReadBytes(path);
  auto dump_before = DumpTables(path);

  RepoDefinitions changed = defs;
  changed.feature_views[0].ttl = 7 * kMicrosPerDay;  // new version
  changed.entities[1].doc.description = "A shop.";   // doc-only
  changed.feature_services.clear();                  // removal
  changed.entities.push_back(changed.entities[0]);   // addition
  changed.entities.back().name = "device";
  int steps = 0;
  RegistryOptions options;
  options.apply_hook = [&](const std::string& step) {
    return ++steps == 3 ? Status::IOError("injected failure at " + step) : Status::OK();
  };
  auto reg = OpenOrDie(path, options);
  auto result = reg->Apply(changed, "mallory");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("injected failure"), std::string::npos);
  EXPECT_EQ(steps, 3);
  EXPECT_EQ(reg->Version().ValueOr(-1), 1);
  EXPECT_EQ(DumpTables(path), dump_before);
  reg.reset();
  EXPECT_EQ(DumpTables(path), dump_before);
  EXPECT_TRUE(ReadBytes(path) == bytes_before) << "the registry file changed";

  // The same apply without the failure goes through whole.
  reg = OpenOrDie(path);
  ApplyResult ok = ApplyOrDie(reg.get(), changed, "mallory");
  EXPECT_TRUE(ok.changed);
  EXPECT_EQ(ok.plan.Changes().size(), 4u);
}

// The same with a real SQLite error midway (a trigger aborts one insert):
// the error names the registry file and nothing of the apply remains.
TEST(RegistryApply, SqliteErrorMidwayRollsBackAndNamesTheFile) {
  ScratchDir dir;
  std::string path = dir.File("registry.db");
  RepoDefinitions defs = FraudRepo();
  ApplyOrDie(OpenOrDie(path).get(), defs, "alice");
  {
    auto db = SqliteDb::Open(path, SqliteOpenOptions{});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)
                    ->Exec("CREATE TRIGGER fail_user_spend BEFORE INSERT ON object_versions "
                           "WHEN NEW.name = 'user_spend' BEGIN SELECT RAISE(ABORT, 'disk on "
                           "fire'); END")
                    .ok());
  }
  auto dump_before = DumpTables(path);

  RepoDefinitions changed = defs;
  changed.entities[0].join_keys[0].type = DataType::String();  // user: new version, first
  changed.feature_views[1].ttl = kMicrosPerDay;                // user_spend: fails
  auto reg = OpenOrDie(path);
  auto result = reg->Apply(changed, "bob");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.status().IsIOError()) << result.status().ToString();
  EXPECT_NE(result.status().message().find(path), std::string::npos);
  EXPECT_NE(result.status().message().find("disk on fire"), std::string::npos);
  EXPECT_EQ(DumpTables(path), dump_before);
  EXPECT_EQ(reg->Describe("user", ObjectKind::kEntity)->version, 1);
  EXPECT_EQ(reg->Version().ValueOr(-1), 1);
}

TEST(RegistryApply, ChangesAreVisibleToAnotherConnection) {
  ScratchDir dir;
  std::string path = dir.File("registry.db");
  auto writer = OpenOrDie(path);
  auto reader = OpenOrDie(path);
  EXPECT_EQ(reader->Version().ValueOr(-1), 0);
  ApplyOrDie(writer.get(), FraudRepo(), "alice");
  EXPECT_EQ(reader->Version().ValueOr(-1), 1);
  EXPECT_EQ(reader->List(std::nullopt)->size(), 10u);
}

// Two connections (one per thread, as the contract says) applying the same
// repo at once: the write lock serializes them, so exactly one writes.
TEST(RegistryApply, ConcurrentAppliesOfTheSameRepoWriteOnce) {
  ScratchDir dir;
  std::string path = dir.File("registry.db");
  ASSERT_NE(OpenOrDie(path), nullptr);  // create the schema first
  std::vector<std::unique_ptr<Registry>> regs;
  for (int i = 0; i < 4; ++i) regs.push_back(OpenOrDie(path));
  std::vector<Result<ApplyResult>> results(regs.size(), Status::Internal("not run"));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < regs.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = regs[i]->Apply(FraudRepo(), "t"); });
  }
  for (std::thread& t : threads) t.join();
  int writers = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    writers += r->changed ? 1 : 0;
  }
  EXPECT_EQ(writers, 1);
  EXPECT_EQ(regs[0]->Version().ValueOr(-1), 1);
  EXPECT_EQ(regs[0]->History("user_spend")->size(), 1u);
}

TEST(RegistryDescribe, AmbiguousNameListsKinds) {
  ScratchDir dir;
  auto reg = OpenOrDie(dir.File("registry.db"));
  RepoDefinitions defs = FraudRepo();
  defs.sources.push_back(defs.sources[0]);
  defs.sources.back().name = "user_profile";  // same name as the view
  ApplyOrDie(reg.get(), defs, "alice");

  auto d = reg->Describe("user_profile");
  ASSERT_FALSE(d.ok());
  EXPECT_TRUE(d.status().IsInvalid());
  EXPECT_NE(d.status().message().find("source"), std::string::npos);
  EXPECT_NE(d.status().message().find("feature-view"), std::string::npos);
  d = reg->Describe("user_profile", ObjectKind::kSource);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->kind, ObjectKind::kSource);
  EXPECT_TRUE(reg->History("user_profile").status().IsInvalid());
  EXPECT_TRUE(reg->Describe("nope").status().IsNotFound());
}

TEST(RegistryList, FiltersByKindTagAndOwner) {
  ScratchDir dir;
  auto reg = OpenOrDie(dir.File("registry.db"));
  ApplyOrDie(reg.get(), FraudRepo(), "alice");

  auto views = reg->List(ObjectKind::kFeatureView);
  ASSERT_TRUE(views.ok());
  ASSERT_EQ(views->size(), 2u);
  EXPECT_EQ((*views)[0].name, "user_profile");
  EXPECT_EQ((*views)[0].owner, "growth@example.com");
  EXPECT_EQ((*views)[0].tags.at("tier"), "gold");
  EXPECT_EQ((*views)[1].name, "user_spend");

  ListFilter payments;
  payments.tags["domain"] = "payments";
  auto tagged = reg->List(std::nullopt, payments);
  ASSERT_TRUE(tagged.ok());
  ASSERT_EQ(tagged->size(), 2u);
  EXPECT_EQ((*tagged)[0].name, "user");  // entities sort before views
  EXPECT_EQ((*tagged)[1].name, "user_spend");

  ListFilter risk;
  risk.owner = "risk@example.com";
  auto owned = reg->List(std::nullopt, risk);
  ASSERT_TRUE(owned.ok());
  ASSERT_EQ(owned->size(), 3u);
  EXPECT_EQ((*owned)[2].name, "fraud_model_v1");
}

TEST(RegistryKinds, ParsesNamesAndAliases) {
  EXPECT_EQ(ParseObjectKind("feature_view").ValueOr(ObjectKind::kEntity), ObjectKind::kFeatureView);
  EXPECT_EQ(ParseObjectKind("service").ValueOr(ObjectKind::kEntity), ObjectKind::kFeatureService);
  EXPECT_TRUE(ParseObjectKind("table").status().IsInvalid());
  EXPECT_STREQ(HistoryEventName(HistoryEvent::kDocChange), "doc_change");
}

// The loader's example repo goes through apply and re-apply unchanged.
TEST(RegistryApply, AppliesTheLoadedExampleRepo) {
  std::string repo_dir = std::string(TESSERA_SOURCE_DIR) + "/tests/registry/repos/valid_fraud";
  auto repo = LoadRepo(repo_dir);
  ASSERT_TRUE(repo.ok()) << repo.status().ToString();
  ScratchDir dir;
  auto reg = OpenOrDie(dir.File("registry.db"));
  ApplyResult first = ApplyOrDie(reg.get(), repo->definitions, "alice");
  EXPECT_TRUE(first.changed);
  EXPECT_GT(first.plan.Count(ChangeKind::kAdded), 0);
  ApplyResult second = ApplyOrDie(reg.get(), repo->definitions, "alice");
  EXPECT_FALSE(second.changed);
  auto upstream = reg->Lineage("fraud_model_v1", LineageDirection::kUpstream, true);
  ASSERT_TRUE(upstream.ok()) << upstream.status().ToString();
  EXPECT_FALSE(upstream->nodes.empty());
}

}  // namespace
}  // namespace tessera::registry
