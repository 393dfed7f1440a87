/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Values typed by people: "90", "90s", "10m", "2h", "14d", or sums such
 * as "1h30m". A bare number is in seconds. Errors are G_OPTION_ERROR. */
gboolean bargectl_parse_duration (const char *text, guint64 max_seconds,
                                  guint64 *seconds, GError **error);

/* A plain unsigned decimal number no larger than @max. */
gboolean bargectl_parse_uint (const char *text, guint64 max, guint64 *value, GError **error);

/* A notify command line as typed: split as a POSIX shell would (quotes
 * and backslashes, no expansion) into the program and its arguments.
 * Blank text is no program: an empty vector. Text that is not UTF-8 is
 * refused (it could not go over D-Bus). */
gboolean bargectl_parse_command_line (const char *text, char ***argv, GError **error);

/* The list of `add --list=FILE` and `download --list=FILE`: one
 * "URL LOCALPATH" per line (FILE "-" is standard input); appends to @urls
 * and @paths (absolute: a relative LOCALPATH is relative to the current
 * folder). A line without a LOCALPATH, or a list without a file, is an
 * error (then @urls and @paths may hold part of the list: drop them). Every
 * error starts with "FILE: ", ready for bargectl_usage_error(). */
gboolean bargectl_read_file_list (const char *filename, GPtrArray *urls, GPtrArray *paths,
                                  GError **error);

G_END_DECLS
