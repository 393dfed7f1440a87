/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A job's proxy (issue 17, item 1d; BITS SetProxySettings). The daemon's
 * own proxy ([Transfer] Proxy) is a port nobody listens on, so "system"
 * cannot reach anything; "none" goes direct; "override" goes through the
 * job's list: here the fault server itself, which answers a request in
 * absolute form ("GET http://host/path") like a forward proxy, for a URL
 * whose origin is dead, so only the proxy can have served it. A bypass
 * entry sends the job straight to that dead origin. Bad settings are
 * refused whole, never echoing a proxy URL; the settings survive a
 * restart. tests/fleet does the same through Squid. The /proxy/session tests:
 * what a user's desktop session publishes (Manager.SetSessionProxy) for
 * that user's jobs of usage "system", held while its publisher stays on
 * the bus, and the agent a session registers to be asked for each URL
 * (Manager.RegisterSessionProxyAgent). */
#define G_LOG_DOMAIN "BargeTestProxy"

#include "config.h"

#include <string.h>

#include "barge-fault-server.h"
#include "barge-test-loop-thread.h"
#include "barge-tsan.h"
#include "barge-test-daemon.h"
#include "barge-test-jobs.h"

#define TRANSFER_TIMEOUT_MS 30000
#define SIZE (256 * KiB)
#define BARGED_TEST_MAX_BYPASS 64 /* BARGED_MAX_PROXY_BYPASS */

typedef struct {
  BargeFaultServer *server;
  BargeTestDaemon *daemon;
  char *dir;
  guint16 dead_port;          /* nobody listens there */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *config = NULL;

  f->server = barge_fault_server_new ();
  f->dead_port = barge_fault_server_reserve_port ();
  config = g_strdup_printf ("[Transfer]\nTimeout=2\nProxy=http://127.0.0.1:%u\n", f->dead_port);
  f->daemon = barge_test_daemon_new_with_config (config);
  f->dir = barge_test_make_dir ("barge-test-proxy-XXXXXX");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  barge_test_daemon_free (f->daemon);
  barge_fault_server_free (f->server);
  barge_test_clear_dir (&f->dir);
}

/* A suspended job of URL, as NAME in the test's folder. */
static BargeDBusJob *
new_job (Fixture *f, const char *url, const char *name, char **path)
{
  g_autofree char *dest = g_build_filename (f->dir, name, NULL);
  BargeDBusJob *job;

  *path = barge_test_daemon_create_job (f->daemon, name);
  job = barge_test_daemon_get_job (f->daemon, *path);
  barge_test_job_add_file (job, url, dest);
  return job;
}

static gboolean
set_proxy (BargeDBusJob *job, const char *usage, const char * const *proxies, const char * const *bypass,
           GError **error)
{
  static const char * const none[] = { NULL };

  return barge_dbus_job_call_set_proxy_settings_sync (job, usage, proxies != NULL ? proxies : none,
                                                      bypass != NULL ? bypass : none, NULL, error);
}

/* The fault server's URL of NAME with its port replaced by the dead one:
 * only a proxy can answer it. */
static char *
dead_origin_fault_url (Fixture *f, const char *fault, const char *name)
{
  g_autofree char *path = barge_fault_server_get_path (fault, name);

  return g_strdup_printf ("http://127.0.0.1:%u%s?size=%u", f->dead_port, path, (guint) SIZE);
}

static char *
dead_origin_url (Fixture *f, const char *name)
{
  return dead_origin_fault_url (f, "ok", name);
}

static void
finish (Fixture *f, BargeDBusJob *job, const char *path, const char *name)
{
  g_autofree char *dest = g_build_filename (f->dir, name, NULL);

  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest, name, SIZE);
}

static void
wait_failed (BargeDBusJob *job)
{
  const char * const ends[] = { "transient-error", "error", "transferred", NULL };

  barge_test_job_resume (job);
  g_assert_cmpstr (barge_test_wait_job_states (job, ends, TRANSFER_TIMEOUT_MS), !=, "transferred");
}

/* "override" through the fault server, set before a SIGKILL: the settings
 * come back with the job and its file comes through the proxy. */
static void
test_override (Fixture *f, gconstpointer data)
{
  g_autofree char *url = dead_origin_url (f, "via-proxy");
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = new_job (f, url, "via-proxy", &path);
  const char * const proxies[] = { barge_fault_server_get_base_url (f->server), NULL };
  g_autoptr(GVariant) usage = NULL;
  g_autoptr(GVariant) list = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (set_proxy (job, "override", proxies, NULL, &error));
  g_assert_no_error (error);
  barge_test_daemon_restart (f->daemon);
  g_clear_object (&job);
  job = barge_test_daemon_get_job (f->daemon, path);
  usage = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "ProxyUsage");
  list = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "ProxyList");
  g_assert_cmpstr (g_variant_get_string (usage, NULL), ==, "override");
  g_assert_cmpuint (g_variant_n_children (list), ==, 1);
  barge_test_job_resume (job);
  finish (f, job, path, "via-proxy");
}

/* A path of the fault server, for the conditions below. */
typedef struct {
  BargeFaultServer *server;
  const char *path;
} Watched;

/* For barge_test_wait_until: the path was asked for. */
static gboolean
was_asked (gpointer user_data)
{
  Watched *w = user_data;
  g_autoptr(GPtrArray) requests = barge_fault_server_get_requests (w->server, w->path);

  return requests->len > 0;
}

/* For barge_test_wait_until: a request of the path was answered 200. */
static gboolean
being_served (gpointer user_data)
{
  Watched *w = user_data;
  g_autoptr(GPtrArray) requests = barge_fault_server_get_requests (w->server, w->path);

  for (guint i = 0; i < requests->len; i++)
    if (((BargeTestRequest *) g_ptr_array_index (requests, i))->status == 200)
      return TRUE;
  return FALSE;
}

/* A job's own proxy answers "503, Retry-After: 7" (here the fault server,
 * proxy of itself): that job's files rest, not the origin for every other
 * job. Another job straight to the same origin gets its file at once.
 * Before, the push-back rested the origin daemon-wide, and any user's proxy
 * could stop everyone's jobs to a host (up to an hour a time). */
static void
test_own_proxy_rests_alone (Fixture *f, gconstpointer data)
{
  const char * const proxies[] = { barge_fault_server_get_base_url (f->server), NULL };
  g_autofree char *pushed_path = barge_fault_server_get_path ("503", "pushed-0");
  g_autofree char *bystander_url = barge_fault_server_get_url (f->server, "ok", "bystander", SIZE);
  g_autofree char *path = NULL;
  g_autofree char *other_path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeDBusJob) other = NULL;
  g_autoptr(GError) error = NULL;
  Watched asked = { f->server, pushed_path };
  gint64 start;

  /* Three files: a push-back on one of several goes back in line (a lone
   * file's would be the job's error). */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("pushed-%u", i);
      g_autofree char *url = barge_fault_server_get_url (f->server, "503", name, SIZE);
      g_autofree char *dest = g_build_filename (f->dir, name, NULL);

      if (job == NULL)
        {
          path = barge_test_daemon_create_job (f->daemon, "pushed");
          job = barge_test_daemon_get_job (f->daemon, path);
        }
      barge_test_job_add_file (job, url, dest);
    }
  g_assert_true (set_proxy (job, "override", proxies, NULL, &error));
  g_assert_no_error (error);
  barge_test_job_resume (job);
  barge_test_assert_wait (was_asked, &asked, TRANSFER_TIMEOUT_MS, "the 503 through the job's proxy");
  barge_test_run_for (200);

  other = new_job (f, bystander_url, "bystander", &other_path);
  g_assert_true (set_proxy (other, "none", NULL, NULL, &error));
  g_assert_no_error (error);
  /* In the foreground: the background slot is the resting job's. */
  barge_test_daemon_set_property (f->daemon, other_path, BARGE_TEST_JOB_IFACE, "Priority",
                                  g_variant_new_string ("foreground"));
  start = g_get_monotonic_time ();
  barge_test_job_resume (other);
  barge_test_wait_job_state (other, "transferred", TRANSFER_TIMEOUT_MS);
  g_test_message ("the other job's file took %.1f s", (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
  /* Retry-After is 7 s. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
  barge_test_job_complete (other);
  barge_test_job_cancel (job);
}

/* A proxy that wants credentials (407) gets the job's "proxy" ones, and
 * only those. The job's "server" credentials never answer a proxy, even
 * with the proxy's user and password in them: that job fails with
 * ProxyAuthRequired. With "proxy" credentials the files come through the
 * proxy, each request the proxy served carried them, and no request
 * carried the "server" ones (nobody asked for them). Once the run
 * answered the proxy, its next requests carry the answer up front: at
 * most one challenge per request started before that (the files start in
 * parallel, up to MaxConnectionsPerHost, 6; a HEAD asks a size beside
 * them), not one per file. */
static void
test_credentials (Fixture *f, gconstpointer data)
{
  const guint n = 12;
  const char * const proxies[] = { barge_fault_server_get_base_url (f->server), NULL };
  g_autoptr(GError) error = NULL;
  guint challenged = 0, challenged_heads = 0, served = 0;

  {
    g_autofree char *url = dead_origin_fault_url (f, "proxy-auth-basic", "proxy-auth-wrong");
    g_autofree char *path = NULL;
    g_autoptr(BargeDBusJob) job = new_job (f, url, "proxy-auth-wrong", &path);

    g_assert_true (set_proxy (job, "override", proxies, NULL, &error));
    g_assert_no_error (error);
    barge_dbus_job_call_set_credentials_sync (job, "server", "basic", "bob", "pw", NULL, &error);
    g_assert_no_error (error);
    wait_failed (job);
    barge_test_assert_job_error (job, BARGE_TEST_ERROR_PREFIX "ProxyAuthRequired", NULL);
  }

  {
    g_autofree char *url = dead_origin_fault_url (f, "proxy-auth-basic", "proxy-auth-0");
    g_autofree char *path = NULL;
    g_autoptr(BargeDBusJob) job = new_job (f, url, "proxy-auth-0", &path);

    for (guint i = 1; i < n; i++)
      {
        g_autofree char *name = g_strdup_printf ("proxy-auth-%u", i);
        g_autofree char *more = dead_origin_fault_url (f, "proxy-auth-basic", name);
        g_autofree char *dest = g_build_filename (f->dir, name, NULL);

        barge_test_job_add_file (job, more, dest);
      }
    g_assert_true (set_proxy (job, "override", proxies, NULL, &error));
    g_assert_no_error (error);
    barge_dbus_job_call_set_credentials_sync (job, "proxy", "basic", "bob", "pw", NULL, &error);
    g_assert_no_error (error);
    barge_dbus_job_call_set_credentials_sync (job, "server", "basic", "alice", "pw", NULL, &error);
    g_assert_no_error (error);
    barge_test_job_resume (job);
    finish (f, job, path, "proxy-auth-0");
  }

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("proxy-auth-%u", i);
      g_autofree char *origin_path = barge_fault_server_get_path ("proxy-auth-basic", name);
      g_autofree char *dest = g_build_filename (f->dir, name, NULL);
      g_autoptr(GPtrArray) requests = barge_fault_server_get_requests (f->server, origin_path);

      barge_test_assert_file_content (dest, name, SIZE);
      for (guint j = 0; j < requests->len; j++)
        {
          BargeTestRequest *r = g_ptr_array_index (requests, j);

          g_assert_null (r->authorization);
          if (r->status == 407 && g_str_equal (r->method, "HEAD"))
            challenged_heads++;
          else if (r->status == 407)
            challenged++;
          else
            {
              g_assert_nonnull (strstr (r->headers, "Proxy-Authorization: Basic Ym9iOnB3\n"));
              served++;
            }
        }
    }
  g_test_message ("%u files: %u GETs and %u HEADs challenged, %u served", n, challenged, challenged_heads, served);
  /* The first challenge may come on the size probe's HEAD: then every
   * GET may carry the answer up front. */
  g_assert_cmpuint (challenged + challenged_heads, >=, 1);
  g_assert_cmpuint (challenged, <=, 6);
  /* The size probes go one at a time: the first may meet the challenge. */
  g_assert_cmpuint (challenged_heads, <=, 1);
  g_assert_cmpuint (served, >=, n);
}

/* Job NAME on DAEMON for https://TUNNEL/fault/ok/NAME: only a proxy's
 * tunnel reaches it (TUNNEL is a dead port). */
static BargeDBusJob *
tunnel_job (Fixture *f, BargeTestDaemon *daemon, const char *tunnel, const char *name, char **path)
{
  g_autofree char *url = g_strdup_printf ("https://%s/fault/ok/%s?size=%u", tunnel, name, (guint) SIZE);
  g_autofree char *dest = g_build_filename (f->dir, name, NULL);
  BargeDBusJob *job;

  *path = barge_test_daemon_create_job (daemon, name);
  job = barge_test_daemon_get_job (daemon, *path);
  barge_test_job_add_file (job, url, dest);
  return job;
}

/* Gives JOB the proxy's credentials, resumes it and sees its file through. */
static void
tunnel_through (Fixture *f, BargeTestDaemon *daemon, BargeDBusJob *job, const char *path, const char *name)
{
  const char * const moving[] = { "queued", "connecting", "transferring", "transferred", NULL };
  g_autofree char *dest = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  barge_dbus_job_call_set_credentials_sync (job, "proxy", "basic", "bob", "pw", NULL, &error);
  g_assert_no_error (error);
  barge_test_job_resume (job);
  /* Out of "error" first: the client's copy of the state may still say it. */
  g_assert_cmpstr (barge_test_wait_job_states (job, moving, TRANSFER_TIMEOUT_MS), !=, NULL);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (daemon, path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest, name, SIZE);
}

/* An https URL through a proxy that wants credentials for its CONNECT
 * tunnels, on a session jobs share (usage "system": barge.conf's Proxy is
 * the fault server, which tunnels to its own TLS side). A job with "proxy"
 * credentials gets through, and the server inside the tunnel sees no
 * Proxy-Authorization. The next job, without credentials, on the same
 * session, must not ride on the first one's: libsoup makes the CONNECT
 * itself and, unless told not to, keeps its answer for the whole session
 * and sends it with every later tunnel. It fails with ProxyAuthRequired.
 * A job whose proxy password was wrong gets through once it is set right. */
static void
test_credentials_tunnel (Fixture *f, gconstpointer data)
{
  g_autofree char *cert = barge_fault_server_get_tls_certificate_path (f->server);
  g_autofree char *config = g_strdup_printf ("[Transfer]\nTimeout=2\nProxy=%s\n",
                                             barge_fault_server_get_base_url (f->server));
  BargeTestDaemon *daemon = barge_test_daemon_new_trusting (config, cert);
  g_autofree char *tunnel = g_strdup_printf ("127.0.0.1:%u", f->dead_port);
  g_autofree char *inner = barge_fault_server_get_path ("ok", "tunnel-a");
  g_autoptr(GPtrArray) connects = NULL;
  g_autoptr(GPtrArray) gets = NULL;
  g_autoptr(GError) error = NULL;
  guint answered = 0;

  {
    g_autofree char *path = NULL;
    g_autoptr(BargeDBusJob) job = tunnel_job (f, daemon, tunnel, "tunnel-a", &path);

    tunnel_through (f, daemon, job, path, "tunnel-a");
  }
  {
    g_autofree char *path = NULL;
    g_autoptr(BargeDBusJob) job = tunnel_job (f, daemon, tunnel, "tunnel-b", &path);

    wait_failed (job);
    barge_test_assert_job_error (job, BARGE_TEST_ERROR_PREFIX "ProxyAuthRequired", NULL);
    barge_test_job_cancel (job);
  }
  /* A wrong password, refused; the right one then works at once: the
   * refused answer is not sent again. */
  {
    g_autofree char *path = NULL;
    g_autoptr(BargeDBusJob) job = tunnel_job (f, daemon, tunnel, "tunnel-c", &path);

    barge_dbus_job_call_set_credentials_sync (job, "proxy", "basic", "bob", "wrong", NULL, &error);
    g_assert_no_error (error);
    wait_failed (job);
    barge_test_assert_job_error (job, BARGE_TEST_ERROR_PREFIX "ProxyAuthRequired", NULL);
    tunnel_through (f, daemon, job, path, "tunnel-c");
  }

  connects = barge_fault_server_get_requests (f->server, tunnel);
  for (guint i = 0; i < connects->len; i++)
    {
      BargeTestRequest *r = g_ptr_array_index (connects, i);

      g_test_message ("%s %s -> %u", r->method, r->path, r->status);
      g_assert_cmpstr (r->method, ==, "CONNECT");
      if (r->status == 200)
        answered++;
    }
  g_assert_cmpuint (answered, >=, 1);
  gets = barge_fault_server_get_requests (f->server, inner);
  g_assert_cmpuint (gets->len, >=, 1);
  for (guint i = 0; i < gets->len; i++)
    g_assert_null (strstr (((BargeTestRequest *) g_ptr_array_index (gets, i))->headers, "Proxy-Authorization"));
  barge_test_daemon_free (daemon);
}

/* How many requests of NAME's file (fault FAULT) carried the proxy's
 * credentials to the server itself (not in a proxy's absolute form);
 * adds the requests that went to the server itself to *DIRECT. */
static guint
count_direct_with_proxy_answer (Fixture *f, const char *fault, const char *name, guint *direct)
{
  g_autofree char *origin_path = barge_fault_server_get_path (fault, name);
  g_autoptr(GPtrArray) requests = barge_fault_server_get_requests (f->server, origin_path);
  guint leaked = 0;

  for (guint i = 0; i < requests->len; i++)
    {
      BargeTestRequest *r = g_ptr_array_index (requests, i);

      if (r->absolute_form)
        continue;
      (*direct)++;
      leaked += strstr (r->headers, "Proxy-Authorization") != NULL;
    }
  return leaked;
}

/* A server reached directly that answers 407 is no proxy: libsoup takes
 * its challenge all the same, and a job with proxy credentials would hand
 * them (Basic: the password itself) to any server it downloads from. The
 * job goes direct ("none") to the fault server, which asks for the
 * proxy's credentials: it fails with ProxyAuthRequired, and no request
 * carried them. libsoup 3.2.3 makes no SoupAuth for a 407 on a connection
 * without a proxy either, so this passes without barged's own check
 * (barged_request_authenticate()); it holds the rule for any libsoup. */
static void
test_credentials_not_to_server (Fixture *f, gconstpointer data)
{
  g_autofree char *url = barge_fault_server_get_url (f->server, "proxy-auth-basic", "not-a-proxy", SIZE);
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = new_job (f, url, "not-a-proxy", &path);
  g_autoptr(GError) error = NULL;
  guint direct = 0;

  g_assert_true (set_proxy (job, "none", NULL, NULL, &error));
  g_assert_no_error (error);
  barge_dbus_job_call_set_credentials_sync (job, "proxy", "basic", "bob", "pw", NULL, &error);
  g_assert_no_error (error);
  wait_failed (job);
  barge_test_assert_job_error (job, BARGE_TEST_ERROR_PREFIX "ProxyAuthRequired", NULL);
  g_assert_cmpuint (count_direct_with_proxy_answer (f, "proxy-auth-basic", "not-a-proxy", &direct), ==, 0);
  g_assert_cmpuint (direct, >=, 1);
  barge_test_job_cancel (job);
}

/* The run answered the proxy's challenge, and its next requests carry the
 * answer up front; then the job's proxy settings send its requests
 * direct, to the same origin, in the middle of the run (as a PAC script or
 * a session agent may). Those requests must not carry the proxy's answer
 * to the server. One connection per host, so that the files go one after
 * the other: the first (a slow one) through the proxy, the others after
 * the change. */
static void
test_credentials_proxy_changes (Fixture *f, gconstpointer data)
{
  const guint n = 4;
  BargeTestDaemon *daemon = barge_test_daemon_new_with_config ("[Transfer]\nTimeout=5\nMaxConnectionsPerHost=1\n");
  g_autofree char *slow_url = barge_fault_server_get_url (f->server, "proxy-auth-drip", "flip-slow", 4 * KiB);
  g_autofree char *slow_dest = g_build_filename (f->dir, "flip-slow", NULL);
  g_autofree char *slow_path = barge_fault_server_get_path ("proxy-auth-drip", "flip-slow");
  const char * const proxies[] = { barge_fault_server_get_base_url (f->server), NULL };
  g_autofree char *path = barge_test_daemon_create_job (daemon, "flip");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (daemon, path);
  g_autoptr(GPtrArray) slow = NULL;
  Watched served = { f->server, slow_path };
  g_autoptr(GError) error = NULL;
  guint direct = 0, proxied_answered = 0;

  barge_test_job_add_file (job, slow_url, slow_dest);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("flip-%u", i);
      g_autofree char *url = barge_fault_server_get_url (f->server, "ok", name, SIZE);
      g_autofree char *dest = g_build_filename (f->dir, name, NULL);

      barge_test_job_add_file (job, url, dest);
    }
  g_assert_true (set_proxy (job, "override", proxies, NULL, &error));
  g_assert_no_error (error);
  barge_dbus_job_call_set_credentials_sync (job, "proxy", "basic", "bob", "pw", NULL, &error);
  g_assert_no_error (error);
  barge_test_job_resume (job);
  /* The slow file is coming through the proxy, on the run's answer. */
  g_assert_true (barge_test_wait_until (being_served, &served, TRANSFER_TIMEOUT_MS));
  g_assert_true (set_proxy (job, "none", NULL, NULL, &error));
  g_assert_no_error (error);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (daemon, path, SHORT_TIMEOUT_MS);

  barge_test_assert_file_content (slow_dest, "flip-slow", 4 * KiB);
  slow = barge_fault_server_get_requests (f->server, slow_path);
  for (guint i = 0; i < slow->len; i++)
    {
      BargeTestRequest *r = g_ptr_array_index (slow, i);

      g_assert_true (r->absolute_form);
      proxied_answered += strstr (r->headers, "Proxy-Authorization: Basic Ym9iOnB3\n") != NULL;
    }
  g_assert_cmpuint (proxied_answered, >=, 1);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("flip-%u", i);
      g_autofree char *dest = g_build_filename (f->dir, name, NULL);

      barge_test_assert_file_content (dest, name, SIZE);
      g_assert_cmpuint (count_direct_with_proxy_answer (f, "ok", name, &direct), ==, 0);
    }
  g_test_message ("%u requests went direct after the change", direct);
  g_assert_cmpuint (direct, >=, 1);
  barge_test_daemon_free (daemon);
}

/* Two proxies, the first one down: GIO's proxy enumerator moves on to the
 * second, and the file comes through it. */
static void
test_override_failover (Fixture *f, gconstpointer data)
{
  g_autofree char *url = dead_origin_url (f, "failover");
  g_autofree char *dead_proxy = g_strdup_printf ("http://127.0.0.1:%u", f->dead_port);
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = new_job (f, url, "failover", &path);
  const char * const proxies[] = { dead_proxy, barge_fault_server_get_base_url (f->server), NULL };
  g_autoptr(GError) error = NULL;

  g_assert_true (set_proxy (job, "override", proxies, NULL, &error));
  g_assert_no_error (error);
  barge_test_job_resume (job);
  finish (f, job, path, "failover");
}

/* A bypass entry naming the origin sends the job to it directly: the dead
 * port, so the job fails; "system" (the daemon's dead proxy) fails too;
 * "none" reaches the fault server directly. */
static void
test_bypass_none_system (Fixture *f, gconstpointer data)
{
  g_autofree char *dead = dead_origin_url (f, "bypassed");
  g_autofree char *live = barge_fault_server_get_url (f->server, "ok", "direct", SIZE);
  g_autofree char *p1 = NULL, *p2 = NULL, *p3 = NULL;
  g_autoptr(BargeDBusJob) bypassed = new_job (f, dead, "bypassed", &p1);
  g_autoptr(BargeDBusJob) system = new_job (f, live, "system", &p2);
  g_autoptr(BargeDBusJob) direct = new_job (f, live, "direct", &p3);
  const char * const proxies[] = { barge_fault_server_get_base_url (f->server), NULL };
  const char * const bypass[] = { "localhost", "127.0.0.0/8", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_true (set_proxy (bypassed, "override", proxies, bypass, &error));
  g_assert_no_error (error);
  wait_failed (bypassed);
  wait_failed (system);
  g_assert_true (set_proxy (direct, "none", NULL, NULL, &error));
  g_assert_no_error (error);
  barge_test_job_resume (direct);
  finish (f, direct, p3, "direct");
  barge_test_job_cancel (bypassed);
  barge_test_job_cancel (system);
}

/* Refused with InvalidArgument saying @said, never echoing the secret
 * of the test's proxy URLs. */
static void
assert_refused (gboolean ok, GError **error, const char *said)
{
  g_assert_false (ok);
  barge_test_assert_dbus_error (*error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_test_message ("%s", (*error)->message);
  g_assert_nonnull (strstr ((*error)->message, said));
  g_assert_null (strstr ((*error)->message, "s3cret"));
  g_clear_error (error);
}

/* @n bypass entries: one more than a list may hold. */
static GStrv
many_hosts (guint n)
{
  g_autoptr(GStrvBuilder) hosts = g_strv_builder_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *host = g_strdup_printf ("host%u.example.com", i);
      g_strv_builder_add (hosts, host);
    }
  return g_strv_builder_end (hosts);
}

/* Bad settings: InvalidArgument saying what is accepted, the proxy never
 * echoed (it may hold a password), nothing changed. */
static void
test_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *url = barge_fault_server_get_url (f->server, "ok", "refused", SIZE);
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = new_job (f, url, "refused", &path);
  const char * const good[] = { "http://127.0.0.1:3128", NULL };
  const char * const secret[] = { "http://user:s3cret@127.0.0.1:3128", NULL };
  const char * const no_port[] = { "http://127.0.0.1", NULL };
  const char * const ftp[] = { "ftp://127.0.0.1:21", NULL };
  const char * const bad_bypass[] = { "exa mple.com", NULL };
  g_autoptr(GStrvBuilder) many = g_strv_builder_new ();
  g_auto(GStrv) nine = NULL;
  g_auto(GStrv) sixty_five = many_hosts (BARGED_TEST_MAX_BYPASS + 1);
  g_autoptr(GVariant) usage = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 9; i++)
    {
      g_autofree char *proxy = g_strdup_printf ("http://127.0.0.1:%u", 3000 + i);
      g_strv_builder_add (many, proxy);
    }
  nine = g_strv_builder_end (many);
  {
    const struct {
      const char *usage;
      const char * const *proxies;
      const char * const *bypass;
      const char *said;
    } bad[] = {
      { "auto", NULL, NULL, "use system, none or override" },
      { "none", good, NULL, "for \"override\" only" },
      { "system", NULL, bad_bypass, "for \"override\" only" },
      { "override", NULL, NULL, "1 to 8 proxies, not 0" },
      { "override", (const char * const *) nine, NULL, "1 to 8 proxies, not 9" },
      { "override", secret, NULL, "proxy 1 is not SCHEME://HOST:PORT" },
      { "override", no_port, NULL, "proxy 1 is not" },
      { "override", ftp, NULL, "proxy 1 is not" },
      { "override", good, bad_bypass, "bypass entry 1 is not" },
      { "override", good, (const char * const *) sixty_five, "at most 64 entries, not 65" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      assert_refused (set_proxy (job, bad[i].usage, bad[i].proxies, bad[i].bypass, &error), &error, bad[i].said);
  }
  usage = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "ProxyUsage");
  g_assert_cmpstr (g_variant_get_string (usage, NULL), ==, "system");
  barge_test_job_cancel (job);
}

/* The same settings as CreateJob options: taken and shown, or refused
 * with the same checks and no job made. */
static void
test_create_options (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr(GVariant) usage = NULL;
  g_autoptr(GVariant) bypass = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) good = g_variant_parse (G_VARIANT_TYPE_VARDICT,
                                              "{'proxy-usage': <'override'>, "
                                              "'proxy-list': <['http://127.0.0.1:3128']>, "
                                              "'proxy-bypass-list': <['.example.com']>}", NULL, NULL, NULL);
  g_autoptr(GVariant) bad = g_variant_parse (G_VARIANT_TYPE_VARDICT,
                                             "{'proxy-usage': <'none'>, 'proxy-list': <['http://127.0.0.1:3128']>}",
                                             NULL, NULL, NULL);
  BargeDBusManager *manager = barge_test_daemon_get_manager (f->daemon);
  guint before = barge_test_daemon_count_jobs (f->daemon);

  g_assert_true (barge_dbus_manager_call_create_job_sync (manager, "opts", "download", good, &path, NULL, &error));
  g_assert_no_error (error);
  usage = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "ProxyUsage");
  bypass = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "ProxyBypassList");
  g_assert_cmpstr (g_variant_get_string (usage, NULL), ==, "override");
  g_assert_cmpuint (g_variant_n_children (bypass), ==, 1);
  g_clear_pointer (&path, g_free);
  g_assert_false (barge_dbus_manager_call_create_job_sync (manager, "bad", "download", bad, &path, NULL, &error));
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_assert_cmpuint (barge_test_daemon_count_jobs (f->daemon), ==, before + 1);
}

/* --- a user's session proxy (Manager.SetSessionProxy) ------------------------------------ */

/* A peer of its own, as a desktop session's agent is. */
static GDBusConnection *
new_publisher (void)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection =
    g_dbus_connection_new_for_address_sync (g_getenv ("DBUS_SESSION_BUS_ADDRESS"),
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                            G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL, NULL, &error);

  g_assert_no_error (error);
  return connection;
}

/* @proxies: "KEY=URL" pairs, or NULL. */
static gboolean
publish (GDBusConnection *connection, const char *usage, const char * const *proxies, const char * const *bypass,
         GError **error)
{
  static const char * const none[] = { NULL };
  g_autoptr(GVariant) reply = NULL;
  GVariantBuilder dict;

  g_variant_builder_init (&dict, G_VARIANT_TYPE ("a{ss}"));
  for (guint i = 0; proxies != NULL && proxies[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (proxies[i], "=", 2);
      g_variant_builder_add (&dict, "{ss}", pair[0], pair[1]);
    }
  reply = g_dbus_connection_call_sync (connection, BARGE_TEST_BUS_NAME, BARGE_TEST_MANAGER_PATH,
                                       BARGE_TEST_MANAGER_IFACE, "SetSessionProxy",
                                       g_variant_new ("(sa{ss}^as)", usage, &dict, bypass != NULL ? bypass : none),
                                       G_VARIANT_TYPE ("()"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, error);
  return reply != NULL;
}

static gboolean
name_gone (gpointer user_data)
{
  GDBusConnection *connection = user_data;
  const char *name = g_object_get_data (G_OBJECT (connection), "watched");
  g_autoptr(GVariant) reply =
    g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                 "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)", name),
                                 G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  gboolean has = TRUE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &has);
  return !has;
}

/* Closes @publisher and waits until the bus says it left: the bus told
 * barged before it answers us, and barged handles its messages in order. */
static void
leave_bus (Fixture *f, GDBusConnection *publisher)
{
  GDBusConnection *ours = barge_test_daemon_get_connection (f->daemon);

  g_object_set_data_full (G_OBJECT (ours), "watched", g_strdup (g_dbus_connection_get_unique_name (publisher)),
                          g_free);
  g_assert_true (g_dbus_connection_close_sync (publisher, NULL, NULL));
  g_assert_true (barge_test_wait_until (name_gone, ours, SHORT_TIMEOUT_MS));
  /* A round trip to barged after the bus's NameOwnerChanged. */
  barge_test_daemon_count_jobs (f->daemon);
}

/* A job of usage "system" follows the proxy its owner's session published
 * (the daemon's own is dead), until the publisher leaves the bus; a job
 * with "none" of its own keeps going direct. */
static void
test_session_published (Fixture *f, gconstpointer data)
{
  g_autoptr(GDBusConnection) publisher = new_publisher ();
  g_autofree char *via = dead_origin_url (f, "via-session");
  g_autofree char *after = dead_origin_url (f, "after-session");
  g_autofree char *own = dead_origin_url (f, "own-none");
  g_autofree char *p1 = NULL, *p2 = NULL, *p3 = NULL;
  g_autoptr(BargeDBusJob) job = new_job (f, via, "via-session", &p1);
  g_autoptr(BargeDBusJob) none = new_job (f, own, "own-none", &p3);
  g_autoptr(BargeDBusJob) later = NULL;
  g_autofree char *http = g_strdup_printf ("http=%s", barge_fault_server_get_base_url (f->server));
  const char * const proxies[] = { http, NULL };
  g_autofree char *after_path = barge_fault_server_get_path ("ok", "after-session");
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (publish (publisher, "override", proxies, NULL, &error));
  g_assert_no_error (error);
  barge_test_job_resume (job);
  finish (f, job, p1, "via-session");
  /* Its own "none" wins over the session's. */
  g_assert_true (set_proxy (none, "none", NULL, NULL, &error));
  g_assert_no_error (error);
  wait_failed (none);
  barge_test_job_cancel (none);

  leave_bus (f, publisher);
  later = new_job (f, after, "after-session", &p2);
  wait_failed (later);
  barge_test_job_cancel (later);
  requests = barge_fault_server_get_requests (f->server, after_path);
  g_assert_cmpuint (requests->len, ==, 0);
}

/* One proxy per scheme, as a session has them: an https proxy alone
 * leaves an http URL direct (the dead origin); "default" covers it,
 * except for a host of the bypass list. A session that says "none" sends
 * the user's jobs direct past the daemon's proxy; "system" gives them back
 * to the daemon's (dead) one. */
static void
test_session_schemes (Fixture *f, gconstpointer data)
{
  g_autoptr(GDBusConnection) publisher = new_publisher ();
  g_autofree char *https = g_strdup_printf ("https=%s", barge_fault_server_get_base_url (f->server));
  g_autofree char *other = g_strdup_printf ("default=%s", barge_fault_server_get_base_url (f->server));
  const char * const https_only[] = { https, NULL };
  const char * const default_only[] = { other, NULL };
  const char * const bypass[] = { "127.0.0.0/8", NULL };
  const struct {
    const char *name;
    const char *usage;
    const char * const *proxies;
    const char * const *bypass;
    gboolean dead_origin;
    gboolean arrives;
  } cases[] = {
    { "https-only", "override", https_only, NULL, TRUE, FALSE },
    { "default", "override", default_only, NULL, TRUE, TRUE },
    { "bypassed", "override", default_only, bypass, TRUE, FALSE },
    { "session-none", "none", NULL, NULL, FALSE, TRUE },
    { "session-system", "system", NULL, NULL, FALSE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = cases[i].dead_origin ? dead_origin_url (f, cases[i].name)
                                                  : barge_fault_server_get_url (f->server, "ok", cases[i].name, SIZE);
      g_autofree char *path = NULL;
      g_autoptr(BargeDBusJob) job = new_job (f, url, cases[i].name, &path);
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i].name);
      g_assert_true (publish (publisher, cases[i].usage, cases[i].proxies, cases[i].bypass, &error));
      g_assert_no_error (error);
      if (cases[i].arrives)
        {
          barge_test_job_resume (job);
          finish (f, job, path, cases[i].name);
        }
      else
        {
          wait_failed (job);
          barge_test_job_cancel (job);
        }
    }
}

/* Bad settings: InvalidArgument saying what is accepted, a proxy never
 * echoed, and what the session said before still holds. */
static void
test_session_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(GDBusConnection) publisher = new_publisher ();
  g_autofree char *url = barge_fault_server_get_url (f->server, "ok", "still-direct", SIZE);
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  const char * const good[] = { "http=http://127.0.0.1:3128", NULL };
  const char * const secret[] = { "https=http://user:s3cret@127.0.0.1:3128", NULL };
  const char * const no_port[] = { "default=http://127.0.0.1", NULL };
  const char * const ftp_key[] = { "ftp=http://127.0.0.1:3128", NULL };
  const char * const bad_bypass[] = { "exa mple.com", NULL };
  g_auto(GStrv) sixty_five = many_hosts (BARGED_TEST_MAX_BYPASS + 1);
  g_autoptr(GError) error = NULL;

  g_assert_true (publish (publisher, "none", NULL, NULL, &error));
  g_assert_no_error (error);
  {
    const struct {
      const char *usage;
      const char * const *proxies;
      const char * const *bypass;
      const char *said;
    } bad[] = {
      { "auto", NULL, NULL, "\"system\", \"none\" or \"override\", not \"auto\"" },
      { "none", good, NULL, "for \"override\" only" },
      { "system", NULL, bad_bypass, "for \"override\" only" },
      { "override", NULL, NULL, "a proxy for \"http\", \"https\" or \"default\" at least" },
      { "override", ftp_key, NULL, "are \"http\", \"https\" and \"default\", not \"ftp\"" },
      { "override", secret, NULL, "the \"https\" proxy is not SCHEME://HOST:PORT" },
      { "override", no_port, NULL, "the \"default\" proxy is not" },
      { "override", good, bad_bypass, "bypass entry 1 is not" },
      { "override", good, (const char * const *) sixty_five, "at most 64 entries, not 65" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      assert_refused (publish (publisher, bad[i].usage, bad[i].proxies, bad[i].bypass, &error), &error,
                      bad[i].said);
  }
  /* "none" still holds: past the daemon's dead proxy to the live origin. */
  job = new_job (f, url, "still-direct", &path);
  barge_test_job_resume (job);
  finish (f, job, path, "still-direct");
}

/* --- a session's proxy agent (Manager.RegisterSessionProxyAgent) --------------------- */

/* A session's agent on a connection of its own, answering from its own
 * thread while the test thread waits in synchronous calls. */
typedef struct {
  GDBusConnection *connection;
  guint registration;
  GMutex lock;                /* guards answer and asked */
  GStrv answer;               /* what LookupProxy answers next; "error:TEXT": that D-Bus error */
  GPtrArray *asked;           /* the URIs it was asked for */
} Agent;

static void
agent_method_call (GDBusConnection *connection, const char *sender, const char *path, const char *interface,
                   const char *method, GVariant *parameters, GDBusMethodInvocation *invocation, gpointer user_data)
{
  Agent *agent = user_data;
  const char *uri;

  g_variant_get (parameters, "(&s)", &uri);
  g_mutex_lock (&agent->lock);
  BARGE_TSAN_ACQUIRE (agent); /* GMutex is a hand-off TSan cannot see */
  g_ptr_array_add (agent->asked, g_strdup (uri));
  if (agent->answer[0] != NULL && g_str_has_prefix (agent->answer[0], "error:"))
    g_dbus_method_invocation_return_dbus_error (invocation, "org.example.Agent.Failed",
                                                agent->answer[0] + strlen ("error:"));
  else
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", agent->answer));
  BARGE_TSAN_RELEASE (agent);
  g_mutex_unlock (&agent->lock);
}

static const GDBusInterfaceVTable agent_vtable = { agent_method_call, NULL, NULL, { 0 } };

static gboolean
agent_setup (gpointer user_data)
{
  Agent *agent = user_data;
  g_autoptr(GError) error = NULL;

  agent->connection = new_publisher ();
  agent->registration =
    g_dbus_connection_register_object (agent->connection, "/org/freedesktop/Barge1/SessionProxyAgent",
                                       barge_dbus_session_proxy_agent_interface_info (), &agent_vtable, agent, NULL,
                                       &error);
  g_assert_no_error (error);
  return TRUE;
}

static void
agent_teardown (gpointer user_data)
{
  Agent *agent = user_data;

  if (agent->registration != 0)
    g_dbus_connection_unregister_object (agent->connection, agent->registration);
}

static void
agent_answer (Agent *agent, const char * const *answer)
{
  g_mutex_lock (&agent->lock);
  BARGE_TSAN_ACQUIRE (agent); /* GMutex is a hand-off TSan cannot see */
  g_strfreev (agent->answer);
  agent->answer = g_strdupv ((char **) answer);
  BARGE_TSAN_RELEASE (agent);
  g_mutex_unlock (&agent->lock);
}

static guint
agent_count_asked (Agent *agent, const char *needle)
{
  guint n = 0;

  g_mutex_lock (&agent->lock);
  BARGE_TSAN_ACQUIRE (agent); /* GMutex is a hand-off TSan cannot see */
  for (guint i = 0; i < agent->asked->len; i++)
    n += strstr (g_ptr_array_index (agent->asked, i), needle) != NULL;
  BARGE_TSAN_RELEASE (agent);
  g_mutex_unlock (&agent->lock);
  return n;
}

/* The session's agent answers for each URL (as a PAC script would): its
 * proxy carries a job to a dead origin; "direct://" takes a job past the
 * daemon's dead proxy; an answer that is not a proxy fails the job without
 * being echoed, and the origin sees nothing; once the agent left the bus,
 * the daemon's (dead) proxy holds again. SetSessionProxy replaces it. */
static void
test_session_agent (Fixture *f, gconstpointer data)
{
  Agent agent = { 0 };
  BargeTestLoopThread *thread = NULL;
  g_autofree char *proxy = g_strdup (barge_fault_server_get_base_url (f->server));
  g_autofree char *dead_host = g_strdup_printf ("127.0.0.1:%u", f->dead_port);
  const char * const via_proxy[] = { proxy, NULL };
  const char * const direct[] = { "direct://", NULL };
  const char * const bad[] = { "ftp://s3cret@127.0.0.1:21", NULL };
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_mutex_init (&agent.lock);
  agent.asked = g_ptr_array_new_with_free_func (g_free);
  agent_answer (&agent, via_proxy);
  thread = barge_test_loop_thread_start ("proxy-agent", agent_setup, agent_teardown, &agent);
  reply = g_dbus_connection_call_sync (agent.connection, BARGE_TEST_BUS_NAME, BARGE_TEST_MANAGER_PATH,
                                       BARGE_TEST_MANAGER_IFACE, "RegisterSessionProxyAgent", NULL,
                                       G_VARIANT_TYPE ("()"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);

  {
    g_autofree char *url = dead_origin_url (f, "via-agent");
    g_autofree char *path = NULL;
    g_autoptr(BargeDBusJob) job = new_job (f, url, "via-agent", &path);

    barge_test_job_resume (job);
    finish (f, job, path, "via-agent");
    g_assert_cmpuint (agent_count_asked (&agent, dead_host), >=, 1);
  }
  {
    g_autofree char *url = barge_fault_server_get_url (f->server, "ok", "agent-direct", SIZE);
    g_autofree char *path = NULL;
    g_autoptr(BargeDBusJob) job = new_job (f, url, "agent-direct", &path);

    agent_answer (&agent, direct);
    barge_test_job_resume (job);
    finish (f, job, path, "agent-direct");
  }
  {
    g_autofree char *url = barge_fault_server_get_url (f->server, "ok", "agent-bad", SIZE);
    g_autofree char *origin_path = barge_fault_server_get_path ("ok", "agent-bad");
    g_autoptr(GPtrArray) requests = NULL;
    g_autofree char *path = NULL;
    g_autoptr(BargeDBusJob) job = new_job (f, url, "agent-bad", &path);

    agent_answer (&agent, bad);
    wait_failed (job);
    barge_test_assert_job_error (job, BARGE_TEST_ERROR_PREFIX "ConnectFailure", "neither direct://");
    {
      const char *context, *name, *message, *file;

      g_variant_get (barge_dbus_job_get_error (job), "(&s&s&s&s)", &context, &name, &message, &file);
      g_assert_null (strstr (message, "s3cret"));
    }
    requests = barge_fault_server_get_requests (f->server, origin_path);
    g_assert_cmpuint (requests->len, ==, 0);
    barge_test_job_cancel (job);
  }

  /* An agent's error: its text, bounded and without control characters,
   * is what the job's error says (stored and shown to clients). Before,
   * it went whole, 8 KiB and escape sequences included. */
  {
    g_autofree char *url = barge_fault_server_get_url (f->server, "ok", "agent-fails", SIZE);
    g_autofree char *long_text = g_strnfill (8192, 'x');
    g_autofree char *failure = g_strconcat ("error:\x1b[31mbroken ", long_text, NULL);
    const char * const fails[] = { failure, NULL };
    g_autofree char *path = NULL;
    g_autoptr(BargeDBusJob) job = new_job (f, url, "agent-fails", &path);
    const char *context, *name, *message, *file;

    agent_answer (&agent, fails);
    wait_failed (job);
    g_variant_get (barge_dbus_job_get_error (job), "(&s&s&s&s)", &context, &name, &message, &file);
    g_test_message ("agent's error: %.120s (%zu bytes)", message, strlen (message));
    g_assert_nonnull (strstr (message, "broken"));
    g_assert_null (strchr (message, '\x1b'));
    g_assert_cmpuint (strlen (message), <, 1024);
    barge_test_job_cancel (job);
  }

  /* The agent leaves: the daemon's dead proxy again. */
  barge_test_loop_thread_stop (thread);
  leave_bus (f, agent.connection);
  {
    g_autofree char *url = dead_origin_url (f, "after-agent");
    g_autofree char *path = NULL;
    g_autoptr(BargeDBusJob) job = new_job (f, url, "after-agent", &path);
    guint asked = agent_count_asked (&agent, "");

    agent_answer (&agent, via_proxy);
    wait_failed (job);
    g_assert_cmpuint (agent_count_asked (&agent, ""), ==, asked);
    barge_test_job_cancel (job);
  }
  g_object_unref (agent.connection);
  g_strfreev (agent.answer);
  g_ptr_array_unref (agent.asked);
  g_mutex_clear (&agent.lock);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  BARGE_TEST_ADD ("/proxy/override", test_override);
  BARGE_TEST_ADD ("/proxy/override-failover", test_override_failover);
  BARGE_TEST_ADD ("/proxy/credentials", test_credentials);
  BARGE_TEST_ADD ("/proxy/credentials-tunnel", test_credentials_tunnel);
  BARGE_TEST_ADD ("/proxy/credentials-not-to-server", test_credentials_not_to_server);
  BARGE_TEST_ADD ("/proxy/credentials-proxy-changes", test_credentials_proxy_changes);
  BARGE_TEST_ADD ("/proxy/bypass-none-system", test_bypass_none_system);
  BARGE_TEST_ADD ("/proxy/refused", test_refused);
  BARGE_TEST_ADD ("/proxy/create-options", test_create_options);
  BARGE_TEST_ADD ("/proxy/session/published", test_session_published);
  BARGE_TEST_ADD ("/proxy/own-proxy-rests-alone", test_own_proxy_rests_alone);
  BARGE_TEST_ADD ("/proxy/session/schemes", test_session_schemes);
  BARGE_TEST_ADD ("/proxy/session/refused", test_session_refused);
  BARGE_TEST_ADD ("/proxy/session/agent", test_session_agent);
  return g_test_run ();
}
