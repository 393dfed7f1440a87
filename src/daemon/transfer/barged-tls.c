/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedTls"

#include "config.h"

#include <string.h>

#include "barge.h"
#include "barged-tls.h"

struct _BargedTls
{
  gatomicrefcount ref;
  GPtrArray *cas;             /* GTlsCertificate, never NULL */
  GTlsCertificate *client;    /* or NULL */
};

BargedTls *
barged_tls_new (GPtrArray *cas, GTlsCertificate *client)
{
  BargedTls *self = g_new0 (BargedTls, 1);

  g_atomic_ref_count_init (&self->ref);
  self->cas = cas != NULL ? g_ptr_array_ref (cas) : g_ptr_array_new_with_free_func (g_object_unref);
  self->client = client != NULL ? g_object_ref (client) : NULL;
  return self;
}

BargedTls *
barged_tls_ref (BargedTls *self)
{
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
barged_tls_unref (BargedTls *self)
{
  if (!g_atomic_ref_count_dec (&self->ref))
    return;
  g_ptr_array_unref (self->cas);
  g_clear_object (&self->client);
  g_free (self);
}

#define PEM_BEGIN "-----BEGIN CERTIFICATE-----"
#define PEM_END "-----END CERTIFICATE-----"

GPtrArray *
barged_tls_parse_ca (GBytes *pem, const char *path, GError **error)
{
  g_autoptr(GPtrArray) cas = g_ptr_array_new_with_free_func (g_object_unref);
  gsize len = 0;
  const char *data = g_bytes_get_data (pem, &len);
  g_autofree char *text = g_strndup (data, len);
  const char *at = text;

  /* GLib 2.74 parses one certificate from memory, a list only from a
   * path (which barged must not open itself): one block at a time. */
  while ((at = strstr (at, PEM_BEGIN)) != NULL)
    {
      const char *end = strstr (at, PEM_END);
      g_autoptr(GError) local = NULL;
      GTlsCertificate *cert;

      if (end == NULL)
        break;
      end += strlen (PEM_END);
      cert = g_tls_certificate_new_from_pem (at, end - at, &local);
      if (cert == NULL)
        {
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "%s: a certificate cannot be read: %s",
                       path, local->message);
          return NULL;
        }
      g_ptr_array_add (cas, cert);
      at = end;
    }
  if (cas->len == 0)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "%s holds no PEM certificate (-----BEGIN CERTIFICATE-----)", path);
      return NULL;
    }
  return g_steal_pointer (&cas);
}

GTlsCertificate *
barged_tls_parse_client (GBytes *pem, const char *path, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autofree char *text = NULL;
  g_autofree char *key = NULL;
  const char *data;
  gsize len = 0;

  if (pem == NULL)
    {
      cert = g_tls_certificate_new_from_pkcs11_uris (path, NULL, &local);
      if (cert == NULL)
        g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "%s: no certificate there: %s", path,
                     local->message);
      return g_steal_pointer (&cert);
    }
  data = g_bytes_get_data (pem, &len);
  text = g_strndup (data, len);
  cert = g_tls_certificate_new_from_pem (text, -1, &local);
  if (cert == NULL)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "%s: not a PEM certificate and key: %s", path,
                   local->message);
      return NULL;
    }
  g_object_get (cert, "private-key-pem", &key, NULL);
  if (key == NULL)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "%s has a certificate but no private key: put both in the file (PEM)", path);
      return NULL;
    }
  /* The key stays in this object only; the copy read from the file goes. */
  memset (text, 0, strlen (text));
  memset (key, 0, strlen (key));
  return g_steal_pointer (&cert);
}

/* Only an unknown authority may be forgiven, and only for a certificate
 * one of the job's CAs signed for this very host: expired, revoked, of
 * another host or insecure stays refused. */
static gboolean
on_accept_certificate (SoupMessage *msg, GTlsCertificate *peer, GTlsCertificateFlags errors, BargedTls *self)
{
  GUri *uri = soup_message_get_uri (msg);
  g_autoptr(GSocketConnectable) identity = NULL;

  if (errors != G_TLS_CERTIFICATE_UNKNOWN_CA || peer == NULL)
    return FALSE;
  identity = g_network_address_new (g_uri_get_host (uri), (guint16) g_uri_get_port (uri));
  for (guint i = 0; i < self->cas->len; i++)
    if (g_tls_certificate_verify (peer, identity, g_ptr_array_index (self->cas, i)) == 0)
      return TRUE;
  return FALSE;
}

GTlsCertificateFlags
barged_tls_peer_errors (BargedTls *self, SoupMessage *msg)
{
  GTlsCertificateFlags flags = soup_message_get_tls_peer_certificate_errors (msg);
  GTlsCertificate *peer = soup_message_get_tls_peer_certificate (msg);
  GUri *uri = soup_message_get_uri (msg);
  g_autoptr(GSocketConnectable) identity = NULL;

  if (self == NULL || peer == NULL || !(flags & G_TLS_CERTIFICATE_UNKNOWN_CA))
    return flags;
  identity = g_network_address_new (g_uri_get_host (uri), (guint16) g_uri_get_port (uri));
  for (guint i = 0; i < self->cas->len; i++)
    {
      GTlsCertificateFlags own = g_tls_certificate_verify (peer, identity, g_ptr_array_index (self->cas, i));

      if (!(own & G_TLS_CERTIFICATE_UNKNOWN_CA))
        return (flags & ~G_TLS_CERTIFICATE_UNKNOWN_CA) | own;
    }
  return flags;
}

static void
unref_closure_data (gpointer data, GClosure *closure)
{
  barged_tls_unref (data);
}

void
barged_tls_apply (BargedTls *self, SoupMessage *msg)
{
  if (self == NULL)
    return;
  soup_message_add_flags (msg, SOUP_MESSAGE_NEW_CONNECTION);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Connection", "close");
  if (self->client != NULL)
    soup_message_set_tls_client_certificate (msg, self->client);
  if (self->cas->len > 0)
    g_signal_connect_data (msg, "accept-certificate", G_CALLBACK (on_accept_certificate), barged_tls_ref (self),
                           unref_closure_data, 0);
}
