/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the upload protocols read from a server's answers
 * (barged-upload-headers.c), and the URLs an upload may send to. Each case
 * of a refusal is one tests/fuzz found. */
#include "config.h"

#include "barge.h"
#include "barged-http.h"
#include "barged-upload-headers.h"
#include "barged-upload-private.h"

static void
test_bits_error (void)
{
  g_assert_cmphex (barged_upload_parse_bits_error ("0x8020001F"), ==, 0x8020001F);
  g_assert_cmphex (barged_upload_parse_bits_error ("0X8020001f"), ==, 0x8020001F);
  g_assert_cmphex (barged_upload_parse_bits_error ("80070057"), ==, 0x80070057);
  g_assert_cmphex (barged_upload_parse_bits_error ("0x7"), ==, 7);
  g_assert_cmphex (barged_upload_parse_bits_error (NULL), ==, 0);
  g_assert_cmphex (barged_upload_parse_bits_error (""), ==, 0);
  g_assert_cmphex (barged_upload_parse_bits_error ("0x"), ==, 0);
  /* Junk after the digits was read as the digits before it. */
  g_assert_cmphex (barged_upload_parse_bits_error ("0x7zz"), ==, 0);
  g_assert_cmphex (barged_upload_parse_bits_error ("\v1"), ==, 0);
  g_assert_cmphex (barged_upload_parse_bits_error ("-1"), ==, 0);
  /* More than 32 bits was cut to its low ones: a code the server never
   * sent, BG_E_SESSION_NOT_FOUND here, which starts a new session. */
  g_assert_cmphex (barged_upload_parse_bits_error ("18020001F"), ==, 0);
  g_assert_cmphex (barged_upload_parse_bits_error ("0x0000000008020001F"), ==, 0x8020001F);
}

static void
test_offset (void)
{
  guint64 offset = 0;

  g_assert_true (barged_upload_parse_offset ("213", 1000, &offset));
  g_assert_cmpuint (offset, ==, 213);
  g_assert_true (barged_upload_parse_offset ("1000", 1000, &offset));
  g_assert_true (barged_upload_parse_offset (" 0\t", 1000, &offset));
  g_assert_cmpuint (offset, ==, 0);
  g_assert_false (barged_upload_parse_offset ("1001", 1000, &offset));
  g_assert_false (barged_upload_parse_offset ("", 1000, &offset));
  g_assert_false (barged_upload_parse_offset (NULL, 1000, &offset));
  g_assert_false (barged_upload_parse_offset ("12abc", 1000, &offset));
  /* Signs: "+46" was 46, and a negative number wrapped round to a small
   * one (-(2^64 - 1) is 1). */
  g_assert_false (barged_upload_parse_offset ("+46", 1000, &offset));
  g_assert_false (barged_upload_parse_offset ("-18446744073709551615", 1000, &offset));
  g_assert_false (barged_upload_parse_offset ("-0", 1000, &offset));
  g_assert_false (barged_upload_parse_offset ("99999999999999999999999", G_MAXUINT64, &offset));
}

static void
test_host_id (void)
{
  g_autofree char *moved = NULL;
  g_autofree char *v6 = NULL;

  g_assert_true (barged_upload_bits_host_id_is_valid ("localhost"));
  g_assert_true (barged_upload_bits_host_id_is_valid ("farm-01.example.com"));
  g_assert_true (barged_upload_bits_host_id_is_valid ("WEB_02"));
  g_assert_true (barged_upload_bits_host_id_is_valid ("127.0.0.9"));
  g_assert_true (barged_upload_bits_host_id_is_valid ("::1"));
  g_assert_false (barged_upload_bits_host_id_is_valid (NULL));
  g_assert_false (barged_upload_bits_host_id_is_valid (""));
  g_assert_false (barged_upload_bits_host_id_is_valid ("a/b"));
  /* Bytes that are no UTF-8 made a packet URL that does not parse, and
   * every packet of the session failed. */
  g_assert_false (barged_upload_bits_host_id_is_valid ("local\x98\x90"));
  g_assert_false (barged_upload_bits_host_id_is_valid ("host:80"));
  g_assert_false (barged_upload_bits_host_id_is_valid ("user@host"));
  g_assert_false (barged_upload_bits_host_id_is_valid ("h\xc3\xa9te"));
  /* A zone after the address: any bytes there passed (a long run of
   * tests/fuzz bits-headers). */
  g_assert_false (barged_upload_bits_host_id_is_valid ("::1%\xff"));
  g_assert_false (barged_upload_bits_host_id_is_valid ("fe80::1%eth0"));

  moved = barged_upload_packet_url ("http://127.0.0.1:8080/up/f?x=1", "farm-01");
  g_assert_cmpstr (moved, ==, "http://farm-01:8080/up/f?x=1");
  v6 = barged_upload_packet_url ("https://h/up", "::1");
  g_assert_cmpstr (v6, ==, "https://[::1]/up");
}

static void
test_fallback_timeout (void)
{
  g_assert_cmpuint (barged_upload_parse_fallback_timeout ("86400"), ==, 86400);
  g_assert_cmpuint (barged_upload_parse_fallback_timeout (NULL), ==, 0);
  g_assert_cmpuint (barged_upload_parse_fallback_timeout ("soon"), ==, 0);
  /* "-1" was G_MAXUINT64, which barged_upload_bits_run() compares as a
   * gint64: -1 s, so every run fell back to the original host at once. */
  g_assert_cmpuint (barged_upload_parse_fallback_timeout ("-1"), ==, 0);
  g_assert_cmpuint (barged_upload_parse_fallback_timeout ("99999999999"), ==, G_MAXUINT32);
}

static void
test_expires (void)
{
  gint64 when = 42;

  g_assert_true (barged_upload_parse_expires ("Sun, 06 Nov 1994 08:49:37 GMT", &when));
  g_assert_cmpint (when, ==, 784111777);
  g_assert_false (barged_upload_parse_expires ("tomorrow", &when));
  g_assert_false (barged_upload_parse_expires (NULL, &when));
  g_assert_cmpint (when, ==, 784111777);
}

/* A Location or BITS-Reply-URL that is no http(s) URL with a host was
 * kept, and the next request to it crashed barged: libsoup's
 * soup_message_new_from_uri() returned NULL (with a critical), and
 * barged_upload_fail() took the NULL error that came with it. */
static void
test_urls (void)
{
  static const char *const refused[] = {
    "file:///etc/passwd", "data:,x", "http:///x", "https:%CF/uploads.example.org/files/abc",
    "https:/.//.Pu", "ftp://h/x", "mailto:a@b",
  };
  g_autofree char *relative = barged_upload_resolve_url ("http://h:1/files/", "abc?x=1");
  g_autofree char *absolute = barged_upload_resolve_url ("http://h:1/files/", "https://other/r");

  g_assert_cmpstr (relative, ==, "http://h:1/files/abc?x=1");
  g_assert_cmpstr (absolute, ==, "https://other/r");
  g_assert_null (barged_upload_resolve_url ("http://h:1/files/", NULL));
  /* From https, never to http: the file's bytes (a tus PATCH) or the
   * reply would go in the clear. */
  g_assert_null (barged_upload_resolve_url ("https://h/files/", "http://h/files/abc"));
  {
    g_autofree char *secure = barged_upload_resolve_url ("https://h/files/", "https://other/abc");

    g_assert_cmpstr (secure, ==, "https://other/abc");
  }
  {
    /* A server's URL is kept only as long as a client's may be. */
    g_autofree char *pad = g_strnfill (BARGED_HTTP_MAX_URL, 'a');
    g_autofree char *fits = barged_upload_resolve_url ("http://h:1/files/", pad + strlen ("http://h:1/files/"));
    g_autofree char *over = barged_upload_resolve_url ("http://h:1/files/", pad);

    g_assert_nonnull (fits);
    g_assert_cmpuint (strlen (fits), ==, BARGED_HTTP_MAX_URL);
    g_assert_null (over);
  }
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SoupMessage) msg = NULL;
      g_autofree char *resolved = barged_upload_resolve_url ("http://h:1/files/", refused[i]);

      g_test_message ("%s", refused[i]);
      g_assert_null (resolved);
      /* And a URL kept from before (the job database) fails its run with
       * an error, not a crash. */
      msg = barged_upload_message_new ("PATCH", refused[i], refused[i], NULL, NULL, &error);
      g_assert_null (msg);
      g_assert_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/upload-headers/bits-error", test_bits_error);
  g_test_add_func ("/upload-headers/offset", test_offset);
  g_test_add_func ("/upload-headers/host-id", test_host_id);
  g_test_add_func ("/upload-headers/fallback-timeout", test_fallback_timeout);
  g_test_add_func ("/upload-headers/expires", test_expires);
  g_test_add_func ("/upload-headers/urls", test_urls);
  return g_test_run ();
}
