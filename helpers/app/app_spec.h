// What an application image asks to run (its config's Entrypoint, Cmd,
// Env, User, WorkingDir and StopSignal), and the administrator's overrides,
// merged the way `podman run` and `docker run` merge them. The result is
// what the app unit (app_unit.h) runs.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sdme::app {

// The image config's fields, as the OCI image spec names them
// (config.Entrypoint, config.Cmd, ...). Empty means the image did not set it.
struct AppSpec {
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::vector<std::string> environment;  // "NAME=VALUE", in order
  std::string user;                      // "name", "uid", "uid:gid", "name:group", ...; "" = root
  std::string working_directory;         // "" = "/"
  std::string stop_signal;               // "SIGQUIT", "QUIT", "3"; "" = SIGTERM
};

// What the administrator sets over the image's config. An unset optional
// keeps the image's value; a set one, even empty, replaces it.
struct AppOverrides {
  // Replaces the image's Entrypoint and clears its Cmd (see merge_app_spec).
  std::optional<std::vector<std::string>> entrypoint;
  // Replaces the Cmd: the image's, or the one an entrypoint override cleared.
  std::optional<std::vector<std::string>> exec;
  // "NAME=VALUE" assignments added to the image's Env; a name the image
  // sets already gets the new value in the image's place.
  std::vector<std::string> environment;
  std::optional<std::string> user;
  std::optional<std::string> working_directory;
};

// The effective spec, with Docker's and podman's rules:
// - an entrypoint override replaces the image's Entrypoint and clears its
//   Cmd: "Passing --entrypoint will clear out any default command set on
//   the image (i.e. any CMD instruction in the Dockerfile used to build
//   it)" (docs.docker.com/engine/reference/run/, ENTRYPOINT); podman run
//   --entrypoint does the same;
// - an exec override replaces the Cmd (the arguments after the image name
//   in `docker run IMAGE ARG...`);
// - environment: the image's Env, then the overrides; a name set twice
//   keeps its first place and takes its last value, as `docker run -e` over
//   an image's ENV does;
// - user and working directory: the override if set.
// An environment entry without '=' is an error: an image's Env holds
// assignments only, and a bare NAME (docker's "pass the host's value")
// means nothing for a unit.
bool merge_app_spec(const AppSpec& image, const AppOverrides& overrides, AppSpec* effective,
                    std::string* err);

// The command the app runs: Entrypoint followed by Cmd. Empty is an error
// that says to set one.
bool app_command(const AppSpec& spec, std::vector<std::string>* command, std::string* err);

}  // namespace sdme::app
