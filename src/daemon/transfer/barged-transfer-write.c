/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The write path of a download (BargedTransfer): each buffer goes to the
 * transfer's writer, a worker that takes a queue of them in order (pwrite,
 * the digest), fdatasync at checkpoints runs on a worker beside it, the
 * durable offsets and ranges are recorded only after a sync, and the run
 * ends with the file's last sync, on its own or in the syncer's batch,
 * then its checks. barged-transfer.c reads; this file writes. */
#define G_LOG_DOMAIN "BargedTransfer"

#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "barge.h"
#include "barged-errors.h"
#include "barged-file-access.h"
#include "barged-transfer-private.h"
#include "barged-work-queue.h"
#include "barge-tsan.h"

static void maybe_checkpoint (BargedTransfer *self, guint64 end);

typedef struct {
  int fd;
  const guint8 *data;
  gsize len;
  guint64 pos;
  gboolean truncate;
  gboolean sync;
  gboolean close;
  guint32 owner;             /* with path: who looks the temporary up at a sync */
  char *path;
  guint64 piece_start;       /* with sync: [piece_start, pos) and `ranges` are durable after it */
  GArray *ranges;
  BargedDigest *digest;      /* with close: the file's expected digest, or NULL */
  guint64 hash_to;           /* with digest and close: read back and hash up to here first */
  guint64 reserve_end;       /* with a run's first write: reserve the file's blocks up to here first, or 0 */
  gboolean release;          /* with close: give back the reserved blocks past the file's end */
  BargedSpace space;         /* with reserve_end: what the reservation found */
  int buf;                   /* with a queued write: the read buffer `data` is in */
  int errsv;                 /* with a queued write: what write_op_run() returned */
} WriteOp;

static void
write_op_free (WriteOp *op)
{
  BARGE_TSAN_ACQUIRE (op); /* the task's last reference may go on the worker */
  g_free (op->path);
  g_clear_pointer (&op->ranges, g_array_unref);
  g_clear_pointer (&op->digest, barged_digest_unref);
  g_free (op);
}

/* @sync: the op ends with an fdatasync, and the check of the temporary
 * that needs its path (a data write, one per 256 KiB, copies none). */
static WriteOp *
write_op_new (BargedTransfer *self, gboolean sync)
{
  WriteOp *op = g_new0 (WriteOp, 1);

  op->fd = self->fd;
  op->owner = self->owner;
  op->sync = sync;
  if (sync)
    op->path = g_strdup (barged_file_get_temporary (self->file));
  op->piece_start = self->piece_start;
  op->buf = -1;
  return op;
}

/* Returns 0 or the errno of the first failing call. */
static int
write_op_run (WriteOp *op)
{
  int errsv;

  if (op->truncate && ftruncate (op->fd, 0) != 0)
    return errno;
  if (op->truncate && op->digest != NULL)
    barged_digest_reset (op->digest);
  if (op->reserve_end > 0 &&
      (errsv = barged_reserve_space (op->fd, op->reserve_end, &op->space)) != 0)
    return errsv;
  errsv = barged_pwrite_all (op->fd, op->data, op->len, op->pos);
  if (errsv == 0 && op->digest != NULL && op->close)
    errsv = barged_digest_read_to (op->digest, op->fd, op->hash_to);
  /* A run that stopped short: its reservation is a later run's to take
   * again. A failed release costs only the space the file would have
   * taken anyway, so it fails nothing. */
  if (op->release)
    {
      int released = barged_release_space (op->fd);

      if (released != 0)
        g_debug ("cannot give back the space reserved past the end: %s", g_strerror (released));
    }
  if (errsv != 0)
    return errsv;
  /* Offsets are recorded only after this: a crash never trusts bytes that
   * were still in the page cache. */
  if (op->sync && fdatasync (op->fd) != 0)
    return errno;
  return 0;
}

static void
write_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  BARGE_TSAN_TASK_THREAD (task); /* the buffer comes from, and goes back to, the main thread */
  WriteOp *op = task_data;
  GError *error = NULL;
  int errsv = write_op_run (op);

  /* The open descriptor keeps taking bytes after the file is deleted or
   * its folder renamed away; notice it at each checkpoint, and before the
   * file counts as transferred, rather than "finish" a file that can
   * never be renamed into place. */
  if (errsv == 0 && op->sync && !barged_file_access_check_temporary (op->owner, op->path, op->fd, &error))
    {
      if (op->close)
        close (op->fd);
      g_task_return_error (task, error);
      return;
    }
  if (op->close)
    close (op->fd);
  if (errsv == 0)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, barged_error_new_for_write_errno (errsv));
}

/* What a sync of @op made durable: the piece main writes, up to @end, and
 * the pieces it left before. */
static void
record_durable (BargedTransfer *self, WriteOp *op, guint64 end)
{
  for (guint i = 0; op->ranges != NULL && i < op->ranges->len; i++)
    barged_file_add_durable (self->file, g_array_index (op->ranges, BargedRange, i).start,
                             g_array_index (op->ranges, BargedRange, i).end);
  /* Segmented, the durable prefix may already reach past main's piece
   * (the segments' ranges joined it): adding never lowers it, setting
   * would, and the file would then miss every byte after main's piece. */
  if (!self->segmented)
    barged_file_set_durable (self->file, end);
  else
    barged_file_add_durable (self->file, op->piece_start, end);
}

static GArray *
take_unsynced (BargedTransfer *self)
{
  GArray *ranges = self->unsynced;

  self->unsynced = g_array_new (FALSE, FALSE, sizeof (BargedRange));
  return ranges;
}

static void
on_synced (GObject *source, GAsyncResult *res, gpointer user_data)
{
  BARGE_TSAN_TASK_CALLBACK (res);
  g_autoptr(BargedTransfer) self = user_data;
  WriteOp *op = g_task_get_task_data (G_TASK (res));
  g_autoptr(GError) error = NULL;

  self->syncing = FALSE;
  if (!g_task_propagate_boolean (G_TASK (res), &error))
    {
      _barged_transfer_fail (self, g_steal_pointer (&error));
      self->fill = 0;
      if (self->body != NULL)
        g_cancellable_cancel (self->cancellable);
    }
  else if (GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (res), "generation")) == self->generation)
    {
      record_durable (self, op, op->pos);
      g_signal_emit (self, _barged_transfer_signals[SIGNAL_CHECKPOINT], 0);
    }
  _barged_transfer_maybe_finish (self);
}

/* Every 32 MiB or 2 s, the bytes written so far are made durable by an
 * fdatasync on its own worker thread, while writes go on: waiting for it
 * in the writer would stall the network. Only when it returns is the
 * offset it covered recorded. */
static void
maybe_checkpoint (BargedTransfer *self, guint64 end)
{
  g_autoptr(GTask) task = NULL;
  gint64 now = g_get_monotonic_time ();
  WriteOp *op;

  if (self->syncing || self->fd < 0 ||
      (self->since_sync < BARGED_TRANSFER_CHECKPOINT_BYTES && now - self->last_sync < self->checkpoint_interval_us))
    return;
  self->syncing = TRUE;
  self->since_sync = 0;
  self->last_sync = now;
  task = g_task_new (NULL, NULL, on_synced, g_object_ref (self));
  op = write_op_new (self, TRUE);
  op->pos = end;            /* what the sync makes durable */
  op->ranges = take_unsynced (self);
  g_object_set_data (G_OBJECT (task), "generation", GUINT_TO_POINTER (self->generation));
  g_task_set_task_data (task, op, (GDestroyNotify) write_op_free);
  BARGE_TSAN_RELEASE (task);
  g_task_run_in_thread (task, write_thread);
}

/* What the main loop does once buffers came back from the writer or the
 * hasher: @failed (one of them failed) stops the reads, nothing after a
 * failed write was written; else the progress and the next checkpoint
 * follow the last buffer written (@written_end, 0: none). */
static void
after_returns (BargedTransfer *self, gboolean failed, guint64 written_end)
{
  if (failed)
    {
      /* The file cannot take more: stop reading and drop what waits. */
      self->fill = 0;
      if (self->body != NULL)
        g_cancellable_cancel (self->cancellable);
      _barged_transfer_maybe_finish (self);
      return;
    }
  if (written_end > 0)
    {
      _barged_transfer_update_done (self);
      g_signal_emit (self, _barged_transfer_signals[SIGNAL_PROGRESS], 0);
      maybe_checkpoint (self, written_end);
    }
  _barged_transfer_pump (self);
}

/* The writer, on its worker: nothing after a failed write, or a later
 * buffer on the disk would leave a hole in the file below its end. */
static void
write_item (gpointer item, gpointer owner)
{
  BargedTransfer *self = owner;
  WriteOp *op = item;

  if (g_atomic_int_get (&self->write_failed))
    op->errsv = ECANCELED;
  else if ((op->errsv = write_op_run (op)) != 0)
    g_atomic_int_set (&self->write_failed, TRUE);
}

/* Why a queued write failed: what its reservation found, said with the
 * figures, or its errno. */
static GError *
write_op_error (const WriteOp *op)
{
  if (op->errsv == ENOSPC && op->space.free_bytes < op->space.lacking)
    return barged_error_new_for_space (op->space.lacking, op->space.free_bytes);
  if (op->errsv == EFBIG && op->space.fat)
    return barged_error_new_for_file_size_limits (op->reserve_end, G_MAXUINT64, TRUE);
  return barged_error_new_for_write_errno (op->errsv);
}

static void
writes_done (GQueue *done, gpointer owner)
{
  BargedTransfer *self = owner;
  gboolean failed = FALSE;
  guint64 end = 0;
  WriteOp *op;

  while ((op = g_queue_pop_head (done)) != NULL)
    {
      self->n_writes--;
      self->held[op->buf] &= ~BARGED_BUFFER_HELD_WRITE;
      if (op->errsv == 0)
        end = op->pos + op->len;
      else if (op->errsv != ECANCELED)
        _barged_transfer_fail (self, write_op_error (op));
      failed |= op->errsv != 0;
      write_op_free (op);
    }
  after_returns (self, failed, failed ? 0 : end);
}

typedef struct {
  BargedDigest *digest;
  int fd;
  const guint8 *data;
  gsize len;
  guint64 pos;
  guint64 durable;           /* bytes on disk before this buffer, which may be read back */
  gboolean reset;            /* the file starts over with this buffer */
  guint buf;
  int errsv;
} HashOp;

/* The hasher, on its worker, beside the writer: a verified file's bytes
 * are hashed while they are written, not after, so the hash (0.66 s of
 * CPU per GiB here, with the SHA instructions) no longer adds to the
 * writer's time per buffer. */
static void
hash_item (gpointer item, gpointer owner)
{
  HashOp *op = item;

  if (op->reset)
    barged_digest_reset (op->digest);
  /* Bytes before op->pos that other connections wrote are read back. */
  op->errsv = barged_digest_update (op->digest, op->fd, op->data, op->len, op->pos, op->durable);
}

static void
hashes_done (GQueue *done, gpointer owner)
{
  BargedTransfer *self = owner;
  gboolean failed = FALSE;
  HashOp *op;

  while ((op = g_queue_pop_head (done)) != NULL)
    {
      self->n_hashes--;
      self->held[op->buf] &= ~BARGED_BUFFER_HELD_HASH;
      if (op->errsv != 0)
        {
          failed = TRUE;
          _barged_transfer_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_LOCAL_FILE,
                                                    "cannot read the temporary file back to hash it: %s",
                                                    g_strerror (op->errsv)));
        }
      barged_digest_unref (op->digest);
      g_free (op);
    }
  after_returns (self, failed, 0);
}

/* A buffer the network may fill next: one no worker holds, other than the
 * one it fills now; those already allocated first. -1: none. */
static int
next_read_buffer (BargedTransfer *self)
{
  int unallocated = -1;

  for (guint i = 0; i < BARGED_TRANSFER_N_BUFFERS; i++)
    if (i != self->read_buf && self->held[i] == 0)
      {
        if (self->buffers[i] != NULL)
          return (int) i;
        if (unallocated < 0)
          unallocated = (int) i;
      }
  return unallocated;
}

/* An idle writer takes whatever the read buffer holds, so writing overlaps
 * reading; a busy one only full buffers, while one is left to read into. */
gboolean
_barged_transfer_can_submit_write (BargedTransfer *self)
{
  return next_read_buffer (self) >= 0 && (self->n_writes == 0 || self->fill == self->capacity[self->read_buf]);
}

static void
queue_hash (BargedTransfer *self, guint buf)
{
  HashOp *op = g_new0 (HashOp, 1);

  op->digest = barged_digest_ref (self->digest);
  op->fd = self->fd;
  op->data = self->buffers[buf];
  op->len = self->fill;
  op->pos = self->offset;
  op->durable = barged_file_get_durable (self->file);
  op->reset = self->truncate_next;
  op->buf = buf;
  self->held[buf] |= BARGED_BUFFER_HELD_HASH;
  self->n_hashes++;
  if (self->hasher == NULL)
    self->hasher = barged_work_queue_new (G_OBJECT (self), hash_item, hashes_done);
  barged_work_queue_push (self->hasher, op);
}

/* Hands the read buffer to the writer (and a verified file's to the
 * hasher) and moves the network to a free buffer. */
void
_barged_transfer_submit_write (BargedTransfer *self)
{
  WriteOp *op = write_op_new (self, FALSE);
  int next = next_read_buffer (self);

  g_assert (next >= 0);
  op->buf = (int) self->read_buf;
  op->data = self->buffers[self->read_buf];
  op->len = self->fill;
  op->pos = self->offset;
  op->truncate = self->truncate_next;
  /* The run's first write reserves the space to the file's known end: a
   * file that cannot fit fails at once (DiskFull), instead of filling the
   * disk for every other program first. Not for a file of ranges (only
   * they are written), nor one whose first buffer is all of it. */
  if (!self->reserved && !self->wanted && self->expected_end != BARGE_SIZE_UNKNOWN &&
      self->expected_end > op->pos + op->len)
    {
      op->reserve_end = self->expected_end;
      self->reserved = TRUE;
    }
  /* The hasher resets and hashes; the writer only writes. */
  if (self->digest != NULL)
    queue_hash (self, self->read_buf);
  self->held[self->read_buf] |= BARGED_BUFFER_HELD_WRITE;
  self->since_sync += self->fill;
  self->truncate_next = FALSE;
  self->offset += self->fill;
  self->n_writes++;
  self->read_buf = (guint) next;
  self->fill = 0;
  if (self->writer == NULL)
    self->writer = barged_work_queue_new (G_OBJECT (self), write_item, writes_done);
  barged_work_queue_push (self->writer, op);
}

/* The file is whole and durable: it counts only if it passes its checks
 * (AddFileWithOptions). One that fails starts over at its next run; its
 * bytes stay in the temporary file until then, for a look. */
static void
check_file (BargedTransfer *self)
{
  const BargedFileChecks *checks = barged_file_get_checks (self->file);
  guint64 total = barged_file_get_total (self->file);
  GError *error = NULL;

  if (self->digest == NULL && checks->size == BARGE_SIZE_UNKNOWN)
    return;
  if (checks->size != BARGE_SIZE_UNKNOWN && total != checks->size)
    error = g_error_new (BARGE_ERROR, BARGE_ERROR_CHECKSUM_MISMATCH,
                         "the file has %" G_GUINT64_FORMAT " bytes, not the expected %" G_GUINT64_FORMAT, total,
                         checks->size);
  else if (self->digest != NULL && !barged_digest_check (self->digest, total, &error) && self->digest_from_server)
    g_prefix_error (&error, "the server's Repr-Digest: ");
  if (error == NULL)
    {
      barged_file_set_verified (self->file, TRUE);
      return;
    }
  barged_file_set_verified (self->file, FALSE);
  barged_file_mark_restarted (self->file, FALSE);
  _barged_transfer_fail (self, error);
}

/* Where the first byte the file still misses is, if any. */
static gboolean
missing_from (BargedTransfer *self, guint64 *missing)
{
  guint64 end;

  if (self->wanted)
    return barged_file_next_gap (self->file, 0, missing, &end);
  *missing = barged_file_get_durable (self->file);
  return *missing != barged_file_get_total (self->file);
}

static void
final_synced (BargedTransfer *self, gboolean ok, GError *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  guint64 missing;

  if (ok)
    {
      WriteOp op = { .piece_start = self->piece_start, .ranges = take_unsynced (self) };

      _barged_transfer_update_done (self);
      record_durable (self, &op, self->offset);
      g_array_unref (op.ranges);
      /* Every piece came: nothing may be missing between them. */
      if (self->failure == NULL && self->segmented && missing_from (self, &missing))
        _barged_transfer_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_CONNECTION_CLOSED,
                                 "the segments left bytes from %" G_GUINT64_FORMAT " missing", missing));
      if (self->failure == NULL)
        check_file (self);
      /* A file that arrived whole is recorded as transferred by its job
       * next, in the same batch: a checkpoint record of it would be a
       * write for nothing. */
      if (self->failure != NULL)
        g_signal_emit (self, _barged_transfer_signals[SIGNAL_CHECKPOINT], 0);
    }
  else
    _barged_transfer_fail (self, error);

  if (self->failure != NULL)
    g_task_return_error (task, g_steal_pointer (&self->failure));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_final_sync (GObject *source, GAsyncResult *res, gpointer user_data)
{
  BARGE_TSAN_TASK_CALLBACK (res);
  g_autoptr(BargedTransfer) self = user_data;
  GError *error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (res), &error);

  final_synced (self, ok, error);
}

static void
on_batch_synced (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargedTransfer) self = user_data;
  GError *error = NULL;
  gboolean ok = barged_syncer_sync_finish (BARGED_SYNCER (source), res, &error);

  final_synced (self, ok, error);
}


/* The end of a run, once nothing is in flight: @batch, the file's last
 * bytes and sync go to the syncer's batch; else a last write op syncs and
 * closes the file. The run's task returns from final_synced(). */
void
_barged_transfer_finish_writes (BargedTransfer *self, gboolean batch)
{
  g_autoptr(GTask) task = NULL;
  WriteOp *op;

  if (batch)
    {
      /* A whole file: its last bytes and its last sync may share a disk
       * flush with other files that finish meanwhile. */
      int fd = self->fd;
      guint64 pos = self->offset;

      self->fd = -1;
      self->offset += self->fill;
      /* Waiting for the flush, the run keeps only its last bytes: many
       * files may wait together (see "body-done"). */
      if (self->digest != NULL)
        barged_digest_update (self->digest, fd, self->buffers[self->read_buf], self->fill, pos, pos);
      for (guint i = 0; i < BARGED_TRANSFER_N_BUFFERS; i++)
        if (i != self->read_buf)
          g_clear_pointer (&self->buffers[i], g_free);
      if (self->capacity[self->read_buf] > self->fill + 4096)
        {
          self->buffers[self->read_buf] = g_realloc (self->buffers[self->read_buf], MAX (self->fill, 1));
          self->capacity[self->read_buf] = MAX (self->fill, 1);
        }
      barged_syncer_sync_async (self->syncer, fd, self->buffers[self->read_buf], self->fill, pos, self->owner,
                                barged_file_get_temporary (self->file), on_batch_synced, g_object_ref (self));
      self->fill = 0;
      /* The connection is idle from here: the next file may take it while
       * this one waits for its batch's flush. */
      g_signal_emit (self, _barged_transfer_signals[SIGNAL_BODY_DONE], 0);
      return;
    }
  task = g_task_new (NULL, NULL, on_final_sync, g_object_ref (self));
  op = write_op_new (self, TRUE);
  op->close = TRUE;
  op->truncate = self->truncate_next;
  /* What main did not hash in order (the pieces of other connections) is
   * read back once, all of them written by now. */
  if (self->digest != NULL)
    op->digest = barged_digest_ref (self->digest);
  op->hash_to = self->failure == NULL ? barged_file_get_total (self->file) : 0;
  /* Nothing else writes now (no segment is left): the truncate of the
   * release cannot cut another connection's bytes. */
  op->release = self->reserved && self->failure != NULL;
  self->fd = -1;
  g_task_set_task_data (task, op, (GDestroyNotify) write_op_free);
  BARGE_TSAN_RELEASE (task);
  g_task_run_in_thread (task, write_thread);
}
