#include "import/interruption.h"

#include <signal.h>
#include <string.h>

namespace sdme::import {
namespace {

std::atomic<bool> interrupted_flag{false};

void on_signal(int signal_number) {
  if (signal_number == SIGINT && interrupted_flag.load()) {
    // The second Ctrl+C: the person wants out now.
    ::signal(SIGINT, SIG_DFL);
    ::raise(SIGINT);
    return;
  }
  interrupted_flag.store(true);
}

}  // namespace

void install_interruption_handlers() {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: a blocking read returns EINTR and the loop sees the flag.
  action.sa_flags = 0;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

const std::atomic<bool>* interruption_flag() { return &interrupted_flag; }

bool interrupted() { return interrupted_flag.load(); }

void clear_interruption() { interrupted_flag.store(false); }

}  // namespace sdme::import
