// A pod's network namespace: made with only lo, up, and held by a bind
// mount on PODS/NAME/netns so it outlives the process that made it; and
// removed again. Both are idempotent.
#pragma once

#include <string>
#include <string_view>

namespace sdme::pod {

// PODS/NAME and PODS/NAME/netns.
std::string pod_directory(std::string_view pods_directory, std::string_view pod_name);
std::string pod_namespace_file(std::string_view pods_directory, std::string_view pod_name);

// Creates PODS/NAME/netns unless a network namespace is already mounted
// there. On failure removes what it made.
bool create_pod(std::string_view pods_directory, std::string_view pod_name, std::string* err);

// Unmounts and removes PODS/NAME/netns and PODS/NAME; succeeds when they
// are not there.
bool remove_pod(std::string_view pods_directory, std::string_view pod_name, std::string* err);

// Whether `path` is a mounted namespace (nsfs), which a plain file is not.
bool is_namespace_mount(const std::string& path);

}  // namespace sdme::pod
