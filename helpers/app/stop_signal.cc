// Stop signals: Docker's spellings in, systemd's names out.
#include "helpers/app/stop_signal.h"

#include <csignal>
#include <cstdint>

#include "common/strings.h"

namespace sdme::app {
namespace {

struct SignalName {
  std::string_view name;  // without "SIG", as signal(7) lists it
  int number;
};

// Linux's signals, numbered by <csignal> so the table is right on every
// architecture; the first name of a number is its canonical one.
constexpr SignalName kSignalNames[] = {
    {"HUP", SIGHUP},
    {"INT", SIGINT},
    {"QUIT", SIGQUIT},
    {"ILL", SIGILL},
    {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT},
    {"BUS", SIGBUS},
    {"FPE", SIGFPE},
    {"KILL", SIGKILL},
    {"USR1", SIGUSR1},
    {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE},
    {"ALRM", SIGALRM},
    {"TERM", SIGTERM},
#ifdef SIGSTKFLT
    {"STKFLT", SIGSTKFLT},
#endif
    {"CHLD", SIGCHLD},
    {"CONT", SIGCONT},
    {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},
    {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU},
    {"URG", SIGURG},
    {"XCPU", SIGXCPU},
    {"XFSZ", SIGXFSZ},
    {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF},
    {"WINCH", SIGWINCH},
    {"IO", SIGIO},
    {"PWR", SIGPWR},
    {"SYS", SIGSYS},
    // Aliases Docker accepts; systemd does not know them, so they are
    // written as the canonical names above.
    {"IOT", SIGABRT},
    {"POLL", SIGIO},
    {"CLD", SIGCHLD},
};

std::string uppercase(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return result;
}

// Decimal digits only, at most `limit`; false otherwise.
bool parse_small_number(std::string_view text, int limit, int* number) {
  if (text.empty() || text.size() > 3) return false;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  if (value > limit) return false;
  *number = value;
  return true;
}

std::string name_of(int number) {
  for (const SignalName& signal : kSignalNames) {
    if (signal.number == number) return "SIG" + std::string(signal.name);
  }
  if (number == SIGRTMIN) return "SIGRTMIN";
  if (number > SIGRTMIN && number <= SIGRTMAX)
    return "SIGRTMIN+" + std::to_string(number - SIGRTMIN);
  return "";
}

}  // namespace

bool kill_signal_name(std::string_view stop_signal, std::string* name, std::string* err) {
  if (stop_signal.empty()) {
    name->clear();
    return true;
  }
  auto fail = [&] {
    *err = "stop signal '" + printable(stop_signal) +
           "' is not a signal: expected a name such as SIGTERM or SIGRTMIN+3, or a number from 1 "
           "to " +
           std::to_string(SIGRTMAX);
    return false;
  };

  int number = 0;
  if (parse_small_number(stop_signal, SIGRTMAX, &number)) {
    if (number == 0) return fail();
    std::string result = name_of(number);
    if (result.empty()) {
      *err = "stop signal " + std::to_string(number) +
             " is reserved by the C library and has no name systemd knows; use SIGRTMIN or above";
      return false;
    }
    *name = std::move(result);
    return true;
  }

  std::string upper = uppercase(stop_signal);
  std::string_view bare = upper;
  if (bare.substr(0, 3) == "SIG") bare.remove_prefix(3);
  for (const SignalName& signal : kSignalNames) {
    if (signal.name == bare) {
      *name = name_of(signal.number);
      return true;
    }
  }
  const int range = SIGRTMAX - SIGRTMIN;
  int offset = 0;
  if (bare.substr(0, 5) == "RTMIN") {
    std::string_view rest = bare.substr(5);
    if (!rest.empty() && (rest[0] != '+' || !parse_small_number(rest.substr(1), range, &offset)))
      return fail();
    *name = name_of(SIGRTMIN + offset);
    return true;
  }
  if (bare.substr(0, 5) == "RTMAX") {
    std::string_view rest = bare.substr(5);
    if (!rest.empty() && (rest[0] != '-' || !parse_small_number(rest.substr(1), range, &offset)))
      return fail();
    *name = name_of(SIGRTMAX - offset);
    return true;
  }
  return fail();
}

bool is_clean_exit_signal(std::string_view name) {
  return name == "SIGHUP" || name == "SIGINT" || name == "SIGTERM" || name == "SIGPIPE";
}

}  // namespace sdme::app
