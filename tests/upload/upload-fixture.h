/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "barge-test-bits-server.h"
#include "barge-test-daemon.h"
#include "barge-test-jobs.h"
#include "barge-test-server.h"
#include "upload-peers.h"

G_BEGIN_DECLS

/* Generous: the suite may share two CPUs with other suites. */
#define TRANSFER_TIMEOUT_MS 60000

/* Every test: a private bus with barged, the in-tree BITS server, a folder. */
typedef struct {
  BargeTestBitsServer *bits;
  BargeTestDaemon *daemon;
  char *dir;
} Fixture;

void fixture_setup (Fixture *f, gconstpointer data);
void fixture_teardown (Fixture *f, gconstpointer data);

#define UPLOAD_TEST_ADD(name, func) g_test_add ((name), Fixture, NULL, fixture_setup, (func), fixture_teardown)
#define UPLOAD_TEST_ADD_DATA(name, data, func) \
  g_test_add ((name), Fixture, (data), fixture_setup, (func), fixture_teardown)

/* Writes SIZE bytes of the deterministic content NAME into the test folder. */
char *make_source (Fixture *f, const char *name, guint64 size);
/* CreateJob(TYPE) with upload-protocol PROTOCOL (none if NULL). */
char *create_upload_job (Fixture *f, const char *type, const char *protocol, GError **error);
/* A job for URL and SOURCE with a 5 s retry delay, resumed if RESUME. */
BargeDBusJob *start_upload (Fixture *f, const char *type, const char *protocol, const char *url,
                            const char *source, gboolean resume);
/* GetReplyData, raw: the generated proxy would treat "ay" as a string. */
GVariant *get_reply_data (Fixture *f, BargeDBusJob *job, GError **error);
void get_progress (BargeDBusJob *job, guint64 *total, guint64 *done);
void complete_job (BargeDBusJob *job);

/* Progress (from PropertiesChanged) reached AT_LEAST acknowledged bytes. */
typedef struct {
  BargeDBusJob *job;
  guint64 at_least;
} DoneWait;
gboolean done_reached (gpointer user_data);
/* Waits until JOB's Progress shows AT_LEAST acknowledged bytes, or fails
 * at the caller's line with WHAT (a macro for that line). */
#define wait_acknowledged(job, at_least, timeout_ms, what)                  \
  G_STMT_START {                                                          \
    DoneWait _w = { (job), (at_least) };                                  \
    barge_test_assert_wait (done_reached, &_w, (timeout_ms), (what));     \
  } G_STMT_END

/* For what happens on a server thread or in another process: nothing
 * wakes the test's main context then, so look every 50 ms (bounded). */
gboolean poll_until (BargeTestCondition condition, gpointer user_data, guint timeout_ms);
void assert_job_error (BargeDBusJob *job, const char *context, const char *name, const char *in_message);
/* DATA is SIZE bytes of the deterministic content NAME. */
void check_reply (const guint8 *data, gsize len, const char *name, gsize size);
char *path_sha256 (const char *path);

void upload_add_bits_tests (void);
void upload_add_peer_tests (void);
void upload_add_cli_tests (void);

G_END_DECLS
