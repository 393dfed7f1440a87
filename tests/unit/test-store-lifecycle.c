/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The job_lifecycle table (MaximumDownloadTime, the retry deadline, the
 * HTTP status, NotifyFlags and NotifyCommandLine): a round trip, and a
 * database of the first schema version opened by the new code. */
#include "config.h"

#include <sqlite3.h>
#include <glib/gstdio.h>

#include "barge.h"
#include "barged-store.h"

static BargedJobRecord *
make_job (const char *id)
{
  BargedJobRecord *r = g_new0 (BargedJobRecord, 1);

  r->id = g_strdup (id);
  r->type = g_strdup ("download");
  r->state = g_strdup ("transient-error");
  r->display_name = g_strdup ("");
  r->description = g_strdup ("");
  r->priority = g_strdup ("normal");
  r->error_context = g_strdup ("");
  r->error_name = g_strdup ("");
  r->error_message = g_strdup ("");
  r->error_file = -1;
  barged_job_record_init_lifecycle (r);
  return r;
}

static char *
temp_db (char **dir)
{
  *dir = g_dir_make_tmp ("barge-store-lc-XXXXXX", NULL);
  return g_build_filename (*dir, "jobs.db", NULL);
}

static void
remove_db (char *dir, const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_remove (path);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (dir);
  g_free (dir);
}

static void
test_lifecycle_roundtrip (void)
{
  char *dir = NULL;
  g_autofree char *path = temp_db (&dir);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(BargedStore) store = barged_store_new (path, &error);
    BargedJobRecord *r = make_job ("x");

    g_assert_no_error (error);
    r->maximum_download_time = 0;
    r->download_time_used = 1234567;
    r->retry_at = 42000000;
    r->http_status = 503;
    r->notify_flags = g_strdup ("['error', 'file-transferred']");
    r->notify_command_line = g_strdup ("('/bin/true', ['a b'])");
    barged_store_put_job (store, r, NULL, NULL, NULL);
    barged_store_put_job (store, make_job ("y"), NULL, NULL, NULL);
    barged_store_put_job (store, make_job ("z"), NULL, NULL, NULL);
    barged_store_delete_job (store, "z", NULL, NULL);
    barged_store_flush (store);
  }
  {
    g_autoptr(BargedStore) store = barged_store_new (path, &error);
    BargedJobRecord *x, *y;

    g_assert_true (barged_store_load (store, &jobs, &files, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (jobs->len, ==, 2);
    x = jobs->pdata[0];
    y = jobs->pdata[1];
    if (g_str_equal (x->id, "y"))
      {
        BargedJobRecord *t = x;
        x = y;
        y = t;
      }
    g_assert_cmpuint (x->maximum_download_time, ==, 0);
    g_assert_cmpint (x->download_time_used, ==, 1234567);
    g_assert_cmpint (x->retry_at, ==, 42000000);
    g_assert_cmpuint (x->http_status, ==, 503);
    g_assert_cmpstr (x->notify_flags, ==, "['error', 'file-transferred']");
    g_assert_cmpstr (x->notify_command_line, ==, "('/bin/true', ['a b'])");
    g_assert_cmpuint (y->maximum_download_time, ==, 7776000);
    g_assert_null (y->notify_flags);
  }
  remove_db (dir, path);
}

/* The schema as the first release created it, with one job. */
static const char version_1[] =
  "CREATE TABLE jobs ("
  " id TEXT PRIMARY KEY, owner INTEGER NOT NULL, type TEXT NOT NULL,"
  " state TEXT NOT NULL, display_name TEXT NOT NULL, description TEXT NOT NULL,"
  " priority TEXT NOT NULL, created INTEGER NOT NULL, modified INTEGER NOT NULL,"
  " completed INTEGER NOT NULL, error_count INTEGER NOT NULL,"
  " error_context TEXT NOT NULL, error_name TEXT NOT NULL, error_message TEXT NOT NULL,"
  " error_file INTEGER NOT NULL, minimum_retry_delay INTEGER NOT NULL,"
  " no_progress_timeout INTEGER NOT NULL, notification_interval INTEGER NOT NULL,"
  " first_transient_error INTEGER NOT NULL);"
  "CREATE TABLE files ("
  " job_id TEXT NOT NULL, idx INTEGER NOT NULL,"
  " remote_url TEXT NOT NULL, local_path TEXT NOT NULL, temporary_path TEXT NOT NULL,"
  " bytes_total INTEGER NOT NULL, bytes_durable INTEGER NOT NULL,"
  " transferred INTEGER NOT NULL, completed INTEGER NOT NULL,"
  " etag TEXT, last_modified TEXT, PRIMARY KEY (job_id, idx));"
  "PRAGMA user_version = 1;"
  "INSERT INTO jobs VALUES ('old', 1000, 'download', 'error', 'old job', '', 'low', 1, 2, 0, 1,"
  " 'remote-file', 'org.freedesktop.Barge1.Error.RemoteNotFound', 'HTTP 404 Not Found', 0,"
  " 600, 1209600, 500, 0);";

static void
test_lifecycle_migration (void)
{
  char *dir = NULL;
  g_autofree char *path = temp_db (&dir);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, version_1, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  {
    g_autoptr(BargedStore) store = barged_store_new (path, &error);
    BargedJobRecord *r;

    g_assert_no_error (error);
    g_assert_true (barged_store_load (store, &jobs, &files, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (jobs->len, ==, 1);
    r = jobs->pdata[0];
    g_assert_cmpstr (r->id, ==, "old");
    g_assert_cmpstr (r->state, ==, "error");
    /* No row in the new table: the defaults. */
    g_assert_cmpuint (r->maximum_download_time, ==, 7776000);
    g_assert_cmpint (r->retry_at, ==, 0);
    g_assert_cmpuint (r->http_status, ==, 0);
    g_assert_null (r->notify_flags);
    g_assert_null (r->notify_command_line);

    /* And the old database takes the new settings. */
    {
      BargedJobRecord *copy = make_job ("old");
      copy->http_status = 404;
      barged_store_put_job (store, copy, NULL, NULL, NULL);
      barged_store_flush (store);
    }
  }
  g_clear_pointer (&jobs, g_ptr_array_unref);
  g_clear_pointer (&files, g_ptr_array_unref);
  {
    g_autoptr(BargedStore) store = barged_store_new (path, &error);

    g_assert_true (barged_store_load (store, &jobs, &files, &error));
    g_assert_cmpuint (((BargedJobRecord *) jobs->pdata[0])->http_status, ==, 404);
  }
  remove_db (dir, path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store-lifecycle/roundtrip", test_lifecycle_roundtrip);
  g_test_add_func ("/store-lifecycle/migration", test_lifecycle_migration);
  return g_test_run ();
}
