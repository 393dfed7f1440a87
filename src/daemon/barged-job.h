/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

#include "barge.h"
#include "barge-dbus-generated.h"
#include "barged-authority.h"
#include "barged-credentials.h"
#include "barged-quota.h"
#include "barged-store.h"
#include "barged-upload.h"

G_BEGIN_DECLS

#define BARGED_TYPE_JOB (barged_job_get_type ())
G_DECLARE_FINAL_TYPE (BargedJob, barged_job, BARGED, JOB, BargeDBusJobSkeleton)

/* What every job shares: where it persists, the HTTP session its files
 * travel on, who may call it, and where its objects are exported. */
typedef struct {
  BargedStore *store;
  SoupSession *session;
  BargedAuthority *authority;
  GDBusObjectManagerServer *object_manager;
  BargedCredentials *credentials;
  BargedQuota *quota;         /* NULL: a private one (unit tests) */
} BargedJobContext;

/* Limits from bits.md; barge.conf will make some of them configurable. */
#define BARGED_MAX_DISPLAY_NAME 256
#define BARGED_MAX_DESCRIPTION 1024
/* Files per job, jobs per user and per machine: barge.conf [Jobs]. */
#define BARGED_MIN_RETRY_DELAY 5
#define BARGED_DEFAULT_RETRY_DELAY 600
#define BARGED_DEFAULT_NO_PROGRESS_TIMEOUT 1209600
#define BARGED_DEFAULT_MAXIMUM_DOWNLOAD_TIME 7776000
#define BARGED_DEFAULT_NOTIFICATION_INTERVAL 500

BargedJob *barged_job_new (const BargedJobContext *ctx,
                           guint32 owner,
                           BargeJobType type,
                           const char *display_name,
                           const char *description,
                           BargeJobPriority priority);
/* Rebuilds a job from the database; @files holds its BargedFileRecord*. */
BargedJob *barged_job_new_from_record (const BargedJobContext *ctx,
                                       const BargedJobRecord *record,
                                       GPtrArray *files);

/* For "upload" and "upload-reply" jobs, right after barged_job_new(). */
void barged_job_set_upload_protocol (BargedJob *self, BargedUploadProtocol protocol);

/* Whether @owner may create one more job ([Jobs] MaxMetadataPerUser). */
gboolean barged_job_check_quota_for_new (BargedQuota *quota, guint32 owner, GError **error);

/* Validates a job id given by a client: a UUID with or without dashes.
 * Returns the canonical form (with dashes, lower case) or NULL. */
char *barged_job_normalize_id (const char *id);

const char *barged_job_get_job_id (BargedJob *self);
const char *barged_job_get_path (BargedJob *self);
guint32 barged_job_get_owner_uid (BargedJob *self);
BargeJobState barged_job_get_job_state (BargedJob *self);
BargeJobPriority barged_job_get_job_priority (BargedJob *self);
gint64 barged_job_get_created (BargedJob *self);
/* Times' modification, wall clock µs (for the inactivity reaper). */
gint64 barged_job_get_modified (BargedJob *self);
/* Queued or moving bytes, or waiting to retry: the daemon must stay up. */
gboolean barged_job_is_active (BargedJob *self);
/* Connecting or transferring: holds a scheduler slot. */
gboolean barged_job_is_running (BargedJob *self);
/* The remote URL of the first file not yet transferred (where the job's
 * next request goes, so the scheduler can count jobs per host), or NULL. */
const char *barged_job_get_current_url (BargedJob *self);

/* Exports the job and its files below the object manager. */
void barged_job_export (BargedJob *self);
/* Takes the job and its files off the bus (when it is removed, and at
 * shutdown), so that nothing keeps it alive. */
void barged_job_unexport (BargedJob *self);
/* Puts the job in GetManagedObjects' answer (see barged-job.c). */
void barged_job_list (BargedJob *self);
/* Stores the job; @callback runs once it is committed. */
void barged_job_save (BargedJob *self, GAsyncReadyCallback callback, gpointer user_data);
gboolean barged_job_save_finish (BargedJob *self, GAsyncResult *res, GError **error);

/* For the scheduler: moves a queued job to connecting and starts its next file. */
void barged_job_start (BargedJob *self);
/* For the scheduler: a running job goes back to queued (pre-emption). */
void barged_job_requeue (BargedJob *self);
/* Cancel(): deletes the temporary files and ends the job in "cancelled".
 * Answers @invocation, or with NULL is the daemon's own decision (the
 * inactivity reaper). */
void barged_job_cancel (BargedJob *self, GDBusMethodInvocation *invocation);
/* For BargedNetwork: a running job stops with NetworkDisconnected in
 * transient-error, without counting an error or arming a retry; release
 * queues it again. */
void barged_job_hold_for_network (BargedJob *self);
gboolean barged_job_is_held_for_network (BargedJob *self);
void barged_job_release_network_hold (BargedJob *self);
/* A job waiting in transient-error for its retry delay goes to queued now. */
void barged_job_retry_now (BargedJob *self);

/* Signals: "removed" (const char *final_state) once the job reached a final
 * state and left the bus; "scheduling-changed" when the state or priority
 * changed in a way the scheduler must look at. */

G_END_DECLS
