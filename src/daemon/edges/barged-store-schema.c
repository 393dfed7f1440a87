/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The job database's schema, as the ladder of steps that builds it; the
 * store (barged-store.c) climbs it when it opens a database. */
#define G_LOG_DOMAIN "BargedStore"

#include "config.h"

#include <sqlite3.h>

#include "barge-error.h"
#include "barged-store-sql.h"

/* --- The schema: a ladder of versions -------------------------------------
 *
 * PRAGMA user_version is the version of a database's schema. steps[N] takes
 * a database of version N to version N + 1, in one transaction with the bump
 * of user_version, so that a crash leaves version N or N + 1 and nothing in
 * between; migrate() climbs one step at a time up to STORE_VERSION. A new
 * database climbs from 0: the steps are the only description of the schema.
 * A step that has been released is never edited; a change of schema is a
 * new step at the end, and a fixture in tests/unit/data/store/ made by the
 * barged before it (tests/unit/test-store-migration.c).
 *
 * The ladder came late. Before it, every database said version 1 whatever it
 * held: at each start barged ran CREATE TABLE IF NOT EXISTS for the tables,
 * and for the columns a look at pragma_table_info before ALTER TABLE, and
 * never moved user_version. So a database of version 1 may already hold
 * what steps 1 to 4 add, in any mix (each was first written on a branch of
 * its own whose barged ran on its own, and that code could stop between two
 * of its statements, which were not in a transaction): those steps add only
 * what is missing. Steps from 5 on start from exactly their version. */

/* Adds @column to @table unless it is there: for steps 2 and 4 (see above). */
static gboolean
add_column_if_missing (sqlite3 *db, const char *table, const char *column, const char *definition,
                       GError **error)
{
  /* Column names are case-insensitive in SQLite, as ALTER TABLE sees them. */
  g_autofree char *query = g_strdup_printf ("SELECT 1 FROM pragma_table_info('%s')"
                                            " WHERE name = '%s' COLLATE NOCASE", table, column);
  g_autofree char *alter = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean present;

  if (sqlite3_prepare_v2 (db, query, -1, &stmt, NULL) != SQLITE_OK)
    return barged_store_sql_error (db, error);
  present = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  if (present)
    return TRUE;
  alter = g_strdup_printf ("ALTER TABLE %s ADD COLUMN %s %s;", table, column, definition);
  return barged_store_sql_exec (db, alter, error);
}

/* 0 -> 1: the first release's tables (71e16c0), jobs and their files. IF
 * NOT EXISTS because the barged of before the ladder ran this and the bump
 * to version 1 as statements of their own: a crash between them left the
 * tables at version 0. */
static gboolean
step_jobs_and_files (sqlite3 *db, GError **error)
{
  return barged_store_sql_exec (db,
    "CREATE TABLE IF NOT EXISTS jobs ("
    " id TEXT PRIMARY KEY, owner INTEGER NOT NULL, type TEXT NOT NULL,"
    " state TEXT NOT NULL, display_name TEXT NOT NULL, description TEXT NOT NULL,"
    " priority TEXT NOT NULL, created INTEGER NOT NULL, modified INTEGER NOT NULL,"
    " completed INTEGER NOT NULL, error_count INTEGER NOT NULL,"
    " error_context TEXT NOT NULL, error_name TEXT NOT NULL, error_message TEXT NOT NULL,"
    " error_file INTEGER NOT NULL, minimum_retry_delay INTEGER NOT NULL,"
    " no_progress_timeout INTEGER NOT NULL, notification_interval INTEGER NOT NULL,"
    " first_transient_error INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS files ("
    " job_id TEXT NOT NULL, idx INTEGER NOT NULL,"
    " remote_url TEXT NOT NULL, local_path TEXT NOT NULL, temporary_path TEXT NOT NULL,"
    " bytes_total INTEGER NOT NULL, bytes_durable INTEGER NOT NULL,"
    " transferred INTEGER NOT NULL, completed INTEGER NOT NULL,"
    " etag TEXT, last_modified TEXT, PRIMARY KEY (job_id, idx));",
    error);
}

/* 1 -> 2: the lifecycle settings (c4ce246, on main with 2d70250) in a table
 * of their own; a job without a row gets barged_job_record_init_lifecycle()'s
 * defaults. A version 1 database of barged 2d70250 to 5d64a50 has it already. */
static gboolean
step_job_lifecycle (sqlite3 *db, GError **error)
{
  return barged_store_sql_exec (db,
    "CREATE TABLE IF NOT EXISTS job_lifecycle ("
    " job_id TEXT PRIMARY KEY, maximum_download_time INTEGER NOT NULL,"
    " download_time_used INTEGER NOT NULL, retry_at INTEGER NOT NULL,"
    " http_status INTEGER NOT NULL, notify_flags TEXT, notify_command_line TEXT);",
    error);
}

/* 2 -> 3: a job's CostPolicy (a44173a, on main with 769da18); older jobs
 * get "any". A version 1 database of barged 769da18 to 5d64a50 has it. */
static gboolean
step_cost_policy (sqlite3 *db, GError **error)
{
  return add_column_if_missing (db, "jobs", "cost_policy", "TEXT NOT NULL DEFAULT 'any'", error);
}

/* 3 -> 4: per-job text values of later features, such as an upload's state
 * (9ac7135, on main with 64c1d97). A version 1 database of barged 64c1d97 to
 * 5d64a50 has it. */
static gboolean
step_job_data (sqlite3 *db, GError **error)
{
  return barged_store_sql_exec (db,
    "CREATE TABLE IF NOT EXISTS job_data ("
    " job_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
    " PRIMARY KEY (job_id, key));",
    error);
}

/* 4 -> 5: which temporary file barged created for a file, and the folder of
 * its destination (f5357bd); 0 for files of before. A version 1 database of
 * barged f5357bd to 5d64a50 has them, or some of them after a crash between
 * two of the ALTER TABLEs, which ran one by one. */
static gboolean
step_file_ids (sqlite3 *db, GError **error)
{
  static const char * const columns[] = {
    "temporary_device", "temporary_inode", "temporary_uid", "folder_device", "folder_inode",
  };

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    if (!add_column_if_missing (db, "files", columns[i], "INTEGER NOT NULL DEFAULT 0", error))
      return FALSE;
  return TRUE;
}

/* 5 -> 6: settings of the whole daemon that outlive it, such as the
 * background bandwidth limit an administrator set over D-Bus. */
static gboolean
step_daemon_data (sqlite3 *db, GError **error)
{
  return barged_store_sql_exec (db, "CREATE TABLE daemon_data (key TEXT PRIMARY KEY, value TEXT NOT NULL);", error);
}

/* 6 -> 7: the durable ranges of a file fetched in segments over several
 * connections ("a-b,c-d", ends exclusive, merged, beyond bytes_durable);
 * NULL for every file fetched in one piece, which bytes_durable describes
 * alone as before. */
static gboolean
step_file_ranges (sqlite3 *db, GError **error)
{
  return add_column_if_missing (db, "files", "ranges", "TEXT", error);
}

/* 7 -> 8: what a file is checked against (AddFileWithOptions: expected
 * digest and size) and whether it passed, as GVariant text of an a{sv};
 * NULL for every file without checks. */
static gboolean
step_file_checks (sqlite3 *db, GError **error)
{
  return add_column_if_missing (db, "files", "checks", "TEXT", error);
}

typedef gboolean (*StoreStep) (sqlite3 *db, GError **error);

/* steps[N] takes a database of version N to N + 1. */
static const StoreStep steps[] = {
  step_jobs_and_files,
  step_job_lifecycle,
  step_cost_policy,
  step_job_data,
  step_file_ids,
  step_daemon_data,
  step_file_ranges,
  step_file_checks,
};

#define STORE_VERSION ((int) G_N_ELEMENTS (steps))

static gboolean
get_user_version (sqlite3 *db, int *version, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    return barged_store_sql_error (db, error);
  ok = sqlite3_step (stmt) == SQLITE_ROW;
  if (ok)
    *version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return ok ? TRUE : barged_store_sql_error (db, error);
}

/* A database of a version this barged does not know is left untouched: one
 * of a newer barged could lose what its later steps added, or be damaged. */
static gboolean
check_version_known (const char *path, int version, GError **error)
{
  if (version > STORE_VERSION)
    g_set_error (error, BARGE_ERROR, BARGE_ERROR_FAILED,
                 "job database %s is of schema version %d, written by a newer barged; this one knows "
                 "versions up to %d and leaves it untouched: run the newer barged, or move the file away",
                 path, version, STORE_VERSION);
  else if (version < 0)
    g_set_error (error, BARGE_ERROR, BARGE_ERROR_FAILED,
                 "job database %s is of schema version %d, which no barged writes; it is left untouched",
                 path, version);
  return version >= 0 && version <= STORE_VERSION;
}

gboolean
barged_store_schema_check (sqlite3 *db, const char *path, GError **error)
{
  int version = -1;

  return get_user_version (db, &version, error) && check_version_known (path, version, error);
}

/* Climbs the ladder, a step per transaction. The version is read again
 * inside each one: another barged on the same file may have climbed. */
gboolean
barged_store_schema_migrate (sqlite3 *db, const char *path, GError **error)
{
  for (;;)
    {
      g_autofree char *bump = NULL;
      int version = -1;

      if (!barged_store_sql_exec (db, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!get_user_version (db, &version, error) || !check_version_known (path, version, error))
        {
          barged_store_sql_exec (db, "ROLLBACK", NULL);
          return FALSE;
        }
      if (version == STORE_VERSION)
        return barged_store_sql_exec (db, "COMMIT", error);
      bump = g_strdup_printf ("PRAGMA user_version = %d;", version + 1);
      if (!steps[version] (db, error) || !barged_store_sql_exec (db, bump, error) || !barged_store_sql_exec (db, "COMMIT", error))
        {
          barged_store_sql_exec (db, "ROLLBACK", NULL);
          g_prefix_error (error, "job database %s, from schema version %d to %d: ", path, version, version + 1);
          return FALSE;
        }
      g_debug ("job database %s: schema version %d to %d", path, version, version + 1);
    }
}
