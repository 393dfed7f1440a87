/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedProxyResolver"

#include "config.h"

#include "barged-proxy-resolver.h"

struct _BargedProxyResolver
{
  GObject parent_instance;
  char **proxies;
  /* Decides "direct or not" with GIO's own matching of the bypass list:
   * it answers direct:// for a bypassed host, the first proxy otherwise. */
  GProxyResolver *bypass;
};

static void barged_proxy_resolver_iface_init (GProxyResolverInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BargedProxyResolver, barged_proxy_resolver, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_PROXY_RESOLVER, barged_proxy_resolver_iface_init))

static char **
lookup (GProxyResolver *resolver, const char *uri, GCancellable *cancellable, GError **error)
{
  BargedProxyResolver *self = BARGED_PROXY_RESOLVER (resolver);
  /* GSimpleProxyResolver does no I/O: this never blocks. */
  g_auto(GStrv) simple = g_proxy_resolver_lookup (self->bypass, uri, cancellable, error);

  if (simple == NULL)
    return NULL;
  if (g_strv_length (simple) == 1 && g_str_equal (simple[0], "direct://"))
    return g_steal_pointer (&simple);
  return g_strdupv (self->proxies);
}

static void
lookup_async (GProxyResolver *resolver, const char *uri, GCancellable *cancellable, GAsyncReadyCallback callback,
              gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  GError *error = NULL;
  char **proxies = lookup (resolver, uri, cancellable, &error);

  g_task_set_source_tag (task, lookup_async);
  if (proxies == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, proxies, (GDestroyNotify) g_strfreev);
}

static char **
lookup_finish (GProxyResolver *resolver, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
is_supported (GProxyResolver *resolver)
{
  return TRUE;
}

static void
barged_proxy_resolver_iface_init (GProxyResolverInterface *iface)
{
  iface->is_supported = is_supported;
  iface->lookup = lookup;
  iface->lookup_async = lookup_async;
  iface->lookup_finish = lookup_finish;
}

static void
barged_proxy_resolver_finalize (GObject *object)
{
  BargedProxyResolver *self = BARGED_PROXY_RESOLVER (object);

  g_strfreev (self->proxies);
  g_clear_object (&self->bypass);
  G_OBJECT_CLASS (barged_proxy_resolver_parent_class)->finalize (object);
}

static void
barged_proxy_resolver_class_init (BargedProxyResolverClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = barged_proxy_resolver_finalize;
}

static void
barged_proxy_resolver_init (BargedProxyResolver *self)
{
}

GProxyResolver *
barged_proxy_resolver_new (const char * const *proxies, const char * const *bypass)
{
  BargedProxyResolver *self;

  g_return_val_if_fail (proxies != NULL && proxies[0] != NULL, NULL);
  self = g_object_new (BARGED_TYPE_PROXY_RESOLVER, NULL);
  self->proxies = g_strdupv ((char **) proxies);
  self->bypass = g_simple_proxy_resolver_new (proxies[0], (char **) bypass);
  return G_PROXY_RESOLVER (self);
}

GProxyResolver *
barged_proxy_resolver_new_per_scheme (const char *http, const char *https, const char *other,
                                      const char * const *bypass)
{
  GProxyResolver *resolver = g_simple_proxy_resolver_new (other, (char **) bypass);

  if (http != NULL)
    g_simple_proxy_resolver_set_uri_proxy (G_SIMPLE_PROXY_RESOLVER (resolver), "http", http);
  if (https != NULL)
    g_simple_proxy_resolver_set_uri_proxy (G_SIMPLE_PROXY_RESOLVER (resolver), "https", https);
  return resolver;
}
