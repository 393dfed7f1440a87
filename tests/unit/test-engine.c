/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The engine without a bus: the scheduler's choices (priorities, the
 * background slot, foreground beside it), the network's verdicts
 * (no network, metered against CostPolicy, the network lost while a job
 * runs) and how a job's files share connections, on real BargedJob
 * objects, read through their typed getters.
 * The server accepts connections and never answers, so a started job
 * stays "connecting" for as long as a test looks. */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "barged-engine.h"
#include "barged-job-private.h"
#include "barge-test-soup.h"
#include "store-fixture.h"

#define TIMEOUT_US (10 * G_USEC_PER_SEC)

typedef struct {
  StoreFixture *db;
  GSocketService *silent;     /* accepts, never answers */
  GSocketService *trickle;    /* answers 4 KiB of a 1 MiB body, then nothing */
  char *trickle_url;
  GPtrArray *connections;     /* kept open */
  char *url;
  char *network_path;
  BargedConfig *config;
  BargedJobContext ctx;
  BargedEngine *engine;
} Fixture;

static gboolean
on_incoming (GSocketService *service, GSocketConnection *connection, GObject *source, gpointer user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (f->connections, g_object_ref (connection));
  return TRUE;
}

#define TRICKLE_SENT 4096

static gboolean
on_trickle (GSocketService *service, GSocketConnection *connection, GObject *source, gpointer user_data)
{
  Fixture *f = user_data;
  static const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\nETag: \"trickle-1\"\r\n"
                             "Accept-Ranges: bytes\r\n\r\n";
  g_autofree char *body = g_malloc0 (TRICKLE_SENT);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));

  /* Into the loopback socket's buffer at once: the request is not read. */
  g_assert_true (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL));
  g_assert_true (g_output_stream_write_all (out, body, TRICKLE_SENT, NULL, NULL, NULL));
  g_ptr_array_add (f->connections, g_object_ref (connection));
  return TRUE;
}

static void
set_network (Fixture *f, gboolean available, gboolean metered)
{
  g_autofree char *text = g_strdup_printf ("[Network]\nAvailable=%s\nMetered=%s\n", available ? "true" : "false",
                                           metered ? "true" : "false");
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (f->network_path, text, -1, &error));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BargedNetwork) network = NULL;
  BargedSettings settings;
  guint16 port;

  f->db = store_fixture_new ();
  f->connections = g_ptr_array_new_with_free_func (g_object_unref);
  f->silent = g_socket_service_new ();
  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (f->silent), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (f->silent, "incoming", G_CALLBACK (on_incoming), f);
  f->url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  f->trickle = g_socket_service_new ();
  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (f->trickle), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (f->trickle, "incoming", G_CALLBACK (on_trickle), f);
  f->trickle_url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  f->network_path = g_build_filename (f->db->dir, "network", NULL);
  set_network (f, TRUE, FALSE);

  barged_settings_init_defaults (&settings);
  settings.max_background_jobs = 1;
  /* No periodic checkpoint: an offset in the store comes from a stop. */
  settings.checkpoint_interval = 600000;
  f->config = barged_config_new (&settings);
  f->ctx.config = f->config;
  f->ctx.store = barged_store_new (f->db->path, &error);
  g_assert_no_error (error);
  /* No connection reuse between tests, and HEAD probes fail fast. */
  f->ctx.session = soup_session_new ();
  f->ctx.syncer = barged_syncer_new ();
  network = barged_network_new_for_file (f->network_path, &error);
  g_assert_no_error (error);
  f->engine = barged_engine_new (&f->ctx, network);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->engine);
  g_clear_object (&f->ctx.session);
  g_clear_object (&f->ctx.syncer);
  barged_store_flush (f->ctx.store);
  g_clear_object (&f->ctx.store);
  g_clear_object (&f->config);
  g_socket_service_stop (f->silent);
  g_clear_object (&f->silent);
  g_socket_service_stop (f->trickle);
  g_clear_object (&f->trickle);
  g_free (f->trickle_url);
  g_ptr_array_unref (f->connections);
  g_remove (f->network_path);
  g_free (f->network_path);
  g_free (f->url);
  store_fixture_free (f->db);
}

static void
on_created (GObject *source, GAsyncResult *res, gpointer user_data)
{
  BargedJob **job = user_data;
  g_autoptr(GError) error = NULL;

  *job = barged_engine_create_job_finish (BARGED_ENGINE (source), res, &error);
  g_assert_no_error (error);
}

/* A job made by the engine for @owner, once CreateJob has returned. */
static BargedJob *
create_job_for (Fixture *f, const BargedJobSpec *spec, guint32 owner)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;
  BargedJob *job = NULL;

  barged_engine_create_job_async (f->engine, owner, 022, spec, on_created, &job);
  while (job == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (job);
  return job;
}

/* A job for whoever runs the test (its files are opened as their owner). */
static BargedJob *
create_job (Fixture *f, const BargedJobSpec *spec)
{
  return create_job_for (f, spec, getuid ());
}

/* A job of one file on the silent server, resumed. */
static BargedJob *
running_job (Fixture *f, const char *name, BargeJobPriority priority, BargeCostPolicy policy)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, name, "", priority, policy, BARGE_UPLOAD_PROTOCOL_NONE };
  g_autofree char *url = g_strconcat (f->url, name, NULL);
  g_autofree char *local = g_build_filename (f->db->dir, name, NULL);
  g_autofree char *temporary = g_strconcat (local, ".part", NULL);
  g_autoptr(GError) error = NULL;
  BargedJob *job = NULL;

  job = create_job (f, &spec);
  _barged_job_add_file (job, barged_file_new (0, url, local, temporary));
  g_assert_true (barged_job_resume (job, &error));
  g_assert_no_error (error);
  return job;
}

/* CreateJob with "tls-options": the options are set (and the job saved
 * with them) before the job exists for anyone; it is saved once, not a
 * second time after. */
static void
test_create_with_tls_options (Fixture *f, gconstpointer data)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "tls", "", BARGE_JOB_PRIORITY_NORMAL, BARGE_COST_POLICY_ANY,
                         BARGE_UPLOAD_PROTOCOL_NONE };
  g_autoptr(GVariant) options = g_variant_ref_sink (g_variant_new_parsed ("{'check-revocation': <true>}"));
  g_autoptr(BargedJob) job = NULL;
  guint before = barged_store_get_n_writes (f->ctx.store);

  spec.tls_options = options;
  job = create_job (f, &spec);
  g_assert_true (barged_job_get_tls_check_revocation (job));
  g_assert_cmpuint (barged_store_get_n_writes (f->ctx.store) - before, ==, 1);
}

/* The job @job's record as the store holds it now, or NULL: none. */
static BargedJobRecord *
find_stored (Fixture *f, BargedJob *job)
{
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;

  barged_store_flush (f->ctx.store);
  g_assert_true (barged_store_load (f->ctx.store, &jobs, &files, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < jobs->len; i++)
    {
      BargedJobRecord *r = g_ptr_array_index (jobs, i);

      if (g_str_equal (r->id, barged_job_get_job_id (job)))
        return g_ptr_array_steal_index (jobs, i);
    }
  return NULL;
}

/* The job @job's record as the store holds it now; it must have one. */
static BargedJobRecord *
stored_record (Fixture *f, BargedJob *job)
{
  BargedJobRecord *record = find_stored (f, job);

  g_assert_nonnull (record);
  return record;
}

/* Saves nobody waits on are coalesced: 1000 DisplayName sets while the
 * store is held push one save and mark the job, not 1000 copies of it
 * (each D-Bus Set answers at once: a client in a loop queued a whole job,
 * every file's record, per call). Once the first is written, one more
 * carries the last name, which is what the database holds. */
static void
test_saves_coalesced (Fixture *f, gconstpointer data)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "coalesced", "", BARGE_JOB_PRIORITY_NORMAL,
                         BARGE_COST_POLICY_ANY, BARGE_UPLOAD_PROTOCOL_NONE };
  g_autoptr(BargedJob) job = create_job (f, &spec);
  g_autoptr(GError) error = NULL;
  g_autoptr(BargedJobRecord) stored = NULL;
  gint64 deadline;
  guint before;

  barged_store_flush (f->ctx.store);
  barged_store_hold (f->ctx.store, TRUE);
  before = barged_store_get_n_writes (f->ctx.store);
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *name = g_strdup_printf ("name %u", i);

      g_assert_true (barged_job_set_display_name (job, name, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (barged_store_get_n_writes (f->ctx.store) - before, ==, 1);
  barged_store_hold (f->ctx.store, FALSE);
  /* The first comes back on this thread's loop and sends the second. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (barged_store_get_n_writes (f->ctx.store) - before < 2 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (barged_store_get_n_writes (f->ctx.store) - before, ==, 2);
  stored = stored_record (f, job);
  g_assert_cmpstr (stored->display_name, ==, "name 999");
}

/* A clean stop does not lose a coalesced save: the main loop will not run
 * again to send it once the first is written, so the daemon's shutdown
 * sends it (barged_engine_save_pending()) before it flushes the store.
 * Without that, a change answered before the stop (here a name; in the
 * keyring suite a job's credentials) was gone after a restart. */
static void
test_pending_save_at_stop (Fixture *f, gconstpointer data)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "pending", "", BARGE_JOB_PRIORITY_NORMAL,
                         BARGE_COST_POLICY_ANY, BARGE_UPLOAD_PROTOCOL_NONE };
  g_autoptr(BargedJob) job = create_job (f, &spec);
  g_autoptr(GError) error = NULL;
  g_autoptr(BargedJobRecord) stored = NULL;

  barged_store_flush (f->ctx.store);
  barged_store_hold (f->ctx.store, TRUE);
  g_assert_true (barged_job_set_display_name (job, "first", &error));
  g_assert_true (barged_job_set_display_name (job, "last", &error));
  g_assert_no_error (error);
  /* As barged_daemon_shutdown(): no main loop iteration from here. */
  barged_engine_save_pending (f->engine);
  barged_store_hold (f->ctx.store, FALSE);
  stored = stored_record (f, job);
  g_assert_cmpstr (stored->display_name, ==, "last");
}

static void
on_cancelled (GObject *source, GAsyncResult *res, gpointer user_data)
{
  gboolean *done = user_data;

  g_assert_true (barged_job_cancel_finish (BARGED_JOB (source), res, NULL));
  *done = TRUE;
}

/* A save of a job that was removed writes nothing: late checkpoints of its
 * runs (an upload-reply's last sync, a segment's) come after its delete,
 * in the store's order, and a record written then brought it back at the
 * next start, a cancelled job that every call refuses and nothing reaps. */
static void
test_removed_job_not_saved (Fixture *f, gconstpointer data)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "removed", "", BARGE_JOB_PRIORITY_NORMAL,
                         BARGE_COST_POLICY_ANY, BARGE_UPLOAD_PROTOCOL_NONE };
  g_autoptr(BargedJob) job = create_job (f, &spec);
  g_autoptr(BargedJobRecord) stored = NULL;
  gboolean done = FALSE;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  barged_job_cancel_async (job, on_cancelled, &done);
  while (!done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (done);
  /* As a late checkpoint does. */
  barged_job_save (job, NULL, NULL);
  stored = find_stored (f, job);
  g_assert_null (stored);
}

/* When the source @id is next due, in seconds from now. */
static gint64
due_in_seconds (guint id)
{
  GSource *source = g_main_context_find_source_by_id (NULL, id);

  g_assert_nonnull (source);
  return (g_source_get_ready_time (source) - g_get_monotonic_time ()) / G_USEC_PER_SEC;
}

/* A MaximumDownloadTime of 90 days (the default) and a retry 40 days
 * away: the timers are due then. g_timeout_add() takes at most
 * G_MAXINT32 ms; both were clamped to that, 24.8 days, and then fired
 * as if the time had run out: the job failed with MaximumTimeExceeded
 * after 24.8 days of transferring. */
static void
test_long_timers (Fixture *f, gconstpointer data)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "long timers", "", BARGE_JOB_PRIORITY_NORMAL,
                         BARGE_COST_POLICY_ANY, BARGE_UPLOAD_PROTOCOL_NONE };
  g_autoptr(BargedJob) job = create_job (f, &spec);
  const gint64 day = 24 * 3600;

  g_assert_cmpuint (job->maximum_download_time, ==, 90 * day);
  _barged_job_max_time_arm (job);
  g_assert_cmpint (due_in_seconds (job->max_time_source), >=, 90 * day - 2);
  g_assert_cmpint (due_in_seconds (job->max_time_source), <=, 90 * day + 2);
  _barged_job_max_time_account (job);
  g_assert_cmpuint (job->max_time_source, ==, 0);

  job->retry_at = g_get_real_time () + 40 * day * G_USEC_PER_SEC;
  _barged_job_retry_arm (job);
  g_assert_cmpint (due_in_seconds (job->retry_source), >=, 40 * day - 2);
  g_assert_cmpint (due_in_seconds (job->retry_source), <=, 40 * day + 2);
  g_clear_handle_id (&job->retry_source, g_source_remove);
}

typedef struct {
  gboolean done;
  BargedJob *job;
  GError *error;
} Created;

static void
on_create_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Created *created = user_data;

  created->job = barged_engine_create_job_finish (BARGED_ENGINE (source), res, &created->error);
  created->done = TRUE;
}

static void
on_private_saved (GObject *source, GAsyncResult *res, gpointer user_data)
{
  gboolean *saved = user_data;

  g_assert_true (barged_credentials_wait_saved_finish (BARGED_CREDENTIALS (source), res, NULL));
  *saved = TRUE;
}

static void
wait_private_saved (BargedCredentials *credentials)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;
  gboolean saved = FALSE;

  barged_credentials_wait_saved_async (credentials, on_private_saved, &saved);
  while (!saved && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (saved);
}

/* CreateJob whose record cannot be saved (a trigger refuses it, as a full
 * disk or a database locked by another process would): the call fails,
 * and the job's private data (its umask, its custom headers of up to
 * 16 KiB) goes with it, from memory and from private.keyfile, instead of
 * staying there, loaded at every start, for a job that never was. */
static void
test_create_unsaved_leaves_nothing (Fixture *f, gconstpointer data)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "unsaved", "", BARGE_JOB_PRIORITY_NORMAL, BARGE_COST_POLICY_ANY,
                         BARGE_UPLOAD_PROTOCOL_NONE };
  g_autoptr(GVariant) headers = g_variant_ref_sink (g_variant_new_parsed ("[('X-Probe', 'token-4f2a9c')]"));
  g_autoptr(GError) error = NULL;
  g_autoptr(BargedNetwork) network = barged_network_new_for_file (f->network_path, &error);
  g_autoptr(BargedCredentials) credentials = barged_credentials_new (f->db->dir, FALSE, &error);
  g_autoptr(BargedEngine) engine = NULL;
  g_autofree char *keyfile = g_build_filename (f->db->dir, "private.keyfile", NULL);
  g_autofree char *text = NULL;
  BargedJobContext ctx = f->ctx;
  Created created = { FALSE, NULL, NULL };
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  g_assert_no_error (error);
  ctx.credentials = credentials;
  engine = barged_engine_new (&ctx, network);
  store_fixture_exec (f->db, "CREATE TRIGGER refuse_jobs BEFORE INSERT ON jobs "
                             "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
  spec.custom_headers = headers;
  g_test_expect_message ("BargedStore", G_LOG_LEVEL_WARNING, "job database: refused by the test*");
  barged_engine_create_job_async (engine, getuid (), 022, &spec, on_create_done, &created);
  while (!created.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (created.done);
  g_assert_null (created.job);
  g_assert_nonnull (created.error);
  g_test_assert_expected_messages ();
  g_test_message ("CreateJob: %s", created.error->message);
  g_clear_error (&created.error);

  wait_private_saved (credentials);
  g_assert_true (g_file_get_contents (keyfile, &text, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (strstr (text, "token-4f2a9c"));
  g_assert_null (strstr (text, "umask"));
  store_fixture_exec (f->db, "DROP TRIGGER refuse_jobs");
}

/* An engine on the fixture's store with private data kept in the
 * fixture's folder (private.keyfile), as barged's. */
static BargedEngine *
engine_with_private_file (Fixture *f, BargedCredentials **credentials)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BargedNetwork) network = barged_network_new_for_file (f->network_path, &error);
  BargedJobContext ctx = f->ctx;

  g_assert_no_error (error);
  *credentials = barged_credentials_new (f->db->dir, FALSE, &error);
  g_assert_no_error (error);
  ctx.credentials = *credentials;
  return barged_engine_new (&ctx, network);
}

/* Creates a job of @spec with an engine on the fixture's store and a
 * private file, and closes that engine once the job is stored, as a
 * barged that stops; returns the job's id. */
static char *
create_stored_job (Fixture *f, const BargedJobSpec *spec)
{
  BargedCredentials *credentials = NULL;
  BargedEngine *engine = engine_with_private_file (f, &credentials);
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;
  Created created = { FALSE, NULL, NULL };
  char *id;

  barged_engine_create_job_async (engine, getuid (), 022, spec, on_create_done, &created);
  while (!created.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (created.error);
  id = g_strdup (barged_job_get_job_id (created.job));
  g_clear_object (&created.job);
  barged_store_flush (f->ctx.store);
  g_object_unref (engine);
  g_object_unref (credentials);
  return id;
}

/* Private data of no job (a crash struck between a job's private data
 * and its record) goes at the next start; a job's own stays. */
static void
test_orphan_private_data_dropped (Fixture *f, gconstpointer data)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "kept", "", BARGE_JOB_PRIORITY_NORMAL, BARGE_COST_POLICY_ANY,
                         BARGE_UPLOAD_PROTOCOL_NONE };
  g_autoptr(GVariant) headers = g_variant_ref_sink (g_variant_new_parsed ("[('X-Kept', 'kept-7d1e')]"));
  g_autofree char *keyfile = g_build_filename (f->db->dir, "private.keyfile", NULL);
  g_autofree char *text = NULL;
  g_autofree char *with_orphan = NULL;
  g_autoptr(GError) error = NULL;
  BargedCredentials *credentials = NULL;
  BargedEngine *engine = NULL;
  g_autofree char *id = NULL;

  spec.custom_headers = headers;
  id = create_stored_job (f, &spec);

  /* What a crash after barged_job_new() left: a group of no job. */
  g_assert_true (g_file_get_contents (keyfile, &text, NULL, &error));
  with_orphan = g_strconcat (text, "\n[0123456789abcdef0123456789abcdef]\numask=18\n"
                                   "custom-headers=[('X-Orphan', 'orphan-3b9f')]\n", NULL);
  g_assert_true (g_file_set_contents (keyfile, with_orphan, -1, &error));
  g_clear_pointer (&text, g_free);

  engine = engine_with_private_file (f, &credentials);
  g_test_expect_message ("BargedCredentials", G_LOG_LEVEL_MESSAGE,
                         "job 0123456789abcdef0123456789abcdef: its private data*has no job: dropped");
  g_assert_true (barged_engine_load (engine, &error));
  g_assert_no_error (error);
  g_test_assert_expected_messages ();
  wait_private_saved (credentials);
  g_assert_true (g_file_get_contents (keyfile, &text, NULL, &error));
  g_assert_null (strstr (text, "orphan-3b9f"));
  g_assert_null (strstr (text, "0123456789abcdef0123456789abcdef"));
  g_assert_nonnull (strstr (text, "kept-7d1e"));
  g_assert_nonnull (strstr (text, id));
  g_clear_object (&engine);
  g_clear_object (&credentials);
}

/* TakeOwnership's record reached the job database, its private file did
 * not (a crash between the two, or a failed write of the file): at the
 * next start the old owner's headers and credentials would have been the
 * new owner's, sent where the new owner points the job. Private data
 * names its owner now, and data of another owner than the job's goes. A
 * damaged private file is set aside, not overwritten at the next save. */
static void
test_private_data_of_old_owner_dropped (Fixture *f, gconstpointer data)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "taken", "", BARGE_JOB_PRIORITY_NORMAL, BARGE_COST_POLICY_ANY,
                         BARGE_UPLOAD_PROTOCOL_NONE };
  g_autoptr(GVariant) headers = g_variant_ref_sink (g_variant_new_parsed ("[('X-Old-Owner', 'old-91c4')]"));
  g_autofree char *keyfile = g_build_filename (f->db->dir, "private.keyfile", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) restored = NULL;
  g_autoptr(GDir) dir = NULL;
  BargedCredentials *credentials = NULL;
  BargedEngine *engine = NULL;
  g_autofree char *id = NULL;
  const char *name;
  gboolean aside = FALSE;

  spec.custom_headers = headers;
  id = create_stored_job (f, &spec);

  store_fixture_exec (f->db, "UPDATE jobs SET owner = owner + 1");
  engine = engine_with_private_file (f, &credentials);
  g_test_expect_message ("BargedCredentials", G_LOG_LEVEL_WARNING, "job *: its private data*of uid *, not of its "
                         "owner *: dropped");
  g_assert_true (barged_engine_load (engine, &error));
  g_assert_no_error (error);
  g_test_assert_expected_messages ();
  restored = barged_credentials_dup_headers (credentials, id);
  g_assert_null (restored);
  wait_private_saved (credentials);
  g_assert_true (g_file_get_contents (keyfile, &text, NULL, &error));
  g_assert_null (strstr (text, "old-91c4"));
  g_clear_object (&engine);
  g_clear_object (&credentials);

  /* Damaged: set aside, and the next save does not take its place. */
  g_assert_true (g_file_set_contents (keyfile, "[job\nnot a key file", -1, &error));
  g_test_expect_message ("BargedCredentials", G_LOG_LEVEL_WARNING, "cannot read *: set aside as *.damaged-*");
  credentials = barged_credentials_new (f->db->dir, FALSE, &error);
  g_assert_no_error (error);
  g_test_assert_expected_messages ();
  dir = g_dir_open (f->db->dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    aside = aside || g_str_has_prefix (name, "private.keyfile.damaged-");
  g_assert_true (aside);
  g_clear_object (&credentials);
}

/* An async call of the job's: its _finish, whether it returned, and its
 * error. */
typedef struct {
  gboolean (*finish) (BargedJob *job, GAsyncResult *res, GError **error);
  gboolean done;
  GError *error;
} Called;

static void
on_called (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Called *called = user_data;

  called->finish (BARGED_JOB (source), res, &called->error);
  called->done = TRUE;
}

static GError *
wait_called (Called *called)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  while (!called->done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (called->done);
  return called->error;
}

/* SetTlsOptions with @text: its error, or NULL. */
static GError *
try_set_tls_options (BargedJob *job, const char *text)
{
  g_autoptr(GVariant) options = g_variant_ref_sink (g_variant_new_parsed (text));
  Called called = { barged_job_set_tls_options_finish, FALSE, NULL };

  barged_job_set_tls_options_async (job, options, on_called, &called);
  return wait_called (&called);
}

static void
set_tls_options (BargedJob *job, const char *text)
{
  g_autoptr(GError) error = try_set_tls_options (job, text);

  g_assert_no_error (error);
}

/* SetCustomHeaders with one header of @bytes bytes: its error, or NULL. */
static GError *
try_set_header (BargedJob *job, gsize bytes)
{
  g_autofree char *value = g_strnfill (bytes, 'v');
  g_autoptr(GVariant) headers = g_variant_ref_sink (g_variant_new_parsed ("[('X-Token', %s)]", value));
  Called called = { barged_job_set_custom_headers_finish, FALSE, NULL };

  barged_job_set_custom_headers_async (job, headers, on_called, &called);
  return wait_called (&called);
}

/* SetCredentials with a password of @chars characters of two bytes. */
static GError *
try_set_credentials (BargedJob *job, BargeAuthScheme scheme, guint chars)
{
  g_autoptr(GString) password = g_string_new (NULL);
  Called called = { barged_job_credentials_finish, FALSE, NULL };

  for (guint i = 0; i < chars; i++)
    g_string_append (password, "\u00e9");
  barged_job_set_credentials_async (job, BARGE_CREDENTIALS_TARGET_SERVER, scheme, "user", password->str,
                                    on_called, &called);
  return wait_called (&called);
}

/* The private file's "cannot save" warnings are expected, but not how
 * many: a failed write is tried again when another change or waiter
 * comes, which depends on timing. They are counted, not printed. */
static gboolean
allow_private_save_warnings (const char *log_domain, GLogLevelFlags level, const char *message, gpointer user_data)
{
  return !(g_strcmp0 (log_domain, "BargedCredentials") == 0 && g_str_has_prefix (message, "cannot save"));
}

static void
count_private_save_warnings (const char *log_domain, GLogLevelFlags level, const char *message, gpointer user_data)
{
  guint *count = user_data;

  if (g_str_has_prefix (message, "cannot save"))
    (*count)++;
  else
    g_log_default_handler (log_domain, level, message, NULL);
}

/* The private file cannot be written (a folder stands at its name, as a
 * full disk or a state folder gone read-only would refuse it):
 * SetCredentials fails with the file's error rather than answering
 * success for a change gone at the next start, and CreateJob fails and
 * leaves no record behind. The next write that succeeds holds the earlier
 * change too. */
static void
test_private_save_failure (Fixture *f, gconstpointer data)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "saved", "", BARGE_JOB_PRIORITY_NORMAL, BARGE_COST_POLICY_ANY,
                         BARGE_UPLOAD_PROTOCOL_NONE };
  g_autoptr(GVariant) headers = g_variant_ref_sink (g_variant_new_parsed ("[('X-Probe', 'token-5b3e07')]"));
  g_autofree char *keyfile = g_build_filename (f->db->dir, "private.keyfile", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BargedNetwork) network = barged_network_new_for_file (f->network_path, &error);
  g_autoptr(BargedCredentials) credentials = barged_credentials_new (f->db->dir, TRUE, &error);
  g_autoptr(BargedEngine) engine = NULL;
  g_autoptr(BargedJob) job = NULL;
  g_autoptr(GError) set_error = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *text = NULL;
  BargedJobContext ctx = f->ctx;
  Created created = { FALSE, NULL, NULL };
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;
  guint warnings = 0;
  guint handler;

  g_assert_no_error (error);
  ctx.credentials = credentials;
  engine = barged_engine_new (&ctx, network);
  barged_engine_create_job_async (engine, getuid (), 022, &spec, on_create_done, &created);
  while (!created.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (created.error);
  job = g_steal_pointer (&created.job);

  g_test_log_set_fatal_handler (allow_private_save_warnings, NULL);
  handler = g_log_set_handler ("BargedCredentials", G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL,
                               count_private_save_warnings, &warnings);
  (void) g_unlink (keyfile);
  g_assert_cmpint (g_mkdir (keyfile, 0700), ==, 0);
  set_error = try_set_credentials (job, BARGE_AUTH_SCHEME_BASIC, 4);
  g_assert_error (set_error, BARGE_ERROR, BARGE_ERROR_FAILED);
  g_test_message ("SetCredentials: %s", set_error->message);
  g_assert_nonnull (strstr (set_error->message, "cannot save"));

  created = (Created) { FALSE, NULL, NULL };
  spec.display_name = "unsaved";
  spec.custom_headers = headers;
  barged_engine_create_job_async (engine, getuid (), 022, &spec, on_create_done, &created);
  while (!created.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (created.done);
  g_assert_null (created.job);
  g_assert_error (created.error, BARGE_ERROR, BARGE_ERROR_FAILED);
  g_clear_error (&created.error);
  barged_store_flush (f->ctx.store);
  rows = store_fixture_query_text (f->db, "SELECT display_name FROM jobs");
  g_assert_cmpstr (rows, ==, "saved\t\n");

  g_assert_cmpint (g_rmdir (keyfile), ==, 0);
  g_clear_error (&set_error);
  set_error = try_set_header (job, 8);
  g_assert_no_error (set_error);
  g_assert_true (g_file_get_contents (keyfile, &text, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "user.server.basic=user"));
  g_assert_null (strstr (text, "token-5b3e07"));
  g_assert_cmpuint (warnings, >, 0);
  g_log_remove_handler ("BargedCredentials", handler);
  g_test_log_set_fatal_handler (NULL, NULL);
}

static guint64
metadata_of (BargedJob *job)
{
  guint64 files, bytes;

  barged_quota_get_usage (job->ctx.quota, barged_job_get_owner_uid (job), &files, &bytes);
  return bytes;
}

/* What a job's settings hold counts against MaxMetadataPerUser as its
 * files do: custom headers, credentials, names and what its TLS files
 * were parsed into (about 28 bytes per byte of a CA file). Before, only
 * the job and its files counted: 10,000 jobs of one user, each with a
 * CA file of 256 KiB, made barged hold gigabytes. A change the quota
 * cannot take fails with QuotaExceeded and changes nothing; the charge
 * goes back with the settings, and with the job. */
static void
test_quota_settings (Fixture *f, gconstpointer data)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "quota", "", BARGE_JOB_PRIORITY_NORMAL, BARGE_COST_POLICY_ANY,
                         BARGE_UPLOAD_PROTOCOL_NONE };
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "..", "nginx", "tls", "ca.pem", NULL);
  g_autofree char *ca = g_build_filename (f->db->dir, "many-cas.pem", NULL);
  g_autofree char *options = g_strdup_printf ("{'ca-file': <'%s'>}", ca);
  g_autofree char *one = NULL;
  g_autoptr(GString) many = g_string_new (NULL);
  g_autoptr(BargedJob) job = NULL;
  BargedSettings settings = *barged_config_get_settings (f->config);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strnfill (200, 'n');
  g_autoptr(GVariant) listed = NULL;
  guint64 empty, before;
  gsize length;

  settings.max_metadata_per_user = 65536;
  barged_config_set_settings (f->config, &settings);
  job = create_job (f, &spec);
  empty = metadata_of (job);

  /* 16 KiB of headers are charged 64 KiB: refused, none set. */
  error = try_set_header (job, 16000);
  g_assert_error (error, BARGE_ERROR, BARGE_ERROR_QUOTA_EXCEEDED);
  g_assert_nonnull (strstr (error->message, "MaxMetadataPerUser"));
  g_clear_error (&error);
  g_assert_null (barged_credentials_dup_headers (job->ctx.credentials, job->id));
  g_assert_cmpuint (metadata_of (job), ==, empty);

  /* 11 KB of headers fit; a name counts too. */
  error = try_set_header (job, 11000);
  g_assert_no_error (error);
  g_assert_cmpuint (metadata_of (job), >=, empty + 44000);
  before = metadata_of (job);
  g_assert_true (barged_job_set_display_name (job, name, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (metadata_of (job), ==, before + 4 * (200 - strlen ("quota")));

  /* One credential of 2000 bytes (charged 8 KB) fits with 52 KB held, a
   * second not. */
  error = try_set_credentials (job, BARGE_AUTH_SCHEME_BASIC, 1000);
  g_assert_no_error (error);
  error = try_set_credentials (job, BARGE_AUTH_SCHEME_DIGEST, 1000);
  g_assert_error (error, BARGE_ERROR, BARGE_ERROR_QUOTA_EXCEEDED);
  g_clear_error (&error);
  listed = g_variant_ref_sink (barged_credentials_list (job->ctx.credentials, job->id));
  g_assert_cmpuint (g_variant_n_children (listed), ==, 1);

  /* Smaller headers give back what they held. */
  before = metadata_of (job);
  error = try_set_header (job, 10);
  g_assert_no_error (error);
  g_assert_cmpuint (metadata_of (job), <, before - 40000);

  /* A CA file of 20 certificates: charged 32 bytes per byte, refused
   * under 64 KiB, taken under 2 MiB, given back with the option. */
  g_assert_true (g_file_get_contents (source, &one, &length, NULL));
  for (guint i = 0; i < 20; i++)
    g_string_append (many, one);
  g_assert_true (g_file_set_contents (ca, many->str, many->len, NULL));
  before = metadata_of (job);
  error = try_set_tls_options (job, options);
  g_assert_error (error, BARGE_ERROR, BARGE_ERROR_QUOTA_EXCEEDED);
  g_clear_error (&error);
  g_assert_cmpstr (barged_job_get_tls_ca_file (job), ==, "");
  g_assert_null (_barged_job_tls (job));
  g_assert_cmpuint (metadata_of (job), ==, before);
  settings.max_metadata_per_user = 2 * 1024 * 1024;
  barged_config_set_settings (f->config, &settings);
  set_tls_options (job, options);
  g_assert_cmpstr (barged_job_get_tls_ca_file (job), ==, ca);
  g_assert_cmpuint (metadata_of (job), >=, before + 32 * many->len);
  set_tls_options (job, "{'ca-file': <''>}");
  g_assert_cmpuint (metadata_of (job), ==, before);

  /* The job gone, nothing is held. */
  _barged_job_remove (job, BARGE_JOB_STATE_CANCELLED);
  g_assert_cmpuint (metadata_of (job), ==, 0);
}

/* A pkcs11: URI opens the tokens of the user barged runs as (p11-kit
 * cannot open them as another user): refused with AccessDenied for a job
 * of anyone else, before any token is looked at; a job of barged's own
 * user gets the token's verdict (here: there is none). */
static void
test_tls_pkcs11_owner (Fixture *f, gconstpointer data)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "pkcs11", "", BARGE_JOB_PRIORITY_NORMAL, BARGE_COST_POLICY_ANY,
                         BARGE_UPLOAD_PROTOCOL_NONE };
  const char *options = "{'client-certificate': <'pkcs11:token=barge-test-no-such-token;type=cert'>}";
  g_autoptr(BargedJob) other = create_job_for (f, &spec, geteuid () + 4242);
  g_autoptr(BargedJob) own = create_job (f, &spec);
  g_autoptr(GError) refused = try_set_tls_options (other, options);
  g_autoptr(GError) looked = try_set_tls_options (own, options);

  g_assert_error (refused, BARGE_ERROR, BARGE_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (refused->message, "give the client certificate as a PEM file"));
  g_assert_cmpstr (barged_job_get_tls_client_certificate (other), ==, "");
  g_assert_error (looked, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (looked->message, "no certificate there"));
}


/* A job stored by a barged that took a pkcs11: URI with its PIN
 * (pin-value): restored, the PIN is gone from the property and, once the
 * job is saved again at the restore, from the store, and its bytes from
 * the database's files; the rest of the URI stays, and a URI of nothing
 * but the PIN keeps no "?". */
static void
test_stored_pin_dropped (Fixture *f, gconstpointer data)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "pin", "", BARGE_JOB_PRIORITY_NORMAL, BARGE_COST_POLICY_ANY,
                         BARGE_UPLOAD_PROTOCOL_NONE };
  const char *stored[][2] = {
    { "pkcs11:token=t;object=o;type=cert?pin-value=Zq7Kx91pin&module-name=softhsm2",
      "pkcs11:token=t;object=o;type=cert?module-name=softhsm2" },
    { "pkcs11:token=t;type=cert?pin-%76alue=Zq7Kx92pin", "pkcs11:token=t;type=cert" },
    /* In the path part, where p11-kit takes it too. */
    { "pkcs11:token=t;pin-value=Zq7Kx93pin;type=cert?module-name=softhsm2",
      "pkcs11:token=t;type=cert?module-name=softhsm2" },
  };
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  const char *suffixes[] = { "", "-wal" };
  guint checked = 0;

  for (guint i = 0; i < G_N_ELEMENTS (stored); i++)
    {
      g_autoptr(BargedJob) job = create_job (f, &spec);
      g_autoptr(BargedJob) restored = NULL;
      BargedJobRecord *before, *after;

      /* As the older barged stored it. */
      g_free (job->tls_client_certificate);
      job->tls_client_certificate = g_strdup (stored[i][0]);
      _barged_job_save_from (job, 0, NULL, NULL);
      before = stored_record (f, job);
      g_assert_nonnull (strstr (before->settings, "Zq7Kx9"));

      restored = barged_job_new_from_record (&f->ctx, before, none);
      g_assert_cmpstr (barged_job_get_tls_client_certificate (restored), ==, stored[i][1]);
      after = stored_record (f, job);
      g_assert_null (strstr (after->settings, "Zq7Kx9"));
      g_assert_nonnull (strstr (after->settings, stored[i][1]));
      barged_job_record_free (before);
      barged_job_record_free (after);
    }
  /* Nor is it anywhere in the database's files: the free pages of the
   * old records and the WAL that held them. */
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (f->db->path, suffixes[i], NULL);
      g_autofree char *bytes = NULL;
      gsize length = 0;

      if (!g_file_get_contents (path, &bytes, &length, NULL))
        continue;
      g_assert_null (memmem (bytes, length, "Zq7Kx9", 6));
      checked++;
    }
  g_assert_cmpint (checked, >=, 1);
}

/* TakeOwnership: the client certificate, a credential of the old owner,
 * goes (its path, the key in memory, the session that showed it); the
 * job's CA stays. */
static void
test_take_ownership_drops_client_certificate (Fixture *f, gconstpointer data)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "taken", "", BARGE_JOB_PRIORITY_NORMAL, BARGE_COST_POLICY_ANY,
                         BARGE_UPLOAD_PROTOCOL_NONE };
  g_autofree char *ca = g_test_build_filename (G_TEST_DIST, "..", "nginx", "tls", "ca.pem", NULL);
  g_autofree char *client = g_test_build_filename (G_TEST_DIST, "..", "nginx", "tls", "client.pem", NULL);
  g_autofree char *options = g_strdup_printf ("{'ca-file': <'%s'>, 'client-certificate': <'%s'>}", ca, client);
  g_autoptr(BargedJob) job = create_job (f, &spec);
  g_autoptr(GError) error = NULL;
  /* Held: a freed session's address may be the next one's. */
  g_autoptr(SoupSession) before = NULL;

  set_tls_options (job, options);
  g_assert_cmpstr (barged_job_get_tls_client_certificate (job), ==, client);
  g_assert_nonnull (barged_tls_get_client (_barged_job_tls (job)));
  before = g_object_ref (_barged_job_session (job));

  g_assert_true (barged_job_take_ownership (job, geteuid () + 4242, 022, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (barged_job_get_tls_client_certificate (job), ==, "");
  g_assert_nonnull (_barged_job_tls (job));
  g_assert_null (barged_tls_get_client (_barged_job_tls (job)));
  g_assert_cmpstr (barged_job_get_tls_ca_file (job), ==, ca);
  g_assert_true (_barged_job_session (job) != before);
}

/* TakeOwnership of a job with a session of its own for its proxy list:
 * the session goes, with what the old owner's proxy credentials opened on
 * it (libsoup's answer to the proxy, the tunnels it let in). Before, only
 * a job with a client certificate lost its session. */
static void
test_take_ownership_drops_proxy_session (Fixture *f, gconstpointer data)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "proxied", "", BARGE_JOB_PRIORITY_NORMAL, BARGE_COST_POLICY_ANY,
                         BARGE_UPLOAD_PROTOCOL_NONE };
  const char *proxies[] = { "http://127.0.0.1:3128", NULL };
  const char *none[] = { NULL };
  g_autoptr(BargedJob) job = create_job (f, &spec);
  g_autoptr(GError) error = NULL;
  /* Held: a freed session's address may be the next one's. */
  g_autoptr(SoupSession) before = NULL;

  g_assert_true (barged_job_set_proxy_settings (job, BARGE_PROXY_USAGE_OVERRIDE, proxies, none, &error));
  g_assert_no_error (error);
  before = g_object_ref (_barged_job_session (job));
  g_assert_true (_barged_job_session (job) == before);
  g_assert_true (barged_job_take_ownership (job, geteuid () + 4242, 022, &error));
  g_assert_no_error (error);
  g_assert_true (_barged_job_session (job) != before);
}

/* After TakeOwnership the next start reads the TLS files again, as the new
 * owner: a CA file only the old owner (root) could read fails that start
 * with AccessDenied, where the old reading would have been used. */
static void
test_take_ownership_rereads_tls (Fixture *f, gconstpointer data)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "reread", "", BARGE_JOB_PRIORITY_NORMAL, BARGE_COST_POLICY_ANY,
                         BARGE_UPLOAD_PROTOCOL_NONE };
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "..", "nginx", "tls", "ca.pem", NULL);
  g_autofree char *ca = g_build_filename (f->db->dir, "private-ca.pem", NULL);
  g_autofree char *text = NULL;
  g_autofree char *options = NULL;
  g_autofree char *local = g_build_filename (f->db->dir, "reread", NULL);
  g_autofree char *temporary = g_strconcat (local, ".part", NULL);
  g_autofree char *url = g_strconcat (f->url, "reread", NULL);
  g_autoptr(BargedJob) job = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  if (geteuid () != 0)
    {
      g_test_skip ("reading as another user needs root");
      return;
    }
  g_assert_true (g_file_get_contents (source, &text, NULL, NULL));
  g_assert_true (g_file_set_contents_full (ca, text, -1, G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  options = g_strdup_printf ("{'ca-file': <'%s'>}", ca);
  job = create_job (f, &spec);
  set_tls_options (job, options);
  g_assert_true (barged_job_take_ownership (job, 4242, 022, &error));
  g_assert_no_error (error);
  g_assert_true (_barged_job_tls_unread (job));

  _barged_job_add_file (job, barged_file_new (0, url, local, temporary));
  g_assert_true (barged_job_resume (job, &error));
  g_assert_no_error (error);
  while (barged_job_get_job_state (job) != BARGE_JOB_STATE_ERROR && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (barged_job_get_job_state (job), ==, BARGE_JOB_STATE_ERROR);
  g_assert_error (barged_job_get_error (job), BARGE_ERROR, BARGE_ERROR_ACCESS_DENIED);
}

/* Which session a job's requests go through: the shared one without TLS
 * options; with them, one of its own that its later requests share (so
 * they keep its connections), replaced when the options are set again
 * (connections the old ones accepted are not reused), and the shared one
 * again once they are gone. */
static void
test_tls_session (Fixture *f, gconstpointer data)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "tls-session", "", BARGE_JOB_PRIORITY_NORMAL,
                         BARGE_COST_POLICY_ANY, BARGE_UPLOAD_PROTOCOL_NONE };
  g_autoptr(BargedJob) job = NULL;
  g_autoptr(SoupSession) own = NULL;
  SoupSession *shared;

  job = create_job (f, &spec);
  shared = _barged_job_session (job);
  g_assert_true (shared == _barged_job_session (job));

  set_tls_options (job, "{'check-revocation': <true>}");
  own = g_object_ref (_barged_job_session (job));
  g_assert_true (own != shared);
  g_assert_true (_barged_job_session (job) == own);

  set_tls_options (job, "{'check-revocation': <true>}");
  g_assert_true (_barged_job_session (job) != own);
  g_assert_true (_barged_job_session (job) != shared);

  set_tls_options (job, "{'check-revocation': <false>}");
  g_assert_true (_barged_job_session (job) == shared);
}

/* Runs the main loop until @job is in @state with @hold. */
static void
wait_for (BargedJob *job, BargeJobState state, BargeHoldReason hold)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  while ((barged_job_get_job_state (job) != state || barged_job_get_hold_reason (job) != hold) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  if (barged_job_get_job_state (job) != state || barged_job_get_hold_reason (job) != hold)
    g_error ("job %s: %s/%s, not %s/%s", barged_job_get_display_name (job),
             barge_job_state_to_string (barged_job_get_job_state (job)),
             barge_hold_reason_to_string (barged_job_get_hold_reason (job)), barge_job_state_to_string (state),
             barge_hold_reason_to_string (hold));
}

/* Lets the scheduler decide, then changes nothing for a while. */
static void
settle (void)
{
  gint64 until = g_get_monotonic_time () + 300 * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

static void
test_priorities (Fixture *f, gconstpointer data)
{
  g_autoptr(BargedJob) low = running_job (f, "low", BARGE_JOB_PRIORITY_LOW, BARGE_COST_POLICY_ANY);
  g_autoptr(BargedJob) normal = NULL;
  g_autoptr(GError) error = NULL;

  wait_for (low, BARGE_JOB_STATE_CONNECTING, BARGE_HOLD_REASON_NONE);
  /* One background slot: a higher priority takes it. */
  normal = running_job (f, "normal", BARGE_JOB_PRIORITY_NORMAL, BARGE_COST_POLICY_ANY);
  wait_for (normal, BARGE_JOB_STATE_CONNECTING, BARGE_HOLD_REASON_NONE);
  wait_for (low, BARGE_JOB_STATE_QUEUED, BARGE_HOLD_REASON_SCHEDULER);
  /* Foreground runs beside the background slot, at once. */
  g_assert_true (barged_job_set_priority (low, BARGE_JOB_PRIORITY_FOREGROUND, &error));
  wait_for (low, BARGE_JOB_STATE_CONNECTING, BARGE_HOLD_REASON_NONE);
  settle ();
  g_assert_cmpint (barged_job_get_job_state (normal), ==, BARGE_JOB_STATE_CONNECTING);
  g_assert_true (barged_engine_is_active (f->engine));
  /* A suspended job gives its slot up, and the queue moves on. */
  g_assert_true (barged_job_set_priority (low, BARGE_JOB_PRIORITY_LOW, &error));
  wait_for (low, BARGE_JOB_STATE_QUEUED, BARGE_HOLD_REASON_SCHEDULER);
  g_assert_true (barged_job_suspend (normal, &error));
  wait_for (low, BARGE_JOB_STATE_CONNECTING, BARGE_HOLD_REASON_NONE);
}

static void
test_network_verdicts (Fixture *f, gconstpointer data)
{
  g_autoptr(BargedJob) job = NULL;
  g_autoptr(GError) error = NULL;

  set_network (f, FALSE, FALSE);
  settle ();
  job = running_job (f, "waits", BARGE_JOB_PRIORITY_NORMAL, BARGE_COST_POLICY_UNMETERED);
  wait_for (job, BARGE_JOB_STATE_QUEUED, BARGE_HOLD_REASON_NO_NETWORK);
  /* Back, but metered: this job's policy keeps it waiting. */
  set_network (f, TRUE, TRUE);
  wait_for (job, BARGE_JOB_STATE_QUEUED, BARGE_HOLD_REASON_METERED_NETWORK);
  g_assert_true (barged_job_set_cost_policy (job, BARGE_COST_POLICY_ANY, &error));
  wait_for (job, BARGE_JOB_STATE_CONNECTING, BARGE_HOLD_REASON_NONE);
  /* Metered against its policy while running: back to the queue. */
  g_assert_true (barged_job_set_cost_policy (job, BARGE_COST_POLICY_UNMETERED, &error));
  wait_for (job, BARGE_JOB_STATE_QUEUED, BARGE_HOLD_REASON_METERED_NETWORK);
}

static void
test_network_lost (Fixture *f, gconstpointer data)
{
  g_autoptr(BargedJob) job = running_job (f, "lost", BARGE_JOB_PRIORITY_NORMAL, BARGE_COST_POLICY_ANY);

  wait_for (job, BARGE_JOB_STATE_CONNECTING, BARGE_HOLD_REASON_NONE);
  set_network (f, FALSE, FALSE);
  /* Not the job's failure: no error counted, no retry armed. */
  wait_for (job, BARGE_JOB_STATE_TRANSIENT_ERROR, BARGE_HOLD_REASON_NO_NETWORK);
  g_assert_error ((GError *) barged_job_get_error (job), BARGE_ERROR, BARGE_ERROR_NETWORK_DISCONNECTED);
  g_assert_cmpuint (barged_job_get_error_count (job), ==, 0);
  g_assert_true (barged_job_is_held_for_network (job));
  set_network (f, TRUE, FALSE);
  wait_for (job, BARGE_JOB_STATE_CONNECTING, BARGE_HOLD_REASON_NONE);
  g_assert_null (barged_job_get_error (job));
}

/* --- sleep and wake ------------------------------------------------------------ */

/* bytes_durable of the job's first file, as committed in the store, read
 * on a connection of the test's own. */
static gint64
stored_durable (Fixture *f, BargedJob *job)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 durable = -1;

  g_assert_cmpint (sqlite3_open_v2 (f->db->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT bytes_durable FROM files WHERE job_id = ? AND idx = 0", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, barged_job_get_job_id (job), -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    durable = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return durable;
}

typedef struct {
  Fixture *f;
  BargedJob *job;
  gboolean done;
  gint64 durable;             /* in the store when the sleep may begin */
  BargeJobState state;
  gboolean in_flight;
} SleepWait;

static void
on_ready_to_sleep (GObject *source, GAsyncResult *res, gpointer user_data)
{
  SleepWait *w = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (barged_engine_prepare_for_sleep_finish (BARGED_ENGINE (source), res, &error));
  g_assert_no_error (error);
  /* What the machine would keep if it never woke. */
  w->durable = stored_durable (w->f, w->job);
  w->state = barged_job_get_job_state (w->job);
  w->in_flight = barged_job_has_runs_in_flight (w->job);
  w->done = TRUE;
}

/* The engine's side of a sleep: the running job stops back to queued and
 * the engine is ready only once its transfer wound down and the offset it
 * reached is committed in the store (periodic checkpoints are off, so
 * nothing else records it); nothing starts until the wake-up, which starts
 * the job at once. "transfers-changed" follows along. */
static void
test_sleep_and_wake (Fixture *f, gconstpointer data)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "night", "", BARGE_JOB_PRIORITY_NORMAL, BARGE_COST_POLICY_ANY,
                         BARGE_UPLOAD_PROTOCOL_NONE };
  g_autofree char *url = g_strconcat (f->trickle_url, "night", NULL);
  g_autofree char *local = g_build_filename (f->db->dir, "night", NULL);
  g_autofree char *temporary = g_strconcat (local, ".part", NULL);
  g_autoptr(BargedJob) job = NULL;
  g_autoptr(GError) error = NULL;
  BargedFile *file;
  SleepWait w = { f };
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  job = create_job (f, &spec);
  file = barged_file_new (0, url, local, temporary);
  /* Known: no HEAD probe on the canned server. */
  barged_file_set_total (file, 1024 * 1024);
  _barged_job_add_file (job, file);
  /* On record as AddFiles leaves it: a first open records nothing more. */
  _barged_job_save_file (job, file);
  g_assert_true (barged_job_resume (job, &error));
  while ((barged_file_get_done (file) < TRICKLE_SENT || !barged_engine_is_transferring (f->engine)) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (barged_file_get_done (file), ==, TRICKLE_SENT);
  g_assert_true (barged_engine_is_transferring (f->engine));
  barged_store_flush (f->ctx.store);
  g_assert_cmpint (stored_durable (f, job), ==, 0);

  w.job = job;
  barged_engine_prepare_for_sleep_async (f->engine, on_ready_to_sleep, &w);
  g_assert_cmpint (barged_job_get_job_state (job), ==, BARGE_JOB_STATE_QUEUED);
  while (!w.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (w.done);
  g_assert_cmpint (w.durable, ==, TRICKLE_SENT);
  g_assert_cmpint (w.state, ==, BARGE_JOB_STATE_QUEUED);
  g_assert_false (w.in_flight);

  settle ();
  wait_for (job, BARGE_JOB_STATE_QUEUED, BARGE_HOLD_REASON_SLEEPING);
  g_assert_false (barged_engine_is_transferring (f->engine));

  barged_engine_wake (f->engine);
  wait_for (job, BARGE_JOB_STATE_TRANSFERRING, BARGE_HOLD_REASON_NONE);
  while (!barged_engine_is_transferring (f->engine) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (barged_engine_is_transferring (f->engine));
}

/* --- logs an administrator can filter ------------------------------------- */

typedef struct {
  char *job_id;
  char *uid;
  char *priority;
  char *message;
} Record;

static GPtrArray *captured;  /* Record, while a test captures */

static void
record_free (Record *r)
{
  g_free (r->job_id);
  g_free (r->uid);
  g_free (r->priority);
  g_free (r->message);
  g_free (r);
}

static GLogWriterOutput
capture_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  Record *r;

  if (captured == NULL)
    return g_log_writer_default (level, fields, n_fields, user_data);
  r = g_new0 (Record, 1);
  for (gsize i = 0; i < n_fields; i++)
    {
      char **slot = g_str_equal (fields[i].key, "BARGE_JOB_ID") ? &r->job_id
                    : g_str_equal (fields[i].key, "BARGE_UID") ? &r->uid
                    : g_str_equal (fields[i].key, "PRIORITY") ? &r->priority
                    : g_str_equal (fields[i].key, "MESSAGE") ? &r->message : NULL;

      if (slot != NULL && *slot == NULL)
        *slot = fields[i].length < 0 ? g_strdup (fields[i].value) : g_strndup (fields[i].value, fields[i].length);
    }
  g_ptr_array_add (captured, r);
  return G_LOG_WRITER_HANDLED;
}

/* A state change is one line at info level with the job's id and owner as
 * journal fields (journalctl BARGE_JOB_ID=...), and nothing else is said
 * of the job meanwhile. */
static void
test_logs (Fixture *f, gconstpointer data)
{
  g_autoptr(BargedJob) job = NULL;
  g_autofree char *uid = g_strdup_printf ("%u", (guint) getuid ());
  guint state_lines = 0;

  captured = g_ptr_array_new_with_free_func ((GDestroyNotify) record_free);
  job = running_job (f, "logged", BARGE_JOB_PRIORITY_NORMAL, BARGE_COST_POLICY_ANY);
  wait_for (job, BARGE_JOB_STATE_CONNECTING, BARGE_HOLD_REASON_NONE);
  settle ();
  for (guint i = 0; i < captured->len; i++)
    {
      Record *r = g_ptr_array_index (captured, i);

      if (r->job_id == NULL)
        continue;
      g_assert_cmpstr (r->job_id, ==, barged_job_get_job_id (job));
      g_assert_cmpstr (r->uid, ==, uid);
      g_assert_nonnull (strstr (r->message, barged_job_get_job_id (job)));
      if (strstr (r->message, ": state ") != NULL)
        {
          g_assert_cmpstr (r->priority, ==, "6");
          state_lines++;
        }
    }
  /* suspended -> queued -> connecting */
  g_assert_cmpuint (state_lines, ==, 2);
  g_clear_pointer (&captured, g_ptr_array_unref);
}

static void
on_small_file (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  guint *gets = user_data;
  static const char body[200 * 1024];

  if (g_str_equal (soup_server_message_get_method (msg), "GET"))
    (*gets)++;
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_STATIC, body, sizeof body);
}

#define N_SMALL 10

/* A job of N_SMALL files of the in-process server at @server, resumed;
 * returns once all their bodies are in and wait for the held syncer. */
static BargedJob *
small_files_job (Fixture *f, SoupServer *server, guint *gets)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "small", "", BARGE_JOB_PRIORITY_FOREGROUND,
                         BARGE_COST_POLICY_ANY, BARGE_UPLOAD_PROTOCOL_NONE };
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  BargedJob *job = NULL;
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  soup_server_add_handler (server, NULL, on_small_file, gets, NULL);
  base = barge_test_soup_listen_loopback (server, &error);
  g_assert_no_error (error);
  barged_syncer_hold (f->ctx.syncer, TRUE);
  job = create_job (f, &spec);
  for (guint i = 0; i < N_SMALL; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%u", i);
      g_autofree char *url = g_strdup_printf ("%s/%s", base, name);
      g_autofree char *local = g_build_filename (f->db->dir, name, NULL);
      g_autofree char *temporary = g_strconcat (local, ".part", NULL);

      _barged_job_add_file (job, barged_file_new (i, url, local, temporary));
    }
  g_assert_true (barged_job_resume (job, &error));
  g_assert_no_error (error);
  while (barged_syncer_get_n_pending (f->ctx.syncer) < N_SMALL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (barged_syncer_get_n_pending (f->ctx.syncer), ==, N_SMALL);
  return job;
}

/* A file whose bytes are all in waits for its batch's flush without its
 * connection: while no flush ends (the syncer held), the next files are
 * fetched on the connections the waiting ones gave back, beyond the six a
 * host gets at once. Without that, a slow flush left every connection
 * idle and a job of small files ran at the pace of the disk's flushes.
 * The files (200 KiB) fit in the read buffer: nothing is written before
 * the flush. */
static void
test_flush_frees_connections (Fixture *f, gconstpointer data)
{
  SoupServer *server = soup_server_new (NULL, NULL);
  g_autoptr(BargedJob) job = NULL;
  BargedJobProgress progress;
  guint gets = 0;

  job = small_files_job (f, server, &gets);
  g_assert_cmpuint (gets, ==, N_SMALL);
  /* Not one counts before its flush. */
  barged_job_get_progress (job, &progress);
  g_assert_cmpuint (progress.files_done, ==, 0);
  /* A file smaller than the read buffer is kept there until its end,
   * then written with its flush: one trip to a worker, not two. */
  for (guint i = 0; i < N_SMALL; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%u.part", i);
      g_autofree char *temporary = g_build_filename (f->db->dir, name, NULL);
      GStatBuf st;

      g_assert_cmpint (g_stat (temporary, &st), ==, 0);
      g_assert_cmpint (st.st_size, ==, 0);
    }
  g_assert_cmpint (barged_job_get_job_state (job), ==, BARGE_JOB_STATE_TRANSFERRING);

  barged_syncer_hold (f->ctx.syncer, FALSE);
  wait_for (job, BARGE_JOB_STATE_TRANSFERRED, BARGE_HOLD_REASON_NONE);
  barged_job_get_progress (job, &progress);
  g_assert_cmpuint (progress.files_done, ==, N_SMALL);
  g_assert_cmpuint (gets, ==, N_SMALL);
  barge_test_soup_close (&server);
}

/* Files whose bytes are all in when the job is suspended still end their
 * flush, and count as transferred: after Resume none is fetched again. */
static void
test_flush_across_suspend (Fixture *f, gconstpointer data)
{
  SoupServer *server = soup_server_new (NULL, NULL);
  g_autoptr(BargedJob) job = NULL;
  g_autoptr(GError) error = NULL;
  BargedJobProgress progress = { 0 };
  guint gets = 0;
  gint64 deadline;

  job = small_files_job (f, server, &gets);
  g_assert_true (barged_job_suspend (job, &error));
  g_assert_no_error (error);
  barged_syncer_hold (f->ctx.syncer, FALSE);
  deadline = g_get_monotonic_time () + TIMEOUT_US;
  while ((barged_job_has_runs_in_flight (job) || progress.files_done < N_SMALL) &&
         g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      barged_job_get_progress (job, &progress);
    }
  g_assert_cmpuint (progress.files_done, ==, N_SMALL);
  g_assert_cmpint (barged_job_get_job_state (job), ==, BARGE_JOB_STATE_SUSPENDED);

  g_assert_true (barged_job_resume (job, &error));
  g_assert_no_error (error);
  wait_for (job, BARGE_JOB_STATE_TRANSFERRED, BARGE_HOLD_REASON_NONE);
  g_assert_cmpuint (gets, ==, N_SMALL);
  barge_test_soup_close (&server);
}

static void
on_busy (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  guint *refused = user_data;

  (*refused)++;
  soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
}

/* A file the server always refuses (503), beside one it sent whole that
 * still waits for its flush: the waiting file neither runs on the network
 * nor undoes the count, so the refused file goes back in line four times
 * (MAX_LONE_PUSH_BACKS) and the fifth refusal is the job's error, while
 * the flush is still held. (Counted as running, the waiting file made every
 * refusal a push-back without end while the flush lasted.) */
static void
test_push_back_beside_flush (Fixture *f, gconstpointer data)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "busy", "", BARGE_JOB_PRIORITY_FOREGROUND,
                         BARGE_COST_POLICY_ANY, BARGE_UPLOAD_PROTOCOL_NONE };
  SoupServer *server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autoptr(BargedJob) job = NULL;
  guint gets = 0, refused = 0;
  gint64 deadline = g_get_monotonic_time () + 3 * TIMEOUT_US;
  const char * const names[] = { "first", "busy" };

  soup_server_add_handler (server, "/first", on_small_file, &gets, NULL);
  soup_server_add_handler (server, "/busy", on_busy, &refused, NULL);
  base = barge_test_soup_listen_loopback (server, &error);
  g_assert_no_error (error);
  barged_syncer_hold (f->ctx.syncer, TRUE);
  job = create_job (f, &spec);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *url = g_strdup_printf ("%s/%s", base, names[i]);
      g_autofree char *local = g_build_filename (f->db->dir, names[i], NULL);
      g_autofree char *temporary = g_strconcat (local, ".part", NULL);

      _barged_job_add_file (job, barged_file_new (i, url, local, temporary));
    }
  g_assert_true (barged_job_resume (job, &error));
  g_assert_no_error (error);
  while (barged_job_get_job_state (job) != BARGE_JOB_STATE_TRANSIENT_ERROR &&
         barged_job_get_job_state (job) != BARGE_JOB_STATE_ERROR && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (barged_job_get_job_state (job), ==, BARGE_JOB_STATE_TRANSIENT_ERROR);
  g_assert_cmpuint (gets, ==, 1);
  /* Four back in line and the fifth the error; refusals while the other
   * file was still on the network come on top (one or two here, as the
   * in-process server answers them). */
  g_assert_cmpuint (refused, >=, 5);
  barged_syncer_hold (f->ctx.syncer, FALSE);
  barge_test_soup_close (&server);
}

/* A restored job whose stored settings or cost policy do not parse (a
 * damaged database) takes the strict value where a lax one would expose
 * or cost something: its custom headers stay write-only (their values may
 * be tokens), and its cost policy is "unmetered". Before, both went to the
 * lax default. */
static void
test_damaged_settings_strict (Fixture *f, gconstpointer data)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "damaged", "", BARGE_JOB_PRIORITY_NORMAL, BARGE_COST_POLICY_ANY,
                         BARGE_UPLOAD_PROTOCOL_NONE };
  g_autoptr(GError) error = NULL;
  BargedCredentials *credentials = NULL;
  BargedEngine *engine = NULL;
  g_autofree char *id = NULL;
  guint warnings = 0;
  BargedJob *job;

  id = create_stored_job (f, &spec);

  store_fixture_exec (f->db, "UPDATE jobs SET cost_policy = 'sometimes';"
                             "INSERT OR REPLACE INTO job_data (job_id, key, value)"
                             " SELECT id, 'settings', '{''custom-headers-write-only'': <fa' FROM jobs");
  engine = engine_with_private_file (f, &credentials);
  /* barged_job_log()'s warnings are structured: captured, not expected. */
  captured = g_ptr_array_new_with_free_func ((GDestroyNotify) record_free);
  g_assert_true (barged_engine_load (engine, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < captured->len; i++)
    {
      Record *r = g_ptr_array_index (captured, i);

      if (r->message != NULL && (strstr (r->message, "its cost policy is damaged: unmetered only") != NULL ||
                                 strstr (r->message, "custom headers stay write-only") != NULL))
        warnings++;
    }
  g_clear_pointer (&captured, g_ptr_array_unref);
  g_assert_cmpuint (warnings, ==, 2);
  job = barged_engine_lookup (engine, id);
  g_assert_nonnull (job);
  g_assert_true (barged_job_get_custom_headers_write_only (job));
  g_assert_cmpint (barged_job_get_cost_policy (job), ==, BARGE_COST_POLICY_UNMETERED);
  g_clear_object (&engine);
  g_clear_object (&credentials);
}

int
main (int argc, char **argv)
{
  /* As barged does before any thread: libsoup's NTLM single sign-on off
   * (the sessions jobs make for themselves add NTLM). */
  g_setenv ("SOUP_NTLM_AUTH_DEBUG", "", TRUE);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/engine/logs", Fixture, NULL, fixture_setup, test_logs, fixture_teardown);
  g_test_add ("/engine/orphan-private-data-dropped", Fixture, NULL, fixture_setup, test_orphan_private_data_dropped,
              fixture_teardown);
  g_test_add ("/engine/create-unsaved-leaves-nothing", Fixture, NULL, fixture_setup, test_create_unsaved_leaves_nothing,
              fixture_teardown);
  g_test_add ("/engine/private-data-of-old-owner-dropped", Fixture, NULL, fixture_setup,
              test_private_data_of_old_owner_dropped, fixture_teardown);
  g_test_add ("/engine/damaged-settings-strict", Fixture, NULL, fixture_setup, test_damaged_settings_strict,
              fixture_teardown);
  g_test_add ("/engine/private-save-failure", Fixture, NULL, fixture_setup, test_private_save_failure,
              fixture_teardown);
  g_test_add ("/engine/saves-coalesced", Fixture, NULL, fixture_setup, test_saves_coalesced, fixture_teardown);
  g_test_add ("/engine/removed-job-not-saved", Fixture, NULL, fixture_setup, test_removed_job_not_saved,
              fixture_teardown);
  g_test_add ("/engine/long-timers", Fixture, NULL, fixture_setup, test_long_timers, fixture_teardown);
  g_test_add ("/engine/pending-save-at-stop", Fixture, NULL, fixture_setup, test_pending_save_at_stop,
              fixture_teardown);
  g_test_add ("/engine/create-with-tls-options", Fixture, NULL, fixture_setup, test_create_with_tls_options,
              fixture_teardown);
  g_test_add ("/engine/tls-session", Fixture, NULL, fixture_setup, test_tls_session, fixture_teardown);
  g_test_add ("/engine/tls-pkcs11-owner", Fixture, NULL, fixture_setup, test_tls_pkcs11_owner, fixture_teardown);
  g_test_add ("/engine/stored-pin-dropped", Fixture, NULL, fixture_setup, test_stored_pin_dropped, fixture_teardown);
  g_test_add ("/engine/take-ownership-drops-client-certificate", Fixture, NULL, fixture_setup,
              test_take_ownership_drops_client_certificate, fixture_teardown);
  g_test_add ("/engine/take-ownership-drops-proxy-session", Fixture, NULL, fixture_setup,
              test_take_ownership_drops_proxy_session, fixture_teardown);
  g_test_add ("/engine/take-ownership-rereads-tls", Fixture, NULL, fixture_setup, test_take_ownership_rereads_tls,
              fixture_teardown);
  g_test_add ("/engine/priorities", Fixture, NULL, fixture_setup, test_priorities, fixture_teardown);
  g_test_add ("/engine/network-verdicts", Fixture, NULL, fixture_setup, test_network_verdicts, fixture_teardown);
  g_test_add ("/engine/quota-settings", Fixture, NULL, fixture_setup, test_quota_settings, fixture_teardown);
  g_test_add ("/engine/network-lost", Fixture, NULL, fixture_setup, test_network_lost, fixture_teardown);
  g_test_add ("/engine/sleep-and-wake", Fixture, NULL, fixture_setup, test_sleep_and_wake, fixture_teardown);
  g_test_add ("/engine/flush-frees-connections", Fixture, NULL, fixture_setup, test_flush_frees_connections,
              fixture_teardown);
  g_test_add ("/engine/flush-across-suspend", Fixture, NULL, fixture_setup, test_flush_across_suspend,
              fixture_teardown);
  g_test_add ("/engine/push-back-beside-flush", Fixture, NULL, fixture_setup, test_push_back_beside_flush,
              fixture_teardown);
  return g_test_run ();
}
