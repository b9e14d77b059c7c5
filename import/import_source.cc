#include "import/import_source.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "common/path_text.h"
#include "common/url_redaction.h"

namespace sdme::import {

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

bool classify_import_source(std::string_view source, ImportSourceOrigin origin,
                            std::string_view origin_location, const std::string& working_directory,
                            ImportSource* result, std::string* err) {
  if (source.empty()) {
    *err = "empty import source; give a directory, a file, an http(s) URL or a registry image";
    return false;
  }
  ImportSourceSyntax syntax;
  std::string why;
  if (!parse_import_source(source, origin, &syntax, &why)) {
    // Word for word what the generator said about the same Import= line.
    *err = origin == ImportSourceOrigin::kSdmeFile
               ? std::string(origin_location) + ": Import=" + redact_url(source) + ": " + why
               : "'" + redact_url(source) + "': " + why;
    return false;
  }
  switch (syntax.form) {
    case ImportSourceForm::kUrl:
      *result = {SourceKind::kUrl, std::move(syntax.location), {}};
      return true;
    case ImportSourceForm::kImageReference:
      *result = {SourceKind::kRegistry, std::move(syntax.location), std::move(syntax.reference)};
      return true;
    case ImportSourceForm::kAbsolutePath:
    case ImportSourceForm::kRelativePath:
      break;
  }

  // A path on disk wins over a reading as an image name: "debian" in the
  // current directory is that directory.
  std::string path = syntax.form == ImportSourceForm::kAbsolutePath
                         ? syntax.location
                         : working_directory + "/" + syntax.location;
  // "/wd/./rootfs.tar" -> "/wd/rootfs.tar", so messages name the file as
  // a person would.
  path = without_dot_components(path);
  struct stat status;
  if (::stat(path.c_str(), &status) == 0) {
    if (S_ISDIR(status.st_mode)) {
      struct stat layout;
      bool oci = ::stat((path + "/oci-layout").c_str(), &layout) == 0 && S_ISREG(layout.st_mode);
      *result = {oci ? SourceKind::kOciLayout : SourceKind::kDirectory, path, {}};
      return true;
    }
    if (S_ISREG(status.st_mode) || S_ISBLK(status.st_mode)) {
      *result = {SourceKind::kFile, path, {}};
      return true;
    }
    *err = path + " is neither a directory nor a regular file";
    return false;
  }
  if (errno != ENOENT) {
    *err = "cannot access " + path + ": " + strerror(errno);
    return false;
  }
  if (syntax.reads_as_reference) {
    *result = {SourceKind::kRegistry, std::move(syntax.location), std::move(syntax.reference)};
    return true;
  }
  *err = path + ": no such file or directory";
  ImageReference reference;
  if (!syntax.reference_error.empty())
    *err += ", nor an image reference: " + syntax.reference_error;
  else if (syntax.form == ImportSourceForm::kRelativePath &&
           parse_image_reference(source, &reference, &why))
    *err += " (for a registry image, write docker://" + std::string(source) + ")";
  return false;
}

}  // namespace sdme::import
