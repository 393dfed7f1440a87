/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <glib/gi18n.h>

#include "bargectl.h"
#include "bargectl-client.h"
#include "bargectl-output.h"
#include "bargectl-parse.h"
#include "bargectl-wait.h"

/* `download URL… DEST` and `download --list=FILE`: the synchronous one-shot
 * of Start-BitsTransfer.
 * This file turns the arguments into a running job; the waiting is in
 * bargectl-wait.c, shared with `upload`. */

static char *opt_display_name;
static char *opt_priority;
static char *opt_cost_policy;
static char *opt_list;
static char *opt_segments;
static BargectlFileOptions opt_file;
static char *opt_redirect_policy;
static gboolean opt_allow_https_to_http;

static const GOptionEntry download_entries[] = {
  { "display-name", 0, 0, G_OPTION_ARG_STRING, &opt_display_name,
    N_("The name of the job (default: the first file name)"), N_("NAME") },
  { "priority", 0, 0, G_OPTION_ARG_STRING, &opt_priority,
    N_("foreground (the default here: you are waiting), high, normal or low"), N_("P") },
  { "cost-policy", 0, 0, G_OPTION_ARG_STRING, &opt_cost_policy,
    N_("any (the default) or unmetered: transfer only on networks that are not metered"),
    N_("POLICY") },
  { "list", 0, 0, G_OPTION_ARG_FILENAME, &opt_list,
    N_("Download the files listed in FILE, one “URL LOCALPATH” per line (- for standard input)"),
    N_("FILE") },
  BARGECTL_SEGMENTS_OPTION_ENTRY (opt_segments),
  BARGECTL_FILE_OPTION_ENTRIES (opt_file),
  { "redirect-policy", 0, 0, G_OPTION_ARG_STRING, &opt_redirect_policy,
    N_("allow (the default), allow-report or disallow: what to do when a server redirects"), N_("POLICY") },
  { "allow-https-to-http", 0, 0, G_OPTION_ARG_NONE, &opt_allow_https_to_http,
    N_("Follow a redirect from https to http (refused by default)"), NULL },
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

/* The innermost folder that holds every path: where a list's files went,
 * for the summary line. */
static char *
common_folder (GPtrArray *paths)
{
  g_autofree char *folder = g_path_get_dirname (g_ptr_array_index (paths, 0));

  for (guint i = 1; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);

      while (!g_str_equal (folder, "/") &&
             !(g_str_has_prefix (path, folder) && path[strlen (folder)] == '/'))
        {
          char *parent = g_path_get_dirname (folder);

          g_free (folder);
          folder = parent;
        }
    }
  return g_steal_pointer (&folder);
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

static void
print_summary (BargeJob *job, guint64 bytes, double seconds, gpointer user_data)
{
  const char *destination = user_data;
  BargeProgress *progress = barge_job_get_progress (job);
  guint64 files = progress ? barge_progress_get_files_total (progress) : 0;
  g_autofree char *size = bargectl_format_size (bytes);
  g_autofree char *duration = bargectl_format_duration (seconds);
  g_autofree char *rate = bargectl_format_size (seconds > 0.001 ? (guint64) (bytes / seconds) : bytes);

  /* TRANSLATORS: "Downloaded 2 files (3.1 MB) to /tmp in 0:04 (800 kB/s)" */
  g_print (g_dngettext (GETTEXT_PACKAGE, "Downloaded %" PRIu64 " file (%s) to %s in %s (%s/s)\n",
                        "Downloaded %" PRIu64 " files (%s) to %s in %s (%s/s)\n", files),
           files, size, destination, duration, rate);
}

int
bargectl_cmd_download (const BargectlCommand *command, int argc, char **argv)
{
  g_autoptr(GOptionContext) context = bargectl_option_context_new (command, download_entries);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(BargeClient) client = NULL;
  g_autoptr(BargeJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *destination = NULL;
  BargeJobPriority priority;
  BargectlWaitOptions options;
  GVariantBuilder create_options;
  guint segments = 0;
  g_autoptr(GVariant) checks = NULL;

  g_option_context_add_main_entries (context, bargectl_wait_option_entries (), GETTEXT_PACKAGE);
  if (!bargectl_option_context_parse (context, command, &argc, &argv))
    return BARGECTL_EXIT_USAGE;
  if (opt_list != NULL && argc != 1)
    return bargectl_usage_error (command, _("Expected --list=FILE, nothing else"));
  if (opt_list == NULL && argc < 3)
    return bargectl_usage_error (command, _("Expected at least one URL and a destination"));
  if (!bargectl_wait_options_init (&options, &error))
    return bargectl_usage_error (command, "%s", error->message);
  if (opt_priority != NULL && !barge_job_priority_from_string (opt_priority, &priority))
    return bargectl_usage_error (command, _("Unknown priority “%s”"), opt_priority);
  if (opt_cost_policy != NULL && !g_str_equal (opt_cost_policy, "any") &&
      !g_str_equal (opt_cost_policy, "unmetered"))
    return bargectl_usage_error (command, _("Unknown cost policy “%s”; use any or unmetered"),
                                 opt_cost_policy);
  if (opt_segments != NULL && !bargectl_parse_segments (opt_segments, &segments, &error))
    return bargectl_usage_error (command, "--segments: %s", error->message);
  if (!bargectl_file_options_build (&opt_file, &checks, &error))
    return bargectl_usage_error (command, "%s", error->message);
  if (checks != NULL && (opt_list != NULL || argc != 3))
    return bargectl_usage_error (command, _("--sha256, --sha512, --size and --range are for one file: give one URL"));
  if (opt_redirect_policy != NULL && !barge_redirect_policy_from_string (opt_redirect_policy, NULL))
    return bargectl_usage_error (command, _("Unknown redirect policy “%s”; use allow, allow-report or disallow"),
                                 opt_redirect_policy);

  if (opt_list != NULL)
    {
      if (!bargectl_read_file_list (opt_list, urls, paths, &error))
        return bargectl_usage_error (command, "%s", error->message);
      destination = common_folder (paths);
    }
  else
    {
      for (int i = 1; i < argc - 1; i++)
        g_ptr_array_add (urls, g_strdup (argv[i]));
      if (!resolve_destinations ((char **) urls->pdata, urls->len, argv[argc - 1], paths, &error))
        return bargectl_usage_error (command, "%s", error->message);
      destination = g_strdup (argv[argc - 1]);
    }
  name = opt_display_name ? g_strdup (opt_display_name) : default_display_name (paths);
  g_ptr_array_add (urls, NULL);
  g_ptr_array_add (paths, NULL);

  g_variant_builder_init (&create_options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&create_options, "{sv}", "priority",
                         g_variant_new_string (opt_priority ? opt_priority : "foreground"));
  g_variant_builder_add (&create_options, "{sv}", "description",
                         g_variant_new_string (_("Started by “bargectl download”")));
  if (opt_cost_policy != NULL)
    g_variant_builder_add (&create_options, "{sv}", "cost-policy",
                           g_variant_new_string (opt_cost_policy));
  if (opt_segments != NULL)
    g_variant_builder_add (&create_options, "{sv}", "max-segments", g_variant_new_uint32 (segments));
  if (opt_redirect_policy != NULL)
    g_variant_builder_add (&create_options, "{sv}", "redirect-policy", g_variant_new_string (opt_redirect_policy));
  if (opt_allow_https_to_http)
    g_variant_builder_add (&create_options, "{sv}", "allow-https-to-http", g_variant_new_boolean (TRUE));
  bargectl_wait_add_create_options (&options, &create_options);

  client = bargectl_client_connect (&error);
  if (client == NULL)
    {
      g_variant_builder_clear (&create_options);
      return bargectl_report_connect_error (error);
    }
  job = bargectl_wait_start_job (client, name, BARGE_JOB_TYPE_DOWNLOAD,
                                 g_variant_builder_end (&create_options),
                                 (const char * const *) urls->pdata, (const char * const *) paths->pdata,
                                 checks, &options, &error);
  if (job == NULL)
    return bargectl_report_error (error);

  options.print_summary = print_summary;
  options.user_data = destination;
  return bargectl_wait_for_job (client, job, &options);
}
