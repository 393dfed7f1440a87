/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

#include "barge.h"
#include "barged-config.h"
#include "barged-connections.h"
#include "barged-credentials.h"
#include "barged-file.h"
#include "barged-notifier.h"
#include "barged-quota.h"
#include "barged-store.h"
#include "barged-bandwidth.h"
#include "barged-clock.h"
#include "barged-revocation.h"
#include "barged-sessions.h"
#include "barged-syncer.h"

G_BEGIN_DECLS

#define BARGED_TYPE_JOB (barged_job_get_type ())
G_DECLARE_FINAL_TYPE (BargedJob, barged_job, BARGED, JOB, GObject)

/* One job of the engine: its BITS state machine, its files, its settings,
 * its runs (downloads through BargedTransfer, uploads through BargedUpload),
 * its retries and its record in the store. A plain GObject with typed
 * state (libbarge's enums, the one vocabulary of the tree): it knows
 * nothing of D-Bus, who calls it, or how its state is shown; the bus face
 * (bus/barged-bus-job.c) maps its property notifications to D-Bus.
 *
 * Every call of this API is made on the main thread. */

/* What every job shares. */
typedef struct {
  BargedStore *store;
  SoupSession *session;
  SoupSession *background_session; /* of jobs not in the foreground; NULL: session */
  BargedSessions *sessions;   /* makes the sessions of jobs with a proxy of their own; NULL: a private one,
                               * made when needed */
  BargedCredentials *credentials;
  BargedQuota *quota;         /* NULL: a private one (unit tests) */
  BargedConfig *config;       /* NULL: a private one with the defaults */
  BargedConnections *connections; /* NULL: a private one */
  BargedSyncer *syncer;       /* NULL: a private one */
  BargedBandwidth *background_bandwidth; /* what background jobs share; NULL: a private one */
  BargedClock *clock;         /* the wall clock in local time; NULL: a private one */
  BargedRevocation *revocation; /* the revocation lists of "check-revocation"; NULL: a private one */
  BargedNotifier *notifier;   /* runs the notify programs; NULL: a private one */
} BargedJobContext;

/* @dest holds references to what @src names, and private defaults for
 * what it leaves NULL; barged_job_context_clear() drops them. */
void barged_job_context_copy (BargedJobContext *dest, const BargedJobContext *src);
void barged_job_context_clear (BargedJobContext *ctx);

/* Limits from bits.md. */
#define BARGED_MAX_DISPLAY_NAME 256
#define BARGED_MAX_DESCRIPTION 1024
#define BARGED_MIN_RETRY_DELAY 5
#define BARGED_DEFAULT_RETRY_DELAY 600
#define BARGED_DEFAULT_NO_PROGRESS_TIMEOUT 1209600
#define BARGED_DEFAULT_MAXIMUM_DOWNLOAD_TIME 7776000
#define BARGED_DEFAULT_NOTIFICATION_INTERVAL 500

/* What CreateJob asks for. */
typedef struct {
  BargeJobType type;
  const char *display_name;
  const char *description;
  BargeJobPriority priority;
  BargeCostPolicy cost_policy;
  BargeUploadProtocol upload_protocol;  /* NONE for downloads */
  guint64 bandwidth_limit;              /* bytes/s, 0 = none */
  gboolean keep_awake;                  /* foreground jobs only */
  /* Last, after the fields positional initializers in unit tests give: */
  gint64 not_before;                    /* Unix s UTC, 0 = none; in the past: refused */
  const char *transfer_window;          /* "HH:MM-HH:MM" local time; NULL or "" = always */
  guint64 size_hint;                    /* bytes expected in all, 0 = none */
  guint max_segments;                   /* 0 = automatic, else 1..BARGED_MAX_SEGMENTS */
  GVariant *custom_headers;             /* a(ss) or NULL, as for barged_job_set_custom_headers() */
  BargeRedirectPolicy redirect_policy;  /* downloads only; ALLOW (0) is the default */
  gboolean allow_https_to_http;         /* downloads only */
  BargeProxyUsage proxy_usage;          /* SYSTEM (0) is the default */
  const char * const *proxy_list;       /* or NULL; as for barged_job_set_proxy_settings() */
  const char * const *proxy_bypass;     /* or NULL */
  GVariant *tls_options;                /* a{sv} or NULL: as for barged_job_set_tls_options_async(); the
                                         * engine applies them before the job is announced */
} BargedJobSpec;

/* The largest SizeHint accepted: 2^53 bytes (8 PiB), which a double (the
 * number of JavaScript clients) still holds exactly. */
#define BARGED_MAX_SIZE_HINT (G_GUINT64_CONSTANT (1) << 53)

/* MaxSegments: the most connections one file of a job may use at once
 * (segmented download); 0 is automatic: BARGED_AUTO_SEGMENTS for a
 * foreground job, 1 (unsegmented) for a background one. */
#define BARGED_MAX_SEGMENTS 16
#define BARGED_AUTO_SEGMENTS 4

/* Checks @spec (texts, an upload protocol for uploads and only for them),
 * then makes a job of @owner in "suspended" with a new random id. */
BargedJob *barged_job_new (const BargedJobContext *ctx, guint32 owner, guint32 umask,
                           const BargedJobSpec *spec, GError **error);
/* Rebuilds a job from the store; @files holds its BargedFileRecord*. */
BargedJob *barged_job_new_from_record (const BargedJobContext *ctx,
                                       const BargedJobRecord *record,
                                       GPtrArray *files);

/* Validates a job id given by a client: a UUID with or without dashes.
 * Returns the canonical form (with dashes, lower case) or NULL. */
char *barged_job_normalize_id (const char *id);
/* The 32 hex digits of @id without dashes (its object path element). */
char *barged_job_id_to_hex (const char *id);

/* --- what the job is ------------------------------------------------------ */

const char *barged_job_get_job_id (BargedJob *self);
guint32 barged_job_get_owner_uid (BargedJob *self);
BargeJobType barged_job_get_job_type (BargedJob *self);
BargeJobState barged_job_get_job_state (BargedJob *self);
BargeJobPriority barged_job_get_job_priority (BargedJob *self);
const char *barged_job_get_display_name (BargedJob *self);
const char *barged_job_get_description (BargedJob *self);
BargeCostPolicy barged_job_get_cost_policy (BargedJob *self);
guint64 barged_job_get_bandwidth_limit (BargedJob *self);
/* KeepAwake, given at CreateJob and kept: it takes effect (a block
 * inhibitor, barged-sleep.h) only while the job is in the foreground and
 * running; a lower priority sets it aside until the job is foreground again. */
gboolean barged_job_get_keep_awake (BargedJob *self);
/* SizeHint: the bytes the client expects the job to move, 0 for none. */
guint64 barged_job_get_size_hint (BargedJob *self);
/* What the job is expected to move still: its hint (or its known total,
 * when larger) less what it moved; BARGE_SIZE_UNKNOWN without a hint. */
guint64 barged_job_get_expected_remaining (BargedJob *self);
guint barged_job_get_max_segments (BargedJob *self);
/* RedirectPolicy and AllowHttpsToHttp: what a download does with a
 * redirect (barged-request.h applies them). An upload never follows one:
 * anything but the defaults is NotSupported there. */
BargeRedirectPolicy barged_job_get_redirect_policy (BargedJob *self);
gboolean barged_job_get_allow_https_to_http (BargedJob *self);
gboolean barged_job_set_redirect_policy (BargedJob *self, BargeRedirectPolicy policy, GError **error);
gboolean barged_job_set_allow_https_to_http (BargedJob *self, gboolean allow, GError **error);
/* TlsCaFile, TlsCrlFile and TlsClientCertificate ("" for none), TlsIgnore
 * (names). SetTlsOptions: @options "ca-file" (s: an absolute path, "" for
 * none), "crl-file" (s: the same, of the CA's revocation lists),
 * "ignore" (as: "expired", "wrong-host": faults forgiven in a certificate
 * of the CA file) and "client-certificate" (s: an absolute path to a PEM
 * file with the certificate and its key, or a pkcs11: URI; "" for none),
 * a key left out keeping its value; crl-file and ignore need a ca-file.
 * The files are read as the owner, now and at each start after a restart
 * (never stored: a key stays in its file); nothing changes unless all of
 * it holds. Download jobs only. */
const char *barged_job_get_tls_ca_file (BargedJob *self);
const char *barged_job_get_tls_crl_file (BargedJob *self);
char **barged_job_dup_tls_ignore (BargedJob *self);
gboolean barged_job_get_tls_check_revocation (BargedJob *self);
const char *barged_job_get_tls_client_certificate (BargedJob *self);

/* ProxyUsage, ProxyList, ProxyBypassList (BITS SetProxySettings):
 * "system" (the daemon's settings), "none" (direct), or "override" with
 * 1 to BARGED_MAX_PROXIES proxies (SCHEME://HOST:PORT, tried in order) and
 * up to BARGED_MAX_PROXY_BYPASS hosts, domains, addresses or ranges that
 * go direct; the lists must be empty unless "override". A job with a
 * proxy of its own has an HTTP session of its own (libsoup keeps the
 * proxy per session). Requests started after the call use them. */
#define BARGED_MAX_PROXIES 8
#define BARGED_MAX_PROXY_BYPASS 64
#define BARGED_PROXY_URL_FORMS "SCHEME://HOST:PORT with SCHEME http, https, socks, socks4, socks4a or socks5 " \
  "(at most 255 bytes; no user name: proxy credentials go through SetCredentials)"
/* One proxy URL, one bypass list: BARGED_PROXY_URL_FORMS; the list's
 * limits, with an InvalidArgument error that names the bad entry by its
 * position and never echoes it. */
gboolean barged_proxy_url_check (const char *url);
gboolean barged_proxy_bypass_check (const char * const *bypass, GError **error);
BargeProxyUsage barged_job_get_proxy_usage (BargedJob *self);
const char * const *barged_job_get_proxy_list (BargedJob *self);
const char * const *barged_job_get_proxy_bypass_list (BargedJob *self);
gboolean barged_job_set_proxy_settings (BargedJob *self, BargeProxyUsage usage, const char * const *proxies,
                                        const char * const *bypass, GError **error);
void barged_job_set_tls_options_async (BargedJob *self, GVariant *options, GAsyncReadyCallback callback,
                                       gpointer user_data);
gboolean barged_job_set_tls_options_finish (BargedJob *self, GAsyncResult *res, GError **error);
/* What of SetTlsOptions' @options needs no file: the keys and types, the
 * paths' form, the ignore flags, a CRL or ignore only with a CA. FALSE
 * with InvalidArgument, as barged_job_set_tls_options_async() says it:
 * for CreateJob's "tls-options", refused before the job is built. */
gboolean barged_job_check_tls_options (GVariant *options, GError **error);
/* How many ranges a file of the job may have ([Jobs] MaxRangesPerFile). */
guint barged_job_get_max_ranges_per_file (BargedJob *self);
/* What MaxSegments means now, with the job's priority. */
guint barged_job_get_effective_max_segments (BargedJob *self);
BargeNotifyFlags barged_job_get_notify_flags (BargedJob *self);
/* "" and no arguments: no program. */
const char *barged_job_get_notify_program (BargedJob *self);
const char * const *barged_job_get_notify_arguments (BargedJob *self);
guint barged_job_get_minimum_retry_delay (BargedJob *self);
guint barged_job_get_no_progress_timeout (BargedJob *self);
guint barged_job_get_minimum_notification_interval (BargedJob *self);
guint barged_job_get_maximum_download_time (BargedJob *self);
/* Wall clock µs; 0 = not yet. */
gint64 barged_job_get_created (BargedJob *self);
gint64 barged_job_get_modified (BargedJob *self);
gint64 barged_job_get_completed (BargedJob *self);
guint barged_job_get_error_count (BargedJob *self);
/* The current error (BARGE_ERROR domain), or NULL; the index of the file
 * it is about (-1: none); the HTTP status that caused it (0: none). */
const GError *barged_job_get_error (BargedJob *self);
gint barged_job_get_error_file (BargedJob *self);
guint barged_job_get_http_status (BargedJob *self);
/* Why a job that does not transfer waits: computed in one place from the
 * state, the retry timer and the network's verdict. */
BargeHoldReason barged_job_get_hold_reason (BargedJob *self);
/* NotBefore: Unix seconds UTC, 0 = none. */
gint64 barged_job_get_not_before (BargedJob *self);
/* TransferWindow: "HH:MM-HH:MM" in local time, "" = always. */
const char *barged_job_get_transfer_window (BargedJob *self);
/* What the job's time policy says now (barged-job-times.c): NONE, or
 * NOT_BEFORE or OUTSIDE_WINDOW; the scheduler starts no job it holds and
 * sends a running one back to the queue. Kept up to date by timers. */
BargeHoldReason barged_job_get_time_hold (BargedJob *self);
BargeUploadProtocol barged_job_get_upload_protocol (BargedJob *self);
/* "" for none (or a download job). */
const char *barged_job_get_reply_file_name (BargedJob *self);
void barged_job_get_reply_progress (BargedJob *self, guint64 *total, guint64 *received);

typedef struct {
  guint64 bytes_total;        /* BARGE_SIZE_UNKNOWN while any file's is */
  guint64 bytes_done;
  guint64 files_total;
  guint64 files_done;
} BargedJobProgress;

/* O(1): kept up to date as the files move. */
void barged_job_get_progress (BargedJob *self, BargedJobProgress *progress);

guint barged_job_get_n_files (BargedJob *self);
BargedFile *barged_job_get_file (BargedJob *self, guint index);
/* Target and scheme of each credential; never a secret. */
GVariant *barged_job_dup_credentials (BargedJob *self);
/* SetCustomHeaders: @headers (a(ss)) replace the job's, for every request
 * sent from now on; checked first (barged-custom-headers.h), an invalid
 * one changes nothing. InvalidState in a final state. Finishes once the
 * private file has them. */
void barged_job_set_custom_headers_async (BargedJob *self, GVariant *headers, GAsyncReadyCallback callback,
                                          gpointer user_data);
gboolean barged_job_set_custom_headers_finish (BargedJob *self, GAsyncResult *res, GError **error);
/* a(ss) with the values, for GetCustomHeaders (a reference; AccessDenied
 * once they are write-only); "as" of the names alone for the property
 * (floating, as the other getters). */
GVariant *barged_job_dup_custom_headers (BargedJob *self, GError **error);
GVariant *barged_job_dup_custom_header_names (BargedJob *self);
/* CustomHeadersWriteOnly, MakeCustomHeadersWriteOnly (BITS
 * IBackgroundCopyJobHttpOptions3): from then on GetCustomHeaders refuses
 * to return the values, for good (SetCustomHeaders still replaces them).
 * InvalidState in a final state. */
gboolean barged_job_get_custom_headers_write_only (BargedJob *self);
gboolean barged_job_make_custom_headers_write_only (BargedJob *self, GError **error);

/* Queued or moving bytes, or waiting to retry: the daemon must stay up. */
gboolean barged_job_is_active (BargedJob *self);
/* Connecting or transferring: holds a scheduler slot. */
gboolean barged_job_is_running (BargedJob *self);
/* Transfers of a stopped run still wind down (their last bytes synced). */
gboolean barged_job_has_runs_in_flight (BargedJob *self);
/* The URL of the file the job transfers next, or NULL (the scheduler's
 * per-host caps look at it). */
const char *barged_job_get_current_url (BargedJob *self);
/* Whether the job has left for good (cancelled or acknowledged). */
gboolean barged_job_is_removed (BargedJob *self);

/* --- what a client may change ----------------------------------------------
 * Each checks the state machine and the value, changes it, stores the job,
 * or fails with a typed error and changes nothing. */

gboolean barged_job_set_display_name (BargedJob *self, const char *text, GError **error);
gboolean barged_job_set_description (BargedJob *self, const char *text, GError **error);
gboolean barged_job_set_priority (BargedJob *self, BargeJobPriority priority, GError **error);
gboolean barged_job_set_cost_policy (BargedJob *self, BargeCostPolicy policy, GError **error);
/* 0 (none) or BARGED_BANDWIDTH_MIN to BARGED_BANDWIDTH_MAX bytes per second,
 * else INVALID_ARGUMENT; applies at once to the transfers in flight. */
gboolean barged_job_set_bandwidth_limit (BargedJob *self, guint64 limit, GError **error);
gboolean barged_job_set_max_segments (BargedJob *self, guint max_segments, GError **error);
/* 0 (none) or a time not in the past, else INVALID_ARGUMENT. */
gboolean barged_job_set_not_before (BargedJob *self, gint64 unix_seconds, GError **error);
/* "" (always) or "HH:MM-HH:MM" with the end not equal to the start, else
 * INVALID_ARGUMENT. */
gboolean barged_job_set_transfer_window (BargedJob *self, const char *window, GError **error);
/* 0 (none) to BARGED_MAX_SIZE_HINT bytes, else INVALID_ARGUMENT; the
 * scheduler orders queued jobs of one priority by it. */
gboolean barged_job_set_size_hint (BargedJob *self, guint64 bytes, GError **error);
gboolean barged_job_set_notify_flags (BargedJob *self, BargeNotifyFlags flags, GError **error);
gboolean barged_job_set_notify_command_line (BargedJob *self, const char *program, const char * const *args,
                                             GError **error);
gboolean barged_job_set_minimum_retry_delay (BargedJob *self, guint seconds, GError **error);
gboolean barged_job_set_no_progress_timeout (BargedJob *self, guint seconds, GError **error);
gboolean barged_job_set_minimum_notification_interval (BargedJob *self, guint ms, GError **error);
gboolean barged_job_set_maximum_download_time (BargedJob *self, guint seconds, GError **error);
gboolean barged_job_set_reply_file_name (BargedJob *self, const char *path, GError **error);

gboolean barged_job_resume (BargedJob *self, GError **error);
gboolean barged_job_suspend (BargedJob *self, GError **error);

/* Adds files as AddFiles does: all or none, each destination checked as the
 * owner off the main loop; finishes once they are stored. @checks (NULL:
 * none) holds one BargedFileChecks per file (AddFileWithOptions); a
 * download's only: NotSupported for an upload. */
void barged_job_add_files_async (BargedJob *self, const char * const *urls, const char * const *paths,
                                 const BargedFileChecks *checks, GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean barged_job_add_files_finish (BargedJob *self, GAsyncResult *res, GError **error);

/* Complete(): moves the transferred files into place as the owner, then
 * the job leaves ("acknowledged"). On failure the job stays. */
void barged_job_complete_async (BargedJob *self, GAsyncReadyCallback callback, gpointer user_data);
gboolean barged_job_complete_finish (BargedJob *self, GAsyncResult *res, GError **error);
/* Cancel(): deletes the temporary files and the job leaves ("cancelled").
 * Also the daemon's own decision (the inactivity reaper). */
void barged_job_cancel_async (BargedJob *self, GAsyncReadyCallback callback, gpointer user_data);
gboolean barged_job_cancel_finish (BargedJob *self, GAsyncResult *res, GError **error);

/* TakeOwnership(): @uid becomes the owner (with @umask); BITS drops the
 * old owner's credentials and notify command line. */
gboolean barged_job_take_ownership (BargedJob *self, guint32 uid, guint32 umask, GError **error);

/* SetCredentials/RemoveCredentials: finish once the secret store has the
 * change. */
void barged_job_set_credentials_async (BargedJob *self, BargeCredentialsTarget target, BargeAuthScheme scheme,
                                       const char *user_name, const char *password,
                                       GAsyncReadyCallback callback, gpointer user_data);
void barged_job_remove_credentials_async (BargedJob *self, BargeCredentialsTarget target,
                                          BargeAuthScheme scheme,
                                          GAsyncReadyCallback callback, gpointer user_data);
gboolean barged_job_credentials_finish (BargedJob *self, GAsyncResult *res, GError **error);

/* GetReplyData(): the reply of an upload-reply job, at most 1 MiB. */
void barged_job_get_reply_data_async (BargedJob *self, GAsyncReadyCallback callback, gpointer user_data);
GBytes *barged_job_get_reply_data_finish (BargedJob *self, GAsyncResult *res, GError **error);

/* --- what the engine does with it ------------------------------------------- */

/* Stores the job; @callback (nullable) runs once it is committed. */
void barged_job_save (BargedJob *self, GAsyncReadyCallback callback, gpointer user_data);
/* A save that waits behind another (barged_job_save() coalesces those
 * nobody waits on) goes to the store now: for a clean stop
 * (barged_engine_save_pending()). */
void barged_job_save_pending (BargedJob *self);
gboolean barged_job_save_finish (BargedJob *self, GAsyncResult *res, GError **error);

/* For the scheduler: a queued job starts (connecting, its next file). */
void barged_job_start (BargedJob *self);
/* For the scheduler: a running job goes back to queued (pre-emption). */
void barged_job_requeue (BargedJob *self);
/* The network's verdict on a queued job: NONE (admitted), NO_NETWORK or
 * METERED_NETWORK; part of its HoldReason. */
void barged_job_set_network_hold (BargedJob *self, BargeHoldReason reason);
/* Network loss is not the job's failure: a running job stops in
 * transient-error with NetworkDisconnected, without counting an error or
 * arming a retry; release queues it again. */
void barged_job_hold_for_network (BargedJob *self);
gboolean barged_job_is_held_for_network (BargedJob *self);
void barged_job_release_network_hold (BargedJob *self);
/* Whether the job waits to retry after a transport failure (the network's
 * return makes it retry at once). */
gboolean barged_job_failed_in_transport (BargedJob *self);
/* A job waiting in transient-error for its retry delay goes to queued now. */
void barged_job_retry_now (BargedJob *self);
/* The retry timer is monotonic, and that clock stands still while the
 * machine sleeps: after a wake-up it is armed again for the wall-clock
 * moment the retry was due (a retry due during the night comes at once). */
void barged_job_rearm_retry (BargedJob *self);
/* Before the machine sleeps: finishes once the runs of the job (stopped
 * by the caller) have wound down, their last bytes synced and their
 * offsets recorded, and the job's record committed after them; what a
 * normal stop records, and what a resume after the night starts from. */
void barged_job_checkpoint_async (BargedJob *self, GAsyncReadyCallback callback, gpointer user_data);
gboolean barged_job_checkpoint_finish (BargedJob *self, GAsyncResult *res, GError **error);
/* At start-up, once the job is where clients can see it: BITS runs the
 * notify program of a job still "transferred" or "error" again. */
void barged_job_announce_restored (BargedJob *self);

/* The job's GObject properties: each is notified when what it names
 * changed (pspec->param_id is the value here), and the typed getters above
 * give the values; the bus face maps them to D-Bus properties. */
typedef enum {
  BARGED_JOB_PROP_0,
  BARGED_JOB_PROP_STATE,
  BARGED_JOB_PROP_OWNER,
  BARGED_JOB_PROP_DISPLAY_NAME,
  BARGED_JOB_PROP_DESCRIPTION,
  BARGED_JOB_PROP_PRIORITY,
  BARGED_JOB_PROP_COST_POLICY,
  BARGED_JOB_PROP_BANDWIDTH_LIMIT,
  BARGED_JOB_PROP_NOT_BEFORE,
  BARGED_JOB_PROP_TRANSFER_WINDOW,
  BARGED_JOB_PROP_SIZE_HINT,
  BARGED_JOB_PROP_NOTIFY_FLAGS,
  BARGED_JOB_PROP_NOTIFY_COMMAND_LINE,
  BARGED_JOB_PROP_MINIMUM_RETRY_DELAY,
  BARGED_JOB_PROP_NO_PROGRESS_TIMEOUT,
  BARGED_JOB_PROP_MINIMUM_NOTIFICATION_INTERVAL,
  BARGED_JOB_PROP_MAXIMUM_DOWNLOAD_TIME,
  BARGED_JOB_PROP_TIMES,
  BARGED_JOB_PROP_ERROR,       /* Error, HttpStatus and ErrorCount */
  BARGED_JOB_PROP_HOLD_REASON,
  BARGED_JOB_PROP_PROGRESS,
  BARGED_JOB_PROP_REPLY_PROGRESS,
  BARGED_JOB_PROP_REPLY_FILE_NAME,
  BARGED_JOB_PROP_CREDENTIALS,
  BARGED_JOB_PROP_FILES,
  BARGED_JOB_PROP_MAX_SEGMENTS,
  BARGED_JOB_PROP_CUSTOM_HEADERS,
  BARGED_JOB_PROP_REDIRECT_POLICY,  /* RedirectPolicy and AllowHttpsToHttp */
  BARGED_JOB_PROP_TLS,              /* TlsCaFile, TlsCrlFile, TlsIgnore and TlsClientCertificate */
  BARGED_JOB_PROP_PROXY,            /* ProxyUsage, ProxyList and ProxyBypassList */
  BARGED_JOB_N_PROPS
} BargedJobProp;

/* Signals:
 * "removed" (const char *final_state): the job reached a final state and
 *   left; "scheduling-changed": the scheduler must look at it;
 * "transferred", "failed": the announcements BITS makes for NotifyFlags
 *   (the notify program runs instead when there is one);
 * "file-added" (BargedFile *); "file-transferred" (BargedFile *).
 */

G_END_DECLS
