// Internal to the loader: a YAML text parsed by libyaml into a tree of
// nodes, one tree per document. This is the only place that knows libyaml.
//
// What is accepted (definition files are plain data, docs/DEFINITIONS.md):
//   - mappings, sequences and scalars, block or flow style, any number of
//     documents per text;
//   - at most kMaxYamlDepth nested collections (deeper is an error, so no
//     input can exhaust the stack or memory through nesting);
//   - no aliases (*name): they are refused, so a small text can never expand
//     into a huge tree ("billion laughs"); anchors alone are ignored, and a
//     merge key "<<" is an ordinary (unknown) key;
//   - no explicit tags (!!str, !foo): a tag would change how a value is read
//     and definition files never need one;
//   - UTF-8 text only in scalars: control characters other than tab, line
//     feed and carriage return are refused even when written as escapes.
// Plain scalars spelled "", "~", "null", "Null" or "NULL" are null nodes
// (YAML 1.2 core schema); every other scalar keeps its text.
//
// Thread-safety: a parse has no shared state; trees are immutable values.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::registry::internal {

// Deepest nesting of collections a definition file may use (real files use
// about six levels).
inline constexpr int kMaxYamlDepth = 64;

class YamlNode {
 public:
  enum class Kind { kNull, kScalar, kSequence, kMap };

  YamlNode() = default;
  YamlNode(Kind kind, int line) : kind_(kind), line_(line) {}

  // A null node at line 0: what a lookup of an absent key returns.
  static const YamlNode& Absent();

  Kind kind() const { return kind_; }
  bool IsNull() const { return kind_ == Kind::kNull; }
  bool IsScalar() const { return kind_ == Kind::kScalar; }
  bool IsSequence() const { return kind_ == Kind::kSequence; }
  bool IsMap() const { return kind_ == Kind::kMap; }
  // 1-based line where the node starts; 0 for Absent().
  int line() const { return line_; }

  // The text of a scalar; empty for other kinds.
  const std::string& Scalar() const { return scalar_; }
  // Items of a sequence, entries of a mapping, 0 for other kinds.
  size_t size() const { return kind_ == Kind::kMap ? children_.size() / 2 : children_.size(); }
  // REQUIRES: IsSequence() (empty for other kinds).
  const std::vector<YamlNode>& items() const {
    return kind_ == Kind::kSequence ? children_ : NoChildren();
  }
  // REQUIRES: IsMap() and i < size().
  const YamlNode& key(size_t i) const { return children_[2 * i]; }
  const YamlNode& value(size_t i) const { return children_[2 * i + 1]; }
  // The value of the first entry whose key is the scalar `k`, or Absent().
  const YamlNode& Find(std::string_view k) const;

 private:
  friend class YamlTreeBuilder;
  static const std::vector<YamlNode>& NoChildren();

  Kind kind_ = Kind::kNull;
  int line_ = 0;
  std::string scalar_;
  // Sequence items, or mapping keys and values alternating.
  std::vector<YamlNode> children_;
};

// Where and why a text is not acceptable YAML. `column` is 1-based (in
// characters), 0 when not known.
struct YamlError {
  int line = 0;
  int column = 0;
  std::string message;
};

// Parses every document of `text`. On success fills `documents` (a text
// with no document gives none) and returns true; otherwise returns false
// with `error` set (`documents` then holds what was read before it).
// Memory is linear in the size of the text.
[[nodiscard]] bool ParseYaml(std::string_view text, std::vector<YamlNode>* documents,
                             YamlError* error);

}  // namespace tessera::registry::internal
