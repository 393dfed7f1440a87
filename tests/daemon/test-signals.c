/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a client sees on the wire, in order: every message from barged is
 * recorded as it arrives (a connection filter, before any dispatch), and
 * the tests check the order docs/concepts.md promises:
 * - a file's final Progress comes before its FileTransferred;
 * - a State comes in one PropertiesChanged with the HoldReason and Error
 *   that explain it, and every state a job passes through is shown;
 * - a method that changed a job returns after the PropertiesChanged that
 *   shows the change. */
#define G_LOG_DOMAIN "BargeTestSignals"

#include "config.h"

#include <string.h>

#include "barge-fault-server.h"
#include "barge-test-daemon.h"
#include "barge-test-jobs.h"
#include "barge-tsan.h"

#define TIMEOUT_MS 30000

typedef struct {
  GDBusMessageType type;
  guint32 reply_serial;
  char *path;
  char *member;
  GVariant *body;
} Seen;

static void
seen_free (Seen *s)
{
  g_free (s->path);
  g_free (s->member);
  g_clear_pointer (&s->body, g_variant_unref);
  g_free (s);
}

typedef struct {
  BargeFaultServer *server;
  BargeTestDaemon *daemon;
  char *dir;
  GMutex lock;
  GPtrArray *seen;            /* Seen, in arrival order */
  guint filter;
  gboolean filter_gone;       /* GDBus released the filter's data */
  guint subscription;
} Fixture;

/* Runs on GDBus's worker thread, in the order messages arrive. */
static GDBusMessage *
record (GDBusConnection *connection, GDBusMessage *message, gboolean incoming, gpointer user_data)
{
  Fixture *f = user_data;
  Seen *s;

  BARGE_TSAN_ACQUIRE (f); /* released before g_dbus_connection_add_filter */
  if (!incoming)
    return message;
  s = g_new0 (Seen, 1);
  s->type = g_dbus_message_get_message_type (message);
  s->reply_serial = g_dbus_message_get_reply_serial (message);
  s->path = g_strdup (g_dbus_message_get_path (message));
  s->member = g_strdup (g_dbus_message_get_member (message));
  s->body = g_dbus_message_get_body (message) != NULL ? g_variant_ref (g_dbus_message_get_body (message)) : NULL;
  g_mutex_lock (&f->lock);
  g_ptr_array_add (f->seen, s);
  g_mutex_unlock (&f->lock);
  return message;
}

/* Filters run on GDBus's worker thread: one may still run after
 * g_dbus_connection_remove_filter() returns. GDBus calls this once none
 * will run again. */
static void
on_filter_gone (gpointer user_data)
{
  Fixture *f = user_data;

  f->filter_gone = TRUE;
}

static gboolean
filter_gone (gpointer user_data)
{
  Fixture *f = user_data;

  return f->filter_gone;
}

static void
ignore_signal (GDBusConnection *connection, const char *sender, const char *path, const char *iface,
               const char *name, GVariant *params, gpointer user_data)
{
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->daemon = barge_test_daemon_new ();
  f->server = barge_fault_server_new ();
  f->dir = barge_test_make_dir ("barge-test-signals-XXXXXX");
  g_mutex_init (&f->lock);
  f->seen = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_free);
  BARGE_TSAN_RELEASE (f);
  f->filter = g_dbus_connection_add_filter (barge_test_daemon_get_connection (f->daemon), record, f,
                                            on_filter_gone);
  /* A match rule for every signal of barged, as a client that watches
   * jobs and files has. */
  f->subscription = g_dbus_connection_signal_subscribe (barge_test_daemon_get_connection (f->daemon),
                                                        BARGE_TEST_BUS_NAME, NULL, NULL, NULL, NULL,
                                                        G_DBUS_SIGNAL_FLAGS_NONE, ignore_signal, NULL, NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_dbus_connection_signal_unsubscribe (barge_test_daemon_get_connection (f->daemon), f->subscription);
  g_dbus_connection_remove_filter (barge_test_daemon_get_connection (f->daemon), f->filter);
  barge_test_assert_wait (filter_gone, f, TIMEOUT_MS, "GDBus to release the message filter");
  barge_test_daemon_free (f->daemon);
  barge_fault_server_free (f->server);
  barge_test_clear_dir (&f->dir);
  /* What the filter added last, it added under the lock. */
  g_mutex_lock (&f->lock);
  g_clear_pointer (&f->seen, g_ptr_array_unref);
  g_mutex_unlock (&f->lock);
  g_mutex_clear (&f->lock);
}

/* A copy of what was seen so far. */
static GPtrArray *
seen_so_far (Fixture *f)
{
  GPtrArray *copy;

  g_mutex_lock (&f->lock);
  copy = g_ptr_array_copy (f->seen, NULL, NULL);
  g_mutex_unlock (&f->lock);
  /* The fixture's array owns the elements. */
  g_ptr_array_set_free_func (copy, NULL);
  return copy;
}

/* The changed properties of a PropertiesChanged, or NULL for anything else. */
static GVariant *
changed_of (Seen *s, const char *path)
{
  if (s->type != G_DBUS_MESSAGE_TYPE_SIGNAL || g_strcmp0 (s->member, "PropertiesChanged") != 0 ||
      (path != NULL && g_strcmp0 (s->path, path) != 0))
    return NULL;
  return g_variant_get_child_value (s->body, 1);
}

static void
set_property (Fixture *f, const char *path, const char *name, GVariant *value)
{
  barge_test_daemon_set_property (f->daemon, path, "org.freedesktop.Barge1.Job", name, value);
}

/* --- a file's final progress before its FileTransferred -------------------------------- */

static void
test_file_progress_first (Fixture *f, gconstpointer data)
{
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "order");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(GPtrArray) seen = NULL;
  const char *flags[] = { "transferred", "file-transferred", NULL };
  const guint64 size = 192 * KiB;
  guint transferred = 0;

  /* Progress coalesced for 10 s: only the flush before FileTransferred
   * can show a file's final bytes in time. */
  set_property (f, path, "MinimumNotificationInterval", g_variant_new_uint32 (10000));
  set_property (f, path, "NotifyFlags", g_variant_new_strv (flags, -1));
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%u", i);
      g_autofree char *url = barge_fault_server_get_url (f->server, "ok", name, size);
      g_autofree char *dest = g_build_filename (f->dir, name, NULL);

      barge_test_job_add_file (job, url, dest);
    }
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TIMEOUT_MS);
  barge_test_run_for (200);

  seen = seen_so_far (f);
  for (guint k = 0; k < seen->len; k++)
    {
      Seen *s = g_ptr_array_index (seen, k);
      const char *file;
      gboolean shown = FALSE;

      if (s->type != G_DBUS_MESSAGE_TYPE_SIGNAL || g_strcmp0 (s->member, "FileTransferred") != 0)
        continue;
      g_variant_get (s->body, "(&o)", &file);
      for (guint j = 0; j < k && !shown; j++)
        {
          g_autoptr(GVariant) changed = changed_of (g_ptr_array_index (seen, j), file);
          guint64 total, done;
          gboolean completed;

          if (changed != NULL && g_variant_lookup (changed, "Progress", "(ttb)", &total, &done, &completed))
            shown = total == size && done == size;
        }
      if (!shown)
        for (guint j = 0; j < k; j++)
          {
            Seen *o = g_ptr_array_index (seen, j);
            g_autofree char *text = o->body != NULL ? g_variant_print (o->body, FALSE) : NULL;

            g_test_message ("%u %s %s %s", j, o->path, o->member, text);
          }
      g_assert_true (shown);
      transferred++;
    }
  g_assert_cmpuint (transferred, ==, 3);
  barge_test_job_cancel (job);
}

/* --- a file's own properties wait with its progress -------------------------------------- */

/* A job of @n small files, run to "transferred" with @interval ms between
 * progress reports; returns its path. */
static char *
run_small_files (Fixture *f, const char *name, guint n, guint32 interval)
{
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, name);
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);

  set_property (f, path, "MinimumNotificationInterval", g_variant_new_uint32 (interval));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *file = g_strdup_printf ("%s-%u", name, i);
      g_autofree char *url = barge_fault_server_get_url (f->server, "ok", file, 4 * KiB);
      g_autofree char *dest = g_build_filename (f->dir, file, NULL);

      barge_test_job_add_file (job, url, dest);
    }
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transferred", TIMEOUT_MS);
  barge_test_run_for (200);
  return g_steal_pointer (&path);
}

/* The PropertiesChanged of the files of the job at @path, by file path. */
static GHashTable *
file_changes (Fixture *f, const char *path)
{
  g_autoptr(GPtrArray) seen = seen_so_far (f);
  g_autofree char *prefix = g_strconcat (path, "/files/", NULL);
  GHashTable *changes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) g_ptr_array_unref);

  for (guint k = 0; k < seen->len; k++)
    {
      Seen *s = g_ptr_array_index (seen, k);
      GVariant *changed = changed_of (s, NULL);
      GPtrArray *list;

      if (changed == NULL)
        continue;
      if (!g_str_has_prefix (s->path, prefix))
        {
          g_variant_unref (changed);
          continue;
        }
      list = g_hash_table_lookup (changes, s->path);
      if (list == NULL)
        {
          list = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
          g_hash_table_insert (changes, g_strdup (s->path), list);
        }
      g_ptr_array_add (list, changed);
    }
  return changes;
}

/* A file's FinalUrl (and TemporaryPath) are not states: they wait with its
 * progress, so a job of many small files sends about one signal per file,
 * not two or three (FinalUrl went out at once before, and the bus daemon
 * and every watching client paid for each). */
static void
test_file_properties_coalesced (Fixture *f, gconstpointer data)
{
  const guint n = 40;
  g_autofree char *path = run_small_files (f, "coalesced", n, 10000);
  g_autoptr(GHashTable) changes = file_changes (f, path);
  GHashTableIter iter;
  GPtrArray *list;
  guint total = 0;

  g_assert_cmpuint (g_hash_table_size (changes), ==, n);
  g_hash_table_iter_init (&iter, changes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &list))
    {
      GVariant *last = g_ptr_array_index (list, list->len - 1);
      guint64 total_bytes, done;
      gboolean completed;
      gboolean final_url = FALSE;

      total += list->len;
      /* What a client saw last is the whole file, and where it came from. */
      g_assert_true (g_variant_lookup (last, "Progress", "(ttb)", &total_bytes, &done, &completed));
      g_assert_cmpuint (done, ==, 4 * KiB);
      for (guint i = 0; i < list->len; i++)
        final_url |= g_variant_lookup (g_ptr_array_index (list, i), "FinalUrl", "&s", NULL);
      g_assert_true (final_url);
    }
  /* The first report goes out at once (nothing was reported before), the
   * rest with the state "transferred": a few files may be in both. */
  g_test_message ("%u PropertiesChanged for %u files", total, n);
  g_assert_cmpuint (total, <=, n + 8);
}

/* A report that would show a file's Progress as it was last shown is not
 * sent again (its durable offset moved, or a notification changed nothing
 * a client sees). */
static void
test_file_progress_not_repeated (Fixture *f, gconstpointer data)
{
  g_autofree char *path = run_small_files (f, "repeated", 40, 0);
  g_autoptr(GHashTable) changes = file_changes (f, path);
  GHashTableIter iter;
  GPtrArray *list;

  g_assert_cmpuint (g_hash_table_size (changes), ==, 40);
  g_hash_table_iter_init (&iter, changes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &list))
    {
      g_autoptr(GVariant) previous = NULL;

      for (guint i = 0; i < list->len; i++)
        {
          g_autoptr(GVariant) progress = g_variant_lookup_value (g_ptr_array_index (list, i), "Progress", NULL);

          if (progress == NULL)
            continue;
          g_assert_false (previous != NULL && g_variant_equal (previous, progress));
          g_clear_pointer (&previous, g_variant_unref);
          previous = g_steal_pointer (&progress);
        }
    }
}

/* --- State with its HoldReason and Error; every state shown ----------------------------- */

/* The PropertiesChanged of @path that carries State @state, or NULL. */
static GVariant *
find_state (GPtrArray *seen, const char *path, const char *state)
{
  for (guint k = 0; k < seen->len; k++)
    {
      g_autoptr(GVariant) changed = changed_of (g_ptr_array_index (seen, k), path);
      const char *value;

      if (changed != NULL && g_variant_lookup (changed, "State", "&s", &value) && g_str_equal (value, state))
        return g_steal_pointer (&changed);
    }
  return NULL;
}

static void
test_state_with_reasons (Fixture *f, gconstpointer data)
{
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "reasons");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autofree char *url = barge_fault_server_get_url (f->server, "503", "busy", 4 * KiB);
  g_autofree char *dest = g_build_filename (f->dir, "busy", NULL);
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GVariant) transient = NULL;
  g_autoptr(GVariant) queued = NULL;
  const char *hold, *context, *name;

  barge_test_job_add_file (job, url, dest);
  barge_test_job_resume (job);
  barge_test_wait_job_state (job, "transient-error", TIMEOUT_MS);
  barge_test_run_for (200);
  seen = seen_so_far (f);

  /* Each state it passed through, even those it left in the same turn. */
  queued = find_state (seen, path, "queued");
  g_assert_nonnull (queued);
  g_assert_true (g_variant_lookup (queued, "HoldReason", "&s", &hold));
  g_assert_cmpstr (hold, ==, "scheduler");
  {
    g_autoptr(GVariant) connecting = find_state (seen, path, "connecting");

    g_assert_nonnull (connecting);
  }
  /* The error state, with why it waits and what went wrong, at once. */
  transient = find_state (seen, path, "transient-error");
  g_assert_nonnull (transient);
  g_assert_true (g_variant_lookup (transient, "HoldReason", "&s", &hold));
  g_assert_cmpstr (hold, ==, "retry-delay");
  g_assert_true (g_variant_lookup (transient, "Error", "(&s&s&s&s)", &context, &name, NULL, NULL));
  g_assert_cmpstr (context, ==, "remote-file");
  g_assert_cmpstr (name, ==, BARGE_TEST_ERROR_PREFIX "HttpServerError");
  barge_test_job_cancel (job);
}

/* --- a method returns after the change it made is shown -------------------------------- */

static void
test_reply_after_change (Fixture *f, gconstpointer data)
{
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "reply");
  GDBusConnection *connection = barge_test_daemon_get_connection (f->daemon);
  g_autofree char *url = barge_fault_server_get_url (f->server, "ok", "r", 4 * KiB);
  g_autofree char *dest = g_build_filename (f->dir, "r", NULL);
  g_autoptr(GDBusMessage) call = NULL;
  g_autoptr(GDBusMessage) reply = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GError) error = NULL;
  guint32 serial = 0;
  gboolean files_shown = FALSE, state_shown = FALSE, answered = FALSE;

  /* AddFile: Files is invalidated before the reply. */
  call = g_dbus_message_new_method_call (BARGE_TEST_BUS_NAME, path, "org.freedesktop.Barge1.Job", "AddFile");
  g_dbus_message_set_body (call, g_variant_new ("(ss)", url, dest));
  reply = g_dbus_connection_send_message_with_reply_sync (connection, call, G_DBUS_SEND_MESSAGE_FLAGS_NONE, 10000,
                                                          &serial, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_dbus_message_get_message_type (reply), ==, G_DBUS_MESSAGE_TYPE_METHOD_RETURN);
  g_clear_object (&call);
  g_clear_object (&reply);
  seen = seen_so_far (f);
  for (guint k = 0; k < seen->len && !answered; k++)
    {
      Seen *s = g_ptr_array_index (seen, k);

      g_autoptr(GVariant) changed = changed_of (s, path);

      if (s->type == G_DBUS_MESSAGE_TYPE_METHOD_RETURN && s->reply_serial == serial)
        answered = TRUE;
      else if (changed != NULL)
        {
          g_autofree const char **invalidated = NULL;

          g_variant_get_child (s->body, 2, "^a&s", &invalidated);
          files_shown |= g_strv_contains (invalidated, "Files");
        }
    }
  g_assert_true (answered);
  g_assert_true (files_shown);
  g_clear_pointer (&seen, g_ptr_array_unref);

  /* Suspend after Resume: the new State before the reply. */
  {
    g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);

    barge_test_job_resume (job);
  }
  call = g_dbus_message_new_method_call (BARGE_TEST_BUS_NAME, path, "org.freedesktop.Barge1.Job", "Suspend");
  reply = g_dbus_connection_send_message_with_reply_sync (connection, call, G_DBUS_SEND_MESSAGE_FLAGS_NONE, 10000,
                                                          &serial, NULL, &error);
  g_assert_no_error (error);
  answered = FALSE;
  seen = seen_so_far (f);
  for (guint k = 0; k < seen->len && !answered; k++)
    {
      Seen *s = g_ptr_array_index (seen, k);
      g_autoptr(GVariant) changed = changed_of (s, path);
      const char *state;

      if (s->type == G_DBUS_MESSAGE_TYPE_METHOD_RETURN && s->reply_serial == serial)
        answered = TRUE;
      else if (changed != NULL && g_variant_lookup (changed, "State", "&s", &state))
        state_shown = g_str_equal (state, "suspended");
    }
  g_assert_true (answered);
  g_assert_true (state_shown);
}

/* How many PropertiesChanged the files of the job at @path sent so far,
 * and whether one of @file_path's said it is complete. */
static guint
count_file_changes (Fixture *f, const char *path, const char *file_path, gboolean *completed_shown)
{
  g_autoptr(GHashTable) changes = file_changes (f, path);
  GHashTableIter iter;
  gpointer key, value;
  guint n = 0;

  if (completed_shown != NULL)
    *completed_shown = FALSE;
  g_hash_table_iter_init (&iter, changes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *list = value;

      n += list->len;
      for (guint i = 0; completed_shown != NULL && i < list->len; i++)
        {
          guint64 total, done;
          gboolean completed = FALSE;

          if (g_strcmp0 (key, file_path) == 0 &&
              g_variant_lookup (g_ptr_array_index (list, i), "Progress", "(ttb)", &total, &done, &completed))
            *completed_shown |= completed;
        }
    }
  return n;
}

/* Complete of a transferred job: its State ("acknowledged") says that
 * every file is complete, and no file sends its Progress again (a signal
 * per file was most of Complete's time at 10,000 files). */
static void
test_complete_shown_by_state (Fixture *f, gconstpointer data)
{
  const guint n = 20;
  g_autofree char *path = run_small_files (f, "completed", n, 10000);
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(GPtrArray) seen = NULL;
  guint before = count_file_changes (f, path, NULL, NULL);
  gboolean acknowledged = FALSE;

  g_assert_cmpuint (before, >=, n);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, TIMEOUT_MS);
  barge_test_run_for (200);
  g_assert_cmpuint (count_file_changes (f, path, NULL, NULL), ==, before);
  seen = seen_so_far (f);
  for (guint k = 0; k < seen->len; k++)
    {
      g_autoptr(GVariant) changed = changed_of (g_ptr_array_index (seen, k), path);
      const char *state;

      if (changed != NULL && g_variant_lookup (changed, "State", "&s", &state))
        acknowledged |= g_str_equal (state, "acknowledged");
    }
  g_assert_true (acknowledged);
}

/* A Complete from another state keeps only the files transferred: each
 * of those says it is complete. One file transfers, the other's server
 * never answers; the job is completed while it runs. */
static void
test_partial_complete_shown_by_files (Fixture *f, gconstpointer data)
{
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "partial");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  const char *flags[] = { "transferred", "file-transferred", NULL };
  const char *faults[] = { "ok", "stall-headers" };
  g_autofree char *first = NULL;
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_MS * 1000;
  gboolean transferred = FALSE, completed = FALSE;

  set_property (f, path, "NotifyFlags", g_variant_new_strv (flags, -1));
  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autofree char *name = g_strdup_printf ("partial-%u", i);
      g_autofree char *url = barge_fault_server_get_url (f->server, faults[i], name, 4 * KiB);
      g_autofree char *dest = g_build_filename (f->dir, name, NULL);

      barge_test_job_add_file (job, url, dest);
    }
  first = barge_test_job_file_path (f->daemon, job, 0);
  barge_test_job_resume (job);
  /* FileTransferred: the first file's bytes are durable. */
  while (!transferred && g_get_monotonic_time () < deadline)
    {
      g_autoptr(GPtrArray) seen = seen_so_far (f);

      for (guint k = 0; k < seen->len; k++)
        {
          Seen *s = g_ptr_array_index (seen, k);

          transferred |= g_strcmp0 (s->member, "FileTransferred") == 0;
        }
      if (!transferred)
        barge_test_run_for (20);
    }
  g_assert_true (transferred);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, TIMEOUT_MS);
  barge_test_run_for (200);
  count_file_changes (f, path, first, &completed);
  g_assert_true (completed);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  BARGE_TEST_ADD ("/signals/file-progress-before-file-transferred", test_file_progress_first);
  BARGE_TEST_ADD ("/signals/file-properties-coalesced", test_file_properties_coalesced);
  BARGE_TEST_ADD ("/signals/file-progress-not-repeated", test_file_progress_not_repeated);
  BARGE_TEST_ADD ("/signals/state-with-its-reasons", test_state_with_reasons);
  BARGE_TEST_ADD ("/signals/reply-after-the-change", test_reply_after_change);
  BARGE_TEST_ADD ("/signals/complete-shown-by-state", test_complete_shown_by_state);
  BARGE_TEST_ADD ("/signals/partial-complete-shown-by-files", test_partial_complete_shown_by_files);
  return g_test_run ();
}
