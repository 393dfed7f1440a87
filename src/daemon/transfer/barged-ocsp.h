/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

/* OCSP (RFC 6960) for the revocation check of a certificate that names
 * no CRL distribution point: where to ask, the request, and what an
 * answer is worth. The asking and the cache are BargedRevocation's. */

/* The most an answer may weigh (they are a few KiB). */
#define BARGED_OCSP_MAX_RESPONSE (64 * 1024)

/* The http URLs of @crt's OCSP responders (its Authority Information
 * Access); others are not followed, as for revocation lists. */
GPtrArray *barged_ocsp_responders (gnutls_x509_crt_t crt);

/* A request (DER) for the status of @cert_der, which @issuer_der signed
 * (CertID with SHA-1, as every responder takes), with a random nonce
 * (23 random bytes, as GnuTLS makes it; RFC 8954 allows 1 to 32), or NULL. */
GBytes *barged_ocsp_request_new (GBytes *cert_der, GBytes *issuer_der);

/* Reads the answer @data of the responder at @url to @request about
 * @cert_der: TRUE when it is a successful answer about that certificate,
 * signed by @issuer_der or by a responder certificate it issued for OCSP
 * signing that carries id-pkix-ocsp-nocheck, current, and, if it carries
 * a nonce, carrying the request's (an answer without one, as responders
 * that sign ahead send, stands on its dates); then @revoked says whether
 * it was revoked and @life_s how long the answer stands (to its next
 * update, at most a day; an hour without one). FALSE with TlsFailure
 * saying what it is not. */
gboolean barged_ocsp_read_response (const char *url, GBytes *data, GBytes *request, GBytes *cert_der,
                                    GBytes *issuer_der,
                                    gboolean *revoked, gint64 *life_s, GError **error);

G_END_DECLS
