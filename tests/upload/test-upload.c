/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Upload and upload-reply jobs end to end: the real barged on a private
 * bus, driven through the generated BargeDBus proxies, uploading to the
 * in-tree BITS server (with its faults), to @tus/server under node and to
 * nginx with WebDAV PUT, all on 127.0.0.1. */
#define G_LOG_DOMAIN "BargeTestUpload"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "upload-fixture.h"

/* The fixture and helpers the test files share; the tests are in
 * upload-bits-tests.c, upload-peer-tests.c and upload-cli-tests.c. */

void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->daemon = barge_test_daemon_new ();
  f->bits = barge_test_bits_server_new ();
  f->dir = g_dir_make_tmp ("barge-test-up-XXXXXX", &error);
  g_assert_no_error (error);
}

void
fixture_teardown (Fixture *f, gconstpointer data)
{
  barge_test_bits_server_free (f->bits);
  barge_test_daemon_free (f->daemon);
  barge_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* Writes SIZE bytes of the deterministic content NAME into the test folder. */
char *
make_source (Fixture *f, const char *name, guint64 size)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *buf = g_malloc (MAX (size, 1));
  char *path = g_build_filename (f->dir, name, NULL);

  barge_test_fill_content (name, 0, buf, size);
  g_file_set_contents (path, (const char *) buf, (gssize) size, &error);
  g_assert_no_error (error);
  return path;
}

char *
create_upload_job (Fixture *f, const char *type, const char *protocol, GError **error)
{
  GVariantBuilder options;
  char *path = NULL;

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  if (protocol != NULL)
    g_variant_builder_add (&options, "{sv}", "upload-protocol", g_variant_new_string (protocol));
  barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "upload test", type,
                                           g_variant_builder_end (&options), &path, NULL, error);
  return path;
}

/* A job of TYPE over PROTOCOL for URL and SOURCE, resumed, with a 5 s
 * retry delay (the shortest allowed). */
BargeDBusJob *
start_upload (Fixture *f, const char *type, const char *protocol, const char *url, const char *source,
              gboolean resume)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = create_upload_job (f, type, protocol, &error);
  BargeDBusJob *job;

  g_assert_no_error (error);
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_test_daemon_set_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "MinimumRetryDelay",
                                  g_variant_new_uint32 (5));
  barge_dbus_job_call_add_file_sync (job, url, source, NULL, &error);
  g_assert_no_error (error);
  if (resume)
    {
      barge_dbus_job_call_resume_sync (job, NULL, &error);
      g_assert_no_error (error);
    }
  return job;
}

/* GetReplyData, raw: the generated proxy would treat "ay" as a string. */
GVariant *
get_reply_data (Fixture *f, BargeDBusJob *job, GError **error)
{
  g_autoptr(GVariant) ret = g_dbus_connection_call_sync (barge_test_daemon_get_connection (f->daemon),
                                                         BARGE_TEST_BUS_NAME,
                                                         g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)),
                                                         BARGE_TEST_JOB_IFACE, "GetReplyData", NULL,
                                                         G_VARIANT_TYPE ("(ay)"), G_DBUS_CALL_FLAGS_NONE,
                                                         -1, NULL, error);
  return ret != NULL ? g_variant_get_child_value (ret, 0) : NULL;
}

void
get_progress (BargeDBusJob *job, guint64 *total, guint64 *done)
{
  g_autoptr(GVariant) progress = NULL;
  g_autoptr(GError) error = NULL;
  guint64 files_total, files_done;

  barge_dbus_job_call_get_progress_sync (job, &progress, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (progress, "(tttt)", total, done, &files_total, &files_done);
}

void
complete_job (BargeDBusJob *job)
{
  g_autoptr(GError) error = NULL;

  barge_dbus_job_call_complete_sync (job, NULL, &error);
  g_assert_no_error (error);
}

gboolean
done_reached (gpointer user_data)
{
  DoneWait *w = user_data;
  GVariant *progress = barge_dbus_job_get_progress (w->job);
  guint64 total = 0, done = 0, ft, fd;

  if (progress != NULL)
    g_variant_get (progress, "(tttt)", &total, &done, &ft, &fd);
  return done >= w->at_least;
}

/* For what happens on a server thread or in another process: nothing
 * wakes the test's main context then, so look every 50 ms (bounded). */
gboolean
poll_until (BargeTestCondition condition, gpointer user_data, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (user_data) && g_get_monotonic_time () < deadline)
    barge_test_run_for (50);
  return condition (user_data);
}

void
assert_job_error (BargeDBusJob *job, const char *context, const char *name, const char *in_message)
{
  const char *ctx, *err, *msg, *file;

  g_variant_get (barge_dbus_job_get_error (job), "(&s&s&s&s)", &ctx, &err, &msg, &file);
  g_assert_cmpstr (ctx, ==, context);
  g_assert_cmpstr (err, ==, name);
  if (in_message != NULL && strstr (msg, in_message) == NULL)
    g_error ("error message \"%s\" lacks \"%s\"", msg, in_message);
}

void
check_reply (const guint8 *data, gsize len, const char *name, gsize size)
{
  g_autofree guint8 *expected = g_malloc (MAX (size, 1));

  barge_test_fill_content (name, 0, expected, size);
  g_assert_cmpmem (data, len, expected, size);
}

char *
path_sha256 (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  upload_add_bits_tests ();
  upload_add_peer_tests ();
  upload_add_cli_tests ();
  return g_test_run ();
}
