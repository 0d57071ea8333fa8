// The properties checked on each input of time_parse_fuzz, shared with the
// corpus replay test (tests/core/time_fuzz_corpus_test.cc). Header-only.
//
// Byte 0 picks the parser, the rest is its text:
//   0: ParseTimestamp; a parsed value formats (FormatTimestamp) to text that
//      parses back to the same value, when its year is 0000..9999 (what
//      the parser accepts).
//   1: ParseDuration; a parsed value formats (FormatDuration) to text that
//      parses back to the same value.
//   2: ParseEpoch in seconds, millis and micros; a value parsed in micros
//      prints (std::to_string) back to the canonical text.
//   3: the first 8 bytes as a day count d (cut to +-2^40): CivilFromDays(d)
//      is a valid date and DaysFromCivil of it gives d back; FormatTimestamp
//      of the 8 bytes as micros does not crash.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "tessera/core/time.h"

namespace tessera::fuzz {

inline std::string CheckTimeInput(const uint8_t* data, size_t size) {
  if (size == 0) return "";
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      Result<int64_t> ts = ParseTimestamp(text);
      if (!ts.ok()) return "";
      const int64_t days = *ts >= 0 ? *ts / kMicrosPerDay : -((-(*ts + 1)) / kMicrosPerDay) - 1;
      const CivilDate date = CivilFromDays(days);
      if (date.year < 0 || date.year > 9999) return "";
      const std::string formatted = FormatTimestamp(*ts);
      Result<int64_t> again = ParseTimestamp(formatted);
      if (!again.ok()) return "'" + formatted + "' does not parse: " + again.status().ToString();
      if (*again != *ts) return "'" + formatted + "' parses to another value";
      return "";
    }
    case 1: {
      Result<int64_t> d = ParseDuration(text);
      if (!d.ok()) return "";
      if (*d < 0) return "negative duration parsed";
      const std::string formatted = FormatDuration(*d);
      Result<int64_t> again = ParseDuration(formatted);
      if (!again.ok()) return "'" + formatted + "' does not parse: " + again.status().ToString();
      if (*again != *d) return "'" + formatted + "' parses to another value";
      return "";
    }
    case 2: {
      (void)ParseEpoch(text, EpochUnit::kSeconds);
      (void)ParseEpoch(text, EpochUnit::kMillis);
      Result<int64_t> micros = ParseEpoch(text, EpochUnit::kMicros);
      if (!micros.ok()) return "";
      Result<int64_t> again = ParseEpoch(std::to_string(*micros), EpochUnit::kMicros);
      if (!again.ok() || *again != *micros) return "epoch micros do not round trip";
      return "";
    }
    default: {
      if (size < 9) return "";
      int64_t raw;
      std::memcpy(&raw, data + 1, 8);
      (void)FormatTimestamp(raw);
      const int64_t days = raw % (int64_t{1} << 40);
      const CivilDate date = CivilFromDays(days);
      if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > 31) {
        return "CivilFromDays(" + std::to_string(days) + ") is not a date";
      }
      if (DaysFromCivil(date.year, date.month, date.day) != days) {
        return "DaysFromCivil(CivilFromDays(" + std::to_string(days) + ")) differs";
      }
      return "";
    }
  }
}

}  // namespace tessera::fuzz
