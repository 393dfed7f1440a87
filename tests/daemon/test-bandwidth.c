/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bandwidth limits against the real daemon: a job's BandwidthLimit (a
 * CreateJob option and a writable property) holds within 5 % over 10 s on
 * loopback, changes live, survives a restart, refuses bad values and holds
 * a file split over several connections as a whole; the
 * [Transfer] BackgroundBandwidthLimit of barge.conf is shared by background
 * jobs, never holds a foreground one, is shown by the Manager and follows
 * SIGHUP. */
#define G_LOG_DOMAIN "BargeTestBandwidth"

#include "config.h"

#include <signal.h>

#include "barge-test-daemon.h"
#include "barge-test-jobs.h"
#include "barge-test-server.h"

#define TRANSFER_TIMEOUT_MS 60000
#define SHORT_TIMEOUT_MS 10000

typedef struct {
  BargeTestServer *server;
  BargeTestDaemon *daemon;
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  const char *config = data != NULL ? data : "";

  f->daemon = barge_test_daemon_new_with_config (config);
  f->server = barge_test_server_new ();
  f->dir = barge_test_make_dir ("barge-test-bandwidth-XXXXXX");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  barge_test_daemon_free (f->daemon);
  barge_test_server_free (f->server);
  barge_test_clear_dir (&f->dir);
}

/* CreateJob with @options; the job's path, or NULL and @error. */
static char *
create_job (Fixture *f, const char *name, GVariant *options, GError **error)
{
  char *path = NULL;

  if (!barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), name, "download",
                                                options, &path, NULL, error))
    return NULL;
  return path;
}

static GVariant *
limit_option (guint64 limit, const char *priority)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&b, "{sv}", "bandwidth-limit", g_variant_new_uint64 (limit));
  if (priority != NULL)
    g_variant_builder_add (&b, "{sv}", "priority", g_variant_new_string (priority));
  return g_variant_builder_end (&b);
}

static gboolean
set_limit (Fixture *f, const char *path, guint64 limit, GError **error)
{
  g_autoptr(GVariant) ret = g_dbus_connection_call_sync (
    barge_test_daemon_get_connection (f->daemon), BARGE_TEST_BUS_NAME, path, "org.freedesktop.DBus.Properties",
    "Set", g_variant_new ("(ssv)", BARGE_TEST_JOB_IFACE, "BandwidthLimit", g_variant_new_uint64 (limit)), NULL,
    G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);

  return ret != NULL;
}

static guint64
get_uint64_property (Fixture *f, const char *path, const char *iface, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) ret = g_dbus_connection_call_sync (
    barge_test_daemon_get_connection (f->daemon), BARGE_TEST_BUS_NAME, path, "org.freedesktop.DBus.Properties",
    "Get", g_variant_new ("(ss)", iface, name), G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_autoptr(GVariant) value = NULL;

  g_assert_no_error (error);
  g_variant_get (ret, "(v)", &value);
  return g_variant_get_uint64 (value);
}

static guint64
get_limit (Fixture *f, const char *path)
{
  return get_uint64_property (f, path, BARGE_TEST_JOB_IFACE, "BandwidthLimit");
}

static guint64
get_background_limit (Fixture *f)
{
  return get_uint64_property (f, BARGE_TEST_MANAGER_PATH, BARGE_TEST_MANAGER_IFACE, "BackgroundBandwidthLimit");
}

/* Bytes per second the jobs moved together over @seconds. */
static double
measure (BargeDBusJob **jobs, guint n_jobs, guint seconds)
{
  guint64 before = 0, after = 0;
  gint64 start, end;

  for (guint i = 0; i < n_jobs; i++)
    before += barge_test_job_bytes_done (jobs[i]);
  start = g_get_monotonic_time ();
  barge_test_run_for (seconds * 1000);
  for (guint i = 0; i < n_jobs; i++)
    after += barge_test_job_bytes_done (jobs[i]);
  end = g_get_monotonic_time ();
  return (double) (after - before) * G_USEC_PER_SEC / (double) (end - start);
}

static BargeDBusJob *
start_download (Fixture *f, const char *path, const char *name, guint64 size)
{
  BargeDBusJob *job = barge_test_daemon_get_job (f->daemon, path);
  g_autofree char *url = barge_test_server_get_data_url (f->server, name, size, 0);
  g_autofree char *dest = g_build_filename (f->dir, name, NULL);

  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  return job;
}

static void
assert_rate (double got, double limit, double tolerance)
{
  g_test_message ("%.0f B/s under a limit of %.0f B/s", got, limit);
  g_assert_cmpfloat (got, >=, limit * (1 - tolerance));
  g_assert_cmpfloat (got, <=, limit * (1 + tolerance));
}

/* 2 MB/s from the CreateJob option, within 5 % over 10 s; then the limit
 * is lifted live and the rest comes at loopback speed. */
static void
test_job_limit (Fixture *f, gconstpointer data)
{
  const guint64 size = 128 * MiB;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = create_job (f, "limited", limit_option (2000000, NULL), &error);
  g_autoptr(BargeDBusJob) job = NULL;
  g_autofree char *dest = g_build_filename (f->dir, "limited.bin", NULL);
  gint64 lifted;

  g_assert_no_error (error);
  g_assert_cmpuint (get_limit (f, path), ==, 2000000);
  job = start_download (f, path, "limited.bin", size);
  barge_test_wait_job_state (job, "transferring", SHORT_TIMEOUT_MS);
  /* Past the start (connection, first reads). */
  barge_test_run_for (1000);
  assert_rate (measure (&job, 1, 10), 2000000, 0.05);

  g_assert_true (set_limit (f, path, 0, &error));
  g_assert_no_error (error);
  lifted = g_get_monotonic_time ();
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  g_test_message ("the last %.0f MiB in %.1f s after the limit was lifted",
                  (double) size / MiB - 26, (g_get_monotonic_time () - lifted) / (double) G_USEC_PER_SEC);
  /* ~100 MiB left: at 2 MB/s that would be 50 s. */
  g_assert_cmpint (g_get_monotonic_time () - lifted, <, 20 * G_USEC_PER_SEC);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest, "limited.bin", size);
}

/* A limit set on a running job slows it at once. */
static void
test_live_change (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = create_job (f, "live", g_variant_new ("a{sv}", NULL), &error);
  g_autoptr(BargeDBusJob) job = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (get_limit (f, path), ==, 0);
  /* The test server sends at 8 MB/s here: the limit below is what holds. */
  job = barge_test_daemon_get_job (f->daemon, path);
  {
    g_autofree char *url = barge_test_server_get_data_url (f->server, "live.bin", 256 * MiB, 8 * 1000 * 1000);
    g_autofree char *dest = g_build_filename (f->dir, "live.bin", NULL);

    barge_test_job_add_file (job, url, dest);
  }
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferring", SHORT_TIMEOUT_MS);
  g_assert_true (set_limit (f, path, 1000000, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (get_limit (f, path), ==, 1000000);
  barge_test_run_for (1000);
  assert_rate (measure (&job, 1, 5), 1000000, 0.06);
  barge_test_job_cancel (job);
}

/* Bad values are InvalidArgument and change nothing; the limit is kept
 * across a restart. */
static void
test_bad_values_and_restart (Fixture *f, gconstpointer data)
{
  const guint64 bad[] = { 1, 1023, G_GUINT64_CONSTANT (100000000001), G_MAXUINT64 };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = create_job (f, "settings", g_variant_new ("a{sv}", NULL), &error);

  g_assert_no_error (error);
  g_assert_true (set_limit (f, path, 5000, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *refused = NULL;

      g_assert_false (set_limit (f, path, bad[i], &error));
      barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
      g_test_message ("%s", error->message);
      g_clear_error (&error);
      g_assert_cmpuint (get_limit (f, path), ==, 5000);
      refused = create_job (f, "bad", limit_option (bad[i], NULL), &error);
      g_assert_null (refused);
      barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
      g_clear_error (&error);
    }
  /* Of the wrong type: refused, saying the type it takes. */
  {
    GVariantBuilder b;
    g_autofree char *refused = NULL;

    g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sv}"));
    g_variant_builder_add (&b, "{sv}", "bandwidth-limit", g_variant_new_string ("2M"));
    refused = create_job (f, "bad", g_variant_builder_end (&b), &error);
    g_assert_null (refused);
    barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
    g_assert_nonnull (strstr (error->message, "the option \"bandwidth-limit\" is of type t, not s"));
    g_clear_error (&error);
  }
  /* Only the job that was made. */
  g_assert_cmpuint (barge_test_daemon_count_jobs (f->daemon), ==, 1);
  /* A clean stop: a Set is stored after its reply (a SIGKILL right after
   * it may lose it, as for any property). */
  barge_test_daemon_stop (f->daemon);
  barge_test_daemon_start (f->daemon);
  g_assert_cmpuint (get_limit (f, path), ==, 5000);
  g_assert_true (set_limit (f, path, 0, &error));
  g_assert_no_error (error);
  barge_test_daemon_stop (f->daemon);
  barge_test_daemon_start (f->daemon);
  g_assert_cmpuint (get_limit (f, path), ==, 0);
}

#define BACKGROUND_CONFIG "[Scheduler]\nMaxBackgroundJobs=2\n[Transfer]\nBackgroundBandwidthLimit=1500000\n"

/* Two background jobs share the background limit; a foreground job is not
 * held by it; SIGHUP brings a new one, shown by the Manager. */
static void
test_background_limit (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path_a = create_job (f, "a", g_variant_new ("a{sv}", NULL), &error);
  g_autofree char *path_b = create_job (f, "b", limit_option (0, "low"), &error);
  g_autofree char *path_fg = create_job (f, "fg", limit_option (0, "foreground"), &error);
  g_autoptr(BargeDBusJob) a = NULL;
  g_autoptr(BargeDBusJob) b = NULL;
  g_autoptr(BargeDBusJob) fg = NULL;
  BargeDBusJob *both[2];
  gint64 start;

  g_assert_no_error (error);
  g_assert_cmpuint (get_background_limit (f), ==, 1500000);
  a = start_download (f, path_a, "a.bin", 256 * MiB);
  b = start_download (f, path_b, "b.bin", 256 * MiB);
  both[0] = a;
  both[1] = b;
  barge_test_wait_job_state (a, "transferring", SHORT_TIMEOUT_MS);
  barge_test_wait_job_state (b, "transferring", SHORT_TIMEOUT_MS);
  barge_test_run_for (1000);
  assert_rate (measure (both, 2, 6), 1500000, 0.07);

  /* 32 MiB in the foreground: at the background limit, 22 s. */
  start = g_get_monotonic_time ();
  fg = start_download (f, path_fg, "fg.bin", 32 * MiB);
  barge_test_wait_job_state (fg, "transferred", TRANSFER_TIMEOUT_MS);
  g_test_message ("foreground: 32 MiB in %.1f s", (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);

  barge_test_daemon_set_config (f->daemon, "[Scheduler]\nMaxBackgroundJobs=2\n"
                                           "[Transfer]\nBackgroundBandwidthLimit=3000000\n");
  barge_test_daemon_send_signal (f->daemon, SIGHUP);
  for (guint i = 0; i < 100 && get_background_limit (f) != 3000000; i++)
    barge_test_run_for (50);
  g_assert_cmpuint (get_background_limit (f), ==, 3000000);
  barge_test_run_for (1000);
  assert_rate (measure (both, 2, 6), 3000000, 0.07);
  barge_test_job_cancel (a);
  barge_test_job_cancel (b);
}

/* The TOS bytes of the GETs of @name, as the server received them. */
static void
assert_tos (Fixture *f, const char *name, int tos)
{
  g_autofree char *path = barge_test_server_get_data_path (name);
  g_autoptr(GPtrArray) requests = barge_test_server_get_requests (f->server, path);
  guint gets = 0;

  for (guint i = 0; i < requests->len; i++)
    {
      BargeTestRequest *r = g_ptr_array_index (requests, i);

      g_test_message ("%s %s: TOS 0x%02x", r->method, name, (guint) r->tos);
      g_assert_cmpint (r->tos, ==, tos);
      gets += g_str_equal (r->method, "GET");
    }
  g_assert_cmpuint (gets, >=, 1);
}

/* A background job's connections are lower-effort traffic (RFC 8622: DSCP
 * LE, TOS 0x04, for HEADs and GETs alike); a foreground job's are not, even
 * to the same server at the same time (the two have their own sessions:
 * a kept-alive connection is never shared between them). */
static void
test_lower_effort (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path_low = create_job (f, "low", limit_option (0, "low"), &error);
  g_autofree char *path_fg = create_job (f, "fg", limit_option (0, "foreground"), &error);
  g_autoptr(BargeDBusJob) low = NULL;
  g_autoptr(BargeDBusJob) fg = NULL;

  g_assert_no_error (error);
  low = start_download (f, path_low, "low.bin", 4 * MiB);
  fg = start_download (f, path_fg, "fg.bin", 4 * MiB);
  barge_test_wait_job_state (low, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_wait_job_state (fg, "transferred", TRANSFER_TIMEOUT_MS);
  assert_tos (f, "low.bin", 0x04);
  assert_tos (f, "fg.bin", 0x00);
  barge_test_job_cancel (low);
  barge_test_job_cancel (fg);
}

/* One file over four connections (MaxSegments 4, a foreground job) under
 * a job limit of 4 MB/s: the segments take their bytes from the job's
 * bucket like the file's own connection, so the file as a whole keeps the
 * limit, within 7 % over 5 s. */
static void
test_segments_limit (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  GVariantBuilder b;
  g_autofree char *path = NULL;
  g_autofree char *data_path = barge_test_server_get_data_path ("segmented.bin");
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  guint ranged = 0;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&b, "{sv}", "bandwidth-limit", g_variant_new_uint64 (4000000));
  g_variant_builder_add (&b, "{sv}", "priority", g_variant_new_string ("foreground"));
  g_variant_builder_add (&b, "{sv}", "max-segments", g_variant_new_uint32 (4));
  path = create_job (f, "segmented", g_variant_builder_end (&b), &error);
  g_assert_no_error (error);
  job = start_download (f, path, "segmented.bin", 96 * MiB);
  barge_test_wait_job_state (job, "transferring", SHORT_TIMEOUT_MS);
  barge_test_run_for (1000);
  assert_rate (measure (&job, 1, 5), 4000000, 0.07);
  /* The file was split: closed ranges, several connections at once. */
  requests = barge_test_server_get_requests (f->server, data_path);
  for (guint i = 0; i < requests->len; i++)
    {
      const BargeTestRequest *r = g_ptr_array_index (requests, i);

      if (r->range != NULL && !g_str_has_suffix (r->range, "-"))
        ranged++;
    }
  g_assert_cmpuint (ranged, >=, 1);
  g_assert_cmpuint (barge_test_server_get_max_concurrent (f->server), >=, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/bandwidth/job-limit", Fixture, NULL, fixture_setup, test_job_limit, fixture_teardown);
  g_test_add ("/bandwidth/live-change", Fixture, NULL, fixture_setup, test_live_change, fixture_teardown);
  g_test_add ("/bandwidth/bad-values-and-restart", Fixture, NULL, fixture_setup, test_bad_values_and_restart,
              fixture_teardown);
  g_test_add ("/bandwidth/lower-effort", Fixture, NULL, fixture_setup, test_lower_effort, fixture_teardown);
  g_test_add ("/bandwidth/segments", Fixture, NULL, fixture_setup, test_segments_limit, fixture_teardown);
  g_test_add ("/bandwidth/background-limit", Fixture, BACKGROUND_CONFIG, fixture_setup, test_background_limit,
              fixture_teardown);
  return g_test_run ();
}
