/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/roundtrip", test_store_roundtrip);
  g_test_add_func ("/store/bad-path", test_store_bad_path);
  g_test_add_func ("/store/job-with-data", test_store_job_with_data);
  return g_test_run ();
}
