/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedBus"

#include "config.h"

#include <string.h>

#include "barge-dbus-generated.h"
#include "barged-bus-introspection.h"
#include "barged-bus-private.h"

/* Introspect under /jobs, answered here and not by GDBus. GDBus answers
 * Introspect of a subtree with the nodes its enumerate function names AND
 * every path registered below it: each job's /files subtree, so anyone
 * could read the id of every job that has a file, and the count of its
 * files. A message filter (on GDBus's worker thread) takes those calls
 * off the bus before GDBus sees them; the main thread answers each once
 * the caller's uid is known (asked without blocking), naming only the
 * jobs and files the caller may see. The subtrees still dispatch every
 * other call, through method_call() and its checks. */

struct _BargedBusIntrospection
{
  GDBusConnection *connection;
  guint filter;
  struct Shared *shared;      /* what the filter holds; outlives this */
};

/* The filter's data: it may run after g_dbus_connection_remove_filter(),
 * until GDBus drops its reference. */
struct Shared
{
  gatomicrefcount ref;
  GWeakRef bus;
  GMainContext *context;      /* the bus's: where answers are made */
};

static struct Shared *
shared_ref (struct Shared *shared)
{
  g_atomic_ref_count_inc (&shared->ref);
  return shared;
}

static void
shared_unref (gpointer data)
{
  struct Shared *shared = data;

  if (!g_atomic_ref_count_dec (&shared->ref))
    return;
  g_weak_ref_clear (&shared->bus);
  g_main_context_unref (shared->context);
  g_free (shared);
}

/* An Introspect call on its way to its answer. */
typedef struct {
  struct Shared *shared;
  GDBusMessage *message;
  BargedBus *bus;             /* once on the main thread */
} Pending;

static void
pending_free (Pending *pending)
{
  g_clear_pointer (&pending->shared, shared_unref);
  g_clear_object (&pending->message);
  g_clear_object (&pending->bus);
  g_free (pending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_free)

/* What GDBus shows on every object it exports. */
static const char standard_interfaces[] =
  "  <interface name=\"org.freedesktop.DBus.Properties\">\n"
  "    <method name=\"Get\">\n"
  "      <arg type=\"s\" name=\"interface_name\" direction=\"in\"/>\n"
  "      <arg type=\"s\" name=\"property_name\" direction=\"in\"/>\n"
  "      <arg type=\"v\" name=\"value\" direction=\"out\"/>\n"
  "    </method>\n"
  "    <method name=\"GetAll\">\n"
  "      <arg type=\"s\" name=\"interface_name\" direction=\"in\"/>\n"
  "      <arg type=\"a{sv}\" name=\"properties\" direction=\"out\"/>\n"
  "    </method>\n"
  "    <method name=\"Set\">\n"
  "      <arg type=\"s\" name=\"interface_name\" direction=\"in\"/>\n"
  "      <arg type=\"s\" name=\"property_name\" direction=\"in\"/>\n"
  "      <arg type=\"v\" name=\"value\" direction=\"in\"/>\n"
  "    </method>\n"
  "    <signal name=\"PropertiesChanged\">\n"
  "      <arg type=\"s\" name=\"interface_name\"/>\n"
  "      <arg type=\"a{sv}\" name=\"changed_properties\"/>\n"
  "      <arg type=\"as\" name=\"invalidated_properties\"/>\n"
  "    </signal>\n"
  "  </interface>\n"
  "  <interface name=\"org.freedesktop.DBus.Introspectable\">\n"
  "    <method name=\"Introspect\">\n"
  "      <arg type=\"s\" name=\"xml_data\" direction=\"out\"/>\n"
  "    </method>\n"
  "  </interface>\n"
  "  <interface name=\"org.freedesktop.DBus.Peer\">\n"
  "    <method name=\"Ping\"/>\n"
  "    <method name=\"GetMachineId\">\n"
  "      <arg type=\"s\" name=\"machine_uuid\" direction=\"out\"/>\n"
  "    </method>\n"
  "  </interface>\n";

static gboolean
is_introspect_under_jobs (GDBusMessage *message)
{
  const char *path = g_dbus_message_get_path (message);
  const char *iface = g_dbus_message_get_interface (message);

  return g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL &&
         g_strcmp0 (g_dbus_message_get_member (message), "Introspect") == 0 &&
         (iface == NULL || g_str_equal (iface, "org.freedesktop.DBus.Introspectable")) && path != NULL &&
         (g_str_equal (path, BARGED_BUS_JOBS_PATH) || g_str_has_prefix (path, BARGED_BUS_JOBS_PATH "/"));
}

/* Whether the caller may see @job: on the system bus its owner, root, or a
 * peer polkit allowed every job (as calls on it are checked). */
static gboolean
may_see (BargedBus *bus, const char *sender, gboolean known, guint32 uid, BargedBusJob *job)
{
  BargedAuthority *authority = _barged_bus_get_authority (bus);

  if (job == NULL)
    return FALSE;
  if (!barged_authority_is_system (authority))
    return TRUE;
  if (!known)
    return FALSE;
  return barged_job_get_owner_uid (barged_bus_job_get_job (job)) == uid ||
         barged_authority_peer_is_admin (authority, sender, uid);
}

static void
append_interface (GString *xml, GDBusInterfaceInfo *info)
{
  g_dbus_interface_info_generate_xml (info, 2, xml);
  g_string_append (xml, standard_interfaces);
}

/* The node at @path (under /jobs) as the caller may see it. A well-formed
 * job or file node has its interface whether or not it exists (a call on
 * it gets NotFound or AccessDenied, as before); only the child nodes say
 * what exists, and only of what the caller may see. */
static char *
node_xml (BargedBus *bus, const char *path, const char *sender, gboolean known, guint32 uid)
{
  GString *xml = g_string_new ("<!DOCTYPE node PUBLIC \"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\"\n"
                               " \"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd\">\n<node>\n");
  const char *rest = path + strlen (BARGED_BUS_JOBS_PATH);
  g_auto(GStrv) parts = *rest == '/' ? g_strsplit (rest + 1, "/", 4) : g_new0 (char *, 1);
  guint n_parts = g_strv_length (parts);
  g_autofree char *id = n_parts >= 1 ? barged_job_normalize_id (parts[0]) : NULL;
  BargedBusJob *job = _barged_bus_lookup_job (bus, id);
  guint n_files = may_see (bus, sender, known, uid, job) ? barged_job_get_n_files (barged_bus_job_get_job (job)) : 0;

  if (n_parts == 0)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, _barged_bus_get_jobs (bus));
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (may_see (bus, sender, known, uid, value))
          g_string_append_printf (xml, "  <node name=\"%s\"/>\n",
                                  barged_bus_job_get_path (value) + strlen (BARGED_BUS_JOBS_PATH "/"));
    }
  else if (id != NULL && n_parts == 1)
    {
      append_interface (xml, barge_dbus_job_interface_info ());
      if (n_files > 0)
        g_string_append (xml, "  <node name=\"files\"/>\n");
    }
  else if (id != NULL && n_parts == 2 && g_str_equal (parts[1], "files"))
    {
      for (guint i = 0; i < n_files; i++)
        g_string_append_printf (xml, "  <node name=\"%u\"/>\n", i);
    }
  else if (id != NULL && n_parts == 3 && g_str_equal (parts[1], "files") && *parts[2] != '\0' &&
           strspn (parts[2], "0123456789") == strlen (parts[2]))
    append_interface (xml, barge_dbus_file_interface_info ());
  g_string_append (xml, "</node>\n");
  return g_string_free (xml, FALSE);
}

static void
on_caller_known (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Pending) pending = user_data;
  GDBusMessage *message = pending->message;
  g_autoptr(GDBusMessage) reply = NULL;
  g_autofree char *xml = NULL;
  guint32 uid = 0;
  gboolean known = barged_authority_lookup_uid_finish (BARGED_AUTHORITY (source), res, &uid, NULL);

  xml = node_xml (pending->bus, g_dbus_message_get_path (message), g_dbus_message_get_sender (message), known, uid);
  reply = g_dbus_message_new_method_reply (message);
  g_dbus_message_set_body (reply, g_variant_new ("(s)", xml));
  g_dbus_connection_send_message (_barged_bus_get_connection (pending->bus), reply,
                                  G_DBUS_SEND_MESSAGE_FLAGS_NONE, NULL, NULL);
}

/* On the main thread; @user_data is freed after (or with a context that
 * never ran it). No answer once the bus is gone: barged is stopping. */
static gboolean
answer_cb (gpointer user_data)
{
  Pending *handed = user_data;
  g_autoptr(BargedBus) bus = g_weak_ref_get (&handed->shared->bus);
  Pending *pending;

  if (bus == NULL || _barged_bus_get_connection (bus) == NULL)
    return G_SOURCE_REMOVE;
  pending = g_new0 (Pending, 1);
  pending->shared = shared_ref (handed->shared);
  pending->message = g_object_ref (handed->message);
  pending->bus = g_steal_pointer (&bus);
  barged_authority_lookup_uid_async (_barged_bus_get_authority (pending->bus),
                                     g_dbus_message_get_sender (pending->message), on_caller_known, pending);
  return G_SOURCE_REMOVE;
}

/* On GDBus's worker thread, for every message: only a look at its header,
 * and a hand-over to the main thread for those it takes. */
static GDBusMessage *
filter_cb (GDBusConnection *connection, GDBusMessage *message, gboolean incoming, gpointer user_data)
{
  struct Shared *shared = user_data;
  Pending *pending;

  if (!incoming || !is_introspect_under_jobs (message))
    return message;
  if ((g_dbus_message_get_flags (message) & G_DBUS_MESSAGE_FLAGS_NO_REPLY_EXPECTED) != 0)
    {
      g_object_unref (message);
      return NULL;
    }
  pending = g_new0 (Pending, 1);
  pending->shared = shared_ref (shared);
  pending->message = message;
  g_main_context_invoke_full (shared->context, G_PRIORITY_DEFAULT, answer_cb, pending,
                              (GDestroyNotify) pending_free);
  return NULL;
}

BargedBusIntrospection *
barged_bus_introspection_new (BargedBus *bus, GDBusConnection *connection)
{
  BargedBusIntrospection *self = g_new0 (BargedBusIntrospection, 1);
  struct Shared *shared = g_new0 (struct Shared, 1);

  g_atomic_ref_count_init (&shared->ref);
  g_weak_ref_init (&shared->bus, bus);
  shared->context = g_main_context_ref_thread_default ();
  self->connection = g_object_ref (connection);
  self->shared = shared;
  self->filter = g_dbus_connection_add_filter (connection, filter_cb, shared_ref (shared), shared_unref);
  return self;
}

void
barged_bus_introspection_free (BargedBusIntrospection *self)
{
  if (self == NULL)
    return;
  g_dbus_connection_remove_filter (self->connection, self->filter);
  g_object_unref (self->connection);
  shared_unref (self->shared);
  g_free (self);
}
