// Image references as docker writes them ("debian:12",
// "docker.io/library/debian:12", "localhost:5000/x/y:tag",
// "quay.io/org/img@sha256:..."): the grammar of the distribution
// specification, which the generator checks Import= against and
// sdme-import pulls by. One parser, so a reference the generator accepts is
// one sdme-import can pull, and the other way round.
#pragma once

#include <string>
#include <string_view>

namespace sdme {

struct ImageReference {
  std::string registry;    // as written, e.g. "docker.io", "localhost:5000"
  std::string repository;  // e.g. "library/debian"
  std::string tag;         // "latest" when neither tag nor digest is given
  std::string digest;      // "sha256:HEX" when pinned; empty otherwise

  // The tag or digest to ask the registry for.
  const std::string& manifest_reference() const { return digest.empty() ? tag : digest; }
  // registry/repository:tag or registry/repository@digest, for messages.
  std::string to_string() const;
};

// The registry a reference without a host names: "debian" is
// "docker.io/library/debian:latest".
inline constexpr std::string_view kDefaultImageRegistry = "docker.io";

// [HOST[:PORT]/]PATH[:TAG][@sha256:HEX], where
// - HOST is the first '/'-separated part if it has a '.' or a ':', is
//   "localhost" or is an IPv6 literal in brackets; its labels are letters,
//   digits and inner '-', the port up to 5 digits;
// - PATH is '/'-separated parts of lower-case letters and digits joined by
//   '.', '_', "__" or runs of '-'; HOST and PATH together are at most 255
//   characters;
// - TAG is a letter, digit or '_' and up to 127 more of those, '.' or '-';
// - the digest is sha256 (the one algorithm sdme-import verifies) with 64
//   lower-case hexadecimal digits.
// On failure `err` says what is wrong without repeating the text, which the
// caller names as its context shows it (a URL's credentials masked).
bool parse_image_reference(std::string_view text, ImageReference* reference, std::string* err);

}  // namespace sdme
