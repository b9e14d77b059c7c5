// What an import tells the person or the service manager while it runs: a
// progress line on a terminal, STATUS= through sd_notify under systemd (so
// `systemctl status sdme-import@NAME` shows bytes and percent). Updates are
// throttled; an import calls update() for every block it reads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sdme::import {

// "1.5 MiB", "512 B", "3.0 GiB": binary units with one decimal.
std::string format_bytes(uint64_t bytes);

// "Unpacking: 12.0 MiB of 48.0 MiB (25%)", or without a total
// "Copying: 12.0 MiB".
std::string format_progress(std::string_view phase, uint64_t done, uint64_t total);

class ProgressReporter {
 public:
  // Reports to the terminal if stderr is one, and to $NOTIFY_SOCKET if set.
  ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;
  ~ProgressReporter();

  // A new step ("Downloading", "Unpacking layer 2 of 3"); shown at once.
  void set_phase(std::string phase);
  void update(uint64_t done, uint64_t total);
  // Ends the terminal line, so later messages start on a fresh one.
  void finish();
  // READY=1 with a final status, when run as a notify service.
  void ready(std::string_view status);

 private:
  void show(bool force);

  bool terminal_ = false;
  bool notify_ = false;
  bool line_open_ = false;
  std::string phase_;
  uint64_t done_ = 0;
  uint64_t total_ = 0;
  uint64_t last_shown_usec_ = 0;
};

}  // namespace sdme::import
