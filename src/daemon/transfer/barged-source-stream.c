/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedSourceStream"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "barge.h"
#include "barged-source-stream.h"
#include "barge-tsan.h"

/* What a block costs: one worker trip and one stat() of the source per
 * MiB, against 128 main-loop reads of 8 KiB by libsoup. */
#define BLOCK_SIZE (1024 * 1024)

/* --- one block, read on a worker --------------------------------------------- */

typedef struct {
  int fd;
  guint32 owner;
  char *path;
  guint64 offset;
  gsize len;
  BargedSourceIdentity expected;
  guint8 *buf;                /* at least len bytes to read into, or NULL */
} ReadOp;

static void
read_op_free (ReadOp *op)
{
  g_free (op->path);
  g_free (op->buf);
  g_free (op);
}

gboolean
barged_source_identity_equal (const BargedSourceIdentity *a, const BargedSourceIdentity *b)
{
  return a->size == b->size && a->mtime_ns == b->mtime_ns && a->inode == b->inode && a->device == b->device;
}

static void
read_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  BARGE_TSAN_TASK_THREAD (task);
  ReadOp *op = task_data;
  g_autofree guint8 *buf = op->buf != NULL ? g_steal_pointer (&op->buf) : g_malloc (MAX (op->len, 1));
  BargedSourceIdentity now;
  GError *error = NULL;
  gsize got = 0;
  int errsv = barged_pread_all (op->fd, buf, op->len, op->offset, &got);

  if (errsv != 0)
    {
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_LOCAL_FILE, "cannot read %s: %s",
                               op->path, g_strerror (errsv));
      return;
    }
  /* After the read, so that it covers the bytes just read. */
  if (!barged_file_access_stat_source (op->owner, op->path, &now, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (got != op->len || !barged_source_identity_equal (&now, &op->expected))
    {
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_LOCAL_FILE_CHANGED,
                               "%s changed during the upload", op->path);
      return;
    }
  g_task_return_pointer (task, g_bytes_new_take (g_steal_pointer (&buf), op->len),
                         (GDestroyNotify) g_bytes_unref);
}

static void
read_into_async (int fd, guint32 owner, const char *path, const BargedSourceIdentity *expected,
                 guint64 offset, gsize len, guint8 *buf, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ReadOp *op = g_new0 (ReadOp, 1);

  g_task_set_source_tag (task, barged_source_read_async);
  op->buf = buf;
  op->fd = fd;
  op->owner = owner;
  op->path = g_strdup (path);
  op->offset = offset;
  op->len = len;
  op->expected = *expected;
  g_task_set_task_data (task, op, (GDestroyNotify) read_op_free);
  /* The worker uses the fd until it returns: the callback must not run
   * before, whatever the cancellable says. */
  g_task_set_return_on_cancel (task, FALSE);
  BARGE_TSAN_RELEASE (task);
  g_task_run_in_thread (task, read_thread);
}

void
barged_source_read_async (int fd, guint32 owner, const char *path, const BargedSourceIdentity *expected,
                          guint64 offset, gsize len, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  read_into_async (fd, owner, path, expected, offset, len, NULL, cancellable, callback, user_data);
}

GBytes *
barged_source_read_finish (GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, NULL), NULL);
  BARGE_TSAN_ACQUIRE (res); /* released by read_thread */
  return g_task_propagate_pointer (G_TASK (res), error);
}

/* --- the stream ---------------------------------------------------------------- */

struct _BargedSourceStream
{
  GInputStream parent_instance;

  int fd;
  guint32 owner;
  char *path;
  BargedSourceIdentity expected;
  guint64 next_offset;        /* where the next block read starts */
  guint64 end;

  GBytes *block;              /* being served, from block_pos */
  gsize block_pos;
  GBytes *ahead;              /* read, served after block */
  guint8 *spare;              /* a served block's buffer, BLOCK_SIZE bytes, for the next read */
  gboolean reading;           /* a block read is on a worker */
  GError *error;              /* a failed read, for every read after it */
  GCancellable *cancellable;  /* of the block reads: close() cancels them */
  GCancellable *wake;         /* cancelled to wake readers waiting for a block */
  BargedBandwidth *bandwidth; /* the job's limit, or NULL */
  gulong bandwidth_changed;
  guint throttle_source;      /* the reader waits for its turn under the limit */
};

static void barged_source_stream_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BargedSourceStream, barged_source_stream, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      barged_source_stream_pollable_init))

static void read_ahead (BargedSourceStream *self);

/* Wakes every reader that found nothing to read: their sources hold a
 * cancellable source of self->wake, which a cancel makes ready (GLib's
 * own way to make a source ready from code). */
static void
wake_waiting (BargedSourceStream *self)
{
  if (self->wake == NULL)
    return;
  g_cancellable_cancel (self->wake);
  g_clear_object (&self->wake);
}

static void
on_block_read (GObject *unused, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargedSourceStream) self = user_data;
  g_autoptr(GError) error = NULL;
  GBytes *bytes = barged_source_read_finish (res, &error);

  self->reading = FALSE;
  if (g_input_stream_is_closed (G_INPUT_STREAM (self)))
    {
      g_clear_pointer (&bytes, g_bytes_unref);
      return;
    }
  if (bytes == NULL)
    self->error = g_steal_pointer (&error);
  else
    {
      self->next_offset += g_bytes_get_size (bytes);
      if (self->block == NULL)
        {
          self->block = bytes;
          self->block_pos = 0;
        }
      else
        self->ahead = bytes;
      read_ahead (self);
    }
  wake_waiting (self);
}

/* Keeps one block read ahead of the one being served. */
static void
read_ahead (BargedSourceStream *self)
{
  gsize len;

  if (self->reading || self->error != NULL || self->ahead != NULL || self->next_offset >= self->end)
    return;
  len = (gsize) MIN ((guint64) BLOCK_SIZE, self->end - self->next_offset);
  self->reading = TRUE;
  /* Into the buffer of a block already served: a fresh megabyte is fresh
   * pages, and faulting them in cost as much as the copy itself. */
  read_into_async (self->fd, self->owner, self->path, &self->expected, self->next_offset, len,
                   g_steal_pointer (&self->spare), self->cancellable, on_block_read, g_object_ref (self));
}

static gboolean
at_end (BargedSourceStream *self)
{
  return self->block == NULL && !self->reading && self->next_offset >= self->end;
}

static gboolean
throttle_cb (gpointer user_data)
{
  BargedSourceStream *self = user_data;

  self->throttle_source = 0;
  wake_waiting (self);
  return G_SOURCE_REMOVE;
}

/* Whether the limit holds the next bytes back; if so, a timer wakes the
 * readers when their turn comes. */
static gboolean
throttled (BargedSourceStream *self)
{
  gint64 delay;

  if (self->bandwidth == NULL)
    return FALSE;
  if (self->throttle_source != 0)
    return TRUE;
  delay = barged_bandwidth_delay (self->bandwidth, g_get_monotonic_time ());
  if (delay <= 0)
    return FALSE;
  self->throttle_source = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) ((delay + 999) / 1000), throttle_cb,
                                              g_object_ref (self), g_object_unref);
  return TRUE;
}

static void
on_bandwidth_changed (BargedBandwidth *bandwidth, BargedSourceStream *self)
{
  if (self->throttle_source == 0)
    return;
  g_clear_handle_id (&self->throttle_source, g_source_remove);
  wake_waiting (self);
}

static gboolean
is_readable (GPollableInputStream *stream)
{
  BargedSourceStream *self = BARGED_SOURCE_STREAM (stream);

  return (self->block != NULL && !throttled (self)) || self->error != NULL || at_end (self);
}

static gssize
read_nonblocking (GPollableInputStream *stream, void *buffer, gsize count, GError **error)
{
  BargedSourceStream *self = BARGED_SOURCE_STREAM (stream);
  gsize size;
  gsize n;

  if (self->block != NULL && throttled (self))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "waiting under the bandwidth limit");
      return -1;
    }
  if (self->block != NULL)
    {
      const guint8 *data = g_bytes_get_data (self->block, &size);

      if (self->bandwidth != NULL)
        {
          count = barged_bandwidth_chunk (self->bandwidth, count);
          barged_bandwidth_charge (self->bandwidth, MIN (count, size - self->block_pos), g_get_monotonic_time ());
        }
      n = MIN (count, size - self->block_pos);
      memcpy (buffer, data + self->block_pos, n);
      self->block_pos += n;
      if (self->block_pos == size)
        {
          if (size == BLOCK_SIZE && self->spare == NULL)
            /* No copy: the block was made with g_bytes_new_take() and
             * nothing else holds it. */
            self->spare = g_bytes_unref_to_data (self->block, &size);
          else
            g_bytes_unref (self->block);
          self->block = g_steal_pointer (&self->ahead);
          self->block_pos = 0;
          read_ahead (self);
        }
      return (gssize) n;
    }
  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return -1;
    }
  if (at_end (self))
    return 0;
  read_ahead (self);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "the next block is being read");
  return -1;
}

static GSource *
create_source (GPollableInputStream *stream, GCancellable *cancellable)
{
  BargedSourceStream *self = BARGED_SOURCE_STREAM (stream);
  g_autoptr(GSource) wake = NULL;

  if (is_readable (stream))
    wake = g_timeout_source_new (0);
  else
    {
      if (self->wake == NULL)
        self->wake = g_cancellable_new ();
      wake = g_cancellable_source_new (self->wake);
      read_ahead (self);
    }
  return g_pollable_source_new_full (stream, wake, cancellable);
}

static gboolean
can_poll (GPollableInputStream *stream)
{
  return TRUE;
}

static void
barged_source_stream_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = can_poll;
  iface->is_readable = is_readable;
  iface->create_source = create_source;
  iface->read_nonblocking = read_nonblocking;
}

/* GInputStream wants a blocking read too. Nothing in barged reads this
 * stream but libsoup, which polls; a blocking read of what is not read yet
 * would block the main loop on a disk (or a network file system), so it
 * is refused rather than done. */
static gssize
read_fn (GInputStream *stream, void *buffer, gsize count, GCancellable *cancellable, GError **error)
{
  g_autoptr(GError) local = NULL;
  gssize n = read_nonblocking (G_POLLABLE_INPUT_STREAM (stream), buffer, count, &local);

  if (n < 0 && g_error_matches (local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "an upload source is read asynchronously only");
      return -1;
    }
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return n;
}

static gboolean
close_fn (GInputStream *stream, GCancellable *cancellable, GError **error)
{
  BargedSourceStream *self = BARGED_SOURCE_STREAM (stream);

  /* The fd stays open until finalize: a block read on a worker may still
   * use it, and holds a reference. */
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->throttle_source, g_source_remove);
  g_clear_pointer (&self->block, g_bytes_unref);
  g_clear_pointer (&self->ahead, g_bytes_unref);
  wake_waiting (self);
  return TRUE;
}

/* libsoup closes a request body with g_input_stream_close_async(), whose
 * default runs close_fn on a worker thread: it would free the blocks and
 * remove the throttle timer while the main loop uses them (ThreadSanitizer
 * saw it in the upload suite). Nothing in close_fn blocks, so it runs here,
 * on the thread of the stream. */
static void
close_async (GInputStream *stream, int io_priority, GCancellable *cancellable, GAsyncReadyCallback callback,
             gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, close_async);
  close_fn (stream, cancellable, NULL);
  g_task_return_boolean (task, TRUE);
}

static gboolean
close_finish (GInputStream *stream, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

static void
barged_source_stream_finalize (GObject *object)
{
  BargedSourceStream *self = BARGED_SOURCE_STREAM (object);

  g_clear_pointer (&self->block, g_bytes_unref);
  g_clear_pointer (&self->ahead, g_bytes_unref);
  g_clear_pointer (&self->spare, g_free);
  g_clear_error (&self->error);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->wake);
  if (self->bandwidth != NULL)
    g_clear_signal_handler (&self->bandwidth_changed, self->bandwidth);
  g_clear_object (&self->bandwidth);
  barged_file_access_close (self->owner, self->fd);
  g_free (self->path);
  G_OBJECT_CLASS (barged_source_stream_parent_class)->finalize (object);
}

static void
barged_source_stream_class_init (BargedSourceStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = barged_source_stream_finalize;
  stream_class->read_fn = read_fn;
  stream_class->close_fn = close_fn;
  stream_class->close_async = close_async;
  stream_class->close_finish = close_finish;
}

static void
barged_source_stream_init (BargedSourceStream *self)
{
  self->fd = -1;
  self->cancellable = g_cancellable_new ();
}

void
barged_source_stream_set_bandwidth (BargedSourceStream *self, BargedBandwidth *bandwidth)
{
  if (self->bandwidth != NULL)
    g_clear_signal_handler (&self->bandwidth_changed, self->bandwidth);
  g_set_object (&self->bandwidth, bandwidth);
  if (bandwidth != NULL)
    self->bandwidth_changed = g_signal_connect (bandwidth, "changed", G_CALLBACK (on_bandwidth_changed), self);
}

BargedSourceStream *
barged_source_stream_new_failed (const GError *error)
{
  BargedSourceStream *self = g_object_new (BARGED_TYPE_SOURCE_STREAM, NULL);

  self->fd = -1;
  self->error = g_error_copy (error);
  return self;
}

BargedSourceStream *
barged_source_stream_new (int fd, guint32 owner, const char *path, const BargedSourceIdentity *expected,
                          guint64 offset, guint64 length, GError **error)
{
  g_autoptr(BargedSourceStream) self = g_object_new (BARGED_TYPE_SOURCE_STREAM, NULL);

  self->fd = fcntl (fd, F_DUPFD_CLOEXEC, 0);
  if (self->fd < 0)
    {
      int errsv = errno;

      g_set_error (error, BARGE_ERROR, BARGE_ERROR_LOCAL_FILE, "cannot read %s: %s", path, g_strerror (errsv));
      return NULL;
    }
  self->owner = owner;
  self->path = g_strdup (path);
  self->expected = *expected;
  self->next_offset = offset;
  self->end = offset + length;
  /* The first block is on its way before libsoup has written the headers. */
  read_ahead (self);
  return g_steal_pointer (&self);
}
