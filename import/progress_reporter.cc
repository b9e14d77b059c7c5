#include "import/progress_reporter.h"

#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace sdme::import {
namespace {

// Often enough to look alive, rarely enough that neither the terminal nor
// PID 1 (each STATUS= is a message it parses) notices the cost.
constexpr uint64_t kMinimumIntervalUsec = 250'000;

uint64_t monotonic_usec() {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1'000'000 + static_cast<uint64_t>(now.tv_nsec) / 1000;
}

}  // namespace

std::string format_bytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

std::string format_progress(std::string_view phase, uint64_t done, uint64_t total) {
  std::string text(phase);
  text += ": ";
  text += format_bytes(done);
  if (total > 0) {
    // A stream can run past its announced length (a resumed download that
    // restarted); never show more than 100%.
    uint64_t percent = done >= total ? 100 : done * 100 / total;
    text += " of " + format_bytes(total) + " (" + std::to_string(percent) + "%)";
  }
  return text;
}

ProgressReporter::ProgressReporter()
    : terminal_(::isatty(STDERR_FILENO) == 1), notify_(std::getenv("NOTIFY_SOCKET") != nullptr) {}

ProgressReporter::~ProgressReporter() { finish(); }

void ProgressReporter::set_phase(std::string phase) {
  phase_ = std::move(phase);
  done_ = 0;
  total_ = 0;
  show(true);
}

void ProgressReporter::update(uint64_t done, uint64_t total) {
  done_ = done;
  total_ = total;
  show(false);
}

void ProgressReporter::show(bool force) {
  if (!terminal_ && !notify_) return;
  uint64_t now = monotonic_usec();
  if (!force && now - last_shown_usec_ < kMinimumIntervalUsec) return;
  last_shown_usec_ = now;
  std::string text =
      done_ == 0 && total_ == 0 ? phase_ + "…" : format_progress(phase_, done_, total_);
  if (terminal_) {
    // \r and clear-to-end-of-line: one line that redraws in place.
    std::fprintf(stderr, "\r%s\033[K", text.c_str());
    std::fflush(stderr);
    line_open_ = true;
  }
  if (notify_) sd_notifyf(0, "STATUS=%s", text.c_str());
}

void ProgressReporter::finish() {
  if (line_open_) {
    std::fputc('\n', stderr);
    line_open_ = false;
  }
}

void ProgressReporter::ready(std::string_view status) {
  finish();
  if (notify_)
    sd_notifyf(0, "READY=1\nSTATUS=%.*s", static_cast<int>(status.size()), status.data());
}

}  // namespace sdme::import
