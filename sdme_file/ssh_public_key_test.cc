// Tests for the SSHAuthorizedKeys= key line check.
#include "sdme_file/ssh_public_key.h"

#include <gtest/gtest.h>

#include <string>

namespace sdme::file {
namespace {

constexpr std::string_view kEd25519 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDP/8S+9ek0UwyakOWFCUwsLO2tKYTuSKjgD+MnGYf6v";
constexpr std::string_view kEcdsa =
    "ecdsa-sha2-nistp256 "
    "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBLK3B/0+sMehL53d/"
    "PYuTnGCFzKy1nylPol6XKAHV7IOT8b9FqkbDcShD9kr23KF9C/ARrDocm+2W64OKqZ1TrY=";
constexpr std::string_view kRsa =
    "ssh-rsa "
    "AAAAB3NzaC1yc2EAAAADAQABAAAAgQClMgnR9ACRWvCq1VI1fknTKRhe1pFW2RA5en9tTV//SkE66Ope12261BBTNIX+s/"
    "js2HMpgv+2S81e6oMh2RuQyVFo//Zsxp7d3xwLjofC8vhQ/"
    "rJC7RrKAEZVCK2KEL472Y4duXo7YkFfD89Elu1jdrOuv0cWlOY9SonJGekiuw==";

bool valid(std::string_view line) {
  std::string err;
  return validate_ssh_public_key_line(line, &err);
}

std::string error_of(std::string_view line) {
  std::string err;
  EXPECT_FALSE(validate_ssh_public_key_line(line, &err)) << line;
  return err;
}

TEST(SshPublicKeyTest, AcceptsKeyLines) {
  EXPECT_TRUE(valid(kEd25519));
  EXPECT_TRUE(valid(std::string(kEd25519) + " admin@example"));
  EXPECT_TRUE(valid(std::string(kEd25519) + " a comment with blanks"));
  EXPECT_TRUE(valid(kEcdsa));
  EXPECT_TRUE(valid(kRsa));
}

TEST(SshPublicKeyTest, AcceptsOptionsBeforeTheKey) {
  EXPECT_TRUE(valid("no-pty,from=\"10.0.0.0/8\" " + std::string(kEd25519)));
  // A quoted option may hold blanks, and even a key type.
  EXPECT_TRUE(valid("command=\"echo ssh-rsa hi\",no-pty " + std::string(kEd25519) + " me"));
}

TEST(SshPublicKeyTest, KnowsTheTypesSshdAccepts) {
  for (std::string_view type :
       {"ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
        "ssh-dss"})
    EXPECT_TRUE(is_ssh_key_type(type)) << type;
  EXPECT_FALSE(is_ssh_key_type("ssh-ed448"));
}

TEST(SshPublicKeyTest, RefusesWhatIsNotAKeyLine) {
  const std::string no_type =
      "is not an OpenSSH public key line: no key type (ssh-ed25519, ssh-rsa, "
      "ecdsa-sha2-nistp256, ...) found";
  const std::string bad_base64 =
      "is not an OpenSSH public key line: the base64 after the key type is missing, cut short "
      "or of another type";
  EXPECT_EQ(error_of("SHA256:2b0d2bd1N4nC0nmHkzbPvCsTRkuIv4YfXQBQ8B8Ab9c"), no_type);
  EXPECT_EQ(error_of("AAAAC3NzaC1lZDI1NTE5AAAAIDP/8S+9ek0UwyakOWFCUwsLO2tKYTuSKjgD+MnGYf6v"),
            no_type);
  EXPECT_EQ(error_of("ssh-ed25519"), bad_base64);
  EXPECT_EQ(error_of("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDP/8S+9ek0UwyakOWFCUwsLO2tKYTuSKjgD"),
            bad_base64);
  EXPECT_EQ(error_of("ssh-ed25519 not*base64"), bad_base64);
  // An ed25519 blob announced as RSA.
  EXPECT_EQ(
      error_of("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIDP/8S+9ek0UwyakOWFCUwsLO2tKYTuSKjgD+MnGYf6v"),
      bad_base64);
  EXPECT_EQ(error_of("-----BEGIN OPENSSH PRIVATE KEY-----"),
            "looks like a private key; give the public key (the .pub file's line)");
  EXPECT_EQ(error_of(std::string(kEd25519) + "\x01"), "contains a control character");
}

}  // namespace
}  // namespace sdme::file
