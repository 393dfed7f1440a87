/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedEngine"

#include "config.h"

#include "barged-bandwidth-policy.h"
#include "barged-engine.h"
#include "barged-log.h"
#include "barged-proxy-resolver.h"
#include "barged-scheduler.h"

struct _BargedEngine
{
  GObject parent_instance;
  BargedJobContext ctx;       /* with references to what it holds */
  BargedScheduler *scheduler;
  BargedBandwidthPolicy *bandwidth_policy; /* sets ctx.background_bandwidth's rate */
  BargedNetwork *network;
  GHashTable *jobs;           /* canonical id -> BargedJob */
  GQueue order;               /* BargedJob (borrowed), oldest first */
  GHashTable *links;          /* BargedJob -> its GList link in order */
  GHashTable *jobs_per_user;  /* uid -> number of jobs */
  /* Jobs whose CreateJob is still storing them: counted against the limits
   * too, or calls that arrive together all pass the check. */
  GHashTable *creating_per_user; /* uid -> number */
  guint n_creating;
  guint reap_source;
  GHashTable *running;        /* the jobs connecting or transferring (borrowed) */
  guint transfers_source;     /* "transfers-changed" is looked at once per turn */
  gboolean transferring;      /* as last announced */
  gboolean keeps_awake;
};

G_DEFINE_TYPE (BargedEngine, barged_engine, G_TYPE_OBJECT)

enum {
  SIGNAL_JOB_ADDED,
  SIGNAL_JOB_REMOVED,
  SIGNAL_ACTIVITY_CHANGED,
  SIGNAL_BACKGROUND_LIMIT_CHANGED,
  SIGNAL_TRANSFERS_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static const BargedSettings *
settings (BargedEngine *self)
{
  return barged_config_get_settings (self->ctx.config);
}

static void
count_in (GHashTable *per_user, guint32 uid, gint delta)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (per_user, GUINT_TO_POINTER (uid)));

  n = (guint) ((gint) n + delta);
  if (n == 0)
    g_hash_table_remove (per_user, GUINT_TO_POINTER (uid));
  else
    g_hash_table_insert (per_user, GUINT_TO_POINTER (uid), GUINT_TO_POINTER (n));
}

static void
count_user (BargedEngine *self, guint32 uid, gint delta)
{
  count_in (self->jobs_per_user, uid, delta);
}

/* A CreateJob began (+1) or ended, its job adopted or abandoned (-1). */
static void
count_creating (BargedEngine *self, BargedJob *job, gint delta)
{
  count_in (self->creating_per_user, barged_job_get_owner_uid (job), delta);
  self->n_creating = (guint) ((gint) self->n_creating + delta);
}

/* --- the inactivity reaper ------------------------------------------------------ */

static void rearm_reaper (BargedEngine *self);

static gboolean
reap_cb (gpointer user_data)
{
  BargedEngine *self = user_data;

  self->reap_source = 0;
  rearm_reaper (self);
  return G_SOURCE_REMOVE;
}

/* BITS JobInactivityTimeout: a job nobody touched (no progress, no change
 * by a client) for [Jobs] InactivityTimeout is cancelled. One timer for the
 * earliest expiry, not one per job and not a periodic scan: a job touched
 * meanwhile only makes the timer early, and it then re-arms. */
static void
rearm_reaper (BargedEngine *self)
{
  guint timeout = settings (self)->inactivity_timeout;
  gint64 now = g_get_real_time ();
  gint64 earliest = G_MAXINT64;
  g_autoptr(GPtrArray) expired = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer job;

  g_clear_handle_id (&self->reap_source, g_source_remove);
  if (timeout == 0)
    return;
  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &job))
    {
      gint64 expiry;

      if (barged_job_is_running (job))
        continue;
      expiry = barged_job_get_modified (job) + (gint64) timeout * G_USEC_PER_SEC;
      if (expiry <= now)
        g_ptr_array_add (expired, g_object_ref (job));
      else
        earliest = MIN (earliest, expiry);
    }
  for (guint i = 0; i < expired->len; i++)
    {
      BargedJob *j = g_ptr_array_index (expired, i);

      barged_job_log (j, G_LOG_LEVEL_INFO, "untouched for %u s: cancelling it", timeout);
      barged_job_cancel_async (j, NULL, NULL);
    }
  if (earliest != G_MAXINT64)
    self->reap_source = g_timeout_add_seconds ((guint) MIN ((earliest - now) / G_USEC_PER_SEC + 1,
                                                            G_MAXUINT32 / 1000),
                                               reap_cb, self);
}

static void
on_config_changed (BargedConfig *config, BargedEngine *self)
{
  rearm_reaper (self);
}

static void
on_bandwidth_policy_changed (BargedBandwidthPolicy *policy, BargedEngine *self)
{
  g_signal_emit (self, signals[SIGNAL_BACKGROUND_LIMIT_CHANGED], 0);
}

guint64
barged_engine_get_background_bandwidth_limit (BargedEngine *self)
{
  return barged_bandwidth_policy_get_limit (self->bandwidth_policy);
}

const char *
barged_engine_get_background_bandwidth_source (BargedEngine *self)
{
  return barged_bandwidth_source_to_string (barged_bandwidth_policy_get_source (self->bandwidth_policy));
}

static void
on_background_limit_set (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (barged_bandwidth_policy_set_override_finish (BARGED_BANDWIDTH_POLICY (source), res, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
barged_engine_set_background_bandwidth_limit_async (BargedEngine *self, guint64 rate, GAsyncReadyCallback callback,
                                                    gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, barged_engine_set_background_bandwidth_limit_async);
  barged_bandwidth_policy_set_override_async (self->bandwidth_policy, rate, on_background_limit_set, task);
}

gboolean
barged_engine_set_background_bandwidth_limit_finish (BargedEngine *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

/* --- the users' session proxies ------------------------------------------------ */

gboolean
barged_engine_set_session_proxy (BargedEngine *self, guint32 uid, BargeProxyUsage usage, const char *http,
                                 const char *https, const char *other, const char * const *bypass,
                                 GError **error)
{
  const char *const proxies[] = { http, https, other };
  const char *const keys[] = { "http", "https", "default" };
  g_autoptr(GProxyResolver) resolver = NULL;
  gboolean any = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (proxies); i++)
    {
      if (proxies[i] != NULL && !barged_proxy_url_check (proxies[i]))
        {
          /* Never echo what may hold a password. */
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                       "the \"%s\" proxy is not " BARGED_PROXY_URL_FORMS, keys[i]);
          return FALSE;
        }
      any |= proxies[i] != NULL;
    }
  if (usage != BARGE_PROXY_USAGE_OVERRIDE && (any || (bypass != NULL && bypass[0] != NULL)))
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "proxies and a bypass list are for \"override\" only: give none with \"%s\"",
                   barge_proxy_usage_to_string (usage));
      return FALSE;
    }
  if (usage == BARGE_PROXY_USAGE_OVERRIDE && !any)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "\"override\" takes a proxy for \"http\", \"https\" or \"default\" at least");
      return FALSE;
    }
  if (!barged_proxy_bypass_check (bypass, error))
    return FALSE;
  /* Only unit tests make an engine without the daemon's sessions. */
  if (self->ctx.sessions == NULL)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_NOT_SUPPORTED, "this engine has no HTTP sessions of users");
      return FALSE;
    }
  if (usage == BARGE_PROXY_USAGE_OVERRIDE)
    resolver = barged_proxy_resolver_new_per_scheme (http, https, other, bypass);
  barged_sessions_set_user_proxy (self->ctx.sessions, uid, usage != BARGE_PROXY_USAGE_SYSTEM, resolver);
  return TRUE;
}

gboolean
barged_engine_set_session_resolver (BargedEngine *self, guint32 uid, GProxyResolver *resolver, GError **error)
{
  if (self->ctx.sessions == NULL)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_NOT_SUPPORTED, "this engine has no HTTP sessions of users");
      return FALSE;
    }
  barged_sessions_set_user_proxy (self->ctx.sessions, uid, TRUE, resolver);
  return TRUE;
}

/* --- what sleep waits for -------------------------------------------------------- */

static gboolean
transfers_cb (gpointer user_data)
{
  BargedEngine *self = user_data;
  gboolean transferring = g_hash_table_size (self->running) > 0;
  gboolean keeps_awake = FALSE;
  GHashTableIter iter;
  gpointer job;

  self->transfers_source = 0;
  /* The running jobs are a few (the scheduler's caps), not all of them. */
  g_hash_table_iter_init (&iter, self->running);
  while (!keeps_awake && g_hash_table_iter_next (&iter, &job, NULL))
    keeps_awake = barged_job_get_keep_awake (job) &&
                  barged_job_get_job_priority (job) == BARGE_JOB_PRIORITY_FOREGROUND;
  if (transferring != self->transferring || keeps_awake != self->keeps_awake)
    {
      self->transferring = transferring;
      self->keeps_awake = keeps_awake;
      g_signal_emit (self, signals[SIGNAL_TRANSFERS_CHANGED], 0);
    }
  return G_SOURCE_REMOVE;
}

/* Looked at after the scheduler's decisions of the same turn (its idle
 * runs at G_PRIORITY_DEFAULT_IDLE): a job that hands its slot to another
 * does not make the inhibitors go and come back. */
static void
transfers_changed (BargedEngine *self)
{
  if (self->transfers_source == 0)
    self->transfers_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE + 1, transfers_cb, self, NULL);
}

static void
on_job_transfers (BargedJob *job, GParamSpec *pspec, BargedEngine *self)
{
  if (barged_job_is_running (job))
    g_hash_table_add (self->running, job);
  else
    g_hash_table_remove (self->running, job);
  transfers_changed (self);
}

gboolean
barged_engine_is_transferring (BargedEngine *self)
{
  return self->transferring;
}

gboolean
barged_engine_keeps_awake (BargedEngine *self)
{
  return self->keeps_awake;
}

static void
sleep_step_done (GTask *task)
{
  guint *pending = g_task_get_task_data (task);

  if (--*pending == 0)
    g_task_return_boolean (task, TRUE);
}

static void
on_job_checkpointed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!barged_job_checkpoint_finish (BARGED_JOB (source), res, &error))
    barged_job_log (BARGED_JOB (source), G_LOG_LEVEL_WARNING, "cannot record its checkpoint: %s", error->message);
  sleep_step_done (task);
}

void
barged_engine_prepare_for_sleep_async (BargedEngine *self, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  guint *pending = g_new (guint, 1);
  guint stopped = 0;

  g_task_set_source_tag (task, barged_engine_prepare_for_sleep_async);
  *pending = 1;
  g_task_set_task_data (task, pending, g_free);
  /* Nothing starts until the wake-up. */
  barged_network_set_asleep (self->network, TRUE);
  for (GList *l = self->order.head; l != NULL; l = l->next)
    {
      BargedJob *job = l->data;
      gboolean running = barged_job_is_running (job);

      if (!running && !barged_job_has_runs_in_flight (job))
        continue;
      if (running)
        {
          /* Back to queued, as a pre-emption: the wake-up starts it again. */
          barged_job_requeue (job);
          barged_job_set_network_hold (job, BARGE_HOLD_REASON_SLEEPING);
          stopped++;
        }
      (*pending)++;
      barged_job_checkpoint_async (job, on_job_checkpointed, g_object_ref (task));
    }
  g_info ("the machine prepares to sleep: %u running jobs stopped, %u checkpoints to wait for", stopped,
          *pending - 1);
  sleep_step_done (task);
}

gboolean
barged_engine_prepare_for_sleep_finish (BargedEngine *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

void
barged_engine_wake (BargedEngine *self)
{
  for (GList *l = self->order.head; l != NULL; l = l->next)
    barged_job_rearm_retry (l->data);
  /* The scheduler's next round retries the jobs a transport error holds
   * (barged_network_enforce), and starts the queued ones. */
  barged_network_set_asleep (self->network, FALSE);
}

/* --- the registry ------------------------------------------------------------------ */

static void
on_job_removed (BargedJob *job, const char *final_state, BargedEngine *self)
{
  g_autoptr(BargedJob) keep = g_object_ref (job);

  if (g_hash_table_remove (self->running, job))
    transfers_changed (self);

  g_signal_handlers_disconnect_by_data (job, self);
  barged_scheduler_remove (self->scheduler, job);
  count_user (self, barged_job_get_owner_uid (job), -1);
  g_queue_delete_link (&self->order, g_hash_table_lookup (self->links, job));
  g_hash_table_remove (self->links, job);
  g_hash_table_remove (self->jobs, barged_job_get_job_id (job));
  g_signal_emit (self, signals[SIGNAL_JOB_REMOVED], 0, job, final_state);
}

/* TakeOwnership moves the job to another user's count. */
static void
on_job_owner (BargedJob *job, GParamSpec *pspec, BargedEngine *self)
{
  GHashTableIter iter;
  gpointer key, value;

  /* The old owner is not kept: recount (rare, and O(users)). */
  g_hash_table_remove_all (self->jobs_per_user);
  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, &key, &value))
    count_user (self, barged_job_get_owner_uid (value), 1);
}

/* Jobs come in creation order (the store loads them so; a new one is the
 * newest), so ListJobs needs no sort. */
static void
adopt (BargedEngine *self, BargedJob *job)
{
  g_hash_table_insert (self->jobs, g_strdup (barged_job_get_job_id (job)), g_object_ref (job));
  g_queue_push_tail (&self->order, job);
  g_hash_table_insert (self->links, job, g_queue_peek_tail_link (&self->order));
  count_user (self, barged_job_get_owner_uid (job), 1);
  g_signal_connect (job, "removed", G_CALLBACK (on_job_removed), self);
  g_signal_connect (job, "notify::owner", G_CALLBACK (on_job_owner), self);
  g_signal_connect (job, "notify::state", G_CALLBACK (on_job_transfers), self);
  g_signal_connect (job, "notify::priority", G_CALLBACK (on_job_transfers), self);
  barged_scheduler_add (self->scheduler, job);
}

gboolean
barged_engine_load (BargedEngine *self, GError **error)
{
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GHashTable) files_by_job = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                              (GDestroyNotify) g_ptr_array_unref);

  if (!barged_store_load (self->ctx.store, &jobs, &files, error))
    return FALSE;
  for (guint i = 0; i < files->len; i++)
    {
      BargedFileRecord *f = g_ptr_array_index (files, i);
      GPtrArray *list = g_hash_table_lookup (files_by_job, f->job_id);

      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (files_by_job, f->job_id, list);
        }
      g_ptr_array_add (list, f);
    }
  for (guint i = 0; i < jobs->len; i++)
    {
      BargedJobRecord *r = g_ptr_array_index (jobs, i);
      GPtrArray *list = g_hash_table_lookup (files_by_job, r->id);
      g_autoptr(GPtrArray) none = g_ptr_array_new ();
      g_autoptr(BargedJob) job = NULL;

      barged_credentials_check_owner (self->ctx.credentials, r->id, r->owner);
      job = barged_job_new_from_record (&self->ctx, r, list != NULL ? list : none);
      adopt (self, job);
    }
  /* A crash between a job's private data and its record (CreateJob), or
   * between its record's delete and its private data's (a removal), left
   * private data of no job: it goes, not loaded at every start. */
  barged_credentials_forget_others (self->ctx.credentials, self->jobs);
  g_info ("restored %u jobs", jobs->len);
  rearm_reaper (self);
  return TRUE;
}

void
barged_engine_save_pending (BargedEngine *self)
{
  GHashTableIter iter;
  gpointer job;

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &job))
    barged_job_save_pending (job);
}

void
barged_engine_announce_restored (BargedEngine *self)
{
  GHashTableIter iter;
  gpointer job;

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &job))
    barged_job_announce_restored (job);
}

static void abandon_created (BargedEngine *self, GTask *task, BargedJob *job, GError *error);

static void
on_unsaved_deleted (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!barged_store_write_finish (BARGED_STORE (source), res, &error))
    g_warning ("%s", error->message);
}

static void
on_created_private_saved (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargedEngine *self = g_task_get_source_object (task);
  BargedJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  /* Its record is saved; without its private data (its umask, its custom
   * headers) it would come back at the next start as another job than the
   * one asked for, so it goes. */
  if (!barged_credentials_wait_saved_finish (BARGED_CREDENTIALS (source), res, &error))
    {
      barged_store_delete_job (self->ctx.store, barged_job_get_job_id (job), on_unsaved_deleted, NULL);
      abandon_created (self, task, job, error);
      return;
    }
  /* Announced only once it would survive a crash. */
  count_creating (self, job, -1);
  adopt (self, job);
  if (self->reap_source == 0)
    rearm_reaper (self);
  barged_job_log (job, G_LOG_LEVEL_INFO, "created (%s)", barge_job_type_to_string (barged_job_get_job_type (job)));
  g_signal_emit (self, signals[SIGNAL_JOB_ADDED], 0, job);
  g_task_return_pointer (task, g_object_ref (job), g_object_unref);
}

/* A job that failed before it was announced never was: what
 * barged_job_new() put in the private file (its umask, its custom headers)
 * goes too, or every later start would load it for a job that does not
 * exist. */
static void
abandon_created (BargedEngine *self, GTask *task, BargedJob *job, GError *error)
{
  count_creating (self, job, -1);
  barged_credentials_forget (self->ctx.credentials, barged_job_get_job_id (job), TRUE);
  g_task_return_error (task, error);
}

static void
on_created_job_saved (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargedEngine *self = g_task_get_source_object (task);
  BargedJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  if (!barged_job_save_finish (job, res, &error))
    {
      abandon_created (self, task, job, error);
      return;
    }
  /* Its umask and custom headers live in the private file. */
  barged_credentials_wait_saved_async (self->ctx.credentials, on_created_private_saved, g_steal_pointer (&task));
}

/* The CreateJob option "tls-options": its files read as the owner before
 * the job exists for anyone; when they cannot be, the job never was.
 * Setting them saved the job, options and all. */
static void
on_created_tls_set (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargedEngine *self = g_task_get_source_object (task);
  BargedJob *job = BARGED_JOB (source);
  GError *error = NULL;

  if (!barged_job_set_tls_options_finish (job, res, &error))
    {
      abandon_created (self, task, job, error);
      return;
    }
  barged_credentials_wait_saved_async (self->ctx.credentials, on_created_private_saved, g_steal_pointer (&task));
}

void
barged_engine_create_job_async (BargedEngine *self, guint32 owner, guint32 umask, const BargedJobSpec *spec,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  const BargedSettings *s = settings (self);
  guint of_user = GPOINTER_TO_UINT (g_hash_table_lookup (self->jobs_per_user, GUINT_TO_POINTER (owner))) +
                  GPOINTER_TO_UINT (g_hash_table_lookup (self->creating_per_user, GUINT_TO_POINTER (owner)));
  GError *error = NULL;
  g_autoptr(BargedJob) job = NULL;

  g_task_set_source_tag (task, barged_engine_create_job_async);
  if (g_hash_table_size (self->jobs) + self->n_creating >= s->max_jobs)
    error = g_error_new (BARGE_ERROR, BARGE_ERROR_TOO_MANY_JOBS, "this machine has the most jobs allowed (%u)",
                         s->max_jobs);
  else if (of_user >= s->max_jobs_per_user)
    error = g_error_new (BARGE_ERROR, BARGE_ERROR_TOO_MANY_JOBS, "this user has the most jobs allowed (%u)",
                         s->max_jobs_per_user);
  else if (barged_quota_check (self->ctx.quota, owner, 0, BARGED_QUOTA_JOB_COST, &error))
    job = barged_job_new (&self->ctx, owner, umask, spec, &error);
  if (job == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, g_object_ref (job), g_object_unref);
  count_creating (self, job, 1);
  if (spec->tls_options != NULL && g_variant_n_children (spec->tls_options) > 0)
    {
      barged_job_set_tls_options_async (job, spec->tls_options, on_created_tls_set, g_steal_pointer (&task));
      return;
    }
  barged_job_save (job, on_created_job_saved, g_steal_pointer (&task));
}

BargedJob *
barged_engine_create_job_finish (BargedEngine *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_pointer (G_TASK (res), error);
}

BargedJob *
barged_engine_lookup (BargedEngine *self, const char *id)
{
  return id != NULL ? g_hash_table_lookup (self->jobs, id) : NULL;
}

GPtrArray *
barged_engine_list (BargedEngine *self, gboolean all_users, guint32 uid)
{
  GPtrArray *jobs = g_ptr_array_new_full (all_users ? self->order.length : 0, g_object_unref);

  for (GList *l = self->order.head; l != NULL; l = l->next)
    if (all_users || barged_job_get_owner_uid (l->data) == uid)
      g_ptr_array_add (jobs, g_object_ref (l->data));
  return jobs;
}

guint
barged_engine_get_n_jobs (BargedEngine *self)
{
  return g_hash_table_size (self->jobs);
}

gboolean
barged_engine_is_active (BargedEngine *self)
{
  return barged_scheduler_is_active (self->scheduler);
}

static void
on_activity_changed (BargedScheduler *scheduler, BargedEngine *self)
{
  g_signal_emit (self, signals[SIGNAL_ACTIVITY_CHANGED], 0);
}

BargedEngine *
barged_engine_new (const BargedJobContext *ctx, BargedNetwork *network)
{
  BargedEngine *self = g_object_new (BARGED_TYPE_ENGINE, NULL);

  barged_job_context_copy (&self->ctx, ctx);
  self->network = network != NULL ? g_object_ref (network) : barged_network_new ();
  self->scheduler = barged_scheduler_new (self->ctx.config);
  barged_scheduler_set_network (self->scheduler, self->network);
  g_signal_connect_object (self->scheduler, "activity-changed", G_CALLBACK (on_activity_changed), self, 0);
  g_signal_connect_object (self->ctx.config, "changed", G_CALLBACK (on_config_changed), self, 0);
  /* What background jobs share (their jobs' buckets have it as parent):
   * barge.conf's limit or schedule, or the administrator's. */
  self->bandwidth_policy = barged_bandwidth_policy_new (self->ctx.config, self->ctx.clock, self->ctx.store,
                                                        self->ctx.background_bandwidth);
  g_signal_connect_object (self->bandwidth_policy, "changed", G_CALLBACK (on_bandwidth_policy_changed), self, 0);
  return self;
}

static void
barged_engine_dispose (GObject *object)
{
  BargedEngine *self = BARGED_ENGINE (object);
  GHashTableIter iter;
  gpointer job;

  g_clear_handle_id (&self->reap_source, g_source_remove);
  g_clear_handle_id (&self->transfers_source, g_source_remove);
  if (self->running != NULL)
    g_hash_table_remove_all (self->running);
  if (self->jobs != NULL)
    {
      g_hash_table_iter_init (&iter, self->jobs);
      while (g_hash_table_iter_next (&iter, NULL, &job))
        g_signal_handlers_disconnect_by_data (job, self);
      g_clear_pointer (&self->jobs, g_hash_table_unref);
    }
  g_queue_clear (&self->order);
  g_clear_pointer (&self->links, g_hash_table_unref);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->bandwidth_policy);
  g_clear_object (&self->network);
  /* Each waiting program holds its job, which holds the notifier. */
  if (self->ctx.notifier != NULL)
    barged_notifier_cancel_waiting (self->ctx.notifier);
  barged_job_context_clear (&self->ctx);
  G_OBJECT_CLASS (barged_engine_parent_class)->dispose (object);
}

static void
barged_engine_finalize (GObject *object)
{
  BargedEngine *self = BARGED_ENGINE (object);

  g_hash_table_unref (self->jobs_per_user);
  g_hash_table_unref (self->creating_per_user);
  g_hash_table_unref (self->running);
  G_OBJECT_CLASS (barged_engine_parent_class)->finalize (object);
}

static void
barged_engine_init (BargedEngine *self)
{
  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->jobs_per_user = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->creating_per_user = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->links = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->running = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_queue_init (&self->order);
}

static void
barged_engine_class_init (BargedEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = barged_engine_dispose;
  object_class->finalize = barged_engine_finalize;
  signals[SIGNAL_JOB_ADDED] = g_signal_new ("job-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                            NULL, NULL, NULL, G_TYPE_NONE, 1, BARGED_TYPE_JOB);
  signals[SIGNAL_JOB_REMOVED] = g_signal_new ("job-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                              NULL, NULL, NULL, G_TYPE_NONE, 2, BARGED_TYPE_JOB, G_TYPE_STRING);
  signals[SIGNAL_ACTIVITY_CHANGED] = g_signal_new ("activity-changed", G_TYPE_FROM_CLASS (klass),
                                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_BACKGROUND_LIMIT_CHANGED] = g_signal_new ("background-limit-changed", G_TYPE_FROM_CLASS (klass),
                                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_TRANSFERS_CHANGED] = g_signal_new ("transfers-changed", G_TYPE_FROM_CLASS (klass),
                                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}
