/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "barged-clock.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define SECONDS_PER_DAY (24 * 60 * 60)

struct _BargedClock {
  GObject parent_instance;

  GTimeZone *zone;
  int step_fd;                   /* timerfd that reports wall-clock steps */
  guint step_source;
  GFileMonitor *zone_monitor;    /* /etc/localtime */
  /* Injected clock (BARGED_TEST_CLOCK): injected time minus real time. */
  char *test_path;
  GFileMonitor *test_monitor;
  gint64 test_offset_us;
};

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_TYPE (BargedClock, barged_clock, G_TYPE_OBJECT)

static void
reload_zone (BargedClock *self)
{
  g_clear_pointer (&self->zone, g_time_zone_unref);
  /* Not g_time_zone_new_local(): GLib caches that one for the life of the
   * process, and a changed /etc/localtime would never be seen. TZ is read
   * here as g_time_zone_new_local() reads it: GLib 2.74's
   * g_time_zone_new_identifier (NULL) reads /etc/localtime only, and TZ
   * must win as it does for localtime(3). */
  self->zone = g_time_zone_new_identifier (g_getenv ("TZ"));
  if (self->zone == NULL)
    self->zone = g_time_zone_new_utc ();
}

static void
read_test_clock (BargedClock *self)
{
  g_autofree char *text = NULL;
  g_autoptr(GDateTime) injected = NULL;

  if (!g_file_get_contents (self->test_path, &text, NULL, NULL))
    return;
  g_strstrip (text);
  injected = g_date_time_new_from_iso8601 (text, NULL);
  if (injected == NULL)
    {
      g_warning ("BARGED_TEST_CLOCK: “%s” is not an ISO 8601 date-time with an offset", text);
      return;
    }
  self->test_offset_us = g_date_time_to_unix (injected) * G_USEC_PER_SEC
                         + g_date_time_get_microsecond (injected) - g_get_real_time ();
}

static void
emit_changed (BargedClock *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
on_zone_changed (GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event, gpointer user_data)
{
  BargedClock *self = user_data;

  if (event != G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT && event != G_FILE_MONITOR_EVENT_CREATED
      && event != G_FILE_MONITOR_EVENT_DELETED && event != G_FILE_MONITOR_EVENT_MOVED_IN
      && event != G_FILE_MONITOR_EVENT_RENAMED)
    return;
  reload_zone (self);
  emit_changed (self);
}

static void
on_test_clock_changed (GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event,
                       gpointer user_data)
{
  BargedClock *self = user_data;

  if (event != G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT && event != G_FILE_MONITOR_EVENT_CREATED
      && event != G_FILE_MONITOR_EVENT_MOVED_IN && event != G_FILE_MONITOR_EVENT_RENAMED)
    return;
  read_test_clock (self);
  reload_zone (self);
  emit_changed (self);
}

static gboolean
arm_step_timer (BargedClock *self)
{
  /* An absolute timer on CLOCK_REALTIME far in the future, cancelled by
   * the kernel (ECANCELED on read) whenever the clock is set. */
  struct itimerspec spec = { .it_value = { .tv_sec = G_MAXINT32, .tv_nsec = 0 } };

  return timerfd_settime (self->step_fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, NULL) == 0;
}

static gboolean
on_step (int fd, GIOCondition condition, gpointer user_data)
{
  BargedClock *self = user_data;
  guint64 expirations;

  if (read (fd, &expirations, sizeof expirations) < 0 && errno != ECANCELED && errno != EAGAIN)
    {
      self->step_source = 0;
      return G_SOURCE_REMOVE;
    }
  arm_step_timer (self);
  emit_changed (self);
  return G_SOURCE_CONTINUE;
}

GDateTime *
barged_clock_now (BargedClock *self)
{
  gint64 now_us = g_get_real_time () + self->test_offset_us;
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now_us / G_USEC_PER_SEC);

  return g_date_time_to_timezone (utc, self->zone);
}

GTimeZone *
barged_clock_get_timezone (BargedClock *self)
{
  return self->zone;
}

guint
barged_clock_seconds_until (BargedClock *self, GDateTime *when)
{
  g_autoptr(GDateTime) now = barged_clock_now (self);
  GTimeSpan span = g_date_time_difference (when, now);

  if (span <= 0)
    return 0;
  if (span >= (GTimeSpan) SECONDS_PER_DAY * G_TIME_SPAN_SECOND)
    return SECONDS_PER_DAY;
  return (guint) ((span + G_TIME_SPAN_SECOND - 1) / G_TIME_SPAN_SECOND);
}

BargedClock *
barged_clock_new (void)
{
  return g_object_new (BARGED_TYPE_CLOCK, NULL);
}

static void
barged_clock_init (BargedClock *self)
{
  const char *test_path = g_getenv ("BARGED_TEST_CLOCK");
  g_autoptr(GFile) localtime = g_file_new_for_path ("/etc/localtime");

  reload_zone (self);

  if (test_path != NULL && *test_path != '\0')
    {
      g_autoptr(GFile) file = g_file_new_for_path (test_path);

      self->test_path = g_strdup (test_path);
      read_test_clock (self);
      self->test_monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
      if (self->test_monitor != NULL)
        g_signal_connect (self->test_monitor, "changed", G_CALLBACK (on_test_clock_changed), self);
    }

  self->zone_monitor = g_file_monitor_file (localtime, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
  if (self->zone_monitor != NULL)
    g_signal_connect (self->zone_monitor, "changed", G_CALLBACK (on_zone_changed), self);

  self->step_fd = timerfd_create (CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (self->step_fd >= 0 && arm_step_timer (self))
    self->step_source = g_unix_fd_add (self->step_fd, G_IO_IN, on_step, self);
}

static void
barged_clock_finalize (GObject *object)
{
  BargedClock *self = BARGED_CLOCK (object);

  g_clear_handle_id (&self->step_source, g_source_remove);
  if (self->step_fd >= 0)
    close (self->step_fd);
  if (self->zone_monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->zone_monitor, self);
  if (self->test_monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->test_monitor, self);
  g_clear_object (&self->zone_monitor);
  g_clear_object (&self->test_monitor);
  g_free (self->test_path);
  g_clear_pointer (&self->zone, g_time_zone_unref);
  G_OBJECT_CLASS (barged_clock_parent_class)->finalize (object);
}

static void
barged_clock_class_init (BargedClockClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = barged_clock_finalize;

  /* The wall clock was set or the time zone changed: re-arm wall-clock
   * timers. */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 0);
}
