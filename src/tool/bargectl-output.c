/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <pwd.h>
#include <string.h>
#include <glib/gi18n.h>

#include "bargectl-output.h"
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

  return name != NULL && *name != '\0';
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
  if (barge_job_get_hold_reason (job) != BARGE_HOLD_REASON_NONE)
    ROW (_("Waiting for:"), "%s", barge_hold_reason_to_string (barge_job_get_hold_reason (job)));
  if (barge_job_get_http_status (job) != 0)
    ROW (_("HTTP status:"), "%u", barge_job_get_http_status (job));
  ROW (_("Notify flags:"), "%s", notify_flags);
  if (notify_command != NULL)
    ROW (_("Notify command line:"), "%s", notify_command);
  if (barge_job_get_upload_protocol (job) != BARGE_UPLOAD_PROTOCOL_NONE)
    ROW (_("Upload protocol:"), "%s", barge_upload_protocol_to_string (barge_job_get_upload_protocol (job)));
  if (reply_file != NULL && *reply_file != '\0')
    ROW (_("Reply file:"), "%s", reply_file);
  if (reply_bytes != NULL)
    ROW (_("Reply:"), "%s", reply_bytes);
  if (credentials != NULL)
    ROW (_("Credentials:"), "%s", credentials);
#undef ROW
  describe_files (out, job);
  return g_string_free (out, FALSE);
}

/* ISO 8601 in UTC keeps the JSON independent of the caller's time zone. */
static void
json_member_time (BargectlJson *json, const char *name, gint64 usec)
{
  g_autoptr(GDateTime) time = usec > 0 ? date_time_from_usec (usec, FALSE) : NULL;
  g_autofree char *text = time ? g_date_time_format_iso8601 (time) : NULL;

  bargectl_json_member_string (json, name, text);
}

static void
json_member_size (BargectlJson *json, const char *name, guint64 bytes)
{
  bargectl_json_member (json, name);
  if (bytes == BARGE_SIZE_UNKNOWN)
    bargectl_json_null (json);
  else
    bargectl_json_uint (json, bytes);
}

static void
json_add_error (BargectlJson *json, BargeJob *job)
{
  BargeFile *file;

  bargectl_json_member (json, "error");
  if (!job_has_error (job))
    {
      bargectl_json_null (json);
      return;
    }
  file = barge_job_get_error_file (job);
  bargectl_json_begin_object (json);
  bargectl_json_member_string (json, "context",
                               barge_error_context_to_string (barge_job_get_error_context (job)));
  bargectl_json_member_string (json, "name", barge_job_get_error_name (job));
  bargectl_json_member_string (json, "message", barge_job_get_error_message (job));
  bargectl_json_member_string (json, "remote_url", file ? barge_file_get_remote_url (file) : NULL);
  bargectl_json_member_string (json, "local_path", file ? barge_file_get_local_path (file) : NULL);
  bargectl_json_end_object (json);
}

static void
json_add_file (BargectlJson *json, BargeFile *file)
{
  bargectl_json_begin_object (json);
  bargectl_json_member_string (json, "url", barge_file_get_remote_url (file));
  bargectl_json_member_string (json, "local_path", barge_file_get_local_path (file));
  bargectl_json_member_string (json, "temporary_path", barge_file_get_temporary_path (file));
  json_member_size (json, "bytes_total", barge_file_get_bytes_total (file));
  bargectl_json_member_uint (json, "bytes_transferred", barge_file_get_bytes_transferred (file));
  bargectl_json_member_boolean (json, "completed", barge_file_get_completed (file));
  bargectl_json_member_boolean (json, "has_restarted", barge_file_get_has_restarted (file));
  bargectl_json_member_boolean (json, "has_response_changed",
                                barge_file_get_has_response_changed (file));
  bargectl_json_end_object (json);
}

void
bargectl_json_add_files (BargectlJson *json, BargeJob *job)
{
  g_autoptr(GPtrArray) files = barge_job_get_files (job);

  bargectl_json_begin_array (json);
  for (guint i = 0; files != NULL && i < files->len; i++)
    json_add_file (json, g_ptr_array_index (files, i));
  bargectl_json_end_array (json);
}

static void
json_add_files (BargectlJson *json, BargeJob *job)
{
  bargectl_json_member (json, "files");
  bargectl_json_add_files (json, job);
}

static void
json_add_strv (BargectlJson *json, const char *name, const char * const *strv)
{
  bargectl_json_member (json, name);
  bargectl_json_begin_array (json);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    bargectl_json_string (json, strv[i]);
  bargectl_json_end_array (json);
}

static void
json_add_notify (BargectlJson *json, BargeJob *job)
{
  g_auto(GStrv) flags = barge_notify_flags_to_strv (barge_job_get_notify_flags (job));

  json_add_strv (json, "notify_flags", (const char * const *) flags);
  json_add_strv (json, "notify_command_line", barge_job_get_notify_command_line (job));
}

/* null rather than "" for what does not apply to the job's type. */
static void
json_add_upload (BargectlJson *json, BargeJob *job)
{
  BargeReplyProgress *reply = barge_job_get_reply_progress (job);
  const char *file_name = barge_job_get_reply_file_name (job);
  BargeUploadProtocol protocol = barge_job_get_upload_protocol (job);

  bargectl_json_member_string (json, "upload_protocol", protocol == BARGE_UPLOAD_PROTOCOL_NONE
                                                           ? NULL
                                                           : barge_upload_protocol_to_string (protocol));
  bargectl_json_member_string (json, "reply_file_name",
                               file_name != NULL && *file_name != '\0' ? file_name : NULL);
  bargectl_json_member (json, "reply_progress");
  if (barge_job_get_job_type (job) != BARGE_JOB_TYPE_UPLOAD_REPLY || reply == NULL)
    {
      bargectl_json_null (json);
      return;
    }
  bargectl_json_begin_object (json);
  json_member_size (json, "bytes_total", barge_reply_progress_get_bytes_total (reply));
  bargectl_json_member_uint (json, "bytes_transferred", barge_reply_progress_get_bytes_transferred (reply));
  bargectl_json_end_object (json);
}

static void
json_add_credentials (BargectlJson *json, BargeJob *job)
{
  GVariant *credentials = barge_job_get_credentials (job);
  GVariantIter iter;
  const char *target, *scheme;

  bargectl_json_member (json, "credentials");
  bargectl_json_begin_array (json);
  if (credentials != NULL)
    {
      g_variant_iter_init (&iter, credentials);
      while (g_variant_iter_next (&iter, "(&s&s)", &target, &scheme))
        {
          bargectl_json_begin_object (json);
          bargectl_json_member_string (json, "target", target);
          bargectl_json_member_string (json, "scheme", scheme);
          bargectl_json_end_object (json);
        }
    }
  bargectl_json_end_array (json);
}

void
bargectl_json_add_job (BargectlJson *json, BargeJob *job, gboolean with_files)
{
  BargeProgress *progress = barge_job_get_progress (job);

  bargectl_json_begin_object (json);
  bargectl_json_member_string (json, "id", barge_job_get_id (job));
  bargectl_json_member_string (json, "object_path", barge_job_get_object_path (job));
  bargectl_json_member_string (json, "display_name", barge_job_get_display_name (job));
  bargectl_json_member_string (json, "description", barge_job_get_description (job));
  bargectl_json_member_string (json, "type", barge_job_type_to_string (barge_job_get_job_type (job)));
  bargectl_json_member_string (json, "state", barge_job_state_to_string (barge_job_get_state (job)));
  bargectl_json_member_string (json, "priority",
                               barge_job_priority_to_string (barge_job_get_priority (job)));
  bargectl_json_member_uint (json, "owner", barge_job_get_owner (job));
  json_member_size (json, "bytes_total",
                    progress ? barge_progress_get_bytes_total (progress) : BARGE_SIZE_UNKNOWN);
  bargectl_json_member_uint (json, "bytes_transferred",
                             progress ? barge_progress_get_bytes_transferred (progress) : 0);
  bargectl_json_member_uint (json, "files_total",
                             progress ? barge_progress_get_files_total (progress) : 0);
  bargectl_json_member_uint (json, "files_transferred",
                             progress ? barge_progress_get_files_transferred (progress) : 0);
  bargectl_json_member_uint (json, "error_count", barge_job_get_error_count (job));
  json_add_error (json, job);
  json_member_time (json, "creation_time", barge_job_get_creation_time (job));
  json_member_time (json, "modification_time", barge_job_get_modification_time (job));
  json_member_time (json, "completion_time", barge_job_get_completion_time (job));
  bargectl_json_member_uint (json, "minimum_retry_delay", barge_job_get_minimum_retry_delay (job));
  bargectl_json_member_uint (json, "no_progress_timeout", barge_job_get_no_progress_timeout (job));
  bargectl_json_member_uint (json, "minimum_notification_interval",
                             barge_job_get_minimum_notification_interval (job));
  bargectl_json_member_uint (json, "maximum_download_time", barge_job_get_maximum_download_time (job));
  json_add_notify (json, job);
  bargectl_json_member_string (json, "cost_policy",
                               barge_cost_policy_to_string (barge_job_get_cost_policy (job)));
  bargectl_json_member_string (json, "hold_reason",
                               barge_hold_reason_to_string (barge_job_get_hold_reason (job)));
  bargectl_json_member_uint (json, "http_status", barge_job_get_http_status (job));
  json_add_upload (json, job);
  json_add_credentials (json, job);
  if (with_files)
    json_add_files (json, job);
  bargectl_json_end_object (json);
}

void
bargectl_print_job_error (BargeJob *job, const char *description)
{
  BargeFile *file = barge_job_get_error_file (job);
  const char *message = barge_job_get_error_message (job);

  g_printerr (_("bargectl: the transfer failed: %s\n"),
              message != NULL && *message != '\0' ? message : _("unknown error"));
  g_printerr ("  %-10s %s\n", _("error:"), barge_job_get_error_name (job));
  g_printerr ("  %-10s %s\n", _("context:"),
              barge_error_context_to_string (barge_job_get_error_context (job)));
  if (file != NULL)
    g_printerr ("  %-10s %s\n", _("file:"), barge_file_get_remote_url (file));
  if (description != NULL && *description != '\0')
    g_printerr ("  %s\n", description);
}
