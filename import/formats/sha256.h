// SHA-256 for everything sdme-import verifies: checksums the user gives
// ("sha256:HEX"), OCI blob digests, and streams checked as they are read so
// a corrupt download fails before its last byte is trusted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "import/formats/byte_source.h"

namespace sdme::import {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, size_t size);
  // The digest of everything updated so far, as 64 lower-case hex digits.
  // Ends the computation: call it once.
  std::string hex_digest();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

// The hex digest of `data`, in one call.
std::string sha256_hex(std::string_view data);

// Parses a checksum the user wrote, "sha256:HEX" with 64 hex digits in either
// case; `*hex` gets the digits in lower case.
bool parse_sha256_checksum(std::string_view text, std::string* hex, std::string* err);

// Hashes a whole file.
bool sha256_file(const std::string& path, std::string* hex, std::string* err);
// Hashes a stream to its end; false with `*err` when a read fails.
bool sha256_stream(ByteSource& source, std::string* hex, std::string* err);

// Passes bytes through and hashes them; at the end of the stream the read
// fails unless the digest (and the size, when known) is what was expected.
// Nothing read from it may be trusted before that last read returns.
class DigestVerifyingByteSource : public ByteSource {
 public:
  // `expected_hex` is 64 lower-case hex digits; `expected_size` 0 means the
  // size is not known in advance.
  DigestVerifyingByteSource(std::unique_ptr<ByteSource> inner, std::string expected_hex,
                            uint64_t expected_size = 0);

  bool read(const void** data, size_t* size, std::string* err) override;
  uint64_t expected_size() const override;
  std::string description() const override { return inner_->description(); }

 private:
  std::unique_ptr<ByteSource> inner_;
  std::string expected_hex_;
  uint64_t expected_size_;
  uint64_t bytes_read_ = 0;
  Sha256 hash_;
  bool finished_ = false;
  std::string failure_;
};

}  // namespace sdme::import
