/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Custom headers (issue 17, item 1; BITS SetCustomHeaders): sent on every
 * request of a job, range resumes included, in order and repeated names
 * kept; never over Barge's own headers; never to another origin after a
 * redirect; refused with InvalidArgument for what the contract refuses,
 * changing nothing; kept across a restart outside the job database and
 * out of the log; dropped by TakeOwnership's rules (not tested here: it
 * needs a second user). */
#define G_LOG_DOMAIN "BargeTestHeaders"

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "barge-fault-server.h"
#include "barge-test-daemon.h"
#include "barge-test-jobs.h"

#define TRANSFER_TIMEOUT_MS 30000
#define TOKEN "T0K-5150-not-for-logs"

typedef struct {
  BargeFaultServer *server;
  BargeTestDaemon *daemon;
  char *dir;                  /* downloads */
  char *log_dir;
  char *log;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->daemon = barge_test_daemon_new_with_config ("[Transfer]\nTimeout=2\n");
  f->server = barge_fault_server_new ();
  f->dir = barge_test_make_dir ("barge-test-headers-XXXXXX");
  /* Not in f->dir: the log is no download. */
  f->log_dir = barge_test_make_dir ("barge-test-headers-log-XXXXXX");
  f->log = g_build_filename (f->log_dir, "barged.log", NULL);
  barge_test_daemon_stop (f->daemon);
  barge_test_daemon_set_log_file (f->daemon, f->log);
  barge_test_daemon_setenv (f->daemon, "G_MESSAGES_DEBUG", "all");
  barge_test_daemon_start (f->daemon);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  barge_test_daemon_free (f->daemon);
  barge_fault_server_free (f->server);
  barge_test_clear_dir (&f->dir);
  barge_test_clear_dir (&f->log_dir);
  g_free (f->log);
}

/* NAME, VALUE, ..., NULL as an a(ss). */
static GVariant *
headers_of (const char *first, ...)
{
  GVariantBuilder b;
  va_list args;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a(ss)"));
  va_start (args, first);
  for (const char *name = first; name != NULL; name = va_arg (args, const char *))
    g_variant_builder_add (&b, "(ss)", name, va_arg (args, const char *));
  va_end (args);
  return g_variant_builder_end (&b);
}

static char *
create_job (Fixture *f, GVariant *headers, GError **error)
{
  GVariantBuilder b;
  char *path = NULL;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  if (headers != NULL)
    g_variant_builder_add (&b, "{sv}", "custom-headers", headers);
  if (!barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "headers", "download",
                                                g_variant_builder_end (&b), &path, NULL, error))
    return NULL;
  return path;
}

static void
assert_headers (GVariant *got, GVariant *want)
{
  g_autoptr(GVariant) sunk = g_variant_ref_sink (want);
  g_autofree char *a = g_variant_print (got, FALSE);
  g_autofree char *b = g_variant_print (sunk, FALSE);

  g_assert_cmpstr (a, ==, b);
}

/* Asked for, not the proxy's cache: the change may still be on its way. */
static char *
names_of (Fixture *f, BargeDBusJob *job)
{
  g_autoptr(GVariant) names = barge_test_daemon_get_property (f->daemon, barge_test_job_path (job),
                                                              "org.freedesktop.Barge1.Job", "CustomHeaders");
  g_autofree const char **strv = g_variant_get_strv (names, NULL);

  return g_strjoinv (" ", (char **) strv);
}

static GVariant *
values_of (BargeDBusJob *job)
{
  g_autoptr(GError) error = NULL;
  GVariant *headers = NULL;

  g_assert_true (barge_dbus_job_call_get_custom_headers_sync (job, &headers, NULL, &error));
  g_assert_no_error (error);
  return headers;
}

static void
assert_file_absent_of (const char *path, const char *needle)
{
  g_autofree char *text = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &text, &length, NULL))
    return;
  g_assert_null (memmem (text, length, needle, strlen (needle)));
}

/* Every request of a job carries its headers, in order, a repeated name
 * twice; Accept-Encoding stays Barge's "identity" (a custom one would make
 * range offsets meaningless). The first request is cut and the job's
 * resume asks with Range: it carries them too. */
static void
test_sent (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = barge_fault_server_get_url (f->server, "reset", "sent", 1 * MiB);
  g_autofree char *dest = g_build_filename (f->dir, "sent", NULL);
  g_autofree char *fault_path = barge_fault_server_get_path ("reset", "sent");
  g_autofree char *path = create_job (f, headers_of ("X-Barge-Token", TOKEN, "X-Multi", "one", "X-Multi", "two",
                                                     "Accept-Encoding", "gzip", NULL), &error);
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autofree char *names = NULL;
  const char * const failed[] = { "transient-error", NULL };
  gboolean resumed = FALSE;

  g_assert_no_error (error);
  job = barge_test_daemon_get_job (f->daemon, path);
  names = names_of (f, job);
  g_assert_cmpstr (names, ==, "X-Barge-Token X-Multi X-Multi Accept-Encoding");
  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  barge_test_wait_job_states (job, failed, TRANSFER_TIMEOUT_MS);
  barge_fault_server_set_broken (f->server, FALSE);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest, "sent", 1 * MiB);

  requests = barge_fault_server_get_requests (f->server, fault_path);
  g_assert_cmpuint (requests->len, >=, 2);
  for (guint i = 0; i < requests->len; i++)
    {
      const BargeTestRequest *r = g_ptr_array_index (requests, i);
      const char *token = strstr (r->headers, "X-Barge-Token: " TOKEN "\n");
      const char *one = strstr (r->headers, "X-Multi: one\n");
      const char *two = strstr (r->headers, "X-Multi: two\n");

      g_test_message ("request %u (%s, Range %s):\n%s", i, r->method, r->range, r->headers);
      g_assert_nonnull (token);
      g_assert_nonnull (one);
      g_assert_nonnull (two);
      g_assert_true (token < one && one < two);
      g_assert_nonnull (strstr (r->headers, "Accept-Encoding: identity\n"));
      g_assert_null (strstr (r->headers, "gzip"));
      resumed |= r->range != NULL;
    }
  g_assert_true (resumed);

  /* Never in the log (it has every request's URL at debug level). */
  barge_test_daemon_stop (f->daemon);
  {
    g_autofree char *text = NULL;

    g_assert_true (g_file_get_contents (f->log, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "/fault/reset/sent"));
  }
  assert_file_absent_of (f->log, TOKEN);
}

/* A redirect to another origin (localhost instead of 127.0.0.1, the same
 * server) gets none of them, and the file still comes. */
static void
test_not_elsewhere (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = barge_fault_server_get_url (f->server, "redirect-elsewhere", "moved", 64 * KiB);
  g_autofree char *dest = g_build_filename (f->dir, "moved", NULL);
  g_autofree char *from = barge_fault_server_get_path ("redirect-elsewhere", "moved");
  g_autofree char *to = barge_fault_server_get_path ("ok", "moved");
  g_autofree char *path = create_job (f, headers_of ("X-Barge-Token", TOKEN, NULL), &error);
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;

  g_assert_no_error (error);
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest, "moved", 64 * KiB);

  first = barge_fault_server_get_requests (f->server, from);
  second = barge_fault_server_get_requests (f->server, to);
  g_assert_cmpuint (first->len, >=, 1);
  g_assert_cmpuint (second->len, >=, 1);
  for (guint i = 0; i < first->len; i++)
    g_assert_nonnull (strstr (((BargeTestRequest *) g_ptr_array_index (first, i))->headers, TOKEN));
  for (guint i = 0; i < second->len; i++)
    g_assert_null (strstr (((BargeTestRequest *) g_ptr_array_index (second, i))->headers, TOKEN));
}

/* What the contract refuses, each with InvalidArgument and a message
 * naming it; a refused call changes nothing, and a refused CreateJob makes
 * no job. */
static void
test_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *big = g_strnfill (16384 - strlen ("X-Big: ") - 2 + 1, 'a');
  g_autofree char *fits = g_strnfill (16384 - strlen ("X-Big: ") - 2, 'a');
  const struct {
    const char *name;
    const char *value;
    const char *said;
  } bad[] = {
    { "Host", "example.org", "Host cannot be a custom header" },
    { "range", "bytes=0-", "range cannot be a custom header" },
    { "If-Range", "\"x\"", "If-Range" },
    { "Content-Length", "1", "Content-Length" },
    { "Transfer-Encoding", "chunked", "Transfer-Encoding" },
    { "Authorization", "Bearer x", "SetCredentials" },
    { "PROXY-AUTHORIZATION", "Basic x", "PROXY-AUTHORIZATION" },
    { "Connection", "close", "Connection" },
    { "X-Bad Name", "v", "not an HTTP token" },
    { "X-Colon:", "v", "not an HTTP token" },
    { "", "v", "not an HTTP token" },
    { "X-Crlf", "a\r\nInjected: yes", "control character" },
    { "X-Lf", "a\nb", "control character" },
    { "X-Space", " padded", "space or tab" },
    { "X-Big", big, "16384 bytes" },
  };
  g_autofree char *path = create_job (f, headers_of ("X-Keep", "kept", NULL), NULL);
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  guint jobs = barge_test_daemon_count_jobs (f->daemon);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *none = NULL;
      g_autofree char *names = NULL;
      g_autoptr(GVariant) values = NULL;
      g_autoptr(GVariant) headers = g_variant_ref_sink (headers_of ("X-First", "fine", bad[i].name, bad[i].value,
                                                                    NULL));

      g_assert_false (barge_dbus_job_call_set_custom_headers_sync (job, headers, NULL, &error));
      barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
      g_test_message ("%s: %s", bad[i].name, error->message);
      g_assert_nonnull (strstr (error->message, bad[i].said));
      g_clear_error (&error);
      names = names_of (f, job);
      g_assert_cmpstr (names, ==, "X-Keep");
      values = values_of (job);
      assert_headers (values, headers_of ("X-Keep", "kept", NULL));

      none = create_job (f, headers, &error);
      g_assert_null (none);
      barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
      g_assert_cmpuint (barge_test_daemon_count_jobs (f->daemon), ==, jobs);
    }

  /* The limit is inclusive, a tab inside a value and an empty value are
   * fine, and an empty array removes them all. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *names = NULL;

    g_assert_true (barge_dbus_job_call_set_custom_headers_sync (job, headers_of ("X-Big", fits, NULL), NULL,
                                                                &error));
    g_assert_no_error (error);
    g_assert_true (barge_dbus_job_call_set_custom_headers_sync (job, headers_of ("X-Tab", "a\tb", "X-Empty", "",
                                                                                 NULL), NULL, &error));
    g_assert_no_error (error);
    names = names_of (f, job);
    g_assert_cmpstr (names, ==, "X-Tab X-Empty");
    g_assert_true (barge_dbus_job_call_set_custom_headers_sync (job, headers_of (NULL), NULL, &error));
    g_assert_no_error (error);
    g_free (names);
    names = names_of (f, job);
    g_assert_cmpstr (names, ==, "");
  }
  barge_test_job_cancel (job);
}

/* Kept across a restart in the daemon's private file (mode 0600), never in
 * the job database; values come back with GetCustomHeaders, the property
 * shows names only; Cancel forgets them. */
static void
test_kept (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = create_job (f, NULL, &error);
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeDBusJob) again = NULL;
  g_autoptr(GVariant) values = NULL;
  g_autoptr(GVariant) properties = NULL;
  g_autofree char *names = NULL;
  g_autofree char *printed = NULL;
  const char *state = barge_test_daemon_get_state_dir (f->daemon);
  g_autofree char *keyfile = g_build_filename (state, "private.keyfile", NULL);
  const char *db_files[] = { "jobs.db", "jobs.db-wal" };
  struct stat st;

  g_assert_no_error (error);
  job = barge_test_daemon_get_job (f->daemon, path);
  g_assert_true (barge_dbus_job_call_set_custom_headers_sync (job, headers_of ("X-Barge-Token", TOKEN, "Cookie",
                                                                               "session=" TOKEN, NULL),
                                                              NULL, &error));
  g_assert_no_error (error);
  barge_test_daemon_restart (f->daemon);

  again = barge_test_daemon_get_job (f->daemon, path);
  names = names_of (f, again);
  g_assert_cmpstr (names, ==, "X-Barge-Token Cookie");
  values = values_of (again);
  assert_headers (values, headers_of ("X-Barge-Token", TOKEN, "Cookie", "session=" TOKEN, NULL));
  /* No property carries a value. */
  properties = g_dbus_connection_call_sync (barge_test_daemon_get_connection (f->daemon), "org.freedesktop.Barge1",
                                            path, "org.freedesktop.DBus.Properties", "GetAll",
                                            g_variant_new ("(s)", "org.freedesktop.Barge1.Job"), NULL,
                                            G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  printed = g_variant_print (properties, FALSE);
  g_assert_null (strstr (printed, TOKEN));

  barge_test_daemon_stop (f->daemon);
  g_assert_cmpint (g_stat (keyfile, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  for (guint i = 0; i < G_N_ELEMENTS (db_files); i++)
    {
      g_autofree char *db = g_build_filename (state, db_files[i], NULL);

      assert_file_absent_of (db, TOKEN);
    }
  assert_file_absent_of (f->log, TOKEN);

  barge_test_daemon_start (f->daemon);
  g_clear_object (&again);
  again = barge_test_daemon_get_job (f->daemon, path);
  barge_test_job_cancel (again);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  barge_test_daemon_stop (f->daemon);
  assert_file_absent_of (keyfile, TOKEN);
  barge_test_daemon_start (f->daemon);
}

/* MakeCustomHeadersWriteOnly: GetCustomHeaders is AccessDenied from then
 * on, across a restart, while the headers still go out with every request
 * and the names stay in CustomHeaders; SetCustomHeaders still replaces
 * them. */
static void
test_write_only (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = create_job (f, headers_of ("X-Barge-Token", TOKEN, NULL), &error);
  g_autofree char *url = barge_fault_server_get_url (f->server, "ok", "write-only", 64 * KiB);
  g_autofree char *dest = g_build_filename (f->dir, "write-only", NULL);
  g_autofree char *fault_path = barge_fault_server_get_path ("ok", "write-only");
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GVariant) flag = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autofree char *names = NULL;
  GVariant *headers = NULL;

  g_assert_no_error (error);
  job = barge_test_daemon_get_job (f->daemon, path);
  g_assert_true (barge_dbus_job_call_make_custom_headers_write_only_sync (job, NULL, &error));
  g_assert_no_error (error);
  barge_test_daemon_restart (f->daemon);
  g_clear_object (&job);
  job = barge_test_daemon_get_job (f->daemon, path);
  flag = barge_test_daemon_get_property (f->daemon, path, "org.freedesktop.Barge1.Job", "CustomHeadersWriteOnly");
  g_assert_true (g_variant_get_boolean (flag));
  g_assert_false (barge_dbus_job_call_get_custom_headers_sync (job, &headers, NULL, &error));
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "AccessDenied");
  g_assert_null (strstr (error->message, TOKEN));
  g_clear_error (&error);
  names = names_of (f, job);
  g_assert_cmpstr (names, ==, "X-Barge-Token");
  g_assert_true (barge_dbus_job_call_set_custom_headers_sync (job, headers_of ("X-Barge-Token", TOKEN, "X-Two", "2",
                                                                               NULL), NULL, &error));
  g_assert_no_error (error);

  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  requests = barge_fault_server_get_requests (f->server, fault_path);
  g_assert_cmpuint (requests->len, >=, 1);
  for (guint i = 0; i < requests->len; i++)
    {
      const BargeTestRequest *r = g_ptr_array_index (requests, i);

      g_assert_nonnull (strstr (r->headers, "X-Barge-Token: " TOKEN "\n"));
      g_assert_nonnull (strstr (r->headers, "X-Two: 2\n"));
    }
  g_assert_false (barge_dbus_job_call_get_custom_headers_sync (job, &headers, NULL, &error));
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "AccessDenied");
  barge_test_job_complete (job);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  BARGE_TEST_ADD ("/headers/sent", test_sent);
  BARGE_TEST_ADD ("/headers/not-elsewhere", test_not_elsewhere);
  BARGE_TEST_ADD ("/headers/refused", test_refused);
  BARGE_TEST_ADD ("/headers/kept", test_kept);
  BARGE_TEST_ADD ("/headers/write-only", test_write_only);
  return g_test_run ();
}
