/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* contrib/bench/soup-get: the most libsoup 3 does for many files, as a peer
 * in contrib/bench/many-files: GET every "URL PATH" line of LIST into PATH,
 * 16 at a time, with nothing else around it (no D-Bus, no store, no
 * temporary files, no sync: what curl --parallel does).
 *   async  one SoupSession on one main loop, 16 requests in flight, each
 *          body read 64 KiB at a time and written with write(): the shape
 *          of barged's engine, without barged
 *   sync   16 threads, each with a SoupSession of its own and the blocking
 *          API: what an engine of transfer threads would do
 * SOUP_GET_CA=FILE (not empty): trust that CA for https URLs (the bench's test CA).
 * Exit status 0 when every file came with a 2xx. Built by the scripts with
 * cc. */
#include <errno.h>
#include <fcntl.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PARALLEL 16
#define CHUNK (64 * 1024)

typedef struct {
  GPtrArray *urls;
  GPtrArray *paths;
  SoupSession *session;      /* async */
  GMainLoop *loop;           /* async */
  guint next;                /* the next file to start; atomic in sync */
  guint active;              /* async */
  gint failed;
} Run;

typedef struct {
  Run *run;
  guint index;
  SoupMessage *msg;
  GInputStream *body;
  int fd;
  guint8 buffer[CHUNK];
} Fetch;

static gboolean
write_all (int fd, const guint8 *data, gsize len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

static void start_next (Run *run);

static SoupSession *
new_session (void)
{
  SoupSession *session = soup_session_new_with_options ("max-conns", PARALLEL, "max-conns-per-host", PARALLEL,
                                                        NULL);
  const char *ca = g_getenv ("SOUP_GET_CA");

  if (ca != NULL && *ca != '\0')
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca, &error);

      if (database == NULL)
        g_error ("%s: %s", ca, error->message);
      soup_session_set_tls_database (session, database);
    }
  return session;
}

static void
fetch_done (Fetch *fetch, const char *error)
{
  Run *run = fetch->run;

  if (error != NULL)
    {
      fprintf (stderr, "%s: %s\n", (const char *) run->urls->pdata[fetch->index], error);
      run->failed = 1;
    }
  if (fetch->fd >= 0)
    close (fetch->fd);
  g_clear_object (&fetch->body);
  g_clear_object (&fetch->msg);
  g_free (fetch);
  run->active--;
  start_next (run);
}

static void
on_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), res, &error);

  if (n < 0)
    fetch_done (fetch, error->message);
  else if (n == 0)
    fetch_done (fetch, NULL);
  else if (!write_all (fetch->fd, fetch->buffer, (gsize) n))
    fetch_done (fetch, g_strerror (errno));
  else
    g_input_stream_read_async (fetch->body, fetch->buffer, CHUNK, G_PRIORITY_DEFAULT, NULL, on_read, fetch);
}

static void
on_sent (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;

  fetch->body = soup_session_send_finish (SOUP_SESSION (source), res, &error);
  if (fetch->body == NULL)
    {
      fetch_done (fetch, error->message);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (fetch->msg)))
    {
      fetch_done (fetch, "not a 2xx status");
      return;
    }
  fetch->fd = open (fetch->run->paths->pdata[fetch->index], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fetch->fd < 0)
    {
      fetch_done (fetch, g_strerror (errno));
      return;
    }
  g_input_stream_read_async (fetch->body, fetch->buffer, CHUNK, G_PRIORITY_DEFAULT, NULL, on_read, fetch);
}

static void
start_next (Run *run)
{
  while (run->active < PARALLEL && run->next < run->urls->len)
    {
      Fetch *fetch = g_new0 (Fetch, 1);

      fetch->run = run;
      fetch->index = run->next++;
      fetch->fd = -1;
      fetch->msg = soup_message_new (SOUP_METHOD_GET, run->urls->pdata[fetch->index]);
      run->active++;
      soup_session_send_async (run->session, fetch->msg, G_PRIORITY_DEFAULT, NULL, on_sent, fetch);
    }
  if (run->active == 0)
    g_main_loop_quit (run->loop);
}

static gpointer
sync_thread (gpointer user_data)
{
  Run *run = user_data;
  SoupSession *session = new_session ();
  guint8 *buffer = g_malloc (CHUNK);
  guint i;

  while ((i = g_atomic_int_add (&run->next, 1)) < run->urls->len)
    {
      g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, run->urls->pdata[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GInputStream) body = soup_session_send (session, msg, NULL, &error);
      int fd = -1;
      gssize n = 0;

      if (body != NULL && SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
        fd = open (run->paths->pdata[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      while (fd >= 0 && (n = g_input_stream_read (body, buffer, CHUNK, NULL, &error)) > 0)
        if (!write_all (fd, buffer, (gsize) n))
          {
            n = -1;
            break;
          }
      if (fd < 0 || n < 0)
        {
          fprintf (stderr, "%s: %s\n", (const char *) run->urls->pdata[i],
                   error != NULL ? error->message : "not a 2xx status, or a local error");
          g_atomic_int_set (&run->failed, 1);
        }
      if (fd >= 0)
        close (fd);
    }
  g_free (buffer);
  g_object_unref (session);
  return NULL;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  Run run = { .urls = g_ptr_array_new (), .paths = g_ptr_array_new () };

  if (argc != 3 || (strcmp (argv[2], "sync") != 0 && strcmp (argv[2], "async") != 0))
    {
      fprintf (stderr, "usage: soup-get LIST sync|async\n");
      return 2;
    }
  if (!g_file_get_contents (argv[1], &text, NULL, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *space = strchr (lines[i], ' ');

      if (space == NULL)
        continue;
      *space = '\0';
      g_ptr_array_add (run.urls, lines[i]);
      g_ptr_array_add (run.paths, space + 1);
    }
  if (strcmp (argv[2], "async") == 0)
    {
      run.loop = g_main_loop_new (NULL, FALSE);
      run.session = new_session ();
      start_next (&run);
      if (run.active > 0)
        g_main_loop_run (run.loop);
      g_object_unref (run.session);
      g_main_loop_unref (run.loop);
    }
  else
    {
      GThread *threads[PARALLEL];

      for (guint i = 0; i < PARALLEL; i++)
        threads[i] = g_thread_new ("soup-get", sync_thread, &run);
      for (guint i = 0; i < PARALLEL; i++)
        g_thread_join (threads[i]);
    }
  g_ptr_array_unref (run.urls);
  g_ptr_array_unref (run.paths);
  return run.failed ? 1 : 0;
}
