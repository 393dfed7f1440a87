/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include <string.h>

#include "barge-job-private.h"
#include "barge-enum-types.h"

/* The public getters of BargeJob; the object itself is in barge-job.c. */

BargeFile *
_barge_job_lookup_file (BargeJob *self, const char *path)
{
  BargeFile *file;

  if (path == NULL || *path == '\0')
    return NULL;
  file = g_hash_table_lookup (self->files, path);
  return file != NULL && _barge_file_is_loaded (file) ? file : NULL;
}

/**
 * barge_job_get_object_path:
 * @job: a #BargeJob
 *
 * Gets the D-Bus object path of @job.
 *
 * Returns: the object path
 */
const char *
barge_job_get_object_path (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return job->path;
}

/**
 * barge_job_get_id:
 * @job: a #BargeJob
 *
 * Gets the UUID of @job.
 *
 * Returns: the UUID with dashes, or "" if the daemon has not said
 */
const char *
barge_job_get_id (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return _barge_props_get_string (job->props, "Id");
}

/**
 * barge_job_get_display_name:
 * @job: a #BargeJob
 *
 * Gets the name of @job shown to users.
 *
 * Returns: the display name
 */
const char *
barge_job_get_display_name (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return _barge_props_get_string (job->props, "DisplayName");
}

/**
 * barge_job_get_description:
 * @job: a #BargeJob
 *
 * Gets the description of @job.
 *
 * Returns: the description, possibly ""
 */
const char *
barge_job_get_description (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return _barge_props_get_string (job->props, "Description");
}

/**
 * barge_job_get_job_type:
 * @job: a #BargeJob
 *
 * Gets what kind of job @job is.
 *
 * Returns: the job type
 */
BargeJobType
barge_job_get_job_type (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), BARGE_JOB_TYPE_DOWNLOAD);

  return job->job_type;
}

/**
 * barge_job_get_state:
 * @job: a #BargeJob
 *
 * Gets the state of @job.
 *
 * Returns: the state
 */
BargeJobState
barge_job_get_state (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), BARGE_JOB_STATE_SUSPENDED);

  return job->state;
}

/**
 * barge_job_get_priority:
 * @job: a #BargeJob
 *
 * Gets the priority of @job.
 *
 * Returns: the priority
 */
BargeJobPriority
barge_job_get_priority (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), BARGE_JOB_PRIORITY_NORMAL);

  return job->priority;
}

/**
 * barge_job_get_owner:
 * @job: a #BargeJob
 *
 * Gets the owner of @job.
 *
 * Returns: the Unix user id of the owner
 */
guint
barge_job_get_owner (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return _barge_props_get_uint32 (job->props, "Owner", 0);
}

/**
 * barge_job_get_progress:
 * @job: a #BargeJob
 *
 * Gets the progress the daemon last announced. The value is immutable and
 * replaced on every change, so take a reference to keep it.
 *
 * Returns: (transfer none): the progress
 */
BargeProgress *
barge_job_get_progress (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return job->progress;
}

/**
 * barge_job_get_creation_time:
 * @job: a #BargeJob
 *
 * Gets when @job was created.
 *
 * Returns: microseconds since the epoch
 */
gint64
barge_job_get_creation_time (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return job->creation_time;
}

/**
 * barge_job_get_modification_time:
 * @job: a #BargeJob
 *
 * Gets when @job last changed.
 *
 * Returns: microseconds since the epoch
 */
gint64
barge_job_get_modification_time (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return job->modification_time;
}

/**
 * barge_job_get_completion_time:
 * @job: a #BargeJob
 *
 * Gets when every file of @job was transferred.
 *
 * Returns: microseconds since the epoch, or 0 if that has not happened yet
 */
gint64
barge_job_get_completion_time (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return job->completion_time;
}

/**
 * barge_job_get_error_count:
 * @job: a #BargeJob
 *
 * Gets how many errors @job has had.
 *
 * Returns: the number of errors
 */
guint
barge_job_get_error_count (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return _barge_props_get_uint32 (job->props, "ErrorCount", 0);
}

/**
 * barge_job_get_error_context:
 * @job: a #BargeJob
 *
 * Gets where the current error of @job happened.
 *
 * Returns: the context, or %BARGE_ERROR_CONTEXT_NONE when there is no error
 */
BargeErrorContext
barge_job_get_error_context (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), BARGE_ERROR_CONTEXT_NONE);

  return job->error_context;
}

/**
 * barge_job_get_error_name:
 * @job: a #BargeJob
 *
 * Gets the D-Bus error name of the current error of @job.
 *
 * Returns: the error name, or "" when there is no error
 */
const char *
barge_job_get_error_name (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return job->error_name;
}

/**
 * barge_job_get_error_message:
 * @job: a #BargeJob
 *
 * Gets a message for people about the current error of @job.
 *
 * Returns: the message, or "" when there is no error
 */
const char *
barge_job_get_error_message (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return job->error_message;
}

/**
 * barge_job_get_error_file:
 * @job: a #BargeJob
 *
 * Gets the file involved in the current error of @job.
 *
 * Returns: (transfer none) (nullable): the file, or %NULL
 */
BargeFile *
barge_job_get_error_file (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return _barge_job_lookup_file (job, job->error_file_path);
}

/**
 * barge_job_get_minimum_retry_delay:
 * @job: a #BargeJob
 *
 * Gets how long the daemon waits after a transient error before it retries.
 *
 * Returns: the delay in seconds
 */
guint
barge_job_get_minimum_retry_delay (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return _barge_props_get_uint32 (job->props, "MinimumRetryDelay", 600);
}

/**
 * barge_job_get_no_progress_timeout:
 * @job: a #BargeJob
 *
 * Gets how long a job may make no progress after a transient error before
 * the error becomes fatal.
 *
 * Returns: the timeout in seconds
 */
guint
barge_job_get_no_progress_timeout (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return _barge_props_get_uint32 (job->props, "NoProgressTimeout", 1209600);
}

/**
 * barge_job_get_minimum_notification_interval:
 * @job: a #BargeJob
 *
 * Gets the shortest time between two progress announcements of the daemon.
 *
 * Returns: the interval in milliseconds
 */
guint
barge_job_get_minimum_notification_interval (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return _barge_props_get_uint32 (job->props, "MinimumNotificationInterval", 500);
}

/**
 * barge_job_get_files:
 * @job: a #BargeJob
 *
 * Gets the files of @job, in the order they were added. The array holds a
 * reference on each file and drops it when it is freed.
 *
 * Returns: (transfer container) (element-type BargeFile): the files
 */
GPtrArray *
barge_job_get_files (BargeJob *job)
{
  GListModel *model;
  GPtrArray *files;
  guint n;

  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  model = G_LIST_MODEL (job->file_list);
  n = g_list_model_get_n_items (model);
  files = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (files, g_list_model_get_item (model, i));
  return files;
}

/**
 * barge_job_get_reply_progress:
 * @job: a #BargeJob
 *
 * Gets the reply progress the daemon last announced. The value is immutable
 * and replaced on every change, so take a reference to keep it.
 *
 * Returns: (transfer none): the reply progress
 */
BargeReplyProgress *
barge_job_get_reply_progress (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return job->reply_progress;
}

/**
 * barge_job_get_maximum_download_time:
 * @job: a #BargeJob
 *
 * Gets how long @job may spend connecting and transferring in all.
 *
 * Returns: the limit in seconds, 0 for none
 */
guint
barge_job_get_maximum_download_time (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return _barge_props_get_uint32 (job->props, "MaximumDownloadTime", 7776000);
}

/**
 * barge_job_get_notify_flags:
 * @job: a #BargeJob
 *
 * Gets which events the daemon announces for @job.
 *
 * Returns: the flags
 */
BargeNotifyFlags
barge_job_get_notify_flags (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), BARGE_NOTIFY_FLAGS_NONE);

  return job->notify_flags;
}

/**
 * barge_job_get_notify_command_line:
 * @job: a #BargeJob
 *
 * Gets the program the daemon runs when @job is transferred or fails.
 *
 * Returns: (transfer none) (array zero-terminated=1): the absolute path of
 *   the program followed by its arguments, or an empty array for none
 */
const char * const *
barge_job_get_notify_command_line (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return (const char * const *) job->notify_command_line;
}

/**
 * barge_job_get_cost_policy:
 * @job: a #BargeJob
 *
 * Gets on which networks @job may transfer.
 *
 * Returns: the cost policy
 */
BargeCostPolicy
barge_job_get_cost_policy (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), BARGE_COST_POLICY_ANY);

  return job->cost_policy;
}

/**
 * barge_job_get_size_hint:
 * @job: a #BargeJob
 *
 * Gets the bytes @job is expected to move in all, as its application said.
 * See [property@Barge.Job:size-hint].
 *
 * Returns: the hint in bytes, 0 for none
 */
guint64
barge_job_get_size_hint (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return _barge_props_get_uint64 (job->props, "SizeHint", 0);
}

/**
 * barge_job_get_bandwidth_limit:
 * @job: a #BargeJob
 *
 * Gets the most bytes per second @job may move, all its files together.
 * See [property@Barge.Job:bandwidth-limit].
 *
 * Returns: the limit in bytes per second, 0 for no limit of the job's own
 */
guint64
barge_job_get_bandwidth_limit (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return _barge_props_get_uint64 (job->props, "BandwidthLimit", 0);
}

/**
 * barge_job_get_max_segments:
 * @job: a #BargeJob
 *
 * Gets the most connections one file of @job may use at once.
 * See [property@Barge.Job:max-segments].
 *
 * Returns: the number of connections, 0 for automatic
 */
guint
barge_job_get_max_segments (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return _barge_props_get_uint32 (job->props, "MaxSegments", 0);
}

/**
 * barge_job_get_keep_awake:
 * @job: a #BargeJob
 *
 * Gets whether @job keeps the machine awake while it transfers in the
 * foreground. See [property@Barge.Job:keep-awake].
 *
 * Returns: %TRUE if the job was created with the keep-awake option
 */
gboolean
barge_job_get_keep_awake (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);

  return _barge_props_get_boolean (job->props, "KeepAwake");
}

/**
 * barge_job_get_not_before:
 * @job: a #BargeJob
 *
 * Gets the time before which @job transfers nothing. See
 * [property@Barge.Job:not-before].
 *
 * Returns: Unix seconds (UTC), 0 for none
 */
gint64
barge_job_get_not_before (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return _barge_props_get_int64 (job->props, "NotBefore", 0);
}

/**
 * barge_job_get_transfer_window:
 * @job: a #BargeJob
 *
 * Gets the daily window in which alone @job transfers. See
 * [property@Barge.Job:transfer-window].
 *
 * Returns: (transfer none): `HH:MM-HH:MM` in the daemon's local time, or
 *   the empty string for always
 */
const char *
barge_job_get_transfer_window (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), "");

  return _barge_props_get_string (job->props, "TransferWindow");
}

/**
 * barge_job_get_hold_reason:
 * @job: a #BargeJob
 *
 * Gets why @job is waiting rather than transferring.
 *
 * Returns: the reason, %BARGE_HOLD_REASON_NONE when nothing holds it back
 */
BargeHoldReason
barge_job_get_hold_reason (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), BARGE_HOLD_REASON_NONE);

  return job->hold_reason;
}

/**
 * barge_job_get_http_status:
 * @job: a #BargeJob
 *
 * Gets the HTTP status of the response that caused the current error.
 *
 * Returns: the status, or 0
 */
guint
barge_job_get_http_status (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return _barge_props_get_uint32 (job->props, "HttpStatus", 0);
}

/**
 * barge_job_get_upload_protocol:
 * @job: a #BargeJob
 *
 * Gets how an upload job sends its file.
 *
 * Returns: the protocol, %BARGE_UPLOAD_PROTOCOL_NONE for download jobs
 */
BargeUploadProtocol
barge_job_get_upload_protocol (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), BARGE_UPLOAD_PROTOCOL_NONE);

  return job->upload_protocol;
}

/**
 * barge_job_get_reply_file_name:
 * @job: a #BargeJob
 *
 * Gets where the reply of an upload-reply job is kept.
 *
 * Returns: the absolute path, or "" when the daemon keeps the reply
 */
const char *
barge_job_get_reply_file_name (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return _barge_props_get_string (job->props, "ReplyFileName");
}

/**
 * barge_job_get_credentials:
 * @job: a #BargeJob
 *
 * Gets the targets and schemes @job has credentials for, as pairs of
 * strings such as `("server", "basic")`. Secrets are never shown.
 *
 * Returns: (transfer none) (nullable): a variant of type `a(ss)`, or %NULL
 *   if the daemon has not said
 */
GVariant *
barge_job_get_credentials (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return _barge_props_get (job->props, "Credentials");
}

/**
 * barge_job_has_credentials:
 * @job: a #BargeJob
 * @target: the target
 * @scheme: the authentication scheme
 *
 * Checks whether @job has credentials for @target and @scheme.
 *
 * Returns: %TRUE if it has
 */
gboolean
barge_job_has_credentials (BargeJob *job, BargeCredentialsTarget target, BargeAuthScheme scheme)
{
  GVariant *credentials;
  GVariantIter iter;
  const char *target_str;
  const char *scheme_str;
  const char *want_target = barge_credentials_target_to_string (target);
  const char *want_scheme = barge_auth_scheme_to_string (scheme);

  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);

  credentials = _barge_props_get (job->props, "Credentials");
  if (credentials == NULL || want_target == NULL || want_scheme == NULL ||
      !g_variant_is_of_type (credentials, G_VARIANT_TYPE ("a(ss)")))
    return FALSE;

  g_variant_iter_init (&iter, credentials);
  while (g_variant_iter_next (&iter, "(&s&s)", &target_str, &scheme_str))
    {
      if (g_str_equal (target_str, want_target) && g_str_equal (scheme_str, want_scheme))
        return TRUE;
    }
  return FALSE;
}

/**
 * barge_job_get_file_list:
 * @job: a #BargeJob
 *
 * Gets the files of @job as a list model that follows the daemon's `Files`
 * property; see [property@Barge.Job:file-list]. It holds the same files as
 * [method@Barge.Job.get_files], in the same order.
 *
 * Returns: (transfer none): a [iface@Gio.ListModel] of [class@Barge.File]
 */
GListModel *
barge_job_get_file_list (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return G_LIST_MODEL (job->file_list);
}

/**
 * barge_job_get_redirect_policy:
 * @job: a #BargeJob
 *
 * Gets what a download does with a redirect.
 * See [property@Barge.Job:redirect-policy].
 *
 * Returns: the policy
 *
 * Since: 0.2
 */
BargeRedirectPolicy
barge_job_get_redirect_policy (BargeJob *job)
{
  BargeRedirectPolicy policy = BARGE_REDIRECT_POLICY_ALLOW;

  g_return_val_if_fail (BARGE_IS_JOB (job), BARGE_REDIRECT_POLICY_ALLOW);

  barge_redirect_policy_from_string (_barge_props_get_string (job->props, "RedirectPolicy"), &policy);
  return policy;
}

/**
 * barge_job_get_allow_https_to_http:
 * @job: a #BargeJob
 *
 * Checks whether a download of @job follows a redirect from https to http.
 * See [property@Barge.Job:allow-https-to-http].
 *
 * Returns: %TRUE if it does
 *
 * Since: 0.2
 */
gboolean
barge_job_get_allow_https_to_http (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);

  return _barge_props_get_boolean (job->props, "AllowHttpsToHttp");
}

/**
 * barge_job_get_tls_ca_file:
 * @job: a #BargeJob
 *
 * Gets the CA file of the job's TLS options.
 * See [property@Barge.Job:tls-ca-file].
 *
 * Returns: the path, or "" for none
 *
 * Since: 0.2
 */
const char *
barge_job_get_tls_ca_file (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), "");

  return _barge_props_get_string (job->props, "TlsCaFile");
}

/**
 * barge_job_get_tls_client_certificate:
 * @job: a #BargeJob
 *
 * Gets the client certificate of the job's TLS options.
 * See [property@Barge.Job:tls-client-certificate].
 *
 * Returns: a path or a `pkcs11:` URI, or "" for none
 *
 * Since: 0.2
 */
const char *
barge_job_get_tls_client_certificate (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), "");

  return _barge_props_get_string (job->props, "TlsClientCertificate");
}

/**
 * barge_job_get_custom_headers_write_only:
 * @job: a #BargeJob
 *
 * Gets whether the job's header values are write-only.
 * See [property@Barge.Job:custom-headers-write-only].
 *
 * Returns: %TRUE once they are
 *
 * Since: 0.2
 */
gboolean
barge_job_get_custom_headers_write_only (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);

  return _barge_props_get_boolean (job->props, "CustomHeadersWriteOnly");
}

/**
 * barge_job_get_proxy_usage:
 * @job: a #BargeJob
 *
 * Gets which proxy the job's requests go through.
 * See [property@Barge.Job:proxy-usage].
 *
 * Returns: the usage
 *
 * Since: 0.2
 */
BargeProxyUsage
barge_job_get_proxy_usage (BargeJob *job)
{
  BargeProxyUsage usage = BARGE_PROXY_USAGE_SYSTEM;

  g_return_val_if_fail (BARGE_IS_JOB (job), BARGE_PROXY_USAGE_SYSTEM);

  barge_proxy_usage_from_string (_barge_props_get_string (job->props, "ProxyUsage"), &usage);
  return usage;
}

static char **
dup_strv (BargeJob *job, const char *name)
{
  GVariant *value = _barge_props_get (job->props, name);

  return value != NULL ? g_variant_dup_strv (value, NULL) : g_new0 (char *, 1);
}

/**
 * barge_job_dup_proxy_list:
 * @job: a #BargeJob
 *
 * Gets the job's own proxies. See [property@Barge.Job:proxy-list].
 *
 * Returns: (transfer full) (array zero-terminated=1): the proxies, in order
 *
 * Since: 0.2
 */
char **
barge_job_dup_proxy_list (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return dup_strv (job, "ProxyList");
}

/**
 * barge_job_dup_proxy_bypass_list:
 * @job: a #BargeJob
 *
 * Gets what the job reaches without its proxies.
 * See [property@Barge.Job:proxy-bypass-list].
 *
 * Returns: (transfer full) (array zero-terminated=1): the entries
 *
 * Since: 0.2
 */
char **
barge_job_dup_proxy_bypass_list (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return dup_strv (job, "ProxyBypassList");
}

/**
 * barge_job_get_tls_crl_file:
 * @job: a #BargeJob
 *
 * Gets the revocation lists of the job's TLS checks.
 * See [property@Barge.Job:tls-crl-file].
 *
 * Returns: the path, or "" for none
 *
 * Since: 0.2
 */
const char *
barge_job_get_tls_crl_file (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), "");

  return _barge_props_get_string (job->props, "TlsCrlFile");
}

/**
 * barge_job_dup_tls_ignore:
 * @job: a #BargeJob
 *
 * Gets the faults forgiven in a certificate of the job's CA file.
 * See [property@Barge.Job:tls-ignore].
 *
 * Returns: (transfer full) (array zero-terminated=1): "expired",
 *   "wrong-host", or none
 *
 * Since: 0.2
 */
char **
barge_job_dup_tls_ignore (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return dup_strv (job, "TlsIgnore");
}

/**
 * barge_job_dup_custom_header_names:
 * @job: a #BargeJob
 *
 * Gets the names of the job's custom headers, in order.
 * See [property@Barge.Job:custom-headers].
 *
 * Returns: (transfer full) (array zero-terminated=1): the names
 *
 * Since: 0.2
 */
char **
barge_job_dup_custom_header_names (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return dup_strv (job, "CustomHeaders");
}

/**
 * barge_job_get_tls_check_revocation:
 * @job: a #BargeJob
 *
 * Gets whether the certificates the system trusts must pass their
 * revocation lists. See [property@Barge.Job:tls-check-revocation].
 *
 * Returns: %TRUE when they must
 *
 * Since: 0.2
 */
gboolean
barge_job_get_tls_check_revocation (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);

  return _barge_props_get_boolean (job->props, "TlsCheckRevocation");
}
