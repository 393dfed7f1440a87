/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__BARGE_H_INSIDE__) && !defined(BARGE_COMPILATION)
#error "Only <barge.h> can be included directly."
#endif

#include <glib-object.h>
#include "barge-version.h"
#include "barge-enums.h"

G_BEGIN_DECLS

#define BARGE_TYPE_JOB_OPTIONS (barge_job_options_get_type ())

/**
 * BargeJobOptions:
 *
 * The options of a new job, built up with setters and turned into the
 * `a{sv}` of `CreateJob` with [method@Barge.JobOptions.to_variant]. Only the
 * options that were set are sent, so the daemon's defaults apply to the rest.
 */
typedef struct _BargeJobOptions BargeJobOptions;

BARGE_AVAILABLE_IN_ALL
GType barge_job_options_get_type (void) G_GNUC_CONST;
BARGE_AVAILABLE_IN_ALL
BargeJobOptions *barge_job_options_new (void);
BARGE_AVAILABLE_IN_ALL
BargeJobOptions *barge_job_options_copy (const BargeJobOptions *options);
BARGE_AVAILABLE_IN_ALL
void barge_job_options_free (BargeJobOptions *options);
BARGE_AVAILABLE_IN_ALL
void barge_job_options_set_description (BargeJobOptions *options, const char *description);
BARGE_AVAILABLE_IN_ALL
void barge_job_options_set_priority (BargeJobOptions *options, BargeJobPriority priority);
BARGE_AVAILABLE_IN_ALL
void barge_job_options_set_cost_policy (BargeJobOptions *options, BargeCostPolicy policy);
BARGE_AVAILABLE_IN_ALL
void barge_job_options_set_upload_protocol (BargeJobOptions *options, BargeUploadProtocol protocol);
BARGE_AVAILABLE_IN_ALL
void barge_job_options_set_bandwidth_limit (BargeJobOptions *options, guint64 bytes_per_second);
BARGE_AVAILABLE_IN_ALL
void barge_job_options_set_max_segments (BargeJobOptions *options, guint max_segments);
BARGE_AVAILABLE_IN_ALL
void barge_job_options_set_keep_awake (BargeJobOptions *options, gboolean keep_awake);
BARGE_AVAILABLE_IN_ALL
void barge_job_options_set_not_before (BargeJobOptions *options, gint64 unix_seconds);
BARGE_AVAILABLE_IN_ALL
void barge_job_options_set_transfer_window (BargeJobOptions *options, const char *window);
BARGE_AVAILABLE_IN_ALL
void barge_job_options_set_size_hint (BargeJobOptions *options, guint64 bytes);
BARGE_AVAILABLE_IN_ALL
GVariant *barge_job_options_to_variant (const BargeJobOptions *options);
BARGE_AVAILABLE_IN_ALL
void barge_job_options_set_redirect_policy (BargeJobOptions *options, BargeRedirectPolicy policy);
BARGE_AVAILABLE_IN_ALL
void barge_job_options_set_allow_https_to_http (BargeJobOptions *options, gboolean allow);
BARGE_AVAILABLE_IN_ALL
void barge_job_options_set_custom_headers (BargeJobOptions *options, const char * const *headers);
BARGE_AVAILABLE_IN_ALL
void barge_job_options_set_tls_options (BargeJobOptions *options,
                                        const char *ca_file,
                                        const char *client_certificate,
                                        const char *crl_file,
                                        const char * const *ignore);
BARGE_AVAILABLE_IN_ALL
void barge_job_options_set_tls_check_revocation (BargeJobOptions *options, gboolean check);
BARGE_AVAILABLE_IN_ALL
void barge_job_options_set_proxy_settings (BargeJobOptions *options,
                                           BargeProxyUsage usage,
                                           const char * const *proxies,
                                           const char * const *bypass);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargeJobOptions, barge_job_options_free)

G_END_DECLS
