/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargeTestLoopThread"

#include "config.h"

#include <gio/gio.h>

#include "barge-test-loop-thread.h"
#include "barge-tsan.h"

#define READY_TIMEOUT_US (10 * G_USEC_PER_SEC)

struct _BargeTestLoopThread
{
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  BargeTestLoopSetup setup;
  BargeTestLoopTeardown teardown;
  gpointer user_data;

  GMutex lock;              /* guards ready */
  GCond ready_cond;
  gboolean ready;
};

static gpointer
loop_thread (gpointer data)
{
  BargeTestLoopThread *self = data;
  gboolean run;

  /* GLib starts and joins the thread out of ThreadSanitizer's sight. */
  BARGE_TSAN_ACQUIRE (self);
  /* Everything the server makes, its sockets' sources included, must be
   * attached to this thread's context, so push it before SETUP. */
  g_main_context_push_thread_default (self->context);
  run = self->setup (self->user_data);

  g_mutex_lock (&self->lock);
  self->ready = TRUE;
  g_cond_signal (&self->ready_cond);
  g_mutex_unlock (&self->lock);

  if (run)
    g_main_loop_run (self->loop);
  if (self->teardown != NULL)
    self->teardown (self->user_data);
  g_main_context_pop_thread_default (self->context);
  BARGE_TSAN_RELEASE (self);
  return NULL;
}

/* GTestDBus forks its watcher process (which kills the test's bus daemons
 * once the test process is gone) at the first g_test_dbus_up(), without
 * exec, and the watcher ends with exit(): under LeakSanitizer it reported
 * the thread-local data of every thread the test had at the fork as
 * lost (2 KiB, status 0, in each test whose server thread started before
 * its first bus). Every test that runs a server thread also starts a bus
 * (BargeTestDaemon), so the watcher is forked here, before the first
 * server thread exists, with a bus started and stopped at once. */
static void
fork_bus_watcher_first (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);

      g_test_dbus_up (bus);
      g_test_dbus_down (bus);
      g_once_init_leave (&done, 1);
    }
}

BargeTestLoopThread *
barge_test_loop_thread_start (const char *name, BargeTestLoopSetup setup,
                              BargeTestLoopTeardown teardown, gpointer user_data)
{
  BargeTestLoopThread *self = g_new0 (BargeTestLoopThread, 1);
  gint64 deadline = g_get_monotonic_time () + READY_TIMEOUT_US;
  gboolean ready;

  fork_bus_watcher_first ();
  g_mutex_init (&self->lock);
  g_cond_init (&self->ready_cond);
  self->setup = setup;
  self->teardown = teardown;
  self->user_data = user_data;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  BARGE_TSAN_RELEASE (self);
  self->thread = g_thread_new (name, loop_thread, self);

  g_mutex_lock (&self->lock);
  while (!self->ready)
    if (!g_cond_wait_until (&self->ready_cond, &self->lock, deadline))
      break;
  ready = self->ready;
  g_mutex_unlock (&self->lock);
  /* A setup that hangs would leave the test waiting for its own timeout;
   * fail here, where the message says what hung. */
  if (!ready)
    g_error ("%s: not ready within %d s", name, (int) (READY_TIMEOUT_US / G_USEC_PER_SEC));
  return self;
}

static gboolean
quit_loop_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

void
barge_test_loop_thread_stop (BargeTestLoopThread *self)
{
  GSource *quit;

  if (self == NULL)
    return;
  /* A g_main_loop_quit() from here could come before the thread entered
   * g_main_loop_run() and be lost; a source runs only inside the loop. */
  quit = g_idle_source_new ();
  g_source_set_callback (quit, quit_loop_cb, self->loop, NULL);
  g_source_attach (quit, self->context);
  g_source_unref (quit);
  g_thread_join (self->thread);
  BARGE_TSAN_ACQUIRE (self);

  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->ready_cond);
  g_free (self);
}

GMainContext *
barge_test_loop_thread_get_context (BargeTestLoopThread *self)
{
  return self->context;
}

typedef struct {
  GFunc func;
  gpointer data;
  GMutex lock;
  GCond cond;
  gboolean done;
} Run;

static gboolean
run_cb (gpointer user_data)
{
  Run *run = user_data;

  BARGE_TSAN_ACQUIRE (run); /* released before g_main_context_invoke */
  run->func (run->data, NULL);
  BARGE_TSAN_RELEASE (run);
  g_mutex_lock (&run->lock);
  run->done = TRUE;
  g_cond_signal (&run->cond);
  g_mutex_unlock (&run->lock);
  return G_SOURCE_REMOVE;
}

void
barge_test_loop_thread_run (BargeTestLoopThread *self, GFunc func, gpointer data)
{
  Run run = { func, data };

  g_mutex_init (&run.lock);
  g_cond_init (&run.cond);
  BARGE_TSAN_RELEASE (&run);
  g_main_context_invoke (self->context, run_cb, &run);
  g_mutex_lock (&run.lock);
  while (!run.done)
    g_cond_wait (&run.cond, &run.lock);
  g_mutex_unlock (&run.lock);
  BARGE_TSAN_ACQUIRE (&run);
  g_mutex_clear (&run.lock);
  g_cond_clear (&run.cond);
}
