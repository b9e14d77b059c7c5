#include "import/network/registry_transport_curl.h"

#include "common/url_redaction.h"
#include "import/network/http_client.h"
#include "import/formats/oci_manifest.h"
#include "import/network/registry_reference.h"

namespace sdme::import {
namespace {

// Manifests, configs and token answers are all small; the largest allowed is
// a config.
constexpr uint64_t kMaxDocumentSize = kMaxConfigSize;

// The host[:port] of a URL, for the loopback check.
std::string url_authority(const std::string& url) {
  size_t start = url.find("://");
  if (start == std::string::npos) return "";
  start += 3;
  size_t end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? end : end - start);
  if (size_t at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  return authority;
}

// Registries other than on loopback are spoken to over https only: a plain
// http URL there would expose the bearer token and let anyone on the path
// choose the manifest.
bool check_scheme(const std::string& url, std::string* err) {
  if (url.rfind("https://", 0) == 0) return true;
  if (url.rfind("http://", 0) == 0 && is_loopback_registry(url_authority(url))) return true;
  *err = redact_url(url) + ": registries are reached over https only (plain http only on loopback)";
  return false;
}

}  // namespace

bool CurlRegistryTransport::get(const std::string& url, const std::vector<std::string>& headers,
                                RegistryResponse* response, std::string* err) {
  if (!check_scheme(url, err)) return false;
  HttpOptions options;
  options.headers = headers;
  options.max_bytes = kMaxDocumentSize;
  options.cancel = cancel_;
  HttpResponse http;
  if (!http_get(url, options, &http, err)) return false;
  response->status = http.status;
  response->body = std::move(http.body);
  response->content_type = std::move(http.content_type);
  response->www_authenticate = std::move(http.www_authenticate);
  response->docker_content_digest = std::move(http.docker_content_digest);
  return true;
}

std::unique_ptr<ByteSource> CurlRegistryTransport::open(const std::string& url,
                                                        const std::vector<std::string>& headers,
                                                        std::string* err) {
  if (!check_scheme(url, err)) return nullptr;
  HttpOptions options;
  options.headers = headers;
  options.cancel = cancel_;
  return HttpByteSource::open(url, options, err);
}

}  // namespace sdme::import
