/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Network awareness and cost policy: barged reads the network state from a
 * key file it watches (the hidden --test-network-state option stands in
 * for GNetworkMonitor), so these tests take the network away, give it
 * back and make it metered without touching the machine's network. */
#define G_LOG_DOMAIN "BargeTestNetwork"

#include "config.h"

#include <glib/gstdio.h>

#include "barge-fault-server.h"
#include "barge-test-daemon.h"
#include "barge-test-jobs.h"
#include "barge-test-server.h"

#define TRANSFER_TIMEOUT_MS 30000

typedef struct {
  BargeTestServer *server;
  BargeTestDaemon *daemon;
  char *dir;
  char *state_dir;            /* holds the network state file */
  char *state_file;
} Fixture;

static void
set_network (Fixture *f, gboolean available, gboolean metered)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("[Network]\nAvailable=%s\nMetered=%s\n",
                                           available ? "true" : "false", metered ? "true" : "false");

  /* Atomic (write and rename): the daemon never reads half a file. */
  g_file_set_contents (f->state_file, text, -1, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *arg = NULL;

  f->state_dir = barge_test_make_dir ("barge-test-net-XXXXXX");
  f->state_file = g_build_filename (f->state_dir, "network", NULL);
  set_network (f, TRUE, FALSE);
  arg = g_strdup_printf ("--test-network-state=%s", f->state_file);
  {
    const char *args[] = { arg, NULL };
    f->daemon = barge_test_daemon_new_with_args (args);
  }
  f->server = barge_test_server_new ();
  f->dir = barge_test_make_dir ("barge-test-dl-XXXXXX");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  barge_test_server_free (f->server);
  barge_test_daemon_free (f->daemon);
  barge_test_clear_dir (&f->dir);
  barge_test_clear_dir (&f->state_dir);
  g_free (f->state_file);
}

static char *
create_job (Fixture *f, const char *name, const char *cost_policy)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariantBuilder) options = g_variant_builder_new (G_VARIANT_TYPE ("a{sv}"));
  char *path = NULL;

  if (cost_policy != NULL)
    g_variant_builder_add (options, "{sv}", "cost-policy", g_variant_new_string (cost_policy));
  barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), name, "download",
                                           g_variant_builder_end (options), &path, NULL, &error);
  g_assert_no_error (error);
  return path;
}

typedef struct {
  BargeDBusJob *job;
  const char *reason;
} ReasonWait;

static gboolean
reason_is (gpointer user_data)
{
  ReasonWait *w = user_data;

  return g_strcmp0 (barge_dbus_job_get_hold_reason (w->job), w->reason) == 0;
}

#define assert_hold_reason(job, wanted)                                                     \
  G_STMT_START {                                                                            \
    ReasonWait _w = { (job), (wanted) };                                                    \
    barge_test_assert_wait (reason_is, &_w, SHORT_TIMEOUT_MS, "HoldReason " wanted);        \
  } G_STMT_END

/* A running job loses the network: transient-error NetworkDisconnected,
 * no retry counted; the network comes back: queued at once (the retry
 * delay is the default 600 s, so only the network event can do it), and
 * it resumes where it was. */
static void
test_network_lost (Fixture *f, gconstpointer data)
{
  const guint64 size = 3 * MiB;
  g_autofree char *url = barge_test_server_get_data_url (f->server, "net", size, 1 * MiB);
  g_autofree char *data_path = barge_test_server_get_data_path ("net");
  g_autofree char *dest = g_build_filename (f->dir, "net", NULL);
  g_autofree char *path = create_job (f, "net", NULL);
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(BargeTestStateLog) log = barge_test_state_log_new (job);
  g_autoptr(GPtrArray) requests = NULL;
  g_autofree char *file_path = NULL;
  const char * const held[] = { "transient-error", "error", "transferred", NULL };
  const char * const queued[] = { "queued", NULL };
  const char * const done[] = { "transferred", "error", NULL };
  const char *c, *n, *m, *p;
  gboolean resumed = FALSE;
  gint64 back;

  barge_test_job_add_file (job, url, dest);
  file_path = barge_test_job_file_path (f->daemon, job, 0);
  barge_test_state_log_mark (log);
  barge_test_job_resume (job);
  barge_test_assert_wait (barge_test_job_has_some_bytes, job, TRANSFER_TIMEOUT_MS, "256 KiB transferred");
  g_assert_cmpstr (barge_dbus_job_get_hold_reason (job), ==, "none");

  set_network (f, FALSE, FALSE);
  g_assert_cmpstr (barge_test_state_log_wait (log, held, SHORT_TIMEOUT_MS), ==, "transient-error");
  g_variant_get (barge_dbus_job_get_error (job), "(&s&s&s&s)", &c, &n, &m, &p);
  g_test_message ("Error: %s %s %s %s", c, n, m, p);
  g_assert_cmpstr (c, ==, "general-transport");
  g_assert_cmpstr (n, ==, BARGE_TEST_ERROR_PREFIX "NetworkDisconnected");
  g_assert_cmpstr (p, ==, file_path);
  g_assert_cmpuint (barge_dbus_job_get_error_count (job), ==, 0);
  assert_hold_reason (job, "no-network");
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  /* It stays held while the network is away. */
  barge_test_run_for (500);
  g_assert_cmpstr (barge_dbus_job_get_state (job), ==, "transient-error");

  barge_test_state_log_mark (log);
  back = g_get_monotonic_time ();
  set_network (f, TRUE, FALSE);
  barge_test_state_log_wait (log, queued, SHORT_TIMEOUT_MS);
  g_test_message ("queued %" G_GINT64_FORMAT " ms after the network came back",
                  (g_get_monotonic_time () - back) / 1000);
  g_assert_cmpstr (barge_test_state_log_wait (log, done, TRANSFER_TIMEOUT_MS), ==, "transferred");
  g_assert_cmpuint (barge_dbus_job_get_error_count (job), ==, 0);
  assert_hold_reason (job, "none");

  requests = barge_test_server_get_requests (f->server, data_path);
  for (guint i = 1; i < requests->len; i++)
    {
      BargeTestRequest *r = g_ptr_array_index (requests, i);
      resumed |= r->range != NULL && r->status == 206;
    }
  g_assert_true (resumed);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest, "net", size);
}

/* Resumed while there is no network: queued, HoldReason no-network, and
 * it starts on its own once the network is there. */
static void
test_no_network_at_start (Fixture *f, gconstpointer data)
{
  g_autofree char *url = barge_test_server_get_data_url (f->server, "late", 64 * KiB, 0);
  g_autofree char *dest = g_build_filename (f->dir, "late", NULL);
  g_autofree char *path = create_job (f, "late", NULL);
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(BargeTestStateLog) log = barge_test_state_log_new (job);
  const char * const done[] = { "transferred", "error", NULL };

  set_network (f, FALSE, FALSE);
  barge_test_job_add_file (job, url, dest);
  barge_test_run_for (300);
  barge_test_job_resume (job);
  assert_hold_reason (job, "no-network");
  barge_test_run_for (500);
  g_assert_cmpstr (barge_dbus_job_get_state (job), ==, "queued");

  barge_test_state_log_mark (log);
  set_network (f, TRUE, FALSE);
  g_assert_cmpstr (barge_test_state_log_wait (log, done, TRANSFER_TIMEOUT_MS), ==, "transferred");
  assert_hold_reason (job, "none");
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest, "late", 64 * KiB);
}

/* On a metered network an "unmetered" job waits (HoldReason
 * metered-network) while an "any" job runs; a running "unmetered" job goes
 * back to the queue when the network becomes metered, and both go on when
 * it is not metered any more. */
static void
test_metered (Fixture *f, gconstpointer data)
{
  const guint64 size = 3 * MiB;
  g_autofree char *url_a = barge_test_server_get_data_url (f->server, "cheap", size, 2 * MiB);
  g_autofree char *url_b = barge_test_server_get_data_url (f->server, "any", 64 * KiB, 0);
  g_autofree char *dest_a = g_build_filename (f->dir, "cheap", NULL);
  g_autofree char *dest_b = g_build_filename (f->dir, "any", NULL);
  g_autofree char *path_a = create_job (f, "cheap", "unmetered");
  g_autofree char *path_b = create_job (f, "any", NULL);
  g_autoptr(BargeDBusJob) a = barge_test_daemon_get_job (f->daemon, path_a);
  g_autoptr(BargeDBusJob) b = barge_test_daemon_get_job (f->daemon, path_b);
  g_autoptr(BargeTestStateLog) log_a = barge_test_state_log_new (a);
  g_autoptr(BargeTestStateLog) log_b = barge_test_state_log_new (b);
  const char * const running[] = { "transferring", NULL };
  const char * const queued[] = { "queued", NULL };
  const char * const done[] = { "transferred", "error", NULL };

  g_assert_cmpstr (barge_dbus_job_get_cost_policy (a), ==, "unmetered");
  g_assert_cmpstr (barge_dbus_job_get_cost_policy (b), ==, "any");

  /* Running, then the network becomes metered. */
  barge_test_job_add_file (a, url_a, dest_a);
  barge_test_state_log_mark (log_a);
  barge_test_job_resume (a);
  barge_test_state_log_wait (log_a, running, TRANSFER_TIMEOUT_MS);
  barge_test_state_log_mark (log_a);
  set_network (f, TRUE, TRUE);
  barge_test_state_log_wait (log_a, queued, SHORT_TIMEOUT_MS);
  assert_hold_reason (a, "metered-network");
  g_assert_cmpuint (barge_dbus_job_get_error_count (a), ==, 0);

  /* The "any" job is not held back, and the held one takes no slot. */
  barge_test_job_add_file (b, url_b, dest_b);
  barge_test_state_log_mark (log_b);
  barge_test_job_resume (b);
  g_assert_cmpstr (barge_test_state_log_wait (log_b, done, TRANSFER_TIMEOUT_MS), ==, "transferred");
  g_assert_cmpstr (barge_dbus_job_get_state (a), ==, "queued");
  g_assert_cmpstr (barge_dbus_job_get_hold_reason (a), ==, "metered-network");

  barge_test_state_log_mark (log_a);
  set_network (f, TRUE, FALSE);
  g_assert_cmpstr (barge_test_state_log_wait (log_a, done, TRANSFER_TIMEOUT_MS), ==, "transferred");
  assert_hold_reason (a, "none");
  barge_test_job_complete (a);
  barge_test_job_complete (b);
  barge_test_daemon_wait_job_removed (f->daemon, path_a, SHORT_TIMEOUT_MS);
  barge_test_daemon_wait_job_removed (f->daemon, path_b, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest_a, "cheap", size);
  barge_test_assert_file_content (dest_b, "any", 64 * KiB);
}

/* CostPolicy is validated on CreateJob and on Set, is writable, and
 * survives a restart of the daemon. */
static void
test_cost_policy_property (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *path = create_job (f, "policy", NULL);
  g_autofree char *bad = NULL;

  {
    g_autoptr(GVariant) value = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "CostPolicy");
    g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "any");
  }
  barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "bad", "download",
                                           g_variant_new_parsed ("{'cost-policy': <'cheap'>}"), &bad, NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_clear_error (&error);

  reply = g_dbus_connection_call_sync (barge_test_daemon_get_connection (f->daemon), BARGE_TEST_BUS_NAME, path,
                                       "org.freedesktop.DBus.Properties", "Set",
                                       g_variant_new ("(ssv)", BARGE_TEST_JOB_IFACE, "CostPolicy",
                                                      g_variant_new_string ("sometimes")),
                                       NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000, NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");

  barge_test_daemon_set_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "CostPolicy",
                                  g_variant_new_string ("unmetered"));
  /* A property write is stored in the background; AddFile answers only
   * once its own write (queued after that one) is committed. */
  {
    g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
    g_autofree char *url = barge_test_server_get_data_url (f->server, "policy", 1, 0);
    g_autofree char *dest = g_build_filename (f->dir, "policy", NULL);

    barge_test_job_add_file (job, url, dest);
  }
  barge_test_daemon_restart (f->daemon);
  {
    g_autoptr(GVariant) value = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "CostPolicy");
    g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "unmetered");
  }
}

/* A transfer that failed on its own (connection refused) waits for its
 * retry delay (600 s by default); when the network comes back, the job is
 * retried at once. */
static void
test_retry_when_back (Fixture *f, gconstpointer data)
{
  g_autoptr(BargeFaultServer) server = barge_fault_server_new ();
  guint16 port = barge_fault_server_reserve_port ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/fault/ok/back?size=65536", port);
  g_autofree char *dest = g_build_filename (f->dir, "back", NULL);
  g_autofree char *path = create_job (f, "back", NULL);
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(BargeTestStateLog) log = barge_test_state_log_new (job);
  const char * const failed[] = { "transient-error", "error", "transferred", NULL };
  const char * const queued[] = { "queued", NULL };
  const char * const done[] = { "transferred", "error", NULL };
  const char *c, *n, *m, *p;

  barge_test_job_add_file (job, url, dest);
  barge_test_state_log_mark (log);
  barge_test_job_resume (job);
  g_assert_cmpstr (barge_test_state_log_wait (log, failed, TRANSFER_TIMEOUT_MS), ==, "transient-error");
  g_variant_get (barge_dbus_job_get_error (job), "(&s&s&s&s)", &c, &n, &m, &p);
  g_assert_cmpstr (n, ==, BARGE_TEST_ERROR_PREFIX "ConnectFailure");
  g_assert_cmpuint (barge_dbus_job_get_error_count (job), ==, 1);

  /* The network goes and comes back; meanwhile the server appeared. */
  set_network (f, FALSE, FALSE);
  barge_fault_server_listen_on (server, port);
  barge_test_run_for (300);
  g_assert_cmpstr (barge_dbus_job_get_state (job), ==, "transient-error");
  barge_test_state_log_mark (log);
  set_network (f, TRUE, FALSE);
  barge_test_state_log_wait (log, queued, SHORT_TIMEOUT_MS);
  g_assert_cmpstr (barge_test_state_log_wait (log, done, TRANSFER_TIMEOUT_MS), ==, "transferred");
  g_assert_cmpuint (barge_dbus_job_get_error_count (job), ==, 1);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest, "back", 65536);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  BARGE_TEST_ADD ("/network/lost-and-back", test_network_lost);
  BARGE_TEST_ADD ("/network/none-at-start", test_no_network_at_start);
  BARGE_TEST_ADD ("/network/retry-when-back", test_retry_when_back);
  BARGE_TEST_ADD ("/network/metered", test_metered);
  BARGE_TEST_ADD ("/network/cost-policy-property", test_cost_policy_property);
  return g_test_run ();
}
