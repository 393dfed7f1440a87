/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The fixture of the suites that talk to the fault server over http and
 * https (test-redirects.c, test-tls.c): the daemon trusts the certificate
 * of the server's TLS listener, and a folder for downloads. Included once
 * per test program. */

#include "barge-fault-server.h"
#include "barge-test-daemon.h"
#include "barge-test-jobs.h"

typedef struct {
  BargeFaultServer *server;
  BargeTestDaemon *daemon;
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *cert = NULL;

  f->server = barge_fault_server_new ();
  cert = barge_fault_server_get_tls_certificate_path (f->server);
  f->daemon = barge_test_daemon_new_trusting ("[Transfer]\nTimeout=2\n", cert);
  f->dir = barge_test_make_dir ("barge-test-https-XXXXXX");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  barge_test_daemon_free (f->daemon);
  barge_fault_server_free (f->server);
  barge_test_clear_dir (&f->dir);
}
