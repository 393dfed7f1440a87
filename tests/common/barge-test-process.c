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

char *
barge_test_find_program (const char *name)
{
  g_autofree char *sbin = g_build_filename ("/usr/sbin", name, NULL);
  char *found = g_find_program_in_path (name);

  if (found == NULL && g_file_test (sbin, G_FILE_TEST_IS_EXECUTABLE))
    found = g_steal_pointer (&sbin);
  return found;
}

GSubprocess *
barge_test_nginx_start (const char *nginx, const char *root, const char *http, guint16 port, guint timeout_ms)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conf = g_build_filename (root, "nginx.conf", NULL);
  g_autofree char *errlog = g_build_filename (root, "error.log", NULL);
  g_autofree char *text = NULL;
  const char *argv[] = { nginx, "-p", root, "-c", conf, "-e", errlog, NULL };

  text = g_strdup_printf ("daemon off;\n"
                          "master_process off;\n"
                          "worker_processes 1;\n"
                          "pid %s/nginx.pid;\n"
                          "error_log %s warn;\n"
                          "events { worker_connections 64; }\n"
                          "http {\n"
                          "  client_body_temp_path %s/tmp-body;\n"
                          "  proxy_temp_path %s/tmp-proxy;\n"
                          "  fastcgi_temp_path %s/tmp-fastcgi;\n"
                          "  uwsgi_temp_path %s/tmp-uwsgi;\n"
                          "  scgi_temp_path %s/tmp-scgi;\n"
                          "  default_type application/octet-stream;\n"
                          "%s"
                          "}\n",
                          root, errlog, root, root, root, root, root, http);
  g_file_set_contents (conf, text, -1, &error);
  g_assert_no_error (error);
  return barge_test_process_start (argv, port, timeout_ms);
}
