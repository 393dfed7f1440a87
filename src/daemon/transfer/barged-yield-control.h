/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How background transfers yield the link to other traffic: the control
 * law alone, with no socket nor clock, so that recorded traces can drive
 * it in tests (tests/unit/test-yield.c). BargedYield feeds it.
 *
 * It is BITS' approach, chosen by measurement (docs/concepts.md,
 * "Yielding to other traffic"): compare what the interfaces carry with
 * what Barge's own background connections carry; the difference is
 * somebody else's. A delay signal (receiver-driven LEDBAT, RFC 9840) was
 * measured first and was too weak to act on: behind an 80 Mbit/s link
 * whose buffer holds 100 ms, a bulk download beside Barge's raised the
 * receiver's RTT estimate (TCP_INFO tcpi_rcv_rtt) from 6.5 to 8 ms, one
 * tick of the 1 ms TCP timestamp clock, because both flows are limited by
 * their receive windows and the bottleneck's buffer never fills.
 *
 * Each sample gives, per direction, the bytes the interfaces counted and
 * the bytes Barge's background connections moved (their TCP payload,
 * scaled by the interfaces' overhead, to compare with what they count:
 * the mean ratio of the first OVERHEAD_LEARNING samples while Barge alone
 * has the link, then followed slowly) over
 * @seconds. Others' traffic in a direction is what the interfaces counted
 * beyond Barge's, less ACK_SHARE of others' traffic the other way (their
 * acknowledgements). Per direction, the link's capacity is the highest
 * rate seen, forgotten (half-life CAPACITY_HALF_LIFE) down to what the
 * link carries while Barge has no limit (under one, the link is not full
 * by design); and forgotten at once by barged_yield_control_restart() when
 * transfers start again after a pause (the machine may be on another
 * network). In the direction Barge mostly uses:
 *  - other traffic below a threshold (2 % of the capacity, at least
 *    32 KiB/s: the interfaces' own noise and header estimates) for two
 *    samples in a row: no limit; Barge takes what is free. Over two
 *    samples, or three times as much in one: a sample's noise alone does
 *    not count. A trace of it in the mean of the last two seconds
 *    (0.3 %), and Barge steps aside for one sample (at most every 4 s,
 *    and each step aside that found nobody doubles that, up to 32 s), so
 *    that a flow its own connections starve shows itself;
 *  - other traffic above it: Barge drops at once to a floor (1/64 of the
 *    capacity, at least 8 KiB/s: a job still moves), then may use what
 *    the others leave minus a headroom of a quarter of the capacity,
 *    rising towards it by at most a quarter per sample and falling to it
 *    at once. The headroom is what lets the other flows grow: a bulk
 *    download grows into it and keeps Barge at the floor; a flow of its
 *    own steady rate (a video) leaves Barge the rest within seconds. */

typedef enum {
  BARGED_YIELD_RX,
  BARGED_YIELD_TX,
  BARGED_YIELD_N_DIRECTIONS
} BargedYieldDirection;

typedef struct {
  double capacity[BARGED_YIELD_N_DIRECTIONS]; /* bytes/s */
  BargedYieldDirection primary;
  double overhead[BARGED_YIELD_N_DIRECTIONS]; /* interface bytes per byte of Barge's payload */
  guint learnt[BARGED_YIELD_N_DIRECTIONS];    /* samples it was learnt from */
  guint quiet;                /* samples in a row without other traffic */
  guint probing;              /* samples left of a step aside */
  double since_probe;         /* s */
  double probe_interval;      /* s: PROBE_INTERVAL, doubled by each step aside that found nobody */
  guint64 rate;               /* the limit in force, bytes/s; 0 = none */
  /* Of the last sample, for logs and traces: */
  double other;               /* bytes/s of others in the primary direction */
  double other_mean;          /* its mean over about MEAN_SAMPLES, noise included */
} BargedYieldControl;

#define BARGED_YIELD_WIRE_OVERHEAD (1.0 + 66.0 / 1448.0)
#define BARGED_YIELD_MAX_OVERHEAD 1.08
#define BARGED_YIELD_OVERHEAD_GAIN_LEARNT 0.01
#define BARGED_YIELD_OVERHEAD_LEARNING 8
#define BARGED_YIELD_CAPACITY_HALF_LIFE 10.0
#define BARGED_YIELD_MIN_OTHER (32.0 * 1024)
#define BARGED_YIELD_OTHER_SHARE 0.02
#define BARGED_YIELD_ACK_SHARE 0.05
#define BARGED_YIELD_HEADROOM 0.25
#define BARGED_YIELD_MIN_FLOOR (8.0 * 1024)
#define BARGED_YIELD_QUIET_SAMPLES 2
#define BARGED_YIELD_SUSPECT_SHARE 0.003
#define BARGED_YIELD_MEAN_SAMPLES 8
#define BARGED_YIELD_PROBE_INTERVAL 4.0
#define BARGED_YIELD_MAX_PROBE_INTERVAL 32.0
#define BARGED_YIELD_PROBE_SAMPLES 1

void barged_yield_control_init (BargedYieldControl *self);
/* Transfers start again after a pause: the capacity and the overhead are
 * learnt anew; the limit stays until the next samples say otherwise. */
void barged_yield_control_restart (BargedYieldControl *self);
/* Barge opened another connection: the interfaces' overhead per byte of
 * payload depends on the mix of connections (the benchmark's veth counts
 * 4.5 % beside one download and 2.1 % beside four, as GRO merges more), so
 * it is learnt anew; the capacity stays. */
void barged_yield_control_relearn (BargedYieldControl *self);
/* One sample; returns the limit Barge's background traffic should keep
 * to now, bytes/s, 0 for none. A sample of less than 10 ms changes
 * nothing. */
guint64 barged_yield_control_update (BargedYieldControl *self, double seconds,
                                     const guint64 link[BARGED_YIELD_N_DIRECTIONS],
                                     const guint64 own[BARGED_YIELD_N_DIRECTIONS]);

G_END_DECLS
