/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "barged-yield-control.h"

#include <math.h>

#include "barged-bandwidth.h"

void
barged_yield_control_init (BargedYieldControl *self)
{
  *self = (BargedYieldControl) { .primary = BARGED_YIELD_RX };
}

void
barged_yield_control_restart (BargedYieldControl *self)
{
  for (BargedYieldDirection d = 0; d < BARGED_YIELD_N_DIRECTIONS; d++)
    self->capacity[d] = 0;
}

guint64
barged_yield_control_update (BargedYieldControl *self, double seconds,
                             const guint64 link[BARGED_YIELD_N_DIRECTIONS],
                             const guint64 own[BARGED_YIELD_N_DIRECTIONS])
{
  double link_rate[BARGED_YIELD_N_DIRECTIONS], own_rate[BARGED_YIELD_N_DIRECTIONS];
  double decay, capacity, threshold, room, floor, rate;
  BargedYieldDirection d;

  if (seconds < 0.01)
    return self->rate;
  decay = pow (0.5, seconds / BARGED_YIELD_CAPACITY_HALF_LIFE);
  for (d = 0; d < BARGED_YIELD_N_DIRECTIONS; d++)
    {

      link_rate[d] = (double) link[d] / seconds;
      own_rate[d] = (double) own[d] * BARGED_YIELD_WIRE_OVERHEAD / seconds;
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
  self->other = MAX (0, link_rate[d] - own_rate[d]) -
                BARGED_YIELD_ACK_SHARE * MAX (0, link_rate[1 - d] - own_rate[1 - d]);
  self->other = MAX (0, self->other);
  threshold = MAX (BARGED_YIELD_MIN_OTHER, capacity * BARGED_YIELD_OTHER_SHARE);
  if (self->other < threshold)
    {
      if (++self->quiet >= BARGED_YIELD_QUIET_SAMPLES)
        self->rate = 0;
      return self->rate;
    }

  self->quiet = 0;
  floor = MAX (BARGED_YIELD_MIN_FLOOR, capacity / 64);
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
  self->rate = (guint64) CLAMP (rate, BARGED_BANDWIDTH_MIN, (double) BARGED_BANDWIDTH_MAX);
  return self->rate;
}
