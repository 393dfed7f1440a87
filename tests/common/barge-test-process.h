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
/* @name in PATH, or in /usr/sbin (not in a user's PATH on Debian); NULL
 * when it is not installed. */
char *barge_test_find_program (const char *name);

/* nginx as the tests run it: one process in the foreground (daemon off,
 * master_process off: as the invoking user, so its files need no
 * permissions for "nobody"), every path under @root (its configuration,
 * pid, error log and temporary folders), @http inside the http block (log
 * formats and servers). Started as barge_test_process_start() does,
 * waiting for @port. */
GSubprocess *barge_test_nginx_start (const char *nginx, const char *root, const char *http, guint16 port,
                                     guint timeout_ms);

G_END_DECLS
