/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedDaemon"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <libsoup/soup.h>

#include "barged-authority.h"
#include "barged-credentials.h"
#include "barged-daemon.h"
#include "barged-manager.h"
#include "barged-network.h"
#include "barged-ntlm.h"
#include "barged-object-cache.h"
#include "barged-quota.h"
#include "barged-scheduler.h"
#include "barged-store.h"
#include "barged-transfer.h"

#define BARGE_OBJECT_PATH "/org/freedesktop/Barge1"
#define BARGE_JOBS_PATH BARGE_OBJECT_PATH "/jobs"

struct _BargedDaemon
{
  GObject parent_instance;
  GDBusConnection *connection;
  BargedStore *store;
  SoupSession *session;
  BargedAuthority *authority;
  BargedCredentials *credentials;
  BargedQuota *quota;
  GMainContext *context;      /* the main loop's, for work handed over by filters */
  GDBusObjectManagerServer *object_manager;
  BargedScheduler *scheduler;
  BargedNetwork *network;
  BargedManager *manager;
  guint idle_timeout;
  guint idle_source;
  guint filter_id;
};

G_DEFINE_TYPE (BargedDaemon, barged_daemon, G_TYPE_OBJECT)

enum { SIGNAL_IDLE, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean
idle_cb (gpointer user_data)
{
  BargedDaemon *self = user_data;

  self->idle_source = 0;
  g_info ("no active job for %u s: exiting", self->idle_timeout);
  g_signal_emit (self, signals[SIGNAL_IDLE], 0);
  return G_SOURCE_REMOVE;
}

/* A timer runs only while nothing is active, so an idle daemon has no
 * periodic wake-ups; any call restarts it. */
static void
rearm_idle (BargedDaemon *self)
{
  g_clear_handle_id (&self->idle_source, g_source_remove);
  if (self->idle_timeout > 0 && !barged_scheduler_is_active (self->scheduler))
    self->idle_source = g_timeout_add_seconds (self->idle_timeout, idle_cb, self);
}

static void
on_activity_changed (BargedScheduler *scheduler, BargedDaemon *self)
{
  rearm_idle (self);
}

/* --- who sees which object on the system bus -----------------------------
 *
 * The jobs of all users live below one ObjectManager. On the system bus two
 * things would show them to everyone: the ObjectManager's answer to
 * GetManagedObjects, and the signals objects emit (PropertiesChanged,
 * InterfacesAdded/Removed, JobAdded/JobRemoved), which the bus broadcasts
 * to every match rule. So the connection filter answers GetManagedObjects
 * itself (in every mode, from the object cache: barged-object-cache.c), in
 * system mode with the caller's jobs alone (all jobs for root), and there
 * it also turns each broadcast signal about a job into unicast copies to
 * the known peers (callers seen by the choke point) that are its owner or
 * root. Method calls and property access on a job are refused by the choke
 * point (barged_authority_authorize) to anybody else.
 *
 * The filter runs on GDBus's worker thread and may still run after
 * g_dbus_connection_remove_filter() returned, until the connection drops
 * it: so it owns what it reads (a BusFilter, freed by the connection's
 * destroy notify), never the daemon, which may be gone by then. */

typedef struct {
  BargedAuthority *authority;
  GDBusObjectManagerServer *object_manager;
  GMainContext *context;      /* the main loop's, for work handed over */
  GWeakRef daemon;            /* only to restart the idle timer */
} BusFilter;

static void
bus_filter_clear (BusFilter *filter)
{
  g_clear_object (&filter->authority);
  g_clear_object (&filter->object_manager);
  g_clear_pointer (&filter->context, g_main_context_unref);
  g_weak_ref_clear (&filter->daemon);
}

static BusFilter *
bus_filter_new (BargedDaemon *daemon)
{
  BusFilter *filter = g_rc_box_new0 (BusFilter);

  filter->authority = g_object_ref (daemon->authority);
  filter->object_manager = g_object_ref (daemon->object_manager);
  filter->context = g_main_context_ref (daemon->context);
  g_weak_ref_init (&filter->daemon, daemon);
  return filter;
}

static void
bus_filter_unref (gpointer filter)
{
  g_rc_box_release_full (filter, (GDestroyNotify) bus_filter_clear);
}

static gboolean
on_any_call (gpointer user_data)
{
  BusFilter *filter = user_data;
  g_autoptr(BargedDaemon) daemon = g_weak_ref_get (&filter->daemon);

  if (daemon != NULL)
    rearm_idle (daemon);
  return G_SOURCE_REMOVE;
}

static GDBusMessage *
new_error_reply (GDBusMessage *call, const char *message)
{
  return g_dbus_message_new_method_error_literal (call, "org.freedesktop.Barge1.Error.AccessDenied", message);
}

typedef struct {
  BusFilter *filter;
  guint32 uid;
} Visibility;

static gboolean
visible_to (const char *path, gpointer user_data)
{
  Visibility *v = user_data;
  guint32 owner;

  return barged_authority_lookup_job_owner (v->filter->authority, path, &owner) && owner == v->uid;
}

/* Every object for root, and everywhere on the session bus. */
static GVariant *
managed_objects_for (BusFilter *filter, guint32 uid)
{
  Visibility v = { filter, uid };
  gboolean all = uid == 0 || !barged_authority_is_system (filter->authority);

  return barged_object_cache_managed_objects (G_DBUS_OBJECT_MANAGER (filter->object_manager),
                                              all ? NULL : visible_to, &v);
}

/* Introspect of the folder of all jobs would name (by UUID) the jobs of
 * every user: on the system bus it names the caller's own (all for root). */
static char *
jobs_folder_xml (BusFilter *filter, guint32 uid)
{
  Visibility v = { filter, uid };
  gboolean all = uid == 0 || !barged_authority_is_system (filter->authority);
  GList *objects = g_dbus_object_manager_get_objects (G_DBUS_OBJECT_MANAGER (filter->object_manager));
  GString *xml = g_string_new ("<!DOCTYPE node PUBLIC \"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\"\n"
                               "  \"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd\">\n"
                               "<node>\n"
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
                               "  </interface>\n");

  for (GList *l = objects; l != NULL; l = l->next)
    {
      const char *path = g_dbus_object_get_object_path (l->data);
      const char *name = path + strlen (BARGE_JOBS_PATH "/");

      /* Jobs only: their files are one level further down. */
      if (!g_str_has_prefix (path, BARGE_JOBS_PATH "/") || strchr (name, '/') != NULL)
        continue;
      if (all || visible_to (path, &v))
        g_string_append_printf (xml, "  <node name=\"%s\"/>\n", name);
    }
  g_list_free_full (objects, g_object_unref);
  g_string_append (xml, "</node>\n");
  return g_string_free (xml, FALSE);
}

/* A call the connection filter answers itself, once it knows the caller. */
typedef struct _CallerCall CallerCall;
struct _CallerCall {
  BusFilter *filter;
  GDBusConnection *connection;
  GDBusMessage *call;
  void (*answer) (CallerCall *data, guint32 uid);
};

static void
caller_call_free (CallerCall *data)
{
  bus_filter_unref (data->filter);
  g_object_unref (data->connection);
  g_object_unref (data->call);
  g_free (data);
}

static void
answer_managed_objects (CallerCall *data, guint32 uid)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GDBusMessage) reply = g_dbus_message_new_method_reply (data->call);
  gint64 built;

  g_dbus_message_set_body (reply, g_variant_new_tuple ((GVariant *[]) { managed_objects_for (data->filter, uid) }, 1));
  built = g_get_monotonic_time ();

  /* GDBus serialises the message in this thread, before it queues it. */
  g_dbus_connection_send_message (data->connection, reply, G_DBUS_SEND_MESSAGE_FLAGS_NONE, NULL, NULL);
  g_debug ("GetManagedObjects: reply built in %.1f ms, serialised in %.1f ms",
           (built - start) / 1000.0, (g_get_monotonic_time () - built) / 1000.0);
}

static void
answer_jobs_introspection (CallerCall *data, guint32 uid)
{
  g_autoptr(GDBusMessage) reply = g_dbus_message_new_method_reply (data->call);
  g_autofree char *xml = jobs_folder_xml (data->filter, uid);

  g_dbus_message_set_body (reply, g_variant_new ("(s)", xml));
  g_dbus_connection_send_message (data->connection, reply, G_DBUS_SEND_MESSAGE_FLAGS_NONE, NULL, NULL);
}

static void
on_caller_uid (GObject *source, GAsyncResult *res, gpointer user_data)
{
  CallerCall *data = user_data;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, NULL);
  guint32 uid;

  if (reply == NULL)
    {
      g_autoptr(GDBusMessage) error = new_error_reply (data->call, "cannot identify the caller");
      g_dbus_connection_send_message (data->connection, error, G_DBUS_SEND_MESSAGE_FLAGS_NONE, NULL, NULL);
    }
  else
    {
      g_variant_get (reply, "(u)", &uid);
      barged_authority_remember_uid (data->filter->authority, g_dbus_message_get_sender (data->call), uid);
      data->answer (data, uid);
    }
  caller_call_free (data);
}

static gboolean
handle_caller_call (gpointer user_data)
{
  CallerCall *data = user_data;
  const char *sender = g_dbus_message_get_sender (data->call);
  guint32 uid = 0;

  if (!barged_authority_is_system (data->filter->authority) ||
      barged_authority_peek_uid (data->filter->authority, sender, &uid))
    {
      data->answer (data, uid);
      caller_call_free (data);
      return G_SOURCE_REMOVE;
    }
  g_dbus_connection_call (data->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetConnectionUnixUser", g_variant_new ("(s)", sender),
                          G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_caller_uid, data);
  return G_SOURCE_REMOVE;
}

static gboolean
is_call (GDBusMessage *message, const char *path, const char *iface, const char *member)
{
  return g_strcmp0 (g_dbus_message_get_path (message), path) == 0 &&
         g_strcmp0 (g_dbus_message_get_interface (message), iface) == 0 &&
         g_strcmp0 (g_dbus_message_get_member (message), member) == 0;
}

/* Takes the filter's reference to @message: the call goes no further. */
static GDBusMessage *
answer_in_main_loop (BusFilter *filter, GDBusConnection *connection, GDBusMessage *message,
                     void (*answer) (CallerCall *data, guint32 uid))
{
  CallerCall *data = g_new0 (CallerCall, 1);

  data->filter = g_rc_box_acquire (filter);
  data->connection = g_object_ref (connection);
  data->call = message;
  data->answer = answer;
  g_main_context_invoke (filter->context, handle_caller_call, data);
  return NULL;
}

/* The job a broadcast signal is about, or NULL when it is about none. */
static const char *
signal_subject (GDBusMessage *message)
{
  const char *path = g_dbus_message_get_path (message);
  const char *member = g_dbus_message_get_member (message);
  GVariant *body = g_dbus_message_get_body (message);

  if (g_str_has_prefix (path, BARGE_OBJECT_PATH "/jobs/"))
    return path;
  if (g_str_equal (path, BARGE_OBJECT_PATH) && body != NULL && g_variant_n_children (body) > 0 &&
      (g_str_equal (member, "InterfacesAdded") || g_str_equal (member, "InterfacesRemoved") ||
       g_str_equal (member, "JobAdded") || g_str_equal (member, "JobRemoved")))
    {
      g_autoptr(GVariant) first = g_variant_get_child_value (body, 0);

      if (g_variant_is_of_type (first, G_VARIANT_TYPE_OBJECT_PATH))
        return g_variant_get_string (first, NULL);
    }
  return NULL;
}

static GDBusMessage *
unicast_job_signal (BusFilter *filter, GDBusConnection *connection, GDBusMessage *message)
{
  const char *subject = signal_subject (message);
  g_autoptr(GPtrArray) watchers = NULL;
  guint32 owner = 0;

  if (subject == NULL)
    return message;
  /* Unknown owner: only root's peers hear of it. */
  if (!barged_authority_lookup_job_owner (filter->authority, subject, &owner))
    owner = 0;
  watchers = barged_authority_dup_watchers (filter->authority, owner);
  for (guint i = 0; i < watchers->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDBusMessage) copy = g_dbus_message_copy (message, &error);

      if (copy == NULL)
        continue;
      g_dbus_message_set_destination (copy, g_ptr_array_index (watchers, i));
      /* Safe from a filter: GDBus holds no lock while filters run, and the
       * copy is queued behind the message being written. */
      g_dbus_connection_send_message (connection, copy, G_DBUS_SEND_MESSAGE_FLAGS_NONE, NULL, NULL);
    }
  g_object_unref (message);
  return NULL;
}

static GDBusMessage *
filter_calls (GDBusConnection *connection, GDBusMessage *message, gboolean incoming, gpointer user_data)
{
  BusFilter *filter = user_data;
  GDBusMessageType type = g_dbus_message_get_message_type (message);

  /* Runs on the GDBus worker thread: hop to the main loop to touch the timer. */
  if (incoming && type == G_DBUS_MESSAGE_TYPE_METHOD_CALL)
    g_main_context_invoke_full (filter->context, G_PRIORITY_DEFAULT, on_any_call,
                                g_rc_box_acquire (filter), bus_filter_unref);

  /* Answered here in every mode, from the object cache (see
   * barged-object-cache.c); in system mode also per caller. */
  if (incoming && type == G_DBUS_MESSAGE_TYPE_METHOD_CALL &&
      is_call (message, BARGE_OBJECT_PATH, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects"))
    return answer_in_main_loop (filter, connection, message, answer_managed_objects);
  if (!barged_authority_is_system (filter->authority))
    return message;
  if (incoming && type == G_DBUS_MESSAGE_TYPE_METHOD_CALL &&
      is_call (message, BARGE_JOBS_PATH, "org.freedesktop.DBus.Introspectable", "Introspect"))
    return answer_in_main_loop (filter, connection, message, answer_jobs_introspection);
  if (!incoming && type == G_DBUS_MESSAGE_TYPE_SIGNAL && g_dbus_message_get_destination (message) == NULL)
    return unicast_job_signal (filter, connection, message);
  return message;
}

BargedDaemon *
barged_daemon_new (GDBusConnection *connection, gboolean system_bus, const char *state_dir,
                   const BargedConfig *config, GError **error)
{
  g_autoptr(BargedDaemon) self = g_object_new (BARGED_TYPE_DAEMON, NULL);
  g_autofree char *db_path = g_build_filename (state_dir, "jobs.db", NULL);
  BargedJobContext ctx;

  if (g_mkdir_with_parents (state_dir, 0700) != 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("cannot create the state folder %s: %s"), state_dir, g_strerror (errsv));
      return NULL;
    }
  self->store = barged_store_new (db_path, error);
  if (self->store == NULL)
    return NULL;

  barged_object_cache_install (BARGE_DBUS_TYPE_JOB_SKELETON);
  barged_object_cache_install (BARGE_DBUS_TYPE_FILE_SKELETON);
  self->connection = g_object_ref (connection);
  self->idle_timeout = config->idle_timeout;
  self->session = soup_session_new_with_options ("user-agent", "Barge/" PACKAGE_VERSION " ",
                                                 "timeout", config->transfer_timeout,
                                                 "idle-timeout", 60,
                                                 "max-conns", BARGED_SESSION_MAX_CONNS,
                                                 "max-conns-per-host", BARGED_SESSION_MAX_CONNS_PER_HOST,
                                                 NULL);
  barged_ntlm_add_to_session (self->session);
  barged_transfer_set_checkpoint_interval (config->checkpoint_interval);
  self->authority = barged_authority_new (connection, system_bus);
  self->credentials = barged_credentials_new (state_dir, system_bus, error);
  if (self->credentials == NULL)
    return NULL;
  self->context = g_main_context_ref_thread_default ();
  self->object_manager = g_dbus_object_manager_server_new (BARGE_OBJECT_PATH);
  self->network = config->test_network_state != NULL
    ? barged_network_new_for_file (config->test_network_state, error)
    : barged_network_new ();
  if (self->network == NULL)
    return NULL;
  self->scheduler = barged_scheduler_new (config->max_background_jobs, config->time_slice);
  barged_scheduler_set_network (self->scheduler, self->network);
  g_signal_connect (self->scheduler, "activity-changed", G_CALLBACK (on_activity_changed), self);

  ctx.store = self->store;
  ctx.session = self->session;
  ctx.authority = self->authority;
  ctx.object_manager = self->object_manager;
  ctx.credentials = self->credentials;
  ctx.quota = self->quota = barged_quota_new ();
  self->manager = barged_manager_new (&ctx, self->scheduler);
  if (!barged_manager_load (self->manager, error))
    return NULL;

  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->manager), connection,
                                         BARGE_OBJECT_PATH, error))
    return NULL;
  g_dbus_object_manager_server_set_connection (self->object_manager, connection);
  self->filter_id = g_dbus_connection_add_filter (connection, filter_calls, bus_filter_new (self),
                                                 bus_filter_unref);
  rearm_idle (self);
  return g_steal_pointer (&self);
}

void
barged_daemon_apply_config (BargedDaemon *self)
{
  const BargedConfig *config = barged_config_get ();

  self->idle_timeout = config->idle_timeout;
  /* New connections and the next checkpoint use the new values; a request
   * in flight keeps the timeout it started with. */
  soup_session_set_timeout (self->session, config->transfer_timeout);
  barged_transfer_set_checkpoint_interval (config->checkpoint_interval);
  barged_scheduler_set_limits (self->scheduler, config->max_background_jobs, config->time_slice);
  barged_manager_apply_config (self->manager);
  rearm_idle (self);
}

void
barged_daemon_shutdown (BargedDaemon *self)
{
  g_clear_handle_id (&self->idle_source, g_source_remove);
  barged_store_flush (self->store);
}

static void
barged_daemon_dispose (GObject *object)
{
  BargedDaemon *self = BARGED_DAEMON (object);

  g_clear_handle_id (&self->idle_source, g_source_remove);
  if (self->filter_id != 0)
    g_dbus_connection_remove_filter (self->connection, self->filter_id);
  self->filter_id = 0;
  if (self->manager != NULL)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->manager));
  if (self->object_manager != NULL)
    g_dbus_object_manager_server_set_connection (self->object_manager, NULL);
  g_clear_object (&self->manager);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->network);
  g_clear_object (&self->object_manager);
  g_clear_object (&self->authority);
  g_clear_object (&self->credentials);
  g_clear_object (&self->quota);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->session);
  g_clear_object (&self->store);
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (barged_daemon_parent_class)->dispose (object);
}

static void
barged_daemon_init (BargedDaemon *self)
{
}

static void
barged_daemon_class_init (BargedDaemonClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = barged_daemon_dispose;
  signals[SIGNAL_IDLE] = g_signal_new ("idle", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}
