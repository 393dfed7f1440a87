/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The redirect policy of a download (issue 17, item 1; BITS
 * BG_HTTP_REDIRECT_POLICY_*): "allow" follows silently and keeps the
 * file's URL, "allow-report" replaces it on a permanent redirect within
 * its origin (kept across a restart), "disallow" makes a redirect the job's
 * error; a redirect from https to http is refused unless AllowHttpsToHttp;
 * FinalUrl says where the last response came from; bad values and upload
 * jobs are refused. */
#define G_LOG_DOMAIN "BargeTestRedirects"

#include "config.h"

#include <string.h>

#include "trusting-fixture.h"

#define TRANSFER_TIMEOUT_MS 30000
#define SIZE (64 * KiB)

/* A download job with OPTIONS (a{sv}, floating) and one file of URL. */
static BargeDBusJob *
start (Fixture *f, GVariant *options, const char *url, const char *name, char **job_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dest = g_build_filename (f->dir, name, NULL);
  BargeDBusJob *job;

  g_assert_true (barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), name,
                                                          "download", options, job_path, NULL, &error));
  g_assert_no_error (error);
  job = barge_test_daemon_get_job (f->daemon, *job_path);
  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  return job;
}

static GVariant *
policy (const char *value)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  if (value != NULL)
    g_variant_builder_add (&b, "{sv}", "redirect-policy", g_variant_new_string (value));
  return g_variant_builder_end (&b);
}

/* A property of file 0 of JOB, asked for. */
static char *
file_string (Fixture *f, BargeDBusJob *job, const char *name)
{
  g_autofree char *path = barge_test_job_file_path (f->daemon, job, 0);
  g_autoptr(GVariant) v = barge_test_daemon_get_property (f->daemon, path, "org.freedesktop.Barge1.File", name);

  return g_variant_dup_string (v, NULL);
}

static void
assert_refused (BargeDBusJob *job, guint status, const char *in_message)
{
  const char *context, *name, *message, *file;

  g_variant_get (barge_dbus_job_get_error (job), "(&s&s&s&s)", &context, &name, &message, &file);
  g_test_message ("Error: %s %s \"%s\"", context, name, message);
  g_assert_cmpstr (name, ==, BARGE_TEST_ERROR_PREFIX "RedirectRefused");
  g_assert_cmpstr (context, ==, "remote-file");
  g_assert_nonnull (strstr (message, in_message));
  g_assert_cmpuint (barge_dbus_job_get_http_status (job), ==, status);
}

/* Resume a job in "error" and wait for its next end (the proxy still
 * shows "error" until the first change comes). */
static void
resume_until_transferred (BargeDBusJob *job)
{
  g_autoptr(BargeTestStateLog) log = barge_test_state_log_new (job);
  const char * const ends[] = { "transferred", "error", NULL };

  barge_test_state_log_mark (log);
  barge_test_job_resume (job);
  g_assert_cmpstr (barge_test_state_log_wait (log, ends, TRANSFER_TIMEOUT_MS), ==, "transferred");
}

static guint
count_requests (Fixture *f, const char *fault, const char *name)
{
  g_autofree char *path = barge_fault_server_get_path (fault, name);
  g_autoptr(GPtrArray) requests = barge_fault_server_get_requests (f->server, path);

  return requests->len;
}

/* "disallow": a redirect is the job's error, with its status, and the
 * target is never asked; "allow" then follows it. */
static void
test_disallow (Fixture *f, gconstpointer data)
{
  g_autofree char *url = barge_fault_server_get_url (f->server, "redirect-302", "dis", SIZE);
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = start (f, policy ("disallow"), url, "dis", &path);
  g_autofree char *final_url = NULL;

  g_assert_cmpstr (barge_dbus_job_get_redirect_policy (job), ==, "disallow");
  barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
  assert_refused (job, 302, "disallow");
  g_assert_cmpuint (count_requests (f, "ok", "dis"), ==, 0);
  final_url = file_string (f, job, "FinalUrl");
  g_assert_cmpstr (final_url, ==, url);

  barge_test_daemon_set_property (f->daemon, path, "org.freedesktop.Barge1.Job", "RedirectPolicy",
                                  g_variant_new_string ("allow"));
  resume_until_transferred (job);
  g_assert_cmpuint (count_requests (f, "ok", "dis"), >=, 1);
  barge_test_job_complete (job);
}

/* "allow" (the default) keeps the URL a file was added with; FinalUrl
 * shows where it came from. */
static void
test_allow_keeps_url (Fixture *f, gconstpointer data)
{
  g_autofree char *url = barge_fault_server_get_url (f->server, "redirect-301", "silent", SIZE);
  g_autofree char *target = barge_fault_server_get_url (f->server, "ok", "silent", SIZE);
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = start (f, policy (NULL), url, "silent", &path);
  g_autofree char *remote = NULL;
  g_autofree char *final_url = NULL;

  g_assert_cmpstr (barge_dbus_job_get_redirect_policy (job), ==, "allow");
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  remote = file_string (f, job, "RemoteUrl");
  final_url = file_string (f, job, "FinalUrl");
  g_assert_cmpstr (remote, ==, url);
  g_assert_cmpstr (final_url, ==, target);
  barge_test_job_complete (job);
}

/* "allow-report": a 301 within the origin replaces the URL, kept across a
 * SIGKILL; a 302 does not; a 301 to another origin does not either (the
 * job's credentials and headers belong to the first). */
static void
test_report (Fixture *f, gconstpointer data)
{
  const struct {
    const char *fault;
    gboolean replaced;
  } cases[] = {
    { "redirect-301", TRUE },
    { "redirect-308", TRUE },
    { "redirect-302", FALSE },
    { "redirect-elsewhere-301", FALSE },
  };
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("report-%u", i);
      g_autofree char *url = barge_fault_server_get_url (f->server, cases[i].fault, name, SIZE);
      char *path = NULL;
      BargeDBusJob *job = start (f, policy ("allow-report"), url, name, &path);

      barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
      g_object_unref (job);
      g_ptr_array_add (paths, path);
    }
  barge_test_daemon_restart (f->daemon);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("report-%u", i);
      g_autofree char *url = barge_fault_server_get_url (f->server, cases[i].fault, name, SIZE);
      g_autofree char *target = barge_fault_server_get_url (f->server, "ok", name, SIZE);
      g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, g_ptr_array_index (paths, i));
      g_autofree char *remote = file_string (f, job, "RemoteUrl");
      g_autofree char *dest = g_build_filename (f->dir, name, NULL);

      g_test_message ("%s: RemoteUrl %s", cases[i].fault, remote);
      g_assert_cmpstr (barge_dbus_job_get_redirect_policy (job), ==, "allow-report");
      g_assert_cmpstr (remote, ==, cases[i].replaced ? target : url);
      barge_test_job_complete (job);
      barge_test_daemon_wait_job_removed (f->daemon, g_ptr_array_index (paths, i), SHORT_TIMEOUT_MS);
      barge_test_assert_file_content (dest, name, SIZE);
    }
}

/* A redirect to a URL longer than a client may give (2200 characters)
 * is not followed, whatever the policy: the job fails with
 * RedirectRefused, the target never asked. Before, it was followed and its
 * URL kept as FinalUrl (and, under allow-report, a 301's as RemoteUrl). */
static void
test_too_long (Fixture *f, gconstpointer data)
{
  g_autofree char *url = barge_fault_server_get_url (f->server, "redirect-long", "long", SIZE);
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = start (f, policy ("allow-report"), url, "long", &path);
  g_autofree char *final_url = NULL;

  barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
  assert_refused (job, 302, "longer than 2200 characters");
  g_assert_cmpuint (count_requests (f, "ok", "long"), ==, 0);
  final_url = file_string (f, job, "FinalUrl");
  g_assert_cmpstr (final_url, ==, url);
  barge_test_job_cancel (job);
}

/* https to http is refused whatever the policy, the http URL never asked,
 * until AllowHttpsToHttp. */
static void
test_https_to_http (Fixture *f, gconstpointer data)
{
  g_autofree char *url = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;

  if (barge_fault_server_get_tls_base_url (f->server) == NULL)
    {
      g_test_skip ("no openssl to make the TLS listener's certificate");
      return;
    }
  url = g_strdup_printf ("%s/fault/redirect-to-http/down?size=%u", barge_fault_server_get_tls_base_url (f->server),
                         (guint) SIZE);
  job = start (f, policy (NULL), url, "down", &path);
  barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
  assert_refused (job, 302, "AllowHttpsToHttp");
  /* The TLS request was made (the refusal is not a TLS failure)... */
  g_assert_cmpuint (count_requests (f, "redirect-to-http", "down"), >=, 1);
  /* ...and nothing went out in the clear. */
  g_assert_cmpuint (count_requests (f, "ok", "down"), ==, 0);
  g_assert_false (barge_dbus_job_get_allow_https_to_http (job));

  barge_test_daemon_set_property (f->daemon, path, "org.freedesktop.Barge1.Job", "AllowHttpsToHttp",
                                  g_variant_new_boolean (TRUE));
  resume_until_transferred (job);
  g_assert_cmpuint (count_requests (f, "ok", "down"), >=, 1);
  barge_test_job_complete (job);
}

/* Bad values change nothing; uploads never follow a redirect. */
static void
test_refused (Fixture *f, gconstpointer data)
{
  GDBusConnection *bus = barge_test_daemon_get_connection (f->daemon);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "bad");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(GError) error = NULL;
  g_autofree char *none = NULL;
  g_autofree char *upload = NULL;
  GVariantBuilder b;

  g_dbus_connection_call_sync (bus, BARGE_TEST_BUS_NAME, path, "org.freedesktop.DBus.Properties", "Set",
                               g_variant_new ("(ssv)", BARGE_TEST_JOB_IFACE, "RedirectPolicy",
                                              g_variant_new_string ("sometimes")),
                               NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_assert_nonnull (strstr (error->message, "allow, allow-report or disallow"));
  g_clear_error (&error);
  {
    g_autoptr(GVariant) v = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE,
                                                            "RedirectPolicy");
    g_assert_cmpstr (g_variant_get_string (v, NULL), ==, "allow");
  }
  g_assert_false (barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "bad",
                                                           "download", policy ("sometimes"), &none, NULL,
                                                           &error));
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_clear_error (&error);

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "upload-protocol", g_variant_new_string ("put"));
  g_variant_builder_add (&b, "{sv}", "redirect-policy", g_variant_new_string ("disallow"));
  g_assert_false (barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "up",
                                                           "upload", g_variant_builder_end (&b), &none, NULL,
                                                           &error));
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "NotSupported");
  g_clear_error (&error);
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "upload-protocol", g_variant_new_string ("put"));
  g_assert_true (barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "up",
                                                          "upload", g_variant_builder_end (&b), &upload, NULL,
                                                          &error));
  g_assert_no_error (error);
  g_dbus_connection_call_sync (bus, BARGE_TEST_BUS_NAME, upload, "org.freedesktop.DBus.Properties", "Set",
                               g_variant_new ("(ssv)", BARGE_TEST_JOB_IFACE, "AllowHttpsToHttp",
                                              g_variant_new_boolean (TRUE)),
                               NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "NotSupported");
  barge_test_job_cancel (job);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  BARGE_TEST_ADD ("/redirects/disallow", test_disallow);
  BARGE_TEST_ADD ("/redirects/allow-keeps-url", test_allow_keeps_url);
  BARGE_TEST_ADD ("/redirects/report", test_report);
  BARGE_TEST_ADD ("/redirects/https-to-http", test_https_to_http);
  BARGE_TEST_ADD ("/redirects/refused", test_refused);
  BARGE_TEST_ADD ("/redirects/too-long", test_too_long);
  return g_test_run ();
}
