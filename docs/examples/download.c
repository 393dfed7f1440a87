/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The program of the tutorial (docs/tutorial.md): download several files
 * with one Barge job, show the progress, and complete the job.
 *
 *     download DEST_DIR URL...
 *
 * Build: cc download.c $(pkg-config --cflags --libs barge-1) -o download
 * The daemon is reached on the session bus. */

#include <barge.h>
#include <stdio.h>

typedef struct {
  GMainLoop *loop;
  BargeClient *client; /* kept while the job is used: the client follows it */
  int status;
} App;

static void
on_progress (BargeJob *job, GParamSpec *pspec, gpointer user_data)
{
  BargeProgress *progress = barge_job_get_progress (job);

  if (barge_progress_is_total_known (progress))
    g_print ("%3.0f%% %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " bytes\n",
             barge_progress_get_fraction (progress) * 100,
             barge_progress_get_bytes_transferred (progress),
             barge_progress_get_bytes_total (progress));
  else
    g_print ("%" G_GUINT64_FORMAT " bytes\n", barge_progress_get_bytes_transferred (progress));
}

static void
on_completed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  App *app = user_data;
  g_autoptr(GError) error = NULL;

  if (barge_job_complete_finish (BARGE_JOB (source), res, &error))
    {
      g_print ("done\n");
      app->status = 0;
    }
  else
    g_printerr ("could not complete the job: %s\n", error->message);
  g_main_loop_quit (app->loop);
}

static void
on_transferred (BargeJob *job, gpointer user_data)
{
  /* Only Complete() moves the files to their final names. */
  barge_job_complete_async (job, NULL, on_completed, user_data);
}

static void
on_failed (BargeJob *job, const char *context, const char *error_name,
           const char *message, gpointer user_data)
{
  App *app = user_data;

  g_printerr ("failed (%s, %s): %s\n", context, error_name, message);
  barge_job_cancel_sync (job, NULL, NULL);
  g_main_loop_quit (app->loop);
}

/* Sets up and starts the job; the main loop does the rest. */
static BargeJob *
start_download (const char *dest_dir, const char * const *urls, App *app, GError **error)
{
  g_autoptr(BargeJob) job = NULL;
  g_autoptr(BargeJobOptions) options = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_auto(GValue) interval = G_VALUE_INIT;

  /* 1. Connect to the daemon. */
  app->client = barge_client_new_sync (G_BUS_TYPE_SESSION, NULL, error);
  if (app->client == NULL)
    return NULL;

  /* 2. Create a job: it starts suspended, with no files. */
  options = barge_job_options_new ();
  barge_job_options_set_description (options, "Files for the tutorial");
  barge_job_options_set_priority (options, BARGE_JOB_PRIORITY_FOREGROUND);
  job = barge_client_create_job_sync (app->client, "tutorial", BARGE_JOB_TYPE_DOWNLOAD,
                                      barge_job_options_to_variant (options), NULL, error);
  if (job == NULL)
    return NULL;

  /* 3. Progress is announced at most every 500 ms by default: ask for 200. */
  g_value_init (&interval, G_TYPE_UINT);
  g_value_set_uint (&interval, 200);
  if (!barge_job_set_property_sync (job, "minimum-notification-interval", &interval, NULL, error))
    return NULL;

  /* 4. Add the files: each URL goes to dest_dir under its last path element. */
  for (guint i = 0; urls[i] != NULL; i++)
    {
      g_autoptr(GUri) uri = g_uri_parse (urls[i], G_URI_FLAGS_NONE, error);
      g_autofree char *name = NULL;

      if (uri == NULL)
        return NULL;
      name = g_path_get_basename (g_uri_get_path (uri));
      g_ptr_array_add (paths, g_build_filename (dest_dir, name, NULL));
    }
  g_ptr_array_add (paths, NULL);
  if (!barge_job_add_files_sync (job, urls, (const char * const *) paths->pdata, NULL, error))
    return NULL;

  /* 5. Connect to the signals, then start the job. */
  g_signal_connect (job, "notify::progress", G_CALLBACK (on_progress), app);
  g_signal_connect (job, "transferred", G_CALLBACK (on_transferred), app);
  g_signal_connect (job, "failed", G_CALLBACK (on_failed), app);
  if (!barge_job_resume_sync (job, NULL, error))
    return NULL;
  return g_steal_pointer (&job);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BargeJob) job = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  App app = { loop, NULL, 1 };

  if (argc < 3)
    {
      g_printerr ("usage: %s DEST_DIR URL...\n", argv[0]);
      return 2;
    }

  job = start_download (argv[1], (const char * const *) argv + 2, &app, &error);
  if (job == NULL)
    {
      g_printerr ("%s\n", error->message);
      g_clear_object (&app.client);
      return 1;
    }
  /* 6. The signal handlers end the loop. */
  g_main_loop_run (loop);
  g_clear_object (&app.client);
  return app.status;
}
