/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verified files (issue 17, item 3): AddFileWithOptions with "sha256",
 * "sha512" and "size"; a file counts as transferred only with the right
 * bytes (Verified); a wrong one puts the job in "error" with
 * ChecksumMismatch naming the file, keeps its bytes until a Resume starts it
 * over; the digest survives a SIGKILL in the middle (the prefix is read
 * back), segments, and the syncer's batches of small files; bad options add
 * nothing. */
#define G_LOG_DOMAIN "BargeTestVerify"

#include "config.h"

#include <string.h>


#define TRANSFER_TIMEOUT_MS 60000
#define ZEROES_SHA256 "0000000000000000000000000000000000000000000000000000000000000000"

#define SERVER_FIXTURE_CONFIG "[Transfer]\nCheckpointInterval=200\n"
#include "server-fixture.h"

static BargeDBusJob *
new_job (Fixture *f, const char *priority, guint32 max_segments, char **path)
{
  g_autoptr(GError) error = NULL;
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "priority", g_variant_new_string (priority));
  g_variant_builder_add (&b, "{sv}", "max-segments", g_variant_new_uint32 (max_segments));
  g_assert_true (barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "verify",
                                                          "download", g_variant_builder_end (&b), path, NULL,
                                                          &error));
  g_assert_no_error (error);
  return barge_test_daemon_get_job (f->daemon, *path);
}

/* AddFileWithOptions for NAME of SIZE at RATE, checked against DIGEST
 * ("sha256" or "sha512" with its hex; NULL: the right SHA-256) and
 * CHECK_SIZE (0: none). */
static gboolean
add_checked (Fixture *f, BargeDBusJob *job, const char *name, guint64 size, guint64 rate, const char *kind,
             const char *digest, guint64 check_size, GError **error)
{
  g_autofree char *url = barge_test_server_get_data_url (f->server, name, size, rate);
  g_autofree char *dest = g_build_filename (f->dir, name, NULL);
  g_autofree char *right = barge_test_expected_sha256 (name, size);
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  if (kind != NULL)
    g_variant_builder_add (&b, "{sv}", kind, g_variant_new_string (digest != NULL ? digest : right));
  if (check_size != 0)
    g_variant_builder_add (&b, "{sv}", "size", g_variant_new_uint64 (check_size));
  return barge_dbus_job_call_add_file_with_options_sync (job, url, dest, g_variant_builder_end (&b), NULL, error);
}

static gboolean
verified (Fixture *f, BargeDBusJob *job, guint index)
{
  g_autoptr(GVariant) v = barge_test_job_file_property (f->daemon, job, index, "Verified");

  return g_variant_get_boolean (v);
}

static void
finish (Fixture *f, BargeDBusJob *job, const char *path)
{
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
}

/* The right SHA-256 and size: Verified, and the properties say what was asked. */
static void
test_good (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = new_job (f, "normal", 1, &path);
  g_autofree char *right = barge_test_expected_sha256 ("good", 3 * MiB + 5);
  g_autofree char *expected = g_strconcat ("sha256:", right, NULL);
  g_autofree char *dest = g_build_filename (f->dir, "good", NULL);
  g_autoptr(GVariant) digest = NULL;
  g_autoptr(GVariant) size = NULL;

  g_assert_true (add_checked (f, job, "good", 3 * MiB + 5, 0, "sha256", NULL, 3 * MiB + 5, &error));
  g_assert_no_error (error);
  digest = barge_test_job_file_property (f->daemon, job, 0, "ExpectedDigest");
  size = barge_test_job_file_property (f->daemon, job, 0, "ExpectedSize");
  g_assert_cmpstr (g_variant_get_string (digest, NULL), ==, expected);
  g_assert_cmpuint (g_variant_get_uint64 (size), ==, 3 * MiB + 5);
  g_assert_false (verified (f, job, 0));
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  g_assert_true (verified (f, job, 0));
  finish (f, job, path);
  barge_test_assert_file_content (dest, "good", 3 * MiB + 5);
}

/* A wrong digest: "error" with ChecksumMismatch, both values in the
 * message, the bytes kept in the temporary file; a Resume starts the file
 * over (no Range) and fails the same way; Cancel removes the temporary. */
static void
test_mismatch (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = new_job (f, "normal", 1, &path);
  g_autofree char *right = barge_test_expected_sha256 ("bad", 1 * MiB);
  g_autofree char *data_path = barge_test_server_get_data_path ("bad");
  g_autofree char *file_path = NULL;
  g_autoptr(GVariant) temporary = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(BargeTestStateLog) log = barge_test_state_log_new (job);
  const char * const ends[] = { "transferred", "error", NULL };
  const char *context, *name, *message, *file;

  g_assert_true (add_checked (f, job, "bad", 1 * MiB, 0, "sha256", ZEROES_SHA256, 0, &error));
  g_assert_no_error (error);
  file_path = barge_test_job_file_path (f->daemon, job, 0);
  barge_test_state_log_mark (log);
  barge_test_job_resume (job);
  g_assert_cmpstr (barge_test_state_log_wait (log, ends, TRANSFER_TIMEOUT_MS), ==, "error");
  g_variant_get (barge_dbus_job_get_error (job), "(&s&s&s&s)", &context, &name, &message, &file);
  g_test_message ("Error: %s %s \"%s\" %s", context, name, message, file);
  g_assert_cmpstr (name, ==, BARGE_TEST_ERROR_PREFIX "ChecksumMismatch");
  g_assert_cmpstr (file, ==, file_path);
  g_assert_nonnull (strstr (message, right));
  g_assert_nonnull (strstr (message, ZEROES_SHA256));
  g_assert_false (verified (f, job, 0));
  temporary = barge_test_job_file_property (f->daemon, job, 0, "TemporaryPath");
  barge_test_assert_file_content (g_variant_get_string (temporary, NULL), "bad", 1 * MiB);

  barge_test_state_log_mark (log);
  barge_test_job_resume (job);
  g_assert_cmpstr (barge_test_state_log_wait (log, ends, TRANSFER_TIMEOUT_MS), ==, "error");
  requests = barge_test_server_get_requests (f->server, data_path);
  g_assert_cmpuint (requests->len, ==, 2);
  g_assert_null (((BargeTestRequest *) g_ptr_array_index (requests, 1))->range);
  barge_test_job_cancel (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  g_assert_false (g_file_test (g_variant_get_string (temporary, NULL), G_FILE_TEST_EXISTS));
}

/* The size alone is checked too; and SHA-512. */
static void
test_size_and_sha512 (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = new_job (f, "normal", 1, &path);
  g_autofree char *path2 = NULL;
  g_autoptr(BargeDBusJob) job2 = new_job (f, "normal", 1, &path2);
  g_autofree char *dest = g_build_filename (f->dir, "sized", NULL);
  const char *context, *name, *message, *file;
  g_autofree char *sha512 = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (add_checked (f, job, "short", 100 * KiB, 0, NULL, NULL, 100 * KiB + 1, &error));
  g_assert_no_error (error);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
  g_variant_get (barge_dbus_job_get_error (job), "(&s&s&s&s)", &context, &name, &message, &file);
  g_assert_cmpstr (name, ==, BARGE_TEST_ERROR_PREFIX "ChecksumMismatch");
  g_assert_nonnull (strstr (message, "102401"));
  barge_test_job_cancel (job);

  /* SHA-512 of the content, computed here. */
  contents = g_malloc (2 * MiB);
  barge_test_fill_content ("sized", 0, (guint8 *) contents, 2 * MiB);
  length = 2 * MiB;
  sha512 = g_compute_checksum_for_data (G_CHECKSUM_SHA512, (const guint8 *) contents, length);
  g_assert_true (add_checked (f, job2, "sized", 2 * MiB, 0, "sha512", sha512, 2 * MiB, &error));
  g_assert_no_error (error);
  barge_test_job_resume (job2);
  barge_test_wait_job_state (job2, "transferred", TRANSFER_TIMEOUT_MS);
  g_assert_true (verified (f, job2, 0));
  finish (f, job2, path2);
  barge_test_assert_file_content (dest, "sized", 2 * MiB);
}

/* Verified across a SIGKILL in the middle: the new barged reads the
 * prefix back (the later request asks with Range) and the file passes;
 * a wrong digest across the same kill fails. */
static void
test_resume_after_kill (Fixture *f, gconstpointer data)
{
  const guint64 size = 8 * MiB;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = new_job (f, "normal", 1, &path);
  g_autofree char *data_path = barge_test_server_get_data_path ("killed");
  g_autoptr(GPtrArray) requests = NULL;
  g_autofree char *dest = g_build_filename (f->dir, "killed", NULL);
  gboolean resumed = FALSE;

  g_assert_true (add_checked (f, job, "killed", size, 4 * MiB, "sha256", NULL, 0, &error));
  g_assert_no_error (error);
  barge_test_job_resume (job);
  barge_test_assert_wait (barge_test_job_has_some_bytes, job, TRANSFER_TIMEOUT_MS, "256 KiB in");
  /* A checkpoint (every 200 ms) has made some of them durable. */
  g_usleep (600 * 1000);
  barge_test_daemon_kill (f->daemon);
  barge_test_daemon_start (f->daemon);
  g_clear_object (&job);
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  g_assert_true (verified (f, job, 0));
  requests = barge_test_server_get_requests (f->server, data_path);
  for (guint i = 0; i < requests->len; i++)
    resumed |= barge_test_range_start (((BargeTestRequest *) g_ptr_array_index (requests, i))->range) > 0;
  g_assert_true (resumed);
  finish (f, job, path);
  barge_test_assert_file_content (dest, "killed", size);
}

/* A file fetched by four connections: the pieces main did not write are
 * read back once at the end, and the file passes (or fails). */
static void
test_segmented (Fixture *f, gconstpointer data)
{
  const guint64 size = 24 * MiB;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = new_job (f, "foreground", 4, &path);
  g_autofree char *data_path = barge_test_server_get_data_path ("split");
  g_autoptr(GPtrArray) requests = NULL;
  guint closed = 0;

  g_assert_true (add_checked (f, job, "split", size, 8 * MiB, "sha256", NULL, size, &error));
  g_assert_no_error (error);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  g_assert_true (verified (f, job, 0));
  requests = barge_test_server_get_requests (f->server, data_path);
  for (guint i = 0; i < requests->len; i++)
    {
      const char *range = ((BargeTestRequest *) g_ptr_array_index (requests, i))->range;

      closed += range != NULL && !g_str_has_suffix (range, "-");
    }
  g_assert_cmpuint (closed, >=, 1);
  finish (f, job, path);
}

/* Small files end in the syncer's batches, their last bytes hashed on the
 * way: 20 pass, the one with a wrong digest fails alone. */
static void
test_small_files (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = new_job (f, "normal", 1, &path);
  const char *context, *name, *message, *file;
  g_autofree char *bad_path = NULL;

  for (guint i = 0; i < 21; i++)
    {
      g_autofree char *file_name = g_strdup_printf ("small-%02u", i);

      g_assert_true (add_checked (f, job, file_name, 16 * KiB + i, 0, "sha256", i == 13 ? ZEROES_SHA256 : NULL, 0,
                                  &error));
      g_assert_no_error (error);
    }
  bad_path = barge_test_job_file_path (f->daemon, job, 13);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
  g_variant_get (barge_dbus_job_get_error (job), "(&s&s&s&s)", &context, &name, &message, &file);
  g_assert_cmpstr (name, ==, BARGE_TEST_ERROR_PREFIX "ChecksumMismatch");
  g_assert_cmpstr (file, ==, bad_path);
  /* The others that came are verified (a job stops at its first error:
   * some may not have run). */
  for (guint i = 0; i < 21; i++)
    {
      g_autoptr(GVariant) progress = barge_test_job_file_property (f->daemon, job, i, "Progress");
      guint64 total, done;
      gboolean completed;

      g_variant_get (progress, "(ttb)", &total, &done, &completed);
      if (i != 13 && total != G_MAXUINT64 && done == total && verified (f, job, i))
        continue;
      g_assert_false (verified (f, job, i));
    }
  g_assert_true (verified (f, job, 0));
  barge_test_job_cancel (job);
}

/* What a server says the file hashes to (RFC 9530 Repr-Digest, RFC 3230
 * Digest) is checked for a file without a digest of the client's: a wrong
 * one is the job's error; a right one, also after a resume, verifies. */
static void
test_server_digest (Fixture *f, gconstpointer data)
{
  const char *how[] = { "repr", "legacy", "wrong" };

  for (guint i = 0; i < G_N_ELEMENTS (how); i++)
    {
      g_autofree char *name = g_strdup_printf ("served-%s", how[i]);
      g_autofree char *base = barge_test_server_get_data_url (f->server, name, 2 * MiB, 0);
      g_autofree char *url = g_strconcat (base, "&digest=", how[i], NULL);
      g_autofree char *dest = g_build_filename (f->dir, name, NULL);
      g_autofree char *path = NULL;
      g_autoptr(BargeDBusJob) job = new_job (f, "normal", 1, &path);
      const char *context, *error_name, *message, *file;

      barge_test_job_add_file (job, url, dest);
      barge_test_job_resume (job);
      if (g_str_equal (how[i], "wrong"))
        {
          barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
          g_variant_get (barge_dbus_job_get_error (job), "(&s&s&s&s)", &context, &error_name, &message, &file);
          g_test_message ("%s", message);
          g_assert_cmpstr (error_name, ==, BARGE_TEST_ERROR_PREFIX "ChecksumMismatch");
          g_assert_nonnull (strstr (message, "Repr-Digest"));
          barge_test_job_cancel (job);
          continue;
        }
      barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
      g_assert_true (verified (f, job, 0));
      finish (f, job, path);
      barge_test_assert_file_content (dest, name, 2 * MiB);
    }
}

/* Bad options: InvalidArgument with what is accepted, nothing added; an
 * upload job: NotSupported. */
static void
test_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = new_job (f, "normal", 1, &path);
  g_autofree char *url = barge_test_server_get_data_url (f->server, "refused", 1000, 0);
  g_autofree char *dest = g_build_filename (f->dir, "refused", NULL);
  g_autofree char *sha = barge_test_expected_sha256 ("refused", 1000);
  g_autofree char *upper = g_ascii_strup (sha, -1);
  g_autofree char *upload_path = NULL;
  g_autoptr(BargeDBusJob) upload = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder b;
  const struct {
    const char *key;
    GVariant *value;
    const char *said;
  } bad[] = {
    { "sha256", g_variant_new_string ("abc"), "64 hexadecimal digits, not 3" },
    { "sha256", g_variant_new_string ("zz3b2a2c8f5f3e6a1d3c4b5a69788796a5b4c3d2e1f00112233445566778899a"), "other characters" },
    { "sha512", g_variant_new_string (sha), "128 hexadecimal digits" },
    { "md5", g_variant_new_string ("d41d8cd98f00b204e9800998ecf8427e"), "unknown file option" },
    { "size", g_variant_new_string ("1000"), "the file option \"size\" is of type t, not s" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&b, "{sv}", bad[i].key, bad[i].value);
      g_assert_false (barge_dbus_job_call_add_file_with_options_sync (job, url, dest, g_variant_builder_end (&b),
                                                                      NULL, &error));
      barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
      g_test_message ("%s: %s", bad[i].key, error->message);
      g_assert_nonnull (strstr (error->message, bad[i].said));
      g_clear_error (&error);
    }
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "sha256", g_variant_new_string (sha));
  g_variant_builder_add (&b, "{sv}", "sha512", g_variant_new_string (sha));
  g_assert_false (barge_dbus_job_call_add_file_with_options_sync (job, url, dest, g_variant_builder_end (&b), NULL,
                                                                  &error));
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_clear_error (&error);
  g_assert_cmpuint (g_strv_length ((char **) barge_dbus_job_get_files (job)), ==, 0);
  {
    g_autoptr(GVariant) progress = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "Progress");
    guint64 a, b2, files_total, d;

    g_variant_get (progress, "(tttt)", &a, &b2, &files_total, &d);
    g_assert_cmpuint (files_total, ==, 0);
  }
  /* Upper case is fine. */
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "sha256", g_variant_new_string (upper));
  g_assert_true (barge_dbus_job_call_add_file_with_options_sync (job, url, dest, g_variant_builder_end (&b), NULL,
                                                                 &error));
  g_assert_no_error (error);

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "upload-protocol", g_variant_new_string ("put"));
  g_assert_true (barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "up", "upload",
                                                          g_variant_builder_end (&b), &upload_path, NULL, &error));
  upload = barge_test_daemon_get_job (f->daemon, upload_path);
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "sha256", g_variant_new_string (sha));
  g_assert_false (barge_dbus_job_call_add_file_with_options_sync (upload, url, dest, g_variant_builder_end (&b), NULL,
                                                                  &error));
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "NotSupported");
  barge_test_job_cancel (job);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  BARGE_TEST_ADD ("/verify/good", test_good);
  BARGE_TEST_ADD ("/verify/mismatch", test_mismatch);
  BARGE_TEST_ADD ("/verify/size-and-sha512", test_size_and_sha512);
  BARGE_TEST_ADD ("/verify/resume-after-kill", test_resume_after_kill);
  BARGE_TEST_ADD ("/verify/segmented", test_segmented);
  BARGE_TEST_ADD ("/verify/small-files", test_small_files);
  BARGE_TEST_ADD ("/verify/server-digest", test_server_digest);
  BARGE_TEST_ADD ("/verify/refused", test_refused);
  return g_test_run ();
}
