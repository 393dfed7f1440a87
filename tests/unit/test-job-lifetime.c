/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The engine holds its jobs and the bus face holds its view of each: a
 * job that leaves (removed, or at shutdown) must still be freed, with its
 * files, or a long-running daemon keeps every job it ever had. And what a
 * job saves: an upload's state in the job's own transaction. */
#include "config.h"

#include <libsoup/soup.h>

#include "barged-authority.h"
#include "barged-bus.h"
#include "barged-credentials.h"
#include "barged-engine.h"
#include "barged-file.h"
#include "barged-job-private.h"
#include "barged-store.h"
#include "barged-upload-private.h"
#include "store-fixture.h"

#define TIMEOUT_US (10 * G_USEC_PER_SEC)

typedef struct {
  GTestDBus *bus;
  GDBusConnection *connection;
  StoreFixture *db;
  BargedJobContext ctx;
  BargedEngine *engine;
  BargedBus *bus_face;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  /* The authority needs a bus connection; nothing is exported on it. */
  f->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (f->bus);
  f->connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (f->bus),
                                                          G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                          G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                          NULL, NULL, &error);
  g_assert_no_error (error);
  f->db = store_fixture_new ();
  f->ctx.store = barged_store_new (f->db->path, &error);
  g_assert_no_error (error);
  f->ctx.session = soup_session_new ();
  f->ctx.credentials = barged_credentials_new (NULL, FALSE, &error);
  g_assert_no_error (error);
  f->engine = barged_engine_new (&f->ctx, NULL);
  {
    g_autoptr(BargedAuthority) authority = barged_authority_new (f->connection, FALSE);

    f->bus_face = barged_bus_new (f->connection, f->engine, authority, &error);
    g_assert_no_error (error);
  }
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->bus_face);
  g_clear_object (&f->engine);
  g_clear_object (&f->ctx.credentials);
  g_clear_object (&f->ctx.session);
  barged_store_flush (f->ctx.store);
  g_clear_object (&f->ctx.store);
  store_fixture_free (f->db);
  g_dbus_connection_close_sync (f->connection, NULL, NULL);
  g_clear_object (&f->connection);
  g_test_dbus_down (f->bus);
  g_clear_object (&f->bus);
}

static void
on_created (GObject *source, GAsyncResult *res, gpointer user_data)
{
  BargedJob **job = user_data;
  g_autoptr(GError) error = NULL;

  *job = barged_engine_create_job_finish (BARGED_ENGINE (source), res, &error);
  g_assert_no_error (error);
}

/* A job on the bus with one file, as CreateJob and AddFile make it; the
 * caller gets the only reference the test keeps. */
static BargedJob *
exported_job (Fixture *f)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_DOWNLOAD, "lifetime", "", BARGE_JOB_PRIORITY_NORMAL,
                         BARGE_COST_POLICY_ANY, BARGE_UPLOAD_PROTOCOL_NONE };
  g_autofree char *local = g_build_filename (f->db->dir, "file.bin", NULL);
  g_autofree char *temporary = g_build_filename (f->db->dir, ".file.bin.barge", NULL);
  BargedJob *job = NULL;
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  barged_engine_create_job_async (f->engine, 1000, 022, &spec, on_created, &job);
  while (job == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (job);
  _barged_job_add_file (job, barged_file_new (0, "http://127.0.0.1:9/file.bin", local, temporary));
  g_assert_true (barged_engine_lookup (f->engine, barged_job_get_job_id (job)) == job);
  return job;
}

/* Store writes in flight hold the job for a moment: let them finish. */
static void
assert_freed (gpointer *weak, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  while (*weak != NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  if (*weak != NULL)
    g_error ("%s was not freed", what);
}

static void
test_removed_job_is_freed (Fixture *f, gconstpointer data)
{
  BargedJob *job = exported_job (f);
  gpointer weak_job = job;
  gpointer weak_file = g_ptr_array_index (job->files, 0);

  g_object_add_weak_pointer (G_OBJECT (job), &weak_job);
  g_object_add_weak_pointer (weak_file, &weak_file);
  _barged_job_remove (job, BARGE_JOB_STATE_CANCELLED);
  g_assert_null (barged_engine_lookup (f->engine, barged_job_get_job_id (job)));
  g_object_unref (job);
  assert_freed (&weak_job, "a cancelled job");
  assert_freed (&weak_file, "the file of a cancelled job");
}

static void
test_unexported_job_is_freed (Fixture *f, gconstpointer data)
{
  BargedJob *job = exported_job (f);
  gpointer weak_job = job;

  g_object_add_weak_pointer (G_OBJECT (job), &weak_job);
  g_object_unref (job);
  g_clear_object (&f->bus_face);
  g_clear_object (&f->engine);
  assert_freed (&weak_job, "a job taken off the bus at shutdown");
}

typedef struct {
  BargedJob *job;
  gboolean done;
  GError *error;
} Saved;

static void
on_saved (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Saved *saved = user_data;

  barged_job_save_finish (saved->job, res, &saved->error);
  saved->done = TRUE;
}

static gboolean
is_saved (gpointer user_data)
{
  return ((Saved *) user_data)->done;
}

/* Waits for barged_job_save() and every store write it queued. */
static GError *
save (Fixture *f, BargedJob *job)
{
  Saved saved = { job, FALSE, NULL };
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  barged_job_save (job, on_saved, &saved);
  while (!is_saved (&saved) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (saved.done);
  barged_store_flush (f->ctx.store);
  return saved.error;
}

/* An upload job's state is saved in the job's transaction: a write that
 * fails half way (the trigger, after the job row and its files, before the
 * state) leaves neither. Two writes, as before, left the job without its
 * state, which the next start fails ("its upload state is missing or
 * damaged"). Once it can be written, the job and its state are both there. */
static void
test_upload_state_saved_with_job (Fixture *f, gconstpointer data)
{
  BargedJobSpec spec = { BARGE_JOB_TYPE_UPLOAD, "upload", "", BARGE_JOB_PRIORITY_NORMAL, BARGE_COST_POLICY_ANY,
                         BARGE_UPLOAD_PROTOCOL_TUS };
  g_autoptr(BargedJob) job = barged_job_new (&f->ctx, 1000, 022, &spec, NULL);
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) failed = NULL;
  g_autoptr(BargedUpload) upload = NULL;
  g_autofree char *state = NULL;

  store_fixture_exec (f->db,
    "CREATE TRIGGER poison BEFORE INSERT ON job_data WHEN NEW.key = 'upload'"
    " BEGIN SELECT RAISE (ABORT, 'the upload state failed'); END;");
  g_test_expect_message ("BargedStore", G_LOG_LEVEL_WARNING, "*the upload state failed*");
  failed = save (f, job);
  g_test_assert_expected_messages ();
  g_assert_true (barged_store_load (f->ctx.store, &jobs, &files, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (jobs->len, ==, 0);
  g_assert_null (barged_store_load_data (f->ctx.store, barged_job_get_job_id (job), "upload"));
  /* And the caller hears of it (with two writes, the job's write succeeded). */
  g_assert_error (failed, BARGE_ERROR, BARGE_ERROR_FAILED);
  g_clear_pointer (&jobs, g_ptr_array_unref);
  g_clear_pointer (&files, g_ptr_array_unref);

  store_fixture_exec (f->db, "DROP TRIGGER poison;");
  error = save (f, job);
  g_assert_no_error (error);
  g_assert_true (barged_store_load (f->ctx.store, &jobs, &files, &error));
  g_assert_cmpuint (jobs->len, ==, 1);
  g_assert_cmpstr (((BargedJobRecord *) jobs->pdata[0])->id, ==, barged_job_get_job_id (job));
  state = barged_store_load_data (f->ctx.store, barged_job_get_job_id (job), "upload");
  upload = barged_upload_new_from_data (f->ctx.session, barged_job_get_job_id (job), 1000, FALSE, state);
  g_assert_nonnull (upload);
  g_assert_cmpint (barged_upload_get_protocol (upload), ==, BARGE_UPLOAD_PROTOCOL_TUS);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/job-lifetime/removed", Fixture, NULL, fixture_setup, test_removed_job_is_freed,
              fixture_teardown);
  g_test_add ("/job-lifetime/unexported", Fixture, NULL, fixture_setup, test_unexported_job_is_freed,
              fixture_teardown);
  g_test_add ("/job-save/upload-state-with-job", Fixture, NULL, fixture_setup, test_upload_state_saved_with_job,
              fixture_teardown);
  return g_test_run ();
}
