#include "import/formats/byte_source.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/support/test_support.h"

namespace sdme::import {
namespace {

// Hands out fixed chunks, as a network stream does.
class ChunkedByteSource : public ByteSource {
 public:
  explicit ChunkedByteSource(std::vector<std::string> chunks) : chunks_(std::move(chunks)) {}
  bool read(const void** data, size_t* size, std::string* err) override {
    if (next_ == chunks_.size()) {
      *size = 0;
      return true;
    }
    *data = chunks_[next_].data();
    *size = chunks_[next_].size();
    ++next_;
    return true;
  }
  std::string description() const override { return "chunks"; }

 private:
  std::vector<std::string> chunks_;
  size_t next_ = 0;
};

std::string read_all(ByteSource& source) {
  std::string all, err;
  for (;;) {
    const void* data;
    size_t size;
    EXPECT_TRUE(source.read(&data, &size, &err)) << err;
    if (size == 0) return all;
    all.append(static_cast<const char*>(data), size);
  }
}

TEST(PeekingByteSourceTest, PeekThenReadGivesTheWholeStreamOnce) {
  ChunkedByteSource chunks({"ab", "cde", "fgh"});
  PeekingByteSource peeking(&chunks);
  std::string_view head;
  std::string err;
  ASSERT_TRUE(peeking.peek(4, &head, &err)) << err;
  EXPECT_EQ(head, "abcd");
  EXPECT_EQ(read_all(peeking), "abcdefgh");
}

TEST(PeekingByteSourceTest, PeekPastTheEndShowsWhatThereIs) {
  ChunkedByteSource chunks({"ab"});
  PeekingByteSource peeking(&chunks);
  std::string_view head;
  std::string err;
  ASSERT_TRUE(peeking.peek(100, &head, &err)) << err;
  EXPECT_EQ(head, "ab");
  EXPECT_EQ(read_all(peeking), "ab");
}

TEST(FileByteSourceTest, ReadsAFileAndKnowsItsSize) {
  test_support::ScratchDirectory scratch;
  std::string path = scratch.path() + "/data";
  test_support::write_test_file(path, std::string(3 << 20, 'x'));
  std::string err;
  auto file = FileByteSource::open(path, &err);
  ASSERT_NE(file, nullptr) << err;
  EXPECT_EQ(file->expected_size(), 3u << 20);
  uint64_t last_done = 0;
  CountingByteSource counting(file.get(), [&](uint64_t done, uint64_t) { last_done = done; });
  EXPECT_EQ(read_all(counting).size(), 3u << 20);
  EXPECT_EQ(last_done, 3u << 20);
}

TEST(FileByteSourceTest, MissingFileAndDirectoryAreClearErrors) {
  test_support::ScratchDirectory scratch;
  std::string err;
  EXPECT_EQ(FileByteSource::open(scratch.path() + "/missing", &err), nullptr);
  EXPECT_EQ(err, "cannot open " + scratch.path() + "/missing: No such file or directory");
  EXPECT_EQ(FileByteSource::open(scratch.path(), &err), nullptr);
  EXPECT_EQ(err, scratch.path() + " is a directory, not a file");
}

}  // namespace
}  // namespace sdme::import
