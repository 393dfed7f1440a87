/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedBus"

#include "config.h"

#include "barged-bus-private.h"
#include "barged-bus-properties.h"

/* What a client has been shown of one file, beyond the engine's values:
 * the WinRT flags HasRestarted and HasResponseChanged show in exactly one
 * progress report each. */
typedef struct {
  guint64 shown_total;        /* the Progress and Verified clients last saw */
  guint64 shown_done;
  gboolean shown_completed;
  gboolean shown_verified;
  guint8 dirty;               /* BARGED_BUS_FILE_DIRTY_* */
  gboolean restarted_pending;
  gboolean response_changed_pending;
  gboolean flags_shown;
  gboolean has_restarted;
  gboolean has_response_changed;
} FileView;

struct _BargedBusJob
{
  GObject parent_instance;
  BargedBus *bus;             /* owns us */
  BargedJob *job;
  char *path;
  guint files_registration;   /* 0 until the job has a file */
  GArray *files;              /* FileView, by index */
  GArray *dirty_files;        /* guint: indices with a FileView.dirty */
  guint64 dirty;              /* bit per BargedBusJobProperty */
  guint flush_source;
  gboolean flush_at_idle;     /* flush_source is an idle, not a timer */
  gint64 last_coalesced;      /* monotonic µs of the last flush of progress */
  gboolean exported;
  gboolean connected;         /* our handlers are on the job and its files */
  BargeJobState shown_state;  /* the State the last flush left clients with */
};

G_DEFINE_TYPE (BargedBusJob, barged_bus_job, G_TYPE_OBJECT)

BargedJob *barged_bus_job_get_job (BargedBusJob *self) { return self->job; }
const char *barged_bus_job_get_path (BargedBusJob *self) { return self->path; }

char *
barged_bus_job_dup_file_path (BargedBusJob *self, guint index)
{
  return g_strdup_printf ("%s/files/%u", self->path, index);
}

static void
emit (BargedBusJob *self, const char *path, const char *iface, const char *name, GVariant *params)
{
  _barged_bus_emit (self->bus, barged_job_get_owner_uid (self->job), path, iface, name, params);
}

/* --- coalescing ------------------------------------------------------------------------- */

static gboolean
flush_cb (gpointer user_data)
{
  BargedBusJob *self = user_data;

  self->flush_source = 0;
  barged_bus_job_flush (self);
  return G_SOURCE_REMOVE;
}

/* A change of something @coalesced (progress) waits for the job's
 * MinimumNotificationInterval since the last one; any other change goes
 * out at the end of this main-loop turn, taking pending progress along. */
static void
schedule_flush (BargedBusJob *self, gboolean coalesced)
{
  gint64 due;

  if (!self->exported)
    return;
  if (!coalesced)
    {
      if (self->flush_source != 0 && self->flush_at_idle)
        return;
      g_clear_handle_id (&self->flush_source, g_source_remove);
      self->flush_source = g_idle_add (flush_cb, self);
      self->flush_at_idle = TRUE;
      return;
    }
  if (self->flush_source != 0)
    return;
  due = self->last_coalesced + (gint64) barged_job_get_minimum_notification_interval (self->job) * 1000 -
        g_get_monotonic_time ();
  self->flush_at_idle = due <= 0;
  self->flush_source = self->flush_at_idle ? g_idle_add (flush_cb, self)
                                           : g_timeout_add ((guint) ((due + 999) / 1000), flush_cb, self);
}

static void
mark_file (BargedBusJob *self, guint index, guint8 what)
{
  FileView *view = &g_array_index (self->files, FileView, index);

  if (view->dirty == 0)
    g_array_append_val (self->dirty_files, index);
  view->dirty |= what;
  /* None of a file's own properties is a state: its TemporaryPath and
   * FinalUrl, which each new file gets, wait with its progress. A job of
   * thousands of small files would otherwise send a signal for each at
   * every main-loop turn, and clients that watch nothing pay for them in
   * the bus daemon. A method that changed them flushes before its reply. */
  schedule_flush (self, TRUE);
}

static void
show_progress (FileView *view, BargedFile *file)
{
  view->shown_total = barged_file_get_bytes_total (file);
  view->shown_done = barged_file_get_done (file);
  view->shown_completed = barged_file_get_completed (file);
  view->shown_verified = barged_file_get_verified (file);
}

/* Several notifications may leave Progress and Verified as they were last
 * shown (the durable offset moved, say): they are not sent again. */
static gboolean
progress_changed (const FileView *view, BargedFile *file)
{
  return view->shown_total != barged_file_get_bytes_total (file) || view->shown_done != barged_file_get_done (file) ||
         view->shown_completed != barged_file_get_completed (file) ||
         view->shown_verified != barged_file_get_verified (file);
}

static void
flush_file (BargedBusJob *self, guint index)
{
  FileView *view = &g_array_index (self->files, FileView, index);
  BargedFile *file = barged_job_get_file (self->job, index);
  g_autofree char *path = NULL;
  g_autoptr(GVariant) dict = NULL;
  GVariantBuilder changed;

  g_variant_builder_init (&changed, G_VARIANT_TYPE ("a{sv}"));
  if (view->dirty & BARGED_BUS_FILE_DIRTY_PROGRESS)
    {
      gboolean flags_changed = FALSE;

      /* A flag shown in one report is cleared in the next. */
      if (view->flags_shown)
        {
          flags_changed = view->has_restarted || view->has_response_changed;
          view->has_restarted = view->has_response_changed = view->flags_shown = FALSE;
        }
      if (view->restarted_pending || view->response_changed_pending)
        {
          view->has_restarted = view->restarted_pending;
          view->has_response_changed = view->response_changed_pending;
          view->restarted_pending = view->response_changed_pending = FALSE;
          view->flags_shown = flags_changed = TRUE;
        }
      if (flags_changed || progress_changed (view, file))
        {
          g_variant_builder_add (&changed, "{sv}", "Progress", barged_bus_file_progress (file));
          /* Only a file with checks (its own, or a digest its server sent)
           * can become verified. */
          if (barged_file_get_checks (file)->has_digest || barged_file_get_checks (file)->size != G_MAXUINT64 ||
              barged_file_get_verified (file))
            g_variant_builder_add (&changed, "{sv}", "Verified",
                                   g_variant_new_boolean (barged_file_get_verified (file)));
          show_progress (view, file);
        }
      if (flags_changed)
        {
          g_variant_builder_add (&changed, "{sv}", "HasRestarted", g_variant_new_boolean (view->has_restarted));
          g_variant_builder_add (&changed, "{sv}", "HasResponseChanged",
                                 g_variant_new_boolean (view->has_response_changed));
        }
    }
  if (view->dirty & BARGED_BUS_FILE_DIRTY_TEMPORARY)
    g_variant_builder_add (&changed, "{sv}", "TemporaryPath", g_variant_new_string (barged_file_get_temporary (file)));
  if (view->dirty & BARGED_BUS_FILE_DIRTY_URLS)
    {
      g_variant_builder_add (&changed, "{sv}", "RemoteUrl", g_variant_new_string (barged_file_get_url (file)));
      g_variant_builder_add (&changed, "{sv}", "FinalUrl", g_variant_new_string (barged_file_get_final_url (file)));
    }
  view->dirty = 0;
  dict = g_variant_ref_sink (g_variant_builder_end (&changed));
  if (g_variant_n_children (dict) == 0)
    return;
  path = barged_bus_job_dup_file_path (self, index);
  emit (self, path, BARGED_BUS_PROPERTIES_IFACE, "PropertiesChanged",
        g_variant_new ("(s@a{sv}as)", BARGED_BUS_FILE_IFACE, dict, NULL));
}

/* Complete of a transferred download job renames every file, and the
 * files' objects go with the job: State going from "transferred" to
 * "acknowledged" says that each file is complete, so their Progress is
 * not announced one by one. At 10,000 files those signals were most of
 * Complete's time, in barged and in the bus daemon. A Complete from
 * another state, which keeps only the files transferred, and a Complete
 * that fails and keeps the job, announce each file. */
static gboolean
completion_implied (BargedBusJob *self)
{
  return self->shown_state == BARGE_JOB_STATE_TRANSFERRED &&
         barged_job_get_job_state (self->job) == BARGE_JOB_STATE_ACKNOWLEDGED &&
         barged_job_get_job_type (self->job) == BARGE_JOB_TYPE_DOWNLOAD;
}

void
barged_bus_job_flush (BargedBusJob *self)
{
  gboolean sent = self->dirty != 0 || self->dirty_files->len > 0;
  gboolean implied;

  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (!self->exported)
    return;
  if ((self->dirty & barged_bus_job_coalesced_mask ()) || self->dirty_files->len > 0)
    self->last_coalesced = g_get_monotonic_time ();
  /* Files first: a job's Progress never runs ahead of its files'. */
  implied = completion_implied (self);
  for (guint i = 0; i < self->dirty_files->len; i++)
    {
      guint index = g_array_index (self->dirty_files, guint, i);

      if (implied)
        g_array_index (self->files, FileView, index).dirty = 0;
      else
        flush_file (self, index);
    }
  g_array_set_size (self->dirty_files, 0);
  if (self->dirty != 0)
    {
      GVariantBuilder changed, invalidated;

      g_variant_builder_init (&changed, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_init (&invalidated, G_VARIANT_TYPE ("as"));
      for (guint i = 0; i < BARGED_BUS_JOB_N_PROPERTIES; i++)
        {
          const BargedBusJobProperty *p = barged_bus_job_property (i);

          if (!(self->dirty & (G_GUINT64_CONSTANT (1) << i)))
            continue;
          if (p->invalidates)
            g_variant_builder_add (&invalidated, "s", p->name);
          else
            g_variant_builder_add (&changed, "{sv}", p->name, p->get (self->job, self));
        }
      self->dirty = 0;
      emit (self, self->path, BARGED_BUS_PROPERTIES_IFACE, "PropertiesChanged",
            g_variant_new ("(sa{sv}as)", BARGED_BUS_JOB_IFACE, &changed, &invalidated));
    }
  self->shown_state = barged_job_get_job_state (self->job);
  if (sent && (barged_job_get_notify_flags (self->job) & BARGE_NOTIFY_FLAGS_MODIFICATION))
    emit (self, self->path, BARGED_BUS_JOB_IFACE, "Modified", NULL);
}

const char *const _barged_bus_file_property_names[] = {
  "RemoteUrl", "LocalPath", "TemporaryPath", "Progress", "HasRestarted", "HasResponseChanged", "FinalUrl",
  "ExpectedDigest", "ExpectedSize", "Verified", "Ranges", NULL,
};

GVariant *
_barged_bus_job_file_property (BargedBusJob *self, guint index, const char *name)
{
  BargedFile *file = barged_job_get_file (self->job, index);
  FileView *view = &g_array_index (self->files, FileView, index);

  if (g_str_equal (name, "RemoteUrl"))
    return g_variant_new_string (barged_file_get_url (file));
  if (g_str_equal (name, "LocalPath"))
    return g_variant_new_string (barged_file_get_destination (file));
  if (g_str_equal (name, "TemporaryPath"))
    return g_variant_new_string (barged_file_get_temporary (file));
  if (g_str_equal (name, "Progress"))
    return barged_bus_file_progress (file);
  if (g_str_equal (name, "HasRestarted"))
    return g_variant_new_boolean (view->has_restarted);
  if (g_str_equal (name, "HasResponseChanged"))
    return g_variant_new_boolean (view->has_response_changed);
  if (g_str_equal (name, "FinalUrl"))
    return g_variant_new_string (barged_file_get_final_url (file));
  if (g_str_equal (name, "ExpectedDigest"))
    return g_variant_new_take_string (barged_file_dup_expected_digest (file));
  if (g_str_equal (name, "ExpectedSize"))
    return g_variant_new_uint64 (barged_file_get_checks (file)->size);
  if (g_str_equal (name, "Verified"))
    return g_variant_new_boolean (barged_file_get_verified (file));
  if (g_str_equal (name, "Ranges"))
    return barged_file_checks_ranges_to_variant (barged_file_get_checks (file));
  return NULL;
}

/* --- what the engine says ----------------------------------------------------------------- */

static void
on_job_notify (BargedJob *job, GParamSpec *pspec, BargedBusJob *self)
{
  guint64 bits = barged_bus_job_properties_of (pspec->param_id);

  self->dirty |= bits;
  /* Every state a job passes through is shown, even one it leaves in the
   * same main-loop turn (queued, then connecting), with the Error and
   * HoldReason the engine notified just before it. */
  if (pspec->param_id == BARGED_JOB_PROP_STATE)
    barged_bus_job_flush (self);
  else
    schedule_flush (self, (bits & ~barged_bus_job_coalesced_mask ()) == 0);
}

static void
on_file_notify (BargedFile *file, GParamSpec *pspec, BargedBusJob *self)
{
  mark_file (self, barged_file_get_index (file),
             g_str_equal (pspec->name, "temporary-path") ? BARGED_BUS_FILE_DIRTY_TEMPORARY
             : g_str_equal (pspec->name, "urls")         ? BARGED_BUS_FILE_DIRTY_URLS
                                                         : BARGED_BUS_FILE_DIRTY_PROGRESS);
}

static void
on_file_restarted (BargedFile *file, gboolean response_changed, BargedBusJob *self)
{
  FileView *view = &g_array_index (self->files, FileView, barged_file_get_index (file));

  view->restarted_pending = TRUE;
  view->response_changed_pending |= response_changed;
  mark_file (self, barged_file_get_index (file), BARGED_BUS_FILE_DIRTY_PROGRESS);
}

static void
watch_file (BargedBusJob *self, BargedFile *file)
{
  FileView view = { 0 };

  g_assert (barged_file_get_index (file) == self->files->len);
  show_progress (&view, file);
  g_array_append_val (self->files, view);
  /* Plain handlers, taken off in unexport and dispose: GLib keeps the
   * closures of g_signal_connect_object() in one array per object,
   * searched for each disconnect, and a job of 10,000 files spent a
   * quadratic time in it when it went away. */
  g_signal_connect (file, "notify", G_CALLBACK (on_file_notify), self);
  g_signal_connect (file, "restarted", G_CALLBACK (on_file_restarted), self);
  if (self->files_registration == 0 && self->exported)
    {
      g_autoptr(GError) error = NULL;

      self->files_registration = _barged_bus_register_files (self->bus, self, &error);
      if (self->files_registration == 0)
        g_warning ("cannot export the files of %s: %s", self->path, error->message);
    }
}

static void
on_file_added (BargedJob *job, BargedFile *file, BargedBusJob *self)
{
  watch_file (self, file);
}

static void
on_transferred (BargedJob *job, BargedBusJob *self)
{
  barged_bus_job_flush (self);
  emit (self, self->path, BARGED_BUS_JOB_IFACE, "Transferred", NULL);
}

static void
on_failed (BargedJob *job, BargedBusJob *self)
{
  g_autoptr(GVariant) error = g_variant_ref_sink (barged_bus_job_error (job, self));
  const char *context, *name, *message;

  barged_bus_job_flush (self);
  g_variant_get (error, "(&s&s&s&s)", &context, &name, &message, NULL);
  emit (self, self->path, BARGED_BUS_JOB_IFACE, "Failed", g_variant_new ("(sss)", context, name, message));
}

static void
on_file_transferred (BargedJob *job, BargedFile *file, BargedBusJob *self)
{
  g_autofree char *path = barged_bus_job_dup_file_path (self, barged_file_get_index (file));

  /* Its final progress first. */
  barged_bus_job_flush (self);
  emit (self, self->path, BARGED_BUS_JOB_IFACE, "FileTransferred", g_variant_new ("(o)", path));
}

static void
unregister (BargedBusJob *self)
{
  GDBusConnection *connection = _barged_bus_get_connection (self->bus);

  if (self->files_registration != 0)
    g_dbus_connection_unregister_subtree (connection, self->files_registration);
  self->files_registration = 0;
}

static void
disconnect (BargedBusJob *self)
{
  if (!self->connected)
    return;
  self->connected = FALSE;
  g_signal_handlers_disconnect_by_data (self->job, self);
  /* The files watched: every file of the job, one view each. */
  for (guint i = 0; i < self->files->len; i++)
    g_signal_handlers_disconnect_by_data (barged_job_get_file (self->job, i), self);
}

void
barged_bus_job_unexport (BargedBusJob *self)
{
  if (!self->exported)
    return;
  barged_bus_job_flush (self);
  self->exported = FALSE;
  disconnect (self);
  unregister (self);
}

BargedBusJob *
barged_bus_job_new (BargedBus *bus, BargedJob *job)
{
  BargedBusJob *self = g_object_new (BARGED_TYPE_BUS_JOB, NULL);
  g_autofree char *hex = barged_job_id_to_hex (barged_job_get_job_id (job));

  self->bus = bus;
  self->job = g_object_ref (job);
  self->path = g_strconcat (BARGED_BUS_JOBS_PATH "/", hex, NULL);
  self->exported = TRUE;
  self->connected = TRUE;
  self->shown_state = barged_job_get_job_state (job);
  for (guint i = 0; i < barged_job_get_n_files (job); i++)
    watch_file (self, barged_job_get_file (job, i));
  g_signal_connect (job, "notify", G_CALLBACK (on_job_notify), self);
  g_signal_connect (job, "file-added", G_CALLBACK (on_file_added), self);
  g_signal_connect (job, "file-transferred", G_CALLBACK (on_file_transferred), self);
  g_signal_connect (job, "transferred", G_CALLBACK (on_transferred), self);
  g_signal_connect (job, "failed", G_CALLBACK (on_failed), self);
  return self;
}

static void
barged_bus_job_dispose (GObject *object)
{
  BargedBusJob *self = BARGED_BUS_JOB (object);

  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (self->job != NULL)
    {
      self->exported = FALSE;
      disconnect (self);
      unregister (self);
    }
  g_clear_object (&self->job);
  G_OBJECT_CLASS (barged_bus_job_parent_class)->dispose (object);
}

static void
barged_bus_job_finalize (GObject *object)
{
  BargedBusJob *self = BARGED_BUS_JOB (object);

  g_free (self->path);
  g_array_unref (self->files);
  g_array_unref (self->dirty_files);
  G_OBJECT_CLASS (barged_bus_job_parent_class)->finalize (object);
}

static void
barged_bus_job_init (BargedBusJob *self)
{
  self->files = g_array_new (FALSE, FALSE, sizeof (FileView));
  self->dirty_files = g_array_new (FALSE, FALSE, sizeof (guint));
}

static void
barged_bus_job_class_init (BargedBusJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = barged_bus_job_dispose;
  object_class->finalize = barged_bus_job_finalize;
}
