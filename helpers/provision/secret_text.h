// A buffer for a plaintext password: allocated once at its final size, so
// no reallocation leaves a copy behind, and zeroed with explicit_bzero(3)
// when it goes, which the compiler may not optimise away. Nothing that
// holds a password lives in a std::string.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

namespace sdme::provision {

class SecretText {
 public:
  SecretText() = default;
  // Room for `capacity` bytes and a terminating NUL, for crypt(3).
  explicit SecretText(size_t capacity);
  SecretText(const SecretText&) = delete;
  SecretText& operator=(const SecretText&) = delete;
  SecretText(SecretText&& other) noexcept;
  SecretText& operator=(SecretText&& other) noexcept;
  ~SecretText();

  char* data() { return buffer_.get(); }
  size_t capacity() const { return capacity_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Shortens or sets the length; what is cut off is zeroed.
  void resize(size_t size);
  std::string_view view() const { return {buffer_.get(), size_}; }
  const char* c_str() const { return buffer_ ? buffer_.get() : ""; }

 private:
  void wipe();

  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
  size_t size_ = 0;
};

}  // namespace sdme::provision
