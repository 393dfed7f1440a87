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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/roundtrip", test_store_roundtrip);
  g_test_add_func ("/store/bad-path", test_store_bad_path);
  return g_test_run ();
}
