/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__BARGE_H_INSIDE__) && !defined(BARGE_COMPILATION)
#error "Only <barge.h> can be included directly."
#endif

#include <gio/gio.h>
#include "barge-version.h"
#include "barge-enums.h"
#include "barge-file.h"
#include "barge-progress.h"

G_BEGIN_DECLS

#define BARGE_TYPE_JOB (barge_job_get_type ())
BARGE_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (BargeJob, barge_job, BARGE, JOB, GObject)

/* Properties (all with notify): object-path, id, display-name (rw),
 * description (rw), job-type, state, priority (rw), owner, progress
 * (BargeProgress), creation-time, modification-time, completion-time (gint64
 * microseconds, 0 = not yet), error-count, error-context, error-name,
 * error-message, error-file, minimum-retry-delay (rw),
 * no-progress-timeout (rw), minimum-notification-interval (rw).
 * Signals: transferred, failed (context, error_name, message),
 * file-transferred (BargeFile). */

BARGE_AVAILABLE_IN_ALL
const char *barge_job_get_object_path (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
const char *barge_job_get_id (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
const char *barge_job_get_display_name (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
const char *barge_job_get_description (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
BargeJobType barge_job_get_job_type (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
BargeJobState barge_job_get_state (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
BargeJobPriority barge_job_get_priority (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
guint barge_job_get_owner (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
BargeProgress *barge_job_get_progress (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
gint64 barge_job_get_creation_time (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
gint64 barge_job_get_modification_time (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
gint64 barge_job_get_completion_time (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
guint barge_job_get_error_count (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
BargeErrorContext barge_job_get_error_context (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
const char *barge_job_get_error_name (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
const char *barge_job_get_error_message (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
BargeFile *barge_job_get_error_file (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
guint barge_job_get_minimum_retry_delay (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
guint barge_job_get_no_progress_timeout (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
guint barge_job_get_minimum_notification_interval (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
GPtrArray *barge_job_get_files (BargeJob *job);

/* Writable properties: the setter sends the write and returns at once; use
 * the async variant to learn whether the daemon accepted it. */
BARGE_AVAILABLE_IN_ALL
void barge_job_set_property_async (BargeJob *job,
                                   const char *property_name,
                                   const GValue *value,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_set_property_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_set_property_sync (BargeJob *job,
                                      const char *property_name,
                                      const GValue *value,
                                      GCancellable *cancellable,
                                      GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_job_add_file_async (BargeJob *job,
                               const char *remote_url,
                               const char *local_path,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_add_file_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_add_file_sync (BargeJob *job,
                                  const char *remote_url,
                                  const char *local_path,
                                  GCancellable *cancellable,
                                  GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_job_add_files_async (BargeJob *job,
                                const char * const *remote_urls,
                                const char * const *local_paths,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_add_files_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_add_files_sync (BargeJob *job,
                                   const char * const *remote_urls,
                                   const char * const *local_paths,
                                   GCancellable *cancellable,
                                   GError **error);

/* resume, suspend, cancel, complete: same shape */
BARGE_AVAILABLE_IN_ALL
void barge_job_resume_async (BargeJob *job, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_resume_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_resume_sync (BargeJob *job, GCancellable *cancellable, GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_job_suspend_async (BargeJob *job, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_suspend_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_suspend_sync (BargeJob *job, GCancellable *cancellable, GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_job_cancel_async (BargeJob *job, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_cancel_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_cancel_sync (BargeJob *job, GCancellable *cancellable, GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_job_complete_async (BargeJob *job, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_complete_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_complete_sync (BargeJob *job, GCancellable *cancellable, GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_job_get_progress_async (BargeJob *job, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
BARGE_AVAILABLE_IN_ALL
BargeProgress *barge_job_get_progress_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
BargeProgress *barge_job_get_progress_sync (BargeJob *job, GCancellable *cancellable, GError **error);

G_END_DECLS
