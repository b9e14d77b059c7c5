// UTF-8 validity as systemd's utf8_is_valid() defines it.
#include "common/utf8.h"

namespace sdme {

bool is_valid_code_point(uint32_t c) {
  if (c >= 0x110000) return false;
  if ((c & 0xFFFFF800) == 0xD800) return false;  // UTF-16 surrogates
  if (c >= 0xFDD0 && c <= 0xFDEF) return false;  // noncharacters
  if ((c & 0xFFFE) == 0xFFFE) return false;      // U+xxFFFE and U+xxFFFF
  return true;
}

size_t valid_utf8_length(std::string_view text, size_t position) {
  auto lead = static_cast<unsigned char>(text[position]);
  size_t length;
  uint32_t code_point;
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code_point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code_point = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code_point = lead & 0x07;
  } else {
    return 0;  // a continuation byte, or a 5- or 6-byte form beyond Unicode
  }
  if (text.size() - position < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    auto byte = static_cast<unsigned char>(text[position + i]);
    if ((byte & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte & 0x3F);
  }
  size_t shortest = code_point < 0x80 ? 1 : code_point < 0x800 ? 2 : code_point < 0x10000 ? 3 : 4;
  if (shortest != length || !is_valid_code_point(code_point)) return 0;
  return length;
}

bool is_valid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    size_t length = valid_utf8_length(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

}  // namespace sdme
