/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedBandwidth"

#include "config.h"

#include "barged-bandwidth.h"

struct _BargedBandwidth
{
  GObject parent_instance;

  guint64 rate;               /* bytes per second, 0 = no limit of its own */
  double tokens;              /* bytes that may be read now; negative: debt */
  gint64 refilled;            /* monotonic µs of the last refill, 0 = never */
  BargedBandwidth *parent;
  gulong parent_changed;
};

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BargedBandwidth, barged_bandwidth, G_TYPE_OBJECT)

/* Credit saved while idle: a tenth of a second's worth, so that a
 * transfer that paused does not burst past the limit when it goes on. */
static double
burst (BargedBandwidth *self)
{
  return (double) self->rate / 10;
}

static void
refill (BargedBandwidth *self, gint64 now)
{
  if (self->refilled != 0 && now > self->refilled)
    self->tokens = MIN (self->tokens + (double) self->rate * (double) (now - self->refilled) / G_USEC_PER_SEC,
                        burst (self));
  if (now > self->refilled)
    self->refilled = now;
}

gboolean
barged_bandwidth_rate_is_valid (guint64 rate)
{
  return rate == 0 || (rate >= BARGED_BANDWIDTH_MIN && rate <= BARGED_BANDWIDTH_MAX);
}

gint64
barged_bandwidth_delay (BargedBandwidth *self, gint64 now)
{
  gint64 own = 0;

  if (self->rate > 0)
    {
      refill (self, now);
      if (self->tokens < 1)
        own = (gint64) ((1 - self->tokens) * G_USEC_PER_SEC / (double) self->rate) + 1;
    }
  if (self->parent != NULL)
    own = MAX (own, barged_bandwidth_delay (self->parent, now));
  return MIN (own, BARGED_BANDWIDTH_MAX_WAIT);
}

gsize
barged_bandwidth_chunk (BargedBandwidth *self, gsize want)
{
  if (self->rate > 0)
    want = MIN (want, (gsize) MAX (self->rate / 10, (guint64) BARGED_BANDWIDTH_MIN));
  if (self->parent != NULL)
    want = barged_bandwidth_chunk (self->parent, want);
  return want;
}

void
barged_bandwidth_charge (BargedBandwidth *self, gsize n, gint64 now)
{
  if (self->rate > 0)
    {
      refill (self, now);
      self->tokens -= (double) n;
    }
  if (self->parent != NULL)
    barged_bandwidth_charge (self->parent, n, now);
}

guint64
barged_bandwidth_get_rate (BargedBandwidth *self)
{
  return self->rate;
}

void
barged_bandwidth_set_rate (BargedBandwidth *self, guint64 rate)
{
  if (rate == self->rate)
    return;
  /* Debt and credit keep their time, not their bytes: a lower rate
   * applies from now on, not after the old debt is paid at the new pace,
   * and a rate that changes every quarter of a second (the yield's) does
   * not forgive the debt each time, which let every reader take a
   * chunk more per change. The tokens are as of the last refill; the
   * time since is refilled at the new rate. From or to no limit, neither. */
  if (self->rate > 0 && rate > 0)
    self->tokens *= (double) rate / (double) self->rate;
  else
    {
      self->tokens = 0;
      self->refilled = 0;
    }
  self->rate = rate;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
on_parent_changed (BargedBandwidth *parent, BargedBandwidth *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
barged_bandwidth_set_parent (BargedBandwidth *self, BargedBandwidth *parent)
{
  g_return_if_fail (parent != self);

  if (parent == self->parent)
    return;
  if (self->parent != NULL)
    {
      g_clear_signal_handler (&self->parent_changed, self->parent);
      g_clear_object (&self->parent);
    }
  if (parent != NULL)
    {
      self->parent = g_object_ref (parent);
      self->parent_changed = g_signal_connect (parent, "changed", G_CALLBACK (on_parent_changed), self);
    }
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

BargedBandwidth *
barged_bandwidth_get_parent (BargedBandwidth *self)
{
  return self->parent;
}

static void
barged_bandwidth_dispose (GObject *object)
{
  BargedBandwidth *self = BARGED_BANDWIDTH (object);

  if (self->parent != NULL)
    {
      g_clear_signal_handler (&self->parent_changed, self->parent);
      g_clear_object (&self->parent);
    }
  G_OBJECT_CLASS (barged_bandwidth_parent_class)->dispose (object);
}

static void
barged_bandwidth_class_init (BargedBandwidthClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = barged_bandwidth_dispose;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
barged_bandwidth_init (BargedBandwidth *self)
{
}

BargedBandwidth *
barged_bandwidth_new (guint64 rate)
{
  BargedBandwidth *self = g_object_new (BARGED_TYPE_BANDWIDTH, NULL);

  self->rate = rate;
  return self;
}
