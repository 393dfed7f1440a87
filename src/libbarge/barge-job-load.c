/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include "barge-job-private.h"

/* The D-Bus values of a job (the kept BargeProps) parsed into the fields of
 * BargeJob, one property each, so that the getters are cheap. Values a
 * newer daemon may send that this library does not know fall back to the
 * defaults. The functions that say so return TRUE when the value changed. */

void
_barge_job_load_type (BargeJob *self)
{
  if (!barge_job_type_from_string (_barge_props_get_string (self->props, "Type"), &self->job_type))
    self->job_type = BARGE_JOB_TYPE_DOWNLOAD;
}

void
_barge_job_load_state (BargeJob *self)
{
  const char *str;

  /* Nothing the daemon may still have queued can bring a job back. */
  if (self->removed)
    return;

  str = _barge_props_get_string (self->props, "State");
  if (!barge_job_state_from_string (str, &self->state))
    {
      if (*str != '\0')
        g_debug ("Job %s has an unknown state “%s”", self->path, str);
      self->state = BARGE_JOB_STATE_SUSPENDED;
    }
}

void
_barge_job_load_priority (BargeJob *self)
{
  if (!barge_job_priority_from_string (_barge_props_get_string (self->props, "Priority"), &self->priority))
    self->priority = BARGE_JOB_PRIORITY_NORMAL;
}

/* Returns TRUE if the value changed. */
gboolean
_barge_job_load_progress (BargeJob *self)
{
  GVariant *value = _barge_props_get (self->props, "Progress");
  guint64 bytes_total = BARGE_SIZE_UNKNOWN;
  guint64 bytes_transferred = 0;
  guint64 files_total = 0;
  guint64 files_transferred = 0;

  if (value != NULL)
    g_variant_get (value, "(tttt)", &bytes_total, &bytes_transferred, &files_total, &files_transferred);

  if (self->progress != NULL &&
      barge_progress_get_bytes_total (self->progress) == bytes_total &&
      barge_progress_get_bytes_transferred (self->progress) == bytes_transferred &&
      barge_progress_get_files_total (self->progress) == files_total &&
      barge_progress_get_files_transferred (self->progress) == files_transferred)
    return FALSE;

  /* BargeProgress is immutable: holders of the old value keep a consistent one. */
  g_clear_pointer (&self->progress, barge_progress_unref);
  self->progress = barge_progress_new (bytes_total, bytes_transferred, files_total, files_transferred);
  return TRUE;
}

void
_barge_job_load_times (BargeJob *self)
{
  GVariant *value = _barge_props_get (self->props, "Times");
  guint64 creation = 0, modification = 0, completion = 0;

  if (value != NULL)
    g_variant_get (value, "(ttt)", &creation, &modification, &completion);

  self->creation_time = (gint64) creation;
  self->modification_time = (gint64) modification;
  self->completion_time = (gint64) completion;
}

void
_barge_job_load_error (BargeJob *self)
{
  GVariant *value = _barge_props_get (self->props, "Error");
  const char *context = "";
  const char *name = "";
  const char *message = "";
  const char *file = "";

  if (value != NULL)
    g_variant_get (value, "(&s&s&s&s)", &context, &name, &message, &file);

  if (*context == '\0')
    self->error_context = BARGE_ERROR_CONTEXT_NONE;
  else if (!barge_error_context_from_string (context, &self->error_context))
    self->error_context = BARGE_ERROR_CONTEXT_UNKNOWN;

  g_free (self->error_name);
  self->error_name = g_strdup (name);
  g_free (self->error_message);
  self->error_message = g_strdup (message);
  g_free (self->error_file_path);
  self->error_file_path = g_strdup (file);
}

/* Returns TRUE if the value changed. */
gboolean
_barge_job_load_reply_progress (BargeJob *self)
{
  GVariant *value = _barge_props_get (self->props, "ReplyProgress");
  guint64 bytes_total = BARGE_SIZE_UNKNOWN;
  guint64 bytes_transferred = 0;

  if (value != NULL)
    g_variant_get (value, "(tt)", &bytes_total, &bytes_transferred);

  if (self->reply_progress != NULL &&
      barge_reply_progress_get_bytes_total (self->reply_progress) == bytes_total &&
      barge_reply_progress_get_bytes_transferred (self->reply_progress) == bytes_transferred)
    return FALSE;

  g_clear_pointer (&self->reply_progress, barge_reply_progress_unref);
  self->reply_progress = barge_reply_progress_new (bytes_total, bytes_transferred);
  return TRUE;
}

/* Returns TRUE if the value changed. Strings a newer daemon may add are
 * left out rather than failing the whole set. */
gboolean
_barge_job_load_notify_flags (BargeJob *self)
{
  GVariant *value = _barge_props_get (self->props, "NotifyFlags");
  g_autofree const char **strv = NULL;
  BargeNotifyFlags old = self->notify_flags;
  BargeNotifyFlags flags = 0;

  if (value != NULL)
    strv = g_variant_get_strv (value, NULL);

  if (strv == NULL)
    flags = BARGE_NOTIFY_FLAGS_TRANSFERRED | BARGE_NOTIFY_FLAGS_ERROR;
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    {
      const char *one[] = { strv[i], NULL };
      BargeNotifyFlags flag;

      if (barge_notify_flags_from_strv (one, &flag))
        flags |= flag;
      else
        g_debug ("Job %s has an unknown notify flag “%s”", self->path, strv[i]);
    }
  self->notify_flags = flags;
  return old != flags;
}

/* Returns TRUE if the value changed. */
gboolean
_barge_job_load_notify_command_line (BargeJob *self)
{
  GVariant *value = _barge_props_get (self->props, "NotifyCommandLine");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) old = g_steal_pointer (&self->notify_command_line);

  if (value != NULL)
    {
      const char *program;
      g_autofree const char **arguments = NULL;

      g_variant_get (value, "(&s^a&s)", &program, &arguments);
      if (*program != '\0')
        {
          g_strv_builder_add (builder, program);
          g_strv_builder_addv (builder, arguments);
        }
    }
  self->notify_command_line = g_strv_builder_end (builder);
  return old == NULL || !g_strv_equal ((const char * const *) old,
                                       (const char * const *) self->notify_command_line);
}

void
_barge_job_load_cost_policy (BargeJob *self)
{
  if (!barge_cost_policy_from_string (_barge_props_get_string (self->props, "CostPolicy"),
                                      &self->cost_policy))
    self->cost_policy = BARGE_COST_POLICY_ANY;
}

void
_barge_job_load_hold_reason (BargeJob *self)
{
  if (!barge_hold_reason_from_string (_barge_props_get_string (self->props, "HoldReason"),
                                      &self->hold_reason))
    self->hold_reason = BARGE_HOLD_REASON_NONE;
}

void
_barge_job_load_upload_protocol (BargeJob *self)
{
  if (!barge_upload_protocol_from_string (_barge_props_get_string (self->props, "UploadProtocol"),
                                          &self->upload_protocol))
    self->upload_protocol = BARGE_UPLOAD_PROTOCOL_NONE;
}
