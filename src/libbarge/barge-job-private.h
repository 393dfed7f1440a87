/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The instance struct of BargeJob, shared by barge-job.c (the object, its
 * properties and signals) and barge-job-getters.c (the public getters). */

#include "barge-private.h"
#include "barge-reply-progress.h"

G_BEGIN_DECLS

struct _BargeJob
{
  GObject parent_instance;

  BargeDBusJob *proxy;
  GDBusObjectManager *object_manager; /* nullable; where file objects are found */
  gulong properties_changed_id;
  gulong transferred_id;
  gulong failed_id;
  gulong file_transferred_id;
  gulong modified_id;

  /* Parsed copies of the D-Bus values, so that getters are cheap and notify
   * fires only for what really changed. */
  BargeJobType job_type;
  BargeJobState state;
  gboolean removed; /* the state is the final state the daemon reported */
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

  GHashTable *files; /* object path -> BargeFile */
  GListStore *file_list; /* the BargeFiles of the Files property, in order */
};

/* (transfer none) (nullable): the file object at @path, created on first use. */
BargeFile *_barge_job_lookup_file (BargeJob *self, const char *path);
/* Rebuilds the file list model from the Files property. */
void _barge_job_reload_file_list (BargeJob *self);

G_END_DECLS
