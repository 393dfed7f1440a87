/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "bargectl.h"
#include "bargectl-client.h"
#include "bargectl-terminal.h"
#include "bargectl-parse.h"

static gboolean opt_session;
static gboolean opt_system;
static char *bus_description;

static const GOptionEntry bus_entries[] = {
  { "session", 0, 0, G_OPTION_ARG_NONE, &opt_session,
    N_("Talk to the service on the session bus (the default)"), NULL },
  { "system", 0, 0, G_OPTION_ARG_NONE, &opt_system,
    N_("Talk to the service on the system bus"), NULL },
  { NULL }
};

const GOptionEntry *
bargectl_client_option_entries (void)
{
  return bus_entries;
}

gboolean
bargectl_client_check_options (GError **error)
{
  if (opt_session && opt_system)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--session and --system cannot be used together"));
      return FALSE;
    }
  return TRUE;
}

/* An explicit --session or --system beats the environment, as options
 * usually do; BARGE_BUS_ADDRESS only replaces the default. */
static const char *
bus_address_from_environment (void)
{
  const char *address = g_getenv ("BARGE_BUS_ADDRESS");

  if (opt_session || opt_system || !bargectl_nonempty (address))
    return NULL;
  return address;
}

const char *
bargectl_client_bus_description (void)
{
  const char *address = bus_address_from_environment ();

  if (bus_description != NULL)
    return bus_description;
  if (address != NULL)
    bus_description = g_strdup_printf (_("the bus at %s"), address);
  else if (opt_system)
    bus_description = g_strdup (_("the system bus"));
  else
    bus_description = g_strdup (_("the session bus"));
  return bus_description;
}

static GDBusConnection *
open_bus (GError **error)
{
  const char *address = bus_address_from_environment ();

  if (address != NULL)
    return g_dbus_connection_new_for_address_sync (address,
                                                   G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                   G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                   NULL, NULL, error);
  return g_bus_get_sync (opt_system ? G_BUS_TYPE_SYSTEM : G_BUS_TYPE_SESSION, NULL, error);
}

BargeClient *
bargectl_client_connect (GError **error)
{
  g_autoptr(GDBusConnection) connection = open_bus (error);
  g_autoptr(BargeClient) client = NULL;

  if (connection == NULL)
    return NULL;
  client = barge_client_new_for_connection_sync (connection, NULL, error);
  if (client == NULL)
    return NULL;

  /* The client can be built while nobody owns the name (and D-Bus could
   * not start the daemon). */
  if (!barge_client_get_service_available (client))
    {
      g_set_error_literal (error, BARGE_ERROR, BARGE_ERROR_SERVICE_UNAVAILABLE,
                           _("the Barge service is not running"));
      return NULL;
    }
  return g_steal_pointer (&client);
}

BargeJob *
bargectl_client_get_job (BargeClient *client, const char *id, GError **error)
{
  g_autofree char *clean = g_strstrip (g_strdup (id));
  gsize len = strlen (clean);

  /* Windows tools print GUIDs in braces; accept them when pasted. */
  if (len >= 2 && clean[0] == '{' && clean[len - 1] == '}')
    {
      clean[len - 1] = '\0';
      memmove (clean, clean + 1, len - 1);
    }
  return barge_client_get_job_sync (client, clean, NULL, error);
}

BargeJob *
bargectl_client_open_job (const char *id, BargeClient **client, int *exit_code)
{
  g_autoptr(GError) error = NULL;
  BargeJob *job;

  *client = bargectl_client_connect (&error);
  if (*client == NULL)
    {
      *exit_code = bargectl_report_connect_error (error);
      return NULL;
    }
  job = bargectl_client_get_job (*client, id, &error);
  if (job == NULL)
    *exit_code = bargectl_report_error (error);
  return job;
}

int
bargectl_exit_code_for_error (const GError *error)
{
  if (g_error_matches (error, BARGE_ERROR, BARGE_ERROR_SERVICE_UNAVAILABLE))
    return BARGECTL_EXIT_UNREACHABLE;
  /* bargectl cancels only when SIGINT or SIGTERM came (a job's setup). */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return BARGECTL_EXIT_INTERRUPTED;
  if (error->domain == G_DBUS_ERROR)
    {
      switch (error->code)
        {
        case G_DBUS_ERROR_SERVICE_UNKNOWN:
        case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
        case G_DBUS_ERROR_NO_REPLY:
        case G_DBUS_ERROR_DISCONNECTED:
        case G_DBUS_ERROR_NO_SERVER:
        case G_DBUS_ERROR_NO_NETWORK:
        case G_DBUS_ERROR_TIMEOUT:
        case G_DBUS_ERROR_TIMED_OUT:
        case G_DBUS_ERROR_BAD_ADDRESS:
        case G_DBUS_ERROR_FILE_NOT_FOUND:
        case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
        case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
        case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
        case G_DBUS_ERROR_SPAWN_FAILED:
        case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
        case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
        case G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID:
          return BARGECTL_EXIT_UNREACHABLE;
        default:
          return BARGECTL_EXIT_FAILURE;
        }
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return BARGECTL_EXIT_UNREACHABLE;
  return BARGECTL_EXIT_FAILURE;
}

/* Remote errors arrive as "GDBus.Error:org.freedesktop.Barge1.Error.X: text";
 * people want the text. */
char *
bargectl_error_message (const GError *error)
{
  g_autoptr(GError) copy = g_error_copy (error);

  g_dbus_error_strip_remote_error (copy);
  /* The daemon's messages may quote what servers and users gave. */
  return bargectl_terminal_sanitize_lines (copy->message);
}

int
bargectl_report_error (const GError *error)
{
  g_autofree char *message = bargectl_error_message (error);
  int code = bargectl_exit_code_for_error (error);

  if (code == BARGECTL_EXIT_UNREACHABLE)
    /* TRANSLATORS: first %s is a bus ("the session bus"), second a reason */
    g_printerr (_("bargectl: cannot reach the Barge service on %s: %s\n"),
                bargectl_client_bus_description (), message);
  else
    g_printerr ("bargectl: %s\n", message);
  return code;
}

int
bargectl_report_connect_error (const GError *error)
{
  g_autofree char *message = bargectl_error_message (error);

  g_printerr (_("bargectl: cannot reach the Barge service on %s: %s\n"),
              bargectl_client_bus_description (), message);
  return BARGECTL_EXIT_UNREACHABLE;
}

const char *
bargectl_client_message_locale (void)
{
  /* The user's first language as gettext picks it (LANGUAGE, then LC_ALL,
   * LC_MESSAGES, LANG), read from the environment rather than setlocale():
   * the daemon may have a translation for a locale this machine never
   * generated. */
  const char *locale = g_get_language_names ()[0];

  if (locale == NULL || g_str_equal (locale, "C") || g_str_equal (locale, "POSIX") ||
      g_str_has_prefix (locale, "C."))
    return "";
  return locale;
}
