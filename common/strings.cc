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

bool parse_size(std::string_view text, uint64_t* bytes, std::string* err) {
  static constexpr std::string_view kSuffixes = "KMGTPE";
  auto fail = [&] {
    *err = "'" + printable(text) +
           "' is not a size; write a number with an optional K, M, G or T suffix (powers of 1024), "
           "e.g. 8G";
    return false;
  };
  size_t i = 0;
  uint64_t whole = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (whole > (UINT64_MAX - 9) / 10) return fail();
    whole = whole * 10 + static_cast<uint64_t>(text[i] - '0');
    ++i;
  }
  if (i == 0) return fail();
  // Up to nine fraction digits, as in "1.5G", kept as parts per billion.
  uint64_t fraction = 0, fraction_scale = 1;
  if (i < text.size() && text[i] == '.') {
    ++i;
    size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (digits < 9) {
        fraction = fraction * 10 + static_cast<uint64_t>(text[i] - '0');
        fraction_scale *= 10;
      }
      ++digits;
      ++i;
    }
    if (digits == 0) return fail();
  }
  uint64_t multiplier = 1;
  if (i < text.size()) {
    size_t suffix = kSuffixes.find(text[i]);
    if (suffix == std::string_view::npos) return fail();
    multiplier = uint64_t{1} << (10 * (suffix + 1));
    ++i;
  }
  if (i != text.size()) return fail();
  if (whole > UINT64_MAX / multiplier) {
    *err = "size '" + std::string(text) + "' is too large";
    return false;
  }
  // Multiplier and scale are at most 2^60 and 10^9: divide first.
  uint64_t fractional_bytes = fraction == 0
                                  ? 0
                                  : multiplier / fraction_scale * fraction +
                                        multiplier % fraction_scale * fraction / fraction_scale;
  if (whole * multiplier > UINT64_MAX - fractional_bytes) {
    *err = "size '" + std::string(text) + "' is too large";
    return false;
  }
  *bytes = whole * multiplier + fractional_bytes;
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

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace sdme
