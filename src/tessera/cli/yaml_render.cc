#include "tessera/cli/yaml_render.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <vector>

namespace tessera::cli {
namespace {

constexpr size_t kMaxFlowWidth = 96;

// YAML's plain scalars may not start with an indicator, hold ": " or " #",
// or (inside flow collections, which this output uses) hold ",[]{}".
bool NeedsQuotes(const std::string& s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ' || s.back() == ':') return true;
  if (s == "true" || s == "false" || s == "null" || s == "~") return true;
  if (std::string("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string::npos) return true;
  return s.find(": ") != std::string::npos || s.find(" #") != std::string::npos ||
         s.find_first_of(",[]{}") != std::string::npos;
}

std::string Scalar(const rapidjson::Value& v) {
  if (v.IsString()) {
    std::string s(v.GetString(), v.GetStringLength());
    if (!NeedsQuotes(s)) return s;
  }
  if (v.IsNull()) return "null";
  // Numbers, booleans and quoted strings: JSON's spelling is valid YAML.
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  v.Accept(w);
  return buffer.GetString();
}

std::string Flow(const rapidjson::Value& v) {
  if (v.IsArray()) {
    std::string out = "[";
    for (const auto& e : v.GetArray()) out += (out.size() > 1 ? ", " : "") + Flow(e);
    return out + "]";
  }
  if (v.IsObject()) {
    std::string out = "{";
    for (const auto& m : v.GetObject()) {
      out += (out.size() > 1 ? ", " : "") + std::string(m.name.GetString()) + ": " + Flow(m.value);
    }
    return out + "}";
  }
  return Scalar(v);
}

void Block(const rapidjson::Value& v, int indent, std::string* out);

// "<prefix><flow>" when it fits on a line, else "<prefix>" and a block.
void Entry(const std::string& prefix, const rapidjson::Value& v, int indent, std::string* out) {
  std::string flow = Flow(v);
  if (prefix.size() + flow.size() <= kMaxFlowWidth || !(v.IsArray() || v.IsObject())) {
    *out += prefix + " " + flow + "\n";
    return;
  }
  *out += prefix + "\n";
  Block(v, indent + 2, out);
}

void Block(const rapidjson::Value& v, int indent, std::string* out) {
  std::string pad(static_cast<size_t>(indent), ' ');
  if (v.IsObject()) {
    for (const auto& m : v.GetObject()) {
      Entry(pad + m.name.GetString() + ":", m.value, indent, out);
    }
  } else if (v.IsArray()) {
    for (const auto& e : v.GetArray()) Entry(pad + "-", e, indent, out);
  } else {
    *out += pad + Scalar(v) + "\n";
  }
}

bool IsEmpty(const rapidjson::Value& v) {
  return v.IsNull() || (v.IsString() && v.GetStringLength() == 0) ||
         (v.IsObject() && v.MemberCount() == 0) || (v.IsArray() && v.Empty());
}

// Removes, inside objects, members whose value is empty once pruned
// itself; arrays keep their elements. Iterative (post-order over an explicit
// stack), whatever the nesting.
void PruneEmpty(rapidjson::Value* root) {
  struct Frame {
    rapidjson::Value* value;
    bool children_done;
  };
  std::vector<Frame> stack{{root, false}};
  while (!stack.empty()) {
    Frame frame = stack.back();
    stack.pop_back();
    rapidjson::Value* v = frame.value;
    if (!frame.children_done) {
      stack.push_back({v, true});
      if (v->IsObject()) {
        for (auto& m : v->GetObject()) stack.push_back({&m.value, false});
      } else if (v->IsArray()) {
        for (auto& e : v->GetArray()) stack.push_back({&e, false});
      }
      continue;
    }
    if (!v->IsObject()) continue;
    for (auto m = v->MemberBegin(); m != v->MemberEnd();) {
      m = IsEmpty(m->value) ? v->EraseMember(m) : m + 1;
    }
  }
}

}  // namespace

std::string RenderJsonAsYaml(const std::string& json, int indent, bool omit_empty) {
  rapidjson::Document doc;
  if (doc.Parse(json.c_str()).HasParseError()) return json;
  if (omit_empty) PruneEmpty(&doc);
  std::string out;
  Block(doc, indent, &out);
  return out;
}

std::string DiffJsonObjects(const std::string& old_json, const std::string& new_json) {
  rapidjson::Document before, after;
  if (before.Parse(old_json.c_str()).HasParseError() || !before.IsObject()) return "";
  if (after.Parse(new_json.c_str()).HasParseError() || !after.IsObject()) return "";
  std::string out;
  auto add = [&](const std::string& key, const rapidjson::Value* a, const rapidjson::Value* b) {
    if (a != nullptr && b != nullptr && *a == *b) return;
    out += (out.empty() ? "" : "; ") + key + ": " + (a ? Flow(*a) : "(none)") + " -> " +
           (b ? Flow(*b) : "(none)");
  };
  for (const auto& m : before.GetObject()) {
    auto it = after.FindMember(m.name);
    add(m.name.GetString(), &m.value, it == after.MemberEnd() ? nullptr : &it->value);
  }
  for (const auto& m : after.GetObject()) {
    if (!before.HasMember(m.name)) add(m.name.GetString(), nullptr, &m.value);
  }
  return out;
}

}  // namespace tessera::cli
