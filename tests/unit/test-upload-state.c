/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The persistent side of uploads without a server: the state text a job
 * stores (round trip, damage), the ReplyFileName rules, and the store's
 * job_data table, including on a database from before it existed. */
#include "config.h"

#include "barge.h"
#include "barged-store.h"
#include "barged-upload-private.h"
#include "store-fixture.h"

static void
test_round_trip (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(BargedUpload) up = barged_upload_new (session, "job", 1000, BARGE_UPLOAD_PROTOCOL_TUS, TRUE);
  g_autoptr(BargedUpload) back = NULL;
  g_autofree char *data = NULL;
  g_autofree char *again = NULL;
  static const guint8 reply[] = { 0, 1, 2, 'x', 0, 255 };
  guint64 total, done;

  g_assert_true (barged_upload_set_reply_file_name (up, "", NULL));
  up->source_known = TRUE;
  up->source.size = G_MAXUINT64 - 1;
  up->source.mtime_ns = -5;
  up->source.inode = 77;
  up->source.device = 8;
  up->session_id = g_strdup ("http://127.0.0.1:1/files/a'b\"c");
  up->expires = 1700000000;
  up->acked = 12345;
  up->uploaded = TRUE;
  up->reply_url = g_strdup ("http://127.0.0.1:1/reply/x");
  up->reply_started = TRUE;
  up->reply_done = TRUE;
  up->reply_total = up->reply_received = sizeof reply;
  up->reply_data = g_bytes_new_static (reply, sizeof reply);

  data = barged_upload_to_data (up);
  back = barged_upload_new_from_data (session, "job", 1000, TRUE, data);
  g_assert_nonnull (back);
  g_assert_cmpint (barged_upload_get_protocol (back), ==, BARGE_UPLOAD_PROTOCOL_TUS);
  g_assert_true (back->source_known);
  g_assert_cmpuint (back->source.size, ==, G_MAXUINT64 - 1);
  g_assert_cmpint (back->source.mtime_ns, ==, -5);
  g_assert_cmpuint (back->source.inode, ==, 77);
  g_assert_cmpstr (back->session_id, ==, up->session_id);
  g_assert_cmpint (back->expires, ==, 1700000000);
  g_assert_cmpuint (back->acked, ==, 12345);
  g_assert_true (back->uploaded);
  g_assert_cmpstr (back->reply_url, ==, up->reply_url);
  g_assert_true (barged_upload_get_reply_started (back));
  g_assert_nonnull (back->reply_data);
  g_assert_cmpmem (g_bytes_get_data (back->reply_data, NULL), g_bytes_get_size (back->reply_data),
                   reply, sizeof reply);
  barged_upload_get_reply_progress (back, &total, &done);
  g_assert_cmpuint (total, ==, sizeof reply);
  g_assert_cmpuint (done, ==, sizeof reply);
  again = barged_upload_to_data (back);
  g_assert_cmpstr (again, ==, data);
}

static void
test_damaged (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();

  g_assert_null (barged_upload_new_from_data (session, "j", 1, FALSE, NULL));
  g_assert_null (barged_upload_new_from_data (session, "j", 1, FALSE, "{'acked': <"));
  g_assert_null (barged_upload_new_from_data (session, "j", 1, FALSE, "{'acked': <uint64 5>}"));
  g_assert_null (barged_upload_new_from_data (session, "j", 1, FALSE, "{'protocol': <'ftp'>}"));
  /* Bytes that are not UTF-8 in a string: GLib's parser logged a
   * critical (fatal in these tests) before it gave up (tests/fuzz). */
  g_assert_null (barged_upload_new_from_data (session, "j", 1, FALSE, "{'protocol': <'bits'>, 'session': <'\xff'>}"));
  /* Valid UTF-8 escaping a surrogate: a critical in GLib 2.74's parser. */
  g_assert_null (barged_upload_new_from_data (session, "j", 1, FALSE,
                                              "{'protocol': <'bits'>, 'session': <'\\udc00'>}"));
}

static void
test_reply_rules (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(BargedUpload) plain = barged_upload_new (session, "j", 1, BARGE_UPLOAD_PROTOCOL_BITS, FALSE);
  g_autoptr(BargedUpload) reply = barged_upload_new (session, "0123abcd-j", 1, BARGE_UPLOAD_PROTOCOL_BITS, TRUE);
  g_autoptr(GError) error = NULL;
  const char *tmp, *other;
  g_autofree char *first = NULL;
  guint64 total, done;

  g_assert_false (barged_upload_set_reply_file_name (plain, "/tmp/r", &error));
  g_assert_error (error, BARGE_ERROR, BARGE_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_false (barged_upload_set_reply_file_name (reply, "relative", &error));
  g_assert_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (barged_upload_set_reply_file_name (reply, "/tmp/", &error));
  g_assert_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (barged_upload_get_reply_temporary (reply));
  g_assert_true (barged_upload_set_reply_file_name (reply, "/tmp/answer", &error));
  g_assert_no_error (error);
  tmp = barged_upload_get_reply_temporary (reply);
  g_assert_true (g_str_has_prefix (tmp, "/tmp/.answer."));
  g_assert_true (g_str_has_suffix (tmp, ".barge-part"));
  /* Unguessable: 16 random hex digits, a new name for every reply file. */
  g_assert_cmpuint (strlen (tmp), ==, strlen ("/tmp/.answer.") + 16 + strlen (".barge-part"));
  first = g_strdup (tmp);
  g_assert_true (barged_upload_set_reply_file_name (reply, "/tmp/answer", &error));
  other = barged_upload_get_reply_temporary (reply);
  g_assert_cmpstr (other, !=, first);
  g_assert_true (g_str_has_prefix (other, "/tmp/.answer."));
  /* Unknown total until the reply starts. */
  barged_upload_get_reply_progress (reply, &total, &done);
  g_assert_cmpuint (total, ==, BARGE_SIZE_UNKNOWN);
  g_assert_cmpuint (done, ==, 0);
  reply->reply_started = TRUE;
  g_assert_false (barged_upload_set_reply_file_name (reply, "/tmp/other", &error));
  g_assert_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_STATE);
}

static void
test_store_data (void)
{
  /* A database of the first release, before job_data. */
  g_autoptr(StoreFixture) db = store_fixture_new_from_data ("v1-first-release.sql");
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  g_autofree char *other = NULL;
  BargedStore *store;

  store = barged_store_new (db->path, &error);
  g_assert_no_error (error);
  barged_store_put_data (store, "j1", "upload", "{'protocol': <'bits'>}", NULL, NULL);
  barged_store_put_data (store, "j2", "upload", "two", NULL, NULL);
  barged_store_put_data (store, "j2", "upload", "two, again", NULL, NULL);
  barged_store_flush (store);
  g_object_unref (store);

  store = barged_store_new (db->path, &error);
  g_assert_no_error (error);
  value = barged_store_load_data (store, "j1", "upload");
  g_assert_cmpstr (value, ==, "{'protocol': <'bits'>}");
  other = barged_store_load_data (store, "j2", "upload");
  g_assert_cmpstr (other, ==, "two, again");
  g_clear_pointer (&value, g_free);
  barged_store_delete_job (store, "j1", NULL, NULL);
  barged_store_put_data (store, "j2", "upload", NULL, NULL, NULL);
  barged_store_flush (store);
  g_assert_null (barged_store_load_data (store, "j1", "upload"));
  g_assert_null (barged_store_load_data (store, "j2", "upload"));
  g_object_unref (store);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/upload-state/round-trip", test_round_trip);
  g_test_add_func ("/upload-state/damaged", test_damaged);
  g_test_add_func ("/upload-state/reply-rules", test_reply_rules);
  g_test_add_func ("/upload-state/store-data", test_store_data);
  return g_test_run ();
}
