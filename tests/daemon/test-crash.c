/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Crash safety: barged is killed with SIGKILL at many random moments
 * during a job of many files of mixed sizes. Every restart must resume
 * from a durable offset, and the final files must have the right SHA-256.
 * The bytes fetched again after each kill are measured from the server's
 * request log and checked against the bound the checkpoints give: one file
 * at a time (kill-many), and 2,020 files run in parallel (kill-storm). */
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
      durable = prefix[w.file] + barge_test_range_start (w.request->range);
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
                      kills, wait_ms, written, w.file, barge_test_range_start (w.request->range),
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

/* --- a storm of small files, in parallel ---------------------------------- */

#define STORM_SMALL 2000
#define STORM_LARGE 20
#define STORM_FILES (STORM_SMALL + STORM_LARGE)
/* A large file every 101 files, from file 50 on. */
#define STORM_LARGE_EVERY (STORM_FILES / STORM_LARGE)
#define STORM_LARGE_FIRST 50
#define STORM_SMALL_MAX (16 * KiB)
/* MAX_FLUSHING of barged-job-run.c: files of a job waiting for a flush. */
#define STORM_FLUSHING 64
#define STORM_KILLS 20
/* The files a job runs at once; barged's default, said out loud because
 * the bound below depends on it. */
#define STORM_CONNECTIONS 6
/* Slow enough that a large file runs across several kills. */
#define STORM_LARGE_SIZE (3 * MiB)
#define STORM_RATE (1 * MiB)

typedef struct {
  char *name;
  guint64 size;
  guint64 rate;
} StormFile;

typedef struct {
  guint wait_ms;
  char *state;              /* at the kill */
  guint64 done_before;      /* files transferred just before it */
  guint64 done_after;       /* and just after the restart */
  guint files_again;        /* files fetched again from byte 0 after it */
  guint64 bytes_again;      /* bytes fetched again after it */
  guint heads;              /* HEAD requests (size probes) after it */
} StormKill;

/* No final name before Complete: only barged's hidden temporaries. */
static void
assert_only_temporaries (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = g_dir_open (dir, 0, &error);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (d)) != NULL)
    if (name[0] != '.' || !g_str_has_suffix (name, ".barge-part"))
      {
        g_autofree char *msg = g_strdup_printf ("%s is visible in %s before Complete", name, dir);
        g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, msg);
      }
}

/* Asserts that the job is still there, at the same path, and not in
 * error; returns its files transferred. */
static guint64
assert_job_alive (BargeTestDaemon *daemon, const char *path, const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  guint64 files_done;

  barge_dbus_manager_call_get_job_sync (barge_test_daemon_get_manager (daemon), id, &found, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, path);
  job = barge_test_daemon_get_job (daemon, path);
  g_assert_cmpstr (barge_dbus_job_get_state (job), !=, "error");
  job_bytes_done (job, &files_done);
  return files_done;
}

static void
test_kill_storm (void)
{
  g_autofree char *config = g_strdup_printf ("[Jobs]\nMaxFilesPerJob=%d\n"
                                             "[Transfer]\nCheckpointInterval=%d\nMaxConnectionsPerHost=%d\n",
                                             STORM_FILES, CHECKPOINT_MS, STORM_CONNECTIONS);
  g_autoptr(BargeTestDaemon) daemon = barge_test_daemon_new_with_config (config);
  g_autoptr(BargeTestServer) server = barge_test_server_new ();
  g_autofree char *dir = barge_test_make_dir ("barge-test-storm-XXXXXX");
  g_autofree char *path = barge_test_daemon_create_job (daemon, "storm");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (daemon, path);
  g_autofree char *id = g_strdup (barge_dbus_job_get_id (job));
  g_autoptr(GVariantBuilder) builder = g_variant_builder_new (G_VARIANT_TYPE ("a(ss)"));
  g_autoptr(GError) error = NULL;
  StormFile *storm = g_new0 (StormFile, STORM_FILES);
  /* The requests each file had when each kill was over: what came later
   * belongs to the run after that kill. */
  guint *seen = g_new0 (guint, STORM_KILLS * STORM_FILES);
  StormKill kills[STORM_KILLS] = { { 0 } };
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree char *listing = NULL;
  g_autofree char *expected_listing = NULL;
  guint64 total = 0, sent = 0, again_sum = 0, again_max = 0, again_before = 0, bound;
  guint files_again_sum = 0, files_again_max = 0, files_again_before = 0;
  guint n_large = 0, heads = 0, heads_before = 0;
  gint64 started = g_get_monotonic_time ();

  for (guint i = 0; i < STORM_FILES; i++)
    {
      StormFile *f = &storm[i];
      g_autofree char *url = NULL;
      g_autofree char *dest = NULL;

      if (i % STORM_LARGE_EVERY == STORM_LARGE_FIRST)
        {
          /* Sizes a little apart, so they do not all end at once. */
          f->name = g_strdup_printf ("large-%02u", n_large);
          f->size = STORM_LARGE_SIZE + n_large++ * 64 * KiB + 1;
          f->rate = STORM_RATE;
        }
      else
        {
          f->name = g_strdup_printf ("small-%04u", i);
          f->size = i % 400 == 7 ? 0 : (guint64) g_test_rand_int_range (1, STORM_SMALL_MAX + 1);
        }
      url = barge_test_server_get_data_url (server, f->name, f->size, f->rate);
      dest = g_build_filename (dir, f->name, NULL);
      g_variant_builder_add (builder, "(ss)", url, dest);
      total += f->size;
    }
  g_assert_cmpuint (n_large, ==, STORM_LARGE);
  barge_dbus_job_call_add_files_sync (job, g_variant_builder_end (builder), NULL, &error);
  g_assert_no_error (error);
  barge_test_job_resume (job);

  for (guint k = 0; k < STORM_KILLS; k++)
    {
      kills[k].wait_ms = (guint) g_test_rand_int_range (200, 600);
      barge_test_run_for (kills[k].wait_ms);
      g_clear_object (&job);
      job = barge_test_daemon_get_job (daemon, path);
      kills[k].state = g_strdup (barge_dbus_job_get_state (job));
      /* Done before the last kill: the storm was too short to test much. */
      g_assert_cmpstr (kills[k].state, !=, "transferred");
      g_assert_cmpstr (kills[k].state, !=, "error");
      assert_only_temporaries (dir);
      job_bytes_done (job, &kills[k].done_before);
      barge_test_daemon_kill (daemon);
      for (guint i = 0; i < STORM_FILES; i++)
        {
          g_autofree char *data_path = barge_test_server_get_data_path (storm[i].name);
          g_autoptr(GPtrArray) requests = barge_test_server_get_requests (server, data_path);

          seen[k * STORM_FILES + i] = requests->len;
        }
      barge_test_daemon_start (daemon);
      kills[k].done_after = assert_job_alive (daemon, path, id);
      assert_only_temporaries (dir);
    }

  g_clear_object (&job);
  job = barge_test_daemon_get_job (daemon, path);
  barge_test_wait_job_state (job, "transferred", 60000);
  assert_only_temporaries (dir);
  barge_test_job_complete (job);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (daemon, path, SHORT_TIMEOUT_MS), ==, "acknowledged");
  for (guint i = 0; i < STORM_FILES; i++)
    {
      g_autofree char *dest = g_build_filename (dir, storm[i].name, NULL);
      barge_test_assert_file_content (dest, storm[i].name, storm[i].size);
      g_ptr_array_add (names, storm[i].name);
    }
  /* Exactly the final files: no temporary of a run a kill cut short is
   * left behind. */
  expected_listing = barge_test_join_sorted (names);
  listing = barge_test_list_dir (dir);
  g_assert_cmpstr (listing, ==, expected_listing);

  /* What was fetched twice, and after which kill. A request fetches again
   * the bytes of its file that an earlier request already sent (the
   * daemon resumes from a durable prefix of what it got, so what was sent
   * of a file is always a prefix of it). */
  for (guint i = 0; i < STORM_FILES; i++)
    {
      g_autofree char *data_path = barge_test_server_get_data_path (storm[i].name);
      g_autoptr(GPtrArray) requests = barge_test_server_get_requests (server, data_path);
      guint64 high = 0;
      gboolean fetched = FALSE;

      for (guint r = 0; r < requests->len; r++)
        {
          BargeTestRequest *req = g_ptr_array_index (requests, r);
          guint64 from = barge_test_range_start (req->range);
          guint64 again = MIN (from + req->sent, high) > from ? MIN (from + req->sent, high) - from : 0;
          gboolean from_zero = from == 0;
          guint k = 0;

          while (k < STORM_KILLS && seen[k * STORM_FILES + i] <= r)
            k++;
          /* k kills came before this request. */
          if (!g_str_equal (req->method, "GET"))
            {
              if (k == 0)
                heads_before++;
              else
                kills[k - 1].heads++;
              continue;
            }
          /* A resume is guarded by the validator, and the server agreed;
           * a file that had every byte on disk before the kill, but was
           * not marked transferred yet, asks past its end and is told
           * so. */
          if (req->range != NULL)
            {
              g_assert_nonnull (req->if_range);
              if (req->status != 416 || from != storm[i].size)
                g_assert_cmpuint (req->status, ==, 206);
            }
          g_assert_cmpuint (from, <=, high);
          if (k == 0)
            {
              again_before += again;
              files_again_before += fetched && from_zero;
            }
          else
            {
              kills[k - 1].bytes_again += again;
              kills[k - 1].files_again += fetched && from_zero;
            }
          fetched |= from_zero;
          high = MAX (high, from + req->sent);
          sent += req->sent;
        }
      g_assert_cmpuint (high, ==, storm[i].size);
    }

  /* Each kill loses what was not durable yet: for each file in flight
   * (at most STORM_CONNECTIONS at once), what arrived since its last
   * checkpoint (CheckpointInterval at STORM_RATE, plus what comes during
   * the fdatasync and the database write) and its two buffers, as in
   * test_kill_many; a small file in flight loses at most its size, less
   * than that. So the bound is STORM_CONNECTIONS times kill-many's.
   * (A file shows as transferred only once its record is committed; one
   * whose bytes were durable but whose record was still on its way is
   * fetched again, and counted above among the files fetched again.)
   * Besides those in flight, up to STORM_FLUSHING small files whose bytes
   * are all in wait for their batch's flush without a connection, each
   * losing at most its size. */
  bound = STORM_CONNECTIONS *
          (MIN ((guint64) CHECKPOINT_BYTES, (guint64) STORM_RATE * (CHECKPOINT_MS + SYNC_SLACK_MS) / 1000) + BUFFERS) +
          STORM_FLUSHING * STORM_SMALL_MAX;
  for (guint k = 0; k < STORM_KILLS; k++)
    {
      g_test_message ("kill %u after %u ms (%s, %" G_GUINT64_FORMAT " files transferred, %" G_GUINT64_FORMAT
                      " after the restart): %u files and %" G_GUINT64_FORMAT " bytes fetched again, %u HEADs",
                      k + 1, kills[k].wait_ms, kills[k].state, kills[k].done_before, kills[k].done_after,
                      kills[k].files_again, kills[k].bytes_again, kills[k].heads);
      heads += kills[k].heads;
      again_sum += kills[k].bytes_again;
      again_max = MAX (again_max, kills[k].bytes_again);
      files_again_sum += kills[k].files_again;
      files_again_max = MAX (files_again_max, kills[k].files_again);
      /* What a client saw transferred is transferred after the crash. */
      g_assert_cmpuint (kills[k].done_after, >=, kills[k].done_before);
      g_free (kills[k].state);
    }
  g_test_message ("%u files, %" G_GUINT64_FORMAT " bytes, %u kills in %" G_GINT64_FORMAT " ms; %u HEADs "
                  "(%u before the first kill)", STORM_FILES, total, STORM_KILLS,
                  (g_get_monotonic_time () - started) / 1000, heads + heads_before, heads_before);
  g_test_message ("fetched again per kill: files max %u, mean %.1f; bytes max %" G_GUINT64_FORMAT ", mean %"
                  G_GUINT64_FORMAT " (bound %" G_GUINT64_FORMAT ")", files_again_max,
                  (double) files_again_sum / STORM_KILLS, again_max, again_sum / STORM_KILLS, bound);
  g_test_message ("fetched again in all: %u files, %" G_GUINT64_FORMAT " bytes (before the first kill: %u files, %"
                  G_GUINT64_FORMAT " bytes)", files_again_sum + files_again_before, sent - total,
                  files_again_before, again_before);
  /* Every byte sent more than once was counted after some kill (or
   * before the first). */
  g_assert_cmpuint (sent - total, ==, again_sum + again_before);
  g_assert_cmpuint (again_max, <=, bound);

  for (guint i = 0; i < STORM_FILES; i++)
    g_free (storm[i].name);
  g_free (storm);
  g_free (seen);
  barge_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/crash/kill-many", test_kill_many);
  g_test_add_func ("/crash/kill-storm", test_kill_storm);
  return g_test_run ();
}
