/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedScheduler"

#include "config.h"

#include "barged-scheduler.h"

struct _BargedScheduler
{
  GObject parent_instance;
  GPtrArray *jobs;            /* BargedJob, strong */
  guint max_background;
  BargedNetwork *network;
  guint kick_source;
  gboolean active;
};

G_DEFINE_TYPE (BargedScheduler, barged_scheduler, G_TYPE_OBJECT)

enum { SIGNAL_ACTIVITY_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gint
compare_jobs (gconstpointer a, gconstpointer b)
{
  BargedJob *ja = *(BargedJob **) a;
  BargedJob *jb = *(BargedJob **) b;
  BargeJobPriority pa = barged_job_get_job_priority (ja);
  BargeJobPriority pb = barged_job_get_job_priority (jb);
  gint64 ca = barged_job_get_created (ja);
  gint64 cb = barged_job_get_created (jb);

  if (pa != pb)
    return pa < pb ? -1 : 1;
  return ca < cb ? -1 : (ca > cb ? 1 : 0);
}

static void
update_activity (BargedScheduler *self)
{
  gboolean active = FALSE;

  for (guint i = 0; i < self->jobs->len && !active; i++)
    active = barged_job_is_active (g_ptr_array_index (self->jobs, i));
  if (active != self->active)
    {
      self->active = active;
      g_signal_emit (self, signals[SIGNAL_ACTIVITY_CHANGED], 0);
    }
}

static gboolean
kick_cb (gpointer user_data)
{
  BargedScheduler *self = user_data;
  g_autoptr(GPtrArray) order = g_ptr_array_copy (self->jobs, (GCopyFunc) (void (*) (void)) g_object_ref, NULL);
  GPtrArray *running_bg = g_ptr_array_new ();
  guint n_running_bg = 0;

  self->kick_source = 0;
  g_ptr_array_sort (order, compare_jobs);
  if (self->network != NULL)
    barged_network_enforce (self->network, order);

  for (guint i = 0; i < order->len; i++)
    {
      BargedJob *job = g_ptr_array_index (order, i);
      if (barged_job_is_running (job) && barged_job_get_job_priority (job) != BARGE_JOB_PRIORITY_FOREGROUND)
        g_ptr_array_add (running_bg, job);
    }
  n_running_bg = running_bg->len;

  for (guint i = 0; i < order->len; i++)
    {
      BargedJob *job = g_ptr_array_index (order, i);

      if (barged_job_get_job_state (job) != BARGE_JOB_STATE_QUEUED)
        continue;
      if (self->network != NULL && !barged_network_admit_job (self->network, job))
        continue;
      if (barged_job_get_job_priority (job) == BARGE_JOB_PRIORITY_FOREGROUND)
        {
          barged_job_start (job);
          continue;
        }
      if (n_running_bg < self->max_background)
        {
          n_running_bg++;
          barged_job_start (job);
          continue;
        }
      /* Pre-empt the lowest running background job if this one ranks above
       * it; the pre-empted job goes back to the queue. */
      if (running_bg->len > 0)
        {
          BargedJob *lowest = g_ptr_array_index (running_bg, running_bg->len - 1);
          if (barged_job_get_job_priority (job) < barged_job_get_job_priority (lowest))
            {
              g_ptr_array_remove_index (running_bg, running_bg->len - 1);
              barged_job_requeue (lowest);
              barged_job_start (job);
            }
        }
    }
  g_ptr_array_unref (running_bg);
  update_activity (self);
  return G_SOURCE_REMOVE;
}

/* Decisions are made once per main-loop turn, after the state changes of
 * that turn, and never inside a job's own state change. */
static void
kick (BargedScheduler *self)
{
  if (self->kick_source == 0)
    self->kick_source = g_idle_add (kick_cb, self);
}

static void
on_scheduling_changed (BargedJob *job, BargedScheduler *self)
{
  kick (self);
}

void
barged_scheduler_add (BargedScheduler *self, BargedJob *job)
{
  g_ptr_array_add (self->jobs, g_object_ref (job));
  g_signal_connect (job, "scheduling-changed", G_CALLBACK (on_scheduling_changed), self);
  kick (self);
}

void
barged_scheduler_remove (BargedScheduler *self, BargedJob *job)
{
  g_signal_handlers_disconnect_by_data (job, self);
  g_ptr_array_remove (self->jobs, job);
  kick (self);
}

static void
on_network_changed (BargedNetwork *network, BargedScheduler *self)
{
  kick (self);
}

void
barged_scheduler_set_network (BargedScheduler *self, BargedNetwork *network)
{
  g_return_if_fail (self->network == NULL);
  self->network = g_object_ref (network);
  g_signal_connect (network, "changed", G_CALLBACK (on_network_changed), self);
  kick (self);
}

gboolean
barged_scheduler_is_active (BargedScheduler *self)
{
  return self->active;
}

BargedScheduler *
barged_scheduler_new (guint max_background)
{
  BargedScheduler *self = g_object_new (BARGED_TYPE_SCHEDULER, NULL);

  self->max_background = MAX (max_background, 1);
  return self;
}

static void
barged_scheduler_finalize (GObject *object)
{
  BargedScheduler *self = BARGED_SCHEDULER (object);

  g_clear_handle_id (&self->kick_source, g_source_remove);
  if (self->network != NULL)
    g_signal_handlers_disconnect_by_data (self->network, self);
  g_clear_object (&self->network);
  for (guint i = 0; i < self->jobs->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->jobs, i), self);
  g_ptr_array_unref (self->jobs);
  G_OBJECT_CLASS (barged_scheduler_parent_class)->finalize (object);
}

static void
barged_scheduler_init (BargedScheduler *self)
{
  self->jobs = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
barged_scheduler_class_init (BargedSchedulerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = barged_scheduler_finalize;
  signals[SIGNAL_ACTIVITY_CHANGED] = g_signal_new ("activity-changed", G_TYPE_FROM_CLASS (klass),
                                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                   G_TYPE_NONE, 0);
}
