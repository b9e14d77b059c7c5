// Which compression wraps a stream, told from its first bytes and never from
// a file name: a download's URL or a user's file name may say ".tar.gz" over
// zstd data, and the importer must still pick the right path (tarball, disk
// image, OCI archive) before it commits to one.
#pragma once

#include <string_view>

namespace sdme::import {

enum class Compression { kNone, kGzip, kXz, kZstd, kBzip2, kLz4, kUnknown };

// The compression of a stream starting with `first_bytes` (give at least 512
// bytes when there are that many). kNone only when the bytes are an
// uncompressed tar header; anything else unrecognised is kUnknown.
Compression detect_compression(std::string_view first_bytes);

// Whether the first 512 bytes of a stream are a tar header: the "ustar"
// magic at offset 257 (POSIX and GNU tar), or a valid header checksum (old
// v7 archives, which have no magic). A block of zeros is not a header: raw
// disk images start that way.
bool looks_like_tar(std::string_view first_512_bytes);

// "gzip", "xz", "zstd", "bzip2", "lz4", "uncompressed" or "unknown".
std::string_view compression_name(Compression compression);

}  // namespace sdme::import
