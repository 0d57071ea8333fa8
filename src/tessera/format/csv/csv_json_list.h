// Lists in CSV cells are JSON arrays: [1.5, 2], ["a", "b"], [] (empty list),
// with null elements allowed. Float and double elements may also be the
// strings "NaN", "Infinity", "-Infinity" (how DESIGN.md section 3b spells
// them in JSON) or the bare tokens NaN, Infinity, -Infinity.
//
// Parsing uses RapidJSON's SAX reader: no DOM, and the list is validated
// whole before anything is appended, so a bad cell leaves the builder as it
// was. Not thread-safe; one parser per column.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/array.h"
#include "tessera/core/builder.h"

namespace tessera::csv::internal {

class JsonListParser {
 public:
  explicit JsonListParser(DataType list_type) : element_(list_type.element()) {}

  // Parses `text` as a JSON array of the list's element type and appends it
  // to `builder` as one list. On failure appends nothing and returns the
  // reason, naming the text.
  Status Append(std::string_view text, ListBuilder* builder);

  // Scratch for one list, filled by the SAX handler (public for it).
  struct Elements {
    std::vector<double> doubles;  // float and double elements
    std::vector<int64_t> ints;
    std::string string_data;
    std::vector<size_t> string_ends;
    std::vector<uint8_t> valid;
    void Clear();
  };

 private:
  Status AppendElements(ListBuilder* builder);

  TypeId element_;
  Elements elements_;
};

// Appends list `row` of `list` (REQUIRES: a valid, non-null list) to `*out`
// as a compact JSON array; floats in shortest round-trip form, NaN and the
// infinities as strings.
void FormatJsonList(const Array& list, int64_t row, std::string* out);

// Appends `value` as a JSON string literal, escaping quotes, backslashes
// and control characters.
void AppendJsonString(std::string_view value, std::string* out);

// Appends the shortest text that reads back as `v`; NaN, Infinity and
// -Infinity are spelled that way.
void AppendDouble(double v, std::string* out);
void AppendFloat(float v, std::string* out);

}  // namespace tessera::csv::internal
