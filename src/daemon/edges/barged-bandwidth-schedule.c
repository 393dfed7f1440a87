/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "barged-bandwidth-schedule.h"
#include "barged-wall-time.h"

#define MINUTES_PER_DAY (24 * 60)

static const char * const day_names[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

/* --- parsing ------------------------------------------------------------------------- */

/* A day name at *@p, advanced past it; 0 to 6 (Monday to Sunday), or -1. */
static int
parse_day (const char **p)
{
  for (guint i = 0; i < G_N_ELEMENTS (day_names); i++)
    if (g_ascii_strncasecmp (*p, day_names[i], 3) == 0)
      {
        *p += 3;
        return (int) i;
      }
  return -1;
}

static gboolean
parse_days (const char *text, guint8 *days)
{
  const char *p = text;

  *days = 0;
  for (;;)
    {
      int first = parse_day (&p), last;

      if (first < 0)
        return FALSE;
      last = first;
      if (*p == '-')
        {
          p++;
          last = parse_day (&p);
          if (last < 0)
            return FALSE;
        }
      /* Fri-Mon runs over the end of the week. */
      for (int d = first;; d = (d + 1) % 7)
        {
          *days |= (guint8) (1u << d);
          if (d == last)
            break;
        }
      if (*p == '\0')
        return TRUE;
      if (*p++ != ',')
        return FALSE;
    }
}

static gboolean
parse_window (const char *text, guint16 *start, guint16 *end)
{
  const char *p = text;
  guint s, e;

  if (!barged_wall_time_parse (&p, FALSE, &s) || *p++ != '-' || !barged_wall_time_parse (&p, TRUE, &e) ||
      *p != '\0')
    return FALSE;
  *start = (guint16) s;
  *end = (guint16) e;
  return TRUE;
}

static gboolean
parse_rate (const char *text, guint32 *rate)
{
  guint64 value;

  /* Digits only: no sign, no spaces, no units. */
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &value, NULL) || text[0] == '+' || text[0] == '-')
    return FALSE;
  *rate = (guint32) value;
  return TRUE;
}

static gboolean
rule_error (GError **error, guint index, const char *rule, const char *problem)
{
  g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
               /* TRANSLATORS: the first %s is one of the problems below; keep the format of the
                * rule (DAYS HH:MM-HH:MM RATE), the day names and the example as they are */
               _("[Transfer] BackgroundBandwidthSchedule, rule %u “%s”: %s; a rule is DAYS HH:MM-HH:MM RATE, "
                 "such as “Mon-Fri 08:00-17:00 250000”: days Mon Tue Wed Thu Fri Sat Sun, lists "
                 "(Mon,Wed) and ranges (Fri-Mon) of them, a window that ends at or before it starts "
                 "ends the next day, and a rate in bytes per second from 0 (no limit) to 4294967295; "
                 "rules are separated by “;”"),
               index, rule, problem);
  return FALSE;
}

gboolean
barged_bandwidth_schedule_parse (BargedBandwidthSchedule *schedule, const char *text, GError **error)
{
  g_auto(GStrv) rules = NULL;
  guint n = 0;

  memset (schedule, 0, sizeof *schedule);
  if (text == NULL)
    return TRUE;
  rules = g_strsplit (text, ";", -1);
  for (guint i = 0; rules[i] != NULL; i++)
    {
      g_autofree char *rule = g_strstrip (g_strdup (rules[i]));
      g_auto(GStrv) fields = NULL;
      BargedBandwidthRule *r;

      /* A rule list may end with ";", as GKeyFile lists do. */
      if (*rule == '\0' && rules[i + 1] == NULL)
        break;
      if (*rule == '\0')
        return rule_error (error, i + 1, rule, _("the rule is empty"));
      if (n == BARGED_BANDWIDTH_SCHEDULE_MAX_RULES)
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       _("[Transfer] BackgroundBandwidthSchedule has more than %u rules"),
                       BARGED_BANDWIDTH_SCHEDULE_MAX_RULES);
          return FALSE;
        }
      fields = g_strsplit_set (rule, " \t", -1);
      /* Several blanks between fields make empty ones: drop them. */
      {
        guint kept = 0;

        for (guint f = 0; fields[f] != NULL; f++)
          if (*fields[f] != '\0')
            fields[kept++] = fields[f];
          else
            g_free (fields[f]);
        fields[kept] = NULL;
      }
      if (g_strv_length (fields) != 3)
        return rule_error (error, i + 1, rule, _("it does not have three parts"));
      r = &schedule->rules[n];
      if (!parse_days (fields[0], &r->days))
        return rule_error (error, i + 1, rule, _("unknown days"));
      if (!parse_window (fields[1], &r->start, &r->end))
        return rule_error (error, i + 1, rule, _("the window is not HH:MM-HH:MM from 00:00 to 24:00"));
      if (r->start == r->end)
        return rule_error (error, i + 1, rule, _("the window ends when it starts"));
      if (!parse_rate (fields[2], &r->rate))
        return rule_error (error, i + 1, rule, _("the rate is not a whole number from 0 to 4294967295"));
      n++;
    }
  schedule->n_rules = n;
  return TRUE;
}

/* --- which rule, and until when ------------------------------------------------------- */

static gboolean
starts_on (const BargedBandwidthRule *r, int day)
{
  return (r->days & (1u << ((day % 7 + 7) % 7))) != 0;
}

static gboolean
rule_holds (const BargedBandwidthRule *r, int day, guint minute)
{
  if (r->start < r->end)
    return starts_on (r, day) && minute >= r->start && minute < r->end;
  /* Crosses midnight: the evening of a day it starts, or the morning after. */
  return (starts_on (r, day) && minute >= r->start) || (starts_on (r, day - 1) && minute < r->end);
}

const BargedBandwidthRule *
barged_bandwidth_schedule_lookup (const BargedBandwidthSchedule *schedule, GDateTime *now)
{
  int day = g_date_time_get_day_of_week (now) - 1;
  guint minute = (guint) (g_date_time_get_hour (now) * 60 + g_date_time_get_minute (now));

  for (guint i = 0; i < schedule->n_rules; i++)
    if (rule_holds (&schedule->rules[i], day, minute))
      return &schedule->rules[i];
  return NULL;
}

GDateTime *
barged_bandwidth_schedule_next_boundary (const BargedBandwidthSchedule *schedule, GDateTime *now)
{
  int today = g_date_time_get_day_of_week (now) - 1;
  gint64 now_seconds = g_date_time_get_hour (now) * 3600 + g_date_time_get_minute (now) * 60
                       + g_date_time_get_second (now);
  gint64 next = G_MAXINT64;   /* minutes after today's midnight, local wall-clock time */

  if (schedule->n_rules == 0)
    return NULL;
  /* Every start and end of a window from yesterday's (an end this morning)
   * to a week ahead: the first after now in wall-clock time. */
  for (int k = -1; k <= 7; k++)
    for (guint i = 0; i < schedule->n_rules; i++)
      {
        const BargedBandwidthRule *r = &schedule->rules[i];
        gint64 start = (gint64) k * MINUTES_PER_DAY + r->start;
        gint64 end = (gint64) k * MINUTES_PER_DAY + r->end + (r->end <= r->start ? MINUTES_PER_DAY : 0);

        if (!starts_on (r, today + k))
          continue;
        if (start * 60 > now_seconds)
          next = MIN (next, start);
        if (end * 60 > now_seconds)
          next = MIN (next, end);
      }
  g_assert (next != G_MAXINT64);
  /* Or a DST change before it, after which the caller asks again. */
  return barged_wall_time_ahead (now, next * 60 - now_seconds);
}
