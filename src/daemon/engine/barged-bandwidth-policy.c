/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedEngine"

#include "config.h"

#include "barge.h"
#include "barged-bandwidth-policy.h"

/* The store's daemon_data key of the administrator's limit: bytes per
 * second in decimal; no row, no limit of theirs. */
#define OVERRIDE_KEY "background-bandwidth-limit"

struct _BargedBandwidthPolicy
{
  GObject parent_instance;
  BargedConfig *config;
  BargedClock *clock;
  BargedStore *store;
  BargedBandwidth *bucket;
  guint64 override;           /* the administrator's, 0 = none */
  BargedBandwidthSource source;
  guint boundary_source;      /* the timer for the schedule's next boundary */
};

G_DEFINE_TYPE (BargedBandwidthPolicy, barged_bandwidth_policy, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

const char *
barged_bandwidth_source_to_string (BargedBandwidthSource source)
{
  switch (source)
    {
    case BARGED_BANDWIDTH_SOURCE_CONFIG:
      return "config";
    case BARGED_BANDWIDTH_SOURCE_SCHEDULE:
      return "schedule";
    case BARGED_BANDWIDTH_SOURCE_ADMINISTRATOR:
      return "administrator";
    case BARGED_BANDWIDTH_SOURCE_NONE:
    default:
      return "none";
    }
}

/* barge.conf's rates: 0 is none, and below the smallest limit is the smallest. */
static guint64
configured_rate (guint64 rate)
{
  return rate == 0 ? 0 : MAX (rate, (guint64) BARGED_BANDWIDTH_MIN);
}

static void apply (BargedBandwidthPolicy *self);

static gboolean
on_boundary (gpointer user_data)
{
  BargedBandwidthPolicy *self = user_data;

  self->boundary_source = 0;
  apply (self);
  return G_SOURCE_REMOVE;
}

/* Decides the limit in force now and arms the timer for the next moment
 * the schedule may change it. */
static void
apply (BargedBandwidthPolicy *self)
{
  const BargedSettings *settings = barged_config_get_settings (self->config);
  const BargedBandwidthSchedule *schedule = &settings->background_bandwidth_schedule;
  g_autoptr(GDateTime) now = barged_clock_now (self->clock);
  const BargedBandwidthRule *rule = NULL;
  BargedBandwidthSource source;
  guint64 limit;

  g_clear_handle_id (&self->boundary_source, g_source_remove);
  if (self->override != 0)
    {
      /* The schedule does not matter while it holds: no timer. */
      source = BARGED_BANDWIDTH_SOURCE_ADMINISTRATOR;
      limit = self->override;
    }
  else
    {
      g_autoptr(GDateTime) next = barged_bandwidth_schedule_next_boundary (schedule, now);

      rule = barged_bandwidth_schedule_lookup (schedule, now);
      if (rule != NULL)
        {
          source = BARGED_BANDWIDTH_SOURCE_SCHEDULE;
          limit = configured_rate (rule->rate);
        }
      else
        {
          limit = configured_rate (settings->background_bandwidth_limit);
          source = limit != 0 ? BARGED_BANDWIDTH_SOURCE_CONFIG : BARGED_BANDWIDTH_SOURCE_NONE;
        }
      if (next != NULL)
        {
          guint seconds = barged_clock_seconds_until (self->clock, next);
          g_autofree char *when = g_date_time_format_iso8601 (next);

          g_debug ("background bandwidth schedule: next boundary %s, in %u s", when, seconds);
          self->boundary_source = g_timeout_add_seconds (seconds, on_boundary, self);
        }
    }
  if (limit == barged_bandwidth_get_rate (self->bucket) && source == self->source)
    return;
  g_info ("background bandwidth limit: %" G_GUINT64_FORMAT " bytes/s (%s)", limit,
          barged_bandwidth_source_to_string (source));
  barged_bandwidth_set_rate (self->bucket, limit);
  self->source = source;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
on_reapply (GObject *object, BargedBandwidthPolicy *self)
{
  apply (self);
}

/* The stored limit; a value no barged writes counts as none. */
static guint64
load_override (BargedStore *store)
{
  g_autofree char *text = barged_store_load_daemon_data (store, OVERRIDE_KEY);
  guint64 rate;

  if (text == NULL)
    return 0;
  if (!g_ascii_string_to_unsigned (text, 10, BARGED_BANDWIDTH_MIN, BARGED_BANDWIDTH_MAX, &rate, NULL))
    {
      g_warning ("the stored background bandwidth limit “%s” is not a rate: ignoring it", text);
      return 0;
    }
  return rate;
}

BargedBandwidthPolicy *
barged_bandwidth_policy_new (BargedConfig *config, BargedClock *clock, BargedStore *store, BargedBandwidth *bucket)
{
  BargedBandwidthPolicy *self = g_object_new (BARGED_TYPE_BANDWIDTH_POLICY, NULL);

  self->config = g_object_ref (config);
  self->clock = g_object_ref (clock);
  self->store = g_object_ref (store);
  self->bucket = g_object_ref (bucket);
  self->override = load_override (store);
  self->source = BARGED_BANDWIDTH_SOURCE_NONE;
  g_signal_connect_object (config, "changed", G_CALLBACK (on_reapply), self, 0);
  g_signal_connect_object (clock, "changed", G_CALLBACK (on_reapply), self, 0);
  apply (self);
  return self;
}

guint64
barged_bandwidth_policy_get_limit (BargedBandwidthPolicy *self)
{
  return barged_bandwidth_get_rate (self->bucket);
}

BargedBandwidthSource
barged_bandwidth_policy_get_source (BargedBandwidthPolicy *self)
{
  return self->source;
}

static void
on_override_stored (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargedBandwidthPolicy *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!barged_store_write_finish (BARGED_STORE (source), res, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* Writes commit in the order they were made: the last call wins here as
   * in the store. */
  self->override = *(guint64 *) g_task_get_task_data (task);
  apply (self);
  g_task_return_boolean (task, TRUE);
}

void
barged_bandwidth_policy_set_override_async (BargedBandwidthPolicy *self, guint64 rate,
                                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autofree char *text = NULL;

  g_task_set_source_tag (task, barged_bandwidth_policy_set_override_async);
  if (!barged_bandwidth_rate_is_valid (rate))
    {
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                               "a background bandwidth limit is 0 (remove the administrator's limit) or %u to %"
                               G_GUINT64_FORMAT " bytes per second, not %" G_GUINT64_FORMAT,
                               BARGED_BANDWIDTH_MIN, BARGED_BANDWIDTH_MAX, rate);
      return;
    }
  g_task_set_task_data (task, g_memdup2 (&rate, sizeof rate), g_free);
  if (rate != 0)
    text = g_strdup_printf ("%" G_GUINT64_FORMAT, rate);
  barged_store_put_daemon_data (self->store, OVERRIDE_KEY, text, on_override_stored, g_steal_pointer (&task));
}

gboolean
barged_bandwidth_policy_set_override_finish (BargedBandwidthPolicy *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

static void
barged_bandwidth_policy_dispose (GObject *object)
{
  BargedBandwidthPolicy *self = BARGED_BANDWIDTH_POLICY (object);

  g_clear_handle_id (&self->boundary_source, g_source_remove);
  g_clear_object (&self->config);
  g_clear_object (&self->clock);
  g_clear_object (&self->store);
  g_clear_object (&self->bucket);
  G_OBJECT_CLASS (barged_bandwidth_policy_parent_class)->dispose (object);
}

static void
barged_bandwidth_policy_init (BargedBandwidthPolicy *self)
{
}

static void
barged_bandwidth_policy_class_init (BargedBandwidthPolicyClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = barged_bandwidth_policy_dispose;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}
