// How much the generator costs at boot and at every daemon-reload, next to
// the floor: reading the same input files and doing nothing with them.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "common/atomic_file.h"
#include "generator/generator.h"
#include "generator/install.h"
#include "sdme_file/search_path.h"
#include "generator/translate.h"
#include "sdme_file/unit_file.h"

namespace {

namespace fs = std::filesystem;

// A realistic file: a few pass-through settings and most [Container] keys.
constexpr const char* kTypicalFile = R"([Unit]
Description=Web front end
After=network-online.target
Wants=network-online.target

[Container]
Rootfs=debian-12
Hostname=web
Network=veth
Bind=/srv/www:/var/www:norbind
BindReadOnly=/etc/ssl/certs
Environment=LANG=C.UTF-8 "GREETING=hello world"
DropCapability=CAP_SYS_PTRACE CAP_NET_RAW
NoNewPrivileges=yes
SystemCallFilter=~@debug @obsolete
PrivateUsers=pick

[Service]
TimeoutStartSec=120
Restart=on-failure

[Install]
WantedBy=machines.target
)";

// A search directory holding `count` copies of the typical file.
class InputTree {
 public:
  explicit InputTree(int count) {
    // On tmpfs, like /run/systemd/generator, where fsync costs what it costs at boot.
    char pattern[] = "/dev/shm/sdme-bench-XXXXXX";
    root_ = ::mkdtemp(pattern);
    fs::create_directories(root_ + "/etc/sdme");
    fs::create_directories(root_ + "/out");
    for (int i = 0; i < count; ++i) {
      std::ofstream(root_ + "/etc/sdme/web" + std::to_string(i) + ".sdme") << kTypicalFile;
    }
  }
  ~InputTree() { fs::remove_all(root_); }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

void BM_ParseTypicalFile(benchmark::State& state) {
  for (auto _ : state) {
    sdme::file::UnitFile unit;
    std::string err;
    benchmark::DoNotOptimize(unit.parse("/etc/sdme/web.sdme", kTypicalFile, &err));
  }
}
BENCHMARK(BM_ParseTypicalFile);

void BM_ParseAndTranslateTypicalFile(benchmark::State& state) {
  sdme::generator::TranslationInput input{"web.service", "web", "/etc/sdme/web.sdme", {},
                               "/var/lib/sdme", "/usr/libexec/sdme", "/usr/bin/systemd-nspawn"};
  std::string text;
  for (auto _ : state) {
    sdme::file::UnitFile unit;
    std::string err;
    unit.parse(input.source_path, kTypicalFile, &err);
    benchmark::DoNotOptimize(sdme::generator::translate_unit(input, unit, &text, &err));
  }
}
BENCHMARK(BM_ParseAndTranslateTypicalFile);

// The floor: list the directory and read every file, as any generator must.
void BM_ReadInputsOnly(benchmark::State& state) {
  InputTree tree(static_cast<int>(state.range(0)));
  std::string content, err;
  for (auto _ : state) {
    for (const auto& entry : fs::directory_iterator(tree.root() + "/etc/sdme"))
      benchmark::DoNotOptimize(sdme::read_file(entry.path(), 1 << 20, &content, &err));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ReadInputsOnly)->Arg(1)->Arg(10)->Arg(100);

// A whole run as systemd makes it: find, parse, translate, write units and
// links into an emptied output directory.
void BM_WholeGeneratorRun(benchmark::State& state) {
  InputTree tree(static_cast<int>(state.range(0)));
  ::setenv("SDME_ROOT", tree.root().c_str(), 1);
  sdme::generator::GeneratorConfig config = sdme::generator::generator_config_from_environment();
  std::string output_dir = tree.root() + "/out";
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(output_dir);
    fs::create_directories(output_dir);
    state.ResumeTiming();
    std::vector<std::string> errors;
    std::vector<sdme::file::SdmeSource> sources;
    sdme::file::find_sources(sdme::unit_search_path(), &sources, &errors);
    sdme::generator::PresetPolicy presets;
    presets.load(sdme::preset_search_path(), &errors);
    sdme::generator::OutputDirectoryWriter writer;
    std::string err;
    benchmark::DoNotOptimize(writer.open(output_dir, &err));
    sdme::generator::generate(sources, presets, config, &writer, &errors);
    benchmark::DoNotOptimize(writer.finish());
  }
  ::unsetenv("SDME_ROOT");
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_WholeGeneratorRun)->Arg(1)->Arg(10)->Arg(100);

// --- Hostile input ---------------------------------------------------------
//
// A generator runs before any unit loads, so a file that costs quadratic
// time stalls the boot. Each input below fills a .sdme file to the 1 MiB
// limit with one list-valued key (or one thing that repeats), and the whole
// per-file work runs on it: parse, translate, [Install]. Every iteration
// must stay under kHostileInputBound; one that does not fails the benchmark.
constexpr std::chrono::milliseconds kHostileInputBound{2000};

// `header`, then `line(i)` for i = 0, 1, ... while the file stays within
// the 1 MiB limit.
std::string fill_to_limit(const std::string& header, const std::function<std::string(size_t)>& line) {
  std::string text = header;
  for (size_t i = 0;; ++i) {
    std::string next = line(i);
    if (text.size() + next.size() > sdme::file::kMaxUnitFileSize) return text;
    text += next;
  }
}

// One assignment whose value is `word(i)` repeated to the limit.
std::string one_long_value(const std::string& section, const std::string& key,
                           const std::function<std::string(size_t)>& word) {
  std::string text = fill_to_limit("[" + section + "]\n" + key + "=", [&](size_t i) {
    return word(i) + " ";
  });
  return text + "\n";
}

std::string number(size_t i) { return std::to_string(i); }

const std::vector<std::pair<std::string, std::string>>& hostile_inputs() {
  static const std::vector<std::pair<std::string, std::string>> kInputs = {
      // The reported case: 158k paths in one OpaqueDir=.
      {"OpaqueDir/one-value",
       one_long_value("Container", "OpaqueDir", [](size_t i) { return "/o" + number(i); })},
      {"OpaqueDir/lines",
       fill_to_limit("[Container]\n", [](size_t i) { return "OpaqueDir=/o" + number(i) + "\n"; })},
      {"Bind/one-value",
       one_long_value("Container", "Bind", [](size_t i) { return "/s" + number(i); })},
      {"Bind/lines", fill_to_limit("[Container]\n",
                                   [](size_t i) { return "Bind=/s" + number(i) + ":/m\n"; })},
      {"BindReadOnly/lines",
       fill_to_limit("[Container]\n",
                     [](size_t i) { return "BindReadOnly=/s" + number(i) + "\n"; })},
      {"Environment/one-value",
       one_long_value("Container", "Environment", [](size_t i) { return "A" + number(i) + "=1"; })},
      {"Environment/lines",
       fill_to_limit("[Container]\n",
                     [](size_t i) { return "Environment=A" + number(i) + "=1\n"; })},
      {"Capability/one-value",
       one_long_value("Container", "Capability", [](size_t i) {
         return i % 2 ? "CAP_NET_ADMIN" : "cap_sys_admin";
       })},
      {"DropCapability/lines",
       fill_to_limit("[Container]\n",
                     [](size_t) { return std::string("DropCapability=CAP_SYS_PTRACE\n"); })},
      {"SystemCallFilter/lines",
       fill_to_limit("[Container]\n",
                     [](size_t) { return std::string("SystemCallFilter=@mount read\n"); })},
      {"NspawnArgs/lines",
       fill_to_limit("[Container]\n", [](size_t) { return std::string("NspawnArgs=--quiet\n"); })},
      {"Exec/words",
       one_long_value("Container", "Exec", [](size_t i) { return "a" + number(i); })},
      {"WantedBy/one-value",
       one_long_value("Install", "WantedBy", [](size_t i) { return "t" + number(i) + ".target"; })},
      {"RequiredBy/lines",
       fill_to_limit("[Install]\n",
                     [](size_t i) { return "RequiredBy=t" + number(i) + ".target\n"; })},
      {"Alias/one-value",
       one_long_value("Install", "Alias", [](size_t i) { return "a" + number(i) + ".service"; })},
      {"Service/lines",
       fill_to_limit("[Service]\n",
                     [](size_t i) { return "Environment=A" + number(i) + "=1\n"; })},
      {"sections", fill_to_limit("", [](size_t i) { return "[X-s" + number(i) + "]\nK=v\n"; })},
      {"unknown-key", "[Container]\n" + std::string(sdme::file::kMaxUnitFileSize - 20, 'B') + "=1\n"},
  };
  return kInputs;
}

void BM_HostileInput(benchmark::State& state, const std::string& text) {
  sdme::file::SdmeSource source;
  std::string err;
  sdme::file::classify_source_name("web.sdme", &source, &err);
  source.path = "/etc/sdme/web.sdme";
  sdme::generator::TranslationInput input{"web.service", "web", source.path, {},
                               "/var/lib/sdme", "/usr/libexec/sdme", "/usr/bin/systemd-nspawn"};
  std::string unit_text;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    sdme::file::UnitFile unit;
    sdme::generator::InstallSection install;
    if (unit.parse(source.path, text, &err)) {
      benchmark::DoNotOptimize(sdme::generator::translate_unit(input, unit, &unit_text, &err));
      benchmark::DoNotOptimize(sdme::generator::read_install_section(source, unit, &install, &err));
    }
    if (std::chrono::steady_clock::now() - start > kHostileInputBound) {
      state.SkipWithError("one file took longer than the bound: quadratic work?");
      break;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

// Registered by hand: one benchmark per input, named after it.
const bool kHostileInputsRegistered = [] {
  for (const auto& [name, text] : hostile_inputs())
    benchmark::RegisterBenchmark(("BM_HostileInput/" + name).c_str(), BM_HostileInput, text)
        ->Unit(benchmark::kMillisecond);
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
