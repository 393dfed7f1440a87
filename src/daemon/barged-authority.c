/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedAuthority"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "barge.h"
#include "barged-authority.h"

#define JOBS_PREFIX "/org/freedesktop/Barge1/jobs/"
#define PROPERTIES_IFACE "org.freedesktop.DBus.Properties"

struct _BargedAuthority
{
  GObject parent_instance;
  GDBusConnection *connection;
  gboolean system_bus;
  GMutex lock;                /* used from GDBus worker threads too */
  GHashTable *uids;           /* unique name -> uid + 1 */
  GHashTable *owners;         /* job object path -> owner uid + 1 */
  guint name_owner_watch;
};

G_DEFINE_TYPE (BargedAuthority, barged_authority, G_TYPE_OBJECT)

static GQuark real_vtable_quark;

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
barged_authority_peek_uid (BargedAuthority *self, const char *sender, guint32 *uid)
{
  gpointer cached;

  if (!self->system_bus || sender == NULL)
    {
      *uid = (guint32) getuid ();
      return TRUE;
    }
  g_mutex_lock (&self->lock);
  cached = g_hash_table_lookup (self->uids, sender);
  g_mutex_unlock (&self->lock);
  if (cached == NULL)
    return FALSE;
  *uid = GPOINTER_TO_UINT (cached) - 1;
  return TRUE;
}

void
barged_authority_remember_uid (BargedAuthority *self, const char *sender, guint32 uid)
{
  if (!self->system_bus || sender == NULL)
    return;
  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->uids, g_strdup (sender), GUINT_TO_POINTER (uid + 1));
  g_mutex_unlock (&self->lock);
}

gboolean
barged_authority_lookup_uid (BargedAuthority *self, const char *sender, guint32 *uid, GError **error)
{
  g_autoptr(GVariant) reply = NULL;

  if (barged_authority_peek_uid (self, sender, uid))
    return TRUE;
  reply = g_dbus_connection_call_sync (self->connection, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "GetConnectionUnixUser", g_variant_new ("(s)", sender),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, error);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(u)", uid);
  barged_authority_remember_uid (self, sender, *uid);
  return TRUE;
}

/* The caller's umask, so that its downloads get the modes its own programs
 * would give them. /proc/<pid>/status has it since Linux 4.7. The pid could
 * in theory be reused between the bus's answer and the read; the worst case
 * is another process's umask, never more rights than a file mode of 0666. */
static guint32
caller_umask (BargedAuthority *self, const char *sender)
{
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *status_path = NULL;
  g_autofree char *status = NULL;
  guint32 pid = 0;
  const char *line;
  unsigned int mask;

  if (self->system_bus && sender != NULL)
    {
      reply = g_dbus_connection_call_sync (self->connection, "org.freedesktop.DBus",
                                           "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                           "GetConnectionUnixProcessID", g_variant_new ("(s)", sender),
                                           G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                           NULL, NULL);
      if (reply == NULL)
        return 022;
      g_variant_get (reply, "(u)", &pid);
      status_path = g_strdup_printf ("/proc/%u/status", pid);
    }
  else
    status_path = g_strdup ("/proc/self/status");

  if (!g_file_get_contents (status_path, &status, NULL, NULL))
    return 022;
  line = strstr (status, "\nUmask:");
  if (line == NULL || sscanf (line + 7, "%o", &mask) != 1)
    return 022;
  return mask & 0777;
}

/* Asks polkit, on the caller's behalf, whether it may act on every user's
 * jobs. Blocking: only called from g-authorize-method (a worker thread).
 * Any failure (no polkit on the bus, ...) is a no. */
static gboolean
check_manage_all (BargedAuthority *self, GDBusMethodInvocation *invocation)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  GDBusMessage *message = g_dbus_method_invocation_get_message (invocation);
  gboolean interactive = (g_dbus_message_get_flags (message) &
                          G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION) != 0;
  GVariantBuilder subject, details;
  gboolean authorized = FALSE, challenge = FALSE;

  g_variant_builder_init (&subject, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&subject, "{sv}", "name",
                         g_variant_new_string (g_dbus_method_invocation_get_sender (invocation)));
  g_variant_builder_init (&details, G_VARIANT_TYPE ("a{ss}"));
  reply = g_dbus_connection_call_sync (self->connection, "org.freedesktop.PolicyKit1",
                                       "/org/freedesktop/PolicyKit1/Authority",
                                       "org.freedesktop.PolicyKit1.Authority", "CheckAuthorization",
                                       g_variant_new ("((sa{sv})sa{ss}us)", "system-bus-name", &subject,
                                                      BARGED_ACTION_MANAGE_ALL, &details,
                                                      (guint32) (interactive ? 1 : 0), ""),
                                       G_VARIANT_TYPE ("((bba{ss}))"), G_DBUS_CALL_FLAGS_NONE,
                                       interactive ? G_MAXINT : 25000, NULL, &error);
  if (reply == NULL)
    {
      g_debug ("polkit: %s", error->message);
      return FALSE;
    }
  g_variant_get (reply, "((bb@a{ss}))", &authorized, &challenge, NULL);
  return authorized;
}

static gboolean
lists_all_users (GDBusMethodInvocation *invocation)
{
  GVariant *params = g_dbus_method_invocation_get_parameters (invocation);
  g_autoptr(GVariant) options = NULL;
  gboolean all = FALSE;

  if (!g_variant_is_of_type (params, G_VARIANT_TYPE ("(a{sv})")))
    return FALSE;
  options = g_variant_get_child_value (params, 0);
  return g_variant_lookup (options, "all-users", "b", &all) && all;
}

static gboolean lookup_job_owner_locked (BargedAuthority *self, const char *job_path, guint32 *owner);

/* Whether GetJob asks for another user's existing job: only then is polkit
 * worth asking (the answer is NotFound otherwise). */
static gboolean
is_others_job (BargedAuthority *self, GDBusMethodInvocation *invocation, guint32 uid)
{
  GVariant *params = g_dbus_method_invocation_get_parameters (invocation);
  g_autoptr(GString) path = g_string_new (JOBS_PREFIX);
  const char *id;
  gboolean found;
  guint32 owner = 0;

  if (!g_variant_is_of_type (params, G_VARIANT_TYPE ("(s)")))
    return FALSE;
  g_variant_get (params, "(&s)", &id);
  for (const char *p = id; *p != '\0' && path->len <= strlen (JOBS_PREFIX) + 32; p++)
    if (*p != '-')
      g_string_append_c (path, g_ascii_tolower (*p));
  g_mutex_lock (&self->lock);
  found = lookup_job_owner_locked (self, path->str, &owner);
  g_mutex_unlock (&self->lock);
  return found && owner != uid;
}

guint32
barged_authority_get_invocation_uid (GDBusMethodInvocation *invocation)
{
  gpointer data = g_object_get_data (G_OBJECT (invocation), "barged-caller-uid");

  g_return_val_if_fail (data != NULL, G_MAXUINT32);
  return GPOINTER_TO_UINT (data) - 1;
}

gboolean
barged_authority_get_invocation_admin (GDBusMethodInvocation *invocation)
{
  return g_object_get_data (G_OBJECT (invocation), "barged-caller-admin") != NULL;
}

guint32
barged_authority_get_invocation_umask (GDBusMethodInvocation *invocation)
{
  gpointer data = g_object_get_data (G_OBJECT (invocation), "barged-caller-umask");

  return data != NULL ? GPOINTER_TO_UINT (data) - 1 : 022;
}

static gboolean
deny (GDBusMethodInvocation *invocation, const char *message)
{
  g_dbus_method_invocation_return_error_literal (invocation, BARGE_ERROR, BARGE_ERROR_ACCESS_DENIED, message);
  return FALSE;
}

gboolean
barged_authority_authorize (BargedAuthority *self, GDBusMethodInvocation *invocation, guint32 owner)
{
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  const char *method = g_dbus_method_invocation_get_method_name (invocation);
  gboolean manager = owner == G_MAXUINT32;
  gboolean need_admin = FALSE, want_admin = FALSE, admin;
  guint32 uid = 0;

  if (!barged_authority_lookup_uid (self, sender, &uid, NULL))
    return deny (invocation, "cannot identify the caller");
  g_object_set_data (G_OBJECT (invocation), "barged-caller-uid", GUINT_TO_POINTER (uid + 1));

  if (g_str_equal (method, manager ? "CreateJob" : "TakeOwnership"))
    g_object_set_data (G_OBJECT (invocation), "barged-caller-umask",
                       GUINT_TO_POINTER (caller_umask (self, sender) + 1));
  if (manager)
    {
      need_admin = g_str_equal (method, "ListJobs") && lists_all_users (invocation);
      want_admin = g_str_equal (method, "GetJob") && is_others_job (self, invocation, uid);
    }
  else
    need_admin = uid != owner;

  admin = !self->system_bus || uid == 0;
  if (!admin && (need_admin || want_admin))
    admin = check_manage_all (self, invocation);
  if (need_admin && !admin)
    return deny (invocation, manager ? "listing the jobs of all users needs authorization"
                                     : "the job belongs to another user");
  if (admin)
    g_object_set_data (G_OBJECT (invocation), "barged-caller-admin", GINT_TO_POINTER (1));
  return TRUE;
}

/* --- properties through the choke point --------------------------------- */

static void
return_property_error (GDBusMethodInvocation *invocation, GError *error)
{
  if (error != NULL)
    g_dbus_method_invocation_take_error (invocation, error);
  else
    g_dbus_method_invocation_return_error_literal (invocation, G_DBUS_ERROR, G_DBUS_ERROR_FAILED,
                                                   "the property cannot be read");
}

static void
guarded_method_call (GDBusConnection *connection, const char *sender, const char *object_path,
                     const char *interface_name, const char *method_name, GVariant *parameters,
                     GDBusMethodInvocation *invocation, gpointer user_data)
{
  const GDBusInterfaceVTable *real = g_type_get_qdata (G_OBJECT_TYPE (user_data), real_vtable_quark);
  GDBusInterfaceInfo *info = g_dbus_interface_skeleton_get_info (user_data);
  g_autoptr(GError) error = NULL;
  const char *iname, *pname;
  GDBusPropertyInfo *pinfo;

  if (!g_str_equal (interface_name, PROPERTIES_IFACE))
    {
      real->method_call (connection, sender, object_path, interface_name, method_name, parameters,
                         invocation, user_data);
      return;
    }

  /* GDBus has checked the interface name, the property and its access
   * before it got here; check again rather than trust a future version. */
  if (g_str_equal (method_name, "GetAll"))
    {
      GVariantBuilder builder;

      g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sv}"));
      for (guint i = 0; info->properties != NULL && info->properties[i] != NULL; i++)
        {
          GVariant *value;

          if (!(info->properties[i]->flags & G_DBUS_PROPERTY_INFO_FLAGS_READABLE))
            continue;
          value = real->get_property (connection, sender, object_path, info->name,
                                      info->properties[i]->name, NULL, user_data);
          if (value != NULL)
            g_variant_builder_add (&builder, "{sv}", info->properties[i]->name, value);
          g_clear_pointer (&value, g_variant_unref);
        }
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a{sv})", &builder));
      return;
    }

  if (g_str_equal (method_name, "Get") && g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ss)")))
    {
      GVariant *value;

      g_variant_get (parameters, "(&s&s)", &iname, &pname);
      pinfo = g_dbus_interface_info_lookup_property (info, pname);
      if (pinfo == NULL || !(pinfo->flags & G_DBUS_PROPERTY_INFO_FLAGS_READABLE))
        {
          g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                                 "no readable property %s", pname);
          return;
        }
      value = real->get_property (connection, sender, object_path, info->name, pname, &error, user_data);
      if (value == NULL)
        return_property_error (invocation, g_steal_pointer (&error));
      else
        {
          g_dbus_method_invocation_return_value (invocation, g_variant_new ("(v)", value));
          g_variant_unref (value);
        }
      return;
    }

  if (g_str_equal (method_name, "Set") && g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ssv)")))
    {
      g_autoptr(GVariant) value = NULL;

      g_variant_get (parameters, "(&s&sv)", &iname, &pname, &value);
      pinfo = g_dbus_interface_info_lookup_property (info, pname);
      if (pinfo == NULL || !(pinfo->flags & G_DBUS_PROPERTY_INFO_FLAGS_WRITABLE))
        {
          g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_PROPERTY_READ_ONLY,
                                                 "no writable property %s", pname);
          return;
        }
      if (!g_str_equal (g_variant_get_type_string (value), pinfo->signature))
        {
          g_dbus_method_invocation_return_error (invocation, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                                                 "%s takes a value of type %s", pname, pinfo->signature);
          return;
        }
      if (real->set_property (connection, sender, object_path, info->name, pname, value, &error, user_data))
        g_dbus_method_invocation_return_value (invocation, NULL);
      else
        return_property_error (invocation, g_steal_pointer (&error));
      return;
    }

  g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                         "no method %s.%s", interface_name, method_name);
}

void
barged_authority_guard_vtable (GType type, GDBusInterfaceVTable *out, const GDBusInterfaceVTable *real)
{
  if (real_vtable_quark == 0)
    real_vtable_quark = g_quark_from_static_string ("barged-real-vtable");
  g_type_set_qdata (type, real_vtable_quark, g_memdup2 (real, sizeof *real));
  *out = *real;
  out->method_call = guarded_method_call;
  out->get_property = NULL;
  out->set_property = NULL;
}

/* --- object visibility -------------------------------------------------- */

static char *
job_path_of (const char *path)
{
  const char *end;

  if (path == NULL || !g_str_has_prefix (path, JOBS_PREFIX))
    return NULL;
  end = strchr (path + strlen (JOBS_PREFIX), '/');
  return end != NULL ? g_strndup (path, end - path) : g_strdup (path);
}

void
barged_authority_set_job_owner (BargedAuthority *self, const char *job_path, guint32 owner)
{
  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->owners, g_strdup (job_path), GUINT_TO_POINTER (owner + 1));
  g_mutex_unlock (&self->lock);
}

typedef struct {
  BargedAuthority *self;
  char *path;
} ForgetData;

static gboolean
forget_later (gpointer user_data)
{
  ForgetData *data = user_data;

  g_mutex_lock (&data->self->lock);
  g_hash_table_remove (data->self->owners, data->path);
  g_mutex_unlock (&data->self->lock);
  g_object_unref (data->self);
  g_free (data->path);
  g_free (data);
  return G_SOURCE_REMOVE;
}

void
barged_authority_forget_job (BargedAuthority *self, const char *job_path)
{
  ForgetData *data = g_new0 (ForgetData, 1);

  /* The signals that announce the removal are filtered on the GDBus worker
   * thread after this returns: keep the owner known a little longer. */
  data->self = g_object_ref (self);
  data->path = g_strdup (job_path);
  g_timeout_add_seconds (10, forget_later, data);
}

static gboolean
lookup_job_owner_locked (BargedAuthority *self, const char *job_path, guint32 *owner)
{
  gpointer found = g_hash_table_lookup (self->owners, job_path);

  if (found == NULL)
    return FALSE;
  *owner = GPOINTER_TO_UINT (found) - 1;
  return TRUE;
}

gboolean
barged_authority_lookup_job_owner (BargedAuthority *self, const char *path, guint32 *owner)
{
  g_autofree char *job_path = job_path_of (path);
  gboolean found;

  if (job_path == NULL)
    return FALSE;
  g_mutex_lock (&self->lock);
  found = lookup_job_owner_locked (self, job_path, owner);
  g_mutex_unlock (&self->lock);
  return found;
}

GPtrArray *
barged_authority_dup_watchers (BargedAuthority *self, guint32 owner)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->uids);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint32 uid = GPOINTER_TO_UINT (value) - 1;

      if (uid == owner || uid == 0)
        g_ptr_array_add (names, g_strdup (key));
    }
  g_mutex_unlock (&self->lock);
  return names;
}

static void
barged_authority_finalize (GObject *object)
{
  BargedAuthority *self = BARGED_AUTHORITY (object);

  if (self->name_owner_watch != 0)
    g_dbus_connection_signal_unsubscribe (self->connection, self->name_owner_watch);
  g_clear_object (&self->connection);
  g_hash_table_unref (self->uids);
  g_hash_table_unref (self->owners);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (barged_authority_parent_class)->finalize (object);
}

static void
barged_authority_init (BargedAuthority *self)
{
  g_mutex_init (&self->lock);
  self->uids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->owners = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
barged_authority_class_init (BargedAuthorityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = barged_authority_finalize;
}
