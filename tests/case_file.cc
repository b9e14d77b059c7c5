// Reads golden cases and installs them into a root (see case_file.h).
#include "tests/case_file.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "sdme_file/words.h"

namespace sdme {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kCaseSuffix = ".sdme";
constexpr std::string_view kDirectivePrefix = "##";

bool read_text(const fs::path& path, std::string* text, std::string* err) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    *err = path.string() + ": cannot read the case file";
    return false;
  }
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  *text = buffer.str();
  return true;
}

std::string unit_of_file(const std::string& file_name) {
  std::string stem = file_name;
  if (stem.ends_with(kCaseSuffix)) stem.resize(stem.size() - kCaseSuffix.size());
  return stem + ".service";
}

// Appends the directives of one case file. `root_path` is where the file
// sits in the root the generator sees.
bool read_directives(const fs::path& file, const std::string& root_path,
                     std::vector<CaseDirective>* directives, std::string* err) {
  std::string text;
  if (!read_text(file, &text, err)) return false;
  const std::string file_unit = unit_of_file(file.filename().string());
  std::string unit = file_unit;
  std::istringstream lines(text);
  std::string line;
  int line_number = 0;
  while (std::getline(lines, line)) {
    ++line_number;
    if (!line.starts_with(kDirectivePrefix)) continue;
    CaseDirective directive;
    directive.source_file = file.string();
    directive.line = line_number;
    directive.text = line;
    directive.root_path = root_path;
    directive.file_unit = file_unit;
    std::vector<std::string> words;
    std::string message;
    if (!file::split_words(std::string_view(line).substr(kDirectivePrefix.size()), &words, &message)) {
      *err = directive.location() + ": cannot split the directive: " + message;
      return false;
    }
    if (words.empty()) {
      *err = directive.location() +
             ": empty directive; write a directive after '## ' or use "
             "a single '#' for a comment";
      return false;
    }
    directive.name = words[0];
    directive.arguments.assign(words.begin() + 1, words.end());
    // "## unit NAME" redirects the directives after it, up to the end of its file.
    if (directive.name == "unit" && directive.arguments.size() == 1) unit = directive.arguments[0];
    directive.unit = unit;
    directives->push_back(std::move(directive));
  }
  return true;
}

}  // namespace

std::string CaseDirective::location() const { return source_file + ":" + std::to_string(line); }

bool load_golden_case(const std::string& path, GoldenCase* golden_case, std::string* err) {
  std::error_code error;
  fs::path source(path);
  fs::file_status status = fs::symlink_status(source, error);
  golden_case->source = path;
  golden_case->directives.clear();
  std::string file_name = source.filename().string();

  if (fs::is_regular_file(status) && file_name.ends_with(kCaseSuffix)) {
    golden_case->is_tree = false;
    golden_case->name = file_name.substr(0, file_name.size() - kCaseSuffix.size());
    return read_directives(source, "/etc/sdme/" + file_name, &golden_case->directives, err);
  }
  if (!fs::is_directory(status)) {
    *err = path + ": a case is a NAME.sdme file or a NAME/ directory holding a root tree";
    return false;
  }

  golden_case->is_tree = true;
  golden_case->name = file_name;
  // Only regular .sdme files carry assertions: a symlink (an instance link,
  // a mask) would repeat its target's, and an empty file has none.
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(source, error), end; it != end && !error;
       it.increment(error)) {
    if (it->is_regular_file(error) && !it->is_symlink(error) &&
        it->path().filename().string().ends_with(kCaseSuffix))
      files.push_back(it->path());
  }
  if (error) {
    *err = path + ": cannot list the case directory: " + error.message();
    return false;
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::string root_path = "/" + file.lexically_relative(source).string();
    if (!read_directives(file, root_path, &golden_case->directives, err)) return false;
  }
  return true;
}

bool install_golden_case(const GoldenCase& golden_case, const std::string& root, std::string* err) {
  std::error_code error;
  const auto options = fs::copy_options::recursive | fs::copy_options::copy_symlinks;
  fs::path source(golden_case.source);
  if (golden_case.is_tree) {
    fs::copy(source, root, options, error);
  } else {
    fs::path directory = fs::path(root) / "etc/sdme";
    fs::create_directories(directory, error);
    if (!error) fs::copy(source, directory / source.filename(), options, error);
    fs::path dropins = golden_case.source + ".d";
    if (!error && fs::is_directory(fs::symlink_status(dropins)))
      fs::copy(dropins, directory / dropins.filename(), options, error);
  }
  if (error) {
    *err = "cannot copy " + golden_case.source + " into " + root + ": " + error.message();
    return false;
  }
  return true;
}

}  // namespace sdme
