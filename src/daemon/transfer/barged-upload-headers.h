/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* What the upload protocols read from a server's answers (the BITS upload
 * protocol, [MC-BUP], and tus 1.0): pure functions of the header values,
 * so that the unit tests and tests/fuzz reach them without a server. */

/* BITS-Error-Code (or MC-BUP's BITS-Error) and BITS-Error-Context: a hex
 * HRESULT of at most 32 bits, with or without "0x"; 0 when absent or
 * malformed. */
guint32 barged_upload_parse_bits_error (const char *value);

/* BITS-Received-Content-Range (the next offset the server expects) and tus
 * Upload-Offset: an unsigned decimal no larger than @size. */
gboolean barged_upload_parse_offset (const char *value, guint64 size, guint64 *offset);

/* BITS-Host-Id: the host a session's packets go to, a host name or an
 * IP address. */
gboolean barged_upload_bits_host_id_is_valid (const char *host_id);

/* BITS-Host-Id-Fallback-Timeout, in seconds, at most G_MAXUINT32; 0
 * (never fall back) when absent or malformed. */
guint64 barged_upload_parse_fallback_timeout (const char *value);

/* @url with its host replaced by @host_id (the farm server); a copy of
 * @url when it does not parse. */
char *barged_upload_packet_url (const char *url, const char *host_id);

/* tus Upload-Expires, an HTTP-date, as unix seconds. */
gboolean barged_upload_parse_expires (const char *value, gint64 *unix_time);

/* @url when libsoup can send a request to it: http or https, with a host
 * (soup_message_new_from_uri() takes nothing else: it returns NULL with a
 * critical). Else NULL and a G_URI_ERROR, also for a NULL @url. */
GUri *barged_upload_parse_url (const char *url, GError **error);

/* A server's reference to another URL (tus Location, BITS-Reply-URL),
 * resolved against @base; NULL when it is no URL barged_upload_parse_url()
 * takes, longer than BARGED_HTTP_MAX_URL, or http from an https @base. */
char *barged_upload_resolve_url (const char *base, const char *reference);

G_END_DECLS
