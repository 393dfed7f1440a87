/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "bargectl.h"
#include "bargectl-client.h"
#include "bargectl-output.h"

/* `describe-error`: what an error name means, in the user's language (BITS
 * GetErrorDescription with the caller's LANGID). */

static char *opt_locale;
static gboolean opt_all;
static gboolean opt_json;

/* Accepts the full D-Bus name, or its last part in any case
 * ("RemoteNotFound", "remotenotfound"). Unknown names are passed on as
 * full names, so the daemon's NotFound error explains them. */
static char *
full_error_name (const char *name)
{
  if (g_str_has_prefix (name, BARGE_DBUS_ERROR_PREFIX))
    return g_strdup (name);
  for (int code = 0; code < BARGE_ERROR_N_CODES; code++)
    {
      const char *full = barge_error_to_dbus_name ((BargeError) code);

      if (full != NULL && g_ascii_strcasecmp (full + strlen (BARGE_DBUS_ERROR_PREFIX), name) == 0)
        return g_strdup (full);
    }
  if (strchr (name, '.') != NULL)
    return g_strdup (name);
  return g_strconcat (BARGE_DBUS_ERROR_PREFIX, name, NULL);
}

int
bargectl_cmd_describe_error (const BargectlCommand *command, int argc, char **argv)
{
  static const GOptionEntry entries[] = {
    { "locale", 0, 0, G_OPTION_ARG_STRING, &opt_locale,
      N_("The language of the description, such as de_DE.UTF-8 (default: from LANGUAGE, "
         "LC_ALL, LC_MESSAGES or LANG)"), N_("LOCALE") },
    { "all", 0, 0, G_OPTION_ARG_NONE, &opt_all, N_("Describe every error Barge knows"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = bargectl_option_context_new (command, entries);
  g_autoptr(BargeClient) client = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;
  const char *locale;

  if (!bargectl_option_context_parse (context, command, &argc, &argv))
    return BARGECTL_EXIT_USAGE;
  if (opt_all && argc != 1)
    return bargectl_usage_error (command, _("Give error names or --all, not both"));
  if (!opt_all && argc < 2)
    return bargectl_usage_error (command, _("Expected an error name, such as RemoteNotFound"));

  if (opt_all)
    for (int code = 0; code < BARGE_ERROR_N_CODES; code++)
      g_ptr_array_add (names, g_strdup (barge_error_to_dbus_name ((BargeError) code)));
  else
    for (int i = 1; i < argc; i++)
      g_ptr_array_add (names, full_error_name (argv[i]));
  locale = opt_locale != NULL ? opt_locale : bargectl_client_message_locale ();

  client = bargectl_client_connect (&error);
  if (client == NULL)
    return bargectl_report_connect_error (error);

  if (opt_json)
    {
      builder = json_builder_new ();
      json_builder_begin_array (builder);
    }
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *text = barge_client_get_error_description_sync (client, name, locale,
                                                                        NULL, &error);

      if (text == NULL)
        return bargectl_report_error (error);
      if (builder != NULL)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, name);
          json_builder_set_member_name (builder, "description");
          json_builder_add_string_value (builder, text);
          json_builder_end_object (builder);
        }
      else if (names->len == 1)
        g_print ("%s\n", text);
      else
        g_print ("%s\n  %s\n", name + (g_str_has_prefix (name, BARGE_DBUS_ERROR_PREFIX)
                                       ? strlen (BARGE_DBUS_ERROR_PREFIX) : 0), text);
    }
  if (builder != NULL)
    {
      json_builder_end_array (builder);
      bargectl_json_print (builder);
    }
  return BARGECTL_EXIT_OK;
}
