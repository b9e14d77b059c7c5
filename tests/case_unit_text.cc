// Reads sections and assignments from unit text (see case_unit_text.h).
#include "tests/case_unit_text.h"

namespace sdme {
namespace {

std::string_view trim(std::string_view text) {
  constexpr std::string_view kWhitespace = " \t\r\n";
  size_t begin = text.find_first_not_of(kWhitespace);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(kWhitespace) - begin + 1);
}

bool ends_with_odd_backslashes(std::string_view line) {
  size_t count = 0;
  while (count < line.size() && line[line.size() - 1 - count] == '\\') ++count;
  return count % 2 == 1;
}

}  // namespace

UnitText::UnitText(std::string_view text) {
  std::string section;
  auto read_line = [&](std::string_view joined, int line_number) {
    std::string line(trim(joined));
    if (line.empty()) return;
    if (line.front() == '[' && line.back() == ']') {
      section = line.substr(1, line.size() - 2);
      return;
    }
    size_t equals = line.find('=');
    if (equals == std::string::npos || section.empty()) return;
    assignments_.push_back({section, std::string(trim(std::string_view(line).substr(0, equals))),
                            std::string(trim(std::string_view(line).substr(equals + 1))),
                            line_number});
  };

  std::string pending;  // a line continued with a trailing backslash
  int pending_line = 0;
  int line_number = 0;
  size_t position = 0;
  while (position < text.size()) {
    size_t end = text.find('\n', position);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(position, end - position);
    position = end + 1;
    ++line_number;

    std::string_view stripped = trim(raw);
    if (!stripped.empty() && (stripped[0] == '#' || stripped[0] == ';')) continue;
    if (pending.empty()) pending_line = line_number;
    if (ends_with_odd_backslashes(raw)) {
      pending.append(raw.substr(0, raw.size() - 1));
      pending.push_back(' ');
      continue;
    }
    pending.append(raw);
    read_line(pending, pending_line);
    pending.clear();
  }
  if (!pending.empty()) read_line(pending, pending_line);
}

std::vector<std::string> UnitText::values(std::string_view section, std::string_view key) const {
  std::vector<std::string> found;
  for (const UnitTextAssignment& assignment : assignments_)
    if (assignment.section == section && assignment.key == key) found.push_back(assignment.value);
  return found;
}

}  // namespace sdme
