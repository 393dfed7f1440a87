/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barged"

#include "config.h"

#include <locale.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "barge.h"
#include "barged-config.h"
#include "barged-catalog.h"
#include "barged-daemon.h"
#include "barged-request.h"

#define BARGE_BUS_NAME "org.freedesktop.Barge1"

typedef struct {
  GMainLoop *loop;
  BargedDaemon *daemon;
  GDBusConnection *connection;
  gboolean name_acquired;
  int exit_code;
  BargedConfig *config;
  const char *config_path;
  int idle_timeout_override;  /* --idle-timeout, or -1 */
} Main;

/* SIGHUP: read barge.conf again. A file that does not load keeps the
 * configuration in force, so a typo cannot take the service down. */
static gboolean
on_reload_signal (gpointer user_data)
{
  Main *m = user_data;
  g_autoptr(GError) error = NULL;
  BargedSettings settings;

  barged_settings_init_defaults (&settings);
  if (!barged_settings_load (&settings, m->config_path, &error))
    {
      g_warning ("%s; keeping the previous configuration", error->message);
      return G_SOURCE_CONTINUE;
    }
  if (m->idle_timeout_override >= 0)
    settings.idle_timeout = (guint) m->idle_timeout_override;
  barged_config_set_settings (m->config, &settings);
  g_info ("configuration reloaded from %s", m->config_path);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_quit_signal (gpointer user_data)
{
  Main *m = user_data;

  g_info ("signal received: exiting");
  g_main_loop_quit (m->loop);
  return G_SOURCE_CONTINUE;
}

static void
on_idle (BargedDaemon *daemon, Main *m)
{
  g_main_loop_quit (m->loop);
}

static void
on_name_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  Main *m = user_data;

  m->name_acquired = TRUE;
  g_info ("owning %s", name);
}

static void
on_name_lost (GDBusConnection *connection, const char *name, gpointer user_data)
{
  Main *m = user_data;

  if (connection == NULL)
    g_warning ("the bus connection closed");
  else if (!m->name_acquired)
    g_warning ("cannot own %s: is another barged running?", name);
  else
    g_warning ("lost %s to another process", name);
  m->exit_code = m->name_acquired ? EXIT_SUCCESS : EXIT_FAILURE;
  g_main_loop_quit (m->loop);
}

static char *
default_state_dir (gboolean system_bus)
{
  if (system_bus)
    return g_build_filename (LOCALSTATEDIR, "lib", "barge", NULL);
  return g_build_filename (g_get_user_state_dir (), "barge", NULL);
}

int
main (int argc, char **argv)
{
  gboolean opt_session = FALSE, opt_system = FALSE, opt_verbose = FALSE, opt_replace = FALSE;
  g_autofree char *opt_address = NULL;
  g_autofree char *opt_state_dir = NULL;
  g_autofree char *opt_config = NULL;
  int opt_idle_timeout = -1;
  g_autofree char *opt_test_network = NULL;
  g_autofree char *opt_test_tls_ca = NULL;
  const GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_NONE, &opt_session, N_("Serve the session bus (the default)"), NULL },
    { "system", 0, 0, G_OPTION_ARG_NONE, &opt_system, N_("Serve the system bus, for every user"), NULL },
    { "address", 0, 0, G_OPTION_ARG_STRING, &opt_address, N_("Serve the message bus at ADDRESS"), N_("ADDRESS") },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_state_dir, N_("Keep the job database in DIR"), N_("DIR") },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &opt_config,
      N_("Read the configuration from FILE instead of barge/barge.conf in the system configuration folder"), N_("FILE") },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &opt_idle_timeout,
      N_("Exit after SECONDS without an active job or a call (0: never; overrides barge.conf)"), N_("SECONDS") },
    { "replace", 0, 0, G_OPTION_ARG_NONE, &opt_replace, N_("Replace a running barged"), NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose, N_("Log debug messages"), NULL },
    /* Tests only: the network state from a watched key file instead of
     * GNetworkMonitor (see barged-network.h). Hidden from --help. */
    { "test-network-state", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &opt_test_network, NULL, NULL },
    /* Tests only: trust the CA certificates in FILE instead of the system's
     * (the HTTPS tests' private CA). Hidden from --help. */
    { "test-tls-ca", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &opt_test_tls_ca, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *state_dir = NULL;
  g_autofree char *config_path = NULL;
  BargedSettings settings;
  BargedDaemonOptions options = { 0 };
  Main m = { 0 };
  guint owner_id;

  /* A fixed threshold: blocks of 1 MiB or more (a ListJobs reply or a
   * GetAll of a job of many files) are mapped and unmapped. glibc's default
   * raises the threshold after the first such free and then keeps what was
   * freed in the heap for good. */
#ifdef M_MMAP_THRESHOLD
  mallopt (M_MMAP_THRESHOLD, 1024 * 1024);
#endif
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, barged_catalog_get_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* libsoup's NTLM would first run Samba's ntlm_auth for single sign-on as
   * this process's user (root, on the system bus) and answer with that
   * identity instead of the job's credentials; an empty
   * SOUP_NTLM_AUTH_DEBUG turns it off. Set before any thread starts
   * (setenv is not thread-safe); barged_ntlm_add_to_session checks it. */
  g_setenv ("SOUP_NTLM_AUTH_DEBUG", "", TRUE);
  /* HTTP/2 only with a libsoup that streams it in bounded memory. */
  barged_request_init ();
  /* A write past the file size limit (RLIMIT_FSIZE, as a unit's
   * LimitFSIZE= or a shell's ulimit -f sets it) would kill the daemon,
   * and every start would resume the file and die again: ignored, the
   * write fails with EFBIG and the file gets a typed error instead. */
  signal (SIGXFSZ, SIG_IGN);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Barge background transfer service"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("barged: %s\n", error->message);
      return 2;
    }
  if (opt_session + opt_system > 1 || (opt_system && opt_address != NULL) || opt_idle_timeout < -1)
    {
      g_printerr ("barged: %s\n", _("choose one of --session, --system or --address, and a non-negative --idle-timeout"));
      return 2;
    }
  barged_settings_init_defaults (&settings);
  config_path = opt_config != NULL ? g_strdup (opt_config)
                                   : g_build_filename (SYSCONFDIR, "barge", "barge.conf", NULL);
  if (!barged_settings_load (&settings, config_path, &error))
    {
      g_printerr ("barged: %s\n", error->message);
      return 2;
    }
  if (opt_idle_timeout >= 0)
    settings.idle_timeout = (guint) opt_idle_timeout;
  m.config = barged_config_new (&settings);
  m.config_path = config_path;
  m.idle_timeout_override = opt_idle_timeout;
  if (opt_verbose)
    g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  /* Job files must get the owner's permissions, not a leftover mask. */
  if (opt_system)
    umask (022);

  if (opt_address != NULL)
    m.connection = g_dbus_connection_new_for_address_sync (opt_address,
                                                           G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                           G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                           NULL, NULL, &error);
  else
    m.connection = g_bus_get_sync (opt_system ? G_BUS_TYPE_SYSTEM : G_BUS_TYPE_SESSION, NULL, &error);
  if (m.connection == NULL)
    {
      g_printerr ("barged: %s\n", error->message);
      return 1;
    }
  g_dbus_connection_set_exit_on_close (m.connection, FALSE);

  state_dir = opt_state_dir != NULL ? g_strdup (opt_state_dir) : default_state_dir (opt_system);
  options.connection = m.connection;
  options.system_bus = opt_system;
  options.state_dir = state_dir;
  options.config = m.config;
  options.test_network_state = opt_test_network;
  options.test_tls_ca = opt_test_tls_ca;
  m.daemon = barged_daemon_new (&options, &error);
  if (m.daemon == NULL)
    {
      g_printerr ("barged: %s\n", error->message);
      g_object_unref (m.connection);
      g_object_unref (m.config);
      return 1;
    }

  m.loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (m.daemon, "idle", G_CALLBACK (on_idle), &m);
  g_unix_signal_add (SIGTERM, on_quit_signal, &m);
  g_unix_signal_add (SIGINT, on_quit_signal, &m);
  g_unix_signal_add (SIGHUP, on_reload_signal, &m);
  owner_id = g_bus_own_name_on_connection (m.connection, BARGE_BUS_NAME,
                                           G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE |
                                           G_BUS_NAME_OWNER_FLAGS_ALLOW_REPLACEMENT |
                                           (opt_replace ? G_BUS_NAME_OWNER_FLAGS_REPLACE : 0),
                                           on_name_acquired, on_name_lost, &m, NULL);
  g_main_loop_run (m.loop);

  g_bus_unown_name (owner_id);
  barged_daemon_shutdown (m.daemon);
  g_dbus_connection_flush_sync (m.connection, NULL, NULL);
  g_object_unref (m.daemon);
  g_object_unref (m.config);
  g_object_unref (m.connection);
  g_main_loop_unref (m.loop);
  return m.exit_code;
}
