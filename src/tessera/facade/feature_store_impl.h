// FeatureStore::Impl: the facade's state, shared by the .cc files that
// implement its methods (feature_store.cc: plan, apply, ingest, training
// sets; the online methods in their own files). Internal to the facade.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "tessera/core/env.h"
#include "tessera/feature_store.h"
#include "tessera/online/event_id_filter.h"
#include "tessera/online/online_store.h"
#include "tessera/online/serving_catalog.h"
#include "tessera/online/window_writer.h"
#include "tessera/registry/loader.h"
#include "tessera/registry/plan.h"
#include "tessera/registry/registry.h"

namespace tessera {
namespace facade {

// True when nothing has been applied yet (no file, or an empty one).
bool RegistryIsNew(const std::string& path);

}  // namespace facade

struct FeatureStore::Impl {
  std::string repo_dir;
  registry::LoadedRepo config;  // root and tessera.yaml only
  Env* env = nullptr;           // files and the clock; not owned

  // The online store, opened on first use by Online() (thread-safe). Once
  // open it never changes, so requests read `online_ready` without the
  // mutex (every serving request asks for it).
  std::mutex online_mu;
  std::unique_ptr<online::OnlineStore> online_store;
  std::atomic<online::OnlineStore*> online_ready{nullptr};
  Result<online::OnlineStore*> Online();
  // Fronts every write to aggregated views' window state in that store.
  online::WindowWriter window_writer;
  // Drops retried pushes (event_id) of sources feeding aggregated views.
  online::EventIdFilter event_ids;

  // The definitions online reads and pushes use, kept in memory and fresh
  // (serving_catalog.h); created on first use by Catalog() (thread-safe).
  std::once_flag catalog_once;
  std::unique_ptr<online::ServingCatalog> catalog;
  online::ServingCatalog* Catalog();

  std::string RegistryPath() const { return ResolvePath(config.root, config.config.registry_path); }
  registry::RegistryOptions Options(bool read_only) const {
    registry::RegistryOptions options;
    options.read_only = read_only;
    options.display_name = config.config.registry_path;
    return options;
  }

  // The registry, read-only; NotFound "run tessera apply first" when
  // nothing has been applied.
  Result<std::unique_ptr<registry::Registry>> OpenRegistry() const;
  // The repo's definitions, validated and checked against its sources.
  Result<registry::LoadedRepo> LoadChecked() const;
  // `plan` as the facade reports it, naming this repo's project and registry.
  PlanSummary Summarize(const registry::Plan& plan) const;
};

}  // namespace tessera
