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
#include "barge-reply-progress.h"

G_BEGIN_DECLS

#define BARGE_TYPE_JOB (barge_job_get_type ())
BARGE_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (BargeJob, barge_job, BARGE, JOB, GObject)

/* Properties (all with notify): object-path, id, display-name (rw),
 * description (rw), job-type, state, priority (rw), owner, progress
 * (BargeProgress), creation-time, modification-time, completion-time (gint64
 * microseconds, 0 = not yet), error-count, error-context, error-name,
 * error-message, error-file, minimum-retry-delay (rw),
 * no-progress-timeout (rw), minimum-notification-interval (rw),
 * reply-progress (BargeReplyProgress), maximum-download-time (rw),
 * notify-flags (rw), notify-command-line (rw), cost-policy (rw),
 * bandwidth-limit (rw, guint64 bytes per second, 0 = none), max-segments
 * (rw, connections per file, 0 = automatic), keep-awake,
 * not-before (rw, gint64 Unix seconds, 0 = none), transfer-window (rw,
 * "HH:MM-HH:MM" local time, "" = always), size-hint (rw, guint64 bytes,
 * 0 = none), hold-reason,
 * http-status, upload-protocol, reply-file-name (rw), credentials, file-list
 * (GListModel of BargeFile).
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
BARGE_AVAILABLE_IN_ALL
GListModel *barge_job_get_file_list (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
BargeReplyProgress *barge_job_get_reply_progress (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
guint barge_job_get_maximum_download_time (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
BargeNotifyFlags barge_job_get_notify_flags (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
const char * const *barge_job_get_notify_command_line (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
BargeCostPolicy barge_job_get_cost_policy (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
guint64 barge_job_get_bandwidth_limit (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
guint barge_job_get_max_segments (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_get_keep_awake (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
gint64 barge_job_get_not_before (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
const char *barge_job_get_transfer_window (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
guint64 barge_job_get_size_hint (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
BargeHoldReason barge_job_get_hold_reason (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
guint barge_job_get_http_status (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
BargeUploadProtocol barge_job_get_upload_protocol (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
const char *barge_job_get_reply_file_name (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
GVariant *barge_job_get_credentials (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_has_credentials (BargeJob *job,
                                    BargeCredentialsTarget target,
                                    BargeAuthScheme scheme);

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
BargeRedirectPolicy barge_job_get_redirect_policy (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_get_allow_https_to_http (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
char **barge_job_dup_custom_header_names (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
const char *barge_job_get_tls_ca_file (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
const char *barge_job_get_tls_client_certificate (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_get_custom_headers_write_only (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
void barge_job_make_custom_headers_write_only_async (BargeJob *job,
                                                     GCancellable *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_make_custom_headers_write_only_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_make_custom_headers_write_only_sync (BargeJob *job, GCancellable *cancellable, GError **error);
BARGE_AVAILABLE_IN_ALL
BargeProxyUsage barge_job_get_proxy_usage (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
char **barge_job_dup_proxy_list (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
char **barge_job_dup_proxy_bypass_list (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
void barge_job_set_proxy_settings_async (BargeJob *job,
                                         BargeProxyUsage usage,
                                         const char * const *proxies,
                                         const char * const *bypass,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_set_proxy_settings_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_set_proxy_settings_sync (BargeJob *job,
                                            BargeProxyUsage usage,
                                            const char * const *proxies,
                                            const char * const *bypass,
                                            GCancellable *cancellable,
                                            GError **error);
BARGE_AVAILABLE_IN_ALL
const char *barge_job_get_tls_crl_file (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
char **barge_job_dup_tls_ignore (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_get_tls_check_revocation (BargeJob *job);
BARGE_AVAILABLE_IN_ALL
void barge_job_set_tls_check_revocation_async (BargeJob *job,
                                               gboolean check,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_set_tls_check_revocation_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_set_tls_check_revocation_sync (BargeJob *job,
                                                  gboolean check,
                                                  GCancellable *cancellable,
                                                  GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_job_set_tls_options_async (BargeJob *job,
                                      const char *ca_file,
                                      const char *client_certificate,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_set_tls_options_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_set_tls_options_sync (BargeJob *job,
                                         const char *ca_file,
                                         const char *client_certificate,
                                         GCancellable *cancellable,
                                         GError **error);
BARGE_AVAILABLE_IN_ALL
void barge_job_set_tls_checks_async (BargeJob *job,
                                     const char *crl_file,
                                     const char * const *ignore,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_set_tls_checks_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_set_tls_checks_sync (BargeJob *job,
                                        const char *crl_file,
                                        const char * const *ignore,
                                        GCancellable *cancellable,
                                        GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_job_add_file_with_options_async (BargeJob *job,
                                            const char *remote_url,
                                            const char *local_path,
                                            GVariant *options,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_add_file_with_options_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_add_file_with_options_sync (BargeJob *job,
                                               const char *remote_url,
                                               const char *local_path,
                                               GVariant *options,
                                               GCancellable *cancellable,
                                               GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_job_set_custom_headers_async (BargeJob *job,
                                         const char * const *headers,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_set_custom_headers_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_set_custom_headers_sync (BargeJob *job,
                                            const char * const *headers,
                                            GCancellable *cancellable,
                                            GError **error);
BARGE_AVAILABLE_IN_ALL
void barge_job_get_custom_headers_async (BargeJob *job,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
BARGE_AVAILABLE_IN_ALL
char **barge_job_get_custom_headers_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
char **barge_job_get_custom_headers_sync (BargeJob *job, GCancellable *cancellable, GError **error);

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

BARGE_AVAILABLE_IN_ALL
void barge_job_get_reply_progress_async (BargeJob *job, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
BARGE_AVAILABLE_IN_ALL
BargeReplyProgress *barge_job_get_reply_progress_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
BargeReplyProgress *barge_job_get_reply_progress_sync (BargeJob *job, GCancellable *cancellable,
                                                       GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_job_get_reply_data_async (BargeJob *job, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
BARGE_AVAILABLE_IN_ALL
GBytes *barge_job_get_reply_data_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
GBytes *barge_job_get_reply_data_sync (BargeJob *job, GCancellable *cancellable, GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_job_take_ownership_async (BargeJob *job, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_take_ownership_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_take_ownership_sync (BargeJob *job, GCancellable *cancellable, GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_job_set_credentials_async (BargeJob *job,
                                      BargeCredentialsTarget target,
                                      BargeAuthScheme scheme,
                                      const char *user_name,
                                      const char *password,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_set_credentials_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_set_credentials_sync (BargeJob *job,
                                         BargeCredentialsTarget target,
                                         BargeAuthScheme scheme,
                                         const char *user_name,
                                         const char *password,
                                         GCancellable *cancellable,
                                         GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_job_remove_credentials_async (BargeJob *job,
                                         BargeCredentialsTarget target,
                                         BargeAuthScheme scheme,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_remove_credentials_finish (BargeJob *job, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_remove_credentials_sync (BargeJob *job,
                                            BargeCredentialsTarget target,
                                            BargeAuthScheme scheme,
                                            GCancellable *cancellable,
                                            GError **error);

G_END_DECLS
