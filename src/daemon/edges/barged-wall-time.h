/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Local wall-clock times of day, as people write them in policies (a job's
 * transfer window, barge.conf's bandwidth schedule), and the one piece of
 * arithmetic both need: when will the wall clock show a given time. Plain
 * functions, tested through their users (tests/unit/test-window.c and
 * test-bandwidth-schedule.c) on any zone and day. */

/* "H:MM" or "HH:MM" at *@p (hours 0 to 23, minutes 00 to 59; also 24:00
 * when @end_of_day), into minutes after midnight; advances *@p past it.
 * FALSE, with *@p and *@minutes unchanged, when the text is not such a
 * time. */
gboolean barged_wall_time_parse (const char **p, gboolean end_of_day, guint *minutes);

/* The moment @seconds of wall-clock time after @now (> 0), if the zone's
 * offset from UTC holds until then; otherwise the moment it changes (a DST
 * transition), where the wall clock jumps and the caller looks again. In
 * @now's zone. Wall-clock time maps to moments one to one between two
 * changes of the offset, not across one, where an hour is skipped or comes
 * twice. At most one change is assumed within the span (true of every zone
 * for spans up to a few weeks). */
GDateTime *barged_wall_time_ahead (GDateTime *now, gint64 seconds);

G_END_DECLS
