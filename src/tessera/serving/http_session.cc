#include "tessera/serving/http_session.h"

#include <sys/socket.h>

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <chrono>
#include <exception>
#include <tuple>

#include "tessera/serving/http_response_head.h"

namespace tessera::serving {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr size_t kHeaderLimit = 64 * 1024;
// What one read asks for at most (Beast's http::read asks for the same).
constexpr size_t kReadSize = 64 * 1024;
constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr int64_t kDrainNs = 2'000'000'000;
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

template <typename Request>
bool ExpectsContinue(const Request& req) {
  auto it = req.find(http::field::expect);
  return it != req.end() && beast::iequals(it->value(), "100-continue");
}

}  // namespace

void* HeaderArena::Allocate(size_t bytes, size_t align) {
  size_t start = (used_ + align - 1) & ~(align - 1);
  if (align <= alignof(std::max_align_t) && start + bytes <= sizeof(buffer_)) {
    used_ = start + bytes;
    return buffer_ + start;
  }
  return ::operator new(bytes);
}

void HeaderArena::Deallocate(void* p) noexcept {
  auto* b = static_cast<std::byte*>(p);
  if (b >= buffer_ && b < buffer_ + sizeof(buffer_)) return;  // freed by Reset
  ::operator delete(p);
}

HttpSession::HttpSession(Socket&& socket, SessionOwner* owner)
    : socket_(std::move(socket)), owner_(owner) {}

HttpSession::~HttpSession() { owner_->Forget(this); }

int64_t HttpSession::NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void HttpSession::Start() {
  net::post(socket_.get_executor(), [self = shared_from_this()] { self->StartRequest(); });
}

void HttpSession::StopIfIdle() {
  if (idle_.load(std::memory_order_seq_cst)) ShutdownFromOutside();
}

void HttpSession::CloseIfExpired(int64_t now_ns) {
  if (now_ns > deadline_ns_.load(std::memory_order_relaxed)) ShutdownFromOutside();
}

void HttpSession::ShutdownFromOutside() {
  std::lock_guard lock(close_mu_);
  if (!closed_) ::shutdown(socket_.native_handle(), SHUT_RDWR);
}

void HttpSession::StartRequest() {
  if (buffer_.size() == 0) {
    // Published before Stopping() is read, and Stop() sets its flag before
    // it reads this one: a stop cannot miss an idle session (a session may
    // see the stop and the stop the session; then both close it).
    idle_.store(true, std::memory_order_seq_cst);
    if (owner_->Stopping()) return Close();
  }
  parser_.reset();  // its fields go back to the arena
  header_arena_.Reset();
  parser_.emplace(std::piecewise_construct, std::make_tuple(),
                  std::make_tuple(HeaderAllocator<char>(&header_arena_)));
  Recycle(&request_body_);
  parser_->get().body().swap(request_body_);  // the body reader appends to it
  parser_->body_limit(owner_->Options().body_limit);
  parser_->header_limit(kHeaderLimit);
  parser_->eager(true);
  continue_sent_ = false;
  SetDeadlineAfter(int64_t{owner_->Options().idle_timeout_seconds} * 1'000'000'000);
  Parse();
}

void HttpSession::Parse() {
  beast::error_code ec;
  while (buffer_.size() > 0 && !parser_->is_done()) {
    size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == http::error::need_more) break;  // a header cut short: read the rest
    if (ec) return OnReadError(ec);
    if (used == 0) break;
  }
  if (parser_->is_done()) return Handle();
  if (parser_->is_header_done() && !continue_sent_ && ExpectsContinue(parser_->get())) {
    continue_sent_ = true;
    net::async_write(socket_, net::buffer(kContinue, sizeof(kContinue) - 1),
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->Close();
                       self->Read();
                     });
    return;
  }
  Read();
}

void HttpSession::Read() {
  socket_.async_read_some(
      buffer_.prepare(kReadSize),
      [self = shared_from_this()](beast::error_code ec, size_t bytes) { self->OnRead(ec, bytes); });
}

void HttpSession::OnRead(beast::error_code ec, size_t bytes) {
  buffer_.commit(bytes);
  if (bytes > 0) idle_.store(false, std::memory_order_relaxed);
  if (ec == net::error::eof) {
    // As Beast's http::read: the end of a message cut short is
    // partial_message, a close between requests end_of_stream.
    ec = http::error::end_of_stream;
    if (parser_->got_some()) {
      ec = {};
      parser_->put_eof(ec);
      if (!ec && parser_->is_done()) return Handle();
    }
  }
  if (ec) return OnReadError(ec);
  Parse();
}

void HttpSession::OnReadError(beast::error_code ec) {
  idle_.store(false, std::memory_order_relaxed);
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
  // timeouts and stops (the descriptor shut down: an end of stream or a
  // reset) and other socket errors close quietly; the parser's other errors
  // are malformed HTTP.
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
  idle_.store(false, std::memory_order_relaxed);
  ClearDeadline();  // the handler's time is not the client's
  auto& req = parser_->get();
  request_.method.assign(req.method_string().data(), req.method_string().size());
  request_.target.assign(req.target().data(), req.target().size());
  request_.body.swap(req.body());
  Recycle(&body_);
  request_.spare.swap(body_);
  bool keep_alive = req.keep_alive();
  HttpHandler* handler = owner_->Handler();
  if (!handler->RunsLong(request_)) {
    HttpResponse response = Answer(handler, request_);
    request_body_.swap(request_.body);
    request_.spare.clear();
    return Write(std::move(response), keep_alive && !owner_->Stopping());
  }
  // Off the connection threads; the answer is posted back to the session,
  // which has nothing pending meanwhile.
  auto job = [self = shared_from_this(), handler, request = std::move(request_),
              keep_alive]() mutable {
    HttpResponse response = Answer(handler, request);
    net::post(self->socket_.get_executor(),
              [self, response = std::move(response), keep_alive]() mutable {
                self->Write(std::move(response), keep_alive && !self->owner_->Stopping());
              });
  };
  request_ = HttpRequest();  // before the job may answer on another thread
  owner_->RunLong(std::move(job));
}

void HttpSession::Write(HttpResponse r, bool keep_alive) {
  const unsigned version = parser_ && parser_->get().version() == 10 ? 10 : 11;
  head_.clear();
  AppendResponseHead(r, version, keep_alive, &head_);
  body_.swap(r.body);
  closing_ = !keep_alive;
  SetDeadlineAfter(int64_t{owner_->Options().idle_timeout_seconds} * 1'000'000'000);
  std::array<net::const_buffer, 2> buffers{net::buffer(head_), net::buffer(body_)};
  net::async_write(socket_, buffers, [self = shared_from_this()](beast::error_code ec, size_t) {
    self->OnWrite(ec);
  });
}

void HttpSession::OnWrite(beast::error_code ec) {
  if (ec) return Close();
  if (draining_) return Drain();
  if (closing_) return Close();
  StartRequest();
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
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    SetDeadlineAfter(kDrainNs);
  }
  buffer_.clear();
  socket_.async_read_some(buffer_.prepare(kReadSize),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (ec) return self->Close();
                            self->Drain();
                          });
}

void HttpSession::Close() {
  std::lock_guard lock(close_mu_);
  if (closed_) return;
  closed_ = true;
  beast::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace tessera::serving
