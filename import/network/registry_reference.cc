#include "import/network/registry_reference.h"

#include <vector>

#include "common/strings.h"

namespace sdme::import {
namespace {

// The host docker.io's API actually lives on.
constexpr std::string_view kDefaultRegistryApiHost = "registry-1.docker.io";

std::string_view host_without_port(std::string_view registry) {
  if (!registry.empty() && registry.front() == '[') {
    size_t close = registry.find(']');
    return registry.substr(1, close == std::string_view::npos ? close : close - 1);
  }
  return registry.substr(0, registry.find(':'));
}

}  // namespace

bool is_loopback_registry(std::string_view registry) {
  std::string_view host = host_without_port(registry);
  if (host == "localhost" || host == "::1") return true;
  // 127.0.0.0/8, written as four decimal numbers.
  std::vector<std::string> octets = split(host, '.');
  if (octets.size() != 4 || octets[0] != "127") return false;
  for (const std::string& octet : octets) {
    if (octet.empty() || octet.size() > 3 ||
        octet.find_first_not_of("0123456789") != std::string::npos || std::stoi(octet) > 255)
      return false;
  }
  return true;
}

RegistryReference registry_reference(const ImageReference& image) {
  RegistryReference reference;
  static_cast<ImageReference&>(reference) = image;
  if (image.registry == kDefaultImageRegistry)
    reference.api_base_url = "https://" + std::string(kDefaultRegistryApiHost);
  else
    reference.api_base_url =
        (is_loopback_registry(image.registry) ? "http://" : "https://") + image.registry;
  return reference;
}

bool parse_registry_reference(std::string_view text, RegistryReference* reference,
                              std::string* err) {
  ImageReference image;
  std::string why;
  if (!parse_image_reference(text, &image, &why)) {
    *err = "invalid image reference \"" + printable(text) + "\": " + why;
    return false;
  }
  *reference = registry_reference(image);
  return true;
}

}  // namespace sdme::import
