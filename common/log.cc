// Logging for sdme programs: stderr, /dev/kmsg or the journal.
#include "common/log.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/strings.h"

namespace sdme {
namespace {

std::string g_program = "sdme";
std::string g_container;
LogTarget g_target = LogTarget::kStderr;

// $JOURNAL_STREAM is "DEVICE:INODE" of the stream systemd connected stderr to;
// it only counts if stderr is still that stream.
bool stderr_is_journal_stream() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (!stream) return false;
  unsigned long long device = 0, inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  struct stat st;
  if (::fstat(STDERR_FILENO, &st) != 0) return false;
  return st.st_dev == device && st.st_ino == inode;
}

void write_line(int fd, const std::string& line) {
  ssize_t ignored = ::write(fd, line.data(), line.size());
  (void)ignored;
}

// One datagram in journald's native protocol, sent without waiting: a
// generator must never block on another process (journald may itself be
// waiting for PID 1, which waits for us), so if the socket is missing (early
// boot) or full, this fails at once and the caller falls back.
bool send_to_journal_without_waiting(int priority, std::string_view message) {
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return false;
  struct sockaddr_un address = {};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, "/run/systemd/journal/socket", sizeof address.sun_path - 1);
  std::string datagram =
      "PRIORITY=" + std::to_string(priority) + "\nSYSLOG_IDENTIFIER=" + g_program + "\nMESSAGE=";
  for (char c : message) datagram += c == '\n' ? ' ' : c;
  datagram += '\n';
  ssize_t sent = ::sendto(fd, datagram.data(), datagram.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                          reinterpret_cast<struct sockaddr*>(&address), sizeof address);
  ::close(fd);
  return sent == static_cast<ssize_t>(datagram.size());
}

// As systemd's own generators do: the kernel log when there is one. A
// container has no /dev/kmsg; there, journald if it already runs (at every
// daemon-reload), else the console; stderr as the last resort.
void write_kmsg(int priority, std::string_view message) {
  std::string line =
      g_program + "[" + std::to_string(::getpid()) + "]: " + std::string(message) + "\n";
  if (int fd = ::open("/dev/kmsg", O_WRONLY | O_NOCTTY | O_CLOEXEC); fd >= 0) {
    write_line(fd, "<" + std::to_string(priority) + ">" + line);
    ::close(fd);
    return;
  }
  if (send_to_journal_without_waiting(priority, message)) return;
  if (int fd = ::open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK); fd >= 0) {
    write_line(fd, line);
    ::close(fd);
    return;
  }
  std::fprintf(stderr, "%s: %.*s\n", g_program.c_str(), static_cast<int>(message.size()),
               message.data());
}

void log_at(int priority, std::string_view raw_message) {
  // The last line of defence: whatever a caller forgot to escape, a message
  // is one line, so a file name cannot forge a second one.
  const std::string shown = printable(raw_message);
  const std::string_view message = shown;
  switch (g_target) {
    case LogTarget::kKmsg:
      write_kmsg(priority, message);
      return;
    case LogTarget::kJournal: {
      std::string text(message);
      int r;
      if (g_container.empty())
        r = sd_journal_send("MESSAGE=%s", text.c_str(), "PRIORITY=%i", priority,
                            "SYSLOG_IDENTIFIER=%s", g_program.c_str(), nullptr);
      else
        r = sd_journal_send("MESSAGE=%s: %s", g_container.c_str(), text.c_str(), "PRIORITY=%i",
                            priority, "SYSLOG_IDENTIFIER=%s", g_program.c_str(),
                            "SDME_CONTAINER=%s", g_container.c_str(), nullptr);
      if (r >= 0) return;
      break;  // journal unreachable: fall back to stderr
    }
    case LogTarget::kStderr:
      break;
  }
  std::fprintf(stderr, "%s: %.*s\n", g_program.c_str(), static_cast<int>(message.size()),
               message.data());
}

}  // namespace

void log_open(std::string_view program_name) {
  g_program = std::string(program_name);
  const char* requested = std::getenv("SDME_LOG_TARGET");
  if (requested && std::strcmp(requested, "stderr") == 0)
    g_target = LogTarget::kStderr;
  else if (requested && std::strcmp(requested, "kmsg") == 0)
    g_target = LogTarget::kKmsg;
  else if (requested && std::strcmp(requested, "journal") == 0)
    g_target = LogTarget::kJournal;
  else if (stderr_is_journal_stream())
    g_target = LogTarget::kJournal;
  else if (std::getenv("SYSTEMD_SCOPE"))
    g_target = LogTarget::kKmsg;
  else
    g_target = LogTarget::kStderr;
}

void log_set_target(LogTarget target) { g_target = target; }
void log_set_container(std::string_view container_name) { g_container = container_name; }
void log_error(std::string_view message) { log_at(LOG_ERR, message); }
void log_warning(std::string_view message) { log_at(LOG_WARNING, message); }
void log_notice(std::string_view message) { log_at(LOG_NOTICE, message); }
void log_info(std::string_view message) { log_at(LOG_INFO, message); }

}  // namespace sdme
