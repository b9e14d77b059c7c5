// What of a URL may be shown: in the generated unit, which anyone may read,
// and in every message of the generator and sdme-import. One rule for all of
// them, so no copy of it falls behind.
#pragma once

#include <string>
#include <string_view>

namespace sdme {

// The URL with its credentials masked: the userinfo (user:password@) becomes
// "***@", a query "?***" and a fragment "#***" (a query often carries a
// token). Text without "://" (a path, a registry reference) is returned as
// it is. Text before "://" that is no scheme is masked up to its last '@'.
//
// RFC 3986 ends the userinfo at the last '@' before the first '/', '?' or
// '#'. People write passwords with those characters unencoded, though
// ("https://alice:pa#ss@host/x"), so once a ':' comes before that point (a
// password, or a port) the userinfo runs to the last '@' of the whole URL:
// a URL with an '@' in its path may then show less than it could, but a
// password is never shown.
std::string redact_url(std::string_view url);

// The same, with the userinfo left out instead of masked: what names the
// resource whoever's credentials fetch it ("https://alice:pw@host/x.tar"
// and "https://host/x.tar" give the same text). The query and fragment
// stay masked.
std::string url_without_userinfo(std::string_view url);

}  // namespace sdme
