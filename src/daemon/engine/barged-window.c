/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "barged-window.h"

#include "barge-error.h"

#define MINUTES_PER_DAY (24 * 60)
#define SECONDS_PER_DAY (24 * 60 * 60)

static gboolean
parse_time (const char **p, guint *minutes)
{
  const char *s = *p;
  guint hours = 0;
  guint n = 0;

  while (g_ascii_isdigit (*s) && n < 2)
    {
      hours = hours * 10 + (guint) (*s++ - '0');
      n++;
    }
  if (n == 0 || *s != ':' || !g_ascii_isdigit (s[1]) || !g_ascii_isdigit (s[2]))
    return FALSE;
  if (hours > 23 || (guint) (s[1] - '0') > 5)
    return FALSE;
  *minutes = hours * 60 + (guint) (s[1] - '0') * 10 + (guint) (s[2] - '0');
  *p = s + 3;
  return TRUE;
}

gboolean
barged_window_parse (const char *text, BargedWindow *window, GError **error)
{
  const char *p = text;
  guint start, end;

  if (!parse_time (&p, &start) || *p++ != '-' || !parse_time (&p, &end) || *p != '\0')
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

static gint32
offset_at (GTimeZone *zone, gint64 unix_time)
{
  gint interval = g_time_zone_find_interval (zone, G_TIME_TYPE_UNIVERSAL, unix_time);

  return g_time_zone_get_offset (zone, interval);
}

static GDateTime *
instant_in (GTimeZone *zone, gint64 unix_time)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);

  return g_date_time_to_timezone (utc, zone);
}

GDateTime *
barged_window_next_boundary (const BargedWindow *window, GDateTime *now)
{
  GTimeZone *zone = g_date_time_get_timezone (now);
  gint64 now_unix = g_date_time_to_unix (now);
  gint32 now_offset = offset_at (zone, now_unix);
  guint target = barged_window_contains (window, now) ? window->end : window->start;
  gint64 wall = (gint64) minute_of_day (now) * 60 + g_date_time_get_second (now);
  /* Seconds of wall clock until the target minute, as if the offset held. */
  gint64 ahead = (((gint64) target * 60 - wall) % SECONDS_PER_DAY + SECONDS_PER_DAY) % SECONDS_PER_DAY;
  gint64 naive, lo, hi;

  if (ahead == 0)
    ahead = SECONDS_PER_DAY;
  naive = now_unix + ahead;
  if (offset_at (zone, naive) == now_offset)
    return instant_in (zone, naive);
  /* A DST change (or another change of the zone's offset) comes first:
   * its instant is the boundary, found by bisection on whole seconds (the
   * offset changes once between now and a day later). There the wall
   * clock jumps, and the caller looks at the window again with the new
   * offset: a start the jump skips opens the window at the jump, and a
   * repeated hour is inside or not by its wall-clock time. */
  lo = now_unix;
  hi = naive;
  while (hi - lo > 1)
    {
      gint64 mid = lo + (hi - lo) / 2;

      if (offset_at (zone, mid) == now_offset)
        lo = mid;
      else
        hi = mid;
    }
  return instant_in (zone, hi);
}
