/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedNetwork"

#include "config.h"

#include "barged-job.h"
#include "barged-network.h"

struct _BargedNetwork
{
  GObject parent_instance;
  GNetworkMonitor *monitor;   /* production */
  GFileMonitor *file_monitor; /* tests */
  GFile *file;
  gboolean available;
  gboolean metered;
  gboolean came_back;         /* available again since the last enforce */
  gboolean asleep;            /* the machine prepares to sleep (logind) */
  gboolean woke;              /* woke up since the last enforce */
};

G_DEFINE_TYPE (BargedNetwork, barged_network, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
update (BargedNetwork *self, gboolean available, gboolean metered)
{
  if (available == self->available && metered == self->metered)
    return;
  g_info ("network %s%s", available ? "available" : "unavailable", metered ? ", metered" : "");
  if (available && !self->available)
    self->came_back = TRUE;
  self->available = available;
  self->metered = metered;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
on_monitor_changed (GObject *object, GParamSpec *pspec, BargedNetwork *self)
{
  update (self, g_network_monitor_get_network_available (self->monitor),
          g_network_monitor_get_network_metered (self->monitor));
}

/* A file that is missing or half written reads as "no network": the test
 * writes it atomically, so that state never lasts. */
static void
load_file (BargedNetwork *self)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autofree char *path = g_file_get_path (self->file);
  gboolean available = FALSE, metered = FALSE;

  if (g_key_file_load_from_file (keys, path, G_KEY_FILE_NONE, NULL))
    {
      available = g_key_file_get_boolean (keys, "Network", "Available", NULL);
      metered = g_key_file_get_boolean (keys, "Network", "Metered", NULL);
    }
  update (self, available, metered);
}

static void
on_file_changed (GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event, gpointer user_data)
{
  BargedNetwork *self = user_data;

  /* A small key file: read at once on the main loop is cheaper than a
   * thread hop, and only tests use it. */
  load_file (self);
}

BargedNetwork *
barged_network_new (void)
{
  BargedNetwork *self = g_object_new (BARGED_TYPE_NETWORK, NULL);

  self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->available = g_network_monitor_get_network_available (self->monitor);
  self->metered = g_network_monitor_get_network_metered (self->monitor);
  g_signal_connect (self->monitor, "notify::network-available", G_CALLBACK (on_monitor_changed), self);
  g_signal_connect (self->monitor, "notify::network-metered", G_CALLBACK (on_monitor_changed), self);
  return self;
}

BargedNetwork *
barged_network_new_for_file (const char *path, GError **error)
{
  g_autoptr(BargedNetwork) self = g_object_new (BARGED_TYPE_NETWORK, NULL);

  self->file = g_file_new_for_path (path);
  self->file_monitor = g_file_monitor_file (self->file, G_FILE_MONITOR_WATCH_MOVES, NULL, error);
  if (self->file_monitor == NULL)
    return NULL;
  g_file_monitor_set_rate_limit (self->file_monitor, 50);
  g_signal_connect (self->file_monitor, "changed", G_CALLBACK (on_file_changed), self);
  self->available = TRUE;
  load_file (self);
  g_message ("test mode: the network state comes from %s, not from the system", path);
  return g_steal_pointer (&self);
}

gboolean
barged_network_get_available (BargedNetwork *self)
{
  return self->available;
}

gboolean
barged_network_get_metered (BargedNetwork *self)
{
  return self->metered;
}

void
barged_network_set_asleep (BargedNetwork *self, gboolean asleep)
{
  if (asleep == self->asleep)
    return;
  self->asleep = asleep;
  if (!asleep)
    self->woke = TRUE;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

BargeHoldReason
barged_network_verdict (BargedNetwork *self, BargeCostPolicy policy)
{
  /* Asleep, the network goes with the machine, and "sleeping" says why
   * better than "no-network" does. */
  if (self->asleep)
    return BARGE_HOLD_REASON_SLEEPING;
  if (!self->available)
    return BARGE_HOLD_REASON_NO_NETWORK;
  if (self->metered && policy == BARGE_COST_POLICY_UNMETERED)
    return BARGE_HOLD_REASON_METERED_NETWORK;
  return BARGE_HOLD_REASON_NONE;
}

void
barged_network_enforce (BargedNetwork *self, GPtrArray *jobs)
{
  /* After a sleep, sockets are as dead as after a loss, and the retry
   * timers (monotonic) stood still all night. */
  gboolean came_back = (self->came_back || self->woke) && self->available && !self->asleep;

  self->came_back = FALSE;
  self->woke = FALSE;
  for (guint i = 0; i < jobs->len; i++)
    {
      BargedJob *job = g_ptr_array_index (jobs, i);
      BargeHoldReason verdict = barged_network_verdict (self, barged_job_get_cost_policy (job));

      /* A transfer often fails on a dead socket before the monitor
       * reports the loss; such a job waits for its retry delay. When the
       * network comes back, that wait has no reason left: retry now (BITS
       * does the same). */
      if (came_back && barged_job_failed_in_transport (job) && !barged_job_is_held_for_network (job))
        barged_job_retry_now (job);
      else if (barged_job_is_running (job) && verdict == BARGE_HOLD_REASON_NO_NETWORK && !self->asleep)
        barged_job_hold_for_network (job);
      else if (barged_job_is_running (job) && verdict != BARGE_HOLD_REASON_NONE)
        {
          barged_job_requeue (job);
          barged_job_set_network_hold (job, verdict);
        }
      else if (barged_job_is_held_for_network (job) && self->available && !self->asleep)
        barged_job_release_network_hold (job);
    }
}

gboolean
barged_network_admit_job (BargedNetwork *self, BargedJob *job)
{
  BargeHoldReason verdict = barged_network_verdict (self, barged_job_get_cost_policy (job));

  /* Admitted, it may still wait for a slot: the job then says "scheduler". */
  barged_job_set_network_hold (job, verdict);
  return verdict == BARGE_HOLD_REASON_NONE;
}

static void
barged_network_dispose (GObject *object)
{
  BargedNetwork *self = BARGED_NETWORK (object);

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  if (self->file_monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->file_monitor, self);
      g_file_monitor_cancel (self->file_monitor);
    }
  g_clear_object (&self->file_monitor);
  g_clear_object (&self->file);
  G_OBJECT_CLASS (barged_network_parent_class)->dispose (object);
}

static void
barged_network_init (BargedNetwork *self)
{
}

static void
barged_network_class_init (BargedNetworkClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = barged_network_dispose;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}
