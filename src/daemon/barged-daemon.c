/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedDaemon"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "barged-authority.h"
#include "barged-bus.h"
#include "barged-credentials.h"
#include "barged-daemon.h"
#include "barged-engine.h"
#include "barged-ntlm.h"
#include "barged-request.h"
#include "barged-sessions.h"
#include "barged-scheduler-plan.h"
#include "barged-sleep.h"
#include "barged-store.h"
#include "barged-yield.h"

struct _BargedDaemon
{
  GObject parent_instance;
  BargedConfig *config;
  BargedStore *store;
  BargedSessions *sessions;   /* libsoup's: shared ones, jobs' own */
  BargedYield *yield;         /* watches the background sessions' connections */
  BargedEngine *engine;
  BargedBus *bus;
  BargedSleep *sleep;         /* logind's sleep and wake */
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
  g_info ("no active job for %u s: exiting", barged_config_get_settings (self->config)->idle_timeout);
  g_signal_emit (self, signals[SIGNAL_IDLE], 0);
  return G_SOURCE_REMOVE;
}

/* A timer runs only while nothing is active, so an idle daemon has no
 * periodic wake-ups; any call restarts it. */
static void
rearm_idle (BargedDaemon *self)
{
  guint timeout = barged_config_get_settings (self->config)->idle_timeout;

  g_clear_handle_id (&self->idle_source, g_source_remove);
  if (timeout > 0 && !barged_engine_is_active (self->engine))
    self->idle_source = g_timeout_add_seconds (timeout, idle_cb, self);
}

static void
on_rearm_idle (GObject *source, BargedDaemon *self)
{
  rearm_idle (self);
}

/* (BargedSessions follows the timeout and proxy keys itself.) */
static void
on_config_changed (BargedConfig *config, BargedDaemon *self)
{
  rearm_idle (self);
}

/* --- sleep and wake: the edge (logind) and the engine meet here ---------------- */

static void
on_transfers_changed (BargedEngine *engine, BargedDaemon *self)
{
  barged_sleep_set_transferring (self->sleep, barged_engine_is_transferring (engine));
  barged_sleep_set_keep_awake (self->sleep, barged_engine_keeps_awake (engine));
}

typedef struct {
  BargedSleep *sleep;
  guint round;
} SleepRound;

static void
on_checkpointed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  SleepRound *round = user_data;

  barged_engine_prepare_for_sleep_finish (BARGED_ENGINE (source), res, NULL);
  barged_sleep_checkpoint_done (round->sleep, round->round);
  g_object_unref (round->sleep);
  g_free (round);
}

static void
on_prepare_for_sleep (BargedSleep *sleep, guint round, BargedDaemon *self)
{
  SleepRound *data = g_new (SleepRound, 1);

  data->sleep = g_object_ref (sleep);
  data->round = round;
  barged_engine_prepare_for_sleep_async (self->engine, on_checkpointed, data);
}

static void
on_wake (BargedSleep *sleep, BargedDaemon *self)
{
  barged_engine_wake (self->engine);
}

BargedDaemon *
barged_daemon_new (const BargedDaemonOptions *options, GError **error)
{
  g_autoptr(BargedDaemon) self = g_object_new (BARGED_TYPE_DAEMON, NULL);
  g_autofree char *db_path = g_build_filename (options->state_dir, "jobs.db", NULL);
  g_autoptr(BargedCredentials) credentials = NULL;
  g_autoptr(BargedQuota) quota = NULL;
  g_autoptr(BargedNotifier) notifier = NULL;
  g_autoptr(BargedClock) clock = barged_clock_new ();
  g_autoptr(BargedBandwidth) yielding = barged_bandwidth_new (0);
  g_autoptr(BargedBandwidth) background_bandwidth = barged_bandwidth_new (0);
  g_autoptr(BargedRevocation) revocation = barged_revocation_new ();
  g_autoptr(BargedNetwork) network = NULL;
  g_autoptr(BargedAuthority) authority = NULL;
  g_autoptr(GTlsDatabase) test_database = NULL;
  BargedJobContext ctx = { 0 };

  if (g_mkdir_with_parents (options->state_dir, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("cannot create the state folder %s: %s"), options->state_dir, g_strerror (errsv));
      return NULL;
    }
  self->config = g_object_ref (options->config);
  self->store = barged_store_new (db_path, error);
  if (self->store == NULL)
    return NULL;
  if (options->test_tls_ca != NULL)
    {
      test_database = g_tls_file_database_new (options->test_tls_ca, error);
      if (test_database == NULL)
        return NULL;
    }
  /* Background jobs' buckets: each job's own limit, under the limit they
   * share (barge.conf), under what the user's other traffic leaves them. */
  barged_bandwidth_set_parent (background_bandwidth, yielding);
  self->yield = barged_yield_new (yielding);
  self->sessions = barged_sessions_new (self->config, test_database, self->yield, BARGED_SESSION_MAX_CONNS);
  /* Revocation lists serve every user's jobs: fetched on the daemon's
   * session, never through one user's proxy. */
  barged_revocation_set_session (revocation, barged_sessions_get_shared (self->sessions, FALSE));
  credentials = barged_credentials_new (options->state_dir, options->system_bus, error);
  if (credentials == NULL)
    return NULL;
  network = options->test_network_state != NULL ? barged_network_new_for_file (options->test_network_state, error)
                                                : barged_network_new ();
  if (network == NULL)
    return NULL;
  quota = barged_quota_new (self->config);
  notifier = barged_notifier_new (self->config);

  ctx.store = self->store;
  ctx.sessions = self->sessions;
  ctx.session = barged_sessions_get_shared (self->sessions, FALSE);
  ctx.background_session = barged_sessions_get_shared (self->sessions, TRUE);
  ctx.credentials = credentials;
  ctx.quota = quota;
  ctx.config = self->config;
  ctx.clock = clock;
  ctx.background_bandwidth = background_bandwidth;
  ctx.revocation = revocation;
  ctx.notifier = notifier;
  self->engine = barged_engine_new (&ctx, network);
  if (!barged_engine_load (self->engine, error))
    return NULL;

  authority = barged_authority_new (options->connection, options->system_bus);
  self->bus = barged_bus_new (options->connection, self->engine, authority, error);
  if (self->bus == NULL)
    return NULL;
  /* BITS runs the notify program of a restored job again, now that clients
   * can see the job. */
  barged_engine_announce_restored (self->engine);

  g_signal_connect_object (self->engine, "activity-changed", G_CALLBACK (on_rearm_idle), self, 0);
  g_signal_connect_object (self->bus, "call", G_CALLBACK (on_rearm_idle), self, 0);
  g_signal_connect_object (self->config, "changed", G_CALLBACK (on_config_changed), self, 0);
  self->sleep = barged_sleep_new ();
  g_signal_connect_object (self->engine, "transfers-changed", G_CALLBACK (on_transfers_changed), self, 0);
  g_signal_connect_object (self->sleep, "prepare-for-sleep", G_CALLBACK (on_prepare_for_sleep), self, 0);
  g_signal_connect_object (self->sleep, "wake", G_CALLBACK (on_wake), self, 0);
  rearm_idle (self);
  return g_steal_pointer (&self);
}

void
barged_daemon_shutdown (BargedDaemon *self)
{
  g_clear_handle_id (&self->idle_source, g_source_remove);
  barged_bus_flush (self->bus);
  /* Saves coalesced behind others would wait for a main loop that no
   * longer runs (a Set answered before the stop was lost). */
  barged_engine_save_pending (self->engine);
  barged_store_flush (self->store);
}

static void
barged_daemon_dispose (GObject *object)
{
  BargedDaemon *self = BARGED_DAEMON (object);

  g_clear_handle_id (&self->idle_source, g_source_remove);
  /* The bus face first: no call may reach the engine while it goes. */
  g_clear_object (&self->bus);
  /* Its inhibitors go now, even while a call to logind holds it. */
  if (self->sleep != NULL)
    g_object_run_dispose (G_OBJECT (self->sleep));
  g_clear_object (&self->sleep);
  g_clear_object (&self->engine);
  g_clear_object (&self->sessions);
  g_clear_object (&self->yield);
  g_clear_object (&self->store);
  g_clear_object (&self->config);
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
