// An import::ByteSource over bytes in memory, for tests of code that reads streams:
// hands its content out in chunks of a chosen size (so chunk boundaries get
// exercised) and can fail after a given number of bytes like a broken
// connection.
#pragma once

#include <algorithm>
#include <string>

#include "import/formats/byte_source.h"

namespace sdme::test_support {

class MemoryByteSource : public import::ByteSource {
 public:
  explicit MemoryByteSource(std::string content, size_t chunk_size = 7,
                            std::string description = "memory")
      : content_(std::move(content)),
        chunk_size_(chunk_size),
        description_(std::move(description)) {}

  // Makes reads fail once `offset` bytes have been handed out.
  void fail_after(size_t offset, std::string message) {
    fail_offset_ = offset;
    failure_ = std::move(message);
  }

  bool read(const void** data, size_t* size, std::string* err) override {
    if (!failure_.empty() && position_ >= fail_offset_) {
      *err = failure_;
      return false;
    }
    size_t limit = failure_.empty() ? content_.size() : std::min(content_.size(), fail_offset_);
    *size = std::min(chunk_size_, limit - std::min(limit, position_));
    *data = content_.data() + position_;
    position_ += *size;
    return true;
  }
  uint64_t expected_size() const override { return content_.size(); }
  std::string description() const override { return description_; }

 private:
  std::string content_;
  size_t chunk_size_;
  std::string description_;
  size_t position_ = 0;
  size_t fail_offset_ = 0;
  std::string failure_;
};

// Reads a source to its end; false with `*err` if a read fails.
inline bool read_all(import::ByteSource* source, std::string* content, std::string* err) {
  content->clear();
  for (;;) {
    const void* data = nullptr;
    size_t size = 0;
    if (!source->read(&data, &size, err)) return false;
    if (size == 0) return true;
    content->append(static_cast<const char*>(data), size);
  }
}

}  // namespace sdme::test_support
