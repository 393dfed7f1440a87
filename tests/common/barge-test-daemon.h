/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sys/types.h>
#include <gio/gio.h>

#include "barge-dbus-generated.h"

G_BEGIN_DECLS

#define BARGE_TEST_BUS_NAME "org.freedesktop.Barge1"
#define BARGE_TEST_MANAGER_PATH "/org/freedesktop/Barge1"
#define BARGE_TEST_MANAGER_IFACE "org.freedesktop.Barge1.Manager"
#define BARGE_TEST_JOB_IFACE "org.freedesktop.Barge1.Job"
#define BARGE_TEST_FILE_IFACE "org.freedesktop.Barge1.File"
#define BARGE_TEST_ERROR_PREFIX "org.freedesktop.Barge1.Error."

/* A private bus (GTestDBus) with the real barged on it, started from the
 * path in the BARGED environment variable with its own state folder, so a
 * test can kill it and start it again on the same database.
 *
 * The daemon runs with PR_SET_PDEATHSIG, so it dies with the test process
 * even when an assertion aborts the test before its teardown; GTestDBus
 * does the same for its dbus-daemon. Set BARGE_TEST_VERBOSE=1 to get the
 * daemon's debug log on stderr. The daemon sees no system bus unless the
 * test sets DBUS_SYSTEM_BUS_ADDRESS (tests/daemon/test-sleep.c does, for a
 * mock logind). */

typedef struct _BargeTestDaemon BargeTestDaemon;

/* Brings the bus up and starts the daemon; returns once it owns its name. */
BargeTestDaemon *barge_test_daemon_new (void);
/* The same, with CONFIG as the daemon's barge.conf from the start. */
BargeTestDaemon *barge_test_daemon_new_with_config (const char *config);
/* The same, with more barged options (e.g. --config=FILE) for every start. */
BargeTestDaemon *barge_test_daemon_new_with_args (const char * const *extra_args);
/* Both: CONFIG (or NULL for the defaults) and EXTRA_ARGS (or NULL). */
BargeTestDaemon *barge_test_daemon_new_full (const char *config, const char * const *extra_args);
/* A daemon with CONFIG that trusts the certificate (PEM) at CA_PATH for
 * TLS (barged --test-tls-ca); CA_PATH NULL: the system's trust only. */
BargeTestDaemon *barge_test_daemon_new_trusting (const char *config, const char *ca_path);
/* And ENVIRONMENT (NAME=VALUE strings, or NULL) over the test's own, for
 * every start: for example BARGED_TEST_CLOCK (an injected clock) or TZ. */
BargeTestDaemon *barge_test_daemon_new_with_environment (const char *config, const char * const *extra_args,
                                                         const char * const *environment);
/* Stops the daemon (barge_test_daemon_stop, if running), takes the bus
 * down, removes the state folder. */
void barge_test_daemon_free (BargeTestDaemon *self);

/* From the next start on, barged logs verbosely (debug messages too) to
 * PATH (appended) instead of the test's stderr. */
void barge_test_daemon_set_log_file (BargeTestDaemon *self, const char *path);

/* From the next start on, barged has NAME=VALUE in its environment too. */
void barge_test_daemon_setenv (BargeTestDaemon *self, const char *name, const char *value);
/* Stops barged and has barge-test-preload.c preloaded into it from its
 * next start (after a sanitizer's runtime); FALSE, the test skipped,
 * outside meson test. */
gboolean barge_test_daemon_preload_or_skip (BargeTestDaemon *self);

/* Starts barged and waits (bounded) until it owns org.freedesktop.Barge1. */
void barge_test_daemon_start (BargeTestDaemon *self);
/* SIGTERM and a bounded wait for a clean exit (status 0; fails the test
 * otherwise), then until the name has left the bus. A clean exit is where
 * the sanitizers of the asan test setup report leaks, so every test that
 * frees its daemon checks the daemon's leaks too. */
void barge_test_daemon_stop (BargeTestDaemon *self);
/* SIGKILL (a crash), reap, and wait (bounded) until the name has left the bus. */
void barge_test_daemon_kill (BargeTestDaemon *self);
/* Kill, then start again on the same state folder. */
void barge_test_daemon_restart (BargeTestDaemon *self);

/* Writes the daemon's barge.conf (passed with --config; without this call
 * the file is absent and the built-in defaults apply). Takes effect at the
 * next start, or at once with barge_test_daemon_send_signal (SIGHUP). */
void barge_test_daemon_set_config (BargeTestDaemon *self, const char *contents);
void barge_test_daemon_send_signal (BargeTestDaemon *self, int signum);
/* The process id of the running daemon (for prlimit, say). */
pid_t barge_test_daemon_get_pid (BargeTestDaemon *self);

GDBusConnection *barge_test_daemon_get_connection (BargeTestDaemon *self);
const char *barge_test_daemon_get_state_dir (BargeTestDaemon *self);
/* A proxy for the Manager of the running daemon (renewed by each start). */
BargeDBusManager *barge_test_daemon_get_manager (BargeTestDaemon *self);

/* ListJobs({}): how many jobs the caller sees; asserts success. */
guint barge_test_daemon_count_jobs (BargeTestDaemon *self);
/* CreateJob(display_name, "download", {}); asserts success; returns the path. */
char *barge_test_daemon_create_job (BargeTestDaemon *self, const char *display_name);
BargeDBusJob *barge_test_daemon_get_job (BargeTestDaemon *self, const char *path);
BargeDBusFile *barge_test_daemon_get_file (BargeTestDaemon *self, const char *path);

/* The final state of a Manager.JobRemoved signal received for PATH, or NULL. */
const char *barge_test_daemon_get_removed_state (BargeTestDaemon *self, const char *path);

/* Uncached Properties.Get / Properties.Set on the daemon; assert success. */
GVariant *barge_test_daemon_get_property (BargeTestDaemon *self, const char *path,
                                          const char *iface, const char *name);
void barge_test_daemon_set_property (BargeTestDaemon *self, const char *path,
                                     const char *iface, const char *name, GVariant *value);

/* Removes a folder and everything below it (symlinks are not followed). */
void barge_test_remove_tree (const char *path);

/* --- bounded waiting ------------------------------------------------------
 * Every wait iterates the thread-default main context (where the D-Bus
 * signals of the test's connection are dispatched) under a timeout source,
 * so it ends even when nothing ever arrives. */

typedef gboolean (*BargeTestCondition) (gpointer user_data);

/* Iterates until CONDITION holds or TIMEOUT_MS passed; returns CONDITION. */
gboolean barge_test_wait_until (BargeTestCondition condition, gpointer user_data, guint timeout_ms);
/* Iterates the main context for MS milliseconds. */
void barge_test_run_for (guint ms);

/* Fails the test at the caller's line when CONDITION does not hold in time. */
#define barge_test_assert_wait(condition, user_data, timeout_ms, what)                          \
  G_STMT_START {                                                                                 \
    if (!barge_test_wait_until ((condition), (user_data), (timeout_ms)))                         \
      {                                                                                          \
        g_autofree char *_barge_msg = g_strdup_printf ("timed out after %u ms waiting for %s",   \
                                                       (guint) (timeout_ms), (what));            \
        g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, _barge_msg);            \
      }                                                                                          \
  } G_STMT_END

/* Waits until the job's State is STATE. Fails at once (with the job's Error
 * property in the message) if the job reaches "error" while waiting for
 * another state, instead of running into the timeout. */
void barge_test_wait_job_state_at (BargeDBusJob *job, const char *state, guint timeout_ms,
                                   const char *file, int line, const char *func);
#define barge_test_wait_job_state(job, state, timeout_ms) \
  barge_test_wait_job_state_at ((job), (state), (timeout_ms), __FILE__, __LINE__, G_STRFUNC)

/* Waits until a Manager.JobRemoved for PATH arrived; returns its final state. */
const char *barge_test_daemon_wait_job_removed_at (BargeTestDaemon *self, const char *path, guint timeout_ms,
                                                   const char *file, int line, const char *func);
#define barge_test_daemon_wait_job_removed(self, path, timeout_ms) \
  barge_test_daemon_wait_job_removed_at ((self), (path), (timeout_ms), __FILE__, __LINE__, G_STRFUNC)

/* Asserts that ERROR is the remote D-Bus error NAME. */
#define barge_test_assert_dbus_error(error, name)                                               \
  G_STMT_START {                                                                                 \
    g_autofree char *_barge_remote = NULL;                                                       \
    g_assert_nonnull (error);                                                                    \
    _barge_remote = g_dbus_error_get_remote_error (error);                                       \
    if (g_strcmp0 (_barge_remote, (name)) != 0)                                                  \
      {                                                                                          \
        g_autofree char *_barge_msg = g_strdup_printf ("expected D-Bus error %s, got %s (%s)",   \
                                                       (name), _barge_remote ? _barge_remote     \
                                                       : "a local error", (error)->message);     \
        g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, _barge_msg);            \
      }                                                                                          \
  } G_STMT_END

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargeTestDaemon, barge_test_daemon_free)

G_END_DECLS
