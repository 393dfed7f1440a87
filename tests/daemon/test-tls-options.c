/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A job's TLS options (issue 17, item 1c; SetTlsOptions): a CA file makes
 * a private PKI's server trusted for that job alone, never an expired
 * certificate; a client certificate opens a server that asks for one; the
 * files are read as the owner at the call and again after a restart (only
 * their paths are kept); bad options change nothing. The daemon here
 * trusts none of the fault server's certificates. */
#define G_LOG_DOMAIN "BargeTestTlsOptions"

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "barge-fault-server.h"
#include "barge-test-daemon.h"
#include "barge-test-jobs.h"

#define TRANSFER_TIMEOUT_MS 30000

typedef struct {
  BargeFaultServer *server;
  BargeTestDaemon *daemon;
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->server = barge_fault_server_new ();
  barge_fault_server_set_broken (f->server, FALSE);
  f->daemon = barge_test_daemon_new_with_config ("[Transfer]\nTimeout=5\n");
  f->dir = barge_test_make_dir ("barge-test-tls-options-XXXXXX");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  barge_test_daemon_free (f->daemon);
  barge_fault_server_free (f->server);
  barge_test_clear_dir (&f->dir);
}

static gboolean
have_tls (Fixture *f)
{
  if (barge_fault_server_get_mutual_tls_base_url (f->server) != NULL &&
      barge_fault_server_get_expired_tls_base_url (f->server) != NULL)
    return TRUE;
  g_test_skip ("no openssl, or no tests/common/tls/expired.pem");
  return FALSE;
}

/* A suspended job of BASE/fault/ok/NAME. */
static BargeDBusJob *
new_job (Fixture *f, const char *base, const char *name, char **path)
{
  g_autofree char *url = g_strdup_printf ("%s/fault/reset/%s?size=%u", base, name, 300 * 1024);
  g_autofree char *dest = g_build_filename (f->dir, name, NULL);
  BargeDBusJob *job;

  *path = barge_test_daemon_create_job (f->daemon, name);
  job = barge_test_daemon_get_job (f->daemon, *path);
  barge_test_job_add_file (job, url, dest);
  return job;
}

static gboolean
set_tls (BargeDBusJob *job, const char *ca_file, const char *client_certificate, GError **error)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  if (ca_file != NULL)
    g_variant_builder_add (&b, "{sv}", "ca-file", g_variant_new_string (ca_file));
  if (client_certificate != NULL)
    g_variant_builder_add (&b, "{sv}", "client-certificate", g_variant_new_string (client_certificate));
  return barge_dbus_job_call_set_tls_options_sync (job, g_variant_builder_end (&b), NULL, error);
}

static void
finish (Fixture *f, BargeDBusJob *job, const char *path, const char *name)
{
  g_autofree char *dest = g_build_filename (f->dir, name, NULL);

  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest, name, 300 * 1024);
}

/* Without the CA: unknown authority. With it (the listener's self-signed
 * certificate as "ca-file"): the file comes, and TlsCaFile says so. A CA
 * never forgives more than an unknown authority: the expired listener
 * stays refused with its own certificate as the job's CA. */
static void
test_job_ca (Fixture *f, gconstpointer data)
{
  g_autofree char *ca = NULL;
  g_autofree char *expired_ca = g_test_build_filename (G_TEST_DIST, "common", "tls", "expired.pem", NULL);
  g_autofree char *p1 = NULL, *p2 = NULL, *p3 = NULL;
  g_autoptr(BargeDBusJob) plain = NULL;
  g_autoptr(BargeDBusJob) with_ca = NULL;
  g_autoptr(BargeDBusJob) expired = NULL;
  g_autoptr(GVariant) shown = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_tls (f))
    return;
  ca = barge_fault_server_get_tls_certificate_path (f->server);
  plain = new_job (f, barge_fault_server_get_tls_base_url (f->server), "plain", &p1);
  barge_test_job_resume (plain);
  barge_test_wait_job_state (plain, "error", TRANSFER_TIMEOUT_MS);
  barge_test_assert_job_error (plain, BARGE_TEST_ERROR_PREFIX "TlsFailure", "not signed by an authority");

  with_ca = new_job (f, barge_fault_server_get_tls_base_url (f->server), "with-ca", &p2);
  g_assert_true (set_tls (with_ca, ca, NULL, &error));
  g_assert_no_error (error);
  shown = barge_test_daemon_get_property (f->daemon, p2, BARGE_TEST_JOB_IFACE, "TlsCaFile");
  g_assert_cmpstr (g_variant_get_string (shown, NULL), ==, ca);
  barge_test_job_resume (with_ca);
  finish (f, with_ca, p2, "with-ca");

  expired = new_job (f, barge_fault_server_get_expired_tls_base_url (f->server), "expired", &p3);
  g_assert_true (set_tls (expired, expired_ca, NULL, &error));
  g_assert_no_error (error);
  barge_test_job_resume (expired);
  barge_test_wait_job_state (expired, "error", TRANSFER_TIMEOUT_MS);
  barge_test_assert_job_error (expired, BARGE_TEST_ERROR_PREFIX "TlsFailure", "expired");
  barge_test_job_cancel (plain);
  barge_test_job_cancel (expired);
}

/* A server that asks for a client certificate: without one the handshake
 * fails; with the client certificate (and its key) the file comes, also
 * after a SIGKILL, where the files are read again at the start. */
static void
test_client_certificate (Fixture *f, gconstpointer data)
{
  g_autofree char *ca = NULL;
  g_autofree char *client = NULL;
  g_autofree char *p1 = NULL, *p2 = NULL;
  g_autoptr(BargeDBusJob) without = NULL;
  g_autoptr(BargeDBusJob) with = NULL;
  g_autoptr(GVariant) shown = NULL;
  g_autoptr(GError) error = NULL;
  const char *base;

  if (!have_tls (f))
    return;
  base = barge_fault_server_get_mutual_tls_base_url (f->server);
  ca = barge_fault_server_get_tls_certificate_path (f->server);
  client = barge_fault_server_get_client_certificate_path (f->server);
  without = new_job (f, base, "without", &p1);
  g_assert_true (set_tls (without, ca, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(BargeTestStateLog) log = barge_test_state_log_new (without);
    const char * const ends[] = { "transferred", "error", "transient-error", NULL };

    barge_test_state_log_mark (log);
    barge_test_job_resume (without);
    g_assert_cmpstr (barge_test_state_log_wait (log, ends, TRANSFER_TIMEOUT_MS), !=, "transferred");
  }
  barge_test_job_cancel (without);

  with = new_job (f, base, "with", &p2);
  g_assert_true (set_tls (with, ca, client, &error));
  g_assert_no_error (error);
  shown = barge_test_daemon_get_property (f->daemon, p2, BARGE_TEST_JOB_IFACE, "TlsClientCertificate");
  g_assert_cmpstr (g_variant_get_string (shown, NULL), ==, client);
  /* Only the paths are kept: after a restart the files are read again. */
  barge_test_daemon_kill (f->daemon);
  barge_test_daemon_start (f->daemon);
  g_clear_object (&with);
  with = barge_test_daemon_get_job (f->daemon, p2);
  barge_test_job_resume (with);
  finish (f, with, p2, "with");
}

/* Runs @argv with @envp; its output goes to the test's log. */
static void
run_tool (const char * const *argv, char **envp)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  gint status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status,
                               &error));
  g_assert_no_error (error);
  g_test_message ("%s: %s", argv[0], out);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
}

/* A client certificate on a PKCS#11 token (SoftHSM, its key behind a PIN):
 * a job of barged's own user names it by its URI with the PIN in a file
 * (pin-source), and the server that asks for a client certificate lets
 * the file come. A URI that carries the PIN itself is refused without
 * echoing it: the value is stored and shown. */
static void
test_client_certificate_pkcs11 (Fixture *f, gconstpointer data)
{
  g_autofree char *softhsm = g_find_program_in_path ("softhsm2-util");
  g_autofree char *p11tool = g_find_program_in_path ("p11tool");
  g_autofree char *dir = g_build_filename (f->dir, "hsm", NULL);
  g_autofree char *tokens = g_build_filename (dir, "tokens", NULL);
  g_autofree char *conf = g_build_filename (dir, "softhsm2.conf", NULL);
  g_autofree char *conf_text = g_strdup_printf ("directories.tokendir = %s\nobjectstore.backend = file\n"
                                                "log.level = ERROR\n", tokens);
  g_autofree char *pin = g_build_filename (dir, "pin", NULL);
  g_autofree char *cert_path = g_build_filename (dir, "client-cert.pem", NULL);
  g_autofree char *key_path = g_build_filename (dir, "client-key.pem", NULL);
  g_autofree char *cert_pem = NULL, *key_pem = NULL, *uri = NULL, *p = NULL;
  g_autoptr(GTlsCertificate) client = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = NULL;
  g_autofree char *ca = NULL;
  g_autofree char *client_path = NULL;

  if (!have_tls (f))
    return;
  if (softhsm == NULL || p11tool == NULL || !g_file_test ("/usr/share/p11-kit/modules/softhsm2.module",
                                                          G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no SoftHSM (softhsm2) or p11tool (gnutls-bin)");
      return;
    }
  ca = barge_fault_server_get_tls_certificate_path (f->server);
  client_path = barge_fault_server_get_client_certificate_path (f->server);
  client = g_tls_certificate_new_from_file (client_path, &error);
  g_assert_no_error (error);
  g_object_get (client, "certificate-pem", &cert_pem, "private-key-pem", &key_pem, NULL);
  g_assert_cmpint (g_mkdir_with_parents (tokens, 0700), ==, 0);
  g_assert_true (g_file_set_contents (conf, conf_text, -1, NULL));
  g_assert_true (g_file_set_contents (cert_path, cert_pem, -1, NULL));
  g_assert_true (g_file_set_contents (key_path, key_pem, -1, NULL));
  g_assert_true (g_file_set_contents (pin, "1234", -1, NULL));
  envp = g_environ_setenv (g_get_environ (), "SOFTHSM2_CONF", conf, TRUE);
  envp = g_environ_setenv (envp, "GNUTLS_PIN", "1234", TRUE);
  {
    const char *init[] = { softhsm, "--init-token", "--free", "--label", "barge-test", "--pin", "1234", "--so-pin",
                           "4321", NULL };
    const char *cert[] = { p11tool, "--login", "--write", "--label", "client", "--load-certificate", cert_path,
                           "pkcs11:token=barge-test", NULL };
    const char *key[] = { p11tool, "--login", "--write", "--label", "client", "--load-privkey", key_path,
                          "pkcs11:token=barge-test", NULL };

    run_tool (init, envp);
    run_tool (cert, envp);
    run_tool (key, envp);
  }
  barge_test_daemon_setenv (f->daemon, "SOFTHSM2_CONF", conf);
  barge_test_daemon_restart (f->daemon);

  job = new_job (f, barge_fault_server_get_mutual_tls_base_url (f->server), "pkcs11", &p);
  g_assert_false (set_tls (job, ca, "pkcs11:token=barge-test;object=client?pin-value=1234", &error));
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_assert_nonnull (strstr (error->message, "pin-source"));
  g_assert_null (strstr (error->message, "1234"));
  g_clear_error (&error);
  /* In the path part too: p11-kit takes it there, and GnuTLS uses it. */
  g_assert_false (set_tls (job, ca, "pkcs11:token=barge-test;object=client;pin-value=1234", &error));
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_assert_null (strstr (error->message, "1234"));
  g_clear_error (&error);
  g_assert_cmpstr (barge_dbus_job_get_tls_client_certificate (job), ==, "");

  uri = g_strdup_printf ("pkcs11:token=barge-test;object=client?pin-source=%s", pin);
  g_assert_true (set_tls (job, ca, uri, &error));
  g_assert_no_error (error);
  barge_test_job_resume (job);
  finish (f, job, p, "pkcs11");
}

/* The private file's identity: a rewrite (a new file renamed over it)
 * changes it; 0 while there is none. */
static guint64
private_file_identity (Fixture *f)
{
  g_autofree char *path = g_build_filename (barge_test_daemon_get_state_dir (f->daemon), "private.keyfile", NULL);
  struct stat st;

  return g_stat (path, &st) == 0 ? (guint64) st.st_ino : 0;
}

/* CreateJob with @options_text, whose "tls-options" are wrong without a
 * file to read: InvalidArgument holding @message, and refused before the
 * job was built: no job, and the private file (every user's passwords
 * on the system bus) not written, not even to write a umask and take it
 * back. */
static void
assert_refused_before_building (Fixture *f, const char *options_text, const char *message)
{
  g_autoptr(GVariant) options = g_variant_parse (G_VARIANT_TYPE_VARDICT, options_text, NULL, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  guint jobs = barge_test_daemon_count_jobs (f->daemon);
  guint64 before = private_file_identity (f);

  g_assert_false (barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "bad",
                                                           "download", options, &path, NULL, &error));
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_test_message ("%s: %s", options_text, error->message);
  g_assert_nonnull (strstr (error->message, message));
  g_assert_cmpuint (barge_test_daemon_count_jobs (f->daemon), ==, jobs);
  /* The private file is written on a worker: give a write a moment. */
  barge_test_run_for (200);
  g_assert_cmpuint (private_file_identity (f), ==, before);
}

/* The CreateJob option "tls-options": the files are read as the caller
 * before the job exists; a good one makes a job that shows them and whose
 * file comes; a file that cannot be read fails the call with that error
 * and no job is made (no JobAdded, the count unchanged). */
static void
test_create_options (Fixture *f, gconstpointer data)
{
  g_autofree char *cert = NULL;
  g_autofree char *good_text = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *dest = g_build_filename (f->dir, "created", NULL);
  g_autoptr(GVariant) good = NULL;
  g_autoptr(GVariant) bad = g_variant_parse (G_VARIANT_TYPE_VARDICT,
                                             "{'tls-options': <{'ca-file': <'/nonexistent/ca.pem'>}>}",
                                             NULL, NULL, NULL);
  g_autoptr(GVariant) shown = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;
  BargeDBusManager *manager = barge_test_daemon_get_manager (f->daemon);
  guint before;

  if (!have_tls (f))
    return;
  cert = barge_fault_server_get_tls_certificate_path (f->server);
  good_text = g_strdup_printf ("{'tls-options': <{'ca-file': <'%s'>}>}", cert);
  good = g_variant_parse (G_VARIANT_TYPE_VARDICT, good_text, NULL, NULL, NULL);
  before = barge_test_daemon_count_jobs (f->daemon);
  assert_refused_before_building (f, "{'tls-options': <{'crl-file': <'/etc/ssl/crl.pem'>}>}",
                                  "crl-file and ignore apply to the certificates of the job's ca-file");
  assert_refused_before_building (f, "{'tls-options': <{'ca-file': <'ca.pem'>}>}", "must be an absolute path");
  assert_refused_before_building (f, "{'tls-options': <{'ignore': <['everything']>}>}", "everything");
  g_assert_false (barge_dbus_manager_call_create_job_sync (manager, "bad", "download", bad, &path, NULL, &error));
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_assert_nonnull (strstr (error->message, "/nonexistent/ca.pem"));
  g_clear_error (&error);
  g_assert_cmpuint (barge_test_daemon_count_jobs (f->daemon), ==, before);

  g_assert_true (barge_dbus_manager_call_create_job_sync (manager, "created", "download", good, &path, NULL,
                                                          &error));
  g_assert_no_error (error);
  shown = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "TlsCaFile");
  g_assert_cmpstr (g_variant_get_string (shown, NULL), ==, cert);
  job = barge_test_daemon_get_job (f->daemon, path);
  url = g_strdup_printf ("%s/fault/reset/created?size=%u", barge_fault_server_get_tls_base_url (f->server),
                         300 * 1024);
  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  finish (f, job, path, "created");
}

/* Only the paths are kept: a CA file removed while the daemon was down
 * fails the job's first start (typed, naming the file) and nothing is
 * fetched; put back, the job resumes and its file comes. */
static void
test_file_gone_after_restart (Fixture *f, gconstpointer data)
{
  g_autofree char *cert = NULL;
  g_autofree char *copy = g_build_filename (f->dir, "ca-copy.pem", NULL);
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_tls (f))
    return;
  cert = barge_fault_server_get_tls_certificate_path (f->server);
  g_assert_true (g_file_get_contents (cert, &text, NULL, NULL));
  g_assert_true (g_file_set_contents (copy, text, -1, NULL));
  job = new_job (f, barge_fault_server_get_tls_base_url (f->server), "gone", &path);
  g_assert_true (set_tls (job, copy, NULL, &error));
  g_assert_no_error (error);
  barge_test_daemon_kill (f->daemon);
  g_assert_cmpint (g_unlink (copy), ==, 0);
  barge_test_daemon_start (f->daemon);
  g_clear_object (&job);
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
  barge_test_assert_job_error (job, BARGE_TEST_ERROR_PREFIX "InvalidArgument", "ca-copy.pem");
  requests = barge_fault_server_get_requests (f->server, "/fault/reset/gone");
  g_assert_cmpuint (requests->len, ==, 0);

  g_assert_true (g_file_set_contents (copy, text, -1, NULL));
  {
    /* The proxy shows "error" until the first change arrives. */
    g_autoptr(BargeTestStateLog) log = barge_test_state_log_new (job);
    const char * const ends[] = { "transferred", "error", NULL };

    barge_test_state_log_mark (log);
    barge_test_job_resume (job);
    g_assert_cmpstr (barge_test_state_log_wait (log, ends, TRANSFER_TIMEOUT_MS), ==, "transferred");
  }
  finish (f, job, path, "gone");
}

/* After a restart a job's TLS files are read again as it starts; a change
 * that fills its runs meanwhile (here its priority) started files without
 * them, on the shared session: without the job's CA, a fatal TlsFailure.
 * The read is made slow here (barge-test-preload.c: a close in the CA's
 * folder waits 2 s), and the priority changes while it goes on. */
static void
test_runs_wait_for_tls_read (Fixture *f, gconstpointer data)
{
  g_autofree char *slow = g_build_filename (f->dir, "slow-ca", NULL);
  g_autofree char *copy = g_build_filename (slow, "ca.pem", NULL);
  g_autofree char *cert = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_tls (f))
    return;
  cert = barge_fault_server_get_tls_certificate_path (f->server);
  g_assert_true (g_file_get_contents (cert, &text, NULL, NULL));
  g_assert_cmpint (g_mkdir (slow, 0700), ==, 0);
  g_assert_true (g_file_set_contents (copy, text, -1, NULL));
  job = new_job (f, barge_fault_server_get_tls_base_url (f->server), "read-first", &path);
  g_assert_true (set_tls (job, copy, NULL, &error));
  g_assert_no_error (error);
  if (!barge_test_daemon_preload_or_skip (f->daemon))
    return;
  barge_test_daemon_setenv (f->daemon, "BARGE_TEST_SLOW_FLUSH_IN", slow);
  barge_test_daemon_setenv (f->daemon, "BARGE_TEST_SLOW_FLUSH_MS", "2000");
  barge_test_daemon_start (f->daemon);
  g_clear_object (&job);
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_test_job_resume (job);
  barge_test_daemon_set_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "Priority",
                                  g_variant_new_string ("high"));
  finish (f, job, path, "read-first");
}

/* Bad options: InvalidArgument saying what is wrong; nothing changes. An
 * upload job takes good ones. */
static void
test_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *not_pem = g_build_filename (f->dir, "not-pem", NULL);
  g_autofree char *upload_path = NULL;
  g_autoptr(BargeDBusJob) upload = NULL;
  g_autoptr(GVariant) shown = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder b;
  const struct {
    const char *ca;
    const char *client;
    const char *said;
  } bad[] = {
    { "relative.pem", NULL, "absolute path" },
    { "/nonexistent/ca.pem", NULL, "cannot read /nonexistent/ca.pem" },
    { "/", NULL, "not a regular file" },
    { NULL, "client.pem", "absolute path or a pkcs11: URI" },
  };

  if (!have_tls (f))
    return;
  job = new_job (f, barge_fault_server_get_tls_base_url (f->server), "refused", &path);
  cert = barge_fault_server_get_tls_certificate_path (f->server);
  g_assert_true (g_file_set_contents (not_pem, "hello\n", -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (set_tls (job, bad[i].ca, bad[i].client, &error));
      barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, bad[i].said));
      g_clear_error (&error);
    }
  g_assert_false (set_tls (job, not_pem, NULL, &error));
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_assert_nonnull (strstr (error->message, "holds no PEM certificate"));
  g_clear_error (&error);
  /* A certificate without its key cannot be shown. */
  g_assert_false (set_tls (job, NULL, cert, &error));
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_assert_nonnull (strstr (error->message, "no private key"));
  g_clear_error (&error);
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "ca", g_variant_new_string (cert));
  g_assert_false (barge_dbus_job_call_set_tls_options_sync (job, g_variant_builder_end (&b), NULL, &error));
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_clear_error (&error);
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "ca-file", g_variant_new_uint32 (1));
  g_assert_false (barge_dbus_job_call_set_tls_options_sync (job, g_variant_builder_end (&b), NULL, &error));
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_assert_nonnull (strstr (error->message, "is of type s, not u"));
  g_clear_error (&error);
  /* A good CA with a bad client certificate: neither is taken. */
  g_assert_false (set_tls (job, cert, not_pem, &error));
  g_clear_error (&error);
  shown = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "TlsCaFile");
  g_assert_cmpstr (g_variant_get_string (shown, NULL), ==, "");

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "upload-protocol", g_variant_new_string ("put"));
  g_assert_true (barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "up", "upload",
                                                          g_variant_builder_end (&b), &upload_path, NULL, &error));
  upload = barge_test_daemon_get_job (f->daemon, upload_path);
  /* Uploads take them too (tests/upload proves them over HTTPS). */
  g_assert_true (set_tls (upload, cert, NULL, &error));
  g_assert_no_error (error);
  barge_test_job_cancel (job);
  barge_test_job_cancel (upload);
}

static gboolean
call_tls (BargeDBusJob *job, const char *text, GError **error)
{
  g_autoptr(GVariant) options = g_variant_parse (G_VARIANT_TYPE_VARDICT, text, NULL, NULL, NULL);

  g_assert_nonnull (options);
  return barge_dbus_job_call_set_tls_options_sync (job, options, NULL, error);
}

static char *
nginx_tls_file (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "nginx", "tls", name, NULL);
}

/* The checks of a job's CA (crl-file, ignore): refused without a CA file,
 * for another fault name, for a list its CA did not sign or a file that
 * is no list, for a value of another type; taken, shown (TlsCrlFile,
 * TlsIgnore) and kept across a restart; removed together with the CA
 * file, never left without it. */
static void
test_checks (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *ca = nginx_tls_file ("revoking-ca.pem");
  g_autofree char *crl = nginx_tls_file ("crl.pem");
  g_autofree char *good = NULL;
  g_autofree char *printed = NULL;
  g_autoptr(GVariant) shown = NULL;
  g_autoptr(GVariant) ignore = NULL;
  g_autoptr(GError) error = NULL;
  struct {
    char *options;
    const char *said;
  } bad[] = {
    { g_strdup_printf ("{'crl-file': <'%s'>}", crl), "give a ca-file too" },
    { g_strdup ("{'ignore': <['expired']>}"), "give a ca-file too" },
    { g_strdup_printf ("{'ca-file': <'%s'>, 'ignore': <['everything']>}", ca),
      "takes \"expired\" and \"wrong-host\", not \"everything\"" },
    { g_strdup_printf ("{'ca-file': <'%s'>, 'ignore': <'expired'>}", ca), "is of type as, not s" },
    { NULL, "not signed by a CA of the job's ca-file" },
    { g_strdup_printf ("{'ca-file': <'%s'>, 'crl-file': <'%s'>}", ca, ca), "holds no PEM certificate revocation list" },
    { g_strdup_printf ("{'ca-file': <'%s'>, 'crl-file': <'relative.pem'>}", ca), "absolute path" },
  };

  if (!have_tls (f))
    return;
  job = new_job (f, barge_fault_server_get_tls_base_url (f->server), "checks", &path);
  cert = barge_fault_server_get_tls_certificate_path (f->server);
  /* The fault server's CA did not sign crl.pem. */
  bad[4].options = g_strdup_printf ("{'ca-file': <'%s'>, 'crl-file': <'%s'>}", cert, crl);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (call_tls (job, bad[i].options, &error));
      barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, bad[i].said));
      g_clear_error (&error);
      g_free (bad[i].options);
    }
  shown = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "TlsCaFile");
  g_assert_cmpstr (g_variant_get_string (shown, NULL), ==, "");
  g_clear_pointer (&shown, g_variant_unref);

  good = g_strdup_printf ("{'ca-file': <'%s'>, 'crl-file': <'%s'>, 'ignore': <['wrong-host', 'expired']>}", ca, crl);
  g_assert_true (call_tls (job, good, &error));
  g_assert_no_error (error);
  barge_test_daemon_restart (f->daemon);
  g_clear_object (&job);
  job = barge_test_daemon_get_job (f->daemon, path);
  shown = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "TlsCrlFile");
  g_assert_cmpstr (g_variant_get_string (shown, NULL), ==, crl);
  ignore = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "TlsIgnore");
  printed = g_variant_print (ignore, FALSE);
  g_assert_cmpstr (printed, ==, "['expired', 'wrong-host']");

  /* The CA file alone may not go. */
  g_assert_false (call_tls (job, "{'ca-file': <''>}", &error));
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_clear_error (&error);
  g_assert_true (call_tls (job, "{'ca-file': <''>, 'crl-file': <''>, 'ignore': <@as []>}", &error));
  g_assert_no_error (error);
  g_clear_pointer (&ignore, g_variant_unref);
  ignore = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "TlsIgnore");
  g_assert_cmpuint (g_variant_n_children (ignore), ==, 0);
  barge_test_job_cancel (job);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  BARGE_TEST_ADD ("/tls-options/job-ca", test_job_ca);
  BARGE_TEST_ADD ("/tls-options/client-certificate", test_client_certificate);
  BARGE_TEST_ADD ("/tls-options/client-certificate-pkcs11", test_client_certificate_pkcs11);
  BARGE_TEST_ADD ("/tls-options/refused", test_refused);
  BARGE_TEST_ADD ("/tls-options/create-options", test_create_options);
  BARGE_TEST_ADD ("/tls-options/file-gone-after-restart", test_file_gone_after_restart);
  BARGE_TEST_ADD ("/tls-options/runs-wait-for-tls-read", test_runs_wait_for_tls_read);
  BARGE_TEST_ADD ("/tls-options/checks", test_checks);
  return g_test_run ();
}
