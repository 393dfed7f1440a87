/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "bargectl.h"
#include "bargectl-client.h"
#include "bargectl-parse.h"

#define PASSWORD_MAX 1024

/* Reads one line from standard input, without echo on a terminal: a
 * password never goes through argv, where `ps` would show it. */
static char *
read_password (gboolean *too_long)
{
  struct termios old, quiet;
  gboolean tty = isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &old) == 0;
  char buf[PASSWORD_MAX + 2];   /* the line end and the NUL */
  char *line;

  if (tty)
    {
      g_printerr ("%s", _("Password: "));
      quiet = old;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  line = fgets (buf, sizeof buf, stdin);
  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &old);
      g_printerr ("\n");
    }
  if (line == NULL)
    return NULL;
  /* A line that fills the buffer without its end would be cut short: a
   * wrong password stored without a word is worse than a clear refusal. */
  if (strchr (buf, '\n') == NULL && !feof (stdin))
    {
      explicit_bzero (buf, sizeof buf);
      *too_long = TRUE;
      return NULL;
    }
  buf[strcspn (buf, "\r\n")] = '\0';
  line = g_strdup (buf);
  explicit_bzero (buf, sizeof buf);
  return line;
}

static int
store_password (const BargectlCommand *command, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  char *password;
  gboolean too_long = FALSE;
  gboolean ok;

  if (argc != 3)
    return bargectl_usage_error (command, _("Expected --store HOST USER"));
  password = read_password (&too_long);
  if (too_long)
    return bargectl_usage_error (command, _("The password is longer than %d characters"), PASSWORD_MAX);
  if (!bargectl_nonempty (password))
    {
      g_free (password);
      return bargectl_usage_error (command, _("No password on standard input"));
    }
  ok = barge_keyring_store_password_sync (argv[1], argv[2], password, NULL, &error);
  explicit_bzero (password, strlen (password));
  g_free (password);
  if (!ok)
    return bargectl_report_error (error);
  return BARGECTL_EXIT_OK;
}

/* bargectl credentials JOB --from-keyring=HOST [--user=USER] [--target=T] [--scheme=S]
 * bargectl credentials JOB --remove [--target=T] [--scheme=S]
 * bargectl credentials --store HOST USER        (password on standard input) */
int
bargectl_cmd_credentials (const BargectlCommand *command, int argc, char **argv)
{
  g_autofree char *opt_host = NULL;
  g_autofree char *opt_user = NULL;
  g_autofree char *opt_target = NULL;
  g_autofree char *opt_scheme = NULL;
  gboolean opt_remove = FALSE, opt_store = FALSE;
  const GOptionEntry entries[] = {
    { "from-keyring", 0, 0, G_OPTION_ARG_STRING, &opt_host,
      N_("Give the job the password stored in your keyring for HOST"), N_("HOST") },
    { "user", 0, 0, G_OPTION_ARG_STRING, &opt_user, N_("The user name (default: the first stored for HOST)"),
      N_("USER") },
    { "target", 0, 0, G_OPTION_ARG_STRING, &opt_target, N_("server (default) or proxy"), N_("TARGET") },
    { "scheme", 0, 0, G_OPTION_ARG_STRING, &opt_scheme,
      N_("basic (default), digest, ntlm or negotiate"), N_("SCHEME") },
    { "remove", 0, 0, G_OPTION_ARG_NONE, &opt_remove, N_("Remove the job's credentials for TARGET and SCHEME"),
      NULL },
    { "store", 0, 0, G_OPTION_ARG_NONE, &opt_store,
      N_("Store a password for HOST USER in your keyring, read from standard input"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = bargectl_option_context_new (command, entries);
  g_autoptr(BargeClient) client = NULL;
  g_autoptr(BargeJob) job = NULL;
  g_autoptr(GError) error = NULL;
  BargeCredentialsTarget target = BARGE_CREDENTIALS_TARGET_SERVER;
  BargeAuthScheme scheme = BARGE_AUTH_SCHEME_BASIC;
  gboolean ok;

  if (!bargectl_option_context_parse (context, command, &argc, &argv))
    return BARGECTL_EXIT_USAGE;
  if (opt_store && (opt_host != NULL || opt_remove))
    return bargectl_usage_error (command, _("--store cannot be combined with --from-keyring or --remove"));
  if (opt_store)
    return store_password (command, argc, argv);
  if (argc != 2 || (opt_host == NULL) == !opt_remove)
    return bargectl_usage_error (command, _("Expected one job and either --from-keyring=HOST or --remove"));
  if (opt_target != NULL && !barge_credentials_target_from_string (opt_target, &target))
    return bargectl_usage_error (command, _("The target must be server or proxy"));
  if (opt_scheme != NULL && !barge_auth_scheme_from_string (opt_scheme, &scheme))
    return bargectl_usage_error (command, _("The scheme must be basic, digest, ntlm or negotiate"));

  client = bargectl_client_connect (&error);
  if (client == NULL)
    return bargectl_report_connect_error (error);
  job = bargectl_client_get_job (client, argv[1], &error);
  if (job == NULL)
    return bargectl_report_error (error);
  if (opt_remove)
    ok = barge_job_remove_credentials_sync (job, target, scheme, NULL, &error);
  else
    ok = barge_job_set_credentials_from_keyring_sync (job, target, scheme, opt_host, opt_user, NULL, &error);
  if (!ok)
    return bargectl_report_error (error);
  return BARGECTL_EXIT_OK;
}
