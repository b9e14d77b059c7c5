// Where the registry an image reference names is reached: the base URL of
// its API. The reference's grammar is common/image_reference.h, which the
// generator checks Import= with too.
#pragma once

#include <string>
#include <string_view>

#include "common/image_reference.h"

namespace sdme::import {

struct RegistryReference : ImageReference {
  // Where the API is: "https://HOST" or, for loopback registries, "http://HOST".
  std::string api_base_url;
};

// The reference with the URL of its registry's API.
RegistryReference registry_reference(const ImageReference& image);

// parse_image_reference() and registry_reference() in one; the message names
// the text: invalid image reference "TEXT": WHY.
bool parse_registry_reference(std::string_view text, RegistryReference* reference,
                              std::string* err);

// Whether a registry host ("localhost:5000", "127.0.0.1", "[::1]:5000") is on
// the loopback interface, where plain http is allowed.
bool is_loopback_registry(std::string_view registry);

}  // namespace sdme::import
