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
  { "MaxSegments", PROP_MAX_SEGMENTS },
  { "KeepAwake", PROP_KEEP_AWAKE },
  { "NotBefore", PROP_NOT_BEFORE },
  { "TransferWindow", PROP_TRANSFER_WINDOW },
  { "SizeHint", PROP_SIZE_HINT },
  { "HttpStatus", PROP_HTTP_STATUS },
  { "ReplyFileName", PROP_REPLY_FILE_NAME },
  { "Credentials", PROP_CREDENTIALS },
  { "RedirectPolicy", PROP_REDIRECT_POLICY },
  { "AllowHttpsToHttp", PROP_ALLOW_HTTPS_TO_HTTP },
  { "CustomHeaders", PROP_CUSTOM_HEADERS },
  { "TlsCaFile", PROP_TLS_CA_FILE },
  { "TlsClientCertificate", PROP_TLS_CLIENT_CERTIFICATE },
  { "TlsCrlFile", PROP_TLS_CRL_FILE },
  { "TlsIgnore", PROP_TLS_IGNORE },
  { "ProxyUsage", PROP_PROXY_USAGE },
  { "ProxyList", PROP_PROXY_LIST },
  { "ProxyBypassList", PROP_PROXY_BYPASS_LIST },
  { "CustomHeadersWriteOnly", PROP_CUSTOM_HEADERS_WRITE_ONLY },
  { "TlsCheckRevocation", PROP_TLS_CHECK_REVOCATION },
};

/* A download job that goes from "transferred" to "acknowledged" had every
 * file renamed into place: the daemon says so with the State alone, not
 * with each file's Progress (its files' objects go with the job). Its
 * files become complete here, before the job's :state is notified. */
static void
files_completed_with (BargeJob *self, BargeJobState old, BargeJobState now)
{
  GHashTableIter iter;
  gpointer file;

  if (old != BARGE_JOB_STATE_TRANSFERRED || now != BARGE_JOB_STATE_ACKNOWLEDGED ||
      self->job_type != BARGE_JOB_TYPE_DOWNLOAD)
    return;
  g_hash_table_iter_init (&iter, self->files);
  while (g_hash_table_iter_next (&iter, NULL, &file))
    _barge_file_set_completed (file);
}

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
        {
          files_completed_with (self, old, self->state);
          job_notify (self, PROP_STATE);
        }
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
  g_autoptr(BargeClient) client = _barge_job_dup_client (self);
  gboolean files_changed = FALSE;

  _barge_props_apply (self->props, dict, stamp, changed);
  _barge_client_enter (client);
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
  _barge_client_leave (client);
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
    case PROP_MAX_SEGMENTS:
      g_value_set_uint (value, barge_job_get_max_segments (self));
      break;
    case PROP_KEEP_AWAKE:
      g_value_set_boolean (value, barge_job_get_keep_awake (self));
      break;
    case PROP_NOT_BEFORE:
      g_value_set_int64 (value, barge_job_get_not_before (self));
      break;
    case PROP_TRANSFER_WINDOW:
      g_value_set_string (value, barge_job_get_transfer_window (self));
      break;
    case PROP_SIZE_HINT:
      g_value_set_uint64 (value, barge_job_get_size_hint (self));
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
    case PROP_REDIRECT_POLICY:
      g_value_set_enum (value, barge_job_get_redirect_policy (self));
      break;
    case PROP_ALLOW_HTTPS_TO_HTTP:
      g_value_set_boolean (value, barge_job_get_allow_https_to_http (self));
      break;
    case PROP_CUSTOM_HEADERS:
      g_value_take_boxed (value, barge_job_dup_custom_header_names (self));
      break;
    case PROP_TLS_CA_FILE:
      g_value_set_string (value, barge_job_get_tls_ca_file (self));
      break;
    case PROP_TLS_CLIENT_CERTIFICATE:
      g_value_set_string (value, barge_job_get_tls_client_certificate (self));
      break;
    case PROP_TLS_CRL_FILE:
      g_value_set_string (value, barge_job_get_tls_crl_file (self));
      break;
    case PROP_TLS_IGNORE:
      g_value_take_boxed (value, barge_job_dup_tls_ignore (self));
      break;
    case PROP_PROXY_USAGE:
      g_value_set_enum (value, barge_job_get_proxy_usage (self));
      break;
    case PROP_PROXY_LIST:
      g_value_take_boxed (value, barge_job_dup_proxy_list (self));
      break;
    case PROP_PROXY_BYPASS_LIST:
      g_value_take_boxed (value, barge_job_dup_proxy_bypass_list (self));
      break;
    case PROP_CUSTOM_HEADERS_WRITE_ONLY:
      g_value_set_boolean (value, barge_job_get_custom_headers_write_only (self));
      break;
    case PROP_TLS_CHECK_REVOCATION:
      g_value_set_boolean (value, barge_job_get_tls_check_revocation (self));
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

  _barge_job_make_properties (properties);
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
  client = _barge_job_dup_client (job);
  if (final_state >= 0 && job->state != (BargeJobState) final_state)
    {
      _barge_client_enter (client);
      files_completed_with (job, job->state, final_state);
      job->state = final_state;
      job_notify (job, PROP_STATE);
      _barge_client_leave (client);
    }
  if (client != NULL)
    _barge_client_job_gone (client, job);
}
