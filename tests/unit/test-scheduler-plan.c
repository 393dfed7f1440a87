/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The scheduler's decisions (barged-scheduler-plan.c) without a bus: caps
 * on running jobs per machine, user and host, fair shares between users,
 * BITS priorities within one user and for the background slots. */
#include "config.h"

#include "barged-scheduler-plan.h"

#define FG BARGE_JOB_PRIORITY_FOREGROUND
#define HIGH BARGE_JOB_PRIORITY_HIGH
#define NORMAL BARGE_JOB_PRIORITY_NORMAL
#define LOW BARGE_JOB_PRIORITY_LOW

#define KEEP BARGED_PLAN_KEEP
#define START BARGED_PLAN_START
#define REQUEUE BARGED_PLAN_REQUEUE
#define WAIT BARGED_PLAN_WAIT
#define TURN BARGED_PLAN_WAIT_TURN

/* The daemon's defaults, with room to spare unless a test says otherwise. */
static BargedPlanLimits
limits (guint machine, guint user, guint host, guint background)
{
  BargedPlanLimits l = { machine, user, host, background };
  return l;
}

static BargedPlanJob
running (guint32 uid, const char *host, BargeJobPriority priority)
{
  BargedPlanJob job = { uid, host, priority, TRUE, 0, FALSE, BARGED_PLAN_IDLE };
  return job;
}

static BargedPlanJob
queued (guint32 uid, const char *host, BargeJobPriority priority)
{
  BargedPlanJob job = { uid, host, priority, FALSE, 0, TRUE, BARGED_PLAN_IDLE };
  return job;
}

static guint
count (const BargedPlanJob *jobs, guint n, guint32 uid, BargedPlanAction a, BargedPlanAction b)
{
  guint c = 0;

  for (guint i = 0; i < n; i++)
    if (jobs[i].uid == uid && (jobs[i].action == a || jobs[i].action == b))
      c++;
  return c;
}

/* Jobs that hold a slot after the round. */
static guint
holding (const BargedPlanJob *jobs, guint n, guint32 uid)
{
  return count (jobs, n, uid, KEEP, START);
}

/* One user below every cap: as before the caps, every foreground job at
 * once, one background job, the others wait their turn. */
static void
test_single_user_below_caps (void)
{
  BargedPlanJob jobs[] = {
    queued (1000, "http://a:80", FG),
    queued (1000, "http://b:80", FG),
    running (1000, "http://a:80", FG),
    running (1000, "http://c:80", NORMAL),
    queued (1000, "http://c:80", NORMAL),
    queued (1000, NULL, LOW),
  };
  BargedPlanLimits l = limits (24, 12, 6, 1);

  barged_scheduler_plan (jobs, G_N_ELEMENTS (jobs), &l);
  g_assert_cmpint (jobs[0].action, ==, START);
  g_assert_cmpint (jobs[1].action, ==, START);
  g_assert_cmpint (jobs[2].action, ==, KEEP);
  g_assert_cmpint (jobs[3].action, ==, KEEP);
  g_assert_cmpint (jobs[4].action, ==, TURN);
  g_assert_cmpint (jobs[5].action, ==, WAIT);
}

/* BITS: a higher priority takes the background slot, within a user and
 * across users; an equal one waits for its turn. */
static void
test_background_priorities (void)
{
  BargedPlanJob jobs[] = {
    queued (1000, NULL, HIGH),
    running (1001, NULL, NORMAL),
  };
  BargedPlanJob same[] = {
    queued (1000, NULL, HIGH),
    running (1000, NULL, LOW),
  };
  BargedPlanLimits l = limits (24, 12, 6, 1);

  barged_scheduler_plan (jobs, G_N_ELEMENTS (jobs), &l);
  g_assert_cmpint (jobs[0].action, ==, START);
  g_assert_cmpint (jobs[1].action, ==, REQUEUE);
  barged_scheduler_plan (same, G_N_ELEMENTS (same), &l);
  g_assert_cmpint (same[0].action, ==, START);
  g_assert_cmpint (same[1].action, ==, REQUEUE);
}

/* The issue: one user's 72 foreground jobs. They get the user's cap, and
 * another user's job starts at once. */
static void
test_caps_hold_many_foreground_jobs (void)
{
  BargedPlanJob jobs[74];
  char *hosts[12];
  BargedPlanLimits l = limits (24, 12, 6, 1);

  for (guint h = 0; h < G_N_ELEMENTS (hosts); h++)
    hosts[h] = g_strdup_printf ("http://127.0.0.%u:8080", h + 2);
  for (guint i = 0; i < 72; i++)
    jobs[i] = queued (1000, hosts[i % G_N_ELEMENTS (hosts)], FG);
  jobs[72] = queued (1001, "http://127.0.0.1:80", HIGH);
  jobs[73] = queued (1001, "http://127.0.0.1:80", FG);
  barged_scheduler_plan (jobs, G_N_ELEMENTS (jobs), &l);
  g_assert_cmpuint (holding (jobs, G_N_ELEMENTS (jobs), 1000), ==, 12);
  g_assert_cmpuint (count (jobs, G_N_ELEMENTS (jobs), 1000, WAIT, WAIT), ==, 60);
  g_assert_cmpint (jobs[72].action, ==, START);
  g_assert_cmpint (jobs[73].action, ==, START);
  for (guint h = 0; h < G_N_ELEMENTS (hosts); h++)
    g_free (hosts[h]);
}

/* A full machine: the newcomer takes the lowest-ranked job of the user
 * with the most, until the users are within one of each other. */
static void
test_fair_share_of_the_machine (void)
{
  BargedPlanJob jobs[14];
  BargedPlanLimits l = limits (8, 8, 6, 1);
  guint i;

  for (i = 0; i < 8; i++)
    jobs[i] = running (1000, NULL, FG);
  for (; i < 14; i++)
    jobs[i] = queued (1001, NULL, FG);
  barged_scheduler_plan (jobs, G_N_ELEMENTS (jobs), &l);
  g_assert_cmpuint (holding (jobs, G_N_ELEMENTS (jobs), 1000), ==, 4);
  g_assert_cmpuint (holding (jobs, G_N_ELEMENTS (jobs), 1001), ==, 4);
  /* The lowest-ranked of the user with the most go, in rank order the
   * others keep theirs. */
  for (i = 0; i < 4; i++)
    g_assert_cmpint (jobs[i].action, ==, KEEP);
  for (; i < 8; i++)
    g_assert_cmpint (jobs[i].action, ==, REQUEUE);
  for (; i < 12; i++)
    g_assert_cmpint (jobs[i].action, ==, START);
  for (; i < 14; i++)
    g_assert_cmpint (jobs[i].action, ==, WAIT);
}

/* A high-priority background job of a user with none running takes a
 * foreground job's slot from the user with them all: between users the
 * share counts, not the priority. */
static void
test_fair_share_beats_priority (void)
{
  BargedPlanJob jobs[5];
  BargedPlanLimits l = limits (4, 4, 6, 1);

  for (guint i = 0; i < 4; i++)
    jobs[i] = running (1000, NULL, FG);
  jobs[4] = queued (1001, NULL, HIGH);
  barged_scheduler_plan (jobs, G_N_ELEMENTS (jobs), &l);
  g_assert_cmpint (jobs[4].action, ==, START);
  g_assert_cmpint (jobs[3].action, ==, REQUEUE);
  g_assert_cmpuint (holding (jobs, G_N_ELEMENTS (jobs), 1000), ==, 3);
}

/* Within one of each other, nobody takes anything: no flapping. */
static void
test_no_flapping (void)
{
  BargedPlanJob jobs[] = {
    running (1000, NULL, FG), running (1000, NULL, FG), running (1000, NULL, FG),
    running (1000, NULL, FG), running (1000, NULL, FG),
    running (1001, NULL, FG), running (1001, NULL, FG), running (1001, NULL, FG),
    running (1001, NULL, FG),
    queued (1001, NULL, FG),
  };
  BargedPlanLimits l = limits (9, 9, 6, 1);

  barged_scheduler_plan (jobs, G_N_ELEMENTS (jobs), &l);
  g_assert_cmpint (jobs[9].action, ==, WAIT);
  g_assert_cmpuint (count (jobs, G_N_ELEMENTS (jobs), 1000, KEEP, KEEP), ==, 5);
}

/* A full host: the newcomer on that host takes the slot of the user with
 * the most there, never one on another host. */
static void
test_fair_share_of_a_host (void)
{
  BargedPlanJob jobs[9];
  BargedPlanLimits l = limits (24, 12, 6, 1);
  guint i;

  for (i = 0; i < 6; i++)
    jobs[i] = running (1000, "http://slow:80", FG);
  jobs[6] = running (1000, "http://other:80", FG);   /* ranks lowest of 1000's, not on the host */
  jobs[7] = queued (1000, "http://slow:80", FG);
  jobs[8] = queued (1001, "http://slow:80", NORMAL);
  barged_scheduler_plan (jobs, G_N_ELEMENTS (jobs), &l);
  g_assert_cmpint (jobs[6].action, ==, KEEP);
  g_assert_cmpint (jobs[5].action, ==, REQUEUE);
  g_assert_cmpint (jobs[7].action, ==, WAIT);
  g_assert_cmpint (jobs[8].action, ==, START);
}

/* Within one user at its cap, a higher priority takes the slot of the
 * user's lowest-ranked job; an equal one waits. */
static void
test_priority_within_a_user (void)
{
  BargedPlanJob jobs[] = {
    running (1000, NULL, FG),
    queued (1000, NULL, FG),
    queued (1000, NULL, FG),
    running (1000, NULL, LOW),
  };
  BargedPlanJob equal[] = {
    running (1000, NULL, FG),
    running (1000, NULL, FG),
    queued (1000, NULL, FG),
  };
  BargedPlanLimits l = limits (24, 2, 6, 1);

  barged_scheduler_plan (jobs, G_N_ELEMENTS (jobs), &l);
  g_assert_cmpint (jobs[0].action, ==, KEEP);
  g_assert_cmpint (jobs[1].action, ==, START);
  g_assert_cmpint (jobs[2].action, ==, WAIT);
  g_assert_cmpint (jobs[3].action, ==, REQUEUE);
  barged_scheduler_plan (equal, G_N_ELEMENTS (equal), &l);
  g_assert_cmpint (equal[2].action, ==, WAIT);
}

/* Lower caps (a reload): the user with the most gives back its
 * lowest-ranked jobs first. */
static void
test_lower_caps_trim_the_busiest (void)
{
  BargedPlanJob jobs[8];
  BargedPlanLimits l = limits (4, 12, 6, 1);
  guint i;

  for (i = 0; i < 6; i++)
    jobs[i] = running (1000, NULL, FG);
  jobs[6] = running (1001, NULL, FG);
  jobs[7] = running (1001, NULL, FG);
  barged_scheduler_plan (jobs, G_N_ELEMENTS (jobs), &l);
  g_assert_cmpuint (holding (jobs, G_N_ELEMENTS (jobs), 1000), ==, 2);
  g_assert_cmpuint (holding (jobs, G_N_ELEMENTS (jobs), 1001), ==, 2);
  g_assert_cmpint (jobs[1].action, ==, KEEP);
  g_assert_cmpint (jobs[2].action, ==, REQUEUE);

  /* A job that moved to a full host: the user with the most there. */
  {
    BargedPlanJob moved[] = {
      running (1000, "http://h:80", FG), running (1000, "http://h:80", FG),
      running (1001, "http://h:80", FG),
    };
    BargedPlanLimits two = limits (24, 12, 2, 1);

    barged_scheduler_plan (moved, G_N_ELEMENTS (moved), &two);
    g_assert_cmpint (moved[0].action, ==, KEEP);
    g_assert_cmpint (moved[1].action, ==, REQUEUE);
    g_assert_cmpint (moved[2].action, ==, KEEP);
  }
}

/* Random rounds, each applied to the next as the daemon would (a started
 * job is running since this round): the caps always hold, the second round
 * changes nothing (no job moves back and forth), and then a user kept
 * waiting by the machine cap alone has at most one job fewer than any
 * other. */
static void
test_random_rounds_settle (void)
{
  static const char *const hosts[] = { "http://a:80", "http://b:80", "http://c:80", NULL };
  GRand *rand = g_rand_new_with_seed (g_test_rand_int ());

  for (guint run = 0; run < 2000; run++)
    {
      guint n = (guint) g_rand_int_range (rand, 1, 40);
      g_autofree BargedPlanJob *jobs = g_new0 (BargedPlanJob, n);
      BargedPlanLimits l = limits ((guint) g_rand_int_range (rand, 1, 12), (guint) g_rand_int_range (rand, 1, 8),
                                   (guint) g_rand_int_range (rand, 1, 6), (guint) g_rand_int_range (rand, 1, 4));
      guint rounds = 0;
      gboolean changed = TRUE;

      for (guint i = 0; i < n; i++)
        {
          jobs[i].uid = 1000 + (guint32) g_rand_int_range (rand, 0, 4);
          jobs[i].host = hosts[g_rand_int_range (rand, 0, G_N_ELEMENTS (hosts))];
          jobs[i].priority = (BargeJobPriority) g_rand_int_range (rand, FG, LOW + 1);
          jobs[i].running = g_rand_boolean (rand);
          jobs[i].started = g_rand_int_range (rand, 0, 1000);
          jobs[i].startable = !jobs[i].running && g_rand_int_range (rand, 0, 4) != 0;
        }
      /* Ranks: priority first, as the scheduler sorts them. */
      for (guint i = 1; i < n; i++)
        for (guint j = i; j > 0 && jobs[j - 1].priority > jobs[j].priority; j--)
          {
            BargedPlanJob t = jobs[j];
            jobs[j] = jobs[j - 1];
            jobs[j - 1] = t;
          }

      while (changed)
        {
          guint total = 0, background = 0;

          /* One round of changes, then none. */
          g_assert_cmpuint (++rounds, <=, 2);
          barged_scheduler_plan (jobs, n, &l);
          changed = FALSE;
          for (guint i = 0; i < n; i++)
            {
              if (jobs[i].action == START || jobs[i].action == REQUEUE)
                changed = TRUE;
              if (jobs[i].action == START)
                jobs[i].running = TRUE, jobs[i].startable = FALSE, jobs[i].started = rounds * 1000 + i;
              else if (jobs[i].action == REQUEUE)
                jobs[i].running = FALSE, jobs[i].startable = TRUE;
            }
          for (guint i = 0; i < n; i++)
            if (jobs[i].running)
              {
                guint user = 0, host = 0;

                total++;
                background += jobs[i].priority != FG;
                for (guint j = 0; j < n; j++)
                  if (jobs[j].running)
                    {
                      user += jobs[j].uid == jobs[i].uid;
                      host += jobs[i].host != NULL && g_strcmp0 (jobs[j].host, jobs[i].host) == 0;
                    }
                g_assert_cmpuint (user, <=, l.max_running_per_user);
                g_assert_cmpuint (host, <=, l.max_running_per_host);
              }
          g_assert_cmpuint (total, <=, l.max_running);
          g_assert_cmpuint (background, <=, l.max_background);
        }

      /* Settled: the fair share on the machine. */
      for (guint i = 0; i < n; i++)
        {
          guint mine = 0, host = 0;

          if (jobs[i].action != WAIT && jobs[i].action != TURN)
            continue;
          for (guint j = 0; j < n; j++)
            if (jobs[j].running)
              {
                mine += jobs[j].uid == jobs[i].uid;
                host += jobs[i].host != NULL && g_strcmp0 (jobs[j].host, jobs[i].host) == 0;
              }
          if (mine >= l.max_running_per_user || host >= l.max_running_per_host || jobs[i].priority != FG)
            continue;
          for (guint32 uid = 1000; uid < 1004; uid++)
            g_assert_cmpuint (count (jobs, n, uid, KEEP, KEEP), <=, mine + 1);
        }
    }
  g_rand_free (rand);
}

static void
test_origin (void)
{
  const struct { const char *url; const char *origin; } cases[] = {
    { "http://Example.COM/file", "http://example.com:80" },
    { "http://example.com:80/other?x=1", "http://example.com:80" },
    { "https://example.com/", "https://example.com:443" },
    { "https://127.0.0.2:8443/a", "https://127.0.0.2:8443" },
    { "HTTP://[::1]:81/", "http://::1:81" },
    { "not a url", NULL },
    { NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *origin = barged_scheduler_origin (cases[i].url);

      g_assert_cmpstr (origin, ==, cases[i].origin);
    }
}

/* Size hints order queued hinted jobs among themselves, fewest bytes
 * first, in the places such jobs hold; the rest keep their places, and a
 * hinted job that waited long enough keeps its turn. */
static void
test_order_by_hints (void)
{
  const guint64 none = BARGE_SIZE_UNKNOWN;
  const gint64 young = G_USEC_PER_SEC, old = BARGED_PLAN_HINT_MAX_WAIT;
  const BargedPlanHint hints[] = {
    /* 0 */ { BARGE_JOB_PRIORITY_FOREGROUND, TRUE, 900, young },
    /* 1 */ { BARGE_JOB_PRIORITY_FOREGROUND, TRUE, 100, young },
    /* 2 */ { BARGE_JOB_PRIORITY_NORMAL, FALSE, none, 0 },        /* running */
    /* 3 */ { BARGE_JOB_PRIORITY_NORMAL, TRUE, 5000, young },
    /* 4 */ { BARGE_JOB_PRIORITY_NORMAL, TRUE, none, young },     /* no hint */
    /* 5 */ { BARGE_JOB_PRIORITY_NORMAL, TRUE, 7000, old },       /* waited long */
    /* 6 */ { BARGE_JOB_PRIORITY_NORMAL, TRUE, 10, young },
    /* 7 */ { BARGE_JOB_PRIORITY_NORMAL, TRUE, 5000, young },     /* ties keep their turn */
    /* 8 */ { BARGE_JOB_PRIORITY_LOW, TRUE, 1, young },           /* never before a normal one */
  };
  guint order[G_N_ELEMENTS (hints)];
  const guint expected[] = { 1, 0, 2, 6, 4, 5, 3, 7, 8 };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    order[i] = i;
  barged_scheduler_plan_order_by_hints (hints, order, G_N_ELEMENTS (order));
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    g_assert_cmpuint (order[i], ==, expected[i]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/scheduler-plan/single-user-below-caps", test_single_user_below_caps);
  g_test_add_func ("/scheduler-plan/background-priorities", test_background_priorities);
  g_test_add_func ("/scheduler-plan/caps-hold-many-foreground-jobs", test_caps_hold_many_foreground_jobs);
  g_test_add_func ("/scheduler-plan/fair-share-of-the-machine", test_fair_share_of_the_machine);
  g_test_add_func ("/scheduler-plan/fair-share-beats-priority", test_fair_share_beats_priority);
  g_test_add_func ("/scheduler-plan/no-flapping", test_no_flapping);
  g_test_add_func ("/scheduler-plan/fair-share-of-a-host", test_fair_share_of_a_host);
  g_test_add_func ("/scheduler-plan/priority-within-a-user", test_priority_within_a_user);
  g_test_add_func ("/scheduler-plan/lower-caps-trim-the-busiest", test_lower_caps_trim_the_busiest);
  g_test_add_func ("/scheduler-plan/random-rounds-settle", test_random_rounds_settle);
  g_test_add_func ("/scheduler-plan/origin", test_origin);
  g_test_add_func ("/scheduler-plan/order-by-hints", test_order_by_hints);
  return g_test_run ();
}
