/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The persistent side of uploads without a server: the state text a job
 * stores (round trip, damage), the ReplyFileName rules, and the store's
 * job_data table, including on a database from before it existed. */
#include "config.h"

#include <sqlite3.h>
#include <glib/gstdio.h>

#include "barge.h"
#include "barged-store.h"
#include "barged-upload-private.h"

static void
test_protocol_names (void)
{
  BargedUploadProtocol p;

  g_assert_true (barged_upload_protocol_from_string ("bits", &p));
  g_assert_cmpint (p, ==, BARGED_UPLOAD_PROTOCOL_BITS);
  g_assert_true (barged_upload_protocol_from_string ("tus", &p));
  g_assert_cmpint (p, ==, BARGED_UPLOAD_PROTOCOL_TUS);
  g_assert_true (barged_upload_protocol_from_string ("put", &p));
  g_assert_cmpstr (barged_upload_protocol_to_string (p), ==, "put");
  g_assert_false (barged_upload_protocol_from_string ("BITS", NULL));
  g_assert_false (barged_upload_protocol_from_string ("", NULL));
  g_assert_false (barged_upload_protocol_from_string (NULL, NULL));
}

static void
test_round_trip (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(BargedUpload) up = barged_upload_new (session, "job", 1000, BARGED_UPLOAD_PROTOCOL_TUS, TRUE);
  g_autoptr(BargedUpload) back = NULL;
  g_autofree char *data = NULL;
  g_autofree char *again = NULL;
  static const guint8 reply[] = { 0, 1, 2, 'x', 0, 255 };
  g_autoptr(GVariant) progress = NULL;
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
  g_assert_cmpint (barged_upload_get_protocol (back), ==, BARGED_UPLOAD_PROTOCOL_TUS);
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
  progress = g_variant_ref_sink (barged_upload_get_reply_progress (back));
  g_variant_get (progress, "(tt)", &total, &done);
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
}

static void
test_reply_rules (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(BargedUpload) plain = barged_upload_new (session, "j", 1, BARGED_UPLOAD_PROTOCOL_BITS, FALSE);
  g_autoptr(BargedUpload) reply = barged_upload_new (session, "0123abcd-j", 1, BARGED_UPLOAD_PROTOCOL_BITS, TRUE);
  g_autoptr(GVariant) progress = NULL;
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
  progress = g_variant_ref_sink (barged_upload_get_reply_progress (reply));
  g_variant_get (progress, "(tt)", &total, &done);
  g_assert_cmpuint (total, ==, BARGE_SIZE_UNKNOWN);
  g_assert_cmpuint (done, ==, 0);
  reply->reply_started = TRUE;
  g_assert_false (barged_upload_set_reply_file_name (reply, "/tmp/other", &error));
  g_assert_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_STATE);
}

/* The schema of the first release, before job_data. */
static const char old_schema[] =
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
  "PRAGMA user_version = 1;";

static void
test_store_data (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("barge-unit-upload-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "jobs.db", NULL);
  g_autofree char *value = NULL;
  g_autofree char *other = NULL;
  BargedStore *store;
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, old_schema, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = barged_store_new (path, &error);
  g_assert_no_error (error);
  barged_store_put_data (store, "j1", "upload", "{'protocol': <'bits'>}", NULL, NULL);
  barged_store_put_data (store, "j2", "upload", "two", NULL, NULL);
  barged_store_put_data (store, "j2", "upload", "two, again", NULL, NULL);
  barged_store_flush (store);
  g_object_unref (store);

  store = barged_store_new (path, &error);
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
  g_remove (path);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/upload-state/protocol-names", test_protocol_names);
  g_test_add_func ("/upload-state/round-trip", test_round_trip);
  g_test_add_func ("/upload-state/damaged", test_damaged);
  g_test_add_func ("/upload-state/reply-rules", test_reply_rules);
  g_test_add_func ("/upload-state/store-data", test_store_data);
  return g_test_run ();
}
