// HttpSession: one accepted connection of HttpServer (internal to the
// server; http_server.h states the behaviour). It reads a request's header,
// answers `Expect: 100-continue`, reads the body under the limit, calls the
// handler, writes the response and, with keep-alive, starts over.
//
// The session reads into its own buffer with the socket's async_read_some
// and feeds Beast's request parser directly (no composed Beast read ops,
// no beast::tcp_stream, no strand): a keep-alive request costs one read,
// one parse, one gather write and no timer operation.
//
// Threading: a session has at most one operation pending and its steps run
// one after another (each started by the completion of the last), so its
// state needs no lock and no strand even with several server threads. Only
// three things reach it from other threads, and none of them touches the
// Asio socket object: StopIfIdle and CloseIfExpired read atomics and shut
// the descriptor down at the OS level (under close_mu_, so never after the
// session closed it and the number may have been reused), which completes
// the pending read or write with an error; RunLong's answer is posted back
// while nothing is pending.
//
// Timeouts: instead of arming a timer per request, the session publishes a
// deadline (an atomic) while it waits for a request or writes an answer, and
// the server's sweep (once a second) shuts down the connections past it.
//
// The session keeps itself alive through the shared_ptr its pending
// operation holds; when none is pending it is destroyed and tells its
// owner to forget it.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "tessera/serving/http_message.h"
#include "tessera/serving/http_server.h"

namespace tessera::serving {

class HttpSession;

// The memory of one request's header fields (Beast allocates an element
// per field, and the method and target): a bump allocator over a buffer
// the session owns, emptied when the next request's parser is made, with
// the heap for whatever does not fit (a header over 4 KiB). So a keep-alive
// request with an ordinary header allocates nothing for its fields.
// Single-threaded, like the session.
class HeaderArena {
 public:
  void* Allocate(size_t bytes, size_t align);
  void Deallocate(void* p) noexcept;
  // REQUIRES: nothing allocated from the buffer is in use any more.
  void Reset() { used_ = 0; }

 private:
  alignas(std::max_align_t) std::byte buffer_[4096];
  size_t used_ = 0;
};

// A standard allocator over a HeaderArena (Beast's basic_fields take one).
template <typename T>
class HeaderAllocator {
 public:
  using value_type = T;
  explicit HeaderAllocator(HeaderArena* arena) noexcept : arena_(arena) {}
  template <typename U>
  HeaderAllocator(const HeaderAllocator<U>& other) noexcept : arena_(other.arena()) {}
  T* allocate(size_t n) { return static_cast<T*>(arena_->Allocate(n * sizeof(T), alignof(T))); }
  void deallocate(T* p, size_t) noexcept { arena_->Deallocate(p); }
  HeaderArena* arena() const noexcept { return arena_; }
  template <typename U>
  bool operator==(const HeaderAllocator<U>& other) const noexcept {
    return arena_ == other.arena();
  }
  template <typename U>
  bool operator!=(const HeaderAllocator<U>& other) const noexcept {
    return arena_ != other.arena();
  }

 private:
  HeaderArena* arena_;
};

// The server as its sessions see it.
class SessionOwner {
 public:
  virtual ~SessionOwner() = default;
  virtual const HttpServerOptions& Options() const = 0;
  virtual HttpHandler* Handler() const = 0;
  // Sequentially consistent: a session that publishes "idle" and then sees
  // false is seen idle by the Stop() that sets it (StopIfIdle).
  virtual bool Stopping() const = 0;
  virtual void Forget(HttpSession* session) = 0;  // from the destructor
  // Runs `job` on the server's thread for long requests (one at a time, in
  // order); the server keeps running until it has run.
  virtual void RunLong(std::function<void()> job) = 0;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  // A socket bound to the io_context's own executor type (not the
  // type-erased any_io_executor, not a strand): its operations complete
  // without executor type erasure or strand hand-offs.
  using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp,
                                                  boost::asio::io_context::executor_type>;

  HttpSession(Socket&& socket, SessionOwner* owner);
  ~HttpSession();

  void Start();
  // Any thread. Closes the connection when it waits for a request of which
  // nothing has arrived; otherwise the request in progress finishes (and
  // its response closes the connection, since the owner is stopping).
  void StopIfIdle();
  // Any thread (the server's sweep). Closes the connection when it waits
  // for a request, or for its answer to be taken, past its deadline
  // (`now_ns`: steady clock nanoseconds).
  void CloseIfExpired(int64_t now_ns);

  static int64_t NowNs();

 private:
  using Parser =
      boost::beast::http::request_parser<boost::beast::http::string_body, HeaderAllocator<char>>;

  // A new parser for the next request, then Parse.
  void StartRequest();
  // Feeds the buffered bytes to the parser: handles a request it completes,
  // answers 100-continue, reads more, or refuses what it rejects.
  void Parse();
  void Read();
  void OnRead(boost::beast::error_code ec, size_t bytes);
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
  // shutdown(2) of the descriptor unless the session closed it.
  void ShutdownFromOutside();
  void SetDeadlineAfter(int64_t ns) { deadline_ns_.store(NowNs() + ns, std::memory_order_relaxed); }
  void ClearDeadline() { deadline_ns_.store(INT64_MAX, std::memory_order_relaxed); }

  Socket socket_;
  boost::beast::flat_buffer buffer_;  // received, not yet parsed
  SessionOwner* owner_;
  HeaderArena header_arena_;  // the fields of parser_'s request
  std::optional<Parser> parser_;
  bool continue_sent_ = false;  // 100 Continue answered for this request
  // The request handed to the handler, kept between requests so that its
  // method and target strings keep their capacity.
  HttpRequest request_;
  // The response being written: its head and its body. Between requests
  // they keep their capacity: the head is rebuilt in place, the body goes
  // to the handler as HttpRequest::spare, and the request body's string
  // goes back to the next parser, so a keep-alive connection allocates
  // none of the three per request.
  std::string head_;
  std::string body_;
  std::string request_body_;
  bool closing_ = false;  // the response just written ends the connection
  bool draining_ = false;
  // Read by StopIfIdle / CloseIfExpired from other threads.
  std::atomic<bool> idle_{false};  // waiting for a request, nothing of it received
  std::atomic<int64_t> deadline_ns_{INT64_MAX};
  std::mutex close_mu_;  // orders Close and ShutdownFromOutside
  bool closed_ = false;  // guarded by close_mu_
};

}  // namespace tessera::serving
