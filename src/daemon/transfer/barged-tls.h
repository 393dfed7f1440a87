/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

#include "barged-revocation.h"

G_BEGIN_DECLS

/* A job's TLS options (SetTlsOptions): certificate authorities it trusts
 * besides the system's, for a private PKI, with their revocation lists
 * and the faults it forgives in their certificates (BITS' security
 * flags, for a named CA only), and the client certificate its requests
 * show when a server asks for one. Immutable once made, shared by the
 * job's requests (reference counted).
 *
 * A job with options makes its requests on a session of its own
 * (_barged_job_session), whose connections only its requests share:
 * libsoup pools connections per session and host, and a connection that a
 * job's CA accepted, or that carries its client certificate, must never
 * serve another job's request. */
typedef struct _BargedTls BargedTls;

/* The most a CA, CRL or client certificate file may hold. */
#define BARGED_TLS_MAX_FILE (256 * 1024)

/* The faults "ignore" may name: a certificate out of its validity dates,
 * or of another host. Never an unknown authority, a revoked certificate
 * or an insecure algorithm. */
#define BARGED_TLS_IGNORABLE (G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_NOT_ACTIVATED | \
                              G_TLS_CERTIFICATE_BAD_IDENTITY)

/* @cas: GTlsCertificate*, or NULL; @crls: from barged_tls_parse_crl(), or
 * NULL; @ignore: BARGED_TLS_IGNORABLE flags forgiven in a certificate one
 * of @cas signed; @client: or NULL; @revocation: the revocation lists a
 * chain the system trusts must pass ("check-revocation"), or NULL. */
BargedTls *barged_tls_new (GPtrArray *cas, GPtrArray *crls, GTlsCertificateFlags ignore, GTlsCertificate *client,
                           BargedRevocation *revocation);
BargedTls *barged_tls_ref (BargedTls *self);
void barged_tls_unref (BargedTls *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargedTls, barged_tls_unref)

/* Every certificate of a PEM file (one at least): InvalidArgument naming
 * @path otherwise. */
GPtrArray *barged_tls_parse_ca (GBytes *pem, const char *path, GError **error);
/* Every CRL of a PEM file (one at least), each signed by one of @cas:
 * InvalidArgument naming @path otherwise. */
GPtrArray *barged_tls_parse_crl (GBytes *pem, const char *path, GPtrArray *cas, GError **error);
/* "expired" (out of its validity dates) and "wrong-host" as flags;
 * InvalidArgument for another name. */
gboolean barged_tls_parse_ignore (const char * const *names, GTlsCertificateFlags *flags, GError **error);
/* A PEM file holding a certificate and its private key, or a PKCS#11 URI
 * ("pkcs11:..."; @pem NULL): InvalidArgument otherwise. */
GTlsCertificate *barged_tls_parse_client (GBytes *pem, const char *path, GError **error);
/* The bytes of the files @self was parsed from: the CA and CRL files
 * (@authorities) and the client certificate's (@client). Set once, before
 * @self is shared. What was parsed takes about 17 (a CRL) to 28 (a
 * certificate) times that in memory (measured with GnuTLS 3.7), which
 * the owner's quota is charged (BARGED_QUOTA_TLS_FACTOR). */
void barged_tls_set_source_sizes (BargedTls *self, gsize authorities, gsize client);
guint64 barged_tls_get_source_size (BargedTls *self);
/* The client certificate its requests show, or NULL. */
GTlsCertificate *barged_tls_get_client (BargedTls *self);
/* The same options without the client certificate (a new one, sharing
 * the CAs and lists), or NULL when nothing would be left. */
BargedTls *barged_tls_new_without_client (BargedTls *self);

/* Sets @msg up: the client certificate, and the CAs
 * for a server certificate the system does not trust: accepted when one
 * of them signed it, no CRL revokes it, and its only other faults are
 * ignored ones. With revocation, a chain the system trusts is accepted
 * only when the current lists of its issuers cover every certificate of
 * it but the anchor and revoke none (BargedRevocationDatabase). */
void barged_tls_apply (BargedTls *self, SoupMessage *msg);
/* Judges the server again before each sending of @msg (the first, and
 * each after a redirect or an authentication retry), on the connection
 * libsoup chose for it: a kept connection's handshake may be long past.
 * When the job checks revocation and the cache's verdict on the server's
 * chain is not GOOD, the request is stopped before a byte of it goes out:
 * the cancellable returned, which @cancellable (may be NULL) cancels too,
 * is cancelled. Send @msg with it; call again for each new sending of
 * @msg. After a failure, barged_tls_stopped() says whether the guard
 * stopped it, barged_tls_fetch_wanted() fetches the lists it lacked, and
 * barged_tls_request_error() gives the error. Without revocation to
 * check, returns a reference to @cancellable. @self may be NULL. */
GCancellable *barged_tls_guard (BargedTls *self, SoupMessage *msg, SoupSession *session, GCancellable *cancellable);
gboolean barged_tls_stopped (BargedTls *self, SoupMessage *msg);
/* After @msg failed: when its handshake, or barged_tls_guard(), stopped
 * it for revocation lists the cache lacked, fetches them through @session and returns TRUE (the
 * caller sends a new message once barged_tls_fetch_finish() returned,
 * FALSE only when @cancellable was cancelled); FALSE otherwise, and
 * nothing started. @self may be NULL. */
gboolean barged_tls_fetch_wanted (BargedTls *self, SoupMessage *msg, SoupSession *session, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean barged_tls_fetch_finish (BargedTls *self, GAsyncResult *res, GError **error);
/* A response of a job that checks revocation, on a connection whose
 * handshake may be long past (a kept-alive one): the verdict on the
 * server's chain from the cache now, as barged_revocation_check() gives
 * it (GOOD when the job checks no revocation, or its own CA accepted the
 * chain). With UNKNOWN, fetch @wanted with barged_tls_fetch_async(). */
BargedRevocationVerdict barged_tls_recheck (BargedTls *self, SoupMessage *msg, SoupSession *session,
                                            GPtrArray **wanted, GError **error);
void barged_tls_fetch_async (BargedTls *self, SoupSession *session, GPtrArray *wanted, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
/* The error for a verdict other than GOOD that stands (UNKNOWN: after
 * the fetches): @why, which it takes, or a TlsFailure that says so. */
GError *barged_tls_verdict_error (BargedRevocationVerdict verdict, GError *why);
/* The job's error for @msg's TLS @error, or for a request
 * barged_tls_guard() stopped: why revocation refused the chain, or what barged_tls_peer_errors() finds wrong with it, or @error
 * mapped. @self may be NULL. */
GError *barged_tls_request_error (BargedTls *self, SoupMessage *msg, const GError *error);
/* What is wrong with the server's certificate of @msg (after a TLS
 * failure): libsoup's verdict, or, when one of the job's CAs signed it,
 * that CA's verdict with G_TLS_CERTIFICATE_REVOKED when a CRL revokes it
 * (an expired certificate of a job's CA is "expired", not also "an
 * unknown authority"). @self may be NULL. */
GTlsCertificateFlags barged_tls_peer_errors (BargedTls *self, SoupMessage *msg);

G_END_DECLS
