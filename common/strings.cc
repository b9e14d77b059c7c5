// Small string helpers shared by every sdme program.
#include "common/strings.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace sdme {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.emplace_back(text.substr(start));
      return parts;
    }
    parts.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string joined;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) joined += separator;
    joined += parts[i];
  }
  return joined;
}

std::string_view strip(std::string_view text) {
  constexpr std::string_view kWhitespace = " \t\n\r";
  size_t begin = text.find_first_not_of(kWhitespace);
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(kWhitespace);
  return text.substr(begin, end - begin + 1);
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// A size as systemd reads one: a number, possibly with a fraction, and an
// optional B, K, M, G, T, P or E suffix in powers of 1024.
bool parse_size(std::string_view text, uint64_t* size, std::string* err) {
  const std::string_view original = text;
  auto fail = [&] {
    *err = "'" + printable(original) +
           "' is not a size; write a number with an optional K, M, G or T suffix (powers of 1024), "
           "e.g. 8G";
    return false;
  };
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return fail();
  std::string_view whole = text.substr(0, digits);
  text.remove_prefix(digits);
  std::string_view fraction;
  if (!text.empty() && text[0] == '.') {
    size_t end = 1;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    fraction = text.substr(1, end - 1);
    if (fraction.empty()) return fail();
    text.remove_prefix(end);
  }
  while (!text.empty() && (text[0] == ' ' || text[0] == '\t')) text.remove_prefix(1);
  constexpr std::string_view kSuffixes = "BKMGTPE";
  uint64_t multiplier = 1;
  if (!text.empty()) {
    size_t power = kSuffixes.find(text[0]);
    if (text.size() != 1 || power == std::string_view::npos) return fail();
    multiplier = uint64_t{1} << (10 * power);
  }
  uint64_t whole_value = 0;
  for (char c : whole) {
    if (whole_value > (UINT64_MAX - 9) / 10) return fail();
    whole_value = whole_value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (whole_value > UINT64_MAX / multiplier) return fail();
  uint64_t result = whole_value * multiplier;
  // The fraction counts to the byte, as far as 18 digits can say.
  uint64_t scale = 1, fraction_value = 0;
  for (char c : fraction.substr(0, 18)) {
    fraction_value = fraction_value * 10 + static_cast<uint64_t>(c - '0');
    scale *= 10;
  }
  if (scale > 1) {
    unsigned __int128 part = static_cast<unsigned __int128>(fraction_value) * multiplier / scale;
    if (part > UINT64_MAX - result) return fail();
    result += static_cast<uint64_t>(part);
  }
  *size = result;
  return true;
}

bool parse_boolean(std::string_view text, bool* value) {
  static constexpr std::array<std::string_view, 6> kTrue = {"1", "yes", "y", "true", "t", "on"};
  static constexpr std::array<std::string_view, 6> kFalse = {"0", "no", "n", "false", "f", "off"};
  for (std::string_view word : kTrue) {
    if (equals_ignore_case(text, word)) {
      *value = true;
      return true;
    }
  }
  for (std::string_view word : kFalse) {
    if (equals_ignore_case(text, word)) {
      *value = false;
      return true;
    }
  }
  return false;
}

std::string printable(std::string_view text) {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::string shown;
  shown.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      shown.append("\\x");
      shown.push_back(kHexDigits[byte >> 4]);
      shown.push_back(kHexDigits[byte & 0x0F]);
    } else {
      shown.push_back(c);
    }
  }
  return shown;
}

std::string cescape(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '\a':
        escaped += "\\a";
        continue;
      case '\b':
        escaped += "\\b";
        continue;
      case '\f':
        escaped += "\\f";
        continue;
      case '\n':
        escaped += "\\n";
        continue;
      case '\r':
        escaped += "\\r";
        continue;
      case '\t':
        escaped += "\\t";
        continue;
      case '\v':
        escaped += "\\v";
        continue;
      case '\\':
        escaped += "\\\\";
        continue;
      case '"':
        escaped += "\\\"";
        continue;
      case '\'':
        escaped += "\\'";
        continue;
      default:
        break;
    }
    if (byte < 0x20 || byte >= 0x7F) {
      escaped.push_back('\\');
      escaped.push_back(static_cast<char>('0' + (byte >> 6)));
      escaped.push_back(static_cast<char>('0' + ((byte >> 3) & 7)));
      escaped.push_back(static_cast<char>('0' + (byte & 7)));
    } else {
      escaped.push_back(c);
    }
  }
  return escaped;
}

size_t edit_distance(std::string_view a, std::string_view b, size_t limit) {
  // The distance is at least the difference in length.
  if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return limit + 1;
  std::vector<size_t> previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    // No row value ever falls, so once all exceed the limit the result does.
    if (*std::min_element(current.begin(), current.end()) > limit) return limit + 1;
    std::swap(previous, current);
  }
  return previous[b.size()] > limit ? limit + 1 : previous[b.size()];
}

bool is_environment_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (!letter && !(c >= '0' && c <= '9') && c != '_') return false;
  }
  return true;
}

bool has_control_character(std::string_view text) {
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) return true;
  }
  return false;
}

uint64_t fnv1a_hash(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace sdme
