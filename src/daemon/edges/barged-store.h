/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "barged-file-access.h"

G_BEGIN_DECLS

/* Plain snapshots of a job and a file, copied on the main thread and handed
 * to the store's worker thread, so the two threads never share live objects. */
typedef struct {
  char *id;
  guint32 owner;
  char *type;
  char *state;
  char *display_name;
  char *description;
  char *priority;
  gint64 created;
  gint64 modified;
  gint64 completed;
  guint error_count;
  char *error_context;
  char *error_name;
  char *error_message;
  gint error_file;            /* index of the file, or -1 */
  guint minimum_retry_delay;
  guint no_progress_timeout;
  guint notification_interval;
  gint64 first_transient_error; /* monotonic-free: wall clock µs, 0 = none */
  /* The job's lifecycle settings (table job_lifecycle, added after the first
   * release; a job without a row there gets these defaults on load). */
  guint maximum_download_time;   /* s, 0 = no limit */
  gint64 download_time_used;     /* µs spent connecting or transferring */
  gint64 retry_at;               /* wall clock µs of the next retry, 0 = none */
  guint http_status;             /* of the current error, 0 = none */
  char *notify_flags;            /* GVariant text of the "as", NULL = default */
  char *notify_command_line;     /* GVariant text of the "(sas)", NULL = none */
  char *cost_policy;          /* "any" or "unmetered" (column added by a migration) */
  char *settings;             /* the job data under BARGED_STORE_SETTINGS_KEY, NULL = none; read-only:
                               * written through barged_store_put_job_with_data()'s @data */
} BargedJobRecord;

/* The job data key of the settings of later features (a GVariant text
 * dictionary), loaded with the job's record. */
#define BARGED_STORE_SETTINGS_KEY "settings"

/* The defaults of the lifecycle fields above, for a record of an old database. */
void barged_job_record_init_lifecycle (BargedJobRecord *record);

typedef struct {
  char *job_id;
  guint idx;
  char *remote_url;
  char *local_path;
  char *temporary_path;
  guint64 bytes_total;        /* G_MAXUINT64 while unknown */
  guint64 bytes_durable;      /* on disk, fdatasync'ed */
  gboolean transferred;
  gboolean completed;         /* renamed to local_path */
  char *etag;
  char *last_modified;
  BargedFileId temporary_id;  /* the temporary file barged created; unset: none yet */
  BargedFileId folder_id;     /* the destination's folder at AddFile; unset: not known */
  char *ranges;               /* durable ranges beyond bytes_durable of a segmented file, "a-b,c-d"
                               * (ends exclusive); NULL: none */
  char *checks;               /* GVariant text of an a{sv}: "sha256"/"sha512" (s), "size" (t),
                               * "verified" (b); NULL: no checks */
} BargedFileRecord;

void barged_job_record_free (BargedJobRecord *record);
void barged_file_record_free (BargedFileRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargedJobRecord, barged_job_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargedFileRecord, barged_file_record_free)

#define BARGED_TYPE_STORE (barged_store_get_type ())
G_DECLARE_FINAL_TYPE (BargedStore, barged_store, BARGED, STORE, GObject)

BargedStore *barged_store_new (const char *path, GError **error);

/* Start-up only, before the main loop runs: returns BargedJobRecord* in
 * creation order, and the files of each job in *files (BargedFileRecord*,
 * ordered by job then index). */
gboolean barged_store_load (BargedStore *self,
                            GPtrArray **jobs,
                            GPtrArray **files,
                            GError **error);

/* Every write runs on the store's single worker thread, in the order it was
 * queued. The callback (may be NULL) runs on the caller's main context once
 * the write is committed, after those of every earlier write. The store
 * takes ownership of the records. */
void barged_store_put_job (BargedStore *self,
                           BargedJobRecord *job,
                           GPtrArray *files,
                           GAsyncReadyCallback callback,
                           gpointer user_data);
/* The same, and in the same transaction the job's text values of @data
 * (key -> value, as barged_store_put_data(): a NULL value removes the key;
 * keys not in @data are left as they are; @data may be NULL): the job row,
 * its files and these values are committed together or not at all, so a
 * crash never leaves a job without, say, its upload state. Takes ownership
 * of @data too. */
void barged_store_put_job_with_data (BargedStore *self,
                                     BargedJobRecord *job,
                                     GPtrArray *files,
                                     GHashTable *data,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
void barged_store_put_file (BargedStore *self,
                            BargedFileRecord *file,
                            GAsyncReadyCallback callback,
                            gpointer user_data);
void barged_store_delete_job (BargedStore *self,
                              const char *job_id,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
/* A text value kept for a job under @key (NULL @value removes it); deleted
 * with the job. For state of features that do not warrant columns. */
void barged_store_put_data (BargedStore *self,
                            const char *job_id,
                            const char *key,
                            const char *value,
                            GAsyncReadyCallback callback,
                            gpointer user_data);
/* Start-up only, like barged_store_load(): the value or NULL. */
char *barged_store_load_data (BargedStore *self, const char *job_id, const char *key);
/* A text value of the whole daemon, not of a job (NULL @value removes it),
 * and its reading at start-up. */
void barged_store_put_daemon_data (BargedStore *self, const char *key, const char *value,
                                   GAsyncReadyCallback callback, gpointer user_data);
char *barged_store_load_daemon_data (BargedStore *self, const char *key);
gboolean barged_store_write_finish (BargedStore *self,
                                    GAsyncResult *res,
                                    GError **error);

/* Once the writes pushed before it are committed, rewrites the database
 * and empties its WAL, so that what they overwrote or deleted is gone
 * from both files rather than left in free pages until they are reused.
 * It copies the whole database: for a secret dropped from a record, not
 * for every write. Finish with barged_store_write_finish(). */
void barged_store_scrub (BargedStore *self, GAsyncReadyCallback callback, gpointer user_data);
/* Blocks until every queued write is committed; for shutdown and tests. */
void barged_store_flush (BargedStore *self);
/* How many transactions the store committed so far: writes queued back to
 * back share one (group commit). For tests and measurements only. */
guint barged_store_get_n_commits (BargedStore *self);
/* How many writes were pushed so far (each put, delete or data write,
 * whatever became of it). For tests only. */
guint barged_store_get_n_writes (BargedStore *self);
/* For tests: while held, the worker does not start (a run under way
 * finishes what it finds); the writes pushed meanwhile wait, and go in one
 * transaction when released. barged_store_flush() must not be called
 * while held with writes waiting. */
void barged_store_hold (BargedStore *self, gboolean held);

G_END_DECLS
