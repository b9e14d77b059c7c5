#include "common/import_source_syntax.h"

#include <array>
#include <cctype>

#include "common/path_text.h"

namespace sdme {
namespace {

constexpr std::string_view kDockerScheme = "docker";

// RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
bool is_scheme(std::string_view text) {
  if (text.empty() || !std::isalpha(static_cast<unsigned char>(text.front()))) return false;
  for (char c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
      return false;
  return true;
}

std::string lower_case(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

// Text a person writes for a file, not an image: "./x", "../x", "~/x", or
// a name ending the way archives and disk images are named.
bool names_a_file(std::string_view text) {
  if (text.starts_with(".") || text.starts_with("~")) return true;
  constexpr std::array<std::string_view, 13> kFileSuffixes = {
      ".tar", ".tgz", ".gz",  ".xz",  ".zst",  ".bz2", ".qcow2",
      ".img", ".raw", ".lz4", ".txz", ".tbz2", ".zstd"};
  for (std::string_view suffix : kFileSuffixes)
    if (text.size() > suffix.size() && text.ends_with(suffix)) return true;
  return false;
}

bool parse_absolute_path(std::string_view source, ImportSourceOrigin origin,
                         ImportSourceSyntax* result, std::string* err) {
  if (origin == ImportSourceOrigin::kSdmeFile) {
    // The file's rule for every path (validate_absolute_path), in this
    // grammar's words.
    for (const std::string_view dots : {"/./", "/../"}) {
      std::string padded = std::string(source) + "/";
      if (padded.find(dots) != std::string::npos) {
        *err = "a path must not contain '" + std::string(dots.substr(1, dots.size() - 2)) +
               "' components";
        return false;
      }
    }
    *result = {ImportSourceForm::kAbsolutePath, normalize_path(source), {}, false, {}};
    return true;
  }
  *result = {ImportSourceForm::kAbsolutePath, std::string(source), {}, false, {}};
  return true;
}

bool parse_url(std::string_view source, size_t separator, ImportSourceSyntax* result,
               std::string* err) {
  std::string_view written_scheme = source.substr(0, separator);
  std::string scheme = lower_case(written_scheme);
  std::string_view rest = source.substr(separator + 3);
  if (scheme == "http" || scheme == "https") {
    // The host follows the user name and password, if any, and ends the
    // authority with its port.
    std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    std::string_view host = authority.substr(authority.rfind('@') + 1);
    if (host.empty() || host.front() == ':') {
      *err = "no host name after " + scheme + "://";
      return false;
    }
    *result = {ImportSourceForm::kUrl, std::string(source), {}, false, {}};
    return true;
  }
  if (scheme == kDockerScheme) {
    ImageReference reference;
    std::string why;
    if (!parse_image_reference(rest, &reference, &why)) {
      *err = "not an image reference: " + why;
      return false;
    }
    *result = {
        ImportSourceForm::kImageReference, std::string(rest), std::move(reference), true, {}};
    return true;
  }
  // Only a scheme's own characters are shown: text before "://" that is
  // no scheme ("alice:s3cret@host/a://") may hold a password.
  *err = "unsupported URL scheme" +
         (is_scheme(written_scheme) ? " '" + std::string(written_scheme) + "'" : std::string()) +
         ", use http://, https:// or docker://";
  return false;
}

}  // namespace

bool parse_import_source(std::string_view source, ImportSourceOrigin origin,
                         ImportSourceSyntax* result, std::string* err) {
  if (source.empty()) {
    *err = "an empty source; give a path, an http:// or https:// URL or an image reference";
    return false;
  }
  if (source.front() == '/') return parse_absolute_path(source, origin, result, err);
  if (size_t separator = source.find("://"); separator != std::string_view::npos)
    return parse_url(source, separator, result, err);

  ImportSourceSyntax syntax;
  syntax.location = source;
  std::string why;
  bool meant_as_file = names_a_file(source);
  bool is_reference = !meant_as_file && parse_image_reference(source, &syntax.reference, &why);
  if (origin == ImportSourceOrigin::kSdmeFile) {
    if (meant_as_file) {
      *err =
          "a relative path; use an absolute path, an http:// or https:// URL, or "
          "docker://REFERENCE for a registry image";
      return false;
    }
    if (!is_reference) {
      *err = "not an image reference: " + why;
      return false;
    }
    syntax.form = ImportSourceForm::kImageReference;
    syntax.reads_as_reference = true;
    *result = std::move(syntax);
    return true;
  }
  syntax.form = ImportSourceForm::kRelativePath;
  syntax.reads_as_reference = is_reference;
  if (!meant_as_file && !is_reference) syntax.reference_error = why;
  *result = std::move(syntax);
  return true;
}

}  // namespace sdme
