/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @text is a string with something in it (not NULL, not ""). */
static inline gboolean
bargectl_nonempty (const char *text)
{
  return text != NULL && *text != '\0';
}

/* Values typed by people: "90", "90s", "10m", "2h", "14d", or sums such
 * as "1h30m". A bare number is in seconds. Errors are G_OPTION_ERROR. */
gboolean bargectl_parse_duration (const char *text, guint64 max_seconds,
                                  guint64 *seconds, GError **error);

/* The bandwidth limits the service takes besides 0 (no limit), in bytes
 * per second: 1 KiB/s to 100 GB/s. */
#define BARGECTL_RATE_MIN G_GUINT64_CONSTANT (1024)
#define BARGECTL_RATE_MAX G_GUINT64_CONSTANT (100000000000)

/* A rate as typed: a number of bytes per second ("2000000", "1.5"), with an
 * optional unit: k or K, M, G (powers of 1000; kB, MB, GB too), KiB, MiB,
 * GiB (powers of 1024), kbit, Mbit, Gbit (bits: an eighth), optionally
 * followed by "/s" ("2.0 MB/s", as `info` prints it, also with its no-break
 * space). Rounded to whole bytes, it must be from BARGECTL_RATE_MIN to
 * BARGECTL_RATE_MAX; "none" and "unlimited" are 0, no limit. Errors are
 * G_OPTION_ERROR and say what is accepted. */
gboolean bargectl_parse_rate (const char *text, guint64 *bytes_per_second, GError **error);

/* The largest size hint the service takes: 2^53 bytes (8 PiB). */
#define BARGECTL_SIZE_MAX (G_GUINT64_CONSTANT (1) << 53)

/* A size as typed, for --size-hint and `set size-hint`: a number of bytes
 * with an optional unit (k, M, G, T, powers of 1000, with or without B;
 * KiB, MiB, GiB, TiB), at most BARGECTL_SIZE_MAX; "none" is 0. Errors are
 * G_OPTION_ERROR and say what is accepted. */
gboolean bargectl_parse_size (const char *text, guint64 *bytes, GError **error);

/* --size-hint=SIZE, of create, download and upload. */
#define BARGECTL_SIZE_HINT_OPTION_ENTRY(variable) \
  { "size-hint", 0, 0, G_OPTION_ARG_STRING, &(variable), \
    /* TRANSLATORS: the units stay as they are, since they are typed */ \
    N_("How many bytes the job is expected to move, such as 20M or 3GiB: of queued jobs, " \
       "those expected to move less start first"), \
    N_("SIZE") }

/* Connections one file may use at once (MaxSegments): "auto" (0) or 1 to
 * BARGECTL_SEGMENTS_MAX. Errors are G_OPTION_ERROR and say what is accepted. */
#define BARGECTL_SEGMENTS_MAX 16
gboolean bargectl_parse_segments (const char *text, guint *segments, GError **error);

/* --segments=N, of create and download. */
#define BARGECTL_SEGMENTS_OPTION_ENTRY(variable) \
  { "segments", 0, 0, G_OPTION_ARG_STRING, &(variable), \
    /* TRANSLATORS: "auto" stays as it is, since it is typed */ \
    N_("Connections one large file may use at once: 1 to 16, or auto (up to 4 in the foreground, " \
       "1 in the background)"), \
    N_("N") }

/* The GOptionEntry of --limit=RATE for @variable (a char *), the same in
 * every command that creates a job. */
/* --keep-awake, of create, download and upload. */
#define BARGECTL_KEEP_AWAKE_OPTION_ENTRY(variable) \
  { "keep-awake", 0, 0, G_OPTION_ARG_NONE, &(variable), \
    N_("Keep the machine from sleeping while the job transfers (foreground jobs only)"), NULL }

#define BARGECTL_LIMIT_OPTION_ENTRY(variable) \
  { "limit", 0, 0, G_OPTION_ARG_STRING, &(variable), \
    /* TRANSLATORS: the units and "none" stay as they are, since they are typed */ \
    N_("Limit the job to RATE: bytes per second, or with a unit such as 500k, 2M or 10Mbit; " \
       "none for no limit of its own"), \
    N_("RATE") }

/* A moment as typed, for --not-before and `set not-before`: ISO 8601
 * ("2026-12-24T22:00", in local time unless it has an offset such as Z or
 * +01:00), "HH:MM" for the next such local time after @now (today, or
 * tomorrow when it has passed), or "none" (0). A time before @now is an
 * error, as is anything else; errors are G_OPTION_ERROR and say what is
 * accepted. @now gives the zone too. */
gboolean bargectl_parse_time (const char *text, GDateTime *now, gint64 *unix_seconds, GError **error);

/* A daily window as typed, for --window and `set transfer-window`:
 * "HH:MM-HH:MM" in local time (hours 0 to 23, minutes 00 to 59, the end
 * not equal to the start), or "none"/"always"/"" for always (""). The
 * canonical form goes to @window. Errors are G_OPTION_ERROR and say what
 * is accepted. */
gboolean bargectl_parse_window (const char *text, char **window, GError **error);

/* The GOptionEntries of --not-before=TIME and --window=HH:MM-HH:MM for
 * @not_before and @window (char *), the same in every command that creates
 * a job. */
#define BARGECTL_TIME_OPTION_ENTRIES(not_before, window) \
  { "not-before", 0, 0, G_OPTION_ARG_STRING, &(not_before), \
    /* TRANSLATORS: "HH:MM" stays as it is */ \
    N_("Transfer nothing before TIME: a date and time in ISO 8601, or HH:MM for the next such time"), \
    N_("TIME") }, \
  { "window", 0, 0, G_OPTION_ARG_STRING, &(window), \
    N_("Transfer only between these local times each day, such as 22:00-06:00"), \
    N_("HH:MM-HH:MM") }

/* What --not-before and --window asked for, checked. */
typedef struct {
  gboolean has_not_before;
  gint64 not_before;          /* Unix seconds, 0 = none */
  gboolean has_window;
  char window[16];            /* canonical "HH:MM-HH:MM", "" = always */
} BargectlTimeOptions;

/* Checks @not_before and @window (NULL: not given) against the local clock
 * into @options; errors name the option. */
gboolean bargectl_time_options_parse (const char *not_before, const char *window, BargectlTimeOptions *options,
                                      GError **error);
/* Adds the CreateJob options "not-before" and "transfer-window" that
 * @options hold to @create_options (a{sv}). */
void bargectl_time_options_add (const BargectlTimeOptions *options, GVariantBuilder *create_options);

/* A plain unsigned decimal number no larger than @max. */
gboolean bargectl_parse_uint (const char *text, guint64 max, guint64 *value, GError **error);

/* A notify command line as typed: split as a POSIX shell would (quotes
 * and backslashes, no expansion) into the program and its arguments.
 * Blank text is no program: an empty vector. Text that is not UTF-8 is
 * refused (it could not go over D-Bus). */
gboolean bargectl_parse_command_line (const char *text, char ***argv, GError **error);

/* The options of one file of `add` and `download` (AddFileWithOptions):
 * --sha256, --sha512, --size (bytes) and --range (repeatable:
 * "START-END", both included as in HTTP, or "START-" to the end of the
 * file); NULL where not given. @out is NULL when none was given. A bad
 * value is G_OPTION_ERROR_BAD_VALUE naming the option; the daemon checks
 * the rest (digest length, ranges in order). */
typedef struct {
  char *sha256;
  char *sha512;
  char *size;
  char **ranges;
} BargectlFileOptions;

gboolean bargectl_file_options_build (const BargectlFileOptions *options, GVariant **out, GError **error);

#define BARGECTL_FILE_OPTION_ENTRIES(opts) \
  { "sha256", 0, 0, G_OPTION_ARG_STRING, &(opts).sha256, \
    N_("The SHA-256 the file must have (one URL): it is checked before the file counts"), N_("HEX") }, \
  { "sha512", 0, 0, G_OPTION_ARG_STRING, &(opts).sha512, N_("The SHA-512 the file must have (one URL)"), \
    N_("HEX") }, \
  { "size", 0, 0, G_OPTION_ARG_STRING, &(opts).size, N_("The size in bytes the file must have (one URL)"), \
    N_("BYTES") }, \
  { "range", 0, 0, G_OPTION_ARG_STRING_ARRAY, &(opts).ranges, \
    N_("Fetch only these bytes of the file (one URL; repeatable, in order), written at their offsets"), \
    N_("START-END") }

/* The list of `add --list=FILE` and `download --list=FILE`: one
 * "URL LOCALPATH" per line (FILE "-" is standard input); appends to @urls
 * and @paths (absolute: a relative LOCALPATH is relative to the current
 * folder). A line without a LOCALPATH, or a list without a file, is an
 * error (then @urls and @paths may hold part of the list: drop them). Every
 * error starts with "FILE: ", ready for bargectl_usage_error(). */
gboolean bargectl_read_file_list (const char *filename, GPtrArray *urls, GPtrArray *paths,
                                  GError **error);

G_END_DECLS
