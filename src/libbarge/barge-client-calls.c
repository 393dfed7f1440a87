/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include "barge-private.h"

/* The method calls of BargeClient on the daemon's Manager; construction and
 * the bookkeeping of known jobs are in barge-client.c. */

/* The job at @path, with its values and files, through @task (taken). A
 * job the client already follows is current: no round trip. */
static void
on_job_refreshed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargeJob *job = BARGE_JOB (source);
  g_autoptr(GError) error = NULL;

  if (!_barge_job_refresh_finish (job, res, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The client may have been dropped meanwhile; the job is the caller's. */
  g_task_return_pointer (task, g_object_ref (job), g_object_unref);
}

static void
barge_client_job_for_path (BargeClient *self, const char *path, GTask *task)
{
  BargeJob *job = _barge_client_ensure_job (self, path);

  if (_barge_job_is_announced (job))
    {
      g_task_return_pointer (task, g_object_ref (job), g_object_unref);
      g_object_unref (task);
      return;
    }
  _barge_job_refresh_async (job, FALSE, g_task_get_cancellable (task), on_job_refreshed, task);
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

/* Calls @method of the Manager for @task (taken); the reply goes to @done. */
static void
barge_client_call_manager (BargeClient *self, const char *method, GVariant *parameters,
                           const char *reply_type, GTask *task, GAsyncReadyCallback done)
{
  _barge_call (self, barge_client_get_connection (self), BARGE_DBUS_MANAGER_PATH,
               BARGE_DBUS_MANAGER_INTERFACE, method, parameters, G_VARIANT_TYPE (reply_type),
               g_task_get_cancellable (task), done, task);
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

  if (!_barge_check_utf8 (error, "display_name", display_name, NULL))
    return NULL;
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

  reply = _barge_call_finish (res, NULL, &error);
  if (reply == NULL)
    {
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

  barge_client_call_manager (client, "CreateJob", parameters, "(o)",
                             g_steal_pointer (&task), on_job_path_reply);
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
  BargeSync sync;
  BargeJob *job;

  g_return_val_if_fail (BARGE_IS_CLIENT (client), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  _barge_sync_begin (&sync);
  barge_client_create_job_async (client, display_name, job_type, options, cancellable,
                                 _barge_sync_done, &sync);
  job = barge_client_create_job_finish (client, _barge_sync_wait (&sync), error);
  _barge_sync_end (&sync);
  return job;
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
  g_autoptr(GError) error = NULL;
  GTask *task;

  g_return_if_fail (BARGE_IS_CLIENT (client));
  g_return_if_fail (id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, barge_client_get_job_async);
  if (!_barge_check_utf8 (&error, "id", id, NULL))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  barge_client_call_manager (client, "GetJob", g_variant_new ("(s)", id), "(o)",
                             task, on_job_path_reply);
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
  BargeSync sync;
  BargeJob *job;

  g_return_val_if_fail (BARGE_IS_CLIENT (client), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  _barge_sync_begin (&sync);
  barge_client_get_job_async (client, id, cancellable, _barge_sync_done, &sync);
  job = barge_client_get_job_finish (client, _barge_sync_wait (&sync), error);
  _barge_sync_end (&sync);
  return job;
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

typedef struct {
  GStrv paths;
  GPtrArray *unknown; /* the BargeJobs still to read */
} ListJobsData;

static void
list_jobs_data_free (ListJobsData *data)
{
  g_strfreev (data->paths);
  g_ptr_array_unref (data->unknown);
  g_free (data);
}

static void
list_start_job (gpointer item, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  _barge_job_refresh_async (item, FALSE, cancellable, callback, user_data);
}

static void
list_finish_job (gpointer item, GAsyncResult *res)
{
  g_autoptr(GError) error = NULL;

  /* A job that went away between ListJobs and now is simply not listed. */
  if (!_barge_job_refresh_finish (item, res, &error))
    g_debug ("Not listing %s: %s", barge_job_get_object_path (item), error->message);
}

static void
on_listed_jobs_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargeClient *self = g_task_get_source_object (task);
  ListJobsData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GPtrArray *jobs;

  if (!_barge_batch_run_finish (res, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  jobs = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; data->paths[i] != NULL; i++)
    {
      BargeJob *job = _barge_client_lookup_path (self, data->paths[i]);

      if (job != NULL)
        g_ptr_array_add (jobs, g_object_ref (job));
    }
  g_task_return_pointer (task, jobs, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_list_jobs_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargeClient *self = g_task_get_source_object (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  ListJobsData *data;
  GCancellable *cancellable;

  reply = _barge_call_finish (res, NULL, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (ListJobsData, 1);
  g_variant_get (reply, "(^ao)", &data->paths);
  data->unknown = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; data->paths[i] != NULL; i++)
    {
      BargeJob *job = _barge_client_ensure_job (self, data->paths[i]);

      if (!_barge_job_is_announced (job))
        g_ptr_array_add (data->unknown, g_object_ref (job));
    }
  g_task_set_task_data (task, data, (GDestroyNotify) list_jobs_data_free);
  /* Not one expression: the order of argument evaluation is unspecified. */
  cancellable = g_task_get_cancellable (task);
  _barge_batch_run (data->unknown, list_start_job, list_finish_job, cancellable,
                    on_listed_jobs_read, g_steal_pointer (&task));
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
  barge_client_call_manager (client, "ListJobs", list_jobs_parameters (all_users), "(ao)",
                             task, on_list_jobs_done);
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
  BargeSync sync;
  GPtrArray *jobs;

  g_return_val_if_fail (BARGE_IS_CLIENT (client), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  _barge_sync_begin (&sync);
  barge_client_list_jobs_async (client, all_users, cancellable, _barge_sync_done, &sync);
  jobs = barge_client_list_jobs_finish (client, _barge_sync_wait (&sync), error);
  _barge_sync_end (&sync);
  return jobs;
}

static void
on_get_error_description_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  reply = _barge_call_finish (res, NULL, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_variant_get (reply, "(s)", &text);
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
  barge_client_call_manager (client, "GetErrorDescription",
                             g_variant_new ("(ss)", error_name, locale != NULL ? locale : ""),
                             "(s)", task, on_get_error_description_done);
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
  BargeSync sync;
  char *text;

  g_return_val_if_fail (BARGE_IS_CLIENT (client), NULL);
  g_return_val_if_fail (error_name != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  _barge_sync_begin (&sync);
  barge_client_get_error_description_async (client, error_name, locale, cancellable,
                                            _barge_sync_done, &sync);
  text = barge_client_get_error_description_finish (client, _barge_sync_wait (&sync), error);
  _barge_sync_end (&sync);
  return text;
}

/* A Manager method that answers nothing: TRUE once it did. */
/* Whether the daemon took a setter's call; returns @task's error if not. */
static gboolean
setter_took (GTask *task, GAsyncResult *res)
{
  g_autoptr(GVariant) reply = NULL;
  GError *error = NULL;

  reply = _barge_call_finish (res, NULL, &error);
  if (reply == NULL)
    g_task_return_error (task, error);
  return reply != NULL;
}

static void
on_setter_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;

  if (setter_took (task, res))
    g_task_return_boolean (task, TRUE);
}

/* The daemon holds one thing per user: settings it took replace an
 * agent, which goes then, and only then: refused, they change nothing,
 * and the daemon still asks the agent. */
static void
on_session_proxy_set (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;

  if (!setter_took (task, res))
    return;
  _barge_client_drop_proxy_agent_of (g_task_get_source_object (task),
                                     GPOINTER_TO_UINT (g_task_get_task_data (task)));
  g_task_return_boolean (task, TRUE);
}

/**
 * barge_client_set_background_bandwidth_limit_async:
 * @client: a #BargeClient
 * @rate: bytes per second, 1024 to 100000000000; or 0 to remove the limit
 *   set this way, which gives the limit back to `barge.conf`
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Sets the limit that all jobs of a background priority share, over
 * `barge.conf`'s `BackgroundBandwidthLimit` and `BackgroundBandwidthSchedule`,
 * until it is removed (@rate 0); the daemon keeps it across restarts.
 * [property@Barge.Client:background-bandwidth-source] is then
 * `administrator`.
 *
 * On the system bus this needs polkit's
 * `org.freedesktop.Barge1.set-bandwidth-policy` (by default an
 * administrator's password; the call allows polkit to ask for it through
 * the caller's authentication agent). Fails with
 * %BARGE_ERROR_INVALID_ARGUMENT for a rate from 1 to 1023 or above
 * 100000000000, and with %BARGE_ERROR_ACCESS_DENIED when not authorized.
 */
void
barge_client_set_background_bandwidth_limit_async (BargeClient *client,
                                                   guint64 rate,
                                                   GCancellable *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer user_data)
{
  GTask *task;

  g_return_if_fail (BARGE_IS_CLIENT (client));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, barge_client_set_background_bandwidth_limit_async);
  _barge_call_with_flags (client, barge_client_get_connection (client), BARGE_DBUS_MANAGER_PATH,
                          BARGE_DBUS_MANAGER_INTERFACE, "SetBackgroundBandwidthLimit", g_variant_new ("(t)", rate),
                          G_VARIANT_TYPE ("()"), G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION,
                          cancellable, on_setter_done, task);
}

/**
 * barge_client_set_background_bandwidth_limit_finish:
 * @client: a #BargeClient
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Client.set_background_bandwidth_limit_async].
 *
 * Returns: %TRUE once the daemon applied and stored the limit
 */
gboolean
barge_client_set_background_bandwidth_limit_finish (BargeClient *client, GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (BARGE_IS_CLIENT (client), FALSE);
  g_return_val_if_fail (g_task_is_valid (res, client), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (res, barge_client_set_background_bandwidth_limit_async), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (res), error);
}

/**
 * barge_client_set_background_bandwidth_limit_sync:
 * @client: a #BargeClient
 * @rate: bytes per second, 1024 to 100000000000, or 0 to remove the limit
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Sets the limit that background jobs share, blocking until the daemon
 * answered. See [method@Barge.Client.set_background_bandwidth_limit_async].
 *
 * Returns: %TRUE once the daemon applied and stored the limit
 */
gboolean
barge_client_set_background_bandwidth_limit_sync (BargeClient *client,
                                                  guint64 rate,
                                                  GCancellable *cancellable,
                                                  GError **error)
{
  BargeSync sync;
  gboolean ok;

  g_return_val_if_fail (BARGE_IS_CLIENT (client), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _barge_sync_begin (&sync);
  barge_client_set_background_bandwidth_limit_async (client, rate, cancellable, _barge_sync_done, &sync);
  ok = barge_client_set_background_bandwidth_limit_finish (client, _barge_sync_wait (&sync), error);
  _barge_sync_end (&sync);
  return ok;
}

/**
 * barge_client_set_session_proxy_async:
 * @client: a #BargeClient
 * @usage: %BARGE_PROXY_USAGE_OVERRIDE (the session names its proxies),
 *   %BARGE_PROXY_USAGE_NONE (the session goes direct) or
 *   %BARGE_PROXY_USAGE_SYSTEM (withdraw what the session said: the
 *   daemon's own settings hold again)
 * @http_proxy: (nullable): with %BARGE_PROXY_USAGE_OVERRIDE, the proxy of
 *   http:// URLs, `SCHEME://HOST:PORT` with SCHEME `http`, `https`,
 *   `socks`, `socks4`, `socks4a` or `socks5`, no user name
 * @https_proxy: (nullable): the same for https:// URLs
 * @default_proxy: (nullable): the same for the others, and for a scheme
 *   without its own; one of the three at least with
 *   %BARGE_PROXY_USAGE_OVERRIDE, none otherwise
 * @bypass: (nullable) (array zero-terminated=1): with
 *   %BARGE_PROXY_USAGE_OVERRIDE, up to 64 hosts, domains
 *   (`.example.com`), addresses or ranges (CIDR), each with an optional
 *   `:PORT`, that go direct
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Tells the daemon what the caller's desktop session says of proxies.
 * Every job of the caller's user whose #BargeJob:proxy-usage is
 * %BARGE_PROXY_USAGE_SYSTEM then follows these settings instead of the
 * daemon's (`barge.conf`'s `Proxy`, or the system's); a job with a proxy
 * of its own keeps it. Requests started afterwards use them.
 *
 * The settings hold while @client's connection stays on the bus, and end
 * when it closes (this process exits) or when any program of the user
 * calls this again; the daemon keeps them in memory only, so an agent
 * calls again when the daemon comes back (`bargectl session-proxy` does
 * all this). Any user may call this; it changes only that user's jobs.
 *
 * Fails with %BARGE_ERROR_INVALID_ARGUMENT for a proxy or bypass entry
 * that is not one of the forms above (the message names it by its key or
 * position and never repeats it), more than 64 bypass entries, or
 * settings that do not fit @usage; nothing changes then.
 */
void
barge_client_set_session_proxy_async (BargeClient *client,
                                      BargeProxyUsage usage,
                                      const char *http_proxy,
                                      const char *https_proxy,
                                      const char *default_proxy,
                                      const char * const *bypass,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  static const char * const no_strings[] = { NULL };
  const char *usage_text = barge_proxy_usage_to_string (usage);
  g_autoptr(GError) error = NULL;
  GVariantBuilder proxies;
  GTask *task;

  g_return_if_fail (BARGE_IS_CLIENT (client));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (usage_text == NULL)
    g_set_error (&error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, _("%d is not a proxy usage"), (int) usage);
  else if (_barge_check_utf8 (&error, "http_proxy", http_proxy, "https_proxy", https_proxy, "default_proxy",
                              default_proxy, NULL))
    for (guint i = 0; bypass != NULL && bypass[i] != NULL; i++)
      if (!_barge_check_utf8 (&error, "bypass", bypass[i], NULL))
        break;
  if (error != NULL)
    {
      g_task_report_error (client, callback, user_data, barge_client_set_session_proxy_async,
                           g_steal_pointer (&error));
      return;
    }
  g_variant_builder_init (&proxies, G_VARIANT_TYPE ("a{ss}"));
  if (http_proxy != NULL)
    g_variant_builder_add (&proxies, "{ss}", "http", http_proxy);
  if (https_proxy != NULL)
    g_variant_builder_add (&proxies, "{ss}", "https", https_proxy);
  if (default_proxy != NULL)
    g_variant_builder_add (&proxies, "{ss}", "default", default_proxy);
  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, barge_client_set_session_proxy_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (_barge_client_get_proxy_agent_serial (client)), NULL);
  _barge_call_with_flags (client, barge_client_get_connection (client), BARGE_DBUS_MANAGER_PATH,
                          BARGE_DBUS_MANAGER_INTERFACE, "SetSessionProxy",
                          g_variant_new ("(sa{ss}^as)", usage_text, &proxies, bypass != NULL ? bypass : no_strings),
                          G_VARIANT_TYPE ("()"), G_DBUS_MESSAGE_FLAGS_NONE, cancellable, on_session_proxy_set, task);
}

/**
 * barge_client_set_session_proxy_finish:
 * @client: a #BargeClient
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Client.set_session_proxy_async].
 *
 * Returns: %TRUE once the daemon took the settings
 */
gboolean
barge_client_set_session_proxy_finish (BargeClient *client, GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (BARGE_IS_CLIENT (client), FALSE);
  g_return_val_if_fail (g_task_is_valid (res, client), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (res, barge_client_set_session_proxy_async), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (res), error);
}

/**
 * barge_client_set_session_proxy_sync:
 * @client: a #BargeClient
 * @usage: as for [method@Barge.Client.set_session_proxy_async]
 * @http_proxy: (nullable): the proxy of http:// URLs
 * @https_proxy: (nullable): the proxy of https:// URLs
 * @default_proxy: (nullable): the proxy of the others
 * @bypass: (nullable) (array zero-terminated=1): what goes direct
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Tells the daemon the session's proxy settings, blocking until it
 * answered. See [method@Barge.Client.set_session_proxy_async].
 *
 * Returns: %TRUE once the daemon took the settings
 */
gboolean
barge_client_set_session_proxy_sync (BargeClient *client,
                                     BargeProxyUsage usage,
                                     const char *http_proxy,
                                     const char *https_proxy,
                                     const char *default_proxy,
                                     const char * const *bypass,
                                     GCancellable *cancellable,
                                     GError **error)
{
  BargeSync sync;
  gboolean ok;

  g_return_val_if_fail (BARGE_IS_CLIENT (client), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _barge_sync_begin (&sync);
  barge_client_set_session_proxy_async (client, usage, http_proxy, https_proxy, default_proxy, bypass, cancellable,
                                        _barge_sync_done, &sync);
  ok = barge_client_set_session_proxy_finish (client, _barge_sync_wait (&sync), error);
  _barge_sync_end (&sync);
  return ok;
}

/**
 * barge_client_set_session_proxy_resolver_async:
 * @client: a #BargeClient
 * @resolver: what the session's proxy settings say of each URL: GIO's
 *   default resolver in a desktop session (GNOME's settings with their PAC
 *   script or WPAD, libproxy's with KDE's), or any #GProxyResolver
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Makes @client the session proxy agent of the caller's user: every job of
 * that user whose #BargeJob:proxy-usage is %BARGE_PROXY_USAGE_SYSTEM then
 * takes, for each new connection, the proxies @resolver answers for its URL
 * instead of the daemon's settings (D-Bus `RegisterSessionProxyAgent`; the
 * daemon calls `LookupProxy` of `org.freedesktop.Barge1.SessionProxyAgent`
 * on @client's connection, which @client answers from its main context,
 * the thread-default one where it was made, for the daemon only). This is
 * [method@Barge.Client.set_session_proxy_async] for settings that are not
 * lists of proxies: a PAC script, WPAD.
 *
 * It holds, like the settings of [method@Barge.Client.set_session_proxy_async]
 * (which replace it, and which it replaces), while @client's connection
 * stays on the bus and @client lives, in the daemon's memory only. The
 * daemon waits 5 seconds at most for an answer, and refuses one that holds
 * more than 8 entries or an entry other than `direct://` and
 * `SCHEME://HOST:PORT` (SCHEME `http`, `https`, `socks`, `socks4`,
 * `socks4a` or `socks5`, no user name): that connection fails then.
 */
void
barge_client_set_session_proxy_resolver_async (BargeClient *client,
                                               GProxyResolver *resolver,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  BargeProxyAgent *agent;

  g_return_if_fail (BARGE_IS_CLIENT (client));
  g_return_if_fail (G_IS_PROXY_RESOLVER (resolver));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, barge_client_set_session_proxy_resolver_async);
  /* The object first: the daemon may ask as soon as it answered. */
  _barge_client_set_proxy_agent (client, NULL);
  agent = _barge_proxy_agent_new (client, barge_client_get_connection (client), resolver, &error);
  if (agent == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  _barge_client_set_proxy_agent (client, agent);
  g_task_set_task_data (task, GUINT_TO_POINTER (_barge_client_get_proxy_agent_serial (client)), NULL);
  _barge_call_with_flags (client, barge_client_get_connection (client), BARGE_DBUS_MANAGER_PATH,
                          BARGE_DBUS_MANAGER_INTERFACE, "RegisterSessionProxyAgent", NULL, G_VARIANT_TYPE ("()"),
                          G_DBUS_MESSAGE_FLAGS_NONE, cancellable, on_setter_done, g_steal_pointer (&task));
}

/**
 * barge_client_set_session_proxy_resolver_finish:
 * @client: a #BargeClient
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Client.set_session_proxy_resolver_async].
 *
 * Returns: %TRUE once the daemon asks @client
 */
gboolean
barge_client_set_session_proxy_resolver_finish (BargeClient *client, GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (BARGE_IS_CLIENT (client), FALSE);
  g_return_val_if_fail (g_task_is_valid (res, client), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (res, barge_client_set_session_proxy_resolver_async), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_task_propagate_boolean (G_TASK (res), error))
    {
      /* Not registered: nobody asks the object (unless a later call set
       * another one since). */
      _barge_client_drop_proxy_agent_of (client, GPOINTER_TO_UINT (g_task_get_task_data (G_TASK (res))));
      return FALSE;
    }
  return TRUE;
}

/**
 * barge_client_set_session_proxy_resolver_sync:
 * @client: a #BargeClient
 * @resolver: as for [method@Barge.Client.set_session_proxy_resolver_async]
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Makes @client the session proxy agent of the caller's user, blocking
 * until the daemon answered; @client answers the daemon's lookups from
 * its main context, which must then run. See
 * [method@Barge.Client.set_session_proxy_resolver_async].
 *
 * Returns: %TRUE once the daemon asks @client
 */
gboolean
barge_client_set_session_proxy_resolver_sync (BargeClient *client,
                                              GProxyResolver *resolver,
                                              GCancellable *cancellable,
                                              GError **error)
{
  BargeSync sync;
  gboolean ok;

  g_return_val_if_fail (BARGE_IS_CLIENT (client), FALSE);
  g_return_val_if_fail (G_IS_PROXY_RESOLVER (resolver), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _barge_sync_begin (&sync);
  barge_client_set_session_proxy_resolver_async (client, resolver, cancellable, _barge_sync_done, &sync);
  ok = barge_client_set_session_proxy_resolver_finish (client, _barge_sync_wait (&sync), error);
  _barge_sync_end (&sync);
  return ok;
}
