/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* [Transfer] BackgroundBandwidthSchedule (edges/barged-bandwidth-schedule.c):
 * what it accepts, which rule holds at a moment, and when the next
 * boundary comes, in local time, across midnight, weeks and DST changes. */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "barged-bandwidth-schedule.h"
#include "barged-config.h"

static GTimeZone *
berlin (void)
{
  GTimeZone *zone = g_time_zone_new_identifier ("Europe/Berlin");

  g_assert_nonnull (zone);
  return zone;
}

/* An ISO 8601 time with its offset, shown in Europe/Berlin. */
static GDateTime *
at (const char *iso)
{
  g_autoptr(GTimeZone) zone = berlin ();
  g_autoptr(GDateTime) parsed = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (parsed);
  return g_date_time_to_timezone (parsed, zone);
}

static void
parse_ok (BargedBandwidthSchedule *schedule, const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (barged_bandwidth_schedule_parse (schedule, text, &error));
  g_assert_no_error (error);
}

/* The rate of the rule in force at @iso, or -1 for none. */
static gint64
rate_at (const BargedBandwidthSchedule *schedule, const char *iso)
{
  g_autoptr(GDateTime) now = at (iso);
  const BargedBandwidthRule *rule = barged_bandwidth_schedule_lookup (schedule, now);

  return rule != NULL ? (gint64) rule->rate : -1;
}

static void
assert_next (const BargedBandwidthSchedule *schedule, const char *now_iso, const char *expected_iso)
{
  g_autoptr(GDateTime) now = at (now_iso);
  g_autoptr(GDateTime) expected = at (expected_iso);
  g_autoptr(GDateTime) next = barged_bandwidth_schedule_next_boundary (schedule, now);
  g_autofree char *text = NULL;

  g_assert_nonnull (next);
  text = g_date_time_format_iso8601 (next);
  if (!g_date_time_equal (next, expected))
    g_error ("after %s: next boundary %s, expected %s", now_iso, text, expected_iso);
}

static void
test_parse (void)
{
  BargedBandwidthSchedule s;

  parse_ok (&s, "Mon-Fri 08:00-17:00 250000; Sat 10:00-12:00 0");
  g_assert_cmpuint (s.n_rules, ==, 2);
  g_assert_cmpuint (s.rules[0].days, ==, 0x1f);
  g_assert_cmpuint (s.rules[0].start, ==, 8 * 60);
  g_assert_cmpuint (s.rules[0].end, ==, 17 * 60);
  g_assert_cmpuint (s.rules[0].rate, ==, 250000);
  g_assert_cmpuint (s.rules[1].days, ==, 1u << 5);
  g_assert_cmpuint (s.rules[1].rate, ==, 0);
  /* Hours of one digit, as a job's TransferWindow takes them. */
  parse_ok (&s, "Mon 8:00-9:30 1");
  g_assert_cmpuint (s.rules[0].start, ==, 8 * 60);
  g_assert_cmpuint (s.rules[0].end, ==, 9 * 60 + 30);

  /* Lists, ranges over the week's end, any case, blanks, a final ";". */
  parse_ok (&s, "  mon,WED,Fri-Mon\t22:00-06:00   4294967295 ;");
  g_assert_cmpuint (s.n_rules, ==, 1);
  g_assert_cmpuint (s.rules[0].days, ==, (1u << 0) | (1u << 2) | (1u << 4) | (1u << 5) | (1u << 6));
  g_assert_cmpuint (s.rules[0].rate, ==, G_MAXUINT32);
  parse_ok (&s, "Sun 00:00-24:00 1");
  g_assert_cmpuint (s.rules[0].end, ==, 1440);
  g_assert_cmpuint (s.rules[0].rate, ==, 1);   /* 1024 once applied, as BackgroundBandwidthLimit */

  parse_ok (&s, "");
  g_assert_cmpuint (s.n_rules, ==, 0);
  parse_ok (&s, "   ");
  g_assert_cmpuint (s.n_rules, ==, 0);
  parse_ok (&s, NULL);
  g_assert_cmpuint (s.n_rules, ==, 0);
}

static void
test_parse_bad (void)
{
  static const char * const bad[] = {
    "Mon-Fri 08:00-17:00",             /* no rate */
    "Mon-Fri 08:00-17:00 250000 x",    /* too much */
    "Mo 08:00-17:00 1",                /* not a day */
    "Monday 08:00-17:00 1",
    "Mon- 08:00-17:00 1",
    "Mon,,Tue 08:00-17:00 1",
    "Mon 8:0-17:00 1",                 /* minutes of two digits */
    "Mon 123:00-17:00 1",
    "Mon 08:00-17:60 1",
    "Mon 24:00-08:00 1",               /* 24:00 ends only */
    "Mon 08:00-24:01 1",
    "Mon 08:00 1",
    "Mon 08:00-09:00-10:00 1",
    "Mon 08:00-08:00 1",               /* ends when it starts */
    "Mon 08:00-17:00 -1",
    "Mon 08:00-17:00 +1",
    "Mon 08:00-17:00 2Mbit",           /* bytes per second, digits only */
    "Mon 08:00-17:00 4294967296",
    "Mon 08:00-17:00 1;;Tue 08:00-17:00 1",   /* an empty rule between */
    "; Mon 08:00-17:00 1",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      BargedBandwidthSchedule s;
      g_autoptr(GError) error = NULL;

      if (barged_bandwidth_schedule_parse (&s, bad[i], &error))
        g_error ("accepted “%s”", bad[i]);
      g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
      /* Says what is accepted. */
      g_assert_nonnull (strstr (error->message, "DAYS HH:MM-HH:MM RATE"));
    }

  {
    GString *many = g_string_new (NULL);
    BargedBandwidthSchedule s;
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i <= BARGED_BANDWIDTH_SCHEDULE_MAX_RULES; i++)
      g_string_append (many, "Mon 08:00-09:00 1;");
    g_assert_false (barged_bandwidth_schedule_parse (&s, many->str, &error));
    g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
    g_string_free (many, TRUE);
  }
}

/* 2026-12-07 is a Monday; Berlin is at +01:00 in December. */
static void
test_weekdays (void)
{
  BargedBandwidthSchedule s;

  parse_ok (&s, "Mon-Fri 08:00-17:00 250000; Sat 10:00-12:00 0; Mon-Sun 00:00-24:00 7000");
  g_assert_cmpint (rate_at (&s, "2026-12-07T07:59:59+01:00"), ==, 7000);
  g_assert_cmpint (rate_at (&s, "2026-12-07T08:00:00+01:00"), ==, 250000);
  g_assert_cmpint (rate_at (&s, "2026-12-11T16:59:59+01:00"), ==, 250000);   /* Friday */
  g_assert_cmpint (rate_at (&s, "2026-12-11T17:00:00+01:00"), ==, 7000);
  g_assert_cmpint (rate_at (&s, "2026-12-12T11:00:00+01:00"), ==, 0);        /* Saturday: first rule wins */
  g_assert_cmpint (rate_at (&s, "2026-12-13T11:00:00+01:00"), ==, 7000);     /* Sunday */

  assert_next (&s, "2026-12-07T07:59:58+01:00", "2026-12-07T08:00:00+01:00");
  assert_next (&s, "2026-12-07T08:00:00+01:00", "2026-12-07T17:00:00+01:00");
  assert_next (&s, "2026-12-11T17:00:00+01:00", "2026-12-12T00:00:00+01:00");  /* the all-day rule's end */
  assert_next (&s, "2026-12-12T00:00:00+01:00", "2026-12-12T10:00:00+01:00");
}

static void
test_midnight (void)
{
  BargedBandwidthSchedule s;

  /* Starts Friday to Monday evening, ends the next morning. */
  parse_ok (&s, "Fri-Mon 22:00-06:00 5000");
  g_assert_cmpint (rate_at (&s, "2026-12-11T21:59:00+01:00"), ==, -1);    /* Friday */
  g_assert_cmpint (rate_at (&s, "2026-12-11T22:00:00+01:00"), ==, 5000);
  g_assert_cmpint (rate_at (&s, "2026-12-12T03:00:00+01:00"), ==, 5000);  /* Saturday morning */
  g_assert_cmpint (rate_at (&s, "2026-12-14T23:00:00+01:00"), ==, 5000);  /* Monday evening */
  g_assert_cmpint (rate_at (&s, "2026-12-15T05:59:00+01:00"), ==, 5000);  /* Tuesday morning, Monday's window */
  g_assert_cmpint (rate_at (&s, "2026-12-15T06:00:00+01:00"), ==, -1);
  g_assert_cmpint (rate_at (&s, "2026-12-15T23:00:00+01:00"), ==, -1);    /* Tuesday evening */
  g_assert_cmpint (rate_at (&s, "2026-12-11T05:00:00+01:00"), ==, -1);    /* Friday morning: Thursday's is none */

  assert_next (&s, "2026-12-12T03:00:00+01:00", "2026-12-12T06:00:00+01:00");
  assert_next (&s, "2026-12-15T06:00:00+01:00", "2026-12-18T22:00:00+01:00");   /* Tuesday to Friday */
  /* An end this morning of a window that started yesterday. */
  assert_next (&s, "2026-12-15T00:30:00+01:00", "2026-12-15T06:00:00+01:00");
}

/* Europe/Berlin in 2026: 29 March 02:00 CET becomes 03:00 CEST; 25 October
 * 03:00 CEST becomes 02:00 CET. */
static void
test_dst (void)
{
  BargedBandwidthSchedule s;

  /* Wall-clock times hold on the day of the change. */
  parse_ok (&s, "Sun 08:00-17:00 9000");
  g_assert_cmpint (rate_at (&s, "2026-03-29T08:00:00+02:00"), ==, 9000);
  g_assert_cmpint (rate_at (&s, "2026-03-29T07:59:59+02:00"), ==, -1);
  /* A change of offset before the boundary: a wake-up at the change, as
   * wall-clock times map anew from there. */
  assert_next (&s, "2026-03-28T20:00:00+01:00", "2026-03-29T03:00:00+02:00");
  assert_next (&s, "2026-03-29T03:00:00+02:00", "2026-03-29T08:00:00+02:00");
  assert_next (&s, "2026-10-24T20:00:00+02:00", "2026-10-25T02:00:00+01:00");
  assert_next (&s, "2026-10-25T02:00:00+01:00", "2026-10-25T08:00:00+01:00");

  /* A window starting in the hour that is skipped starts when it is. */
  parse_ok (&s, "Sun 02:30-04:00 9000");
  assert_next (&s, "2026-03-29T01:50:00+01:00", "2026-03-29T03:00:00+02:00");
  g_assert_cmpint (rate_at (&s, "2026-03-29T03:00:00+02:00"), ==, 9000);
  assert_next (&s, "2026-03-29T03:00:00+02:00", "2026-03-29T04:00:00+02:00");

  /* The hour that comes twice: the window holds in both, and the timer
   * wakes at its first end, at the change, and at its second end. */
  parse_ok (&s, "Sun 02:15-02:45 9000");
  assert_next (&s, "2026-10-25T02:00:00+02:00", "2026-10-25T02:15:00+02:00");
  g_assert_cmpint (rate_at (&s, "2026-10-25T02:20:00+02:00"), ==, 9000);
  assert_next (&s, "2026-10-25T02:20:00+02:00", "2026-10-25T02:45:00+02:00");
  assert_next (&s, "2026-10-25T02:45:00+02:00", "2026-10-25T02:00:00+01:00");
  assert_next (&s, "2026-10-25T02:00:00+01:00", "2026-10-25T02:15:00+01:00");
  g_assert_cmpint (rate_at (&s, "2026-10-25T02:20:00+01:00"), ==, 9000);
  assert_next (&s, "2026-10-25T02:20:00+01:00", "2026-10-25T02:45:00+01:00");
  assert_next (&s, "2026-10-25T02:45:00+01:00", "2026-11-01T02:15:00+01:00");
}

static void
test_none (void)
{
  BargedBandwidthSchedule s;
  g_autoptr(GDateTime) now = at ("2026-12-07T08:00:00+01:00");

  parse_ok (&s, "");
  g_assert_null (barged_bandwidth_schedule_lookup (&s, now));
  g_assert_null (barged_bandwidth_schedule_next_boundary (&s, now));
}

/* Through barge.conf: a bad schedule fails the load and names the key. */
static void
test_config (void)
{
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("barge-XXXXXX.conf", &path, NULL);
  BargedSettings settings;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_assert_true (g_file_set_contents (path, "[Transfer]\nBackgroundBandwidthSchedule=Mon-Fri 08:00-17:00 250000; "
                                      "Sat 10:00-12:00 0\n", -1, NULL));
  barged_settings_init_defaults (&settings);
  g_assert_cmpuint (settings.background_bandwidth_schedule.n_rules, ==, 0);
  g_assert_true (barged_settings_load (&settings, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (settings.background_bandwidth_schedule.n_rules, ==, 2);

  g_assert_true (g_file_set_contents (path, "[Transfer]\nBackgroundBandwidthSchedule=Mon-Fri 8-17 2Mbit\n", -1, NULL));
  g_assert_false (barged_settings_load (&settings, path, &error));
  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (error->message, "BackgroundBandwidthSchedule"));
  g_assert_nonnull (strstr (error->message, path));
  g_unlink (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bandwidth-schedule/parse", test_parse);
  g_test_add_func ("/bandwidth-schedule/parse-bad", test_parse_bad);
  g_test_add_func ("/bandwidth-schedule/weekdays", test_weekdays);
  g_test_add_func ("/bandwidth-schedule/midnight", test_midnight);
  g_test_add_func ("/bandwidth-schedule/dst", test_dst);
  g_test_add_func ("/bandwidth-schedule/none", test_none);
  g_test_add_func ("/bandwidth-schedule/config", test_config);
  return g_test_run ();
}
