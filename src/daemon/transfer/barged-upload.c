/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedUpload"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "barge.h"
#include "barged-auth-answers.h"
#include "barged-errors.h"
#include "barged-file-access.h"
#include "barged-http.h"
#include "barged-request.h"
#include "barged-upload-headers.h"
#include "barged-source-stream.h"
#include "barged-upload-private.h"
#include "barged-stored-text.h"
#include "barge-tsan.h"

G_DEFINE_TYPE (BargedUpload, barged_upload, G_TYPE_OBJECT)

enum { SIGNAL_CONNECTED, SIGNAL_PROGRESS, SIGNAL_CHECKPOINT, SIGNAL_REPLY_PROGRESS, N_SIGNALS };
static guint signals[N_SIGNALS];

/* --- persistence -------------------------------------------------------- */

char *
barged_upload_to_data (BargedUpload *self)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(GVariant) v = NULL;

  g_variant_dict_insert (&dict, "protocol", "s", barge_upload_protocol_to_string (self->protocol));
  if (self->source_known)
    g_variant_dict_insert (&dict, "source", "(txtt)", self->source.size, self->source.mtime_ns,
                           self->source.inode, self->source.device);
  if (self->session_id != NULL)
    g_variant_dict_insert (&dict, "session", "s", self->session_id);
  g_variant_dict_insert (&dict, "expires", "x", self->expires);
  if (self->host_id != NULL)
    g_variant_dict_insert (&dict, "host-id", "(stx)", self->host_id, self->host_id_fallback,
                           self->host_id_last_ack);
  g_variant_dict_insert (&dict, "acked", "t", self->acked);
  g_variant_dict_insert (&dict, "uploaded", "b", self->uploaded);
  if (self->reply_url != NULL)
    g_variant_dict_insert (&dict, "reply-url", "s", self->reply_url);
  g_variant_dict_insert (&dict, "reply-done", "b", self->reply_done);
  g_variant_dict_insert (&dict, "reply-file-name", "s", self->reply_file_name);
  if (self->reply_temporary != NULL)
    g_variant_dict_insert (&dict, "reply-temporary", "(sttu)", self->reply_temporary,
                           self->reply_temporary_id.device, self->reply_temporary_id.inode,
                           self->reply_temporary_id.uid);
  if (self->reply_done)
    {
      g_variant_dict_insert (&dict, "reply-progress", "(tt)", self->reply_total, self->reply_received);
      if (self->reply_data != NULL)
        g_variant_dict_insert_value (&dict, "reply-data",
                                     g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING,
                                                               self->reply_data, TRUE));
    }
  v = g_variant_ref_sink (g_variant_dict_end (&dict));
  return g_variant_print (v, TRUE);
}

/* Where a reply waited before temporary names were random (databases of
 * version 0.1): ".NAME.<job id prefix>.barge-part". Such a file is reused
 * only if it passes barged_file_access's checks like any other. */
static char *
legacy_reply_temporary (const char *reply_file_name, const char *job_id)
{
  g_autofree char *tag = g_strndup (job_id, 8);

  return barged_file_access_hidden_name (reply_file_name, tag);
}

BargedUpload *
barged_upload_new_from_data (SoupSession *session, const char *job_id, guint32 owner,
                             gboolean with_reply, const char *data)
{
  g_autoptr(GVariant) v = barged_stored_text_parse (G_VARIANT_TYPE_VARDICT, data);
  g_autoptr(GVariant) reply = NULL;
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
  BargeUploadProtocol protocol;
  const char *str = NULL;
  BargedUpload *self;

  if (v == NULL)
    return NULL;
  g_variant_dict_init (&dict, v);
  if (!g_variant_dict_lookup (&dict, "protocol", "&s", &str) ||
      !barge_upload_protocol_from_string (str, &protocol) || protocol == BARGE_UPLOAD_PROTOCOL_NONE)
    return NULL;
  self = barged_upload_new (session, job_id, owner, protocol, with_reply);
  self->source_known = g_variant_dict_lookup (&dict, "source", "(txtt)", &self->source.size,
                                              &self->source.mtime_ns, &self->source.inode,
                                              &self->source.device);
  g_variant_dict_lookup (&dict, "session", "s", &self->session_id);
  g_variant_dict_lookup (&dict, "expires", "x", &self->expires);
  g_variant_dict_lookup (&dict, "host-id", "(stx)", &self->host_id, &self->host_id_fallback,
                         &self->host_id_last_ack);
  g_variant_dict_lookup (&dict, "acked", "t", &self->acked);
  g_variant_dict_lookup (&dict, "uploaded", "b", &self->uploaded);
  g_variant_dict_lookup (&dict, "reply-url", "s", &self->reply_url);
  g_variant_dict_lookup (&dict, "reply-done", "b", &self->reply_done);
  if (g_variant_dict_lookup (&dict, "reply-file-name", "&s", &str))
    {
      g_free (self->reply_file_name);
      self->reply_file_name = g_strdup (str);
    }
  if (!g_variant_dict_lookup (&dict, "reply-temporary", "(sttu)", &self->reply_temporary,
                              &self->reply_temporary_id.device, &self->reply_temporary_id.inode,
                              &self->reply_temporary_id.uid) &&
      *self->reply_file_name != '\0')
    self->reply_temporary = legacy_reply_temporary (self->reply_file_name, job_id);
  if (self->reply_done)
    {
      self->reply_started = TRUE;
      g_variant_dict_lookup (&dict, "reply-progress", "(tt)", &self->reply_total, &self->reply_received);
      reply = g_variant_dict_lookup_value (&dict, "reply-data", G_VARIANT_TYPE_BYTESTRING);
      if (reply != NULL)
        self->reply_data = g_variant_get_data_as_bytes (reply);
    }
  return self;
}

/* --- small helpers for the protocols -------------------------------------- */

void
barged_upload_checkpoint (BargedUpload *self)
{
  g_signal_emit (self, signals[SIGNAL_CHECKPOINT], 0);
}

void
barged_upload_connected (BargedUpload *self)
{
  g_signal_emit (self, signals[SIGNAL_CONNECTED], 0);
}

void
barged_upload_set_acked (BargedUpload *self, guint64 acked)
{
  /* A server may also move the offset back (it lost data): progress shows
   * what it holds, not what we sent. Only a step past the most it held
   * this run is progress, for the no-progress timeout and for the count
   * of session restarts: a server that loses every session after its
   * first fragment takes the same bytes again and again, which made the
   * count start over at each Ack, a loop without end within one run. */
  gboolean forward = acked > self->acked_high;

  self->acked = acked;
  if (forward)
    {
      self->acked_high = acked;
      self->session_restarts = 0;
    }
  if (self->file != NULL)
    {
      /* The server holds it: as durable as an upload gets. */
      barged_file_set_done (self->file, acked);
      barged_file_set_durable (self->file, acked);
    }
  /* The file notified its own numbers; "progress" is the no-progress
   * timeout's news. */
  if (forward)
    g_signal_emit (self, signals[SIGNAL_PROGRESS], 0);
  barged_upload_checkpoint (self);
}

/* A chunk acknowledged faster than this doubles the next one, slower than
 * CHUNK_SLOW halves it. Each request costs a round trip and a stop of the
 * stream (about 3 ms on loopback), so 1 MiB chunks held tus to 96 MB/s. */
#define CHUNK_FAST (G_USEC_PER_SEC / 4)
#define CHUNK_SLOW (2 * G_USEC_PER_SEC)

void
barged_upload_chunk_acked (BargedUpload *self, guint64 len)
{
  gint64 took = g_get_monotonic_time () - self->chunk_sent_at;
  guint64 max = self->protocol == BARGE_UPLOAD_PROTOCOL_BITS ? BARGED_UPLOAD_MAX_BITS_FRAGMENT
                                                              : BARGED_UPLOAD_MAX_TUS_CHUNK;

  if (self->fragment_ceiling != 0)
    max = MIN (max, self->fragment_ceiling);
  if (took < CHUNK_FAST && len >= self->fragment_size && self->fragment_size * 2 <= max)
    self->fragment_size *= 2;
  else if (took > CHUNK_SLOW && self->fragment_size / 2 >= BARGED_UPLOAD_FRAGMENT_SIZE)
    self->fragment_size /= 2;
}

gboolean
barged_upload_shrink_after_413 (BargedUpload *self)
{
  const char *what = self->protocol == BARGE_UPLOAD_PROTOCOL_BITS ? "fragments" : "chunks";
  g_autofree char *where = NULL;

  if (self->fragment_size / 2 < BARGED_UPLOAD_MIN_FRAGMENT)
    {
      barged_upload_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_HTTP_CLIENT_ERROR,
                                             "the server refuses %s of %" G_GUINT64_FORMAT " bytes", what,
                                             self->fragment_size));
      return FALSE;
    }
  where = barged_request_url_for_log (barged_file_get_url (self->file));
  self->fragment_size /= 2;
  /* Growing back past what the server took would only meet the 413 again. */
  self->fragment_ceiling = self->fragment_size;
  g_info ("%s: 413, %s of %" G_GUINT64_FORMAT " bytes now", where, what, self->fragment_size);
  return TRUE;
}

/* --- requests ----------------------------------------------------------------- */

/* Lost kept connections a run goes on after, at once (on_sent()). */
#define MAX_KEPT_RESTARTS 3

/* Every request of an upload, those of a run and the cancelling ones
 * that outlive it, is sent through barged_tls_guard(): a job that checks
 * revocation has its server judged again on the connection each request
 * goes out on, kept or new, before a byte of it is sent. The revocation
 * lists that a handshake or the guard lacked are fetched first, twice at
 * most; the request is sent again once they are in. */
typedef struct {
  SoupSession *session;
  BargedTls *tls;
  SoupMessage *msg;
  GCancellable *cancellable;   /* the run's, or NULL */
  GCancellable *guarded;       /* barged_tls_guard()'s, of this sending */
  BargedHeaderDeadline *deadline; /* of this sending; NULL for a session without a timeout */
  BargedUploadSentFn done;
  gpointer user_data;
  guint revocation_fetches;
  gulong network_event;        /* handler on msg */
  gboolean connected;          /* this sending opened a connection */
  BargedFollow follow;         /* the run's cancellable cancels `stop` too */
  GCancellable *stop;          /* of this sending: cancelled to leave a body unread */
  GInputStream *body;          /* the answer's, while it is read */
  GByteArray *kept;            /* what of it is kept */
} Sending;

/* What of an answer's body is kept: BITS and tus answers say what they
 * say in headers, a body is an error page at most. Read whole before, an
 * endless body from a server grew barged's memory without bound. */
#define MAX_RESPONSE_BODY (64 * 1024)
#define RESPONSE_READ (16 * 1024)

static void
sending_free (Sending *s)
{
  g_signal_handler_disconnect (s->msg, s->network_event);
  g_object_unref (s->session);
  g_clear_pointer (&s->tls, barged_tls_unref);
  g_object_unref (s->msg);
  g_clear_object (&s->cancellable);
  g_clear_object (&s->guarded);
  g_clear_pointer (&s->deadline, barged_header_deadline_free);
  g_clear_object (&s->body);
  g_clear_pointer (&s->kept, g_byte_array_unref);
  barged_request_unfollow (&s->follow);
  g_clear_object (&s->stop);
  g_free (s);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Sending, sending_free)

static void sending_start (Sending *s);

/* The request went out on a connection kept from an earlier one and
 * failed before a byte of an answer: what a server's closing of an idle
 * connection looks like when it crosses our request. libsoup sends such a
 * request again itself only when its method is idempotent (GET, PUT), and
 * these are POST, PATCH and BITS_POST. The tests are libsoup's own for
 * that case (request_is_restartable() in libsoup 3.2's
 * soup-client-message-io-http1.c). */
static gboolean
lost_kept (Sending *s, const GError *error)
{
  return !s->connected && soup_message_get_status (s->msg) == SOUP_STATUS_NONE && error->domain == G_IO_ERROR &&
         error->code != G_IO_ERROR_CANCELLED && error->code != G_IO_ERROR_TIMED_OUT &&
         error->code != G_IO_ERROR_WOULD_BLOCK;
}

static void
on_sending_network_event (SoupMessage *msg, GSocketClientEvent event, GIOStream *connection, gpointer user_data)
{
  Sending *s = user_data;

  /* libsoup reports these only for a connection it opens for @msg. */
  if (event == G_SOCKET_CLIENT_RESOLVING || event == G_SOCKET_CLIENT_CONNECTING)
    s->connected = TRUE;
}

static void
on_sending_lists_fetched (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Sending) s = user_data;
  g_autoptr(GError) error = NULL;

  if (!barged_tls_fetch_finish (s->tls, res, &error))
    {
      s->done (s->msg, NULL, error, FALSE, s->user_data);
      return;
    }
  sending_start (g_steal_pointer (&s));
}

static void read_body (Sending *s);

static void
on_body_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Sending) s = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), res, &error);
  gsize n;
  g_autoptr(GBytes) kept = NULL;

  if (chunk == NULL)
    {
      s->done (s->msg, NULL, error, FALSE, s->user_data);
      return;
    }
  n = g_bytes_get_size (chunk);
  g_byte_array_append (s->kept, g_bytes_get_data (chunk, NULL), (guint) MIN (n, MAX_RESPONSE_BODY - s->kept->len));
  if (n > 0 && s->kept->len < MAX_RESPONSE_BODY)
    {
      read_body (g_steal_pointer (&s));
      return;
    }
  /* More than is kept: the rest stays unread, and the connection it
   * comes on closes (a kept one could not be reused before the body's
   * end anyway). */
  if (n > 0)
    g_cancellable_cancel (s->stop);
  kept = g_byte_array_free_to_bytes (g_steal_pointer (&s->kept));
  s->done (s->msg, kept, NULL, FALSE, s->user_data);
}

static void
read_body (Sending *s)
{
  g_input_stream_read_bytes_async (s->body, RESPONSE_READ, G_PRIORITY_DEFAULT, s->guarded, on_body_read, s);
}

static void
on_sending_sent (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Sending) s = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) body = soup_session_send_finish (SOUP_SESSION (source), res, &error);

  if (body == NULL && s->revocation_fetches < 2 &&
      barged_tls_fetch_wanted (s->tls, s->msg, s->session, s->cancellable, on_sending_lists_fetched, s))
    {
      /* Stopped for lists the cache lacked, before a byte went out. */
      s->revocation_fetches++;
      g_steal_pointer (&s);
      return;
    }
  if (body == NULL && (error->domain == G_TLS_ERROR || barged_tls_stopped (s->tls, s->msg)))
    {
      g_autoptr(GError) refused = barged_tls_request_error (s->tls, s->msg, error);

      s->done (s->msg, NULL, refused, FALSE, s->user_data);
      return;
    }
  if (body == NULL)
    {
      g_autoptr(GError) failed = barged_header_deadline_error (s->deadline, error);

      s->done (s->msg, NULL, failed, lost_kept (s, error), s->user_data);
      return;
    }
  s->body = g_steal_pointer (&body);
  s->kept = g_byte_array_new ();
  read_body (g_steal_pointer (&s));
}

/* libsoup's timeout is per read: a server that answers a header byte at
 * a time would hold the run for ever. As for downloads, an answer's
 * headers must be complete within the session's timeout, counted from the
 * end of the request (@after_body: of its body). Replaces *@deadline (left
 * NULL for a session without a timeout); returns the cancellable to send
 * with. */
static GCancellable *
set_deadline (BargedHeaderDeadline **deadline, SoupSession *session, SoupMessage *msg, GCancellable *parent,
              gboolean after_body)
{
  guint seconds = soup_session_get_timeout (session);

  g_clear_pointer (deadline, barged_header_deadline_free);
  if (seconds == 0)
    return parent;
  *deadline = after_body ? barged_header_deadline_new_after_body (msg, seconds, parent)
                         : barged_header_deadline_new (msg, seconds, parent);
  return barged_header_deadline_get_cancellable (*deadline);
}

static void
sending_start (Sending *s)
{
  s->connected = FALSE;
  barged_request_unfollow (&s->follow);
  g_clear_object (&s->stop);
  s->stop = barged_request_follow (&s->follow, s->cancellable);
  g_clear_object (&s->guarded);
  s->guarded = barged_tls_guard (s->tls, s->msg, s->session,
                                 set_deadline (&s->deadline, s->session, s->msg, s->stop, TRUE));
  soup_session_send_async (s->session, s->msg, G_PRIORITY_DEFAULT, s->guarded, on_sending_sent, s);
}

void
barged_upload_send_full (SoupSession *session, BargedTls *tls, SoupMessage *msg, GCancellable *cancellable,
                         BargedUploadSentFn done, gpointer user_data)
{
  Sending *s = g_new0 (Sending, 1);

  s->session = g_object_ref (session);
  s->tls = tls != NULL ? barged_tls_ref (tls) : NULL;
  s->msg = g_object_ref (msg);
  s->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  s->done = done;
  s->user_data = user_data;
  s->network_event = g_signal_connect (msg, "network-event", G_CALLBACK (on_sending_network_event), s);
  sending_start (s);
}

typedef struct {
  BargedUpload *self;
  BargedUploadSent done;
} SendData;

static void dispatch (BargedUpload *self);

static void
on_sent (SoupMessage *msg, GBytes *body, const GError *error, gboolean lost_kept, gpointer user_data)
{
  SendData *data = user_data;
  g_autoptr(BargedUpload) self = data->self;
  BargedUploadSent done = data->done;

  g_free (data);
  /* Our requests share kept connections (barged_upload_message_new()),
   * so a server that closes an idle one can cross the next request. The
   * run goes on at once from what the server holds, as a retry would
   * after the job's retry delay, with its next request on a connection of
   * its own; a few times a run at most. */
  if (body == NULL && lost_kept && self->kept_restarts < MAX_KEPT_RESTARTS &&
      !g_cancellable_is_cancelled (self->cancellable))
    {
      g_debug ("%s %s: the kept connection closed before an answer (%s); going on over a new one",
               soup_message_get_method (msg), g_uri_get_path (soup_message_get_uri (msg)), error->message);
      self->kept_restarts++;
      self->new_connection = TRUE;
      dispatch (self);
      return;
    }
  if (body == NULL)
    {
      barged_upload_fail (self, barged_error_new_for_io (error, FALSE));
      return;
    }
  g_debug ("%s %s -> HTTP %u", soup_message_get_method (msg),
           g_uri_get_path (soup_message_get_uri (msg)), soup_message_get_status (msg));
  done (self, msg);
}

/* The job's credentials answer the challenges of every request of the
 * run, and what the run answered goes up front on its next requests
 * (barged-auth-answers.h): each BITS packet and tus PATCH would otherwise
 * go out twice, its body too. Each request libsoup sends again after a
 * challenge carries its body again (barged_upload_set_body()). */
static void
answer_challenges (BargedUpload *self, SoupMessage *msg)
{
  if (self->answers != NULL && self->file != NULL)
    barged_auth_answers_attach (self->answers, msg, barged_file_get_url (self->file));
}

void
barged_upload_send (BargedUpload *self, SoupMessage *msg, BargedUploadSent done)
{
  g_autoptr(SoupMessage) owned = msg;
  SendData *data = g_new0 (SendData, 1);

  answer_challenges (self, msg);

  data->self = g_object_ref (self);
  data->done = done;
  if (self->new_connection)
    soup_message_add_flags (msg, SOUP_MESSAGE_NEW_CONNECTION);
  self->new_connection = FALSE;
  barged_upload_send_full (self->session, self->tls, msg, self->cancellable, on_sent, data);
}

SoupMessage *
barged_upload_message_new (const char *method, const char *url, const char *origin_url, GVariant *custom_headers,
                           BargedTls *tls, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GUri) uri = barged_upload_parse_url (url, &local);
  SoupMessage *msg;

  if (uri == NULL)
    {
      /* The message reaches the job's error and the log: no query or
       * user information, which often carry tokens. */
      g_autofree char *shown = barged_request_url_for_log (url);

      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "bad URL %s: %s", shown, local->message);
      return NULL;
    }
  msg = soup_message_new_from_uri (method, uri);
  /* IDEMPOTENT lets a POST or a PATCH go on a kept connection: libsoup 3.2
   * opens a new one for every request of another method otherwise (a TCP
   * slow start, and over TLS a handshake, per BITS fragment or tus PATCH).
   * It changes nothing else in 3.2: libsoup still never sends these again
   * by itself, and on_sent() goes on when a kept connection is lost. */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT | SOUP_MESSAGE_IDEMPOTENT);
  /* The job's credentials only (answer_challenges()), never what the
   * session's cache might hold from someone else's; and none stored there
   * for other jobs. */
  soup_message_add_flags (msg, SOUP_MESSAGE_DO_NOT_USE_AUTH_CACHE);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept-Encoding", "identity");
  soup_message_disable_feature (msg, SOUP_TYPE_CONTENT_DECODER);
  barged_request_add_custom_headers (msg, custom_headers, origin_url);
  barged_request_keep_bodyless_alive (msg);
  barged_tls_apply (tls, msg);
  return msg;
}

static GError *
error_for_response (SoupMessage *msg)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  const char *code = soup_message_headers_get_one (headers, "BITS-Error-Code");
  const char *context = soup_message_headers_get_one (headers, "BITS-Error-Context");
  guint status = soup_message_get_status (msg);
  g_autoptr(GError) http = NULL;
  g_autofree char *shown = NULL;

  if (code == NULL)
    code = soup_message_headers_get_one (headers, "BITS-Error");
  shown = barged_error_server_text (code != NULL ? code : "(none)");
  /* 0x7: the server's back-end application refused the upload. */
  if (barged_upload_parse_bits_error (context) == 7)
    return g_error_new (BARGE_ERROR, BARGE_ERROR_REMOTE_APPLICATION,
                        "the server application failed: HTTP %u, BITS-Error-Code %s", status, shown);
  http = barged_error_new_for_http_status (status, soup_message_get_reason_phrase (msg));
  if (code != NULL)
    return g_error_new (BARGE_ERROR, http->code, "%s, BITS-Error-Code %s", http->message, shown);
  return g_steal_pointer (&http);
}

/* --- reading the source ----------------------------------------------------- */

void
barged_upload_read_async (BargedUpload *self, guint64 offset, gsize len,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  barged_source_read_async (self->fd, self->owner, barged_file_get_destination (self->file), &self->source,
                            offset, len, self->cancellable, callback, user_data);
}

GBytes *
barged_upload_read_finish (GAsyncResult *res, GError **error)
{
  return barged_source_read_finish (res, error);
}

static GInputStream *
body_new (BargedUpload *self, guint64 offset, guint64 length, GError **error)
{
  BargedSourceStream *stream = barged_source_stream_new (self->fd, self->owner,
                                                         barged_file_get_destination (self->file), &self->source,
                                                         offset, length, error);

  if (stream != NULL)
    barged_source_stream_set_bandwidth (stream, self->bandwidth);
  return G_INPUT_STREAM (stream);
}

/* What a request's body is, to make it again. */
typedef struct {
  BargedUpload *self;
  guint64 offset;
  guint64 length;
} BodyRange;

static void
body_range_free (gpointer data, GClosure *closure)
{
  BodyRange *range = data;

  g_object_unref (range->self);
  g_free (range);
}

/* libsoup drops a request's body when it sends the request again by
 * itself, and then sends it without one: a PUT (an idempotent method)
 * whose kept connection the server closed unanswered went out again
 * empty, and the server stored an empty file and answered 201 (a false
 * success; /upload/put/kept-lost). An answered authentication challenge
 * (answer_challenges()) restarts any request the same way. So the same
 * bytes are given again, read again from the source. */
static void
on_body_restarted (SoupMessage *msg, BodyRange *range)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) body = body_new (range->self, range->offset, range->length, &error);

  g_debug ("%s %s: sent again by libsoup, with its body again", soup_message_get_method (msg),
           g_uri_get_path (soup_message_get_uri (msg)));
  if (body == NULL)
    /* Its first read fails with @error, and so does the request. */
    body = G_INPUT_STREAM (barged_source_stream_new_failed (error));
  /* NULL keeps the Content-Type the request has. */
  soup_message_set_request_body (msg, NULL, body, (gssize) range->length);
}

gboolean
barged_upload_set_body (BargedUpload *self, SoupMessage *msg, const char *content_type, guint64 offset,
                        guint64 length, GError **error)
{
  g_autoptr(GInputStream) body = body_new (self, offset, length, error);
  BodyRange *range;

  if (body == NULL)
    return FALSE;
  soup_message_set_request_body (msg, content_type, body, (gssize) length);
  range = g_new (BodyRange, 1);
  range->self = g_object_ref (self);
  range->offset = offset;
  range->length = length;
  g_signal_connect_data (msg, "restarted", G_CALLBACK (on_body_restarted), range, body_range_free, 0);
  return TRUE;
}

void
barged_upload_set_session (BargedUpload *self, SoupSession *session, gboolean own)
{
  g_return_if_fail (self->task == NULL);
  g_set_object (&self->session, session);
  self->session_own = own;
}

void
barged_upload_set_bandwidth (BargedUpload *self, BargedBandwidth *bandwidth)
{
  g_set_object (&self->bandwidth, bandwidth);
}

/* --- a run ------------------------------------------------------------------ */

static void
end_run (BargedUpload *self)
{
  barged_file_access_close (self->owner, self->fd);
  self->fd = -1;
  g_clear_object (&self->file);
  g_clear_object (&self->cancellable);
  barged_auth_answers_drop (&self->answers);
}

void
barged_upload_fail (BargedUpload *self, GError *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  end_run (self);
  if (error->domain != BARGE_ERROR)
    {
      GError *mapped = barged_error_new_for_io (error, FALSE);
      g_error_free (error);
      error = mapped;
    }
  g_task_return_error (task, error);
}

void
barged_upload_fail_response (BargedUpload *self, SoupMessage *msg)
{
  gboolean locked;

  self->http_status = soup_message_get_status (msg);
  /* tusd answers 423 while an earlier request to the upload still holds
   * its lock: after a lost connection, until it sees that request end.
   * Gone after a wait, so retried as a 503 is, where it was a fatal
   * HttpClientError. */
  locked = self->protocol == BARGE_UPLOAD_PROTOCOL_TUS && self->http_status == SOUP_STATUS_LOCKED;
  if (self->http_status == SOUP_STATUS_SERVICE_UNAVAILABLE || self->http_status == 429 || locked)
    /* Honoured, with the downloads' cap: without it, one Retry-After of
     * years parked the job until NoProgressTimeout made it an error. Every
     * protocol's (tus and put retried at MinimumRetryDelay). */
    self->retry_after = barged_http_retry_after_wait (
      soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After"),
      g_get_real_time () / G_USEC_PER_SEC);
  barged_upload_fail (self, locked ? g_error_new_literal (BARGE_ERROR, BARGE_ERROR_TOO_MANY_REQUESTS,
                                                          "HTTP 423: the server still holds the upload locked "
                                                          "for an earlier request")
                                   : error_for_response (msg));
}

void
barged_upload_succeed (BargedUpload *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  end_run (self);
  g_task_return_boolean (task, TRUE);
}

static void
dispatch (BargedUpload *self)
{
  switch (self->protocol)
    {
    case BARGE_UPLOAD_PROTOCOL_BITS:
      barged_upload_bits_run (self);
      break;
    case BARGE_UPLOAD_PROTOCOL_TUS:
      barged_upload_tus_run (self);
      break;
    case BARGE_UPLOAD_PROTOCOL_PUT:
      barged_upload_put_run (self);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
on_source_opened (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargedUpload) self = user_data;
  g_autoptr(GError) error = NULL;
  BargedSourceIdentity identity;
  int fd = barged_file_access_open_source_finish (res, &identity, &error);

  if (fd < 0)
    {
      /* The source was there at AddFile(): now it is gone or unreadable. */
      if (self->source_known)
        barged_upload_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_LOCAL_FILE_CHANGED, "%s",
                                               error->message));
      else
        barged_upload_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_LOCAL_FILE, "%s", error->message));
      return;
    }
  self->fd = fd;
  if (self->source_known && !barged_source_identity_equal (&identity, &self->source) && !self->uploaded)
    {
      barged_upload_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_LOCAL_FILE_CHANGED,
                                             "%s changed since the upload started",
                                             barged_file_get_destination (self->file)));
      return;
    }
  if (!self->source_known)
    {
      self->source = identity;
      self->source_known = TRUE;
      barged_upload_checkpoint (self);
    }
  barged_file_set_total (self->file, self->source.size);
  barged_file_set_done (self->file, self->acked);
  dispatch (self);
}

void
barged_upload_run_async (BargedUpload *self, BargedFile *file, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (self->task == NULL);

  self->task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (self->task, barged_upload_run_async);
  self->file = g_object_ref (file);
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  self->answers = barged_auth_answers_new (self->credentials, self->job_id, self->session_own);
  self->retry_after = -1;
  self->http_status = 0;
  self->stalled_acks = 0;
  self->kept_restarts = 0;
  self->session_restarts = 0;
  self->acked_high = self->acked;
  self->new_connection = FALSE;
  if (self->fragment_size == 0)
    self->fragment_size = BARGED_UPLOAD_FRAGMENT_SIZE;
  barged_file_access_open_source_async (self->owner, barged_file_get_destination (file), self->cancellable,
                                        on_source_opened, g_object_ref (self));
}

gboolean
barged_upload_run_finish (BargedUpload *self, GAsyncResult *res, gint64 *retry_after, guint *http_status,
                          GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, self), FALSE);
  if (retry_after != NULL)
    *retry_after = self->retry_after;
  if (http_status != NULL)
    *http_status = self->http_status;
  return g_task_propagate_boolean (G_TASK (res), error);
}

gboolean
barged_upload_is_running (BargedUpload *self)
{
  return self->task != NULL;
}

BargeUploadProtocol
barged_upload_get_protocol (BargedUpload *self)
{
  return self->protocol;
}

void
barged_upload_cancel_remote (BargedUpload *self, const char *url)
{
  if (self->session_id == NULL)
    return;
  if (self->protocol == BARGE_UPLOAD_PROTOCOL_BITS)
    barged_upload_bits_cancel (self, url);
  else if (self->protocol == BARGE_UPLOAD_PROTOCOL_TUS && !self->uploaded)
    /* A finished tus upload is the server's file now, as a BITS upload is
     * once its last fragment was acknowledged: only unfinished ones go. */
    barged_upload_tus_cancel (self, url);
}

/* --- the reply ---------------------------------------------------------------- */

void
barged_upload_get_reply_progress (BargedUpload *self, guint64 *total, guint64 *received)
{
  *total = self->reply_started ? self->reply_total : BARGE_SIZE_UNKNOWN;
  *received = self->reply_received;
}

gboolean
barged_upload_get_reply_started (BargedUpload *self)
{
  return self->reply_started;
}

const char *
barged_upload_get_reply_file_name (BargedUpload *self)
{
  return self->reply_file_name;
}

gboolean
barged_upload_set_reply_file_name (BargedUpload *self, const char *path, GError **error)
{
  if (!self->with_reply)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_NOT_SUPPORTED, "only upload-reply jobs have a reply");
      return FALSE;
    }
  if (self->reply_started)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_STATE, "the reply has already started");
      return FALSE;
    }
  if (*path != '\0' && (!g_path_is_absolute (path) || g_str_has_suffix (path, "/") ||
                        strlen (path) > BARGED_FILE_MAX_PATH))
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "the reply file name must be an absolute path to a file");
      return FALSE;
    }
  g_free (self->reply_file_name);
  self->reply_file_name = g_strdup (path);
  g_clear_pointer (&self->reply_temporary, g_free);
  memset (&self->reply_temporary_id, 0, sizeof self->reply_temporary_id);
  if (*path != '\0')
    self->reply_temporary = barged_file_access_temporary_path_for (path);
  return TRUE;
}

const char *
barged_upload_get_reply_temporary (BargedUpload *self)
{
  return self->reply_temporary;
}

const BargedFileId *
barged_upload_get_reply_temporary_id (BargedUpload *self)
{
  return &self->reply_temporary_id;
}

typedef struct {
  BargedUpload *self;
  void (*then) (BargedUpload *self);
  SoupMessage *msg;
  GInputStream *body;
  GByteArray *memory;         /* the reply when it is kept in the store */
  int fd;                     /* the reply's temporary, else -1 */
  guint8 *buf;
  GCancellable *guarded;      /* barged_tls_guard()'s, of this sending */
  BargedHeaderDeadline *deadline;
  gulong got_headers;         /* handler on msg */
  GError *redirect_refused;   /* a redirect barged_request_check_redirect() stopped */
  guint revocation_fetches;
  char *origin_url;           /* the file's: where the custom headers may go */
} ReplyFetch;

#define REPLY_BUFFER (64 * 1024)

static void
reply_fetch_free (ReplyFetch *f)
{
  barged_file_access_close (f->self->owner, f->fd);
  if (f->got_headers != 0)
    g_signal_handler_disconnect (f->msg, f->got_headers);
  g_clear_object (&f->msg);
  g_clear_pointer (&f->deadline, barged_header_deadline_free);
  g_clear_error (&f->redirect_refused);
  g_clear_object (&f->guarded);
  g_clear_object (&f->body);
  g_clear_pointer (&f->memory, g_byte_array_unref);
  g_free (f->buf);
  g_free (f->origin_url);
  g_object_unref (f->self);
  g_free (f);
}

static void
reply_fail (ReplyFetch *f, GError *error)
{
  BargedUpload *self = g_object_ref (f->self);

  /* Nothing of a reply read into memory is kept: the next fetch starts
   * it over, and until then ReplyFileName may be set (what TooLarge
   * asks for). A reply going to a file keeps its file. */
  if (f->memory != NULL)
    self->reply_started = FALSE;
  reply_fetch_free (f);
  barged_upload_fail (self, error);
  g_object_unref (self);
}

static void reply_read_next (ReplyFetch *f);

typedef struct {
  int fd;
  GBytes *data;
  guint64 pos;
  gboolean sync;
} ReplyWrite;

static void
reply_write_free (ReplyWrite *w)
{
  BARGE_TSAN_ACQUIRE (w); /* the task's last reference may go on the worker */
  g_bytes_unref (w->data);
  g_free (w);
}

static void
reply_write_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  BARGE_TSAN_TASK_THREAD (task);
  ReplyWrite *w = task_data;
  gsize len;
  const guint8 *p = g_bytes_get_data (w->data, &len);
  int errsv = barged_pwrite_all (w->fd, p, len, w->pos);

  if (errsv != 0)
    {
      g_task_return_new_error (task, BARGE_ERROR, errsv == ENOSPC ? BARGE_ERROR_DISK_FULL : BARGE_ERROR_LOCAL_FILE,
                               "cannot write the reply: %s", g_strerror (errsv));
      return;
    }
  if (w->sync && fdatasync (w->fd) != 0)
    {
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_LOCAL_FILE, "cannot write the reply: %s",
                               g_strerror (errno));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
reply_finished (ReplyFetch *f)
{
  BargedUpload *self = f->self;
  void (*then) (BargedUpload *) = f->then;

  self->reply_done = TRUE;
  self->reply_total = self->reply_received;
  if (f->memory != NULL)
    self->reply_data = g_byte_array_free_to_bytes (g_steal_pointer (&f->memory));
  g_signal_emit (self, signals[SIGNAL_REPLY_PROGRESS], 0);
  barged_upload_checkpoint (self);
  g_object_ref (self);
  reply_fetch_free (f);
  then (self);
  g_object_unref (self);
}

static void
on_reply_written (GObject *source, GAsyncResult *res, gpointer user_data)
{
  BARGE_TSAN_TASK_CALLBACK (res); /* released by reply_write_thread */
  ReplyFetch *f = user_data;
  ReplyWrite *w = g_task_get_task_data (G_TASK (res));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (res), &error))
    {
      reply_fail (f, error);
      return;
    }
  if (w->sync)
    reply_finished (f);
  else
    reply_read_next (f);
}

static void
reply_write (ReplyFetch *f, GBytes *data, gboolean sync)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, on_reply_written, f);
  ReplyWrite *w = g_new0 (ReplyWrite, 1);

  w->fd = f->fd;
  w->data = g_bytes_ref (data);
  w->pos = f->self->reply_received - g_bytes_get_size (data);
  w->sync = sync;
  g_task_set_task_data (task, w, (GDestroyNotify) reply_write_free);
  BARGE_TSAN_RELEASE (task);
  g_task_run_in_thread (task, reply_write_thread);
}

static void
on_reply_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  ReplyFetch *f = user_data;
  BargedUpload *self = f->self;
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), res, &error);
  g_autoptr(GBytes) chunk = NULL;

  if (n < 0)
    {
      reply_fail (f, barged_error_new_for_io (error, FALSE));
      g_error_free (error);
      return;
    }
  if (n == 0)
    {
      if (self->reply_total != BARGE_SIZE_UNKNOWN && self->reply_received != self->reply_total)
        {
          reply_fail (f, g_error_new (BARGE_ERROR, BARGE_ERROR_CONNECTION_CLOSED,
                                      "the reply ended after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes",
                                      self->reply_received, self->reply_total));
          return;
        }
      if (f->fd >= 0)
        {
          g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
          reply_write (f, empty, TRUE);
        }
      else
        reply_finished (f);
      return;
    }
  self->reply_received += (guint64) n;
  if (self->bandwidth != NULL)
    barged_bandwidth_charge (self->bandwidth, (gsize) n, g_get_monotonic_time ());
  g_signal_emit (self, signals[SIGNAL_REPLY_PROGRESS], 0);
  if (f->memory != NULL)
    {
      if (self->reply_received > BARGED_UPLOAD_MAX_REPLY_DATA)
        {
          reply_fail (f, g_error_new (BARGE_ERROR, BARGE_ERROR_TOO_LARGE,
                                      "the reply is larger than %u bytes; set ReplyFileName to keep it",
                                      BARGED_UPLOAD_MAX_REPLY_DATA));
          return;
        }
      g_byte_array_append (f->memory, f->buf, (guint) n);
      reply_read_next (f);
      return;
    }
  chunk = g_bytes_new (f->buf, (gsize) n);
  reply_write (f, chunk, FALSE);
}

static gboolean
on_reply_throttled (gpointer user_data)
{
  reply_read_next (user_data);
  return G_SOURCE_REMOVE;
}

/* The reply is a download of the job's: its BandwidthLimit, and the
 * limits of all background jobs, hold for it as for the upload. A
 * cancellation during the wait (a quarter of a second at most) ends the
 * read that follows. */
static void
reply_read_next (ReplyFetch *f)
{
  BargedBandwidth *bandwidth = f->self->bandwidth;
  gsize want = REPLY_BUFFER;

  if (bandwidth != NULL)
    {
      gint64 delay = barged_bandwidth_delay (bandwidth, g_get_monotonic_time ());

      if (delay > 0 && !g_cancellable_is_cancelled (f->self->cancellable))
        {
          g_timeout_add ((guint) ((delay + 999) / 1000), on_reply_throttled, f);
          return;
        }
      want = barged_bandwidth_chunk (bandwidth, want);
    }
  g_input_stream_read_async (f->body, f->buf, want, G_PRIORITY_DEFAULT, f->self->cancellable, on_reply_read, f);
}

static void on_reply_lists_fetched (GObject *source, GAsyncResult *res, gpointer user_data);

static void
on_reply_sent (GObject *source, GAsyncResult *res, gpointer user_data)
{
  ReplyFetch *f = user_data;
  BargedUpload *self = f->self;
  GError *error = NULL;
  SoupMessageHeaders *headers;

  f->body = soup_session_send_finish (SOUP_SESSION (source), res, &error);
  if (f->body == NULL && f->revocation_fetches < 2 &&
      barged_tls_fetch_wanted (self->tls, f->msg, self->session, self->cancellable, on_reply_lists_fetched, f))
    {
      /* Stopped for lists the cache lacked, before a byte went out. */
      f->revocation_fetches++;
      g_error_free (error);
      return;
    }
  if (f->body == NULL)
    {
      g_autoptr(GError) failed = barged_header_deadline_error (f->deadline, error);

      reply_fail (f, error->domain == G_TLS_ERROR || barged_tls_stopped (self->tls, f->msg)
                       ? barged_tls_request_error (self->tls, f->msg, error)
                       : barged_error_new_for_io (failed, FALSE));
      g_error_free (error);
      return;
    }
  if (f->redirect_refused != NULL && SOUP_STATUS_IS_REDIRECTION (soup_message_get_status (f->msg)))
    {
      reply_fail (f, g_steal_pointer (&f->redirect_refused));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (f->msg)))
    {
      reply_fail (f, error_for_response (f->msg));
      return;
    }
  headers = soup_message_get_response_headers (f->msg);
  self->reply_started = TRUE;
  self->reply_received = 0;
  self->reply_total = soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
    ? (guint64) soup_message_headers_get_content_length (headers) : BARGE_SIZE_UNKNOWN;
  g_signal_emit (self, signals[SIGNAL_REPLY_PROGRESS], 0);
  reply_read_next (f);
}

/* Sent guarded, as barged_upload_send_full()'s requests are (streamed
 * here: a reply may be large). */
static void
reply_start (ReplyFetch *f)
{
  g_clear_object (&f->guarded);
  f->guarded = barged_tls_guard (f->self->tls, f->msg, f->self->session,
                                 set_deadline (&f->deadline, f->self->session, f->msg, f->self->cancellable, FALSE));
  soup_session_send_async (f->self->session, f->msg, G_PRIORITY_DEFAULT, f->guarded, on_reply_sent, f);
}

static void
on_reply_lists_fetched (GObject *source, GAsyncResult *res, gpointer user_data)
{
  ReplyFetch *f = user_data;
  GError *error = NULL;

  if (!barged_tls_fetch_finish (f->self->tls, res, &error))
    {
      reply_fail (f, barged_error_new_for_io (error, FALSE));
      g_error_free (error);
      return;
    }
  reply_start (f);
}

/* Every answer, redirects included, before libsoup acts on it. */
static void
on_reply_got_headers (SoupMessage *msg, ReplyFetch *f)
{
  g_clear_error (&f->redirect_refused);
  f->redirect_refused = barged_request_check_redirect (msg, BARGE_REDIRECT_POLICY_ALLOW, FALSE, NULL);
}

static void
reply_send (ReplyFetch *f)
{
  GError *error = NULL;

  f->msg = barged_upload_message_new (SOUP_METHOD_GET, f->self->reply_url, f->origin_url, f->self->custom_headers,
                                      f->self->tls, &error);
  if (f->msg == NULL)
    {
      reply_fail (f, error);
      return;
    }
  /* A GET may follow redirects: nothing is re-sent. Not from https to
   * http (an upload job cannot allow it), nor to a URL too long to keep. */
  soup_message_remove_flags (f->msg, SOUP_MESSAGE_NO_REDIRECT);
  f->got_headers = g_signal_connect (f->msg, "got-headers", G_CALLBACK (on_reply_got_headers), f);
  answer_challenges (f->self, f->msg);
  reply_start (f);
}

static void
on_reply_file_opened (GObject *source, GAsyncResult *res, gpointer user_data)
{
  ReplyFetch *f = user_data;
  BargedUpload *self = f->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *new_path = NULL;
  guint64 offset;

  f->fd = barged_file_access_open_temporary_finish (res, &offset, &self->reply_temporary_id, &new_path, &error);
  if (f->fd < 0)
    {
      reply_fail (f, barged_error_new_for_io (error, TRUE));
      return;
    }
  if (new_path != NULL)
    {
      g_free (self->reply_temporary);
      self->reply_temporary = g_steal_pointer (&new_path);
    }
  /* The file's identity is on record before the reply goes into it. */
  barged_upload_checkpoint (self);
  reply_send (f);
}

void
barged_upload_fetch_reply (BargedUpload *self, void (*then) (BargedUpload *self))
{
  ReplyFetch *f;
  const char *tmp;

  if (self->reply_done)
    {
      then (self);
      return;
    }
  if (self->reply_url == NULL)
    {
      /* A retry after a last Ack without a usable BITS-Reply-URL: the
       * server holds the file, and the reply has no URL (it was fetched
       * from NULL, and barged crashed). */
      barged_upload_fail (self, g_error_new_literal (BARGE_ERROR, BARGE_ERROR_INVALID_SERVER_RESPONSE,
                                                     "the server gave no usable BITS-Reply-URL"));
      return;
    }
  f = g_new0 (ReplyFetch, 1);
  f->self = g_object_ref (self);
  f->then = then;
  f->fd = -1;
  f->origin_url = g_strdup (barged_file_get_url (self->file));
  f->buf = g_malloc (REPLY_BUFFER);
  g_clear_pointer (&self->reply_data, g_bytes_unref);
  tmp = barged_upload_get_reply_temporary (self);
  if (tmp == NULL)
    {
      f->memory = g_byte_array_new ();
      reply_send (f);
      return;
    }
  /* A reply cut off by a crash or an error starts over: keep 0 bytes. */
  barged_file_access_open_temporary_async (self->owner, self->umask, self->reply_file_name, tmp,
                                           &self->reply_temporary_id, 0, self->cancellable,
                                           on_reply_file_opened, f);
}

typedef struct {
  int fd;
  guint32 owner;
  guint64 size;
} ReplyRead;

static void
reply_read_free (ReplyRead *rr)
{
  BARGE_TSAN_ACQUIRE (rr); /* the task's last reference may go on the worker */
  barged_file_access_close (rr->owner, rr->fd);
  g_free (rr);
}

static void
read_reply_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  BARGE_TSAN_TASK_THREAD (task);
  ReplyRead *rr = task_data;
  g_autofree guint8 *buf = g_malloc (MAX (rr->size, 1));
  gsize got = 0;

  /* A failing read gives what was read before it. */
  barged_pread_all (rr->fd, buf, rr->size, 0, &got);
  g_task_return_pointer (task, g_bytes_new_take (g_steal_pointer (&buf), got), (GDestroyNotify) g_bytes_unref);
}

static void
on_reply_file_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  BargedSourceIdentity identity;
  int fd = barged_file_access_open_source_finish (res, &identity, &error);
  BargedUpload *self = g_task_get_source_object (task);
  ReplyRead *rr;

  if (fd < 0)
    {
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_LOCAL_FILE, "%s", error->message);
      return;
    }
  if (barged_file_id_is_set (&self->reply_temporary_id) &&
      (identity.device != self->reply_temporary_id.device || identity.inode != self->reply_temporary_id.inode))
    {
      barged_file_access_close (self->owner, fd);
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_LOCAL_FILE,
                               "%s is no longer the reply file barged wrote", self->reply_temporary);
      return;
    }
  if (identity.size > BARGED_UPLOAD_MAX_REPLY_DATA)
    {
      barged_file_access_close (self->owner, fd);
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_TOO_LARGE,
                               "the reply has %" G_GUINT64_FORMAT " bytes, more than %u",
                               identity.size, BARGED_UPLOAD_MAX_REPLY_DATA);
      return;
    }
  /* At most 1 MiB, but from a file in the owner's folder, which may be on
   * NFS or the owner's own FUSE mount: read on a worker. */
  rr = g_new0 (ReplyRead, 1);
  rr->fd = fd;
  rr->owner = self->owner;
  rr->size = identity.size;
  g_task_set_task_data (task, rr, (GDestroyNotify) reply_read_free);
  BARGE_TSAN_RELEASE (task);
  g_task_run_in_thread (task, read_reply_thread);
}

void
barged_upload_get_reply_data_async (BargedUpload *self, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  const char *tmp;

  if (!self->reply_done)
    {
      /* BITS: NULL data while there is no reply yet. */
      g_task_return_pointer (task, g_bytes_new (NULL, 0), (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (self->reply_data != NULL)
    {
      g_task_return_pointer (task, g_bytes_ref (self->reply_data), (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (self->reply_total > BARGED_UPLOAD_MAX_REPLY_DATA)
    {
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_TOO_LARGE,
                               "the reply has %" G_GUINT64_FORMAT " bytes, more than %u",
                               self->reply_total, BARGED_UPLOAD_MAX_REPLY_DATA);
      return;
    }
  tmp = barged_upload_get_reply_temporary (self);
  barged_file_access_open_source_async (self->owner, tmp, cancellable, on_reply_file_read,
                                        g_steal_pointer (&task));
}

GBytes *
barged_upload_get_reply_data_finish (BargedUpload *self, GAsyncResult *res, GError **error)
{
  BARGE_TSAN_ACQUIRE (res);
  return g_task_propagate_pointer (G_TASK (res), error);
}

void
barged_upload_restore_file (BargedUpload *self, BargedFile *file)
{
  if (self->source_known)
    barged_file_set_total (file, self->source.size);
  barged_file_set_durable (file, self->acked);
  barged_file_set_done (file, self->acked);
}

/* --- construction ------------------------------------------------------------ */

BargedUpload *
barged_upload_new (SoupSession *session, const char *job_id, guint32 owner, BargeUploadProtocol protocol,
                   gboolean with_reply)
{
  BargedUpload *self = g_object_new (BARGED_TYPE_UPLOAD, NULL);

  self->session = g_object_ref (session);
  self->job_id = g_strdup (job_id);
  self->owner = owner;
  self->umask = 022;
  self->protocol = protocol;
  self->with_reply = with_reply;
  return self;
}

void
barged_upload_set_umask (BargedUpload *self, guint32 umask)
{
  self->umask = umask;
}

void
barged_upload_set_custom_headers (BargedUpload *self, GVariant *headers)
{
  g_clear_pointer (&self->custom_headers, g_variant_unref);
  self->custom_headers = headers != NULL ? g_variant_ref (headers) : NULL;
}

void
barged_upload_set_tls (BargedUpload *self, BargedTls *tls)
{
  g_clear_pointer (&self->tls, barged_tls_unref);
  self->tls = tls != NULL ? barged_tls_ref (tls) : NULL;
}

void
barged_upload_set_credentials (BargedUpload *self, BargedCredentials *credentials)
{
  g_set_object (&self->credentials, credentials);
}

static void
barged_upload_finalize (GObject *object)
{
  BargedUpload *self = BARGED_UPLOAD (object);

  g_assert (self->task == NULL);
  end_run (self);
  g_clear_object (&self->session);
  g_clear_object (&self->bandwidth);
  g_free (self->job_id);
  g_clear_pointer (&self->tls, barged_tls_unref);
  g_clear_object (&self->credentials);
  g_clear_pointer (&self->custom_headers, g_variant_unref);
  g_free (self->session_id);
  g_free (self->host_id);
  g_free (self->reply_url);
  g_free (self->reply_file_name);
  g_free (self->reply_temporary);
  g_clear_pointer (&self->reply_data, g_bytes_unref);
  G_OBJECT_CLASS (barged_upload_parent_class)->finalize (object);
}

static void
barged_upload_init (BargedUpload *self)
{
  self->fd = -1;
  self->retry_after = -1;
  self->reply_total = BARGE_SIZE_UNKNOWN;
  self->reply_file_name = g_strdup ("");
}

static void
barged_upload_class_init (BargedUploadClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = barged_upload_finalize;

  signals[SIGNAL_CONNECTED] = g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_CHECKPOINT] = g_signal_new ("checkpoint", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_REPLY_PROGRESS] = g_signal_new ("reply-progress", G_TYPE_FROM_CLASS (klass),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}
