/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedConnections"

#include "config.h"

#include "barged-connections.h"

#define MAX_BACK_OFF_S 3600

typedef struct {
  guint in_use;
  gint64 hold_until;          /* monotonic µs; 0 = none */
} Origin;

typedef struct {
  gpointer key;
  char *origin;               /* the origin it last waited for; NULL: unknown */
  BargeJobPriority priority;
  guint64 seq;                /* arrival: FIFO within a priority */
  BargedConnectionsWaiter callback;
  guint round;                /* the last wake_cb that called it */
} Waiter;

struct _BargedConnections
{
  GObject parent_instance;
  BargedConfig *config;
  GHashTable *origins;        /* char* -> Origin*; dropped when idle and not held */
  guint in_use;
  GList *waiters;             /* Waiter*, by priority then seq */
  guint n_waiting[BARGE_JOB_PRIORITY_LOW + 1];
  guint64 next_seq;
  guint round;
  gpointer calling;           /* the waiter wake_cb is calling: its answer decides */
  char *calling_origin;       /* what it waits for now, if it said */
  guint wake_source;
  guint hold_source;
};

G_DEFINE_TYPE (BargedConnections, barged_connections, G_TYPE_OBJECT)

static void wake (BargedConnections *self);

static Origin *
origin_get (BargedConnections *self, const char *name, gboolean create)
{
  Origin *origin = g_hash_table_lookup (self->origins, name);

  if (origin == NULL && create)
    {
      origin = g_new0 (Origin, 1);
      g_hash_table_insert (self->origins, g_strdup (name), origin);
    }
  return origin;
}

/* An origin with nothing in flight and no hold is forgotten: the table
 * holds only what is in use, whatever number of hosts jobs name. */
static void
origin_maybe_forget (BargedConnections *self, const char *name, Origin *origin)
{
  if (origin->in_use == 0 && origin->hold_until <= g_get_monotonic_time ())
    g_hash_table_remove (self->origins, name);
}

static void
waiter_free (Waiter *waiter)
{
  g_free (waiter->origin);
  g_free (waiter);
}

/* Whether @origin rests after a back-off. */
static gboolean
is_held (BargedConnections *self, const char *origin)
{
  Origin *o = origin != NULL ? origin_get (self, origin, FALSE) : NULL;

  return o != NULL && o->hold_until > g_get_monotonic_time ();
}

/* A waiter of a priority higher than @priority that a free connection
 * would serve. One that waits out its origin's back-off does not count: a
 * server's "Retry-After: 3600" to a foreground job would otherwise hold
 * every lower priority on every host for the hour. */
static gboolean
higher_priority_waits (BargedConnections *self, BargeJobPriority priority)
{
  guint n = 0;

  for (guint p = BARGE_JOB_PRIORITY_FOREGROUND; p < (guint) priority && p <= BARGE_JOB_PRIORITY_LOW; p++)
    n += self->n_waiting[p];
  if (n == 0)
    return FALSE;
  for (GList *l = self->waiters; l != NULL; l = l->next)
    {
      Waiter *waiter = l->data;

      if (waiter->priority >= priority)
        break;
      if (!is_held (self, waiter->origin))
        return TRUE;
    }
  return FALSE;
}

gboolean
barged_connections_take (BargedConnections *self, const char *name, BargeJobPriority priority)
{
  const BargedSettings *settings = barged_config_get_settings (self->config);
  Origin *origin = origin_get (self, name != NULL ? name : "", FALSE);

  if (self->in_use >= settings->max_connections || higher_priority_waits (self, priority))
    return FALSE;
  if (origin != NULL &&
      (origin->in_use >= settings->max_connections_per_host || origin->hold_until > g_get_monotonic_time ()))
    return FALSE;
  if (origin == NULL)
    origin = origin_get (self, name != NULL ? name : "", TRUE);
  origin->in_use++;
  self->in_use++;
  return TRUE;
}

void
barged_connections_release (BargedConnections *self, const char *name)
{
  Origin *origin = origin_get (self, name != NULL ? name : "", FALSE);

  g_return_if_fail (origin != NULL && origin->in_use > 0 && self->in_use > 0);
  origin->in_use--;
  self->in_use--;
  origin_maybe_forget (self, name != NULL ? name : "", origin);
  wake (self);
}

static gboolean
hold_cb (gpointer user_data)
{
  BargedConnections *self = user_data;
  GHashTableIter iter;
  gpointer name, value;
  gint64 now = g_get_monotonic_time ();
  gint64 next = G_MAXINT64;

  self->hold_source = 0;
  g_hash_table_iter_init (&iter, self->origins);
  while (g_hash_table_iter_next (&iter, &name, &value))
    {
      Origin *origin = value;

      if (origin->hold_until > now)
        next = MIN (next, origin->hold_until);
      else if (origin->in_use == 0)
        g_hash_table_iter_remove (&iter);
    }
  if (next != G_MAXINT64)
    self->hold_source = g_timeout_add ((guint) ((next - now + 999) / 1000), hold_cb, self);
  wake (self);
  return G_SOURCE_REMOVE;
}

void
barged_connections_back_off (BargedConnections *self, const char *name, guint seconds)
{
  Origin *origin = origin_get (self, name != NULL ? name : "", TRUE);
  gint64 until = g_get_monotonic_time () + (gint64) MIN (seconds, MAX_BACK_OFF_S) * G_USEC_PER_SEC;

  origin->hold_until = MAX (origin->hold_until, until);
  g_debug ("%s: no new connection for %u s", name, MIN (seconds, MAX_BACK_OFF_S));
  /* One timer, for the earliest hold; hold_cb arms it for the next. */
  g_clear_handle_id (&self->hold_source, g_source_remove);
  self->hold_source = g_idle_add (hold_cb, self);
}

static gint
compare_waiters (gconstpointer a, gconstpointer b)
{
  const Waiter *wa = a, *wb = b;

  if (wa->priority != wb->priority)
    return wa->priority < wb->priority ? -1 : 1;
  return wa->seq < wb->seq ? -1 : (wa->seq > wb->seq ? 1 : 0);
}

static GList *
find_waiter (BargedConnections *self, gpointer key)
{
  for (GList *l = self->waiters; l != NULL; l = l->next)
    if (((Waiter *) l->data)->key == key)
      return l;
  return NULL;
}

void
barged_connections_wait (BargedConnections *self, gpointer key, const char *origin, BargeJobPriority priority,
                         BargedConnectionsWaiter callback)
{
  GList *link = find_waiter (self, key);
  Waiter *waiter;

  if (key == self->calling)
    {
      g_free (self->calling_origin);
      self->calling_origin = g_strdup (origin);
      return;
    }
  if (link != NULL)
    {
      /* Its place is kept; what it waits for may have changed. */
      waiter = link->data;
      g_free (waiter->origin);
      waiter->origin = g_strdup (origin);
      return;
    }
  waiter = g_new0 (Waiter, 1);
  waiter->key = key;
  waiter->origin = g_strdup (origin);
  waiter->priority = MIN (priority, BARGE_JOB_PRIORITY_LOW);
  waiter->seq = self->next_seq++;
  waiter->callback = callback;
  self->n_waiting[waiter->priority]++;
  self->waiters = g_list_insert_sorted (self->waiters, waiter, compare_waiters);
}

static void
remove_waiter (BargedConnections *self, GList *link)
{
  Waiter *waiter = link->data;

  self->n_waiting[waiter->priority]--;
  self->waiters = g_list_delete_link (self->waiters, link);
  waiter_free (waiter);
}

void
barged_connections_stop_waiting (BargedConnections *self, gpointer key)
{
  GList *link = find_waiter (self, key);

  if (link != NULL)
    remove_waiter (self, link);
}

/* Each waiter in line order tries again; one that still waits keeps its
 * place, and so keeps those behind it of a lower priority from taking. A
 * callback may put others in line or take them out (a job that fails stops
 * its siblings' runs): the line is searched again after each call. */
static gboolean
wake_cb (gpointer user_data)
{
  BargedConnections *self = user_data;
  guint round = ++self->round;

  self->wake_source = 0;
  for (;;)
    {
      GList *l = self->waiters;
      Waiter *waiter;
      gboolean still;

      while (l != NULL && ((Waiter *) l->data)->round == round)
        l = l->next;
      if (l == NULL)
        break;
      waiter = l->data;
      waiter->round = round;
      /* Out of line while it tries, so its own place does not stop it. */
      self->n_waiting[waiter->priority]--;
      self->waiters = g_list_delete_link (self->waiters, l);
      self->calling = waiter->key;
      still = waiter->callback (waiter->key);
      self->calling = NULL;
      if (still && find_waiter (self, waiter->key) == NULL)
        {
          if (self->calling_origin != NULL)
            {
              g_free (waiter->origin);
              waiter->origin = g_steal_pointer (&self->calling_origin);
            }
          self->n_waiting[waiter->priority]++;
          self->waiters = g_list_insert_sorted (self->waiters, waiter, compare_waiters);
        }
      else
        waiter_free (waiter);
      g_clear_pointer (&self->calling_origin, g_free);
    }
  return G_SOURCE_REMOVE;
}

static void
wake (BargedConnections *self)
{
  if (self->waiters != NULL && self->wake_source == 0)
    self->wake_source = g_idle_add (wake_cb, self);
}

gint64
barged_connections_get_hold_left (BargedConnections *self, const char *name)
{
  Origin *origin = origin_get (self, name != NULL ? name : "", FALSE);

  return origin != NULL ? MAX (origin->hold_until - g_get_monotonic_time (), 0) : 0;
}

guint
barged_connections_get_in_use (BargedConnections *self, const char *name)
{
  Origin *origin;

  if (name == NULL)
    return self->in_use;
  origin = origin_get (self, name, FALSE);
  return origin != NULL ? origin->in_use : 0;
}

static void
on_config_changed (BargedConfig *config, BargedConnections *self)
{
  /* Higher caps take effect at once; lower ones as connections end. */
  wake (self);
}

BargedConnections *
barged_connections_new (BargedConfig *config)
{
  BargedConnections *self = g_object_new (BARGED_TYPE_CONNECTIONS, NULL);

  self->config = g_object_ref (config);
  g_signal_connect_object (config, "changed", G_CALLBACK (on_config_changed), self, 0);
  return self;
}

static void
barged_connections_finalize (GObject *object)
{
  BargedConnections *self = BARGED_CONNECTIONS (object);

  g_clear_handle_id (&self->wake_source, g_source_remove);
  g_clear_handle_id (&self->hold_source, g_source_remove);
  g_list_free_full (self->waiters, (GDestroyNotify) waiter_free);
  g_free (self->calling_origin);
  g_hash_table_unref (self->origins);
  g_clear_object (&self->config);
  G_OBJECT_CLASS (barged_connections_parent_class)->finalize (object);
}

static void
barged_connections_init (BargedConnections *self)
{
  self->origins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
barged_connections_class_init (BargedConnectionsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = barged_connections_finalize;
}
