/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedJob"

#include "config.h"

#include "barged-errors.h"
#include "barged-job-private.h"
#include "barged-log.h"
#include "barged-notify.h"
#include "barged-stored-text.h"

/* The job as the store keeps it (BargedJobRecord): text for the enums, as
 * the database has always held them, so that a database stays readable
 * whatever the engine's types become. */

static char *
notify_flags_text (BargeNotifyFlags flags)
{
  g_auto(GStrv) names = barge_notify_flags_to_strv (flags);
  g_autoptr(GVariant) value = g_variant_ref_sink (g_variant_new_strv ((const char * const *) names, -1));

  return g_variant_print (value, FALSE);
}

static char *
command_line_text (BargedJob *self)
{
  g_autoptr(GVariant) value = g_variant_ref_sink (
    g_variant_new ("(s^as)", self->notify_program, self->notify_args));

  return g_variant_print (value, FALSE);
}

BargedJobRecord *
_barged_job_to_record (BargedJob *self)
{
  BargedJobRecord *r = g_new0 (BargedJobRecord, 1);

  r->id = g_strdup (self->id);
  r->owner = self->owner;
  r->type = g_strdup (barge_job_type_to_string (self->type));
  r->state = g_strdup (barge_job_state_to_string (self->state));
  r->display_name = g_strdup (self->display_name);
  r->description = g_strdup (self->description);
  r->priority = g_strdup (barge_job_priority_to_string (self->priority));
  r->created = self->created;
  r->modified = self->modified;
  r->completed = self->completed;
  r->error_count = self->error_count;
  r->error_context = g_strdup (self->error != NULL
                               ? barge_error_context_to_string (barged_error_get_context (self->error)) : "");
  r->error_name = g_strdup (self->error != NULL ? barge_error_to_dbus_name (self->error->code) : "");
  r->error_message = g_strdup (self->error != NULL ? self->error->message : "");
  r->error_file = self->error_file;
  r->minimum_retry_delay = self->minimum_retry_delay;
  r->no_progress_timeout = self->no_progress_timeout;
  r->notification_interval = self->notification_interval;
  r->first_transient_error = self->first_transient_error;
  r->maximum_download_time = self->maximum_download_time;
  r->download_time_used = self->download_time_used;
  r->retry_at = self->retry_at;
  r->http_status = self->http_status;
  r->notify_flags = notify_flags_text (self->notify_flags);
  r->notify_command_line = command_line_text (self);
  r->cost_policy = g_strdup (barge_cost_policy_to_string (self->cost_policy));
  return r;
}

/* Settings of later features, kept as GVariant text in the job's data
 * (BARGED_STORE_SETTINGS_KEY) rather than in columns: a dictionary, so a
 * newer key read by an older barged is ignored, not an error. */
char *
_barged_job_settings_to_data (BargedJob *self)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(GVariant) v = NULL;
  guint64 limit = barged_bandwidth_get_rate (self->bandwidth);

  if (limit != 0)
    g_variant_dict_insert (&dict, "bandwidth-limit", "t", limit);
  if (self->keep_awake)
    g_variant_dict_insert (&dict, "keep-awake", "b", TRUE);
  if (self->max_segments != 0)
    g_variant_dict_insert (&dict, "max-segments", "u", self->max_segments);
  if (self->redirect_policy != BARGE_REDIRECT_POLICY_ALLOW)
    g_variant_dict_insert (&dict, "redirect-policy", "s", barge_redirect_policy_to_string (self->redirect_policy));
  if (self->allow_https_to_http)
    g_variant_dict_insert (&dict, "allow-https-to-http", "b", TRUE);
  if (self->headers_write_only)
    g_variant_dict_insert (&dict, "custom-headers-write-only", "b", TRUE);
  /* Paths only: what the files hold is read again at the next start. */
  if (self->tls_ca_file != NULL)
    g_variant_dict_insert (&dict, "tls-ca-file", "s", self->tls_ca_file);
  if (self->tls_client_certificate != NULL)
    g_variant_dict_insert (&dict, "tls-client-certificate", "s", self->tls_client_certificate);
  if (self->tls_crl_file != NULL)
    g_variant_dict_insert (&dict, "tls-crl-file", "s", self->tls_crl_file);
  if (self->tls_check_revocation)
    g_variant_dict_insert (&dict, "tls-check-revocation", "b", TRUE);
  if (self->tls_ignore != 0)
    {
      g_auto(GStrv) ignore = barged_job_dup_tls_ignore (self);
      g_variant_dict_insert (&dict, "tls-ignore", "^as", ignore);
    }
  if (self->proxy_usage != BARGE_PROXY_USAGE_SYSTEM)
    {
      g_variant_dict_insert (&dict, "proxy-usage", "s", barge_proxy_usage_to_string (self->proxy_usage));
      g_variant_dict_insert_value (&dict, "proxy-list", g_variant_new_strv (barged_job_get_proxy_list (self), -1));
      g_variant_dict_insert_value (&dict, "proxy-bypass",
                                   g_variant_new_strv (barged_job_get_proxy_bypass_list (self), -1));
    }
  if (self->not_before != 0)
    g_variant_dict_insert (&dict, "not-before", "x", self->not_before);
  if (self->window_text[0] != '\0')
    g_variant_dict_insert (&dict, "transfer-window", "s", self->window_text);
  if (self->size_hint != 0)
    g_variant_dict_insert (&dict, "size-hint", "t", self->size_hint);
  v = g_variant_ref_sink (g_variant_dict_end (&dict));
  return g_variant_print (v, TRUE);
}

static void
apply_settings (BargedJob *self, const char *data)
{
  g_autoptr(GVariant) v = data != NULL ? barged_stored_text_parse (G_VARIANT_TYPE_VARDICT, data) : NULL;
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
  guint64 limit = 0;
  gint64 not_before = 0;
  const char *window = NULL;
  const char *redirect_policy = NULL;
  g_autofree const char **tls_ignore = NULL;
  const char *proxy_usage = NULL;
  g_autofree const char **proxy_list = NULL;
  g_autofree const char **proxy_bypass = NULL;
  BargeProxyUsage usage = BARGE_PROXY_USAGE_SYSTEM;

  if (data != NULL && v == NULL)
    {
      /* Except one: the header values may be tokens a client hid. */
      barged_job_log (self, G_LOG_LEVEL_WARNING,
                      "its settings are damaged: the defaults hold, and its custom headers stay write-only");
      self->headers_write_only = TRUE;
    }
  if (v == NULL)
    return;
  g_variant_dict_init (&dict, v);
  /* Checked as a client's value would be: what fails keeps the default. */
  if (g_variant_dict_lookup (&dict, "bandwidth-limit", "t", &limit) && barged_bandwidth_rate_is_valid (limit))
    barged_bandwidth_set_rate (self->bandwidth, limit);
  if (!g_variant_dict_lookup (&dict, "keep-awake", "b", &self->keep_awake))
    self->keep_awake = FALSE;
  if (!g_variant_dict_lookup (&dict, "size-hint", "t", &self->size_hint) || self->size_hint > BARGED_MAX_SIZE_HINT)
    self->size_hint = 0;
  if (!g_variant_dict_lookup (&dict, "max-segments", "u", &self->max_segments) ||
      self->max_segments > BARGED_MAX_SEGMENTS)
    self->max_segments = 0;
  /* A damaged value falls back to the strictest one, never to "allow". */
  if (g_variant_dict_lookup (&dict, "redirect-policy", "&s", &redirect_policy) &&
      !barge_redirect_policy_from_string (redirect_policy, &self->redirect_policy))
    self->redirect_policy = BARGE_REDIRECT_POLICY_DISALLOW;
  if (!g_variant_dict_lookup (&dict, "allow-https-to-http", "b", &self->allow_https_to_http))
    self->allow_https_to_http = FALSE;
  if (!g_variant_dict_lookup (&dict, "custom-headers-write-only", "b", &self->headers_write_only))
    self->headers_write_only = FALSE;
  g_clear_pointer (&self->tls_ca_file, g_free);
  g_clear_pointer (&self->tls_client_certificate, g_free);
  g_variant_dict_lookup (&dict, "tls-ca-file", "s", &self->tls_ca_file);
  g_variant_dict_lookup (&dict, "tls-client-certificate", "s", &self->tls_client_certificate);
  g_variant_dict_lookup (&dict, "proxy-usage", "&s", &proxy_usage);
  g_variant_dict_lookup (&dict, "proxy-list", "^a&s", &proxy_list);
  g_variant_dict_lookup (&dict, "proxy-bypass", "^a&s", &proxy_bypass);
  /* A record no barged wrote: the daemon's settings, not half of these. */
  if (proxy_usage != NULL &&
      (!barge_proxy_usage_from_string (proxy_usage, &usage) ||
       !_barged_job_check_proxy_settings (usage, proxy_list, proxy_bypass, NULL)))
    {
      barged_job_log (self, G_LOG_LEVEL_WARNING, "its proxy settings are damaged: the daemon's hold");
      usage = BARGE_PROXY_USAGE_SYSTEM;
      g_clear_pointer (&proxy_list, g_free);
      g_clear_pointer (&proxy_bypass, g_free);
    }
  _barged_job_apply_proxy_settings (self, usage, proxy_list, proxy_bypass);
  g_clear_pointer (&self->tls_crl_file, g_free);
  g_variant_dict_lookup (&dict, "tls-crl-file", "s", &self->tls_crl_file);
  self->tls_check_revocation = FALSE;
  g_variant_dict_lookup (&dict, "tls-check-revocation", "b", &self->tls_check_revocation);
  self->tls_ignore = 0;
  if (g_variant_dict_lookup (&dict, "tls-ignore", "^a&s", &tls_ignore) &&
      !barged_tls_parse_ignore (tls_ignore, &self->tls_ignore, NULL))
    self->tls_ignore = 0;  /* a record no barged wrote: forgive nothing */
  g_variant_dict_lookup (&dict, "not-before", "x", &not_before);
  g_variant_dict_lookup (&dict, "transfer-window", "&s", &window);
  if (not_before != 0 || window != NULL)
    _barged_job_times_restore (self, not_before, window);
}

static void
apply_notify_settings (BargedJob *self, const BargedJobRecord *r)
{
  /* A record written by hand (or damaged) is checked as a client's value
   * would be (barged-notify.c, a fuzz target): what fails keeps the
   * default. */
  g_auto(GStrv) flags = barged_notify_flags_from_text (r->notify_flags, &self->notify_flags);
  g_autoptr(GVariant) cmdline = barged_notify_command_line_from_text (r->notify_command_line);

  if (cmdline != NULL)
    {
      g_free (self->notify_program);
      g_strfreev (self->notify_args);
      g_variant_get (cmdline, "(s^as)", &self->notify_program, &self->notify_args);
    }
}

/* A job restored from @r: its settings, and a state it may be in after a
 * restart. */
void
_barged_job_apply_record (BargedJob *self, const BargedJobRecord *r)
{
  BargeJobState state = BARGE_JOB_STATE_SUSPENDED;
  BargeErrorContext context;
  BargeError code;

  barge_job_state_from_string (r->state, &state);
  self->created = r->created;
  self->modified = r->modified;
  self->completed = r->completed;
  self->error_count = r->error_count;
  self->first_transient_error = r->first_transient_error;
  g_free (self->display_name);
  self->display_name = g_strdup (r->display_name);
  g_free (self->description);
  self->description = g_strdup (r->description);
  barge_job_priority_from_string (r->priority, &self->priority);
  /* A stored policy that does not parse (damage) is the strictest, not
   * "any": a job kept off metered links must not go on them. */
  if (r->cost_policy != NULL && !barge_cost_policy_from_string (r->cost_policy, &self->cost_policy))
    {
      barged_job_log (self, G_LOG_LEVEL_WARNING, "its cost policy is damaged: unmetered only");
      self->cost_policy = BARGE_COST_POLICY_UNMETERED;
    }
  self->minimum_retry_delay = r->minimum_retry_delay;
  self->no_progress_timeout = r->no_progress_timeout;
  self->notification_interval = r->notification_interval;
  self->maximum_download_time = r->maximum_download_time;
  self->download_time_used = r->download_time_used;
  self->http_status = r->http_status;
  apply_notify_settings (self, r);
  apply_settings (self, r->settings);
  _barged_job_update_bandwidth (self);
  if (barge_error_from_dbus_name (r->error_name, &code) &&
      barge_error_context_from_string (r->error_context, &context))
    {
      self->error = g_error_new_literal (BARGE_ERROR, code, r->error_message);
      self->error_file = r->error_file;
    }

  /* A job that was moving bytes when the daemon stopped goes back to the
   * queue; its files resume from their durable offsets. One waiting out a
   * retry delay waits what is left of it. */
  if (state == BARGE_JOB_STATE_TRANSIENT_ERROR && r->retry_at > g_get_real_time () && self->error != NULL)
    self->retry_at = r->retry_at;
  else if (state == BARGE_JOB_STATE_CONNECTING || state == BARGE_JOB_STATE_TRANSFERRING ||
           state == BARGE_JOB_STATE_TRANSIENT_ERROR)
    state = BARGE_JOB_STATE_QUEUED;
  if (state != BARGE_JOB_STATE_ERROR && state != BARGE_JOB_STATE_TRANSIENT_ERROR)
    {
      g_clear_error (&self->error);
      self->http_status = 0;
      self->error_file = -1;
    }
  self->state = state;
  if (self->retry_at != 0)
    _barged_job_retry_arm (self);
  /* BITS: a job still in "transferred" or "error" at a restart runs its
   * notify program again (barged_job_announce_restored). */
  self->notify_on_restore = (state == BARGE_JOB_STATE_TRANSFERRED || state == BARGE_JOB_STATE_ERROR) &&
                            *self->notify_program != '\0' &&
                            !g_error_matches (self->error, BARGE_ERROR, BARGE_ERROR_NOTIFICATION_FAILED);
}
