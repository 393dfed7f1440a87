/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargeTestDaemon"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/prctl.h>

#include "barge-test-daemon.h"
#include "barge-test-name-watch.h"

#define START_TIMEOUT_MS 20000
#define STOP_TIMEOUT_MS 10000
/* A clean exit includes LeakSanitizer's scan of the heap under the asan
 * test setup: seconds, not milliseconds. */
#define EXIT_TIMEOUT_MS 60000

struct _BargeTestDaemon
{
  GTestDBus *bus;
  GDBusConnection *connection;
  char *state_dir;
  char *config_path;         /* in state_dir; absent = the defaults */
  char *barged;
  GSubprocess *process;
  BargeDBusManager *manager;
  BargeTestNameWatch *name_watch;   /* of our bus name */
  guint removed_subscription;
  GHashTable *removed;       /* job path -> final state of JobRemoved */
  GStrv extra_args;          /* given to every start */
  char *log_path;            /* the daemon's verbose log goes here, else to our stderr */
  GStrv environment;         /* NAME=VALUE set for every start, over the test's own */
};

/* --- waiting -------------------------------------------------------------- */

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
barge_test_wait_until (BargeTestCondition condition, gpointer user_data, guint timeout_ms)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  gboolean timed_out = FALSE;
  gboolean done;
  GSource *timeout;

  if (condition (user_data))
    return TRUE;
  timeout = g_timeout_source_new (timeout_ms);
  g_source_set_callback (timeout, set_flag_cb, &timed_out, NULL);
  g_source_attach (timeout, context);
  /* The timeout source wakes the blocking iteration up, so this ends. */
  while (!timed_out && !(done = condition (user_data)))
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);
  /* A condition may take what it found (e.g. a request): call it again
   * only when it has not said yes. */
  return done || condition (user_data);
}

static gboolean
never (gpointer user_data)
{
  return FALSE;
}

void
barge_test_run_for (guint ms)
{
  barge_test_wait_until (never, NULL, ms);
}

/* --- files ---------------------------------------------------------------- */

static int
remove_entry (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  if (remove (path) != 0)
    g_printerr ("# cannot remove %s: %s\n", path, g_strerror (errno));
  return 0;
}

void
barge_test_remove_tree (const char *path)
{
  if (path != NULL && g_file_test (path, G_FILE_TEST_EXISTS))
    nftw (path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* --- the daemon process ---------------------------------------------------- */

/* GTestDBus's watcher process (it kills the bus daemons once the test
 * process is gone) learns of the test's death when its pipe closes; that
 * pipe is inheritable, so every dbus-daemon started after it kept it open,
 * and a test that aborted after its first case left the watcher and those
 * daemons running forever, holding the test's output pipe (meson then
 * waited for the timeout). Marking our descriptors close-on-exec before
 * each start keeps them out of the children. */
static void
mark_fds_cloexec (void)
{
  DIR *dir = opendir ("/proc/self/fd");
  struct dirent *entry;

  if (dir == NULL)
    return;
  while ((entry = readdir (dir)) != NULL)
    {
      int fd = atoi (entry->d_name);

      if (fd > 2 && fd != dirfd (dir))
        fcntl (fd, F_SETFD, fcntl (fd, F_GETFD) | FD_CLOEXEC);
    }
  closedir (dir);
}

static void
child_setup (gpointer user_data)
{
  /* Runs in the child between fork and exec: if the test process dies
   * (an assertion aborts it before teardown), the daemon dies too. The
   * parent thread is the test's main thread, which lives as long as the
   * process. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
on_process_exited (GObject *source, GAsyncResult *res, gpointer user_data)
{
  /* Touches only the process, which this callback holds a reference to:
   * it may run after the fixture is gone. */
  g_subprocess_wait_finish (G_SUBPROCESS (source), res, NULL);
  g_object_set_data (source, "barge-test-exited", GINT_TO_POINTER (TRUE));
  g_object_unref (user_data);
}

static gboolean
process_exited (GSubprocess *process)
{
  return g_object_get_data (G_OBJECT (process), "barge-test-exited") != NULL;
}

static void
on_job_removed (GDBusConnection *connection, const char *sender, const char *path,
                const char *iface, const char *member, GVariant *parameters, gpointer user_data)
{
  BargeTestDaemon *self = user_data;
  const char *job, *state;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(os)")))
    return;
  g_variant_get (parameters, "(&o&s)", &job, &state);
  g_hash_table_replace (self->removed, g_strdup (job), g_strdup (state));
}

static gboolean
daemon_up_or_dead (gpointer user_data)
{
  BargeTestDaemon *self = user_data;

  return barge_test_name_watch_owned (self->name_watch) || process_exited (self->process);
}

static gboolean
name_gone (gpointer user_data)
{
  BargeTestDaemon *self = user_data;

  return barge_test_name_watch_unowned (self->name_watch);
}

void
barge_test_daemon_set_log_file (BargeTestDaemon *self, const char *path)
{
  g_free (self->log_path);
  self->log_path = g_strdup (path);
}

void
barge_test_daemon_setenv (BargeTestDaemon *self, const char *name, const char *value)
{
  self->environment = g_environ_setenv (self->environment, name, value, TRUE);
}

gboolean
barge_test_daemon_preload_or_skip (BargeTestDaemon *self)
{
  const char *shim = g_getenv ("BARGE_TEST_PRELOAD");
  const char *runtime = g_getenv ("BARGE_ASAN_RUNTIME") != NULL ? g_getenv ("BARGE_ASAN_RUNTIME")
                                                                 : g_getenv ("BARGE_TSAN_RUNTIME");
  g_autofree char *preload = NULL;

  if (shim == NULL)
    {
      g_test_skip ("BARGE_TEST_PRELOAD is not set (meson test sets it)");
      return FALSE;
    }
  /* A sanitizer's runtime must come first in a process it instruments. */
  preload = runtime != NULL ? g_strdup_printf ("%s:%s", runtime, shim) : g_strdup (shim);
  barge_test_daemon_stop (self);
  barge_test_daemon_setenv (self, "LD_PRELOAD", preload);
  return TRUE;
}

void
barge_test_daemon_start (BargeTestDaemon *self)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  g_assert_null (self->process);
  g_ptr_array_add (argv, g_strdup (self->barged));
  g_ptr_array_add (argv, g_strdup_printf ("--address=%s", g_test_dbus_get_bus_address (self->bus)));
  g_ptr_array_add (argv, g_strdup_printf ("--state-dir=%s", self->state_dir));
  g_ptr_array_add (argv, g_strdup ("--idle-timeout=0"));
  /* Never the installed barge.conf: a test's own, or none (the defaults). */
  g_ptr_array_add (argv, g_strdup_printf ("--config=%s", self->config_path));
  if (g_strcmp0 (g_getenv ("BARGE_TEST_VERBOSE"), "1") == 0 || self->log_path != NULL)
    g_ptr_array_add (argv, g_strdup ("--verbose"));
  for (guint i = 0; self->extra_args != NULL && self->extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (self->extra_args[i]));
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  /* GLib logs debug and info messages to stdout, which is the TAP stream
   * here: send the daemon's stdout to our stderr instead. */
  if (self->log_path != NULL)
    {
      int fd = open (self->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

      g_assert_cmpint (fd, >=, 0);
      g_subprocess_launcher_take_stdout_fd (launcher, fd);
      g_subprocess_launcher_take_stderr_fd (launcher, dup (fd));
    }
  else
    g_subprocess_launcher_take_stdout_fd (launcher, dup (STDERR_FILENO));
  /* Never the machine's system bus (its logind would get our sleep
   * inhibitors, its NetworkManager would speak for the network): a test
   * that wants one sets DBUS_SYSTEM_BUS_ADDRESS to a bus of its own. */
  if (g_getenv ("DBUS_SYSTEM_BUS_ADDRESS") == NULL)
    {
      g_autofree char *none = g_strdup_printf ("unix:path=%s/no-system-bus", self->state_dir);

      g_subprocess_launcher_setenv (launcher, "DBUS_SYSTEM_BUS_ADDRESS", none, TRUE);
    }
  /* A critical in the daemon is a bug: make it visible as a crash. */
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "gc-friendly,fatal-criticals", TRUE);
  for (guint i = 0; self->environment != NULL && self->environment[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (self->environment[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, pair[0], pair[1] != NULL ? pair[1] : "", TRUE);
    }

  mark_fds_cloexec ();
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (self->process, NULL, on_process_exited, g_object_ref (self->process));

  if (!barge_test_wait_until (daemon_up_or_dead, self, START_TIMEOUT_MS) || !barge_test_name_watch_owned (self->name_watch))
    {
      g_autofree char *msg = g_strdup_printf ("barged (%s) %s before taking %s", self->barged,
                                              process_exited (self->process) ? "exited" : "timed out",
                                              BARGE_TEST_BUS_NAME);
      g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, msg);
    }

  g_clear_object (&self->manager);
  self->manager = barge_dbus_manager_proxy_new_sync (self->connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                                     BARGE_TEST_BUS_NAME, BARGE_TEST_MANAGER_PATH, NULL, &error);
  g_assert_no_error (error);
}

void
barge_test_daemon_kill (BargeTestDaemon *self)
{
  g_autoptr(GError) error = NULL;

  if (self->process == NULL)
    return;
  g_subprocess_send_signal (self->process, SIGKILL);
  /* SIGKILL cannot be caught, so this returns promptly. */
  g_subprocess_wait (self->process, NULL, &error);
  g_assert_no_error (error);
  /* Anything but our SIGKILL means the daemon died on its own during the
   * test (a crash, or a fatal critical): that is a failure too. */
  if (!g_subprocess_get_if_signaled (self->process) || g_subprocess_get_term_sig (self->process) != SIGKILL)
    {
      g_autofree char *msg = NULL;

      if (g_subprocess_get_if_signaled (self->process))
        msg = g_strdup_printf ("barged died of signal %d during the test",
                               g_subprocess_get_term_sig (self->process));
      else
        msg = g_strdup_printf ("barged exited with status %d during the test",
                               g_subprocess_get_exit_status (self->process));
      g_clear_object (&self->process);
      g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, msg);
    }
  g_clear_object (&self->process);
  g_clear_object (&self->manager);
  /* The bus notices the closed socket asynchronously; a new daemon must not
   * find the name still taken. */
  barge_test_assert_wait (name_gone, self, STOP_TIMEOUT_MS, "the daemon's name to leave the bus");
}

static gboolean
process_exited_cb (gpointer user_data)
{
  return process_exited (user_data);
}

void
barge_test_daemon_stop (BargeTestDaemon *self)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *msg = NULL;

  if (self->process == NULL)
    return;
  /* Gone before we asked: barge_test_daemon_kill says how, as a failure. */
  if (process_exited (self->process))
    {
      barge_test_daemon_kill (self);
      return;
    }
  process = g_steal_pointer (&self->process);
  g_clear_object (&self->manager);
  g_subprocess_send_signal (process, SIGTERM);
  if (!barge_test_wait_until (process_exited_cb, process, EXIT_TIMEOUT_MS))
    {
      g_subprocess_force_exit (process);
      g_subprocess_wait (process, NULL, NULL);
      msg = g_strdup_printf ("barged did not exit within %u ms of SIGTERM", EXIT_TIMEOUT_MS);
    }
  else if (g_subprocess_get_if_signaled (process))
    msg = g_strdup_printf ("barged died of signal %d after SIGTERM", g_subprocess_get_term_sig (process));
  /* AddressSanitizer, LeakSanitizer and UBSan (halt_on_error) exit with a
   * status after their report, which went to our stderr. */
  else if (g_subprocess_get_exit_status (process) != 0)
    msg = g_strdup_printf ("barged exited with status %d after SIGTERM (a sanitizer report, if any, "
                           "is in the test's stderr)", g_subprocess_get_exit_status (process));
  if (msg != NULL)
    g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, msg);
  barge_test_assert_wait (name_gone, self, STOP_TIMEOUT_MS, "the daemon's name to leave the bus");
}

void
barge_test_daemon_restart (BargeTestDaemon *self)
{
  barge_test_daemon_kill (self);
  barge_test_daemon_start (self);
}

BargeTestDaemon *
barge_test_daemon_new_trusting (const char *config, const char *ca_path)
{
  g_autofree char *ca_arg = ca_path != NULL ? g_strdup_printf ("--test-tls-ca=%s", ca_path) : NULL;
  const char *args[] = { ca_arg, NULL };

  return barge_test_daemon_new_full (config, args);
}

BargeTestDaemon *
barge_test_daemon_new (void)
{
  return barge_test_daemon_new_full (NULL, NULL);
}

BargeTestDaemon *
barge_test_daemon_new_with_config (const char *config)
{
  return barge_test_daemon_new_full (config, NULL);
}

BargeTestDaemon *
barge_test_daemon_new_with_args (const char * const *extra_args)
{
  return barge_test_daemon_new_full (NULL, extra_args);
}

BargeTestDaemon *
barge_test_daemon_new_full (const char *config, const char * const *extra_args)
{
  return barge_test_daemon_new_with_environment (config, extra_args, NULL);
}

BargeTestDaemon *
barge_test_daemon_new_with_environment (const char *config, const char * const *extra_args,
                                        const char * const *environment)
{
  BargeTestDaemon *self = g_new0 (BargeTestDaemon, 1);
  g_autoptr(GError) error = NULL;
  const char *barged = g_getenv ("BARGED");

  if (barged == NULL || !g_file_test (barged, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_autofree char *msg = g_strdup_printf ("BARGED must name the barged executable (it is %s)",
                                              barged ? barged : "unset");
      g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, msg);
    }
  self->barged = g_strdup (barged);
  self->extra_args = g_strdupv ((GStrv) extra_args);
  self->environment = g_strdupv ((GStrv) environment);
  self->removed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->state_dir = g_dir_make_tmp ("barge-test-state-XXXXXX", &error);
  g_assert_no_error (error);
  self->config_path = g_build_filename (self->state_dir, "barge.conf", NULL);

  self->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  mark_fds_cloexec ();
  g_test_dbus_up (self->bus);
  self->connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (self->bus),
                                                             G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                             G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                             NULL, NULL, &error);
  g_assert_no_error (error);

  self->name_watch = barge_test_name_watch_new (self->connection, BARGE_TEST_BUS_NAME);
  self->removed_subscription =
    g_dbus_connection_signal_subscribe (self->connection, BARGE_TEST_BUS_NAME, BARGE_TEST_MANAGER_IFACE,
                                        "JobRemoved", BARGE_TEST_MANAGER_PATH, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, on_job_removed, self, NULL);
  if (config != NULL)
    barge_test_daemon_set_config (self, config);
  barge_test_daemon_start (self);
  return self;
}

void
barge_test_daemon_free (BargeTestDaemon *self)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  if (self == NULL)
    return;
  barge_test_daemon_stop (self);
  g_clear_pointer (&self->name_watch, barge_test_name_watch_free);
  g_dbus_connection_signal_unsubscribe (self->connection, self->removed_subscription);
  g_dbus_connection_close_sync (self->connection, NULL, NULL);
  g_clear_object (&self->connection);
  /* Drop what the closed connection still queued for us. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_test_dbus_down (self->bus);
  g_clear_object (&self->bus);
  barge_test_remove_tree (self->state_dir);
  g_free (self->state_dir);
  g_free (self->config_path);
  g_free (self->log_path);
  g_free (self->barged);
  g_strfreev (self->extra_args);
  g_strfreev (self->environment);
  g_hash_table_unref (self->removed);
  g_free (self);
}

void
barge_test_daemon_set_config (BargeTestDaemon *self, const char *contents)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (self->config_path, contents, -1, &error);
  g_assert_no_error (error);
}

void
barge_test_daemon_send_signal (BargeTestDaemon *self, int signum)
{
  g_assert_nonnull (self->process);
  g_subprocess_send_signal (self->process, signum);
}

pid_t
barge_test_daemon_get_pid (BargeTestDaemon *self)
{
  const char *id;

  g_assert_nonnull (self->process);
  id = g_subprocess_get_identifier (self->process);
  g_assert_nonnull (id);
  return (pid_t) g_ascii_strtoll (id, NULL, 10);
}

GDBusConnection *
barge_test_daemon_get_connection (BargeTestDaemon *self)
{
  return self->connection;
}

const char *
barge_test_daemon_get_state_dir (BargeTestDaemon *self)
{
  return self->state_dir;
}

BargeDBusManager *
barge_test_daemon_get_manager (BargeTestDaemon *self)
{
  g_assert_nonnull (self->manager);
  return self->manager;
}

/* --- jobs ----------------------------------------------------------------- */

char *
barge_test_daemon_create_job (BargeTestDaemon *self, const char *display_name)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;

  barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (self), display_name, "download",
                                           g_variant_new ("a{sv}", NULL), &path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (path, BARGE_TEST_MANAGER_PATH "/jobs/"));
  return path;
}

BargeDBusJob *
barge_test_daemon_get_job (BargeTestDaemon *self, const char *path)
{
  g_autoptr(GError) error = NULL;
  BargeDBusJob *job = barge_dbus_job_proxy_new_sync (self->connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                                     BARGE_TEST_BUS_NAME, path, NULL, &error);

  g_assert_no_error (error);
  /* A proxy for a path nobody serves loads no properties. */
  g_assert_nonnull (barge_dbus_job_get_state (job));
  return job;
}

BargeDBusFile *
barge_test_daemon_get_file (BargeTestDaemon *self, const char *path)
{
  g_autoptr(GError) error = NULL;
  BargeDBusFile *file = barge_dbus_file_proxy_new_sync (self->connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                                        BARGE_TEST_BUS_NAME, path, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (barge_dbus_file_get_local_path (file));
  return file;
}

guint
barge_test_daemon_count_jobs (BargeTestDaemon *self)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) jobs = NULL;

  barge_dbus_manager_call_list_jobs_sync (self->manager, g_variant_new ("a{sv}", NULL), &jobs, NULL, &error);
  g_assert_no_error (error);
  return g_strv_length (jobs);
}

const char *
barge_test_daemon_get_removed_state (BargeTestDaemon *self, const char *path)
{
  return g_hash_table_lookup (self->removed, path);
}

typedef struct {
  BargeTestDaemon *self;
  const char *path;
} RemovedWait;

static gboolean
job_removed (gpointer user_data)
{
  RemovedWait *w = user_data;

  return barge_test_daemon_get_removed_state (w->self, w->path) != NULL;
}

const char *
barge_test_daemon_wait_job_removed_at (BargeTestDaemon *self, const char *path, guint timeout_ms,
                                       const char *file, int line, const char *func)
{
  RemovedWait w = { self, path };

  if (!barge_test_wait_until (job_removed, &w, timeout_ms))
    {
      g_autofree char *msg = g_strdup_printf ("no JobRemoved for %s within %u ms", path, timeout_ms);
      g_assertion_message (G_LOG_DOMAIN, file, line, func, msg);
    }
  return barge_test_daemon_get_removed_state (self, path);
}

GVariant *
barge_test_daemon_get_property (BargeTestDaemon *self, const char *path, const char *iface, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  GVariant *value = NULL;

  reply = g_dbus_connection_call_sync (self->connection, BARGE_TEST_BUS_NAME, path,
                                       "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", iface, name), G_VARIANT_TYPE ("(v)"),
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &value);
  return value;
}

void
barge_test_daemon_set_property (BargeTestDaemon *self, const char *path, const char *iface,
                                const char *name, GVariant *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_sync (self->connection, BARGE_TEST_BUS_NAME, path,
                                       "org.freedesktop.DBus.Properties", "Set",
                                       g_variant_new ("(ssv)", iface, name, value), NULL,
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000, NULL, &error);
  g_assert_no_error (error);
}

typedef struct {
  BargeDBusJob *job;
  const char *state;
} StateWait;

static gboolean
state_reached_or_failed (gpointer user_data)
{
  StateWait *w = user_data;
  const char *state = barge_dbus_job_get_state (w->job);

  return g_strcmp0 (state, w->state) == 0 || g_strcmp0 (state, "error") == 0;
}

void
barge_test_wait_job_state_at (BargeDBusJob *job, const char *state, guint timeout_ms,
                              const char *file, int line, const char *func)
{
  StateWait w = { job, state };
  const char *now;

  barge_test_wait_until (state_reached_or_failed, &w, timeout_ms);
  now = barge_dbus_job_get_state (job);
  if (g_strcmp0 (now, state) != 0)
    {
      GVariant *error = barge_dbus_job_get_error (job);
      g_autofree char *error_text = error != NULL ? g_variant_print (error, FALSE) : g_strdup ("none");
      g_autofree char *msg = g_strdup_printf ("job %s: waited %u ms for state \"%s\", it is \"%s\" (Error %s)",
                                              g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)), timeout_ms,
                                              state, now ? now : "(unknown)", error_text);
      g_assertion_message (G_LOG_DOMAIN, file, line, func, msg);
    }
}
