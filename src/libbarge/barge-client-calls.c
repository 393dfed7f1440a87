/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include "barge-private.h"

/* The method calls of BargeClient on the daemon's Manager; construction and
 * the bookkeeping of known jobs are in barge-client.c. */

static BargeJob *
barge_client_job_for_path_sync (BargeClient *self,
                                const char *path,
                                GCancellable *cancellable,
                                GError **error)
{
  g_autoptr(BargeDBusJob) proxy = NULL;
  g_autoptr(GError) local_error = NULL;
  BargeJob *job;

  job = _barge_client_lookup_path (self, path);
  if (job != NULL)
    return g_object_ref (job);

  proxy = barge_dbus_job_proxy_new_sync (barge_client_get_connection (self),
                                         G_DBUS_PROXY_FLAGS_NONE,
                                         BARGE_DBUS_NAME, path, cancellable, &local_error);
  if (proxy == NULL)
    {
      _barge_error_strip (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  job = _barge_client_adopt_proxy (self, proxy, error);
  if (job != NULL)
    _barge_job_fetch_files_sync (job, cancellable);
  return job;
}

static void
on_job_files_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;

  _barge_job_fetch_files_finish (BARGE_JOB (source), res);
  g_task_return_pointer (task, g_object_ref (source), g_object_unref);
}

static void
on_job_proxy_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargeClient *self = g_task_get_source_object (task);
  g_autoptr(BargeDBusJob) proxy = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  BargeJob *job;

  proxy = barge_dbus_job_proxy_new_finish (res, &error);
  if (proxy == NULL)
    {
      _barge_error_strip (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  job = _barge_client_adopt_proxy (self, proxy, &error);
  if (job == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Not one expression: the order of argument evaluation is unspecified. */
  cancellable = g_task_get_cancellable (task);
  _barge_job_fetch_files_async (job, cancellable, on_job_files_ready, g_steal_pointer (&task));
  g_object_unref (job);
}

/* Returns the job for @path through @task, which it takes. */
static void
barge_client_job_for_path (BargeClient *self, const char *path, GTask *task)
{
  BargeJob *job = _barge_client_lookup_path (self, path);

  if (job != NULL)
    {
      g_task_return_pointer (task, g_object_ref (job), g_object_unref);
      g_object_unref (task);
      return;
    }

  barge_dbus_job_proxy_new (barge_client_get_connection (self), G_DBUS_PROXY_FLAGS_NONE,
                            BARGE_DBUS_NAME, path, g_task_get_cancellable (task),
                            on_job_proxy_ready, task);
}

static BargeJob *
barge_client_job_finish (BargeClient *client, GAsyncResult *res, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (BARGE_IS_CLIENT (client), NULL);
  g_return_val_if_fail (g_task_is_valid (res, client), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (res, source_tag), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (res), error);
}

/* Validates the arguments of CreateJob; @options is sunk into the result. */
static GVariant *
create_job_parameters (const char *display_name,
                       BargeJobType job_type,
                       GVariant *options,
                       GError **error)
{
  const char *type = barge_job_type_to_string (job_type);
  g_autoptr(GVariant) sunk_options = options != NULL ? g_variant_ref_sink (options) : NULL;

  if (type == NULL)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   _("%d is not a job type"), (int) job_type);
      return NULL;
    }
  if (sunk_options != NULL && !g_variant_is_of_type (sunk_options, G_VARIANT_TYPE_VARDICT))
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   _("Job options must be of type a{sv}, not %s"),
                   g_variant_get_type_string (sunk_options));
      return NULL;
    }

  return g_variant_new ("(ss@a{sv})",
                        display_name != NULL ? display_name : "",
                        type,
                        sunk_options != NULL ? sunk_options
                                             : g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
}

/* CreateJob and GetJob both answer with a job's path; the task completes
 * with the BargeJob for it. */
static void
on_job_path_reply (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargeClient *self;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *path;

  reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), res, &error);
  if (reply == NULL)
    {
      _barge_error_strip (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_variant_get (reply, "(&o)", &path);
  /* Not one expression: the order of argument evaluation is unspecified. */
  self = g_task_get_source_object (task);
  barge_client_job_for_path (self, path, g_steal_pointer (&task));
}

/**
 * barge_client_create_job_async:
 * @client: a #BargeClient
 * @display_name: (nullable): a name for users, at most 256 characters
 * @job_type: the kind of job
 * @options: (nullable): options of type `a{sv}`: `description` (s) and
 *   `priority` (s, a #BargeJobPriority string); a floating reference is sunk
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the job exists
 * @user_data: data for @callback
 *
 * Creates a job owned by the caller. It starts in
 * %BARGE_JOB_STATE_SUSPENDED with no files. The daemon stores it before it
 * answers.
 */
void
barge_client_create_job_async (BargeClient *client,
                               const char *display_name,
                               BargeJobType job_type,
                               GVariant *options,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  GVariant *parameters;

  g_return_if_fail (BARGE_IS_CLIENT (client));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, barge_client_create_job_async);

  parameters = create_job_parameters (display_name, job_type, options, &error);
  if (parameters == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_dbus_proxy_call (G_DBUS_PROXY (_barge_client_get_manager (client)), "CreateJob", parameters,
                     G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                     on_job_path_reply, g_steal_pointer (&task));
}

/**
 * barge_client_create_job_finish:
 * @client: a #BargeClient
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Client.create_job_async].
 *
 * Returns: (transfer full): the new job, or %NULL on error
 */
BargeJob *
barge_client_create_job_finish (BargeClient *client, GAsyncResult *res, GError **error)
{
  return barge_client_job_finish (client, res, barge_client_create_job_async, error);
}

/**
 * barge_client_create_job_sync:
 * @client: a #BargeClient
 * @display_name: (nullable): a name for users, at most 256 characters
 * @job_type: the kind of job
 * @options: (nullable): options of type `a{sv}`, as for
 *   [method@Barge.Client.create_job_async]; a floating reference is sunk
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Creates a job, blocking until it exists. See
 * [method@Barge.Client.create_job_async].
 *
 * Returns: (transfer full): the new job, or %NULL on error
 */
BargeJob *
barge_client_create_job_sync (BargeClient *client,
                              const char *display_name,
                              BargeJobType job_type,
                              GVariant *options,
                              GCancellable *cancellable,
                              GError **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) local_error = NULL;
  GVariant *parameters;
  const char *path;

  g_return_val_if_fail (BARGE_IS_CLIENT (client), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parameters = create_job_parameters (display_name, job_type, options, error);
  if (parameters == NULL)
    return NULL;

  reply = g_dbus_proxy_call_sync (G_DBUS_PROXY (_barge_client_get_manager (client)),
                                  "CreateJob", parameters,
                                  G_DBUS_CALL_FLAGS_NONE, -1, cancellable, &local_error);
  if (reply == NULL)
    {
      _barge_error_strip (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  g_variant_get (reply, "(&o)", &path);
  return barge_client_job_for_path_sync (client, path, cancellable, error);
}

/**
 * barge_client_get_job_async:
 * @client: a #BargeClient
 * @id: the job's UUID, with or without dashes
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Asks the daemon for a job the caller may see. Fails with
 * %BARGE_ERROR_NOT_FOUND for an unknown job or a job of another user.
 */
void
barge_client_get_job_async (BargeClient *client,
                            const char *id,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  GTask *task;

  g_return_if_fail (BARGE_IS_CLIENT (client));
  g_return_if_fail (id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, barge_client_get_job_async);
  g_dbus_proxy_call (G_DBUS_PROXY (_barge_client_get_manager (client)),
                     "GetJob", g_variant_new ("(s)", id),
                     G_DBUS_CALL_FLAGS_NONE, -1, cancellable, on_job_path_reply, task);
}

/**
 * barge_client_get_job_finish:
 * @client: a #BargeClient
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Client.get_job_async].
 *
 * Returns: (transfer full): the job, or %NULL on error
 */
BargeJob *
barge_client_get_job_finish (BargeClient *client, GAsyncResult *res, GError **error)
{
  return barge_client_job_finish (client, res, barge_client_get_job_async, error);
}

/**
 * barge_client_get_job_sync:
 * @client: a #BargeClient
 * @id: the job's UUID, with or without dashes
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Asks the daemon for a job, blocking until it answered. See
 * [method@Barge.Client.get_job_async].
 *
 * Returns: (transfer full): the job, or %NULL on error
 */
BargeJob *
barge_client_get_job_sync (BargeClient *client,
                           const char *id,
                           GCancellable *cancellable,
                           GError **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *path;

  g_return_val_if_fail (BARGE_IS_CLIENT (client), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  reply = g_dbus_proxy_call_sync (G_DBUS_PROXY (_barge_client_get_manager (client)), "GetJob",
                                  g_variant_new ("(s)", id),
                                  G_DBUS_CALL_FLAGS_NONE, -1, cancellable, &local_error);
  if (reply == NULL)
    {
      _barge_error_strip (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  g_variant_get (reply, "(&o)", &path);
  return barge_client_job_for_path_sync (client, path, cancellable, error);
}

static GVariant *
list_jobs_parameters (gboolean all_users)
{
  GVariantBuilder options;

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  /* Only sent when set: an unprivileged ListJobs should not involve polkit. */
  if (all_users)
    g_variant_builder_add (&options, "{sv}", "all-users", g_variant_new_boolean (TRUE));
  return g_variant_new ("(a{sv})", &options);
}

/* The jobs for @paths in their order; paths whose job vanished meanwhile
 * are left out. */
static GPtrArray *
barge_client_collect_jobs (BargeClient *self, const char * const *paths)
{
  GPtrArray *jobs = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      BargeJob *job = _barge_client_lookup_path (self, paths[i]);

      if (job != NULL)
        g_ptr_array_add (jobs, g_object_ref (job));
    }
  return jobs;
}

typedef struct {
  GStrv paths;
  guint n_pending;
} ListJobsData;

static void
list_jobs_data_free (ListJobsData *data)
{
  g_strfreev (data->paths);
  g_free (data);
}

static void
list_jobs_maybe_return (GTask *task)
{
  ListJobsData *data = g_task_get_task_data (task);

  if (data->n_pending > 0)
    return;
  g_task_return_pointer (task,
                         barge_client_collect_jobs (g_task_get_source_object (task),
                                                    (const char * const *) data->paths),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void
on_list_job_files_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ListJobsData *data = g_task_get_task_data (task);

  _barge_job_fetch_files_finish (BARGE_JOB (source), res);
  data->n_pending--;
  list_jobs_maybe_return (task);
}

static void
on_list_job_proxy_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ListJobsData *data = g_task_get_task_data (task);
  g_autoptr(BargeDBusJob) proxy = NULL;
  g_autoptr(BargeJob) job = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  proxy = barge_dbus_job_proxy_new_finish (res, &error);
  if (proxy != NULL)
    job = _barge_client_adopt_proxy (g_task_get_source_object (task), proxy, &error);
  /* A job that went away between ListJobs and now is simply not listed. */
  if (job == NULL)
    {
      g_debug ("Not listing a job: %s", error->message);
      data->n_pending--;
      list_jobs_maybe_return (task);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  _barge_job_fetch_files_async (job, cancellable, on_list_job_files_ready, g_steal_pointer (&task));
}

static void
on_list_jobs_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargeClient *self = g_task_get_source_object (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  ListJobsData *data;

  reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), res, &error);
  if (reply == NULL)
    {
      _barge_error_strip (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (ListJobsData, 1);
  g_variant_get (reply, "(^ao)", &data->paths);
  g_task_set_task_data (task, data, (GDestroyNotify) list_jobs_data_free);

  /* Count first so that no early answer can return the task. */
  for (guint i = 0; data->paths[i] != NULL; i++)
    if (_barge_client_lookup_path (self, data->paths[i]) == NULL)
      data->n_pending++;

  for (guint i = 0; data->paths[i] != NULL; i++)
    {
      if (_barge_client_lookup_path (self, data->paths[i]) != NULL)
        continue;
      barge_dbus_job_proxy_new (barge_client_get_connection (self), G_DBUS_PROXY_FLAGS_NONE,
                                BARGE_DBUS_NAME, data->paths[i],
                                g_task_get_cancellable (task),
                                on_list_job_proxy_ready, g_object_ref (task));
    }

  list_jobs_maybe_return (task);
}

/**
 * barge_client_list_jobs_async:
 * @client: a #BargeClient
 * @all_users: whether to list the jobs of every user, which needs authorization
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Asks the daemon for the jobs of the caller (or of every user) that are not
 * in a final state.
 */
void
barge_client_list_jobs_async (BargeClient *client,
                              gboolean all_users,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  GTask *task;

  g_return_if_fail (BARGE_IS_CLIENT (client));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, barge_client_list_jobs_async);
  g_dbus_proxy_call (G_DBUS_PROXY (_barge_client_get_manager (client)),
                     "ListJobs", list_jobs_parameters (all_users),
                     G_DBUS_CALL_FLAGS_NONE, -1, cancellable, on_list_jobs_done, task);
}

/**
 * barge_client_list_jobs_finish:
 * @client: a #BargeClient
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Client.list_jobs_async].
 *
 * The array holds a reference on each job and drops it when it is freed.
 *
 * Returns: (transfer container) (element-type BargeJob): the jobs, oldest
 *   first, or %NULL on error
 */
GPtrArray *
barge_client_list_jobs_finish (BargeClient *client, GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (BARGE_IS_CLIENT (client), NULL);
  g_return_val_if_fail (g_task_is_valid (res, client), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (res, barge_client_list_jobs_async), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (res), error);
}

/**
 * barge_client_list_jobs_sync:
 * @client: a #BargeClient
 * @all_users: whether to list the jobs of every user, which needs authorization
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Asks the daemon for jobs, blocking until it answered. See
 * [method@Barge.Client.list_jobs_async].
 *
 * The array holds a reference on each job and drops it when it is freed.
 *
 * Returns: (transfer container) (element-type BargeJob): the jobs, oldest
 *   first, or %NULL on error
 */
GPtrArray *
barge_client_list_jobs_sync (BargeClient *client,
                             gboolean all_users,
                             GCancellable *cancellable,
                             GError **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) paths = NULL;

  g_return_val_if_fail (BARGE_IS_CLIENT (client), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  reply = g_dbus_proxy_call_sync (G_DBUS_PROXY (_barge_client_get_manager (client)), "ListJobs",
                                  list_jobs_parameters (all_users),
                                  G_DBUS_CALL_FLAGS_NONE, -1, cancellable, &local_error);
  if (reply == NULL)
    {
      _barge_error_strip (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  g_variant_get (reply, "(^ao)", &paths);
  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(BargeJob) job = NULL;
      g_autoptr(GError) job_error = NULL;

      job = barge_client_job_for_path_sync (client, paths[i], cancellable, &job_error);
      if (job == NULL && g_error_matches (job_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&job_error));
          return NULL;
        }
      /* A job that went away between ListJobs and now is simply not listed. */
      if (job == NULL)
        g_debug ("Not listing %s: %s", paths[i], job_error->message);
    }

  return barge_client_collect_jobs (client, (const char * const *) paths);
}

static void
on_get_error_description_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  if (!barge_dbus_manager_call_get_error_description_finish (BARGE_DBUS_MANAGER (source),
                                                             &text, res, &error))
    {
      _barge_error_strip (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, text, g_free);
}

/**
 * barge_client_get_error_description_async:
 * @client: a #BargeClient
 * @error_name: a D-Bus error name such as `org.freedesktop.Barge1.Error.RemoteNotFound`,
 *   as found in [property@Barge.Job:error-name]
 * @locale: (nullable): a locale such as `de_DE.UTF-8`, or %NULL for the daemon's
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Asks the daemon for a sentence that describes an error, translated when a
 * translation exists. Fails with %BARGE_ERROR_NOT_FOUND for a name that is
 * not one of Barge's, and with %BARGE_ERROR_INVALID_ARGUMENT for a locale
 * that is not a locale name (at most 64 letters, digits and `_.@-`).
 */
void
barge_client_get_error_description_async (BargeClient *client,
                                          const char *error_name,
                                          const char *locale,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data)
{
  GTask *task;

  g_return_if_fail (BARGE_IS_CLIENT (client));
  g_return_if_fail (error_name != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, barge_client_get_error_description_async);
  barge_dbus_manager_call_get_error_description (_barge_client_get_manager (client), error_name,
                                                 locale != NULL ? locale : "",
                                                 cancellable,
                                                 on_get_error_description_done, task);
}

/**
 * barge_client_get_error_description_finish:
 * @client: a #BargeClient
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Client.get_error_description_async].
 *
 * Returns: (transfer full): the description, or %NULL on error
 */
char *
barge_client_get_error_description_finish (BargeClient *client, GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (BARGE_IS_CLIENT (client), NULL);
  g_return_val_if_fail (g_task_is_valid (res, client), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (res, barge_client_get_error_description_async), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (res), error);
}

/**
 * barge_client_get_error_description_sync:
 * @client: a #BargeClient
 * @error_name: a D-Bus error name such as `org.freedesktop.Barge1.Error.RemoteNotFound`
 * @locale: (nullable): a locale such as `de_DE.UTF-8`, or %NULL for the daemon's
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Asks the daemon to describe an error, blocking until it answered. See
 * [method@Barge.Client.get_error_description_async].
 *
 * Returns: (transfer full): the description, or %NULL on error
 */
char *
barge_client_get_error_description_sync (BargeClient *client,
                                         const char *error_name,
                                         const char *locale,
                                         GCancellable *cancellable,
                                         GError **error)
{
  g_autoptr(GError) local_error = NULL;
  char *text = NULL;

  g_return_val_if_fail (BARGE_IS_CLIENT (client), NULL);
  g_return_val_if_fail (error_name != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!barge_dbus_manager_call_get_error_description_sync (_barge_client_get_manager (client),
                                                          error_name,
                                                          locale != NULL ? locale : "",
                                                          &text, cancellable, &local_error))
    {
      _barge_error_strip (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return text;
}
