/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* ThreadSanitizer and the synchronisation GLib hides from it.
 *
 * Debian's GLib is not built with -fsanitize=thread: GMutex and GCond are
 * raw futexes, and the queues behind GThreadPool, GTask and GMainContext
 * are made of them. ThreadSanitizer sees none of the happens-before edges
 * they make, so every piece of data our code hands to another thread
 * through GLib looks like a race. Under the tsan build (-Db_sanitize=thread)
 * this header tells it about ours (in barged, libbarge and the test
 * fixtures), and nothing else; in every other build its macros do nothing.
 * docs/security.md ("ThreadSanitizer") has the setup.
 *
 * - A file that includes it has its g_mutex_lock/unlock/trylock and
 *   g_cond_wait/wait_until (and G_LOCK, made of them) annotated: a lock
 *   acquires the mutex's address, an unlock releases it.
 * - A hand-off through a queue: BARGE_TSAN_RELEASE (x) on the sending side
 *   just before the push (g_thread_pool_push, g_task_run_in_thread,
 *   g_main_context_invoke, a source attached to another thread's context),
 *   BARGE_TSAN_ACQUIRE (x) on the receiving side before it reads, with the
 *   same x (the item, the task).
 * - A GTaskThreadFunc starts with BARGE_TSAN_TASK_THREAD (task): it
 *   acquires the task (released before g_task_run_in_thread) and releases
 *   it on every way out of the function. GTask calls the callback of a
 *   threaded task only after the function returned, and the callback (or
 *   the _finish function) acquires the task before it reads the result.
 * - GTask's last reference goes on whichever thread drops it last, the
 *   worker's or the callback's, so the task data's destroy notify may run
 *   on the worker after the callback read the data. A callback that reads
 *   the task data starts with BARGE_TSAN_TASK_CALLBACK (res), which
 *   acquires the task and releases the data on every way out; the destroy
 *   notify starts with BARGE_TSAN_ACQUIRE (data).
 *
 * Include it after the GLib headers: from here on, the g_mutex and g_cond
 * names above are its macros. */

#include <gio/gio.h>

/* GCC defines __SANITIZE_THREAD__ under -fsanitize=thread; clang says so
 * through __has_feature. */
#if defined(__SANITIZE_THREAD__)
#define BARGE_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define BARGE_TSAN 1
#endif
#endif

#ifdef BARGE_TSAN

#include <sanitizer/tsan_interface.h>

#define BARGE_TSAN_RELEASE(x) __tsan_release ((void *) (x))
#define BARGE_TSAN_ACQUIRE(x) __tsan_acquire ((void *) (x))

static inline gpointer
barge_tsan_acquire_ (gpointer x)
{
  __tsan_acquire (x);
  return x;
}

static inline void
barge_tsan_release_at_exit_ (gpointer *x)
{
  __tsan_release (*x);
}

#define BARGE_TSAN_TASK_THREAD(task) \
  G_GNUC_UNUSED __attribute__ ((cleanup (barge_tsan_release_at_exit_))) \
  gpointer barge_tsan_task_ = barge_tsan_acquire_ (task)

static inline void
barge_tsan_release_task_data_at_exit_ (gpointer *res)
{
  gpointer data = g_task_get_task_data (G_TASK (*res));

  if (data != NULL)
    __tsan_release (data);
}

#define BARGE_TSAN_TASK_CALLBACK(res) \
  G_GNUC_UNUSED __attribute__ ((cleanup (barge_tsan_release_task_data_at_exit_))) \
  gpointer barge_tsan_res_ = barge_tsan_acquire_ (res)

static inline void
barge_tsan_mutex_lock_ (GMutex *mutex)
{
  g_mutex_lock (mutex);
  __tsan_acquire (mutex);
}

static inline gboolean
barge_tsan_mutex_trylock_ (GMutex *mutex)
{
  if (!g_mutex_trylock (mutex))
    return FALSE;
  __tsan_acquire (mutex);
  return TRUE;
}

static inline void
barge_tsan_mutex_unlock_ (GMutex *mutex)
{
  __tsan_release (mutex);
  g_mutex_unlock (mutex);
}

/* The wait unlocks the mutex and locks it again before it returns. */
static inline void
barge_tsan_cond_wait_ (GCond *cond, GMutex *mutex)
{
  __tsan_release (mutex);
  g_cond_wait (cond, mutex);
  __tsan_acquire (mutex);
}

static inline gboolean
barge_tsan_cond_wait_until_ (GCond *cond, GMutex *mutex, gint64 end_time)
{
  gboolean signalled;

  __tsan_release (mutex);
  signalled = g_cond_wait_until (cond, mutex, end_time);
  __tsan_acquire (mutex);
  return signalled;
}

#define g_mutex_lock(mutex) barge_tsan_mutex_lock_ (mutex)
#define g_mutex_trylock(mutex) barge_tsan_mutex_trylock_ (mutex)
#define g_mutex_unlock(mutex) barge_tsan_mutex_unlock_ (mutex)
#define g_cond_wait(cond, mutex) barge_tsan_cond_wait_ (cond, mutex)
#define g_cond_wait_until(cond, mutex, end_time) barge_tsan_cond_wait_until_ (cond, mutex, end_time)

#else

#define BARGE_TSAN_RELEASE(x) ((void) 0)
#define BARGE_TSAN_ACQUIRE(x) ((void) 0)
/* Declarations in both builds, so they may stand among declarations. */
#define BARGE_TSAN_TASK_THREAD(task) G_GNUC_UNUSED gpointer barge_tsan_task_ = (task)
#define BARGE_TSAN_TASK_CALLBACK(res) G_GNUC_UNUSED gpointer barge_tsan_res_ = (res)

#endif
