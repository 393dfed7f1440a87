/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedAuthority"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <polkit/polkit.h>

#include "barge.h"
#include "barged-authority.h"

/* What is known of a peer that called. */
typedef struct {
  guint32 uid;
  gboolean admin;             /* polkit said yes to manage-all once */
} Peer;

struct _BargedAuthority
{
  GObject parent_instance;
  GDBusConnection *connection;
  gboolean system_bus;
  GHashTable *peers;          /* unique name -> Peer */
  guint name_owner_watch;
  PolkitAuthority *polkit;    /* once polkit_authority_get_async answered */
  GQueue polkit_waiters;      /* GTask: checks waiting for it */
  gboolean polkit_requested;
};

G_DEFINE_TYPE (BargedAuthority, barged_authority, G_TYPE_OBJECT)

static void
on_name_owner_changed (GDBusConnection *connection, const char *sender, const char *path,
                       const char *iface, const char *signal, GVariant *params, gpointer user_data)
{
  BargedAuthority *self = user_data;
  const char *name, *old_owner, *new_owner;

  g_variant_get (params, "(&s&s&s)", &name, &old_owner, &new_owner);
  /* A unique name is never reused, but the table must not grow forever. */
  if (name[0] == ':' && new_owner[0] == '\0')
    g_hash_table_remove (self->peers, name);
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

/* --- the caller's uid ------------------------------------------------------------ */

static void
on_unix_user (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargedAuthority *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);
  Peer *peer;

  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  peer = g_hash_table_lookup (self->peers, g_task_get_task_data (task));
  if (peer == NULL)
    {
      peer = g_new0 (Peer, 1);
      g_variant_get (reply, "(u)", &peer->uid);
      g_hash_table_insert (self->peers, g_strdup (g_task_get_task_data (task)), peer);
    }
  g_task_return_int (task, peer->uid);
}

void
barged_authority_lookup_uid_async (BargedAuthority *self, const char *sender,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  Peer *peer;

  g_task_set_source_tag (task, barged_authority_lookup_uid_async);
  if (!self->system_bus || sender == NULL)
    {
      g_task_return_int (task, getuid ());
      return;
    }
  peer = g_hash_table_lookup (self->peers, sender);
  if (peer != NULL)
    {
      g_task_return_int (task, peer->uid);
      return;
    }
  g_task_set_task_data (task, g_strdup (sender), g_free);
  g_dbus_connection_call (self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetConnectionUnixUser", g_variant_new ("(s)", sender),
                          G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_unix_user,
                          g_steal_pointer (&task));
}

gboolean
barged_authority_lookup_uid_finish (BargedAuthority *self, GAsyncResult *res, guint32 *uid, GError **error)
{
  gssize value = g_task_propagate_int (G_TASK (res), error);

  if (value < 0)
    return FALSE;
  *uid = (guint32) value;
  return TRUE;
}

gboolean
barged_authority_peek_uid (BargedAuthority *self, const char *sender, guint32 *uid)
{
  Peer *peer;

  if (!self->system_bus)
    {
      *uid = (guint32) getuid ();
      return TRUE;
    }
  peer = sender != NULL ? g_hash_table_lookup (self->peers, sender) : NULL;
  if (peer == NULL)
    return FALSE;
  *uid = peer->uid;
  return TRUE;
}

/* --- the caller's umask ------------------------------------------------------------ */

/* /proc/<pid>/status has the umask since Linux 4.7. The pid could in theory
 * be reused between the bus's answer and the read; the worst case is
 * another process's umask, never more rights than a file mode of 0666. */
static guint32
umask_of (const char *status_path)
{
  g_autofree char *status = NULL;
  const char *line;
  unsigned int mask;

  if (!g_file_get_contents (status_path, &status, NULL, NULL))
    return 022;
  line = strstr (status, "\nUmask:");
  if (line == NULL || sscanf (line + 7, "%o", &mask) != 1)
    return 022;
  return mask & 0777;
}

static void
on_unix_pid (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, NULL);
  g_autofree char *path = NULL;
  guint32 pid;

  if (reply == NULL)
    {
      g_task_return_int (task, 022);
      return;
    }
  g_variant_get (reply, "(u)", &pid);
  path = g_strdup_printf ("/proc/%u/status", pid);
  g_task_return_int (task, umask_of (path));
}

void
barged_authority_lookup_umask_async (BargedAuthority *self, const char *sender,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, barged_authority_lookup_umask_async);
  if (!self->system_bus || sender == NULL)
    {
      /* The session daemon runs as the caller: its own umask is theirs. */
      g_task_return_int (task, umask_of ("/proc/self/status"));
      return;
    }
  g_dbus_connection_call (self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetConnectionUnixProcessID", g_variant_new ("(s)", sender),
                          G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_unix_pid,
                          g_steal_pointer (&task));
}

guint32
barged_authority_lookup_umask_finish (BargedAuthority *self, GAsyncResult *res)
{
  return (guint32) g_task_propagate_int (G_TASK (res), NULL);
}

/* --- manage-all ------------------------------------------------------------------------ */

typedef struct {
  char *sender;
  const char *action;         /* a BARGED_ACTION_*, static */
  gboolean interactive;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_free (data->sender);
  g_free (data);
}

/* What the action allows, for messages. */
static const char *
action_purpose (const char *action)
{
  if (g_str_equal (action, BARGED_ACTION_SET_BANDWIDTH_POLICY))
    return "setting the background bandwidth limit";
  return "acting on every user's jobs";
}

static void
on_polkit_checked (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargedAuthority *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(PolkitAuthorizationResult) result =
    polkit_authority_check_authorization_finish (POLKIT_AUTHORITY (source), res, &error);
  Peer *peer;

  if (result == NULL)
    {
      g_debug ("polkit: %s", error->message);
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_ACCESS_DENIED,
                               "cannot ask polkit for authorization: %s", error->message);
      return;
    }
  if (polkit_authorization_result_get_is_authorized (result))
    {
      /* Only manage-all makes a peer see every user's jobs. */
      peer = g_hash_table_lookup (self->peers, data->sender);
      if (peer != NULL && g_str_equal (data->action, BARGED_ACTION_MANAGE_ALL))
        peer->admin = TRUE;
      g_task_return_boolean (task, TRUE);
    }
  else if (polkit_authorization_result_get_is_challenge (result) && !data->interactive)
    {
      g_autofree char *message = g_strdup_printf ("%s needs authorization; allow interactive authorization to be asked",
                                                  action_purpose (data->action));

      /* GLib 2.74 has no GDBusError for it: the name travels as is. */
      g_task_return_error (task, g_dbus_error_new_for_dbus_error ("org.freedesktop.DBus.Error.InteractiveAuthorizationRequired",
                                                                  message));
    }
  else
    g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_ACCESS_DENIED, "not authorized for %s", data->action);
}

static void
ask_polkit (BargedAuthority *self, GTask *task_in)
{
  g_autoptr(GTask) task = task_in;
  CheckData *data = g_task_get_task_data (task);
  g_autoptr(PolkitSubject) subject = polkit_system_bus_name_new (data->sender);

  if (self->polkit == NULL)
    {
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_ACCESS_DENIED,
                               "polkit is not available to authorize %s", action_purpose (data->action));
      return;
    }
  polkit_authority_check_authorization (self->polkit, subject, data->action, NULL,
                                        data->interactive ? POLKIT_CHECK_AUTHORIZATION_FLAGS_ALLOW_USER_INTERACTION
                                                          : POLKIT_CHECK_AUTHORIZATION_FLAGS_NONE,
                                        NULL, on_polkit_checked, g_steal_pointer (&task));
}

static void
on_polkit_authority (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargedAuthority) self = user_data;
  g_autoptr(GError) error = NULL;
  GTask *task;

  self->polkit = polkit_authority_get_finish (res, &error);
  if (self->polkit == NULL)
    {
      g_debug ("polkit: %s", error->message);
      /* Asked again at the next check: polkit may start later. */
      self->polkit_requested = FALSE;
    }
  while ((task = g_queue_pop_head (&self->polkit_waiters)) != NULL)
    ask_polkit (self, task);
}

void
barged_authority_check_async (BargedAuthority *self, GDBusMethodInvocation *invocation, guint32 uid,
                              const char *action, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  GDBusMessage *message = g_dbus_method_invocation_get_message (invocation);
  CheckData *data;

  g_task_set_source_tag (task, barged_authority_check_async);
  if (!self->system_bus || uid == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  data = g_new0 (CheckData, 1);
  data->sender = g_strdup (g_dbus_method_invocation_get_sender (invocation));
  data->action = action;
  data->interactive = (g_dbus_message_get_flags (message) &
                       G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION) != 0;
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  if (self->polkit != NULL)
    {
      ask_polkit (self, g_steal_pointer (&task));
      return;
    }
  g_queue_push_tail (&self->polkit_waiters, g_steal_pointer (&task));
  if (!self->polkit_requested)
    {
      self->polkit_requested = TRUE;
      polkit_authority_get_async (NULL, on_polkit_authority, g_object_ref (self));
    }
}

gboolean
barged_authority_check_finish (BargedAuthority *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

void
barged_authority_check_manage_all_async (BargedAuthority *self, GDBusMethodInvocation *invocation, guint32 uid,
                                         GAsyncReadyCallback callback, gpointer user_data)
{
  barged_authority_check_async (self, invocation, uid, BARGED_ACTION_MANAGE_ALL, callback, user_data);
}

gboolean
barged_authority_check_manage_all_finish (BargedAuthority *self, GAsyncResult *res, GError **error)
{
  return barged_authority_check_finish (self, res, error);
}

gboolean
barged_authority_peer_is_admin (BargedAuthority *self, const char *sender, guint32 uid)
{
  Peer *peer;

  if (!self->system_bus || uid == 0)
    return TRUE;
  peer = sender != NULL ? g_hash_table_lookup (self->peers, sender) : NULL;
  return peer != NULL && peer->admin;
}

GPtrArray *
barged_authority_list_watchers (BargedAuthority *self, guint32 owner)
{
  GPtrArray *names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Peer *peer = value;

      if (peer->uid == owner || peer->uid == 0 || peer->admin)
        g_ptr_array_add (names, key);
    }
  return names;
}

static void
barged_authority_dispose (GObject *object)
{
  BargedAuthority *self = BARGED_AUTHORITY (object);

  if (self->name_owner_watch != 0)
    g_dbus_connection_signal_unsubscribe (self->connection, self->name_owner_watch);
  self->name_owner_watch = 0;
  g_clear_object (&self->polkit);
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (barged_authority_parent_class)->dispose (object);
}

static void
barged_authority_finalize (GObject *object)
{
  BargedAuthority *self = BARGED_AUTHORITY (object);

  g_assert (g_queue_is_empty (&self->polkit_waiters));
  g_hash_table_unref (self->peers);
  G_OBJECT_CLASS (barged_authority_parent_class)->finalize (object);
}

static void
barged_authority_init (BargedAuthority *self)
{
  self->peers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_queue_init (&self->polkit_waiters);
}

static void
barged_authority_class_init (BargedAuthorityClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = barged_authority_dispose;
  G_OBJECT_CLASS (klass)->finalize = barged_authority_finalize;
}
