/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include <string.h>

#include "barge-private.h"
#include "barge-job-private.h"
#include "barge-enum-types.h"

/**
 * BargeJob:
 *
 * A transfer job of the Barge daemon, seen from a client.
 *
 * A job is a set of files that the daemon transfers in the background. It
 * starts in %BARGE_JOB_STATE_SUSPENDED: add files with
 * [method@Barge.Job.add_files_async], start it with
 * [method@Barge.Job.resume_async], and once it reaches
 * %BARGE_JOB_STATE_TRANSFERRED call [method@Barge.Job.complete_async] to make
 * the files visible under their final names.
 *
 * Each property mirrors a property of the `org.freedesktop.Barge1.Job` D-Bus
 * object and emits [signal@GObject.Object::notify] when the daemon announces a
 * change. The values are the client's own copy: they stay, with their last
 * values, while the daemon is away (see
 * [property@Barge.Client:service-available]), and are read again when it is
 * back. A `_sync` or `_finish` call that changed the job returns with the
 * job already showing the change (for example the files after
 * [method@Barge.Job.add_files_async], the state after
 * [method@Barge.Job.resume_async]). The writable properties can be set with
 * [method@GObject.Object.set], which sends the change and returns at once,
 * or with [method@Barge.Job.set_property_async], which reports whether the
 * daemon accepted it and completes with the property showing the new value.
 *
 * Calls on a job that has left the bus (completed, cancelled, or gone while
 * the daemon was away) fail with %BARGE_ERROR_NOT_FOUND.
 *
 * Get jobs from a [class@Barge.Client], and keep the client while you use
 * them: it is what follows the daemon for them.
 */


G_DEFINE_FINAL_TYPE (BargeJob, barge_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_OBJECT_PATH,
  PROP_ID,
  PROP_DISPLAY_NAME,
  PROP_DESCRIPTION,
  PROP_JOB_TYPE,
  PROP_STATE,
  PROP_PRIORITY,
  PROP_OWNER,
  PROP_PROGRESS,
  PROP_CREATION_TIME,
  PROP_MODIFICATION_TIME,
  PROP_COMPLETION_TIME,
  PROP_ERROR_COUNT,
  PROP_ERROR_CONTEXT,
  PROP_ERROR_NAME,
  PROP_ERROR_MESSAGE,
  PROP_ERROR_FILE,
  PROP_MINIMUM_RETRY_DELAY,
  PROP_NO_PROGRESS_TIMEOUT,
  PROP_MINIMUM_NOTIFICATION_INTERVAL,
  PROP_REPLY_PROGRESS,
  PROP_MAXIMUM_DOWNLOAD_TIME,
  PROP_NOTIFY_FLAGS,
  PROP_NOTIFY_COMMAND_LINE,
  PROP_COST_POLICY,
  PROP_BANDWIDTH_LIMIT,
  PROP_KEEP_AWAKE,
  PROP_HOLD_REASON,
  PROP_HTTP_STATUS,
  PROP_UPLOAD_PROTOCOL,
  PROP_REPLY_FILE_NAME,
  PROP_CREDENTIALS,
  PROP_FILE_LIST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_TRANSFERRED,
  SIGNAL_FAILED,
  SIGNAL_FILE_TRANSFERRED,
  SIGNAL_MODIFIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The paths of the Files property, in order. */
static const char **
barge_job_dup_file_paths (BargeJob *self)
{
  GVariant *value = _barge_props_get (self->props, "Files");

  return value != NULL ? g_variant_get_objv (value, NULL) : g_new0 (const char *, 1);
}

/* Makes a BargeFile (without values yet) for each new path of Files, and
 * returns those that have no values. */
static GPtrArray *
barge_job_files_to_read (BargeJob *self, gboolean all)
{
  g_autofree const char **paths = barge_job_dup_file_paths (self);
  GPtrArray *files = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      BargeFile *file = g_hash_table_lookup (self->files, paths[i]);

      if (file == NULL)
        {
          file = _barge_file_new (paths[i]);
          g_hash_table_insert (self->files, g_strdup (paths[i]), file);
        }
      if (all || !_barge_file_is_loaded (file))
        g_ptr_array_add (files, g_object_ref (file));
    }
  return files;
}

/* Brings file_list in line with the Files property (the files with values),
 * touching only what changed, so that list views keep their rows. */
static void
barge_job_update_file_list (BargeJob *self)
{
  g_autofree const char **paths = barge_job_dup_file_paths (self);
  g_autoptr(GPtrArray) files = g_ptr_array_new ();
  guint n_old, prefix = 0;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      BargeFile *file = _barge_job_lookup_file (self, paths[i]);

      if (file != NULL)
        g_ptr_array_add (files, file);
    }

  /* Files are only ever appended, so the common change is a longer tail. */
  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->file_list));
  while (prefix < n_old && prefix < files->len)
    {
      g_autoptr(BargeFile) old = g_list_model_get_item (G_LIST_MODEL (self->file_list), prefix);

      if (old != g_ptr_array_index (files, prefix))
        break;
      prefix++;
    }
  if (prefix == n_old && prefix == files->len)
    return;
  g_list_store_splice (self->file_list, prefix, n_old - prefix,
                       files->pdata + prefix, files->len - prefix);
}

static void
job_notify (BargeJob *self, guint prop_id)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/* Properties whose getter reads the kept value directly: a change is a notify. */
static const struct {
  const char *dbus_name;
  guint prop_id;
} plain_properties[] = {
  { "Id", PROP_ID },
  { "DisplayName", PROP_DISPLAY_NAME },
  { "Description", PROP_DESCRIPTION },
  { "Owner", PROP_OWNER },
  { "ErrorCount", PROP_ERROR_COUNT },
  { "MinimumRetryDelay", PROP_MINIMUM_RETRY_DELAY },
  { "NoProgressTimeout", PROP_NO_PROGRESS_TIMEOUT },
  { "MinimumNotificationInterval", PROP_MINIMUM_NOTIFICATION_INTERVAL },
  { "MaximumDownloadTime", PROP_MAXIMUM_DOWNLOAD_TIME },
  { "BandwidthLimit", PROP_BANDWIDTH_LIMIT },
  { "KeepAwake", PROP_KEEP_AWAKE },
  { "HttpStatus", PROP_HTTP_STATUS },
  { "ReplyFileName", PROP_REPLY_FILE_NAME },
  { "Credentials", PROP_CREDENTIALS },
};

/* @name changed in props: parse it again and notify what really changed. */
static void
barge_job_property_changed (BargeJob *self, const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (plain_properties); i++)
    if (g_str_equal (name, plain_properties[i].dbus_name))
      {
        job_notify (self, plain_properties[i].prop_id);
        return;
      }

  if (g_str_equal (name, "ReplyProgress"))
    {
      if (_barge_job_load_reply_progress (self))
        job_notify (self, PROP_REPLY_PROGRESS);
    }
  else if (g_str_equal (name, "NotifyFlags"))
    {
      if (_barge_job_load_notify_flags (self))
        job_notify (self, PROP_NOTIFY_FLAGS);
    }
  else if (g_str_equal (name, "NotifyCommandLine"))
    {
      if (_barge_job_load_notify_command_line (self))
        job_notify (self, PROP_NOTIFY_COMMAND_LINE);
    }
  else if (g_str_equal (name, "CostPolicy"))
    {
      BargeCostPolicy old = self->cost_policy;

      _barge_job_load_cost_policy (self);
      if (old != self->cost_policy)
        job_notify (self, PROP_COST_POLICY);
    }
  else if (g_str_equal (name, "HoldReason"))
    {
      BargeHoldReason old = self->hold_reason;

      _barge_job_load_hold_reason (self);
      if (old != self->hold_reason)
        job_notify (self, PROP_HOLD_REASON);
    }
  else if (g_str_equal (name, "UploadProtocol"))
    {
      BargeUploadProtocol old = self->upload_protocol;

      _barge_job_load_upload_protocol (self);
      if (old != self->upload_protocol)
        job_notify (self, PROP_UPLOAD_PROTOCOL);
    }
  else if (g_str_equal (name, "Type"))
    {
      BargeJobType old = self->job_type;

      _barge_job_load_type (self);
      if (old != self->job_type)
        job_notify (self, PROP_JOB_TYPE);
    }
  else if (g_str_equal (name, "State"))
    {
      BargeJobState old = self->state;

      _barge_job_load_state (self);
      if (old != self->state)
        job_notify (self, PROP_STATE);
    }
  else if (g_str_equal (name, "Priority"))
    {
      BargeJobPriority old = self->priority;

      _barge_job_load_priority (self);
      if (old != self->priority)
        job_notify (self, PROP_PRIORITY);
    }
  else if (g_str_equal (name, "Progress"))
    {
      if (_barge_job_load_progress (self))
        job_notify (self, PROP_PROGRESS);
    }
  else if (g_str_equal (name, "Times"))
    {
      gint64 old_creation = self->creation_time;
      gint64 old_modification = self->modification_time;
      gint64 old_completion = self->completion_time;

      _barge_job_load_times (self);
      if (old_creation != self->creation_time)
        job_notify (self, PROP_CREATION_TIME);
      if (old_modification != self->modification_time)
        job_notify (self, PROP_MODIFICATION_TIME);
      if (old_completion != self->completion_time)
        job_notify (self, PROP_COMPLETION_TIME);
    }
  else if (g_str_equal (name, "Error"))
    {
      BargeErrorContext old_context = self->error_context;
      g_autofree char *old_name = g_steal_pointer (&self->error_name);
      g_autofree char *old_message = g_steal_pointer (&self->error_message);
      g_autofree char *old_file = g_steal_pointer (&self->error_file_path);

      _barge_job_load_error (self);
      if (old_context != self->error_context)
        job_notify (self, PROP_ERROR_CONTEXT);
      if (g_strcmp0 (old_name, self->error_name) != 0)
        job_notify (self, PROP_ERROR_NAME);
      if (g_strcmp0 (old_message, self->error_message) != 0)
        job_notify (self, PROP_ERROR_MESSAGE);
      if (g_strcmp0 (old_file, self->error_file_path) != 0)
        job_notify (self, PROP_ERROR_FILE);
    }
}

/* Takes the values of @dict and notifies every property that changed, all
 * after all values are in: a handler of notify::state sees the hold reason
 * and the error that came with the state. Returns whether Files changed. */
static gboolean
barge_job_apply (BargeJob *self, GVariant *dict, guint64 stamp)
{
  g_autoptr(GPtrArray) changed = g_ptr_array_new ();
  gboolean files_changed = FALSE;

  _barge_props_apply (self->props, dict, stamp, changed);
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < changed->len; i++)
    {
      const char *name = g_ptr_array_index (changed, i);

      if (g_str_equal (name, "Files"))
        files_changed = TRUE;
      else
        barge_job_property_changed (self, name);
    }
  g_object_thaw_notify (G_OBJECT (self));
  return files_changed;
}

/* --- reading the files ----------------------------------------------------- */

static void
file_read_start (gpointer item, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  BargeFile *file = item;
  BargeJob *job = g_object_get_data (G_OBJECT (file), "barge-job");
  g_autoptr(BargeClient) client = _barge_job_dup_client (job);

  _barge_get_all (client, job->connection, barge_file_get_object_path (file),
                  BARGE_DBUS_FILE_INTERFACE, cancellable, callback, user_data);
}

static void
file_read_finish (gpointer item, GAsyncResult *res)
{
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GError) error = NULL;
  guint64 stamp;

  dict = _barge_get_all_finish (res, &stamp, &error);
  if (dict == NULL)
    g_debug ("Cannot read file %s: %s", barge_file_get_object_path (item), error->message);
  else
    _barge_file_apply (item, dict, stamp);
}

/* Reads @files (BargeFiles of @self) with a bounded number of calls in flight. */
static void
barge_job_read_files (BargeJob *self, GPtrArray *files, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  /* The batch passes only the item: each file says whose it is. */
  for (guint i = 0; i < files->len; i++)
    g_object_set_data (g_ptr_array_index (files, i), "barge-job", self);
  _barge_batch_run (files, file_read_start, file_read_finish, cancellable, callback, user_data);
}

/* Files that came with a PropertiesChanged signal. */
static void
on_new_files_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargeJob) self = user_data;

  _barge_batch_run_finish (res, NULL);
  barge_job_update_file_list (self);
}

/* --- reading the job again -------------------------------------------------- */

typedef struct {
  gboolean all_files;
} Refresh;

static void
refresh_done (GTask *task)
{
  BargeJob *self = g_task_get_source_object (task);

  self->loading--;
  g_task_return_boolean (task, TRUE);
}

static void
on_refresh_files_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargeJob *self = g_task_get_source_object (task);
  g_autoptr(BargeClient) client = NULL;
  g_autoptr(GError) error = NULL;

  if (!_barge_batch_run_finish (res, &error))
    {
      self->loading--;
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  barge_job_update_file_list (self);
  client = _barge_job_dup_client (self);
  if (client != NULL)
    _barge_client_job_loaded (client, self);
  refresh_done (task);
}

static void
on_refresh_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargeJob *self = g_task_get_source_object (task);
  Refresh *refresh = g_task_get_task_data (task);
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  guint64 stamp;

  dict = _barge_get_all_finish (res, &stamp, &error);
  if (dict == NULL)
    {
      self->loading--;
      /* Every object has Properties: no answer at the path, no job. */
      if (_barge_error_is_unknown_object (error) ||
          g_error_matches (error, BARGE_ERROR, BARGE_ERROR_NOT_FOUND))
        {
          _barge_job_set_removed (self, -1);
          g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_NOT_FOUND,
                                   _("The job %s no longer exists"), barge_job_get_id (self));
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  barge_job_apply (self, dict, stamp);
  self->loaded = TRUE;
  files = barge_job_files_to_read (self, refresh->all_files);
  /* Not one expression: the order of argument evaluation is unspecified. */
  cancellable = g_task_get_cancellable (task);
  barge_job_read_files (self, files, cancellable, on_refresh_files_read, g_steal_pointer (&task));
}

void
_barge_job_refresh_async (BargeJob *self, gboolean all_files, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(BargeClient) client = _barge_job_dup_client (self);
  Refresh *refresh = g_new0 (Refresh, 1);

  g_task_set_source_tag (task, _barge_job_refresh_async);
  refresh->all_files = all_files;
  g_task_set_task_data (task, refresh, g_free);
  self->loading++;
  _barge_get_all (client, self->connection, self->path, BARGE_DBUS_JOB_INTERFACE,
                  cancellable, on_refresh_read, g_steal_pointer (&task));
}

gboolean
_barge_job_refresh_finish (BargeJob *self, GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, self), FALSE);

  return g_task_propagate_boolean (G_TASK (res), error);
}

/* --- the daemon's signals -------------------------------------------------- */

static void
on_files_invalidated (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargeJob) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!_barge_job_refresh_finish (self, res, &error))
    g_debug ("Cannot read the files of job %s: %s", self->path, error->message);
}

typedef struct {
  BargeJob *job;
  GSourceFunc resume;
  gpointer resume_data;
} Resume;

static void
on_waited_file_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Resume *resume = user_data;

  _barge_batch_run_finish (res, NULL);
  barge_job_update_file_list (resume->job);
  resume->resume (resume->resume_data);
  g_object_unref (resume->job);
  g_free (resume);
}

static gboolean
barge_job_handle_file_transferred (BargeJob *self, GVariant *body,
                                   GSourceFunc resume, gpointer resume_data)
{
  const char *path;
  BargeFile *file;

  g_variant_get (body, "(&o)", &path);
  file = g_hash_table_lookup (self->files, path);
  if (file == NULL)
    {
      file = _barge_file_new (path);
      g_hash_table_insert (self->files, g_strdup (path), file);
    }
  /* The signal hands out the file: never one without its values. Handling
   * of the daemon's signals waits until they came. */
  if (!_barge_file_is_loaded (file) && g_object_get_data (G_OBJECT (file), "barge-waited") == NULL)
    {
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
      Resume *data = g_new0 (Resume, 1);

      /* One try only: a file that cannot be read is announced as it is. */
      g_object_set_data (G_OBJECT (file), "barge-waited", GINT_TO_POINTER (1));
      data->job = g_object_ref (self);
      data->resume = resume;
      data->resume_data = resume_data;
      g_ptr_array_add (files, g_object_ref (file));
      barge_job_read_files (self, files, NULL, on_waited_file_read, data);
      return FALSE;
    }
  g_signal_emit (self, signals[SIGNAL_FILE_TRANSFERRED], 0, file);
  return TRUE;
}

gboolean
_barge_job_handle_signal (BargeJob *self,
                          const char *path,
                          const char *interface,
                          const char *member,
                          GVariant *body,
                          guint64 stamp,
                          GSourceFunc resume,
                          gpointer resume_data)
{
  g_autoptr(BargeJob) keep = g_object_ref (self);

  if (g_str_equal (interface, BARGE_DBUS_PROPERTIES_INTERFACE))
    {
      g_autoptr(GVariant) changed = NULL;
      g_autofree const char **invalidated = NULL;
      const char *changed_interface;

      if (!g_str_equal (member, "PropertiesChanged") ||
          !g_variant_is_of_type (body, G_VARIANT_TYPE ("(sa{sv}as)")))
        return TRUE;
      g_variant_get (body, "(&s@a{sv}^a&s)", &changed_interface, &changed, &invalidated);
      if (g_str_equal (path, self->path) && g_str_equal (changed_interface, BARGE_DBUS_JOB_INTERFACE))
        {
          if (barge_job_apply (self, changed, stamp))
            {
              g_autoptr(GPtrArray) files = barge_job_files_to_read (self, FALSE);

              barge_job_read_files (self, files, NULL, on_new_files_read, g_object_ref (self));
            }
          /* barged sends Files without its value (EmitsChangedSignal=
           * invalidates): read the job again, and its new files with it. */
          if (g_strv_contains (invalidated, "Files"))
            _barge_job_refresh_async (self, FALSE, NULL, on_files_invalidated, g_object_ref (self));
        }
      else if (g_str_equal (changed_interface, BARGE_DBUS_FILE_INTERFACE))
        {
          BargeFile *file = g_hash_table_lookup (self->files, path);

          if (file != NULL)
            _barge_file_apply (file, changed, stamp);
        }
      return TRUE;
    }

  if (!g_str_equal (interface, BARGE_DBUS_JOB_INTERFACE) || !g_str_equal (path, self->path))
    return TRUE;
  if (g_str_equal (member, "Transferred"))
    g_signal_emit (self, signals[SIGNAL_TRANSFERRED], 0);
  else if (g_str_equal (member, "Modified"))
    g_signal_emit (self, signals[SIGNAL_MODIFIED], 0);
  else if (g_str_equal (member, "Failed") && g_variant_is_of_type (body, G_VARIANT_TYPE ("(sss)")))
    {
      const char *context, *error_name, *message;

      g_variant_get (body, "(&s&s&s)", &context, &error_name, &message);
      g_signal_emit (self, signals[SIGNAL_FAILED], 0, context, error_name, message);
    }
  else if (g_str_equal (member, "FileTransferred") && g_variant_is_of_type (body, G_VARIANT_TYPE ("(o)")))
    return barge_job_handle_file_transferred (self, body, resume, resume_data);
  return TRUE;
}

static void
barge_job_dispose (GObject *object)
{
  BargeJob *self = BARGE_JOB (object);

  g_list_store_remove_all (self->file_list);
  g_hash_table_remove_all (self->files);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (barge_job_parent_class)->dispose (object);
}

static void
barge_job_finalize (GObject *object)
{
  BargeJob *self = BARGE_JOB (object);

  g_weak_ref_clear (&self->client);
  g_free (self->path);
  _barge_props_free (self->props);
  g_clear_pointer (&self->progress, barge_progress_unref);
  g_clear_pointer (&self->reply_progress, barge_reply_progress_unref);
  g_strfreev (self->notify_command_line);
  g_free (self->error_name);
  g_free (self->error_message);
  g_free (self->error_file_path);
  g_hash_table_unref (self->files);
  g_object_unref (self->file_list);

  G_OBJECT_CLASS (barge_job_parent_class)->finalize (object);
}

static void
barge_job_get_gproperty (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BargeJob *self = BARGE_JOB (object);

  switch (prop_id)
    {
    case PROP_OBJECT_PATH:
      g_value_set_string (value, barge_job_get_object_path (self));
      break;
    case PROP_ID:
      g_value_set_string (value, barge_job_get_id (self));
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, barge_job_get_display_name (self));
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, barge_job_get_description (self));
      break;
    case PROP_JOB_TYPE:
      g_value_set_enum (value, self->job_type);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_PRIORITY:
      g_value_set_enum (value, self->priority);
      break;
    case PROP_OWNER:
      g_value_set_uint (value, barge_job_get_owner (self));
      break;
    case PROP_PROGRESS:
      g_value_set_boxed (value, self->progress);
      break;
    case PROP_CREATION_TIME:
      g_value_set_int64 (value, self->creation_time);
      break;
    case PROP_MODIFICATION_TIME:
      g_value_set_int64 (value, self->modification_time);
      break;
    case PROP_COMPLETION_TIME:
      g_value_set_int64 (value, self->completion_time);
      break;
    case PROP_ERROR_COUNT:
      g_value_set_uint (value, barge_job_get_error_count (self));
      break;
    case PROP_ERROR_CONTEXT:
      g_value_set_enum (value, self->error_context);
      break;
    case PROP_ERROR_NAME:
      g_value_set_string (value, self->error_name);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_ERROR_FILE:
      g_value_set_object (value, barge_job_get_error_file (self));
      break;
    case PROP_MINIMUM_RETRY_DELAY:
      g_value_set_uint (value, barge_job_get_minimum_retry_delay (self));
      break;
    case PROP_NO_PROGRESS_TIMEOUT:
      g_value_set_uint (value, barge_job_get_no_progress_timeout (self));
      break;
    case PROP_MINIMUM_NOTIFICATION_INTERVAL:
      g_value_set_uint (value, barge_job_get_minimum_notification_interval (self));
      break;
    case PROP_REPLY_PROGRESS:
      g_value_set_boxed (value, self->reply_progress);
      break;
    case PROP_MAXIMUM_DOWNLOAD_TIME:
      g_value_set_uint (value, barge_job_get_maximum_download_time (self));
      break;
    case PROP_NOTIFY_FLAGS:
      g_value_set_flags (value, self->notify_flags);
      break;
    case PROP_NOTIFY_COMMAND_LINE:
      g_value_set_boxed (value, self->notify_command_line);
      break;
    case PROP_COST_POLICY:
      g_value_set_enum (value, self->cost_policy);
      break;
    case PROP_BANDWIDTH_LIMIT:
      g_value_set_uint64 (value, barge_job_get_bandwidth_limit (self));
      break;
    case PROP_KEEP_AWAKE:
      g_value_set_boolean (value, barge_job_get_keep_awake (self));
      break;
    case PROP_HOLD_REASON:
      g_value_set_enum (value, self->hold_reason);
      break;
    case PROP_HTTP_STATUS:
      g_value_set_uint (value, barge_job_get_http_status (self));
      break;
    case PROP_UPLOAD_PROTOCOL:
      g_value_set_enum (value, self->upload_protocol);
      break;
    case PROP_REPLY_FILE_NAME:
      g_value_set_string (value, barge_job_get_reply_file_name (self));
      break;
    case PROP_CREDENTIALS:
      g_value_set_variant (value, barge_job_get_credentials (self));
      break;
    case PROP_FILE_LIST:
      g_value_set_object (value, self->file_list);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void barge_job_set_gproperty (GObject *object, guint prop_id, const GValue *value,
                                     GParamSpec *pspec);

static void
on_fire_and_forget_set_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *property_name = user_data;

  reply = _barge_job_call_finish (BARGE_JOB (source), res, barge_job_set_gproperty, &error);
  if (reply == NULL)
    g_debug ("Setting job property %s failed: %s", property_name, error->message);
}

/* Sends the change and returns at once; the property takes the new value
 * once the daemon accepted it. */
static void
barge_job_set_gproperty (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  BargeJob *self = BARGE_JOB (object);
  const BargeJobWritableProperty *property;
  g_autoptr(GError) error = NULL;
  GVariant *variant;

  /* Every writable property of the class is in the table under its name. */
  property = _barge_job_find_writable_property (g_param_spec_get_name (pspec));
  if (property == NULL)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }

  variant = _barge_job_value_to_variant (property, value, &error);
  if (variant == NULL)
    {
      g_debug ("Not setting job property %s: %s", g_param_spec_get_name (pspec), error->message);
      return;
    }
  _barge_job_set_dbus_property (self, property, variant, barge_job_set_gproperty, NULL,
                                on_fire_and_forget_set_done,
                                g_strdup (g_param_spec_get_name (pspec)));
}

static void
barge_job_class_init (BargeJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  /* Barge's D-Bus errors must map to BARGE_ERROR before any call. */
  (void) barge_error_quark ();

  object_class->dispose = barge_job_dispose;
  object_class->finalize = barge_job_finalize;
  object_class->get_property = barge_job_get_gproperty;
  object_class->set_property = barge_job_set_gproperty;

  /**
   * BargeJob:object-path:
   *
   * The D-Bus object path of the job, `/org/freedesktop/Barge1/jobs/ID`.
   */
  properties[PROP_OBJECT_PATH] =
    g_param_spec_string ("object-path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:id:
   *
   * The job's UUID in its usual form with dashes.
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:display-name:
   *
   * A name for users, at most 256 characters. Setting it sends the change
   * to the daemon; the property changes when the daemon announces it.
   */
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:description:
   *
   * A longer text for users, at most 1024 characters. Setting it sends the
   * change to the daemon; the property changes when the daemon announces it.
   */
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:job-type:
   *
   * What kind of job this is.
   */
  properties[PROP_JOB_TYPE] =
    g_param_spec_enum ("job-type", NULL, NULL,
                       BARGE_TYPE_JOB_TYPE, BARGE_JOB_TYPE_DOWNLOAD,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:state:
   *
   * Where the job is in its life cycle. After the daemon removed the job,
   * this is the final state it reported.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       BARGE_TYPE_JOB_STATE, BARGE_JOB_STATE_SUSPENDED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:priority:
   *
   * The priority of the job. Setting it sends the change to the daemon; the
   * property changes when the daemon announces it.
   */
  properties[PROP_PRIORITY] =
    g_param_spec_enum ("priority", NULL, NULL,
                       BARGE_TYPE_JOB_PRIORITY, BARGE_JOB_PRIORITY_NORMAL,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:owner:
   *
   * The Unix user id of the job's owner.
   */
  properties[PROP_OWNER] =
    g_param_spec_uint ("owner", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:progress:
   *
   * How far the job is. The daemon announces progress at most once per
   * [property@Barge.Job:minimum-notification-interval], and at once on every
   * state change.
   */
  properties[PROP_PROGRESS] =
    g_param_spec_boxed ("progress", NULL, NULL, BARGE_TYPE_PROGRESS,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:creation-time:
   *
   * When the job was created, in microseconds since the epoch.
   */
  properties[PROP_CREATION_TIME] =
    g_param_spec_int64 ("creation-time", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:modification-time:
   *
   * When the job last changed, in microseconds since the epoch.
   */
  properties[PROP_MODIFICATION_TIME] =
    g_param_spec_int64 ("modification-time", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:completion-time:
   *
   * When every file was transferred, in microseconds since the epoch, or 0
   * if that has not happened yet.
   */
  properties[PROP_COMPLETION_TIME] =
    g_param_spec_int64 ("completion-time", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:error-count:
   *
   * How many errors the job has had. Never reset.
   */
  properties[PROP_ERROR_COUNT] =
    g_param_spec_uint ("error-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:error-context:
   *
   * Where the current error happened; %BARGE_ERROR_CONTEXT_NONE unless the
   * job is in %BARGE_JOB_STATE_ERROR or %BARGE_JOB_STATE_TRANSIENT_ERROR.
   */
  properties[PROP_ERROR_CONTEXT] =
    g_param_spec_enum ("error-context", NULL, NULL,
                       BARGE_TYPE_ERROR_CONTEXT, BARGE_ERROR_CONTEXT_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:error-name:
   *
   * The D-Bus error name of the current error, such as
   * `org.freedesktop.Barge1.Error.RemoteNotFound`, or "" when there is none.
   * See [func@Barge.Error.from_dbus_name].
   */
  properties[PROP_ERROR_NAME] =
    g_param_spec_string ("error-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:error-message:
   *
   * A message for people about the current error, or "" when there is none.
   */
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:error-file:
   *
   * The file involved in the current error, or %NULL.
   */
  properties[PROP_ERROR_FILE] =
    g_param_spec_object ("error-file", NULL, NULL, BARGE_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:minimum-retry-delay:
   *
   * Seconds to wait after a transient error before the job is retried.
   * Setting it sends the change to the daemon; the property changes when the
   * daemon announces it.
   */
  properties[PROP_MINIMUM_RETRY_DELAY] =
    g_param_spec_uint ("minimum-retry-delay", NULL, NULL, 0, G_MAXUINT32, 600,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:no-progress-timeout:
   *
   * Seconds without progress, counted from the first transient error, after
   * which a transient error becomes an error. Setting it sends the change to
   * the daemon; the property changes when the daemon announces it.
   */
  properties[PROP_NO_PROGRESS_TIMEOUT] =
    g_param_spec_uint ("no-progress-timeout", NULL, NULL, 0, G_MAXUINT32, 1209600,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:minimum-notification-interval:
   *
   * Milliseconds between two progress announcements of the daemon. Setting
   * it sends the change to the daemon; the property changes when the daemon
   * announces it.
   */
  properties[PROP_MINIMUM_NOTIFICATION_INTERVAL] =
    g_param_spec_uint ("minimum-notification-interval", NULL, NULL, 0, G_MAXUINT32, 500,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:reply-progress:
   *
   * How far the reply of an upload-reply job is. For other job types the
   * total is always %BARGE_SIZE_UNKNOWN and nothing is transferred.
   */
  properties[PROP_REPLY_PROGRESS] =
    g_param_spec_boxed ("reply-progress", NULL, NULL, BARGE_TYPE_REPLY_PROGRESS,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:maximum-download-time:
   *
   * Seconds the job may spend connecting and transferring in all before it
   * fails with %BARGE_ERROR_MAXIMUM_TIME_EXCEEDED; 0 means no limit. Setting
   * it sends the change to the daemon; the property changes when the daemon
   * announces it.
   */
  properties[PROP_MAXIMUM_DOWNLOAD_TIME] =
    g_param_spec_uint ("maximum-download-time", NULL, NULL, 0, G_MAXUINT32, 7776000,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:notify-flags:
   *
   * Which events the daemon announces for this job. Without
   * %BARGE_NOTIFY_FLAGS_MODIFICATION, [property@Barge.Job:progress] only
   * changes with the state. Setting it sends the change to the daemon; the
   * property changes when the daemon announces it.
   */
  properties[PROP_NOTIFY_FLAGS] =
    g_param_spec_flags ("notify-flags", NULL, NULL, BARGE_TYPE_NOTIFY_FLAGS,
                        BARGE_NOTIFY_FLAGS_TRANSFERRED | BARGE_NOTIFY_FLAGS_ERROR,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:notify-command-line:
   *
   * A program the daemon runs as the job's owner when the job is transferred
   * or fails, instead of the signal (BITS `SetNotifyCmdLine`): the absolute
   * path of the program, then its arguments. Empty for none. Setting it sends
   * the change to the daemon; the property changes when the daemon announces it.
   */
  properties[PROP_NOTIFY_COMMAND_LINE] =
    g_param_spec_boxed ("notify-command-line", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:cost-policy:
   *
   * On which networks the job may transfer. Setting it sends the change to
   * the daemon; the property changes when the daemon announces it.
   */
  properties[PROP_COST_POLICY] =
    g_param_spec_enum ("cost-policy", NULL, NULL, BARGE_TYPE_COST_POLICY, BARGE_COST_POLICY_ANY,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:bandwidth-limit:
   *
   * The most bytes per second the job moves, all its files together (what
   * a download reads from the network, or an upload sends); 0 means no
   * limit of the job's own. The daemon takes 0, or 1024 (1 KiB/s) to
   * 100000000000 (100 GB/s), and refuses other values with
   * %BARGE_ERROR_INVALID_ARGUMENT. Jobs of a background priority also share
   * [property@Barge.Client:background-bandwidth-limit]; the lower of the two
   * holds. A change applies at once to the transfers in flight. Setting it
   * sends the change to the daemon; the property changes when the daemon
   * announces it. Also an option of a new job
   * ([method@Barge.JobOptions.set_bandwidth_limit]).
   */
  properties[PROP_BANDWIDTH_LIMIT] =
    g_param_spec_uint64 ("bandwidth-limit", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:keep-awake:
   *
   * Whether the job keeps the machine awake (a logind "block" inhibitor)
   * while it transfers with %BARGE_JOB_PRIORITY_FOREGROUND. Chosen when the
   * job is created ([method@Barge.JobOptions.set_keep_awake]); a lower
   * priority later sets it aside until the job is in the foreground again.
   */
  properties[PROP_KEEP_AWAKE] =
    g_param_spec_boolean ("keep-awake", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:hold-reason:
   *
   * Why a queued job, or one in a transient error, is not transferring.
   */
  properties[PROP_HOLD_REASON] =
    g_param_spec_enum ("hold-reason", NULL, NULL, BARGE_TYPE_HOLD_REASON, BARGE_HOLD_REASON_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:http-status:
   *
   * The HTTP status of the response that caused the current error, or 0.
   */
  properties[PROP_HTTP_STATUS] =
    g_param_spec_uint ("http-status", NULL, NULL, 0, G_MAXUINT32, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:upload-protocol:
   *
   * How an upload job sends its file; %BARGE_UPLOAD_PROTOCOL_NONE for
   * download jobs. Chosen when the job is created (see
   * [method@Barge.JobOptions.set_upload_protocol]).
   */
  properties[PROP_UPLOAD_PROTOCOL] =
    g_param_spec_enum ("upload-protocol", NULL, NULL, BARGE_TYPE_UPLOAD_PROTOCOL,
                       BARGE_UPLOAD_PROTOCOL_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:reply-file-name:
   *
   * For upload-reply jobs, the absolute path where the reply is kept; it
   * becomes visible when the job is completed. Writable until the reply
   * starts; "" lets the daemon keep the reply (read it with
   * [method@Barge.Job.get_reply_data_async]). Setting it sends the change to
   * the daemon; the property changes when the daemon announces it.
   */
  properties[PROP_REPLY_FILE_NAME] =
    g_param_spec_string ("reply-file-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:credentials:
   *
   * The targets and schemes the job has credentials for, as a variant of
   * type `a(ss)`, such as `[("server", "basic")]`. Secrets are never shown.
   * See [method@Barge.Job.has_credentials].
   */
  properties[PROP_CREDENTIALS] =
    g_param_spec_variant ("credentials", NULL, NULL, G_VARIANT_TYPE ("a(ss)"), NULL,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:file-list:
   *
   * The files of the job, in the order they were added, as a
   * [iface@Gio.ListModel] of [class@Barge.File] that follows the `Files`
   * property of the daemon (for list views). The model itself never
   * changes; it emits [signal@Gio.ListModel::items-changed].
   */
  properties[PROP_FILE_LIST] =
    g_param_spec_object ("file-list", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BargeJob::transferred:
   * @job: the job
   *
   * Emitted when the job reaches %BARGE_JOB_STATE_TRANSFERRED. Call
   * [method@Barge.Job.complete_async] to make the files visible.
   */
  signals[SIGNAL_TRANSFERRED] =
    g_signal_new ("transferred",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * BargeJob::failed:
   * @job: the job
   * @context: where the error happened, as a #BargeErrorContext string such
   *   as `remote-file`
   * @error_name: the D-Bus error name, such as
   *   `org.freedesktop.Barge1.Error.RemoteNotFound`
   * @message: a message for people
   *
   * Emitted when the job reaches %BARGE_JOB_STATE_ERROR. Fix the cause and
   * resume the job, or cancel it.
   */
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * BargeJob::file-transferred:
   * @job: the job
   * @file: the file that was transferred
   *
   * Emitted when one file of the job is fully transferred.
   */
  signals[SIGNAL_FILE_TRANSFERRED] =
    g_signal_new ("file-transferred",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  BARGE_TYPE_FILE);

  /**
   * BargeJob::modified:
   * @job: the job
   *
   * Emitted when the job changed (progress, state, files or a property),
   * only while #BargeJob:notify-flags holds %BARGE_NOTIFY_FLAGS_MODIFICATION
   * (BITS JobModification). Property notifications are sent either way;
   * this signal is for applications that want one event per change.
   */
  signals[SIGNAL_MODIFIED] =
    g_signal_new ("modified",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
barge_job_init (BargeJob *self)
{
  self->props = _barge_props_new (barge_dbus_job_interface_info ());
  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->file_list = g_list_store_new (BARGE_TYPE_FILE);
  self->job_type = BARGE_JOB_TYPE_DOWNLOAD;
  self->state = BARGE_JOB_STATE_SUSPENDED;
  self->priority = BARGE_JOB_PRIORITY_NORMAL;
  self->progress = barge_progress_new (BARGE_SIZE_UNKNOWN, 0, 0, 0);
  self->reply_progress = barge_reply_progress_new (BARGE_SIZE_UNKNOWN, 0);
  self->notify_flags = BARGE_NOTIFY_FLAGS_TRANSFERRED | BARGE_NOTIFY_FLAGS_ERROR;
  self->notify_command_line = g_new0 (char *, 1);
  self->error_name = g_strdup ("");
  self->error_message = g_strdup ("");
  self->error_file_path = g_strdup ("");
}

/* A job without values yet: the client hands it out once it has them. */
BargeJob *
_barge_job_new (BargeClient *client, GDBusConnection *connection, const char *path)
{
  BargeJob *self = g_object_new (BARGE_TYPE_JOB, NULL);

  g_weak_ref_init (&self->client, client);
  self->connection = g_object_ref (connection);
  self->path = g_strdup (path);
  return self;
}

BargeClient *
_barge_job_dup_client (BargeJob *job)
{
  return g_weak_ref_get (&job->client);
}

GDBusConnection *
_barge_job_get_connection (BargeJob *job)
{
  return job->connection;
}

gboolean
_barge_job_is_announced (BargeJob *job)
{
  return job->announced;
}

void
_barge_job_set_announced (BargeJob *job)
{
  job->announced = TRUE;
}

gboolean
_barge_job_is_removed (BargeJob *job)
{
  return job->removed;
}

gboolean
_barge_job_is_loading_or_loaded (BargeJob *job)
{
  return job->loaded || job->loading > 0;
}

void
_barge_job_detach (BargeJob *job)
{
  g_weak_ref_set (&job->client, NULL);
}

void
_barge_job_set_removed (BargeJob *job, int final_state)
{
  g_autoptr(BargeClient) client = NULL;

  g_return_if_fail (BARGE_IS_JOB (job));

  if (job->removed)
    return;
  job->removed = TRUE;
  if (final_state >= 0 && job->state != (BargeJobState) final_state)
    {
      job->state = final_state;
      job_notify (job, PROP_STATE);
    }
  client = _barge_job_dup_client (job);
  if (client != NULL)
    _barge_client_job_gone (client, job);
}
