/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "barged-auth-answers.h"
#include "barged-file-access.h"
#include "barged-tls.h"
#include "barged-upload.h"

G_BEGIN_DECLS

/* Shared by barged-upload.c and one file per protocol. Everything runs on
 * the main loop except the reads of the source, which run on workers. */
struct _BargedUpload
{
  GObject parent_instance;

  SoupSession *session;
  gboolean session_own;       /* the job's own session: a proxy's challenges are answered */
  char *job_id;
  guint32 owner;
  guint32 umask;              /* the owner's, for the reply file */
  GVariant *custom_headers;   /* a(ss) or NULL: the job's, for every request */
  BargedTls *tls;             /* the job's TLS options, or NULL */
  BargedCredentials *credentials; /* answers the challenges of the job's server and proxy, or NULL */
  BargeUploadProtocol protocol;
  gboolean with_reply;

  /* persistent */
  gboolean source_known;
  BargedSourceIdentity source;
  char *session_id;           /* BITS session id, or the tus upload URL */
  gint64 expires;             /* tus Upload-Expires, unix seconds, 0 = none */
  char *host_id;              /* BITS-Host-Id: the farm server packets go to */
  guint64 host_id_fallback;   /* seconds without an Ack there before reverting; 0 = never */
  gint64 host_id_last_ack;    /* wall clock, seconds */
  guint64 acked;              /* bytes the server acknowledged */
  gboolean uploaded;          /* the server has every byte */
  char *reply_url;
  gboolean reply_started;
  gboolean reply_done;
  guint64 reply_total;
  guint64 reply_received;
  char *reply_file_name;      /* "" = kept in reply_data */
  char *reply_temporary;      /* where the reply waits for Complete, NULL with no file name */
  BargedFileId reply_temporary_id; /* the file barged created there; unset: none yet */
  GBytes *reply_data;

  BargedBandwidth *bandwidth; /* the job's limit, or NULL */

  /* tus, in memory: the end of the bytes sent to the upload at session_id,
   * the most it may hold; known (sent_known) when this barged created the
   * upload. Not after a restart: bytes an earlier barged sent may land at
   * the server later (a PATCH still being read when it stopped). */
  gboolean sent_known;
  guint64 sent_end;

  /* the run in flight */
  GTask *task;
  BargedFile *file;
  GCancellable *cancellable;
  int fd;
  guint64 fragment_size;      /* of the next tus PATCH or BITS fragment */
  guint64 fragment_ceiling;   /* the largest the server took after a 413, 0 = none seen */
  gint64 chunk_sent_at;       /* monotonic µs: when the chunk in flight went out */
  guint session_restarts;     /* this run's, since acked_high last grew */
  guint64 acked_high;         /* the most the server held this run */
  guint kept_restarts;        /* runs again at once after a lost kept connection */
  gboolean new_connection;    /* the next request opens a connection */
  BargedAuthAnswers *answers; /* the run's answers to challenges */
  guint stalled_acks;
  gint64 retry_after;
  guint http_status;           /* of a response that failed the run, 0 = none */
};

/* Protocol entry points: each moves the file from self->acked, then calls
 * barged_upload_succeed() or barged_upload_fail(). */
void barged_upload_bits_run (BargedUpload *self);
void barged_upload_tus_run (BargedUpload *self);
void barged_upload_put_run (BargedUpload *self);
void barged_upload_bits_cancel (BargedUpload *self, const char *url);
/* @url: the file's (no run, no file, at a Cancel). */
void barged_upload_tus_cancel (BargedUpload *self, const char *url);

void barged_upload_succeed (BargedUpload *self);
void barged_upload_fail (BargedUpload *self, GError *error);

/* The server now holds @acked bytes: publish and persist it. */
void barged_upload_set_acked (BargedUpload *self, guint64 acked);
/* The persistent state changed: ask the job to store it. */
void barged_upload_checkpoint (BargedUpload *self);
void barged_upload_connected (BargedUpload *self);

/* Reads [@offset, @offset + @len) of the source on a worker thread and
 * checks, in the same breath, that the source is still the file the upload
 * started with (else BARGE_ERROR_LOCAL_FILE_CHANGED). */
void barged_upload_read_async (BargedUpload *self, guint64 offset, gsize len,
                               GAsyncReadyCallback callback, gpointer user_data);
GBytes *barged_upload_read_finish (GAsyncResult *res, GError **error);
/* Gives @msg the body [@offset, @offset + @length) of the source, read
 * ahead on a worker with the same check (barged-source-stream.h), and the
 * same bytes again whenever libsoup sends @msg again by itself. */
gboolean barged_upload_set_body (BargedUpload *self, SoupMessage *msg, const char *content_type, guint64 offset,
                                 guint64 length, GError **error);

/* A request for an upload: no redirects (libsoup would turn a POST into a
 * GET), identity encoding; the job's custom headers only when @url is on
 * the origin of @origin_url, the file's URL (not a BITS farm host, a tus
 * upload URL or a reply URL elsewhere, nor http where the file is https),
 * as for credentials. */
SoupMessage *barged_upload_message_new (const char *method, const char *url, const char *origin_url,
                                        GVariant *custom_headers, BargedTls *tls, GError **error);

/* @msg's response body, or NULL and the error (a BargeError when the
 * job's TLS checks refused the server). @lost_kept: it failed on a
 * connection kept from an earlier request, before any answer, as when the
 * server closed that idle connection while the request went out. */
typedef void (*BargedUploadSentFn) (SoupMessage *msg, GBytes *body, const GError *error, gboolean lost_kept,
                                    gpointer user_data);
/* Sends @msg (not taken) through @session, guarded by the job's @tls
 * (barged_tls_guard(): revocation judged on the connection it goes out
 * on, lists fetched first when the cache lacks them). For the requests
 * that outlive a run too, with @cancellable NULL. */
void barged_upload_send_full (SoupSession *session, BargedTls *tls, SoupMessage *msg, GCancellable *cancellable,
                              BargedUploadSentFn done, gpointer user_data);
typedef void (*BargedUploadSent) (BargedUpload *self, SoupMessage *msg);
/* A request of the run, on the run's session: takes @msg; @done gets its
 * response. A transport failure ends the run with barged_upload_fail(),
 * except a kept connection lost before any answer: then the run goes on
 * at once from the server's state, over a new connection (3 times a run
 * at most). */
void barged_upload_send (BargedUpload *self, SoupMessage *msg, BargedUploadSent done);
/* Ends the run with the error an unsuccessful @msg means (its HTTP status,
 * BITS-Error-Code) and records its status. */
void barged_upload_fail_response (BargedUpload *self, SoupMessage *msg);

/* Upload-reply: fetches the reply from self->reply_url, then calls
 * @then (the protocol's next step) or fails the run. */
void barged_upload_fetch_reply (BargedUpload *self, void (*then) (BargedUpload *self));

/* The tus/BITS chunk we start with (and the smallest a slow link shrinks
 * it to), the largest ones, and the smallest BITS fragment after 413s.
 * BITS stays below IIS's default request limit (30,000,000 bytes). */
#define BARGED_UPLOAD_FRAGMENT_SIZE (1024 * 1024)
#define BARGED_UPLOAD_MAX_TUS_CHUNK (64 * 1024 * 1024)
#define BARGED_UPLOAD_MAX_BITS_FRAGMENT (16 * 1024 * 1024)
#define BARGED_UPLOAD_MIN_FRAGMENT (5 * 1024)

/* A 413: the server, or a proxy before it, takes smaller bodies. Halves
 * the next fragment or chunk, down to BARGED_UPLOAD_MIN_FRAGMENT, and keeps
 * it from growing back past that; FALSE when it cannot shrink more (the
 * run failed). */
gboolean barged_upload_shrink_after_413 (BargedUpload *self);

/* A chunk of @len bytes sent at self->chunk_sent_at was acknowledged:
 * sizes the next one so that an acknowledgement (a durable checkpoint and
 * a step of progress) comes every fraction of a second to two seconds,
 * whatever the link's speed. */
void barged_upload_chunk_acked (BargedUpload *self, guint64 len);

G_END_DECLS
