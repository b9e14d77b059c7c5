// Logging for sdme programs. Library code never logs: it returns errors, and
// the program's main loop reports them here.
//
// Targets: stderr for people; /dev/kmsg when systemd runs the generator at
// boot (the journal is not up yet); the journal, with a SDME_CONTAINER= field,
// when systemd runs a helper for a container unit.
#pragma once

#include <string_view>

namespace sdme {

enum class LogTarget { kStderr, kKmsg, kJournal };

// Chooses the target: $SDME_LOG_TARGET (stderr, kmsg, journal) if set;
// otherwise the journal when stderr is a journal stream ($JOURNAL_STREAM),
// kmsg when run as a generator by systemd ($SYSTEMD_SCOPE), else stderr.
void log_open(std::string_view program_name);
void log_set_target(LogTarget target);
// Adds SDME_CONTAINER=name to every journal entry from now on.
void log_set_container(std::string_view container_name);

void log_error(std::string_view message);
void log_warning(std::string_view message);
// Normal but significant: something the administrator should act on before it fails.
void log_notice(std::string_view message);
void log_info(std::string_view message);

}  // namespace sdme
