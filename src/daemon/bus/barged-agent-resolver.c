/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedBus"

#include "config.h"

#include "barged-agent-resolver.h"
#include "barged-errors.h"
#include "barged-job.h"

struct _BargedAgentResolver
{
  GObject parent_instance;
  GDBusConnection *connection;
  char *peer;
};

static void barged_agent_resolver_iface_init (GProxyResolverInterface *iface);

G_DEFINE_TYPE_WITH_CODE (BargedAgentResolver, barged_agent_resolver, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (G_TYPE_PROXY_RESOLVER, barged_agent_resolver_iface_init))

/* The agent's answer as GProxyResolver gives it, or an error that never
 * echoes an entry (it may hold a password). */
static char **
check_answer (GVariant *reply, GError **error)
{
  g_autofree const char **proxies = NULL;
  guint n;

  g_variant_get (reply, "(^a&s)", &proxies);
  n = g_strv_length ((char **) proxies);
  if (n == 0 || n > BARGED_AGENT_MAX_PROXIES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PROXY_FAILED,
                   "the session's proxy agent answered %u proxies; 1 to %u are accepted", n,
                   BARGED_AGENT_MAX_PROXIES);
      return NULL;
    }
  for (guint i = 0; i < n; i++)
    if (!g_str_equal (proxies[i], "direct://") && !barged_proxy_url_check (proxies[i]))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_PROXY_FAILED,
                     "the session's proxy agent answered a proxy (entry %u) that is neither direct:// nor "
                     BARGED_PROXY_URL_FORMS, i + 1);
        return NULL;
      }
  return g_strdupv ((char **) proxies);
}

static void
on_answer (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);
  char **proxies;

  if (reply == NULL)
    {
      /* The agent's own words, bounded and printable: they become the
       * job's error, stored and shown (barged_error_server_text()). */
      g_autofree char *said = NULL;

      g_dbus_error_strip_remote_error (error);
      said = barged_error_server_text (error->message);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PROXY_FAILED,
                               "the session's proxy agent did not answer: %s", said);
      return;
    }
  proxies = check_answer (reply, &error);
  if (proxies == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, proxies, (GDestroyNotify) g_strfreev);
}

static void
lookup_async (GProxyResolver *resolver, const char *uri, GCancellable *cancellable, GAsyncReadyCallback callback,
              gpointer user_data)
{
  BargedAgentResolver *self = BARGED_AGENT_RESOLVER (resolver);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, lookup_async);
  /* Never started by the bus on our behalf: the agent is the peer itself. */
  g_dbus_connection_call (self->connection, self->peer, BARGED_AGENT_PATH, BARGED_AGENT_IFACE, "LookupProxy",
                          g_variant_new ("(s)", uri), G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                          BARGED_AGENT_TIMEOUT_MS, cancellable, on_answer, task);
}

static char **
lookup_finish (GProxyResolver *resolver, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, resolver), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Asking a peer synchronously would block the main thread: barged's
 * sessions are asynchronous and never come here. */
static char **
lookup (GProxyResolver *resolver, const char *uri, GCancellable *cancellable, GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "the session's proxy agent is asked asynchronously only");
  return NULL;
}

static gboolean
is_supported (GProxyResolver *resolver)
{
  return TRUE;
}

static void
barged_agent_resolver_iface_init (GProxyResolverInterface *iface)
{
  iface->is_supported = is_supported;
  iface->lookup = lookup;
  iface->lookup_async = lookup_async;
  iface->lookup_finish = lookup_finish;
}

static void
barged_agent_resolver_finalize (GObject *object)
{
  BargedAgentResolver *self = BARGED_AGENT_RESOLVER (object);

  g_object_unref (self->connection);
  g_free (self->peer);
  G_OBJECT_CLASS (barged_agent_resolver_parent_class)->finalize (object);
}

static void
barged_agent_resolver_class_init (BargedAgentResolverClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = barged_agent_resolver_finalize;
}

static void
barged_agent_resolver_init (BargedAgentResolver *self)
{
}

BargedAgentResolver *
barged_agent_resolver_new (GDBusConnection *connection, const char *peer)
{
  BargedAgentResolver *self = g_object_new (BARGED_TYPE_AGENT_RESOLVER, NULL);

  self->connection = g_object_ref (connection);
  self->peer = g_strdup (peer);
  return self;
}
