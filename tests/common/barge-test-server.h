/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "barge-test-request-log.h"

G_BEGIN_DECLS

/* A loopback HTTP server for the daemon tests, running a SoupServer in its
 * own thread with its own GMainContext, so the test thread may block in
 * synchronous D-Bus calls while the daemon downloads.
 *
 * GET /data/NAME?size=N[&rate=BYTES_PER_SECOND] answers N bytes generated
 * from a PRNG keyed by NAME, so a test knows the content (and its SHA-256)
 * without storing files. The response carries a strong ETag
 * "NAME-N-1", a Last-Modified date and Accept-Ranges. A Range header of
 * the form bytes=A- or bytes=A-B is answered with 206 and Content-Range (416
 * past the end) unless an If-Range header names another validator, in which
 * case the whole body comes with 200. With rate the body is streamed at
 * about that many bytes per second; without it as fast as the client reads.
 * With ranges=no every Range is ignored (200, the whole body); with
 * length=unknown a 206 says "*" for the complete length (RFC 9110 14.4).
 * With digest=repr (or legacy, or wrong) the response says the content's
 * SHA-256 in Repr-Digest (or in Digest, or a wrong one in Repr-Digest).
 * With status=N (and optionally retry-after=VALUE) in the query, /data/NAME
 * answers status N with an empty body (and that Retry-After header).
 * With auth=basic a request without Basic alice:pw gets 401 (logged with
 * its Authorization, BargeTestRequest.authorization).
 * With closed-ranges=redirect a request for a closed range (bytes=A-B, what
 * only a segment asks for) gets 302 to /data/NAME-elsewhere?size=N.
 * Every other path is a 404. The log of requests counts, for each, the
 * bytes of its body written to the socket (BargeTestRequest.sent). */

typedef struct _BargeTestServer BargeTestServer;

BargeTestServer *barge_test_server_new (void);
void barge_test_server_free (BargeTestServer *self);

/* "http://127.0.0.1:PORT", no trailing slash. */
const char *barge_test_server_get_base_url (BargeTestServer *self);

/* The URL of /data/NAME of SIZE bytes, streamed at RATE bytes per second
 * (0: unthrottled). */
char *barge_test_server_get_data_url (BargeTestServer *self, const char *name, guint64 size, guint64 rate);

/* The path part of the URL above, as used for barge_test_server_get_requests(). */
char *barge_test_server_get_data_path (const char *name);

/* The strong ETag the server sends for NAME of SIZE bytes, quotes included. */
char *barge_test_server_get_etag (const char *name, guint64 size);

/* A copy of the requests seen so far for PATH (without the query), oldest
 * first; the array frees its elements. Safe to call from any thread. */
GPtrArray *barge_test_server_get_requests (BargeTestServer *self, const char *path);

/* The most GET requests the server was answering at once, each counted
 * from its request until its message finished (the body sent, or the
 * client gone); HEADs do not count. Safe to call from any thread. */
guint barge_test_server_get_max_concurrent (BargeTestServer *self);

/* The SHA-256 (lower-case hex) of the content of NAME of SIZE bytes. */
char *barge_test_expected_sha256 (const char *name, guint64 size);

/* Fills BUF with LEN bytes of NAME's content starting at OFFSET. */
void barge_test_fill_content (const char *name, guint64 offset, guint8 *buf, gsize len);
/* Writes NAME's content of SIZE bytes to PATH (mode 0644) for a server
 * that serves files (nginx), with a modification time in the past: its
 * Last-Modified then differs from Date by more than a second, which makes
 * it a strong validator (RFC 9110 8.8.2.2) a cache may keep. */
void barge_test_write_content (const char *path, const char *name, guint64 size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargeTestServer, barge_test_server_free)

G_END_DECLS
