/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A server program a test starts itself (nginx, Squid) on 127.0.0.1: it
 * dies with the test (PR_SET_PDEATHSIG), even when an assertion aborts the
 * test before its teardown. Such programs have no readiness signal, so
 * the start waits (bounded by @timeout_ms) until PORT takes a connection;
 * NULL when the program exited first or never listened (a port taken in
 * between: the caller may try another). */
GSubprocess *barge_test_process_start (const char * const *argv, guint16 port, guint timeout_ms);
/* SIGTERM, and a bounded wait for the exit (SIGKILL after @timeout_ms). */
void barge_test_process_stop (GSubprocess *process, guint timeout_ms);

G_END_DECLS
