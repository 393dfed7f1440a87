/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The job_lifecycle table (MaximumDownloadTime, the retry deadline, the
 * HTTP status, NotifyFlags and NotifyCommandLine): a round trip. A database
 * of before the table: test-store-migration.c. */
#include "config.h"

#include "barge.h"
#include "barged-store.h"
#include "store-fixture.h"

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

static void
test_lifecycle_roundtrip (void)
{
  g_autoptr(StoreFixture) db = store_fixture_new ();
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(BargedStore) store = barged_store_new (db->path, &error);
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
    g_autoptr(BargedStore) store = barged_store_new (db->path, &error);
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
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store-lifecycle/roundtrip", test_lifecycle_roundtrip);
  return g_test_run ();
}
