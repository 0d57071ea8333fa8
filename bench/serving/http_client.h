// A minimal blocking HTTP/1.1 client for the serving benchmarks: one
// keep-alive socket, one request in flight, JSON bodies, Content-Length
// framing only (tessera serve never answers chunked). Not a general client:
// it exists so the benchmark tools need nothing beyond POSIX sockets.
//
// Thread-safety: an HttpConnection is used by one thread at a time.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace tessera_bench {

class HttpConnection {
 public:
  HttpConnection(std::string host, int port) : host_(std::move(host)), port_(port) {}
  ~HttpConnection() { Close(); }
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends POST `path` with a JSON body and reads the answer. True when the
  // exchange completed (any status; *status and *body are set); false on a
  // refused, closed or broken connection, which is then closed so the next
  // Post reconnects.
  bool Post(const std::string& path, const std::string& body, int* status, std::string* response) {
    return Exchange("POST " + path + " HTTP/1.1\r\nHost: " + host_ +
                        "\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body,
                    status, response);
  }

  // GET `path` (e.g. /metrics), as Post.
  bool Get(const std::string& path, int* status, std::string* response) {
    return Exchange("GET " + path + " HTTP/1.1\r\nHost: " + host_ + "\r\n\r\n", status, response);
  }

 private:
  bool Exchange(const std::string& request, int* status, std::string* response) {
    if (fd_ < 0 && !Connect()) return false;
    if (SendAll(request) && ReadResponse(status, response)) return true;
    Close();
    return false;
  }

  bool Connect() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    if (::inet_pton(AF_INET, host_.c_str(), &addr.sin_addr) != 1 ||
        ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      Close();
      return false;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return true;
  }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    buffer_.clear();
  }

  bool SendAll(const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  bool Fill() {
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  // Headers, then Content-Length bytes of body.
  bool ReadResponse(int* status, std::string* body) {
    size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return false;
    }
    *status = buffer_.size() > 12 ? std::atoi(buffer_.c_str() + 9) : 0;
    size_t length = 0;
    for (size_t pos = 0; pos < header_end;) {
      size_t eol = buffer_.find("\r\n", pos);
      if (eol == std::string::npos || eol > header_end) eol = header_end;
      if (eol - pos > 15 && strncasecmp(buffer_.data() + pos, "content-length:", 15) == 0) {
        length = std::strtoull(buffer_.c_str() + pos + 15, nullptr, 10);
      }
      pos = eol + 2;
    }
    size_t total = header_end + 4 + length;
    while (buffer_.size() < total) {
      if (!Fill()) return false;
    }
    body->assign(buffer_, header_end + 4, length);
    buffer_.erase(0, total);
    return true;
  }

  std::string host_;
  int port_;
  int fd_ = -1;
  std::string buffer_;  // bytes received beyond the last response
};

}  // namespace tessera_bench
