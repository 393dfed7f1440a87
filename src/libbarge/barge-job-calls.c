/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include "barge-private.h"
#include "barge-enum-types.h"

/* The method calls of BargeJob and the writes of its properties; the
 * object itself is in barge-job.c. */

typedef enum {
  VALUE_KIND_STRING,
  VALUE_KIND_UINT,
  VALUE_KIND_PRIORITY,
} ValueKind;

struct _BargeJobWritableProperty {
  const char *property_name;
  const char *dbus_name;
  ValueKind kind;
};

static const BargeJobWritableProperty writable_properties[] = {
  { "display-name", "DisplayName", VALUE_KIND_STRING },
  { "description", "Description", VALUE_KIND_STRING },
  { "priority", "Priority", VALUE_KIND_PRIORITY },
  { "minimum-retry-delay", "MinimumRetryDelay", VALUE_KIND_UINT },
  { "no-progress-timeout", "NoProgressTimeout", VALUE_KIND_UINT },
  { "minimum-notification-interval", "MinimumNotificationInterval", VALUE_KIND_UINT },
};

static const char *
nonnull (const char *str)
{
  return str != NULL ? str : "";
}

/* Method calls */

static gboolean
barge_job_check_result (BargeJob *job, GAsyncResult *res, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (g_task_is_valid (res, job), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (res, source_tag), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  return TRUE;
}

static void
on_call_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), res, &error);
  if (reply == NULL)
    {
      _barge_error_strip (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, reply, (GDestroyNotify) g_variant_unref);
}

/* @parameters is consumed if floating. */
static void
barge_job_call (BargeJob *job,
                const char *method,
                GVariant *parameters,
                gpointer source_tag,
                GCancellable *cancellable,
                GAsyncReadyCallback callback,
                gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (job, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_dbus_proxy_call (G_DBUS_PROXY (_barge_job_get_proxy (job)), method, parameters,
                     G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                     on_call_done, g_steal_pointer (&task));
}

static GVariant *
barge_job_call_sync (BargeJob *job,
                     const char *method,
                     GVariant *parameters,
                     GCancellable *cancellable,
                     GError **error)
{
  g_autoptr(GError) local_error = NULL;
  GVariant *reply;

  reply = g_dbus_proxy_call_sync (G_DBUS_PROXY (_barge_job_get_proxy (job)), method, parameters,
                                  G_DBUS_CALL_FLAGS_NONE, -1, cancellable, &local_error);
  if (reply == NULL)
    {
      _barge_error_strip (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
    }
  return reply;
}

static gboolean
barge_job_call_finish_boolean (BargeJob *job, GAsyncResult *res, gpointer source_tag, GError **error)
{
  g_autoptr(GVariant) reply = NULL;

  if (!barge_job_check_result (job, res, source_tag, error))
    return FALSE;
  reply = g_task_propagate_pointer (G_TASK (res), error);
  return reply != NULL;
}

static gboolean
barge_job_call_sync_boolean (BargeJob *job,
                             const char *method,
                             GVariant *parameters,
                             GCancellable *cancellable,
                             GError **error)
{
  g_autoptr(GVariant) reply = barge_job_call_sync (job, method, parameters, cancellable, error);

  return reply != NULL;
}

static GVariant *
add_files_parameters (const char * const *remote_urls,
                      const char * const *local_paths,
                      GError **error)
{
  GVariantBuilder builder;
  guint n_urls, n_paths;

  n_urls = remote_urls != NULL ? g_strv_length ((char **) remote_urls) : 0;
  n_paths = local_paths != NULL ? g_strv_length ((char **) local_paths) : 0;
  if (n_urls != n_paths)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "%u remote URLs but %u local paths", n_urls, n_paths);
      return NULL;
    }

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  for (guint i = 0; i < n_urls; i++)
    g_variant_builder_add (&builder, "(ss)", remote_urls[i], local_paths[i]);
  return g_variant_new ("(a(ss))", &builder);
}

/**
 * barge_job_add_file_async:
 * @job: a #BargeJob
 * @remote_url: an http or https URL, at most 2200 characters
 * @local_path: the absolute path of the file to create, in an existing folder
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Adds a file to a download job. The job must not be in a final state or
 * transferring.
 */
void
barge_job_add_file_async (BargeJob *job,
                          const char *remote_url,
                          const char *local_path,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (remote_url != NULL);
  g_return_if_fail (local_path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  barge_job_call (job, "AddFile", g_variant_new ("(ss)", remote_url, local_path),
                  barge_job_add_file_async, cancellable, callback, user_data);
}

/**
 * barge_job_add_file_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.add_file_async].
 *
 * Returns: %TRUE if the file was added
 */
gboolean
barge_job_add_file_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  return barge_job_call_finish_boolean (job, res, barge_job_add_file_async, error);
}

/**
 * barge_job_add_file_sync:
 * @job: a #BargeJob
 * @remote_url: an http or https URL, at most 2200 characters
 * @local_path: the absolute path of the file to create, in an existing folder
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Adds a file to a download job, blocking until the daemon answered. See
 * [method@Barge.Job.add_file_async].
 *
 * Returns: %TRUE if the file was added
 */
gboolean
barge_job_add_file_sync (BargeJob *job,
                         const char *remote_url,
                         const char *local_path,
                         GCancellable *cancellable,
                         GError **error)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (remote_url != NULL, FALSE);
  g_return_val_if_fail (local_path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return barge_job_call_sync_boolean (job, "AddFile",
                                      g_variant_new ("(ss)", remote_url, local_path),
                                      cancellable, error);
}

/**
 * barge_job_add_files_async:
 * @job: a #BargeJob
 * @remote_urls: (array zero-terminated=1): http or https URLs
 * @local_paths: (array zero-terminated=1): the absolute paths of the files to
 *   create, one for each URL
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Adds several files to a download job at once: either all are added or
 * none is. The two arrays must have the same length, otherwise the call
 * fails with %BARGE_ERROR_INVALID_ARGUMENT.
 */
void
barge_job_add_files_async (BargeJob *job,
                           const char * const *remote_urls,
                           const char * const *local_paths,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  GVariant *parameters;

  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  parameters = add_files_parameters (remote_urls, local_paths, &error);
  if (parameters == NULL)
    {
      g_task_report_error (job, callback, user_data, barge_job_add_files_async,
                           g_steal_pointer (&error));
      return;
    }
  barge_job_call (job, "AddFiles", parameters, barge_job_add_files_async,
                  cancellable, callback, user_data);
}

/**
 * barge_job_add_files_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.add_files_async].
 *
 * Returns: %TRUE if the files were added
 */
gboolean
barge_job_add_files_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  return barge_job_call_finish_boolean (job, res, barge_job_add_files_async, error);
}

/**
 * barge_job_add_files_sync:
 * @job: a #BargeJob
 * @remote_urls: (array zero-terminated=1): http or https URLs
 * @local_paths: (array zero-terminated=1): the absolute paths of the files to
 *   create, one for each URL
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Adds several files to a download job at once, blocking until the daemon
 * answered. See [method@Barge.Job.add_files_async].
 *
 * Returns: %TRUE if the files were added
 */
gboolean
barge_job_add_files_sync (BargeJob *job,
                          const char * const *remote_urls,
                          const char * const *local_paths,
                          GCancellable *cancellable,
                          GError **error)
{
  GVariant *parameters;

  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  parameters = add_files_parameters (remote_urls, local_paths, error);
  if (parameters == NULL)
    return FALSE;
  return barge_job_call_sync_boolean (job, "AddFiles", parameters, cancellable, error);
}

/**
 * barge_job_resume_async:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Queues @job for transfer. A job with no files fails with
 * %BARGE_ERROR_EMPTY; a job in a final state with %BARGE_ERROR_INVALID_STATE.
 */
void
barge_job_resume_async (BargeJob *job,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  barge_job_call (job, "Resume", NULL, barge_job_resume_async, cancellable, callback, user_data);
}

/**
 * barge_job_resume_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.resume_async].
 *
 * Returns: %TRUE if the job was resumed
 */
gboolean
barge_job_resume_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  return barge_job_call_finish_boolean (job, res, barge_job_resume_async, error);
}

/**
 * barge_job_resume_sync:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Queues @job for transfer, blocking until the daemon answered. See
 * [method@Barge.Job.resume_async].
 *
 * Returns: %TRUE if the job was resumed
 */
gboolean
barge_job_resume_sync (BargeJob *job, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return barge_job_call_sync_boolean (job, "Resume", NULL, cancellable, error);
}

/**
 * barge_job_suspend_async:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Stops the transfer of @job and puts it in %BARGE_JOB_STATE_SUSPENDED. Data
 * already received is kept.
 */
void
barge_job_suspend_async (BargeJob *job,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  barge_job_call (job, "Suspend", NULL, barge_job_suspend_async, cancellable, callback, user_data);
}

/**
 * barge_job_suspend_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.suspend_async].
 *
 * Returns: %TRUE if the job was suspended
 */
gboolean
barge_job_suspend_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  return barge_job_call_finish_boolean (job, res, barge_job_suspend_async, error);
}

/**
 * barge_job_suspend_sync:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Suspends @job, blocking until the daemon answered. See
 * [method@Barge.Job.suspend_async].
 *
 * Returns: %TRUE if the job was suspended
 */
gboolean
barge_job_suspend_sync (BargeJob *job, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return barge_job_call_sync_boolean (job, "Suspend", NULL, cancellable, error);
}

/**
 * barge_job_cancel_async:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Stops @job, deletes its temporary files and ends it in
 * %BARGE_JOB_STATE_CANCELLED. The daemon then removes the job.
 */
void
barge_job_cancel_async (BargeJob *job,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  barge_job_call (job, "Cancel", NULL, barge_job_cancel_async, cancellable, callback, user_data);
}

/**
 * barge_job_cancel_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.cancel_async].
 *
 * Returns: %TRUE if the job was cancelled
 */
gboolean
barge_job_cancel_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  return barge_job_call_finish_boolean (job, res, barge_job_cancel_async, error);
}

/**
 * barge_job_cancel_sync:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Cancels @job, blocking until the daemon answered. See
 * [method@Barge.Job.cancel_async].
 *
 * Returns: %TRUE if the job was cancelled
 */
gboolean
barge_job_cancel_sync (BargeJob *job, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return barge_job_call_sync_boolean (job, "Cancel", NULL, cancellable, error);
}

/**
 * barge_job_complete_async:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Renames every fully transferred file of @job to its final name, deletes the
 * temporary files of the others and ends the job in
 * %BARGE_JOB_STATE_ACKNOWLEDGED. The daemon then removes the job. If a rename
 * fails, the job stays and the call fails with %BARGE_ERROR_LOCAL_FILE.
 */
void
barge_job_complete_async (BargeJob *job,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  barge_job_call (job, "Complete", NULL, barge_job_complete_async, cancellable, callback, user_data);
}

/**
 * barge_job_complete_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.complete_async].
 *
 * Returns: %TRUE if the job was completed
 */
gboolean
barge_job_complete_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  return barge_job_call_finish_boolean (job, res, barge_job_complete_async, error);
}

/**
 * barge_job_complete_sync:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Completes @job, blocking until the daemon answered. See
 * [method@Barge.Job.complete_async].
 *
 * Returns: %TRUE if the job was completed
 */
gboolean
barge_job_complete_sync (BargeJob *job, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return barge_job_call_sync_boolean (job, "Complete", NULL, cancellable, error);
}

static BargeProgress *
progress_from_reply (GVariant *reply)
{
  guint64 bytes_total, bytes_transferred, files_total, files_transferred;

  g_variant_get (reply, "((tttt))", &bytes_total, &bytes_transferred, &files_total, &files_transferred);
  return barge_progress_new (bytes_total, bytes_transferred, files_total, files_transferred);
}

static void
on_get_progress_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), res, &error);
  if (reply == NULL)
    {
      _barge_error_strip (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, progress_from_reply (reply), (GDestroyNotify) barge_progress_unref);
}

/**
 * barge_job_get_progress_async:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Asks the daemon for the current progress of @job, which may be ahead of
 * [property@Barge.Job:progress]: announcements are coalesced, this answer is not.
 */
void
barge_job_get_progress_async (BargeJob *job,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  GTask *task;

  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (job, cancellable, callback, user_data);
  g_task_set_source_tag (task, barge_job_get_progress_async);
  g_dbus_proxy_call (G_DBUS_PROXY (_barge_job_get_proxy (job)), "GetProgress", NULL,
                     G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                     on_get_progress_done, task);
}

/**
 * barge_job_get_progress_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.get_progress_async].
 *
 * Returns: (transfer full): the progress, or %NULL on error
 */
BargeProgress *
barge_job_get_progress_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  if (!barge_job_check_result (job, res, barge_job_get_progress_async, error))
    return NULL;
  return g_task_propagate_pointer (G_TASK (res), error);
}

/**
 * barge_job_get_progress_sync:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Asks the daemon for the current progress of @job, blocking until it
 * answered. See [method@Barge.Job.get_progress_async].
 *
 * Returns: (transfer full): the progress, or %NULL on error
 */
BargeProgress *
barge_job_get_progress_sync (BargeJob *job, GCancellable *cancellable, GError **error)
{
  g_autoptr(GVariant) reply = NULL;

  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  reply = barge_job_call_sync (job, "GetProgress", NULL, cancellable, error);
  if (reply == NULL)
    return NULL;
  return progress_from_reply (reply);
}

/* Writable properties */

const BargeJobWritableProperty *
_barge_job_find_writable_property (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (writable_properties); i++)
    {
      if (g_str_equal (writable_properties[i].property_name, name) ||
          g_str_equal (writable_properties[i].dbus_name, name))
        return &writable_properties[i];
    }
  return NULL;
}

static gboolean
value_to_int64 (const GValue *value, gint64 *out)
{
  if (G_VALUE_HOLDS_UINT (value))
    *out = g_value_get_uint (value);
  else if (G_VALUE_HOLDS_INT (value))
    *out = g_value_get_int (value);
  else if (G_VALUE_HOLDS_INT64 (value))
    *out = g_value_get_int64 (value);
  else if (G_VALUE_HOLDS_LONG (value))
    *out = g_value_get_long (value);
  else if (G_VALUE_HOLDS_ULONG (value) && g_value_get_ulong (value) <= G_MAXINT64)
    *out = (gint64) g_value_get_ulong (value);
  else if (G_VALUE_HOLDS_UINT64 (value) && g_value_get_uint64 (value) <= G_MAXINT64)
    *out = (gint64) g_value_get_uint64 (value);
  else
    return FALSE;
  return TRUE;
}

/* Returns a floating variant of the D-Bus type of @property. Bindings hand
 * over numbers as whatever integer type they like, and priorities as enum,
 * nick or number, so all of these are accepted. */
GVariant *
_barge_job_value_to_variant (const BargeJobWritableProperty *property,
                             const GValue *value,
                             GError **error)
{
  gint64 number;

  switch (property->kind)
    {
    case VALUE_KIND_STRING:
      if (G_VALUE_HOLDS_STRING (value))
        return g_variant_new_string (nonnull (g_value_get_string (value)));
      break;

    case VALUE_KIND_UINT:
      if (value_to_int64 (value, &number))
        {
          if (number < 0 || number > G_MAXUINT32)
            {
              g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                           "%" G_GINT64_FORMAT " is out of range for %s",
                           number, property->property_name);
              return NULL;
            }
          return g_variant_new_uint32 ((guint32) number);
        }
      break;

    case VALUE_KIND_PRIORITY:
      {
        const char *nick = NULL;

        if (G_VALUE_HOLDS (value, BARGE_TYPE_JOB_PRIORITY))
          nick = barge_job_priority_to_string (g_value_get_enum (value));
        else if (G_VALUE_HOLDS_STRING (value))
          {
            BargeJobPriority priority;

            if (barge_job_priority_from_string (g_value_get_string (value), &priority))
              nick = barge_job_priority_to_string (priority);
          }
        else if (value_to_int64 (value, &number) && number >= 0 && number <= G_MAXINT)
          nick = barge_job_priority_to_string ((BargeJobPriority) number);
        else
          break;

        if (nick == NULL)
          {
            g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                         "Not a job priority");
            return NULL;
          }
        return g_variant_new_string (nick);
      }

    default:
      g_assert_not_reached ();
    }

  g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
               "A value of type %s does not fit job property %s",
               G_VALUE_TYPE_NAME (value), property->property_name);
  return NULL;
}

/* The explicit Properties.Set (rather than the generated proxy setters,
 * which only warn) is what lets the daemon's refusal reach the caller. */
void
_barge_job_send_property (BargeJob *self,
                          const BargeJobWritableProperty *property,
                          GVariant *variant,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  GDBusProxy *proxy = G_DBUS_PROXY (_barge_job_get_proxy (self));

  g_dbus_connection_call (g_dbus_proxy_get_connection (proxy),
                          g_dbus_proxy_get_name (proxy),
                          g_dbus_proxy_get_object_path (proxy),
                          "org.freedesktop.DBus.Properties", "Set",
                          g_variant_new ("(ssv)", BARGE_DBUS_JOB_INTERFACE,
                                         property->dbus_name, variant),
                          G_VARIANT_TYPE_UNIT,
                          G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                          callback, user_data);
}

static void
on_set_property_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);
  if (reply == NULL)
    {
      _barge_error_strip (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * barge_job_set_property_async:
 * @job: a #BargeJob
 * @property_name: the name of a writable property: `display-name`,
 *   `description`, `priority`, `minimum-retry-delay`, `no-progress-timeout`
 *   or `minimum-notification-interval` (the D-Bus names such as
 *   `DisplayName` work too)
 * @value: the new value: a string for the names, a #BargeJobPriority, its
 *   string or its number for the priority, an unsigned number for the others
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Changes a writable property of @job and reports whether the daemon accepted
 * it. An unknown or read-only property, or a value of the wrong type, fails
 * with %BARGE_ERROR_INVALID_ARGUMENT. The property takes the new value when
 * the daemon announces it.
 */
void
barge_job_set_property_async (BargeJob *job,
                              const char *property_name,
                              const GValue *value,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  const BargeJobWritableProperty *property;
  GVariant *variant;

  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (property_name != NULL);
  g_return_if_fail (G_IS_VALUE (value));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (job, cancellable, callback, user_data);
  g_task_set_source_tag (task, barge_job_set_property_async);

  property = _barge_job_find_writable_property (property_name);
  if (property == NULL)
    {
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                               "“%s” is not a writable property of a job", property_name);
      return;
    }

  variant = _barge_job_value_to_variant (property, value, &error);
  if (variant == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  _barge_job_send_property (job, property, variant, cancellable,
                            on_set_property_done, g_steal_pointer (&task));
}

/**
 * barge_job_set_property_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.set_property_async].
 *
 * Returns: %TRUE if the daemon accepted the new value
 */
gboolean
barge_job_set_property_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  if (!barge_job_check_result (job, res, barge_job_set_property_async, error))
    return FALSE;
  return g_task_propagate_boolean (G_TASK (res), error);
}

/**
 * barge_job_set_property_sync:
 * @job: a #BargeJob
 * @property_name: the name of a writable property, as for
 *   [method@Barge.Job.set_property_async]
 * @value: the new value
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Changes a writable property of @job, blocking until the daemon answered.
 * See [method@Barge.Job.set_property_async].
 *
 * Returns: %TRUE if the daemon accepted the new value
 */
gboolean
barge_job_set_property_sync (BargeJob *job,
                             const char *property_name,
                             const GValue *value,
                             GCancellable *cancellable,
                             GError **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) local_error = NULL;
  const BargeJobWritableProperty *property;
  GDBusProxy *proxy;
  GVariant *variant;

  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (property_name != NULL, FALSE);
  g_return_val_if_fail (G_IS_VALUE (value), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  property = _barge_job_find_writable_property (property_name);
  if (property == NULL)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "“%s” is not a writable property of a job", property_name);
      return FALSE;
    }

  variant = _barge_job_value_to_variant (property, value, error);
  if (variant == NULL)
    return FALSE;

  proxy = G_DBUS_PROXY (_barge_job_get_proxy (job));
  reply = g_dbus_connection_call_sync (g_dbus_proxy_get_connection (proxy),
                                       g_dbus_proxy_get_name (proxy),
                                       g_dbus_proxy_get_object_path (proxy),
                                       "org.freedesktop.DBus.Properties", "Set",
                                       g_variant_new ("(ssv)", BARGE_DBUS_JOB_INTERFACE,
                                                      property->dbus_name, variant),
                                       G_VARIANT_TYPE_UNIT,
                                       G_DBUS_CALL_FLAGS_NONE, -1, cancellable, &local_error);
  if (reply == NULL)
    {
      _barge_error_strip (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}
