#include "tessera/registry/yaml_reader.h"

#include <charconv>
#include <cmath>

#include "tessera/core/time.h"

namespace tessera::registry::internal {

namespace {

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

}  // namespace

SourceLocation FileContext::Location(const YamlNode& node) const {
  return SourceLocation{file_, node.line()};
}

void FileContext::Error(const YamlNode& node, std::string message) const {
  ErrorAt(Location(node), std::move(message));
}

void FileContext::ErrorAt(const SourceLocation& location, std::string message) const {
  errors_->push_back(LoadError{location, std::move(message)});
}

MapReader::MapReader(const YamlNode& node, std::string what, const FileContext* ctx)
    : node_(node), what_(std::move(what)), ctx_(ctx) {
  for (size_t i = 0; i < node.size(); ++i) {
    // Keys that are not plain strings ({[a]: 1}) can never be known keys;
    // they are reported as unknown under their YAML spelling.
    std::string key = node.key(i).IsScalar() ? node.key(i).Scalar() : "<complex key>";
    if (FindEntry(key) != nullptr) {
      ctx_->Error(node.key(i), "duplicate key " + Quoted(key) + " in " + what_);
      continue;
    }
    index_.emplace(key, entries_.size());
    entries_.push_back(Entry{key, &node.key(i), &node.value(i)});
  }
}

MapReader::Entry* MapReader::FindEntry(std::string_view key) {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &entries_[it->second];
}

const YamlNode& MapReader::Get(std::string_view key) {
  Entry* e = FindEntry(key);
  if (e == nullptr) return YamlNode::Absent();
  e->known = true;
  return *e->value;
}

const YamlNode& MapReader::Require(std::string_view key) {
  const YamlNode& value = Get(key);
  if (value.IsNull()) {
    ctx_->Error(node_, "missing required key " + Quoted(key) + " in " + what_);
  }
  return value;
}

bool MapReader::ScalarText(std::string_view key, const YamlNode& value, std::string* out) const {
  if (!value.IsScalar()) {
    ctx_->Error(value,
                Quoted(key) + " in " + what_ + " must be a single value, not a list or mapping");
    return false;
  }
  *out = value.Scalar();
  return true;
}

bool MapReader::String(std::string_view key, bool required, std::string* out) {
  const YamlNode& value = required ? Require(key) : Get(key);
  if (value.IsNull()) return !required;
  return ScalarText(key, value, out);
}

bool MapReader::Name(std::string_view key, std::string_view name_kind, std::string* out) {
  const YamlNode& value = Require(key);
  std::string text;
  if (value.IsNull() || !ScalarText(key, value, &text)) return false;
  *out = text;
  if (IsValidName(text)) return true;
  ctx_->Error(value, "invalid " + std::string(name_kind) + " name " + Quoted(text) +
                         " (use letters, digits and '_', not starting with a digit, "
                         "at most 128 characters)");
  return false;
}

bool MapReader::Type(std::string_view key, DataType* out) {
  const YamlNode& value = Require(key);
  std::string text;
  if (value.IsNull() || !ScalarText(key, value, &text)) return false;
  Result<DataType> type = DataType::Parse(text);
  if (!type.ok()) {
    ctx_->Error(value, what_ + ": " + type.status().message());
    return false;
  }
  *out = *type;
  return true;
}

bool MapReader::Duration(std::string_view key, int64_t* out) {
  const YamlNode& value = Get(key);
  std::string text;
  if (value.IsNull()) return true;
  if (!ScalarText(key, value, &text)) return false;
  Result<int64_t> micros = ParseDuration(text);
  if (!micros.ok()) {
    ctx_->Error(value, what_ + ": " + std::string(key) + ": " + micros.status().message());
    return false;
  }
  *out = *micros;
  return true;
}

bool MapReader::Bool(std::string_view key, bool* out) {
  const YamlNode& value = Get(key);
  std::string text;
  if (value.IsNull()) return true;
  if (!ScalarText(key, value, &text)) return false;
  // YAML 1.2 core schema spellings only: "yes"/"on" are strings there.
  if (text == "true" || text == "True" || text == "TRUE") {
    *out = true;
  } else if (text == "false" || text == "False" || text == "FALSE") {
    *out = false;
  } else {
    ctx_->Error(value,
                what_ + ": " + std::string(key) + ": expected true or false, got " + Quoted(text));
    return false;
  }
  return true;
}

bool MapReader::Double(std::string_view key, std::optional<double>* out) {
  const YamlNode& value = Get(key);
  std::string text;
  if (value.IsNull()) return true;
  if (!ScalarText(key, value, &text)) return false;
  // Decimal notation only: no hex, no inf or nan, which JSON cannot hold.
  std::string_view digits = text;
  if (digits.starts_with('+')) digits.remove_prefix(1);
  bool decimal = !digits.empty() && digits.find_first_not_of("0123456789.eE+-") == digits.npos;
  double d = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), d);
  if (!decimal || end != digits.data() + digits.size() ||
      (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    ctx_->Error(value,
                what_ + ": " + std::string(key) + ": expected a number, got " + Quoted(text));
    return false;
  }
  if (ec == std::errc::result_out_of_range || !std::isfinite(d)) {
    ctx_->Error(value, what_ + ": " + std::string(key) + ": number " + Quoted(text) +
                           " is out of range (a double holds magnitudes from about 2.2e-308 to "
                           "1.8e308)");
    return false;
  }
  *out = d;
  return true;
}

bool MapReader::StringList(std::string_view key, bool required, std::vector<std::string>* out,
                           std::vector<SourceLocation>* lines) {
  const YamlNode& value = required ? Require(key) : Get(key);
  if (value.IsNull()) return !required;
  if (!ExpectSequence(value, key, *this)) return false;
  bool ok = true;
  for (const YamlNode& item : value.items()) {
    if (!item.IsScalar()) {
      ctx_->Error(item, "items of " + Quoted(key) + " in " + what_ + " must be strings");
      ok = false;
      continue;
    }
    out->push_back(item.Scalar());
    if (lines != nullptr) lines->push_back(ctx_->Location(item));
  }
  if (required && out->empty()) {
    ctx_->Error(value, what_ + ": " + Quoted(key) + " is empty");
    return false;
  }
  return ok;
}

void MapReader::Doc(ObjectDoc* doc) {
  String("description", false, &doc->description);
  String("owner", false, &doc->owner);
  const YamlNode& tags = Get("tags");
  if (tags.IsNull()) return;
  if (!tags.IsMap()) {
    ctx_->Error(tags, "'tags' in " + what_ + " must be a mapping of names to values");
    return;
  }
  for (size_t i = 0; i < tags.size(); ++i) {
    if (!tags.key(i).IsScalar() || !tags.value(i).IsScalar()) {
      ctx_->Error(tags.key(i), "'tags' in " + what_ + " must map names to single values");
      continue;
    }
    doc->tags[tags.key(i).Scalar()] = tags.value(i).Scalar();
  }
}

void MapReader::ReportUnknownKeys() const {
  for (const Entry& e : entries_) {
    if (!e.known) ctx_->Error(*e.key_node, "unknown key " + Quoted(e.key) + " in " + what_);
  }
}

std::string Describe(const YamlNode& node, std::string_view kind) {
  const YamlNode& name = node.Find("name");
  if (name.IsScalar()) return std::string(kind) + " " + Quoted(name.Scalar());
  return std::string(kind);
}

bool ExpectSequence(const YamlNode& node, std::string_view key, const MapReader& parent) {
  if (node.IsSequence()) return true;
  parent.ctx().Error(node, Quoted(key) + " in " + parent.what() + " must be a list");
  return false;
}

bool ExpectMap(const YamlNode& node, std::string_view what, const FileContext& ctx) {
  if (node.IsMap()) return true;
  ctx.Error(node, std::string(what) + " must be a mapping of keys to values");
  return false;
}

}  // namespace tessera::registry::internal
