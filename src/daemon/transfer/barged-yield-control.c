/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "barged-yield-control.h"

#include <math.h>

#include "barged-bandwidth.h"

void
barged_yield_control_init (BargedYieldControl *self)
{
  *self = (BargedYieldControl) {
    .primary = BARGED_YIELD_RX,
    .probe_interval = BARGED_YIELD_PROBE_INTERVAL,
    .overhead = { BARGED_YIELD_WIRE_OVERHEAD, BARGED_YIELD_WIRE_OVERHEAD },
  };
}

static double
floor_of (double capacity)
{
  return MAX (BARGED_YIELD_MIN_FLOOR, capacity / 64);
}

static guint64
set_rate (BargedYieldControl *self, double rate)
{
  self->rate = rate == 0 ? 0 : (guint64) CLAMP (rate, BARGED_BANDWIDTH_MIN, (double) BARGED_BANDWIDTH_MAX);
  return self->rate;
}

/* No other traffic above the threshold. */
static guint64
quiet (BargedYieldControl *self, double seconds, double capacity)
{
  self->since_probe += seconds;
  if (self->probing > 0)
    {
      self->probing--;
      return self->rate;
    }
  if (self->rate != 0)
    return ++self->quiet >= BARGED_YIELD_QUIET_SAMPLES ? set_rate (self, 0) : self->rate;

  /* A flow that starts beside established ones of Barge's may get a
   * percent of the link or less (four of Barge's took 98 % from a new
   * curl for seconds), too little to tell from one sample's noise (the
   * interfaces count packets before TCP takes them, up to a NAPI batch
   * apart: 3 % of a 20 Mbit/s sample). The noise averages out over two
   * seconds, a starved flow does not: above a trace of it, Barge steps
   * aside for one sample; a flow that was starved grows into the link at
   * once and shows; if none does, Barge goes on a quarter of a second
   * later. */
  if (self->other_mean >= capacity * BARGED_YIELD_SUSPECT_SHARE && self->since_probe >= self->probe_interval)
    {
      self->other_mean = 0;
      self->since_probe = 0;
      /* A step aside costs: Linux drops what was in flight beyond the
       * smaller buffer, and a lone connection may wait for a
       * retransmission (2 s at 20 Mbit/s on the benchmark). One that finds
       * nobody (the counters' noise, or a small steady flow that is not
       * starved) makes the next one wait twice as long; others found, or a
       * new connection of Barge's, bring the interval back. */
      self->probe_interval = MIN (self->probe_interval * 2, BARGED_YIELD_MAX_PROBE_INTERVAL);
      self->probing = BARGED_YIELD_PROBE_SAMPLES;
      self->quiet = 0;
      return set_rate (self, floor_of (capacity));
    }
  return 0;
}

void
barged_yield_control_restart (BargedYieldControl *self)
{
  for (BargedYieldDirection d = 0; d < BARGED_YIELD_N_DIRECTIONS; d++)
    {
      self->capacity[d] = 0;
      self->overhead[d] = BARGED_YIELD_WIRE_OVERHEAD;
      self->learnt[d] = 0;
    }
  self->probe_interval = BARGED_YIELD_PROBE_INTERVAL;
}

void
barged_yield_control_relearn (BargedYieldControl *self)
{
  for (BargedYieldDirection d = 0; d < BARGED_YIELD_N_DIRECTIONS; d++)
    self->learnt[d] = 0;
  /* The mean of others' traffic was taken against the old estimate. */
  self->other_mean = 0;
  self->probe_interval = BARGED_YIELD_PROBE_INTERVAL;
}

guint64
barged_yield_control_update (BargedYieldControl *self, double seconds,
                             const guint64 link[BARGED_YIELD_N_DIRECTIONS],
                             const guint64 own[BARGED_YIELD_N_DIRECTIONS])
{
  double link_rate[BARGED_YIELD_N_DIRECTIONS], own_rate[BARGED_YIELD_N_DIRECTIONS];
  double decay, capacity, threshold, room, floor, rate, raw, previous;
  BargedYieldDirection d;

  if (seconds < 0.01)
    return self->rate;
  decay = pow (0.5, seconds / BARGED_YIELD_CAPACITY_HALF_LIFE);
  for (d = 0; d < BARGED_YIELD_N_DIRECTIONS; d++)
    {

      double payload = (double) own[d] / seconds;

      link_rate[d] = (double) link[d] / seconds;
      /* What the interfaces count of Barge's bytes: headers per packet
       * where they count packets (4.6 % with 1448-byte segments), less
       * where they count after GRO (the benchmark's veth: 0.3 % at
       * 80 Mbit/s, 4.6 % at 400). Learnt while Barge has the link, within
       * what headers can be: in its first samples, up faster than down,
       * since too low an estimate shows Barge's own bytes as others'. */
      if (self->rate == 0 && payload >= BARGED_YIELD_MIN_OTHER &&
          link_rate[d] >= payload && link_rate[d] <= payload * BARGED_YIELD_MAX_OVERHEAD)
        {
          double ratio = link_rate[d] / payload;
          /* The mean of the first samples' ratios: a gain that started
           * from the guess (4.6 %) ended 1 to 2 % above the truth after
           * them, and a flow that Barge's connections starve (1.4 % of the
           * link beside four of them) stayed hidden in that error for
           * seconds. Slowly once learnt: an estimate that follows such a
           * flow up hides it; one that follows the noise down shows
           * Barge's own bytes as others'. A sample where the interfaces
           * counted less than Barge's payload is the counters' skew (they
           * count packets before TCP takes them), not an overhead. */
          double gain = self->learnt[d] < BARGED_YIELD_OVERHEAD_LEARNING ? 1.0 / (self->learnt[d] + 1)
                                                                         : BARGED_YIELD_OVERHEAD_GAIN_LEARNT;

          self->learnt[d]++;
          self->overhead[d] += gain * (ratio - self->overhead[d]);
        }
      own_rate[d] = payload * self->overhead[d];
      /* Forgotten down to what the link carries, while Barge has no
       * limit: then what it sees is what the link can carry. Under a
       * limit that leaves headroom the link is not full by design, and a
       * capacity forgotten then would shrink the room, then what the link
       * carries, then the capacity again, down to the floor beside any
       * steady flow. What Barge alone moved is the link's too, even when
       * the interfaces were not read. */
      self->capacity[d] = MAX (MAX (link_rate[d], own_rate[d]),
                               self->rate == 0 ? MIN (self->capacity[d], MAX (link_rate[d], self->capacity[d] * decay))
                                               : self->capacity[d]);
    }
  /* The direction Barge uses: an upload's acknowledgements do not make
   * the download direction Barge's. With nothing moved, the last one. */
  if (own_rate[BARGED_YIELD_RX] != own_rate[BARGED_YIELD_TX])
    self->primary = own_rate[BARGED_YIELD_RX] > own_rate[BARGED_YIELD_TX] ? BARGED_YIELD_RX : BARGED_YIELD_TX;
  d = self->primary;

  capacity = self->capacity[d];
  /* Others' traffic one way brings their acknowledgements the other way
   * (about 2.3 % of it, a 66-byte ACK for two 1448-byte segments; less
   * with GRO): a download beside an upload of Barge's is not an upload. */
  raw = link_rate[d] - own_rate[d] - BARGED_YIELD_ACK_SHARE * MAX (0, link_rate[1 - d] - own_rate[1 - d]);
  previous = self->other;
  self->other = MAX (0, raw);
  /* While Barge has the link and the overhead is learnt; signed, so that
   * the noise of the counters averages out, but never so far below zero
   * that a flow would take long to show. */
  if (self->rate == 0 && self->learnt[d] >= BARGED_YIELD_OVERHEAD_LEARNING)
    self->other_mean = MAX (self->other_mean + (raw - self->other_mean) / BARGED_YIELD_MEAN_SAMPLES,
                            -self->capacity[d] * BARGED_YIELD_SUSPECT_SHARE);
  threshold = MAX (BARGED_YIELD_MIN_OTHER, capacity * BARGED_YIELD_OTHER_SHARE);
  /* Over two samples, or three times the threshold in one: a sample's
   * noise alone never sends Barge down. */
  if ((self->other + previous) / 2 < threshold && self->other < 3 * threshold)
    return quiet (self, seconds, capacity);

  self->quiet = 0;
  self->probing = 0;
  self->other_mean = 0;
  self->probe_interval = BARGED_YIELD_PROBE_INTERVAL;
  floor = floor_of (capacity);
  room = MAX (floor, capacity - self->other - capacity * BARGED_YIELD_HEADROOM);
  /* Others came: Barge goes down to the floor at once, as they will want
   * the whole link more often than not (a download, a page). Then down
   * to the room at once, or up towards it by a quarter a sample: a
   * steady flow that leaves room (a video) gets it back in a few
   * seconds. */
  if (self->rate == 0)
    rate = floor;
  else
    rate = room < (double) self->rate ? room : MIN (room, (double) self->rate * 1.25);
  return set_rate (self, MAX (rate, 1));
}
