/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* [Transfer] BackgroundBandwidthSchedule of barge.conf, as BITS' group
 * policy has it ("8:00 to 17:00 on weekdays: 2 Mbit/s; otherwise
 * unlimited"): rules separated by ";", each
 *
 *     DAYS HH:MM-HH:MM RATE
 *
 * DAYS is a comma-separated list of days (Mon Tue Wed Thu Fri Sat Sun, in
 * any case) or ranges of them ("Mon-Fri"; "Fri-Mon" runs over the week's
 * end); the window starts on each of those days at the first time and ends
 * at the second, on the next day when that is not later (a window that
 * crosses midnight); 24:00 is the end of the day. RATE is bytes per second
 * as in BackgroundBandwidthLimit: a whole number, 0 for no limit, 1 to 1023
 * counting as 1024. The first rule whose window holds the moment wins;
 * outside every window BackgroundBandwidthLimit holds.
 *
 * Times are local wall-clock times: a rule of 08:00 starts at 08:00 on
 * the day of a DST change too. Here only plain values and functions; the
 * engine applies the schedule and arms a timer for its next boundary.
 *
 * The schedule lives in BargedSettings, which is copied by value and
 * compared with memcmp: a fixed array, no pointers, no padding bytes. */

#define BARGED_BANDWIDTH_SCHEDULE_MAX_RULES 32

typedef struct {
  guint32 rate;               /* bytes/s, 0 = none; as written (1 to 1023 stay) */
  guint16 start;              /* minutes after midnight, 0 to 1439 */
  guint16 end;                /* minutes after midnight, 0 to 1440; <= start: the next day */
  guint8 days;                /* bit 0 Monday to bit 6 Sunday: the days the window starts */
  guint8 padding[3];          /* zero */
} BargedBandwidthRule;

typedef struct {
  guint32 n_rules;
  BargedBandwidthRule rules[BARGED_BANDWIDTH_SCHEDULE_MAX_RULES];
} BargedBandwidthSchedule;

/* Parses @text (NULL or blank: no rules) into @schedule, which is zeroed
 * first. FALSE with G_KEY_FILE_ERROR_INVALID_VALUE and a message that
 * names the rule and says what is accepted. */
gboolean barged_bandwidth_schedule_parse (BargedBandwidthSchedule *schedule, const char *text, GError **error);

/* The rule in force at @now (its local time counts), or NULL. */
const BargedBandwidthRule *barged_bandwidth_schedule_lookup (const BargedBandwidthSchedule *schedule, GDateTime *now);

/* The first moment after @now at which the rule in force may change, in
 * @now's time zone; NULL when the schedule has no rules. It may be a
 * moment where nothing changes (the end of one window that another one
 * continues, or a DST change): the caller looks the rule up again and
 * asks for the next one. */
GDateTime *barged_bandwidth_schedule_next_boundary (const BargedBandwidthSchedule *schedule, GDateTime *now);

G_END_DECLS
