// sdme-dns: ExecStartPre= of a generated container unit, after sdme-overlay
// mounted the container's root. Prepares /etc/resolv.conf, through the
// mounted overlay, for the container's kind of network.
#include <optional>
#include <string>

#include "common/helper_command_lines.h"
#include "common/helper_main.h"
#include "common/log.h"
#include "helpers/dns/container_dns.h"

int main(int argc, char** argv) {
  sdme::DnsCommand command;
  if (std::optional<int> status = sdme::start_helper(
          "sdme-dns", argc, argv, sdme::parse_dns_command_line,
          [](const sdme::DnsCommand& parsed) { return parsed.help; }, sdme::dns_usage(), &command))
    return *status;
  std::string err;

  // Every message from here on names the container (SDME_CONTAINER= in the journal).
  sdme::log_set_container(command.container_name);

  // The work: the container name is validated before it becomes a path.
  if (!sdme::dns::set_up_container_dns(command.container_name, command.network, &err)) {
    sdme::log_error(err);
    return sdme::kExitFailure;
  }
  return sdme::kExitSuccess;
}
