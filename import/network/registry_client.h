// Pulling an image from a registry (the OCI Distribution Spec, v2 API):
// manifest by tag or digest, anonymous bearer tokens, choosing the platform
// in a manifest list, the config, and verified streams of the layer blobs.
// The HTTP requests go through RegistryTransport, so the protocol is tested
// without a network and the real transport stays a thin layer over libcurl.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "import/formats/byte_source.h"
#include "import/formats/oci_manifest.h"
#include "import/network/registry_reference.h"

namespace sdme::import {

struct RegistryResponse {
  long status = 0;
  std::string body, content_type, www_authenticate, docker_content_digest;
};

class RegistryTransport {
 public:
  virtual ~RegistryTransport() = default;
  // A GET whose whole body is wanted (manifests, configs, tokens). `headers`
  // are "Name: value" lines. False only when no HTTP answer came at all; any
  // status is a response. Redirects are followed.
  virtual bool get(const std::string& url, const std::vector<std::string>& headers,
                   RegistryResponse* response, std::string* err) = 0;
  // A GET streamed as it is read (layer blobs). Fails (nullptr) unless the
  // final answer is a success.
  virtual std::unique_ptr<ByteSource> open(const std::string& url,
                                           const std::vector<std::string>& headers,
                                           std::string* err) = 0;
};

// A parsed WWW-Authenticate challenge: its scheme ("Bearer", "Basic") and
// parameters (realm, service, scope), unquoted.
struct AuthenticationChallenge {
  std::string scheme, realm, service, scope;
};
bool parse_www_authenticate(std::string_view header, AuthenticationChallenge* challenge,
                            std::string* err);

struct RegistryImage {
  RegistryReference reference;
  // "Authorization: Bearer TOKEN" when the registry asked for a token, else empty.
  std::string authorization;
  // API_BASE/v2/REPOSITORY/blobs/: a layer's URL is this and its digest.
  std::string blob_base_url;
  std::vector<LayerDescriptor> layers;  // bottom first
  // The image's config, parsed and as the bytes whose digest was checked
  // (kept next to the tree of an application image); config_digest is
  // "sha256:HEX".
  ImageConfig config;
  std::string config_text, config_digest;
};

// Resolves `reference` to the image for linux on `architecture`: fetches the
// manifest (getting a token if asked), chooses in a manifest list, checks the
// digests of every document and the config's platform, and returns the
// layers and the config.
bool resolve_registry_image(RegistryTransport& transport, const RegistryReference& reference,
                            const std::string& architecture, RegistryImage* image,
                            std::string* err);

// Opens a layer's blob, verified against its digest and size as it is read.
std::unique_ptr<ByteSource> open_registry_blob(RegistryTransport& transport,
                                               const RegistryImage& image,
                                               const LayerDescriptor& layer, std::string* err);

}  // namespace sdme::import
