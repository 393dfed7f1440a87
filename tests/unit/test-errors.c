/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <libsoup/soup.h>

#include "barged-errors.h"

static void
test_every_code_named_and_described (void)
{
  for (guint code = 0; code < BARGE_ERROR_N_CODES; code++)
    {
      const char *name = barge_error_to_dbus_name (code);
      BargeError back;

      g_assert_nonnull (name);
      g_assert_true (g_str_has_prefix (name, BARGE_DBUS_ERROR_PREFIX));
      g_assert_true (barge_error_from_dbus_name (name, &back));
      g_assert_cmpint (back, ==, code);
      g_assert_nonnull (barged_error_get_description (name));
    }
  g_assert_null (barge_error_to_dbus_name (BARGE_ERROR_N_CODES));
  g_assert_null (barged_error_get_description ("org.freedesktop.Barge1.Error.NoSuchThing"));
}

static void
test_dbus_roundtrip (void)
{
  g_autoptr(GError) remote = NULL;

  /* The domain is registered on first use of BARGE_ERROR; from then on a
   * remote error comes back as the same code. */
  g_assert_cmpuint (BARGE_ERROR, !=, 0);
  remote = g_dbus_error_new_for_dbus_error ("org.freedesktop.Barge1.Error.Empty", "no files");
  g_assert_error (remote, BARGE_ERROR, BARGE_ERROR_EMPTY);
}

static void
test_http_mapping (void)
{
  const struct { guint status; BargeError code; BargeErrorContext context; gboolean transient; } cases[] = {
    { 404, BARGE_ERROR_REMOTE_NOT_FOUND, BARGE_ERROR_CONTEXT_REMOTE_FILE, FALSE },
    { 410, BARGE_ERROR_REMOTE_NOT_FOUND, BARGE_ERROR_CONTEXT_REMOTE_FILE, FALSE },
    { 401, BARGE_ERROR_REMOTE_ACCESS_DENIED, BARGE_ERROR_CONTEXT_REMOTE_FILE, FALSE },
    { 403, BARGE_ERROR_REMOTE_ACCESS_DENIED, BARGE_ERROR_CONTEXT_REMOTE_FILE, FALSE },
    { 407, BARGE_ERROR_PROXY_AUTH_REQUIRED, BARGE_ERROR_CONTEXT_REMOTE_FILE, FALSE },
    { 408, BARGE_ERROR_TIMED_OUT, BARGE_ERROR_CONTEXT_GENERAL_TRANSPORT, TRUE },
    { 429, BARGE_ERROR_TOO_MANY_REQUESTS, BARGE_ERROR_CONTEXT_REMOTE_FILE, TRUE },
    { 400, BARGE_ERROR_HTTP_CLIENT_ERROR, BARGE_ERROR_CONTEXT_REMOTE_FILE, FALSE },
    { 500, BARGE_ERROR_HTTP_SERVER_ERROR, BARGE_ERROR_CONTEXT_REMOTE_FILE, TRUE },
    { 503, BARGE_ERROR_HTTP_SERVER_ERROR, BARGE_ERROR_CONTEXT_REMOTE_FILE, TRUE },
    { 310, BARGE_ERROR_TOO_MANY_REDIRECTS, BARGE_ERROR_CONTEXT_REMOTE_FILE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = barged_error_new_for_http_status (cases[i].status, NULL);
      g_autofree char *status = g_strdup_printf ("%u", cases[i].status);

      g_assert_error (error, BARGE_ERROR, (gint) cases[i].code);
      /* The status stays readable in the message. */
      g_assert_nonnull (strstr (error->message, status));
      g_assert_cmpint (barged_error_get_context (error), ==, cases[i].context);
      g_assert_cmpint (barged_error_is_transient (error), ==, cases[i].transient);
    }
}

/* What a server says goes into the error cut to 256 bytes of valid UTF-8:
 * a reason phrase of 64 KiB of bytes that are not UTF-8 made a message of
 * 192 KiB, kept with the job, stored and shown. */
static void
test_server_text (void)
{
  g_autofree char *invalid = g_strnfill (64 * 1024, '\xff');
  g_autoptr(GError) error = barged_error_new_for_http_status (500, invalid);
  g_autofree char *cut = NULL;
  g_autofree char *kept = barged_error_server_text ("Internal Server Error");
  g_autofree char *escapes = barged_error_server_text ("No\x1b[2J\x1b]0;x\x07\t\r\n\xc2\x9b" "2J");

  g_assert_error (error, BARGE_ERROR, BARGE_ERROR_HTTP_SERVER_ERROR);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), <=, strlen ("HTTP 500 ") + BARGED_ERROR_MAX_SERVER_TEXT);
  g_assert_true (g_str_has_suffix (error->message, "..."));
  g_assert_cmpstr (kept, ==, "Internal Server Error");
  /* Control characters (C0 and C1) would reach the terminal of whoever
   * prints the job's error. */
  g_assert_cmpstr (escapes, ==, "No?[2J?]0;x?????2J");
  /* Cut at a character: "\u00e9" is 2 bytes, the cut falls inside one. */
  {
    GString *text = g_string_new ("x");

    for (guint i = 0; i < 200; i++)
      g_string_append (text, "\u00e9");
    cut = barged_error_server_text (text->str);
    g_string_free (text, TRUE);
  }
  g_assert_true (g_utf8_validate (cut, -1, NULL));
  g_assert_cmpuint (strlen (cut), <=, BARGED_ERROR_MAX_SERVER_TEXT);
  g_assert_true (g_str_has_suffix (cut, "\u00e9..."));
}

static void
test_io_mapping (void)
{
  struct { GQuark domain; int code; gboolean local; BargeError expected; } cases[] = {
    { G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, FALSE, BARGE_ERROR_CONNECT_FAILURE },
    { G_IO_ERROR, G_IO_ERROR_TIMED_OUT, FALSE, BARGE_ERROR_TIMED_OUT },
    { G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT, FALSE, BARGE_ERROR_CONNECTION_CLOSED },
    { G_IO_ERROR, G_IO_ERROR_NO_SPACE, TRUE, BARGE_ERROR_DISK_FULL },
    { G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, TRUE, BARGE_ERROR_LOCAL_FILE },
    { 0, G_RESOLVER_ERROR_NOT_FOUND, FALSE, BARGE_ERROR_HOST_NOT_FOUND },
    { 0, G_TLS_ERROR_BAD_CERTIFICATE, FALSE, BARGE_ERROR_TLS_FAILURE },
  };

  cases[5].domain = G_RESOLVER_ERROR;
  cases[6].domain = G_TLS_ERROR;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) in = g_error_new_literal (cases[i].domain, cases[i].code, "x");
      g_autoptr(GError) out = barged_error_new_for_io (in, cases[i].local);

      g_assert_error (out, BARGE_ERROR, (gint) cases[i].expected);
    }
}

/* A failed write: DiskFull only for a full disk or quota; a file too
 * large for its file system or the file size limit is LocalFile (an error
 * to act on, not a transient one), and says why. */
static void
test_write_errno_mapping (void)
{
  g_autoptr(GError) full = barged_error_new_for_write_errno (ENOSPC);
  g_autoptr(GError) quota = barged_error_new_for_write_errno (EDQUOT);
  g_autoptr(GError) too_big = barged_error_new_for_write_errno (EFBIG);
  g_autoptr(GError) io = barged_error_new_for_write_errno (EIO);

  g_assert_error (full, BARGE_ERROR, BARGE_ERROR_DISK_FULL);
  g_assert_error (quota, BARGE_ERROR, BARGE_ERROR_DISK_FULL);
  g_assert_error (too_big, BARGE_ERROR, BARGE_ERROR_LOCAL_FILE);
  g_assert_false (barged_error_is_transient (too_big));
  g_assert_nonnull (strstr (too_big->message, "RLIMIT_FSIZE"));
  g_assert_error (io, BARGE_ERROR, BARGE_ERROR_LOCAL_FILE);
}

/* A file the disk cannot take says how much it needs and how much there
 * is, as a transient DiskFull (retried once there is room). */
static void
test_space_message (void)
{
  g_autoptr(GError) error = barged_error_new_for_space (6 * 1024 * 1024, 2 * 1000 * 1000);

  g_assert_error (error, BARGE_ERROR, BARGE_ERROR_DISK_FULL);
  g_assert_true (barged_error_is_transient (error));
  g_assert_nonnull (strstr (error->message, "it needs 6291456 more bytes"));
  g_assert_nonnull (strstr (error->message, "has 2000000 free"));
}

/* The sizes a file may not have: over the file size limit (at one byte
 * past it, not at it), over 4 GiB - 1 on FAT (only there). */
static void
test_file_size_limits (void)
{
  const guint64 fat_max = G_GUINT64_CONSTANT (0xffffffff);
  g_autoptr(GError) over_limit = barged_error_new_for_file_size_limits (1025, 1024, FALSE);
  g_autoptr(GError) over_fat = barged_error_new_for_file_size_limits (fat_max + 1, G_MAXUINT64, TRUE);

  g_assert_null (barged_error_new_for_file_size_limits (1024, 1024, FALSE));
  g_assert_null (barged_error_new_for_file_size_limits (G_MAXUINT64 - 1, G_MAXUINT64, FALSE));
  g_assert_null (barged_error_new_for_file_size_limits (fat_max, G_MAXUINT64, TRUE));
  g_assert_null (barged_error_new_for_file_size_limits (fat_max + 1, G_MAXUINT64, FALSE));
  g_assert_error (over_limit, BARGE_ERROR, BARGE_ERROR_LOCAL_FILE);
  g_assert_nonnull (strstr (over_limit->message, "1025 bytes, more than barged's file size limit (RLIMIT_FSIZE) of 1024"));
  g_assert_error (over_fat, BARGE_ERROR, BARGE_ERROR_LOCAL_FILE);
  g_assert_nonnull (strstr (over_fat->message, "(FAT) takes at most 4294967295 bytes"));
  /* With this process's limits (none in the test): fine. */
  g_assert_null (barged_error_new_for_file_size (G_MAXUINT64 - 1));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/errors/named-and-described", test_every_code_named_and_described);
  g_test_add_func ("/errors/dbus-roundtrip", test_dbus_roundtrip);
  g_test_add_func ("/errors/http", test_http_mapping);
  g_test_add_func ("/errors/server-text", test_server_text);
  g_test_add_func ("/errors/io", test_io_mapping);
  g_test_add_func ("/errors/write-errno", test_write_errno_mapping);
  g_test_add_func ("/errors/file-size-limits", test_file_size_limits);
  g_test_add_func ("/errors/space", test_space_message);
  return g_test_run ();
}
