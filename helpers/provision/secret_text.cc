// A password buffer that is zeroed when it goes.
#include "helpers/provision/secret_text.h"

#include <string.h>

#include <utility>

namespace sdme::provision {

SecretText::SecretText(size_t capacity)
    : buffer_(new char[capacity + 1]()), capacity_(capacity), size_(0) {}

SecretText::SecretText(SecretText&& other) noexcept
    : buffer_(std::move(other.buffer_)),
      capacity_(std::exchange(other.capacity_, 0)),
      size_(std::exchange(other.size_, 0)) {}

SecretText& SecretText::operator=(SecretText&& other) noexcept {
  if (this != &other) {
    wipe();
    buffer_ = std::move(other.buffer_);
    capacity_ = std::exchange(other.capacity_, 0);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

SecretText::~SecretText() { wipe(); }

void SecretText::resize(size_t size) {
  if (!buffer_) return;
  if (size > capacity_) size = capacity_;
  if (size < size_) ::explicit_bzero(buffer_.get() + size, size_ - size);
  size_ = size;
  buffer_[size_] = '\0';
}

void SecretText::wipe() {
  if (buffer_) ::explicit_bzero(buffer_.get(), capacity_ + 1);
}

}  // namespace sdme::provision
