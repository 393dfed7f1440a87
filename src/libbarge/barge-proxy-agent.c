/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The session proxy agent a BargeClient serves for its user's jobs
 * (barge_client_set_session_proxy_resolver_async()): the object
 * org.freedesktop.Barge1.SessionProxyAgent on the client's connection,
 * answering the daemon's LookupProxy with the application's
 * GProxyResolver. */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include "barge-dbus-generated.h"
#include "barge-private.h"

struct _BargeProxyAgent
{
  BargeClient *client;        /* borrowed: the client frees its agent first */
  GDBusConnection *connection;
  GProxyResolver *resolver;
  GCancellable *cancellable;  /* the lookups under way */
  guint registration;
};

static void
on_looked_up (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) proxies = g_proxy_resolver_lookup_finish (G_PROXY_RESOLVER (source), res, &error);

  if (proxies == NULL)
    g_dbus_method_invocation_return_gerror (g_steal_pointer (&invocation), error);
  else
    g_dbus_method_invocation_return_value (g_steal_pointer (&invocation),
                                           g_variant_new ("(^as)", proxies));
}

static void
method_call (GDBusConnection *connection, const char *sender, const char *path, const char *interface,
             const char *method, GVariant *parameters, GDBusMethodInvocation *invocation, gpointer user_data)
{
  BargeProxyAgent *self = user_data;
  const char *daemon = _barge_client_get_daemon_name (self->client);
  const char *uri;

  /* The answers are the user's proxy settings: for the daemon only. */
  if (daemon == NULL || g_strcmp0 (sender, daemon) != 0)
    {
      g_dbus_method_invocation_return_error_literal (invocation, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                                                     "only " BARGE_DBUS_NAME " asks this agent");
      return;
    }
  g_variant_get (parameters, "(&s)", &uri);
  /* The handler owns @invocation until it answers: on_looked_up() does. */
  g_proxy_resolver_lookup_async (self->resolver, uri, self->cancellable, on_looked_up, invocation);
}

static const GDBusInterfaceVTable vtable = { method_call, NULL, NULL, { 0 } };

BargeProxyAgent *
_barge_proxy_agent_new (BargeClient *client, GDBusConnection *connection, GProxyResolver *resolver,
                        GError **error)
{
  BargeProxyAgent *self = g_new0 (BargeProxyAgent, 1);

  self->client = client;
  self->connection = g_object_ref (connection);
  self->resolver = g_object_ref (resolver);
  self->cancellable = g_cancellable_new ();
  /* Answered where the client's signals are, not in the temporary context
   * of a synchronous call. */
  g_main_context_push_thread_default (_barge_client_get_context (client));
  self->registration =
    g_dbus_connection_register_object (connection, BARGE_DBUS_AGENT_PATH,
                                       barge_dbus_session_proxy_agent_interface_info (), &vtable, self, NULL, error);
  g_main_context_pop_thread_default (_barge_client_get_context (client));
  if (self->registration == 0)
    {
      _barge_proxy_agent_free (self);
      return NULL;
    }
  return self;
}

void
_barge_proxy_agent_free (BargeProxyAgent *self)
{
  if (self->registration != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration);
  /* A lookup that ends later answers an object that is gone: no harm. */
  g_cancellable_cancel (self->cancellable);
  g_object_unref (self->cancellable);
  g_object_unref (self->resolver);
  g_object_unref (self->connection);
  g_free (self);
}
