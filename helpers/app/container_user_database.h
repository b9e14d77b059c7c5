// The app's numeric user and group in the container's own /etc/passwd and
// /etc/group. systemd 252 inside the container looks User= and Group= up
// there even for a number (app_unit.h), so an ID it does not list fails
// the app's start with 217/USER. These functions edit the files' text the
// way an administrator would with vipw: one line appended, every other
// line kept byte for byte, in its place.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sdme::app {

// Whether a line of `database` (passwd(5) or group(5) text; both keep the
// numeric ID in the third field) has `id`.
bool user_database_lists_id(std::string_view database, uint32_t id);

// `passwd` with "sdme-app-UID:x:UID:GID::/nonexistent:/usr/sbin/nologin"
// appended, unless UID is 0 (root, which systemd knows without a file) or
// a line lists it already; then `passwd` as it is. Fails when a line of
// another ID has that name: a second line of one name would leave the
// name meaning either user.
bool with_app_user(std::string_view passwd, uint32_t uid, uint32_t gid, std::string* result,
                   std::string* err);

// `group` with "sdme-app-GID:x:GID:" appended, unless GID is 0 or a line
// lists it already; fails like with_app_user() on a name taken.
bool with_app_group(std::string_view group, uint32_t gid, std::string* result, std::string* err);

}  // namespace sdme::app
