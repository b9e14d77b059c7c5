// sdme-dns: ExecStartPre= of a generated container unit, after sdme-overlay
// mounted the container's root. Prepares /etc/resolv.conf, through the
// mounted overlay, for the container's kind of network.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "common/log.h"
#include "common/helper_command_lines.h"
#include "helpers/dns/container_dns.h"

namespace {

constexpr int kExitSuccess = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

void print_usage(std::FILE* stream) {
  std::string_view usage = sdme::dns_usage();
  std::fwrite(usage.data(), 1, usage.size(), stream);
}

}  // namespace

int main(int argc, char** argv) {
  // Journal when systemd runs us for a unit, stderr for a person.
  sdme::log_open("sdme-dns");

  // Usage errors exit 2, apart from failures of the work itself.
  sdme::DnsCommand command;
  std::string err;
  if (!sdme::parse_dns_command_line(std::vector<std::string>(argv + 1, argv + argc), &command,
                                    &err)) {
    sdme::log_error(err);
    print_usage(stderr);
    return kExitUsage;
  }
  if (command.help) {
    print_usage(stdout);
    return kExitSuccess;
  }

  // Every message from here on names the container (SDME_CONTAINER= in the journal).
  sdme::log_set_container(command.container_name);

  // The work: the container name is validated before it becomes a path.
  if (!sdme::dns::set_up_container_dns(command.container_name, command.network, &err)) {
    sdme::log_error(err);
    return kExitFailure;
  }
  return kExitSuccess;
}
