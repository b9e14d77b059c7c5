// Tests for giving each container a machine ID of its own.
#include "helpers/provision/machine_id.h"

#include <gtest/gtest.h>

#include "helpers/provision/test_tree.h"

namespace sdme::provision {
namespace {

using ::sdme::test_support::entry_kind;
using ::sdme::test_support::permission_bits;
using ::sdme::test_support::read_test_file;

constexpr char kLowerId[] = "0123456789abcdef0123456789abcdef\n";

class MachineIdTest : public ProvisionTreeTest {
 protected:
  void set_up() {
    std::string err;
    EXPECT_TRUE(set_up_machine_id(tree_, &err)) << err;
  }
};

TEST_F(MachineIdTest, ValidIds) {
  EXPECT_TRUE(is_valid_machine_id("0123456789abcdef0123456789abcdef\n"));
  EXPECT_TRUE(is_valid_machine_id("0123456789ABCDEF0123456789abcdef"));
  EXPECT_FALSE(is_valid_machine_id("00000000000000000000000000000000\n"));
  EXPECT_FALSE(is_valid_machine_id("uninitialized\n"));
  EXPECT_FALSE(is_valid_machine_id(""));
  EXPECT_FALSE(is_valid_machine_id("0123456789abcdef0123456789abcde\n"));
  EXPECT_FALSE(is_valid_machine_id("0123456789abcdef0123456789abcdeg\n"));
  EXPECT_FALSE(is_valid_machine_id("0123456789abcdef0123456789abcdef\n\n"));
}

TEST_F(MachineIdTest, IdOfTheLowerLayerIsReplacedByANewOne) {
  lower_file("/etc/machine-id", kLowerId);
  set_up();
  std::string id = read_test_file(merged("/etc/machine-id"));
  EXPECT_TRUE(is_valid_machine_id(id)) << id;
  EXPECT_NE(id, kLowerId);
  EXPECT_EQ(id.size(), 33u);
  EXPECT_EQ(id.find_first_of("ABCDEF"), std::string::npos) << id;
  EXPECT_EQ(permission_bits(merged("/etc/machine-id")), 0444u);
}

TEST_F(MachineIdTest, TwoContainersFromOneLowerGetDifferentIds) {
  lower_file("/etc/machine-id", kLowerId);
  set_up();
  std::string first = read_test_file(merged("/etc/machine-id"));
  lower_file("/etc/machine-id", kLowerId);
  set_up();
  EXPECT_NE(read_test_file(merged("/etc/machine-id")), first);
}

TEST_F(MachineIdTest, IdOfTheUpperLayerIsKept) {
  own_file("/etc/machine-id", kLowerId);
  age(merged("/etc/machine-id"));
  struct timespec before = mtime(merged("/etc/machine-id"));
  set_up();
  EXPECT_EQ(read_test_file(merged("/etc/machine-id")), kLowerId);
  EXPECT_TRUE(same_time(mtime(merged("/etc/machine-id")), before));
}

TEST_F(MachineIdTest, UninitializedEmptyOrMissingIsLeftToSystemd) {
  set_up();
  EXPECT_EQ(entry_kind(merged("/etc/machine-id")), "missing");
  EXPECT_EQ(entry_kind(merged("/etc")), "missing");
  for (const char* content : {"", "uninitialized\n"}) {
    lower_file("/etc/machine-id", content);
    set_up();
    EXPECT_EQ(read_test_file(merged("/etc/machine-id")), content);
  }
}

TEST_F(MachineIdTest, SymlinkIsLeftAlone) {
  std::filesystem::create_directories(merged("/etc"));
  std::filesystem::create_symlink("/run/machine-id", merged("/etc/machine-id"));
  set_up();
  EXPECT_EQ(entry_kind(merged("/etc/machine-id")), "symlink");
}

}  // namespace
}  // namespace sdme::provision
