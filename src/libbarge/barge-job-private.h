/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The instance struct of BargeJob, shared by barge-job.c (the object, its
 * properties and signals), barge-job-load.c (its values from the daemon's)
 * and barge-job-getters.c (the public getters). */

#include "barge-private.h"
#include "barge-reply-progress.h"

G_BEGIN_DECLS

/* BargeJob's GObject properties (barge-job-pspecs.c makes them). */
enum {
  PROP_0,
  PROP_OBJECT_PATH,
  PROP_ID,
  PROP_DISPLAY_NAME,
  PROP_DESCRIPTION,
  PROP_JOB_TYPE,
  PROP_STATE,
  PROP_PRIORITY,
  PROP_OWNER,
  PROP_PROGRESS,
  PROP_CREATION_TIME,
  PROP_MODIFICATION_TIME,
  PROP_COMPLETION_TIME,
  PROP_ERROR_COUNT,
  PROP_ERROR_CONTEXT,
  PROP_ERROR_NAME,
  PROP_ERROR_MESSAGE,
  PROP_ERROR_FILE,
  PROP_MINIMUM_RETRY_DELAY,
  PROP_NO_PROGRESS_TIMEOUT,
  PROP_MINIMUM_NOTIFICATION_INTERVAL,
  PROP_REPLY_PROGRESS,
  PROP_MAXIMUM_DOWNLOAD_TIME,
  PROP_NOTIFY_FLAGS,
  PROP_NOTIFY_COMMAND_LINE,
  PROP_COST_POLICY,
  PROP_BANDWIDTH_LIMIT,
  PROP_KEEP_AWAKE,
  PROP_NOT_BEFORE,
  PROP_TRANSFER_WINDOW,
  PROP_SIZE_HINT,
  PROP_HOLD_REASON,
  PROP_HTTP_STATUS,
  PROP_UPLOAD_PROTOCOL,
  PROP_REPLY_FILE_NAME,
  PROP_CREDENTIALS,
  PROP_FILE_LIST,
  PROP_MAX_SEGMENTS,
  PROP_REDIRECT_POLICY,
  PROP_ALLOW_HTTPS_TO_HTTP,
  PROP_CUSTOM_HEADERS,
  PROP_TLS_CA_FILE,
  PROP_TLS_CLIENT_CERTIFICATE,
  PROP_TLS_CRL_FILE,
  PROP_TLS_IGNORE,
  PROP_PROXY_USAGE,
  PROP_PROXY_LIST,
  PROP_PROXY_BYPASS_LIST,
  PROP_CUSTOM_HEADERS_WRITE_ONLY,
  PROP_TLS_CHECK_REVOCATION,
  N_PROPS
};

/* Fills @properties (N_PROPS, [PROP_0] left NULL) with BargeJob's param
 * specs, documented there. */
void _barge_job_make_properties (GParamSpec **properties);

struct _BargeJob
{
  GObject parent_instance;

  GWeakRef client;             /* the client that follows the job */
  GDBusConnection *connection;
  char *path;
  BargeProps *props;           /* the last values the daemon gave */
  guint loading;               /* refreshes under way */
  gboolean loaded;             /* has values from the daemon */
  gboolean announced;          /* the client emitted job-added */
  gboolean removed;            /* the job left the bus */

  /* Parsed copies of the D-Bus values, so that getters are cheap and notify
   * fires only for what really changed. */
  BargeJobType job_type;
  BargeJobState state;
  BargeJobPriority priority;
  BargeProgress *progress;
  gint64 creation_time;
  gint64 modification_time;
  gint64 completion_time;
  BargeErrorContext error_context;
  char *error_name;
  char *error_message;
  char *error_file_path;

  BargeReplyProgress *reply_progress;
  BargeNotifyFlags notify_flags;
  char **notify_command_line; /* the program, then its arguments; empty for none */
  BargeCostPolicy cost_policy;
  BargeHoldReason hold_reason;
  BargeUploadProtocol upload_protocol;

  GHashTable *files;     /* object path -> BargeFile, also those without values yet */
  GListStore *file_list; /* the BargeFiles of the Files property that have values, in order */
};

/* (transfer none) (nullable): the file at @path if it has values. */
BargeFile *_barge_job_lookup_file (BargeJob *self, const char *path);

/* barge-job-load.c: the kept D-Bus values into the fields above. */
void _barge_job_load_type (BargeJob *self);
void _barge_job_load_state (BargeJob *self);
void _barge_job_load_priority (BargeJob *self);
gboolean _barge_job_load_progress (BargeJob *self);
void _barge_job_load_times (BargeJob *self);
void _barge_job_load_error (BargeJob *self);
gboolean _barge_job_load_reply_progress (BargeJob *self);
gboolean _barge_job_load_notify_flags (BargeJob *self);
gboolean _barge_job_load_notify_command_line (BargeJob *self);
void _barge_job_load_cost_policy (BargeJob *self);
void _barge_job_load_hold_reason (BargeJob *self);
void _barge_job_load_upload_protocol (BargeJob *self);

G_END_DECLS
