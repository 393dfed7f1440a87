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

static void
work_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  BARGE_TSAN_TASK_THREAD (task);
  BargedWorkQueue *self = task_data; /* alive: on_worker_done holds the owner */

  for (;;)
    {
      gpointer item;
      gboolean post;

      g_mutex_lock (&self->lock);
      item = g_queue_pop_head (&self->pending);
      if (item == NULL)
        self->running = FALSE;
      g_mutex_unlock (&self->lock);
      if (item == NULL)
        break;
      self->work (item, self->owner);
      g_mutex_lock (&self->lock);
      g_queue_push_tail (&self->done, item);
      post = !self->posted;
      self->posted = TRUE;
      g_mutex_unlock (&self->lock);
      if (post)
        {
          /* A source, not g_main_context_invoke(): that would run
           * deliver() here if the context were free to acquire. */
          GSource *idle = g_idle_source_new ();

          g_object_ref (self->owner); /* deliver() drops it */
          g_source_set_priority (idle, G_PRIORITY_DEFAULT);
          g_source_set_callback (idle, deliver, self, NULL);
          g_source_set_static_name (idle, "[barged] work queue results");
          g_source_attach (idle, self->context);
          g_source_unref (idle);
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_worker_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  /* Everything the worker did comes before this, and the owner's last
   * reference (so the queue's free) may go here. */
  BARGE_TSAN_TASK_CALLBACK (res);
  g_object_unref (user_data);
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
      g_autoptr(GTask) task = g_task_new (NULL, NULL, on_worker_done, g_object_ref (self->owner));

      g_task_set_task_data (task, self, NULL);
      BARGE_TSAN_RELEASE (task);
      g_task_run_in_thread (task, work_thread);
    }
}
