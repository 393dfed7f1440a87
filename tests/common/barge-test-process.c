/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <signal.h>
#include <sys/prctl.h>

#include "barge-test-daemon.h"
#include "barge-test-process.h"

static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gboolean
try_connect (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  return connection != NULL;
}

static void
on_exited (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), res, NULL);
  g_object_set_data (source, "barge-exited", GINT_TO_POINTER (TRUE));
  g_object_unref (source);
}

static gboolean
exited (GSubprocess *process)
{
  return g_object_get_data (G_OBJECT (process), "barge-exited") != NULL;
}

GSubprocess *
barge_test_process_start (const char * const *argv, guint16 port, guint timeout_ms)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (process, NULL, on_exited, g_object_ref (process));
  while (g_get_monotonic_time () < deadline)
    {
      barge_test_run_for (50);
      if (exited (process))
        return NULL;
      if (try_connect (port))
        return g_steal_pointer (&process);
    }
  g_subprocess_force_exit (process);
  return NULL;
}

void
barge_test_process_stop (GSubprocess *process, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  if (process == NULL || exited (process))
    return;
  g_subprocess_send_signal (process, SIGTERM);
  while (!exited (process) && g_get_monotonic_time () < deadline)
    barge_test_run_for (50);
  if (!exited (process))
    g_subprocess_force_exit (process);
  /* A SIGKILLed process is reaped at once; still, bounded. */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!exited (process) && g_get_monotonic_time () < deadline)
    barge_test_run_for (50);
}
