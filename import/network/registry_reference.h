// Image references as docker writes them ("debian:12",
// "docker.io/library/debian:12", "localhost:5000/x/y:tag",
// "quay.io/org/img@sha256:..."), split into registry, repository and tag or
// digest, and the base URL of the registry's API.
#pragma once

#include <string>
#include <string_view>

namespace sdme::import {

struct RegistryReference {
  std::string registry;    // as written, e.g. "docker.io", "localhost:5000"
  std::string repository;  // e.g. "library/debian"
  std::string tag;         // "latest" when neither tag nor digest is given
  std::string digest;      // "sha256:HEX" when pinned; empty otherwise
  // Where the API is: "https://HOST" or, for loopback registries, "http://HOST".
  std::string api_base_url;

  // The tag or digest to ask the registry for.
  const std::string& manifest_reference() const { return digest.empty() ? tag : digest; }
  // registry/repository:tag or registry/repository@digest, for messages.
  std::string to_string() const;
};

bool parse_registry_reference(std::string_view text, RegistryReference* reference,
                              std::string* err);

// Whether `text` is written like an image reference rather than a path
// ("./x", "/x", "x.tar") or a URL ("https://..."), for telling sources apart.
bool looks_like_registry_reference(std::string_view text);

// Whether a registry host ("localhost:5000", "127.0.0.1", "[::1]:5000") is on
// the loopback interface, where plain http is allowed.
bool is_loopback_registry(std::string_view registry);

}  // namespace sdme::import
