/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "barged-bandwidth.h"
#include "barged-file-access.h"

G_BEGIN_DECLS

/* Reading an upload's source: blocks are read on a worker thread and
 * checked, in the same breath, against the identity the upload started
 * with (size, mtime, inode, device): bytes that changed while we read them
 * show in the mtime, a file replaced by a rename in the inode. */

/* Reads [@offset, @offset + @len) of @fd on a worker; then looks @path up
 * again as @owner and fails with BARGE_ERROR_LOCAL_FILE_CHANGED unless it
 * is still @expected and gave all @len bytes. @fd must stay open until the
 * callback runs. */
void barged_source_read_async (int fd,
                               guint32 owner,
                               const char *path,
                               const BargedSourceIdentity *expected,
                               guint64 offset,
                               gsize len,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
GBytes *barged_source_read_finish (GAsyncResult *res, GError **error);

gboolean barged_source_identity_equal (const BargedSourceIdentity *a, const BargedSourceIdentity *b);

/* A request body over a range of the source. libsoup sends a body by
 * reading 8 KiB at a time from it; a GUnixInputStream on a regular file
 * is not pollable, so each of those reads would be a trip to a worker
 * thread (141 MB/s for a PUT on loopback). This stream is pollable: it
 * reads 1 MiB blocks ahead on a worker, with the identity check above,
 * and serves libsoup's reads from memory on the main loop. A changed
 * source fails the read, and so the request. At most two blocks are held. */
#define BARGED_TYPE_SOURCE_STREAM (barged_source_stream_get_type ())
G_DECLARE_FINAL_TYPE (BargedSourceStream, barged_source_stream, BARGED, SOURCE_STREAM, GInputStream)

/* @fd is duplicated: the stream owns its copy. */
BargedSourceStream *barged_source_stream_new (int fd,
                                              guint32 owner,
                                              const char *path,
                                              const BargedSourceIdentity *expected,
                                              guint64 offset,
                                              guint64 length,
                                              GError **error);

/* A stream whose every read fails with @error: a body that cannot be
 * made, where libsoup needs one. */
BargedSourceStream *barged_source_stream_new_failed (const GError *error);

/* The job's bandwidth limit: bytes are served at its pace (the socket's
 * buffer then fills and libsoup waits). NULL: none. */
void barged_source_stream_set_bandwidth (BargedSourceStream *self, BargedBandwidth *bandwidth);

G_END_DECLS
