/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedScheduler"

#include "config.h"

#include "barged-request.h"
#include "barged-scheduler-plan.h"

/* The round: the counts of the jobs chosen so far, and each user's
 * candidates (running or startable jobs) in the user's own order. */
typedef struct {
  guint32 uid;
  GArray *candidates;        /* guint, indices into the jobs */
  guint next;                /* the first not yet chosen or ruled out */
  guint chosen;
} User;

typedef struct {
  BargedPlanJob *jobs;
  const BargedPlanLimits *limits;
  gboolean *chosen;
  guint n_chosen;
  guint n_background;
  GHashTable *by_host;       /* host -> GUINT_TO_POINTER (chosen jobs there) */
  GHashTable *users;         /* GUINT_TO_POINTER (uid) -> User */
  GPtrArray *user_list;      /* User, in order of first appearance */
} Plan;

static void
user_free (User *user)
{
  g_array_unref (user->candidates);
  g_free (user);
}

static gboolean
is_background (const BargedPlanJob *job)
{
  return job->priority != BARGE_JOB_PRIORITY_FOREGROUND;
}

static guint
n_host (Plan *p, const char *host)
{
  return host != NULL ? GPOINTER_TO_UINT (g_hash_table_lookup (p->by_host, host)) : 0;
}

static User *
user_of (Plan *p, guint32 uid)
{
  return g_hash_table_lookup (p->users, GUINT_TO_POINTER (uid));
}

/* Whether @job fits every cap beside the jobs chosen so far, without the
 * chosen job @gone (or -1). */
static gboolean
fits_without (Plan *p, const BargedPlanJob *job, gint gone)
{
  const BargedPlanLimits *l = p->limits;
  const BargedPlanJob *g = gone >= 0 ? &p->jobs[gone] : NULL;
  guint user = user_of (p, job->uid)->chosen - (g != NULL && g->uid == job->uid);
  guint host = n_host (p, job->host) -
               (g != NULL && g->host != NULL && job->host != NULL && g_str_equal (g->host, job->host));
  guint background = p->n_background - (g != NULL && is_background (g));

  return p->n_chosen - (g != NULL) < l->max_running &&
         user < l->max_running_per_user &&
         (job->host == NULL || host < l->max_running_per_host) &&
         (!is_background (job) || background < l->max_background);
}

static gboolean
fits (Plan *p, const BargedPlanJob *job)
{
  return fits_without (p, job, -1);
}

static void
choose (Plan *p, guint index)
{
  BargedPlanJob *job = &p->jobs[index];

  p->chosen[index] = TRUE;
  p->n_chosen++;
  user_of (p, job->uid)->chosen++;
  if (is_background (job))
    p->n_background++;
  if (job->host != NULL)
    g_hash_table_insert (p->by_host, (gpointer) job->host, GUINT_TO_POINTER (n_host (p, job->host) + 1));
}

/* BITS order: priority, then a running job before a queued one (a job is
 * never pre-empted by one of equal priority: time slices take turns), then
 * rank. */
static gint
compare_candidates (gconstpointer a, gconstpointer b, gpointer user_data)
{
  Plan *p = user_data;
  guint ia = *(const guint *) a, ib = *(const guint *) b;
  const BargedPlanJob *ja = &p->jobs[ia], *jb = &p->jobs[ib];

  if (ja->priority != jb->priority)
    return ja->priority < jb->priority ? -1 : 1;
  if (ja->running != jb->running)
    return ja->running ? -1 : 1;
  if (ja->running && ja->started != jb->started)
    return ja->started < jb->started ? -1 : 1;
  return ia < ib ? -1 : (ia > ib ? 1 : 0);
}

/* The user's next candidate that still fits, or NULL when none does. A
 * candidate that does not fit now never will in this round (the counts only
 * grow), so it is ruled out for good. */
static const guint *
head (Plan *p, User *user)
{
  while (user->next < user->candidates->len &&
         !fits (p, &p->jobs[g_array_index (user->candidates, guint, user->next)]))
    user->next++;
  return user->next < user->candidates->len ? &g_array_index (user->candidates, guint, user->next) : NULL;
}

/* Water-filling: the user with the fewest chosen goes next; between equal
 * shares the better next job. */
static void
fill (Plan *p)
{
  for (;;)
    {
      User *best = NULL;
      const guint *best_head = NULL;

      for (guint i = 0; i < p->user_list->len; i++)
        {
          User *user = g_ptr_array_index (p->user_list, i);
          const guint *h = head (p, user);

          if (h == NULL)
            continue;
          if (best == NULL || user->chosen < best->chosen ||
              (user->chosen == best->chosen && compare_candidates (h, best_head, p) < 0))
            {
              best = user;
              best_head = h;
            }
        }
      if (best == NULL)
        return;
      choose (p, *best_head);
      best->next++;
    }
}

/* A background job left out may be next in the round robin of its
 * priority (BITS time slices): when it fits in the place of the
 * lowest-ranked chosen job of that priority, and its user would choose
 * before that job's user (as many chosen or fewer). */
static gboolean
waits_for_turn (Plan *p, guint index, const gint *lowest_of_priority)
{
  const BargedPlanJob *job = &p->jobs[index];
  gint other = is_background (job) ? lowest_of_priority[job->priority] : -1;

  if (other < 0 || !fits_without (p, job, other))
    return FALSE;
  return p->jobs[other].uid == job->uid ||
         user_of (p, job->uid)->chosen <= user_of (p, p->jobs[other].uid)->chosen;
}

void
barged_scheduler_plan (BargedPlanJob *jobs, guint n_jobs, const BargedPlanLimits *limits)
{
  Plan p = { jobs, limits, NULL, 0, 0, NULL, NULL, NULL };
  gint lowest_of_priority[BARGE_JOB_PRIORITY_LOW + 1];

  p.chosen = g_new0 (gboolean, n_jobs);
  p.by_host = g_hash_table_new (g_str_hash, g_str_equal);
  p.users = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) user_free);
  p.user_list = g_ptr_array_new ();

  for (guint i = 0; i < n_jobs; i++)
    {
      User *user;

      if (!jobs[i].running && !jobs[i].startable)
        {
          jobs[i].action = BARGED_PLAN_IDLE;
          continue;
        }
      user = user_of (&p, jobs[i].uid);
      if (user == NULL)
        {
          user = g_new0 (User, 1);
          user->uid = jobs[i].uid;
          user->candidates = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (p.users, GUINT_TO_POINTER (user->uid), user);
          g_ptr_array_add (p.user_list, user);
        }
      g_array_append_val (user->candidates, i);
    }
  for (guint i = 0; i < p.user_list->len; i++)
    g_array_sort_with_data (((User *) g_ptr_array_index (p.user_list, i))->candidates, compare_candidates, &p);

  fill (&p);

  for (guint i = 0; i < G_N_ELEMENTS (lowest_of_priority); i++)
    lowest_of_priority[i] = -1;
  for (guint i = 0; i < n_jobs; i++)
    if (p.chosen[i] && is_background (&jobs[i]))
      lowest_of_priority[jobs[i].priority] = (gint) i;
  for (guint i = 0; i < n_jobs; i++)
    {
      if (!jobs[i].running && !jobs[i].startable)
        continue;
      if (p.chosen[i])
        jobs[i].action = jobs[i].running ? BARGED_PLAN_KEEP : BARGED_PLAN_START;
      else if (jobs[i].running)
        jobs[i].action = BARGED_PLAN_REQUEUE;
      else
        jobs[i].action = waits_for_turn (&p, i, lowest_of_priority) ? BARGED_PLAN_WAIT_TURN : BARGED_PLAN_WAIT;
    }

  g_ptr_array_unref (p.user_list);
  g_hash_table_unref (p.users);
  g_hash_table_unref (p.by_host);
  g_free (p.chosen);
}

char *
barged_scheduler_origin (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL) : NULL;

  return barged_request_origin (uri);
}

static gboolean
takes_hint_order (const BargedPlanHint *h)
{
  return h->queued && h->remaining != BARGE_SIZE_UNKNOWN && h->waited < BARGED_PLAN_HINT_MAX_WAIT;
}

static gint
compare_hinted (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const BargedPlanHint *hints = user_data;
  guint ia = *(const guint *) a, ib = *(const guint *) b;

  if (hints[ia].remaining != hints[ib].remaining)
    return hints[ia].remaining < hints[ib].remaining ? -1 : 1;
  return 0;   /* a stable sort keeps their turn */
}

void
barged_scheduler_plan_order_by_hints (const BargedPlanHint *hints, guint *order, guint n)
{
  g_autofree guint *places = g_new (guint, n);
  g_autofree guint *hinted = g_new (guint, n);

  for (guint start = 0, end; start < n; start = end)
    {
      guint count = 0;

      /* One priority at a time: the turn order groups them. */
      for (end = start; end < n && hints[order[end]].priority == hints[order[start]].priority; end++)
        if (takes_hint_order (&hints[order[end]]))
          {
            places[count] = end;
            hinted[count++] = order[end];
          }
      if (count < 2)
        continue;
      /* A stable sort (since GLib 2.32). */
      g_qsort_with_data (hinted, (gint) count, sizeof (guint), compare_hinted, (gpointer) hints);
      for (guint i = 0; i < count; i++)
        order[places[i]] = hinted[i];
    }
}
