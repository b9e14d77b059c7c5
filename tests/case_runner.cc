// sdme-case-runner: runs one golden case (tests/cases, see case_file.h)
// against the real generator and checks it.
//
//   sdme-case-runner --generator PATH --helper-dir DIR --systemd-unit-dir DIR
//                    [--static-unit-dir DIR] [--expect-failure] CASE
//
// The case is installed into a fresh temporary root; the generator runs
// with SDME_ROOT pointing there, once writing into ROOT/out and once with
// --dry-run. Besides the case's own directives, every case checks what any
// run must get right: the generator exits 0 (bad input never costs the
// boot), prints only errors the case expects, leaves no stray files, and
// --dry-run shows the same units, links and errors as the real run, and
// nothing outside the output directory changes. Every
// generated unit must then pass `systemd-analyze verify` without a word,
// and so must every static unit a drop-in was written for, with its
// drop-in; --static-unit-dir says where the static units (such as
// sdme-import@.service) are found.
//
// Exit status: 0 the case passed, 1 it failed, 2 the runner itself could
// not work. With --expect-failure (the runner's self-tests, which show it
// does catch mistakes) 0 means the case failed in exactly the checks its
// "## must-fail-in CHECK" lines name, and 1 anything else.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "common/import_request.h"
#include "common/strings.h"
#include "sdme_file/rootfs_imports.h"
#include "tests/case_assertions.h"
#include "tests/case_file.h"
#include "tests/case_process.h"

namespace {

namespace fs = std::filesystem;
using sdme::CaseDirective;
using sdme::GeneratorRun;
using sdme::GoldenCase;
using sdme::ProcessResult;

constexpr int kPassed = 0;
constexpr int kFailed = 1;
constexpr int kRunnerError = 2;
constexpr int kTimeoutSeconds = 60;

struct Options {
  std::string generator;
  std::string helper_dir;
  std::string systemd_unit_dir;
  std::string static_unit_dir;
  std::string systemd_analyze = "systemd-analyze";
  bool expect_failure = false;
  std::string case_path;
};

// One thing wrong with the case: which check found it (a directive's name,
// or one of the checks every case gets: "generator", "output",
// "dry-run", "unexpected message", "systemd-analyze verify", "expected
// output", "case syntax"), where (a directive, or the case as a whole) and what, with
// expected and found values. A runner self-test names the check it must
// trip, so it cannot pass by failing for another reason.
struct Failure {
  std::string check;
  std::string where;
  std::string what;
};

bool parse_options(int argc, char** argv, Options* options) {
  for (int i = 1; i < argc; ++i) {
    std::string argument = argv[i];
    auto value = [&](std::string* target) {
      if (i + 1 >= argc) return false;
      *target = argv[++i];
      return true;
    };
    bool ok = true;
    if (argument == "--generator")
      ok = value(&options->generator);
    else if (argument == "--helper-dir")
      ok = value(&options->helper_dir);
    else if (argument == "--systemd-unit-dir")
      ok = value(&options->systemd_unit_dir);
    else if (argument == "--static-unit-dir")
      ok = value(&options->static_unit_dir);
    else if (argument == "--systemd-analyze")
      ok = value(&options->systemd_analyze);
    else if (argument == "--expect-failure")
      options->expect_failure = true;
    else if (!argument.starts_with("--") && options->case_path.empty())
      options->case_path = argument;
    else
      ok = false;
    if (!ok) return false;
  }
  return !options->generator.empty() && !options->helper_dir.empty() &&
         !options->systemd_unit_dir.empty() && !options->case_path.empty();
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (size_t position = text.find(from); position != std::string::npos;
       position = text.find(from, position + to.size()))
    text.replace(position, from.size(), to);
  return text;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  std::string line;
  while (std::getline(stream, line)) lines.push_back(line);
  return lines;
}

std::string read_text(const fs::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  return buffer.str();
}

// The units, drop-ins and links the real run wrote. Anything else in the
// output directory (a temporary file left behind, a unit in a .wants
// directory) is a failure.
void read_output_directory(const std::string& root, const fs::path& output, GeneratorRun* run,
                           std::vector<Failure>* failures) {
  std::error_code error;
  for (fs::recursive_directory_iterator it(output, error), end; it != end && !error;
       it.increment(error)) {
    std::string relative = it->path().lexically_relative(output).string();
    if (it->is_symlink()) {
      run->links[relative] = replace_all(fs::read_symlink(it->path()).string(), root, "");
    } else if (it->is_directory()) {
      continue;
    } else if (it->is_regular_file() && it->path().parent_path() == output &&
               relative.ends_with(".service")) {
      run->units[relative] = replace_all(read_text(it->path()), root, "");
    } else if (it->is_regular_file() && it->path().parent_path().parent_path() == output &&
               it->path().parent_path().filename().string().ends_with(".service.d") &&
               relative.ends_with(".conf")) {
      run->dropins[relative] = replace_all(read_text(it->path()), root, "");
    } else {
      failures->push_back({"output", "output", "  unexpected file in the output directory: " + relative});
    }
  }
  if (error)
    failures->push_back({"output", "output", "  cannot list the output directory: " + error.message()});
}

// NAME.expected/ beside a case holds the whole output directory, byte for
// byte, the way systemd's fstab-generator tests keep theirs: every unit,
// drop-in and link, so nothing the generator writes escapes review. Paths
// that depend on the build are written @HELPER_DIR@ and
// @SYSTEMD_UNIT_DIR@. With SDME_UPDATE_EXPECTED=1 in the environment the
// runner writes the directory instead of comparing, for a reviewed change.
fs::path expected_output_dir(const GoldenCase& golden_case) {
  std::string source = golden_case.source;
  if (source.ends_with(".sdme")) source.resize(source.size() - 5);
  while (source.ends_with("/")) source.pop_back();
  return source + ".expected";
}

// Every file and link of a run's output, by path: "file\n" + text or
// "link\n" + target, with the build's paths as placeholders.
std::map<std::string, std::string> output_as_written(const GeneratorRun& run) {
  auto generic = [&](std::string text) {
    text = replace_all(std::move(text), run.helper_dir, "@HELPER_DIR@");
    return replace_all(std::move(text), run.systemd_unit_dir, "@SYSTEMD_UNIT_DIR@");
  };
  std::map<std::string, std::string> entries;
  for (const auto& [name, text] : run.units) entries[name] = "file\n" + generic(text);
  for (const auto& [name, text] : run.dropins) entries[name] = "file\n" + generic(text);
  for (const auto& [name, target] : run.links) entries[name] = "link\n" + generic(target);
  return entries;
}

std::map<std::string, std::string> read_expected_output(const fs::path& directory) {
  std::map<std::string, std::string> entries;
  for (const auto& entry : fs::recursive_directory_iterator(directory)) {
    std::string relative = entry.path().lexically_relative(directory).string();
    if (entry.is_symlink())
      entries[relative] = "link\n" + fs::read_symlink(entry.path()).string();
    else if (entry.is_regular_file())
      entries[relative] = "file\n" + read_text(entry.path());
  }
  return entries;
}

void write_expected_output(const fs::path& directory,
                           const std::map<std::string, std::string>& entries) {
  fs::remove_all(directory);
  for (const auto& [name, value] : entries) {
    fs::path path = directory / name;
    fs::create_directories(path.parent_path());
    size_t newline = value.find('\n');
    if (value.starts_with("link\n")) {
      fs::create_symlink(value.substr(newline + 1), path);
    } else {
      std::ofstream stream(path, std::ios::binary);
      stream << value.substr(newline + 1);
    }
  }
}

void compare_expected_output(const GoldenCase& golden_case, const GeneratorRun& run,
                             std::vector<Failure>* failures) {
  const fs::path directory = expected_output_dir(golden_case);
  if (!fs::is_directory(directory)) return;
  std::map<std::string, std::string> written = output_as_written(run);
  const char* update = std::getenv("SDME_UPDATE_EXPECTED");
  if (update && std::string_view(update) == "1") {
    write_expected_output(directory, written);
    return;
  }
  std::map<std::string, std::string> expected = read_expected_output(directory);
  for (const auto& [name, value] : expected) {
    auto found = written.find(name);
    if (found == written.end())
      failures->push_back({"expected output", directory.string(),
                           "  " + name + " is expected but was not written"});
    else if (found->second != value)
      failures->push_back({"expected output", directory.string(),
                           "  " + name + " differs; expected:\n" + value.substr(value.find('\n') + 1) +
                               "  written:\n" + found->second.substr(found->second.find('\n') + 1)});
  }
  for (const auto& [name, value] : written)
    if (expected.count(name) == 0)
      failures->push_back({"expected output", directory.string(),
                           "  " + name + " was written but is not expected"});
}

// An Environment= value as systemd reads it, for the values the generator
// writes: one NAME=VALUE, maybe in double quotes, with '%' doubled.
std::string environment_value(std::string value) {
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    std::string unquoted;
    for (size_t i = 1; i + 1 < value.size(); ++i) {
      if (value[i] == '\\' && i + 2 < value.size()) ++i;
      unquoted += value[i];
    }
    value = unquoted;
  }
  return replace_all(value, "%%", "%");
}

std::string request_text(const sdme::ImportRequest& request) {
  return "Rootfs=" + request.rootfs + "\nSource=" + request.source +
         "\nChecksum=" + request.checksum +
         "\nInstallPackages=" + std::string(sdme::install_packages_name(request.install_packages)) +
         "\nBoot=" + (request.boot ? "yes" : "no") + "\nApp=" + (request.app ? "yes" : "no") +
         "\nMaxSize=" + std::to_string(request.max_size) + "\nOrigin=" + request.origin + "\n";
}

// What sdme-import@ROOTFS.service would import, for every drop-in the run
// wrote for one: the drop-in's environment alone, given to sdme-import's
// own reader, must lead back to the request, so this checks the handoff,
// not a copy of it.
void read_import_requests(const std::string& root, const fs::path& output, GeneratorRun* run) {
  const std::string prefix = "sdme-import@", suffix = ".service.d/50-sdme-import.conf";
  for (const auto& [name, text] : run->dropins) {
    if (!name.starts_with(prefix) || !name.ends_with(suffix)) continue;
    std::string rootfs = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    std::map<std::string, std::string> environment;
    for (const std::string& line : lines_of(read_text(output / name))) {
      if (!line.starts_with("Environment=")) continue;
      std::string assignment = environment_value(line.substr(12));
      size_t equals = assignment.find('=');
      environment[assignment.substr(0, equals)] = assignment.substr(equals + 1);
    }
    std::vector<sdme::SearchDirectory> directories;
    for (const std::string& path : sdme::split(environment["SDME_UNIT_PATH"], ':'))
      directories.push_back({path, false});
    std::vector<std::string> files;
    sdme::ImportRequest request;
    std::string err;
    if (sdme::parse_import_files(environment[sdme::kImportFilesVariable], &files, &err) &&
        sdme::file::read_import_request(rootfs, files, directories, &request, &err))
      run->import_requests[rootfs] = replace_all(request_text(request), root, "");
    else
      run->import_requests[rootfs] = "Error=" + replace_all(err, root, "") + "\n";
  }
}

// Everything below the case's root but the output directory, with its type,
// size and modification time: a generator writes into its output directory
// and nowhere else (systemd.generator(7)).
std::map<std::string, std::string> root_outside_output(const std::string& root) {
  std::map<std::string, std::string> entries;
  std::error_code error;
  for (fs::recursive_directory_iterator it(root, error), end; it != end && !error;
       it.increment(error)) {
    std::string relative = it->path().lexically_relative(root).string();
    if (relative == "out") {
      it.disable_recursion_pending();
      continue;
    }
    struct stat status;
    if (::lstat(it->path().c_str(), &status) != 0) continue;
    entries[relative] = std::to_string(status.st_mode) + " " + std::to_string(status.st_size) +
                        " " + std::to_string(status.st_mtim.tv_sec) + "." +
                        std::to_string(status.st_mtim.tv_nsec);
  }
  return entries;
}

void compare_root(const std::map<std::string, std::string>& before,
                  const std::map<std::string, std::string>& after,
                  std::vector<Failure>* failures) {
  for (const auto& [path, status] : after) {
    auto found = before.find(path);
    if (found == before.end())
      failures->push_back({"output", "output", "  the generator created " + path + " outside out/"});
    else if (found->second != status)
      failures->push_back({"output", "output", "  the generator changed " + path + " outside out/"});
  }
  for (const auto& [path, status] : before)
    if (after.count(path) == 0)
      failures->push_back({"output", "output", "  the generator removed " + path + " outside out/"});
}

// Reads --dry-run's "---NAME---" unit and drop-in blocks and
// "---LINK -> TARGET---" lines.
void parse_dry_run(const std::string& text, std::map<std::string, std::string>* units,
                   std::map<std::string, std::string>* dropins,
                   std::map<std::string, std::string>* links) {
  std::string* current = nullptr;
  for (const std::string& line : lines_of(text)) {
    if (line.size() >= 6 && line.starts_with("---") && line.ends_with("---")) {
      std::string inner = line.substr(3, line.size() - 6);
      size_t arrow = inner.find(" -> ");
      if (arrow != std::string::npos) {
        (*links)[inner.substr(0, arrow)] = inner.substr(arrow + 4);
        current = nullptr;
      } else if (inner.find(".service.d/") != std::string::npos) {
        current = &(*dropins)[inner];
      } else {
        current = &(*units)[inner];
      }
      continue;
    }
    if (current) *current += line + "\n";
  }
}

std::string describe_links(const std::map<std::string, std::string>& links) {
  std::string text;
  for (const auto& [link, target] : links) text += "    " + link + " -> " + target + "\n";
  return text.empty() ? "    (none)\n" : text;
}

// --dry-run is how people check their files, so it must say exactly what
// the real run does.
void compare_dry_run(const std::string& root, const ProcessResult& dry_run, const GeneratorRun& run,
                     std::vector<Failure>* failures) {
  std::map<std::string, std::string> units, dropins, links;
  parse_dry_run(replace_all(dry_run.standard_output, root, ""), &units, &dropins, &links);
  if (dropins != run.dropins)
    failures->push_back({"dry-run", "--dry-run", "  --dry-run shows other drop-ins than the run wrote"});
  for (const auto& [name, text] : run.units) {
    auto found = units.find(name);
    if (found == units.end())
      failures->push_back(
          {"dry-run", "--dry-run", "  " + name + " was written but --dry-run did not show it"});
    else if (found->second != text)
      failures->push_back(
          {"dry-run", "--dry-run", "  --dry-run shows a different " + name + ":\n" + found->second});
  }
  for (const auto& [name, text] : units)
    if (run.units.count(name) == 0)
      failures->push_back({"dry-run", "--dry-run", "  --dry-run shows " + name + ", which was not written"});
  if (links != run.links)
    failures->push_back({"dry-run", "--dry-run", "  --dry-run shows the links\n" + describe_links(links) +
                                          "  but the run wrote\n" + describe_links(run.links)});
  std::vector<std::string> messages = lines_of(replace_all(dry_run.standard_error, root, ""));
  if (messages != run.messages) {
    std::string what = "  --dry-run printed other messages than the run:\n";
    for (const std::string& line : messages) what += "    " + line + "\n";
    failures->push_back({"dry-run", "--dry-run", what});
  }
}

// systemd-analyze verify of a template verifies its instance "i", so
// templates are checked with their real content too.
void verify_units(const Options& options, const std::string& root, const fs::path& output,
                  const GeneratorRun& run, std::vector<Failure>* failures) {
  // The output directory and the static units come first; the trailing
  // ':' keeps systemd's own directories for the units ours refer to.
  std::string unit_path = output.string() + ":";
  if (!options.static_unit_dir.empty()) unit_path += options.static_unit_dir + ":";
  std::vector<std::string> environment =
      sdme::environment_with({"SYSTEMD_UNIT_PATH"}, {{"SYSTEMD_UNIT_PATH", unit_path}});
  // Generated units by their file, static units with drop-ins by name.
  std::vector<std::string> targets;
  for (const auto& [name, text] : run.units) targets.push_back((output / name).string());
  for (const auto& [path, text] : run.dropins) {
    std::string unit = path.substr(0, path.find(".d/"));
    if (std::find(targets.begin(), targets.end(), unit) == targets.end()) targets.push_back(unit);
  }
  for (const std::string& target : targets) {
    std::string name = fs::path(target).filename().string();
    ProcessResult result;
    std::string err;
    std::vector<std::string> command = {options.systemd_analyze, "verify", "--man=no", target};
    if (!sdme::run_process(command, environment, kTimeoutSeconds, &result, &err)) {
      failures->push_back({"systemd-analyze verify", "verify " + name, "  " + err});
      continue;
    }
    std::string said = replace_all(result.standard_output + result.standard_error, root, "");
    if (result.exit_code == 0 && said.empty()) continue;
    failures->push_back(
        {"systemd-analyze verify", "systemd-analyze verify " + name,
         "  exit status " + std::to_string(result.exit_code) + ", output:\n" + said});
  }
}

void print_report(const GoldenCase& golden_case, const std::string& root,
                  const std::vector<Failure>& failures, const GeneratorRun& run,
                  bool expect_failure) {
  if (expect_failure)
    std::printf("FAILED case %s, as this self-test expects\n\n", golden_case.source.c_str());
  else
    std::printf("FAILED case %s (its root is kept in %s)\n\n", golden_case.source.c_str(),
                root.c_str());
  for (const Failure& failure : failures) {
    std::string what = failure.what;
    if (!what.empty() && what.back() == '\n') what.pop_back();
    std::printf("%s  [check: %s]\n%s\n\n", failure.where.c_str(), failure.check.c_str(),
                what.c_str());
  }
  std::printf("--- generator messages ---\n");
  for (const std::string& message : run.messages) std::printf("%s\n", message.c_str());
  for (const auto& [name, text] : run.units)
    std::printf("--- generated %s ---\n%s", name.c_str(), text.c_str());
  for (const auto& [name, text] : run.dropins)
    std::printf("--- generated drop-in %s ---\n%s", name.c_str(), text.c_str());
  for (const auto& [name, text] : run.import_requests)
    std::printf("--- what sdme-import@%s.service would import ---\n%s", name.c_str(),
                text.c_str());
  std::printf("--- symlinks written ---\n%s", describe_links(run.links).c_str());
  std::vector<fs::path> files = {golden_case.source};
  if (golden_case.is_tree) {
    files.clear();
    for (const auto& entry : fs::recursive_directory_iterator(golden_case.source))
      if (entry.is_regular_file() && !entry.is_symlink()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
  }
  for (const fs::path& file : files)
    std::printf("--- case file %s ---\n%s", file.c_str(), read_text(file).c_str());
}

// The checks a runner self-test names with "## must-fail-in CHECK".
std::vector<std::string> checks_that_must_fail(const GoldenCase& golden_case) {
  std::vector<std::string> checks;
  for (const CaseDirective& directive : golden_case.directives)
    if (directive.name == "must-fail-in") checks.push_back(sdme::join(directive.arguments, " "));
  return checks;
}

// A self-test passes only when it failed, and only in the checks it names:
// a case that trips some other check shows nothing about the named one.
bool failed_as_named(const std::vector<std::string>& named, const std::vector<Failure>& failures) {
  if (failures.empty() || named.empty()) return false;
  bool named_fired = false;
  for (const Failure& failure : failures) {
    if (std::find(named.begin(), named.end(), failure.check) == named.end()) {
      std::printf("the self-test failed in '%s', which it does not name\n",
                  failure.check.c_str());
      return false;
    }
    named_fired = true;
  }
  return named_fired;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse_options(argc, argv, &options)) {
    std::fprintf(stderr,
                 "usage: sdme-case-runner --generator PATH --helper-dir DIR "
                 "--systemd-unit-dir DIR [--static-unit-dir DIR] [--systemd-analyze PATH] "
                 "[--expect-failure] CASE\n");
    return kRunnerError;
  }

  // Read the case and check its directives before running anything: a typo
  // in a directive must fail the case, not pass it silently.
  GoldenCase golden_case;
  std::string err;
  if (!sdme::load_golden_case(options.case_path, &golden_case, &err)) {
    std::printf("FAILED case %s\n%s\n", options.case_path.c_str(), err.c_str());
    return options.expect_failure ? kRunnerError : kFailed;
  }
  std::vector<Failure> syntax_errors;
  size_t assertion_count = 0;
  for (const CaseDirective& directive : golden_case.directives) {
    if (!sdme::check_directive_syntax(directive, &err))
      syntax_errors.push_back({"case syntax", directive.location(), err});
    if (sdme::is_assertion(directive)) ++assertion_count;
  }
  if (assertion_count == 0)
    syntax_errors.push_back({"case syntax", golden_case.source,
                             golden_case.source +
                                 ": the case asserts nothing; add '## assert-...' lines"});
  // Self-tests name the check they must trip; real cases have none to name.
  const std::vector<std::string> must_fail_in = checks_that_must_fail(golden_case);
  if (options.expect_failure && must_fail_in.empty()) {
    std::printf("self-test %s names no check that must fail; add '## must-fail-in CHECK'\n",
                golden_case.source.c_str());
    return kRunnerError;
  }
  if (!options.expect_failure && !must_fail_in.empty()) {
    std::printf("FAILED case %s\n%s: '## must-fail-in' is for the runner's self-tests only\n",
                golden_case.source.c_str(), golden_case.source.c_str());
    return kFailed;
  }
  if (!syntax_errors.empty()) {
    std::printf("FAILED case %s\n", golden_case.source.c_str());
    for (const Failure& error : syntax_errors) std::printf("%s\n", error.what.c_str());
    if (options.expect_failure) return failed_as_named(must_fail_in, syntax_errors) ? kPassed : kFailed;
    return kFailed;
  }

  // A fresh root holding only the case's files.
  const char* temporary = std::getenv("TMPDIR");
  std::string root_template =
      std::string(temporary && *temporary ? temporary : "/tmp") + "/sdme-case-XXXXXX";
  if (!::mkdtemp(root_template.data())) {
    std::fprintf(stderr, "cannot create a temporary root from %s\n", root_template.c_str());
    return kRunnerError;
  }
  const std::string root = root_template;
  const fs::path output = fs::path(root) / "out";
  if (!sdme::install_golden_case(golden_case, root, &err)) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return kRunnerError;
  }
  fs::create_directories(output);
  const std::map<std::string, std::string> root_before = root_outside_output(root);

  // The generator as systemd would run it, and as people check their files.
  std::vector<std::string> environment =
      sdme::environment_with({"SDME_", "SYSTEMD_"}, {{"SDME_ROOT", root},
                                                     {"SDME_LOG_TARGET", "stderr"},
                                                     {"SDME_HELPER_DIR", options.helper_dir}});
  ProcessResult generated, dry_run;
  if (!sdme::run_process({options.generator, output.string()}, environment, kTimeoutSeconds,
                         &generated, &err) ||
      !sdme::run_process({options.generator, "--dry-run"}, environment, kTimeoutSeconds, &dry_run,
                         &err)) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return kRunnerError;
  }

  std::vector<Failure> failures;
  GeneratorRun run;
  run.helper_dir = options.helper_dir;
  run.systemd_unit_dir = options.systemd_unit_dir;
  run.messages = lines_of(replace_all(generated.standard_error, root, ""));
  run.dry_run_exit_code = dry_run.exit_code;
  if (generated.timed_out || dry_run.timed_out)
    failures.push_back(
        {"generator", "generator", "  did not finish within " + std::to_string(kTimeoutSeconds) + " seconds"});
  if (generated.exit_code != 0)
    failures.push_back({"generator", "generator", "  exited with " + std::to_string(generated.exit_code) +
                                         "; bad input must not fail the run"});
  if (!generated.standard_output.empty())
    failures.push_back({"generator", "generator", "  printed on standard output:\n" +
                                         replace_all(generated.standard_output, root, "")});
  read_output_directory(root, output, &run, &failures);
  read_import_requests(root, output, &run);
  compare_root(root_before, root_outside_output(root), &failures);
  compare_dry_run(root, dry_run, run, &failures);
  compare_expected_output(golden_case, run, &failures);
  for (const std::string& message : sdme::unexpected_messages(golden_case.directives, run))
    failures.push_back(
        {"unexpected message", "generator messages", "  no assert-stderr-line expects this line:\n    " + message});

  for (const CaseDirective& directive : golden_case.directives) {
    std::string failure;
    if (!sdme::check_directive(directive, run, &failure))
      failures.push_back({directive.name, directive.location() + ": " + directive.text, failure});
  }
  verify_units(options, root, output, run, &failures);

  if (failures.empty()) {
    std::printf("passed case %s: %zu assertions, %zu units verified\n", golden_case.source.c_str(),
                assertion_count, run.units.size());
    fs::remove_all(root);
    // A self-test that passes did not show the runner catching anything.
    return options.expect_failure ? kFailed : kPassed;
  }
  print_report(golden_case, root, failures, run, options.expect_failure);
  if (!options.expect_failure) return kFailed;
  fs::remove_all(root);
  return failed_as_named(must_fail_in, failures) ? kPassed : kFailed;
}
