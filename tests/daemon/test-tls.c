/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* HTTPS proven (issue 17, item 4), against the fault server's TLS
 * listeners: a trusted certificate downloads and resumes with its
 * validators; one that expired, one for another host and one from an
 * unknown authority are TlsFailure errors that say which, and nothing is
 * ever transferred from them. */
#define G_LOG_DOMAIN "BargeTestTls"

#include "config.h"

#include <string.h>

#include "trusting-fixture.h"

#define TRANSFER_TIMEOUT_MS 30000

static gboolean
have_tls (Fixture *f)
{
  if (barge_fault_server_get_tls_base_url (f->server) != NULL &&
      barge_fault_server_get_expired_tls_base_url (f->server) != NULL)
    return TRUE;
  g_test_skip ("no openssl, or no tests/common/tls/expired.pem");
  return FALSE;
}

/* A job of BASE/fault/FAULT/NAME, run until it ends; returns it. */
static BargeDBusJob *
run (Fixture *f, const char *base, const char *fault, const char *name, guint64 size, const char *end)
{
  g_autofree char *url = g_strdup_printf ("%s/fault/%s/%s?size=%" G_GUINT64_FORMAT, base, fault, name, size);
  g_autofree char *dest = g_build_filename (f->dir, name, NULL);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, name);
  BargeDBusJob *job = barge_test_daemon_get_job (f->daemon, path);

  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, end, TRANSFER_TIMEOUT_MS);
  return job;
}

static void
assert_tls_failure (BargeDBusJob *job, const char *in_message)
{
  const char *context, *name, *message, *file;
  g_autoptr(GVariant) progress = NULL;
  guint64 total, done, files_total, files_done;

  g_variant_get (barge_dbus_job_get_error (job), "(&s&s&s&s)", &context, &name, &message, &file);
  g_test_message ("Error: %s %s \"%s\"", context, name, message);
  g_assert_cmpstr (name, ==, BARGE_TEST_ERROR_PREFIX "TlsFailure");
  g_assert_nonnull (strstr (message, in_message));
  g_assert_true (barge_dbus_job_call_get_progress_sync (job, &progress, NULL, NULL));
  g_variant_get (progress, "(tttt)", &total, &done, &files_total, &files_done);
  g_assert_cmpuint (done, ==, 0);
  g_assert_cmpuint (files_done, ==, 0);
}

/* Trusted (the daemon's test CA is the listener's certificate): the file
 * comes, and a cut body resumes with Range and If-Range over TLS. */
static void
test_trusted_resume (Fixture *f, gconstpointer data)
{
  g_autoptr(BargeDBusJob) job = NULL;
  g_autofree char *p = barge_fault_server_get_path ("reset", "tls-resume");
  g_autoptr(GPtrArray) requests = NULL;
  g_autofree char *dest = g_build_filename (f->dir, "tls-resume", NULL);
  gboolean resumed = FALSE;

  if (!have_tls (f))
    return;
  job = run (f, barge_fault_server_get_tls_base_url (f->server), "reset", "tls-resume", 1 * MiB, "transient-error");
  barge_fault_server_set_broken (f->server, FALSE);
  {
    g_autoptr(BargeTestStateLog) log = barge_test_state_log_new (job);
    const char * const ends[] = { "transferred", "error", NULL };

    barge_test_state_log_mark (log);
    barge_test_job_resume (job);
    g_assert_cmpstr (barge_test_state_log_wait (log, ends, TRANSFER_TIMEOUT_MS), ==, "transferred");
  }
  requests = barge_fault_server_get_requests (f->server, p);
  for (guint i = 0; i < requests->len; i++)
    {
      const BargeTestRequest *r = g_ptr_array_index (requests, i);

      if (r->range != NULL)
        {
          g_assert_nonnull (r->if_range);
          resumed = TRUE;
        }
    }
  g_assert_true (resumed);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, barge_test_job_path (job), SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest, "tls-resume", 1 * MiB);
}

/* Expired: TlsFailure saying so; no request reached the server. */
static void
test_expired (Fixture *f, gconstpointer data)
{
  g_autoptr(BargeDBusJob) job = NULL;
  g_autofree char *p = barge_fault_server_get_path ("ok", "old");
  g_autoptr(GPtrArray) requests = NULL;

  if (!have_tls (f))
    return;
  /* Expired and self-signed: libsoup reports the expiry (the first fault
   * GnuTLS finds), which is what the message must say. */
  job = run (f, barge_fault_server_get_expired_tls_base_url (f->server), "ok", "old", 64 * KiB, "error");
  assert_tls_failure (job, "has expired");
  requests = barge_fault_server_get_requests (f->server, p);
  g_assert_cmpuint (requests->len, ==, 0);
}

/* For another host: the fresh certificate names 127.0.0.1, the URL says
 * localhost. */
static void
test_wrong_host (Fixture *f, gconstpointer data)
{
  g_autoptr(BargeDBusJob) job = NULL;
  g_autofree char *base = NULL;
  g_autofree char *p = barge_fault_server_get_path ("ok", "elsewhere");
  g_autoptr(GPtrArray) requests = NULL;
  const char *port;

  if (!have_tls (f))
    return;
  port = strrchr (barge_fault_server_get_tls_base_url (f->server), ':') + 1;
  base = g_strdup_printf ("https://localhost:%s", port);
  job = run (f, base, "ok", "elsewhere", 64 * KiB, "error");
  assert_tls_failure (job, "is for another host");
  requests = barge_fault_server_get_requests (f->server, p);
  g_assert_cmpuint (requests->len, ==, 0);
}

/* A job's bandwidth limit holds over TLS: barged reads every record that
 * has arrived in one turn of the main loop, each read within the limit's
 * chunk and none while the limit says wait. */
static void
test_bandwidth_limit (Fixture *f, gconstpointer data)
{
  const guint64 limit = 1 * MiB;
  g_autofree char *url = NULL;
  g_autofree char *dest = g_build_filename (f->dir, "tls-limited", NULL);
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  guint64 before, after;
  gint64 start, end;
  double rate;

  if (!have_tls (f))
    return;
  url = g_strdup_printf ("%s/fault/ok/tls-limited?size=%" G_GUINT64_FORMAT,
                         barge_fault_server_get_tls_base_url (f->server), 6 * MiB);
  path = barge_test_daemon_create_job (f->daemon, "tls-limited");
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_test_daemon_set_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "BandwidthLimit",
                                  g_variant_new_uint64 (limit));
  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferring", TRANSFER_TIMEOUT_MS);
  /* Past the first second's burst, then three seconds measured. */
  barge_test_run_for (1000);
  before = barge_test_job_bytes_done (job);
  start = g_get_monotonic_time ();
  barge_test_run_for (3000);
  after = barge_test_job_bytes_done (job);
  end = g_get_monotonic_time ();
  rate = (double) (after - before) * G_USEC_PER_SEC / (double) (end - start);
  g_test_message ("%.0f bytes/s over TLS under a limit of %" G_GUINT64_FORMAT, rate, limit);
  g_assert_cmpfloat (rate, <=, 1.25 * (double) limit);
  g_assert_cmpfloat (rate, >=, 0.5 * (double) limit);
  /* To its end: the server is never cut off in the middle of a body. */
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_job_complete (job);
  barge_test_assert_file_content (dest, "tls-limited", 6 * MiB);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  BARGE_TEST_ADD ("/tls/trusted-resume", test_trusted_resume);
  BARGE_TEST_ADD ("/tls/expired", test_expired);
  BARGE_TEST_ADD ("/tls/wrong-host", test_wrong_host);
  BARGE_TEST_ADD ("/tls/bandwidth-limit", test_bandwidth_limit);
  return g_test_run ();
}
