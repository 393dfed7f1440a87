/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedJob"

#include "config.h"

#include <string.h>

#include "barged-errors.h"
#include "barged-file.h"
#include "barged-job-private.h"
#include "barged-notify.h"
#include "barged-object-cache.h"
#include "barged-random.h"
#include "barged-scheduler-plan.h"
#include "barged-transfer.h"
#include "barged-upload.h"

G_DEFINE_TYPE_WITH_CODE (BargedJob, barged_job, BARGE_DBUS_TYPE_JOB_SKELETON,
                         G_IMPLEMENT_INTERFACE (BARGE_DBUS_TYPE_JOB, _barged_job_iface_init))

enum { SIGNAL_REMOVED, SIGNAL_SCHEDULING_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void run_next_file (BargedJob *self);
static gboolean authorize_file_call (gpointer user_data, GDBusMethodInvocation *invocation);
static gint current_file_index (BargedJob *self);

/* --- small helpers ------------------------------------------------------ */

void
_barged_job_emit_scheduling_changed (BargedJob *self)
{
  g_signal_emit (self, signals[SIGNAL_SCHEDULING_CHANGED], 0);
}

static gboolean
emit_modified_cb (gpointer user_data)
{
  BargedJob *self = user_data;

  self->modified_source = 0;
  if (self->notify_flags & BARGED_NOTIFY_MODIFICATION)
    barge_dbus_job_emit_modified (BARGE_DBUS_JOB (self));
  return G_SOURCE_REMOVE;
}

/* Every change of the job passes here; progress only once per
 * MinimumNotificationInterval (publish_cb), so Modified is coalesced too. */
void
_barged_job_touch (BargedJob *self)
{
  if ((self->notify_flags & BARGED_NOTIFY_MODIFICATION) && self->modified_source == 0)
    self->modified_source = g_idle_add (emit_modified_cb, self);
  self->modified = g_get_real_time ();
  barge_dbus_job_set_times (BARGE_DBUS_JOB (self),
                            g_variant_new ("(ttt)", (guint64) self->created,
                                           (guint64) self->modified, (guint64) self->completed));
}

static BargeJobPriority
priority_from_skeleton (BargedJob *self)
{
  BargeJobPriority priority = BARGE_JOB_PRIORITY_NORMAL;

  barge_job_priority_from_string (barge_dbus_job_get_priority (BARGE_DBUS_JOB (self)), &priority);
  return priority;
}

char *
barged_job_normalize_id (const char *id)
{
  g_autofree char *lower = NULL;
  GString *hex;

  if (id == NULL || strlen (id) > 36)
    return NULL;
  lower = g_ascii_strdown (id, -1);
  if (g_uuid_string_is_valid (lower))
    return g_steal_pointer (&lower);
  if (strlen (lower) != 32)
    return NULL;
  for (const char *p = lower; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p))
      return NULL;
  hex = g_string_new_len (lower, 8);
  g_string_append_printf (hex, "-%.4s-%.4s-%.4s-%.12s", lower + 8, lower + 12, lower + 16, lower + 20);
  return g_string_free (hex, FALSE);
}

static char *
path_for_id (const char *id)
{
  g_autofree char *hex = g_strdup (id);
  char *out = hex;

  for (const char *p = id; *p != '\0'; p++)
    if (*p != '-')
      *out++ = *p;
  *out = '\0';
  return g_strconcat ("/org/freedesktop/Barge1/jobs/", hex, NULL);
}

/* --- persistence -------------------------------------------------------- */

static BargedJobRecord *
job_to_record (BargedJob *self)
{
  BargeDBusJob *iface = BARGE_DBUS_JOB (self);
  BargedJobRecord *r = g_new0 (BargedJobRecord, 1);

  r->id = g_strdup (self->id);
  r->owner = self->owner;
  r->type = g_strdup (barge_job_type_to_string (self->type));
  r->state = g_strdup (barge_job_state_to_string (self->state));
  r->display_name = g_strdup (barge_dbus_job_get_display_name (iface));
  r->description = g_strdup (barge_dbus_job_get_description (iface));
  r->priority = g_strdup (barge_dbus_job_get_priority (iface));
  r->created = self->created;
  r->modified = self->modified;
  r->completed = self->completed;
  r->error_count = self->error_count;
  r->error_context = g_strdup (self->error != NULL
                               ? barge_error_context_to_string (barged_error_get_context (self->error)) : "");
  r->error_name = g_strdup (self->error != NULL ? barge_error_to_dbus_name (self->error->code) : "");
  r->error_message = g_strdup (self->error != NULL ? self->error->message : "");
  r->error_file = self->error_file;
  r->minimum_retry_delay = barge_dbus_job_get_minimum_retry_delay (iface);
  r->no_progress_timeout = barge_dbus_job_get_no_progress_timeout (iface);
  r->notification_interval = barge_dbus_job_get_minimum_notification_interval (iface);
  r->first_transient_error = self->first_transient_error;
  r->maximum_download_time = barge_dbus_job_get_maximum_download_time (iface);
  r->download_time_used = self->download_time_used;
  r->retry_at = self->retry_at;
  r->http_status = self->http_status;
  {
    g_autoptr(GVariant) flags = g_variant_ref_sink (g_variant_new_strv (barge_dbus_job_get_notify_flags (iface), -1));
    r->notify_flags = g_variant_print (flags, FALSE);
  }
  r->notify_command_line = g_variant_print (barge_dbus_job_get_notify_command_line (iface), FALSE);
  r->cost_policy = g_strdup (barge_dbus_job_get_cost_policy (iface));
  return r;
}

static void
save_upload (BargedJob *self)
{
  g_autofree char *data = self->upload != NULL ? barged_upload_to_data (self->upload) : NULL;

  if (data != NULL)
    barged_store_put_data (self->ctx.store, self->id, "upload", data, NULL, NULL);
}

void
barged_job_save (BargedJob *self, GAsyncReadyCallback callback, gpointer user_data)
{
  GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify) barged_file_record_free);

  for (guint i = 0; i < self->files->len; i++)
    g_ptr_array_add (files, barged_file_to_record (g_ptr_array_index (self->files, i), self->id));
  barged_store_put_job (self->ctx.store, job_to_record (self), files, callback, user_data);
  save_upload (self);
}

gboolean
barged_job_save_finish (BargedJob *self, GAsyncResult *res, GError **error)
{
  return barged_store_write_finish (self->ctx.store, res, error);
}

static void
save_file (BargedJob *self, BargedFile *file)
{
  barged_store_put_file (self->ctx.store, barged_file_to_record (file, self->id), NULL, NULL);
}

/* --- progress ----------------------------------------------------------- */

GVariant *
_barged_job_compute_progress (BargedJob *self)
{
  guint64 bytes_total = 0, bytes_done = 0, files_done = 0;
  gboolean known = TRUE;

  for (guint i = 0; i < self->files->len; i++)
    {
      BargedFile *file = g_ptr_array_index (self->files, i);
      guint64 total = barged_file_get_total (file);

      if (total == BARGE_SIZE_UNKNOWN)
        known = FALSE;
      else
        bytes_total += total;
      bytes_done += barged_file_get_transferred (file) ? total : barged_file_get_done (file);
      if (barged_file_get_transferred (file))
        files_done++;
    }
  return g_variant_new ("(tttt)", known ? bytes_total : BARGE_SIZE_UNKNOWN, bytes_done,
                        (guint64) self->files->len, files_done);
}

void
_barged_job_publish_now (BargedJob *self)
{
  g_clear_handle_id (&self->publish_source, g_source_remove);
  self->last_publish = g_get_monotonic_time ();
  for (guint i = 0; i < self->files->len; i++)
    barged_file_publish (g_ptr_array_index (self->files, i));
  barge_dbus_job_set_progress (BARGE_DBUS_JOB (self), _barged_job_compute_progress (self));
  if (self->upload != NULL)
    barge_dbus_job_set_reply_progress (BARGE_DBUS_JOB (self), barged_upload_get_reply_progress (self->upload));
}

static gboolean
publish_cb (gpointer user_data)
{
  BargedJob *self = user_data;

  self->publish_source = 0;
  _barged_job_touch (self);
  _barged_job_publish_now (self);
  return G_SOURCE_REMOVE;
}

/* Coalesces: at most one Progress change per MinimumNotificationInterval. */
static void
progress_changed (BargedJob *self)
{
  gint64 interval = (gint64) barge_dbus_job_get_minimum_notification_interval (BARGE_DBUS_JOB (self)) * 1000;
  gint64 due = self->last_publish + interval;
  gint64 now = g_get_monotonic_time ();

  if (self->publish_source != 0)
    return;
  if (now >= due)
    publish_cb (self);
  else
    self->publish_source = g_timeout_add ((guint) ((due - now + 999) / 1000), publish_cb, self);
}

static void
flush_interfaces (BargedJob *self)
{
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self));
  for (guint i = 0; i < self->files->len; i++)
    g_dbus_interface_skeleton_flush (g_ptr_array_index (self->files, i));
}

/* --- state machine ------------------------------------------------------ */

static void
set_error_property (BargedJob *self)
{
  const char *file_path = "";

  if (self->error != NULL && self->error_file >= 0 && (guint) self->error_file < self->file_objects->len)
    file_path = g_dbus_object_get_object_path (g_ptr_array_index (self->file_objects, self->error_file));
  if (self->error == NULL)
    barge_dbus_job_set_error (BARGE_DBUS_JOB (self), g_variant_new ("(ssss)", "", "", "", ""));
  else
    barge_dbus_job_set_error (BARGE_DBUS_JOB (self),
                              g_variant_new ("(ssss)",
                                             barge_error_context_to_string (barged_error_get_context (self->error)),
                                             barge_error_to_dbus_name (self->error->code),
                                             self->error->message, file_path));
}

/* Why a waiting job does not transfer (the HoldReason property). The one
 * place that decides it, so further reasons slot in here. */
static const char *
compute_hold_reason (BargedJob *self)
{
  switch (self->state)
    {
    case BARGE_JOB_STATE_QUEUED:
      return "scheduler";
    case BARGE_JOB_STATE_TRANSIENT_ERROR:
      return self->retry_source != 0 ? "retry-delay" : "none";
    default:
      return "none";
    }
}

static void
update_hold_reason (BargedJob *self)
{
  barge_dbus_job_set_hold_reason (BARGE_DBUS_JOB (self), compute_hold_reason (self));
}

/* MaximumDownloadTime counts only the time spent connecting or
 * transferring: the clock is added up whenever the job leaves those states. */
void
_barged_job_max_time_account (BargedJob *self)
{
  if (self->running_since != 0)
    self->download_time_used += g_get_monotonic_time () - self->running_since;
  self->running_since = 0;
  g_clear_handle_id (&self->max_time_source, g_source_remove);
}

void
_barged_job_set_state (BargedJob *self, BargeJobState state)
{
  gboolean changed = self->state != state;

  if (state != BARGE_JOB_STATE_ERROR && state != BARGE_JOB_STATE_TRANSIENT_ERROR)
    {
      g_clear_error (&self->error);
      self->error_file = -1;
      self->http_status = 0;
    }
  if (state != BARGE_JOB_STATE_TRANSIENT_ERROR)
    {
      g_clear_handle_id (&self->retry_source, g_source_remove);
      self->retry_at = 0;
    }
  if (state != BARGE_JOB_STATE_TRANSFERRED && state != BARGE_JOB_STATE_ERROR)
    g_clear_handle_id (&self->notify_source, g_source_remove);
  if (state == BARGE_JOB_STATE_TRANSFERRED && self->completed == 0)
    self->completed = g_get_real_time ();
  _barged_job_max_time_account (self);

  self->state = state;
  if (barged_job_is_running (self))
    _barged_job_max_time_arm (self);
  set_error_property (self);
  barge_dbus_job_set_http_status (BARGE_DBUS_JOB (self), self->http_status);
  update_hold_reason (self);
  barge_dbus_job_set_state (BARGE_DBUS_JOB (self), barge_job_state_to_string (state));
  _barged_job_touch (self);
  /* A job that moves joins the view; one that leaves the bus need not. */
  if (changed && !barge_job_state_is_final (state))
    barged_job_list (self);
  /* A state change is announced at once, with the progress that led to it. */
  _barged_job_publish_now (self);
  flush_interfaces (self);
  if (!barge_job_state_is_final (state))
    barged_job_save (self, NULL, NULL);
  if (changed)
    g_signal_emit (self, signals[SIGNAL_SCHEDULING_CHANGED], 0);
}

void
_barged_job_stop_transfer (BargedJob *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->probe_cancellable != NULL)
    g_cancellable_cancel (self->probe_cancellable);
  self->start_pending = FALSE;
}

static void announce_final (BargedJob *self);

/* A transient error waited out NoProgressTimeout since the first of its
 * kind without any progress: it becomes an error (BITS). */
static gboolean
no_progress_expired (BargedJob *self, gint64 now)
{
  guint64 no_progress = barge_dbus_job_get_no_progress_timeout (BARGE_DBUS_JOB (self));

  return self->first_transient_error != 0 &&
         now - self->first_transient_error >= (gint64) no_progress * G_USEC_PER_SEC;
}

static void
become_no_progress_error (BargedJob *self)
{
  guint no_progress = barge_dbus_job_get_no_progress_timeout (BARGE_DBUS_JOB (self));
  g_autofree char *was = g_strdup (self->error != NULL ? self->error->message : "");

  g_clear_error (&self->error);
  self->error = g_error_new (BARGE_ERROR, BARGE_ERROR_NO_PROGRESS,
                             "no progress within %u s; last error: %s", no_progress, was);
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
      announce_final (self);
      return G_SOURCE_REMOVE;
    }
  _barged_job_set_state (self, BARGE_JOB_STATE_QUEUED);
  return G_SOURCE_REMOVE;
}

/* Waits for self->retry_at (which survives a restart of the daemon). */
static void
retry_arm (BargedJob *self)
{
  /* Rounded up, so the retry never comes before the deadline it checks. */
  gint64 wait_ms = (MAX (self->retry_at - g_get_real_time (), 0) + 1999) / 1000;

  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->retry_source = g_timeout_add ((guint) MIN (wait_ms, (gint64) G_MAXINT32), retry_cb, self);
  update_hold_reason (self);
}

static void
fail_job (BargedJob *self, GError *error, gint file_index, gint64 retry_after)
{
  BargeDBusJob *iface = BARGE_DBUS_JOB (self);
  gboolean transient = barged_error_is_transient (error);
  guint no_progress = barge_dbus_job_get_no_progress_timeout (iface);
  guint min_delay = barge_dbus_job_get_minimum_retry_delay (iface);
  gint64 now = g_get_real_time ();

  g_clear_error (&self->error);
  self->error = error;
  self->error_file = file_index;
  self->http_status = barged_error_get_http_status (error);
  /* BITS GetErrorCount: disconnects do not count. */
  if (!g_error_matches (error, BARGE_ERROR, BARGE_ERROR_NETWORK_DISCONNECTED))
    {
      self->error_count++;
      barge_dbus_job_set_error_count (iface, self->error_count);
    }

  if (transient)
    {
      if (self->first_transient_error == 0)
        self->first_transient_error = now;
      /* BITS: a timeout of 0, or a retry delay longer than the timeout,
       * makes every error final; so does a timeout already spent. */
      if (no_progress == 0 || min_delay > no_progress || no_progress_expired (self, now))
        {
          become_no_progress_error (self);
          transient = FALSE;
        }
    }

  g_info ("job %s: %s error: %s", self->id, transient ? "transient" : "fatal", self->error->message);
  if (transient)
    {
      /* A server's Retry-After (429, 503) can only lengthen the wait; the
       * no-progress deadline can only shorten it. */
      gint64 delay = MAX ((gint64) min_delay, MIN (retry_after, (gint64) G_MAXINT32 / 1000));
      gint64 deadline = self->first_transient_error + (gint64) no_progress * G_USEC_PER_SEC;

      self->retry_at = MIN (now + delay * G_USEC_PER_SEC, deadline);
      _barged_job_set_state (self, BARGE_JOB_STATE_TRANSIENT_ERROR);
      retry_arm (self);
    }
  else
    {
      _barged_job_set_state (self, BARGE_JOB_STATE_ERROR);
      announce_final (self);
    }
}

static gboolean
max_time_cb (gpointer user_data)
{
  BargedJob *self = user_data;
  guint max = barge_dbus_job_get_maximum_download_time (BARGE_DBUS_JOB (self));

  self->max_time_source = 0;
  _barged_job_stop_transfer (self);
  fail_job (self, g_error_new (BARGE_ERROR, BARGE_ERROR_MAXIMUM_TIME_EXCEEDED,
                               "the job spent its maximum transfer time of %u s", max),
            current_file_index (self), -1);
  return G_SOURCE_REMOVE;
}

void
_barged_job_max_time_arm (BargedJob *self)
{
  guint max = barge_dbus_job_get_maximum_download_time (BARGE_DBUS_JOB (self));
  gint64 left;

  self->running_since = g_get_monotonic_time ();
  g_clear_handle_id (&self->max_time_source, g_source_remove);
  if (max == 0)
    return;
  left = (gint64) max * G_USEC_PER_SEC - self->download_time_used;
  self->max_time_source = g_timeout_add ((guint) CLAMP (left / 1000, 0, (gint64) G_MAXINT32), max_time_cb, self);
}

/* --- notifications ------------------------------------------------------ */

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
on_notify_program_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  NotifyRun *run = user_data;
  g_autoptr(BargedJob) self = run->self;
  BargeJobState state = run->state;
  g_autoptr(GError) error = NULL;
  gboolean exit_ok = FALSE;

  g_free (run);
  if (!barged_notify_run_finish (res, &exit_ok, &error))
    {
      g_warning ("job %s: %s", self->id, error->message);
      if (self->removed || self->state != state)
        return;
      /* The program could not even start: the job goes to error with a
       * notification context, announced by the signal instead. */
      _barged_job_stop_transfer (self);
      g_clear_error (&self->error);
      self->error = g_steal_pointer (&error);
      self->error_file = -1;
      self->http_status = 0;
      self->error_count++;
      barge_dbus_job_set_error_count (BARGE_DBUS_JOB (self), self->error_count);
      _barged_job_set_state (self, BARGE_JOB_STATE_ERROR);
      barge_dbus_job_emit_failed (BARGE_DBUS_JOB (self), barge_error_context_to_string (barged_error_get_context (self->error)),
                                  barge_error_to_dbus_name (self->error->code), self->error->message);
      return;
    }
  /* BITS: a failing program runs again after MinimumRetryDelay while the
   * job is still neither completed nor cancelled, in the same state. */
  if (!exit_ok && !self->removed && self->state == state && self->notify_source == 0)
    self->notify_source = g_timeout_add_seconds (barge_dbus_job_get_minimum_retry_delay (BARGE_DBUS_JOB (self)),
                                                 notify_rerun_cb, self);
}

static void
run_notify_program (BargedJob *self)
{
  GVariant *cmdline = barge_dbus_job_get_notify_command_line (BARGE_DBUS_JOB (self));
  g_autofree const char **args = NULL;
  const char *program;
  NotifyRun *run;

  g_variant_get (cmdline, "(&s^a&s)", &program, &args);
  run = g_new0 (NotifyRun, 1);
  run->self = g_object_ref (self);
  run->state = self->state;
  g_info ("job %s: running %s", self->id, program);
  barged_notify_run_async (self->owner, program, args, self->id, barge_job_state_to_string (self->state),
                           on_notify_program_done, run);
}

static gboolean
has_notify_program (BargedJob *self)
{
  const char *program = NULL;

  g_variant_get (barge_dbus_job_get_notify_command_line (BARGE_DBUS_JOB (self)), "(&s@as)", &program, NULL);
  return program != NULL && *program != '\0';
}

/* The job reached "transferred" or "error": the signal, or the notify
 * program instead of it (BITS), if NotifyFlags asks for this event. */
static void
announce_final (BargedJob *self)
{
  gboolean transferred = self->state == BARGE_JOB_STATE_TRANSFERRED;

  if (!(self->notify_flags & (transferred ? BARGED_NOTIFY_TRANSFERRED : BARGED_NOTIFY_ERROR)))
    return;
  if (has_notify_program (self))
    run_notify_program (self);
  else if (transferred)
    barge_dbus_job_emit_transferred (BARGE_DBUS_JOB (self));
  else
    barge_dbus_job_emit_failed (BARGE_DBUS_JOB (self),
                                barge_error_context_to_string (barged_error_get_context (self->error)),
                                barge_error_to_dbus_name (self->error->code), self->error->message);
}

/* --- transfers ---------------------------------------------------------- */

static void
on_transfer_connected (BargedTransfer *transfer, BargedJob *self)
{
  if (self->state == BARGE_JOB_STATE_CONNECTING)
    _barged_job_set_state (self, BARGE_JOB_STATE_TRANSFERRING);
}

static void
on_transfer_progress (BargedTransfer *transfer, BargedJob *self)
{
  self->first_transient_error = 0;
  progress_changed (self);
}

static void
on_transfer_checkpoint (BargedTransfer *transfer, BargedJob *self)
{
  BargedFile *file = NULL;

  for (guint i = 0; i < self->files->len && file == NULL; i++)
    if (!barged_file_get_transferred (g_ptr_array_index (self->files, i)))
      file = g_ptr_array_index (self->files, i);
  if (file != NULL)
    save_file (self, file);
}

static gint
current_file_index (BargedJob *self)
{
  for (guint i = 0; i < self->files->len; i++)
    if (!barged_file_get_transferred (g_ptr_array_index (self->files, i)))
      return (gint) i;
  return -1;
}

static void run_ended (BargedJob *self, gboolean ok, GError *error, gint64 retry_after);

static void
on_transfer_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargedJob) self = user_data;
  g_autoptr(BargedTransfer) transfer = BARGED_TRANSFER (source);
  GError *error = NULL;
  gint64 retry_after = -1;
  gboolean ok = barged_transfer_run_finish (transfer, res, &retry_after, &error);

  g_signal_handlers_disconnect_by_data (transfer, self);
  g_clear_object (&self->transfer);
  run_ended (self, ok, error, retry_after);
}

static void
on_upload_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargedJob) self = user_data;
  GError *error = NULL;
  gint64 retry_after = -1;
  gboolean ok = barged_upload_run_finish (self->upload, res, &retry_after, &error);

  run_ended (self, ok, error, retry_after);
}

static gboolean
run_in_flight (BargedJob *self)
{
  return self->transfer != NULL || (self->upload != NULL && barged_upload_is_running (self->upload));
}

static void
run_ended (BargedJob *self, gboolean ok, GError *error_in, gint64 retry_after)
{
  g_autoptr(GError) error = error_in;
  gint idx = current_file_index (self);
  gboolean stopped = g_cancellable_is_cancelled (self->cancellable);

  g_clear_object (&self->cancellable);

  if (self->removed)
    return;
  if (stopped)
    {
      /* Suspend, Cancel, Complete or pre-emption: the state is already set.
       * A Resume that came while this run wound down starts now. */
      if (self->start_pending)
        {
          self->start_pending = FALSE;
          run_next_file (self);
        }
      else
        /* The run no longer keeps the daemon busy. */
        g_signal_emit (self, signals[SIGNAL_SCHEDULING_CHANGED], 0);
      return;
    }
  if (!ok)
    {
      fail_job (self, g_steal_pointer (&error), idx, retry_after);
      return;
    }

  if (idx >= 0)
    {
      BargedFile *file = g_ptr_array_index (self->files, idx);

      barged_file_set_transferred (file, TRUE);
      save_file (self, file);
      _barged_job_publish_now (self);
      if (self->notify_flags & BARGED_NOTIFY_FILE_TRANSFERRED)
        barge_dbus_job_emit_file_transferred (BARGE_DBUS_JOB (self),
                                              g_dbus_object_get_object_path (g_ptr_array_index (self->file_objects, idx)));
      /* The scheduler caps running jobs per host: a next file on another
       * host is a change it must look at. */
      {
        g_autofree char *was = barged_scheduler_origin (barged_file_get_url (file));
        g_autofree char *next = barged_scheduler_origin (barged_job_get_current_url (self));

        if (next != NULL && g_strcmp0 (was, next) != 0)
          _barged_job_emit_scheduling_changed (self);
      }
    }
  run_next_file (self);
}

static void
run_next_file (BargedJob *self)
{
  gint idx;

  if (self->state != BARGE_JOB_STATE_CONNECTING && self->state != BARGE_JOB_STATE_TRANSFERRING)
    return;
  if (run_in_flight (self))
    {
      /* The previous run still syncs its file; start when it ends. */
      self->start_pending = TRUE;
      return;
    }
  idx = current_file_index (self);
  if (idx < 0)
    {
      self->first_transient_error = 0;
      _barged_job_set_state (self, BARGE_JOB_STATE_TRANSFERRED);
      announce_final (self);
      return;
    }

  if (self->type != BARGE_JOB_TYPE_DOWNLOAD && self->upload == NULL)
    {
      /* Lost between the job's row and its upload state: never guess. */
      fail_job (self, g_error_new (BARGE_ERROR, BARGE_ERROR_FAILED, "the job's upload state was lost"), idx, -1);
      return;
    }
  self->cancellable = g_cancellable_new ();
  if (self->upload != NULL)
    {
      barged_upload_run_async (self->upload, g_ptr_array_index (self->files, idx), self->cancellable,
                               on_upload_done, g_object_ref (self));
      return;
    }
  self->transfer = barged_transfer_new (self->ctx.session, g_ptr_array_index (self->files, idx), self->owner);
  barged_transfer_set_credentials (self->transfer, self->ctx.credentials, self->id);
  g_signal_connect (self->transfer, "connected", G_CALLBACK (on_transfer_connected), self);
  g_signal_connect (self->transfer, "progress", G_CALLBACK (on_transfer_progress), self);
  g_signal_connect (self->transfer, "checkpoint", G_CALLBACK (on_transfer_checkpoint), self);
  barged_transfer_run_async (g_object_ref (self->transfer), self->cancellable,
                             on_transfer_done, g_object_ref (self));
}

static void probe_next_size (BargedJob *self, guint from);

typedef struct {
  BargedJob *self;
  guint idx;
} ProbeData;

static void
on_size_probed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  ProbeData *data = user_data;
  g_autoptr(BargedJob) self = data->self;
  guint idx = data->idx;
  g_autoptr(GError) error = NULL;
  guint64 size = barged_transfer_probe_size_finish (res, &error);
  BargedFile *file;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->removed ||
      idx >= self->files->len)
    {
      g_free (data);
      return;
    }
  file = g_ptr_array_index (self->files, idx);
  /* The transfer's own response wins if it came first. */
  if (size != BARGE_SIZE_UNKNOWN && barged_file_get_total (file) == BARGE_SIZE_UNKNOWN &&
      !barged_file_get_transferred (file))
    {
      barged_file_set_total (file, size);
      /* Kept, so that a restart does not ask again. */
      save_file (self, file);
      progress_changed (self);
    }
  g_free (data);
  probe_next_size (self, idx + 1);
}

/* One HEAD at a time, for files whose size is still unknown; failures only
 * leave the size unknown until the file's own transfer learns it. */
static void
probe_next_size (BargedJob *self, guint from)
{
  for (guint i = from; i < self->files->len; i++)
    {
      BargedFile *file = g_ptr_array_index (self->files, i);
      ProbeData *data;

      if (barged_file_get_transferred (file) || barged_file_get_total (file) != BARGE_SIZE_UNKNOWN)
        continue;
      data = g_new0 (ProbeData, 1);
      data->self = g_object_ref (self);
      data->idx = i;
      barged_transfer_probe_size_async (self->ctx.session, barged_file_get_url (file),
                                        self->probe_cancellable, on_size_probed, data);
      return;
    }
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
  probe_next_size (self, (guint) (current_file_index (self) + 1));
  run_next_file (self);
}

/* Network loss is not the job's failure: no retry is counted and no retry
 * timer runs; the network's return queues it again at once. */
void
barged_job_hold_for_network (BargedJob *self)
{
  if (!barged_job_is_running (self))
    return;
  _barged_job_stop_transfer (self);
  g_clear_error (&self->error);
  self->error = g_error_new_literal (BARGE_ERROR, BARGE_ERROR_NETWORK_DISCONNECTED, "the network is not available");
  self->error_file = current_file_index (self);
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

void
barged_job_retry_now (BargedJob *self)
{
  if (self->state == BARGE_JOB_STATE_TRANSIENT_ERROR)
    _barged_job_set_state (self, BARGE_JOB_STATE_QUEUED);
}

void
barged_job_requeue (BargedJob *self)
{
  if (!barged_job_is_running (self))
    return;
  _barged_job_stop_transfer (self);
  _barged_job_set_state (self, BARGE_JOB_STATE_QUEUED);
}

/* --- exporting and removal ---------------------------------------------- */

void
_barged_job_update_files_property (BargedJob *self)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();

  for (guint i = 0; i < self->file_objects->len; i++)
    g_ptr_array_add (paths, (gpointer) g_dbus_object_get_object_path (g_ptr_array_index (self->file_objects, i)));
  g_ptr_array_add (paths, NULL);
  barge_dbus_job_set_files (BARGE_DBUS_JOB (self), (const char * const *) paths->pdata);
}

/* --- the object manager's view -----------------------------------------
 *
 * Every job and file is on the bus at its path from the start, but
 * GetManagedObjects lists only this run's working set: a job joins it when
 * it is created, when its state changes, and when a client calls one of its
 * methods, writes a property or asks GetJob for it; it stays until it
 * leaves the bus. Reading properties or ListJobs does not list a job, so a
 * client can browse the backlog without making everyone's object manager
 * carry it (barged-object-cache.c has the figures). Objects exported while
 * the bus is connected are announced by GDBusObjectManagerServer itself;
 * a job loaded at start is announced here when it joins. */

static GDBusConnection *
announcing_connection (BargedJob *self)
{
  return g_dbus_object_manager_server_get_connection (self->ctx.object_manager);
}

static void
announce_object (BargedJob *self, GDBusConnection *connection, GDBusObject *object)
{
  barged_object_cache_set_listed (object);
  g_dbus_connection_emit_signal (connection, NULL,
                                 g_dbus_object_manager_get_object_path (G_DBUS_OBJECT_MANAGER (self->ctx.object_manager)),
                                 "org.freedesktop.DBus.ObjectManager", "InterfacesAdded",
                                 barged_object_cache_interfaces_added (object), NULL);
}

void
barged_job_list (BargedJob *self)
{
  g_autoptr(GDBusConnection) connection = NULL;

  if (self->removed || self->object == NULL || barged_object_cache_is_listed (G_DBUS_OBJECT (self->object)))
    return;
  connection = announcing_connection (self);
  if (connection == NULL)
    return;   /* still loading: the first GetManagedObjects comes later */
  announce_object (self, connection, G_DBUS_OBJECT (self->object));
  for (guint i = 0; i < self->file_objects->len; i++)
    announce_object (self, connection, g_ptr_array_index (self->file_objects, i));
}

/* Property reads leave the view alone: browsing is not using. */
static void
list_after_call (BargedJob *self, GDBusMethodInvocation *invocation)
{
  const char *method = g_dbus_method_invocation_get_method_name (invocation);

  if (g_str_equal (g_dbus_method_invocation_get_interface_name (invocation), "org.freedesktop.DBus.Properties") &&
      !g_str_equal (method, "Set"))
    return;
  barged_job_list (self);
}

static void
export_file (BargedJob *self, BargedFile *file)
{
  g_autofree char *path = g_strdup_printf ("%s/files/%u", self->path, barged_file_get_index (file));
  BargeDBusObjectSkeleton *object = barge_dbus_object_skeleton_new (path);

  barge_dbus_object_skeleton_set_file (object, BARGE_DBUS_FILE (file));
  barged_file_set_authorizer (file, authorize_file_call, self);
  g_ptr_array_add (self->file_objects, object);
  if (self->object == NULL)
    return;
  /* Its job joins the view first, so that no file is announced alone. */
  barged_job_list (self);
  if (barged_object_cache_is_listed (G_DBUS_OBJECT (self->object)))
    barged_object_cache_set_listed (G_DBUS_OBJECT (object));
  g_dbus_object_manager_server_export (self->ctx.object_manager, G_DBUS_OBJECT_SKELETON (object));
}

/* --- destinations and quota --------------------------------------------- */

void
_barged_job_destination_keys (const char *path, const BargedFileId *folder, char **by_path, char **by_folder)
{
  *by_path = g_strconcat ("p:", path, NULL);
  *by_folder = NULL;
  if (barged_file_id_is_set (folder))
    {
      g_autofree char *name = g_path_get_basename (path);

      *by_folder = g_strdup_printf ("f:%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT "/%s",
                                    folder->device, folder->inode, name);
    }
}

gboolean
_barged_job_has_destination (BargedJob *self, const char *key)
{
  return key != NULL && g_hash_table_contains (self->destinations, key);
}

static guint64
file_quota_cost (BargedFile *file)
{
  return barged_quota_file_cost (barged_file_get_url (file), barged_file_get_destination (file),
                                 barged_file_get_temporary (file));
}

gboolean
barged_job_check_quota_for_new (BargedQuota *quota, guint32 owner, GError **error)
{
  return barged_quota_check (quota, owner, 0, BARGED_QUOTA_JOB_COST, error);
}

gboolean
_barged_job_check_quota (BargedJob *self, const char * const *urls, const char * const *paths, GError **error)
{
  guint64 bytes = 0, n = 0;

  /* A temporary path is as long as its destination's, plus 29 bytes. */
  for (; urls[n] != NULL; n++)
    bytes += barged_quota_file_cost (urls[n], paths[n], paths[n]) + BARGED_QUOTA_STRING_FACTOR * 29;
  return barged_quota_check (self->ctx.quota, self->owner, n, bytes, error);
}

static void
charge (BargedJob *self, gint64 files, gint64 bytes)
{
  barged_quota_charge (self->ctx.quota, self->owner, files, bytes);
  self->quota_files += (guint64) files;
  self->quota_bytes += (guint64) bytes;
}

/* Once the job is gone (removed, or freed without being adopted). */
static void
release_quota (BargedJob *self)
{
  charge (self, -(gint64) self->quota_files, -(gint64) self->quota_bytes);
  self->quota_files = self->quota_bytes = 0;
}

void
_barged_job_move_quota (BargedJob *self, guint32 new_owner)
{
  barged_quota_charge (self->ctx.quota, self->owner, -(gint64) self->quota_files, -(gint64) self->quota_bytes);
  barged_quota_charge (self->ctx.quota, new_owner, (gint64) self->quota_files, (gint64) self->quota_bytes);
}

void
_barged_job_add_file (BargedJob *self, BargedFile *file)
{
  g_autofree char *by_path = NULL;
  g_autofree char *by_folder = NULL;

  g_ptr_array_add (self->files, file);
  export_file (self, file);
  if (self->upload == NULL)
    {
      _barged_job_destination_keys (barged_file_get_destination (file), barged_file_get_folder_id (file),
                                    &by_path, &by_folder);
      g_hash_table_add (self->destinations, g_steal_pointer (&by_path));
      if (by_folder != NULL)
        g_hash_table_add (self->destinations, g_steal_pointer (&by_folder));
    }
  charge (self, 1, (gint64) file_quota_cost (file));
}

void
barged_job_export (BargedJob *self)
{
  g_autoptr(GDBusConnection) connection = announcing_connection (self);

  g_return_if_fail (self->object == NULL);

  barged_authority_set_job_owner (self->ctx.authority, self->path, self->owner);
  self->object = barge_dbus_object_skeleton_new (self->path);
  barge_dbus_object_skeleton_set_job (self->object, BARGE_DBUS_JOB (self));
  /* A job exported while the bus is up is new: it is listed at once. */
  if (connection != NULL)
    {
      barged_object_cache_set_listed (G_DBUS_OBJECT (self->object));
      for (guint i = 0; i < self->file_objects->len; i++)
        barged_object_cache_set_listed (g_ptr_array_index (self->file_objects, i));
    }
  g_dbus_object_manager_server_export (self->ctx.object_manager, G_DBUS_OBJECT_SKELETON (self->object));
  for (guint i = 0; i < self->file_objects->len; i++)
    g_dbus_object_manager_server_export (self->ctx.object_manager,
                                         G_DBUS_OBJECT_SKELETON (g_ptr_array_index (self->file_objects, i)));
  /* BITS: a job still in "transferred" or "error" at a restart runs its
   * notify program again. */
  if (self->notify_on_export)
    {
      self->notify_on_export = FALSE;
      announce_final (self);
    }
}

void
barged_job_unexport (BargedJob *self)
{
  for (guint i = 0; i < self->file_objects->len; i++)
    g_dbus_object_manager_server_unexport (self->ctx.object_manager,
                                           g_dbus_object_get_object_path (g_ptr_array_index (self->file_objects, i)));
  if (self->object == NULL)
    return;
  g_dbus_object_manager_server_unexport (self->ctx.object_manager, self->path);
  /* The object skeleton holds the job and the job holds it. */
  g_dbus_object_skeleton_remove_interface (G_DBUS_OBJECT_SKELETON (self->object), G_DBUS_INTERFACE_SKELETON (self));
  g_clear_object (&self->object);
}

/* Leaves the bus in a final state. The caller keeps its reference until the
 * "removed" handlers ran. */
void
_barged_job_remove_job (BargedJob *self, BargeJobState final_state)
{
  g_autoptr(BargedJob) keep = g_object_ref (self);

  _barged_job_stop_transfer (self);
  _barged_job_set_state (self, final_state);
  self->removed = TRUE;
  g_clear_handle_id (&self->publish_source, g_source_remove);
  g_clear_handle_id (&self->modified_source, g_source_remove);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->max_time_source, g_source_remove);
  g_clear_handle_id (&self->notify_source, g_source_remove);
  barged_job_unexport (self);
  barged_authority_forget_job (self->ctx.authority, self->path);
  barged_credentials_forget (self->ctx.credentials, self->id, TRUE);
  release_quota (self);
  g_signal_emit (self, signals[SIGNAL_REMOVED], 0, barge_job_state_to_string (final_state));
}

/* The class handler, not a signal handler: no closure per job. */
static gboolean
barged_job_authorize_method (GDBusInterfaceSkeleton *skeleton, GDBusMethodInvocation *invocation)
{
  BargedJob *self = BARGED_JOB (skeleton);

  if (!barged_authority_authorize (self->ctx.authority, invocation, self->owner))
    return FALSE;
  list_after_call (self, invocation);
  return TRUE;
}

static gboolean
authorize_file_call (gpointer user_data, GDBusMethodInvocation *invocation)
{
  BargedJob *self = BARGED_JOB (user_data);

  if (!barged_authority_authorize (self->ctx.authority, invocation, self->owner))
    return FALSE;
  list_after_call (self, invocation);
  return TRUE;
}

/* --- construction ------------------------------------------------------- */

const char *barged_job_get_job_id (BargedJob *self) { return self->id; }
const char *barged_job_get_path (BargedJob *self) { return self->path; }
guint32 barged_job_get_owner_uid (BargedJob *self) { return self->owner; }
BargeJobState barged_job_get_job_state (BargedJob *self) { return self->state; }
BargeJobPriority barged_job_get_job_priority (BargedJob *self) { return priority_from_skeleton (self); }
gint64 barged_job_get_created (BargedJob *self) { return self->created; }
gint64 barged_job_get_modified (BargedJob *self) { return self->modified; }

gboolean
barged_job_is_running (BargedJob *self)
{
  return self->state == BARGE_JOB_STATE_CONNECTING || self->state == BARGE_JOB_STATE_TRANSFERRING;
}

const char *
barged_job_get_current_url (BargedJob *self)
{
  gint idx = current_file_index (self);

  return idx >= 0 ? barged_file_get_url (g_ptr_array_index (self->files, idx)) : NULL;
}

gboolean
barged_job_is_active (BargedJob *self)
{
  return barged_job_is_running (self) || self->state == BARGE_JOB_STATE_QUEUED ||
         self->state == BARGE_JOB_STATE_TRANSIENT_ERROR || run_in_flight (self);
}

static const char *const default_notify_flags[] = { "transferred", "error", NULL };

static BargedJob *
job_alloc (const BargedJobContext *ctx, const char *id, guint32 owner, BargeJobType type)
{
  BargedJob *self = g_object_new (BARGED_TYPE_JOB, NULL);
  BargeDBusJob *iface = BARGE_DBUS_JOB (self);

  self->ctx = *ctx;
  g_object_ref (self->ctx.store);
  g_object_ref (self->ctx.session);
  g_object_ref (self->ctx.authority);
  g_object_ref (self->ctx.object_manager);
  self->ctx.credentials = self->ctx.credentials != NULL ? g_object_ref (self->ctx.credentials)
                                                     : barged_credentials_new (NULL, FALSE, NULL);
  self->ctx.quota = self->ctx.quota != NULL ? g_object_ref (self->ctx.quota) : barged_quota_new ();
  self->id = g_strdup (id);
  self->owner = owner;
  charge (self, 0, BARGED_QUOTA_JOB_COST);
  self->path = path_for_id (id);
  self->owner = owner;
  self->type = type;
  barge_dbus_job_set_id (iface, id);
  barge_dbus_job_set_type_ (iface, barge_job_type_to_string (type));
  barge_dbus_job_set_owner (iface, owner);
  barge_dbus_job_set_reply_progress (iface, g_variant_new ("(tt)", BARGE_SIZE_UNKNOWN, (guint64) 0));
  /* Contract defaults; the owners of these features overwrite them from the
   * job's record. GVariant-typed properties must never be NULL on the bus. */
  barge_dbus_job_set_maximum_download_time (iface, BARGED_DEFAULT_MAXIMUM_DOWNLOAD_TIME);
  barge_dbus_job_set_notify_flags (iface, default_notify_flags);
  barge_dbus_job_set_notify_command_line (iface, g_variant_new ("(s@as)", "", g_variant_new_strv (NULL, 0)));
  barge_dbus_job_set_cost_policy (iface, "any");
  barge_dbus_job_set_hold_reason (iface, "none");
  barge_dbus_job_set_upload_protocol (iface, "");
  barge_dbus_job_set_reply_file_name (iface, "");
  barge_dbus_job_set_credentials (iface, barged_credentials_list (ctx->credentials, id));
  return self;
}

BargedJob *
barged_job_new (const BargedJobContext *ctx, guint32 owner, BargeJobType type,
                const char *display_name, const char *description, BargeJobPriority priority)
{
  g_autofree char *id = barged_random_uuid ();
  BargedJob *self = job_alloc (ctx, id, owner, type);
  BargeDBusJob *iface = BARGE_DBUS_JOB (self);

  self->created = g_get_real_time ();
  barge_dbus_job_set_display_name (iface, display_name);
  barge_dbus_job_set_description (iface, description);
  barge_dbus_job_set_priority (iface, barge_job_priority_to_string (priority));
  barge_dbus_job_set_minimum_retry_delay (iface, BARGED_DEFAULT_RETRY_DELAY);
  barge_dbus_job_set_no_progress_timeout (iface, BARGED_DEFAULT_NO_PROGRESS_TIMEOUT);
  barge_dbus_job_set_minimum_notification_interval (iface, BARGED_DEFAULT_NOTIFICATION_INTERVAL);
  self->state = BARGE_JOB_STATE_SUSPENDED;
  barge_dbus_job_set_state (iface, barge_job_state_to_string (self->state));
  set_error_property (self);
  _barged_job_update_files_property (self);
  _barged_job_touch (self);
  _barged_job_publish_now (self);
  return self;
}

static void
restore_notify_settings (BargedJob *self, const BargedJobRecord *r)
{
  BargeDBusJob *iface = BARGE_DBUS_JOB (self);
  g_auto(GStrv) flags = barged_notify_flags_from_text (r->notify_flags, &self->notify_flags);
  g_autoptr(GVariant) cmdline = barged_notify_command_line_from_text (r->notify_command_line);

  if (flags != NULL)
    barge_dbus_job_set_notify_flags (iface, (const char *const *) flags);
  if (cmdline != NULL)
    barge_dbus_job_set_notify_command_line (iface, cmdline);
}

/* One write per acknowledgement: the file's numbers come back from the
 * upload state (barged_upload_restore_file()). */
static void
on_upload_checkpoint (BargedUpload *upload, BargedJob *self)
{
  save_upload (self);
}

static void
on_upload_changed (BargedUpload *upload, BargedJob *self)
{
  progress_changed (self);
}

/* Coalesced with Progress: published by _barged_job_publish_now(). */
static void
on_reply_progress (BargedUpload *upload, BargedJob *self)
{
  progress_changed (self);
}

/* The upload side of the job; its own file (barged-upload.c) does the work. */
static void
attach_upload (BargedJob *self, BargedUpload *upload)
{
  BargeDBusJob *iface = BARGE_DBUS_JOB (self);

  self->upload = upload;
  if (self->ctx.credentials != NULL)
    barged_upload_set_umask (upload, barged_credentials_get_umask (self->ctx.credentials, self->id));
  g_signal_connect (upload, "connected", G_CALLBACK (on_transfer_connected), self);
  g_signal_connect (upload, "progress", G_CALLBACK (on_transfer_progress), self);
  g_signal_connect (upload, "changed", G_CALLBACK (on_upload_changed), self);
  g_signal_connect (upload, "checkpoint", G_CALLBACK (on_upload_checkpoint), self);
  g_signal_connect (upload, "reply-progress", G_CALLBACK (on_reply_progress), self);
  barge_dbus_job_set_upload_protocol (iface, barged_upload_protocol_to_string (barged_upload_get_protocol (upload)));
  barge_dbus_job_set_reply_file_name (iface, barged_upload_get_reply_file_name (upload));
  barge_dbus_job_set_reply_progress (iface, barged_upload_get_reply_progress (upload));
}

void
barged_job_set_upload_protocol (BargedJob *self, BargedUploadProtocol protocol)
{
  g_return_if_fail (self->type != BARGE_JOB_TYPE_DOWNLOAD && self->upload == NULL);
  attach_upload (self, barged_upload_new (self->ctx.session, self->id, self->owner, protocol,
                                          self->type == BARGE_JOB_TYPE_UPLOAD_REPLY));
}

BargedJob *
barged_job_new_from_record (const BargedJobContext *ctx, const BargedJobRecord *r, GPtrArray *files)
{
  BargeJobType type = BARGE_JOB_TYPE_DOWNLOAD;
  BargeJobState state = BARGE_JOB_STATE_SUSPENDED;
  BargeErrorContext context;
  BargeError code;
  BargedJob *self;
  BargeDBusJob *iface;

  barge_job_type_from_string (r->type, &type);
  barge_job_state_from_string (r->state, &state);
  self = job_alloc (ctx, r->id, r->owner, type);
  iface = BARGE_DBUS_JOB (self);
  self->created = r->created;
  self->modified = r->modified;
  self->completed = r->completed;
  self->error_count = r->error_count;
  self->first_transient_error = r->first_transient_error;
  barge_dbus_job_set_display_name (iface, r->display_name);
  barge_dbus_job_set_description (iface, r->description);
  barge_dbus_job_set_priority (iface, r->priority);
  barge_dbus_job_set_error_count (iface, r->error_count);
  barge_dbus_job_set_minimum_retry_delay (iface, r->minimum_retry_delay);
  barge_dbus_job_set_no_progress_timeout (iface, r->no_progress_timeout);
  barge_dbus_job_set_minimum_notification_interval (iface, r->notification_interval);
  barge_dbus_job_set_maximum_download_time (iface, r->maximum_download_time);
  self->download_time_used = r->download_time_used;
  self->http_status = r->http_status;
  restore_notify_settings (self, r);
  if (r->cost_policy != NULL)
    barge_dbus_job_set_cost_policy (iface, r->cost_policy);
  if (barge_error_from_dbus_name (r->error_name, &code) &&
      barge_error_context_from_string (r->error_context, &context))
    {
      self->error = g_error_new_literal (BARGE_ERROR, code, r->error_message);
      self->error_file = r->error_file;
    }

  if (type != BARGE_JOB_TYPE_DOWNLOAD)
    {
      g_autofree char *data = barged_store_load_data (ctx->store, r->id, "upload");
      BargedUpload *upload = barged_upload_new_from_data (ctx->session, r->id, r->owner,
                                                          type == BARGE_JOB_TYPE_UPLOAD_REPLY, data);
      if (upload != NULL)
        attach_upload (self, upload);
      else
        g_warning ("job %s: its upload state is missing or damaged", r->id);
    }

  for (guint i = 0; i < files->len; i++)
    _barged_job_add_file (self, barged_file_new_from_record (g_ptr_array_index (files, i)));
  _barged_job_update_files_property (self);
  if (self->upload != NULL && self->files->len > 0)
    barged_upload_restore_file (self->upload, g_ptr_array_index (self->files, 0));

  /* A job that was moving bytes when the daemon stopped goes back to the
   * queue; its files resume from their durable offsets. One waiting out a
   * retry delay waits what is left of it. */
  if (state == BARGE_JOB_STATE_TRANSIENT_ERROR && r->retry_at > g_get_real_time () && self->error != NULL)
    self->retry_at = r->retry_at;
  else if (state == BARGE_JOB_STATE_CONNECTING || state == BARGE_JOB_STATE_TRANSFERRING ||
           state == BARGE_JOB_STATE_TRANSIENT_ERROR)
    state = BARGE_JOB_STATE_QUEUED;
  if (state != BARGE_JOB_STATE_ERROR && state != BARGE_JOB_STATE_TRANSIENT_ERROR)
    {
      g_clear_error (&self->error);
      self->http_status = 0;
    }
  self->state = state;
  if (self->retry_at != 0)
    retry_arm (self);
  self->notify_on_export = (state == BARGE_JOB_STATE_TRANSFERRED || state == BARGE_JOB_STATE_ERROR) &&
                           has_notify_program (self) &&
                           !g_error_matches (self->error, BARGE_ERROR, BARGE_ERROR_NOTIFICATION_FAILED);
  barge_dbus_job_set_state (iface, barge_job_state_to_string (state));
  set_error_property (self);
  barge_dbus_job_set_http_status (iface, self->http_status);
  update_hold_reason (self);
  barge_dbus_job_set_times (iface, g_variant_new ("(ttt)", (guint64) self->created,
                                                  (guint64) self->modified, (guint64) self->completed));
  _barged_job_publish_now (self);
  return self;
}

static void
barged_job_dispose (GObject *object)
{
  BargedJob *self = BARGED_JOB (object);

  _barged_job_stop_transfer (self);
  g_clear_handle_id (&self->publish_source, g_source_remove);
  g_clear_handle_id (&self->modified_source, g_source_remove);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->max_time_source, g_source_remove);
  g_clear_handle_id (&self->notify_source, g_source_remove);
  for (guint i = 0; i < self->files->len; i++)
    barged_file_set_authorizer (g_ptr_array_index (self->files, i), NULL, NULL);
  if (self->ctx.quota != NULL)
    release_quota (self);
  barged_object_cache_forget (object);
  G_OBJECT_CLASS (barged_job_parent_class)->dispose (object);
}

static void
barged_job_finalize (GObject *object)
{
  BargedJob *self = BARGED_JOB (object);

  g_clear_object (&self->transfer);
  if (self->upload != NULL)
    g_signal_handlers_disconnect_by_data (self->upload, self);
  g_clear_object (&self->upload);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->probe_cancellable);
  g_clear_object (&self->object);
  g_ptr_array_unref (self->file_objects);
  g_ptr_array_unref (self->files);
  g_clear_error (&self->error);
  g_free (self->id);
  g_free (self->path);
  g_clear_object (&self->ctx.store);
  g_clear_object (&self->ctx.session);
  g_clear_object (&self->ctx.authority);
  g_clear_object (&self->ctx.object_manager);
  g_clear_object (&self->ctx.credentials);
  g_clear_object (&self->ctx.quota);
  g_hash_table_unref (self->destinations);
  G_OBJECT_CLASS (barged_job_parent_class)->finalize (object);
}

static void
barged_job_init (BargedJob *self)
{
  self->files = g_ptr_array_new_with_free_func (g_object_unref);
  self->destinations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->file_objects = g_ptr_array_new_with_free_func (g_object_unref);
  self->error_file = -1;
  self->notify_flags = BARGED_NOTIFY_DEFAULT;
}

static void
barged_job_class_init (BargedJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = barged_job_dispose;
  object_class->finalize = barged_job_finalize;
  G_DBUS_INTERFACE_SKELETON_CLASS (klass)->get_vtable = _barged_job_get_vtable;
  G_DBUS_INTERFACE_SKELETON_CLASS (klass)->g_authorize_method = barged_job_authorize_method;

  signals[SIGNAL_REMOVED] = g_signal_new ("removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_SCHEDULING_CHANGED] = g_signal_new ("scheduling-changed", G_TYPE_FROM_CLASS (klass),
                                                     G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                     G_TYPE_NONE, 0);
}
