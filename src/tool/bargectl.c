/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <glib/gi18n.h>

#include "bargectl.h"
#include "bargectl-client.h"

/* The order of `bargectl --help`: jobs step by step, then views, then the
 * synchronous transfers, then the rest. */
static const BargectlCommand commands[] = {
  { "create", N_("NAME"),
    N_("Create a job and print its id"), bargectl_cmd_create },
  { "add", N_("JOB URL LOCALPATH | JOB --list=FILE"),
    N_("Add files to a job"), bargectl_cmd_add },
  { "resume", N_("JOB"), N_("Queue a job for transfer"), bargectl_cmd_resume },
  { "suspend", N_("JOB"), N_("Stop a job, keeping what it has received"), bargectl_cmd_suspend },
  { "cancel", N_("JOB"), N_("End a job and delete its temporary files"), bargectl_cmd_cancel },
  { "complete", N_("JOB"), N_("Hand over the files of a transferred job"), bargectl_cmd_complete },
  { "cancel-all", "", N_("Cancel all your jobs"), bargectl_cmd_cancel_all },
  { "set", N_("JOB KEY VALUE [KEY VALUE…]"), N_("Change properties of a job"), bargectl_cmd_set },
  { "get", N_("JOB [KEY…]"), N_("Print properties of a job"), bargectl_cmd_get },
  { "take-ownership", N_("JOB"), N_("Make a job yours"), bargectl_cmd_take_ownership },
  { "list", "", N_("List jobs"), bargectl_cmd_list },
  { "info", N_("JOB"), N_("Show a job and its files"), bargectl_cmd_info },
  { "files", N_("JOB"), N_("List the files of a job"), bargectl_cmd_files },
  { "monitor", "", N_("Watch your jobs live"), bargectl_cmd_monitor },
  { "download", N_("URL… DEST | --list=FILE"), N_("Download files and wait until they are there"),
    bargectl_cmd_download },
  { "upload", N_("FILE URL"), N_("Upload a file and wait until the server has it"), bargectl_cmd_upload },
  { "reply", N_("JOB"), N_("Show, save or print the reply of an upload-reply job"), bargectl_cmd_reply },
  { "wait", N_("JOB"), N_("Wait for a job, with a progress bar, and complete it"), bargectl_cmd_wait },
  { "background-limit", N_("[RATE | --remove]"),
    N_("Show or set the bandwidth limit of background jobs"), bargectl_cmd_background_limit },
  { "describe-error", N_("NAME…"), N_("Explain an error name in your language"),
    bargectl_cmd_describe_error },
  { "credentials", N_("JOB --from-keyring=HOST | JOB --remove | --store HOST USER"),
    N_("Give a job credentials from your keyring, or store them there"), bargectl_cmd_credentials },
  { "session-proxy", "", N_("Tell the service your desktop session's proxy settings while it runs"),
    bargectl_cmd_session_proxy },
};

static gboolean opt_version;

static const GOptionEntry main_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version, N_("Show the version and exit"), NULL },
  { NULL }
};

static char *
commands_summary (void)
{
  GString *summary = g_string_new (_("Commands:"));

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (summary, "\n  %-16s %s", commands[i].name, _(commands[i].summary));
  return g_string_free (summary, FALSE);
}

static const char *
exit_status_description (void)
{
  return _("JOB is the id of a job, a UUID with or without dashes.\n"
           "\n"
           "Exit status:\n"
           "  0  success\n"
           "  1  the job or the transfer failed, or the service refused the request\n"
           "  2  usage error\n"
           "  3  the Barge service or the bus cannot be reached\n"
           "  4  --timeout expired (the job is left running, or cancelled with --on-timeout=cancel)\n"
           "  5  interrupted by Ctrl-C or SIGTERM (the job is left running unless you chose to cancel it)\n"
           "\n"
           "Environment:\n"
           "  BARGE_BUS_ADDRESS  talk to the message bus at this address\n"
           "  NO_COLOR           no progress bar and no terminal escapes\n"
           "\n"
           "Run “bargectl COMMAND --help” for the options of a command.");
}

GOptionContext *
bargectl_option_context_new (const BargectlCommand *command, const GOptionEntry *entries)
{
  /* gettext ("") would return the catalog header. */
  const char *parameter_string = *command->parameter_string != '\0' ? _(command->parameter_string) : "";
  g_autofree char *parameters = g_strjoin (*parameter_string != '\0' ? " " : "",
                                           command->name, parameter_string, NULL);
  GOptionContext *context = g_option_context_new (parameters);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _(command->summary));
  g_option_context_set_description (context, exit_status_description ());
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return context;
}

void
bargectl_option_context_set_details (GOptionContext *context, const char *details)
{
  g_autofree char *description = g_strconcat (details, "\n\n", exit_status_description (), NULL);

  g_option_context_set_description (context, description);
}

int
bargectl_usage_error (const BargectlCommand *command, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (command != NULL)
    {
      g_printerr ("bargectl %s: %s\n", command->name, message);
      g_printerr (_("Try “bargectl %s --help” for more information."), command->name);
    }
  else
    {
      g_printerr ("bargectl: %s\n", message);
      g_printerr (_("Try “bargectl --help” for more information."));
    }
  g_printerr ("\n");
  return BARGECTL_EXIT_USAGE;
}

gboolean
bargectl_option_context_parse (GOptionContext *context,
                               const BargectlCommand *command,
                               int *argc,
                               char ***argv)
{
  g_autoptr(GError) error = NULL;

  /* Added last, so that a command's own options come first in its --help. */
  g_option_context_add_main_entries (context, bargectl_client_option_entries (), GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error) ||
      !bargectl_client_check_options (&error))
    {
      bargectl_usage_error (command, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

static const BargectlCommand *
find_command (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

static GOptionContext *
main_option_context_new (void)
{
  g_autofree char *summary = commands_summary ();
  GOptionContext *context = g_option_context_new (_("COMMAND [ARGUMENT…]"));

  /* Stop at the command so that its own options reach its own parser. */
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, exit_status_description ());
  g_option_context_add_main_entries (context, main_entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, bargectl_client_option_entries (), GETTEXT_PACKAGE);
  return context;
}

/* `bargectl help [COMMAND]` is the same as `bargectl [COMMAND] --help`. */
static int
run_help (GOptionContext *main_context, int argc, char **argv)
{
  const BargectlCommand *command;
  char *help_argv[] = { NULL, (char *) "--help", NULL };

  if (argc < 3)
    {
      g_autofree char *help = g_option_context_get_help (main_context, TRUE, NULL);
      g_print ("%s", help);
      return BARGECTL_EXIT_OK;
    }
  command = find_command (argv[2]);
  if (command == NULL)
    return bargectl_usage_error (NULL, _("Unknown command “%s”"), argv[2]);
  help_argv[0] = argv[2];
  return command->run (command, 2, help_argv);
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const BargectlCommand *command;

  setlocale (LC_ALL, "");
  /* The test suite runs bargectl with the catalogs of the build tree. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("BARGE_LOCALEDIR") != NULL ? g_getenv ("BARGE_LOCALEDIR")
                                                                        : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("bargectl");

  context = main_option_context_new ();
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !bargectl_client_check_options (&error))
    return bargectl_usage_error (NULL, "%s", error->message);

  if (opt_version)
    {
      g_print ("bargectl %s\n", PACKAGE_VERSION);
      return BARGECTL_EXIT_OK;
    }

  if (argc < 2)
    {
      g_autofree char *summary = commands_summary ();

      g_printerr ("bargectl: %s\n\n%s\n\n", _("No command given"), summary);
      g_printerr ("%s\n", _("Try “bargectl --help” for more information."));
      return BARGECTL_EXIT_USAGE;
    }

  if (g_str_equal (argv[1], "help"))
    return run_help (context, argc, argv);

  command = find_command (argv[1]);
  if (command == NULL)
    return bargectl_usage_error (NULL, _("Unknown command “%s”"), argv[1]);

  return command->run (command, argc - 1, argv + 1);
}
