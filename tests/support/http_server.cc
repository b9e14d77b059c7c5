// One thread accepts, one thread per connection answers, and every answer
// closes its connection ("Connection: close"), which keeps the server small
// and makes each misbehaviour apply to exactly one response.
#include "tests/support/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "common/strings.h"

namespace sdme::test_support {
namespace {

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// A content hash, so a file rewritten with other bytes gets another ETag
// even within the same second.
std::string content_etag(const std::string& content) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : content) hash = (hash ^ c) * 1099511628211ull;
  char text[24];
  std::snprintf(text, sizeof text, "\"%016llx\"", static_cast<unsigned long long>(hash));
  return text;
}

std::string http_date(time_t when) {
  struct tm utc;
  gmtime_r(&when, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return text;
}

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 416:
      return "Range Not Satisfiable";
    case 502:
      return "Bad Gateway";
    default:
      return "Status";
  }
}

void send_simple(int fd, int status, const std::string& extra_headers, const std::string& body) {
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) +
                     "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers +
                     "Connection: close\r\n\r\n";
  send_all(fd, head + body);
}

// "bytes=S-" or "bytes=S-E" -> [first, last] within `size`.
bool parse_range(const std::string& value, uint64_t size, uint64_t* first, uint64_t* last) {
  if (value.rfind("bytes=", 0) != 0) return false;
  std::string spec = value.substr(6);
  size_t dash = spec.find('-');
  if (dash == std::string::npos || dash == 0) return false;
  *first = std::stoull(spec.substr(0, dash));
  *last = dash + 1 < spec.size() ? std::stoull(spec.substr(dash + 1)) : size - 1;
  if (*last >= size) *last = size - 1;
  return *first < size && *first <= *last;
}

}  // namespace

std::string RecordedRequest::header(const std::string& name) const {
  for (const auto& [key, value] : headers)
    if (equals_ignore_case(key, name)) return value;
  return "";
}

TestHttpServer::TestHttpServer(std::string root) : root_(std::move(root)) {}

TestHttpServer::~TestHttpServer() { stop(); }

bool TestHttpServer::start(std::string* err, uint16_t port) {
  if (::pipe2(stop_pipe_, O_CLOEXEC) != 0) {
    *err = std::string("pipe: ") + strerror(errno);
    return false;
  }
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    *err = "cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + strerror(errno);
    return false;
  }
  socklen_t length = sizeof address;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  accept_thread_ = std::thread([this] { accept_loop(); });
  return true;
}

void TestHttpServer::stop() {
  if (stop_pipe_[1] >= 0) {
    char byte = 0;
    (void)!::write(stop_pipe_[1], &byte, 1);
  }
  if (accept_thread_.joinable()) accept_thread_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    for (int fd : open_connections_) ::shutdown(fd, SHUT_RDWR);
    threads.swap(connection_threads_);
  }
  for (std::thread& thread : threads) thread.join();
  for (int* fd : {&listen_fd_, &stop_pipe_[0], &stop_pipe_[1]}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
}

std::string TestHttpServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void TestHttpServer::add_redirect(const std::string& from_path, const std::string& to, int status) {
  std::lock_guard lock(mutex_);
  redirects_[from_path] = {to, status};
}

void TestHttpServer::add_break(const std::string& path, uint64_t after_bytes, int times) {
  std::lock_guard lock(mutex_);
  breaks_[path] = Break{after_bytes, times};
}

void TestHttpServer::add_hang_up(const std::string& path, int times) {
  std::lock_guard lock(mutex_);
  hang_ups_[path] = times;
}

void TestHttpServer::add_truncation(const std::string& path, uint64_t after_bytes) {
  std::lock_guard lock(mutex_);
  truncations_[path] = after_bytes;
}

void TestHttpServer::add_stall(const std::string& path, uint64_t after_bytes) {
  std::lock_guard lock(mutex_);
  stalls_[path] = after_bytes;
}

void TestHttpServer::set_etag(const std::string& path, const std::string& etag) {
  std::lock_guard lock(mutex_);
  etags_[path] = etag;
}

void TestHttpServer::set_ranges_supported(bool supported) {
  std::lock_guard lock(mutex_);
  ranges_supported_ = supported;
}

void TestHttpServer::set_forward_proxy(bool enabled) {
  std::lock_guard lock(mutex_);
  forward_proxy_ = enabled;
}

void TestHttpServer::set_request_log(std::FILE* log) {
  std::lock_guard lock(mutex_);
  request_log_ = log;
}

int TestHttpServer::request_count(const std::string& path) const {
  std::lock_guard lock(mutex_);
  int count = 0;
  for (const RecordedRequest& request : requests_) count += request.path == path ? 1 : 0;
  return count;
}

std::vector<std::string> TestHttpServer::range_headers(const std::string& path) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> ranges;
  for (const RecordedRequest& request : requests_) {
    std::string range = request.header("Range");
    if (request.path == path && !range.empty()) ranges.push_back(range);
  }
  return ranges;
}

std::vector<RecordedRequest> TestHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void TestHttpServer::accept_loop() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard lock(mutex_);
    open_connections_.insert(fd);
    connection_threads_.emplace_back([this, fd] { serve_connection(fd); });
  }
}

void TestHttpServer::wait_for_close(int fd) {
  for (;;) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
    if (fds[1].revents != 0) return;
    if (fds[0].revents != 0) {
      char discard[4096];
      if (::recv(fd, discard, sizeof discard, 0) <= 0) return;
    }
  }
}

void TestHttpServer::serve_connection(int fd) {
  std::string raw;
  while (raw.find("\r\n\r\n") == std::string::npos && raw.size() < 65536) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, 10000) <= 0 || fds[1].revents != 0) break;
    char chunk[4096];
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) break;
    raw.append(chunk, static_cast<size_t>(n));
  }
  size_t head_end = raw.find("\r\n\r\n");
  if (head_end != std::string::npos) {
    std::istringstream lines(raw.substr(0, head_end));
    std::string line;
    RecordedRequest request;
    std::getline(lines, line);
    std::istringstream request_line(line);
    request_line >> request.method >> request.target;
    request.path = request.target.substr(0, request.target.find('?'));
    while (std::getline(lines, line)) {
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      request.headers.emplace_back(line.substr(0, colon),
                                   std::string(strip(line.substr(colon + 1))));
    }
    bool forward_proxy;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      forward_proxy = forward_proxy_;
      if (request_log_ != nullptr) {
        std::fprintf(request_log_, "%s %s\n", request.method.c_str(), request.target.c_str());
        std::fflush(request_log_);
      }
    }
    if (request.target.rfind("http://", 0) == 0 && forward_proxy)
      proxy(fd, request, raw.substr(0, head_end));
    else if (request.method != "GET" && request.method != "HEAD")
      send_simple(fd, 405, "", "");
    else
      serve_file(fd, request);
  }
  {
    std::lock_guard lock(mutex_);
    open_connections_.erase(fd);
  }
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
}

void TestHttpServer::serve_file(int fd, const RecordedRequest& request) {
  const std::string& path = request.path;
  std::string etag;
  bool ranges_supported;
  uint64_t limit = UINT64_MAX;
  bool truncate = false, stall = false;
  {
    std::lock_guard lock(mutex_);
    if (auto it = redirects_.find(path); it != redirects_.end()) {
      send_simple(fd, it->second.second, "Location: " + it->second.first + "\r\n", "");
      return;
    }
    if (auto it = hang_ups_.find(path); it != hang_ups_.end() && it->second > 0) {
      --it->second;
      return;
    }
    if (auto it = etags_.find(path); it != etags_.end()) etag = it->second;
    ranges_supported = ranges_supported_;
    auto truncation = truncations_.find(path);
    auto stall_rule = stalls_.find(path);
    auto break_rule = breaks_.find(path);
    if (truncation != truncations_.end()) {
      truncate = true;
      limit = truncation->second;
    } else if (stall_rule != stalls_.end()) {
      stall = true;
      limit = stall_rule->second;
    } else if (break_rule != breaks_.end() && break_rule->second.remaining > 0) {
      --break_rule->second.remaining;
      limit = break_rule->second.after_bytes;
    }
  }
  struct stat status;
  std::string file = root_ + path;
  if (path.empty() || path[0] != '/' || path.find("/../") != std::string::npos ||
      path.ends_with("/..") || ::stat(file.c_str(), &status) != 0 || !S_ISREG(status.st_mode)) {
    send_simple(fd, 404, "Content-Type: text/plain\r\n", "not found\n");
    return;
  }
  std::ifstream input(file, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
  if (etag.empty()) etag = content_etag(content);
  std::string last_modified = http_date(status.st_mtime);

  int code = 200;
  std::string extra;
  uint64_t first = 0, last = content.empty() ? 0 : content.size() - 1;
  std::string range = request.header("Range");
  std::string if_range = request.header("If-Range");
  if (ranges_supported && !range.empty() &&
      (if_range.empty() || if_range == etag || if_range == last_modified)) {
    if (!parse_range(range, content.size(), &first, &last)) {
      send_simple(fd, 416, "Content-Range: bytes */" + std::to_string(content.size()) + "\r\n", "");
      return;
    }
    code = 206;
    extra = "Content-Range: bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" +
            std::to_string(content.size()) + "\r\n";
  }
  std::string body = content.empty() ? "" : content.substr(first, last - first + 1);
  std::string head = "HTTP/1.1 " + std::to_string(code) + " " + reason(code) + "\r\n";
  if (!truncate) head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  head += extra + "ETag: " + etag + "\r\nLast-Modified: " + last_modified + "\r\n";
  if (ranges_supported) head += "Accept-Ranges: bytes\r\n";
  head += "Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
  if (!send_all(fd, head) || request.method == "HEAD") return;
  if (!send_all(fd, std::string_view(body).substr(0, std::min<uint64_t>(limit, body.size()))))
    return;
  if (stall) wait_for_close(fd);
}

void TestHttpServer::proxy(int fd, const RecordedRequest& request, const std::string& raw_head) {
  // "http://HOST:PORT/path": only loopback origins, which is all a test has.
  std::string rest = request.target.substr(7);
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string origin_path = slash == std::string::npos ? "/" : rest.substr(slash);
  size_t colon = authority.rfind(':');
  std::string host = authority.substr(0, colon);
  uint16_t port = colon == std::string::npos
                      ? 80
                      : static_cast<uint16_t>(std::stoi(authority.substr(colon + 1)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (host == "localhost") host = "127.0.0.1";
  int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1 ||
      ::connect(upstream, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(upstream);
    send_simple(fd, 502, "", "");
    return;
  }
  std::string head = request.method + " " + origin_path + " HTTP/1.1\r\n";
  std::istringstream lines(raw_head);
  std::string line;
  std::getline(lines, line);  // the request line, replaced above
  while (std::getline(lines, line)) {
    std::string_view name = std::string_view(line).substr(0, line.find(':'));
    if (equals_ignore_case(name, "Proxy-Connection") || equals_ignore_case(name, "Connection") ||
        equals_ignore_case(name, "Proxy-Authorization"))
      continue;
    head += line + "\n";
  }
  head += "Connection: close\r\nVia: 1.1 sdme-test-proxy\r\n\r\n";
  if (send_all(upstream, head)) {
    char chunk[65536];
    for (;;) {
      ssize_t n = ::recv(upstream, chunk, sizeof chunk, 0);
      if (n <= 0 || !send_all(fd, std::string_view(chunk, static_cast<size_t>(n)))) break;
    }
  }
  ::close(upstream);
}

}  // namespace sdme::test_support
