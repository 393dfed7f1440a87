/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* HTTPS proven against a real server (issue 17, item 4): Debian's nginx
 * with the test PKI of tests/nginx/tls, each case on a listener that
 * offers HTTP/2 (ALPN) and on one that speaks HTTP/1.1 only. The daemon
 * trusts none of these certificates itself: a job's CA file (SetTlsOptions)
 * is what makes the test CA's server trusted, so each case also proves the
 * job CA. Cases: a download and a SIGKILL resumed with Range and If-Range
 * on nginx's strong ETag; a redirect to another origin (FinalUrl) and one
 * from https to http (refused, never asked); a listener that requires a
 * client certificate; an expired and a wrong-host certificate (typed
 * errors, not one request reaches nginx); the checks of a job's CA (a
 * revocation list, faults it ignores). Skipped without nginx. */
#define G_LOG_DOMAIN "BargeTestNginxTls"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "barge-fault-server.h"
#include "barge-test-daemon.h"
#include "barge-test-jobs.h"
#include "barge-test-process.h"
#include "barge-test-server.h"

#define TRANSFER_TIMEOUT_MS 60000
#define START_TIMEOUT_MS 10000

/* One server block per certificate, each listening twice. */
typedef enum {
  LISTENER_MAIN,              /* the test CA's certificate for 127.0.0.1 and localhost */
  LISTENER_MUTUAL,            /* the same, and a client certificate of other-ca.pem required */
  LISTENER_WRONG_HOST,        /* other-ca.pem's certificate for barge.invalid */
  LISTENER_EXPIRED,           /* tests/common/tls/expired.pem (self-signed) */
  LISTENER_REVOKED,           /* revoking-ca.pem's certificate for 127.0.0.1, revoked by crl.pem */
  N_LISTENERS
} Listener;

typedef struct {
  char *nginx;                /* the binary, or NULL: skip */
  char *root;                 /* nginx's private prefix */
  char *html;
  char *log;
  guint16 plain_port;
  guint16 h2_ports[N_LISTENERS];
  guint16 h1_ports[N_LISTENERS];
  GSubprocess *process;
  BargeTestDaemon *daemon;
  char *dir;                  /* downloads */
  gboolean h2;                /* this case's listeners: HTTP/2 offered, or HTTP/1.1 only */
} Fixture;

static char *
tls_file (const char *folder, const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, folder, "tls", name, NULL);

  return g_canonicalize_filename (path, NULL);
}

static guint16
port_of (Fixture *f, Listener listener)
{
  return f->h2 ? f->h2_ports[listener] : f->h1_ports[listener];
}

static char *
server_block (Fixture *f, Listener listener, const char *cert, const char *key, const char *extra)
{
  g_autofree char *c = tls_file (listener == LISTENER_EXPIRED ? "common" : "nginx", cert);
  g_autofree char *k = tls_file (listener == LISTENER_EXPIRED ? "common" : "nginx", key);

  f->h2_ports[listener] = barge_fault_server_reserve_port ();
  f->h1_ports[listener] = barge_fault_server_reserve_port ();
  return g_strdup_printf ("  server {\n"
                          "    listen 127.0.0.1:%u ssl http2;\n"
                          "    listen 127.0.0.1:%u ssl;\n"
                          "    root %s;\n"
                          "    ssl_certificate %s;\n"
                          "    ssl_certificate_key %s;\n"
                          "%s"
                          "  }\n",
                          f->h2_ports[listener], f->h1_ports[listener], f->html, c, k, extra);
}

static gboolean
start_nginx (Fixture *f)
{
  g_autofree char *client_ca = tls_file ("nginx", "other-ca.pem");
  g_autofree char *main_extra = NULL;
  g_autofree char *mutual_extra = NULL;
  char *servers[N_LISTENERS] = { NULL };
  g_autofree char *http = NULL;

  f->plain_port = barge_fault_server_reserve_port ();
  /* /moved/ answers 301 to the same path on https://localhost (another
   * origin: the host differs), /down/ 302 to plain http. */
  main_extra = g_strdup_printf ("    location /slow/ { limit_rate 4m; }\n"
                                "    location /moved/ { return 301 https://localhost:$server_port/files/$uri_tail; }\n"
                                "    location /down/ { return 302 http://127.0.0.1:%u/files/$uri_tail; }\n",
                                f->plain_port);
  mutual_extra = g_strdup_printf ("    ssl_verify_client on;\n    ssl_client_certificate %s;\n", client_ca);
  servers[LISTENER_MAIN] = server_block (f, LISTENER_MAIN, "server.pem", "server.key", main_extra);
  servers[LISTENER_MUTUAL] = server_block (f, LISTENER_MUTUAL, "server.pem", "server.key", mutual_extra);
  servers[LISTENER_WRONG_HOST] = server_block (f, LISTENER_WRONG_HOST, "wrong-host.pem", "wrong-host.key", "");
  servers[LISTENER_EXPIRED] = server_block (f, LISTENER_EXPIRED, "expired.pem", "expired.key", "");
  servers[LISTENER_REVOKED] = server_block (f, LISTENER_REVOKED, "revoked.pem", "revoked.key", "");
  /* $uri_tail: the part of the URI after its first folder. */
  http = g_strdup_printf (
    "  log_format tls escape=none '$server_port|$server_protocol|$request_method|$uri|$http_range|$http_if_range|$status';\n"
    "  access_log %s tls;\n"
    "  map $uri $uri_tail { ~^/[^/]+/(?<tail>.*)$ $tail; }\n"
    "%s%s%s%s%s"
    "  server { listen 127.0.0.1:%u; root %s; }\n",
    f->log, servers[0], servers[1], servers[2], servers[3], servers[4], f->plain_port, f->html);
  for (guint i = 0; i < N_LISTENERS; i++)
    g_free (servers[i]);
  f->process = barge_test_nginx_start (f->nginx, f->root, http, f->plain_port, START_TIMEOUT_MS);
  return f->process != NULL;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gboolean started = FALSE;

  f->h2 = GPOINTER_TO_INT (data);
  f->nginx = barge_test_find_program ("nginx");
  if (f->nginx == NULL)
    return;
  f->root = g_dir_make_tmp ("barge-test-nginx-tls-XXXXXX", &error);
  g_assert_no_error (error);
  f->html = g_build_filename (f->root, "html", NULL);
  f->log = g_build_filename (f->root, "tls.log", NULL);
  for (const char *const *sub = (const char *const[]) { "html/files", "html/slow", NULL }; *sub; sub++)
    {
      g_autofree char *d = g_build_filename (f->root, *sub, NULL);
      g_assert_cmpint (g_mkdir_with_parents (d, 0755), ==, 0);
    }
  /* A port taken in between by someone else makes nginx fail: try again. */
  for (guint attempt = 0; attempt < 3 && !started; attempt++)
    started = start_nginx (f);
  g_assert_true (started);
  f->daemon = barge_test_daemon_new_with_config ("[Transfer]\nCheckpointInterval=250\nTimeout=10\n");
  f->dir = barge_test_make_dir ("barge-test-nginx-tls-dl-XXXXXX");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->daemon, barge_test_daemon_free);
  barge_test_process_stop (f->process, 5000);
  g_clear_object (&f->process);
  if (f->root != NULL)
    barge_test_remove_tree (f->root);
  barge_test_clear_dir (&f->dir);
  g_free (f->nginx);
  g_free (f->root);
  g_free (f->html);
  g_free (f->log);
}

static gboolean
skip_without_nginx (Fixture *f)
{
  if (f->nginx != NULL)
    return FALSE;
  g_test_skip ("no nginx binary (install the nginx package)");
  return TRUE;
}

/* As barged decides (barged_request_http2_allowed): HTTP/2 only with a
 * libsoup that has the fixes it needs; HTTP/1.1 over ALPN otherwise. */
static const char *
expected_protocol (Fixture *f)
{
  guint version = soup_get_major_version () * 10000 + soup_get_minor_version () * 100 + soup_get_micro_version ();

  return f->h2 && version >= 30603 ? "HTTP/2.0" : "HTTP/1.1";
}

typedef struct {
  char *protocol;
  char *method;
  char *range;                /* NULL when absent */
  char *if_range;
  guint status;
} LogLine;

static void
log_line_free (LogLine *l)
{
  g_free (l->protocol);
  g_free (l->method);
  g_free (l->range);
  g_free (l->if_range);
  g_free (l);
}

/* nginx's log lines for URI on PORT. */
static GPtrArray *
read_log (Fixture *f, guint16 port, const char *uri)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) log_line_free);

  if (!g_file_get_contents (f->log, &text, NULL, &error))
    {
      g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
      return out;
    }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "|", -1);
      LogLine *l;

      if (g_strv_length (fields) != 7 || !g_str_equal (fields[0], port_text) || !g_str_equal (fields[3], uri))
        continue;
      l = g_new0 (LogLine, 1);
      l->protocol = g_strdup (fields[1]);
      l->method = g_strdup (fields[2]);
      l->range = fields[4][0] != '\0' ? g_strdup (fields[4]) : NULL;
      l->if_range = fields[5][0] != '\0' ? g_strdup (fields[5]) : NULL;
      l->status = (guint) g_ascii_strtoull (fields[6], NULL, 10);
      g_test_message ("nginx :%s %s %s %s Range: %s If-Range: %s -> %u", fields[0], l->protocol, l->method, uri,
                      l->range ? l->range : "-", l->if_range ? l->if_range : "-", l->status);
      g_ptr_array_add (out, l);
    }
  return out;
}

/* Every request came by the protocol the listener and libsoup agree on. */
static void
assert_protocol (Fixture *f, GPtrArray *log)
{
  g_assert_cmpuint (log->len, >, 0);
  for (guint i = 0; i < log->len; i++)
    g_assert_cmpstr (((LogLine *) g_ptr_array_index (log, i))->protocol, ==, expected_protocol (f));
}

/* A file nginx serves: html/FOLDER/NAME. */
static void
serve (Fixture *f, const char *folder, const char *name, guint64 size)
{
  g_autofree char *file = g_build_filename (f->html, folder, name, NULL);

  barge_test_write_content (file, name, size);
}

static char *
url_of (Fixture *f, Listener listener, const char *uri)
{
  return g_strdup_printf ("https://127.0.0.1:%u%s", port_of (f, listener), uri);
}

/* A download job (not resumed) of URL into the test folder as NAME,
 * created with OPTIONS (a{sv}, floating, or NULL), with the TLS options
 * CA and CLIENT_CERTIFICATE (absolute paths, or NULL). */
typedef struct {
  char *dest;
  char *path;
  BargeDBusJob *job;
} Download;

static void
download_clear (Download *d)
{
  g_clear_pointer (&d->dest, g_free);
  g_clear_pointer (&d->path, g_free);
  g_clear_object (&d->job);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Download, download_clear)

static void
download_init (Download *d, Fixture *f, GVariant *options, const char *url, const char *name, const char *ca,
               const char *client_certificate)
{
  g_autoptr(GError) error = NULL;
  GVariantBuilder b;

  if (options == NULL)
    options = g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0);
  barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), name, "download", options,
                                           &d->path, NULL, &error);
  g_assert_no_error (error);
  d->job = barge_test_daemon_get_job (f->daemon, d->path);
  d->dest = g_build_filename (f->dir, name, NULL);
  barge_test_job_add_file (d->job, url, d->dest);
  if (ca == NULL && client_certificate == NULL)
    return;
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  if (ca != NULL)
    g_variant_builder_add (&b, "{sv}", "ca-file", g_variant_new_string (ca));
  if (client_certificate != NULL)
    g_variant_builder_add (&b, "{sv}", "client-certificate", g_variant_new_string (client_certificate));
  barge_dbus_job_call_set_tls_options_sync (d->job, g_variant_builder_end (&b), NULL, &error);
  g_assert_no_error (error);
}

static void
download_complete (Fixture *f, Download *d, const char *name, guint64 size)
{
  barge_test_job_complete (d->job);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, d->path, TRANSFER_TIMEOUT_MS), ==,
                   "acknowledged");
  barge_test_assert_file_content (d->dest, name, size);
}

/* Resumed, the job ends in "error" with EXPECTED, and the message has
 * IN_MESSAGE (or NULL) and not NOT_IN_MESSAGE (or NULL). */
static void
download_fails (Download *d, const char *expected, const char *in_message, const char *not_in_message)
{
  const char *context, *name, *message, *file;

  barge_test_job_resume (d->job);
  barge_test_wait_job_state (d->job, "error", TRANSFER_TIMEOUT_MS);
  g_variant_get (barge_dbus_job_get_error (d->job), "(&s&s&s&s)", &context, &name, &message, &file);
  g_test_message ("Error: %s %s \"%s\"", context, name, message);
  g_assert_cmpstr (name, ==, expected);
  if (in_message != NULL)
    g_assert_nonnull (strstr (message, in_message));
  if (not_in_message != NULL)
    g_assert_null (strstr (message, not_in_message));
}

static char *
file_property (Fixture *f, Download *d, const char *name)
{
  g_autofree char *path = barge_test_job_file_path (f->daemon, d->job, 0);
  g_autoptr(GVariant) v = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_FILE_IFACE, name);

  return g_variant_dup_string (v, NULL);
}

static gboolean
done_above (gpointer user_data)
{
  BargeDBusJob *job = user_data;

  return barge_test_job_bytes_done (job) > 3 * MiB;
}

static guint
count_requests (Fixture *f, guint16 port, const char *uri)
{
  g_autoptr(GPtrArray) log = read_log (f, port, uri);

  return log->len;
}

/* --- tests ------------------------------------------------------------------ */

/* Without a CA the test CA's server is an unknown authority (and not one
 * request reaches nginx); with it as the job's CA the file comes by the
 * listener's protocol. Killed mid-way, the job reads its CA file again
 * and resumes with Range and If-Range on nginx's strong ETag, answered
 * 206, and the file is exact. */
static void
test_job_ca_kill_resume (Fixture *f, gconstpointer data)
{
  const guint64 size = 12 * MiB;
  g_autofree char *ca = tls_file ("nginx", "ca.pem");
  g_autofree char *untrusted_url = NULL;
  g_autofree char *url = NULL;
  g_auto(Download) untrusted = { 0 };
  g_auto(Download) d = { 0 };
  g_autoptr(GPtrArray) log = NULL;
  LogLine *resumed = NULL;

  if (skip_without_nginx (f))
    return;
  serve (f, "files", "untrusted.bin", 64 * KiB);
  untrusted_url = url_of (f, LISTENER_MAIN, "/files/untrusted.bin");
  download_init (&untrusted, f, NULL, untrusted_url, "untrusted.bin", NULL, NULL);
  download_fails (&untrusted, BARGE_TEST_ERROR_PREFIX "TlsFailure", "not signed by an authority", NULL);
  g_assert_cmpuint (count_requests (f, port_of (f, LISTENER_MAIN), "/files/untrusted.bin"), ==, 0);

  serve (f, "slow", "kill.bin", size);
  url = url_of (f, LISTENER_MAIN, "/slow/kill.bin");
  download_init (&d, f, NULL, url, "kill.bin", ca, NULL);
  barge_test_job_resume (d.job);
  barge_test_assert_wait (done_above, d.job, TRANSFER_TIMEOUT_MS, "3 MiB over TLS");
  barge_test_daemon_restart (f->daemon);
  g_clear_object (&d.job);
  d.job = barge_test_daemon_get_job (f->daemon, d.path);
  barge_test_wait_job_state (d.job, "transferred", TRANSFER_TIMEOUT_MS);

  log = read_log (f, port_of (f, LISTENER_MAIN), "/slow/kill.bin");
  assert_protocol (f, log);
  for (guint i = 1; i < log->len && resumed == NULL; i++)
    {
      LogLine *l = g_ptr_array_index (log, i);

      if (g_str_equal (l->method, "GET") && l->range != NULL && !g_str_has_prefix (l->range, "bytes=0-"))
        resumed = l;
    }
  g_assert_nonnull (resumed);
  g_assert_nonnull (resumed->if_range);
  g_assert_true (resumed->if_range[0] == '"');   /* nginx's strong ETag */
  g_assert_cmpuint (resumed->status, ==, 206);
  download_complete (f, &d, "kill.bin", size);
}

/* A 301 to another origin (https://localhost, same port) is followed under
 * "allow-report": FinalUrl says where the file came from, the URL it was
 * added with stays (a permanent redirect replaces it only within its
 * origin), and the job's CA is trusted for the new host too. A 302 from
 * https to http is RedirectRefused with its status, and the plain server
 * is never asked. */
static void
test_redirects (Fixture *f, gconstpointer data)
{
  g_autofree char *ca = tls_file ("nginx", "ca.pem");
  g_autofree char *url = url_of (f, LISTENER_MAIN, "/moved/cross.bin");
  g_autofree char *target = g_strdup_printf ("https://localhost:%u/files/cross.bin", port_of (f, LISTENER_MAIN));
  g_autofree char *down_url = url_of (f, LISTENER_MAIN, "/down/down.bin");
  g_autofree char *final_url = NULL;
  g_autofree char *remote_url = NULL;
  g_auto(Download) d = { 0 };
  g_auto(Download) down = { 0 };
  g_autoptr(GPtrArray) moved = NULL;
  g_autoptr(GPtrArray) served = NULL;
  GVariantBuilder b;

  if (skip_without_nginx (f))
    return;
  serve (f, "files", "cross.bin", 1 * MiB);
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "redirect-policy", g_variant_new_string ("allow-report"));
  download_init (&d, f, g_variant_builder_end (&b), url, "cross.bin", ca, NULL);
  barge_test_job_resume (d.job);
  barge_test_wait_job_state (d.job, "transferred", TRANSFER_TIMEOUT_MS);
  final_url = file_property (f, &d, "FinalUrl");
  remote_url = file_property (f, &d, "RemoteUrl");
  g_assert_cmpstr (final_url, ==, target);
  g_assert_cmpstr (remote_url, ==, url);
  moved = read_log (f, port_of (f, LISTENER_MAIN), "/moved/cross.bin");
  served = read_log (f, port_of (f, LISTENER_MAIN), "/files/cross.bin");
  assert_protocol (f, moved);
  assert_protocol (f, served);
  g_assert_cmpuint (((LogLine *) g_ptr_array_index (moved, 0))->status, ==, 301);
  download_complete (f, &d, "cross.bin", 1 * MiB);

  serve (f, "files", "down.bin", 64 * KiB);
  download_init (&down, f, NULL, down_url, "down.bin", ca, NULL);
  download_fails (&down, BARGE_TEST_ERROR_PREFIX "RedirectRefused", "from https to http", NULL);
  g_assert_cmpuint (barge_dbus_job_get_http_status (down.job), ==, 302);
  g_assert_cmpuint (count_requests (f, f->plain_port, "/files/down.bin"), ==, 0);
}

/* A listener that requires a client certificate of other-ca.pem: without
 * one nginx answers 400 (HttpClientError); with client.pem (certificate
 * and key, read as the owner) the file comes. */
static void
test_client_certificate (Fixture *f, gconstpointer data)
{
  g_autofree char *ca = tls_file ("nginx", "ca.pem");
  g_autofree char *client = tls_file ("nginx", "client.pem");
  g_autofree char *url = url_of (f, LISTENER_MUTUAL, "/files/mutual.bin");
  g_auto(Download) without = { 0 };
  g_auto(Download) with = { 0 };
  g_autoptr(GPtrArray) log = NULL;

  if (skip_without_nginx (f))
    return;
  serve (f, "files", "mutual.bin", 512 * KiB);
  download_init (&without, f, NULL, url, "without.bin", ca, NULL);
  download_fails (&without, BARGE_TEST_ERROR_PREFIX "HttpClientError", NULL, NULL);
  g_assert_cmpuint (barge_dbus_job_get_http_status (without.job), ==, 400);

  download_init (&with, f, NULL, url, "mutual.bin", ca, client);
  barge_test_job_resume (with.job);
  barge_test_wait_job_state (with.job, "transferred", TRANSFER_TIMEOUT_MS);
  log = read_log (f, port_of (f, LISTENER_MUTUAL), "/files/mutual.bin");
  assert_protocol (f, log);
  g_assert_cmpuint (((LogLine *) g_ptr_array_index (log, log->len - 1))->status, ==, 200);
  download_complete (f, &with, "mutual.bin", 512 * KiB);
}

/* An expired certificate (its own, self-signed, as the job's CA) and one
 * for another host (its CA as the job's CA) stay TlsFailure with the
 * reason alone (the job's CA is known: not also "an unknown authority");
 * not one request reaches nginx and no byte is written (each temporary
 * file is there, empty). */
static void
test_bad_certificates (Fixture *f, gconstpointer data)
{
  g_autofree char *expired_ca = tls_file ("common", "expired.pem");
  g_autofree char *other_ca = tls_file ("nginx", "other-ca.pem");
  g_autofree char *expired_url = url_of (f, LISTENER_EXPIRED, "/files/bad.bin");
  g_autofree char *wrong_url = url_of (f, LISTENER_WRONG_HOST, "/files/bad.bin");
  g_autofree char *listing = NULL;
  g_auto(Download) expired = { 0 };
  g_auto(Download) wrong = { 0 };
  g_auto(GStrv) names = NULL;

  if (skip_without_nginx (f))
    return;
  serve (f, "files", "bad.bin", 64 * KiB);
  download_init (&expired, f, NULL, expired_url, "expired.bin", expired_ca, NULL);
  download_fails (&expired, BARGE_TEST_ERROR_PREFIX "TlsFailure", "the server's certificate has expired", "authority");
  download_init (&wrong, f, NULL, wrong_url, "wrong.bin", other_ca, NULL);
  download_fails (&wrong, BARGE_TEST_ERROR_PREFIX "TlsFailure", "the server's certificate is for another host", "authority");
  g_assert_cmpuint (count_requests (f, port_of (f, LISTENER_EXPIRED), "/files/bad.bin"), ==, 0);
  g_assert_cmpuint (count_requests (f, port_of (f, LISTENER_WRONG_HOST), "/files/bad.bin"), ==, 0);
  listing = barge_test_list_dir (f->dir);
  names = g_strsplit (listing, " ", -1);
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (f->dir, names[i], NULL);
      GStatBuf st;

      g_assert_true (g_str_has_suffix (names[i], ".barge-part"));
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_size, ==, 0);
    }
}

static void
set_checks (Download *d, const char *crl, const char * const *ignore)
{
  g_autoptr(GError) error = NULL;
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  if (crl != NULL)
    g_variant_builder_add (&b, "{sv}", "crl-file", g_variant_new_string (crl));
  if (ignore != NULL)
    g_variant_builder_add (&b, "{sv}", "ignore", g_variant_new_strv (ignore, -1));
  barge_dbus_job_call_set_tls_options_sync (d->job, g_variant_builder_end (&b), NULL, &error);
  g_assert_no_error (error);
}

/* A certificate of the job's CA that the job's revocation list revokes
 * is refused ("was revoked"; ignoring every fault it may does not
 * forgive that) and nginx sees no request; without the list the same
 * certificate is accepted. */
static void
test_revocation (Fixture *f, gconstpointer data)
{
  g_autofree char *ca = tls_file ("nginx", "revoking-ca.pem");
  g_autofree char *crl = tls_file ("nginx", "crl.pem");
  g_autofree char *url = url_of (f, LISTENER_REVOKED, "/files/revoked.bin");
  const char * const all[] = { "expired", "wrong-host", NULL };
  g_auto(Download) unchecked = { 0 };
  g_auto(Download) checked = { 0 };

  if (skip_without_nginx (f))
    return;
  serve (f, "files", "revoked.bin", 256 * KiB);
  download_init (&checked, f, NULL, url, "checked.bin", ca, NULL);
  set_checks (&checked, crl, all);
  download_fails (&checked, BARGE_TEST_ERROR_PREFIX "TlsFailure", "the server's certificate was revoked", "authority");
  g_assert_cmpuint (count_requests (f, port_of (f, LISTENER_REVOKED), "/files/revoked.bin"), ==, 0);

  download_init (&unchecked, f, NULL, url, "revoked.bin", ca, NULL);
  barge_test_job_resume (unchecked.job);
  barge_test_wait_job_state (unchecked.job, "transferred", TRANSFER_TIMEOUT_MS);
  g_assert_cmpuint (count_requests (f, port_of (f, LISTENER_REVOKED), "/files/revoked.bin"), >=, 1);
  download_complete (f, &unchecked, "revoked.bin", 256 * KiB);
}

/* BITS' "ignore" flags, for the job's CA only: an expired certificate
 * with "expired" and one of another host with "wrong-host" are accepted
 * and the files come; the other name forgives nothing ("expired" does not
 * let a wrong host in). */
static void
test_ignore (Fixture *f, gconstpointer data)
{
  g_autofree char *expired_ca = tls_file ("common", "expired.pem");
  g_autofree char *other_ca = tls_file ("nginx", "other-ca.pem");
  g_autofree char *expired_url = url_of (f, LISTENER_EXPIRED, "/files/ignored.bin");
  g_autofree char *wrong_url = url_of (f, LISTENER_WRONG_HOST, "/files/ignored.bin");
  const char * const expired_only[] = { "expired", NULL };
  const char * const wrong_host_only[] = { "wrong-host", NULL };
  g_auto(Download) expired = { 0 };
  g_auto(Download) wrong = { 0 };
  g_auto(Download) not_forgiven = { 0 };

  if (skip_without_nginx (f))
    return;
  serve (f, "files", "ignored.bin", 256 * KiB);
  download_init (&not_forgiven, f, NULL, wrong_url, "not-forgiven.bin", other_ca, NULL);
  set_checks (&not_forgiven, NULL, expired_only);
  download_fails (&not_forgiven, BARGE_TEST_ERROR_PREFIX "TlsFailure", "is for another host", NULL);

  download_init (&expired, f, NULL, expired_url, "expired.bin", expired_ca, NULL);
  set_checks (&expired, NULL, expired_only);
  download_init (&wrong, f, NULL, wrong_url, "wrong.bin", other_ca, NULL);
  set_checks (&wrong, NULL, wrong_host_only);
  barge_test_job_resume (expired.job);
  barge_test_job_resume (wrong.job);
  barge_test_wait_job_state (expired.job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_wait_job_state (wrong.job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_job_complete (expired.job);
  barge_test_job_complete (wrong.job);
  barge_test_daemon_wait_job_removed (f->daemon, expired.path, TRANSFER_TIMEOUT_MS);
  barge_test_daemon_wait_job_removed (f->daemon, wrong.path, TRANSFER_TIMEOUT_MS);
  barge_test_assert_file_content (expired.dest, "ignored.bin", 256 * KiB);
  barge_test_assert_file_content (wrong.dest, "ignored.bin", 256 * KiB);
}

int
main (int argc, char **argv)
{
  static const struct {
    const char *name;
    void (*func) (Fixture *f, gconstpointer data);
  } tests[] = {
    { "job-ca-kill-resume", test_job_ca_kill_resume },
    { "redirects", test_redirects },
    { "client-certificate", test_client_certificate },
    { "bad-certificates", test_bad_certificates },
    { "revocation", test_revocation },
    { "ignore", test_ignore },
  };

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
    for (int h2 = 1; h2 >= 0; h2--)
      {
        g_autofree char *path = g_strdup_printf ("/nginx-tls/%s/%s", h2 ? "h2" : "h1", tests[i].name);

        g_test_add (path, Fixture, GINT_TO_POINTER (h2), fixture_setup, tests[i].func, fixture_teardown);
      }
  return g_test_run ();
}
