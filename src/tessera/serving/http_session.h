// HttpSession: one accepted connection of HttpServer (internal to the
// server; http_server.h states the behaviour). It reads a request's header,
// answers `Expect: 100-continue`, reads the body under the limit, calls the
// handler, writes the response and, with keep-alive, starts over.
//
// Every step runs on the connection's strand (the socket's executor), so a
// session's state needs no lock. The session keeps itself alive through
// the shared_ptr its pending operation holds; when none is pending it is
// destroyed and tells its owner to forget it.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "tessera/serving/http_message.h"
#include "tessera/serving/http_server.h"

namespace tessera::serving {

class HttpSession;

// The server as its sessions see it.
class SessionOwner {
 public:
  virtual ~SessionOwner() = default;
  virtual const HttpServerOptions& Options() const = 0;
  virtual HttpHandler* Handler() const = 0;
  virtual bool Stopping() const = 0;
  virtual void Forget(HttpSession* session) = 0;  // from the destructor
  // Runs `job` on the server's thread for long requests (one at a time, in
  // order); the server keeps running until it has run.
  virtual void RunLong(std::function<void()> job) = 0;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, SessionOwner* owner);
  ~HttpSession();

  void Start();
  // Closes the connection when it waits for a request of which nothing has
  // arrived; otherwise the request in progress finishes (and its response
  // closes the connection, since the owner is stopping).
  void StopIfIdle();

 private:
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  void ReadHeader();
  void OnHeader(boost::beast::error_code ec);
  void ReadBody();
  void OnBody(boost::beast::error_code ec);
  void OnReadError(boost::beast::error_code ec);
  void Handle();
  // The handler's answer, with a 500 for anything it throws.
  static HttpResponse Answer(HttpHandler* handler, HttpRequest& request);
  // Writes the head (http_response_head.h) and the body as one gather write
  // from the session's own buffers.
  void Write(HttpResponse r, bool keep_alive);
  void OnWrite(boost::beast::error_code ec);
  // Answers `status` itself and closes, draining what the client still
  // sends for a moment so that it reads the answer instead of a reset.
  void Refuse(int status, std::string field, std::string reason);
  void Drain();
  void Close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  SessionOwner* owner_;
  std::optional<Parser> parser_;
  // The response being written: its head and its body. Between requests
  // they keep their capacity: the head is rebuilt in place, the body goes
  // to the handler as HttpRequest::spare, and the request body's string
  // goes back to the next parser, so a keep-alive connection allocates
  // none of the three per request.
  std::string head_;
  std::string body_;
  std::string request_body_;
  bool waiting_ = false;  // a header read is pending
  bool closing_ = false;  // the response just written ends the connection
  bool draining_ = false;
};

}  // namespace tessera::serving
