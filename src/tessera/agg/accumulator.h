// Accumulator: the running partial aggregate of one AggSpec over a multiset
// of values, and its compact encoding, which is how tiles keep partials
// (agg/window_state.h keeps no accumulator objects per tile: a tile is the
// bytes EncodeTo wrote, merged back with MergeEncoded).
//
// Invariants:
//   * Finish() is a deterministic function of the multiset of (value, rank)
//     pairs Added, directly or through merged partials: any order of Add
//     and MergeEncoded calls, and any split of the values between
//     partials, gives the same Value, bit for bit.
//   * EncodeTo then MergeEncoded into a Reset accumulator reproduces the
//     accumulator exactly (Finish equal, further Adds equal).
//   * MergeEncoded never crashes and never reads outside `partial`: bad
//     bytes give Corruption and leave the accumulator in an unspecified but
//     valid state (Reset makes it usable again).
//   * Memory is sized to the contents: an empty or one-value partial
//     encodes in a few bytes (sketches start sparse).
//
// Thread-safety: none; one accumulator per thread. Ownership: owns its
// state; AggInput strings are copied when kept.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tessera/agg/agg_spec.h"
#include "tessera/core/status.h"
#include "tessera/core/value.h"

namespace tessera::agg {

class Accumulator {
 public:
  virtual ~Accumulator() = default;

  const AggSpec& spec() const { return spec_; }

  // Back to the empty multiset.
  virtual void Reset() = 0;

  // Adds one non-null value (nulls are skipped by the caller; a count of
  // events is called once per event with an empty input).
  virtual void Add(const AggInput& value, const EventRank& rank) = 0;

  // Adds every value of a partial written by EncodeTo of an accumulator of
  // the same spec.
  [[nodiscard]] virtual Status MergeEncoded(std::string_view partial) = 0;

  // Appends the partial (not self-delimiting: the caller stores its length).
  virtual void EncodeTo(std::string* out) const = 0;

  // Appends the partial of `partial`'s values (none when nullopt) plus
  // `value`: bit for bit what Reset, MergeEncoded(*partial), Add(value,
  // rank) and EncodeTo(out) append, which is what the default does.
  // Accumulators with a cheaper way (count, min/max, exact sums) update
  // the bytes without building their state: this is each window-state
  // Add's work per tile. REQUIRES: *partial was written by EncodeTo or
  // accepted by MergeEncoded. Leaves this accumulator unspecified (Reset
  // before other use).
  virtual void AddToPartial(std::optional<std::string_view> partial, const AggInput& value,
                            const EventRank& rank, std::string* out);

  // The aggregate: of type spec().output; null for an empty multiset
  // except counts (0). An integer sum that leaves int64 is null
  // (overflowed() says so, for the caller to count).
  virtual Value Finish() const = 0;
  virtual bool overflowed() const { return false; }

 protected:
  explicit Accumulator(AggSpec spec) : spec_(spec) {}

 private:
  AggSpec spec_;
};

// An empty accumulator for `spec` (every AggFunction is supported).
std::unique_ptr<Accumulator> NewAccumulator(const AggSpec& spec);

}  // namespace tessera::agg
