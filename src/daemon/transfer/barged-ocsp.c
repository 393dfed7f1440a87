/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedRevocation"

#include "config.h"

#include <string.h>
#include <gnutls/ocsp.h>

#include "barge.h"
#include "barged-certificate.h"
#include "barged-ocsp.h"

#define MAX_URL 2048
/* An answer without nextUpdate stands an hour; any answer a day at most,
 * as for revocation lists. */
#define UNDATED_LIFE_S (60 * 60)
#define MAX_LIFE_S (24 * 60 * 60)
/* Clocks differ: an answer dated this far ahead is still taken. */
#define CLOCK_SKEW_S (5 * 60)
/* id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2.1): the CA vouches for the
 * responder certificate for its whole life, so it need not be checked. */
#define OID_OCSP_NOCHECK "1.3.6.1.5.5.7.48.1.5"
#define MAX_RESPONSE_CERTS 16

GPtrArray *
barged_ocsp_responders (gnutls_x509_crt_t crt)
{
  GPtrArray *urls = g_ptr_array_new_with_free_func (g_free);

  for (guint seq = 0; seq < 16; seq++)
    {
      gnutls_datum_t uri = { 0 };
      int ret = gnutls_x509_crt_get_authority_info_access (crt, seq, GNUTLS_IA_OCSP_URI, &uri, NULL);

      if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      /* Another access method (CA issuers), or not a URI. */
      if (ret < 0)
        continue;
      if (uri.size <= MAX_URL && memchr (uri.data, '\0', uri.size) == NULL &&
          g_ascii_strncasecmp ((const char *) uri.data, "http://", MIN (uri.size, 7)) == 0 && uri.size > 7)
        g_ptr_array_add (urls, g_strndup ((const char *) uri.data, uri.size));
      gnutls_free (uri.data);
    }
  return urls;
}

GBytes *
barged_ocsp_request_new (GBytes *cert_der, GBytes *issuer_der)
{
  gnutls_x509_crt_t cert = barged_certificate_import_der (cert_der);
  gnutls_x509_crt_t issuer = barged_certificate_import_der (issuer_der);
  gnutls_ocsp_req_t req = NULL;
  gnutls_datum_t out = { 0 };
  GBytes *request = NULL;

  if (cert != NULL && issuer != NULL && gnutls_ocsp_req_init (&req) == 0 &&
      gnutls_ocsp_req_add_cert (req, GNUTLS_DIG_SHA1, issuer, cert) == 0 &&
      gnutls_ocsp_req_randomize_nonce (req) == 0 && gnutls_ocsp_req_export (req, &out) == 0)
    request = g_bytes_new (out.data, out.size);
  gnutls_free (out.data);
  if (req != NULL)
    gnutls_ocsp_req_deinit (req);
  if (cert != NULL)
    gnutls_x509_crt_deinit (cert);
  if (issuer != NULL)
    gnutls_x509_crt_deinit (issuer);
  return request;
}

/* SHA-1 of @crt's public key as OCSP names a key (the responder ID "by
 * key", the issuer key hash of a CertID): GnuTLS computes it when it
 * builds a request, which is the one public way to get it. */
static gboolean
key_hash (gnutls_x509_crt_t crt, gnutls_datum_t *out)
{
  gnutls_ocsp_req_t req = NULL;
  gnutls_datum_t hash = { 0 };
  gboolean ok;

  ok = gnutls_ocsp_req_init (&req) == 0 && gnutls_ocsp_req_add_cert (req, GNUTLS_DIG_SHA1, crt, crt) == 0 &&
       gnutls_ocsp_req_get_cert_id (req, 0, NULL, NULL, &hash, NULL) == 0;
  if (req != NULL)
    gnutls_ocsp_req_deinit (req);
  *out = hash;
  return ok;
}

/* Whether the responder ID of @resp (@by_name: its raw DN, else its key
 * hash in @id) names @crt. */
static gboolean
names (const gnutls_datum_t *id, gboolean by_name, gnutls_x509_crt_t crt)
{
  gnutls_datum_t own = { 0 };
  gboolean same;

  if (by_name ? gnutls_x509_crt_get_raw_dn (crt, &own) != 0 : !key_hash (crt, &own))
    {
      gnutls_free (own.data);
      return FALSE;
    }
  same = own.size == id->size && memcmp (own.data, id->data, id->size) == 0;
  gnutls_free (own.data);
  return same;
}

static gboolean
has_nocheck (gnutls_x509_crt_t crt)
{
  for (unsigned int i = 0; i < 64; i++)
    {
      char oid[128];
      size_t oid_size = sizeof oid;
      unsigned int critical = 0;

      if (gnutls_x509_crt_get_extension_info (crt, i, oid, &oid_size, &critical) < 0)
        return FALSE;
      if (g_str_equal (oid, OID_OCSP_NOCHECK))
        return TRUE;
    }
  return FALSE;
}

/* An answer signed by a responder certificate the issuer made (not by the
 * issuer itself) is taken only when that certificate carries
 * id-pkix-ocsp-nocheck. Otherwise its own revocation would have to be
 * checked first, which this client does not do; the CA/Browser Forum's
 * rules require the extension of delegated responders anyway. The signer
 * is found as GnuTLS finds it for the signature check: the certificate
 * in the answer that its responder ID names, else the issuer. */
static gboolean
delegation_ok (const char *url, gnutls_ocsp_resp_t resp, gnutls_x509_crt_t issuer, GError **error)
{
  gnutls_datum_t id = { 0 };
  gboolean by_name = TRUE;
  gnutls_x509_crt_t *certs = NULL;
  size_t n_certs = 0;
  gboolean ok = TRUE;

  if (gnutls_ocsp_resp_get_responder_raw_id (resp, GNUTLS_OCSP_RESP_ID_DN, &id) != 0)
    {
      by_name = FALSE;
      if (gnutls_ocsp_resp_get_responder_raw_id (resp, GNUTLS_OCSP_RESP_ID_KEY, &id) != 0)
        return TRUE;
    }
  if (gnutls_ocsp_resp_get_certs (resp, &certs, &n_certs) == 0)
    for (size_t i = 0; i < n_certs && i < MAX_RESPONSE_CERTS; i++)
      if (names (&id, by_name, certs[i]))
        {
          ok = gnutls_x509_crt_equals (certs[i], issuer) || has_nocheck (certs[i]);
          break;
        }
  for (size_t i = 0; i < n_certs; i++)
    gnutls_x509_crt_deinit (certs[i]);
  gnutls_free (certs);
  gnutls_free (id.data);
  if (!ok)
    g_set_error (error, BARGE_ERROR, BARGE_ERROR_TLS_FAILURE,
                 "the OCSP responder at %s signs with a certificate of its own that lacks id-pkix-ocsp-nocheck, so "
                 "whether that certificate was revoked cannot be known",
                 url);
  return ok;
}

/* The answer's verdict on @cert, once it is known to be signed by
 * @issuer's side; FALSE with @error otherwise. */
static gboolean
read_single (const char *url, gnutls_ocsp_resp_t resp, gnutls_x509_crt_t cert, gboolean *revoked, gint64 *life_s,
             GError **error)
{
  unsigned int status = 0;
  time_t this_update = 0, next_update = 0, revoked_at = 0;
  time_t now = time (NULL);

  if (gnutls_ocsp_resp_check_crt (resp, 0, cert) != 0 ||
      gnutls_ocsp_resp_get_single (resp, 0, NULL, NULL, NULL, NULL, &status, &this_update, &next_update, &revoked_at,
                                   NULL) != 0)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_TLS_FAILURE,
                   "the OCSP responder at %s answered about another certificate", url);
      return FALSE;
    }
  if (this_update == (time_t) -1 || this_update > now + CLOCK_SKEW_S)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_TLS_FAILURE,
                   "the OCSP responder at %s answered with a date in the future (is this machine's clock right?)",
                   url);
      return FALSE;
    }
  if (next_update != (time_t) -1 ? next_update <= now : this_update + MAX_LIFE_S <= now)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_TLS_FAILURE, "the OCSP responder at %s answered out of date",
                   url);
      return FALSE;
    }
  if (status == GNUTLS_OCSP_CERT_UNKNOWN)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_TLS_FAILURE,
                   "the OCSP responder at %s does not know the certificate", url);
      return FALSE;
    }
  *revoked = status == GNUTLS_OCSP_CERT_REVOKED;
  *life_s = next_update == (time_t) -1 ? UNDATED_LIFE_S : MIN ((gint64) (next_update - now), (gint64) MAX_LIFE_S);
  return TRUE;
}

/* The answer's nonce, if it has one, is the request's: a responder that
 * echoes nonces cannot be replayed an old "good" to us. */
static gboolean
nonce_ok (const char *url, gnutls_ocsp_resp_t resp, GBytes *request, GError **error)
{
  gnutls_datum_t datum = { (unsigned char *) g_bytes_get_data (request, NULL),
                           (unsigned int) g_bytes_get_size (request) };
  gnutls_datum_t asked = { 0 }, answered = { 0 };
  gnutls_ocsp_req_t req = NULL;
  unsigned int critical = 0;
  gboolean ok;
  int got = gnutls_ocsp_resp_get_nonce (resp, &critical, &answered);

  if (got == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
    return TRUE;
  ok = got == 0 && gnutls_ocsp_req_init (&req) == 0 && gnutls_ocsp_req_import (req, &datum) == 0 &&
       gnutls_ocsp_req_get_nonce (req, &critical, &asked) == 0 && asked.size == answered.size &&
       memcmp (asked.data, answered.data, asked.size) == 0;
  if (!ok)
    g_set_error (error, BARGE_ERROR, BARGE_ERROR_TLS_FAILURE,
                 "the answer of the OCSP responder at %s carries another request's nonce (a replayed answer)", url);
  gnutls_free (asked.data);
  gnutls_free (answered.data);
  if (req != NULL)
    gnutls_ocsp_req_deinit (req);
  return ok;
}

gboolean
barged_ocsp_read_response (const char *url, GBytes *data, GBytes *request, GBytes *cert_der, GBytes *issuer_der,
                           gboolean *revoked, gint64 *life_s, GError **error)
{
  gnutls_datum_t datum = { (unsigned char *) g_bytes_get_data (data, NULL), (unsigned int) g_bytes_get_size (data) };
  gnutls_x509_crt_t cert = barged_certificate_import_der (cert_der);
  gnutls_x509_crt_t issuer = barged_certificate_import_der (issuer_der);
  gnutls_ocsp_resp_t resp = NULL;
  unsigned int verify = 0;
  gboolean ok = FALSE;

  if (cert == NULL || issuer == NULL || gnutls_ocsp_resp_init (&resp) < 0)
    g_set_error (error, BARGE_ERROR, BARGE_ERROR_TLS_FAILURE, "the answer of the OCSP responder at %s cannot be read",
                 url);
  else if (gnutls_ocsp_resp_import (resp, &datum) < 0)
    g_set_error (error, BARGE_ERROR, BARGE_ERROR_TLS_FAILURE, "the OCSP responder at %s did not answer in OCSP", url);
  else if (gnutls_ocsp_resp_get_status (resp) != GNUTLS_OCSP_RESP_SUCCESSFUL)
    g_set_error (error, BARGE_ERROR, BARGE_ERROR_TLS_FAILURE,
                 "the OCSP responder at %s refused to answer (OCSP status %d)", url, gnutls_ocsp_resp_get_status (resp));
  /* The issuer's own signature, or that of a responder certificate the
   * issuer signed for OCSP signing: GnuTLS checks both. */
  else if (gnutls_ocsp_resp_verify_direct (resp, issuer, &verify, 0) < 0 || verify != 0)
    g_set_error (error, BARGE_ERROR, BARGE_ERROR_TLS_FAILURE,
                 "the answer of the OCSP responder at %s is not signed for the issuer of the certificate", url);
  else if (delegation_ok (url, resp, issuer, error) && nonce_ok (url, resp, request, error))
    ok = read_single (url, resp, cert, revoked, life_s, error);
  if (resp != NULL)
    gnutls_ocsp_resp_deinit (resp);
  if (cert != NULL)
    gnutls_x509_crt_deinit (cert);
  if (issuer != NULL)
    gnutls_x509_crt_deinit (issuer);
  return ok;
}
