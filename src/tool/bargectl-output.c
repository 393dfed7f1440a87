/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "bargectl-output.h"
#include "bargectl-parse.h"
#include "bargectl-terminal.h"

char *
bargectl_format_size (guint64 bytes)
{
  char *text = g_format_size (bytes);
  g_auto(GStrv) parts = NULL;

  /* GLib puts a no-break space before the unit; a non-UTF-8 terminal
   * would show it as "?". */
  if (g_get_charset (NULL) || strstr (text, "\u00a0") == NULL)
    return text;
  parts = g_strsplit (text, "\u00a0", -1);
  g_free (text);
  return g_strjoinv (" ", parts);
}

char *
bargectl_format_bytes (guint64 bytes)
{
  if (bytes == BARGE_SIZE_UNKNOWN)
    return g_strdup ("?");
  return bargectl_format_size (bytes);
}

char *
bargectl_format_duration (double seconds)
{
  guint64 total;

  if (seconds < 0 || seconds > 360000.0)
    return g_strdup ("--:--");
  total = (guint64) (seconds + 0.5);
  if (total >= 3600)
    return g_strdup_printf ("%" G_GUINT64_FORMAT ":%02u:%02u", total / 3600,
                            (guint) (total / 60 % 60), (guint) (total % 60));
  return g_strdup_printf ("%u:%02u", (guint) (total / 60), (guint) (total % 60));
}

static GDateTime *
date_time_from_usec (gint64 usec, gboolean local)
{
  g_autoptr(GDateTime) seconds = local ? g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC)
                                       : g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  if (seconds == NULL)
    return NULL;
  return g_date_time_add (seconds, usec % G_USEC_PER_SEC);
}

char *
bargectl_format_local_time (gint64 usec)
{
  g_autoptr(GDateTime) time = NULL;

  if (usec <= 0)
    return g_strdup ("-");
  time = date_time_from_usec (usec, TRUE);
  if (time == NULL)
    return g_strdup ("?");
  return g_date_time_format (time, "%Y-%m-%d %H:%M:%S");
}

char *
bargectl_format_byte_progress (BargeProgress *progress)
{
  g_autofree char *done = NULL;
  g_autofree char *total = NULL;

  if (progress == NULL)
    return g_strdup ("0 bytes/?");
  done = bargectl_format_bytes (barge_progress_get_bytes_transferred (progress));
  total = bargectl_format_bytes (barge_progress_get_bytes_total (progress));
  return g_strdup_printf ("%s/%s", done, total);
}

char *
bargectl_job_list_line (BargeJob *job)
{
  BargeProgress *progress = barge_job_get_progress (job);
  g_autofree char *bytes = bargectl_format_byte_progress (progress);
  guint64 files_done = progress ? barge_progress_get_files_transferred (progress) : 0;
  guint64 files_total = progress ? barge_progress_get_files_total (progress) : 0;
  g_autofree char *name = bargectl_terminal_sanitize (barge_job_get_display_name (job));

  g_autofree char *files = g_strdup_printf ("%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT,
                                            files_done, files_total);

  return g_strdup_printf ("%s  %-15s  %-10s  %19s  %11s  %s",
                          barge_job_get_id (job),
                          barge_job_state_to_string (barge_job_get_state (job)),
                          barge_job_priority_to_string (barge_job_get_priority (job)),
                          bytes, files, name);
}

/* @text padded with spaces to @columns display columns (on the left when
 * @right), for headers whose translations have other lengths. */
static void
append_padded (GString *out, const char *text, int columns, gboolean right)
{
  int padding = MAX (columns - bargectl_terminal_text_width (text), 0);

  if (right)
    g_string_append_printf (out, "%*s%s", padding, "", text);
  else
    g_string_append_printf (out, "%s%*s", text, padding, "");
}

char *
bargectl_job_list_header (void)
{
  GString *out = g_string_new (NULL);

  /* The widths of bargectl_job_list_line()'s columns. */
  append_padded (out, _("ID"), 36, FALSE);
  g_string_append (out, "  ");
  append_padded (out, _("STATE"), 15, FALSE);
  g_string_append (out, "  ");
  append_padded (out, _("PRIORITY"), 10, FALSE);
  g_string_append (out, "  ");
  append_padded (out, _("BYTES"), 19, TRUE);
  g_string_append (out, "  ");
  append_padded (out, _("FILES"), 11, TRUE);
  g_string_append (out, "  ");
  g_string_append (out, _("NAME"));
  return g_string_free (out, FALSE);
}

static gboolean
job_has_error (BargeJob *job)
{
  const char *name = barge_job_get_error_name (job);

  return bargectl_nonempty (name);
}

static char *
owner_text (guint uid)
{
  struct passwd *pw = getpwuid (uid);

  if (pw == NULL)
    return g_strdup_printf ("%u", uid);
  return g_strdup_printf ("%u (%s)", uid, pw->pw_name);
}

/* Completed means handed over (BITS BG_FILE_PROGRESS.Completed); before
 * that, all bytes in the temporary file is "transferred". */
static const char *
file_status (BargeFile *file)
{
  guint64 total = barge_file_get_bytes_total (file);

  if (barge_file_get_completed (file))
    return _("complete");
  if (total != BARGE_SIZE_UNKNOWN && barge_file_get_bytes_transferred (file) == total)
    return _("transferred");
  return _("not complete");
}

char *
bargectl_file_list_line (BargeFile *file, guint index)
{
  g_autofree char *done = bargectl_format_bytes (barge_file_get_bytes_transferred (file));
  g_autofree char *total = bargectl_format_bytes (barge_file_get_bytes_total (file));
  g_autofree char *bytes = g_strdup_printf ("%s/%s", done, total);
  g_autofree char *url = bargectl_terminal_sanitize (barge_file_get_remote_url (file));
  g_autofree char *path = bargectl_terminal_sanitize (barge_file_get_local_path (file));
  const char *status = file_status (file);
  int padding = 12 - bargectl_terminal_text_width (status);

  /* Padding by display width: translated words may hold multi-byte characters. */
  return g_strdup_printf ("%3u  %s%*s  %19s  %s  %s", index, status, MAX (padding, 0), "",
                          bytes, url, path);
}

/* As --range takes them: "START-END" (both included) or "START-". */
static char *
format_ranges (GVariant *ranges)
{
  GString *out = g_string_new (NULL);
  GVariantIter iter;
  guint64 offset, length;

  g_variant_iter_init (&iter, ranges);
  while (g_variant_iter_next (&iter, "(tt)", &offset, &length))
    {
      if (out->len > 0)
        g_string_append (out, ", ");
      if (length == G_MAXUINT64)
        g_string_append_printf (out, "%" G_GUINT64_FORMAT "-", offset);
      else
        g_string_append_printf (out, "%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT, offset, offset + length - 1);
    }
  return g_string_free (out, FALSE);
}

static void
describe_files (GString *out, BargeJob *job)
{
  g_autoptr(GPtrArray) files = barge_job_get_files (job);

  if (files == NULL || files->len == 0)
    {
      g_string_append_printf (out, "%s\n", _("No files."));
      return;
    }
  g_string_append_printf (out, "%s\n", _("Files:"));
  for (guint i = 0; i < files->len; i++)
    {
      BargeFile *file = g_ptr_array_index (files, i);
      g_autofree char *done = bargectl_format_bytes (barge_file_get_bytes_transferred (file));
      g_autofree char *total = bargectl_format_bytes (barge_file_get_bytes_total (file));

      g_string_append_printf (out, "  %u. %s\n", i + 1, barge_file_get_remote_url (file));
      g_string_append_printf (out, "     %-16s %s\n", _("Local path:"), barge_file_get_local_path (file));
      g_string_append_printf (out, "     %-16s %s\n", _("Temporary path:"),
                              barge_file_get_temporary_path (file));
      /* TRANSLATORS: "<bytes> of <bytes>" */
      g_string_append_printf (out, "     %-16s ", _("Progress:"));
      g_string_append_printf (out, _("%s of %s"), done, total);
      g_string_append_printf (out, ", %s\n",
                              file_status (file));
      if (*barge_file_get_final_url (file) != '\0' &&
          !g_str_equal (barge_file_get_final_url (file), barge_file_get_remote_url (file)))
        g_string_append_printf (out, "     %-16s %s\n", _("Final URL:"), barge_file_get_final_url (file));
      if (*barge_file_get_expected_digest (file) != '\0')
        g_string_append_printf (out, "     %-16s %s\n", _("Digest:"), barge_file_get_expected_digest (file));
      if (barge_file_get_verified (file))
        g_string_append_printf (out, "     %-16s %s\n", _("Verified:"), _("yes"));
      if (barge_file_get_ranges (file) != NULL && g_variant_n_children (barge_file_get_ranges (file)) > 0)
        {
          g_autofree char *ranges = format_ranges (barge_file_get_ranges (file));

          g_string_append_printf (out, "     %-16s %s\n", _("Ranges:"), ranges);
        }
    }
}

char *
bargectl_format_command_line (const char * const *argv)
{
  g_autoptr(GPtrArray) quoted = NULL;

  if (argv == NULL || argv[0] == NULL)
    return NULL;
  quoted = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (quoted, g_shell_quote (argv[i]));
  g_ptr_array_add (quoted, NULL);
  return g_strjoinv (" ", (char **) quoted->pdata);
}

/* "1.2 kB/?" for upload-reply jobs; NULL for the others. */
static char *
reply_progress_text (BargeJob *job)
{
  BargeReplyProgress *reply = barge_job_get_reply_progress (job);
  g_autofree char *done = NULL;
  g_autofree char *total = NULL;

  if (barge_job_get_job_type (job) != BARGE_JOB_TYPE_UPLOAD_REPLY || reply == NULL)
    return NULL;
  done = bargectl_format_bytes (barge_reply_progress_get_bytes_transferred (reply));
  total = bargectl_format_bytes (barge_reply_progress_get_bytes_total (reply));
  return g_strdup_printf ("%s/%s", done, total);
}

char *
bargectl_format_rate (guint64 bytes_per_second)
{
  g_autofree char *size = NULL;

  if (bytes_per_second == 0)
    return g_strdup (_("none"));
  size = bargectl_format_size (bytes_per_second);
  /* TRANSLATORS: a rate, such as "2.0 MB/s" */
  return g_strdup_printf (_("%s/s"), size);
}

/* "server basic, proxy ntlm"; NULL for none. */
static char *
credentials_text (GVariant *credentials)
{
  GString *out = NULL;
  GVariantIter iter;
  const char *target, *scheme;

  if (credentials == NULL)
    return NULL;
  g_variant_iter_init (&iter, credentials);
  while (g_variant_iter_next (&iter, "(&s&s)", &target, &scheme))
    {
      if (out == NULL)
        out = g_string_new (NULL);
      else
        g_string_append (out, ", ");
      g_string_append_printf (out, "%s %s", target, scheme);
    }
  return out != NULL ? g_string_free (out, FALSE) : NULL;
}

char *
bargectl_job_describe (BargeJob *job)
{
  GString *out = g_string_new (NULL);
  BargeProgress *progress = barge_job_get_progress (job);
  g_autofree char *bytes = bargectl_format_byte_progress (progress);
  g_autofree char *owner = owner_text (barge_job_get_owner (job));
  g_autofree char *created = bargectl_format_local_time (barge_job_get_creation_time (job));
  g_autofree char *modified = bargectl_format_local_time (barge_job_get_modification_time (job));
  g_autofree char *completed = bargectl_format_local_time (barge_job_get_completion_time (job));
  g_autofree char *name = bargectl_terminal_sanitize (barge_job_get_display_name (job));
  g_autofree char *description = bargectl_terminal_sanitize (barge_job_get_description (job));
  g_auto(GStrv) flags = barge_notify_flags_to_strv (barge_job_get_notify_flags (job));
  g_autofree char *notify_flags = flags != NULL && flags[0] != NULL ? g_strjoinv (",", flags)
                                                                   : g_strdup (_("none"));
  g_autofree char *command_line = bargectl_format_command_line (barge_job_get_notify_command_line (job));
  g_autofree char *notify_command = command_line ? bargectl_terminal_sanitize (command_line) : NULL;
  g_autofree char *credentials = credentials_text (barge_job_get_credentials (job));
  const char *reply_file = barge_job_get_reply_file_name (job);
  g_autofree char *reply_bytes = reply_progress_text (job);
  g_autofree char *limit = bargectl_format_rate (barge_job_get_bandwidth_limit (job));
  gint64 not_before = barge_job_get_not_before (job);
  g_autofree char *not_before_text = not_before > 0 ? bargectl_format_local_time (not_before * G_USEC_PER_SEC)
                                                    : g_strdup (_("none"));
  const char *window = barge_job_get_transfer_window (job);
  guint64 size_hint = barge_job_get_size_hint (job);
  g_autofree char *size_hint_text = size_hint != 0 ? bargectl_format_size (size_hint) : g_strdup (_("none"));

#define ROW(label, fmt, ...) g_string_append_printf (out, "%-24s " fmt "\n", label, __VA_ARGS__)
  ROW (_("Id:"), "%s", barge_job_get_id (job));
  ROW (_("Display name:"), "%s", name);
  ROW (_("Description:"), "%s", description);
  ROW (_("Type:"), "%s", barge_job_type_to_string (barge_job_get_job_type (job)));
  ROW (_("State:"), "%s", barge_job_state_to_string (barge_job_get_state (job)));
  ROW (_("Priority:"), "%s", barge_job_priority_to_string (barge_job_get_priority (job)));
  ROW (_("Owner:"), "%s", owner);
  ROW (_("Bytes:"), "%s", bytes);
  ROW (_("Files:"), "%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT,
       progress ? barge_progress_get_files_transferred (progress) : 0,
       progress ? barge_progress_get_files_total (progress) : 0);
  ROW (_("Created:"), "%s", created);
  ROW (_("Modified:"), "%s", modified);
  ROW (_("Transfer completed:"), "%s", completed);
  ROW (_("Error count:"), "%u", barge_job_get_error_count (job));
  if (job_has_error (job))
    {
      BargeFile *file = barge_job_get_error_file (job);

      ROW (_("Error:"), "%s", barge_job_get_error_message (job));
      ROW (_("Error name:"), "%s", barge_job_get_error_name (job));
      ROW (_("Error context:"), "%s", barge_error_context_to_string (barge_job_get_error_context (job)));
      if (file != NULL)
        ROW (_("Error file:"), "%s", barge_file_get_remote_url (file));
    }
  ROW (_("Minimum retry delay:"), "%u s", barge_job_get_minimum_retry_delay (job));
  ROW (_("No-progress timeout:"), "%u s", barge_job_get_no_progress_timeout (job));
  ROW (_("Notification interval:"), "%u ms", barge_job_get_minimum_notification_interval (job));
  ROW (_("Maximum download time:"), "%u s", barge_job_get_maximum_download_time (job));
  ROW (_("Cost policy:"), "%s", barge_cost_policy_to_string (barge_job_get_cost_policy (job)));
  ROW (_("Bandwidth limit:"), "%s", limit);
  if (barge_job_get_keep_awake (job))
    ROW (_("Keep awake:"), "%s",
         barge_job_get_priority (job) == BARGE_JOB_PRIORITY_FOREGROUND
           ? _("yes, while it transfers")
           : _("set aside until the job is in the foreground again"));
  ROW (_("Not before:"), "%s", not_before_text);
  /* TRANSLATORS: the job's daily transfer window is none: it transfers at any time */
  ROW (_("Transfer window:"), "%s", *window != '\0' ? window : _("always"));
  ROW (_("Size hint:"), "%s", size_hint_text);
  if (barge_job_get_hold_reason (job) != BARGE_HOLD_REASON_NONE)
    ROW (_("Waiting for:"), "%s", barge_hold_reason_to_string (barge_job_get_hold_reason (job)));
  if (barge_job_get_http_status (job) != 0)
    ROW (_("HTTP status:"), "%u", barge_job_get_http_status (job));
  ROW (_("Notify flags:"), "%s", notify_flags);
  if (notify_command != NULL)
    ROW (_("Notify command line:"), "%s", notify_command);
  if (barge_job_get_upload_protocol (job) != BARGE_UPLOAD_PROTOCOL_NONE)
    ROW (_("Upload protocol:"), "%s", barge_upload_protocol_to_string (barge_job_get_upload_protocol (job)));
  if (bargectl_nonempty (reply_file))
    ROW (_("Reply file:"), "%s", reply_file);
  if (reply_bytes != NULL)
    ROW (_("Reply:"), "%s", reply_bytes);
  if (credentials != NULL)
    ROW (_("Credentials:"), "%s", credentials);
  if (barge_job_get_job_type (job) == BARGE_JOB_TYPE_DOWNLOAD)
    ROW (_("Redirects:"), "%s%s", barge_redirect_policy_to_string (barge_job_get_redirect_policy (job)),
         barge_job_get_allow_https_to_http (job) ? _(", https to http allowed") : "");
  if (*barge_job_get_tls_ca_file (job) != '\0')
    ROW (_("TLS CA file:"), "%s", barge_job_get_tls_ca_file (job));
  if (barge_job_get_proxy_usage (job) == BARGE_PROXY_USAGE_NONE)
    ROW (_("Proxy:"), "%s", _("none (direct)"));
  else if (barge_job_get_proxy_usage (job) == BARGE_PROXY_USAGE_OVERRIDE)
    {
      g_auto(GStrv) proxies = barge_job_dup_proxy_list (job);
      g_auto(GStrv) bypass = barge_job_dup_proxy_bypass_list (job);
      g_autofree char *joined = g_strjoinv (", ", proxies);
      g_autofree char *bypassed = g_strjoinv (", ", bypass);

      ROW (_("Proxy:"), "%s", joined);
      if (bypass[0] != NULL)
        ROW (_("Proxy bypass:"), "%s", bypassed);
    }
  if (*barge_job_get_tls_crl_file (job) != '\0')
    ROW (_("TLS CRL file:"), "%s", barge_job_get_tls_crl_file (job));
  if (barge_job_get_tls_check_revocation (job))
    ROW (_("TLS revocation:"), "%s", _("checked (the authorities' lists)"));
  {
    g_auto(GStrv) ignore = barge_job_dup_tls_ignore (job);
    g_autofree char *joined = g_strjoinv (", ", ignore);

    if (ignore[0] != NULL)
      ROW (_("TLS faults ignored:"), "%s", joined);
  }
  if (*barge_job_get_tls_client_certificate (job) != '\0')
    ROW (_("Client certificate:"), "%s", barge_job_get_tls_client_certificate (job));
  {
    /* Values may be tokens: names only (bargectl get-headers shows them). */
    g_auto(GStrv) header_names = barge_job_dup_custom_header_names (job);

    if (header_names[0] != NULL)
      {
        g_autofree char *joined = g_strjoinv (": ***, ", header_names);

        ROW (_("Custom headers:"), "%s: ***%s", joined,
             barge_job_get_custom_headers_write_only (job) ? _(" (values write-only)") : "");
      }
  }
#undef ROW
  describe_files (out, job);
  {
    g_autofree char *text = g_string_free (out, FALSE);

    /* URLs, paths and errors come from servers and other users: none of
     * their control characters reaches the terminal. */
    return bargectl_terminal_sanitize_lines (text);
  }
}

/* json-glib keeps every integer as a gint64, and would print a guint64
 * above G_MAXINT64 as a negative number. A byte count can be that large: a
 * server may announce any size (Content-Range: bytes 0-0/18446744073709551614),
 * and barged reports it as it is. Such a count goes into the tree as a string
 * that stands for it, a tag and the digits, and bargectl_json_print() writes
 * the digits in its place. The tag holds a random UUID of this run, so no
 * text from the service can be mistaken for it. */
static const char *
big_number_tag (void)
{
  static char *tag;

  if (tag == NULL)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      tag = g_strconcat ("bargectl-uint64-", uuid, "-", NULL);
    }
  return tag;
}

static void
add_uint (JsonBuilder *builder, guint64 value)
{
  g_autofree char *stand_in = NULL;

  if (value <= G_MAXINT64)
    {
      json_builder_add_int_value (builder, (gint64) value);
      return;
    }
  stand_in = g_strdup_printf ("%s%" G_GUINT64_FORMAT, big_number_tag (), value);
  json_builder_add_string_value (builder, stand_in);
}

/* json-glib takes no NULL string. */
static void
add_string (JsonBuilder *builder, const char *value)
{
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

static void
member_string (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  add_string (builder, value);
}

static void
member_uint (JsonBuilder *builder, const char *name, guint64 value)
{
  json_builder_set_member_name (builder, name);
  add_uint (builder, value);
}

static void
member_boolean (JsonBuilder *builder, const char *name, gboolean value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

/* ISO 8601 in UTC keeps the JSON independent of the caller's time zone. */
static void
member_time (JsonBuilder *builder, const char *name, gint64 usec)
{
  g_autoptr(GDateTime) time = usec > 0 ? date_time_from_usec (usec, FALSE) : NULL;
  g_autofree char *text = time ? g_date_time_format_iso8601 (time) : NULL;

  member_string (builder, name, text);
}

static void
member_size (JsonBuilder *builder, const char *name, guint64 bytes)
{
  json_builder_set_member_name (builder, name);
  if (bytes == BARGE_SIZE_UNKNOWN)
    json_builder_add_null_value (builder);
  else
    add_uint (builder, bytes);
}

static void
add_error (JsonBuilder *builder, BargeJob *job)
{
  BargeFile *file;

  json_builder_set_member_name (builder, "error");
  if (!job_has_error (job))
    {
      json_builder_add_null_value (builder);
      return;
    }
  file = barge_job_get_error_file (job);
  json_builder_begin_object (builder);
  member_string (builder, "context", barge_error_context_to_string (barge_job_get_error_context (job)));
  member_string (builder, "name", barge_job_get_error_name (job));
  member_string (builder, "message", barge_job_get_error_message (job));
  member_string (builder, "remote_url", file ? barge_file_get_remote_url (file) : NULL);
  member_string (builder, "local_path", file ? barge_file_get_local_path (file) : NULL);
  json_builder_end_object (builder);
}

static void
add_file (JsonBuilder *builder, BargeFile *file)
{
  json_builder_begin_object (builder);
  member_string (builder, "url", barge_file_get_remote_url (file));
  member_string (builder, "local_path", barge_file_get_local_path (file));
  member_string (builder, "temporary_path", barge_file_get_temporary_path (file));
  member_size (builder, "bytes_total", barge_file_get_bytes_total (file));
  member_uint (builder, "bytes_transferred", barge_file_get_bytes_transferred (file));
  member_boolean (builder, "completed", barge_file_get_completed (file));
  member_boolean (builder, "has_restarted", barge_file_get_has_restarted (file));
  member_boolean (builder, "has_response_changed", barge_file_get_has_response_changed (file));
  json_builder_end_object (builder);
}

void
bargectl_json_add_files (JsonBuilder *builder, BargeJob *job)
{
  g_autoptr(GPtrArray) files = barge_job_get_files (job);

  json_builder_begin_array (builder);
  for (guint i = 0; files != NULL && i < files->len; i++)
    add_file (builder, g_ptr_array_index (files, i));
  json_builder_end_array (builder);
}

static void
member_strv (JsonBuilder *builder, const char *name, const char * const *strv)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}

static void
add_notify (JsonBuilder *builder, BargeJob *job)
{
  g_auto(GStrv) flags = barge_notify_flags_to_strv (barge_job_get_notify_flags (job));

  member_strv (builder, "notify_flags", (const char * const *) flags);
  member_strv (builder, "notify_command_line", barge_job_get_notify_command_line (job));
}

/* null rather than "" for what does not apply to the job's type. */
static void
add_upload (JsonBuilder *builder, BargeJob *job)
{
  BargeReplyProgress *reply = barge_job_get_reply_progress (job);
  const char *file_name = barge_job_get_reply_file_name (job);
  BargeUploadProtocol protocol = barge_job_get_upload_protocol (job);

  member_string (builder, "upload_protocol",
                 protocol == BARGE_UPLOAD_PROTOCOL_NONE ? NULL : barge_upload_protocol_to_string (protocol));
  member_string (builder, "reply_file_name", bargectl_nonempty (file_name) ? file_name : NULL);
  json_builder_set_member_name (builder, "reply_progress");
  if (barge_job_get_job_type (job) != BARGE_JOB_TYPE_UPLOAD_REPLY || reply == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_object (builder);
  member_size (builder, "bytes_total", barge_reply_progress_get_bytes_total (reply));
  member_uint (builder, "bytes_transferred", barge_reply_progress_get_bytes_transferred (reply));
  json_builder_end_object (builder);
}

/* "" means none in the job's properties; null in JSON. */
static void
member_path (JsonBuilder *builder, const char *name, const char *value)
{
  member_string (builder, name, bargectl_nonempty (value) ? value : NULL);
}

/* How the job connects (issue 17): header names only, never values. */
static void
add_http_options (JsonBuilder *builder, BargeJob *job)
{
  g_auto(GStrv) header_names = barge_job_dup_custom_header_names (job);
  g_auto(GStrv) tls_ignore = barge_job_dup_tls_ignore (job);
  g_auto(GStrv) proxies = barge_job_dup_proxy_list (job);
  g_auto(GStrv) bypass = barge_job_dup_proxy_bypass_list (job);

  member_uint (builder, "max_segments", barge_job_get_max_segments (job));
  member_string (builder, "redirect_policy", barge_redirect_policy_to_string (barge_job_get_redirect_policy (job)));
  member_boolean (builder, "allow_https_to_http", barge_job_get_allow_https_to_http (job));
  member_strv (builder, "custom_header_names", (const char * const *) header_names);
  member_boolean (builder, "custom_headers_write_only", barge_job_get_custom_headers_write_only (job));
  member_path (builder, "tls_ca_file", barge_job_get_tls_ca_file (job));
  member_path (builder, "tls_crl_file", barge_job_get_tls_crl_file (job));
  member_strv (builder, "tls_ignore", (const char * const *) tls_ignore);
  member_path (builder, "tls_client_certificate", barge_job_get_tls_client_certificate (job));
  member_boolean (builder, "tls_check_revocation", barge_job_get_tls_check_revocation (job));
  member_string (builder, "proxy_usage", barge_proxy_usage_to_string (barge_job_get_proxy_usage (job)));
  member_strv (builder, "proxy_list", (const char * const *) proxies);
  member_strv (builder, "proxy_bypass_list", (const char * const *) bypass);
}

static void
add_credentials (JsonBuilder *builder, BargeJob *job)
{
  GVariant *credentials = barge_job_get_credentials (job);
  GVariantIter iter;
  const char *target, *scheme;

  json_builder_set_member_name (builder, "credentials");
  json_builder_begin_array (builder);
  if (credentials != NULL)
    {
      g_variant_iter_init (&iter, credentials);
      while (g_variant_iter_next (&iter, "(&s&s)", &target, &scheme))
        {
          json_builder_begin_object (builder);
          member_string (builder, "target", target);
          member_string (builder, "scheme", scheme);
          json_builder_end_object (builder);
        }
    }
  json_builder_end_array (builder);
}

void
bargectl_json_add_job (JsonBuilder *builder, BargeJob *job, gboolean with_files)
{
  BargeProgress *progress = barge_job_get_progress (job);

  json_builder_begin_object (builder);
  member_string (builder, "id", barge_job_get_id (job));
  member_string (builder, "object_path", barge_job_get_object_path (job));
  member_string (builder, "display_name", barge_job_get_display_name (job));
  member_string (builder, "description", barge_job_get_description (job));
  member_string (builder, "type", barge_job_type_to_string (barge_job_get_job_type (job)));
  member_string (builder, "state", barge_job_state_to_string (barge_job_get_state (job)));
  member_string (builder, "priority", barge_job_priority_to_string (barge_job_get_priority (job)));
  member_uint (builder, "owner", barge_job_get_owner (job));
  member_size (builder, "bytes_total", progress ? barge_progress_get_bytes_total (progress) : BARGE_SIZE_UNKNOWN);
  member_uint (builder, "bytes_transferred", progress ? barge_progress_get_bytes_transferred (progress) : 0);
  member_uint (builder, "files_total", progress ? barge_progress_get_files_total (progress) : 0);
  member_uint (builder, "files_transferred", progress ? barge_progress_get_files_transferred (progress) : 0);
  member_uint (builder, "error_count", barge_job_get_error_count (job));
  add_error (builder, job);
  member_time (builder, "creation_time", barge_job_get_creation_time (job));
  member_time (builder, "modification_time", barge_job_get_modification_time (job));
  member_time (builder, "completion_time", barge_job_get_completion_time (job));
  member_uint (builder, "minimum_retry_delay", barge_job_get_minimum_retry_delay (job));
  member_uint (builder, "no_progress_timeout", barge_job_get_no_progress_timeout (job));
  member_uint (builder, "minimum_notification_interval", barge_job_get_minimum_notification_interval (job));
  member_uint (builder, "maximum_download_time", barge_job_get_maximum_download_time (job));
  add_notify (builder, job);
  member_string (builder, "cost_policy", barge_cost_policy_to_string (barge_job_get_cost_policy (job)));
  member_uint (builder, "bandwidth_limit", barge_job_get_bandwidth_limit (job));
  member_boolean (builder, "keep_awake", barge_job_get_keep_awake (job));
  member_time (builder, "not_before", barge_job_get_not_before (job) * G_USEC_PER_SEC);
  member_string (builder, "transfer_window", barge_job_get_transfer_window (job));
  member_uint (builder, "size_hint", barge_job_get_size_hint (job));
  member_string (builder, "hold_reason", barge_hold_reason_to_string (barge_job_get_hold_reason (job)));
  member_uint (builder, "http_status", barge_job_get_http_status (job));
  add_upload (builder, job);
  add_credentials (builder, job);
  add_http_options (builder, job);
  if (with_files)
    {
      json_builder_set_member_name (builder, "files");
      bargectl_json_add_files (builder, job);
    }
  json_builder_end_object (builder);
}

/* Byte by byte (the patterns are ASCII), whatever the text holds. */
static char *
replace_all (const char *text, const char *pattern, const char *replacement)
{
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_RAW, G_REGEX_MATCH_DEFAULT, NULL);

  return g_regex_replace (regex, text, -1, 0, replacement, G_REGEX_MATCH_DEFAULT, NULL);
}

void
bargectl_json_print (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *big_number = g_strdup_printf ("\"%s([0-9]+)\"", big_number_tag ());
  g_autofree char *separated = NULL;
  g_autofree char *output = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_indent_char (generator, ' ');
  json_generator_set_root (generator, root);
  json_generator_to_gstring (generator, text);
  g_string_append_c (text, '\n');
#if !JSON_CHECK_VERSION (1, 10, 8)
  /* json-glib before 1.10.8 writes U+001F unescaped (json-glib issue 79),
   * and JSON parsers refuse it. A 0x1f byte can only be that character in
   * a string: UTF-8 uses no byte below 0x80 in longer sequences. */
  g_string_replace (text, "\x1f", "\\u001f", 0);
#endif
  /* json-glib's pretty output has "key" : value, where bargectl has always
   * written "key": value, which scripts read with sed (our bash completion
   * does). A quote after a letter, digit or underscore ends a string (one
   * inside a string follows a backslash, one that opens a string follows a
   * space or the indentation), and only keys are followed by " : ". */
  separated = replace_all (text->str, "(?<=[A-Za-z0-9_])\" : ", "\": ");
  output = replace_all (separated, big_number, "\\1");
  /* Not g_print(): it converts to the locale's character set, "?" for what
   * the C locale of a cron job or a service has not, and the JSON is UTF-8. */
  fputs (output, stdout);
}

void
bargectl_print_job_error (BargeJob *job, const char *description)
{
  BargeFile *file = barge_job_get_error_file (job);
  const char *message = barge_job_get_error_message (job);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *safe = NULL;

  g_string_append_printf (out, _("bargectl: the transfer failed: %s\n"),
                          bargectl_nonempty (message) ? message : _("unknown error"));
  g_string_append_printf (out, "  %-10s %s\n", _("error:"), barge_job_get_error_name (job));
  g_string_append_printf (out, "  %-10s %s\n", _("context:"),
                          barge_error_context_to_string (barge_job_get_error_context (job)));
  if (file != NULL)
    g_string_append_printf (out, "  %-10s %s\n", _("file:"), barge_file_get_remote_url (file));
  if (bargectl_nonempty (description))
    g_string_append_printf (out, "  %s\n", description);
  /* The message may carry a server's text (its reason phrase). */
  safe = bargectl_terminal_sanitize_lines (out->str);
  g_printerr ("%s", safe);
}
