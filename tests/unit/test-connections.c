/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The daemon's budget of download connections (barged-connections.c)
 * without jobs: the caps per origin and in all, a reload that moves them,
 * an origin's back-off, and the line of waiters (priority, then arrival;
 * a waiter that leaves, one taken out, callbacks that change the line
 * while it is being woken). Every main loop here is bounded. */
#include "config.h"

#include <string.h>

#include "barged-connections.h"

#define FG BARGE_JOB_PRIORITY_FOREGROUND
#define HIGH BARGE_JOB_PRIORITY_HIGH
#define NORMAL BARGE_JOB_PRIORITY_NORMAL
#define LOW BARGE_JOB_PRIORITY_LOW

#define TIMEOUT_MS 5000

typedef struct _Fixture Fixture;

/* A waiter: its key is the Waiter itself. */
typedef struct {
  Fixture *f;
  const char *name;
  const char *origin;         /* what it tries to take */
  BargeJobPriority priority;
  gboolean take;              /* FALSE: only answers with @answer */
  gboolean answer;            /* without @take: what the callback returns */
  guint calls;
  gboolean taken;
  gint64 taken_at;            /* monotonic µs */
  /* Done inside the callback, once. */
  gpointer stop_other;        /* barged_connections_stop_waiting on it */
  gboolean wait_again;        /* barged_connections_wait on itself */
  gpointer wait_other;        /* barged_connections_wait on that Waiter */
} Waiter;

struct _Fixture {
  BargedSettings settings;
  BargedConfig *config;
  BargedConnections *connections;
  GString *calls;             /* names of the waiters called, in order */
  GString *takers;            /* names of the waiters that took, in order */
};

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  barged_settings_init_defaults (&f->settings);
  f->settings.max_connections = 4;
  f->settings.max_connections_per_host = 2;
  f->config = barged_config_new (&f->settings);
  f->connections = barged_connections_new (f->config);
  f->calls = g_string_new (NULL);
  f->takers = g_string_new (NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->connections);
  g_clear_object (&f->config);
  g_string_free (f->calls, TRUE);
  g_string_free (f->takers, TRUE);
  /* Nothing of the object may still be due on the main context. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
reload (Fixture *f, guint max_connections, guint max_per_host)
{
  f->settings.max_connections = max_connections;
  f->settings.max_connections_per_host = max_per_host;
  barged_config_set_settings (f->config, &f->settings);
}

static gboolean
timed_out_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default main context until CONDITION holds or TIMEOUT_MS
 * passed; returns CONDITION. */
static gboolean
run_until (gboolean (*condition) (gpointer), gpointer user_data, guint timeout_ms)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add (timeout_ms, timed_out_cb, &timed_out);

  while (!condition (user_data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (source);
  return condition (user_data);
}

/* Iterates the main context for MS milliseconds. */
static void
run_for (guint ms)
{
  gboolean timed_out = FALSE;

  g_timeout_add (ms, timed_out_cb, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
waiter_cb (gpointer key)
{
  Waiter *w = key;
  Fixture *f = w->f;
  gpointer other;

  w->calls++;
  g_string_append (f->calls, w->name);
  if ((other = g_steal_pointer (&w->stop_other)) != NULL)
    barged_connections_stop_waiting (f->connections, other);
  if ((other = g_steal_pointer (&w->wait_other)) != NULL)
    barged_connections_wait (f->connections, other, ((Waiter *) other)->origin, ((Waiter *) other)->priority,
                             waiter_cb);
  if (w->wait_again)
    {
      w->wait_again = FALSE;
      barged_connections_wait (f->connections, w, w->origin, w->priority, waiter_cb);
    }
  if (!w->take)
    return w->answer;
  if (barged_connections_take (f->connections, w->origin, w->priority))
    {
      w->taken = TRUE;
      w->taken_at = g_get_monotonic_time ();
      g_string_append (f->takers, w->name);
      return FALSE;
    }
  return TRUE;
}

static Waiter *
waiter_new (Fixture *f, const char *name, const char *origin, BargeJobPriority priority)
{
  Waiter *w = g_new0 (Waiter, 1);

  w->f = f;
  w->name = name;
  w->origin = origin;
  w->priority = priority;
  w->take = TRUE;
  return w;
}

static void
wait_for (Fixture *f, Waiter *w)
{
  barged_connections_wait (f->connections, w, w->origin, w->priority, waiter_cb);
}

static gboolean
is_taken (gpointer user_data)
{
  return ((Waiter *) user_data)->taken;
}

typedef struct {
  Fixture *f;
  gsize len;
} TakersWait;

static gboolean
takers_reach (gpointer user_data)
{
  TakersWait *t = user_data;

  return t->f->takers->len >= t->len;
}

static gboolean
called (gpointer user_data)
{
  return ((Waiter *) user_data)->calls > 0;
}

typedef struct {
  Fixture *f;
  gsize len;
} CallsWait;

static gboolean
calls_reach (gpointer user_data)
{
  CallsWait *c = user_data;

  return c->f->calls->len >= c->len;
}

static void
release_all (Fixture *f, const char *origin)
{
  while (barged_connections_get_in_use (f->connections, origin) > 0)
    barged_connections_release (f->connections, origin);
}

static void
take_ok (Fixture *f, const char *origin, BargeJobPriority priority)
{
  g_assert_true (barged_connections_take (f->connections, origin, priority));
}

static void
take_fails (Fixture *f, const char *origin, BargeJobPriority priority)
{
  g_assert_false (barged_connections_take (f->connections, origin, priority));
}

/* --- caps ---------------------------------------------------------------- */

static void
test_caps (Fixture *f, gconstpointer data)
{
  /* Per origin: 2. */
  take_ok (f, "http://a:80", NORMAL);
  take_ok (f, "http://a:80", NORMAL);
  take_fails (f, "http://a:80", NORMAL);
  take_fails (f, "http://a:80", FG);
  g_assert_cmpuint (barged_connections_get_in_use (f->connections, "http://a:80"), ==, 2);
  /* Another origin has its own two; in all, 4. */
  take_ok (f, "http://b:80", NORMAL);
  take_ok (f, "http://b:80", LOW);
  g_assert_cmpuint (barged_connections_get_in_use (f->connections, NULL), ==, 4);
  take_fails (f, "http://c:80", FG);
  g_assert_cmpuint (barged_connections_get_in_use (f->connections, "http://c:80"), ==, 0);

  /* A release frees a connection in all and for its origin. */
  barged_connections_release (f->connections, "http://a:80");
  g_assert_cmpuint (barged_connections_get_in_use (f->connections, NULL), ==, 3);
  g_assert_cmpuint (barged_connections_get_in_use (f->connections, "http://a:80"), ==, 1);
  take_fails (f, "http://b:80", NORMAL);
  take_ok (f, "http://c:80", NORMAL);
  take_fails (f, "http://a:80", NORMAL);
  barged_connections_release (f->connections, "http://b:80");
  take_ok (f, "http://a:80", NORMAL);

  /* No origin (a URL without a host) is one origin of its own. */
  barged_connections_release (f->connections, "http://a:80");
  take_ok (f, NULL, NORMAL);
  g_assert_cmpuint (barged_connections_get_in_use (f->connections, ""), ==, 1);
  barged_connections_release (f->connections, NULL);

  barged_connections_release (f->connections, "http://a:80");
  barged_connections_release (f->connections, "http://b:80");
  barged_connections_release (f->connections, "http://c:80");
  g_assert_cmpuint (barged_connections_get_in_use (f->connections, NULL), ==, 0);
  g_assert_cmpuint (barged_connections_get_in_use (f->connections, "http://a:80"), ==, 0);
  /* All back: the caps are whole again. */
  for (guint i = 0; i < 2; i++)
    {
      take_ok (f, "http://a:80", LOW);
      take_ok (f, "http://b:80", LOW);
    }
  take_fails (f, "http://c:80", LOW);
}

/* --- reload -------------------------------------------------------------- */

static void
test_reload (Fixture *f, gconstpointer data)
{
  g_autofree Waiter *w = waiter_new (f, "w", "http://a:80", NORMAL);

  take_ok (f, "http://a:80", NORMAL);
  take_ok (f, "http://a:80", NORMAL);
  take_fails (f, "http://a:80", NORMAL);
  /* A waiter at the per-origin cap... */
  wait_for (f, w);
  run_for (50);
  g_assert_false (w->taken);
  /* ...takes as soon as a reload raises the cap, nothing released. */
  reload (f, 4, 3);
  g_assert_true (run_until (is_taken, w, TIMEOUT_MS));
  g_assert_cmpuint (barged_connections_get_in_use (f->connections, "http://a:80"), ==, 3);

  /* A lower cap takes nothing away; it counts as connections end. */
  reload (f, 4, 1);
  g_assert_cmpuint (barged_connections_get_in_use (f->connections, "http://a:80"), ==, 3);
  take_fails (f, "http://a:80", NORMAL);
  barged_connections_release (f->connections, "http://a:80");
  take_fails (f, "http://a:80", NORMAL);
  barged_connections_release (f->connections, "http://a:80");
  take_fails (f, "http://a:80", NORMAL);
  barged_connections_release (f->connections, "http://a:80");
  take_ok (f, "http://a:80", NORMAL);

  /* The cap in all, lowered under what is in use, then raised. */
  take_ok (f, "http://b:80", NORMAL);
  reload (f, 1, 2);
  take_fails (f, "http://c:80", FG);
  barged_connections_release (f->connections, "http://b:80");
  take_fails (f, "http://c:80", FG);
  reload (f, 3, 2);
  take_ok (f, "http://c:80", NORMAL);
  take_ok (f, "http://c:80", NORMAL);
  take_fails (f, "http://d:80", NORMAL);
  g_assert_cmpuint (barged_connections_get_in_use (f->connections, NULL), ==, 3);
  barged_connections_release (f->connections, "http://a:80");
  barged_connections_release (f->connections, "http://c:80");
  barged_connections_release (f->connections, "http://c:80");
}

/* --- back-off ------------------------------------------------------------ */

static void
test_back_off (Fixture *f, gconstpointer data)
{
  g_autofree Waiter *w = waiter_new (f, "w", "http://a:80", NORMAL);
  gint64 start = g_get_monotonic_time ();
  double waited;

  barged_connections_back_off (f->connections, "http://a:80", 1);
  take_fails (f, "http://a:80", FG);
  /* Only that origin rests. */
  take_ok (f, "http://b:80", NORMAL);
  barged_connections_release (f->connections, "http://b:80");

  wait_for (f, w);
  g_assert_true (run_until (is_taken, w, TIMEOUT_MS));
  waited = (w->taken_at - start) / (double) G_USEC_PER_SEC;
  g_test_message ("the waiter took after %.3f s (back-off of 1 s), called %u times", waited, w->calls);
  /* Not before the hold ends (the timer is in ms, rounded up), not much
   * after. */
  g_assert_cmpfloat (waited, >=, 0.99);
  g_assert_cmpfloat (waited, <, 3.0);
  /* Called when the hold began and when it ended (once more if the timer
   * came a hair early), not polled meanwhile. */
  g_assert_cmpuint (w->calls, <=, 4);
  barged_connections_release (f->connections, "http://a:80");

  /* A shorter back-off does not cut a longer one short. */
  start = g_get_monotonic_time ();
  w->taken = FALSE;
  w->calls = 0;
  barged_connections_back_off (f->connections, "http://a:80", 2);
  barged_connections_back_off (f->connections, "http://a:80", 1);
  take_fails (f, "http://a:80", NORMAL);
  wait_for (f, w);
  g_assert_true (run_until (is_taken, w, TIMEOUT_MS));
  waited = (w->taken_at - start) / (double) G_USEC_PER_SEC;
  g_test_message ("the waiter took after %.3f s (back-offs of 2 s and 1 s)", waited);
  g_assert_cmpfloat (waited, >=, 1.99);
  g_assert_cmpfloat (waited, <, 4.0);
  barged_connections_release (f->connections, "http://a:80");
  g_assert_cmpuint (barged_connections_get_in_use (f->connections, NULL), ==, 0);
}

/* Freed with a hold and waiters pending: nothing fires afterwards. */
static void
test_free_while_busy (Fixture *f, gconstpointer data)
{
  g_autofree Waiter *w = waiter_new (f, "w", "http://a:80", NORMAL);

  barged_connections_back_off (f->connections, "http://a:80", 1);
  take_ok (f, "http://b:80", NORMAL);
  wait_for (f, w);
  barged_connections_release (f->connections, "http://b:80");
  g_clear_object (&f->connections);
  run_for (1300);
  g_assert_cmpuint (w->calls, ==, 0);
}

/* --- the line ------------------------------------------------------------ */

/* Fills the cap in all (4) on four origins. */
static void
fill_all (Fixture *f)
{
  take_ok (f, "http://x1:80", LOW);
  take_ok (f, "http://x2:80", LOW);
  take_ok (f, "http://x3:80", LOW);
  take_ok (f, "http://x4:80", LOW);
}

static void
test_priority_order (Fixture *f, gconstpointer data)
{
  Waiter *w[] = {
    waiter_new (f, "a", "http://a:80", LOW),
    waiter_new (f, "b", "http://a:80", NORMAL),
    waiter_new (f, "c", "http://a:80", FG),
    waiter_new (f, "d", "http://b:80", NORMAL),
    waiter_new (f, "e", "http://b:80", FG),
    waiter_new (f, "f", "http://c:80", HIGH),
  };
  const char *origins[] = { "http://x1:80", "http://x2:80", "http://x3:80", "http://x4:80" };

  fill_all (f);
  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    wait_for (f, w[i]);
  /* Put in line twice: keeps its first place. */
  wait_for (f, w[0]);

  /* One connection frees at a time: it goes to the first in line. */
  for (guint i = 0; i < 4; i++)
    {
      TakersWait t = { f, i + 1 };

      barged_connections_release (f->connections, origins[i]);
      g_assert_true (run_until (takers_reach, &t, TIMEOUT_MS));
      run_for (20);
      g_assert_cmpuint (f->takers->len, ==, i + 1);
    }
  g_assert_cmpstr (f->takers->str, ==, "cefb");
  /* Everybody in line was called each turn, in line order: the first turn
   * all six (c took), then e f b d a, then f b d a, then b d a. */
  g_assert_cmpstr (f->calls->str, ==, "cefbda" "efbda" "fbda" "bda");

  /* Two free at once: the two left take in line order, whatever the
   * origin. */
  barged_connections_release (f->connections, "http://a:80");
  barged_connections_release (f->connections, "http://b:80");
  {
    TakersWait t = { f, 6 };
    g_assert_true (run_until (takers_reach, &t, TIMEOUT_MS));
  }
  g_assert_cmpstr (f->takers->str, ==, "cefbda");
  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    {
      release_all (f, w[i]->origin);
      g_free (w[i]);
    }
  g_assert_cmpuint (barged_connections_get_in_use (f->connections, NULL), ==, 0);
}

/* Within one priority, the first to arrive takes first, whatever the
 * order of the keys in memory or of their origins. */
static void
test_arrival_order (Fixture *f, gconstpointer data)
{
  Waiter *w[5];
  const char *names[] = { "1", "2", "3", "4", "5" };

  fill_all (f);
  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    {
      w[i] = waiter_new (f, names[i], i % 2 ? "http://a:80" : "http://b:80", HIGH);
      wait_for (f, w[i]);
    }
  for (guint i = 0; i < 4; i++)
    {
      TakersWait t = { f, i + 1 };
      g_autofree char *x = g_strdup_printf ("http://x%u:80", i + 1);

      barged_connections_release (f->connections, x);
      g_assert_true (run_until (takers_reach, &t, TIMEOUT_MS));
    }
  g_assert_cmpstr (f->takers->str, ==, "1234");
  barged_connections_stop_waiting (f->connections, w[4]);
  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    {
      if (w[i]->taken)
        barged_connections_release (f->connections, w[i]->origin);
      g_free (w[i]);
    }
}

/* A foreground waiter keeps every lower priority from taking, even on
 * an origin it does not wait for; one of its own priority still takes. */
static void
test_background_waits_for_foreground (Fixture *f, gconstpointer data)
{
  g_autofree Waiter *fg = waiter_new (f, "F", "http://a:80", FG);
  g_autofree Waiter *bg = waiter_new (f, "B", "http://b:80", LOW);

  take_ok (f, "http://a:80", LOW);
  take_ok (f, "http://a:80", LOW);
  wait_for (f, fg);
  run_for (20);
  g_assert_false (fg->taken);
  /* Room in all and on b, but a foreground job waits. */
  take_fails (f, "http://b:80", HIGH);
  take_fails (f, "http://b:80", LOW);
  take_ok (f, "http://b:80", FG);
  barged_connections_release (f->connections, "http://b:80");
  /* A background waiter stays in line behind it, called or not. */
  wait_for (f, bg);
  run_for (50);
  g_assert_false (bg->taken);

  /* The foreground waiter takes the first connection of a... */
  barged_connections_release (f->connections, "http://a:80");
  g_assert_true (run_until (is_taken, fg, TIMEOUT_MS));
  /* ...and with nobody of a higher priority in line, the background one
   * takes on b (in the same turn). */
  g_assert_true (run_until (is_taken, bg, TIMEOUT_MS));
  g_assert_cmpstr (f->takers->str, ==, "FB");

  /* A foreground waiter that leaves the line unblocks at once. */
  fg->taken = FALSE;
  wait_for (f, fg);
  take_fails (f, "http://c:80", NORMAL);
  barged_connections_stop_waiting (f->connections, fg);
  take_ok (f, "http://c:80", NORMAL);

  barged_connections_release (f->connections, "http://a:80");
  barged_connections_release (f->connections, "http://a:80");
  barged_connections_release (f->connections, "http://b:80");
  barged_connections_release (f->connections, "http://c:80");
  g_assert_cmpuint (barged_connections_get_in_use (f->connections, NULL), ==, 0);
}

/* A foreground waiter that waits out its origin's back-off does not hold
 * the lower priorities: before, a server's "Retry-After: 3600" to one
 * foreground job stopped every other job on every host for the hour.
 * Once the back-off ends it counts again. */
static void
test_held_waiter_does_not_block (Fixture *f, gconstpointer data)
{
  g_autofree Waiter *fg = waiter_new (f, "F", "http://a:80", FG);

  barged_connections_back_off (f->connections, "http://a:80", 1);
  wait_for (f, fg);
  run_for (20);
  g_assert_false (fg->taken);
  take_ok (f, "http://b:80", LOW);
  take_ok (f, "http://b:80", NORMAL);
  barged_connections_release (f->connections, "http://b:80");
  barged_connections_release (f->connections, "http://b:80");
  /* The back-off over, it takes, and is served first again. */
  g_assert_true (run_until (is_taken, fg, TIMEOUT_MS));
  fg->taken = FALSE;
  /* a at its cap of 2: a waiter for it holds the lower priorities. */
  take_ok (f, "http://a:80", FG);
  wait_for (f, fg);
  take_fails (f, "http://b:80", LOW);
  barged_connections_stop_waiting (f->connections, fg);
  release_all (f, "http://a:80");
  g_assert_cmpuint (barged_connections_get_in_use (f->connections, NULL), ==, 0);
}

/* A waiter that answers FALSE leaves the line; one that answers TRUE is
 * called again at the next turn, once per turn. */
static void
test_waiter_leaves (Fixture *f, gconstpointer data)
{
  g_autofree Waiter *gone = waiter_new (f, "g", NULL, FG);
  g_autofree Waiter *stays = waiter_new (f, "s", NULL, NORMAL);
  g_autofree Waiter *low = waiter_new (f, "l", "http://b:80", LOW);

  gone->take = FALSE, gone->answer = FALSE;
  stays->take = FALSE, stays->answer = TRUE;
  take_ok (f, "http://a:80", LOW);
  wait_for (f, gone);
  wait_for (f, stays);
  barged_connections_release (f->connections, "http://a:80");
  g_assert_true (run_until (called, stays, TIMEOUT_MS));
  run_for (20);
  g_assert_cmpuint (gone->calls, ==, 1);
  g_assert_cmpuint (stays->calls, ==, 1);

  /* The foreground one no longer blocks; the normal one still does. */
  take_ok (f, "http://a:80", NORMAL);
  take_fails (f, "http://b:80", LOW);
  barged_connections_release (f->connections, "http://a:80");
  run_for (50);
  g_assert_cmpuint (gone->calls, ==, 1);
  g_assert_cmpuint (stays->calls, ==, 2);

  /* Once it says it no longer waits, nothing of lower priority is held
   * back. */
  stays->answer = FALSE;
  wait_for (f, low);
  take_ok (f, "http://a:80", NORMAL);
  barged_connections_release (f->connections, "http://a:80");
  g_assert_true (run_until (is_taken, low, TIMEOUT_MS));
  g_assert_cmpuint (stays->calls, ==, 3);
  g_assert_cmpstr (f->calls->str, ==, "gs" "s" "sl");
  run_for (50);
  g_assert_cmpuint (stays->calls, ==, 3);
  barged_connections_release (f->connections, "http://b:80");
  run_for (20);
  g_assert_cmpuint (stays->calls, ==, 3);
  g_assert_cmpuint (low->calls, ==, 1);
}

static void
test_stop_waiting (Fixture *f, gconstpointer data)
{
  g_autofree Waiter *a = waiter_new (f, "a", "http://a:80", NORMAL);
  g_autofree Waiter *b = waiter_new (f, "b", "http://a:80", NORMAL);
  int unknown;

  fill_all (f);
  wait_for (f, a);
  wait_for (f, b);
  barged_connections_stop_waiting (f->connections, a);
  /* Twice, and a key never in line: nothing happens. */
  barged_connections_stop_waiting (f->connections, a);
  barged_connections_stop_waiting (f->connections, &unknown);
  barged_connections_release (f->connections, "http://x1:80");
  g_assert_true (run_until (is_taken, b, TIMEOUT_MS));
  run_for (20);
  g_assert_cmpuint (a->calls, ==, 0);
  g_assert_cmpstr (f->calls->str, ==, "b");

  /* Out of line, a foreground key no longer holds others back. (Nobody
   * waits: this release calls nobody.) */
  barged_connections_release (f->connections, "http://x2:80");
  a->priority = FG;
  wait_for (f, a);
  take_fails (f, "http://x1:80", NORMAL);
  barged_connections_stop_waiting (f->connections, a);
  take_ok (f, "http://x1:80", NORMAL);
  run_for (20);
  g_assert_cmpuint (a->calls, ==, 0);

  /* Back in line after leaving: at the end of its priority. */
  a->priority = NORMAL;
  b->taken = FALSE;
  wait_for (f, a);
  wait_for (f, b);
  barged_connections_stop_waiting (f->connections, a);
  wait_for (f, a);
  barged_connections_release (f->connections, "http://x1:80");
  g_assert_true (run_until (is_taken, b, TIMEOUT_MS));
  g_assert_cmpstr (f->takers->str, ==, "bb");
  barged_connections_stop_waiting (f->connections, a);
  barged_connections_release (f->connections, "http://a:80");
  barged_connections_release (f->connections, "http://a:80");
  barged_connections_release (f->connections, "http://x3:80");
  barged_connections_release (f->connections, "http://x4:80");
  g_assert_cmpuint (barged_connections_get_in_use (f->connections, NULL), ==, 0);
}

/* Callbacks that change the line while it is woken: one takes a waiter
 * behind it out (a job's error stops its siblings), one puts itself in line
 * again (fill_runs does), one puts a new key in line. Run under ASan, this
 * is where a freed waiter would be touched. */
static void
test_reentrant (Fixture *f, gconstpointer data)
{
  g_autofree Waiter *a = waiter_new (f, "a", NULL, HIGH);
  g_autofree Waiter *b = waiter_new (f, "b", NULL, HIGH);
  g_autofree Waiter *c = waiter_new (f, "c", NULL, NORMAL);
  g_autofree Waiter *d = waiter_new (f, "d", NULL, NORMAL);
  g_autofree Waiter *e = waiter_new (f, "e", NULL, LOW);
  g_autofree Waiter *n = waiter_new (f, "n", NULL, FG);

  for (Waiter **w = (Waiter *[]) { a, b, c, d, e, NULL }; *w != NULL; w++)
    (*w)->take = FALSE, (*w)->answer = TRUE;
  a->stop_other = c;          /* behind it: never called */
  b->stop_other = a;          /* called already this turn */
  b->wait_again = TRUE;       /* while it is being called */
  d->wait_again = TRUE;
  d->stop_other = d;          /* itself, while called: no effect */
  e->wait_other = n;          /* a new key, foreground: called this turn */
  n->take = FALSE, n->answer = FALSE;
  for (Waiter **w = (Waiter *[]) { a, b, c, d, e, NULL }; *w != NULL; w++)
    wait_for (f, *w);

  take_ok (f, "http://a:80", FG);
  barged_connections_release (f->connections, "http://a:80");
  g_assert_true (run_until (called, n, TIMEOUT_MS));
  run_for (20);
  g_assert_cmpstr (f->calls->str, ==, "abden");

  /* The next turn: a and c are out, n left; b, d, e each once. */
  take_ok (f, "http://a:80", FG);
  barged_connections_release (f->connections, "http://a:80");
  {
    CallsWait turn = { f, strlen ("abden" "bde") };
    g_assert_true (run_until (calls_reach, &turn, TIMEOUT_MS));
  }
  run_for (50);
  g_assert_cmpstr (f->calls->str, ==, "abden" "bde");
  g_assert_cmpuint (a->calls, ==, 1);
  g_assert_cmpuint (c->calls, ==, 0);
  g_assert_cmpuint (n->calls, ==, 1);

  /* Everything out: a release calls nobody. */
  barged_connections_stop_waiting (f->connections, b);
  barged_connections_stop_waiting (f->connections, d);
  barged_connections_stop_waiting (f->connections, e);
  take_ok (f, "http://a:80", FG);
  barged_connections_release (f->connections, "http://a:80");
  run_for (50);
  g_assert_cmpstr (f->calls->str, ==, "abden" "bde");
}

/* A callback takes out everybody behind it, then the whole line is
 * freed with the object from inside a turn's aftermath. */
static void
test_stop_all_from_callback (Fixture *f, gconstpointer data)
{
  Waiter *w[4];

  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    {
      w[i] = waiter_new (f, (const char *[]) { "0", "1", "2", "3" }[i], NULL, NORMAL);
      w[i]->take = FALSE, w[i]->answer = TRUE;
    }
  /* 0 takes 1 out, 1 would take 2 out: 2 and 3 still run. */
  w[0]->stop_other = w[1];
  w[1]->stop_other = w[2];
  w[2]->stop_other = w[3];
  w[3]->stop_other = w[0];
  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    wait_for (f, w[i]);
  take_ok (f, "http://a:80", FG);
  barged_connections_release (f->connections, "http://a:80");
  g_assert_true (run_until (called, w[2], TIMEOUT_MS));
  run_for (20);
  /* 0 takes 1 out before 1 is called, 2 takes 3 out likewise: 1 and 3
   * are never called, so 0 stays in line. */
  g_assert_cmpstr (f->calls->str, ==, "02");
  /* Freed with waiters left in line. */
  g_clear_object (&f->connections);
  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    g_free (w[i]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ((path), Fixture, NULL, fixture_setup, (func), fixture_teardown)
  ADD ("/connections/caps", test_caps);
  ADD ("/connections/reload", test_reload);
  ADD ("/connections/back-off", test_back_off);
  ADD ("/connections/free-while-busy", test_free_while_busy);
  ADD ("/connections/priority-order", test_priority_order);
  ADD ("/connections/arrival-order", test_arrival_order);
  ADD ("/connections/held-waiter-does-not-block", test_held_waiter_does_not_block);
  ADD ("/connections/background-waits-for-foreground", test_background_waits_for_foreground);
  ADD ("/connections/waiter-leaves", test_waiter_leaves);
  ADD ("/connections/stop-waiting", test_stop_waiting);
  ADD ("/connections/reentrant", test_reentrant);
  ADD ("/connections/stop-all-from-callback", test_stop_all_from_callback);
#undef ADD
  return g_test_run ();
}
