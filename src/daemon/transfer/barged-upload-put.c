/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedUploadPut"

#include "config.h"

#include "barge.h"
#include "barged-errors.h"
#include "barged-request.h"
#include "barged-upload-private.h"

/* A plain HTTP PUT (WebDAV servers, object stores): the whole file in one
 * request. Nothing of an interrupted PUT counts, so every run starts from
 * byte 0 and the server acknowledges all bytes or none. */

static void
on_checked (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargedUpload) self = user_data;
  GError *error = NULL;
  g_autoptr(GBytes) nothing = barged_upload_read_finish (res, &error);

  if (nothing == NULL)
    {
      barged_upload_fail (self, error);
      return;
    }
  self->uploaded = TRUE;
  barged_upload_set_acked (self, self->source.size);
  barged_upload_succeed (self);
}

static void
on_put_sent (BargedUpload *self, SoupMessage *msg)
{
  g_autofree char *where = barged_request_url_for_log (barged_file_get_url (self->file));

  g_debug ("%s: PUT -> HTTP %u", where, soup_message_get_status (msg));
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
    {
      barged_upload_fail_response (self, msg);
      return;
    }
  barged_upload_connected (self);
  /* The server stored what we sent; it is the file only if the source did
   * not change meanwhile. A read of 0 bytes does that check. */
  barged_upload_read_async (self, 0, 0, on_checked, g_object_ref (self));
}

/* A PUT carries the whole file, and one that meets an authentication
 * challenge goes out twice with every byte: libsoup 3.2 writes the body
 * before it reads the answer. "Expect: 100-continue" would wait for the
 * answer first, but libsoup has no timer to send the body anyway when a
 * server ignores the expectation (curl waits 1 s), so such a server would
 * hold every run until the deadline. A job with Basic or Digest
 * credentials asks with a HEAD first instead: no body, and its challenge is answered there, so
 * that the PUT carries the answer up front (BargedAuthAnswers). The HEAD's
 * own status means nothing: the PUT follows whatever it is. Below
 * PROBE_FROM bytes the body sent twice costs less than the round trip. */
#define PROBE_FROM (64 * 1024)

static void send_put (BargedUpload *self);

/* Only for Basic and Digest, the schemes whose answer goes up front: NTLM
 * authenticates a connection, and barged closes such a connection after
 * its response (barged-ntlm.c), so the PUT would do the handshake again. */
static gboolean
wants_probe (BargedUpload *self)
{
  g_autoptr(GVariant) list = NULL;
  GVariantIter iter;
  const char *target, *scheme;

  if (self->credentials == NULL || self->source.size < PROBE_FROM)
    return FALSE;
  list = g_variant_ref_sink (barged_credentials_list (self->credentials, self->job_id));
  g_variant_iter_init (&iter, list);
  while (g_variant_iter_next (&iter, "(&s&s)", &target, &scheme))
    if (g_str_equal (scheme, "basic") || g_str_equal (scheme, "digest"))
      return TRUE;
  return FALSE;
}

static void
on_probed (BargedUpload *self, SoupMessage *msg)
{
  g_autofree char *where = barged_request_url_for_log (barged_file_get_url (self->file));

  g_debug ("%s: HEAD before the PUT -> HTTP %u", where, soup_message_get_status (msg));
  send_put (self);
}

void
barged_upload_put_run (BargedUpload *self)
{
  GError *error = NULL;
  SoupMessage *msg;

  if (!wants_probe (self))
    {
      send_put (self);
      return;
    }
  msg = barged_upload_message_new (SOUP_METHOD_HEAD, barged_file_get_url (self->file), barged_file_get_url (self->file),
                                   self->custom_headers, self->tls, &error);
  if (msg == NULL)
    {
      barged_upload_fail (self, error);
      return;
    }
  barged_upload_send (self, msg, on_probed);
}

static void
send_put (BargedUpload *self)
{
  GError *error = NULL;
  SoupMessage *msg = barged_upload_message_new (SOUP_METHOD_PUT, barged_file_get_url (self->file),
                                                barged_file_get_url (self->file), self->custom_headers, self->tls,
                                                &error);

  if (msg == NULL)
    {
      barged_upload_fail (self, error);
      return;
    }
  if (self->acked != 0)
    barged_upload_set_acked (self, 0);
  if (!barged_upload_set_body (self, msg, "application/octet-stream", 0, self->source.size, &error))
    {
      g_object_unref (msg);
      barged_upload_fail (self, error);
      return;
    }
  barged_upload_send (self, msg, on_put_sent);
}
