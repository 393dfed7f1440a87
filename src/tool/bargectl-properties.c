/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "bargectl.h"
#include "bargectl-client.h"
#include "bargectl-output.h"
#include "bargectl-parse.h"
#include "bargectl-properties.h"
#include "bargectl-terminal.h"

/* `get` and `set`: every property of a job by one name (bitsadmin's
 * /get* and /set* in one table). Keys are the D-Bus property names in
 * lower case with dashes; a few have shorter aliases. */

typedef enum {
  KIND_TEXT,           /* any string */
  KIND_PRIORITY,       /* foreground, high, normal, low */
  KIND_SECONDS,        /* a duration, sent as seconds */
  KIND_MILLISECONDS,   /* a duration, sent as milliseconds */
  KIND_COST_POLICY,    /* any, unmetered */
  KIND_RATE,           /* bytes per second, with a unit or none; sent as a guint64 */
  KIND_SIZE,           /* bytes, with a unit or none; sent as a guint64 */
  KIND_TIME,           /* ISO 8601, HH:MM or none; sent as Unix seconds (gint64) */
  KIND_WINDOW,         /* HH:MM-HH:MM or none */
  KIND_NOTIFY_FLAGS,   /* a comma-separated list, or none */
  KIND_COMMAND_LINE,   /* a program and its arguments, quoted as for a shell */
  KIND_PATH,           /* a local path; relative to the working directory */
  KIND_SEGMENTS,       /* 1 to 16 or auto; sent as a guint */
} ValueKind;

typedef char *(*KeyGetter) (BargeJob *job);

typedef struct {
  const char *key;
  const char *alias;
  /* The libbarge property to write, NULL for read-only keys. */
  const char *property;
  ValueKind kind;
  KeyGetter get;
  const char *help; /* N_() */
} JobKey;

static char *
uint_text (guint64 value)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, value);
}

static char *
size_text (guint64 value)
{
  return value == BARGE_SIZE_UNKNOWN ? g_strdup ("unknown") : uint_text (value);
}

/* ISO 8601 in UTC, as in the JSON; "" when the time has not come yet. */
static char *
time_text (gint64 usec)
{
  g_autoptr(GDateTime) seconds = NULL;
  g_autoptr(GDateTime) time = NULL;

  if (usec <= 0)
    return g_strdup ("");
  seconds = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  if (seconds == NULL)
    return g_strdup ("");
  time = g_date_time_add (seconds, usec % G_USEC_PER_SEC);
  return g_date_time_format_iso8601 (time);
}

static BargeProgress *
progress_of (BargeJob *job)
{
  return barge_job_get_progress (job);
}

#define GETTER(name, expr) \
  static char *get_##name (BargeJob *job) { return (expr); }

GETTER (id, g_strdup (barge_job_get_id (job)))
GETTER (display_name, g_strdup (barge_job_get_display_name (job)))
GETTER (description, g_strdup (barge_job_get_description (job)))
GETTER (type, g_strdup (barge_job_type_to_string (barge_job_get_job_type (job))))
GETTER (state, g_strdup (barge_job_state_to_string (barge_job_get_state (job))))
GETTER (priority, g_strdup (barge_job_priority_to_string (barge_job_get_priority (job))))
GETTER (owner, uint_text (barge_job_get_owner (job)))
GETTER (bytes_total, size_text (progress_of (job) ? barge_progress_get_bytes_total (progress_of (job))
                                                  : BARGE_SIZE_UNKNOWN))
GETTER (bytes_transferred, uint_text (progress_of (job) ? barge_progress_get_bytes_transferred (progress_of (job)) : 0))
GETTER (files_total, uint_text (progress_of (job) ? barge_progress_get_files_total (progress_of (job)) : 0))
GETTER (files_transferred, uint_text (progress_of (job) ? barge_progress_get_files_transferred (progress_of (job)) : 0))
GETTER (creation_time, time_text (barge_job_get_creation_time (job)))
GETTER (modification_time, time_text (barge_job_get_modification_time (job)))
GETTER (completion_time, time_text (barge_job_get_completion_time (job)))
GETTER (error_count, uint_text (barge_job_get_error_count (job)))
GETTER (error_name, g_strdup (barge_job_get_error_name (job)))
GETTER (error_message, g_strdup (barge_job_get_error_message (job)))
GETTER (error_context, g_strdup (barge_error_context_to_string (barge_job_get_error_context (job))))
GETTER (minimum_retry_delay, uint_text (barge_job_get_minimum_retry_delay (job)))
GETTER (no_progress_timeout, uint_text (barge_job_get_no_progress_timeout (job)))
GETTER (minimum_notification_interval, uint_text (barge_job_get_minimum_notification_interval (job)))

GETTER (maximum_download_time, uint_text (barge_job_get_maximum_download_time (job)))
GETTER (cost_policy, g_strdup (barge_cost_policy_to_string (barge_job_get_cost_policy (job))))
GETTER (hold_reason, g_strdup (barge_hold_reason_to_string (barge_job_get_hold_reason (job))))
GETTER (http_status, uint_text (barge_job_get_http_status (job)))
GETTER (keep_awake, g_strdup (barge_job_get_keep_awake (job) ? "true" : "false"))
GETTER (redirect_policy, g_strdup (barge_redirect_policy_to_string (barge_job_get_redirect_policy (job))))
GETTER (allow_https_to_http, g_strdup (barge_job_get_allow_https_to_http (job) ? "true" : "false"))
GETTER (upload_protocol, g_strdup (barge_upload_protocol_to_string (barge_job_get_upload_protocol (job))))
GETTER (reply_file_name, g_strdup (barge_job_get_reply_file_name (job)))

#undef GETTER

/* What `set` takes back: the bytes per second, or none. */
static char *
get_bandwidth_limit (BargeJob *job)
{
  guint64 limit = barge_job_get_bandwidth_limit (job);

  return limit == 0 ? g_strdup ("none") : uint_text (limit);
}

/* What `set` takes back: the bytes, or none. */
static char *
get_size_hint (BargeJob *job)
{
  guint64 hint = barge_job_get_size_hint (job);

  return hint == 0 ? g_strdup ("none") : uint_text (hint);
}

/* What `set` takes back: the number of connections, or auto. */
static char *
get_max_segments (BargeJob *job)
{
  guint n = barge_job_get_max_segments (job);

  return n == 0 ? g_strdup ("auto") : uint_text (n);
}

/* What `set` takes back: ISO 8601 in local time with its offset, or none. */
static char *
get_not_before (BargeJob *job)
{
  gint64 when = barge_job_get_not_before (job);
  g_autoptr(GDateTime) utc = when > 0 ? g_date_time_new_from_unix_utc (when) : NULL;
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  return local != NULL ? g_date_time_format_iso8601 (local) : g_strdup ("none");
}

static char *
get_transfer_window (BargeJob *job)
{
  const char *window = barge_job_get_transfer_window (job);

  return g_strdup (*window != '\0' ? window : "none");
}

static char *
get_notify_flags (BargeJob *job)
{
  g_auto(GStrv) flags = barge_notify_flags_to_strv (barge_job_get_notify_flags (job));

  return flags == NULL || flags[0] == NULL ? g_strdup ("none") : g_strjoinv (",", flags);
}

/* Quoted so that the text can be given back to `set` as it is. */
static char *
get_notify_command_line (BargeJob *job)
{
  char *text = bargectl_format_command_line (barge_job_get_notify_command_line (job));

  return text != NULL ? text : g_strdup ("");
}

/* "server/basic,proxy/ntlm": which credentials the job has, never the secrets. */
static char *
get_credentials (BargeJob *job)
{
  GVariant *credentials = barge_job_get_credentials (job);
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);
  GVariantIter iter;
  const char *target, *scheme;

  if (credentials != NULL)
    {
      g_variant_iter_init (&iter, credentials);
      while (g_variant_iter_next (&iter, "(&s&s)", &target, &scheme))
        g_ptr_array_add (pairs, g_strdup_printf ("%s/%s", target, scheme));
    }
  g_ptr_array_add (pairs, NULL);
  return g_strjoinv (",", (char **) pairs->pdata);
}

static const JobKey job_keys[] = {
  { "id", NULL, NULL, KIND_TEXT, get_id, N_("the job's UUID") },
  { "display-name", "name", "display-name", KIND_TEXT, get_display_name,
    N_("the name shown to people (at most 256 characters)") },
  { "description", NULL, "description", KIND_TEXT, get_description,
    N_("a longer description (at most 1024 characters)") },
  { "type", NULL, NULL, KIND_TEXT, get_type, N_("download, upload or upload-reply") },
  { "state", NULL, NULL, KIND_TEXT, get_state, N_("the job's state") },
  { "priority", NULL, "priority", KIND_PRIORITY, get_priority,
    N_("foreground, high, normal or low") },
  { "owner", NULL, NULL, KIND_TEXT, get_owner, N_("the uid of the owner") },
  { "bytes-total", NULL, NULL, KIND_TEXT, get_bytes_total,
    N_("bytes of all files, “unknown” until every size is known") },
  { "bytes-transferred", NULL, NULL, KIND_TEXT, get_bytes_transferred, N_("bytes transferred") },
  { "files-total", NULL, NULL, KIND_TEXT, get_files_total, N_("number of files") },
  { "files-transferred", NULL, NULL, KIND_TEXT, get_files_transferred,
    N_("number of files transferred") },
  { "creation-time", NULL, NULL, KIND_TEXT, get_creation_time, N_("when the job was created (UTC)") },
  { "modification-time", NULL, NULL, KIND_TEXT, get_modification_time,
    N_("when the job last changed (UTC)") },
  { "completion-time", NULL, NULL, KIND_TEXT, get_completion_time,
    N_("when the job was transferred (UTC), empty before") },
  { "error-count", NULL, NULL, KIND_TEXT, get_error_count, N_("how many errors the job met") },
  { "error-name", NULL, NULL, KIND_TEXT, get_error_name, N_("the D-Bus name of the current error") },
  { "error-message", NULL, NULL, KIND_TEXT, get_error_message, N_("the message of the current error") },
  { "error-context", NULL, NULL, KIND_TEXT, get_error_context, N_("where the current error happened") },
  { "minimum-retry-delay", "retry-delay", "minimum-retry-delay", KIND_SECONDS, get_minimum_retry_delay,
    N_("seconds to wait after a transient error (or 90s, 10m, 2h, 1d)") },
  { "no-progress-timeout", NULL, "no-progress-timeout", KIND_SECONDS, get_no_progress_timeout,
    N_("seconds of transient errors without progress before the job fails") },
  { "minimum-notification-interval", "notification-interval", "minimum-notification-interval",
    KIND_MILLISECONDS, get_minimum_notification_interval,
    N_("milliseconds between progress announcements (or 2s)") },
  { "maximum-download-time", "max-download-time", "maximum-download-time", KIND_SECONDS,
    get_maximum_download_time, N_("seconds the job may spend transferring in all; 0: no limit") },
  { "notify-flags", NULL, "notify-flags", KIND_NOTIFY_FLAGS, get_notify_flags,
    N_("events to announce: transferred,error,modification,file-transferred or none") },
  { "notify-command-line", "notify-command", "notify-command-line", KIND_COMMAND_LINE,
    get_notify_command_line,
    N_("a program and its arguments, run when the job is transferred or fails; \"\" for none") },
  { "cost-policy", NULL, "cost-policy", KIND_COST_POLICY, get_cost_policy,
    N_("any, or unmetered: transfer only on networks that are not metered") },
  { "bandwidth-limit", "limit", "bandwidth-limit", KIND_RATE, get_bandwidth_limit,
    N_("bytes per second, or with a unit such as 500k, 2M or 10Mbit; none for no limit of its own") },
  { "max-segments", "segments", "max-segments", KIND_SEGMENTS, get_max_segments,
    N_("connections one large file may use at once: 1 to 16, or auto (up to 4 in the foreground, "
       "1 in the background)") },
  { "keep-awake", NULL, NULL, KIND_TEXT, get_keep_awake,
    N_("true if the job keeps the machine awake while it transfers in the foreground") },
  { "not-before", NULL, "not-before", KIND_TIME, get_not_before,
    N_("transfer nothing before this time: ISO 8601, or HH:MM for the next such time; none for no wait") },
  { "transfer-window", "window", "transfer-window", KIND_WINDOW, get_transfer_window,
    N_("transfer only between these local times each day, such as 22:00-06:00; none for always") },
  { "size-hint", NULL, "size-hint", KIND_SIZE, get_size_hint,
    N_("bytes the job is expected to move, or with a unit such as 20M or 3GiB; none for no hint") },
  { "hold-reason", NULL, NULL, KIND_TEXT, get_hold_reason,
    N_("why a queued job waits: none, scheduler, retry-delay, no-network, metered-network, "
       "not-before, outside-window, sleeping") },
  { "http-status", NULL, NULL, KIND_TEXT, get_http_status,
    N_("the HTTP status behind the current error, or 0") },
  { "upload-protocol", NULL, NULL, KIND_TEXT, get_upload_protocol,
    N_("bits, tus or put for upload jobs; empty for downloads") },
  { "reply-file-name", NULL, "reply-file-name", KIND_PATH, get_reply_file_name,
    N_("upload-reply jobs: where the reply is saved; \"\" to let the service keep it") },
  { "credentials", NULL, NULL, KIND_TEXT, get_credentials,
    N_("the targets and schemes the job has credentials for (never the secrets)") },
  /* Passed as text: libbarge takes an enum's nick, and "true" or "false". */
  { "redirect-policy", NULL, "redirect-policy", KIND_TEXT, get_redirect_policy,
    N_("allow, allow-report or disallow: what a download does when a server redirects it") },
  { "allow-https-to-http", NULL, "allow-https-to-http", KIND_TEXT, get_allow_https_to_http,
    N_("true if a download follows a redirect from https to http") },
};

#define KEY_COLUMN 32

static const JobKey *
find_key (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (job_keys); i++)
    if (g_str_equal (job_keys[i].key, name) ||
        (job_keys[i].alias != NULL && g_str_equal (job_keys[i].alias, name)))
      return &job_keys[i];
  return NULL;
}

char *
bargectl_job_keys_help (gboolean writable_only)
{
  GString *out = g_string_new (writable_only ? _("Keys:") : _("Keys (* can be changed with “set”):"));

  for (gsize i = 0; i < G_N_ELEMENTS (job_keys); i++)
    {
      const JobKey *key = &job_keys[i];
      g_autofree char *name = NULL;

      if (writable_only && key->property == NULL)
        continue;
      name = key->alias != NULL ? g_strdup_printf ("%s, %s", key->key, key->alias) : g_strdup (key->key);
      g_string_append_printf (out, "\n  %s%s", writable_only ? "" : (key->property ? "* " : "  "), name);
      /* Long names get their explanation on a line of its own. */
      if (strlen (name) < KEY_COLUMN)
        g_string_append_printf (out, "%*s%s", (int) (KEY_COLUMN - strlen (name)), "", _(key->help));
      else
        g_string_append_printf (out, "\n  %s%*s%s", writable_only ? "" : "  ", KEY_COLUMN, "",
                                _(key->help));
    }
  return g_string_free (out, FALSE);
}

static gboolean
parse_milliseconds (const char *text, guint64 *value, GError **error)
{
  guint64 seconds;

  if (g_str_has_suffix (text, "ms"))
    {
      g_autofree char *number = g_strndup (text, strlen (text) - 2);
      return bargectl_parse_uint (number, G_MAXUINT32, value, error);
    }
  if (g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, value, NULL))
    return TRUE;
  if (!bargectl_parse_duration (text, G_MAXUINT32 / 1000, &seconds, error))
    return FALSE;
  *value = seconds * 1000;
  return TRUE;
}

/* Turns the text of VALUE into what the property takes. */
static gboolean
key_value (const JobKey *key, const char *text, GValue *value, GError **error)
{
  BargeJobPriority priority;
  guint64 number;

  switch (key->kind)
    {
    case KIND_PRIORITY:
      if (!barge_job_priority_from_string (text, &priority))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Unknown priority “%s”; use foreground, high, normal or low"), text);
          return FALSE;
        }
      g_value_init (value, G_TYPE_STRING);
      g_value_set_string (value, text);
      return TRUE;
    case KIND_SECONDS:
      if (!bargectl_parse_duration (text, G_MAXUINT32, &number, error))
        return FALSE;
      g_value_init (value, G_TYPE_UINT);
      g_value_set_uint (value, (guint) number);
      return TRUE;
    case KIND_MILLISECONDS:
      if (!parse_milliseconds (text, &number, error))
        return FALSE;
      g_value_init (value, G_TYPE_UINT);
      g_value_set_uint (value, (guint) number);
      return TRUE;
    case KIND_COST_POLICY:
      {
        BargeCostPolicy policy;

        if (!barge_cost_policy_from_string (text, &policy))
          {
            g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("Unknown cost policy “%s”; use any or unmetered"), text);
            return FALSE;
          }
        g_value_init (value, G_TYPE_STRING);
        g_value_set_string (value, text);
        return TRUE;
      }
    case KIND_SEGMENTS:
      {
        guint segments;

        if (!bargectl_parse_segments (text, &segments, error))
          return FALSE;
        g_value_init (value, G_TYPE_UINT);
        g_value_set_uint (value, segments);
        return TRUE;
      }
    case KIND_RATE:
      if (!bargectl_parse_rate (text, &number, error))
        return FALSE;
      g_value_init (value, G_TYPE_UINT64);
      g_value_set_uint64 (value, number);
      return TRUE;
    case KIND_SIZE:
      if (!bargectl_parse_size (text, &number, error))
        return FALSE;
      g_value_init (value, G_TYPE_UINT64);
      g_value_set_uint64 (value, number);
      return TRUE;
    case KIND_TIME:
      {
        g_autoptr(GTimeZone) zone = g_time_zone_new_local ();
        g_autoptr(GDateTime) now = g_date_time_new_now (zone);
        gint64 when;

        if (!bargectl_parse_time (text, now, &when, error))
          return FALSE;
        g_value_init (value, G_TYPE_INT64);
        g_value_set_int64 (value, when);
        return TRUE;
      }
    case KIND_WINDOW:
      {
        char *window;

        if (!bargectl_parse_window (text, &window, error))
          return FALSE;
        g_value_init (value, G_TYPE_STRING);
        g_value_take_string (value, window);
        return TRUE;
      }
    case KIND_NOTIFY_FLAGS:
      {
        g_auto(GStrv) flags = NULL;
        BargeNotifyFlags parsed;

        if (g_str_equal (text, "none") || *text == '\0')
          flags = g_new0 (char *, 1);
        else
          {
            flags = g_strsplit (text, ",", -1);
            for (guint i = 0; flags[i] != NULL; i++)
              g_strstrip (flags[i]);
          }
        if (!barge_notify_flags_from_strv ((const char * const *) flags, &parsed))
          {
            g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("“%s” is not a list of transferred, error, modification, "
                           "file-transferred, or none"), text);
            return FALSE;
          }
        g_value_init (value, G_TYPE_STRV);
        g_value_take_boxed (value, g_steal_pointer (&flags));
        return TRUE;
      }
    case KIND_COMMAND_LINE:
      {
        g_auto(GStrv) argv = NULL;

        if (!bargectl_parse_command_line (text, &argv, error))
          return FALSE;
        if (argv[0] != NULL && !g_path_is_absolute (argv[0]))
          {
            /* The service runs it without a shell or PATH: find it here. */
            char *program = g_find_program_in_path (argv[0]);

            if (program == NULL)
              {
                g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                             _("Cannot find the program “%s”; give its absolute path"), argv[0]);
                return FALSE;
              }
            g_free (argv[0]);
            argv[0] = program;
          }
        g_value_init (value, G_TYPE_STRV);
        g_value_take_boxed (value, g_steal_pointer (&argv));
        return TRUE;
      }
    case KIND_PATH:
      g_value_init (value, G_TYPE_STRING);
      /* Only this process knows what a relative path is relative to. */
      g_value_take_string (value, *text == '\0' ? g_strdup ("") : g_canonicalize_filename (text, NULL));
      return TRUE;
    case KIND_TEXT:
    default:
      g_value_init (value, G_TYPE_STRING);
      g_value_set_string (value, text);
      return TRUE;
    }
}

int
bargectl_cmd_set (const BargectlCommand *command, int argc, char **argv)
{
  g_autoptr(GOptionContext) context = bargectl_option_context_new (command, NULL);
  g_autoptr(BargeClient) client = NULL;
  g_autoptr(BargeJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *keys_help = bargectl_job_keys_help (TRUE);
  g_autoptr(GArray) values = g_array_new (FALSE, TRUE, sizeof (GValue));
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();

  g_array_set_clear_func (values, (GDestroyNotify) g_value_unset);
  bargectl_option_context_set_details (context, keys_help);
  if (!bargectl_option_context_parse (context, command, &argc, &argv))
    return BARGECTL_EXIT_USAGE;
  if (argc < 4 || argc % 2 != 0)
    return bargectl_usage_error (command, _("Expected a job, then one or more KEY VALUE pairs"));

  /* Every pair is checked before anything is sent: all or nothing, as far
   * as bargectl can tell. */
  for (int i = 2; i < argc; i += 2)
    {
      const JobKey *key = find_key (argv[i]);
      GValue value = G_VALUE_INIT;

      if (key == NULL)
        return bargectl_usage_error (command, _("Unknown key “%s”"), argv[i]);
      if (key->property == NULL)
        return bargectl_usage_error (command, _("“%s” cannot be changed"), argv[i]);
      if (!key_value (key, argv[i + 1], &value, &error))
        return bargectl_usage_error (command, "%s: %s", argv[i], error->message);
      g_array_append_val (values, value);
      g_ptr_array_add (keys, (gpointer) key);
    }

  client = bargectl_client_connect (&error);
  if (client == NULL)
    return bargectl_report_connect_error (error);
  job = bargectl_client_get_job (client, argv[1], &error);
  if (job == NULL)
    return bargectl_report_error (error);
  for (guint i = 0; i < keys->len; i++)
    {
      const JobKey *key = g_ptr_array_index (keys, i);

      if (!barge_job_set_property_sync (job, key->property, &g_array_index (values, GValue, i),
                                        NULL, &error))
        {
          g_autofree char *message = bargectl_error_message (error);

          /* TRANSLATORS: a key such as "priority", then the service's reason */
          g_printerr (_("bargectl: cannot set %s: %s\n"), key->key, message);
          return bargectl_exit_code_for_error (error);
        }
    }
  return BARGECTL_EXIT_OK;
}

int
bargectl_cmd_get (const BargectlCommand *command, int argc, char **argv)
{
  g_autoptr(GOptionContext) context = bargectl_option_context_new (command, NULL);
  g_autoptr(BargeClient) client = NULL;
  g_autoptr(BargeJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *keys_help = bargectl_job_keys_help (FALSE);

  bargectl_option_context_set_details (context, keys_help);
  if (!bargectl_option_context_parse (context, command, &argc, &argv))
    return BARGECTL_EXIT_USAGE;
  if (argc < 2)
    return bargectl_usage_error (command, _("Expected a job id"));
  for (int i = 2; i < argc; i++)
    if (find_key (argv[i]) == NULL)
      return bargectl_usage_error (command, _("Unknown key “%s”"), argv[i]);

  client = bargectl_client_connect (&error);
  if (client == NULL)
    return bargectl_report_connect_error (error);
  job = bargectl_client_get_job (client, argv[1], &error);
  if (job == NULL)
    return bargectl_report_error (error);

  if (argc == 2)
    {
      /* Every key, as KEY=VALUE lines. */
      for (gsize i = 0; i < G_N_ELEMENTS (job_keys); i++)
        {
          g_autofree char *value = job_keys[i].get (job);
          g_autofree char *safe = bargectl_terminal_sanitize (value);

          g_print ("%s=%s\n", job_keys[i].key, safe);
        }
      return BARGECTL_EXIT_OK;
    }
  for (int i = 2; i < argc; i++)
    {
      g_autofree char *value = find_key (argv[i])->get (job);
      g_autofree char *safe = bargectl_terminal_sanitize (value);

      g_print ("%s\n", safe);
    }
  return BARGECTL_EXIT_OK;
}
