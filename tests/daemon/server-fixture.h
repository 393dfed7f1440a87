/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The fixture of the suites that download from the loopback test server
 * (barge-test-server.h: test-segments.c, test-verify.c, test-ranges.c):
 * a daemon started with SERVER_FIXTURE_CONFIG as its barge.conf (define
 * it before including this), the server, and a folder for downloads.
 * Included once per test program. */

#include "barge-test-daemon.h"
#include "barge-test-jobs.h"
#include "barge-test-server.h"

typedef struct {
  BargeTestDaemon *daemon;
  BargeTestServer *server;
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->daemon = barge_test_daemon_new_with_config (SERVER_FIXTURE_CONFIG);
  f->server = barge_test_server_new ();
  f->dir = barge_test_make_dir ("barge-test-dl-XXXXXX");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  barge_test_daemon_free (f->daemon);
  barge_test_server_free (f->server);
  barge_test_clear_dir (&f->dir);
}
