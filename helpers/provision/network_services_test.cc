// Tests for --network-link: systemd-networkd and systemd-resolved enabled
// as `systemctl enable` would, notices for what a tree lacks, and taking
// back what an earlier run enabled.
#include "helpers/provision/network_services.h"

#include <gtest/gtest.h>

#include "helpers/provision/host_networkd.h"
#include "helpers/provision/markers.h"
#include "helpers/provision/test_tree.h"
#include "helpers/provision/unit_enablement.h"

namespace sdme::provision {
namespace {

using ::sdme::test_support::entry_kind;
using ::sdme::test_support::link_target;
using ::sdme::test_support::read_test_file;

// Debian 12's units, [Install] as shipped (comments and repeated Also=
// included).
constexpr char kNetworkd[] = "/lib/systemd/system/systemd-networkd.service";
constexpr char kNetworkdUnit[] =
    "[Service]\nExecStart=!!/lib/systemd/systemd-networkd\n\n"
    "[Install]\n"
    "WantedBy=multi-user.target\n"
    "Also=systemd-networkd.socket\n"
    "Alias=dbus-org.freedesktop.network1.service\n"
    "\n"
    "# The output from this generator is used by udevd and networkd.\n"
    "Also=systemd-network-generator.service\n"
    "Also=systemd-networkd-wait-online.service\n";
constexpr char kResolved[] = "/lib/systemd/system/systemd-resolved.service";
constexpr char kWants[] = "/etc/systemd/system/multi-user.target.wants/";

class NetworkServicesTest : public ProvisionTreeTest {
 protected:
  void install_networkd() {
    lower_file(kNetworkd, kNetworkdUnit);
    lower_file("/lib/systemd/system/systemd-networkd.socket",
               "[Socket]\nReceiveBuffer=128M\n\n[Install]\nWantedBy=sockets.target\n");
    lower_file("/lib/systemd/system/systemd-networkd-wait-online.service",
               "[Install]\nWantedBy=network-online.target\n");
    // systemd-network-generator.service is not installed: Also= skips it.
  }
  void install_resolved() {
    lower_file(kResolved,
               "[Install]\nWantedBy=multi-user.target\n"
               "Alias=dbus-org.freedesktop.resolve1.service\n");
  }
  std::vector<std::string> set_up(std::string_view link) {
    std::vector<std::string> notices;
    std::string err;
    EXPECT_TRUE(set_up_network_services(tree_, link, &notices, &err)) << err;
    return notices;
  }
};

TEST_F(NetworkServicesTest, EnablesLikeSystemctl) {
  install_networkd();
  install_resolved();
  EXPECT_TRUE(set_up("zone:lab").empty());
  EXPECT_EQ(link_target(merged(std::string(kWants) + "systemd-networkd.service")), kNetworkd);
  EXPECT_EQ(link_target(merged("/etc/systemd/system/sockets.target.wants/systemd-networkd.socket")),
            "/lib/systemd/system/systemd-networkd.socket");
  EXPECT_EQ(link_target(merged("/etc/systemd/system/network-online.target.wants/"
                               "systemd-networkd-wait-online.service")),
            "/lib/systemd/system/systemd-networkd-wait-online.service");
  EXPECT_EQ(link_target(merged("/etc/systemd/system/dbus-org.freedesktop.network1.service")),
            kNetworkd);
  EXPECT_EQ(link_target(merged(std::string(kWants) + "systemd-resolved.service")), kResolved);
  EXPECT_EQ(link_target(merged("/etc/systemd/system/dbus-org.freedesktop.resolve1.service")),
            kResolved);
  EXPECT_EQ(entry_kind(merged("/etc/systemd/system/multi-user.target.wants/"
                              "systemd-network-generator.service")),
            "missing");
}

TEST_F(NetworkServicesTest, SecondRunChangesNothing) {
  install_networkd();
  install_resolved();
  set_up("veth");
  std::string link = merged(std::string(kWants) + "systemd-networkd.service");
  age(link);
  struct timespec before = mtime(link);
  set_up("veth");
  EXPECT_TRUE(same_time(mtime(link), before));
}

TEST_F(NetworkServicesTest, KeepsWhatStandsThere) {
  install_networkd();
  install_resolved();
  // The administrator pointed the wants link elsewhere; it stays.
  own_file(std::string(kWants) + "systemd-networkd.service", "");
  set_up("veth");
  EXPECT_EQ(entry_kind(merged(std::string(kWants) + "systemd-networkd.service")), "file");
}

TEST_F(NetworkServicesTest, NoticesWhatTheTreeLacks) {
  install_networkd();
  std::vector<std::string> notices = set_up("veth");
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0],
            "Network=veth: the container has no systemd-resolved.service, so /etc/resolv.conf "
            "links to a stub no one serves and host names do not resolve; install "
            "systemd-resolved in the root file system");
}

TEST_F(NetworkServicesTest, NoticesAMask) {
  install_resolved();
  install_networkd();
  std::filesystem::create_directories(merged("/etc/systemd/system"));
  std::filesystem::create_symlink("/dev/null",
                                  merged("/etc/systemd/system/systemd-networkd.service"));
  std::vector<std::string> notices = set_up("bridge:br0");
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0],
            "Network=bridge:br0: systemd-networkd.service is masked in the container and stays "
            "off, so its link host0 gets no address; unmask it in the container to use it");
  EXPECT_EQ(entry_kind(merged(std::string(kWants) + "systemd-networkd.service")), "missing");
}

// What an overlay would show: the files this run wrote through merged/
// are in the upper layer too.
void copy_to_upper(const std::string& merged_path, const std::string& upper_path) {
  std::filesystem::create_directories(std::filesystem::path(upper_path).parent_path());
  std::filesystem::copy(merged_path, upper_path, std::filesystem::copy_options::copy_symlinks);
}

TEST_F(NetworkServicesTest, RecordsWhatItMade) {
  install_networkd();
  install_resolved();
  // The image enabled resolved itself: not made, not recorded.
  std::filesystem::create_directories(merged(kWants));
  std::filesystem::create_symlink(kResolved,
                                  merged(std::string(kWants) + "systemd-resolved.service"));
  set_up("veth");
  EXPECT_EQ(read_test_file(merged(std::string(kNetworkUnitsRecord))),
            std::string(kNetworkUnitsMarker) + "\n" +
                "/etc/systemd/system/multi-user.target.wants/systemd-networkd.service "
                "/lib/systemd/system/systemd-networkd.service\n"
                "/etc/systemd/system/dbus-org.freedesktop.network1.service "
                "/lib/systemd/system/systemd-networkd.service\n"
                "/etc/systemd/system/sockets.target.wants/systemd-networkd.socket "
                "/lib/systemd/system/systemd-networkd.socket\n"
                "/etc/systemd/system/network-online.target.wants/"
                "systemd-networkd-wait-online.service "
                "/lib/systemd/system/systemd-networkd-wait-online.service\n"
                "/etc/systemd/system/dbus-org.freedesktop.resolve1.service "
                "/lib/systemd/system/systemd-resolved.service\n");
}

TEST_F(NetworkServicesTest, ADisableInsideTheContainerSticks) {
  install_networkd();
  install_resolved();
  set_up("zone:lab");
  std::string record = std::string(kNetworkUnitsRecord);
  copy_to_upper(merged(record), upper(record));
  // systemctl disable systemd-networkd-wait-online inside the container.
  std::string wait_online =
      "/etc/systemd/system/network-online.target.wants/systemd-networkd-wait-online.service";
  std::filesystem::remove(merged(wait_online));
  EXPECT_TRUE(set_up("zone:lab").empty());
  EXPECT_EQ(entry_kind(merged(wait_online)), "missing");
}

TEST_F(NetworkServicesTest, TakesBackOnlyWhatItRecorded) {
  install_networkd();
  install_resolved();
  set_up("veth");
  std::string record = std::string(kNetworkUnitsRecord);
  std::string networkd_link = std::string(kWants) + "systemd-networkd.service";
  std::string resolved_link = std::string(kWants) + "systemd-resolved.service";
  copy_to_upper(merged(record), upper(record));
  copy_to_upper(merged(networkd_link), upper(networkd_link));
  // resolved's link, though recorded, is in merged/ only, as if the lower
  // layer brought it (an image made from this container): it stays.
  EXPECT_TRUE(set_up("").empty());
  EXPECT_EQ(entry_kind(merged(networkd_link)), "missing");
  EXPECT_EQ(entry_kind(merged(record)), "missing");
  EXPECT_EQ(link_target(merged(resolved_link)), kResolved);
}

TEST_F(NetworkServicesTest, TakesBackRecordedLinksDespiteAMask) {
  install_networkd();
  install_resolved();
  set_up("veth");
  std::string record = std::string(kNetworkUnitsRecord);
  std::string resolved_link = std::string(kWants) + "systemd-resolved.service";
  copy_to_upper(merged(record), upper(record));
  copy_to_upper(merged(resolved_link), upper(resolved_link));
  // sdme-dns masks resolved for the host network before sdme-provision runs.
  std::filesystem::create_symlink("/dev/null",
                                  merged("/etc/systemd/system/" + std::string(kResolvedUnit)));
  EXPECT_TRUE(set_up("").empty());
  EXPECT_EQ(entry_kind(merged(resolved_link)), "missing");
}

TEST_F(NetworkServicesTest, WithoutALinkOrARecordNothingIsRead) {
  // A unit file the parser would refuse: never read without a record.
  lower_file(kNetworkd, "[Install]\nWantedBy=\"unterminated\n");
  std::vector<std::string> notices;
  std::string err;
  EXPECT_TRUE(set_up_network_services(tree_, "", &notices, &err)) << err;
  EXPECT_TRUE(notices.empty());
}

TEST_F(NetworkServicesTest, AForeignRecordLineIsANotice) {
  std::string record = std::string(kNetworkUnitsRecord);
  own_file(record, std::string(kNetworkUnitsMarker) + "\n/etc/passwd /dev/null\n");
  std::vector<std::string> notices = set_up("");
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0],
            "/etc/systemd/system/.sdme-network-units:2: not a link sdme-provision recorded; "
            "left alone");
  EXPECT_EQ(read_test_file(merged("/etc/passwd")), "");
}

TEST_F(NetworkServicesTest, AlsoLoopsEnd) {
  lower_file("/usr/lib/systemd/system/a.service", "[Install]\nWantedBy=x.target\nAlso=b.service\n");
  lower_file("/usr/lib/systemd/system/b.service", "[Install]\nAlso=a.service\n");
  std::vector<UnitLink> links;
  std::string err;
  ASSERT_TRUE(unit_enablement_links(tree_.root, "a.service", &links, &err)) << err;
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].path, "/etc/systemd/system/x.target.wants/a.service");
  EXPECT_EQ(links[0].target, "/usr/lib/systemd/system/a.service");
}

TEST_F(NetworkServicesTest, IgnoresNamesThatAreNotUnits) {
  lower_file("/usr/lib/systemd/system/a.service",
             "[Install]\nWantedBy=../../x.target\nAlias=a.service\nAlias=getty@.service\n");
  std::vector<UnitLink> links;
  std::string err;
  ASSERT_TRUE(unit_enablement_links(tree_.root, "a.service", &links, &err)) << err;
  EXPECT_TRUE(links.empty());
}

TEST(HostNetworkdTest, NoticeNamesTheHostEnd) {
  EXPECT_EQ(host_networkd_notice("web", "veth", HostNetworkd::kNotRunning),
            "Network=veth: systemd-networkd is not running on the host, so the host's end of the "
            "link (ve-web) gets no address and the container none by DHCP; run systemctl enable "
            "--now systemd-networkd on the host, or configure ve-web yourself");
  EXPECT_NE(host_networkd_notice("web", "zone:lab", HostNetworkd::kNotRunning).find("(vz-lab)"),
            std::string::npos);
  EXPECT_NE(host_networkd_notice("a-very-long-name", "veth", HostNetworkd::kNotRunning)
                .find("(its ve- link)"),
            std::string::npos);
  EXPECT_EQ(host_networkd_notice("web", "veth", HostNetworkd::kRunning), "");
  EXPECT_EQ(host_networkd_notice("web", "veth", HostNetworkd::kUnknown), "");
  EXPECT_FALSE(host_configures_link("bridge:br0"));
  EXPECT_TRUE(host_configures_link("zone:lab"));
  EXPECT_TRUE(host_configures_link("veth"));
  EXPECT_FALSE(host_configures_link(""));
}

}  // namespace
}  // namespace sdme::provision
