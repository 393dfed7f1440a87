/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <glib/gi18n.h>

#include "bargectl.h"
#include "bargectl-client.h"
#include "bargectl-wait.h"

/* `wait JOB`: the waiting half of `download`, for a job made step by step
 * (Start-BitsTransfer -Asynchronous, then waiting for it). The job is not
 * bargectl's own, so a failed one is always kept. */

int
bargectl_cmd_wait (const BargectlCommand *command, int argc, char **argv)
{
  g_autoptr(GOptionContext) context = bargectl_option_context_new (command, NULL);
  g_autoptr(BargeClient) client = NULL;
  g_autoptr(BargeJob) job = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  BargectlWaitOptions options;

  g_option_context_add_main_entries (context, bargectl_wait_existing_option_entries (),
                                     GETTEXT_PACKAGE);
  bargectl_option_context_set_details (context,
                                       _("Waits until the job is transferred, then completes it. "
                                         "A job that fails is kept, with its error shown."));
  if (!bargectl_option_context_parse (context, command, &argc, &argv))
    return BARGECTL_EXIT_USAGE;
  if (argc != 2)
    return bargectl_usage_error (command, _("Expected one job id"));
  if (!bargectl_wait_options_init (&options, &error))
    return bargectl_usage_error (command, "%s", error->message);
  options.keep_on_error = TRUE;

  job = bargectl_client_open_job (argv[1], &client, &status);
  if (job == NULL)
    return status;
  if (barge_job_get_state (job) == BARGE_JOB_STATE_SUSPENDED)
    /* Waiting is still right: another program may resume it. */
    g_printerr (_("The job is suspended; it waits until “bargectl resume %s”.\n"),
                barge_job_get_id (job));
  return bargectl_wait_for_job (client, job, &options);
}
