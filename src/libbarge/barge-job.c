/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include <string.h>

#include "barge-private.h"
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
 * change. The writable properties can be set with [method@GObject.Object.set],
 * which sends the change and returns at once, or with
 * [method@Barge.Job.set_property_async], which reports whether the daemon
 * accepted it. Either way the property takes the new value when the daemon
 * announces it.
 *
 * Get jobs from a [class@Barge.Client].
 */

struct _BargeJob
{
  GObject parent_instance;

  BargeDBusJob *proxy;
  GDBusObjectManager *object_manager; /* nullable; where file objects are found */
  gulong properties_changed_id;
  gulong transferred_id;
  gulong failed_id;
  gulong file_transferred_id;

  /* Parsed copies of the D-Bus values, so that getters are cheap and notify
   * fires only for what really changed. */
  BargeJobType job_type;
  BargeJobState state;
  gboolean removed; /* the state is the final state the daemon reported */
  BargeJobPriority priority;
  BargeProgress *progress;
  gint64 creation_time;
  gint64 modification_time;
  gint64 completion_time;
  BargeErrorContext error_context;
  char *error_name;
  char *error_message;
  char *error_file_path;

  GHashTable *files; /* object path -> BargeFile */
};

G_DEFINE_FINAL_TYPE (BargeJob, barge_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_OBJECT_PATH,
  PROP_ID,
  PROP_DISPLAY_NAME,
  PROP_DESCRIPTION,
  PROP_JOB_TYPE,
  PROP_STATE,
  PROP_PRIORITY,
  PROP_OWNER,
  PROP_PROGRESS,
  PROP_CREATION_TIME,
  PROP_MODIFICATION_TIME,
  PROP_COMPLETION_TIME,
  PROP_ERROR_COUNT,
  PROP_ERROR_CONTEXT,
  PROP_ERROR_NAME,
  PROP_ERROR_MESSAGE,
  PROP_ERROR_FILE,
  PROP_MINIMUM_RETRY_DELAY,
  PROP_NO_PROGRESS_TIMEOUT,
  PROP_MINIMUM_NOTIFICATION_INTERVAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_TRANSFERRED,
  SIGNAL_FAILED,
  SIGNAL_FILE_TRANSFERRED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
nonnull (const char *str)
{
  return str != NULL ? str : "";
}

static void
barge_job_load_type (BargeJob *self)
{
  if (!barge_job_type_from_string (barge_dbus_job_get_type_ (self->proxy), &self->job_type))
    self->job_type = BARGE_JOB_TYPE_DOWNLOAD;
}

static void
barge_job_load_state (BargeJob *self)
{
  const char *str;

  /* Nothing the daemon may still have queued can bring a job back. */
  if (self->removed)
    return;

  str = barge_dbus_job_get_state (self->proxy);
  if (!barge_job_state_from_string (str, &self->state))
    {
      if (str != NULL)
        g_debug ("Job %s has an unknown state “%s”",
                 barge_job_get_object_path (self), str);
      self->state = BARGE_JOB_STATE_SUSPENDED;
    }
}

static void
barge_job_load_priority (BargeJob *self)
{
  if (!barge_job_priority_from_string (barge_dbus_job_get_priority (self->proxy), &self->priority))
    self->priority = BARGE_JOB_PRIORITY_NORMAL;
}

/* Returns TRUE if the value changed. */
static gboolean
barge_job_load_progress (BargeJob *self)
{
  GVariant *value = barge_dbus_job_get_progress (self->proxy);
  guint64 bytes_total = BARGE_SIZE_UNKNOWN;
  guint64 bytes_transferred = 0;
  guint64 files_total = 0;
  guint64 files_transferred = 0;

  if (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE ("(tttt)")))
    g_variant_get (value, "(tttt)", &bytes_total, &bytes_transferred, &files_total, &files_transferred);

  if (self->progress != NULL &&
      barge_progress_get_bytes_total (self->progress) == bytes_total &&
      barge_progress_get_bytes_transferred (self->progress) == bytes_transferred &&
      barge_progress_get_files_total (self->progress) == files_total &&
      barge_progress_get_files_transferred (self->progress) == files_transferred)
    return FALSE;

  /* BargeProgress is immutable: holders of the old value keep a consistent one. */
  g_clear_pointer (&self->progress, barge_progress_unref);
  self->progress = barge_progress_new (bytes_total, bytes_transferred, files_total, files_transferred);
  return TRUE;
}

static void
barge_job_load_times (BargeJob *self)
{
  GVariant *value = barge_dbus_job_get_times (self->proxy);
  guint64 creation = 0, modification = 0, completion = 0;

  if (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE ("(ttt)")))
    g_variant_get (value, "(ttt)", &creation, &modification, &completion);

  self->creation_time = (gint64) creation;
  self->modification_time = (gint64) modification;
  self->completion_time = (gint64) completion;
}

static void
barge_job_load_error (BargeJob *self)
{
  GVariant *value = barge_dbus_job_get_error (self->proxy);
  const char *context = "";
  const char *name = "";
  const char *message = "";
  const char *file = "";

  if (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE ("(ssss)")))
    g_variant_get (value, "(&s&s&s&s)", &context, &name, &message, &file);

  if (*context == '\0')
    self->error_context = BARGE_ERROR_CONTEXT_NONE;
  else if (!barge_error_context_from_string (context, &self->error_context))
    self->error_context = BARGE_ERROR_CONTEXT_UNKNOWN;

  g_free (self->error_name);
  self->error_name = g_strdup (name);
  g_free (self->error_message);
  self->error_message = g_strdup (message);
  g_free (self->error_file_path);
  self->error_file_path = g_strdup (file);
}

static void
barge_job_load_all (BargeJob *self)
{
  barge_job_load_type (self);
  barge_job_load_state (self);
  barge_job_load_priority (self);
  barge_job_load_progress (self);
  barge_job_load_times (self);
  barge_job_load_error (self);
}

static void
job_notify (BargeJob *self, guint prop_id)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
barge_job_property_changed (BargeJob *self, const char *name)
{
  if (g_str_equal (name, "Id"))
    job_notify (self, PROP_ID);
  else if (g_str_equal (name, "DisplayName"))
    job_notify (self, PROP_DISPLAY_NAME);
  else if (g_str_equal (name, "Description"))
    job_notify (self, PROP_DESCRIPTION);
  else if (g_str_equal (name, "Owner"))
    job_notify (self, PROP_OWNER);
  else if (g_str_equal (name, "ErrorCount"))
    job_notify (self, PROP_ERROR_COUNT);
  else if (g_str_equal (name, "MinimumRetryDelay"))
    job_notify (self, PROP_MINIMUM_RETRY_DELAY);
  else if (g_str_equal (name, "NoProgressTimeout"))
    job_notify (self, PROP_NO_PROGRESS_TIMEOUT);
  else if (g_str_equal (name, "MinimumNotificationInterval"))
    job_notify (self, PROP_MINIMUM_NOTIFICATION_INTERVAL);
  else if (g_str_equal (name, "Type"))
    {
      BargeJobType old = self->job_type;

      barge_job_load_type (self);
      if (old != self->job_type)
        job_notify (self, PROP_JOB_TYPE);
    }
  else if (g_str_equal (name, "State"))
    {
      BargeJobState old = self->state;

      barge_job_load_state (self);
      if (old != self->state)
        job_notify (self, PROP_STATE);
    }
  else if (g_str_equal (name, "Priority"))
    {
      BargeJobPriority old = self->priority;

      barge_job_load_priority (self);
      if (old != self->priority)
        job_notify (self, PROP_PRIORITY);
    }
  else if (g_str_equal (name, "Progress"))
    {
      if (barge_job_load_progress (self))
        job_notify (self, PROP_PROGRESS);
    }
  else if (g_str_equal (name, "Times"))
    {
      gint64 old_creation = self->creation_time;
      gint64 old_modification = self->modification_time;
      gint64 old_completion = self->completion_time;

      barge_job_load_times (self);
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

      barge_job_load_error (self);
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

static void
on_proxy_properties_changed (GDBusProxy *proxy,
                             GVariant *changed,
                             const char * const *invalidated,
                             gpointer user_data)
{
  BargeJob *self = BARGE_JOB (user_data);
  GVariantIter iter;
  const char *name;

  g_object_freeze_notify (G_OBJECT (self));
  g_variant_iter_init (&iter, changed);
  while (g_variant_iter_next (&iter, "{&sv}", &name, NULL))
    barge_job_property_changed (self, name);
  for (guint i = 0; invalidated != NULL && invalidated[i] != NULL; i++)
    barge_job_property_changed (self, invalidated[i]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
on_proxy_transferred (BargeDBusJob *proxy, gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_TRANSFERRED], 0);
}

static void
on_proxy_failed (BargeDBusJob *proxy,
                 const char *context,
                 const char *error_name,
                 const char *message,
                 gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_FAILED], 0, context, error_name, message);
}

static BargeFile *barge_job_lookup_file (BargeJob *self, const char *path);

static void
on_proxy_file_transferred (BargeDBusJob *proxy, const char *path, gpointer user_data)
{
  BargeJob *self = BARGE_JOB (user_data);
  BargeFile *file = barge_job_lookup_file (self, path);

  /* The daemon announces file objects long before they can be transferred,
   * so a miss means a confused daemon rather than a race worth waiting for. */
  if (file == NULL)
    {
      g_debug ("Job %s transferred unknown file %s", barge_job_get_object_path (self), path);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_FILE_TRANSFERRED], 0, file);
}

static void
barge_job_dispose (GObject *object)
{
  BargeJob *self = BARGE_JOB (object);

  if (self->proxy != NULL)
    {
      g_clear_signal_handler (&self->properties_changed_id, self->proxy);
      g_clear_signal_handler (&self->transferred_id, self->proxy);
      g_clear_signal_handler (&self->failed_id, self->proxy);
      g_clear_signal_handler (&self->file_transferred_id, self->proxy);
    }
  g_clear_object (&self->proxy);
  g_clear_object (&self->object_manager);
  g_hash_table_remove_all (self->files);

  G_OBJECT_CLASS (barge_job_parent_class)->dispose (object);
}

static void
barge_job_finalize (GObject *object)
{
  BargeJob *self = BARGE_JOB (object);

  g_clear_pointer (&self->progress, barge_progress_unref);
  g_free (self->error_name);
  g_free (self->error_message);
  g_free (self->error_file_path);
  g_hash_table_unref (self->files);

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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
on_fire_and_forget_set_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *property_name = user_data;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);
  if (reply == NULL)
    {
      _barge_error_strip (error);
      g_debug ("Setting job property %s failed: %s", property_name, error->message);
    }
}

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
  _barge_job_send_property (self, property, variant, NULL,
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

  /**
   * BargeJob:object-path:
   *
   * The D-Bus object path of the job, `/org/freedesktop/Barge1/jobs/ID`.
   */
  properties[PROP_OBJECT_PATH] =
    g_param_spec_string ("object-path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:id:
   *
   * The job's UUID in its usual form with dashes.
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:display-name:
   *
   * A name for users, at most 256 characters. Setting it sends the change
   * to the daemon; the property changes when the daemon announces it.
   */
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:description:
   *
   * A longer text for users, at most 1024 characters. Setting it sends the
   * change to the daemon; the property changes when the daemon announces it.
   */
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:job-type:
   *
   * What kind of job this is.
   */
  properties[PROP_JOB_TYPE] =
    g_param_spec_enum ("job-type", NULL, NULL,
                       BARGE_TYPE_JOB_TYPE, BARGE_JOB_TYPE_DOWNLOAD,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:state:
   *
   * Where the job is in its life cycle. After the daemon removed the job,
   * this is the final state it reported.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       BARGE_TYPE_JOB_STATE, BARGE_JOB_STATE_SUSPENDED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:priority:
   *
   * The priority of the job. Setting it sends the change to the daemon; the
   * property changes when the daemon announces it.
   */
  properties[PROP_PRIORITY] =
    g_param_spec_enum ("priority", NULL, NULL,
                       BARGE_TYPE_JOB_PRIORITY, BARGE_JOB_PRIORITY_NORMAL,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:owner:
   *
   * The Unix user id of the job's owner.
   */
  properties[PROP_OWNER] =
    g_param_spec_uint ("owner", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:progress:
   *
   * How far the job is. The daemon announces progress at most once per
   * [property@Barge.Job:minimum-notification-interval], and at once on every
   * state change.
   */
  properties[PROP_PROGRESS] =
    g_param_spec_boxed ("progress", NULL, NULL, BARGE_TYPE_PROGRESS,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:creation-time:
   *
   * When the job was created, in microseconds since the epoch.
   */
  properties[PROP_CREATION_TIME] =
    g_param_spec_int64 ("creation-time", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:modification-time:
   *
   * When the job last changed, in microseconds since the epoch.
   */
  properties[PROP_MODIFICATION_TIME] =
    g_param_spec_int64 ("modification-time", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:completion-time:
   *
   * When every file was transferred, in microseconds since the epoch, or 0
   * if that has not happened yet.
   */
  properties[PROP_COMPLETION_TIME] =
    g_param_spec_int64 ("completion-time", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:error-count:
   *
   * How many errors the job has had. Never reset.
   */
  properties[PROP_ERROR_COUNT] =
    g_param_spec_uint ("error-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:error-context:
   *
   * Where the current error happened; %BARGE_ERROR_CONTEXT_NONE unless the
   * job is in %BARGE_JOB_STATE_ERROR or %BARGE_JOB_STATE_TRANSIENT_ERROR.
   */
  properties[PROP_ERROR_CONTEXT] =
    g_param_spec_enum ("error-context", NULL, NULL,
                       BARGE_TYPE_ERROR_CONTEXT, BARGE_ERROR_CONTEXT_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:error-name:
   *
   * The D-Bus error name of the current error, such as
   * `org.freedesktop.Barge1.Error.RemoteNotFound`, or "" when there is none.
   * See [func@Barge.Error.from_dbus_name].
   */
  properties[PROP_ERROR_NAME] =
    g_param_spec_string ("error-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:error-message:
   *
   * A message for people about the current error, or "" when there is none.
   */
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:error-file:
   *
   * The file involved in the current error, or %NULL.
   */
  properties[PROP_ERROR_FILE] =
    g_param_spec_object ("error-file", NULL, NULL, BARGE_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:minimum-retry-delay:
   *
   * Seconds to wait after a transient error before the job is retried.
   * Setting it sends the change to the daemon; the property changes when the
   * daemon announces it.
   */
  properties[PROP_MINIMUM_RETRY_DELAY] =
    g_param_spec_uint ("minimum-retry-delay", NULL, NULL, 0, G_MAXUINT32, 600,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:no-progress-timeout:
   *
   * Seconds without progress, counted from the first transient error, after
   * which a transient error becomes an error. Setting it sends the change to
   * the daemon; the property changes when the daemon announces it.
   */
  properties[PROP_NO_PROGRESS_TIMEOUT] =
    g_param_spec_uint ("no-progress-timeout", NULL, NULL, 0, G_MAXUINT32, 1209600,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeJob:minimum-notification-interval:
   *
   * Milliseconds between two progress announcements of the daemon. Setting
   * it sends the change to the daemon; the property changes when the daemon
   * announces it.
   */
  properties[PROP_MINIMUM_NOTIFICATION_INTERVAL] =
    g_param_spec_uint ("minimum-notification-interval", NULL, NULL, 0, G_MAXUINT32, 500,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

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
}

static void
barge_job_init (BargeJob *self)
{
  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->job_type = BARGE_JOB_TYPE_DOWNLOAD;
  self->state = BARGE_JOB_STATE_SUSPENDED;
  self->priority = BARGE_JOB_PRIORITY_NORMAL;
  self->progress = barge_progress_new (BARGE_SIZE_UNKNOWN, 0, 0, 0);
  self->error_name = g_strdup ("");
  self->error_message = g_strdup ("");
  self->error_file_path = g_strdup ("");
}

/* The proxy is set here rather than through a construct property, so that
 * the private BargeDBus type never shows up in the GIR. */
BargeJob *
_barge_job_new (BargeDBusJob *proxy, GDBusObjectManager *object_manager)
{
  BargeJob *self;

  g_return_val_if_fail (BARGE_DBUS_IS_JOB (proxy), NULL);
  g_return_val_if_fail (object_manager == NULL || G_IS_DBUS_OBJECT_MANAGER (object_manager), NULL);

  self = g_object_new (BARGE_TYPE_JOB, NULL);
  self->proxy = g_object_ref (proxy);
  if (object_manager != NULL)
    self->object_manager = g_object_ref (object_manager);
  barge_job_load_all (self);

  self->properties_changed_id =
    g_signal_connect (proxy, "g-properties-changed",
                      G_CALLBACK (on_proxy_properties_changed), self);
  self->transferred_id =
    g_signal_connect (proxy, "transferred", G_CALLBACK (on_proxy_transferred), self);
  self->failed_id =
    g_signal_connect (proxy, "failed", G_CALLBACK (on_proxy_failed), self);
  self->file_transferred_id =
    g_signal_connect (proxy, "file-transferred", G_CALLBACK (on_proxy_file_transferred), self);
  return self;
}

void
_barge_job_set_removed (BargeJob *job, BargeJobState final_state)
{
  g_return_if_fail (BARGE_IS_JOB (job));

  job->removed = TRUE;
  if (job->state != final_state)
    {
      job->state = final_state;
      job_notify (job, PROP_STATE);
    }
}

BargeDBusJob *
_barge_job_get_proxy (BargeJob *job)
{
  return job->proxy;
}

static BargeFile *
barge_job_lookup_file (BargeJob *self, const char *path)
{
  BargeFile *file;
  g_autoptr(GDBusInterface) iface = NULL;

  if (path == NULL || *path == '\0')
    return NULL;

  file = g_hash_table_lookup (self->files, path);
  if (file != NULL || self->object_manager == NULL)
    return file;

  iface = g_dbus_object_manager_get_interface (self->object_manager, path, BARGE_DBUS_FILE_INTERFACE);
  if (iface == NULL || !BARGE_DBUS_IS_FILE (iface))
    return NULL;

  file = _barge_file_new (BARGE_DBUS_FILE (iface));
  g_hash_table_insert (self->files, g_strdup (path), file);
  return file;
}

/* File objects are ".../files/N"; N orders them as they were added. */
static gint
compare_file_paths (gconstpointer a, gconstpointer b)
{
  const char *path_a = barge_file_get_object_path (*(BargeFile **) a);
  const char *path_b = barge_file_get_object_path (*(BargeFile **) b);
  const char *slash_a = strrchr (path_a, '/');
  const char *slash_b = strrchr (path_b, '/');
  guint64 n_a, n_b;

  if (slash_a != NULL && slash_b != NULL &&
      g_ascii_string_to_unsigned (slash_a + 1, 10, 0, G_MAXUINT64, &n_a, NULL) &&
      g_ascii_string_to_unsigned (slash_b + 1, 10, 0, G_MAXUINT64, &n_b, NULL))
    return n_a < n_b ? -1 : (n_a > n_b ? 1 : 0);
  return strcmp (path_a, path_b);
}

/**
 * barge_job_get_object_path:
 * @job: a #BargeJob
 *
 * Gets the D-Bus object path of @job.
 *
 * Returns: the object path
 */
const char *
barge_job_get_object_path (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return g_dbus_proxy_get_object_path (G_DBUS_PROXY (job->proxy));
}

/**
 * barge_job_get_id:
 * @job: a #BargeJob
 *
 * Gets the UUID of @job.
 *
 * Returns: the UUID with dashes, or "" if the daemon has not said
 */
const char *
barge_job_get_id (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return nonnull (barge_dbus_job_get_id (job->proxy));
}

/**
 * barge_job_get_display_name:
 * @job: a #BargeJob
 *
 * Gets the name of @job shown to users.
 *
 * Returns: the display name
 */
const char *
barge_job_get_display_name (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return nonnull (barge_dbus_job_get_display_name (job->proxy));
}

/**
 * barge_job_get_description:
 * @job: a #BargeJob
 *
 * Gets the description of @job.
 *
 * Returns: the description, possibly ""
 */
const char *
barge_job_get_description (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return nonnull (barge_dbus_job_get_description (job->proxy));
}

/**
 * barge_job_get_job_type:
 * @job: a #BargeJob
 *
 * Gets what kind of job @job is.
 *
 * Returns: the job type
 */
BargeJobType
barge_job_get_job_type (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), BARGE_JOB_TYPE_DOWNLOAD);

  return job->job_type;
}

/**
 * barge_job_get_state:
 * @job: a #BargeJob
 *
 * Gets the state of @job.
 *
 * Returns: the state
 */
BargeJobState
barge_job_get_state (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), BARGE_JOB_STATE_SUSPENDED);

  return job->state;
}

/**
 * barge_job_get_priority:
 * @job: a #BargeJob
 *
 * Gets the priority of @job.
 *
 * Returns: the priority
 */
BargeJobPriority
barge_job_get_priority (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), BARGE_JOB_PRIORITY_NORMAL);

  return job->priority;
}

/**
 * barge_job_get_owner:
 * @job: a #BargeJob
 *
 * Gets the owner of @job.
 *
 * Returns: the Unix user id of the owner
 */
guint
barge_job_get_owner (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return barge_dbus_job_get_owner (job->proxy);
}

/**
 * barge_job_get_progress:
 * @job: a #BargeJob
 *
 * Gets the progress the daemon last announced. The value is immutable and
 * replaced on every change, so take a reference to keep it.
 *
 * Returns: (transfer none): the progress
 */
BargeProgress *
barge_job_get_progress (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return job->progress;
}

/**
 * barge_job_get_creation_time:
 * @job: a #BargeJob
 *
 * Gets when @job was created.
 *
 * Returns: microseconds since the epoch
 */
gint64
barge_job_get_creation_time (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return job->creation_time;
}

/**
 * barge_job_get_modification_time:
 * @job: a #BargeJob
 *
 * Gets when @job last changed.
 *
 * Returns: microseconds since the epoch
 */
gint64
barge_job_get_modification_time (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return job->modification_time;
}

/**
 * barge_job_get_completion_time:
 * @job: a #BargeJob
 *
 * Gets when every file of @job was transferred.
 *
 * Returns: microseconds since the epoch, or 0 if that has not happened yet
 */
gint64
barge_job_get_completion_time (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return job->completion_time;
}

/**
 * barge_job_get_error_count:
 * @job: a #BargeJob
 *
 * Gets how many errors @job has had.
 *
 * Returns: the number of errors
 */
guint
barge_job_get_error_count (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return barge_dbus_job_get_error_count (job->proxy);
}

/**
 * barge_job_get_error_context:
 * @job: a #BargeJob
 *
 * Gets where the current error of @job happened.
 *
 * Returns: the context, or %BARGE_ERROR_CONTEXT_NONE when there is no error
 */
BargeErrorContext
barge_job_get_error_context (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), BARGE_ERROR_CONTEXT_NONE);

  return job->error_context;
}

/**
 * barge_job_get_error_name:
 * @job: a #BargeJob
 *
 * Gets the D-Bus error name of the current error of @job.
 *
 * Returns: the error name, or "" when there is no error
 */
const char *
barge_job_get_error_name (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return job->error_name;
}

/**
 * barge_job_get_error_message:
 * @job: a #BargeJob
 *
 * Gets a message for people about the current error of @job.
 *
 * Returns: the message, or "" when there is no error
 */
const char *
barge_job_get_error_message (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return job->error_message;
}

/**
 * barge_job_get_error_file:
 * @job: a #BargeJob
 *
 * Gets the file involved in the current error of @job.
 *
 * Returns: (transfer none) (nullable): the file, or %NULL
 */
BargeFile *
barge_job_get_error_file (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  return barge_job_lookup_file (job, job->error_file_path);
}

/**
 * barge_job_get_minimum_retry_delay:
 * @job: a #BargeJob
 *
 * Gets how long the daemon waits after a transient error before it retries.
 *
 * Returns: the delay in seconds
 */
guint
barge_job_get_minimum_retry_delay (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return barge_dbus_job_get_minimum_retry_delay (job->proxy);
}

/**
 * barge_job_get_no_progress_timeout:
 * @job: a #BargeJob
 *
 * Gets how long a job may make no progress after a transient error before
 * the error becomes fatal.
 *
 * Returns: the timeout in seconds
 */
guint
barge_job_get_no_progress_timeout (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return barge_dbus_job_get_no_progress_timeout (job->proxy);
}

/**
 * barge_job_get_minimum_notification_interval:
 * @job: a #BargeJob
 *
 * Gets the shortest time between two progress announcements of the daemon.
 *
 * Returns: the interval in milliseconds
 */
guint
barge_job_get_minimum_notification_interval (BargeJob *job)
{
  g_return_val_if_fail (BARGE_IS_JOB (job), 0);

  return barge_dbus_job_get_minimum_notification_interval (job->proxy);
}

/**
 * barge_job_get_files:
 * @job: a #BargeJob
 *
 * Gets the files of @job, in the order they were added. The array holds a
 * reference on each file and drops it when it is freed.
 *
 * Returns: (transfer container) (element-type BargeFile): the files
 */
GPtrArray *
barge_job_get_files (BargeJob *job)
{
  const char * const *paths;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GPtrArray) late = NULL;
  g_autofree char *prefix = NULL;
  GPtrArray *files;
  GList *objects;

  g_return_val_if_fail (BARGE_IS_JOB (job), NULL);

  files = g_ptr_array_new_with_free_func (g_object_unref);
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  paths = barge_dbus_job_get_files (job->proxy);
  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      BargeFile *file = barge_job_lookup_file (job, paths[i]);

      g_hash_table_add (seen, (gpointer) paths[i]);
      if (file != NULL)
        g_ptr_array_add (files, g_object_ref (file));
    }

  if (job->object_manager == NULL)
    return files;

  /* The object manager announces new files before the job's Files property
   * catches up (the daemon flushes property changes later), so right after
   * adding files they may only be known from there. */
  prefix = g_strconcat (barge_job_get_object_path (job), "/files/", NULL);
  late = g_ptr_array_new ();
  objects = g_dbus_object_manager_get_objects (job->object_manager);
  for (GList *l = objects; l != NULL; l = l->next)
    {
      const char *path = g_dbus_object_get_object_path (l->data);
      BargeFile *file;

      if (!g_str_has_prefix (path, prefix) || g_hash_table_contains (seen, path))
        continue;
      file = barge_job_lookup_file (job, path);
      if (file != NULL)
        g_ptr_array_add (late, file);
    }
  g_list_free_full (objects, g_object_unref);

  g_ptr_array_sort (late, compare_file_paths);
  for (guint i = 0; i < late->len; i++)
    g_ptr_array_add (files, g_object_ref (g_ptr_array_index (late, i)));
  return files;
}
