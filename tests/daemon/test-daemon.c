/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Integration tests of barged: the real daemon on a private bus, driven
 * through the generated BargeDBus proxies (not libbarge, so these tests
 * judge the D-Bus contract itself), downloading from a loopback SoupServer. */
#define G_LOG_DOMAIN "BargeTestDaemon"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "barge-test-daemon.h"
#include "barge-test-jobs.h"
#include "barge-test-server.h"

/* Generous: the suite may share two CPUs with other suites. */
#define TRANSFER_TIMEOUT_MS 60000

typedef struct {
  BargeTestServer *server;
  BargeTestDaemon *daemon;
  char *dir;                  /* the download folder */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  /* The bus first: GTestDBus sets environment variables, which is safer
   * before the server thread exists. */
  f->daemon = barge_test_daemon_new ();
  f->server = barge_test_server_new ();
  f->dir = barge_test_make_dir ("barge-test-dl-XXXXXX");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  barge_test_server_free (f->server);
  barge_test_daemon_free (f->daemon);
  barge_test_clear_dir (&f->dir);
}

/* --- helpers ------------------------------------------------------------- */

static char *
dest_path (Fixture *f, const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

/* Progress (tttt) from GetProgress: not coalesced, not cached. */
static void
get_progress (BargeDBusJob *job, guint64 progress[4])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) value = NULL;

  barge_dbus_job_call_get_progress_sync (job, &value, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (value, "(tttt)", &progress[0], &progress[1], &progress[2], &progress[3]);
}

/* Asserts that PROGRESS (tttt) counts SUM bytes and N files, all of them
 * transferred. */
static void
assert_progress_complete (const guint64 progress[4], guint64 sum, guint64 n)
{
  g_assert_cmpuint (progress[0], ==, sum);
  g_assert_cmpuint (progress[1], ==, sum);
  g_assert_cmpuint (progress[2], ==, n);
  g_assert_cmpuint (progress[3], ==, n);
}

/* Bytes transferred as last announced with PropertiesChanged. */
static guint64
announced_bytes (BargeDBusJob *job)
{
  GVariant *progress = barge_dbus_job_get_progress (job);
  guint64 total = 0, done = 0, files = 0, files_done = 0;

  if (progress != NULL)
    g_variant_get (progress, "(tttt)", &total, &done, &files, &files_done);
  return done;
}

typedef struct {
  BargeDBusJob *job;
  guint64 bytes;
} BytesWait;

static gboolean
announced_more_than (gpointer user_data)
{
  BytesWait *w = user_data;
  const char *state = barge_dbus_job_get_state (w->job);

  /* An error ends the wait early; the caller's state check reports it. */
  return announced_bytes (w->job) > w->bytes || g_strcmp0 (state, "error") == 0;
}

static void
wait_bytes_above (BargeDBusJob *job, guint64 bytes, guint timeout_ms)
{
  BytesWait w = { job, bytes };
  g_autofree char *what = g_strdup_printf ("more than %" G_GUINT64_FORMAT " bytes transferred", bytes);

  barge_test_assert_wait (announced_more_than, &w, timeout_ms, what);
  g_assert_cmpstr (barge_dbus_job_get_state (job), !=, "error");
}

static const char *
job_path (BargeDBusJob *job)
{
  return g_dbus_proxy_get_object_path (G_DBUS_PROXY (job));
}

static void
set_notification_interval (Fixture *f, BargeDBusJob *job, guint ms)
{
  barge_test_daemon_set_property (f->daemon, job_path (job),
                                  BARGE_TEST_JOB_IFACE, "MinimumNotificationInterval",
                                  g_variant_new_uint32 (ms));
  {
    g_autoptr(GVariant) value = barge_test_daemon_get_property (f->daemon, job_path (job), BARGE_TEST_JOB_IFACE,
                                                                "MinimumNotificationInterval");
    g_assert_cmpuint (g_variant_get_uint32 (value), ==, ms);
  }
}

static void
add_file (BargeDBusJob *job, const char *url, const char *path)
{
  g_autoptr(GError) error = NULL;

  barge_dbus_job_call_add_file_sync (job, url, path, NULL, &error);
  g_assert_no_error (error);
}

static void
job_call (BargeDBusJob *job, gboolean (*call) (BargeDBusJob *, GCancellable *, GError **))
{
  g_autoptr(GError) error = NULL;

  call (job, NULL, &error);
  g_assert_no_error (error);
}

/* The path of file INDEX of the job. Asked for, not taken from the proxy:
 * a synchronous call returns before the proxy's cache saw the change. */
static char *
job_file_path (Fixture *f, BargeDBusJob *job, guint index)
{
  g_autoptr(GVariant) value = barge_test_daemon_get_property (f->daemon, job_path (job),
                                                              BARGE_TEST_JOB_IFACE, "Files");
  g_autofree const char **files = g_variant_get_objv (value, NULL);

  g_assert_cmpuint (g_strv_length ((char **) files), >, index);
  return g_strdup (files[index]);
}

static guint
job_n_files (Fixture *f, BargeDBusJob *job)
{
  g_autoptr(GVariant) value = barge_test_daemon_get_property (f->daemon, job_path (job),
                                                              BARGE_TEST_JOB_IFACE, "Files");
  return (guint) g_variant_n_children (value);
}

/* Parses "bytes=N-" (the daemon resumes to the end of the file). */
static gboolean
parse_open_range (const char *range, guint64 *first)
{
  const char *digits;
  g_autofree char *number = NULL;

  if (range == NULL || !g_str_has_prefix (range, "bytes=") || !g_str_has_suffix (range, "-"))
    return FALSE;
  digits = range + strlen ("bytes=");
  number = g_strndup (digits, strlen (digits) - 1);
  return g_ascii_string_to_unsigned (number, 10, 0, G_MAXUINT64, first, NULL);
}

/* Finds the first GET of PATH after the first one that asks for an open
 * range from a non-zero offset; returns its index or -1. */
static int
find_resumed_request (GPtrArray *requests, guint64 *first)
{
  for (guint i = 1; i < requests->len; i++)
    {
      BargeTestRequest *r = g_ptr_array_index (requests, i);

      if (g_strcmp0 (r->method, "GET") == 0 && parse_open_range (r->range, first) && *first > 0)
        return (int) i;
    }
  return -1;
}

static void
dump_requests (GPtrArray *requests)
{
  for (guint i = 0; i < requests->len; i++)
    {
      BargeTestRequest *r = g_ptr_array_index (requests, i);
      g_test_message ("request %u: %s %s Range: %s If-Range: %s -> %u", i, r->method, r->path,
                      r->range ? r->range : "-", r->if_range ? r->if_range : "-", r->status);
    }
}

/* Counts the Job signals on a proxy. */
typedef struct {
  guint transferred;
  GPtrArray *file_transferred;  /* object paths, in order */
  guint failed;
  char *failed_context;
  char *failed_name;
} JobSignals;

static void
on_transferred (BargeDBusJob *job, JobSignals *s)
{
  s->transferred++;
}

static void
on_file_transferred (BargeDBusJob *job, const char *file, JobSignals *s)
{
  g_ptr_array_add (s->file_transferred, g_strdup (file));
}

static void
on_failed (BargeDBusJob *job, const char *context, const char *name, const char *message, JobSignals *s)
{
  s->failed++;
  g_free (s->failed_context);
  s->failed_context = g_strdup (context);
  g_free (s->failed_name);
  s->failed_name = g_strdup (name);
}

/* Asks for every signal: FileTransferred is sent only when NotifyFlags
 * names it (the default is "transferred" and "error", as in BITS). */
static void
job_signals_connect (JobSignals *s, BargeDBusJob *job)
{
  const char *flags[] = { "transferred", "error", "file-transferred", NULL };
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_sync (g_dbus_proxy_get_connection (G_DBUS_PROXY (job)), BARGE_TEST_BUS_NAME,
                                       g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)),
                                       "org.freedesktop.DBus.Properties", "Set",
                                       g_variant_new ("(ssv)", BARGE_TEST_JOB_IFACE, "NotifyFlags",
                                                      g_variant_new_strv (flags, -1)),
                                       NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000, NULL, &error);
  g_assert_no_error (error);
  memset (s, 0, sizeof *s);
  s->file_transferred = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (job, "transferred", G_CALLBACK (on_transferred), s);
  g_signal_connect (job, "file-transferred", G_CALLBACK (on_file_transferred), s);
  g_signal_connect (job, "failed", G_CALLBACK (on_failed), s);
}

static void
job_signals_clear (JobSignals *s, BargeDBusJob *job)
{
  g_signal_handlers_disconnect_by_data (job, s);
  g_ptr_array_unref (s->file_transferred);
  g_free (s->failed_context);
  g_free (s->failed_name);
}

static gboolean
got_transferred (gpointer user_data)
{
  return ((JobSignals *) user_data)->transferred > 0;
}

static gboolean
got_file_transferred (gpointer user_data)
{
  return ((JobSignals *) user_data)->file_transferred->len > 0;
}

static gboolean
got_failed (gpointer user_data)
{
  return ((JobSignals *) user_data)->failed > 0;
}

/* --- 1. several files, then Complete ---------------------------------------- */

static void
test_multi_file (Fixture *f, gconstpointer data)
{
  const struct { const char *name; guint64 size; } files[] = {
    { "alpha", 5 * MiB },
    { "empty", 0 },
    { "one", 1 },
    { "gamma", 3 * MiB },
  };
  const guint n = G_N_ELEMENTS (files);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "multi");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(GVariantBuilder) builder = g_variant_builder_new (G_VARIANT_TYPE ("a(ss)"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) file_paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) temporaries = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree char *listing = NULL;
  g_autofree char *expected_listing = NULL;
  guint64 sum = 0, progress[4];
  JobSignals signals;

  g_assert_cmpstr (barge_dbus_job_get_state (job), ==, "suspended");
  set_notification_interval (f, job, 50);
  job_signals_connect (&signals, job);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *url = barge_test_server_get_data_url (f->server, files[i].name, files[i].size, 0);
      g_autofree char *dest = dest_path (f, files[i].name);

      g_variant_builder_add (builder, "(ss)", url, dest);
      sum += files[i].size;
    }
  barge_dbus_job_call_add_files_sync (job, g_variant_builder_end (builder), NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < n; i++)
    {
      char *file_path = job_file_path (f, job, i);
      g_autoptr(BargeDBusFile) file = barge_test_daemon_get_file (f->daemon, file_path);
      g_autofree char *dest = dest_path (f, files[i].name);

      g_assert_cmpstr (barge_dbus_file_get_local_path (file), ==, dest);
      g_ptr_array_add (file_paths, file_path);
      g_ptr_array_add (temporaries, g_strdup (barge_dbus_file_get_temporary_path (file)));
      /* The temporary is a hidden file in the destination folder. */
      {
        g_autofree char *folder = g_path_get_dirname (barge_dbus_file_get_temporary_path (file));
        g_autofree char *base = g_path_get_basename (barge_dbus_file_get_temporary_path (file));

        g_assert_cmpstr (folder, ==, f->dir);
        g_assert_true (base[0] == '.');
        g_assert_true (g_str_has_suffix (base, ".barge-part"));
      }
    }

  job_call (job, barge_dbus_job_call_resume_sync);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_assert_wait (got_transferred, &signals, SHORT_TIMEOUT_MS, "the Transferred signal");
  /* Let any late duplicate arrive before counting. */
  barge_test_run_for (200);
  g_assert_cmpuint (signals.transferred, ==, 1);
  g_assert_cmpuint (signals.file_transferred->len, ==, n);
  /* Files run in parallel: each is announced once, in whatever order
   * they finished. */
  for (guint i = 0; i < n; i++)
    g_assert_true (g_ptr_array_find_with_equal_func (signals.file_transferred, g_ptr_array_index (file_paths, i),
                                                     g_str_equal, NULL));

  /* The announced progress is complete at the state change... */
  g_assert_nonnull (barge_dbus_job_get_progress (job));
  g_variant_get (barge_dbus_job_get_progress (job), "(tttt)", &progress[0], &progress[1], &progress[2], &progress[3]);
  assert_progress_complete (progress, sum, n);
  /* ...and so is the uncoalesced one. */
  get_progress (job, progress);
  assert_progress_complete (progress, sum, n);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GVariant) fp = barge_test_daemon_get_property (f->daemon, g_ptr_array_index (file_paths, i),
                                                               BARGE_TEST_FILE_IFACE, "Progress");
      g_autofree char *dest = dest_path (f, files[i].name);
      guint64 total, done;
      gboolean completed;

      g_variant_get (fp, "(ttb)", &total, &done, &completed);
      g_assert_cmpuint (total, ==, files[i].size);
      g_assert_cmpuint (done, ==, files[i].size);
      /* Not yet available under its final name: BITS semantics. */
      g_assert_false (completed);
      g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
      barge_test_assert_file_content (g_ptr_array_index (temporaries, i), files[i].name, files[i].size);
    }

  /* One plain GET per file: nothing was fetched twice. Besides, at most one
   * HEAD, the size probe of a file that was not the first to run. */
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *data_path = barge_test_server_get_data_path (files[i].name);
      g_autoptr(GPtrArray) requests = barge_test_server_get_requests (f->server, data_path);
      guint n_get = 0, n_head = 0;

      dump_requests (requests);
      for (guint j = 0; j < requests->len; j++)
        {
          BargeTestRequest *r = g_ptr_array_index (requests, j);

          if (g_strcmp0 (r->method, "HEAD") == 0)
            {
              n_head++;
              continue;
            }
          n_get++;
          g_assert_cmpstr (r->method, ==, "GET");
          g_assert_null (r->range);
          g_assert_cmpuint (r->status, ==, 200);
        }
      g_assert_cmpuint (n_get, ==, 1);
      g_assert_cmpuint (n_head, <=, i == 0 ? 0 : 1);
    }

  job_call (job, barge_dbus_job_call_complete_sync);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS), ==, "acknowledged");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *dest = dest_path (f, files[i].name);

      barge_test_assert_file_content (dest, files[i].name, files[i].size);
      g_assert_false (g_file_test (g_ptr_array_index (temporaries, i), G_FILE_TEST_EXISTS));
      g_ptr_array_add (names, (gpointer) files[i].name);
    }
  /* Exactly the final files: no .barge-part left behind. */
  expected_listing = barge_test_join_sorted (names);
  listing = barge_test_list_dir (f->dir);
  g_assert_cmpstr (listing, ==, expected_listing);

  /* The job left the bus. */
  barge_dbus_job_call_get_progress_sync (job, NULL, NULL, &error);
  g_assert_nonnull (error);
  job_signals_clear (&signals, job);
}

/* --- 2. Suspend and Resume ---------------------------------------------------- */

/* The job's total is known while its first file still transfers: barged
 * asks for the other files' sizes with HEAD beside the first transfer. */
static void
test_total_known_early (Fixture *f, gconstpointer data)
{
  const guint64 size1 = 3 * MiB, size2 = 2 * MiB + 7;
  g_autofree char *url1 = barge_test_server_get_data_url (f->server, "early-1", size1, 1 * MiB);
  g_autofree char *url2 = barge_test_server_get_data_url (f->server, "early-2", size2, 0);
  g_autofree char *data_path2 = barge_test_server_get_data_path ("early-2");
  g_autofree char *dest1 = dest_path (f, "early-1");
  g_autofree char *dest2 = dest_path (f, "early-2");
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "early total");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(GPtrArray) requests = NULL;
  guint64 p[4];
  gboolean saw_head = FALSE;

  set_notification_interval (f, job, 50);
  add_file (job, url1, dest1);
  add_file (job, url2, dest2);
  get_progress (job, p);
  g_assert_cmpuint (p[0], ==, G_MAXUINT64);

  job_call (job, barge_dbus_job_call_resume_sync);
  wait_bytes_above (job, 256 * KiB, TRANSFER_TIMEOUT_MS);
  /* Announcements are coalesced: give the probe's result one interval. */
  barge_test_run_for (200);
  get_progress (job, p);
  g_assert_cmpuint (p[1], <, size1);
  g_assert_cmpuint (p[0], ==, size1 + size2);

  requests = barge_test_server_get_requests (f->server, data_path2);
  for (guint i = 0; i < requests->len; i++)
    saw_head |= g_strcmp0 (((BargeTestRequest *) g_ptr_array_index (requests, i))->method, "HEAD") == 0;
  g_assert_true (saw_head);

  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  get_progress (job, p);
  g_assert_cmpuint (p[0], ==, size1 + size2);
  g_assert_cmpuint (p[1], ==, size1 + size2);
  job_call (job, barge_dbus_job_call_complete_sync);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS), ==, "acknowledged");
  barge_test_assert_file_content (dest1, "early-1", size1);
  barge_test_assert_file_content (dest2, "early-2", size2);
}

static void
test_suspend_resume (Fixture *f, gconstpointer data)
{
  const char *name = "slow-suspend";
  const guint64 size = 4 * MiB;
  g_autofree char *url = barge_test_server_get_data_url (f->server, name, size, 1 * MiB);
  g_autofree char *data_path = barge_test_server_get_data_path (name);
  g_autofree char *etag = barge_test_server_get_etag (name, size);
  g_autofree char *dest = dest_path (f, name);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "suspend");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GPtrArray) after = NULL;
  BargeTestRequest *resumed;
  guint64 p1[4], p2[4], p3[4], first = 0;
  guint n_requests;
  int idx;

  set_notification_interval (f, job, 50);
  add_file (job, url, dest);
  job_call (job, barge_dbus_job_call_resume_sync);
  wait_bytes_above (job, 512 * KiB, TRANSFER_TIMEOUT_MS);

  job_call (job, barge_dbus_job_call_suspend_sync);
  barge_test_wait_job_state (job, "suspended", SHORT_TIMEOUT_MS);
  /* A write that was in flight may still land; then nothing may move. */
  barge_test_run_for (300);
  get_progress (job, p1);
  requests = barge_test_server_get_requests (f->server, data_path);
  n_requests = requests->len;
  barge_test_run_for (500);
  get_progress (job, p2);
  barge_test_run_for (500);
  get_progress (job, p3);
  g_assert_cmpuint (p1[1], >, 0);
  g_assert_cmpuint (p1[1], <, size);
  g_assert_cmpuint (p2[1], ==, p1[1]);
  g_assert_cmpuint (p3[1], ==, p1[1]);
  g_assert_cmpstr (barge_dbus_job_get_state (job), ==, "suspended");
  after = barge_test_server_get_requests (f->server, data_path);
  g_assert_cmpuint (after->len, ==, n_requests);

  job_call (job, barge_dbus_job_call_resume_sync);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);

  g_clear_pointer (&requests, g_ptr_array_unref);
  requests = barge_test_server_get_requests (f->server, data_path);
  dump_requests (requests);
  idx = find_resumed_request (requests, &first);
  g_assert_cmpint (idx, >, 0);
  resumed = g_ptr_array_index (requests, idx);
  /* It resumed from data it had, with the validator it was given. */
  g_assert_cmpuint (first, <=, p1[1]);
  g_assert_cmpstr (resumed->if_range, ==, etag);
  g_assert_cmpuint (resumed->status, ==, 206);

  job_call (job, barge_dbus_job_call_complete_sync);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS), ==, "acknowledged");
  barge_test_assert_file_content (dest, name, size);
}

/* --- 3. Cancel ----------------------------------------------------------------- */

static void
test_cancel (Fixture *f, gconstpointer data)
{
  const char *name = "slow-cancel";
  const guint64 size = 4 * MiB;
  g_autofree char *url = barge_test_server_get_data_url (f->server, name, size, 512 * KiB);
  g_autofree char *dest = dest_path (f, name);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "cancel");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(BargeDBusFile) file = NULL;
  g_autofree char *temporary = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *file_path = NULL;

  set_notification_interval (f, job, 50);
  add_file (job, url, dest);
  file_path = job_file_path (f, job, 0);
  file = barge_test_daemon_get_file (f->daemon, file_path);
  temporary = g_strdup (barge_dbus_file_get_temporary_path (file));
  job_call (job, barge_dbus_job_call_resume_sync);
  wait_bytes_above (job, 0, TRANSFER_TIMEOUT_MS);
  g_assert_true (g_file_test (temporary, G_FILE_TEST_IS_REGULAR));

  job_call (job, barge_dbus_job_call_cancel_sync);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS), ==, "cancelled");
  g_assert_false (g_file_test (temporary, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  /* No late write of the stopped transfer brings the file back. */
  barge_test_run_for (500);
  g_assert_false (g_file_test (temporary, G_FILE_TEST_EXISTS));
  listing = barge_test_list_dir (f->dir);
  g_assert_cmpstr (listing, ==, "");
}

/* --- 4. Complete with one file done and one not ------------------------------ */

typedef struct {
  BargeDBusFile *file;
} FileStarted;

static gboolean
file_has_bytes (gpointer user_data)
{
  FileStarted *w = user_data;
  GVariant *progress = barge_dbus_file_get_progress (w->file);
  guint64 total = 0, done = 0;
  gboolean completed = FALSE;

  if (progress != NULL)
    g_variant_get (progress, "(ttb)", &total, &done, &completed);
  return done > 0;
}

static void
test_complete_partial (Fixture *f, gconstpointer data)
{
  const guint64 first_size = 64 * KiB, second_size = 8 * MiB;
  g_autofree char *first_url = barge_test_server_get_data_url (f->server, "first", first_size, 0);
  g_autofree char *second_url = barge_test_server_get_data_url (f->server, "second", second_size, 256 * KiB);
  g_autofree char *first_dest = dest_path (f, "first");
  g_autofree char *second_dest = dest_path (f, "second");
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "partial");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(BargeDBusFile) first = NULL;
  g_autoptr(BargeDBusFile) second = NULL;
  g_autofree char *first_tmp = NULL;
  g_autofree char *second_tmp = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *first_path = NULL;
  g_autofree char *second_path = NULL;
  JobSignals signals;
  FileStarted w;

  set_notification_interval (f, job, 50);
  job_signals_connect (&signals, job);
  add_file (job, first_url, first_dest);
  add_file (job, second_url, second_dest);
  first_path = job_file_path (f, job, 0);
  second_path = job_file_path (f, job, 1);
  first = barge_test_daemon_get_file (f->daemon, first_path);
  second = barge_test_daemon_get_file (f->daemon, second_path);
  first_tmp = g_strdup (barge_dbus_file_get_temporary_path (first));
  second_tmp = g_strdup (barge_dbus_file_get_temporary_path (second));

  job_call (job, barge_dbus_job_call_resume_sync);
  barge_test_assert_wait (got_file_transferred, &signals, TRANSFER_TIMEOUT_MS, "the first FileTransferred");
  g_assert_cmpstr (g_ptr_array_index (signals.file_transferred, 0), ==, first_path);
  w.file = second;
  barge_test_assert_wait (file_has_bytes, &w, TRANSFER_TIMEOUT_MS, "bytes of the second file");

  job_call (job, barge_dbus_job_call_suspend_sync);
  barge_test_wait_job_state (job, "suspended", SHORT_TIMEOUT_MS);
  g_assert_true (g_file_test (first_tmp, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (second_tmp, G_FILE_TEST_IS_REGULAR));

  job_call (job, barge_dbus_job_call_complete_sync);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS), ==, "acknowledged");
  barge_test_assert_file_content (first_dest, "first", first_size);
  g_assert_false (g_file_test (first_tmp, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (second_dest, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (second_tmp, G_FILE_TEST_EXISTS));
  listing = barge_test_list_dir (f->dir);
  g_assert_cmpstr (listing, ==, "first");
  job_signals_clear (&signals, job);
}

/* --- 5. SIGKILL and resume after a restart ---------------------------------- */

static void
test_kill_resume (Fixture *f, gconstpointer data)
{
  const char *name = "big";
  const guint64 size = 48 * MiB;
  /* 8 MiB/s: more than 2 s pass before 20 MiB are in, so the daemon's
   * time-based checkpoint has recorded a durable offset by then. */
  g_autofree char *url = barge_test_server_get_data_url (f->server, name, size, 8 * MiB);
  g_autofree char *data_path = barge_test_server_get_data_path (name);
  g_autofree char *etag = barge_test_server_get_etag (name, size);
  g_autofree char *dest = dest_path (f, name);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "kill");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(BargeDBusJob) again = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GVariant) managed = NULL;
  g_autoptr(GVariant) job_ifaces = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *found = NULL;
  BargeTestRequest *resumed;
  const char *state;
  guint64 first = 0;
  int idx;

  set_notification_interval (f, job, 50);
  add_file (job, url, dest);
  id = g_strdup (barge_dbus_job_get_id (job));
  job_call (job, barge_dbus_job_call_resume_sync);
  wait_bytes_above (job, 20 * MiB, TRANSFER_TIMEOUT_MS);
  g_assert_cmpstr (barge_dbus_job_get_state (job), ==, "transferring");

  barge_test_daemon_restart (f->daemon);

  /* The job survived, at the same path... */
  barge_dbus_manager_call_get_job_sync (barge_test_daemon_get_manager (f->daemon), id, &found, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, path);
  /* ...ListJobs finds it, and it answers GetAll at once. */
  managed = g_dbus_connection_call_sync (barge_test_daemon_get_connection (f->daemon), BARGE_TEST_BUS_NAME,
                                         BARGE_TEST_MANAGER_PATH, "org.freedesktop.Barge1.Manager",
                                         "ListJobs", g_variant_new ("(a{sv})", NULL), G_VARIANT_TYPE ("(ao)"),
                                         G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000, NULL, &error);
  g_assert_no_error (error);
  {
    g_autofree const char **paths = NULL;

    g_variant_get (managed, "(^a&o)", &paths);
    g_assert_true (g_strv_contains (paths, path));
  }
  job_ifaces = g_dbus_connection_call_sync (barge_test_daemon_get_connection (f->daemon), BARGE_TEST_BUS_NAME,
                                            path, "org.freedesktop.DBus.Properties", "GetAll",
                                            g_variant_new ("(s)", BARGE_TEST_JOB_IFACE), G_VARIANT_TYPE ("(a{sv})"),
                                            G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GVariant) props = g_variant_get_child_value (job_ifaces, 0);
    g_autoptr(GVariant) job_id = g_variant_lookup_value (props, "Id", G_VARIANT_TYPE_STRING);

    g_assert_nonnull (job_id);
    g_assert_cmpstr (g_variant_get_string (job_id, NULL), ==, id);
  }

  /* A job that was running goes back to the queue, and the scheduler
   * starts it again. */
  again = barge_test_daemon_get_job (f->daemon, path);
  state = barge_dbus_job_get_state (again);
  g_test_message ("state after the restart: %s", state);
  g_assert_true (g_strcmp0 (state, "queued") == 0 || g_strcmp0 (state, "connecting") == 0 ||
                 g_strcmp0 (state, "transferring") == 0);
  barge_test_wait_job_state (again, "transferred", TRANSFER_TIMEOUT_MS);

  requests = barge_test_server_get_requests (f->server, data_path);
  dump_requests (requests);
  idx = find_resumed_request (requests, &first);
  g_assert_cmpint (idx, >, 0);
  resumed = g_ptr_array_index (requests, idx);
  /* It continued from a durable offset, not from 0, guarded by If-Range. */
  g_test_message ("resumed from byte %" G_GUINT64_FORMAT, first);
  g_assert_cmpuint (first, >=, 4 * MiB);
  g_assert_cmpuint (first, <, size);
  g_assert_cmpstr (resumed->if_range, ==, etag);
  g_assert_cmpuint (resumed->status, ==, 206);

  job_call (again, barge_dbus_job_call_complete_sync);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS), ==, "acknowledged");
  barge_test_assert_file_content (dest, name, size);
}

/* --- 6. errors ------------------------------------------------------------------ */

static void
assert_call_on_removed_object_fails (Fixture *f, const char *path, const char *method)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *remote = NULL;

  reply = g_dbus_connection_call_sync (barge_test_daemon_get_connection (f->daemon), BARGE_TEST_BUS_NAME,
                                       path, BARGE_TEST_JOB_IFACE, method, NULL, NULL,
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000, NULL, &error);
  g_assert_null (reply);
  g_assert_nonnull (error);
  remote = g_dbus_error_get_remote_error (error);
  g_test_message ("%s on a cancelled job: %s", method, remote);
  /* A Barge error a client can match, not GDBus's UnknownObject. */
  g_assert_cmpstr (remote, ==, BARGE_TEST_ERROR_PREFIX "NotFound");
}

static void
test_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "errors");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autofree char *good_url = barge_test_server_get_data_url (f->server, "good", 10, 0);
  g_autofree char *missing_url = g_strconcat (barge_test_server_get_base_url (f->server), "/nothere", NULL);
  g_autofree char *dest = dest_path (f, "out");
  g_autofree char *missing_dir = g_build_filename (f->dir, "no-such-folder", "out", NULL);
  g_autofree char *id = g_strdup (barge_dbus_job_get_id (job));
  g_autofree char *found = NULL;
  g_autofree char *file_path = NULL;
  g_autoptr(GError) error = NULL;
  const char *context, *name, *message, *file;
  JobSignals signals;

  barge_dbus_job_call_add_file_sync (job, "ftp://x/y", dest, NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_clear_error (&error);

  barge_dbus_job_call_add_file_sync (job, good_url, "relative/out", NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_clear_error (&error);

  barge_dbus_job_call_add_file_sync (job, good_url, missing_dir, NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_clear_error (&error);

  /* None of the refused files was added. */
  g_assert_cmpuint (job_n_files (f, job), ==, 0);
  barge_dbus_job_call_resume_sync (job, NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "Empty");
  g_clear_error (&error);
  g_assert_cmpstr (barge_dbus_job_get_state (job), ==, "suspended");

  /* A 404 is an error the application has to handle. */
  job_signals_connect (&signals, job);
  add_file (job, missing_url, dest);
  file_path = job_file_path (f, job, 0);
  job_call (job, barge_dbus_job_call_resume_sync);
  barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
  g_variant_get (barge_dbus_job_get_error (job), "(&s&s&s&s)", &context, &name, &message, &file);
  g_test_message ("Error: %s %s %s %s", context, name, message, file);
  g_assert_cmpstr (context, ==, "remote-file");
  g_assert_cmpstr (name, ==, BARGE_TEST_ERROR_PREFIX "RemoteNotFound");
  g_assert_cmpstr (file, ==, file_path);
  g_assert_cmpstr (message, !=, "");
  g_assert_cmpuint (barge_dbus_job_get_error_count (job), >=, 1);
  barge_test_assert_wait (got_failed, &signals, SHORT_TIMEOUT_MS, "the Failed signal");
  g_assert_cmpuint (signals.failed, ==, 1);
  g_assert_cmpstr (signals.failed_context, ==, "remote-file");
  g_assert_cmpstr (signals.failed_name, ==, BARGE_TEST_ERROR_PREFIX "RemoteNotFound");
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  job_signals_clear (&signals, job);

  /* A cancelled job is gone: from the bus and from GetJob. */
  job_call (job, barge_dbus_job_call_cancel_sync);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS), ==, "cancelled");
  assert_call_on_removed_object_fails (f, path, "Resume");
  assert_call_on_removed_object_fails (f, path, "GetProgress");
  barge_dbus_manager_call_get_job_sync (barge_test_daemon_get_manager (f->daemon), id, &found, NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "NotFound");
}

/* --- 7. progress coalescing ---------------------------------------------------- */

typedef struct {
  gint64 time;
  gboolean progress;
  guint64 values[4];          /* the Progress (tttt), when it changed */
  char *state;                /* NULL when State did not change */
} Change;

static void
change_free (Change *c)
{
  g_free (c->state);
  g_free (c);
}

static void
on_job_properties_changed (GDBusConnection *connection, const char *sender, const char *path,
                           const char *iface, const char *member, GVariant *parameters, gpointer user_data)
{
  GPtrArray *changes = user_data;
  g_autoptr(GVariant) changed = NULL;
  const char *interface_name;
  Change *c;

  g_variant_get (parameters, "(&s@a{sv}@as)", &interface_name, &changed, NULL);
  if (g_strcmp0 (interface_name, BARGE_TEST_JOB_IFACE) != 0)
    return;
  c = g_new0 (Change, 1);
  c->time = g_get_monotonic_time ();
  c->progress = g_variant_lookup (changed, "Progress", "(tttt)", &c->values[0], &c->values[1], &c->values[2],
                                  &c->values[3]);
  g_variant_lookup (changed, "State", "s", &c->state);
  g_ptr_array_add (changes, c);
}

/* Resumes JOB and records every PropertiesChanged of it in CHANGES (Change)
 * until it is transferred; returns the monotonic time of the Resume. */
static gint64
resume_recording_changes (Fixture *f, BargeDBusJob *job, GPtrArray *changes)
{
  GDBusConnection *connection = barge_test_daemon_get_connection (f->daemon);
  /* The subscription's match rule reaches the bus before the call below. */
  guint subscription = g_dbus_connection_signal_subscribe (connection, BARGE_TEST_BUS_NAME,
                                                           "org.freedesktop.DBus.Properties", "PropertiesChanged",
                                                           job_path (job), BARGE_TEST_JOB_IFACE,
                                                           G_DBUS_SIGNAL_FLAGS_NONE, on_job_properties_changed,
                                                           changes, NULL);
  gint64 started = g_get_monotonic_time ();

  job_call (job, barge_dbus_job_call_resume_sync);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  /* The proxy may have seen the state before our handler its signal. */
  barge_test_run_for (100);
  g_dbus_connection_signal_unsubscribe (connection, subscription);
  return started;
}

static void
test_coalescing (Fixture *f, gconstpointer data)
{
  const guint interval_ms = 200;
  const char *name = "coalesce";
  /* 4 MiB/s for about 3 s: the daemon writes 256 KiB buffers, so without
   * coalescing it would announce progress 16 times a second, well above
   * the 5 a second that 200 ms allow. */
  const guint64 size = 12 * MiB;
  g_autofree char *url = barge_test_server_get_data_url (f->server, name, size, 4 * MiB);
  g_autofree char *dest = dest_path (f, name);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "coalesce");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) change_free);
  gint64 started, ended = 0, min_gap = G_MAXINT64, min_gap_2 = G_MAXINT64, last_progress = 0;
  guint n_progress = 0, n_progress_only = 0, n_state = 0, limit;

  set_notification_interval (f, job, interval_ms);
  add_file (job, url, dest);
  started = resume_recording_changes (f, job, changes);

  for (guint i = 0; i < changes->len; i++)
    {
      Change *c = g_ptr_array_index (changes, i);

      if (c->state != NULL)
        n_state++;
      if (g_strcmp0 (c->state, "transferred") == 0)
        ended = c->time;
      if (!c->progress)
        continue;
      n_progress++;
      if (c->state == NULL)
        {
          n_progress_only++;
          /* A progress-only announcement comes at least an interval after
           * the previous one; half of it allows for scheduling delays here.
           * The times are when this process read them: a stall of this
           * process (a loaded machine) reads two at once, so the smallest
           * gap is forgiven, the second smallest is not. */
          if (last_progress != 0 && c->time - last_progress < min_gap)
            {
              min_gap_2 = min_gap;
              min_gap = c->time - last_progress;
            }
          else if (last_progress != 0)
            min_gap_2 = MIN (min_gap_2, c->time - last_progress);
        }
      last_progress = c->time;
    }
  g_assert_cmpint (ended, >, 0);
  limit = (guint) ((ended - started) / (interval_ms * 1000)) + 1 + n_state + 2;
  g_test_message ("%u PropertiesChanged with Progress (%u progress only, %u with State) in %" G_GINT64_FORMAT
                  " ms; limit %u; smallest gaps %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT " ms",
                  n_progress, n_progress_only, n_state, (ended - started) / 1000, limit, min_gap / 1000,
                  min_gap_2 / 1000);
  g_assert_cmpuint (n_progress, <=, limit);
  g_assert_cmpuint (n_progress_only, >=, 3);
  g_assert_cmpint (min_gap_2, >=, interval_ms * 1000 / 2);

  job_call (job, barge_dbus_job_call_complete_sync);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS), ==, "acknowledged");
  barge_test_assert_file_content (dest, name, size);
}

/* A job database of a newer barged, of a schema version this one does not
 * know: barged says so and exits 1, and the file is not written to. The
 * database is a saved fixture taken past this barged's version (a table and
 * version 9, one more than the store's ladder reaches), as a later barged
 * would leave it. */
typedef struct {
  gboolean exited;
  char *err;
} Exit;

static void
on_communicated (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Exit *e = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), res, NULL, &e->err, &error);
  g_assert_no_error (error);
  e->exited = TRUE;
}

static gboolean
has_exited (gpointer user_data)
{
  return ((Exit *) user_data)->exited;
}

static void
test_newer_database (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autofree char *state = g_dir_make_tmp ("barge-test-state-XXXXXX", &error);
  g_autofree char *db_path = g_build_filename (state, "jobs.db", NULL);
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "unit", "data", "store", "v5-ladder.sql", NULL);
  g_autofree char *sql = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *address = NULL;
  g_autofree char *state_arg = NULL;
  g_autoptr(GSubprocess) barged = NULL;
  gsize before_len, after_len;
  sqlite3 *db = NULL;
  Exit e = { FALSE, NULL };

  g_assert_no_error (error);
  g_file_get_contents (fixture, &sql, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE of_version_9 (x); PRAGMA user_version = 9;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (g_file_get_contents (db_path, &before, &before_len, NULL));

  g_test_dbus_up (bus);
  address = g_strdup_printf ("--address=%s", g_test_dbus_get_bus_address (bus));
  state_arg = g_strdup_printf ("--state-dir=%s", state);
  barged = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                             g_getenv ("BARGED"), address, state_arg, "--idle-timeout=0", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (barged, NULL, NULL, on_communicated, &e);
  if (!barge_test_wait_until (has_exited, &e, SHORT_TIMEOUT_MS))
    {
      g_subprocess_force_exit (barged);
      barge_test_wait_until (has_exited, &e, SHORT_TIMEOUT_MS);
      g_test_fail_printf ("barged kept running on a database of version 9");
    }
  else
    {
      g_test_message ("barged said: %s", e.err);
      g_assert_true (g_subprocess_get_if_exited (barged));
      g_assert_cmpint (g_subprocess_get_exit_status (barged), ==, 1);
      g_assert_true (g_str_has_prefix (e.err, "barged: job database "));
      g_assert_nonnull (strstr (e.err, db_path));
      g_assert_nonnull (strstr (e.err, "schema version 9, written by a newer barged"));
    }
  g_assert_true (g_file_get_contents (db_path, &after, &after_len, NULL));
  g_assert_cmpmem (after, after_len, before, before_len);

  g_free (e.err);
  g_test_dbus_down (bus);
  barge_test_remove_tree (state);
}

/* --- 8. what CreateJob refuses ------------------------------------------------ */

static void
assert_create_refused (Fixture *f, const char *type, const char *protocol)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GVariantBuilder options;

  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
  if (protocol != NULL)
    g_variant_builder_add (&options, "{sv}", "upload-protocol", g_variant_new_string (protocol));
  barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "refused", type,
                                           g_variant_builder_end (&options), &path, NULL, &error);
  g_test_message ("%s with %s: %s", type, protocol != NULL ? protocol : "(no protocol)",
                  error != NULL ? error->message : "created");
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_assert_null (path);
}

static void
test_create_job_options (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) paths = NULL;

  /* Only BITS brings a reply back: tus and a plain PUT never could. */
  assert_create_refused (f, "upload-reply", "put");
  assert_create_refused (f, "upload-reply", "tus");
  /* An upload names its protocol; a download takes none. */
  assert_create_refused (f, "upload", NULL);
  assert_create_refused (f, "download", "bits");
  assert_create_refused (f, "upload", "ftp");
  assert_create_refused (f, "sideload", NULL);
  /* Nothing was made. */
  barge_dbus_manager_call_list_jobs_sync (barge_test_daemon_get_manager (f->daemon),
                                          g_variant_new ("a{sv}", NULL), &paths, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (paths), ==, 0);
}

/* --- 9. files in parallel ------------------------------------------------------ */

/* barged's default [Transfer] MaxConnectionsPerHost: the files a job runs at
 * once when barge.conf says nothing. */
#define DEFAULT_CONNECTIONS_PER_HOST 6

/* Runs a job of N_SMALL small files (0 B to 16 KiB) and N_LARGE files of
 * 2 MiB served at 1 MiB/s, spread among them, so that small files run
 * beside the large ones. Every Progress the job announces (the interval
 * is 0: each change) is recorded: the bytes and the files transferred
 * never go back. Returns the most GETs SERVER answered at once. */
static guint
run_parallel_job (Fixture *f, BargeTestServer *server, const char *prefix, guint n_small, guint n_large)
{
  const guint n = n_small + n_large;
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, prefix);
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(GVariantBuilder) builder = g_variant_builder_new (G_VARIANT_TYPE ("a(ss)"));
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) change_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree guint64 *sizes = g_new0 (guint64, n);
  g_autoptr(GError) error = NULL;
  guint64 sum = 0, last[4] = { 0 }, progress[4];
  guint n_announced = 0;

  set_notification_interval (f, job, 0);
  for (guint i = 0; i < n; i++)
    {
      gboolean large = i % (n / n_large) == 0 && i / (n / n_large) < n_large;
      char *name = g_strdup_printf ("%s-%s-%03u", prefix, large ? "large" : "small", i);
      g_autofree char *url = NULL;
      g_autofree char *dest = dest_path (f, name);

      sizes[i] = large ? 2 * MiB : i % 50 == 7 ? 0 : (guint64) g_test_rand_int_range (1, 16 * KiB + 1);
      url = barge_test_server_get_data_url (server, name, sizes[i], large ? 1 * MiB : 0);
      g_variant_builder_add (builder, "(ss)", url, dest);
      g_ptr_array_add (names, name);
      sum += sizes[i];
    }
  barge_dbus_job_call_add_files_sync (job, g_variant_builder_end (builder), NULL, &error);
  g_assert_no_error (error);

  resume_recording_changes (f, job, changes);

  for (guint i = 0; i < changes->len; i++)
    {
      Change *c = g_ptr_array_index (changes, i);
      const guint64 *p = c->values;

      if (!c->progress)
        continue;
      if (p[1] < last[1] || p[3] < last[3])
        {
          g_autofree char *msg = g_strdup_printf ("Progress went back at announcement %u: (%" G_GUINT64_FORMAT
                                                  ", %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ", %"
                                                  G_GUINT64_FORMAT ") after (%" G_GUINT64_FORMAT ", %"
                                                  G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                                                  ")", n_announced, p[0], p[1], p[2], p[3],
                                                  last[0], last[1], last[2], last[3]);
          g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, msg);
        }
      /* Files were all added before Resume. */
      g_assert_cmpuint (p[2], ==, n);
      g_assert_cmpuint (p[3], <=, n);
      memcpy (last, p, sizeof last);
      n_announced++;
    }
  g_test_message ("%s: %u files, %u Progress announcements", prefix, n, n_announced);
  g_assert_cmpuint (n_announced, >, 1);
  /* The last announcement is the end: every file, every byte. */
  assert_progress_complete (last, sum, n);
  get_progress (job, progress);
  assert_progress_complete (progress, sum, n);

  job_call (job, barge_dbus_job_call_complete_sync);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS), ==, "acknowledged");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *dest = dest_path (f, g_ptr_array_index (names, i));
      barge_test_assert_file_content (dest, g_ptr_array_index (names, i), sizes[i]);
    }
  return barge_test_server_get_max_concurrent (server);
}

static void
test_parallel_progress_monotonic (Fixture *f, gconstpointer data)
{
  g_autoptr(BargeTestServer) narrow = NULL;
  guint max;

  /* The default: several files at once, and progress still only grows. */
  max = run_parallel_job (f, f->server, "wide", 300, 3);
  g_test_message ("MaxConnectionsPerHost=%d (default): at most %u GETs at once",
                  DEFAULT_CONNECTIONS_PER_HOST, max);
  g_assert_cmpuint (max, >, 1);
  g_assert_cmpuint (max, <=, DEFAULT_CONNECTIONS_PER_HOST);

  /* Two at most (HEAD size probes run beside them, but only GETs are
   * counted), with a server of its own to count from zero. */
  barge_test_daemon_set_config (f->daemon, "[Transfer]\nMaxConnectionsPerHost=2\n");
  barge_test_daemon_stop (f->daemon);
  barge_test_daemon_start (f->daemon);
  narrow = barge_test_server_new ();
  max = run_parallel_job (f, narrow, "narrow", 100, 3);
  g_test_message ("MaxConnectionsPerHost=2: at most %u GETs at once", max);
  g_assert_cmpuint (max, <=, 2);
  /* ...and still two: the window is the setting, not one. */
  g_assert_cmpuint (max, ==, 2);
}

/* A change whose record cannot be stored (a trigger refuses it, as a full
 * disk or another process holding the database would) is answered with
 * the store's error: a client told Suspend succeeded expects the job
 * suspended after a restart too. Before, the call answered success. */
static void
test_unstored_change_fails (Fixture *f, gconstpointer data)
{
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "unstored");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autofree char *db_path = g_build_filename (barge_test_daemon_get_state_dir (f->daemon), "jobs.db", NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TRIGGER refuse_jobs BEFORE INSERT ON jobs "
                                     "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  barge_dbus_job_call_suspend_sync (job, NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "Failed");
  g_test_message ("Suspend: %s", error->message);
  g_assert_nonnull (strstr (error->message, "refused by the test"));
  g_assert_nonnull (strstr (error->message, "lost if barged stops"));
  g_clear_error (&error);

  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER refuse_jobs", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  barge_dbus_job_call_suspend_sync (job, NULL, &error);
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  BARGE_TEST_ADD ("/daemon/multi-file", test_multi_file);
  BARGE_TEST_ADD ("/daemon/total-known-early", test_total_known_early);
  BARGE_TEST_ADD ("/daemon/suspend-resume", test_suspend_resume);
  BARGE_TEST_ADD ("/daemon/cancel", test_cancel);
  BARGE_TEST_ADD ("/daemon/complete-partial", test_complete_partial);
  BARGE_TEST_ADD ("/daemon/kill-resume", test_kill_resume);
  BARGE_TEST_ADD ("/daemon/errors", test_errors);
  BARGE_TEST_ADD ("/daemon/coalescing", test_coalescing);
  BARGE_TEST_ADD ("/daemon/create-job-options", test_create_job_options);
  BARGE_TEST_ADD ("/daemon/parallel-progress-monotonic", test_parallel_progress_monotonic);
  BARGE_TEST_ADD ("/daemon/unstored-change-fails", test_unstored_change_fails);
  g_test_add_func ("/daemon/newer-database", test_newer_database);

  return g_test_run ();
}
