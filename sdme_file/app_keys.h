// The [Container] keys of an application image: AppImage= names an OCI or
// Docker image that runs as a service of the container's systemd
// (sdme-app(8)), and the App* keys override what its config says, with
// podman's meaning. Rows of the key table (container_keys.h) point here.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "sdme_file/container_keys.h"
#include "sdme_file/container_settings.h"
#include "sdme_file/unit_file.h"

namespace sdme::file {

// Where the app's tree is mounted in the container, and where AppBind=
// destinations land: sdme-app mounts the tree there before nspawn starts.
inline constexpr std::string_view kAppRootInContainer = "/sdme/app/root";
// Where an AppPod= pod's network namespace is bound into the container,
// for the app's unit to join (NetworkNamespacePath=).
inline constexpr std::string_view kAppPodNamespaceInContainer = "/run/sdme/app-pod/netns";

// The rootfs an image is imported into, named after its source so that
// every container naming the same image shares one import: "app-", a
// readable part of the source ("nginx-1.25", "web"), '-', and 16 hex
// digits of a hash of the whole source, credentials left out, so that
// two sources never share a name. At most 64 characters, a valid rootfs
// name (common/name.h).
std::string app_rootfs_name(std::string_view source);

bool parse_app_image(std::string_view value, ContainerSettings* settings, std::string* err);
bool parse_app_entrypoint(std::string_view value, ContainerSettings* settings, std::string* err);
bool parse_app_exec(std::string_view value, ContainerSettings* settings, std::string* err);
bool parse_app_environment(std::string_view value, ContainerSettings* settings, std::string* err);
bool parse_app_user(std::string_view value, ContainerSettings* settings, std::string* err);
bool parse_app_working_directory(std::string_view value, ContainerSettings* settings,
                                 std::string* err);
bool parse_app_bind(std::string_view value, ContainerSettings* settings, std::string* err);
bool parse_app_pod(std::string_view value, ContainerSettings* settings, std::string* err);

// AppImage='s row emits the whole app: its import unit, sdme-app's
// request and the mounts; the other rows only feed it.
void emit_app_image(const ContainerSettings& settings, const std::string& state_dir,
                    ContainerPlan* plan);
void emit_app_bind(const ContainerSettings& settings, const std::string& state_dir,
                   ContainerPlan* plan);
void emit_app_pod(const ContainerSettings& settings, const std::string& state_dir,
                  ContainerPlan* plan);

// The later of two keys' last assignments (either may be unassigned).
using LaterAssignment = std::function<const UnitEntry*(std::string_view, std::string_view)>;

// The rules between the App* keys and the rest, on what the file says
// (before a tier fills in its settings). Errors are "PATH:LINE: message".
bool check_app_keys(const ContainerSettings& settings, const LaterAssignment& later,
                    std::string* err);

}  // namespace sdme::file
