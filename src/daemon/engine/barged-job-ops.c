/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedJob"

#include "config.h"

#include <unistd.h>

#include "barged-errors.h"
#include "barged-file-access.h"
#include "barged-job-private.h"
#include "barged-log.h"
#include "barged-state.h"

/* The operations clients ask of a job: Resume, Suspend, AddFiles,
 * Complete, Cancel, TakeOwnership, credentials and the reply. Each applies
 * the state machine first and fails with a typed error, changing nothing,
 * when the call is not allowed. */

gboolean
barged_job_resume (BargedJob *self, GError **error)
{
  BargeJobState next;

  if (!_barged_job_check_call (self, BARGED_CALL_RESUME, &next, error))
    return FALSE;
  if (next != self->state)
    {
      self->first_transient_error = 0;
      /* BITS: Resume also restarts the MaximumDownloadTime clock. */
      self->download_time_used = 0;
      _barged_job_set_state (self, next);
    }
  return TRUE;
}

gboolean
barged_job_suspend (BargedJob *self, GError **error)
{
  BargeJobState next;

  if (!_barged_job_check_call (self, BARGED_CALL_SUSPEND, &next, error))
    return FALSE;
  _barged_job_stop_transfer (self);
  if (self->state != next)
    _barged_job_set_state (self, next);
  return TRUE;
}

/* --- AddFiles ---------------------------------------------------------------- */

typedef struct {
  GStrv urls;
  GStrv paths;                /* in normal form (barged_file_validate) */
  GArray *folders;            /* BargedFileId per path, as the owner sees it; NULL until checked */
  GArray *checks;             /* BargedFileChecks per file, or NULL */
  guint64 source_size;        /* an upload's, as AddFile saw it */
} AddFiles;

static void
add_files_free (AddFiles *data)
{
  g_strfreev (data->urls);
  g_strfreev (data->paths);
  g_clear_pointer (&data->folders, g_array_unref);
  if (data->checks != NULL)
    {
      for (guint i = 0; i < data->checks->len; i++)
        barged_file_checks_clear (&g_array_index (data->checks, BargedFileChecks, i));
      g_array_unref (data->checks);
    }
  g_free (data);
}

static void add_checked_files (GTask *task);

static void
on_source_checked (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  AddFiles *data = g_task_get_task_data (task);
  GError *error = NULL;
  BargedSourceIdentity identity;
  int fd = barged_file_access_open_source_finish (res, &identity, &error);

  if (fd < 0)
    {
      g_task_return_error (task, error);
      return;
    }
  barged_file_access_close (barged_job_get_owner_uid (g_task_get_source_object (task)), fd);
  /* A BITS Fragment carries one byte at least (Content-Range: bytes
   * first-last/total): an empty file has no request to send it in. */
  if (identity.size == 0 &&
      barged_upload_get_protocol (BARGED_JOB (g_task_get_source_object (task))->upload) == BARGE_UPLOAD_PROTOCOL_BITS)
    {
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                               "the BITS upload protocol cannot send an empty file (a fragment holds one byte "
                               "at least); upload it with \"tus\" or \"put\"");
      return;
    }
  data->source_size = identity.size;
  /* An upload has one file and writes nothing beside it: no folder. */
  data->folders = g_array_new (FALSE, TRUE, sizeof (BargedFileId));
  g_array_set_size (data->folders, 1);
  add_checked_files (g_steal_pointer (&task));
}

static void
on_targets_checked (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  AddFiles *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->folders = barged_file_access_check_targets_finish (res, &error);
  if (data->folders == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  add_checked_files (g_steal_pointer (&task));
}

/* Refuses a destination the job (or this call) already has, however it is
 * spelled: the normal form catches "/d/./a" against "/d/a", the folder's
 * identity catches ".." and symbolic links. Two files of one job sharing a
 * destination would race for the same final name. */
static gboolean
check_new_destinations (BargedJob *self, AddFiles *data, GError **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; data->paths[i] != NULL; i++)
    {
      g_autofree char *by_path = NULL;
      g_autofree char *by_folder = NULL;

      _barged_job_destination_keys (data->paths[i], &g_array_index (data->folders, BargedFileId, i),
                                    &by_path, &by_folder);
      if (_barged_job_has_destination (self, by_path) || _barged_job_has_destination (self, by_folder) ||
          g_hash_table_contains (seen, by_path) || (by_folder != NULL && g_hash_table_contains (seen, by_folder)))
        {
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                       "the job already has a file for %s", data->paths[i]);
          return FALSE;
        }
      g_hash_table_add (seen, g_steal_pointer (&by_path));
      if (by_folder != NULL)
        g_hash_table_add (seen, g_steal_pointer (&by_folder));
    }
  return TRUE;
}

static guint
max_files (BargedJob *self)
{
  return self->upload != NULL ? 1 : _barged_job_settings (self)->max_files_per_job;
}

void
_barged_job_return_store_write (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!barged_store_write_finish (BARGED_STORE (source), res, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Once every destination is checked (as the owner, off the main loop):
 * adds all files or none, and finishes once they are stored. */
static void
add_checked_files (GTask *task_in)
{
  g_autoptr(GTask) task = task_in;
  BargedJob *self = g_task_get_source_object (task);
  AddFiles *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  guint n = g_strv_length (data->urls);
  guint first;

  /* The job may have changed while the owner's files were looked at. */
  if (!_barged_job_check_call (self, BARGED_CALL_ADD_FILES, NULL, &error))
    ;
  else if (self->files->len + n > max_files (self))
    g_set_error (&error, BARGE_ERROR, BARGE_ERROR_TOO_MANY_FILES, "a job holds at most %u files", max_files (self));
  else if (self->upload == NULL && !check_new_destinations (self, data, &error))
    ;
  else
    {
      guint n_ranges = 0;

      for (guint i = 0; data->checks != NULL && i < data->checks->len; i++)
        if (g_array_index (data->checks, BargedFileChecks, i).ranges != NULL)
          n_ranges += g_array_index (data->checks, BargedFileChecks, i).ranges->len;
      _barged_job_check_quota (self, (const char * const *) data->urls, (const char * const *) data->paths, n_ranges,
                               &error);
    }
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  first = self->files->len;
  for (guint i = 0; i < n; i++)
    {
      /* An upload writes nothing next to its source. */
      g_autofree char *tmp = self->upload != NULL ? g_strdup ("")
                                                  : barged_file_access_temporary_path_for (data->paths[i]);
      BargedFile *file = barged_file_new (self->files->len, data->urls[i], data->paths[i], tmp);

      barged_file_set_folder_id (file, &g_array_index (data->folders, BargedFileId, i));
      if (data->checks != NULL)
        barged_file_set_checks (file, &g_array_index (data->checks, BargedFileChecks, i));
      /* BITS knows an upload's total from the start. */
      if (self->upload != NULL)
        barged_file_set_total (file, data->source_size);
      _barged_job_add_file (self, file);
    }
  barged_job_log (self, G_LOG_LEVEL_INFO, "%u files added", n);
  _barged_job_touch (self);
  _barged_job_save_from (self, first, _barged_job_return_store_write, g_steal_pointer (&task));
  _barged_job_files_added (self);
}

void
barged_job_add_files_async (BargedJob *self, const char * const *urls, const char * const *paths,
                            const BargedFileChecks *checks, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autoptr(GStrvBuilder) normal = g_strv_builder_new ();
  g_autoptr(GError) error = NULL;
  guint n = g_strv_length ((char **) urls);
  AddFiles *data;

  g_task_set_source_tag (task, barged_job_add_files_async);
  if (!_barged_job_check_call (self, BARGED_CALL_ADD_FILES, NULL, &error))
    ;
  else if (n == 0)
    g_set_error (&error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "no files given");
  else if (self->upload != NULL && self->files->len + n > 1)
    g_set_error (&error, BARGE_ERROR, BARGE_ERROR_TOO_MANY_FILES, "an upload job holds exactly one file");
  else if (self->files->len + n > max_files (self))
    g_set_error (&error, BARGE_ERROR, BARGE_ERROR_TOO_MANY_FILES, "a job holds at most %u files", max_files (self));
  else if (checks != NULL && self->upload != NULL)
    g_set_error (&error, BARGE_ERROR, BARGE_ERROR_NOT_SUPPORTED,
                 "digests, sizes and ranges are for download jobs only, not %s ones",
                 barge_job_type_to_string (self->type));
  for (guint i = 0; error == NULL && checks != NULL && i < n; i++)
    if (checks[i].ranges != NULL && checks[i].ranges->len > barged_job_get_max_ranges_per_file (self))
      g_set_error (&error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "a file takes at most %u ranges (MaxRangesPerFile), not %u",
                   barged_job_get_max_ranges_per_file (self), checks[i].ranges->len);
  for (guint i = 0; error == NULL && i < n; i++)
    {
      g_autofree char *path = barged_file_validate (urls[i], paths[i], &error);

      if (path != NULL)
        g_strv_builder_add (normal, path);
    }
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data = g_new0 (AddFiles, 1);
  data->urls = g_strdupv ((char **) urls);
  data->paths = g_strv_builder_end (normal);
  if (checks != NULL)
    {
      data->checks = g_array_sized_new (FALSE, TRUE, sizeof (BargedFileChecks), n);
      for (guint i = 0; i < n; i++)
        {
          BargedFileChecks copy;

          barged_file_checks_copy (&copy, &checks[i]);
          g_array_append_val (data->checks, copy);
        }
    }
  g_task_set_task_data (task, data, (GDestroyNotify) add_files_free);
  /* An upload's local file is its source: the owner must be able to read it. */
  if (self->upload != NULL)
    barged_file_access_open_source_async (self->owner, data->paths[0], NULL, on_source_checked,
                                          g_steal_pointer (&task));
  else
    barged_file_access_check_targets_async (self->owner, (const char *const *) data->paths, NULL,
                                            on_targets_checked, g_steal_pointer (&task));
}

gboolean
barged_job_add_files_finish (BargedJob *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

/* --- Complete and Cancel ------------------------------------------------------ */

/* The temporary files to delete: every one, or (@only_unfinished, for
 * Complete) those of files that did not finish. */
static void
add_deletions (BargedJob *self, GPtrArray *moves, gboolean only_unfinished)
{
  for (guint i = 0; i < self->files->len; i++)
    {
      BargedFile *file = g_ptr_array_index (self->files, i);

      if (barged_file_get_completed (file) || *barged_file_get_temporary (file) == '\0')
        continue;
      if (only_unfinished && barged_file_get_transferred (file))
        continue;
      g_ptr_array_add (moves, barged_file_move_new (barged_file_get_temporary (file), NULL,
                                                    barged_file_get_temporary_id (file)));
    }
  if (self->upload != NULL && (!only_unfinished || !barged_upload_get_reply_started (self->upload)))
    {
      const char *reply = barged_upload_get_reply_temporary (self->upload);

      if (reply != NULL)
        g_ptr_array_add (moves, barged_file_move_new (reply, NULL, barged_upload_get_reply_temporary_id (self->upload)));
    }
}

static void
on_removal_stored (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* The job is gone either way; a failed delete only means it comes back
   * at the next start, in its last stored state. */
  if (!barged_store_write_finish (BARGED_STORE (source), res, &error))
    g_warning ("%s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
on_cancel_files_deleted (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargedJob *self = g_task_get_source_object (task);
  g_autoptr(GArray) ignored = barged_file_access_finish_files_finish (res, NULL);

  barged_store_delete_job (self->ctx.store, self->id, on_removal_stored, g_object_ref (task));
  _barged_job_remove (self, BARGE_JOB_STATE_CANCELLED);
}

void
barged_job_cancel_async (BargedJob *self, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autoptr(GPtrArray) moves = g_ptr_array_new_with_free_func ((GDestroyNotify) barged_file_move_free);
  GError *error = NULL;

  g_task_set_source_tag (task, barged_job_cancel_async);
  if (!_barged_job_check_call (self, BARGED_CALL_CANCEL, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  _barged_job_stop_transfer (self);
  if (self->upload != NULL && self->files->len > 0)
    {
      /* A restored job's upload holds the shared session and no TLS
       * until a run hands it the job's: the cancel would go past the
       * job's proxy and TLS options. TLS files not read yet (a restored
       * job never started): the server's session is left to expire rather
       * than sent without the job's CA, client certificate or
       * revocation check. */
      if (_barged_job_tls_unread (self))
        barged_job_log (self, G_LOG_LEVEL_INFO, "its TLS files are not read: the server's upload session is not "
                                                 "cancelled, it will expire there");
      else
        {
          /* A run in flight (winding down) got them at its start. */
          if (!_barged_job_run_in_flight (self))
            _barged_job_prepare_upload (self);
          barged_upload_cancel_remote (self->upload, barged_file_get_url (g_ptr_array_index (self->files, 0)));
        }
    }
  add_deletions (self, moves, FALSE);
  self->busy = TRUE;          /* no other call may start while the files go */
  barged_file_access_finish_files_async (self->owner, moves, NULL, on_cancel_files_deleted,
                                         g_steal_pointer (&task));
}

gboolean
barged_job_cancel_finish (BargedJob *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

typedef struct {
  GPtrArray *renamed;         /* BargedFile, parallel to the first moves */
} Completing;

static void
completing_free (Completing *data)
{
  g_ptr_array_unref (data->renamed);
  g_free (data);
}

/* Each file that made it is marked completed at once, so a Complete that
 * fails half way (or a crash: barged_file_access_finish_files_async makes
 * a rename already done count as done) never tries it again. */
static void
on_complete_files_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargedJob *self = g_task_get_source_object (task);
  Completing *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GArray) done = barged_file_access_finish_files_finish (res, &error);

  self->busy = FALSE;
  for (guint i = 0; i < data->renamed->len; i++)
    if (i < done->len && g_array_index (done, gboolean, i))
      barged_file_set_completed (g_ptr_array_index (data->renamed, i), TRUE);

  if (error != NULL)
    {
      /* BITS: the job stays; Completed in each file's progress tells which
       * files made it. */
      barged_job_log (self, G_LOG_LEVEL_INFO, "complete failed: %s", error->message);
      barged_job_save (self, NULL, NULL);
      g_task_return_error (task, error);
      return;
    }
  barged_store_delete_job (self->ctx.store, self->id, on_removal_stored, g_object_ref (task));
  _barged_job_remove (self, BARGE_JOB_STATE_ACKNOWLEDGED);
}

void
barged_job_complete_async (BargedJob *self, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autoptr(GPtrArray) moves = g_ptr_array_new_with_free_func ((GDestroyNotify) barged_file_move_free);
  GError *error = NULL;
  Completing *data;

  g_task_set_source_tag (task, barged_job_complete_async);
  if (!_barged_job_check_call (self, BARGED_CALL_COMPLETE, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (self->upload != NULL && self->state != BARGE_JOB_STATE_TRANSFERRED)
    {
      /* BITS: the server holds an upload only once it is transferred. */
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_INVALID_STATE,
                               "an upload job can be completed once it is transferred");
      return;
    }
  if (barged_job_is_running (self))
    {
      _barged_job_stop_transfer (self);
      _barged_job_set_state (self, BARGE_JOB_STATE_SUSPENDED);
    }
  data = g_new0 (Completing, 1);
  data->renamed = g_ptr_array_new_with_free_func (g_object_unref);
  g_task_set_task_data (task, data, (GDestroyNotify) completing_free);
  for (guint i = 0; self->upload == NULL && i < self->files->len; i++)
    {
      BargedFile *file = g_ptr_array_index (self->files, i);

      if (!barged_file_get_transferred (file) || barged_file_get_completed (file))
        continue;
      g_ptr_array_add (moves, barged_file_move_new (barged_file_get_temporary (file),
                                                    barged_file_get_destination (file),
                                                    barged_file_get_temporary_id (file)));
      g_ptr_array_add (data->renamed, g_object_ref (file));
    }
  if (self->upload != NULL && barged_upload_get_reply_temporary (self->upload) != NULL)
    g_ptr_array_add (moves, barged_file_move_new (barged_upload_get_reply_temporary (self->upload),
                                                  barged_upload_get_reply_file_name (self->upload),
                                                  barged_upload_get_reply_temporary_id (self->upload)));
  add_deletions (self, moves, TRUE);
  self->busy = TRUE;          /* no other call may start while the files move */
  barged_file_access_finish_files_async (self->owner, moves, NULL, on_complete_files_done, g_steal_pointer (&task));
}

gboolean
barged_job_complete_finish (BargedJob *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

/* --- ownership and credentials ------------------------------------------------- */

static gboolean
refuse_if_final (BargedJob *self, GError **error)
{
  if (!barge_job_state_is_final (self->state) && !self->removed && !self->busy)
    return FALSE;
  g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_STATE, "the job is %s",
               barge_job_state_to_string (self->state));
  return TRUE;
}

gboolean
barged_job_take_ownership (BargedJob *self, guint32 uid, guint32 umask, GError **error)
{
  if (refuse_if_final (self, error))
    return FALSE;
  if (uid == self->owner)
    return TRUE;
  barged_job_log (self, G_LOG_LEVEL_INFO, "taken over by uid %u", uid);
  barged_quota_charge (self->ctx.quota, self->owner, -(gint64) self->quota_files, -(gint64) self->quota_bytes);
  barged_quota_charge (self->ctx.quota, uid, (gint64) self->quota_files, (gint64) self->quota_bytes);
  self->owner = uid;
  /* BITS: what the old owner set up for itself does not go along. */
  barged_credentials_forget (self->ctx.credentials, self->id, FALSE);
  barged_credentials_set_owner (self->ctx.credentials, self->id, uid, umask);
  g_free (self->notify_program);
  self->notify_program = g_strdup ("");
  g_strfreev (self->notify_args);
  self->notify_args = g_new0 (char *, 1);
  _barged_job_tls_forget_owner (self);
  /* The job's own session (its proxy list, or its TLS options) holds what
   * the old owner's proxy credentials opened: libsoup's answer to the
   * proxy and the tunnels it let in. The next request makes a new one. */
  g_clear_object (&self->own_session);
  _barged_job_recharge_settings (self);
  _barged_job_notify (self, BARGED_JOB_PROP_OWNER);
  _barged_job_notify (self, BARGED_JOB_PROP_CREDENTIALS);
  _barged_job_notify (self, BARGED_JOB_PROP_CUSTOM_HEADERS);
  _barged_job_notify (self, BARGED_JOB_PROP_NOTIFY_COMMAND_LINE);
  _barged_job_touch (self);
  barged_job_save (self, NULL, NULL);
  return TRUE;
}

static void
on_credentials_stored (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (res), &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
barged_job_set_credentials_async (BargedJob *self, BargeCredentialsTarget target, BargeAuthScheme scheme,
                                  const char *user_name, const char *password,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  GError *error = NULL;

  /* The store's callback gets a reference only when there will be one.
   * The quota is asked for the new credential whole, though it may
   * replace one of the same target and scheme. */
  if (refuse_if_final (self, &error) ||
      !_barged_job_check_settings_change (
        self, 0,
        _barged_job_str_cost (user_name) + _barged_job_str_cost (password) +
          _barged_job_str_cost (barge_credentials_target_to_string (target)) +
          _barged_job_str_cost (barge_auth_scheme_to_string (scheme)),
        &error) ||
      !barged_credentials_set (self->ctx.credentials, self->id, target, scheme, user_name, password,
                               on_credentials_stored, task, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_object_ref (task);
  _barged_job_recharge_settings (self);
  _barged_job_notify (self, BARGED_JOB_PROP_CREDENTIALS);
  _barged_job_touch (self);
}

void
barged_job_remove_credentials_async (BargedJob *self, BargeCredentialsTarget target, BargeAuthScheme scheme,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  GError *error = NULL;

  if (refuse_if_final (self, &error) ||
      !barged_credentials_remove (self->ctx.credentials, self->id, target, scheme,
                                  on_credentials_stored, task, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_object_ref (task);
  /* libsoup keeps the proxy's answer, and the tunnels it let in, for the
   * session's life: the credentials gone, so is the session. */
  if (target == BARGE_CREDENTIALS_TARGET_PROXY)
    g_clear_object (&self->own_session);
  _barged_job_recharge_settings (self);
  _barged_job_notify (self, BARGED_JOB_PROP_CREDENTIALS);
  _barged_job_touch (self);
}

gboolean
barged_job_credentials_finish (BargedJob *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

static void
on_private_saved (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!barged_credentials_wait_saved_finish (BARGED_CREDENTIALS (source), res, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
barged_job_set_custom_headers_async (BargedJob *self, GVariant *headers, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autoptr(GVariant) old = barged_credentials_dup_headers (self->ctx.credentials, self->id);
  GError *error = NULL;

  if (refuse_if_final (self, &error) ||
      !_barged_job_check_settings_change (
        self, old != NULL ? BARGED_QUOTA_STRING_FACTOR * g_variant_get_size (old) : 0,
        BARGED_QUOTA_STRING_FACTOR * g_variant_get_size (headers), &error) ||
      !barged_credentials_set_headers (self->ctx.credentials, self->id, headers, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  _barged_job_recharge_settings (self);
  _barged_job_notify (self, BARGED_JOB_PROP_CUSTOM_HEADERS);
  _barged_job_touch (self);
  barged_credentials_wait_saved_async (self->ctx.credentials, on_private_saved, g_steal_pointer (&task));
}

gboolean
barged_job_set_custom_headers_finish (BargedJob *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

/* --- the reply ------------------------------------------------------------------ */

static void
on_reply_data (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GBytes *data = barged_upload_get_reply_data_finish (BARGED_UPLOAD (source), res, &error);

  if (data == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, data, (GDestroyNotify) g_bytes_unref);
}

void
barged_job_get_reply_data_async (BargedJob *self, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  if (self->type != BARGE_JOB_TYPE_UPLOAD_REPLY || self->upload == NULL)
    {
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_NOT_SUPPORTED, "only upload-reply jobs have a reply, not %s jobs",
                               barge_job_type_to_string (self->type));
      return;
    }
  barged_upload_get_reply_data_async (self->upload, NULL, on_reply_data, g_steal_pointer (&task));
}

GBytes *
barged_job_get_reply_data_finish (BargedJob *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_pointer (G_TASK (res), error);
}
