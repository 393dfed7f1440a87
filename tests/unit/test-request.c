/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The rules around each request that need no server: which origin
 * credentials belong to, what a log may show of a URL, what AddFile
 * accepts as a URL and a destination, the names nobody may guess, and
 * what the revocation guard's cancellable follows. */
#include "config.h"

#include <string.h>

#include "barge.h"
#include "barged-file.h"
#include "barged-random.h"
#include "barged-request.h"
#include "barged-tls.h"

static gboolean
same_origin (const char *a, const char *b)
{
  g_autoptr(GUri) uri = g_uri_parse (b, SOUP_HTTP_URI_FLAGS, NULL);

  return barged_request_same_origin (a, uri);
}

static void
test_same_origin (void)
{
  g_assert_true (same_origin ("http://127.0.0.1:8080/a", "http://127.0.0.1:8080/b?x"));
  g_assert_true (same_origin ("http://Example.org/a", "http://example.org:80/b"));
  g_assert_true (same_origin ("https://example.org/a", "https://example.org:443/"));
  /* Another host (even the same machine), port or scheme is another origin:
   * an https file redirected to http never sends its password in clear. */
  g_assert_false (same_origin ("http://127.0.0.1:8080/a", "http://localhost:8080/a"));
  g_assert_false (same_origin ("http://127.0.0.1:8080/a", "http://127.0.0.1:8081/a"));
  g_assert_false (same_origin ("https://example.org/a", "http://example.org/a"));
  g_assert_false (same_origin ("https://example.org/a", "http://example.org:443/a"));
  g_assert_false (same_origin ("not a url", "http://example.org/a"));
  g_assert_false (barged_request_same_origin ("http://example.org/a", NULL));
}

static void
test_url_for_log (void)
{
  struct {
    const char *url;
    const char *logged;
  } cases[] = {
    { "http://example.org/files/a.iso?token=s3cret#frag", "http://example.org/files/a.iso" },
    { "https://example.org:8443/x?sig=abc", "https://example.org:8443/x" },
    { "http://user:pass@example.org/x", "http://example.org/x" },
    { "garbage", "(a URL that does not parse)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *logged = barged_request_url_for_log (cases[i].url);
      g_assert_cmpstr (logged, ==, cases[i].logged);
    }
}

static void
test_validate_file (void)
{
  g_autofree char *long_name = g_strnfill (256, 'n');
  g_autofree char *long_path = g_strconcat ("/tmp/", long_name, NULL);
  g_autofree char *fit_name = g_strnfill (255, 'n');
  g_autofree char *fit_path = g_strconcat ("/tmp/", fit_name, NULL);
  struct {
    const char *url;
    const char *path;
    const char *normal;       /* NULL: refused */
    BargeError code;
  } cases[] = {
    { "http://h/x", "/d/a", "/d/a" },
    { "http://h/x", "/d/./a", "/d/a" },
    { "http://h/x", "//d//a", "/d/a" },
    { "http://h/x", "/d/../a", "/d/../a" },
    { "http://h/x", fit_path, fit_path },
    { "http://h/x", long_path, NULL, BARGE_ERROR_STRING_TOO_LONG },
    { "http://u:p@h/x", "/d/a", NULL, BARGE_ERROR_INVALID_ARGUMENT },
    { "http://u@h/x", "/d/a", NULL, BARGE_ERROR_INVALID_ARGUMENT },
    { "ftp://h/x", "/d/a", NULL, BARGE_ERROR_INVALID_ARGUMENT },
    { "http://h/x", "relative", NULL, BARGE_ERROR_INVALID_ARGUMENT },
    { "http://h/x", "/d/", NULL, BARGE_ERROR_INVALID_ARGUMENT },
    { "http://h/x", "/d/..", NULL, BARGE_ERROR_INVALID_ARGUMENT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *normal = barged_file_validate (cases[i].url, cases[i].path, &error);

      g_test_message ("%s %s", cases[i].url, cases[i].path);
      if (cases[i].normal != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (normal, ==, cases[i].normal);
        }
      else
        {
          g_assert_null (normal);
          g_assert_error (error, BARGE_ERROR, (gint) cases[i].code);
          /* A refused password is not repeated back. */
          g_assert_null (strstr (error->message, "u:p@"));
        }
    }
}

static void
test_random_names (void)
{
  g_autofree char *a = barged_random_uuid ();
  g_autofree char *b = barged_random_uuid ();
  g_autofree char *t1 = barged_file_access_temporary_path_for ("/d/report.pdf");
  g_autofree char *t2 = barged_file_access_temporary_path_for ("/d/report.pdf");
  g_autoptr(GRegex) tmp_re = g_regex_new ("^/d/\\.report\\.pdf\\.[0-9a-f]{16}\\.barge-part$", 0, 0, NULL);

  g_assert_true (g_uuid_string_is_valid (a));
  g_assert_cmpstr (a, !=, b);
  g_assert_cmpint (a[14], ==, '4');
  g_assert_nonnull (strchr ("89ab", a[19]));
  g_assert_true (g_regex_match (tmp_re, t1, 0, NULL));
  g_assert_cmpstr (t1, !=, t2);
}

static void
free_message (GCancellable *cancellable, SoupMessage **msg)
{
  g_clear_object (msg);
}

/* The cancellable a request is sent with under barged_tls_guard(): the
 * caller's own without revocation to check; else one of its own, which
 * the caller's cancels (at once when it was cancelled already), and
 * which a new sending of the message replaces: the one before follows
 * the caller's no more. A message freed while the caller's is cancelled
 * lets go of it (GLib 2.74 would wait for ever inside a disconnect made
 * from the cancellation). */
static void
test_guard_cancellable (void)
{
  g_autoptr(BargedRevocation) revocation = barged_revocation_new ();
  g_autoptr(BargedTls) tls = barged_tls_new (NULL, NULL, 0, NULL, revocation);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", "https://127.0.0.1:1/");
  g_autoptr(SoupMessage) plain = soup_message_new ("GET", "https://127.0.0.1:1/");
  g_autoptr(GCancellable) parent = g_cancellable_new ();
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GCancellable) first = NULL;
  g_autoptr(GCancellable) second = NULL;
  g_autoptr(GCancellable) same = NULL;
  g_autoptr(GCancellable) at_once = NULL;
  g_autoptr(SoupMessage) late = soup_message_new ("GET", "https://127.0.0.1:1/");
  g_autoptr(SoupMessage) freed = soup_message_new ("GET", "https://127.0.0.1:1/");
  g_autoptr(GCancellable) emitting = g_cancellable_new ();
  g_autoptr(GCancellable) guarded = NULL;

  same = barged_tls_guard (NULL, plain, session, parent);
  g_assert_true (same == parent);
  g_clear_object (&same);
  barged_tls_apply (tls, plain);
  g_assert_null (barged_tls_guard (NULL, plain, session, NULL));

  barged_tls_apply (tls, msg);
  first = barged_tls_guard (tls, msg, session, parent);
  g_assert_nonnull (first);
  g_assert_true (first != parent);
  second = barged_tls_guard (tls, msg, session, parent);
  g_assert_true (second != first);
  g_assert_false (barged_tls_stopped (tls, msg));
  g_cancellable_cancel (parent);
  g_assert_true (g_cancellable_is_cancelled (second));
  g_assert_false (g_cancellable_is_cancelled (first));
  g_assert_false (barged_tls_stopped (tls, msg));
  g_clear_object (&msg);

  g_cancellable_cancel (cancelled);
  barged_tls_apply (tls, late);
  at_once = barged_tls_guard (tls, late, session, cancelled);
  g_assert_true (g_cancellable_is_cancelled (at_once));

  /* Freed from a handler of the caller's cancellation. */
  barged_tls_apply (tls, freed);
  guarded = barged_tls_guard (tls, freed, session, emitting);
  g_signal_connect (emitting, "cancelled", G_CALLBACK (free_message), &freed);
  g_cancellable_cancel (emitting);
  g_assert_null (freed);
  g_assert_true (g_cancellable_is_cancelled (guarded));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/request/same-origin", test_same_origin);
  g_test_add_func ("/request/url-for-log", test_url_for_log);
  g_test_add_func ("/request/validate-file", test_validate_file);
  g_test_add_func ("/request/random-names", test_random_names);
  g_test_add_func ("/request/guard-cancellable", test_guard_cancellable);
  return g_test_run ();
}
