/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>
#include <glib/gi18n.h>

#include "bargectl.h"
#include "bargectl-client.h"
#include "bargectl-output.h"
#include "bargectl-progress.h"
#include "bargectl-terminal.h"

/* `monitor`: a live view of the caller's jobs. Everything is driven by the
 * library's signals (job-added, job-removed, notify); the only timer
 * repaints once a second so rates and ETAs age, it never asks the daemon. */

#define NAME_COLUMNS 20
#define WIDE_TERMINAL 120

typedef struct {
  BargeJob *job;
  gulong notify_id;
  BargectlRate rate;
  char *last_line;
} MonitorRow;

typedef struct {
  BargeClient *client;
  GMainLoop *loop;
  GPtrArray *rows;
  gboolean ansi;
  gboolean clear_screen;
  gboolean keys;       /* q quits: stdin is a terminal in key mode */
  gboolean service_gone;
  gboolean all_users;
  guint redraw_id;
  guint tick_id;
  guint resize_id;
  guint sigint_id;
  guint sigterm_id;
  guint sighup_id;
  guint key_id;
  gulong service_id;
  gulong limit_id;
  gulong added_id;
  gulong removed_id;
} Monitor;

static gboolean opt_once;
static gboolean opt_all_users;

static void
monitor_row_free (MonitorRow *row)
{
  g_clear_signal_handler (&row->notify_id, row->job);
  g_clear_object (&row->job);
  g_free (row->last_line);
  g_free (row);
}

static MonitorRow *
monitor_find_row (Monitor *monitor, BargeJob *job, guint *index)
{
  for (guint i = 0; i < monitor->rows->len; i++)
    {
      MonitorRow *row = g_ptr_array_index (monitor->rows, i);

      if (row->job == job || g_strcmp0 (barge_job_get_object_path (row->job),
                                        barge_job_get_object_path (job)) == 0)
        {
          if (index != NULL)
            *index = i;
          return row;
        }
    }
  return NULL;
}

/* Without a terminal each change is one line, in the format of `list`;
 * several properties can change at once, so repeats are dropped. */
static void
monitor_print_event (MonitorRow *row)
{
  g_autofree char *line = bargectl_job_list_line (row->job);

  if (g_strcmp0 (line, row->last_line) == 0)
    return;
  g_print ("%s\n", line);
  fflush (stdout);
  g_free (row->last_line);
  row->last_line = g_steal_pointer (&line);
}

static char *
monitor_row_render (MonitorRow *row, int width)
{
  BargeJob *job = row->job;
  BargeJobState state = barge_job_get_state (job);
  const char *id = barge_job_get_id (job);
  g_autofree char *short_id = g_strndup (id, width >= WIDE_TERMINAL ? strlen (id) : 8);
  int name_columns = width >= 80 ? NAME_COLUMNS : NAME_COLUMNS / 2;
  g_autofree char *name = bargectl_terminal_fit (barge_job_get_display_name (job), name_columns);
  int padding = name_columns - bargectl_terminal_text_width (name);
  g_autofree char *label = g_strdup_printf ("%s  %s%*s", short_id, name, MAX (padding, 0), "");
  BargectlProgressView view = {
    .label = label,
    .state = state,
    .hold = (state == BARGE_JOB_STATE_QUEUED || state == BARGE_JOB_STATE_TRANSIENT_ERROR)
              ? barge_job_get_hold_reason (job) : BARGE_HOLD_REASON_NONE,
    .progress = barge_job_get_progress (job),
    .rate = bargectl_rate_get (&row->rate, g_get_monotonic_time ()),
    .note = (state == BARGE_JOB_STATE_ERROR || state == BARGE_JOB_STATE_TRANSIENT_ERROR)
              ? barge_job_get_error_message (job) : NULL,
    .show_files = TRUE,
    .limit = barge_job_get_bandwidth_limit (job),
    .window = barge_job_get_transfer_window (job),
  };

  return bargectl_progress_render (&view, width);
}

/* The limit all background jobs share, when one holds: "background jobs:
 * limit 2.0 MB/s"; NULL when none does. */
static char *
monitor_background_text (Monitor *monitor)
{
  guint64 limit = barge_client_get_background_bandwidth_limit (monitor->client);
  g_autofree char *rate = NULL;

  if (limit == 0)
    return NULL;
  rate = bargectl_format_rate (limit);
  /* TRANSLATORS: the bandwidth limit every background job shares, e.g. "background jobs: limit 2.0 MB/s" */
  return g_strdup_printf (_("background jobs: limit %s"), rate);
}

/* The rows that fit in @max_rows lines, each ending with @eol. */
static int
monitor_append_rows (Monitor *monitor, GString *out, int width, guint max_rows, const char *eol)
{
  int lines = 0;

  for (guint i = 0; i < monitor->rows->len && i < max_rows; i++)
    {
      g_autofree char *line = monitor_row_render (g_ptr_array_index (monitor->rows, i), width);

      g_string_append_printf (out, "%s%s", line, eol);
      lines++;
    }
  if (monitor->rows->len > max_rows)
    {
      g_string_append_printf (out, _("… and %u more"), monitor->rows->len - max_rows);
      g_string_append (out, eol);
      lines++;
    }
  return lines;
}

/* The live view, on the alternate screen: drawn from the top-left corner
 * every time, each line cleared to its end, so a resize or a shorter list
 * leaves nothing behind. */
static void
monitor_draw (Monitor *monitor)
{
  int width = bargectl_terminal_get_width (STDOUT_FILENO);
  int height = bargectl_terminal_get_height (STDOUT_FILENO);
  /* A header line, and the last line left empty so the screen never scrolls. */
  guint max_rows = (guint) MAX (height - 3, 1);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *header = NULL;
  g_autofree char *header_line = NULL;
  g_autofree char *header_fit = NULL;
  g_autofree char *background = NULL;

  g_string_append (out, monitor->clear_screen ? "\033[H\033[2J" : "\033[H");
  monitor->clear_screen = FALSE;
  header = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Barge: %u job", "Barge: %u jobs",
                                         monitor->rows->len),
                            monitor->rows->len);
  background = monitor_background_text (monitor);
  header_line = g_strconcat (header, "    ",
                             monitor->service_gone ? _("the service is not running") : "",
                             monitor->service_gone ? "    " : "",
                             background != NULL ? background : "",
                             background != NULL ? "    " : "",
                             monitor->keys ? _("q or Ctrl-C quits") : _("Ctrl-C quits"), NULL);
  header_fit = bargectl_terminal_fit (header_line, MAX (width - 1, 1));
  g_string_append_printf (out, "\033[1m%s\033[m\033[K\n", header_fit);
  if (monitor->rows->len == 0)
    g_string_append_printf (out, "%s\033[K\n", _("No jobs. Waiting for new ones."));
  else
    monitor_append_rows (monitor, out, width, max_rows, "\033[K\n");
  g_string_append (out, "\033[J");
  /* g_print, not fputs: it converts to the locale's character set. */
  g_print ("%s", out->str);
  fflush (stdout);
}

static gboolean
on_redraw_idle (gpointer user_data)
{
  Monitor *monitor = user_data;

  monitor->redraw_id = 0;
  monitor_draw (monitor);
  return G_SOURCE_REMOVE;
}

/* Coalesces the notifications of one main-loop iteration into one redraw. */
static void
monitor_queue_redraw (Monitor *monitor)
{
  if (monitor->ansi && monitor->redraw_id == 0)
    monitor->redraw_id = g_idle_add (on_redraw_idle, monitor);
}

static void
on_job_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  Monitor *monitor = user_data;
  BargeJob *job = BARGE_JOB (object);
  MonitorRow *row = monitor_find_row (monitor, job, NULL);
  BargeJobState state;

  if (row == NULL)
    return;
  state = barge_job_get_state (job);
  if (g_str_equal (pspec->name, "state") &&
      state != BARGE_JOB_STATE_TRANSFERRING && state != BARGE_JOB_STATE_CONNECTING)
    bargectl_rate_reset (&row->rate);
  if (g_str_equal (pspec->name, "progress") && barge_job_get_progress (job) != NULL)
    bargectl_rate_update (&row->rate,
                          barge_progress_get_bytes_transferred (barge_job_get_progress (job)),
                          g_get_monotonic_time ());

  if (monitor->ansi)
    monitor_queue_redraw (monitor);
  else
    monitor_print_event (row);
}

static gboolean
job_is_mine (BargeJob *job)
{
  return barge_job_get_owner (job) == getuid ();
}

static MonitorRow *
monitor_add_job (Monitor *monitor, BargeJob *job)
{
  MonitorRow *row = monitor_find_row (monitor, job, NULL);

  if (row != NULL)
    return row;
  row = g_new0 (MonitorRow, 1);
  row->job = g_object_ref (job);
  row->notify_id = g_signal_connect (job, "notify", G_CALLBACK (on_job_notify), monitor);
  g_ptr_array_add (monitor->rows, row);
  return row;
}

static void
on_job_added (BargeClient *client, BargeJob *job, gpointer user_data)
{
  Monitor *monitor = user_data;
  MonitorRow *row;

  if (!monitor->all_users && !job_is_mine (job))
    return;
  row = monitor_add_job (monitor, job);
  if (monitor->ansi)
    monitor_queue_redraw (monitor);
  else
    monitor_print_event (row);
}

static gboolean
is_final_state (const char *state)
{
  BargeJobState value;

  return state != NULL && barge_job_state_from_string (state, &value) && barge_job_state_is_final (value);
}

static void
on_job_removed (BargeClient *client, BargeJob *job, const char *final_state, gpointer user_data)
{
  Monitor *monitor = user_data;
  guint index;

  if (monitor_find_row (monitor, job, &index) == NULL)
    return;
  /* A job in a state that is not final was found gone when the service
   * came back: it left while the service was away. */
  if (!monitor->ansi)
    {
      if (is_final_state (final_state))
        /* TRANSLATORS: a job id, then the state it ended in */
        g_print (_("%s removed (%s)\n"), barge_job_get_id (job), final_state);
      else
        /* TRANSLATORS: a job id, then the last state known of it */
        g_print (_("%s is gone (last seen %s)\n"), barge_job_get_id (job), final_state);
      fflush (stdout);
    }
  g_ptr_array_remove_index (monitor->rows, index);
  monitor_queue_redraw (monitor);
}

static void
on_jobs_listed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Monitor *monitor = user_data;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;

  /* Each job the client did not know yet came with "job-added"; the known
   * ones were read again when the service came back. Without a terminal,
   * each job's line is printed again, as it is now. */
  jobs = barge_client_list_jobs_finish (BARGE_CLIENT (source), res, &error);
  if (jobs == NULL)
    {
      g_printerr ("%s\n", error->message);
      return;
    }
  if (monitor->ansi)
    return;
  for (guint i = 0; i < monitor->rows->len; i++)
    {
      MonitorRow *row = g_ptr_array_index (monitor->rows, i);

      g_clear_pointer (&row->last_line, g_free);
      monitor_print_event (row);
    }
}

static void
on_service_appeared (Monitor *monitor)
{
  if (!monitor->service_gone)
    return;
  monitor->service_gone = FALSE;
  if (!monitor->ansi)
    {
      g_print ("%s\n", _("The Barge service is back."));
      fflush (stdout);
    }
  /* Jobs made while the service was away (or, on the system bus, before
   * this client called the new service) come from ListJobs. */
  barge_client_list_jobs_async (monitor->client, monitor->all_users, NULL, on_jobs_listed, monitor);
  monitor_queue_redraw (monitor);
}

static void
on_service_available (BargeClient *client, GParamSpec *pspec, gpointer user_data)
{
  Monitor *monitor = user_data;

  if (barge_client_get_service_available (client))
    {
      on_service_appeared (monitor);
      return;
    }
  if (monitor->service_gone)
    return;
  monitor->service_gone = TRUE;
  if (!monitor->ansi)
    {
      g_print ("%s\n", _("The Barge service stopped; its jobs come back when it starts again."));
      fflush (stdout);
    }
  monitor_queue_redraw (monitor);
}

static gboolean
on_tick (gpointer user_data)
{
  monitor_queue_redraw (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_resize (gpointer user_data)
{
  Monitor *monitor = user_data;

  /* The terminal may have re-wrapped what is on screen: start clean. */
  monitor->clear_screen = TRUE;
  monitor_queue_redraw (monitor);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_quit_signal (gpointer user_data)
{
  Monitor *monitor = user_data;

  g_main_loop_quit (monitor->loop);
  return G_SOURCE_CONTINUE;
}

static int
monitor_load_jobs (Monitor *monitor)
{
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;

  /* A round trip, unlike barge_client_get_jobs(): it proves the service is
   * there and gives the daemon's own idea of "the caller's jobs". */
  jobs = barge_client_list_jobs_sync (monitor->client, monitor->all_users, NULL, &error);
  if (jobs == NULL)
    return bargectl_report_error (error);
  for (guint i = 0; i < jobs->len; i++)
    monitor_add_job (monitor, g_ptr_array_index (jobs, i));
  return BARGECTL_EXIT_OK;
}

static void
monitor_print_once (Monitor *monitor)
{
  if (monitor->ansi)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      g_autofree char *background = monitor_background_text (monitor);

      if (background != NULL)
        g_string_append_printf (out, "%s\n", background);
      if (monitor->rows->len == 0)
        g_string_append_printf (out, "%s\n", _("No jobs."));
      else
        monitor_append_rows (monitor, out, bargectl_terminal_get_width (STDOUT_FILENO),
                             G_MAXUINT, "\n");
      g_print ("%s", out->str);
      fflush (stdout);
      return;
    }
  for (guint i = 0; i < monitor->rows->len; i++)
    monitor_print_event (g_ptr_array_index (monitor->rows, i));
}

static gboolean
on_key (int fd, GIOCondition condition, gpointer user_data)
{
  Monitor *monitor = user_data;
  char keys[64];
  ssize_t n = read (fd, keys, sizeof keys);

  if (n <= 0)
    {
      /* The terminal went away: nothing more to read, Ctrl-C still works. */
      monitor->key_id = 0;
      return G_SOURCE_REMOVE;
    }
  if (memchr (keys, 'q', (size_t) n) != NULL || memchr (keys, 'Q', (size_t) n) != NULL)
    g_main_loop_quit (monitor->loop);
  return G_SOURCE_CONTINUE;
}

static void
monitor_run (Monitor *monitor)
{
  monitor->loop = g_main_loop_new (NULL, FALSE);
  monitor->added_id = g_signal_connect (monitor->client, "job-added",
                                        G_CALLBACK (on_job_added), monitor);
  monitor->removed_id = g_signal_connect (monitor->client, "job-removed",
                                          G_CALLBACK (on_job_removed), monitor);
  monitor->service_id = g_signal_connect (monitor->client, "notify::service-available",
                                         G_CALLBACK (on_service_available), monitor);
  monitor->limit_id = g_signal_connect_swapped (monitor->client, "notify::background-bandwidth-limit",
                                                G_CALLBACK (monitor_queue_redraw), monitor);
  monitor->sigint_id = g_unix_signal_add (SIGINT, on_quit_signal, monitor);
  monitor->sigterm_id = g_unix_signal_add (SIGTERM, on_quit_signal, monitor);
  monitor->sighup_id = g_unix_signal_add (SIGHUP, on_quit_signal, monitor);
  if (monitor->ansi)
    {
      monitor->keys = bargectl_terminal_keys_begin (STDIN_FILENO);
      if (monitor->keys)
        monitor->key_id = g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, on_key, monitor);
      monitor->tick_id = g_timeout_add_seconds (1, on_tick, monitor);
      monitor->resize_id = bargectl_terminal_watch_resize (on_resize, monitor);
      /* The alternate screen, without a cursor: the shell's screen comes
       * back untouched when the monitor ends. */
      fputs ("\033[?1049h\033[?25l", stdout);
      monitor->clear_screen = TRUE;
      monitor_draw (monitor);
    }
  else
    monitor_print_once (monitor);

  g_main_loop_run (monitor->loop);

  if (monitor->ansi)
    {
      fputs ("\033[?25h\033[?1049l", stdout);
      fflush (stdout);
      bargectl_terminal_keys_end ();
    }
  g_clear_signal_handler (&monitor->added_id, monitor->client);
  g_clear_signal_handler (&monitor->removed_id, monitor->client);
  g_clear_signal_handler (&monitor->service_id, monitor->client);
  g_clear_signal_handler (&monitor->limit_id, monitor->client);
  g_clear_handle_id (&monitor->sigint_id, g_source_remove);
  g_clear_handle_id (&monitor->sigterm_id, g_source_remove);
  g_clear_handle_id (&monitor->sighup_id, g_source_remove);
  g_clear_handle_id (&monitor->key_id, g_source_remove);
  g_clear_handle_id (&monitor->tick_id, g_source_remove);
  g_clear_handle_id (&monitor->redraw_id, g_source_remove);
  bargectl_terminal_unwatch_resize (monitor->resize_id);
  g_clear_pointer (&monitor->loop, g_main_loop_unref);
}

int
bargectl_cmd_monitor (const BargectlCommand *command, int argc, char **argv)
{
  static const GOptionEntry entries[] = {
    { "once", 0, 0, G_OPTION_ARG_NONE, &opt_once, N_("Print the current view and exit"), NULL },
    { "all-users", 0, 0, G_OPTION_ARG_NONE, &opt_all_users,
      N_("Show the jobs of every user (needs authorization)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = bargectl_option_context_new (command, entries);
  g_autoptr(GError) error = NULL;
  Monitor monitor = { 0 };
  int status;

  if (!bargectl_option_context_parse (context, command, &argc, &argv))
    return BARGECTL_EXIT_USAGE;
  if (argc != 1)
    return bargectl_usage_error (command, _("Unexpected argument “%s”"), argv[1]);

  monitor.client = bargectl_client_connect (&error);
  if (monitor.client == NULL)
    return bargectl_report_connect_error (error);
  monitor.ansi = bargectl_terminal_use_ansi (STDOUT_FILENO);
  monitor.all_users = opt_all_users;
  monitor.rows = g_ptr_array_new_with_free_func ((GDestroyNotify) monitor_row_free);

  status = monitor_load_jobs (&monitor);
  if (status == BARGECTL_EXIT_OK)
    {
      if (opt_once)
        monitor_print_once (&monitor);
      else
        monitor_run (&monitor);
    }

  g_ptr_array_unref (monitor.rows);
  g_object_unref (monitor.client);
  return status;
}
