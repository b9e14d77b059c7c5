// A golden case (tests/cases): the files it puts into a fresh root, and the
// assertions written inside them as "## directive ARGUMENTS" comment lines,
// in the manner of podman quadlet's test/e2e/quadlet cases.
//
// A case is either a single file NAME.sdme (with an optional NAME.sdme.d/
// of drop-ins next to it), installed as ROOT/etc/sdme/NAME.sdme, or a
// directory NAME/ that is copied as the whole root, symlinks included.
#pragma once

#include <string>
#include <vector>

namespace sdme {

struct CaseDirective {
  std::string source_file;  // the case file it is written in, for messages
  int line = 0;
  std::string text;  // the line as written, from "##" on
  std::string name;  // "assert-key-is"
  std::vector<std::string> arguments;
  std::string root_path;  // the file's path inside the root: "/etc/sdme/web.sdme"
  std::string file_unit;  // the unit the file itself generates: "web.service"
  std::string unit;       // the unit the directive is about (after "## unit")

  // "tests/cases/web.sdme:3", the prefix of every message about it.
  std::string location() const;
};

struct GoldenCase {
  std::string name;    // "web" for web.sdme or web/
  std::string source;  // the case file or directory
  bool is_tree = false;
  std::vector<CaseDirective> directives;  // in file order, files in path order
};

// Reads the case at `path` and its directives. Directive arguments are split
// with systemd's quoting rules (generator/words.h). Fails on a line that
// cannot be split; unknown directive names are checked by the assertions.
bool load_golden_case(const std::string& path, GoldenCase* golden_case, std::string* err);

// Copies the case's files into `root`, which must exist and be empty.
bool install_golden_case(const GoldenCase& golden_case, const std::string& root, std::string* err);

}  // namespace sdme
