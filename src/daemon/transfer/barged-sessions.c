/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedSessions"

#include "config.h"

#include "barge.h"
#include "barged-ntlm.h"
#include "barged-request.h"
#include "barged-sessions.h"
#include "barged-trust-database.h"

struct _BargedSessions
{
  GObject parent_instance;
  BargedConfig *config;
  BargedTrustDatabase *trust; /* every session's: the system's trust, or the test CA's */
  BargedYield *yield;         /* or NULL */
  guint max_conns;
  SoupSession *shared;
  SoupSession *shared_background;
  GPtrArray *own;             /* the jobs' own sessions, weak: each leaves when its job drops it */
  char *proxy_key;            /* [Transfer] Proxy and NoProxy as the shared sessions have them */
  GHashTable *users;          /* uid -> UserProxy: what the users' desktop sessions published */
};

/* One per user whose session published its proxy: at most one per uid. */
typedef struct {
  GProxyResolver *resolver;   /* NULL: direct */
  SoupSession *sessions[2];   /* foreground, background; made when first asked for */
} UserProxy;

static void
user_proxy_free (UserProxy *user)
{
  g_clear_object (&user->resolver);
  g_clear_object (&user->sessions[0]);
  g_clear_object (&user->sessions[1]);
  g_free (user);
}

G_DEFINE_FINAL_TYPE (BargedSessions, barged_sessions, G_TYPE_OBJECT)

static SoupSession *
new_session (BargedSessions *self, gboolean background)
{
  SoupSession *session = soup_session_new_with_options (
    "user-agent", "Barge/" PACKAGE_VERSION " ",
    "timeout", barged_config_get_settings (self->config)->transfer_timeout,
    "idle-timeout", 60,
    "max-conns", self->max_conns,
    "max-conns-per-host", self->max_conns,
    NULL);

  barged_ntlm_add_to_session (session);
  soup_session_set_tls_database (session, G_TLS_DATABASE (self->trust));
  /* libsoup gives a kept-alive connection to any request of its session:
   * a background session's are all lower-effort. */
  if (background)
    {
      barged_request_mark_lower_effort (session);
      if (self->yield != NULL)
        barged_yield_watch (self->yield, session);
    }
  return session;
}

static void
apply_proxy (BargedSessions *self)
{
  const BargedSettings *settings = barged_config_get_settings (self->config);
  g_autofree char *key = g_strconcat (settings->proxy, "\n", settings->no_proxy, NULL);
  g_autoptr(GProxyResolver) simple = NULL;
  GProxyResolver *resolver = NULL;

  /* Setting a resolver drops the session's idle connections: only when
   * it changes. */
  if (g_strcmp0 (key, self->proxy_key) == 0)
    return;
  g_free (self->proxy_key);
  self->proxy_key = g_steal_pointer (&key);
  if (settings->proxy[0] == '\0')
    resolver = g_proxy_resolver_get_default ();
  else if (!g_str_equal (settings->proxy, "none"))
    {
      g_auto(GStrv) ignore = settings->no_proxy[0] != '\0' ? g_strsplit (settings->no_proxy, ";", -1) : NULL;

      resolver = simple = g_simple_proxy_resolver_new (settings->proxy, ignore);
    }
  /* NULL: no proxy at all. */
  soup_session_set_proxy_resolver (self->shared, resolver);
  soup_session_set_proxy_resolver (self->shared_background, resolver);
}

/* New connections use the new timeout and proxy; a request in flight keeps
 * what it started with. */
static void
on_config_changed (BargedConfig *config, BargedSessions *self)
{
  guint timeout = barged_config_get_settings (config)->transfer_timeout;
  GHashTableIter iter;
  UserProxy *user;

  soup_session_set_timeout (self->shared, timeout);
  soup_session_set_timeout (self->shared_background, timeout);
  for (guint i = 0; i < self->own->len; i++)
    soup_session_set_timeout (g_ptr_array_index (self->own, i), timeout);
  g_hash_table_iter_init (&iter, self->users);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &user))
    for (guint i = 0; i < G_N_ELEMENTS (user->sessions); i++)
      if (user->sessions[i] != NULL)
        soup_session_set_timeout (user->sessions[i], timeout);
  apply_proxy (self);
}

static void
on_own_finalized (gpointer data, GObject *where_the_object_was)
{
  BargedSessions *self = data;

  g_ptr_array_remove_fast (self->own, where_the_object_was);
}

SoupSession *
barged_sessions_get_shared (BargedSessions *self, gboolean background)
{
  return background ? self->shared_background : self->shared;
}

SoupSession *
barged_sessions_new_own (BargedSessions *self, gboolean background, GProxyResolver *resolver)
{
  SoupSession *session = new_session (self, background);

  soup_session_set_proxy_resolver (session, resolver);
  g_ptr_array_add (self->own, session);
  g_object_weak_ref (G_OBJECT (session), on_own_finalized, self);
  return session;
}

void
barged_sessions_set_user_proxy (BargedSessions *self, guint32 uid, gboolean published, GProxyResolver *resolver)
{
  UserProxy *user;

  if (!published)
    {
      g_hash_table_remove (self->users, GUINT_TO_POINTER (uid));
      return;
    }
  user = g_new0 (UserProxy, 1);
  user->resolver = resolver != NULL ? g_object_ref (resolver) : NULL;
  g_hash_table_replace (self->users, GUINT_TO_POINTER (uid), user);
}

SoupSession *
barged_sessions_lookup_user (BargedSessions *self, guint32 uid, gboolean background)
{
  UserProxy *user = g_hash_table_lookup (self->users, GUINT_TO_POINTER (uid));
  guint i = background ? 1 : 0;

  if (user == NULL)
    return NULL;
  if (user->sessions[i] == NULL)
    {
      user->sessions[i] = new_session (self, background);
      soup_session_set_proxy_resolver (user->sessions[i], user->resolver);
    }
  return user->sessions[i];
}

static void
barged_sessions_dispose (GObject *object)
{
  BargedSessions *self = BARGED_SESSIONS (object);

  /* A job's session may outlive this object (a transfer still holds it). */
  for (guint i = 0; i < self->own->len; i++)
    g_object_weak_unref (g_ptr_array_index (self->own, i), on_own_finalized, self);
  g_ptr_array_set_size (self->own, 0);
  if (self->config != NULL)
    g_signal_handlers_disconnect_by_data (self->config, self);
  g_hash_table_remove_all (self->users);
  g_clear_object (&self->shared);
  g_clear_object (&self->shared_background);
  g_clear_object (&self->config);
  g_clear_object (&self->trust);
  g_clear_object (&self->yield);
  G_OBJECT_CLASS (barged_sessions_parent_class)->dispose (object);
}

static void
barged_sessions_finalize (GObject *object)
{
  BargedSessions *self = BARGED_SESSIONS (object);

  g_ptr_array_unref (self->own);
  g_hash_table_unref (self->users);
  g_free (self->proxy_key);
  G_OBJECT_CLASS (barged_sessions_parent_class)->finalize (object);
}

static void
barged_sessions_class_init (BargedSessionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = barged_sessions_dispose;
  object_class->finalize = barged_sessions_finalize;
}

static void
barged_sessions_init (BargedSessions *self)
{
  self->own = g_ptr_array_new ();
  self->users = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) user_proxy_free);
}

BargedSessions *
barged_sessions_new (BargedConfig *config, GTlsDatabase *test_database, BargedYield *yield, guint max_conns)
{
  BargedSessions *self = g_object_new (BARGED_TYPE_SESSIONS, NULL);

  self->config = g_object_ref (config);
  self->trust = barged_trust_database_new (test_database);
  self->yield = yield != NULL ? g_object_ref (yield) : NULL;
  self->max_conns = max_conns;
  self->shared = new_session (self, FALSE);
  self->shared_background = new_session (self, TRUE);
  apply_proxy (self);
  g_signal_connect_object (config, "changed", G_CALLBACK (on_config_changed), self, 0);
  return self;
}
