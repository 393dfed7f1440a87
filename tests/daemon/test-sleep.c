/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Sleep and wake through logind: barged on its private bus, with a system
 * bus of the test's own (DBUS_SYSTEM_BUS_ADDRESS) where python-dbusmock's
 * logind template stands in for systemd-logind. The mock lists the
 * inhibitors barged holds (ListInhibitors, each gone when barged closes its
 * descriptor) and sends PrepareForSleep when told to (EmitSignal). */
#define G_LOG_DOMAIN "BargeTestSleep"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

#include "barge-test-daemon.h"
#include "barge-test-jobs.h"
#include "barge-test-name-watch.h"
#include "barge-test-server.h"

#define LOGIND "org.freedesktop.login1"
#define LOGIND_PATH "/org/freedesktop/login1"
#define LOGIND_MANAGER "org.freedesktop.login1.Manager"
/* After PrepareForSleep(false), jobs transfer again within this (their
 * retry delay is the default 600 s). */
#define WAKE_MS 2000

typedef struct {
  GTestDBus *system;          /* the test's system bus */
  GDBusConnection *sys;
  GSubprocess *logind;        /* the mock, while it runs */
  BargeTestNameWatch *logind_watch;
  BargeTestServer *server;
  BargeTestDaemon *daemon;
  char *dir;
} Fixture;

static const char *
python (void)
{
  const char *p = g_getenv ("BARGE_TEST_PYTHON");
  return p != NULL ? p : "/usr/bin/python3";
}

static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
start_logind (Fixture *f)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;

  g_assert_null (f->logind);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  /* Our stdout is the TAP stream. */
  g_subprocess_launcher_take_stdout_fd (launcher, dup (STDERR_FILENO));
  f->logind = g_subprocess_launcher_spawn (launcher, &error, python (), "-m", "dbusmock", "--system",
                                           "--template", "logind", NULL);
  g_assert_no_error (error);
  barge_test_assert_wait (barge_test_name_watch_owned, f->logind_watch, SHORT_TIMEOUT_MS, "the mock logind on the system bus");
}

static void
stop_logind (Fixture *f)
{
  if (f->logind == NULL)
    return;
  g_subprocess_send_signal (f->logind, SIGTERM);
  g_subprocess_wait (f->logind, NULL, NULL);
  g_clear_object (&f->logind);
  barge_test_assert_wait (barge_test_name_watch_unowned, f->logind_watch, SHORT_TIMEOUT_MS, "the mock logind to leave");
}

static void
fixture_setup_full (Fixture *f, const char *config, gboolean with_logind)
{
  g_autoptr(GError) error = NULL;

  f->system = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (f->system);
  /* For barged (and the mock), started from here on; GTestDBus itself
   * sets the environment the same way. */
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_test_dbus_get_bus_address (f->system), TRUE);
  f->sys = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (f->system),
                                                   G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                   G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                   NULL, NULL, &error);
  g_assert_no_error (error);
  f->logind_watch = barge_test_name_watch_new (f->sys, LOGIND);
  if (with_logind)
    start_logind (f);
  f->daemon = barge_test_daemon_new_with_config (config);
  f->server = barge_test_server_new ();
  f->dir = barge_test_make_dir ("barge-test-sleep-XXXXXX");
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  /* No checkpoint but the sleep's own: an offset recorded before the
   * machine sleeps can only come from it. */
  fixture_setup_full (f, "[Transfer]\nCheckpointInterval=600000\n", data == NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  barge_test_daemon_free (f->daemon);
  barge_test_server_free (f->server);
  stop_logind (f);
  g_clear_pointer (&f->logind_watch, barge_test_name_watch_free);
  g_dbus_connection_close_sync (f->sys, NULL, NULL);
  g_clear_object (&f->sys);
  g_test_dbus_down (f->system);
  g_clear_object (&f->system);
  g_unsetenv ("DBUS_SYSTEM_BUS_ADDRESS");
  barge_test_clear_dir (&f->dir);
}

/* --- the mock logind ------------------------------------------------------ */

/* How many "sleep" inhibitors of mode @mode Barge holds, by the mock's list. */
static guint
count_inhibitors (Fixture *f, const char *mode)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariantIter) iter = NULL;
  const char *what, *who, *why, *m;
  guint uid, pid, n = 0;

  reply = g_dbus_connection_call_sync (f->sys, LOGIND, LOGIND_PATH, LOGIND_MANAGER, "ListInhibitors", NULL,
                                       G_VARIANT_TYPE ("(a(ssssuu))"), G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(a(ssssuu))", &iter);
  while (g_variant_iter_next (iter, "(&s&s&s&suu)", &what, &who, &why, &m, &uid, &pid))
    if (g_str_equal (what, "sleep") && g_str_equal (who, "Barge") && g_str_equal (m, mode))
      n++;
  return n;
}

typedef struct {
  Fixture *f;
  const char *mode;
  guint n;
} InhibitorWait;

static gboolean
inhibitors_are (gpointer user_data)
{
  InhibitorWait *w = user_data;

  /* The mock sees a release on its next turn: ask again shortly. */
  if (count_inhibitors (w->f, w->mode) == w->n)
    return TRUE;
  barge_test_run_for (20);
  return FALSE;
}

#define assert_inhibitors(f, mode, count)                                                    \
  G_STMT_START {                                                                             \
    InhibitorWait _w = { (f), (mode), (count) };                                             \
    barge_test_assert_wait (inhibitors_are, &_w, SHORT_TIMEOUT_MS, #count " " mode " inhibitors"); \
  } G_STMT_END

static void
prepare_for_sleep (Fixture *f, gboolean start)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  GVariant *arg = g_variant_new_variant (g_variant_new_boolean (start));

  reply = g_dbus_connection_call_sync (f->sys, LOGIND, LOGIND_PATH, "org.freedesktop.DBus.Mock", "EmitSignal",
                                       g_variant_new ("(sss@av)", LOGIND_MANAGER, "PrepareForSleep", "b",
                                                      g_variant_new_array (G_VARIANT_TYPE_VARIANT, &arg, 1)),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  g_assert_no_error (error);
}

/* --- jobs ----------------------------------------------------------------- */

static char *
create_job (Fixture *f, const char *name, const char *priority, gboolean keep_awake, GError **error)
{
  g_autoptr(GVariantBuilder) options = g_variant_builder_new (G_VARIANT_TYPE ("a{sv}"));
  char *path = NULL;

  if (priority != NULL)
    g_variant_builder_add (options, "{sv}", "priority", g_variant_new_string (priority));
  if (keep_awake)
    g_variant_builder_add (options, "{sv}", "keep-awake", g_variant_new_boolean (TRUE));
  barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), name, "download",
                                           g_variant_builder_end (options), &path, NULL, error);
  return path;
}

/* A job transferring a slow file (1 MiB/s), at least 256 KiB in. */
static BargeDBusJob *
start_slow_job (Fixture *f, const char *name, const char *priority, gboolean keep_awake)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = barge_test_server_get_data_url (f->server, name, 8 * MiB, 1 * MiB);
  g_autofree char *dest = g_build_filename (f->dir, name, NULL);
  g_autofree char *path = create_job (f, name, priority, keep_awake, &error);
  BargeDBusJob *job;

  g_assert_no_error (error);
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferring", SHORT_TIMEOUT_MS);
  return job;
}

/* The State as barged has it now (not the proxy's cache). */
static char *
state_now (Fixture *f, BargeDBusJob *job)
{
  g_autoptr(GVariant) v = barge_test_daemon_get_property (f->daemon, barge_test_job_path (job),
                                                          BARGE_TEST_JOB_IFACE, "State");
  return g_variant_dup_string (v, NULL);
}

typedef struct {
  BargeTestServer *server;
  const char *path;
  guint n;
} RequestWait;

static gboolean
requests_reach (gpointer user_data)
{
  RequestWait *w = user_data;
  g_autoptr(GPtrArray) requests = barge_test_server_get_requests (w->server, w->path);

  return requests->len >= w->n;
}

/* The Range start of the @index-th GET of @name, once it came. */
static guint64
request_range_start (Fixture *f, const char *name, guint index)
{
  g_autofree char *data_path = barge_test_server_get_data_path (name);
  RequestWait w = { f->server, data_path, index + 1 };
  g_autoptr(GPtrArray) requests = NULL;
  BargeTestRequest *r;

  barge_test_assert_wait (requests_reach, &w, SHORT_TIMEOUT_MS, "another request");
  requests = barge_test_server_get_requests (f->server, data_path);
  r = g_ptr_array_index (requests, index);
  g_assert_cmpstr (r->method, ==, "GET");
  return barge_test_range_start (r->range);
}

/* --- the tests -------------------------------------------------------------- */

/* A transferring job takes a delay inhibitor; PrepareForSleep(true) stops
 * it back to queued and the inhibitor goes once it is checkpointed; it
 * waits through the night; PrepareForSleep(false) starts it again at once
 * (not after its 600 s retry delay), from the offset of the checkpoint, and
 * the inhibitor is back. */
static void
test_sleep_and_wake (Fixture *f, gconstpointer data)
{
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeTestStateLog) log = NULL;
  const char * const running[] = { "connecting", "transferring", NULL };
  g_autofree char *state = NULL;
  guint64 checkpoint;
  gint64 woke;

  assert_inhibitors (f, "delay", 0);
  job = start_slow_job (f, "night", NULL, FALSE);
  assert_inhibitors (f, "delay", 1);
  g_assert_cmpuint (count_inhibitors (f, "block"), ==, 0);
  barge_test_assert_wait (barge_test_job_has_some_bytes, job, SHORT_TIMEOUT_MS, "256 KiB transferred");

  prepare_for_sleep (f, TRUE);
  assert_inhibitors (f, "delay", 0);
  /* Released only after the job stopped and was checkpointed. */
  state = state_now (f, job);
  g_assert_cmpstr (state, ==, "queued");
  checkpoint = barge_test_job_bytes_done (job);
  g_assert_cmpuint (checkpoint, >=, 256 * KiB);
  g_test_message ("checkpointed at %" G_GUINT64_FORMAT " bytes", checkpoint);

  /* The night: nothing moves and no inhibitor is taken. */
  barge_test_run_for (700);
  g_assert_cmpstr (barge_dbus_job_get_state (job), ==, "queued");
  g_assert_cmpstr (barge_dbus_job_get_hold_reason (job), ==, "sleeping");
  g_assert_cmpuint (barge_test_job_bytes_done (job), ==, checkpoint);
  g_assert_cmpuint (count_inhibitors (f, "delay"), ==, 0);

  log = barge_test_state_log_new (job);
  barge_test_state_log_mark (log);
  woke = g_get_monotonic_time ();
  prepare_for_sleep (f, FALSE);
  barge_test_state_log_wait (log, running, WAKE_MS);
  g_test_message ("transferring again %" G_GINT64_FORMAT " ms after the wake-up",
                  (g_get_monotonic_time () - woke) / 1000);
  g_assert_cmpuint (request_range_start (f, "night", 1), ==, checkpoint);
  assert_inhibitors (f, "delay", 1);
  barge_test_job_cancel (job);
  assert_inhibitors (f, "delay", 0);
}

/* The checkpoint is durable before the inhibitor goes: a machine that
 * never wakes (SIGKILL, then a new barged) resumes from it. Periodic
 * checkpoints are off in this fixture, so no other record has an offset. */
static void
test_checkpoint_survives (Fixture *f, gconstpointer data)
{
  g_autoptr(BargeDBusJob) job = start_slow_job (f, "battery", NULL, FALSE);
  g_autoptr(BargeDBusJob) again = NULL;
  guint64 checkpoint;

  barge_test_assert_wait (barge_test_job_has_some_bytes, job, SHORT_TIMEOUT_MS, "256 KiB transferred");
  assert_inhibitors (f, "delay", 1);
  prepare_for_sleep (f, TRUE);
  assert_inhibitors (f, "delay", 0);
  checkpoint = barge_test_job_bytes_done (job);

  barge_test_daemon_restart (f->daemon);
  again = barge_test_daemon_get_job (f->daemon, barge_test_job_path (job));
  g_assert_cmpuint (request_range_start (f, "battery", 1), ==, checkpoint);
  barge_test_job_cancel (again);
}

/* A job waiting in transient-error after a transport error (nothing listens
 * on the port) retries at the wake-up, not after its 600 s retry delay:
 * its sockets would be as dead as after a network loss. */
static void
test_transport_error_retried_at_wake (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dest = g_build_filename (f->dir, "refused", NULL);
  g_autofree char *path = create_job (f, "refused", NULL, FALSE, &error);
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeTestStateLog) log = NULL;
  const char * const failed[] = { "transient-error", "error", NULL };
  const char * const retried[] = { "queued", "connecting", NULL };
  guint errors;

  g_assert_no_error (error);
  job = barge_test_daemon_get_job (f->daemon, path);
  log = barge_test_state_log_new (job);
  /* Port 1 (tcpmux) is not served here: connection refused. */
  barge_test_job_add_file (job, "http://127.0.0.1:1/refused", dest);
  barge_test_state_log_mark (log);
  barge_test_job_resume (job);
  g_assert_cmpstr (barge_test_state_log_wait (log, failed, SHORT_TIMEOUT_MS), ==, "transient-error");
  g_assert_cmpstr (barge_dbus_job_get_hold_reason (job), ==, "retry-delay");
  errors = barge_dbus_job_get_error_count (job);

  prepare_for_sleep (f, TRUE);
  barge_test_run_for (300);
  g_assert_cmpstr (barge_dbus_job_get_state (job), ==, "transient-error");
  barge_test_state_log_mark (log);
  prepare_for_sleep (f, FALSE);
  barge_test_state_log_wait (log, retried, WAKE_MS);
  g_assert_cmpstr (barge_test_state_log_wait (log, failed, SHORT_TIMEOUT_MS), ==, "transient-error");
  g_assert_cmpuint (barge_dbus_job_get_error_count (job), ==, errors + 1);
  barge_test_job_cancel (job);
}

/* KeepAwake: a block inhibitor while a foreground job transfers; it goes
 * when the priority is lowered and comes back with the foreground; the
 * option is refused for a background job and survives a restart. */
static void
test_keep_awake (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BargeDBusJob) job = start_slow_job (f, "awake", "foreground", TRUE);
  g_autoptr(BargeDBusJob) restored = NULL;
  g_autofree char *refused = NULL;
  g_autofree char *kept = NULL;
  g_autoptr(GVariant) value = NULL;
  const char *path = barge_test_job_path (job);

  g_assert_true (barge_dbus_job_get_keep_awake (job));
  assert_inhibitors (f, "block", 1);
  assert_inhibitors (f, "delay", 1);

  barge_test_daemon_set_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "Priority", g_variant_new_string ("high"));
  assert_inhibitors (f, "block", 0);
  g_assert_cmpuint (count_inhibitors (f, "delay"), ==, 1);
  value = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "KeepAwake");
  g_assert_true (g_variant_get_boolean (value));
  barge_test_daemon_set_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "Priority",
                                  g_variant_new_string ("foreground"));
  assert_inhibitors (f, "block", 1);
  barge_test_job_cancel (job);
  assert_inhibitors (f, "block", 0);
  assert_inhibitors (f, "delay", 0);

  refused = create_job (f, "sleepy", "normal", TRUE, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_assert_nonnull (strstr (error->message, "keep-awake is for foreground jobs"));
  g_assert_null (refused);
  g_clear_error (&error);
  refused = create_job (f, "default", NULL, TRUE, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_clear_error (&error);

  kept = create_job (f, "kept", "foreground", TRUE, &error);
  g_assert_no_error (error);
  barge_test_daemon_restart (f->daemon);
  restored = barge_test_daemon_get_job (f->daemon, kept);
  g_assert_true (barge_dbus_job_get_keep_awake (restored));
}

static guint
count_lines (const char *path, const char *text)
{
  g_autofree char *log = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (path, &log, NULL, NULL));
  for (const char *p = log; (p = strstr (p, text)) != NULL; p++)
    n++;
  return n;
}

/* Without logind barged works as before and says so once (a debug line);
 * logind coming later gets the delay inhibitor of the transfer under way,
 * and its leaving stops nothing. */
static void
test_no_logind (Fixture *f, gconstpointer data)
{
  g_autofree char *log = g_build_filename (f->dir, "barged.log", NULL);
  g_autoptr(BargeDBusJob) job = NULL;

  barge_test_daemon_set_log_file (f->daemon, log);
  barge_test_daemon_restart (f->daemon);
  job = start_slow_job (f, "alone", NULL, FALSE);
  barge_test_assert_wait (barge_test_job_has_some_bytes, job, SHORT_TIMEOUT_MS, "256 KiB transferred");
  g_assert_cmpuint (count_lines (log, "logind is not on the system bus: no sleep inhibitors"), ==, 1);
  start_logind (f);
  assert_inhibitors (f, "delay", 1);
  stop_logind (f);
  barge_test_run_for (300);
  g_assert_cmpstr (barge_dbus_job_get_state (job), ==, "transferring");
  barge_test_job_cancel (job);
  g_assert_cmpuint (count_lines (log, "logind is not on the system bus"), ==, 2);
}

static void
test_no_dbusmock (void)
{
  g_test_skip ("python3-dbusmock is not installed");
}

int
main (int argc, char **argv)
{
  g_autofree char *check = g_strdup_printf ("%s -c 'import dbusmock'", python ());
  int status = -1;

  g_test_init (&argc, &argv, NULL);
  if (!g_spawn_command_line_sync (check, NULL, NULL, &status, NULL) || !g_spawn_check_wait_status (status, NULL))
    {
      g_test_add_func ("/sleep/skipped", test_no_dbusmock);
      return g_test_run ();
    }
  BARGE_TEST_ADD ("/sleep/delay-inhibitor-checkpoint-and-wake", test_sleep_and_wake);
  BARGE_TEST_ADD ("/sleep/checkpoint-survives-a-crash", test_checkpoint_survives);
  BARGE_TEST_ADD ("/sleep/transport-error-retried-at-wake", test_transport_error_retried_at_wake);
  BARGE_TEST_ADD ("/sleep/keep-awake", test_keep_awake);
  g_test_add ("/sleep/no-logind", Fixture, GINT_TO_POINTER (1), fixture_setup, test_no_logind, fixture_teardown);
  return g_test_run ();
}
