/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "barge.h"

G_BEGIN_DECLS

/* How the engine treats each BargeError: where it belongs (the BITS error
 * context) and whether the job retries it (transient-error) or stops (error). */
BargeErrorContext barged_error_get_context (const GError *error);
gboolean barged_error_is_transient (const GError *error);

/* Maps an HTTP status that is not a success to a BARGE_ERROR; the message
 * says the status and the server's reason phrase (as
 * barged_error_server_text() makes it). The status itself travels beside
 * the error (the job's HttpStatus). */
GError *barged_error_new_for_http_status (guint status, const char *reason);

/* Text a server sent (a reason phrase, a header value) as part of an
 * error message: valid UTF-8 (a D-Bus string must be), its control
 * characters (C0 and C1) replaced by "?" (clients print it), and at most
 * BARGED_ERROR_MAX_SERVER_TEXT bytes, cut at a character and marked with
 * "...". The message is kept with the job, stored and shown, and a server
 * could send up to 64 KiB of headers (tripled by the UTF-8 repair). */
#define BARGED_ERROR_MAX_SERVER_TEXT 256
char *barged_error_server_text (const char *text);

/* Maps a GIO, resolver, TLS or libsoup error to a BARGE_ERROR; @local says
 * whether it came from a local file rather than the network. */
GError *barged_error_new_for_io (const GError *error, gboolean local);

/* A failed write of a temporary file, from its errno: DiskFull for a full
 * disk or quota, else LocalFile. */
GError *barged_error_new_for_write_errno (int errsv);
/* DiskFull for a file that still lacks @lacking bytes where its file
 * system has @free_bytes for users: both in the message. */
GError *barged_error_new_for_space (guint64 lacking, guint64 free_bytes);

/* FAT keeps a file's size in 32 bits. */
#define BARGED_FAT_MAX_FILE_SIZE G_GUINT64_CONSTANT (0xffffffff)

/* LocalFile when a file of @size bytes is larger than barged's file size
 * limit (RLIMIT_FSIZE), else NULL: said as soon as the size is known,
 * rather than after the bytes up to the limit came. No I/O: safe on the
 * main thread. */
GError *barged_error_new_for_file_size (guint64 size);
/* The rules: LocalFile when @size is over @size_limit (G_MAXUINT64: none),
 * or over BARGED_FAT_MAX_FILE_SIZE with @fat (the destination is on FAT,
 * which barged_reserve_space() finds out on the writer's worker). */
GError *barged_error_new_for_file_size_limits (guint64 size, guint64 size_limit, gboolean fat);

/* The untranslated description of a D-Bus error name, or NULL. */
const char *barged_error_get_description (const char *dbus_name);

G_END_DECLS
