// redact_url: what a download message may show of a URL. The transfers
// themselves are tested against a loopback server in
// http_client_integration_test.cc.
#include "import/network/http_client.h"

#include <gtest/gtest.h>

namespace sdme::import {
namespace {

TEST(RedactUrl, DropsUserAndPassword) {
  EXPECT_EQ(redact_url("https://user:secret@example.org/a/b.tar.gz"),
            "https://example.org/a/b.tar.gz");
  EXPECT_EQ(redact_url("http://user@example.org:8080/x"), "http://example.org:8080/x");
}

TEST(RedactUrl, DropsQueryAndFragment) {
  EXPECT_EQ(redact_url("https://example.org/blob?X-Amz-Signature=abc&token=t"),
            "https://example.org/blob");
  EXPECT_EQ(redact_url("https://example.org/a.tar#part"), "https://example.org/a.tar");
  EXPECT_EQ(redact_url("https://u:p@example.org?token=t"), "https://example.org");
}

TEST(RedactUrl, AnAtSignAfterTheHostIsNotCredentials) {
  EXPECT_EQ(redact_url("https://example.org/v2/library/a@sha256:00"),
            "https://example.org/v2/library/a@sha256:00");
  // The query ends the authority: "x@y" there is part of the query, not a user.
  EXPECT_EQ(redact_url("https://example.org?x@y"), "https://example.org");
}

TEST(RedactUrl, PasswordWithAnAtSign) {
  EXPECT_EQ(redact_url("https://user:p@ss@example.org/a"), "https://example.org/a");
}

TEST(RedactUrl, KeepsPlainUrlsAndIpv6Hosts) {
  EXPECT_EQ(redact_url("http://127.0.0.1:5000/v2/"), "http://127.0.0.1:5000/v2/");
  EXPECT_EQ(redact_url("http://[::1]:8080/root.tar"), "http://[::1]:8080/root.tar");
  EXPECT_EQ(redact_url("http://u:p@[::1]:8080/root.tar"), "http://[::1]:8080/root.tar");
}

TEST(RedactUrl, TextWithoutAScheme) {
  EXPECT_EQ(redact_url(""), "");
  EXPECT_EQ(redact_url("example.org/a?b"), "example.org/a");
}

}  // namespace
}  // namespace sdme::import
