/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Byte ranges (issue 17, item 2; BITS AddFileWithRanges): a file added
 * with AddFileWithOptions "ranges" asks for those bytes only, one Range
 * request each, writes them at their offsets and counts them in Progress;
 * each range resumes on its own after a SIGKILL; a server that ignores
 * ranges, or a range past the end of the file, is InvalidRange; bad ranges
 * add nothing. */
#define G_LOG_DOMAIN "BargeTestRanges"

#include "config.h"

#include <string.h>


#define TRANSFER_TIMEOUT_MS 60000
#define TO_EOF G_MAXUINT64

#define SERVER_FIXTURE_CONFIG "[Transfer]\nCheckpointInterval=200\n" "[Jobs]\nMaxRangesPerFile=4\n"
#include "server-fixture.h"

static BargeDBusJob *
new_job (Fixture *f, char **path)
{
  g_autoptr(GError) error = NULL;
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "priority", g_variant_new_string ("normal"));
  g_assert_true (barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "ranges",
                                                          "download", g_variant_builder_end (&b), path, NULL,
                                                          &error));
  g_assert_no_error (error);
  return barge_test_daemon_get_job (f->daemon, *path);
}

/* @ranges: (offset, length) pairs, @n of them; @size: a "size" option, or 0. */
static gboolean
add_ranges (BargeDBusJob *job, const char *url, const char *dest, const guint64 *ranges, guint n, guint64 size,
            const char *sha256, GError **error)
{
  GVariantBuilder b, r;

  g_variant_builder_init (&r, G_VARIANT_TYPE ("a(tt)"));
  for (guint i = 0; i < n; i++)
    g_variant_builder_add (&r, "(tt)", ranges[2 * i], ranges[2 * i + 1]);
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "ranges", g_variant_builder_end (&r));
  if (size != 0)
    g_variant_builder_add (&b, "{sv}", "size", g_variant_new_uint64 (size));
  if (sha256 != NULL)
    g_variant_builder_add (&b, "{sv}", "sha256", g_variant_new_string (sha256));
  return barge_dbus_job_call_add_file_with_options_sync (job, url, dest, g_variant_builder_end (&b), NULL, error);
}

/* The local file holds NAME's bytes in each range, at its offset, zero
 * bytes between them, and ends where the last range ends (@size: the
 * server's length, for a range to the end). */
static void
assert_ranges_content (const char *path, const char *name, guint64 size, const guint64 *ranges, guint n)
{
  g_autofree char *contents = NULL;
  g_autofree guint8 *expected = NULL;
  gsize length = 0;
  guint64 end;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  end = ranges[2 * n - 1] == TO_EOF ? size : ranges[2 * n - 2] + ranges[2 * n - 1];
  g_assert_cmpuint (length, ==, end);
  expected = g_malloc0 (end);
  for (guint i = 0; i < n; i++)
    {
      guint64 start = ranges[2 * i];
      guint64 len = ranges[2 * i + 1] == TO_EOF ? size - start : ranges[2 * i + 1];

      barge_test_fill_content (name, start, expected + start, len);
    }
  g_assert_true (memcmp (contents, expected, end) == 0);
}

/* A server that does not say the complete length (a star after the
 * slash of Content-Range, as RFC 9110 allows): each range still comes
 * whole, at its offset, the last one to the end of the body. */
static void
test_unknown_length (Fixture *f, gconstpointer data)
{
  const guint64 size = 256 * 1024;
  const guint64 ranges[] = { 10, 1000, 100000, 5000, 200000, TO_EOF };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = new_job (f, &path);
  g_autofree char *base = barge_test_server_get_data_url (f->server, "starred", size, 0);
  g_autofree char *url = g_strconcat (base, "&length=unknown", NULL);
  g_autofree char *dest = g_build_filename (f->dir, "starred", NULL);
  g_autoptr(GVariant) progress = NULL;
  guint64 total, done;
  gboolean completed;

  g_assert_true (add_ranges (job, url, dest, ranges, 3, 0, NULL, &error));
  g_assert_no_error (error);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  progress = barge_test_job_file_property (f->daemon, job, 0, "Progress");
  g_variant_get (progress, "(ttb)", &total, &done, &completed);
  g_assert_cmpuint (done, ==, 1000 + 5000 + (size - 200000));
  g_assert_cmpuint (total, ==, done);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  assert_ranges_content (dest, "starred", size, ranges, 3);
}

/* A whole file whose length a 200 gave, resumed from a server whose parts
 * say "*" for the complete length: the length stays known (BytesTotal,
 * and the end the body is held to). Before, each such part erased it, and
 * the end of the file rested on a 416 alone. */
static void
test_resume_keeps_length (Fixture *f, gconstpointer data)
{
  const guint64 size = 6 * MiB;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = new_job (f, &path);
  g_autofree char *base = barge_test_server_get_data_url (f->server, "starred-whole", size, 2 * MiB);
  g_autofree char *url = g_strconcat (base, "&length=unknown", NULL);
  g_autofree char *dest = g_build_filename (f->dir, "starred-whole", NULL);
  g_autofree char *data_path = barge_test_server_get_data_path ("starred-whole");
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GVariant) progress = NULL;
  guint64 total, done;
  gboolean completed;

  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  barge_test_job_wait_bytes (job, MiB, TRANSFER_TIMEOUT_MS);
  g_assert_true (barge_dbus_job_call_suspend_sync (job, NULL, &error));
  g_assert_no_error (error);
  barge_test_job_resume (job);
  barge_test_job_wait_bytes (job, barge_test_job_bytes_done (job) + MiB, TRANSFER_TIMEOUT_MS);
  requests = barge_test_server_get_requests (f->server, data_path);
  g_assert_cmpuint (requests->len, >=, 2);
  g_assert_nonnull (((BargeTestRequest *) g_ptr_array_index (requests, requests->len - 1))->range);
  progress = barge_test_job_file_property (f->daemon, job, 0, "Progress");
  g_variant_get (progress, "(ttb)", &total, &done, &completed);
  g_assert_cmpuint (total, ==, size);
  g_assert_false (completed);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest, "starred-whole", size);
}

/* Three ranges, the last to the end: three Range requests for exactly
 * them, the bytes at their offsets, Progress the sum of the ranges, the
 * Ranges property as given. A second file of two closed ranges ends where
 * its last range does. */
static void
test_fetched (Fixture *f, gconstpointer data)
{
  const guint64 size = 1 * MiB;
  const guint64 ranges[] = { 100, 1000, 300000, 50000, 900000, TO_EOF };
  const guint64 closed[] = { 0, 10, 500, 10 };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = new_job (f, &path);
  g_autofree char *url = barge_test_server_get_data_url (f->server, "three", size, 0);
  g_autofree char *url2 = barge_test_server_get_data_url (f->server, "two", size, 0);
  g_autofree char *dest = g_build_filename (f->dir, "three", NULL);
  g_autofree char *dest2 = g_build_filename (f->dir, "two", NULL);
  g_autofree char *data_path = barge_test_server_get_data_path ("three");
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GVariant) shown = NULL;
  g_autoptr(GVariant) progress = NULL;
  g_autoptr(GVariant) progress2 = NULL;
  const char *asked[] = { "bytes=100-1099", "bytes=300000-349999", "bytes=900000-1048575" };
  guint64 total, done, offset, length;
  gboolean completed;
  GVariantIter iter;
  guint i = 0;

  g_assert_true (add_ranges (job, url, dest, ranges, 3, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (add_ranges (job, url2, dest2, closed, 2, 0, NULL, &error));
  g_assert_no_error (error);
  shown = barge_test_job_file_property (f->daemon, job, 0, "Ranges");
  g_variant_iter_init (&iter, shown);
  while (g_variant_iter_next (&iter, "(tt)", &offset, &length))
    {
      g_assert_cmpuint (offset, ==, ranges[2 * i]);
      g_assert_cmpuint (length, ==, ranges[2 * i + 1]);
      i++;
    }
  g_assert_cmpuint (i, ==, 3);
  /* The closed ranges are known before any request. */
  progress2 = barge_test_job_file_property (f->daemon, job, 1, "Progress");
  g_variant_get (progress2, "(ttb)", &total, &done, &completed);
  g_assert_cmpuint (total, ==, 20);

  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  progress = barge_test_job_file_property (f->daemon, job, 0, "Progress");
  g_variant_get (progress, "(ttb)", &total, &done, &completed);
  g_assert_cmpuint (total, ==, 1000 + 50000 + (size - 900000));
  g_assert_cmpuint (done, ==, total);
  requests = barge_test_server_get_requests (f->server, data_path);
  g_assert_cmpuint (requests->len, ==, 3);
  for (i = 0; i < requests->len; i++)
    g_assert_cmpstr (((BargeTestRequest *) g_ptr_array_index (requests, i))->range, ==, asked[i]);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  assert_ranges_content (dest, "three", size, ranges, 3);
  assert_ranges_content (dest2, "two", size, closed, 2);
}

/* A SIGKILL in the middle of the first of two ranges: the new barged asks
 * for the rest of that range from its durable end, then the second one;
 * no byte outside the ranges is asked for; the ranges survive the restart. */
static void
test_resume_after_kill (Fixture *f, gconstpointer data)
{
  const guint64 size = 8 * MiB;
  const guint64 ranges[] = { 1 * MiB, 3 * MiB, 6 * MiB, 1 * MiB };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = new_job (f, &path);
  g_autofree char *url = barge_test_server_get_data_url (f->server, "killed", size, 2 * MiB);
  g_autofree char *dest = g_build_filename (f->dir, "killed", NULL);
  g_autofree char *data_path = barge_test_server_get_data_path ("killed");
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GVariant) shown = NULL;
  g_autoptr(GVariant) progress = NULL;
  guint64 total, done, resumed_at = 0;
  gboolean completed;

  g_assert_true (add_ranges (job, url, dest, ranges, 2, size, NULL, &error));
  g_assert_no_error (error);
  barge_test_job_resume (job);
  barge_test_assert_wait (barge_test_job_has_some_bytes, job, TRANSFER_TIMEOUT_MS, "256 KiB in");
  /* A checkpoint (every 200 ms) has made some of them durable. */
  g_usleep (600 * 1000);
  barge_test_daemon_kill (f->daemon);
  barge_test_daemon_start (f->daemon);
  g_clear_object (&job);
  job = barge_test_daemon_get_job (f->daemon, path);
  shown = barge_test_job_file_property (f->daemon, job, 0, "Ranges");
  g_assert_cmpuint (g_variant_n_children (shown), ==, 2);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  progress = barge_test_job_file_property (f->daemon, job, 0, "Progress");
  g_variant_get (progress, "(ttb)", &total, &done, &completed);
  g_assert_cmpuint (total, ==, 4 * MiB);
  g_assert_cmpuint (done, ==, 4 * MiB);
  requests = barge_test_server_get_requests (f->server, data_path);
  for (guint i = 0; i < requests->len; i++)
    {
      const char *range = ((BargeTestRequest *) g_ptr_array_index (requests, i))->range;
      guint64 start = barge_test_range_start (range);

      g_test_message ("request %u: %s", i, range);
      g_assert_nonnull (range);
      g_assert_true ((start >= 1 * MiB && start < 4 * MiB) || start == 6 * MiB);
      if (start > 1 * MiB && start < 4 * MiB)
        {
          g_assert_true (g_str_has_suffix (range, "-4194303"));
          resumed_at = start;
        }
    }
  g_assert_cmpuint (resumed_at, >, 1 * MiB);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  assert_ranges_content (dest, "killed", size, ranges, 2);
}

/* A server that answers a Range with the whole file (200), and ranges the
 * file does not reach (416, or a 206 that ends before the range): the
 * job's error is InvalidRange, saying which. */
static void
test_server_refuses (Fixture *f, gconstpointer data)
{
  const struct {
    const char *name;
    gboolean ignore;
    guint64 ranges[2];
    const char *said;
  } cases[] = {
    { "ignored", TRUE, { 10, 10 }, "does not serve ranges" },
    { "beyond", FALSE, { 2000, 10 }, "lies past the end" },
    { "across", FALSE, { 500, 1000 }, "lies past the end" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      g_autoptr(BargeDBusJob) job = new_job (f, &path);
      g_autofree char *base = barge_test_server_get_data_url (f->server, cases[i].name, 1000, 0);
      g_autofree char *url = g_strconcat (base, cases[i].ignore ? "&ranges=no" : "", NULL);
      g_autofree char *dest = g_build_filename (f->dir, cases[i].name, NULL);

      g_assert_true (add_ranges (job, url, dest, cases[i].ranges, 1, 0, NULL, &error));
      g_assert_no_error (error);
      barge_test_job_resume (job);
      barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
      barge_test_assert_job_error (job, BARGE_TEST_ERROR_PREFIX "InvalidRange", cases[i].said);
      barge_test_job_cancel (job);
      barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
      g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
    }
}

/* Ranges BITS refuses, and more than MaxRangesPerFile (4 here):
 * InvalidArgument saying what is accepted, and nothing is added. */
static void
test_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = new_job (f, &path);
  g_autofree char *url = barge_test_server_get_data_url (f->server, "refused", 1000, 0);
  g_autofree char *dest = g_build_filename (f->dir, "refused", NULL);
  g_autofree char *sha = barge_test_expected_sha256 ("refused", 1000);
  g_autoptr(GVariant) progress = NULL;
  const struct {
    guint64 ranges[10];
    guint n;
    guint64 size;
    gboolean digest;
    const char *said;
  } bad[] = {
    { { 0 }, 0, 0, FALSE, "at least one range" },
    { { 0, 0 }, 1, 0, FALSE, "is empty" },
    { { 100, 10, 0, 10 }, 2, 0, FALSE, "sorted by offset" },
    { { 0, 100, 50, 10 }, 2, 0, FALSE, "do not overlap" },
    { { 0, TO_EOF, 500, 10 }, 2, 0, FALSE, "only the last one may" },
    { { G_MAXUINT64 - 5, 10 }, 1, 0, FALSE, "past the largest offset" },
    { { 0, 10 }, 1, 0, TRUE, "cannot have a digest" },
    { { 0, 10, 995, 10 }, 2, 1000, FALSE, "past the file's size" },
    { { 1000, TO_EOF }, 1, 1000, FALSE, "past the file's size" },
    { { 0, 1, 2, 1, 4, 1, 6, 1, 8, 1 }, 5, 0, FALSE, "at most 4 ranges" },
  };
  guint64 a, b, files_total, d;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (add_ranges (job, url, dest, bad[i].ranges, bad[i].n, bad[i].size, bad[i].digest ? sha : NULL,
                                  &error));
      barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
      g_test_message ("%u: %s", i, error->message);
      g_assert_nonnull (strstr (error->message, bad[i].said));
    }
  g_assert_cmpuint (g_strv_length ((char **) barge_dbus_job_get_files (job)), ==, 0);
  progress = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "Progress");
  g_variant_get (progress, "(tttt)", &a, &b, &files_total, &d);
  g_assert_cmpuint (files_total, ==, 0);
  barge_test_job_cancel (job);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  BARGE_TEST_ADD ("/ranges/fetched", test_fetched);
  BARGE_TEST_ADD ("/ranges/resume-after-kill", test_resume_after_kill);
  BARGE_TEST_ADD ("/ranges/server-refuses", test_server_refuses);
  BARGE_TEST_ADD ("/ranges/unknown-length", test_unknown_length);
  BARGE_TEST_ADD ("/ranges/resume-keeps-length", test_resume_keeps_length);
  BARGE_TEST_ADD ("/ranges/refused", test_refused);
  return g_test_run ();
}
