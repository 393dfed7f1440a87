/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "bargectl-output.h"
#include "bargectl-progress.h"
#include "bargectl-terminal.h"

/* Seconds over which the rate is smoothed: long enough to hide the
 * 500 ms notification rhythm, short enough to follow a real change. */
#define RATE_TIME_CONSTANT 3.0
/* Shorter gaps carry too little information and are folded into the next. */
#define RATE_MIN_INTERVAL_USEC (200 * 1000)

#define BAR_MIN_WIDTH 10
#define BAR_MAX_WIDTH 40
/* Room kept for the figures after the bar whatever they say right now, so
 * that the bar does not change size when the rate or ETA come and go. */
#define TAIL_RESERVE 46

void
bargectl_rate_reset (BargectlRate *rate)
{
  *rate = (BargectlRate) { 0 };
}

void
bargectl_rate_update (BargectlRate *rate, guint64 bytes, gint64 now)
{
  double dt, instant, alpha;

  if (!rate->has_sample || bytes < rate->last_bytes)
    {
      /* First sample, or the transfer started again from zero. */
      rate->has_sample = TRUE;
      rate->has_rate = FALSE;
      rate->last_time = now;
      rate->last_bytes = bytes;
      return;
    }
  if (now - rate->last_time < RATE_MIN_INTERVAL_USEC)
    return;

  dt = (double) (now - rate->last_time) / G_USEC_PER_SEC;
  instant = (double) (bytes - rate->last_bytes) / dt;
  alpha = dt / (RATE_TIME_CONSTANT + dt);
  rate->rate = rate->has_rate ? rate->rate + alpha * (instant - rate->rate) : instant;
  rate->has_rate = TRUE;
  rate->last_time = now;
  rate->last_bytes = bytes;
}

double
bargectl_rate_get (const BargectlRate *rate, gint64 now)
{
  double idle;

  if (!rate->has_rate)
    return -1.0;
  /* No report for a while means no bytes for a while: let the estimate
   * sink as if a zero sample were due. */
  idle = (double) (now - rate->last_time) / G_USEC_PER_SEC;
  if (idle > 1.0)
    return rate->rate * RATE_TIME_CONSTANT / (RATE_TIME_CONSTANT + idle - 1.0);
  return rate->rate;
}

const char *
bargectl_state_label (BargeJobState state)
{
  switch (state)
    {
    case BARGE_JOB_STATE_QUEUED:
      return _("queued");
    case BARGE_JOB_STATE_CONNECTING:
      return _("connecting");
    case BARGE_JOB_STATE_TRANSFERRING:
      return _("transferring");
    case BARGE_JOB_STATE_SUSPENDED:
      return _("suspended");
    case BARGE_JOB_STATE_ERROR:
      return _("error");
    case BARGE_JOB_STATE_TRANSIENT_ERROR:
      return _("waiting to retry");
    case BARGE_JOB_STATE_TRANSFERRED:
      return _("transferred");
    case BARGE_JOB_STATE_ACKNOWLEDGED:
      return _("completed");
    case BARGE_JOB_STATE_CANCELLED:
      return _("cancelled");
    default:
      return _("unknown");
    }
}

const char *
bargectl_hold_label (BargeHoldReason hold)
{
  switch (hold)
    {
    case BARGE_HOLD_REASON_SCHEDULER:
      return _("other jobs go first");
    case BARGE_HOLD_REASON_RETRY_DELAY:
      return _("retry delay");
    case BARGE_HOLD_REASON_NO_NETWORK:
      return _("no network");
    case BARGE_HOLD_REASON_METERED_NETWORK:
      return _("metered network");
    case BARGE_HOLD_REASON_NOT_BEFORE:
      /* TRANSLATORS: the job waits for the time it may start at */
      return _("not before its time");
    case BARGE_HOLD_REASON_OUTSIDE_WINDOW:
      /* TRANSLATORS: the job waits for its daily transfer window */
      return _("outside its window");
    case BARGE_HOLD_REASON_SLEEPING:
      /* TRANSLATORS: the machine sleeps; the job goes on when it wakes */
      return _("the machine sleeps");
    case BARGE_HOLD_REASON_NONE:
    default:
      return NULL;
    }
}

/* 0..1, or negative while the total size is not known. */
static double
progress_fraction (const BargectlProgressView *view)
{
  guint64 total, done;

  if (view->state == BARGE_JOB_STATE_TRANSFERRED || view->state == BARGE_JOB_STATE_ACKNOWLEDGED)
    return 1.0;
  if (view->progress == NULL)
    return -1.0;
  total = barge_progress_get_bytes_total (view->progress);
  done = barge_progress_get_bytes_transferred (view->progress);
  if (total == BARGE_SIZE_UNKNOWN)
    return -1.0;
  if (total == 0)
    return 0.0;
  return MIN (1.0, (double) done / (double) total);
}

static void
append_bar (GString *out, double fraction, int inner_width)
{
  /* Eighth blocks give the bar sub-character resolution on UTF-8 terminals. */
  static const char *const eighths[] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
  gboolean utf8 = g_get_charset (NULL);
  int cells = fraction < 0 ? 0 : (int) (fraction * inner_width * 8 + 0.5);
  int full = cells / 8;
  int drawn = 0;

  g_string_append_c (out, '[');
  for (; drawn < full && drawn < inner_width; drawn++)
    g_string_append (out, utf8 ? "█" : "#");
  if (drawn < inner_width && cells % 8 != 0)
    {
      g_string_append (out, utf8 ? eighths[cells % 8] : (cells % 8 >= 4 ? "=" : "-"));
      drawn++;
    }
  for (; drawn < inner_width; drawn++)
    g_string_append_c (out, ' ');
  g_string_append_c (out, ']');
}

static char *
render_tail (const BargectlProgressView *view, double fraction)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *bytes = bargectl_format_byte_progress (view->progress);
  gboolean moving = view->state == BARGE_JOB_STATE_TRANSFERRING ||
                    view->state == BARGE_JOB_STATE_CONNECTING;

  g_ptr_array_add (fields, fraction < 0 ? g_strdup (" --%")
                                        : g_strdup_printf ("%3d%%", (int) (fraction * 100.0)));
  g_ptr_array_add (fields, g_steal_pointer (&bytes));
  if (moving && view->rate >= 0)
    {
      g_autofree char *size = bargectl_format_size ((guint64) view->rate);
      guint64 total = view->progress ? barge_progress_get_bytes_total (view->progress) : BARGE_SIZE_UNKNOWN;

      /* TRANSLATORS: a transfer rate, e.g. "1.2 MB/s" */
      g_ptr_array_add (fields, g_strdup_printf (_("%s/s"), size));
      if (total != BARGE_SIZE_UNKNOWN && view->rate > 0)
        {
          guint64 done = barge_progress_get_bytes_transferred (view->progress);
          double left = done < total ? (double) (total - done) / view->rate : 0.0;
          g_autofree char *eta = bargectl_format_duration (left);

          /* TRANSLATORS: estimated time left, e.g. "ETA 1:05" */
          g_ptr_array_add (fields, g_strdup_printf (_("ETA %s"), eta));
        }
    }
  if (view->show_files && view->progress != NULL)
    {
      guint64 total = barge_progress_get_files_total (view->progress);
      guint64 current = MIN (barge_progress_get_files_transferred (view->progress) + 1, total);

      if (total > 1)
        /* TRANSLATORS: which file of a job is being transferred */
        g_ptr_array_add (fields, g_strdup_printf (_("file %" PRIu64 " of %" PRIu64),
                                                  current, total));
    }
  if (view->state != BARGE_JOB_STATE_TRANSFERRING)
    {
      const char *hold = bargectl_hold_label (view->hold);

      /* TRANSLATORS: a state, then what the job waits for: "queued (no network)" */
      g_ptr_array_add (fields, hold != NULL ? g_strdup_printf (_("%s (%s)"), bargectl_state_label (view->state), hold)
                                            : g_strdup (bargectl_state_label (view->state)));
    }
  /* Last: a narrow terminal cuts these before the state. */
  if (view->limit > 0)
    {
      g_autofree char *limit = bargectl_format_rate (view->limit);

      /* TRANSLATORS: the job's own bandwidth limit, e.g. "limit 2.0 MB/s" */
      g_ptr_array_add (fields, g_strdup_printf (_("limit %s"), limit));
    }
  if (view->window != NULL && *view->window != '\0')
    /* TRANSLATORS: the job's daily transfer window, e.g. "window 22:00-06:00" */
    g_ptr_array_add (fields, g_strdup_printf (_("window %s"), view->window));
  g_ptr_array_add (fields, NULL);
  return g_strjoinv ("  ", (char **) fields->pdata);
}

char *
bargectl_progress_render (const BargectlProgressView *view, int width)
{
  double fraction = progress_fraction (view);
  g_autofree char *tail = render_tail (view, fraction);
  g_autoptr(GString) line = g_string_new (NULL);
  g_autofree char *note = NULL;
  int avail = MAX (width - 1, 1);
  int label_width, tail_width;

  if (view->label != NULL)
    {
      g_autofree char *label = bargectl_terminal_sanitize (view->label);

      g_string_append (line, label);
      g_string_append (line, "  ");
    }
  /* The error message is the only part allowed to be cut; the bar keeps
   * its minimum width as long as the figures fit beside it. */
  if (view->note != NULL && *view->note != '\0')
    note = g_strconcat (": ", view->note, NULL);
  label_width = bargectl_terminal_text_width (line->str);
  tail_width = bargectl_terminal_text_width (tail);
  if (avail - label_width - tail_width - 1 >= BAR_MIN_WIDTH + 2)
    {
      /* An error message matters more than bar length: give it the room. */
      int reserve = note ? tail_width + bargectl_terminal_text_width (note)
                         : MAX (tail_width, TAIL_RESERVE);
      int room = avail - label_width - reserve - 1;

      append_bar (line, fraction, CLAMP (room - 2, BAR_MIN_WIDTH, BAR_MAX_WIDTH));
      g_string_append_c (line, ' ');
    }
  g_string_append (line, tail);
  if (note != NULL)
    g_string_append (line, note);
  return bargectl_terminal_fit (line->str, avail);
}
