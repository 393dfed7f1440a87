/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Local faults: a full disk (a small tmpfs), a destination folder removed
 * or renamed away while the job runs, a folder the daemon may not write
 * to. Each gives a typed error with context local-file, never leaves a
 * file under the final name, and the job finishes with the right bytes
 * once the cause is gone. And the rules of the temporary files: distinct
 * unguessable names, one file per destination, never reopening, moving or
 * writing into something barged did not create (a FIFO, a hard link, a
 * replaced file), and a Complete that can run again after a crash. */
#define G_LOG_DOMAIN "BargeTestLocal"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "barge-test-bits-server.h"
#include "barge-test-daemon.h"
#include "barge-test-jobs.h"
#include "barge-test-server.h"

#define TRANSFER_TIMEOUT_MS 30000

typedef struct {
  BargeTestServer *server;
  BargeTestDaemon *daemon;
  char *dir;
  char *mount;                /* a tmpfs mounted by the test, or NULL */
  char *immutable;            /* a folder made immutable (chattr +i), or NULL */
} Fixture;

static gboolean
run (const char * const *argv, char **err_out)
{
  gint status = 0;
  g_autofree char *err = NULL;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, NULL))
    return FALSE;
  if (err_out != NULL)
    *err_out = g_strdup (g_strstrip (err));
  return g_spawn_check_wait_status (status, NULL);
}

/* Makes @mnt and mounts @what there with @commands (each an argv, the
 * last one the mount); FALSE, with the test skipped, where this machine
 * cannot (not root, or a kernel without that file system). */
static gboolean
mount_or_skip (Fixture *f, const char *mnt, const char *what, const char * const * const *commands)
{
  if (getuid () != 0)
    {
      g_autofree char *msg = g_strdup_printf ("mounting %s needs root (CI runs the suite as root)", what);
      g_test_skip (msg);
      return FALSE;
    }
  g_assert_cmpint (g_mkdir (mnt, 0755), ==, 0);
  for (guint i = 0; commands[i] != NULL; i++)
    {
      /* Each command's own: run() gives its stderr, failed or not. */
      g_autofree char *err = NULL;
      g_autofree char *msg = NULL;

      if (run (commands[i], &err))
        continue;
      msg = g_strdup_printf ("cannot mount %s here: %s", what, err ? err : "?");
      /* One line: a skip's reason is a TAP line. */
      g_strdelimit (msg, "\n", ' ');
      g_test_skip (msg);
      return FALSE;
    }
  f->mount = g_strdup (mnt);
  return TRUE;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->daemon = barge_test_daemon_new_with_config ("[Transfer]\nCheckpointInterval=200\n");
  f->server = barge_test_server_new ();
  f->dir = barge_test_make_dir ("barge-test-local-XXXXXX");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  barge_test_daemon_free (f->daemon);
  barge_test_server_free (f->server);
  if (f->immutable != NULL)
    run ((const char *[]) { "chattr", "-i", f->immutable, NULL }, NULL);
  if (f->mount != NULL)
    run ((const char *[]) { "umount", "-l", f->mount, NULL }, NULL);
  barge_test_clear_dir (&f->dir);
  g_free (f->mount);
  g_free (f->immutable);
}

static void
assert_error (BargeDBusJob *job, const char *state, const char *name)
{
  g_autofree char *full = g_strconcat (BARGE_TEST_ERROR_PREFIX, name, NULL);
  const char *c, *n, *m, *p;

  g_assert_cmpstr (barge_dbus_job_get_state (job), ==, state);
  g_variant_get (barge_dbus_job_get_error (job), "(&s&s&s&s)", &c, &n, &m, &p);
  g_test_message ("Error: %s %s \"%s\" %s", c, n, m, p);
  g_assert_cmpstr (c, ==, "local-file");
  g_assert_cmpstr (n, ==, full);
  g_assert_cmpstr (p, !=, "");
}

static void
finish (Fixture *f, BargeDBusJob *job, BargeTestStateLog *log, const char *dest, const char *name, guint64 size)
{
  const char * const done[] = { "transferred", "error", "transient-error", NULL };

  barge_test_state_log_mark (log);
  barge_test_job_resume (job);
  g_assert_cmpstr (barge_test_state_log_wait (log, done, TRANSFER_TIMEOUT_MS), ==, "transferred");
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, barge_test_job_path (job), SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest, name, size);
}

/* A job @name with the one file @url to @dest, resumed: the state it
 * stops in (transferred, error or transient-error). */
static const char *
start_and_wait (Fixture *f, const char *name, const char *url, const char *dest, BargeDBusJob **job,
                BargeTestStateLog **log)
{
  const char * const done[] = { "transferred", "error", "transient-error", NULL };
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, name);

  *job = barge_test_daemon_get_job (f->daemon, path);
  *log = barge_test_state_log_new (*job);
  barge_test_job_add_file (*job, url, dest);
  barge_test_state_log_mark (*log);
  barge_test_job_resume (*job);
  return barge_test_state_log_wait (*log, done, TRANSFER_TIMEOUT_MS);
}

static char *temporary_of (Fixture *f, BargeDBusJob *job, guint index);

static guint64
size_of (const char *path)
{
  struct stat st;

  return g_stat (path, &st) == 0 ? (guint64) st.st_size : 0;
}

/* The job stopped in @state with error @name, its message holding
 * @message, before any byte of its file was written: nothing under the
 * final name, an empty temporary. */
static void
assert_refused_unwritten (Fixture *f, BargeDBusJob *job, const char *state, const char *name, const char *message,
                          const char *dest)
{
  g_autofree char *full = g_strconcat (BARGE_TEST_ERROR_PREFIX, name, NULL);
  g_autofree char *tmp = NULL;

  assert_error (job, state, name);
  barge_test_assert_job_error (job, full, message);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  tmp = temporary_of (f, job, 0);
  g_assert_cmpuint (size_of (tmp), ==, 0);
}

/* A 6 MiB file for a 2 MiB tmpfs: transient-error DiskFull, context
 * local-file, at the first write, which reserves the file's space: the
 * tmpfs is left as free as it was, not filled for every other program.
 * Once the tmpfs grows, a Resume finishes the file. */
static void
test_disk_full (Fixture *f, gconstpointer data)
{
  const guint64 size = 6 * MiB;
  g_autofree char *mnt = g_build_filename (f->dir, "small", NULL);
  g_autofree char *url = barge_test_server_get_data_url (f->server, "full", size, 0);
  g_autofree char *dest = g_build_filename (mnt, "full", NULL);
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeTestStateLog) log = NULL;
  struct statvfs fs;

  if (!mount_or_skip (f, mnt, "a tmpfs",
                      (const char * const *[]) {
                        (const char *[]) { "mount", "-t", "tmpfs", "-o", "size=2m", "barge-test", mnt, NULL },
                        NULL }))
    return;

  g_assert_cmpstr (start_and_wait (f, "full", url, dest, &job, &log), ==, "transient-error");
  assert_refused_unwritten (f, job, "transient-error", "DiskFull",
                            "not enough space for the file: it needs 6291456 more bytes, and its file system has "
                            "2097152 free",
                            dest);
  g_assert_cmpint (statvfs (mnt, &fs), ==, 0);
  g_assert_cmpuint ((guint64) fs.f_bavail * fs.f_frsize, >=, 2 * MiB - 64 * KiB);

  /* Space comes back. */
  g_assert_true (run ((const char *[]) { "mount", "-o", "remount,size=16m", mnt, NULL }, NULL));
  finish (f, job, log, dest, "full", size);
}

typedef struct {
  const char *path;
  guint64 size;               /* what the file holds, once its blocks are given back */
} Blocks;

/* For barge_test_assert_wait: the file's blocks hold its bytes and no
 * more than a block past them. */
static gboolean
blocks_only_hold_bytes (gpointer data)
{
  Blocks *b = data;
  struct stat st;

  if (g_stat (b->path, &st) != 0)
    return FALSE;
  b->size = (guint64) st.st_size;
  return (guint64) st.st_blocks * 512 <= (guint64) st.st_size + 64 * KiB;
}

/* A 24 MiB file on a 32 MiB tmpfs, suspended after 256 KiB: the space
 * its first write reserved is given back (a job waiting to resume, maybe
 * for days, does not keep space for bytes that have not come); the bytes
 * that came stay. A Resume reserves again and finishes the file. */
static void
test_suspend_gives_space_back (Fixture *f, gconstpointer data)
{
  const guint64 size = 24 * MiB;
  g_autofree char *mnt = g_build_filename (f->dir, "space", NULL);
  g_autofree char *url = barge_test_server_get_data_url (f->server, "space", size, 4 * MiB);
  g_autofree char *dest = g_build_filename (mnt, "space", NULL);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "space");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(BargeTestStateLog) log = barge_test_state_log_new (job);
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = NULL;
  const char * const running[] = { "transferring", NULL };
  struct statvfs fs;
  Blocks blocks = { NULL, 0 };

  if (!mount_or_skip (f, mnt, "a tmpfs",
                      (const char * const *[]) {
                        (const char *[]) { "mount", "-t", "tmpfs", "-o", "size=32m", "barge-test", mnt, NULL },
                        NULL }))
    return;

  barge_test_job_add_file (job, url, dest);
  barge_test_state_log_mark (log);
  barge_test_job_resume (job);
  barge_test_state_log_wait (log, running, TRANSFER_TIMEOUT_MS);
  barge_test_assert_wait (barge_test_job_has_some_bytes, job, TRANSFER_TIMEOUT_MS, "256 KiB in");
  /* The reservation was taken: the tmpfs lost the whole file's space. */
  g_assert_cmpint (statvfs (mnt, &fs), ==, 0);
  g_assert_cmpuint ((guint64) fs.f_bavail * fs.f_frsize, <=, 32 * MiB - size);

  g_assert_true (barge_dbus_job_call_suspend_sync (job, NULL, &error));
  g_assert_no_error (error);
  barge_test_wait_job_state (job, "suspended", TRANSFER_TIMEOUT_MS);
  tmp = temporary_of (f, job, 0);
  blocks.path = tmp;
  barge_test_assert_wait (blocks_only_hold_bytes, &blocks, SHORT_TIMEOUT_MS, "the reserved blocks given back");
  g_assert_cmpuint (blocks.size, >=, 256 * KiB);
  g_assert_cmpuint (blocks.size, <, size);
  g_assert_cmpint (statvfs (mnt, &fs), ==, 0);
  g_assert_cmpuint ((guint64) fs.f_bavail * fs.f_frsize, >=, 32 * MiB - blocks.size - 64 * KiB);

  finish (f, job, log, dest, "space", size);
}

/* Sets the running daemon's soft file size limit (RLIMIT_FSIZE) to
 * @bytes, RLIM_INFINITY for none, as an administrator's prlimit would. */
static void
set_file_size_limit (Fixture *f, rlim_t bytes)
{
  struct rlimit limit;

  g_assert_cmpint (prlimit (barge_test_daemon_get_pid (f->daemon), RLIMIT_FSIZE, NULL, &limit), ==, 0);
  limit.rlim_cur = bytes;
  g_assert_cmpint (prlimit (barge_test_daemon_get_pid (f->daemon), RLIMIT_FSIZE, &limit, NULL), ==, 0);
}

/* The file size limit is lowered while the file arrives: the write that
 * crosses it fails (EFBIG, not a SIGXFSZ that kills the daemon), and no
 * write after it is done. Error LocalFile naming the limit,
 * nothing under the final name, no byte past the limit; with the limit
 * raised, a Resume finishes the file byte-exact from what was durable. */
static void
test_file_size_limit_mid_file (Fixture *f, gconstpointer data)
{
  const guint64 size = 16 * MiB;
  g_autofree char *url = barge_test_server_get_data_url (f->server, "fsize", size, 4 * MiB);
  g_autofree char *dest = g_build_filename (f->dir, "fsize", NULL);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "fsize");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(BargeTestStateLog) log = barge_test_state_log_new (job);
  g_autofree char *tmp = NULL;
  const char * const running[] = { "transferring", NULL };
  const char * const done[] = { "transferred", "error", "transient-error", NULL };

  barge_test_job_add_file (job, url, dest);
  barge_test_state_log_mark (log);
  barge_test_job_resume (job);
  barge_test_state_log_wait (log, running, TRANSFER_TIMEOUT_MS);
  barge_test_assert_wait (barge_test_job_has_some_bytes, job, TRANSFER_TIMEOUT_MS, "256 KiB in");
  set_file_size_limit (f, 3 * MiB);
  g_assert_cmpstr (barge_test_state_log_wait (log, done, TRANSFER_TIMEOUT_MS), ==, "error");
  assert_error (job, "error", "LocalFile");
  barge_test_assert_job_error (job, BARGE_TEST_ERROR_PREFIX "LocalFile", "RLIMIT_FSIZE");
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  tmp = temporary_of (f, job, 0);
  g_assert_cmpuint (size_of (tmp), <=, 3 * MiB);

  set_file_size_limit (f, RLIM_INFINITY);
  finish (f, job, log, dest, "fsize", size);
}

/* A file whose length the response states, over the file size limit:
 * error LocalFile at once, before any byte is written (not after the
 * bytes up to the limit came); with the limit raised, a Resume finishes. */
static void
test_file_size_limit_known_size (Fixture *f, gconstpointer data)
{
  const guint64 size = 8 * MiB;
  g_autofree char *url = barge_test_server_get_data_url (f->server, "fsize-known", size, 2 * MiB);
  g_autofree char *dest = g_build_filename (f->dir, "fsize-known", NULL);
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeTestStateLog) log = NULL;

  set_file_size_limit (f, 2 * MiB);
  g_assert_cmpstr (start_and_wait (f, "fsize-known", url, dest, &job, &log), ==, "error");
  assert_refused_unwritten (f, job, "error", "LocalFile",
                            "8388608 bytes, more than barged's file size limit (RLIMIT_FSIZE) of 2097152", dest);

  set_file_size_limit (f, RLIM_INFINITY);
  finish (f, job, log, dest, "fsize-known", size);
}

/* A 5 GiB file for a FAT file system (a USB stick's), which takes at
 * most 4 GiB - 1 per file: error LocalFile naming FAT at the first write,
 * which reserves the space, no byte written (before, the file ran until
 * the file system was full, or until 4 GiB had come). */
static void
test_fat_file_too_large (Fixture *f, gconstpointer data)
{
  const guint64 size = 5 * G_GUINT64_CONSTANT (1024) * MiB;
  g_autofree char *mnt = g_build_filename (f->dir, "fat", NULL);
  g_autofree char *image = g_build_filename (f->dir, "fat.img", NULL);
  g_autofree char *url = barge_test_server_get_data_url (f->server, "fat", size, 0);
  g_autofree char *dest = g_build_filename (mnt, "fat", NULL);
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeTestStateLog) log = NULL;

  if (!mount_or_skip (f, mnt, "a FAT image",
                      (const char * const *[]) {
                        (const char *[]) { "truncate", "-s", "32M", image, NULL },
                        (const char *[]) { "mkfs.vfat", "-F", "32", image, NULL },
                        (const char *[]) { "mount", "-t", "vfat", "-o", "loop", image, mnt, NULL },
                        NULL }))
    return;

  g_assert_cmpstr (start_and_wait (f, "fat", url, dest, &job, &log), ==, "error");
  assert_refused_unwritten (f, job, "error", "LocalFile",
                            "its destination's file system (FAT) takes at most 4294967295 bytes per file", dest);
  /* Cancelled, the job leaves the file system free to unmount. */
  barge_test_job_cancel (job);
  barge_test_daemon_wait_job_removed (f->daemon, barge_test_job_path (job), SHORT_TIMEOUT_MS);
}

/* A write fails (EIO: a disk error) while the buffers after it wait in
 * the writer's queue, as they do when the network is faster than the
 * disk: barge-test-preload.c, preloaded into barged, fails the first
 * pwrite that covers byte 4 MiB + 100 of a file in the test's folder,
 * after 300 ms. Error LocalFile, and none of the buffers queued behind the
 * failed one reaches the file: the temporary ends before that byte. A
 * later buffer written would leave a hole of zeros below the file's end,
 * taken as data by a resume from the file's size. A Resume finishes the
 * file byte-exact. */
static void
test_failed_write_drops_the_queue (Fixture *f, gconstpointer data)
{
  const guint64 size = 12 * MiB, fail_at = 4 * MiB + 100;
  g_autofree char *at = g_strdup_printf ("%" G_GUINT64_FORMAT, fail_at);
  g_autofree char *url = barge_test_server_get_data_url (f->server, "eio", size, 0);
  g_autofree char *dest = g_build_filename (f->dir, "eio", NULL);
  g_autofree char *tmp = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeTestStateLog) log = NULL;

  if (!barge_test_daemon_preload_or_skip (f->daemon))
    return;
  barge_test_daemon_setenv (f->daemon, "BARGE_TEST_FAIL_WRITE_AT", at);
  barge_test_daemon_setenv (f->daemon, "BARGE_TEST_FAIL_WRITE_IN", f->dir);
  barge_test_daemon_start (f->daemon);

  g_assert_cmpstr (start_and_wait (f, "eio", url, dest, &job, &log), ==, "error");
  assert_error (job, "error", "LocalFile");
  barge_test_assert_job_error (job, BARGE_TEST_ERROR_PREFIX "LocalFile", g_strerror (EIO));
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  tmp = temporary_of (f, job, 0);
  g_test_message ("the temporary holds %" G_GUINT64_FORMAT " bytes", size_of (tmp));
  g_assert_cmpuint (size_of (tmp), <=, fail_at);

  finish (f, job, log, dest, "eio", size);
}

/* Files in the owner's folders are closed on workers, never on the main
 * thread: close() flushes on NFS and FUSE, and a hung server, or the
 * owner's own FUSE program, would hold every client of barged. The
 * preloaded witness logs any close() of a file in the test's folder on
 * barged's main thread, through a segmented download (each connection's
 * descriptor of the temporary), a download cancelled midway, and an
 * upload (AddFile checks the source; the run reads it). Before, each of
 * them closed at least one there. */
static void
test_closed_off_the_main_thread (Fixture *f, gconstpointer data)
{
  g_autofree char *log = g_strconcat (f->dir, ".main-closes", NULL);
  g_autoptr(BargeTestBitsServer) bits = barge_test_bits_server_new ();
  g_autofree char *seg_url = barge_test_server_get_data_url (f->server, "closes-seg", 24 * MiB, 8 * MiB);
  g_autofree char *seg_dest = g_build_filename (f->dir, "closes-seg", NULL);
  g_autofree char *cut_url = barge_test_server_get_data_url (f->server, "closes-cut", 8 * MiB, 2 * MiB);
  g_autofree char *cut_dest = g_build_filename (f->dir, "closes-cut", NULL);
  g_autofree char *source = g_build_filename (f->dir, "closes-up", NULL);
  g_autofree char *up_url = barge_test_bits_server_get_url (bits, "closes-up");
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  GVariantBuilder b;

  if (!barge_test_daemon_preload_or_skip (f->daemon))
    return;
  barge_test_daemon_setenv (f->daemon, "BARGE_TEST_WATCH_CLOSE_IN", f->dir);
  barge_test_daemon_setenv (f->daemon, "BARGE_TEST_MAIN_CLOSE_LOG", log);
  barge_test_daemon_start (f->daemon);

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "priority", g_variant_new_string ("foreground"));
  g_variant_builder_add (&b, "{sv}", "max-segments", g_variant_new_uint32 (3));
  g_assert_true (barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "closes",
                                                          "download", g_variant_builder_end (&b), &path, NULL,
                                                          &error));
  g_assert_no_error (error);
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_test_job_add_file (job, seg_url, seg_dest);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (seg_dest, "closes-seg", 24 * MiB);
  g_clear_object (&job);
  g_clear_pointer (&path, g_free);

  path = barge_test_daemon_create_job (f->daemon, "closes-cut");
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_test_job_add_file (job, cut_url, cut_dest);
  barge_test_job_resume (job);
  barge_test_job_wait_bytes (job, MiB, TRANSFER_TIMEOUT_MS);
  barge_test_job_cancel (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  g_clear_object (&job);
  g_clear_pointer (&path, g_free);

  g_assert_true (g_file_set_contents (source, "an upload's source", -1, &error));
  g_assert_no_error (error);
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "upload-protocol", g_variant_new_string ("bits"));
  g_assert_true (barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "closes-up",
                                                          "upload", g_variant_builder_end (&b), &path, NULL,
                                                          &error));
  g_assert_no_error (error);
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_test_job_add_file (job, up_url, source);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);

  if (g_file_get_contents (log, &contents, NULL, NULL))
    g_error ("barged closed on its main thread: %s", contents);
  g_unlink (log);
}

/* The destination folder disappears while the file is transferring:
 * error LocalFile (context local-file) at the next checkpoint, nothing
 * under the final name; with the folder back, a Resume starts the file
 * again and finishes it. */
static void
test_folder_removed (Fixture *f, gconstpointer data)
{
  const guint64 size = 4 * MiB;
  g_autofree char *sub = g_build_filename (f->dir, "sub", NULL);
  g_autofree char *dest = g_build_filename (sub, "gone", NULL);
  g_autofree char *url = barge_test_server_get_data_url (f->server, "gone", size, 2 * MiB);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "gone");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(BargeTestStateLog) log = barge_test_state_log_new (job);
  const char * const running[] = { "transferring", NULL };
  const char * const done[] = { "transferred", "error", "transient-error", NULL };

  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  barge_test_job_add_file (job, url, dest);
  barge_test_state_log_mark (log);
  barge_test_job_resume (job);
  barge_test_state_log_wait (log, running, TRANSFER_TIMEOUT_MS);
  barge_test_run_for (300);
  barge_test_remove_tree (sub);
  g_assert_cmpstr (barge_test_state_log_wait (log, done, TRANSFER_TIMEOUT_MS), ==, "error");
  assert_error (job, "error", "LocalFile");
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));

  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  finish (f, job, log, dest, "gone", size);
}

/* A folder the daemon may not create files in: error LocalFile, context
 * local-file; writable again, a Resume finishes. As root (where mode bits
 * do not stop the daemon) the folder is made immutable with chattr +i. */
static void
test_permission_denied (Fixture *f, gconstpointer data)
{
  const guint64 size = 256 * KiB;
  g_autofree char *ro = g_build_filename (f->dir, "ro", NULL);
  g_autofree char *dest = g_build_filename (ro, "denied", NULL);
  g_autofree char *url = barge_test_server_get_data_url (f->server, "denied", size, 0);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "denied");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(BargeTestStateLog) log = barge_test_state_log_new (job);
  const char * const done[] = { "transferred", "error", "transient-error", NULL };
  gboolean root = getuid () == 0;

  g_assert_cmpint (g_mkdir (ro, 0755), ==, 0);
  barge_test_job_add_file (job, url, dest);
  if (root)
    {
      g_autofree char *err = NULL;

      if (!run ((const char *[]) { "chattr", "+i", ro, NULL }, &err))
        {
          g_autofree char *msg = g_strdup_printf ("cannot make a folder immutable here: %s", err ? err : "?");
          g_test_skip (msg);
          return;
        }
      f->immutable = g_strdup (ro);
    }
  else
    g_assert_cmpint (g_chmod (ro, 0555), ==, 0);

  barge_test_state_log_mark (log);
  barge_test_job_resume (job);
  g_assert_cmpstr (barge_test_state_log_wait (log, done, TRANSFER_TIMEOUT_MS), ==, "error");
  assert_error (job, "error", "LocalFile");
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));

  if (root)
    {
      g_assert_true (run ((const char *[]) { "chattr", "-i", ro, NULL }, NULL));
      g_clear_pointer (&f->immutable, g_free);
    }
  else
    g_assert_cmpint (g_chmod (ro, 0755), ==, 0);
  finish (f, job, log, dest, "denied", size);
}

/* --- a new file's request goes out with its open ------------------------------------------ */

static gboolean
requested (gpointer user_data)
{
  Fixture *f = ((gpointer *) user_data)[0];
  const char *name = ((gpointer *) user_data)[1];
  g_autofree char *data_path = barge_test_server_get_data_path (name);
  g_autoptr(GPtrArray) requests = barge_test_server_get_requests (f->server, data_path);

  return requests->len > 0;
}

static gboolean
folder_is_empty (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);

  return dir != NULL && g_dir_read_name (dir) == NULL;
}

/* Opens of temporaries take @ms from now on (a slow file system). */
static void
slow_opens (Fixture *f, const char *ms)
{
  barge_test_daemon_setenv (f->daemon, "BARGED_TEST_OPEN_DELAY_MS", ms);
  barge_test_daemon_restart (f->daemon);
}

/* A job @name of /data/@name at @url to @dest, resumed once its state log
 * (@log) is marked; returns when the server has the request, which must
 * come within the open's delay of a second. */
static BargeDBusJob *
resume_with_slow_open (Fixture *f, const char *name, const char *url, const char *dest, BargeTestStateLog **log)
{
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, name);
  BargeDBusJob *job = barge_test_daemon_get_job (f->daemon, path);
  gpointer args[] = { f, (gpointer) name };

  *log = barge_test_state_log_new (job);
  barge_test_job_add_file (job, url, dest);
  barge_test_state_log_mark (*log);
  barge_test_job_resume (job);
  barge_test_assert_wait (requested, args, 900, "the request, within the open's delay");
  return job;
}

/* A file that starts from byte 0 is asked for while its temporary is
 * opened (the open's round trip on a worker is not added to each file's
 * time on its connection): with opens that take a second (a slow file
 * system, BARGED_TEST_OPEN_DELAY_MS), the server has the request while no
 * temporary exists yet, and the file arrives whole. */
static void
test_request_with_open (Fixture *f, gconstpointer data)
{
  const guint64 size = 256 * KiB;
  g_autofree char *sub = g_build_filename (f->dir, "slow", NULL);
  g_autofree char *dest = g_build_filename (sub, "early", NULL);
  g_autofree char *url = barge_test_server_get_data_url (f->server, "early", size, 0);
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeTestStateLog) log = NULL;

  slow_opens (f, "1000");
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  job = resume_with_slow_open (f, "early", url, dest, &log);
  g_assert_true (folder_is_empty (sub));
  finish (f, job, log, dest, "early", size);
}

/* The response came, then the open failed (a folder the daemon may not
 * create in, opened slowly): the response is dropped and the job is in
 * error LocalFile as when the open fails first; writable again, a Resume
 * finishes the file. */
static void
test_open_fails_after_response (Fixture *f, gconstpointer data)
{
  const guint64 size = 64 * KiB;
  g_autofree char *ro = g_build_filename (f->dir, "ro-slow", NULL);
  g_autofree char *dest = g_build_filename (ro, "late", NULL);
  g_autofree char *url = barge_test_server_get_data_url (f->server, "late", size, 0);
  g_autofree char *err = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeTestStateLog) log = NULL;
  const char * const done[] = { "transferred", "error", "transient-error", NULL };

  if (getuid () != 0)
    {
      g_test_skip ("chattr +i needs root (CI runs the suite as root)");
      return;
    }
  slow_opens (f, "1000");
  g_assert_cmpint (g_mkdir (ro, 0755), ==, 0);
  if (!run ((const char *[]) { "chattr", "+i", ro, NULL }, &err))
    {
      g_autofree char *msg = g_strdup_printf ("cannot make a folder immutable here: %s", err ? err : "?");
      g_test_skip (msg);
      return;
    }
  f->immutable = g_strdup (ro);
  job = resume_with_slow_open (f, "late", url, dest, &log);
  g_assert_cmpstr (barge_test_state_log_wait (log, done, TRANSFER_TIMEOUT_MS), ==, "error");
  assert_error (job, "error", "LocalFile");
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));

  g_assert_true (run ((const char *[]) { "chattr", "-i", ro, NULL }, NULL));
  g_clear_pointer (&f->immutable, g_free);
  finish (f, job, log, dest, "late", size);
}

/* The response came while the temporary was opened slowly, and the job
 * was cancelled before the open ended: the response is dropped without a
 * crash (libsoup's finished send must not be cancelled under its body),
 * the job goes, nothing is left in the folder, and the daemon serves the
 * next job. */
static void
test_cancel_while_opening (Fixture *f, gconstpointer data)
{
  const guint64 size = 256 * KiB;
  g_autofree char *sub = g_build_filename (f->dir, "cancelled", NULL);
  g_autofree char *dest = g_build_filename (sub, "early", NULL);
  g_autofree char *url = barge_test_server_get_data_url (f->server, "cancelled", size, 0);
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeTestStateLog) log = NULL;

  slow_opens (f, "1000");
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(BargeDBusJob) cancelled = NULL;
      g_autoptr(BargeTestStateLog) cancelled_log = NULL;

      cancelled = resume_with_slow_open (f, "cancelled", url, dest, &cancelled_log);
      /* The response is in (a loopback server answers in milliseconds). */
      barge_test_run_for (200);
      barge_test_job_cancel (cancelled);
      barge_test_daemon_wait_job_removed (f->daemon, barge_test_job_path (cancelled), SHORT_TIMEOUT_MS);
    }
  /* The opens end after the cancels: what they made is not left behind. */
  barge_test_run_for (1500);
  g_assert_true (folder_is_empty (sub));

  slow_opens (f, "0");
  path = barge_test_daemon_create_job (f->daemon, "after");
  job = barge_test_daemon_get_job (f->daemon, path);
  log = barge_test_state_log_new (job);
  barge_test_job_add_file (job, url, dest);
  finish (f, job, log, dest, "cancelled", size);
}

static char *
temporary_of (Fixture *f, BargeDBusJob *job, guint index)
{
  g_autofree char *file = barge_test_job_file_path (f->daemon, job, index);
  g_autoptr(GVariant) tmp = barge_test_daemon_get_property (f->daemon, file, BARGE_TEST_FILE_IFACE,
                                                            "TemporaryPath");

  return g_variant_dup_string (tmp, NULL);
}

static void
assert_add_fails (BargeDBusJob *job, const char *url, const char *dest, const char *error_name)
{
  g_autoptr(GError) error = NULL;

  barge_dbus_job_call_add_file_sync (job, url, dest, NULL, &error);
  barge_test_assert_dbus_error (error, error_name);
}

/* Two names that share their first 200 bytes once shared a temporary
 * file: the first final name got the second file's bytes. Temporary names
 * now carry 16 random hex digits. */
static void
test_long_names_get_distinct_temporaries (Fixture *f, gconstpointer data)
{
  g_autofree char *stem = g_strnfill (200, 'a');
  g_autofree char *name1 = g_strconcat (stem, "-first-", NULL);
  g_autofree char *name2 = g_strconcat (stem, "-second", NULL);
  g_autofree char *dest1 = g_build_filename (f->dir, name1, NULL);
  g_autofree char *dest2 = g_build_filename (f->dir, name2, NULL);
  g_autofree char *url1 = barge_test_server_get_data_url (f->server, "long1", 100 * KiB, 0);
  g_autofree char *url2 = barge_test_server_get_data_url (f->server, "long2", 70 * KiB, 0);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "long names");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autofree char *tmp1 = NULL;
  g_autofree char *tmp2 = NULL;
  g_autofree char *id_prefix = g_strndup (barge_dbus_job_get_id (job), 8);

  barge_test_job_add_file (job, url1, dest1);
  barge_test_job_add_file (job, url2, dest2);
  tmp1 = temporary_of (f, job, 0);
  tmp2 = temporary_of (f, job, 1);
  g_test_message ("temporaries %s and %s", tmp1, tmp2);
  g_assert_cmpstr (tmp1, !=, tmp2);
  /* Nothing another user could derive: not the job id, 16 random digits. */
  g_assert_null (strstr (tmp1, id_prefix));
  g_assert_true (g_str_has_suffix (tmp1, ".barge-part"));
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest1, "long1", 100 * KiB);
  barge_test_assert_file_content (dest2, "long2", 70 * KiB);
}

/* One destination, one file, however it is spelled ("/d/./a", "/d//a",
 * "/d/sub/../a", a symbolic link to the folder); a name longer than a
 * folder entry allows is refused at AddFile, not at Complete. */
static void
test_one_file_per_destination (Fixture *f, gconstpointer data)
{
  g_autofree char *url = barge_test_server_get_data_url (f->server, "dup", 4 * KiB, 0);
  g_autofree char *dest = g_build_filename (f->dir, "a", NULL);
  g_autofree char *sub = g_build_filename (f->dir, "sub", NULL);
  g_autofree char *link = g_build_filename (f->dir, "link", NULL);
  g_autofree char *long_name = g_strnfill (300, 'n');
  g_autofree char *too_long = g_build_filename (f->dir, long_name, NULL);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "dup");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  const char *invalid = BARGE_TEST_ERROR_PREFIX "InvalidArgument";
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_assert_cmpint (symlink (f->dir, link), ==, 0);
  barge_test_job_add_file (job, url, dest);
  {
    g_autofree char *dotted = g_strdup_printf ("%s/./a", f->dir);
    g_autofree char *doubled = g_strdup_printf ("%s//a", f->dir);
    g_autofree char *parent = g_strdup_printf ("%s/sub/../a", f->dir);
    g_autofree char *linked = g_build_filename (link, "a", NULL);

    assert_add_fails (job, url, dotted, invalid);
    assert_add_fails (job, url, doubled, invalid);
    assert_add_fails (job, url, parent, invalid);
    assert_add_fails (job, url, linked, invalid);
  }
  /* Twice in one call. */
  {
    g_autofree char *b = g_build_filename (f->dir, "b", NULL);
    g_autofree char *b_dotted = g_strdup_printf ("%s/./b", f->dir);
    GVariantBuilder files;

    g_variant_builder_init (&files, G_VARIANT_TYPE ("a(ss)"));
    g_variant_builder_add (&files, "(ss)", url, b);
    g_variant_builder_add (&files, "(ss)", url, b_dotted);
    barge_dbus_job_call_add_files_sync (job, g_variant_builder_end (&files), NULL, &error);
    barge_test_assert_dbus_error (error, invalid);
    g_clear_error (&error);
  }
  assert_add_fails (job, url, too_long, BARGE_TEST_ERROR_PREFIX "StringTooLong");
  {
    g_autoptr(GVariant) paths = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "Files");
    g_assert_cmpuint (g_variant_n_children (paths), ==, 1);
  }
  barge_test_job_cancel (job);
}

/* Complete is cut short after some renames (a crash): the database still
 * says "not completed", the temporary files of the first files are gone
 * and their final names hold them. It once failed with ENOENT for ever; a
 * rename whose file already stands under the final name, with the inode
 * barged created, is done. */
static void
test_complete_runs_again (Fixture *f, gconstpointer data)
{
  const guint n = 6;
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "complete again");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(GPtrArray) dests = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) temporaries = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("again%u", i);
      g_autofree char *url = barge_test_server_get_data_url (f->server, name, 10 * KiB + i, 0);

      g_ptr_array_add (dests, g_build_filename (f->dir, name, NULL));
      barge_test_job_add_file (job, url, g_ptr_array_index (dests, i));
    }
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (temporaries, temporary_of (f, job, i));
  barge_test_daemon_kill (f->daemon);
  /* What the killed Complete had done: the first half renamed. */
  for (guint i = 0; i < n / 2; i++)
    g_assert_cmpint (g_rename (g_ptr_array_index (temporaries, i), g_ptr_array_index (dests, i)), ==, 0);
  barge_test_daemon_start (f->daemon);
  g_clear_object (&job);
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_test_job_complete (job);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS), ==, "acknowledged");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("again%u", i);
      barge_test_assert_file_content (g_ptr_array_index (dests, i), name, 10 * KiB + i);
    }
  {
    g_autofree char *listing = barge_test_list_dir (f->dir);
    g_assert_cmpstr (listing, ==, "again0 again1 again2 again3 again4 again5");
  }
}

/* How many lines of @log, from byte @from on, are @line. */
static guint
count_lines (const char *log, gsize from, const char *line)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  if (!g_file_get_contents (log, &text, &len, NULL))
    return 0;
  lines = g_strsplit (text + MIN (from, len), "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    n += g_str_equal (lines[i], line);
  return n;
}

/* Complete flushes each folder it renamed files into, once, before it
 * answers: until then a power cut could undo the renames after the job's
 * record is gone, leaving the files under temporary names nothing owns. */
static void
test_complete_flushes_folders (Fixture *f, gconstpointer data)
{
  g_autofree char *log = g_strconcat (f->dir, ".folder-syncs", NULL);
  g_autofree char *a = g_build_filename (f->dir, "a", NULL);
  g_autofree char *b = g_build_filename (f->dir, "b", NULL);
  const char *folders[] = { a, a, b };
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autofree char *before = NULL;
  gsize logged = 0;

  if (!barge_test_daemon_preload_or_skip (f->daemon))
    return;
  barge_test_daemon_setenv (f->daemon, "BARGE_TEST_FOLDER_SYNC_LOG", log);
  barge_test_daemon_start (f->daemon);
  g_assert_cmpint (g_mkdir (a, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (b, 0700), ==, 0);
  path = barge_test_daemon_create_job (f->daemon, "flushes");
  job = barge_test_daemon_get_job (f->daemon, path);
  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *name = g_strdup_printf ("flushed%u", i);
      g_autofree char *url = barge_test_server_get_data_url (f->server, name, 4 * KiB + i, 0);
      g_autofree char *dest = g_build_filename (folders[i], name, NULL);

      barge_test_job_add_file (job, url, dest);
    }
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  if (g_file_get_contents (log, &before, &logged, NULL))
    g_test_message ("folders flushed before Complete: %s", before);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  g_assert_cmpuint (count_lines (log, logged, a), ==, 1);
  g_assert_cmpuint (count_lines (log, logged, b), ==, 1);
  g_unlink (log);
}

/* The temporary file was replaced after the transfer: Complete refuses to
 * move what barged did not write, and leaves it where it is. */
static void
test_replaced_temporary_not_completed (Fixture *f, gconstpointer data)
{
  g_autofree char *dest = g_build_filename (f->dir, "replaced", NULL);
  g_autofree char *other = g_build_filename (f->dir, "other", NULL);
  g_autofree char *url = barge_test_server_get_data_url (f->server, "replaced", 20 * KiB, 0);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "replaced");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autofree char *tmp = NULL;
  g_autofree char *content = NULL;
  g_autoptr(GError) error = NULL;

  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  tmp = temporary_of (f, job, 0);
  g_assert_true (g_file_set_contents (other, "not barged's", -1, NULL));
  g_assert_cmpint (g_rename (other, tmp), ==, 0);
  barge_dbus_job_call_complete_sync (job, NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "LocalFile");
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (tmp, &content, NULL, NULL));
  g_assert_cmpstr (content, ==, "not barged's");
  barge_test_job_cancel (job);
  /* Cancel does not delete it either. */
  g_assert_true (g_file_test (tmp, G_FILE_TEST_EXISTS));
}

/* The destination folder is renamed away and a new one made in its place
 * while the file downloads: the bytes went to the old folder, and the job
 * must not say "transferred" for a file Complete can never move. */
static void
test_folder_renamed_away (Fixture *f, gconstpointer data)
{
  const guint64 size = 2 * MiB;
  g_autofree char *folder = g_build_filename (f->dir, "moving", NULL);
  g_autofree char *moved = g_build_filename (f->dir, "moved-away", NULL);
  g_autofree char *dest = g_build_filename (folder, "renamed", NULL);
  g_autofree char *url = barge_test_server_get_data_url (f->server, "renamed", size, 1 * MiB);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "renamed");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(BargeTestStateLog) log = barge_test_state_log_new (job);
  const char * const done[] = { "transferred", "error", "transient-error", NULL };
  const char * const moving[] = { "transferring", NULL };

  g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);
  barge_test_job_add_file (job, url, dest);
  barge_test_state_log_mark (log);
  barge_test_job_resume (job);
  barge_test_state_log_wait (log, moving, TRANSFER_TIMEOUT_MS);
  barge_test_run_for (300);
  g_assert_cmpint (g_rename (folder, moved), ==, 0);
  g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);
  g_assert_cmpstr (barge_test_state_log_wait (log, done, TRANSFER_TIMEOUT_MS), ==, "error");
  assert_error (job, "error", "LocalFile");
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  finish (f, job, log, dest, "renamed", size);
}

/* A FIFO where a file is expected must never be opened for good: an open
 * of a FIFO without a peer blocks, and a blocked worker is a stalled
 * daemon (one user's 150 FIFOs once made another's CreateJob time out). */
static void
test_fifo_never_blocks (Fixture *f, gconstpointer data)
{
  g_autofree char *fifo = g_build_filename (f->dir, "source.fifo", NULL);
  g_autofree char *dest = g_build_filename (f->dir, "fifo-target", NULL);
  g_autofree char *url = barge_test_server_get_data_url (f->server, "fifo-target", 30 * KiB, 0);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "fifo");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autofree char *tmp = NULL;
  g_autofree char *upload = NULL;
  g_autoptr(BargeDBusJob) upload_job = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder options;
  struct stat st;

  /* At the temporary path: left alone, the file goes to another one. */
  barge_test_job_add_file (job, url, dest);
  tmp = temporary_of (f, job, 0);
  g_assert_cmpint (mkfifo (tmp, 0600), ==, 0);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", SHORT_TIMEOUT_MS);
  g_assert_cmpint (lstat (tmp, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  {
    g_autofree char *now = temporary_of (f, job, 0);
    g_assert_cmpstr (now, !=, tmp);
  }
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest, "fifo-target", 30 * KiB);

  /* As an upload's source: refused at once. */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "upload-protocol", g_variant_new_string ("put"));
  barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "fifo upload", "upload",
                                           g_variant_builder_end (&options), &upload, NULL, &error);
  g_assert_no_error (error);
  upload_job = barge_test_daemon_get_job (f->daemon, upload);
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (upload_job), SHORT_TIMEOUT_MS);
  barge_dbus_job_call_add_file_sync (upload_job, url, fifo, NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  barge_test_job_cancel (upload_job);
}

/* A second name (a hard link) on the temporary file would let whoever
 * made it read the download: such a file is not reused, and not touched. */
static void
test_linked_temporary_untouched (Fixture *f, gconstpointer data)
{
  g_autofree char *dest = g_build_filename (f->dir, "linked", NULL);
  g_autofree char *spy = g_build_filename (f->dir, "spy", NULL);
  g_autofree char *url = barge_test_server_get_data_url (f->server, "linked", 40 * KiB, 0);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "linked");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autofree char *tmp = NULL;
  g_autofree char *content = NULL;
  gsize length = 0;

  barge_test_job_add_file (job, url, dest);
  tmp = temporary_of (f, job, 0);
  g_assert_true (g_file_set_contents (spy, "", 0, NULL));
  g_assert_cmpint (link (spy, tmp), ==, 0);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest, "linked", 40 * KiB);
  g_assert_true (g_file_get_contents (spy, &content, &length, NULL));
  g_assert_cmpuint (length, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  BARGE_TEST_ADD ("/local/disk-full", test_disk_full);
  BARGE_TEST_ADD ("/local/suspend-gives-space-back", test_suspend_gives_space_back);
  BARGE_TEST_ADD ("/local/file-size-limit-mid-file", test_file_size_limit_mid_file);
  BARGE_TEST_ADD ("/local/file-size-limit-known-size", test_file_size_limit_known_size);
  BARGE_TEST_ADD ("/local/fat-file-too-large", test_fat_file_too_large);
  BARGE_TEST_ADD ("/local/failed-write-drops-the-queue", test_failed_write_drops_the_queue);
  BARGE_TEST_ADD ("/local/closed-off-the-main-thread", test_closed_off_the_main_thread);
  BARGE_TEST_ADD ("/local/folder-removed", test_folder_removed);
  BARGE_TEST_ADD ("/local/request-with-open", test_request_with_open);
  BARGE_TEST_ADD ("/local/open-fails-after-response", test_open_fails_after_response);
  BARGE_TEST_ADD ("/local/cancel-while-opening", test_cancel_while_opening);
  BARGE_TEST_ADD ("/local/permission-denied", test_permission_denied);
  BARGE_TEST_ADD ("/local/long-names-get-distinct-temporaries", test_long_names_get_distinct_temporaries);
  BARGE_TEST_ADD ("/local/one-file-per-destination", test_one_file_per_destination);
  BARGE_TEST_ADD ("/local/complete-runs-again-after-a-crash", test_complete_runs_again);
  BARGE_TEST_ADD ("/local/complete-flushes-folders", test_complete_flushes_folders);
  BARGE_TEST_ADD ("/local/replaced-temporary-not-completed", test_replaced_temporary_not_completed);
  BARGE_TEST_ADD ("/local/folder-renamed-away", test_folder_renamed_away);
  BARGE_TEST_ADD ("/local/fifo-never-blocks", test_fifo_never_blocks);
  BARGE_TEST_ADD ("/local/linked-temporary-untouched", test_linked_temporary_untouched);
  return g_test_run ();
}
