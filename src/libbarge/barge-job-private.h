/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The instance struct of BargeJob, shared by barge-job.c (the object, its
 * properties and signals), barge-job-load.c (its values from the daemon's)
 * and barge-job-getters.c (the public getters). */

#include "barge-private.h"
#include "barge-reply-progress.h"

G_BEGIN_DECLS

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
