/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the files of BargedTransfer share: barged-transfer.c (requests,
 * responses, reads, the end of a run), barged-transfer-write.c (the
 * writer and the hasher, checkpoints, the last sync and the file's checks) and
 * barged-transfer-segments.c (extra connections). Nothing else includes
 * it. */

#include "barged-digest.h"
#include "barged-http.h"
#include "barged-request.h"
#include "barged-segment.h"
#include "barged-transfer.h"
#include "barged-work-queue.h"

G_BEGIN_DECLS

/* Buffers of a transfer: the network fills one while the writer takes
 * the others in turn. Two kept the writer waiting on the main loop between
 * buffers; with more, the full ones queue behind the writer (see
 * barged-transfer-write.c). Allocated only as a body needs them. */
#define BARGED_TRANSFER_N_BUFFERS 8

enum {
  BARGED_BUFFER_HELD_WRITE = 1 << 0,
  BARGED_BUFFER_HELD_HASH = 1 << 1,
};

struct _BargedTransfer
{
  GObject parent_instance;

  SoupSession *session;
  BargedSyncer *syncer;        /* the last sync of a file that arrived whole; NULL: our own */
  BargedBandwidth *bandwidth;  /* the job's limit, or NULL */
  gulong bandwidth_changed;
  guint throttle_source;       /* a read waits for its turn under the limit */
  BargedFile *file;
  guint32 owner;
  BargedCredentials *credentials; /* with job_id: HTTP auth and the owner's umask */
  BargedAuthAnswers *answers;     /* the run's answers to challenges, or NULL */
  char *job_id;
  gint64 checkpoint_interval_us; /* [Transfer] CheckpointInterval */
  guint timeout_s;             /* [Transfer] Timeout */

  GTask *task;
  GCancellable *cancellable;   /* ours: a write failure cancels the read */
  GCancellable *caller_cancellable;
  gulong caller_handler;
  int fd;
  SoupMessage *msg;
  BargedHeaderDeadline *deadline; /* of msg, until its headers came */
  GInputStream *body;

  guint64 offset;            /* where the next buffer goes */
  guint64 expected_end;      /* the file's announced length, or BARGE_SIZE_UNKNOWN */
  guint64 range_end;         /* one past the last byte of this response's body, or unknown */
  guint64 part_start;        /* where this response's body began */
  guint64 request_from;      /* the Range the request asked for (from byte N) */
  gboolean asked_range;      /* the request had a Range */
  gboolean opening;          /* a new file's request went out with its open (run_async) */
  gboolean open_failed;      /* ... and the open failed: the response is dropped */
  GInputStream *early_body;  /* the outcome of a request that ended while opening */
  GError *early_error;
  gboolean wanted;           /* the file has ranges of its own (AddFileWithOptions): only they are asked for */
  guint64 since_sync;
  gint64 last_sync;
  gboolean syncing;          /* a checkpoint fdatasync runs beside the writes */
  guint generation;          /* bumped on restart: an older sync no longer counts */
  guint restarts;
  guint revocation_fetches;  /* requests made again once revocation lists were fetched */
  gboolean truncate_next;
  gboolean reserved;         /* this run's first write reserved the file's space (barged_reserve_space) */

  guint8 *buffers[BARGED_TRANSFER_N_BUFFERS]; /* allocated when first read into (read_buffer()) */
  gsize capacity[BARGED_TRANSFER_N_BUFFERS];
  guint8 held[BARGED_TRANSFER_N_BUFFERS];     /* BARGED_BUFFER_HELD_*: a worker still reads it */
  guint read_buf;            /* the buffer the network fills */
  gsize fill;                /* bytes in it, not yet handed to the writer */
  gboolean reading;
  guint n_writes;            /* buffers with the writer, queued or being written */
  guint n_hashes;            /* buffers with the hasher */
  BargedWorkQueue *writer;   /* made at the first buffer */
  BargedWorkQueue *hasher;   /* a verified file's, made at its first buffer */
  gint write_failed;         /* atomic: a write failed, and the writer writes nothing after it */
  gboolean eof;
  gboolean finishing;
  gboolean verifying;        /* asking past the end of a body of unknown length */
  GError *failure;
  gint64 retry_after;
  guint http_status;         /* of a response that failed the transfer */
  BargeRedirectPolicy redirect_policy;
  gboolean allow_https_to_http;
  GError *redirect_refused;  /* a redirect of msg the policy refused, reported with its 3xx */
  BargedTls *tls;            /* the job's TLS options, or NULL */
  BargedDigest *digest;      /* the file's expected digest, computed as the bytes are written; or NULL */
  gboolean digest_from_server; /* it is the one the server sent (Repr-Digest), not the client's */

  /* Segments (aria2 -x): main stops at `limit`, the pieces after it go to
   * BargedSegments on connections the job took for them. */
  guint64 limit;             /* where this piece ends, or BARGE_SIZE_UNKNOWN: the body's end */
  guint64 piece_start;       /* where the bytes this request writes begin */
  guint64 counted;           /* bytes of the file's progress not in [piece_start, offset) */
  GArray *unsynced;          /* BargedRange: pieces main wrote and left, durable at the next sync */
  GArray *queue;             /* BargedRange: pieces nobody fetches yet */
  gboolean queue_built;
  gboolean segmented;        /* the file is fetched in pieces: no batch sync, a gap check at the end */
  gboolean segments_off;     /* a segment failed, or the file started over: main fetches the rest */
  GPtrArray *segments;       /* BargedSegment running */
  GCancellable *segments_cancellable;
  guint n_granted;           /* extra connections the job lent and we have not given back */
};


enum { SIGNAL_CONNECTED, SIGNAL_PROGRESS, SIGNAL_CHECKPOINT, SIGNAL_SEGMENT_RELEASED, SIGNAL_BODY_DONE, N_SIGNALS };
extern guint _barged_transfer_signals[N_SIGNALS];

/* barged-transfer.c */
void _barged_transfer_fail (BargedTransfer *self, GError *error);
void _barged_transfer_update_done (BargedTransfer *self);
void _barged_transfer_pump (BargedTransfer *self);
void _barged_transfer_maybe_finish (BargedTransfer *self);

/* barged-transfer-write.c */
gboolean _barged_transfer_can_submit_write (BargedTransfer *self);
void _barged_transfer_submit_write (BargedTransfer *self);
void _barged_transfer_finish_writes (BargedTransfer *self, gboolean batch);

/* barged-transfer-segments.c */
gboolean _barged_transfer_next_piece (BargedTransfer *self, BargedRange *piece);

G_END_DECLS
