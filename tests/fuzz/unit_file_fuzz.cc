// libFuzzer target for the unit file parser and systemd word quoting.
//
// Parses the input as a unit file, splits every value into words, and checks
// that quoting each word for an ExecStart= line and splitting it again gives
// the word back (with '$' doubled, as the quoting does on purpose), that the
// quoted form survives the unit file parser unchanged, and that quoting a
// whole command splits back into all of its words. Any mismatch aborts.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "generator/translate.h"
#include "sdme_file/unit_file.h"
#include "sdme_file/words.h"

namespace {

std::string double_dollars(std::string_view text) {
  std::string doubled;
  doubled.reserve(text.size());
  for (char c : text) {
    doubled.push_back(c);
    if (c == '$') doubled.push_back('$');
  }
  return doubled;
}

[[noreturn]] void report_mismatch(const char* what, std::string_view word,
                                  std::string_view quoted) {
  std::fprintf(stderr, "%s\n  word:   '%.*s'\n  quoted: '%.*s'\n", what,
               static_cast<int>(word.size()), word.data(), static_cast<int>(quoted.size()),
               quoted.data());
  std::abort();
}

void check_words(const std::vector<std::string>& words) {
  std::vector<std::string> split_back;
  std::string err;
  std::vector<std::string> expected_command;
  for (const std::string& word : words) {
    std::string quoted = sdme::file::quote_exec_argument(word);
    std::string expected = double_dollars(word);
    if (!sdme::file::split_words(quoted, &split_back, &err)) {
      report_mismatch(("quoted word does not split: " + err).c_str(), word, quoted);
    }
    if (split_back.size() != 1 || split_back[0] != expected) {
      report_mismatch("quoted word splits into something else", word, quoted);
    }

    // The quoted word must come back unchanged from a unit file line.
    sdme::file::UnitFile unit;
    if (!unit.parse("fuzz", "[S]\nK=" + quoted + "\n", &err)) {
      report_mismatch(("quoted word breaks the unit file: " + err).c_str(), word, quoted);
    }
    const sdme::file::UnitEntry* entry = unit.lookup("S", "K");
    if (entry == nullptr || entry->value != quoted) {
      report_mismatch("quoted word changes in the unit file", word, quoted);
    }
    expected_command.push_back(std::move(expected));
  }

  std::string command = sdme::file::quote_exec_command(words);
  if (!sdme::file::split_words(command, &split_back, &err) || split_back != expected_command) {
    report_mismatch("quoted command splits into something else", "", command);
  }
}

bool ends_in_odd_backslashes(std::string_view line) {
  size_t backslashes = 0;
  while (backslashes < line.size() && line[line.size() - 1 - backslashes] == '\\') ++backslashes;
  return backslashes % 2 == 1;
}

void check_written_unit(const sdme::file::UnitFile& unit) {
  sdme::generator::TranslationInput input{"web.service", "web", "/etc/sdme/web.sdme", {},
                               "/var/lib/sdme", "/usr/libexec/sdme", "/usr/bin/systemd-nspawn"};
  std::string text, err;
  if (!sdme::generator::translate_unit(input, unit, &text, &err)) return;

  size_t assignments = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) report_mismatch("unit does not end in a newline", "", text);
    std::string_view line(text.data() + start, end - start);
    if (ends_in_odd_backslashes(line)) report_mismatch("a line continues onto the next", line, "");
    if (line.size() >= (1u << 20)) report_mismatch("a line is longer than systemd reads", "", "");
    if (line.find('\r') != std::string_view::npos)
      report_mismatch("a line holds a carriage return, which ends it for systemd", line, "");
    if (!line.empty() && line[0] != '#' && line[0] != '[') ++assignments;
    start = end + 1;
  }

  sdme::file::UnitFile written;
  if (!written.parse("web.service", text, &err))
    report_mismatch(("the written unit does not parse: " + err).c_str(), "", text);
  size_t parsed = 0;
  for (const sdme::file::UnitSection& section : written.sections()) parsed += section.entries.size();
  if (parsed != assignments)
    report_mismatch("the written unit parses into other lines than were written", "", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  sdme::file::UnitFile unit;
  std::string err;
  if (!unit.parse("fuzz.sdme", text, &err)) return 0;

  std::vector<std::string> words;
  for (const sdme::file::UnitSection& section : unit.sections()) {
    for (const sdme::file::UnitEntry& entry : section.entries) {
      if (sdme::file::split_words(entry.value, &words, &err)) check_words(words);
    }
  }
  check_written_unit(unit);
  return 0;
}
