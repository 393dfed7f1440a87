/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A thread that owns a GMainContext and a GMainLoop, for the test servers:
 * each serves from its own thread so that the test thread may block in
 * synchronous D-Bus calls while the daemon talks to the server.
 *
 * This is the one place where the test thread hands data over to a server
 * thread and back (start returns after SETUP ran, stop joins the thread),
 * so thread-handoff annotations belong here and nowhere else. */

typedef struct _BargeTestLoopThread BargeTestLoopThread;

/* Runs on the server thread with its context pushed as thread default;
 * returns FALSE when the loop should not run at all (setup failed). */
typedef gboolean (*BargeTestLoopSetup) (gpointer user_data);
/* Runs on the server thread once the loop ended, context still pushed. */
typedef void (*BargeTestLoopTeardown) (gpointer user_data);

/* Starts thread NAME, runs SETUP there and returns once it returned: what
 * SETUP wrote is then visible to the caller. Fails the test if SETUP takes
 * more than 10 seconds. */
BargeTestLoopThread *barge_test_loop_thread_start (const char *name, BargeTestLoopSetup setup,
                                                   BargeTestLoopTeardown teardown, gpointer user_data);
/* Quits the loop, lets TEARDOWN run, joins the thread and frees SELF. */
void barge_test_loop_thread_stop (BargeTestLoopThread *self);

/* The thread's context, e.g. to attach a source or invoke a function there. */
GMainContext *barge_test_loop_thread_get_context (BargeTestLoopThread *self);
/* Runs FUNC (DATA) on the thread and waits for it to return: what FUNC
 * wrote is then visible to the caller, and what the caller wrote before
 * was visible to FUNC (ThreadSanitizer is told). */
void barge_test_loop_thread_run (BargeTestLoopThread *self, GFunc func, gpointer data);

G_END_DECLS
