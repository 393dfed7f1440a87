/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include "barge-job-private.h"

/* The daemon's object manager lists only the jobs in use in its current run
 * (a job that has not moved or been called since the daemon started is
 * reachable at its path but not listed), so a job found through ListJobs or
 * GetJob may have file objects that no object manager announces. Their
 * proxies are made here, from the Files property, before the job is handed
 * to the caller; a file a later InterfacesAdded announces is then already
 * known by its path. */

static GPtrArray *
unknown_file_paths (BargeJob *self)
{
  g_autoptr(GVariant) value = g_dbus_proxy_get_cached_property (G_DBUS_PROXY (self->proxy), "Files");
  g_autofree const char **paths = NULL;
  GPtrArray *unknown = g_ptr_array_new_with_free_func (g_free);

  if (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_OBJECT_PATH_ARRAY))
    paths = g_variant_get_objv (value, NULL);
  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    if (_barge_job_lookup_file (self, paths[i]) == NULL)
      g_ptr_array_add (unknown, g_strdup (paths[i]));
  return unknown;
}

static void
adopt_file_proxy (BargeJob *self, BargeDBusFile *proxy)
{
  const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (proxy));
  g_auto(GStrv) names = g_dbus_proxy_get_cached_property_names (G_DBUS_PROXY (proxy));

  /* GDBusProxy ignores a failed GetAll: no properties, no object. */
  if (names == NULL || names[0] == NULL || g_hash_table_contains (self->files, path))
    return;
  g_hash_table_insert (self->files, g_strdup (path), _barge_file_new (proxy));
}

void
_barge_job_fetch_files_sync (BargeJob *self, GCancellable *cancellable)
{
  g_autoptr(GPtrArray) paths = unknown_file_paths (self);
  GDBusConnection *connection = g_dbus_proxy_get_connection (G_DBUS_PROXY (self->proxy));

  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BargeDBusFile) proxy =
        barge_dbus_file_proxy_new_sync (connection, G_DBUS_PROXY_FLAGS_NONE, BARGE_DBUS_NAME,
                                        g_ptr_array_index (paths, i), cancellable, &error);

      if (proxy == NULL)
        g_debug ("No file at %s: %s", (char *) g_ptr_array_index (paths, i), error->message);
      else
        adopt_file_proxy (self, proxy);
    }
  if (paths->len > 0)
    _barge_job_reload_file_list (self);
}

static void
on_file_proxy_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargeJob *self = g_task_get_source_object (task);
  guint *n_pending = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(BargeDBusFile) proxy = barge_dbus_file_proxy_new_finish (res, &error);

  if (proxy == NULL)
    g_debug ("A file of %s is gone: %s", g_dbus_proxy_get_object_path (G_DBUS_PROXY (self->proxy)),
             error->message);
  else
    adopt_file_proxy (self, proxy);
  if (--*n_pending > 0)
    return;
  _barge_job_reload_file_list (self);
  g_task_return_boolean (task, TRUE);
}

/* Never fails: a file that cannot be reached is left out, as the object
 * manager would. */
void
_barge_job_fetch_files_async (BargeJob *self,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GPtrArray) paths = unknown_file_paths (self);
  GDBusConnection *connection = g_dbus_proxy_get_connection (G_DBUS_PROXY (self->proxy));
  guint *n_pending = g_new (guint, 1);

  g_task_set_source_tag (task, _barge_job_fetch_files_async);
  *n_pending = paths->len;
  g_task_set_task_data (task, n_pending, g_free);
  if (paths->len == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  for (guint i = 0; i < paths->len; i++)
    barge_dbus_file_proxy_new (connection, G_DBUS_PROXY_FLAGS_NONE, BARGE_DBUS_NAME,
                               g_ptr_array_index (paths, i), cancellable,
                               on_file_proxy_ready, g_object_ref (task));
}

void
_barge_job_fetch_files_finish (BargeJob *self, GAsyncResult *res)
{
  g_return_if_fail (g_task_is_valid (res, self));
  g_task_propagate_boolean (G_TASK (res), NULL);
}
