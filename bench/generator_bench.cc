// How much the generator costs at boot and at every daemon-reload, next to
// the floor: reading the same input files and doing nothing with them.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/atomic_file.h"
#include "generator/generator.h"
#include "generator/search_path.h"
#include "generator/translate.h"
#include "generator/unit_file.h"

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
    sdme::UnitFile unit;
    std::string err;
    benchmark::DoNotOptimize(unit.parse("/etc/sdme/web.sdme", kTypicalFile, &err));
  }
}
BENCHMARK(BM_ParseTypicalFile);

void BM_ParseAndTranslateTypicalFile(benchmark::State& state) {
  sdme::TranslationInput input{"web.service", "web", "/etc/sdme/web.sdme", {},
                               "/var/lib/sdme", "/usr/libexec/sdme", "/usr/bin/systemd-nspawn"};
  std::string text;
  for (auto _ : state) {
    sdme::UnitFile unit;
    std::string err;
    unit.parse(input.source_path, kTypicalFile, &err);
    benchmark::DoNotOptimize(sdme::translate_unit(input, unit, &text, &err));
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
  sdme::GeneratorConfig config = sdme::generator_config_from_environment();
  std::string output_dir = tree.root() + "/out";
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(output_dir);
    fs::create_directories(output_dir);
    state.ResumeTiming();
    std::vector<std::string> errors;
    std::vector<sdme::SdmeSource> sources;
    sdme::find_sources(sdme::unit_search_path(), &sources, &errors);
    sdme::PresetPolicy presets;
    presets.load(sdme::preset_search_path(), &errors);
    sdme::GeneratorOutput output;
    sdme::generate(sources, presets, config, &output);
    benchmark::DoNotOptimize(sdme::write_generator_output(output_dir, output, &errors));
  }
  ::unsetenv("SDME_ROOT");
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_WholeGeneratorRun)->Arg(1)->Arg(10)->Arg(100);

}  // namespace

BENCHMARK_MAIN();
