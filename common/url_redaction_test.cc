// redact_url: what the generated unit and every message may show of a URL.
#include "common/url_redaction.h"

#include <gtest/gtest.h>

namespace sdme {
namespace {

TEST(RedactUrl, MasksUserAndPassword) {
  EXPECT_EQ(redact_url("https://user:secret@example.org/a/b.tar.gz"),
            "https://***@example.org/a/b.tar.gz");
  EXPECT_EQ(redact_url("http://user@example.org:8080/x"), "http://***@example.org:8080/x");
  EXPECT_EQ(redact_url("https://user:secret@example.org"), "https://***@example.org");
}

// RFC 3986 would end the authority at these characters; people do not
// encode them in passwords, so the mask runs to the last '@'.
TEST(RedactUrl, PasswordsWithCharactersThatEndTheAuthority) {
  EXPECT_EQ(redact_url("https://alice:pa#ss@example.org/img.tar"),
            "https://***@example.org/img.tar");
  EXPECT_EQ(redact_url("https://alice:pa/ss@example.org/img.tar"),
            "https://***@example.org/img.tar");
  EXPECT_EQ(redact_url("https://alice:pa?ss@example.org/img.tar"),
            "https://***@example.org/img.tar");
  EXPECT_EQ(redact_url("https://alice:p@ss@example.org/a"), "https://***@example.org/a");
  EXPECT_EQ(redact_url("https://alice:12/34@example.org/a"), "https://***@example.org/a");
  EXPECT_EQ(redact_url("HTTPS://alice:s3cret@example.org/a"), "HTTPS://***@example.org/a");
}

TEST(RedactUrl, MasksQueryAndFragment) {
  EXPECT_EQ(redact_url("https://example.org/blob?X-Amz-Signature=abc&token=t"),
            "https://example.org/blob?***");
  EXPECT_EQ(redact_url("https://example.org/a.tar#part"), "https://example.org/a.tar#***");
  EXPECT_EQ(redact_url("https://u:p@example.org?token=t"), "https://***@example.org?***");
}

TEST(RedactUrl, AnAtSignAfterTheHostIsNotCredentials) {
  EXPECT_EQ(redact_url("https://example.org/v2/library/a@sha256:00"),
            "https://example.org/v2/library/a@sha256:00");
  EXPECT_EQ(redact_url("https://example.org?x@y"), "https://example.org?***");
}

// With a port, an '@' in the path cannot be told from a password with a
// '/' in it; the mask errs on the side of the password.
TEST(RedactUrl, APortAndAnAtSignInThePathMaskTooMuch) {
  EXPECT_EQ(redact_url("https://example.org:8443/pkg@1.2.tar"), "https://***@1.2.tar");
}

TEST(RedactUrl, KeepsPlainUrlsAndIpv6Hosts) {
  EXPECT_EQ(redact_url("http://127.0.0.1:5000/v2/"), "http://127.0.0.1:5000/v2/");
  EXPECT_EQ(redact_url("http://[::1]:8080/root.tar"), "http://[::1]:8080/root.tar");
  EXPECT_EQ(redact_url("http://u:p@[::1]:8080/root.tar"), "http://***@[::1]:8080/root.tar");
}

TEST(RedactUrl, TextBeforeTheSeparatorThatIsNoScheme) {
  EXPECT_EQ(redact_url("alice:s3cret@example.org/a://b"), "***@example.org/a://b");
  EXPECT_EQ(redact_url("://x"), "://x");
}

TEST(RedactUrl, TextWithoutASchemeIsKept) {
  EXPECT_EQ(redact_url(""), "");
  EXPECT_EQ(redact_url("/srv/images/a?b.tar"), "/srv/images/a?b.tar");
  EXPECT_EQ(redact_url("docker.io/library/debian:12"), "docker.io/library/debian:12");
}

TEST(UrlWithoutUserinfo, LeavesTheCredentialsOutAndMasksTheQuery) {
  EXPECT_EQ(url_without_userinfo("https://alice:pw@example.org/x.tar?token=1"),
            "https://example.org/x.tar?***");
  EXPECT_EQ(url_without_userinfo("https://alice:secret@example.org"), "https://example.org");
  EXPECT_EQ(url_without_userinfo("https://example.org/x.tar"), "https://example.org/x.tar");
  EXPECT_EQ(url_without_userinfo("/srv/images/web"), "/srv/images/web");
}

}  // namespace
}  // namespace sdme
