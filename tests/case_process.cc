// Runs a program and collects its output (see case_process.h).
#include "tests/case_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>

extern char** environ;

namespace sdme {
namespace {

std::vector<char*> as_c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (const std::string& text : strings) pointers.push_back(const_cast<char*>(text.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

bool run_process(const std::vector<std::string>& arguments,
                 const std::vector<std::string>& environment, int timeout_seconds,
                 ProcessResult* result, std::string* err) {
  *result = ProcessResult();
  int output_pipe[2], error_pipe[2];
  if (::pipe2(output_pipe, O_CLOEXEC) != 0) {
    *err = std::string("pipe: ") + std::strerror(errno);
    return false;
  }
  if (::pipe2(error_pipe, O_CLOEXEC) != 0) {
    *err = std::string("pipe: ") + std::strerror(errno);
    ::close(output_pipe[0]);
    ::close(output_pipe[1]);
    return false;
  }
  std::vector<char*> argv = as_c_strings(arguments);
  std::vector<char*> envp = as_c_strings(environment);

  pid_t pid = ::fork();
  if (pid < 0) {
    *err = std::string("fork: ") + std::strerror(errno);
    for (int fd : {output_pipe[0], output_pipe[1], error_pipe[0], error_pipe[1]}) ::close(fd);
    return false;
  }
  if (pid == 0) {
    int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, STDIN_FILENO);
    ::dup2(output_pipe[1], STDOUT_FILENO);
    ::dup2(error_pipe[1], STDERR_FILENO);
    ::execvpe(argv[0], argv.data(), envp.data());
    std::string message = "cannot run " + arguments[0] + ": " + std::strerror(errno) + "\n";
    ssize_t ignored = ::write(STDERR_FILENO, message.data(), message.size());
    (void)ignored;
    ::_exit(127);
  }
  ::close(output_pipe[1]);
  ::close(error_pipe[1]);

  // Both pipes are drained together so neither can fill up and block the child.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  struct pollfd fds[2] = {{output_pipe[0], POLLIN, 0}, {error_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result->standard_output, &result->standard_error};
  int open_count = 2;
  while (open_count > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result->timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    int ready = ::poll(fds, 2, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[8192];
      ssize_t length = ::read(fds[i].fd, buffer, sizeof buffer);
      if (length > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(length));
      } else if (length == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
  for (const struct pollfd& fd : fds)
    if (fd.fd >= 0) ::close(fd.fd);

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return true;
}

std::vector<std::string> environment_with(const std::vector<std::string>& dropped_prefixes,
                                          const std::map<std::string, std::string>& added) {
  std::vector<std::string> environment;
  for (char** entry = environ; *entry; ++entry) {
    std::string_view variable = *entry;
    std::string_view name = variable.substr(0, variable.find('='));
    bool dropped = added.count(std::string(name)) > 0;
    for (const std::string& prefix : dropped_prefixes)
      if (name.starts_with(prefix)) dropped = true;
    if (!dropped) environment.emplace_back(variable);
  }
  for (const auto& [name, value] : added) environment.push_back(name + "=" + value);
  return environment;
}

}  // namespace sdme
