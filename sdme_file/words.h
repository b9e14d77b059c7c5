// Word splitting and quoting with systemd's rules.
//
// split_words() is systemd's extract_first_word() with
// EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE: words are separated by whitespace;
// single and double quotes group (and may start anywhere in a word, as in
// a"b c"d -> ab cd); inside and outside quotes the C escapes \a \b \f \n \r
// \t \v \\ \" \' \s \xNN \NNN (octal) \uNNNN \UNNNNNNNN are decoded; a
// backslash before any other character is an error, as is an unterminated
// quote or a trailing backslash. Specifiers (%i, %n, ...) pass through.
//
// quote_exec_argument() is the inverse for one argument of an ExecStart=
// line: the result, split by systemd, gives back exactly `argument`, and
// '$' is doubled so systemd does not substitute environment variables.
// '%' is left as it is: specifiers in user values are expanded by systemd,
// as in any unit file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sdme::file {

bool split_words(std::string_view text, std::vector<std::string>* words, std::string* err);

std::string quote_exec_argument(std::string_view argument);

// Joins quote_exec_argument() of each argument with single spaces.
std::string quote_exec_command(const std::vector<std::string>& arguments);

}  // namespace sdme::file
