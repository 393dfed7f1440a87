/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include <string.h>

#include "barge-job-options.h"
#include "barge-private.h"

/* What was set, so that unset options are left to the daemon's defaults. */
typedef enum {
  SET_DESCRIPTION = 1 << 0,
  SET_PRIORITY = 1 << 1,
  SET_COST_POLICY = 1 << 2,
  SET_UPLOAD_PROTOCOL = 1 << 3,
  SET_BANDWIDTH_LIMIT = 1 << 4,
  SET_KEEP_AWAKE = 1 << 5,
  SET_NOT_BEFORE = 1 << 6,
  SET_TRANSFER_WINDOW = 1 << 7,
  SET_SIZE_HINT = 1 << 8,
  SET_MAX_SEGMENTS = 1 << 9,
  SET_REDIRECT_POLICY = 1 << 10,
  SET_ALLOW_HTTPS_TO_HTTP = 1 << 11,
  SET_CUSTOM_HEADERS = 1 << 12,
  SET_PROXY = 1 << 13,
  SET_TLS = 1 << 14,
} SetMask;

struct _BargeJobOptions
{
  SetMask set;
  char *description;
  BargeJobPriority priority;
  BargeCostPolicy cost_policy;
  BargeUploadProtocol upload_protocol;
  guint64 bandwidth_limit;
  gboolean keep_awake;
  gint64 not_before;
  char *transfer_window;
  guint64 size_hint;
  guint max_segments;
  BargeRedirectPolicy redirect_policy;
  gboolean allow_https_to_http;
  char **custom_headers;      /* "Name: value" */
  BargeProxyUsage proxy_usage;
  char **proxy_list;
  char **proxy_bypass;
  GVariant *tls_options;      /* a{sv}, as SetTlsOptions takes it */
};

G_DEFINE_BOXED_TYPE (BargeJobOptions, barge_job_options,
                     barge_job_options_copy, barge_job_options_free)

/**
 * barge_job_options_new:
 *
 * Creates options with nothing set: the daemon's defaults for everything.
 *
 * Returns: (transfer full): new #BargeJobOptions
 */
BargeJobOptions *
barge_job_options_new (void)
{
  return g_new0 (BargeJobOptions, 1);
}

/**
 * barge_job_options_copy:
 * @options: a #BargeJobOptions
 *
 * Copies @options.
 *
 * Returns: (transfer full): a copy of @options
 */
BargeJobOptions *
barge_job_options_copy (const BargeJobOptions *options)
{
  BargeJobOptions *copy;

  g_return_val_if_fail (options != NULL, NULL);

  copy = g_memdup2 (options, sizeof *options);
  copy->description = g_strdup (options->description);
  copy->transfer_window = g_strdup (options->transfer_window);
  copy->custom_headers = g_strdupv (options->custom_headers);
  copy->proxy_list = g_strdupv (options->proxy_list);
  copy->proxy_bypass = g_strdupv (options->proxy_bypass);
  copy->tls_options = options->tls_options != NULL ? g_variant_ref (options->tls_options) : NULL;
  return copy;
}

/**
 * barge_job_options_free:
 * @options: (transfer full): a #BargeJobOptions
 *
 * Frees @options.
 */
void
barge_job_options_free (BargeJobOptions *options)
{
  g_return_if_fail (options != NULL);

  g_free (options->description);
  g_free (options->transfer_window);
  g_strfreev (options->custom_headers);
  g_strfreev (options->proxy_list);
  g_strfreev (options->proxy_bypass);
  g_clear_pointer (&options->tls_options, g_variant_unref);
  g_free (options);
}

/**
 * barge_job_options_set_description:
 * @options: a #BargeJobOptions
 * @description: a text for users, at most 1024 characters
 *
 * Sets the `description` option.
 */
void
barge_job_options_set_description (BargeJobOptions *options, const char *description)
{
  g_return_if_fail (options != NULL);
  g_return_if_fail (description != NULL);

  g_free (options->description);
  options->description = g_strdup (description);
  options->set |= SET_DESCRIPTION;
}

/**
 * barge_job_options_set_priority:
 * @options: a #BargeJobOptions
 * @priority: the job's priority
 *
 * Sets the `priority` option (the daemon's default is
 * %BARGE_JOB_PRIORITY_NORMAL).
 */
void
barge_job_options_set_priority (BargeJobOptions *options, BargeJobPriority priority)
{
  g_return_if_fail (options != NULL);

  options->priority = priority;
  options->set |= SET_PRIORITY;
}

/**
 * barge_job_options_set_cost_policy:
 * @options: a #BargeJobOptions
 * @policy: on which networks the job may transfer
 *
 * Sets the `cost-policy` option (the daemon's default is
 * %BARGE_COST_POLICY_ANY).
 */
void
barge_job_options_set_cost_policy (BargeJobOptions *options, BargeCostPolicy policy)
{
  g_return_if_fail (options != NULL);

  options->cost_policy = policy;
  options->set |= SET_COST_POLICY;
}

/**
 * barge_job_options_set_upload_protocol:
 * @options: a #BargeJobOptions
 * @protocol: how the upload is sent
 *
 * Sets the `upload-protocol` option, which upload and upload-reply jobs need
 * and download jobs refuse; upload-reply jobs need %BARGE_UPLOAD_PROTOCOL_BITS,
 * the only protocol with a reply. %BARGE_UPLOAD_PROTOCOL_NONE unsets it.
 */
void
barge_job_options_set_upload_protocol (BargeJobOptions *options, BargeUploadProtocol protocol)
{
  g_return_if_fail (options != NULL);

  options->upload_protocol = protocol;
  if (protocol == BARGE_UPLOAD_PROTOCOL_NONE)
    options->set &= ~SET_UPLOAD_PROTOCOL;
  else
    options->set |= SET_UPLOAD_PROTOCOL;
}

/**
 * barge_job_options_set_bandwidth_limit:
 * @options: a #BargeJobOptions
 * @bytes_per_second: the most bytes per second the job may move, all its
 *   files together; 0 for no limit of its own
 *
 * Sets the `bandwidth-limit` option (the daemon's default is 0, no limit).
 * The daemon takes 0, or 1024 to 100000000000, and refuses other values
 * with %BARGE_ERROR_INVALID_ARGUMENT. See [property@Barge.Job:bandwidth-limit].
 */
void
barge_job_options_set_bandwidth_limit (BargeJobOptions *options, guint64 bytes_per_second)
{
  g_return_if_fail (options != NULL);

  options->bandwidth_limit = bytes_per_second;
  options->set |= SET_BANDWIDTH_LIMIT;
}

/**
 * barge_job_options_set_size_hint:
 * @options: a #BargeJobOptions
 * @bytes: the bytes the job is expected to move in all; 0 for no hint
 *
 * Sets the `size-hint` option (the daemon's default is 0, no hint). The
 * daemon takes 0 to 2^53 and refuses more with
 * %BARGE_ERROR_INVALID_ARGUMENT. See [property@Barge.Job:size-hint].
 */
void
barge_job_options_set_size_hint (BargeJobOptions *options, guint64 bytes)
{
  g_return_if_fail (options != NULL);

  options->size_hint = bytes;
  options->set |= SET_SIZE_HINT;
}

/**
 * barge_job_options_set_max_segments:
 * @options: a #BargeJobOptions
 * @max_segments: the most connections one file may use at once; 0 for
 *   automatic
 *
 * Sets the `max-segments` option (the daemon's default is 0: up to 4 for
 * a foreground job whose connection turns out to be the bottleneck, 1 for
 * the background priorities). The daemon takes 0
 * to 16 and refuses other values with %BARGE_ERROR_INVALID_ARGUMENT. See
 * [property@Barge.Job:max-segments].
 */
void
barge_job_options_set_max_segments (BargeJobOptions *options, guint max_segments)
{
  g_return_if_fail (options != NULL);

  options->max_segments = max_segments;
  options->set |= SET_MAX_SEGMENTS;
}

/**
 * barge_job_options_set_redirect_policy:
 * @options: a #BargeJobOptions
 * @policy: what a download does when a server redirects it
 *
 * Sets the `redirect-policy` option (the daemon's default is
 * %BARGE_REDIRECT_POLICY_ALLOW). See [property@Barge.Job:redirect-policy].
 *
 * Since: 0.2
 */
void
barge_job_options_set_redirect_policy (BargeJobOptions *options, BargeRedirectPolicy policy)
{
  g_return_if_fail (options != NULL);

  options->redirect_policy = policy;
  options->set |= SET_REDIRECT_POLICY;
}

/**
 * barge_job_options_set_allow_https_to_http:
 * @options: a #BargeJobOptions
 * @allow: whether a download follows a redirect from https to http
 *
 * Sets the `allow-https-to-http` option (the daemon's default is %FALSE).
 * See [property@Barge.Job:allow-https-to-http].
 *
 * Since: 0.2
 */
void
barge_job_options_set_allow_https_to_http (BargeJobOptions *options, gboolean allow)
{
  g_return_if_fail (options != NULL);

  options->allow_https_to_http = allow;
  options->set |= SET_ALLOW_HTTPS_TO_HTTP;
}

/**
 * barge_job_options_set_proxy_settings:
 * @options: a #BargeJobOptions
 * @usage: which proxy the job's requests go through
 * @proxies: (nullable) (array zero-terminated=1): with
 *   %BARGE_PROXY_USAGE_OVERRIDE, the proxies; %NULL otherwise
 * @bypass: (nullable) (array zero-terminated=1): with
 *   %BARGE_PROXY_USAGE_OVERRIDE, what is reached directly; %NULL otherwise
 *
 * Sets the `proxy-usage`, `proxy-list` and `proxy-bypass-list` options
 * (the daemon's default is %BARGE_PROXY_USAGE_SYSTEM), as
 * [method@Barge.Job.set_proxy_settings_async] takes them.
 *
 * Since: 0.2
 */
void
barge_job_options_set_proxy_settings (BargeJobOptions *options,
                                      BargeProxyUsage usage,
                                      const char * const *proxies,
                                      const char * const *bypass)
{
  g_return_if_fail (options != NULL);

  options->proxy_usage = usage;
  g_strfreev (options->proxy_list);
  g_strfreev (options->proxy_bypass);
  options->proxy_list = g_strdupv ((char **) proxies);
  options->proxy_bypass = g_strdupv ((char **) bypass);
  options->set |= SET_PROXY;
}

/**
 * barge_job_options_set_tls_options:
 * @options: a #BargeJobOptions
 * @ca_file: (nullable): as for [method@Barge.Job.set_tls_options_async]
 * @client_certificate: (nullable): as for [method@Barge.Job.set_tls_options_async]
 * @crl_file: (nullable): as for [method@Barge.Job.set_tls_checks_async]
 * @ignore: (nullable) (array zero-terminated=1): as for
 *   [method@Barge.Job.set_tls_checks_async]
 *
 * Sets the `tls-options` option: the job is created with these TLS
 * options, or, when the daemon cannot read a file as the caller (or one
 * is refused), not at all and the creation fails with that error.
 *
 * Since: 0.2
 */
void
barge_job_options_set_tls_options (BargeJobOptions *options,
                                   const char *ca_file,
                                   const char *client_certificate,
                                   const char *crl_file,
                                   const char * const *ignore)
{
  GVariantDict dict;
  gboolean check;

  g_return_if_fail (options != NULL);

  g_variant_dict_init (&dict, NULL);
  /* barge_job_options_set_tls_check_revocation()'s, whichever came first. */
  if (options->tls_options != NULL && g_variant_lookup (options->tls_options, "check-revocation", "b", &check))
    g_variant_dict_insert (&dict, "check-revocation", "b", check);
  if (ca_file != NULL)
    g_variant_dict_insert (&dict, "ca-file", "s", ca_file);
  if (client_certificate != NULL)
    g_variant_dict_insert (&dict, "client-certificate", "s", client_certificate);
  if (crl_file != NULL)
    g_variant_dict_insert (&dict, "crl-file", "s", crl_file);
  if (ignore != NULL)
    g_variant_dict_insert_value (&dict, "ignore", g_variant_new_strv (ignore, -1));
  g_clear_pointer (&options->tls_options, g_variant_unref);
  options->tls_options = g_variant_ref_sink (g_variant_dict_end (&dict));
  options->set |= SET_TLS;
}

/**
 * barge_job_options_set_tls_check_revocation:
 * @options: a #BargeJobOptions
 * @check: as for [method@Barge.Job.set_tls_check_revocation_async]
 *
 * Adds `check-revocation` to the `tls-options` option (beside what
 * [method@Barge.JobOptions.set_tls_options] set, before or after): the
 * job checks the revocation lists of the certificates the system trusts
 * from its first request.
 *
 * Since: 0.2
 */
void
barge_job_options_set_tls_check_revocation (BargeJobOptions *options, gboolean check)
{
  GVariantDict dict;

  g_return_if_fail (options != NULL);

  g_variant_dict_init (&dict, options->tls_options);
  g_variant_dict_insert (&dict, "check-revocation", "b", check);
  g_clear_pointer (&options->tls_options, g_variant_unref);
  options->tls_options = g_variant_ref_sink (g_variant_dict_end (&dict));
  options->set |= SET_TLS;
}

/**
 * barge_job_options_set_custom_headers:
 * @options: a #BargeJobOptions
 * @headers: (array zero-terminated=1) (nullable): `Name: value` strings, as
 *   for [method@Barge.Job.set_custom_headers_async]
 *
 * Sets the `custom-headers` option: the job sends these headers from its
 * first request. The daemon refuses what
 * [method@Barge.Job.set_custom_headers_async] refuses, and a string without
 * a colon (then named in the message), with %BARGE_ERROR_INVALID_ARGUMENT
 * from [method@Barge.Client.create_job_async].
 *
 * Since: 0.2
 */
void
barge_job_options_set_custom_headers (BargeJobOptions *options, const char * const *headers)
{
  g_return_if_fail (options != NULL);

  g_strfreev (options->custom_headers);
  options->custom_headers = g_strdupv ((char **) headers);
  options->set |= SET_CUSTOM_HEADERS;
}

/**
 * barge_job_options_set_keep_awake:
 * @options: a #BargeJobOptions
 * @keep_awake: whether the job keeps the machine awake while it transfers
 *
 * Sets the `keep-awake` option (the daemon's default is %FALSE): while the
 * job transfers in the foreground, the daemon holds a logind inhibitor
 * that blocks sleep. The daemon takes %TRUE only together with
 * %BARGE_JOB_PRIORITY_FOREGROUND and refuses it for other priorities with
 * %BARGE_ERROR_INVALID_ARGUMENT; on the system bus only administrators may
 * ask for it (%BARGE_ERROR_ACCESS_DENIED otherwise). See
 * [property@Barge.Job:keep-awake].
 */
void
barge_job_options_set_keep_awake (BargeJobOptions *options, gboolean keep_awake)
{
  g_return_if_fail (options != NULL);

  options->keep_awake = !!keep_awake;
  options->set |= SET_KEEP_AWAKE;
}

/**
 * barge_job_options_set_not_before:
 * @options: a #BargeJobOptions
 * @unix_seconds: the time before which the job transfers nothing, in Unix
 *   seconds (UTC); 0 for none
 *
 * Sets the `not-before` option (the daemon's default is 0, none). The
 * daemon refuses a time in the past with %BARGE_ERROR_INVALID_ARGUMENT.
 * See [property@Barge.Job:not-before].
 */
void
barge_job_options_set_not_before (BargeJobOptions *options, gint64 unix_seconds)
{
  g_return_if_fail (options != NULL);

  options->not_before = unix_seconds;
  options->set |= SET_NOT_BEFORE;
}

/**
 * barge_job_options_set_transfer_window:
 * @options: a #BargeJobOptions
 * @window: (nullable): `HH:MM-HH:MM` in the daemon's local time, such as
 *   `22:00-06:00`; %NULL or the empty string for always
 *
 * Sets the `transfer-window` option (the daemon's default is always). The
 * daemon refuses an end equal to the start, or another form, with
 * %BARGE_ERROR_INVALID_ARGUMENT. See [property@Barge.Job:transfer-window].
 */
void
barge_job_options_set_transfer_window (BargeJobOptions *options, const char *window)
{
  g_return_if_fail (options != NULL);

  g_free (options->transfer_window);
  options->transfer_window = g_strdup (window != NULL ? window : "");
  options->set |= SET_TRANSFER_WINDOW;
}

/**
 * barge_job_options_to_variant:
 * @options: a #BargeJobOptions
 *
 * Builds the options dictionary that [method@Barge.Client.create_job_async]
 * takes. Values that are not valid for their enum are sent as numbers, so
 * that the daemon rejects them with %BARGE_ERROR_INVALID_ARGUMENT.
 *
 * Returns: (transfer floating): a floating `a{sv}` variant
 */
GVariant *
barge_job_options_to_variant (const BargeJobOptions *options)
{
  GVariantDict dict;

  g_return_val_if_fail (options != NULL, NULL);

  g_variant_dict_init (&dict, NULL);
  if (options->set & SET_DESCRIPTION)
    g_variant_dict_insert (&dict, "description", "s", options->description);
  if (options->set & SET_PRIORITY)
    {
      const char *nick = barge_job_priority_to_string (options->priority);

      if (nick != NULL)
        g_variant_dict_insert (&dict, "priority", "s", nick);
      else
        g_variant_dict_insert (&dict, "priority", "i", (gint32) options->priority);
    }
  if (options->set & SET_COST_POLICY)
    {
      const char *nick = barge_cost_policy_to_string (options->cost_policy);

      if (nick != NULL)
        g_variant_dict_insert (&dict, "cost-policy", "s", nick);
      else
        g_variant_dict_insert (&dict, "cost-policy", "i", (gint32) options->cost_policy);
    }
  if (options->set & SET_UPLOAD_PROTOCOL)
    {
      const char *nick = barge_upload_protocol_to_string (options->upload_protocol);

      if (nick != NULL)
        g_variant_dict_insert (&dict, "upload-protocol", "s", nick);
      else
        g_variant_dict_insert (&dict, "upload-protocol", "i", (gint32) options->upload_protocol);
    }
  if (options->set & SET_BANDWIDTH_LIMIT)
    g_variant_dict_insert (&dict, "bandwidth-limit", "t", options->bandwidth_limit);
  if (options->set & SET_KEEP_AWAKE)
    g_variant_dict_insert (&dict, "keep-awake", "b", options->keep_awake);
  if (options->set & SET_MAX_SEGMENTS)
    g_variant_dict_insert (&dict, "max-segments", "u", (guint32) options->max_segments);
  if (options->set & SET_NOT_BEFORE)
    g_variant_dict_insert (&dict, "not-before", "x", options->not_before);
  if (options->set & SET_TRANSFER_WINDOW)
    g_variant_dict_insert (&dict, "transfer-window", "s", options->transfer_window);
  if (options->set & SET_SIZE_HINT)
    g_variant_dict_insert (&dict, "size-hint", "t", options->size_hint);
  if (options->set & SET_REDIRECT_POLICY)
    {
      const char *nick = barge_redirect_policy_to_string (options->redirect_policy);

      if (nick != NULL)
        g_variant_dict_insert (&dict, "redirect-policy", "s", nick);
      else
        g_variant_dict_insert (&dict, "redirect-policy", "i", (gint32) options->redirect_policy);
    }
  if (options->set & SET_TLS)
    g_variant_dict_insert_value (&dict, "tls-options", options->tls_options);
  if (options->set & SET_PROXY)
    {
      static const char * const none[] = { NULL };
      const char *nick = barge_proxy_usage_to_string (options->proxy_usage);

      if (nick != NULL)
        g_variant_dict_insert (&dict, "proxy-usage", "s", nick);
      else
        g_variant_dict_insert (&dict, "proxy-usage", "i", (gint32) options->proxy_usage);
      g_variant_dict_insert_value (&dict, "proxy-list",
                                   g_variant_new_strv (options->proxy_list != NULL
                                                         ? (const char * const *) options->proxy_list : none, -1));
      g_variant_dict_insert_value (&dict, "proxy-bypass-list",
                                   g_variant_new_strv (options->proxy_bypass != NULL
                                                         ? (const char * const *) options->proxy_bypass : none, -1));
    }
  if (options->set & SET_ALLOW_HTTPS_TO_HTTP)
    g_variant_dict_insert (&dict, "allow-https-to-http", "b", options->allow_https_to_http);
  if (options->set & SET_CUSTOM_HEADERS)
    {
      GVariant *headers = _barge_headers_to_variant ((const char * const *) options->custom_headers, NULL);

      /* This cannot fail, so a string that is no "Name: value" goes as a
       * name the daemon refuses, in its InvalidArgument message: itself
       * followed by a colon, which no header name holds (or a lone colon,
       * for text that is not UTF-8). Each such string: skipping one would
       * send the others and answer success. */
      if (headers == NULL)
        {
          GVariantBuilder bad;

          g_variant_builder_init (&bad, G_VARIANT_TYPE ("a(ss)"));
          for (guint i = 0; options->custom_headers[i] != NULL; i++)
            if (!_barge_header_text_is_valid (options->custom_headers[i]))
              {
                g_autofree char *name = g_strconcat (options->custom_headers[i], ":", NULL);

                g_variant_builder_add (&bad, "(ss)", g_utf8_validate (name, -1, NULL) ? name : ":", "");
              }
          headers = g_variant_builder_end (&bad);
        }
      g_variant_dict_insert_value (&dict, "custom-headers", headers);
    }
  return g_variant_dict_end (&dict);
}
