/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

#include "barged-config.h"
#include "barged-auth-answers.h"
#include "barged-credentials.h"
#include "barged-file.h"
#include "barged-syncer.h"
#include "barged-bandwidth.h"
#include "barged-tls.h"

G_BEGIN_DECLS

#define BARGED_TYPE_TRANSFER (barged_transfer_get_type ())
G_DECLARE_FINAL_TYPE (BargedTransfer, barged_transfer, BARGED, TRANSFER, GObject)

/* One download in flight: opens the temporary file as the owner, asks for
 * the missing bytes (Range with If-Range on a strong validator), writes at
 * an offset on a worker thread and records progress in the BargedFile.
 *
 * Signals: "connected" once a usable response arrived; "progress" after each
 * write; "checkpoint" after an fdatasync, when barged_file_get_durable()
 * moved and may be recorded; "body-done" when every byte is in and only the
 * syncer's batch is awaited: the connection is free for another request
 * from then on (at most once a run, and only on that path). */

/* @settings gives [Transfer] Timeout and CheckpointInterval, read once. */
BargedTransfer *barged_transfer_new (SoupSession *session, BargedFile *file, guint32 owner,
                                     const BargedSettings *settings);
/* The daemon's BargedSyncer: a file that arrived whole is made durable in
 * its batches. Without one, each file syncs on its own. */
void barged_transfer_set_syncer (BargedTransfer *self, BargedSyncer *syncer);
/* The job's RedirectPolicy and AllowHttpsToHttp (barged-request.h). */
void barged_transfer_set_redirect_policy (BargedTransfer *self, BargeRedirectPolicy policy,
                                          gboolean allow_https_to_http);
/* The job's TLS options (SetTlsOptions), for every request; NULL: none. */
void barged_transfer_set_tls (BargedTransfer *self, BargedTls *tls);
/* The job's bandwidth limit (and through its parent the one background
 * jobs share): reads wait their turn under it. NULL: none. */
void barged_transfer_set_bandwidth (BargedTransfer *self, BargedBandwidth *bandwidth);
/* Where the transfer finds the job's HTTP credentials and owner's umask,
 * and the run's answers to authentication challenges (NULL: none given). */
void barged_transfer_set_credentials (BargedTransfer *self, BargedCredentials *credentials,
                                      const char *job_id, BargedAuthAnswers *answers);

void barged_transfer_run_async (BargedTransfer *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
/* On failure the error is in the BARGE_ERROR domain; Retry-After, when the
 * server sent one, is in @retry_after (seconds, else -1), and the HTTP
 * status of a response that failed it in @http_status (else 0). */
gboolean barged_transfer_run_finish (BargedTransfer *self,
                                     GAsyncResult *res,
                                     gint64 *retry_after,
                                     guint *http_status,
                                     GError **error);

/* Segmented download (aria2 -x). Once connected, the job asks how many
 * extra connections would help (@max_extra at most: 0 unless the size is
 * known and at least 16 MiB, the server gave a strong validator, and the
 * bytes left make pieces of BARGED_TRANSFER_MIN_SEGMENT), takes what its
 * connection budget allows and lends them with add_segments(). Each is
 * given back with a "segment-released" signal, all of them before the run
 * ends. A piece a segment could not fetch (a 200, another validator, a
 * failure) is fetched by the transfer's own connection, whose checks then
 * decide (a server that ignores ranges: the file whole, from 0). */
guint barged_transfer_segments_wanted (BargedTransfer *self, guint max_extra);
void barged_transfer_add_segments (BargedTransfer *self, guint n);


/* How many bytes may be written between two fdatasync calls: the bound on
 * what a crash makes the daemon fetch again. */
#define BARGED_TRANSFER_CHECKPOINT_BYTES (32 * 1024 * 1024)
#define BARGED_TRANSFER_BUFFER_SIZE (256 * 1024)
/* The smallest piece a segment fetches. */
#define BARGED_TRANSFER_MIN_SEGMENT (4 * 1024 * 1024)

/* Reads what has arrived on @body without waiting (over TLS one record
 * per read, so a reader takes the rest in the same turn of the main
 * loop): the bytes read, 0 at the end, -1 with @error; -2 when nothing has
 * arrived or @body cannot be polled. */
#define BARGED_TRANSFER_NOTHING_ARRIVED (-2)
gssize barged_transfer_read_arrived (GInputStream *body, guint8 *buffer, gsize size, GCancellable *cancellable,
                                     GError **error);

G_END_DECLS
