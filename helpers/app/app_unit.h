// The unit that runs an application image inside its booted container:
// /etc/systemd/system/sdme-app.service in the container's upper layer,
// with RootDirectory= the app's tree, enabled in multi-user.target. When
// the app ends, the container ends, with the app's exit status.
//
// Every value comes from the image, so every value is checked against what
// systemd 252 reads and written so that it reads back exactly: ExecStart=
// quoted with systemd's rules ('$' doubled), '%' doubled everywhere
// specifiers are expanded.
#pragma once

#include <string>
#include <string_view>

#include "helpers/app/app_spec.h"
#include "helpers/app/app_user.h"

namespace sdme::app {

inline constexpr std::string_view kAppUnitName = "sdme-app.service";
inline constexpr std::string_view kAppUnitPath = "/etc/systemd/system/sdme-app.service";

// The unit's first line. A later run tells its own file from the
// administrator's by it.
inline constexpr std::string_view kAppUnitMarker =
    "# Written by sdme from the application image's config at every start; changes here are "
    "lost.";

struct AppUnitSettings {
  // The app's tree as the container sees it, e.g. "/sdme/app/root".
  std::string root_directory;
  // Description=, e.g. the image's reference; "" gives a generic one.
  std::string description;
  // NetworkNamespacePath=, a namespace file in the container (a pod's
  // bound in); "" keeps the container's network.
  std::string network_namespace;
};

// The whole unit file for the effective `spec` (merge_app_spec()), run as
// `identity` (resolve_app_user()), with HOME set to the identity's home
// unless the environment sets it. Deterministic: the same input gives the
// same bytes. Refuses, with a message naming the value, what systemd would
// refuse or read differently: an empty command, a command that is neither
// an absolute path nor a bare name, an environment name systemd cannot set,
// a value with a control character or invalid UTF-8, a working or root
// directory that is not an absolute, normalized path, an unknown stop
// signal.
//
// systemd 252 looks User= and Group= up in the container's user database
// (exec_child()'s get_fixed_user() calls get_user_creds() without
// USER_CREDS_ALLOW_MISSING), even for a number: an ID the container's
// /etc/passwd or /etc/group does not list fails the start with
// 217/USER. Root (0:0) is written as no User= and no Group= at all.
bool app_unit_text(const AppSpec& spec, const AppIdentity& identity,
                   const AppUnitSettings& settings, std::string* text, std::string* err);

// Doubles every '%', so systemd's specifier expansion gives `text` back.
std::string escape_specifiers(std::string_view text);

// One Environment= assignment, "NAME=VALUE", quoted so systemd reads it
// back exactly (systemd.exec(5), Environment=: unquoted with
// systemd.syntax(7)'s rules, then specifiers expanded; '$' is not special).
// The name and value must be what systemd accepts, or it is an error.
bool quote_environment_assignment(std::string_view assignment, std::string* quoted,
                                  std::string* err);

}  // namespace sdme::app
