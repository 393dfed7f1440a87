/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__BARGE_H_INSIDE__) && !defined(BARGE_COMPILATION)
#error "Only <barge.h> can be included directly."
#endif

#include <gio/gio.h>
#include "barge-version.h"

G_BEGIN_DECLS

/**
 * BARGE_ERROR:
 *
 * The error domain of Barge. Each code travels on D-Bus as
 * `org.freedesktop.Barge1.Error.<Name>`.
 */
#define BARGE_ERROR (barge_error_quark ())

/**
 * BARGE_DBUS_ERROR_PREFIX:
 *
 * The common prefix of Barge's D-Bus error names.
 */
#define BARGE_DBUS_ERROR_PREFIX "org.freedesktop.Barge1.Error."

/**
 * BargeError:
 * @BARGE_ERROR_FAILED: any other failure (`Failed`)
 * @BARGE_ERROR_INVALID_ARGUMENT: an argument is not valid (`InvalidArgument`)
 * @BARGE_ERROR_INVALID_STATE: not allowed in the job's state (`InvalidState`)
 * @BARGE_ERROR_NOT_FOUND: no such job or error name (`NotFound`)
 * @BARGE_ERROR_EMPTY: the job has no files (`Empty`)
 * @BARGE_ERROR_ACCESS_DENIED: the caller may not do this (`AccessDenied`)
 * @BARGE_ERROR_NOT_SUPPORTED: not supported for this job or by this daemon (`NotSupported`)
 * @BARGE_ERROR_TOO_MANY_FILES: the job cannot take more files (`TooManyFiles`)
 * @BARGE_ERROR_TOO_MANY_JOBS: the user or machine cannot take more jobs (`TooManyJobs`)
 * @BARGE_ERROR_STRING_TOO_LONG: a string is longer than allowed (`StringTooLong`)
 * @BARGE_ERROR_TOO_LARGE: the data is larger than allowed (`TooLarge`)
 * @BARGE_ERROR_CANCELLED: the operation was cancelled (`Cancelled`)
 * @BARGE_ERROR_LOCAL_FILE: a local file could not be read, written or renamed (`LocalFile`)
 * @BARGE_ERROR_DISK_FULL: no space is left on the local file system (`DiskFull`)
 * @BARGE_ERROR_REMOTE_NOT_FOUND: the server has no such file: HTTP 404 or 410 (`RemoteNotFound`)
 * @BARGE_ERROR_REMOTE_ACCESS_DENIED: the server refused access: HTTP 401 or 403 (`RemoteAccessDenied`)
 * @BARGE_ERROR_PROXY_AUTH_REQUIRED: the proxy wants credentials: HTTP 407 (`ProxyAuthRequired`)
 * @BARGE_ERROR_HTTP_CLIENT_ERROR: another HTTP 4xx status (`HttpClientError`)
 * @BARGE_ERROR_HTTP_SERVER_ERROR: an HTTP 5xx status (`HttpServerError`)
 * @BARGE_ERROR_INVALID_SERVER_RESPONSE: the server's answer breaks HTTP rules (`InvalidServerResponse`)
 * @BARGE_ERROR_CONNECT_FAILURE: no connection could be made (`ConnectFailure`)
 * @BARGE_ERROR_HOST_NOT_FOUND: the host name does not resolve (`HostNotFound`)
 * @BARGE_ERROR_CONNECTION_CLOSED: the connection closed too early (`ConnectionClosed`)
 * @BARGE_ERROR_TIMED_OUT: the server stopped answering (`TimedOut`)
 * @BARGE_ERROR_TLS_FAILURE: the TLS handshake or certificate check failed (`TlsFailure`)
 * @BARGE_ERROR_NETWORK_DISCONNECTED: there is no network (`NetworkDisconnected`)
 * @BARGE_ERROR_NO_PROGRESS: no progress within the job's NoProgressTimeout (`NoProgress`)
 * @BARGE_ERROR_REMOTE_FILE_CHANGED: the remote file changed during the transfer (`RemoteFileChanged`)
 * @BARGE_ERROR_TOO_MANY_REDIRECTS: the server redirected too often (`TooManyRedirects`)
 * @BARGE_ERROR_TOO_MANY_REQUESTS: the server asks to come back later: HTTP 429 (`TooManyRequests`)
 * @BARGE_ERROR_LOCAL_FILE_CHANGED: the local file of an upload changed during the upload (`LocalFileChanged`)
 * @BARGE_ERROR_MAXIMUM_TIME_EXCEEDED: the job did not finish within its MaximumDownloadTime (`MaximumTimeExceeded`)
 * @BARGE_ERROR_REMOTE_APPLICATION: the server application rejected the upload (`RemoteApplication`)
 * @BARGE_ERROR_NOTIFICATION_FAILED: the job's notify command line could not be run (`NotificationFailed`)
 * @BARGE_ERROR_UNSUPPORTED_SCHEME: a redirect led to a URL scheme other than http and https (`UnsupportedScheme`)
 * @BARGE_ERROR_QUOTA_EXCEEDED: the owner's jobs would hold more than the administrator allows per user (`QuotaExceeded`)
 * @BARGE_ERROR_SERVICE_UNAVAILABLE: no daemon runs and D-Bus could not start one, or it stopped before it answered; libbarge reports it, the daemon never sends it (`ServiceUnavailable`)
 * @BARGE_ERROR_REDIRECT_REFUSED: the server redirected and the job's redirect policy does not follow it: any redirect under #BARGE_REDIRECT_POLICY_DISALLOW, or one from https to http unless the job allows it (`RedirectRefused`). Since: 0.2
 * @BARGE_ERROR_CHECKSUM_MISMATCH: a file's bytes do not have the digest or size it was added with; its temporary file is kept until the job resumes or is cancelled (`ChecksumMismatch`). Since: 0.2
 * @BARGE_ERROR_INVALID_RANGE: a file added with byte ranges cannot be fetched as asked: a range lies past the end of the server's file, or the server does not serve ranges (BITS `BG_E_INVALID_RANGE`, `BG_E_INSUFFICIENT_RANGE_SUPPORT`) (`InvalidRange`). Since: 0.2
 *
 * Error codes of #BARGE_ERROR.
 */
typedef enum {
  BARGE_ERROR_FAILED,
  BARGE_ERROR_INVALID_ARGUMENT,
  BARGE_ERROR_INVALID_STATE,
  BARGE_ERROR_NOT_FOUND,
  BARGE_ERROR_EMPTY,
  BARGE_ERROR_ACCESS_DENIED,
  BARGE_ERROR_NOT_SUPPORTED,
  BARGE_ERROR_TOO_MANY_FILES,
  BARGE_ERROR_TOO_MANY_JOBS,
  BARGE_ERROR_STRING_TOO_LONG,
  BARGE_ERROR_TOO_LARGE,
  BARGE_ERROR_CANCELLED,
  BARGE_ERROR_LOCAL_FILE,
  BARGE_ERROR_DISK_FULL,
  BARGE_ERROR_REMOTE_NOT_FOUND,
  BARGE_ERROR_REMOTE_ACCESS_DENIED,
  BARGE_ERROR_PROXY_AUTH_REQUIRED,
  BARGE_ERROR_HTTP_CLIENT_ERROR,
  BARGE_ERROR_HTTP_SERVER_ERROR,
  BARGE_ERROR_INVALID_SERVER_RESPONSE,
  BARGE_ERROR_CONNECT_FAILURE,
  BARGE_ERROR_HOST_NOT_FOUND,
  BARGE_ERROR_CONNECTION_CLOSED,
  BARGE_ERROR_TIMED_OUT,
  BARGE_ERROR_TLS_FAILURE,
  BARGE_ERROR_NETWORK_DISCONNECTED,
  BARGE_ERROR_NO_PROGRESS,
  BARGE_ERROR_REMOTE_FILE_CHANGED,
  BARGE_ERROR_TOO_MANY_REDIRECTS,
  BARGE_ERROR_TOO_MANY_REQUESTS,
  BARGE_ERROR_LOCAL_FILE_CHANGED,
  BARGE_ERROR_MAXIMUM_TIME_EXCEEDED,
  BARGE_ERROR_REMOTE_APPLICATION,
  BARGE_ERROR_NOTIFICATION_FAILED,
  BARGE_ERROR_UNSUPPORTED_SCHEME,
  BARGE_ERROR_QUOTA_EXCEEDED,
  BARGE_ERROR_SERVICE_UNAVAILABLE,
  BARGE_ERROR_REDIRECT_REFUSED,
  BARGE_ERROR_CHECKSUM_MISMATCH,
  BARGE_ERROR_INVALID_RANGE,
} BargeError;

/**
 * BARGE_ERROR_N_CODES: (skip)
 *
 * How many codes #BargeError has; for the D-Bus error table.
 */
#define BARGE_ERROR_N_CODES (BARGE_ERROR_INVALID_RANGE + 1)

BARGE_AVAILABLE_IN_ALL
GQuark barge_error_quark (void);
BARGE_AVAILABLE_IN_ALL
const char *barge_error_to_dbus_name (BargeError code);
BARGE_AVAILABLE_IN_ALL
gboolean barge_error_from_dbus_name (const char *name, BargeError *code);
BARGE_AVAILABLE_IN_ALL
BargeError barge_parse_error_name (const char *name, GError **error);

G_END_DECLS
