/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargeTestUpload"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "upload-fixture.h"

/* Servers written by others: nginx WebDAV for put (and the in-tree server
 * for a cut-off PUT), @tus/server for tus. */

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

/* A PUT that goes on a connection another upload left idle, which the
 * server closes unanswered: libsoup sends a PUT (an idempotent method)
 * again by itself, and the second one must carry the whole file too. */
static void
test_put_kept_lost (Fixture *f, gconstpointer data)
{
  const guint64 size = 2 * MiB;
  g_autofree char *first_source = make_source (f, "first.bin", 64 * KiB);
  g_autofree char *first_url = barge_test_bits_server_get_put_url (f->bits, "first.bin");
  g_autofree char *source = make_source (f, "lost.bin", size);
  g_autofree char *url = barge_test_bits_server_get_put_url (f->bits, "lost.bin");
  g_autofree char *expected = barge_test_expected_sha256 ("lost.bin", size);
  g_autofree char *actual = NULL;
  g_autoptr(BargeDBusJob) first = start_upload (f, "upload", "put", first_url, first_source, TRUE);
  g_autoptr(BargeDBusJob) job = NULL;

  barge_test_wait_job_state (first, "transferred", TRANSFER_TIMEOUT_MS);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "connection"), ==, 1);
  barge_test_bits_server_drop_next_put (f->bits);
  job = start_upload (f, "upload", "put", url, source, TRUE);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  actual = barge_test_bits_server_get_sha256 (f->bits, "lost.bin");
  g_assert_cmpstr (actual, ==, expected);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "drop"), ==, 1);
  g_assert_cmpuint (barge_test_bits_server_count (f->bits, "PUT"), ==, 3);
  g_assert_cmpuint (barge_dbus_job_get_error_count (job), ==, 0);
  complete_job (first);
  complete_job (job);
}

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
start_tus_full (Fixture *f, guint expiry_ms, guint delay_ms, guint drop_kept_patch, const char *auth,
                guint max_patch_body)
{
  g_autofree char *skip = NULL;
  UploadPeer *tus = upload_peer_tus_new (f->dir, expiry_ms, delay_ms, drop_kept_patch, auth, max_patch_body, &skip);

  if (tus == NULL)
    g_test_skip (skip);
  return tus;
}

static UploadPeer *
start_tus_auth (Fixture *f, guint expiry_ms, guint delay_ms, guint drop_kept_patch, const char *auth)
{
  return start_tus_full (f, expiry_ms, delay_ms, drop_kept_patch, auth, 0);
}

static UploadPeer *
start_tus (Fixture *f, guint expiry_ms, guint delay_ms, guint drop_kept_patch)
{
  return start_tus_full (f, expiry_ms, delay_ms, drop_kept_patch, NULL, 0);
}

/* Starts (resumed) an upload to TUS of SIZE bytes of the content NAME, made
 * in the test folder; its path goes to *SOURCE unless SOURCE is NULL. */
static BargeDBusJob *
start_tus_upload (Fixture *f, UploadPeer *tus, const char *name, guint64 size, char **source)
{
  g_autofree char *path = make_source (f, name, size);
  BargeDBusJob *job = start_upload (f, "upload", "tus", upload_peer_get_url (tus), path, TRUE);

  if (source != NULL)
    *source = g_steal_pointer (&path);
  return job;
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
  g_autoptr(UploadPeer) tus = start_tus (f, 0, 0, 0);
  g_autoptr(BargeDBusJob) job = NULL;
  guint64 total, done;

  if (tus == NULL)
    return;
  job = start_tus_upload (f, tus, "tus.bin", size, NULL);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  get_progress (job, &total, &done);
  g_assert_cmpuint (done, ==, size);
  assert_tus_file (tus, "tus.bin", size, 1);
  /* The POST and every PATCH on one connection: the server answers each
   * PATCH with a 204 that has no Content-Length, after which libsoup 3.2
   * alone would close it (barged_request_keep_bodyless_alive()). */
  g_assert_cmpuint (upload_peer_tus_count_connections (tus), ==, 1);
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

/* Behind a proxy that takes bodies of at most 1.5 MiB (nginx's
 * client_max_body_size 1m, say), the chunks that grew past it get 413:
 * the chunk halves and the upload goes on, whole. Before, the 413 failed
 * the job, and every Resume met it again. */
static void
test_tus_too_large (Fixture *f, gconstpointer data)
{
  const guint64 size = 9 * MiB + 5;
  g_autoptr(UploadPeer) tus = start_tus_full (f, 0, 0, 0, NULL, 3 * MiB / 2);
  g_autoptr(BargeDBusJob) job = NULL;

  if (tus == NULL)
    return;
  job = start_tus_upload (f, tus, "too-large.bin", size, NULL);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  /* 1 MiB, then 2 MiB refused once: 1 MiB chunks from there. */
  g_assert_cmpuint (upload_peer_tus_count_too_large (tus), ==, 1);
  assert_tus_file (tus, "too-large.bin", size, 1);
}

/* A tus server that asks for Basic credentials: a job without them fails
 * with RemoteAccessDenied; a job with them is transferred byte-exact, its
 * POST sent again with them and its PATCHes (on the upload URL the server
 * gave, same origin) carrying them up front: 2 requests challenged in
 * all, the anonymous job's and the run's first. */
static void
test_tus_credentials (Fixture *f, gconstpointer data)
{
  const guint64 size = 3 * MiB + 77;
  g_autoptr(UploadPeer) tus = start_tus_auth (f, 0, 0, 0, "alice:secret");
  g_autofree char *source = NULL;
  g_autoptr(BargeDBusJob) anonymous = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;

  if (tus == NULL)
    return;
  anonymous = start_tus_upload (f, tus, "tus-auth.bin", size, &source);
  barge_test_wait_job_state (anonymous, "error", TRANSFER_TIMEOUT_MS);
  assert_job_error (anonymous, "remote-file", BARGE_TEST_ERROR_PREFIX "RemoteAccessDenied", "401");
  g_assert_cmpuint (upload_peer_tus_count_challenges (tus), ==, 1);
  barge_test_job_cancel (anonymous);

  job = start_upload (f, "upload", "tus", upload_peer_get_url (tus), source, FALSE);
  barge_dbus_job_call_set_credentials_sync (job, "server", "basic", "alice", "secret", NULL, &error);
  g_assert_no_error (error);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  assert_tus_file (tus, "tus-auth.bin", size, 1);
  g_assert_cmpuint (upload_peer_tus_count_challenges (tus), ==, 2);
}

/* The server closes a kept connection as the second PATCH comes on it:
 * the run asks the server's offset again and goes on at once, over a
 * new connection, with no error for the job. */
static void
test_tus_kept_lost (Fixture *f, gconstpointer data)
{
  const guint64 size = 3 * MiB + 77;
  g_autoptr(UploadPeer) tus = start_tus (f, 0, 0, 2);
  g_autoptr(BargeDBusJob) job = NULL;

  if (tus == NULL)
    return;
  job = start_tus_upload (f, tus, "tus-lost.bin", size, NULL);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  assert_tus_file (tus, "tus-lost.bin", size, 1);
  g_assert_cmpuint (barge_dbus_job_get_error_count (job), ==, 0);
  g_assert_cmpuint (upload_peer_tus_count_connections (tus), ==, 2);
}

static void
test_tus_crash (Fixture *f, gconstpointer data)
{
  const guint64 size = 8 * MiB;
  g_autoptr(UploadPeer) tus = start_tus (f, 0, 150, 0);
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeDBusJob) again = NULL;

  if (tus == NULL)
    return;
  job = start_tus_upload (f, tus, "tus-crash.bin", size, NULL);
  path = g_strdup (g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)));
  wait_acknowledged (job, 2 * MiB, TRANSFER_TIMEOUT_MS, "2 MiB acknowledged");
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
  g_autoptr(UploadPeer) tus = start_tus (f, 1500, 150, 0);
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) uploads = NULL;

  g_autofree char *source = NULL;

  if (tus == NULL)
    return;
  /* At 1 MiB/s the upload is still under way when the test suspends it:
   * unlimited, the PATCH in flight at 1 MiB may carry the rest (it did,
   * with @tus/server 2.4.5), and nothing would expire. */
  source = make_source (f, "tus-exp.bin", size);
  job = start_upload (f, "upload", "tus", upload_peer_get_url (tus), source, FALSE);
  barge_test_daemon_set_property (f->daemon, g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)),
                                  BARGE_TEST_JOB_IFACE, "BandwidthLimit", g_variant_new_uint64 (1 * MiB));
  barge_dbus_job_call_resume_sync (job, NULL, &error);
  g_assert_no_error (error);
  wait_acknowledged (job, 1 * MiB, TRANSFER_TIMEOUT_MS, "1 MiB acknowledged");
  barge_dbus_job_call_suspend_sync (job, NULL, &error);
  g_assert_no_error (error);
  /* Past Upload-Expires: the upload starts over in a new resource, at
   * full speed now (it must end within the server's 1.5 s). */
  barge_test_run_for (2500);
  barge_test_daemon_set_property (f->daemon, g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)),
                                  BARGE_TEST_JOB_IFACE, "BandwidthLimit", g_variant_new_uint64 (0));
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
  /* PATCHes slower than 250 ms keep their 1 MiB: most of the file is not
   * read yet when it changes. */
  g_autoptr(UploadPeer) tus = start_tus (f, 0, 300, 0);
  g_autofree char *source = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;

  if (tus == NULL)
    return;
  job = start_tus_upload (f, tus, "tus-change.bin", 6 * MiB, &source);
  wait_acknowledged (job, 1 * MiB, TRANSFER_TIMEOUT_MS, "1 MiB acknowledged");
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
  g_autoptr(UploadPeer) tus = start_tus (f, 0, 200, 0);
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;

  if (tus == NULL)
    return;
  job = start_tus_upload (f, tus, "tus-cancel.bin", 6 * MiB, NULL);
  wait_acknowledged (job, 1 * MiB, TRANSFER_TIMEOUT_MS, "1 MiB acknowledged");
  barge_dbus_job_call_cancel_sync (job, NULL, &error);
  g_assert_no_error (error);
  /* Termination: the server deletes the upload. */
  g_assert_true (poll_until (tus_empty, tus, SHORT_TIMEOUT_MS));
}

void
upload_add_peer_tests (void)
{
  UPLOAD_TEST_ADD ("/upload/put/nginx", test_put_nginx);
  UPLOAD_TEST_ADD ("/upload/put/restart", test_put_restart);
  UPLOAD_TEST_ADD ("/upload/put/kept-lost", test_put_kept_lost);
  UPLOAD_TEST_ADD ("/upload/tus/basic", test_tus_basic);
  UPLOAD_TEST_ADD ("/upload/tus/too-large", test_tus_too_large);
  UPLOAD_TEST_ADD ("/upload/tus/kept-lost", test_tus_kept_lost);
  UPLOAD_TEST_ADD ("/upload/tus/credentials", test_tus_credentials);
  UPLOAD_TEST_ADD ("/upload/tus/crash", test_tus_crash);
  UPLOAD_TEST_ADD ("/upload/tus/expired", test_tus_expired);
  UPLOAD_TEST_ADD ("/upload/tus/cancel", test_tus_cancel);
  UPLOAD_TEST_ADD ("/upload/tus/local-change", test_tus_local_change);
}
