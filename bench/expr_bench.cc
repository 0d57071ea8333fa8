// Throughput of the expression evaluator, single thread, over in-memory
// columns (the figures of docs/PERFORMANCE.md; bench/expr_bench.sh runs
// this and DuckDB on the same expressions in the same run):
//   (a) amount / nullif(amount_sum_24h, 0)                 10M rows
//   (b) a CASE with string comparisons                      10M rows
//   (c) cosine_similarity of two 64-float lists             1M rows
//   (d) an on-demand view of 5 expressions on one row       micros per row
//   (e) amount * 2 + amount_sum_24h (plain arithmetic)      10M rows
// Compile time is excluded everywhere; each figure is the best of 3 runs.
// Data are deterministic (a fixed-seed generator). Output: one JSON object
// per line, {"case":..., "rows":..., "seconds":..., "rows_per_s":...}.
//
//   build/expr_bench [--rows N] [--list-rows N] [--batch N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tessera/core/builder.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/schema.h"
#include "tessera/expr/binder.h"
#include "tessera/expr/expression.h"

namespace tessera {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "expr_bench: " << what << "\n";
  std::exit(1);
}

template <typename T>
T Check(Result<T> r, const char* what) {
  if (!r.ok()) Die(std::string(what) + ": " + r.status().ToString());
  return std::move(*r);
}

// Batches of `batch` rows of the transaction table: amount, amount_sum_24h
// (10% zero, 5% null), category and country (strings).
std::vector<RecordBatchPtr> MakeTransactions(int64_t rows, int64_t batch, SchemaPtr* schema) {
  *schema = Check(Schema::Make({{"amount", DataType::Double()},
                                {"amount_sum_24h", DataType::Double()},
                                {"category", DataType::String()},
                                {"country", DataType::String()}}),
                  "schema");
  static const char* kCategories[] = {"grocery", "restaurant", "bar", "travel", "fuel", "online"};
  static const char* kCountries[] = {"US", "US", "US", "FR", "DE", "JP"};
  std::mt19937_64 rng(42);
  std::vector<RecordBatchPtr> out;
  for (int64_t start = 0; start < rows; start += batch) {
    const int64_t n = std::min(batch, rows - start);
    NumericBuilder<double> amount(DataType::Double()), sum(DataType::Double());
    BinaryBuilder category(DataType::String()), country(DataType::String());
    for (int64_t i = 0; i < n; ++i) {
      const uint64_t r = rng();
      (void)amount.Append(static_cast<double>(r % 100000) / 100.0);
      const uint64_t k = (r >> 20) % 100;
      if (k < 5) {
        (void)sum.AppendNull();
      } else {
        (void)sum.Append(k < 15 ? 0.0 : static_cast<double>((r >> 27) % 1000000) / 100.0);
      }
      (void)category.Append(kCategories[(r >> 40) % 6]);
      (void)country.Append(kCountries[(r >> 48) % 6]);
    }
    out.push_back(Check(
        RecordBatch::Make(*schema, {Check(amount.Finish(), "a"), Check(sum.Finish(), "s"),
                                    Check(category.Finish(), "c"), Check(country.Finish(), "k")}),
        "batch"));
  }
  return out;
}

// Batches of two list<float> columns of 64 elements each.
std::vector<RecordBatchPtr> MakeEmbeddings(int64_t rows, int64_t batch, SchemaPtr* schema) {
  const DataType type = DataType::List(TypeId::kFloat);
  *schema = Check(Schema::Make({{"u", type}, {"v", type}}), "schema");
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<RecordBatchPtr> out;
  for (int64_t start = 0; start < rows; start += batch) {
    const int64_t n = std::min(batch, rows - start);
    std::vector<ArrayPtr> columns;
    for (int c = 0; c < 2; ++c) {
      auto builder = ArrayBuilder::Make(type);
      std::vector<Value> items(64, Value::Float(0));
      for (int64_t i = 0; i < n; ++i) {
        for (auto& item : items) item = Value::Float(dist(rng));
        (void)builder->AppendValue(Value::List(type, items));
      }
      columns.push_back(Check(builder->Finish(), "list"));
    }
    out.push_back(Check(RecordBatch::Make(*schema, columns), "batch"));
  }
  return out;
}

void Report(const char* name, const std::string& expr, int64_t rows, double seconds) {
  std::printf(
      "{\"case\":\"%s\",\"engine\":\"tessera\",\"expr\":\"%s\",\"rows\":%lld,"
      "\"seconds\":%.4f,\"rows_per_s\":%.0f}\n",
      name, expr.c_str(), static_cast<long long>(rows), seconds, rows / seconds);
  std::fflush(stdout);
}

// Best of 3 evaluations of `text` over every batch.
void Throughput(const char* name, const std::string& text, const SchemaPtr& schema,
                const std::vector<RecordBatchPtr>& batches) {
  auto e = Check(expr::Expression::Compile(text, expr::Scope::FromSchema(*schema)), "compile");
  int64_t rows = 0;
  for (const auto& b : batches) rows += b->num_rows();
  double best = 1e300;
  for (int run = 0; run < 3; ++run) {
    expr::EvalStats stats;
    int64_t nulls = 0;
    const auto start = Clock::now();
    for (const auto& b : batches) {
      ArrayPtr out = Check(e->Evaluate(*b, &stats), "evaluate");
      nulls += out->null_count();
    }
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    best = std::min(best, s);
    if (run == 0 && nulls < 0) Die("impossible");
  }
  Report(name, text, rows, best);
}

// The serving case: 5 expressions of one on-demand view over a batch of one
// row; micros per row (all 5 evaluated), compile excluded.
void OnDemand(int64_t iterations) {
  const DataType list = DataType::List(TypeId::kFloat);
  SchemaPtr schema = Check(Schema::Make({{"amount", DataType::Double()},
                                         {"amount_sum_24h", DataType::Double()},
                                         {"txn_count_24h", DataType::Int64()},
                                         {"category", DataType::String()},
                                         {"user_emb", list},
                                         {"item_emb", list}}),
                           "schema");
  std::vector<Value> emb;
  for (int i = 0; i < 64; ++i) emb.push_back(Value::Float(static_cast<float>(i % 7) / 7.0f));
  RecordBatchBuilder builder(schema);
  if (!builder
           .AppendRow({Value::Double(42.5), Value::Double(1000.0), Value::Int64(12),
                       Value::String("grocery"), Value::List(list, emb), Value::List(list, emb)})
           .ok()) {
    Die("row");
  }
  RecordBatchPtr row = Check(builder.Finish(), "row");
  const std::vector<std::string> texts = {
      "amount / nullif(amount_sum_24h, 0)", "coalesce(txn_count_24h, 0) + 1",
      "CASE WHEN category = 'grocery' THEN 'food' WHEN category = 'bar' THEN 'dining' "
      "ELSE 'other' END",
      "amount > 100 AND category != 'bar'", "cosine_similarity(user_emb, item_emb)"};
  std::vector<std::shared_ptr<const expr::Expression>> view;
  for (const auto& t : texts) {
    view.push_back(
        Check(expr::Expression::Compile(t, expr::Scope::FromSchema(*schema)), "compile"));
  }
  // Wall and CPU time of this thread: on a shared machine the wall time
  // includes the time other processes held the core, the CPU time does not.
  auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  };
  double best = 1e300, best_cpu = 1e300;
  for (int run = 0; run < 3; ++run) {
    const auto start = Clock::now();
    const double cpu_start = cpu_now();
    for (int64_t i = 0; i < iterations; ++i) {
      for (const auto& e : view) {
        expr::EvalStats stats;
        ArrayPtr out = Check(e->Evaluate(*row, &stats), "evaluate");
        if (out->length() != 1) Die("length");
      }
    }
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
    best_cpu = std::min(best_cpu, cpu_now() - cpu_start);
  }
  std::printf(
      "{\"case\":\"on_demand_5_expressions\",\"engine\":\"tessera\",\"iterations\":%lld,"
      "\"micros_per_row\":%.3f,\"cpu_micros_per_row\":%.3f}\n",
      static_cast<long long>(iterations), best * 1e6 / static_cast<double>(iterations),
      best_cpu * 1e6 / static_cast<double>(iterations));
  // Each expression alone (CPU time, best of 3): where the row's time goes.
  for (size_t k = 0; k < view.size(); ++k) {
    double cpu = 1e300;
    for (int run = 0; run < 3; ++run) {
      const double cpu_start = cpu_now();
      for (int64_t i = 0; i < iterations; ++i) {
        expr::EvalStats stats;
        ArrayPtr out = Check(view[k]->Evaluate(*row, &stats), "evaluate");
        if (out->length() != 1) Die("length");
      }
      cpu = std::min(cpu, cpu_now() - cpu_start);
    }
    std::printf(
        "{\"case\":\"on_demand_expression_%zu\",\"engine\":\"tessera\",\"expr\":\"%s\","
        "\"cpu_micros\":%.3f}\n",
        k + 1, view[k]->canonical().c_str(), cpu * 1e6 / static_cast<double>(iterations));
  }
}

int Main(int argc, char** argv) {
  int64_t rows = 10'000'000, list_rows = 1'000'000, batch = 1 << 16, iterations = 200'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const int64_t v = std::atoll(argv[i + 1]);
    if (std::strcmp(argv[i], "--rows") == 0)
      rows = v;
    else if (std::strcmp(argv[i], "--list-rows") == 0)
      list_rows = v;
    else if (std::strcmp(argv[i], "--batch") == 0)
      batch = v;
    else if (std::strcmp(argv[i], "--iterations") == 0)
      iterations = v;
    else
      Die(std::string("unknown option ") + argv[i]);
  }
  SchemaPtr tx_schema;
  auto tx = MakeTransactions(rows, batch, &tx_schema);
  Throughput("a_ratio", "amount / nullif(amount_sum_24h, 0)", tx_schema, tx);
  Throughput("b_case_strings",
             "CASE WHEN category = 'grocery' THEN 'food' WHEN category = 'restaurant' OR "
             "category = 'bar' THEN 'dining' WHEN country != 'US' THEN 'foreign' ELSE 'other' END",
             tx_schema, tx);
  // Plain arithmetic: what the evaluator's per-chunk overhead costs.
  Throughput("e_arith", "amount * 2 + amount_sum_24h", tx_schema, tx);
  tx.clear();
  SchemaPtr emb_schema;
  auto emb = MakeEmbeddings(list_rows, batch, &emb_schema);
  Throughput("c_cosine_64", "cosine_similarity(u, v)", emb_schema, emb);
  emb.clear();
  OnDemand(iterations);
  return 0;
}

}  // namespace
}  // namespace tessera

int main(int argc, char** argv) { return tessera::Main(argc, argv); }
