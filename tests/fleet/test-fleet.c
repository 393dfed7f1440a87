/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fleets behind a shared cache (issue 17, item 5; docs/fleet.md): Debian's
 * Squid on 127.0.0.1 as the proxy of five barged clients (five buses and
 * state folders, barge.conf [Transfer] Proxy=), Debian's nginx as the
 * origin of a 64 MiB file. The origin serves the file once (its access
 * log), every client's copy is byte-exact, and a client killed in the
 * middle resumes with a Range request that the cache answers; NoProxy and
 * Proxy=none go around the cache. Skipped without squid or nginx. */
#define G_LOG_DOMAIN "BargeTestFleet"

#include "config.h"

#include <pwd.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "barge-fault-server.h"
#include "barge-test-daemon.h"
#include "barge-test-jobs.h"
#include "barge-test-process.h"
#include "barge-test-server.h"

#define N_CLIENTS 5
#define FILE_SIZE (64 * MiB)
#define TRANSFER_TIMEOUT_MS 120000
#define START_TIMEOUT_MS 15000

typedef struct {
  char *squid;                /* the binaries, or NULL: skip */
  char *nginx;
  char *root;                 /* nginx's and Squid's private files */
  guint16 origin_port;
  guint16 proxy_port;
  GSubprocess *origin;
  GSubprocess *proxy;
  BargeTestDaemon *clients[N_CLIENTS];
  char *dir;                  /* downloads */
} Fixture;

static void
write_file (const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

/* The origin: nginx, static files, an access log of method, URI, Range
 * and status. */
static gboolean
start_origin (Fixture *f)
{
  g_autofree char *http = NULL;

  f->origin_port = barge_fault_server_reserve_port ();
  http = g_strdup_printf ("  log_format fleet escape=none '$request_method|$uri|$http_range|$status|$body_bytes_sent';\n"
                          "  access_log %s/origin.log fleet;\n"
                          "  server { listen 127.0.0.1:%u; root %s/html; }\n",
                          f->root, f->origin_port, f->root);
  f->origin = barge_test_nginx_start (f->nginx, f->root, http, f->origin_port, START_TIMEOUT_MS);
  return f->origin != NULL;
}

/* The shared cache: Squid in the foreground (-N), memory only, big enough
 * for the file; its files in the private folder, owned by the user it
 * drops to when started as root. */
static gboolean
start_proxy (Fixture *f)
{
  g_autofree char *conf = g_build_filename (f->root, "squid.conf", NULL);
  g_autofree char *text = NULL;
  const char *argv[] = { f->squid, "-N", "-f", conf, NULL };
  struct passwd *proxy_user = getuid () == 0 ? getpwnam ("proxy") : NULL;

  f->proxy_port = barge_fault_server_reserve_port ();
  text = g_strdup_printf ("http_port 127.0.0.1:%u\n"
                          "%s"
                          "pid_filename %s/squid.pid\n"
                          "access_log stdio:%s/squid-access.log squid\n"
                          "cache_log %s/squid-cache.log\n"
                          "cache_store_log none\n"
                          "coredump_dir %s\n"
                          "pinger_enable off\n"
                          "shutdown_lifetime 1 seconds\n"
                          /* Memory only, big enough for the file. */
                          "cache_mem 256 MB\n"
                          "maximum_object_size_in_memory 128 MB\n"
                          "maximum_object_size 128 MB\n"
                          /* A range request fetches (and caches) the whole
                           * object; clients asking at once share one fetch. */
                          "range_offset_limit none\n"
                          "quick_abort_min -1 KB\n"
                          "collapsed_forwarding on\n"
                          "refresh_pattern . 60 50%% 4320\n"
                          "http_access allow localhost\n"
                          "http_access deny all\n",
                          f->proxy_port, proxy_user != NULL ? "cache_effective_user proxy\n" : "", f->root, f->root,
                          f->root, f->root);
  write_file (f->root, "squid.conf", text);
  if (proxy_user != NULL)
    {
      g_assert_cmpint (chown (f->root, proxy_user->pw_uid, proxy_user->pw_gid), ==, 0);
      g_assert_cmpint (g_chmod (f->root, 0755), ==, 0);
    }
  f->proxy = barge_test_process_start (argv, f->proxy_port, START_TIMEOUT_MS);
  return f->proxy != NULL;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *html = NULL;
  g_autofree char *file = NULL;
  g_autofree char *config = NULL;
  gboolean started = FALSE;

  f->squid = barge_test_find_program ("squid");
  f->nginx = barge_test_find_program ("nginx");
  if (f->squid == NULL || f->nginx == NULL)
    return;
  f->root = g_dir_make_tmp ("barge-test-fleet-XXXXXX", &error);
  g_assert_no_error (error);
  html = g_build_filename (f->root, "html", NULL);
  g_assert_cmpint (g_mkdir_with_parents (html, 0755), ==, 0);
  file = g_build_filename (html, "fleet.bin", NULL);
  /* Its past modification time lets the cache keep it (heuristic
   * freshness from Last-Modified). */
  barge_test_write_content (file, "fleet", FILE_SIZE);
  /* A port taken in between by someone else: try another. */
  for (guint attempt = 0; attempt < 3 && !started; attempt++)
    started = start_origin (f);
  g_assert_true (started);
  started = FALSE;
  for (guint attempt = 0; attempt < 3 && !started; attempt++)
    started = start_proxy (f);
  g_assert_true (started);

  config = g_strdup_printf ("[Transfer]\nProxy=http://127.0.0.1:%u\nCheckpointInterval=200\n", f->proxy_port);
  for (guint i = 0; i < N_CLIENTS; i++)
    f->clients[i] = barge_test_daemon_new_with_config (config);
  f->dir = barge_test_make_dir ("barge-test-fleet-dl-XXXXXX");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < N_CLIENTS; i++)
    g_clear_pointer (&f->clients[i], barge_test_daemon_free);
  barge_test_process_stop (f->proxy, 5000);
  barge_test_process_stop (f->origin, 5000);
  g_clear_object (&f->proxy);
  g_clear_object (&f->origin);
  if (f->root != NULL)
    barge_test_remove_tree (f->root);
  barge_test_clear_dir (&f->dir);
  g_free (f->root);
  g_free (f->squid);
  g_free (f->nginx);
}

/* Lines of @log (in @f's folder) that contain @needle. */
static guint
count_lines (Fixture *f, const char *log, const char *needle, GString *seen)
{
  g_autofree char *path = g_build_filename (f->root, log, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], needle) != NULL)
      {
        n++;
        if (seen != NULL)
          g_string_append_printf (seen, "%s\n", lines[i]);
      }
  return n;
}

/* A job of client @i for the file, limited to @rate bytes/s (0: none). */
static BargeDBusJob *
start_job (Fixture *f, guint i, guint64 rate, char **path)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/fleet.bin", f->origin_port);
  g_autofree char *name = g_strdup_printf ("client-%u.bin", i);
  g_autofree char *dest = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  BargeDBusJob *job;
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "priority", g_variant_new_string ("foreground"));
  /* One connection per file: a Range request is then only ever a resume. */
  g_variant_builder_add (&b, "{sv}", "max-segments", g_variant_new_uint32 (1));
  if (rate != 0)
    g_variant_builder_add (&b, "{sv}", "bandwidth-limit", g_variant_new_uint64 (rate));
  g_assert_true (barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->clients[i]), name,
                                                          "download", g_variant_builder_end (&b), path, NULL,
                                                          &error));
  g_assert_no_error (error);
  job = barge_test_daemon_get_job (f->clients[i], *path);
  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  return job;
}

static void
finish_job (Fixture *f, guint i, BargeDBusJob *job, const char *path)
{
  g_autofree char *name = g_strdup_printf ("client-%u.bin", i);
  g_autofree char *dest = g_build_filename (f->dir, name, NULL);

  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->clients[i], path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest, "fleet", FILE_SIZE);
}

static void
test_shared_cache (Fixture *f, gconstpointer data)
{
  g_autoptr(GString) origin_seen = g_string_new (NULL);
  g_autoptr(GString) proxy_seen = g_string_new (NULL);
  BargeDBusJob *jobs[N_CLIENTS] = { NULL };
  char *paths[N_CLIENTS] = { NULL };

  if (f->squid == NULL || f->nginx == NULL)
    {
      g_test_skip ("no squid or nginx (contrib/setup installs both)");
      return;
    }
  /* The first client fills the cache. */
  jobs[0] = start_job (f, 0, 0, &paths[0]);
  finish_job (f, 0, jobs[0], paths[0]);

  /* Client 1 goes slowly and is killed in the middle; clients 2 to 4
   * fetch the file at the same time meanwhile. */
  jobs[1] = start_job (f, 1, 16 * MiB, &paths[1]);
  for (guint i = 2; i < N_CLIENTS; i++)
    jobs[i] = start_job (f, i, 0, &paths[i]);
  barge_test_assert_wait (barge_test_job_has_some_bytes, jobs[1], TRANSFER_TIMEOUT_MS, "256 KiB in");
  /* A checkpoint (every 200 ms) has made some of them durable. */
  barge_test_run_for (800);
  barge_test_daemon_kill (f->clients[1]);
  for (guint i = 2; i < N_CLIENTS; i++)
    finish_job (f, i, jobs[i], paths[i]);
  barge_test_daemon_start (f->clients[1]);
  g_clear_object (&jobs[1]);
  jobs[1] = barge_test_daemon_get_job (f->clients[1], paths[1]);
  finish_job (f, 1, jobs[1], paths[1]);

  /* The origin served the file once: one GET (HEADs, if any, carry no
   * body); every other request was the cache's. */
  count_lines (f, "origin.log", "/fleet.bin", origin_seen);
  g_test_message ("origin:\n%s", origin_seen->str);
  g_assert_cmpuint (count_lines (f, "origin.log", "GET|/fleet.bin", NULL), ==, 1);
  /* The resume of the killed client (no segments: the only Range
   * request), answered from the cache with 206. */
  count_lines (f, "squid-access.log", "fleet.bin", proxy_seen);
  g_test_message ("cache:\n%s", proxy_seen->str);
  g_assert_cmpuint (count_lines (f, "squid-access.log", "HIT/206", NULL), >=, 1);
  g_assert_cmpuint (count_lines (f, "squid-access.log", "HIT/200", NULL), >=, N_CLIENTS - 2);

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_clear_object (&jobs[i]);
      g_free (paths[i]);
    }
}

/* What bypasses the cache: a daemon with NoProxy naming the origin, and
 * one with Proxy=none, fetch straight from the origin (one more GET each
 * there, nothing in the cache's log). */
static void
test_bypass (Fixture *f, gconstpointer data)
{
  g_autofree char *no_proxy = g_strdup_printf ("[Transfer]\nProxy=http://127.0.0.1:%u\n"
                                               "NoProxy=localhost; 127.0.0.0/8\n", f->proxy_port);
  const char *configs[] = { no_proxy, "[Transfer]\nProxy=none\n" };
  guint cached_before, origin_before;

  if (f->squid == NULL || f->nginx == NULL)
    {
      g_test_skip ("no squid or nginx (contrib/setup installs both)");
      return;
    }
  origin_before = count_lines (f, "origin.log", "GET|/fleet.bin", NULL);
  cached_before = count_lines (f, "squid-access.log", "fleet.bin", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (configs); i++)
    {
      g_autofree char *path = NULL;
      g_autoptr(BargeDBusJob) job = NULL;

      /* Client 0 becomes a daemon with this configuration. */
      g_clear_pointer (&f->clients[0], barge_test_daemon_free);
      f->clients[0] = barge_test_daemon_new_with_config (configs[i]);
      job = start_job (f, 0, 0, &path);
      finish_job (f, 0, job, path);
      g_assert_cmpuint (count_lines (f, "origin.log", "GET|/fleet.bin", NULL), ==, origin_before + i + 1);
      g_assert_cmpuint (count_lines (f, "squid-access.log", "fleet.bin", NULL), ==, cached_before);
    }
}

static void
set_proxy (BargeDBusJob *job, const char *usage, const char * const *proxies)
{
  static const char * const none[] = { NULL };
  g_autoptr(GError) error = NULL;

  barge_dbus_job_call_set_proxy_settings_sync (job, usage, proxies != NULL ? proxies : none, none, NULL, &error);
  g_assert_no_error (error);
}

/* A job's own proxy (SetProxySettings) over the daemon's: on a daemon
 * with Proxy=none, "override" with the cache goes through it (one more
 * line in its log); on a daemon whose proxy is the cache, "none" goes
 * straight to the origin (one more GET there, nothing in the cache). */
static void
test_job_proxy (Fixture *f, gconstpointer data)
{
  g_autofree char *proxy = g_strdup_printf ("http://127.0.0.1:%u", f->proxy_port);
  const char * const proxies[] = { proxy, NULL };
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/fleet.bin", f->origin_port);
  guint origin_before, cached_before;

  if (f->squid == NULL || f->nginx == NULL)
    {
      g_test_skip ("no squid or nginx (contrib/setup installs both)");
      return;
    }
  g_clear_pointer (&f->clients[0], barge_test_daemon_free);
  f->clients[0] = barge_test_daemon_new_with_config ("[Transfer]\nProxy=none\n");
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("client-%u.bin", i);
      g_autofree char *dest = g_build_filename (f->dir, name, NULL);
      g_autofree char *path = barge_test_daemon_create_job (f->clients[i], name);
      g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->clients[i], path);

      origin_before = count_lines (f, "origin.log", "GET|/fleet.bin", NULL);
      cached_before = count_lines (f, "squid-access.log", "fleet.bin", NULL);
      barge_test_job_add_file (job, url, dest);
      set_proxy (job, i == 0 ? "override" : "none", i == 0 ? proxies : NULL);
      barge_test_job_resume (job);
      finish_job (f, i, job, path);
      g_assert_cmpuint (count_lines (f, "origin.log", "GET|/fleet.bin", NULL), ==, origin_before + 1);
      g_assert_cmpuint (count_lines (f, "squid-access.log", "fleet.bin", NULL), ==, cached_before + (i == 0));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  BARGE_TEST_ADD ("/fleet/shared-cache", test_shared_cache);
  BARGE_TEST_ADD ("/fleet/bypass", test_bypass);
  BARGE_TEST_ADD ("/fleet/job-proxy", test_job_proxy);
  return g_test_run ();
}
