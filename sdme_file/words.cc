// Word splitting and quoting with systemd's rules: split_words() follows
// extract_first_word(EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE) and cunescape_one()
// of systemd 252, and quote_exec_argument() writes what its ExecStart=
// parser (config_parse_exec) reads back unchanged.
#include "sdme_file/words.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "common/utf8.h"

namespace sdme::file {
namespace {

bool is_whitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads `count` hex digits at text[position]; false if there are fewer.
bool read_hex(std::string_view text, size_t position, size_t count, uint32_t* value) {
  if (text.size() - position < count) return false;
  uint32_t result = 0;
  for (size_t i = 0; i < count; ++i) {
    int digit = hex_digit_value(text[position + i]);
    if (digit < 0) return false;
    result = (result << 4) | static_cast<uint32_t>(digit);
  }
  *value = result;
  return true;
}

// systemd's utf8_encode_unichar(); \u does not check its value, so this
// also encodes surrogates, as systemd does.
void append_utf8(uint32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

struct SimpleEscape {
  char letter;   // after the backslash
  char meaning;  // what the escape stands for
};
constexpr SimpleEscape kSimpleEscapes[] = {
    {'a', '\a'}, {'b', '\b'}, {'f', '\f'},  {'n', '\n'}, {'r', '\r'},  {'t', '\t'},
    {'v', '\v'}, {'s', ' '},  {'\\', '\\'}, {'"', '"'},  {'\'', '\''},
};

// The escape sequence starting at the backslash text[backslash], as written,
// for error messages: at most `length` bytes, never a partial UTF-8 character.
std::string shown_escape(std::string_view text, size_t backslash, size_t length) {
  size_t end = backslash + 1;
  size_t limit = std::min(text.size(), backslash + length);
  while (end < limit) {
    size_t character = valid_utf8_length(text, end);
    end += character == 0 ? 1 : character;
  }
  return "'" + std::string(text.substr(backslash, std::min(end, text.size()) - backslash)) + "'";
}

// Decodes the escape sequence after the backslash at text[backslash]
// (cunescape_one() without accepting NUL) and appends what it stands for.
// Returns the number of bytes it took after the backslash, or 0 on error.
size_t decode_escape(std::string_view text, size_t backslash, std::string* word, std::string* err) {
  size_t position = backslash + 1;
  for (const SimpleEscape& escape : kSimpleEscapes) {
    if (text[position] == escape.letter) {
      word->push_back(escape.meaning);
      return 1;
    }
  }

  // Each message shows the sequence as written, up to the length it needs.
  auto fail = [&](size_t shown_length, std::string_view what_is_wrong) {
    *err = "invalid escape sequence " + shown_escape(text, backslash, shown_length) + ": " +
           std::string(what_is_wrong);
    return size_t{0};
  };
  constexpr std::string_view kNul = "it stands for a NUL byte, which is not allowed";

  uint32_t value = 0;
  if (text[position] >= '0' && text[position] <= '7') {
    bool octal = text.size() - position >= 3;
    for (size_t i = 0; octal && i < 3; ++i) {
      char digit = text[position + i];
      if (digit < '0' || digit > '7') {
        octal = false;
      } else {
        value = (value << 3) | static_cast<uint32_t>(digit - '0');
      }
    }
    if (!octal) return fail(4, "an octal escape needs three digits, as in \\040");
    if (value == 0) return fail(4, kNul);
    if (value > 0377) return fail(4, "an octal escape is at most \\377");
    word->push_back(static_cast<char>(value));
    return 3;
  }
  switch (text[position]) {
    case 'x':
      if (!read_hex(text, position + 1, 2, &value)) {
        return fail(4, "\\x needs two hex digits, as in \\x2f");
      }
      if (value == 0) return fail(4, kNul);
      word->push_back(static_cast<char>(value));
      return 3;
    case 'u':
      if (!read_hex(text, position + 1, 4, &value)) {
        return fail(6, "\\u needs four hex digits, as in \\u00e9");
      }
      if (value == 0) return fail(6, kNul);
      append_utf8(value, word);
      return 5;
    case 'U':
      if (!read_hex(text, position + 1, 8, &value)) {
        return fail(10, "\\U needs eight hex digits, as in \\U0001f600");
      }
      if (value == 0) return fail(10, kNul);
      if (!is_valid_code_point(value)) return fail(10, "not a valid Unicode code point");
      append_utf8(value, word);
      return 9;
    default:
      *err = "unknown escape sequence " + shown_escape(text, backslash, 2) +
             ": write \\\\ for a literal backslash";
      return 0;
  }
}

// Safe to leave unquoted in an ExecStart= line: nothing here is a quote,
// an escape, a separator, '$' or a control character.
// Every argument of every generated ExecStart= goes through this test, so it
// is a table lookup.
constexpr std::array<bool, 256> kPlainArgumentChars = [] {
  std::array<bool, 256> table{};
  for (char c = 'a'; c <= 'z'; ++c) table[static_cast<unsigned char>(c)] = true;
  for (char c = 'A'; c <= 'Z'; ++c) table[static_cast<unsigned char>(c)] = true;
  for (char c = '0'; c <= '9'; ++c) table[static_cast<unsigned char>(c)] = true;
  for (char c : std::string_view("_@%+=:,./-")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

bool is_plain_argument_char(char c) { return kPlainArgumentChars[static_cast<unsigned char>(c)]; }

void append_hex_escape(unsigned char byte, std::string* out) {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  out->append("\\x");
  out->push_back(kHexDigits[byte >> 4]);
  out->push_back(kHexDigits[byte & 0x0F]);
}

}  // namespace

bool split_words(std::string_view text, std::vector<std::string>* words, std::string* err) {
  std::vector<std::string> result;
  size_t position = 0;
  const size_t size = text.size();
  for (;;) {
    while (position < size && is_whitespace(text[position])) ++position;
    if (position == size) break;

    std::string word;
    char quote = 0;  // the quote we are inside of, or 0
    while (position < size) {
      char c = text[position];
      if (c == '\0') {
        *err = "text contains a NUL byte, which is not allowed";
        return false;
      }
      if (c == '\\') {
        if (position + 1 == size) {
          *err = "trailing backslash: write \\\\ for a literal backslash";
          return false;
        }
        size_t taken = decode_escape(text, position, &word, err);
        if (taken == 0) return false;
        position += 1 + taken;
        continue;
      }
      ++position;
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.push_back(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (is_whitespace(c)) {
        break;
      } else {
        word.push_back(c);
      }
    }
    if (quote != 0) {
      *err = quote == '"'
                 ? "missing closing \" quote: add one, or write \\\" for a literal double quote"
                 : "missing closing ' quote: add one, or write \\' for a literal single quote";
      return false;
    }
    result.push_back(std::move(word));
  }
  *words = std::move(result);
  return true;
}

std::string quote_exec_argument(std::string_view argument) {
  if (argument.empty()) return "\"\"";

  if (std::all_of(argument.begin(), argument.end(), is_plain_argument_char)) {
    return std::string(argument);
  }

  // Double quotes keep whitespace, ';' and quotes together; escapes keep the
  // line on one line and valid UTF-8, which systemd requires of every line.
  std::string quoted;
  quoted.reserve(argument.size() + 2);
  quoted.push_back('"');
  for (size_t i = 0; i < argument.size();) {
    char c = argument[i];
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      size_t length = valid_utf8_length(argument, i);
      if (length == 0) {
        append_hex_escape(byte, &quoted);
        ++i;
      } else {
        quoted.append(argument.substr(i, length));
        i += length;
      }
      continue;
    }
    if (c == '\\' || c == '"') {
      quoted.push_back('\\');
      quoted.push_back(c);
    } else if (c == '$') {
      // systemd expands $VAR and ${VAR} in ExecStart= and turns $$ into $.
      quoted.append("$$");
    } else if (c == '\n') {
      quoted.append("\\n");
    } else if (c == '\t') {
      quoted.append("\\t");
    } else if (byte < 0x20 || byte == 0x7F) {
      append_hex_escape(byte, &quoted);
    } else {
      quoted.push_back(c);
    }
    ++i;
  }
  quoted.push_back('"');
  return quoted;
}

std::string quote_exec_command(const std::vector<std::string>& arguments) {
  // Sized for the common case, where no argument needs quotes; a plain
  // argument is appended as it is, without a string of its own.
  size_t size = 0;
  for (const std::string& argument : arguments) size += argument.size() + 1;
  std::string command;
  command.reserve(size);
  for (size_t i = 0; i < arguments.size(); ++i) {
    if (i > 0) command.push_back(' ');
    const std::string& argument = arguments[i];
    if (!argument.empty() && std::all_of(argument.begin(), argument.end(), is_plain_argument_char))
      command.append(argument);
    else
      command.append(quote_exec_argument(argument));
  }
  return command;
}

}  // namespace sdme::file
