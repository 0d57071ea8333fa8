#include "tessera/serving/http_session.h"

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <chrono>
#include <exception>

#include "tessera/serving/http_response_head.h"

namespace tessera::serving {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr size_t kHeaderLimit = 64 * 1024;
constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr auto kDrainTime = std::chrono::seconds(2);
// Buffers kept between requests are dropped above this capacity, so an idle
// connection that once answered a large batch does not hold its memory.
constexpr size_t kMaxKeptCapacity = 1 << 20;

// Empties `s`, keeping its capacity unless that is over kMaxKeptCapacity.
void Recycle(std::string* s) {
  if (s->capacity() > kMaxKeptCapacity) {
    std::string().swap(*s);
  } else {
    s->clear();
  }
}

bool ExpectsContinue(const http::request<http::string_body>& req) {
  auto it = req.find(http::field::expect);
  return it != req.end() && beast::iequals(it->value(), "100-continue");
}

}  // namespace

HttpSession::HttpSession(tcp::socket&& socket, SessionOwner* owner)
    : stream_(std::move(socket)), owner_(owner) {}

HttpSession::~HttpSession() { owner_->Forget(this); }

void HttpSession::Start() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
}

void HttpSession::StopIfIdle() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    bool nothing_received =
        self->buffer_.size() == 0 && (!self->parser_ || !self->parser_->got_some());
    if (self->waiting_ && nothing_received) self->stream_.cancel();
  });
}

void HttpSession::ReadHeader() {
  if (owner_->Stopping() && buffer_.size() == 0) return Close();
  parser_.emplace();
  Recycle(&request_body_);
  parser_->get().body().swap(request_body_);  // the body reader appends to it
  parser_->body_limit(owner_->Options().body_limit);
  parser_->header_limit(kHeaderLimit);
  waiting_ = true;
  stream_.expires_after(std::chrono::seconds(owner_->Options().idle_timeout_seconds));
  http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
}

void HttpSession::OnHeader(beast::error_code ec) {
  waiting_ = false;
  if (ec) return OnReadError(ec);
  if (parser_->is_done()) return Handle();
  if (!ExpectsContinue(parser_->get())) return ReadBody();
  net::async_write(stream_, net::buffer(kContinue, sizeof(kContinue) - 1),
                   [self = shared_from_this()](beast::error_code ec, size_t) {
                     if (ec) return self->Close();
                     self->ReadBody();
                   });
}

void HttpSession::ReadBody() {
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
}

void HttpSession::OnBody(beast::error_code ec) {
  if (ec) return OnReadError(ec);
  Handle();
}

void HttpSession::OnReadError(beast::error_code ec) {
  if (ec == http::error::body_limit) {
    return Refuse(413, "body",
                  "the request body is larger than the limit of " +
                      std::to_string(owner_->Options().body_limit) + " bytes");
  }
  if (ec == http::error::header_limit) {
    return Refuse(431, "headers",
                  "the request's header is larger than " + std::to_string(kHeaderLimit) + " bytes");
  }
  // end_of_stream (a clean close between requests), a message cut short,
  // timeouts, resets and our own cancel close quietly; the parser's other
  // errors are malformed HTTP.
  const auto& http_category = http::make_error_code(http::error::bad_target).category();
  bool malformed = ec.category() == http_category && ec != http::error::end_of_stream &&
                   ec != http::error::partial_message;
  if (malformed) return Refuse(400, "request", "malformed HTTP request: " + ec.message());
  Close();
}

HttpResponse HttpSession::Answer(HttpHandler* handler, HttpRequest& request) {
  try {
    return handler->Handle(request);
  } catch (const std::exception& e) {
    return ErrorResponse({500, "", std::string("internal error: ") + e.what()});
  } catch (...) {
    return ErrorResponse({500, "", "internal error"});
  }
}

void HttpSession::Handle() {
  auto& req = parser_->get();
  HttpRequest request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  request.body = std::move(req.body());
  Recycle(&body_);
  request.spare.swap(body_);
  bool keep_alive = req.keep_alive();
  stream_.expires_never();
  HttpHandler* handler = owner_->Handler();
  if (!handler->RunsLong(request)) {
    HttpResponse response = Answer(handler, request);
    request_body_.swap(request.body);
    return Write(std::move(response), keep_alive && !owner_->Stopping());
  }
  // Off the connection threads; the answer is written back on the strand.
  owner_->RunLong(
      [self = shared_from_this(), handler, request = std::move(request), keep_alive]() mutable {
        HttpResponse response = Answer(handler, request);
        net::post(self->stream_.get_executor(),
                  [self, response = std::move(response), keep_alive]() mutable {
                    self->Write(std::move(response), keep_alive && !self->owner_->Stopping());
                  });
      });
}

void HttpSession::Write(HttpResponse r, bool keep_alive) {
  const unsigned version = parser_ && parser_->get().version() == 10 ? 10 : 11;
  head_.clear();
  AppendResponseHead(r, version, keep_alive, &head_);
  body_.swap(r.body);
  closing_ = !keep_alive;
  stream_.expires_after(std::chrono::seconds(owner_->Options().idle_timeout_seconds));
  std::array<net::const_buffer, 2> buffers{net::buffer(head_), net::buffer(body_)};
  net::async_write(stream_, buffers, [self = shared_from_this()](beast::error_code ec, size_t) {
    self->OnWrite(ec);
  });
}

void HttpSession::OnWrite(beast::error_code ec) {
  if (ec) return Close();
  if (draining_) return Drain();
  if (closing_) return Close();
  ReadHeader();
}

void HttpSession::Refuse(int status, std::string field, std::string reason) {
  std::string target = parser_ ? std::string(parser_->get().target()) : "";
  owner_->Handler()->Refused(target, status);
  draining_ = true;
  Write(ErrorResponse({status, std::move(field), std::move(reason)}), /*keep_alive=*/false);
}

void HttpSession::Drain() {
  // Once: the answer is out, no more will be sent; read and drop what the
  // client still sends (its body) until it closes or the time is up.
  if (draining_) {
    draining_ = false;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kDrainTime);
    buffer_.clear();
  }
  stream_.async_read_some(buffer_.prepare(64 * 1024),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (ec) return self->Close();
                            self->Drain();
                          });
}

void HttpSession::Close() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace tessera::serving
