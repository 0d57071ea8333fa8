// A blocking HTTP/1.1 client for the serving tests (Boost.Beast, error codes,
// no exceptions): one keep-alive connection, requests written whole or as
// raw bytes, responses read with a timeout. Each step is an asynchronous
// operation run to completion on the client's own io_context, since only
// those honour the stream's timeout.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>
#include <string>

namespace tessera::serving::testing {

struct ClientResponse {
  int status = 0;  // 0: no response (the error says why)
  std::string body;
  bool keep_alive = false;
  unsigned version = 0;  // 10 for HTTP/1.0, 11 for HTTP/1.1
  std::string content_type;
  std::string error;  // empty when a response was read
};

class HttpTestClient {
 public:
  explicit HttpTestClient(int port, std::chrono::milliseconds timeout = std::chrono::seconds(10))
      : stream_(ioc_), port_(port), timeout_(timeout) {}

  // Connects; false (and error()) when refused.
  bool Connect() {
    boost::beast::error_code ec;
    stream_.expires_after(timeout_);
    stream_.async_connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"),
                                                         static_cast<unsigned short>(port_)),
                          [&](boost::beast::error_code e) { ec = e; });
    RunIo();
    error_ = ec ? ec.message() : "";
    return !ec;
  }

  ClientResponse Request(const std::string& method, const std::string& target,
                         const std::string& body = "", bool keep_alive = true) {
    boost::beast::http::request<boost::beast::http::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(boost::beast::http::field::host, "127.0.0.1");
    if (!body.empty()) req.set(boost::beast::http::field::content_type, "application/json");
    req.body() = body;
    req.keep_alive(keep_alive);
    req.prepare_payload();
    boost::beast::error_code ec;
    stream_.expires_after(timeout_);
    boost::beast::http::async_write(stream_, req,
                                    [&](boost::beast::error_code e, size_t) { ec = e; });
    RunIo();
    if (ec) return Failed(ec);
    return Read();
  }

  // Sends raw bytes (a malformed or partial request).
  bool Send(const std::string& bytes) {
    boost::beast::error_code ec;
    stream_.expires_after(timeout_);
    boost::asio::async_write(stream_, boost::asio::buffer(bytes),
                             [&](boost::beast::error_code e, size_t) { ec = e; });
    RunIo();
    error_ = ec ? ec.message() : "";
    return !ec;
  }

  ClientResponse Read() {
    boost::beast::http::response_parser<boost::beast::http::string_body> parser;
    parser.body_limit(1ull << 30);
    boost::beast::error_code ec;
    stream_.expires_after(timeout_);
    boost::beast::http::async_read(stream_, buffer_, parser,
                                   [&](boost::beast::error_code e, size_t) { ec = e; });
    RunIo();
    if (ec) return Failed(ec);
    auto& res = parser.get();
    ClientResponse out;
    out.status = static_cast<int>(res.result_int());
    out.body = res.body();
    out.keep_alive = res.keep_alive();
    out.version = res.version();
    out.content_type = std::string(res[boost::beast::http::field::content_type]);
    return out;
  }

  // True when the server has closed the connection (a read sees EOF).
  bool ServerClosed() {
    char byte;
    boost::beast::error_code ec;
    stream_.expires_after(timeout_);
    stream_.async_read_some(boost::asio::buffer(&byte, 1),
                            [&](boost::beast::error_code e, size_t) { ec = e; });
    RunIo();
    return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
  }

  const std::string& error() const { return error_; }

 private:
  void RunIo() {
    ioc_.restart();
    ioc_.run();
  }
  ClientResponse Failed(const boost::beast::error_code& ec) {
    ClientResponse r;
    r.error = ec.message();
    return r;
  }

  boost::asio::io_context ioc_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  int port_;
  std::chrono::milliseconds timeout_;
  std::string error_;
};

}  // namespace tessera::serving::testing
