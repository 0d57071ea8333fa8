// `tessera get` and `tessera push`: one-off online reads and pushes through
// the FeatureStore facade (include/tessera/feature_store.h); this file
// parses, reads the push file and prints.
//
//   tessera get --entity user_id=1[,merchant_id=m5] [--entity ...]
//               (--features V:F[,...] | --service S) [--json] [--full-feature-names]
//   tessera push SOURCE FILE [--to online|offline|online_and_offline]
//
// `get` prints a table (one line per feature and entity row,
// online_table.h) or, with --json, the response Feast's HTTP server gives.
// While a `tessera serve` runs for the repo, both commands are sent to it
// (server_forward.h: it owns the online store) and print what they would
// print otherwise. Entity values are text:
// the facade reads an int64 key from decimal text, and request fields are
// cast to their declared types. `push` reads a Parquet file as it is, a CSV
// file with the push source's column types.

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tessera/cli/command.h"
#include "tessera/cli/format_commands.h"
#include "tessera/cli/online_table.h"
#include "tessera/cli/output.h"
#include "tessera/cli/repo_session.h"
#include "tessera/cli/server_forward.h"
#include "tessera/core/time.h"
#include "tessera/expr/eval_util.h"
#include "tessera/feature_store.h"
#include "tessera/format/csv/csv.h"
#include "tessera/format/parquet/reader.h"
#include "tessera/offline/ingest_contract.h"
#include "tessera/serving/api_client.h"
#include "tessera/serving/api_responses.h"

namespace tessera::cli {
namespace {

struct GetArgs {
  std::vector<std::string> entities;  // "k=v,k2=v2" per row
  std::string features;
  std::string service;
  bool json = false;
  bool full_feature_names = false;
};

struct PushArgs {
  std::string source;
  std::string file;
  std::string to = "online";
};

// The --entity rows as one batch of string columns (keys in first-seen
// order; every row must name the same keys).
Result<RecordBatchPtr> EntityBatch(const std::vector<std::string>& rows) {
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> values;  // per row, per name
  for (size_t r = 0; r < rows.size(); ++r) {
    std::vector<std::string> row_names;
    std::vector<std::string> row_values;
    for (const std::string& part : SplitColumnList(rows[r])) {
      size_t eq = part.find('=');
      if (eq == std::string::npos || eq == 0) {
        return CommandStatus::Usage("--entity '" + rows[r] + "': expected KEY=VALUE[,KEY=VALUE]")
            .status();
      }
      row_names.push_back(part.substr(0, eq));
      row_values.push_back(part.substr(eq + 1));
    }
    if (r == 0) names = row_names;
    if (row_names != names) {
      return Status::Invalid("--entity '" + rows[r] +
                             "': every --entity must name the same keys as the first");
    }
    values.push_back(std::move(row_values));
  }
  std::vector<Field> fields;
  for (const std::string& n : names) fields.push_back({n, DataType::String()});
  TS_ASSIGN_OR_RETURN(SchemaPtr schema, Schema::Make(std::move(fields)));
  RecordBatchBuilder builder(schema);
  for (const auto& row : values) {
    std::vector<Value> cells;
    for (const std::string& v : row) cells.push_back(Value::String(v));
    TS_RETURN_NOT_OK(builder.AppendRow(cells));
  }
  return builder.Finish();
}

CommandStatus RunGet(const std::string& repo, const GetArgs& args) {
  if (args.features.empty() == args.service.empty()) {
    return CommandStatus::Usage("give exactly one of --features and --service");
  }
  OnlineRequest request;
  request.features = SplitColumnList(args.features);
  if (!args.features.empty() && request.features.empty()) {
    return CommandStatus::Usage("--features names no feature");
  }
  request.feature_service = args.service;
  request.full_feature_names = args.full_feature_names;
  Result<RecordBatchPtr> entities = EntityBatch(args.entities);
  if (!entities.ok()) return CommandStatus::Usage(entities.status().message());
  TS_RETURN_NOT_OK(CheckIsRepo(repo));
  ForwardOptions forward;
  forward.note = args.json ? nullptr : &std::cerr;
  TS_ASSIGN_OR_RETURN(
      std::optional<std::string> json,
      ForwardToServer(
          repo, "/get-online-features",
          [&] { return serving::OnlineFeaturesBody(**entities, request); }, forward));
  if (!json) {
    TS_ASSIGN_OR_RETURN(std::unique_ptr<FeatureStore> store, FeatureStore::Open(repo));
    TS_ASSIGN_OR_RETURN(OnlineResponse response, store->GetOnlineFeatures(**entities, request));
    json = serving::OnlineResponseJson(response);
  }
  if (args.json) {
    std::cout << *json << "\n";
    return Status::OK();
  }
  return PrintOnlineTable(*json, std::cout);
}

// The push source's column types (for a CSV file), from the applied
// definitions.
Result<std::vector<Field>> ContractFields(const std::string& repo_dir, const std::string& source) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<registry::Registry> reg, OpenExistingRegistry(repo_dir));
  TS_ASSIGN_OR_RETURN(registry::LiveDefinitions live, reg->LiveDefinitionsNow());
  registry::LoadedRepo repo;
  (void)registry::LoadRepoConfig(repo_dir, &repo);
  repo.definitions = std::move(live.definitions);
  TS_ASSIGN_OR_RETURN(offline::IngestContract contract,
                      offline::ResolveIngestContract(repo, source));
  std::vector<Field> fields;
  for (const offline::ContractColumn& c : contract.columns) fields.push_back({c.name, c.type});
  return fields;
}

// FILE's rows as one batch: Parquet as its columns are; CSV typed by the
// source (columns the source lacks read as strings and then ignored).
Result<RecordBatchPtr> ReadPushFile(const std::string& repo, const PushArgs& args,
                                    FileFormat format) {
  std::unique_ptr<RecordBatchReader> reader;
  if (format == FileFormat::kParquet) {
    TS_ASSIGN_OR_RETURN(reader, parquet::ParquetReader::Open(args.file));
  } else {
    TS_ASSIGN_OR_RETURN(std::vector<Field> contract, ContractFields(repo, args.source));
    TS_ASSIGN_OR_RETURN(std::vector<std::string> header, csv::ReadCsvHeader(args.file));
    std::vector<Field> fields;
    for (const std::string& name : header) {
      Field f{name, DataType::String()};
      for (const Field& c : contract) {
        if (c.name == name) f.type = c.type;
      }
      fields.push_back(f);
    }
    TS_ASSIGN_OR_RETURN(SchemaPtr schema, Schema::Make(std::move(fields)));
    TS_ASSIGN_OR_RETURN(reader, csv::CsvReader::Open(args.file, schema));
  }
  TS_ASSIGN_OR_RETURN(std::vector<RecordBatchPtr> batches, ReadAll(reader.get()));
  if (batches.size() == 1) return batches[0];
  std::vector<ArrayPtr> columns;
  for (int c = 0; c < reader->schema()->num_fields(); ++c) {
    std::vector<ArrayPtr> parts;
    for (const RecordBatchPtr& b : batches) parts.push_back(b->column(c));
    if (parts.empty()) {
      TS_ASSIGN_OR_RETURN(ArrayPtr empty, expr::MakeNullArray(reader->schema()->field(c).type, 0));
      columns.push_back(std::move(empty));
    } else {
      TS_ASSIGN_OR_RETURN(ArrayPtr all, expr::Concat(parts));
      columns.push_back(std::move(all));
    }
  }
  return RecordBatch::Make(reader->schema(), std::move(columns));
}

// Through the running server when there is one (it owns the online store),
// else through a FeatureStore of our own. The server logs offline rows
// exactly as the facade here would, so --to offline is sent too: one rule
// for every target.
Result<PushSummary> PushRows(const std::string& repo, const std::string& source,
                             const RecordBatchPtr& rows, PushTarget to) {
  ForwardOptions forward;
  forward.note = &std::cerr;
  TS_ASSIGN_OR_RETURN(
      std::optional<std::string> answer,
      ForwardToServer(
          repo, "/push", [&] { return serving::PushBody(source, *rows, to); }, forward));
  if (answer) return serving::ParsePushSummary(*answer);
  TS_ASSIGN_OR_RETURN(std::unique_ptr<FeatureStore> store, FeatureStore::Open(repo));
  return store->Push(source, rows, to);
}

CommandStatus RunPush(const std::string& repo, const PushArgs& args) {
  PushTarget to = PushTarget::kOnline;
  if (args.to == "offline") {
    to = PushTarget::kOffline;
  } else if (args.to == "online_and_offline") {
    to = PushTarget::kOnlineAndOffline;
  } else if (args.to != "online") {
    return CommandStatus::Usage("--to '" + args.to +
                                "': expected online, offline or online_and_offline");
  }
  Result<FileFormat> format = FormatOfPath(args.file);
  if (!format.ok()) return CommandStatus::Usage("FILE: " + format.status().message());
  TS_RETURN_NOT_OK(CheckIsRepo(repo));
  TS_ASSIGN_OR_RETURN(RecordBatchPtr rows, ReadPushFile(repo, args, *format));
  Result<PushSummary> pushed = PushRows(repo, args.source, rows, to);
  if (!pushed.ok()) {
    // "rows.user_id[2]" counts data rows from 0; say which file they are.
    return Status(pushed.status().code(), args.file + ": " + pushed.status().message());
  }
  const PushSummary& r = *pushed;
  std::cout << "pushed " << CountOf(r.rows, "row") << " to push source '" << r.source << "'";
  if (r.logged) std::cout << ": logged, _ingest_seq " << r.first_seq << ".." << r.last_seq;
  if (to != PushTarget::kOffline) {
    std::cout << (r.logged ? "; " : ": ") << CountOf(r.online_rows_written, "online row")
              << " written";
  }
  if (r.duplicates_dropped > 0) {
    std::cout << "; " << CountOf(r.duplicates_dropped, "retried row")
              << " dropped (event_id already committed)";
  }
  if (r.window_events_applied > 0 || r.window_events_too_old > 0) {
    std::cout << "; " << CountOf(r.window_events_applied, "event") << " applied to window state";
    if (r.window_events_too_old > 0) {
      std::cout << " (" << r.window_events_too_old
                << " older than the largest window: skipped online, kept in the log)";
    }
  }
  std::cout << "\n";
  return Status::OK();
}

}  // namespace

void RegisterOnlineCommands(CLI::App* app, CommandContext* ctx) {
  auto get_args = std::make_shared<GetArgs>();
  CLI::App* get = app->add_subcommand(
      "get",
      "Read features from the online store for one or more entities, as the server's "
      "/get-online-features does: values, statuses (PRESENT, NOT_FOUND, NULL_VALUE, "
      "OUTSIDE_MAX_AGE) and event times; join keys first");
  get->footer(
      "Examples:\n"
      "  tessera get --entity user_id=1 --features user_profile:age,user_profile:city\n"
      "  tessera get --entity user_id=1,merchant_id=m5 --entity user_id=2,merchant_id=m5 "
      "--service fraud_v1 --json\n"
      "Request fields of on-demand views are given like keys: --entity user_id=1,amount=9.5\n"
      "While `tessera serve` runs for the repo (data/serve.lock), the read is sent to it.");
  get->add_option("--entity", get_args->entities,
                  "One entity row: KEY=VALUE[,KEY=VALUE...] (repeat for more rows)")
      ->required();
  get->add_option("--features", get_args->features,
                  "Comma-separated references: view:feature, view@N:feature, view");
  get->add_option("--service", get_args->service, "A feature service whose features to read");
  get->add_flag("--json", get_args->json, "Print Feast's JSON response instead of a table");
  get->add_flag("--full-feature-names", get_args->full_feature_names,
                "Name features view__feature");
  get->fallthrough();
  get->callback(
      [ctx, get_args] { ctx->run = [ctx, get_args] { return RunGet(ctx->repo, *get_args); }; });

  auto push_args = std::make_shared<PushArgs>();
  CLI::App* push = app->add_subcommand(
      "push",
      "Push the rows of a Parquet or CSV file to a push source, checked against its schema and "
      "applied all or nothing: to the online store (the online views fed by the source), to "
      "its batch source's log in the offline store (as tessera ingest), or both");
  push->footer(
      "While `tessera serve` runs for the repo (data/serve.lock), the rows are sent to it.");
  push->add_option("SOURCE", push_args->source, "The push source")->required();
  push->add_option("FILE", push_args->file, "Parquet (.parquet) or CSV (.csv) file")->required();
  push->add_option("--to", push_args->to,
                   "online (default), offline or online_and_offline; rows of a source feeding "
                   "an aggregated view are always logged");
  push->fallthrough();
  push->callback(
      [ctx, push_args] { ctx->run = [ctx, push_args] { return RunPush(ctx->repo, *push_args); }; });
}

}  // namespace tessera::cli
