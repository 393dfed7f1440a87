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
#include "barge-test-server.h"

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

static guint64
files_transferred (Fixture *f, const char *path)
{
  g_autoptr(GVariant) v = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "Progress");
  guint64 bytes_total, bytes_done, files_total, files_done;

  g_variant_get (v, "(tttt)", &bytes_total, &bytes_done, &files_total, &files_done);
  return files_done;
}

/* A file's "transferred" record and a save of the whole job queued while
 * it waited for its commit (any answered change: a property, Resume,
 * Suspend) commit in that order; the job's save copied the file as not
 * transferred yet and undid its record. After a crash the job came back
 * transferred with that file unfinished, and Complete deleted its whole,
 * durable temporary file. Here a client sets Description again and again
 * while the first of two files finishes, on a store that waits 300 ms
 * before each commit. */
static void
test_transferred_record_survives_saves (Fixture *f, gconstpointer data)
{
  g_autoptr(BargeTestServer) server = barge_test_server_new ();
  g_autofree char *dir = barge_test_make_dir ("barge-test-durable-XXXXXX");
  g_autofree char *small = g_build_filename (dir, "small.bin", NULL);
  g_autofree char *slow = g_build_filename (dir, "slow.bin", NULL);
  g_autofree char *small_url = barge_test_server_get_data_url (server, "small.bin", 1000, 0);
  g_autofree char *slow_url = barge_test_server_get_data_url (server, "slow.bin", 200 * 1024, 80 * 1024);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "saved while recorded");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autofree char *state = NULL;
  g_autofree char *content = NULL;
  gsize length = 0;
  guint sets = 0;

  barge_test_job_add_file (job, small_url, small);
  barge_test_job_add_file (job, slow_url, slow);
  barge_test_job_resume (job);
  /* Each Set is answered once stored (300 ms or more here). */
  while (files_transferred (f, path) < 1)
    {
      g_autofree char *text = g_strdup_printf ("set %u", sets);

      g_assert_cmpuint (++sets, <, 100);
      barge_test_daemon_set_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "Description",
                                      g_variant_new_string (text));
    }
  g_test_message ("%u sets before the first file showed transferred", sets);
  barge_test_wait_job_state (job, "transferred", 30000);
  /* The state's own record is committed after it is shown: the store here
   * takes 300 ms a commit, and only a few wait. (A Set would be a
   * barrier, but its save would write the file's record again.) */
  g_usleep (1500 * 1000);
  job = crash (f, job, path);
  state = get_string (f, path, "State");
  g_assert_cmpstr (state, ==, "transferred");
  g_assert_cmpuint (files_transferred (f, path), ==, 2);
  barge_test_job_complete (job);
  g_assert_true (g_file_get_contents (small, &content, &length, NULL));
  g_assert_cmpuint (length, ==, 1000);
  g_assert_true (g_file_test (slow, G_FILE_TEST_IS_REGULAR));
  barge_test_clear_dir (&dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  BARGE_TEST_ADD ("/durable-replies/changes-survive", test_changes_survive);
  BARGE_TEST_ADD ("/durable-replies/transferred-record-survives-saves", test_transferred_record_survives_saves);
  return g_test_run ();
}
