// The public PlanSummary (feature_store.h) of a registry Plan, so that the
// facade's header needs none of the registry's types.
#pragma once

#include "tessera/feature_store.h"
#include "tessera/registry/plan.h"

namespace tessera::facade {

PlanSummary SummarizePlan(const registry::Plan& plan);

}  // namespace tessera::facade
