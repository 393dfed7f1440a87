/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedErrors"

#include "config.h"

#include <errno.h>
#include <sys/resource.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "barged-errors.h"

typedef struct {
  BargeError code;
  BargeErrorContext context;
  gboolean transient;
  const char *description;
} ErrorRule;

/* One row per code; barged_error_rules_are_complete() in the unit tests
 * checks that every BargeError has a row. */
static const ErrorRule rules[] = {
  { BARGE_ERROR_FAILED, BARGE_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, FALSE,
    N_("The transfer service failed.") },
  { BARGE_ERROR_INVALID_ARGUMENT, BARGE_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, FALSE,
    N_("An argument is not valid.") },
  { BARGE_ERROR_INVALID_STATE, BARGE_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, FALSE,
    N_("The request is not allowed in the job's current state.") },
  { BARGE_ERROR_NOT_FOUND, BARGE_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, FALSE,
    N_("The requested object was not found.") },
  { BARGE_ERROR_EMPTY, BARGE_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, FALSE,
    N_("The job has no files to transfer.") },
  { BARGE_ERROR_ACCESS_DENIED, BARGE_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, FALSE,
    N_("Access is denied.") },
  { BARGE_ERROR_NOT_SUPPORTED, BARGE_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, FALSE,
    N_("The request is not supported for this job.") },
  { BARGE_ERROR_TOO_MANY_FILES, BARGE_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, FALSE,
    N_("The job cannot take more files.") },
  { BARGE_ERROR_TOO_MANY_JOBS, BARGE_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, FALSE,
    N_("No more jobs can be created.") },
  { BARGE_ERROR_STRING_TOO_LONG, BARGE_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, FALSE,
    N_("A text is longer than allowed.") },
  { BARGE_ERROR_TOO_LARGE, BARGE_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, FALSE,
    N_("The data is larger than allowed.") },
  { BARGE_ERROR_CANCELLED, BARGE_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, FALSE,
    N_("The operation was cancelled.") },
  { BARGE_ERROR_LOCAL_FILE, BARGE_ERROR_CONTEXT_LOCAL_FILE, FALSE,
    N_("A local file could not be created, written or renamed.") },
  { BARGE_ERROR_DISK_FULL, BARGE_ERROR_CONTEXT_LOCAL_FILE, TRUE,
    N_("There is not enough space on the disk.") },
  { BARGE_ERROR_REMOTE_NOT_FOUND, BARGE_ERROR_CONTEXT_REMOTE_FILE, FALSE,
    N_("The server has no file at this address.") },
  { BARGE_ERROR_REMOTE_ACCESS_DENIED, BARGE_ERROR_CONTEXT_REMOTE_FILE, FALSE,
    N_("The server refused access to the file.") },
  { BARGE_ERROR_PROXY_AUTH_REQUIRED, BARGE_ERROR_CONTEXT_REMOTE_FILE, FALSE,
    N_("The proxy server requires authentication.") },
  { BARGE_ERROR_HTTP_CLIENT_ERROR, BARGE_ERROR_CONTEXT_REMOTE_FILE, FALSE,
    N_("The server rejected the request.") },
  { BARGE_ERROR_HTTP_SERVER_ERROR, BARGE_ERROR_CONTEXT_REMOTE_FILE, TRUE,
    N_("The server had an internal error.") },
  { BARGE_ERROR_INVALID_SERVER_RESPONSE, BARGE_ERROR_CONTEXT_REMOTE_FILE, TRUE,
    N_("The server sent an answer that breaks the HTTP rules.") },
  { BARGE_ERROR_CONNECT_FAILURE, BARGE_ERROR_CONTEXT_GENERAL_TRANSPORT, TRUE,
    N_("No connection to the server could be made.") },
  { BARGE_ERROR_HOST_NOT_FOUND, BARGE_ERROR_CONTEXT_GENERAL_TRANSPORT, TRUE,
    N_("The server's name could not be resolved.") },
  { BARGE_ERROR_CONNECTION_CLOSED, BARGE_ERROR_CONTEXT_GENERAL_TRANSPORT, TRUE,
    N_("The connection was closed before the transfer ended.") },
  { BARGE_ERROR_TIMED_OUT, BARGE_ERROR_CONTEXT_GENERAL_TRANSPORT, TRUE,
    N_("The server stopped answering.") },
  { BARGE_ERROR_TLS_FAILURE, BARGE_ERROR_CONTEXT_GENERAL_TRANSPORT, FALSE,
    N_("The secure connection could not be established or its certificate is not trusted.") },
  { BARGE_ERROR_NETWORK_DISCONNECTED, BARGE_ERROR_CONTEXT_GENERAL_TRANSPORT, TRUE,
    N_("There is no network connection.") },
  { BARGE_ERROR_NO_PROGRESS, BARGE_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, FALSE,
    N_("The job made no progress within its no-progress timeout.") },
  { BARGE_ERROR_REMOTE_FILE_CHANGED, BARGE_ERROR_CONTEXT_REMOTE_FILE, TRUE,
    N_("The file on the server changed during the transfer.") },
  { BARGE_ERROR_TOO_MANY_REDIRECTS, BARGE_ERROR_CONTEXT_REMOTE_FILE, FALSE,
    N_("The server redirected the request too many times.") },
  { BARGE_ERROR_TOO_MANY_REQUESTS, BARGE_ERROR_CONTEXT_REMOTE_FILE, TRUE,
    N_("The server asked to wait before trying again.") },
  { BARGE_ERROR_LOCAL_FILE_CHANGED, BARGE_ERROR_CONTEXT_LOCAL_FILE, FALSE,
    N_("The local file changed while it was being uploaded.") },
  { BARGE_ERROR_MAXIMUM_TIME_EXCEEDED, BARGE_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, FALSE,
    N_("The job did not finish within its maximum transfer time.") },
  { BARGE_ERROR_REMOTE_APPLICATION, BARGE_ERROR_CONTEXT_REMOTE_APPLICATION, FALSE,
    N_("The server application rejected the upload.") },
  { BARGE_ERROR_NOTIFICATION_FAILED, BARGE_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION, FALSE,
    N_("The job's notification program could not be run.") },
  { BARGE_ERROR_UNSUPPORTED_SCHEME, BARGE_ERROR_CONTEXT_REMOTE_FILE, FALSE,
    N_("The server redirected the request to an address that is not http or https.") },
  { BARGE_ERROR_QUOTA_EXCEEDED, BARGE_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, FALSE,
    N_("The user's jobs would hold more than the administrator allows.") },
  /* libbarge's own: the daemon is not there to send it. */
  { BARGE_ERROR_SERVICE_UNAVAILABLE, BARGE_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, FALSE,
    N_("The transfer service is not running and could not be started.") },
  { BARGE_ERROR_REDIRECT_REFUSED, BARGE_ERROR_CONTEXT_REMOTE_FILE, FALSE,
    N_("The server redirected the request and the job's redirect policy does not allow it.") },
  { BARGE_ERROR_CHECKSUM_MISMATCH, BARGE_ERROR_CONTEXT_REMOTE_FILE, FALSE,
    N_("The downloaded file does not have the digest or size it was expected to have.") },
  { BARGE_ERROR_INVALID_RANGE, BARGE_ERROR_CONTEXT_REMOTE_FILE, FALSE,
    N_("A byte range of the file lies past its end, or the server does not serve ranges.") },
};

G_STATIC_ASSERT (G_N_ELEMENTS (rules) == BARGE_ERROR_N_CODES);

static const ErrorRule *
rule_for (const GError *error)
{
  if (error == NULL || error->domain != BARGE_ERROR ||
      (guint) error->code >= G_N_ELEMENTS (rules))
    return &rules[BARGE_ERROR_FAILED];
  g_assert (rules[error->code].code == (BargeError) error->code);
  return &rules[error->code];
}

BargeErrorContext
barged_error_get_context (const GError *error)
{
  return rule_for (error)->context;
}

gboolean
barged_error_is_transient (const GError *error)
{
  return rule_for (error)->transient;
}

const char *
barged_error_get_description (const char *dbus_name)
{
  BargeError code;

  if (dbus_name == NULL || !barge_error_from_dbus_name (dbus_name, &code))
    return NULL;
  return rules[code].description;
}

GError *
barged_error_new_for_http_status (guint status, const char *reason)
{
  BargeError code;

  switch (status)
    {
    case SOUP_STATUS_NOT_FOUND:
    case SOUP_STATUS_GONE:
      code = BARGE_ERROR_REMOTE_NOT_FOUND;
      break;
    case SOUP_STATUS_UNAUTHORIZED:
    case SOUP_STATUS_FORBIDDEN:
      code = BARGE_ERROR_REMOTE_ACCESS_DENIED;
      break;
    case SOUP_STATUS_PROXY_AUTHENTICATION_REQUIRED:
      code = BARGE_ERROR_PROXY_AUTH_REQUIRED;
      break;
    case SOUP_STATUS_REQUEST_TIMEOUT:
      code = BARGE_ERROR_TIMED_OUT;
      break;
    case 429: /* Too Many Requests: no SoupStatus name in 3.2 */
      code = BARGE_ERROR_TOO_MANY_REQUESTS;
      break;
    default:
      if (SOUP_STATUS_IS_REDIRECTION (status))
        code = BARGE_ERROR_TOO_MANY_REDIRECTS;
      else if (SOUP_STATUS_IS_SERVER_ERROR (status))
        code = BARGE_ERROR_HTTP_SERVER_ERROR;
      else if (SOUP_STATUS_IS_CLIENT_ERROR (status))
        code = BARGE_ERROR_HTTP_CLIENT_ERROR;
      else
        code = BARGE_ERROR_INVALID_SERVER_RESPONSE;
      break;
    }
  /* A reason phrase is any bytes a server sends. */
  if (reason != NULL && *reason != '\0')
    {
      g_autofree char *text = barged_error_server_text (reason);

      return g_error_new (BARGE_ERROR, code, "HTTP %u %s", status, text);
    }
  return g_error_new (BARGE_ERROR, code, "HTTP %u %s", status, soup_status_get_phrase (status));
}


char *
barged_error_server_text (const char *text)
{
  g_autofree char *made = g_utf8_make_valid (text, -1);
  g_autofree char *valid = NULL;
  GString *shown = g_string_new (NULL);
  gsize cut = BARGED_ERROR_MAX_SERVER_TEXT - 3;

  /* Clients print the message: a server's escape sequences must not reach
   * a terminal through them. */
  for (const char *p = made; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (shown, g_unichar_iscntrl (c) ? '?' : c);
    }
  valid = g_string_free (shown, FALSE);

  if (strlen (valid) <= BARGED_ERROR_MAX_SERVER_TEXT)
    return g_steal_pointer (&valid);
  /* Back to the start of a character (not a continuation byte). */
  while (cut > 0 && ((guchar) valid[cut] & 0xC0) == 0x80)
    cut--;
  return g_strdup_printf ("%.*s...", (int) cut, valid);
}

GError *
barged_error_new_for_io (const GError *error, gboolean local)
{
  BargeError code;

  if (error->domain == BARGE_ERROR)
    return g_error_copy (error);

  if (local)
    code = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE)
      ? BARGE_ERROR_DISK_FULL : BARGE_ERROR_LOCAL_FILE;
  else if (error->domain == G_RESOLVER_ERROR)
    code = BARGE_ERROR_HOST_NOT_FOUND;
  else if (error->domain == G_TLS_ERROR)
    code = BARGE_ERROR_TLS_FAILURE;
  else if (error->domain == SOUP_SESSION_ERROR)
    code = g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_TOO_MANY_REDIRECTS)
      ? BARGE_ERROR_TOO_MANY_REDIRECTS : BARGE_ERROR_INVALID_SERVER_RESPONSE;
  else if (error->domain != G_IO_ERROR)
    code = BARGE_ERROR_CONNECTION_CLOSED;
  else
    switch (error->code)
      {
      case G_IO_ERROR_CONNECTION_REFUSED:
      case G_IO_ERROR_HOST_UNREACHABLE:
      case G_IO_ERROR_NETWORK_UNREACHABLE:
      /* No proxy could take the connection (a SOCKS refusal, a session's
       * proxy agent that gave no usable answer): nothing was connected. */
      case G_IO_ERROR_PROXY_FAILED:
        code = BARGE_ERROR_CONNECT_FAILURE;
        break;
      case G_IO_ERROR_TIMED_OUT:
        code = BARGE_ERROR_TIMED_OUT;
        break;
      case G_IO_ERROR_HOST_NOT_FOUND:
        code = BARGE_ERROR_HOST_NOT_FOUND;
        break;
      case G_IO_ERROR_CANCELLED:
        code = BARGE_ERROR_CANCELLED;
        break;
      default:
        code = BARGE_ERROR_CONNECTION_CLOSED;
        break;
      }
  return g_error_new_literal (BARGE_ERROR, code, error->message);
}

GError *
barged_error_new_for_write_errno (int errsv)
{
  if (errsv == EFBIG)
    return g_error_new (BARGE_ERROR, BARGE_ERROR_LOCAL_FILE,
                        "cannot write the temporary file: %s (more than its file system or barged's file size "
                        "limit, RLIMIT_FSIZE, takes)", g_strerror (errsv));
  return g_error_new (BARGE_ERROR, errsv == ENOSPC || errsv == EDQUOT ? BARGE_ERROR_DISK_FULL : BARGE_ERROR_LOCAL_FILE,
                      "cannot write the temporary file: %s", g_strerror (errsv));
}

GError *
barged_error_new_for_space (guint64 lacking, guint64 free_bytes)
{
  /* Plain byte counts: exact, and the same in every locale. */
  return g_error_new (BARGE_ERROR, BARGE_ERROR_DISK_FULL,
                      "not enough space for the file: it needs %" G_GUINT64_FORMAT " more bytes, and its file "
                      "system has %" G_GUINT64_FORMAT " free", lacking, free_bytes);
}

GError *
barged_error_new_for_file_size_limits (guint64 size, guint64 size_limit, gboolean fat)
{
  if (size_limit != G_MAXUINT64 && size > size_limit)
    return g_error_new (BARGE_ERROR, BARGE_ERROR_LOCAL_FILE,
                        "the file has %" G_GUINT64_FORMAT " bytes, more than barged's file size limit "
                        "(RLIMIT_FSIZE) of %" G_GUINT64_FORMAT " bytes", size, size_limit);
  if (fat && size > BARGED_FAT_MAX_FILE_SIZE)
    return g_error_new (BARGE_ERROR, BARGE_ERROR_LOCAL_FILE,
                        "the file has %" G_GUINT64_FORMAT " bytes, and its destination's file system (FAT) takes at "
                        "most %" G_GUINT64_FORMAT " bytes per file", size, BARGED_FAT_MAX_FILE_SIZE);
  return NULL;
}

GError *
barged_error_new_for_file_size (guint64 size)
{
  struct rlimit limit;

  /* Read at each response, not once: an administrator may raise the
   * limit (prlimit) for the file's next attempt. */
  if (getrlimit (RLIMIT_FSIZE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
    return NULL;
  return barged_error_new_for_file_size_limits (size, (guint64) limit.rlim_cur, FALSE);
}
