// An embedding program that links only the public facade: opens a feature
// repo, builds a point-in-time-correct training set and prints its first
// rows.
//
//   tessera_training_set_example REPO SPINE FEATURE[,FEATURE...] [ROWS]
//
// e.g. (after scripts/demo.sh, or tessera apply on the quickstart):
//   tessera_training_set_example build/demo-repo \
//       build/demo-repo/data/sources/training_spine.parquet \
//       user_profile:age,merchant_profile:risk_score,txn_vs_profile
#include <tessera/feature_store.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: " << argv[0] << " REPO SPINE FEATURE[,FEATURE...] [ROWS]\n";
    return 2;
  }
  std::vector<std::string> features;
  std::string list = argv[3];
  for (size_t start = 0; start <= list.size();) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    if (comma > start) features.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  const int64_t rows = argc > 4 ? std::atoll(argv[4]) : 5;

  auto store = tessera::FeatureStore::Open(argv[1]);
  if (!store.ok()) {
    std::cerr << "error: " << store.status().ToString() << "\n";
    return 1;
  }
  auto spine = (*store)->OpenSpineFile(argv[2]);
  if (!spine.ok()) {
    std::cerr << "error: " << spine.status().ToString() << "\n";
    return 1;
  }
  tessera::HistoricalRequest request;
  request.features = features;
  std::vector<std::string> warnings;
  request.warnings = &warnings;
  auto result = (*store)->GetHistoricalFeatures(std::move(*spine), request);
  if (!result.ok()) {
    std::cerr << "error: " << result.status().ToString() << "\n";
    return 1;
  }
  // Stream the result: only the first batch is needed for the first rows.
  auto batch = (*result)->Next();
  if (!batch.ok()) {
    std::cerr << "error: " << batch.status().ToString() << "\n";
    return 1;
  }
  if (*batch != nullptr) std::cout << (*batch)->ToString(rows);
  for (const std::string& w : warnings) std::cerr << "warning: " << w << "\n";
  return 0;
}
