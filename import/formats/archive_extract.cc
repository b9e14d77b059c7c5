// Safe tarball extraction with libarchive. libarchive's own guards (no "..",
// no absolute names, nothing written through a symlink) stay on; in front of
// them every member name is normalised and checked here, and every directory
// a member lands in is opened beneath the target without following a symlink
// (common/open_beneath.h), so a hostile archive is refused with a message
// naming the member rather than partly unpacked.
//
// libarchive writes relative to the working directory. A library must not
// chdir its process, so the extraction runs on a thread of its own that
// unshares its file system attributes (cwd, umask) and changes into the
// target there.
#include "import/formats/archive_extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <locale.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_set>

#include "common/file_descriptor.h"
#include "common/path_text.h"
#include "common/open_beneath.h"
#include "common/remove_tree.h"
#include "import/formats/compression.h"

namespace sdme::import {
namespace {

using ReadArchive = std::unique_ptr<struct archive, decltype(&archive_read_free)>;
using WriteArchive = std::unique_ptr<struct archive, decltype(&archive_write_free)>;

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";
// AUFS leaves its own bookkeeping (".wh..wh.plnk", ".wh..wh.aufs") in some
// layers; it is never part of the image.
constexpr std::string_view kAufsMetadataPrefix = ".wh..wh.";

// A member name as it appears in messages: quoted, with control characters
// escaped so that a name cannot break the message into lines.
std::string quote(std::string_view name) {
  std::string quoted = "'";
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
      quoted += escaped;
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string format_size(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  for (value /= 1024; value >= 1024 && unit + 1 < std::size(kUnits); value /= 1024) ++unit;
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

enum class PathProblem { kNone, kEmpty, kAbsolute, kLeavesTarget };

// Drops "." components, repeated and trailing slashes. The top directory
// ("." or "./") becomes "".
PathProblem normalise_member_path(std::string_view raw, std::string* path) {
  path->clear();
  if (raw.empty()) return PathProblem::kEmpty;
  if (raw.front() == '/') return PathProblem::kAbsolute;
  size_t start = 0;
  while (start <= raw.size()) {
    size_t end = raw.find('/', start);
    if (end == std::string_view::npos) end = raw.size();
    std::string_view component = raw.substr(start, end - start);
    if (component == "..") return PathProblem::kLeavesTarget;
    if (!component.empty() && component != ".") {
      if (!path->empty()) *path += '/';
      *path += component;
    }
    start = end + 1;
  }
  return PathProblem::kNone;
}

std::string path_problem_text(PathProblem problem) {
  switch (problem) {
    case PathProblem::kEmpty:
      return "empty name";
    case PathProblem::kAbsolute:
      return "absolute path; an archive to import holds paths relative to its top directory";
    case PathProblem::kLeavesTarget:
      return "path leaves the target directory";
    case PathProblem::kNone:
      break;
  }
  return "";
}

// Opens ROOT/RELATIVE (an O_PATH descriptor) when every component is a
// directory reached without a symlink. 0 or an errno value: ENOENT when a
// component is missing, ENOTDIR when one is no directory, ELOOP with
// `*symlink` set when one is a symlink.
int open_directory_beneath(int root_fd, const std::string& relative, FileDescriptor* directory,
                           std::string* symlink) {
  BeneathFailure failure;
  if (open_beneath(root_fd, relative, O_PATH | O_DIRECTORY, directory, &failure)) return 0;
  if (failure.error == ELOOP) *symlink = failure.component;
  return failure.error;
}

// Removes NAME in `directory_fd` and everything below it (common/
// remove_tree.h). 0 or an errno value, with `*failed` naming what could
// not be removed, relative to the directory.
int remove_tree_below(int directory_fd, const std::string& name, std::string* failed) {
  BeneathFailure failure;
  if (remove_tree_at(directory_fd, name, &failure)) return 0;
  *failed = failure.component;
  return failure.error;
}

bool is_truncation(std::string_view message) {
  std::string lower(message);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("truncated") != std::string::npos ||
         lower.find("premature end") != std::string::npos ||
         lower.find("unexpected end") != std::string::npos ||
         // liblzma's LZMA_BUF_ERROR: the input ended inside a block.
         lower.find("no progress is possible") != std::string::npos;
}

// What libarchive reads from: the ByteSource, with the cancel flag checked
// on every block and the source's own error kept for the message.
struct ReadContext {
  ByteSource* source = nullptr;
  const std::atomic<bool>* cancel = nullptr;
  std::string source_error;
  bool cancelled = false;
};

la_ssize_t read_from_source(struct archive* reader, void* client, const void** buffer) {
  auto* context = static_cast<ReadContext*>(client);
  if (context->cancel != nullptr && context->cancel->load(std::memory_order_relaxed)) {
    context->cancelled = true;
    archive_set_error(reader, ECANCELED, "interrupted");
    return -1;
  }
  size_t size = 0;
  if (!context->source->read(buffer, &size, &context->source_error)) {
    archive_set_error(reader, EIO, "%s", context->source_error.c_str());
    return -1;
  }
  return static_cast<la_ssize_t>(size);
}

// Member names are bytes. Under the "C" locale libarchive would mangle the
// UTF-8 names of pax archives (OCI layers written by Go use them) while
// converting to ASCII; with a UTF-8 character set for this thread, names
// pass through unchanged.
class ScopedUtf8Locale {
 public:
  ScopedUtf8Locale() : locale_(::newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{})) {
    if (locale_ != locale_t{}) previous_ = ::uselocale(locale_);
  }
  ScopedUtf8Locale(const ScopedUtf8Locale&) = delete;
  ScopedUtf8Locale& operator=(const ScopedUtf8Locale&) = delete;
  ~ScopedUtf8Locale() {
    if (locale_ == locale_t{}) return;
    ::uselocale(previous_);
    ::freelocale(locale_);
  }

 private:
  locale_t locale_;
  locale_t previous_ = locale_t{};
};

std::string truncation_message(const std::string& last_member, bool seen_member) {
  return "truncated archive: unexpected end of data " +
         (seen_member ? "after " + quote(last_member) : std::string("before its first member"));
}

// Why reading the archive stopped, in one line. `last_member` is the member
// being read, or the one before the failing header.
std::string read_failure(struct archive* reader, const ReadContext& context,
                         const std::string& last_member, bool seen_member) {
  if (context.cancelled) return "interrupted";
  if (!context.source_error.empty()) return context.source_error;
  const char* text = archive_error_string(reader);
  std::string message = text != nullptr ? text : "";
  // libarchive's readers fail without a message when the input ends in the
  // middle of a header's extension (a pax or GNU long-name record): the
  // read-ahead came back empty, and a failing source would have set one.
  if (message.empty() || is_truncation(message))
    return truncation_message(last_member, seen_member);
  return "cannot read archive " + context.source->description() +
         (seen_member ? " after member " + quote(last_member) : std::string()) + ": " + message;
}

bool open_reader(ReadContext* context, ReadArchive* reader, std::string* err) {
  reader->reset(archive_read_new());
  if (*reader == nullptr) {
    *err = "cannot read archive " + context->source->description() + ": out of memory";
    return false;
  }
  archive_read_support_filter_all(reader->get());
  // "tar" reads POSIX ustar, pax (with its sparse and xattr extensions),
  // GNU tar and v7 archives.
  archive_read_support_format_tar(reader->get());
  if (archive_read_open(reader->get(), context, nullptr, read_from_source, nullptr) != ARCHIVE_OK) {
    *err = read_failure(reader->get(), *context, "", false);
    return false;
  }
  return true;
}

// Reads a source to its end after the archive has ended, so that a source
// checking a digest or a length at its end gets to check it.
bool drain(ByteSource& source, const std::atomic<bool>* cancel, std::string* err) {
  for (;;) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      *err = "interrupted";
      return false;
    }
    const void* data = nullptr;
    size_t size = 0;
    if (!source.read(&data, &size, err)) return false;
    if (size == 0) return true;
  }
}

// Gives back the block a detection step already read, then the rest.
class PrefixedByteSource : public ByteSource {
 public:
  PrefixedByteSource(ByteSource* inner, const void* prefix, size_t size)
      : inner_(inner), prefix_(prefix), prefix_size_(size) {}
  bool read(const void** data, size_t* size, std::string* err) override {
    if (prefix_ != nullptr) {
      *data = std::exchange(prefix_, nullptr);
      *size = prefix_size_;
      return true;
    }
    return inner_->read(data, size, err);
  }
  uint64_t expected_size() const override { return inner_->expected_size(); }
  std::string description() const override { return inner_->description(); }

 private:
  ByteSource* inner_;
  const void* prefix_;
  size_t prefix_size_;
};

// Decompressed bytes on their way from the thread that decompresses to the
// one that parses and writes, in a few large chunks so the two overlap.
class ChunkPipe {
 public:
  enum class End { kOpen, kComplete, kTruncated, kFailed, kSourceFailed, kCancelled };
  static constexpr size_t kChunkSize = 1 << 20;
  static constexpr size_t kDepth = 4;

  // Producer: a buffer to fill, recycled from the consumer.
  std::string take_buffer() {
    std::lock_guard lock(mutex_);
    if (spare_.empty()) return std::string();
    std::string buffer = std::move(spare_.back());
    spare_.pop_back();
    return buffer;
  }
  // False once the consumer stopped reading.
  bool push(std::string chunk) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return chunks_.size() < kDepth || consumer_done_; });
    if (consumer_done_) return false;
    chunks_.push_back(std::move(chunk));
    changed_.notify_all();
    return true;
  }
  void close(End end, std::string message = "") {
    std::lock_guard lock(mutex_);
    end_ = end;
    message_ = std::move(message);
    changed_.notify_all();
  }

  // Consumer: the next chunk into `*chunk` (whose old buffer is recycled);
  // false at the end, with how it ended.
  bool pop(std::string* chunk, End* end, std::string* message) {
    std::unique_lock lock(mutex_);
    if (chunk->capacity() != 0) spare_.push_back(std::move(*chunk));
    changed_.wait(lock, [&] { return !chunks_.empty() || end_ != End::kOpen; });
    if (!chunks_.empty()) {
      *chunk = std::move(chunks_.front());
      chunks_.pop_front();
      changed_.notify_all();
      return true;
    }
    *end = end_;
    *message = message_;
    return false;
  }
  // How the producer ended; kOpen when it stopped because the consumer did.
  End end(std::string* message) {
    std::lock_guard lock(mutex_);
    *message = message_;
    return end_;
  }
  void stop_consuming() {
    std::lock_guard lock(mutex_);
    consumer_done_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> chunks_;
  std::vector<std::string> spare_;
  End end_ = End::kOpen;
  std::string message_;
  bool consumer_done_ = false;
};

// The consumer's end of the pipe as a ByteSource. A decompressor that ran
// out of input looks like the end of the stream here, so that the tar
// reader reports the member it was in.
class PipeByteSource : public ByteSource {
 public:
  PipeByteSource(ChunkPipe* pipe, ByteSource* original) : pipe_(pipe), original_(original) {}
  bool read(const void** data, size_t* size, std::string* err) override {
    ChunkPipe::End end = ChunkPipe::End::kOpen;
    std::string message;
    if (pipe_->pop(&chunk_, &end, &message)) {
      *data = chunk_.data();
      *size = chunk_.size();
      return true;
    }
    if (end == ChunkPipe::End::kFailed || end == ChunkPipe::End::kSourceFailed ||
        end == ChunkPipe::End::kCancelled) {
      *err = message;
      return false;
    }
    truncated_ = end == ChunkPipe::End::kTruncated;
    *size = 0;
    return true;
  }
  std::string description() const override { return original_->description(); }
  bool truncated() const { return truncated_; }

 private:
  ChunkPipe* pipe_;
  ByteSource* original_;
  std::string chunk_;
  bool truncated_ = false;
};

// The producer: decompresses `source` into the pipe until the stream ends
// (and closes the pipe saying how) or the consumer stops.
void decompress_into(ByteSource& source, const std::atomic<bool>* cancel, ChunkPipe* pipe) {
  ReadContext context;
  context.source = &source;
  context.cancel = cancel;
  ReadArchive reader(archive_read_new(), archive_read_free);
  if (reader == nullptr) return pipe->close(ChunkPipe::End::kFailed, "out of memory");
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_raw(reader.get());
  struct archive_entry* entry = nullptr;
  int status = archive_read_open(reader.get(), &context, nullptr, read_from_source, nullptr);
  if (status == ARCHIVE_OK) status = archive_read_next_header(reader.get(), &entry);
  std::string chunk = pipe->take_buffer();
  chunk.clear();
  while (status == ARCHIVE_OK) {
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    status = archive_read_data_block(reader.get(), &block, &size, &offset);
    // What came before an error is passed on, so that the consumer gets
    // to the member where the stream broke.
    if (status == ARCHIVE_OK) chunk.append(static_cast<const char*>(block), size);
    if (chunk.size() >= ChunkPipe::kChunkSize || (status != ARCHIVE_OK && !chunk.empty())) {
      // The consumer stopped: it failed, or the archive ended before the
      // compressed stream did.
      if (!pipe->push(std::move(chunk))) return;
      chunk = pipe->take_buffer();
      chunk.clear();
    }
  }
  if (status == ARCHIVE_EOF) return pipe->close(ChunkPipe::End::kComplete);
  if (context.cancelled) return pipe->close(ChunkPipe::End::kCancelled, "interrupted");
  if (!context.source_error.empty())
    return pipe->close(ChunkPipe::End::kSourceFailed, context.source_error);
  const char* text = archive_error_string(reader.get());
  std::string message = text != nullptr ? text : "";
  if (message.empty() || is_truncation(message)) return pipe->close(ChunkPipe::End::kTruncated);
  pipe->close(ChunkPipe::End::kFailed,
              "cannot read archive " + source.description() + ": " + message);
}

// One extraction: the libarchive reader and writer, the checks, and, for
// layers, what this layer created.
class Extractor {
 public:
  Extractor(ByteSource& input, int target_fd, const ExtractOptions& options,
            ExtractCounters* counters, const PipeByteSource* pipe)
      : target_fd_(target_fd), options_(options), counters_(counters), pipe_(pipe) {
    context_.source = &input;
    context_.cancel = options.cancel;
  }

  bool run(std::string* err);

 private:
  bool cancelled() const {
    return options_.cancel != nullptr && options_.cancel->load(std::memory_order_relaxed);
  }
  bool fail(std::string message, std::string* err) {
    *err = std::move(message);
    return false;
  }
  bool refuse(const std::string& member, const std::string& why, std::string* err) {
    return fail("refusing archive member " + quote(member) + ": " + why, err);
  }
  // Why reading stopped; a decompressor that ran out of input explains
  // whatever the tar reader made of the end of its input.
  std::string read_error() const {
    if (pipe_ != nullptr && pipe_->truncated())
      return truncation_message(last_member_, seen_member_);
    return read_failure(reader_.get(), context_, last_member_, seen_member_);
  }
  bool process_entry(struct archive_entry* entry, std::string* err);
  bool check_parent(const std::string& member, const std::string& path, std::string* err);
  bool check_hard_link_target(const std::string& member, const char* raw_target,
                              std::string* target, std::string* err);
  bool apply_whiteout(const std::string& member, const std::string& path, std::string* err);
  bool remove_lower_entries(int directory_fd, const std::string& directory,
                            const std::string& member, std::string* err);
  bool replace_lower_directory(const std::string& member, const std::string& path,
                               std::string* err);
  void record_created(const std::string& path);
  void forget_parent_below(const std::string& path);
  bool copy_data(const std::string& member, std::string* err);
  std::string write_failure(const std::string& member) const;

  int target_fd_;
  const ExtractOptions& options_;
  ExtractCounters* counters_;
  const PipeByteSource* pipe_;
  ReadContext context_;
  ReadArchive reader_{nullptr, archive_read_free};
  WriteArchive writer_{nullptr, archive_write_free};
  std::string last_member_;
  bool seen_member_ = false;

  // The directory the previous member landed in, already checked: members
  // come directory by directory, so most checks are one string compare.
  std::string parent_path_;
  FileDescriptor parent_;

  // For layers: every path this call created and every directory above one,
  // which an opaque marker or whiteout in the same layer must not remove.
  std::unordered_set<std::string> created_;
  std::unordered_set<std::string> created_or_above_;
};

bool Extractor::run(std::string* err) {
  if (!open_reader(&context_, &reader_, err)) {
    if (pipe_ != nullptr && pipe_->truncated()) *err = truncation_message("", false);
    return false;
  }
  writer_.reset(archive_write_disk_new());
  if (writer_ == nullptr) return fail("cannot unpack archive: out of memory", err);
  // No ARCHIVE_EXTRACT_FFLAGS: an immutable flag from an image would make
  // the tree impossible to remove. No user or group name look-ups either
  // (archive_write_disk_set_standard_lookup): ids stay the image's.
  archive_write_disk_set_options(
      writer_.get(), ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                         ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_ACL |
                         ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                         ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);

  for (;;) {
    if (cancelled()) return fail("interrupted", err);
    struct archive_entry* entry = nullptr;
    int status = archive_read_next_header(reader_.get(), &entry);
    if (status == ARCHIVE_EOF) break;
    // A warning (an unknown pax keyword, say) still gives a usable entry.
    if (status < ARCHIVE_WARN) return fail(read_error(), err);
    if (!process_entry(entry, err)) return false;
  }
  // The tar reader takes an end at a member boundary for the end of the
  // archive (some writers leave out the closing blocks); a decompressor
  // knows better.
  if (pipe_ != nullptr && pipe_->truncated())
    return fail(truncation_message(last_member_, seen_member_), err);
  // Directories get their final modes and times only now, deepest first.
  if (archive_write_close(writer_.get()) != ARCHIVE_OK) {
    const char* message = archive_error_string(writer_.get());
    return fail(std::string("cannot finish unpacking the archive: ") +
                    (message != nullptr ? message : "unknown error"),
                err);
  }
  return true;
}

bool Extractor::process_entry(struct archive_entry* entry, std::string* err) {
  const char* raw_name = archive_entry_pathname(entry);
  std::string member = raw_name != nullptr ? raw_name : "";
  last_member_ = member;
  seen_member_ = true;

  if (++counters_->entries > options_.limits.max_entries)
    return fail("archive has more than " + std::to_string(options_.limits.max_entries) +
                    " members (limit) at member " + quote(member) +
                    "; a root file system has far fewer, so sdme-import will not unpack this one",
                err);

  std::string path;
  if (raw_name == nullptr) return fail("refusing archive member with an unreadable name", err);
  if (PathProblem problem = normalise_member_path(member, &path); problem != PathProblem::kNone)
    return refuse(member, path_problem_text(problem), err);

  mode_t type = archive_entry_filetype(entry);
  const char* raw_link = archive_entry_hardlink(entry);
  if (path.empty() && (type != AE_IFDIR || raw_link != nullptr))
    return refuse(member, "the top directory of the archive must be a directory", err);

  if ((type == AE_IFCHR || type == AE_IFBLK) && options_.device_nodes == DeviceNodes::kSkip &&
      raw_link == nullptr) {
    ++counters_->skipped_device_nodes;
    return true;
  }

  if (!check_parent(member, path, err)) return false;

  if (options_.apply_whiteouts) {
    std::string leaf = base_name(path);
    if (leaf.compare(0, kWhiteoutPrefix.size(), kWhiteoutPrefix) == 0)
      return apply_whiteout(member, path, err);
  }

  std::string link_target;
  if (raw_link != nullptr) {
    if (!check_hard_link_target(member, raw_link, &link_target, err)) return false;
    archive_entry_set_hardlink(entry, link_target.c_str());
  }

  // The apparent size, before anything is written: a sparse file is refused
  // at its full length.
  if (type == AE_IFREG && archive_entry_size_is_set(entry)) {
    int64_t size = archive_entry_size(entry);
    if (size > 0) counters_->unpacked_bytes += static_cast<uint64_t>(size);
    if (counters_->unpacked_bytes > options_.limits.max_unpacked_bytes)
      return fail("archive unpacks to more than " +
                      format_size(options_.limits.max_unpacked_bytes) + " (limit) at member " +
                      quote(member) + "; raise ImportMaxSize= if this image is really that large",
                  err);
  }

  if (options_.apply_whiteouts && type != AE_IFDIR && !path.empty())
    if (!replace_lower_directory(member, path, err)) return false;

  archive_entry_set_pathname(entry, path.empty() ? "." : path.c_str());
  forget_parent_below(path);
  int status = archive_write_header(writer_.get(), entry);
  if (status != ARCHIVE_OK) return fail(write_failure(member), err);
  if (archive_entry_size_is_set(entry) && archive_entry_size(entry) > 0)
    if (!copy_data(member, err)) return false;
  if (archive_write_finish_entry(writer_.get()) != ARCHIVE_OK)
    return fail(write_failure(member), err);
  if (options_.apply_whiteouts) record_created(path);
  return true;
}

std::string Extractor::write_failure(const std::string& member) const {
  const char* message = archive_error_string(writer_.get());
  return "cannot unpack archive member " + quote(member) + ": " +
         (message != nullptr ? message : "unknown error");
}

bool Extractor::copy_data(const std::string& member, std::string* err) {
  for (unsigned blocks = 0;; ++blocks) {
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    int status = archive_read_data_block(reader_.get(), &block, &size, &offset);
    if (status == ARCHIVE_EOF) return true;
    if (status < ARCHIVE_WARN) return fail(read_error(), err);
    if (blocks % 16 == 0 && cancelled()) return fail("interrupted", err);
    if (archive_write_data_block(writer_.get(), block, size, offset) < ARCHIVE_OK)
      return fail(write_failure(member), err);
  }
}

bool Extractor::check_parent(const std::string& member, const std::string& path, std::string* err) {
  if (path.empty()) return true;
  std::string parent = parent_directory(path);
  if (parent_.valid() && parent == parent_path_) return true;
  parent_.reset();
  std::string symlink;
  FileDescriptor directory;
  int error = open_directory_beneath(target_fd_, parent, &directory, &symlink);
  if (error == ELOOP)
    return refuse(member, quote(symlink) + " is a symlink; nothing is unpacked through one", err);
  // A missing directory is created by libarchive, and a file where a
  // directory should be is replaced by one: neither can lead outside.
  if (error == ENOENT || error == ENOTDIR) return true;
  if (error != 0)
    return refuse(member, "cannot open its directory: " + std::string(std::strerror(error)), err);
  parent_ = std::move(directory);
  parent_path_ = std::move(parent);
  return true;
}

// Forgets the checked directory when the entry about to be written is it or
// one of the directories above it: it may be replaced by a symlink.
void Extractor::forget_parent_below(const std::string& path) {
  if (!parent_.valid()) return;
  if (path.empty() || parent_path_ == path ||
      (parent_path_.size() > path.size() && parent_path_.compare(0, path.size(), path) == 0 &&
       parent_path_[path.size()] == '/'))
    parent_.reset();
}

bool Extractor::check_hard_link_target(const std::string& member, const char* raw_target,
                                       std::string* target, std::string* err) {
  std::string_view raw = raw_target;
  PathProblem problem = normalise_member_path(raw, target);
  if (problem != PathProblem::kNone || target->empty()) {
    std::string why = problem == PathProblem::kNone       ? "is the top directory"
                      : problem == PathProblem::kEmpty    ? "is empty"
                      : problem == PathProblem::kAbsolute ? "is an absolute path"
                                                          : "leaves the target directory";
    return refuse(member, "hard link target " + quote(raw) + " " + why, err);
  }
  std::string symlink;
  FileDescriptor directory;
  int error = open_directory_beneath(target_fd_, parent_directory(*target), &directory, &symlink);
  if (error == ELOOP)
    return refuse(member,
                  "hard link target " + quote(raw) + " goes through the symlink " + quote(symlink),
                  err);
  struct stat status;
  if (error == 0 &&
      ::fstatat(directory.get(), base_name(*target).c_str(), &status, AT_SYMLINK_NOFOLLOW) != 0)
    error = errno;
  if (error == ENOENT || error == ENOTDIR)
    return refuse(
        member, "hard link target " + quote(raw) + " does not exist; it must be an earlier member",
        err);
  if (error != 0)
    return refuse(member,
                  "cannot check hard link target " + quote(raw) + ": " + std::strerror(error), err);
  if (S_ISDIR(status.st_mode))
    return refuse(member, "hard link target " + quote(raw) + " is a directory", err);
  return true;
}

void Extractor::record_created(const std::string& path) {
  created_.insert(path);
  for (std::string above = path; !above.empty(); above = parent_directory(above))
    if (!created_or_above_.insert(above).second) break;
}

bool Extractor::apply_whiteout(const std::string& member, const std::string& path,
                               std::string* err) {
  std::string directory = parent_directory(path);
  std::string leaf = base_name(path);
  // The directory was checked: a real directory beneath the target, or
  // missing (or not a directory), and then there is nothing to hide.
  if (!parent_.valid() || parent_path_ != directory) return true;
  if (leaf.compare(0, kAufsMetadataPrefix.size(), kAufsMetadataPrefix) == 0 &&
      leaf != kOpaqueMarker)
    return true;
  FileDescriptor readable(::openat(parent_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!readable.valid())
    return refuse(member, "cannot open its directory: " + std::string(std::strerror(errno)), err);
  if (leaf == kOpaqueMarker) return remove_lower_entries(readable.get(), directory, member, err);

  std::string hidden_name = leaf.substr(kWhiteoutPrefix.size());
  if (hidden_name.empty() || hidden_name == "." || hidden_name == "..")
    return refuse(member, "whiteout without a name", err);
  std::string hidden = join_path(directory, hidden_name);
  // A whiteout hides what lower layers left, never what its own layer made.
  if (created_.count(hidden) != 0) return true;
  if (created_or_above_.count(hidden) != 0) {
    FileDescriptor below;
    BeneathFailure failure;
    if (!open_beneath(readable.get(), hidden_name, O_RDONLY | O_DIRECTORY, &below, &failure))
      return true;
    return remove_lower_entries(below.get(), hidden, member, err);
  }
  std::string failed;
  if (int removal = remove_tree_below(readable.get(), hidden_name, &failed); removal != 0)
    return refuse(
        member,
        "cannot remove " + quote(join_path(directory, failed)) + ": " + std::strerror(removal),
        err);
  return true;
}

// Removes what lower layers left in `directory` (open as `directory_fd`),
// keeping what this layer created and the directories above it.
bool Extractor::remove_lower_entries(int directory_fd, const std::string& directory,
                                     const std::string& member, std::string* err) {
  std::vector<std::string> names;
  {
    int fd = ::openat(directory_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR* listing = fd >= 0 ? ::fdopendir(fd) : nullptr;
    if (listing == nullptr) {
      if (fd >= 0) ::close(fd);
      return refuse(member, "cannot list " + quote(directory) + ": " + std::strerror(errno), err);
    }
    while (struct dirent* child = ::readdir(listing)) {
      std::string_view name = child->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    ::closedir(listing);
  }
  for (const std::string& name : names) {
    std::string path = join_path(directory, name);
    if (created_or_above_.count(path) != 0) {
      FileDescriptor below;
      BeneathFailure failure;
      // Not a directory (or a symlink): this layer's own entry, kept whole.
      if (!open_beneath(directory_fd, name, O_RDONLY | O_DIRECTORY, &below, &failure)) continue;
      if (!remove_lower_entries(below.get(), path, member, err)) return false;
      continue;
    }
    std::string failed;
    if (int removal = remove_tree_below(directory_fd, name, &failed); removal != 0)
      return refuse(
          member,
          "cannot remove " + quote(join_path(directory, failed)) + ": " + std::strerror(removal),
          err);
  }
  return true;
}

// A file, symlink or other non-directory replacing a directory tree of a
// lower layer: the tree goes first (libarchive only removes an empty one).
bool Extractor::replace_lower_directory(const std::string& member, const std::string& path,
                                        std::string* err) {
  if (!parent_.valid() || parent_path_ != parent_directory(path)) return true;
  std::string leaf = base_name(path);
  struct stat status;
  if (::fstatat(parent_.get(), leaf.c_str(), &status, AT_SYMLINK_NOFOLLOW) != 0 ||
      !S_ISDIR(status.st_mode))
    return true;
  FileDescriptor readable(::openat(parent_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!readable.valid())
    return refuse(member, "cannot open its directory: " + std::string(std::strerror(errno)), err);
  std::string failed;
  if (int removal = remove_tree_below(readable.get(), leaf, &failed); removal != 0)
    return refuse(
        member,
        "cannot remove " + quote(join_path(parent_path_, failed)) + ": " + std::strerror(removal),
        err);
  return true;
}

}  // namespace

bool extract_archive(ByteSource& input, const std::string& target_dir,
                     const ExtractOptions& options, ExtractCounters* counters, std::string* err) {
  FileDescriptor target(::open(target_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!target.valid()) {
    *err = "cannot open " + target_dir + ": " + std::strerror(errno);
    return false;
  }
  ExtractCounters local_counters;
  if (counters == nullptr) counters = &local_counters;

  // A compressed stream is decompressed on this thread while the writing
  // thread parses and writes: on two cores that overlaps the two costs.
  const void* first_block = nullptr;
  size_t first_size = 0;
  if (!input.read(&first_block, &first_size, err)) return false;
  PrefixedByteSource source(&input, first_block, first_size);
  Compression compression =
      detect_compression(std::string_view(static_cast<const char*>(first_block), first_size));
  bool pipelined = compression != Compression::kNone && compression != Compression::kUnknown;
  ChunkPipe pipe;
  PipeByteSource pipe_source(&pipe, &source);

  bool ok = false;
  std::string thread_err;
  auto extract = [&] {
    // This thread's working directory and umask only, not the process's.
    if (::unshare(CLONE_FS) != 0 || ::fchdir(target.get()) != 0) {
      thread_err = "cannot change into " + target_dir + ": " + std::strerror(errno);
    } else {
      ScopedUtf8Locale utf8;
      Extractor extractor(pipelined ? static_cast<ByteSource&>(pipe_source) : source, target.get(),
                          options, counters, pipelined ? &pipe_source : nullptr);
      ok = extractor.run(&thread_err);
    }
    if (pipelined)
      pipe.stop_consuming();
    else if (ok)
      ok = drain(source, options.cancel, &thread_err);
  };
  try {
    std::thread worker(extract);
    if (pipelined) decompress_into(source, options.cancel, &pipe);
    worker.join();
  } catch (const std::system_error& error) {
    *err = std::string("cannot start a thread to unpack the archive: ") + error.what();
    return false;
  }
  if (ok && pipelined) {
    // The archive ended; what follows in the stream (the compressor's
    // trailer, padding) is read too. A source that failed there, say on a
    // digest it checks at its end, fails the extraction; data the
    // decompressor could not make sense of after the archive's end does not.
    std::string message;
    ChunkPipe::End end = pipe.end(&message);
    if (end == ChunkPipe::End::kSourceFailed || end == ChunkPipe::End::kCancelled) {
      ok = false;
      thread_err = message;
    } else {
      ok = drain(source, options.cancel, &thread_err);
    }
  }
  if (!ok) *err = thread_err;
  return ok;
}

bool read_archive_member_names(ByteSource& input, size_t max_names, std::vector<std::string>* names,
                               std::string* err) {
  names->clear();
  ScopedUtf8Locale utf8;
  ReadContext context;
  context.source = &input;
  ReadArchive reader(nullptr, archive_read_free);
  if (!open_reader(&context, &reader, err)) return false;
  std::string last_member;
  bool seen_member = false;
  while (names->size() < max_names) {
    struct archive_entry* entry = nullptr;
    int status = archive_read_next_header(reader.get(), &entry);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN) {
      *err = read_failure(reader.get(), context, last_member, seen_member);
      return false;
    }
    const char* raw = archive_entry_pathname(entry);
    if (raw == nullptr) continue;
    last_member = raw;
    seen_member = true;
    std::string_view name = raw;
    while (name.substr(0, 2) == "./") name.remove_prefix(2);
    while (!name.empty() && name.back() == '/') name.remove_suffix(1);
    if (!name.empty() && name != ".") names->emplace_back(name);
  }
  return true;
}

}  // namespace sdme::import
