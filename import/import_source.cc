#include "import/import_source.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "common/name.h"
#include "import/network/registry_reference.h"

namespace sdme::import {
namespace {

bool is_url(std::string_view source) {
  return source.starts_with("http://") || source.starts_with("https://");
}

// "/wd/./rootfs.tar" -> "/wd/rootfs.tar", so messages name the file as a
// person would. ".." stays: resolving it without the file system would be
// wrong behind a symlink.
std::string without_dot_components(const std::string& path) {
  std::string result;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string_view component(path.data() + start, end - start);
    if (component != ".") {
      if (!result.empty() || start > 0) result += '/';
      result += component;
    }
    start = end + 1;
  }
  return normalize_path(result.empty() ? "/" : result);
}

}  // namespace

std::string_view source_kind_name(SourceKind kind) {
  switch (kind) {
    case SourceKind::kDirectory:
      return "directory";
    case SourceKind::kOciLayout:
      return "OCI image layout";
    case SourceKind::kFile:
      return "file";
    case SourceKind::kUrl:
      return "URL";
    case SourceKind::kRegistry:
      return "registry image";
  }
  return "source";
}

bool classify_import_source(std::string_view source, const std::string& working_directory,
                            ImportSource* result, std::string* err) {
  if (source.empty()) {
    *err = "empty import source; give a directory, a file, an http(s) URL or a registry image";
    return false;
  }
  if (is_url(source)) {
    *result = {SourceKind::kUrl, std::string(source)};
    return true;
  }
  if (source.starts_with("docker://")) {
    std::string_view reference = source.substr(strlen("docker://"));
    if (!looks_like_registry_reference(reference)) {
      *err = "'" + std::string(source) + "' is not a registry image reference";
      return false;
    }
    *result = {SourceKind::kRegistry, std::string(reference)};
    return true;
  }
  if (source.find("://") != std::string_view::npos) {
    *err = "unsupported URL scheme in '" + std::string(source) +
           "'; sdme-import fetches http:// and https:// URLs and docker:// images";
    return false;
  }

  // A path on disk wins over a reading as an image name: "debian" in the
  // current directory is that directory.
  std::string path =
      source[0] == '/' ? std::string(source) : working_directory + "/" + std::string(source);
  path = without_dot_components(path);
  struct stat status;
  if (::stat(path.c_str(), &status) == 0) {
    if (S_ISDIR(status.st_mode)) {
      struct stat layout;
      bool oci = ::stat((path + "/oci-layout").c_str(), &layout) == 0 && S_ISREG(layout.st_mode);
      *result = {oci ? SourceKind::kOciLayout : SourceKind::kDirectory, path};
      return true;
    }
    if (S_ISREG(status.st_mode) || S_ISBLK(status.st_mode)) {
      *result = {SourceKind::kFile, path};
      return true;
    }
    *err = path + " is neither a directory nor a regular file";
    return false;
  }
  if (errno != ENOENT) {
    *err = "cannot access " + path + ": " + strerror(errno);
    return false;
  }
  if (source[0] != '/' && source[0] != '.' && looks_like_registry_reference(source)) {
    *result = {SourceKind::kRegistry, std::string(source)};
    return true;
  }
  *err = path + ": no such file or directory";
  // Only a name that could be an image gets the hint.
  if (source[0] != '/' && source[0] != '.' && source.find(' ') == std::string_view::npos)
    *err += " (for a registry image, write docker://" + std::string(source) + ")";
  return false;
}

}  // namespace sdme::import
