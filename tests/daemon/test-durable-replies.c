/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A change the daemon answered survives a crash right after the answer:
 * Resume, Suspend, a property, SetProxySettings. The store here waits
 * 300 ms before each commit (BARGED_TEST_STORE_DELAY_MS, a slow disk), and
 * the test SIGKILLs barged as soon as each reply comes; before the bus
 * replied only once the job's record was stored, each of these came back
 * as it was before the call. */
#define G_LOG_DOMAIN "BargeTestDurableReplies"

#include "config.h"

#include "barge-test-daemon.h"
#include "barge-test-jobs.h"

typedef struct {
  BargeTestDaemon *daemon;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  const char * const environment[] = { "BARGED_TEST_STORE_DELAY_MS=300", NULL };

  f->daemon = barge_test_daemon_new_with_environment (NULL, NULL, environment);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  barge_test_daemon_free (f->daemon);
}

static char *
get_string (Fixture *f, const char *path, const char *name)
{
  g_autoptr(GVariant) v = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, name);

  return g_variant_dup_string (v, NULL);
}

/* SIGKILL and start again; the job's proxy is new. */
static BargeDBusJob *
crash (Fixture *f, BargeDBusJob *job, const char *path)
{
  g_object_unref (job);
  barge_test_daemon_restart (f->daemon);
  return barge_test_daemon_get_job (f->daemon, path);
}

static void
test_changes_survive (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  g_autofree char *state = NULL;
  g_autofree char *usage = NULL;
  const char * const none[] = { NULL };
  GVariantBuilder b;

  /* Held by a NotBefore a day ahead: Resume leaves it "queued". */
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "not-before",
                         g_variant_new_int64 (g_get_real_time () / G_USEC_PER_SEC + 24 * 3600));
  g_assert_true (barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "durable",
                                                          "download", g_variant_builder_end (&b), &path, NULL,
                                                          &error));
  g_assert_no_error (error);
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_test_job_add_file (job, "http://127.0.0.1:9/durable.bin", "/tmp/barge-test-durable.bin");

  barge_test_daemon_set_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "Description",
                                  g_variant_new_string ("changed just before a crash"));
  job = crash (f, job, path);
  description = get_string (f, path, "Description");
  g_assert_cmpstr (description, ==, "changed just before a crash");

  barge_test_job_resume (job);
  job = crash (f, job, path);
  state = get_string (f, path, "State");
  g_assert_cmpstr (state, ==, "queued");
  g_clear_pointer (&state, g_free);

  g_assert_true (barge_dbus_job_call_suspend_sync (job, NULL, &error));
  g_assert_no_error (error);
  job = crash (f, job, path);
  state = get_string (f, path, "State");
  g_assert_cmpstr (state, ==, "suspended");

  g_assert_true (barge_dbus_job_call_set_proxy_settings_sync (job, "none", none, none, NULL, &error));
  g_assert_no_error (error);
  job = crash (f, job, path);
  usage = get_string (f, path, "ProxyUsage");
  g_assert_cmpstr (usage, ==, "none");
  barge_test_job_cancel (job);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  BARGE_TEST_ADD ("/durable-replies/changes-survive", test_changes_survive);
  return g_test_run ();
}
