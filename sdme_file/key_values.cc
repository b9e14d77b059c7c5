// Value grammars shared by rows of the [Container] key table.
#include "sdme_file/key_values.h"

#include <algorithm>
#include <cctype>

#include "common/import_source_syntax.h"
#include "common/strings.h"
#include "common/url_redaction.h"
#include "sdme_file/words.h"

namespace sdme::file {
namespace {

// Words are decoded (C escapes) and then quoted again for the unit, where
// systemd expands specifiers in them: "\x25z" passes the check of the value
// as written but is written as "%z", which systemd refuses. So the decoded
// words are checked too, by systemd's own rule (specifier_printf()): a '%'
// before a letter or digit that is no specifier fails; before anything else,
// or at the end, it is a plain '%'.
bool check_decoded_specifiers(std::string_view word, std::string* err) {
  for (size_t i = 0; i + 1 < word.size(); ++i) {
    if (word[i] != '%') continue;
    char next = word[i + 1];
    ++i;
    if (kUnitSpecifiers.find(next) != std::string_view::npos ||
        !std::isalnum(static_cast<unsigned char>(next)))
      continue;
    *err = "unknown specifier '%" + std::string(1, next) +
           "' once escapes are decoded, write %% for a literal '%'";
    return false;
  }
  return true;
}

}  // namespace

bool parse_words(std::string_view value, std::vector<std::string>* words, std::string* err) {
  words->clear();
  if (!split_words(value, words, err)) return false;
  for (const std::string& word : *words)
    if (!check_decoded_specifiers(word, err)) return false;
  return true;
}

bool parse_assignments(std::string_view key, std::string_view value, std::vector<std::string>* list,
                       std::string* err) {
  return parse_word_list(
      key, value, list,
      [key](std::string word, std::string* assignment, std::string* message) {
        size_t equals = word.find('=');
        if (equals == std::string::npos || !is_environment_name(word.substr(0, equals))) {
          *message = std::string(key) + "=: '" + word +
                     "' is not a NAME=VALUE assignment with a valid variable name";
          return false;
        }
        *assignment = std::move(word);
        return true;
      },
      err);
}

// The source names one rootfs that every container using it shares, so it
// cannot vary per instance: specifiers are refused and "%%" is a plain '%'
// (percent-encoding in a URL is written "%%20").
bool parse_image_source(std::string_view key, std::string_view value, std::string* result,
                        std::string* err) {
  // A URL may carry a password: no message repeats it.
  std::string source;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%') {
      if (i + 1 < value.size() && value[i + 1] == '%') {
        source += '%';
        ++i;
        continue;
      }
      *err = std::string(key) + "=" + redact_url(value) + ": specifiers are not allowed in " +
             std::string(key) +
             "=, every container using the rootfs imports "
             "the same source; write %% for a literal '%'";
      return false;
    }
    source += value[i];
  }
  if (std::any_of(source.begin(), source.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return byte <= 0x20 || byte == 0x7F;
      })) {
    *err = std::string(key) + "=" + redact_url(value) +
           " contains whitespace or a control character; percent-encode it in a URL (%%20 for a "
           "space)";
    return false;
  }
  // The grammar sdme-import reads its source with, so what passes here is
  // what sdme-import accepts when the container starts.
  ImportSourceSyntax syntax;
  std::string why;
  if (!parse_import_source(source, ImportSourceOrigin::kSdmeFile, &syntax, &why)) {
    *err = std::string(key) + "=" + redact_url(value) + ": " + why;
    return false;
  }
  *result = syntax.form == ImportSourceForm::kAbsolutePath ? syntax.location : std::move(source);
  return true;
}

}  // namespace sdme::file
