/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

#include "barged-auth-answers.h"
#include "barged-bandwidth.h"
#include "barged-tls.h"

G_BEGIN_DECLS

#define BARGED_TYPE_SEGMENT (barged_segment_get_type ())
G_DECLARE_FINAL_TYPE (BargedSegment, barged_segment, BARGED, SEGMENT, GObject)

/* One extra connection of a segmented download (BargedTransfer): asks for
 * bytes [start, end) of @url with "Range: bytes=start-(end-1)" and If-Range
 * on the file's strong validator, and writes them at their offsets into
 * @fd (its own descriptor of the temporary, closed at the end; never
 * truncated). A response that is not a 206 of exactly that range of a file
 * of @total bytes stops it: the transfer then fetches the rest itself,
 * where its own checks tell a server without ranges or a changed file.
 *
 * Signals: "written" (guint64 bytes) after each write; "durable" (guint64
 * start, guint64 end) after each fdatasync: those bytes are on disk. Its
 * run always ends with a sync of what it wrote, whatever the outcome. */
BargedSegment *barged_segment_new (SoupSession *session, const char *url, int fd, guint64 start, guint64 end,
                                   guint64 total, const char *if_range, guint timeout_s,
                                   gint64 checkpoint_interval_us);
void barged_segment_set_bandwidth (BargedSegment *self, BargedBandwidth *bandwidth);
/* The job's custom headers (a(ss), NULL: none) for the piece's request,
 * which belong to the origin of @origin_url (the file's URL: the piece may
 * be asked of the URL a redirect led the file to). */
void barged_segment_set_custom_headers (BargedSegment *self, GVariant *headers, const char *origin_url);
/* The run's answers to authentication challenges, for requests of the file
 * at @origin_url (server credentials belong to its origin). */
void barged_segment_set_auth_answers (BargedSegment *self, BargedAuthAnswers *answers, const char *origin_url);
/* The job's TLS options (NULL: none). */
void barged_segment_set_tls (BargedSegment *self, BargedTls *tls);
/* Whose temporary it writes into (0 until set): for closing it
 * (barged_file_access_close()). */
void barged_segment_set_owner (BargedSegment *self, guint32 owner);
/* Where it got to: the bytes from there to its end are still to fetch. */
guint64 barged_segment_get_position (BargedSegment *self);
guint64 barged_segment_get_end (BargedSegment *self);
void barged_segment_run_async (BargedSegment *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean barged_segment_run_finish (BargedSegment *self, GAsyncResult *res, GError **error);

G_END_DECLS
