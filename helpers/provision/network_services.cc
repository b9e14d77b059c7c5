// The container's systemd-networkd and systemd-resolved, for its link.
#include "helpers/provision/network_services.h"

#include "helpers/provision/unit_enablement.h"

namespace sdme::provision {
namespace {

struct NetworkService {
  std::string_view unit;
  std::string_view effect;  // what the container lacks without it
  std::string_view remedy;  // what to do about a missing unit
};

constexpr NetworkService kNetworkServices[] = {
    {kNetworkdUnit, "its link host0 gets no address",
     "install systemd-networkd in the root file system (part of systemd on some "
     "distributions, a package of its own on others), or configure host0 another way"},
    {kResolvedUnit, "/etc/resolv.conf links to a stub no one serves and host names do not resolve",
     "install systemd-resolved in the root file system"},
};

}  // namespace

bool set_up_network_services(const ContainerTree& tree, std::string_view network_link,
                             std::vector<std::string>* notices, std::string* err) {
  for (const NetworkService& service : kNetworkServices) {
    std::vector<UnitLink> links;
    if (!unit_enablement_links(tree.root, service.unit, &links, err)) return false;
    if (network_link.empty()) {
      if (!remove_unit_links_if_ours(tree, links, err)) return false;
      continue;
    }
    UnitPresence presence;
    std::string path;
    if (!find_vendor_unit(tree.root, service.unit, &presence, &path, err)) return false;
    std::string prefix = "Network=" + std::string(network_link) + ": ";
    if (presence == UnitPresence::kMissing) {
      notices->push_back(prefix + "the container has no " + std::string(service.unit) + ", so " +
                         std::string(service.effect) + "; " + std::string(service.remedy));
    } else if (presence == UnitPresence::kMasked) {
      notices->push_back(prefix + std::string(service.unit) +
                         " is masked in the container and stays off, so " +
                         std::string(service.effect) + "; unmask it in the container to use it");
    } else if (!make_unit_links(tree.root, links, err)) {
      *err = "cannot enable " + std::string(service.unit) + ": " + *err;
      return false;
    }
  }
  return true;
}

}  // namespace sdme::provision
