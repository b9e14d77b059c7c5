// Reading and writing files in a container's tree, only when they change.
#include "helpers/provision/tree_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "common/atomic_file.h"

namespace sdme::provision {
namespace {

std::string errno_text(int error) { return std::strerror(error); }

std::string path_of(const DirectoryHandle& directory, std::string_view name) {
  return directory.path + "/" + std::string(name);
}

bool remove_through_root(const ContainerTree& tree, std::string_view path, std::string* err) {
  std::string_view directory_path;
  std::string_view name;
  split_container_path(path, &directory_path, &name);
  DirectoryHandle directory;
  if (!open_existing_directory_beneath(tree.root, directory_path, &directory, err)) return false;
  if (!directory.descriptor.valid()) return true;
  return remove_entry(directory, name, err);
}

// An ID as stored on disk, from the container's own (FileAttributes).
uid_t stored_owner(const DirectoryHandle& directory, uid_t owner) {
  return directory.owner + owner;
}
gid_t stored_group(const DirectoryHandle& directory, gid_t group) {
  return directory.group + group;
}

// The container's own ID from one stored on disk. One below the range is
// no ID of the container's (it sees it as nobody) and stays as it is.
uid_t container_id(uint32_t base, uint32_t stored) {
  return stored >= base ? stored - base : stored;
}

}  // namespace

bool read_tree_file(const DirectoryHandle& directory, std::string_view name, bool* found,
                    std::string* content, FileAttributes* attributes, std::string* err) {
  *found = false;
  content->clear();
  std::string path = path_of(directory, name);
  FileBeneath state;
  FileDescriptor file;
  struct stat status;
  if (!open_file_beneath(directory, name, &state, &file, &status, err)) return false;
  if (state == FileBeneath::kMissing) return true;
  if (state == FileBeneath::kSymlink) {
    *err = path +
           " is a symlink, and sdme does not follow symlinks made by a container; replace it "
           "with a file inside the container";
    return false;
  }
  if (state == FileBeneath::kNotRegular) {
    *err = path + " is " + std::string(file_kind(status.st_mode)) +
           ", not a regular file; remove it inside the container";
    return false;
  }
  if (!read_to_end(file.get(), kMaxTreeFileSize, content)) {
    *err = "cannot read " + path + ": " + errno_text(errno);
    return false;
  }
  *found = true;
  *attributes = {static_cast<mode_t>(status.st_mode & 07777),
                 container_id(directory.owner, status.st_uid),
                 container_id(directory.group, status.st_gid)};
  return true;
}

bool write_tree_file(const DirectoryHandle& directory, std::string_view name,
                     std::string_view content, const FileAttributes& attributes, std::string* err) {
  Entry entry;
  if (!inspect_entry(directory, name, &entry, err)) return false;
  if (entry.kind == EntryKind::kDirectory || entry.kind == EntryKind::kOther) {
    *err = path_of(directory, name) + " is not a regular file; remove it inside the container";
    return false;
  }
  if (entry.kind == EntryKind::kRegularFile) {
    bool found = false;
    std::string current;
    FileAttributes current_attributes;
    if (!read_tree_file(directory, name, &found, &current, &current_attributes, err)) return false;
    if (found && current == content && current_attributes.mode == attributes.mode &&
        current_attributes.owner == attributes.owner &&
        current_attributes.group == attributes.group)
      return true;
  }
  AtomicWrite how;
  how.mode = attributes.mode;
  how.owner = stored_owner(directory, attributes.owner);
  how.group = stored_group(directory, attributes.group);
  WriteFailure failure;
  if (write_file_at(directory.descriptor.get(), name, content, how, &failure) ==
      WriteOutcome::kWritten)
    return true;
  *err = (failure.step == WriteStep::kTemporary ? "cannot create a temporary file next to "
                                                : "cannot write ") +
         path_of(directory, name) + ": " + errno_text(failure.error);
  return false;
}

bool write_tree_symlink(const DirectoryHandle& directory, std::string_view name,
                        std::string_view target, std::string* err) {
  Entry entry;
  if (!inspect_entry(directory, name, &entry, err)) return false;
  if (entry.kind == EntryKind::kSymlink && entry.link_target == target) return true;
  if (entry.kind == EntryKind::kDirectory) {
    *err = path_of(directory, name) + " is a directory; remove it inside the container";
    return false;
  }
  return replace_symlink(directory, name, target, err);
}

bool file_starts_with_line(const DirectoryHandle& directory, std::string_view name,
                           std::string_view first_line, bool* starts, std::string* err) {
  *starts = false;
  Entry entry;
  if (!inspect_entry(directory, name, &entry, err)) return false;
  if (entry.kind != EntryKind::kRegularFile) return true;
  bool found = false;
  std::string content;
  FileAttributes attributes;
  if (!read_tree_file(directory, name, &found, &content, &attributes, err)) return false;
  std::string_view text(content);
  *starts = found && text.substr(0, first_line.size()) == first_line &&
            (text.size() == first_line.size() || text[first_line.size()] == '\n');
  return true;
}

bool remove_tree_file_if_ours(const ContainerTree& tree, std::string_view path,
                              std::string_view marker, std::string* err) {
  std::string_view directory_path;
  std::string_view name;
  split_container_path(path, &directory_path, &name);
  DirectoryHandle upper_directory;
  if (!open_existing_directory_beneath(tree.upper, directory_path, &upper_directory, err))
    return false;
  if (!upper_directory.descriptor.valid()) return true;
  bool ours = false;
  if (!file_starts_with_line(upper_directory, name, marker, &ours, err)) return false;
  return !ours || remove_through_root(tree, path, err);
}

bool remove_tree_symlink_if_ours(const ContainerTree& tree, std::string_view path,
                                 std::string_view target, std::string* err) {
  Entry entry;
  if (!inspect_upper_entry(tree, path, &entry, err)) return false;
  if (entry.kind != EntryKind::kSymlink || entry.link_target != target) return true;
  return remove_through_root(tree, path, err);
}

}  // namespace sdme::provision
