/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedJob"

#include "config.h"

#include "barged-job-private.h"
#include "barged-log.h"
#include "barged-state.h"

/* A job's time policy: NotBefore (URLSession's earliestBeginDate) and a
 * daily TransferWindow in local time. The job reads the shared clock
 * (ctx.clock) to know whether they hold it (time_hold), and arms one timer
 * for the next moment that may change; the scheduler only asks
 * barged_job_get_time_hold(). The clock's "changed" (a step of the wall
 * clock, a new time zone) makes the job look again and re-arm.
 *
 * One timer per job rather than one in the scheduler for the earliest
 * wake-up: the hold is the job's own, as its retry timer is, and it must
 * be right in HoldReason whatever the scheduler does; a job wakes at most
 * at its own boundaries (two a day for a window, once for NotBefore), so
 * the timers cost no more than one that the scheduler would re-arm after
 * each of those wake-ups, and no job is scanned for another's boundary. */

/* Below this many seconds the wait is armed with g_timeout_add(): the
 * coalescing g_timeout_add_seconds() may fire up to a quarter of a second
 * early, which would cost a job a further second at its boundary. A longer
 * wait stops a second short and ends with the precise timer. */
#define PRECISE_SECONDS 60

/* 9999-12-31T23:59:59Z: the last moment GDateTime holds. */
#define NOT_BEFORE_MAX G_GINT64_CONSTANT (253402300799)

gint64
barged_job_get_not_before (BargedJob *self)
{
  return self->not_before;
}

const char *
barged_job_get_transfer_window (BargedJob *self)
{
  return self->window_text;
}

BargeHoldReason
barged_job_get_time_hold (BargedJob *self)
{
  return self->time_hold;
}

static gboolean
time_cb (gpointer user_data)
{
  BargedJob *self = user_data;

  self->time_source = 0;
  _barged_job_times_update (self);
  return G_SOURCE_REMOVE;
}

static void
arm (BargedJob *self, GDateTime *when)
{
  guint seconds = barged_clock_seconds_until (self->ctx.clock, when);

  g_clear_handle_id (&self->time_source, g_source_remove);
  /* Rounded up from the whole second the clock reads, so the timer never
   * ends before @when; 0 would be a moment already past: look again now. */
  if (seconds > PRECISE_SECONDS)
    self->time_source = g_timeout_add_seconds (seconds - 1, time_cb, self);
  else
    self->time_source = g_timeout_add (MAX (seconds, 1u) * 1000, time_cb, self);
}

static void
on_clock_changed (BargedClock *clock, BargedJob *self)
{
  _barged_job_times_update (self);
}

void
_barged_job_times_update (BargedJob *self)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) wake = NULL;
  BargeHoldReason before = barged_job_get_hold_reason (self);
  BargeHoldReason hold = BARGE_HOLD_REASON_NONE;

  g_clear_handle_id (&self->time_source, g_source_remove);
  if (self->removed || (self->not_before == 0 && self->window_text[0] == '\0'))
    {
      /* No policy: nothing to wake for. */
    }
  else
    {
      /* Only jobs with a policy listen: a clock change wakes no other. */
      if (self->clock_handler == 0)
        self->clock_handler = g_signal_connect (self->ctx.clock, "changed", G_CALLBACK (on_clock_changed), self);
      now = barged_clock_now (self->ctx.clock);
      if (self->not_before > g_date_time_to_unix (now))
        {
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (self->not_before);

          hold = BARGE_HOLD_REASON_NOT_BEFORE;
          wake = g_date_time_to_timezone (utc, barged_clock_get_timezone (self->ctx.clock));
        }
      else if (self->window_text[0] != '\0')
        {
          if (!barged_window_contains (&self->window_span, now))
            hold = BARGE_HOLD_REASON_OUTSIDE_WINDOW;
          wake = barged_window_next_boundary (&self->window_span, now);
        }
      if (wake != NULL)
        arm (self, wake);
    }

  if (hold == self->time_hold)
    return;
  self->time_hold = hold;
  barged_job_log (self, G_LOG_LEVEL_INFO, "time policy: %s", barge_hold_reason_to_string (hold));
  if (barged_job_get_hold_reason (self) != before)
    _barged_job_notify (self, BARGED_JOB_PROP_HOLD_REASON);
  /* The scheduler starts the job, or sends it back to the queue. */
  g_signal_emit (self, _barged_job_signals[BARGED_JOB_SIGNAL_SCHEDULING_CHANGED], 0);
}

static gboolean
check_not_before (BargedJob *self, gint64 not_before, GError **error)
{
  g_autoptr(GDateTime) now = NULL;

  if (not_before == 0)
    return TRUE;
  now = barged_clock_now (self->ctx.clock);
  if (not_before > NOT_BEFORE_MAX)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "not-before is after the year 9999; give 0 for none or a future time up to %" G_GINT64_FORMAT
                   " (Unix seconds, UTC)", NOT_BEFORE_MAX);
      return FALSE;
    }
  if (not_before >= g_date_time_to_unix (now))
    return TRUE;
  g_set_error_literal (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                       "not-before is in the past; give 0 for none or a future time (Unix seconds, UTC)");
  return FALSE;
}

/* The window @text parsed into @span and its canonical text. */
static gboolean
check_window (const char *text, BargedWindow *span, char **canonical, GError **error)
{
  if (text == NULL || text[0] == '\0')
    {
      *canonical = g_strdup ("");
      return TRUE;
    }
  if (!barged_window_parse (text, span, error))
    return FALSE;
  *canonical = barged_window_to_string (span);
  return TRUE;
}

gboolean
_barged_job_times_init (BargedJob *self, gint64 not_before, const char *window, GError **error)
{
  BargedWindow span = { 0, 0 };
  char *canonical = NULL;

  if (!check_not_before (self, not_before, error) || !check_window (window, &span, &canonical, error))
    return FALSE;
  self->not_before = not_before;
  self->window_span = span;
  g_free (self->window_text);
  self->window_text = canonical;
  _barged_job_times_update (self);
  return TRUE;
}

void
_barged_job_times_restore (BargedJob *self, gint64 not_before, const char *window)
{
  BargedWindow span = { 0, 0 };
  g_autofree char *canonical = NULL;

  /* A time that passed while the daemon was away simply holds no more;
   * one beyond what a client may set is damage, and holds nothing. */
  self->not_before = not_before > 0 && not_before <= NOT_BEFORE_MAX ? not_before : 0;
  if (check_window (window, &span, &canonical, NULL))
    {
      self->window_span = span;
      g_free (self->window_text);
      self->window_text = g_steal_pointer (&canonical);
    }
  else
    barged_job_log (self, G_LOG_LEVEL_WARNING, "its stored transfer window is damaged: it transfers at any time");
  _barged_job_times_update (self);
}

/* A client changed a setting: announced, stored, and looked at again. */
static void
changed (BargedJob *self, BargedJobProp prop)
{
  _barged_job_notify (self, prop);
  _barged_job_touch (self);
  barged_job_save (self, NULL, NULL);
  _barged_job_times_update (self);
}

gboolean
barged_job_set_not_before (BargedJob *self, gint64 not_before, GError **error)
{
  if (!_barged_job_check_call (self, BARGED_CALL_SET_PROPERTY, NULL, error))
    return FALSE;
  /* Writing back the value it has is no change, even once it passed. */
  if (not_before == self->not_before)
    return TRUE;
  if (!check_not_before (self, not_before, error))
    return FALSE;
  self->not_before = not_before;
  changed (self, BARGED_JOB_PROP_NOT_BEFORE);
  return TRUE;
}

gboolean
barged_job_set_transfer_window (BargedJob *self, const char *window, GError **error)
{
  BargedWindow span = { 0, 0 };
  g_autofree char *canonical = NULL;

  if (!_barged_job_check_call (self, BARGED_CALL_SET_PROPERTY, NULL, error) ||
      !check_window (window, &span, &canonical, error))
    return FALSE;
  if (g_str_equal (canonical, self->window_text))
    return TRUE;
  self->window_span = span;
  g_free (self->window_text);
  self->window_text = g_steal_pointer (&canonical);
  changed (self, BARGED_JOB_PROP_TRANSFER_WINDOW);
  return TRUE;
}

void
_barged_job_times_clear (BargedJob *self)
{
  g_clear_handle_id (&self->time_source, g_source_remove);
  if (self->clock_handler != 0 && self->ctx.clock != NULL)
    g_clear_signal_handler (&self->clock_handler, self->ctx.clock);
}
