// Downloads over http and https with libcurl: whole small responses
// (manifests, tokens) and streamed bodies that libarchive reads as they
// arrive, resuming with a Range request when a connection breaks.
//
// TLS peers are always verified against the system's trusted CAs. An admin
// (or a test) can trust one more CA bundle by naming a PEM file in the
// environment variable SDME_IMPORT_CA_FILE; the system's hashed CA directory
// (/etc/ssl/certs) stays trusted as well. Proxies come from the usual
// environment variables, as for curl(1): http_proxy, https_proxy, all_proxy,
// no_proxy (and their uppercase forms, except HTTP_PROXY). Redirects are
// followed (at most 10), to http and https URLs only.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "import/formats/byte_source.h"

namespace sdme::import {

struct HttpOptions {
  std::vector<std::string> headers;  // extra request headers, "Name: value"
  uint64_t max_bytes = 50ull << 30;  // body cap; more is an error naming the cap
  // For streams: how many connections in a row may break off at the same
  // byte. One that brought new bytes starts the count over, so a long
  // download on a flaky link goes on as long as it gets somewhere.
  int max_attempts = 5;
  const std::atomic<bool>* cancel = nullptr;
  // Wait before reconnecting a broken stream, times the breaks in a row.
  std::chrono::milliseconds retry_delay{1000};
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string content_type;
  std::string www_authenticate;       // WWW-Authenticate header, for registry bearer auth
  std::string docker_content_digest;  // Docker-Content-Digest header
  std::string effective_url;          // after redirects
};

// A whole small response (manifests, tokens). True for any HTTP status (the
// caller checks); false only when no response was received (DNS, TLS,
// connect, cap exceeded, cancelled) with `*err` set.
bool http_get(const std::string& url, const HttpOptions& options, HttpResponse* response,
              std::string* err);

// A streamed response body, pulled by read(): libcurl's multi interface is
// driven only inside read(), and the transfer is paused while the consumer's
// buffer is full, so nothing is spooled to disk and no thread is needed.
class HttpByteSource : public ByteSource {
 public:
  // Sends the request and waits for the response; nullptr and `*err` when
  // none came or its status is 400 or more (the message names the redacted
  // URL and the status). A connection that broke before the response is
  // retried like one that broke mid-body.
  static std::unique_ptr<HttpByteSource> open(const std::string& url, const HttpOptions& options,
                                              std::string* err);
  ~HttpByteSource() override;

  bool read(const void** data, size_t* size, std::string* err) override;
  // Content-Length of the first response, or 0 when the server sent none.
  uint64_t expected_size() const override;
  std::string description() const override;
  // Status and headers of the first response (its body is not kept here).
  const HttpResponse& response() const;
  // How many requests were made, including resumptions.
  int attempts() const;

 private:
  struct Transfer;
  explicit HttpByteSource(std::unique_ptr<Transfer> transfer);
  std::unique_ptr<Transfer> transfer_;
};

}  // namespace sdme::import
