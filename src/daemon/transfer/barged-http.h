/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Header rules for resumable downloads (RFC 9110); pure functions, so the
 * unit tests can pin them down without a server. */

/* An unsigned decimal (1*DIGIT) that fills @value but for spaces and tabs
 * around it: the integer headers (BITS-Received-Content-Range, tus
 * Upload-Offset, Retry-After). No sign, no overflow. */
gboolean barged_http_parse_uint (const char *value, guint64 *out);

/* "bytes FIRST-LAST/LENGTH", LENGTH may be "*" (then *length = G_MAXUINT64).
 * Rejects LAST < FIRST and LENGTH <= LAST. Our own parser, not
 * soup_message_headers_get_content_range(): see barged-http.c. */
gboolean barged_http_parse_content_range (const char *value,
                                          guint64 *first,
                                          guint64 *last,
                                          guint64 *length);

/* "bytes * /LENGTH" (no space), as sent with 416. */
gboolean barged_http_parse_unsatisfied_range (const char *value, guint64 *length);

/* The longest URL barged takes, in characters (bits.md): from a client
 * (AddFile, BARGED_FILE_MAX_URL) and from a server (a redirect's Location,
 * a tus Location, a BITS-Reply-URL), which barged would keep and store. */
#define BARGED_HTTP_MAX_URL 2200

/* A validator is stored with its file and sent back in every If-Range:
 * one longer than this (servers send a few dozen characters) is not
 * taken, so that a server cannot grow the database without bound. */
#define BARGED_HTTP_MAX_VALIDATOR 1024

/* A strong entity tag: quoted, not W/, at most BARGED_HTTP_MAX_VALIDATOR. */
gboolean barged_http_etag_is_strong (const char *etag);

/* Last-Modified is a strong validator only if it is at least one second
 * before the response's Date (RFC 9110 8.8.2.2), and at most
 * BARGED_HTTP_MAX_VALIDATOR long. */
gboolean barged_http_last_modified_is_strong (const char *last_modified, const char *date);

/* Retry-After as delay-seconds or an HTTP-date; returns seconds from @now_unix
 * (never negative), or -1 when the value is missing or malformed. */
gint64 barged_http_parse_retry_after (const char *value, gint64 now_unix);
/* How long barged waits for at most, whatever Retry-After says: a
 * server's "come back next year" must not park a job beyond what its
 * NoProgressTimeout can judge. */
#define BARGED_HTTP_MAX_RETRY_AFTER_S (24 * 60 * 60)
/* barged_http_parse_retry_after(), at most BARGED_HTTP_MAX_RETRY_AFTER_S:
 * what a download and an upload wait. */
gint64 barged_http_retry_after_wait (const char *value, gint64 now_unix);

/* The digest of the whole representation a server sends: RFC 9530
 * Repr-Digest ("sha-256=:BASE64:, sha-512=:BASE64:"; a structured field
 * dictionary) or the older RFC 3230 Digest ("SHA-256=BASE64"), whichever
 * names SHA-512 or SHA-256 (SHA-512 first). @kind is "sha256" or "sha512",
 * @hex its value in lower-case hex. FALSE when neither header has one
 * (other algorithms, such as MD5 or CRC32c, are not checked). */
gboolean barged_http_parse_repr_digest (const char *repr_digest, const char *digest, const char **kind, char **hex);

G_END_DECLS
