#include "import/network/registry_reference.h"

#include <cctype>
#include <vector>

#include "common/strings.h"
#include "import/formats/oci_manifest.h"

namespace sdme::import {
namespace {

// The registry a reference without a host names ("debian" is
// "docker.io/library/debian"), and the host its API actually lives on. This
// is the one registry name sdme knows: docker's default, which users' image
// names assume.
constexpr std::string_view kDefaultRegistry = "docker.io";
constexpr std::string_view kDefaultRegistryApiHost = "registry-1.docker.io";
constexpr std::string_view kDefaultTag = "latest";

bool is_lower_alphanumeric(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// A path component: lowercase alphanumerics separated by '.', '_', "__" or
// runs of '-' (the distribution spec's grammar).
bool valid_path_component(std::string_view component) {
  if (component.empty() || !is_lower_alphanumeric(component.front()) ||
      !is_lower_alphanumeric(component.back()))
    return false;
  for (size_t i = 0; i < component.size(); ++i) {
    char c = component[i];
    if (is_lower_alphanumeric(c) || c == '-') continue;
    if (c == '.' || c == '_') {
      // Separators other than runs of '-' are single, or "__".
      if (!is_lower_alphanumeric(component[i - 1])) {
        if (!(c == '_' && component[i - 1] == '_' && i >= 2 &&
              is_lower_alphanumeric(component[i - 2])))
          return false;
      }
      continue;
    }
    return false;
  }
  return true;
}

bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  for (size_t i = 0; i < tag.size(); ++i) {
    char c = tag[i];
    bool word =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!word && (i == 0 || (c != '.' && c != '-'))) return false;
  }
  return true;
}

bool valid_host(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[') {  // an IPv6 literal, optionally with a port
    size_t close = host.find(']');
    if (close == std::string_view::npos) return false;
    for (char c : host.substr(1, close - 1)) {
      if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.')) return false;
    }
    host.remove_prefix(close + 1);
    if (host.empty()) return true;
    if (host.front() != ':') return false;
    host.remove_prefix(1);
    if (host.empty()) return false;
    for (char c : host) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  }
  size_t colon = host.find(':');
  std::string_view name = host.substr(0, colon);
  if (name.empty()) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.')) return false;
  }
  if (colon != std::string_view::npos) {
    std::string_view port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5) return false;
    for (char c : port) {
      if (c < '0' || c > '9') return false;
    }
  }
  return true;
}

// Docker's rule: the first component names a registry if it has a '.' or a
// ':' or is "localhost".
bool is_registry_host(std::string_view component) {
  return component.find('.') != std::string_view::npos ||
         component.find(':') != std::string_view::npos || component == "localhost" ||
         (!component.empty() && component.front() == '[');
}

std::string_view host_without_port(std::string_view registry) {
  if (!registry.empty() && registry.front() == '[') {
    size_t close = registry.find(']');
    return registry.substr(1, close == std::string_view::npos ? close : close - 1);
  }
  return registry.substr(0, registry.find(':'));
}

}  // namespace

std::string RegistryReference::to_string() const {
  return registry + "/" + repository + (digest.empty() ? ":" + tag : "@" + digest);
}

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

bool parse_registry_reference(std::string_view text, RegistryReference* reference,
                              std::string* err) {
  auto fail = [&](const std::string& why) {
    *err = "invalid image reference \"" + printable(text) + "\": " + why;
    return false;
  };
  RegistryReference result;
  std::string_view rest = text;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    result.digest = rest.substr(at + 1);
    std::string digest_error;
    if (!validate_digest(result.digest, &digest_error))
      return fail(
          "the digest after '@' must be sha256: followed by 64 lower-case hexadecimal digits");
    rest = rest.substr(0, at);
  }
  // A tag follows the last ':' after the last '/' ("localhost:5000/x" has none).
  size_t last_slash = rest.rfind('/');
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    result.tag = rest.substr(colon + 1);
    if (!valid_tag(result.tag))
      return fail("the tag \"" + printable(result.tag) +
                  "\" may hold letters, digits, '_', '.' and '-' (not first), at most 128");
    rest = rest.substr(0, colon);
  }
  std::vector<std::string> components = split(rest, '/');
  if (components.size() > 1 && is_registry_host(components.front())) {
    if (!valid_host(components.front()))
      return fail("\"" + printable(components.front()) + "\" is not a registry host");
    result.registry = components.front();
    components.erase(components.begin());
  } else {
    result.registry = kDefaultRegistry;
  }
  if (result.registry == kDefaultRegistry && components.size() == 1)
    components.insert(components.begin(), "library");
  for (const std::string& component : components) {
    if (!valid_path_component(component))
      return fail(
          "the repository name must be lower-case letters, digits and separators "
          "('.', '_', '-') between '/'");
  }
  result.repository = join(components, "/");
  if (result.repository.size() > 255)
    return fail("the repository name is longer than 255 characters");
  if (result.tag.empty() && result.digest.empty()) result.tag = kDefaultTag;
  if (result.registry == kDefaultRegistry)
    result.api_base_url = "https://" + std::string(kDefaultRegistryApiHost);
  else
    result.api_base_url =
        (is_loopback_registry(result.registry) ? "http://" : "https://") + result.registry;
  *reference = std::move(result);
  return true;
}

bool looks_like_registry_reference(std::string_view text) {
  if (text.empty() || text.front() == '/' || text.front() == '.' || text.front() == '~')
    return false;
  if (text.find("://") != std::string_view::npos) return false;
  // Archives and images named by file name.
  for (std::string_view suffix : {".tar", ".tgz", ".gz", ".xz", ".zst", ".bz2", ".qcow2", ".img",
                                  ".raw", ".lz4", ".txz", ".tbz2", ".zstd"}) {
    if (text.size() > suffix.size() && text.substr(text.size() - suffix.size()) == suffix)
      return false;
  }
  RegistryReference reference;
  std::string ignored;
  return parse_registry_reference(text, &reference, &ignored);
}

}  // namespace sdme::import
