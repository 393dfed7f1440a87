/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include <string.h>

#include "barge-private.h"

/* What a job sends and checks over HTTP beyond its files' URLs: files
 * added with a digest or size to check (AddFileWithOptions), and the
 * custom headers of its requests (SetCustomHeaders, GetCustomHeaders). */

static gboolean
check_digest (const char *key, const char *hex, gsize want, GError **error)
{
  gsize n = 0;

  for (; hex[n] != '\0'; n++)
    if (!g_ascii_isxdigit (hex[n]))
      break;
  if (hex[n] == '\0' && n == want)
    return TRUE;
  g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
               _("A %s digest is %u hexadecimal digits"), key, (guint) want);
  return FALSE;
}

/* The options of AddFileWithOptions, checked as far as the client can:
 * the daemon checks them again. */
static gboolean
check_file_options (GVariant *options, GError **error)
{
  const char *hex;

  if (options == NULL)
    return TRUE;
  if (!g_variant_is_of_type (options, G_VARIANT_TYPE_VARDICT))
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   _("The options of a file are a dictionary (a{sv}), not %s"), g_variant_get_type_string (options));
      return FALSE;
    }
  if (g_variant_lookup (options, "sha256", "&s", &hex) && !check_digest ("sha256", hex, 64, error))
    return FALSE;
  if (g_variant_lookup (options, "sha512", "&s", &hex) && !check_digest ("sha512", hex, 128, error))
    return FALSE;
  return TRUE;
}

/**
 * barge_job_add_file_with_options_async:
 * @job: a download #BargeJob
 * @remote_url: an http or https URL, at most 2200 characters
 * @local_path: the absolute path of the file to create, in an existing folder
 * @options: (nullable): a `a{sv}` dictionary: `sha256` or `sha512` (a
 *   string of 64 or 128 hexadecimal digits), the digest the file must have;
 *   `size` (a `t`), the size it must have
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Adds a file as [method@Barge.Job.add_file_async] does, with what its bytes
 * are checked against before it counts as transferred. The daemon computes
 * the digest while it writes the file; a file that does not match puts the
 * job in %BARGE_JOB_STATE_ERROR with %BARGE_ERROR_CHECKSUM_MISMATCH, and
 * [property@Barge.File:verified] says when it matched. A digest of the wrong
 * length or not hexadecimal fails with %BARGE_ERROR_INVALID_ARGUMENT before
 * any call.
 *
 * Since: 0.2
 */
void
barge_job_add_file_with_options_async (BargeJob *job,
                                       const char *remote_url,
                                       const char *local_path,
                                       GVariant *options,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_autoptr(GVariant) sunk = options != NULL ? g_variant_ref_sink (options) : NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (remote_url != NULL);
  g_return_if_fail (local_path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (!check_file_options (sunk, &error))
    {
      g_task_report_error (job, callback, user_data, barge_job_add_file_with_options_async,
                           g_steal_pointer (&error));
      return;
    }
  _barge_job_call (job, BARGE_DBUS_JOB_INTERFACE, "AddFileWithOptions",
                   g_variant_new ("(ss@a{sv})", remote_url, local_path,
                                  sunk != NULL ? sunk : g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0)),
                   NULL, BARGE_JOB_CALL_CHANGES, barge_job_add_file_with_options_async, cancellable, callback,
                   user_data);
}

/**
 * barge_job_add_file_with_options_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.add_file_with_options_async].
 *
 * Returns: %TRUE if the file was added
 *
 * Since: 0.2
 */
gboolean
barge_job_add_file_with_options_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  g_autoptr(GVariant) reply = _barge_job_call_finish (job, res, barge_job_add_file_with_options_async, error);

  return reply != NULL;
}

/**
 * barge_job_add_file_with_options_sync:
 * @job: a download #BargeJob
 * @remote_url: an http or https URL, at most 2200 characters
 * @local_path: the absolute path of the file to create, in an existing folder
 * @options: (nullable): as for [method@Barge.Job.add_file_with_options_async]
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Adds a file with checks, blocking until the daemon answered.
 *
 * Returns: %TRUE if the file was added
 *
 * Since: 0.2
 */
gboolean
barge_job_add_file_with_options_sync (BargeJob *job,
                                      const char *remote_url,
                                      const char *local_path,
                                      GVariant *options,
                                      GCancellable *cancellable,
                                      GError **error)
{
  BargeSync sync;
  gboolean ok;

  /* Here: the _async one's checks return without an answer, which the
   * wait below would wait for forever. */
  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (remote_url != NULL, FALSE);
  g_return_val_if_fail (local_path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _barge_sync_begin (&sync);
  barge_job_add_file_with_options_async (job, remote_url, local_path, options, cancellable, _barge_sync_done, &sync);
  ok = barge_job_add_file_with_options_finish (job, _barge_sync_wait (&sync), error);
  _barge_sync_end (&sync);
  return ok;
}

/* "Name: value" strings to the daemon's a(ss) (floating). */
gboolean
_barge_header_text_is_valid (const char *header)
{
  const char *colon = strchr (header, ':');

  return colon != NULL && colon != header && g_utf8_validate (header, -1, NULL);
}

GVariant *
_barge_headers_to_variant (const char * const *headers, GError **error)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  for (guint i = 0; headers != NULL && headers[i] != NULL; i++)
    {
      const char *colon = strchr (headers[i], ':');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (!_barge_header_text_is_valid (headers[i]))
        {
          g_variant_builder_clear (&builder);
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                       _("A header is “Name: value”, not “%s”"), headers[i]);
          return NULL;
        }
      name = g_strndup (headers[i], (gsize) (colon - headers[i]));
      value = g_strdup (colon + 1);
      g_variant_builder_add (&builder, "(ss)", g_strstrip (name), g_strstrip (value));
    }
  return g_variant_builder_end (&builder);
}

/**
 * barge_job_set_custom_headers_async:
 * @job: a #BargeJob
 * @headers: (array zero-terminated=1) (nullable): the headers as
 *   `Name: value` strings, in the order they are sent (a name may come
 *   twice); %NULL or empty removes them all
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Replaces the HTTP headers @job adds to every request it sends (BITS'
 * `SetCustomHeaders`). They go only to the origin of each file's URL, never
 * after a redirect to another one. Names Barge sets itself (such as `Host`,
 * `Range` or `Authorization`) and values with control characters are
 * refused with %BARGE_ERROR_INVALID_ARGUMENT, as is more than 16,384 bytes
 * in all; nothing changes then. The values are never shown in a property:
 * [property@Barge.Job:custom-headers] lists the names only, and
 * [method@Barge.Job.get_custom_headers_async] returns the values.
 *
 * Since: 0.2
 */
void
barge_job_set_custom_headers_async (BargeJob *job,
                                    const char * const *headers,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  GVariant *value;

  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  value = _barge_headers_to_variant (headers, &error);
  if (value == NULL)
    {
      g_task_report_error (job, callback, user_data, barge_job_set_custom_headers_async, g_steal_pointer (&error));
      return;
    }
  _barge_job_call (job, BARGE_DBUS_JOB_INTERFACE, "SetCustomHeaders", g_variant_new_tuple (&value, 1), NULL,
                   BARGE_JOB_CALL_CHANGES, barge_job_set_custom_headers_async, cancellable, callback, user_data);
}

/**
 * barge_job_set_custom_headers_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.set_custom_headers_async].
 *
 * Returns: %TRUE if the daemon took the headers
 *
 * Since: 0.2
 */
gboolean
barge_job_set_custom_headers_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  g_autoptr(GVariant) reply = _barge_job_call_finish (job, res, barge_job_set_custom_headers_async, error);

  return reply != NULL;
}

/**
 * barge_job_set_custom_headers_sync:
 * @job: a #BargeJob
 * @headers: (array zero-terminated=1) (nullable): as for
 *   [method@Barge.Job.set_custom_headers_async]
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Replaces the job's custom headers, blocking until the daemon answered.
 *
 * Returns: %TRUE if the daemon took the headers
 *
 * Since: 0.2
 */
gboolean
barge_job_set_custom_headers_sync (BargeJob *job,
                                   const char * const *headers,
                                   GCancellable *cancellable,
                                   GError **error)
{
  BargeSync sync;
  gboolean ok;

  /* Here: the _async one's checks return without an answer, which the
   * wait below would wait for forever. */
  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _barge_sync_begin (&sync);
  barge_job_set_custom_headers_async (job, headers, cancellable, _barge_sync_done, &sync);
  ok = barge_job_set_custom_headers_finish (job, _barge_sync_wait (&sync), error);
  _barge_sync_end (&sync);
  return ok;
}

/**
 * barge_job_get_custom_headers_async:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Asks the daemon for the job's custom headers with their values (only
 * its owner, or an administrator, may).
 *
 * Since: 0.2
 */
void
barge_job_get_custom_headers_async (BargeJob *job,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _barge_job_call (job, BARGE_DBUS_JOB_INTERFACE, "GetCustomHeaders", NULL, G_VARIANT_TYPE ("(a(ss))"),
                   BARGE_JOB_CALL_READS, barge_job_get_custom_headers_async, cancellable, callback, user_data);
}

/**
 * barge_job_get_custom_headers_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.get_custom_headers_async].
 *
 * Returns: (transfer full) (array zero-terminated=1): the headers as
 *   `Name: value` strings, in order, or %NULL with @error set
 *
 * Since: 0.2
 */
char **
barge_job_get_custom_headers_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  g_autoptr(GVariant) reply = _barge_job_call_finish (job, res, barge_job_get_custom_headers_async, error);
  g_autoptr(GStrvBuilder) builder = NULL;
  g_autoptr(GVariantIter) iter = NULL;
  const char *name, *value;

  if (reply == NULL)
    return NULL;
  builder = g_strv_builder_new ();
  g_variant_get (reply, "(a(ss))", &iter);
  while (g_variant_iter_next (iter, "(&s&s)", &name, &value))
    {
      g_autofree char *header = g_strdup_printf ("%s: %s", name, value);

      g_strv_builder_add (builder, header);
    }
  return g_strv_builder_end (builder);
}

/**
 * barge_job_get_custom_headers_sync:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Gets the job's custom headers with their values, blocking until the
 * daemon answered.
 *
 * Returns: (transfer full) (array zero-terminated=1): the headers as
 *   `Name: value` strings, or %NULL with @error set
 *
 * Since: 0.2
 */
char **
barge_job_get_custom_headers_sync (BargeJob *job, GCancellable *cancellable, GError **error)
{
  BargeSync sync;
  char **headers;

  /* Here: the _async one's checks return without an answer, which the
   * wait below would wait for forever. */
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  _barge_sync_begin (&sync);
  barge_job_get_custom_headers_async (job, cancellable, _barge_sync_done, &sync);
  headers = barge_job_get_custom_headers_finish (job, _barge_sync_wait (&sync), error);
  _barge_sync_end (&sync);
  return headers;
}

/**
 * barge_job_set_tls_options_async:
 * @job: a #BargeJob
 * @ca_file: (nullable): an absolute path to a PEM file of certificate
 *   authorities the job trusts besides the system's; "" for none; %NULL
 *   leaves it as it is
 * @client_certificate: (nullable): an absolute path to a PEM file holding
 *   a certificate and its private key, or a `pkcs11:` URI (for the jobs of
 *   the user the daemon runs as only: it opens its own user's tokens),
 *   shown to a server that asks for a client certificate; "" for none;
 *   %NULL leaves it as it is
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Sets the TLS options of a job, download or upload (BITS' `SetClientCertificate`,
 * and a private PKI without touching the system's trust store). The
 * daemon reads the files as the job's owner before it answers:
 * %BARGE_ERROR_ACCESS_DENIED when the owner may not read one,
 * %BARGE_ERROR_INVALID_ARGUMENT when one is missing or holds no
 * certificate (or no key); nothing changes then. A CA only forgives an
 * unknown authority, for a certificate it signed for the host asked.
 * [property@Barge.Job:tls-ca-file] and
 * [property@Barge.Job:tls-client-certificate] show them.
 *
 * Since: 0.2
 */
void
barge_job_set_tls_options_async (BargeJob *job,
                                 const char *ca_file,
                                 const char *client_certificate,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  GVariantDict dict;

  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  g_variant_dict_init (&dict, NULL);
  if (ca_file != NULL)
    g_variant_dict_insert (&dict, "ca-file", "s", ca_file);
  if (client_certificate != NULL)
    g_variant_dict_insert (&dict, "client-certificate", "s", client_certificate);
  _barge_job_call (job, BARGE_DBUS_JOB_INTERFACE, "SetTlsOptions", g_variant_new ("(@a{sv})", g_variant_dict_end (&dict)),
                   NULL, BARGE_JOB_CALL_CHANGES, barge_job_set_tls_options_async, cancellable, callback, user_data);
}

/**
 * barge_job_set_tls_options_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.set_tls_options_async].
 *
 * Returns: %TRUE if the daemon took the options
 *
 * Since: 0.2
 */
gboolean
barge_job_set_tls_options_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  g_autoptr(GVariant) reply = _barge_job_call_finish (job, res, barge_job_set_tls_options_async, error);

  return reply != NULL;
}

/**
 * barge_job_set_tls_options_sync:
 * @job: a #BargeJob
 * @ca_file: (nullable): as for [method@Barge.Job.set_tls_options_async]
 * @client_certificate: (nullable): as for [method@Barge.Job.set_tls_options_async]
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Sets the job's TLS options, blocking until the daemon answered.
 *
 * Returns: %TRUE if the daemon took the options
 *
 * Since: 0.2
 */
gboolean
barge_job_set_tls_options_sync (BargeJob *job,
                                const char *ca_file,
                                const char *client_certificate,
                                GCancellable *cancellable,
                                GError **error)
{
  BargeSync sync;
  gboolean ok;

  /* Here: the _async one's checks return without an answer, which the
   * wait below would wait for forever. */
  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _barge_sync_begin (&sync);
  barge_job_set_tls_options_async (job, ca_file, client_certificate, cancellable, _barge_sync_done, &sync);
  ok = barge_job_set_tls_options_finish (job, _barge_sync_wait (&sync), error);
  _barge_sync_end (&sync);
  return ok;
}

/**
 * barge_job_set_tls_checks_async:
 * @job: a #BargeJob
 * @crl_file: (nullable): an absolute path to a PEM file of certificate
 *   revocation lists, each signed by a CA of the job's CA file; "" for
 *   none; %NULL leaves it as it is
 * @ignore: (nullable) (array zero-terminated=1): faults forgiven in a
 *   certificate of the job's CA file: "expired" (out of its validity
 *   dates), "wrong-host" (issued for another host); an empty list for
 *   none; %NULL leaves it as it is
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Sets how the job checks the certificates of its own CA file (set with
 * [method@Barge.Job.set_tls_options_async] first): BITS'
 * `BG_SSL_ENABLE_CRL_CHECK`, `BG_SSL_IGNORE_CERT_DATE_INVALID` and
 * `BG_SSL_IGNORE_CERT_CN_INVALID`, for a named CA only. A certificate the
 * system trusts is never forgiven a fault, and an unknown authority, a
 * revoked or an insecure certificate never is.
 * %BARGE_ERROR_INVALID_ARGUMENT for another name, a list no CA of the CA
 * file signed, or a job without a CA file; %BARGE_ERROR_ACCESS_DENIED
 * when the owner may not read the file; nothing changes then.
 * [property@Barge.Job:tls-crl-file] and [property@Barge.Job:tls-ignore]
 * show them.
 *
 * Since: 0.2
 */
void
barge_job_set_tls_checks_async (BargeJob *job,
                                const char *crl_file,
                                const char * const *ignore,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  GVariantDict dict;

  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  g_variant_dict_init (&dict, NULL);
  if (crl_file != NULL)
    g_variant_dict_insert (&dict, "crl-file", "s", crl_file);
  if (ignore != NULL)
    g_variant_dict_insert_value (&dict, "ignore", g_variant_new_strv (ignore, -1));
  _barge_job_call (job, BARGE_DBUS_JOB_INTERFACE, "SetTlsOptions", g_variant_new ("(@a{sv})", g_variant_dict_end (&dict)),
                   NULL, BARGE_JOB_CALL_CHANGES, barge_job_set_tls_checks_async, cancellable, callback, user_data);
}

/**
 * barge_job_set_tls_checks_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.set_tls_checks_async].
 *
 * Returns: %TRUE if the daemon took them
 *
 * Since: 0.2
 */
gboolean
barge_job_set_tls_checks_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  g_autoptr(GVariant) reply = _barge_job_call_finish (job, res, barge_job_set_tls_checks_async, error);

  return reply != NULL;
}

/**
 * barge_job_set_tls_checks_sync:
 * @job: a #BargeJob
 * @crl_file: (nullable): as for [method@Barge.Job.set_tls_checks_async]
 * @ignore: (nullable) (array zero-terminated=1): as for
 *   [method@Barge.Job.set_tls_checks_async]
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Sets how the job checks its CA's certificates, blocking until the
 * daemon answered.
 *
 * Returns: %TRUE if the daemon took them
 *
 * Since: 0.2
 */
gboolean
barge_job_set_tls_checks_sync (BargeJob *job,
                               const char *crl_file,
                               const char * const *ignore,
                               GCancellable *cancellable,
                               GError **error)
{
  BargeSync sync;
  gboolean ok;

  /* Here: the _async one's checks return without an answer, which the
   * wait below would wait for forever. */
  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _barge_sync_begin (&sync);
  barge_job_set_tls_checks_async (job, crl_file, ignore, cancellable, _barge_sync_done, &sync);
  ok = barge_job_set_tls_checks_finish (job, _barge_sync_wait (&sync), error);
  _barge_sync_end (&sync);
  return ok;
}

/**
 * barge_job_set_proxy_settings_async:
 * @job: a #BargeJob
 * @usage: %BARGE_PROXY_USAGE_SYSTEM (the daemon's settings),
 *   %BARGE_PROXY_USAGE_NONE (direct) or %BARGE_PROXY_USAGE_OVERRIDE
 * @proxies: (nullable) (array zero-terminated=1): with
 *   %BARGE_PROXY_USAGE_OVERRIDE, 1 to 8 proxies, `SCHEME://HOST:PORT` each
 *   (http, https, socks, socks4, socks4a, socks5; no user name), tried in
 *   order; %NULL or empty otherwise
 * @bypass: (nullable) (array zero-terminated=1): with
 *   %BARGE_PROXY_USAGE_OVERRIDE, up to 64 hosts, domains (`.example.com`),
 *   addresses or ranges (`10.0.0.0/8`), each with an optional `:PORT`,
 *   reached directly; %NULL or empty otherwise
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Sets the job's proxy (BITS `SetProxySettings`). Proxy credentials are
 * set with [method@Barge.Job.set_credentials_async] and
 * %BARGE_CREDENTIALS_TARGET_PROXY. A job with a proxy of its own makes its
 * requests on connections of its own. %BARGE_ERROR_INVALID_ARGUMENT for
 * lists with another usage, no proxy or too many, or an entry that does
 * not parse; nothing changes then. Requests started afterwards use them.
 *
 * Since: 0.2
 */
void
barge_job_set_proxy_settings_async (BargeJob *job,
                                    BargeProxyUsage usage,
                                    const char * const *proxies,
                                    const char * const *bypass,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  static const char * const none[] = { NULL };

  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _barge_job_call (job, BARGE_DBUS_JOB_INTERFACE, "SetProxySettings",
                   g_variant_new ("(s^as^as)", barge_proxy_usage_to_string (usage) != NULL
                                                 ? barge_proxy_usage_to_string (usage) : "",
                                  proxies != NULL ? proxies : none, bypass != NULL ? bypass : none),
                   NULL, BARGE_JOB_CALL_CHANGES, barge_job_set_proxy_settings_async, cancellable, callback, user_data);
}

/**
 * barge_job_set_proxy_settings_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.set_proxy_settings_async].
 *
 * Returns: %TRUE if the daemon took the settings
 *
 * Since: 0.2
 */
gboolean
barge_job_set_proxy_settings_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  g_autoptr(GVariant) reply = _barge_job_call_finish (job, res, barge_job_set_proxy_settings_async, error);

  return reply != NULL;
}

/**
 * barge_job_set_proxy_settings_sync:
 * @job: a #BargeJob
 * @usage: as for [method@Barge.Job.set_proxy_settings_async]
 * @proxies: (nullable) (array zero-terminated=1): as for
 *   [method@Barge.Job.set_proxy_settings_async]
 * @bypass: (nullable) (array zero-terminated=1): as for
 *   [method@Barge.Job.set_proxy_settings_async]
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Sets the job's proxy, blocking until the daemon answered.
 *
 * Returns: %TRUE if the daemon took the settings
 *
 * Since: 0.2
 */
gboolean
barge_job_set_proxy_settings_sync (BargeJob *job,
                                   BargeProxyUsage usage,
                                   const char * const *proxies,
                                   const char * const *bypass,
                                   GCancellable *cancellable,
                                   GError **error)
{
  BargeSync sync;
  gboolean ok;

  /* Here: the _async one's checks return without an answer, which the
   * wait below would wait for forever. */
  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _barge_sync_begin (&sync);
  barge_job_set_proxy_settings_async (job, usage, proxies, bypass, cancellable, _barge_sync_done, &sync);
  ok = barge_job_set_proxy_settings_finish (job, _barge_sync_wait (&sync), error);
  _barge_sync_end (&sync);
  return ok;
}

/**
 * barge_job_make_custom_headers_write_only_async:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Makes the job's custom header values write-only, for good (BITS
 * `MakeCustomHeadersWriteOnly`): [method@Barge.Job.get_custom_headers_async]
 * fails with %BARGE_ERROR_ACCESS_DENIED from then on, for the owner too,
 * so a token put in a header cannot be read back through the daemon.
 * [method@Barge.Job.set_custom_headers_async] still replaces them, and
 * [property@Barge.Job:custom-headers] still names them.
 *
 * Since: 0.2
 */
void
barge_job_make_custom_headers_write_only_async (BargeJob *job,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer user_data)
{
  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _barge_job_call (job, BARGE_DBUS_JOB_INTERFACE, "MakeCustomHeadersWriteOnly", NULL, NULL, BARGE_JOB_CALL_CHANGES,
                   barge_job_make_custom_headers_write_only_async, cancellable, callback, user_data);
}

/**
 * barge_job_make_custom_headers_write_only_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.make_custom_headers_write_only_async].
 *
 * Returns: %TRUE if the values are write-only now
 *
 * Since: 0.2
 */
gboolean
barge_job_make_custom_headers_write_only_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  g_autoptr(GVariant) reply = _barge_job_call_finish (job, res, barge_job_make_custom_headers_write_only_async, error);

  return reply != NULL;
}

/**
 * barge_job_make_custom_headers_write_only_sync:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Makes the job's custom header values write-only, blocking until the
 * daemon answered.
 *
 * Returns: %TRUE if the values are write-only now
 *
 * Since: 0.2
 */
gboolean
barge_job_make_custom_headers_write_only_sync (BargeJob *job, GCancellable *cancellable, GError **error)
{
  BargeSync sync;
  gboolean ok;

  /* Here: the _async one's checks return without an answer, which the
   * wait below would wait for forever. */
  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _barge_sync_begin (&sync);
  barge_job_make_custom_headers_write_only_async (job, cancellable, _barge_sync_done, &sync);
  ok = barge_job_make_custom_headers_write_only_finish (job, _barge_sync_wait (&sync), error);
  _barge_sync_end (&sync);
  return ok;
}

/**
 * barge_job_set_tls_check_revocation_async:
 * @job: a #BargeJob
 * @check: whether the certificates the system trusts must pass their
 *   revocation lists
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Turns the revocation check of the certificates the system trusts on or
 * off (D-Bus `SetTlsOptions`, key `check-revocation`; BITS
 * `BG_SSL_ENABLE_CRL_CHECK`). Checked, each certificate of the server's
 * chain but the trust anchor must be covered by a current revocation list
 * of its issuer, fetched over http from its CRL distribution point, and
 * revoked by none (a certificate naming no distribution point: a current
 * "good" answer of its OCSP responder); the handshake stops before any request byte is sent
 * until the lists are in. A revoked certificate, or one whose status
 * cannot be learned, fails the job with %BARGE_ERROR_TLS_FAILURE saying
 * why; a list server that cannot be reached with its transient error. The
 * certificates of the job's own CA file are checked against its CRL file
 * instead ([method@Barge.Job.set_tls_checks_async]).
 * [property@Barge.Job:tls-check-revocation] shows it.
 *
 * Since: 0.2
 */
void
barge_job_set_tls_check_revocation_async (BargeJob *job,
                                          gboolean check,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data)
{
  GVariantDict dict;

  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "check-revocation", "b", check);
  _barge_job_call (job, BARGE_DBUS_JOB_INTERFACE, "SetTlsOptions", g_variant_new ("(@a{sv})", g_variant_dict_end (&dict)),
                   NULL, BARGE_JOB_CALL_CHANGES, barge_job_set_tls_check_revocation_async, cancellable, callback,
                   user_data);
}

/**
 * barge_job_set_tls_check_revocation_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.set_tls_check_revocation_async].
 *
 * Returns: %TRUE if the daemon took it
 *
 * Since: 0.2
 */
gboolean
barge_job_set_tls_check_revocation_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  g_autoptr(GVariant) reply = _barge_job_call_finish (job, res, barge_job_set_tls_check_revocation_async, error);

  return reply != NULL;
}

/**
 * barge_job_set_tls_check_revocation_sync:
 * @job: a #BargeJob
 * @check: as for [method@Barge.Job.set_tls_check_revocation_async]
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Turns the revocation check on or off, blocking until the daemon
 * answered.
 *
 * Returns: %TRUE if the daemon took it
 *
 * Since: 0.2
 */
gboolean
barge_job_set_tls_check_revocation_sync (BargeJob *job, gboolean check, GCancellable *cancellable, GError **error)
{
  BargeSync sync;
  gboolean ok;

  /* Here: the _async one's checks return without an answer, which the
   * wait below would wait for forever. */
  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _barge_sync_begin (&sync);
  barge_job_set_tls_check_revocation_async (job, check, cancellable, _barge_sync_done, &sync);
  ok = barge_job_set_tls_check_revocation_finish (job, _barge_sync_wait (&sync), error);
  _barge_sync_end (&sync);
  return ok;
}
