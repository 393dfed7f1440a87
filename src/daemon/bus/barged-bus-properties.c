/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedBus"

#include "config.h"

#include "barged-bus-properties.h"
#include "barged-errors.h"
#include "barged-notify.h"

/* --- reading ------------------------------------------------------------------------ */

static GVariant *
get_id (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_string (barged_job_get_job_id (job));
}

static GVariant *
get_display_name (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_string (barged_job_get_display_name (job));
}

static GVariant *
get_description (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_string (barged_job_get_description (job));
}

static GVariant *
get_type (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_string (barge_job_type_to_string (barged_job_get_job_type (job)));
}

static GVariant *
get_state (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_string (barge_job_state_to_string (barged_job_get_job_state (job)));
}

static GVariant *
get_priority (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_string (barge_job_priority_to_string (barged_job_get_job_priority (job)));
}

static GVariant *
get_owner (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_uint32 (barged_job_get_owner_uid (job));
}

static GVariant *
get_progress (BargedJob *job, BargedBusJob *bus_job)
{
  BargedJobProgress p;

  barged_job_get_progress (job, &p);
  return g_variant_new ("(tttt)", p.bytes_total, p.bytes_done, p.files_total, p.files_done);
}

static GVariant *
get_reply_progress (BargedJob *job, BargedBusJob *bus_job)
{
  guint64 total, received;

  barged_job_get_reply_progress (job, &total, &received);
  return g_variant_new ("(tt)", total, received);
}

static GVariant *
get_times (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new ("(ttt)", (guint64) barged_job_get_created (job), (guint64) barged_job_get_modified (job),
                        (guint64) barged_job_get_completed (job));
}

static GVariant *
get_error_count (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_uint32 (barged_job_get_error_count (job));
}

GVariant *
barged_bus_job_error (BargedJob *job, BargedBusJob *bus_job)
{
  const GError *error = barged_job_get_error (job);
  g_autofree char *name = NULL;
  g_autofree char *file = NULL;

  if (error == NULL)
    return g_variant_new ("(ssss)", "", "", "", "");
  name = g_dbus_error_encode_gerror (error);
  if (barged_job_get_error_file (job) >= 0)
    file = barged_bus_job_dup_file_path (bus_job, (guint) barged_job_get_error_file (job));
  return g_variant_new ("(ssss)", barge_error_context_to_string (barged_error_get_context (error)), name,
                        error->message, file != NULL ? file : "");
}

static GVariant *
get_minimum_retry_delay (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_uint32 (barged_job_get_minimum_retry_delay (job));
}

static GVariant *
get_no_progress_timeout (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_uint32 (barged_job_get_no_progress_timeout (job));
}

static GVariant *
get_minimum_notification_interval (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_uint32 (barged_job_get_minimum_notification_interval (job));
}

static GVariant *
get_maximum_download_time (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_uint32 (barged_job_get_maximum_download_time (job));
}

static GVariant *
get_notify_flags (BargedJob *job, BargedBusJob *bus_job)
{
  g_auto(GStrv) flags = barge_notify_flags_to_strv (barged_job_get_notify_flags (job));

  return g_variant_new_strv ((const char * const *) flags, -1);
}

static GVariant *
get_notify_command_line (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new ("(s^as)", barged_job_get_notify_program (job), barged_job_get_notify_arguments (job));
}

static GVariant *
get_cost_policy (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_string (barge_cost_policy_to_string (barged_job_get_cost_policy (job)));
}

static GVariant *
get_bandwidth_limit (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_uint64 (barged_job_get_bandwidth_limit (job));
}

static GVariant *
get_size_hint (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_uint64 (barged_job_get_size_hint (job));
}

static GVariant *
get_max_segments (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_uint32 (barged_job_get_max_segments (job));
}

static gboolean
set_max_segments (BargedJob *job, GVariant *value, GError **error)
{
  return barged_job_set_max_segments (job, g_variant_get_uint32 (value), error);
}

static GVariant *
get_keep_awake (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_boolean (barged_job_get_keep_awake (job));
}

static GVariant *
get_not_before (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_int64 (barged_job_get_not_before (job));
}

static GVariant *
get_transfer_window (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_string (barged_job_get_transfer_window (job));
}

static GVariant *
get_hold_reason (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_string (barge_hold_reason_to_string (barged_job_get_hold_reason (job)));
}

static GVariant *
get_http_status (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_uint32 (barged_job_get_http_status (job));
}

static GVariant *
get_upload_protocol (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_string (barge_upload_protocol_to_string (barged_job_get_upload_protocol (job)));
}

static GVariant *
get_reply_file_name (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_string (barged_job_get_reply_file_name (job));
}

static GVariant *
get_credentials (BargedJob *job, BargedBusJob *bus_job)
{
  return barged_job_dup_credentials (job);
}

static GVariant *
get_redirect_policy (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_string (barge_redirect_policy_to_string (barged_job_get_redirect_policy (job)));
}

static gboolean
set_redirect_policy (BargedJob *job, GVariant *value, GError **error)
{
  BargeRedirectPolicy policy;

  if (!barge_redirect_policy_from_string (g_variant_get_string (value, NULL), &policy))
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "unknown redirect policy \"%s\" (allow, allow-report or disallow)",
                   g_variant_get_string (value, NULL));
      return FALSE;
    }
  return barged_job_set_redirect_policy (job, policy, error);
}

static GVariant *
get_allow_https_to_http (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_boolean (barged_job_get_allow_https_to_http (job));
}

static gboolean
set_allow_https_to_http (BargedJob *job, GVariant *value, GError **error)
{
  return barged_job_set_allow_https_to_http (job, g_variant_get_boolean (value), error);
}

static GVariant *
get_tls_ca_file (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_string (barged_job_get_tls_ca_file (job));
}

static GVariant *
get_tls_crl_file (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_string (barged_job_get_tls_crl_file (job));
}

static GVariant *
get_tls_check_revocation (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_boolean (barged_job_get_tls_check_revocation (job));
}

static GVariant *
get_tls_ignore (BargedJob *job, BargedBusJob *bus_job)
{
  g_auto(GStrv) ignore = barged_job_dup_tls_ignore (job);

  return g_variant_new_strv ((const char * const *) ignore, -1);
}

static GVariant *
get_custom_headers_write_only (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_boolean (barged_job_get_custom_headers_write_only (job));
}

static GVariant *
get_proxy_usage (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_string (barge_proxy_usage_to_string (barged_job_get_proxy_usage (job)));
}

static GVariant *
get_proxy_list (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_strv (barged_job_get_proxy_list (job), -1);
}

static GVariant *
get_proxy_bypass_list (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_strv (barged_job_get_proxy_bypass_list (job), -1);
}

static GVariant *
get_tls_client_certificate (BargedJob *job, BargedBusJob *bus_job)
{
  return g_variant_new_string (barged_job_get_tls_client_certificate (job));
}

static GVariant *
get_custom_headers (BargedJob *job, BargedBusJob *bus_job)
{
  return barged_job_dup_custom_header_names (job);
}

static GVariant *
get_files (BargedJob *job, BargedBusJob *bus_job)
{
  GVariantBuilder paths;

  g_variant_builder_init (&paths, G_VARIANT_TYPE ("ao"));
  for (guint i = 0; i < barged_job_get_n_files (job); i++)
    {
      g_autofree char *path = barged_bus_job_dup_file_path (bus_job, i);

      g_variant_builder_add (&paths, "o", path);
    }
  return g_variant_builder_end (&paths);
}

/* --- writing -------------------------------------------------------------------------- */

static gboolean
set_display_name (BargedJob *job, GVariant *value, GError **error)
{
  return barged_job_set_display_name (job, g_variant_get_string (value, NULL), error);
}

static gboolean
set_description (BargedJob *job, GVariant *value, GError **error)
{
  return barged_job_set_description (job, g_variant_get_string (value, NULL), error);
}

static gboolean
set_priority (BargedJob *job, GVariant *value, GError **error)
{
  BargeJobPriority priority;

  if (!barge_job_priority_from_string (g_variant_get_string (value, NULL), &priority))
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "unknown priority \"%s\" (foreground, high, normal or low)", g_variant_get_string (value, NULL));
      return FALSE;
    }
  return barged_job_set_priority (job, priority, error);
}

static gboolean
set_cost_policy (BargedJob *job, GVariant *value, GError **error)
{
  BargeCostPolicy policy;

  if (!barge_cost_policy_from_string (g_variant_get_string (value, NULL), &policy))
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "unknown cost policy \"%s\" (any or unmetered)",
                   g_variant_get_string (value, NULL));
      return FALSE;
    }
  return barged_job_set_cost_policy (job, policy, error);
}

static gboolean
set_size_hint (BargedJob *job, GVariant *value, GError **error)
{
  return barged_job_set_size_hint (job, g_variant_get_uint64 (value), error);
}

static gboolean
set_bandwidth_limit (BargedJob *job, GVariant *value, GError **error)
{
  return barged_job_set_bandwidth_limit (job, g_variant_get_uint64 (value), error);
}

static gboolean
set_not_before (BargedJob *job, GVariant *value, GError **error)
{
  return barged_job_set_not_before (job, g_variant_get_int64 (value), error);
}

static gboolean
set_transfer_window (BargedJob *job, GVariant *value, GError **error)
{
  return barged_job_set_transfer_window (job, g_variant_get_string (value, NULL), error);
}

static gboolean
set_notify_flags (BargedJob *job, GVariant *value, GError **error)
{
  g_autofree const char **strv = g_variant_get_strv (value, NULL);
  BargeNotifyFlags flags;

  return barged_notify_flags_parse (strv, &flags, error) && barged_job_set_notify_flags (job, flags, error);
}

static gboolean
set_notify_command_line (BargedJob *job, GVariant *value, GError **error)
{
  g_autofree const char **args = NULL;
  const char *program;

  g_variant_get (value, "(&s^a&s)", &program, &args);
  return barged_job_set_notify_command_line (job, program, args, error);
}

static gboolean
set_minimum_retry_delay (BargedJob *job, GVariant *value, GError **error)
{
  return barged_job_set_minimum_retry_delay (job, g_variant_get_uint32 (value), error);
}

static gboolean
set_no_progress_timeout (BargedJob *job, GVariant *value, GError **error)
{
  return barged_job_set_no_progress_timeout (job, g_variant_get_uint32 (value), error);
}

static gboolean
set_minimum_notification_interval (BargedJob *job, GVariant *value, GError **error)
{
  return barged_job_set_minimum_notification_interval (job, g_variant_get_uint32 (value), error);
}

static gboolean
set_maximum_download_time (BargedJob *job, GVariant *value, GError **error)
{
  return barged_job_set_maximum_download_time (job, g_variant_get_uint32 (value), error);
}

static gboolean
set_reply_file_name (BargedJob *job, GVariant *value, GError **error)
{
  return barged_job_set_reply_file_name (job, g_variant_get_string (value, NULL), error);
}

/* --- the table ------------------------------------------------------------------------- */

/* In the order of introspection/org.freedesktop.Barge1.Job.xml. */
static const BargedBusJobProperty job_properties[BARGED_BUS_JOB_N_PROPERTIES] = {
  { "Id", 0, FALSE, FALSE, get_id, NULL },
  { "DisplayName", BARGED_JOB_PROP_DISPLAY_NAME, FALSE, FALSE, get_display_name, set_display_name },
  { "Description", BARGED_JOB_PROP_DESCRIPTION, FALSE, FALSE, get_description, set_description },
  { "Type", 0, FALSE, FALSE, get_type, NULL },
  { "State", BARGED_JOB_PROP_STATE, FALSE, FALSE, get_state, NULL },
  { "Priority", BARGED_JOB_PROP_PRIORITY, FALSE, FALSE, get_priority, set_priority },
  { "Owner", BARGED_JOB_PROP_OWNER, FALSE, FALSE, get_owner, NULL },
  { "Progress", BARGED_JOB_PROP_PROGRESS, TRUE, FALSE, get_progress, NULL },
  { "ReplyProgress", BARGED_JOB_PROP_REPLY_PROGRESS, TRUE, FALSE, get_reply_progress, NULL },
  { "Times", BARGED_JOB_PROP_TIMES, TRUE, FALSE, get_times, NULL },
  { "ErrorCount", BARGED_JOB_PROP_ERROR, FALSE, FALSE, get_error_count, NULL },
  { "Error", BARGED_JOB_PROP_ERROR, FALSE, FALSE, barged_bus_job_error, NULL },
  { "MinimumRetryDelay", BARGED_JOB_PROP_MINIMUM_RETRY_DELAY, FALSE, FALSE, get_minimum_retry_delay,
    set_minimum_retry_delay },
  { "NoProgressTimeout", BARGED_JOB_PROP_NO_PROGRESS_TIMEOUT, FALSE, FALSE, get_no_progress_timeout,
    set_no_progress_timeout },
  { "MinimumNotificationInterval", BARGED_JOB_PROP_MINIMUM_NOTIFICATION_INTERVAL, FALSE, FALSE,
    get_minimum_notification_interval, set_minimum_notification_interval },
  { "MaximumDownloadTime", BARGED_JOB_PROP_MAXIMUM_DOWNLOAD_TIME, FALSE, FALSE, get_maximum_download_time,
    set_maximum_download_time },
  { "NotifyFlags", BARGED_JOB_PROP_NOTIFY_FLAGS, FALSE, FALSE, get_notify_flags, set_notify_flags },
  { "NotifyCommandLine", BARGED_JOB_PROP_NOTIFY_COMMAND_LINE, FALSE, FALSE, get_notify_command_line,
    set_notify_command_line },
  { "CostPolicy", BARGED_JOB_PROP_COST_POLICY, FALSE, FALSE, get_cost_policy, set_cost_policy },
  { "BandwidthLimit", BARGED_JOB_PROP_BANDWIDTH_LIMIT, FALSE, FALSE, get_bandwidth_limit, set_bandwidth_limit },
  { "MaxSegments", BARGED_JOB_PROP_MAX_SEGMENTS, FALSE, FALSE, get_max_segments, set_max_segments },
  /* Given at CreateJob only. */
  { "KeepAwake", 0, FALSE, FALSE, get_keep_awake, NULL },
  { "NotBefore", BARGED_JOB_PROP_NOT_BEFORE, FALSE, FALSE, get_not_before, set_not_before },
  { "TransferWindow", BARGED_JOB_PROP_TRANSFER_WINDOW, FALSE, FALSE, get_transfer_window, set_transfer_window },
  { "SizeHint", BARGED_JOB_PROP_SIZE_HINT, FALSE, FALSE, get_size_hint, set_size_hint },
  { "HoldReason", BARGED_JOB_PROP_HOLD_REASON, FALSE, FALSE, get_hold_reason, NULL },
  { "HttpStatus", BARGED_JOB_PROP_ERROR, FALSE, FALSE, get_http_status, NULL },
  { "UploadProtocol", 0, FALSE, FALSE, get_upload_protocol, NULL },
  { "ReplyFileName", BARGED_JOB_PROP_REPLY_FILE_NAME, FALSE, FALSE, get_reply_file_name, set_reply_file_name },
  { "Credentials", BARGED_JOB_PROP_CREDENTIALS, FALSE, FALSE, get_credentials, NULL },
  { "CustomHeaders", BARGED_JOB_PROP_CUSTOM_HEADERS, FALSE, FALSE, get_custom_headers, NULL },
  { "CustomHeadersWriteOnly", BARGED_JOB_PROP_CUSTOM_HEADERS, FALSE, FALSE, get_custom_headers_write_only, NULL },
  { "RedirectPolicy", BARGED_JOB_PROP_REDIRECT_POLICY, FALSE, FALSE, get_redirect_policy, set_redirect_policy },
  { "AllowHttpsToHttp", BARGED_JOB_PROP_REDIRECT_POLICY, FALSE, FALSE, get_allow_https_to_http,
    set_allow_https_to_http },
  { "TlsCaFile", BARGED_JOB_PROP_TLS, FALSE, FALSE, get_tls_ca_file, NULL },
  { "TlsCrlFile", BARGED_JOB_PROP_TLS, FALSE, FALSE, get_tls_crl_file, NULL },
  { "TlsIgnore", BARGED_JOB_PROP_TLS, FALSE, FALSE, get_tls_ignore, NULL },
  { "TlsClientCertificate", BARGED_JOB_PROP_TLS, FALSE, FALSE, get_tls_client_certificate, NULL },
  { "TlsCheckRevocation", BARGED_JOB_PROP_TLS, FALSE, FALSE, get_tls_check_revocation, NULL },
  { "ProxyUsage", BARGED_JOB_PROP_PROXY, FALSE, FALSE, get_proxy_usage, NULL },
  { "ProxyList", BARGED_JOB_PROP_PROXY, FALSE, FALSE, get_proxy_list, NULL },
  { "ProxyBypassList", BARGED_JOB_PROP_PROXY, FALSE, FALSE, get_proxy_bypass_list, NULL },
  /* A job of 10,000 files would send 10,000 paths per new file. */
  { "Files", BARGED_JOB_PROP_FILES, FALSE, TRUE, get_files, NULL },
};

const BargedBusJobProperty *
barged_bus_job_property (guint index)
{
  g_return_val_if_fail (index < BARGED_BUS_JOB_N_PROPERTIES, NULL);
  return &job_properties[index];
}

gint
barged_bus_job_property_lookup (const char *name)
{
  for (guint i = 0; i < BARGED_BUS_JOB_N_PROPERTIES; i++)
    if (g_str_equal (job_properties[i].name, name))
      return (gint) i;
  return -1;
}

guint64
barged_bus_job_properties_of (guint source)
{
  guint64 bits = 0;

  for (guint i = 0; i < BARGED_BUS_JOB_N_PROPERTIES; i++)
    if (job_properties[i].source != 0 && (guint) job_properties[i].source == source)
      bits |= G_GUINT64_CONSTANT (1) << i;
  return bits;
}

guint64
barged_bus_job_coalesced_mask (void)
{
  guint64 bits = 0;

  for (guint i = 0; i < BARGED_BUS_JOB_N_PROPERTIES; i++)
    if (job_properties[i].coalesced)
      bits |= G_GUINT64_CONSTANT (1) << i;
  return bits;
}

GVariant *
barged_bus_file_progress (BargedFile *file)
{
  return g_variant_new ("(ttb)", barged_file_get_bytes_total (file), barged_file_get_done (file),
                        barged_file_get_completed (file));
}
