/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* BargedSourceStream: an upload's request body, read ahead in blocks on a
 * worker and served to libsoup's 8 KiB reads from the main loop; a source
 * that changes while it is read fails the read. */
#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "barge.h"
#include "barged-source-stream.h"

#define MiB (1024 * 1024)
#define TIMEOUT_MS 30000

typedef struct {
  char *dir;
  char *path;
  guint8 *content;
  gsize size;
  int fd;
  BargedSourceIdentity identity;
} Fixture;

static void
fill (guint8 *buf, gsize size, guint8 seed)
{
  for (gsize i = 0; i < size; i++)
    buf[i] = (guint8) ((i * 131 + i / 4093 + seed) & 0xff);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("barge-source-stream-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "source.bin", NULL);
  /* Not a multiple of the block size nor of 8 KiB. */
  f->size = 3 * MiB + 12345;
  f->content = g_malloc (f->size);
  fill (f->content, f->size, 0);
  g_file_set_contents (f->path, (const char *) f->content, (gssize) f->size, &error);
  g_assert_no_error (error);
  f->fd = open (f->path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (f->fd, >=, 0);
  g_assert_true (barged_file_access_stat_source (getuid (), f->path, &f->identity, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  close (f->fd);
  g_unlink (f->path);
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
  g_free (f->content);
}

static gboolean
on_timeout (gpointer user_data)
{
  g_error ("timed out reading the stream");
  return G_SOURCE_REMOVE;
}

typedef struct {
  GByteArray *got;
  GError *error;
  gboolean done;
  guint8 buf[8192];
} Reader;

static void read_next (GInputStream *stream, Reader *r);

static void
on_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Reader *r = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), res, &r->error);

  if (n <= 0)
    {
      r->done = TRUE;
      return;
    }
  g_byte_array_append (r->got, r->buf, (guint) n);
  read_next (G_INPUT_STREAM (source), r);
}

/* As libsoup reads a request body: 8 KiB at a time, asynchronously. */
static void
read_next (GInputStream *stream, Reader *r)
{
  g_input_stream_read_async (stream, r->buf, sizeof r->buf, G_PRIORITY_DEFAULT, NULL, on_read, r);
}

static void
read_all (GInputStream *stream, Reader *r)
{
  guint timeout = g_timeout_add (TIMEOUT_MS, on_timeout, NULL);

  r->got = g_byte_array_new ();
  read_next (stream, r);
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

static void
test_whole (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BargedSourceStream) stream = barged_source_stream_new (f->fd, getuid (), f->path, &f->identity, 0,
                                                                   f->size, &error);
  Reader r = { 0 };

  g_assert_no_error (error);
  /* Pollable: GLib's async reads do not go to a worker thread each. */
  g_assert_true (G_IS_POLLABLE_INPUT_STREAM (stream));
  g_assert_true (g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (stream)));
  read_all (G_INPUT_STREAM (stream), &r);
  g_assert_no_error (r.error);
  g_assert_cmpmem (r.got->data, r.got->len, f->content, f->size);
  g_byte_array_unref (r.got);
}

/* A tus PATCH or a BITS fragment: a range in the middle, not a whole block. */
static void
test_range (Fixture *f, gconstpointer data)
{
  const guint64 offset = MiB + 77;
  const guint64 length = 2 * MiB - 1000;
  g_autoptr(GError) error = NULL;
  g_autoptr(BargedSourceStream) stream = barged_source_stream_new (f->fd, getuid (), f->path, &f->identity,
                                                                   offset, length, &error);
  guint8 buf[16];
  gssize n;

  g_assert_no_error (error);
  /* A blocking read of what is not read yet would block the main loop on
   * the disk: refused (the first block is still on the worker). */
  n = g_input_stream_read (G_INPUT_STREAM (stream), buf, sizeof buf, NULL, &error);
  g_assert_cmpint (n, ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  {
    Reader r = { 0 };

    read_all (G_INPUT_STREAM (stream), &r);
    g_assert_no_error (r.error);
    g_assert_cmpmem (r.got->data, r.got->len, f->content + offset, length);
    g_byte_array_unref (r.got);
  }
}

/* The source is rewritten (same size, new content) after the stream read
 * its first blocks: a later block fails with LocalFileChanged, and nothing
 * of the new content was served. */
static void
test_changed (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BargedSourceStream) stream = barged_source_stream_new (f->fd, getuid (), f->path, &f->identity, 0,
                                                                   f->size, &error);
  g_autofree guint8 *other = g_malloc (f->size);
  guint8 buf[8192];
  gsize got = 0;
  Reader r = { 0 };
  int fd;

  g_assert_no_error (error);
  /* The first 8 KiB, so the first blocks are in. */
  while (got == 0)
    {
      gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (stream), buf, sizeof buf,
                                                           NULL, &error);
      if (n < 0)
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
          g_clear_error (&error);
          g_main_context_iteration (NULL, TRUE);
          continue;
        }
      got = (gsize) n;
    }
  g_assert_cmpmem (buf, got, f->content, got);
  /* In place, as an editor that does not rename would: the same inode and
   * size, a new modification time. */
  fill (other, f->size, 99);
  fd = open (f->path, O_WRONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, other, f->size, 0), ==, (gssize) f->size);
  {
    struct timespec later[2] = { { 0, UTIME_OMIT }, { (time_t) (f->identity.mtime_ns / 1000000000) + 10, 0 } };

    g_assert_cmpint (futimens (fd, later), ==, 0);
  }
  close (fd);
  read_all (G_INPUT_STREAM (stream), &r);
  g_assert_error (r.error, BARGE_ERROR, BARGE_ERROR_LOCAL_FILE_CHANGED);
  g_assert_cmpuint (got + r.got->len, <, f->size);
  /* What was served came from blocks read before the change, so it is the
   * old content: the blocks read ahead hold it. */
  g_assert_cmpmem (r.got->data, r.got->len, f->content + got, r.got->len);
  g_clear_error (&r.error);
  g_byte_array_unref (r.got);
}

/* A body that could not be made again (barged_upload_set_body()): its first
 * read fails with the error, so the request does, and no read ends it
 * early as an empty body would. */
static void
test_failed (void)
{
  g_autoptr(GError) why = g_error_new_literal (BARGE_ERROR, BARGE_ERROR_LOCAL_FILE, "cannot read it");
  g_autoptr(BargedSourceStream) stream = barged_source_stream_new_failed (why);
  Reader r = { 0 };

  g_assert_true (g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (stream)));
  read_all (G_INPUT_STREAM (stream), &r);
  g_assert_error (r.error, BARGE_ERROR, BARGE_ERROR_LOCAL_FILE);
  g_assert_cmpstr (r.error->message, ==, "cannot read it");
  g_assert_cmpuint (r.got->len, ==, 0);
  g_clear_error (&r.error);
  g_byte_array_unref (r.got);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/source-stream/whole", Fixture, NULL, fixture_setup, test_whole, fixture_teardown);
  g_test_add ("/source-stream/range", Fixture, NULL, fixture_setup, test_range, fixture_teardown);
  g_test_add ("/source-stream/changed", Fixture, NULL, fixture_setup, test_changed, fixture_teardown);
  g_test_add_func ("/source-stream/failed", test_failed);
  return g_test_run ();
}
