/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "bargectl.h"
#include "bargectl-client.h"
#include "bargectl-wait.h"
#include "bargectl-output.h"

/* `upload FILE URL`: Start-BitsTransfer -TransferType Upload(Reply), waited
 * for like `download` (the waiting is bargectl-wait.c, shared); and
 * `reply JOB`: the reply of an upload-reply job. */

static char *opt_protocol;
static char *opt_reply_to;
static gboolean opt_print_reply;
static char *opt_display_name;
static char *opt_priority;
static gboolean opt_no_wait;

static const GOptionEntry upload_entries[] = {
  { "protocol", 0, 0, G_OPTION_ARG_STRING, &opt_protocol,
    N_("bits (the default), tus or put: what the server speaks"), N_("PROTOCOL") },
  { "reply-to", 0, 0, G_OPTION_ARG_FILENAME, &opt_reply_to,
    N_("Make an upload-reply job and keep the server's reply in FILE"), N_("FILE") },
  { "print-reply", 0, 0, G_OPTION_ARG_NONE, &opt_print_reply,
    N_("Make an upload-reply job and write the server's reply (at most 1 MiB) to standard output"), NULL },
  { "display-name", 0, 0, G_OPTION_ARG_STRING, &opt_display_name,
    N_("The name of the job (default: the file name)"), N_("NAME") },
  { "priority", 0, 0, G_OPTION_ARG_STRING, &opt_priority,
    N_("foreground (the default here: you are waiting), high, normal or low"), N_("P") },
  { "no-wait", 0, 0, G_OPTION_ARG_NONE, &opt_no_wait,
    N_("Start the job, print its id and return"), NULL },
  { NULL }
};

static GBytes *printed_reply;

static gboolean
write_all (FILE *out, GBytes *data)
{
  gsize len;
  const void *p = g_bytes_get_data (data, &len);

  return (len == 0 || fwrite (p, 1, len, out) == len) && fflush (out) == 0;
}

/* On stderr: stdout may carry the server's reply. */
static void
print_upload_summary (BargeJob *job, guint64 bytes, double seconds, gpointer user_data)
{
  const char *destination = user_data;
  g_autofree char *size = bargectl_format_size (bytes);
  g_autofree char *duration = bargectl_format_duration (seconds);
  g_autofree char *rate = bargectl_format_size (seconds > 0.001 ? (guint64) (bytes / seconds) : bytes);

  /* TRANSLATORS: "Uploaded 3.1 MB to https://example.org/in/file in 0:04 (800 kB/s)" */
  g_printerr (_("Uploaded %s to %s in %s (%s/s)\n"), size, destination, duration, rate);
}

/* Before Complete(), which ends the job and with it GetReplyData(). */
static int
fetch_reply (BargeJob *job, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  printed_reply = barge_job_get_reply_data_sync (job, NULL, &error);
  if (printed_reply == NULL)
    return bargectl_report_error (error);
  return BARGECTL_EXIT_OK;
}

static BargeJob *
start_job (BargeClient *client, const char *source, const char *url, const BargectlWaitOptions *wait,
           GError **error)
{
  g_autofree char *name = opt_display_name ? g_strdup (opt_display_name) : g_path_get_basename (source);
  gboolean reply = opt_reply_to != NULL || opt_print_reply;
  g_autoptr(BargeJob) job = NULL;
  GVariantBuilder options;

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "priority",
                         g_variant_new_string (opt_priority ? opt_priority
                                               : (opt_no_wait ? "normal" : "foreground")));
  g_variant_builder_add (&options, "{sv}", "description",
                         g_variant_new_string (_("Started by “bargectl upload”")));
  g_variant_builder_add (&options, "{sv}", "upload-protocol", g_variant_new_string (opt_protocol));
  bargectl_wait_add_create_options (wait, &options);
  job = barge_client_create_job_sync (client, name, reply ? BARGE_JOB_TYPE_UPLOAD_REPLY : BARGE_JOB_TYPE_UPLOAD,
                                      g_variant_builder_end (&options), NULL, error);
  if (job == NULL)
    return NULL;
  if (!bargectl_wait_apply_settings (job, wait, error))
    {
      barge_job_cancel_sync (job, NULL, NULL);
      return NULL;
    }
  if (opt_reply_to != NULL)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      g_value_init (&value, G_TYPE_STRING);
      g_value_set_string (&value, opt_reply_to);
      if (!barge_job_set_property_sync (job, "reply-file-name", &value, NULL, error))
        {
          barge_job_cancel_sync (job, NULL, NULL);
          return NULL;
        }
    }
  if (
      !barge_job_add_file_sync (job, url, source, NULL, error) ||
      !barge_job_resume_sync (job, NULL, error))
    {
      barge_job_cancel_sync (job, NULL, NULL);
      return NULL;
    }
  return g_steal_pointer (&job);
}

int
bargectl_cmd_upload (const BargectlCommand *command, int argc, char **argv)
{
  g_autoptr(GOptionContext) context = bargectl_option_context_new (command, upload_entries);
  g_autofree char *source = NULL;
  g_autoptr(BargeClient) client = NULL;
  g_autoptr(BargeJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reply_to = NULL;
  BargectlWaitOptions options = { 0 };
  BargeJobPriority priority;
  int status;

  g_option_context_add_main_entries (context, bargectl_wait_option_entries (), GETTEXT_PACKAGE);
  if (!bargectl_option_context_parse (context, command, &argc, &argv))
    return BARGECTL_EXIT_USAGE;
  if (argc != 3)
    return bargectl_usage_error (command, _("Expected a local file and a URL"));
  if (!bargectl_wait_options_init (&options, &error))
    return bargectl_usage_error (command, "%s", error->message);
  if (opt_protocol == NULL)
    opt_protocol = g_strdup ("bits");
  if (!g_str_equal (opt_protocol, "bits") && !g_str_equal (opt_protocol, "tus") &&
      !g_str_equal (opt_protocol, "put"))
    return bargectl_usage_error (command, _("Unknown protocol “%s” (bits, tus or put)"), opt_protocol);
  if ((opt_reply_to != NULL || opt_print_reply) && !g_str_equal (opt_protocol, "bits"))
    return bargectl_usage_error (command, _("Only the bits protocol brings back a reply"));
  if (opt_print_reply && (opt_no_wait || !options.complete))
    return bargectl_usage_error (command, _("--print-reply waits for the reply; use “bargectl reply JOB --print” later instead"));
  if (opt_priority != NULL && !barge_job_priority_from_string (opt_priority, &priority))
    return bargectl_usage_error (command, _("Unknown priority “%s”"), opt_priority);
  source = g_canonicalize_filename (argv[1], NULL);
  if (opt_reply_to != NULL)
    {
      reply_to = g_canonicalize_filename (opt_reply_to, NULL);
      g_free (opt_reply_to);
      opt_reply_to = g_strdup (reply_to);
    }

  client = bargectl_client_connect (&error);
  if (client == NULL)
    return bargectl_report_connect_error (error);
  {
    BargectlSetupGuard guard;

    bargectl_setup_guard_begin (&guard);
    job = start_job (client, source, argv[2], &options, &error);
    /* A failed start's error is the one to report; it cancelled its job. */
    if (!bargectl_setup_guard_end (&guard, job != NULL ? &error : NULL) && job != NULL)
      {
        barge_job_cancel_sync (job, NULL, NULL);
        g_clear_object (&job);
      }
  }
  if (job == NULL)
    return bargectl_report_error (error);
  if (opt_no_wait)
    {
      g_print ("%s\n", barge_job_get_id (job));
      return BARGECTL_EXIT_OK;
    }

  options.print_summary = print_upload_summary;
  options.user_data = argv[2];
  if (opt_print_reply)
    options.transferred = fetch_reply;
  status = bargectl_wait_for_job (client, job, &options);
  if (status == BARGECTL_EXIT_OK && printed_reply != NULL && !write_all (stdout, printed_reply))
    {
      g_printerr (_("bargectl: cannot write the reply to standard output\n"));
      status = BARGECTL_EXIT_FAILURE;
    }
  if (status == BARGECTL_EXIT_OK && reply_to != NULL && options.complete)
    g_printerr (_("The reply is in %s\n"), reply_to);
  g_clear_pointer (&printed_reply, g_bytes_unref);
  return status;
}

/* --- reply JOB ------------------------------------------------------------- */

static char *opt_save;
static gboolean opt_print;

static const GOptionEntry reply_entries[] = {
  { "save", 0, 0, G_OPTION_ARG_FILENAME, &opt_save,
    N_("Write the reply (at most 1 MiB) to FILE"), N_("FILE") },
  { "print", 0, 0, G_OPTION_ARG_NONE, &opt_print,
    N_("Write the reply (at most 1 MiB) to standard output"), NULL },
  { NULL }
};

int
bargectl_cmd_reply (const BargectlCommand *command, int argc, char **argv)
{
  g_autoptr(GOptionContext) context = bargectl_option_context_new (command, reply_entries);
  g_autoptr(BargeClient) client = NULL;
  g_autoptr(BargeJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;
  guint64 total = 0, done = 0;

  if (!bargectl_option_context_parse (context, command, &argc, &argv))
    return BARGECTL_EXIT_USAGE;
  if (argc != 2)
    return bargectl_usage_error (command, _("Expected a job"));
  if (opt_save != NULL && opt_print)
    return bargectl_usage_error (command, _("Give either --save or --print"));

  client = bargectl_client_connect (&error);
  if (client == NULL)
    return bargectl_report_connect_error (error);
  job = bargectl_client_get_job (client, argv[1], &error);
  if (job == NULL)
    return bargectl_report_error (error);

  if (opt_save == NULL && !opt_print)
    {
      g_autofree char *received = NULL;
      g_autofree char *size = NULL;
      const char *file = barge_job_get_reply_file_name (job);

      g_autoptr(BargeReplyProgress) reply = barge_job_get_reply_progress_sync (job, NULL, &error);

      if (reply == NULL)
        return bargectl_report_error (error);
      total = barge_reply_progress_get_bytes_total (reply);
      done = barge_reply_progress_get_bytes_transferred (reply);
      if (!barge_reply_progress_is_total_known (reply))
        g_print (_("Reply: not started\n"));
      else
        {
          received = bargectl_format_size (done);
          size = bargectl_format_size (total);
          /* TRANSLATORS: "Reply: 1.2 kB of 3.4 kB" */
          g_print (_("Reply: %s of %s\n"), received, size);
        }
      if (*file != '\0')
        g_print (_("Reply file: %s (visible once the job is completed)\n"), file);
      return BARGECTL_EXIT_OK;
    }

  data = barge_job_get_reply_data_sync (job, NULL, &error);
  if (data == NULL)
    return bargectl_report_error (error);
  if (opt_print)
    {
      if (!write_all (stdout, data))
        {
          g_printerr (_("bargectl: cannot write the reply to standard output\n"));
          return BARGECTL_EXIT_FAILURE;
        }
      return BARGECTL_EXIT_OK;
    }
  if (!g_file_set_contents (opt_save, g_bytes_get_data (data, NULL), (gssize) g_bytes_get_size (data), &error))
    {
      g_printerr (_("bargectl: cannot save the reply: %s\n"), error->message);
      return BARGECTL_EXIT_FAILURE;
    }
  return BARGECTL_EXIT_OK;
}
