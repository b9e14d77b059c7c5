// Whether the kernel's inotify limit leaves room for one more booted
// container. Each container's systemd, journald, logind and D-Bus hold
// inotify instances, and the kernel counts every one of them against the
// host's root: a host clone's root is UID 0, and a user-namespaced
// container's instances are charged to the namespace's owner too, root who
// started systemd-nspawn (Linux 5.11 and later). When the sum reaches
// fs.inotify.max_user_instances, a container's systemd logs "Failed to
// create inotify object: Too many open files" and its start times out
// 90 s later with nothing from sdme to say why. sdme-overlay, which runs
// before every start, says it first; this file decides what it says.
#pragma once

#include <string>
#include <string_view>

namespace sdme::overlay {

// Measured with the kernel's own count (the instances root can still make,
// before and after starting containers): a booted minimal Debian 12
// container holds 7 (PID 1 five, logind, D-Bus), with or without
// PrivateUsers=. Bigger images run more services and hold more.
constexpr long kInotifyInstancesPerContainer = 7;
// What the host itself holds: a minimal booted Debian 12 holds 8; a real
// one adds udev and the user managers of root's logins.
constexpr long kInotifyInstancesForHost = 24;

struct InotifyHeadroom {
  // fs.inotify.max_user_instances.
  long limit = 0;
  // sdme containers whose overlay is mounted, the one starting not counted.
  long running_containers = 0;
};

// Reads PROC/sys/fs/inotify/max_user_instances and counts the overlays
// mounted at STATE/containers/*/merged in PROC/self/mountinfo, leaving out
// `starting_container` (mounted already when a start is retried).
bool read_inotify_headroom(const std::string& proc_dir, const std::string& containers_dir,
                           std::string_view starting_container, InotifyHeadroom* headroom,
                           std::string* err);

// Booted containers the limit holds next to the host, by the estimates above.
long containers_the_limit_holds(long limit);

enum class HeadroomVerdict {
  kEnough,
  // The starting container takes the count to three quarters of what the
  // limit holds or more: say so before it is too late.
  kApproachingLimit,
  // More than the limit holds: this container, or one after it, is likely
  // to fail to boot.
  kOverLimit,
};

HeadroomVerdict judge_inotify_headroom(const InotifyHeadroom& headroom);

// The journal line for a verdict other than kEnough: the numbers, the
// symptom and where the fix is.
std::string inotify_headroom_message(const InotifyHeadroom& headroom);

}  // namespace sdme::overlay
