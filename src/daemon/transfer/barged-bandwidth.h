/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* A limit of bytes per second, as a token bucket that may run into debt:
 * a transfer asks how long to wait before its next read (0: read now) and
 * how much to read at most, reads, then is charged what it got. A bucket
 * may have a parent whose limit holds too (a job's own limit under the
 * limit all background jobs share): a read waits for the longer of the two
 * and is charged to both.
 *
 * Reads are at most a tenth of a second's worth (and idle credit as
 * much), so the debt a read makes is paid within 100 ms, and over any ten
 * seconds the rate holds within a read's worth per reader (1 % each). Main thread only. "changed" is emitted when the rate of
 * the bucket or of its parent changes, or when the parent changes: a
 * transfer waiting for its turn asks again. */

#define BARGED_TYPE_BANDWIDTH (barged_bandwidth_get_type ())
G_DECLARE_FINAL_TYPE (BargedBandwidth, barged_bandwidth, BARGED, BANDWIDTH, GObject)

/* The accepted rates, bytes per second: 0 is none. */
#define BARGED_BANDWIDTH_MIN 1024u
#define BARGED_BANDWIDTH_MAX G_GUINT64_CONSTANT (100000000000)

/* The longest a transfer waits before it asks again, µs. */
#define BARGED_BANDWIDTH_MAX_WAIT (G_USEC_PER_SEC / 4)

BargedBandwidth *barged_bandwidth_new (guint64 rate);
guint64 barged_bandwidth_get_rate (BargedBandwidth *self);
void barged_bandwidth_set_rate (BargedBandwidth *self, guint64 rate);
void barged_bandwidth_set_parent (BargedBandwidth *self, BargedBandwidth *parent);
BargedBandwidth *barged_bandwidth_get_parent (BargedBandwidth *self);

/* µs to wait at @now (monotonic µs) before reading; 0: now. At most
 * BARGED_BANDWIDTH_MAX_WAIT: after it, ask again. */
gint64 barged_bandwidth_delay (BargedBandwidth *self, gint64 now);
/* At most how many of @want bytes to read in one go. */
gsize barged_bandwidth_chunk (BargedBandwidth *self, gsize want);
/* @n bytes were read at @now. */
void barged_bandwidth_charge (BargedBandwidth *self, gsize n, gint64 now);

/* Whether @rate is 0 or within the accepted range. */
gboolean barged_bandwidth_rate_is_valid (guint64 rate);

G_END_DECLS
