// Parses systemd.syntax(7) unit files (see unit_file.h) the way systemd
// 252's config_parse() reads them, line for line, so that a file means the
// same to sdme as it would to systemd. Where systemd only warns and skips a
// line (no '=', an assignment before any section, an empty section name, a
// key that no setting can have), sdme refuses the file instead: a container
// half-configured is worse than one not started. NUL bytes, which systemd
// reads as line ends, are refused too. An entry's line is where its key
// starts; systemd names the last line of a continued line.
#include "sdme_file/unit_file.h"

#include <cstdint>
#include <cstring>
#include <unordered_map>

#include "common/strings.h"
#include "common/utf8.h"

namespace sdme::file {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

bool is_whitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Index of the first character that is not whitespace, or text.size().
size_t skip_whitespace(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && is_whitespace(text[i])) ++i;
  return i;
}

// Removes systemd's WHITESPACE from both ends; a plain loop, because this
// runs on every line at every boot and std::string_view::find_first_not_of
// calls memchr() once per character.
std::string_view strip_whitespace(std::string_view text) {
  text.remove_prefix(skip_whitespace(text));
  while (!text.empty() && is_whitespace(text.back())) text.remove_suffix(1);
  return text;
}

bool is_control(char c) {
  auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7F;
}

// systemd's string_is_safe(), which it requires of section names.
bool is_safe_section_name(std::string_view name) {
  for (char c : name) {
    if (is_control(c) || c == '"' || c == '\'' || c == '\\') return false;
  }
  return true;
}

// Returns the line starting at *position and moves *position past its end
// of line, which is \n, \r, \r\n or \n\r as for systemd's read_line().
std::string_view next_line(std::string_view text, size_t* position) {
  size_t end = *position;
  while (end < text.size() && text[end] != '\n' && text[end] != '\r') ++end;
  std::string_view line = text.substr(*position, end - *position);
  *position = end;
  if (end < text.size()) {
    char first = text[(*position)++];
    if (*position < text.size() && (text[*position] == '\n' || text[*position] == '\r') &&
        text[*position] != first) {
      ++*position;
    }
  }
  return line;
}

// Whether the line continues on the next one: it ends in a backslash that is
// not itself escaped, i.e. in an odd number of backslashes. Blanks after the
// backslash count as text, as in systemd.
bool ends_in_continuation(std::string_view line) {
  size_t backslashes = 0;
  while (backslashes < line.size() && line[line.size() - 1 - backslashes] == '\\') ++backslashes;
  return backslashes % 2 == 1;
}

// One parse() call: reads the lines of one file into `sections`.
class Parser {
 public:
  Parser(std::string_view path, std::vector<UnitSection>* sections)
      : path_(path), sections_(sections) {
    for (size_t i = 0; i < sections_->size(); ++i) section_index_.emplace((*sections_)[i].name, i);
  }

  bool parse(std::string_view text, std::string* err);

 private:
  bool parse_line(std::string_view line, int line_number, std::string* err);
  bool fail(int line_number, std::string_view message, std::string* err) const {
    *err = cescape(path_) + ":" + std::to_string(line_number) + ": " + std::string(message);
    return false;
  }

  std::string_view path_;
  std::vector<UnitSection>* sections_;
  // Section name to index into *sections_: a file of many headers is read in
  // linear time, not a search of every section per header.
  std::unordered_map<std::string, size_t> section_index_;
  size_t current_section_ = SIZE_MAX;  // index into *sections_, or SIZE_MAX before any header
};

bool Parser::parse(std::string_view text, std::string* err) {
  if (text.size() > kMaxUnitFileSize) {
    *err = cescape(path_) + ": file is too large (" + std::to_string(text.size()) +
           " bytes, the limit is " + std::to_string(kMaxUnitFileSize) + " bytes)";
    return false;
  }

  // A line ending in an odd number of backslashes continues on the next
  // line; the pieces are joined here, with the last backslash replaced by
  // a space, as systemd does. Lines that do not continue are parsed in place.
  std::string continued;
  bool continuing = false;
  bool continued_has_content = false;
  int continued_line = 0;  // where the joined line's first non-blank text is
  // systemd drops the first byte order mark found at the start of a line,
  // after looking for a comment; so does sdme, except that on the first line
  // the mark goes first, so a file an editor saved with a BOM may start with
  // a comment (systemd would warn about it and ignore the line).
  bool byte_order_mark_seen = false;

  size_t position = 0;
  int line_number = 0;
  while (position < text.size()) {
    std::string_view line = next_line(text, &position);
    ++line_number;

    if (std::memchr(line.data(), '\0', line.size()) != nullptr) {
      return fail(line_number, "file contains a NUL byte; a unit file must be text", err);
    }
    bool drop_byte_order_mark =
        !byte_order_mark_seen && line.substr(0, kByteOrderMark.size()) == kByteOrderMark;
    if (drop_byte_order_mark && line_number == 1) {
      line.remove_prefix(kByteOrderMark.size());
      byte_order_mark_seen = true;
    }
    // Comment lines are dropped even in the middle of a continued line.
    size_t first_non_blank = skip_whitespace(line);
    if (first_non_blank < line.size() &&
        (line[first_non_blank] == '#' || line[first_non_blank] == ';')) {
      continue;
    }
    if (drop_byte_order_mark && line_number != 1) {
      line.remove_prefix(kByteOrderMark.size());
      byte_order_mark_seen = true;
      first_non_blank = skip_whitespace(line);
    }

    bool continues = ends_in_continuation(line);

    if (!continuing && !continues) {
      if (!parse_line(line, line_number, err)) return false;
      continue;
    }
    if (!continuing) {
      continuing = true;
      continued.clear();
      continued_has_content = false;
      continued_line = line_number;
    }
    size_t content_end = continues ? line.size() - 1 : line.size();
    if (!continued_has_content && first_non_blank < content_end) {
      continued_has_content = true;
      continued_line = line_number;
    }
    continued.append(line);
    if (continues) {
      continued.back() = ' ';
      continue;
    }
    continuing = false;
    if (!parse_line(continued, continued_line, err)) return false;
  }
  // A continuation at the end of the file just ends there.
  if (continuing && !parse_line(continued, continued_line, err)) return false;
  return true;
}

bool Parser::parse_line(std::string_view line, int line_number, std::string* err) {
  line = strip_whitespace(line);
  if (line.empty()) return true;
  if (!is_valid_utf8(line)) {
    return fail(line_number, "line is not valid UTF-8; save the file in UTF-8", err);
  }

  if (line.front() == '[') {
    if (line.back() != ']') {
      return fail(line_number,
                  "invalid section header '" + printable(line) + "': it must end with ']'", err);
    }
    std::string_view name = line.substr(1, line.size() - 2);
    if (name.empty()) {
      return fail(line_number, "empty section name '[]': write the section's name, as in [Unit]",
                  err);
    }
    if (!is_safe_section_name(name)) {
      return fail(line_number,
                  "invalid section header '" + printable(line) +
                      "': section names must not contain quotes, backslashes or control "
                      "characters",
                  err);
    }
    auto [found, added] = section_index_.emplace(std::string(name), sections_->size());
    current_section_ = found->second;
    if (!added) return true;
    UnitSection& section = sections_->emplace_back();
    section.name = name;
    section.path = path_;
    section.line = line_number;
    return true;
  }

  size_t equals = line.find('=');
  if (equals == std::string_view::npos) {
    return fail(line_number,
                "missing '=': a line must be a [Section] header, a Key=Value assignment or a "
                "comment starting with '#' or ';'",
                err);
  }
  if (equals == 0) {
    return fail(line_number, "missing key name before '=': write Key=Value", err);
  }
  std::string_view key = strip_whitespace(line.substr(0, equals));
  std::string_view value = strip_whitespace(line.substr(equals + 1));
  for (char c : key) {
    if (is_whitespace(c) || is_control(c)) {
      return fail(line_number,
                  "invalid key '" + printable(key) +
                      "': a key must not contain whitespace or control characters",
                  err);
    }
  }
  if (current_section_ == SIZE_MAX) {
    return fail(line_number,
                "assignment " + printable(key) +
                    "= is outside of any section: put a [Section] header above it",
                err);
  }

  UnitEntry& entry = (*sections_)[current_section_].entries.emplace_back();
  entry.key = key;
  entry.value = value;
  entry.path = path_;
  entry.line = line_number;
  return true;
}

}  // namespace

std::string UnitEntry::location() const { return cescape(path) + ":" + std::to_string(line); }

bool UnitFile::parse(std::string_view path, std::string_view text, std::string* err) {
  // Parse in place and undo on failure: a drop-in that fails leaves the unit
  // as it was, without copying the unit for every drop-in.
  const size_t section_count = sections_.size();
  std::vector<size_t> entry_counts;
  entry_counts.reserve(section_count);
  for (const UnitSection& section : sections_) entry_counts.push_back(section.entries.size());

  Parser parser(path, &sections_);
  if (parser.parse(text, err)) return true;

  sections_.resize(section_count);
  for (size_t i = 0; i < section_count; ++i) sections_[i].entries.resize(entry_counts[i]);
  return false;
}

const UnitSection* UnitFile::find_section(std::string_view name) const {
  for (const UnitSection& section : sections_) {
    if (section.name == name) return &section;
  }
  return nullptr;
}

const UnitEntry* UnitSection::lookup(std::string_view key) const {
  for (auto entry = entries.rbegin(); entry != entries.rend(); ++entry) {
    if (entry->key == key) return &*entry;
  }
  return nullptr;
}

const UnitEntry* UnitFile::lookup(std::string_view section, std::string_view key) const {
  const UnitSection* found = find_section(section);
  return found ? found->lookup(key) : nullptr;
}

std::vector<const UnitEntry*> UnitFile::lookup_all(std::string_view section,
                                                   std::string_view key) const {
  std::vector<const UnitEntry*> entries;
  const UnitSection* found = find_section(section);
  if (found == nullptr) return entries;
  for (const UnitEntry& entry : found->entries) {
    if (entry.key == key) entries.push_back(&entry);
  }
  return entries;
}

std::vector<const UnitEntry*> UnitFile::lookup_list(std::string_view section,
                                                    std::string_view key) const {
  std::vector<const UnitEntry*> entries;
  const UnitSection* found = find_section(section);
  if (found == nullptr) return entries;
  for (const UnitEntry& entry : found->entries) {
    if (entry.key != key) continue;
    if (entry.value.empty()) {
      entries.clear();
    } else {
      entries.push_back(&entry);
    }
  }
  return entries;
}

}  // namespace sdme::file
