/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <glib/gi18n.h>

#include "bargectl.h"
#include "bargectl-client.h"
#include "bargectl-download.h"

/* `download URL… DEST`: the synchronous one-shot of Start-BitsTransfer.
 * This file turns the arguments into a running job; the waiting is in
 * bargectl-download-wait.c. */

static char *opt_display_name;
static char *opt_priority;
static int opt_timeout;
static gboolean opt_no_complete;
static gboolean opt_keep_on_error;

static const GOptionEntry download_entries[] = {
  { "display-name", 0, 0, G_OPTION_ARG_STRING, &opt_display_name,
    N_("The name of the job (default: the first file name)"), N_("NAME") },
  { "priority", 0, 0, G_OPTION_ARG_STRING, &opt_priority,
    N_("foreground (the default here: you are waiting), high, normal or low"), N_("P") },
  { "timeout", 0, 0, G_OPTION_ARG_INT, &opt_timeout,
    N_("Stop waiting after SECONDS and leave the job running (exit status 4)"), N_("SECONDS") },
  { "no-complete", 0, 0, G_OPTION_ARG_NONE, &opt_no_complete,
    N_("Do not complete the job: the files stay hidden until “bargectl complete JOB”"), NULL },
  { "keep-on-error", 0, 0, G_OPTION_ARG_NONE, &opt_keep_on_error,
    N_("Keep a failed job for inspection instead of cancelling it"), NULL },
  { NULL }
};

/* The last element of the URL's path, decoded: what a browser would save. */
static char *
file_name_from_url (const char *url, GError **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, error);
  g_autofree char *name = NULL;

  if (uri == NULL)
    return NULL;
  name = g_path_get_basename (g_uri_get_path (uri));
  if (*g_uri_get_path (uri) == '\0' || g_str_has_suffix (g_uri_get_path (uri), "/") ||
      g_str_equal (name, ".") || g_str_equal (name, "..") || g_str_equal (name, "/"))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Cannot tell a file name from “%s”; give a file path as DEST"), url);
      return NULL;
    }
  return g_steal_pointer (&name);
}

/* DEST is a folder when it is one, or when several URLs are given; then
 * each file is named after its URL. Otherwise DEST is the file itself. */
static gboolean
resolve_destinations (char **urls, guint n_urls, const char *dest, GPtrArray *paths, GError **error)
{
  gboolean is_dir = g_file_test (dest, G_FILE_TEST_IS_DIR);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (!is_dir && n_urls == 1)
    {
      g_ptr_array_add (paths, g_canonicalize_filename (dest, NULL));
      return TRUE;
    }
  if (!is_dir)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not a folder; with several URLs DEST must be an existing folder"), dest);
      return FALSE;
    }
  for (guint i = 0; i < n_urls; i++)
    {
      g_autofree char *name = file_name_from_url (urls[i], error);
      g_autofree char *folder = g_canonicalize_filename (dest, NULL);
      char *path;

      if (name == NULL)
        return FALSE;
      path = g_build_filename (folder, name, NULL);
      g_ptr_array_add (paths, path);
      if (!g_hash_table_add (seen, path))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Two URLs would both be saved as “%s”"), path);
          return FALSE;
        }
    }
  return TRUE;
}

static char *
default_display_name (GPtrArray *paths)
{
  g_autofree char *first = g_path_get_basename (g_ptr_array_index (paths, 0));

  if (paths->len == 1)
    return g_steal_pointer (&first);
  /* TRANSLATORS: a job name: the first file name and how many others */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s and %u more file", "%s and %u more files",
                                       paths->len - 1),
                          first, paths->len - 1);
}

/* Creates the job, adds every file at once and resumes it. A job that
 * cannot be started is cancelled, so a failed start leaves nothing. */
static BargeJob *
start_job (BargeClient *client, char **urls, GPtrArray *paths, GError **error)
{
  g_autofree char *name = opt_display_name ? g_strdup (opt_display_name) : default_display_name (paths);
  g_autoptr(BargeJob) job = NULL;
  GVariantBuilder options;

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "priority",
                         g_variant_new_string (opt_priority ? opt_priority : "foreground"));
  g_variant_builder_add (&options, "{sv}", "description",
                         g_variant_new_string (_("Started by “bargectl download”")));
  job = barge_client_create_job_sync (client, name, BARGE_JOB_TYPE_DOWNLOAD,
                                      g_variant_builder_end (&options), NULL, error);
  if (job == NULL)
    return NULL;

  g_ptr_array_add (paths, NULL);
  if (!barge_job_add_files_sync (job, (const char * const *) urls,
                                 (const char * const *) paths->pdata, NULL, error) ||
      !barge_job_resume_sync (job, NULL, error))
    {
      barge_job_cancel_sync (job, NULL, NULL);
      return NULL;
    }
  return g_steal_pointer (&job);
}

int
bargectl_cmd_download (const BargectlCommand *command, int argc, char **argv)
{
  g_autoptr(GOptionContext) context = bargectl_option_context_new (command, download_entries);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) urls = NULL;
  g_autoptr(BargeClient) client = NULL;
  g_autoptr(BargeJob) job = NULL;
  g_autoptr(GError) error = NULL;
  BargeJobPriority priority;
  BargectlWaitOptions options = { 0 };
  guint n_urls;

  if (!bargectl_option_context_parse (context, command, &argc, &argv))
    return BARGECTL_EXIT_USAGE;
  if (argc < 3)
    return bargectl_usage_error (command, _("Expected at least one URL and a destination"));
  if (opt_timeout < 0)
    return bargectl_usage_error (command, _("The timeout cannot be negative"));
  if (opt_priority != NULL && !barge_job_priority_from_string (opt_priority, &priority))
    return bargectl_usage_error (command, _("Unknown priority “%s”"), opt_priority);

  n_urls = (guint) argc - 2;
  urls = g_new0 (char *, n_urls + 1);
  for (guint i = 0; i < n_urls; i++)
    urls[i] = g_strdup (argv[i + 1]);
  if (!resolve_destinations (urls, n_urls, argv[argc - 1], paths, &error))
    return bargectl_usage_error (command, "%s", error->message);

  client = bargectl_client_connect (&error);
  if (client == NULL)
    return bargectl_report_connect_error (error);
  job = start_job (client, urls, paths, &error);
  if (job == NULL)
    return bargectl_report_error (error);

  options.timeout_seconds = (guint) opt_timeout;
  options.complete = !opt_no_complete;
  options.keep_on_error = opt_keep_on_error;
  options.destination = argv[argc - 1];
  return bargectl_download_wait (client, job, &options);
}
