/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "bargectl.h"
#include "bargectl-client.h"
#include "bargectl-output.h"
#include "bargectl-parse.h"

/* Commands that change one job: create, add, resume, suspend, cancel,
 * complete. They print nothing on success except what a script needs. */

static char *opt_description;
static char *opt_priority;
static char *opt_type;
static char *opt_cost_policy;
static char *opt_upload_protocol;
static char *opt_limit;
static char *opt_size_hint;
static gboolean opt_keep_awake;
static char *opt_not_before;
static char *opt_window;
static gboolean opt_json;
static char *opt_list;
static char *opt_segments;

static gboolean
check_choice (const char *value, const char * const *choices)
{
  return value == NULL || g_strv_contains (choices, value);
}

int
bargectl_cmd_create (const BargectlCommand *command, int argc, char **argv)
{
  static const GOptionEntry entries[] = {
    { "type", 0, 0, G_OPTION_ARG_STRING, &opt_type,
      N_("download (the default), upload or upload-reply"), N_("TYPE") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &opt_description,
      N_("A longer description of the job"), N_("TEXT") },
    { "priority", 0, 0, G_OPTION_ARG_STRING, &opt_priority,
      N_("foreground, high, normal (the default) or low"), N_("P") },
    { "cost-policy", 0, 0, G_OPTION_ARG_STRING, &opt_cost_policy,
      N_("any (the default) or unmetered: transfer only on networks that are not metered"),
      N_("POLICY") },
    { "upload-protocol", 0, 0, G_OPTION_ARG_STRING, &opt_upload_protocol,
      N_("For upload jobs (and only for them): bits, tus or put"), N_("PROTOCOL") },
    BARGECTL_LIMIT_OPTION_ENTRY (opt_limit),
    BARGECTL_SIZE_HINT_OPTION_ENTRY (opt_size_hint),
    BARGECTL_SEGMENTS_OPTION_ENTRY (opt_segments),
    BARGECTL_KEEP_AWAKE_OPTION_ENTRY (opt_keep_awake),
    BARGECTL_TIME_OPTION_ENTRIES (opt_not_before, opt_window),
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print the new job as JSON"), NULL },
    { NULL }
  };
  static const char * const cost_policies[] = { "any", "unmetered", NULL };
  static const char * const upload_protocols[] = { "bits", "tus", "put", NULL };
  g_autoptr(GOptionContext) context = bargectl_option_context_new (command, entries);
  g_autoptr(BargeClient) client = NULL;
  g_autoptr(BargeJob) job = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder options;
  BargeJobType type = BARGE_JOB_TYPE_DOWNLOAD;
  BargeJobPriority priority;
  guint64 limit = 0;
  guint64 size_hint = 0;
  guint segments = 0;
  BargectlTimeOptions times;

  if (!bargectl_option_context_parse (context, command, &argc, &argv))
    return BARGECTL_EXIT_USAGE;
  if (argc != 2)
    return bargectl_usage_error (command, _("Expected one job name"));
  if (opt_type != NULL && !barge_job_type_from_string (opt_type, &type))
    return bargectl_usage_error (command, _("Unknown job type “%s”"), opt_type);
  if (opt_priority != NULL && !barge_job_priority_from_string (opt_priority, &priority))
    return bargectl_usage_error (command, _("Unknown priority “%s”"), opt_priority);
  if (!check_choice (opt_cost_policy, cost_policies))
    return bargectl_usage_error (command, _("Unknown cost policy “%s”; use any or unmetered"),
                                 opt_cost_policy);
  if (!check_choice (opt_upload_protocol, upload_protocols))
    return bargectl_usage_error (command, _("Unknown upload protocol “%s”; use bits, tus or put"),
                                 opt_upload_protocol);
  if (type == BARGE_JOB_TYPE_DOWNLOAD && opt_upload_protocol != NULL)
    return bargectl_usage_error (command, _("--upload-protocol is only for upload jobs"));
  if (type != BARGE_JOB_TYPE_DOWNLOAD && opt_upload_protocol == NULL)
    return bargectl_usage_error (command, _("An upload job needs --upload-protocol (bits, tus or put)"));
  if (opt_limit != NULL && !bargectl_parse_rate (opt_limit, &limit, &error))
    return bargectl_usage_error (command, "--limit: %s", error->message);
  if (opt_size_hint != NULL && !bargectl_parse_size (opt_size_hint, &size_hint, &error))
    return bargectl_usage_error (command, "--size-hint: %s", error->message);
  if (opt_segments != NULL && !bargectl_parse_segments (opt_segments, &segments, &error))
    return bargectl_usage_error (command, "--segments: %s", error->message);
  if (!bargectl_time_options_parse (opt_not_before, opt_window, &times, &error))
    return bargectl_usage_error (command, "%s", error->message);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  if (opt_description != NULL)
    g_variant_builder_add (&options, "{sv}", "description", g_variant_new_string (opt_description));
  if (opt_priority != NULL)
    g_variant_builder_add (&options, "{sv}", "priority", g_variant_new_string (opt_priority));
  if (opt_cost_policy != NULL)
    g_variant_builder_add (&options, "{sv}", "cost-policy", g_variant_new_string (opt_cost_policy));
  if (opt_upload_protocol != NULL)
    g_variant_builder_add (&options, "{sv}", "upload-protocol",
                           g_variant_new_string (opt_upload_protocol));
  if (opt_limit != NULL)
    g_variant_builder_add (&options, "{sv}", "bandwidth-limit", g_variant_new_uint64 (limit));
  if (opt_size_hint != NULL)
    g_variant_builder_add (&options, "{sv}", "size-hint", g_variant_new_uint64 (size_hint));
  if (opt_segments != NULL)
    g_variant_builder_add (&options, "{sv}", "max-segments", g_variant_new_uint32 (segments));
  if (opt_keep_awake)
    g_variant_builder_add (&options, "{sv}", "keep-awake", g_variant_new_boolean (TRUE));
  bargectl_time_options_add (&times, &options);

  client = bargectl_client_connect (&error);
  if (client == NULL)
    {
      g_variant_builder_clear (&options);
      return bargectl_report_connect_error (error);
    }
  job = barge_client_create_job_sync (client, argv[1], type, g_variant_builder_end (&options),
                                      NULL, &error);
  if (job == NULL)
    return bargectl_report_error (error);
  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      bargectl_json_add_job (builder, job, TRUE);
      bargectl_json_print (builder);
    }
  else
    g_print ("%s\n", barge_job_get_id (job));
  return BARGECTL_EXIT_OK;
}

int
bargectl_cmd_add (const BargectlCommand *command, int argc, char **argv)
{
  static BargectlFileOptions file_options;
  static const GOptionEntry entries[] = {
    { "list", 0, 0, G_OPTION_ARG_FILENAME, &opt_list,
      N_("Add the files listed in FILE, one “URL LOCALPATH” per line (- for standard input)"),
      N_("FILE") },
    BARGECTL_FILE_OPTION_ENTRIES (file_options),
    { NULL }
  };
  g_autoptr(GOptionContext) context = bargectl_option_context_new (command, entries);
  g_autoptr(GVariant) checks = NULL;
  g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(BargeClient) client = NULL;
  g_autoptr(BargeJob) job = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (!bargectl_option_context_parse (context, command, &argc, &argv))
    return BARGECTL_EXIT_USAGE;
  if (opt_list != NULL)
    {
      if (argc != 2)
        return bargectl_usage_error (command, _("Expected a job and --list=FILE, nothing else"));
      if (!bargectl_read_file_list (opt_list, urls, paths, &error))
        return bargectl_usage_error (command, "%s", error->message);
    }
  else if (argc == 4)
    {
      g_ptr_array_add (urls, g_strdup (argv[2]));
      /* The daemon wants absolute paths; a relative one means the caller's
       * working directory, which only this process knows. */
      g_ptr_array_add (paths, g_canonicalize_filename (argv[3], NULL));
    }
  else
    return bargectl_usage_error (command, _("Expected JOB URL LOCALPATH, or JOB --list=FILE"));
  if (!bargectl_file_options_build (&file_options, &checks, &error))
    return bargectl_usage_error (command, "%s", error->message);
  if (checks != NULL && opt_list != NULL)
    return bargectl_usage_error (command, _("--sha256, --sha512, --size and --range are for one file: give one URL"));

  client = bargectl_client_connect (&error);
  if (client == NULL)
    return bargectl_report_connect_error (error);
  job = bargectl_client_get_job (client, argv[1], &error);
  if (job == NULL)
    return bargectl_report_error (error);

  if (checks != NULL)
    ok = barge_job_add_file_with_options_sync (job, g_ptr_array_index (urls, 0), g_ptr_array_index (paths, 0),
                                               checks, NULL, &error);
  else if (urls->len == 1)
    ok = barge_job_add_file_sync (job, g_ptr_array_index (urls, 0), g_ptr_array_index (paths, 0),
                                  NULL, &error);
  else
    {
      g_ptr_array_add (urls, NULL);
      g_ptr_array_add (paths, NULL);
      ok = barge_job_add_files_sync (job, (const char * const *) urls->pdata,
                                     (const char * const *) paths->pdata, NULL, &error);
    }
  if (!ok)
    return bargectl_report_error (error);
  return BARGECTL_EXIT_OK;
}

typedef gboolean (*JobAction) (BargeJob *job, GCancellable *cancellable, GError **error);

static int
run_job_action (const BargectlCommand *command, int argc, char **argv, JobAction action)
{
  g_autoptr(GOptionContext) context = bargectl_option_context_new (command, NULL);
  g_autoptr(BargeClient) client = NULL;
  g_autoptr(BargeJob) job = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!bargectl_option_context_parse (context, command, &argc, &argv))
    return BARGECTL_EXIT_USAGE;
  if (argc != 2)
    return bargectl_usage_error (command, _("Expected one job id"));

  job = bargectl_client_open_job (argv[1], &client, &status);
  if (job == NULL)
    return status;
  if (!action (job, NULL, &error))
    return bargectl_report_error (error);
  return BARGECTL_EXIT_OK;
}

int
bargectl_cmd_resume (const BargectlCommand *command, int argc, char **argv)
{
  return run_job_action (command, argc, argv, barge_job_resume_sync);
}

int
bargectl_cmd_suspend (const BargectlCommand *command, int argc, char **argv)
{
  return run_job_action (command, argc, argv, barge_job_suspend_sync);
}

int
bargectl_cmd_cancel (const BargectlCommand *command, int argc, char **argv)
{
  return run_job_action (command, argc, argv, barge_job_cancel_sync);
}

int
bargectl_cmd_complete (const BargectlCommand *command, int argc, char **argv)
{
  return run_job_action (command, argc, argv, barge_job_complete_sync);
}

/* BITS TakeOwnership: the job's credentials and notify command line stay
 * with the old owner, so the service drops them; say so. */
int
bargectl_cmd_take_ownership (const BargectlCommand *command, int argc, char **argv)
{
  int status = run_job_action (command, argc, argv, barge_job_take_ownership_sync);

  if (status == BARGECTL_EXIT_OK)
    g_printerr (
      _("The job is yours now; its credentials, client certificate and notify command line were removed.\n"));
  return status;
}

static gboolean opt_yes;
static gboolean opt_all_users;

/* Asks on the terminal; anything but an explicit yes is no. */
static gboolean
confirm (const char *question)
{
  char answer[64] = { 0 };
  g_autofree char *trimmed = NULL;

  g_printerr ("%s ", question);
  if (fgets (answer, sizeof answer, stdin) == NULL)
    return FALSE;
  trimmed = g_strstrip (g_strdup (answer));
  /* TRANSLATORS: the first letter of "yes" in the [y/N] question */
  return *trimmed != '\0' && g_unichar_tolower (g_utf8_get_char_validated (trimmed, -1)) ==
                               g_utf8_get_char (C_("answer", "y"));
}

/* BITS `bitsadmin /reset`: cancel every job of the caller (or of everybody,
 * with authorization), so that leaked jobs can be cleaned up in one go. */
int
bargectl_cmd_cancel_all (const BargectlCommand *command, int argc, char **argv)
{
  static const GOptionEntry entries[] = {
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &opt_yes,
      N_("Do not ask; needed when standard input is not a terminal"), NULL },
    { "all-users", 0, 0, G_OPTION_ARG_NONE, &opt_all_users,
      N_("Cancel the jobs of every user (needs authorization)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = bargectl_option_context_new (command, entries);
  g_autoptr(BargeClient) client = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;
  guint failed = 0;

  if (!bargectl_option_context_parse (context, command, &argc, &argv))
    return BARGECTL_EXIT_USAGE;
  if (argc != 1)
    return bargectl_usage_error (command, _("Unexpected argument “%s”"), argv[1]);
  if (!opt_yes && !isatty (STDIN_FILENO))
    return bargectl_usage_error (command, _("Standard input is not a terminal, so nobody can "
                                            "confirm; give --yes to cancel without asking"));

  client = bargectl_client_connect (&error);
  if (client == NULL)
    return bargectl_report_connect_error (error);
  jobs = barge_client_list_jobs_sync (client, opt_all_users, NULL, &error);
  if (jobs == NULL)
    return bargectl_report_error (error);
  if (jobs->len == 0)
    {
      g_printerr (_("There are no jobs to cancel.\n"));
      return BARGECTL_EXIT_OK;
    }
  if (!opt_yes)
    {
      g_autofree char *question = NULL;

      for (guint i = 0; i < jobs->len; i++)
        {
          g_autofree char *line = bargectl_job_list_line (g_ptr_array_index (jobs, i));
          g_printerr ("  %s\n", line);
        }
      question = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Cancel this job and delete its temporary files? [y/N]",
                                               "Cancel these %u jobs and delete their temporary files? [y/N]",
                                               jobs->len),
                                  jobs->len);
      if (!confirm (question))
        {
          g_printerr (_("Nothing was cancelled.\n"));
          return BARGECTL_EXIT_FAILURE;
        }
    }

  for (guint i = 0; i < jobs->len; i++)
    {
      BargeJob *job = g_ptr_array_index (jobs, i);
      g_autoptr(GError) job_error = NULL;

      if (barge_job_cancel_sync (job, NULL, &job_error))
        {
          /* TRANSLATORS: %s is a job id */
          g_print (_("Cancelled %s\n"), barge_job_get_id (job));
          continue;
        }
      /* A job that ended meanwhile is not a failure of ours. */
      if (g_error_matches (job_error, BARGE_ERROR, BARGE_ERROR_NOT_FOUND) ||
          barge_job_state_is_final (barge_job_get_state (job)))
        continue;
      {
        g_autofree char *message = bargectl_error_message (job_error);

        /* TRANSLATORS: a job id, then why it could not be cancelled */
        g_printerr (_("bargectl: cannot cancel %s: %s\n"), barge_job_get_id (job), message);
        failed++;
      }
    }
  return failed == 0 ? BARGECTL_EXIT_OK : BARGECTL_EXIT_FAILURE;
}
