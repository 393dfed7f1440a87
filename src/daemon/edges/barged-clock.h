/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define BARGED_TYPE_CLOCK (barged_clock_get_type ())
G_DECLARE_FINAL_TYPE (BargedClock, barged_clock, BARGED, CLOCK, GObject)

/* The wall clock in local time, for the policies people state in it
 * (transfer windows, "not before", bandwidth schedules).
 *
 * Waiting for a wall-clock moment is a monotonic timer of
 * barged_clock_seconds_until() seconds, so it must be armed again when the
 * wall clock moves under it. The clock emits "changed" when that happens:
 * the wall clock was set (an NTP step, an administrator; Linux reports it
 * through a timerfd with TFD_TIMER_CANCEL_ON_SET) or the time zone changed
 * (/etc/localtime replaced, or the injected file below rewritten). A DST
 * transition needs no signal: local time is computed from the zone's rules
 * at each call, and a timer armed before it ends at the right instant.
 *
 * Tests inject the clock: when the environment variable BARGED_TEST_CLOCK
 * names a file, its content (an ISO 8601 date-time with an offset, such as
 * "2026-12-07T07:59:58+01:00") is the wall-clock time at the moment the
 * file was read; time runs on from there at the real rate. Rewriting the
 * file steps the clock and emits "changed". TZ sets the zone as usual.
 *
 * Main thread only. */

BargedClock *barged_clock_new (void);

/* Now, in the local time zone. */
GDateTime *barged_clock_now (BargedClock *self);
/* The local time zone as it is now. */
GTimeZone *barged_clock_get_timezone (BargedClock *self);
/* Whole seconds from now until @when, rounded up; 0 when it has passed.
 * Capped at one day: a timer for a later moment wakes once a day and asks
 * again, which also bounds the harm of a clock change missed. */
guint barged_clock_seconds_until (BargedClock *self, GDateTime *when);

G_END_DECLS
