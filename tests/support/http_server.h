// A small HTTP/1.1 server on 127.0.0.1 for the download tests: it serves a
// directory with Content-Length, ranges and ETags, and misbehaves on request
// (redirects, connections broken or stalled mid-body, bodies cut short) so
// the client's resumption and error paths run against real sockets. It can
// also act as a forward proxy for absolute-URI requests.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace sdme::test_support {

struct RecordedRequest {
  std::string method;
  std::string target;  // as sent: a path, or an absolute URI through the proxy
  std::string path;    // without the query string
  std::vector<std::pair<std::string, std::string>> headers;
  // The value of a header (case-insensitive name), "" when absent.
  std::string header(const std::string& name) const;
};

class TestHttpServer {
 public:
  explicit TestHttpServer(std::string root);
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;
  ~TestHttpServer();

  // Listens on 127.0.0.1:`port` (0: an ephemeral port) and serves in a thread.
  bool start(std::string* err, uint16_t port = 0);
  void stop();
  uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT" followed by `path`.
  std::string url(const std::string& path) const;

  // Answers `from_path` with `status` and "Location: `to`" (a path or a URL).
  void add_redirect(const std::string& from_path, const std::string& to, int status = 302);
  // For the first `times` requests of `path`, sends the headers and
  // `after_bytes` bytes of the body, then closes the connection.
  void add_break(const std::string& path, uint64_t after_bytes, int times);
  // For the first `times` requests of `path`, closes the connection without
  // answering.
  void add_hang_up(const std::string& path, int times);
  // Sends `after_bytes` bytes of `path` without a Content-Length and closes
  // cleanly, so the client sees an ordinary end of the body.
  void add_truncation(const std::string& path, uint64_t after_bytes);
  // Sends the headers and `after_bytes` bytes of `path`, then neither sends
  // nor closes until the client goes away or the server stops.
  void add_stall(const std::string& path, uint64_t after_bytes);
  // Serves the ETag header of `path` as given instead of one from its content.
  void set_etag(const std::string& path, const std::string& etag);
  // Ignores Range headers, as servers without range support do.
  void set_ranges_supported(bool supported);
  // Relays requests for absolute URIs ("GET http://host:port/path") to their
  // server, as a forward proxy does.
  void set_forward_proxy(bool enabled);

  // Writes "METHOD TARGET" and a newline to `log` for every request, for a
  // shell-driven test to count them.
  void set_request_log(std::FILE* log);

  int request_count(const std::string& path) const;
  // The Range headers of the requests for `path`, in order.
  std::vector<std::string> range_headers(const std::string& path) const;
  std::vector<RecordedRequest> requests() const;

 private:
  struct Break {
    uint64_t after_bytes;
    int remaining;
  };
  void accept_loop();
  void serve_connection(int fd);
  void serve_file(int fd, const RecordedRequest& request);
  void proxy(int fd, const RecordedRequest& request, const std::string& raw_request);
  // Waits until the client closes `fd` or the server stops.
  void wait_for_close(int fd);

  std::string root_;
  uint16_t port_ = 0;
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  std::thread accept_thread_;

  mutable std::mutex mutex_;
  std::vector<std::thread> connection_threads_;
  std::set<int> open_connections_;
  std::vector<RecordedRequest> requests_;
  std::map<std::string, std::pair<std::string, int>> redirects_;
  std::map<std::string, Break> breaks_;
  std::map<std::string, int> hang_ups_;
  std::map<std::string, uint64_t> truncations_;
  std::map<std::string, uint64_t> stalls_;
  std::map<std::string, std::string> etags_;
  bool ranges_supported_ = true;
  bool forward_proxy_ = false;
  std::FILE* request_log_ = nullptr;
};

}  // namespace sdme::test_support
