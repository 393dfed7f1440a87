/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include "barge-error.h"
#include "barge-private.h"

/* One table maps every BargeError to its D-Bus name, both ways; the daemon
 * and the client library share it, so a name cannot drift between them. */
static const GDBusErrorEntry barge_error_entries[] = {
  { BARGE_ERROR_FAILED, BARGE_DBUS_ERROR_PREFIX "Failed" },
  { BARGE_ERROR_INVALID_ARGUMENT, BARGE_DBUS_ERROR_PREFIX "InvalidArgument" },
  { BARGE_ERROR_INVALID_STATE, BARGE_DBUS_ERROR_PREFIX "InvalidState" },
  { BARGE_ERROR_NOT_FOUND, BARGE_DBUS_ERROR_PREFIX "NotFound" },
  { BARGE_ERROR_EMPTY, BARGE_DBUS_ERROR_PREFIX "Empty" },
  { BARGE_ERROR_ACCESS_DENIED, BARGE_DBUS_ERROR_PREFIX "AccessDenied" },
  { BARGE_ERROR_NOT_SUPPORTED, BARGE_DBUS_ERROR_PREFIX "NotSupported" },
  { BARGE_ERROR_TOO_MANY_FILES, BARGE_DBUS_ERROR_PREFIX "TooManyFiles" },
  { BARGE_ERROR_TOO_MANY_JOBS, BARGE_DBUS_ERROR_PREFIX "TooManyJobs" },
  { BARGE_ERROR_STRING_TOO_LONG, BARGE_DBUS_ERROR_PREFIX "StringTooLong" },
  { BARGE_ERROR_TOO_LARGE, BARGE_DBUS_ERROR_PREFIX "TooLarge" },
  { BARGE_ERROR_CANCELLED, BARGE_DBUS_ERROR_PREFIX "Cancelled" },
  { BARGE_ERROR_LOCAL_FILE, BARGE_DBUS_ERROR_PREFIX "LocalFile" },
  { BARGE_ERROR_DISK_FULL, BARGE_DBUS_ERROR_PREFIX "DiskFull" },
  { BARGE_ERROR_REMOTE_NOT_FOUND, BARGE_DBUS_ERROR_PREFIX "RemoteNotFound" },
  { BARGE_ERROR_REMOTE_ACCESS_DENIED, BARGE_DBUS_ERROR_PREFIX "RemoteAccessDenied" },
  { BARGE_ERROR_PROXY_AUTH_REQUIRED, BARGE_DBUS_ERROR_PREFIX "ProxyAuthRequired" },
  { BARGE_ERROR_HTTP_CLIENT_ERROR, BARGE_DBUS_ERROR_PREFIX "HttpClientError" },
  { BARGE_ERROR_HTTP_SERVER_ERROR, BARGE_DBUS_ERROR_PREFIX "HttpServerError" },
  { BARGE_ERROR_INVALID_SERVER_RESPONSE, BARGE_DBUS_ERROR_PREFIX "InvalidServerResponse" },
  { BARGE_ERROR_CONNECT_FAILURE, BARGE_DBUS_ERROR_PREFIX "ConnectFailure" },
  { BARGE_ERROR_HOST_NOT_FOUND, BARGE_DBUS_ERROR_PREFIX "HostNotFound" },
  { BARGE_ERROR_CONNECTION_CLOSED, BARGE_DBUS_ERROR_PREFIX "ConnectionClosed" },
  { BARGE_ERROR_TIMED_OUT, BARGE_DBUS_ERROR_PREFIX "TimedOut" },
  { BARGE_ERROR_TLS_FAILURE, BARGE_DBUS_ERROR_PREFIX "TlsFailure" },
  { BARGE_ERROR_NETWORK_DISCONNECTED, BARGE_DBUS_ERROR_PREFIX "NetworkDisconnected" },
  { BARGE_ERROR_NO_PROGRESS, BARGE_DBUS_ERROR_PREFIX "NoProgress" },
  { BARGE_ERROR_REMOTE_FILE_CHANGED, BARGE_DBUS_ERROR_PREFIX "RemoteFileChanged" },
  { BARGE_ERROR_TOO_MANY_REDIRECTS, BARGE_DBUS_ERROR_PREFIX "TooManyRedirects" },
  { BARGE_ERROR_TOO_MANY_REQUESTS, BARGE_DBUS_ERROR_PREFIX "TooManyRequests" },
  { BARGE_ERROR_LOCAL_FILE_CHANGED, BARGE_DBUS_ERROR_PREFIX "LocalFileChanged" },
  { BARGE_ERROR_MAXIMUM_TIME_EXCEEDED, BARGE_DBUS_ERROR_PREFIX "MaximumTimeExceeded" },
  { BARGE_ERROR_REMOTE_APPLICATION, BARGE_DBUS_ERROR_PREFIX "RemoteApplication" },
  { BARGE_ERROR_NOTIFICATION_FAILED, BARGE_DBUS_ERROR_PREFIX "NotificationFailed" },
  { BARGE_ERROR_UNSUPPORTED_SCHEME, BARGE_DBUS_ERROR_PREFIX "UnsupportedScheme" },
  { BARGE_ERROR_QUOTA_EXCEEDED, BARGE_DBUS_ERROR_PREFIX "QuotaExceeded" },
  { BARGE_ERROR_SERVICE_UNAVAILABLE, BARGE_DBUS_ERROR_PREFIX "ServiceUnavailable" },
  { BARGE_ERROR_REDIRECT_REFUSED, BARGE_DBUS_ERROR_PREFIX "RedirectRefused" },
  { BARGE_ERROR_CHECKSUM_MISMATCH, BARGE_DBUS_ERROR_PREFIX "ChecksumMismatch" },
  { BARGE_ERROR_INVALID_RANGE, BARGE_DBUS_ERROR_PREFIX "InvalidRange" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (barge_error_entries) == BARGE_ERROR_N_CODES);

/**
 * barge_error_quark:
 *
 * The quark of #BARGE_ERROR, registered with GDBus so that D-Bus errors of
 * Barge arrive as #GError of this domain.
 *
 * Returns: the error quark
 */
/* The same catalog folder as bargectl and barged: $BARGE_LOCALEDIR (the
 * test suite's build tree) or LOCALEDIR. An application that bound the
 * domain before gets the same answer, so the order does not matter. */
void
_barge_init_i18n (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      const char *dir = g_getenv ("BARGE_LOCALEDIR");

      bindtextdomain (GETTEXT_PACKAGE, dir != NULL && *dir != '\0' ? dir : LOCALEDIR);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      g_once_init_leave (&initialized, 1);
    }
}

GQuark
barge_error_quark (void)
{
  static gsize quark = 0;

  _barge_init_i18n ();

  g_dbus_error_register_error_domain ("barge-error-quark", &quark,
                                      barge_error_entries,
                                      G_N_ELEMENTS (barge_error_entries));
  return (GQuark) quark;
}

/**
 * barge_error_to_dbus_name:
 * @code: a #BargeError
 *
 * Gets the D-Bus error name that @code travels as, such as
 * `org.freedesktop.Barge1.Error.NotFound`.
 *
 * Returns: (nullable): the D-Bus error name of @code, or %NULL for an unknown code
 */
const char *
barge_error_to_dbus_name (BargeError code)
{
  if ((guint) code >= G_N_ELEMENTS (barge_error_entries))
    return NULL;
  return barge_error_entries[code].dbus_error_name;
}

/**
 * barge_error_from_dbus_name:
 * @name: a D-Bus error name such as `org.freedesktop.Barge1.Error.NotFound`
 * @code: (out) (optional): the matching #BargeError
 *
 * Finds the #BargeError code of a D-Bus error name, for example the one in
 * [property@Barge.Job:error-name].
 *
 * Returns: %TRUE if @name is one of Barge's D-Bus error names
 */
gboolean
barge_error_from_dbus_name (const char *name, BargeError *code)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (barge_error_entries); i++)
    {
      if (g_strcmp0 (barge_error_entries[i].dbus_error_name, name) == 0)
        {
          if (code != NULL)
            *code = barge_error_entries[i].error_code;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * barge_parse_error_name: (rename-to barge_error_from_dbus_name)
 * @name: a D-Bus error name such as `org.freedesktop.Barge1.Error.NotFound`
 * @error: return location for a #GError
 *
 * Finds the #BargeError code of a D-Bus error name. Python and JavaScript
 * know this function as `error_from_dbus_name()`: it returns the code, and
 * raises %BARGE_ERROR_INVALID_ARGUMENT for a name that is not Barge's.
 *
 * Returns: the code, or 0 with @error set
 */
BargeError
barge_parse_error_name (const char *name, GError **error)
{
  BargeError code = BARGE_ERROR_FAILED;

  if (name == NULL || !barge_error_from_dbus_name (name, &code))
    g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                 _("“%s” is not a Barge error name"), name != NULL ? name : "");
  return code;
}
