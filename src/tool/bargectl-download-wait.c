/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <unistd.h>
#include <glib-unix.h>
#include <glib/gi18n.h>

#include "bargectl.h"
#include "bargectl-client.h"
#include "bargectl-download.h"
#include "bargectl-output.h"
#include "bargectl-progress.h"
#include "bargectl-terminal.h"

/* Waiting for a `download` job: reacts to the job's notify signals, draws
 * the bar, completes the job, and handles Ctrl-C, --timeout and a service
 * that goes away. */

#define BARGE_BUS_NAME "org.freedesktop.Barge1"

typedef struct {
  BargeClient *client;
  BargeJob *job;
  const BargectlWaitOptions *options;
  GMainLoop *loop;
  int exit_code;
  gboolean done;
  gboolean bar;          /* draw the progress bar */
  gboolean bar_visible;  /* a bar line is on screen, not yet ended */
  gboolean interactive;  /* Ctrl-C asks what to do */
  gboolean asking;
  gboolean completing;
  gboolean cancelling;
  gboolean cancel_requested; /* by the user, at the Ctrl-C question */
  BargectlRate rate;
  gint64 start_time;
  gulong notify_id;
  gulong removed_id;
  guint redraw_id;
  guint tick_id;
  guint timeout_id;
  guint sigint_id;
  guint sigterm_id;
  guint stdin_id;
  guint name_watch_id;
} Waiter;

static void waiter_handle_state (Waiter *waiter);

void
bargectl_print_job_hints (BargeJob *job)
{
  const char *id = barge_job_get_id (job);

  g_printerr (_("The job %s stays with the Barge service:\n"), id);
  g_printerr ("  bargectl info %s\n", id);
  g_printerr ("  bargectl resume %s\n", id);
  /* TRANSLATORS: keep the command; the comment after # is free text */
  g_printerr (_("  bargectl complete %s   # once it is transferred, to get the files\n"), id);
  g_printerr (_("  bargectl cancel %s     # to drop it and its temporary files\n"), id);
}

static void
waiter_end_bar (Waiter *waiter)
{
  if (waiter->bar_visible)
    {
      fputs ("\n", stdout);
      fflush (stdout);
      waiter->bar_visible = FALSE;
    }
}

static void
waiter_draw (Waiter *waiter)
{
  BargeJobState state = barge_job_get_state (waiter->job);
  g_autofree char *line = NULL;
  BargectlProgressView view = {
    .state = state,
    .progress = barge_job_get_progress (waiter->job),
    .rate = bargectl_rate_get (&waiter->rate, g_get_monotonic_time ()),
    .note = state == BARGE_JOB_STATE_TRANSIENT_ERROR ? barge_job_get_error_message (waiter->job) : NULL,
    .show_files = TRUE,
  };

  if (!waiter->bar || waiter->asking || waiter->done)
    return;
  line = bargectl_progress_render (&view, bargectl_terminal_get_width (STDOUT_FILENO));
  /* \r and erase-to-end: the line is shorter than the terminal, so it never wraps. */
  g_print ("\r%s\033[K", line);
  fflush (stdout);
  waiter->bar_visible = TRUE;
}

static void
waiter_finish (Waiter *waiter, int exit_code)
{
  if (waiter->done)
    return;
  waiter_end_bar (waiter);
  waiter->done = TRUE;
  waiter->exit_code = exit_code;
  g_main_loop_quit (waiter->loop);
}

static void
waiter_print_summary (Waiter *waiter)
{
  BargeProgress *progress = barge_job_get_progress (waiter->job);
  guint64 files = progress ? barge_progress_get_files_total (progress) : 0;
  guint64 bytes = progress ? barge_progress_get_bytes_transferred (progress) : 0;
  double seconds = (double) (g_get_monotonic_time () - waiter->start_time) / G_USEC_PER_SEC;
  g_autofree char *size = bargectl_format_size (bytes);
  g_autofree char *duration = bargectl_format_duration (seconds);
  g_autofree char *rate = bargectl_format_size (seconds > 0.001 ? (guint64) (bytes / seconds) : bytes);

  if (waiter->options->upload)
    {
      /* On stderr: stdout may carry the server's reply. */
      /* TRANSLATORS: "Uploaded 3.1 MB to https://example.org/in/file in 0:04 (800 kB/s)" */
      g_printerr (_("Uploaded %s to %s in %s (%s/s)\n"), size, waiter->options->destination, duration, rate);
      return;
    }
  /* TRANSLATORS: "Downloaded 2 files (3.1 MB) to /tmp in 0:04 (800 kB/s)" */
  g_print (g_dngettext (GETTEXT_PACKAGE, "Downloaded %" G_GUINT64_FORMAT " file (%s) to %s in %s (%s/s)\n",
                        "Downloaded %" G_GUINT64_FORMAT " files (%s) to %s in %s (%s/s)\n", files),
           files, size, waiter->options->destination, duration, rate);
}

static void
on_complete_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Waiter *waiter = user_data;
  g_autoptr(GError) error = NULL;

  waiter->completing = FALSE;
  if (!barge_job_complete_finish (BARGE_JOB (source), result, &error))
    {
      g_autofree char *message = bargectl_error_message (error);

      waiter_end_bar (waiter);
      g_printerr (_("bargectl: the files were transferred but cannot be handed over: %s\n"), message);
      bargectl_print_job_hints (waiter->job);
      waiter_finish (waiter, bargectl_exit_code_for_error (error));
      return;
    }
  waiter_finish (waiter, BARGECTL_EXIT_OK);
  waiter_print_summary (waiter);
}

static void
on_cancel_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Waiter *waiter = user_data;
  g_autoptr(GError) error = NULL;

  if (!barge_job_cancel_finish (BARGE_JOB (source), result, &error))
    {
      waiter_finish (waiter, bargectl_report_error (error));
      return;
    }
  if (waiter->cancel_requested)
    g_printerr (_("The job was cancelled.\n"));
  else
    /* A one-shot download owns its job: a failed one left behind would
     * only pile up (the BITS "17,000 leaked jobs" complaint). */
    g_printerr (_("The job was cancelled; use --keep-on-error to keep failed jobs.\n"));
  waiter_finish (waiter, BARGECTL_EXIT_FAILURE);
}

static void
waiter_cancel_job (Waiter *waiter)
{
  waiter->cancelling = TRUE;
  barge_job_cancel_async (waiter->job, NULL, on_cancel_done, waiter);
}

static const char *
message_locale (void)
{
  const char *locale = setlocale (LC_MESSAGES, NULL);

  if (locale == NULL || g_str_equal (locale, "C") || g_str_equal (locale, "POSIX"))
    return "";
  return locale;
}

static void
waiter_report_failure (Waiter *waiter)
{
  g_autofree char *description = NULL;
  const char *name = barge_job_get_error_name (waiter->job);

  waiter_end_bar (waiter);
  /* In the user's language, not the daemon's; a failure only loses the extra sentence. */
  if (name != NULL && *name != '\0')
    description = barge_client_get_error_description_sync (waiter->client, name,
                                                           message_locale (), NULL, NULL);
  bargectl_print_job_error (waiter->job, description);

  if (waiter->options->keep_on_error)
    {
      bargectl_print_job_hints (waiter->job);
      waiter_finish (waiter, BARGECTL_EXIT_FAILURE);
      return;
    }
  waiter_cancel_job (waiter);
}

static void
waiter_handle_state (Waiter *waiter)
{
  BargeJobState state = barge_job_get_state (waiter->job);

  if (waiter->done || waiter->asking || waiter->completing || waiter->cancelling)
    return;

  switch (state)
    {
    case BARGE_JOB_STATE_TRANSFERRED:
      waiter_draw (waiter);
      if (waiter->options->transferred != NULL)
        {
          int status;

          waiter_end_bar (waiter);
          status = waiter->options->transferred (waiter->job, waiter->options->transferred_data);
          if (status != BARGECTL_EXIT_OK)
            {
              bargectl_print_job_hints (waiter->job);
              waiter_finish (waiter, status);
              return;
            }
        }
      if (!waiter->options->complete)
        {
          waiter_finish (waiter, BARGECTL_EXIT_OK);
          g_print (_("Transferred; run “bargectl complete %s” to get the files.\n"),
                   barge_job_get_id (waiter->job));
          return;
        }
      waiter->completing = TRUE;
      barge_job_complete_async (waiter->job, NULL, on_complete_done, waiter);
      return;
    case BARGE_JOB_STATE_ERROR:
      waiter_report_failure (waiter);
      return;
    case BARGE_JOB_STATE_CANCELLED:
      waiter_end_bar (waiter);
      g_printerr (_("bargectl: the job was cancelled by another program\n"));
      waiter_finish (waiter, BARGECTL_EXIT_FAILURE);
      return;
    case BARGE_JOB_STATE_ACKNOWLEDGED:
      waiter_finish (waiter, BARGECTL_EXIT_OK);
      waiter_print_summary (waiter);
      return;
    case BARGE_JOB_STATE_QUEUED:
    case BARGE_JOB_STATE_CONNECTING:
    case BARGE_JOB_STATE_TRANSFERRING:
    case BARGE_JOB_STATE_SUSPENDED:
    case BARGE_JOB_STATE_TRANSIENT_ERROR:
    default:
      /* The daemon retries transient errors by itself; the bar shows them. */
      return;
    }
}

static gboolean
on_redraw_idle (gpointer user_data)
{
  Waiter *waiter = user_data;

  waiter->redraw_id = 0;
  waiter_draw (waiter);
  return G_SOURCE_REMOVE;
}

static void
on_job_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  Waiter *waiter = user_data;
  BargeProgress *progress = barge_job_get_progress (waiter->job);

  if (g_str_equal (pspec->name, "progress") && progress != NULL)
    bargectl_rate_update (&waiter->rate, barge_progress_get_bytes_transferred (progress),
                          g_get_monotonic_time ());
  if (g_str_equal (pspec->name, "state"))
    waiter_handle_state (waiter);
  if (waiter->bar && waiter->redraw_id == 0 && !waiter->done)
    waiter->redraw_id = g_idle_add (on_redraw_idle, waiter);
}

static void
on_job_removed (BargeClient *client, BargeJob *job, const char *final_state, gpointer user_data)
{
  Waiter *waiter = user_data;

  if (g_strcmp0 (barge_job_get_object_path (job), barge_job_get_object_path (waiter->job)) != 0 ||
      waiter->completing || waiter->cancelling || waiter->done)
    return;
  waiter_end_bar (waiter);
  if (g_strcmp0 (final_state, "acknowledged") == 0)
    {
      waiter_finish (waiter, BARGECTL_EXIT_OK);
      waiter_print_summary (waiter);
      return;
    }
  g_printerr (_("bargectl: the job was removed by another program (%s)\n"),
              final_state != NULL && *final_state != '\0' ? final_state : _("unknown"));
  waiter_finish (waiter, BARGECTL_EXIT_FAILURE);
}

static void
on_name_vanished (GDBusConnection *connection, const char *name, gpointer user_data)
{
  Waiter *waiter = user_data;

  /* A pending Complete() or Cancel() reports the failure itself. */
  if (waiter->done || waiter->completing || waiter->cancelling)
    return;
  waiter_end_bar (waiter);
  /* Jobs are durable: a restarted service picks this one up again. */
  g_printerr (_("bargectl: the Barge service stopped while waiting\n"));
  bargectl_print_job_hints (waiter->job);
  waiter_finish (waiter, BARGECTL_EXIT_UNREACHABLE);
}

static gboolean
on_timeout (gpointer user_data)
{
  Waiter *waiter = user_data;

  waiter->timeout_id = 0;
  /* Handing over the files is quick and local: let it finish. */
  if (waiter->done || waiter->completing || waiter->cancelling)
    return G_SOURCE_REMOVE;
  waiter_end_bar (waiter);
  g_printerr (g_dngettext (GETTEXT_PACKAGE, "bargectl: no result after %u second\n",
                           "bargectl: no result after %u seconds\n",
                           waiter->options->timeout_seconds),
              waiter->options->timeout_seconds);
  bargectl_print_job_hints (waiter->job);
  waiter_finish (waiter, BARGECTL_EXIT_TIMEOUT);
  return G_SOURCE_REMOVE;
}

static gboolean
on_tick (gpointer user_data)
{
  waiter_draw (user_data);
  return G_SOURCE_CONTINUE;
}

static void
waiter_leave_job (Waiter *waiter)
{
  waiter->asking = FALSE;
  /* Finished while we were asking: "leave it running" then means "carry on". */
  if (barge_job_get_state (waiter->job) == BARGE_JOB_STATE_TRANSFERRED)
    {
      waiter_handle_state (waiter);
      return;
    }
  bargectl_print_job_hints (waiter->job);
  waiter_finish (waiter, BARGECTL_EXIT_FAILURE);
}

static gboolean
on_stdin_answer (int fd, GIOCondition condition, gpointer user_data)
{
  Waiter *waiter = user_data;
  char buffer[256] = { 0 };
  ssize_t n = read (fd, buffer, sizeof buffer - 1);
  g_autofree char *answer = NULL;

  waiter->stdin_id = 0;
  answer = g_strstrip (g_strdup (n > 0 ? buffer : ""));
  /* TRANSLATORS: the first letter of "cancel" in the [c/L] question */
  if (*answer != '\0' && g_unichar_tolower (g_utf8_get_char_validated (answer, -1)) ==
                           g_utf8_get_char (C_("answer", "c")))
    {
      waiter->asking = FALSE;
      waiter->cancel_requested = TRUE;
      waiter_cancel_job (waiter);
    }
  else
    waiter_leave_job (waiter);
  return G_SOURCE_REMOVE;
}

static gboolean
on_interrupt (gpointer user_data)
{
  Waiter *waiter = user_data;

  if (waiter->done || waiter->completing || waiter->cancelling)
    return G_SOURCE_CONTINUE;
  if (waiter->asking || !waiter->interactive)
    {
      /* A second Ctrl-C, or nobody to ask: take the safe default. */
      g_clear_handle_id (&waiter->stdin_id, g_source_remove);
      waiter_end_bar (waiter);
      if (waiter->asking)
        g_printerr ("\n");
      waiter_leave_job (waiter);
      return G_SOURCE_CONTINUE;
    }
  waiter_end_bar (waiter);
  waiter->asking = TRUE;
  g_printerr (_("Cancel the job or leave it running? [c/L] "));
  waiter->stdin_id = g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                    on_stdin_answer, waiter);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_terminate (gpointer user_data)
{
  Waiter *waiter = user_data;

  if (!waiter->done && !waiter->completing && !waiter->cancelling)
    {
      waiter_end_bar (waiter);
      waiter_leave_job (waiter);
    }
  return G_SOURCE_CONTINUE;
}

int
bargectl_download_wait (BargeClient *client, BargeJob *job, const BargectlWaitOptions *options)
{
  Waiter waiter = {
    .client = client,
    .job = job,
    .options = options,
    .exit_code = BARGECTL_EXIT_FAILURE,
    .bar = bargectl_terminal_use_ansi (STDOUT_FILENO),
    .interactive = isatty (STDIN_FILENO) && isatty (STDERR_FILENO),
    .start_time = g_get_monotonic_time (),
  };

  waiter.loop = g_main_loop_new (NULL, FALSE);
  waiter.notify_id = g_signal_connect (job, "notify", G_CALLBACK (on_job_notify), &waiter);
  waiter.removed_id = g_signal_connect (client, "job-removed", G_CALLBACK (on_job_removed), &waiter);
  waiter.name_watch_id = g_bus_watch_name_on_connection (barge_client_get_connection (client),
                                                         BARGE_BUS_NAME,
                                                         G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                         NULL, on_name_vanished, &waiter, NULL);
  waiter.sigint_id = g_unix_signal_add (SIGINT, on_interrupt, &waiter);
  waiter.sigterm_id = g_unix_signal_add (SIGTERM, on_terminate, &waiter);
  if (options->timeout_seconds > 0)
    waiter.timeout_id = g_timeout_add_seconds (options->timeout_seconds, on_timeout, &waiter);
  /* Repaints only, so the rate and ETA age between progress signals. The
   * first drawing waits for the first signal: the cached state still says
   * "suspended" until the Resume() echo arrives. */
  if (waiter.bar)
    waiter.tick_id = g_timeout_add_seconds (1, on_tick, &waiter);

  /* The job may have moved on before the handlers were connected. */
  waiter_handle_state (&waiter);
  if (!waiter.done)
    g_main_loop_run (waiter.loop);

  g_clear_signal_handler (&waiter.notify_id, job);
  g_clear_signal_handler (&waiter.removed_id, client);
  g_clear_handle_id (&waiter.name_watch_id, g_bus_unwatch_name);
  g_clear_handle_id (&waiter.sigint_id, g_source_remove);
  g_clear_handle_id (&waiter.sigterm_id, g_source_remove);
  g_clear_handle_id (&waiter.timeout_id, g_source_remove);
  g_clear_handle_id (&waiter.tick_id, g_source_remove);
  g_clear_handle_id (&waiter.redraw_id, g_source_remove);
  g_clear_handle_id (&waiter.stdin_id, g_source_remove);
  g_main_loop_unref (waiter.loop);
  return waiter.exit_code;
}
