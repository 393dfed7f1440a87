/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include <string.h>

#include "barge-private.h"
#include "barge-tsan.h"

/**
 * BargeClient:
 *
 * A connection to the Barge background transfer daemon.
 *
 * The client knows the jobs it created, looked up
 * ([method@Barge.Client.get_job_async]), listed
 * ([method@Barge.Client.list_jobs_async]) or heard of from the daemon's
 * `JobAdded` signal, and follows each of them until it leaves the bus: one
 * [class@Barge.Job] object per job, so the same id always gives the same
 * object. [method@Barge.Client.get_jobs] returns these jobs without a round
 * trip; [method@Barge.Client.list_jobs_async] asks the daemon for all of
 * the caller's jobs. [signal@Barge.Client::job-added] and
 * [signal@Barge.Client::job-removed] report changes to that set.
 *
 * The client survives the daemon: when it crashes, is restarted, or exits
 * when idle, [property@Barge.Client:service-available] turns %FALSE and
 * every job and file keeps the values last known. When a daemon owns the
 * bus name again (started by hand, by systemd, or by D-Bus activation on
 * the next call of any program), the client reads every job it knows
 * again, goes on following them, and reports with
 * [signal@Barge.Client::job-removed] those that are gone.
 *
 * Create a client with [func@Barge.Client.new] (or
 * [ctor@Barge.Client.new_sync]) for a bus type, or with
 * [func@Barge.Client.new_for_connection] for a connection you already have.
 *
 * Errors of the daemon arrive as #GError in the %BARGE_ERROR domain; a call
 * made while no daemon can be reached or started fails with
 * %BARGE_ERROR_SERVICE_UNAVAILABLE.
 *
 * The client is what follows the daemon for its jobs: keep a reference to
 * it as long as you use them. A job whose client has been finalized keeps
 * its last values and still takes calls, but changes no more.
 *
 * A client, its jobs and their files deliver signals in the thread-default
 * main context of the thread that created the client, and must be used from
 * that thread.
 */

/* How the client follows the daemon
 *
 * A filter on the connection takes, in the order they arrive, every signal
 * from below /org/freedesktop/Barge1 and the bus's NameOwnerChanged for the
 * daemon's name, and hands them to the client's main context, where they
 * are handled one after the other (the inbox). So a PropertiesChanged is
 * applied, and its notifications emitted, before any signal that came after
 * it, and the owner of the name is known for each signal: signals from any
 * other peer are dropped.
 *
 * Values are stamped (barge-private.h), so a reply handled early (a _sync
 * call) is never overwritten by an older signal handled later.
 *
 * When a new daemon takes the name (or answers a call first), the client
 * counts a new generation and reads everything again (the resync): the
 * Manager's properties, which also makes the daemon send this client its
 * signals on the system bus, then every job and its files. A job whose
 * GetAll says there is no such object is gone. */

struct _BargeClient
{
  GObject parent_instance;

  GBusType bus_type;
  GDBusConnection *connection;
  GMainContext *context;
  gboolean initialized;

  struct _BargeInbox *inbox;
  guint filter_id;
  GSource *inbox_source;
  GQueue pending;  /* GDBusMessage taken from the inbox, not handled yet */
  guint hold;      /* handling waits while a job loads a file a signal names */

  char *owner;          /* the unique name of the daemon followed, or NULL */
  GHashTable *vanished; /* unique names of daemons that left the bus */
  guint32 generation;
  char *version;
  guint64 version_stamp;
  guint64 background_bandwidth_limit;
  guint64 background_bandwidth_limit_stamp;
  char *background_bandwidth_source;
  guint64 background_bandwidth_source_stamp;

  GSource *resync_source;
  GCancellable *resync_cancellable;

  GHashTable *jobs; /* object path -> BargeJob, also those without values yet */
  BargeProxyAgent *proxy_agent; /* barge_client_set_session_proxy_resolver_async(), or NULL */
  guint proxy_agent_serial;   /* counts the changes of proxy_agent */
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
  PROP_SERVICE_AVAILABLE,
  PROP_BACKGROUND_BANDWIDTH_LIMIT,
  PROP_BACKGROUND_BANDWIDTH_SOURCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_JOB_ADDED,
  SIGNAL_JOB_REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define MATCH_DAEMON_SIGNALS \
  "type='signal',sender='" BARGE_DBUS_NAME "',path_namespace='" BARGE_DBUS_MANAGER_PATH "'"
#define MATCH_OWNER_CHANGES \
  "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus'," \
  "member='NameOwnerChanged',path='/org/freedesktop/DBus',arg0='" BARGE_DBUS_NAME "'"

/* --- the inbox --------------------------------------------------------------
 *
 * Filled by the connection's filter in GDBus's worker thread. It is not the
 * client's: the filter may still run after g_dbus_connection_remove_filter()
 * returned, until the connection drops it. */

typedef struct _BargeInbox {
  gatomicrefcount ref_count;
  GMutex lock;
  GQueue messages;
  GSource *source; /* made ready when messages arrive; NULL once closed */
} BargeInbox;

static BargeInbox *
inbox_new (GSource *source)
{
  BargeInbox *inbox = g_new0 (BargeInbox, 1);

  g_atomic_ref_count_init (&inbox->ref_count);
  g_mutex_init (&inbox->lock);
  g_queue_init (&inbox->messages);
  inbox->source = g_source_ref (source);
  return inbox;
}

static BargeInbox *
inbox_ref (BargeInbox *inbox)
{
  g_atomic_ref_count_inc (&inbox->ref_count);
  return inbox;
}

static void
inbox_close (BargeInbox *inbox)
{
  g_mutex_lock (&inbox->lock);
  g_clear_pointer (&inbox->source, g_source_unref);
  g_queue_clear_full (&inbox->messages, g_object_unref);
  g_mutex_unlock (&inbox->lock);
}

static void
inbox_unref (gpointer data)
{
  BargeInbox *inbox = data;

  if (!g_atomic_ref_count_dec (&inbox->ref_count))
    return;
  inbox_close (inbox);
  g_mutex_clear (&inbox->lock);
  g_free (inbox);
}

/* A signal of the daemon's objects, or of the bus about the daemon's name. */
static gboolean
is_followed_signal (GDBusMessage *message)
{
  const char *path = g_dbus_message_get_path (message);

  if (g_strcmp0 (g_dbus_message_get_sender (message), "org.freedesktop.DBus") == 0)
    return g_strcmp0 (g_dbus_message_get_member (message), "NameOwnerChanged") == 0 &&
           g_strcmp0 (g_dbus_message_get_arg0 (message), BARGE_DBUS_NAME) == 0;
  return path != NULL && g_str_has_prefix (path, BARGE_DBUS_MANAGER_PATH) &&
         (path[strlen (BARGE_DBUS_MANAGER_PATH)] == '\0' ||
          path[strlen (BARGE_DBUS_MANAGER_PATH)] == '/');
}

static GDBusMessage *
inbox_filter (GDBusConnection *connection, GDBusMessage *message, gboolean incoming, gpointer user_data)
{
  BargeInbox *inbox = user_data;

  BARGE_TSAN_ACQUIRE (inbox); /* released before g_dbus_connection_add_filter */
  if (!incoming || g_dbus_message_get_message_type (message) != G_DBUS_MESSAGE_TYPE_SIGNAL ||
      !is_followed_signal (message))
    return message;

  g_mutex_lock (&inbox->lock);
  if (inbox->source != NULL)
    {
      g_queue_push_tail (&inbox->messages, g_object_ref (message));
      g_source_set_ready_time (inbox->source, 0);
    }
  g_mutex_unlock (&inbox->lock);
  return message;
}

static gboolean
inbox_source_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  return callback (user_data);
}

static GSourceFuncs inbox_source_funcs = {
  .dispatch = inbox_source_dispatch,
};

/* --- the daemon's name ------------------------------------------------------- */

static void barge_client_schedule_resync (BargeClient *self);

static void
barge_client_set_version (BargeClient *self, const char *version)
{
  if (g_strcmp0 (self->version, version) == 0)
    return;
  g_free (self->version);
  self->version = g_strdup (version);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION]);
}

/* The Manager's properties in @dict (a GetAll reply, or the changes of a
 * PropertiesChanged), each unless the client holds a newer value of it. */
static void
barge_client_apply_manager (BargeClient *self, GVariant *dict, guint64 stamp)
{
  const char *version, *source;
  guint64 limit;

  if (stamp >= self->version_stamp && g_variant_lookup (dict, "Version", "&s", &version))
    {
      self->version_stamp = stamp;
      barge_client_set_version (self, version);
    }
  if (stamp >= self->background_bandwidth_limit_stamp &&
      g_variant_lookup (dict, "BackgroundBandwidthLimit", "t", &limit))
    {
      self->background_bandwidth_limit_stamp = stamp;
      if (self->background_bandwidth_limit != limit)
        {
          self->background_bandwidth_limit = limit;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKGROUND_BANDWIDTH_LIMIT]);
        }
    }
  if (stamp >= self->background_bandwidth_source_stamp &&
      g_variant_lookup (dict, "BackgroundBandwidthSource", "&s", &source))
    {
      self->background_bandwidth_source_stamp = stamp;
      if (g_strcmp0 (self->background_bandwidth_source, source) != 0)
        {
          g_free (self->background_bandwidth_source);
          self->background_bandwidth_source = g_strdup (source);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKGROUND_BANDWIDTH_SOURCE]);
        }
    }
}

/* @owner (nullable): the unique name of the daemon that now owns the name. */
static void
barge_client_set_owner (BargeClient *self, const char *owner)
{
  gboolean was_available = self->owner != NULL;

  if (self->owner != NULL)
    g_hash_table_add (self->vanished, g_steal_pointer (&self->owner));
  self->owner = g_strdup (owner);

  if (owner != NULL)
    {
      g_debug ("Following the Barge service at %s", owner);
      self->generation++;
      barge_client_schedule_resync (self);
    }
  else
    {
      g_debug ("The Barge service left the bus");
      if (self->resync_cancellable != NULL)
        g_cancellable_cancel (self->resync_cancellable);
      barge_client_set_version (self, NULL);
    }
  if (was_available != (owner != NULL))
    {
      _barge_client_enter (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICE_AVAILABLE]);
      _barge_client_leave (self);
    }
}

static void
barge_client_handle_owner_changed (BargeClient *self, GVariant *body)
{
  const char *name, *old_owner, *new_owner;

  if (body == NULL || !g_variant_is_of_type (body, G_VARIANT_TYPE ("(sss)")))
    return;
  g_variant_get (body, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (!g_str_equal (name, BARGE_DBUS_NAME))
    return;
  if (*old_owner != '\0')
    g_hash_table_add (self->vanished, g_strdup (old_owner));

  /* The owner may be known already, from a reply handled earlier. */
  if (*new_owner == '\0')
    {
      if (g_strcmp0 (self->owner, old_owner) == 0)
        barge_client_set_owner (self, NULL);
    }
  else if (g_strcmp0 (self->owner, new_owner) != 0 &&
           !g_hash_table_contains (self->vanished, new_owner))
    barge_client_set_owner (self, new_owner);
}

guint64
_barge_client_stamp_reply (BargeClient *self, GDBusMessage *reply)
{
  const char *sender = g_dbus_message_get_sender (reply);

  /* The bus answering for a daemon that is not there, or no bus at all. */
  if (sender == NULL || g_str_equal (sender, "org.freedesktop.DBus"))
    return BARGE_STAMP_ANY;
  if (g_strcmp0 (sender, self->owner) == 0)
    return BARGE_STAMP (self->generation, g_dbus_message_get_serial (reply));
  if (g_hash_table_contains (self->vanished, sender))
    return BARGE_STAMP_STALE;
  /* A call went to a daemon whose NameOwnerChanged is still on its way:
   * replies to calls on the well-known name come only from its owner. */
  barge_client_set_owner (self, sender);
  return BARGE_STAMP (self->generation, g_dbus_message_get_serial (reply));
}

/* --- the jobs ---------------------------------------------------------------- */

BargeJob *
_barge_client_ensure_job (BargeClient *self, const char *path)
{
  BargeJob *job = g_hash_table_lookup (self->jobs, path);

  if (job == NULL)
    {
      job = _barge_job_new (self, self->connection, path);
      g_hash_table_insert (self->jobs, g_strdup (path), job);
    }
  return job;
}

BargeJob *
_barge_client_lookup_path (BargeClient *self, const char *path)
{
  BargeJob *job = g_hash_table_lookup (self->jobs, path);

  return job != NULL && _barge_job_is_announced (job) ? job : NULL;
}

void
_barge_client_job_loaded (BargeClient *self, BargeJob *job)
{
  if (_barge_job_is_announced (job) || _barge_job_is_removed (job) ||
      g_hash_table_lookup (self->jobs, barge_job_get_object_path (job)) != job)
    return;
  _barge_job_set_announced (job);
  _barge_client_enter (self);
  g_signal_emit (self, signals[SIGNAL_JOB_ADDED], 0, job);
  _barge_client_leave (self);
}

void
_barge_client_job_gone (BargeClient *self, BargeJob *job)
{
  g_autoptr(BargeJob) keep = g_object_ref (job);
  const char *path = barge_job_get_object_path (job);

  if (g_hash_table_lookup (self->jobs, path) != job)
    return;
  g_hash_table_remove (self->jobs, path);
  if (_barge_job_is_announced (job))
    {
      _barge_client_enter (self);
      g_signal_emit (self, signals[SIGNAL_JOB_REMOVED], 0, job,
                     barge_job_state_to_string (barge_job_get_state (job)));
      _barge_client_leave (self);
    }
}

/* A job the client has not heard of: read it, then announce it. */
static void
on_new_job_refreshed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!_barge_job_refresh_finish (BARGE_JOB (source), res, &error))
    g_debug ("Cannot read new job %s: %s", barge_job_get_object_path (BARGE_JOB (source)),
             error->message);
}

static void
barge_client_handle_manager_signal (BargeClient *self, const char *member, GVariant *body,
                                    guint64 stamp)
{
  const char *path;

  if (g_str_equal (member, "JobAdded") && g_variant_is_of_type (body, G_VARIANT_TYPE ("(o)")))
    {
      BargeJob *job;

      g_variant_get (body, "(&o)", &path);
      job = _barge_client_ensure_job (self, path);
      if (!_barge_job_is_loading_or_loaded (job))
        _barge_job_refresh_async (job, FALSE, NULL, on_new_job_refreshed, NULL);
    }
  else if (g_str_equal (member, "JobRemoved") && g_variant_is_of_type (body, G_VARIANT_TYPE ("(os)")))
    {
      const char *final_state;
      BargeJobState state;
      BargeJob *job;

      g_variant_get (body, "(&o&s)", &path, &final_state);
      job = g_hash_table_lookup (self->jobs, path);
      if (job == NULL)
        return;
      if (!barge_job_state_from_string (final_state, &state))
        {
          g_debug ("Job %s removed in unknown state “%s”", path, final_state);
          state = -1;
        }
      _barge_job_set_removed (job, state);
    }
  else if (g_str_equal (member, "PropertiesChanged") &&
           g_variant_is_of_type (body, G_VARIANT_TYPE ("(sa{sv}as)")))
    {
      g_autoptr(GVariant) changed = g_variant_get_child_value (body, 1);

      barge_client_apply_manager (self, changed, stamp);
    }
}

static gboolean on_inbox_ready (gpointer user_data);

static gboolean
on_file_loaded_resume (gpointer user_data)
{
  BargeClient *self = user_data;

  /* The client may be gone: the job holds only a weak reference. */
  if (self->hold > 0)
    self->hold--;
  if (self->hold == 0 && self->inbox_source != NULL)
    g_source_set_ready_time (self->inbox_source, 0);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

/* Returns FALSE when the message must wait and be handled again. */
static gboolean
barge_client_handle_message (BargeClient *self, GDBusMessage *message)
{
  const char *sender = g_dbus_message_get_sender (message);
  const char *path = g_dbus_message_get_path (message);
  const char *interface = g_dbus_message_get_interface (message);
  const char *member = g_dbus_message_get_member (message);
  GVariant *body = g_dbus_message_get_body (message);
  g_autoptr(GVariant) empty = NULL;
  g_autofree char *job_path = NULL;
  const char *files;
  guint64 stamp;
  BargeJob *job;

  if (g_strcmp0 (sender, "org.freedesktop.DBus") == 0)
    {
      barge_client_handle_owner_changed (self, body);
      return TRUE;
    }
  /* Only the daemon followed speaks for Barge. */
  if (self->owner == NULL || g_strcmp0 (sender, self->owner) != 0 ||
      interface == NULL || member == NULL)
    return TRUE;
  /* Transferred and Modified have no arguments. */
  if (body == NULL)
    body = empty = g_variant_ref_sink (g_variant_new ("()"));
  stamp = BARGE_STAMP (self->generation, g_dbus_message_get_serial (message));

  if (g_str_equal (path, BARGE_DBUS_MANAGER_PATH))
    {
      if (g_str_equal (interface, BARGE_DBUS_MANAGER_INTERFACE) ||
          g_str_equal (interface, BARGE_DBUS_PROPERTIES_INTERFACE))
        barge_client_handle_manager_signal (self, member, body, stamp);
      return TRUE;
    }

  /* A job, or one of its files at <job>/files/<n>. */
  files = strstr (path, "/files/");
  job_path = files != NULL ? g_strndup (path, files - path) : g_strdup (path);
  job = g_hash_table_lookup (self->jobs, job_path);
  if (job == NULL)
    return TRUE;
  if (_barge_job_handle_signal (job, path, interface, member, body, stamp,
                                on_file_loaded_resume, self))
    return TRUE;
  self->hold++;
  g_object_ref (self);
  return FALSE;
}

static gboolean
on_inbox_ready (gpointer user_data)
{
  BargeClient *self = user_data;
  GDBusMessage *message;

  g_source_set_ready_time (self->inbox_source, -1);
  g_mutex_lock (&self->inbox->lock);
  while ((message = g_queue_pop_head (&self->inbox->messages)) != NULL)
    g_queue_push_tail (&self->pending, message);
  g_mutex_unlock (&self->inbox->lock);

  /* Whatever the handlers start belongs to the client's context. */
  g_main_context_push_thread_default (self->context);
  g_object_ref (self);
  while (self->hold == 0 && (message = g_queue_pop_head (&self->pending)) != NULL)
    {
      if (!barge_client_handle_message (self, message))
        {
          g_queue_push_head (&self->pending, message);
          break;
        }
      g_object_unref (message);
    }
  g_object_unref (self);
  g_main_context_pop_thread_default (self->context);
  return G_SOURCE_CONTINUE;
}

/* --- reading everything again ------------------------------------------------ */

typedef struct {
  BargeClient *client;
  GCancellable *cancellable;
} Resync;

static void
resync_free (Resync *resync)
{
  g_object_unref (resync->client);
  g_object_unref (resync->cancellable);
  g_free (resync);
}

static void
on_resync_manager_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Resync *resync = user_data;
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GError) error = NULL;
  guint64 stamp;

  dict = _barge_get_all_finish (res, &stamp, &error);
  if (dict == NULL)
    g_debug ("Cannot read the Barge service's properties: %s", error->message);
  else if (!g_cancellable_is_cancelled (resync->cancellable))
    barge_client_apply_manager (resync->client, dict, stamp);
  resync_free (resync);
}

static void
resync_start_job (gpointer item, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  _barge_job_refresh_async (item, TRUE, cancellable, callback, user_data);
}

static void
resync_finish_job (gpointer item, GAsyncResult *res)
{
  g_autoptr(GError) error = NULL;

  /* A job that is gone has told the client (job-removed) by now. */
  if (!_barge_job_refresh_finish (item, res, &error))
    g_debug ("Not read again: %s: %s", barge_job_get_object_path (item), error->message);
}

static void
on_resync_jobs_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargeClient) self = user_data;

  _barge_batch_run_finish (res, NULL);
}

static gboolean
on_resync (gpointer user_data)
{
  BargeClient *self = user_data;
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func (g_object_unref);
  Resync *resync;
  GHashTableIter iter;
  gpointer value;

  g_clear_pointer (&self->resync_source, g_source_unref);
  if (self->resync_cancellable != NULL)
    g_cancellable_cancel (self->resync_cancellable);
  g_clear_object (&self->resync_cancellable);
  if (self->owner == NULL)
    return G_SOURCE_REMOVE;
  self->resync_cancellable = g_cancellable_new ();

  g_main_context_push_thread_default (self->context);
  /* First, and on its own: on the system bus this makes the daemon send
   * this client the signals of its jobs. */
  resync = g_new0 (Resync, 1);
  resync->client = g_object_ref (self);
  resync->cancellable = g_object_ref (self->resync_cancellable);
  _barge_get_all (self, self->connection, BARGE_DBUS_MANAGER_PATH, BARGE_DBUS_MANAGER_INTERFACE,
                  NULL, on_resync_manager_read, resync);

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (jobs, g_object_ref (value));
  _barge_batch_run (jobs, resync_start_job, resync_finish_job, self->resync_cancellable,
                    on_resync_jobs_read, g_object_ref (self));
  g_main_context_pop_thread_default (self->context);
  return G_SOURCE_REMOVE;
}

/* In the client's context, never inside a _sync call that noticed the new
 * daemon: that call must not leave work behind in its own context. */
static void
barge_client_schedule_resync (BargeClient *self)
{
  if (!self->initialized || self->resync_source != NULL || self->context == NULL)
    return;
  self->resync_source = g_idle_source_new ();
  g_source_set_priority (self->resync_source, G_PRIORITY_DEFAULT);
  g_source_set_callback (self->resync_source, on_resync, self, NULL);
  g_source_set_static_name (self->resync_source, "[barge] read the jobs again");
  g_source_attach (self->resync_source, self->context);
}

/* --- construction ------------------------------------------------------------ */

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

static void
add_match (GDBusConnection *connection, const char *method, const char *rule)
{
  /* No reply wanted; the bus handles it before any later call of ours. */
  g_dbus_connection_call (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", method, g_variant_new ("(s)", rule),
                          NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
}

/* Starts following the daemon: before the first call, so no signal that
 * comes after it is missed. */
static void
barge_client_start_following (BargeClient *self)
{
  self->inbox_source = g_source_new (&inbox_source_funcs, sizeof (GSource));
  g_source_set_callback (self->inbox_source, on_inbox_ready, self, NULL);
  g_source_set_can_recurse (self->inbox_source, TRUE);
  g_source_set_static_name (self->inbox_source, "[barge] daemon signals");
  g_source_attach (self->inbox_source, self->context);
  self->inbox = inbox_new (self->inbox_source);
  BARGE_TSAN_RELEASE (self->inbox);
  self->filter_id = g_dbus_connection_add_filter (self->connection, inbox_filter,
                                                  inbox_ref (self->inbox), inbox_unref);
  add_match (self->connection, "AddMatch", MATCH_OWNER_CHANGES);
  add_match (self->connection, "AddMatch", MATCH_DAEMON_SIGNALS);
}

static void
on_manager_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargeClient *self = g_task_get_source_object (task);
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GError) error = NULL;
  guint64 stamp;

  /* A daemon that is not running and cannot be started is no reason to
   * fail: the client follows it once it comes. */
  dict = _barge_get_all_finish (res, &stamp, &error);
  if (dict == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (dict == NULL)
    g_debug ("No Barge service yet: %s", error->message);
  else
    barge_client_apply_manager (self, dict, stamp);
  self->initialized = TRUE;
  g_task_return_boolean (task, TRUE);
}

/* The connection is there: follow the daemon, then read the Manager, which
 * starts the daemon through D-Bus activation where it can be. */
static void
barge_client_connect_daemon (BargeClient *self, GTask *task)
{
  barge_client_start_following (self);
  _barge_get_all (self, self->connection, BARGE_DBUS_MANAGER_PATH, BARGE_DBUS_MANAGER_INTERFACE,
                  g_task_get_cancellable (task), on_manager_read, task);
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
  barge_client_connect_daemon (self, g_steal_pointer (&task));
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

  /* A _sync construction runs this in a context of its own: the client
   * belongs to the caller's. */
  if (self->context == NULL)
    self->context = g_main_context_ref_thread_default ();
  if (self->connection == NULL)
    g_bus_get (self->bus_type, cancellable, on_bus_ready, g_steal_pointer (&task));
  else
    barge_client_connect_daemon (self, g_steal_pointer (&task));
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

static gboolean
barge_client_initable_init (GInitable *initable, GCancellable *cancellable, GError **error)
{
  BargeClient *self = BARGE_CLIENT (initable);
  BargeSync sync;
  gboolean ok;

  self->context = g_main_context_ref_thread_default ();
  _barge_sync_begin (&sync);
  barge_client_init_async (G_ASYNC_INITABLE (initable), G_PRIORITY_DEFAULT, cancellable,
                           _barge_sync_done, &sync);
  ok = barge_client_init_finish (G_ASYNC_INITABLE (initable), _barge_sync_wait (&sync), error);
  _barge_sync_end (&sync);
  return ok;
}

static void
barge_client_initable_iface_init (GInitableIface *iface)
{
  iface->init = barge_client_initable_init;
}

static void
barge_client_dispose (GObject *object)
{
  BargeClient *self = BARGE_CLIENT (object);
  GHashTableIter iter;
  gpointer value;

  if (self->filter_id != 0)
    {
      g_dbus_connection_remove_filter (self->connection, self->filter_id);
      self->filter_id = 0;
      add_match (self->connection, "RemoveMatch", MATCH_OWNER_CHANGES);
      add_match (self->connection, "RemoveMatch", MATCH_DAEMON_SIGNALS);
    }
  if (self->inbox != NULL)
    {
      inbox_close (self->inbox);
      g_clear_pointer (&self->inbox, inbox_unref);
    }
  if (self->inbox_source != NULL)
    {
      g_source_destroy (self->inbox_source);
      g_clear_pointer (&self->inbox_source, g_source_unref);
    }
  g_queue_clear_full (&self->pending, g_object_unref);
  if (self->resync_source != NULL)
    {
      g_source_destroy (self->resync_source);
      g_clear_pointer (&self->resync_source, g_source_unref);
    }
  if (self->resync_cancellable != NULL)
    g_cancellable_cancel (self->resync_cancellable);
  g_clear_object (&self->resync_cancellable);

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    _barge_job_detach (value);
  g_hash_table_remove_all (self->jobs);
  g_clear_pointer (&self->proxy_agent, _barge_proxy_agent_free);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (barge_client_parent_class)->dispose (object);
}

static void
barge_client_finalize (GObject *object)
{
  BargeClient *self = BARGE_CLIENT (object);

  g_hash_table_unref (self->jobs);
  g_hash_table_unref (self->vanished);
  g_free (self->owner);
  g_free (self->version);
  g_free (self->background_bandwidth_source);
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
    case PROP_SERVICE_AVAILABLE:
      g_value_set_boolean (value, barge_client_get_service_available (self));
      break;
    case PROP_BACKGROUND_BANDWIDTH_LIMIT:
      g_value_set_uint64 (value, barge_client_get_background_bandwidth_limit (self));
      break;
    case PROP_BACKGROUND_BANDWIDTH_SOURCE:
      g_value_set_string (value, barge_client_get_background_bandwidth_source (self));
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
   * The version of the running daemon, such as "0.1.0", or %NULL while no
   * daemon is running.
   */
  properties[PROP_VERSION] =
    g_param_spec_string ("version", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeClient:service-available:
   *
   * Whether a daemon owns the bus name and the client follows it. %FALSE
   * while the daemon is away: not started yet, crashed, restarting, or
   * exited after its idle timeout. Meanwhile every [class@Barge.Job] and
   * [class@Barge.File] keeps the values last known, and they change again
   * only when a daemon is back. A call still starts the daemon where D-Bus
   * activation is installed; without it, it fails with
   * %BARGE_ERROR_SERVICE_UNAVAILABLE.
   */
  properties[PROP_SERVICE_AVAILABLE] =
    g_param_spec_boolean ("service-available", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeClient:background-bandwidth-limit:
   *
   * The most bytes per second that the jobs of a background priority
   * (%BARGE_JOB_PRIORITY_HIGH, %BARGE_JOB_PRIORITY_NORMAL and
   * %BARGE_JOB_PRIORITY_LOW) move together, or 0 for no such limit;
   * foreground jobs are never held by it. The administrator sets it in
   * `barge.conf` (`[Transfer] BackgroundBandwidthLimit`, and a schedule,
   * `BackgroundBandwidthSchedule`), which the daemon reads again on SIGHUP,
   * or over D-Bus with [method@Barge.Client.set_background_bandwidth_limit_async];
   * [property@Barge.Client:background-bandwidth-source] says which holds.
   * A job's own [property@Barge.Job:bandwidth-limit] holds too: the lower
   * of the two applies. While the daemon is away this keeps the value last
   * known.
   */
  properties[PROP_BACKGROUND_BANDWIDTH_LIMIT] =
    g_param_spec_uint64 ("background-bandwidth-limit", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeClient:background-bandwidth-source:
   *
   * Where [property@Barge.Client:background-bandwidth-limit] comes from:
   * `administrator` (set with
   * [method@Barge.Client.set_background_bandwidth_limit_async], which wins
   * over `barge.conf` until removed), `schedule` (the rule of `barge.conf`'s
   * `BackgroundBandwidthSchedule` in force now), `config` (`barge.conf`'s
   * `BackgroundBandwidthLimit`) or `none`; %NULL before the daemon was
   * reached.
   */
  properties[PROP_BACKGROUND_BANDWIDTH_SOURCE] =
    g_param_spec_string ("background-bandwidth-source", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BargeClient::job-added:
   * @client: the client
   * @job: the job
   *
   * Emitted when the client comes to know a job: one it created, looked up
   * or listed, or one the daemon announced with `JobAdded` (created by
   * another program). The job has its values and its files when this is
   * emitted, and only once for each job.
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
   * @job: the job that is gone; it keeps its id and its last values
   * @final_state: the state the job ended in as a #BargeJobState string:
   *   `acknowledged` or `cancelled`; or the last state known, when the job
   *   left while the daemon was away and the client found it gone when the
   *   daemon came back
   *
   * Emitted when a job the client knows leaves the bus. A daemon that stops
   * or crashes does not remove its jobs: they are still there when it is
   * back (see [property@Barge.Client:service-available]).
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
  g_queue_init (&self->pending);
  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->vanished = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
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
 * Returns: (nullable): the version, such as "0.1.0", or %NULL while no
 *   daemon is running
 */
const char *
barge_client_get_version (BargeClient *client)
{
  g_return_val_if_fail (BARGE_IS_CLIENT (client), NULL);

  return client->owner != NULL ? client->version : NULL;
}

/**
 * barge_client_get_background_bandwidth_limit:
 * @client: a #BargeClient
 *
 * Gets the limit that the jobs of a background priority share. See
 * [property@Barge.Client:background-bandwidth-limit].
 *
 * Returns: the limit in bytes per second, 0 for none
 */
guint64
barge_client_get_background_bandwidth_limit (BargeClient *client)
{
  g_return_val_if_fail (BARGE_IS_CLIENT (client), 0);

  return client->background_bandwidth_limit;
}

/**
 * barge_client_get_background_bandwidth_source:
 * @client: a #BargeClient
 *
 * Gets where the limit that background jobs share comes from. See
 * [property@Barge.Client:background-bandwidth-source].
 *
 * Returns: (nullable): `administrator`, `schedule`, `config` or `none`;
 *   %NULL before the daemon was reached
 */
const char *
barge_client_get_background_bandwidth_source (BargeClient *client)
{
  g_return_val_if_fail (BARGE_IS_CLIENT (client), NULL);

  return client->background_bandwidth_source;
}

/**
 * barge_client_get_service_available:
 * @client: a #BargeClient
 *
 * Checks whether a daemon is running and @client follows it. See
 * [property@Barge.Client:service-available].
 *
 * Returns: %TRUE while a daemon owns the bus name
 */
gboolean
barge_client_get_service_available (BargeClient *client)
{
  g_return_val_if_fail (BARGE_IS_CLIENT (client), FALSE);

  return client->owner != NULL;
}

GMainContext *
_barge_client_get_context (BargeClient *client)
{
  return client->context;
}

void
_barge_client_enter (BargeClient *client)
{
  if (client != NULL && client->context != NULL)
    g_main_context_push_thread_default (client->context);
}

void
_barge_client_leave (BargeClient *client)
{
  if (client != NULL && client->context != NULL)
    g_main_context_pop_thread_default (client->context);
}

const char *
_barge_client_get_daemon_name (BargeClient *client)
{
  return client->owner;
}

void
_barge_client_set_proxy_agent (BargeClient *client, BargeProxyAgent *agent)
{
  g_clear_pointer (&client->proxy_agent, _barge_proxy_agent_free);
  client->proxy_agent = agent;
  client->proxy_agent_serial++;
}

guint
_barge_client_get_proxy_agent_serial (BargeClient *client)
{
  return client->proxy_agent_serial;
}

void
_barge_client_drop_proxy_agent_of (BargeClient *client, guint serial)
{
  if (client->proxy_agent_serial == serial)
    _barge_client_set_proxy_agent (client, NULL);
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
 * Gets the jobs @client knows, without a round trip to the daemon: those it
 * created, looked up with [method@Barge.Client.get_job_async] or listed
 * with [method@Barge.Client.list_jobs_async], and those the daemon
 * announced since (created by other programs), as
 * [signal@Barge.Client::job-added] reported them. It is not every job of
 * the caller: [method@Barge.Client.list_jobs_async] asks the daemon for
 * those. Jobs that have been removed are not included; jobs keep their last
 * values while the daemon is away.
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
    if (_barge_job_is_announced (value))
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
 * Finds a job among those @client knows (see
 * [method@Barge.Client.get_jobs]), without a round trip to the daemon. Use
 * [method@Barge.Client.get_job_async] to ask the daemon.
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
    return _barge_client_lookup_path (client, id_or_path);

  path = job_path_from_id (id_or_path);
  if (path == NULL)
    return NULL;
  return _barge_client_lookup_path (client, path);
}
