/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <sqlite3.h>

#include "barge.h"
#include "barged-store.h"
#include "store-fixture.h"

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
  g_autoptr(StoreFixture) db = store_fixture_new ();
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  {
    g_autoptr(BargedStore) store = barged_store_new (db->path, &error);
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
    g_autoptr(BargedStore) store = barged_store_new (db->path, &error);
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
}

static void
test_store_bad_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BargedStore) store = barged_store_new ("/nonexistent-barge-dir/jobs.db", &error);

  g_assert_null (store);
  g_assert_error (error, BARGE_ERROR, BARGE_ERROR_FAILED);
}

/* The job's text values, e.g. an upload's state, may ride with the job:
 * written in the job's transaction, they are committed with the job row
 * and its files or not at all. The trigger stands for a failure half way,
 * after the job and its files and before the value. */
#define POISON \
  "CREATE TRIGGER poison BEFORE INSERT ON job_data WHEN NEW.value = 'poison'" \
  " BEGIN SELECT RAISE (ABORT, 'the job_data row failed'); END;"

typedef struct {
  gboolean done;
  GError *error;
} Written;

static void
on_written_or_not (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Written *w = user_data;

  barged_store_write_finish (BARGED_STORE (source), res, &w->error);
  w->done = TRUE;
}

static GHashTable *
upload_data (const char *value)
{
  GHashTable *data = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_hash_table_insert (data, g_strdup ("upload"), g_strdup (value));
  return data;
}

static GPtrArray *
files_of (const char *job_id, guint n, guint64 durable)
{
  GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify) barged_file_record_free);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (files, make_file (job_id, i, durable));
  return files;
}

/* Puts @job with @files and @data, and waits for the outcome. */
static GError *
put_and_wait (BargedStore *store, BargedJobRecord *job, GPtrArray *files, GHashTable *data)
{
  Written w = { FALSE, NULL };

  barged_store_put_job_with_data (store, job, files, data, on_written_or_not, &w);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  return w.error;
}

static void
test_store_job_with_data (void)
{
  g_autoptr(StoreFixture) db = store_fixture_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BargedStore) store = barged_store_new (db->path, &error);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *state = NULL;
  g_autofree char *other = NULL;
  GHashTable *data;
  BargedJobRecord *changed;

  g_assert_no_error (error);
  data = upload_data ("state 1");
  g_hash_table_insert (data, g_strdup ("other"), g_strdup ("kept"));
  g_assert_no_error (put_and_wait (store, make_job ("a", 1), files_of ("a", 2, 100), data));
  store_fixture_exec (db, POISON);

  /* A new job whose value fails: no job row, no file, no value. */
  g_test_expect_message ("BargedStore", G_LOG_LEVEL_WARNING, "*the job_data row failed*");
  error = put_and_wait (store, make_job ("b", 2), files_of ("b", 1, 0), upload_data ("poison"));
  g_assert_error (error, BARGE_ERROR, BARGE_ERROR_FAILED);
  g_clear_error (&error);
  /* A change of a job whose value fails: the job and its files as they were. */
  changed = make_job ("a", 1);
  g_free (changed->state);
  changed->state = g_strdup ("suspended");
  g_test_expect_message ("BargedStore", G_LOG_LEVEL_WARNING, "*the job_data row failed*");
  error = put_and_wait (store, changed, files_of ("a", 3, 200), upload_data ("poison"));
  g_assert_error (error, BARGE_ERROR, BARGE_ERROR_FAILED);
  g_clear_error (&error);
  g_test_assert_expected_messages ();

  g_assert_true (barged_store_load (store, &jobs, &files, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (jobs->len, ==, 1);
  g_assert_cmpstr (((BargedJobRecord *) jobs->pdata[0])->id, ==, "a");
  g_assert_cmpstr (((BargedJobRecord *) jobs->pdata[0])->state, ==, "transferring");
  g_assert_cmpuint (files->len, ==, 2);
  for (guint i = 0; i < files->len; i++)
    {
      g_assert_cmpstr (((BargedFileRecord *) files->pdata[i])->job_id, ==, "a");
      g_assert_cmpuint (((BargedFileRecord *) files->pdata[i])->bytes_durable, ==, 100);
    }
  g_assert_null (barged_store_load_data (store, "b", "upload"));
  state = barged_store_load_data (store, "a", "upload");
  g_assert_cmpstr (state, ==, "state 1");
  g_clear_pointer (&state, g_free);

  /* A NULL value removes its key; keys not named stay. */
  data = upload_data ("state 2");
  g_hash_table_insert (data, g_strdup ("other"), NULL);
  g_assert_no_error (put_and_wait (store, make_job ("a", 1), files_of ("a", 2, 300), data));
  g_assert_no_error (put_and_wait (store, make_job ("a", 1), files_of ("a", 2, 300), NULL));
  state = barged_store_load_data (store, "a", "upload");
  g_assert_cmpstr (state, ==, "state 2");
  other = barged_store_load_data (store, "a", "other");
  g_assert_null (other);
}

/* Daemon-wide values: kept across a new store on the same file, a NULL
 * value removes one, and they are no job's. */
static void
test_store_daemon_data (void)
{
  g_autoptr(StoreFixture) db = store_fixture_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BargedStore) store = barged_store_new (db->path, &error);
  g_autofree char *value = NULL;
  Written w = { FALSE, NULL };

  g_assert_no_error (error);
  g_assert_null (barged_store_load_daemon_data (store, "limit"));
  barged_store_put_daemon_data (store, "limit", "2048", on_written_or_not, &w);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (w.error);
  g_clear_object (&store);

  store = barged_store_new (db->path, &error);
  g_assert_no_error (error);
  value = barged_store_load_daemon_data (store, "limit");
  g_assert_cmpstr (value, ==, "2048");
  g_assert_null (barged_store_load_data (store, "limit", "limit"));
  w.done = FALSE;
  barged_store_put_daemon_data (store, "limit", NULL, on_written_or_not, &w);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (w.error);
  g_assert_null (barged_store_load_daemon_data (store, "limit"));
}

/* --- Group commit ----------------------------------------------------------
 *
 * The writes that wait while the store's worker commits go into one
 * transaction. To make them wait for certain, a second connection holds
 * the database's write lock while the test pushes: the worker's BEGIN
 * IMMEDIATE waits for it (the store's busy timeout is 5 s). */

static sqlite3 *
hold_write_lock (StoreFixture *db)
{
  sqlite3 *other = NULL;

  g_assert_cmpint (sqlite3_open (db->path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  return other;
}

static void
release_write_lock (sqlite3 *other)
{
  g_assert_cmpint (sqlite3_exec (other, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);
}

/* A file record that SQLite refuses: local_path is NOT NULL. */
static BargedFileRecord *
make_bad_file (const char *job_id, guint idx)
{
  BargedFileRecord *f = make_file (job_id, idx, 0);

  g_clear_pointer (&f->local_path, g_free);
  return f;
}

/* Lets the worker write what was pushed while @other held the lock, and
 * waits for the @n outcomes of @w and for the warnings expected. */
static void
release_and_wait (sqlite3 *other, Written *w, guint n)
{
  release_write_lock (other);
  for (guint i = 0; i < n; i++)
    while (!w[i].done)
      g_main_context_iteration (NULL, TRUE);
  g_test_assert_expected_messages ();
}

/* The store of @db, which must open. */
static BargedStore *
open_store (StoreFixture *db)
{
  g_autoptr(GError) error = NULL;
  BargedStore *store = barged_store_new (db->path, &error);

  g_assert_no_error (error);
  return store;
}

/* What a restart finds in @db. */
static void
load_all (StoreFixture *db, GPtrArray **jobs, GPtrArray **files)
{
  g_autoptr(BargedStore) store = open_store (db);
  g_autoptr(GError) error = NULL;

  g_assert_true (barged_store_load (store, jobs, files, &error));
  g_assert_no_error (error);
}

#define N_WRITES 2000

/* 2,000 file writes back to back land, in order, in a few transactions:
 * each file is written twice and keeps the second value. */
static void
test_store_group_commit (void)
{
  g_autoptr(StoreFixture) db = store_fixture_new ();
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) files = NULL;

  {
    g_autoptr(BargedStore) store = open_store (db);
    sqlite3 *other;
    guint before, commits;

    before = barged_store_get_n_commits (store);
    other = hold_write_lock (db);
    barged_store_put_job (store, make_job ("a", 1), NULL, NULL, NULL);
    for (guint i = 0; i < N_WRITES; i++)
      barged_store_put_file (store, make_file ("a", i % (N_WRITES / 2), i), NULL, NULL);
    release_write_lock (other);
    barged_store_flush (store);
    commits = barged_store_get_n_commits (store) - before;
    g_test_message ("%u writes in %u transactions", N_WRITES + 1, commits);
    /* Before group commit, one a write. And more than one: a transaction
     * takes some hundreds of writes at the most. */
    g_assert_cmpuint (commits, <=, N_WRITES / 100);
    g_assert_cmpuint (commits, >=, 2);
  }

  load_all (db, &jobs, &files);
  g_assert_cmpuint (jobs->len, ==, 1);
  g_assert_cmpuint (files->len, ==, N_WRITES / 2);
  for (guint i = 0; i < files->len; i++)
    {
      BargedFileRecord *f = files->pdata[i];

      g_assert_cmpuint (f->idx, ==, i);
      g_assert_cmpuint (f->bytes_durable, ==, i + N_WRITES / 2);
    }
}

#define N_DISPATCH 32

typedef struct {
  BargedStore *store;
  Written w[N_DISPATCH];
} OneDispatch;

static gboolean
write_in_one_dispatch (gpointer user_data)
{
  OneDispatch *d = user_data;

  barged_store_put_job (d->store, make_job ("a", 1), NULL, NULL, NULL);
  /* The rest of a dispatch that takes a while: a worker woken at the
   * first write commits it alone meanwhile. */
  g_usleep (50 * 1000);
  for (guint i = 0; i < N_DISPATCH; i++)
    barged_store_put_file (d->store, make_file ("a", i, i), on_written_or_not, &d->w[i]);
  return G_SOURCE_REMOVE;
}

/* The writes of one dispatch of the main loop, such as the records of the
 * files one flush made durable, share one commit: the worker is woken
 * once the dispatch is over, not at the first write (which it took alone
 * while the rest queued for a second commit). */
static void
test_store_one_dispatch_one_commit (void)
{
  g_autoptr(StoreFixture) db = store_fixture_new ();
  g_autoptr(BargedStore) store = open_store (db);
  OneDispatch d = { store };
  guint before = barged_store_get_n_commits (store);

  g_idle_add (write_in_one_dispatch, &d);
  for (guint i = 0; i < N_DISPATCH; i++)
    while (!d.w[i].done)
      g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < N_DISPATCH; i++)
    g_assert_no_error (d.w[i].error);
  g_assert_cmpuint (barged_store_get_n_commits (store) - before, ==, 1);
}

/* A write that fails inside a transaction is undone alone, all of it (the
 * job row and file written before its bad file too); its callback gets
 * the error, and the writes around it are committed. */
static void
test_store_group_commit_failure (void)
{
  g_autoptr(StoreFixture) db = store_fixture_new ();
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *upload = NULL;
  Written w[6] = { { 0 } };

  {
    g_autoptr(BargedStore) store = open_store (db);
    GPtrArray *half_bad = files_of ("b", 1, 0);
    sqlite3 *other;
    guint before;

    g_ptr_array_add (half_bad, make_bad_file ("b", 1));
    g_test_expect_message ("BargedStore", G_LOG_LEVEL_WARNING, "*NOT NULL constraint failed: files.local_path*");
    g_test_expect_message ("BargedStore", G_LOG_LEVEL_WARNING, "*NOT NULL constraint failed: files.local_path*");
    before = barged_store_get_n_commits (store);
    other = hold_write_lock (db);
    barged_store_put_job (store, make_job ("a", 1), files_of ("a", 1, 0), on_written_or_not, &w[0]);
    barged_store_put_file (store, make_file ("a", 1, 10), on_written_or_not, &w[1]);
    barged_store_put_file (store, make_bad_file ("a", 2), on_written_or_not, &w[2]);
    barged_store_put_data (store, "a", "upload", "state", on_written_or_not, &w[3]);
    barged_store_put_job (store, make_job ("b", 2), half_bad, on_written_or_not, &w[4]);
    barged_store_put_file (store, make_file ("a", 3, 30), on_written_or_not, &w[5]);
    release_and_wait (other, w, G_N_ELEMENTS (w));
    /* The first write may have been taken alone; the others shared one. */
    g_assert_cmpuint (barged_store_get_n_commits (store) - before, <=, 2);
    g_assert_error (w[2].error, BARGE_ERROR, BARGE_ERROR_FAILED);
    g_assert_error (w[4].error, BARGE_ERROR, BARGE_ERROR_FAILED);
    for (guint i = 0; i < G_N_ELEMENTS (w); i++)
      {
        if (i != 2 && i != 4)
          g_assert_no_error (w[i].error);
        g_clear_error (&w[i].error);
      }
  }

  /* File 2 failed and file 3 went in: the job's files come numbered
   * without the gap, which the engine cannot take. */
  g_test_expect_message ("BargedStore", G_LOG_LEVEL_WARNING, "*file 3 of job a is the job's file 2: renumbered*");
  load_all (db, &jobs, &files);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (jobs->len, ==, 1);
  g_assert_cmpstr (((BargedJobRecord *) jobs->pdata[0])->id, ==, "a");
  g_assert_cmpuint (files->len, ==, 3);
  g_assert_cmpuint (((BargedFileRecord *) files->pdata[2])->idx, ==, 2);
  for (guint i = 0; i < files->len; i++)
    g_assert_cmpstr (((BargedFileRecord *) files->pdata[i])->job_id, ==, "a");
  g_assert_cmpuint (((BargedFileRecord *) files->pdata[0])->idx, ==, 0);
  g_assert_cmpuint (((BargedFileRecord *) files->pdata[1])->bytes_durable, ==, 10);
  g_assert_cmpuint (((BargedFileRecord *) files->pdata[2])->bytes_durable, ==, 30);
  {
    g_autoptr(BargedStore) store = open_store (db);

    upload = barged_store_load_data (store, "a", "upload");
    g_assert_cmpstr (upload, ==, "state");
  }
}

/* SQLite may roll back a whole transaction under one statement (a full
 * disk, an I/O error; here a trigger says so): the writes before it in
 * that transaction fail with it, those after it go into the next one. The
 * store is held while the four are pushed, so that they meet in one
 * transaction whatever the worker's timing (under ThreadSanitizer the
 * worker took the first two before the third came). */
static void
test_store_group_commit_rollback (void)
{
  g_autoptr(StoreFixture) db = store_fixture_new ();
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) files = NULL;
  Written w[4] = { { 0 } };

  {
    g_autoptr(BargedStore) store = open_store (db);

    store_fixture_exec (db, "CREATE TRIGGER lost BEFORE INSERT ON job_data WHEN NEW.value = 'lost'"
                            " BEGIN SELECT RAISE (ROLLBACK, 'the transaction is lost'); END;");
    g_test_expect_message ("BargedStore", G_LOG_LEVEL_WARNING, "*the transaction is lost*");
    g_test_expect_message ("BargedStore", G_LOG_LEVEL_WARNING, "*rolled back*the transaction is lost*");
    barged_store_hold (store, TRUE);
    barged_store_put_file (store, make_file ("a", 0, 0), on_written_or_not, &w[0]);
    barged_store_put_file (store, make_file ("a", 1, 0), on_written_or_not, &w[1]);
    barged_store_put_data (store, "a", "upload", "lost", on_written_or_not, &w[2]);
    barged_store_put_file (store, make_file ("a", 2, 0), on_written_or_not, &w[3]);
    barged_store_hold (store, FALSE);
    for (guint i = 0; i < G_N_ELEMENTS (w); i++)
      while (!w[i].done)
        g_main_context_iteration (NULL, TRUE);
    g_test_assert_expected_messages ();
    g_assert_error (w[0].error, BARGE_ERROR, BARGE_ERROR_FAILED);
    g_assert_error (w[1].error, BARGE_ERROR, BARGE_ERROR_FAILED);
    g_assert_error (w[2].error, BARGE_ERROR, BARGE_ERROR_FAILED);
    g_assert_no_error (w[3].error);
    for (guint i = 0; i < G_N_ELEMENTS (w); i++)
      g_clear_error (&w[i].error);
  }

  /* Only file 2's row is there, which the load numbers 0 (the job's
   * files come without a gap). */
  g_test_expect_message ("BargedStore", G_LOG_LEVEL_WARNING, "*file 2 of job a is the job's file 0: renumbered*");
  load_all (db, &jobs, &files);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (files->len, ==, 1);
  g_assert_cmpuint (((BargedFileRecord *) files->pdata[0])->idx, ==, 0);
}

typedef struct {
  GArray *seen;              /* guint: the numbers of the callbacks so far */
  guint number;
} Numbered;

static void
on_numbered (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Numbered *n = user_data;
  g_autoptr(GError) error = NULL;

  barged_store_write_finish (BARGED_STORE (source), res, &error);
  g_array_append_val (n->seen, n->number);
}

/* The callbacks come in push order, across transactions and around a
 * write that fails: a callback still stands for every earlier write. */
static void
test_store_group_commit_order (void)
{
  g_autoptr(StoreFixture) db = store_fixture_new ();
  g_autoptr(BargedStore) store = open_store (db);
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree Numbered *numbered = g_new0 (Numbered, N_WRITES);
  sqlite3 *other;

  for (guint i = 0; i < N_WRITES; i++)
    numbered[i] = (Numbered) { seen, i };
  g_test_expect_message ("BargedStore", G_LOG_LEVEL_WARNING, "*NOT NULL constraint failed: files.local_path*");
  other = hold_write_lock (db);
  for (guint i = 0; i < N_WRITES; i++)
    switch (i % 4)
      {
      case 0:
        barged_store_put_job (store, make_job ("a", i), NULL, on_numbered, &numbered[i]);
        break;
      case 1:
        barged_store_put_file (store, i == N_WRITES / 2 + 1 ? make_bad_file ("a", i) : make_file ("a", i, i),
                               on_numbered, &numbered[i]);
        break;
      case 2:
        barged_store_put_data (store, "a", "key", "value", on_numbered, &numbered[i]);
        break;
      default:
        barged_store_delete_job (store, "a", on_numbered, &numbered[i]);
        break;
      }
  release_write_lock (other);
  while (seen->len < N_WRITES)
    g_main_context_iteration (NULL, TRUE);
  g_test_assert_expected_messages ();
  for (guint i = 0; i < N_WRITES; i++)
    g_assert_cmpuint (g_array_index (seen, guint, i), ==, i);
}

/* Where SQLite would put its temporary files (SQLITE_TMPDIR, read once
 * per process: set in main()). */
static char *sqlite_tmpdir;

/* The bytes of a value overwritten before a scrub are in neither file of
 * the database after it, and SQLite made no temporary file on the way
 * (temp_store=MEMORY; without it, the VACUUM of this 4 MB database makes
 * one): barged runs without PrivateTmp=, and a user who opens such a file
 * before SQLite unlinks it reads what goes into it. Writes pushed after
 * the scrub are kept. */
static void
test_store_scrub (void)
{
  g_autoptr(StoreFixture) db = store_fixture_new ();
  g_autoptr(BargedStore) store = open_store (db);
  const char *suffixes[] = { "", "-wal" };
  BargedJobRecord *secret = make_job ("job", 100);
  BargedJobRecord *plain = make_job ("job", 100);
  BargedJobRecord *later = make_job ("later", 100);
  gboolean done = FALSE;
  int watch = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);
  char events[4096];
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) files = NULL;

  g_free (secret->description);
  secret->description = g_strdup ("Zq7Kx9-secret");
  barged_store_put_job (store, secret, NULL, NULL, NULL);
  /* More than SQLite's page cache holds (2 MB): a temporary database
   * that large would spill to a file. */
  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *id = g_strdup_printf ("bulk-%u", i);
      BargedJobRecord *bulk = make_job (id, 100);

      g_free (bulk->description);
      bulk->description = g_strnfill (10000, 'd');
      barged_store_put_job (store, bulk, NULL, NULL, NULL);
    }
  barged_store_flush (store);
  barged_store_put_job (store, plain, NULL, NULL, NULL);
  g_assert_cmpint (watch, >=, 0);
  g_assert_cmpint (inotify_add_watch (watch, sqlite_tmpdir, IN_CREATE), >=, 0);
  barged_store_scrub (store, on_written, &done);
  barged_store_put_job (store, later, NULL, NULL, NULL);
  barged_store_flush (store);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (read (watch, events, sizeof events), ==, -1);
  close (watch);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (db->path, suffixes[i], NULL);
      g_autofree char *bytes = NULL;
      gsize length = 0;

      if (g_file_get_contents (path, &bytes, &length, NULL))
        g_assert_null (memmem (bytes, length, "Zq7Kx9", 6));
    }
  g_clear_object (&store);
  load_all (db, &jobs, &files);
  g_assert_cmpuint (jobs->len, ==, 402);
}

int
main (int argc, char **argv)
{
  int status;

  sqlite_tmpdir = g_dir_make_tmp ("barge-test-sqlite-tmp-XXXXXX", NULL);
  g_assert_nonnull (sqlite_tmpdir);
  g_setenv ("SQLITE_TMPDIR", sqlite_tmpdir, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/roundtrip", test_store_roundtrip);
  g_test_add_func ("/store/bad-path", test_store_bad_path);
  g_test_add_func ("/store/job-with-data", test_store_job_with_data);
  g_test_add_func ("/store/daemon-data", test_store_daemon_data);
  g_test_add_func ("/store/group-commit", test_store_group_commit);
  g_test_add_func ("/store/one-dispatch-one-commit", test_store_one_dispatch_one_commit);
  g_test_add_func ("/store/group-commit-failure", test_store_group_commit_failure);
  g_test_add_func ("/store/group-commit-rollback", test_store_group_commit_rollback);
  g_test_add_func ("/store/group-commit-order", test_store_group_commit_order);
  g_test_add_func ("/store/scrub", test_store_scrub);
  status = g_test_run ();
  rmdir (sqlite_tmpdir);
  g_free (sqlite_tmpdir);
  return status;
}
