/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "bargectl.h"
#include "bargectl-client.h"
#include "bargectl-output.h"
#include "bargectl-parse.h"

/* `session-proxy`: the desktop session's agent for proxies. The service
 * runs outside every session and cannot read a user's desktop settings, so
 * the session tells it (Manager.SetSessionProxy), as PackageKit's session
 * tells packagekitd: GNOME's org.gnome.system.proxy when it is set to
 * "manual", else the session's http_proxy, https_proxy, all_proxy and
 * no_proxy. What is not a list of proxies (GNOME's "auto" mode with a PAC
 * script or WPAD, or --resolver for libproxy's KDE settings) the service
 * asks for each URL instead (Manager.RegisterSessionProxyAgent), and GIO's
 * resolver of this session answers. The service keeps what it was told
 * only while this program is on the bus, so it stays: it tells again when
 * the service comes back and when GNOME's settings change, and its exit
 * ends them. */

static gboolean opt_print;
static gboolean opt_from_environment;
static gboolean opt_resolver;

typedef struct {
  gboolean ask;               /* the service asks GIO's resolver of the session for each URL */
  BargeProxyUsage usage;
  char *proxies[3];           /* http, https, default: NULL or SCHEME://HOST:PORT */
  GStrv bypass;
  char *origin;               /* where they came from, for the user */
} Settings;

static void
settings_clear (Settings *settings)
{
  for (guint i = 0; i < G_N_ELEMENTS (settings->proxies); i++)
    g_clear_pointer (&settings->proxies[i], g_free);
  g_clear_pointer (&settings->bypass, g_strfreev);
  g_clear_pointer (&settings->origin, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Settings, settings_clear)

/* SCHEME://HOST:PORT from what a session holds ("proxy:3128",
 * "http://user@proxy:3128/"): the service takes no user name (proxy
 * credentials are per job) and no path; a missing port is 1080, as curl
 * has it. NULL when it is not a URL at all. */
static char *
normalize (const char *value, const char *default_scheme)
{
  g_autofree char *with_scheme = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *host;

  if (!bargectl_nonempty (value))
    return NULL;
  if (strstr (value, "://") == NULL)
    value = with_scheme = g_strconcat (default_scheme, "://", value, NULL);
  uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (!bargectl_nonempty (host))
    return NULL;
  return g_strdup_printf (strchr (host, ':') != NULL ? "%s://[%s]:%d" : "%s://%s:%d", g_uri_get_scheme (uri), host,
                          g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 1080);
}

static const char *
getenv_either (const char *lower)
{
  g_autofree char *upper = g_ascii_strup (lower, -1);
  const char *value = g_getenv (lower);

  return bargectl_nonempty (value) ? value : g_getenv (upper);
}

/* no_proxy: entries separated by commas (or spaces); "*" is every host. */
static gboolean
read_no_proxy (Settings *settings)
{
  const char *value = getenv_either ("no_proxy");
  g_auto(GStrv) parts = value != NULL ? g_strsplit_set (value, ", ", -1) : NULL;
  g_autoptr(GStrvBuilder) bypass = g_strv_builder_new ();

  for (guint i = 0; parts != NULL && parts[i] != NULL; i++)
    {
      if (g_str_equal (parts[i], "*"))
        return FALSE;
      if (*parts[i] != '\0')
        g_strv_builder_add (bypass, parts[i]);
    }
  settings->bypass = g_strv_builder_end (bypass);
  return TRUE;
}

static void
read_environment (Settings *settings)
{
  settings->origin = g_strdup (_("the environment (http_proxy, https_proxy, all_proxy, no_proxy)"));
  settings->proxies[0] = normalize (getenv_either ("http_proxy"), "http");
  settings->proxies[1] = normalize (getenv_either ("https_proxy"), "http");
  settings->proxies[2] = normalize (getenv_either ("all_proxy"), "socks5");
  if (settings->proxies[0] == NULL && settings->proxies[1] == NULL && settings->proxies[2] == NULL)
    settings->usage = BARGE_PROXY_USAGE_SYSTEM;
  else if (!read_no_proxy (settings))
    {
      settings_clear (settings);
      settings->origin = g_strdup (_("the environment (no_proxy=*)"));
      settings->usage = BARGE_PROXY_USAGE_NONE;
    }
  else
    settings->usage = BARGE_PROXY_USAGE_OVERRIDE;
}

static GSettings *
gnome_settings (const char *id)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source != NULL ? g_settings_schema_source_lookup (source, id, TRUE) : NULL;

  return schema != NULL ? g_settings_new_full (schema, NULL, NULL) : NULL;
}

static char *
gnome_proxy (const char *id, const char *scheme)
{
  g_autoptr(GSettings) child = gnome_settings (id);
  g_autofree char *host = child != NULL ? g_settings_get_string (child, "host") : NULL;
  g_autofree char *url = NULL;

  if (!bargectl_nonempty (host) || g_settings_get_int (child, "port") <= 0)
    return NULL;
  url = g_strdup_printf ("%s://%s:%d", scheme, host, g_settings_get_int (child, "port"));
  return normalize (url, scheme);
}

/* GNOME's settings when they name proxies ("manual"); FALSE otherwise. */
static gboolean
read_gnome (GSettings *proxy, Settings *settings)
{
  g_autofree char *mode = g_settings_get_string (proxy, "mode");

  if (g_str_equal (mode, "auto"))
    {
      /* A PAC script or WPAD: only the session can run them. */
      settings->origin = g_strdup (_("GNOME's automatic proxy settings (org.gnome.system.proxy)"));
      settings->ask = TRUE;
      return TRUE;
    }
  if (!g_str_equal (mode, "manual"))
    return FALSE;
  settings->origin = g_strdup (_("GNOME's proxy settings (org.gnome.system.proxy)"));
  settings->usage = BARGE_PROXY_USAGE_OVERRIDE;
  settings->proxies[0] = gnome_proxy ("org.gnome.system.proxy.http", "http");
  settings->proxies[1] = gnome_proxy ("org.gnome.system.proxy.https", "http");
  settings->proxies[2] = gnome_proxy ("org.gnome.system.proxy.socks", "socks5");
  settings->bypass = g_settings_get_strv (proxy, "ignore-hosts");
  if (settings->proxies[0] == NULL && settings->proxies[1] == NULL && settings->proxies[2] == NULL)
    settings->usage = BARGE_PROXY_USAGE_SYSTEM;
  return TRUE;
}

typedef struct {
  BargeClient *client;
  GSettings *gnome;           /* org.gnome.system.proxy, or NULL */
  GMainLoop *loop;
  int status;
} Agent;

static void
read_settings (Agent *agent, Settings *settings)
{
  if (opt_resolver)
    {
      settings->origin = g_strdup (_("this session's proxy resolver"));
      settings->ask = TRUE;
    }
  else if (agent->gnome == NULL || !read_gnome (agent->gnome, settings))
    read_environment (settings);
}

static void
print_settings (const Settings *settings)
{
  static const char * const keys[] = { "http", "https", "default" };

  if (settings->ask)
    /* TRANSLATORS: %s is where bargectl looked, such as "this session's proxy resolver" */
    g_print (_("From %s: the service asks it for each URL\n"), settings->origin);
  else if (settings->usage == BARGE_PROXY_USAGE_SYSTEM)
    /* TRANSLATORS: %s is where bargectl looked, such as "the environment (http_proxy, …)" */
    g_print (_("No proxy in %s: your jobs follow the service's proxy settings\n"), settings->origin);
  else if (settings->usage == BARGE_PROXY_USAGE_NONE)
    g_print (_("From %s: no proxy, every URL direct\n"), settings->origin);
  else
    g_print (_("From %s:\n"), settings->origin);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (settings->proxies[i] != NULL)
      g_print ("  %s %s\n", keys[i], settings->proxies[i]);
  for (guint i = 0; settings->bypass != NULL && settings->bypass[i] != NULL; i++)
    g_print ("  bypass %s\n", settings->bypass[i]);
  /* Read line by line by whoever started the agent. */
  fflush (stdout);
}

static void
publish (Agent *agent)
{
  g_auto(Settings) settings = { 0, };
  g_autoptr(GError) error = NULL;

  read_settings (agent, &settings);
  if (settings.ask ? !barge_client_set_session_proxy_resolver_sync (agent->client, g_proxy_resolver_get_default (),
                                                                    NULL, &error)
                   : !barge_client_set_session_proxy_sync (agent->client, settings.usage, settings.proxies[0],
                                                           settings.proxies[1], settings.proxies[2],
                                                           (const char * const *) settings.bypass, NULL, &error))
    {
      agent->status = bargectl_report_error (error);
      g_main_loop_quit (agent->loop);
      return;
    }
  print_settings (&settings);
}

static void
on_service_appeared (GDBusConnection *connection, const char *name, const char *owner, gpointer user_data)
{
  publish (user_data);
}

static void
on_gnome_changed (GSettings *gnome, const char *key, gpointer user_data)
{
  publish (user_data);
}

static gboolean
on_stop_signal (gpointer user_data)
{
  Agent *agent = user_data;

  g_main_loop_quit (agent->loop);
  return G_SOURCE_CONTINUE;
}

int
bargectl_cmd_session_proxy (const BargectlCommand *command, int argc, char **argv)
{
  static const GOptionEntry entries[] = {
    { "print", 0, 0, G_OPTION_ARG_NONE, &opt_print, N_("Print what would be published and exit"), NULL },
    { "from-environment", 0, 0, G_OPTION_ARG_NONE, &opt_from_environment,
      N_("Read only the environment, not GNOME's settings"), NULL },
    { "resolver", 0, 0, G_OPTION_ARG_NONE, &opt_resolver,
      N_("Let this session's proxy resolver answer for each URL the service asks about (a PAC script, WPAD, "
         "KDE's settings through libproxy)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = bargectl_option_context_new (command, entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) gnome = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(BargeClient) client = NULL;
  Agent agent = { 0, };
  guint watch, sigint, sigterm;

  bargectl_option_context_set_details (
    context,
    /* TRANSLATORS: the setting and variable names stay as they are */
    _("Tells the Barge service your desktop session's proxy settings, for your jobs that follow the system's "
      "proxy (proxy usage \"system\"): GNOME's (org.gnome.system.proxy) when set to manual, else the "
      "environment's http_proxy, https_proxy, all_proxy and no_proxy. When GNOME's are automatic (a PAC "
      "script, WPAD), or with --resolver, the service asks this command for each URL instead, and this "
      "session's proxy resolver answers. The service keeps them while this "
      "command runs: it tells them again when the service restarts or GNOME's settings change, and stops "
      "on Ctrl+C or at the end of the session. Proxy user names are dropped: give proxy credentials to a "
      "job with \"bargectl credentials\"."));
  if (!bargectl_option_context_parse (context, command, &argc, &argv))
    return BARGECTL_EXIT_USAGE;
  if (argc > 1)
    return bargectl_usage_error (command, _("Expected no arguments"));
  if (!opt_from_environment)
    agent.gnome = gnome = gnome_settings ("org.gnome.system.proxy");
  if (opt_print)
    {
      g_auto(Settings) settings = { 0, };

      read_settings (&agent, &settings);
      print_settings (&settings);
      return BARGECTL_EXIT_OK;
    }

  client = bargectl_client_connect (&error);
  if (client == NULL)
    return bargectl_report_connect_error (error);
  agent.client = client;
  agent.loop = loop = g_main_loop_new (NULL, FALSE);
  /* The first call to the service comes from the watch: it sees the name at once. */
  watch = g_bus_watch_name_on_connection (barge_client_get_connection (client), "org.freedesktop.Barge1",
                                          G_BUS_NAME_WATCHER_FLAGS_AUTO_START, on_service_appeared, NULL, &agent,
                                          NULL);
  if (gnome != NULL)
    g_signal_connect (gnome, "changed", G_CALLBACK (on_gnome_changed), &agent);
  sigint = g_unix_signal_add (SIGINT, on_stop_signal, &agent);
  sigterm = g_unix_signal_add (SIGTERM, on_stop_signal, &agent);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_bus_unwatch_name (watch);
  if (gnome != NULL)
    g_signal_handlers_disconnect_by_data (gnome, &agent);
  return agent.status;
}
