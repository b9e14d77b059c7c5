// A pod's network namespace, made in a thread of its own and held by a
// bind mount, and its removal.
#include "helpers/pod/pod_namespace.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <thread>

#include "common/file_descriptor.h"

namespace sdme::pod {
namespace {

std::string errno_text(int error) { return std::strerror(error); }

// A fresh network namespace's lo is down, and the members of a pod talk to
// each other over 127.0.0.1. One SIOCSIFFLAGS on a socket in the namespace
// brings it up: the kernel gives lo its addresses itself.
bool bring_loopback_up(std::string* err) {
  FileDescriptor socket_fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!socket_fd.valid()) {
    *err = "cannot open a socket in the new network namespace: " + errno_text(errno);
    return false;
  }
  struct ifreq request {};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  if (::ioctl(socket_fd.get(), SIOCGIFFLAGS, &request) != 0) {
    *err = "cannot read the flags of lo in the new network namespace: " + errno_text(errno);
    return false;
  }
  request.ifr_flags |= IFF_UP;
  if (::ioctl(socket_fd.get(), SIOCSIFFLAGS, &request) != 0) {
    *err = "cannot bring lo up in the new network namespace: " + errno_text(errno);
    return false;
  }
  return true;
}

// Runs in a thread of its own: unshare(CLONE_NEWNET) moves only the calling
// thread, so the caller (a test, or sdme-pod before it exits) keeps its
// network. The bind mount of the thread's namespace keeps the namespace
// alive after the thread ends.
bool make_namespace_on(const std::string& namespace_file, std::string* err) {
  if (::unshare(CLONE_NEWNET) != 0) {
    *err = "cannot create a network namespace: " + errno_text(errno);
    return false;
  }
  if (!bring_loopback_up(err)) return false;
  if (::mount("/proc/thread-self/ns/net", namespace_file.c_str(), nullptr, MS_BIND, nullptr) != 0) {
    *err =
        "cannot bind-mount the network namespace on " + namespace_file + ": " + errno_text(errno);
    return false;
  }
  return true;
}

}  // namespace

std::string pod_directory(std::string_view pods_directory, std::string_view pod_name) {
  return std::string(pods_directory) + "/" + std::string(pod_name);
}

std::string pod_namespace_file(std::string_view pods_directory, std::string_view pod_name) {
  return pod_directory(pods_directory, pod_name) + "/netns";
}

bool is_namespace_mount(const std::string& path) {
  struct statfs file_system {};
  return ::statfs(path.c_str(), &file_system) == 0 &&
         static_cast<unsigned long>(file_system.f_type) == NSFS_MAGIC;
}

bool create_pod(std::string_view pods_directory, std::string_view pod_name, std::string* err) {
  const std::string directory = pod_directory(pods_directory, pod_name);
  const std::string namespace_file = pod_namespace_file(pods_directory, pod_name);
  // Started again (or by hand): the namespace the members use stays.
  if (is_namespace_mount(namespace_file)) return true;

  // /run/sdme/pods and its parent stay: other pods and helpers use them.
  std::error_code error;
  std::filesystem::create_directories(pods_directory, error);
  if (error) {
    *err = "cannot create " + std::string(pods_directory) + ": " + error.message();
    return false;
  }
  bool made_directory = ::mkdir(directory.c_str(), 0755) == 0;
  if (!made_directory && errno != EEXIST) {
    *err = "cannot create " + directory + ": " + errno_text(errno);
    return false;
  }
  // What is made is removed again on failure, so a failed start leaves
  // nothing a member could mistake for the pod's namespace.
  auto undo = [&](bool made_file) {
    if (made_file) ::unlink(namespace_file.c_str());
    if (made_directory) ::rmdir(directory.c_str());
  };
  // The mount point: an empty file. One left by a crash is used as it is.
  FileDescriptor file(
      ::open(namespace_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444));
  bool made_file = file.valid();
  if (!made_file && errno != EEXIST) {
    *err = "cannot create " + namespace_file + ": " + errno_text(errno);
    undo(false);
    return false;
  }
  file.reset();

  bool made = false;
  std::thread maker([&] { made = make_namespace_on(namespace_file, err); });
  maker.join();
  if (!made) {
    undo(made_file);
    return false;
  }
  return true;
}

bool remove_pod(std::string_view pods_directory, std::string_view pod_name, std::string* err) {
  const std::string directory = pod_directory(pods_directory, pod_name);
  const std::string namespace_file = pod_namespace_file(pods_directory, pod_name);
  // MNT_DETACH: a member that is still stopping may hold the mount; the
  // namespace itself goes when its last user does.
  if (is_namespace_mount(namespace_file) &&
      ::umount2(namespace_file.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) != 0) {
    *err = "cannot unmount " + namespace_file + ": " + errno_text(errno);
    return false;
  }
  if (::unlink(namespace_file.c_str()) != 0 && errno != ENOENT) {
    *err = "cannot remove " + namespace_file + ": " + errno_text(errno);
    return false;
  }
  if (::rmdir(directory.c_str()) != 0 && errno != ENOENT) {
    *err = "cannot remove " + directory + ": " + errno_text(errno);
    return false;
  }
  return true;
}

}  // namespace sdme::pod
