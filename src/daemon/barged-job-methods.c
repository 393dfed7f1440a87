/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedJob"

#include "config.h"

#include <unistd.h>

#include "barged-config.h"
#include "barged-errors.h"
#include "barged-file-access.h"
#include "barged-file.h"
#include "barged-job-private.h"
#include "barged-notify.h"
#include "barged-network.h"
#include "barged-state.h"
#include "barged-upload.h"

/* The Job interface's method handlers and property writes; the job itself
 * (state machine, transfers, persistence) lives in barged-job.c. */

/* --- D-Bus methods ------------------------------------------------------ */

static guint
count_pending_files (BargedJob *self)
{
  guint n = 0;

  for (guint i = 0; i < self->files->len; i++)
    if (!barged_file_get_transferred (g_ptr_array_index (self->files, i)))
      n++;
  return n;
}

/* Applies the state machine to a client call. On refusal it answers the
 * call and returns FALSE. A job whose files are being moved or deleted
 * (Complete, Cancel) takes no other call meanwhile. */
static gboolean
check_call (BargedJob *self, BargedCall call, GDBusMethodInvocation *invocation, BargeJobState *next)
{
  g_autoptr(GError) error = NULL;
  BargeJobState dummy;

  if (self->removed)
    g_set_error (&error, BARGE_ERROR, BARGE_ERROR_INVALID_STATE, "the job is being removed");
  else
    barged_state_apply (self->state, call, self->files->len, count_pending_files (self),
                        next != NULL ? next : &dummy, &error);
  if (error == NULL)
    return TRUE;
  g_dbus_method_invocation_return_gerror (invocation, error);
  return FALSE;
}

typedef struct {
  BargedJob *self;
  GDBusMethodInvocation *invocation;  /* owned until answered */
  GStrv urls;
  GStrv paths;                /* in normal form (barged_file_validate) */
  GArray *folders;            /* BargedFileId per path, as the owner sees it */
  guint checked;
  guint64 source_size;        /* an upload's, as AddFile saw it */
} AddFilesData;

static void
add_files_data_free (AddFilesData *data)
{
  g_object_unref (data->self);
  g_strfreev (data->urls);
  g_strfreev (data->paths);
  g_array_unref (data->folders);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AddFilesData, add_files_data_free)

static void
on_files_saved (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GDBusMethodInvocation *invocation = user_data;
  g_autoptr(GError) error = NULL;

  if (!barged_store_write_finish (BARGED_STORE (source), res, &error))
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void check_next_target (AddFilesData *data);

static void
on_source_checked (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(AddFilesData) data = user_data;
  g_autoptr(GError) error = NULL;
  BargedSourceIdentity identity;
  int fd = barged_file_access_open_source_finish (res, &identity, &error);

  if (fd < 0)
    {
      g_dbus_method_invocation_return_gerror (data->invocation, error);
      return;
    }
  close (fd);
  data->source_size = identity.size;
  data->checked++;
  check_next_target (g_steal_pointer (&data));
}

static void
on_target_checked (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(AddFilesData) data = user_data;
  g_autoptr(GError) error = NULL;
  BargedFileId folder;

  if (!barged_file_access_check_target_finish (res, &folder, &error))
    {
      g_dbus_method_invocation_return_gerror (data->invocation, error);
      return;
    }
  g_array_index (data->folders, BargedFileId, data->checked) = folder;
  data->checked++;
  check_next_target (g_steal_pointer (&data));
}

/* Refuses a destination the job (or this call) already has, however it is
 * spelled: the normal form catches "/d/./a" against "/d/a", the folder's
 * identity catches ".." and symbolic links. Two files of one job sharing a
 * destination would race for the same final name. */
static gboolean
check_new_destinations (BargedJob *self, AddFilesData *data, GError **error)
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

/* Checks every destination (as the owner, off the main loop), then adds all
 * files or none, and answers once they are stored. */
static void
check_next_target (AddFilesData *data_in)
{
  g_autoptr(AddFilesData) data = data_in;
  g_autoptr(GError) error = NULL;
  BargedJob *self = data->self;
  guint n = g_strv_length (data->urls);

  if (data->checked < n)
    {
      const char *path = data->paths[data->checked];

      /* An upload's local file is its source: the owner must be able to read it. */
      if (self->upload != NULL)
        barged_file_access_open_source_async (self->owner, path, NULL, on_source_checked, g_steal_pointer (&data));
      else
        barged_file_access_check_target_async (self->owner, path, NULL, on_target_checked, g_steal_pointer (&data));
      return;
    }

  if (barge_job_state_is_final (self->state) || self->removed)
    g_set_error (&error, BARGE_ERROR, BARGE_ERROR_INVALID_STATE,
                 "the job is %s", barge_job_state_to_string (self->state));
  else if (self->files->len + n > (self->upload != NULL ? 1 : barged_config_get ()->max_files_per_job))
    g_set_error (&error, BARGE_ERROR, BARGE_ERROR_TOO_MANY_FILES, "a job holds at most %u files",
                 self->upload != NULL ? 1 : barged_config_get ()->max_files_per_job);
  else if (self->upload == NULL && !check_new_destinations (self, data, &error))
    ;
  else
    _barged_job_check_quota (self, (const char * const *) data->urls, (const char * const *) data->paths, &error);
  if (error != NULL)
    {
      g_dbus_method_invocation_return_gerror (data->invocation, error);
      return;
    }

  for (guint i = 0; i < n; i++)
    {
      /* An upload writes nothing next to its source. */
      g_autofree char *tmp = self->upload != NULL ? g_strdup ("")
                                                  : barged_file_access_temporary_path_for (data->paths[i]);
      BargedFile *file = barged_file_new (self->files->len, data->urls[i], data->paths[i], tmp);

      barged_file_set_folder_id (file, &g_array_index (data->folders, BargedFileId, i));
      /* BITS knows an upload's total from the start. */
      if (self->upload != NULL)
        barged_file_set_total (file, data->source_size);
      _barged_job_add_file (self, file);
    }
  _barged_job_update_files_property (self);
  _barged_job_touch (self);
  _barged_job_publish_now (self);
  barged_job_save (self, on_files_saved, data->invocation);
}

static void
add_files (BargedJob *self, GDBusMethodInvocation *invocation, GPtrArray *urls, GPtrArray *paths)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) normal = g_strv_builder_new ();
  AddFilesData *data;

  if (!check_call (self, BARGED_CALL_ADD_FILES, invocation, NULL))
    return;
  if (self->upload != NULL && self->files->len + urls->len > 1)
    {
      g_dbus_method_invocation_return_error (invocation, BARGE_ERROR, BARGE_ERROR_TOO_MANY_FILES,
                                             "an upload job holds exactly one file");
      return;
    }
  if (urls->len == 0)
    {
      g_dbus_method_invocation_return_error (invocation, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                                             "no files given");
      return;
    }
  if (self->files->len + urls->len > barged_config_get ()->max_files_per_job)
    {
      g_dbus_method_invocation_return_error (invocation, BARGE_ERROR, BARGE_ERROR_TOO_MANY_FILES,
                                             "a job holds at most %u files", barged_config_get ()->max_files_per_job);
      return;
    }
  for (guint i = 0; i < urls->len; i++)
    {
      g_autofree char *path = barged_file_validate (urls->pdata[i], paths->pdata[i], &error);

      if (path == NULL)
        {
          g_dbus_method_invocation_return_gerror (invocation, error);
          return;
        }
      g_strv_builder_add (normal, path);
    }

  data = g_new0 (AddFilesData, 1);
  data->self = g_object_ref (self);
  data->invocation = invocation;
  g_ptr_array_add (urls, NULL);
  data->urls = g_strdupv ((GStrv) urls->pdata);
  data->paths = g_strv_builder_end (normal);
  data->folders = g_array_new (FALSE, TRUE, sizeof (BargedFileId));
  g_array_set_size (data->folders, urls->len - 1);
  check_next_target (data);
}

static gboolean
handle_add_file (BargeDBusJob *iface, GDBusMethodInvocation *invocation,
                 const char *url, const char *local_path)
{
  g_autoptr(GPtrArray) urls = g_ptr_array_new ();
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();

  g_ptr_array_add (urls, (gpointer) url);
  g_ptr_array_add (paths, (gpointer) local_path);
  add_files (BARGED_JOB (iface), invocation, urls, paths);
  return TRUE;
}

static gboolean
handle_add_files (BargeDBusJob *iface, GDBusMethodInvocation *invocation, GVariant *files)
{
  g_autoptr(GPtrArray) urls = g_ptr_array_new ();
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  GVariantIter iter;
  const char *url, *path;

  g_variant_iter_init (&iter, files);
  while (g_variant_iter_next (&iter, "(&s&s)", &url, &path))
    {
      g_ptr_array_add (urls, (gpointer) url);
      g_ptr_array_add (paths, (gpointer) path);
    }
  add_files (BARGED_JOB (iface), invocation, urls, paths);
  return TRUE;
}

static gboolean
handle_resume (BargeDBusJob *iface, GDBusMethodInvocation *invocation)
{
  BargedJob *self = BARGED_JOB (iface);
  BargeJobState next;

  if (!check_call (self, BARGED_CALL_RESUME, invocation, &next))
    return TRUE;
  if (next != self->state)
    {
      self->first_transient_error = 0;
      /* BITS: Resume also restarts the MaximumDownloadTime clock. */
      self->download_time_used = 0;
      _barged_job_set_state (self, next);
    }
  barge_dbus_job_complete_resume (iface, invocation);
  return TRUE;
}

static gboolean
handle_suspend (BargeDBusJob *iface, GDBusMethodInvocation *invocation)
{
  BargedJob *self = BARGED_JOB (iface);
  BargeJobState next;

  if (!check_call (self, BARGED_CALL_SUSPEND, invocation, &next))
    return TRUE;
  _barged_job_stop_transfer (self);
  if (self->state != next)
    _barged_job_set_state (self, next);
  barge_dbus_job_complete_suspend (iface, invocation);
  return TRUE;
}

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
  GDBusMethodInvocation *invocation = user_data;
  g_autoptr(GError) error = NULL;

  /* The job is gone from the bus either way; a failed delete only means it
   * comes back at the next start, in its last stored state. */
  if (!barged_store_write_finish (BARGED_STORE (source), res, &error))
    g_warning ("%s", error->message);
  if (invocation != NULL)
    g_dbus_method_invocation_return_value (invocation, NULL);
}

typedef struct {
  BargedJob *self;
  GDBusMethodInvocation *invocation;  /* NULL when the daemon cancels */
} CancelData;

static void
on_cancel_files_deleted (GObject *source, GAsyncResult *res, gpointer user_data)
{
  CancelData *data = user_data;
  g_autoptr(BargedJob) self = data->self;
  g_autoptr(GArray) ignored = barged_file_access_finish_files_finish (res, NULL);

  barged_store_delete_job (self->ctx.store, self->id, on_removal_stored, data->invocation);
  g_free (data);
  _barged_job_remove_job (self, BARGE_JOB_STATE_CANCELLED);
}

void
barged_job_cancel (BargedJob *self, GDBusMethodInvocation *invocation)
{
  g_autoptr(GPtrArray) moves = g_ptr_array_new_with_free_func ((GDestroyNotify) barged_file_move_free);
  CancelData *data;

  if (self->removed || barge_job_state_is_final (self->state))
    {
      if (invocation != NULL)
        g_dbus_method_invocation_return_error (invocation, BARGE_ERROR, BARGE_ERROR_INVALID_STATE,
                                               "the job is being removed");
      return;
    }
  _barged_job_stop_transfer (self);
  if (self->upload != NULL && self->files->len > 0)
    barged_upload_cancel_remote (self->upload, barged_file_get_url (g_ptr_array_index (self->files, 0)));
  add_deletions (self, moves, FALSE);
  data = g_new0 (CancelData, 1);
  data->self = g_object_ref (self);
  data->invocation = invocation;
  self->removed = TRUE;     /* no other call may start while the files go */
  barged_file_access_finish_files_async (self->owner, moves, NULL, on_cancel_files_deleted, data);
}

static gboolean
handle_cancel (BargeDBusJob *iface, GDBusMethodInvocation *invocation)
{
  BargedJob *self = BARGED_JOB (iface);

  if (!check_call (self, BARGED_CALL_CANCEL, invocation, NULL))
    return TRUE;
  barged_job_cancel (self, invocation);
  return TRUE;
}

typedef struct {
  BargedJob *self;
  GDBusMethodInvocation *invocation;
  GPtrArray *renamed;         /* BargedFile, parallel to the first moves */
} CompleteData;

static void
complete_data_free (CompleteData *data)
{
  g_object_unref (data->self);
  g_ptr_array_unref (data->renamed);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompleteData, complete_data_free)

/* Each file that made it is marked completed at once, so a Complete that
 * fails half way (or a crash, see barged_file_access_finish_files_async)
 * never tries it again. */
static void
on_complete_files_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(CompleteData) data = user_data;
  BargedJob *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) done = barged_file_access_finish_files_finish (res, &error);

  for (guint i = 0; i < data->renamed->len; i++)
    if (i < done->len && g_array_index (done, gboolean, i))
      barged_file_set_completed (g_ptr_array_index (data->renamed, i), TRUE);

  if (error != NULL)
    {
      /* BITS: the job stays; Completed in each file's progress tells which
       * files made it. */
      self->removed = FALSE;
      self->error_file = -1;
      _barged_job_publish_now (self);
      barged_job_save (self, NULL, NULL);
      g_dbus_method_invocation_return_gerror (data->invocation, error);
      return;
    }
  _barged_job_publish_now (self);
  barged_store_delete_job (self->ctx.store, self->id, on_removal_stored, data->invocation);
  self->removed = FALSE;
  _barged_job_remove_job (self, BARGE_JOB_STATE_ACKNOWLEDGED);
}

static gboolean
handle_complete (BargeDBusJob *iface, GDBusMethodInvocation *invocation)
{
  BargedJob *self = BARGED_JOB (iface);
  g_autoptr(GPtrArray) moves = g_ptr_array_new_with_free_func ((GDestroyNotify) barged_file_move_free);
  CompleteData *data;

  if (!check_call (self, BARGED_CALL_COMPLETE, invocation, NULL))
    return TRUE;
  if (self->upload != NULL && self->state != BARGE_JOB_STATE_TRANSFERRED)
    {
      /* BITS: the server holds an upload only once it is transferred. */
      g_dbus_method_invocation_return_error (invocation, BARGE_ERROR, BARGE_ERROR_INVALID_STATE,
                                             "an upload job can be completed once it is transferred");
      return TRUE;
    }
  if (barged_job_is_running (self))
    {
      _barged_job_stop_transfer (self);
      _barged_job_set_state (self, BARGE_JOB_STATE_SUSPENDED);
    }
  data = g_new0 (CompleteData, 1);
  data->self = g_object_ref (self);
  data->invocation = invocation;
  data->renamed = g_ptr_array_new_with_free_func (g_object_unref);
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
  self->removed = TRUE;     /* no other call may start while the files move */
  barged_file_access_finish_files_async (self->owner, moves, NULL, on_complete_files_done, data);
  return TRUE;
}

static gboolean
handle_get_progress (BargeDBusJob *iface, GDBusMethodInvocation *invocation)
{
  barge_dbus_job_complete_get_progress (iface, invocation, _barged_job_compute_progress (BARGED_JOB (iface)));
  return TRUE;
}

static gboolean
return_reply_not_supported (BargedJob *self, GDBusMethodInvocation *invocation)
{
  g_dbus_method_invocation_return_error (invocation, BARGE_ERROR, BARGE_ERROR_NOT_SUPPORTED,
                                         "only upload-reply jobs have a reply, not %s jobs",
                                         barge_job_type_to_string (self->type));
  return TRUE;
}

static gboolean
handle_get_reply_progress (BargeDBusJob *iface, GDBusMethodInvocation *invocation)
{
  BargedJob *self = BARGED_JOB (iface);

  if (self->type != BARGE_JOB_TYPE_UPLOAD_REPLY || self->upload == NULL)
    return return_reply_not_supported (self, invocation);
  barge_dbus_job_complete_get_reply_progress (iface, invocation,
                                              barged_upload_get_reply_progress (self->upload));
  return TRUE;
}

static gboolean
handle_get_reply_data (BargeDBusJob *iface, GDBusMethodInvocation *invocation)
{
  BargedJob *self = BARGED_JOB (iface);

  if (self->type != BARGE_JOB_TYPE_UPLOAD_REPLY || self->upload == NULL)
    return return_reply_not_supported (self, invocation);
  barged_upload_return_reply_data (self->upload, invocation);
  return TRUE;
}

/* --- property writes ---------------------------------------------------- */

typedef gboolean (*SetPropertyFunc) (GDBusConnection *, const char *, const char *, const char *,
                                     const char *, GVariant *, GError **, gpointer);
static SetPropertyFunc parent_set_property;

static gboolean
validate_property (BargedJob *self, const char *name, GVariant *value, GError **error)
{
  BargeJobState next;

  if (self->removed)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_STATE, "the job is being removed");
      return FALSE;
    }
  if (!barged_state_apply (self->state, BARGED_CALL_SET_PROPERTY, self->files->len,
                           count_pending_files (self), &next, error))
    return FALSE;
  if (g_str_equal (name, "DisplayName") || g_str_equal (name, "Description"))
    {
      glong max = g_str_equal (name, "DisplayName") ? BARGED_MAX_DISPLAY_NAME : BARGED_MAX_DESCRIPTION;
      const char *text = g_variant_get_string (value, NULL);

      if (!g_utf8_validate (text, -1, NULL) || g_utf8_strlen (text, -1) > max)
        {
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_STRING_TOO_LONG,
                       "%s takes at most %ld characters", name, max);
          return FALSE;
        }
    }
  else if (g_str_equal (name, "Priority"))
    {
      if (!barge_job_priority_from_string (g_variant_get_string (value, NULL), NULL))
        {
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "unknown priority %s",
                       g_variant_get_string (value, NULL));
          return FALSE;
        }
    }
  else if (g_str_equal (name, "NotifyFlags"))
    {
      g_autofree const char **flags = g_variant_get_strv (value, NULL);

      if (!barged_notify_flags_parse (flags, NULL, error))
        return FALSE;
    }
  else if (g_str_equal (name, "NotifyCommandLine"))
    {
      if (!barged_notify_command_line_validate (value, error))
        return FALSE;
    }
  else if (g_str_equal (name, "CostPolicy"))
    {
      if (!barged_network_cost_policy_is_valid (g_variant_get_string (value, NULL)))
        {
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "unknown cost policy %s",
                       g_variant_get_string (value, NULL));
          return FALSE;
        }
    }
  else if (g_str_equal (name, "ReplyFileName"))
    {
      if (self->upload == NULL || self->type != BARGE_JOB_TYPE_UPLOAD_REPLY)
        {
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_NOT_SUPPORTED, "only upload-reply jobs have a reply");
          return FALSE;
        }
      return barged_upload_set_reply_file_name (self->upload, g_variant_get_string (value, NULL), error);
    }
  else if (g_str_equal (name, "MinimumRetryDelay"))
    {
      if (g_variant_get_uint32 (value) < BARGED_MIN_RETRY_DELAY)
        {
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                       "MinimumRetryDelay must be at least %u seconds", BARGED_MIN_RETRY_DELAY);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
job_set_property (GDBusConnection *connection, const char *sender, const char *object_path,
                  const char *interface_name, const char *property_name, GVariant *value,
                  GError **error, gpointer user_data)
{
  BargedJob *self = BARGED_JOB (user_data);

  /* Ownership was checked by the choke point: property calls go through
   * g-authorize-method (barged_authority_guard_vtable). */
  if (!validate_property (self, property_name, value, error) ||
      !parent_set_property (connection, sender, object_path, interface_name, property_name,
                            value, error, user_data))
    return FALSE;
  _barged_job_touch (self);
  if (g_str_equal (property_name, "NotifyFlags"))
    barged_notify_flags_parse (barge_dbus_job_get_notify_flags (BARGE_DBUS_JOB (self)), &self->notify_flags, NULL);
  else if (g_str_equal (property_name, "MaximumDownloadTime") && barged_job_is_running (self))
    {
      /* The new limit applies to the time already spent. */
      _barged_job_max_time_account (self);
      _barged_job_max_time_arm (self);
    }
  barged_job_save (self, NULL, NULL);
  if (g_str_equal (property_name, "Priority") || g_str_equal (property_name, "CostPolicy"))
    _barged_job_emit_scheduling_changed (self);
  return TRUE;
}

GDBusInterfaceVTable *
_barged_job_get_vtable (GDBusInterfaceSkeleton *skeleton)
{
  static GDBusInterfaceVTable vtable;
  static gsize initialized = 0;

  /* The generated skeleton accepts any well-typed value; ours checks
   * ownership, state and limits first, so a write can fail with a typed error. */
  if (g_once_init_enter (&initialized))
    {
      GDBusInterfaceVTable *parent =
        G_DBUS_INTERFACE_SKELETON_CLASS (g_type_class_peek (BARGE_DBUS_TYPE_JOB_SKELETON))->get_vtable (skeleton);

      GDBusInterfaceVTable real = *parent;

      parent_set_property = parent->set_property;
      real.set_property = job_set_property;
      barged_authority_guard_vtable (BARGED_TYPE_JOB, &vtable, &real);
      g_once_init_leave (&initialized, 1);
    }
  return &vtable;
}

/* --- ownership and credentials (issue 5) -------------------------------- */

static gboolean
refuse_if_final (BargedJob *self, GDBusMethodInvocation *invocation)
{
  if (!barge_job_state_is_final (self->state) && !self->removed)
    return FALSE;
  g_dbus_method_invocation_return_error (invocation, BARGE_ERROR, BARGE_ERROR_INVALID_STATE,
                                         "the job is %s", barge_job_state_to_string (self->state));
  return TRUE;
}

static gboolean
handle_take_ownership (BargeDBusJob *iface, GDBusMethodInvocation *invocation)
{
  BargedJob *self = BARGED_JOB (iface);
  guint32 uid = barged_authority_get_invocation_uid (invocation);

  if (refuse_if_final (self, invocation))
    return TRUE;
  if (uid != self->owner)
    {
      /* BITS: what the old owner set up for itself does not go along. */
      _barged_job_move_quota (self, uid);
      self->owner = uid;
      barge_dbus_job_set_owner (iface, uid);
      barged_authority_set_job_owner (self->ctx.authority, self->path, uid);
      barged_credentials_forget (self->ctx.credentials, self->id, FALSE);
      barged_credentials_set_umask (self->ctx.credentials, self->id,
                                    barged_authority_get_invocation_umask (invocation));
      barge_dbus_job_set_credentials (iface, barged_credentials_list (self->ctx.credentials, self->id));
      barge_dbus_job_set_notify_command_line (iface, g_variant_new ("(s@as)", "", g_variant_new_strv (NULL, 0)));
      _barged_job_touch (self);
      barged_job_save (self, NULL, NULL);
    }
  barge_dbus_job_complete_take_ownership (iface, invocation);
  return TRUE;
}

/* The reply waits for the Secret Service, so that a client that looks
 * there right after the call finds the change. */
static void
on_credentials_saved (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_dbus_method_invocation_return_value (user_data, NULL);
}

static gboolean
handle_set_credentials (BargeDBusJob *iface, GDBusMethodInvocation *invocation, const char *target,
                        const char *scheme, const char *user_name, const char *password)
{
  BargedJob *self = BARGED_JOB (iface);
  g_autoptr(GError) error = NULL;

  if (refuse_if_final (self, invocation))
    return TRUE;
  if (!barged_credentials_set (self->ctx.credentials, self->id, target, scheme, user_name, password,
                               on_credentials_saved, invocation, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return TRUE;
    }
  barge_dbus_job_set_credentials (iface, barged_credentials_list (self->ctx.credentials, self->id));
  _barged_job_touch (self);
  return TRUE;
}

static gboolean
handle_remove_credentials (BargeDBusJob *iface, GDBusMethodInvocation *invocation, const char *target,
                           const char *scheme)
{
  BargedJob *self = BARGED_JOB (iface);
  g_autoptr(GError) error = NULL;

  if (refuse_if_final (self, invocation))
    return TRUE;
  if (!barged_credentials_remove (self->ctx.credentials, self->id, target, scheme,
                                  on_credentials_saved, invocation, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return TRUE;
    }
  barge_dbus_job_set_credentials (iface, barged_credentials_list (self->ctx.credentials, self->id));
  _barged_job_touch (self);
  return TRUE;
}

void
_barged_job_iface_init (BargeDBusJobIface *iface)
{
  iface->handle_add_file = handle_add_file;
  iface->handle_add_files = handle_add_files;
  iface->handle_resume = handle_resume;
  iface->handle_suspend = handle_suspend;
  iface->handle_cancel = handle_cancel;
  iface->handle_complete = handle_complete;
  iface->handle_get_progress = handle_get_progress;
  iface->handle_get_reply_progress = handle_get_reply_progress;
  iface->handle_get_reply_data = handle_get_reply_data;
  iface->handle_take_ownership = handle_take_ownership;
  iface->handle_set_credentials = handle_set_credentials;
  iface->handle_remove_credentials = handle_remove_credentials;
}
