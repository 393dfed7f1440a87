/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* BargedSyncer: the last bytes and the last sync of files that finish
 * together go to the disk in batches, each file with its own outcome. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "barge.h"
#include "barged-syncer.h"
#include "run-again-preloaded.h"

#define N_FILES 64
#define TIMEOUT_MS 30000
#define SLOW_SYNC_MS 1500

typedef struct {
  guint done;
  guint failed;
  GError *errors[N_FILES];
  gboolean finished[N_FILES];
} Outcome;

typedef struct {
  Outcome *outcome;
  guint index;
} Call;

static void
on_synced (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autofree Call *call = user_data;

  if (!barged_syncer_sync_finish (BARGED_SYNCER (source), res, &call->outcome->errors[call->index]))
    call->outcome->failed++;
  call->outcome->finished[call->index] = TRUE;
  call->outcome->done++;
}

static gboolean
on_timeout (gpointer user_data)
{
  g_error ("timed out waiting for the syncer");
  return G_SOURCE_REMOVE;
}

static void
wait_for (Outcome *outcome, guint n)
{
  guint timeout = g_timeout_add (TIMEOUT_MS, on_timeout, NULL);

  while (outcome->done < n)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

/* A new file at @path, open for writing, holding @prefix. */
static int
new_file (const char *path, const char *prefix)
{
  int fd = open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, prefix, strlen (prefix)), ==, (gssize) strlen (prefix));
  return fd;
}

/* Hands @fd (at @path) to @syncer as file @index of @outcome, with @data
 * to write at @pos. */
static void
hand_in_as (BargedSyncer *syncer, Outcome *outcome, guint index, int fd, const char *path, const char *data,
            guint64 pos, guint32 owner)
{
  Call *call = g_new0 (Call, 1);

  call->outcome = outcome;
  call->index = index;
  barged_syncer_sync_async (syncer, fd, (const guint8 *) data, strlen (data), pos, owner, path, on_synced, call);
}

static void
hand_in (BargedSyncer *syncer, Outcome *outcome, guint index, int fd, const char *path, const char *data,
         guint64 pos)
{
  hand_in_as (syncer, outcome, index, fd, path, data, pos, getuid ());
}

/* Many files handed in back to back: each gets its bytes at its offset and
 * its outcome; they share one batch, which starts as soon as 64 wait
 * (before the window, the first went alone and the rest after it). */
static void
test_batches (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("barge-syncer-XXXXXX", &error);
  g_autoptr(BargedSyncer) syncer = barged_syncer_new ();
  static const char prefix[] = "prefix:";
  Outcome outcome = { 0 };
  char *paths[N_FILES];
  char *data[N_FILES];
  guint64 batches, files;

  g_assert_no_error (error);
  for (guint i = 0; i < N_FILES; i++)
    {
      paths[i] = g_strdup_printf ("%s/f%u", dir, i);
      data[i] = g_strdup_printf ("file %u's last bytes", i);
      hand_in (syncer, &outcome, i, new_file (paths[i], prefix), paths[i], data[i], strlen (prefix));
    }
  wait_for (&outcome, N_FILES);
  g_assert_cmpuint (outcome.failed, ==, 0);
  for (guint i = 0; i < N_FILES; i++)
    {
      g_autofree char *contents = NULL;
      g_autofree char *expected = g_strconcat (prefix, data[i], NULL);

      g_assert_true (g_file_get_contents (paths[i], &contents, NULL, NULL));
      g_assert_cmpstr (contents, ==, expected);
      g_unlink (paths[i]);
      g_free (paths[i]);
      g_free (data[i]);
    }
  barged_syncer_get_counts (syncer, &batches, &files);
  g_test_message ("%u files in %" G_GUINT64_FORMAT " batches", N_FILES, batches);
  g_assert_cmpuint (files, ==, N_FILES);
  g_assert_cmpuint (batches, ==, 1);
  g_rmdir (dir);
}

/* A few files handed in back to back: no batch starts at once; the
 * window (2 ms from the first) takes them all in one. */
static void
test_window (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("barge-syncer-XXXXXX", &error);
  g_autoptr(BargedSyncer) syncer = barged_syncer_new ();
  Outcome outcome = { 0 };
  char *paths[3];
  guint64 batches, files;
  gint64 start = g_get_monotonic_time ();

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      paths[i] = g_strdup_printf ("%s/f%u", dir, i);
      hand_in (syncer, &outcome, i, new_file (paths[i], ""), paths[i], "x", 0);
    }
  barged_syncer_get_counts (syncer, &batches, &files);
  g_assert_cmpuint (batches, ==, 0);
  wait_for (&outcome, G_N_ELEMENTS (paths));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 2000);
  g_assert_cmpuint (outcome.failed, ==, 0);
  barged_syncer_get_counts (syncer, &batches, &files);
  g_assert_cmpuint (batches, ==, 1);
  g_assert_cmpuint (files, ==, G_N_ELEMENTS (paths));
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_unlink (paths[i]);
      g_free (paths[i]);
    }
  g_rmdir (dir);
}

/* A file whose temporary was deleted meanwhile fails alone (it could never
 * be renamed into place); the others in its batch succeed. */
static void
test_one_fails_alone (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("barge-syncer-XXXXXX", &error);
  g_autoptr(BargedSyncer) syncer = barged_syncer_new ();
  Outcome outcome = { 0 };
  char *paths[4];

  g_assert_no_error (error);
  for (guint i = 0; i < 4; i++)
    {
      int fd;

      paths[i] = g_strdup_printf ("%s/g%u", dir, i);
      fd = new_file (paths[i], "");
      if (i == 2)
        g_assert_cmpint (g_unlink (paths[i]), ==, 0);
      hand_in (syncer, &outcome, i, fd, paths[i], "x", 0);
    }
  wait_for (&outcome, 4);
  g_assert_cmpuint (outcome.failed, ==, 1);
  g_assert_error (outcome.errors[2], BARGE_ERROR, BARGE_ERROR_LOCAL_FILE);
  for (guint i = 0; i < 4; i++)
    {
      if (i != 2)
        {
          g_assert_no_error (outcome.errors[i]);
          g_unlink (paths[i]);
        }
      g_clear_error (&outcome.errors[i]);
      g_free (paths[i]);
    }
  g_rmdir (dir);
}

/* Owners' batches are apart: a flush that hangs on one user's file system
 * (here fdatasync in one folder takes 1.5 s, barge-test-preload.c) holds
 * that user's file only; another user's file handed in meanwhile is
 * durable at once. Before, one batch at a time for the whole daemon: it
 * waited behind the hung one. (The slow file's owner is made up: its
 * check after the sync fails, which does not matter here.) */
static void
test_owners_apart (void)
{
  const char *slow = g_getenv ("BARGE_TEST_SLOW_FLUSH_IN");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("barge-syncer-XXXXXX", &error);
  g_autoptr(BargedSyncer) syncer = barged_syncer_new ();
  g_autofree char *slow_path = NULL;
  g_autofree char *path = NULL;
  Outcome outcome = { 0 };
  gint64 handed;

  g_assert_no_error (error);
  if (slow == NULL)
    {
      g_test_skip ("BARGE_TEST_PRELOAD is not set (meson test sets it)");
      g_rmdir (dir);
      return;
    }
  slow_path = g_build_filename (slow, "hung", NULL);
  path = g_build_filename (dir, "other", NULL);
  hand_in_as (syncer, &outcome, 0, new_file (slow_path, ""), slow_path, "x", 0, getuid () + 1);
  /* Its batch is on a worker, in the slow fdatasync. */
  {
    gint64 until = g_get_monotonic_time () + 200 * 1000;

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_false (outcome.finished[0]);
  handed = g_get_monotonic_time ();
  hand_in (syncer, &outcome, 1, new_file (path, ""), path, "y", 0);
  wait_for (&outcome, 1);
  g_test_message ("the other user's file was durable after %" G_GINT64_FORMAT " us",
                  g_get_monotonic_time () - handed);
  g_assert_true (outcome.finished[1]);
  g_assert_no_error (outcome.errors[1]);
  g_assert_false (outcome.finished[0]);
  g_assert_cmpint (g_get_monotonic_time () - handed, <, SLOW_SYNC_MS * 1000 / 2);
  wait_for (&outcome, 2);
  g_clear_error (&outcome.errors[0]);
  g_unlink (slow_path);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  int status;
  g_autofree char *ms = g_strdup_printf ("%d", SLOW_SYNC_MS);
  g_autofree char *slow = NULL;

  /* fdatasync and close slow in a folder of its own. */
  if (g_getenv ("BARGE_TEST_PRELOAD") != NULL && g_getenv ("BARGE_TEST_SLOW_FLUSH_IN") == NULL)
    slow = g_dir_make_tmp ("barge-syncer-slow-XXXXXX", NULL);
  if (slow != NULL)
    run_again_preloaded (argv, (const char *[]) { "BARGE_TEST_SLOW_FLUSH_IN", slow, "BARGE_TEST_SLOW_FLUSH_MS", ms,
                                                  NULL });
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/syncer/batches", test_batches);
  g_test_add_func ("/syncer/window", test_window);
  g_test_add_func ("/syncer/one-fails-alone", test_one_fails_alone);
  g_test_add_func ("/syncer/owners-apart", test_owners_apart);
  status = g_test_run ();
  /* The slow folder run_again_preloaded() made. */
  if (g_getenv ("BARGE_TEST_SLOW_FLUSH_IN") != NULL)
    g_rmdir (g_getenv ("BARGE_TEST_SLOW_FLUSH_IN"));
  return status;
}
