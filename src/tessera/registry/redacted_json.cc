#include "tessera/registry/redacted_json.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "tessera/core/masked_url.h"

namespace tessera::registry {

namespace {

// Masks the "url" members under `v`; true when one changed.
bool Redact(rapidjson::Value* v, rapidjson::Document::AllocatorType& alloc) {
  bool changed = false;
  if (v->IsArray()) {
    for (rapidjson::Value& item : v->GetArray()) changed |= Redact(&item, alloc);
  } else if (v->IsObject()) {
    for (auto& m : v->GetObject()) {
      if (m.value.IsString() &&
          std::string_view(m.name.GetString(), m.name.GetStringLength()) == "url") {
        const std::string_view url(m.value.GetString(), m.value.GetStringLength());
        const std::string masked = MaskUrlCredentials(url);
        if (masked != url) {
          m.value.SetString(masked.data(), static_cast<rapidjson::SizeType>(masked.size()), alloc);
          changed = true;
        }
      } else {
        changed |= Redact(&m.value, alloc);
      }
    }
  }
  return changed;
}

}  // namespace

std::string RedactUrlCredentials(const std::string& json) {
  if (json.find("\"url\"") == std::string::npos) return json;  // the common case, no parse
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !Redact(&doc, doc.GetAllocator())) return json;
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  doc.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace tessera::registry
