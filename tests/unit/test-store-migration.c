/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The store's ladder of schema versions (barged-store-schema.c), step by step, on
 * the databases that real, older barged wrote (tests/unit/data/store/,
 * README.md there): each opens at the latest version, every job and file
 * comes back with the values the old barged wrote and the defaults of what
 * it did not have, the schema is the one a new database gets, and a write
 * then read works. Also: a failed step keeps the version it started from,
 * and a database of a newer barged is refused and left untouched. */
#include "config.h"

#include <sqlite3.h>

#include "barge.h"
#include "barged-store.h"
#include "store-fixture.h"

/* STORE_VERSION of barged-store-schema.c: a new step makes it one more, and wants
 * a fixture of the barged before it and a case below. */
#define LATEST_VERSION 8

#define DEFAULT_MAXIMUM_DOWNLOAD_TIME 7776000
#define REQUIRED G_MININT64     /* a column every version has */

typedef struct {
  const char *data;           /* the fixture, in tests/unit/data/store */
  int version;                /* its PRAGMA user_version */
  /* What of the later steps the old barged had already made: */
  gboolean lifecycle;         /* step 1, table job_lifecycle */
  gboolean cost_policy;       /* step 2, column jobs.cost_policy */
  gboolean job_data;          /* step 3, table job_data (an upload job in it) */
  gboolean file_ids;          /* step 4, the five identity columns of files */
} Case;

/* --- the old barged's rows, read with plain SQL -------------------------- */

/* The fixture run into a database of its own that no store touches. */
static sqlite3 *
raw_open (const char *data)
{
  g_autofree char *sql = store_fixture_read_data (data);
  sqlite3 *raw = NULL;

  g_assert_cmpint (sqlite3_open (":memory:", &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  return raw;
}

/* The row of @sql (one or two text parameters), or NULL: none, or no such
 * table in that version. */
static sqlite3_stmt *
raw_row (sqlite3 *raw, const char *sql, const char *a, const char *b)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (raw, sql, -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, a, -1, SQLITE_TRANSIENT);
  if (b != NULL)
    sqlite3_bind_text (stmt, 2, b, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return stmt;
  sqlite3_finalize (stmt);
  return NULL;
}

static gint64
raw_count (sqlite3 *raw, const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (raw, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static int
raw_column (sqlite3_stmt *row, const char *name)
{
  for (int i = 0; row != NULL && i < sqlite3_column_count (row); i++)
    if (g_str_equal (sqlite3_column_name (row, i), name))
      return i;
  return -1;
}

/* @loaded must be what the old barged wrote in @column of @row, or @absent
 * where that barged had no such column (or no row: the table's defaults). */
static void
expect_int (const char *what, sqlite3_stmt *row, const char *column, gint64 loaded, gint64 absent)
{
  int i = raw_column (row, column);
  gint64 expected = i >= 0 ? sqlite3_column_int64 (row, i) : absent;

  if (i < 0 && absent == REQUIRED)
    g_test_fail_printf ("%s: the fixture has no column %s", what, column);
  else if (loaded != expected)
    g_test_fail_printf ("%s: %s is %" G_GINT64_FORMAT ", the old barged wrote %" G_GINT64_FORMAT,
                        what, column, loaded, expected);
}

static void
expect_text (const char *what, sqlite3_stmt *row, const char *column, const char *loaded,
             gboolean required, const char *absent)
{
  int i = raw_column (row, column);
  const char *expected = i >= 0 ? (const char *) sqlite3_column_text (row, i) : absent;

  if (i < 0 && required)
    g_test_fail_printf ("%s: the fixture has no column %s", what, column);
  else if (g_strcmp0 (loaded, expected) != 0)
    g_test_fail_printf ("%s: %s is \"%s\", the old barged wrote \"%s\"", what, column, loaded, expected);
}

static void
check_job (sqlite3 *raw, const BargedJobRecord *j)
{
  g_autofree char *what = g_strdup_printf ("job %s", j->id);
  sqlite3_stmt *row = raw_row (raw, "SELECT * FROM jobs WHERE id = ?", j->id, NULL);
  /* A job without a row here has the defaults of barged_job_record_init_lifecycle(). */
  sqlite3_stmt *lc = raw_row (raw, "SELECT * FROM job_lifecycle WHERE job_id = ?", j->id, NULL);

  g_assert_nonnull (row);
  expect_int (what, row, "owner", j->owner, REQUIRED);
  expect_text (what, row, "type", j->type, TRUE, NULL);
  expect_text (what, row, "state", j->state, TRUE, NULL);
  expect_text (what, row, "display_name", j->display_name, TRUE, NULL);
  expect_text (what, row, "description", j->description, TRUE, NULL);
  expect_text (what, row, "priority", j->priority, TRUE, NULL);
  expect_int (what, row, "created", j->created, REQUIRED);
  expect_int (what, row, "modified", j->modified, REQUIRED);
  expect_int (what, row, "completed", j->completed, REQUIRED);
  expect_int (what, row, "error_count", j->error_count, REQUIRED);
  expect_text (what, row, "error_context", j->error_context, TRUE, NULL);
  expect_text (what, row, "error_name", j->error_name, TRUE, NULL);
  expect_text (what, row, "error_message", j->error_message, TRUE, NULL);
  expect_int (what, row, "error_file", j->error_file, REQUIRED);
  expect_int (what, row, "minimum_retry_delay", j->minimum_retry_delay, REQUIRED);
  expect_int (what, row, "no_progress_timeout", j->no_progress_timeout, REQUIRED);
  expect_int (what, row, "notification_interval", j->notification_interval, REQUIRED);
  expect_int (what, row, "first_transient_error", j->first_transient_error, REQUIRED);
  expect_text (what, row, "cost_policy", j->cost_policy, FALSE, "any");
  expect_int (what, lc, "maximum_download_time", j->maximum_download_time, DEFAULT_MAXIMUM_DOWNLOAD_TIME);
  expect_int (what, lc, "download_time_used", j->download_time_used, 0);
  expect_int (what, lc, "retry_at", j->retry_at, 0);
  expect_int (what, lc, "http_status", j->http_status, 0);
  expect_text (what, lc, "notify_flags", j->notify_flags, FALSE, NULL);
  expect_text (what, lc, "notify_command_line", j->notify_command_line, FALSE, NULL);
  sqlite3_finalize (row);
  sqlite3_finalize (lc);
}

static void
check_file (sqlite3 *raw, const BargedFileRecord *f)
{
  g_autofree char *idx = g_strdup_printf ("%u", f->idx);
  g_autofree char *what = g_strdup_printf ("file %s/%u", f->job_id, f->idx);
  sqlite3_stmt *row = raw_row (raw, "SELECT * FROM files WHERE job_id = ? AND idx = ?", f->job_id, idx);

  g_assert_nonnull (row);
  expect_text (what, row, "remote_url", f->remote_url, TRUE, NULL);
  expect_text (what, row, "local_path", f->local_path, TRUE, NULL);
  expect_text (what, row, "temporary_path", f->temporary_path, TRUE, NULL);
  expect_int (what, row, "bytes_total", (gint64) f->bytes_total, REQUIRED);
  expect_int (what, row, "bytes_durable", (gint64) f->bytes_durable, REQUIRED);
  expect_int (what, row, "transferred", f->transferred, REQUIRED);
  expect_int (what, row, "completed", f->completed, REQUIRED);
  expect_text (what, row, "etag", f->etag, FALSE, NULL);
  expect_text (what, row, "last_modified", f->last_modified, FALSE, NULL);
  expect_int (what, row, "temporary_device", (gint64) f->temporary_id.device, 0);
  expect_int (what, row, "temporary_inode", (gint64) f->temporary_id.inode, 0);
  expect_int (what, row, "temporary_uid", f->temporary_id.uid, 0);
  expect_int (what, row, "folder_device", (gint64) f->folder_id.device, 0);
  expect_int (what, row, "folder_inode", (gint64) f->folder_id.inode, 0);
  expect_text (what, row, "ranges", f->ranges, FALSE, NULL);
  expect_text (what, row, "checks", f->checks, FALSE, NULL);
  sqlite3_finalize (row);
}

/* --- records compared with records --------------------------------------- */

static void
assert_jobs_equal (GPtrArray *expected, GPtrArray *got)
{
  g_assert_cmpuint (got->len, ==, expected->len);
  for (guint i = 0; i < got->len; i++)
    {
      const BargedJobRecord *e = expected->pdata[i], *g = got->pdata[i];

      g_assert_cmpstr (g->id, ==, e->id);
      g_assert_cmpuint (g->owner, ==, e->owner);
      g_assert_cmpstr (g->type, ==, e->type);
      g_assert_cmpstr (g->state, ==, e->state);
      g_assert_cmpstr (g->display_name, ==, e->display_name);
      g_assert_cmpstr (g->description, ==, e->description);
      g_assert_cmpstr (g->priority, ==, e->priority);
      g_assert_cmpint (g->created, ==, e->created);
      g_assert_cmpint (g->modified, ==, e->modified);
      g_assert_cmpint (g->completed, ==, e->completed);
      g_assert_cmpuint (g->error_count, ==, e->error_count);
      g_assert_cmpstr (g->error_context, ==, e->error_context);
      g_assert_cmpstr (g->error_name, ==, e->error_name);
      g_assert_cmpstr (g->error_message, ==, e->error_message);
      g_assert_cmpint (g->error_file, ==, e->error_file);
      g_assert_cmpuint (g->minimum_retry_delay, ==, e->minimum_retry_delay);
      g_assert_cmpuint (g->no_progress_timeout, ==, e->no_progress_timeout);
      g_assert_cmpuint (g->notification_interval, ==, e->notification_interval);
      g_assert_cmpint (g->first_transient_error, ==, e->first_transient_error);
      g_assert_cmpuint (g->maximum_download_time, ==, e->maximum_download_time);
      g_assert_cmpint (g->download_time_used, ==, e->download_time_used);
      g_assert_cmpint (g->retry_at, ==, e->retry_at);
      g_assert_cmpuint (g->http_status, ==, e->http_status);
      g_assert_cmpstr (g->notify_flags, ==, e->notify_flags);
      g_assert_cmpstr (g->notify_command_line, ==, e->notify_command_line);
      g_assert_cmpstr (g->cost_policy, ==, e->cost_policy);
    }
}

static void
assert_files_equal (GPtrArray *expected, GPtrArray *got)
{
  g_assert_cmpuint (got->len, ==, expected->len);
  for (guint i = 0; i < got->len; i++)
    {
      const BargedFileRecord *e = expected->pdata[i], *g = got->pdata[i];

      g_assert_cmpstr (g->job_id, ==, e->job_id);
      g_assert_cmpuint (g->idx, ==, e->idx);
      g_assert_cmpstr (g->remote_url, ==, e->remote_url);
      g_assert_cmpstr (g->local_path, ==, e->local_path);
      g_assert_cmpstr (g->temporary_path, ==, e->temporary_path);
      g_assert_cmpuint (g->bytes_total, ==, e->bytes_total);
      g_assert_cmpuint (g->bytes_durable, ==, e->bytes_durable);
      g_assert_cmpint (g->transferred, ==, e->transferred);
      g_assert_cmpint (g->completed, ==, e->completed);
      g_assert_cmpstr (g->etag, ==, e->etag);
      g_assert_cmpstr (g->last_modified, ==, e->last_modified);
      g_assert_cmpuint (g->temporary_id.device, ==, e->temporary_id.device);
      g_assert_cmpuint (g->temporary_id.inode, ==, e->temporary_id.inode);
      g_assert_cmpuint (g->temporary_id.uid, ==, e->temporary_id.uid);
      g_assert_cmpuint (g->folder_id.device, ==, e->folder_id.device);
      g_assert_cmpuint (g->folder_id.inode, ==, e->folder_id.inode);
      g_assert_cmpstr (g->ranges, ==, e->ranges);
      g_assert_cmpstr (g->checks, ==, e->checks);
    }
}

/* What a running barged would change in every column the steps added. */
static void
touch_records (GPtrArray *jobs, GPtrArray *files)
{
  for (guint i = 0; i < jobs->len; i++)
    {
      BargedJobRecord *j = jobs->pdata[i];

      j->modified++;
      j->maximum_download_time = 3600 + i;
      j->download_time_used += 1000;
      j->retry_at = 1700000000000000 + i;
      j->http_status = 503;
      g_free (j->notify_flags);
      j->notify_flags = g_strdup ("['error']");
      g_free (j->notify_command_line);
      j->notify_command_line = g_strdup ("('/bin/echo', ['echo', 'round trip'])");
      g_free (j->cost_policy);
      j->cost_policy = g_strdup (i % 2 == 0 ? "unmetered" : "any");
    }
  for (guint i = 0; i < files->len; i++)
    {
      BargedFileRecord *f = files->pdata[i];

      f->bytes_durable = 7 + i;
      f->temporary_id = (BargedFileId) { .device = 64769, .inode = 1000 + i, .uid = 1000 };
      f->folder_id = (BargedFileId) { .device = 64769, .inode = 99 };
      g_free (f->ranges);
      f->ranges = g_strdup_printf ("%u-%u", 100 + i, 200 + i);
      g_free (f->checks);
      f->checks = g_strdup_printf ("{'size': <uint64 %u>, 'verified': <true>}", 1000 + i);
    }
}

static BargedFileRecord *
find_file (GPtrArray *files, const char *job_id, guint idx)
{
  for (guint i = 0; i < files->len; i++)
    {
      BargedFileRecord *f = files->pdata[i];

      if (g_str_equal (f->job_id, job_id) && f->idx == idx)
        return f;
    }
  g_assert_not_reached ();
}

static void
load (BargedStore *store, GPtrArray **jobs, GPtrArray **files)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (barged_store_load (store, jobs, files, &error));
  g_assert_no_error (error);
}

/* --- the cases ----------------------------------------------------------- */

static char *
new_database_schema (void)
{
  g_autoptr(StoreFixture) fresh = store_fixture_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BargedStore) store = barged_store_new (fresh->path, &error);

  g_assert_no_error (error);
  g_clear_object (&store);
  return store_fixture_get_schema (fresh);
}

/* A new database climbs the ladder from 0: the schema, column by column. */
static void
test_new_database (void)
{
  g_autoptr(StoreFixture) db = store_fixture_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BargedStore) store = barged_store_new (db->path, &error);
  g_autofree char *schema = NULL;
  static const char * const columns[][2] = {
    { "jobs", "id owner type state display_name description priority created modified completed"
      " error_count error_context error_name error_message error_file minimum_retry_delay"
      " no_progress_timeout notification_interval first_transient_error cost_policy" },
    { "files", "job_id idx remote_url local_path temporary_path bytes_total bytes_durable transferred"
      " completed etag last_modified temporary_device temporary_inode temporary_uid folder_device"
      " folder_inode ranges checks" },
    { "job_lifecycle", "job_id maximum_download_time download_time_used retry_at http_status"
      " notify_flags notify_command_line" },
    { "job_data", "job_id key value" },
  };

  g_assert_no_error (error);
  g_clear_object (&store);
  g_assert_cmpint (store_fixture_get_version (db), ==, LATEST_VERSION);
  schema = store_fixture_get_schema (db);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_autofree char *query = g_strdup_printf ("SELECT group_concat(name, ' ') FROM pragma_table_info('%s')",
                                                columns[i][0]);
      sqlite3 *raw = NULL;
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_open (db->path, &raw), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_prepare_v2 (raw, query, -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, columns[i][1]);
      sqlite3_finalize (stmt);
      sqlite3_close (raw);
    }
  /* Opened again, it stays as it is. */
  store = barged_store_new (db->path, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  g_assert_cmpint (store_fixture_get_version (db), ==, LATEST_VERSION);
  {
    g_autofree char *again = store_fixture_get_schema (db);
    g_assert_cmpstr (again, ==, schema);
  }
}

/* A saved database of an older barged, opened by this store. */
static void
test_saved_database (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(StoreFixture) db = store_fixture_new_from_data (c->data);
  sqlite3 *raw = raw_open (c->data);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) expected_jobs = NULL;
  g_autoptr(GPtrArray) expected_files = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *schema = NULL;
  g_autofree char *new_schema = new_database_schema ();
  g_autofree char *upload_job = NULL;
  BargedJobRecord *j;
  BargedFileRecord *f;

  g_assert_cmpint (store_fixture_get_version (db), ==, c->version);
  {
    g_autoptr(BargedStore) store = barged_store_new (db->path, &error);

    g_assert_no_error (error);
    load (store, &jobs, &files);

    /* Every job and file the old barged wrote, each value as it wrote it,
     * the defaults where it had no column or no row. */
    g_assert_cmpint (jobs->len, ==, raw_count (raw, "jobs"));
    g_assert_cmpint (files->len, ==, raw_count (raw, "files"));
    for (guint i = 0; i < jobs->len; i++)
      check_job (raw, jobs->pdata[i]);
    for (guint i = 0; i < files->len; i++)
      check_file (raw, files->pdata[i]);
    for (guint i = 0; i < jobs->len; i++)
      {
        g_autofree char *value = barged_store_load_data (store, ((BargedJobRecord *) jobs->pdata[i])->id, "upload");
        sqlite3_stmt *row = raw_row (raw, "SELECT value FROM job_data WHERE job_id = ? AND key = 'upload'",
                                     ((BargedJobRecord *) jobs->pdata[i])->id, NULL);

        expect_text ("upload state", row, "value", value, FALSE, NULL);
        sqlite3_finalize (row);
      }

    /* The same facts by hand, so that the comparison above cannot pass on
     * a fixture it misreads (make-fixture.sh made these jobs). */
    g_assert_cmpuint (jobs->len, ==, c->job_data ? 4 : 3);
    g_assert_cmpuint (files->len, ==, c->job_data ? 5 : 4);
    j = jobs->pdata[0];
    g_assert_cmpstr (j->display_name, ==, "fixture transferred");
    g_assert_cmpstr (j->state, ==, "transferred");
    g_assert_cmpstr (j->priority, ==, "high");
    g_assert_cmpuint (j->minimum_retry_delay, ==, 77);
    f = find_file (files, j->id, 0);
    g_assert_cmpuint (f->bytes_total, ==, 892);
    g_assert_true (f->transferred);
    g_assert_cmpstr (f->last_modified, ==, "Fri, 02 Jan 2026 03:04:05 GMT");
    g_assert_cmpuint (f->temporary_id.inode != 0, ==, c->file_ids);
    g_assert_cmpuint (f->folder_id.inode != 0, ==, c->file_ids);
    j = jobs->pdata[1];
    g_assert_cmpstr (j->display_name, ==, "fixture not found");
    g_assert_cmpstr (j->state, ==, "error");
    g_assert_cmpstr (j->error_name, ==, "org.freedesktop.Barge1.Error.RemoteNotFound");
    g_assert_cmpuint (j->http_status, ==, c->lifecycle ? 404 : 0);
    j = jobs->pdata[2];
    g_assert_cmpstr (j->display_name, ==, "fixture suspended");
    g_assert_cmpuint (j->no_progress_timeout, ==, 3600);
    g_assert_cmpuint (j->maximum_download_time, ==, c->lifecycle ? 7200 : DEFAULT_MAXIMUM_DOWNLOAD_TIME);
    g_assert_cmpstr (j->notify_command_line, ==, c->lifecycle ? "('/bin/true', ['true', 'fixture'])" : NULL);
    g_assert_cmpstr (j->cost_policy, ==, c->cost_policy ? "unmetered" : "any");
    f = find_file (files, j->id, 0);
    g_assert_cmpuint (f->bytes_total, ==, G_MAXUINT64);
    if (c->job_data)
      {
        g_autofree char *state = NULL;

        j = jobs->pdata[3];
        g_assert_cmpstr (j->type, ==, "upload");
        state = barged_store_load_data (store, j->id, "upload");
        g_assert_nonnull (strstr (state, "'protocol': <'tus'>"));
        upload_job = g_strdup (j->id);
      }

    /* A write then a read: every column, the new ones too. */
    load (store, &expected_jobs, &expected_files);
    touch_records (jobs, files);
    touch_records (expected_jobs, expected_files);
    for (guint i = 0; i < jobs->len; i++)
      {
        GPtrArray *its_files = g_ptr_array_new_with_free_func ((GDestroyNotify) barged_file_record_free);
        g_autofree char *id = g_strdup (((BargedJobRecord *) jobs->pdata[i])->id);

        for (guint k = 0; k < files->len; k++)
          {
            BargedFileRecord *file = files->pdata[k];

            if (file != NULL && g_str_equal (file->job_id, id))
              g_ptr_array_add (its_files, g_steal_pointer (&files->pdata[k]));
          }
        barged_store_put_job (store, g_steal_pointer (&jobs->pdata[i]), its_files, NULL, NULL);
        barged_store_put_data (store, id, "upload", "round trip", NULL, NULL);
      }
    if (upload_job != NULL)
      barged_store_put_data (store, upload_job, "upload", NULL, NULL, NULL);
    barged_store_flush (store);
  }
  g_clear_pointer (&jobs, g_ptr_array_unref);
  g_clear_pointer (&files, g_ptr_array_unref);

  /* The version after, and the schema a new database has. */
  g_assert_cmpint (store_fixture_get_version (db), ==, LATEST_VERSION);
  schema = store_fixture_get_schema (db);
  g_assert_cmpstr (schema, ==, new_schema);

  {
    g_autoptr(BargedStore) store = barged_store_new (db->path, &error);

    g_assert_no_error (error);
    load (store, &jobs, &files);
    assert_jobs_equal (expected_jobs, jobs);
    assert_files_equal (expected_files, files);
    for (guint i = 0; i < jobs->len; i++)
      {
        const char *id = ((BargedJobRecord *) jobs->pdata[i])->id;
        g_autofree char *value = barged_store_load_data (store, id, "upload");

        g_assert_cmpstr (value, ==, g_strcmp0 (id, upload_job) == 0 ? NULL : "round trip");
      }
  }
  sqlite3_close (raw);
}

/* The file identity columns of step 4 were added one ALTER TABLE at a time,
 * outside a transaction: a crash could leave two of the five. Step 4 adds
 * the other three and keeps the values of the two. */
static void
test_some_file_ids (void)
{
  g_autoptr(StoreFixture) db = store_fixture_new_from_data ("v4-job-data.sql");
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BargedStore) store = NULL;

  store_fixture_exec (db,
    "ALTER TABLE files ADD COLUMN temporary_device INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE files ADD COLUMN temporary_inode INTEGER NOT NULL DEFAULT 0;"
    "UPDATE files SET temporary_device = 2049, temporary_inode = 100 + idx;");
  store = barged_store_new (db->path, &error);
  g_assert_no_error (error);
  load (store, &jobs, &files);
  g_assert_cmpuint (files->len, ==, 5);
  for (guint i = 0; i < files->len; i++)
    {
      BargedFileRecord *f = files->pdata[i];

      g_assert_cmpuint (f->temporary_id.device, ==, 2049);
      g_assert_cmpuint (f->temporary_id.inode, ==, 100 + f->idx);
      g_assert_cmpuint (f->temporary_id.uid, ==, 0);
      g_assert_cmpuint (f->folder_id.device, ==, 0);
      g_assert_cmpuint (f->folder_id.inode, ==, 0);
    }
  g_clear_object (&store);
  g_assert_cmpint (store_fixture_get_version (db), ==, LATEST_VERSION);
}

/* A step that fails is rolled back with its bump of the version: the steps
 * before it stay done, and the next start climbs from there. Here step 3
 * cannot create job_data, whose name an index took. */
static void
test_failed_step (void)
{
  g_autoptr(StoreFixture) db = store_fixture_new_from_data ("v1-first-release.sql");
  g_autoptr(GError) error = NULL;
  g_autoptr(BargedStore) store = NULL;
  g_autofree char *schema = NULL;

  store_fixture_exec (db, "CREATE INDEX job_data ON jobs (state);");
  store = barged_store_new (db->path, &error);
  g_assert_null (store);
  g_assert_error (error, BARGE_ERROR, BARGE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "from schema version 3 to 4"));
  g_assert_nonnull (strstr (error->message, "job_data"));
  g_clear_error (&error);
  g_assert_cmpint (store_fixture_get_version (db), ==, 3);
  schema = store_fixture_get_schema (db);
  g_assert_nonnull (strstr (schema, "CREATE TABLE job_lifecycle"));
  g_assert_nonnull (strstr (schema, "cost_policy TEXT NOT NULL DEFAULT 'any'"));
  g_assert_null (strstr (schema, "temporary_device"));

  store_fixture_exec (db, "DROP INDEX job_data;");
  store = barged_store_new (db->path, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  g_assert_cmpint (store_fixture_get_version (db), ==, LATEST_VERSION);
}

/* A database of a later barged (a version this one does not know), or of
 * no barged: refused with a clear error, and not a byte of it written. */
static void
test_unknown_version (gconstpointer data)
{
  int version = GPOINTER_TO_INT (data);
  g_autoptr(StoreFixture) db = store_fixture_new_from_data ("v5-file-ids.sql");
  g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d;", version);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *wal = g_strconcat (db->path, "-wal", NULL);
  gsize before_len, after_len;
  g_autoptr(GError) error = NULL;
  g_autoptr(BargedStore) store = NULL;
  g_autofree char *number = g_strdup_printf ("version %d", version);

  store_fixture_exec (db, bump);
  g_assert_true (g_file_get_contents (db->path, &before, &before_len, NULL));
  store = barged_store_new (db->path, &error);
  g_assert_null (store);
  g_assert_error (error, BARGE_ERROR, BARGE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, db->path));
  g_assert_nonnull (strstr (error->message, number));
  if (version > LATEST_VERSION)
    g_assert_nonnull (strstr (error->message, "newer barged"));
  g_assert_true (g_file_get_contents (db->path, &after, &after_len, NULL));
  g_assert_cmpmem (after, after_len, before, before_len);
  /* Not even switched to WAL mode. */
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_cmpint (store_fixture_get_version (db), ==, version);
}

int
main (int argc, char **argv)
{
  /* Steps 0 to 4 take version N to N + 1 (barged-store-schema.c). Each fixture is
   * the database of the last barged of a version, before the ladder: they
   * all say version 1, and the steps up to theirs must find their work done. */
  static const Case cases[] = {
    /* first release: step 1 and every later step do their work */
    { "v1-first-release.sql", 1, FALSE, FALSE, FALSE, FALSE },
    /* step 1 finds job_lifecycle; from step 2 on they add */
    { "v2-job-lifecycle.sql", 1, TRUE, FALSE, FALSE, FALSE },
    /* steps 1 and 2 find theirs; from step 3 on they add */
    { "v3-cost-policy.sql", 1, TRUE, TRUE, FALSE, FALSE },
    /* steps 1 to 3 find theirs; step 4 adds the file identity columns */
    { "v4-job-data.sql", 1, TRUE, TRUE, TRUE, FALSE },
    /* the last barged before the ladder: every step finds its work done */
    { "v5-file-ids.sql", 1, TRUE, TRUE, TRUE, TRUE },
    /* version 5, as the first barged with the ladder wrote it: step 5
     * adds table daemon_data */
    { "v5-ladder.sql", 5, TRUE, TRUE, TRUE, TRUE },
    /* version 6, as the barged before segmented downloads wrote it: step 6
     * adds the column files.ranges */
    { "v6-daemon-data.sql", 6, TRUE, TRUE, TRUE, TRUE },
    /* version 7, as the barged before verified files wrote it: step 7
     * adds the column files.checks */
    { "v7-file-ranges.sql", 7, TRUE, TRUE, TRUE, TRUE },
    /* the upload branch's barged, before it met main: job_data but neither
     * job_lifecycle nor cost_policy: step 3 finds its work done, steps 1
     * and 2 before it do theirs */
    { "v1-with-job-data.sql", 1, FALSE, FALSE, TRUE, FALSE },
  };

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store-migration/new-database", test_new_database);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strndup (cases[i].data, strlen (cases[i].data) - strlen (".sql"));
      g_autofree char *path = g_strdup_printf ("/store-migration/saved/%s", name);

      g_test_add_data_func (path, &cases[i], test_saved_database);
    }
  g_test_add_func ("/store-migration/some-file-ids", test_some_file_ids);
  g_test_add_func ("/store-migration/failed-step", test_failed_step);
  g_test_add_data_func ("/store-migration/newer-version", GINT_TO_POINTER (LATEST_VERSION + 1),
                        test_unknown_version);
  g_test_add_data_func ("/store-migration/negative-version", GINT_TO_POINTER (-1), test_unknown_version);
  return g_test_run ();
}
