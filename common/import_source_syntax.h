// The grammar of an import source, one string: Import= in a .sdme file and
// `sdme-import SOURCE NAME`. The generator checks Import= with it at
// daemon-reload and sdme-import reads its source with it, so the generator
// refuses exactly what sdme-import would refuse at start, with the same
// words. What is on disk is not part of the grammar: sdme-import alone looks
// at that (import/import_source.h).
//
//   /ABSOLUTE/PATH             a directory, tarball, OCI layout or disk image
//   http://URL, https://URL    a file to download (scheme in any case)
//   docker://REFERENCE         an image in a registry (common/image_reference.h)
//   REFERENCE                  the same, when it cannot be meant as a file
//   RELATIVE/PATH              sdme-import's command line only
#pragma once

#include <string>
#include <string_view>

#include "common/image_reference.h"

namespace sdme {

// Where the source is written. A .sdme file has no working directory, so
// relative text there is an image reference or an error; on sdme-import's
// command line it may be a path too.
enum class ImportSourceOrigin { kSdmeFile, kCommandLine };

enum class ImportSourceForm {
  kAbsolutePath,
  kUrl,
  kImageReference,
  // Command line only: relative text, a path if it exists. If it also reads
  // as an image reference, `reference` holds it and `reads_as_reference` is
  // set; a path that does not exist is then that image.
  kRelativePath,
};

struct ImportSourceSyntax {
  ImportSourceForm form = ImportSourceForm::kAbsolutePath;
  // The path with duplicate and trailing slashes (and, on the command line,
  // "." components) removed; the URL as written; the reference as written,
  // without docker://; relative text as written.
  std::string location;
  ImageReference reference;  // kImageReference, and kRelativePath if reads_as_reference
  bool reads_as_reference = false;
  // kRelativePath that does not read as a reference: why not, when it looks
  // meant as one (no "./", "~" or archive suffix); else empty.
  std::string reference_error;
};

// `source` must not be empty. On failure `err` says what is wrong without
// repeating `source`: the caller names it ("Import=VALUE: ", "'SOURCE': ")
// through redact_url(), so a URL's credentials are never shown.
bool parse_import_source(std::string_view source, ImportSourceOrigin origin,
                         ImportSourceSyntax* result, std::string* err);

}  // namespace sdme
