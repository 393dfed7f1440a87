/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

#include "barge.h"
#include "barged-bandwidth.h"
#include "barged-credentials.h"
#include "barged-file.h"

G_BEGIN_DECLS


#define BARGED_TYPE_UPLOAD (barged_upload_get_type ())
G_DECLARE_FINAL_TYPE (BargedUpload, barged_upload, BARGED, UPLOAD, GObject)

/* The upload side of an "upload" or "upload-reply" job: what the server
 * holds (session, acknowledged bytes), the identity of the source, and the
 * reply. It lives as long as the job; each run moves the one file as far as
 * it can.
 *
 * Signals: "connected" once the server answered; "progress" when the
 * acknowledged bytes grew (the file notifies its own numbers, also when
 * the server holds less than before);
 * "checkpoint" when barged_upload_to_data() changed and must be stored;
 * "reply-progress" when barged_upload_get_reply_progress() changed. */

BargedUpload *barged_upload_new (SoupSession *session,
                                 const char *job_id,
                                 guint32 owner,
                                 BargeUploadProtocol protocol,
                                 gboolean with_reply);
/* Rebuilds the upload from barged_upload_to_data(); NULL if @data is bad. */
BargedUpload *barged_upload_new_from_data (SoupSession *session,
                                           const char *job_id,
                                           guint32 owner,
                                           gboolean with_reply,
                                           const char *data);
/* The persistent state as text, for the store. */
char *barged_upload_to_data (BargedUpload *self);

BargeUploadProtocol barged_upload_get_protocol (BargedUpload *self);
gboolean barged_upload_is_running (BargedUpload *self);
/* After a restart: the file's numbers are what the server acknowledged. */
void barged_upload_restore_file (BargedUpload *self, BargedFile *file);
/* The session of the next run's requests (the job's priority chooses it);
 * @own: it is the job's own, where a proxy's challenges are answered
 * (barged_auth_answers_new()). */
void barged_upload_set_session (BargedUpload *self, SoupSession *session, gboolean own);
/* The job's bandwidth limit for the bodies of its requests; NULL: none. */
void barged_upload_set_bandwidth (BargedUpload *self, BargedBandwidth *bandwidth);

void barged_upload_run_async (BargedUpload *self,
                              BargedFile *file,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
/* Errors are in the BARGE_ERROR domain; @retry_after and @http_status as
 * for a transfer. */
gboolean barged_upload_run_finish (BargedUpload *self,
                                   GAsyncResult *res,
                                   gint64 *retry_after,
                                   guint *http_status,
                                   GError **error);

/* Cancel(): tells the server to drop what it holds (BITS Cancel-Session,
 * tus DELETE), once, in the background; failures are only logged. */
void barged_upload_cancel_remote (BargedUpload *self, const char *url);

/* --- the reply (upload-reply jobs) --------------------------------------- */

/* @total is BARGE_SIZE_UNKNOWN until the reply starts. */
void barged_upload_get_reply_progress (BargedUpload *self, guint64 *total, guint64 *received);
gboolean barged_upload_get_reply_started (BargedUpload *self);
/* "" keeps the reply in the daemon's store (at most 1 MiB). */
const char *barged_upload_get_reply_file_name (BargedUpload *self);
/* The owner's umask, for the reply file it creates (default 022). */
void barged_upload_set_umask (BargedUpload *self, guint32 umask);
/* The job's custom headers (a(ss), NULL: none) for the requests of the
 * next run: its job sets them before each. */
void barged_upload_set_custom_headers (BargedUpload *self, GVariant *headers);
/* The job's TLS options (NULL: none) for the requests of the next run. */
void barged_upload_set_tls (BargedUpload *self, BargedTls *tls);
/* What answers the authentication challenges of the job's server (from
 * the origin of the file's URL only) and proxy in the next run; NULL:
 * nothing does. */
void barged_upload_set_credentials (BargedUpload *self, BargedCredentials *credentials);
/* Checks the rules for ReplyFileName (reply not started, absolute path or
 * ""), then takes it. */
gboolean barged_upload_set_reply_file_name (BargedUpload *self, const char *path, GError **error);
/* Where the reply waits for Complete(), or NULL when it is in the store;
 * and the identity of the file barged created there (unset: none yet). */
const char *barged_upload_get_reply_temporary (BargedUpload *self);
const BargedFileId *barged_upload_get_reply_temporary_id (BargedUpload *self);

/* GetReplyData(): the reply, at most 1 MiB (else TooLarge). */
void barged_upload_get_reply_data_async (BargedUpload *self,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
GBytes *barged_upload_get_reply_data_finish (BargedUpload *self, GAsyncResult *res, GError **error);

#define BARGED_UPLOAD_MAX_REPLY_DATA (1024 * 1024)

G_END_DECLS
