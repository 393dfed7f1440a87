/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedJob"

#include "config.h"

#include "barged-errors.h"
#include "barged-job-private.h"
#include "barged-log.h"
#include "barged-notify.h"
#include "barged-scheduler-plan.h"

/* Files transferred before the probes judge whether sizes are worth asking
 * for, and the size below which a file counts as small. */
#define PROBE_SAMPLE 8
#define PROBE_SMALL_FILE (256 * 1024)

/* A job's runs: one file after another through BargedTransfer (or the
 * BargedUpload of an upload job), the HEAD probes for sizes beside them,
 * errors and their retries, MaximumDownloadTime, and the announcements
 * (signals, or the notify program) of "transferred" and "error". */

gint
_barged_job_current_file_index (BargedJob *self)
{
  return self->next_pending < self->files->len ? (gint) self->next_pending : -1;
}

gboolean
_barged_job_run_in_flight (BargedJob *self)
{
  return self->runs->len > 0 || (self->upload != NULL && barged_upload_is_running (self->upload));
}

void
_barged_job_save_file (BargedJob *self, BargedFile *file)
{
  /* As _barged_job_save_from(): no row after the job's delete. */
  if (self->removed)
    return;
  barged_store_put_file (self->ctx.store, barged_file_to_record (file, self->id), NULL, NULL);
}

void
_barged_job_clear_timers (BargedJob *self)
{
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->max_time_source, g_source_remove);
  g_clear_handle_id (&self->notify_source, g_source_remove);
  _barged_job_times_clear (self);
}

/* --- errors and retries ------------------------------------------------------ */

/* A transient error waited out NoProgressTimeout since the first of its
 * kind without any progress: it becomes an error (BITS). */
static gboolean
no_progress_expired (BargedJob *self, gint64 now)
{
  return self->first_transient_error != 0 &&
         now - self->first_transient_error >= (gint64) self->no_progress_timeout * G_USEC_PER_SEC;
}

static void
become_no_progress_error (BargedJob *self)
{
  g_autofree char *was = g_strdup (self->error != NULL ? self->error->message : "");

  g_clear_error (&self->error);
  self->error = g_error_new (BARGE_ERROR, BARGE_ERROR_NO_PROGRESS,
                             "no progress within %u s; last error: %s", self->no_progress_timeout, was);
  self->http_status = 0;
}

static gboolean
retry_cb (gpointer user_data)
{
  BargedJob *self = user_data;

  self->retry_source = 0;
  if (no_progress_expired (self, g_get_real_time ()))
    {
      become_no_progress_error (self);
      _barged_job_set_state (self, BARGE_JOB_STATE_ERROR);
      _barged_job_announce_final (self);
      return G_SOURCE_REMOVE;
    }
  _barged_job_set_state (self, BARGE_JOB_STATE_QUEUED);
  return G_SOURCE_REMOVE;
}

/* A timeout of @ms, which may be longer than g_timeout_add() takes
 * (G_MAXINT32 ms, 24.8 days: a MaximumDownloadTime of 90 days, the
 * default, or a long MinimumRetryDelay): those are counted in whole
 * seconds, rounded up, never firing before their time. */
static guint
timeout_add_ms (gint64 ms, GSourceFunc func, gpointer data)
{
  if (ms <= G_MAXINT32)
    return g_timeout_add ((guint) MAX (ms, 0), func, data);
  return g_timeout_add_seconds ((guint) MIN ((ms + 999) / 1000, (gint64) G_MAXUINT), func, data);
}

/* Waits for self->retry_at (which survives a restart of the daemon). */
void
_barged_job_retry_arm (BargedJob *self)
{
  BargeHoldReason hold = barged_job_get_hold_reason (self);
  /* Rounded up, so the retry never comes before the deadline it checks. */
  gint64 wait_ms = (MAX (self->retry_at - g_get_real_time (), 0) + 1999) / 1000;

  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->retry_source = timeout_add_ms (wait_ms, retry_cb, self);
  if (barged_job_get_hold_reason (self) != hold)
    _barged_job_notify (self, BARGED_JOB_PROP_HOLD_REASON);
}

static void fail (BargedJob *self, GError *error, gint file_index, guint http_status, gint64 retry_after,
                  gboolean server_said);

void
_barged_job_fail (BargedJob *self, GError *error, gint file_index, guint http_status, gint64 retry_after)
{
  fail (self, error, file_index, http_status, retry_after, FALSE);
}

void
_barged_job_wait_out (BargedJob *self, GError *error, gint file_index, guint http_status, gint64 retry_after)
{
  fail (self, error, file_index, http_status, retry_after, TRUE);
}

/* @server_said: the retry comes after @retry_after, not MinimumRetryDelay. */
static void
fail (BargedJob *self, GError *error, gint file_index, guint http_status, gint64 retry_after, gboolean server_said)
{
  gboolean transient = barged_error_is_transient (error);
  gint64 now = g_get_real_time ();

  g_clear_error (&self->error);
  self->error = error;
  self->error_file = file_index;
  self->http_status = http_status;
  /* BITS GetErrorCount: disconnects do not count. */
  if (!g_error_matches (error, BARGE_ERROR, BARGE_ERROR_NETWORK_DISCONNECTED))
    self->error_count++;

  if (transient)
    {
      if (self->first_transient_error == 0)
        self->first_transient_error = now;
      /* BITS: a timeout of 0, or a retry delay longer than the timeout,
       * makes every error final; so does a timeout already spent. */
      if (self->no_progress_timeout == 0 || self->minimum_retry_delay > self->no_progress_timeout ||
          no_progress_expired (self, now))
        {
          become_no_progress_error (self);
          transient = FALSE;
        }
    }

  barged_job_log_file (self, file_index, G_LOG_LEVEL_INFO, "%s error %s: %s", transient ? "transient" : "fatal",
                       barge_error_to_dbus_name (self->error->code), self->error->message);
  if (transient)
    {
      /* A server's Retry-After (429, 503) can only lengthen the wait; the
       * no-progress deadline can only shorten it. */
      gint64 delay = MAX (server_said ? 0 : (gint64) self->minimum_retry_delay,
                          MIN (retry_after, (gint64) G_MAXINT32 / 1000));
      gint64 deadline = self->first_transient_error + (gint64) self->no_progress_timeout * G_USEC_PER_SEC;

      self->retry_at = MIN (now + delay * G_USEC_PER_SEC, deadline);
      /* Armed first: the new state comes with its HoldReason, retry-delay,
       * and the record the state change stores has the retry time. */
      _barged_job_retry_arm (self);
      _barged_job_set_state (self, BARGE_JOB_STATE_TRANSIENT_ERROR);
    }
  else
    {
      _barged_job_set_state (self, BARGE_JOB_STATE_ERROR);
      _barged_job_announce_final (self);
    }
}

/* --- MaximumDownloadTime ------------------------------------------------------ */

static gboolean
max_time_cb (gpointer user_data)
{
  BargedJob *self = user_data;

  self->max_time_source = 0;
  _barged_job_stop_transfer (self);
  _barged_job_fail (self, g_error_new (BARGE_ERROR, BARGE_ERROR_MAXIMUM_TIME_EXCEEDED,
                                       "the job spent its maximum transfer time of %u s",
                                       self->maximum_download_time),
                    _barged_job_current_file_index (self), 0, -1);
  return G_SOURCE_REMOVE;
}

/* The clock counts only the time spent connecting or transferring: it is
 * added up whenever the job leaves those states. */
void
_barged_job_max_time_account (BargedJob *self)
{
  if (self->running_since != 0)
    self->download_time_used += g_get_monotonic_time () - self->running_since;
  self->running_since = 0;
  g_clear_handle_id (&self->max_time_source, g_source_remove);
}

void
_barged_job_max_time_arm (BargedJob *self)
{
  gint64 left;

  self->running_since = g_get_monotonic_time ();
  g_clear_handle_id (&self->max_time_source, g_source_remove);
  if (self->maximum_download_time == 0)
    return;
  left = (gint64) self->maximum_download_time * G_USEC_PER_SEC - self->download_time_used;
  self->max_time_source = timeout_add_ms (left / 1000, max_time_cb, self);
}

/* --- announcements ------------------------------------------------------------- */

static void run_notify_program (BargedJob *self);

static gboolean
notify_rerun_cb (gpointer user_data)
{
  BargedJob *self = user_data;

  self->notify_source = 0;
  run_notify_program (self);
  return G_SOURCE_REMOVE;
}

typedef struct {
  BargedJob *self;
  BargeJobState state;
} NotifyRun;

static void
notify_run_free (NotifyRun *run)
{
  g_object_unref (run->self);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NotifyRun, notify_run_free)

static void
on_notify_program_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(NotifyRun) run = user_data;
  BargedJob *self = run->self;
  g_autoptr(GError) error = NULL;
  gboolean exit_ok = FALSE;

  if (!barged_notifier_run_finish (BARGED_NOTIFIER (source), res, &exit_ok, &error))
    {
      /* barged stops before the program's turn came: it runs again at
       * the next start, as BITS does for a job still in this state. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      barged_job_log (self, G_LOG_LEVEL_WARNING, "%s", error->message);
      if (self->removed || self->state != run->state)
        return;
      /* The program could not even start: the job goes to error with a
       * notification context, announced by the signal instead. */
      _barged_job_stop_transfer (self);
      g_clear_error (&self->error);
      self->error = g_steal_pointer (&error);
      self->error_file = -1;
      self->http_status = 0;
      self->error_count++;
      _barged_job_set_state (self, BARGE_JOB_STATE_ERROR);
      _barged_job_notify (self, BARGED_JOB_PROP_ERROR);
      g_signal_emit (self, _barged_job_signals[BARGED_JOB_SIGNAL_FAILED], 0);
      return;
    }
  /* BITS: a failing program runs again after MinimumRetryDelay while the
   * job is still neither completed nor cancelled, in the same state. */
  if (!exit_ok && !self->removed && self->state == run->state && self->notify_source == 0)
    self->notify_source = g_timeout_add_seconds (self->minimum_retry_delay, notify_rerun_cb, self);
}

static void
run_notify_program (BargedJob *self)
{
  NotifyRun *run = g_new0 (NotifyRun, 1);

  run->self = g_object_ref (self);
  run->state = self->state;
  barged_job_log (self, G_LOG_LEVEL_INFO, "running %s", self->notify_program);
  barged_notifier_run_async (self->ctx.notifier, self->owner, self->notify_program,
                             (const char * const *) self->notify_args, self->id,
                             barge_job_state_to_string (self->state), on_notify_program_done, run);
}

void
_barged_job_announce_final (BargedJob *self)
{
  gboolean transferred = self->state == BARGE_JOB_STATE_TRANSFERRED;

  if (!(self->notify_flags & (transferred ? BARGE_NOTIFY_FLAGS_TRANSFERRED : BARGE_NOTIFY_FLAGS_ERROR)))
    return;
  if (*self->notify_program != '\0')
    run_notify_program (self);
  else
    g_signal_emit (self, _barged_job_signals[transferred ? BARGED_JOB_SIGNAL_TRANSFERRED
                                                         : BARGED_JOB_SIGNAL_FAILED], 0);
}

void
barged_job_announce_restored (BargedJob *self)
{
  if (!self->notify_on_restore)
    return;
  self->notify_on_restore = FALSE;
  _barged_job_announce_final (self);
}

/* --- runs ------------------------------------------------------------------------ *
 * A download job runs several of its files at once, each with its own
 * BargedTransfer and a connection from the daemon's budget
 * (BargedConnections): up to its window, which starts at
 * [Transfer] MaxConnectionsPerHost, halves when a server pushes back (429,
 * 503, refused, reset or timed-out connections) and grows by one with each
 * file transferred. A pushed-back file goes back in line and its origin
 * gets no new connection for the Retry-After (or a second); only when the
 * job is down to one file in flight does such an error become the job's
 * (transient-error, BITS's retry). Any other error is the job's at once and
 * stops its other files, whose bytes so far are kept.
 *
 * Files start in index order (a pushed-back file first): a scan that moves
 * forward only, so picking the next file costs O(1) per file whatever the
 * size of the job. An upload job sends its one file through BargedUpload. */

typedef struct {
  BargedJob *job;             /* strong: the job lives while its files run */
  BargedFile *file;
  BargedTransfer *transfer;
  GCancellable *cancellable;  /* the job's, when the run began */
  char *origin;               /* of the connection it holds */
  guint extra;                /* connections lent to its segments */
  gboolean offered;           /* segments were considered once this run */
  gboolean released;          /* its body is in: the connection went back ("body-done") */
  guint offer_source;         /* MaxSegments automatic: the look at the rate, after a second */
  gint64 connected_at;        /* monotonic µs of the first response */
  guint64 done_at_connect;    /* the file's bytes then */
  gulong handlers[6];         /* on transfer: disconnected by id, which costs
                               * GObject a lookup, where "by data" searched */
} FileRun;

static void
file_run_free (FileRun *run)
{
  g_clear_handle_id (&run->offer_source, g_source_remove);
  g_object_unref (run->transfer);
  g_object_unref (run->file);
  g_object_unref (run->cancellable);
  g_object_unref (run->job);
  g_free (run->origin);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FileRun, file_run_free)

static void begin_runs (BargedJob *self);
static gboolean fill_runs (gpointer job);
static gboolean wait_out_back_off (BargedJob *self, const char *origin, gint idx);
static gint next_file (BargedJob *self, gboolean take);

static void
on_transfer_connected (GObject *transfer, BargedJob *self)
{
  if (self->state == BARGE_JOB_STATE_CONNECTING)
    _barged_job_set_state (self, BARGE_JOB_STATE_TRANSFERRING);
}

static void
on_transfer_progress (GObject *transfer, BargedJob *self)
{
  self->first_transient_error = 0;
  _barged_job_touch (self);
}

/* MaxSegments automatic: a file is split only if its connection looks like
 * the bottleneck, that is if a second after its first response the rest
 * would take longer than this at the rate so far. On a fast path one
 * connection is faster than four (loopback: 839 against 680 MB/s for
 * 1 GiB), as the pieces cost CPU and scatter the writes. */
#define AUTO_SEGMENTS_LOOK_MS 1000
#define AUTO_SEGMENTS_MIN_LEFT_S 2

static void offer_segments (FileRun *run);

static gboolean
look_at_rate_cb (gpointer user_data)
{
  FileRun *run = user_data;
  guint64 done = barged_file_get_done (run->file);
  guint64 total = barged_file_get_total (run->file);
  gint64 elapsed = g_get_monotonic_time () - run->connected_at;
  guint64 moved = done > run->done_at_connect ? done - run->done_at_connect : 0;

  run->offer_source = 0;
  /* left / (moved / elapsed) > MIN_LEFT, without dividing by nothing */
  if (total != BARGE_SIZE_UNKNOWN && total > done &&
      (gdouble) (total - done) * (gdouble) elapsed > (gdouble) moved * AUTO_SEGMENTS_MIN_LEFT_S * G_USEC_PER_SEC)
    offer_segments (run);
  return G_SOURCE_REMOVE;
}

/* Its first response is in: a large file of a server with a strong
 * validator may take more connections, as many as the job's MaxSegments
 * and the budget allow (never waiting for one: the file runs anyway).
 * Automatic, the job looks at the rate first (look_at_rate_cb). */
static void
on_run_connected (BargedTransfer *transfer, FileRun *run)
{
  if (run->offered)
    return;
  run->offered = TRUE;
  if (barged_job_get_max_segments (run->job) != 0 || barged_job_get_effective_max_segments (run->job) <= 1)
    {
      offer_segments (run);
      return;
    }
  run->connected_at = g_get_monotonic_time ();
  run->done_at_connect = barged_file_get_done (run->file);
  run->offer_source = g_timeout_add (AUTO_SEGMENTS_LOOK_MS, look_at_rate_cb, run);
}

static void
offer_segments (FileRun *run)
{
  BargedTransfer *transfer = run->transfer;
  guint wanted, got = 0;

  if (g_cancellable_is_cancelled (run->cancellable) || run->released)
    return;
  wanted = barged_transfer_segments_wanted (transfer, barged_job_get_effective_max_segments (run->job) - 1);
  while (got < wanted && barged_connections_take (run->job->ctx.connections, run->origin, run->job->priority))
    got++;
  if (got == 0)
    return;
  run->extra += got;
  barged_job_log_file (run->job, (gint) barged_file_get_index (run->file), G_LOG_LEVEL_DEBUG,
                       "%u more connections for segments", got);
  barged_transfer_add_segments (transfer, got);
}

static void
on_segment_released (BargedTransfer *transfer, FileRun *run)
{
  g_return_if_fail (run->extra > 0);
  run->extra--;
  barged_connections_release (run->job->ctx.connections, run->origin);
}

/* Every byte is in and waits for its batch's flush: the connection and
 * the place in the window go to the next file, so a flush overlaps the
 * next requests instead of holding every connection idle. */
static void
on_body_done (BargedTransfer *transfer, FileRun *run)
{
  BargedJob *self = run->job;

  if (run->released)
    return;
  run->released = TRUE;
  self->n_flushing++;
  /* The server sent this file whole: a file alone that it pushes back
   * from now on may go back in line (run_ended()). Counted here, not at
   * the end of the flush, which may come after the next file's refusals. */
  self->served = TRUE;
  self->lone_push_backs = 0;
  barged_connections_release (self->ctx.connections, run->origin);
  fill_runs (self);
}

static void
on_transfer_checkpoint (BargedTransfer *transfer, FileRun *run)
{
  _barged_job_save_file (run->job, run->file);
}

/* A file alone pushed back this many times in a row (each after the
 * origin's rest) becomes the job's error. */
#define MAX_LONE_PUSH_BACKS 4

/* Errors that say "not now, not so many" about the server rather than
 * about the file. */
static gboolean
is_push_back (const GError *error, guint http_status)
{
  /* 503 maps to HttpServerError like any 5xx: the status says it. */
  return http_status == SOUP_STATUS_SERVICE_UNAVAILABLE || http_status == 429 ||
         g_error_matches (error, BARGE_ERROR, BARGE_ERROR_TOO_MANY_REQUESTS) ||
         g_error_matches (error, BARGE_ERROR, BARGE_ERROR_SERVICE_UNAVAILABLE) ||
         g_error_matches (error, BARGE_ERROR, BARGE_ERROR_CONNECT_FAILURE) ||
         g_error_matches (error, BARGE_ERROR, BARGE_ERROR_CONNECTION_CLOSED) ||
         g_error_matches (error, BARGE_ERROR, BARGE_ERROR_TIMED_OUT);
}

/* @file is transferred: shown, announced, counted. @saved: its record says
 * so already. */
static void
file_transferred (BargedJob *self, BargedFile *file, gboolean saved)
{
  guint idx = barged_file_get_index (file);
  g_autofree char *was = barged_scheduler_origin (barged_file_get_url (file));
  g_autofree char *next = NULL;

  barged_file_set_transferred (file, TRUE);
  self->n_transferred_here++;
  if (barged_file_get_total (file) < PROBE_SMALL_FILE)
    self->n_small_here++;
  if (!saved)
    _barged_job_save_file (self, file);
  barged_job_log_file (self, (gint) idx, G_LOG_LEVEL_DEBUG, "file transferred");
  if (self->notify_flags & BARGE_NOTIFY_FLAGS_FILE_TRANSFERRED)
    g_signal_emit (self, _barged_job_signals[BARGED_JOB_SIGNAL_FILE_TRANSFERRED], 0, file);
  self->window = MIN (self->window + 1, _barged_job_settings (self)->max_connections_per_host);
  /* The scheduler caps running jobs per host: a next file on another
   * host is a change it must look at. */
  next = barged_scheduler_origin (barged_job_get_current_url (self));
  if (next != NULL && g_strcmp0 (was, next) != 0)
    g_signal_emit (self, _barged_job_signals[BARGED_JOB_SIGNAL_SCHEDULING_CHANGED], 0);
}

typedef struct {
  BargedJob *job;
  BargedFile *file;
} Recording;

static void
recording_free (Recording *recording)
{
  g_object_unref (recording->job);
  g_object_unref (recording->file);
  g_free (recording);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Recording, recording_free)

static void
on_file_recorded (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Recording) recording = user_data;
  BargedJob *self = recording->job;
  g_autoptr(GError) error = NULL;

  self->n_recording--;
  barged_file_set_recording (recording->file, FALSE);
  /* The bytes are durable either way; a record that did not make it is
   * written again with the job's next save. */
  if (!barged_store_write_finish (BARGED_STORE (source), res, &error))
    barged_job_log_file (self, (gint) barged_file_get_index (recording->file), G_LOG_LEVEL_WARNING,
                         "cannot store the file: %s", error->message);
  if (self->removed)
    return;
  file_transferred (self, recording->file, error == NULL);
  fill_runs (self);
}

/* A download's bytes are durable: its record says "transferred" before
 * the file shows or announces it, so what a client saw transferred is
 * transferred after any crash. The records of files that finish together
 * share a transaction (the store's group commit). */
static void
record_transferred (BargedJob *self, BargedFile *file)
{
  BargedFileRecord *record = barged_file_to_record (file, self->id);
  Recording *recording = g_new0 (Recording, 1);

  record->transferred = TRUE;
  barged_file_set_recording (file, TRUE);
  recording->job = g_object_ref (self);
  recording->file = g_object_ref (file);
  self->n_recording++;
  barged_store_put_file (self->ctx.store, record, on_file_recorded, recording);
}

/* The server pushed back on @run's file: it goes back in line, the job runs
 * fewer files at once, and the origin rests. */
static void
push_back (BargedJob *self, FileRun *run, const GError *error, guint http_status, gint64 retry_after)
{
  guint idx = barged_file_get_index (run->file);

  g_queue_push_tail (&self->again, GUINT_TO_POINTER (idx + 1));
  g_clear_error (&self->push_back_error);
  self->push_back_error = g_error_copy (error);
  self->push_back_status = http_status;
  /* Once per second at most: the files of one wave of refusals all fail
   * together, and that is one signal, not one per file. */
  if (g_get_monotonic_time () - self->window_cut >= G_USEC_PER_SEC)
    {
      self->window = MAX (self->window / 2, 1u);
      self->window_cut = g_get_monotonic_time ();
    }
  barged_connections_back_off (self->ctx.connections, run->origin,
                               retry_after > 0 ? (guint) MIN (retry_after, (gint64) G_MAXUINT) : 1);
  barged_job_log_file (self, (gint) idx, G_LOG_LEVEL_INFO, "server pushed back (%s): %u files at once from now",
                       error->message, self->window);
}

static void
run_ended (BargedJob *self, FileRun *run, gboolean ok, GError *error_in, guint http_status, gint64 retry_after)
{
  g_autoptr(GError) error = error_in;
  gboolean stopped = g_cancellable_is_cancelled (run->cancellable);
  gint idx = (gint) barged_file_get_index (run->file);

  if (self->removed)
    return;
  /* A file that arrived whole as the job stopped is durable: recorded
   * transferred, it is not fetched again (its last sync recorded nothing,
   * see final_synced()). */
  if (stopped && ok)
    record_transferred (self, run->file);
  if (stopped)
    {
      /* Suspend, Cancel, Complete, pre-emption or a sibling's error: the
       * state is already set. A Resume that came while the runs wound
       * down starts once the last one ended. */
      if (self->runs->len > 0)
        return;
      g_clear_object (&self->cancellable);
      barged_auth_answers_drop (&self->answers);
      if (self->start_pending)
        {
          self->start_pending = FALSE;
          begin_runs (self);
        }
      else
        /* The run no longer keeps the daemon busy. */
        g_signal_emit (self, _barged_job_signals[BARGED_JOB_SIGNAL_SCHEDULING_CHANGED], 0);
      return;
    }
  /* Pushed back while other files run (on the network: not those waiting
   * for their flush) or wait, with room to run fewer:
   * the job slows down. A file alone that the server pushed back goes
   * back in line too if the server sent a file of this job whole before,
   * up to MAX_LONE_PUSH_BACKS times in a row: one 503 with
   * "Retry-After: 1" to a job down to one file at a time must not cost it
   * MinimumRetryDelay (600 s). Otherwise it is the job's error (and BITS's
   * retry, after the server's Retry-After if it gave one), as for a job
   * of one file. */
  if (!ok && is_push_back (error, http_status) &&
      (self->runs->len > self->n_flushing || (self->window > 1 && next_file (self, FALSE) >= 0) ||
       (self->served && self->lone_push_backs++ < MAX_LONE_PUSH_BACKS)))
    {
      push_back (self, run, error, http_status, retry_after);
      fill_runs (self);
      return;
    }
  if (!ok)
    {
      /* The job's error: its other files stop where they are. */
      _barged_job_stop_transfer (self);
      _barged_job_fail (self, g_steal_pointer (&error), idx, http_status, retry_after);
      return;
    }
  /* (A file that gave its connection back was counted as served then.) */
  if (!run->released)
    {
      self->served = TRUE;
      self->lone_push_backs = 0;
    }
  record_transferred (self, run->file);
  fill_runs (self);
}

static void
on_transfer_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(FileRun) run = user_data;
  BargedJob *self = run->job;
  GError *error = NULL;
  gint64 retry_after = -1;
  guint http_status = 0;
  gboolean ok = barged_transfer_run_finish (run->transfer, res, &retry_after, &http_status, &error);

  for (guint i = 0; i < G_N_ELEMENTS (run->handlers); i++)
    g_clear_signal_handler (&run->handlers[i], run->transfer);
  g_ptr_array_remove_fast (self->runs, run);
  /* The transfer gave its segments' connections back as they ended. */
  g_warn_if_fail (run->extra == 0);
  for (; run->extra > 0; run->extra--)
    barged_connections_release (self->ctx.connections, run->origin);
  if (run->released)
    self->n_flushing--;
  else
    barged_connections_release (self->ctx.connections, run->origin);
  run_ended (self, run, ok, error, http_status, retry_after);
  _barged_job_runs_ended (self);
}

static void
on_files_durable (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargedJob) self = user_data;
  g_autoptr(GError) error = NULL;

  self->finishing = FALSE;
  if (!barged_store_write_finish (BARGED_STORE (source), res, &error))
    barged_job_log (self, G_LOG_LEVEL_WARNING, "cannot store the job: %s", error->message);
  /* Stopped meanwhile, or given a new file: not finished after all. */
  if (!barged_job_is_running (self) || _barged_job_current_file_index (self) >= 0 || self->removed)
    return;
  self->first_transient_error = 0;
  _barged_job_set_state (self, BARGE_JOB_STATE_TRANSFERRED);
  _barged_job_announce_final (self);
}

/* Every file is in: "transferred" is shown once every file's record is
 * committed (the store writes in order, so this write's callback is the
 * barrier), so a client that saw it finds the job transferred after any
 * crash. */
static void
finish (BargedJob *self)
{
  if (self->finishing)
    return;
  self->finishing = TRUE;
  _barged_job_save_from (self, self->files->len, on_files_durable, g_object_ref (self));
}

/* The index of the next file to start, or -1; @take moves past it. */
static gint
next_file (BargedJob *self, gboolean take)
{
  if (!g_queue_is_empty (&self->again))
    {
      guint idx = GPOINTER_TO_UINT (take ? g_queue_pop_head (&self->again) : g_queue_peek_head (&self->again));
      return (gint) idx - 1;
    }
  /* A file whose record is on its way is done: a run stopped as its body
   * arrived whole recorded it, and a Resume before the commit fetched it
   * again (twice announced; truncated, if the server then ignored Range). */
  while (self->next_start < self->files->len &&
         (barged_file_get_transferred (g_ptr_array_index (self->files, self->next_start)) ||
          barged_file_get_recording (g_ptr_array_index (self->files, self->next_start))))
    self->next_start++;
  if (self->next_start >= self->files->len)
    return -1;
  return take ? (gint) self->next_start++ : (gint) self->next_start;
}

static void
start_file (BargedJob *self, BargedFile *file, char *origin)
{
  FileRun *run = g_new0 (FileRun, 1);

  run->job = g_object_ref (self);
  run->file = g_object_ref (file);
  run->cancellable = g_object_ref (self->cancellable);
  run->origin = origin;
  run->transfer = barged_transfer_new (_barged_job_session (self), file, self->owner, _barged_job_settings (self));
  barged_transfer_set_credentials (run->transfer, self->ctx.credentials, self->id, self->answers);
  barged_transfer_set_redirect_policy (run->transfer, self->redirect_policy, self->allow_https_to_http);
  barged_transfer_set_tls (run->transfer, _barged_job_tls (self));
  barged_transfer_set_syncer (run->transfer, self->ctx.syncer);
  barged_transfer_set_bandwidth (run->transfer, self->bandwidth);
  run->handlers[0] = g_signal_connect (run->transfer, "connected", G_CALLBACK (on_transfer_connected), self);
  run->handlers[1] = g_signal_connect (run->transfer, "progress", G_CALLBACK (on_transfer_progress), self);
  run->handlers[2] = g_signal_connect (run->transfer, "checkpoint", G_CALLBACK (on_transfer_checkpoint), run);
  run->handlers[3] = g_signal_connect (run->transfer, "connected", G_CALLBACK (on_run_connected), run);
  run->handlers[4] = g_signal_connect (run->transfer, "segment-released", G_CALLBACK (on_segment_released), run);
  run->handlers[5] = g_signal_connect (run->transfer, "body-done", G_CALLBACK (on_body_done), run);
  g_ptr_array_add (self->runs, run);
  barged_transfer_run_async (run->transfer, self->cancellable, on_transfer_done, run);
}

/* Files whose bodies are in and wait for their batch's flush, at most, in
 * a job and in the daemon: each keeps its descriptor and its last bytes
 * (up to 256 KiB) until then. A job with none waiting may always hand one
 * over: its own flushes are what call fill_runs() again. */
#define MAX_FLUSHING 64
#define MAX_FLUSHING_ALL 256

/* A round's answers to authentication challenges, shared by its transfers
 * and size probes; a stopped round drops them (run_ended(), fill_runs()),
 * so the next one answers afresh. */
static void
ensure_answers (BargedJob *self)
{
  SoupSession *session;

  if (self->answers != NULL)
    return;
  /* First: it may make the job's own session. */
  session = _barged_job_session (self);
  self->answers = barged_auth_answers_new (self->ctx.credentials, self->id, session == self->own_session);
}

/* Starts files up to the window while connections are free; TRUE while
 * the job waits in line for one (BargedConnectionsWaiter). */
static gboolean
fill_runs (gpointer job)
{
  BargedJob *self = job;
  gint idx;

  if (!barged_job_is_running (self) || self->removed || self->upload != NULL)
    return FALSE;
  /* Its TLS files are being read (a start after a restart, or after
   * TakeOwnership): begin_after_tls() fills once they are in. A change
   * that filled meanwhile (a priority, new files) started files without
   * them, on the shared session: no job CA, no client certificate, no
   * revocation check. */
  if (_barged_job_tls_reading (self))
    return FALSE;
  if (self->cancellable != NULL && g_cancellable_is_cancelled (self->cancellable))
    {
      /* Runs of a stopped round still wind down (begin_runs waits for
       * them); with none left, the stop is over. */
      if (self->runs->len > 0)
        return FALSE;
      g_clear_object (&self->cancellable);
      barged_auth_answers_drop (&self->answers);
    }
  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  ensure_answers (self);
  while (self->runs->len - self->n_flushing < self->window && self->n_flushing < MAX_FLUSHING &&
         (self->n_flushing == 0 || barged_syncer_get_n_pending (self->ctx.syncer) < MAX_FLUSHING_ALL) &&
         (idx = next_file (self, FALSE)) >= 0)
    {
      BargedFile *file = g_ptr_array_index (self->files, idx);
      char *origin = _barged_job_connection_key (self, barged_file_get_url (file));

      if (!barged_connections_take (self->ctx.connections, origin, self->priority))
        {
          if (wait_out_back_off (self, origin, idx))
            {
              g_free (origin);
              return FALSE;
            }
          barged_connections_wait (self->ctx.connections, self, origin, self->priority, fill_runs);
          g_free (origin);
          return TRUE;
        }
      next_file (self, TRUE);
      start_file (self, file, origin);
    }
  /* Files whose records are on their way call again when they land. */
  if (self->runs->len == 0 && self->n_recording == 0 && next_file (self, FALSE) < 0)
    {
      if (_barged_job_current_file_index (self) < 0)
        finish (self);
      else
        {
          /* Not expected: a file neither transferred nor in line. Look
           * again from the first one not transferred. */
          self->next_start = self->next_pending;
          return fill_runs (self);
        }
    }
  return FALSE;
}

/* A job with nothing in flight whose next file waits out a back-off its
 * server asked for (429, 503 with Retry-After, refused or reset
 * connections) longer than this gives its scheduler slot up meanwhile. */
#define WAIT_OUT_BACK_OFF_S 30

/* The job goes to transient-error until the back-off of @origin ends, so
 * that its slot serves another job: before, a background job whose server
 * said "Retry-After: 3600" kept the only background slot
 * (MaxBackgroundJobs=1) for the hour, with nothing to do. */
static gboolean
wait_out_back_off (BargedJob *self, const char *origin, gint idx)
{
  gint64 left = barged_connections_get_hold_left (self->ctx.connections, origin);
  GError *error;

  if (self->runs->len > 0 || self->n_recording > 0 || left < WAIT_OUT_BACK_OFF_S * G_USEC_PER_SEC)
    return FALSE;
  error = self->push_back_error != NULL
            ? g_error_copy (self->push_back_error)
            : g_error_new (BARGE_ERROR, BARGE_ERROR_TOO_MANY_REQUESTS,
                           "the server asked for a pause of its connections");
  barged_connections_stop_waiting (self->ctx.connections, self);
  barged_job_log_file (self, idx, G_LOG_LEVEL_INFO, "waiting out the server's pause of %" G_GINT64_FORMAT " s",
                       (left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  _barged_job_stop_transfer (self);
  _barged_job_wait_out (self, error, idx, self->push_back_error != NULL ? self->push_back_status : 0,
                        (left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  return TRUE;
}

static void
upload_done (BargedJob *self, GAsyncResult *res)
{
  GError *error = NULL;
  gint64 retry_after = -1;
  guint http_status = 0;
  gboolean ok = barged_upload_run_finish (self->upload, res, &retry_after, &http_status, &error);
  g_autoptr(GError) owned = error;
  gboolean stopped = g_cancellable_is_cancelled (self->cancellable);
  gint idx = _barged_job_current_file_index (self);

  g_clear_object (&self->cancellable);
  if (self->removed)
    return;
  if (stopped)
    {
      if (self->start_pending)
        {
          self->start_pending = FALSE;
          begin_runs (self);
        }
      else
        g_signal_emit (self, _barged_job_signals[BARGED_JOB_SIGNAL_SCHEDULING_CHANGED], 0);
      return;
    }
  if (!ok)
    {
      _barged_job_fail (self, g_steal_pointer (&owned), idx, http_status, retry_after);
      return;
    }
  if (idx >= 0)
    file_transferred (self, g_ptr_array_index (self->files, idx), FALSE);
  begin_runs (self);
}

static void
on_upload_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargedJob) self = user_data;

  upload_done (self, res);
  _barged_job_runs_ended (self);
}

void
_barged_job_prepare_upload (BargedJob *self)
{
  g_autoptr(GVariant) headers = barged_credentials_dup_headers (self->ctx.credentials, self->id);
  SoupSession *session = _barged_job_session (self);

  barged_upload_set_session (self->upload, session, session == self->own_session);
  barged_upload_set_custom_headers (self->upload, headers);
  barged_upload_set_tls (self->upload, _barged_job_tls (self));
  barged_upload_set_credentials (self->upload, self->ctx.credentials);
}

static void
begin_runs (BargedJob *self)
{
  gint idx;

  if (self->state != BARGE_JOB_STATE_CONNECTING && self->state != BARGE_JOB_STATE_TRANSFERRING)
    return;
  if (_barged_job_run_in_flight (self) && self->cancellable != NULL && g_cancellable_is_cancelled (self->cancellable))
    {
      /* The last runs still sync their files; start when they end. */
      self->start_pending = TRUE;
      return;
    }
  if (self->upload == NULL)
    {
      fill_runs (self);
      return;
    }
  if (_barged_job_run_in_flight (self))
    return;
  idx = _barged_job_current_file_index (self);
  if (idx < 0)
    {
      finish (self);
      return;
    }
  self->cancellable = g_cancellable_new ();
  barged_upload_set_bandwidth (self->upload, self->bandwidth);
  _barged_job_prepare_upload (self);
  barged_upload_run_async (self->upload, g_ptr_array_index (self->files, idx), self->cancellable,
                           on_upload_done, g_object_ref (self));
}

void
_barged_job_priority_changed (BargedJob *self)
{
  /* A job in line for a connection takes its new place in it. */
  barged_connections_stop_waiting (self->ctx.connections, self);
  fill_runs (self);
}

void
_barged_job_files_added (BargedJob *self)
{
  if (barged_job_is_running (self))
    begin_runs (self);
}

/* --- sizes ---------------------------------------------------------------------- */

static void probe_next_size (BargedJob *self, guint from);


typedef struct {
  BargedJob *self;
  guint idx;
} ProbeData;

static void
probe_data_free (ProbeData *data)
{
  g_object_unref (data->self);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProbeData, probe_data_free)

static void
on_size_probed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(ProbeData) data = user_data;
  BargedJob *self = data->self;
  g_autoptr(GError) error = NULL;
  guint64 size = barged_probe_size_finish (res, &error);
  BargedFile *file;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->removed || data->idx >= self->files->len)
    return;
  file = g_ptr_array_index (self->files, data->idx);
  /* The transfer's own response wins if it came first. */
  if (size != BARGE_SIZE_UNKNOWN && barged_file_get_total (file) == BARGE_SIZE_UNKNOWN &&
      !barged_file_get_transferred (file))
    {
      barged_file_set_total (file, size);
      /* Kept, so that a restart does not ask again. */
      _barged_job_save_file (self, file);
    }
  probe_next_size (self, data->idx + 1);
}

/* One HEAD at a time, for files whose size is still unknown; failures only
 * leave the size unknown until the file's own transfer learns it. */
static void
probe_next_size (BargedJob *self, guint from)
{
  /* Where most files turn out small, a HEAD costs about what the file
   * itself costs (a request each way): the sizes are left to the files' own
   * responses rather than double the requests of a job of many small
   * files. */
  if (self->n_transferred_here >= PROBE_SAMPLE && self->n_small_here * 2 > self->n_transferred_here)
    return;
  /* A file that started learns its size from its own response. */
  for (guint i = MAX (from, self->next_start); i < self->files->len; i++)
    {
      BargedFile *file = g_ptr_array_index (self->files, i);
      g_autoptr(GVariant) headers = NULL;
      ProbeData *data;

      if (barged_file_get_transferred (file) ||
          barged_file_get_total (file) != BARGE_SIZE_UNKNOWN)
        continue;
      data = g_new0 (ProbeData, 1);
      data->self = g_object_ref (self);
      data->idx = i;
      headers = barged_credentials_dup_headers (self->ctx.credentials, self->id);
      ensure_answers (self);
      barged_probe_size_async (_barged_job_session (self), barged_file_get_url (file), headers, self->answers,
                                        self->redirect_policy, self->allow_https_to_http, _barged_job_tls (self),
                                        self->probe_cancellable, on_size_probed, data);
      return;
    }
}

/* --- what the scheduler and the network do ---------------------------------------- */

static void
begin_after_tls (BargedJob *self)
{
  probe_next_size (self, (guint) (_barged_job_current_file_index (self) + 1));
  begin_runs (self);
}

void
barged_job_start (BargedJob *self)
{
  g_return_if_fail (self->state == BARGE_JOB_STATE_QUEUED);
  _barged_job_set_state (self, BARGE_JOB_STATE_CONNECTING);
  /* Sizes are asked for beside the first transfer, not before it, so a job
   * of many files does not wait a round trip per file for its first byte. */
  if (self->probe_cancellable != NULL)
    g_cancellable_cancel (self->probe_cancellable);
  g_clear_object (&self->probe_cancellable);
  self->probe_cancellable = g_cancellable_new ();
  /* A new run looks at every file not transferred, in order, with the
   * full window: what pushed back last time may have recovered. */
  if (!_barged_job_run_in_flight (self))
    {
      self->next_start = self->next_pending;
      g_queue_clear (&self->again);
      self->window = _barged_job_settings (self)->max_connections_per_host;
    }
  /* Restored with TLS options, or taken over since they were read: their
   * files are read (as the owner) first. */
  if (_barged_job_tls_unread (self))
    {
      _barged_job_read_tls (self, begin_after_tls);
      return;
    }
  begin_after_tls (self);
}

void
barged_job_requeue (BargedJob *self)
{
  if (!barged_job_is_running (self))
    return;
  _barged_job_stop_transfer (self);
  _barged_job_set_state (self, BARGE_JOB_STATE_QUEUED);
}

void
barged_job_hold_for_network (BargedJob *self)
{
  if (!barged_job_is_running (self))
    return;
  _barged_job_stop_transfer (self);
  g_clear_error (&self->error);
  self->error = g_error_new_literal (BARGE_ERROR, BARGE_ERROR_NETWORK_DISCONNECTED, "the network is not available");
  self->error_file = _barged_job_current_file_index (self);
  self->http_status = 0;
  _barged_job_set_state (self, BARGE_JOB_STATE_TRANSIENT_ERROR);
}

gboolean
barged_job_is_held_for_network (BargedJob *self)
{
  return self->state == BARGE_JOB_STATE_TRANSIENT_ERROR && self->retry_source == 0 &&
         g_error_matches (self->error, BARGE_ERROR, BARGE_ERROR_NETWORK_DISCONNECTED);
}

void
barged_job_release_network_hold (BargedJob *self)
{
  if (barged_job_is_held_for_network (self))
    _barged_job_set_state (self, BARGE_JOB_STATE_QUEUED);
}

gboolean
barged_job_failed_in_transport (BargedJob *self)
{
  return self->state == BARGE_JOB_STATE_TRANSIENT_ERROR && self->error != NULL &&
         barged_error_get_context (self->error) == BARGE_ERROR_CONTEXT_GENERAL_TRANSPORT;
}

void
barged_job_retry_now (BargedJob *self)
{
  if (self->state == BARGE_JOB_STATE_TRANSIENT_ERROR)
    _barged_job_set_state (self, BARGE_JOB_STATE_QUEUED);
}

void
barged_job_rearm_retry (BargedJob *self)
{
  if (self->state == BARGE_JOB_STATE_TRANSIENT_ERROR && self->retry_source != 0)
    _barged_job_retry_arm (self);
}

gboolean
barged_job_has_runs_in_flight (BargedJob *self)
{
  return _barged_job_run_in_flight (self);
}

/* --- the checkpoint before a sleep ------------------------------------------------ */

/* The transfers' last checkpoints (their "checkpoint" signals, at the
 * final sync of a stopped run) were queued to the store before the runs
 * ended, and the store commits in order: the record written now is
 * committed after them, so its callback says they are durable. */
void
_barged_job_runs_ended (BargedJob *self)
{
  g_autoptr(GPtrArray) tasks = NULL;

  if (self->checkpoints == NULL || (_barged_job_run_in_flight (self) && !self->removed))
    return;
  tasks = g_steal_pointer (&self->checkpoints);
  for (guint i = 0; i < tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (tasks, i);

      if (self->removed)
        g_task_return_boolean (task, TRUE);
      else
        _barged_job_save_from (self, self->files->len, _barged_job_return_store_write, g_object_ref (task));
    }
}

void
barged_job_checkpoint_async (BargedJob *self, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, barged_job_checkpoint_async);
  if (self->checkpoints == NULL)
    self->checkpoints = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->checkpoints, task);
  _barged_job_runs_ended (self);
}

gboolean
barged_job_checkpoint_finish (BargedJob *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

/* --- uploads ---------------------------------------------------------------------- */

/* One write per acknowledgement: the file's numbers come back from the
 * upload state (barged_upload_restore_file()). */
static void
on_upload_checkpoint (BargedUpload *upload, BargedJob *self)
{
  barged_job_save (self, NULL, NULL);
}

static void
on_upload_reply_progress (BargedUpload *upload, BargedJob *self)
{
  _barged_job_notify (self, BARGED_JOB_PROP_REPLY_PROGRESS);
}

void
_barged_job_attach_upload (BargedJob *self, BargedUpload *upload)
{
  self->upload = upload;
  barged_upload_set_umask (upload, barged_credentials_get_umask (self->ctx.credentials, self->id));
  g_signal_connect (upload, "connected", G_CALLBACK (on_transfer_connected), self);
  g_signal_connect (upload, "progress", G_CALLBACK (on_transfer_progress), self);
  g_signal_connect (upload, "checkpoint", G_CALLBACK (on_upload_checkpoint), self);
  g_signal_connect (upload, "reply-progress", G_CALLBACK (on_upload_reply_progress), self);
}
