/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "barged-wall-time.h"

gboolean
barged_wall_time_parse (const char **p, gboolean end_of_day, guint *minutes)
{
  const char *s = *p;
  guint hours = 0;
  guint n = 0;
  guint m;

  while (g_ascii_isdigit (*s) && n < 2)
    {
      hours = hours * 10 + (guint) (*s++ - '0');
      n++;
    }
  if (n == 0 || s[0] != ':' || !g_ascii_isdigit (s[1]) || !g_ascii_isdigit (s[2]))
    return FALSE;
  m = (guint) (s[1] - '0') * 10 + (guint) (s[2] - '0');
  if (m > 59 || hours > 24 || (hours == 24 && (m != 0 || !end_of_day)))
    return FALSE;
  *minutes = hours * 60 + m;
  *p = s + 3;
  return TRUE;
}

static gint32
offset_at (GTimeZone *zone, gint64 unix_time)
{
  return g_time_zone_get_offset (zone, g_time_zone_find_interval (zone, G_TIME_TYPE_UNIVERSAL, unix_time));
}

GDateTime *
barged_wall_time_ahead (GDateTime *now, gint64 seconds)
{
  GTimeZone *zone = g_date_time_get_timezone (now);
  gint64 now_unix = g_date_time_to_unix (now);
  gint32 now_offset = offset_at (zone, now_unix);
  gint64 moment = now_unix + seconds;
  g_autoptr(GDateTime) utc = NULL;

  if (offset_at (zone, moment) != now_offset)
    {
      /* The change comes first: its instant, by bisection on whole seconds
       * (GTimeZone has no call for the next transition). */
      gint64 low = now_unix;   /* the offset at low is now's, at moment it is not */

      while (moment - low > 1)
        {
          gint64 middle = low + (moment - low) / 2;

          if (offset_at (zone, middle) == now_offset)
            low = middle;
          else
            moment = middle;
        }
    }
  utc = g_date_time_new_from_unix_utc (moment);
  return g_date_time_to_timezone (utc, zone);
}
