/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedStore"

#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "barge-error.h"
#include "barged-store.h"
#include "barged-store-sql.h"
#include "barge-tsan.h"

/* The job database: SQLite in WAL mode with synchronous=FULL: a commit
 * survives a crash or power loss. All writes run on one worker thread so the
 * main loop never waits for the disk; they wait in the store's queue and the
 * worker takes them in the order they were pushed. Files have no foreign key
 * to their job, because INSERT OR REPLACE of a job row would cascade to them;
 * delete_job_locked() removes both.
 *
 * Group commit: the worker commits every write that is waiting (up to
 * STORE_BATCH_MAX) in one transaction, so what piles up while a commit syncs
 * costs one fsync, not one each. The worker is woken for the first write
 * once the main loop is done with what it is dispatching (on_kick()), so
 * the writes of one dispatch, such as the records of the files one flush
 * made durable, share a commit; woken at the first of them, the worker
 * took it alone and the rest in a second commit. Each write runs in a
 * savepoint of its own, so one that fails is undone alone, and the tasks
 * are returned after the COMMIT in push order: a write's callback still
 * means that it and every earlier write are settled. */

/* Writes per transaction: the rest wait for the next one, so that a long
 * queue does not hold the write lock, nor its callbacks, for long. */
#define STORE_BATCH_MAX 512

struct _BargedStore
{
  GObject parent_instance;
  sqlite3 *db;
  GThreadPool *pool;        /* one thread; an item is a run of store_worker */
  GMutex lock;              /* guards queue, scheduled, held, pending, n_writes and the cond */
  GQueue queue;             /* StoreOp*, waiting for the worker, in push order */
  gboolean scheduled;       /* a run of store_worker is pushed and has not seen the queue empty */
  gboolean held;            /* barged_store_hold(): no run is pushed */
  guint kick_source;        /* main thread: pushes the run that store_push() scheduled */
  GCond idle;
  guint pending;            /* pushed writes whose tasks are not returned yet */
  gint n_commits;           /* atomic: transactions committed, for barged_store_get_n_commits */
  guint n_writes;           /* under lock: writes pushed, for barged_store_get_n_writes */
  gulong test_delay_us;     /* BARGED_TEST_STORE_DELAY_MS: a slow disk, for tests; read at creation */
};

G_DEFINE_TYPE (BargedStore, barged_store, G_TYPE_OBJECT)

typedef enum {
  STORE_OP_PUT_JOB,
  STORE_OP_PUT_FILE,
  STORE_OP_DELETE_JOB,
  STORE_OP_PUT_DATA,
  STORE_OP_PUT_DAEMON_DATA,
  STORE_OP_SCRUB,            /* outside any transaction, in a batch of its own */
} StoreOpKind;

typedef struct {
  StoreOpKind kind;
  BargedJobRecord *job;
  GPtrArray *files;          /* BargedFileRecord*, for PUT_JOB */
  GHashTable *data;          /* for PUT_JOB: key -> value (NULL deletes), or NULL */
  BargedFileRecord *file;    /* for PUT_FILE */
  char *job_id;              /* for DELETE_JOB and PUT_DATA */
  char *key;                 /* for PUT_DATA and PUT_DAEMON_DATA */
  char *value;               /* for PUT_DATA and PUT_DAEMON_DATA; NULL deletes the key */
  GTask *task;               /* NULL when nobody waits */
  GError *error;             /* set by the worker when the write failed */
} StoreOp;

void
barged_job_record_free (BargedJobRecord *r)
{
  if (r == NULL)
    return;
  g_free (r->id);
  g_free (r->type);
  g_free (r->state);
  g_free (r->display_name);
  g_free (r->description);
  g_free (r->priority);
  g_free (r->error_context);
  g_free (r->error_name);
  g_free (r->error_message);
  g_free (r->notify_flags);
  g_free (r->notify_command_line);
  g_free (r->cost_policy);
  g_free (r->settings);
  g_free (r);
}

void
barged_job_record_init_lifecycle (BargedJobRecord *r)
{
  r->maximum_download_time = 7776000;
  r->download_time_used = 0;
  r->retry_at = 0;
  r->http_status = 0;
  g_clear_pointer (&r->notify_flags, g_free);
  g_clear_pointer (&r->notify_command_line, g_free);
}

void
barged_file_record_free (BargedFileRecord *r)
{
  if (r == NULL)
    return;
  g_free (r->job_id);
  g_free (r->remote_url);
  g_free (r->local_path);
  g_free (r->temporary_path);
  g_free (r->etag);
  g_free (r->last_modified);
  g_free (r->ranges);
  g_free (r->checks);
  g_free (r);
}

static void
store_op_free (StoreOp *op)
{
  barged_job_record_free (op->job);
  g_clear_pointer (&op->files, g_ptr_array_unref);
  g_clear_pointer (&op->data, g_hash_table_unref);
  barged_file_record_free (op->file);
  g_free (op->job_id);
  g_free (op->key);
  g_free (op->value);
  g_clear_object (&op->task);
  g_clear_error (&op->error);
  g_free (op);
}

gboolean
barged_store_sql_error (sqlite3 *db, GError **error)
{
  g_set_error (error, BARGE_ERROR,
               (sqlite3_errcode (db) & 0xff) == SQLITE_FULL ? BARGE_ERROR_DISK_FULL : BARGE_ERROR_FAILED,
               "job database: %s", sqlite3_errmsg (db));
  return FALSE;
}

gboolean
barged_store_sql_exec (sqlite3 *db, const char *sql, GError **error)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_FAILED, "job database: %s", msg);
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

/* SQLite stores signed 64-bit integers; sizes round-trip through the cast. */
static void
bind_u64 (sqlite3_stmt *stmt, int col, guint64 value)
{
  sqlite3_bind_int64 (stmt, col, (sqlite3_int64) value);
}

/* The statements of a file record run thousands of times a second in a
 * job of many small files: each is prepared once and kept in the
 * connection, found again by its text (sqlite3_next_stmt), and reset after
 * use; barged_store_finalize() finalizes them. */
static sqlite3_stmt *
cached_statement (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt;

  for (stmt = sqlite3_next_stmt (db, NULL); stmt != NULL; stmt = sqlite3_next_stmt (db, stmt))
    if (!sqlite3_stmt_busy (stmt) && strcmp (sqlite3_sql (stmt), sql) == 0)
      return stmt;
  if (sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    return NULL;
  return stmt;
}

static gboolean
step_cached (sqlite3 *db, sqlite3_stmt *stmt, GError **error)
{
  gboolean ok = sqlite3_step (stmt) == SQLITE_DONE;

  if (!ok)
    barged_store_sql_error (db, error);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return ok;
}

/* The whole row in one statement, updated in place when it exists (an
 * upsert: INSERT OR REPLACE would delete the row and insert it again,
 * index entries included, and the ids then took an UPDATE of their own:
 * three row writes per record, and a file writes its record three times).
 * The ids (columns added by a migration) say which files barged created
 * and where: what makes a temporary file safe to reopen, rename or
 * delete. */
static gboolean
put_file_locked (sqlite3 *db, const BargedFileRecord *f, GError **error)
{
  static const char sql[] =
    "INSERT INTO files (job_id, idx, remote_url, local_path, temporary_path,"
    " bytes_total, bytes_durable, transferred, completed, etag, last_modified,"
    " temporary_device, temporary_inode, temporary_uid, folder_device, folder_inode, ranges, checks)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT (job_id, idx) DO UPDATE SET remote_url = excluded.remote_url,"
    " local_path = excluded.local_path, temporary_path = excluded.temporary_path,"
    " bytes_total = excluded.bytes_total, bytes_durable = excluded.bytes_durable,"
    " transferred = excluded.transferred, completed = excluded.completed, etag = excluded.etag,"
    " last_modified = excluded.last_modified, temporary_device = excluded.temporary_device,"
    " temporary_inode = excluded.temporary_inode, temporary_uid = excluded.temporary_uid,"
    " folder_device = excluded.folder_device, folder_inode = excluded.folder_inode,"
    " ranges = excluded.ranges, checks = excluded.checks";
  sqlite3_stmt *stmt = cached_statement (db, sql);

  if (stmt == NULL)
    return barged_store_sql_error (db, error);
  sqlite3_bind_text (stmt, 1, f->job_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, (int) f->idx);
  sqlite3_bind_text (stmt, 3, f->remote_url, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, f->local_path, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, f->temporary_path, -1, SQLITE_STATIC);
  bind_u64 (stmt, 6, f->bytes_total);
  bind_u64 (stmt, 7, f->bytes_durable);
  sqlite3_bind_int (stmt, 8, f->transferred);
  sqlite3_bind_int (stmt, 9, f->completed);
  sqlite3_bind_text (stmt, 10, f->etag, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 11, f->last_modified, -1, SQLITE_STATIC);
  bind_u64 (stmt, 12, f->temporary_id.device);
  bind_u64 (stmt, 13, f->temporary_id.inode);
  sqlite3_bind_int64 (stmt, 14, f->temporary_id.uid);
  bind_u64 (stmt, 15, f->folder_id.device);
  bind_u64 (stmt, 16, f->folder_id.inode);
  sqlite3_bind_text (stmt, 17, f->ranges, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 18, f->checks, -1, SQLITE_STATIC);
  return step_cached (db, stmt, error);
}

static char *column_dup (sqlite3_stmt *stmt, int col);

static gboolean
put_cost_policy_locked (sqlite3 *db, const BargedJobRecord *j, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  if (sqlite3_prepare_v2 (db, "UPDATE jobs SET cost_policy = ? WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK)
    return barged_store_sql_error (db, error);
  sqlite3_bind_text (stmt, 1, j->cost_policy != NULL ? j->cost_policy : "any", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, j->id, -1, SQLITE_STATIC);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  return ok ? TRUE : barged_store_sql_error (db, error);
}

static gboolean
load_cost_policies (sqlite3 *db, GPtrArray *jobs, GError **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT cost_policy FROM jobs WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK)
    return barged_store_sql_error (db, error);
  for (guint i = 0; i < jobs->len; i++)
    {
      BargedJobRecord *j = g_ptr_array_index (jobs, i);

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, j->id, -1, SQLITE_STATIC);
      j->cost_policy = sqlite3_step (stmt) == SQLITE_ROW ? column_dup (stmt, 0) : NULL;
      if (j->cost_policy == NULL)
        j->cost_policy = g_strdup ("any");
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

/* One query for every job's settings: most jobs have none. */
static gboolean
load_settings (sqlite3 *db, GPtrArray *jobs, GError **error)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  sqlite3_stmt *stmt = NULL;
  int rc;

  for (guint i = 0; i < jobs->len; i++)
    {
      BargedJobRecord *j = g_ptr_array_index (jobs, i);
      g_hash_table_insert (by_id, j->id, j);
    }
  if (sqlite3_prepare_v2 (db, "SELECT job_id, value FROM job_data WHERE key = ?", -1, &stmt, NULL) != SQLITE_OK)
    return barged_store_sql_error (db, error);
  sqlite3_bind_text (stmt, 1, BARGED_STORE_SETTINGS_KEY, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      BargedJobRecord *j = id != NULL ? g_hash_table_lookup (by_id, id) : NULL;

      /* (job_id, key) is the primary key: one row per job at most. */
      if (j != NULL && j->settings == NULL)
        j->settings = column_dup (stmt, 1);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : barged_store_sql_error (db, error);
}

static gboolean
put_lifecycle_locked (sqlite3 *db, const BargedJobRecord *j, GError **error)
{
  static const char sql[] =
    "INSERT OR REPLACE INTO job_lifecycle (job_id, maximum_download_time, download_time_used,"
    " retry_at, http_status, notify_flags, notify_command_line) VALUES (?,?,?,?,?,?,?)";
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return barged_store_sql_error (db, error);
  sqlite3_bind_text (stmt, 1, j->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, j->maximum_download_time);
  sqlite3_bind_int64 (stmt, 3, j->download_time_used);
  sqlite3_bind_int64 (stmt, 4, j->retry_at);
  sqlite3_bind_int64 (stmt, 5, j->http_status);
  sqlite3_bind_text (stmt, 6, j->notify_flags, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, j->notify_command_line, -1, SQLITE_STATIC);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  return ok ? TRUE : barged_store_sql_error (db, error);
}

static gboolean put_data_locked (sqlite3 *db, const char *job_id, const char *key, const char *value,
                                 GError **error);

/* The job, its files and its @data values, in the caller's transaction. */
static gboolean
put_job_locked (sqlite3 *db, const BargedJobRecord *j, GPtrArray *files, GHashTable *data, GError **error)
{
  static const char sql[] =
    "INSERT OR REPLACE INTO jobs (id, owner, type, state, display_name, description,"
    " priority, created, modified, completed, error_count, error_context, error_name,"
    " error_message, error_file, minimum_retry_delay, no_progress_timeout,"
    " notification_interval, first_transient_error)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return barged_store_sql_error (db, error);
  sqlite3_bind_text (stmt, 1, j->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, j->owner);
  sqlite3_bind_text (stmt, 3, j->type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, j->state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, j->display_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, j->description, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, j->priority, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, j->created);
  sqlite3_bind_int64 (stmt, 9, j->modified);
  sqlite3_bind_int64 (stmt, 10, j->completed);
  sqlite3_bind_int64 (stmt, 11, j->error_count);
  sqlite3_bind_text (stmt, 12, j->error_context, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 13, j->error_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 14, j->error_message, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 15, j->error_file);
  sqlite3_bind_int64 (stmt, 16, j->minimum_retry_delay);
  sqlite3_bind_int64 (stmt, 17, j->no_progress_timeout);
  sqlite3_bind_int64 (stmt, 18, j->notification_interval);
  sqlite3_bind_int64 (stmt, 19, j->first_transient_error);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  if (!ok)
    return barged_store_sql_error (db, error);
  if (!put_cost_policy_locked (db, j, error))
    return FALSE;

  if (!put_lifecycle_locked (db, j, error))
    return FALSE;
  for (guint i = 0; files != NULL && i < files->len; i++)
    if (!put_file_locked (db, g_ptr_array_index (files, i), error))
      return FALSE;
  if (data != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, data);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (!put_data_locked (db, j->id, key, value, error))
          return FALSE;
    }
  return TRUE;
}

static gboolean
delete_job_locked (sqlite3 *db, const char *job_id, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;
  const char *sqls[] = { "DELETE FROM files WHERE job_id = ?", "DELETE FROM job_lifecycle WHERE job_id = ?",
                         "DELETE FROM job_data WHERE job_id = ?",
                         "DELETE FROM jobs WHERE id = ?" };

  for (guint i = 0; ok && i < G_N_ELEMENTS (sqls); i++)
    {
      if (sqlite3_prepare_v2 (db, sqls[i], -1, &stmt, NULL) != SQLITE_OK)
        return barged_store_sql_error (db, error);
      sqlite3_bind_text (stmt, 1, job_id, -1, SQLITE_STATIC);
      ok = sqlite3_step (stmt) == SQLITE_DONE;
      sqlite3_finalize (stmt);
    }
  return ok ? TRUE : barged_store_sql_error (db, error);
}

static char *column_dup (sqlite3_stmt *stmt, int col);

static gboolean
put_data_locked (sqlite3 *db, const char *job_id, const char *key, const char *value, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  if (sqlite3_prepare_v2 (db, value != NULL
                          ? "INSERT OR REPLACE INTO job_data (job_id, key, value) VALUES (?,?,?)"
                          : "DELETE FROM job_data WHERE job_id = ? AND key = ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    return barged_store_sql_error (db, error);
  sqlite3_bind_text (stmt, 1, job_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_STATIC);
  if (value != NULL)
    sqlite3_bind_text (stmt, 3, value, -1, SQLITE_STATIC);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  return ok ? TRUE : barged_store_sql_error (db, error);
}

static gboolean
put_daemon_data_locked (sqlite3 *db, const char *key, const char *value, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  if (sqlite3_prepare_v2 (db, value != NULL
                          ? "INSERT OR REPLACE INTO daemon_data (key, value) VALUES (?,?)"
                          : "DELETE FROM daemon_data WHERE key = ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    return barged_store_sql_error (db, error);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  return ok ? TRUE : barged_store_sql_error (db, error);
}

static gboolean
apply_op (sqlite3 *db, StoreOp *op, GError **error)
{
  switch (op->kind)
    {
    case STORE_OP_PUT_JOB:
      return put_job_locked (db, op->job, op->files, op->data, error);
    case STORE_OP_PUT_FILE:
      return put_file_locked (db, op->file, error);
    case STORE_OP_DELETE_JOB:
      return delete_job_locked (db, op->job_id, error);
    case STORE_OP_PUT_DATA:
      return put_data_locked (db, op->job_id, op->key, op->value, error);
    case STORE_OP_PUT_DAEMON_DATA:
      return put_daemon_data_locked (db, op->key, op->value, error);
    default:
      g_assert_not_reached ();
    }
}

/* Applies @op in the open transaction, in a savepoint of its own: when it
 * fails (op->error), only its own statements are undone. FALSE, with
 * @error, when the transaction itself is lost. */
static gboolean
apply_in_savepoint (sqlite3 *db, StoreOp *op, GError **error)
{
  if (!barged_store_sql_exec (db, "SAVEPOINT op", error))
    return FALSE;
  if (apply_op (db, op, &op->error))
    return barged_store_sql_exec (db, "RELEASE op", error);
  g_warning ("%s", op->error->message);
  /* On a full disk, an I/O error or out of memory SQLite may roll back the
   * whole transaction: the writes before this one are gone too. */
  if (sqlite3_get_autocommit (db))
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_FAILED, "job database: transaction rolled back: %s",
                   op->error->message);
      return FALSE;
    }
  return barged_store_sql_exec (db, "ROLLBACK TO op; RELEASE op", error);
}

/* Writes the @n @ops in one transaction, in order, and returns how many
 * it settled (op->error set on those that failed): all of them, unless the
 * transaction was lost under one, which settles it and those before it
 * (their writes went with the transaction); the rest are for the next one. */
/* Marks the PUT_FILE ops of @ops that a later PUT_FILE of the same file
 * overwrites anyway (a record is the whole row): a file that runs writes
 * its record when its temporary opens, at its last sync and when it is
 * transferred, often within one transaction. */
static gboolean *
find_superseded (StoreOp **ops, guint n)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean *superseded = g_new0 (gboolean, n);

  for (guint i = n; i-- > 0;)
    {
      char *key;

      if (ops[i]->kind != STORE_OP_PUT_FILE)
        continue;
      key = g_strdup_printf ("%s/%u", ops[i]->file->job_id, ops[i]->file->idx);
      if (g_hash_table_contains (seen, key))
        {
          superseded[i] = TRUE;
          g_free (key);
        }
      else
        g_hash_table_add (seen, key);
    }
  return superseded;
}

/* Every write of a batch, in order, without savepoints: the common case,
 * and each SAVEPOINT and RELEASE would cost a parse. FALSE at the first
 * failure (the caller rolls back and goes again with savepoints). */
static gboolean
apply_all (sqlite3 *db, StoreOp **ops, guint n, const gboolean *superseded)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!superseded[i] && !apply_op (db, ops[i], &error))
        return FALSE;
    }
  return TRUE;
}

static guint
commit_ops (BargedStore *self, StoreOp **ops, guint n)
{
  g_autoptr(GError) error = NULL;
  g_autofree gboolean *superseded = find_superseded (ops, n);
  gboolean ok = TRUE;
  guint settled;

  if (!barged_store_sql_exec (self->db, "BEGIN IMMEDIATE", &error))
    settled = n;
  else if (apply_all (self->db, ops, n, superseded) && barged_store_sql_exec (self->db, "COMMIT", NULL))
    {
      g_atomic_int_inc (&self->n_commits);
      settled = n;
    }
  else if ((sqlite3_get_autocommit (self->db) || barged_store_sql_exec (self->db, "ROLLBACK", &error)) &&
           !barged_store_sql_exec (self->db, "BEGIN IMMEDIATE", &error))
    settled = n;
  else
    {
      /* A write failed (rare): the batch again, each write in a savepoint
       * of its own, so that it fails alone. */
      for (settled = 0; ok && settled < n; settled++)
        if (!superseded[settled])
          ok = apply_in_savepoint (self->db, ops[settled], &error);
      ok = ok && barged_store_sql_exec (self->db, "COMMIT", &error);
      if (ok)
        g_atomic_int_inc (&self->n_commits);
      else if (!sqlite3_get_autocommit (self->db))
        barged_store_sql_exec (self->db, "ROLLBACK", NULL);
    }
  if (error != NULL)
    {
      /* None of the settled writes is in the database: each gets the
       * transaction's error, unless it has one of its own. */
      g_warning ("%s", error->message);
      for (guint i = 0; i < settled; i++)
        if (ops[i]->error == NULL)
          ops[i]->error = g_error_copy (error);
    }
  return settled;
}

/* Hands the outcome of each of @n @ops to its task, in push order, and
 * frees them. */
static void
return_ops (StoreOp **ops, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      StoreOp *op = ops[i];

      if (op->task != NULL)
        {
          BARGE_TSAN_RELEASE (op->task); /* acquired by barged_store_write_finish */
          if (op->error == NULL)
            g_task_return_boolean (op->task, TRUE);
          else
            g_task_return_error (op->task, g_steal_pointer (&op->error));
        }
      store_op_free (op);
    }
}

/* Rewrites the database (VACUUM) and empties its WAL: the bytes of a
 * deleted or overwritten value leave both files. VACUUM copies the whole
 * database, so this is for rare events (barged_store_scrub()). A failure
 * leaves the database as it was: it is logged, and the old bytes stay
 * until SQLite reuses their pages. */
static void
scrub (BargedStore *self, StoreOp *op)
{
  int wal_frames = 0, copied = 0;

  if (barged_store_sql_exec (self->db, "VACUUM", &op->error) &&
      sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &wal_frames, &copied) != SQLITE_OK)
    barged_store_sql_error (self->db, &op->error);
  if (op->error != NULL)
    g_warning ("Could not rewrite the job database without its old values: %s", op->error->message);
}

/* One run: takes what waits in the queue, STORE_BATCH_MAX at a time, until
 * it finds the queue empty; store_push schedules the next run after that. */
static void
store_worker (gpointer data, gpointer user_data)
{
  BargedStore *self = user_data;
  g_autoptr(GPtrArray) batch = g_ptr_array_sized_new (STORE_BATCH_MAX);

  BARGE_TSAN_ACQUIRE (self); /* released by store_push */
  for (;;)
    {
      StoreOp **ops;

      /* The ops themselves come through the queue under the lock, which is
       * their hand-off (and TSan's, see barge-tsan.h). */
      g_mutex_lock (&self->lock);
      while (batch->len < STORE_BATCH_MAX && !g_queue_is_empty (&self->queue))
        {
          StoreOp *next = g_queue_peek_head (&self->queue);

          if (next->kind == STORE_OP_SCRUB && batch->len > 0)
            break;
          g_ptr_array_add (batch, g_queue_pop_head (&self->queue));
          if (next->kind == STORE_OP_SCRUB)
            break;
        }
      if (batch->len == 0)
        {
          self->scheduled = FALSE;
          g_mutex_unlock (&self->lock);
          return;
        }
      g_mutex_unlock (&self->lock);

      ops = (StoreOp **) batch->pdata;
      if (self->test_delay_us > 0)
        g_usleep (self->test_delay_us);
      if (ops[0]->kind == STORE_OP_SCRUB)
        {
          scrub (self, ops[0]);
          return_ops (ops, 1);
        }
      else
        for (guint done = 0; done < batch->len;)
          {
            guint n = commit_ops (self, ops + done, batch->len - done);

            return_ops (ops + done, n);
            done += n;
          }

      g_mutex_lock (&self->lock);
      self->pending -= batch->len;
      if (self->pending == 0)
        g_cond_broadcast (&self->idle);
      g_mutex_unlock (&self->lock);
      g_ptr_array_set_size (batch, 0);
    }
}

static void
push_run (BargedStore *self)
{
  BARGE_TSAN_RELEASE (self);
  g_thread_pool_push (self->pool, self, NULL);
}

static gboolean
on_kick (gpointer user_data)
{
  BargedStore *self = user_data;
  gboolean held;

  self->kick_source = 0;
  /* Held since: barged_store_hold (FALSE) pushes the run. */
  g_mutex_lock (&self->lock);
  held = self->held;
  self->scheduled = !held;
  g_mutex_unlock (&self->lock);
  if (!held)
    push_run (self);
  return G_SOURCE_REMOVE;
}

/* The run asked for and not pushed yet goes now, held or not: before a
 * wait for the queue, or the end (whose writes make a restart exact). */
static void
kick_now (BargedStore *self)
{
  if (self->kick_source == 0)
    return;
  g_clear_handle_id (&self->kick_source, g_source_remove);
  push_run (self);
}

static void
store_push (BargedStore *self, StoreOp *op, GAsyncReadyCallback callback, gpointer user_data)
{
  gboolean schedule;

  if (callback != NULL)
    {
      op->task = g_task_new (self, NULL, callback, user_data);
      g_task_set_source_tag (op->task, store_push);
    }
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->queue, op);
  self->pending++;
  self->n_writes++;
  schedule = !self->scheduled && !self->held;
  self->scheduled = self->scheduled || schedule;
  g_mutex_unlock (&self->lock);
  /* A run that is under way takes @op itself; one pushed run at a time keeps
   * the ops in order even if the pool had more threads. A new run is
   * pushed after the current dispatch of the main loop, at the default
   * priority: what else that dispatch writes joins it. */
  if (schedule)
    {
      g_assert (self->kick_source == 0);
      self->kick_source = g_idle_add_full (G_PRIORITY_DEFAULT, on_kick, self, NULL);
    }
}

void
barged_store_hold (BargedStore *self, gboolean held)
{
  gboolean schedule;

  g_mutex_lock (&self->lock);
  self->held = held;
  schedule = !held && !self->scheduled && !g_queue_is_empty (&self->queue);
  self->scheduled = self->scheduled || schedule;
  g_mutex_unlock (&self->lock);
  if (schedule)
    push_run (self);
}

void
barged_store_put_job (BargedStore *self, BargedJobRecord *job, GPtrArray *files,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  barged_store_put_job_with_data (self, job, files, NULL, callback, user_data);
}

void
barged_store_put_job_with_data (BargedStore *self, BargedJobRecord *job, GPtrArray *files, GHashTable *data,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  StoreOp *op = g_new0 (StoreOp, 1);

  op->kind = STORE_OP_PUT_JOB;
  op->job = job;
  op->files = files;
  op->data = data;
  store_push (self, op, callback, user_data);
}

void
barged_store_put_file (BargedStore *self, BargedFileRecord *file,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  StoreOp *op = g_new0 (StoreOp, 1);

  op->kind = STORE_OP_PUT_FILE;
  op->file = file;
  store_push (self, op, callback, user_data);
}

void
barged_store_delete_job (BargedStore *self, const char *job_id,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  StoreOp *op = g_new0 (StoreOp, 1);

  op->kind = STORE_OP_DELETE_JOB;
  op->job_id = g_strdup (job_id);
  store_push (self, op, callback, user_data);
}

void
barged_store_put_data (BargedStore *self, const char *job_id, const char *key, const char *value,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  StoreOp *op = g_new0 (StoreOp, 1);

  op->kind = STORE_OP_PUT_DATA;
  op->job_id = g_strdup (job_id);
  op->key = g_strdup (key);
  op->value = g_strdup (value);
  store_push (self, op, callback, user_data);
}

char *
barged_store_load_data (BargedStore *self, const char *job_id, const char *key)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (self->db, "SELECT value FROM job_data WHERE job_id = ? AND key = ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, job_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = column_dup (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

void
barged_store_put_daemon_data (BargedStore *self, const char *key, const char *value,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  StoreOp *op = g_new0 (StoreOp, 1);

  op->kind = STORE_OP_PUT_DAEMON_DATA;
  op->key = g_strdup (key);
  op->value = g_strdup (value);
  store_push (self, op, callback, user_data);
}

char *
barged_store_load_daemon_data (BargedStore *self, const char *key)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (self->db, "SELECT value FROM daemon_data WHERE key = ?", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = column_dup (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

gboolean
barged_store_write_finish (BargedStore *self, GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, self), FALSE);
  BARGE_TSAN_ACQUIRE (res);
  return g_task_propagate_boolean (G_TASK (res), error);
}

guint
barged_store_get_n_commits (BargedStore *self)
{
  return (guint) g_atomic_int_get (&self->n_commits);
}

guint
barged_store_get_n_writes (BargedStore *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->n_writes;
  g_mutex_unlock (&self->lock);
  return n;
}

void
barged_store_scrub (BargedStore *self, GAsyncReadyCallback callback, gpointer user_data)
{
  StoreOp *op = g_new0 (StoreOp, 1);

  op->kind = STORE_OP_SCRUB;
  store_push (self, op, callback, user_data);
}

void
barged_store_flush (BargedStore *self)
{
  kick_now (self);
  g_mutex_lock (&self->lock);
  while (self->pending > 0)
    g_cond_wait (&self->idle, &self->lock);
  g_mutex_unlock (&self->lock);
}

/* Every string of a record ends up in a D-Bus property or a GVariant,
 * which must be valid UTF-8; SQLite keeps whatever bytes a damaged or
 * hand-edited file holds (or a BLOB in a TEXT column). Text barged wrote
 * comes back unchanged. */
static char *
column_dup (sqlite3_stmt *stmt, int col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);

  if (text == NULL)
    return NULL;
  return g_utf8_validate (text, -1, NULL) ? g_strdup (text) : g_utf8_make_valid (text, -1);
}

/* Why column @col of the row cannot name a job, or NULL when it can: it
 * must be TEXT, valid UTF-8 without NUL, and not in @seen (if given). The
 * key columns are TEXT PRIMARY KEYs, which SQLite lets hold NULL (any
 * number of them) and BLOBs (distinct from the same bytes as TEXT), and a
 * hand-edited database may have lost its keys altogether: a NULL id
 * crashed start-up in g_str_hash, and a BLOB, a text cut at a NUL or a
 * repeat made a second job of one id. barged writes TEXT ids, once each. */
static const char *
key_problem (sqlite3_stmt *stmt, int col, GHashTable *seen)
{
  const char *text;

  switch (sqlite3_column_type (stmt, col))
    {
    case SQLITE_TEXT:
      break;
    case SQLITE_NULL:
      return "NULL";
    case SQLITE_BLOB:
      return "a BLOB";
    default:
      return "a number";
    }
  text = (const char *) sqlite3_column_text (stmt, col);
  if (text == NULL || (gsize) sqlite3_column_bytes (stmt, col) != strlen (text))
    return "text with a NUL";
  if (!g_utf8_validate (text, -1, NULL))
    return "text that is not UTF-8";
  if (seen != NULL && g_hash_table_contains (seen, text))
    return "the id of an earlier row";
  return NULL;
}

static gboolean
load_lifecycle (sqlite3 *db, GPtrArray *jobs, GError **error)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) done = g_hash_table_new (NULL, NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  for (guint i = 0; i < jobs->len; i++)
    {
      BargedJobRecord *j = g_ptr_array_index (jobs, i);
      g_hash_table_insert (by_id, j->id, j);
    }
  if (sqlite3_prepare_v2 (db,
                          "SELECT job_id, maximum_download_time, download_time_used, retry_at,"
                          " http_status, notify_flags, notify_command_line FROM job_lifecycle",
                          -1, &stmt, NULL) != SQLITE_OK)
    return barged_store_sql_error (db, error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *problem = key_problem (stmt, 0, NULL);
      BargedJobRecord *j;

      if (problem != NULL)
        {
          g_warning ("job database: a job_lifecycle row whose job id is %s is left out", problem);
          continue;
        }
      /* A row of no job (its job row was left out) is ignored. */
      j = g_hash_table_lookup (by_id, sqlite3_column_text (stmt, 0));
      if (j == NULL)
        continue;
      /* Only the first row of a job: a second one leaked the first one's
       * texts. */
      if (!g_hash_table_add (done, j))
        {
          g_warning ("job database: a second job_lifecycle row of job %s is left out", j->id);
          continue;
        }
      j->maximum_download_time = (guint) sqlite3_column_int64 (stmt, 1);
      j->download_time_used = sqlite3_column_int64 (stmt, 2);
      j->retry_at = sqlite3_column_int64 (stmt, 3);
      j->http_status = (guint) sqlite3_column_int64 (stmt, 4);
      j->notify_flags = column_dup (stmt, 5);
      j->notify_command_line = column_dup (stmt, 6);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : barged_store_sql_error (db, error);
}

typedef struct {
  gint64 rowid;
  guint idx;
} Renumbered;

/* @renumbered: Renumbered, in the order of the rows; each
 * new index is below the old one and free (rows come ordered by index);
 * G_MAXUINT: a repeat of the row before, deleted.
 * The records already have them; when the database cannot (a full disk),
 * it says so, and the next start numbers them again. */
static void
renumber_files (sqlite3 *db, GArray *renumbered)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  ok = barged_store_sql_exec (db, "BEGIN IMMEDIATE", &error);
  for (guint i = 0; ok && i < renumbered->len; i++)
    {
      const Renumbered *r = &g_array_index (renumbered, Renumbered, i);

      if (sqlite3_prepare_v2 (db, r->idx == G_MAXUINT ? "DELETE FROM files WHERE rowid = ?1"
                                                       : "UPDATE files SET idx = ?2 WHERE rowid = ?1",
                              -1, &stmt, NULL) != SQLITE_OK)
        {
          ok = barged_store_sql_error (db, &error);
          break;
        }
      sqlite3_bind_int64 (stmt, 1, r->rowid);
      if (r->idx != G_MAXUINT)
        sqlite3_bind_int64 (stmt, 2, r->idx);
      ok = sqlite3_step (stmt) == SQLITE_DONE || barged_store_sql_error (db, &error);
      sqlite3_finalize (stmt);
    }
  if (ok)
    ok = barged_store_sql_exec (db, "COMMIT", &error);
  if (!ok)
    {
      g_warning ("the renumbered files are not stored: %s", error->message);
      (void) barged_store_sql_exec (db, "ROLLBACK", NULL);
    }
}

gboolean
barged_store_load (BargedStore *self, GPtrArray **jobs_out, GPtrArray **files_out, GError **error)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) barged_job_record_free);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) barged_file_record_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) renumbered = g_array_new (FALSE, FALSE, sizeof (Renumbered));
  sqlite3_int64 prev_stored_idx = -1;   /* the index the last file kept had in its row */
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT id, owner, type, state, display_name, description, priority,"
                          " created, modified, completed, error_count, error_context, error_name,"
                          " error_message, error_file, minimum_retry_delay, no_progress_timeout,"
                          " notification_interval, first_transient_error FROM jobs ORDER BY created, id",
                          -1, &stmt, NULL) != SQLITE_OK)
    return barged_store_sql_error (self->db, error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *problem = key_problem (stmt, 0, seen);
      BargedJobRecord *j;

      /* The first row of an id counts (see key_problem). */
      if (problem != NULL)
        {
          g_warning ("job database: a jobs row whose id is %s is left out", problem);
          continue;
        }
      /* Cast, 2^32 would be root: the files of the job are opened as its
       * owner. */
      if (sqlite3_column_type (stmt, 1) != SQLITE_INTEGER || sqlite3_column_int64 (stmt, 1) < 0 ||
          sqlite3_column_int64 (stmt, 1) > G_MAXUINT32)
        {
          g_warning ("job database: job %s, whose owner is not a user id, is left out",
                     (const char *) sqlite3_column_text (stmt, 0));
          continue;
        }
      j = g_new0 (BargedJobRecord, 1);
      j->id = column_dup (stmt, 0);
      g_hash_table_add (seen, j->id);
      j->owner = (guint32) sqlite3_column_int64 (stmt, 1);
      j->type = column_dup (stmt, 2);
      j->state = column_dup (stmt, 3);
      j->display_name = column_dup (stmt, 4);
      j->description = column_dup (stmt, 5);
      j->priority = column_dup (stmt, 6);
      j->created = sqlite3_column_int64 (stmt, 7);
      j->modified = sqlite3_column_int64 (stmt, 8);
      j->completed = sqlite3_column_int64 (stmt, 9);
      j->error_count = (guint) sqlite3_column_int64 (stmt, 10);
      j->error_context = column_dup (stmt, 11);
      j->error_name = column_dup (stmt, 12);
      j->error_message = column_dup (stmt, 13);
      j->error_file = sqlite3_column_int (stmt, 14);
      j->minimum_retry_delay = (guint) sqlite3_column_int64 (stmt, 15);
      j->no_progress_timeout = (guint) sqlite3_column_int64 (stmt, 16);
      j->notification_interval = (guint) sqlite3_column_int64 (stmt, 17);
      j->first_transient_error = sqlite3_column_int64 (stmt, 18);
      barged_job_record_init_lifecycle (j);
      g_ptr_array_add (jobs, j);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return barged_store_sql_error (self->db, error);
  if (!load_lifecycle (self->db, jobs, error) ||
      !load_cost_policies (self->db, jobs, error) ||
      !load_settings (self->db, jobs, error))
    return FALSE;

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT job_id, idx, remote_url, local_path, temporary_path, bytes_total,"
                          " bytes_durable, transferred, completed, etag, last_modified,"
                          " temporary_device, temporary_inode, temporary_uid, folder_device, folder_inode, ranges, checks,"
                          " rowid FROM files ORDER BY job_id, idx",
                          -1, &stmt, NULL) != SQLITE_OK)
    return barged_store_sql_error (self->db, error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      /* Types first: sqlite3_column_type() is undefined after a conversion. */
      gboolean integer_index = sqlite3_column_type (stmt, 1) == SQLITE_INTEGER;
      const char *problem = key_problem (stmt, 0, NULL);
      const char *job_id = (const char *) sqlite3_column_text (stmt, 0);
      sqlite3_int64 idx = sqlite3_column_int64 (stmt, 1);
      BargedFileRecord *f, *prev;
      guint next_idx;

      /* One file per job and index, as the primary key means it: a usable
       * job id (see key_problem) and an INTEGER index in 0..G_MAXINT (1.5
       * and 1 both read as 1, "x" as 0). */
      if (problem != NULL)
        {
          g_warning ("job database: a files row whose job id is %s is left out", problem);
          continue;
        }
      if (!integer_index || idx < 0 || idx > G_MAXINT)
        {
          g_warning ("job database: a files row of job %s whose index is not a whole number from 0 to %d "
                     "is left out", job_id, G_MAXINT);
          continue;
        }
      /* Rows come ordered by job id and index, so a repeat follows the
       * row it repeats. */
      prev = files->len > 0 ? files->pdata[files->len - 1] : NULL;
      if (prev != NULL && prev_stored_idx == idx && g_str_equal (prev->job_id, job_id))
        {
          g_warning ("job database: a second files row for file %" G_GINT64_FORMAT " of job %s is left out",
                     (gint64) idx, job_id);
          /* Renumbering the first would make it a file of its own. */
          g_array_append_val (renumbered, ((Renumbered) { sqlite3_column_int64 (stmt, 18), G_MAXUINT }));
          continue;
        }
      /* A job's files are numbered from 0 without a gap (their D-Bus
       * paths, and the engine, count on it); a gap (a row left out above
       * or deleted by hand) closes, here and in the database. */
      next_idx = prev != NULL && g_str_equal (prev->job_id, job_id) ? prev->idx + 1 : 0;
      if ((guint) idx != next_idx)
        {
          g_warning ("job database: file %" G_GINT64_FORMAT " of job %s is the job's file %u: renumbered",
                     (gint64) idx, job_id, next_idx);
          g_array_append_val (renumbered, ((Renumbered) { sqlite3_column_int64 (stmt, 18), next_idx }));
        }
      prev_stored_idx = idx;
      idx = next_idx;
      f = g_new0 (BargedFileRecord, 1);
      f->job_id = column_dup (stmt, 0);
      f->idx = (guint) idx;
      f->remote_url = column_dup (stmt, 2);
      f->local_path = column_dup (stmt, 3);
      f->temporary_path = column_dup (stmt, 4);
      f->bytes_total = (guint64) sqlite3_column_int64 (stmt, 5);
      f->bytes_durable = (guint64) sqlite3_column_int64 (stmt, 6);
      f->transferred = sqlite3_column_int (stmt, 7) != 0;
      f->completed = sqlite3_column_int (stmt, 8) != 0;
      f->etag = column_dup (stmt, 9);
      f->last_modified = column_dup (stmt, 10);
      f->temporary_id.device = (guint64) sqlite3_column_int64 (stmt, 11);
      f->temporary_id.inode = (guint64) sqlite3_column_int64 (stmt, 12);
      f->temporary_id.uid = (guint32) sqlite3_column_int64 (stmt, 13);
      f->folder_id.device = (guint64) sqlite3_column_int64 (stmt, 14);
      f->folder_id.inode = (guint64) sqlite3_column_int64 (stmt, 15);
      f->ranges = column_dup (stmt, 16);
      f->checks = column_dup (stmt, 17);
      g_ptr_array_add (files, f);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return barged_store_sql_error (self->db, error);
  for (guint i = 0; i < renumbered->len; i++)
    if (g_array_index (renumbered, Renumbered, i).idx != G_MAXUINT)
      {
        renumber_files (self->db, renumbered);
        break;
      }

  *jobs_out = g_steal_pointer (&jobs);
  *files_out = g_steal_pointer (&files);
  return TRUE;
}

BargedStore *
barged_store_new (const char *path, GError **error)
{
  g_autoptr(BargedStore) self = g_object_new (BARGED_TYPE_STORE, NULL);

  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_FAILED, "cannot open job database %s: %s",
                   path, self->db != NULL ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  /* The version is checked before anything that may write: even
   * journal_mode=WAL does, on a database that is not in WAL mode yet.
   * temp_store=MEMORY: SQLite's temporary files (a VACUUM's copy, large
   * sorts) would go to /var/tmp, which barged shares with every user (no
   * PrivateTmp=, so that downloads land in the /tmp users see). SQLite
   * makes them 0644 and unlinks them at once, but a user who opens one
   * in that moment reads all that goes into it. */
  if (!barged_store_schema_check (self->db, path, error) ||
      !barged_store_sql_exec (self->db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY;",
                 error) ||
      !barged_store_schema_migrate (self->db, path, error))
    return NULL;

  /* A test hook: every commit waits this long first, as on a slow disk, so
   * that tests can show what is answered only once it is stored. */
  if (g_getenv ("BARGED_TEST_STORE_DELAY_MS") != NULL)
    self->test_delay_us = (gulong) MIN (g_ascii_strtoull (g_getenv ("BARGED_TEST_STORE_DELAY_MS"), NULL, 10), 10000) *
                          1000;
  self->pool = g_thread_pool_new (store_worker, self, 1, FALSE, error);
  if (self->pool == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

static void
barged_store_finalize (GObject *object)
{
  BargedStore *self = BARGED_STORE (object);

  /* Finish queued writes: they are what makes a restart exact. */
  kick_now (self);
  if (self->pool != NULL)
    g_thread_pool_free (self->pool, FALSE, TRUE);
  if (self->db != NULL)
    {
      sqlite3_stmt *stmt;

      while ((stmt = sqlite3_next_stmt (self->db, NULL)) != NULL)
        sqlite3_finalize (stmt);
      sqlite3_close (self->db);
    }
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->idle);
  G_OBJECT_CLASS (barged_store_parent_class)->finalize (object);
}

static void
barged_store_init (BargedStore *self)
{
  g_mutex_init (&self->lock);
  g_queue_init (&self->queue);
  g_cond_init (&self->idle);
}

static void
barged_store_class_init (BargedStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = barged_store_finalize;
}
