#include "tests/support/registry_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "common/atomic_file.h"

namespace sdme::test_support {
namespace {

constexpr char kRegistryProgram[] = "/usr/bin/docker-registry";
constexpr char kSkopeoProgram[] = "/usr/bin/skopeo";
// The registry starts within a second; a loaded CI machine gets more.
constexpr int kStartTimeoutMilliseconds = 30000;

// A port nobody listens on now. Another process could take it before the
// registry binds; the start then fails visibly rather than flakily passing.
int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
    port = ntohs(address.sin_port);
  ::close(fd);
  return port;
}

// The status code of GET /v2/ on 127.0.0.1:PORT, or 0 when nothing answers.
int probe_status(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  int status = 0;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    std::string request = "GET /v2/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    char reply[64] = {};
    if (write_all(fd, request) && ::read(fd, reply, sizeof reply - 1) > 12 &&
        std::strncmp(reply, "HTTP/1.", 7) == 0)
      status = std::atoi(reply + 9);
  }
  ::close(fd);
  return status;
}

void sleep_milliseconds(int milliseconds) {
  timespec delay{milliseconds / 1000, (milliseconds % 1000) * 1000000L};
  ::nanosleep(&delay, nullptr);
}

// Starts `argv` with stdout and stderr going to `output_fd`.
pid_t spawn(const std::vector<std::string>& argv, int output_fd) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ::dup2(null, STDIN_FILENO);
    ::dup2(output_fd, STDOUT_FILENO);
    ::dup2(output_fd, STDERR_FILENO);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

int run_program(const std::vector<std::string>& argv, std::string* output) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return -1;
  pid_t pid = spawn(argv, pipe_fds[1]);
  ::close(pipe_fds[1]);
  output->clear();
  char buffer[4096];
  for (;;) {
    ssize_t got = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    output->append(buffer, static_cast<size_t>(got));
  }
  ::close(pipe_fds[0]);
  if (pid < 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool RegistryServer::start(std::string* err) {
  port_ = free_loopback_port();
  if (port_ <= 0) {
    *err = "no free port on 127.0.0.1";
    return false;
  }
  std::string config_path = scratch_dir_ + "/registry.yml";
  std::ofstream(config_path) << "version: 0.1\n"
                                "log:\n"
                                "  level: warn\n"
                                "storage:\n"
                                "  filesystem:\n"
                                "    rootdirectory: "
                             << scratch_dir_
                             << "/storage\n"
                                "http:\n"
                                "  addr: 127.0.0.1:"
                             << port_ << "\n";
  std::string log_path = scratch_dir_ + "/registry.log";
  int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    *err = "cannot create " + log_path + ": " + std::strerror(errno);
    return false;
  }
  pid_ = spawn({kRegistryProgram, "serve", config_path}, log_fd);
  ::close(log_fd);
  if (pid_ < 0) {
    *err = std::string("cannot fork: ") + std::strerror(errno);
    return false;
  }
  for (int waited = 0; waited < kStartTimeoutMilliseconds; waited += 50) {
    if (probe_status(port_) == 200) return true;
    int status;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::string log;
      read_file(log_path, 1 << 20, &log, err);
      *err = std::string(kRegistryProgram) + " exited at start: " + log;
      return false;
    }
    sleep_milliseconds(50);
  }
  *err = std::string(kRegistryProgram) + " did not answer on " + host() + " within " +
         std::to_string(kStartTimeoutMilliseconds / 1000) + " s";
  stop();
  return false;
}

void RegistryServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int waited = 0; waited < 5000; waited += 50) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    sleep_milliseconds(50);
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

bool RegistryServer::push_oci_layout(const std::string& layout_dir, const std::string& tag,
                                     const std::string& name, std::string* err) {
  std::string output;
  int status = run_program(
      {kSkopeoProgram, "--insecure-policy", "copy", "--quiet", "--dest-tls-verify=false",
       "oci:" + layout_dir + ":" + tag, "docker://" + host() + "/" + name + ":" + tag},
      &output);
  if (status != 0) {
    *err = "skopeo copy failed (exit " + std::to_string(status) + "): " + output;
    return false;
  }
  return true;
}

}  // namespace sdme::test_support
