/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedScheduler"

#include "config.h"

#include "barged-config.h"
#include "barged-scheduler.h"
#include "barged-scheduler-plan.h"

/* Running jobs alone must never need more connections than the session has. */
G_STATIC_ASSERT (BARGED_CONFIG_MAXIMUM_MAX_RUNNING_JOBS * 2 <= BARGED_SESSION_MAX_CONNS);
G_STATIC_ASSERT (BARGED_CONFIG_MAXIMUM_MAX_CONNECTIONS + 16 <= BARGED_SESSION_MAX_CONNS);

struct _BargedScheduler
{
  GObject parent_instance;
  GPtrArray *jobs;            /* BargedJob, strong */
  GHashTable *entries;        /* BargedJob -> Entry */
  BargedConfig *config;
  BargedNetwork *network;
  guint kick_source;
  guint slice_source;
  gboolean active;
};

/* The scheduler's own view of a job: where it stands among jobs of its
 * priority (its creation time, moved to "now" when its time slice ends, so
 * equal priorities take turns), when its current slot began, and the host
 * its next request goes to (kept for the URL it was worked out from). */
typedef struct {
  gint64 order;               /* wall clock, µs */
  gint64 slot_started;        /* monotonic, µs; 0 = holds no slot */
  gint64 queued_since;        /* monotonic, µs, as a round saw it; 0 = not queued */
  char *url;
  char *host;
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->url);
  g_free (entry->host);
  g_free (entry);
}

G_DEFINE_TYPE (BargedScheduler, barged_scheduler, G_TYPE_OBJECT)

enum { SIGNAL_ACTIVITY_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void kick (BargedScheduler *self);

static Entry *
entry_of (BargedScheduler *self, BargedJob *job)
{
  return g_hash_table_lookup (self->entries, job);
}

static gint
compare_jobs (gconstpointer a, gconstpointer b, gpointer user_data)
{
  BargedScheduler *self = user_data;
  BargedJob *ja = *(BargedJob **) a;
  BargedJob *jb = *(BargedJob **) b;
  BargeJobPriority pa = barged_job_get_job_priority (ja);
  BargeJobPriority pb = barged_job_get_job_priority (jb);
  gint64 oa = entry_of (self, ja)->order;
  gint64 ob = entry_of (self, jb)->order;
  gint64 ca = barged_job_get_created (ja);
  gint64 cb = barged_job_get_created (jb);

  if (pa != pb)
    return pa < pb ? -1 : 1;
  if (oa != ob)
    return oa < ob ? -1 : 1;
  return ca < cb ? -1 : (ca > cb ? 1 : 0);
}

/* Queued jobs with size hints, fewest bytes first, in the places hinted
 * jobs hold (barged-scheduler-plan.h). */
static void
order_by_hints (BargedScheduler *self, GPtrArray *order)
{
  g_autofree BargedPlanHint *hints = g_new0 (BargedPlanHint, order->len);
  g_autofree guint *indices = g_new (guint, order->len);
  g_autofree gpointer *jobs = g_memdup2 (order->pdata, order->len * sizeof (gpointer));
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; i < order->len; i++)
    {
      BargedJob *job = g_ptr_array_index (order, i);
      Entry *entry = entry_of (self, job);
      gboolean queued = barged_job_get_job_state (job) == BARGE_JOB_STATE_QUEUED;

      if (!queued)
        entry->queued_since = 0;
      else if (entry->queued_since == 0)
        entry->queued_since = now;
      hints[i] = (BargedPlanHint) {
        .priority = barged_job_get_job_priority (job),
        .queued = queued,
        .remaining = queued ? barged_job_get_expected_remaining (job) : BARGE_SIZE_UNKNOWN,
        .waited = queued ? now - entry->queued_since : 0,
      };
      indices[i] = i;
    }
  barged_scheduler_plan_order_by_hints (hints, indices, order->len);
  for (guint i = 0; i < order->len; i++)
    order->pdata[i] = jobs[indices[i]];
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

static void
start_job (BargedScheduler *self, BargedJob *job)
{
  entry_of (self, job)->slot_started = g_get_monotonic_time ();
  barged_job_start (job);
}

static gboolean
slice_cb (gpointer user_data)
{
  BargedScheduler *self = user_data;

  self->slice_source = 0;
  kick (self);
  return G_SOURCE_REMOVE;
}

/* Round robin among equal priorities: a background job whose slice is over
 * goes back to the queue, behind the jobs of its priority, when one of them
 * waits for a slot. A timer runs only while such a job waits, so a daemon
 * with nothing to share has no wake-ups. */
static void
rotate_slices (BargedScheduler *self, GPtrArray *running_bg, GPtrArray *waiting_bg)
{
  gint64 now = g_get_monotonic_time ();
  gint64 slice = (gint64) MAX (barged_config_get_settings (self->config)->time_slice, 1u) * G_USEC_PER_SEC;
  gint64 next_deadline = G_MAXINT64;

  g_clear_handle_id (&self->slice_source, g_source_remove);
  for (guint i = 0; i < running_bg->len; i++)
    {
      BargedJob *job = g_ptr_array_index (running_bg, i);
      Entry *entry = entry_of (self, job);
      gboolean contested = FALSE;
      gint64 deadline;

      for (guint j = 0; j < waiting_bg->len && !contested; j++)
        contested = barged_job_get_job_priority (g_ptr_array_index (waiting_bg, j)) ==
                    barged_job_get_job_priority (job);
      if (!contested || entry->slot_started == 0)
        continue;
      deadline = entry->slot_started + slice;
      if (now >= deadline)
        {
          g_debug ("job %s: time slice over", barged_job_get_job_id (job));
          entry->order = g_get_real_time ();
          entry->slot_started = 0;
          barged_job_requeue (job);
        }
      else
        next_deadline = MIN (next_deadline, deadline);
    }
  if (next_deadline != G_MAXINT64)
    /* Clamped: a slice longer than the timer's 49 days just wakes up once
     * early and arms again for the rest. */
    self->slice_source = g_timeout_add ((guint) MIN ((next_deadline - now + 999) / 1000, (gint64) G_MAXUINT),
                                        slice_cb, self);
}

/* The host of the job's next request, as the per-host cap counts it. */
static const char *
host_of (BargedScheduler *self, BargedJob *job)
{
  Entry *entry = entry_of (self, job);
  const char *url = barged_job_get_current_url (job);

  if (g_strcmp0 (url, entry->url) != 0)
    {
      g_free (entry->url);
      g_free (entry->host);
      entry->url = g_strdup (url);
      entry->host = barged_scheduler_origin (url);
    }
  return entry->host;
}

/* A running job whose NotBefore or TransferWindow holds it now (its
 * window ended, or a clock step moved it outside) goes back to the queue,
 * checkpointed as any suspension to the queue is; its HoldReason says why. */
static void
enforce_times (GPtrArray *jobs)
{
  for (guint i = 0; i < jobs->len; i++)
    {
      BargedJob *job = g_ptr_array_index (jobs, i);

      if (barged_job_is_running (job) && barged_job_get_time_hold (job) != BARGE_HOLD_REASON_NONE)
        {
          g_debug ("job %s: %s", barged_job_get_job_id (job),
                   barge_hold_reason_to_string (barged_job_get_time_hold (job)));
          barged_job_requeue (job);
        }
    }
}

static gboolean
kick_cb (gpointer user_data)
{
  BargedScheduler *self = user_data;
  const BargedSettings *settings = barged_config_get_settings (self->config);
  g_autoptr(GPtrArray) order = g_ptr_array_copy (self->jobs, (GCopyFunc) (void (*) (void)) g_object_ref, NULL);
  g_autoptr(GPtrArray) running_bg = g_ptr_array_new ();
  g_autoptr(GPtrArray) waiting_bg = g_ptr_array_new ();
  g_autofree BargedPlanJob *plan = NULL;
  BargedPlanLimits limits = {
    settings->max_running_jobs,
    settings->max_running_jobs_per_user,
    /* Every job that runs on a host has at least one connection there. */
    settings->max_connections_per_host,
    MAX (settings->max_background_jobs, 1u),
  };

  self->kick_source = 0;
  g_ptr_array_sort_with_data (order, compare_jobs, self);
  order_by_hints (self, order);
  enforce_times (order);
  if (self->network != NULL)
    barged_network_enforce (self->network, order);

  plan = g_new0 (BargedPlanJob, order->len);
  for (guint i = 0; i < order->len; i++)
    {
      BargedJob *job = g_ptr_array_index (order, i);
      BargedPlanJob *p = &plan[i];

      p->running = barged_job_is_running (job);
      if (!p->running)
        entry_of (self, job)->slot_started = 0;
      p->started = entry_of (self, job)->slot_started;
      /* The network's verdict also keeps the job's HoldReason in step;
       * the job's time policy holds it whatever the network says. */
      p->startable = barged_job_get_job_state (job) == BARGE_JOB_STATE_QUEUED &&
                     (self->network == NULL || barged_network_admit_job (self->network, job)) &&
                     barged_job_get_time_hold (job) == BARGE_HOLD_REASON_NONE;
      if (!p->running && !p->startable)
        continue;
      p->uid = barged_job_get_owner_uid (job);
      p->priority = barged_job_get_job_priority (job);
      p->host = host_of (self, job);
    }
  barged_scheduler_plan (plan, order->len, &limits);

  /* Slots are given back before others are taken, so the connections of
   * a pre-empted job are free for the one that takes its place. */
  for (guint i = 0; i < order->len; i++)
    if (plan[i].action == BARGED_PLAN_REQUEUE)
      {
        BargedJob *job = g_ptr_array_index (order, i);

        g_debug ("job %s: gives its slot back", barged_job_get_job_id (job));
        entry_of (self, job)->slot_started = 0;
        barged_job_requeue (job);
      }
  for (guint i = 0; i < order->len; i++)
    {
      BargedJob *job = g_ptr_array_index (order, i);
      gboolean background = plan[i].priority != BARGE_JOB_PRIORITY_FOREGROUND;

      if (plan[i].action == BARGED_PLAN_START)
        start_job (self, job);
      if (background && (plan[i].action == BARGED_PLAN_START || plan[i].action == BARGED_PLAN_KEEP))
        g_ptr_array_add (running_bg, job);
      else if (background && plan[i].action == BARGED_PLAN_WAIT_TURN)
        g_ptr_array_add (waiting_bg, job);
    }
  rotate_slices (self, running_bg, waiting_bg);
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
  Entry *entry = g_new0 (Entry, 1);

  entry->order = barged_job_get_created (job);
  g_hash_table_insert (self->entries, job, entry);
  g_ptr_array_add (self->jobs, g_object_ref (job));
  g_signal_connect (job, "scheduling-changed", G_CALLBACK (on_scheduling_changed), self);
  kick (self);
}

void
barged_scheduler_remove (BargedScheduler *self, BargedJob *job)
{
  g_signal_handlers_disconnect_by_data (job, self);
  g_hash_table_remove (self->entries, job);
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

/* A new barge.conf takes effect at once: jobs beyond the new limits go
 * back to the queue. */
static void
on_config_changed (BargedConfig *config, BargedScheduler *self)
{
  kick (self);
}

BargedScheduler *
barged_scheduler_new (BargedConfig *config)
{
  BargedScheduler *self = g_object_new (BARGED_TYPE_SCHEDULER, NULL);

  self->config = g_object_ref (config);
  g_signal_connect_object (config, "changed", G_CALLBACK (on_config_changed), self, 0);
  return self;
}

static void
barged_scheduler_finalize (GObject *object)
{
  BargedScheduler *self = BARGED_SCHEDULER (object);

  g_clear_handle_id (&self->kick_source, g_source_remove);
  g_clear_handle_id (&self->slice_source, g_source_remove);
  if (self->network != NULL)
    g_signal_handlers_disconnect_by_data (self->network, self);
  g_clear_object (&self->network);
  g_clear_object (&self->config);
  for (guint i = 0; i < self->jobs->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->jobs, i), self);
  g_ptr_array_unref (self->jobs);
  g_hash_table_unref (self->entries);
  G_OBJECT_CLASS (barged_scheduler_parent_class)->finalize (object);
}

static void
barged_scheduler_init (BargedScheduler *self)
{
  self->jobs = g_ptr_array_new_with_free_func (g_object_unref);
  self->entries = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) entry_free);
}

static void
barged_scheduler_class_init (BargedSchedulerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = barged_scheduler_finalize;
  signals[SIGNAL_ACTIVITY_CHANGED] = g_signal_new ("activity-changed", G_TYPE_FROM_CLASS (klass),
                                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                   G_TYPE_NONE, 0);
}
