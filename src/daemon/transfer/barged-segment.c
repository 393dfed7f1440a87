/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedTransfer"

#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "barge.h"
#include "barged-errors.h"
#include "barged-file-access.h"
#include "barged-http.h"
#include "barged-request.h"
#include "barged-segment.h"
#include "barged-transfer.h"
#include "barge-tsan.h"

/* Simpler than BargedTransfer's pipeline: read a buffer, write it on a
 * worker, read the next. Several segments run side by side, so their
 * reads and writes overlap one another. */

struct _BargedSegment
{
  GObject parent_instance;

  guint32 owner;              /* whose temporary it writes into */
  SoupSession *session;
  BargedBandwidth *bandwidth;
  char *url;
  char *if_range;
  GVariant *custom_headers;   /* a(ss) or NULL */
  BargedTls *tls;             /* the job's TLS options, or NULL */
  char *origin_url;           /* the file's URL, whose origin the headers belong to */
  BargedAuthAnswers *answers; /* or NULL */
  char *auth_origin_url;      /* the same for credentials */
  int fd;
  guint64 start;              /* of the range durable so far, then of what is not yet */
  guint64 pos;                /* where the next buffer goes */
  guint64 end;
  guint64 total;
  guint64 since_sync;
  gint64 last_sync;
  gint64 checkpoint_interval_us;
  guint timeout_s;

  GTask *task;
  SoupMessage *msg;
  BargedHeaderDeadline *deadline;
  GInputStream *body;
  guint8 *buffer;
  gsize fill;
  gboolean eof;
  GError *failure;
};

G_DEFINE_TYPE (BargedSegment, barged_segment, G_TYPE_OBJECT)

enum { SIGNAL_WRITTEN, SIGNAL_DURABLE, N_SIGNALS };
static guint signals[N_SIGNALS];

static void next_step (BargedSegment *self);

typedef struct {
  int fd;
  const guint8 *data;
  gsize len;
  guint64 pos;
  gboolean sync;
} SegmentWrite;

static void
write_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  BARGE_TSAN_TASK_THREAD (task);
  SegmentWrite *op = task_data;
  int errsv = barged_pwrite_all (op->fd, op->data, op->len, op->pos);

  if (errsv == 0 && op->sync && fdatasync (op->fd) != 0)
    errsv = errno;
  if (errsv == 0)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, barged_error_new_for_write_errno (errsv));
}

static void
fail (BargedSegment *self, GError *error)
{
  if (self->failure == NULL)
    self->failure = error;
  else
    g_error_free (error);
  self->eof = TRUE;
  self->fill = 0;
}

static void
on_written (GObject *source, GAsyncResult *res, gpointer user_data)
{
  BARGE_TSAN_TASK_CALLBACK (res);
  g_autoptr(BargedSegment) self = user_data;
  SegmentWrite *op = g_task_get_task_data (G_TASK (res));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (res), &error))
    {
      fail (self, g_steal_pointer (&error));
      next_step (self);
      return;
    }
  self->pos = op->pos + op->len;
  if (op->len > 0)
    g_signal_emit (self, signals[SIGNAL_WRITTEN], 0, (guint64) op->len);
  if (op->sync)
    {
      /* Only after the fdatasync: a crash never trusts the page cache. */
      if (self->pos > self->start)
        g_signal_emit (self, signals[SIGNAL_DURABLE], 0, self->start, self->pos);
      self->start = self->pos;
      self->since_sync = 0;
      self->last_sync = g_get_monotonic_time ();
    }
  next_step (self);
}

/* Hands the buffer to a worker; @sync makes everything written so far durable. */
static void
submit (BargedSegment *self, gboolean sync)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, on_written, g_object_ref (self));
  SegmentWrite *op = g_new0 (SegmentWrite, 1);

  op->fd = self->fd;
  op->data = self->buffer;
  op->len = self->fill;
  op->pos = self->pos;
  op->sync = sync;
  self->since_sync += self->fill;
  self->fill = 0;
  g_task_set_task_data (task, op, g_free);
  BARGE_TSAN_RELEASE (task);
  g_task_run_in_thread (task, write_thread);
}

static void
finished (BargedSegment *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  g_clear_object (&self->body);
  if (self->failure != NULL)
    g_task_return_error (task, g_steal_pointer (&self->failure));
  else
    g_task_return_boolean (task, TRUE);
}

static void on_read (GObject *source, GAsyncResult *res, gpointer user_data);

static gboolean
throttle_cb (gpointer user_data)
{
  next_step (user_data);
  return G_SOURCE_REMOVE;
}

/* After each read or write: write a full buffer (or the last one), sync
 * at the checkpoint size and at the end, else read on. */
static void
next_step (BargedSegment *self)
{
  gsize want = BARGED_TRANSFER_BUFFER_SIZE - self->fill;

  if (self->task == NULL)
    return;
  if (self->eof)
    {
      /* The last write syncs; a segment that wrote nothing since its last
       * sync has nothing to make durable. */
      if (self->fill > 0 || self->since_sync > 0)
        submit (self, TRUE);
      else
        finished (self);
      return;
    }
  if (self->fill == BARGED_TRANSFER_BUFFER_SIZE)
    {
      /* The transfer's checkpoint rule: every 32 MiB or CheckpointInterval. */
      submit (self, self->since_sync + self->fill >= BARGED_TRANSFER_CHECKPOINT_BYTES ||
                    g_get_monotonic_time () - self->last_sync >= self->checkpoint_interval_us);
      return;
    }
  if (self->bandwidth != NULL)
    {
      gint64 delay = barged_bandwidth_delay (self->bandwidth, g_get_monotonic_time ());

      if (delay > 0)
        {
          g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) ((delay + 999) / 1000), throttle_cb, g_object_ref (self),
                              g_object_unref);
          return;
        }
      want = barged_bandwidth_chunk (self->bandwidth, want);
    }
  g_input_stream_read_async (self->body, self->buffer + self->fill, want, G_PRIORITY_DEFAULT,
                             g_task_get_cancellable (self->task), on_read, g_object_ref (self));
}

/* Counts a read of @n bytes (0: the end; < 0: @error). Returns whether
 * reading may go on in this turn. */
static gboolean
take_read (BargedSegment *self, gssize n, GError *error)
{
  if (n > 0 && self->bandwidth != NULL)
    barged_bandwidth_charge (self->bandwidth, (gsize) n, g_get_monotonic_time ());
  if (n < 0)
    {
      /* What arrived before the failure is still worth keeping. */
      gsize kept = self->fill;

      fail (self, barged_error_new_for_io (error, FALSE));
      self->fill = kept;
    }
  else if (n == 0)
    {
      self->eof = TRUE;
      if (self->pos + self->fill != self->end)
        {
          gsize kept = self->fill;

          fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_CONNECTION_CLOSED,
                                   "a segment ended after %" G_GUINT64_FORMAT " of its bytes up to %"
                                   G_GUINT64_FORMAT, self->pos + self->fill, self->end));
          self->fill = kept;
        }
    }
  else if (self->pos + self->fill + (gsize) n > self->end)
    fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_SERVER_RESPONSE,
                             "the server sent more than the range it announced"));
  else
    {
      self->fill += (gsize) n;
      if (self->pos + self->fill == self->end)
        self->eof = TRUE;
    }
  return n > 0 && !self->eof;
}

/* What has arrived past the first read (barged_transfer_read_arrived()),
 * bounded by the buffer and the bandwidth limit. */
static void
read_ready (BargedSegment *self)
{
  while (self->fill < BARGED_TRANSFER_BUFFER_SIZE)
    {
      g_autoptr(GError) error = NULL;
      gsize want = BARGED_TRANSFER_BUFFER_SIZE - self->fill;
      gssize n;

      if (self->bandwidth != NULL && barged_bandwidth_delay (self->bandwidth, g_get_monotonic_time ()) > 0)
        return;
      if (self->bandwidth != NULL)
        want = barged_bandwidth_chunk (self->bandwidth, want);
      n = barged_transfer_read_arrived (self->body, self->buffer + self->fill, want,
                                        g_task_get_cancellable (self->task), &error);
      if (n == BARGED_TRANSFER_NOTHING_ARRIVED || !take_read (self, n, error))
        return;
    }
}

static void
on_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargedSegment) self = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), res, &error);

  if (take_read (self, n, error) && self->task != NULL)
    read_ready (self);
  next_step (self);
}

static void
on_sent (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargedSegment) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) body = soup_session_send_finish (SOUP_SESSION (source), res, &error);
  g_autoptr(BargedHeaderDeadline) deadline = g_steal_pointer (&self->deadline);
  SoupMessageHeaders *headers;
  const char *etag, *range;
  guint64 first = 0, last = 0, total = 0;

  if (body == NULL)
    {
      g_autoptr(GError) timed = barged_header_deadline_error (deadline, error);

      /* Stopped before it was sent (barged_tls_guard()): as below. */
      fail (self, barged_tls_stopped (self->tls, self->msg) ? barged_tls_request_error (self->tls, self->msg, error)
                                                            : barged_error_new_for_io (timed, FALSE));
      finished (self);
      return;
    }
  /* On a kept connection, its chain's revocation is asked again (see
   * revocation_still_good() in barged-transfer.c): anything but GOOD
   * stops the segments, and the transfer's own request, which fetches
   * stale lists, judges the range. */
  if (barged_tls_recheck (self->tls, self->msg, self->session, NULL, &error) != BARGED_REVOCATION_GOOD)
    {
      fail (self, error != NULL ? g_steal_pointer (&error)
                                : g_error_new (BARGE_ERROR, BARGE_ERROR_TLS_FAILURE,
                                               "the revocation status of the server's certificate is out of date"));
      finished (self);
      return;
    }
  headers = soup_message_get_response_headers (self->msg);
  etag = soup_message_headers_get_one (headers, "ETag");
  range = soup_message_headers_get_one (headers, "Content-Range");
  /* Exactly the range asked for, of the same representation: anything
   * else (a 200 of the whole file, another length, another validator, a
   * content coding) is left to the transfer's own request to judge. */
  if (soup_message_get_status (self->msg) != SOUP_STATUS_PARTIAL_CONTENT ||
      !barged_http_parse_content_range (range, &first, &last, &total) || first != self->pos ||
      last + 1 != self->end || total != self->total ||
      (etag != NULL && self->if_range[0] == '"' && g_strcmp0 (etag, self->if_range) != 0) ||
      soup_message_headers_get_list (headers, "Content-Encoding") != NULL)
    {
      fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_SERVER_RESPONSE,
                               "the server answered a segment's range with HTTP %u, Content-Range: %s",
                               soup_message_get_status (self->msg), range != NULL ? range : "(none)"));
      finished (self);
      return;
    }
  self->body = g_steal_pointer (&body);
  next_step (self);
}

void
barged_segment_run_async (BargedSegment *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr(GUri) uri = g_uri_parse (self->url, SOUP_HTTP_URI_FLAGS, NULL);
  g_autoptr(GCancellable) guarded = NULL;
  SoupMessageHeaders *headers;

  g_return_if_fail (self->task == NULL);
  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_check_cancellable (self->task, FALSE);
  if (uri == NULL)
    {
      fail (self, g_error_new_literal (BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "bad URL"));
      finished (self);
      return;
    }
  self->msg = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  headers = soup_message_get_request_headers (self->msg);
  soup_message_headers_replace (headers, "Accept-Encoding", "identity");
  soup_message_disable_feature (self->msg, SOUP_TYPE_CONTENT_DECODER);
  /* A piece asks where main's redirects led, already followed under the
   * job's policy: a redirect of its own is an answer it cannot use (and,
   * followed by libsoup, unchecked: https to http, another origin). */
  soup_message_add_flags (self->msg, SOUP_MESSAGE_DO_NOT_USE_AUTH_CACHE | SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_set_range (headers, (goffset) self->pos, (goffset) self->end - 1);
  soup_message_headers_replace (headers, "If-Range", self->if_range);
  barged_request_add_custom_headers (self->msg, self->custom_headers, self->origin_url);
  if (self->answers != NULL)
    barged_auth_answers_attach (self->answers, self->msg, self->auth_origin_url);
  barged_tls_apply (self->tls, self->msg);
  self->deadline = barged_header_deadline_new (self->msg, self->timeout_s, cancellable);
  guarded = barged_tls_guard (self->tls, self->msg, self->session,
                              barged_header_deadline_get_cancellable (self->deadline));
  soup_session_send_async (self->session, self->msg, G_PRIORITY_DEFAULT, guarded, on_sent, g_object_ref (self));
}

gboolean
barged_segment_run_finish (BargedSegment *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

guint64 barged_segment_get_position (BargedSegment *self) { return self->start; }
guint64 barged_segment_get_end (BargedSegment *self) { return self->end; }

void
barged_segment_set_bandwidth (BargedSegment *self, BargedBandwidth *bandwidth)
{
  g_set_object (&self->bandwidth, bandwidth);
}

void
barged_segment_set_custom_headers (BargedSegment *self, GVariant *headers, const char *origin_url)
{
  g_clear_pointer (&self->custom_headers, g_variant_unref);
  self->custom_headers = headers != NULL ? g_variant_ref (headers) : NULL;
  g_free (self->origin_url);
  self->origin_url = g_strdup (origin_url);
}

void
barged_segment_set_auth_answers (BargedSegment *self, BargedAuthAnswers *answers, const char *origin_url)
{
  g_set_object (&self->answers, answers);
  g_free (self->auth_origin_url);
  self->auth_origin_url = g_strdup (origin_url);
}

void
barged_segment_set_tls (BargedSegment *self, BargedTls *tls)
{
  g_clear_pointer (&self->tls, barged_tls_unref);
  self->tls = tls != NULL ? barged_tls_ref (tls) : NULL;
}

void
barged_segment_set_owner (BargedSegment *self, guint32 owner)
{
  self->owner = owner;
}

BargedSegment *
barged_segment_new (SoupSession *session, const char *url, int fd, guint64 start, guint64 end, guint64 total,
                    const char *if_range, guint timeout_s, gint64 checkpoint_interval_us)
{
  BargedSegment *self = g_object_new (BARGED_TYPE_SEGMENT, NULL);

  self->session = g_object_ref (session);
  self->url = g_strdup (url);
  self->fd = fd;
  self->start = self->pos = start;
  self->end = end;
  self->total = total;
  self->if_range = g_strdup (if_range);
  self->timeout_s = timeout_s;
  self->checkpoint_interval_us = checkpoint_interval_us;
  self->last_sync = g_get_monotonic_time ();
  return self;
}

static void
barged_segment_finalize (GObject *object)
{
  BargedSegment *self = BARGED_SEGMENT (object);

  g_assert (self->task == NULL);
  barged_file_access_close (self->owner, self->fd);
  g_clear_object (&self->body);
  g_clear_pointer (&self->deadline, barged_header_deadline_free);
  g_clear_object (&self->msg);
  g_clear_object (&self->session);
  g_clear_object (&self->bandwidth);
  g_clear_error (&self->failure);
  g_free (self->url);
  g_free (self->if_range);
  g_clear_pointer (&self->custom_headers, g_variant_unref);
  g_clear_pointer (&self->tls, barged_tls_unref);
  g_free (self->origin_url);
  g_clear_object (&self->answers);
  g_free (self->auth_origin_url);
  g_free (self->buffer);
  G_OBJECT_CLASS (barged_segment_parent_class)->finalize (object);
}

static void
barged_segment_init (BargedSegment *self)
{
  self->fd = -1;
  self->buffer = g_malloc (BARGED_TRANSFER_BUFFER_SIZE);
}

static void
barged_segment_class_init (BargedSegmentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = barged_segment_finalize;
  signals[SIGNAL_WRITTEN] = g_signal_new ("written", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                          NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);
  signals[SIGNAL_DURABLE] = g_signal_new ("durable", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                          NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);
}
