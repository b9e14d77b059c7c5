// Masks the credentials of a URL for units and messages (url_redaction.h).
#include "common/url_redaction.h"

#include <algorithm>
#include <cctype>

namespace sdme {

namespace {

// redact_url(), with the userinfo replaced by `userinfo_shown`.
std::string shown_url(std::string_view url, std::string_view userinfo_shown) {
  size_t separator = url.find("://");
  if (separator == std::string_view::npos) return std::string(url);
  // Text before "://" that is no scheme (RFC 3986: a letter, then letters,
  // digits, '+', '-' or '.') may itself be a user and password.
  std::string_view scheme = url.substr(0, separator);
  bool is_scheme =
      !scheme.empty() && std::isalpha(static_cast<unsigned char>(scheme[0])) &&
      std::all_of(scheme.begin(), scheme.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
      });
  const size_t authority = is_scheme ? separator + 3 : 0;

  size_t authority_end = url.find_first_of("/?#", authority);
  if (authority_end == std::string_view::npos) authority_end = url.size();
  // RFC 3986's userinfo ends before authority_end; a ':' there may be an
  // unencoded password's, which may go on past a '/', '?' or '#'.
  size_t userinfo_search_end = authority_end;
  if (!is_scheme ||
      url.substr(authority, authority_end - authority).find(':') != std::string_view::npos)
    userinfo_search_end = url.size();
  size_t at = url.substr(0, userinfo_search_end).rfind('@');

  std::string shown(url.substr(0, authority));
  size_t host = authority;
  if (at != std::string_view::npos && at >= authority) {
    shown += userinfo_shown;
    host = at + 1;
  }
  size_t secret = url.find_first_of("?#", host);
  shown +=
      url.substr(host, secret == std::string_view::npos ? std::string_view::npos : secret - host);
  if (secret != std::string_view::npos) {
    shown += url[secret];
    shown += "***";
  }
  return shown;
}

}  // namespace

std::string redact_url(std::string_view url) { return shown_url(url, "***@"); }

std::string url_without_userinfo(std::string_view url) { return shown_url(url, ""); }

}  // namespace sdme
