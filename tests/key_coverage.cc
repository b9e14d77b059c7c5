// sdme-key-coverage: every [Container] key of the key table
// (generator/container_keys.h) must be used by at least one golden case and
// be documented in sdme.sdme(5), so a new key cannot land untested or
// undocumented.
//
//   sdme-key-coverage CASES_DIR MAN_PAGE
//
// A key counts as used when a case file (*.sdme or a drop-in *.conf) has a
// "Key=" line in its [Container] section, and as documented when "Key="
// appears in the man page source as a word of its own.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sdme_file/container_keys.h"
#include "tests/case_unit_text.h"

namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  return buffer.str();
}

// The keys the cases assign in [Container].
std::set<std::string> keys_used_by_cases(const fs::path& cases_dir) {
  std::set<std::string> used;
  for (const auto& entry : fs::recursive_directory_iterator(cases_dir)) {
    std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || entry.is_symlink() ||
        !(name.ends_with(".sdme") || name.ends_with(".conf")))
      continue;
    sdme::UnitText text(read_text(entry.path()));
    for (const sdme::UnitTextAssignment& assignment : text.assignments())
      if (assignment.section == "Container") used.insert(assignment.key);
  }
  return used;
}

// Man page source without font changes (\fB, \f(CW, \f[B]) and the
// zero-width \&, so "\fBBind=\fR" reads "Bind=".
std::string without_roff_escapes(const std::string& source) {
  std::string text;
  for (size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\\' && i + 1 < source.size()) {
      char next = source[i + 1];
      if (next == '&') {
        ++i;
        continue;
      }
      if (next == 'f' && i + 2 < source.size()) {
        if (source[i + 2] == '(') {
          i += 4;
        } else if (source[i + 2] == '[') {
          size_t close = source.find(']', i + 3);
          i = close == std::string::npos ? source.size() : close;
        } else {
          i += 2;
        }
        continue;
      }
      if (next == '-') {
        text += '-';
        ++i;
        continue;
      }
    }
    text += source[i];
  }
  return text;
}

// "Key=" as a word of its own: "Capability=" inside "DropCapability=" does
// not count.
bool documents_key(const std::string& text, std::string_view key) {
  std::string needle = std::string(key) + "=";
  for (size_t position = text.find(needle); position != std::string::npos;
       position = text.find(needle, position + 1)) {
    if (position == 0 || !std::isalnum(static_cast<unsigned char>(text[position - 1]))) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: sdme-key-coverage CASES_DIR MAN_PAGE\n");
    return 2;
  }
  const fs::path cases_dir = argv[1];
  const fs::path man_page = argv[2];
  if (!fs::is_directory(cases_dir)) {
    std::printf("%s: no such directory of golden cases\n", cases_dir.c_str());
    return 1;
  }

  bool complete = true;
  std::set<std::string> used = keys_used_by_cases(cases_dir);
  for (const sdme::file::ContainerKey& key : sdme::file::container_keys()) {
    if (used.count(std::string(key.name)) == 0) {
      std::printf("%.*s= is used by no golden case: add a case in %s that sets it in [Container]\n",
                  static_cast<int>(key.name.size()), key.name.data(), cases_dir.c_str());
      complete = false;
    }
  }

  if (!fs::is_regular_file(man_page)) {
    std::printf("%s does not exist: sdme.sdme(5) must document every [Container] key\n",
                man_page.c_str());
    complete = false;
  } else {
    std::string text = without_roff_escapes(read_text(man_page));
    for (const sdme::file::ContainerKey& key : sdme::file::container_keys()) {
      if (!documents_key(text, key.name)) {
        std::printf("%.*s= is not documented in %s: describe it there\n",
                    static_cast<int>(key.name.size()), key.name.data(), man_page.c_str());
        complete = false;
      }
    }
  }

  if (!complete) return 1;
  std::printf("all %zu [Container] keys have a golden case and are documented in %s\n",
              sdme::file::container_keys().size(), man_page.c_str());
  return 0;
}
