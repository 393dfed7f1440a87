/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The background bandwidth limit in force against the real daemon, on an
 * injected wall clock (BARGED_TEST_CLOCK, TZ=Europe/Berlin): barge.conf's
 * [Transfer] BackgroundBandwidthSchedule switches the Manager's
 * BackgroundBandwidthLimit at its boundary (PropertiesChanged) and a running
 * background job's rate follows; a clock step re-arms the timer; SIGHUP
 * brings a new schedule and a bad one keeps the old; the administrator's
 * SetBackgroundBandwidthLimit wins, refuses bad rates, survives SIGHUP and a
 * restart, and 0 removes it. (polkit's part: tests/system.) */
#define G_LOG_DOMAIN "BargeTestSchedule"

#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "barge-test-daemon.h"
#include "barge-test-jobs.h"
#include "barge-test-server.h"

#define TRANSFER_TIMEOUT_MS 60000

/* Outside the window: BackgroundBandwidthLimit; Monday to Friday from
 * 08:00 to 17:00: 1 MB/s. */
#define SCHEDULE_CONFIG                                                                                \
  "[Transfer]\nBackgroundBandwidthLimit=3000000\nBackgroundBandwidthSchedule=Mon-Fri 08:00-17:00 1000000\n"

typedef struct {
  BargeTestServer *server;
  BargeTestDaemon *daemon;
  char *dir;
  char *clock_path;
  guint changed_id;
  guint n_changes;            /* PropertiesChanged of the Manager with the limit */
  guint64 last_limit;
  char *last_source;
  gint64 started;             /* monotonic µs once the daemon was up */
  gint64 changed;             /* monotonic µs of the last change */
} Fixture;

/* 2026-12-07 is a Monday; Berlin is at +01:00 then. */
static void
set_clock (Fixture *f, const char *iso)
{
  g_autofree char *tmp = g_strconcat (f->clock_path, ".new", NULL);

  /* Renamed into place: the daemon never reads half a file. */
  g_assert_true (g_file_set_contents (tmp, iso, -1, NULL));
  g_assert_cmpint (g_rename (tmp, f->clock_path), ==, 0);
}

static void
on_manager_changed (GDBusConnection *connection, const char *sender, const char *path, const char *iface,
                    const char *signal, GVariant *params, gpointer user_data)
{
  Fixture *f = user_data;
  g_autoptr(GVariant) changed = NULL;
  const char *iface_name, *source;

  g_variant_get (params, "(&s@a{sv}@as)", &iface_name, &changed, NULL);
  if (!g_str_equal (iface_name, BARGE_TEST_MANAGER_IFACE) ||
      !g_variant_lookup (changed, "BackgroundBandwidthLimit", "t", &f->last_limit))
    return;
  /* The source comes in the same signal. */
  g_assert_true (g_variant_lookup (changed, "BackgroundBandwidthSource", "&s", &source));
  g_free (f->last_source);
  f->last_source = g_strdup (source);
  f->changed = g_get_monotonic_time ();
  f->n_changes++;
}

/* From whichever barged owns the name, across restarts. */
static void
subscribe (Fixture *f)
{
  f->changed_id = g_dbus_connection_signal_subscribe (barge_test_daemon_get_connection (f->daemon),
                                                      NULL, "org.freedesktop.DBus.Properties",
                                                      "PropertiesChanged", BARGE_TEST_MANAGER_PATH, NULL,
                                                      G_DBUS_SIGNAL_FLAGS_NONE, on_manager_changed, f, NULL);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  const char *clock = data;

  f->dir = barge_test_make_dir ("barge-test-schedule-XXXXXX");
  f->clock_path = g_build_filename (f->dir, "clock", NULL);
  set_clock (f, clock);
  /* The daemon inherits both. */
  g_setenv ("BARGED_TEST_CLOCK", f->clock_path, TRUE);
  g_setenv ("TZ", "Europe/Berlin", TRUE);
  f->daemon = barge_test_daemon_new_full (SCHEDULE_CONFIG, NULL);
  f->started = g_get_monotonic_time ();
  f->server = barge_test_server_new ();
  subscribe (f);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_dbus_connection_signal_unsubscribe (barge_test_daemon_get_connection (f->daemon), f->changed_id);
  barge_test_daemon_free (f->daemon);
  barge_test_server_free (f->server);
  g_unsetenv ("BARGED_TEST_CLOCK");
  g_free (f->clock_path);
  g_free (f->last_source);
  barge_test_clear_dir (&f->dir);
}

static GVariant *
get_property (Fixture *f, const char *name)
{
  return barge_test_daemon_get_property (f->daemon, BARGE_TEST_MANAGER_PATH, BARGE_TEST_MANAGER_IFACE, name);
}

/* The Manager's limit and source, fresh. */
static void
assert_limit (Fixture *f, guint64 limit, const char *source)
{
  g_autoptr(GVariant) l = get_property (f, "BackgroundBandwidthLimit");
  g_autoptr(GVariant) s = get_property (f, "BackgroundBandwidthSource");

  g_assert_cmpuint (g_variant_get_uint64 (l), ==, limit);
  g_assert_cmpstr (g_variant_get_string (s, NULL), ==, source);
}

typedef struct {
  Fixture *f;
  guint64 limit;
} Wanted;

static gboolean
limit_signalled (gpointer user_data)
{
  Wanted *w = user_data;

  return w->f->n_changes > 0 && w->f->last_limit == w->limit;
}

/* Waits for a PropertiesChanged that brings @limit from @source. */
static void
wait_limit (Fixture *f, guint64 limit, const char *source, guint timeout_ms)
{
  Wanted w = { f, limit };
  g_autofree char *what = g_strdup_printf ("BackgroundBandwidthLimit %" G_GUINT64_FORMAT, limit);

  barge_test_assert_wait (limit_signalled, &w, timeout_ms, what);
  g_assert_cmpstr (f->last_source, ==, source);
  assert_limit (f, limit, source);
}

static gboolean
set_background_limit (Fixture *f, guint64 rate, GError **error)
{
  g_autoptr(GVariant) ret = g_dbus_connection_call_sync (
    barge_test_daemon_get_connection (f->daemon), BARGE_TEST_BUS_NAME, BARGE_TEST_MANAGER_PATH,
    BARGE_TEST_MANAGER_IFACE, "SetBackgroundBandwidthLimit", g_variant_new ("(t)", rate), G_VARIANT_TYPE ("()"),
    G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);

  return ret != NULL;
}

static double
measure (BargeDBusJob *job, guint seconds)
{
  guint64 before = barge_test_job_bytes_done (job);
  gint64 start = g_get_monotonic_time ();

  barge_test_run_for (seconds * 1000);
  return (double) (barge_test_job_bytes_done (job) - before) * G_USEC_PER_SEC
         / (double) (g_get_monotonic_time () - start);
}

static void
assert_rate (double got, double limit, double tolerance)
{
  g_test_message ("%.0f B/s under a limit of %.0f B/s", got, limit);
  g_assert_cmpfloat (got, >=, limit * (1 - tolerance));
  g_assert_cmpfloat (got, <=, limit * (1 + tolerance));
}

/* Starts 4 s before 08:00 on a Monday: the limit of barge.conf, then the
 * schedule's at the boundary, and a background download follows it. */
static void
test_boundary (Fixture *f, gconstpointer data)
{
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "scheduled");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autofree char *url = barge_test_server_get_data_url (f->server, "scheduled.bin", 256 * MiB, 0);
  g_autofree char *dest = g_build_filename (f->dir, "scheduled.bin", NULL);
  gint64 started = g_get_monotonic_time ();

  assert_limit (f, 3000000, "config");
  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferring", SHORT_TIMEOUT_MS);
  g_assert_cmpuint (f->n_changes, ==, 0);
  wait_limit (f, 1000000, "schedule", 8000);
  g_test_message ("switched %.1f s after the job started, %.1f s after the daemon",
                  (f->changed - started) / (double) G_USEC_PER_SEC,
                  (f->changed - f->started) / (double) G_USEC_PER_SEC);
  g_assert_cmpuint (f->n_changes, ==, 1);
  /* At the boundary, not before: the daemon read the clock, 4 s before it,
   * while it started, before f->started. */
  g_assert_cmpint (f->changed - f->started, >=, 3 * G_USEC_PER_SEC);
  barge_test_run_for (500);
  assert_rate (measure (job, 3), 1000000, 0.1);
  barge_test_job_cancel (job);
}

/* A clock step applies the rule of the new time at once and re-arms the
 * timer: stepped to two seconds before 17:00, the window ends then, not
 * nine hours after the first timer was armed. */
static void
test_clock_step (Fixture *f, gconstpointer data)
{
  assert_limit (f, 1000000, "schedule");
  set_clock (f, "2026-12-07T18:00:00+01:00");
  wait_limit (f, 3000000, "config", SHORT_TIMEOUT_MS);
  set_clock (f, "2026-12-08T07:59:58+01:00");
  g_assert_cmpuint (f->n_changes, ==, 1);
  wait_limit (f, 1000000, "schedule", 8000);
  g_assert_cmpuint (f->n_changes, ==, 2);
  set_clock (f, "2026-12-08T16:59:58+01:00");
  wait_limit (f, 3000000, "config", 8000);
  g_assert_cmpuint (f->n_changes, ==, 3);
}

static gboolean
file_contains (gpointer user_data)
{
  const char * const *args = user_data;
  g_autofree char *text = NULL;

  return g_file_get_contents (args[0], &text, NULL, NULL) && strstr (text, args[1]) != NULL;
}

/* SIGHUP brings a new schedule at once; a bad one is refused (logged) and
 * the old one stays. */
static void
test_reload (Fixture *f, gconstpointer data)
{
  g_autofree char *log = g_build_filename (f->dir, "barged.log", NULL);
  const char *args[] = { log, "keeping the previous configuration" };

  assert_limit (f, 1000000, "schedule");
  barge_test_daemon_set_log_file (f->daemon, log);
  barge_test_daemon_restart (f->daemon);
  barge_test_daemon_set_config (f->daemon, "[Transfer]\nBackgroundBandwidthLimit=3000000\n"
                                           "BackgroundBandwidthSchedule=Mon 11:00-13:00 2000000; "
                                           "Mon-Fri 08:00-17:00 1000000\n");
  barge_test_daemon_send_signal (f->daemon, SIGHUP);
  wait_limit (f, 2000000, "schedule", SHORT_TIMEOUT_MS);

  barge_test_daemon_set_config (f->daemon, "[Transfer]\nBackgroundBandwidthLimit=3000000\n"
                                           "BackgroundBandwidthSchedule=Mon 11:00-13:00 2Mbit\n");
  barge_test_daemon_send_signal (f->daemon, SIGHUP);
  barge_test_assert_wait (file_contains, args, SHORT_TIMEOUT_MS, "the reload refused");
  {
    const char *said[] = { log, "rule 1 “Mon 11:00-13:00 2Mbit”" };

    g_assert_true (file_contains (said));
  }
  assert_limit (f, 2000000, "schedule");

  /* No schedule: the limit of barge.conf. */
  barge_test_daemon_set_config (f->daemon, "[Transfer]\nBackgroundBandwidthLimit=3000000\n");
  barge_test_daemon_send_signal (f->daemon, SIGHUP);
  wait_limit (f, 3000000, "config", SHORT_TIMEOUT_MS);
}

/* The administrator's limit wins over the schedule, through SIGHUP and a
 * restart; bad rates change nothing; 0 gives the limit back to barge.conf. */
static void
test_administrator (Fixture *f, gconstpointer data)
{
  const guint64 bad[] = { 1, 1023, G_GUINT64_CONSTANT (100000000001), G_MAXUINT64 };
  g_autoptr(GError) error = NULL;

  assert_limit (f, 1000000, "schedule");
  g_assert_true (set_background_limit (f, 5000, &error));
  g_assert_no_error (error);
  wait_limit (f, 5000, "administrator", SHORT_TIMEOUT_MS);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (set_background_limit (f, bad[i], &error));
      barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
      g_assert_nonnull (strstr (error->message, "1024 to 100000000000"));
      g_clear_error (&error);
      assert_limit (f, 5000, "administrator");
    }

  barge_test_daemon_set_config (f->daemon, "[Transfer]\nBackgroundBandwidthLimit=4000000\n");
  barge_test_daemon_send_signal (f->daemon, SIGHUP);
  barge_test_run_for (500);
  assert_limit (f, 5000, "administrator");

  /* Kept in the job database: a restart keeps it too. */
  barge_test_daemon_stop (f->daemon);
  barge_test_daemon_start (f->daemon);
  assert_limit (f, 5000, "administrator");

  f->n_changes = 0;
  g_assert_true (set_background_limit (f, 0, &error));
  g_assert_no_error (error);
  wait_limit (f, 4000000, "config", SHORT_TIMEOUT_MS);
  barge_test_daemon_stop (f->daemon);
  barge_test_daemon_start (f->daemon);
  assert_limit (f, 4000000, "config");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/schedule/boundary", Fixture, "2026-12-07T07:59:56+01:00", fixture_setup, test_boundary,
              fixture_teardown);
  g_test_add ("/schedule/clock-step", Fixture, "2026-12-07T12:00:00+01:00", fixture_setup, test_clock_step,
              fixture_teardown);
  g_test_add ("/schedule/reload", Fixture, "2026-12-07T12:00:00+01:00", fixture_setup, test_reload,
              fixture_teardown);
  g_test_add ("/schedule/administrator", Fixture, "2026-12-07T12:00:00+01:00", fixture_setup, test_administrator,
              fixture_teardown);
  return g_test_run ();
}
