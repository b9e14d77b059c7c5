// The numeric user and group an application runs as, resolved from its
// image's User against the app tree's own /etc/passwd and /etc/group.
//
// The unit carries numbers because systemd inside the container would
// resolve a name against the container's user database, not the app
// tree's: the two are different systems, and the same name may have
// another ID there, or none.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sdme::app {

struct AppIdentity {
  uint32_t uid = 0;
  uint32_t gid = 0;
  // The user's home in the app's passwd, "/" without an entry (or with an
  // empty field): runc sets HOME to it when the image's Env has none.
  std::string home = "/";
};

// `user` is the image's User (or its override), in one of the forms runc
// reads (libcontainer/user.GetExecUser, which Docker and podman use):
//   ""             UID 0, with its entry's GID and home if passwd has one
//   "name"         the name's UID and primary GID in passwd
//   "uid"          that UID; its primary GID if passwd has it, else 0
//   "uid:gid", "name:gid", "uid:group", "name:group", ":gid", ":group"
//                  as above for the user; the group by number, or by name
//                  in group
// A number is decimal digits only; anything else is a name. A name must be
// in the file, or it is an error naming both; a number needs no entry,
// as in runc. A UID without an entry gets GID 0, runc's default for
// a container's process ("Uid: 0, Gid: 0" in its ExecUser defaults), not
// the UID's number: that is what the same image does under Docker and
// podman. IDs are 0 to 4294967294 but not 65535, the two values systemd's
// uid_is_valid() refuses ((uid_t) -1 and the 16-bit -1).
// `passwd_text` and `group_text` are the files' contents, "" if missing.
// Supplementary groups are not resolved.
bool resolve_app_user(std::string_view user, std::string_view passwd_text,
                      std::string_view group_text, AppIdentity* identity, std::string* err);

}  // namespace sdme::app
