// A stream of bytes to import from: a local file, an HTTP response body, a
// registry blob. Sources stack: a digest check or a progress counter wraps
// another source, and libarchive reads from the outermost one, so nothing is
// ever copied to a temporary file just to be read again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace sdme::import {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Points `*data` at the next bytes and sets `*size`; a size of 0 means the
  // end of the stream. The bytes stay valid until the next call. False with
  // `*err` set on failure (a read error, a broken download, a bad digest).
  virtual bool read(const void** data, size_t* size, std::string* err) = 0;
  // The total length when known in advance (a file's size, Content-Length),
  // else 0. For progress only.
  virtual uint64_t expected_size() const { return 0; }
  // What to call this source in messages: a path or a URL without its
  // credentials.
  virtual std::string description() const = 0;
};

// Reads a regular file (or a pipe) in large blocks.
class FileByteSource : public ByteSource {
 public:
  // Opens `path` for reading; nullptr and `*err` when it cannot.
  static std::unique_ptr<FileByteSource> open(const std::string& path, std::string* err);
  ~FileByteSource() override;

  bool read(const void** data, size_t* size, std::string* err) override;
  uint64_t expected_size() const override { return size_; }
  std::string description() const override { return path_; }

 private:
  FileByteSource(int fd, std::string path, uint64_t size);
  int fd_;
  std::string path_;
  uint64_t size_;
  std::unique_ptr<char[]> buffer_;
};

// Progress of a long step: bytes done so far and the total (0 if unknown).
using ProgressCallback = std::function<void(uint64_t done, uint64_t total)>;

// Passes bytes through and reports how many have gone by.
class CountingByteSource : public ByteSource {
 public:
  CountingByteSource(ByteSource* inner, ProgressCallback progress)
      : inner_(inner), progress_(std::move(progress)) {}
  bool read(const void** data, size_t* size, std::string* err) override;
  uint64_t expected_size() const override { return inner_->expected_size(); }
  std::string description() const override { return inner_->description(); }
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  ByteSource* inner_;
  ProgressCallback progress_;
  uint64_t bytes_read_ = 0;
};

// Lets the importer look at a stream's first bytes (to tell a disk image from
// a tarball) and then read the stream from its start, without a temp copy.
class PeekingByteSource : public ByteSource {
 public:
  explicit PeekingByteSource(ByteSource* inner) : inner_(inner) {}
  // Reads ahead until `size` bytes (or the whole stream, if shorter) are
  // buffered, and shows them.
  bool peek(size_t size, std::string_view* head, std::string* err);
  bool read(const void** data, size_t* size, std::string* err) override;
  uint64_t expected_size() const override { return inner_->expected_size(); }
  std::string description() const override { return inner_->description(); }

 private:
  ByteSource* inner_;
  std::string head_;
  size_t head_offset_ = 0;
  bool inner_ended_ = false;
};

}  // namespace sdme::import
