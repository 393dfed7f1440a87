/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "barged-file.h"
#include "barged-job.h"
#include "barged-probe.h"
#include "barged-tls.h"
#include "barged-transfer.h"
#include "barged-upload.h"
#include "barged-window.h"

G_BEGIN_DECLS

typedef struct {
  guint64 total;
  guint64 done;
  gboolean transferred;
} BargedJobShare;

/* Shared by the files of BargedJob: barged-job.c (state, settings,
 * lifetime), barged-job-run.c (transfers, retries, notifications),
 * barged-job-ops.c (the operations clients ask for) and barged-job-record.c
 * (the store's record). */
struct _BargedJob
{
  GObject parent_instance;

  BargedJobContext ctx;
  char *id;
  guint32 owner;
  BargeJobType type;
  BargeJobState state;

  /* What clients set. */
  char *display_name;
  char *description;
  BargeJobPriority priority;
  BargeCostPolicy cost_policy;
  BargeNotifyFlags notify_flags;
  char *notify_program;       /* "" = none */
  GStrv notify_args;
  guint minimum_retry_delay;  /* s */
  guint no_progress_timeout;  /* s */
  guint notification_interval; /* ms */
  guint maximum_download_time; /* s, 0 = no limit */

  gint64 created;             /* wall clock µs */
  gint64 modified;
  gint64 completed;
  guint error_count;
  GError *error;              /* the current error, BARGE_ERROR domain */
  gint error_file;            /* index, or -1 */
  guint http_status;          /* that caused the current error, 0 = none */
  gint64 first_transient_error;
  gint64 retry_at;            /* wall clock µs of the pending retry, 0 = none */
  gint64 download_time_used;  /* µs spent connecting or transferring */
  gint64 running_since;       /* monotonic µs, 0 = not running */
  BargeHoldReason network_hold; /* the network's verdict on a queued job */
  /* The time policy (barged-job-times.c). */
  gint64 not_before;          /* NotBefore: Unix s UTC, 0 = none */
  char *window_text;          /* TransferWindow, canonical; "" = always */
  BargedWindow window_span;   /* its start and end, when window_text is not "" */
  BargeHoldReason time_hold;  /* what they said when the clock was last read */
  guint time_source;          /* wakes at the next moment they may change */
  gulong clock_handler;
  gboolean notify_on_restore; /* restored in a state that runs the program again */

  GPtrArray *files;           /* BargedFile */
  GHashTable *destinations;   /* _barged_job_destination_keys() of every file */
  GArray *shares;             /* BargedJobShare per file: its part of the sums */
  guint64 sum_total;          /* of the sizes known */
  guint n_unknown;            /* files whose size is not known */
  guint64 sum_done;
  guint64 files_done;
  guint next_pending;         /* the first file not transferred (= files->len: none) */
  guint64 quota_files;        /* what the job is charged in ctx.quota */
  guint64 quota_bytes;
  guint64 quota_settings;     /* of quota_bytes: what the settings hold (_barged_job_recharge_settings) */

  GPtrArray *runs;            /* the downloads in flight (barged-job-run.c), until each ends */
  guint next_start;           /* where the search for a file to start goes on */
  GQueue again;               /* 1 + the index of files a server pushed back: started first */
  guint window;               /* files run at once, at most */
  gint64 window_cut;          /* monotonic µs: when a push-back last halved it */
  gboolean served;            /* a file of this job came whole since the daemon started */
  guint lone_push_backs;      /* push-backs of a file alone since a file last came whole */
  GError *push_back_error;    /* the last push-back, for the job's error if it waits it out */
  guint push_back_status;
  BargedBandwidth *bandwidth; /* the job's BandwidthLimit (its rate), under the background one */
  guint n_flushing;           /* runs whose bodies are in, waiting for the syncer (connection given back) */
  guint n_recording;          /* downloads done whose "transferred" record is on its way */
  guint n_transferred_here;   /* files this daemon transferred, and how many were small: */
  guint n_small_here;         /* whether HEAD size probes are worth it (barged-job-run.c) */
  BargedUpload *upload;       /* "upload" and "upload-reply" jobs only */
  GCancellable *cancellable;  /* of the runs; cancelled: they wind down */
  BargedAuthAnswers *answers; /* of a download's runs, made with the cancellable */
  GCancellable *probe_cancellable;  /* HEAD requests for sizes, beside the transfer */
  gboolean start_pending;     /* started while the last run was still winding down */
  gboolean finishing;         /* every file is in: waiting for the store before "transferred" */
  guint retry_source;
  guint max_time_source;
  guint notify_source;        /* a rerun of the notify program */
  gboolean busy;              /* Complete or Cancel moves its files: no other call */
  guint max_segments;         /* MaxSegments, 0 = automatic */
  BargeRedirectPolicy redirect_policy;
  gboolean allow_https_to_http;
  gboolean headers_write_only; /* CustomHeadersWriteOnly: GetCustomHeaders refuses, for good */
  BargeProxyUsage proxy_usage; /* ProxyUsage, ProxyList, ProxyBypassList (barged-job-proxy.c) */
  char **proxy_list;          /* NULL unless "override" */
  char **proxy_bypass;        /* NULL unless "override" */
  SoupSession *own_session;   /* for a proxy or TLS options of its own: made at the first request, dropped
                               * on a change */
  gboolean own_session_background; /* which kind own_session is */
  BargedTls *own_session_tls; /* the TLS options own_session is for (a reference), or NULL */
  char *tls_ca_file;          /* TlsCaFile: an absolute path, or NULL */
  char *tls_client_certificate; /* TlsClientCertificate: a path or a pkcs11: URI, or NULL */
  char *tls_crl_file;         /* TlsCrlFile: an absolute path, or NULL (only with a CA file) */
  GTlsCertificateFlags tls_ignore; /* TlsIgnore: BARGED_TLS_IGNORABLE (only with a CA file) */
  gboolean tls_check_revocation; /* TlsCheckRevocation: the system's chains pass their CRLs */
  BargedTls *tls;             /* what they hold, read as the owner; NULL until read (barged-job-tls.c) */
  guint32 tls_owner;          /* whom tls was read as: after TakeOwnership, a start reads the files again */
  GCancellable *tls_cancellable; /* the reading at a start */
  guint tls_generation;       /* of that reading: a later start makes an earlier one moot */
  gboolean keep_awake;        /* KeepAwake: a block inhibitor while in the foreground and running */
  guint64 size_hint;          /* SizeHint, bytes; 0 = none */
  GPtrArray *checkpoints;     /* GTask of barged_job_checkpoint_async, waiting for the runs to end */
  gboolean removed;
  gboolean saving;            /* a save nobody waits on is in the store's queue (barged_job_save()) */
  gboolean save_again;        /* and the job changed since it was made */
};

enum {
  BARGED_JOB_SIGNAL_REMOVED,
  BARGED_JOB_SIGNAL_SCHEDULING_CHANGED,
  BARGED_JOB_SIGNAL_TRANSFERRED,
  BARGED_JOB_SIGNAL_FAILED,
  BARGED_JOB_SIGNAL_FILE_ADDED,
  BARGED_JOB_SIGNAL_FILE_TRANSFERRED,
  BARGED_JOB_N_SIGNALS
};
extern guint _barged_job_signals[BARGED_JOB_N_SIGNALS];

extern GParamSpec *_barged_job_properties[BARGED_JOB_N_PROPS];

/* barged-job.c */
void _barged_job_notify (BargedJob *self, BargedJobProp prop);
/* Every change of the job passes here: the modification time ("times";
 * the bus face sends Modified from it). */
void _barged_job_touch (BargedJob *self);
void _barged_job_set_state (BargedJob *self, BargeJobState state);
void _barged_job_stop_transfer (BargedJob *self);
/* Stores the job's record and its files from index @first_file on
 * (files->len: the record alone). */
void _barged_job_save_from (BargedJob *self, guint first_file, GAsyncReadyCallback callback, gpointer user_data);
/* The state machine for a client call (barged-state.h): FALSE with a typed
 * error when the call is not allowed now; *next is the state after it. */
gboolean _barged_job_check_call (BargedJob *self, int call, BargeJobState *next, GError **error);
/* Leaves in a final state: the "removed" handlers run. */
void _barged_job_remove (BargedJob *self, BargeJobState final_state);
const BargedSettings *_barged_job_settings (BargedJob *self);
/* Appends a new file (its index is the number of files so far) and
 * charges it to the owner's quota. */
void _barged_job_add_file (BargedJob *self, BargedFile *file);
/* The keys under which a destination is known: its normal path, and its
 * folder's identity with its name (NULL when the folder is not known). */
void _barged_job_destination_keys (const char *path, const BargedFileId *folder,
                                   char **by_path, char **by_folder);
gboolean _barged_job_has_destination (BargedJob *self, const char *key);
/* Whether the owner's quota takes these files. */
/* @n_ranges: byte ranges the new files hold in all (AddFileWithOptions). */
gboolean _barged_job_check_quota (BargedJob *self, const char * const *urls, const char * const *paths, guint n_ranges,
                                  GError **error);
/* What the job's settings hold is charged to the owner's quota beside
 * its fixed charge and its files: the strings a client gave (the names,
 * the notify command line, the proxy lists, the TLS paths), its
 * credentials and custom headers, and what its TLS files were parsed
 * into. A change from what costs @was_cost to what costs @now_cost
 * asks first whether the quota takes the difference (QuotaExceeded, and
 * nothing changes); every change is then counted again. */
gboolean _barged_job_check_settings_change (BargedJob *self, guint64 was_cost, guint64 now_cost, GError **error);
void _barged_job_recharge_settings (BargedJob *self);
/* The quota bytes of strings (BARGED_QUOTA_STRING_FACTOR per byte). */
guint64 _barged_job_strv_cost (const char * const *strv);
guint64 _barged_job_str_cost (const char *s);
/* The quota bytes of @tls (NULL: none) with the paths that name its files. */
guint64 _barged_job_tls_cost (BargedTls *tls, const char *ca_file, const char *crl_file,
                              const char *client_certificate);
/* Counts @file's part of the job's progress again (it notified "progress"). */
void _barged_job_recount_file (BargedJob *self, BargedFile *file);

/* barged-job-run.c */
/* Files were added: a running job starts them as connections allow. */
void _barged_job_files_added (BargedJob *self);
/* The priority changed: where the job waits for connections. */
void _barged_job_priority_changed (BargedJob *self);
/* barged-job-proxy.c: the HTTP session of the job's requests, by its
 * priority (background jobs' connections are marked lower-effort,
 * barged-request.h) and its proxy (a shared one, or its own). */
SoupSession *_barged_job_session (BargedJob *self);
/* The key the daemon's connection counts and an origin's rest
 * (BargedConnections) go by for a file at @url: its origin, or, for a job
 * whose requests go through a proxy its owner chose, the origin and the
 * job. NULL when @url has no origin. */
char *_barged_job_connection_key (BargedJob *self, const char *url);
/* barged-job.c: saves the job and returns TRUE to @task (taken) once its
 * record is stored (or the store's error): for calls whose reply promises
 * the change survives a crash. */
void _barged_job_save_and_return (BargedJob *self, GTask *task);
/* The checks of SetProxySettings (and of a stored
 * record), and setting them without a save or notification (a restore). */
gboolean _barged_job_check_proxy_settings (BargeProxyUsage usage, const char * const *proxies,
                                           const char * const *bypass, GError **error);
void _barged_job_apply_proxy_settings (BargedJob *self, BargeProxyUsage usage, const char * const *proxies,
                                       const char * const *bypass);
/* The job's bandwidth bucket under the background one, or not, by priority. */
void _barged_job_update_bandwidth (BargedJob *self);
/* The job's settings as the store keeps them (barged-job-record.c). */
char *_barged_job_settings_to_data (BargedJob *self);
void _barged_job_attach_upload (BargedJob *self, BargedUpload *upload);
void _barged_job_fail (BargedJob *self, GError *error, gint file_index, guint http_status, gint64 retry_after);
/* Hands the upload what its requests go with now: the job's session (its
 * proxy, its own connections), custom headers, TLS and credentials. */
void _barged_job_prepare_upload (BargedJob *self);
/* As _barged_job_fail() for a transient @error, but the retry comes when
 * the server said, @retry_after seconds from now, even before
 * MinimumRetryDelay: the job waits out a server's back-off. */
void _barged_job_wait_out (BargedJob *self, GError *error, gint file_index, guint http_status, gint64 retry_after);
void _barged_job_max_time_account (BargedJob *self);
void _barged_job_max_time_arm (BargedJob *self);
void _barged_job_retry_arm (BargedJob *self);
gboolean _barged_job_run_in_flight (BargedJob *self);
gint _barged_job_current_file_index (BargedJob *self);
void _barged_job_save_file (BargedJob *self, BargedFile *file);
/* barged-job-tls.c: the job's TLS options for its requests (NULL: none);
 * whether a start must first read them (a job restored with options), and
 * that reading, which ends in begin or a failure of the job. */
BargedTls *_barged_job_tls (BargedJob *self);
gboolean _barged_job_tls_unread (BargedJob *self);
void _barged_job_read_tls (BargedJob *self, void (*begin) (BargedJob *self));
/* A read of _barged_job_read_tls() is on its way; no file starts meanwhile. */
gboolean _barged_job_tls_reading (BargedJob *self);
/* The job stops: the read in flight is dropped (the next start reads again). */
void _barged_job_stop_tls_read (BargedJob *self);
/* TakeOwnership: the client certificate goes; the rest stays for the run
 * in progress and is read again, as the new owner, at the next start. */
void _barged_job_tls_forget_owner (BargedJob *self);
/* A restored job: a PIN its pkcs11: URI carries (pin-value) is removed;
 * TRUE if so (save the job). */
gboolean _barged_job_tls_drop_stored_pin (BargedJob *self);
/* "transferred" or "error" reached: the signal, or the notify program. */
void _barged_job_announce_final (BargedJob *self);
void _barged_job_clear_timers (BargedJob *self);
/* The runs ended (or the job left): pending checkpoints go on. */
void _barged_job_runs_ended (BargedJob *self);

/* barged-job-ops.c */
/* A GAsyncReadyCallback of a store write whose @user_data is a GTask
 * (taken): returns the write's outcome as the task's boolean. */
void _barged_job_return_store_write (GObject *source, GAsyncResult *res, gpointer user_data);

/* barged-job-times.c */
/* The time policy of a new job, checked (nothing set on failure). */
gboolean _barged_job_times_init (BargedJob *self, gint64 not_before, const char *window, GError **error);
/* The settings as restored from the store: a past NotBefore is no hold. */
void _barged_job_times_restore (BargedJob *self, gint64 not_before, const char *window);
/* Reads the clock: the time hold now, the timer for the next change. */
void _barged_job_times_update (BargedJob *self);
void _barged_job_times_clear (BargedJob *self);

/* barged-job-record.c */
BargedJobRecord *_barged_job_to_record (BargedJob *self);
void _barged_job_apply_record (BargedJob *self, const BargedJobRecord *record);

G_END_DECLS
