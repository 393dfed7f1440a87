/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedSleep"

#include "config.h"

#include <unistd.h>
#include <gio/gunixfdlist.h>

#include "barged-sleep.h"

#define LOGIND_NAME "org.freedesktop.login1"
#define LOGIND_PATH "/org/freedesktop/login1"
#define LOGIND_MANAGER "org.freedesktop.login1.Manager"
/* logind's InhibitDelayMaxSec default, for a logind that does not say. */
#define DEFAULT_DELAY_MAX_US (5 * G_USEC_PER_SEC)

/* One inhibitor of ours: the descriptor logind gave (closing it releases
 * the lock), or the call that asks for one. */
typedef struct {
  const char *mode;           /* "delay" or "block" */
  const char *why;
  int fd;                     /* -1: none */
  GCancellable *call;         /* an Inhibit call in flight */
  gboolean refused;           /* logind said no: not asked again until no longer wanted */
} Inhibitor;

enum { DELAY, BLOCK, N_INHIBITORS };

struct _BargedSleep
{
  GObject parent_instance;
  GCancellable *cancellable;  /* of the bus connection and property reads */
  GDBusConnection *bus;       /* the system bus, once connected */
  guint watch;
  guint subscription;
  gboolean logind;            /* logind owns its name on the bus */
  gboolean said_absent;       /* the debug line about its absence is out */
  gint64 delay_max_us;        /* logind's InhibitDelayMaxUSec */
  Inhibitor inhibitors[N_INHIBITORS];

  gboolean transferring;
  gboolean keep_awake;
  gboolean asleep;            /* between PrepareForSleep(true) and (false) */
  gboolean checkpointing;     /* this round's checkpoint is not done yet */
  guint round;
  gint64 sleep_started;       /* monotonic µs */
  guint bound_source;
};

G_DEFINE_TYPE (BargedSleep, barged_sleep, G_TYPE_OBJECT)

enum { SIGNAL_PREPARE_FOR_SLEEP, SIGNAL_WAKE, N_SIGNALS };
static guint signals[N_SIGNALS];

static void update (BargedSleep *self);

static void
release (Inhibitor *inhibitor)
{
  if (inhibitor->fd < 0)
    return;
  g_debug ("releasing the %s inhibitor", inhibitor->mode);
  close (inhibitor->fd);
  inhibitor->fd = -1;
}

typedef struct {
  BargedSleep *self;
  Inhibitor *inhibitor;
} InhibitCall;

static void
on_inhibited (GObject *source, GAsyncResult *res, gpointer user_data)
{
  InhibitCall *call = user_data;
  g_autoptr(BargedSleep) self = call->self;
  Inhibitor *inhibitor = call->inhibitor;
  g_autoptr(GUnixFDList) fds = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  gint32 handle;

  g_free (call);
  reply = g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (source), &fds, res, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&inhibitor->call);
  if (reply != NULL)
    {
      g_variant_get (reply, "(h)", &handle);
      inhibitor->fd = fds != NULL ? g_unix_fd_list_get (fds, handle, &error) : -1;
      if (inhibitor->fd < 0 && error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "no descriptor in the reply");
    }
  if (error != NULL)
    {
      /* Not asked again in a loop: only once it was no longer wanted. */
      g_message ("logind refused a %s sleep inhibitor: %s", inhibitor->mode, error->message);
      inhibitor->refused = TRUE;
      return;
    }
  g_debug ("holding a %s sleep inhibitor", inhibitor->mode);
  /* Whether it is still wanted. */
  update (self);
}

static void
inhibit (BargedSleep *self, Inhibitor *inhibitor)
{
  InhibitCall *call = g_new0 (InhibitCall, 1);

  call->self = g_object_ref (self);
  call->inhibitor = inhibitor;
  inhibitor->call = g_cancellable_new ();
  g_dbus_connection_call_with_unix_fd_list (self->bus, LOGIND_NAME, LOGIND_PATH, LOGIND_MANAGER, "Inhibit",
                                            g_variant_new ("(ssss)", "sleep", "Barge", inhibitor->why,
                                                           inhibitor->mode),
                                            G_VARIANT_TYPE ("(h)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL,
                                            inhibitor->call, on_inhibited, call);
}

/* Holds @inhibitor when @want, and asks logind for it when @may_take. */
static void
want (BargedSleep *self, Inhibitor *inhibitor, gboolean wanted, gboolean may_take)
{
  if (!wanted)
    {
      inhibitor->refused = FALSE;
      release (inhibitor);
      /* A call in flight comes back to update(), which releases what it got. */
      return;
    }
  if (inhibitor->fd < 0 && inhibitor->call == NULL && !inhibitor->refused && may_take && self->logind)
    inhibit (self, inhibitor);
}

/* Between PrepareForSleep(true) and (false) the delay inhibitor is kept
 * only until the checkpoint is done, and none is taken: a lock taken then
 * would hold up a sleep that is under way. */
static void
update (BargedSleep *self)
{
  want (self, &self->inhibitors[DELAY], self->asleep ? self->checkpointing : self->transferring, !self->asleep);
  want (self, &self->inhibitors[BLOCK], self->keep_awake, !self->asleep);
}

void
barged_sleep_set_transferring (BargedSleep *self, gboolean transferring)
{
  self->transferring = transferring;
  update (self);
}

void
barged_sleep_set_keep_awake (BargedSleep *self, gboolean keep_awake)
{
  self->keep_awake = keep_awake;
  update (self);
}

static void
end_checkpoint (BargedSleep *self)
{
  self->checkpointing = FALSE;
  g_clear_handle_id (&self->bound_source, g_source_remove);
  update (self);
}

void
barged_sleep_checkpoint_done (BargedSleep *self, guint round)
{
  if (!self->asleep || !self->checkpointing || round != self->round)
    return;
  g_info ("transfers checkpointed in %" G_GINT64_FORMAT " ms: the machine may sleep",
          (g_get_monotonic_time () - self->sleep_started) / 1000);
  end_checkpoint (self);
}

static gboolean
bound_cb (gpointer user_data)
{
  BargedSleep *self = user_data;

  self->bound_source = 0;
  g_message ("the checkpoint is not done after %" G_GINT64_FORMAT " ms: letting the machine sleep",
             (g_get_monotonic_time () - self->sleep_started) / 1000);
  end_checkpoint (self);
  return G_SOURCE_REMOVE;
}

static void
on_prepare_for_sleep (GDBusConnection *bus, const char *sender, const char *path, const char *iface,
                      const char *member, GVariant *parameters, gpointer user_data)
{
  BargedSleep *self = user_data;
  gboolean start;
  gint64 bound_ms;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (parameters, "(b)", &start);
  if (start == self->asleep)
    return;
  self->asleep = start;
  g_clear_handle_id (&self->bound_source, g_source_remove);
  if (start)
    {
      /* Released a little before logind stops waiting, so that it sees the
       * release rather than its own timeout. */
      bound_ms = self->delay_max_us / 1000;
      bound_ms = bound_ms > 1000 ? bound_ms - 500 : bound_ms / 2;
      self->round++;
      self->checkpointing = TRUE;
      self->sleep_started = g_get_monotonic_time ();
      self->bound_source = g_timeout_add ((guint) MIN (bound_ms, (gint64) G_MAXINT32), bound_cb, self);
      g_info ("the machine prepares to sleep: checkpointing the transfers (at most %" G_GINT64_FORMAT " ms)",
              bound_ms);
      g_signal_emit (self, signals[SIGNAL_PREPARE_FOR_SLEEP], 0, self->round);
    }
  else
    {
      self->checkpointing = FALSE;
      g_info ("the machine woke up");
      g_signal_emit (self, signals[SIGNAL_WAKE], 0);
    }
  update (self);
}

static void
on_delay_max (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargedSleep) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);
  g_autoptr(GVariant) value = NULL;

  if (reply == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("logind does not say its InhibitDelayMaxUSec (%s): assuming %d s", error->message,
                 (int) (DEFAULT_DELAY_MAX_US / G_USEC_PER_SEC));
      return;
    }
  g_variant_get (reply, "(v)", &value);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
    self->delay_max_us = (gint64) MIN (g_variant_get_uint64 (value), (guint64) G_MAXINT32 * 1000);
}

static void
on_logind_appeared (GDBusConnection *bus, const char *name, const char *owner, gpointer user_data)
{
  BargedSleep *self = user_data;

  g_debug ("logind is on the system bus (%s)", owner);
  self->logind = TRUE;
  self->said_absent = FALSE;
  for (guint i = 0; i < N_INHIBITORS; i++)
    self->inhibitors[i].refused = FALSE;
  g_dbus_connection_call (bus, LOGIND_NAME, LOGIND_PATH, "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", LOGIND_MANAGER, "InhibitDelayMaxUSec"), G_VARIANT_TYPE ("(v)"),
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, self->cancellable, on_delay_max,
                          g_object_ref (self));
  update (self);
}

static void
on_logind_vanished (GDBusConnection *bus, const char *name, gpointer user_data)
{
  BargedSleep *self = user_data;

  if (!self->said_absent)
    g_debug ("logind is not on the system bus: no sleep inhibitors");
  self->said_absent = TRUE;
  self->logind = FALSE;
  /* Its locks went with it; a new logind gets asked again. */
  for (guint i = 0; i < N_INHIBITORS; i++)
    {
      release (&self->inhibitors[i]);
      if (self->inhibitors[i].call != NULL)
        g_cancellable_cancel (self->inhibitors[i].call);
      g_clear_object (&self->inhibitors[i].call);
    }
  /* A sleep logind never ends would otherwise hold the jobs for good. */
  if (self->asleep)
    {
      GVariant *woke = g_variant_ref_sink (g_variant_new ("(b)", FALSE));

      on_prepare_for_sleep (bus, NULL, LOGIND_PATH, LOGIND_MANAGER, "PrepareForSleep", woke, self);
      g_variant_unref (woke);
    }
}

static void
on_bus (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargedSleep) self = user_data;
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (res, &error);

  if (bus != NULL && g_cancellable_is_cancelled (self->cancellable))
    {
      g_object_unref (bus);
      return;
    }
  if (bus == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("no system bus (%s): no sleep inhibitors", error->message);
      return;
    }
  self->bus = bus;
  /* The system bus going away must not end the daemon (a session barged
   * does not even serve it). */
  g_dbus_connection_set_exit_on_close (bus, FALSE);
  self->subscription = g_dbus_connection_signal_subscribe (bus, LOGIND_NAME, LOGIND_MANAGER, "PrepareForSleep",
                                                           LOGIND_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                           on_prepare_for_sleep, self, NULL);
  self->watch = g_bus_watch_name_on_connection (bus, LOGIND_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                on_logind_appeared, on_logind_vanished, self, NULL);
}

BargedSleep *
barged_sleep_new (void)
{
  BargedSleep *self = g_object_new (BARGED_TYPE_SLEEP, NULL);

  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, on_bus, g_object_ref (self));
  return self;
}

static void
barged_sleep_dispose (GObject *object)
{
  BargedSleep *self = BARGED_SLEEP (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->bound_source, g_source_remove);
  if (self->watch != 0)
    g_bus_unwatch_name (self->watch);
  self->watch = 0;
  if (self->subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->bus, self->subscription);
  self->subscription = 0;
  for (guint i = 0; i < N_INHIBITORS; i++)
    {
      release (&self->inhibitors[i]);
      if (self->inhibitors[i].call != NULL)
        g_cancellable_cancel (self->inhibitors[i].call);
      g_clear_object (&self->inhibitors[i].call);
    }
  g_clear_object (&self->bus);
  G_OBJECT_CLASS (barged_sleep_parent_class)->dispose (object);
}

static void
barged_sleep_finalize (GObject *object)
{
  BargedSleep *self = BARGED_SLEEP (object);

  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (barged_sleep_parent_class)->finalize (object);
}

static void
barged_sleep_init (BargedSleep *self)
{
  self->cancellable = g_cancellable_new ();
  self->delay_max_us = DEFAULT_DELAY_MAX_US;
  self->inhibitors[DELAY] = (Inhibitor) { "delay", "Checkpointing background transfers", -1, NULL, FALSE };
  self->inhibitors[BLOCK] = (Inhibitor) { "block", "A foreground transfer asked to keep the machine awake", -1,
                                          NULL, FALSE };
}

static void
barged_sleep_class_init (BargedSleepClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = barged_sleep_dispose;
  object_class->finalize = barged_sleep_finalize;
  signals[SIGNAL_PREPARE_FOR_SLEEP] = g_signal_new ("prepare-for-sleep", G_TYPE_FROM_CLASS (klass),
                                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                                    G_TYPE_UINT);
  signals[SIGNAL_WAKE] = g_signal_new ("wake", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                       NULL, G_TYPE_NONE, 0);
}
