/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <unistd.h>
#include <glib/gi18n.h>

#include "bargectl.h"
#include "bargectl-client.h"
#include "bargectl-output.h"

/* Read-only views: list, info and files. */

static gboolean opt_json;
static gboolean opt_all_users;

int
bargectl_cmd_list (const BargectlCommand *command, int argc, char **argv)
{
  static const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON"), NULL },
    { "all-users", 0, 0, G_OPTION_ARG_NONE, &opt_all_users,
      N_("List the jobs of every user (needs authorization)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = bargectl_option_context_new (command, entries);
  g_autoptr(BargeClient) client = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;

  if (!bargectl_option_context_parse (context, command, &argc, &argv))
    return BARGECTL_EXIT_USAGE;
  if (argc != 1)
    return bargectl_usage_error (command, _("Unexpected argument “%s”"), argv[1]);

  client = bargectl_client_connect (&error);
  if (client == NULL)
    return bargectl_report_connect_error (error);
  jobs = barge_client_list_jobs_sync (client, opt_all_users, NULL, &error);
  if (jobs == NULL)
    return bargectl_report_error (error);

  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < jobs->len; i++)
        bargectl_json_add_job (builder, g_ptr_array_index (jobs, i), FALSE);
      json_builder_end_array (builder);
      bargectl_json_print (builder);
      return BARGECTL_EXIT_OK;
    }

  /* Titles and "no jobs" are for people; scripts read the bare lines. */
  if (isatty (STDOUT_FILENO))
    {
      g_autofree char *header = bargectl_job_list_header ();

      if (jobs->len == 0)
        g_printerr ("%s\n", _("No jobs."));
      else
        g_print ("%s\n", header);
    }
  for (guint i = 0; i < jobs->len; i++)
    {
      g_autofree char *line = bargectl_job_list_line (g_ptr_array_index (jobs, i));
      g_print ("%s\n", line);
    }
  return BARGECTL_EXIT_OK;
}

int
bargectl_cmd_info (const BargectlCommand *command, int argc, char **argv)
{
  static const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = bargectl_option_context_new (command, entries);
  g_autoptr(BargeClient) client = NULL;
  g_autoptr(BargeJob) job = NULL;
  int status;
  g_autofree char *text = NULL;

  if (!bargectl_option_context_parse (context, command, &argc, &argv))
    return BARGECTL_EXIT_USAGE;
  if (argc != 2)
    return bargectl_usage_error (command, _("Expected one job id"));

  job = bargectl_client_open_job (argv[1], &client, &status);
  if (job == NULL)
    return status;

  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      bargectl_json_add_job (builder, job, TRUE);
      bargectl_json_print (builder);
      return BARGECTL_EXIT_OK;
    }
  text = bargectl_job_describe (job);
  g_print ("%s", text);
  return BARGECTL_EXIT_OK;
}

int
bargectl_cmd_files (const BargectlCommand *command, int argc, char **argv)
{
  static const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = bargectl_option_context_new (command, entries);
  g_autoptr(BargeClient) client = NULL;
  g_autoptr(BargeJob) job = NULL;
  g_autoptr(GPtrArray) files = NULL;
  int status;

  if (!bargectl_option_context_parse (context, command, &argc, &argv))
    return BARGECTL_EXIT_USAGE;
  if (argc != 2)
    return bargectl_usage_error (command, _("Expected one job id"));

  job = bargectl_client_open_job (argv[1], &client, &status);
  if (job == NULL)
    return status;

  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      bargectl_json_add_files (builder, job);
      bargectl_json_print (builder);
      return BARGECTL_EXIT_OK;
    }
  files = barge_job_get_files (job);
  for (guint i = 0; files != NULL && i < files->len; i++)
    {
      g_autofree char *line = bargectl_file_list_line (g_ptr_array_index (files, i), i + 1);
      g_print ("%s\n", line);
    }
  return BARGECTL_EXIT_OK;
}
