/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A BITS upload server ([MC-BUP]) on 127.0.0.1, port 0, on its own thread,
 * as IIS with the BITS extension behaves: BITS_POST packets dispatched on
 * BITS-Packet-Type (case-insensitive), a session table, one contiguous
 * prefix per session (overlaps accepted, only new bytes kept), 416 with the
 * next offset on a gap, BITS-Error-Code/BITS-Error-Context on errors, the
 * file committed at the last byte, HTTP/1.1 required. Uploads go to
 * /upload/<name>; the reply of upload-reply mode is at /reply/<session>.
 *
 * Faults are armed per server and fire once. */

typedef struct _BargeTestBitsServer BargeTestBitsServer;

BargeTestBitsServer *barge_test_bits_server_new (void);
/* The same over HTTPS, with the certificate of tests/nginx/tls (the test
 * CA's, ca.pem, for 127.0.0.1): the URLs below are https ones. */
BargeTestBitsServer *barge_test_bits_server_new_tls (void);
void barge_test_bits_server_free (BargeTestBitsServer *self);

/* http://127.0.0.1:PORT/upload/NAME */
char *barge_test_bits_server_get_url (BargeTestBitsServer *self, const char *name);

/* http://127.0.0.1:PORT/put/NAME: a plain PUT stores the body as NAME. */
/* A tus creation URL whose server never takes a byte: every PATCH gets
 * 204 with Upload-Offset 0 (counted as "tus PATCH"). */
char *barge_test_bits_server_get_stalled_tus_url (BargeTestBitsServer *self, const char *name);
/* A tus creation URL whose server says it holds the whole upload at every
 * PATCH and HEAD, whatever it got (counted as "tus PATCH"). */
char *barge_test_bits_server_get_overclaiming_tus_url (BargeTestBitsServer *self, const char *name);
/* A tus creation URL whose server answers every PATCH 503 with
 * Retry-After: 7 (counted as "tus PATCH"). */
char *barge_test_bits_server_get_busy_tus_url (BargeTestBitsServer *self, const char *name);
char *barge_test_bits_server_get_locked_tus_url (BargeTestBitsServer *self, const char *name);
char *barge_test_bits_server_get_put_url (BargeTestBitsServer *self, const char *name);
/* The next PUT is read in full, then its connection is closed unanswered. */
void barge_test_bits_server_drop_next_put (BargeTestBitsServer *self);

/* Upload-reply mode: the last Ack carries BITS-Reply-URL; the reply is
 * REPLY_SIZE bytes of barge_test_fill_content ("reply-" NAME). */
void barge_test_bits_server_set_reply (BargeTestBitsServer *self, gboolean enabled, gsize reply_size);
/* Create-Session's Ack gets a chunked body without end (64 MiB at most);
 * how much of it went out. */
void barge_test_bits_server_set_endless_acks (BargeTestBitsServer *self, gboolean endless);
guint64 barge_test_bits_server_get_endless_written (BargeTestBitsServer *self);
/* The BITS-Reply-URL sent in upload-reply mode, as it is (NULL: the
 * server's own reply URL). */
void barge_test_bits_server_set_reply_url (BargeTestBitsServer *self, const char *url);
/* Fragments bigger than MAX get 413 (0 = no limit). */
void barge_test_bits_server_set_max_fragment (BargeTestBitsServer *self, gsize max);
/* Each Fragment Ack waits MS milliseconds (a slow link), without blocking
 * the server thread. */
void barge_test_bits_server_set_fragment_delay (BargeTestBitsServer *self, guint ms);
/* Once the session holds at least AT bytes, it is forgotten: the next
 * packet gets 500 with BG_E_SESSION_NOT_FOUND. */
void barge_test_bits_server_lose_session_at (BargeTestBitsServer *self, guint64 at, gboolean every);
/* Once the session holds at least AT bytes, it keeps only TO: the next
 * fragment starts past the end and gets 416 with TO. */
void barge_test_bits_server_rewind_at (BargeTestBitsServer *self, guint64 at, guint64 to);
/* The first TIMES fragments that start at or after AT and bring new bytes:
 * half of their new bytes are kept, then the connection is closed without
 * an Ack. TIMES 0 disarms it. */
void barge_test_bits_server_drop_at (BargeTestBitsServer *self, guint64 at, guint times);
/* The back-end application refuses the upload at its last byte: 500 with
 * BITS-Error-Code 0x80070005 and BITS-Error-Context 0x7. */
void barge_test_bits_server_set_app_error (BargeTestBitsServer *self, gboolean enabled);

/* Create-Session Acks carry BITS-Host-Id: HOST_ID (and
 * BITS-Host-Id-Fallback-Timeout: FALLBACK seconds unless 0); packets that
 * arrive for that host are counted as "host-id". */
void barge_test_bits_server_set_host_id (BargeTestBitsServer *self, const char *host_id, guint fallback);

/* A confused server: every fragment gets 416 saying it holds 0 bytes. */
void barge_test_bits_server_set_stuck (BargeTestBitsServer *self, gboolean stuck);
/* The next N Cancel-Session packets get 503. */
void barge_test_bits_server_fail_cancels (BargeTestBitsServer *self, guint n);
void barge_test_bits_server_drop_cancels (BargeTestBitsServer *self, guint n);
/* Every request must carry these Basic credentials, or gets a 401 (counted
 * "401"; those that carry them, "authorized"). */
void barge_test_bits_server_require_basic (BargeTestBitsServer *self, const char *user, const char *password);
/* The same with Digest (qop auth) for the user "alice". */
void barge_test_bits_server_require_digest (BargeTestBitsServer *self, const char *password);
/* Every request must carry these Basic credentials for a proxy, or gets a
 * 407 (counted "407"; those that carry them, "proxy-authorized"): the
 * server as a job's proxy, for URLs of another origin. */
void barge_test_bits_server_require_proxy_basic (BargeTestBitsServer *self, const char *user,
                                                 const char *password);

/* SHA-256 of the committed file NAME, or NULL if there is none. */
char *barge_test_bits_server_get_sha256 (BargeTestBitsServer *self, const char *name);
/* How many times WHAT happened: a packet type ("Create-Session",
 * "Fragment", "Close-Session", "Cancel-Session", "Ping"), "PUT", "416", "413",
 * "host-id", "drop", "reply" (GETs of a reply), "http1.0" (refused packets),
 * "connection" (requests on a connection new to the server), "kept"
 * (requests on one that carried a request before),
 * "X-Barge-Test: VALUE" (requests of any kind carrying that header, its
 * values joined by ", "). */
guint barge_test_bits_server_count (BargeTestBitsServer *self, const char *what);
/* Fragment body bytes received in all, and sessions still open. */
guint64 barge_test_bits_server_get_bytes_received (BargeTestBitsServer *self);
/* The bytes of every request body the server read, those it refused
 * (401, 407) too. */
guint64 barge_test_bits_server_get_body_bytes_read (BargeTestBitsServer *self);
guint barge_test_bits_server_get_open_sessions (BargeTestBitsServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargeTestBitsServer, barge_test_bits_server_free)

G_END_DECLS
