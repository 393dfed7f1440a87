/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedAuthority"

#include "config.h"

#include <unistd.h>

#include "barge.h"
#include "barged-authority.h"

struct _BargedAuthority
{
  GObject parent_instance;
  GDBusConnection *connection;
  gboolean system_bus;
  GMutex lock;                /* the cache is used from GDBus worker threads */
  GHashTable *uids;           /* unique name -> uid + 1 */
  guint name_owner_watch;
};

G_DEFINE_TYPE (BargedAuthority, barged_authority, G_TYPE_OBJECT)

static void
on_name_owner_changed (GDBusConnection *connection, const char *sender, const char *path,
                       const char *iface, const char *signal, GVariant *params, gpointer user_data)
{
  BargedAuthority *self = user_data;
  const char *name, *old_owner, *new_owner;

  g_variant_get (params, "(&s&s&s)", &name, &old_owner, &new_owner);
  /* A unique name is never reused, but the cache must not grow forever. */
  if (name[0] == ':' && new_owner[0] == '\0')
    {
      g_mutex_lock (&self->lock);
      g_hash_table_remove (self->uids, name);
      g_mutex_unlock (&self->lock);
    }
}

BargedAuthority *
barged_authority_new (GDBusConnection *connection, gboolean system_bus)
{
  BargedAuthority *self = g_object_new (BARGED_TYPE_AUTHORITY, NULL);

  self->connection = g_object_ref (connection);
  self->system_bus = system_bus;
  if (system_bus)
    self->name_owner_watch =
      g_dbus_connection_signal_subscribe (connection, "org.freedesktop.DBus",
                                          "org.freedesktop.DBus", "NameOwnerChanged",
                                          "/org/freedesktop/DBus", NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                          on_name_owner_changed, self, NULL);
  return self;
}

gboolean
barged_authority_is_system (BargedAuthority *self)
{
  return self->system_bus;
}

gboolean
barged_authority_lookup_uid (BargedAuthority *self, const char *sender, guint32 *uid, GError **error)
{
  g_autoptr(GVariant) reply = NULL;
  gpointer cached;

  if (!self->system_bus || sender == NULL)
    {
      *uid = (guint32) getuid ();
      return TRUE;
    }

  g_mutex_lock (&self->lock);
  cached = g_hash_table_lookup (self->uids, sender);
  g_mutex_unlock (&self->lock);
  if (cached != NULL)
    {
      *uid = GPOINTER_TO_UINT (cached) - 1;
      return TRUE;
    }

  reply = g_dbus_connection_call_sync (self->connection, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "GetConnectionUnixUser", g_variant_new ("(s)", sender),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, error);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(u)", uid);
  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->uids, g_strdup (sender), GUINT_TO_POINTER (*uid + 1));
  g_mutex_unlock (&self->lock);
  return TRUE;
}

guint32
barged_authority_get_invocation_uid (GDBusMethodInvocation *invocation)
{
  gpointer data = g_object_get_data (G_OBJECT (invocation), "barged-caller-uid");

  g_return_val_if_fail (data != NULL, G_MAXUINT32);
  return GPOINTER_TO_UINT (data) - 1;
}

gboolean
barged_authority_check_sender (BargedAuthority *self, const char *sender, guint32 owner, GError **error)
{
  guint32 uid;

  if (!barged_authority_lookup_uid (self, sender, &uid, error))
    return FALSE;
  if (owner != G_MAXUINT32 && uid != owner && uid != 0)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_ACCESS_DENIED,
                   "the job belongs to another user");
      return FALSE;
    }
  return TRUE;
}

gboolean
barged_authority_authorize (BargedAuthority *self, GDBusMethodInvocation *invocation, guint32 owner)
{
  g_autoptr(GError) error = NULL;
  guint32 uid = 0;

  if (!barged_authority_lookup_uid (self, g_dbus_method_invocation_get_sender (invocation), &uid, &error) ||
      !barged_authority_check_sender (self, g_dbus_method_invocation_get_sender (invocation), owner, &error))
    {
      if (error->domain != BARGE_ERROR)
        {
          g_clear_error (&error);
          g_set_error (&error, BARGE_ERROR, BARGE_ERROR_ACCESS_DENIED, "cannot identify the caller");
        }
      g_dbus_method_invocation_return_gerror (invocation, error);
      return FALSE;
    }
  g_object_set_data (G_OBJECT (invocation), "barged-caller-uid", GUINT_TO_POINTER (uid + 1));
  return TRUE;
}

static void
barged_authority_finalize (GObject *object)
{
  BargedAuthority *self = BARGED_AUTHORITY (object);

  if (self->name_owner_watch != 0)
    g_dbus_connection_signal_unsubscribe (self->connection, self->name_owner_watch);
  g_clear_object (&self->connection);
  g_hash_table_unref (self->uids);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (barged_authority_parent_class)->finalize (object);
}

static void
barged_authority_init (BargedAuthority *self)
{
  g_mutex_init (&self->lock);
  self->uids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
barged_authority_class_init (BargedAuthorityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = barged_authority_finalize;
}
