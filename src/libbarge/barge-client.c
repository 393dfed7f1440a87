/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include "barge-private.h"

/**
 * BargeClient:
 *
 * A connection to the Barge background transfer daemon.
 *
 * The client follows the daemon's jobs through its D-Bus object manager:
 * [method@Barge.Client.get_jobs] returns them without a round trip, and
 * [signal@Barge.Client::job-added] and [signal@Barge.Client::job-removed]
 * report changes. The daemon's object manager lists the jobs in use since
 * the daemon started (created, moving, or called by some client); jobs
 * left at rest across a restart are found with
 * [method@Barge.Client.list_jobs_async] or
 * [method@Barge.Client.get_job_async], and are known to the client from
 * then on. Create one with [func@Barge.Client.new] (or
 * [ctor@Barge.Client.new_sync]) for a bus type, or with
 * [func@Barge.Client.new_for_connection] for a connection you already have.
 *
 * Errors of the daemon arrive as #GError in the %BARGE_ERROR domain.
 *
 * A client, its jobs and their files deliver signals in the thread-default
 * main context of the thread that created the client, and must be used from
 * that thread.
 */

/* How long a job object that vanished from the bus waits for the Manager's
 * JobRemoved signal, which carries its final state, before the client reports
 * it with the last state it knew (a crashed daemon never sends JobRemoved). */
#define VANISH_GRACE_MS 500

struct _BargeClient
{
  GObject parent_instance;

  GBusType bus_type;
  GDBusConnection *connection;
  BargeDBusManager *manager;
  GDBusObjectManager *object_manager;
  GMainContext *context;

  GHashTable *jobs;      /* object path -> BargeJob */
  GHashTable *vanishing; /* object path -> Vanishing */

  gulong object_added_id;
  gulong object_removed_id;
  gulong job_removed_id;
  gulong manager_properties_changed_id;
};

static void barge_client_initable_iface_init (GInitableIface *iface);
static void barge_client_async_initable_iface_init (GAsyncInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BargeClient, barge_client, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      barge_client_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_INITABLE,
                                                      barge_client_async_initable_iface_init))

enum {
  PROP_0,
  PROP_BUS_TYPE,
  PROP_CONNECTION,
  PROP_VERSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_JOB_ADDED,
  SIGNAL_JOB_REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  BargeClient *client; /* unowned: the client owns this record */
  BargeJob *job;
  GSource *source;
} Vanishing;

static void
vanishing_free (Vanishing *vanishing)
{
  if (vanishing->source != NULL)
    {
      g_source_destroy (vanishing->source);
      g_source_unref (vanishing->source);
    }
  g_object_unref (vanishing->job);
  g_free (vanishing);
}

static void
barge_client_emit_job_removed (BargeClient *self, BargeJob *job)
{
  g_signal_emit (self, signals[SIGNAL_JOB_REMOVED], 0, job,
                 barge_job_state_to_string (barge_job_get_state (job)));
}

static gboolean
on_vanish_timeout (gpointer user_data)
{
  Vanishing *vanishing = user_data;
  BargeClient *self = vanishing->client;
  g_autoptr(BargeJob) job = g_object_ref (vanishing->job);

  g_debug ("Job %s vanished without JobRemoved", barge_job_get_object_path (job));
  /* Frees @vanishing and destroys this source, which is allowed from its own
   * dispatch. */
  g_hash_table_remove (self->vanishing, barge_job_get_object_path (job));
  barge_client_emit_job_removed (self, job);
  return G_SOURCE_REMOVE;
}

/* Takes the job for @path out of the client, whether it is still on the bus
 * or already waiting for its JobRemoved. */
static BargeJob *
barge_client_steal_job (BargeClient *self, const char *path)
{
  g_autofree char *key = NULL;
  BargeJob *job = NULL;
  Vanishing *vanishing;

  if (g_hash_table_steal_extended (self->jobs, path, (gpointer *) &key, (gpointer *) &job))
    return job;

  vanishing = g_hash_table_lookup (self->vanishing, path);
  if (vanishing == NULL)
    return NULL;
  job = g_object_ref (vanishing->job);
  g_hash_table_remove (self->vanishing, path);
  return job;
}

static void
barge_client_add_job (BargeClient *self, BargeJob *job, gboolean emit)
{
  const char *path = barge_job_get_object_path (job);
  g_autoptr(BargeJob) previous = barge_client_steal_job (self, path);

  /* A job still waiting for JobRemoved while an object takes its path again
   * (a restarted daemon) is over: report it before the new one. */
  if (previous != NULL)
    barge_client_emit_job_removed (self, previous);

  g_hash_table_insert (self->jobs, g_strdup (path), g_object_ref (job));
  if (emit)
    g_signal_emit (self, signals[SIGNAL_JOB_ADDED], 0, job);
}

static void
barge_client_add_object (BargeClient *self, GDBusObject *object, gboolean emit)
{
  g_autoptr(GDBusInterface) iface = NULL;
  g_autoptr(BargeJob) job = NULL;
  const char *path = g_dbus_object_get_object_path (object);

  /* File objects are looked up by their job when needed. */
  iface = g_dbus_object_get_interface (object, BARGE_DBUS_JOB_INTERFACE);
  if (iface == NULL || !BARGE_DBUS_IS_JOB (iface))
    return;

  /* A job built from its own proxy (see _barge_client_adopt_proxy) may be here first. */
  if (g_hash_table_contains (self->jobs, path))
    return;

  job = _barge_job_new (BARGE_DBUS_JOB (iface), self->object_manager);
  barge_client_add_job (self, job, emit);
}

static void
on_object_added (GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
  barge_client_add_object (BARGE_CLIENT (user_data), object, TRUE);
}

static void
on_object_removed (GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
  BargeClient *self = BARGE_CLIENT (user_data);
  const char *path = g_dbus_object_get_object_path (object);
  g_autofree char *key = NULL;
  g_autoptr(BargeJob) job = NULL;
  Vanishing *vanishing;

  if (!g_hash_table_steal_extended (self->jobs, path, (gpointer *) &key, (gpointer *) &job))
    return;

  if (barge_job_state_is_final (barge_job_get_state (job)))
    {
      barge_client_emit_job_removed (self, job);
      return;
    }

  vanishing = g_new0 (Vanishing, 1);
  vanishing->client = self;
  vanishing->job = g_steal_pointer (&job);
  vanishing->source = g_timeout_source_new (VANISH_GRACE_MS);
  g_source_set_callback (vanishing->source, on_vanish_timeout, vanishing, NULL);
  g_source_set_static_name (vanishing->source, "[barge] job vanished");
  g_source_attach (vanishing->source, self->context);
  g_hash_table_insert (self->vanishing, g_strdup (path), vanishing);
}

static void
on_manager_job_removed (BargeDBusManager *manager,
                        const char *path,
                        const char *final_state,
                        gpointer user_data)
{
  BargeClient *self = BARGE_CLIENT (user_data);
  g_autoptr(BargeJob) job = barge_client_steal_job (self, path);
  BargeJobState state;

  if (job == NULL)
    return;

  if (barge_job_state_from_string (final_state, &state))
    _barge_job_set_removed (job, state);
  else
    g_debug ("Job %s removed in unknown state “%s”", path, final_state);
  barge_client_emit_job_removed (self, job);
}

static void
on_manager_properties_changed (GDBusProxy *proxy,
                               GVariant *changed,
                               const char * const *invalidated,
                               gpointer user_data)
{
  BargeClient *self = BARGE_CLIENT (user_data);
  g_autoptr(GVariant) version = g_variant_lookup_value (changed, "Version", NULL);

  if (version != NULL || (invalidated != NULL && g_strv_contains (invalidated, "Version")))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION]);
}

/* Called once the manager proxy and the object manager exist. */
static void
barge_client_setup (BargeClient *self)
{
  GList *objects;

  objects = g_dbus_object_manager_get_objects (self->object_manager);
  for (GList *l = objects; l != NULL; l = l->next)
    barge_client_add_object (self, l->data, FALSE);
  g_list_free_full (objects, g_object_unref);

  self->object_added_id =
    g_signal_connect (self->object_manager, "object-added",
                      G_CALLBACK (on_object_added), self);
  self->object_removed_id =
    g_signal_connect (self->object_manager, "object-removed",
                      G_CALLBACK (on_object_removed), self);
  self->job_removed_id =
    g_signal_connect (self->manager, "job-removed",
                      G_CALLBACK (on_manager_job_removed), self);
  self->manager_properties_changed_id =
    g_signal_connect (self->manager, "g-properties-changed",
                      G_CALLBACK (on_manager_properties_changed), self);
}

static gboolean
barge_client_check_bus (BargeClient *self, GError **error)
{
  if (self->connection == NULL && self->bus_type == G_BUS_TYPE_NONE)
    {
      g_set_error_literal (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                           _("A client needs a connection or a bus type"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
barge_client_initable_init (GInitable *initable, GCancellable *cancellable, GError **error)
{
  BargeClient *self = BARGE_CLIENT (initable);
  g_autoptr(GError) local_error = NULL;

  if (!barge_client_check_bus (self, error))
    return FALSE;

  self->context = g_main_context_ref_thread_default ();
  if (self->connection == NULL)
    {
      self->connection = g_bus_get_sync (self->bus_type, cancellable, error);
      if (self->connection == NULL)
        return FALSE;
    }

  /* No DO_NOT_AUTO_START: creating the proxy is what bus-activates barged. */
  self->manager = barge_dbus_manager_proxy_new_sync (self->connection,
                                                     G_DBUS_PROXY_FLAGS_NONE,
                                                     BARGE_DBUS_NAME,
                                                     BARGE_DBUS_MANAGER_PATH,
                                                     cancellable, &local_error);
  if (self->manager == NULL)
    {
      _barge_error_strip (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  self->object_manager =
    barge_dbus_object_manager_client_new_sync (self->connection,
                                               G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE,
                                               BARGE_DBUS_NAME,
                                               BARGE_DBUS_MANAGER_PATH,
                                               cancellable, &local_error);
  if (self->object_manager == NULL)
    {
      _barge_error_strip (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  barge_client_setup (self);
  return TRUE;
}

static void
barge_client_initable_iface_init (GInitableIface *iface)
{
  iface->init = barge_client_initable_init;
}

static void
on_object_manager_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargeClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  self->object_manager = barge_dbus_object_manager_client_new_finish (res, &error);
  if (self->object_manager == NULL)
    {
      _barge_error_strip (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  barge_client_setup (self);
  g_task_return_boolean (task, TRUE);
}

static void
on_manager_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargeClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  self->manager = barge_dbus_manager_proxy_new_finish (res, &error);
  if (self->manager == NULL)
    {
      _barge_error_strip (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  barge_dbus_object_manager_client_new (self->connection,
                                        G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE,
                                        BARGE_DBUS_NAME,
                                        BARGE_DBUS_MANAGER_PATH,
                                        g_task_get_cancellable (task),
                                        on_object_manager_ready,
                                        g_object_ref (task));
}

static void
barge_client_create_manager (BargeClient *self, GTask *task)
{
  /* No DO_NOT_AUTO_START: creating the proxy is what bus-activates barged. */
  barge_dbus_manager_proxy_new (self->connection,
                                G_DBUS_PROXY_FLAGS_NONE,
                                BARGE_DBUS_NAME,
                                BARGE_DBUS_MANAGER_PATH,
                                g_task_get_cancellable (task),
                                on_manager_ready,
                                g_object_ref (task));
}

static void
on_bus_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargeClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  self->connection = g_bus_get_finish (res, &error);
  if (self->connection == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  barge_client_create_manager (self, task);
}

static void
barge_client_init_async (GAsyncInitable *initable,
                         int io_priority,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  BargeClient *self = BARGE_CLIENT (initable);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;

  g_task_set_source_tag (task, barge_client_init_async);
  g_task_set_priority (task, io_priority);

  if (!barge_client_check_bus (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->context = g_main_context_ref_thread_default ();
  if (self->connection == NULL)
    g_bus_get (self->bus_type, cancellable, on_bus_ready, g_object_ref (task));
  else
    barge_client_create_manager (self, task);
}

static gboolean
barge_client_init_finish (GAsyncInitable *initable, GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, initable), FALSE);

  return g_task_propagate_boolean (G_TASK (res), error);
}

static void
barge_client_async_initable_iface_init (GAsyncInitableIface *iface)
{
  iface->init_async = barge_client_init_async;
  iface->init_finish = barge_client_init_finish;
}

static void
barge_client_dispose (GObject *object)
{
  BargeClient *self = BARGE_CLIENT (object);

  if (self->object_manager != NULL)
    {
      g_clear_signal_handler (&self->object_added_id, self->object_manager);
      g_clear_signal_handler (&self->object_removed_id, self->object_manager);
    }
  if (self->manager != NULL)
    {
      g_clear_signal_handler (&self->job_removed_id, self->manager);
      g_clear_signal_handler (&self->manager_properties_changed_id, self->manager);
    }
  g_hash_table_remove_all (self->vanishing);
  g_hash_table_remove_all (self->jobs);
  g_clear_object (&self->object_manager);
  g_clear_object (&self->manager);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (barge_client_parent_class)->dispose (object);
}

static void
barge_client_finalize (GObject *object)
{
  BargeClient *self = BARGE_CLIENT (object);

  g_hash_table_unref (self->vanishing);
  g_hash_table_unref (self->jobs);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (barge_client_parent_class)->finalize (object);
}

static void
barge_client_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BargeClient *self = BARGE_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BUS_TYPE:
      g_value_set_enum (value, self->bus_type);
      break;
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_VERSION:
      g_value_set_string (value, barge_client_get_version (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
barge_client_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  BargeClient *self = BARGE_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BUS_TYPE:
      self->bus_type = g_value_get_enum (value);
      break;
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
barge_client_class_init (BargeClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  /* Barge's D-Bus errors must map to BARGE_ERROR before the first call. */
  (void) barge_error_quark ();

  object_class->dispose = barge_client_dispose;
  object_class->finalize = barge_client_finalize;
  object_class->get_property = barge_client_get_property;
  object_class->set_property = barge_client_set_property;

  /**
   * BargeClient:bus-type:
   *
   * The bus to connect to when [property@Barge.Client:connection] is not
   * given: %G_BUS_TYPE_SYSTEM for the system-wide daemon,
   * %G_BUS_TYPE_SESSION for a daemon run with `--session`.
   */
  properties[PROP_BUS_TYPE] =
    g_param_spec_enum ("bus-type", NULL, NULL,
                       G_TYPE_BUS_TYPE, G_BUS_TYPE_SYSTEM,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeClient:connection:
   *
   * The D-Bus connection to the daemon's bus. Given at construction, or
   * obtained for [property@Barge.Client:bus-type] during initialization.
   */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         G_TYPE_DBUS_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeClient:version:
   *
   * The version of the running daemon, such as "0.1.0", or %NULL when no
   * daemon is running.
   */
  properties[PROP_VERSION] =
    g_param_spec_string ("version", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BargeClient::job-added:
   * @client: the client
   * @job: the new job
   *
   * Emitted when a job appears: created by this or another client, or
   * found when the daemon starts.
   */
  signals[SIGNAL_JOB_ADDED] =
    g_signal_new ("job-added",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  BARGE_TYPE_JOB);

  /**
   * BargeClient::job-removed:
   * @client: the client
   * @job: the job that is gone
   * @final_state: the state the job ended in as a #BargeJobState string:
   *   `acknowledged` or `cancelled`, or the last known state when the daemon
   *   went away without saying
   *
   * Emitted when a job leaves the bus: it reached a final state, or the
   * daemon stopped.
   */
  signals[SIGNAL_JOB_REMOVED] =
    g_signal_new ("job-removed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  BARGE_TYPE_JOB,
                  G_TYPE_STRING);
}

static void
barge_client_init (BargeClient *self)
{
  self->bus_type = G_BUS_TYPE_SYSTEM;
  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->vanishing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) vanishing_free);
}

/**
 * barge_client_new:
 * @bus_type: the bus of the daemon, usually %G_BUS_TYPE_SYSTEM
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the client is ready
 * @user_data: data for @callback
 *
 * Connects to the daemon on @bus_type, starting it through D-Bus activation
 * if needed. Call [ctor@Barge.Client.new_finish] from @callback.
 */
void
barge_client_new (GBusType bus_type,
                  GCancellable *cancellable,
                  GAsyncReadyCallback callback,
                  gpointer user_data)
{
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  g_async_initable_new_async (BARGE_TYPE_CLIENT, G_PRIORITY_DEFAULT, cancellable,
                              callback, user_data,
                              "bus-type", bus_type,
                              NULL);
}

static BargeClient *
barge_client_async_new_finish (GAsyncResult *res, GError **error)
{
  g_autoptr(GObject) source = NULL;
  GObject *object;

  g_return_val_if_fail (G_IS_ASYNC_RESULT (res), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  source = g_async_result_get_source_object (res);
  object = g_async_initable_new_finish (G_ASYNC_INITABLE (source), res, error);
  return object != NULL ? BARGE_CLIENT (object) : NULL;
}

/**
 * barge_client_new_finish:
 * @res: the result passed to the callback of [func@Barge.Client.new]
 * @error: return location for a #GError
 *
 * Finishes [func@Barge.Client.new].
 *
 * Returns: (transfer full): a new #BargeClient, or %NULL on error
 */
BargeClient *
barge_client_new_finish (GAsyncResult *res, GError **error)
{
  return barge_client_async_new_finish (res, error);
}

/**
 * barge_client_new_sync:
 * @bus_type: the bus of the daemon, usually %G_BUS_TYPE_SYSTEM
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Connects to the daemon on @bus_type, blocking until the client is ready.
 * See [func@Barge.Client.new].
 *
 * Returns: (transfer full): a new #BargeClient, or %NULL on error
 */
BargeClient *
barge_client_new_sync (GBusType bus_type, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (BARGE_TYPE_CLIENT, cancellable, error,
                         "bus-type", bus_type,
                         NULL);
}

/**
 * barge_client_new_for_connection:
 * @connection: a connection to the bus of the daemon
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the client is ready
 * @user_data: data for @callback
 *
 * Connects to the daemon on the bus of @connection, for example a private
 * bus in tests. Call [ctor@Barge.Client.new_for_connection_finish] from
 * @callback.
 */
void
barge_client_new_for_connection (GDBusConnection *connection,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_return_if_fail (G_IS_DBUS_CONNECTION (connection));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  g_async_initable_new_async (BARGE_TYPE_CLIENT, G_PRIORITY_DEFAULT, cancellable,
                              callback, user_data,
                              "connection", connection,
                              NULL);
}

/**
 * barge_client_new_for_connection_finish:
 * @res: the result passed to the callback of [func@Barge.Client.new_for_connection]
 * @error: return location for a #GError
 *
 * Finishes [func@Barge.Client.new_for_connection].
 *
 * Returns: (transfer full): a new #BargeClient, or %NULL on error
 */
BargeClient *
barge_client_new_for_connection_finish (GAsyncResult *res, GError **error)
{
  return barge_client_async_new_finish (res, error);
}

/**
 * barge_client_new_for_connection_sync:
 * @connection: a connection to the bus of the daemon
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Connects to the daemon on the bus of @connection, blocking until the
 * client is ready. See [func@Barge.Client.new_for_connection].
 *
 * Returns: (transfer full): a new #BargeClient, or %NULL on error
 */
BargeClient *
barge_client_new_for_connection_sync (GDBusConnection *connection,
                                      GCancellable *cancellable,
                                      GError **error)
{
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (BARGE_TYPE_CLIENT, cancellable, error,
                         "connection", connection,
                         NULL);
}

/**
 * barge_client_get_connection:
 * @client: a #BargeClient
 *
 * Gets the D-Bus connection of @client.
 *
 * Returns: (transfer none): the connection
 */
GDBusConnection *
barge_client_get_connection (BargeClient *client)
{
  g_return_val_if_fail (BARGE_IS_CLIENT (client), NULL);

  return client->connection;
}

/**
 * barge_client_get_version:
 * @client: a #BargeClient
 *
 * Gets the version of the running daemon.
 *
 * Returns: (nullable): the version, such as "0.1.0", or %NULL when no daemon
 *   is running
 */
const char *
barge_client_get_version (BargeClient *client)
{
  g_return_val_if_fail (BARGE_IS_CLIENT (client), NULL);

  if (client->manager == NULL)
    return NULL;
  return barge_dbus_manager_get_version (client->manager);
}

static gint
compare_jobs_by_age (gconstpointer a, gconstpointer b)
{
  BargeJob *job_a = *(BargeJob **) a;
  BargeJob *job_b = *(BargeJob **) b;
  gint64 time_a = barge_job_get_creation_time (job_a);
  gint64 time_b = barge_job_get_creation_time (job_b);

  if (time_a != time_b)
    return time_a < time_b ? -1 : 1;
  return g_strcmp0 (barge_job_get_object_path (job_a), barge_job_get_object_path (job_b));
}

/**
 * barge_client_get_jobs:
 * @client: a #BargeClient
 *
 * Gets the jobs @client knows, without a round trip to the daemon: those
 * the daemon's object manager lists (the jobs in use since the daemon
 * started) and those @client found with [method@Barge.Client.list_jobs_async]
 * or [method@Barge.Client.get_job_async]. Use
 * [method@Barge.Client.list_jobs_async] for all of the caller's jobs. Jobs
 * that have been removed are not included.
 *
 * The array holds a reference on each job and drops it when it is freed.
 *
 * Returns: (transfer container) (element-type BargeJob): the jobs, oldest first
 */
GPtrArray *
barge_client_get_jobs (BargeClient *client)
{
  GPtrArray *jobs;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (BARGE_IS_CLIENT (client), NULL);

  jobs = g_ptr_array_new_full (g_hash_table_size (client->jobs), g_object_unref);
  g_hash_table_iter_init (&iter, client->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (jobs, g_object_ref (value));
  g_ptr_array_sort (jobs, compare_jobs_by_age);
  return jobs;
}

/* "/org/freedesktop/Barge1/jobs/<32 hex>" from a UUID with or without dashes,
 * or NULL if @id is not one. */
static char *
job_path_from_id (const char *id)
{
  g_autoptr(GString) hex = g_string_new (BARGE_DBUS_JOBS_PATH);
  gsize n_digits = 0;

  for (const char *p = id; *p != '\0'; p++)
    {
      if (*p == '-')
        continue;
      if (!g_ascii_isxdigit (*p))
        return NULL;
      g_string_append_c (hex, g_ascii_tolower (*p));
      n_digits++;
    }
  if (n_digits != 32)
    return NULL;
  return g_string_free (g_steal_pointer (&hex), FALSE);
}

/**
 * barge_client_lookup_job:
 * @client: a #BargeClient
 * @id_or_path: a job's UUID (with or without dashes) or its object path
 *
 * Finds a job among those @client knows, without a round trip to the
 * daemon. Use [method@Barge.Client.get_job_async] to ask the daemon.
 *
 * Returns: (transfer none) (nullable): the job, or %NULL if @client does not
 *   know it
 */
BargeJob *
barge_client_lookup_job (BargeClient *client, const char *id_or_path)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (BARGE_IS_CLIENT (client), NULL);
  g_return_val_if_fail (id_or_path != NULL, NULL);

  if (id_or_path[0] == '/')
    return g_hash_table_lookup (client->jobs, id_or_path);

  path = job_path_from_id (id_or_path);
  if (path == NULL)
    return NULL;
  return g_hash_table_lookup (client->jobs, path);
}

/* A job the object manager has not announced yet (a method reply can be
 * handled before the InterfacesAdded signal, and a _sync call always is) gets
 * its own proxy. The object manager's later announcement is then ignored for
 * that path; both proxies follow the same object.
 *
 * Returns a new reference, or NULL if the object does not exist. */
BargeJob *
_barge_client_adopt_proxy (BargeClient *self, BargeDBusJob *proxy, GError **error)
{
  const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (proxy));
  g_auto(GStrv) names = NULL;
  g_autoptr(BargeJob) job = NULL;
  BargeJob *known;

  known = g_hash_table_lookup (self->jobs, path);
  if (known != NULL)
    return g_object_ref (known);

  /* GDBusProxy ignores a failed GetAll, so no properties means no object. */
  names = g_dbus_proxy_get_cached_property_names (G_DBUS_PROXY (proxy));
  if (names == NULL || names[0] == NULL)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_NOT_FOUND, _("No job at %s"), path);
      return NULL;
    }

  job = _barge_job_new (proxy, self->object_manager);
  barge_client_add_job (self, job, TRUE);
  return g_steal_pointer (&job);
}

BargeDBusManager *
_barge_client_get_manager (BargeClient *client)
{
  return client->manager;
}

BargeJob *
_barge_client_lookup_path (BargeClient *client, const char *path)
{
  return g_hash_table_lookup (client->jobs, path);
}
