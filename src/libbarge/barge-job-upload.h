/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__BARGE_H_INSIDE__) && !defined(BARGE_COMPILATION)
#error "Only <barge.h> can be included directly."
#endif

#include "barge-job.h"

G_BEGIN_DECLS

/* The upload side of a BargeJob: the protocol and the reply of
 * "upload-reply" jobs. */

BARGE_AVAILABLE_IN_ALL
const char *barge_job_get_upload_protocol (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
const char *barge_job_get_reply_file_name (BargeJob *job);

BARGE_AVAILABLE_IN_ALL
void barge_job_get_reply_progress_async (BargeJob *job, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_get_reply_progress_finish (BargeJob *job, GAsyncResult *res,
                                              guint64 *bytes_total, guint64 *bytes_transferred,
                                              GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_get_reply_progress_sync (BargeJob *job, guint64 *bytes_total, guint64 *bytes_transferred,
                                            GCancellable *cancellable, GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_job_get_reply_data_async (BargeJob *job, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
BARGE_AVAILABLE_IN_ALL
GBytes *barge_job_get_reply_data_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
GBytes *barge_job_get_reply_data_sync (BargeJob *job, GCancellable *cancellable, GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_job_set_reply_file_name_async (BargeJob *job, const char *path, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_set_reply_file_name_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_set_reply_file_name_sync (BargeJob *job, const char *path, GCancellable *cancellable,
                                             GError **error);

G_END_DECLS
