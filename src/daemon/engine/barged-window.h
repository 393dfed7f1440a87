/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A daily transfer window in local wall-clock time, such as 22:00-06:00
 * (it may cross midnight): minutes after midnight, start included, end
 * excluded, start != end. Plain functions on GDateTime, so that the
 * arithmetic is tested on any zone and day (tests/unit/test-window.c).
 *
 * Being inside is a matter of the wall clock: on a day a DST change skips
 * or repeats an hour, the window holds the wall-clock times it names that
 * exist that day (a window starting at 02:30 on a spring-forward day opens
 * at 03:00, when the clock jumps past 02:30). */
typedef struct {
  guint16 start;              /* minutes after local midnight, < 1440 */
  guint16 end;
} BargedWindow;

/* Length of the longest window text we accept ("HH:MM-HH:MM"). */
#define BARGED_WINDOW_TEXT_MAX 11

/* "HH:MM-HH:MM" (hours 0 to 23, one or two digits; minutes 00 to 59, two
 * digits), the end not equal to the start. FALSE with INVALID_ARGUMENT
 * saying what is accepted, and @window unchanged, otherwise. */
gboolean barged_window_parse (const char *text, BargedWindow *window, GError **error);
/* The canonical text, "HH:MM-HH:MM". */
char *barged_window_to_string (const BargedWindow *window);
/* Whether the wall-clock time of @when (in its own zone) is in the window. */
gboolean barged_window_contains (const BargedWindow *window, GDateTime *when);
/* The first instant after @now at which barged_window_contains() may
 * change: the window's next start (when outside) or end (when inside), or
 * the zone's next offset change before it, after which the caller looks
 * again. In @now's zone. */
GDateTime *barged_window_next_boundary (const BargedWindow *window, GDateTime *now);

G_END_DECLS
