/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedUploadTus"

#include "config.h"

#include <string.h>

#include "barge.h"
#include "barged-errors.h"
#include "barged-request.h"
#include "barged-upload-headers.h"
#include "barged-upload-private.h"

/* tus 1.0.0 (tus.io/protocols/resumable-upload) with the creation,
 * termination and expiration extensions: POST creates the upload resource,
 * HEAD tells its offset, PATCH appends from exactly that offset. */

#define TUS_VERSION "1.0.0"
#define TUS_CONTENT_TYPE "application/offset+octet-stream"
/* Offsets that disagree (409) or uploads that vanished: this many fresh
 * starts in a row before the run fails. */
#define MAX_RESTARTS 3

static void create_upload (BargedUpload *self);
static void ask_offset (BargedUpload *self);
static void send_chunk (BargedUpload *self);

static SoupMessage *
tus_message_new (BargedUpload *self, const char *method, const char *url)
{
  GError *error = NULL;
  SoupMessage *msg = barged_upload_message_new (method, url, barged_file_get_url (self->file), self->custom_headers,
                                                self->tls, &error);

  if (msg == NULL)
    {
      barged_upload_fail (self, error);
      return NULL;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Tus-Resumable", TUS_VERSION);
  return msg;
}

static void
note_expiry (BargedUpload *self, SoupMessage *msg)
{
  const char *expires = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Upload-Expires");

  barged_upload_parse_expires (expires, &self->expires);
}

static gboolean
parse_offset (SoupMessage *msg, guint64 size, guint64 *offset)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Upload-Offset");

  return barged_upload_parse_offset (value, size, offset);
}

static gboolean
upload_is_gone (guint status)
{
  return status == SOUP_STATUS_NOT_FOUND || status == SOUP_STATUS_GONE || status == SOUP_STATUS_FORBIDDEN;
}

/* The upload resource expired or was removed: start a new one from 0. */
static void
start_over (BargedUpload *self, const char *why)
{
  if (self->session_restarts++ >= MAX_RESTARTS)
    {
      barged_upload_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_REMOTE_FILE_CHANGED,
                                             "the tus upload keeps going away (%s)", why));
      return;
    }
  g_autofree char *where = barged_request_url_for_log (self->session_id);

  g_info ("%s: %s; creating a new upload", where, why);
  g_clear_pointer (&self->session_id, g_free);
  self->expires = 0;
  barged_upload_set_acked (self, 0);
  create_upload (self);
}

/* Whether the server may hold @offset bytes: no more than were sent to it.
 * A server that says it holds bytes it never got (a bug, or an upload URL
 * another client shares) would make an upload "transferred" that the
 * server does not have whole. */
static gboolean
offset_was_sent (BargedUpload *self, guint64 offset, const char *answer)
{
  if (!self->sent_known || offset <= self->sent_end)
    return TRUE;
  barged_upload_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_SERVER_RESPONSE,
                                         "the server's %s answer says it holds %" G_GUINT64_FORMAT
                                         " bytes, but only %" G_GUINT64_FORMAT " were sent",
                                         answer, offset, self->sent_end));
  return FALSE;
}

static void
continue_or_finish (BargedUpload *self)
{
  if (self->acked < self->source.size)
    send_chunk (self);
  else
    {
      self->uploaded = TRUE;
      barged_upload_checkpoint (self);
      barged_upload_succeed (self);
    }
}

static void
on_patched (BargedUpload *self, SoupMessage *msg)
{
  guint status = soup_message_get_status (msg);
  guint64 offset;

  if (status == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE)
    {
      /* Nothing was written: the same offset again, in a smaller chunk. */
      if (barged_upload_shrink_after_413 (self))
        send_chunk (self);
      return;
    }
  if (status == SOUP_STATUS_CONFLICT)
    {
      /* Our offset is not the server's: ask again (nothing was written),
       * but not for ever. */
      if (++self->stalled_acks > MAX_RESTARTS)
        {
          barged_upload_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_SERVER_RESPONSE,
                                                 "the server keeps refusing Upload-Offset %" G_GUINT64_FORMAT,
                                                 self->acked));
          return;
        }
      ask_offset (self);
      return;
    }
  if (upload_is_gone (status))
    {
      start_over (self, "the upload is gone");
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      barged_upload_fail_response (self, msg);
      return;
    }
  if (!parse_offset (msg, self->source.size, &offset))
    {
      barged_upload_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_SERVER_RESPONSE,
                                             "a PATCH answer without a valid Upload-Offset"));
      return;
    }
  if (!offset_was_sent (self, offset, "PATCH"))
    return;
  note_expiry (self, msg);
  /* A PATCH that never moves the offset past where it was would send the
   * same chunk for ever. */
  self->stalled_acks = offset > self->acked ? 0 : self->stalled_acks + 1;
  if (self->stalled_acks > MAX_RESTARTS)
    {
      barged_upload_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_SERVER_RESPONSE,
                                             "the server keeps answering PATCH with Upload-Offset %" G_GUINT64_FORMAT
                                             " without taking more", offset));
      return;
    }
  barged_upload_connected (self);
  if (offset > self->acked)
    barged_upload_chunk_acked (self, offset - self->acked);
  barged_upload_set_acked (self, offset);
  continue_or_finish (self);
}

static void
send_chunk (BargedUpload *self)
{
  guint64 len = MIN (self->fragment_size, self->source.size - self->acked);
  g_autofree char *offset = g_strdup_printf ("%" G_GUINT64_FORMAT, self->acked);
  GError *error = NULL;
  SoupMessage *msg = tus_message_new (self, "PATCH", self->session_id);

  if (msg == NULL)
    return;
  if (!barged_upload_set_body (self, msg, TUS_CONTENT_TYPE, self->acked, len, &error))
    {
      g_object_unref (msg);
      barged_upload_fail (self, error);
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Upload-Offset", offset);
  if (self->sent_known)
    self->sent_end = MAX (self->sent_end, self->acked + len);
  self->chunk_sent_at = g_get_monotonic_time ();
  barged_upload_send (self, msg, on_patched);
}

static void
on_offset (BargedUpload *self, SoupMessage *msg)
{
  guint status = soup_message_get_status (msg);
  guint64 offset;

  if (upload_is_gone (status))
    {
      start_over (self, "the upload is gone or expired");
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      barged_upload_fail_response (self, msg);
      return;
    }
  if (!parse_offset (msg, self->source.size, &offset))
    {
      barged_upload_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_SERVER_RESPONSE,
                                             "a HEAD answer without a valid Upload-Offset"));
      return;
    }
  if (!offset_was_sent (self, offset, "HEAD"))
    return;
  barged_upload_connected (self);
  barged_upload_set_acked (self, offset);
  continue_or_finish (self);
}

static void
ask_offset (BargedUpload *self)
{
  SoupMessage *msg = tus_message_new (self, SOUP_METHOD_HEAD, self->session_id);

  if (msg != NULL)
    barged_upload_send (self, msg, on_offset);
}

static void
on_created (BargedUpload *self, SoupMessage *msg)
{
  const char *location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
  char *resolved = NULL;

  if (soup_message_get_status (msg) != SOUP_STATUS_CREATED)
    {
      barged_upload_fail_response (self, msg);
      return;
    }
  /* Location may be relative to the creation URL. */
  if ((resolved = barged_upload_resolve_url (barged_file_get_url (self->file), location)) == NULL)
    {
      barged_upload_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_INVALID_SERVER_RESPONSE,
                                             "the creation answer has no usable Location"));
      return;
    }
  self->session_id = resolved;
  self->uploaded = FALSE;
  self->sent_known = TRUE;
  self->sent_end = 0;
  note_expiry (self, msg);
  barged_upload_connected (self);
  barged_upload_set_acked (self, 0);
  continue_or_finish (self);
}

static void
create_upload (BargedUpload *self)
{
  SoupMessage *msg = tus_message_new (self, SOUP_METHOD_POST, barged_file_get_url (self->file));
  g_autofree char *length = NULL;
  g_autofree char *name = NULL;
  g_autofree char *name64 = NULL;
  g_autofree char *metadata = NULL;
  SoupMessageHeaders *headers;

  if (msg == NULL)
    return;
  headers = soup_message_get_request_headers (msg);
  length = g_strdup_printf ("%" G_GUINT64_FORMAT, self->source.size);
  name = g_path_get_basename (barged_file_get_destination (self->file));
  name64 = g_base64_encode ((const guchar *) name, strlen (name));
  metadata = g_strdup_printf ("filename %s", name64);
  soup_message_headers_replace (headers, "Upload-Length", length);
  soup_message_headers_replace (headers, "Upload-Metadata", metadata);
  soup_message_set_request_body_from_bytes (msg, NULL, NULL);
  soup_message_headers_set_content_length (headers, 0);
  barged_upload_send (self, msg, on_created);
}

void
barged_upload_tus_run (BargedUpload *self)
{
  if (self->session_id != NULL && self->uploaded && self->acked == self->source.size)
    {
      barged_upload_succeed (self);
      return;
    }
  if (self->session_id != NULL && self->expires > 0 && self->expires <= g_get_real_time () / G_USEC_PER_SEC)
    {
      /* Expired uploads answer 404 or 410 anyway; skip the round trip. */
      g_clear_pointer (&self->session_id, g_free);
      self->expires = 0;
      barged_upload_set_acked (self, 0);
    }
  if (self->session_id == NULL)
    create_upload (self);
  else
    ask_offset (self);
}

static void
on_deleted (SoupMessage *msg, GBytes *body, const GError *error, gboolean lost_kept, gpointer user_data)
{
  if (body == NULL)
    g_info ("tus termination failed: %s", error->message);
  else
    g_debug ("tus termination: HTTP %u", soup_message_get_status (msg));
}

void
barged_upload_tus_cancel (BargedUpload *self, const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = barged_upload_message_new (SOUP_METHOD_DELETE, self->session_id, url,
                                                          self->custom_headers, self->tls, &error);

  if (msg == NULL)
    return;
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Tus-Resumable", TUS_VERSION);
  barged_upload_send_full (self->session, self->tls, msg, NULL, on_deleted, NULL);
}
