// Test fixtures for the importer: tar archives built in memory with
// libarchive's writer (so no binary fixture is committed), and an import::ByteSource
// that serves a string in small blocks, the way a download arrives.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <locale.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "import/formats/byte_source.h"

namespace sdme::test_support {

class StringByteSource : public import::ByteSource {
 public:
  explicit StringByteSource(std::string bytes, size_t block_size = 4096)
      : bytes_(std::move(bytes)), block_size_(block_size) {}
  bool read(const void** data, size_t* size, std::string*) override {
    *size = std::min(block_size_, bytes_.size() - position_);
    *data = bytes_.data() + position_;
    position_ += *size;
    return true;
  }
  uint64_t expected_size() const override { return bytes_.size(); }
  std::string description() const override { return "test archive"; }

 private:
  std::string bytes_;
  size_t block_size_;
  size_t position_ = 0;
};

// Fails every read with a fixed message, after `good_bytes` bytes.
class FailingByteSource : public import::ByteSource {
 public:
  FailingByteSource(std::string bytes, std::string message)
      : bytes_(std::move(bytes)), message_(std::move(message)) {}
  bool read(const void** data, size_t* size, std::string* err) override {
    if (served_) {
      *err = message_;
      return false;
    }
    served_ = true;
    *data = bytes_.data();
    *size = bytes_.size();
    return true;
  }
  std::string description() const override { return "failing source"; }

 private:
  std::string bytes_;
  std::string message_;
  bool served_ = false;
};

// Builds a tar archive in memory. Entries default to root-owned, mode 0644
// files and 0755 directories, with a fixed mtime.
class TestArchive {
 public:
  explicit TestArchive(int format = ARCHIVE_FORMAT_TAR_PAX_RESTRICTED,
                       int filter = ARCHIVE_FILTER_NONE, const char* options = nullptr)
      : archive_(archive_write_new()) {
    // Names are bytes; a UTF-8 locale keeps the writer from converting them.
    utf8_ = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
    if (utf8_ != locale_t{}) previous_ = ::uselocale(utf8_);
    if (archive_write_set_format(archive_, format) != ARCHIVE_OK) std::abort();
    if (filter != ARCHIVE_FILTER_NONE && archive_write_add_filter(archive_, filter) != ARCHIVE_OK)
      std::abort();
    if (options != nullptr && archive_write_set_options(archive_, options) != ARCHIVE_OK)
      std::abort();
    archive_write_set_bytes_in_last_block(archive_, 1);
    if (archive_write_open(archive_, &bytes_, nullptr, append, nullptr) != ARCHIVE_OK) std::abort();
  }
  TestArchive(const TestArchive&) = delete;
  TestArchive& operator=(const TestArchive&) = delete;
  ~TestArchive() {
    if (archive_ != nullptr) archive_write_free(archive_);
    if (utf8_ != locale_t{}) {
      ::uselocale(previous_);
      ::freelocale(utf8_);
    }
  }

  // The entry for the next add(), for anything the shortcuts do not set.
  using Customize = std::function<void(struct archive_entry*)>;

  TestArchive& file(const std::string& path, const std::string& content, mode_t mode = 0644,
                    const Customize& customize = {}) {
    return add(path, AE_IFREG, mode, content, [&](struct archive_entry* entry) {
      archive_entry_set_size(entry, static_cast<la_int64_t>(content.size()));
      if (customize) customize(entry);
    });
  }
  TestArchive& directory(const std::string& path, mode_t mode = 0755,
                         const Customize& customize = {}) {
    return add(path, AE_IFDIR, mode, "", customize);
  }
  TestArchive& symlink(const std::string& path, const std::string& target) {
    return add(path, AE_IFLNK, 0777, "", [&](struct archive_entry* entry) {
      archive_entry_set_symlink(entry, target.c_str());
    });
  }
  TestArchive& hard_link(const std::string& path, const std::string& target) {
    return add(path, AE_IFREG, 0644, "", [&](struct archive_entry* entry) {
      archive_entry_set_hardlink(entry, target.c_str());
      archive_entry_set_size(entry, 0);
    });
  }
  TestArchive& device(const std::string& path, mode_t type, unsigned major, unsigned minor) {
    return add(path, type, 0666, "", [&](struct archive_entry* entry) {
      archive_entry_set_rdevmajor(entry, major);
      archive_entry_set_rdevminor(entry, minor);
    });
  }
  TestArchive& fifo(const std::string& path) { return add(path, AE_IFIFO, 0600, "", {}); }

  // Any entry, with `data` as its content (for a sparse entry, the whole
  // content, holes included: the writer drops the holes' bytes).
  TestArchive& add(const std::string& path, mode_t type, mode_t mode, const std::string& data,
                   const Customize& customize) {
    struct archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, path.c_str());
    archive_entry_set_filetype(entry, type);
    archive_entry_set_perm(entry, mode);
    archive_entry_set_mtime(entry, 1'600'000'000, 0);
    archive_entry_set_uid(entry, 0);
    archive_entry_set_gid(entry, 0);
    if (customize) customize(entry);
    if (archive_write_header(archive_, entry) < ARCHIVE_WARN) std::abort();
    if (!data.empty() && archive_write_data(archive_, data.data(), data.size()) < 0) std::abort();
    archive_entry_free(entry);
    return *this;
  }

  std::string finish() {
    if (archive_write_close(archive_) != ARCHIVE_OK) std::abort();
    archive_write_free(archive_);
    archive_ = nullptr;
    return std::move(bytes_);
  }

 private:
  static la_ssize_t append(struct archive*, void* client, const void* buffer, size_t length) {
    static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
    return static_cast<la_ssize_t>(length);
  }

  struct archive* archive_;
  std::string bytes_;
  locale_t utf8_ = locale_t{};
  locale_t previous_ = locale_t{};
};

}  // namespace sdme::test_support
