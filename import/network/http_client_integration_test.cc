// http_get and HttpByteSource against real servers on 127.0.0.1: the test
// HTTP server (redirects, broken and stalled connections, ranges, a forward
// proxy) and openssl s_server for TLS verification.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "import/network/http_client.h"
#include "tests/support/test_support.h"
#include "tests/support/http_server.h"

extern char** environ;

namespace sdme::import {
namespace {

using test_support::ScopedEnvironment;
using test_support::ScratchDirectory;
using test_support::TestHttpServer;
using test_support::write_test_file;

// Bytes that differ at every offset, so a splice at the wrong place shows.
std::string test_content(size_t size, uint32_t seed) {
  std::string content(size, '\0');
  uint32_t state = seed;
  for (char& c : content) {
    state = state * 1664525u + 1013904223u;
    c = static_cast<char>(state >> 24);
  }
  return content;
}

bool read_all(ByteSource* source, std::string* content, std::string* err) {
  for (;;) {
    const void* data;
    size_t size;
    if (!source->read(&data, &size, err)) return false;
    if (size == 0) return true;
    content->append(static_cast<const char*>(data), size);
  }
}

HttpOptions quick_options() {
  HttpOptions options;
  options.retry_delay = std::chrono::milliseconds(0);
  return options;
}

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    ASSERT_TRUE(server_.start(&err)) << err;
  }

  std::string put(const std::string& name, const std::string& content) {
    write_test_file(scratch_.path() + name, content);
    return server_.url(name);
  }

  // Proxies from the environment the tests run in must not catch loopback
  // requests; the proxy test sets its own.
  ScopedEnvironment no_http_proxy_{"http_proxy", ""};
  ScopedEnvironment no_https_proxy_{"https_proxy", ""};
  ScopedEnvironment no_all_proxy_{"all_proxy", ""};
  ScopedEnvironment no_https_proxy_upper_{"HTTPS_PROXY", ""};
  ScopedEnvironment no_all_proxy_upper_{"ALL_PROXY", ""};
  ScopedEnvironment no_ca_file_{"SDME_IMPORT_CA_FILE", ""};
  ScratchDirectory scratch_;
  TestHttpServer server_{scratch_.path()};
};

TEST_F(HttpClientTest, GetsAWholeResponse) {
  std::string url = put("/manifest.json", "{\"schemaVersion\": 2}\n");
  HttpOptions options = quick_options();
  options.headers = {"Accept: application/json", "X-Sdme-Test: yes"};
  HttpResponse response;
  std::string err;
  ASSERT_TRUE(http_get(url, options, &response, &err)) << err;
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "{\"schemaVersion\": 2}\n");
  EXPECT_EQ(response.content_type, "application/octet-stream");
  EXPECT_EQ(response.effective_url, url);
  std::vector<test_support::RecordedRequest> requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].header("User-Agent"), "sdme-import/0.1");
  EXPECT_EQ(requests[0].header("Accept"), "application/json");
  EXPECT_EQ(requests[0].header("X-Sdme-Test"), "yes");
}

TEST_F(HttpClientTest, StreamsABody) {
  std::string content = test_content(3 * 1024 * 1024 + 17, 1);
  std::string url = put("/root.tar", content);
  std::string err;
  std::unique_ptr<HttpByteSource> source = HttpByteSource::open(url, quick_options(), &err);
  ASSERT_NE(source, nullptr) << err;
  EXPECT_EQ(source->expected_size(), content.size());
  EXPECT_EQ(source->description(), url);
  EXPECT_EQ(source->response().status, 200);
  // A consumer slower than loopback: the transfer pauses while it sleeps.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::string received;
  ASSERT_TRUE(read_all(source.get(), &received, &err)) << err;
  EXPECT_TRUE(received == content) << "received " << received.size() << " bytes";
  EXPECT_EQ(source->attempts(), 1);
  EXPECT_EQ(server_.range_headers("/root.tar"), std::vector<std::string>{});
}

TEST_F(HttpClientTest, StreamsAnEmptyBody) {
  std::string url = put("/empty", "");
  std::string err;
  std::unique_ptr<HttpByteSource> source = HttpByteSource::open(url, quick_options(), &err);
  ASSERT_NE(source, nullptr) << err;
  std::string received;
  ASSERT_TRUE(read_all(source.get(), &received, &err)) << err;
  EXPECT_EQ(received, "");
}

TEST_F(HttpClientTest, FollowsARedirect) {
  std::string content = test_content(100000, 2);
  std::string target = put("/images/root.tar", content);
  server_.add_redirect("/latest.tar", "/images/root.tar", 302);
  std::string err;
  std::unique_ptr<HttpByteSource> source =
      HttpByteSource::open(server_.url("/latest.tar"), quick_options(), &err);
  ASSERT_NE(source, nullptr) << err;
  EXPECT_EQ(source->response().effective_url, target);
  std::string received;
  ASSERT_TRUE(read_all(source.get(), &received, &err)) << err;
  EXPECT_TRUE(received == content);
  EXPECT_EQ(server_.request_count("/latest.tar"), 1);
  EXPECT_EQ(server_.request_count("/images/root.tar"), 1);

  HttpResponse response;
  ASSERT_TRUE(http_get(server_.url("/latest.tar"), quick_options(), &response, &err)) << err;
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.effective_url, target);
}

TEST_F(HttpClientTest, RedirectLoopIsAnError) {
  server_.add_redirect("/loop", "/loop", 302);
  HttpResponse response;
  std::string err;
  EXPECT_FALSE(http_get(server_.url("/loop"), quick_options(), &response, &err));
  EXPECT_EQ(err, "cannot download " + server_.url("/loop") + ": Maximum (10) redirects followed");
  EXPECT_EQ(server_.request_count("/loop"), 11);
}

TEST_F(HttpClientTest, RedirectToAnotherProtocolIsRefused) {
  put("/secret", "local file");
  server_.add_redirect("/evil", "file://" + scratch_.path() + "/secret", 302);
  HttpResponse response;
  std::string err;
  EXPECT_FALSE(http_get(server_.url("/evil"), quick_options(), &response, &err));
  EXPECT_EQ(err, "cannot download " + server_.url("/evil") +
                     ": Protocol \"file\" not supported or disabled in libcurl; only http and "
                     "https URLs are supported");
  EXPECT_EQ(response.body, "");
}

TEST_F(HttpClientTest, NotFound) {
  std::string url = server_.url("/missing.tar");
  std::string err;
  EXPECT_EQ(HttpByteSource::open(url, quick_options(), &err), nullptr);
  EXPECT_EQ(err, "cannot download " + url + ": HTTP 404 Not Found; check the URL");

  // A whole response reports the status to its caller, who knows what it means.
  HttpResponse response;
  ASSERT_TRUE(http_get(url, quick_options(), &response, &err)) << err;
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, "not found\n");
}

TEST_F(HttpClientTest, AnnouncedLengthOverTheCap) {
  std::string url = put("/big", test_content(5000, 3));
  HttpOptions options = quick_options();
  options.max_bytes = 1000;
  std::string err;
  EXPECT_EQ(HttpByteSource::open(url, options, &err), nullptr);
  EXPECT_EQ(err, "download of " + url + " is 5000 bytes, more than the limit of 1000 bytes");

  HttpResponse response;
  EXPECT_FALSE(http_get(url, options, &response, &err));
  EXPECT_EQ(err, "download of " + url + " exceeds the limit of 1000 bytes");
}

TEST_F(HttpClientTest, UnannouncedLengthOverTheCap) {
  std::string url = put("/big", test_content(300000, 4));
  server_.add_truncation("/big", 300000);  // the whole body, without Content-Length
  HttpOptions options = quick_options();
  options.max_bytes = 100000;
  // Loopback may bring the whole body while open() waits for the response.
  std::string err;
  std::unique_ptr<HttpByteSource> source = HttpByteSource::open(url, options, &err);
  std::string received;
  if (source != nullptr) {
    EXPECT_FALSE(read_all(source.get(), &received, &err));
  }
  EXPECT_EQ(err, "download of " + url + " exceeds the limit of 100000 bytes");
  EXPECT_LE(received.size(), 100000u);

  HttpResponse response;
  EXPECT_FALSE(http_get(url, options, &response, &err));
  EXPECT_EQ(err, "download of " + url + " exceeds the limit of 100000 bytes");
}

TEST_F(HttpClientTest, ABodyCutShortWithoutLengthLooksComplete) {
  // Nothing here can tell; the archive reader notices the truncated archive.
  std::string content = test_content(50000, 5);
  std::string url = put("/cut", content);
  server_.add_truncation("/cut", 20000);
  std::string err;
  std::unique_ptr<HttpByteSource> source = HttpByteSource::open(url, quick_options(), &err);
  ASSERT_NE(source, nullptr) << err;
  std::string received;
  ASSERT_TRUE(read_all(source.get(), &received, &err)) << err;
  EXPECT_TRUE(received == content.substr(0, 20000));
}

TEST_F(HttpClientTest, ResumesABrokenDownloadWithRanges) {
  std::string content = test_content(1024 * 1024, 6);
  std::string url = put("/root.tar", content);
  server_.add_break("/root.tar", 300000, 2);
  std::string err;
  std::unique_ptr<HttpByteSource> source = HttpByteSource::open(url, quick_options(), &err);
  ASSERT_NE(source, nullptr) << err;
  std::string received;
  ASSERT_TRUE(read_all(source.get(), &received, &err)) << err;
  EXPECT_EQ(received.size(), content.size());
  EXPECT_TRUE(received == content);
  EXPECT_EQ(source->attempts(), 3);
  EXPECT_EQ(server_.range_headers("/root.tar"),
            (std::vector<std::string>{"bytes=300000-", "bytes=600000-"}));
  std::vector<test_support::RecordedRequest> requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].header("If-Range"), "");
  EXPECT_NE(requests[1].header("If-Range"), "");
  EXPECT_EQ(requests[1].header("If-Range"), requests[2].header("If-Range"));
}

TEST_F(HttpClientTest, ResumesFromAServerWithoutRangesBySkipping) {
  std::string content = test_content(1024 * 1024, 7);
  std::string url = put("/root.tar", content);
  server_.set_ranges_supported(false);
  server_.add_break("/root.tar", 400000, 1);
  std::string err;
  std::unique_ptr<HttpByteSource> source = HttpByteSource::open(url, quick_options(), &err);
  ASSERT_NE(source, nullptr) << err;
  std::string received;
  ASSERT_TRUE(read_all(source.get(), &received, &err)) << err;
  EXPECT_TRUE(received == content);
  EXPECT_EQ(server_.range_headers("/root.tar"), std::vector<std::string>{"bytes=400000-"});
}

TEST_F(HttpClientTest, AFileChangedBeforeTheResumeIsNotSpliced) {
  std::string url = put("/root.tar", test_content(1024 * 1024, 8));
  server_.add_break("/root.tar", 300000, 1);
  std::string err;
  std::unique_ptr<HttpByteSource> source = HttpByteSource::open(url, quick_options(), &err);
  ASSERT_NE(source, nullptr) << err;
  // Same size, other bytes: only the ETag tells them apart.
  put("/root.tar", test_content(1024 * 1024, 9));
  std::string received;
  EXPECT_FALSE(read_all(source.get(), &received, &err));
  EXPECT_EQ(err, "download of " + url +
                     " changed on the server after 300000 bytes had arrived; start the import "
                     "again");
  EXPECT_EQ(server_.range_headers("/root.tar"), std::vector<std::string>{"bytes=300000-"});
  EXPECT_EQ(server_.request_count("/root.tar"), 2);
}

TEST_F(HttpClientTest, GivesUpAfterMaxAttemptsWithoutProgress) {
  // Without ranges every attempt starts over and breaks at the same byte.
  std::string content = test_content(100000, 10);
  std::string url = put("/root.tar", content);
  server_.set_ranges_supported(false);
  server_.add_break("/root.tar", 1000, 100);
  HttpOptions options = quick_options();
  options.max_attempts = 3;
  std::string err;
  std::unique_ptr<HttpByteSource> source = HttpByteSource::open(url, options, &err);
  ASSERT_NE(source, nullptr) << err;
  std::string received;
  EXPECT_FALSE(read_all(source.get(), &received, &err));
  EXPECT_EQ(err, "download of " + url +
                     " broke off at byte 1000 3 times in a row; last error: transfer closed with "
                     "99000 bytes remaining to read; check the network and try again");
  EXPECT_TRUE(received == content.substr(0, 1000));
  EXPECT_EQ(server_.request_count("/root.tar"), 3);
  EXPECT_EQ(source->attempts(), 3);
}

TEST_F(HttpClientTest, KeepsResumingWhileEachAttemptGetsFurther) {
  std::string content = test_content(20000, 14);
  std::string url = put("/root.tar", content);
  server_.add_break("/root.tar", 1000, 100);
  HttpOptions options = quick_options();
  options.max_attempts = 2;
  std::string err;
  std::unique_ptr<HttpByteSource> source = HttpByteSource::open(url, options, &err);
  ASSERT_NE(source, nullptr) << err;
  std::string received;
  ASSERT_TRUE(read_all(source.get(), &received, &err)) << err;
  EXPECT_TRUE(received == content) << "received " << received.size() << " bytes";
  EXPECT_EQ(source->attempts(), 20);
  EXPECT_EQ(server_.range_headers("/root.tar").size(), 19u);
}

TEST_F(HttpClientTest, RetriesAConnectionThatBrokeBeforeTheResponse) {
  std::string content = test_content(50000, 15);
  std::string url = put("/root.tar", content);
  server_.add_hang_up("/root.tar", 2);
  HttpOptions options = quick_options();
  options.max_attempts = 3;
  std::string err;
  std::unique_ptr<HttpByteSource> source = HttpByteSource::open(url, options, &err);
  ASSERT_NE(source, nullptr) << err;
  EXPECT_EQ(source->response().status, 200);
  EXPECT_EQ(source->expected_size(), content.size());
  std::string received;
  ASSERT_TRUE(read_all(source.get(), &received, &err)) << err;
  EXPECT_TRUE(received == content);
  EXPECT_EQ(source->attempts(), 3);
  EXPECT_EQ(server_.range_headers("/root.tar"), std::vector<std::string>{});

  // One hang-up more than the attempts: the message is libcurl's, as for a
  // first attempt that fails for good.
  std::string other = put("/other.tar", content);
  server_.add_hang_up("/other.tar", 3);
  EXPECT_EQ(HttpByteSource::open(other, options, &err), nullptr);
  EXPECT_EQ(err, "cannot download " + other + ": Empty reply from server");
  EXPECT_EQ(server_.request_count("/other.tar"), 3);
}

TEST_F(HttpClientTest, CancelledWhileWaiting) {
  std::string url = put("/root.tar", test_content(1024 * 1024, 11));
  server_.add_stall("/root.tar", 100000);
  std::atomic<bool> cancel = false;
  HttpOptions options = quick_options();
  options.cancel = &cancel;
  std::string err;
  std::unique_ptr<HttpByteSource> source = HttpByteSource::open(url, options, &err);
  ASSERT_NE(source, nullptr) << err;
  std::thread canceller([&cancel] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel = true;
  });
  auto start = std::chrono::steady_clock::now();
  std::string received;
  EXPECT_FALSE(read_all(source.get(), &received, &err));
  canceller.join();
  EXPECT_EQ(err, "download of " + url + " cancelled");
  EXPECT_EQ(received.size(), 100000u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));

  HttpResponse response;
  EXPECT_FALSE(http_get(url, options, &response, &err));
  EXPECT_EQ(err, "download of " + url + " cancelled");
}

TEST_F(HttpClientTest, CancelledHttpGetWhileWaiting) {
  std::string url = put("/token", test_content(100000, 12));
  server_.add_stall("/token", 10);
  std::atomic<bool> cancel = false;
  HttpOptions options = quick_options();
  options.cancel = &cancel;
  std::thread canceller([&cancel] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel = true;
  });
  auto start = std::chrono::steady_clock::now();
  HttpResponse response;
  std::string err;
  EXPECT_FALSE(http_get(url, options, &response, &err));
  canceller.join();
  EXPECT_EQ(err, "download of " + url + " cancelled");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(HttpClientTest, MessagesHideCredentialsAndTokens) {
  std::string port = std::to_string(server_.port());
  std::string url = "http://builder:s3cret@127.0.0.1:" + port + "/private/root.tar?token=abc123";
  std::string err;
  EXPECT_EQ(HttpByteSource::open(url, quick_options(), &err), nullptr);
  EXPECT_EQ(err, "cannot download http://***@127.0.0.1:" + port +
                     "/private/root.tar?***: HTTP 404 Not Found; check the URL");
  // The credentials were used, only not shown.
  std::vector<test_support::RecordedRequest> requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].header("Authorization"), "Basic YnVpbGRlcjpzM2NyZXQ=");
  EXPECT_EQ(requests[0].target, "/private/root.tar?token=abc123");

  server_.stop();  // nothing listens there now
  HttpResponse response;
  EXPECT_FALSE(http_get(url, quick_options(), &response, &err));
  EXPECT_EQ(err.rfind("cannot download http://***@127.0.0.1:" + port + "/private/root.tar?***: ", 0),
            0u)
      << err;
  EXPECT_EQ(err.find("s3cret"), std::string::npos) << err;
  EXPECT_EQ(err.find("abc123"), std::string::npos) << err;
}

TEST_F(HttpClientTest, UsesTheProxyFromTheEnvironment) {
  std::string content = test_content(200000, 13);
  std::string url = put("/root.tar", content);
  TestHttpServer proxy(scratch_.path() + "/nothing-here");
  proxy.set_forward_proxy(true);
  std::string err;
  ASSERT_TRUE(proxy.start(&err)) << err;
  ScopedEnvironment http_proxy("http_proxy", proxy.url(""));
  ScopedEnvironment no_proxy("no_proxy", "");
  ScopedEnvironment no_proxy_upper("NO_PROXY", "");

  std::unique_ptr<HttpByteSource> source = HttpByteSource::open(url, quick_options(), &err);
  ASSERT_NE(source, nullptr) << err;
  std::string received;
  ASSERT_TRUE(read_all(source.get(), &received, &err)) << err;
  EXPECT_TRUE(received == content);
  std::vector<test_support::RecordedRequest> proxied = proxy.requests();
  ASSERT_EQ(proxied.size(), 1u);
  EXPECT_EQ(proxied[0].target, url);
  std::vector<test_support::RecordedRequest> direct = server_.requests();
  ASSERT_EQ(direct.size(), 1u);
  EXPECT_EQ(direct[0].header("Via"), "1.1 sdme-test-proxy");

  // no_proxy takes the origin out again.
  ScopedEnvironment bypass("no_proxy", "127.0.0.1");
  HttpResponse response;
  ASSERT_TRUE(http_get(url, quick_options(), &response, &err)) << err;
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(proxy.requests().size(), 1u);
  EXPECT_EQ(server_.request_count("/root.tar"), 2);
}

// openssl s_server with a self-signed certificate for 127.0.0.1.
class TlsServer {
 public:
  bool start(const std::string& directory, std::string* err) {
    cert_ = directory + "/cert.pem";
    std::string key = directory + "/key.pem";
    std::string make_cert =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
        " -addext subjectAltName=IP:127.0.0.1 -keyout " +
        key + " -out " + cert_ + " 2>/dev/null";
    if (std::system(make_cert.c_str()) != 0) {
      *err = "openssl req failed";
      return false;
    }
    port_ = free_port();
    std::string accept = "127.0.0.1:" + std::to_string(port_);
    const char* argv[] = {"openssl", "s_server",     "-quiet", "-www",
                          "-accept", accept.c_str(), "-cert",  cert_.c_str(),
                          "-key",    key.c_str(),    nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    int status =
        posix_spawnp(&pid_, "openssl", &actions, nullptr, const_cast<char**>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (status != 0) {
      pid_ = -1;
      *err = "cannot start openssl s_server";
      return false;
    }
    for (int i = 0; i < 100; ++i) {  // until it listens
      if (can_connect(port_)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    *err = "openssl s_server did not listen";
    return false;
  }
  ~TlsServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  std::string url(const std::string& path) const {
    return "https://127.0.0.1:" + std::to_string(port_) + path;
  }
  const std::string& certificate() const { return cert_; }

 private:
  static uint16_t free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
  }
  static bool can_connect(uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return connected;
  }

  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string cert_;
};

TEST_F(HttpClientTest, VerifiesTlsAndTrustsTheConfiguredCaFile) {
  TlsServer tls;
  std::string err;
  ASSERT_TRUE(tls.start(scratch_.path(), &err)) << err;
  std::string url = tls.url("/");
  HttpResponse response;
  EXPECT_FALSE(http_get(url, quick_options(), &response, &err));
  EXPECT_EQ(err, "cannot download " + url +
                     ": TLS certificate not trusted (SSL certificate problem: self-signed "
                     "certificate); add its CA to the system's trusted CAs or name a CA bundle in "
                     "SDME_IMPORT_CA_FILE");
  EXPECT_EQ(HttpByteSource::open(url, quick_options(), &err), nullptr);
  EXPECT_EQ(err.rfind("cannot download " + url + ": TLS certificate not trusted (", 0), 0u) << err;

  ScopedEnvironment ca_file("SDME_IMPORT_CA_FILE", tls.certificate());
  ASSERT_TRUE(http_get(url, quick_options(), &response, &err)) << err;
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("s_server"), std::string::npos) << response.body;
}

}  // namespace
}  // namespace sdme::import
