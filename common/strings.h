// Small string helpers shared by every sdme program.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sdme {

// Splits on every occurrence of `separator`; empty fields are kept.
std::vector<std::string> split(std::string_view text, char separator);

std::string join(const std::vector<std::string>& parts, std::string_view separator);

// Removes systemd's WHITESPACE (" \t\n\r") from both ends.
std::string_view strip(std::string_view text);

// Whether systemd sets a variable of this name (env_name_is_valid(), the
// rule of Environment= in systemd.exec(5), as the shell's): ASCII letters,
// digits and '_', not starting with a digit.
bool is_environment_name(std::string_view name);

// Whether `text` has an ASCII control character (below 0x20, or DEL),
// which no unit line or environment value may hold.
bool has_control_character(std::string_view text);

// 64-bit FNV-1a of `text`: stable across builds and machines, unlike
// std::hash, for names derived from text. Not for secrecy.
uint64_t fnv1a_hash(std::string_view text);

// Case-insensitive ASCII comparison.
bool equals_ignore_case(std::string_view a, std::string_view b);

// Parses a systemd boolean (1/yes/y/true/t/on and 0/no/n/false/f/off,
// case-insensitive). Returns false if `text` is none of them.
bool parse_boolean(std::string_view text, bool* value);

// Text shown in a message: control characters become \xNN, so one message
// stays one line whatever a file contained. Backslashes are left alone, so it
// may be applied to a whole message that already holds cescape()d parts;
// the log applies it to every message as the last line of defence.
std::string printable(std::string_view text);

// A path or value as systemd's cescape() shows it: '\\', '"', '\'' and the
// control characters \a \b \f \n \r \t \v get a backslash; any other byte
// below 0x20 or from 0x7F up becomes \NNN (octal). The result is printable
// ASCII and unambiguous: a file named "a\nb" and one named "a\\nb" show
// differently, and neither can start a line of its own in a log.
std::string cescape(std::string_view text);

// A byte size as systemd reads one: "512", "64K", "1.5G"; an optional B, K,
// M, G, T, P or E suffix in powers of 1024. The message says what a size
// looks like.
bool parse_size(std::string_view text, uint64_t* bytes, std::string* err);

// Levenshtein distance, for did-you-mean suggestions (common/closest_match.h).
// Above `limit` it returns limit + 1 without computing more: suggestions need
// only small distances, and a name far longer or shorter than every known one
// (a 1 MiB key) then costs nothing, instead of length times length.
size_t edit_distance(std::string_view a, std::string_view b, size_t limit = SIZE_MAX);

}  // namespace sdme
