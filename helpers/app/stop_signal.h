// An image's StopSignal, checked and written the way systemd's
// KillSignal= and SuccessExitStatus= read a signal.
#pragma once

#include <string>
#include <string_view>

namespace sdme::app {

// Accepts what Docker accepts for STOPSIGNAL (moby's signal.ParseSignal):
// a name with or without "SIG", in any case ("SIGTERM", "term"), the
// aliases IOT, POLL and CLD, "RTMIN", "RTMIN+n", "RTMAX", "RTMAX-n", or a
// number from 1 to SIGRTMAX. `name` becomes the canonical name, "SIGTERM"
// or "SIGRTMIN+3": systemd 252's signal_from_string() reads both, and a
// name, unlike a number, also means a signal in SuccessExitStatus= (where
// a number is an exit status). An empty `stop_signal` gives an empty name:
// no KillSignal= line, so systemd's default, SIGTERM. Anything else,
// including 0 and glibc's reserved 32 and 33, which have no name, is an
// error.
bool kill_signal_name(std::string_view stop_signal, std::string* name, std::string* err);

// Whether systemd counts a service's death by this signal (a canonical
// name) as a clean exit without being told: "the signals SIGHUP, SIGINT,
// SIGTERM, and SIGPIPE" (systemd.service(5), SuccessExitStatus=).
bool is_clean_exit_signal(std::string_view name);

}  // namespace sdme::app
