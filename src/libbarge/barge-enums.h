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
 * @BARGE_JOB_STATE_TRANSFERRED: every file is transferred; call [method@Barge.Job.complete_async]
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
 *   (up to the daemon's caps on running jobs)
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
 * BargeCostPolicy:
 * @BARGE_COST_POLICY_ANY: transfer on any network (the default)
 * @BARGE_COST_POLICY_UNMETERED: transfer only while the network is not metered
 *
 * On which networks a job may transfer. The nick of each value is the string
 * used on D-Bus.
 */
typedef enum {
  BARGE_COST_POLICY_ANY,
  BARGE_COST_POLICY_UNMETERED,
} BargeCostPolicy;

/**
 * BargeRedirectPolicy:
 * @BARGE_REDIRECT_POLICY_ALLOW: follow redirects (the default; BITS `BG_HTTP_REDIRECT_POLICY_ALLOW_SILENT`)
 * @BARGE_REDIRECT_POLICY_ALLOW_REPORT: follow redirects, and a permanent one (301 or 308) within the
 *   file's origin replaces the file's remote URL (BITS `BG_HTTP_REDIRECT_POLICY_ALLOW_REPORT`)
 * @BARGE_REDIRECT_POLICY_DISALLOW: a redirect is an error of the job, %BARGE_ERROR_REDIRECT_REFUSED
 *   (BITS `BG_HTTP_REDIRECT_POLICY_DISALLOW`)
 *
 * What a download job does when a server redirects it. Whatever the policy, a
 * redirect from https to http is refused unless the job allows it. The nick of
 * each value is the string used on D-Bus.
 *
 * Since: 0.2
 */
typedef enum {
  BARGE_REDIRECT_POLICY_ALLOW,
  BARGE_REDIRECT_POLICY_ALLOW_REPORT,
  BARGE_REDIRECT_POLICY_DISALLOW,
} BargeRedirectPolicy;

/**
 * BargeProxyUsage:
 * @BARGE_PROXY_USAGE_SYSTEM: the daemon's proxy settings (the default: `[Transfer] Proxy` of
 *   barge.conf, or the system's; BITS `BG_JOB_PROXY_USAGE_PRECONFIG`, `_AUTODETECT`)
 * @BARGE_PROXY_USAGE_NONE: connect directly, whatever the daemon's settings (BITS
 *   `BG_JOB_PROXY_USAGE_NO_PROXY`)
 * @BARGE_PROXY_USAGE_OVERRIDE: the job's own list of proxies and of hosts that bypass them (BITS
 *   `BG_JOB_PROXY_USAGE_OVERRIDE`)
 *
 * Which proxy a job's requests go through. The nick of each value is the
 * string used on D-Bus.
 *
 * Since: 0.2
 */
typedef enum {
  BARGE_PROXY_USAGE_SYSTEM,
  BARGE_PROXY_USAGE_NONE,
  BARGE_PROXY_USAGE_OVERRIDE,
} BargeProxyUsage;

/**
 * BargeHoldReason:
 * @BARGE_HOLD_REASON_NONE: nothing holds the job back
 * @BARGE_HOLD_REASON_SCHEDULER: other jobs have the transfer slots
 * @BARGE_HOLD_REASON_RETRY_DELAY: waiting for the retry delay or a server's `Retry-After`
 * @BARGE_HOLD_REASON_NO_NETWORK: there is no network
 * @BARGE_HOLD_REASON_METERED_NETWORK: the network is metered and the job's
 *   cost policy is %BARGE_COST_POLICY_UNMETERED
 * @BARGE_HOLD_REASON_NOT_BEFORE: the job's [property@Barge.Job:not-before]
 *   time has not come yet
 * @BARGE_HOLD_REASON_OUTSIDE_WINDOW: the local time is outside the job's
 *   [property@Barge.Job:transfer-window]
 * @BARGE_HOLD_REASON_SLEEPING: the machine is asleep or about to sleep; the
 *   job goes on when it wakes
 *
 * Why a job in %BARGE_JOB_STATE_QUEUED or %BARGE_JOB_STATE_TRANSIENT_ERROR is
 * not transferring. The job continues on its own when the reason goes away.
 * The nick of each value is the string used on D-Bus.
 */
typedef enum {
  BARGE_HOLD_REASON_NONE,
  BARGE_HOLD_REASON_SCHEDULER,
  BARGE_HOLD_REASON_RETRY_DELAY,
  BARGE_HOLD_REASON_NO_NETWORK,
  BARGE_HOLD_REASON_METERED_NETWORK,
  BARGE_HOLD_REASON_NOT_BEFORE,
  BARGE_HOLD_REASON_OUTSIDE_WINDOW,
  BARGE_HOLD_REASON_SLEEPING,
} BargeHoldReason;

/**
 * BargeUploadProtocol:
 * @BARGE_UPLOAD_PROTOCOL_NONE: no upload protocol: a download job (the empty
 *   string on D-Bus)
 * @BARGE_UPLOAD_PROTOCOL_BITS: the BITS upload protocol (BITS_POST fragments)
 * @BARGE_UPLOAD_PROTOCOL_TUS: the tus resumable upload protocol
 * @BARGE_UPLOAD_PROTOCOL_PUT: a plain HTTP PUT, restarted from the start when interrupted
 *
 * How an upload job sends its file. The nick of each value is the string used
 * on D-Bus, except for %BARGE_UPLOAD_PROTOCOL_NONE, which travels as "".
 */
typedef enum {
  BARGE_UPLOAD_PROTOCOL_NONE,
  BARGE_UPLOAD_PROTOCOL_BITS,
  BARGE_UPLOAD_PROTOCOL_TUS,
  BARGE_UPLOAD_PROTOCOL_PUT,
} BargeUploadProtocol;

/**
 * BargeNotifyFlags:
 * @BARGE_NOTIFY_FLAGS_NONE: no announcements
 * @BARGE_NOTIFY_FLAGS_TRANSFERRED: the `Transferred` signal
 * @BARGE_NOTIFY_FLAGS_ERROR: the `Failed` signal
 * @BARGE_NOTIFY_FLAGS_MODIFICATION: the #BargeJob::modified signal, on any change of the job
 * @BARGE_NOTIFY_FLAGS_FILE_TRANSFERRED: the `FileTransferred` signal
 *
 * Which events the daemon announces for a job (BITS `BG_NOTIFY_*`). On D-Bus
 * the flags travel as an array of their nicks.
 */
typedef enum /*< flags >*/ {
  BARGE_NOTIFY_FLAGS_NONE = 0,
  BARGE_NOTIFY_FLAGS_TRANSFERRED = 1 << 0,
  BARGE_NOTIFY_FLAGS_ERROR = 1 << 1,
  BARGE_NOTIFY_FLAGS_MODIFICATION = 1 << 2,
  BARGE_NOTIFY_FLAGS_FILE_TRANSFERRED = 1 << 3,
} BargeNotifyFlags;

/**
 * BargeCredentialsTarget:
 * @BARGE_CREDENTIALS_TARGET_SERVER: the HTTP server
 * @BARGE_CREDENTIALS_TARGET_PROXY: the HTTP proxy
 *
 * Whom a job's credentials answer (BITS `BG_AUTH_TARGET`). The nick of each
 * value is the string used on D-Bus.
 */
typedef enum {
  BARGE_CREDENTIALS_TARGET_SERVER,
  BARGE_CREDENTIALS_TARGET_PROXY,
} BargeCredentialsTarget;

/**
 * BargeAuthScheme:
 * @BARGE_AUTH_SCHEME_BASIC: HTTP Basic
 * @BARGE_AUTH_SCHEME_DIGEST: HTTP Digest
 * @BARGE_AUTH_SCHEME_NTLM: NTLM
 * @BARGE_AUTH_SCHEME_NEGOTIATE: Negotiate (Kerberos or NTLM)
 *
 * An HTTP authentication scheme (BITS `BG_AUTH_SCHEME`). The nick of each
 * value is the string used on D-Bus.
 */
typedef enum {
  BARGE_AUTH_SCHEME_BASIC,
  BARGE_AUTH_SCHEME_DIGEST,
  BARGE_AUTH_SCHEME_NTLM,
  BARGE_AUTH_SCHEME_NEGOTIATE,
} BargeAuthScheme;

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

BARGE_AVAILABLE_IN_ALL
const char *barge_cost_policy_to_string (BargeCostPolicy policy);
BARGE_AVAILABLE_IN_ALL
gboolean barge_cost_policy_from_string (const char *str, BargeCostPolicy *policy);
BARGE_AVAILABLE_IN_ALL
const char *barge_redirect_policy_to_string (BargeRedirectPolicy policy);
BARGE_AVAILABLE_IN_ALL
gboolean barge_redirect_policy_from_string (const char *str, BargeRedirectPolicy *policy);
BARGE_AVAILABLE_IN_ALL
const char *barge_proxy_usage_to_string (BargeProxyUsage usage);
BARGE_AVAILABLE_IN_ALL
gboolean barge_proxy_usage_from_string (const char *str, BargeProxyUsage *usage);
BARGE_AVAILABLE_IN_ALL
const char *barge_hold_reason_to_string (BargeHoldReason reason);
BARGE_AVAILABLE_IN_ALL
gboolean barge_hold_reason_from_string (const char *str, BargeHoldReason *reason);
BARGE_AVAILABLE_IN_ALL
const char *barge_upload_protocol_to_string (BargeUploadProtocol protocol);
BARGE_AVAILABLE_IN_ALL
gboolean barge_upload_protocol_from_string (const char *str, BargeUploadProtocol *protocol);
BARGE_AVAILABLE_IN_ALL
const char *barge_credentials_target_to_string (BargeCredentialsTarget target);
BARGE_AVAILABLE_IN_ALL
gboolean barge_credentials_target_from_string (const char *str, BargeCredentialsTarget *target);
BARGE_AVAILABLE_IN_ALL
const char *barge_auth_scheme_to_string (BargeAuthScheme scheme);
BARGE_AVAILABLE_IN_ALL
gboolean barge_auth_scheme_from_string (const char *str, BargeAuthScheme *scheme);
BARGE_AVAILABLE_IN_ALL
char **barge_notify_flags_to_strv (BargeNotifyFlags flags);
BARGE_AVAILABLE_IN_ALL
gboolean barge_notify_flags_from_strv (const char * const *strv, BargeNotifyFlags *flags);

BARGE_AVAILABLE_IN_ALL
BargeJobType barge_parse_job_type (const char *str, GError **error);
BARGE_AVAILABLE_IN_ALL
BargeJobState barge_parse_job_state (const char *str, GError **error);
BARGE_AVAILABLE_IN_ALL
BargeJobPriority barge_parse_job_priority (const char *str, GError **error);
BARGE_AVAILABLE_IN_ALL
BargeErrorContext barge_parse_error_context (const char *str, GError **error);
BARGE_AVAILABLE_IN_ALL
BargeCostPolicy barge_parse_cost_policy (const char *str, GError **error);
BARGE_AVAILABLE_IN_ALL
BargeRedirectPolicy barge_parse_redirect_policy (const char *str, GError **error);
BARGE_AVAILABLE_IN_ALL
BargeProxyUsage barge_parse_proxy_usage (const char *str, GError **error);
BARGE_AVAILABLE_IN_ALL
BargeHoldReason barge_parse_hold_reason (const char *str, GError **error);
BARGE_AVAILABLE_IN_ALL
BargeUploadProtocol barge_parse_upload_protocol (const char *str, GError **error);
BARGE_AVAILABLE_IN_ALL
BargeCredentialsTarget barge_parse_credentials_target (const char *str, GError **error);
BARGE_AVAILABLE_IN_ALL
BargeAuthScheme barge_parse_auth_scheme (const char *str, GError **error);
BARGE_AVAILABLE_IN_ALL
BargeNotifyFlags barge_parse_notify_flags (const char * const *strv, GError **error);

G_END_DECLS
