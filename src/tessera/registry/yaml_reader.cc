#include "tessera/registry/yaml_reader.h"

#include <cstdlib>

#include "tessera/core/time.h"

namespace tessera::registry::internal {

namespace {

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

}  // namespace

SourceLocation FileContext::Location(const YAML::Mark& mark) const {
  return SourceLocation{file_, mark.is_null() ? 0 : mark.line + 1};
}

void FileContext::Error(const YAML::Mark& mark, std::string message) const {
  ErrorAt(Location(mark), std::move(message));
}

void FileContext::ErrorAt(const SourceLocation& location, std::string message) const {
  errors_->push_back(LoadError{location, std::move(message)});
}

MapReader::MapReader(const YAML::Node& node, std::string what, const FileContext* ctx)
    : node_(node), what_(std::move(what)), ctx_(ctx) {
  for (auto it = node.begin(); it != node.end(); ++it) {
    // Keys that are not plain strings ({[a]: 1}) can never be known keys;
    // they are reported as unknown under their YAML spelling.
    std::string key = it->first.IsScalar() ? it->first.Scalar() : "<complex key>";
    if (FindEntry(key) != nullptr) {
      ctx_->Error(it->first.Mark(), "duplicate key " + Quoted(key) + " in " + what_);
      continue;
    }
    entries_.push_back(Entry{key, it->first.Mark(), it->second});
  }
}

MapReader::Entry* MapReader::FindEntry(std::string_view key) {
  for (Entry& e : entries_) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

YAML::Node MapReader::Get(std::string_view key) {
  Entry* e = FindEntry(key);
  if (e == nullptr) return YAML::Node(YAML::NodeType::Null);
  e->known = true;
  return e->value;
}

YAML::Node MapReader::Require(std::string_view key) {
  YAML::Node value = Get(key);
  if (value.IsNull()) {
    ctx_->Error(node_.Mark(), "missing required key " + Quoted(key) + " in " + what_);
  }
  return value;
}

bool MapReader::ScalarText(std::string_view key, const YAML::Node& value, std::string* out) const {
  if (!value.IsScalar()) {
    ctx_->Error(value.Mark(),
                Quoted(key) + " in " + what_ + " must be a single value, not a list or mapping");
    return false;
  }
  *out = value.Scalar();
  return true;
}

bool MapReader::String(std::string_view key, bool required, std::string* out) {
  YAML::Node value = required ? Require(key) : Get(key);
  if (value.IsNull()) return !required;
  return ScalarText(key, value, out);
}

bool MapReader::Name(std::string_view key, std::string_view name_kind, std::string* out) {
  YAML::Node value = Require(key);
  std::string text;
  if (value.IsNull() || !ScalarText(key, value, &text)) return false;
  *out = text;
  if (IsValidName(text)) return true;
  ctx_->Error(value.Mark(), "invalid " + std::string(name_kind) + " name " + Quoted(text) +
                                " (use letters, digits and '_', not starting with a digit, "
                                "at most 128 characters)");
  return false;
}

bool MapReader::Type(std::string_view key, DataType* out) {
  YAML::Node value = Require(key);
  std::string text;
  if (value.IsNull() || !ScalarText(key, value, &text)) return false;
  Result<DataType> type = DataType::Parse(text);
  if (!type.ok()) {
    ctx_->Error(value.Mark(), what_ + ": " + type.status().message());
    return false;
  }
  *out = *type;
  return true;
}

bool MapReader::Duration(std::string_view key, int64_t* out) {
  YAML::Node value = Get(key);
  std::string text;
  if (value.IsNull()) return true;
  if (!ScalarText(key, value, &text)) return false;
  Result<int64_t> micros = ParseDuration(text);
  if (!micros.ok()) {
    ctx_->Error(value.Mark(), what_ + ": " + std::string(key) + ": " + micros.status().message());
    return false;
  }
  *out = *micros;
  return true;
}

bool MapReader::Bool(std::string_view key, bool* out) {
  YAML::Node value = Get(key);
  std::string text;
  if (value.IsNull()) return true;
  if (!ScalarText(key, value, &text)) return false;
  // YAML 1.2 core schema spellings only: "yes"/"on" are strings there.
  if (text == "true" || text == "True" || text == "TRUE") {
    *out = true;
  } else if (text == "false" || text == "False" || text == "FALSE") {
    *out = false;
  } else {
    ctx_->Error(value.Mark(),
                what_ + ": " + std::string(key) + ": expected true or false, got " + Quoted(text));
    return false;
  }
  return true;
}

bool MapReader::Double(std::string_view key, std::optional<double>* out) {
  YAML::Node value = Get(key);
  std::string text;
  if (value.IsNull()) return true;
  if (!ScalarText(key, value, &text)) return false;
  char* end = nullptr;
  double d = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) {
    ctx_->Error(value.Mark(),
                what_ + ": " + std::string(key) + ": expected a number, got " + Quoted(text));
    return false;
  }
  *out = d;
  return true;
}

bool MapReader::StringList(std::string_view key, bool required, std::vector<std::string>* out,
                           std::vector<SourceLocation>* lines) {
  YAML::Node value = required ? Require(key) : Get(key);
  if (value.IsNull()) return !required;
  if (!ExpectSequence(value, key, *this)) return false;
  bool ok = true;
  for (const YAML::Node& item : value) {
    if (!item.IsScalar()) {
      ctx_->Error(item.Mark(), "items of " + Quoted(key) + " in " + what_ + " must be strings");
      ok = false;
      continue;
    }
    out->push_back(item.Scalar());
    if (lines != nullptr) lines->push_back(ctx_->Location(item.Mark()));
  }
  if (required && out->empty()) {
    ctx_->Error(value.Mark(), what_ + ": " + Quoted(key) + " is empty");
    return false;
  }
  return ok;
}

void MapReader::Doc(ObjectDoc* doc) {
  String("description", false, &doc->description);
  String("owner", false, &doc->owner);
  YAML::Node tags = Get("tags");
  if (tags.IsNull()) return;
  if (!tags.IsMap()) {
    ctx_->Error(tags.Mark(), "'tags' in " + what_ + " must be a mapping of names to values");
    return;
  }
  for (auto it = tags.begin(); it != tags.end(); ++it) {
    if (!it->first.IsScalar() || !it->second.IsScalar()) {
      ctx_->Error(it->first.Mark(), "'tags' in " + what_ + " must map names to single values");
      continue;
    }
    doc->tags[it->first.Scalar()] = it->second.Scalar();
  }
}

void MapReader::ReportUnknownKeys() const {
  for (const Entry& e : entries_) {
    if (!e.known) ctx_->Error(e.key_mark, "unknown key " + Quoted(e.key) + " in " + what_);
  }
}

std::string Describe(const YAML::Node& node, std::string_view kind) {
  YAML::Node name = node.IsMap() ? node["name"] : YAML::Node();
  if (name.IsScalar()) return std::string(kind) + " " + Quoted(name.Scalar());
  return std::string(kind);
}

bool ExpectSequence(const YAML::Node& node, std::string_view key, const MapReader& parent) {
  if (node.IsSequence()) return true;
  parent.ctx().Error(node.Mark(), Quoted(key) + " in " + parent.what() + " must be a list");
  return false;
}

bool ExpectMap(const YAML::Node& node, std::string_view what, const FileContext& ctx) {
  if (node.IsMap()) return true;
  ctx.Error(node.Mark(), std::string(what) + " must be a mapping of keys to values");
  return false;
}

}  // namespace tessera::registry::internal
