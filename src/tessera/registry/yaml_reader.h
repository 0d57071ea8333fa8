// Internal to the loader: checked access to YAML nodes. Every accessor
// reports problems as "file:line: reason" errors instead of throwing, and a
// MapReader remembers which keys were asked for so that any other key (a
// typo such as "ttll") is reported rather than silently ignored.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/types.h"
#include "tessera/registry/definitions.h"
#include "tessera/registry/loader.h"
#include "tessera/registry/yaml_tree.h"

namespace tessera::registry::internal {

// The file being read and where its errors go.
class FileContext {
 public:
  FileContext(std::string rel_path, std::vector<LoadError>* errors)
      : file_(std::move(rel_path)), errors_(errors) {}
  const std::string& file() const { return file_; }
  // Where `node` starts (line 0 for an absent node).
  SourceLocation Location(const YamlNode& node) const;
  void Error(const YamlNode& node, std::string message) const;
  void ErrorAt(const SourceLocation& location, std::string message) const;

 private:
  std::string file_;
  std::vector<LoadError>* errors_;
};

// One YAML mapping read key by key. `what` names the object in messages
// ("feature view 'user_spend'") and may be refined once the name is known.
// REQUIRES: node.IsMap().
class MapReader {
 public:
  MapReader(const YamlNode& node, std::string what, const FileContext* ctx);
  MapReader(const MapReader&) = delete;
  MapReader& operator=(const MapReader&) = delete;

  const std::string& what() const { return what_; }
  void set_what(std::string what) { what_ = std::move(what); }
  const FileContext& ctx() const { return *ctx_; }
  SourceLocation location() const { return ctx_->Location(node_); }

  // The value of `key` (marking the key as known), or a null node when it is
  // absent or written without a value. The node lives as long as the tree.
  const YamlNode& Get(std::string_view key);
  // As Get, but reports "missing required key" when absent or empty.
  const YamlNode& Require(std::string_view key);
  // Marks keys as known without reading them.
  void Allow(std::string_view key) { (void)Get(key); }

  // Scalar accessors: false (with an error reported) when the value is
  // malformed, or when a required key is missing; `out` is left unchanged
  // when the key is absent. Name also checks IsValidName.
  bool String(std::string_view key, bool required, std::string* out);
  bool Name(std::string_view key, std::string_view name_kind, std::string* out);
  bool Type(std::string_view key, DataType* out);
  bool Duration(std::string_view key, int64_t* out);
  bool Bool(std::string_view key, bool* out);
  bool Double(std::string_view key, std::optional<double>* out);
  // A list of strings; `lines` (optional) gets each item's location.
  bool StringList(std::string_view key, bool required, std::vector<std::string>* out,
                  std::vector<SourceLocation>* lines = nullptr);
  // description, owner and tags.
  void Doc(ObjectDoc* doc);

  // Reports every key that no accessor asked for.
  void ReportUnknownKeys() const;

 private:
  struct Entry {
    std::string key;
    const YamlNode* key_node;
    const YamlNode* value;
    bool known = false;
  };
  Entry* FindEntry(std::string_view key);
  bool ScalarText(std::string_view key, const YamlNode& value, std::string* out) const;

  const YamlNode& node_;
  std::string what_;
  const FileContext* ctx_;
  std::vector<Entry> entries_;  // in the file's order, for messages
  // key -> index in entries_: a mapping with many keys reads in linear time.
  std::map<std::string, size_t, std::less<>> index_;
};

// "feature view 'user_spend'", or "feature view" when the node has no
// scalar name: known before a MapReader exists so that even its first
// messages name the object.
std::string Describe(const YamlNode& node, std::string_view kind);

// "'name' of <what> must be a list" etc. when the node has the wrong shape.
bool ExpectSequence(const YamlNode& node, std::string_view key, const MapReader& parent);
bool ExpectMap(const YamlNode& node, std::string_view what, const FileContext& ctx);

}  // namespace tessera::registry::internal
