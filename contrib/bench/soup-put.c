/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* contrib/bench/soup-put: the most libsoup 3 can do for one upload, as a
 * peer in contrib/bench/upload-throughput: PUT FILE to URL from memory (the
 * file mapped, so no read costs anything), with the blocking API on this
 * thread ("sync", what a transfer thread of its own would do) or the
 * asynchronous one on a main loop ("async", what barged does). Exit
 * status 0 when the server answered 2xx. Built by the script with cc. */
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  GMainLoop *loop;
  GError *error;
} Sent;

static void
on_sent (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Sent *sent = user_data;
  GBytes *body = soup_session_send_and_read_finish (SOUP_SESSION (source), res, &sent->error);

  if (body != NULL)
    g_bytes_unref (body);
  g_main_loop_quit (sent->loop);
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  GMappedFile *file;
  GBytes *bytes;
  GInputStream *stream;
  SoupSession *session;
  SoupMessage *msg;
  guint status;

  if (argc != 4 || (strcmp (argv[3], "sync") != 0 && strcmp (argv[3], "async") != 0))
    {
      fprintf (stderr, "usage: soup-put URL FILE sync|async\n");
      return 2;
    }
  file = g_mapped_file_new (argv[2], FALSE, &error);
  if (file == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  bytes = g_mapped_file_get_bytes (file);
  stream = g_memory_input_stream_new_from_bytes (bytes);
  session = soup_session_new ();
  msg = soup_message_new (SOUP_METHOD_PUT, argv[1]);
  soup_message_set_request_body (msg, "application/octet-stream", stream, (gssize) g_bytes_get_size (bytes));
  if (strcmp (argv[3], "sync") == 0)
    {
      GBytes *body = soup_session_send_and_read (session, msg, NULL, &error);

      if (body != NULL)
        g_bytes_unref (body);
    }
  else
    {
      Sent sent = { g_main_loop_new (NULL, FALSE), NULL };

      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, &sent);
      g_main_loop_run (sent.loop);
      g_main_loop_unref (sent.loop);
      error = sent.error;
    }
  status = soup_message_get_status (msg);
  if (error != NULL)
    fprintf (stderr, "%s\n", error->message);
  g_object_unref (msg);
  g_object_unref (session);
  g_object_unref (stream);
  g_bytes_unref (bytes);
  g_mapped_file_unref (file);
  return error == NULL && SOUP_STATUS_IS_SUCCESSFUL (status) ? 0 : 1;
}
