// Running a tool and keeping its exit status and the end of its output.
#include "helpers/import/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "common/strings.h"
#include "common/file_descriptor.h"

extern char** environ;

namespace sdme {
namespace {

// Frees posix_spawn's attribute objects on every return path.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
};

}  // namespace

std::string ChildProcessResult::describe_status() const {
  if (signal != 0) {
    const char* name = sigabbrev_np(signal);
    return "killed by signal " + (name ? "SIG" + std::string(name) : std::to_string(signal));
  }
  return "exit status " + std::to_string(exit_status);
}

std::string ChildProcessResult::output_summary(size_t max_lines) const {
  std::string_view text = output_tail;
  bool cut = output_truncated;
  // A cut tail starts in the middle of a line; that fragment says nothing.
  if (cut) {
    size_t newline = text.find('\n');
    if (newline != std::string_view::npos) text.remove_prefix(newline + 1);
  }
  std::vector<std::string> lines;
  std::string line;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      std::string_view stripped = strip(line);
      if (!stripped.empty()) lines.emplace_back(stripped);
      line.clear();
    } else {
      line += c;
    }
  }
  std::string_view stripped = strip(line);
  if (!stripped.empty()) lines.emplace_back(stripped);
  if (lines.size() > max_lines) {
    lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(max_lines));
    cut = true;
  }
  std::string summary = printable(join(lines, "; "));
  if (cut && !summary.empty()) summary = "..." + summary;
  return summary;
}

std::string find_program(const std::string& name, const std::string& search_path) {
  if (name.find('/') != std::string::npos) return name;
  std::string path = search_path;
  if (path.empty()) {
    const char* environment_path = std::getenv("PATH");
    path = environment_path ? environment_path
                            : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  }
  for (const std::string& directory : split(path, ':')) {
    if (directory.empty()) continue;
    std::string candidate = directory + "/" + name;
    struct stat status;
    if (::stat(candidate.c_str(), &status) == 0 && S_ISREG(status.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return {};
}

bool run_child_process(const std::vector<std::string>& arguments, ChildProcessResult* result,
                       std::string* err, size_t output_tail) {
  *result = ChildProcessResult{};
  if (arguments.empty()) {
    *err = "no program to run";
    return false;
  }
  std::string program = find_program(arguments[0]);
  if (program.empty()) {
    *err = arguments[0] + " not found in $PATH";
    return false;
  }

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    *err = std::string("cannot create a pipe for ") + arguments[0] + ": " + strerror(errno);
    return false;
  }
  FileDescriptor read_end(pipe_fds[0]);
  FileDescriptor write_end(pipe_fds[1]);

  SpawnSetup setup;
  posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&setup.actions, write_end.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&setup.actions, write_end.get(), STDERR_FILENO);
  // Descriptors the import holds open without O_CLOEXEC (a library's)
  // are none of the tool's business.
  posix_spawn_file_actions_addclosefrom_np(&setup.actions, STDERR_FILENO + 1);
  // The child starts with default signal handling and nothing blocked,
  // whatever the caller (a test runner, a service) had set.
  sigset_t all_signals, no_signals;
  sigfillset(&all_signals);
  sigemptyset(&no_signals);
  posix_spawnattr_setsigdefault(&setup.attributes, &all_signals);
  posix_spawnattr_setsigmask(&setup.attributes, &no_signals);
  posix_spawnattr_setflags(&setup.attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> argv;
  for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  pid_t pid;
  int spawn_error =
      posix_spawn(&pid, program.c_str(), &setup.actions, &setup.attributes, argv.data(), environ);
  if (spawn_error != 0) {
    *err = "cannot run " + program + ": " + strerror(spawn_error);
    return false;
  }
  write_end.reset();  // so that the read below sees EOF when the child is done

  char buffer[8192];
  for (;;) {
    ssize_t size = ::read(read_end.get(), buffer, sizeof buffer);
    if (size < 0 && errno == EINTR) continue;
    if (size <= 0) break;  // a read error only loses output; the status still counts
    result->output_tail.append(buffer, static_cast<size_t>(size));
    if (result->output_tail.size() > 2 * output_tail) {
      result->output_tail.erase(0, result->output_tail.size() - output_tail);
      result->output_truncated = true;
    }
  }
  if (result->output_tail.size() > output_tail) {
    result->output_tail.erase(0, result->output_tail.size() - output_tail);
    result->output_truncated = true;
  }

  int status;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      *err = "cannot wait for " + program + ": " + strerror(errno);
      return false;
    }
  }
  if (WIFSIGNALED(status)) {
    result->signal = WTERMSIG(status);
    result->exit_status = -1;
  } else {
    result->exit_status = WEXITSTATUS(status);
  }
  return true;
}

}  // namespace sdme
