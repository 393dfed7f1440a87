/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fault catalogue: barged against a server that breaks HTTP in every
 * way listed in docs/reliability.md. Each case asserts the job's state,
 * its Error (context, D-Bus error name, file), that nothing wrong or
 * partial is visible under the final name, and that the job finishes with
 * the right bytes once the fault clears. */
#define G_LOG_DOMAIN "BargeTestFaults"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "barge-fault-server.h"
#include "barge-test-daemon.h"
#include "barge-test-jobs.h"

#define TRANSFER_TIMEOUT_MS 30000
/* The daemon's I/O timeout in these tests ([Transfer] Timeout). */
#define IO_TIMEOUT_S 2
#define BASIC_ALICE "Basic YWxpY2U6cHc=" /* alice:pw, as the fault server expects */
#define BARGE_SIZE_UNKNOWN_TEST G_MAXUINT64

typedef struct {
  BargeFaultServer *server;
  BargeTestDaemon *daemon;
  char *dir;                  /* downloads */
} Fixture;

typedef enum {
  TARGET_FAULT,               /* /fault/FAULT/NAME on the plain listener */
  TARGET_TLS,                 /* /fault/ok/NAME on the TLS listener */
  TARGET_REFUSED,             /* a port where nothing listens until healed */
  TARGET_UNRESOLVABLE,        /* a name that cannot resolve */
} Target;

typedef struct {
  const char *fault;
  Target target;
  guint64 size;
  /* The first outcome, while broken; NULL state: no error at all. */
  const char *state;
  const char *context;
  const char *error;
  /* After a Resume while still broken: a second error, or NULL when the
   * job then finishes on its own. */
  const char *second_error;
  gboolean resume_broken;     /* Resume without healing first */
  gboolean recovers;          /* FALSE: the fault cannot clear (TLS trust, DNS) */
  gboolean auto_retry;        /* healed, the job retries by itself: MinimumRetryDelay is
                               * 5 s and the server's Retry-After 7 s, which must win */
  gboolean expect_restarted;
  gboolean expect_changed;
  gboolean expect_resume;     /* a later request resumes with Range + If-Range, answered 206 */
  gboolean expect_416;        /* the last request got 416 (the end of an unknown length confirmed) */
  guint version;              /* content version of the final file */
  const char *logged_fault;   /* the fault whose requests to check, if not this one */
} Scenario;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *config = g_strdup_printf ("[Transfer]\nTimeout=%d\n", IO_TIMEOUT_S);

  f->daemon = barge_test_daemon_new_with_config (config);
  f->server = barge_fault_server_new ();
  f->dir = barge_test_make_dir ("barge-test-fault-XXXXXX");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  barge_test_daemon_free (f->daemon);
  barge_fault_server_free (f->server);
  barge_test_clear_dir (&f->dir);
}

typedef struct {
  gboolean restarted;
  gboolean changed;
} Flags;

static void
on_file_notify (GObject *object, GParamSpec *pspec, Flags *flags)
{
  BargeDBusFile *file = BARGE_DBUS_FILE (object);

  flags->restarted |= barge_dbus_file_get_has_restarted (file);
  flags->changed |= barge_dbus_file_get_has_response_changed (file);
}

static void
dump_requests (GPtrArray *requests)
{
  for (guint i = 0; i < requests->len; i++)
    {
      BargeTestRequest *r = g_ptr_array_index (requests, i);
      g_test_message ("request %u: %s %s Range: %s If-Range: %s -> %u", i, r->method, r->path,
                      r->range ? r->range : "-", r->if_range ? r->if_range : "-", r->status);
    }
}

static void
assert_error (BargeDBusJob *job, const char *context, const char *name, const char *file_path)
{
  const char *c, *n, *m, *p;
  g_autofree char *full = g_strconcat (BARGE_TEST_ERROR_PREFIX, name, NULL);

  g_variant_get (barge_dbus_job_get_error (job), "(&s&s&s&s)", &c, &n, &m, &p);
  g_test_message ("Error: %s %s \"%s\" %s", c, n, m, p);
  g_assert_cmpstr (n, ==, full);
  g_assert_cmpstr (c, ==, context);
  g_assert_cmpstr (m, !=, "");
  g_assert_cmpstr (p, ==, file_path);
  g_assert_cmpuint (barge_dbus_job_get_error_count (job), >=, 1);
}

/* Nothing under the final name, and what the temporary file holds is a
 * prefix of the real content. */
static void
assert_nothing_visible (Fixture *f, BargeDBusFile *file, const char *dest, const char *content)
{
  const char *tmp = barge_dbus_file_get_temporary_path (file);

  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  if (tmp != NULL && *tmp != '\0')
    barge_test_assert_prefix_of (tmp, content);
}

static void
test_fault (Fixture *f, gconstpointer data)
{
  const Scenario *s = data;
  const char *name = "payload";
  g_autofree char *content = barge_fault_server_content_name (name, s->version);
  g_autofree char *dest = g_build_filename (f->dir, name, NULL);
  g_autofree char *url = NULL;
  g_autofree char *req_path = barge_fault_server_get_path (s->logged_fault != NULL ? s->logged_fault : s->fault,
                                                          name);
  g_autofree char *job_path = barge_test_daemon_create_job (f->daemon, s->fault);
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, job_path);
  g_autoptr(BargeDBusFile) file = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(BargeTestStateLog) log = barge_test_state_log_new (job);
  g_autofree char *file_path = NULL;
  g_autofree char *listing = NULL;
  const char * const done_states[] = { "transferred", "error", "transient-error", NULL };
  const char *state;
  guint16 refused_port = 0;
  guint errors_before;
  gint64 failed_at = 0;
  Flags flags = { FALSE, FALSE };

  switch (s->target)
    {
    case TARGET_FAULT:
      url = barge_fault_server_get_url (f->server, s->fault, name, s->size);
      break;
    case TARGET_TLS:
      if (barge_fault_server_get_tls_base_url (f->server) == NULL)
        {
          g_test_skip ("openssl could not make a test certificate");
          return;
        }
      url = g_strdup_printf ("%s/fault/ok/%s?size=%" G_GUINT64_FORMAT,
                             barge_fault_server_get_tls_base_url (f->server), name, s->size);
      break;
    case TARGET_REFUSED:
      refused_port = barge_fault_server_reserve_port ();
      url = g_strdup_printf ("http://127.0.0.1:%u/fault/ok/%s?size=%" G_GUINT64_FORMAT,
                             refused_port, name, s->size);
      g_free (req_path);
      req_path = barge_fault_server_get_path ("ok", name);
      break;
    case TARGET_UNRESOLVABLE:
      /* A label longer than 63 bytes: glibc refuses to build the DNS query,
       * so the lookup fails locally and no packet leaves the machine (a
       * plain "x.invalid" would still be sent to the configured resolver). */
      url = g_strdup_printf ("http://%s.invalid/fault/ok/%s", "a123456789b123456789c123456789d123456789"
                             "e123456789f123456789g1234", name);
      break;
    }

  barge_test_job_add_file (job, url, dest);
  file_path = barge_test_job_file_path (f->daemon, job, 0);
  file = barge_test_daemon_get_file (f->daemon, file_path);
  g_signal_connect (file, "notify::has-restarted", G_CALLBACK (on_file_notify), &flags);
  g_signal_connect (file, "notify::has-response-changed", G_CALLBACK (on_file_notify), &flags);
  if (s->auto_retry)
    barge_test_daemon_set_property (f->daemon, job_path, BARGE_TEST_JOB_IFACE, "MinimumRetryDelay",
                                    g_variant_new_uint32 (5));
  barge_test_state_log_mark (log);
  barge_test_job_resume (job);

  if (s->state != NULL)
    {
      state = barge_test_state_log_wait (log, done_states, TRANSFER_TIMEOUT_MS);
      failed_at = g_get_monotonic_time ();
      {
        g_autofree char *text = g_variant_print (barge_dbus_job_get_error (job), FALSE);
        g_test_message ("state %s, Error %s", state, text);
      }
      g_assert_cmpstr (state, ==, s->state);
      assert_error (job, s->context, s->error, file_path);
      assert_nothing_visible (f, file, dest, name);
      errors_before = barge_dbus_job_get_error_count (job);

      if (s->second_error != NULL)
        {
          barge_test_state_log_mark (log);
          barge_test_job_resume (job);
          state = barge_test_state_log_wait (log, done_states, TRANSFER_TIMEOUT_MS);
          g_assert_cmpstr (state, ==, "transient-error");
          assert_error (job, "remote-file", s->second_error, file_path);
          g_assert_cmpuint (barge_dbus_job_get_error_count (job), >, errors_before);
          assert_nothing_visible (f, file, dest, name);
        }

      if (!s->recovers)
        {
          /* The fault cannot clear here: a retry meets it again, and the
           * job can still be cancelled cleanly. */
          barge_test_state_log_mark (log);
          barge_test_job_resume (job);
          state = barge_test_state_log_wait (log, done_states, TRANSFER_TIMEOUT_MS);
          g_assert_cmpstr (state, ==, s->state);
          assert_error (job, s->context, s->error, file_path);
          g_assert_cmpuint (barge_dbus_job_get_error_count (job), >, errors_before);
          barge_test_job_cancel (job);
          g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, job_path, SHORT_TIMEOUT_MS), ==,
                           "cancelled");
          listing = barge_test_list_dir (f->dir);
          g_assert_cmpstr (listing, ==, "");
          return;
        }

      if (!s->resume_broken)
        {
          if (s->target == TARGET_REFUSED)
            barge_fault_server_listen_on (f->server, refused_port);
          barge_fault_server_set_broken (f->server, FALSE);
        }
      barge_test_state_log_mark (log);
      if (!s->auto_retry)
        barge_test_job_resume (job);
      else
        {
          const char * const queued[] = { "queued", NULL };
          double waited;

          barge_test_state_log_wait (log, queued, 15000);
          waited = (g_get_monotonic_time () - failed_at) / (double) G_USEC_PER_SEC;
          g_test_message ("retried by itself after %.1f s (Retry-After: 7, MinimumRetryDelay: 5)", waited);
          /* Whole-second timers may fire up to a second early. */
          g_assert_cmpfloat (waited, >=, 6.0);
          g_assert_cmpfloat (waited, <, 12.0);
        }
    }

  /* Healed (or a fault the daemon gets past by itself): the job ends. */
  {
    const char * const transferred[] = { "transferred", "error", NULL };
    state = barge_test_state_log_wait (log, transferred, TRANSFER_TIMEOUT_MS);
  }
  requests = barge_fault_server_get_requests (f->server, req_path);
  dump_requests (requests);
  g_assert_cmpstr (state, ==, "transferred");
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));

  if (s->expect_resume)
    {
      gboolean resumed = FALSE;

      for (guint i = 1; i < requests->len && !resumed; i++)
        {
          BargeTestRequest *r = g_ptr_array_index (requests, i);
          resumed = r->range != NULL && !g_str_equal (r->range, "bytes=0-") && r->if_range != NULL &&
                    r->status == 206;
        }
      g_assert_true (resumed);
    }
  if (s->expect_416)
    {
      BargeTestRequest *last = g_ptr_array_index (requests, requests->len - 1);
      g_assert_cmpuint (last->status, ==, 416);
    }
  /* Seen in one report, cleared in the next. */
  barge_test_run_for (100);
  g_assert_cmpint (flags.restarted, ==, s->expect_restarted);
  g_assert_cmpint (flags.changed, ==, s->expect_changed);
  {
    g_autoptr(GVariant) restarted = barge_test_daemon_get_property (f->daemon, file_path, BARGE_TEST_FILE_IFACE,
                                                                    "HasRestarted");
    g_assert_false (g_variant_get_boolean (restarted));
  }

  barge_test_job_complete (job);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, job_path, SHORT_TIMEOUT_MS), ==, "acknowledged");
  barge_test_assert_file_content (dest, content, s->size);
  listing = barge_test_list_dir (f->dir);
  g_assert_cmpstr (listing, ==, name);
}

#define T "transient-error"
#define E "error"
#define TRANSPORT "general-transport"
#define REMOTE "remote-file"

static const Scenario scenarios[] = {
  { "reset", TARGET_FAULT, 1 * MiB, T, TRANSPORT, "ConnectionClosed", .recovers = TRUE, .expect_resume = TRUE },
  { "stall-headers", TARGET_FAULT, 64 * KiB, T, TRANSPORT, "TimedOut", .recovers = TRUE },
  { "stall-body", TARGET_FAULT, 1 * MiB, T, TRANSPORT, "TimedOut", .recovers = TRUE, .expect_resume = TRUE },
  { "500", TARGET_FAULT, 64 * KiB, T, REMOTE, "HttpServerError", .recovers = TRUE },
  { "503", TARGET_FAULT, 64 * KiB, T, REMOTE, "HttpServerError", .recovers = TRUE, .auto_retry = TRUE },
  { "429", TARGET_FAULT, 64 * KiB, T, REMOTE, "TooManyRequests", .recovers = TRUE },
  { "404", TARGET_FAULT, 64 * KiB, E, REMOTE, "RemoteNotFound", .recovers = TRUE },
  { "410", TARGET_FAULT, 64 * KiB, E, REMOTE, "RemoteNotFound", .recovers = TRUE },
  /* The reason phrase ends up in the Error message, a D-Bus string. */
  { "404-latin1", TARGET_FAULT, 64 * KiB, E, REMOTE, "RemoteNotFound", .recovers = TRUE },
  /* So does a header the daemon quotes, here an unusable Content-Range
   * (libsoup 3.2 hands on a "?" for each byte that is not UTF-8; this
   * guards the Error property should that change). */
  { "206-latin1", TARGET_FAULT, 64 * KiB, T, REMOTE, "InvalidServerResponse", .recovers = TRUE },
  { "401", TARGET_FAULT, 64 * KiB, E, REMOTE, "RemoteAccessDenied", .recovers = TRUE },
  { "407", TARGET_FAULT, 64 * KiB, E, REMOTE, "ProxyAuthRequired", .recovers = TRUE },
  { "416", TARGET_FAULT, 1 * MiB, T, TRANSPORT, "ConnectionClosed", .recovers = TRUE, .resume_broken = TRUE,
    .expect_restarted = TRUE, .expect_changed = TRUE },
  { "ignore-range", TARGET_FAULT, 1 * MiB, T, TRANSPORT, "ConnectionClosed", .recovers = TRUE,
    .resume_broken = TRUE, .expect_restarted = TRUE },
  { "etag-change", TARGET_FAULT, 1 * MiB, T, TRANSPORT, "ConnectionClosed", .recovers = TRUE,
    .resume_broken = TRUE, .expect_restarted = TRUE, .expect_changed = TRUE, .version = 2 },
  { "etag-change-206", TARGET_FAULT, 1 * MiB, T, TRANSPORT, "ConnectionClosed", .recovers = TRUE,
    .resume_broken = TRUE, .expect_restarted = TRUE, .expect_changed = TRUE, .version = 2 },
  /* Each 206 covers only 128 KiB of "bytes=N-": the daemon asks for the
   * rest, part after part. */
  { "partial-ranges", TARGET_FAULT, 1 * MiB, T, TRANSPORT, "ConnectionClosed", .recovers = TRUE,
    .resume_broken = TRUE, .expect_resume = TRUE },
  { "redirect-301", TARGET_FAULT, 256 * KiB, NULL, NULL, NULL, .recovers = TRUE },
  { "redirect-302", TARGET_FAULT, 256 * KiB, NULL, NULL, NULL, .recovers = TRUE },
  { "redirect-307", TARGET_FAULT, 256 * KiB, NULL, NULL, NULL, .recovers = TRUE },
  { "redirect-308", TARGET_FAULT, 256 * KiB, NULL, NULL, NULL, .recovers = TRUE },
  /* A temporary redirect is followed again on every resume, Range and
   * If-Range included. */
  { "redirect-reset", TARGET_FAULT, 1 * MiB, T, TRANSPORT, "ConnectionClosed", .recovers = TRUE,
    .expect_resume = TRUE, .logged_fault = "reset" },
  { "redirect-loop", TARGET_FAULT, 64 * KiB, E, REMOTE, "TooManyRedirects", .recovers = TRUE },
  { "tls-untrusted", TARGET_TLS, 64 * KiB, E, TRANSPORT, "TlsFailure", .recovers = FALSE },
  /* libsoup ends a chunked body cut at a chunk boundary like a complete
   * one; the daemon asks for the bytes after it and gets the rest. */
  { "chunked-truncated", TARGET_FAULT, 1 * MiB, NULL, NULL, NULL, .recovers = TRUE, .expect_resume = TRUE },
  { "short-body", TARGET_FAULT, 1 * MiB, T, TRANSPORT, "ConnectionClosed", .recovers = TRUE,
    .expect_resume = TRUE },
  { "long-range", TARGET_FAULT, 1 * MiB, T, TRANSPORT, "ConnectionClosed", .recovers = TRUE,
    .second_error = "InvalidServerResponse", .expect_resume = TRUE },
  /* Stored as sent, and never resumed across a content coding: the 206
   * to the resume is gzip too, so the file starts over. */
  { "gzip", TARGET_FAULT, 1 * MiB, T, TRANSPORT, "ConnectionClosed", .recovers = TRUE, .resume_broken = TRUE,
    .expect_restarted = TRUE, .expect_changed = TRUE },
  /* A complete chunked body: the end check gets 416 and the file is done. */
  { "chunked", TARGET_FAULT, 1 * MiB, NULL, NULL, NULL, .recovers = TRUE, .expect_416 = TRUE },
  /* No length at all, cut: the end check fetches the rest. */
  { "close-delimited", TARGET_FAULT, 1 * MiB, NULL, NULL, NULL, .recovers = TRUE, .expect_resume = TRUE },
  { "drip", TARGET_FAULT, 2 * KiB, NULL, NULL, NULL, .recovers = TRUE },
  { "refused", TARGET_REFUSED, 64 * KiB, T, TRANSPORT, "ConnectFailure", .recovers = TRUE },
  { "unresolvable", TARGET_UNRESOLVABLE, 64 * KiB, T, TRANSPORT, "HostNotFound", .recovers = FALSE },
  { "close-before-headers", TARGET_FAULT, 64 * KiB, T, TRANSPORT, "ConnectionClosed", .recovers = TRUE },
  /* libsoup reports "Header too big" as G_IO_ERROR_PARTIAL_INPUT, the same
   * as a connection cut in the headers: transient either way. */
  { "big-headers", TARGET_FAULT, 64 * KiB, T, TRANSPORT, "ConnectionClosed", .recovers = TRUE },
  /* libsoup's timeout is per read: a server that sends a header byte a
   * second would hold a job in "connecting" for ever without the deadline
   * on the whole response header ([Transfer] Timeout). */
  { "trickle-headers", TARGET_FAULT, 64 * KiB, T, TRANSPORT, "TimedOut", .recovers = TRUE },
  /* The end check of a complete chunked body gets 416 with another
   * length: the file starts over (and after three tries fails). It once
   * came back as a transferred file of 0 bytes: the restart kept the end
   * check's flag, and the next 200 counted as "nothing more to come". */
  { "chunked-416", TARGET_FAULT, 1 * MiB, E, REMOTE, "HttpClientError", .recovers = TRUE,
    .expect_restarted = TRUE, .expect_changed = TRUE },
  /* A plain GET answered with 206 "bytes 0-65535/N" is a first part, not
   * the whole file: the rest is asked for with Range. */
  { "unrequested-206", TARGET_FAULT, 1 * MiB, NULL, NULL, NULL, .recovers = TRUE, .expect_resume = TRUE },
  /* Redirects to schemes libsoup cannot follow are the server's answer,
   * not a transient failure to retry. */
  { "redirect-file", TARGET_FAULT, 64 * KiB, E, REMOTE, "UnsupportedScheme", .recovers = TRUE },
  { "redirect-ftp", TARGET_FAULT, 64 * KiB, E, REMOTE, "UnsupportedScheme", .recovers = TRUE },
};

/* --- regressions that need more than one request ----------------------- */

static void
assert_set_credentials (BargeDBusJob *job)
{
  g_autoptr(GError) error = NULL;

  barge_dbus_job_call_set_credentials_sync (job, "server", "basic", "alice", "pw", NULL, &error);
  g_assert_no_error (error);
}

static guint
count_requests (BargeFaultServer *server, const char *fault, const char *name, const char *method,
                const char *authorization)
{
  g_autofree char *path = barge_fault_server_get_path (fault, name);
  g_autoptr(GPtrArray) requests = barge_fault_server_get_requests (server, path);
  guint n = 0;

  dump_requests (requests);
  for (guint i = 0; i < requests->len; i++)
    {
      BargeTestRequest *r = g_ptr_array_index (requests, i);

      if ((method == NULL || g_str_equal (r->method, method)) &&
          (authorization == NULL || g_strcmp0 (r->authorization, authorization) == 0))
        n++;
    }
  return n;
}

/* A cache holding a copy cut where the client stopped answers the resume
 * "416, the file has exactly the bytes you have" (bytes * / OFFSET): the
 * file was announced longer, so that is not the end; the file starts
 * over and comes whole. Before, it was "transferred" with half its
 * bytes. */
static void
test_416_short_of_known_length (Fixture *f, gconstpointer data)
{
  const guint64 size = 256 * KiB;
  g_autofree char *dest = g_build_filename (f->dir, "short-416", NULL);
  g_autofree char *url = barge_fault_server_get_url (f->server, "cut-copy-416", "short-416", size);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "short-416");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  const char * const done[] = { "transferred", "error", NULL };
  const char * const cut[] = { "transient-error", "transferred", "error", NULL };

  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  /* The first answer is cut: resumed at once, not after the retry delay. */
  g_assert_cmpstr (barge_test_wait_job_states (job, cut, TRANSFER_TIMEOUT_MS), ==, "transient-error");
  barge_test_job_resume (job);
  g_assert_cmpstr (barge_test_wait_job_states (job, done, TRANSFER_TIMEOUT_MS), ==, "transferred");
  /* The resume met the 416, and a request without Range followed it. */
  g_assert_cmpuint (count_requests (f->server, "cut-copy-416", "short-416", "GET", NULL), >=, 3);
  barge_test_job_complete (job);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS), ==, "acknowledged");
  barge_test_assert_file_content (dest, "short-416", size);
}

/* A server that ignores If-Range and whose file changes at every request,
 * in parts of 64 KiB: each part of another version restarts the file,
 * up to three times in a run; after that the run fails
 * (InvalidServerResponse), never taking the part as it is. Before, the
 * fourth was taken, and the file was "transferred" spliced together from
 * several versions. */
static void
test_changing_parts_never_spliced (Fixture *f, gconstpointer data)
{
  g_autofree char *dest = g_build_filename (f->dir, "every-part", NULL);
  g_autofree char *url = barge_fault_server_get_url (f->server, "etag-every-part", "every-part", 256 * KiB);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "every-part");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  const char * const done[] = { "transferred", "error", "transient-error", NULL };

  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  g_assert_cmpstr (barge_test_wait_job_states (job, done, TRANSFER_TIMEOUT_MS), !=, "transferred");
  barge_test_assert_job_error (job, BARGE_TEST_ERROR_PREFIX "InvalidServerResponse",
                               "another version of the file after 3 restarts");
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  barge_test_job_cancel (job);
}

/* Credentials belong to the origin a file was added with: a redirect to
 * another origin (here the same server as "localhost") gets none, while a
 * redirect within the origin still authenticates. */
static void
test_credentials_stay_with_origin (Fixture *f, gconstpointer data)
{
  g_autofree char *dest = g_build_filename (f->dir, "elsewhere", NULL);
  g_autofree char *dest2 = g_build_filename (f->dir, "here", NULL);
  g_autofree char *url = barge_fault_server_get_url (f->server, "redirect-auth-elsewhere", "elsewhere", 64 * KiB);
  g_autofree char *url2 = barge_fault_server_get_url (f->server, "redirect-auth-here", "here", 64 * KiB);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "elsewhere");
  g_autofree char *path2 = barge_test_daemon_create_job (f->daemon, "here");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(BargeDBusJob) job2 = barge_test_daemon_get_job (f->daemon, path2);
  const char * const done[] = { "transferred", "error", NULL };

  assert_set_credentials (job);
  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  g_assert_cmpstr (barge_test_wait_job_states (job, done, TRANSFER_TIMEOUT_MS), ==, "error");
  {
    g_autofree char *file_path = barge_test_job_file_path (f->daemon, job, 0);

    assert_error (job, REMOTE, "RemoteAccessDenied", file_path);
  }
  /* localhost asked (401) and got nothing. */
  g_assert_cmpuint (count_requests (f->server, "auth-basic", "elsewhere", "GET", NULL), >=, 1);
  g_assert_cmpuint (count_requests (f->server, "auth-basic", "elsewhere", "GET", BASIC_ALICE), ==, 0);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *p = barge_fault_server_get_path (i == 0 ? "auth-basic" : "redirect-auth-elsewhere",
                                                        "elsewhere");
      g_autoptr(GPtrArray) requests = barge_fault_server_get_requests (f->server, p);

      for (guint j = 0; j < requests->len; j++)
        g_assert_null (((BargeTestRequest *) g_ptr_array_index (requests, j))->authorization);
    }

  assert_set_credentials (job2);
  barge_test_job_add_file (job2, url2, dest2);
  barge_test_job_resume (job2);
  g_assert_cmpstr (barge_test_wait_job_states (job2, done, TRANSFER_TIMEOUT_MS), ==, "transferred");
  g_assert_cmpuint (count_requests (f->server, "auth-basic", "here", "GET", BASIC_ALICE), >=, 1);
  barge_test_job_complete (job2);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, path2, SHORT_TIMEOUT_MS), ==, "acknowledged");
  barge_test_assert_file_content (dest2, "here", 64 * KiB);
  barge_test_job_cancel (job);
}

/* A server that wants credentials and, once it has them, redirects to
 * another origin: the request that follows the redirect carries none
 * (libsoup keeps the Authorization it answered with on the message when
 * it follows a redirect). */
static void
test_credentials_not_after_redirect (Fixture *f, gconstpointer data)
{
  g_autofree char *dest = g_build_filename (f->dir, "then-elsewhere", NULL);
  g_autofree char *url = barge_fault_server_get_url (f->server, "auth-then-elsewhere", "then-elsewhere", 64 * KiB);
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "then-elsewhere");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  const char * const done[] = { "transferred", "error", NULL };

  assert_set_credentials (job);
  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  g_assert_cmpstr (barge_test_wait_job_states (job, done, TRANSFER_TIMEOUT_MS), ==, "transferred");
  g_assert_cmpuint (count_requests (f->server, "auth-then-elsewhere", "then-elsewhere", "GET", BASIC_ALICE), >=, 1);
  g_assert_cmpuint (count_requests (f->server, "ok", "then-elsewhere", "GET", NULL), >=, 1);
  {
    g_autofree char *p = barge_fault_server_get_path ("ok", "then-elsewhere");
    g_autoptr(GPtrArray) requests = barge_fault_server_get_requests (f->server, p);

    for (guint j = 0; j < requests->len; j++)
      g_assert_null (((BargeTestRequest *) g_ptr_array_index (requests, j))->authorization);
  }
  barge_test_job_complete (job);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS), ==, "acknowledged");
  barge_test_assert_file_content (dest, "then-elsewhere", 64 * KiB);
}

/* A run that answered a server's Basic challenge sends the answer up front
 * with its next requests to that origin: a job of many files behind Basic
 * authentication meets at most one challenge per request started before
 * the first answer (the files start in parallel, up to
 * MaxConnectionsPerHost, 6), not one per file. */
static void
test_credentials_up_front (Fixture *f, gconstpointer data)
{
  const guint n = 24;
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "up-front");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  guint challenged = 0, answered = 0;

  assert_set_credentials (job);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("up-front-%u", i);
      g_autofree char *url = barge_fault_server_get_url (f->server, "auth-basic", name, 16 * KiB);
      g_autofree char *dest = g_build_filename (f->dir, name, NULL);

      barge_test_job_add_file (job, url, dest);
    }
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("up-front-%u", i);

      challenged += count_requests (f->server, "auth-basic", name, "GET", NULL) -
                    count_requests (f->server, "auth-basic", name, "GET", BASIC_ALICE);
      answered += count_requests (f->server, "auth-basic", name, "GET", BASIC_ALICE);
    }
  g_test_message ("%u files: %u requests challenged, %u answered", n, challenged, answered);
  g_assert_cmpuint (answered, >=, n);
  g_assert_cmpuint (challenged, <=, 6);
  barge_test_job_complete (job);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS), ==, "acknowledged");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("up-front-%u", i);
      g_autofree char *dest = g_build_filename (f->dir, name, NULL);

      barge_test_assert_file_content (dest, name, 16 * KiB);
    }
}

/* A password in a URL would show in RemoteUrl, the database and the logs,
 * and go wherever a redirect leads: AddFile refuses it. */
static void
test_url_with_password_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "userinfo");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autofree char *dest = g_build_filename (f->dir, "x", NULL);
  const char *urls[] = { "http://alice:s3cret-token@127.0.0.1:9/x", "http://alice@127.0.0.1:9/x",
                         "https://:pw@127.0.0.1:9/x" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GError) error = NULL;

      barge_dbus_job_call_add_file_sync (job, urls[i], dest, NULL, &error);
      barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
      g_assert_nonnull (strstr (error->message, "SetCredentials"));
      g_assert_null (strstr (error->message, "s3cret"));
    }
  {
    g_autoptr(GVariant) files = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "Files");
    g_assert_cmpuint (g_variant_n_children (files), ==, 0);
  }
  barge_test_job_cancel (job);
}

/* Logs show scheme, host, port and path: a query often carries a token. */
static void
test_logs_hide_queries (Fixture *f, gconstpointer data)
{
  /* Not in f->dir: the log is no download. */
  char *log_dir = barge_test_make_dir ("barge-test-log-XXXXXX");
  g_autofree char *log = g_build_filename (log_dir, "barged.log", NULL);
  g_autofree char *text = NULL;
  g_autofree char *dest = g_build_filename (f->dir, "secret-query", NULL);
  g_autofree char *url = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;

  barge_test_daemon_stop (f->daemon);
  barge_test_daemon_set_log_file (f->daemon, log);
  barge_test_daemon_start (f->daemon);
  url = g_strdup_printf ("%s/fault/ok/secret-query?size=%u&token=T0KEN-4711", barge_fault_server_get_base_url (f->server),
                         (guint) (64 * KiB));
  path = barge_test_daemon_create_job (f->daemon, "query");
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  barge_test_daemon_stop (f->daemon);
  g_assert_true (g_file_get_contents (log, &text, NULL, NULL));
  /* The request was logged (so the check below means something)... */
  g_assert_nonnull (strstr (text, "/fault/ok/secret-query"));
  /* ...without its query. */
  g_assert_null (strstr (text, "T0KEN-4711"));
  barge_test_daemon_set_log_file (f->daemon, NULL);
  barge_test_daemon_start (f->daemon);
  barge_test_clear_dir (&log_dir);
}

/* Files of a job run one after the other from now on (they run in
 * parallel by default): for tests of what the HEAD size probes beside a
 * slow first file do. */
static void
one_file_at_a_time (Fixture *f)
{
  barge_test_daemon_set_config (f->daemon, "[Transfer]\nMaxConnectionsPerHost=1\n");
  barge_test_daemon_stop (f->daemon);
  barge_test_daemon_start (f->daemon);
}

/* A HEAD announced the size: a GET body without a length of its own that
 * runs past it is an error, not a bigger file (a server that ignores the
 * end check's Range once had 400 MiB stored and "transferred"). */
static void
test_announced_size_bounds_body (Fixture *f, gconstpointer data)
{
  g_autofree char *dest0 = g_build_filename (f->dir, "first", NULL);
  g_autofree char *dest1 = g_build_filename (f->dir, "endless", NULL);
  g_autofree char *url0 = barge_fault_server_get_url (f->server, "drip", "first", 4 * KiB);
  g_autofree char *url1 = barge_fault_server_get_url (f->server, "head-endless", "endless", 64 * KiB);
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autofree char *file1 = NULL;
  g_autoptr(BargeDBusFile) file = NULL;
  const char * const done[] = { "transferred", "error", "transient-error", NULL };

  /* The second file's HEAD comes while the first one drips, before its
   * own GET. */
  one_file_at_a_time (f);
  path = barge_test_daemon_create_job (f->daemon, "announced");
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_test_job_add_file (job, url0, dest0);
  barge_test_job_add_file (job, url1, dest1);
  file1 = barge_test_job_file_path (f->daemon, job, 1);
  file = barge_test_daemon_get_file (f->daemon, file1);
  barge_test_job_resume (job);
  g_assert_cmpstr (barge_test_wait_job_states (job, done, TRANSFER_TIMEOUT_MS), ==, "transient-error");
  assert_error (job, REMOTE, "InvalidServerResponse", file1);
  g_assert_cmpuint (count_requests (f->server, "head-endless", "endless", "HEAD", NULL), ==, 1);
  assert_nothing_visible (f, file, dest1, "endless");
  {
    g_autofree char *tmp = g_strdup (barge_dbus_file_get_temporary_path (file));
    GStatBuf st;

    if (g_stat (tmp, &st) == 0)
      g_assert_cmpint (st.st_size, <=, 64 * KiB);
  }
  barge_fault_server_set_broken (f->server, FALSE);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest0, "first", 4 * KiB);
  barge_test_assert_file_content (dest1, "endless", 64 * KiB);
}

/* The proxy's Progress may still be that of the empty job (a total of 0,
 * known) when the last AddFile returns: the sizes are known only once it
 * counts all four files (test_known_sizes_not_probed_again). */
static gboolean
sizes_known (gpointer user_data)
{
  BargeDBusJob *job = user_data;
  guint64 total, done, n, files_done;

  g_variant_get (barge_dbus_job_get_progress (job), "(tttt)", &total, &done, &n, &files_done);
  /* All four files counted: the proxy may still show the empty job's
   * Progress, whose total of 0 bytes is known too. */
  return n == 4 && total != BARGE_SIZE_UNKNOWN_TEST && files_done == 0;
}

/* The sizes a HEAD learnt are kept in the store: a restart does not ask
 * the server again (a 25-kill run of 200 files once sent 3,285 HEADs). */
static void
test_known_sizes_not_probed_again (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  const char *names[] = { "slow", "p1", "p2", "p3" };
  guint heads[G_N_ELEMENTS (names)] = { 0 };

  one_file_at_a_time (f);
  path = barge_test_daemon_create_job (f->daemon, "probes");
  job = barge_test_daemon_get_job (f->daemon, path);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *dest = g_build_filename (f->dir, names[i], NULL);
      g_autofree char *url = barge_fault_server_get_url (f->server, i == 0 ? "drip" : "ok", names[i],
                                                         i == 0 ? 8 * KiB : 64 * KiB);
      barge_test_job_add_file (job, url, dest);
    }
  barge_test_job_resume (job);
  /* Every size is known while the first (slow) file still runs. */
  barge_test_assert_wait (sizes_known, job, SHORT_TIMEOUT_MS, "the sizes of every file");
  /* A clean stop: the sizes are stored by then. (After a SIGKILL a size
   * the bus showed may still be on its way to the store, and is asked
   * again: a HEAD more, nothing wrong.) */
  barge_test_daemon_stop (f->daemon);
  /* As many as the first run asked (one each; more only if a retry under
   * load cut a probe short): the second asks none. */
  for (guint i = 1; i < G_N_ELEMENTS (names); i++)
    heads[i] = count_requests (f->server, "ok", names[i], "HEAD", NULL);
  barge_test_daemon_start (f->daemon);
  g_clear_object (&job);
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  for (guint i = 1; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpuint (count_requests (f->server, "ok", names[i], "HEAD", NULL), ==, heads[i]);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
}

/* --- push-back: many files at once against a server that says "not so
 * many" -------------------------------------------------------------------- */

#define PUSH_BACK_FILES 12

typedef struct {
  const char *fault;
  guint first_status;         /* what each file's first GET gets; 0: a reset */
  gboolean every_file;        /* every file's first GET is refused */
} PushBack;

static const PushBack push_backs[] = {
  { "busy-first", 503, TRUE },
  { "throttled-first", 429, TRUE },
  { "reset-first", 0, TRUE },
  /* Only the GETs beyond two at once are refused. */
  { "max-2-connections", 503, FALSE },
};

/* 128 to 256 KiB: the server sends 64 KiB every 50 ms, so the files of a
 * job end at different times. */
static guint64
push_back_size (guint i)
{
  return (2 + i % 3) * 64 * KiB;
}

/* A job of 12 files whose server pushes back (429, 503, a reset) while the
 * job runs six at once: the files go back in line and the job slows down,
 * but the job itself never fails. (A file pushed back with nothing else in
 * flight or in line before any file came whole is the job's error:
 * transient-error, retried after MinimumRetryDelay, 600 s. The files'
 * transfers overlap so that a new file is not refused alone at the start;
 * alone later, see the alone-* tests below.) */
static void
test_push_back (Fixture *f, gconstpointer data)
{
  const PushBack *pb = data;
  g_autofree char *job_path = barge_test_daemon_create_job (f->daemon, pb->fault);
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, job_path);
  g_autoptr(BargeTestStateLog) log = barge_test_state_log_new (job);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char * const done[] = { "transferred", "error", "transient-error", NULL };
  g_autofree char *listing = NULL;
  g_autofree char *expected_listing = NULL;
  guint refused = 0, gets = 0;
  gint64 start;
  double elapsed;
  const char *state;

  for (guint i = 0; i < PUSH_BACK_FILES; i++)
    {
      char *name = g_strdup_printf ("%s-%02u", pb->fault, i);
      g_autofree char *url = barge_fault_server_get_url (f->server, pb->fault, name, push_back_size (i));
      g_autofree char *dest = g_build_filename (f->dir, name, NULL);

      barge_test_job_add_file (job, url, dest);
      g_ptr_array_add (names, name);
    }
  barge_test_state_log_mark (log);
  start = g_get_monotonic_time ();
  barge_test_job_resume (job);
  /* The first of these it reaches: a transient-error on the way would be
   * the one returned. */
  state = barge_test_state_log_wait (log, done, TRANSFER_TIMEOUT_MS);
  elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_test_message ("%s: %s after %.1f s", pb->fault, state, elapsed);
  if (!g_str_equal (state, "transferred"))
    {
      g_autofree char *text = g_variant_print (barge_dbus_job_get_error (job), FALSE);
      g_test_message ("Error %s", text);
    }
  g_assert_cmpstr (state, ==, "transferred");
  g_assert_cmpuint (barge_dbus_job_get_error_count (job), ==, 0);
  /* The origin rested (Retry-After: 1, or a second without one) before
   * a refused file was asked for again. */
  g_assert_cmpfloat (elapsed, >=, 1.0);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *path = barge_fault_server_get_path (pb->fault, name);
      g_autoptr(GPtrArray) requests = barge_fault_server_get_requests (f->server, path);
      g_autoptr(GPtrArray) file_gets = g_ptr_array_new ();

      for (guint j = 0; j < requests->len; j++)
        {
          BargeTestRequest *r = g_ptr_array_index (requests, j);

          if (g_str_equal (r->method, "GET"))
            g_ptr_array_add (file_gets, r);
        }
      if (pb->every_file)
        dump_requests (requests);
      g_assert_cmpuint (file_gets->len, >=, 1);
      gets += file_gets->len;
      /* The last GET brought the file, from its first byte: nothing came
       * before it. */
      g_assert_cmpuint (((BargeTestRequest *) g_ptr_array_index (file_gets, file_gets->len - 1))->status, ==, 200);
      for (guint j = 0; j + 1 < file_gets->len; j++)
        {
          guint status = ((BargeTestRequest *) g_ptr_array_index (file_gets, j))->status;

          g_assert_cmpuint (status, ==, pb->first_status);
          refused++;
        }
      if (pb->every_file)
        /* Its first GET was refused, and only that one. */
        g_assert_cmpuint (file_gets->len, ==, 2);
    }
  g_test_message ("%s: %u GETs for %u files, %u of them refused", pb->fault, gets, PUSH_BACK_FILES, refused);
  /* The server did push back (so the job had to get past it). */
  g_assert_cmpuint (refused, >=, 1);

  barge_test_job_complete (job);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, job_path, SHORT_TIMEOUT_MS), ==, "acknowledged");
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *dest = g_build_filename (f->dir, g_ptr_array_index (names, i), NULL);

      barge_test_assert_file_content (dest, g_ptr_array_index (names, i), push_back_size (i));
    }
  listing = barge_test_list_dir (f->dir);
  expected_listing = barge_test_join_sorted (names);
  g_assert_cmpstr (listing, ==, expected_listing);
}

/* GETs of @name under @fault, and how many were refused with 503. */
static guint
count_gets (BargeFaultServer *server, const char *fault, const char *name, guint *refused)
{
  g_autofree char *path = barge_fault_server_get_path (fault, name);
  g_autoptr(GPtrArray) requests = barge_fault_server_get_requests (server, path);
  guint n = 0;

  *refused = 0;
  for (guint i = 0; i < requests->len; i++)
    {
      BargeTestRequest *r = g_ptr_array_index (requests, i);

      if (g_str_equal (r->method, "GET"))
        {
          n++;
          if (r->status == 503)
            (*refused)++;
        }
    }
  return n;
}

/* One file at a time (MaxConnectionsPerHost=1): after a first file came,
 * each of the next ones is refused alone once (503, Retry-After: 1). Each
 * goes back in line and the origin rests a second; the job never takes
 * the error, which would cost it MinimumRetryDelay (600 s). */
static void
test_push_back_alone_after_progress (Fixture *f, gconstpointer data)
{
  const char * const done[] = { "transferred", "error", "transient-error", NULL };
  const char *names[] = { "first", "b1", "b2", "b3" };
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeTestStateLog) log = NULL;
  gint64 start;
  double elapsed;

  one_file_at_a_time (f);
  path = barge_test_daemon_create_job (f->daemon, "alone");
  job = barge_test_daemon_get_job (f->daemon, path);
  log = barge_test_state_log_new (job);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *dest = g_build_filename (f->dir, names[i], NULL);
      g_autofree char *url = barge_fault_server_get_url (f->server, i == 0 ? "ok" : "busy-first", names[i], 64 * KiB);

      barge_test_job_add_file (job, url, dest);
    }
  barge_test_state_log_mark (log);
  start = g_get_monotonic_time ();
  barge_test_job_resume (job);
  g_assert_cmpstr (barge_test_state_log_wait (log, done, TRANSFER_TIMEOUT_MS), ==, "transferred");
  elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_test_message ("transferred after %.1f s", elapsed);
  g_assert_cmpuint (barge_dbus_job_get_error_count (job), ==, 0);
  for (guint i = 1; i < G_N_ELEMENTS (names); i++)
    {
      guint refused;

      g_assert_cmpuint (count_gets (f->server, "busy-first", names[i], &refused), ==, 2);
      g_assert_cmpuint (refused, ==, 1);
    }
  /* A rest of a second after each refusal. */
  g_assert_cmpfloat (elapsed, >=, 3.0);
  barge_test_job_complete (job);
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS), ==, "acknowledged");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *dest = g_build_filename (f->dir, names[i], NULL);

      barge_test_assert_file_content (dest, names[i], 64 * KiB);
    }
}

/* ...but a server that refuses the file every time: after four rests in a
 * row the fifth refusal is the job's error, as for a job of one file. */
static void
test_push_back_alone_gives_up (Fixture *f, gconstpointer data)
{
  const char * const done[] = { "transferred", "error", "transient-error", NULL };
  g_autofree char *dest0 = g_build_filename (f->dir, "first", NULL);
  g_autofree char *dest1 = g_build_filename (f->dir, "never", NULL);
  g_autofree char *url0 = barge_fault_server_get_url (f->server, "ok", "first", 64 * KiB);
  g_autofree char *url1 = barge_fault_server_get_url (f->server, "busy-always", "never", 64 * KiB);
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeTestStateLog) log = NULL;
  guint refused;

  one_file_at_a_time (f);
  path = barge_test_daemon_create_job (f->daemon, "gives-up");
  job = barge_test_daemon_get_job (f->daemon, path);
  log = barge_test_state_log_new (job);
  barge_test_job_add_file (job, url0, dest0);
  barge_test_job_add_file (job, url1, dest1);
  barge_test_state_log_mark (log);
  barge_test_job_resume (job);
  g_assert_cmpstr (barge_test_state_log_wait (log, done, TRANSFER_TIMEOUT_MS), ==, "transient-error");
  {
    g_autofree char *file1 = g_strdup_printf ("%s/files/1", path);

    assert_error (job, REMOTE, "HttpServerError", file1);
  }
  g_assert_cmpuint (count_gets (f->server, "busy-always", "never", &refused), ==, 5);
  g_assert_cmpuint (refused, ==, 5);
  barge_test_job_cancel (job);
}

/* A file alone pushed back with "Retry-After: 120" after a first file
 * came: the job has nothing to do for two minutes, and gives its slot up
 * meanwhile (transient-error until the pause ends) so that the next
 * background job runs. Before, it stayed "transferring" with no request in
 * flight and held the only background slot (MaxBackgroundJobs=1): the
 * second job stayed queued. */
static void
test_push_back_long_gives_slot_up (Fixture *f, gconstpointer data)
{
  const char * const done[] = { "transferred", "error", "transient-error", NULL };
  const char *names[] = { "before-pause", "paused" };
  g_autofree char *path = NULL;
  g_autofree char *other_path = NULL;
  g_autofree char *other_url = NULL;
  g_autofree char *other_dest = g_build_filename (f->dir, "other-host", NULL);
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(BargeDBusJob) other = NULL;
  g_autoptr(BargeTestStateLog) log = NULL;
  g_autoptr(GUri) base = g_uri_parse (barge_fault_server_get_base_url (f->server), G_URI_FLAGS_NONE, NULL);

  one_file_at_a_time (f);
  path = barge_test_daemon_create_job (f->daemon, "paused");
  job = barge_test_daemon_get_job (f->daemon, path);
  log = barge_test_state_log_new (job);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *dest = g_build_filename (f->dir, names[i], NULL);
      g_autofree char *url = barge_fault_server_get_url (f->server, i == 0 ? "ok" : "busy-first-long", names[i],
                                                         64 * KiB);

      barge_test_job_add_file (job, url, dest);
    }
  /* The same server under another name: another origin, not paused. */
  other_url = g_strdup_printf ("http://localhost:%d/fault/ok/other-host?size=%u", g_uri_get_port (base),
                               (guint) (64 * KiB));
  other_path = barge_test_daemon_create_job (f->daemon, "other host");
  other = barge_test_daemon_get_job (f->daemon, other_path);
  barge_test_job_add_file (other, other_url, other_dest);
  barge_test_state_log_mark (log);
  barge_test_job_resume (job);
  barge_test_job_resume (other);
  g_assert_cmpstr (barge_test_state_log_wait (log, done, TRANSFER_TIMEOUT_MS), ==, "transient-error");
  {
    g_autofree char *file1 = g_strdup_printf ("%s/files/1", path);

    assert_error (job, REMOTE, "HttpServerError", file1);
  }
  g_assert_cmpstr (barge_dbus_job_get_hold_reason (job), ==, "retry-delay");
  barge_test_wait_job_state (other, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_job_complete (other);
  barge_test_daemon_wait_job_removed (f->daemon, other_path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (other_dest, "other-host", 64 * KiB);
  barge_test_job_cancel (job);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      g_autofree char *test_path = g_strdup_printf ("/faults/%s", scenarios[i].fault);
      g_test_add (test_path, Fixture, &scenarios[i], fixture_setup, test_fault, fixture_teardown);
    }
  BARGE_TEST_ADD ("/faults/416-short-of-known-length", test_416_short_of_known_length);
  BARGE_TEST_ADD ("/faults/changing-parts-never-spliced", test_changing_parts_never_spliced);
  BARGE_TEST_ADD ("/faults/credentials-stay-with-their-origin", test_credentials_stay_with_origin);
  BARGE_TEST_ADD ("/faults/credentials-not-after-redirect", test_credentials_not_after_redirect);
  BARGE_TEST_ADD ("/faults/credentials-up-front", test_credentials_up_front);
  BARGE_TEST_ADD ("/faults/url-with-password-refused", test_url_with_password_refused);
  BARGE_TEST_ADD ("/faults/logs-hide-queries", test_logs_hide_queries);
  BARGE_TEST_ADD ("/faults/announced-size-bounds-a-body-without-length", test_announced_size_bounds_body);
  BARGE_TEST_ADD ("/faults/known-sizes-not-probed-again", test_known_sizes_not_probed_again);
  for (guint i = 0; i < G_N_ELEMENTS (push_backs); i++)
    {
      g_autofree char *test_path = g_strdup_printf ("/faults/push-back/%s", push_backs[i].fault);
      g_test_add (test_path, Fixture, &push_backs[i], fixture_setup, test_push_back, fixture_teardown);
    }
  BARGE_TEST_ADD ("/faults/push-back/alone-after-progress", test_push_back_alone_after_progress);
  BARGE_TEST_ADD ("/faults/push-back/alone-gives-up", test_push_back_alone_gives_up);
  BARGE_TEST_ADD ("/faults/push-back/long-pause-gives-slot-up", test_push_back_long_gives_slot_up);
  return g_test_run ();
}
