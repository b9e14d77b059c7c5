// Whether the host runs systemd-networkd.
#include "helpers/provision/host_networkd.h"

#include <systemd/sd-bus.h>

#include <cstdlib>
#include <memory>
#include <string>

namespace sdme::provision {
namespace {

// systemd's own bus, as systemctl uses it as root: no dbus-daemon in
// between, and a unit's ActiveState is right the moment it is started (a
// name on the system bus is claimed only later, asynchronously).
constexpr const char* kSystemdPrivateBus = "unix:path=/run/systemd/private";
constexpr const char* kNetworkdUnitPath =
    "/org/freedesktop/systemd1/unit/systemd_2dnetworkd_2eservice";
// An advisory question must not hold up a container's start.
constexpr uint64_t kBusTimeoutMicroseconds = 2'000'000;
// Interface names are at most 15 bytes; nspawn shortens longer ones its own way.
constexpr size_t kMaxInterfaceName = 15;

struct BusReleaser {
  void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};

}  // namespace

HostNetworkd host_networkd_state() {
  sd_bus* raw_bus = nullptr;
  if (sd_bus_new(&raw_bus) < 0) return HostNetworkd::kUnknown;
  std::unique_ptr<sd_bus, BusReleaser> bus(raw_bus);
  if (sd_bus_set_address(bus.get(), kSystemdPrivateBus) < 0 ||
      sd_bus_set_method_call_timeout(bus.get(), kBusTimeoutMicroseconds) < 0 ||
      sd_bus_start(bus.get()) < 0)
    return HostNetworkd::kUnknown;
  sd_bus_error error = SD_BUS_ERROR_NULL;
  char* raw_state = nullptr;
  int r = sd_bus_get_property_string(bus.get(), "org.freedesktop.systemd1", kNetworkdUnitPath,
                                     "org.freedesktop.systemd1.Unit", "ActiveState", &error,
                                     &raw_state);
  sd_bus_error_free(&error);
  if (r < 0) return HostNetworkd::kUnknown;
  std::string state = raw_state;
  std::free(raw_state);
  // Starting or reloading counts: it configures the link once it is up.
  return state == "active" || state == "activating" || state == "reloading"
             ? HostNetworkd::kRunning
             : HostNetworkd::kNotRunning;
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
