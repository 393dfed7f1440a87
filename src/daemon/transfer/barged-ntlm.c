/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedNtlm"

#include "config.h"

#include "barged-ntlm.h"
#include "barged-ntlm-message.h"

/* What libsoup 3.2.3 does with NTLM (libsoup/auth/soup-auth-ntlm.c,
 * soup-connection-auth.c, soup-auth-manager.c), and why each fence below:
 *
 * - SoupAuthNTLM is a connection auth: its state (Type 1 sent, challenge
 *   received, Type 3 sent) is kept per SoupConnection. A bare "NTLM"
 *   challenge makes it "ready" whatever the password state
 *   (is_connection_ready), so the auth manager resends the request with a
 *   Type 1 even when no "authenticate" handler gave credentials, and then
 *   a Type 3 with the user name of the process (NTLMUSER or the login
 *   name) and an all-zero hash.
 * - SOUP_MESSAGE_DO_NOT_USE_AUTH_CACHE keeps the SoupAuth on the message
 *   only, but the server authenticates the TCP connection: after the
 *   response the connection goes back to the session's pool and the next
 *   request to that host, any job's, is sent on it with no Authorization
 *   and is served as the authenticated user (IIS does so by default).
 * - create_auth takes the strongest challenge it has a type for: NTLM
 *   (strength 3) over Basic (1), whatever credentials the job has.
 * - The response is NTLMv2 only when the challenge has
 *   NEGOTIATE_TARGET_INFO; else NTLMv1 with the LM response, or the
 *   NTLM2 session response when it has NEGOTIATE_EXTENDED_SESSIONSECURITY
 *   (soup_ntlm_response): DES of the password hash under the server's
 *   challenge, which a man in the middle can pick.
 * - Built with USE_NTLM_AUTH (Debian: /usr/bin/ntlm_auth), it first tries
 *   Samba's ntlm_auth for single sign-on as the process's user, and uses
 *   its answer in place of the credentials given; an empty
 *   SOUP_NTLM_AUTH_DEBUG, read when the class is initialised, turns that
 *   off (sso_ntlm_initiate). */

/* Which NTLM message the request carries in @name (0: none). */
static guint32
request_message_type (SoupMessageHeaders *headers, const char *name)
{
  const char *value = soup_message_headers_get_one (headers, name);
  const char *token = NULL;
  g_autofree guchar *data = NULL;
  gsize length = 0;
  guint32 type = 0;

  if (value == NULL || !barged_ntlm_parse_auth (value, &token) || token == NULL)
    return 0;
  data = barged_ntlm_decode_message (token, &length, &type);
  return data != NULL ? type : 0;
}

/* Whether the handler of @msg's "authenticate" signal (a job's transfer)
 * has NTLM credentials for it: libsoup's own question, put to a
 * throwaway SoupAuthNTLM before the auth manager commits the request to
 * NTLM. The handler must answer during the signal, as
 * barged_credentials_authenticate does. */
static gboolean
owner_has_ntlm_credentials (SoupMessage *msg)
{
  g_autoptr(SoupAuth) auth = soup_auth_new (SOUP_TYPE_AUTH_NTLM, msg, "NTLM");
  gboolean handled = FALSE;

  if (auth == NULL)
    return FALSE;
  g_signal_emit_by_name (msg, "authenticate", auth, FALSE, &handled);
  return handled && soup_auth_is_authenticated (auth);
}

/* Rewrites the challenges in the response header @name so that libsoup
 * does NTLM only as the fences say; @sent is the NTLM message the request
 * carried. Other challenges stay as they are. */
static void
filter_challenges (SoupMessage *msg, SoupMessageHeaders *response, const char *name, guint32 sent)
{
  const char *list = soup_message_headers_get_list (response, name);
  g_autoptr(GString) kept = NULL;
  GSList *items;
  gboolean changed = FALSE;
  int owner_has = -1;

  if (list == NULL)
    return;
  items = soup_header_parse_list (list);
  kept = g_string_new (NULL);
  for (GSList *l = items; l != NULL; l = l->next)
    {
      const char *item = l->data;
      const char *token = NULL;
      g_autofree char *replacement = NULL;
      g_autofree guchar *data = NULL;
      gsize length = 0;
      guint32 type = 0;
      gboolean keep = TRUE;

      if (barged_ntlm_parse_auth (item, &token))
        {
          GUri *uri = soup_message_get_uri (msg);

          if (soup_message_get_http_version (msg) == SOUP_HTTP_2_0 ||
              soup_message_get_method (msg) == SOUP_METHOD_CONNECT)
            {
              /* A multiplexed connection, or a tunnel other jobs' requests
               * would go through: not one to authenticate for one job. */
              g_info ("NTLM challenge of %s ignored: not over HTTP/2 or a proxy tunnel", g_uri_get_host (uri));
              keep = FALSE;
            }
          else if (token == NULL)
            {
              if (owner_has < 0)
                owner_has = owner_has_ntlm_credentials (msg);
              keep = owner_has;
            }
          else if (sent != BARGED_NTLM_NEGOTIATE)
            keep = FALSE;       /* a challenge answers our Type 1 or nothing */
          else if ((data = barged_ntlm_decode_message (token, &length, &type)) != NULL &&
                   type == BARGED_NTLM_CHALLENGE &&
                   (replacement = barged_ntlm_challenge_for_v2 (data, length)) != NULL)
            g_info ("%s offers NTLMv1 only; answering with NTLMv2", g_uri_get_host (uri));
          changed = changed || !keep || replacement != NULL;
        }
      if (keep)
        {
          if (kept->len > 0)
            g_string_append (kept, ", ");
          g_string_append (kept, replacement != NULL ? replacement : item);
        }
    }
  soup_header_free_list (items);
  if (!changed)
    return;
  soup_message_headers_remove (response, name);
  if (kept->len > 0)
    soup_message_headers_append (response, name, kept->str);
}

/* Runs before every "got-headers" handler, so before SoupAuthManager's. */
static gboolean
on_got_headers (GSignalInvocationHint *hint, guint n_params, const GValue *params, gpointer user_data)
{
  SoupMessage *msg = g_value_get_object (&params[0]);
  SoupMessageHeaders *request = soup_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_message_get_response_headers (msg);
  guint32 server = request_message_type (request, "Authorization");
  guint32 proxy = request_message_type (request, "Proxy-Authorization");

  /* The server now holds this connection as authenticated, whatever it
   * answered: no other request may have it. */
  if (server == BARGED_NTLM_AUTHENTICATE || proxy == BARGED_NTLM_AUTHENTICATE)
    soup_message_headers_append (response, "Connection", "close");
  if (soup_message_get_status (msg) == SOUP_STATUS_UNAUTHORIZED)
    filter_challenges (msg, response, "WWW-Authenticate", server);
  else if (soup_message_get_status (msg) == SOUP_STATUS_PROXY_UNAUTHORIZED)
    filter_challenges (msg, response, "Proxy-Authenticate", proxy);
  return TRUE;
}

void
barged_ntlm_add_to_session (SoupSession *session)
{
  static gsize hooked = 0;

  if (g_strcmp0 (g_getenv ("SOUP_NTLM_AUTH_DEBUG"), "") != 0)
    {
      g_warning ("NTLM is off: SOUP_NTLM_AUTH_DEBUG must be set and empty, or libsoup runs ntlm_auth "
                 "for single sign-on as this process's user");
      return;
    }
  if (g_once_init_enter (&hooked))
    {
      gpointer klass = g_type_class_ref (SOUP_TYPE_MESSAGE);

      g_signal_add_emission_hook (g_signal_lookup ("got-headers", SOUP_TYPE_MESSAGE), 0, on_got_headers,
                                  NULL, NULL);
      g_type_class_unref (klass);
      g_once_init_leave (&hooked, 1);
    }
  soup_session_add_feature_by_type (session, SOUP_TYPE_AUTH_NTLM);
}
