/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The resume and validator rules against a real web server: Debian's
 * nginx, started by the test on 127.0.0.1 with a private configuration in
 * a temporary folder (static files, ETag "mtime-size", ranges, If-Range),
 * not only against our own test servers. Skipped only when there is no
 * nginx binary. */
#define G_LOG_DOMAIN "BargeTestNginx"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <utime.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "barge-fault-server.h"
#include "barge-test-daemon.h"
#include "barge-test-jobs.h"
#include "barge-test-process.h"
#include "barge-test-server.h"

#define TRANSFER_TIMEOUT_MS 60000
#define START_TIMEOUT_MS 10000
/* [Transfer] MaxConnectionsPerHost by default (barged-config.h). */
#define BARGED_TEST_MAX_CONNECTIONS_PER_HOST 6

typedef struct {
  char *nginx;                /* the binary, or NULL: skip */
  char *root;                 /* the private prefix: conf, html, logs, temp */
  char *html;
  char *access_log;
  char *tls_log;              /* of the HTTPS listeners: protocol and connection */
  guint16 port;
  guint16 h2_port;            /* HTTPS with HTTP/2 (ALPN) */
  guint16 h1_port;            /* HTTPS, HTTP/1.1 only */
  GSubprocess *process;
  BargeTestDaemon *daemon;
  char *dir;                  /* downloads */
  char *conf_dir;
} Fixture;

/* --- nginx ------------------------------------------------------------------- */

/* The test CA and its certificate for 127.0.0.1 (tests/nginx/tls, valid
 * until 2126), as absolute paths: nginx reads relative ones from its
 * prefix. */
static char *
test_tls_file (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "nginx", "tls", name, NULL);

  return g_canonicalize_filename (path, NULL);
}

static gboolean
start_nginx (Fixture *f)
{
  g_autofree char *cert = test_tls_file ("server.pem");
  g_autofree char *key = test_tls_file ("server.key");
  g_autofree char *http = NULL;

  f->port = barge_fault_server_reserve_port ();
  f->h2_port = barge_fault_server_reserve_port ();
  f->h1_port = barge_fault_server_reserve_port ();
  /* The HTTPS listeners have the test CA's certificate for 127.0.0.1; their
   * own log says which protocol each request came by and on which
   * connection. */
  http = g_strdup_printf (
    "  log_format barge escape=none '$request_method|$uri|$http_range|$http_if_range|$status|$body_bytes_sent';\n"
    "  access_log %s barge;\n"
    "  log_format tls escape=none '$server_protocol|$connection|$request_method|$uri|$status';\n"
    "  ssl_certificate %s;\n"
    "  ssl_certificate_key %s;\n"
    "  server { listen 127.0.0.1:%u ssl http2; root %s; access_log %s tls; }\n"
    "  server { listen 127.0.0.1:%u ssl; root %s; access_log %s tls; }\n"
    "  server {\n"
    "    listen 127.0.0.1:%u;\n"
    "    root %s;\n"
    "    location /slow/ { limit_rate 4m; }\n"
    "    location /noetag/ { etag off; limit_rate 4m; }\n"
    "  }\n",
    f->access_log, cert, key, f->h2_port, f->html, f->tls_log, f->h1_port, f->html, f->tls_log, f->port,
    f->html);
  f->process = barge_test_nginx_start (f->nginx, f->root, http, f->port, START_TIMEOUT_MS);
  return f->process != NULL;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *conf_arg = NULL;
  g_autofree char *ca_arg = NULL;
  g_autofree char *ca = test_tls_file ("ca.pem");
  gboolean started = FALSE;

  f->nginx = barge_test_find_program ("nginx");
  if (f->nginx == NULL)
    return;

  f->root = g_dir_make_tmp ("barge-test-nginx-XXXXXX", &error);
  g_assert_no_error (error);
  f->html = g_build_filename (f->root, "html", NULL);
  f->access_log = g_build_filename (f->root, "access.log", NULL);
  f->tls_log = g_build_filename (f->root, "tls.log", NULL);
  for (const char *const *sub = (const char *const[]) { "html", "html/slow", "html/noetag", "html/many", NULL };
       *sub; sub++)
    {
      g_autofree char *d = g_build_filename (f->root, *sub, NULL);
      g_assert_cmpint (g_mkdir_with_parents (d, 0755), ==, 0);
    }
  /* A port taken in between by someone else makes nginx fail: try again. */
  for (guint attempt = 0; attempt < 3 && !started; attempt++)
    started = start_nginx (f);
  g_assert_true (started);

  f->conf_dir = g_dir_make_tmp ("barge-test-conf-XXXXXX", &error);
  g_assert_no_error (error);
  conf = g_build_filename (f->conf_dir, "barge.conf", NULL);
  g_file_set_contents (conf, "[Transfer]\nCheckpointInterval=250\n", -1, &error);
  g_assert_no_error (error);
  conf_arg = g_strdup_printf ("--config=%s", conf);
  ca_arg = g_strdup_printf ("--test-tls-ca=%s", ca);
  {
    const char *args[] = { conf_arg, ca_arg, NULL };
    f->daemon = barge_test_daemon_new_with_args (args);
  }
  f->dir = g_dir_make_tmp ("barge-test-dl-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  barge_test_daemon_free (f->daemon);
  barge_test_process_stop (f->process, 5000);
  g_clear_object (&f->process);
  barge_test_remove_tree (f->root);
  barge_test_remove_tree (f->dir);
  barge_test_remove_tree (f->conf_dir);
  g_free (f->nginx);
  g_free (f->root);
  g_free (f->html);
  g_free (f->access_log);
  g_free (f->tls_log);
  g_free (f->dir);
  g_free (f->conf_dir);
}

static gboolean
skip_without_nginx (Fixture *f)
{
  if (f->nginx != NULL)
    return FALSE;
  g_test_skip ("no nginx binary (install the nginx package)");
  return TRUE;
}

typedef struct {
  char *method;
  char *uri;
  char *range;                /* NULL for "-" */
  char *if_range;
  guint status;
} LogLine;

static void
log_line_free (LogLine *l)
{
  g_free (l->method);
  g_free (l->uri);
  g_free (l->range);
  g_free (l->if_range);
  g_free (l);
}

/* The access log, in the "barge" format above, for URI. */
static GPtrArray *
read_access_log (Fixture *f, const char *uri)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) log_line_free);
  g_autoptr(GRegex) re = g_regex_new ("^([^|]+)\\|([^|]+)\\|([^|]*)\\|([^|]*)\\|(\\d+)\\|(\\d+)$", 0, 0, NULL);

  g_file_get_contents (f->access_log, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GMatchInfo) match = NULL;
      LogLine *l;

      if (!g_regex_match (re, lines[i], 0, &match))
        continue;
      l = g_new0 (LogLine, 1);
      l->method = g_match_info_fetch (match, 1);
      l->uri = g_match_info_fetch (match, 2);
      l->range = g_match_info_fetch (match, 3);
      l->if_range = g_match_info_fetch (match, 4);
      {
        g_autofree char *status = g_match_info_fetch (match, 5);
        l->status = (guint) g_ascii_strtoull (status, NULL, 10);
      }
      /* An absent header logs as "" with escape=none (as "-" without). */
      if (g_str_equal (l->range, "-") || g_str_equal (l->range, ""))
        g_clear_pointer (&l->range, g_free);
      if (g_str_equal (l->if_range, "-") || g_str_equal (l->if_range, ""))
        g_clear_pointer (&l->if_range, g_free);
      if (g_strcmp0 (l->uri, uri) == 0)
        g_ptr_array_add (out, l);
      else
        log_line_free (l);
    }
  for (guint i = 0; i < out->len; i++)
    {
      LogLine *l = g_ptr_array_index (out, i);
      g_test_message ("nginx: %s %s Range: %s If-Range: %s -> %u", l->method, l->uri,
                      l->range ? l->range : "-", l->if_range ? l->if_range : "-", l->status);
    }
  return out;
}

/* The first GET after the first one that resumed (Range from a non-zero
 * offset), or NULL. */
static LogLine *
find_resume (GPtrArray *log)
{
  for (guint i = 1; i < log->len; i++)
    {
      LogLine *l = g_ptr_array_index (log, i);
      if (g_str_equal (l->method, "GET") && l->range != NULL && !g_str_equal (l->range, "bytes=0-"))
        return l;
    }
  return NULL;
}

typedef struct {
  BargeDBusJob *job;
  guint64 bytes;
} BytesWait;

static guint64
job_done (BargeDBusJob *job)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) value = NULL;
  guint64 total, done, n, nd;

  barge_dbus_job_call_get_progress_sync (job, &value, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (value, "(tttt)", &total, &done, &n, &nd);
  return done;
}

static gboolean
done_above (gpointer user_data)
{
  BytesWait *w = user_data;
  return job_done (w->job) > w->bytes;
}

typedef struct {
  gboolean restarted;
  gboolean changed;
} Flags;

static void
on_file_notify (GObject *object, GParamSpec *pspec, Flags *flags)
{
  flags->restarted |= barge_dbus_file_get_has_restarted (BARGE_DBUS_FILE (object));
  flags->changed |= barge_dbus_file_get_has_response_changed (BARGE_DBUS_FILE (object));
}

/* A file that nginx serves from FOLDER, and a new job (not resumed yet)
 * that downloads it into the test folder. */
typedef struct {
  char *file;                 /* under nginx's html root */
  char *uri;                  /* "/FOLDER/NAME", as in the access log */
  char *dest;
  char *path;                 /* the job's object path */
  BargeDBusJob *job;
} Served;

static void
served_init (Served *s, Fixture *f, const char *folder, const char *name, guint64 size)
{
  g_autofree char *url = NULL;
  g_autofree char *display_name = g_strdup_printf ("nginx-%s", name);

  s->file = g_build_filename (f->html, folder, name, NULL);
  barge_test_write_content (s->file, name, size);
  s->uri = g_strdup_printf ("/%s/%s", folder, name);
  url = g_strdup_printf ("http://127.0.0.1:%u%s", f->port, s->uri);
  s->dest = g_build_filename (f->dir, name, NULL);
  s->path = barge_test_daemon_create_job (f->daemon, display_name);
  s->job = barge_test_daemon_get_job (f->daemon, s->path);
  barge_test_job_add_file (s->job, url, s->dest);
}

static void
served_clear (Served *s)
{
  g_clear_pointer (&s->file, g_free);
  g_clear_pointer (&s->uri, g_free);
  g_clear_pointer (&s->dest, g_free);
  g_clear_pointer (&s->path, g_free);
  g_clear_object (&s->job);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Served, served_clear)

/* Waits until JOB has received more than BYTES. */
static void
wait_bytes (BargeDBusJob *job, guint64 bytes)
{
  BytesWait w = { job, bytes };
  g_autofree char *what = g_strdup_printf ("%" G_GUINT64_FORMAT " bytes from nginx", bytes);

  barge_test_assert_wait (done_above, &w, TRANSFER_TIMEOUT_MS, what);
}

static void
suspend_for (BargeDBusJob *job, guint ms)
{
  g_autoptr(GError) error = NULL;

  barge_dbus_job_call_suspend_sync (job, NULL, &error);
  g_assert_no_error (error);
  barge_test_run_for (ms);
}

/* --- tests ---------------------------------------------------------------------- */

/* Killed mid-file, restarted: the daemon resumes with Range and If-Range
 * on nginx's strong ETag, nginx answers 206, and the file is exact. */
static void
test_kill_resume (Fixture *f, gconstpointer data)
{
  const guint64 size = 12 * MiB;
  g_auto(Served) s = { 0 };
  g_autoptr(GPtrArray) log = NULL;
  LogLine *resumed;

  if (skip_without_nginx (f))
    return;
  served_init (&s, f, "slow", "kill.bin", size);
  barge_test_job_resume (s.job);
  wait_bytes (s.job, 3 * MiB);

  barge_test_daemon_restart (f->daemon);
  g_clear_object (&s.job);
  s.job = barge_test_daemon_get_job (f->daemon, s.path);
  barge_test_wait_job_state (s.job, "transferred", TRANSFER_TIMEOUT_MS);
  log = read_access_log (f, s.uri);
  resumed = find_resume (log);
  g_assert_nonnull (resumed);
  g_assert_nonnull (resumed->if_range);
  g_assert_true (resumed->if_range[0] == '"');   /* nginx's strong ETag */
  g_assert_cmpuint (resumed->status, ==, 206);
  barge_test_job_complete (s.job);
  barge_test_daemon_wait_job_removed (f->daemon, s.path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (s.dest, "kill.bin", size);
}

/* Suspended mid-file, the file on the server replaced (new ETag and
 * length), resumed: If-Range fails, nginx sends 200, and the daemon starts
 * over with HasRestarted and HasResponseChanged; the result is the new file. */
static void
run_changed (Fixture *f, const char *location, gboolean expect_etag)
{
  const guint64 size = 8 * MiB, new_size = 8 * MiB + 4321;
  g_auto(Served) s = { 0 };
  g_autoptr(BargeDBusFile) dfile = NULL;
  g_autofree char *file_path = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GError) error = NULL;
  LogLine *last;
  Flags flags = { FALSE, FALSE };

  served_init (&s, f, location, "change.bin", size);
  file_path = barge_test_job_file_path (f->daemon, s.job, 0);
  dfile = barge_test_daemon_get_file (f->daemon, file_path);
  g_signal_connect (dfile, "notify::has-restarted", G_CALLBACK (on_file_notify), &flags);
  g_signal_connect (dfile, "notify::has-response-changed", G_CALLBACK (on_file_notify), &flags);
  barge_test_job_resume (s.job);
  wait_bytes (s.job, 1 * MiB);
  suspend_for (s.job, 300);

  /* Same path, other content, other length, other mtime. */
  {
    g_autofree char *v2 = barge_fault_server_content_name ("change.bin", 2);
    g_autofree guint8 *data = g_malloc (new_size);
    struct utimbuf times = { .actime = 1700001000, .modtime = 1700001000 };

    barge_test_fill_content (v2, 0, data, new_size);
    g_file_set_contents (s.file, (const char *) data, (gssize) new_size, &error);
    g_assert_no_error (error);
    g_assert_cmpint (utime (s.file, &times), ==, 0);
  }
  barge_test_job_resume (s.job);
  barge_test_wait_job_state (s.job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_run_for (100);

  log = read_access_log (f, s.uri);
  g_assert_cmpuint (log->len, >=, 2);
  last = g_ptr_array_index (log, log->len - 1);
  /* The resume asked for a range guarded by the old validator, and got the
   * whole new file instead. */
  {
    LogLine *resume = find_resume (log);
    g_assert_nonnull (resume);
    g_assert_nonnull (resume->if_range);
    g_assert_true ((resume->if_range[0] == '"') == expect_etag);
    g_assert_cmpuint (resume->status, ==, 200);
  }
  g_assert_cmpuint (last->status, ==, 200);
  g_assert_true (flags.restarted);
  g_assert_true (flags.changed);
  barge_test_job_complete (s.job);
  barge_test_daemon_wait_job_removed (f->daemon, s.path, SHORT_TIMEOUT_MS);
  {
    g_autofree char *v2 = barge_fault_server_content_name ("change.bin", 2);
    barge_test_assert_file_content (s.dest, v2, new_size);
  }
}

static void
test_etag_changed (Fixture *f, gconstpointer data)
{
  if (!skip_without_nginx (f))
    run_changed (f, "slow", TRUE);
}

/* With "etag off" nginx sends only Last-Modified: the daemon resumes with
 * If-Range on the date (strong: more than a second before Date). */
static void
test_last_modified_changed (Fixture *f, gconstpointer data)
{
  if (!skip_without_nginx (f))
    run_changed (f, "noetag", FALSE);
}

/* Suspended and resumed with the file unchanged: a 206 on the date
 * validator continues the file. */
static void
test_last_modified_resume (Fixture *f, gconstpointer data)
{
  const guint64 size = 6 * MiB;
  g_auto(Served) s = { 0 };
  g_autoptr(GPtrArray) log = NULL;
  LogLine *resumed;

  if (skip_without_nginx (f))
    return;
  served_init (&s, f, "noetag", "lm.bin", size);
  barge_test_job_resume (s.job);
  wait_bytes (s.job, 1 * MiB);
  suspend_for (s.job, 300);
  barge_test_job_resume (s.job);
  barge_test_wait_job_state (s.job, "transferred", TRANSFER_TIMEOUT_MS);

  log = read_access_log (f, s.uri);
  resumed = find_resume (log);
  g_assert_nonnull (resumed);
  g_assert_cmpstr (resumed->if_range, ==, "Tue, 14 Nov 2023 22:13:20 GMT");
  g_assert_cmpuint (resumed->status, ==, 206);
  barge_test_job_complete (s.job);
  barge_test_daemon_wait_job_removed (f->daemon, s.path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (s.dest, "lm.bin", size);
}

/* The file on the server was cut to exactly what arrived, same
 * Last-Modified: nginx answers the resume 416 with "bytes * / LEN", LEN
 * the local length and the validator matched. But the file was announced
 * 6 MiB: a server (or a cache) that says it ends where the client
 * stopped is not believed; the file starts over, and comes as the server
 * has it now. (A file that really had every byte, its known length
 * included, is complete at such a 416: test-crash's storm.) */
static void
test_416_short_of_known_length (Fixture *f, gconstpointer data)
{
  const guint64 size = 6 * MiB;
  g_auto(Served) s = { 0 };
  g_autofree char *file_path = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GVariant) progress = NULL;
  g_autofree guint8 *prefix = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *actual = NULL;
  struct utimbuf times = { .actime = 1700000000, .modtime = 1700000000 };
  guint64 total, done;
  gboolean completed;
  LogLine *met, *last;

  if (skip_without_nginx (f))
    return;
  served_init (&s, f, "noetag", "cut.bin", size);
  file_path = barge_test_job_file_path (f->daemon, s.job, 0);
  barge_test_job_resume (s.job);
  wait_bytes (s.job, 1 * MiB);
  suspend_for (s.job, 500);
  progress = barge_test_daemon_get_property (f->daemon, file_path, BARGE_TEST_FILE_IFACE, "Progress");
  g_variant_get (progress, "(ttb)", &total, &done, &completed);
  g_test_message ("suspended at %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT, done, total);
  g_assert_cmpuint (done, >, 0);
  g_assert_cmpuint (done, <, size);

  g_assert_cmpint (truncate (s.file, (off_t) done), ==, 0);
  g_assert_cmpint (utime (s.file, &times), ==, 0);
  barge_test_job_resume (s.job);
  barge_test_wait_job_state (s.job, "transferred", TRANSFER_TIMEOUT_MS);
  log = read_access_log (f, s.uri);
  g_assert_cmpuint (log->len, >=, 3);
  met = g_ptr_array_index (log, log->len - 2);
  g_assert_cmpuint (met->status, ==, 416);
  g_assert_nonnull (met->range);
  last = g_ptr_array_index (log, log->len - 1);
  g_assert_cmpuint (last->status, ==, 200);
  g_assert_null (last->range);
  barge_test_job_complete (s.job);
  barge_test_daemon_wait_job_removed (f->daemon, s.path, SHORT_TIMEOUT_MS);

  prefix = g_malloc (done);
  barge_test_fill_content ("cut.bin", 0, prefix, done);
  expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, prefix, done);
  actual = barge_test_file_sha256 (s.dest);
  g_assert_cmpstr (actual, ==, expected);
}

/* Many small files and two larger ones over HTTPS (the test CA): with
 * HTTP/2 they share one connection, multiplexed; with HTTP/1.1 at most
 * MaxConnectionsPerHost connections, each kept alive from file to file.
 * Every file byte-exact. */
/* As barged decides (barged_request_http2_allowed): HTTP/2 only with a
 * libsoup of 3.6.3 or later, which streams it in bounded memory. Before,
 * a server that offers h2 gets HTTP/1.1 (SOUP_FORCE_HTTP1). */
static gboolean
http2_allowed (void)
{
  return soup_get_major_version () * 10000 + soup_get_minor_version () * 100 + soup_get_micro_version () >= 30603;
}

static void
test_https_many_files (Fixture *f, gconstpointer data)
{
  gboolean h2 = GPOINTER_TO_INT (data);
  const guint n = 62;
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GHashTable) connections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint64 sizes[62];
  guint requests = 0;

  if (skip_without_nginx (f))
    return;
  path = barge_test_daemon_create_job (f->daemon, h2 ? "https h2" : "https h1");
  job = barge_test_daemon_get_job (f->daemon, path);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("m%u", i);
      g_autofree char *file = g_build_filename (f->html, "many", name, NULL);
      g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/many/%s", h2 ? f->h2_port : f->h1_port, name);
      g_autofree char *dest = g_build_filename (f->dir, name, NULL);

      sizes[i] = i >= n - 2 ? 1 * MiB + i : (guint64) (i * 7919) % (48 * KiB);
      barge_test_write_content (file, name, sizes[i]);
      barge_test_job_add_file (job, url, dest);
    }
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_job_complete (job);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, path, TRANSFER_TIMEOUT_MS), ==, "acknowledged");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("m%u", i);
      g_autofree char *dest = g_build_filename (f->dir, name, NULL);

      barge_test_assert_file_content (dest, name, sizes[i]);
    }

  g_file_get_contents (f->tls_log, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "|", -1);

      if (g_strv_length (fields) != 5 || !g_str_has_prefix (fields[3], "/many/"))
        continue;
      g_assert_cmpstr (fields[0], ==, h2 && http2_allowed () ? "HTTP/2.0" : "HTTP/1.1");
      g_hash_table_add (connections, g_strdup (fields[1]));
      if (g_str_equal (fields[2], "GET"))
        requests++;
    }
  g_test_message ("%u GETs on %u connections", requests, g_hash_table_size (connections));
  g_assert_cmpuint (requests, >=, n);
  /* HTTP/2: libsoup multiplexes one connection per host (a second one may
   * race the first's handshake). HTTP/1.1: kept alive, never more than
   * the per-host cap, and one for the HEAD size probes beside them. */
  g_assert_cmpuint (g_hash_table_size (connections), <=,
                    h2 && http2_allowed () ? 2 : BARGED_TEST_MAX_CONNECTIONS_PER_HOST + 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/nginx/kill-resume", Fixture, NULL, fixture_setup, test_kill_resume, fixture_teardown);
  g_test_add ("/nginx/etag-changed", Fixture, NULL, fixture_setup, test_etag_changed, fixture_teardown);
  g_test_add ("/nginx/last-modified-resume", Fixture, NULL, fixture_setup, test_last_modified_resume,
              fixture_teardown);
  g_test_add ("/nginx/last-modified-changed", Fixture, NULL, fixture_setup, test_last_modified_changed,
              fixture_teardown);
  g_test_add ("/nginx/416-short-of-known-length", Fixture, NULL, fixture_setup, test_416_short_of_known_length, fixture_teardown);
  g_test_add ("/nginx/https-h2-many-files", Fixture, GINT_TO_POINTER (TRUE), fixture_setup, test_https_many_files,
              fixture_teardown);
  g_test_add ("/nginx/https-h1-many-files", Fixture, GINT_TO_POINTER (FALSE), fixture_setup, test_https_many_files,
              fixture_teardown);
  return g_test_run ();
}
