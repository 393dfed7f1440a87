/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__BARGE_H_INSIDE__) && !defined(BARGE_COMPILATION)
#error "Only <barge.h> can be included directly."
#endif

#include <glib.h>
#include "barge-version.h"

G_BEGIN_DECLS

/**
 * BargeJobType:
 * @BARGE_JOB_TYPE_DOWNLOAD: downloads one or more files
 * @BARGE_JOB_TYPE_UPLOAD: uploads exactly one file
 * @BARGE_JOB_TYPE_UPLOAD_REPLY: uploads one file and fetches the server's reply
 *
 * The kind of a job. The nick of each value is the string used on D-Bus.
 */
typedef enum {
  BARGE_JOB_TYPE_DOWNLOAD,
  BARGE_JOB_TYPE_UPLOAD,
  BARGE_JOB_TYPE_UPLOAD_REPLY,
} BargeJobType;

/**
 * BargeJobState:
 * @BARGE_JOB_STATE_QUEUED: waiting for the scheduler
 * @BARGE_JOB_STATE_CONNECTING: contacting the server
 * @BARGE_JOB_STATE_TRANSFERRING: moving bytes
 * @BARGE_JOB_STATE_SUSPENDED: stopped; new jobs start here
 * @BARGE_JOB_STATE_ERROR: stopped by an error that needs the application
 * @BARGE_JOB_STATE_TRANSIENT_ERROR: a recoverable error; retried later
 * @BARGE_JOB_STATE_TRANSFERRED: every file is transferred; call barge_job_complete()
 * @BARGE_JOB_STATE_ACKNOWLEDGED: final: the files were handed over
 * @BARGE_JOB_STATE_CANCELLED: final: the job was cancelled
 *
 * The state of a job, as in BITS. The nick of each value is the string used on D-Bus.
 */
typedef enum {
  BARGE_JOB_STATE_QUEUED,
  BARGE_JOB_STATE_CONNECTING,
  BARGE_JOB_STATE_TRANSFERRING,
  BARGE_JOB_STATE_SUSPENDED,
  BARGE_JOB_STATE_ERROR,
  BARGE_JOB_STATE_TRANSIENT_ERROR,
  BARGE_JOB_STATE_TRANSFERRED,
  BARGE_JOB_STATE_ACKNOWLEDGED,
  BARGE_JOB_STATE_CANCELLED,
} BargeJobState;

/**
 * BargeJobPriority:
 * @BARGE_JOB_PRIORITY_FOREGROUND: runs at once, beside other foreground jobs
 * @BARGE_JOB_PRIORITY_HIGH: the highest background priority
 * @BARGE_JOB_PRIORITY_NORMAL: the default
 * @BARGE_JOB_PRIORITY_LOW: the lowest background priority
 *
 * The priority of a job. The nick of each value is the string used on D-Bus.
 */
typedef enum {
  BARGE_JOB_PRIORITY_FOREGROUND,
  BARGE_JOB_PRIORITY_HIGH,
  BARGE_JOB_PRIORITY_NORMAL,
  BARGE_JOB_PRIORITY_LOW,
} BargeJobPriority;

/**
 * BargeErrorContext:
 * @BARGE_ERROR_CONTEXT_NONE: no error
 * @BARGE_ERROR_CONTEXT_UNKNOWN: the origin of the error is not known
 * @BARGE_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER: the transfer service itself
 * @BARGE_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION: notifying the application
 * @BARGE_ERROR_CONTEXT_LOCAL_FILE: a local file
 * @BARGE_ERROR_CONTEXT_REMOTE_FILE: the remote file or the server
 * @BARGE_ERROR_CONTEXT_GENERAL_TRANSPORT: the network
 * @BARGE_ERROR_CONTEXT_REMOTE_APPLICATION: the server application of an upload-reply job
 *
 * Where an error happened, as in BITS. The nick of each value is the string used on D-Bus.
 */
typedef enum {
  BARGE_ERROR_CONTEXT_NONE,
  BARGE_ERROR_CONTEXT_UNKNOWN,
  BARGE_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER,
  BARGE_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION,
  BARGE_ERROR_CONTEXT_LOCAL_FILE,
  BARGE_ERROR_CONTEXT_REMOTE_FILE,
  BARGE_ERROR_CONTEXT_GENERAL_TRANSPORT,
  BARGE_ERROR_CONTEXT_REMOTE_APPLICATION,
} BargeErrorContext;

/**
 * BARGE_SIZE_UNKNOWN:
 *
 * A byte count that is not known yet (BITS `BG_SIZE_UNKNOWN`).
 */
#define BARGE_SIZE_UNKNOWN ((guint64) 0xFFFFFFFFFFFFFFFFULL)

BARGE_AVAILABLE_IN_ALL
const char *barge_job_type_to_string (BargeJobType type);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_type_from_string (const char *str, BargeJobType *type);
BARGE_AVAILABLE_IN_ALL
const char *barge_job_state_to_string (BargeJobState state);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_state_from_string (const char *str, BargeJobState *state);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_state_is_final (BargeJobState state);
BARGE_AVAILABLE_IN_ALL
const char *barge_job_priority_to_string (BargeJobPriority priority);
BARGE_AVAILABLE_IN_ALL
gboolean barge_job_priority_from_string (const char *str, BargeJobPriority *priority);
BARGE_AVAILABLE_IN_ALL
const char *barge_error_context_to_string (BargeErrorContext context);
BARGE_AVAILABLE_IN_ALL
gboolean barge_error_context_from_string (const char *str, BargeErrorContext *context);

G_END_DECLS
