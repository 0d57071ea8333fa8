// Timestamp function kernels: year, month, day, hour, minute, day_of_week,
// epoch_seconds, date_diff. Timestamps are UTC microseconds (core/time.h);
// parts use the proleptic Gregorian calendar, as DuckDB's.
#include <cstdint>

#include "tessera/core/time.h"
#include "tessera/expr/bind_rules.h"
#include "tessera/expr/kernel_util.h"
#include "tessera/expr/kernels.h"

namespace tessera::expr {

namespace {

int64_t Days(int64_t micros) { return FloorDiv(micros, kMicrosPerDay); }

// Micros since midnight, in [0, kMicrosPerDay).
int64_t TimeOfDay(int64_t micros) {
  int64_t rem = micros % kMicrosPerDay;
  return rem < 0 ? rem + kMicrosPerDay : rem;
}

template <typename Out, typename Fn>
Status TimestampUnary(const Array& a, int64_t length, DataType result, Fn fn, ArrayPtr* out) {
  FixedOutput<Out> o;
  TS_RETURN_NOT_OK(o.Init(length, {&a}));
  const int64_t* in = a.values<int64_t>();
  Out* v = o.values();
  for (int64_t i = 0; i < length; ++i) {
    if (o.IsValid(i)) v[i] = fn(in[i]);
  }
  return o.Finish(result, out);
}

// DuckDB's Truncate: floor division for the sub-day units.
int64_t DiffFloor(int64_t start, int64_t end, int64_t unit) {
  return FloorDiv(end, unit) - FloorDiv(start, unit);
}

// date_diff(unit, start, end) as DuckDB computes it: the number of unit
// boundaries crossed (calendar units on the dates; sub-day units on the
// floored micros), except week, which is whole weeks of days between the
// dates, truncated toward zero. False on overflow (microsecond).
bool DateDiff(DateUnit unit, int64_t start, int64_t end, int64_t* r) {
  const int64_t sd = Days(start), ed = Days(end);
  switch (unit) {
    case DateUnit::kMicrosecond: return !__builtin_sub_overflow(end, start, r);
    case DateUnit::kMillisecond: *r = DiffFloor(start, end, 1000); return true;
    case DateUnit::kSecond: *r = DiffFloor(start, end, kMicrosPerSecond); return true;
    case DateUnit::kMinute: *r = DiffFloor(start, end, kMicrosPerMinute); return true;
    case DateUnit::kHour: *r = DiffFloor(start, end, kMicrosPerHour); return true;
    case DateUnit::kDay: *r = ed - sd; return true;
    case DateUnit::kWeek: *r = (ed - sd) / 7; return true;
    default: break;
  }
  const CivilDate s = CivilFromDays(sd), e = CivilFromDays(ed);
  const int64_t sm = s.year * 12 + s.month - 1, em = e.year * 12 + e.month - 1;
  // C++ division truncates toward zero, as DuckDB's does for these units.
  switch (unit) {
    case DateUnit::kMonth: *r = em - sm; return true;
    case DateUnit::kQuarter: *r = em / 3 - sm / 3; return true;
    case DateUnit::kYear: *r = e.year - s.year; return true;
    case DateUnit::kDecade: *r = e.year / 10 - s.year / 10; return true;
    case DateUnit::kCentury: *r = e.year / 100 - s.year / 100; return true;
    case DateUnit::kMillennium: *r = e.year / 1000 - s.year / 1000; return true;
    default: return false;
  }
}

}  // namespace

TS_DECLARE_KERNEL(KernelYear) {
  return TimestampUnary<int64_t>(
      *args[0], length, result, [](int64_t t) { return CivilFromDays(Days(t)).year; }, out);
}

TS_DECLARE_KERNEL(KernelMonth) {
  return TimestampUnary<int64_t>(
      *args[0], length, result,
      [](int64_t t) { return static_cast<int64_t>(CivilFromDays(Days(t)).month); }, out);
}

TS_DECLARE_KERNEL(KernelDay) {
  return TimestampUnary<int64_t>(
      *args[0], length, result,
      [](int64_t t) { return static_cast<int64_t>(CivilFromDays(Days(t)).day); }, out);
}

TS_DECLARE_KERNEL(KernelHour) {
  return TimestampUnary<int64_t>(
      *args[0], length, result, [](int64_t t) { return TimeOfDay(t) / kMicrosPerHour; }, out);
}

TS_DECLARE_KERNEL(KernelMinute) {
  return TimestampUnary<int64_t>(
      *args[0], length, result, [](int64_t t) { return TimeOfDay(t) / kMicrosPerMinute % 60; },
      out);
}

TS_DECLARE_KERNEL(KernelDayOfWeek) {
  // DuckDB's dayofweek: Sunday = 0 ... Saturday = 6; 1970-01-01 was a
  // Thursday (4).
  return TimestampUnary<int64_t>(
      *args[0], length, result,
      [](int64_t t) {
        const int64_t d = (Days(t) + 4) % 7;
        return d < 0 ? d + 7 : d;
      },
      out);
}

TS_DECLARE_KERNEL(KernelEpochSeconds) {
  // DuckDB's epoch(ts): seconds with the fraction, micros / 10^6.
  return TimestampUnary<double>(
      *args[0], length, result,
      [](int64_t t) { return static_cast<double>(t) / static_cast<double>(kMicrosPerSecond); },
      out);
}

TS_DECLARE_KERNEL(KernelDateDiff) {
  FixedOutput<int64_t> o;
  TS_RETURN_NOT_OK(o.Init(length, args));
  int64_t* v = o.values();
  // The unit is a constant (checked at bind), broadcast to every row; parse
  // it again only when a row's differs.
  std::string_view unit_text;
  DateUnit unit = DateUnit::kDay;
  bool have_unit = false;
  const int64_t* a = args[1]->values<int64_t>();
  const int64_t* b = args[2]->values<int64_t>();
  for (int64_t i = 0; i < length; ++i) {
    if (!o.IsValid(i)) continue;
    const std::string_view u = args[0]->GetView(i);
    if (!have_unit || u != unit_text) {
      have_unit = ParseDateUnit(u, &unit);
      unit_text = u;
      if (!have_unit) {
        TS_RETURN_NOT_OK(o.SetError(ctx, i, "unknown unit in date_diff"));
        continue;
      }
    }
    if (!DateDiff(unit, a[i], b[i], &v[i])) {
      TS_RETURN_NOT_OK(o.SetError(ctx, i, "integer overflow in date_diff"));
    }
  }
  return o.Finish(result, out);
}

}  // namespace tessera::expr
