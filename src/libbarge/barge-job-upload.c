/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include "barge-private.h"
#include "barge-job-upload.h"

/* The calls of "upload" and "upload-reply" jobs: the protocol they speak
 * and the reply of the server application. */

/**
 * barge_job_get_upload_protocol:
 * @job: a #BargeJob
 *
 * The protocol an upload job speaks, chosen when it was created: "bits",
 * "tus" or "put".
 *
 * Returns: (transfer none): the protocol, or "" for a download job
 */
const char *
barge_job_get_upload_protocol (BargeJob *job)
{
  const char *protocol;

  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);
  protocol = barge_dbus_job_get_upload_protocol (_barge_job_get_proxy (job));
  return protocol != NULL ? protocol : "";
}

/**
 * barge_job_get_reply_file_name:
 * @job: a #BargeJob
 *
 * Where the reply of an upload-reply job is kept; it appears there at
 * [method@Barge.Job.complete_async].
 *
 * Returns: (transfer none): an absolute path, or "" when the daemon keeps
 *   the reply itself (read it with [method@Barge.Job.get_reply_data_async])
 */
const char *
barge_job_get_reply_file_name (BargeJob *job)
{
  const char *path;

  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);
  path = barge_dbus_job_get_reply_file_name (_barge_job_get_proxy (job));
  return path != NULL ? path : "";
}

static void
on_call_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GVariant *reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), res, &error);

  if (reply == NULL)
    {
      _barge_error_strip (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, reply, (GDestroyNotify) g_variant_unref);
}

static void
call_async (BargeJob *job, const char *method, GVariant *parameters, gpointer tag,
            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (job, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_dbus_proxy_call (G_DBUS_PROXY (_barge_job_get_proxy (job)), method, parameters,
                     G_DBUS_CALL_FLAGS_NONE, -1, cancellable, on_call_done, g_steal_pointer (&task));
}

static GVariant *
call_finish (BargeJob *job, GAsyncResult *res, gpointer tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, job), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (res, tag), NULL);
  return g_task_propagate_pointer (G_TASK (res), error);
}

static GVariant *
call_sync (BargeJob *job, const char *method, GVariant *parameters, GCancellable *cancellable,
           GError **error)
{
  g_autoptr(GError) local_error = NULL;
  GVariant *reply = g_dbus_proxy_call_sync (G_DBUS_PROXY (_barge_job_get_proxy (job)), method, parameters,
                                            G_DBUS_CALL_FLAGS_NONE, -1, cancellable, &local_error);

  if (reply == NULL)
    {
      _barge_error_strip (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
    }
  return reply;
}

static gboolean
unpack_progress (GVariant *reply, guint64 *bytes_total, guint64 *bytes_transferred)
{
  guint64 total = 0, done = 0;

  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "((tt))", &total, &done);
  if (bytes_total != NULL)
    *bytes_total = total;
  if (bytes_transferred != NULL)
    *bytes_transferred = done;
  return TRUE;
}

/**
 * barge_job_get_reply_progress_async:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Asks for the progress of the reply of an upload-reply job (BITS
 * GetReplyProgress). Other job types fail with %BARGE_ERROR_NOT_SUPPORTED.
 */
void
barge_job_get_reply_progress_async (BargeJob *job, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  call_async (job, "GetReplyProgress", NULL, barge_job_get_reply_progress_async, cancellable,
              callback, user_data);
}

/**
 * barge_job_get_reply_progress_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @bytes_total: (out) (optional): the size of the reply, or
 *   %BARGE_SIZE_UNKNOWN until the reply starts
 * @bytes_transferred: (out) (optional): the bytes of the reply received
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.get_reply_progress_async].
 *
 * Returns: %TRUE on success
 */
gboolean
barge_job_get_reply_progress_finish (BargeJob *job, GAsyncResult *res, guint64 *bytes_total,
                                     guint64 *bytes_transferred, GError **error)
{
  g_autoptr(GVariant) reply = NULL;

  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  reply = call_finish (job, res, barge_job_get_reply_progress_async, error);
  return unpack_progress (reply, bytes_total, bytes_transferred);
}

/**
 * barge_job_get_reply_progress_sync:
 * @job: a #BargeJob
 * @bytes_total: (out) (optional): the size of the reply, or
 *   %BARGE_SIZE_UNKNOWN until the reply starts
 * @bytes_transferred: (out) (optional): the bytes of the reply received
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Blocking form of [method@Barge.Job.get_reply_progress_async].
 *
 * Returns: %TRUE on success
 */
gboolean
barge_job_get_reply_progress_sync (BargeJob *job, guint64 *bytes_total, guint64 *bytes_transferred,
                                   GCancellable *cancellable, GError **error)
{
  g_autoptr(GVariant) reply = NULL;

  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  reply = call_sync (job, "GetReplyProgress", NULL, cancellable, error);
  return unpack_progress (reply, bytes_total, bytes_transferred);
}

static GBytes *
unpack_data (GVariant *reply)
{
  g_autoptr(GVariant) data = NULL;

  if (reply == NULL)
    return NULL;
  data = g_variant_get_child_value (reply, 0);
  return g_variant_get_data_as_bytes (data);
}

/**
 * barge_job_get_reply_data_async:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Asks for the reply of an upload-reply job (BITS GetReplyData): empty
 * until the job is transferred; a reply above 1 MiB fails with
 * %BARGE_ERROR_TOO_LARGE (read it from
 * [method@Barge.Job.get_reply_file_name] after completing the job). Other
 * job types fail with %BARGE_ERROR_NOT_SUPPORTED.
 */
void
barge_job_get_reply_data_async (BargeJob *job, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  call_async (job, "GetReplyData", NULL, barge_job_get_reply_data_async, cancellable, callback, user_data);
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
  g_autoptr(GVariant) reply = NULL;

  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);
  reply = call_finish (job, res, barge_job_get_reply_data_async, error);
  return unpack_data (reply);
}

/**
 * barge_job_get_reply_data_sync:
 * @job: a #BargeJob
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Blocking form of [method@Barge.Job.get_reply_data_async].
 *
 * Returns: (transfer full): the reply, or %NULL on error
 */
GBytes *
barge_job_get_reply_data_sync (BargeJob *job, GCancellable *cancellable, GError **error)
{
  g_autoptr(GVariant) reply = NULL;

  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  reply = call_sync (job, "GetReplyData", NULL, cancellable, error);
  return unpack_data (reply);
}

static void
on_set_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GVariant *reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);

  if (reply == NULL)
    {
      _barge_error_strip (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, reply, (GDestroyNotify) g_variant_unref);
}

static GVariant *
set_reply_file_name_parameters (const char *path)
{
  return g_variant_new ("(ssv)", BARGE_DBUS_JOB_INTERFACE, "ReplyFileName", g_variant_new_string (path));
}

/**
 * barge_job_set_reply_file_name_async:
 * @job: a #BargeJob
 * @path: an absolute path in an existing folder, or "" to let the daemon
 *   keep the reply
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Sets where the reply of an upload-reply job is kept. Allowed until the
 * reply starts (then %BARGE_ERROR_INVALID_STATE).
 */
void
barge_job_set_reply_file_name_async (BargeJob *job, const char *path, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (path != NULL);
  task = g_task_new (job, cancellable, callback, user_data);
  g_task_set_source_tag (task, barge_job_set_reply_file_name_async);
  g_dbus_connection_call (g_dbus_proxy_get_connection (G_DBUS_PROXY (_barge_job_get_proxy (job))),
                          g_dbus_proxy_get_name (G_DBUS_PROXY (_barge_job_get_proxy (job))),
                          g_dbus_proxy_get_object_path (G_DBUS_PROXY (_barge_job_get_proxy (job))),
                          "org.freedesktop.DBus.Properties", "Set", set_reply_file_name_parameters (path),
                          NULL, G_DBUS_CALL_FLAGS_NONE, -1, cancellable, on_set_done, g_steal_pointer (&task));
}

/**
 * barge_job_set_reply_file_name_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.set_reply_file_name_async].
 *
 * Returns: %TRUE if the daemon took the path
 */
gboolean
barge_job_set_reply_file_name_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  g_autoptr(GVariant) reply = NULL;

  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  reply = call_finish (job, res, barge_job_set_reply_file_name_async, error);
  return reply != NULL;
}

/**
 * barge_job_set_reply_file_name_sync:
 * @job: a #BargeJob
 * @path: an absolute path in an existing folder, or ""
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Blocking form of [method@Barge.Job.set_reply_file_name_async].
 *
 * Returns: %TRUE if the daemon took the path
 */
gboolean
barge_job_set_reply_file_name_sync (BargeJob *job, const char *path, GCancellable *cancellable, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GVariant) reply = NULL;
  GDBusProxy *proxy;

  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  proxy = G_DBUS_PROXY (_barge_job_get_proxy (job));
  reply = g_dbus_connection_call_sync (g_dbus_proxy_get_connection (proxy), g_dbus_proxy_get_name (proxy),
                                       g_dbus_proxy_get_object_path (proxy), "org.freedesktop.DBus.Properties",
                                       "Set", set_reply_file_name_parameters (path), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, cancellable, &local_error);
  if (reply == NULL)
    {
      _barge_error_strip (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}
