/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* BargedWindow: a daily transfer window in local time, its syntax, whether
 * a moment is inside, and when that may change next, DST days included. */
#include "config.h"

#include "barged-window.h"

#include "barge-error.h"

static BargedWindow
parse (const char *text)
{
  BargedWindow w = { 0, 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (barged_window_parse (text, &w, &error));
  g_assert_no_error (error);
  return w;
}

static GDateTime *
at (const char *iso, GTimeZone *zone)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (t);
  return g_date_time_to_timezone (t, zone);
}

/* The next boundary after @now, as ISO 8601 with its offset. */
static char *
next_after (const BargedWindow *w, GDateTime *now)
{
  g_autoptr(GDateTime) next = barged_window_next_boundary (w, now);

  g_assert_nonnull (next);
  g_assert_cmpint (g_date_time_compare (next, now), >, 0);
  return g_date_time_format_iso8601 (next);
}

static void
test_parse (void)
{
  BargedWindow w = parse ("22:00-06:00");
  g_autofree char *text = barged_window_to_string (&w);

  g_assert_cmpuint (w.start, ==, 22 * 60);
  g_assert_cmpuint (w.end, ==, 6 * 60);
  g_assert_cmpstr (text, ==, "22:00-06:00");

  w = parse ("7:05-23:59");
  g_free (text);
  text = barged_window_to_string (&w);
  g_assert_cmpstr (text, ==, "07:05-23:59");
  w = parse ("00:00-00:01");
  g_assert_cmpuint (w.start, ==, 0);
  g_assert_cmpuint (w.end, ==, 1);
}

static void
test_parse_refused (void)
{
  const char *bad[] = { "", "22:00", "22:00-", "25:00-01:00", "24:00-01:00", "10:60-11:00", "10:00-11:5",
                        "garbage", "10:00-11:00 ", " 10:00-11:00", "10:00_11:00", "100:00-1:00",
                        "10:00-11:00-12:00", "-1:00-2:00", "1:00--2:00", "10:0a-11:00" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      BargedWindow w = { 7, 8 };
      g_autoptr(GError) error = NULL;

      g_assert_false (barged_window_parse (bad[i], &w, &error));
      g_assert_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT);
      /* The message says what is accepted. */
      g_assert_nonnull (strstr (error->message, "HH:MM-HH:MM"));
      /* Nothing changes. */
      g_assert_cmpuint (w.start, ==, 7);
      g_assert_cmpuint (w.end, ==, 8);
    }
}

static void
test_end_equals_start (void)
{
  BargedWindow w = { 7, 8 };
  g_autoptr(GError) error = NULL;

  g_assert_false (barged_window_parse ("08:00-08:00", &w, &error));
  g_assert_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "differ"));
  g_assert_cmpuint (w.start, ==, 7);
  g_clear_error (&error);
  g_assert_false (barged_window_parse ("8:00-08:00", &w, &error));
  g_assert_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT);
}

static void
test_same_day (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  BargedWindow w = parse ("09:30-17:00");
  struct { const char *now; gboolean inside; const char *next; } cases[] = {
    { "2026-12-07T09:29:59Z", FALSE, "2026-12-07T09:30:00Z" },
    { "2026-12-07T09:30:00Z", TRUE, "2026-12-07T17:00:00Z" },
    { "2026-12-07T16:59:59Z", TRUE, "2026-12-07T17:00:00Z" },
    { "2026-12-07T17:00:00Z", FALSE, "2026-12-08T09:30:00Z" },
    { "2026-12-07T23:59:59Z", FALSE, "2026-12-08T09:30:00Z" },
    { "2026-12-07T00:00:00Z", FALSE, "2026-12-07T09:30:00Z" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) now = at (cases[i].now, utc);
      g_autofree char *next = next_after (&w, now);

      g_assert_cmpint (barged_window_contains (&w, now), ==, cases[i].inside);
      g_assert_cmpstr (next, ==, cases[i].next);
    }
}

static void
test_crosses_midnight (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("Europe/Berlin");
  BargedWindow w = parse ("22:00-06:00");
  struct { const char *now; gboolean inside; const char *next; } cases[] = {
    { "2026-12-07T21:59:58+01:00", FALSE, "2026-12-07T22:00:00+01" },
    { "2026-12-07T22:00:00+01:00", TRUE, "2026-12-08T06:00:00+01" },
    { "2026-12-07T23:59:59+01:00", TRUE, "2026-12-08T06:00:00+01" },
    { "2026-12-08T00:00:00+01:00", TRUE, "2026-12-08T06:00:00+01" },
    { "2026-12-08T05:59:59+01:00", TRUE, "2026-12-08T06:00:00+01" },
    { "2026-12-08T06:00:00+01:00", FALSE, "2026-12-08T22:00:00+01" },
    { "2026-12-08T12:00:00+01:00", FALSE, "2026-12-08T22:00:00+01" },
  };

  g_assert_nonnull (zone);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) now = at (cases[i].now, zone);
      g_autofree char *next = next_after (&w, now);

      g_assert_cmpint (barged_window_contains (&w, now), ==, cases[i].inside);
      g_assert_cmpstr (next, ==, cases[i].next);
    }
}

/* Europe/Berlin, 2027-03-28: at 02:00 CET the clock goes to 03:00 CEST, so
 * 02:30 does not exist that day. A window from 02:30 opens when the clock
 * jumps past it (03:00 CEST), not an hour later, nor a day later. */
static void
test_dst_spring_forward (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("Europe/Berlin");
  BargedWindow w = parse ("02:30-04:00");
  g_autoptr(GDateTime) before = at ("2027-03-28T01:00:00+01:00", zone);
  g_autoptr(GDateTime) jump = NULL;
  g_autoptr(GDateTime) just_before = NULL;
  g_autofree char *next = NULL;
  g_autofree char *after_jump = NULL;

  g_assert_nonnull (zone);
  g_assert_false (barged_window_contains (&w, before));
  next = next_after (&w, before);
  g_assert_cmpstr (next, ==, "2027-03-28T03:00:00+02");
  jump = barged_window_next_boundary (&w, before);
  g_assert_true (barged_window_contains (&w, jump));
  just_before = g_date_time_add_seconds (jump, -1);
  g_assert_cmpint (g_date_time_get_hour (just_before), ==, 1);
  g_assert_false (barged_window_contains (&w, just_before));
  /* From the jump on, the end as usual: 04:00 CEST. */
  after_jump = next_after (&w, jump);
  g_assert_cmpstr (after_jump, ==, "2027-03-28T04:00:00+02");

  /* A window that ends in the skipped hour ends at the jump. */
  {
    BargedWindow night = parse ("23:00-02:30");
    g_autoptr(GDateTime) inside = at ("2027-03-28T01:59:00+01:00", zone);
    g_autofree char *end = next_after (&night, inside);
    g_autoptr(GDateTime) end_time = barged_window_next_boundary (&night, inside);

    g_assert_true (barged_window_contains (&night, inside));
    g_assert_cmpstr (end, ==, "2027-03-28T03:00:00+02");
    g_assert_false (barged_window_contains (&night, end_time));
  }
  /* A window around the skipped hour is an hour shorter that day, and the
   * day before and after are as usual. */
  {
    BargedWindow wide = parse ("01:00-05:00");
    g_autoptr(GDateTime) start = at ("2027-03-28T01:00:00+01:00", zone);
    g_autofree char *look_again = next_after (&wide, start);
    g_autoptr(GDateTime) jumped = barged_window_next_boundary (&wide, start);
    g_autofree char *end = next_after (&wide, jumped);
    g_autoptr(GDateTime) day_before = at ("2027-03-27T12:00:00+01:00", zone);
    g_autofree char *next_start = next_after (&wide, day_before);

    /* The jump is a moment to look again: still inside, until 05:00 CEST. */
    g_assert_cmpstr (look_again, ==, "2027-03-28T03:00:00+02");
    g_assert_true (barged_window_contains (&wide, jumped));
    g_assert_cmpstr (end, ==, "2027-03-28T05:00:00+02");
    /* Looked at the day before, the start is the next night's 01:00 CET
     * (the offset changes only after it). */
    g_assert_cmpstr (next_start, ==, "2027-03-28T01:00:00+01");
  }
}

/* Europe/Berlin, 2027-10-31: at 03:00 CEST the clock goes back to 02:00
 * CET, so 02:00-03:00 happens twice. A window that ended at the first
 * 02:30 is inside again when the clock goes back to 02:00, and ends again
 * at the second 02:30: by its wall-clock times. */
static void
test_dst_fall_back (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("Europe/Berlin");
  BargedWindow w = parse ("01:00-02:30");
  g_autoptr(GDateTime) first_end = at ("2027-10-31T02:30:00+02:00", zone);
  g_autofree char *back = NULL;
  g_autoptr(GDateTime) back_time = NULL;
  g_autofree char *second_end = NULL;

  g_assert_false (barged_window_contains (&w, first_end));
  back = next_after (&w, first_end);
  g_assert_cmpstr (back, ==, "2027-10-31T02:00:00+01");
  back_time = barged_window_next_boundary (&w, first_end);
  g_assert_true (barged_window_contains (&w, back_time));
  second_end = next_after (&w, back_time);
  g_assert_cmpstr (second_end, ==, "2027-10-31T02:30:00+01");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/window/parse", test_parse);
  g_test_add_func ("/window/parse-refused", test_parse_refused);
  g_test_add_func ("/window/end-equals-start", test_end_equals_start);
  g_test_add_func ("/window/same-day", test_same_day);
  g_test_add_func ("/window/crosses-midnight", test_crosses_midnight);
  g_test_add_func ("/window/dst-spring-forward", test_dst_spring_forward);
  g_test_add_func ("/window/dst-fall-back", test_dst_fall_back);
  return g_test_run ();
}
