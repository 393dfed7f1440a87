/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <glib/gi18n.h>

#include "bargectl.h"
#include "bargectl-client.h"
#include "bargectl-output.h"
#include "bargectl-parse.h"

/* `background-limit`: the limit all background jobs share, where it comes
 * from, and the administrator's own (Manager.SetBackgroundBandwidthLimit,
 * BITS' group policy "Limit the maximum network bandwidth for BITS
 * background transfers"). */

static gboolean opt_remove;
static gboolean opt_json;

static const char *
source_text (const char *source)
{
  if (g_strcmp0 (source, "administrator") == 0)
    return _("set by an administrator");
  if (g_strcmp0 (source, "schedule") == 0)
    return _("from BackgroundBandwidthSchedule in barge.conf");
  if (g_strcmp0 (source, "config") == 0)
    return _("from BackgroundBandwidthLimit in barge.conf");
  return _("nothing limits background jobs");
}

static int
show (BargeClient *client)
{
  guint64 limit = barge_client_get_background_bandwidth_limit (client);
  const char *source = barge_client_get_background_bandwidth_source (client);

  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "limit");
      json_builder_add_int_value (builder, (gint64) limit);
      json_builder_set_member_name (builder, "source");
      json_builder_add_string_value (builder, source != NULL ? source : "none");
      json_builder_end_object (builder);
      bargectl_json_print (builder);
    }
  else
    {
      g_autofree char *rate = bargectl_format_rate (limit);

      /* TRANSLATORS: the limit in force ("2.0 MB/s" or "none"), then where it comes from */
      g_print (_("Background bandwidth limit: %s (%s)\n"), rate, source_text (source));
    }
  return BARGECTL_EXIT_OK;
}

int
bargectl_cmd_background_limit (const BargectlCommand *command, int argc, char **argv)
{
  static const GOptionEntry entries[] = {
    { "remove", 0, 0, G_OPTION_ARG_NONE, &opt_remove,
      N_("Remove the administrator's limit: barge.conf's limit and schedule hold again"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = bargectl_option_context_new (command, entries);
  g_autoptr(BargeClient) client = NULL;
  g_autoptr(GError) error = NULL;
  guint64 rate = 0;

  bargectl_option_context_set_details (
    context,
    /* TRANSLATORS: the units and the file and key names stay as they are */
    _("Without RATE, shows the limit that all jobs of a background priority (high, normal, low) share "
      "and where it comes from. With RATE (bytes per second, or with a unit such as 500k, 2M or 10Mbit), "
      "sets it over barge.conf's BackgroundBandwidthLimit and BackgroundBandwidthSchedule until --remove; "
      "the service keeps it across restarts. Setting it needs an administrator's authorization."));
  if (!bargectl_option_context_parse (context, command, &argc, &argv))
    return BARGECTL_EXIT_USAGE;
  if (argc > 2)
    return bargectl_usage_error (command, _("Expected at most one RATE"));
  if (argc == 2 && opt_remove)
    return bargectl_usage_error (command, _("Give a RATE or --remove, not both"));
  if (argc == 2)
    {
      if (!bargectl_parse_rate (argv[1], &rate, &error))
        return bargectl_usage_error (command, "%s", error->message);
      /* 0 would remove the limit, not lift it: say so rather than guess. */
      if (rate == 0)
        return bargectl_usage_error (command,
                                     _("A background limit is a rate; --remove gives the limit back to barge.conf"));
    }

  client = bargectl_client_connect (&error);
  if (client == NULL)
    return bargectl_report_connect_error (error);
  if ((argc == 2 || opt_remove) &&
      !barge_client_set_background_bandwidth_limit_sync (client, rate, NULL, &error))
    return bargectl_report_error (error);
  if (argc == 2 || opt_remove)
    return BARGECTL_EXIT_OK;
  return show (client);
}
