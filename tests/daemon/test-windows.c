/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Time windows against the real daemon, on an injected clock
 * (BARGED_TEST_CLOCK, a file holding the wall-clock time; TZ=Europe/Berlin):
 * a job's NotBefore holds it with HoldReason "not-before" until the time
 * comes, then it transfers on its own; a TransferWindow holds it with
 * "outside-window" until the window starts, and a transferring job goes
 * back to "queued" when it ends; a step of the clock takes effect at once
 * (not when the timer armed before it would have ended); bad values are
 * InvalidArgument and change nothing; the settings survive a restart. */
#define G_LOG_DOMAIN "BargeTestWindows"

#include "config.h"

#include "barge-test-daemon.h"
#include "barge-test-jobs.h"
#include "barge-test-server.h"

#define TRANSFER_TIMEOUT_MS 20000

typedef struct {
  BargeTestServer *server;
  BargeTestDaemon *daemon;
  char *dir;
  char *clock_path;
  gint64 started;             /* monotonic µs: when the daemon read the clock, about */
} Fixture;

static void
write_clock (Fixture *f, const char *iso)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (f->clock_path, iso, -1, &error);
  g_assert_no_error (error);
}

/* @data: the wall-clock time (ISO 8601) the daemon starts at. */
static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *clock_env = NULL;

  f->dir = barge_test_make_dir ("barge-test-windows-XXXXXX");
  f->clock_path = g_build_filename (f->dir, "clock", NULL);
  write_clock (f, data);
  clock_env = g_strconcat ("BARGED_TEST_CLOCK=", f->clock_path, NULL);
  {
    const char *environment[] = { clock_env, "TZ=Europe/Berlin", NULL };

    f->daemon = barge_test_daemon_new_with_environment (NULL, NULL, environment);
  }
  f->started = g_get_monotonic_time ();
  f->server = barge_test_server_new ();
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  barge_test_daemon_free (f->daemon);
  barge_test_server_free (f->server);
  g_free (f->clock_path);
  barge_test_clear_dir (&f->dir);
}

/* The daemon's "now" (Unix seconds), about: what it read from the clock
 * file when it started, and the time since. It read the file a little
 * before f->started, so this is at most a fraction of a second ahead. */
static gint64
injected_now (Fixture *f, const char *start_iso)
{
  g_autoptr(GDateTime) start = g_date_time_new_from_iso8601 (start_iso, NULL);

  return g_date_time_to_unix (start) + (g_get_monotonic_time () - f->started) / G_USEC_PER_SEC;
}

static GVariant *
options (gint64 not_before, const char *window)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sv}"));
  if (not_before != 0)
    g_variant_builder_add (&b, "{sv}", "not-before", g_variant_new_int64 (not_before));
  if (window != NULL)
    g_variant_builder_add (&b, "{sv}", "transfer-window", g_variant_new_string (window));
  return g_variant_builder_end (&b);
}

static char *
create_job (Fixture *f, GVariant *opts, GError **error)
{
  char *path = NULL;

  if (!barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "timed", "download",
                                                opts, &path, NULL, error))
    return NULL;
  return path;
}

static gboolean
set_property (Fixture *f, const char *path, const char *name, GVariant *value, GError **error)
{
  g_autoptr(GVariant) ret = g_dbus_connection_call_sync (
    barge_test_daemon_get_connection (f->daemon), BARGE_TEST_BUS_NAME, path, "org.freedesktop.DBus.Properties",
    "Set", g_variant_new ("(ssv)", BARGE_TEST_JOB_IFACE, name, value), NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL,
    error);

  return ret != NULL;
}

static char *
get_string (Fixture *f, const char *path, const char *name)
{
  g_autoptr(GVariant) v = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, name);

  return g_variant_dup_string (v, NULL);
}

static gint64
get_not_before (Fixture *f, const char *path)
{
  g_autoptr(GVariant) v = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "NotBefore");

  return g_variant_get_int64 (v);
}

static void
assert_held (Fixture *f, const char *path, const char *reason)
{
  g_autofree char *state = get_string (f, path, "State");
  g_autofree char *hold = get_string (f, path, "HoldReason");

  g_assert_cmpstr (state, ==, "queued");
  g_assert_cmpstr (hold, ==, reason);
}

/* A job of one file of @size served at @rate (0: at once), resumed. */
static BargeDBusJob *
start_download (Fixture *f, const char *path, const char *name, guint64 size, guint64 rate)
{
  BargeDBusJob *job = barge_test_daemon_get_job (f->daemon, path);
  g_autofree char *url = barge_test_server_get_data_url (f->server, name, size, rate);
  g_autofree char *dest = g_build_filename (f->dir, name, NULL);

  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  return job;
}

static double
seconds_since (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
}

typedef struct {
  BargeDBusJob *job;
  const char *hold;
} HoldWait;

static gboolean
job_held_for (gpointer user_data)
{
  HoldWait *w = user_data;

  return g_strcmp0 (barge_dbus_job_get_state (w->job), "queued") == 0 &&
         g_strcmp0 (barge_dbus_job_get_hold_reason (w->job), w->hold) == 0;
}

#define EVENING "2036-12-07T21:59:58+01:00"

/* (a) NotBefore 3 s ahead of the injected clock: queued with "not-before",
 * then it transfers by itself once the time passed, with no call. */
static void
test_not_before (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 when = injected_now (f, EVENING) + 3;
  g_autofree char *path = create_job (f, options (when, NULL), &error);
  g_autoptr(BargeDBusJob) job = NULL;
  gint64 resumed;

  g_assert_no_error (error);
  g_assert_cmpint (get_not_before (f, path), ==, when);
  job = start_download (f, path, "later.bin", 64 * KiB, 0);
  resumed = g_get_monotonic_time ();
  assert_held (f, path, "not-before");
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  g_test_message ("transferred %.1f s after Resume, not-before 3 s ahead", seconds_since (resumed));
  /* Not before its time (less the fraction of a second the estimate of
   * the daemon's clock may be ahead), and not long after it. */
  g_assert_cmpfloat (seconds_since (resumed), >=, 1.5);
  g_assert_cmpfloat (seconds_since (resumed), <, 6.0);
  barge_test_job_complete (job);
}

/* (b) A window that starts 2 s after the injected time: "outside-window",
 * then the job starts at the boundary. */
static void
test_window_starts (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = create_job (f, options (0, "22:00-06:00"), &error);
  g_autoptr(BargeDBusJob) job = NULL;
  g_autofree char *window = NULL;

  g_assert_no_error (error);
  window = get_string (f, path, "TransferWindow");
  g_assert_cmpstr (window, ==, "22:00-06:00");
  job = start_download (f, path, "night.bin", 64 * KiB, 0);
  assert_held (f, path, "outside-window");
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  g_test_message ("transferred %.1f s after the daemon read 21:59:58", seconds_since (f->started));
  g_assert_cmpfloat (seconds_since (f->started), >=, 1.0);
  g_assert_cmpfloat (seconds_since (f->started), <, 5.0);
  barge_test_job_complete (job);
}

#define MORNING "2036-12-08T05:59:57+01:00"

/* (b) The end: a job transferring when its window ends goes back to
 * "queued" with "outside-window", its bytes kept. */
static void
test_window_ends (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = create_job (f, options (0, "22:00-06:00"), &error);
  g_autoptr(BargeDBusJob) job = NULL;
  HoldWait wait;
  g_autoptr(GVariant) progress = NULL;
  guint64 total, done, files_total, files_done;

  g_assert_no_error (error);
  /* 32 MiB at 1 MB/s: still moving when the window ends. */
  job = start_download (f, path, "ending.bin", 32 * MiB, 1000 * 1000);
  barge_test_wait_job_state (job, "transferring", SHORT_TIMEOUT_MS);
  wait = (HoldWait) { job, "outside-window" };
  barge_test_assert_wait (job_held_for, &wait, 8000, "the job back in the queue at 06:00");
  g_test_message ("back in the queue %.1f s after the daemon read 05:59:57", seconds_since (f->started));
  g_assert_cmpfloat (seconds_since (f->started), >=, 2.0);
  barge_dbus_job_call_get_progress_sync (job, &progress, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (progress, "(tttt)", &total, &done, &files_total, &files_done);
  g_assert_cmpuint (done, >, 0);
  g_assert_cmpuint (done, <, 32 * MiB);
  /* And it stays there. */
  barge_test_run_for (1500);
  assert_held (f, path, "outside-window");
  barge_test_job_cancel (job);
}

#define NOON "2036-12-07T12:00:00+01:00"

/* (c) The clock steps past the window's start: the job starts at once, not
 * when the 10-hour timer armed before the step would end; and a step out of
 * the window sends it back. */
static void
test_clock_step (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = create_job (f, options (0, "22:00-06:00"), &error);
  g_autoptr(BargeDBusJob) job = NULL;
  HoldWait wait;
  gint64 stepped;

  g_assert_no_error (error);
  job = start_download (f, path, "stepped.bin", 32 * MiB, 1000 * 1000);
  assert_held (f, path, "outside-window");
  barge_test_run_for (500);
  assert_held (f, path, "outside-window");

  write_clock (f, "2036-12-07T22:00:05+01:00");
  stepped = g_get_monotonic_time ();
  barge_test_wait_job_state (job, "transferring", 5000);
  g_test_message ("transferring %.2f s after the step", seconds_since (stepped));

  /* A step back out of the window: the transferring job stops. */
  write_clock (f, NOON);
  stepped = g_get_monotonic_time ();
  wait = (HoldWait) { job, "outside-window" };
  barge_test_assert_wait (job_held_for, &wait, 5000, "the job back in the queue after the step to noon");
  g_test_message ("queued %.2f s after the step back", seconds_since (stepped));
  barge_test_job_cancel (job);
}

/* (d) Bad values are InvalidArgument and change nothing. */
static void
test_bad_values (Fixture *f, gconstpointer data)
{
  const char *bad_windows[] = { "08:00-08:00", "25:00-01:00", "garbage", "22:00", "10:60-11:00", "1:00-2:00 " };
  gint64 now = injected_now (f, EVENING);
  /* In the past for the injected clock (years ahead of the real one: its
   * dates are in 2036, since a date of 2026 became the past on the day it
   * named), though in the future for the machine's: the daemon's clock
   * decides. */
  const gint64 bad_times[] = { now - 60, 1, -5, G_MININT64, g_get_real_time () / G_USEC_PER_SEC + 3600 };
  /* Beyond what a date holds: said so, not a crash. */
  const gint64 too_late[] = { G_GINT64_CONSTANT (253402300800), G_MAXINT64 };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = create_job (f, options (now + 3600, "22:30-23:00"), &error);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (bad_windows); i++)
    {
      g_autofree char *refused = create_job (f, options (0, bad_windows[i]), &error);
      g_autofree char *window = NULL;

      g_assert_null (refused);
      barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
      /* It says what is accepted. */
      g_assert_true (strstr (error->message, "HH:MM-HH:MM") != NULL || strstr (error->message, "differ") != NULL);
      g_test_message ("%s: %s", bad_windows[i], error->message);
      g_clear_error (&error);
      g_assert_false (set_property (f, path, "TransferWindow", g_variant_new_string (bad_windows[i]), &error));
      barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
      g_clear_error (&error);
      window = get_string (f, path, "TransferWindow");
      g_assert_cmpstr (window, ==, "22:30-23:00");
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_times); i++)
    {
      g_autofree char *refused = create_job (f, options (bad_times[i], NULL), &error);

      g_assert_null (refused);
      barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
      g_assert_nonnull (strstr (error->message, "not-before is in the past"));
      g_clear_error (&error);
      g_assert_false (set_property (f, path, "NotBefore", g_variant_new_int64 (bad_times[i]), &error));
      barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
      g_clear_error (&error);
      g_assert_cmpint (get_not_before (f, path), ==, now + 3600);
    }
  for (guint i = 0; i < G_N_ELEMENTS (too_late); i++)
    {
      g_autofree char *refused = create_job (f, options (too_late[i], NULL), &error);

      g_assert_null (refused);
      barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
      g_assert_nonnull (strstr (error->message, "after the year 9999"));
      g_clear_error (&error);
      g_assert_false (set_property (f, path, "NotBefore", g_variant_new_int64 (too_late[i]), &error));
      barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
      g_clear_error (&error);
    }
  /* Of the wrong type: refused, saying the type it takes; an unknown
   * option, with the options CreateJob takes. */
  {
    g_autofree char *refused = create_job (f, g_variant_new_parsed ("{'not-before': <'tomorrow'>}"), &error);

    g_assert_null (refused);
    barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
    g_assert_nonnull (strstr (error->message, "the option \"not-before\" is of type x, not s"));
    g_clear_error (&error);
  }
  {
    g_autofree char *refused = create_job (f, g_variant_new_parsed ("{'not-after': <@x 1>}"), &error);

    g_assert_null (refused);
    barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
    g_assert_nonnull (strstr (error->message, "unknown option \"not-after\" of type x (CreateJob takes "));
    g_assert_nonnull (strstr (error->message, "not-before (x)"));
    g_clear_error (&error);
  }
  /* Only the job that was made. */
  g_assert_cmpuint (barge_test_daemon_count_jobs (f->daemon), ==, 1);
  /* Good values, and back to none: the canonical form is read back. */
  g_assert_true (set_property (f, path, "TransferWindow", g_variant_new_string ("7:05-9:30"), &error));
  g_assert_no_error (error);
  {
    g_autofree char *window = get_string (f, path, "TransferWindow");

    g_assert_cmpstr (window, ==, "07:05-09:30");
  }
  g_assert_true (set_property (f, path, "TransferWindow", g_variant_new_string (""), &error));
  g_assert_true (set_property (f, path, "NotBefore", g_variant_new_int64 (0), &error));
  g_assert_no_error (error);
  g_assert_cmpint (get_not_before (f, path), ==, 0);
}

/* (e) The settings survive a restart, and hold the job again. */
static void
test_restart (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 tomorrow = injected_now (f, EVENING) + 24 * 60 * 60;
  g_autofree char *held = create_job (f, options (tomorrow, "01:00-05:00"), &error);
  g_autofree char *windowed = NULL;

  g_assert_no_error (error);
  windowed = create_job (f, options (0, NULL), &error);
  g_assert_no_error (error);
  g_assert_true (set_property (f, windowed, "TransferWindow", g_variant_new_string ("23:00-23:30"), &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, i == 0 ? held : windowed);
      g_autofree char *name = g_strdup_printf ("never-%u.bin", i);
      g_autofree char *dest = g_build_filename (f->dir, name, NULL);
      g_autofree char *url = barge_test_server_get_data_url (f->server, name, 4 * KiB, 0);

      barge_test_job_add_file (job, url, dest);
      barge_test_job_resume (job);
    }

  barge_test_daemon_restart (f->daemon);
  g_assert_cmpint (get_not_before (f, held), ==, tomorrow);
  {
    g_autofree char *window = get_string (f, held, "TransferWindow");
    g_autofree char *other = get_string (f, windowed, "TransferWindow");

    g_assert_cmpstr (window, ==, "01:00-05:00");
    g_assert_cmpstr (other, ==, "23:00-23:30");
  }
  assert_held (f, held, "not-before");
  assert_held (f, windowed, "outside-window");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/windows/not-before", Fixture, EVENING, fixture_setup, test_not_before, fixture_teardown);
  g_test_add ("/windows/window-starts", Fixture, EVENING, fixture_setup, test_window_starts, fixture_teardown);
  g_test_add ("/windows/window-ends", Fixture, MORNING, fixture_setup, test_window_ends, fixture_teardown);
  g_test_add ("/windows/clock-step", Fixture, NOON, fixture_setup, test_clock_step, fixture_teardown);
  g_test_add ("/windows/bad-values", Fixture, EVENING, fixture_setup, test_bad_values, fixture_teardown);
  g_test_add ("/windows/restart", Fixture, EVENING, fixture_setup, test_restart, fixture_teardown);
  return g_test_run ();
}
