#include "common/image_reference.h"

#include <vector>

#include "common/strings.h"

namespace sdme {
namespace {

constexpr std::string_view kDefaultTag = "latest";
// Docker's NameTotalLengthMax: the name as written, host included, without
// tag and digest.
constexpr size_t kMaxNameLength = 255;
constexpr size_t kMaxTagLength = 128;
constexpr size_t kMaxPortDigits = 5;

bool is_lower_alphanumeric(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alphanumeric(char c) { return is_lower_alphanumeric(c) || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// A path component: lower-case alphanumerics joined by one '.', one '_',
// "__" or a run of '-' (the distribution spec's separator).
bool valid_path_component(std::string_view component) {
  if (component.empty() || !is_lower_alphanumeric(component.front()) ||
      !is_lower_alphanumeric(component.back()))
    return false;
  size_t i = 0;
  while (i < component.size()) {
    if (is_lower_alphanumeric(component[i])) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < component.size() && !is_lower_alphanumeric(component[i])) ++i;
    std::string_view separator = component.substr(start, i - start);
    bool dashes = separator.find_first_not_of('-') == std::string_view::npos;
    if (separator != "." && separator != "_" && separator != "__" && !dashes) return false;
  }
  return true;
}

bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > kMaxTagLength) return false;
  for (size_t i = 0; i < tag.size(); ++i) {
    char c = tag[i];
    if (!is_alphanumeric(c) && c != '_' && (i == 0 || (c != '.' && c != '-'))) return false;
  }
  return true;
}

bool valid_digest(std::string_view digest) {
  constexpr std::string_view kPrefix = "sha256:";
  if (digest.size() != kPrefix.size() + 64 || !digest.starts_with(kPrefix)) return false;
  for (char c : digest.substr(kPrefix.size()))
    if (!is_digit(c) && !(c >= 'a' && c <= 'f')) return false;
  return true;
}

bool valid_port(std::string_view port) {
  if (port.empty() || port.size() > kMaxPortDigits) return false;
  for (char c : port)
    if (!is_digit(c)) return false;
  return true;
}

// Dot-separated labels of letters and digits with '-' inside; an IPv4
// address is one too.
bool valid_host_name(std::string_view name) {
  if (name.empty()) return false;
  for (const std::string& label : split(name, '.')) {
    if (label.empty() || !is_alphanumeric(label.front()) || !is_alphanumeric(label.back()))
      return false;
    for (char c : label)
      if (!is_alphanumeric(c) && c != '-') return false;
  }
  return true;
}

bool valid_registry_host(std::string_view host) {
  if (host.front() == '[') {  // an IPv6 literal, optionally with a port
    size_t close = host.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    for (char c : host.substr(1, close - 1))
      if (!is_hex_digit(c) && c != ':' && c != '.') return false;
    std::string_view rest = host.substr(close + 1);
    return rest.empty() || (rest.front() == ':' && valid_port(rest.substr(1)));
  }
  size_t colon = host.find(':');
  if (colon != std::string_view::npos && !valid_port(host.substr(colon + 1))) return false;
  return valid_host_name(host.substr(0, colon));
}

// Docker's rule: the first part names a registry if it has a '.' or a ':',
// is "localhost", or is an IPv6 literal.
bool names_registry_host(std::string_view component) {
  return component.find_first_of(".:") != std::string_view::npos || component == "localhost" ||
         component.starts_with("[");
}

}  // namespace

std::string ImageReference::to_string() const {
  return registry + "/" + repository + (digest.empty() ? ":" + tag : "@" + digest);
}

bool parse_image_reference(std::string_view text, ImageReference* reference, std::string* err) {
  ImageReference result;
  std::string_view name = text;
  if (size_t at = name.find('@'); at != std::string_view::npos) {
    result.digest = name.substr(at + 1);
    if (!valid_digest(result.digest)) {
      *err = "the digest after '@' must be sha256: followed by 64 lower-case hexadecimal digits";
      return false;
    }
    name = name.substr(0, at);
  }
  // A tag follows the last ':' after the last '/' ("localhost:5000/x" has none).
  size_t last_slash = name.rfind('/');
  size_t colon = name.rfind(':');
  if (colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    result.tag = name.substr(colon + 1);
    if (!valid_tag(result.tag)) {
      *err =
          "the tag after ':' must be a letter, digit or '_' and up to 127 more of those, '.' or "
          "'-'";
      return false;
    }
    name = name.substr(0, colon);
  }
  if (name.empty()) {
    *err = "the repository name is empty";
    return false;
  }
  if (name.size() > kMaxNameLength) {
    *err = "the name is longer than 255 characters";
    return false;
  }
  std::vector<std::string> components = split(name, '/');
  if (components.size() > 1 && names_registry_host(components.front())) {
    if (!valid_registry_host(components.front())) {
      *err =
          "the registry before the first '/' must be a host name, an IPv4 address or an IPv6 "
          "address in [], with an optional port of up to 5 digits";
      return false;
    }
    result.registry = components.front();
    components.erase(components.begin());
  } else {
    result.registry = kDefaultImageRegistry;
  }
  for (const std::string& component : components) {
    if (!valid_path_component(component)) {
      *err =
          "each '/'-separated part of the repository name must be lower-case letters and digits "
          "joined by '.', '_', \"__\" or '-'";
      return false;
    }
  }
  if (result.registry == kDefaultImageRegistry && components.size() == 1)
    components.insert(components.begin(), "library");
  result.repository = join(components, "/");
  if (result.tag.empty() && result.digest.empty()) result.tag = kDefaultTag;
  *reference = std::move(result);
  return true;
}

}  // namespace sdme
