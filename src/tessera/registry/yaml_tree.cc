// libyaml's event stream -> YamlNode trees, without recursion: open
// collections live on an explicit stack bounded by kMaxYamlDepth.
#include "tessera/registry/yaml_tree.h"

#include <yaml.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "tessera/core/utf8.h"

namespace tessera::registry::internal {

namespace {

// A code point: "0x01" in the ASCII range, "U+0085" above it.
std::string Hex(unsigned value) {
  char buf[16];
  if (value < 0x80) {
    std::snprintf(buf, sizeof(buf), "0x%02X", value);
  } else {
    std::snprintf(buf, sizeof(buf), "U+%04X", value);
  }
  return buf;
}

// The code point of the first control character of `s` other than tab,
// line feed and carriage return (C0, DEL and C1), or -1. `s` is valid UTF-8
// (libyaml decoded it).
long FirstControlCharacter(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return c;
    if (c == 0xC2 && i + 1 < s.size()) {  // U+0080..U+009F are C2 80..C2 9F
      auto next = static_cast<unsigned char>(s[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return next;
    }
  }
  return -1;
}

bool IsNullSpelling(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

YamlError ErrorAt(const yaml_mark_t& mark, std::string message) {
  return YamlError{static_cast<int>(mark.line) + 1, static_cast<int>(mark.column) + 1,
                   std::move(message)};
}

}  // namespace

const YamlNode& YamlNode::Absent() {
  static const YamlNode absent;
  return absent;
}

const std::vector<YamlNode>& YamlNode::NoChildren() {
  static const std::vector<YamlNode> none;
  return none;
}

const YamlNode& YamlNode::Find(std::string_view k) const {
  for (size_t i = 0; i < size() && IsMap(); ++i) {
    if (key(i).IsScalar() && key(i).Scalar() == k) return value(i);
  }
  return Absent();
}

// Turns one event at a time into nodes. The stack holds the open
// collections, innermost last; only the innermost one is ever appended to,
// so the pointers into its parents' children stay valid.
class YamlTreeBuilder {
 public:
  explicit YamlTreeBuilder(std::vector<YamlNode>* documents) : documents_(documents) {}

  // False (with `error` set) when the event is not acceptable.
  bool Add(const yaml_event_t& event, YamlError* error) {
    switch (event.type) {
      case YAML_DOCUMENT_START_EVENT:
        documents_->emplace_back(YamlNode::Kind::kNull,
                                 static_cast<int>(event.start_mark.line) + 1);
        return true;
      case YAML_SCALAR_EVENT: return AddScalar(event, error);
      case YAML_SEQUENCE_START_EVENT:
        return Open(event, YamlNode::Kind::kSequence, event.data.sequence_start.tag, error);
      case YAML_MAPPING_START_EVENT:
        return Open(event, YamlNode::Kind::kMap, event.data.mapping_start.tag, error);
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        if (!open_.empty()) open_.pop_back();
        return true;
      case YAML_ALIAS_EVENT:
        *error = ErrorAt(event.start_mark,
                         "aliases (*name) are not supported in definition files; write the "
                         "value out");
        return false;
      default:  // stream start and end, document end
        return true;
    }
  }

 private:
  static bool NoTag(const yaml_event_t& event, const yaml_char_t* tag, YamlError* error) {
    if (tag == nullptr) return true;
    *error =
        ErrorAt(event.start_mark, "tags (such as !!str) are not supported in definition files");
    return false;
  }

  bool AddScalar(const yaml_event_t& event, YamlError* error) {
    const auto& s = event.data.scalar;
    if (!NoTag(event, s.tag, error)) return false;
    std::string_view text(reinterpret_cast<const char*>(s.value), s.length);
    if (long c = FirstControlCharacter(text); c >= 0) {
      *error = ErrorAt(event.start_mark, "control character " + Hex(static_cast<unsigned>(c)) +
                                             " in a string (written as an escape)");
      return false;
    }
    bool is_null = s.style == YAML_PLAIN_SCALAR_STYLE && IsNullSpelling(text);
    YamlNode* node = Place(is_null ? YamlNode::Kind::kNull : YamlNode::Kind::kScalar, event);
    if (!is_null) node->scalar_.assign(text);
    return true;
  }

  bool Open(const yaml_event_t& event, YamlNode::Kind kind, const yaml_char_t* tag,
            YamlError* error) {
    if (!NoTag(event, tag, error)) return false;
    if (open_.size() >= static_cast<size_t>(kMaxYamlDepth)) {
      *error = ErrorAt(event.start_mark,
                       "nesting deeper than " + std::to_string(kMaxYamlDepth) + " levels");
      return false;
    }
    open_.push_back(Place(kind, event));
    return true;
  }

  // Appends a new node to the innermost open collection, or makes it the
  // root of the current document.
  YamlNode* Place(YamlNode::Kind kind, const yaml_event_t& event) {
    YamlNode node(kind, static_cast<int>(event.start_mark.line) + 1);
    if (open_.empty()) {
      documents_->back() = std::move(node);
      return &documents_->back();
    }
    std::vector<YamlNode>& children = open_.back()->children_;
    children.push_back(std::move(node));
    return &children.back();
  }

  std::vector<YamlNode>* documents_;
  std::vector<YamlNode*> open_;
};

namespace {

// Line and column (1-based, in characters) of byte `offset` of `text`.
YamlError ErrorAtOffset(std::string_view text, size_t offset, std::string message) {
  offset = std::min(offset, text.size());
  YamlError e{1, 1, std::move(message)};
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++e.line;
      e.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++e.column;
    }
  }
  return e;
}

// Bytes libyaml refused before tokenizing: control characters and bad
// UTF-8. The message names the byte in hex, never raw.
YamlError ReaderError(const yaml_parser_t& p, std::string_view text) {
  std::string problem = p.problem != nullptr ? p.problem : "unreadable text";
  size_t offset = p.problem_offset;
  std::string message;
  if (problem == "control characters are not allowed") {
    message = "control character " + Hex(static_cast<unsigned>(p.problem_value));
  } else if (problem == "invalid Unicode character") {
    message = "invalid Unicode character " + Hex(static_cast<unsigned>(p.problem_value));
  } else if (problem.find("UTF-8") != std::string::npos && offset < text.size()) {
    // Name the first byte of the bad sequence: a bad trailing octet is
    // reported at its own offset, after the lead byte.
    if (problem == "invalid trailing UTF-8 octet") {
      while (offset > 0 && (static_cast<unsigned char>(text[offset - 1]) & 0xC0) == 0x80) --offset;
      if (offset > 0) --offset;
    }
    message = "byte " + ByteHex(static_cast<unsigned char>(text[offset])) + " is not valid UTF-8";
  } else if (problem.find("UTF-8") != std::string::npos) {
    message = "the text ends inside a UTF-8 sequence (not valid UTF-8)";
  } else {
    message = problem;
  }
  return ErrorAtOffset(text, offset, "invalid YAML: " + message);
}

// The character at a 0-based line and column of `text`, quoted, when it is
// printable ASCII ("','"); empty otherwise.
std::string CharAt(std::string_view text, const yaml_mark_t& mark) {
  size_t line = 0, column = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (line == mark.line && column == mark.column) {
      char c = text[i];
      if (c > 0x20 && c < 0x7F) return std::string("'") + c + "'";
      return "";
    }
    if (text[i] == '\n') {
      if (line == mark.line) return "";
      ++line;
      column = 0;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return "";
}

YamlError SyntaxError(const yaml_parser_t& p, std::string_view text) {
  std::string problem = p.problem != nullptr ? p.problem : "syntax error";
  std::string context = p.context != nullptr ? p.context : "";
  // A quote never closed: point at where it opened, not at the end.
  if (context == "while scanning a quoted scalar" &&
      (problem == "found unexpected end of stream" ||
       problem == "found unexpected document indicator")) {
    return ErrorAt(p.context_mark, "invalid YAML: unterminated quoted string (no closing quote)");
  }
  std::string message = "invalid YAML: " + problem;
  if (problem.starts_with("did not find expected")) {
    if (std::string found = CharAt(text, p.problem_mark); !found.empty()) {
      message += ", found " + found;
    }
  }
  if (!context.empty()) {
    message += " (" + context + " started at line " + std::to_string(p.context_mark.line + 1) + ")";
  }
  return ErrorAt(p.problem_mark, std::move(message));
}

YamlError ParserError(const yaml_parser_t& p, std::string_view text) {
  switch (p.error) {
    case YAML_READER_ERROR: return ReaderError(p, text);
    case YAML_SCANNER_ERROR:
    case YAML_PARSER_ERROR: return SyntaxError(p, text);
    default: return YamlError{0, 0, "invalid YAML: out of memory"};
  }
}

// Owns a libyaml parser for one parse.
class Parser {
 public:
  Parser() { ok_ = yaml_parser_initialize(&parser_) != 0; }
  ~Parser() {
    if (ok_) yaml_parser_delete(&parser_);
  }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
  bool ok() const { return ok_; }
  yaml_parser_t* get() { return &parser_; }

 private:
  yaml_parser_t parser_;
  bool ok_ = false;
};

}  // namespace

bool ParseYaml(std::string_view text, std::vector<YamlNode>* documents, YamlError* error) {
  Parser parser;
  if (!parser.ok()) {
    *error = YamlError{0, 0, "invalid YAML: out of memory"};
    return false;
  }
  yaml_parser_set_input_string(parser.get(), reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  YamlTreeBuilder builder(documents);
  for (bool done = false; !done;) {
    yaml_event_t event;
    if (yaml_parser_parse(parser.get(), &event) == 0) {
      *error = ParserError(*parser.get(), text);
      return false;
    }
    done = event.type == YAML_STREAM_END_EVENT;
    bool ok = builder.Add(event, error);
    yaml_event_delete(&event);
    if (!ok) return false;
  }
  return true;
}

}  // namespace tessera::registry::internal
