/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Crash safety: barged is killed with SIGKILL at many random moments
 * during a job of many files of mixed sizes. Every restart must resume
 * from a durable offset, and the final files must have the right SHA-256.
 * The bytes fetched again after each kill are measured from the server's
 * request log and checked against the bound the checkpoints give. */
#define G_LOG_DOMAIN "BargeTestCrash"

#include "config.h"

#include <string.h>

#include "barge-test-daemon.h"
#include "barge-test-jobs.h"
#include "barge-test-server.h"

#define KILLS 24
#define MIN_KILLS 20
#define RATE (4 * MiB)
/* barged's bound: an fdatasync every 32 MiB or CheckpointInterval (2 s by
 * default, 250 ms here so that runs between kills of a few hundred ms
 * make progress), plus what arrives while that fdatasync and the database
 * write run, plus the two 256 KiB buffers. */
#define CHECKPOINT_BYTES (32 * MiB)
#define CHECKPOINT_MS 250
#define SYNC_SLACK_MS 750
#define BUFFERS (512 * KiB)

typedef struct {
  const char *name;
  guint64 size;
} File;

static const File files[] = {
  { "c-empty", 0 },
  { "c-one", 1 },
  { "c-small", 100 * KiB },
  { "c-big1", 16 * MiB },
  { "c-odd", 3 * MiB + 12345 },
  { "c-tiny", 4 * KiB },
  { "c-big2", 20 * MiB },
  { "c-mid", 7 * MiB },
  { "c-small2", 513 * KiB },
  { "c-big3", 24 * MiB },
  { "c-last", 1 * MiB + 1 },
};

static guint64
job_bytes_done (BargeDBusJob *job, guint64 *files_done)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) value = NULL;
  guint64 total, done, n;

  barge_dbus_job_call_get_progress_sync (job, &value, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (value, "(tttt)", &total, &done, &n, files_done);
  return done;
}

/* GET requests per file so far. */
static void
count_gets (BargeTestServer *server, guint counts[G_N_ELEMENTS (files)])
{
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = barge_test_server_get_data_path (files[i].name);
      g_autoptr(GPtrArray) requests = barge_test_server_get_requests (server, path);

      counts[i] = 0;
      for (guint r = 0; r < requests->len; r++)
        if (g_str_equal (((BargeTestRequest *) g_ptr_array_index (requests, r))->method, "GET"))
          counts[i]++;
    }
}

typedef struct {
  BargeTestServer *server;
  guint before[G_N_ELEMENTS (files)];
  gint file;                  /* out: the file of the first new GET */
  BargeTestRequest *request;  /* out */
} NewGet;

static gboolean
find_new_get (gpointer user_data)
{
  NewGet *w = user_data;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = barge_test_server_get_data_path (files[i].name);
      g_autoptr(GPtrArray) requests = barge_test_server_get_requests (w->server, path);
      guint seen = 0;

      for (guint r = 0; r < requests->len; r++)
        {
          BargeTestRequest *req = g_ptr_array_index (requests, r);

          if (!g_str_equal (req->method, "GET"))
            continue;
          if (seen++ < w->before[i])
            continue;
          w->file = (gint) i;
          w->request = g_ptr_array_steal_index (requests, r);
          return TRUE;
        }
    }
  return FALSE;
}

static guint64
range_start (const char *range)
{
  if (range == NULL)
    return 0;
  g_assert_true (g_str_has_prefix (range, "bytes="));
  return g_ascii_strtoull (range + 6, NULL, 10);
}

static void
test_kill_many (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conf_dir = g_dir_make_tmp ("barge-test-conf-XXXXXX", &error);
  g_autofree char *conf = g_build_filename (conf_dir, "barge.conf", NULL);
  g_autofree char *conf_arg = g_strdup_printf ("--config=%s", conf);
  const char *args[] = { conf_arg, NULL };
  /* One file at a time, so that the first request after a restart says
   * exactly where the job resumed (test_kill_storm runs files in parallel). */
  g_autofree char *conf_text = g_strdup_printf ("[Transfer]\nCheckpointInterval=%d\nMaxConnectionsPerHost=1\n",
                                                CHECKPOINT_MS);
  gboolean conf_ok = g_file_set_contents (conf, conf_text, -1, &error);
  g_autoptr(BargeTestDaemon) daemon = barge_test_daemon_new_with_args (args);
  g_autoptr(BargeTestServer) server = barge_test_server_new ();
  g_autofree char *dir = g_dir_make_tmp ("barge-test-crash-XXXXXX", &error);
  g_autofree char *path = barge_test_daemon_create_job (daemon, "crash");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (daemon, path);
  g_autofree char *id = g_strdup (barge_dbus_job_get_id (job));
  guint64 prefix[G_N_ELEMENTS (files) + 1];
  guint64 total = 0, lost_sum = 0, lost_max = 0, bound, last_durable = 0;
  guint kills = 0;
  const char *state;

  g_assert_no_error (error);
  g_assert_true (conf_ok);
  prefix[0] = 0;
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *url = barge_test_server_get_data_url (server, files[i].name, files[i].size, RATE);
      g_autofree char *dest = g_build_filename (dir, files[i].name, NULL);

      barge_test_job_add_file (job, url, dest);
      total += files[i].size;
      prefix[i + 1] = total;
    }
  barge_test_job_resume (job);

  while (kills < KILLS)
    {
      NewGet w = { server, { 0 }, -1, NULL };
      guint64 written, files_done, durable, lost;
      guint wait_ms = (guint) g_test_rand_int_range (150, 700);

      barge_test_run_for (wait_ms);
      g_clear_object (&job);
      job = barge_test_daemon_get_job (daemon, path);
      state = barge_dbus_job_get_state (job);
      if (g_strcmp0 (state, "transferred") == 0)
        break;
      g_assert_cmpstr (state, !=, "error");
      count_gets (server, w.before);
      written = job_bytes_done (job, &files_done);
      barge_test_daemon_kill (daemon);
      kills++;
      barge_test_daemon_start (daemon);

      /* Where did it go on? The first GET after the restart says, by its
       * file and its Range. */
      barge_test_assert_wait (find_new_get, &w, SHORT_TIMEOUT_MS, "a request after the restart");
      durable = prefix[w.file] + range_start (w.request->range);
      if (w.request->range != NULL)
        {
          /* A resume is guarded by the validator, and the server agreed. */
          g_assert_nonnull (w.request->if_range);
          g_assert_cmpuint (w.request->status, ==, 206);
        }
      /* A restart never goes back behind an earlier durable point. */
      g_assert_cmpuint (durable, >=, last_durable);
      last_durable = durable;
      lost = written > durable ? written - durable : 0;
      g_test_message ("kill %u after %u ms: %" G_GUINT64_FORMAT " bytes written, resumed file %d at %"
                      G_GUINT64_FORMAT " (%s): %" G_GUINT64_FORMAT " bytes to fetch again",
                      kills, wait_ms, written, w.file, range_start (w.request->range),
                      w.request->range ? w.request->range : "no Range", lost);
      /* Never behind what was already complete before the kill. */
      g_assert_cmpuint (durable, >=, prefix[files_done]);
      lost_sum += lost;
      lost_max = MAX (lost_max, lost);
      barge_test_request_free (w.request);
    }

  g_assert_cmpuint (kills, >=, MIN_KILLS);
  g_clear_object (&job);
  job = barge_test_daemon_get_job (daemon, path);
  barge_test_wait_job_state (job, "transferred", 60000);
  barge_test_job_complete (job);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (daemon, path, SHORT_TIMEOUT_MS), ==, "acknowledged");
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *dest = g_build_filename (dir, files[i].name, NULL);
      barge_test_assert_file_content (dest, files[i].name, files[i].size);
    }

  bound = MIN ((guint64) CHECKPOINT_BYTES, (guint64) RATE * (CHECKPOINT_MS + SYNC_SLACK_MS) / 1000) + BUFFERS;
  g_test_message ("%u kills; bytes fetched again per kill: max %" G_GUINT64_FORMAT ", mean %" G_GUINT64_FORMAT
                  " (bound at %" G_GUINT64_FORMAT " B/s: %" G_GUINT64_FORMAT ")",
                  kills, lost_max, lost_sum / kills, (guint64) RATE, bound);
  g_assert_cmpuint (lost_max, <=, bound);
  barge_test_remove_tree (dir);
  barge_test_remove_tree (conf_dir);
  (void) id;
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/crash/kill-many", test_kill_many);
  return g_test_run ();
}
