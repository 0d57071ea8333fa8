#include "tessera/serving/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace tessera::serving {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

// Runs the operations started on `ioc` to completion.
void RunIo(net::io_context* ioc) {
  ioc->restart();
  ioc->run();
}

// A limit for the stream's next operations; none when zero.
void Expire(beast::tcp_stream* stream, std::chrono::milliseconds timeout) {
  if (timeout.count() > 0) {
    stream->expires_after(timeout);
  } else {
    stream->expires_never();
  }
}

std::string UrlOf(const std::string& host, int port) {
  bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

Result<HttpClientResponse> HttpPost(const std::string& host, int port, const std::string& target,
                                    const std::string& body, const HttpClientOptions& options) {
  const std::string url = UrlOf(host, port);
  net::io_context ioc;
  beast::error_code ec;
  tcp::resolver resolver(ioc);
  auto endpoints = resolver.resolve(host, std::to_string(port), tcp::resolver::numeric_service, ec);
  if (ec) return Status::Unavailable("cannot connect to " + url + ": " + ec.message());

  beast::tcp_stream stream(ioc);
  stream.expires_after(options.connect_timeout);
  stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
  RunIo(&ioc);
  if (ec) return Status::Unavailable("cannot connect to " + url + ": " + ec.message());

  http::request<http::string_body> request{http::verb::post, target, 11};
  request.set(http::field::host, url.substr(7));
  request.set(http::field::content_type, "application/json");
  request.set(http::field::user_agent, "tessera-cli");
  request.keep_alive(false);
  request.body() = body;
  request.prepare_payload();
  Expire(&stream, options.response_timeout);
  http::async_write(stream, request, [&](beast::error_code e, size_t) { ec = e; });
  RunIo(&ioc);

  // A server that refuses the request early (413) answers and closes while
  // the body is still being sent: read its answer even after a failed write.
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(options.response_limit);
  beast::error_code read_ec;
  http::async_read(stream, buffer, parser, [&](beast::error_code e, size_t) { read_ec = e; });
  RunIo(&ioc);
  if (read_ec) {
    beast::error_code why = ec ? ec : read_ec;
    return Status::IOError(url + target + ": no answer from the server: " + why.message());
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);

  HttpClientResponse out;
  auto& response = parser.get();
  out.status = static_cast<int>(response.result_int());
  out.content_type = std::string(response[http::field::content_type]);
  out.body = std::move(response.body());
  return out;
}

}  // namespace tessera::serving
