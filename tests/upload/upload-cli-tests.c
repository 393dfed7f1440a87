/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargeTestUpload"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "upload-fixture.h"

/* bargectl upload and bargectl reply against the test bus. */

/* Runs bargectl against the test bus; returns its exit status. Bounded by
 * bargectl's own --timeout where it waits. */
static int
run_bargectl (const char * const *args, GBytes **out, char **err)
{
  const char *bargectl = g_getenv ("BARGECTL");
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) stdout_bytes = NULL;
  g_autoptr(GBytes) stderr_bytes = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_setenv (launcher, "BARGE_BUS_ADDRESS", g_getenv ("DBUS_SESSION_BUS_ADDRESS"), TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_ptr_array_add (argv, (gpointer) bargectl);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (process, NULL, NULL, &stdout_bytes, &stderr_bytes, &error);
  g_assert_no_error (error);
  if (out != NULL)
    *out = g_steal_pointer (&stdout_bytes);
  if (err != NULL)
    *err = g_strndup (g_bytes_get_data (stderr_bytes, NULL), g_bytes_get_size (stderr_bytes));
  return g_subprocess_get_exit_status (process);
}

static gboolean
have_bargectl (void)
{
  if (g_getenv ("BARGECTL") != NULL)
    return TRUE;
  g_test_skip ("BARGECTL is not set (bargectl is not built)");
  return FALSE;
}

static void
test_cli_upload (Fixture *f, gconstpointer data)
{
  const guint64 size = 2 * MiB + 3;
  g_autofree char *source = NULL;
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "cli.bin");
  g_autofree char *expected = barge_test_expected_sha256 ("cli.bin", size);
  g_autofree char *actual = NULL;
  g_autofree char *err = NULL;

  if (!have_bargectl ())
    return;
  source = make_source (f, "cli.bin", size);
  {
    const char *args[] = { "upload", "--timeout=60", source, url, NULL };
    g_assert_cmpint (run_bargectl (args, NULL, &err), ==, 0);
  }
  g_assert_nonnull (strstr (err, "Uploaded"));
  actual = barge_test_bits_server_get_sha256 (f->bits, "cli.bin");
  g_assert_cmpstr (actual, ==, expected);
  g_assert_cmpuint (barge_test_bits_server_get_open_sessions (f->bits), ==, 0);
  g_clear_pointer (&err, g_free);
  {
    const char *args[] = { "upload", "--protocol=ftp", source, url, NULL };
    g_assert_cmpint (run_bargectl (args, NULL, &err), ==, 2);
  }
}

static void
test_cli_reply (Fixture *f, gconstpointer data)
{
  const gsize reply_size = 3000;
  g_autofree char *source = NULL;
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "cli-reply.bin");
  g_autofree char *reply_file = g_build_filename (f->dir, "cli-answer.dat", NULL);
  g_autofree char *saved = g_build_filename (f->dir, "saved.dat", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *err = NULL;
  g_autofree char *id = NULL;
  g_autofree char *job_path = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  gsize len;

  if (!have_bargectl ())
    return;
  barge_test_bits_server_set_reply (f->bits, TRUE, reply_size);
  source = make_source (f, "cli-reply.bin", 100 * KiB);

  /* Synchronous, the reply on standard output. */
  {
    const char *args[] = { "upload", "--timeout=60", "--print-reply", source, url, NULL };
    g_assert_cmpint (run_bargectl (args, &out, &err), ==, 0);
  }
  check_reply (g_bytes_get_data (out, NULL), g_bytes_get_size (out), "reply-cli-reply.bin", reply_size);
  g_clear_pointer (&out, g_bytes_unref);
  g_clear_pointer (&err, g_free);

  /* Synchronous, the reply kept in a file by the daemon. */
  {
    const char *args[] = { "upload", "--timeout=60", "--reply-to", reply_file, source, url, NULL };
    g_assert_cmpint (run_bargectl (args, NULL, &err), ==, 0);
  }
  g_assert_true (g_file_get_contents (reply_file, &contents, &len, NULL));
  check_reply ((const guint8 *) contents, len, "reply-cli-reply.bin", reply_size);
  g_clear_pointer (&err, g_free);

  /* In the background, then the reply commands. */
  {
    const char *args[] = { "upload", "--no-wait", source, url, "--print-reply", NULL };
    g_assert_cmpint (run_bargectl (args, NULL, &err), ==, 2);
  }
  g_clear_pointer (&err, g_free);
  {
    const char *args[] = { "upload", "--no-wait", "--reply-to", saved, source, url, NULL };
    g_assert_cmpint (run_bargectl (args, &out, &err), ==, 0);
  }
  id = g_strstrip (g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out)));
  g_clear_pointer (&out, g_bytes_unref);
  job_path = g_strdup_printf (BARGE_TEST_MANAGER_PATH "/jobs/%s", id);
  {
    /* Object paths carry the id without dashes. */
    char *w = job_path;
    for (const char *r = job_path; *r != '\0'; r++)
      if (*r != '-')
        *w++ = *r;
    *w = '\0';
  }
  job = barge_test_daemon_get_job (f->daemon, job_path);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  {
    const char *args[] = { "reply", id, NULL };
    g_assert_cmpint (run_bargectl (args, &out, &err), ==, 0);
  }
  {
    /* GLib puts a no-break space before the unit in UTF-8 locales. */
    g_autofree char *text = g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
    g_assert_true (g_str_has_prefix (text, "Reply: 3.0"));
    g_assert_nonnull (strstr (text, "kB of 3.0"));
  }
  g_clear_pointer (&out, g_bytes_unref);
  {
    const char *args[] = { "reply", "--print", id, NULL };
    g_assert_cmpint (run_bargectl (args, &out, &err), ==, 0);
  }
  check_reply (g_bytes_get_data (out, NULL), g_bytes_get_size (out), "reply-cli-reply.bin", reply_size);
  g_clear_pointer (&out, g_bytes_unref);
  g_clear_pointer (&contents, g_free);
  {
    g_autofree char *copy = g_build_filename (f->dir, "copy.dat", NULL);
    const char *args[] = { "reply", "--save", copy, id, NULL };
    g_assert_cmpint (run_bargectl (args, NULL, &err), ==, 0);
    g_assert_true (g_file_get_contents (copy, &contents, &len, NULL));
    check_reply ((const guint8 *) contents, len, "reply-cli-reply.bin", reply_size);
  }
  complete_job (job);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (saved, &contents, &len, NULL));
  check_reply ((const guint8 *) contents, len, "reply-cli-reply.bin", reply_size);
}

void
upload_add_cli_tests (void)
{
  UPLOAD_TEST_ADD ("/upload/cli/upload", test_cli_upload);
  UPLOAD_TEST_ADD ("/upload/cli/reply", test_cli_reply);
}
