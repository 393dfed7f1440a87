/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "barge-test-daemon.h"

G_BEGIN_DECLS

/* Small job and fixture helpers shared by the daemon, upload and nginx suites.
 * Each asserts success of the D-Bus calls it makes. */

#define BARGE_TEST_KiB ((guint64) 1024)
#define BARGE_TEST_MiB (1024 * BARGE_TEST_KiB)
/* The short names every suite writes sizes with. */
#define KiB BARGE_TEST_KiB
#define MiB BARGE_TEST_MiB
/* A wait for what needs no transfer: generous, as a suite may share two
 * CPUs with other suites. */
#define SHORT_TIMEOUT_MS 10000

/* Registers FUNC at PATH with the suite's Fixture, fixture_setup and
 * fixture_teardown (each suite has its own, under these names). */
#define BARGE_TEST_ADD(path, func) \
  g_test_add ((path), Fixture, NULL, fixture_setup, (func), fixture_teardown)

char *barge_test_file_sha256 (const char *path);
/* Asserts PATH holds exactly the content of NAME of SIZE bytes. */
void barge_test_assert_file_content (const char *path, const char *name, guint64 size);
/* Asserts that the first bytes of PATH (if it exists) are a prefix of
 * NAME's content: a partial file may be short, never wrong. */
void barge_test_assert_prefix_of (const char *path, const char *name);

const char *barge_test_job_path (BargeDBusJob *job);
void barge_test_job_add_file (BargeDBusJob *job, const char *url, const char *local_path);
void barge_test_job_resume (BargeDBusJob *job);
/* Bytes the job moved so far, fresh from GetProgress (the Progress
 * property is coalesced). */
guint64 barge_test_job_bytes_done (BargeDBusJob *job);
/* For barge_test_assert_wait: the job (a BargeDBusJob) has 256 KiB in. */
gboolean barge_test_job_has_some_bytes (gpointer job);
/* Fails the test unless the job has moved BYTES within TIMEOUT_MS. */
void barge_test_job_wait_bytes (BargeDBusJob *job, guint64 bytes, guint timeout_ms);
/* A of a Range header "bytes=A-" or "bytes=A-B"; 0 for none (NULL). */
guint64 barge_test_range_start (const char *range);
void barge_test_job_cancel (BargeDBusJob *job);
/* The job's Error names @expected (the full D-Bus name) and its message
 * holds @in_message (unless NULL); both are shown with g_test_message(). */
void barge_test_assert_job_error (BargeDBusJob *job, const char *expected, const char *in_message);
void barge_test_job_complete (BargeDBusJob *job);
/* The object path of file INDEX, asked for (not from the proxy's cache). */
char *barge_test_job_file_path (BargeTestDaemon *daemon, BargeDBusJob *job, guint index);
/* Property NAME of the job's file INDEX (org.freedesktop.Barge1.File), read now. */
GVariant *barge_test_job_file_property (BargeTestDaemon *daemon, BargeDBusJob *job, guint index, const char *name);
/* Waits until State is one of STATES (NULL-terminated); returns the state
 * reached or fails the test with the job's Error in the message. */
const char *barge_test_wait_job_states_at (BargeDBusJob *job, const char * const *states, guint timeout_ms,
                                           const char *file, int line, const char *func);
#define barge_test_wait_job_states(job, states, timeout_ms) \
  barge_test_wait_job_states_at ((job), (states), (timeout_ms), __FILE__, __LINE__, G_STRFUNC)

/* The names in DIR, sorted, joined by spaces: easy to compare and to read
 * in a failure message. */
char *barge_test_list_dir (const char *dir);
/* Sorts NAMES (strings), ends it with NULL and joins them as
 * barge_test_list_dir() does, to say what a folder should hold. */
char *barge_test_join_sorted (GPtrArray *names);

/* A new empty folder for a test's files (TMPL as for g_dir_make_tmp()). */
char *barge_test_make_dir (const char *tmpl);
/* Removes *DIR with what it holds and frees the name; NULL does nothing. */
void barge_test_clear_dir (char **dir);

G_END_DECLS

G_BEGIN_DECLS

/* Every State a job proxy went through, in order, so that a test can wait
 * for a state reached after some point even when the proxy's cache still
 * shows that state from before. */
typedef struct _BargeTestStateLog BargeTestStateLog;

BargeTestStateLog *barge_test_state_log_new (BargeDBusJob *job);
void barge_test_state_log_free (BargeTestStateLog *log);
/* Forget everything seen so far (call before Resume). */
void barge_test_state_log_mark (BargeTestStateLog *log);
/* Waits for the next state (after the mark) that is one of STATES;
 * returns it (consumed) or fails the test. */
const char *barge_test_state_log_wait_at (BargeTestStateLog *log, const char * const *states, guint timeout_ms,
                                          const char *file, int line, const char *func);
#define barge_test_state_log_wait(log, states, timeout_ms) \
  barge_test_state_log_wait_at ((log), (states), (timeout_ms), __FILE__, __LINE__, G_STRFUNC)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargeTestStateLog, barge_test_state_log_free)

G_END_DECLS
