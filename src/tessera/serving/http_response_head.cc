#include "tessera/serving/http_response_head.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <cstring>
#include <sstream>

namespace tessera::serving {
namespace {

namespace http = boost::beast::http;

void AppendField(std::string_view name, std::string_view value, std::string* out) {
  out->append(name);
  out->append(": ");
  out->append(value);
  out->append("\r\n");
}

// True when an extra header repeats a name set before it (beast's set()
// would replace and move it): the fast writer does not model that.
bool HasRepeatedName(const HttpResponse& r) {
  constexpr const char* kOwn[] = {"Server", "Content-Type", "Content-Length", "Connection"};
  for (size_t i = 0; i < r.headers.size(); ++i) {
    const std::string& name = r.headers[i].first;
    for (const char* own : kOwn) {
      if (boost::beast::iequals(name, own)) return true;
    }
    for (size_t j = 0; j < i; ++j) {
      if (boost::beast::iequals(name, r.headers[j].first)) return true;
    }
  }
  return false;
}

// The head as beast writes the message HttpSession built before.
void AppendBeastHead(const HttpResponse& r, unsigned version, bool keep_alive, std::string* out) {
  http::response<http::string_body> message;
  message.version(version);
  message.result(static_cast<unsigned>(r.status));
  message.set(http::field::server, "tessera");
  message.set(http::field::content_type,
              boost::beast::string_view(r.content_type.data(), r.content_type.size()));
  for (const auto& [name, value] : r.headers) message.set(name, value);
  message.keep_alive(keep_alive);
  message.content_length(r.body.size());
  std::ostringstream head;
  head << message.base();
  out->append(head.str());
}

}  // namespace

void AppendResponseHead(const HttpResponse& r, unsigned version, bool keep_alive,
                        std::string* out) {
  // The usual answer (200, JSON, HTTP/1.1 keep-alive, no extra header) in
  // one append: its fixed part, then the length (the head the general path
  // below writes for it, piece by piece).
  if (r.status == 200 && version == 11 && keep_alive && r.headers.empty() &&
      r.content_type == "application/json") {
    constexpr std::string_view kFixed =
        "HTTP/1.1 200 OK\r\nServer: tessera\r\nContent-Type: application/json\r\n"
        "Content-Length: ";
    char head[kFixed.size() + 24];
    std::memcpy(head, kFixed.data(), kFixed.size());
    char* end = std::to_chars(head + kFixed.size(), head + sizeof(head) - 4, r.body.size()).ptr;
    std::memcpy(end, "\r\n\r\n", 4);
    out->append(head, static_cast<size_t>(end + 4 - head));
    return;
  }
  if (HasRepeatedName(r)) return AppendBeastHead(r, version, keep_alive, out);
  char digits[24];
  out->append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), r.status);
  out->append(digits, static_cast<size_t>(end - digits));
  out->push_back(' ');
  boost::beast::string_view reason = http::obsolete_reason(static_cast<http::status>(r.status));
  out->append(reason.data(), reason.size());
  out->append("\r\n");
  AppendField("Server", "tessera", out);
  AppendField("Content-Type", r.content_type, out);
  for (const auto& [name, value] : r.headers) AppendField(name, value, out);
  if (version == 10 && keep_alive) AppendField("Connection", "keep-alive", out);
  if (version != 10 && !keep_alive) AppendField("Connection", "close", out);
  auto [len_end, len_ec] = std::to_chars(digits, digits + sizeof(digits), r.body.size());
  AppendField("Content-Length", std::string_view(digits, static_cast<size_t>(len_end - digits)),
              out);
  out->append("\r\n");
}

}  // namespace tessera::serving
