/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Segmented downloads (aria2 -x) of a BargedTransfer: the pieces of a file
 * that extra connections fetch (BargedSegment), the queue of pieces nobody
 * fetches yet, and the connections lent by the job and given back. */
#define G_LOG_DOMAIN "BargedTransfer"

#include "config.h"

#include <unistd.h>

#include "barge.h"
#include "barged-transfer-private.h"

/* A file is split over several connections only from this size on, in
 * pieces of at least BARGED_TRANSFER_MIN_SEGMENT; below that a second
 * request costs more than the rate it could add. */
#define SEGMENTED_MIN_SIZE (16 * 1024 * 1024)

/* The next piece nobody fetches: from the queue once segments split the
 * file, else the next gap of the file's durable ranges (a file resumed
 * with ranges and no connection lent for segments). */
gboolean
_barged_transfer_next_piece (BargedTransfer *self, BargedRange *piece)
{
  if (self->queue_built)
    {
      if (self->queue->len == 0)
        return FALSE;
      *piece = g_array_index (self->queue, BargedRange, 0);
      g_array_remove_index (self->queue, 0);
      return TRUE;
    }
  return barged_file_next_gap (self->file, self->offset, &piece->start, &piece->end);
}

static void
release_connection (BargedTransfer *self)
{
  g_return_if_fail (self->n_granted > 0);
  self->n_granted--;
  g_signal_emit (self, _barged_transfer_signals[SIGNAL_SEGMENT_RELEASED], 0);
}

static const char *
if_range (BargedTransfer *self)
{
  return barged_file_get_etag (self->file) != NULL ? barged_file_get_etag (self->file)
                                                   : barged_file_get_last_modified (self->file);
}

guint
barged_transfer_segments_wanted (BargedTransfer *self, guint max_extra)
{
  guint64 total = barged_file_get_total (self->file);
  guint64 left;

  if (max_extra == 0 || self->segments_off || self->fd < 0 || self->failure != NULL || self->body == NULL ||
      total == BARGE_SIZE_UNKNOWN || total < SEGMENTED_MIN_SIZE || if_range (self) == NULL)
    return 0;
  left = total - MIN (total, barged_file_get_durable_bytes (self->file) + (self->offset - self->piece_start));
  return (guint) MIN ((guint64) max_extra, left / BARGED_TRANSFER_MIN_SEGMENT > 0
                                              ? left / BARGED_TRANSFER_MIN_SEGMENT - 1 : 0);
}

static void start_segment (BargedTransfer *self, BargedRange piece);

static void
on_segment_written (BargedSegment *segment, guint64 n, BargedTransfer *self)
{
  self->counted += n;
  _barged_transfer_update_done (self);
  g_signal_emit (self, _barged_transfer_signals[SIGNAL_PROGRESS], 0);
}

static void
on_segment_durable (BargedSegment *segment, guint64 start, guint64 end, BargedTransfer *self)
{
  barged_file_add_durable (self->file, start, end);
  g_signal_emit (self, _barged_transfer_signals[SIGNAL_CHECKPOINT], 0);
}

static void
on_segment_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargedTransfer) self = user_data;
  BargedSegment *segment = BARGED_SEGMENT (source);
  g_autoptr(GError) error = NULL;
  BargedRange rest = { barged_segment_get_position (segment), barged_segment_get_end (segment) };
  BargedRange piece;

  if (!barged_segment_run_finish (segment, res, &error))
    {
      /* What it did not make durable goes back in line, for main: its
       * own request judges a server without ranges or a changed file. */
      if (rest.end > rest.start)
        g_array_prepend_val (self->queue, rest);
      if (!self->segments_off)
        {
          /* The URL's query and user information often carry tokens. */
          g_autofree char *log_url = barged_request_url_for_log (barged_file_get_url (self->file));

          g_debug ("%s: segments stop: %s", log_url, error->message);
        }
      self->segments_off = TRUE;
      g_cancellable_cancel (self->segments_cancellable);
    }
  g_signal_handlers_disconnect_by_data (segment, self);
  g_ptr_array_remove_fast (self->segments, segment);
  /* The connection takes the next piece, or goes back to the job. */
  if (!self->segments_off && self->failure == NULL && self->queue->len > 0)
    {
      piece = g_array_index (self->queue, BargedRange, 0);
      g_array_remove_index (self->queue, 0);
      start_segment (self, piece);
    }
  else
    release_connection (self);
  _barged_transfer_maybe_finish (self);
}

static void
start_segment (BargedTransfer *self, BargedRange piece)
{
  int fd = dup (self->fd);
  BargedSegment *segment;

  if (fd < 0)
    {
      g_array_prepend_val (self->queue, piece);
      release_connection (self);
      return;
    }
  /* Where main's redirects led, followed under the job's policy already:
   * a piece needs no redirect of its own. */
  segment = barged_segment_new (self->session, *barged_file_get_final_url (self->file) != '\0'
                                                 ? barged_file_get_final_url (self->file)
                                                 : barged_file_get_url (self->file), fd, piece.start, piece.end,
                                barged_file_get_total (self->file), if_range (self), self->timeout_s,
                                self->checkpoint_interval_us);
  barged_segment_set_bandwidth (segment, self->bandwidth);
  barged_segment_set_tls (segment, self->tls);
  barged_segment_set_owner (segment, self->owner);
  if (self->credentials != NULL)
    {
      g_autoptr(GVariant) headers = barged_credentials_dup_headers (self->credentials, self->job_id);

      barged_segment_set_custom_headers (segment, headers, barged_file_get_url (self->file));
    }
  if (self->answers != NULL)
    barged_segment_set_auth_answers (segment, self->answers, barged_file_get_url (self->file));
  g_signal_connect (segment, "written", G_CALLBACK (on_segment_written), self);
  g_signal_connect (segment, "durable", G_CALLBACK (on_segment_durable), self);
  g_ptr_array_add (self->segments, segment);
  barged_segment_run_async (segment, self->segments_cancellable, on_segment_done, g_object_ref (self));
}

void
barged_transfer_add_segments (BargedTransfer *self, guint n)
{
  guint64 pos = self->offset + self->fill;
  guint64 main_end = self->limit != BARGE_SIZE_UNKNOWN ? self->limit : barged_file_get_total (self->file);
  guint started = 0;

  self->n_granted += n;
  if (barged_transfer_segments_wanted (self, n) == 0 || main_end == BARGE_SIZE_UNKNOWN)
    {
      for (guint i = 0; i < n; i++)
        release_connection (self);
      return;
    }
  if (!self->queue_built)
    {
      BargedRange gap;
      guint64 from = main_end;

      /* Resumed: the gaps between the durable ranges after main's piece. */
      while (barged_file_next_gap (self->file, from, &gap.start, &gap.end))
        {
          g_array_append_val (self->queue, gap);
          from = gap.end;
        }
      self->queue_built = TRUE;
    }
  /* Connections left over split main's piece into equal parts. */
  if (n > self->queue->len && main_end > pos)
    {
      guint64 parts = MIN ((guint64) (n - self->queue->len) + 1, (main_end - pos) / BARGED_TRANSFER_MIN_SEGMENT);
      guint64 size = parts > 0 ? (main_end - pos) / parts : 0;

      for (guint64 i = parts; i-- > 1;)
        {
          BargedRange part = { pos + i * size, i == parts - 1 ? main_end : pos + (i + 1) * size };

          g_array_prepend_val (self->queue, part);
        }
      if (parts >= 2)
        self->limit = pos + size;
    }
  if (self->queue->len > 0)
    self->segmented = TRUE;
  while (started < n && self->queue->len > 0)
    {
      BargedRange piece = g_array_index (self->queue, BargedRange, 0);

      g_array_remove_index (self->queue, 0);
      start_segment (self, piece);
      started++;
    }
  for (; started < n; started++)
    release_connection (self);
}

