/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* barged-file-access.c's opens of temporary files: asked back to back, they
 * go to the worker in batches (one per owner at a time), and each caller
 * still gets its own file, or its own error. And the check of many
 * destinations in one call. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "barge.h"
#include "barged-file-access.h"
#include "run-again-preloaded.h"

#define N_FILES 64
#define TIMEOUT_MS 30000

typedef struct {
  guint done;
  int fds[N_FILES];
  guint64 offsets[N_FILES];
  char *new_paths[N_FILES];
  GError *errors[N_FILES];
} Outcome;

typedef struct {
  Outcome *outcome;
  guint index;
} Call;

static void
on_opened (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autofree Call *call = user_data;
  Outcome *o = call->outcome;

  o->fds[call->index] = barged_file_access_open_temporary_finish (res, &o->offsets[call->index], NULL,
                                                                  &o->new_paths[call->index],
                                                                  &o->errors[call->index]);
  o->done++;
}

static gboolean
on_timeout (gpointer user_data)
{
  g_error ("timed out waiting for the opens");
  return G_SOURCE_REMOVE;
}

static void
open_async (Outcome *outcome, guint index, const char *destination, const char *path, guint64 keep,
            GCancellable *cancellable)
{
  Call *call = g_new0 (Call, 1);

  call->outcome = outcome;
  call->index = index;
  barged_file_access_open_temporary_async (getuid (), 022, destination, path, NULL, keep, cancellable, on_opened,
                                           call);
}

static void
wait_for (Outcome *outcome, guint n)
{
  guint timeout = g_timeout_add (TIMEOUT_MS, on_timeout, NULL);

  while (outcome->done < n)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

static void
outcome_clear (Outcome *outcome, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      if (outcome->fds[i] >= 0)
        close (outcome->fds[i]);
      g_free (outcome->new_paths[i]);
      g_clear_error (&outcome->errors[i]);
    }
}

/* 64 opens asked in one main-loop turn: the first goes alone, the other 63
 * wait for it and go together; each caller gets its own new file, with the
 * owner's umask, at the path it asked for; one whose caller cancelled is
 * refused as cancelled, and the file made for it removed; one that cannot
 * be created fails alone. */
static void
test_batches (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("barge-file-access-XXXXXX", &error);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  Outcome outcome = { 0 };
  guint64 batches = barged_file_access_count_open_batches ();
  char *paths[N_FILES];

  g_assert_no_error (error);
  for (guint i = 0; i < N_FILES; i++)
    {
      g_autofree char *destination = g_strdup_printf ("%s/f%u", dir, i);

      /* File 7's folder does not exist. */
      paths[i] = i == 7 ? g_strdup_printf ("%s/missing/.f7.part", dir) : g_strdup_printf ("%s/.f%u.part", dir, i);
      open_async (&outcome, i, destination, paths[i], 0, i == 9 ? cancelled : NULL);
    }
  g_cancellable_cancel (cancelled);
  wait_for (&outcome, N_FILES);
  g_assert_cmpuint (barged_file_access_count_open_batches () - batches, ==, 2);

  for (guint i = 0; i < N_FILES; i++)
    {
      struct stat st;

      if (i == 7)
        {
          g_assert_error (outcome.errors[i], BARGE_ERROR, BARGE_ERROR_LOCAL_FILE);
          g_assert_cmpint (outcome.fds[i], <, 0);
          continue;
        }
      if (i == 9)
        {
          g_assert_error (outcome.errors[i], G_IO_ERROR, G_IO_ERROR_CANCELLED);
          g_assert_cmpint (outcome.fds[i], <, 0);
          /* The file the open made for it goes, on a worker. */
          for (guint k = 0; k < 500 && g_file_test (paths[i], G_FILE_TEST_EXISTS); k++)
            {
              while (g_main_context_iteration (NULL, FALSE))
                ;
              g_usleep (10000);
            }
          g_assert_false (g_file_test (paths[i], G_FILE_TEST_EXISTS));
          continue;
        }
      g_assert_no_error (outcome.errors[i]);
      g_assert_cmpint (outcome.fds[i], >=, 0);
      g_assert_null (outcome.new_paths[i]);
      g_assert_cmpuint (outcome.offsets[i], ==, 0);
      g_assert_cmpint (fstat (outcome.fds[i], &st), ==, 0);
      g_assert_true (S_ISREG (st.st_mode));
      g_assert_cmpint (st.st_mode & 0777, ==, 0644);
      /* Its own file: what is written through it is at its path. */
      g_assert_cmpint (write (outcome.fds[i], &i, sizeof i), ==, sizeof i);
      g_assert_cmpint (g_stat (paths[i], &st), ==, 0);
      g_assert_cmpint (st.st_size, ==, sizeof i);
      g_assert_cmpint (g_unlink (paths[i]), ==, 0);
    }
  outcome_clear (&outcome, N_FILES);
  for (guint i = 0; i < N_FILES; i++)
    g_free (paths[i]);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A temporary barged made is reopened with what it holds, cut to what the
 * caller keeps; something else at the path is left alone and a new name
 * is used. */
static void
test_reopen (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("barge-file-access-XXXXXX", &error);
  g_autofree char *destination = g_build_filename (dir, "f", NULL);
  g_autofree char *ours = g_build_filename (dir, ".f.ours.part", NULL);
  g_autofree char *other = g_build_filename (dir, ".f.other.part", NULL);
  g_autofree char *hard = g_build_filename (dir, ".f.link.part", NULL);
  Outcome outcome = { 0 };

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (ours, "0123456789", 10, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (other, "abc", 3, &error));
  g_assert_no_error (error);
  g_assert_cmpint (link (other, hard), ==, 0); /* two links: not ours */
  open_async (&outcome, 0, destination, ours, 4, NULL);
  open_async (&outcome, 1, destination, hard, 100, NULL);
  wait_for (&outcome, 2);

  g_assert_no_error (outcome.errors[0]);
  g_assert_cmpuint (outcome.offsets[0], ==, 4);
  g_assert_null (outcome.new_paths[0]);
  g_assert_no_error (outcome.errors[1]);
  g_assert_nonnull (outcome.new_paths[1]);
  g_assert_cmpstr (outcome.new_paths[1], !=, hard);
  g_assert_cmpuint (outcome.offsets[1], ==, 0);
  g_assert_cmpint (g_unlink (outcome.new_paths[1]), ==, 0);
  outcome_clear (&outcome, 2);
  g_unlink (ours);
  g_unlink (other);
  g_unlink (hard);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
on_checked (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (res);
}

static GArray *
check_targets (const char *const *paths, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;
  guint timeout = g_timeout_add (TIMEOUT_MS, on_timeout, NULL);

  barged_file_access_check_targets_async (getuid (), paths, NULL, on_checked, &res);
  while (res == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  return barged_file_access_check_targets_finish (res, error);
}

/* AddFiles' destinations, checked in one call: each path gets its
 * folder's identity, in order (the folder of the path before is not looked
 * at again, but a path in another folder gets that folder's); the first
 * path that is wrong fails the whole call, and the message names it. */
static void
test_check_targets (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("barge-file-access-XXXXXX", &error);
  g_autofree char *sub = g_build_filename (dir, "sub", NULL);
  g_autofree char *a = g_build_filename (dir, "a", NULL);
  g_autofree char *b = g_build_filename (dir, "b", NULL);
  g_autofree char *c = g_build_filename (sub, "c", NULL);
  g_autofree char *missing = g_build_filename (dir, "none", "d", NULL);
  const char *good[] = { a, b, c, a, NULL };
  const char *into_missing[] = { a, missing, b, NULL };
  const char *onto_folder[] = { a, sub, NULL };
  g_autoptr(GArray) ids = NULL;
  GStatBuf st_dir, st_sub;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  g_assert_cmpint (g_stat (dir, &st_dir), ==, 0);
  g_assert_cmpint (g_stat (sub, &st_sub), ==, 0);

  ids = check_targets (good, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 4);
  g_assert_cmpuint (g_array_index (ids, BargedFileId, 0).inode, ==, st_dir.st_ino);
  g_assert_cmpuint (g_array_index (ids, BargedFileId, 1).inode, ==, st_dir.st_ino);
  g_assert_cmpuint (g_array_index (ids, BargedFileId, 2).inode, ==, st_sub.st_ino);
  g_assert_cmpuint (g_array_index (ids, BargedFileId, 3).inode, ==, st_dir.st_ino);
  g_assert_cmpuint (g_array_index (ids, BargedFileId, 3).device, ==, st_dir.st_dev);

  g_assert_null (check_targets (into_missing, &error));
  g_assert_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "none"));
  g_assert_nonnull (strstr (error->message, "does not exist"));
  g_clear_error (&error);

  g_assert_null (check_targets (onto_folder, &error));
  g_assert_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "is a folder"));
  g_clear_error (&error);

  g_assert_cmpint (g_rmdir (sub), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A reservation takes the file's blocks up to its end and leaves its size
 * alone; one the file system cannot give is ENOSPC and takes nothing, and
 * says what was lacking and what was free; a release gives the blocks
 * past the end back and keeps the bytes. */
static void
test_reserve_space (void)
{
  g_autofree char *dir = g_dir_make_tmp ("barge-reserve-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "file", NULL);
  int fd = open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  BargedSpace space;
  struct stat st;
  char back[4] = { 0 };
  gsize got = 0;

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (barged_pwrite_all (fd, "abc", 3, 0), ==, 0);
  g_assert_cmpint (barged_reserve_space (fd, 4 * 1024 * 1024, &space), ==, 0);
  g_assert_false (space.fat);
  g_assert_cmpint (fstat (fd, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 3);
  /* File systems without fallocate give 0 and allocate nothing. */
  if ((guint64) st.st_blocks * 512 < 4 * 1024 * 1024)
    g_test_message ("no fallocate on this file system: nothing reserved");

  /* A petabyte: more than any test machine has free. */
  g_assert_cmpint (barged_reserve_space (fd, G_GUINT64_CONSTANT (1) << 50, &space), ==, ENOSPC);
  g_assert_cmpuint (space.lacking, >, space.free_bytes);
  g_assert_cmpuint (space.free_bytes, >, 0);
  g_assert_cmpint (fstat (fd, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 3);
  g_assert_cmpuint ((guint64) st.st_blocks * 512, <=, 4 * 1024 * 1024 + 64 * 1024);

  /* Given back: the blocks past the end go, the bytes and size stay. */
  g_assert_cmpint (barged_release_space (fd), ==, 0);
  g_assert_cmpint (fstat (fd, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 3);
  g_assert_cmpuint ((guint64) st.st_blocks * 512, <=, 64 * 1024);
  g_assert_cmpint (barged_pread_all (fd, back, 3, 0, &got), ==, 0);
  g_assert_cmpuint (got, ==, 3);
  g_assert_cmpstr (back, ==, "abc");

  close (fd);
  g_unlink (path);
  g_rmdir (dir);
}

#define SLOW_CLOSE_MS 1500

/* Whether @fd is closed (not open any more). */
static gboolean
is_closed (int fd)
{
  return fcntl (fd, F_GETFD) == -1 && errno == EBADF;
}

/* Each owner's closes are apart: four closes of one owner hang (a close in
 * the slow folder takes 1.5 s, barge-test-preload.c) and another owner's
 * close is done at once. Before, one pool of four closers for everyone:
 * the fifth close waited for the hung ones, its descriptor open. */
static void
test_closers_per_owner (void)
{
  const char *slow = g_getenv ("BARGE_TEST_SLOW_FLUSH_IN");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("barge-file-access-XXXXXX", &error);
  g_autofree char *path = NULL;
  int hung[4], fd;
  gint64 deadline;

  g_assert_no_error (error);
  if (slow == NULL)
    {
      g_test_skip ("BARGE_TEST_PRELOAD is not set (meson test sets it)");
      g_rmdir (dir);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (hung); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/hung-%u", slow, i);

      hung[i] = open (name, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
      g_assert_cmpint (hung[i], >=, 0);
      g_unlink (name);
      barged_file_access_close (4242, hung[i]);
    }
  path = g_build_filename (dir, "other", NULL);
  fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  g_assert_cmpint (fd, >=, 0);
  barged_file_access_close (4243, fd);
  deadline = g_get_monotonic_time () + SLOW_CLOSE_MS * 1000 / 2;
  while (!is_closed (fd) && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_assert_true (is_closed (fd));
  /* Two of the owner's own closes wait behind its two hung ones. */
  g_assert_false (is_closed (hung[3]));
  deadline = g_get_monotonic_time () + 4 * SLOW_CLOSE_MS * 1000;
  while (!is_closed (hung[3]) && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_assert_true (is_closed (hung[3]));
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_autofree char *ms = g_strdup_printf ("%d", SLOW_CLOSE_MS);
  g_autofree char *slow = NULL;
  int status;

  /* close slow in a folder of its own. */
  if (g_getenv ("BARGE_TEST_PRELOAD") != NULL && g_getenv ("BARGE_TEST_SLOW_FLUSH_IN") == NULL)
    slow = g_dir_make_tmp ("barge-file-access-slow-XXXXXX", NULL);
  if (slow != NULL)
    run_again_preloaded (argv, (const char *[]) { "BARGE_TEST_SLOW_FLUSH_IN", slow, "BARGE_TEST_SLOW_FLUSH_MS", ms,
                                                  NULL });
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/file-access/open-batches", test_batches);
  g_test_add_func ("/file-access/reopen", test_reopen);
  g_test_add_func ("/file-access/check-targets", test_check_targets);
  g_test_add_func ("/file-access/reserve-space", test_reserve_space);
  g_test_add_func ("/file-access/closers-per-owner", test_closers_per_owner);
  status = g_test_run ();
  /* The slow folder made before the run again. */
  if (g_getenv ("BARGE_TEST_SLOW_FLUSH_IN") != NULL)
    g_rmdir (g_getenv ("BARGE_TEST_SLOW_FLUSH_IN"));
  return status;
}
