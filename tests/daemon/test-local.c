/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Local faults: a full disk (a small tmpfs), a destination folder removed
 * while the job runs, a folder the daemon may not write to. Each gives a
 * typed error with context local-file, never leaves a file under the
 * final name, and the job finishes with the right bytes once the cause is
 * gone. */
#define G_LOG_DOMAIN "BargeTestLocal"

#include "config.h"

#include <unistd.h>
#include <glib/gstdio.h>

#include "barge-test-daemon.h"
#include "barge-test-jobs.h"
#include "barge-test-server.h"

#define MiB BARGE_TEST_MiB
#define KiB BARGE_TEST_KiB
#define SHORT_TIMEOUT_MS 10000
#define TRANSFER_TIMEOUT_MS 30000

typedef struct {
  BargeTestServer *server;
  BargeTestDaemon *daemon;
  char *dir;
  char *conf_dir;
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

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *conf_arg = NULL;

  f->conf_dir = g_dir_make_tmp ("barge-test-conf-XXXXXX", &error);
  g_assert_no_error (error);
  conf = g_build_filename (f->conf_dir, "barge.conf", NULL);
  g_file_set_contents (conf, "[Transfer]\nCheckpointInterval=200\n", -1, &error);
  g_assert_no_error (error);
  conf_arg = g_strdup_printf ("--config=%s", conf);
  {
    const char *args[] = { conf_arg, NULL };
    f->daemon = barge_test_daemon_new_with_args (args);
  }
  f->server = barge_test_server_new ();
  f->dir = g_dir_make_tmp ("barge-test-local-XXXXXX", &error);
  g_assert_no_error (error);
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
  barge_test_remove_tree (f->dir);
  barge_test_remove_tree (f->conf_dir);
  g_free (f->dir);
  g_free (f->conf_dir);
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

/* A 2 MiB tmpfs takes part of a 6 MiB file: transient-error DiskFull,
 * context local-file; once the tmpfs grows, a Resume finishes the file. */
static void
test_disk_full (Fixture *f, gconstpointer data)
{
  const guint64 size = 6 * MiB;
  g_autofree char *mnt = g_build_filename (f->dir, "small", NULL);
  g_autofree char *err = NULL;
  g_autofree char *url = barge_test_server_get_data_url (f->server, "full", size, 0);
  g_autofree char *dest = g_build_filename (mnt, "full", NULL);
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeTestStateLog) log = NULL;
  const char * const done[] = { "transferred", "error", "transient-error", NULL };

  if (getuid () != 0)
    {
      g_test_skip ("mounting a tmpfs needs root (CI runs the suite as root)");
      return;
    }
  g_assert_cmpint (g_mkdir (mnt, 0755), ==, 0);
  if (!run ((const char *[]) { "mount", "-t", "tmpfs", "-o", "size=2m", "barge-test", mnt, NULL }, &err))
    {
      g_autofree char *msg = g_strdup_printf ("cannot mount a tmpfs here: %s", err ? err : "?");
      g_test_skip (msg);
      return;
    }
  f->mount = g_strdup (mnt);

  path = barge_test_daemon_create_job (f->daemon, "full");
  job = barge_test_daemon_get_job (f->daemon, path);
  log = barge_test_state_log_new (job);
  barge_test_job_add_file (job, url, dest);
  barge_test_state_log_mark (log);
  barge_test_job_resume (job);
  g_assert_cmpstr (barge_test_state_log_wait (log, done, TRANSFER_TIMEOUT_MS), ==, "transient-error");
  assert_error (job, "transient-error", "DiskFull");
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));

  /* Space comes back. */
  g_assert_true (run ((const char *[]) { "mount", "-o", "remount,size=16m", mnt, NULL }, NULL));
  finish (f, job, log, dest, "full", size);
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/local/disk-full", Fixture, NULL, fixture_setup, test_disk_full, fixture_teardown);
  g_test_add ("/local/folder-removed", Fixture, NULL, fixture_setup, test_folder_removed, fixture_teardown);
  g_test_add ("/local/permission-denied", Fixture, NULL, fixture_setup, test_permission_denied, fixture_teardown);
  return g_test_run ();
}
