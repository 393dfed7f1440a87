/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "barged-file.h"
#include "barged-job.h"
#include "barged-notify.h"
#include "barged-transfer.h"
#include "barged-upload.h"

G_BEGIN_DECLS

/* Shared by barged-job.c (the job itself) and barged-job-methods.c (its
 * D-Bus method handlers and property writes). */
struct _BargedJob
{
  BargeDBusJobSkeleton parent_instance;

  BargedJobContext ctx;
  char *id;
  char *path;
  guint32 owner;
  BargeJobType type;
  BargeJobState state;
  gint64 created;
  gint64 modified;
  gint64 completed;
  guint error_count;
  GError *error;              /* the current error, BARGE_ERROR domain */
  gint error_file;            /* index, or -1 */
  gint64 first_transient_error;
  gint64 retry_at;            /* wall clock µs of the pending retry, 0 = none */
  guint http_status;          /* of the current error */
  gint64 download_time_used;  /* µs spent connecting or transferring */
  gint64 running_since;       /* monotonic µs, 0 = not running */
  guint max_time_source;
  BargedNotifyFlags notify_flags;
  guint notify_source;        /* a rerun of the notify program */
  gboolean notify_on_export;  /* restored in a state that runs it again */

  GPtrArray *files;           /* BargedFile */
  GHashTable *destinations;   /* _barged_job_destination_keys() of every file */
  guint64 quota_files;        /* what the job is charged in ctx.quota */
  guint64 quota_bytes;
  BargeDBusObjectSkeleton *object;
  GPtrArray *file_objects;    /* BargeDBusObjectSkeleton, parallel to files */

  BargedTransfer *transfer;   /* the file in flight, until its run ends */
  BargedUpload *upload;       /* "upload" and "upload-reply" jobs only */
  GCancellable *cancellable;
  GCancellable *probe_cancellable;  /* HEAD requests for sizes, beside the transfer */
  gboolean start_pending;     /* started while the last run was still winding down */
  guint retry_source;
  guint publish_source;
  guint modified_source;     /* a Modified signal is due */
  gint64 last_publish;
  gboolean removed;
};

/* barged-job.c */
void _barged_job_emit_scheduling_changed (BargedJob *self);
/* Every change of the job passes here; emits Modified, coalesced. */
void _barged_job_touch (BargedJob *self);
GVariant *_barged_job_compute_progress (BargedJob *self);
/* Publishes Progress at once, bypassing the coalescing. */
void _barged_job_publish_now (BargedJob *self);
void _barged_job_set_state (BargedJob *self, BargeJobState state);
void _barged_job_stop_transfer (BargedJob *self);
void _barged_job_max_time_account (BargedJob *self);
void _barged_job_max_time_arm (BargedJob *self);
void _barged_job_update_files_property (BargedJob *self);
/* Appends a new file (its index is the number of files so far), exports
 * it and charges it to the owner's quota. */
void _barged_job_add_file (BargedJob *self, BargedFile *file);
/* The keys under which a destination is known: its normal path, and its
 * folder's identity with its name (NULL when the folder is not known). */
void _barged_job_destination_keys (const char *path, const BargedFileId *folder,
                                   char **by_path, char **by_folder);
gboolean _barged_job_has_destination (BargedJob *self, const char *key);
/* Whether the owner's quota takes these files ([Jobs] MaxFilesPerUser,
 * MaxMetadataPerUser). */
gboolean _barged_job_check_quota (BargedJob *self, const char * const *urls, const char * const *paths,
                                  GError **error);
/* TakeOwnership: the job's charges move to @new_owner. */
void _barged_job_move_quota (BargedJob *self, guint32 new_owner);
/* Leaves the bus in a final state. */
void _barged_job_remove_job (BargedJob *self, BargeJobState final_state);

/* barged-job-methods.c */
void _barged_job_iface_init (BargeDBusJobIface *iface);
GDBusInterfaceVTable *_barged_job_get_vtable (GDBusInterfaceSkeleton *skeleton);

G_END_DECLS
