/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The BITS job lifecycle against the real daemon: every client call in every
 * state a job can be held in, priorities and time slices, retry delays and
 * deadlines, errors, notifications, limits and barge.conf reloads. Short
 * values come from job properties or the test's barge.conf, never from
 * waiting out the real defaults. */
#define G_LOG_DOMAIN "BargeTestLifecycle"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>

#include "barge-test-daemon.h"
#include "barge-test-jobs.h"
#include "barge-test-server.h"

#define TRANSFER_TIMEOUT_MS 60000
#define ERROR_PREFIX BARGE_TEST_ERROR_PREFIX
/* Jobs that run against one host at once ([Transfer] MaxConnectionsPerHost, 6 by default). */
#define BARGE_TEST_HOST_SLOTS 6

typedef struct {
  BargeTestServer *server;
  BargeTestDaemon *daemon;
  char *dir;
  GSocket *black_hole;        /* accepts TCP connections, never answers */
  char *black_hole_url;
  guint counter;
} Fixture;

static void
setup_with_config (Fixture *f, const char *config)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  f->daemon = barge_test_daemon_new_with_config (config);
  f->server = barge_test_server_new ();
  f->dir = barge_test_make_dir ("barge-test-lc-XXXXXX");

  /* The kernel completes the handshake from the backlog, so a job gets
   * connected and then waits for an answer that never comes: it stays in
   * "connecting". */
  f->black_hole = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (f->black_hole, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_set_listen_backlog (f->black_hole, 64);
  g_socket_listen (f->black_hole, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (f->black_hole, &error);
  g_assert_no_error (error);
  f->black_hole_url = g_strdup_printf ("http://127.0.0.1:%u/never",
                                       g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  setup_with_config (f, data);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  barge_test_server_free (f->server);
  barge_test_daemon_free (f->daemon);
  g_socket_close (f->black_hole, NULL);
  g_clear_object (&f->black_hole);
  g_free (f->black_hole_url);
  barge_test_clear_dir (&f->dir);
}

/* --- helpers ------------------------------------------------------------- */

static char *
new_dest (Fixture *f)
{
  g_autofree char *name = g_strdup_printf ("file-%u", ++f->counter);
  return g_build_filename (f->dir, name, NULL);
}

static char *
create_job_with_hint (Fixture *f, const char *priority, guint64 size_hint)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariantBuilder) options = g_variant_builder_new (G_VARIANT_TYPE ("a{sv}"));
  char *path = NULL;

  g_variant_builder_add (options, "{sv}", "priority", g_variant_new_string (priority));
  if (size_hint != 0)
    g_variant_builder_add (options, "{sv}", "size-hint", g_variant_new_uint64 (size_hint));
  barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "lifecycle", "download",
                                           g_variant_builder_end (options), &path, NULL, &error);
  g_assert_no_error (error);
  return path;
}

static char *
create_job (Fixture *f, const char *priority)
{
  return create_job_with_hint (f, priority, 0);
}

static GError *
add_file_error (Fixture *f, const char *path, const char *url)
{
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autofree char *dest = new_dest (f);
  GError *error = NULL;

  barge_dbus_job_call_add_file_sync (job, url, dest, NULL, &error);
  return error;
}

static void
add_file (Fixture *f, const char *path, const char *url)
{
  g_autoptr(GError) error = add_file_error (f, path, url);

  g_assert_no_error (error);
}

static GError *
call_job (Fixture *f, const char *path, const char *method)
{
  g_autoptr(GVariant) reply = NULL;
  GError *error = NULL;

  reply = g_dbus_connection_call_sync (barge_test_daemon_get_connection (f->daemon), BARGE_TEST_BUS_NAME, path,
                                       BARGE_TEST_JOB_IFACE, method, NULL, NULL,
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START, 20000, NULL, &error);
  return error;
}

static void
call_job_ok (Fixture *f, const char *path, const char *method)
{
  g_autoptr(GError) error = call_job (f, path, method);

  g_assert_no_error (error);
}

static GError *
set_property_error (Fixture *f, const char *path, const char *name, GVariant *value)
{
  g_autoptr(GVariant) reply = NULL;
  GError *error = NULL;

  reply = g_dbus_connection_call_sync (barge_test_daemon_get_connection (f->daemon), BARGE_TEST_BUS_NAME, path,
                                       "org.freedesktop.DBus.Properties", "Set",
                                       g_variant_new ("(ssv)", BARGE_TEST_JOB_IFACE, name, value), NULL,
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000, NULL, &error);
  return error;
}

static void
set_property (Fixture *f, const char *path, const char *name, GVariant *value)
{
  barge_test_daemon_set_property (f->daemon, path, BARGE_TEST_JOB_IFACE, name, value);
}

static GVariant *
get_property (Fixture *f, const char *path, const char *name)
{
  return barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, name);
}

/* The job's state, asked for (not cached), or NULL once it left the bus. */
static char *
job_state (Fixture *f, const char *path)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_sync (barge_test_daemon_get_connection (f->daemon), BARGE_TEST_BUS_NAME, path,
                                       "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", BARGE_TEST_JOB_IFACE, "State"),
                                       G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000, NULL, &error);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(v)", &value);
  return g_variant_dup_string (value, NULL);
}

static char *
job_string (Fixture *f, const char *path, const char *name)
{
  g_autoptr(GVariant) value = get_property (f, path, name);

  return g_variant_dup_string (value, NULL);
}

typedef struct {
  Fixture *f;
  const char *path;
  const char *state;
} StateWait;

static gboolean
in_state (gpointer user_data)
{
  StateWait *w = user_data;
  g_autofree char *state = job_state (w->f, w->path);

  return g_strcmp0 (state, w->state) == 0;
}

/* Polls CONDITION (which may make synchronous calls: nothing else would
 * wake a blocking main-context iteration up) every 50 ms. */
static gboolean
poll_until (BargeTestCondition condition, gpointer user_data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (user_data))
    {
      if (g_get_monotonic_time () >= end)
        return FALSE;
      barge_test_run_for (50);
    }
  return TRUE;
}

/* Polls with uncached reads, so it also works for jobs without a proxy. */
static void
wait_state_at (Fixture *f, const char *path, const char *state, guint timeout_ms, int line)
{
  StateWait w = { f, path, state };
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!in_state (&w) && g_get_monotonic_time () < end)
    barge_test_run_for (50);
  if (!in_state (&w))
    {
      g_autofree char *now = job_state (f, path);
      g_autoptr(GVariant) error = now != NULL ? get_property (f, path, "Error") : NULL;
      g_autofree char *error_text = error != NULL ? g_variant_print (error, FALSE) : g_strdup ("-");
      g_autofree char *msg = g_strdup_printf ("line %d: %s: waited %u ms for \"%s\", it is \"%s\" (Error %s)",
                                              line, path, timeout_ms, state, now ? now : "gone", error_text);
      g_assertion_message (G_LOG_DOMAIN, __FILE__, line, G_STRFUNC, msg);
    }
}
#define wait_state(f, path, state, ms) wait_state_at ((f), (path), (state), (ms), __LINE__)

static void
assert_state_at (Fixture *f, const char *path, const char *expected, int line)
{
  g_autofree char *state = job_state (f, path);

  if (g_strcmp0 (state, expected) != 0)
    {
      g_autofree char *msg = g_strdup_printf ("%s is \"%s\", expected \"%s\"", path,
                                              state ? state : "gone", expected);
      g_assertion_message (G_LOG_DOMAIN, __FILE__, line, G_STRFUNC, msg);
    }
}
#define assert_state(f, path, expected) assert_state_at ((f), (path), (expected), __LINE__)

static char *
slow_url (Fixture *f, const char *name)
{
  /* About 40 s at this rate: it stays "transferring" through any test. */
  return barge_test_server_get_data_url (f->server, name, 8 * MiB, 200 * KiB);
}

static char *
status_url (Fixture *f, guint status, const char *retry_after)
{
  g_autofree char *base = barge_test_server_get_data_url (f->server, "status", 10, 0);

  if (retry_after == NULL)
    return g_strdup_printf ("%s&status=%u", base, status);
  return g_strdup_printf ("%s&status=%u&retry-after=%s", base, status, retry_after);
}

static void
cancel_if_present (Fixture *f, const char *path)
{
  g_autofree char *state = job_state (f, path);

  if (state != NULL)
    {
      g_autoptr(GError) error = call_job (f, path, "Cancel");
    }
}

/* --- every (state, call) pair -------------------------------------------- */

typedef enum { CALL_RESUME, CALL_SUSPEND, CALL_CANCEL, CALL_COMPLETE, CALL_ADD_FILE, CALL_SET_PROPERTY, N_CALLS } Call;
static const char *const call_names[N_CALLS] = { "Resume", "Suspend", "Cancel", "Complete", "AddFile", "Set DisplayName" };

static const char *const held_states[] = {
  "suspended", "queued", "connecting", "transferring", "error", "transient-error", "transferred",
};

/* The state after each call (rows: held_states; "cancelled" and
 * "acknowledged" mean the job left the bus with JobRemoved in that state). */
static const char *const expected[G_N_ELEMENTS (held_states)][N_CALLS] = {
  /*                    Resume          Suspend      Cancel       Complete        AddFile            Set */
  /* suspended */     { "queued",       "suspended", "cancelled", "acknowledged", "suspended",       "suspended" },
  /* queued */        { "queued",       "suspended", "cancelled", "acknowledged", "queued",          "queued" },
  /* connecting */    { "connecting",   "suspended", "cancelled", "acknowledged", "connecting",      "connecting" },
  /* transferring */  { "transferring", "suspended", "cancelled", "acknowledged", "transferring",    "transferring" },
  /* error */         { "queued",       "suspended", "cancelled", "acknowledged", "error",           "error" },
  /* transient-err */ { "queued",       "suspended", "cancelled", "acknowledged", "transient-error", "transient-error" },
  /* transferred */   { "transferred",  "suspended", "cancelled", "acknowledged", "transferred",     "transferred" },
};

/* A job held in STATE. The fixture's one background slot belongs to a
 * "high" job that never ends, so a "normal" job that is queued stays queued;
 * jobs that must run are "foreground" until they got where they should. */
static char *
make_job_in (Fixture *f, const char *state)
{
  g_autofree char *url = NULL;
  char *path;

  if (g_str_equal (state, "suspended") || g_str_equal (state, "queued"))
    {
      path = create_job (f, "normal");
      url = barge_test_server_get_data_url (f->server, "small", 1000, 0);
      add_file (f, path, url);
      if (g_str_equal (state, "queued"))
        call_job_ok (f, path, "Resume");
      assert_state (f, path, state);
      return path;
    }

  path = create_job (f, "foreground");
  if (g_str_equal (state, "connecting"))
    url = g_strdup (f->black_hole_url);
  else if (g_str_equal (state, "transferring"))
    url = slow_url (f, "slow");
  else if (g_str_equal (state, "error"))
    url = status_url (f, 404, NULL);
  else if (g_str_equal (state, "transient-error"))
    url = status_url (f, 503, NULL);
  else
    url = barge_test_server_get_data_url (f->server, "small", 1000, 0);
  add_file (f, path, url);
  call_job_ok (f, path, "Resume");
  wait_state (f, path, state, TRANSFER_TIMEOUT_MS);
  if (g_str_equal (state, "error") || g_str_equal (state, "transient-error") || g_str_equal (state, "transferred"))
    set_property (f, path, "Priority", g_variant_new_string ("normal"));
  return path;
}

static GError *
apply_call (Fixture *f, const char *path, Call call)
{
  switch (call)
    {
    case CALL_RESUME:
      return call_job (f, path, "Resume");
    case CALL_SUSPEND:
      return call_job (f, path, "Suspend");
    case CALL_CANCEL:
      return call_job (f, path, "Cancel");
    case CALL_COMPLETE:
      return call_job (f, path, "Complete");
    case CALL_ADD_FILE:
      {
        /* Files of a job run in parallel: a file that answered would move
         * a "connecting" job on, so the added file never answers either. */
        return add_file_error (f, path, f->black_hole_url);
      }
    case CALL_SET_PROPERTY:
      return set_property_error (f, path, "DisplayName", g_variant_new_string ("renamed"));
    default:
      g_assert_not_reached ();
    }
}

static void
test_state_table (Fixture *f, gconstpointer data)
{
  g_autofree char *blocker = create_job (f, "high");
  g_autofree char *blocker_url = slow_url (f, "blocker");

  add_file (f, blocker, blocker_url);
  call_job_ok (f, blocker, "Resume");
  wait_state (f, blocker, "transferring", TRANSFER_TIMEOUT_MS);

  for (guint s = 0; s < G_N_ELEMENTS (held_states); s++)
    for (guint c = 0; c < N_CALLS; c++)
      {
        g_autofree char *path = make_job_in (f, held_states[s]);
        g_autoptr(GError) error = NULL;
        const char *want = expected[s][c];

        g_test_message ("%s: %s", held_states[s], call_names[c]);
        error = apply_call (f, path, c);
        g_assert_no_error (error);
        if (g_str_equal (want, "cancelled") || g_str_equal (want, "acknowledged"))
          {
            g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS), ==, want);
            g_assert_null (job_state (f, path));
            continue;
          }
        /* Let the scheduler take its turn: the state must hold after it. */
        barge_test_run_for (100);
        assert_state (f, path, want);
        if (s == 6 && c == CALL_ADD_FILE)
          {
            /* A transferred job with a new file goes back to the queue. */
            call_job_ok (f, path, "Resume");
            assert_state (f, path, "queued");
          }
        cancel_if_present (f, path);
      }

  /* Resume of a job without files is Empty, and changes nothing. */
  {
    g_autofree char *empty = create_job (f, "normal");
    g_autoptr(GError) error = call_job (f, empty, "Resume");

    barge_test_assert_dbus_error (error, ERROR_PREFIX "Empty");
    assert_state (f, empty, "suspended");
  }
  cancel_if_present (f, blocker);
}


/* --- priorities and time slices -------------------------------------------- */

static void
test_preemption (Fixture *f, gconstpointer data)
{
  g_autofree char *low = create_job (f, "low");
  g_autofree char *normal = create_job (f, "normal");
  g_autofree char *url_low = slow_url (f, "low");
  g_autofree char *url_normal = slow_url (f, "normal");
  g_autofree char *hold = NULL;

  add_file (f, low, url_low);
  add_file (f, normal, url_normal);
  call_job_ok (f, low, "Resume");
  wait_state (f, low, "transferring", TRANSFER_TIMEOUT_MS);

  /* A higher priority takes the only slot from a lower one. */
  call_job_ok (f, normal, "Resume");
  wait_state (f, normal, "transferring", SHORT_TIMEOUT_MS);
  wait_state (f, low, "queued", SHORT_TIMEOUT_MS);
  hold = job_string (f, low, "HoldReason");
  g_assert_cmpstr (hold, ==, "scheduler");

  /* Priority is writable at any time and counts at once. */
  set_property (f, low, "Priority", g_variant_new_string ("high"));
  wait_state (f, low, "transferring", SHORT_TIMEOUT_MS);
  wait_state (f, normal, "queued", SHORT_TIMEOUT_MS);

  /* Foreground jobs run beside the background slot. */
  set_property (f, normal, "Priority", g_variant_new_string ("foreground"));
  wait_state (f, normal, "transferring", SHORT_TIMEOUT_MS);
  assert_state (f, low, "transferring");
  g_free (hold);
  hold = job_string (f, normal, "HoldReason");
  g_assert_cmpstr (hold, ==, "none");

  /* A bad priority is refused with a typed error. */
  {
    g_autoptr(GError) error = set_property_error (f, low, "Priority", g_variant_new_string ("urgent"));
    barge_test_assert_dbus_error (error, ERROR_PREFIX "InvalidArgument");
  }
  cancel_if_present (f, low);
  cancel_if_present (f, normal);
}

/* SizeHint: of queued jobs of one priority, the one expected to move the
 * fewest bytes starts first (creation order would start the large one); a
 * CreateJob option and a writable property, kept over a restart; an absurd
 * hint is refused and changes nothing. One background slot. */
static void
test_size_hints (Fixture *f, gconstpointer data)
{
  g_autofree char *first = create_job (f, "normal");
  g_autofree char *large = create_job_with_hint (f, "normal", 100 * MiB);
  g_autofree char *small = create_job_with_hint (f, "normal", 1 * MiB);
  g_autofree char *medium = create_job (f, "normal");
  const char *const jobs[] = { first, large, small, medium };
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) kept = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    {
      g_autofree char *name = g_strdup_printf ("hint-%u", i);
      g_autofree char *url = slow_url (f, name);

      add_file (f, jobs[i], url);
    }
  set_property (f, medium, "SizeHint", g_variant_new_uint64 (10 * MiB));
  call_job_ok (f, first, "Resume");
  wait_state (f, first, "transferring", TRANSFER_TIMEOUT_MS);
  call_job_ok (f, large, "Resume");
  call_job_ok (f, small, "Resume");
  call_job_ok (f, medium, "Resume");
  wait_state (f, large, "queued", SHORT_TIMEOUT_MS);

  call_job_ok (f, first, "Cancel");
  wait_state (f, small, "transferring", TRANSFER_TIMEOUT_MS);
  assert_state (f, large, "queued");
  assert_state (f, medium, "queued");
  call_job_ok (f, small, "Cancel");
  wait_state (f, medium, "transferring", TRANSFER_TIMEOUT_MS);
  assert_state (f, large, "queued");

  error = set_property_error (f, large, "SizeHint", g_variant_new_uint64 ((G_GUINT64_CONSTANT (1) << 53) + 1));
  barge_test_assert_dbus_error (error, ERROR_PREFIX "InvalidArgument");
  barge_test_daemon_restart (f->daemon);
  kept = get_property (f, large, "SizeHint");
  g_assert_cmpuint (g_variant_get_uint64 (kept), ==, 100 * MiB);
  cancel_if_present (f, large);
  cancel_if_present (f, medium);
}

typedef struct {
  Fixture *f;
  const char *a;
  const char *b;
  guint switches;
  char *last_running;
} TurnWatch;

static gboolean
saw_turns (gpointer user_data)
{
  TurnWatch *w = user_data;
  g_autofree char *sa = job_state (w->f, w->a);
  g_autofree char *sb = job_state (w->f, w->b);
  g_autofree char *sa_again = NULL;
  const char *running = NULL;

  /* Exactly one of them holds the slot at any time. The two states are two
   * calls: a turn that passes from a to b between them shows both
   * transferring, so a is asked again; it cannot lose the slot and get it
   * back within a few calls (TimeSlice is 1 s). */
  if (g_strcmp0 (sa, "transferring") == 0 && g_strcmp0 (sb, "transferring") == 0)
    {
      sa_again = job_state (w->f, w->a);
      g_assert_cmpstr (sa_again, !=, "transferring");
      return FALSE;
    }
  if (g_strcmp0 (sa, "transferring") == 0)
    running = w->a;
  else if (g_strcmp0 (sb, "transferring") == 0)
    running = w->b;
  if (running != NULL && g_strcmp0 (running, w->last_running) != 0)
    {
      if (w->last_running != NULL)
        w->switches++;
      g_free (w->last_running);
      w->last_running = g_strdup (running);
    }
  return w->switches >= 3;
}

static void
test_round_robin (Fixture *f, gconstpointer data)
{
  g_autofree char *a = create_job (f, "normal");
  g_autofree char *b = create_job (f, "normal");
  g_autofree char *url_a = slow_url (f, "rr-a");
  g_autofree char *url_b = slow_url (f, "rr-b");
  TurnWatch w = { f, a, b, 0, NULL };

  add_file (f, a, url_a);
  add_file (f, b, url_b);
  call_job_ok (f, a, "Resume");
  call_job_ok (f, b, "Resume");
  /* TimeSlice is 1 s: a, b, a, b within a few seconds, both unfinished. */
  if (!poll_until (saw_turns, &w, 20000))
    g_error ("saw %u turns between two equal jobs in 20 s, expected 3", w.switches);
  g_free (w.last_running);
  cancel_if_present (f, a);
  cancel_if_present (f, b);
}

static void
test_sighup (Fixture *f, gconstpointer data)
{
  g_autofree char *a = create_job (f, "normal");
  g_autofree char *b = create_job (f, "normal");
  g_autofree char *url_a = slow_url (f, "hup-a");
  g_autofree char *url_b = slow_url (f, "hup-b");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) jobs = NULL;

  add_file (f, a, url_a);
  add_file (f, b, url_b);
  call_job_ok (f, a, "Resume");
  wait_state (f, a, "transferring", TRANSFER_TIMEOUT_MS);
  call_job_ok (f, b, "Resume");
  barge_test_run_for (300);
  assert_state (f, b, "queued");

  /* Two slots after a reload: the second job starts without a restart. */
  barge_test_daemon_set_config (f->daemon, "[Scheduler]\nMaxBackgroundJobs=2\nTimeSlice=3600\n");
  barge_test_daemon_send_signal (f->daemon, SIGHUP);
  wait_state (f, b, "transferring", SHORT_TIMEOUT_MS);
  assert_state (f, a, "transferring");

  /* A broken file on reload keeps the configuration in force. */
  barge_test_daemon_set_config (f->daemon, "[Scheduler]\nMaxBackgroundJobs=none\n");
  barge_test_daemon_send_signal (f->daemon, SIGHUP);
  barge_test_run_for (500);
  assert_state (f, a, "transferring");
  assert_state (f, b, "transferring");
  barge_dbus_manager_call_list_jobs_sync (barge_test_daemon_get_manager (f->daemon), g_variant_new ("a{sv}", NULL),
                                          &jobs, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (jobs), ==, 2);

  /* And one slot again: the later job gives its slot back. */
  barge_test_daemon_set_config (f->daemon, "[Scheduler]\nMaxBackgroundJobs=1\nTimeSlice=3600\n");
  barge_test_daemon_send_signal (f->daemon, SIGHUP);
  wait_state (f, b, "queued", SHORT_TIMEOUT_MS);
  assert_state (f, a, "transferring");
  cancel_if_present (f, a);
  cancel_if_present (f, b);
}

/* [Scheduler] MaxRunningJobs=2: foreground jobs count too, and a reload
 * applies new caps at once. (Fair shares between users, which a session
 * bus cannot show, are in tests/unit/test-scheduler-plan.c and the system
 * suite.) */
static void
test_running_caps (Fixture *f, gconstpointer data)
{
  char *jobs[3];
  g_autofree char *hold = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    {
      g_autofree char *name = g_strdup_printf ("cap-%u", i);
      g_autofree char *url = slow_url (f, name);

      jobs[i] = create_job (f, "foreground");
      add_file (f, jobs[i], url);
      call_job_ok (f, jobs[i], "Resume");
    }
  /* The oldest two run; the third waits where it can be seen. */
  wait_state (f, jobs[0], "transferring", TRANSFER_TIMEOUT_MS);
  wait_state (f, jobs[1], "transferring", TRANSFER_TIMEOUT_MS);
  barge_test_run_for (300);
  assert_state (f, jobs[2], "queued");
  hold = job_string (f, jobs[2], "HoldReason");
  g_assert_cmpstr (hold, ==, "scheduler");

  /* A higher cap: the third starts without a restart. */
  barge_test_daemon_set_config (f->daemon, "[Scheduler]\nMaxRunningJobs=3\n");
  barge_test_daemon_send_signal (f->daemon, SIGHUP);
  wait_state (f, jobs[2], "transferring", SHORT_TIMEOUT_MS);

  /* One job per user: the lower-ranked two give their slots back. */
  barge_test_daemon_set_config (f->daemon, "[Scheduler]\nMaxRunningJobs=3\nMaxRunningJobsPerUser=1\n");
  barge_test_daemon_send_signal (f->daemon, SIGHUP);
  wait_state (f, jobs[1], "queued", SHORT_TIMEOUT_MS);
  wait_state (f, jobs[2], "queued", SHORT_TIMEOUT_MS);
  assert_state (f, jobs[0], "transferring");

  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    {
      cancel_if_present (f, jobs[i]);
      g_free (jobs[i]);
    }
}

/* At most 6 jobs run against one host, libsoup's limit there, so none waits
 * for a connection inside libsoup unseen; a job whose next file is on a
 * full host goes back to the queue when it gets there. (The black hole and
 * the test server are two hosts: their ports differ.) */
static void
test_next_file_on_a_full_host (Fixture *f, gconstpointer data)
{
  char *holders[BARGE_TEST_HOST_SLOTS];
  g_autofree char *mover = create_job (f, "foreground");
  g_autofree char *small = barge_test_server_get_data_url (f->server, "small", 1000, 0);
  g_autofree char *seventh = create_job (f, "foreground");
  g_autofree char *hold = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (holders); i++)
    {
      holders[i] = create_job (f, "foreground");
      add_file (f, holders[i], f->black_hole_url);
      call_job_ok (f, holders[i], "Resume");
      wait_state (f, holders[i], "connecting", SHORT_TIMEOUT_MS);
    }
  /* A seventh job for the full host waits in "queued". */
  add_file (f, seventh, f->black_hole_url);
  call_job_ok (f, seventh, "Resume");
  barge_test_run_for (300);
  assert_state (f, seventh, "queued");
  hold = job_string (f, seventh, "HoldReason");
  g_assert_cmpstr (hold, ==, "scheduler");

  /* One that starts elsewhere and moves on to the full host: its first file
   * is transferred, then it goes back to the queue. */
  add_file (f, mover, small);
  add_file (f, mover, f->black_hole_url);
  call_job_ok (f, mover, "Resume");
  wait_state (f, mover, "queued", SHORT_TIMEOUT_MS);
  for (guint i = 0; i < G_N_ELEMENTS (holders); i++)
    assert_state (f, holders[i], "connecting");

  cancel_if_present (f, mover);
  cancel_if_present (f, seventh);
  for (guint i = 0; i < G_N_ELEMENTS (holders); i++)
    {
      cancel_if_present (f, holders[i]);
      g_free (holders[i]);
    }
}

/* --- retries, deadlines and errors ------------------------------------------ */

static guint
job_uint (Fixture *f, const char *path, const char *name)
{
  g_autoptr(GVariant) value = get_property (f, path, name);

  return g_variant_get_uint32 (value);
}

static void
get_error (Fixture *f, const char *path, char **context, char **name, char **message, char **file)
{
  g_autoptr(GVariant) value = get_property (f, path, "Error");

  g_variant_get (value, "(ssss)", context, name, message, file);
}

static guint
count_requests (Fixture *f, const char *name)
{
  g_autofree char *data_path = barge_test_server_get_data_path (name);
  g_autoptr(GPtrArray) requests = barge_test_server_get_requests (f->server, data_path);
  guint n = 0;

  for (guint i = 0; i < requests->len; i++)
    if (g_str_equal (((BargeTestRequest *) g_ptr_array_index (requests, i))->method, "GET"))
      n++;
  return n;
}

typedef struct {
  Fixture *f;
  const char *name;
  guint n;
} RequestWait;

static gboolean
got_requests (gpointer user_data)
{
  RequestWait *w = user_data;

  return count_requests (w->f, w->name) >= w->n;
}

static void
test_http_error (Fixture *f, gconstpointer data)
{
  g_autofree char *path = create_job (f, "foreground");
  g_autofree char *url = status_url (f, 404, NULL);
  g_autofree char *context = NULL, *name = NULL, *message = NULL, *file = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) files = NULL;
  g_autoptr(GVariant) times = NULL;
  guint64 created, modified, completed;

  add_file (f, path, url);
  call_job_ok (f, path, "Resume");
  wait_state (f, path, "error", TRANSFER_TIMEOUT_MS);
  get_error (f, path, &context, &name, &message, &file);
  files = get_property (f, path, "Files");
  g_assert_cmpstr (context, ==, "remote-file");
  g_assert_cmpstr (name, ==, ERROR_PREFIX "RemoteNotFound");
  g_assert_nonnull (strstr (message, "404"));
  {
    g_autoptr(GVariant) first = g_variant_get_child_value (files, 0);
    g_assert_cmpstr (file, ==, g_variant_get_string (first, NULL));
  }
  g_assert_cmpuint (job_uint (f, path, "HttpStatus"), ==, 404);
  g_assert_cmpuint (job_uint (f, path, "ErrorCount"), ==, 1);
  times = get_property (f, path, "Times");
  g_variant_get (times, "(ttt)", &created, &modified, &completed);
  g_assert_cmpuint (modified, >=, created);
  g_assert_cmpuint (completed, ==, 0);

  /* The description of the error, for people. */
  barge_dbus_manager_call_get_error_description_sync (barge_test_daemon_get_manager (f->daemon), name, "C",
                                                      &description, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (description, !=, "");

  /* Kept across a restart: the error, its HTTP status and the count. */
  barge_test_daemon_restart (f->daemon);
  assert_state (f, path, "error");
  g_assert_cmpuint (job_uint (f, path, "HttpStatus"), ==, 404);
  g_assert_cmpuint (job_uint (f, path, "ErrorCount"), ==, 1);

  /* Resume from error: queued, then the same error again, counted. */
  call_job_ok (f, path, "Resume");
  wait_state (f, path, "error", TRANSFER_TIMEOUT_MS);
  g_assert_cmpuint (job_uint (f, path, "ErrorCount"), ==, 2);
  call_job_ok (f, path, "Suspend");
  g_assert_cmpuint (job_uint (f, path, "HttpStatus"), ==, 0);
}

static void
test_retry_after (Fixture *f, gconstpointer data)
{
  g_autofree char *path = create_job (f, "foreground");
  g_autofree char *url = status_url (f, 503, "6");
  g_autofree char *hold = NULL;
  g_autofree char *context = NULL, *name = NULL, *message = NULL, *file = NULL;
  RequestWait w = { f, "status", 2 };
  gint64 first, second;

  set_property (f, path, "MinimumRetryDelay", g_variant_new_uint32 (5));
  add_file (f, path, url);
  first = g_get_monotonic_time ();
  call_job_ok (f, path, "Resume");
  wait_state (f, path, "transient-error", TRANSFER_TIMEOUT_MS);
  hold = job_string (f, path, "HoldReason");
  g_assert_cmpstr (hold, ==, "retry-delay");
  g_assert_cmpuint (job_uint (f, path, "HttpStatus"), ==, 503);
  get_error (f, path, &context, &name, &message, &file);
  g_assert_cmpstr (name, ==, ERROR_PREFIX "HttpServerError");
  g_assert_nonnull (strstr (message, "503"));

  /* A restart keeps the retry deadline: still waiting, not queued. */
  barge_test_daemon_restart (f->daemon);
  assert_state (f, path, "transient-error");
  g_free (hold);
  hold = job_string (f, path, "HoldReason");
  g_assert_cmpstr (hold, ==, "retry-delay");
  g_assert_cmpuint (count_requests (f, "status"), ==, 1);

  /* The retry comes after Retry-After (6 s), not MinimumRetryDelay (5 s). */
  if (!poll_until (got_requests, &w, 20000))
    g_error ("no retry within 20 s");
  second = g_get_monotonic_time ();
  g_assert_cmpint (second - first, >=, 5800 * 1000);
  wait_state (f, path, "transient-error", SHORT_TIMEOUT_MS);
  g_assert_cmpuint (job_uint (f, path, "ErrorCount"), ==, 2);

  /* MinimumRetryDelay has a floor of 5 s. */
  {
    g_autoptr(GError) error = set_property_error (f, path, "MinimumRetryDelay", g_variant_new_uint32 (4));
    barge_test_assert_dbus_error (error, ERROR_PREFIX "InvalidArgument");
  }
  cancel_if_present (f, path);
}

static void
test_no_progress (Fixture *f, gconstpointer data)
{
  g_autofree char *fatal = create_job (f, "foreground");
  g_autofree char *later = create_job (f, "foreground");
  g_autofree char *url = status_url (f, 503, NULL);
  g_autofree char *context = NULL, *name = NULL, *message = NULL, *file = NULL;
  gint64 start;

  /* A retry delay longer than NoProgressTimeout makes errors final at once. */
  set_property (f, fatal, "MinimumRetryDelay", g_variant_new_uint32 (10));
  set_property (f, fatal, "NoProgressTimeout", g_variant_new_uint32 (5));
  add_file (f, fatal, url);
  call_job_ok (f, fatal, "Resume");
  wait_state (f, fatal, "error", TRANSFER_TIMEOUT_MS);
  get_error (f, fatal, &context, &name, &message, &file);
  g_assert_cmpstr (name, ==, ERROR_PREFIX "NoProgress");

  /* Otherwise the job retries until NoProgressTimeout after its first
   * transient error, and then fails, even between two retries. */
  set_property (f, later, "MinimumRetryDelay", g_variant_new_uint32 (5));
  set_property (f, later, "NoProgressTimeout", g_variant_new_uint32 (7));
  add_file (f, later, url);
  start = g_get_monotonic_time ();
  call_job_ok (f, later, "Resume");
  wait_state (f, later, "transient-error", TRANSFER_TIMEOUT_MS);
  wait_state (f, later, "error", 20000);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 6500 * 1000);
  g_clear_pointer (&name, g_free);
  g_clear_pointer (&context, g_free);
  g_clear_pointer (&message, g_free);
  g_clear_pointer (&file, g_free);
  get_error (f, later, &context, &name, &message, &file);
  g_assert_cmpstr (name, ==, ERROR_PREFIX "NoProgress");
  g_assert_cmpstr (context, ==, "general-queue-manager");
  g_assert_cmpuint (job_uint (f, later, "ErrorCount"), ==, 2);
}

static void
test_maximum_download_time (Fixture *f, gconstpointer data)
{
  g_autofree char *path = create_job (f, "foreground");
  g_autofree char *url = slow_url (f, "maxtime");
  g_autofree char *context = NULL, *name = NULL, *message = NULL, *file = NULL;

  g_assert_cmpuint (job_uint (f, path, "MaximumDownloadTime"), ==, 7776000);
  set_property (f, path, "MaximumDownloadTime", g_variant_new_uint32 (2));
  add_file (f, path, url);
  /* Time while suspended does not count. */
  barge_test_run_for (2500);
  call_job_ok (f, path, "Resume");
  wait_state (f, path, "transferring", TRANSFER_TIMEOUT_MS);
  wait_state (f, path, "error", SHORT_TIMEOUT_MS);
  get_error (f, path, &context, &name, &message, &file);
  g_assert_cmpstr (name, ==, ERROR_PREFIX "MaximumTimeExceeded");
  g_assert_cmpstr (context, ==, "general-queue-manager");

  /* Resume starts the clock again; 0 means no limit. */
  set_property (f, path, "MaximumDownloadTime", g_variant_new_uint32 (0));
  call_job_ok (f, path, "Resume");
  wait_state (f, path, "transferring", TRANSFER_TIMEOUT_MS);
  barge_test_run_for (2500);
  assert_state (f, path, "transferring");
  g_assert_cmpuint (job_uint (f, path, "MaximumDownloadTime"), ==, 0);
  barge_test_daemon_restart (f->daemon);
  g_assert_cmpuint (job_uint (f, path, "MaximumDownloadTime"), ==, 0);
  cancel_if_present (f, path);
}


/* --- connections between jobs ----------------------------------------------- */

#define PRIORITY_LOW_FILES 10
#define PRIORITY_FG_FILES 3

/* Polls (every 5 ms) until the server saw a GET of LOW_NEXT; returns for
 * each name in NAMES the poll in which its first GET was seen (G_MAXUINT:
 * not yet). */
static guint
first_gets (Fixture *f, const char * const *names, guint *seen, const char *low_next, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint poll = 0;

  for (guint i = 0; names[i] != NULL; i++)
    seen[i] = G_MAXUINT;
  for (;; poll++)
    {
      for (guint i = 0; names[i] != NULL; i++)
        if (seen[i] == G_MAXUINT && count_requests (f, names[i]) > 0)
          seen[i] = poll;
      if (count_requests (f, low_next) > 0 || g_get_monotonic_time () >= end)
        return poll;
      barge_test_run_for (5);
    }
}

/* The daemon's connections go to a foreground job before a background one
 * ([Transfer] MaxConnections=2): a low job of slow files holds both, a
 * foreground job comes, and each connection the low job frees goes to the
 * foreground job's files until it has none left. The low job's own next
 * file, which asks for that connection at the very moment it frees (from
 * the end of the file before), waits. RAISED: the second job is a running
 * low job, already waiting for a connection, when it is made foreground. */
static void
foreground_connections_first (Fixture *f, gboolean raised)
{
  g_autofree char *low = create_job (f, "low");
  g_autofree char *fg = create_job (f, raised ? "low" : "foreground");
  g_autoptr(GPtrArray) low_names = g_ptr_array_new_with_free_func (g_free);
  const char *fg_names[PRIORITY_FG_FILES + 1] = { "prio-fg-0", "prio-fg-1", "prio-fg-2", NULL };
  guint seen[PRIORITY_FG_FILES];
  guint low_seen;
  guint64 total, done, n, files_done;

  for (guint i = 0; i < PRIORITY_LOW_FILES; i++)
    {
      char *name = g_strdup_printf ("prio-low-%02u", i);
      /* 2 s each. */
      g_autofree char *url = barge_test_server_get_data_url (f->server, name, 512 * KiB, 256 * KiB);

      add_file (f, low, url);
      g_ptr_array_add (low_names, name);
    }
  /* The first at once, the other two 1 s each: when the first ends the
   * third starts, and the connection after that frees only a second later,
   * so that the low job's next request cannot come in the same poll as
   * the last of these. */
  for (guint i = 0; i < PRIORITY_FG_FILES; i++)
    {
      g_autofree char *url = barge_test_server_get_data_url (f->server, fg_names[i], i == 0 ? 32 * KiB : 256 * KiB,
                                                             i == 0 ? 0 : 256 * KiB);
      add_file (f, fg, url);
    }

  call_job_ok (f, low, "Resume");
  {
    RequestWait w0 = { f, g_ptr_array_index (low_names, 0), 1 };
    RequestWait w1 = { f, g_ptr_array_index (low_names, 1), 1 };

    g_assert_true (poll_until (got_requests, &w0, SHORT_TIMEOUT_MS));
    g_assert_true (poll_until (got_requests, &w1, SHORT_TIMEOUT_MS));
  }
  /* Both connections are the low job's. */
  barge_test_run_for (200);
  g_assert_cmpuint (count_requests (f, g_ptr_array_index (low_names, 2)), ==, 0);

  call_job_ok (f, fg, "Resume");
  if (raised)
    {
      /* Running beside the other (MaxBackgroundJobs=2), waiting in line
       * behind it; then foreground. */
      wait_state (f, fg, "connecting", SHORT_TIMEOUT_MS);
      barge_test_run_for (200);
      g_assert_cmpuint (count_requests (f, fg_names[0]), ==, 0);
      set_property (f, fg, "Priority", g_variant_new_string ("foreground"));
    }
  low_seen = first_gets (f, fg_names, seen, g_ptr_array_index (low_names, 2), TRANSFER_TIMEOUT_MS);
  g_test_message ("first GETs seen at polls (5 ms apart): %s %u, %s %u, %s %u; %s %u", fg_names[0], seen[0],
                  fg_names[1], seen[1], fg_names[2], seen[2], (char *) g_ptr_array_index (low_names, 2), low_seen);
  g_assert_cmpuint (count_requests (f, g_ptr_array_index (low_names, 2)), ==, 1);
  /* Every foreground file was asked for before the low job's third. */
  for (guint i = 0; i < PRIORITY_FG_FILES; i++)
    g_assert_cmpuint (seen[i], <, low_seen);

  /* The foreground job is done while the low job still runs. */
  wait_state (f, fg, "transferred", TRANSFER_TIMEOUT_MS);
  assert_state (f, low, "transferring");
  {
    g_autoptr(GVariant) progress = get_property (f, low, "Progress");

    g_variant_get (progress, "(tttt)", &total, &done, &n, &files_done);
    g_assert_cmpuint (files_done, <, PRIORITY_LOW_FILES);
  }
  call_job_ok (f, fg, "Complete");
  cancel_if_present (f, low);
}

static void
test_foreground_connections_first (Fixture *f, gconstpointer data)
{
  foreground_connections_first (f, FALSE);
}

/* A job made foreground while it waits for a connection waits as a
 * foreground job from then on. */
static void
test_raised_priority_connections_first (Fixture *f, gconstpointer data)
{
  foreground_connections_first (f, TRUE);
}


/* --- notifications -------------------------------------------------------- */

typedef struct {
  guint transferred;
  guint failed;
  guint file_transferred;
} Signals;

static void
on_signal (GDBusConnection *connection, const char *sender, const char *path, const char *iface,
           const char *member, GVariant *parameters, gpointer user_data)
{
  Signals *s = user_data;

  if (g_str_equal (member, "Transferred"))
    s->transferred++;
  else if (g_str_equal (member, "Failed"))
    s->failed++;
  else if (g_str_equal (member, "FileTransferred"))
    s->file_transferred++;
}

static guint
subscribe (Fixture *f, const char *path, Signals *s)
{
  memset (s, 0, sizeof *s);
  return g_dbus_connection_signal_subscribe (barge_test_daemon_get_connection (f->daemon), BARGE_TEST_BUS_NAME,
                                             BARGE_TEST_JOB_IFACE, NULL, path, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                             on_signal, s, NULL);
}

static char *
read_lines (const char *path)
{
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

typedef struct {
  const char *file;
  guint lines;
} LinesWait;

static gboolean
has_lines (gpointer user_data)
{
  LinesWait *w = user_data;
  g_autofree char *text = read_lines (w->file);
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    if (*p == '\n')
      n++;
  return n >= w->lines;
}

static void
test_notify_flags (Fixture *f, gconstpointer data)
{
  g_autofree char *path = create_job (f, "foreground");
  g_autofree char *url = barge_test_server_get_data_url (f->server, "n1", 1000, 0);
  g_autofree char *url2 = barge_test_server_get_data_url (f->server, "n2", 1000, 0);
  g_autoptr(GVariant) flags = get_property (f, path, "NotifyFlags");
  g_autofree const char **strv = g_variant_get_strv (flags, NULL);
  Signals s;
  guint id = subscribe (f, path, &s);

  /* The default is "transferred" and "error", as in BITS. */
  g_assert_cmpuint (g_strv_length ((char **) strv), ==, 2);
  g_assert_true (g_strv_contains (strv, "transferred"));
  g_assert_true (g_strv_contains (strv, "error"));
  {
    const char *bad[] = { "transferred", "sometimes", NULL };
    g_autoptr(GError) error = set_property_error (f, path, "NotifyFlags", g_variant_new_strv (bad, -1));
    barge_test_assert_dbus_error (error, ERROR_PREFIX "InvalidArgument");
  }

  add_file (f, path, url);
  add_file (f, path, url2);
  call_job_ok (f, path, "Resume");
  wait_state (f, path, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_run_for (300);
  g_assert_cmpuint (s.transferred, ==, 1);
  g_assert_cmpuint (s.file_transferred, ==, 0);

  /* Without "transferred" no Transferred signal; "file-transferred" adds one per file. */
  {
    const char *only_files[] = { "file-transferred", NULL };
    g_autofree char *url3 = barge_test_server_get_data_url (f->server, "n3", 1000, 0);

    set_property (f, path, "NotifyFlags", g_variant_new_strv (only_files, -1));
    add_file (f, path, url3);
    call_job_ok (f, path, "Resume");
    wait_state (f, path, "transferred", TRANSFER_TIMEOUT_MS);
    barge_test_run_for (300);
    g_assert_cmpuint (s.transferred, ==, 1);
    g_assert_cmpuint (s.file_transferred, ==, 1);
  }
  {
    g_autoptr(GVariant) interval = NULL;

    set_property (f, path, "MinimumNotificationInterval", g_variant_new_uint32 (100));
    interval = get_property (f, path, "MinimumNotificationInterval");
    g_assert_cmpuint (g_variant_get_uint32 (interval), ==, 100);
  }
  g_dbus_connection_signal_unsubscribe (barge_test_daemon_get_connection (f->daemon), id);
}

static void
test_notify_command (Fixture *f, gconstpointer data)
{
  g_autofree char *path = create_job (f, "foreground");
  g_autofree char *url = barge_test_server_get_data_url (f->server, "cmd", 1000, 0);
  g_autofree char *log = g_build_filename (f->dir, "notify.log", NULL);
  g_autofree char *script = g_strdup_printf ("echo \"$BARGE_JOB_STATE $0 $1\" >> '%s'", log);
  const char *args[] = { "-c", script, "first", "second", NULL };
  LinesWait w = { log, 1 };
  g_autofree char *text = NULL;
  Signals s;
  guint id = subscribe (f, path, &s);

  /* Checked when written: an absolute program, or none. */
  {
    const char *none[] = { NULL };
    g_autoptr(GError) error = set_property_error (f, path, "NotifyCommandLine",
                                                  g_variant_new ("(s^as)", "sh", none));
    barge_test_assert_dbus_error (error, ERROR_PREFIX "InvalidArgument");
  }
  set_property (f, path, "NotifyCommandLine", g_variant_new ("(s^as)", "/bin/sh", args));
  add_file (f, path, url);
  call_job_ok (f, path, "Resume");
  wait_state (f, path, "transferred", TRANSFER_TIMEOUT_MS);
  if (!poll_until (has_lines, &w, SHORT_TIMEOUT_MS))
    g_error ("the notify program did not run");
  text = read_lines (log);
  g_assert_cmpstr (text, ==, "transferred first second\n");
  /* The program runs instead of the signal. */
  g_assert_cmpuint (s.transferred, ==, 0);
  g_dbus_connection_signal_unsubscribe (barge_test_daemon_get_connection (f->daemon), id);

  /* Still transferred at the next start: it runs again (BITS). */
  barge_test_daemon_restart (f->daemon);
  w.lines = 2;
  if (!poll_until (has_lines, &w, SHORT_TIMEOUT_MS))
    g_error ("the notify program did not run again after a restart");
  call_job_ok (f, path, "Complete");
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS), ==, "acknowledged");
}

static void
test_notify_failure (Fixture *f, gconstpointer data)
{
  g_autofree char *path = create_job (f, "foreground");
  g_autofree char *url = barge_test_server_get_data_url (f->server, "cmdfail", 1000, 0);
  g_autofree char *missing = g_build_filename (f->dir, "no-such-program", NULL);
  g_autofree char *context = NULL, *name = NULL, *message = NULL, *file = NULL;
  const char *none[] = { NULL };

  set_property (f, path, "NotifyCommandLine", g_variant_new ("(s^as)", missing, none));
  add_file (f, path, url);
  call_job_ok (f, path, "Resume");
  wait_state (f, path, "error", TRANSFER_TIMEOUT_MS);
  get_error (f, path, &context, &name, &message, &file);
  g_assert_cmpstr (context, ==, "queue-manager-notification");
  g_assert_cmpstr (name, ==, ERROR_PREFIX "NotificationFailed");
}

/* --- limits ---------------------------------------------------------------- */

static void
test_limits (Fixture *f, gconstpointer data)
{
  g_autofree char *path = create_job (f, "normal");
  g_autofree char *url = barge_test_server_get_data_url (f->server, "lim", 10, 0);
  g_autofree char *long_name = g_strnfill (257, 'n');
  g_autofree char *long_text = g_strnfill (1025, 'd');
  g_autofree char *long_url = NULL;
  g_autofree char *relative = NULL;
  g_autofree char *no_folder = g_build_filename (f->dir, "missing", "file", NULL);
  g_autofree char *second = NULL, *third = NULL;
  g_autoptr(GError) error = NULL;
  char *fourth = NULL;

  {
    GString *u = g_string_new ("http://127.0.0.1/");
    while (u->len <= 2200)
      g_string_append_c (u, 'u');
    long_url = g_string_free (u, FALSE);
  }

  /* Texts. */
  error = set_property_error (f, path, "DisplayName", g_variant_new_string (long_name));
  barge_test_assert_dbus_error (error, ERROR_PREFIX "StringTooLong");
  g_clear_error (&error);
  error = set_property_error (f, path, "Description", g_variant_new_string (long_text));
  barge_test_assert_dbus_error (error, ERROR_PREFIX "StringTooLong");
  g_clear_error (&error);
  barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), long_name, "download",
                                           g_variant_new ("a{sv}", NULL), &fourth, NULL, &error);
  barge_test_assert_dbus_error (error, ERROR_PREFIX "StringTooLong");
  g_clear_error (&error);
  {
    g_autofree char *exact = g_strnfill (256, 'x');
    set_property (f, path, "DisplayName", g_variant_new_string (exact));
  }

  /* URLs and paths. */
  error = add_file_error (f, path, long_url);
  barge_test_assert_dbus_error (error, ERROR_PREFIX "StringTooLong");
  g_clear_error (&error);
  error = add_file_error (f, path, "ftp://127.0.0.1/file");
  barge_test_assert_dbus_error (error, ERROR_PREFIX "InvalidArgument");
  g_clear_error (&error);
  {
    g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);

    barge_dbus_job_call_add_file_sync (job, url, "relative/file", NULL, &error);
    barge_test_assert_dbus_error (error, ERROR_PREFIX "InvalidArgument");
    g_clear_error (&error);
    barge_dbus_job_call_add_file_sync (job, url, no_folder, NULL, &error);
    barge_test_assert_dbus_error (error, ERROR_PREFIX "InvalidArgument");
    g_clear_error (&error);
  }

  /* Files per job (barge.conf: 2). */
  add_file (f, path, url);
  add_file (f, path, url);
  error = add_file_error (f, path, url);
  barge_test_assert_dbus_error (error, ERROR_PREFIX "TooManyFiles");
  g_clear_error (&error);

  /* Jobs per user (barge.conf: 3). */
  second = create_job (f, "normal");
  third = create_job (f, "normal");
  barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "one too many", "download",
                                           g_variant_new ("a{sv}", NULL), &fourth, NULL, &error);
  barge_test_assert_dbus_error (error, ERROR_PREFIX "TooManyJobs");
  g_clear_error (&error);

  /* Jobs per machine, after a reload (2 < the 3 there are). */
  call_job_ok (f, third, "Cancel");
  barge_test_daemon_set_config (f->daemon, "[Jobs]\nMaxFilesPerJob=2\nMaxJobsPerUser=3\nMaxJobs=2\n");
  barge_test_daemon_send_signal (f->daemon, SIGHUP);
  barge_test_run_for (300);
  barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "machine", "download",
                                           g_variant_new ("a{sv}", NULL), &fourth, NULL, &error);
  barge_test_assert_dbus_error (error, ERROR_PREFIX "TooManyJobs");
  g_assert_nonnull (strstr (error->message, "machine"));
}

typedef struct {
  guint answered;
  guint created;
  guint refused;
} Creations;

static void
on_concurrent_created (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Creations *c = user_data;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;

  c->answered++;
  if (barge_dbus_manager_call_create_job_finish (BARGE_DBUS_MANAGER (source), &path, res, &error))
    c->created++;
  else if ((name = g_dbus_error_get_remote_error (error)) != NULL && g_str_has_suffix (name, "TooManyJobs"))
    c->refused++;
}

/* CreateJob calls that arrive together count against MaxJobsPerUser while
 * their jobs are stored, not only once they are announced: before, all
 * of 20 calls passed the check and one user got 20 jobs past a limit of
 * 3 (and MaxJobs the same way). */
static void
test_limits_concurrent (Fixture *f, gconstpointer data)
{
  Creations c = { 0 };
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (guint i = 0; i < 20; i++)
    barge_dbus_manager_call_create_job (barge_test_daemon_get_manager (f->daemon), "at once", "download",
                                        g_variant_new ("a{sv}", NULL), NULL, on_concurrent_created, &c);
  while (c.answered < 20 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (c.answered, ==, 20);
  g_assert_cmpuint (c.created, ==, 3);
  g_assert_cmpuint (c.refused, ==, 17);
}

/* --- the inactivity reaper -------------------------------------------------- */

static void
test_inactivity (Fixture *f, gconstpointer data)
{
  g_autofree char *idle = create_job (f, "normal");
  g_autofree char *busy = create_job (f, "normal");
  gint64 start = g_get_monotonic_time ();

  /* A job nobody touches for InactivityTimeout (2 s) is cancelled; one
   * touched meanwhile lives on. */
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *name = g_strdup_printf ("touched %u", i);

      barge_test_run_for (500);
      set_property (f, busy, "DisplayName", g_variant_new_string (name));
    }
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, idle, SHORT_TIMEOUT_MS), ==, "cancelled");
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1900 * 1000);
  assert_state (f, busy, "suspended");
  g_assert_cmpstr (barge_test_daemon_wait_job_removed (f->daemon, busy, SHORT_TIMEOUT_MS), ==, "cancelled");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/lifecycle/state-table", Fixture, "[Scheduler]\nMaxBackgroundJobs=1\n",
              fixture_setup, test_state_table, fixture_teardown);
  g_test_add ("/lifecycle/preemption", Fixture, "[Scheduler]\nMaxBackgroundJobs=1\n",
              fixture_setup, test_preemption, fixture_teardown);
  g_test_add ("/lifecycle/size-hints", Fixture, "[Scheduler]\nMaxBackgroundJobs=1\nTimeSlice=3600\n",
              fixture_setup, test_size_hints, fixture_teardown);
  g_test_add ("/lifecycle/round-robin", Fixture, "[Scheduler]\nMaxBackgroundJobs=1\nTimeSlice=1\n",
              fixture_setup, test_round_robin, fixture_teardown);
  g_test_add ("/lifecycle/sighup", Fixture, "[Scheduler]\nMaxBackgroundJobs=1\nTimeSlice=3600\n",
              fixture_setup, test_sighup, fixture_teardown);
  g_test_add ("/lifecycle/running-caps", Fixture, "[Scheduler]\nMaxRunningJobs=2\n",
              fixture_setup, test_running_caps, fixture_teardown);
  g_test_add ("/lifecycle/next-file-on-a-full-host", Fixture, NULL,
              fixture_setup, test_next_file_on_a_full_host, fixture_teardown);
  g_test_add ("/lifecycle/foreground-connections-first", Fixture, "[Transfer]\nMaxConnections=2\n",
              fixture_setup, test_foreground_connections_first, fixture_teardown);
  g_test_add ("/lifecycle/raised-priority-connections-first", Fixture,
              "[Transfer]\nMaxConnections=2\n[Scheduler]\nMaxBackgroundJobs=2\n",
              fixture_setup, test_raised_priority_connections_first, fixture_teardown);
  BARGE_TEST_ADD ("/lifecycle/http-error", test_http_error);
  BARGE_TEST_ADD ("/lifecycle/retry-after", test_retry_after);
  BARGE_TEST_ADD ("/lifecycle/no-progress", test_no_progress);
  BARGE_TEST_ADD ("/lifecycle/maximum-download-time", test_maximum_download_time);
  BARGE_TEST_ADD ("/lifecycle/notify-flags", test_notify_flags);
  BARGE_TEST_ADD ("/lifecycle/notify-command", test_notify_command);
  BARGE_TEST_ADD ("/lifecycle/notify-failure", test_notify_failure);
  g_test_add ("/lifecycle/limits", Fixture, "[Jobs]\nMaxFilesPerJob=2\nMaxJobsPerUser=3\n",
              fixture_setup, test_limits, fixture_teardown);
  g_test_add ("/lifecycle/limits-concurrent", Fixture, "[Jobs]\nMaxJobsPerUser=3\n", fixture_setup,
              test_limits_concurrent, fixture_teardown);
  g_test_add ("/lifecycle/inactivity", Fixture, "[Jobs]\nInactivityTimeout=2\n",
              fixture_setup, test_inactivity, fixture_teardown);
  return g_test_run ();
}
