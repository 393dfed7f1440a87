/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedNotifier"

#include "config.h"

#include "barged-notifier.h"
#include "barged-notify.h"

struct _BargedNotifier
{
  GObject parent_instance;
  BargedConfig *config;
  GHashTable *running;        /* owner -> programs running */
  GQueue waiting;             /* GTask (its data a BargedNotifyCall), in the order asked */
};

G_DEFINE_TYPE (BargedNotifier, barged_notifier, G_TYPE_OBJECT)

BargedNotifier *
barged_notifier_new (BargedConfig *config)
{
  BargedNotifier *self = g_object_new (BARGED_TYPE_NOTIFIER, NULL);

  self->config = g_object_ref (config);
  return self;
}

static guint
running_of (BargedNotifier *self, guint32 owner)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->running, GUINT_TO_POINTER (owner)));
}

static void
count_running (BargedNotifier *self, guint32 owner, gint delta)
{
  guint n = (guint) ((gint) running_of (self, owner) + delta);

  if (n == 0)
    g_hash_table_remove (self->running, GUINT_TO_POINTER (owner));
  else
    g_hash_table_insert (self->running, GUINT_TO_POINTER (owner), GUINT_TO_POINTER (n));
}

static void start_waiting (BargedNotifier *self);

static void
on_program_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargedNotifier *self = g_task_get_source_object (task);
  BargedNotifyCall *p = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean exit_ok = FALSE;

  count_running (self, p->owner, -1);
  /* The slot is free before the caller hears: a program the callback
   * runs again waits behind those already waiting. */
  start_waiting (self);
  if (!barged_notify_run_finish (res, &exit_ok, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, exit_ok);
}

static void
start (BargedNotifier *self, GTask *task)
{
  BargedNotifyCall *p = g_task_get_task_data (task);

  count_running (self, p->owner, 1);
  barged_notify_run_async (p->owner, p->program, (const char *const *) p->args, p->job_id, p->job_state,
                           barged_config_get_settings (self->config)->notify_timeout, on_program_done, task);
}

/* Each waiting program whose owner has a slot free now, in order. */
static void
start_waiting (BargedNotifier *self)
{
  guint max = barged_config_get_settings (self->config)->max_notify_programs_per_user;

  for (GList *l = self->waiting.head; l != NULL;)
    {
      GList *next = l->next;
      GTask *task = l->data;
      BargedNotifyCall *p = g_task_get_task_data (task);

      if (running_of (self, p->owner) < max)
        {
          g_queue_delete_link (&self->waiting, l);
          start (self, task);
        }
      l = next;
    }
}

void
barged_notifier_run_async (BargedNotifier *self, guint32 owner, const char *program, const char *const *args,
                           const char *job_id, const char *job_state, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, barged_notifier_run_async);
  g_task_set_task_data (task, barged_notify_call_new (owner, program, args, job_id, job_state),
                        (GDestroyNotify) barged_notify_call_free);
  if (running_of (self, owner) < barged_config_get_settings (self->config)->max_notify_programs_per_user)
    start (self, task);
  else
    {
      g_debug ("uid %u runs its most notify programs at once: %s waits", owner, program);
      g_queue_push_tail (&self->waiting, task);
    }
}

gboolean
barged_notifier_run_finish (BargedNotifier *self, GAsyncResult *res, gboolean *exit_ok, GError **error)
{
  /* The same answer as the spawn's: a boolean task. */
  return barged_notify_run_finish (res, exit_ok, error);
}

void
barged_notifier_get_counts (BargedNotifier *self, guint32 owner, guint *running, guint *waiting)
{
  *running = running_of (self, owner);
  *waiting = 0;
  for (GList *l = self->waiting.head; l != NULL; l = l->next)
    *waiting += ((BargedNotifyCall *) g_task_get_task_data (l->data))->owner == owner;
}

void
barged_notifier_cancel_waiting (BargedNotifier *self)
{
  GTask *task;

  while ((task = g_queue_pop_head (&self->waiting)) != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "barged stops");
      g_object_unref (task);
    }
}

static void
barged_notifier_dispose (GObject *object)
{
  BargedNotifier *self = BARGED_NOTIFIER (object);

  barged_notifier_cancel_waiting (self);
  g_clear_object (&self->config);
  G_OBJECT_CLASS (barged_notifier_parent_class)->dispose (object);
}

static void
barged_notifier_finalize (GObject *object)
{
  BargedNotifier *self = BARGED_NOTIFIER (object);

  g_hash_table_unref (self->running);
  G_OBJECT_CLASS (barged_notifier_parent_class)->finalize (object);
}

static void
barged_notifier_init (BargedNotifier *self)
{
  self->running = g_hash_table_new (NULL, NULL);
  g_queue_init (&self->waiting);
}

static void
barged_notifier_class_init (BargedNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = barged_notifier_dispose;
  G_OBJECT_CLASS (klass)->finalize = barged_notifier_finalize;
}
