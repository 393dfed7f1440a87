/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* barged answers ObjectManager.GetManagedObjects itself, from serialised
 * copies of each interface's properties (barged-object-cache.c). These
 * tests hold that reply against what every object says of itself through
 * org.freedesktop.DBus.Properties.GetAll, before and after properties
 * change, and check that InterfacesAdded/InterfacesRemoved still come.
 * The reply lists only the jobs in use since the daemon started
 * (barged_job_list); /object-cache/working-set holds it to that rule. */
#define G_LOG_DOMAIN "BargeTestObjectCache"

#include "config.h"

#include "barge-test-daemon.h"

#define OM_IFACE "org.freedesktop.DBus.ObjectManager"
#define SHORT_TIMEOUT_MS 10000

typedef struct {
  BargeTestDaemon *daemon;
  char *dir;
  GPtrArray *added;     /* paths of InterfacesAdded */
  GPtrArray *removed;   /* paths of InterfacesRemoved */
  guint subscription;
} Fixture;

static void
on_om_signal (GDBusConnection *connection, const char *sender, const char *path, const char *iface,
              const char *name, GVariant *parameters, gpointer user_data)
{
  Fixture *f = user_data;
  const char *object_path;

  g_variant_get_child (parameters, 0, "&o", &object_path);
  g_ptr_array_add (g_str_equal (name, "InterfacesAdded") ? f->added : f->removed, g_strdup (object_path));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->daemon = barge_test_daemon_new ();
  f->dir = g_dir_make_tmp ("barge-test-cache-XXXXXX", &error);
  g_assert_no_error (error);
  f->added = g_ptr_array_new_with_free_func (g_free);
  f->removed = g_ptr_array_new_with_free_func (g_free);
  f->subscription = g_dbus_connection_signal_subscribe (barge_test_daemon_get_connection (f->daemon),
                                                        BARGE_TEST_BUS_NAME, OM_IFACE, NULL,
                                                        BARGE_TEST_MANAGER_PATH, NULL,
                                                        G_DBUS_SIGNAL_FLAGS_NONE, on_om_signal, f, NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_dbus_connection_signal_unsubscribe (barge_test_daemon_get_connection (f->daemon), f->subscription);
  barge_test_daemon_free (f->daemon);
  barge_test_remove_tree (f->dir);
  g_free (f->dir);
  g_ptr_array_unref (f->added);
  g_ptr_array_unref (f->removed);
}

static GVariant *
call (Fixture *f, const char *path, const char *iface, const char *method, GVariant *args, const char *type)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply = g_dbus_connection_call_sync (barge_test_daemon_get_connection (f->daemon),
                                                 BARGE_TEST_BUS_NAME, path, iface, method, args,
                                                 G_VARIANT_TYPE (type), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                                 SHORT_TIMEOUT_MS, NULL, &error);

  g_assert_no_error (error);
  return reply;
}

static GVariant *
managed_objects (Fixture *f)
{
  g_autoptr(GVariant) reply = call (f, BARGE_TEST_MANAGER_PATH, OM_IFACE, "GetManagedObjects", NULL,
                                    "(a{oa{sa{sv}}})");

  return g_variant_get_child_value (reply, 0);
}

/* Every interface of every object in the reply has exactly the properties,
 * with the same values, that GetAll on the object itself returns; and the
 * reply holds exactly the EXPECTED objects. */
static void
assert_reply_matches_objects (Fixture *f, GVariant *objects, const char * const *expected)
{
  GVariantIter iter;
  const char *path;
  GVariant *ifaces;

  if (g_variant_n_children (objects) != g_strv_length ((char **) expected))
    {
      g_autofree char *printed = g_variant_print (objects, FALSE);

      g_test_message ("reply: %s", printed);
    }
  g_assert_cmpuint (g_variant_n_children (objects), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    {
      g_autoptr(GVariant) entry = g_variant_lookup_value (objects, expected[i], NULL);

      g_assert_nonnull (entry);
    }
  g_variant_iter_init (&iter, objects);
  while (g_variant_iter_loop (&iter, "{&o@a{sa{sv}}}", &path, &ifaces))
    {
      GVariantIter ii;
      const char *iface;
      GVariant *props;

      g_assert_cmpuint (g_variant_n_children (ifaces), ==, 1);
      g_variant_iter_init (&ii, ifaces);
      while (g_variant_iter_loop (&ii, "{&s@a{sv}}", &iface, &props))
        {
          g_autoptr(GVariant) all = call (f, path, "org.freedesktop.DBus.Properties", "GetAll",
                                          g_variant_new ("(s)", iface), "(a{sv})");
          g_autoptr(GVariant) direct = g_variant_get_child_value (all, 0);
          GVariantIter pi;
          const char *name;
          GVariant *value;

          g_assert_cmpuint (g_variant_n_children (props), ==, g_variant_n_children (direct));
          g_variant_iter_init (&pi, direct);
          while (g_variant_iter_loop (&pi, "{&sv}", &name, &value))
            {
              g_autoptr(GVariant) cached = g_variant_lookup_value (props, name, NULL);
              g_autofree char *want = g_variant_print (value, TRUE);
              g_autofree char *got = cached != NULL ? g_variant_print (cached, TRUE) : NULL;

              if (cached == NULL || !g_variant_equal (cached, value))
                g_error ("%s %s.%s: GetManagedObjects says %s, GetAll says %s", path, iface, name,
                         got != NULL ? got : "(missing)", want);
            }
        }
    }
}

static char *
create_job_with_file (Fixture *f, const char *name)
{
  char *path = barge_test_daemon_create_job (f->daemon, name);
  g_autofree char *local = g_build_filename (f->dir, name, NULL);
  g_autoptr(GVariant) reply = NULL;

  /* Port 9 on loopback: nothing is fetched, the job stays suspended. */
  reply = call (f, path, BARGE_TEST_JOB_IFACE, "AddFile",
                g_variant_new ("(ss)", "http://127.0.0.1:9/file", local), "()");
  return path;
}

static gboolean
has_path (gpointer user_data)
{
  gpointer *args = user_data;

  return g_ptr_array_find_with_equal_func (args[0], args[1], g_str_equal, NULL);
}

static void
test_reply_matches (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GVariant) objects = NULL;
  g_autofree char *extra = NULL;
  g_autofree char *extra_file = NULL;

  g_ptr_array_add (expected, NULL);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("job-%u", i);
      char *path = create_job_with_file (f, name);

      g_ptr_array_insert (expected, 0, g_strdup_printf ("%s/files/0", path));
      g_ptr_array_insert (expected, 0, path);
    }

  /* Twice: the second answer comes from the serialised copies. */
  for (guint round = 0; round < 2; round++)
    {
      g_clear_pointer (&objects, g_variant_unref);
      objects = managed_objects (f);
      assert_reply_matches_objects (f, objects, (const char * const *) expected->pdata);
    }

  /* A property written by a client, and one the daemon changes (State by
   * Resume, then Suspend), must show in the next answer. */
  barge_test_daemon_set_property (f->daemon, g_ptr_array_index (expected, 0), BARGE_TEST_JOB_IFACE,
                                  "DisplayName", g_variant_new_string ("renamed"));
  {
    g_autoptr(GVariant) r = call (f, g_ptr_array_index (expected, 2), BARGE_TEST_JOB_IFACE, "Resume", NULL, "()");
    g_autoptr(GVariant) s = call (f, g_ptr_array_index (expected, 2), BARGE_TEST_JOB_IFACE, "Suspend", NULL, "()");
  }
  g_clear_pointer (&objects, g_variant_unref);
  objects = managed_objects (f);
  assert_reply_matches_objects (f, objects, (const char * const *) expected->pdata);
  {
    g_autoptr(GVariant) entry = g_variant_lookup_value (objects, g_ptr_array_index (expected, 0), NULL);
    g_autoptr(GVariant) props = g_variant_lookup_value (entry, BARGE_TEST_JOB_IFACE, NULL);
    const char *display_name = NULL;

    g_assert_true (g_variant_lookup (props, "DisplayName", "&s", &display_name));
    g_assert_cmpstr (display_name, ==, "renamed");
  }

  /* New objects are announced and answered; removed ones are announced and
   * gone from the answer. */
  extra = create_job_with_file (f, "extra");
  extra_file = g_strdup_printf ("%s/files/0", extra);
  barge_test_assert_wait (has_path, ((gpointer[]) { f->added, extra }), SHORT_TIMEOUT_MS, "InterfacesAdded");
  barge_test_assert_wait (has_path, ((gpointer[]) { f->added, extra_file }), SHORT_TIMEOUT_MS,
                          "InterfacesAdded of the file");
  g_ptr_array_insert (expected, 0, g_strdup (extra_file));
  g_ptr_array_insert (expected, 0, g_strdup (extra));
  g_clear_pointer (&objects, g_variant_unref);
  objects = managed_objects (f);
  assert_reply_matches_objects (f, objects, (const char * const *) expected->pdata);

  {
    g_autoptr(GVariant) c = call (f, extra, BARGE_TEST_JOB_IFACE, "Cancel", NULL, "()");
  }
  barge_test_assert_wait (has_path, ((gpointer[]) { f->removed, extra }), SHORT_TIMEOUT_MS, "InterfacesRemoved");
  g_ptr_array_remove_index (expected, 0);
  g_ptr_array_remove_index (expected, 0);
  g_clear_pointer (&objects, g_variant_unref);
  objects = managed_objects (f);
  assert_reply_matches_objects (f, objects, (const char * const *) expected->pdata);
}

static char *
file_of (const char *job)
{
  return g_strdup_printf ("%s/files/0", job);
}

/* The reply, less the objects at or below IGNORED (a job whose state may
 * change at any moment), is exactly PATHS. */
static void
assert_reply_is (Fixture *f, const char *ignored, const char * const *paths)
{
  g_autoptr(GVariant) objects = managed_objects (f);
  g_autoptr(GVariant) kept = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *path;
  GVariant *ifaces;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{oa{sa{sv}}}"));
  g_variant_iter_init (&iter, objects);
  while (g_variant_iter_loop (&iter, "{&o@a{sa{sv}}}", &path, &ifaces))
    if (!g_str_has_prefix (path, ignored))
      g_variant_builder_add (&builder, "{o@a{sa{sv}}}", path, ifaces);
  kept = g_variant_ref_sink (g_variant_builder_end (&builder));
  assert_reply_matches_objects (f, kept, paths);
}

/* After a restart, a job at rest is on the bus at its path but not in the
 * reply; using it (a call, a property write, GetJob) or a state change of
 * its own lists it, announced with InterfacesAdded for it and its files.
 * Reading it does not. */
static void
test_working_set (Fixture *f, gconstpointer data)
{
  g_autofree char *used = create_job_with_file (f, "used");
  g_autofree char *asked = create_job_with_file (f, "asked");
  g_autofree char *moving = create_job_with_file (f, "moving");
  g_autofree char *read_only = create_job_with_file (f, "read-only");
  g_autofree char *used_file = file_of (used);
  g_autofree char *asked_file = file_of (asked);
  g_autofree char *moving_file = file_of (moving);
  g_autofree char *read_file = file_of (read_only);
  g_autoptr(GVariant) listed = NULL;
  g_autoptr(GVariant) id = NULL;

  /* "moving" fails on port 9 and waits 5 s to retry: after the restart its
   * retry timer (or the network monitor's first report) changes its state
   * without any call. */
  barge_test_daemon_set_property (f->daemon, moving, BARGE_TEST_JOB_IFACE, "MinimumRetryDelay",
                                  g_variant_new_uint32 (5));
  {
    g_autoptr(GVariant) r = call (f, moving, BARGE_TEST_JOB_IFACE, "Resume", NULL, "()");
  }
  {
    g_autoptr(BargeDBusJob) proxy = barge_test_daemon_get_job (f->daemon, moving);

    barge_test_wait_job_state (proxy, "transient-error", SHORT_TIMEOUT_MS);
  }
  /* Cleared before: "moving" may be announced while the restart waits. */
  barge_test_run_for (100);
  g_ptr_array_set_size (f->added, 0);
  barge_test_daemon_restart (f->daemon);

  assert_reply_is (f, moving, (const char * const[]) { NULL });
  listed = call (f, BARGE_TEST_MANAGER_PATH, BARGE_TEST_MANAGER_IFACE, "ListJobs",
                 g_variant_new_parsed ("(@a{sv} {},)"), "(ao)");
  {
    g_autoptr(GVariant) paths = g_variant_get_child_value (listed, 0);

    g_assert_cmpuint (g_variant_n_children (paths), ==, 4);
  }
  {
    g_autoptr(GVariant) a = call (f, read_only, "org.freedesktop.DBus.Properties", "GetAll",
                                  g_variant_new ("(s)", BARGE_TEST_JOB_IFACE), "(a{sv})");
    g_autoptr(GVariant) b = call (f, read_file, "org.freedesktop.DBus.Properties", "Get",
                                  g_variant_new ("(ss)", BARGE_TEST_FILE_IFACE, "LocalPath"), "(v)");
  }
  assert_reply_is (f, moving, (const char * const[]) { NULL });
  for (guint i = 0; i < f->added->len; i++)
    g_assert_true (g_str_has_prefix (g_ptr_array_index (f->added, i), moving));

  barge_test_daemon_set_property (f->daemon, used, BARGE_TEST_JOB_IFACE, "DisplayName",
                                  g_variant_new_string ("used again"));
  barge_test_assert_wait (has_path, ((gpointer[]) { f->added, used_file }), SHORT_TIMEOUT_MS,
                          "InterfacesAdded of a written job's file");
  g_assert_true (has_path ((gpointer[]) { f->added, used }));
  assert_reply_is (f, moving, (const char * const[]) { used, used_file, NULL });

  id = barge_test_daemon_get_property (f->daemon, asked, BARGE_TEST_JOB_IFACE, "Id");
  {
    g_autoptr(GVariant) r = call (f, BARGE_TEST_MANAGER_PATH, BARGE_TEST_MANAGER_IFACE, "GetJob",
                                  g_variant_new ("(s)", g_variant_get_string (id, NULL)), "(o)");
  }
  barge_test_assert_wait (has_path, ((gpointer[]) { f->added, asked_file }), SHORT_TIMEOUT_MS,
                          "InterfacesAdded after GetJob");
  assert_reply_is (f, moving, (const char * const[]) { used, used_file, asked, asked_file, NULL });

  barge_test_assert_wait (has_path, ((gpointer[]) { f->added, moving_file }), SHORT_TIMEOUT_MS,
                          "InterfacesAdded of a job whose retry timer fired");
  g_assert_false (has_path ((gpointer[]) { f->added, read_only }));
  g_assert_false (has_path ((gpointer[]) { f->added, read_file }));
  {
    g_autoptr(GVariant) objects = managed_objects (f);
    g_autoptr(GVariant) entry = g_variant_lookup_value (objects, moving, NULL);

    g_assert_nonnull (entry);
    g_assert_cmpuint (g_variant_n_children (objects), ==, 6);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/object-cache/reply-matches", Fixture, NULL, fixture_setup, test_reply_matches, fixture_teardown);
  g_test_add ("/object-cache/working-set", Fixture, NULL, fixture_setup, test_working_set, fixture_teardown);
  return g_test_run ();
}
