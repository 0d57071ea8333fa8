// AppendResponseHead against Boost.Beast's own serializer of the message
// HttpSession used to build: every status the API answers, HTTP/1.0 and
// 1.1, with and without keep-alive, with extra headers, repeated names and
// bodies of several sizes must come out byte for byte the same.
#include "tessera/serving/http_response_head.h"

#include <gtest/gtest.h>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <sstream>

namespace tessera::serving {
namespace {

namespace http = boost::beast::http;

// The whole message as the server wrote it before (http_session.cc at
// 65ff46f): beast's response with these fields, keep_alive, prepare_payload.
std::string BeastMessage(const HttpResponse& r, unsigned version, bool keep_alive) {
  http::response<http::string_body> m;
  m.version(version);
  m.result(static_cast<unsigned>(r.status));
  m.set(http::field::server, "tessera");
  m.set(http::field::content_type, std::string(r.content_type));
  for (const auto& [name, value] : r.headers) m.set(name, value);
  m.body() = r.body;
  m.keep_alive(keep_alive);
  m.prepare_payload();
  std::ostringstream out;
  out << m;
  return out.str();
}

std::string OurMessage(const HttpResponse& r, unsigned version, bool keep_alive) {
  std::string out = "junk before";  // appends, does not replace
  AppendResponseHead(r, version, keep_alive, &out);
  return out.substr(11) + r.body;
}

TEST(HttpResponseHead, SameBytesAsBeast) {
  std::vector<HttpResponse> cases;
  for (int status : {200, 400, 404, 405, 409, 413, 431, 500, 501, 503}) {
    HttpResponse r;
    r.status = status;
    r.body = "{\"error\":\"x\"}";
    cases.push_back(r);
  }
  HttpResponse empty;
  empty.body.clear();
  cases.push_back(empty);
  HttpResponse big;
  big.body.assign(123457, 'a');
  cases.push_back(big);
  HttpResponse text;
  text.content_type = "text/plain; version=0.0.4; charset=utf-8";
  text.body = "# HELP x\n";
  cases.push_back(text);
  HttpResponse allow = ErrorResponse({405, "method", "GET is not allowed here; use POST"});
  allow.headers.emplace_back("Allow", "POST");
  cases.push_back(allow);
  HttpResponse two;
  two.headers = {{"Allow", "GET"}, {"X-Extra", "1"}};
  cases.push_back(two);
  // Repeated names: beast's set() replaces and moves them (the fallback).
  HttpResponse repeated;
  repeated.headers = {{"X-A", "1"}, {"x-a", "2"}, {"content-type", "text/html"}};
  cases.push_back(repeated);
  HttpResponse connection;
  connection.headers = {{"Connection", "upgrade"}};
  cases.push_back(connection);
  int checked = 0;
  for (const HttpResponse& r : cases) {
    for (unsigned version : {10u, 11u}) {
      for (bool keep_alive : {false, true}) {
        SCOPED_TRACE("status " + std::to_string(r.status) + " version " + std::to_string(version) +
                     " keep_alive " + std::to_string(keep_alive));
        EXPECT_EQ(OurMessage(r, version, keep_alive), BeastMessage(r, version, keep_alive));
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, static_cast<int>(cases.size()) * 4);
}

TEST(HttpResponseHead, ExactHeadOfAnOkResponse) {
  HttpResponse r;
  r.body = "{}";
  std::string head;
  AppendResponseHead(r, 11, true, &head);
  EXPECT_EQ(head,
            "HTTP/1.1 200 OK\r\nServer: tessera\r\nContent-Type: application/json\r\n"
            "Content-Length: 2\r\n\r\n");
  head.clear();
  AppendResponseHead(r, 11, false, &head);
  EXPECT_EQ(head,
            "HTTP/1.1 200 OK\r\nServer: tessera\r\nContent-Type: application/json\r\n"
            "Connection: close\r\nContent-Length: 2\r\n\r\n");
}

}  // namespace
}  // namespace tessera::serving
