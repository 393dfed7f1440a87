/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* What the certificate authorities' revocation lists say about the chains
 * the system trusts (SetTlsOptions "check-revocation", BITS
 * BG_SSL_ENABLE_CRL_CHECK): a daemon-wide cache of CRLs by URL, in memory
 * and bounded, fetched over http from the CRL distribution points of the
 * certificates of a server's chain and kept only when the certificate's
 * issuer signed them and they are current. A certificate that names no
 * distribution point is asked about of its OCSP responder instead
 * (barged-ocsp.c): the answer, cached per responder and certificate, is
 * kept on the same terms.
 *
 * The verdict on a chain comes from the cache alone, at once, because
 * glib-networking asks for it synchronously on the thread that runs the
 * handshake's caller (barged's main thread): a list the cache lacks makes
 * the verdict UNKNOWN with what to fetch, the handshake fails before any
 * request byte went out, and the request is made again once the lists
 * are in (BargedTls). */
#define BARGED_TYPE_REVOCATION (barged_revocation_get_type ())
G_DECLARE_FINAL_TYPE (BargedRevocation, barged_revocation, BARGED, REVOCATION, GObject)

typedef enum {
  BARGED_REVOCATION_GOOD,     /* a current list of each certificate's issuer covers it, none revokes it */
  BARGED_REVOCATION_REVOKED,  /* a list revokes a certificate of the chain */
  BARGED_REVOCATION_UNKNOWN,  /* lists are missing from the cache: fetch them, then ask again */
  BARGED_REVOCATION_FAILED,   /* a certificate's status cannot be learned: the reason in the error */
} BargedRevocationVerdict;

/* The most one list may weigh, and all of them together. */
#define BARGED_REVOCATION_MAX_LIST (16 * 1024 * 1024)
#define BARGED_REVOCATION_MAX_CACHE (64 * 1024 * 1024)
/* How long a failed fetch stands for its URL before it is tried again. */
#define BARGED_REVOCATION_FAILURE_S 30

BargedRevocation *barged_revocation_new (void);
/* The session every fetch goes on (the daemon's shared one: barge.conf's
 * proxy or the system's), whatever session asks; without one, each fetch
 * goes on the session that asks (unit tests). */
void barged_revocation_set_session (BargedRevocation *self, SoupSession *session);

/* The verdict on @chain (a server's certificate and its issuers, as the
 * handshake gave it), from the cache only. @database finds the issuer of
 * the last certificate when the server did not send it; the trust anchor
 * is not checked. With UNKNOWN, @wanted (may be NULL) takes what to fetch
 * (an opaque array for barged_revocation_fetch_async()); with REVOKED,
 * @error (TlsFailure) names the certificate and the list; with FAILED, it
 * says why (TlsFailure, or the fetch's own error such as ConnectFailure
 * when the list's server could not be reached). Safe from any thread. */
BargedRevocationVerdict barged_revocation_check (BargedRevocation *self, GTlsCertificate *chain,
                                                 GTlsDatabase *database, GPtrArray **wanted, GError **error);

/* Fetches @wanted through @session (the job's, so its proxy applies), at
 * most one request per URL at a time however many ask. Each list is
 * checked against its issuer and cached, or its failure is remembered
 * for BARGED_REVOCATION_FAILURE_S; the task itself fails only when
 * @cancellable is cancelled. Main thread. */
void barged_revocation_fetch_async (BargedRevocation *self, SoupSession *session, GPtrArray *wanted,
                                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean barged_revocation_fetch_finish (BargedRevocation *self, GAsyncResult *res, GError **error);

/* How many lists were fetched (successes and failures) since the start:
 * for tests and logs. */
guint barged_revocation_get_n_fetched (BargedRevocation *self);

G_END_DECLS
