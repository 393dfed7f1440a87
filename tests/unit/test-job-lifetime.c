/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The engine holds its jobs and the bus face holds its view of each: a
 * job that leaves (removed, or at shutdown) must still be freed, with its
 * files, or a long-running daemon keeps every job it ever had. */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "barged-authority.h"
#include "barged-bus.h"
#include "barged-credentials.h"
#include "barged-engine.h"
#include "barged-file.h"
#include "barged-job-private.h"
#include "barged-store.h"

#define TIMEOUT_US (10 * G_USEC_PER_SEC)

typedef struct {
  GTestDBus *bus;
  GDBusConnection *connection;
  char *dir;
  char *db;
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
  f->dir = g_dir_make_tmp ("barge-job-lifetime-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->dir, "jobs.db", NULL);
  f->ctx.store = barged_store_new (f->db, &error);
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
  const char *suffixes[] = { "", "-wal", "-shm" };

  g_clear_object (&f->bus_face);
  g_clear_object (&f->engine);
  g_clear_object (&f->ctx.credentials);
  g_clear_object (&f->ctx.session);
  barged_store_flush (f->ctx.store);
  g_clear_object (&f->ctx.store);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (f->db, suffixes[i], NULL);

      g_remove (path);
    }
  g_rmdir (f->dir);
  g_free (f->db);
  g_free (f->dir);
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
  g_autofree char *local = g_build_filename (f->dir, "file.bin", NULL);
  g_autofree char *temporary = g_build_filename (f->dir, ".file.bin.barge", NULL);
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/job-lifetime/removed", Fixture, NULL, fixture_setup, test_removed_job_is_freed,
              fixture_teardown);
  g_test_add ("/job-lifetime/unexported", Fixture, NULL, fixture_setup, test_unexported_job_is_freed,
              fixture_teardown);
  return g_test_run ();
}
