/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargeTestUpload"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "barge-fault-server.h"
#include "barge-test-jobs.h"
#include "upload-fixture.h"

/* The contract, BITS against the in-tree server with its faults, and the
 * reply of upload-reply jobs. */

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

/* The URL @name has on @server for @protocol ("bits" or "put"). */
static char *
protocol_url (BargeTestBitsServer *server, const char *protocol, const char *name)
{
  return g_str_equal (protocol, "bits") ? barge_test_bits_server_get_url (server, name)
                                        : barge_test_bits_server_get_put_url (server, name);
}

/* A job's custom headers go with every request of an upload; a header the
 * protocol sets keeps the protocol's value (the upload still works with a
 * custom BITS-Packet-Type). */
static void
test_custom_headers (Fixture *f, gconstpointer data)
{
  const char *protocol = data;
  gboolean bits = g_str_equal (protocol, "bits");
  const guint64 size = 2 * MiB + 7;
  g_autofree char *source = make_source (f, "headers.bin", size);
  g_autofree char *url = protocol_url (f->bits, protocol, "headers.bin");
  g_autoptr(BargeDBusJob) job = start_upload (f, "upload", protocol, url, source, FALSE);
  g_autofree char *expected = barge_test_expected_sha256 ("headers.bin", size);
  g_autofree char *actual = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder b;
  guint requests;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a(ss)"));
  g_variant_builder_add (&b, "(ss)", "X-Barge-Test", "upload-1");
  g_variant_builder_add (&b, "(ss)", "BITS-Packet-Type", "Ping");
  g_assert_true (barge_dbus_job_call_set_custom_headers_sync (job, g_variant_builder_end (&b), NULL, &error));
  g_assert_no_error (error);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  actual = barge_test_bits_server_get_sha256 (f->bits, "headers.bin");
  g_assert_cmpstr (actual, ==, expected);
  requests = bits ? barge_test_bits_server_count (f->bits, "Create-Session") +
                    barge_test_bits_server_count (f->bits, "Fragment") +
                    barge_test_bits_server_count (f->bits, "Close-Session")
                  : barge_test_bits_server_count (f->bits, "PUT");
  g_assert_cmpuint (requests, >=, bits ? 3 : 1);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "X-Barge-Test: upload-1"), ==, requests);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "Ping"), ==, 0);
  complete_job (job);
}

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
  /* 1 MiB, then 2 MiB once the first was acknowledged within 250 ms (a
   * slow machine keeps 1 MiB), then the rest. */
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "Fragment"), >=, 3);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "Fragment"), <=, 4);
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
  barge_test_bits_server_lose_session_at (f->bits, 3 * MiB, FALSE);
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

/* A server that loses every session once it holds 1 MiB: each new session
 * takes the same bytes again, which is no progress. The run ends after its
 * few session restarts (a transient error, the server's 500); before, each
 * Ack of bytes a lost session had held counted as progress and started
 * the count over, a loop without end within one run. */
static void
test_bits_sessions_always_lost (Fixture *f, gconstpointer data)
{
  g_autofree char *source = make_source (f, "forgetful.bin", 40 * MiB);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "forgetful.bin");
  g_autoptr(BargeDBusJob) job = NULL;
  guint sessions;

  barge_test_bits_server_lose_session_at (f->bits, 1 * MiB, TRUE);
  job = start_upload (f, "upload", "bits", url, source, TRUE);
  barge_test_wait_job_state (job, "transient-error", TRANSFER_TIMEOUT_MS);
  barge_test_assert_job_error (job, BARGE_TEST_ERROR_PREFIX "HttpServerError", "0x8020001F");
  /* The first session, one per fragment size it grew to (1 to 16 MiB: each
   * held more than the last), and three restarts. */
  sessions = barge_test_bits_server_count (f->bits, "Create-Session");
  g_test_message ("%u sessions", sessions);
  g_assert_cmpuint (sessions, <=, 1 + 5 + 3);
  barge_test_job_cancel (job);
}

/* Fragments grow while acknowledgements come fast (a request per MiB held
 * uploads to a fraction of the link), and never grow back past a size the
 * server refused with 413. */
static void
test_bits_fragments_grow (Fixture *f, gconstpointer data)
{
  const guint64 size = 40 * MiB;
  gboolean capped = GPOINTER_TO_INT (data);
  g_autofree char *source = make_source (f, "grow.bin", size);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "grow.bin");
  g_autofree char *expected = barge_test_expected_sha256 ("grow.bin", size);
  g_autofree char *actual = NULL;
  g_autoptr(BargeDBusJob) job = NULL;

  if (capped)
    barge_test_bits_server_set_max_fragment (f->bits, 3 * MiB);
  job = start_upload (f, "upload", "bits", url, source, TRUE);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  actual = barge_test_bits_server_get_sha256 (f->bits, "grow.bin");
  g_assert_cmpstr (actual, ==, expected);
  if (capped)
    {
      /* 1 MiB, 2 MiB, 4 MiB refused, then 2 MiB fragments: one 413. */
      g_assert_cmpuint (barge_test_bits_server_count (f->bits, "413"), ==, 1);
      g_assert_cmpuint (barge_test_bits_server_count (f->bits, "Fragment"), <=, 2 + 1 + 19);
    }
  else
    {
      /* 1, 2, 4, 8, 16 MiB, then the last 9: 6 when every Ack comes
       * within 250 ms; 1 MiB fragments would be 40. */
      g_assert_cmpuint (barge_test_bits_server_count (f->bits, "413"), ==, 0);
      g_assert_cmpuint (barge_test_bits_server_count (f->bits, "Fragment"), <=, 12);
    }
  g_assert_cmpuint (barge_test_bits_server_get_bytes_received (f->bits), ==, size);
}

/* A job's BandwidthLimit paces what an upload sends (the request body is
 * served at the limit), for BITS fragments and for a plain PUT alike. */
static void
test_upload_limited (Fixture *f, gconstpointer data)
{
  const char *protocol = data;
  const guint64 size = 6 * MiB;
  const guint64 limit = 2000000;
  g_autofree char *source = make_source (f, "limited.bin", size);
  g_autofree char *url = g_str_equal (protocol, "put") ? barge_test_bits_server_get_put_url (f->bits, "limited.bin")
                                                        : barge_test_bits_server_get_url (f->bits, "limited.bin");
  g_autofree char *expected = barge_test_expected_sha256 ("limited.bin", size);
  g_autofree char *actual = NULL;
  g_autoptr(BargeDBusJob) job = start_upload (f, "upload", protocol, url, source, FALSE);
  g_autoptr(GError) error = NULL;
  double seconds, ideal = (double) size / limit;
  gint64 start;

  barge_test_daemon_set_property (f->daemon, g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)),
                                  BARGE_TEST_JOB_IFACE, "BandwidthLimit", g_variant_new_uint64 (limit));
  start = g_get_monotonic_time ();
  barge_dbus_job_call_resume_sync (job, NULL, &error);
  g_assert_no_error (error);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_test_message ("%s: %.2f s for %.2f s at the limit", protocol, seconds, ideal);
  /* A tenth of a second of credit at the start; the rest is requests. */
  g_assert_cmpfloat (seconds, >=, ideal - 0.15);
  g_assert_cmpfloat (seconds, <=, ideal * 1.25);
  actual = barge_test_bits_server_get_sha256 (f->bits, "limited.bin");
  g_assert_cmpstr (actual, ==, expected);
}

/* Uploads NAME, SIZE bytes, with BITS to f->bits, waits until it is
 * transferred (through a transient error with a lost connection first if
 * TRANSIENT) and checks the server's copy. */
static BargeDBusJob *
upload_checked (Fixture *f, const char *name, guint64 size, gboolean transient)
{
  g_autofree char *source = make_source (f, name, size);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, name);
  g_autofree char *expected = barge_test_expected_sha256 (name, size);
  g_autofree char *actual = NULL;
  BargeDBusJob *job = start_upload (f, "upload", "bits", url, source, TRUE);

  if (transient)
    {
      barge_test_wait_job_state (job, "transient-error", SHORT_TIMEOUT_MS);
      assert_job_error (job, "general-transport", BARGE_TEST_ERROR_PREFIX "ConnectionClosed", NULL);
    }
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  actual = barge_test_bits_server_get_sha256 (f->bits, name);
  g_assert_cmpstr (actual, ==, expected);
  return job;
}

static void
test_bits_dropped (Fixture *f, gconstpointer data)
{
  const guint64 size = 3 * MiB;
  g_autoptr(BargeDBusJob) job = NULL;

  /* The connection drops in the middle of the second fragment, which went
   * on the first one's kept connection: the run goes on at once over a new
   * connection (test_bits_kept_lost()), whose fragment drops too. That is
   * a transient error, then the same session resumes from what the server
   * kept. */
  barge_test_bits_server_drop_at (f->bits, 1 * MiB, 2);
  job = upload_checked (f, "drop.bin", size, TRUE);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "drop"), ==, 2);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "Create-Session"), ==, 1);
  /* Nothing was sent twice but the fragments in flight: the second, at
   * most 2 MiB (fragments double while acknowledgements come fast), and
   * the one sent again at once. */
  g_assert_cmpuint (barge_test_bits_server_get_bytes_received (f->bits), <=, size + 4 * MiB);
}

/* Every packet of a run goes on one kept connection: libsoup 3.2 would
 * open one per BITS_POST (a slow start, and over TLS a handshake, each). */
static void
test_bits_kept (Fixture *f, gconstpointer data)
{
  g_autoptr(BargeDBusJob) job = upload_checked (f, "kept.bin", 6 * MiB, FALSE);

  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "Fragment"), >=, 2);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "connection"), ==, 1);
  /* Create-Session, the fragments and Close-Session after the first. */
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "kept"), >=, 3);
}

/* A kept connection that the server closes when the next packet comes is
 * no error of the job: the run goes on at once over a new connection,
 * from what the server holds. */
static void
test_bits_kept_lost (Fixture *f, gconstpointer data)
{
  g_autoptr(BargeDBusJob) job = NULL;

  barge_test_bits_server_drop_at (f->bits, 1 * MiB, 1);
  job = upload_checked (f, "lost.bin", 3 * MiB, FALSE);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "drop"), ==, 1);
  g_assert_cmpuint (barge_dbus_job_get_error_count (job), ==, 0);
  assert_job_error (job, "", "", NULL);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "connection"), ==, 2);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "Create-Session"), ==, 1);
}

/* The same over HTTPS, where a lost kept connection costs a handshake
 * more, and where glib-networking might report the server's close as a
 * TLS error (which neither libsoup nor barged takes for a lost kept
 * connection). */
static void
test_bits_tls_kept_lost (Fixture *f, gconstpointer data)
{
  const guint64 size = 3 * MiB;
  g_autoptr(BargeTestBitsServer) server = barge_test_bits_server_new_tls ();
  g_autofree char *source = make_source (f, "tls-lost.bin", size);
  g_autofree char *url = barge_test_bits_server_get_url (server, "tls-lost.bin");
  g_autofree char *ca = g_test_build_filename (G_TEST_DIST, "nginx", "tls", "ca.pem", NULL);
  g_autofree char *expected = barge_test_expected_sha256 ("tls-lost.bin", size);
  g_autofree char *actual = NULL;
  g_autoptr(BargeDBusJob) job = start_upload (f, "upload", "bits", url, source, FALSE);
  g_autoptr(GError) error = NULL;
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "ca-file", g_variant_new_string (ca));
  g_assert_true (barge_dbus_job_call_set_tls_options_sync (job, g_variant_builder_end (&b), NULL, &error));
  g_assert_no_error (error);
  barge_test_bits_server_drop_at (server, 1 * MiB, 1);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  actual = barge_test_bits_server_get_sha256 (server, "tls-lost.bin");
  g_assert_cmpstr (actual, ==, expected);
  g_assert_cmpuint (barge_test_bits_server_count (server, "drop"), ==, 1);
  g_assert_cmpuint (barge_dbus_job_get_error_count (job), ==, 0);
  assert_job_error (job, "", "", NULL);
  g_assert_cmpuint (barge_test_bits_server_count (server, "connection"), ==, 2);
  g_assert_cmpuint (barge_test_bits_server_count (server, "Create-Session"), ==, 1);
  complete_job (job);
}

static void
test_bits_stuck (Fixture *f, gconstpointer data)
{
  g_autofree char *source = make_source (f, "stuck.bin", 100 * KiB);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "stuck.bin");
  g_autoptr(BargeDBusJob) job = NULL;

  g_autoptr(GError) error = NULL;

  /* Acks that never move forward end the run instead of looping. */
  barge_test_bits_server_set_stuck (f->bits, TRUE);
  job = start_upload (f, "upload", "bits", url, source, FALSE);
  /* The shortest retry delay (5 s) below the no-progress timeout, or the
   * first failure would already be final (BITS). */
  barge_test_daemon_set_property (f->daemon, g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)),
                                  BARGE_TEST_JOB_IFACE, "MinimumRetryDelay", g_variant_new_uint32 (5));
  barge_test_daemon_set_property (f->daemon, g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)),
                                  BARGE_TEST_JOB_IFACE, "NoProgressTimeout", g_variant_new_uint32 (6));
  barge_dbus_job_call_resume_sync (job, NULL, &error);
  g_assert_no_error (error);
  barge_test_wait_job_state (job, "transient-error", SHORT_TIMEOUT_MS);
  assert_job_error (job, "remote-file", BARGE_TEST_ERROR_PREFIX "InvalidServerResponse", "keeps acknowledging");
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "Fragment"), <=, 5);
  /* A retry that starts over without getting further is no progress: the
   * no-progress timeout (6 s) ends the job before its second retry. */
  barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
  assert_job_error (job, "general-queue-manager", BARGE_TEST_ERROR_PREFIX "NoProgress", "keeps acknowledging");
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

  barge_test_bits_server_set_fragment_delay (f->bits, 300);
  job = start_upload (f, "upload", "bits", url, source, TRUE);
  wait_acknowledged (job, 1, SHORT_TIMEOUT_MS, "the first acknowledged fragment");
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
cancel_and_wait_removed (Fixture *f, BargeDBusJob *job)
{
  g_autoptr(GError) error = NULL;

  barge_dbus_job_call_cancel_sync (job, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)),
                                                       SHORT_TIMEOUT_MS), ==, "cancelled");
}

static void
test_bits_cancel (Fixture *f, gconstpointer data)
{
  /* Large enough that the upload is not over when the cancel comes, with
   * fragments doubling from 1 MiB. */
  g_autofree char *source = make_source (f, "cancel.bin", 16 * MiB);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "cancel.bin");
  g_autoptr(BargeDBusJob) job = NULL;

  barge_test_bits_server_set_fragment_delay (f->bits, 200);
  /* The first Cancel-Session meets a 503: it is sent again. */
  barge_test_bits_server_fail_cancels (f->bits, 1);
  job = start_upload (f, "upload", "bits", url, source, TRUE);
  wait_acknowledged (job, 1, SHORT_TIMEOUT_MS, "the first acknowledged fragment");
  g_assert_cmpuint (barge_test_bits_server_get_open_sessions (f->bits), ==, 1);
  cancel_and_wait_removed (f, job);
  barge_test_bits_server_set_fragment_delay (f->bits, 0);
  g_assert_true (poll_until (cancel_seen, f->bits, TRANSFER_TIMEOUT_MS));
  g_assert_cmpuint (barge_test_bits_server_get_open_sessions (f->bits), ==, 0);
  g_assert_true (g_file_test (source, G_FILE_TEST_IS_REGULAR));
}

static gboolean
one_cancel_seen (gpointer user_data)
{
  return barge_test_bits_server_count (user_data, "Cancel-Session") >= 1;
}

/* A job restored after a restart and cancelled before it runs again: its
 * Cancel-Session goes the job's way (here: proxy "none", past barge.conf's
 * proxy, where nobody listens). Before, a restored job's upload held the
 * daemon's shared session until its next run, and the cancel went
 * through barge.conf's proxy: it never reached the server. */
static void
test_bits_cancel_restored_takes_job_proxy (Fixture *f, gconstpointer data)
{
  g_autofree char *source = make_source (f, "cancel-restored.bin", 16 * MiB);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "cancel-restored.bin");
  const char *none[] = { NULL };
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeDBusJob) restored = NULL;
  g_autoptr(GError) error = NULL;

  barge_test_daemon_set_config (f->daemon, "[Transfer]\nProxy=http://127.0.0.1:1\n");
  barge_test_daemon_restart (f->daemon);
  barge_test_bits_server_set_fragment_delay (f->bits, 200);
  job = start_upload (f, "upload", "bits", url, source, FALSE);
  barge_dbus_job_call_set_proxy_settings_sync (job, "none", none, none, NULL, &error);
  g_assert_no_error (error);
  barge_dbus_job_call_resume_sync (job, NULL, &error);
  g_assert_no_error (error);
  wait_acknowledged (job, 1, SHORT_TIMEOUT_MS, "the first acknowledged fragment");
  barge_dbus_job_call_suspend_sync (job, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (barge_test_bits_server_get_open_sessions (f->bits), ==, 1);
  barge_test_daemon_restart (f->daemon);
  restored = barge_test_daemon_get_job (f->daemon, g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)));
  cancel_and_wait_removed (f, restored);
  barge_test_bits_server_set_fragment_delay (f->bits, 0);
  g_assert_true (poll_until (one_cancel_seen, f->bits, 10000));
  g_assert_cmpuint (barge_test_bits_server_get_open_sessions (f->bits), ==, 0);
  barge_test_daemon_set_config (f->daemon, "");
}

/* A Cancel-Session that goes on a kept connection the server closes is
 * sent again at once over a new one, not after the cancel's backoff
 * (5 s). */
static void
test_bits_cancel_kept_lost (Fixture *f, gconstpointer data)
{
  g_autofree char *source = make_source (f, "cancel-lost.bin", 100 * KiB);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "cancel-lost.bin");
  g_autoptr(BargeDBusJob) job = NULL;

  /* Acks that never move forward: the run ends in a transient error,
   * leaving its connection idle and kept, with the session open. */
  barge_test_bits_server_set_stuck (f->bits, TRUE);
  job = start_upload (f, "upload", "bits", url, source, TRUE);
  barge_test_wait_job_state (job, "transient-error", SHORT_TIMEOUT_MS);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "connection"), ==, 1);
  g_assert_cmpuint (barge_test_bits_server_get_open_sessions (f->bits), ==, 1);

  barge_test_bits_server_drop_cancels (f->bits, 1);
  cancel_and_wait_removed (f, job);
  /* Well below the backoff's first delay. */
  g_assert_true (poll_until (cancel_seen, f->bits, 3000));
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "drop"), ==, 1);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "connection"), ==, 2);
  g_assert_cmpuint (barge_test_bits_server_get_open_sessions (f->bits), ==, 0);
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

  barge_test_bits_server_set_fragment_delay (f->bits, 150);
  job = start_upload (f, "upload", "bits", url, source, TRUE);
  path = g_strdup (g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)));
  wait_acknowledged (job, 2 * MiB, TRANSFER_TIMEOUT_MS, "2 MiB acknowledged");
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
  /* Ping, every fragment (two or three: they grow) and Close-Session. */
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "Fragment"), >=, 2);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "host-id"), ==,
                    barge_test_bits_server_count (f->bits, "Fragment") + 2);
}

/* Custom headers (an API token, say) go to the origin of the file's URL
 * only, as credentials do: not to the farm host BITS-Host-Id names, a
 * host the server chose ("localhost" for 127.0.0.1 here). The upload
 * still completes. */
static void
test_bits_host_id_no_custom_headers (Fixture *f, gconstpointer data)
{
  const guint64 size = 2 * MiB + 5;
  g_autofree char *source = make_source (f, "farm-headers.bin", size);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "farm-headers.bin");
  g_autofree char *expected = barge_test_expected_sha256 ("farm-headers.bin", size);
  g_autofree char *actual = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;

  barge_test_bits_server_set_host_id (f->bits, "localhost", 0);
  job = start_upload (f, "upload", "bits", url, source, FALSE);
  g_assert_true (barge_dbus_job_call_set_custom_headers_sync (job, g_variant_new_parsed ("[('X-Barge-Test', 'farm-1')]"),
                                                              NULL, &error));
  g_assert_no_error (error);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  actual = barge_test_bits_server_get_sha256 (f->bits, "farm-headers.bin");
  g_assert_cmpstr (actual, ==, expected);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "host-id"), >=, 3);
  /* Create-Session, to the file's origin, only. */
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "X-Barge-Test: farm-1"), ==, 1);
  complete_job (job);
}

/* An upload of @source to the tus creation URL @url fails, never
 * "transferred", with InvalidServerResponse saying @message. */
static void
assert_tus_upload_fails (Fixture *f, const char *url, const char *source, const char *message)
{
  g_autoptr(BargeDBusJob) job = start_upload (f, "upload", "tus", url, source, TRUE);
  const char * const done[] = { "transferred", "error", "transient-error", NULL };

  g_assert_cmpstr (barge_test_wait_job_states (job, done, TRANSFER_TIMEOUT_MS), !=, "transferred");
  barge_test_assert_job_error (job, BARGE_TEST_ERROR_PREFIX "InvalidServerResponse", message);
  barge_test_job_cancel (job);
}

/* A tus server that answers every PATCH 204 without moving Upload-Offset:
 * after a few the upload fails (InvalidServerResponse), instead of
 * sending the same chunk for ever. */
static void
test_tus_stalled_offset (Fixture *f, gconstpointer data)
{
  g_autofree char *source = make_source (f, "stalled.bin", 300 * KiB);
  g_autofree char *url = barge_test_bits_server_get_stalled_tus_url (f->bits, "stalled.bin");

  assert_tus_upload_fails (f, url, source, "keeps answering PATCH with Upload-Offset 0");
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "tus PATCH"), <=, 8);
}

/* Sets ReplyFileName of the job at @path, which failed for want of one,
 * resumes it, and checks that the reply of @size bytes of the content
 * @name arrives there, the job transferred and completed. */
static void
resume_into_reply_file (Fixture *f, BargeDBusJob *job, const char *reply_file, const char *name, gsize size)
{
  const char * const running[] = { "queued", "connecting", "transferring", "transferred", NULL };
  g_autofree char *text = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  barge_test_daemon_set_property (f->daemon, g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)),
                                  BARGE_TEST_JOB_IFACE, "ReplyFileName", g_variant_new_string (reply_file));
  barge_dbus_job_call_resume_sync (job, NULL, &error);
  g_assert_no_error (error);
  /* Out of "error" first: the wait for "transferred" stops at a failure. */
  barge_test_wait_job_states (job, running, TRANSFER_TIMEOUT_MS);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  complete_job (job);
  g_assert_true (g_file_get_contents (reply_file, &text, &length, NULL));
  check_reply ((const guint8 *) text, length, name, size);
}

static gboolean
patched_twice (gpointer user_data)
{
  return barge_test_bits_server_count (user_data, "tus PATCH") >= 2;
}

/* A tus server's 503 with Retry-After: 7 is retried after 7 s, not after
 * MinimumRetryDelay (5 s here); before, only BITS read Retry-After. */
static void
test_tus_retry_after (Fixture *f, gconstpointer data)
{
  g_autofree char *source = make_source (f, "busy.bin", 100 * KiB);
  g_autofree char *url = barge_test_bits_server_get_busy_tus_url (f->bits, "busy.bin");
  gint64 first = g_get_monotonic_time ();
  g_autoptr(BargeDBusJob) job = start_upload (f, "upload", "tus", url, source, TRUE);

  barge_test_wait_job_state (job, "transient-error", TRANSFER_TIMEOUT_MS);
  barge_test_assert_job_error (job, BARGE_TEST_ERROR_PREFIX "HttpServerError", "503");
  g_assert_true (barge_test_wait_until (patched_twice, f->bits, 20000));
  g_test_message ("retried after %.1f s", (g_get_monotonic_time () - first) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - first, >=, 6800 * 1000);
  barge_test_job_cancel (job);
}

/* tusd's 423 (an earlier request still holds the upload's lock, as after
 * a lost connection) is a transient TooManyRequests, retried; before, a
 * fatal HttpClientError that ended the job. */
static void
test_tus_locked (Fixture *f, gconstpointer data)
{
  g_autofree char *source = make_source (f, "locked.bin", 100 * KiB);
  g_autofree char *url = barge_test_bits_server_get_locked_tus_url (f->bits, "locked.bin");
  g_autoptr(BargeDBusJob) job = start_upload (f, "upload", "tus", url, source, TRUE);

  barge_test_wait_job_state (job, "transient-error", TRANSFER_TIMEOUT_MS);
  barge_test_assert_job_error (job, BARGE_TEST_ERROR_PREFIX "TooManyRequests", "423");
  g_assert_true (barge_test_wait_until (patched_twice, f->bits, 20000));
  barge_test_job_cancel (job);
}

/* Every byte acknowledged but "uploaded" not recorded (a stop between the
 * last Ack's two records), the session still open: the next run sends the
 * last fragment again, whose Ack brings the reply's URL, never a fragment
 * of no bytes ("bytes N-(N-1)/N", which a server answers 400, failing the
 * job at every Resume). Made here from a job whose reply was too large
 * (its session stays open), its record edited while barged is stopped. */
static void
test_bits_all_acked_not_uploaded (Fixture *f, gconstpointer data)
{
  const gsize reply_size = 1 * MiB + 1;
  g_autofree char *source = make_source (f, "all-acked.bin", 300 * KiB);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "all-acked.bin");
  g_autofree char *reply_file = g_build_filename (f->dir, "all-acked.dat", NULL);
  g_autofree char *db_path = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeDBusJob) again = NULL;
  sqlite3 *db = NULL;

  barge_test_bits_server_set_reply (f->bits, TRUE, reply_size);
  job = start_upload (f, "upload-reply", "bits", url, source, TRUE);
  path = g_strdup (g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)));
  barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
  barge_test_daemon_stop (f->daemon);
  db_path = g_build_filename (barge_test_daemon_get_state_dir (f->daemon), "jobs.db", NULL);
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "UPDATE job_data SET value = replace (value, '''uploaded'': <true>', "
                                 "'''uploaded'': <false>') WHERE key = 'upload' AND value LIKE '%''uploaded'': <true>%';",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_close (db);
  barge_test_daemon_start (f->daemon);
  again = barge_test_daemon_get_job (f->daemon, path);
  resume_into_reply_file (f, again, reply_file, "reply-all-acked.bin", reply_size);
}

/* A BITS fragment holds one byte at least: an empty source is refused at
 * AddFile, naming the protocols that can send it. Before, it was taken,
 * and every run sent "Content-Range: bytes 0--1/0", which a server
 * answers 400: an upload that could never be done. */
static void
test_bits_empty_source (Fixture *f, gconstpointer data)
{
  g_autofree char *source = make_source (f, "empty.bin", 0);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "empty.bin");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = create_upload_job (f, "upload", "bits", &error);
  g_autoptr(BargeDBusJob) job = NULL;

  g_assert_no_error (error);
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_dbus_job_call_add_file_sync (job, url, source, NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_assert_nonnull (strstr (error->message, "\"tus\" or \"put\""));
  barge_test_job_cancel (job);
}

/* A tus server that says it holds the whole upload after the first chunk:
 * the upload fails (InvalidServerResponse), never "transferred" with the
 * server lacking the bytes it was never sent. Before, the offset was
 * taken as the server gave it. */
static void
test_tus_overclaimed_offset (Fixture *f, gconstpointer data)
{
  g_autofree char *source = make_source (f, "overclaimed.bin", 3 * MiB);
  g_autofree char *url = barge_test_bits_server_get_overclaiming_tus_url (f->bits, "overclaimed.bin");

  assert_tus_upload_fails (f, url, source, "says it holds 3145728 bytes, but only 1048576 were sent");
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "tus PATCH"), ==, 1);
}

/* A server whose Create-Session Ack has a body without end: barged keeps
 * 64 KiB of it, leaves the rest unread (the test server gives up at
 * 64 MiB), and the upload completes. Before, the whole body was read into
 * barged's memory, without bound. */
static void
test_bits_endless_answer (Fixture *f, gconstpointer data)
{
  const guint64 size = 512 * KiB;
  g_autofree char *source = make_source (f, "endless.bin", size);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "endless.bin");
  g_autofree char *expected = barge_test_expected_sha256 ("endless.bin", size);
  g_autofree char *actual = NULL;
  g_autoptr(BargeDBusJob) job = NULL;

  barge_test_bits_server_set_endless_acks (f->bits, TRUE);
  job = start_upload (f, "upload", "bits", url, source, TRUE);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  actual = barge_test_bits_server_get_sha256 (f->bits, "endless.bin");
  g_assert_cmpstr (actual, ==, expected);
  g_test_message ("the server wrote %" G_GUINT64_FORMAT " bytes of the endless Ack",
                  barge_test_bits_server_get_endless_written (f->bits));
  /* 64 KiB read, and what the socket buffers took before the close. */
  g_assert_cmpuint (barge_test_bits_server_get_endless_written (f->bits), <, 16 * MiB);
  complete_job (job);
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

/* A reply is a download of the job's: its BandwidthLimit paces it too.
 * Before, the reply was read as fast as the server sent it. */
static void
test_reply_limited (Fixture *f, gconstpointer data)
{
  const gsize reply_size = 4 * MiB;
  const guint64 limit = 2000000;
  g_autofree char *source = make_source (f, "reply-limited.bin", 64 * KiB);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "reply-limited.bin");
  g_autofree char *reply_file = g_build_filename (f->dir, "limited-answer.dat", NULL);
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GVariant) progress = NULL;
  g_autoptr(GError) error = NULL;
  double seconds, ideal = (double) (reply_size + 64 * KiB) / limit;
  guint64 total, done;
  const char *path;
  gint64 start;

  barge_test_bits_server_set_reply (f->bits, TRUE, reply_size);
  job = start_upload (f, "upload-reply", "bits", url, source, FALSE);
  path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (job));
  barge_test_daemon_set_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "ReplyFileName",
                                  g_variant_new_string (reply_file));
  barge_test_daemon_set_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "BandwidthLimit",
                                  g_variant_new_uint64 (limit));
  start = g_get_monotonic_time ();
  barge_dbus_job_call_resume_sync (job, NULL, &error);
  g_assert_no_error (error);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_test_message ("reply: %.2f s for %.2f s at the limit", seconds, ideal);
  barge_dbus_job_call_get_reply_progress_sync (job, &progress, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (progress, "(tt)", &total, &done);
  g_assert_cmpuint (done, ==, reply_size);
  /* A tenth of a second of credit at the start; the rest is requests. */
  g_assert_cmpfloat (seconds, >=, ideal - 0.15);
  g_assert_cmpfloat (seconds, <=, ideal * 1.5);
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
  /* The property says the same (it came with the state change). */
  g_variant_get (barge_dbus_job_get_reply_progress (job), "(tt)", &total, &done);
  g_assert_cmpuint (total, ==, reply_size);
  g_assert_cmpuint (done, ==, reply_size);

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

/* A reply too large to keep in memory fails the job with TooLarge, whose
 * message says to set ReplyFileName: that is then taken, and a Resume
 * fetches the reply into the file. Before, the setter refused ("the reply
 * has already started") until barged restarted. */
static void
test_reply_too_large_then_file (Fixture *f, gconstpointer data)
{
  const gsize reply_size = 1 * MiB + 1;
  g_autofree char *source = make_source (f, "big-then-file.bin", 10 * KiB);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "big-then-file.bin");
  g_autofree char *reply_file = g_build_filename (f->dir, "big-then-file.dat", NULL);
  g_autoptr(BargeDBusJob) job = NULL;

  barge_test_bits_server_set_reply (f->bits, TRUE, reply_size);
  job = start_upload (f, "upload-reply", "bits", url, source, TRUE);
  barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
  assert_job_error (job, "general-queue-manager", BARGE_TEST_ERROR_PREFIX "TooLarge", "set ReplyFileName");
  resume_into_reply_file (f, job, reply_file, "reply-big-then-file.bin", reply_size);
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
  {
    g_autofree char *sha256 = barge_test_bits_server_get_sha256 (f->bits, "nofolder.bin");
    g_assert_nonnull (sha256);
  }
}

/* A BITS-Reply-URL libsoup cannot send to (no http(s) URL with a host)
 * was kept, and fetching the reply crashed barged (tests/fuzz,
 * bits-headers); so did the retry of a run whose last Ack had no usable
 * BITS-Reply-URL (a reply fetched from no URL). Both must fail as a bad
 * answer. */
static void
test_reply_url_unusable (Fixture *f, gconstpointer data)
{
  static const char *const after_retry[] = { "transient-error", "error", "transferred", NULL };
  g_autofree char *source = make_source (f, "badreply.bin", 10 * KiB);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "badreply.bin");
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeTestStateLog) log = NULL;

  barge_test_bits_server_set_reply (f->bits, TRUE, 1 * KiB);
  barge_test_bits_server_set_reply_url (f->bits, "https:/.//x");
  job = start_upload (f, "upload-reply", "bits", url, source, TRUE);
  log = barge_test_state_log_new (job);
  barge_test_wait_job_state (job, "transient-error", SHORT_TIMEOUT_MS);
  assert_job_error (job, "remote-file", BARGE_TEST_ERROR_PREFIX "InvalidServerResponse", "BITS-Reply-URL");
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "reply"), ==, 0);
  /* The retry (MinimumRetryDelay 5 s) has the server's file but no reply
   * URL: the same error again, from a live barged. */
  barge_test_state_log_mark (log);
  g_assert_cmpstr (barge_test_state_log_wait (log, after_retry, TRANSFER_TIMEOUT_MS), ==, "transient-error");
  assert_job_error (job, "remote-file", BARGE_TEST_ERROR_PREFIX "InvalidServerResponse", "BITS-Reply-URL");
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "reply"), ==, 0);
}

/* The reply's GET follows redirects, but through the check downloads
 * have (barged_request_check_redirect()): here a 302 to a URL of 3000
 * characters and more is refused, the target never asked. Before, libsoup
 * followed any redirect of it (https to http too) unchecked. */
static void
test_reply_redirect_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(BargeFaultServer) server = barge_fault_server_new ();
  g_autofree char *source = make_source (f, "redir.bin", 10 * KiB);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "redir.bin");
  g_autofree char *reply_url = barge_fault_server_get_url (server, "redirect-long", "answer", 100);
  g_autofree char *target = barge_fault_server_get_path ("ok", "answer");
  g_autoptr(GPtrArray) asked = NULL;
  g_autoptr(BargeDBusJob) job = NULL;

  barge_test_bits_server_set_reply (f->bits, TRUE, 100);
  barge_test_bits_server_set_reply_url (f->bits, reply_url);
  job = start_upload (f, "upload-reply", "bits", url, source, TRUE);
  barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
  assert_job_error (job, "remote-file", BARGE_TEST_ERROR_PREFIX "RedirectRefused", "longer than 2200");
  asked = barge_fault_server_get_requests (server, target);
  g_assert_cmpuint (asked->len, ==, 0);
}

/* A server that answers a PUT one header byte a second: libsoup's
 * timeout is per read, so only the deadline on the answer's headers
 * ([Transfer] Timeout, 2 s here, from the end of the body) ends the
 * run, with TimedOut. Before, the run waited for as long as the server
 * trickled (the fault server stops after 60 s). */
static void
test_put_trickled_answer (Fixture *f, gconstpointer data)
{
  g_autoptr(BargeFaultServer) server = barge_fault_server_new ();
  g_autofree char *source = make_source (f, "trickled.bin", 4 * KiB);
  g_autofree char *url = barge_fault_server_get_url (server, "trickle-headers", "trickled.bin", 4 * KiB);
  g_autoptr(BargeDBusJob) job = NULL;
  gint64 start;

  barge_test_daemon_set_config (f->daemon, "[Transfer]\nTimeout=2\n");
  barge_test_daemon_stop (f->daemon);
  barge_test_daemon_start (f->daemon);
  job = start_upload (f, "upload", "put", url, source, TRUE);
  start = g_get_monotonic_time ();
  barge_test_wait_job_state (job, "transient-error", 20000);
  g_test_message ("failed after %.1f s", (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
  assert_job_error (job, "general-transport", BARGE_TEST_ERROR_PREFIX "TimedOut", "response headers");
  barge_test_job_cancel (job);
}

/* A job's TLS options on uploads (BITS and PUT): the server's certificate
 * is of the test CA the daemon does not trust, so without the job's CA the
 * upload fails TlsFailure before a byte is sent; with ca.pem as the job's
 * CA it arrives whole. */
static void
test_tls_options (Fixture *f, gconstpointer data)
{
  const char *protocol = data;
  gboolean bits = g_str_equal (protocol, "bits");
  const guint64 size = 1 * MiB + 3;
  g_autoptr(BargeTestBitsServer) server = barge_test_bits_server_new_tls ();
  g_autofree char *source = make_source (f, "tls.bin", size);
  g_autofree char *url = protocol_url (server, protocol, "tls.bin");
  g_autofree char *ca = g_test_build_filename (G_TEST_DIST, "nginx", "tls", "ca.pem", NULL);
  g_autofree char *expected = barge_test_expected_sha256 ("tls.bin", size);
  g_autofree char *actual = NULL;
  g_autoptr(BargeDBusJob) untrusted = start_upload (f, "upload", protocol, url, source, TRUE);
  g_autoptr(BargeDBusJob) job = start_upload (f, "upload", protocol, url, source, FALSE);
  g_autoptr(GError) error = NULL;
  GVariantBuilder b;

  g_assert_true (g_str_has_prefix (url, "https://"));
  barge_test_wait_job_state (untrusted, "error", TRANSFER_TIMEOUT_MS);
  assert_job_error (untrusted, "general-transport", BARGE_TEST_ERROR_PREFIX "TlsFailure", "not signed by an authority");
  g_assert_cmpuint (barge_test_bits_server_get_bytes_received (server), ==, 0);

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "ca-file", g_variant_new_string (ca));
  g_assert_true (barge_dbus_job_call_set_tls_options_sync (job, g_variant_builder_end (&b), NULL, &error));
  g_assert_no_error (error);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  actual = barge_test_bits_server_get_sha256 (server, "tls.bin");
  g_assert_cmpstr (actual, ==, expected);
  /* One handshake for Create-Session, both fragments and Close-Session
   * (the untrusted job's requests never got past theirs). */
  if (bits)
    g_assert_cmpuint (barge_test_bits_server_count (server, "connection"), ==, 1);
  complete_job (job);
  barge_test_job_cancel (untrusted);
}

typedef struct {
  const char *protocol;
  const char *scheme;           /* "basic" or "digest" */
} CredentialsCase;

static const CredentialsCase bits_basic = { "bits", "basic" };
static const CredentialsCase put_basic = { "put", "basic" };
static const CredentialsCase bits_digest = { "bits", "digest" };
static const CredentialsCase put_digest = { "put", "digest" };

/* Gives JOB credentials for TARGET, runs it to "transferred" and checks
 * that NAME (SIZE bytes) arrived whole, each byte read by the server once:
 * the run's challenge met no body (BITS' Create-Session; the HEAD before
 * a PUT). */
static void
upload_once_with_credentials (Fixture *f, BargeDBusJob *job, const char *target, const char *scheme,
                              const char *user, const char *password, const char *name, guint64 size)
{
  g_autofree char *expected = barge_test_expected_sha256 (name, size);
  g_autofree char *actual = NULL;
  g_autoptr(GError) error = NULL;
  guint64 read_before;

  barge_dbus_job_call_set_credentials_sync (job, target, scheme, user, password, NULL, &error);
  g_assert_no_error (error);
  read_before = barge_test_bits_server_get_body_bytes_read (f->bits);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  actual = barge_test_bits_server_get_sha256 (f->bits, name);
  g_assert_cmpstr (actual, ==, expected);
  g_assert_cmpuint (barge_test_bits_server_get_body_bytes_read (f->bits) - read_before, ==, size);
}

/* A server that asks for Basic or Digest authentication gets the job's
 * credentials: the request that libsoup sends again with them carries its
 * whole body again, and the run's later requests carry them up front (for
 * Digest, each with its own nonce count, which the server checks). Without
 * credentials the job fails with the server's 401. */
static void
test_credentials (Fixture *f, gconstpointer data)
{
  const CredentialsCase *c = data;
  gboolean bits = g_str_equal (c->protocol, "bits");
  const guint64 size = 3 * MiB + 5;
  g_autofree char *source = make_source (f, "auth.bin", size);
  g_autofree char *url = protocol_url (f->bits, c->protocol, "auth.bin");
  g_autoptr(BargeDBusJob) anonymous = NULL;
  g_autoptr(BargeDBusJob) job = NULL;

  if (g_str_equal (c->scheme, "digest"))
    barge_test_bits_server_require_digest (f->bits, "secret");
  else
    barge_test_bits_server_require_basic (f->bits, "alice", "secret");
  anonymous = start_upload (f, "upload", c->protocol, url, source, TRUE);
  barge_test_wait_job_state (anonymous, "error", TRANSFER_TIMEOUT_MS);
  assert_job_error (anonymous, "remote-file", BARGE_TEST_ERROR_PREFIX "RemoteAccessDenied", "401");
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "authorized"), ==, 0);
  barge_test_job_cancel (anonymous);

  job = start_upload (f, "upload", c->protocol, url, source, FALSE);
  upload_once_with_credentials (f, job, "server", c->scheme, "alice", "secret", "auth.bin", size);
  /* Create-Session, the fragments and Close-Session; or the PUT. */
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "authorized"), >=, bits ? 4 : 1);
  /* The anonymous job's, and the first request of the run: the others
   * carried the credentials up front. */
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "401"), ==, 2);
  complete_job (job);
}

/* The answer sent up front is asked of the job's credentials for each
 * request: once RemoveCredentials took them, the next fragment goes
 * without, meets the server's 401 and has nothing to answer it with, and
 * the job fails with RemoteAccessDenied rather than going on with what
 * the run had answered. */
static void
test_credentials_removed (Fixture *f, gconstpointer data)
{
  g_autofree char *source = make_source (f, "removed.bin", 4 * MiB);
  g_autofree char *url = barge_test_bits_server_get_url (f->bits, "removed.bin");
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;

  barge_test_bits_server_require_basic (f->bits, "alice", "secret");
  barge_test_bits_server_set_fragment_delay (f->bits, 300);
  job = start_upload (f, "upload", "bits", url, source, FALSE);
  barge_dbus_job_call_set_credentials_sync (job, "server", "basic", "alice", "secret", NULL, &error);
  g_assert_no_error (error);
  barge_test_job_resume (job);
  wait_acknowledged (job, 1, SHORT_TIMEOUT_MS, "the first acknowledged fragment");
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "401"), ==, 1);
  barge_dbus_job_call_remove_credentials_sync (job, "server", "basic", NULL, &error);
  g_assert_no_error (error);
  barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
  assert_job_error (job, "remote-file", BARGE_TEST_ERROR_PREFIX "RemoteAccessDenied", "401");
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "401"), ==, 2);
  g_assert_null (barge_test_bits_server_get_sha256 (f->bits, "removed.bin"));
  barge_test_bits_server_set_fragment_delay (f->bits, 0);
  barge_test_job_cancel (job);
}

/* A proxy that asks for Basic credentials (407) gets the job's "proxy"
 * ones. The upload's URL is on a port nobody listens on, so only the
 * proxy (the test server, taking the absolute URL) can have taken it.
 * Without them the job fails with ProxyAuthRequired. With them, the run's
 * requests after the first carry them up front: no packet goes out twice. */
static void
test_proxy_credentials (Fixture *f, gconstpointer data)
{
  const char *protocol = data;
  gboolean bits = g_str_equal (protocol, "bits");
  const guint64 size = 3 * MiB + 5;
  g_autofree char *source = make_source (f, "proxied.bin", size);
  g_autofree char *served_url = protocol_url (f->bits, protocol, "proxied.bin");
  g_autoptr(GUri) served = g_uri_parse (served_url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", barge_fault_server_reserve_port (),
                                          g_uri_get_path (served));
  g_autofree char *proxy = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (served));
  const char * const proxies[] = { proxy, NULL };
  const char * const none[] = { NULL };
  g_autoptr(BargeDBusJob) anonymous = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;

  barge_test_bits_server_require_proxy_basic (f->bits, "bob", "pw");
  anonymous = start_upload (f, "upload", protocol, url, source, FALSE);
  barge_dbus_job_call_set_proxy_settings_sync (anonymous, "override", proxies, none, NULL, &error);
  g_assert_no_error (error);
  barge_test_job_resume (anonymous);
  barge_test_wait_job_state (anonymous, "error", TRANSFER_TIMEOUT_MS);
  assert_job_error (anonymous, "remote-file", BARGE_TEST_ERROR_PREFIX "ProxyAuthRequired", "407");
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "proxy-authorized"), ==, 0);
  barge_test_job_cancel (anonymous);

  job = start_upload (f, "upload", protocol, url, source, FALSE);
  barge_dbus_job_call_set_proxy_settings_sync (job, "override", proxies, none, NULL, &error);
  g_assert_no_error (error);
  upload_once_with_credentials (f, job, "proxy", "basic", "bob", "pw", "proxied.bin", size);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "proxy-authorized"), >=, bits ? 4 : 1);
  /* The anonymous job's, and the first request of the run: the others
   * carried the proxy's credentials up front. */
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "407"), ==, 2);
  complete_job (job);
}

void
upload_add_bits_tests (void)
{
  UPLOAD_TEST_ADD ("/upload/create-rules", test_create_rules);
  UPLOAD_TEST_ADD ("/upload/bits/basic", test_bits_basic);
  UPLOAD_TEST_ADD_DATA ("/upload/bits/tls-options", "bits", test_tls_options);
  UPLOAD_TEST_ADD_DATA ("/upload/put/tls-options", "put", test_tls_options);
  UPLOAD_TEST_ADD_DATA ("/upload/bits/custom-headers", "bits", test_custom_headers);
  UPLOAD_TEST_ADD_DATA ("/upload/put/custom-headers", "put", test_custom_headers);
  UPLOAD_TEST_ADD_DATA ("/upload/bits/credentials", &bits_basic, test_credentials);
  UPLOAD_TEST_ADD_DATA ("/upload/put/credentials", &put_basic, test_credentials);
  UPLOAD_TEST_ADD_DATA ("/upload/bits/credentials-digest", &bits_digest, test_credentials);
  UPLOAD_TEST_ADD_DATA ("/upload/put/credentials-digest", &put_digest, test_credentials);
  UPLOAD_TEST_ADD ("/upload/bits/credentials-removed", test_credentials_removed);
  UPLOAD_TEST_ADD_DATA ("/upload/bits/proxy-credentials", "bits", test_proxy_credentials);
  UPLOAD_TEST_ADD_DATA ("/upload/put/proxy-credentials", "put", test_proxy_credentials);
  UPLOAD_TEST_ADD ("/upload/bits/resync", test_bits_resync);
  UPLOAD_TEST_ADD_DATA ("/upload/bits/limited", "bits", test_upload_limited);
  UPLOAD_TEST_ADD_DATA ("/upload/put/limited", "put", test_upload_limited);
  UPLOAD_TEST_ADD_DATA ("/upload/bits/fragments-grow", GINT_TO_POINTER (FALSE), test_bits_fragments_grow);
  UPLOAD_TEST_ADD_DATA ("/upload/bits/fragments-capped", GINT_TO_POINTER (TRUE), test_bits_fragments_grow);
  UPLOAD_TEST_ADD ("/upload/bits/dropped", test_bits_dropped);
  UPLOAD_TEST_ADD ("/upload/bits/kept", test_bits_kept);
  UPLOAD_TEST_ADD ("/upload/bits/kept-lost", test_bits_kept_lost);
  UPLOAD_TEST_ADD ("/upload/bits/tls-kept-lost", test_bits_tls_kept_lost);
  UPLOAD_TEST_ADD ("/upload/bits/app-error", test_bits_app_error);
  UPLOAD_TEST_ADD ("/upload/bits/stuck", test_bits_stuck);
  UPLOAD_TEST_ADD ("/upload/bits/local-change", test_bits_local_change);
  UPLOAD_TEST_ADD ("/upload/bits/cancel", test_bits_cancel);
  UPLOAD_TEST_ADD ("/upload/bits/cancel-kept-lost", test_bits_cancel_kept_lost);
  UPLOAD_TEST_ADD ("/upload/bits/cancel-restored-takes-job-proxy", test_bits_cancel_restored_takes_job_proxy);
  UPLOAD_TEST_ADD ("/upload/bits/crash", test_bits_crash);
  UPLOAD_TEST_ADD ("/upload/bits/host-id", test_bits_host_id);
  UPLOAD_TEST_ADD ("/upload/bits/endless-answer", test_bits_endless_answer);
  UPLOAD_TEST_ADD ("/upload/tus/stalled-offset", test_tus_stalled_offset);
  UPLOAD_TEST_ADD ("/upload/tus/overclaimed-offset", test_tus_overclaimed_offset);
  UPLOAD_TEST_ADD ("/upload/tus/retry-after", test_tus_retry_after);
  UPLOAD_TEST_ADD ("/upload/tus/locked", test_tus_locked);
  UPLOAD_TEST_ADD ("/upload/bits/sessions-always-lost", test_bits_sessions_always_lost);
  UPLOAD_TEST_ADD ("/upload/bits/all-acked-not-uploaded", test_bits_all_acked_not_uploaded);
  UPLOAD_TEST_ADD ("/upload/bits/empty-source", test_bits_empty_source);
  UPLOAD_TEST_ADD ("/upload/bits/host-id-no-custom-headers", test_bits_host_id_no_custom_headers);
  UPLOAD_TEST_ADD ("/upload/bits/host-id-fallback", test_bits_host_id_fallback);
  UPLOAD_TEST_ADD ("/upload/reply/file", test_reply);
  UPLOAD_TEST_ADD ("/upload/reply/limited", test_reply_limited);
  UPLOAD_TEST_ADD ("/upload/reply/in-memory", test_reply_in_memory);
  UPLOAD_TEST_ADD ("/upload/reply/too-large", test_reply_too_large);
  UPLOAD_TEST_ADD ("/upload/reply/too-large-then-file", test_reply_too_large_then_file);
  UPLOAD_TEST_ADD ("/upload/reply/missing-folder", test_reply_missing_folder);
  UPLOAD_TEST_ADD ("/upload/reply/url-unusable", test_reply_url_unusable);
  UPLOAD_TEST_ADD ("/upload/reply/redirect-refused", test_reply_redirect_refused);
  UPLOAD_TEST_ADD ("/upload/put/trickled-answer", test_put_trickled_answer);
}
