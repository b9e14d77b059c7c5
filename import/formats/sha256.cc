#include "import/formats/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

#include "common/import_request.h"

namespace sdme::import {

struct Sha256::Context {
  EVP_MD_CTX* context = nullptr;
  ~Context() { EVP_MD_CTX_free(context); }
};

Sha256::Sha256() : context_(new Context) {
  context_->context = EVP_MD_CTX_new();
  // Out of memory or a broken libcrypto: nothing sensible can go on, and a
  // digest that silently is not computed would be a hole.
  if (context_->context == nullptr ||
      EVP_DigestInit_ex(context_->context, EVP_sha256(), nullptr) != 1)
    std::abort();
}

Sha256::~Sha256() = default;

void Sha256::update(const void* data, size_t size) {
  if (size > 0 && EVP_DigestUpdate(context_->context, data, size) != 1) std::abort();
}

std::string Sha256::hex_digest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context_->context, digest, &length) != 1) std::abort();
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kDigits[digest[i] >> 4];
    hex += kDigits[digest[i] & 0xf];
  }
  return hex;
}

std::string sha256_hex(std::string_view data) {
  Sha256 hash;
  hash.update(data.data(), data.size());
  return hash.hex_digest();
}

bool parse_sha256_checksum(std::string_view text, std::string* hex, std::string* err) {
  // The same rule the generator applies to ImportChecksum=.
  std::string normalized;
  if (!normalize_sha256_checksum(text, &normalized)) {
    *err = "invalid checksum \"" + std::string(text) +
           "\": expected sha256: followed by 64 hexadecimal digits";
    return false;
  }
  *hex = normalized.substr(normalized.find(':') + 1);
  return true;
}

bool sha256_file(const std::string& path, std::string* hex, std::string* err) {
  std::unique_ptr<FileByteSource> source = FileByteSource::open(path, err);
  return source && sha256_stream(*source, hex, err);
}

bool sha256_stream(ByteSource& source, std::string* hex, std::string* err) {
  Sha256 hash;
  for (;;) {
    const void* data = nullptr;
    size_t size = 0;
    if (!source.read(&data, &size, err)) return false;
    if (size == 0) break;
    hash.update(data, size);
  }
  *hex = hash.hex_digest();
  return true;
}

DigestVerifyingByteSource::DigestVerifyingByteSource(std::unique_ptr<ByteSource> inner,
                                                     std::string expected_hex,
                                                     uint64_t expected_size)
    : inner_(std::move(inner)),
      expected_hex_(std::move(expected_hex)),
      expected_size_(expected_size) {}

uint64_t DigestVerifyingByteSource::expected_size() const {
  return expected_size_ != 0 ? expected_size_ : inner_->expected_size();
}

bool DigestVerifyingByteSource::read(const void** data, size_t* size, std::string* err) {
  // A failed check stays failed: a caller that reads on must not then see
  // a clean end of stream.
  if (!failure_.empty()) {
    *err = failure_;
    return false;
  }
  if (finished_) {
    *data = nullptr;
    *size = 0;
    return true;
  }
  if (!inner_->read(data, size, err)) return false;
  if (*size > 0) {
    bytes_read_ += *size;
    // Fail as soon as the stream is longer than promised: a server that never
    // stops must not fill the disk first.
    if (expected_size_ != 0 && bytes_read_ > expected_size_) {
      failure_ = inner_->description() + ": size mismatch: expected " +
                 std::to_string(expected_size_) + " bytes, got more; the download is corrupt";
      *err = failure_;
      return false;
    }
    hash_.update(*data, *size);
    return true;
  }
  finished_ = true;
  if (expected_size_ != 0 && bytes_read_ != expected_size_) {
    failure_ = inner_->description() + ": size mismatch: expected " +
               std::to_string(expected_size_) + " bytes, got " + std::to_string(bytes_read_) +
               "; the download is corrupt or truncated";
    *err = failure_;
    return false;
  }
  std::string actual = hash_.hex_digest();
  if (actual != expected_hex_) {
    failure_ = inner_->description() + ": checksum mismatch: expected sha256:" + expected_hex_ +
               ", got sha256:" + actual + "; the download is corrupt or the checksum is wrong";
    *err = failure_;
    return false;
  }
  return true;
}

}  // namespace sdme::import
