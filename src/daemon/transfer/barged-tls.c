/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedTls"

#include "config.h"

#include <string.h>
#include <gnutls/x509.h>

#include "barge.h"
#include "barged-certificate.h"
#include "barged-request.h"
#include "barged-revocation-database.h"
#include "barged-tls.h"

struct _BargedTls
{
  gatomicrefcount ref;
  GPtrArray *cas;             /* GTlsCertificate, never NULL */
  GPtrArray *crls;            /* gnutls_x509_crl_t, never NULL */
  GTlsCertificateFlags ignore;
  GTlsCertificate *client;    /* or NULL */
  BargedRevocation *revocation; /* "check-revocation": the lists of the system's chains; or NULL */
  gsize authorities_size;     /* bytes of the CA and CRL files parsed into cas and crls */
  gsize client_size;          /* bytes of the client certificate's file */
};

static void
crl_free (gpointer crl)
{
  gnutls_x509_crl_deinit (crl);
}

BargedTls *
barged_tls_new (GPtrArray *cas, GPtrArray *crls, GTlsCertificateFlags ignore, GTlsCertificate *client,
                BargedRevocation *revocation)
{
  BargedTls *self = g_new0 (BargedTls, 1);

  g_atomic_ref_count_init (&self->ref);
  self->cas = cas != NULL ? g_ptr_array_ref (cas) : g_ptr_array_new_with_free_func (g_object_unref);
  self->crls = crls != NULL ? g_ptr_array_ref (crls) : g_ptr_array_new_with_free_func (crl_free);
  self->ignore = ignore & BARGED_TLS_IGNORABLE;
  self->client = client != NULL ? g_object_ref (client) : NULL;
  self->revocation = revocation != NULL ? g_object_ref (revocation) : NULL;
  return self;
}

GTlsCertificate *
barged_tls_get_client (BargedTls *self)
{
  return self->client;
}

void
barged_tls_set_source_sizes (BargedTls *self, gsize authorities, gsize client)
{
  self->authorities_size = authorities;
  self->client_size = client;
}

guint64
barged_tls_get_source_size (BargedTls *self)
{
  return (guint64) self->authorities_size + self->client_size;
}

BargedTls *
barged_tls_new_without_client (BargedTls *self)
{
  BargedTls *rest;

  if (self->client == NULL && self->cas->len == 0 && self->revocation == NULL)
    return NULL;
  rest = barged_tls_new (self->cas, self->crls, self->ignore, NULL, self->revocation);
  rest->authorities_size = self->authorities_size;
  return rest;
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
  g_ptr_array_unref (self->crls);
  g_clear_object (&self->client);
  g_clear_object (&self->revocation);
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

GPtrArray *
barged_tls_parse_crl (GBytes *pem, const char *path, GPtrArray *cas, GError **error)
{
  g_autoptr(GPtrArray) crls = g_ptr_array_new_with_free_func (crl_free);
  g_autoptr(GPtrArray) issuers = g_ptr_array_new_with_free_func ((GDestroyNotify) gnutls_x509_crt_deinit);
  gnutls_x509_crl_t *list = NULL;
  unsigned int n = 0;
  gsize len = 0;
  gnutls_datum_t datum;
  int result;

  datum.data = (unsigned char *) g_bytes_get_data (pem, &len);
  datum.size = (unsigned int) len;
  result = gnutls_x509_crl_list_import2 (&list, &n, &datum, GNUTLS_X509_FMT_PEM, 0);
  if (result < 0 || n == 0)
    {
      gnutls_free (list);
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "%s holds no PEM certificate revocation list (-----BEGIN X509 CRL-----)%s%s", path,
                   result < 0 ? ": " : "", result < 0 ? gnutls_strerror (result) : "");
      return NULL;
    }
  for (unsigned int i = 0; i < n; i++)
    g_ptr_array_add (crls, list[i]);
  gnutls_free (list);
  for (guint i = 0; cas != NULL && i < cas->len; i++)
    {
      gnutls_x509_crt_t crt = barged_certificate_to_gnutls (g_ptr_array_index (cas, i));

      if (crt != NULL)
        g_ptr_array_add (issuers, crt);
    }
  /* A list nobody the job trusts signed could revoke nothing it should. */
  for (guint i = 0; i < crls->len; i++)
    {
      unsigned int verify = 0;

      result = gnutls_x509_crl_verify (g_ptr_array_index (crls, i), (gnutls_x509_crt_t *) issuers->pdata,
                                       issuers->len, 0, &verify);
      if (result < 0 || verify != 0)
        {
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                       "%s: a revocation list is not signed by a CA of the job's ca-file", path);
          return NULL;
        }
    }
  return g_steal_pointer (&crls);
}

gboolean
barged_tls_parse_ignore (const char * const *names, GTlsCertificateFlags *flags, GError **error)
{
  *flags = 0;
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], "expired"))
        *flags |= G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_NOT_ACTIVATED;
      else if (g_str_equal (names[i], "wrong-host"))
        *flags |= G_TLS_CERTIFICATE_BAD_IDENTITY;
      else
        {
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                       "the TLS option ignore takes \"expired\" and \"wrong-host\", not \"%s\"", names[i]);
          return FALSE;
        }
    }
  return TRUE;
}

/* A string that may hold a private key: wiped before it is freed (not a
 * memset, which a compiler may drop before a free). */
typedef char BargedWipedText;

static void
wiped_text_free (BargedWipedText *text)
{
  explicit_bzero (text, strlen (text));
  g_free (text);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargedWipedText, wiped_text_free)

GTlsCertificate *
barged_tls_parse_client (GBytes *pem, const char *path, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(BargedWipedText) text = NULL;
  g_autoptr(BargedWipedText) key = NULL;
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
  /* The key stays in this object only; the copies (the file's text and
   * the key asked back) are wiped as they go, on every path. */
  return g_steal_pointer (&cert);
}

/* A CRL of the job revokes @peer or a certificate of its chain. */
static gboolean
revoked (BargedTls *self, GTlsCertificate *peer)
{
  if (self->crls->len == 0)
    return FALSE;
  for (GTlsCertificate *cert = peer; cert != NULL; cert = g_tls_certificate_get_issuer (cert))
    {
      gnutls_x509_crt_t crt = barged_certificate_to_gnutls (cert);
      int result;

      /* Unreadable here (GnuTLS read it for the handshake): as revoked. */
      if (crt == NULL)
        return TRUE;
      result = gnutls_x509_crt_check_revocation (crt, (gnutls_x509_crl_t *) self->crls->pdata, self->crls->len);
      gnutls_x509_crt_deinit (crt);
      if (result != 0)
        return TRUE;
    }
  return FALSE;
}

/* The job's verdict on @peer, which the system does not trust (@errors
 * has UNKNOWN_CA): FALSE when none of its CAs signed it; else TRUE, with
 * what is wrong besides (the CA's verdict and the system's other faults,
 * REVOKED when a CRL says so) in @faults, ignored faults left out. */
static gboolean
job_verdict (BargedTls *self, SoupMessage *msg, GTlsCertificate *peer, GTlsCertificateFlags errors,
             GTlsCertificateFlags *faults)
{
  GUri *uri = soup_message_get_uri (msg);
  g_autoptr(GSocketConnectable) identity = NULL;

  if (self == NULL || peer == NULL || !(errors & G_TLS_CERTIFICATE_UNKNOWN_CA))
    return FALSE;
  identity = g_network_address_new (g_uri_get_host (uri), (guint16) g_uri_get_port (uri));
  for (guint i = 0; i < self->cas->len; i++)
    {
      GTlsCertificateFlags own = g_tls_certificate_verify (peer, identity, g_ptr_array_index (self->cas, i));

      if (own & G_TLS_CERTIFICATE_UNKNOWN_CA)
        continue;
      *faults = (own | (errors & ~G_TLS_CERTIFICATE_UNKNOWN_CA)) & ~self->ignore;
      if (revoked (self, peer))
        *faults |= G_TLS_CERTIFICATE_REVOKED;
      return TRUE;
    }
  return FALSE;
}

/* Only a certificate the system does not trust may be forgiven, and only
 * when one of the job's CAs signed it for this very host (or the job
 * ignores that fault), and no CRL of the job revokes it: expired,
 * revoked, of another host or insecure stays refused otherwise. A
 * certificate the system trusts is never forgiven a fault. */
static gboolean
on_accept_certificate (SoupMessage *msg, GTlsCertificate *peer, GTlsCertificateFlags errors, BargedTls *self)
{
  GTlsCertificateFlags faults = 0;

  return job_verdict (self, msg, peer, errors, &faults) && faults == 0;
}

GTlsCertificateFlags
barged_tls_peer_errors (BargedTls *self, SoupMessage *msg)
{
  GTlsCertificateFlags flags = soup_message_get_tls_peer_certificate_errors (msg);
  GTlsCertificateFlags faults = 0;

  if (job_verdict (self, msg, soup_message_get_tls_peer_certificate (msg), flags, &faults))
    return faults;
  return flags;
}

static void
unref_closure_data (gpointer data, GClosure *closure)
{
  barged_tls_unref (data);
}

/* --- revocation of the system's chains ------------------------------------- */

/* What a message of a job that checks revocation carries: the database
 * set on its connection, which holds the verdict. */
typedef struct {
  BargedTls *tls;
  BargedRevocationDatabase *database;   /* once its handshake started */
  /* barged_tls_guard()'s: what stops the sending, and why it did */
  SoupSession *session;
  GCancellable *guard;
  BargedFollow parent;
  BargedRevocationVerdict stopped;      /* GOOD unless it stopped it */
  GPtrArray *stop_wanted;
  GError *stop_why;
} Checked;

static GQuark
checked_quark (void)
{
  return g_quark_from_static_string ("barged-tls-checked");
}

static void
checked_clear_stop (Checked *checked)
{
  checked->stopped = BARGED_REVOCATION_GOOD;
  g_clear_pointer (&checked->stop_wanted, g_ptr_array_unref);
  g_clear_error (&checked->stop_why);
}

static void
checked_clear_guard (Checked *checked)
{
  barged_request_unfollow (&checked->parent);
  g_clear_object (&checked->guard);
}

static void
checked_free (Checked *checked)
{
  barged_tls_unref (checked->tls);
  g_clear_object (&checked->database);
  checked_clear_guard (checked);
  checked_clear_stop (checked);
  g_clear_object (&checked->session);
  g_free (checked);
}

/* The connection's handshake is about to start: its trust gets the
 * revocation check on top. The connection belongs to the job's own
 * session (_barged_job_session), so no other job's request inherits it;
 * the job's later requests may, as it passed the check. */
static void
on_network_event (SoupMessage *msg, GSocketClientEvent event, GIOStream *connection, Checked *checked)
{
  GTlsDatabase *base;

  if (event != G_SOCKET_CLIENT_TLS_HANDSHAKING || !G_IS_TLS_CONNECTION (connection))
    return;
  base = g_tls_connection_get_database (G_TLS_CONNECTION (connection));
  if (base == NULL || BARGED_IS_REVOCATION_DATABASE (base))
    return;
  g_clear_object (&checked->database);
  checked->database = barged_revocation_database_new (base, checked->tls->revocation);
  g_tls_connection_set_database (G_TLS_CONNECTION (connection), G_TLS_DATABASE (checked->database));
}

static Checked *
checked_of (BargedTls *self, SoupMessage *msg)
{
  if (self == NULL || self->revocation == NULL || msg == NULL)
    return NULL;
  return g_object_get_qdata (G_OBJECT (msg), checked_quark ());
}

/* The server's certificate of @msg if the job checks revocation and the
 * system trusts the chain, or NULL. */
static GTlsCertificate *
checked_peer (BargedTls *self, SoupMessage *msg)
{
  /* Only a chain the system trusts had its revocation checked (one the
   * job's CA accepted was judged by the job's own lists, which do not
   * change). */
  if (self == NULL || self->revocation == NULL || soup_message_get_tls_peer_certificate_errors (msg) != 0)
    return NULL;
  return soup_message_get_tls_peer_certificate (msg);
}

/* barged_tls_recheck() for @peer (GOOD when NULL). */
static BargedRevocationVerdict
recheck_peer (BargedTls *self, GTlsCertificate *peer, SoupSession *session, GPtrArray **wanted, GError **error)
{
  if (self == NULL || self->revocation == NULL || peer == NULL)
    return BARGED_REVOCATION_GOOD;
  return barged_revocation_check (self->revocation, peer, soup_session_get_tls_database (session), wanted, error);
}

/* "starting" comes before each sending of the message, on the connection
 * libsoup chose for it, before a byte of the request goes out. A new
 * connection's handshake has just checked the chain; a kept one's may be
 * long past (an upload's requests follow each other for hours, and a
 * connection outlives the run that opened it). So the chain is asked of
 * the revocation cache again, and a verdict other than GOOD stops the
 * request by cancelling what it is sent with: the server gets none of
 * its headers, credentials or bytes. */
static void
on_starting (SoupMessage *msg, Checked *checked)
{
  BargedRevocationVerdict verdict;

  checked_clear_stop (checked);
  if (checked->guard == NULL)
    return;
  verdict = recheck_peer (checked->tls, checked_peer (checked->tls, msg), checked->session, &checked->stop_wanted,
                          &checked->stop_why);
  if (verdict == BARGED_REVOCATION_GOOD)
    return;
  g_debug ("%s %s stopped before it was sent: the server's revocation status is %s", soup_message_get_method (msg),
           g_uri_get_path (soup_message_get_uri (msg)), verdict == BARGED_REVOCATION_UNKNOWN ? "stale" : "bad");
  checked->stopped = verdict;
  g_cancellable_cancel (checked->guard);
}

GCancellable *
barged_tls_guard (BargedTls *self, SoupMessage *msg, SoupSession *session, GCancellable *cancellable)
{
  Checked *checked = checked_of (self, msg);

  if (checked == NULL)
    return cancellable != NULL ? g_object_ref (cancellable) : NULL;
  if (checked->session == NULL)
    {
      checked->session = g_object_ref (session);
      g_signal_connect (msg, "starting", G_CALLBACK (on_starting), checked);
    }
  checked_clear_guard (checked);
  checked_clear_stop (checked);
  checked->guard = barged_request_follow (&checked->parent, cancellable);
  return g_object_ref (checked->guard);
}

gboolean
barged_tls_stopped (BargedTls *self, SoupMessage *msg)
{
  Checked *checked = checked_of (self, msg);

  return checked != NULL && checked->stopped != BARGED_REVOCATION_GOOD;
}

gboolean
barged_tls_fetch_wanted (BargedTls *self, SoupMessage *msg, SoupSession *session, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  Checked *checked = checked_of (self, msg);
  g_autoptr(GPtrArray) wanted = NULL;

  if (checked == NULL)
    return FALSE;
  if (checked->stopped != BARGED_REVOCATION_GOOD)
    {
      /* The guard stopped it: the lists its check lacked, if that was why. */
      if (checked->stopped != BARGED_REVOCATION_UNKNOWN || checked->stop_wanted == NULL)
        return FALSE;
      wanted = g_ptr_array_ref (checked->stop_wanted);
    }
  else if (checked->database == NULL ||
           barged_revocation_database_get_verdict (checked->database, &wanted, NULL) != BARGED_REVOCATION_UNKNOWN)
    return FALSE;
  barged_revocation_fetch_async (self->revocation, session, wanted, cancellable, callback, user_data);
  return TRUE;
}

BargedRevocationVerdict
barged_tls_recheck (BargedTls *self, SoupMessage *msg, SoupSession *session, GPtrArray **wanted, GError **error)
{
  return recheck_peer (self, checked_peer (self, msg), session, wanted, error);
}

void
barged_tls_fetch_async (BargedTls *self, SoupSession *session, GPtrArray *wanted, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  barged_revocation_fetch_async (self->revocation, session, wanted, cancellable, callback, user_data);
}

gboolean
barged_tls_fetch_finish (BargedTls *self, GAsyncResult *res, GError **error)
{
  return barged_revocation_fetch_finish (self->revocation, res, error);
}

GError *
barged_tls_request_error (BargedTls *self, SoupMessage *msg, const GError *error)
{
  Checked *checked = checked_of (self, msg);
  GError *why = NULL;

  if (checked != NULL && checked->stopped != BARGED_REVOCATION_GOOD)
    return barged_tls_verdict_error (checked->stopped,
                                     checked->stop_why != NULL ? g_error_copy (checked->stop_why) : NULL);
  if (checked != NULL && checked->database != NULL)
    switch (barged_revocation_database_get_verdict (checked->database, NULL, &why))
      {
      case BARGED_REVOCATION_FAILED:
      case BARGED_REVOCATION_REVOKED:
        if (why != NULL)
          return why;
        break;
      case BARGED_REVOCATION_UNKNOWN:
        /* Lists were wanted again right after they were fetched. */
        return barged_tls_verdict_error (BARGED_REVOCATION_UNKNOWN, NULL);
      case BARGED_REVOCATION_GOOD:
      default:
        break;
      }
  return barged_request_tls_error (barged_tls_peer_errors (self, msg), error);
}

GError *
barged_tls_verdict_error (BargedRevocationVerdict verdict, GError *why)
{
  if (why != NULL)
    return why;
  if (verdict == BARGED_REVOCATION_UNKNOWN)
    return g_error_new (BARGE_ERROR, BARGE_ERROR_TLS_FAILURE,
                        "the revocation status of the server's certificate cannot be learned: "
                        "its revocation lists do not stay in the cache");
  return g_error_new (BARGE_ERROR, BARGE_ERROR_TLS_FAILURE, "the server's certificate failed its revocation check");
}

void
barged_tls_apply (BargedTls *self, SoupMessage *msg)
{
  if (self == NULL)
    return;
  if (self->client != NULL)
    soup_message_set_tls_client_certificate (msg, self->client);
  if (self->cas->len > 0)
    g_signal_connect_data (msg, "accept-certificate", G_CALLBACK (on_accept_certificate), barged_tls_ref (self),
                           unref_closure_data, 0);
  if (self->revocation != NULL)
    {
      Checked *checked = g_new0 (Checked, 1);

      checked->tls = barged_tls_ref (self);
      /* The message holds what carries its verdict, for as long as it lives. */
      g_object_set_qdata_full (G_OBJECT (msg), checked_quark (), checked, (GDestroyNotify) checked_free);
      g_signal_connect (msg, "network-event", G_CALLBACK (on_network_event), checked);
    }
}
