// Whether the host runs systemd-networkd.
#include "helpers/provision/host_networkd.h"

#include <systemd/sd-bus.h>

#include <memory>

namespace sdme::provision {
namespace {

constexpr std::string_view kNetworkdBusName = "org.freedesktop.network1";
// Interface names are at most 15 bytes; nspawn shortens longer ones its own way.
constexpr size_t kMaxInterfaceName = 15;

struct BusReleaser {
  void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};
struct MessageReleaser {
  void operator()(sd_bus_message* message) const { sd_bus_message_unref(message); }
};

}  // namespace

HostNetworkd host_networkd_state() {
  sd_bus* raw_bus = nullptr;
  if (sd_bus_open_system(&raw_bus) < 0) return HostNetworkd::kUnknown;
  std::unique_ptr<sd_bus, BusReleaser> bus(raw_bus);
  sd_bus_message* raw_reply = nullptr;
  if (sd_bus_call_method(bus.get(), "org.freedesktop.DBus", "/org/freedesktop/DBus",
                         "org.freedesktop.DBus", "NameHasOwner", nullptr, &raw_reply, "s",
                         std::string(kNetworkdBusName).c_str()) < 0)
    return HostNetworkd::kUnknown;
  std::unique_ptr<sd_bus_message, MessageReleaser> reply(raw_reply);
  int has_owner = 0;
  if (sd_bus_message_read(reply.get(), "b", &has_owner) < 0) return HostNetworkd::kUnknown;
  return has_owner ? HostNetworkd::kRunning : HostNetworkd::kNotRunning;
}

bool host_configures_link(std::string_view network_link) {
  return network_link == "veth" || network_link.substr(0, 5) == "zone:";
}

std::string host_networkd_notice(std::string_view container_name, std::string_view network_link,
                                 HostNetworkd state) {
  if (state != HostNetworkd::kNotRunning) return "";
  std::string host_end;
  if (network_link == "veth") {
    host_end = "ve-" + std::string(container_name);
    if (host_end.size() > kMaxInterfaceName) host_end = "its ve- link";
  } else if (network_link.substr(0, 5) == "zone:") {
    host_end = "vz-" + std::string(network_link.substr(5));
  } else {
    return "";
  }
  return "Network=" + std::string(network_link) +
         ": systemd-networkd is not running on the host, so the host's end of the link (" +
         host_end +
         ") gets no address and the container none by DHCP; run systemctl enable --now "
         "systemd-networkd on the host, or configure " +
         host_end + " yourself";
}

}  // namespace sdme::provision
