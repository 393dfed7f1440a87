/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bargectl's parsers of typed values (src/tool/bargectl-parse.c), without a
 * service: RATE, as `--limit` and `set JOB bandwidth-limit` take it; TIME
 * and windows, as `--not-before`, `--window` and `set` take them. */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "bargectl-parse.h"

static const struct {
  const char *text;
  guint64 bytes_per_second;
} good_rates[] = {
  { "1024", 1024 },
  { "2000000", 2000000 },
  { "100000000000", 100000000000 },
  { "2k", 2000 },
  { "2K", 2000 },
  { "2kB", 2000 },
  { "1KiB", 1024 },
  { "1.5M", 1500000 },
  { "2MB", 2000000 },
  { "2MiB", 2097152 },
  { "1G", 1000000000 },
  { "1GiB", 1073741824 },
  { "100G", 100000000000 },
  { "100GB", 100000000000 },
  { "16kbit", 2000 },
  { "10Mbit", 1250000 },
  { "1Gbit", 125000000 },
  { "800Gbit", 100000000000 },
  /* As `info` prints it, and with the blanks a shell may keep. */
  { "2.0 MB/s", 2000000 },
  { "2.0\u00a0MB/s", 2000000 },
  { "2M/s", 2000000 },
  { "10Mbit/s", 1250000 },
  { " 3M ", 3000000 },
  /* Whole bytes, rounded. */
  { "1023.5", 1024 },
  { "1.0000001M", 1000000 },
  { "1.2345678k", 1235 },
  { "none", 0 },
  { "None", 0 },
  { "unlimited", 0 },
};

static void
test_rate_good (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (good_rates); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 value = 42;

      g_test_message ("%s", good_rates[i].text);
      g_assert_true (bargectl_parse_rate (good_rates[i].text, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (value, ==, good_rates[i].bytes_per_second);
    }
}

static void
check_bad (const char * const *texts, const char *problem)
{
  for (gsize i = 0; texts[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *trimmed = g_strstrip (g_strdup (texts[i]));
      g_autofree char *expected = g_strconcat ("“", trimmed, "” ", problem, " ", NULL);
      guint64 value = 42;

      g_test_message ("“%s”", texts[i]);
      g_assert_false (bargectl_parse_rate (texts[i], &value, &error));
      g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
      g_assert_cmpuint (value, ==, 42);
      /* What was wrong, then what is accepted. */
      g_assert_true (g_str_has_prefix (error->message, expected));
      g_assert_nonnull (strstr (error->message, "RATE is a number of bytes per second with an optional "
                                                "unit (k, M, G, KiB, MiB, GiB, kbit, Mbit, Gbit), from "
                                                "1 KiB/s to 100 GB/s, or none."));
    }
}

static void
test_rate_not_a_rate (void)
{
  static const char * const texts[] = {
    "", "fast", "-1M", "+5M", "1e6", "0x400", "1,5M", "1.M", ".5M", "5 m", "5Mb", "5mbit",
    "5MiB/h", "5 M B", "inf", "nan", "2M/s/s", "1 2", "none please", NULL
  };

  check_bad (texts, "is not a rate.");
}

static void
test_rate_out_of_range (void)
{
  static const char * const texts[] = {
    "0", "0k", "0.0", "1", "1000", "1k", "8kbit", "1023.4", "100000000001", "100.1G", "94GiB",
    "801Gbit", "1000000000000000000000000", "99999999999999999999999999999999999999999999G", NULL
  };

  check_bad (texts, "is out of range.");
}

/* TIME against a fixed "now" in Europe/Berlin. */
static GDateTime *
berlin (const char *iso)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("Europe/Berlin");
  g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (zone);
  g_assert_nonnull (t);
  return g_date_time_to_timezone (t, zone);
}

static gint64
unix_of (const char *iso)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (t);
  return g_date_time_to_unix (t);
}

static void
test_time_good (void)
{
  g_autoptr(GDateTime) now = berlin ("2026-12-07T21:30:00+01:00");
  static const struct {
    const char *text;
    const char *expected; /* ISO 8601 with an offset; NULL: 0 */
  } cases[] = {
    /* HH:MM: the next such local time, today or tomorrow. */
    { "22:00", "2026-12-07T22:00:00+01:00" },
    { "6:05", "2026-12-08T06:05:00+01:00" },
    { "21:30", "2026-12-08T21:30:00+01:00" },
    { "21:31", "2026-12-07T21:31:00+01:00" },
    /* ISO 8601: local time without an offset, else as it says. */
    { "2026-12-24T22:00", "2026-12-24T22:00:00+01:00" },
    { "2026-12-24T22:00:30", "2026-12-24T22:00:30+01:00" },
    { "2026-12-24 22:00", "2026-12-24T22:00:00+01:00" },
    { "2026-12-24T22:00+02:00", "2026-12-24T21:00:00+01:00" },
    { "2026-12-24T21:00:00Z", "2026-12-24T22:00:00+01:00" },
    { "2027-07-01T08:00:00+02:00", "2027-07-01T06:00:00Z" },
    { " 2026-12-07T21:30:00+01:00 ", "2026-12-07T21:30:00+01:00" },
    { "none", NULL },
    { "None", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 when = -1;

      g_test_message ("%s", cases[i].text);
      g_assert_true (bargectl_parse_time (cases[i].text, now, &when, &error));
      g_assert_no_error (error);
      g_assert_cmpint (when, ==, cases[i].expected != NULL ? unix_of (cases[i].expected) : 0);
    }
}

static void
test_time_refused (void)
{
  g_autoptr(GDateTime) now = berlin ("2026-12-07T21:30:00+01:00");
  static const struct {
    const char *text;
    const char *problem;
  } cases[] = {
    { "2026-12-07T21:29:59+01:00", "is in the past." },
    { "2020-01-01T00:00", "is in the past." },
    { "", "is not a time." },
    { "tomorrow", "is not a time." },
    { "24:00", "is not a time." },
    { "12:60", "is not a time." },
    { "12:5", "is not a time." },
    { "2026-12-24", "is not a time." },
    { "1900000000", "is not a time." },
    { "22:00-06:00", "is not a time." },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 when = 42;

      g_test_message ("%s", cases[i].text);
      g_assert_false (bargectl_parse_time (cases[i].text, now, &when, &error));
      g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
      g_assert_nonnull (strstr (error->message, cases[i].problem));
      g_assert_nonnull (strstr (error->message, "TIME is a date and time in ISO 8601"));
      g_assert_cmpint (when, ==, 42);
    }
}

static void
test_window (void)
{
  static const struct {
    const char *text;
    const char *canonical; /* NULL: refused */
  } cases[] = {
    { "22:00-06:00", "22:00-06:00" },
    { "7:05-9:30", "07:05-09:30" },
    { " 00:00-23:59 ", "00:00-23:59" },
    { "none", "" },
    { "always", "" },
    { "", "" },
    { "08:00-08:00", NULL },
    { "25:00-01:00", NULL },
    { "10:60-11:00", NULL },
    { "22:00", NULL },
    { "22:00 - 06:00", NULL },
    { "garbage", NULL },
    { "22:00-06:00-07:00", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *window = NULL;
      gboolean ok = bargectl_parse_window (cases[i].text, &window, &error);

      g_test_message ("%s", cases[i].text);
      if (cases[i].canonical != NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpstr (window, ==, cases[i].canonical);
        }
      else
        {
          g_assert_false (ok);
          g_assert_null (window);
          g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
          g_assert_nonnull (strstr (error->message, "A window is HH:MM-HH:MM in local time"));
        }
    }
}

/* Sizes, for --size-hint: the units of rates but bits, and T; 2^53 at most. */
static void
test_size (void)
{
  static const struct { const char *text; guint64 bytes; } good[] = {
    { "0", 0 }, { "none", 0 }, { "123", 123 }, { "20M", 20000000 }, { "3GiB", G_GUINT64_CONSTANT (3) << 30 },
    { "1.5 kB", 1500 }, { "2T", G_GUINT64_CONSTANT (2000000000000) }, { "1TiB", G_GUINT64_CONSTANT (1) << 40 },
    { "9007199254740992", G_GUINT64_CONSTANT (1) << 53 },
  };
  static const char * const bad[] = {
    "", "big", "-1", "1e6", "5Mbit", "5M/s", "9007199254740993", "9P", "1,5M", NULL
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 value = 42;

      g_test_message ("%s", good[i].text);
      g_assert_true (bargectl_parse_size (good[i].text, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (value, ==, good[i].bytes);
    }
  for (gsize i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 value = 42;

      g_test_message ("“%s”", bad[i]);
      g_assert_false (bargectl_parse_size (bad[i], &value, &error));
      g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
      g_assert_cmpuint (value, ==, 42);
      g_assert_nonnull (strstr (error->message, "SIZE is a number of bytes"));
    }
}

int
main (int argc, char **argv)
{
  /* The English messages, whatever the caller's locale. */
  g_setenv ("LANGUAGE", "C", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/parse/rate/good", test_rate_good);
  g_test_add_func ("/parse/rate/not-a-rate", test_rate_not_a_rate);
  g_test_add_func ("/parse/rate/out-of-range", test_rate_out_of_range);
  g_test_add_func ("/parse/time/good", test_time_good);
  g_test_add_func ("/parse/time/refused", test_time_refused);
  g_test_add_func ("/parse/window", test_window);
  g_test_add_func ("/parse/size", test_size);
  return g_test_run ();
}
