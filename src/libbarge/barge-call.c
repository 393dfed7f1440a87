/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include "barge-private.h"

/* Method calls to the daemon, with the message of the reply at hand (its
 * serial stamps the values it carries), the running of _async code for the
 * _sync functions, and batches of calls with a bounded number in flight. */

typedef struct {
  GWeakRef client;
  GVariantType *reply_type;
} CallData;

static void
call_data_free (CallData *data)
{
  g_weak_ref_clear (&data->client);
  g_variant_type_free (data->reply_type);
  g_free (data);
}

/* The daemon is not there, or went away before it answered. */
static gboolean
error_is_service_gone (const GError *error)
{
  if (error->domain != G_DBUS_ERROR)
    return FALSE;
  switch (error->code)
    {
    case G_DBUS_ERROR_SERVICE_UNKNOWN:
    case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
    case G_DBUS_ERROR_NO_REPLY:
    case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
    case G_DBUS_ERROR_SPAWN_FORK_FAILED:
    case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
    case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
    case G_DBUS_ERROR_SPAWN_FAILED:
    case G_DBUS_ERROR_SPAWN_SETUP_FAILED:
    case G_DBUS_ERROR_SPAWN_CONFIG_INVALID:
    case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
    case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
    case G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID:
    case G_DBUS_ERROR_SPAWN_FILE_INVALID:
    case G_DBUS_ERROR_SPAWN_NO_MEMORY:
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
_barge_check_utf8 (GError **error, const char *name, const char *value, ...)
{
  va_list args;
  gboolean ok = TRUE;

  va_start (args, value);
  while (name != NULL && ok)
    {
      if (value != NULL && !g_utf8_validate (value, -1, NULL))
        {
          /* TRANSLATORS: %s is the name of a function's argument, such as local_path */
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                       _("The argument %s is not valid UTF-8, which D-Bus strings must be"), name);
          ok = FALSE;
        }
      name = va_arg (args, const char *);
      if (name != NULL)
        value = va_arg (args, const char *);
    }
  va_end (args);
  return ok;
}

gboolean
_barge_error_is_unknown_object (const GError *error)
{
  return g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_INTERFACE);
}

/* Takes @error; returns what the caller gets. */
static GError *
map_error (GError *error)
{
  GError *mapped;

  _barge_error_strip (error);
  if (!error_is_service_gone (error))
    return error;
  mapped = g_error_new (BARGE_ERROR, BARGE_ERROR_SERVICE_UNAVAILABLE,
                        _("The Barge service is not available: %s"), error->message);
  g_error_free (error);
  return mapped;
}

static void
on_call_reply (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  CallData *data = g_task_get_task_data (task);
  g_autoptr(GDBusMessage) reply = NULL;
  g_autoptr(BargeClient) client = NULL;
  g_autoptr(GError) error = NULL;
  guint64 *stamp;
  GVariant *body;

  reply = g_dbus_connection_send_message_with_reply_finish (G_DBUS_CONNECTION (source), res, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, map_error (g_steal_pointer (&error)));
      return;
    }

  client = g_weak_ref_get (&data->client);
  stamp = g_new (guint64, 1);
  *stamp = client != NULL ? _barge_client_stamp_reply (client, reply) : BARGE_STAMP_ANY;
  g_object_set_data_full (G_OBJECT (task), "barge-stamp", stamp, g_free);

  if (g_dbus_message_to_gerror (reply, &error))
    {
      g_task_return_error (task, map_error (g_steal_pointer (&error)));
      return;
    }
  body = g_dbus_message_get_body (reply);
  body = body != NULL ? g_variant_ref (body) : g_variant_ref_sink (g_variant_new_tuple (NULL, 0));
  if (!g_variant_is_of_type (body, data->reply_type))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("The Barge service answered with type %s, not %s"),
                               g_variant_get_type_string (body),
                               g_variant_type_peek_string (data->reply_type));
      g_variant_unref (body);
      return;
    }
  g_task_return_pointer (task, body, (GDestroyNotify) g_variant_unref);
}

void
_barge_call (BargeClient *client,
             GDBusConnection *connection,
             const char *path,
             const char *interface,
             const char *method,
             GVariant *parameters,
             const GVariantType *reply_type,
             GCancellable *cancellable,
             GAsyncReadyCallback callback,
             gpointer user_data)
{
  _barge_call_with_flags (client, connection, path, interface, method, parameters, reply_type,
                          G_DBUS_MESSAGE_FLAGS_NONE, cancellable, callback, user_data);
}

void
_barge_call_with_flags (BargeClient *client,
                        GDBusConnection *connection,
                        const char *path,
                        const char *interface,
                        const char *method,
                        GVariant *parameters,
                        const GVariantType *reply_type,
                        GDBusMessageFlags flags,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GDBusMessage) message = NULL;
  CallData *data = g_new0 (CallData, 1);

  g_task_set_source_tag (task, _barge_call);
  g_weak_ref_init (&data->client, client);
  data->reply_type = g_variant_type_copy (reply_type != NULL ? reply_type : G_VARIANT_TYPE_ANY);
  g_task_set_task_data (task, data, (GDestroyNotify) call_data_free);

  /* The well-known name, never the owner's unique name: a call is what
   * starts a daemon that has exited or crashed, where D-Bus can. */
  message = g_dbus_message_new_method_call (BARGE_DBUS_NAME, path, interface, method);
  g_dbus_message_set_flags (message, g_dbus_message_get_flags (message) | flags);
  if (parameters != NULL)
    g_dbus_message_set_body (message, parameters);
  g_dbus_connection_send_message_with_reply (connection, message, G_DBUS_SEND_MESSAGE_FLAGS_NONE,
                                             -1, NULL, cancellable, on_call_reply,
                                             g_steal_pointer (&task));
}

GVariant *
_barge_call_finish (GAsyncResult *res, guint64 *stamp, GError **error)
{
  guint64 *kept;

  g_return_val_if_fail (g_task_is_valid (res, NULL), NULL);

  kept = g_object_get_data (G_OBJECT (res), "barge-stamp");
  if (stamp != NULL)
    *stamp = kept != NULL ? *kept : BARGE_STAMP_ANY;
  return g_task_propagate_pointer (G_TASK (res), error);
}

void
_barge_get_all (BargeClient *client,
                GDBusConnection *connection,
                const char *path,
                const char *interface,
                GCancellable *cancellable,
                GAsyncReadyCallback callback,
                gpointer user_data)
{
  _barge_call (client, connection, path, BARGE_DBUS_PROPERTIES_INTERFACE, "GetAll",
               g_variant_new ("(s)", interface), G_VARIANT_TYPE ("(a{sv})"),
               cancellable, callback, user_data);
}

GVariant *
_barge_get_all_finish (GAsyncResult *res, guint64 *stamp, GError **error)
{
  g_autoptr(GVariant) reply = _barge_call_finish (res, stamp, error);

  return reply != NULL ? g_variant_get_child_value (reply, 0) : NULL;
}

/* --- _sync over _async ---------------------------------------------------- */

void
_barge_sync_begin (BargeSync *sync)
{
  sync->context = g_main_context_new ();
  sync->result = NULL;
  g_main_context_push_thread_default (sync->context);
}

void
_barge_sync_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  BargeSync *sync = user_data;

  sync->result = g_object_ref (res);
}

GAsyncResult *
_barge_sync_wait (BargeSync *sync)
{
  while (sync->result == NULL)
    g_main_context_iteration (sync->context, TRUE);
  return sync->result;
}

void
_barge_sync_end (BargeSync *sync)
{
  g_main_context_pop_thread_default (sync->context);
  g_clear_object (&sync->result);
  g_main_context_unref (sync->context);
}

/* --- batches ----------------------------------------------------------------- */

typedef struct {
  GPtrArray *items;
  BargeBatchStartFunc start;
  BargeBatchFinishFunc finish;
  guint next;
  guint running;
} Batch;

static void
batch_free (Batch *batch)
{
  g_ptr_array_unref (batch->items);
  g_free (batch);
}

static void batch_fill (GTask *task);

typedef struct {
  GTask *task;
  gpointer item;
} Step;

static void
on_batch_step_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Step *step = user_data;
  g_autoptr(GTask) task = step->task;
  Batch *batch = g_task_get_task_data (task);

  batch->finish (step->item, res);
  g_free (step);
  batch->running--;
  batch_fill (task);
}

/* Once cancelled no step starts, but the batch still waits for those under
 * way: nothing may answer after it completed. */
static void
batch_fill (GTask *task)
{
  Batch *batch = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  while (batch->running < BARGE_FETCH_WINDOW && batch->next < batch->items->len &&
         !g_cancellable_is_cancelled (cancellable))
    {
      Step *step = g_new0 (Step, 1);

      step->task = g_object_ref (task);
      step->item = g_ptr_array_index (batch->items, batch->next++);
      batch->running++;
      batch->start (step->item, cancellable, on_batch_step_done, step);
    }
  if (batch->running > 0)
    return;
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
}

void
_barge_batch_run (GPtrArray *items,
                  BargeBatchStartFunc start,
                  BargeBatchFinishFunc finish,
                  GCancellable *cancellable,
                  GAsyncReadyCallback callback,
                  gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Batch *batch = g_new0 (Batch, 1);

  g_task_set_source_tag (task, _barge_batch_run);
  batch->items = g_ptr_array_ref (items);
  batch->start = start;
  batch->finish = finish;
  g_task_set_task_data (task, batch, (GDestroyNotify) batch_free);
  batch_fill (task);
}

gboolean
_barge_batch_run_finish (GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (res), error);
}
