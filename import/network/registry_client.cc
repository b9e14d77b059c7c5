#include "import/network/registry_client.h"

#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "import/formats/sha256.h"

namespace sdme::import {
namespace {

// Every manifest kind sdme understands; registries answer with one of them
// (or convert to one), never with schema 1.
const std::string kManifestAcceptHeader = "Accept: " + std::string(kOciImageIndexMediaType) + ", " +
                                          std::string(kDockerManifestListMediaType) + ", " +
                                          std::string(kOciImageManifestMediaType) + ", " +
                                          std::string(kDockerManifestMediaType);

// Tokens are short JSON documents.
constexpr size_t kMaxTokenResponseSize = 1 << 20;

bool is_token_character(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~/").find(c) != std::string_view::npos;
}

std::string url_encode(std::string_view text) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string encoded;
  for (char c : text) {
    unsigned char byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kDigits[byte >> 4];
      encoded += kDigits[byte & 0xf];
    }
  }
  return encoded;
}

// The host[:port] of an http(s) URL.
std::string url_host(std::string_view url) {
  size_t start = url.find("://");
  if (start == std::string_view::npos) return "";
  start += 3;
  size_t end = url.find_first_of("/?#", start);
  std::string_view authority = url.substr(start, end == std::string_view::npos ? end : end - start);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos)
    authority.remove_prefix(at + 1);
  return std::string(authority);
}

// The state of one pull: where the API is and the token, once there is one.
class RegistrySession {
 public:
  RegistrySession(RegistryTransport& transport, const RegistryReference& reference)
      : transport_(transport), reference_(reference) {}

  const std::string& authorization() const { return authorization_; }
  std::string name() const { return reference_.repository; }
  std::string registry() const { return reference_.registry; }

  // GETs `url`, fetching a token and trying again when the registry asks.
  bool get(const std::string& url, const std::vector<std::string>& extra_headers,
           RegistryResponse* response, std::string* err) {
    if (!get_once(url, extra_headers, response, err)) return false;
    if (response->status != 401 || !authorization_.empty()) return true;
    if (!fetch_token(response->www_authenticate, err)) return false;
    return get_once(url, extra_headers, response, err);
  }

 private:
  bool get_once(const std::string& url, const std::vector<std::string>& extra_headers,
                RegistryResponse* response, std::string* err) {
    std::vector<std::string> headers = extra_headers;
    if (!authorization_.empty()) headers.push_back(authorization_);
    *response = RegistryResponse();
    return transport_.get(url, headers, response, err);
  }

  bool fetch_token(const std::string& www_authenticate, std::string* err) {
    AuthenticationChallenge challenge;
    if (!parse_www_authenticate(www_authenticate, &challenge, err)) {
      *err = "registry " + reference_.registry + " asked for authentication: " + *err;
      return false;
    }
    if (!equals_ignore_case(challenge.scheme, "Bearer")) {
      *err = "registry " + reference_.registry + " asks for " + printable(challenge.scheme) +
             " authentication, which sdme does not support; only anonymous bearer tokens are";
      return false;
    }
    bool https = challenge.realm.rfind("https://", 0) == 0;
    bool loopback_http =
        challenge.realm.rfind("http://", 0) == 0 && is_loopback_registry(url_host(challenge.realm));
    if (!https && !loopback_http) {
      *err = "registry " + reference_.registry + " names token service \"" +
             printable(challenge.realm) + "\", which is not an https URL; refusing it";
      return false;
    }
    std::string scope =
        challenge.scope.empty() ? "repository:" + reference_.repository + ":pull" : challenge.scope;
    std::string url =
        challenge.realm + (challenge.realm.find('?') == std::string::npos ? "?" : "&");
    if (!challenge.service.empty()) url += "service=" + url_encode(challenge.service) + "&";
    url += "scope=" + url_encode(scope);
    RegistryResponse response;
    if (!transport_.get(url, {}, &response, err)) return false;
    if (response.status != 200) {
      *err = "token service " + challenge.realm + " answered HTTP " +
             std::to_string(response.status) + " for " + reference_.to_string() +
             " (the image may be private or not exist)";
      return false;
    }
    if (response.body.size() > kMaxTokenResponseSize) {
      *err = "token service " + challenge.realm + " sent an oversized answer";
      return false;
    }
    auto document = nlohmann::json::parse(response.body, nullptr, false);
    std::string token;
    if (!document.is_discarded() && document.is_object()) {
      for (const char* key : {"token", "access_token"}) {
        auto it = document.find(key);
        if (it != document.end() && it->is_string() && !it->get<std::string>().empty()) {
          token = it->get<std::string>();
          break;
        }
      }
    }
    // The token goes into a header line: it must not be able to add one.
    if (token.empty() || token.find_first_of("\r\n") != std::string::npos) {
      *err = "token service " + challenge.realm + " sent no usable token";
      return false;
    }
    authorization_ = "Authorization: Bearer " + token;
    return true;
  }

  RegistryTransport& transport_;
  const RegistryReference& reference_;
  std::string authorization_;
};

std::string manifest_url(const RegistryReference& reference, const std::string& tag_or_digest) {
  return reference.api_base_url + "/v2/" + reference.repository + "/manifests/" + tag_or_digest;
}

std::string blob_url(const RegistryReference& reference, const std::string& digest) {
  return reference.api_base_url + "/v2/" + reference.repository + "/blobs/" + digest;
}

// Checks a status and names the failure the way a user can act on.
bool check_status(const RegistryResponse& response, const RegistryReference& reference,
                  const std::string& what, const std::string& url, std::string* err) {
  if (response.status == 200) return true;
  if (response.status == 404) {
    *err = what == "manifest"
               ? "image " + reference.repository + ":" + reference.manifest_reference() +
                     " not found in registry " + reference.registry + " (check the name and tag)"
               : "registry " + reference.registry + " has no " + what + " at " + url;
    // Digests pinned in a reference name the image by digest, not tag.
    if (what == "manifest" && !reference.digest.empty()) {
      *err = "image " + reference.repository + "@" + reference.digest + " not found in registry " +
             reference.registry + " (check the name and digest)";
    }
    return false;
  }
  if (response.status == 401 || response.status == 403) {
    *err = "registry " + reference.registry + " refused access to " + reference.to_string() +
           " (HTTP " + std::to_string(response.status) +
           "); the image may be private, and sdme pulls anonymously";
    return false;
  }
  *err = "registry " + reference.registry + " answered HTTP " + std::to_string(response.status) +
         " for " + url;
  return false;
}

// Checks a manifest's bytes against the digest it was asked by and the one
// the registry says it sent.
bool check_manifest_digest(const RegistryResponse& response, const std::string& requested_digest,
                           const std::string& url, std::string* err) {
  std::string actual = "sha256:" + sha256_hex(response.body);
  if (!requested_digest.empty() && actual != requested_digest) {
    *err = url + ": digest mismatch: expected " + requested_digest + ", got " + actual +
           "; the registry sent a different manifest";
    return false;
  }
  const std::string& header = response.docker_content_digest;
  if (!header.empty() && header.rfind("sha256:", 0) == 0 && header != actual) {
    *err = url + ": digest mismatch: Docker-Content-Digest says " + printable(header) + ", got " +
           actual + "; the manifest is corrupt";
    return false;
  }
  return true;
}

class RegistryStore : public ManifestStore {
 public:
  RegistryStore(RegistrySession& session, const RegistryReference& reference)
      : session_(session), reference_(reference) {}

  bool read_manifest(const Descriptor& descriptor, std::string* content, std::string* content_type,
                     std::string* err) override {
    std::string url = manifest_url(reference_, descriptor.digest);
    RegistryResponse response;
    if (!session_.get(url, {kManifestAcceptHeader}, &response, err) ||
        !check_status(response, reference_, "manifest " + descriptor.digest, url, err) ||
        !check_manifest_digest(response, descriptor.digest, url, err))
      return false;
    *content = std::move(response.body);
    *content_type = std::move(response.content_type);
    return true;
  }
  bool read_config(const Descriptor& descriptor, std::string* content, std::string* err) override {
    std::string url = blob_url(reference_, descriptor.digest);
    RegistryResponse response;
    if (!session_.get(url, {}, &response, err) ||
        !check_status(response, reference_, "config blob", url, err))
      return false;
    if (response.body.size() > kMaxConfigSize) {
      *err = url + ": the image config is larger than " + std::to_string(kMaxConfigSize) + " bytes";
      return false;
    }
    *content = std::move(response.body);
    return true;
  }
  std::string describe(const Descriptor& descriptor) const override {
    return is_index_media_type(descriptor.media_type) ||
                   is_manifest_media_type(descriptor.media_type)
               ? manifest_url(reference_, descriptor.digest)
               : blob_url(reference_, descriptor.digest);
  }

 private:
  RegistrySession& session_;
  const RegistryReference& reference_;
};

}  // namespace

bool parse_www_authenticate(std::string_view header, AuthenticationChallenge* challenge,
                            std::string* err) {
  std::string_view rest = strip(header);
  size_t i = 0;
  while (i < rest.size() && is_token_character(rest[i])) ++i;
  if (i == 0) {
    *err = "malformed WWW-Authenticate header \"" + printable(header) + "\"";
    return false;
  }
  AuthenticationChallenge result;
  result.scheme = rest.substr(0, i);
  auto malformed = [&]() {
    *err = "malformed WWW-Authenticate header \"" + printable(header) + "\"";
    return false;
  };
  for (;;) {
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t' || rest[i] == ',')) ++i;
    if (i == rest.size()) break;
    size_t name_start = i;
    while (i < rest.size() && is_token_character(rest[i])) ++i;
    std::string name(rest.substr(name_start, i - name_start));
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
    if (name.empty() || i == rest.size() || rest[i] != '=') return malformed();
    ++i;
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
    std::string value;
    if (i < rest.size() && rest[i] == '"') {
      ++i;
      bool closed = false;
      while (i < rest.size()) {
        char c = rest[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {
          if (i == rest.size()) return malformed();
          c = rest[i++];
        }
        value += c;
      }
      if (!closed) return malformed();
    } else {
      size_t value_start = i;
      while (i < rest.size() && is_token_character(rest[i])) ++i;
      value = rest.substr(value_start, i - value_start);
      if (value.empty()) return malformed();
    }
    if (equals_ignore_case(name, "realm"))
      result.realm = value;
    else if (equals_ignore_case(name, "service"))
      result.service = value;
    else if (equals_ignore_case(name, "scope"))
      result.scope = value;
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
    if (i < rest.size() && rest[i] != ',') return malformed();
  }
  if (equals_ignore_case(result.scheme, "Bearer") && result.realm.empty()) {
    *err = "WWW-Authenticate header \"" + printable(header) + "\" names no realm";
    return false;
  }
  *challenge = std::move(result);
  return true;
}

bool resolve_registry_image(RegistryTransport& transport, const RegistryReference& reference,
                            const std::string& architecture, RegistryImage* image,
                            std::string* err) {
  RegistrySession session(transport, reference);
  std::string url = manifest_url(reference, reference.manifest_reference());
  RegistryResponse response;
  if (!session.get(url, {kManifestAcceptHeader}, &response, err) ||
      !check_status(response, reference, "manifest", url, err) ||
      !check_manifest_digest(response, reference.digest, url, err))
    return false;
  if (response.body.size() > kMaxManifestSize) {
    *err = url + ": the manifest is larger than " + std::to_string(kMaxManifestSize) + " bytes";
    return false;
  }
  RegistryStore store(session, reference);
  ResolvedImage resolved;
  if (!resolve_image_layers(store, response.body, response.content_type, url, architecture, "",
                            &resolved, err))
    return false;
  image->reference = reference;
  image->authorization = session.authorization();
  image->blob_base_url = reference.api_base_url + "/v2/" + reference.repository + "/blobs/";
  image->layers = std::move(resolved.layers);
  image->config = std::move(resolved.config);
  image->config_text = std::move(resolved.config_text);
  image->config_digest = std::move(resolved.config_digest);
  return true;
}

std::unique_ptr<ByteSource> open_registry_blob(RegistryTransport& transport,
                                               const RegistryImage& image,
                                               const LayerDescriptor& layer, std::string* err) {
  if (!validate_digest(layer.digest, err)) return nullptr;
  std::vector<std::string> headers;
  if (!image.authorization.empty()) headers.push_back(image.authorization);
  std::unique_ptr<ByteSource> stream =
      transport.open(image.blob_base_url + layer.digest, headers, err);
  if (!stream) return nullptr;
  return std::make_unique<DigestVerifyingByteSource>(std::move(stream), layer.digest.substr(7),
                                                     layer.size);
}

}  // namespace sdme::import
