// UTF-8 validity as systemd's utf8_is_valid() defines it: shortest form, and
// only Unicode scalar values that are not noncharacters. Unit files and the
// values we write back into units must pass it, or systemd refuses the line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sdme {

// systemd's unichar_is_valid().
bool is_valid_code_point(uint32_t code_point);

// The length of the UTF-8 sequence at text[position] if systemd accepts it,
// else 0.
size_t valid_utf8_length(std::string_view text, size_t position);

bool is_valid_utf8(std::string_view text);

}  // namespace sdme
