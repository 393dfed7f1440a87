/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "barge.h"
#include "barged-store.h"

static BargedJobRecord *
make_job (const char *id, gint64 created)
{
  BargedJobRecord *r = g_new0 (BargedJobRecord, 1);

  r->id = g_strdup (id);
  r->owner = 1000;
  r->type = g_strdup ("download");
  r->state = g_strdup ("transferring");
  r->display_name = g_strdup ("name ünïcode");
  r->description = g_strdup ("");
  r->priority = g_strdup ("high");
  r->created = created;
  r->modified = created + 1;
  r->error_count = 3;
  r->error_context = g_strdup ("remote-file");
  r->error_name = g_strdup ("org.freedesktop.Barge1.Error.HttpServerError");
  r->error_message = g_strdup ("HTTP 503");
  r->error_file = 1;
  r->minimum_retry_delay = 5;
  r->no_progress_timeout = 60;
  r->notification_interval = 50;
  return r;
}

static BargedFileRecord *
make_file (const char *job_id, guint idx, guint64 durable)
{
  BargedFileRecord *f = g_new0 (BargedFileRecord, 1);

  f->job_id = g_strdup (job_id);
  f->idx = idx;
  f->remote_url = g_strdup_printf ("http://127.0.0.1/%u", idx);
  f->local_path = g_strdup_printf ("/tmp/f%u", idx);
  f->temporary_path = g_strdup_printf ("/tmp/.f%u.part", idx);
  f->bytes_total = idx == 0 ? G_MAXUINT64 : 1u << 20;
  f->bytes_durable = durable;
  f->etag = idx == 0 ? NULL : g_strdup ("\"v1\"");
  return f;
}

static void
on_written (GObject *source, GAsyncResult *res, gpointer user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (barged_store_write_finish (BARGED_STORE (source), res, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_store_roundtrip (void)
{
  g_autofree char *dir = g_dir_make_tmp ("barge-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "jobs.db", NULL);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  {
    g_autoptr(BargedStore) store = barged_store_new (path, &error);
    GPtrArray *fs = g_ptr_array_new_with_free_func ((GDestroyNotify) barged_file_record_free);

    g_assert_no_error (error);
    g_ptr_array_add (fs, make_file ("a", 0, 0));
    g_ptr_array_add (fs, make_file ("a", 1, 4096));
    barged_store_put_job (store, make_job ("a", 10), fs, on_written, &done);
    barged_store_put_job (store, make_job ("b", 5), NULL, NULL, NULL);
    barged_store_put_job (store, make_job ("c", 20), NULL, NULL, NULL);
    /* A later offset for one file replaces the earlier one. */
    barged_store_put_file (store, make_file ("a", 1, 65536), NULL, NULL);
    barged_store_delete_job (store, "c", NULL, NULL);
    barged_store_flush (store);
    /* Completion callbacks arrive on the main context. */
    while (!done)
      g_main_context_iteration (NULL, TRUE);
  }

  {
    g_autoptr(BargedStore) store = barged_store_new (path, &error);
    BargedJobRecord *j;
    BargedFileRecord *f;

    g_assert_no_error (error);
    g_assert_true (barged_store_load (store, &jobs, &files, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (jobs->len, ==, 2);
    /* Creation order. */
    g_assert_cmpstr (((BargedJobRecord *) jobs->pdata[0])->id, ==, "b");
    j = jobs->pdata[1];
    g_assert_cmpstr (j->id, ==, "a");
    g_assert_cmpuint (j->owner, ==, 1000);
    g_assert_cmpstr (j->state, ==, "transferring");
    g_assert_cmpstr (j->display_name, ==, "name ünïcode");
    g_assert_cmpstr (j->priority, ==, "high");
    g_assert_cmpint (j->modified, ==, 11);
    g_assert_cmpuint (j->error_count, ==, 3);
    g_assert_cmpstr (j->error_name, ==, "org.freedesktop.Barge1.Error.HttpServerError");
    g_assert_cmpint (j->error_file, ==, 1);
    g_assert_cmpuint (j->minimum_retry_delay, ==, 5);
    g_assert_cmpuint (j->notification_interval, ==, 50);

    g_assert_cmpuint (files->len, ==, 2);
    f = files->pdata[0];
    g_assert_cmpuint (f->idx, ==, 0);
    /* The unknown size survives the signed SQLite integer. */
    g_assert_cmpuint (f->bytes_total, ==, G_MAXUINT64);
    g_assert_null (f->etag);
    f = files->pdata[1];
    g_assert_cmpuint (f->bytes_durable, ==, 65536);
    g_assert_cmpstr (f->etag, ==, "\"v1\"");
  }

  g_assert_cmpint (g_remove (path), ==, 0);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_remove (wal);
    g_remove (shm);
  }
  g_rmdir (dir);
}

static void
test_store_bad_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BargedStore) store = barged_store_new ("/nonexistent-barge-dir/jobs.db", &error);

  g_assert_null (store);
  g_assert_error (error, BARGE_ERROR, BARGE_ERROR_FAILED);
}

/* A database written before the cost_policy column existed opens, reads
 * as "any", and stores a policy from then on. */
static void
test_store_migrate_cost_policy (void)
{
  g_autofree char *dir = g_dir_make_tmp ("barge-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "jobs.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
    "CREATE TABLE jobs (id TEXT PRIMARY KEY, owner INTEGER NOT NULL, type TEXT NOT NULL,"
    " state TEXT NOT NULL, display_name TEXT NOT NULL, description TEXT NOT NULL,"
    " priority TEXT NOT NULL, created INTEGER NOT NULL, modified INTEGER NOT NULL,"
    " completed INTEGER NOT NULL, error_count INTEGER NOT NULL,"
    " error_context TEXT NOT NULL, error_name TEXT NOT NULL, error_message TEXT NOT NULL,"
    " error_file INTEGER NOT NULL, minimum_retry_delay INTEGER NOT NULL,"
    " no_progress_timeout INTEGER NOT NULL, notification_interval INTEGER NOT NULL,"
    " first_transient_error INTEGER NOT NULL);"
    "INSERT INTO jobs VALUES ('old', 1000, 'download', 'suspended', 'n', '', 'normal',"
    " 1, 1, 0, 0, '', '', '', -1, 600, 1209600, 500, 0);",
    NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  {
    g_autoptr(BargedStore) store = barged_store_new (path, &error);
    g_autoptr(GPtrArray) jobs = NULL;
    g_autoptr(GPtrArray) files = NULL;
    BargedJobRecord *j;

    g_assert_no_error (error);
    g_assert_true (barged_store_load (store, &jobs, &files, &error));
    g_assert_cmpuint (jobs->len, ==, 1);
    g_assert_cmpstr (((BargedJobRecord *) jobs->pdata[0])->cost_policy, ==, "any");
    j = make_job ("new", 2);
    j->cost_policy = g_strdup ("unmetered");
    barged_store_put_job (store, j, NULL, NULL, NULL);
    barged_store_flush (store);
  }
  {
    g_autoptr(BargedStore) store = barged_store_new (path, &error);
    g_autoptr(GPtrArray) jobs = NULL;
    g_autoptr(GPtrArray) files = NULL;

    g_assert_no_error (error);
    g_assert_true (barged_store_load (store, &jobs, &files, &error));
    g_assert_cmpuint (jobs->len, ==, 2);
    g_assert_cmpstr (((BargedJobRecord *) jobs->pdata[1])->id, ==, "new");
    g_assert_cmpstr (((BargedJobRecord *) jobs->pdata[1])->cost_policy, ==, "unmetered");
  }
  g_remove (path);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/roundtrip", test_store_roundtrip);
  g_test_add_func ("/store/bad-path", test_store_bad_path);
  g_test_add_func ("/store/migrate-cost-policy", test_store_migrate_cost_policy);
  return g_test_run ();
}
