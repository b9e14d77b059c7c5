// Merging an image's config with the administrator's overrides.
#include "helpers/app/app_spec.h"

#include <string_view>

#include "common/strings.h"

namespace sdme::app {
namespace {

// Appends `assignments` to `environment`, replacing the value of a name it
// holds already in that name's place. `source` names where they came from,
// for the message.
bool add_assignments(const std::vector<std::string>& assignments, std::string_view source,
                     std::vector<std::string>* environment, std::string* err) {
  for (const std::string& assignment : assignments) {
    size_t equals = assignment.find('=');
    if (equals == std::string::npos) {
      *err = std::string(source) + " entry '" + printable(assignment) +
             "' has no '=': expected NAME=VALUE";
      return false;
    }
    std::string_view name(assignment.data(), equals + 1);  // "NAME=", so "A" never matches "AB="
    bool replaced = false;
    for (std::string& existing : *environment) {
      if (std::string_view(existing).substr(0, name.size()) == name) {
        existing = assignment;
        replaced = true;
        break;
      }
    }
    if (!replaced) environment->push_back(assignment);
  }
  return true;
}

}  // namespace

bool merge_app_spec(const AppSpec& image, const AppOverrides& overrides, AppSpec* effective,
                    std::string* err) {
  AppSpec merged = image;
  if (overrides.entrypoint) {
    merged.entrypoint = *overrides.entrypoint;
    merged.cmd.clear();
  }
  if (overrides.exec) merged.cmd = *overrides.exec;

  merged.environment.clear();
  if (!add_assignments(image.environment, "the image's Env", &merged.environment, err))
    return false;
  if (!add_assignments(overrides.environment, "environment", &merged.environment, err))
    return false;

  if (overrides.user) merged.user = *overrides.user;
  if (overrides.working_directory) merged.working_directory = *overrides.working_directory;
  *effective = std::move(merged);
  return true;
}

bool app_command(const AppSpec& spec, std::vector<std::string>* command, std::string* err) {
  std::vector<std::string> result = spec.entrypoint;
  result.insert(result.end(), spec.cmd.begin(), spec.cmd.end());
  if (result.empty()) {
    *err = "the image has no Entrypoint or Cmd; set AppExec=";
    return false;
  }
  *command = std::move(result);
  return true;
}

}  // namespace sdme::app
