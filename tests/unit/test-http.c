/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "barged-http.h"

static void
test_content_range (void)
{
  guint64 first, last, length;

  g_assert_true (barged_http_parse_content_range ("bytes 100-199/1000", &first, &last, &length));
  g_assert_cmpuint (first, ==, 100);
  g_assert_cmpuint (last, ==, 199);
  g_assert_cmpuint (length, ==, 1000);

  g_assert_true (barged_http_parse_content_range ("bytes 0-0/*", &first, &last, &length));
  g_assert_cmpuint (length, ==, G_MAXUINT64);

  g_assert_true (barged_http_parse_content_range ("BYTES 5-9/10", &first, &last, &length));
  g_assert_true (barged_http_parse_content_range ("bytes 18446744073709551613-18446744073709551613/18446744073709551614",
                                                  &first, &last, &length));

  /* last < first, length <= last, junk, missing parts, overflow */
  g_assert_false (barged_http_parse_content_range ("bytes 200-100/1000", &first, &last, &length));
  g_assert_false (barged_http_parse_content_range ("bytes 0-999/999", &first, &last, &length));
  g_assert_false (barged_http_parse_content_range ("bytes 0-x/10", &first, &last, &length));
  g_assert_false (barged_http_parse_content_range ("bytes -5/10", &first, &last, &length));
  g_assert_false (barged_http_parse_content_range ("bytes 0-5", &first, &last, &length));
  g_assert_false (barged_http_parse_content_range ("items 0-5/10", &first, &last, &length));
  g_assert_false (barged_http_parse_content_range ("bytes */10", &first, &last, &length));
  g_assert_false (barged_http_parse_content_range ("bytes 0-1/99999999999999999999999", &first, &last, &length));
  /* A length of 2^64 - 1 read as "*", an unknown length (tests/fuzz). */
  g_assert_false (barged_http_parse_content_range ("bytes 0-5/18446744073709551615", &first, &last, &length));
  g_assert_false (barged_http_parse_content_range (NULL, &first, &last, &length));
}

static void
test_unsatisfied_range (void)
{
  guint64 length = 0;

  g_assert_true (barged_http_parse_unsatisfied_range ("bytes */4096", &length));
  g_assert_cmpuint (length, ==, 4096);
  g_assert_false (barged_http_parse_unsatisfied_range ("bytes 0-1/4096", &length));
  g_assert_false (barged_http_parse_unsatisfied_range ("bytes */", &length));
  g_assert_false (barged_http_parse_unsatisfied_range (NULL, &length));
}

static void
test_uint (void)
{
  guint64 n = 0;

  g_assert_true (barged_http_parse_uint ("0", &n));
  g_assert_cmpuint (n, ==, 0);
  g_assert_true (barged_http_parse_uint (" \t18446744073709551615 ", &n));
  g_assert_cmpuint (n, ==, G_MAXUINT64);
  g_assert_false (barged_http_parse_uint ("18446744073709551616", &n));
  g_assert_false (barged_http_parse_uint ("+1", &n));
  g_assert_false (barged_http_parse_uint ("-0", &n));
  g_assert_false (barged_http_parse_uint ("1 2", &n));
  g_assert_false (barged_http_parse_uint ("", &n));
  g_assert_false (barged_http_parse_uint ("  ", &n));
  g_assert_false (barged_http_parse_uint (NULL, &n));
}

static void
test_validators (void)
{
  g_assert_true (barged_http_etag_is_strong ("\"abc\""));
  g_assert_true (barged_http_etag_is_strong ("\"\""));
  g_assert_false (barged_http_etag_is_strong ("W/\"abc\""));
  g_assert_false (barged_http_etag_is_strong ("abc"));
  g_assert_false (barged_http_etag_is_strong ("\""));
  g_assert_false (barged_http_etag_is_strong (NULL));
  {
    /* Not stored past the cap (an HTTP date with trailing blanks parses). */
    g_autofree char *a = g_strnfill (BARGED_HTTP_MAX_VALIDATOR - 1, 'a');
    g_autofree char *blanks = g_strnfill (BARGED_HTTP_MAX_VALIDATOR, ' ');
    g_autofree char *longest = g_strdup_printf ("\"%s\"", a + 1);
    g_autofree char *longer = g_strdup_printf ("\"%s\"", a);
    g_autofree char *padded = g_strdup_printf ("Sat, 21 Nov 2026 10:00:00 GMT%s", blanks);

    g_assert_true (barged_http_etag_is_strong (longest));
    g_assert_false (barged_http_etag_is_strong (longer));
    g_assert_false (barged_http_last_modified_is_strong (padded, "Sat, 21 Nov 2026 10:00:01 GMT"));
  }

  g_assert_true (barged_http_last_modified_is_strong ("Sat, 21 Nov 2026 10:00:00 GMT",
                                                      "Sat, 21 Nov 2026 10:00:01 GMT"));
  /* Modified in the same second as the response: could change again unseen. */
  g_assert_false (barged_http_last_modified_is_strong ("Sat, 21 Nov 2026 10:00:00 GMT",
                                                       "Sat, 21 Nov 2026 10:00:00 GMT"));
  g_assert_false (barged_http_last_modified_is_strong ("Sat, 21 Nov 2026 10:00:00 GMT", NULL));
  g_assert_false (barged_http_last_modified_is_strong ("garbage", "Sat, 21 Nov 2026 10:00:01 GMT"));
}

static void
test_retry_after (void)
{
  gint64 now = 1795000000;    /* 2026-11-18 */

  g_assert_cmpint (barged_http_parse_retry_after ("120", now), ==, 120);
  g_assert_cmpint (barged_http_parse_retry_after (" 7 ", now), ==, 7);
  g_assert_cmpint (barged_http_parse_retry_after ("-1", now), ==, -1);
  g_assert_cmpint (barged_http_parse_retry_after ("soon", now), ==, -1);
  /* What a download or a BITS upload waits: a day at most. */
  g_assert_cmpint (barged_http_retry_after_wait ("99999999", now), ==, 24 * 60 * 60);
  g_assert_cmpint (barged_http_retry_after_wait ("120", now), ==, 120);
  g_assert_cmpint (barged_http_retry_after_wait (NULL, now), ==, -1);
  g_assert_cmpint (barged_http_parse_retry_after (NULL, now), ==, -1);
  g_assert_cmpint (barged_http_parse_retry_after ("99999999999", now), ==, G_MAXINT32);
  /* An HTTP-date 90 s after now, and one in the past (no wait). */
  {
    g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (now + 90);
    g_autofree char *date = g_date_time_format (when, "%a, %d %b %Y %H:%M:%S GMT");
    g_assert_cmpint (barged_http_parse_retry_after (date, now), ==, 90);
    g_assert_cmpint (barged_http_parse_retry_after (date, now + 1000), ==, 0);
  }
}

/* RFC 9530 Repr-Digest and RFC 3230 Digest: SHA-512, then SHA-256; the
 * byte sequence must decode to the algorithm's length. */
static void
test_repr_digest (void)
{
  /* SHA-256 of "" and the first bytes of SHA-512 of "" (base64). */
  const char *sha256_b64 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  const char *sha256_hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  g_autofree char *repr = g_strdup_printf ("unixsum=30637, sha-256=:%s:", sha256_b64);
  g_autofree char *legacy = g_strdup_printf ("MD5=HUXZLQLMuI/KZ5KDcJPcOA==, sha-256=%s", sha256_b64);
  g_autofree char *bare = g_strdup_printf ("sha-256=%s", sha256_b64);
  g_autofree char *params = g_strdup_printf ("sha-256=:%s:;p=1", sha256_b64);
  const char *kind = NULL;
  char *hex = NULL;

  g_assert_true (barged_http_parse_repr_digest (repr, NULL, &kind, &hex));
  g_assert_cmpstr (kind, ==, "sha256");
  g_assert_cmpstr (hex, ==, sha256_hex);
  g_clear_pointer (&hex, g_free);
  g_assert_true (barged_http_parse_repr_digest (NULL, legacy, &kind, &hex));
  g_assert_cmpstr (hex, ==, sha256_hex);
  g_clear_pointer (&hex, g_free);
  g_assert_true (barged_http_parse_repr_digest (params, NULL, &kind, &hex));
  g_assert_cmpstr (hex, ==, sha256_hex);
  g_clear_pointer (&hex, g_free);
  /* Repr-Digest needs the colons of a byte sequence. */
  g_assert_false (barged_http_parse_repr_digest (bare, NULL, &kind, &hex));
  g_assert_false (barged_http_parse_repr_digest ("sha-256=:AAAA:", NULL, &kind, &hex));
  g_assert_false (barged_http_parse_repr_digest ("md5=:HUXZLQLMuI/KZ5KDcJPcOA==:", "CRC32c=x", &kind, &hex));
  g_assert_false (barged_http_parse_repr_digest (NULL, NULL, &kind, &hex));
  g_assert_false (barged_http_parse_repr_digest ("", "", &kind, &hex));
  g_assert_false (barged_http_parse_repr_digest ("sha-256", ",,=", &kind, &hex));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/http/repr-digest", test_repr_digest);
  g_test_add_func ("/http/content-range", test_content_range);
  g_test_add_func ("/http/unsatisfied-range", test_unsatisfied_range);
  g_test_add_func ("/http/uint", test_uint);
  g_test_add_func ("/http/validators", test_validators);
  g_test_add_func ("/http/retry-after", test_retry_after);
  return g_test_run ();
}
