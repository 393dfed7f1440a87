/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "barge-job-private.h"

#include "barge-enum-types.h"
#include "barge-file.h"

/* BargeJob's GObject properties and their documentation, apart from the
 * object (barge-job.c), which installs them in its class_init. */

void
_barge_job_make_properties (GParamSpec **properties)
{
  /**
   * BargeJob:object-path:
   *
   * The D-Bus object path of the job, `/org/freedesktop/Barge1/jobs/ID`.
   */
  properties[PROP_OBJECT_PATH] =
    g_param_spec_string ("object-path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:id:
   *
   * The job's UUID in its usual form with dashes.
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:display-name:
   *
   * A name for users, at most 256 characters. Setting it sends the change
   * to the daemon; the property changes when the daemon announces it.
   */
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:description:
   *
   * A longer text for users, at most 1024 characters. Setting it sends the
   * change to the daemon; the property changes when the daemon announces it.
   */
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:job-type:
   *
   * What kind of job this is.
   */
  properties[PROP_JOB_TYPE] =
    g_param_spec_enum ("job-type", NULL, NULL,
                       BARGE_TYPE_JOB_TYPE, BARGE_JOB_TYPE_DOWNLOAD,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:state:
   *
   * Where the job is in its life cycle. After the daemon removed the job,
   * this is the final state it reported.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       BARGE_TYPE_JOB_STATE, BARGE_JOB_STATE_SUSPENDED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:priority:
   *
   * The priority of the job. Setting it sends the change to the daemon; the
   * property changes when the daemon announces it.
   */
  properties[PROP_PRIORITY] =
    g_param_spec_enum ("priority", NULL, NULL,
                       BARGE_TYPE_JOB_PRIORITY, BARGE_JOB_PRIORITY_NORMAL,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:owner:
   *
   * The Unix user id of the job's owner.
   */
  properties[PROP_OWNER] =
    g_param_spec_uint ("owner", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:progress:
   *
   * How far the job is. The daemon announces progress at most once per
   * [property@Barge.Job:minimum-notification-interval], and at once on every
   * state change.
   */
  properties[PROP_PROGRESS] =
    g_param_spec_boxed ("progress", NULL, NULL, BARGE_TYPE_PROGRESS,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:creation-time:
   *
   * When the job was created, in microseconds since the epoch.
   */
  properties[PROP_CREATION_TIME] =
    g_param_spec_int64 ("creation-time", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:modification-time:
   *
   * When the job last changed, in microseconds since the epoch.
   */
  properties[PROP_MODIFICATION_TIME] =
    g_param_spec_int64 ("modification-time", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:completion-time:
   *
   * When every file was transferred, in microseconds since the epoch, or 0
   * if that has not happened yet.
   */
  properties[PROP_COMPLETION_TIME] =
    g_param_spec_int64 ("completion-time", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:error-count:
   *
   * How many errors the job has had. Never reset.
   */
  properties[PROP_ERROR_COUNT] =
    g_param_spec_uint ("error-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:error-context:
   *
   * Where the current error happened; %BARGE_ERROR_CONTEXT_NONE unless the
   * job is in %BARGE_JOB_STATE_ERROR or %BARGE_JOB_STATE_TRANSIENT_ERROR.
   */
  properties[PROP_ERROR_CONTEXT] =
    g_param_spec_enum ("error-context", NULL, NULL,
                       BARGE_TYPE_ERROR_CONTEXT, BARGE_ERROR_CONTEXT_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:error-name:
   *
   * The D-Bus error name of the current error, such as
   * `org.freedesktop.Barge1.Error.RemoteNotFound`, or "" when there is none.
   * See [func@Barge.Error.from_dbus_name].
   */
  properties[PROP_ERROR_NAME] =
    g_param_spec_string ("error-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:error-message:
   *
   * A message for people about the current error, or "" when there is none.
   */
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:error-file:
   *
   * The file involved in the current error, or %NULL.
   */
  properties[PROP_ERROR_FILE] =
    g_param_spec_object ("error-file", NULL, NULL, BARGE_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:minimum-retry-delay:
   *
   * Seconds to wait after a transient error before the job is retried.
   * Setting it sends the change to the daemon; the property changes when the
   * daemon announces it.
   */
  properties[PROP_MINIMUM_RETRY_DELAY] =
    g_param_spec_uint ("minimum-retry-delay", NULL, NULL, 0, G_MAXUINT32, 600,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:no-progress-timeout:
   *
   * Seconds without progress, counted from the first transient error, after
   * which a transient error becomes an error. Setting it sends the change to
   * the daemon; the property changes when the daemon announces it.
   */
  properties[PROP_NO_PROGRESS_TIMEOUT] =
    g_param_spec_uint ("no-progress-timeout", NULL, NULL, 0, G_MAXUINT32, 1209600,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:minimum-notification-interval:
   *
   * Milliseconds between two progress announcements of the daemon. Setting
   * it sends the change to the daemon; the property changes when the daemon
   * announces it.
   */
  properties[PROP_MINIMUM_NOTIFICATION_INTERVAL] =
    g_param_spec_uint ("minimum-notification-interval", NULL, NULL, 0, G_MAXUINT32, 500,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:reply-progress:
   *
   * How far the reply of an upload-reply job is. For other job types the
   * total is always %BARGE_SIZE_UNKNOWN and nothing is transferred.
   */
  properties[PROP_REPLY_PROGRESS] =
    g_param_spec_boxed ("reply-progress", NULL, NULL, BARGE_TYPE_REPLY_PROGRESS,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:maximum-download-time:
   *
   * Seconds the job may spend connecting and transferring in all before it
   * fails with %BARGE_ERROR_MAXIMUM_TIME_EXCEEDED; 0 means no limit. Setting
   * it sends the change to the daemon; the property changes when the daemon
   * announces it.
   */
  properties[PROP_MAXIMUM_DOWNLOAD_TIME] =
    g_param_spec_uint ("maximum-download-time", NULL, NULL, 0, G_MAXUINT32, 7776000,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:notify-flags:
   *
   * Which events the daemon announces for this job. Without
   * %BARGE_NOTIFY_FLAGS_MODIFICATION, [property@Barge.Job:progress] only
   * changes with the state. Setting it sends the change to the daemon; the
   * property changes when the daemon announces it.
   */
  properties[PROP_NOTIFY_FLAGS] =
    g_param_spec_flags ("notify-flags", NULL, NULL, BARGE_TYPE_NOTIFY_FLAGS,
                        BARGE_NOTIFY_FLAGS_TRANSFERRED | BARGE_NOTIFY_FLAGS_ERROR,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:notify-command-line:
   *
   * A program the daemon runs as the job's owner when the job is transferred
   * or fails, instead of the signal (BITS `SetNotifyCmdLine`): the absolute
   * path of the program, then its arguments. Empty for none. Setting it sends
   * the change to the daemon; the property changes when the daemon announces it.
   */
  properties[PROP_NOTIFY_COMMAND_LINE] =
    g_param_spec_boxed ("notify-command-line", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:cost-policy:
   *
   * On which networks the job may transfer. Setting it sends the change to
   * the daemon; the property changes when the daemon announces it.
   */
  properties[PROP_COST_POLICY] =
    g_param_spec_enum ("cost-policy", NULL, NULL, BARGE_TYPE_COST_POLICY, BARGE_COST_POLICY_ANY,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:bandwidth-limit:
   *
   * The most bytes per second the job moves, all its files together (what
   * a download reads from the network, or an upload sends); 0 means no
   * limit of the job's own. The daemon takes 0, or 1024 (1 KiB/s) to
   * 100000000000 (100 GB/s), and refuses other values with
   * %BARGE_ERROR_INVALID_ARGUMENT. Jobs of a background priority also share
   * [property@Barge.Client:background-bandwidth-limit]; the lower of the two
   * holds. A change applies at once to the transfers in flight. Setting it
   * sends the change to the daemon; the property changes when the daemon
   * announces it. Also an option of a new job
   * ([method@Barge.JobOptions.set_bandwidth_limit]).
   */
  properties[PROP_BANDWIDTH_LIMIT] =
    g_param_spec_uint64 ("bandwidth-limit", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:size-hint:
   *
   * The bytes the application expects the job to move in all, or 0 for no
   * hint (as URLSession's `countOfBytesClientExpectsToReceive`). Of queued
   * jobs of one priority, the daemon starts the one expected to move the
   * fewest bytes first (the hint, or the job's known total when larger,
   * less what it moved), so that a small update is not stuck behind a
   * large download. Hints only order hinted jobs among themselves: a job
   * without one keeps its place, and a hinted job that has waited ten
   * minutes keeps its place too. The hint never limits the job. The
   * daemon takes 0 to 2^53 and refuses more with
   * %BARGE_ERROR_INVALID_ARGUMENT. Setting it sends the change to the
   * daemon; the property changes when the daemon announces it. Also an
   * option of a new job ([method@Barge.JobOptions.set_size_hint]).
   */
  properties[PROP_SIZE_HINT] =
    g_param_spec_uint64 ("size-hint", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:max-segments:
   *
   * The most connections one file of a download job may use at once: a
   * large file (16 MiB or more, of a server with a strong validator that
   * answers ranges) is fetched in pieces over several connections, each a
   * range, when a server's rate per connection is what holds it back. 0
   * (the default) is automatic: up to 4 for
   * %BARGE_JOB_PRIORITY_FOREGROUND, 1 (one connection per file) for the
   * background priorities. The daemon takes 0 to 16 and refuses other
   * values with %BARGE_ERROR_INVALID_ARGUMENT. The extra connections count
   * against the daemon's connection caps. Setting it sends the change to
   * the daemon (it applies to files that start after it); the property
   * changes when the daemon announces it. Also an option of a new job
   * ([method@Barge.JobOptions.set_max_segments]).
   */
  properties[PROP_MAX_SEGMENTS] =
    g_param_spec_uint ("max-segments", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:keep-awake:
   *
   * Whether the job keeps the machine awake (a logind "block" inhibitor)
   * while it transfers with %BARGE_JOB_PRIORITY_FOREGROUND. Chosen when the
   * job is created ([method@Barge.JobOptions.set_keep_awake]); a lower
   * priority later sets it aside until the job is in the foreground again.
   */
  properties[PROP_KEEP_AWAKE] =
    g_param_spec_boolean ("keep-awake", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:not-before:
   *
   * The job transfers nothing before this time, in Unix seconds (UTC); 0
   * (the default) for none. Until then a queued job waits with
   * [property@Barge.Job:hold-reason] %BARGE_HOLD_REASON_NOT_BEFORE, and
   * starts on its own when the time comes. The daemon refuses a time in
   * the past with %BARGE_ERROR_INVALID_ARGUMENT (0 is always accepted).
   * Setting it sends the change to the daemon; the property changes when
   * the daemon announces it. Also an option of a new job
   * ([method@Barge.JobOptions.set_not_before]).
   */
  properties[PROP_NOT_BEFORE] =
    g_param_spec_int64 ("not-before", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:transfer-window:
   *
   * The daily window, in the daemon's local time, in which alone the job
   * transfers: `HH:MM-HH:MM` such as `22:00-06:00` (which crosses
   * midnight), or the empty string (the default) for always. Outside it a
   * queued job waits with [property@Barge.Job:hold-reason]
   * %BARGE_HOLD_REASON_OUTSIDE_WINDOW, and a transferring job goes back to
   * %BARGE_JOB_STATE_QUEUED when the window ends, keeping its progress.
   * The daemon refuses an end equal to the start, or anything but that
   * form, with %BARGE_ERROR_INVALID_ARGUMENT, and reads it back in its
   * canonical form (`7:00-9:30` reads `07:00-09:30`). Setting it sends the
   * change to the daemon; the property changes when the daemon announces
   * it. Also an option of a new job
   * ([method@Barge.JobOptions.set_transfer_window]).
   */
  properties[PROP_TRANSFER_WINDOW] =
    g_param_spec_string ("transfer-window", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:hold-reason:
   *
   * Why a queued job, or one in a transient error, is not transferring.
   */
  properties[PROP_HOLD_REASON] =
    g_param_spec_enum ("hold-reason", NULL, NULL, BARGE_TYPE_HOLD_REASON, BARGE_HOLD_REASON_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:http-status:
   *
   * The HTTP status of the response that caused the current error, or 0.
   */
  properties[PROP_HTTP_STATUS] =
    g_param_spec_uint ("http-status", NULL, NULL, 0, G_MAXUINT32, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:upload-protocol:
   *
   * How an upload job sends its file; %BARGE_UPLOAD_PROTOCOL_NONE for
   * download jobs. Chosen when the job is created (see
   * [method@Barge.JobOptions.set_upload_protocol]).
   */
  properties[PROP_UPLOAD_PROTOCOL] =
    g_param_spec_enum ("upload-protocol", NULL, NULL, BARGE_TYPE_UPLOAD_PROTOCOL,
                       BARGE_UPLOAD_PROTOCOL_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:reply-file-name:
   *
   * For upload-reply jobs, the absolute path where the reply is kept; it
   * becomes visible when the job is completed. Writable until the reply
   * starts; "" lets the daemon keep the reply (read it with
   * [method@Barge.Job.get_reply_data_async]). Setting it sends the change to
   * the daemon; the property changes when the daemon announces it.
   */
  properties[PROP_REPLY_FILE_NAME] =
    g_param_spec_string ("reply-file-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:credentials:
   *
   * The targets and schemes the job has credentials for, as a variant of
   * type `a(ss)`, such as `[("server", "basic")]`. Secrets are never shown.
   * See [method@Barge.Job.has_credentials].
   */
  properties[PROP_CREDENTIALS] =
    g_param_spec_variant ("credentials", NULL, NULL, G_VARIANT_TYPE ("a(ss)"), NULL,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:redirect-policy:
   *
   * What a download does when a server redirects it (BITS'
   * `BG_HTTP_REDIRECT_POLICY_*`): follow it (%BARGE_REDIRECT_POLICY_ALLOW,
   * the default), follow it and keep a permanent one within the file's
   * origin as the file's URL (%BARGE_REDIRECT_POLICY_ALLOW_REPORT), or fail
   * with %BARGE_ERROR_REDIRECT_REFUSED (%BARGE_REDIRECT_POLICY_DISALLOW).
   * Upload jobs never follow redirects: the daemon refuses another value
   * there. Setting it sends the change to the daemon; the property changes
   * when the daemon announces it.
   *
   * Since: 0.2
   */
  properties[PROP_REDIRECT_POLICY] =
    g_param_spec_enum ("redirect-policy", NULL, NULL, BARGE_TYPE_REDIRECT_POLICY, BARGE_REDIRECT_POLICY_ALLOW,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:allow-https-to-http:
   *
   * Whether a download follows a redirect from https to http. %FALSE (the
   * default) makes one the job's error, %BARGE_ERROR_REDIRECT_REFUSED,
   * whatever [property@Barge.Job:redirect-policy] says.
   *
   * Since: 0.2
   */
  properties[PROP_ALLOW_HTTPS_TO_HTTP] =
    g_param_spec_boolean ("allow-https-to-http", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:custom-headers:
   *
   * The names of the job's custom HTTP headers, in the order they are sent
   * ([method@Barge.Job.set_custom_headers_async]); their values are never
   * shown in a property ([method@Barge.Job.get_custom_headers_async]).
   *
   * Since: 0.2
   */
  properties[PROP_CUSTOM_HEADERS] =
    g_param_spec_boxed ("custom-headers", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:tls-ca-file:
   *
   * The CA file of the job's TLS options
   * ([method@Barge.Job.set_tls_options_async]): certificate authorities its
   * requests trust besides the system's; "" for none.
   *
   * Since: 0.2
   */
  properties[PROP_TLS_CA_FILE] =
    g_param_spec_string ("tls-ca-file", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:tls-client-certificate:
   *
   * The client certificate of the job's TLS options (a PEM file's path or
   * a `pkcs11:` URI); "" for none.
   *
   * Since: 0.2
   */
  properties[PROP_TLS_CLIENT_CERTIFICATE] =
    g_param_spec_string ("tls-client-certificate", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:tls-crl-file:
   *
   * The revocation lists of the job's CA file
   * ([method@Barge.Job.set_tls_checks_async]): a certificate of that CA
   * they revoke is refused; "" for none.
   *
   * Since: 0.2
   */
  properties[PROP_TLS_CRL_FILE] =
    g_param_spec_string ("tls-crl-file", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:tls-ignore:
   *
   * The faults forgiven in a certificate of the job's CA file
   * ([method@Barge.Job.set_tls_checks_async]): "expired", "wrong-host";
   * empty for none.
   *
   * Since: 0.2
   */
  properties[PROP_TLS_IGNORE] =
    g_param_spec_boxed ("tls-ignore", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:custom-headers-write-only:
   *
   * Whether [method@Barge.Job.make_custom_headers_write_only_async] was
   * called: [method@Barge.Job.get_custom_headers_async] then fails with
   * %BARGE_ERROR_ACCESS_DENIED, for good.
   *
   * Since: 0.2
   */
  properties[PROP_CUSTOM_HEADERS_WRITE_ONLY] =
    g_param_spec_boolean ("custom-headers-write-only", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:tls-check-revocation:
   *
   * Whether a certificate the system trusts must pass its authorities'
   * revocation lists ([method@Barge.Job.set_tls_check_revocation_async],
   * BITS `BG_SSL_ENABLE_CRL_CHECK`): each certificate of the server's
   * chain but the trust anchor must be covered by a current list of its
   * issuer, fetched from its CRL distribution point, and revoked by none
   * (a certificate naming no distribution point: a current "good" answer
   * of its OCSP responder).
   *
   * Since: 0.2
   */
  properties[PROP_TLS_CHECK_REVOCATION] =
    g_param_spec_boolean ("tls-check-revocation", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:proxy-usage:
   *
   * Which proxy the job's requests go through (BITS `GetProxySettings`):
   * the daemon's settings, none, or
   * [property@Barge.Job:proxy-list] except for the hosts of
   * [property@Barge.Job:proxy-bypass-list]. Set with
   * [method@Barge.Job.set_proxy_settings_async].
   *
   * Since: 0.2
   */
  properties[PROP_PROXY_USAGE] =
    g_param_spec_enum ("proxy-usage", NULL, NULL, BARGE_TYPE_PROXY_USAGE, BARGE_PROXY_USAGE_SYSTEM,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:proxy-list:
   *
   * The job's proxies (`SCHEME://HOST:PORT`, tried in order) when
   * [property@Barge.Job:proxy-usage] is %BARGE_PROXY_USAGE_OVERRIDE; empty
   * otherwise.
   *
   * Since: 0.2
   */
  properties[PROP_PROXY_LIST] =
    g_param_spec_boxed ("proxy-list", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:proxy-bypass-list:
   *
   * The hosts, domains, addresses and ranges the job reaches directly when
   * [property@Barge.Job:proxy-usage] is %BARGE_PROXY_USAGE_OVERRIDE; empty
   * otherwise.
   *
   * Since: 0.2
   */
  properties[PROP_PROXY_BYPASS_LIST] =
    g_param_spec_boxed ("proxy-bypass-list", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:file-list:
   *
   * The files of the job, in the order they were added, as a
   * [iface@Gio.ListModel] of [class@Barge.File] that follows the `Files`
   * property of the daemon (for list views). The model itself never
   * changes; it emits [signal@Gio.ListModel::items-changed].
   */
  properties[PROP_FILE_LIST] =
    g_param_spec_object ("file-list", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}
