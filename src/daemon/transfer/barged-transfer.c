/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedTransfer"

#include "config.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "barge.h"
#include "barged-errors.h"
#include "barged-file-access.h"
#include "barged-transfer-private.h"
#include "barge-tsan.h"

/* Reads and writes overlap: while one buffer is written on a worker thread
 * the network fills the other. Whatever has arrived goes to the writer as
 * soon as it is idle, so a fast link writes big batches and a slow one
 * still shows progress at once; a full buffer pauses reading until the
 * writer is free, so memory stays at two buffers per transfer. */

#define MAX_RESTARTS 3

G_DEFINE_TYPE (BargedTransfer, barged_transfer, G_TYPE_OBJECT)

guint _barged_transfer_signals[N_SIGNALS];

static void send_request (BargedTransfer *self);
static void start_read (BargedTransfer *self);
static gboolean validators_differ (BargedFile *file, const char *etag, const char *last_modified);

void
_barged_transfer_fail (BargedTransfer *self, GError *error)
{
  if (self->failure == NULL)
    self->failure = error;
  else
    g_error_free (error);
  /* The run ends: its segments stop (and sync what they wrote). */
  g_cancellable_cancel (self->segments_cancellable);
}

/* Progress counts bytes received: the pieces of every connection, and
 * what the read buffer holds. */
void
_barged_transfer_update_done (BargedTransfer *self)
{
  barged_file_set_done (self->file, self->counted + (self->offset + self->fill - self->piece_start));
}

/* Whether the file's last bytes and last sync may go to the syncer's
 * batch (barged_syncer_sync_async()): a whole file, not one in pieces. */
static gboolean
ends_with_batch (BargedTransfer *self)
{
  /* The syncer writes the last bytes without hashing them: they are
   * hashed here first, which needs everything before them hashed. */
  return self->syncer != NULL && !self->segmented && !self->truncate_next &&
         (self->digest == NULL ||
          (self->n_writes == 0 && self->n_hashes == 0 && barged_digest_get_hashed (self->digest) == self->offset));
}

/* The bytes from `offset` to the end of this body when the body runs to
 * the file's known end, else BARGE_SIZE_UNKNOWN. */
static guint64
body_rest (BargedTransfer *self)
{
  if (self->expected_end == BARGE_SIZE_UNKNOWN || self->expected_end < self->offset ||
      (self->range_end != BARGE_SIZE_UNKNOWN && self->range_end != self->expected_end))
    return BARGE_SIZE_UNKNOWN;
  return self->expected_end - self->offset;
}

/* Whether the read buffer holds the last bytes of the body: with a syncer
 * they go with the file's last sync, one trip to a worker instead of two.
 * A full buffer cannot wait: no read could then see the end of the body
 * (which lets libsoup keep the connection alive). */
static gboolean
holds_the_end (BargedTransfer *self)
{
  return ends_with_batch (self) && self->fill > 0 && self->fill < self->capacity[self->read_buf] &&
         body_rest (self) == self->fill;
}

/* Whether the rest of the body will fit beside what the read buffer holds:
 * a small file's bytes then wait there for the end (holds_the_end()), not
 * one trip to a worker for its first read and one more with its sync. */
static gboolean
rest_fits (BargedTransfer *self)
{
  guint64 rest = body_rest (self);

  return ends_with_batch (self) && !self->eof && rest != BARGE_SIZE_UNKNOWN &&
         rest < (self->buffers[self->read_buf] != NULL ? self->capacity[self->read_buf] : BARGED_TRANSFER_BUFFER_SIZE);
}

/* Hands the filled part of the read buffer to an idle writer, or a full
 * one to a busy writer's queue, then keeps reading into a free buffer; a
 * small body's bytes wait instead. */
void
_barged_transfer_pump (BargedTransfer *self)
{
  if (self->n_writes == 0 && !self->reading && self->fill > 0 && self->failure == NULL && rest_fits (self))
    {
      /* Received, if not yet written: a slow small file shows it moving. */
      _barged_transfer_update_done (self);
      g_signal_emit (self, _barged_transfer_signals[SIGNAL_PROGRESS], 0);
    }
  else if (!self->reading && self->fill > 0 && _barged_transfer_can_submit_write (self) &&
           !(holds_the_end (self) && self->failure == NULL))
    _barged_transfer_submit_write (self);
  if (!self->eof && self->failure == NULL)
    start_read (self);
  _barged_transfer_maybe_finish (self);
}

/* Counts a read of @n bytes (0: the end; < 0: @error) into the buffer.
 * Returns whether reading may go on in this turn. */
static gboolean
take_read (BargedTransfer *self, gssize n, GError *error)
{
  /* Where this body must end: its range, else the file's announced size. */
  guint64 limit = self->range_end != BARGE_SIZE_UNKNOWN ? self->range_end : self->expected_end;

  if (n > 0 && self->bandwidth != NULL)
    barged_bandwidth_charge (self->bandwidth, (gsize) n, g_get_monotonic_time ());
  if (n < 0)
    _barged_transfer_fail (self, barged_error_new_for_io (error, FALSE));
  else if (n == 0)
    self->eof = TRUE;
  else if (self->limit != BARGE_SIZE_UNKNOWN && self->offset + self->fill + (gsize) n >= self->limit)
    {
      /* This piece is done: the bytes after it are a segment's. */
      self->fill += (gsize) MIN ((guint64) n, self->limit - self->offset - self->fill);
      self->eof = TRUE;
    }
  else if (limit != BARGE_SIZE_UNKNOWN && self->offset + self->fill + (gsize) n > limit)
    {
      /* More than announced: none of this buffer may reach the file. */
      self->fill = 0;
      _barged_transfer_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_SERVER_RESPONSE,
                               "the server sent more than the %" G_GUINT64_FORMAT " bytes it announced",
                               limit));
    }
  else
    self->fill += (gsize) n;
  return n > 0 && !self->eof && self->failure == NULL;
}

/* How many bytes the next read may take: the room in the buffer, under
 * the bandwidth limit's chunk; 0 when it must wait. */
static gsize
read_room (BargedTransfer *self)
{
  gsize want = self->capacity[self->read_buf] - self->fill;

  if (want == 0 || self->bandwidth == NULL)
    return want;
  if (barged_bandwidth_delay (self->bandwidth, g_get_monotonic_time ()) > 0)
    return 0;
  return barged_bandwidth_chunk (self->bandwidth, want);
}

gssize
barged_transfer_read_arrived (GInputStream *body, guint8 *buffer, gsize size, GCancellable *cancellable,
                              GError **error)
{
  g_autoptr(GError) local = NULL;
  gssize n;

  if (!G_IS_POLLABLE_INPUT_STREAM (body) || !g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (body)))
    return BARGED_TRANSFER_NOTHING_ARRIVED;
  n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (body), buffer, size, cancellable, &local);
  if (n < 0 && g_error_matches (local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return BARGED_TRANSFER_NOTHING_ARRIVED;
  if (n < 0)
    g_propagate_error (error, g_steal_pointer (&local));
  return n;
}

/* What has arrived past the first read, while the writer is busy: over
 * TLS a read returns one record (at most 16 KiB), and a turn of the main
 * loop (a poll, a GTask) per record costs more than the record. An idle
 * writer gets what has arrived at once instead (pump), so that writing
 * overlaps reading. Bounded by the buffer and the bandwidth limit. */
static void
read_ready (BargedTransfer *self)
{
  gsize want;

  while (self->n_writes > 0 && (want = read_room (self)) > 0)
    {
      g_autoptr(GError) error = NULL;
      gssize n = barged_transfer_read_arrived (self->body, self->buffers[self->read_buf] + self->fill, want,
                                               self->cancellable, &error);

      if (n == BARGED_TRANSFER_NOTHING_ARRIVED || !take_read (self, n, error))
        return;
    }
}

static void
on_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargedTransfer) self = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), res, &error);

  self->reading = FALSE;
  if (take_read (self, n, error))
    read_ready (self);
  _barged_transfer_pump (self);
}

static gboolean
throttle_cb (gpointer user_data)
{
  BargedTransfer *self = user_data;

  self->throttle_source = 0;
  _barged_transfer_pump (self);
  return G_SOURCE_REMOVE;
}

/* The limit changed: a read waiting for its turn asks again now. */
static void
on_bandwidth_changed (BargedBandwidth *bandwidth, BargedTransfer *self)
{
  if (self->throttle_source == 0)
    return;
  g_clear_handle_id (&self->throttle_source, g_source_remove);
  _barged_transfer_pump (self);
}

/* The buffer the network fills, allocated on first use: of a body whose
 * rest is known and smaller than BARGED_TRANSFER_BUFFER_SIZE, just more
 * than that rest (room for the read that sees the end), so that a small
 * file costs a small allocation, not two of 256 KiB. */
static guint8 *
read_buffer (BargedTransfer *self)
{
  guint i = self->read_buf;

  if (self->buffers[i] == NULL)
    {
      guint64 rest = body_rest (self);
      gsize size = rest != BARGE_SIZE_UNKNOWN && rest < BARGED_TRANSFER_BUFFER_SIZE ? (gsize) rest + 1
                                                                                  : BARGED_TRANSFER_BUFFER_SIZE;

      self->buffers[i] = g_malloc (size);
      self->capacity[i] = size;
    }
  return self->buffers[i];
}

static void
start_read (BargedTransfer *self)
{
  gsize want;

  if (self->reading || self->eof || self->failure != NULL || self->body == NULL || self->throttle_source != 0)
    return;
  read_buffer (self);
  if (self->fill == self->capacity[self->read_buf])
    return;
  want = self->capacity[self->read_buf] - self->fill;
  if (self->bandwidth != NULL)
    {
      /* Under a limit the socket is read at its pace: what we leave in
       * the kernel's buffer closes the TCP window and slows the sender. */
      gint64 delay = barged_bandwidth_delay (self->bandwidth, g_get_monotonic_time ());

      if (delay > 0)
        {
          self->throttle_source = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) ((delay + 999) / 1000),
                                                      throttle_cb, g_object_ref (self), g_object_unref);
          return;
        }
      want = barged_bandwidth_chunk (self->bandwidth, want);
    }
  self->reading = TRUE;
  g_input_stream_read_async (self->body, self->buffers[self->read_buf] + self->fill, want, G_PRIORITY_DEFAULT,
                             self->cancellable, on_read, g_object_ref (self));
}

/* Ends the run once no read or write is in flight: the data written so far
 * is synced and recorded whatever the outcome, so a retry resumes there. */
void
_barged_transfer_maybe_finish (BargedTransfer *self)
{
  /* A read waiting its turn under the limit is in flight too: its timer
   * calls pump() again. */
  if (self->reading || self->n_writes > 0 || self->n_hashes > 0 || self->syncing || self->finishing ||
      self->throttle_source != 0 || self->segments->len > 0)
    return;
  if (self->fill > 0 && !(self->eof && self->failure == NULL && holds_the_end (self)))
    return;
  if (!self->eof && self->failure == NULL)
    return;

  /* A body without a length (chunked, or ended by a close) gives no sign
   * of truncation: libsoup ends a chunked body cut at a chunk boundary as
   * if it were complete. So ask for the bytes after what arrived: 416
   * (bytes * / N) confirms the end, 206 brings the rest. */
  if (self->failure == NULL && self->expected_end == BARGE_SIZE_UNKNOWN && self->offset > 0 &&
      !self->verifying && !self->wanted && self->fd >= 0)
    {
      self->verifying = TRUE;
      self->eof = FALSE;
      g_clear_object (&self->body);
      send_request (self);
      return;
    }

  /* Main reached the end of its piece: the pieces no segment fetched
   * (none was lent, or one failed) are main's, one request each. */
  if (self->failure == NULL && self->limit != BARGE_SIZE_UNKNOWN && self->offset == self->limit && self->fd >= 0 &&
      (!g_cancellable_is_cancelled (self->cancellable)))
    {
      BargedRange piece;

      if (_barged_transfer_next_piece (self, &piece))
        {
          BargedRange done = { self->piece_start, self->offset };

          if (done.end > done.start)
            g_array_append_val (self->unsynced, done);
          self->counted += self->offset - self->piece_start;
          self->offset = self->piece_start = piece.start;
          self->limit = piece.end;
          self->eof = FALSE;
          g_clear_object (&self->body);
          send_request (self);
          return;
        }
    }

  /* A server may answer a range with less than was asked for (some cap
   * the size of a part): ask for the rest from where this part ended. */
  if (self->failure == NULL && self->expected_end != BARGE_SIZE_UNKNOWN &&
      self->offset < (self->limit != BARGE_SIZE_UNKNOWN ? self->limit : self->expected_end) &&
      self->range_end == self->offset && self->part_start < self->offset && self->fd >= 0)
    {
      self->eof = FALSE;
      g_clear_object (&self->body);
      send_request (self);
      return;
    }

  /* (The last bytes of the body may still wait in the buffer, for the
   * syncer: holds_the_end().) */
  if (self->failure == NULL && self->limit != BARGE_SIZE_UNKNOWN && self->offset + self->fill != self->limit)
    _barged_transfer_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_CONNECTION_CLOSED,
                             "the body ended at %" G_GUINT64_FORMAT ", before %" G_GUINT64_FORMAT,
                             self->offset, self->limit));
  else if (self->failure == NULL && self->limit == BARGE_SIZE_UNKNOWN && self->expected_end != BARGE_SIZE_UNKNOWN &&
           self->offset + self->fill != self->expected_end)
    _barged_transfer_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_CONNECTION_CLOSED,
                             "the body ended after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes",
                             self->offset, self->expected_end));
  if (self->failure == NULL && self->limit == BARGE_SIZE_UNKNOWN)
    barged_file_set_total (self->file, self->offset + self->fill);

  self->finishing = TRUE;
  g_clear_object (&self->body);
  if (self->fd < 0)
    {
      g_autoptr(GTask) run = g_steal_pointer (&self->task);
      g_task_return_error (run, self->failure != NULL ? g_steal_pointer (&self->failure)
                                                      : g_error_new_literal (BARGE_ERROR, BARGE_ERROR_FAILED,
                                                                             "no temporary file"));
      return;
    }
  _barged_transfer_finish_writes (self, ends_with_batch (self) && self->failure == NULL);
}

static char *
strong_etag (SoupMessageHeaders *headers)
{
  const char *etag = soup_message_headers_get_one (headers, "ETag");
  return barged_http_etag_is_strong (etag) ? g_strdup (etag) : NULL;
}

static char *
strong_last_modified (SoupMessageHeaders *headers)
{
  const char *lm = soup_message_headers_get_one (headers, "Last-Modified");
  const char *date = soup_message_headers_get_one (headers, "Date");
  return barged_http_last_modified_is_strong (lm, date) ? g_strdup (lm) : NULL;
}

/* How the validators of a response compare with those the partial data
 * came with: the same kind on both sides (ETag first) decides; else
 * @missing_counts says whether validators the file had and the response
 * lacks count as a difference. */
static gboolean
validators_compare (BargedFile *file, const char *etag, const char *last_modified, gboolean missing_counts)
{
  const char *old_etag = barged_file_get_etag (file);
  const char *old_lm = barged_file_get_last_modified (file);

  if (old_etag != NULL && etag != NULL)
    return g_strcmp0 (old_etag, etag) != 0;
  if (old_lm != NULL && last_modified != NULL)
    return g_strcmp0 (old_lm, last_modified) != 0;
  return missing_counts && (old_etag != NULL || old_lm != NULL);
}

/* Anything but the same strong validator: the response may be another
 * resource. */
static gboolean
validators_differ (BargedFile *file, const char *etag, const char *last_modified)
{
  return validators_compare (file, etag, last_modified, TRUE);
}

/* Both sides name a strong validator of the same kind, and they differ. */
static gboolean
validators_conflict (BargedFile *file, const char *etag, const char *last_modified)
{
  return validators_compare (file, etag, last_modified, FALSE);
}

static gboolean
encoding_is_identity (SoupMessageHeaders *headers)
{
  const char *coding = soup_message_headers_get_list (headers, "Content-Encoding");

  return coding == NULL || *coding == '\0' || g_ascii_strcasecmp (coding, "identity") == 0;
}

/* A file of ranges: main fetches its missing parts one request each, on
 * its own connection (no segments: the ranges are the pieces). FALSE
 * when nothing is missing. */
static gboolean
start_at_first_gap (BargedTransfer *self)
{
  BargedRange gap;

  self->segmented = TRUE;
  self->segments_off = TRUE;
  if (!barged_file_next_gap (self->file, 0, &gap.start, &gap.end))
    return FALSE;
  self->offset = self->piece_start = gap.start;
  self->limit = gap.end;
  return TRUE;
}

/* The ranges of a file must lie within it once its length is known. */
static GError *
ranges_past_end (BargedTransfer *self, guint64 total)
{
  const GArray *wanted = barged_file_get_wanted (self->file);
  const BargedRange *last;

  if (wanted == NULL || total == BARGE_SIZE_UNKNOWN)
    return NULL;
  last = &g_array_index (wanted, BargedRange, wanted->len - 1);
  if (last->end == BARGE_SIZE_UNKNOWN ? last->start < total : last->end <= total)
    return NULL;
  return g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_RANGE,
                      "the file has %" G_GUINT64_FORMAT " bytes: its range from %" G_GUINT64_FORMAT
                      " lies past the end", total, last->start);
}

static void
restart_from_zero (BargedTransfer *self, gboolean response_changed)
{
  barged_file_mark_restarted (self->file, response_changed);
  self->generation++;
  self->offset = 0;
  self->truncate_next = TRUE;
  /* The truncate gives the reserved blocks back: reserved again. */
  self->reserved = FALSE;
  /* A new representation is fetched whole, on one connection. */
  self->limit = BARGE_SIZE_UNKNOWN;
  self->piece_start = 0;
  self->counted = 0;
  self->segmented = FALSE;
  self->segments_off = TRUE;
  g_array_set_size (self->unsynced, 0);
  g_array_set_size (self->queue, 0);
  /* Whatever the last request was checking or asking for is moot: the
   * next one is a plain GET of a new body (a stale end check once took
   * that body's 200 for "nothing more to come", and a file of 0 bytes
   * counted as transferred). */
  self->verifying = FALSE;
  self->part_start = 0;
  self->range_end = BARGE_SIZE_UNKNOWN;
  self->expected_end = BARGE_SIZE_UNKNOWN;
  /* A file of ranges starts over at its first range, not at byte 0. */
  if (self->wanted)
    start_at_first_gap (self);
  g_signal_emit (self, _barged_transfer_signals[SIGNAL_CHECKPOINT], 0);
  g_signal_emit (self, _barged_transfer_signals[SIGNAL_PROGRESS], 0);
}

/* Ends the run with @error once nothing is in flight. */
static void
fail_now (BargedTransfer *self, GError *error)
{
  _barged_transfer_fail (self, error);
  self->eof = TRUE;
  _barged_transfer_maybe_finish (self);
}

/* A transport failure of the request. A redirect to a scheme libsoup
 * cannot follow (file:, ftp:, ...) is the server's lasting answer, not a
 * glitch to retry. */
static GError *
send_error (BargedTransfer *self, const GError *error)
{
  g_autoptr(GError) timed = barged_header_deadline_error (self->deadline, error);
  const char *location = soup_message_headers_get_one (soup_message_get_response_headers (self->msg), "Location");
  g_autoptr(GUri) target = NULL;

  if (barged_tls_stopped (self->tls, self->msg))
    return barged_tls_request_error (self->tls, self->msg, error);
  if (g_error_matches (timed, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_REDIRECT_BAD_URI) && location != NULL)
    {
      target = g_uri_parse_relative (soup_message_get_uri (self->msg), location, SOUP_HTTP_URI_FLAGS, NULL);
      if (target != NULL && g_strcmp0 (g_uri_get_scheme (target), "http") != 0 &&
          g_strcmp0 (g_uri_get_scheme (target), "https") != 0)
        return g_error_new (BARGE_ERROR, BARGE_ERROR_UNSUPPORTED_SCHEME,
                            "the server redirected to a %s: URL; only http and https are followed",
                            g_uri_get_scheme (target));
    }
  if (timed->domain == G_TLS_ERROR)
    return barged_tls_request_error (self->tls, self->msg, timed);
  return barged_error_new_for_io (timed, FALSE);
}

/* The body of @msg is the file from byte 0: a 200, or a 206 to a request
 * without Range that starts at 0 (a server that answers a plain GET with a
 * first part). @range_end is one past its last byte when known. */
static void
take_whole (BargedTransfer *self, SoupMessageHeaders *headers, const char *etag, const char *last_modified,
            guint64 total, guint64 range_end)
{
  /* What a HEAD announced counts for a body without a length of its own,
   * unless the representation changed since: more is an error, less is a
   * cut body. */
  guint64 announced = validators_differ (self->file, etag, last_modified) ? BARGE_SIZE_UNKNOWN
                                                                         : barged_file_get_total (self->file);

  /* Bytes already on disk, before this offset or in pieces further on
   * (a segmented file resumed without a durable prefix), are of the body
   * the file had: this one may be another version, so it starts over. */
  if (self->offset > 0 || barged_file_get_durable_bytes (self->file) > 0)
    restart_from_zero (self, validators_differ (self->file, etag, last_modified));
  if (total == BARGE_SIZE_UNKNOWN && soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    total = range_end = (guint64) soup_message_headers_get_content_length (headers);
  if (total == BARGE_SIZE_UNKNOWN && announced != BARGE_SIZE_UNKNOWN)
    total = announced;
  self->range_end = range_end;
  self->expected_end = total;
}

/* A server that says what the whole file hashes to (RFC 9530 Repr-Digest,
 * or the older Digest) is held to it, for a file the client gave no
 * digest of: the client's own wins. */
static void
adopt_server_digest (BargedTransfer *self, SoupMessageHeaders *headers)
{
  g_autofree char *hex = NULL;
  const char *kind = NULL;
  BargedDigestKind parsed;

  /* (Of the whole file, which a file of ranges never holds.) */
  if (self->digest != NULL || self->wanted ||
      !barged_http_parse_repr_digest (soup_message_headers_get_one (headers, "Repr-Digest"),
                                      soup_message_headers_get_one (headers, "Digest"), &kind, &hex) ||
      !barged_digest_parse (kind, hex, &parsed, NULL, NULL))
    return;
  self->digest = barged_digest_new (parsed, hex);
  self->digest_from_server = TRUE;
}

static void
on_revocation_fetched (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargedTransfer) self = user_data;
  GError *error = NULL;

  if (!barged_tls_fetch_finish (self->tls, res, &error))
    {
      fail_now (self, barged_error_new_for_io (error, FALSE));
      g_error_free (error);
      return;
    }
  send_request (self);
}

/* A kept-alive connection had its server's chain checked at its
 * handshake, which may be long past: before its response is used, the
 * revocation verdict is asked of the cache again. Lists that went stale
 * since are fetched and the request is made again (it comes back here);
 * a chain revoked since, or whose status cannot be learned now, fails the
 * file as the handshake of a new connection would. FALSE: the response
 * is not to be used. */
static gboolean
revocation_still_good (BargedTransfer *self)
{
  g_autoptr(GPtrArray) wanted = NULL;
  GError *error = NULL;
  BargedRevocationVerdict verdict = barged_tls_recheck (self->tls, self->msg, self->session, &wanted, &error);

  if (verdict == BARGED_REVOCATION_GOOD)
    return TRUE;
  if (verdict == BARGED_REVOCATION_UNKNOWN && self->revocation_fetches < 2)
    {
      self->revocation_fetches++;
      barged_tls_fetch_async (self->tls, self->session, wanted, self->cancellable, on_revocation_fetched,
                              g_object_ref (self));
      return FALSE;
    }
  fail_now (self, barged_tls_verdict_error (verdict, error));
  return FALSE;
}

/* The outcome of a request (soup_session_send_finish's): takes @sent_body
 * and @sent_error. */
static void
take_response (BargedTransfer *self, GInputStream *sent_body, GError *sent_error)
{
  g_autoptr(GError) error = sent_error;
  g_autoptr(GInputStream) body = sent_body;
  g_autoptr(BargedHeaderDeadline) deadline = NULL;
  SoupMessageHeaders *headers;
  g_autofree char *etag = NULL;
  g_autofree char *last_modified = NULL;
  const char *range;
  guint status;
  guint64 first = 0, last = 0, total = BARGE_SIZE_UNKNOWN;
  GError *past = NULL;

  if (body == NULL)
    {
      GError *failure = NULL;

      /* The handshake stopped for revocation lists the cache lacked: the
       * request again once they are in (twice at most: a cache that
       * loses them at once is an error, not a loop). */
      if (self->revocation_fetches < 2 &&
          barged_tls_fetch_wanted (self->tls, self->msg, self->session, self->cancellable, on_revocation_fetched,
                                   g_object_ref (self)))
        {
          self->revocation_fetches++;
          g_clear_pointer (&self->deadline, barged_header_deadline_free);
          return;
        }
      failure = send_error (self, error);
      g_clear_pointer (&self->deadline, barged_header_deadline_free);
      fail_now (self, failure);
      return;
    }
  deadline = g_steal_pointer (&self->deadline);
  if (!revocation_still_good (self))
    return;

  status = soup_message_get_status (self->msg);
  {
    g_autofree char *final_url = barged_request_final_url (soup_message_get_uri (self->msg));

    barged_file_set_final_url (self->file, final_url);
  }
  if (self->redirect_refused != NULL && SOUP_STATUS_IS_REDIRECTION (status))
    {
      self->http_status = status;
      fail_now (self, g_steal_pointer (&self->redirect_refused));
      return;
    }
  self->range_end = BARGE_SIZE_UNKNOWN;
  headers = soup_message_get_response_headers (self->msg);
  etag = strong_etag (headers);
  last_modified = strong_last_modified (headers);
  range = soup_message_headers_get_one (headers, "Content-Range");
  /* The URL for the log is built only for a log that shows it: parsed
   * and printed for every response, it took about 1 % of the main
   * thread in a job of 10,000 small files. */
  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    {
      g_autofree char *log_url = barged_request_url_for_log (barged_file_get_url (self->file));

      g_debug ("%s: HTTP %u", log_url, status);
    }

  if (status == SOUP_STATUS_PARTIAL_CONTENT && !self->asked_range)
    {
      /* No Range was asked for (RFC 9110 forbids this answer). A first
       * part from byte 0 of a known length is usable; the rest is asked
       * for as with a server that caps its parts. Anything else cannot be
       * placed in the file. */
      if (!barged_http_parse_content_range (range, &first, &last, &total) || first != 0 ||
          total == BARGE_SIZE_UNKNOWN)
        {
          fail_now (self, g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_SERVER_RESPONSE,
                                       "the server answered a request for the whole file with "
                                       "206 and Content-Range: %s", range ? range : "(none)"));
          return;
        }
      take_whole (self, headers, etag, last_modified, total, last + 1);
    }
  else if (status == SOUP_STATUS_PARTIAL_CONTENT)
    {
      if (!barged_http_parse_content_range (range, &first, &last, &total) || first != self->offset)
        {
          fail_now (self, g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_SERVER_RESPONSE,
                                       "the server answered a request for bytes from %" G_GUINT64_FORMAT
                                       " with Content-Range: %s", self->offset, range ? range : "(none)"));
          return;
        }
      /* Content-Length covers this part only: any other figure means the
       * body and the range disagree, and neither can be trusted. */
      if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
          (guint64) soup_message_headers_get_content_length (headers) != last - first + 1)
        {
          fail_now (self, g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_SERVER_RESPONSE,
                                       "Content-Length %" G_GOFFSET_FORMAT " does not match Content-Range: %s",
                                       soup_message_headers_get_content_length (headers), range));
          return;
        }
      /* A server that ignores If-Range may still answer 206 for a changed
       * resource; a new strong validator, a new length or a switch of
       * content coding (offsets count coded bytes) is a new
       * representation: start over rather than splice two of them. A
       * server without strong validators leaves the length as the one sign
       * of change. */
      if (validators_conflict (self->file, etag, last_modified) || !encoding_is_identity (headers) ||
          (barged_file_get_total (self->file) != BARGE_SIZE_UNKNOWN && total != BARGE_SIZE_UNKNOWN &&
           total != barged_file_get_total (self->file)))
        {
          /* Past the restarts, never taken as it is: that would splice
           * the versions after all. */
          if (self->restarts++ >= MAX_RESTARTS)
            {
              self->http_status = status;
              fail_now (self, g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_SERVER_RESPONSE,
                                           "the server answered a range of another version of the file after %d "
                                           "restarts: its parts cannot make one file", MAX_RESTARTS));
              return;
            }
          restart_from_zero (self, TRUE);
          send_request (self);
          return;
        }
      past = ranges_past_end (self, total);
      if (past != NULL)
        {
          self->http_status = status;
          fail_now (self, past);
          return;
        }
      /* More bytes came: the end of this body needs checking again. */
      self->verifying = FALSE;
      self->range_end = last + 1;
      /* A part that does not say the complete length ("*") leaves the
       * one known: the end the body is held to, and BytesTotal. */
      self->expected_end = total != BARGE_SIZE_UNKNOWN ? total : barged_file_get_total (self->file);
    }
  else if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE && self->wanted)
    {
      guint64 length = BARGE_SIZE_UNKNOWN;

      /* A range the file does not reach: not a gap to fill, the client's
       * ranges are wrong for this file. */
      if (barged_http_parse_unsatisfied_range (range, &length))
        past = ranges_past_end (self, length);
      if (past == NULL)
        past = g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_RANGE,
                            "the server cannot serve bytes from %" G_GUINT64_FORMAT " (HTTP 416)", self->offset);
      self->http_status = status;
      fail_now (self, past);
      return;
    }
  else if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE && self->asked_range)
    {
      guint64 length;

      /* If-Range held (else the answer were 200), so the validators match
       * even when the 416 does not repeat them; but not when the file was
       * known to be longer: a cache holding a copy cut short says so too. */
      if (barged_http_parse_unsatisfied_range (range, &length) && length == self->offset &&
          (barged_file_get_total (self->file) == BARGE_SIZE_UNKNOWN || barged_file_get_total (self->file) == length) &&
          !validators_conflict (self->file, etag, last_modified))
        {
          /* We already have every byte: a crash struck after the last
           * write, or the end of a body of unknown length is confirmed. */
          self->expected_end = self->offset;
          self->eof = TRUE;
          g_signal_emit (self, _barged_transfer_signals[SIGNAL_CONNECTED], 0);
          _barged_transfer_maybe_finish (self);
          return;
        }
      if (self->restarts++ < MAX_RESTARTS)
        {
          restart_from_zero (self, TRUE);
          send_request (self);
          return;
        }
      self->http_status = status;
      fail_now (self, barged_error_new_for_http_status (status, soup_message_get_reason_phrase (self->msg)));
      return;
    }
  else if (SOUP_STATUS_IS_SUCCESSFUL (status) && self->verifying && self->asked_range &&
           !validators_conflict (self->file, etag, last_modified))
    {
      /* The end check of a body of unknown length got the whole file
       * again: the server ignores ranges, the end cannot be checked, and
       * the body that ended cleanly is what there is. */
      self->expected_end = self->offset;
      self->eof = TRUE;
      _barged_transfer_maybe_finish (self);
      return;
    }
  else if (SOUP_STATUS_IS_SUCCESSFUL (status) && self->wanted)
    {
      /* The whole file, when only some of its bytes were wanted: BITS
       * fails such a file too (BG_E_INSUFFICIENT_RANGE_SUPPORT). */
      self->http_status = status;
      fail_now (self, g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_RANGE,
                                   "the server does not serve ranges: it answered a request for bytes from %"
                                   G_GUINT64_FORMAT " with HTTP %u and the whole file", self->offset, status));
      return;
    }
  else if (SOUP_STATUS_IS_SUCCESSFUL (status))
    take_whole (self, headers, etag, last_modified, BARGE_SIZE_UNKNOWN, BARGE_SIZE_UNKNOWN);
  else
    {
      const char *retry = soup_message_headers_get_one (headers, "Retry-After");

      /* Honoured, with a cap. */
      self->retry_after = barged_http_retry_after_wait (retry, g_get_real_time () / G_USEC_PER_SEC);
      self->http_status = status;
      fail_now (self, barged_error_new_for_http_status (status, soup_message_get_reason_phrase (self->msg)));
      return;
    }

  /* A file over the file size limit fails before its bytes come, not at
   * the limit (a file of ranges writes only up to its last range: its
   * writes say it). One too large for FAT fails at its first write,
   * which asks the file system (barged_reserve_space()): statfs may
   * block, on NFS, and must not on this thread. */
  if (!self->wanted && self->expected_end != BARGE_SIZE_UNKNOWN)
    {
      GError *too_large = barged_error_new_for_file_size (self->expected_end);

      if (too_large != NULL)
        {
          fail_now (self, too_large);
          return;
        }
    }
  adopt_server_digest (self, headers);
  self->part_start = self->offset;
  barged_file_set_total (self->file, self->expected_end);
  barged_file_set_validators (self->file, etag, last_modified);
  self->body = g_steal_pointer (&body);
  g_signal_emit (self, _barged_transfer_signals[SIGNAL_CONNECTED], 0);
  if (self->expected_end == self->offset && self->offset > 0 && !self->truncate_next)
    self->eof = TRUE;
  start_read (self);
  _barged_transfer_maybe_finish (self);
}

/* The response of a request whose file could not be opened: dropped. */
static void
drop_response (BargedTransfer *self)
{
  g_clear_object (&self->early_body);
  g_clear_error (&self->early_error);
  g_clear_pointer (&self->deadline, barged_header_deadline_free);
  self->eof = TRUE;
  _barged_transfer_maybe_finish (self);
}

/* A new file's request goes out while its temporary is opened (run_async):
 * an outcome that comes first waits for the open, and one whose file could
 * not be opened is dropped. */
static void
on_sent (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargedTransfer) self = user_data;
  GError *error = NULL;
  GInputStream *body = soup_session_send_finish (SOUP_SESSION (source), res, &error);

  if (self->opening)
    {
      /* With the headers in, the deadline ends, as in take_response(): it
       * must not cancel libsoup's finished send (and with it the body)
       * when the run is cancelled while the outcome waits; the body's
       * reads have the run's cancellable. A failed send keeps it to name
       * a timeout. */
      if (body != NULL)
        g_clear_pointer (&self->deadline, barged_header_deadline_free);
      self->early_body = body;
      self->early_error = error;
      return;
    }
  if (self->open_failed)
    {
      g_clear_object (&body);
      g_clear_error (&error);
      drop_response (self);
      return;
    }
  take_response (self, body, error);
}

/* Every response, redirects included, before libsoup acts on it. */
static void
on_got_headers (SoupMessage *msg, BargedTransfer *self)
{
  g_autoptr(GUri) target = NULL;
  g_autofree char *target_url = NULL;
  guint status = soup_message_get_status (msg);

  g_clear_error (&self->redirect_refused);
  self->redirect_refused = barged_request_check_redirect (msg, self->redirect_policy, self->allow_https_to_http,
                                                          &target);
  if (target == NULL || self->redirect_policy != BARGE_REDIRECT_POLICY_ALLOW_REPORT ||
      (status != SOUP_STATUS_MOVED_PERMANENTLY && status != SOUP_STATUS_PERMANENT_REDIRECT))
    return;
  /* BITS' "allow and report": the file moved for good. Within its origin
   * only: the job's credentials and custom headers belong to that. */
  target_url = barged_request_final_url (target);
  if (barged_request_same_origin (barged_file_get_url (self->file), target))
    barged_file_set_url (self->file, target_url);
}

/* The job's headers as they are now: a SetCustomHeaders reaches the next
 * request. */
static void
add_custom_headers (BargedTransfer *self, SoupMessage *msg)
{
  g_autoptr(GVariant) headers = self->credentials != NULL
                                  ? barged_credentials_dup_headers (self->credentials, self->job_id) : NULL;

  barged_request_add_custom_headers (msg, headers, barged_file_get_url (self->file));
}

static void
send_request (BargedTransfer *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (barged_file_get_url (self->file), SOUP_HTTP_URI_FLAGS, &error);
  g_autoptr(GCancellable) guarded = NULL;
  SoupMessageHeaders *headers;

  if (uri == NULL)
    {
      fail_now (self, g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "bad URL: %s", error->message));
      return;
    }
  g_clear_object (&self->msg);
  self->msg = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  headers = soup_message_get_request_headers (self->msg);
  /* Range offsets count encoded bytes; an encoding chosen per response
   * would make them meaningless, so ask for the bytes as stored. */
  soup_message_headers_replace (headers, "Accept-Encoding", "identity");
  soup_message_disable_feature (self->msg, SOUP_TYPE_CONTENT_DECODER);
  /* The session is shared by every user's jobs: never let one job's
   * credentials be cached and sent for another's. */
  soup_message_add_flags (self->msg, SOUP_MESSAGE_DO_NOT_USE_AUTH_CACHE);
  /* Credentials belong to the origin (scheme, host, port) the file was
   * added with: a redirect elsewhere (another host, or https to http) gets
   * none. */
  if (self->answers != NULL)
    barged_auth_answers_attach (self->answers, self->msg, barged_file_get_url (self->file));
  g_signal_connect (self->msg, "got-headers", G_CALLBACK (on_got_headers), self);
  g_clear_error (&self->redirect_refused);
  add_custom_headers (self, self->msg);
  barged_tls_apply (self->tls, self->msg);
  self->request_from = self->offset;
  /* From byte 0 too when pieces further on are durable: If-Range then
   * tells whether they still belong to the server's version. */
  self->asked_range = self->offset > 0 || self->wanted || barged_file_get_durable_bytes (self->file) > 0;
  if (self->asked_range)
    {
      const char *etag = barged_file_get_etag (self->file);
      const char *lm = barged_file_get_last_modified (self->file);

      /* A piece of a segmented file ends where the next one starts: asked
       * for with its end, the server sends no byte past it and the
       * connection stays usable. */
      soup_message_headers_set_range (headers, (goffset) self->offset,
                                      self->limit != BARGE_SIZE_UNKNOWN ? (goffset) self->limit - 1 : -1);
      if (etag != NULL)
        soup_message_headers_replace (headers, "If-Range", etag);
      else if (lm != NULL)
        soup_message_headers_replace (headers, "If-Range", lm);
    }
  g_clear_pointer (&self->deadline, barged_header_deadline_free);
  self->deadline = barged_header_deadline_new (self->msg, self->timeout_s,
                                               self->cancellable);
  guarded = barged_tls_guard (self->tls, self->msg, self->session,
                              barged_header_deadline_get_cancellable (self->deadline));
  soup_session_send_async (self->session, self->msg, G_PRIORITY_DEFAULT, guarded, on_sent, g_object_ref (self));
}

/* The request of an early file ended while its temporary was opened. */
static gboolean
sent_early (BargedTransfer *self)
{
  return self->early_body != NULL || self->early_error != NULL;
}

static void
on_opened (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargedTransfer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *new_path = NULL;
  guint64 offset = 0;
  BargedFileId id;
  gboolean early = self->opening;

  self->opening = FALSE;
  self->fd = barged_file_access_open_temporary_finish (res, &offset, &id, &new_path, &error);
  if (self->fd < 0 && early)
    {
      /* The request is in flight, or answered: its response is dropped,
       * and the run ends with this error (the first failure counts). */
      self->open_failed = TRUE;
      _barged_transfer_fail (self, barged_error_new_for_io (error, TRUE));
      /* A request still in flight ends on its own (on_sent drops it): a
       * cancel could reach libsoup after its send finished. */
      if (sent_early (self))
        drop_response (self);
      return;
    }
  if (self->fd < 0)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->task);
      g_task_return_error (task, barged_error_new_for_io (error, TRUE));
      return;
    }
  /* A first open of the recorded temporary, with nothing durable yet: the
   * record is right as it is. Without the identity on record, a restart
   * takes the file at that path if it is a regular file of the owner with
   * one link (barged_file_access_open_temporary_async()), and the file's
   * next record carries the identity. Only a new path, or a new file where
   * another was recorded, must be on record before bytes go in. This saves
   * a small file half its store writes. */
  gboolean fresh = new_path == NULL && !barged_file_id_is_set (barged_file_get_temporary_id (self->file)) &&
                   barged_file_get_durable_bytes (self->file) == 0;

  /* Something else sat at the recorded temporary: the bytes there are not
   * ours to trust, and the file starts over in a new one. */
  if (offset == 0 && barged_file_get_durable (self->file) > 0)
    barged_file_mark_restarted (self->file, FALSE);
  barged_file_set_temporary (self->file, new_path != NULL ? new_path : barged_file_get_temporary (self->file), &id);
  /* The durable ranges of a segmented file past what the temporary holds
   * are gone; main starts at the end of the durable prefix, and stops at
   * the first range after it. */
  barged_file_trim_ranges (self->file, offset);
  offset = MIN (offset, barged_file_get_durable (self->file));
  barged_file_set_durable (self->file, offset);
  self->offset = self->piece_start = offset;
  self->counted = barged_file_get_durable_bytes (self->file);
  self->last_sync = g_get_monotonic_time ();
  if (barged_file_has_ranges (self->file))
    {
      guint64 start, end;

      self->segmented = TRUE;
      if (barged_file_next_gap (self->file, offset, &start, &end))
        self->limit = end;
    }
  if (self->wanted)
    {
      GError *past = ranges_past_end (self, barged_file_get_total (self->file));

      if (past != NULL)
        {
          fail_now (self, past);
          return;
        }
      /* Every range is durable already (a stop came between the last
       * sync and the record of the file): only the final checks run. */
      if (!start_at_first_gap (self))
        {
          self->offset = self->piece_start = self->limit = barged_file_get_durable_end (self->file);
          self->eof = TRUE;
          _barged_transfer_update_done (self);
          _barged_transfer_maybe_finish (self);
          return;
        }
      self->counted = barged_file_get_durable_bytes (self->file);
    }
  _barged_transfer_update_done (self);
  /* The identity of the file must be on record before bytes go into it,
   * unless the record is right without it (above). */
  if (!fresh)
    g_signal_emit (self, _barged_transfer_signals[SIGNAL_CHECKPOINT], 0);
  if (!early)
    send_request (self);
  else if (sent_early (self))
    take_response (self, g_steal_pointer (&self->early_body), g_steal_pointer (&self->early_error));
}

static void
on_caller_cancelled (GCancellable *caller, gpointer ours)
{
  g_cancellable_cancel (G_CANCELLABLE (ours));
}

static void
on_ours_cancelled (GCancellable *ours, gpointer segments)
{
  g_cancellable_cancel (G_CANCELLABLE (segments));
}

void
barged_transfer_run_async (BargedTransfer *self, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (self->task == NULL);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, barged_transfer_run_async);
  self->wanted = barged_file_get_wanted (self->file) != NULL;
  g_atomic_int_set (&self->write_failed, FALSE);
  if (barged_file_get_checks (self->file)->has_digest)
    self->digest = barged_digest_new (barged_file_get_checks (self->file)->digest_kind,
                                      barged_file_get_checks (self->file)->digest);
  /* The result must say how far we got, even when cancelled. */
  g_task_set_check_cancellable (self->task, FALSE);
  self->cancellable = g_cancellable_new ();
  /* Whatever stops main stops its segments. */
  g_cancellable_connect (self->cancellable, G_CALLBACK (on_ours_cancelled),
                         g_object_ref (self->segments_cancellable), g_object_unref);
  if (cancellable != NULL)
    {
      self->caller_cancellable = g_object_ref (cancellable);
      self->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                    self->cancellable, NULL);
    }
  /* A file that starts from byte 0 asks for it at once, while its
   * temporary is opened on a worker: the open's round trip is no longer
   * added to each file's time on its connection (a job of small files
   * spent about as long waiting for it as for the server). One that
   * resumes needs the open's answer (what the temporary holds) first. */
  self->opening = barged_file_get_durable_end (self->file) == 0 && !barged_file_has_ranges (self->file) &&
                  !self->wanted;
  barged_file_access_open_temporary_async (self->owner,
                                           self->credentials != NULL
                                             ? barged_credentials_get_umask (self->credentials, self->job_id) : 022,
                                           barged_file_get_destination (self->file),
                                           barged_file_get_temporary (self->file),
                                           barged_file_get_temporary_id (self->file),
                                           barged_file_get_durable_end (self->file), self->cancellable,
                                           on_opened, g_object_ref (self));
  if (self->opening)
    send_request (self);
}

gboolean
barged_transfer_run_finish (BargedTransfer *self, GAsyncResult *res, gint64 *retry_after, guint *http_status,
                            GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, self), FALSE);
  if (retry_after != NULL)
    *retry_after = self->retry_after;
  if (http_status != NULL)
    *http_status = self->http_status;
  return g_task_propagate_boolean (G_TASK (res), error);
}

BargedTransfer *
barged_transfer_new (SoupSession *session, BargedFile *file, guint32 owner, const BargedSettings *settings)
{
  BargedTransfer *self = g_object_new (BARGED_TYPE_TRANSFER, NULL);

  self->session = g_object_ref (session);
  self->file = g_object_ref (file);
  self->owner = owner;
  self->checkpoint_interval_us = (gint64) MAX (settings->checkpoint_interval, 1u) * 1000;
  self->timeout_s = settings->transfer_timeout;
  return self;
}

void
barged_transfer_set_redirect_policy (BargedTransfer *self, BargeRedirectPolicy policy, gboolean allow_https_to_http)
{
  self->redirect_policy = policy;
  self->allow_https_to_http = allow_https_to_http;
}

void
barged_transfer_set_tls (BargedTransfer *self, BargedTls *tls)
{
  g_clear_pointer (&self->tls, barged_tls_unref);
  self->tls = tls != NULL ? barged_tls_ref (tls) : NULL;
}

void
barged_transfer_set_syncer (BargedTransfer *self, BargedSyncer *syncer)
{
  g_set_object (&self->syncer, syncer);
}

void
barged_transfer_set_bandwidth (BargedTransfer *self, BargedBandwidth *bandwidth)
{
  if (self->bandwidth != NULL)
    g_clear_signal_handler (&self->bandwidth_changed, self->bandwidth);
  g_set_object (&self->bandwidth, bandwidth);
  if (bandwidth != NULL)
    self->bandwidth_changed = g_signal_connect (bandwidth, "changed", G_CALLBACK (on_bandwidth_changed), self);
}

void
barged_transfer_set_credentials (BargedTransfer *self, BargedCredentials *credentials, const char *job_id,
                                 BargedAuthAnswers *answers)
{
  g_set_object (&self->credentials, credentials);
  g_free (self->job_id);
  self->job_id = g_strdup (job_id);
  g_set_object (&self->answers, answers);
}

static void
barged_transfer_finalize (GObject *object)
{
  BargedTransfer *self = BARGED_TRANSFER (object);

  g_assert (self->task == NULL);
  barged_file_access_close (self->owner, self->fd);
  g_clear_object (&self->body);
  g_clear_object (&self->early_body);
  g_clear_error (&self->early_error);
  g_clear_pointer (&self->deadline, barged_header_deadline_free);
  g_clear_object (&self->msg);
  if (self->caller_cancellable != NULL)
    g_cancellable_disconnect (self->caller_cancellable, self->caller_handler);
  g_clear_object (&self->caller_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->file);
  g_clear_object (&self->session);
  g_clear_object (&self->syncer);
  /* No throttle timer is left: it holds a reference. */
  if (self->bandwidth != NULL)
    g_clear_signal_handler (&self->bandwidth_changed, self->bandwidth);
  g_clear_object (&self->bandwidth);
  g_clear_object (&self->credentials);
  g_clear_object (&self->answers);
  g_clear_pointer (&self->tls, barged_tls_unref);
  g_free (self->job_id);
  g_clear_error (&self->failure);
  g_clear_error (&self->redirect_refused);
  g_clear_pointer (&self->digest, barged_digest_unref);
  for (guint i = 0; i < BARGED_TRANSFER_N_BUFFERS; i++)
    g_free (self->buffers[i]);
  barged_work_queue_free (self->writer);
  barged_work_queue_free (self->hasher);
  g_array_unref (self->unsynced);
  g_array_unref (self->queue);
  g_ptr_array_unref (self->segments);
  g_clear_object (&self->segments_cancellable);
  G_OBJECT_CLASS (barged_transfer_parent_class)->finalize (object);
}

static void
barged_transfer_init (BargedTransfer *self)
{
  self->fd = -1;
  self->retry_after = -1;
  self->expected_end = BARGE_SIZE_UNKNOWN;
  self->range_end = BARGE_SIZE_UNKNOWN;
  self->limit = BARGE_SIZE_UNKNOWN;
  self->unsynced = g_array_new (FALSE, FALSE, sizeof (BargedRange));
  self->queue = g_array_new (FALSE, FALSE, sizeof (BargedRange));
  self->segments = g_ptr_array_new_with_free_func (g_object_unref);
  self->segments_cancellable = g_cancellable_new ();
}

static void
barged_transfer_class_init (BargedTransferClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = barged_transfer_finalize;

  _barged_transfer_signals[SIGNAL_CONNECTED] = g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  _barged_transfer_signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  _barged_transfer_signals[SIGNAL_CHECKPOINT] = g_signal_new ("checkpoint", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  _barged_transfer_signals[SIGNAL_SEGMENT_RELEASED] = g_signal_new ("segment-released", G_TYPE_FROM_CLASS (klass),
                                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  _barged_transfer_signals[SIGNAL_BODY_DONE] = g_signal_new ("body-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}
