/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "barged-window.h"

#include "barge-error.h"
#include "barged-wall-time.h"

#define SECONDS_PER_DAY (24 * 60 * 60)

gboolean
barged_window_parse (const char *text, BargedWindow *window, GError **error)
{
  const char *p = text;
  guint start, end;

  if (!barged_wall_time_parse (&p, FALSE, &start) || *p++ != '-' || !barged_wall_time_parse (&p, FALSE, &end) ||
      *p != '\0')
    {
      g_set_error_literal (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                           "a transfer window is HH:MM-HH:MM in local time, hours 00 to 23 and minutes "
                           "00 to 59 (such as 22:00-06:00, which crosses midnight), or \"\" for always");
      return FALSE;
    }
  if (start == end)
    {
      g_set_error_literal (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                           "a transfer window's end must differ from its start (give \"\" to transfer "
                           "at any time)");
      return FALSE;
    }
  window->start = (guint16) start;
  window->end = (guint16) end;
  return TRUE;
}

char *
barged_window_to_string (const BargedWindow *window)
{
  return g_strdup_printf ("%02u:%02u-%02u:%02u", window->start / 60u, window->start % 60u, window->end / 60u,
                          window->end % 60u);
}

static guint
minute_of_day (GDateTime *when)
{
  return (guint) (g_date_time_get_hour (when) * 60 + g_date_time_get_minute (when));
}

gboolean
barged_window_contains (const BargedWindow *window, GDateTime *when)
{
  guint m = minute_of_day (when);

  if (window->start < window->end)
    return m >= window->start && m < window->end;
  /* Crosses midnight. */
  return m >= window->start || m < window->end;
}

GDateTime *
barged_window_next_boundary (const BargedWindow *window, GDateTime *now)
{
  guint target = barged_window_contains (window, now) ? window->end : window->start;
  gint64 wall = (gint64) minute_of_day (now) * 60 + g_date_time_get_second (now);
  /* Seconds of wall clock until the target minute. */
  gint64 ahead = (((gint64) target * 60 - wall) % SECONDS_PER_DAY + SECONDS_PER_DAY) % SECONDS_PER_DAY;

  if (ahead == 0)
    ahead = SECONDS_PER_DAY;
  /* A DST change before it is the boundary: there the wall clock jumps,
   * and the caller looks at the window again with the new offset. A start
   * the jump skips opens the window at the jump, and a repeated hour is
   * inside or not by its wall-clock time. */
  return barged_wall_time_ahead (now, ahead);
}
