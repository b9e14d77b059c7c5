// Root's entries in the text of /etc/shadow and /etc/passwd, edited the
// way an administrator would with vipw: root's line changes, every other
// line stays byte for byte, in its place.
#pragma once

#include <string>
#include <string_view>

namespace sdme::provision {

// Root's password field in `shadow`; false when there is no root line.
bool find_root_hash(std::string_view shadow, std::string* hash);

// `shadow` with root's password field set to `hash`. The last-change
// field becomes `days` (days since 1970-01-01) only when the hash changes,
// so setting the same hash again gives the same text. A missing root line
// is added at the top: root:HASH:DAYS:0:99999:7:::
std::string set_root_hash(std::string_view shadow, std::string_view hash, long days);

// `passwd` with root's password field "x", which sends every login to
// /etc/shadow; *found is false when there is no root line.
std::string point_root_at_shadow(std::string_view passwd, bool* found);

}  // namespace sdme::provision
