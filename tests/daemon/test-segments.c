/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Segmented downloads (issue 15, item 4): one large file over several
 * connections, each a closed Range with If-Range, written at its offsets,
 * automatic only where one connection is the bottleneck;
 * a server that ignores ranges gets one connection and the whole file; a
 * SIGKILL in the middle keeps the pieces already durable, which are not
 * asked for again; MaxSegments is checked and kept; background jobs stay on
 * one connection by default. */
#define G_LOG_DOMAIN "BargeTestSegments"

#include "config.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>


#define CHECKPOINT_MS 200
#define CONFIG "[Transfer]\nCheckpointInterval=200\nMaxConnectionsPerHost=6\n"

#define SERVER_FIXTURE_CONFIG CONFIG
#include "server-fixture.h"

static char *
create_job (Fixture *f, GVariant *options, GError **error)
{
  char *path = NULL;

  if (!barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "segments", "download",
                                                options, &path, NULL, error))
    return NULL;
  return path;
}

static GVariant *
options (const char *priority, gint max_segments)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "priority", g_variant_new_string (priority));
  if (max_segments >= 0)
    g_variant_builder_add (&b, "{sv}", "max-segments", g_variant_new_uint32 ((guint32) max_segments));
  return g_variant_builder_end (&b);
}

/* Requests with a closed range "bytes=A-B": only segments send those. */
static guint
count_closed_ranges (GPtrArray *requests)
{
  guint n = 0;

  for (guint i = 0; i < requests->len; i++)
    {
      const BargeTestRequest *r = g_ptr_array_index (requests, i);

      if (r->range != NULL && !g_str_has_suffix (r->range, "-"))
        n++;
    }
  return n;
}

/* Downloads NAME of SIZE at RATE bytes/s per connection in a job of
 * PRIORITY; returns the server's requests for it. */
static GPtrArray *
download (Fixture *f, const char *name, guint64 size, guint64 rate, const char *query, const char *priority,
          gint max_segments)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = barge_test_server_get_data_url (f->server, name, size, rate);
  g_autofree char *url = g_strconcat (base, query, NULL);
  g_autofree char *dest = g_build_filename (f->dir, name, NULL);
  g_autofree char *path = create_job (f, options (priority, max_segments), &error);
  g_autoptr(BargeDBusJob) job = NULL;
  g_autofree char *data_path = barge_test_server_get_data_path (name);

  g_assert_no_error (error);
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", 60000);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest, name, size);
  return barge_test_server_get_requests (f->server, data_path);
}

/* MaxSegments 4: 4 connections at once on one file from its first
 * response, each a closed range with If-Range, the file byte-exact. At
 * 8 MiB/s per connection one connection would need 4 s for the 32 MiB;
 * the ranges show the split. */
static void
test_parallel (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) requests = download (f, "seg-parallel", 32 * MiB, 8 * MiB, "", "foreground", 4);
  guint64 covered = 0;

  g_assert_cmpuint (count_closed_ranges (requests), ==, 3);
  g_assert_cmpuint (barge_test_server_get_max_concurrent (f->server), >=, 3);
  g_assert_cmpuint (barge_test_server_get_max_concurrent (f->server), <=, 4);
  for (guint i = 0; i < requests->len; i++)
    {
      const BargeTestRequest *r = g_ptr_array_index (requests, i);

      covered += r->sent;
      if (r->range != NULL)
        {
          g_assert_nonnull (r->if_range);
          g_assert_cmpuint (r->status, ==, 206);
        }
    }
  /* Every byte came once, give or take what main read past its piece. */
  g_assert_cmpuint (covered, <, 32 * MiB + 4 * MiB);
}

/* A file behind Basic authentication: the segments carry the job's
 * credentials (the run's answer, up front), so that the file is still
 * split: 3 closed ranges, each answered 206. At most one request of the
 * file meets the challenge (main's first). */
static void
test_credentials (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = barge_test_server_get_data_url (f->server, "seg-auth", 32 * MiB, 8 * MiB);
  g_autofree char *url = g_strconcat (base, "&auth=basic", NULL);
  g_autofree char *dest = g_build_filename (f->dir, "seg-auth", NULL);
  g_autofree char *path = create_job (f, options ("foreground", 4), &error);
  g_autofree char *data_path = barge_test_server_get_data_path ("seg-auth");
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  guint challenged = 0, ranges = 0;

  g_assert_no_error (error);
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_dbus_job_call_set_credentials_sync (job, "server", "basic", "alice", "pw", NULL, &error);
  g_assert_no_error (error);
  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", 60000);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest, "seg-auth", 32 * MiB);
  requests = barge_test_server_get_requests (f->server, data_path);
  for (guint i = 0; i < requests->len; i++)
    {
      const BargeTestRequest *r = g_ptr_array_index (requests, i);

      g_test_message ("%s Range: %s -> %u", r->method, r->range ? r->range : "-", r->status);
      if (r->status == 401)
        challenged++;
      else if (r->range != NULL && !g_str_has_suffix (r->range, "-"))
        {
          g_assert_cmpuint (r->status, ==, 206);
          g_assert_cmpstr (r->authorization, ==, "Basic YWxpY2U6cHc=");
          ranges++;
        }
    }
  g_assert_cmpuint (challenged, <=, 1);
  g_assert_cmpuint (ranges, ==, 3);
}

/* MaxSegments automatic (0, a foreground job) splits a file only where
 * its connection is the bottleneck. At 16 MiB/s, a second in, the 24 MiB
 * file is half a second from its end: it stays on one connection. At
 * 4 MiB/s the rest of 32 MiB would take 7 s: it is split (how many pieces
 * depends on when the look comes, later under a sanitizer). */
static void
test_auto (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) requests = download (f, "seg-fast", 24 * MiB, 16 * MiB, "", "foreground", 0);

  g_assert_cmpuint (count_closed_ranges (requests), ==, 0);
  g_assert_cmpuint (requests->len, ==, 1);
  g_clear_pointer (&requests, g_ptr_array_unref);
  requests = download (f, "seg-slow", 32 * MiB, 4 * MiB, "", "foreground", 0);
  g_assert_cmpuint (count_closed_ranges (requests), >=, 1);
  g_assert_cmpuint (barge_test_server_get_max_concurrent (f->server), >=, 2);
}

/* A server that answers ranges with the whole file: the segments stop and
 * the file comes whole on one connection, byte-exact. The log says why
 * the segments stopped without the URL's query, which often carries a
 * token. */
static void
test_no_ranges (Fixture *f, gconstpointer data)
{
  char *log_dir = barge_test_make_dir ("barge-test-log-XXXXXX");
  g_autofree char *log = g_build_filename (log_dir, "barged.log", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  const BargeTestRequest *last;

  barge_test_daemon_stop (f->daemon);
  barge_test_daemon_set_log_file (f->daemon, log);
  barge_test_daemon_start (f->daemon);
  requests = download (f, "seg-no-ranges", 24 * MiB, 32 * MiB, "&ranges=no&token=T0KEN-4711", "foreground", 4);
  last = g_ptr_array_index (requests, requests->len - 1);
  g_assert_cmpuint (count_closed_ranges (requests), >=, 1);
  g_assert_cmpuint (last->status, ==, 200);
  barge_test_daemon_stop (f->daemon);
  g_assert_true (g_file_get_contents (log, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "segments stop"));
  g_assert_null (strstr (text, "T0KEN-4711"));
  barge_test_daemon_set_log_file (f->daemon, NULL);
  barge_test_daemon_start (f->daemon);
  barge_test_clear_dir (&log_dir);
}

/* A segment's request answered with a redirect, in a job whose redirect
 * policy is "disallow": nothing goes where the redirect points. Before,
 * libsoup followed a segment's redirects by itself, past the job's policy
 * (and an https file's to http); main's own redirects go through it. */
static void
test_segment_redirect_not_followed (Fixture *f, gconstpointer data)
{
  const char * const done[] = { "transferred", "error", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *base = barge_test_server_get_data_url (f->server, "seg-redirected", 24 * MiB, 16 * MiB);
  g_autofree char *url = g_strconcat (base, "&closed-ranges=redirect", NULL);
  g_autofree char *dest = g_build_filename (f->dir, "seg-redirected", NULL);
  g_autofree char *data_path = barge_test_server_get_data_path ("seg-redirected");
  g_autofree char *elsewhere = barge_test_server_get_data_path ("seg-redirected-elsewhere");
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GPtrArray) followed = NULL;
  guint redirected = 0;
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "priority", g_variant_new_string ("foreground"));
  g_variant_builder_add (&b, "{sv}", "max-segments", g_variant_new_uint32 (4));
  g_variant_builder_add (&b, "{sv}", "redirect-policy", g_variant_new_string ("disallow"));
  path = create_job (f, g_variant_builder_end (&b), &error);
  g_assert_no_error (error);
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  g_test_message ("ended %s", barge_test_wait_job_states (job, done, 60000));
  barge_test_job_cancel (job);
  requests = barge_test_server_get_requests (f->server, data_path);
  for (guint i = 0; i < requests->len; i++)
    redirected += ((const BargeTestRequest *) g_ptr_array_index (requests, i))->status == 302;
  g_assert_cmpuint (redirected, >=, 1);
  followed = barge_test_server_get_requests (f->server, elsewhere);
  g_assert_cmpuint (followed->len, ==, 0);
}

/* Background jobs stay on one connection unless MaxSegments says. */
static void
test_background (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) requests = download (f, "seg-background", 24 * MiB, 0, "", "normal", -1);

  g_assert_cmpuint (count_closed_ranges (requests), ==, 0);
  g_assert_cmpuint (requests->len, ==, 1);
  g_clear_pointer (&requests, g_ptr_array_unref);
  requests = download (f, "seg-background2", 24 * MiB, 0, "", "low", 2);
  g_assert_cmpuint (count_closed_ranges (requests), ==, 1);
}

static guint32
get_max_segments (Fixture *f, const char *path)
{
  g_autoptr(GVariant) v = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "MaxSegments");

  return g_variant_get_uint32 (v);
}

static gboolean
set_max_segments (Fixture *f, const char *path, guint32 value, GError **error)
{
  g_autoptr(GVariant) ret = g_dbus_connection_call_sync (
    barge_test_daemon_get_connection (f->daemon), BARGE_TEST_BUS_NAME, path, "org.freedesktop.DBus.Properties",
    "Set", g_variant_new ("(ssv)", BARGE_TEST_JOB_IFACE, "MaxSegments", g_variant_new_uint32 (value)), NULL,
    G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);

  return ret != NULL;
}

static void
test_max_segments (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *refused = create_job (f, options ("foreground", 17), &error);
  g_autofree char *path = NULL;
  guint jobs;

  g_assert_null (refused);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "org.freedesktop.Barge1.Error.InvalidArgument"));
  g_assert_nonnull (strstr (error->message, "1 to 16"));
  g_clear_error (&error);
  jobs = barge_test_daemon_count_jobs (f->daemon);
  g_assert_cmpuint (jobs, ==, 0);

  path = create_job (f, options ("normal", 2), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (get_max_segments (f, path), ==, 2);
  g_assert_false (set_max_segments (f, path, 99, &error));
  g_assert_nonnull (strstr (error->message, "InvalidArgument"));
  g_clear_error (&error);
  g_assert_cmpuint (get_max_segments (f, path), ==, 2);
  g_assert_true (set_max_segments (f, path, 16, &error));
  g_assert_no_error (error);
  /* A clean stop: a Set is stored after its reply (a SIGKILL right after
   * it may lose it, as for any property). */
  barge_test_daemon_stop (f->daemon);
  barge_test_daemon_start (f->daemon);
  g_assert_cmpuint (get_max_segments (f, path), ==, 16);
  g_assert_true (set_max_segments (f, path, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (get_max_segments (f, path), ==, 0);
  barge_test_daemon_stop (f->daemon);
  barge_test_daemon_start (f->daemon);
  g_assert_cmpuint (get_max_segments (f, path), ==, 0);
}

/* The durable ranges barged recorded for the only file, from its database. */
static GArray *
recorded_ranges (Fixture *f, guint64 *prefix)
{
  g_autofree char *db_path = g_build_filename (barge_test_daemon_get_state_dir (f->daemon), "jobs.db", NULL);
  GArray *ranges = g_array_new (FALSE, FALSE, sizeof (guint64) * 2);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT bytes_durable, ranges FROM files", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  *prefix = (guint64) sqlite3_column_int64 (stmt, 0);
  if (sqlite3_column_text (stmt, 1) != NULL)
    {
      g_auto(GStrv) parts = g_strsplit ((const char *) sqlite3_column_text (stmt, 1), ",", -1);

      for (guint i = 0; parts[i] != NULL; i++)
        {
          guint64 r[2];

          g_assert_cmpint (sscanf (parts[i], "%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT, &r[0], &r[1]), ==, 2);
          g_array_append_vals (ranges, r, 1);
        }
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return ranges;
}

/* Kills barged once a segmented download of NAME (SIZE, at RATE per
 * connection) has pieces durable beyond its prefix; returns the job's
 * path and the ranges recorded. */
static char *
download_until_pieces (Fixture *f, const char *name, guint64 size, guint64 rate, GArray **ranges, guint64 *prefix)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = barge_test_server_get_data_url (f->server, name, size, rate);
  g_autofree char *dest = g_build_filename (f->dir, name, NULL);
  char *path = create_job (f, options ("foreground", 4), &error);
  g_autoptr(BargeDBusJob) job = NULL;

  g_assert_no_error (error);
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  barge_test_job_wait_bytes (job, 16 * MiB, 30000);
  barge_test_run_for (3 * CHECKPOINT_MS);
  barge_test_daemon_kill (f->daemon);
  *ranges = recorded_ranges (f, prefix);
  g_assert_cmpuint ((*ranges)->len, >=, 1);
  return path;
}

/* Starts barged again and lets the job at PATH finish and complete. */
static void
restart_and_finish (Fixture *f, const char *path)
{
  g_autoptr(BargeDBusJob) job = NULL;

  barge_test_daemon_start (f->daemon);
  job = barge_test_daemon_get_job (f->daemon, path);
  if (g_strcmp0 (barge_dbus_job_get_state (job), "suspended") == 0)
    barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", 60000);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
}

/* SIGKILL halfway through a segmented file: after the restart the file is
 * byte-exact, and no request asks again for a byte of a range that was
 * recorded durable. */
static void
test_crash_resume (Fixture *f, gconstpointer data)
{
  const guint64 size = 48 * MiB;
  g_autofree char *dest = g_build_filename (f->dir, "seg-crash", NULL);
  g_autofree char *data_path = barge_test_server_get_data_path ("seg-crash");
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GArray) ranges = NULL;
  guint64 prefix = 0, durable = 0, refetched = 0;

  path = download_until_pieces (f, "seg-crash", size, 6 * MiB, &ranges, &prefix);
  before = barge_test_server_get_requests (f->server, data_path);
  durable = prefix;
  for (guint i = 0; i < ranges->len; i++)
    durable += ((guint64 *) ranges->data)[2 * i + 1] - ((guint64 *) ranges->data)[2 * i];
  g_test_message ("killed with %" G_GUINT64_FORMAT " bytes durable: a prefix of %" G_GUINT64_FORMAT
                  " and %u ranges", durable, prefix, ranges->len);

  restart_and_finish (f, path);
  barge_test_assert_file_content (dest, "seg-crash", size);

  /* Every request after the restart asks only for bytes that were not
   * durable: it starts outside the recorded ranges, and it ends before the
   * next one ("bytes=A-B"; an open "bytes=A-" only with none after A). */
  all = barge_test_server_get_requests (f->server, data_path);
  g_assert_cmpuint (all->len, >, before->len);
  for (guint i = before->len; i < all->len; i++)
    {
      const BargeTestRequest *r = g_ptr_array_index (all, i);
      guint64 start = barge_test_range_start (r->range);
      const char *dash;
      guint64 end = size;     /* one past the last byte asked for */

      g_assert_nonnull (r->range);
      dash = strchr (r->range, '-');
      g_assert_nonnull (dash);
      if (dash[1] != '\0')
        end = g_ascii_strtoull (dash + 1, NULL, 10) + 1;
      g_assert_cmpuint (start, >=, prefix);
      for (guint k = 0; k < ranges->len; k++)
        {
          guint64 a = ((guint64 *) ranges->data)[2 * k], b = ((guint64 *) ranges->data)[2 * k + 1];

          g_assert_false (start < b && a < end);
        }
      refetched += r->sent;
    }
  /* What was missing, not the file again: closed ranges get no byte past
   * their end. (With an open Range for main's piece the server filled the
   * socket buffers past it, several MiB on loopback.) */
  g_assert_cmpuint (refetched, <=, size - durable + MiB);
}

/* A segmented file resumed with no durable prefix, only pieces further
 * on, whose server now has another version: main's first request asks
 * for its piece with If-Range, and the new version's 200 starts the file
 * over. The pieces on disk are made the older version's bytes (and the
 * recorded ETag its): before, main asked without Range, took the 200's
 * first bytes and kept the old pieces, a file spliced from two versions
 * that counted as transferred. */
static void
test_changed_under_pieces (Fixture *f, gconstpointer data)
{
  const guint64 size = 48 * MiB;
  g_autofree char *dest = g_build_filename (f->dir, "seg-changed", NULL);
  g_autofree char *data_path = barge_test_server_get_data_path ("seg-changed");
  g_autofree char *db_path = NULL;
  g_autofree char *temporary = NULL;
  g_autoptr(GArray) ranges = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autofree guint8 *old = g_malloc (MiB);
  g_autofree char *path = NULL;
  const BargeTestRequest *first;
  guint64 prefix = 0;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int fd;

  path = download_until_pieces (f, "seg-changed", size, 6 * MiB, &ranges, &prefix);
  before = barge_test_server_get_requests (f->server, data_path);
  db_path = g_build_filename (barge_test_daemon_get_state_dir (f->daemon), "jobs.db", NULL);
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE files SET bytes_durable = 0, etag = '\"an-older-version\"'", NULL, NULL,
                                 NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT temporary_path FROM files", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  temporary = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  memset (old, 0x5a, MiB);
  fd = open (temporary, O_WRONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  for (guint i = 0; i < ranges->len; i++)
    {
      guint64 a = ((guint64 *) ranges->data)[2 * i], b = ((guint64 *) ranges->data)[2 * i + 1];

      for (guint64 pos = a; pos < b; pos += MiB)
        g_assert_cmpint (pwrite (fd, old, (size_t) MIN ((guint64) MiB, b - pos), (off_t) pos), >, 0);
    }
  g_assert_cmpint (close (fd), ==, 0);

  restart_and_finish (f, path);
  barge_test_assert_file_content (dest, "seg-changed", size);

  all = barge_test_server_get_requests (f->server, data_path);
  g_assert_cmpuint (all->len, >, before->len);
  first = g_ptr_array_index (all, before->len);
  g_assert_nonnull (first->range);
  g_assert_cmpuint (barge_test_range_start (first->range), ==, 0);
  g_assert_cmpstr (first->if_range, ==, "\"an-older-version\"");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  BARGE_TEST_ADD ("/segments/parallel", test_parallel);
  BARGE_TEST_ADD ("/segments/credentials", test_credentials);
  BARGE_TEST_ADD ("/segments/auto", test_auto);
  BARGE_TEST_ADD ("/segments/no-ranges", test_no_ranges);
  BARGE_TEST_ADD ("/segments/background", test_background);
  BARGE_TEST_ADD ("/segments/redirect-not-followed", test_segment_redirect_not_followed);
  BARGE_TEST_ADD ("/segments/max-segments", test_max_segments);
  BARGE_TEST_ADD ("/segments/crash-resume", test_crash_resume);
  BARGE_TEST_ADD ("/segments/changed-under-pieces", test_changed_under_pieces);
  return g_test_run ();
}
