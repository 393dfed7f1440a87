/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedSyncer"

#include "config.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "barge.h"
#include "barged-errors.h"
#include "barged-file-access.h"
#include "barged-syncer.h"
#include "barge-tsan.h"

/* A batch larger than this is split: its files' callbacks should not wait
 * for an unbounded number of others. */
#define MAX_BATCH 1024

/* A batch starts once this many files wait, or once the first of them has
 * waited WINDOW_US. Started as soon as the one before ended, batches of
 * small files held three files on average (10,000 x 16 KiB from 127.0.0.1),
 * each batch a syncfs, a worker hop and a commit of the store. A file
 * waiting gives its connection back (the job's MAX_FLUSHING), so the wait
 * costs the job no throughput; a lone file is durable 2 ms later. */
#define BATCH_AT_ONCE 64
#define WINDOW_US 2000

typedef struct {
  int fd;
  gint64 queued;              /* monotonic µs */
  const guint8 *data;
  gsize len;
  guint64 pos;
  guint32 owner;
  char *path;
  GTask *task;
  int errsv;                  /* of the sync, set on the worker */
  GError *error;              /* of the check, set on the worker */
} Entry;

struct _BargedSyncer
{
  GObject parent_instance;
  GQueue waiting;             /* Entry: for the next batch of its owner */
  GHashTable *syncing;        /* owner uid -> itself: that owner's batch is on a worker */
  gboolean held;              /* barged_syncer_hold(): no batch starts */
  guint window_source;        /* starts the batch when the first file waited WINDOW_US */
  guint n_in_batch;           /* files of the batch on the worker */
  guint64 n_batches;
  guint64 n_files;
};

G_DEFINE_TYPE (BargedSyncer, barged_syncer, G_TYPE_OBJECT)

static void start_batch (BargedSyncer *self);
static void start_batch_now (BargedSyncer *self);

static void
entry_free (Entry *entry)
{
  barged_file_access_close (entry->owner, entry->fd);
  g_free (entry->path);
  g_clear_error (&entry->error);
  g_clear_object (&entry->task);
  g_free (entry);
}

static void
batch_free (GPtrArray *batch)
{
  BARGE_TSAN_ACQUIRE (batch); /* the task's last reference may go on the worker */
  g_ptr_array_unref (batch);
}

/* Blocking, on the worker: one fdatasync for a lone file, else one syncfs
 * per filesystem the files are on. */
static void
batch_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  BARGE_TSAN_TASK_THREAD (task);
  GPtrArray *batch = task_data;
  g_autoptr(GArray) devices = g_array_new (FALSE, FALSE, sizeof (dev_t));
  g_autoptr(GArray) results = g_array_new (FALSE, FALSE, sizeof (int));

  for (guint i = 0; i < batch->len; i++)
    {
      Entry *entry = g_ptr_array_index (batch, i);

      if (entry->len > 0)
        entry->errsv = barged_pwrite_all (entry->fd, entry->data, entry->len, entry->pos);
    }
  if (batch->len == 1)
    {
      Entry *entry = g_ptr_array_index (batch, 0);

      if (entry->errsv == 0 && fdatasync (entry->fd) != 0)
        entry->errsv = errno;
    }
  else
    for (guint i = 0; i < batch->len; i++)
      {
        Entry *entry = g_ptr_array_index (batch, i);
        struct stat st;
        guint d;

        if (entry->errsv != 0)
          continue;
        if (fstat (entry->fd, &st) != 0)
          {
            entry->errsv = errno;
            continue;
          }
        for (d = 0; d < devices->len && g_array_index (devices, dev_t, d) != st.st_dev; d++)
          ;
        if (d == devices->len)
          {
            int errsv = syncfs (entry->fd) == 0 ? 0 : errno;

            g_array_append_val (devices, st.st_dev);
            g_array_append_val (results, errsv);
          }
        entry->errsv = g_array_index (results, int, d);
      }

  for (guint i = 0; i < batch->len; i++)
    {
      Entry *entry = g_ptr_array_index (batch, i);

      if (entry->errsv == 0)
        barged_file_access_check_temporary (entry->owner, entry->path, entry->fd, &entry->error);
      close (entry->fd);
      entry->fd = -1;
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_batch_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  BARGE_TSAN_TASK_CALLBACK (res);
  BargedSyncer *self = BARGED_SYNCER (source);
  GPtrArray *batch = g_task_get_task_data (G_TASK (res));

  g_hash_table_remove (self->syncing, GUINT_TO_POINTER (((Entry *) g_ptr_array_index (batch, 0))->owner));
  self->n_in_batch -= batch->len;
  self->n_batches++;
  self->n_files += batch->len;
  for (guint i = 0; i < batch->len; i++)
    {
      Entry *entry = g_ptr_array_index (batch, i);
      g_autoptr(GTask) task = g_steal_pointer (&entry->task);

      if (entry->errsv != 0)
        g_task_return_error (task, barged_error_new_for_write_errno (entry->errsv));
      else if (entry->error != NULL)
        g_task_return_error (task, g_steal_pointer (&entry->error));
      else
        g_task_return_boolean (task, TRUE);
    }
  start_batch (self);
}

static gboolean
on_window (gpointer user_data)
{
  BargedSyncer *self = user_data;

  self->window_source = 0;
  start_batch_now (self);
  return G_SOURCE_REMOVE;
}

/* The first waiting file of an owner without a batch on a worker, or
 * NULL; in *@ready how many such files wait. */
static Entry *
first_ready (BargedSyncer *self, guint *ready)
{
  Entry *first = NULL;

  *ready = 0;
  for (GList *l = self->waiting.head; l != NULL; l = l->next)
    {
      Entry *entry = l->data;

      if (g_hash_table_contains (self->syncing, GUINT_TO_POINTER (entry->owner)))
        continue;
      if (first == NULL)
        first = entry;
      (*ready)++;
    }
  return first;
}

/* Starts batches when enough files wait, or has the window start them
 * once the first waited WINDOW_US (see above; at the next iteration of
 * the main loop if that time has passed). A batch holds the files of one
 * owner, and each owner has one batch on a worker at most: a flush that
 * hangs on one user's file system (NFS, the user's own FUSE mount) holds
 * that user's files only, never another user's. */
static void
start_batch (BargedSyncer *self)
{
  guint ready;
  Entry *first = first_ready (self, &ready);
  gint64 left;

  if (self->held || first == NULL)
    return;
  if (ready >= BATCH_AT_ONCE)
    {
      start_batch_now (self);
      return;
    }
  /* Armed for the same first file (only a batch takes files away). */
  if (self->window_source != 0)
    return;
  /* In whole milliseconds, rounded up: never before the window is over. */
  left = MAX (first->queued + WINDOW_US - g_get_monotonic_time (), 0);
  self->window_source = g_timeout_add ((guint) ((left + 999) / 1000), on_window, self);
}

/* One batch of @owner's waiting files, in their order, on a worker. */
static void
start_owner_batch (BargedSyncer *self, guint32 owner)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *batch = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  GList *l = self->waiting.head;

  while (l != NULL && batch->len < MAX_BATCH)
    {
      GList *next = l->next;
      Entry *entry = l->data;

      if (entry->owner == owner)
        {
          g_ptr_array_add (batch, entry);
          g_queue_delete_link (&self->waiting, l);
        }
      l = next;
    }
  g_hash_table_add (self->syncing, GUINT_TO_POINTER (owner));
  self->n_in_batch += batch->len;
  /* The syncer lives as long as the daemon; the task keeps it anyway. */
  task = g_task_new (self, NULL, on_batch_done, NULL);
  g_task_set_source_tag (task, start_batch);
  g_task_set_task_data (task, batch, (GDestroyNotify) batch_free);
  BARGE_TSAN_RELEASE (task);
  g_task_run_in_thread (task, batch_thread);
}

static void
start_batch_now (BargedSyncer *self)
{
  guint ready;
  Entry *first;

  g_clear_handle_id (&self->window_source, g_source_remove);
  if (self->held)
    return;
  while ((first = first_ready (self, &ready)) != NULL)
    start_owner_batch (self, first->owner);
}

void
barged_syncer_sync_async (BargedSyncer *self, int fd, const guint8 *data, gsize len, guint64 pos,
                          guint32 owner, const char *path, GAsyncReadyCallback callback, gpointer user_data)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->fd = fd;
  entry->queued = g_get_monotonic_time ();
  entry->data = data;
  entry->len = len;
  entry->pos = pos;
  entry->owner = owner;
  entry->path = g_strdup (path);
  entry->task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (entry->task, barged_syncer_sync_async);
  g_queue_push_tail (&self->waiting, entry);
  start_batch (self);
}

gboolean
barged_syncer_sync_finish (BargedSyncer *self, GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, self), FALSE);
  return g_task_propagate_boolean (G_TASK (res), error);
}

void
barged_syncer_get_counts (BargedSyncer *self, guint64 *batches, guint64 *files)
{
  *batches = self->n_batches;
  *files = self->n_files;
}

void
barged_syncer_hold (BargedSyncer *self, gboolean held)
{
  self->held = held;
  start_batch (self);
}

guint
barged_syncer_get_n_pending (BargedSyncer *self)
{
  return self->waiting.length + self->n_in_batch;
}

BargedSyncer *
barged_syncer_new (void)
{
  return g_object_new (BARGED_TYPE_SYNCER, NULL);
}

static void
barged_syncer_finalize (GObject *object)
{
  BargedSyncer *self = BARGED_SYNCER (object);

  /* A batch in flight holds a reference: nothing runs now. */
  g_clear_handle_id (&self->window_source, g_source_remove);
  g_queue_clear_full (&self->waiting, (GDestroyNotify) entry_free);
  g_hash_table_unref (self->syncing);
  G_OBJECT_CLASS (barged_syncer_parent_class)->finalize (object);
}

static void
barged_syncer_init (BargedSyncer *self)
{
  self->syncing = g_hash_table_new (NULL, NULL);
}

static void
barged_syncer_class_init (BargedSyncerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = barged_syncer_finalize;
}
