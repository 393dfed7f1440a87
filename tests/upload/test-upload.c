/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Upload and upload-reply jobs end to end: the real barged on a private
 * bus, driven through the generated BargeDBus proxies, uploading to the
 * in-tree BITS server (with its faults), to @tus/server under node and to
 * nginx with WebDAV PUT, all on 127.0.0.1. */
#define G_LOG_DOMAIN "BargeTestUpload"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "barge-test-bits-server.h"
#include "barge-test-daemon.h"
#include "barge-test-server.h"
#include "upload-peers.h"

#define KiB ((guint64) 1024)
#define MiB (1024 * KiB)
#define SHORT_TIMEOUT_MS 10000
#define TRANSFER_TIMEOUT_MS 60000

typedef struct {
  BargeTestBitsServer *bits;
  BargeTestDaemon *daemon;
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->daemon = barge_test_daemon_new ();
  f->bits = barge_test_bits_server_new ();
  f->dir = g_dir_make_tmp ("barge-test-up-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  barge_test_bits_server_free (f->bits);
  barge_test_daemon_free (f->daemon);
  barge_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* --- helpers ------------------------------------------------------------- */

/* Writes SIZE bytes of the deterministic content NAME into the test folder. */
static char *
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

static char *
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
static BargeDBusJob *
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
static GVariant *
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

static void
get_progress (BargeDBusJob *job, guint64 *total, guint64 *done)
{
  g_autoptr(GVariant) progress = NULL;
  g_autoptr(GError) error = NULL;
  guint64 files_total, files_done;

  barge_dbus_job_call_get_progress_sync (job, &progress, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (progress, "(tttt)", total, done, &files_total, &files_done);
}

static void
complete_job (BargeDBusJob *job)
{
  g_autoptr(GError) error = NULL;

  barge_dbus_job_call_complete_sync (job, NULL, &error);
  g_assert_no_error (error);
}

typedef struct {
  BargeDBusJob *job;
  guint64 at_least;
} DoneWait;

static gboolean
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
static gboolean
poll_until (BargeTestCondition condition, gpointer user_data, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (user_data) && g_get_monotonic_time () < deadline)
    barge_test_run_for (50);
  return condition (user_data);
}

static void
assert_job_error (BargeDBusJob *job, const char *context, const char *name, const char *in_message)
{
  const char *ctx, *err, *msg, *file;

  g_variant_get (barge_dbus_job_get_error (job), "(&s&s&s&s)", &ctx, &err, &msg, &file);
  g_assert_cmpstr (ctx, ==, context);
  g_assert_cmpstr (err, ==, name);
  if (in_message != NULL && strstr (msg, in_message) == NULL)
    g_error ("error message \"%s\" lacks \"%s\"", msg, in_message);
}

/* --- the contract ---------------------------------------------------------- */

static void
test_create_rules (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *source = make_source (f, "rules.bin", 1000);
  g_autofree char *other = make_source (f, "other.bin", 1000);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "rules.bin");
  g_autofree char *missing = g_build_filename (f->dir, "missing.bin", NULL);
  g_autofree char *path = NULL;
  g_autofree char *download_path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeDBusJob) download = NULL;
  g_autoptr(GVariant) progress = NULL;
  g_autoptr(GVariant) reply = NULL;

  /* The protocol is never guessed. */
  path = create_upload_job (f, "upload", NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_clear_error (&error);
  g_clear_pointer (&path, g_free);
  path = create_upload_job (f, "upload", "ftp", &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_clear_error (&error);
  g_clear_pointer (&path, g_free);
  path = create_upload_job (f, "download", "bits", &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_clear_error (&error);
  g_clear_pointer (&path, g_free);

  path = create_upload_job (f, "upload", "bits", &error);
  g_assert_no_error (error);
  job = barge_test_daemon_get_job (f->daemon, path);
  g_assert_cmpstr (barge_dbus_job_get_type_ (job), ==, "upload");
  g_assert_cmpstr (barge_dbus_job_get_upload_protocol (job), ==, "bits");

  /* The source must exist and be readable. */
  barge_dbus_job_call_add_file_sync (job, url, missing, NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_clear_error (&error);
  barge_dbus_job_call_add_file_sync (job, url, source, NULL, &error);
  g_assert_no_error (error);
  {
    guint64 total, done;

    /* The total is the source's size from the start, as in BITS. */
    get_progress (job, &total, &done);
    g_assert_cmpuint (total, ==, 1000);
    g_assert_cmpuint (done, ==, 0);
  }
  /* Exactly one file. */
  barge_dbus_job_call_add_file_sync (job, url, other, NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "TooManyFiles");
  g_clear_error (&error);

  /* No reply for an upload or a download job; no Complete before transferred. */
  barge_dbus_job_call_get_reply_progress_sync (job, &progress, NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "NotSupported");
  g_clear_error (&error);
  reply = get_reply_data (f, job, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "NotSupported");
  g_clear_error (&error);
  barge_dbus_job_call_complete_sync (job, NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidState");
  g_clear_error (&error);
  download_path = barge_test_daemon_create_job (f->daemon, "download");
  download = barge_test_daemon_get_job (f->daemon, download_path);
  g_assert_cmpstr (barge_dbus_job_get_upload_protocol (download), ==, "");
  barge_dbus_job_call_get_reply_progress_sync (download, &progress, NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "NotSupported");
  g_clear_error (&error);
  g_clear_pointer (&reply, g_variant_unref);
  reply = get_reply_data (f, download, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "NotSupported");
  g_clear_error (&error);

  /* ReplyFileName belongs to upload-reply jobs. */
  g_dbus_connection_call_sync (barge_test_daemon_get_connection (f->daemon), BARGE_TEST_BUS_NAME, path,
                               "org.freedesktop.DBus.Properties", "Set",
                               g_variant_new ("(ssv)", BARGE_TEST_JOB_IFACE, "ReplyFileName",
                                              g_variant_new_string ("/tmp/x")),
                               NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "NotSupported");
}

/* --- BITS ------------------------------------------------------------------ */

static void
test_bits_basic (Fixture *f, gconstpointer data)
{
  const guint64 size = 3 * MiB + 12345;
  g_autofree char *source = make_source (f, "basic.bin", size);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "basic.bin");
  g_autoptr(BargeDBusJob) job = start_upload (f, "upload", "bits", url, source, TRUE);
  g_autofree char *expected = barge_test_expected_sha256 ("basic.bin", size);
  g_autofree char *actual = NULL;
  guint64 total, done;

  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  get_progress (job, &total, &done);
  g_assert_cmpuint (total, ==, size);
  g_assert_cmpuint (done, ==, size);
  actual = barge_test_bits_server_get_sha256 (f->bits, "basic.bin");
  g_assert_cmpstr (actual, ==, expected);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "Create-Session"), ==, 1);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "Close-Session"), ==, 1);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "Fragment"), ==, 4);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "http1.0"), ==, 0);
  g_assert_cmpuint (barge_test_bits_server_get_open_sessions (f->bits), ==, 0);
  g_assert_cmpuint (barge_test_bits_server_get_bytes_received (f->bits), ==, size);
  /* The source is the user's: never touched. */
  g_assert_true (g_file_test (source, G_FILE_TEST_IS_REGULAR));
  complete_job (job);
  g_assert_true (g_file_test (source, G_FILE_TEST_IS_REGULAR));
}

static void
test_bits_resync (Fixture *f, gconstpointer data)
{
  const guint64 size = 4 * MiB;
  g_autofree char *source = make_source (f, "resync.bin", size);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "resync.bin");
  g_autofree char *expected = barge_test_expected_sha256 ("resync.bin", size);
  g_autofree char *actual = NULL;
  g_autoptr(BargeDBusJob) job = NULL;

  /* The server loses the tail after 2 MiB: the next fragment gets 416 with
   * its real offset; then it loses the session at 3 MiB; fragments above
   * 300 KiB are refused with 413. */
  barge_test_bits_server_rewind_at (f->bits, 2 * MiB, 1 * MiB + 7);
  barge_test_bits_server_lose_session_at (f->bits, 3 * MiB);
  barge_test_bits_server_set_max_fragment (f->bits, 300 * KiB);
  job = start_upload (f, "upload", "bits", url, source, TRUE);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  actual = barge_test_bits_server_get_sha256 (f->bits, "resync.bin");
  g_assert_cmpstr (actual, ==, expected);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "416"), >=, 1);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "413"), >=, 1);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "Create-Session"), ==, 2);
  g_assert_cmpuint (barge_dbus_job_get_error_count (job), ==, 0);
}

static void
test_bits_dropped (Fixture *f, gconstpointer data)
{
  const guint64 size = 3 * MiB;
  g_autofree char *source = make_source (f, "drop.bin", size);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "drop.bin");
  g_autofree char *expected = barge_test_expected_sha256 ("drop.bin", size);
  g_autofree char *actual = NULL;
  g_autoptr(BargeDBusJob) job = NULL;

  /* The connection drops in the middle of the second fragment: a transient
   * error, then the same session resumes from what the server kept. */
  barge_test_bits_server_drop_at (f->bits, 1 * MiB);
  job = start_upload (f, "upload", "bits", url, source, TRUE);
  barge_test_wait_job_state (job, "transient-error", SHORT_TIMEOUT_MS);
  assert_job_error (job, "general-transport", BARGE_TEST_ERROR_PREFIX "ConnectionClosed", NULL);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  actual = barge_test_bits_server_get_sha256 (f->bits, "drop.bin");
  g_assert_cmpstr (actual, ==, expected);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "drop"), ==, 1);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "Create-Session"), ==, 1);
  /* Nothing was sent twice but the fragment in flight. */
  g_assert_cmpuint (barge_test_bits_server_get_bytes_received (f->bits), <=, size + MiB);
}

static void
test_bits_stuck (Fixture *f, gconstpointer data)
{
  g_autofree char *source = make_source (f, "stuck.bin", 100 * KiB);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "stuck.bin");
  g_autoptr(BargeDBusJob) job = NULL;

  /* Acks that never move forward end the run instead of looping. */
  barge_test_bits_server_set_stuck (f->bits, TRUE);
  job = start_upload (f, "upload", "bits", url, source, TRUE);
  barge_test_wait_job_state (job, "transient-error", SHORT_TIMEOUT_MS);
  assert_job_error (job, "remote-file", BARGE_TEST_ERROR_PREFIX "InvalidServerResponse", "keeps acknowledging");
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "Fragment"), <=, 5);
}

static void
test_bits_app_error (Fixture *f, gconstpointer data)
{
  g_autofree char *source = make_source (f, "app.bin", 100 * KiB);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "app.bin");
  g_autoptr(BargeDBusJob) job = NULL;

  barge_test_bits_server_set_app_error (f->bits, TRUE);
  job = start_upload (f, "upload", "bits", url, source, TRUE);
  barge_test_wait_job_state (job, "error", SHORT_TIMEOUT_MS);
  assert_job_error (job, "remote-application", BARGE_TEST_ERROR_PREFIX "RemoteApplication", "0x80070005");
}

static void
test_bits_local_change (Fixture *f, gconstpointer data)
{
  const guint64 size = 4 * MiB;
  g_autofree char *source = make_source (f, "change.bin", size);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "change.bin");
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;
  DoneWait w;

  barge_test_bits_server_set_fragment_delay (f->bits, 300);
  job = start_upload (f, "upload", "bits", url, source, TRUE);
  w.job = job;
  w.at_least = 1;
  barge_test_assert_wait (done_reached, &w, SHORT_TIMEOUT_MS, "the first acknowledged fragment");
  g_file_set_contents (source, "changed", -1, &error);
  g_assert_no_error (error);
  barge_test_wait_job_state (job, "error", SHORT_TIMEOUT_MS);
  assert_job_error (job, "local-file", BARGE_TEST_ERROR_PREFIX "LocalFileChanged", NULL);
  /* Resume does not make a changed file right. */
  barge_dbus_job_call_resume_sync (job, NULL, &error);
  g_assert_no_error (error);
  barge_test_wait_job_state (job, "error", SHORT_TIMEOUT_MS);
  g_assert_null (barge_test_bits_server_get_sha256 (f->bits, "change.bin"));
}

static gboolean
cancel_seen (gpointer user_data)
{
  return barge_test_bits_server_count (user_data, "Cancel-Session") >= 2;
}

static void
test_bits_cancel (Fixture *f, gconstpointer data)
{
  g_autofree char *source = make_source (f, "cancel.bin", 4 * MiB);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "cancel.bin");
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;
  DoneWait w;

  barge_test_bits_server_set_fragment_delay (f->bits, 200);
  /* The first Cancel-Session meets a 503: it is sent again. */
  barge_test_bits_server_fail_cancels (f->bits, 1);
  job = start_upload (f, "upload", "bits", url, source, TRUE);
  w.job = job;
  w.at_least = 1;
  barge_test_assert_wait (done_reached, &w, SHORT_TIMEOUT_MS, "the first acknowledged fragment");
  g_assert_cmpuint (barge_test_bits_server_get_open_sessions (f->bits), ==, 1);
  barge_dbus_job_call_cancel_sync (job, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)),
                                                       SHORT_TIMEOUT_MS), ==, "cancelled");
  barge_test_bits_server_set_fragment_delay (f->bits, 0);
  g_assert_true (poll_until (cancel_seen, f->bits, TRANSFER_TIMEOUT_MS));
  g_assert_cmpuint (barge_test_bits_server_get_open_sessions (f->bits), ==, 0);
  g_assert_true (g_file_test (source, G_FILE_TEST_IS_REGULAR));
}

static void
test_bits_crash (Fixture *f, gconstpointer data)
{
  const guint64 size = 6 * MiB;
  g_autofree char *source = make_source (f, "crash.bin", size);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "crash.bin");
  g_autofree char *expected = barge_test_expected_sha256 ("crash.bin", size);
  g_autofree char *actual = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeDBusJob) again = NULL;
  DoneWait w;

  barge_test_bits_server_set_fragment_delay (f->bits, 150);
  job = start_upload (f, "upload", "bits", url, source, TRUE);
  path = g_strdup (g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)));
  w.job = job;
  w.at_least = 2 * MiB;
  barge_test_assert_wait (done_reached, &w, TRANSFER_TIMEOUT_MS, "2 MiB acknowledged");
  barge_test_daemon_restart (f->daemon);
  barge_test_bits_server_set_fragment_delay (f->bits, 0);

  again = barge_test_daemon_get_job (f->daemon, path);
  g_assert_cmpstr (barge_dbus_job_get_upload_protocol (again), ==, "bits");
  barge_test_wait_job_state (again, "transferred", TRANSFER_TIMEOUT_MS);
  actual = barge_test_bits_server_get_sha256 (f->bits, "crash.bin");
  g_assert_cmpstr (actual, ==, expected);
  /* Same session, continued from the server's offset. */
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "Create-Session"), ==, 1);
  g_assert_cmpuint (barge_test_bits_server_get_bytes_received (f->bits), <=, size + 2 * MiB);
  complete_job (again);
}

static void
test_bits_host_id (Fixture *f, gconstpointer data)
{
  const guint64 size = 2 * MiB + 5;
  g_autofree char *source = make_source (f, "farm.bin", size);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "farm.bin");
  g_autofree char *expected = barge_test_expected_sha256 ("farm.bin", size);
  g_autofree char *actual = NULL;
  g_autoptr(BargeDBusJob) job = NULL;

  /* The farm sends the session to "localhost": a Ping goes there first,
   * then every later packet. */
  barge_test_bits_server_set_host_id (f->bits, "localhost", 0);
  job = start_upload (f, "upload", "bits", url, source, TRUE);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  actual = barge_test_bits_server_get_sha256 (f->bits, "farm.bin");
  g_assert_cmpstr (actual, ==, expected);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "Ping"), ==, 1);
  /* Ping, three fragments and Close-Session. */
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "host-id"), ==, 5);
}

static void
test_bits_host_id_fallback (Fixture *f, gconstpointer data)
{
  g_autofree char *source = make_source (f, "fallback.bin", 100 * KiB);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "fallback.bin");
  g_autofree char *expected = barge_test_expected_sha256 ("fallback.bin", 100 * KiB);
  g_autofree char *actual = NULL;
  g_autoptr(BargeDBusJob) job = NULL;

  /* Nothing listens on 127.0.0.9: after the 1 s fallback timeout the
   * retry goes back to the URL's host, where the session lives on. */
  barge_test_bits_server_set_host_id (f->bits, "127.0.0.9", 1);
  job = start_upload (f, "upload", "bits", url, source, TRUE);
  barge_test_wait_job_state (job, "transient-error", SHORT_TIMEOUT_MS);
  assert_job_error (job, "general-transport", BARGE_TEST_ERROR_PREFIX "ConnectFailure", NULL);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  actual = barge_test_bits_server_get_sha256 (f->bits, "fallback.bin");
  g_assert_cmpstr (actual, ==, expected);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "Create-Session"), ==, 1);
}

/* --- upload-reply ------------------------------------------------------------ */

static void
check_reply (const guint8 *data, gsize len, const char *name, gsize size)
{
  g_autofree guint8 *expected = g_malloc (MAX (size, 1));

  barge_test_fill_content (name, 0, expected, size);
  g_assert_cmpmem (data, len, expected, size);
}

static void
test_reply (Fixture *f, gconstpointer data)
{
  const gsize reply_size = 200 * KiB;
  g_autofree char *source = make_source (f, "reply.bin", 2 * MiB);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "reply.bin");
  g_autofree char *reply_file = g_build_filename (f->dir, "answer.dat", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GVariant) progress = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *path;
  guint64 total, done;
  gsize len;

  barge_test_bits_server_set_reply (f->bits, TRUE, reply_size);
  job = start_upload (f, "upload-reply", "bits", url, source, FALSE);
  path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (job));
  barge_dbus_job_call_get_reply_progress_sync (job, &progress, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (progress, "(tt)", &total, &done);
  g_assert_cmpuint (total, ==, G_MAXUINT64);
  g_assert_cmpuint (done, ==, 0);
  g_clear_pointer (&progress, g_variant_unref);

  g_dbus_connection_call_sync (barge_test_daemon_get_connection (f->daemon), BARGE_TEST_BUS_NAME, path,
                               "org.freedesktop.DBus.Properties", "Set",
                               g_variant_new ("(ssv)", BARGE_TEST_JOB_IFACE, "ReplyFileName",
                                              g_variant_new_string ("relative/name")),
                               NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_clear_error (&error);
  barge_test_daemon_set_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "ReplyFileName",
                                  g_variant_new_string (reply_file));
  barge_dbus_job_call_resume_sync (job, NULL, &error);
  g_assert_no_error (error);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);

  /* The reply came before Close-Session, and only once. */
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "reply"), ==, 1);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "Close-Session"), ==, 1);
  barge_dbus_job_call_get_reply_progress_sync (job, &progress, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (progress, "(tt)", &total, &done);
  g_assert_cmpuint (total, ==, reply_size);
  g_assert_cmpuint (done, ==, reply_size);
  reply = get_reply_data (f, job, &error);
  g_assert_no_error (error);
  check_reply (g_variant_get_data (reply), g_variant_get_size (reply), "reply-reply.bin", reply_size);

  /* Writable only before the reply starts; visible at Complete(). */
  g_dbus_connection_call_sync (barge_test_daemon_get_connection (f->daemon), BARGE_TEST_BUS_NAME, path,
                               "org.freedesktop.DBus.Properties", "Set",
                               g_variant_new ("(ssv)", BARGE_TEST_JOB_IFACE, "ReplyFileName",
                                              g_variant_new_string ("/tmp/elsewhere")),
                               NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidState");
  g_clear_error (&error);
  g_assert_false (g_file_test (reply_file, G_FILE_TEST_EXISTS));
  complete_job (job);
  g_file_get_contents (reply_file, &contents, &len, &error);
  g_assert_no_error (error);
  check_reply ((const guint8 *) contents, len, "reply-reply.bin", reply_size);
}

static void
test_reply_in_memory (Fixture *f, gconstpointer data)
{
  g_autofree char *source = make_source (f, "mem.bin", 10 * KiB);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "mem.bin");
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeDBusJob) again = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  barge_test_bits_server_set_reply (f->bits, TRUE, 5000);
  job = start_upload (f, "upload-reply", "bits", url, source, TRUE);
  path = g_strdup (g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)));
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  /* Kept by the daemon, across a restart. */
  barge_test_daemon_restart (f->daemon);
  again = barge_test_daemon_get_job (f->daemon, path);
  /* The kill may have come before the last state reached the disk. */
  barge_test_wait_job_state (again, "transferred", TRANSFER_TIMEOUT_MS);
  reply = get_reply_data (f, again, &error);
  g_assert_no_error (error);
  check_reply (g_variant_get_data (reply), g_variant_get_size (reply), "reply-mem.bin", 5000);
  complete_job (again);
}

static void
test_reply_too_large (Fixture *f, gconstpointer data)
{
  const gsize reply_size = 1 * MiB + 1;
  g_autofree char *source = make_source (f, "big.bin", 10 * KiB);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "big.bin");
  g_autofree char *reply_file = g_build_filename (f->dir, "big-answer.dat", NULL);
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  barge_test_bits_server_set_reply (f->bits, TRUE, reply_size);
  job = start_upload (f, "upload-reply", "bits", url, source, FALSE);
  barge_test_daemon_set_property (f->daemon, g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)),
                                  BARGE_TEST_JOB_IFACE, "ReplyFileName", g_variant_new_string (reply_file));
  barge_dbus_job_call_resume_sync (job, NULL, &error);
  g_assert_no_error (error);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  reply = get_reply_data (f, job, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "TooLarge");
  complete_job (job);
  g_assert_true (g_file_test (reply_file, G_FILE_TEST_IS_REGULAR));
}

/* --- plain PUT ---------------------------------------------------------------- */

static char *
path_sha256 (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

static void
test_put_nginx (Fixture *f, gconstpointer data)
{
  const guint64 size = 3 * MiB + 1;
  g_autofree char *skip = NULL;
  g_autoptr(UploadPeer) nginx = upload_peer_nginx_dav_new (f->dir, &skip);
  g_autofree char *source = make_source (f, "put.bin", size);
  g_autofree char *expected = barge_test_expected_sha256 ("put.bin", size);
  g_autofree char *url = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *actual = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  guint64 total, done;

  if (nginx == NULL)
    {
      g_test_skip (skip);
      return;
    }
  url = g_strconcat (upload_peer_get_url (nginx), "/in/put.bin", NULL);
  job = start_upload (f, "upload", "put", url, source, TRUE);
  g_assert_cmpstr (barge_dbus_job_get_upload_protocol (job), ==, "put");
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  get_progress (job, &total, &done);
  g_assert_cmpuint (total, ==, size);
  g_assert_cmpuint (done, ==, size);
  stored = g_build_filename (upload_peer_get_dir (nginx), "in", "put.bin", NULL);
  actual = path_sha256 (stored);
  g_assert_cmpstr (actual, ==, expected);
  complete_job (job);
}

static void
test_put_restart (Fixture *f, gconstpointer data)
{
  const guint64 size = 2 * MiB;
  g_autofree char *source = make_source (f, "again.bin", size);
  g_autofree char *url = barge_test_bits_server_get_put_url (f->bits, "again.bin");
  g_autofree char *expected = barge_test_expected_sha256 ("again.bin", size);
  g_autofree char *actual = NULL;
  g_autoptr(BargeDBusJob) job = NULL;

  /* The first PUT is cut off: the retry sends the whole file again. */
  barge_test_bits_server_drop_next_put (f->bits);
  job = start_upload (f, "upload", "put", url, source, TRUE);
  barge_test_wait_job_state (job, "transient-error", SHORT_TIMEOUT_MS);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  actual = barge_test_bits_server_get_sha256 (f->bits, "again.bin");
  g_assert_cmpstr (actual, ==, expected);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "PUT"), ==, 2);
  g_assert_cmpuint (barge_test_bits_server_get_bytes_received (f->bits), ==, 2 * size);
}

/* --- tus --------------------------------------------------------------------- */

/* The uploads @tus/server's FileStore holds: data files beside .json info. */
static GPtrArray *
tus_uploads (UploadPeer *tus)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (upload_peer_get_dir (tus), 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (!g_str_has_suffix (name, ".json"))
      g_ptr_array_add (list, g_build_filename (upload_peer_get_dir (tus), name, NULL));
  return list;
}

static UploadPeer *
start_tus (Fixture *f, guint expiry_ms, guint delay_ms)
{
  g_autofree char *skip = NULL;
  UploadPeer *tus = upload_peer_tus_new (f->dir, expiry_ms, delay_ms, &skip);

  if (tus == NULL)
    g_test_skip (skip);
  return tus;
}

static void
assert_tus_file (UploadPeer *tus, const char *name, guint64 size, guint n_uploads)
{
  g_autoptr(GPtrArray) uploads = tus_uploads (tus);
  g_autofree char *expected = barge_test_expected_sha256 (name, size);
  gboolean found = FALSE;

  g_assert_cmpuint (uploads->len, ==, n_uploads);
  for (guint i = 0; i < uploads->len && !found; i++)
    {
      g_autofree char *actual = path_sha256 (g_ptr_array_index (uploads, i));
      found = g_strcmp0 (actual, expected) == 0;
    }
  g_assert_true (found);
}

static void
test_tus_basic (Fixture *f, gconstpointer data)
{
  const guint64 size = 3 * MiB + 77;
  g_autoptr(UploadPeer) tus = start_tus (f, 0, 0);
  g_autofree char *source = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  guint64 total, done;

  if (tus == NULL)
    return;
  source = make_source (f, "tus.bin", size);
  job = start_upload (f, "upload", "tus", upload_peer_get_url (tus), source, TRUE);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  get_progress (job, &total, &done);
  g_assert_cmpuint (done, ==, size);
  assert_tus_file (tus, "tus.bin", size, 1);
  /* Cancelling a transferred upload leaves the server's file alone. */
  {
    g_autoptr(GError) error = NULL;

    barge_dbus_job_call_cancel_sync (job, NULL, &error);
    g_assert_no_error (error);
    barge_test_daemon_wait_job_removed (f->daemon, g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)),
                                        SHORT_TIMEOUT_MS);
    barge_test_run_for (300);
  }
  assert_tus_file (tus, "tus.bin", size, 1);
}

static void
test_tus_crash (Fixture *f, gconstpointer data)
{
  const guint64 size = 8 * MiB;
  g_autoptr(UploadPeer) tus = start_tus (f, 0, 150);
  g_autofree char *source = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeDBusJob) again = NULL;
  DoneWait w;

  if (tus == NULL)
    return;
  source = make_source (f, "tus-crash.bin", size);
  job = start_upload (f, "upload", "tus", upload_peer_get_url (tus), source, TRUE);
  path = g_strdup (g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)));
  w.job = job;
  w.at_least = 2 * MiB;
  barge_test_assert_wait (done_reached, &w, TRANSFER_TIMEOUT_MS, "2 MiB acknowledged");
  barge_test_daemon_restart (f->daemon);
  again = barge_test_daemon_get_job (f->daemon, path);
  g_assert_cmpstr (barge_dbus_job_get_upload_protocol (again), ==, "tus");
  barge_test_wait_job_state (again, "transferred", TRANSFER_TIMEOUT_MS);
  /* The same upload resource, resumed from its HEAD offset. */
  assert_tus_file (tus, "tus-crash.bin", size, 1);
  complete_job (again);
}

static void
test_tus_expired (Fixture *f, gconstpointer data)
{
  const guint64 size = 4 * MiB;
  g_autoptr(UploadPeer) tus = start_tus (f, 1500, 150);
  g_autofree char *source = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) uploads = NULL;
  DoneWait w;

  if (tus == NULL)
    return;
  source = make_source (f, "tus-exp.bin", size);
  job = start_upload (f, "upload", "tus", upload_peer_get_url (tus), source, TRUE);
  w.job = job;
  w.at_least = 1 * MiB;
  barge_test_assert_wait (done_reached, &w, TRANSFER_TIMEOUT_MS, "1 MiB acknowledged");
  barge_dbus_job_call_suspend_sync (job, NULL, &error);
  g_assert_no_error (error);
  /* Past Upload-Expires: the upload starts over in a new resource. */
  barge_test_run_for (2500);
  barge_dbus_job_call_resume_sync (job, NULL, &error);
  g_assert_no_error (error);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  uploads = tus_uploads (tus);
  g_assert_cmpuint (uploads->len, >=, 1);
  assert_tus_file (tus, "tus-exp.bin", size, uploads->len);
  g_assert_cmpuint (uploads->len, ==, 2);
}

static void
test_tus_local_change (Fixture *f, gconstpointer data)
{
  g_autoptr(UploadPeer) tus = start_tus (f, 0, 200);
  g_autofree char *source = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;
  DoneWait w;

  if (tus == NULL)
    return;
  source = make_source (f, "tus-change.bin", 6 * MiB);
  job = start_upload (f, "upload", "tus", upload_peer_get_url (tus), source, TRUE);
  w.job = job;
  w.at_least = 1 * MiB;
  barge_test_assert_wait (done_reached, &w, TRANSFER_TIMEOUT_MS, "1 MiB acknowledged");
  /* Same size, new content: the modification time tells. */
  {
    g_autofree guint8 *buf = g_malloc0 (6 * MiB);
    g_file_set_contents (source, (const char *) buf, 6 * MiB, &error);
    g_assert_no_error (error);
  }
  barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
  assert_job_error (job, "local-file", BARGE_TEST_ERROR_PREFIX "LocalFileChanged", NULL);
}

static gboolean
tus_empty (gpointer user_data)
{
  g_autoptr(GPtrArray) uploads = tus_uploads (user_data);
  return uploads->len == 0;
}

static void
test_tus_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr(UploadPeer) tus = start_tus (f, 0, 200);
  g_autofree char *source = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;
  DoneWait w;

  if (tus == NULL)
    return;
  source = make_source (f, "tus-cancel.bin", 6 * MiB);
  job = start_upload (f, "upload", "tus", upload_peer_get_url (tus), source, TRUE);
  w.job = job;
  w.at_least = 1 * MiB;
  barge_test_assert_wait (done_reached, &w, TRANSFER_TIMEOUT_MS, "1 MiB acknowledged");
  barge_dbus_job_call_cancel_sync (job, NULL, &error);
  g_assert_no_error (error);
  /* Termination: the server deletes the upload. */
  g_assert_true (poll_until (tus_empty, tus, SHORT_TIMEOUT_MS));
}

/* --- bargectl ------------------------------------------------------------------ */

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

static void
test_reply_missing_folder (Fixture *f, gconstpointer data)
{
  g_autofree char *source = make_source (f, "nofolder.bin", 10 * KiB);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "nofolder.bin");
  g_autofree char *reply_file = g_build_filename (f->dir, "no-such-folder", "answer.dat", NULL);
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;

  /* The folder is looked at, as the owner, when the reply starts. */
  barge_test_bits_server_set_reply (f->bits, TRUE, 100);
  job = start_upload (f, "upload-reply", "bits", url, source, FALSE);
  barge_test_daemon_set_property (f->daemon, g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)),
                                  BARGE_TEST_JOB_IFACE, "ReplyFileName", g_variant_new_string (reply_file));
  barge_dbus_job_call_resume_sync (job, NULL, &error);
  g_assert_no_error (error);
  barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
  assert_job_error (job, "local-file", BARGE_TEST_ERROR_PREFIX "LocalFile", "no-such-folder");
  /* The upload itself is done and stays done. */
  g_assert_nonnull (barge_test_bits_server_get_sha256 (f->bits, "nofolder.bin"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/upload/create-rules", test_create_rules);
  ADD ("/upload/bits/basic", test_bits_basic);
  ADD ("/upload/bits/resync", test_bits_resync);
  ADD ("/upload/bits/dropped", test_bits_dropped);
  ADD ("/upload/bits/app-error", test_bits_app_error);
  ADD ("/upload/bits/stuck", test_bits_stuck);
  ADD ("/upload/bits/local-change", test_bits_local_change);
  ADD ("/upload/bits/cancel", test_bits_cancel);
  ADD ("/upload/bits/crash", test_bits_crash);
  ADD ("/upload/bits/host-id", test_bits_host_id);
  ADD ("/upload/bits/host-id-fallback", test_bits_host_id_fallback);
  ADD ("/upload/reply/file", test_reply);
  ADD ("/upload/reply/in-memory", test_reply_in_memory);
  ADD ("/upload/reply/too-large", test_reply_too_large);
  ADD ("/upload/reply/missing-folder", test_reply_missing_folder);
  ADD ("/upload/put/nginx", test_put_nginx);
  ADD ("/upload/put/restart", test_put_restart);
  ADD ("/upload/tus/basic", test_tus_basic);
  ADD ("/upload/tus/crash", test_tus_crash);
  ADD ("/upload/tus/expired", test_tus_expired);
  ADD ("/upload/tus/cancel", test_tus_cancel);
  ADD ("/upload/tus/local-change", test_tus_local_change);
  ADD ("/upload/cli/upload", test_cli_upload);
  ADD ("/upload/cli/reply", test_cli_reply);
#undef ADD
  return g_test_run ();
}
