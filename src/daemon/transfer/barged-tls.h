/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* A job's TLS options (SetTlsOptions): certificate authorities it trusts
 * besides the system's, for a private PKI, and the client certificate its
 * requests show when a server asks for one. Immutable once made, shared
 * by the job's requests (reference counted).
 *
 * A request with options gets a connection of its own, closed after its
 * response: libsoup pools connections per host, and a connection that a
 * job's CA accepted, or that carries its client certificate, must never
 * serve another job's request. */
typedef struct _BargedTls BargedTls;

/* The most a CA file or a client certificate file may hold. */
#define BARGED_TLS_MAX_FILE (256 * 1024)

/* @cas: GTlsCertificate*, or NULL; @client: or NULL. */
BargedTls *barged_tls_new (GPtrArray *cas, GTlsCertificate *client);
BargedTls *barged_tls_ref (BargedTls *self);
void barged_tls_unref (BargedTls *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargedTls, barged_tls_unref)

/* Every certificate of a PEM file (one at least): InvalidArgument naming
 * @path otherwise. */
GPtrArray *barged_tls_parse_ca (GBytes *pem, const char *path, GError **error);
/* A PEM file holding a certificate and its private key, or a PKCS#11 URI
 * ("pkcs11:..."; @pem NULL): InvalidArgument otherwise. */
GTlsCertificate *barged_tls_parse_client (GBytes *pem, const char *path, GError **error);

/* Sets @msg up: its own connection, the client certificate, and the CAs
 * for a server certificate whose only fault is an unknown authority. */
void barged_tls_apply (BargedTls *self, SoupMessage *msg);
/* What is wrong with the server's certificate of @msg (after a TLS
 * failure): libsoup's verdict, or, when one of the job's CAs signed it,
 * that CA's verdict (an expired certificate of a job's CA is "expired",
 * not also "an unknown authority"). @self may be NULL. */
GTlsCertificateFlags barged_tls_peer_errors (BargedTls *self, SoupMessage *msg);

G_END_DECLS
