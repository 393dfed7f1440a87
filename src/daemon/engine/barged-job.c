/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedJob"

#include "config.h"

#include <string.h>

#include "barged-custom-headers.h"
#include "barged-errors.h"
#include "barged-job-private.h"
#include "barged-log.h"
#include "barged-notify.h"
#include "barged-random.h"
#include "barged-state.h"

/* The job itself: its state, its settings and what every other part of
 * BargedJob shares. Runs (transfers, retries, notifications) are in
 * barged-job-run.c, the operations clients ask for in barged-job-ops.c,
 * the store's record in barged-job-record.c. */

G_DEFINE_TYPE (BargedJob, barged_job, G_TYPE_OBJECT)

guint _barged_job_signals[BARGED_JOB_N_SIGNALS];
GParamSpec *_barged_job_properties[BARGED_JOB_N_PROPS];

void
_barged_job_notify (BargedJob *self, BargedJobProp prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), _barged_job_properties[prop]);
}

const BargedSettings *
_barged_job_settings (BargedJob *self)
{
  return barged_config_get_settings (self->ctx.config);
}

void
_barged_job_touch (BargedJob *self)
{
  self->modified = g_get_real_time ();
  _barged_job_notify (self, BARGED_JOB_PROP_TIMES);
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

char *
barged_job_id_to_hex (const char *id)
{
  char *hex = g_strdup (id);
  char *out = hex;

  for (const char *p = id; *p != '\0'; p++)
    if (*p != '-')
      *out++ = *p;
  *out = '\0';
  return hex;
}

/* --- the state machine ---------------------------------------------------- */

/* Why a job that does not transfer waits. The one place that decides it:
 * the network only gives its verdict (barged_job_set_network_hold), the
 * time policy its own (barged-job-times.c). The time policy comes first:
 * it holds the job whatever the network does. */
BargeHoldReason
barged_job_get_hold_reason (BargedJob *self)
{
  switch (self->state)
    {
    case BARGE_JOB_STATE_QUEUED:
      if (self->time_hold != BARGE_HOLD_REASON_NONE)
        return self->time_hold;
      return self->network_hold != BARGE_HOLD_REASON_NONE ? self->network_hold : BARGE_HOLD_REASON_SCHEDULER;
    case BARGE_JOB_STATE_TRANSIENT_ERROR:
      if (barged_job_is_held_for_network (self))
        return BARGE_HOLD_REASON_NO_NETWORK;
      return self->retry_source != 0 ? BARGE_HOLD_REASON_RETRY_DELAY : BARGE_HOLD_REASON_NONE;
    default:
      return BARGE_HOLD_REASON_NONE;
    }
}

void
barged_job_set_network_hold (BargedJob *self, BargeHoldReason reason)
{
  BargeHoldReason before = barged_job_get_hold_reason (self);

  self->network_hold = reason;
  if (barged_job_get_hold_reason (self) != before)
    _barged_job_notify (self, BARGED_JOB_PROP_HOLD_REASON);
}

gboolean
_barged_job_check_call (BargedJob *self, int call, BargeJobState *next, GError **error)
{
  BargeJobState dummy;

  if (self->removed || self->busy)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_STATE,
                   self->removed ? "the job is %s" : "the job is moving its files",
                   barge_job_state_to_string (self->state));
      return FALSE;
    }
  return barged_state_apply (self->state, (BargedCall) call, self->files->len,
                             self->files->len - (guint) self->files_done,
                             next != NULL ? next : &dummy, error);
}

/* Every state change passes here: the error, the retry and program timers,
 * the clock of MaximumDownloadTime, the log, the store and the scheduler.
 * The "state" notification comes after those of the error and hold reason,
 * so the bus face shows all three in one PropertiesChanged. */
void
_barged_job_set_state (BargedJob *self, BargeJobState state)
{
  gboolean changed = self->state != state;
  BargeHoldReason hold = barged_job_get_hold_reason (self);
  gboolean had_error = self->error != NULL;

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
  if (state != BARGE_JOB_STATE_QUEUED)
    self->network_hold = BARGE_HOLD_REASON_NONE;
  _barged_job_max_time_account (self);

  self->state = state;
  if (barged_job_is_running (self))
    _barged_job_max_time_arm (self);
  if (had_error || self->error != NULL)
    _barged_job_notify (self, BARGED_JOB_PROP_ERROR);
  if (barged_job_get_hold_reason (self) != hold)
    _barged_job_notify (self, BARGED_JOB_PROP_HOLD_REASON);
  /* "state" last: whoever shows it finds the error and hold reason that
   * explain it already notified. */
  if (changed)
    {
      barged_job_log (self, G_LOG_LEVEL_INFO, "state %s", barge_job_state_to_string (state));
      _barged_job_notify (self, BARGED_JOB_PROP_STATE);
    }
  _barged_job_touch (self);
  /* The record alone: a file's numbers are stored as they move, and a job
   * of 10,000 files must not write them all at each change of state. */
  if (!barge_job_state_is_final (state))
    _barged_job_save_from (self, self->files->len, NULL, NULL);
  if (changed)
    g_signal_emit (self, _barged_job_signals[BARGED_JOB_SIGNAL_SCHEDULING_CHANGED], 0);
}

void
_barged_job_stop_transfer (BargedJob *self)
{
  _barged_job_stop_tls_read (self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->probe_cancellable != NULL)
    g_cancellable_cancel (self->probe_cancellable);
  if (self->ctx.connections != NULL)
    barged_connections_stop_waiting (self->ctx.connections, self);
  self->start_pending = FALSE;
}

/* --- getters ---------------------------------------------------------------- */

const char *barged_job_get_job_id (BargedJob *self) { return self->id; }
guint32 barged_job_get_owner_uid (BargedJob *self) { return self->owner; }
BargeJobType barged_job_get_job_type (BargedJob *self) { return self->type; }
BargeJobState barged_job_get_job_state (BargedJob *self) { return self->state; }
BargeJobPriority barged_job_get_job_priority (BargedJob *self) { return self->priority; }
const char *barged_job_get_display_name (BargedJob *self) { return self->display_name; }
const char *barged_job_get_description (BargedJob *self) { return self->description; }
BargeCostPolicy barged_job_get_cost_policy (BargedJob *self) { return self->cost_policy; }
guint64 barged_job_get_bandwidth_limit (BargedJob *self) { return barged_bandwidth_get_rate (self->bandwidth); }
gboolean barged_job_get_keep_awake (BargedJob *self) { return self->keep_awake; }
guint64 barged_job_get_size_hint (BargedJob *self) { return self->size_hint; }
guint barged_job_get_max_segments (BargedJob *self) { return self->max_segments; }

guint
barged_job_get_max_ranges_per_file (BargedJob *self)
{
  return _barged_job_settings (self)->max_ranges_per_file;
}

guint
barged_job_get_effective_max_segments (BargedJob *self)
{
  if (self->max_segments != 0)
    return self->max_segments;
  /* Off by default in the background: more connections to one server is
   * what a background job must not take from the machine's user. */
  return self->priority == BARGE_JOB_PRIORITY_FOREGROUND ? BARGED_AUTO_SEGMENTS : 1;
}

static gboolean
check_max_segments (guint max_segments, GError **error)
{
  if (max_segments <= BARGED_MAX_SEGMENTS)
    return TRUE;
  g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
               "max-segments is 0 (automatic) or 1 to %u connections per file, not %u", BARGED_MAX_SEGMENTS,
               max_segments);
  return FALSE;
}
BargeNotifyFlags barged_job_get_notify_flags (BargedJob *self) { return self->notify_flags; }
const char *barged_job_get_notify_program (BargedJob *self) { return self->notify_program; }
const char * const *barged_job_get_notify_arguments (BargedJob *self) { return (const char * const *) self->notify_args; }
guint barged_job_get_minimum_retry_delay (BargedJob *self) { return self->minimum_retry_delay; }
guint barged_job_get_no_progress_timeout (BargedJob *self) { return self->no_progress_timeout; }
guint barged_job_get_minimum_notification_interval (BargedJob *self) { return self->notification_interval; }
guint barged_job_get_maximum_download_time (BargedJob *self) { return self->maximum_download_time; }
gint64 barged_job_get_created (BargedJob *self) { return self->created; }
gint64 barged_job_get_modified (BargedJob *self) { return self->modified; }
gint64 barged_job_get_completed (BargedJob *self) { return self->completed; }
guint barged_job_get_error_count (BargedJob *self) { return self->error_count; }
const GError *barged_job_get_error (BargedJob *self) { return self->error; }
gint barged_job_get_error_file (BargedJob *self) { return self->error_file; }
guint barged_job_get_http_status (BargedJob *self) { return self->http_status; }
guint barged_job_get_n_files (BargedJob *self) { return self->files->len; }
gboolean barged_job_is_removed (BargedJob *self) { return self->removed; }

BargedFile *
barged_job_get_file (BargedJob *self, guint index)
{
  return index < self->files->len ? g_ptr_array_index (self->files, index) : NULL;
}

BargeUploadProtocol
barged_job_get_upload_protocol (BargedJob *self)
{
  return self->upload != NULL ? barged_upload_get_protocol (self->upload) : BARGE_UPLOAD_PROTOCOL_NONE;
}

const char *
barged_job_get_reply_file_name (BargedJob *self)
{
  return self->upload != NULL ? barged_upload_get_reply_file_name (self->upload) : "";
}

void
barged_job_get_reply_progress (BargedJob *self, guint64 *total, guint64 *received)
{
  if (self->upload == NULL)
    {
      *total = BARGE_SIZE_UNKNOWN;
      *received = 0;
      return;
    }
  barged_upload_get_reply_progress (self->upload, total, received);
}

GVariant *
barged_job_dup_credentials (BargedJob *self)
{
  return barged_credentials_list (self->ctx.credentials, self->id);
}

GVariant *
barged_job_dup_custom_headers (BargedJob *self, GError **error)
{
  GVariant *headers;

  if (self->headers_write_only)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_ACCESS_DENIED,
                   "the job's custom headers are write-only (MakeCustomHeadersWriteOnly): their names are in "
                   "CustomHeaders, their values are not given out");
      return NULL;
    }
  headers = barged_credentials_dup_headers (self->ctx.credentials, self->id);
  return headers != NULL ? headers : g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("(ss)"), NULL, 0));
}

gboolean
barged_job_get_custom_headers_write_only (BargedJob *self)
{
  return self->headers_write_only;
}

GVariant *
barged_job_dup_custom_header_names (BargedJob *self)
{
  g_autoptr(GVariant) headers = barged_credentials_dup_headers (self->ctx.credentials, self->id);

  return barged_custom_headers_names (headers);
}

gboolean
barged_job_is_running (BargedJob *self)
{
  return self->state == BARGE_JOB_STATE_CONNECTING || self->state == BARGE_JOB_STATE_TRANSFERRING;
}

gboolean
barged_job_is_active (BargedJob *self)
{
  return barged_job_is_running (self) || self->state == BARGE_JOB_STATE_QUEUED ||
         self->state == BARGE_JOB_STATE_TRANSIENT_ERROR || _barged_job_run_in_flight (self);
}

const char *
barged_job_get_current_url (BargedJob *self)
{
  gint idx = _barged_job_current_file_index (self);

  return idx >= 0 ? barged_file_get_url (g_ptr_array_index (self->files, idx)) : NULL;
}

/* --- progress, kept as sums ------------------------------------------------ *
 * A job of 10,000 files must not add up 10,000 files for every buffer one
 * of them writes: each file's share of the sums is kept as it was counted,
 * taken out and counted again when the file notifies "progress". */

void
_barged_job_recount_file (BargedJob *self, BargedFile *file)
{
  BargedJobShare *share = &g_array_index (self->shares, BargedJobShare, barged_file_get_index (file));

  if (share->total == BARGE_SIZE_UNKNOWN)
    self->n_unknown--;
  else
    self->sum_total -= share->total;
  self->sum_done -= share->done;
  self->files_done -= share->transferred ? 1 : 0;

  share->total = barged_file_get_bytes_total (file);
  share->transferred = barged_file_get_transferred (file);
  share->done = share->transferred && share->total != BARGE_SIZE_UNKNOWN ? share->total
                                                                          : barged_file_get_done (file);
  if (share->total == BARGE_SIZE_UNKNOWN)
    self->n_unknown++;
  else
    self->sum_total += share->total;
  self->sum_done += share->done;
  self->files_done += share->transferred ? 1 : 0;

  /* The first file not transferred yet, without a scan from 0 each time
   * (amortised O(1): the cursor only moves back when a file restarts). */
  if (!share->transferred && barged_file_get_index (file) < self->next_pending)
    self->next_pending = barged_file_get_index (file);
  while (self->next_pending < self->shares->len &&
         g_array_index (self->shares, BargedJobShare, self->next_pending).transferred)
    self->next_pending++;
}

void
barged_job_get_progress (BargedJob *self, BargedJobProgress *progress)
{
  progress->bytes_total = self->n_unknown > 0 ? BARGE_SIZE_UNKNOWN : self->sum_total;
  progress->bytes_done = self->sum_done;
  progress->files_total = self->files->len;
  progress->files_done = self->files_done;
}

/* --- what a client may change ----------------------------------------------- */

/* Every setter: the state machine allows it, the value is checked, the job
 * changes, is touched and stored. */
static gboolean
may_change (BargedJob *self, GError **error)
{
  return _barged_job_check_call (self, BARGED_CALL_SET_PROPERTY, NULL, error);
}

static void
changed (BargedJob *self, BargedJobProp prop)
{
  _barged_job_notify (self, prop);
  _barged_job_touch (self);
  barged_job_save (self, NULL, NULL);
}

static gboolean
check_text (const char *what, const char *text, glong max, GError **error)
{
  if (!g_utf8_validate (text, -1, NULL) || g_utf8_strlen (text, -1) > max)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_STRING_TOO_LONG, "%s takes at most %ld characters", what, max);
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_text (BargedJob *self, char **field, const char *what, const char *text, glong max, BargedJobProp prop,
          GError **error)
{
  if (!may_change (self, error) || !check_text (what, text, max, error) ||
      !_barged_job_check_settings_change (self, _barged_job_str_cost (*field), _barged_job_str_cost (text), error))
    return FALSE;
  if (g_strcmp0 (*field, text) != 0)
    {
      g_free (*field);
      *field = g_strdup (text);
      _barged_job_recharge_settings (self);
    }
  changed (self, prop);
  return TRUE;
}

gboolean
barged_job_set_display_name (BargedJob *self, const char *text, GError **error)
{
  return set_text (self, &self->display_name, "DisplayName", text, BARGED_MAX_DISPLAY_NAME,
                   BARGED_JOB_PROP_DISPLAY_NAME, error);
}

gboolean
barged_job_set_description (BargedJob *self, const char *text, GError **error)
{
  return set_text (self, &self->description, "Description", text, BARGED_MAX_DESCRIPTION,
                   BARGED_JOB_PROP_DESCRIPTION, error);
}

gboolean
barged_job_set_priority (BargedJob *self, BargeJobPriority priority, GError **error)
{
  if (!may_change (self, error))
    return FALSE;
  self->priority = priority;
  _barged_job_update_bandwidth (self);
  _barged_job_priority_changed (self);
  changed (self, BARGED_JOB_PROP_PRIORITY);
  g_signal_emit (self, _barged_job_signals[BARGED_JOB_SIGNAL_SCHEDULING_CHANGED], 0);
  return TRUE;
}

static gboolean
check_bandwidth_limit (guint64 limit, GError **error)
{
  if (barged_bandwidth_rate_is_valid (limit))
    return TRUE;
  g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
               "a bandwidth limit is 0 (none) or %u to %" G_GUINT64_FORMAT " bytes per second, not %" G_GUINT64_FORMAT,
               BARGED_BANDWIDTH_MIN, BARGED_BANDWIDTH_MAX, limit);
  return FALSE;
}

gboolean
barged_job_set_bandwidth_limit (BargedJob *self, guint64 limit, GError **error)
{
  if (!may_change (self, error) || !check_bandwidth_limit (limit, error))
    return FALSE;
  if (limit == barged_bandwidth_get_rate (self->bandwidth))
    return TRUE;
  barged_bandwidth_set_rate (self->bandwidth, limit);
  changed (self, BARGED_JOB_PROP_BANDWIDTH_LIMIT);
  return TRUE;
}

static gboolean
check_size_hint (guint64 bytes, GError **error)
{
  if (bytes <= BARGED_MAX_SIZE_HINT)
    return TRUE;
  g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
               "a size hint is 0 (none) or at most %" G_GUINT64_FORMAT " bytes, not %" G_GUINT64_FORMAT,
               BARGED_MAX_SIZE_HINT, bytes);
  return FALSE;
}

gboolean
barged_job_set_size_hint (BargedJob *self, guint64 bytes, GError **error)
{
  if (!may_change (self, error) || !check_size_hint (bytes, error))
    return FALSE;
  if (bytes == self->size_hint)
    return TRUE;
  self->size_hint = bytes;
  changed (self, BARGED_JOB_PROP_SIZE_HINT);
  g_signal_emit (self, _barged_job_signals[BARGED_JOB_SIGNAL_SCHEDULING_CHANGED], 0);
  return TRUE;
}

guint64
barged_job_get_expected_remaining (BargedJob *self)
{
  BargedJobProgress progress;
  guint64 expected;

  if (self->size_hint == 0)
    return BARGE_SIZE_UNKNOWN;
  barged_job_get_progress (self, &progress);
  /* A hint below what is known to come was an underestimate. */
  expected = progress.bytes_total != BARGE_SIZE_UNKNOWN ? MAX (self->size_hint, progress.bytes_total)
                                                        : self->size_hint;
  return expected - MIN (expected, progress.bytes_done);
}

BargeRedirectPolicy barged_job_get_redirect_policy (BargedJob *self) { return self->redirect_policy; }
gboolean barged_job_get_allow_https_to_http (BargedJob *self) { return self->allow_https_to_http; }

static gboolean
check_redirect_settings (BargeJobType type, BargeRedirectPolicy policy, gboolean allow_https_to_http,
                         GError **error)
{
  if (barge_redirect_policy_to_string (policy) == NULL)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "unknown redirect policy (allow, allow-report or disallow)");
      return FALSE;
    }
  /* Uploads never follow a redirect: their bytes would go where the job
   * did not say (BITS: the policy is for downloads). */
  if (type != BARGE_JOB_TYPE_DOWNLOAD && (policy != BARGE_REDIRECT_POLICY_ALLOW || allow_https_to_http))
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_NOT_SUPPORTED,
                   "%s jobs never follow redirects: the redirect policy is for download jobs",
                   barge_job_type_to_string (type));
      return FALSE;
    }
  return TRUE;
}

gboolean
barged_job_set_redirect_policy (BargedJob *self, BargeRedirectPolicy policy, GError **error)
{
  if (!may_change (self, error) || !check_redirect_settings (self->type, policy, self->allow_https_to_http, error))
    return FALSE;
  if (policy == self->redirect_policy)
    return TRUE;
  /* The next request of each file sees it. */
  self->redirect_policy = policy;
  changed (self, BARGED_JOB_PROP_REDIRECT_POLICY);
  return TRUE;
}

gboolean
barged_job_set_allow_https_to_http (BargedJob *self, gboolean allow, GError **error)
{
  if (!may_change (self, error) || !check_redirect_settings (self->type, self->redirect_policy, allow, error))
    return FALSE;
  if (!allow == !self->allow_https_to_http)
    return TRUE;
  self->allow_https_to_http = !!allow;
  changed (self, BARGED_JOB_PROP_REDIRECT_POLICY);
  return TRUE;
}

gboolean
barged_job_make_custom_headers_write_only (BargedJob *self, GError **error)
{
  if (!may_change (self, error))
    return FALSE;
  if (self->headers_write_only)
    return TRUE;
  self->headers_write_only = TRUE;
  changed (self, BARGED_JOB_PROP_CUSTOM_HEADERS);
  return TRUE;
}

gboolean
barged_job_set_max_segments (BargedJob *self, guint max_segments, GError **error)
{
  if (!may_change (self, error) || !check_max_segments (max_segments, error))
    return FALSE;
  if (max_segments == self->max_segments)
    return TRUE;
  /* Files already running keep what they have; the next ones use it. */
  self->max_segments = max_segments;
  changed (self, BARGED_JOB_PROP_MAX_SEGMENTS);
  return TRUE;
}

/* The limit background jobs share holds a job of a background priority. */
void
_barged_job_update_bandwidth (BargedJob *self)
{
  barged_bandwidth_set_parent (self->bandwidth, self->priority == BARGE_JOB_PRIORITY_FOREGROUND
                                                    ? NULL : self->ctx.background_bandwidth);
}

gboolean
barged_job_set_cost_policy (BargedJob *self, BargeCostPolicy policy, GError **error)
{
  if (!may_change (self, error))
    return FALSE;
  self->cost_policy = policy;
  changed (self, BARGED_JOB_PROP_COST_POLICY);
  g_signal_emit (self, _barged_job_signals[BARGED_JOB_SIGNAL_SCHEDULING_CHANGED], 0);
  return TRUE;
}

gboolean
barged_job_set_notify_flags (BargedJob *self, BargeNotifyFlags flags, GError **error)
{
  if (!may_change (self, error))
    return FALSE;
  self->notify_flags = flags;
  changed (self, BARGED_JOB_PROP_NOTIFY_FLAGS);
  return TRUE;
}

static void
take_command_line (BargedJob *self, const char *program, const char * const *args)
{
  g_free (self->notify_program);
  self->notify_program = g_strdup (program != NULL ? program : "");
  g_strfreev (self->notify_args);
  self->notify_args = args != NULL ? g_strdupv ((char **) args) : g_new0 (char *, 1);
}

gboolean
barged_job_set_notify_command_line (BargedJob *self, const char *program, const char * const *args, GError **error)
{
  if (!may_change (self, error) || !barged_notify_command_line_check (program, args, error) ||
      !_barged_job_check_settings_change (self,
                                          _barged_job_str_cost (self->notify_program) +
                                            _barged_job_strv_cost ((const char * const *) self->notify_args),
                                          _barged_job_str_cost (program) + _barged_job_strv_cost (args), error))
    return FALSE;
  take_command_line (self, program, args);
  _barged_job_recharge_settings (self);
  changed (self, BARGED_JOB_PROP_NOTIFY_COMMAND_LINE);
  return TRUE;
}

gboolean
barged_job_set_minimum_retry_delay (BargedJob *self, guint seconds, GError **error)
{
  if (!may_change (self, error))
    return FALSE;
  if (seconds < BARGED_MIN_RETRY_DELAY)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "MinimumRetryDelay must be at least %u seconds", BARGED_MIN_RETRY_DELAY);
      return FALSE;
    }
  self->minimum_retry_delay = seconds;
  changed (self, BARGED_JOB_PROP_MINIMUM_RETRY_DELAY);
  return TRUE;
}

gboolean
barged_job_set_no_progress_timeout (BargedJob *self, guint seconds, GError **error)
{
  if (!may_change (self, error))
    return FALSE;
  self->no_progress_timeout = seconds;
  changed (self, BARGED_JOB_PROP_NO_PROGRESS_TIMEOUT);
  return TRUE;
}

gboolean
barged_job_set_minimum_notification_interval (BargedJob *self, guint ms, GError **error)
{
  if (!may_change (self, error))
    return FALSE;
  self->notification_interval = ms;
  changed (self, BARGED_JOB_PROP_MINIMUM_NOTIFICATION_INTERVAL);
  return TRUE;
}

gboolean
barged_job_set_maximum_download_time (BargedJob *self, guint seconds, GError **error)
{
  if (!may_change (self, error))
    return FALSE;
  self->maximum_download_time = seconds;
  if (barged_job_is_running (self))
    {
      /* The new limit applies to the time already spent. */
      _barged_job_max_time_account (self);
      _barged_job_max_time_arm (self);
    }
  changed (self, BARGED_JOB_PROP_MAXIMUM_DOWNLOAD_TIME);
  return TRUE;
}

gboolean
barged_job_set_reply_file_name (BargedJob *self, const char *path, GError **error)
{
  if (!may_change (self, error))
    return FALSE;
  if (self->upload == NULL || self->type != BARGE_JOB_TYPE_UPLOAD_REPLY)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_NOT_SUPPORTED, "only upload-reply jobs have a reply");
      return FALSE;
    }
  if (!barged_upload_set_reply_file_name (self->upload, path, error))
    return FALSE;
  changed (self, BARGED_JOB_PROP_REPLY_FILE_NAME);
  return TRUE;
}

/* --- files, destinations and quota ------------------------------------------ */

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

gboolean
_barged_job_check_quota (BargedJob *self, const char * const *urls, const char * const *paths, guint n_ranges,
                         GError **error)
{
  guint64 bytes = (guint64) n_ranges * BARGED_QUOTA_RANGE_COST, n = 0;

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
  self->quota_files = self->quota_bytes = self->quota_settings = 0;
}

guint64
_barged_job_str_cost (const char *s)
{
  return s != NULL ? BARGED_QUOTA_STRING_FACTOR * (guint64) strlen (s) : 0;
}

guint64
_barged_job_strv_cost (const char * const *strv)
{
  guint64 cost = 0;

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    cost += _barged_job_str_cost (strv[i]);
  return cost;
}

guint64
_barged_job_tls_cost (BargedTls *tls, const char *ca_file, const char *crl_file, const char *client_certificate)
{
  return (tls != NULL ? BARGED_QUOTA_TLS_FACTOR * barged_tls_get_source_size (tls) : 0) +
         _barged_job_str_cost (ca_file) + _barged_job_str_cost (crl_file) +
         _barged_job_str_cost (client_certificate);
}

static guint64
settings_cost (BargedJob *self)
{
  return _barged_job_str_cost (self->display_name) + _barged_job_str_cost (self->description) +
         _barged_job_str_cost (self->notify_program) +
         _barged_job_strv_cost ((const char * const *) self->notify_args) +
         _barged_job_strv_cost ((const char * const *) self->proxy_list) +
         _barged_job_strv_cost ((const char * const *) self->proxy_bypass) +
         _barged_job_tls_cost (self->tls, self->tls_ca_file, self->tls_crl_file, self->tls_client_certificate) +
         BARGED_QUOTA_STRING_FACTOR * barged_credentials_get_size (self->ctx.credentials, self->id);
}

gboolean
_barged_job_check_settings_change (BargedJob *self, guint64 was_cost, guint64 now_cost, GError **error)
{
  /* A change that holds no more is never refused, even to an owner over
   * the limit (lowered in barge.conf, or a job taken over). */
  return now_cost <= was_cost || barged_quota_check (self->ctx.quota, self->owner, 0, now_cost - was_cost, error);
}

void
_barged_job_recharge_settings (BargedJob *self)
{
  guint64 cost;

  /* A removed job holds nothing any more. */
  if (self->removed)
    return;
  cost = settings_cost (self);
  charge (self, 0, (gint64) cost - (gint64) self->quota_settings);
  self->quota_settings = cost;
}

static void
on_file_progress (BargedFile *file, GParamSpec *pspec, BargedJob *self)
{
  _barged_job_recount_file (self, file);
  _barged_job_notify (self, BARGED_JOB_PROP_PROGRESS);
}

void
_barged_job_add_file (BargedJob *self, BargedFile *file)
{
  BargedJobShare empty = { 0, 0, FALSE };

  g_assert (barged_file_get_index (file) == self->files->len);
  g_ptr_array_add (self->files, file);
  g_array_append_val (self->shares, empty);
  _barged_job_recount_file (self, file);
  g_signal_connect_object (file, "notify::progress", G_CALLBACK (on_file_progress), self, 0);
  if (self->upload == NULL)
    {
      g_autofree char *by_path = NULL;
      g_autofree char *by_folder = NULL;

      _barged_job_destination_keys (barged_file_get_destination (file), barged_file_get_folder_id (file),
                                    &by_path, &by_folder);
      g_hash_table_add (self->destinations, g_steal_pointer (&by_path));
      if (by_folder != NULL)
        g_hash_table_add (self->destinations, g_steal_pointer (&by_folder));
    }
  charge (self, 1, (gint64) barged_quota_file_cost (barged_file_get_url (file), barged_file_get_destination (file),
                                                    barged_file_get_temporary (file)) +
                     (barged_file_get_wanted (file) != NULL
                        ? (gint64) barged_file_get_wanted (file)->len * BARGED_QUOTA_RANGE_COST : 0));
  g_signal_emit (self, _barged_job_signals[BARGED_JOB_SIGNAL_FILE_ADDED], 0, file);
  _barged_job_notify (self, BARGED_JOB_PROP_FILES);
  _barged_job_notify (self, BARGED_JOB_PROP_PROGRESS);
}

/* --- leaving ---------------------------------------------------------------- */

void
_barged_job_remove (BargedJob *self, BargeJobState final_state)
{
  g_autoptr(BargedJob) keep = g_object_ref (self);

  _barged_job_stop_transfer (self);
  _barged_job_set_state (self, final_state);
  self->removed = TRUE;
  self->busy = FALSE;
  _barged_job_clear_timers (self);
  barged_credentials_forget (self->ctx.credentials, self->id, TRUE);
  release_quota (self);
  _barged_job_runs_ended (self);
  g_signal_emit (self, _barged_job_signals[BARGED_JOB_SIGNAL_REMOVED], 0, barge_job_state_to_string (final_state));
}

/* --- persistence ------------------------------------------------------------- */

void
_barged_job_save_from (BargedJob *self, guint first_file, GAsyncReadyCallback callback, gpointer user_data)
{
  GPtrArray *files = NULL;
  GHashTable *data = NULL;

  /* Removed: its delete is in the store's queue, and a record written
   * after it (a late checkpoint of a run: an upload-reply's last sync, a
   * segment's) brought it back at the next start, as a job every call
   * refuses. A save someone waits on still gets its answer. */
  if (self->removed && callback == NULL)
    return;
  files = g_ptr_array_new_with_free_func ((GDestroyNotify) barged_file_record_free);
  data = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (guint i = first_file; i < self->files->len; i++)
    g_ptr_array_add (files, barged_file_to_record (g_ptr_array_index (self->files, i), self->id));
  /* The upload state in the job's own transaction: never one without the
   * other. */
  if (self->upload != NULL)
    g_hash_table_insert (data, (char *) "upload", barged_upload_to_data (self->upload));
  g_hash_table_insert (data, (char *) BARGED_STORE_SETTINGS_KEY, _barged_job_settings_to_data (self));
  barged_store_put_job_with_data (self->ctx.store, _barged_job_to_record (self), files, data, callback, user_data);
}

static void
on_background_saved (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargedJob) self = user_data;

  /* (A failed write is logged by the store.) */
  barged_job_save_finish (self, res, NULL);
  self->saving = FALSE;
  if (self->save_again && !self->removed)
    barged_job_save (self, NULL, NULL);
}

/* A save nobody waits on (a property set, a state change) is coalesced:
 * while one is in the store's queue, a change only marks the job, and one
 * save with the latest values follows once it is written. Each D-Bus Set
 * answers at once, and each save copies every file's record: a client
 * setting DisplayName in a loop queued a whole job per call, without
 * bound (10 MB a call for 1000 long URLs). */
void
barged_job_save (BargedJob *self, GAsyncReadyCallback callback, gpointer user_data)
{
  /* See _barged_job_save_from(). */
  if (self->removed && callback == NULL)
    return;
  if (callback != NULL)
    {
      /* This one carries the latest values too. */
      self->save_again = FALSE;
      _barged_job_save_from (self, 0, callback, user_data);
      return;
    }
  if (self->saving)
    {
      self->save_again = TRUE;
      return;
    }
  self->saving = TRUE;
  self->save_again = FALSE;
  _barged_job_save_from (self, 0, on_background_saved, g_object_ref (self));
}

void
barged_job_save_pending (BargedJob *self)
{
  if (!self->save_again || self->removed)
    return;
  self->save_again = FALSE;
  _barged_job_save_from (self, 0, NULL, NULL);
}

gboolean
barged_job_save_finish (BargedJob *self, GAsyncResult *res, GError **error)
{
  return barged_store_write_finish (self->ctx.store, res, error);
}

static void
on_saved_return (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!barged_job_save_finish (g_task_get_source_object (task), res, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
_barged_job_save_and_return (BargedJob *self, GTask *task)
{
  barged_job_save (self, on_saved_return, task);
}

/* --- construction ------------------------------------------------------------ */

void
barged_job_context_copy (BargedJobContext *dest, const BargedJobContext *src)
{
  dest->store = g_object_ref (src->store);
  dest->session = g_object_ref (src->session);
  dest->background_session = g_object_ref (src->background_session != NULL ? src->background_session : src->session);
  dest->credentials = src->credentials != NULL ? g_object_ref (src->credentials)
                                               : barged_credentials_new (NULL, FALSE, NULL);
  dest->config = src->config != NULL ? g_object_ref (src->config) : barged_config_new (NULL);
  dest->quota = src->quota != NULL ? g_object_ref (src->quota) : barged_quota_new (dest->config);
  dest->connections = src->connections != NULL ? g_object_ref (src->connections)
                                               : barged_connections_new (dest->config);
  dest->syncer = src->syncer != NULL ? g_object_ref (src->syncer) : barged_syncer_new ();
  dest->background_bandwidth = src->background_bandwidth != NULL ? g_object_ref (src->background_bandwidth)
                                                                 : barged_bandwidth_new (0);
  dest->clock = src->clock != NULL ? g_object_ref (src->clock) : barged_clock_new ();
  dest->revocation = src->revocation != NULL ? g_object_ref (src->revocation) : barged_revocation_new ();
  dest->notifier = src->notifier != NULL ? g_object_ref (src->notifier) : barged_notifier_new (dest->config);
  /* NULL (unit tests): made when a job first needs a session of its own. */
  dest->sessions = src->sessions != NULL ? g_object_ref (src->sessions) : NULL;
}

void
barged_job_context_clear (BargedJobContext *ctx)
{
  g_clear_object (&ctx->store);
  g_clear_object (&ctx->session);
  g_clear_object (&ctx->background_session);
  g_clear_object (&ctx->credentials);
  g_clear_object (&ctx->quota);
  g_clear_object (&ctx->connections);
  g_clear_object (&ctx->syncer);
  g_clear_object (&ctx->background_bandwidth);
  g_clear_object (&ctx->clock);
  g_clear_object (&ctx->revocation);
  g_clear_object (&ctx->notifier);
  g_clear_object (&ctx->sessions);
  g_clear_object (&ctx->config);
}

static BargedJob *
job_alloc (const BargedJobContext *ctx, const char *id, guint32 owner, BargeJobType type)
{
  BargedJob *self = g_object_new (BARGED_TYPE_JOB, NULL);

  barged_job_context_copy (&self->ctx, ctx);
  self->id = g_strdup (id);
  self->owner = owner;
  self->type = type;
  charge (self, 0, BARGED_QUOTA_JOB_COST);
  return self;
}

BargedJob *
barged_job_new (const BargedJobContext *ctx, guint32 owner, guint32 umask, const BargedJobSpec *spec, GError **error)
{
  g_autofree char *id = NULL;
  BargedJob *self;

  if (!check_text ("the display name", spec->display_name, BARGED_MAX_DISPLAY_NAME, error) ||
      !check_text ("the description", spec->description, BARGED_MAX_DESCRIPTION, error) ||
      !check_bandwidth_limit (spec->bandwidth_limit, error) || !check_size_hint (spec->size_hint, error) ||
      !check_max_segments (spec->max_segments, error) ||
      !check_redirect_settings (spec->type, spec->redirect_policy, spec->allow_https_to_http, error) ||
      !_barged_job_check_proxy_settings (spec->proxy_usage, spec->proxy_list, spec->proxy_bypass, error) ||
      (spec->custom_headers != NULL && !barged_custom_headers_check (spec->custom_headers, error)))
    return NULL;
  /* A background job is the one the machine may sleep on. */
  if (spec->keep_awake && spec->priority != BARGE_JOB_PRIORITY_FOREGROUND)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "keep-awake is for foreground jobs, not %s ones", barge_job_priority_to_string (spec->priority));
      return NULL;
    }
  /* Never guessed from the server: an upload names its protocol. */
  if (spec->type != BARGE_JOB_TYPE_DOWNLOAD && spec->upload_protocol == BARGE_UPLOAD_PROTOCOL_NONE)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "%s jobs need the option upload-protocol (bits, tus or put)",
                   barge_job_type_to_string (spec->type));
      return NULL;
    }
  if (spec->type == BARGE_JOB_TYPE_DOWNLOAD && spec->upload_protocol != BARGE_UPLOAD_PROTOCOL_NONE)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "a download job takes no upload-protocol");
      return NULL;
    }
  /* Only the BITS protocol brings a reply back (uploads.md): tus and a
   * plain PUT would make a job whose reply never comes. */
  if (spec->type == BARGE_JOB_TYPE_UPLOAD_REPLY && spec->upload_protocol != BARGE_UPLOAD_PROTOCOL_BITS)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "upload-reply jobs need the protocol bits: a %s upload has no reply",
                   barge_upload_protocol_to_string (spec->upload_protocol));
      return NULL;
    }

  id = barged_random_uuid ();
  self = job_alloc (ctx, id, owner, spec->type);
  self->created = self->modified = g_get_real_time ();
  g_free (self->display_name);
  self->display_name = g_strdup (spec->display_name);
  g_free (self->description);
  self->description = g_strdup (spec->description);
  self->priority = spec->priority;
  self->cost_policy = spec->cost_policy;
  barged_bandwidth_set_rate (self->bandwidth, spec->bandwidth_limit);
  _barged_job_update_bandwidth (self);
  self->keep_awake = spec->keep_awake;
  self->size_hint = spec->size_hint;
  self->max_segments = spec->max_segments;
  self->redirect_policy = spec->redirect_policy;
  self->allow_https_to_http = spec->allow_https_to_http;
  _barged_job_apply_proxy_settings (self, spec->proxy_usage, spec->proxy_list, spec->proxy_bypass);
  self->state = BARGE_JOB_STATE_SUSPENDED;
  if (!_barged_job_times_init (self, spec->not_before, spec->transfer_window, error))
    {
      /* Checked before anything is charged or stored for the job: the
       * quota charge goes back with it. */
      g_object_unref (self);
      return NULL;
    }
  /* The settings, custom headers too, within the owner's quota before
   * anything of the job is kept elsewhere (freed, it gives back what it
   * was charged). */
  _barged_job_recharge_settings (self);
  if (!barged_quota_check (self->ctx.quota, owner, 0,
                           spec->custom_headers != NULL
                             ? BARGED_QUOTA_STRING_FACTOR * g_variant_get_size (spec->custom_headers)
                             : 0,
                           error))
    {
      g_object_unref (self);
      return NULL;
    }
  barged_credentials_set_owner (self->ctx.credentials, self->id, owner, umask);
  /* Checked above: this cannot fail. */
  if (spec->custom_headers != NULL)
    barged_credentials_set_headers (self->ctx.credentials, self->id, spec->custom_headers, NULL);
  _barged_job_recharge_settings (self);
  if (spec->type != BARGE_JOB_TYPE_DOWNLOAD)
    _barged_job_attach_upload (self, barged_upload_new (self->ctx.session, self->id, owner, spec->upload_protocol,
                                                        spec->type == BARGE_JOB_TYPE_UPLOAD_REPLY));
  return self;
}

BargedJob *
barged_job_new_from_record (const BargedJobContext *ctx, const BargedJobRecord *r, GPtrArray *files)
{
  BargeJobType type = BARGE_JOB_TYPE_DOWNLOAD;
  BargedJob *self;

  barge_job_type_from_string (r->type, &type);
  self = job_alloc (ctx, r->id, r->owner, type);
  if (type != BARGE_JOB_TYPE_DOWNLOAD)
    {
      g_autofree char *data = barged_store_load_data (ctx->store, r->id, "upload");
      BargedUpload *upload = barged_upload_new_from_data (ctx->session, r->id, r->owner,
                                                          type == BARGE_JOB_TYPE_UPLOAD_REPLY, data);
      if (upload != NULL)
        _barged_job_attach_upload (self, upload);
      else
        barged_job_log (self, G_LOG_LEVEL_WARNING, "its upload state is missing or damaged");
    }
  for (guint i = 0; i < files->len; i++)
    _barged_job_add_file (self, barged_file_new_from_record (g_ptr_array_index (files, i)));
  if (self->upload != NULL && self->files->len > 0)
    barged_upload_restore_file (self->upload, g_ptr_array_index (self->files, 0));
  _barged_job_apply_record (self, r);
  if (_barged_job_tls_drop_stored_pin (self))
    {
      _barged_job_save_from (self, self->files->len, NULL, NULL);
      /* The old record's bytes, PIN and all, would stay in the
       * database's free pages and its WAL. */
      barged_store_scrub (ctx->store, NULL, NULL);
    }
  /* Stored, the job was within the quota: counted, not checked. */
  _barged_job_recharge_settings (self);
  return self;
}

static void
barged_job_dispose (GObject *object)
{
  BargedJob *self = BARGED_JOB (object);

  _barged_job_stop_transfer (self);
  _barged_job_clear_timers (self);
  if (self->ctx.quota != NULL)
    release_quota (self);
  G_OBJECT_CLASS (barged_job_parent_class)->dispose (object);
}

static void
barged_job_finalize (GObject *object)
{
  BargedJob *self = BARGED_JOB (object);

  g_assert (self->runs->len == 0);
  g_ptr_array_unref (self->runs);
  g_clear_pointer (&self->checkpoints, g_ptr_array_unref);
  g_queue_clear (&self->again);
  if (self->upload != NULL)
    g_signal_handlers_disconnect_by_data (self->upload, self);
  g_clear_object (&self->upload);
  g_clear_object (&self->cancellable);
  barged_auth_answers_drop (&self->answers);
  g_clear_object (&self->probe_cancellable);
  g_clear_object (&self->tls_cancellable);
  g_clear_pointer (&self->tls, barged_tls_unref);
  g_free (self->tls_ca_file);
  g_free (self->tls_client_certificate);
  g_free (self->tls_crl_file);
  g_strfreev (self->proxy_list);
  g_strfreev (self->proxy_bypass);
  g_clear_object (&self->own_session);
  g_clear_pointer (&self->own_session_tls, barged_tls_unref);
  g_ptr_array_unref (self->files);
  g_array_unref (self->shares);
  g_hash_table_unref (self->destinations);
  g_clear_error (&self->error);
  g_clear_error (&self->push_back_error);
  g_free (self->id);
  g_free (self->display_name);
  g_free (self->description);
  g_free (self->notify_program);
  g_strfreev (self->notify_args);
  g_free (self->window_text);
  barged_job_context_clear (&self->ctx);
  g_clear_object (&self->bandwidth);
  G_OBJECT_CLASS (barged_job_parent_class)->finalize (object);
}

static void
barged_job_init (BargedJob *self)
{
  self->files = g_ptr_array_new_with_free_func (g_object_unref);
  self->runs = g_ptr_array_new ();
  self->window = 1;
  self->shares = g_array_new (FALSE, TRUE, sizeof (BargedJobShare));
  self->destinations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->error_file = -1;
  self->priority = BARGE_JOB_PRIORITY_NORMAL;
  self->cost_policy = BARGE_COST_POLICY_ANY;
  self->bandwidth = barged_bandwidth_new (0);
  self->notify_flags = BARGE_NOTIFY_FLAGS_TRANSFERRED | BARGE_NOTIFY_FLAGS_ERROR;
  self->notify_program = g_strdup ("");
  self->notify_args = g_new0 (char *, 1);
  self->minimum_retry_delay = BARGED_DEFAULT_RETRY_DELAY;
  self->no_progress_timeout = BARGED_DEFAULT_NO_PROGRESS_TIMEOUT;
  self->notification_interval = BARGED_DEFAULT_NOTIFICATION_INTERVAL;
  self->maximum_download_time = BARGED_DEFAULT_MAXIMUM_DOWNLOAD_TIME;
  self->display_name = g_strdup ("");
  self->description = g_strdup ("");
  self->window_text = g_strdup ("");
}

static void
barged_job_get_gproperty (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  /* The properties are markers of change: a notification names what
   * changed, and the typed getters give the values (several D-Bus
   * properties stand behind some of them). */
  g_value_set_int (value, prop_id == BARGED_JOB_PROP_STATE ? (int) BARGED_JOB (object)->state : 0);
}

/* The names the bus face maps to D-Bus properties (bus/barged-bus-job.c). */
static const char *const property_names[BARGED_JOB_N_PROPS] = {
  [BARGED_JOB_PROP_STATE] = "state",
  [BARGED_JOB_PROP_OWNER] = "owner",
  [BARGED_JOB_PROP_DISPLAY_NAME] = "display-name",
  [BARGED_JOB_PROP_DESCRIPTION] = "description",
  [BARGED_JOB_PROP_PRIORITY] = "priority",
  [BARGED_JOB_PROP_COST_POLICY] = "cost-policy",
  [BARGED_JOB_PROP_BANDWIDTH_LIMIT] = "bandwidth-limit",
  [BARGED_JOB_PROP_NOT_BEFORE] = "not-before",
  [BARGED_JOB_PROP_TRANSFER_WINDOW] = "transfer-window",
  [BARGED_JOB_PROP_SIZE_HINT] = "size-hint",
  [BARGED_JOB_PROP_NOTIFY_FLAGS] = "notify-flags",
  [BARGED_JOB_PROP_NOTIFY_COMMAND_LINE] = "notify-command-line",
  [BARGED_JOB_PROP_MINIMUM_RETRY_DELAY] = "minimum-retry-delay",
  [BARGED_JOB_PROP_NO_PROGRESS_TIMEOUT] = "no-progress-timeout",
  [BARGED_JOB_PROP_MINIMUM_NOTIFICATION_INTERVAL] = "minimum-notification-interval",
  [BARGED_JOB_PROP_MAXIMUM_DOWNLOAD_TIME] = "maximum-download-time",
  [BARGED_JOB_PROP_TIMES] = "times",
  [BARGED_JOB_PROP_ERROR] = "error",
  [BARGED_JOB_PROP_HOLD_REASON] = "hold-reason",
  [BARGED_JOB_PROP_PROGRESS] = "progress",
  [BARGED_JOB_PROP_REPLY_PROGRESS] = "reply-progress",
  [BARGED_JOB_PROP_REPLY_FILE_NAME] = "reply-file-name",
  [BARGED_JOB_PROP_CREDENTIALS] = "credentials",
  [BARGED_JOB_PROP_FILES] = "files",
  [BARGED_JOB_PROP_MAX_SEGMENTS] = "max-segments",
  [BARGED_JOB_PROP_CUSTOM_HEADERS] = "custom-headers",
  [BARGED_JOB_PROP_REDIRECT_POLICY] = "redirect-policy",
  [BARGED_JOB_PROP_TLS] = "tls",
  [BARGED_JOB_PROP_PROXY] = "proxy",
};

static void
barged_job_class_init (BargedJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = barged_job_dispose;
  object_class->finalize = barged_job_finalize;
  object_class->get_property = barged_job_get_gproperty;

  /* Read-only markers of change: G_PARAM_EXPLICIT_NOTIFY, emitted by
   * _barged_job_notify only when the value changed. */
  for (guint i = 1; i < BARGED_JOB_N_PROPS; i++)
    _barged_job_properties[i] = g_param_spec_int (property_names[i], NULL, NULL, G_MININT, G_MAXINT, 0,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                                  G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, BARGED_JOB_N_PROPS, _barged_job_properties);

  _barged_job_signals[BARGED_JOB_SIGNAL_REMOVED] =
    g_signal_new ("removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  _barged_job_signals[BARGED_JOB_SIGNAL_SCHEDULING_CHANGED] =
    g_signal_new ("scheduling-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  _barged_job_signals[BARGED_JOB_SIGNAL_TRANSFERRED] =
    g_signal_new ("transferred", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  _barged_job_signals[BARGED_JOB_SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  _barged_job_signals[BARGED_JOB_SIGNAL_FILE_ADDED] =
    g_signal_new ("file-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, BARGED_TYPE_FILE);
  _barged_job_signals[BARGED_JOB_SIGNAL_FILE_TRANSFERRED] =
    g_signal_new ("file-transferred", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, BARGED_TYPE_FILE);
}
