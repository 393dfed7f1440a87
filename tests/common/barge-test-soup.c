/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargeTestSoup"

#include "config.h"

#include "barge-test-soup.h"

char *
barge_test_soup_listen_loopback (SoupServer *server, GError **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  gboolean https = soup_server_is_https (server);
  GSList *uris;
  char *base_url;

  if (!soup_server_listen (server, address, https ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
    return NULL;
  uris = soup_server_get_uris (server);
  base_url = g_strdup_printf ("%s://127.0.0.1:%d", https ? "https" : "http", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return base_url;
}

void
barge_test_soup_close (SoupServer **server)
{
  GMainContext *context = g_main_context_get_thread_default ();

  soup_server_disconnect (*server);
  g_clear_object (server);
  /* Let closed connections and finished messages release their data. */
  while (g_main_context_iteration (context, FALSE))
    ;
}
