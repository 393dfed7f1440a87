/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "barge-test-server.h"

G_BEGIN_DECLS

/* A fault-injecting HTTP/1.1 server on 127.0.0.1, written on raw sockets
 * (GThreadedSocketService on its own thread and GMainContext) so it can
 * break the protocol in ways SoupServer never would: reset a connection,
 * stall, lie about lengths, truncate a chunked body, send giant headers.
 *
 * GET /fault/FAULT/NAME?size=N serves the same deterministic content as
 * barge-test-server (barge_test_fill_content (NAME, ...)), with a strong
 * ETag "NAME-N-V" (V the content version), a fixed Last-Modified, Range
 * (206, 416 past the end) and If-Range, and "Connection: close".
 *
 * While the server is broken (the default), FAULT decides how the answer
 * goes wrong; once barge_fault_server_set_broken (FALSE) is called every
 * path is answered correctly (the fault "clears"). The faults are listed
 * in barge-fault-server.c and in docs/reliability.md. A few faults change
 * the resource itself and stay in effect when the server is healed:
 * "etag-change" and "etag-change-206" serve version 2 of the content (ETag
 * and bytes) from the second request on; content version V of NAME is
 * barge_fault_server_content_name (NAME, V).
 *
 * A second listener speaks TLS with a self-signed certificate made with
 * openssl at start (no listener when openssl is missing). */

typedef struct _BargeFaultServer BargeFaultServer;

BargeFaultServer *barge_fault_server_new (void);
void barge_fault_server_free (BargeFaultServer *self);

/* "http://127.0.0.1:PORT" */
const char *barge_fault_server_get_base_url (BargeFaultServer *self);
/* "https://127.0.0.1:PORT", or NULL when no certificate could be made. */
const char *barge_fault_server_get_tls_base_url (BargeFaultServer *self);
/* The TLS listener's self-signed certificate (PEM), for barged
 * --test-tls-ca; NULL when there is none. */
char *barge_fault_server_get_tls_certificate_path (BargeFaultServer *self);
/* "https://127.0.0.1:PORT" serving /fault/... with a certificate that
 * expired in 2020 (tests/common/tls/expired.pem), or NULL without it. */
const char *barge_fault_server_get_expired_tls_base_url (BargeFaultServer *self);
/* "https://127.0.0.1:PORT" serving /fault/... with the TLS listener's
 * certificate, to clients that show a certificate of a client CA made at
 * start (the handshake fails otherwise); NULL when none could be made. */
const char *barge_fault_server_get_mutual_tls_base_url (BargeFaultServer *self);
/* Such a client certificate and its key, in one PEM file. */
char *barge_fault_server_get_client_certificate_path (BargeFaultServer *self);

/* BASE/fault/FAULT/NAME?size=SIZE on the plain listener. */
char *barge_fault_server_get_url (BargeFaultServer *self, const char *fault, const char *name, guint64 size);
/* The path part (for barge_fault_server_get_requests). */
char *barge_fault_server_get_path (const char *fault, const char *name);

void barge_fault_server_set_broken (BargeFaultServer *self, gboolean broken);

/* Requests seen for PATH, oldest first (status is what the server meant to
 * answer). Safe from any thread. */
GPtrArray *barge_fault_server_get_requests (BargeFaultServer *self, const char *path);

/* The name whose content is version VERSION of NAME (1: NAME itself). */
char *barge_fault_server_content_name (const char *name, guint version);

/* A port on 127.0.0.1 where nothing listens (yet): bound, then closed;
 * never the same one twice in a process. */
guint16 barge_fault_server_reserve_port (void);
/* Starts serving (healthy, plain HTTP) on PORT too, e.g. the one above. */
void barge_fault_server_listen_on (BargeFaultServer *self, guint16 port);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargeFaultServer, barge_fault_server_free)

G_END_DECLS
