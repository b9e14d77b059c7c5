// A parser for systemd.syntax(7) unit files that keeps order, line numbers
// and every assignment, so repeated keys accumulate and drop-ins append.
//
// The parser does not interpret values: quoting, C escapes and specifiers
// mean different things for different settings, so values are kept as
// written (whitespace-trimmed, continuation lines joined) and the setting's
// own parser (see words.h) unquotes them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sdme::file {

// Files larger than this are refused; systemd's own limit for a line is 1 MiB.
inline constexpr size_t kMaxUnitFileSize = 1 << 20;

struct UnitEntry {
  std::string key;
  std::string value;  // may be empty: an empty assignment resets a list
  std::string path;   // the file it came from (main file or drop-in)
  int line = 0;       // 1-based line of the key in that file

  // "PATH:LINE", the prefix of every error about this entry, with the path
  // cescape()d so a file name cannot break the message.
  std::string location() const;
};

struct UnitSection {
  std::string name;  // without brackets, case-sensitive
  std::string path;
  int line = 0;  // where the header first appeared
  std::vector<UnitEntry> entries;

  // The last assignment of `key`, or nullptr.
  const UnitEntry* lookup(std::string_view key) const;
};

class UnitFile {
 public:
  // Parses `text` (read from `path`) and merges it into this unit: a section
  // that already exists gets the new entries appended; a new one is added at
  // the end. Called once for the main file, then once per drop-in.
  // On error returns false and sets *err to "PATH:LINE: message"; the unit
  // is then left unchanged.
  bool parse(std::string_view path, std::string_view text, std::string* err);

  const std::vector<UnitSection>& sections() const { return sections_; }
  const UnitSection* find_section(std::string_view name) const;

  // The last assignment of `key` in `section`, or nullptr.
  const UnitEntry* lookup(std::string_view section, std::string_view key) const;
  // Every assignment of `key`, in order, including empty ones.
  std::vector<const UnitEntry*> lookup_all(std::string_view section, std::string_view key) const;
  // Like lookup_all, but an empty assignment drops everything before it and
  // is itself dropped: the list semantics of systemd settings.
  std::vector<const UnitEntry*> lookup_list(std::string_view section, std::string_view key) const;

 private:
  std::vector<UnitSection> sections_;
};

}  // namespace sdme::file
