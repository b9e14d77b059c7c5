// Compression detection from magic bytes.
#include "import/formats/compression.h"

#include <cstdint>

namespace sdme::import {
namespace {

constexpr size_t kTarBlockSize = 512;
constexpr size_t kChecksumOffset = 148;
constexpr size_t kChecksumLength = 8;
constexpr size_t kMagicOffset = 257;

// The header checksum is the sum of all 512 bytes with the checksum field
// itself counted as spaces. Old tar versions summed signed chars, so accept
// either sum.
bool checksum_matches(std::string_view header) {
  std::string_view field = header.substr(kChecksumOffset, kChecksumLength);
  size_t position = 0;
  while (position < field.size() && field[position] == ' ') ++position;
  uint64_t stored = 0;
  size_t digits = 0;
  for (; position < field.size() && field[position] >= '0' && field[position] <= '7';
       ++position, ++digits)
    stored = stored * 8 + static_cast<uint64_t>(field[position] - '0');
  if (digits == 0) return false;
  // What may follow the digits: NUL or space terminators only.
  for (; position < field.size(); ++position)
    if (field[position] != ' ' && field[position] != '\0') return false;

  uint64_t unsigned_sum = 0;
  int64_t signed_sum = 0;
  for (size_t i = 0; i < kTarBlockSize; ++i) {
    bool in_field = i >= kChecksumOffset && i < kChecksumOffset + kChecksumLength;
    char byte = in_field ? ' ' : header[i];
    unsigned_sum += static_cast<unsigned char>(byte);
    signed_sum += static_cast<signed char>(byte);
  }
  return stored == unsigned_sum || static_cast<int64_t>(stored) == signed_sum;
}

}  // namespace

bool looks_like_tar(std::string_view first_512_bytes) {
  if (first_512_bytes.size() < kTarBlockSize) return false;
  std::string_view header = first_512_bytes.substr(0, kTarBlockSize);
  // "ustar\0" (POSIX) or "ustar " (GNU, followed by " \0").
  std::string_view magic = header.substr(kMagicOffset, 6);
  if (magic == std::string_view("ustar\0", 6) || magic == "ustar ") return true;
  // A v7 header starts with a name; the all-zero block has no name.
  if (header[0] == '\0') return false;
  return checksum_matches(header);
}

Compression detect_compression(std::string_view first_bytes) {
  if (first_bytes.starts_with("\x1f\x8b")) return Compression::kGzip;
  if (first_bytes.starts_with(std::string_view("\xfd"
                                               "7zXZ\0",
                                               6)))
    return Compression::kXz;
  if (first_bytes.starts_with("\x28\xb5\x2f\xfd")) return Compression::kZstd;
  if (first_bytes.starts_with("BZh") && first_bytes.size() > 3 && first_bytes[3] >= '1' &&
      first_bytes[3] <= '9')
    return Compression::kBzip2;
  // The LZ4 frame format, and the legacy format lz4 -l still writes.
  if (first_bytes.starts_with("\x04\x22\x4d\x18") || first_bytes.starts_with("\x02\x21\x4c\x18"))
    return Compression::kLz4;
  if (looks_like_tar(first_bytes)) return Compression::kNone;
  return Compression::kUnknown;
}

std::string_view compression_name(Compression compression) {
  switch (compression) {
    case Compression::kNone:
      return "uncompressed";
    case Compression::kGzip:
      return "gzip";
    case Compression::kXz:
      return "xz";
    case Compression::kZstd:
      return "zstd";
    case Compression::kBzip2:
      return "bzip2";
    case Compression::kLz4:
      return "lz4";
    case Compression::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace sdme::import
