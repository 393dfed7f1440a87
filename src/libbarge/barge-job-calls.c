/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include "barge-private.h"
#include "barge-enum-types.h"

/* The method calls of BargeJob; the object itself is in barge-job.c, the
 * writes of its properties in barge-job-properties.c. */

/* Method calls */

/* The reply of a call the job is being read again after. */
typedef struct {
  GVariant *reply;
  GError *error; /* of a call whose job may be gone: the refresh tells */
  BargeJobCallEffect effect;
} JobCall;

static void
job_call_free (JobCall *call)
{
  g_clear_pointer (&call->reply, g_variant_unref);
  g_clear_error (&call->error);
  g_free (call);
}

static void
on_job_call_refreshed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  JobCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean refreshed = _barge_job_refresh_finish (BARGE_JOB (source), res, &error);

  /* The call succeeded: what the job looks like now is a bonus. */
  if (call->error == NULL)
    {
      if (!refreshed)
        g_debug ("Cannot read job %s again: %s", barge_job_get_object_path (BARGE_JOB (source)),
                 error->message);
      g_task_return_pointer (task, g_steal_pointer (&call->reply), (GDestroyNotify) g_variant_unref);
    }
  /* The call failed for want of an object: was it the job? */
  else if (!refreshed && g_error_matches (error, BARGE_ERROR, BARGE_ERROR_NOT_FOUND))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_error (task, g_steal_pointer (&call->error));
}

static void
on_job_call_reply (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargeJob *job = g_task_get_source_object (task);
  JobCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);

  call->reply = _barge_call_finish (res, NULL, &error);
  /* barged answers NotFound for a job that ended (older ones: GDBus's
   * UnknownObject); NotFound also means "no such credential", so a read
   * of the job tells which. */
  if (call->reply == NULL && !_barge_error_is_unknown_object (error) &&
      !g_error_matches (error, BARGE_ERROR, BARGE_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (call->reply == NULL)
    {
      call->error = g_steal_pointer (&error);
      _barge_job_refresh_async (job, FALSE, cancellable, on_job_call_refreshed, g_steal_pointer (&task));
      return;
    }

  switch (call->effect)
    {
    case BARGE_JOB_CALL_READS:
      break;
    case BARGE_JOB_CALL_CHANGES:
      /* Whatever signal timing: the caller sees what the call changed. */
      _barge_job_refresh_async (job, FALSE, cancellable, on_job_call_refreshed, g_steal_pointer (&task));
      return;
    case BARGE_JOB_CALL_ACKNOWLEDGES:
      _barge_job_set_removed (job, BARGE_JOB_STATE_ACKNOWLEDGED);
      break;
    case BARGE_JOB_CALL_CANCELS:
      _barge_job_set_removed (job, BARGE_JOB_STATE_CANCELLED);
      break;
    default:
      g_assert_not_reached ();
    }
  g_task_return_pointer (task, g_steal_pointer (&call->reply), (GDestroyNotify) g_variant_unref);
}

void
_barge_job_call (BargeJob *job,
                 const char *interface,
                 const char *method,
                 GVariant *parameters,
                 const GVariantType *reply_type,
                 BargeJobCallEffect effect,
                 gpointer source_tag,
                 GCancellable *cancellable,
                 GAsyncReadyCallback callback,
                 gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (job, cancellable, callback, user_data);
  g_autoptr(GVariant) sunk = parameters != NULL ? g_variant_ref_sink (parameters) : NULL;
  g_autoptr(BargeClient) client = _barge_job_dup_client (job);
  JobCall *call = g_new0 (JobCall, 1);

  g_task_set_source_tag (task, source_tag);
  call->effect = effect;
  g_task_set_task_data (task, call, (GDestroyNotify) job_call_free);
  if (_barge_job_is_removed (job))
    {
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_NOT_FOUND,
                               _("The job %s no longer exists (it ended as %s)"),
                               barge_job_get_id (job),
                               barge_job_state_to_string (barge_job_get_state (job)));
      return;
    }
  _barge_call (client, _barge_job_get_connection (job), barge_job_get_object_path (job),
               interface, method, sunk, reply_type, cancellable,
               on_job_call_reply, g_steal_pointer (&task));
}

GVariant *
_barge_job_call_finish (BargeJob *job, GAsyncResult *res, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);
  g_return_val_if_fail (g_task_is_valid (res, job), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (res, source_tag), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (res), error);
}

/* Method calls of the Job interface */

static void
barge_job_call (BargeJob *job,
                const char *method,
                GVariant *parameters,
                BargeJobCallEffect effect,
                gpointer source_tag,
                GCancellable *cancellable,
                GAsyncReadyCallback callback,
                gpointer user_data)
{
  /* The replies parsed with g_variant_get() are checked by GDBus: a
   * daemon answering another type is an error, never garbage. */
  static const struct { const char *method, *reply; } typed[] = {
    { "GetProgress", "((tttt))" }, { "GetReplyProgress", "((tt))" }, { "GetReplyData", "(ay)" },
  };
  const GVariantType *reply_type = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
    if (g_str_equal (method, typed[i].method))
      reply_type = G_VARIANT_TYPE (typed[i].reply);
  _barge_job_call (job, BARGE_DBUS_JOB_INTERFACE, method, parameters, reply_type, effect, source_tag,
                   cancellable, callback, user_data);
}

/* The _async call of @source_tag, run to its end. */
static GVariant *
barge_job_call_sync (BargeJob *job,
                     const char *method,
                     GVariant *parameters,
                     BargeJobCallEffect effect,
                     gpointer source_tag,
                     GCancellable *cancellable,
                     GError **error)
{
  BargeSync sync;
  GVariant *reply;

  _barge_sync_begin (&sync);
  barge_job_call (job, method, parameters, effect, source_tag, cancellable, _barge_sync_done,
                  &sync);
  reply = _barge_job_call_finish (job, _barge_sync_wait (&sync), source_tag, error);
  _barge_sync_end (&sync);
  return reply;
}

static gboolean
barge_job_call_finish_boolean (BargeJob *job, GAsyncResult *res, gpointer source_tag, GError **error)
{
  g_autoptr(GVariant) reply = _barge_job_call_finish (job, res, source_tag, error);

  return reply != NULL;
}

static gboolean
barge_job_call_sync_boolean (BargeJob *job,
                             const char *method,
                             GVariant *parameters,
                             BargeJobCallEffect effect,
                             gpointer source_tag,
                             GCancellable *cancellable,
                             GError **error)
{
  g_autoptr(GVariant) reply = barge_job_call_sync (job, method, parameters, effect, source_tag,
                                                   cancellable, error);

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
                   _("%u remote URLs but %u local paths"), n_urls, n_paths);
      return NULL;
    }

  for (guint i = 0; i < n_urls; i++)
    if (!_barge_check_utf8 (error, "remote_urls", remote_urls[i], "local_paths", local_paths[i], NULL))
      return NULL;
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
  g_autoptr(GError) error = NULL;

  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (remote_url != NULL);
  g_return_if_fail (local_path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (!_barge_check_utf8 (&error, "remote_url", remote_url, "local_path", local_path, NULL))
    {
      g_task_report_error (job, callback, user_data, barge_job_add_file_async, g_steal_pointer (&error));
      return;
    }
  barge_job_call (job, "AddFile", g_variant_new ("(ss)", remote_url, local_path), BARGE_JOB_CALL_CHANGES,
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

  if (!_barge_check_utf8 (error, "remote_url", remote_url, "local_path", local_path, NULL))
    return FALSE;
  return barge_job_call_sync_boolean (job, "AddFile",
                                      g_variant_new ("(ss)", remote_url, local_path),
                                      BARGE_JOB_CALL_CHANGES, barge_job_add_file_async,
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
  barge_job_call (job, "AddFiles", parameters, BARGE_JOB_CALL_CHANGES, barge_job_add_files_async,
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
  return barge_job_call_sync_boolean (job, "AddFiles", parameters, BARGE_JOB_CALL_CHANGES,
                                      barge_job_add_files_async, cancellable, error);
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

  barge_job_call (job, "Resume", NULL, BARGE_JOB_CALL_CHANGES, barge_job_resume_async, cancellable,
                  callback, user_data);
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

  return barge_job_call_sync_boolean (job, "Resume", NULL, BARGE_JOB_CALL_CHANGES,
                                      barge_job_resume_async, cancellable, error);
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

  barge_job_call (job, "Suspend", NULL, BARGE_JOB_CALL_CHANGES, barge_job_suspend_async,
                  cancellable, callback, user_data);
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

  return barge_job_call_sync_boolean (job, "Suspend", NULL, BARGE_JOB_CALL_CHANGES,
                                      barge_job_suspend_async, cancellable, error);
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

  barge_job_call (job, "Cancel", NULL, BARGE_JOB_CALL_CANCELS, barge_job_cancel_async, cancellable,
                  callback, user_data);
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

  return barge_job_call_sync_boolean (job, "Cancel", NULL, BARGE_JOB_CALL_CANCELS,
                                      barge_job_cancel_async, cancellable, error);
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

  barge_job_call (job, "Complete", NULL, BARGE_JOB_CALL_ACKNOWLEDGES, barge_job_complete_async,
                  cancellable, callback, user_data);
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

  return barge_job_call_sync_boolean (job, "Complete", NULL, BARGE_JOB_CALL_ACKNOWLEDGES,
                                      barge_job_complete_async, cancellable, error);
}

static BargeProgress *
progress_from_reply (GVariant *reply)
{
  guint64 bytes_total, bytes_transferred, files_total, files_transferred;

  g_variant_get (reply, "((tttt))", &bytes_total, &bytes_transferred, &files_total, &files_transferred);
  return barge_progress_new (bytes_total, bytes_transferred, files_total, files_transferred);
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
  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  barge_job_call (job, "GetProgress", NULL, BARGE_JOB_CALL_READS, barge_job_get_progress_async,
                  cancellable, callback, user_data);
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
  g_autoptr(GVariant) reply = _barge_job_call_finish (job, res, barge_job_get_progress_async, error);

  return reply != NULL ? progress_from_reply (reply) : NULL;
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

  reply = barge_job_call_sync (job, "GetProgress", NULL, BARGE_JOB_CALL_READS,
                               barge_job_get_progress_async, cancellable, error);
  if (reply == NULL)
    return NULL;
  return progress_from_reply (reply);
}


static BargeReplyProgress *
reply_progress_from_reply (GVariant *reply)
{
  guint64 bytes_total, bytes_transferred;

  g_variant_get (reply, "((tt))", &bytes_total, &bytes_transferred);
  return barge_reply_progress_new (bytes_total, bytes_transferred);
}

/**
 * barge_job_get_reply_progress_async:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Asks the daemon how far the reply of an upload-reply job is. Other job
 * types fail with %BARGE_ERROR_NOT_SUPPORTED, as in BITS.
 */
void
barge_job_get_reply_progress_async (BargeJob *job,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  barge_job_call (job, "GetReplyProgress", NULL, BARGE_JOB_CALL_READS, barge_job_get_reply_progress_async,
                  cancellable, callback, user_data);
}

/**
 * barge_job_get_reply_progress_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.get_reply_progress_async].
 *
 * Returns: (transfer full): the reply progress, or %NULL on error
 */
BargeReplyProgress *
barge_job_get_reply_progress_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  g_autoptr(GVariant) reply = _barge_job_call_finish (job, res, barge_job_get_reply_progress_async, error);

  return reply != NULL ? reply_progress_from_reply (reply) : NULL;
}

/**
 * barge_job_get_reply_progress_sync:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Asks the daemon how far the reply is, blocking until it answered. See
 * [method@Barge.Job.get_reply_progress_async].
 *
 * Returns: (transfer full): the reply progress, or %NULL on error
 */
BargeReplyProgress *
barge_job_get_reply_progress_sync (BargeJob *job, GCancellable *cancellable, GError **error)
{
  g_autoptr(GVariant) reply = NULL;

  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  reply = barge_job_call_sync (job, "GetReplyProgress", NULL, BARGE_JOB_CALL_READS,
                               barge_job_get_reply_progress_async, cancellable, error);
  return reply != NULL ? reply_progress_from_reply (reply) : NULL;
}

static GBytes *
bytes_from_reply (GVariant *reply)
{
  g_autoptr(GVariant) data = g_variant_get_child_value (reply, 0);

  return g_variant_get_data_as_bytes (data);
}

/**
 * barge_job_get_reply_data_async:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Fetches the reply the server application sent to an upload-reply job.
 * Other job types fail with %BARGE_ERROR_NOT_SUPPORTED.
 */
void
barge_job_get_reply_data_async (BargeJob *job,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  barge_job_call (job, "GetReplyData", NULL, BARGE_JOB_CALL_READS, barge_job_get_reply_data_async,
                  cancellable, callback, user_data);
}

/**
 * barge_job_get_reply_data_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.get_reply_data_async].
 *
 * Returns: (transfer full): the reply, or %NULL on error
 */
GBytes *
barge_job_get_reply_data_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  g_autoptr(GVariant) reply = _barge_job_call_finish (job, res, barge_job_get_reply_data_async, error);

  return reply != NULL ? bytes_from_reply (reply) : NULL;
}

/**
 * barge_job_get_reply_data_sync:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Fetches the reply of an upload-reply job, blocking until the daemon
 * answered. See [method@Barge.Job.get_reply_data_async].
 *
 * Returns: (transfer full): the reply, or %NULL on error
 */
GBytes *
barge_job_get_reply_data_sync (BargeJob *job, GCancellable *cancellable, GError **error)
{
  g_autoptr(GVariant) reply = NULL;

  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  reply = barge_job_call_sync (job, "GetReplyData", NULL, BARGE_JOB_CALL_READS,
                               barge_job_get_reply_data_async, cancellable, error);
  return reply != NULL ? bytes_from_reply (reply) : NULL;
}

/**
 * barge_job_take_ownership_async:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Makes the caller the owner of @job (BITS `TakeOwnership`). The daemon
 * removes the job's credentials, TLS client certificate and notify command
 * line. Taking a job of
 * another user needs authorization, otherwise the call fails with
 * %BARGE_ERROR_ACCESS_DENIED.
 */
void
barge_job_take_ownership_async (BargeJob *job,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  barge_job_call (job, "TakeOwnership", NULL, BARGE_JOB_CALL_CHANGES, barge_job_take_ownership_async,
                  cancellable, callback, user_data);
}

/**
 * barge_job_take_ownership_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.take_ownership_async].
 *
 * Returns: %TRUE if the caller now owns the job
 */
gboolean
barge_job_take_ownership_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  return barge_job_call_finish_boolean (job, res, barge_job_take_ownership_async, error);
}

/**
 * barge_job_take_ownership_sync:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Makes the caller the owner of @job, blocking until the daemon answered.
 * See [method@Barge.Job.take_ownership_async].
 *
 * Returns: %TRUE if the caller now owns the job
 */
gboolean
barge_job_take_ownership_sync (BargeJob *job, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return barge_job_call_sync_boolean (job, "TakeOwnership", NULL, BARGE_JOB_CALL_CHANGES,
                                      barge_job_take_ownership_async, cancellable, error);
}

/* Validates target and scheme before anything leaves the process. */
static GVariant *
credentials_parameters (BargeCredentialsTarget target,
                        BargeAuthScheme scheme,
                        const char *user_name,
                        const char *password,
                        GError **error)
{
  const char *target_str = barge_credentials_target_to_string (target);
  const char *scheme_str = barge_auth_scheme_to_string (scheme);

  if (target_str == NULL || scheme_str == NULL)
    {
      g_set_error_literal (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                           target_str == NULL ? _("The credentials target is not valid")
                                              : _("The authentication scheme is not valid"));
      return NULL;
    }
  if (!_barge_check_utf8 (error, "user_name", user_name, "password", password, NULL))
    return NULL;
  if (user_name == NULL)
    return g_variant_new ("(ss)", target_str, scheme_str);
  return g_variant_new ("(ssss)", target_str, scheme_str, user_name, password);
}

/**
 * barge_job_set_credentials_async:
 * @job: a #BargeJob
 * @target: whom the credentials answer
 * @scheme: the authentication scheme
 * @user_name: the user name
 * @password: the password; the daemon never shows, logs or stores it in clear text
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Sets the credentials @job answers an HTTP authentication challenge of
 * @target with, replacing any for the same target and scheme (BITS
 * `SetCredentials`).
 */
void
barge_job_set_credentials_async (BargeJob *job,
                                 BargeCredentialsTarget target,
                                 BargeAuthScheme scheme,
                                 const char *user_name,
                                 const char *password,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  GVariant *parameters;

  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (user_name != NULL);
  g_return_if_fail (password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  parameters = credentials_parameters (target, scheme, user_name, password, &error);
  if (parameters == NULL)
    {
      g_task_report_error (job, callback, user_data, barge_job_set_credentials_async,
                           g_steal_pointer (&error));
      return;
    }
  barge_job_call (job, "SetCredentials", parameters, BARGE_JOB_CALL_CHANGES, barge_job_set_credentials_async,
                  cancellable, callback, user_data);
}

/**
 * barge_job_set_credentials_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.set_credentials_async].
 *
 * Returns: %TRUE if the credentials were set
 */
gboolean
barge_job_set_credentials_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  return barge_job_call_finish_boolean (job, res, barge_job_set_credentials_async, error);
}

/**
 * barge_job_set_credentials_sync:
 * @job: a #BargeJob
 * @target: whom the credentials answer
 * @scheme: the authentication scheme
 * @user_name: the user name
 * @password: the password
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Sets credentials of @job, blocking until the daemon answered. See
 * [method@Barge.Job.set_credentials_async].
 *
 * Returns: %TRUE if the credentials were set
 */
gboolean
barge_job_set_credentials_sync (BargeJob *job,
                                BargeCredentialsTarget target,
                                BargeAuthScheme scheme,
                                const char *user_name,
                                const char *password,
                                GCancellable *cancellable,
                                GError **error)
{
  GVariant *parameters;

  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (user_name != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  parameters = credentials_parameters (target, scheme, user_name, password, error);
  if (parameters == NULL)
    return FALSE;
  return barge_job_call_sync_boolean (job, "SetCredentials", parameters, BARGE_JOB_CALL_CHANGES,
                                      barge_job_set_credentials_async, cancellable, error);
}

/**
 * barge_job_remove_credentials_async:
 * @job: a #BargeJob
 * @target: whom the credentials answer
 * @scheme: the authentication scheme
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Removes the credentials of @job for @target and @scheme. If there are
 * none, the call fails with %BARGE_ERROR_NOT_FOUND.
 */
void
barge_job_remove_credentials_async (BargeJob *job,
                                    BargeCredentialsTarget target,
                                    BargeAuthScheme scheme,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  GVariant *parameters;

  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  parameters = credentials_parameters (target, scheme, NULL, NULL, &error);
  if (parameters == NULL)
    {
      g_task_report_error (job, callback, user_data, barge_job_remove_credentials_async,
                           g_steal_pointer (&error));
      return;
    }
  barge_job_call (job, "RemoveCredentials", parameters, BARGE_JOB_CALL_CHANGES, barge_job_remove_credentials_async,
                  cancellable, callback, user_data);
}

/**
 * barge_job_remove_credentials_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.remove_credentials_async].
 *
 * Returns: %TRUE if the credentials were removed
 */
gboolean
barge_job_remove_credentials_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  return barge_job_call_finish_boolean (job, res, barge_job_remove_credentials_async, error);
}

/**
 * barge_job_remove_credentials_sync:
 * @job: a #BargeJob
 * @target: whom the credentials answer
 * @scheme: the authentication scheme
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Removes credentials of @job, blocking until the daemon answered. See
 * [method@Barge.Job.remove_credentials_async].
 *
 * Returns: %TRUE if the credentials were removed
 */
gboolean
barge_job_remove_credentials_sync (BargeJob *job,
                                   BargeCredentialsTarget target,
                                   BargeAuthScheme scheme,
                                   GCancellable *cancellable,
                                   GError **error)
{
  GVariant *parameters;

  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  parameters = credentials_parameters (target, scheme, NULL, NULL, error);
  if (parameters == NULL)
    return FALSE;
  return barge_job_call_sync_boolean (job, "RemoveCredentials", parameters, BARGE_JOB_CALL_CHANGES,
                                      barge_job_remove_credentials_async, cancellable, error);
}
