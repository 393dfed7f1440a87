/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedDaemon"

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "barged-authority.h"
#include "barged-daemon.h"
#include "barged-manager.h"
#include "barged-network.h"
#include "barged-scheduler.h"
#include "barged-store.h"
#include "barged-transfer.h"

#define BARGE_OBJECT_PATH "/org/freedesktop/Barge1"

struct _BargedDaemon
{
  GObject parent_instance;
  GDBusConnection *connection;
  BargedStore *store;
  SoupSession *session;
  BargedAuthority *authority;
  GDBusObjectManagerServer *object_manager;
  BargedScheduler *scheduler;
  BargedNetwork *network;
  BargedManager *manager;
  guint idle_timeout;
  guint idle_source;
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

static gboolean
on_any_call (gpointer user_data)
{
  rearm_idle (user_data);
  return G_SOURCE_REMOVE;
}

static GDBusMessage *
filter_calls (GDBusConnection *connection, GDBusMessage *message, gboolean incoming, gpointer user_data)
{
  /* Runs on the GDBus worker thread: hop to the main loop to touch the timer. */
  if (incoming && g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL)
    g_idle_add_full (G_PRIORITY_DEFAULT, on_any_call, g_object_ref (user_data), g_object_unref);
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
                   "cannot create the state folder %s: %s", state_dir, g_strerror (errsv));
      return NULL;
    }
  self->store = barged_store_new (db_path, error);
  if (self->store == NULL)
    return NULL;

  self->connection = g_object_ref (connection);
  self->idle_timeout = config->idle_timeout;
  self->session = soup_session_new_with_options ("user-agent", "Barge/" PACKAGE_VERSION " ",
                                                 "timeout", config->transfer_timeout,
                                                 "idle-timeout", 60,
                                                 "max-conns", 64,
                                                 "max-conns-per-host", 6,
                                                 NULL);
  barged_transfer_set_checkpoint_interval (config->checkpoint_interval);
  self->authority = barged_authority_new (connection, system_bus);
  self->object_manager = g_dbus_object_manager_server_new (BARGE_OBJECT_PATH);
  self->network = config->test_network_state != NULL
    ? barged_network_new_for_file (config->test_network_state, error)
    : barged_network_new ();
  if (self->network == NULL)
    return NULL;
  self->scheduler = barged_scheduler_new (config->max_background_jobs);
  barged_scheduler_set_network (self->scheduler, self->network);
  g_signal_connect (self->scheduler, "activity-changed", G_CALLBACK (on_activity_changed), self);

  ctx.store = self->store;
  ctx.session = self->session;
  ctx.authority = self->authority;
  ctx.object_manager = self->object_manager;
  self->manager = barged_manager_new (&ctx, self->scheduler);
  if (!barged_manager_load (self->manager, error))
    return NULL;

  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->manager), connection,
                                         BARGE_OBJECT_PATH, error))
    return NULL;
  g_dbus_object_manager_server_set_connection (self->object_manager, connection);
  g_dbus_connection_add_filter (connection, filter_calls, self, NULL);
  rearm_idle (self);
  return g_steal_pointer (&self);
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
  if (self->manager != NULL)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->manager));
  if (self->object_manager != NULL)
    g_dbus_object_manager_server_set_connection (self->object_manager, NULL);
  g_clear_object (&self->manager);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->network);
  g_clear_object (&self->object_manager);
  g_clear_object (&self->authority);
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
