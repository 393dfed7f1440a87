/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedUploadBits"

#include "config.h"

#include <string.h>

#include "barge.h"
#include "barged-errors.h"
#include "barged-request.h"
#include "barged-upload-headers.h"
#include "barged-upload-private.h"

/* The BITS upload protocol ([MC-BUP]): BITS_POST packets on the remote URL,
 * one request outstanding per session. The server's Ack says how many bytes
 * it holds (BITS-Received-Content-Range); we only ever send from there. */

#define BITS_METHOD "BITS_POST"
#define BITS_PROTOCOL_GUID "{7df0354d-249b-430f-820d-3d2a9bef4931}"
#define BG_E_SESSION_NOT_FOUND 0x8020001FU
/* A lost session is recreated this often in a row before we give up. */
#define MAX_SESSION_RESTARTS 3
/* Acks in a row that do not move the offset forward (a resync moves it
 * once; more means a confused server). */
#define MAX_STALLED_ACKS 3

static void create_session (BargedUpload *self);
static void ping (BargedUpload *self);
static void send_fragment (BargedUpload *self);
static void close_session (BargedUpload *self);

/* The URL packets go to: the remote URL, or with BITS-Host-Id its host
 * replaced by the farm server the session lives on. */
static char *
packet_url_for (BargedUpload *self, const char *url)
{
  return barged_upload_packet_url (url, self->host_id);
}

static SoupMessage *
packet_new (BargedUpload *self, const char *type, GError **error)
{
  g_autofree char *url = packet_url_for (self, barged_file_get_url (self->file));
  SoupMessage *msg = barged_upload_message_new (BITS_METHOD, url, barged_file_get_url (self->file),
                                                self->custom_headers, self->tls, error);
  SoupMessageHeaders *headers;

  if (msg == NULL)
    return NULL;
  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "BITS-Packet-Type", type);
  if (self->session_id != NULL && g_ascii_strcasecmp (type, "Create-Session") != 0)
    soup_message_headers_replace (headers, "BITS-Session-Id", self->session_id);
#if SOUP_CHECK_VERSION (3, 4, 0)
  /* MC-BUP 2.2.1 requires HTTP/1.1. */
  soup_message_set_force_http1 (msg, TRUE);
#endif
  return msg;
}

static void
set_empty_body (SoupMessage *msg)
{
  /* Every packet carries a Content-Length, 0 for all but Fragment. */
  soup_message_set_request_body_from_bytes (msg, NULL, NULL);
  soup_message_headers_set_content_length (soup_message_get_request_headers (msg), 0);
}

static guint32
bits_error_code (SoupMessage *msg)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  const char *code = soup_message_headers_get_one (headers, "BITS-Error-Code");

  if (code == NULL)
    code = soup_message_headers_get_one (headers, "BITS-Error");
  return barged_upload_parse_bits_error (code);
}

/* Every Ack from the farm server resets its fallback clock. */
static void
note_ack (BargedUpload *self, SoupMessage *msg)
{
  if (self->host_id != NULL && soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                             "BITS-Packet-Type") != NULL)
    self->host_id_last_ack = g_get_real_time () / G_USEC_PER_SEC;
}

/* A non-success Ack: a lost session is created again (the new session
 * starts from what that server holds, which the next Ack tells us). */
static void
handle_failure (BargedUpload *self, SoupMessage *msg)
{
  if (bits_error_code (msg) == BG_E_SESSION_NOT_FOUND && self->session_restarts++ < MAX_SESSION_RESTARTS)
    {
      g_autofree char *where = barged_request_url_for_log (barged_file_get_url (self->file));

      g_info ("%s: the server lost session %s; creating a new one", where, self->session_id);
      g_clear_pointer (&self->session_id, g_free);
      barged_upload_checkpoint (self);
      create_session (self);
      return;
    }
  barged_upload_fail_response (self, msg);
}

static void
on_pinged (BargedUpload *self, SoupMessage *msg)
{
  note_ack (self, msg);
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
    {
      handle_failure (self, msg);
      return;
    }
  send_fragment (self);
}

/* Opens the connection to the farm server (and would authenticate it)
 * before the first fragment goes there, as Windows does. */
static void
ping (BargedUpload *self)
{
  GError *error = NULL;
  SoupMessage *msg = packet_new (self, "Ping", &error);

  if (msg == NULL)
    {
      barged_upload_fail (self, error);
      return;
    }
  set_empty_body (msg);
  barged_upload_send (self, msg, on_pinged);
}

static void
on_session_created (BargedUpload *self, SoupMessage *msg)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  const char *id = soup_message_headers_get_one (headers, "BITS-Session-Id");
  const char *protocol = soup_message_headers_get_one (headers, "BITS-Protocol");
  const char *host_id;

  note_ack (self, msg);

  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
    {
      handle_failure (self, msg);
      return;
    }
  if (id == NULL || *id == '\0' || strlen (id) > 100 ||
      (protocol != NULL && g_ascii_strcasecmp (protocol, BITS_PROTOCOL_GUID) != 0))
    {
      barged_upload_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_SERVER_RESPONSE,
                                             "Create-Session was answered without a usable session (%s, %s)",
                                             id != NULL ? id : "no BITS-Session-Id",
                                             protocol != NULL ? protocol : "no BITS-Protocol"));
      return;
    }
  self->session_id = g_strdup (id);
  /* A new session holds nothing yet; its first Ack corrects us if it does. */
  self->uploaded = FALSE;
  g_clear_pointer (&self->host_id, g_free);
  host_id = soup_message_headers_get_one (headers, "BITS-Host-Id");
  if (barged_upload_bits_host_id_is_valid (host_id))
    {
      const char *fallback = soup_message_headers_get_one (headers, "BITS-Host-Id-Fallback-Timeout");

      self->host_id = g_strdup (host_id);
      self->host_id_fallback = barged_upload_parse_fallback_timeout (fallback);
      self->host_id_last_ack = g_get_real_time () / G_USEC_PER_SEC;
    }
  barged_upload_set_acked (self, 0);
  barged_upload_connected (self);
  if (self->host_id != NULL)
    ping (self);
  else
    send_fragment (self);
}

static void
create_session (BargedUpload *self)
{
  GError *error = NULL;
  SoupMessage *msg = packet_new (self, "Create-Session", &error);

  if (msg == NULL)
    {
      barged_upload_fail (self, error);
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "BITS-Supported-Protocols",
                                BITS_PROTOCOL_GUID);
  set_empty_body (msg);
  barged_upload_send (self, msg, on_session_created);
}

static void
on_fragment_acked (BargedUpload *self, SoupMessage *msg)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  guint status = soup_message_get_status (msg);
  const char *received = soup_message_headers_get_one (headers, "BITS-Received-Content-Range");
  guint64 size = self->source.size;
  guint64 next;

  note_ack (self, msg);

  if (status == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE)
    {
      if (barged_upload_shrink_after_413 (self))
        send_fragment (self);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status) && status != SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE)
    {
      handle_failure (self, msg);
      return;
    }
  if (!barged_upload_parse_offset (received, size, &next))
    {
      barged_upload_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_SERVER_RESPONSE,
                                             "a Fragment Ack with BITS-Received-Content-Range: %s (file size %"
                                             G_GUINT64_FORMAT ")", received != NULL ? received : "(none)", size));
      return;
    }
  /* An Ack that never lets us past where we were would loop for ever. */
  self->stalled_acks = next > self->acked ? 0 : self->stalled_acks + 1;
  if (self->stalled_acks > MAX_STALLED_ACKS)
    {
      barged_upload_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_SERVER_RESPONSE,
                                             "the server keeps acknowledging %" G_GUINT64_FORMAT
                                             " bytes without taking more", next));
      return;
    }
  barged_upload_connected (self);
  if (next > self->acked)
    barged_upload_chunk_acked (self, next - self->acked);
  barged_upload_set_acked (self, next);
  if (next < size)
    {
      send_fragment (self);
      return;
    }
  self->uploaded = TRUE;
  if (self->with_reply && self->reply_url == NULL)
    {
      const char *reply = soup_message_headers_get_one (headers, "BITS-Reply-URL");

      if ((self->reply_url = barged_upload_resolve_url (barged_file_get_url (self->file), reply)) == NULL)
        {
          barged_upload_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_SERVER_RESPONSE,
                                                 "the last Fragment Ack of an upload-reply job has no usable "
                                                 "BITS-Reply-URL"));
          return;
        }
    }
  barged_upload_checkpoint (self);
  if (self->with_reply)
    /* Before Close-Session, which lets the server delete the reply. */
    barged_upload_fetch_reply (self, close_session);
  else
    close_session (self);
}

static void
send_fragment (BargedUpload *self)
{
  guint64 first = self->acked;
  guint64 len;
  SoupMessageHeaders *headers;
  GError *error = NULL;
  SoupMessage *msg = packet_new (self, "Fragment", &error);

  /* Every byte acknowledged, but not the last Ack's news (a stop came
   * between its records): the last fragment again, whose Ack says the
   * server holds it all, and brings an upload-reply's BITS-Reply-URL. A
   * fragment of no bytes would be no valid request. */
  if (first == self->source.size && first > 0)
    first = self->source.size - MIN (self->fragment_size, self->source.size);
  len = MIN (self->fragment_size, self->source.size - first);
  if (msg == NULL)
    {
      barged_upload_fail (self, error);
      return;
    }
  if (!barged_upload_set_body (self, msg, "application/octet-stream", first, len, &error))
    {
      g_object_unref (msg);
      barged_upload_fail (self, error);
      return;
    }
  headers = soup_message_get_request_headers (msg);
  soup_message_headers_set_content_range (headers, (goffset) first, (goffset) (first + len - 1),
                                          (goffset) self->source.size);
  {
    /* The name only, as Windows sends it: the server ignores it anyway. */
    g_autofree char *name = g_path_get_basename (barged_file_get_destination (self->file));
    soup_message_headers_replace (headers, "Content-Name", name);
  }
  self->chunk_sent_at = g_get_monotonic_time ();
  barged_upload_send (self, msg, on_fragment_acked);
}

static void
on_session_closed (BargedUpload *self, SoupMessage *msg)
{
  guint status = soup_message_get_status (msg);

  note_ack (self, msg);

  /* After the last Ack the server has committed the file: a session it
   * already forgot is no reason to upload again. */
  if (SOUP_STATUS_IS_SUCCESSFUL (status) || bits_error_code (msg) == BG_E_SESSION_NOT_FOUND)
    {
      g_clear_pointer (&self->session_id, g_free);
      barged_upload_checkpoint (self);
      barged_upload_succeed (self);
      return;
    }
  barged_upload_fail_response (self, msg);
}

static void
close_session (BargedUpload *self)
{
  GError *error = NULL;
  SoupMessage *msg = packet_new (self, "Close-Session", &error);

  if (msg == NULL)
    {
      barged_upload_fail (self, error);
      return;
    }
  set_empty_body (msg);
  barged_upload_send (self, msg, on_session_closed);
}

void
barged_upload_bits_run (BargedUpload *self)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (self->host_id != NULL && self->host_id_fallback > 0 &&
      now - self->host_id_last_ack >= (gint64) self->host_id_fallback)
    {
      /* No Ack from the farm server for its fallback timeout: back to the
       * URL's own host, where the session may still be known. */
      g_autofree char *where = barged_request_url_for_log (barged_file_get_url (self->file));

      g_info ("%s: no answer from BITS host %s for %" G_GUINT64_FORMAT " s; back to the original host",
              where, self->host_id, self->host_id_fallback);
      g_clear_pointer (&self->host_id, g_free);
      barged_upload_checkpoint (self);
    }
  if (self->session_id == NULL)
    create_session (self);
  else if (self->host_id != NULL && !self->uploaded)
    ping (self);
  else if (self->uploaded && self->acked == self->source.size)
    {
      if (self->with_reply)
        barged_upload_fetch_reply (self, close_session);
      else
        close_session (self);
    }
  else
    /* Resume in the same session: if the server holds more or less than
     * we recorded, its Ack (200 or 416) moves us there. */
    send_fragment (self);
}

/* Cancel-Session outlives the job: it is retried a few times while the
 * daemon runs (BITS keeps trying for up to a day; a restart ends ours). */
#define CANCEL_ATTEMPTS 4
#define CANCEL_FIRST_DELAY 5

typedef struct {
  SoupSession *session;
  char *url;
  char *origin_url;           /* the file's: the custom headers' origin */
  char *session_id;
  GVariant *custom_headers;
  BargedTls *tls;
  guint attempt;
  gboolean resent;            /* once at once, after a lost kept connection */
  gboolean new_connection;    /* the next attempt opens a connection */
} CancelData;

static void
cancel_data_free (CancelData *c)
{
  g_object_unref (c->session);
  g_free (c->url);
  g_free (c->origin_url);
  g_free (c->session_id);
  g_clear_pointer (&c->custom_headers, g_variant_unref);
  g_clear_pointer (&c->tls, barged_tls_unref);
  g_free (c);
}

static void send_cancel (CancelData *c);

static gboolean
cancel_retry_cb (gpointer user_data)
{
  send_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
on_cancel_sent (SoupMessage *msg, GBytes *body, const GError *error, gboolean lost_kept, gpointer user_data)
{
  CancelData *c = user_data;
  g_autofree char *where = barged_request_url_for_log (c->url);
  gboolean retry;

  if (body == NULL && lost_kept && !c->resent)
    {
      /* The server closed the idle connection this went on, unanswered:
       * no attempt of the few a cancel has, and no backoff. */
      g_debug ("Cancel-Session for %s: the kept connection closed before an answer; sending it again", where);
      c->resent = c->new_connection = TRUE;
      send_cancel (c);
      return;
    }
  if (body == NULL)
    {
      g_info ("Cancel-Session for %s failed: %s", where, error->message);
      /* The job's TLS checks refused the server: it gets nothing. */
      retry = error->domain != BARGE_ERROR || error->code != BARGE_ERROR_TLS_FAILURE;
    }
  else
    {
      g_debug ("Cancel-Session for %s: HTTP %u", where, soup_message_get_status (msg));
      /* 5xx is worth another try, except a session the server forgot. */
      retry = SOUP_STATUS_IS_SERVER_ERROR (soup_message_get_status (msg)) &&
              bits_error_code (msg) != BG_E_SESSION_NOT_FOUND;
    }
  if (retry && ++c->attempt < CANCEL_ATTEMPTS)
    {
      g_timeout_add_seconds (CANCEL_FIRST_DELAY << (2 * (c->attempt - 1)), cancel_retry_cb, c);
      return;
    }
  cancel_data_free (c);
}

static void
send_cancel (CancelData *c)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = barged_upload_message_new (BITS_METHOD, c->url, c->origin_url, c->custom_headers,
                                                          c->tls, &error);

  if (msg == NULL)
    {
      cancel_data_free (c);
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "BITS-Packet-Type", "Cancel-Session");
  soup_message_headers_replace (soup_message_get_request_headers (msg), "BITS-Session-Id", c->session_id);
  set_empty_body (msg);
  if (c->new_connection)
    soup_message_add_flags (msg, SOUP_MESSAGE_NEW_CONNECTION);
  c->new_connection = FALSE;
  barged_upload_send_full (c->session, c->tls, msg, NULL, on_cancel_sent, c);
}

void
barged_upload_bits_cancel (BargedUpload *self, const char *url)
{
  CancelData *c = g_new0 (CancelData, 1);

  c->session = g_object_ref (self->session);
  c->url = packet_url_for (self, url);
  c->origin_url = g_strdup (url);
  c->session_id = g_strdup (self->session_id);
  c->custom_headers = self->custom_headers != NULL ? g_variant_ref (self->custom_headers) : NULL;
  c->tls = self->tls != NULL ? barged_tls_ref (self->tls) : NULL;
  send_cancel (c);
}
