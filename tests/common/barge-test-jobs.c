/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargeTestJobs"

#include "config.h"

#include <string.h>

#include "barge-test-jobs.h"
#include "barge-test-server.h"

char *
barge_test_file_sha256 (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, &error);

  g_assert_no_error (error);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                      (const guchar *) g_mapped_file_get_contents (mapped),
                                      g_mapped_file_get_length (mapped));
}

void
barge_test_assert_file_content (const char *path, const char *name, guint64 size)
{
  g_autofree char *expected = barge_test_expected_sha256 (name, size);
  g_autofree char *actual = NULL;

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  actual = barge_test_file_sha256 (path);
  g_assert_cmpstr (actual, ==, expected);
}

void
barge_test_assert_prefix_of (const char *path, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autofree guint8 *expected = NULL;
  gsize len;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return;
  mapped = g_mapped_file_new (path, FALSE, &error);
  g_assert_no_error (error);
  len = g_mapped_file_get_length (mapped);
  expected = g_malloc (MAX (len, 1));
  barge_test_fill_content (name, 0, expected, len);
  g_assert_true (len == 0 || memcmp (g_mapped_file_get_contents (mapped), expected, len) == 0);
}

const char *
barge_test_job_path (BargeDBusJob *job)
{
  return g_dbus_proxy_get_object_path (G_DBUS_PROXY (job));
}

void
barge_test_job_add_file (BargeDBusJob *job, const char *url, const char *local_path)
{
  g_autoptr(GError) error = NULL;

  barge_dbus_job_call_add_file_sync (job, url, local_path, NULL, &error);
  g_assert_no_error (error);
}

void
barge_test_job_resume (BargeDBusJob *job)
{
  g_autoptr(GError) error = NULL;

  barge_dbus_job_call_resume_sync (job, NULL, &error);
  g_assert_no_error (error);
}

guint64
barge_test_job_bytes_done (BargeDBusJob *job)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) value = NULL;
  guint64 total, done, files, files_done;

  barge_dbus_job_call_get_progress_sync (job, &value, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (value, "(tttt)", &total, &done, &files, &files_done);
  return done;
}

gboolean
barge_test_job_has_some_bytes (gpointer job)
{
  return barge_test_job_bytes_done (job) >= 256 * KiB;
}

typedef struct {
  BargeDBusJob *job;
  guint64 bytes;
} BytesWanted;

static gboolean
has_bytes (gpointer data)
{
  BytesWanted *w = data;

  return barge_test_job_bytes_done (w->job) >= w->bytes;
}

void
barge_test_job_wait_bytes (BargeDBusJob *job, guint64 bytes, guint timeout_ms)
{
  BytesWanted w = { job, bytes };
  g_autofree char *what = g_strdup_printf ("%" G_GUINT64_FORMAT " bytes in", bytes);

  barge_test_assert_wait (has_bytes, &w, timeout_ms, what);
}

guint64
barge_test_range_start (const char *range)
{
  if (range == NULL)
    return 0;
  g_assert_true (g_str_has_prefix (range, "bytes="));
  return g_ascii_strtoull (range + 6, NULL, 10);
}

void
barge_test_assert_job_error (BargeDBusJob *job, const char *expected, const char *in_message)
{
  const char *context, *name, *message, *file;

  g_variant_get (barge_dbus_job_get_error (job), "(&s&s&s&s)", &context, &name, &message, &file);
  g_test_message ("Error: %s \"%s\"", name, message);
  g_assert_cmpstr (name, ==, expected);
  if (in_message != NULL)
    g_assert_nonnull (strstr (message, in_message));
}

void
barge_test_job_cancel (BargeDBusJob *job)
{
  g_autoptr(GError) error = NULL;

  barge_dbus_job_call_cancel_sync (job, NULL, &error);
  g_assert_no_error (error);
}

void
barge_test_job_complete (BargeDBusJob *job)
{
  g_autoptr(GError) error = NULL;

  barge_dbus_job_call_complete_sync (job, NULL, &error);
  g_assert_no_error (error);
}

char *
barge_test_job_file_path (BargeTestDaemon *daemon, BargeDBusJob *job, guint index)
{
  g_autoptr(GVariant) value = barge_test_daemon_get_property (daemon, barge_test_job_path (job),
                                                              BARGE_TEST_JOB_IFACE, "Files");
  g_autofree const char **files = g_variant_get_objv (value, NULL);

  g_assert_cmpuint (g_strv_length ((char **) files), >, index);
  return g_strdup (files[index]);
}

GVariant *
barge_test_job_file_property (BargeTestDaemon *daemon, BargeDBusJob *job, guint index, const char *name)
{
  g_autofree char *path = barge_test_job_file_path (daemon, job, index);

  return barge_test_daemon_get_property (daemon, path, "org.freedesktop.Barge1.File", name);
}

typedef struct {
  BargeDBusJob *job;
  const char * const *states;
} StatesWait;

static gboolean
in_states (gpointer user_data)
{
  StatesWait *w = user_data;
  const char *state = barge_dbus_job_get_state (w->job);

  return state != NULL && g_strv_contains (w->states, state);
}

const char *
barge_test_wait_job_states_at (BargeDBusJob *job, const char * const *states, guint timeout_ms,
                               const char *file, int line, const char *func)
{
  StatesWait w = { job, states };

  if (!barge_test_wait_until (in_states, &w, timeout_ms))
    {
      GVariant *error = barge_dbus_job_get_error (job);
      g_autofree char *error_text = error != NULL ? g_variant_print (error, FALSE) : g_strdup ("none");
      g_autofree char *wanted = g_strjoinv ("|", (char **) states);
      g_autofree char *msg = g_strdup_printf ("job %s: waited %u ms for state %s, it is \"%s\" (Error %s)",
                                              barge_test_job_path (job), timeout_ms, wanted,
                                              barge_dbus_job_get_state (job), error_text);
      g_assertion_message (G_LOG_DOMAIN, file, line, func, msg);
    }
  return barge_dbus_job_get_state (job);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

char *
barge_test_join_sorted (GPtrArray *names)
{
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

char *
barge_test_list_dir (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = g_dir_open (dir, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  return barge_test_join_sorted (names);
}

char *
barge_test_make_dir (const char *tmpl)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  return dir;
}

void
barge_test_clear_dir (char **dir)
{
  barge_test_remove_tree (*dir);
  g_clear_pointer (dir, g_free);
}

struct _BargeTestStateLog
{
  BargeDBusJob *job;
  GPtrArray *states;
  guint cursor;
  const char * const *wanted;   /* during a wait */
};

static void
on_state_notify (GObject *object, GParamSpec *pspec, BargeTestStateLog *log)
{
  g_ptr_array_add (log->states, g_strdup (barge_dbus_job_get_state (log->job)));
}

BargeTestStateLog *
barge_test_state_log_new (BargeDBusJob *job)
{
  BargeTestStateLog *log = g_new0 (BargeTestStateLog, 1);

  log->job = g_object_ref (job);
  log->states = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (log->states, g_strdup (barge_dbus_job_get_state (job)));
  g_signal_connect (job, "notify::state", G_CALLBACK (on_state_notify), log);
  return log;
}

void
barge_test_state_log_free (BargeTestStateLog *log)
{
  if (log == NULL)
    return;
  g_signal_handlers_disconnect_by_data (log->job, log);
  g_object_unref (log->job);
  g_ptr_array_unref (log->states);
  g_free (log);
}

void
barge_test_state_log_mark (BargeTestStateLog *log)
{
  /* What the proxy has not dispatched yet belongs before the mark too:
   * the caller's synchronous calls were answered after those signals. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  log->cursor = log->states->len;
}

static gboolean
log_has_wanted (gpointer user_data)
{
  BargeTestStateLog *log = user_data;

  for (guint i = log->cursor; i < log->states->len; i++)
    if (g_strv_contains (log->wanted, g_ptr_array_index (log->states, i)))
      return TRUE;
  return FALSE;
}

const char *
barge_test_state_log_wait_at (BargeTestStateLog *log, const char * const *states, guint timeout_ms,
                              const char *file, int line, const char *func)
{
  log->wanted = states;
  if (!barge_test_wait_until (log_has_wanted, log, timeout_ms))
    {
      GVariant *error = barge_dbus_job_get_error (log->job);
      g_autofree char *error_text = error != NULL ? g_variant_print (error, FALSE) : g_strdup ("none");
      g_autofree char *wanted = g_strjoinv ("|", (char **) states);
      g_autofree char *msg = g_strdup_printf ("job %s: waited %u ms for state %s, it is \"%s\" (Error %s)",
                                              barge_test_job_path (log->job), timeout_ms, wanted,
                                              barge_dbus_job_get_state (log->job), error_text);
      g_assertion_message (G_LOG_DOMAIN, file, line, func, msg);
    }
  for (guint i = log->cursor; i < log->states->len; i++)
    if (g_strv_contains (states, g_ptr_array_index (log->states, i)))
      {
        log->cursor = i + 1;
        return g_ptr_array_index (log->states, i);
      }
  g_assert_not_reached ();
}
