/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedTransfer"

#include "config.h"

#include "barged-work-queue.h"
#include "barge-tsan.h"

struct _BargedWorkQueue
{
  GObject *owner;            /* not a reference: the owner frees the queue */
  BargedWorkFunc work;
  BargedWorkDoneFunc done_func;
  GMainContext *context;

  GMutex lock;
  GQueue pending;            /* under lock: pushed, not yet taken by the worker */
  GQueue done;               /* under lock: done, not yet given to done_func */
  gboolean running;          /* under lock: a worker takes `pending` */
  gboolean posted;           /* under lock: deliver() will run */
};

BargedWorkQueue *
barged_work_queue_new (GObject *owner, BargedWorkFunc work, BargedWorkDoneFunc done)
{
  BargedWorkQueue *self = g_new0 (BargedWorkQueue, 1);

  self->owner = owner;
  self->work = work;
  self->done_func = done;
  self->context = g_main_context_ref_thread_default ();
  g_mutex_init (&self->lock);
  g_queue_init (&self->pending);
  g_queue_init (&self->done);
  return self;
}

void
barged_work_queue_free (BargedWorkQueue *self)
{
  if (self == NULL)
    return;
  /* Whoever pushed or posted holds the owner, so nothing is left. */
  g_assert (g_queue_is_empty (&self->pending) && g_queue_is_empty (&self->done));
  g_mutex_clear (&self->lock);
  g_main_context_unref (self->context);
  g_free (self);
}

/* On the queue's context; holds a reference to the owner, given by the
 * worker when it posted. */
static gboolean
deliver (gpointer user_data)
{
  BargedWorkQueue *self = user_data;
  GObject *owner = self->owner;
  GQueue done;

  g_mutex_lock (&self->lock);
  done = self->done;
  g_queue_init (&self->done);
  self->posted = FALSE;
  g_mutex_unlock (&self->lock);
  self->done_func (&done, owner);
  g_assert (g_queue_is_empty (&done));
  /* May be the last reference: the queue is gone after it. */
  g_object_unref (owner);
  return G_SOURCE_REMOVE;
}

/* The worker's own reference to the owner goes on the queue's context:
 * the owner (a transfer) must not be finalized on a worker. */
static gboolean
release_owner (gpointer owner)
{
  BARGE_TSAN_ACQUIRE (owner); /* what the worker did with the queue comes first */
  g_object_unref (owner);
  return G_SOURCE_REMOVE;
}

static void
post (GMainContext *context, GSourceFunc func, gpointer data)
{
  /* A source, not g_main_context_invoke(): that would run @func here if
   * the context were free to acquire. */
  GSource *idle = g_idle_source_new ();

  g_source_set_priority (idle, G_PRIORITY_DEFAULT);
  g_source_set_callback (idle, func, data, NULL);
  g_source_set_static_name (idle, "[barged] work queue");
  g_source_attach (idle, context);
  g_source_unref (idle);
}

/* On a thread of the shared pool, with a reference to the owner. */
static void
work_thread (gpointer data, gpointer unused)
{
  BargedWorkQueue *self = data;
  GObject *owner;
  GMainContext *context;

  BARGE_TSAN_ACQUIRE (self); /* released by the push that started us */
  owner = self->owner;
  context = self->context;
  for (;;)
    {
      gpointer item;
      gboolean first;

      g_mutex_lock (&self->lock);
      item = g_queue_pop_head (&self->pending);
      if (item == NULL)
        self->running = FALSE;
      g_mutex_unlock (&self->lock);
      /* From here the queue may be freed once the owner goes: only the
       * locals are used. */
      if (item == NULL)
        break;
      self->work (item, owner);
      g_mutex_lock (&self->lock);
      g_queue_push_tail (&self->done, item);
      first = !self->posted;
      self->posted = TRUE;
      g_mutex_unlock (&self->lock);
      if (first)
        {
          g_object_ref (owner); /* deliver() drops it */
          post (context, deliver, self);
        }
    }
  BARGE_TSAN_RELEASE (owner);
  post (context, release_owner, owner);
}

/* One pool for every queue, without a limit: a queue has at most one
 * thread, and the queues are bounded by the transfers running. Not GTask's
 * pool: a writer busy for the whole of a long download would hold one of
 * its ten threads, and the resolver and the file-access work wait there. */
static GThreadPool *
shared_pool (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, g_thread_pool_new (work_thread, NULL, -1, FALSE, NULL));
  return pool;
}

void
barged_work_queue_push (BargedWorkQueue *self, gpointer item)
{
  gboolean start;

  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->pending, item);
  start = !self->running;
  self->running = TRUE;
  g_mutex_unlock (&self->lock);
  if (start)
    {
      g_object_ref (self->owner); /* the worker's, dropped by release_owner() */
      BARGE_TSAN_RELEASE (self);
      g_thread_pool_push (shared_pool (), self, NULL);
    }
}
