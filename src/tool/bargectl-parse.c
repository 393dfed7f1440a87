/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "bargectl-parse.h"

gboolean
bargectl_parse_uint (const char *text, guint64 max, guint64 *value, GError **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_ascii_string_to_unsigned (text, 10, 0, max, value, &local_error))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   /* TRANSLATORS: %s is what was typed, %lu the largest value allowed */
                   _("“%s” is not a whole number from 0 to %" PRIu64), text, max);
      return FALSE;
    }
  return TRUE;
}

gboolean
bargectl_parse_command_line (const char *text, char ***argv, GError **error)
{
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (text));

  if (*trimmed == '\0')
    {
      *argv = g_new0 (char *, 1);
      return TRUE;
    }
  /* The words go over D-Bus as strings. */
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("The command line is not valid UTF-8"));
      return FALSE;
    }
  if (!g_shell_parse_argv (text, NULL, argv, &parse_error))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Cannot read the command line: %s"), parse_error->message);
      return FALSE;
    }
  return TRUE;
}

static guint64
unit_seconds (char unit)
{
  switch (unit)
    {
    case 's':
      return 1;
    case 'm':
      return 60;
    case 'h':
      return 3600;
    case 'd':
      return 86400;
    default:
      return 0;
    }
}

gboolean
bargectl_parse_duration (const char *text, guint64 max_seconds, guint64 *seconds, GError **error)
{
  const char *p = text;
  guint64 total = 0;

  if (!bargectl_nonempty (text))
    goto invalid;
  while (*p != '\0')
    {
      guint64 number = 0, unit;
      const char *start = p;

      while (g_ascii_isdigit (*p))
        {
          if (number > (G_MAXUINT64 - 9) / 10)
            goto too_large;
          number = number * 10 + (guint64) (*p - '0');
          p++;
        }
      if (p == start)
        goto invalid;
      if (*p == '\0')
        {
          /* A bare number is seconds, but only on its own: "1h30" is a typo. */
          if (start != text)
            goto invalid;
          unit = 1;
        }
      else if ((unit = unit_seconds (g_ascii_tolower (*p))) == 0)
        goto invalid;
      else
        p++;
      if (number > max_seconds / unit || total > max_seconds - number * unit)
        goto too_large;
      total += number * unit;
    }
  *seconds = total;
  return TRUE;

invalid:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("“%s” is not a duration; use seconds or units such as 90s, 10m, 2h, 14d"),
               text != NULL ? text : "");
  return FALSE;
too_large:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("“%s” is longer than the %" PRIu64 " seconds allowed"), text, max_seconds);
  return FALSE;
}

/* TRANSLATORS: what RATE may be; the units and "none" stay as they are,
 * since they are typed */
#define RATE_HELP N_("RATE is a number of bytes per second with an optional unit " \
                     "(k, M, G, KiB, MiB, GiB, kbit, Mbit, Gbit), from 1 KiB/s to 100 GB/s, or none.")

/* TRANSLATORS: what SIZE may be; the units and "none" stay as they are,
 * since they are typed */
#define SIZE_HELP N_("SIZE is a number of bytes with an optional unit (k, M, G, T, KiB, MiB, GiB, TiB), " \
                     "at most 8 PiB, or none.")

static const struct {
  const char *name;
  double bytes;
  gboolean bits;               /* a rate's unit only */
} units[] = {
  { "", 1, FALSE }, { "B", 1, FALSE },
  { "k", 1e3, FALSE }, { "K", 1e3, FALSE }, { "kB", 1e3, FALSE }, { "KB", 1e3, FALSE }, { "KiB", 1024, FALSE },
  { "M", 1e6, FALSE }, { "MB", 1e6, FALSE }, { "MiB", 1024 * 1024, FALSE },
  { "G", 1e9, FALSE }, { "GB", 1e9, FALSE }, { "GiB", 1024 * 1024 * 1024, FALSE },
  { "T", 1e12, FALSE }, { "TB", 1e12, FALSE }, { "TiB", 1024.0 * 1024 * 1024 * 1024, FALSE },
  { "kbit", 1e3 / 8, TRUE }, { "Kbit", 1e3 / 8, TRUE }, { "Mbit", 1e6 / 8, TRUE }, { "Gbit", 1e9 / 8, TRUE },
};

/* Bytes per unit of @unit ("MiB", "" for bytes; for a rate also bits and
 * a "/s"), or 0. */
static double
unit_bytes (const char *unit, gboolean rate)
{
  g_autofree char *name = rate && g_str_has_suffix (unit, "/s") ? g_strndup (unit, strlen (unit) - 2)
                                                                 : g_strdup (unit);

  for (gsize i = 0; i < G_N_ELEMENTS (units); i++)
    if (g_str_equal (units[i].name, name) && (rate || !units[i].bits))
      return units[i].bytes;
  return 0;
}

/* An amount as typed, trimmed: digits, maybe a point and more digits (no
 * sign, exponent, hex, infinity or decimal comma, which strtod would
 * take), maybe a space (or the no-break space `info` prints), a unit.
 * Rounded to whole bytes; a double holds every one in range exactly. */
static gboolean
scan_amount (const char *text, gboolean rate, double *bytes)
{
  const char *p = text;
  g_autofree char *number = NULL;
  double unit;

  while (g_ascii_isdigit (*p))
    p++;
  if (p != text && *p == '.' && g_ascii_isdigit (p[1]))
    for (p++; g_ascii_isdigit (*p);)
      p++;
  number = g_strndup (text, p - text);
  while (*p == ' ' || g_str_has_prefix (p, "\u00a0"))
    p += *p == ' ' ? 1 : strlen ("\u00a0");
  unit = unit_bytes (p, rate);
  if (*number == '\0' || unit == 0)
    return FALSE;
  *bytes = g_ascii_strtod (number, NULL) * unit + 0.5;
  return TRUE;
}

gboolean
bargectl_parse_size (const char *text, guint64 *bytes, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  double value;
  gboolean ok;

  if (g_ascii_strcasecmp (trimmed, "none") == 0)
    {
      *bytes = 0;
      return TRUE;
    }
  /* A whole number of bytes is read exactly: a double cannot tell 2^53
   * from 2^53 + 1. */
  if (*trimmed != '\0' && strspn (trimmed, "0123456789") == strlen (trimmed))
    ok = g_ascii_string_to_unsigned (trimmed, 10, 0, BARGECTL_SIZE_MAX, bytes, NULL);
  else if ((ok = scan_amount (trimmed, FALSE, &value) && value <= (double) BARGECTL_SIZE_MAX))
    *bytes = (guint64) value;
  if (!ok)
    {
      /* TRANSLATORS: %s is what was typed, then what SIZE may be */
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("“%s” is not a size. %s"), trimmed,
                   _(SIZE_HELP));
      return FALSE;
    }
  return TRUE;
}

/* What is wrong, then what RATE may be. */
static gboolean G_GNUC_PRINTF (2, 3)
rate_error (GError **error, const char *format, ...)
{
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s %s", problem, _(RATE_HELP));
  return FALSE;
}

gboolean
bargectl_parse_segments (const char *text, guint *segments, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  guint64 n = 0;

  if (g_ascii_strcasecmp (trimmed, "auto") == 0)
    {
      *segments = 0;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (trimmed, 10, 1, BARGECTL_SEGMENTS_MAX, &n, NULL))
    {
      /* TRANSLATORS: %s is what was typed; "auto" stays as it is */
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not a number of connections: use 1 to %u, or auto."), trimmed,
                   BARGECTL_SEGMENTS_MAX);
      return FALSE;
    }
  *segments = (guint) n;
  return TRUE;
}

gboolean
bargectl_parse_rate (const char *text, guint64 *bytes_per_second, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  double value;

  if (g_ascii_strcasecmp (trimmed, "none") == 0 || g_ascii_strcasecmp (trimmed, "unlimited") == 0)
    {
      *bytes_per_second = 0;
      return TRUE;
    }
  if (!scan_amount (trimmed, TRUE, &value))
    /* TRANSLATORS: %s is what was typed */
    return rate_error (error, _("“%s” is not a rate."), trimmed);
  if (value < (double) BARGECTL_RATE_MIN || value >= (double) BARGECTL_RATE_MAX + 1)
    /* TRANSLATORS: %s is what was typed */
    return rate_error (error, _("“%s” is out of range."), trimmed);
  *bytes_per_second = (guint64) value;
  return TRUE;
}

/* TRANSLATORS: what TIME may be; "none" and the examples stay as they are,
 * since they are typed */
#define TIME_HELP N_("TIME is a date and time in ISO 8601 such as 2026-12-24T22:00 (local time unless " \
                     "it has an offset such as Z or +01:00), HH:MM for the next such local time, or none.")

/* TRANSLATORS: what a window may be; "none" and the example stay as they
 * are, since they are typed */
#define WINDOW_HELP N_("A window is HH:MM-HH:MM in local time (hours 0 to 23, minutes 00 to 59; " \
                       "such as 22:00-06:00, which crosses midnight), with the end not equal to the start, " \
                       "or none.")

/* "H:MM" or "HH:MM" at *@p, as minutes after midnight; moves *@p past it. */
static gboolean
parse_clock_time (const char **p, guint *minutes)
{
  const char *s = *p;
  guint hour = 0, digits = 0;

  for (; g_ascii_isdigit (*s) && digits < 2; s++, digits++)
    hour = hour * 10 + (guint) g_ascii_digit_value (*s);
  if (digits == 0 || hour > 23 || s[0] != ':' || !g_ascii_isdigit (s[1]) || !g_ascii_isdigit (s[2]) ||
      g_ascii_digit_value (s[1]) > 5)
    return FALSE;
  *minutes = hour * 60 + (guint) (g_ascii_digit_value (s[1]) * 10 + g_ascii_digit_value (s[2]));
  *p = s + 3;
  return TRUE;
}

/* ISO 8601 as GLib reads it, but the seconds may be left out
 * ("2026-12-24T22:00"), and a space may stand for the T. */
static GDateTime *
parse_iso8601 (const char *text, GTimeZone *zone)
{
  g_autofree char *full = g_strdup (text);
  char *t = strpbrk (full, "Tt ");
  GDateTime *when;

  if (t == NULL)
    return NULL;
  *t = 'T';
  when = g_date_time_new_from_iso8601 (full, zone);
  if (when == NULL && g_ascii_isdigit (t[1]) && g_ascii_isdigit (t[2]) && t[3] == ':' &&
      g_ascii_isdigit (t[4]) && g_ascii_isdigit (t[5]) && t[6] != ':')
    {
      g_autofree char *with_seconds = g_strdup_printf ("%.*s:00%s", (int) (t + 6 - full), full, t + 6);

      when = g_date_time_new_from_iso8601 (with_seconds, zone);
    }
  return when;
}

gboolean
bargectl_parse_time (const char *text, GDateTime *now, gint64 *unix_seconds, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autoptr(GDateTime) when = NULL;
  const char *p = trimmed;
  guint minutes;

  if (g_ascii_strcasecmp (trimmed, "none") == 0)
    {
      *unix_seconds = 0;
      return TRUE;
    }
  if (parse_clock_time (&p, &minutes) && *p == '\0')
    {
      /* The next such time: today's, or tomorrow's once it passed. */
      for (int days = 0; days <= 1 && when == NULL; days++)
        {
          g_autoptr(GDateTime) day = g_date_time_add_days (now, days);
          g_autoptr(GDateTime) candidate =
            g_date_time_new (g_date_time_get_timezone (now), g_date_time_get_year (day),
                             g_date_time_get_month (day), g_date_time_get_day_of_month (day),
                             (int) (minutes / 60), (int) (minutes % 60), 0);

          if (candidate != NULL && g_date_time_compare (candidate, now) > 0)
            when = g_steal_pointer (&candidate);
        }
    }
  else
    when = parse_iso8601 (trimmed, g_date_time_get_timezone (now));
  if (when == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   /* TRANSLATORS: %s is what was typed, then what TIME may be */
                   _("“%s” is not a time. %s"), trimmed, _(TIME_HELP));
      return FALSE;
    }
  if (g_date_time_compare (when, now) < 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   /* TRANSLATORS: %s is what was typed, then what TIME may be */
                   _("“%s” is in the past. %s"), trimmed, _(TIME_HELP));
      return FALSE;
    }
  *unix_seconds = g_date_time_to_unix (when);
  return TRUE;
}

gboolean
bargectl_parse_window (const char *text, char **window, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  const char *p = trimmed;
  guint start, end;

  if (*trimmed == '\0' || g_ascii_strcasecmp (trimmed, "none") == 0 ||
      g_ascii_strcasecmp (trimmed, "always") == 0)
    {
      *window = g_strdup ("");
      return TRUE;
    }
  if (!parse_clock_time (&p, &start) || *p++ != '-' || !parse_clock_time (&p, &end) || *p != '\0' ||
      start == end)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   /* TRANSLATORS: %s is what was typed, then what a window may be */
                   _("“%s” is not a window. %s"), trimmed, _(WINDOW_HELP));
      return FALSE;
    }
  *window = g_strdup_printf ("%02u:%02u-%02u:%02u", start / 60, start % 60, end / 60, end % 60);
  return TRUE;
}

gboolean
bargectl_time_options_parse (const char *not_before, const char *window, BargectlTimeOptions *options,
                             GError **error)
{
  *options = (BargectlTimeOptions) { 0 };
  if (not_before != NULL)
    {
      g_autoptr(GTimeZone) zone = g_time_zone_new_local ();
      g_autoptr(GDateTime) now = g_date_time_new_now (zone);

      if (!bargectl_parse_time (not_before, now, &options->not_before, error))
        {
          g_prefix_error (error, "--not-before: ");
          return FALSE;
        }
      options->has_not_before = TRUE;
    }
  if (window != NULL)
    {
      g_autofree char *canonical = NULL;

      if (!bargectl_parse_window (window, &canonical, error))
        {
          g_prefix_error (error, "--window: ");
          return FALSE;
        }
      g_strlcpy (options->window, canonical, sizeof options->window);
      options->has_window = TRUE;
    }
  return TRUE;
}

void
bargectl_time_options_add (const BargectlTimeOptions *options, GVariantBuilder *create_options)
{
  if (options->has_not_before)
    g_variant_builder_add (create_options, "{sv}", "not-before", g_variant_new_int64 (options->not_before));
  if (options->has_window)
    g_variant_builder_add (create_options, "{sv}", "transfer-window", g_variant_new_string (options->window));
}

static char *
read_list (const char *filename, GError **error)
{
  g_autoptr(GString) text = NULL;
  char buffer[4096];
  size_t n;

  if (!g_str_equal (filename, "-"))
    {
      char *contents = NULL;

      if (!g_file_get_contents (filename, &contents, NULL, error))
        return NULL;
      return contents;
    }
  text = g_string_new (NULL);
  while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0)
    g_string_append_len (text, buffer, (gssize) n);
  if (ferror (stdin))
    {
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_IO, _("Cannot read standard input"));
      return NULL;
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Lines are "URL LOCALPATH"; the path is the rest of the line, so it may
 * contain spaces. Empty lines and lines starting with # are skipped. */
static gboolean
parse_list (const char *contents, GPtrArray *urls, GPtrArray *paths, GError **error)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *space;

      if (*line == '\0' || *line == '#')
        continue;
      space = strpbrk (line, " \t");
      if (space == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Line %u: expected “URL LOCALPATH”"), i + 1);
          return FALSE;
        }
      *space = '\0';
      g_ptr_array_add (urls, g_strdup (line));
      g_ptr_array_add (paths, g_canonicalize_filename (g_strstrip (space + 1), NULL));
    }
  if (urls->len == 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("The list has no files"));
      return FALSE;
    }
  return TRUE;
}

gboolean
bargectl_read_file_list (const char *filename, GPtrArray *urls, GPtrArray *paths, GError **error)
{
  g_autofree char *contents = read_list (filename, error);

  if (contents == NULL || !parse_list (contents, urls, paths, error))
    {
      g_prefix_error (error, "%s: ", filename);
      return FALSE;
    }
  return TRUE;
}

/* "START-END" (both included) or "START-" into BITS' (offset, length). */
static gboolean
parse_range (const char *text, guint64 *offset, guint64 *length, GError **error)
{
  const char *dash = strchr (text, '-');
  g_autofree char *start = dash != NULL ? g_strndup (text, (gsize) (dash - text)) : NULL;
  guint64 last = 0;

  if (dash == NULL || !g_ascii_string_to_unsigned (start, 10, 0, G_MAXUINT64 - 1, offset, NULL) ||
      (dash[1] != '\0' && (!g_ascii_string_to_unsigned (dash + 1, 10, 0, G_MAXUINT64 - 1, &last, NULL) ||
                           last < *offset)))
    {
      /* TRANSLATORS: %s is what was typed after --range= */
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--range takes START-END (bytes, both included) or START- (to the end), not “%s”"), text);
      return FALSE;
    }
  *length = dash[1] == '\0' ? G_MAXUINT64 : last - *offset + 1;
  return TRUE;
}

gboolean
bargectl_file_options_build (const BargectlFileOptions *options, GVariant **out, GError **error)
{
  g_auto(GVariantBuilder) b = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  guint64 size = 0;
  gboolean any = FALSE;

  *out = NULL;
  if (options->sha256 != NULL)
    g_variant_builder_add (&b, "{sv}", "sha256", g_variant_new_string (options->sha256)), any = TRUE;
  if (options->sha512 != NULL)
    g_variant_builder_add (&b, "{sv}", "sha512", g_variant_new_string (options->sha512)), any = TRUE;
  if (options->size != NULL)
    {
      if (!g_ascii_string_to_unsigned (options->size, 10, 0, G_MAXUINT64 - 1, &size, NULL))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("--size takes a number of bytes, not “%s”"),
                       options->size);
          return FALSE;
        }
      g_variant_builder_add (&b, "{sv}", "size", g_variant_new_uint64 (size));
      any = TRUE;
    }
  if (options->ranges != NULL && options->ranges[0] != NULL)
    {
      g_auto(GVariantBuilder) ranges = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(tt)"));

      for (guint i = 0; options->ranges[i] != NULL; i++)
        {
          guint64 offset, length;

          if (!parse_range (options->ranges[i], &offset, &length, error))
            return FALSE;
          g_variant_builder_add (&ranges, "(tt)", offset, length);
        }
      g_variant_builder_add (&b, "{sv}", "ranges", g_variant_builder_end (&ranges));
      any = TRUE;
    }
  if (any)
    *out = g_variant_ref_sink (g_variant_builder_end (&b));
  return TRUE;
}
