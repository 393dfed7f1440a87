/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedProbe"

#include "config.h"

#include "barged-probe.h"
#include "barged-request.h"

typedef struct {
  SoupMessage *msg;
  SoupSession *session;
  BargedTls *tls;       /* or NULL */
} Probe;

static void
probe_free (Probe *probe)
{
  g_object_unref (probe->msg);
  g_object_unref (probe->session);
  g_clear_pointer (&probe->tls, barged_tls_unref);
  g_free (probe);
}

/* The job's redirect policy, packed into the handler's data. */
#define POLICY_DATA(policy, allow) GUINT_TO_POINTER ((guint) (policy) | ((allow) ? 0x100u : 0u))

/* A redirect the job would refuse is not followed by its probe either:
 * the size stays unknown and the file's own request reports it. */
static void
on_probe_headers (SoupMessage *msg, gpointer user_data)
{
  guint packed = GPOINTER_TO_UINT (user_data);
  g_autoptr(GError) refused = barged_request_check_redirect (msg, (BargeRedirectPolicy) (packed & 0xffu),
                                                             (packed & 0x100u) != 0, NULL);
}

static void
on_probed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  SoupMessage *msg = probe->msg;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), res, &error);
  SoupMessageHeaders *headers;

  if (body == NULL)
    {
      g_task_return_error (task, barged_tls_stopped (probe->tls, msg)
                                   ? barged_tls_request_error (probe->tls, msg, error)
                                   : g_steal_pointer (&error));
      return;
    }
  headers = soup_message_get_response_headers (msg);
  /* A kept connection's chain is judged again, as for the transfers'
   * responses: a size from a server whose certificate is revoked since,
   * or whose status went stale, is not taken (no fetch for a probe: the
   * file's own request fetches what is stale). */
  if (soup_message_get_status (msg) == SOUP_STATUS_OK &&
      barged_tls_recheck (probe->tls, msg, probe->session, NULL, NULL) == BARGED_REVOCATION_GOOD &&
      soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    g_task_return_int (task, soup_message_headers_get_content_length (headers));
  else
    g_task_return_int (task, -1);
}

void
barged_probe_size_async (SoupSession *session, const char *url, GVariant *custom_headers,
                         BargedAuthAnswers *answers, BargeRedirectPolicy redirect_policy,
                         gboolean allow_https_to_http, BargedTls *tls, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GCancellable) guarded = NULL;
  SoupMessage *msg;
  Probe *probe;

  g_task_set_source_tag (task, barged_probe_size_async);
  if (uri == NULL)
    {
      g_task_return_int (task, -1);
      g_object_unref (task);
      return;
    }
  msg = soup_message_new_from_uri (SOUP_METHOD_HEAD, uri);
  soup_message_add_flags (msg, SOUP_MESSAGE_DO_NOT_USE_AUTH_CACHE);
  /* The size that counts is the size of the bytes as stored. */
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept-Encoding", "identity");
  soup_message_disable_feature (msg, SOUP_TYPE_CONTENT_DECODER);
  barged_request_add_custom_headers (msg, custom_headers, url);
  if (answers != NULL)
    barged_auth_answers_attach (answers, msg, url);
  barged_tls_apply (tls, msg);
  barged_request_keep_bodyless_alive (msg);
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_probe_headers),
                    POLICY_DATA (redirect_policy, allow_https_to_http));
  probe = g_new0 (Probe, 1);
  probe->msg = msg;
  probe->session = g_object_ref (session);
  probe->tls = tls != NULL ? barged_tls_ref (tls) : NULL;
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);
  /* A probe stopped by the guard learns no size; it fetches no list. */
  guarded = barged_tls_guard (tls, msg, session, cancellable);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_LOW, guarded, on_probed, task);
}

guint64
barged_probe_size_finish (GAsyncResult *res, GError **error)
{
  gssize size = g_task_propagate_int (G_TASK (res), error);

  return size < 0 ? BARGE_SIZE_UNKNOWN : (guint64) size;
}
