// libcurl behind http_get and HttpByteSource: one place sets the options every
// request shares (verified TLS, http/https only, timeouts, the user agent),
// and the stream's resumption logic lives next to the callbacks it depends on.
#include "import/network/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "common/strings.h"
#include "common/url_redaction.h"

namespace sdme::import {
namespace {

constexpr const char* kUserAgent = "sdme-import/0.1";
constexpr long kMaxRedirects = 10;
constexpr long kConnectTimeoutSeconds = 30;
// Aborts a transfer that moves less than a byte per second for a minute.
constexpr long kLowSpeedLimit = 1;
constexpr long kLowSpeedTimeSeconds = 60;
// The stream hands the consumer what has arrived once it holds this much;
// beyond it the transfer is paused until the next read().
constexpr size_t kStreamBufferTarget = 256 * 1024;
constexpr long kCurlBufferSize = 128 * 1024;
// How long one wait for the network lasts before cancellation is checked again.
constexpr int kPollMilliseconds = 100;

void initialize_curl_once() {
  static const bool initialized = [] {
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  }();
  (void)initialized;
}

bool cancelled(const std::atomic<bool>* cancel) { return cancel != nullptr && cancel->load(); }

// Headers of the last response on a handle; redirects and 1xx responses each
// start over, so what remains describes the final response.
struct ResponseHeaders {
  std::string status_line;
  std::string content_type;
  std::string www_authenticate;
  std::string docker_content_digest;
  std::string etag;
  std::string last_modified;
  std::string content_range;
  bool has_content_length = false;
  uint64_t content_length = 0;
};

size_t collect_header(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<ResponseHeaders*>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    *headers = ResponseHeaders();
    headers->status_line = std::string(strip(line));
    return size * count;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string_view name = line.substr(0, colon);
  std::string value(strip(line.substr(colon + 1)));
  if (equals_ignore_case(name, "Content-Type")) {
    headers->content_type = value;
  } else if (equals_ignore_case(name, "WWW-Authenticate")) {
    headers->www_authenticate = value;
  } else if (equals_ignore_case(name, "Docker-Content-Digest")) {
    headers->docker_content_digest = value;
  } else if (equals_ignore_case(name, "ETag")) {
    headers->etag = value;
  } else if (equals_ignore_case(name, "Last-Modified")) {
    headers->last_modified = value;
  } else if (equals_ignore_case(name, "Content-Range")) {
    headers->content_range = value;
  } else if (equals_ignore_case(name, "Content-Length")) {
    char* end = nullptr;
    unsigned long long length = std::strtoull(value.c_str(), &end, 10);
    if (!value.empty() && end != nullptr && *end == '\0') {
      headers->has_content_length = true;
      headers->content_length = length;
    }
  }
  return size * count;
}

// "HTTP/1.1 404 Not Found" -> "404 Not Found"; HTTP/2 has no reason phrase.
std::string status_text(const ResponseHeaders& headers, long status) {
  size_t space = headers.status_line.find(' ');
  if (space != std::string::npos) return headers.status_line.substr(space + 1);
  return std::to_string(status);
}

std::string status_advice(long status) {
  if (status == 401 || status == 403) return "check the credentials and access rights";
  if (status == 404 || status == 410) return "check the URL";
  if (status >= 500) return "the server failed; try again later";
  return "check the URL and the server";
}

std::string cap_message(const std::string& url, uint64_t max_bytes) {
  return "download of " + url + " exceeds the limit of " + std::to_string(max_bytes) + " bytes";
}

// Failures where the server was reached and the connection then broke, as
// opposed to a name, route or certificate that is wrong.
bool broken_connection(CURLcode code) {
  return code == CURLE_GOT_NOTHING || code == CURLE_PARTIAL_FILE || code == CURLE_RECV_ERROR ||
         code == CURLE_SEND_ERROR;
}

int check_cancel(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return cancelled(static_cast<const std::atomic<bool>*>(user)) ? 1 : 0;
}

// The message for a transfer that ended without a response, from libcurl's
// own words, with a hint where the cause is a local setting.
std::string failure_message(const std::string& url, CURLcode code, const char* error_buffer) {
  std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE)
    return "cannot download " + url + ": TLS certificate not trusted (" + detail +
           "); add its CA to the system's trusted CAs or name a CA bundle in SDME_IMPORT_CA_FILE";
  if (code == CURLE_UNSUPPORTED_PROTOCOL)
    return "cannot download " + url + ": " + detail + "; only http and https URLs are supported";
  return "cannot download " + url + ": " + detail;
}

// An easy handle with a header list that lives as long as it does.
class CurlHandle {
 public:
  CurlHandle() : handle_(curl_easy_init()) { error_buffer_[0] = '\0'; }
  CurlHandle(const CurlHandle&) = delete;
  CurlHandle& operator=(const CurlHandle&) = delete;
  ~CurlHandle() {
    if (handle_ != nullptr) curl_easy_cleanup(handle_);
    if (header_list_ != nullptr) curl_slist_free_all(header_list_);
  }
  CURL* get() const { return handle_; }
  const char* error_buffer() const { return error_buffer_; }

  // The options every request shares.
  bool configure(const std::string& url, const HttpOptions& options,
                 const std::vector<std::string>& extra_headers, ResponseHeaders* headers,
                 std::string* err) {
    if (handle_ == nullptr) {
      *err = "cannot download " + redact_url(url) + ": libcurl could not create a handle";
      return false;
    }
    for (const std::string& header : options.headers) append_header(header);
    for (const std::string& header : extra_headers) append_header(header);
    CURL* h = handle_;
    bool ok = curl_easy_setopt(h, CURLOPT_URL, url.c_str()) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer_) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_MAXREDIRS, kMaxRedirects) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutSeconds) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, kLowSpeedLimit) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, kLowSpeedTimeSeconds) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_USERAGENT, kUserAgent) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_BUFFERSIZE, kCurlBufferSize) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, collect_header) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_HEADERDATA, headers) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, check_cancel) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_XFERINFODATA, options.cancel) == CURLE_OK;
    if (ok && header_list_ != nullptr)
      ok = curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list_) == CURLE_OK;
    // CAINFO replaces only the bundle file; the default CA directory stays.
    const char* ca_file = std::getenv("SDME_IMPORT_CA_FILE");
    if (ok && ca_file != nullptr && ca_file[0] != '\0')
      ok = curl_easy_setopt(h, CURLOPT_CAINFO, ca_file) == CURLE_OK;
    if (!ok) *err = "cannot download " + redact_url(url) + ": libcurl rejected an option";
    return ok;
  }

 private:
  void append_header(const std::string& header) {
    header_list_ = curl_slist_append(header_list_, header.c_str());
  }

  CURL* handle_;
  curl_slist* header_list_ = nullptr;
  char error_buffer_[CURL_ERROR_SIZE];
};

struct BodyCollector {
  std::string* body;
  uint64_t max_bytes;
  bool over_cap = false;
};

size_t collect_body(char* data, size_t size, size_t count, void* user) {
  auto* collector = static_cast<BodyCollector*>(user);
  size_t n = size * count;
  if (collector->body->size() + n > collector->max_bytes) {
    collector->over_cap = true;
    return 0;
  }
  collector->body->append(data, n);
  return n;
}

// "bytes 100-199/1000" -> first 100, total 1000 ("*" total -> 0).
bool parse_content_range(const std::string& value, uint64_t* first, uint64_t* total) {
  std::string_view text = value;
  if (text.rfind("bytes ", 0) != 0) return false;
  text.remove_prefix(6);
  size_t dash = text.find('-');
  size_t slash = text.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || dash > slash)
    return false;
  std::string first_text(text.substr(0, dash));
  std::string total_text(text.substr(slash + 1));
  char* end = nullptr;
  *first = std::strtoull(first_text.c_str(), &end, 10);
  if (first_text.empty() || *end != '\0') return false;
  if (total_text == "*") {
    *total = 0;
    return true;
  }
  *total = std::strtoull(total_text.c_str(), &end, 10);
  return !total_text.empty() && *end == '\0';
}

}  // namespace

bool http_get(const std::string& url, const HttpOptions& options, HttpResponse* response,
              std::string* err) {
  initialize_curl_once();
  *response = HttpResponse();
  std::string shown_url = redact_url(url);
  CurlHandle handle;
  ResponseHeaders headers;
  if (!handle.configure(url, options, {}, &headers, err)) return false;
  BodyCollector collector{&response->body, options.max_bytes};
  curl_easy_setopt(handle.get(), CURLOPT_WRITEFUNCTION, collect_body);
  curl_easy_setopt(handle.get(), CURLOPT_WRITEDATA, &collector);
  // Refuses an announced Content-Length over the cap before any body arrives.
  curl_easy_setopt(handle.get(), CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(std::min<uint64_t>(options.max_bytes, INT64_MAX)));
  CURLcode code = curl_easy_perform(handle.get());
  if (code != CURLE_OK) {
    if (collector.over_cap || code == CURLE_FILESIZE_EXCEEDED)
      *err = cap_message(shown_url, options.max_bytes);
    else if (code == CURLE_ABORTED_BY_CALLBACK)
      *err = "download of " + shown_url + " cancelled";
    else
      *err = failure_message(shown_url, code, handle.error_buffer());
    response->body.clear();
    return false;
  }
  curl_easy_getinfo(handle.get(), CURLINFO_RESPONSE_CODE, &response->status);
  char* effective_url = nullptr;
  curl_easy_getinfo(handle.get(), CURLINFO_EFFECTIVE_URL, &effective_url);
  if (effective_url != nullptr) response->effective_url = effective_url;
  response->content_type = headers.content_type;
  response->www_authenticate = headers.www_authenticate;
  response->docker_content_digest = headers.docker_content_digest;
  return true;
}

// One download, across as many connections as it takes.
struct HttpByteSource::Transfer {
  std::string url;
  std::string shown_url;
  HttpOptions options;

  CURLM* multi = nullptr;
  std::unique_ptr<CurlHandle> handle;  // the current attempt's request
  ResponseHeaders headers;             // the current attempt's response
  int attempts = 0;
  int breaks_in_a_row = 0;        // broken attempts since one last brought new bytes
  uint64_t attempt_start = 0;     // `offset` when the current attempt began
  bool response_checked = false;  // the current attempt's status and range were accepted
  bool paused = false;
  bool retry_pending = false;  // the last attempt broke off; reconnect on the next pump
  bool finished = false;       // the whole body has been received
  std::string failure;         // a reason not to retry, set inside a callback

  HttpResponse first_response;
  bool first_response_accepted = false;
  bool has_content_length = false;
  uint64_t content_length = 0;
  std::string first_etag;
  std::string first_last_modified;
  std::string validator;  // strong ETag or Last-Modified, for If-Range

  uint64_t offset = 0;        // body bytes accepted so far
  uint64_t skip = 0;          // bytes of this attempt's body that were accepted before
  std::string buffer;         // bytes for the consumer
  std::string pending_error;  // reported once `buffer` has been handed out
  bool handed_out = false;

  ~Transfer() {
    remove_handle();
    if (multi != nullptr) curl_multi_cleanup(multi);
  }

  void remove_handle() {
    if (handle != nullptr && multi != nullptr) curl_multi_remove_handle(multi, handle->get());
    handle.reset();
  }

  bool start_attempt(std::string* err) {
    ++attempts;
    attempt_start = offset;
    headers = ResponseHeaders();
    response_checked = false;
    paused = false;
    skip = 0;
    handle = std::make_unique<CurlHandle>();
    std::vector<std::string> extra_headers;
    // A validator makes a changed file come back whole (200) instead of as a
    // range of the new file spliced onto the old one.
    if (offset > 0 && !validator.empty()) extra_headers.push_back("If-Range: " + validator);
    if (!handle->configure(url, options, extra_headers, &headers, err)) return false;
    curl_easy_setopt(handle->get(), CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(handle->get(), CURLOPT_WRITEDATA, this);
    std::string range = std::to_string(offset) + "-";
    if (offset > 0) curl_easy_setopt(handle->get(), CURLOPT_RANGE, range.c_str());
    if (curl_multi_add_handle(multi, handle->get()) != CURLM_OK) {
      *err = "cannot download " + shown_url + ": libcurl could not start the transfer";
      return false;
    }
    return true;
  }

  static size_t on_body(char* data, size_t size, size_t count, void* user) {
    return static_cast<Transfer*>(user)->accept(data, size * count);
  }

  size_t accept(const char* data, size_t n) {
    if (!response_checked && !check_response()) return 0;
    // Decided before skipping: a paused chunk is delivered again in full.
    if (buffer.size() >= kStreamBufferTarget) {
      paused = true;
      return CURL_WRITEFUNC_PAUSE;
    }
    size_t skipped = static_cast<size_t>(std::min<uint64_t>(skip, n));
    skip -= skipped;
    size_t fresh = n - skipped;
    if (offset + fresh > options.max_bytes) {
      failure = cap_message(shown_url, options.max_bytes);
      return 0;
    }
    buffer.append(data + skipped, fresh);
    offset += fresh;
    return n;
  }

  long response_status() const {
    long status = 0;
    curl_easy_getinfo(handle->get(), CURLINFO_RESPONSE_CODE, &status);
    return status;
  }

  // Accepts the current attempt's response or sets `failure`.
  bool check_response() {
    response_checked = true;
    long status = response_status();
    if (!first_response_accepted) return check_first_response(status);
    if (status == 206) {
      uint64_t first = 0, total = 0;
      if (!parse_content_range(headers.content_range, &first, &total) || first != offset ||
          (has_content_length && total != 0 && total != content_length)) {
        failure = "cannot resume the download of " + shown_url + " at byte " +
                  std::to_string(offset) + ": the server sent the range \"" +
                  printable(headers.content_range) + "\"; try again";
        return false;
      }
      return true;
    }
    if (status == 200) {
      // If-Range turned the Range request down, or the server ignores ranges.
      bool changed = (!first_etag.empty() && headers.etag != first_etag) ||
                     (!first_last_modified.empty() && first_etag.empty() &&
                      headers.last_modified != first_last_modified) ||
                     (has_content_length &&
                      (!headers.has_content_length || headers.content_length != content_length));
      if (changed) {
        failure = "download of " + shown_url + " changed on the server after " +
                  std::to_string(offset) + " bytes had arrived; start the import again";
        return false;
      }
      skip = offset;
      return true;
    }
    failure = "cannot resume the download of " + shown_url + " at byte " + std::to_string(offset) +
              ": HTTP " + status_text(headers, status) + "; try again";
    return false;
  }

  bool check_first_response(long status) {
    first_response.status = status;
    first_response.content_type = headers.content_type;
    first_response.www_authenticate = headers.www_authenticate;
    first_response.docker_content_digest = headers.docker_content_digest;
    char* effective_url = nullptr;
    curl_easy_getinfo(handle->get(), CURLINFO_EFFECTIVE_URL, &effective_url);
    if (effective_url != nullptr) first_response.effective_url = effective_url;
    if (status >= 400) {
      failure = "cannot download " + shown_url + ": HTTP " + status_text(headers, status) + "; " +
                status_advice(status);
      return false;
    }
    if (status < 200 || status >= 300) {
      failure = "cannot download " + shown_url + ": unexpected HTTP " +
                status_text(headers, status) + "; check the URL";
      return false;
    }
    has_content_length = headers.has_content_length;
    content_length = headers.content_length;
    if (has_content_length && content_length > options.max_bytes) {
      failure = "download of " + shown_url + " is " + std::to_string(content_length) +
                " bytes, more than the limit of " + std::to_string(options.max_bytes) + " bytes";
      return false;
    }
    first_response_accepted = true;
    first_etag = headers.etag;
    first_last_modified = headers.last_modified;
    // A weak ETag cannot be used with If-Range (RFC 9110 13.1.5).
    if (!first_etag.empty() && first_etag.rfind("W/", 0) != 0)
      validator = first_etag;
    else
      validator = first_last_modified;
    return true;
  }

  // Waits for the network once and handles a transfer that ended. False
  // with `*err` when the download failed for good.
  bool pump(std::string* err) {
    if (cancelled(options.cancel)) {
      *err = "download of " + shown_url + " cancelled";
      return false;
    }
    if (retry_pending) {
      retry_pending = false;
      if (!wait_before_retry(err) || !start_attempt(err)) return false;
    }
    int running = 0;
    if (curl_multi_perform(multi, &running) != CURLM_OK) {
      *err = "cannot download " + shown_url + ": libcurl failed";
      return false;
    }
    CURLcode result = CURLE_OK;
    bool done = false;
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg == CURLMSG_DONE) {
        done = true;
        result = message->data.result;
      }
    }
    if (done) return transfer_ended(result, err);
    if (buffer.empty() && !paused) curl_multi_poll(multi, nullptr, 0, kPollMilliseconds, nullptr);
    return true;
  }

  bool transfer_ended(CURLcode result, std::string* err) {
    if (result == CURLE_OK && !response_checked) check_response();  // an empty body
    if (!failure.empty()) {
      *err = failure;
      return false;
    }
    if (result == CURLE_ABORTED_BY_CALLBACK || cancelled(options.cancel)) {
      *err = "download of " + shown_url + " cancelled";
      return false;
    }
    if (result == CURLE_OK && (!has_content_length || offset >= content_length)) {
      finished = true;
      remove_handle();
      return true;
    }
    std::string detail = result == CURLE_OK ? "the connection closed early"
                         : handle->error_buffer()[0] != '\0'
                             ? std::string(handle->error_buffer())
                             : std::string(curl_easy_strerror(result));
    breaks_in_a_row = offset > attempt_start ? 1 : breaks_in_a_row + 1;
    bool retry = breaks_in_a_row < options.max_attempts;
    // Before a first response only a connection that broke is worth another
    // try; a wrong URL, an unreachable host or untrusted TLS stays wrong.
    if (!first_response_accepted && (!retry || !broken_connection(result))) {
      *err = failure_message(shown_url, result, handle->error_buffer());
      return false;
    }
    remove_handle();
    // Every break counted here happened at the same byte.
    if (!retry) {
      *err = "download of " + shown_url + " broke off at byte " + std::to_string(offset) + " " +
             std::to_string(breaks_in_a_row) + " times in a row; last error: " + detail +
             "; check the network and try again";
      return false;
    }
    // Started by the next pump, so open() returns with the first response
    // rather than reconnecting before the consumer has asked for more.
    retry_pending = true;
    return true;
  }

  bool wait_before_retry(std::string* err) {
    auto until = std::chrono::steady_clock::now() + options.retry_delay * breaks_in_a_row;
    while (std::chrono::steady_clock::now() < until) {
      if (cancelled(options.cancel)) {
        *err = "download of " + shown_url + " cancelled";
        return false;
      }
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          until - std::chrono::steady_clock::now(), std::chrono::milliseconds(kPollMilliseconds)));
    }
    return true;
  }
};

std::unique_ptr<HttpByteSource> HttpByteSource::open(const std::string& url,
                                                     const HttpOptions& options, std::string* err) {
  initialize_curl_once();
  auto transfer = std::make_unique<Transfer>();
  transfer->url = url;
  transfer->shown_url = redact_url(url);
  transfer->options = options;
  if (transfer->options.max_attempts < 1) transfer->options.max_attempts = 1;
  transfer->multi = curl_multi_init();
  if (transfer->multi == nullptr) {
    *err = "cannot download " + transfer->shown_url + ": libcurl could not create a handle";
    return nullptr;
  }
  if (!transfer->start_attempt(err)) return nullptr;
  // Until the first response is accepted; a retry may already be under way.
  while (!transfer->first_response_accepted && !transfer->finished) {
    if (transfer->pump(err)) continue;
    if (!transfer->first_response_accepted || transfer->buffer.empty()) return nullptr;
    transfer->pending_error = *err;
    break;
  }
  return std::unique_ptr<HttpByteSource>(new HttpByteSource(std::move(transfer)));
}

HttpByteSource::HttpByteSource(std::unique_ptr<Transfer> transfer)
    : transfer_(std::move(transfer)) {}

HttpByteSource::~HttpByteSource() = default;

bool HttpByteSource::read(const void** data, size_t* size, std::string* err) {
  Transfer& t = *transfer_;
  if (t.handed_out) {
    t.buffer.clear();
    t.handed_out = false;
  }
  if (t.paused && t.handle != nullptr) {
    t.paused = false;
    curl_easy_pause(t.handle->get(), CURLPAUSE_CONT);
  }
  if (!t.pending_error.empty()) {
    *err = t.pending_error;
    return false;
  }
  while (t.buffer.empty() && !t.finished) {
    if (t.pump(err)) continue;
    // Bytes that arrived before the failure still go to the consumer first.
    if (t.buffer.empty()) return false;
    t.pending_error = *err;
    break;
  }
  if (cancelled(t.options.cancel)) {
    *err = "download of " + t.shown_url + " cancelled";
    return false;
  }
  *data = t.buffer.data();
  *size = t.buffer.size();
  t.handed_out = true;
  return true;
}

uint64_t HttpByteSource::expected_size() const {
  return transfer_->has_content_length ? transfer_->content_length : 0;
}

std::string HttpByteSource::description() const { return transfer_->shown_url; }

const HttpResponse& HttpByteSource::response() const { return transfer_->first_response; }

int HttpByteSource::attempts() const { return transfer_->attempts; }

}  // namespace sdme::import
