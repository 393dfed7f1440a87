/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <barge.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Text and JSON views of jobs and files, shared by list, info, monitor and
 * download so that every command names things the same way. */

char *bargectl_format_size (guint64 bytes);
/* As bargectl_format_size(), with "?" for BARGE_SIZE_UNKNOWN. */
char *bargectl_format_bytes (guint64 bytes);
char *bargectl_format_duration (double seconds);
/* "2.0 MB/s", or "none" for 0. */
char *bargectl_format_rate (guint64 bytes_per_second);
char *bargectl_format_local_time (gint64 usec);
/* A program and its arguments quoted as for a shell (what `set
 * notify-command-line` reads back); NULL for an empty command line. */
char *bargectl_format_command_line (const char * const *argv);

/* "12.3 MB/40.0 MB", with "?" for a total that is not known yet. */
char *bargectl_format_byte_progress (BargeProgress *progress);

/* One line for `list`: id, state, priority, bytes, files, display name. */
char *bargectl_job_list_line (BargeJob *job);
/* The column titles of those lines, for people (not for scripts). */
char *bargectl_job_list_header (void);

/* One line for `files`: number, complete or not, bytes, URL, local path. */
char *bargectl_file_list_line (BargeFile *file, guint index);

/* The lines of `info`. */
char *bargectl_job_describe (BargeJob *job);

/* The JSON of `--json` (docs/man/bargectl.1 has the schema): a job object,
 * and the array of the job's file objects, as in its "files" member. */
void bargectl_json_add_job (JsonBuilder *builder, BargeJob *job, gboolean with_files);
void bargectl_json_add_files (JsonBuilder *builder, BargeJob *job);
/* Prints the builder's document to standard output as UTF-8 in any locale,
 * indented by two spaces and ending with a newline. */
void bargectl_json_print (JsonBuilder *builder);

/* Prints the job's error to stderr: context, D-Bus name, message, file. */
void bargectl_print_job_error (BargeJob *job, const char *description);

G_END_DECLS
