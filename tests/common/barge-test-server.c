/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargeTestServer"

#include "config.h"

#include <string.h>
#include <utime.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <libsoup/soup.h>

#include "barge-test-server.h"
#include "barge-test-loop-thread.h"
#include "barge-test-soup.h"
#include "barge-tsan.h"

/* Chunks stay small so that a throttled body is smooth and a suspend or a
 * kill lands in the middle of a file, not between two huge writes. */
#define STREAM_CHUNK (64 * 1024)
#define STREAM_MIN_CHUNK 1024
#define DATA_PREFIX "/data/"
/* Fixed, and more than a second before any Date header, so the daemon may
 * treat it as a strong validator. */
#define LAST_MODIFIED "Sat, 01 Jun 2024 12:00:00 GMT"
#define CONTENT_VERSION 1

struct _BargeTestServer
{
  BargeTestLoopThread *thread;
  SoupServer *server;       /* lives on the server thread */
  char *base_url;           /* written by setup, read-only after */
  GError *listen_error;     /* likewise */
  BargeTestRequestLog *requests;
  int gets;                 /* GET responses under way; server thread only */
  int max_gets;             /* the most at once; atomic, read from any thread */
};

/* --- deterministic content ---------------------------------------------- */

static guint64
content_seed (const char *name)
{
  /* FNV-1a: any stable hash of the name will do. */
  guint64 hash = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (const char *p = name; *p != '\0'; p++)
    {
      hash ^= (guint8) *p;
      hash *= G_GUINT64_CONSTANT (0x100000001b3);
    }
  return hash;
}

/* SplitMix64 is counter based: the word at any position can be computed on
 * its own, which a Range request starting anywhere needs. */
static guint64
content_word (guint64 seed, guint64 index)
{
  guint64 z = seed + (index + 1) * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static void
fill_content (guint64 seed, guint64 offset, guint8 *buf, gsize len)
{
  gsize i = 0;

  while (i < len)
    {
      guint64 pos = offset + i;
      guint64 word = content_word (seed, pos / 8);
      guint shift = (guint) (pos % 8);

      /* Little-endian byte order within each word, whatever the host. */
      for (; shift < 8 && i < len; shift++, i++)
        buf[i] = (guint8) (word >> (8 * shift));
    }
}

void
barge_test_fill_content (const char *name, guint64 offset, guint8 *buf, gsize len)
{
  fill_content (content_seed (name), offset, buf, len);
}

char *
barge_test_expected_sha256 (const char *name, guint64 size)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buf = g_malloc (1024 * 1024);
  guint64 seed = content_seed (name);

  for (guint64 pos = 0; pos < size;)
    {
      gsize len = (gsize) MIN ((guint64) 1024 * 1024, size - pos);

      fill_content (seed, pos, buf, len);
      g_checksum_update (checksum, buf, (gssize) len);
      pos += len;
    }
  return g_strdup (g_checksum_get_string (checksum));
}

char *
barge_test_server_get_etag (const char *name, guint64 size)
{
  return g_strdup_printf ("\"%s-%" G_GUINT64_FORMAT "-%d\"", name, size, CONTENT_VERSION);
}

/* --- request log --------------------------------------------------------- */

/* The TOS byte the request's connection came with: the listening socket
 * asked for it (IP_RECVTOS, inherited by accepted sockets), and Linux TCP
 * gives the one of the handshake through IP_PKTOPTIONS. A client that
 * marks its socket only after connect() shows 0. */
static int
received_tos (SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  guint8 options[64];
  socklen_t len = sizeof options;
  struct cmsghdr *cmsg;
  struct msghdr hdr = { .msg_control = options };

  if (socket == NULL || getsockopt (g_socket_get_fd (socket), IPPROTO_IP, IP_PKTOPTIONS, options, &len) != 0)
    return -1;
  hdr.msg_controllen = len;
  for (cmsg = CMSG_FIRSTHDR (&hdr); cmsg != NULL; cmsg = CMSG_NXTHDR (&hdr, cmsg))
    if (cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_TOS)
      return *(guint8 *) CMSG_DATA (cmsg);
  return -1;
}

/* Returns the request's index in the log, for its path. */
static guint
log_request (BargeTestServer *self, SoupServerMessage *msg, const char *path)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  BargeTestRequest *r = g_new0 (BargeTestRequest, 1);

  r->method = g_strdup (soup_server_message_get_method (msg));
  r->path = g_strdup (path);
  r->range = g_strdup (soup_message_headers_get_one (headers, "Range"));
  r->if_range = g_strdup (soup_message_headers_get_one (headers, "If-Range"));
  r->authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  r->status = soup_server_message_get_status (msg);
  r->tos = received_tos (msg);
  g_debug ("%s %s Range: %s If-Range: %s -> %u", r->method, path,
           r->range ? r->range : "-", r->if_range ? r->if_range : "-", r->status);
  return barge_test_request_log_add (self->requests, r);
}

GPtrArray *
barge_test_server_get_requests (BargeTestServer *self, const char *path)
{
  return barge_test_request_log_get (self->requests, path);
}

/* --- streaming bodies ---------------------------------------------------- */

typedef struct {
  SoupServerMessage *msg;   /* unowned: the stream is the message's data */
  BargeTestRequestLog *log; /* where the bytes written are counted */
  char *path;               /* the request's path and index in the log */
  guint index;
  GMainContext *context;
  guint64 seed;
  guint64 next;             /* the next byte to send */
  guint64 end;              /* one past the last byte to send */
  guint64 rate;             /* bytes per second, 0 for unthrottled */
  gsize chunk;
  gint64 started;
  guint64 sent;
  GSource *timer;
} Stream;

static void
stream_stop_timer (Stream *s)
{
  if (s->timer != NULL)
    {
      g_source_destroy (s->timer);
      g_clear_pointer (&s->timer, g_source_unref);
    }
}

static void
stream_free (Stream *s)
{
  stream_stop_timer (s);
  g_main_context_unref (s->context);
  g_free (s->path);
  g_free (s);
}

static void
stream_append_next (Stream *s)
{
  SoupMessageBody *body = soup_server_message_get_response_body (s->msg);
  gsize len = (gsize) MIN ((guint64) s->chunk, s->end - s->next);
  guint8 *buf;

  if (len == 0)
    {
      soup_message_body_complete (body);
      return;
    }
  /* Generated chunk by chunk: nothing holds the whole body in memory. */
  buf = g_malloc (len);
  fill_content (s->seed, s->next, buf, len);
  soup_message_body_append (body, SOUP_MEMORY_TAKE, buf, len);
  s->next += len;
  s->sent += len;
}

static gboolean
stream_timer_cb (gpointer user_data)
{
  Stream *s = user_data;

  g_clear_pointer (&s->timer, g_source_unref);
  stream_append_next (s);
  soup_server_message_unpause (s->msg);
  return G_SOURCE_REMOVE;
}

/* Called when the headers or the previous chunk went out: sends the next
 * chunk now, or pauses the message until the rate allows it. */
static void
stream_continue (Stream *s)
{
  gint64 due, now;

  if (s->rate == 0 || s->next >= s->end)
    {
      stream_append_next (s);
      return;
    }
  /* Pace against the start, not the previous chunk, so timer slack does
   * not accumulate into a slower rate. */
  due = s->started + (gint64) (s->sent * G_USEC_PER_SEC / s->rate);
  now = g_get_monotonic_time ();
  if (due <= now)
    {
      stream_append_next (s);
      return;
    }
  soup_server_message_pause (s->msg);
  s->timer = g_timeout_source_new ((guint) ((due - now + 999) / 1000));
  g_source_set_callback (s->timer, stream_timer_cb, s, NULL);
  g_source_attach (s->timer, s->context);
}

static void
on_wrote_headers (SoupServerMessage *msg, Stream *s)
{
  s->started = g_get_monotonic_time ();
  stream_continue (s);
}

static void
on_wrote_chunk (SoupServerMessage *msg, Stream *s)
{
  stream_continue (s);
}

/* What reached the socket, as it goes: a request the client dropped
 * counts only what was written before. */
static void
on_wrote_body_data (SoupServerMessage *msg, guint chunk_size, Stream *s)
{
  barge_test_request_log_add_sent (s->log, s->path, s->index, chunk_size);
}

static void
on_finished (SoupServerMessage *msg, Stream *s)
{
  /* The client went away or the body is done: no more chunks. */
  stream_stop_timer (s);
}

/* --- request handling ---------------------------------------------------- */

static gboolean
parse_u64 (const char *str, guint64 *out)
{
  return str != NULL && *str != '\0' &&
         g_ascii_string_to_unsigned (str, 10, 0, G_MAXUINT64, out, NULL);
}

/* Understands one range, "bytes=A-" or "bytes=A-B"; anything else is
 * ignored, as RFC 9110 allows. */
static gboolean
parse_range (const char *value, guint64 *first, guint64 *last)
{
  g_autofree char *spec = NULL;
  char *dash;

  if (value == NULL || !g_str_has_prefix (value, "bytes="))
    return FALSE;
  spec = g_strdup (value + strlen ("bytes="));
  dash = strchr (spec, '-');
  if (dash == NULL || strchr (spec, ',') != NULL)
    return FALSE;
  *dash = '\0';
  if (!parse_u64 (spec, first))
    return FALSE;
  if (dash[1] == '\0')
    *last = G_MAXUINT64;
  else if (!parse_u64 (dash + 1, last) || *last < *first)
    return FALSE;
  return TRUE;
}

/* Returns the stream of a response with a body (the message owns it), or
 * NULL. */
static Stream *
serve_data (SoupServerMessage *msg, const char *name, GHashTable *query)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  const char *range = soup_message_headers_get_one (request, "Range");
  const char *if_range = soup_message_headers_get_one (request, "If-Range");
  g_autofree char *etag = NULL;
  guint64 size = 0, rate = 0, first = 0, last = 0;
  Stream *s;

  if (query == NULL || !parse_u64 (g_hash_table_lookup (query, "size"), &size) ||
      (g_hash_table_contains (query, "rate") && !parse_u64 (g_hash_table_lookup (query, "rate"), &rate)))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      return NULL;
    }

  /* ?status=N[&retry-after=V]: answer N with no body, for error tests. */
  if (g_hash_table_contains (query, "status"))
    {
      guint64 status = 0;
      const char *retry_after = g_hash_table_lookup (query, "retry-after");

      if (!parse_u64 (g_hash_table_lookup (query, "status"), &status) || status < 100 || status > 999)
        status = SOUP_STATUS_BAD_REQUEST;
      if (retry_after != NULL)
        soup_message_headers_replace (response, "Retry-After", retry_after);
      soup_server_message_set_status (msg, (guint) status, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "", 0);
      return NULL;
    }

  /* ?auth=basic: every request must carry Basic alice:pw, or gets 401. */
  if (g_strcmp0 (g_hash_table_lookup (query, "auth"), "basic") == 0 &&
      g_strcmp0 (soup_message_headers_get_one (request, "Authorization"), "Basic YWxpY2U6cHc=") != 0)
    {
      soup_message_headers_replace (response, "WWW-Authenticate", "Basic realm=\"barge-test\"");
      soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "", 0);
      return NULL;
    }

  /* ?closed-ranges=redirect: a segment's request is sent elsewhere. */
  if (g_strcmp0 (g_hash_table_lookup (query, "closed-ranges"), "redirect") == 0 && range != NULL &&
      !g_str_has_suffix (range, "-"))
    {
      g_autofree char *target = g_strdup_printf ("/data/%s-elsewhere?size=%" G_GUINT64_FORMAT, name, size);

      soup_message_headers_replace (response, "Location", target);
      soup_server_message_set_status (msg, SOUP_STATUS_FOUND, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "", 0);
      return NULL;
    }

  etag = barge_test_server_get_etag (name, size);
  soup_message_headers_replace (response, "ETag", etag);
  soup_message_headers_replace (response, "Last-Modified", LAST_MODIFIED);
  soup_message_headers_replace (response, "Accept-Ranges", "bytes");
  soup_message_headers_set_content_type (response, "application/octet-stream", NULL);
  /* ?digest=repr|legacy|wrong: the SHA-256 of the whole content in
   * Repr-Digest (RFC 9530), in Digest (RFC 3230), or a wrong one. */
  if (g_hash_table_contains (query, "digest"))
    {
      const char *how = g_hash_table_lookup (query, "digest");
      g_autofree char *hex = barge_test_expected_sha256 (name, size);
      guint8 raw[32];
      g_autofree char *b64 = NULL;
      g_autofree char *value = NULL;

      for (guint i = 0; i < 32; i++)
        raw[i] = (guint8) g_ascii_strtoull ((char[]) { hex[2 * i], hex[2 * i + 1], '\0' }, NULL, 16);
      if (g_strcmp0 (how, "wrong") == 0)
        raw[0] ^= 0xff;
      b64 = g_base64_encode (raw, sizeof raw);
      if (g_strcmp0 (how, "legacy") == 0)
        soup_message_headers_replace (response, "Digest", (value = g_strdup_printf ("MD5=x, SHA-256=%s", b64)));
      else
        soup_message_headers_replace (response, "Repr-Digest",
                                      (value = g_strdup_printf ("unixsum=1, sha-256=:%s:", b64)));
    }

  /* If-Range: the range applies only to the representation named. */
  if (range != NULL && if_range != NULL &&
      g_strcmp0 (if_range, etag) != 0 && g_strcmp0 (if_range, LAST_MODIFIED) != 0)
    range = NULL;
  /* ?ranges=no: a server that ignores Range and sends the whole body. */
  if (g_strcmp0 (g_hash_table_lookup (query, "ranges"), "no") == 0)
    range = NULL;

  if (parse_range (range, &first, &last))
    {
      if (first >= size)
        {
          g_autofree char *unsatisfied = g_strdup_printf ("bytes */%" G_GUINT64_FORMAT, size);

          soup_server_message_set_status (msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, NULL);
          soup_message_headers_replace (response, "Content-Range", unsatisfied);
          soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "", 0);
          return NULL;
        }
      last = MIN (last, size - 1);
      soup_server_message_set_status (msg, SOUP_STATUS_PARTIAL_CONTENT, NULL);
      /* ?length=unknown: the complete length is "*". */
      soup_message_headers_set_content_range (response, (goffset) first, (goffset) last,
                                              g_strcmp0 (g_hash_table_lookup (query, "length"), "unknown") == 0
                                                ? -1 : (goffset) size);
    }
  else
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      first = 0;
      last = size - 1;      /* wraps for size 0: the length below is 0 */
    }

  soup_message_headers_set_encoding (response, SOUP_ENCODING_CONTENT_LENGTH);
  soup_message_headers_set_content_length (response, (goffset) (last + 1 - first));
  if (g_strcmp0 (method, SOUP_METHOD_HEAD) == 0 || last + 1 == first)
    return NULL;

  s = g_new0 (Stream, 1);
  s->msg = msg;
  s->context = g_main_context_ref_thread_default ();
  s->seed = content_seed (name);
  s->next = first;
  s->end = last + 1;
  s->rate = rate;
  s->chunk = rate == 0 ? STREAM_CHUNK : (gsize) CLAMP (rate / 20, STREAM_MIN_CHUNK, STREAM_CHUNK);
  g_object_set_data_full (G_OBJECT (msg), "barge-test-stream", s, (GDestroyNotify) stream_free);
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);
  g_signal_connect (msg, "wrote-headers", G_CALLBACK (on_wrote_headers), s);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (on_wrote_chunk), s);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (on_wrote_body_data), s);
  g_signal_connect (msg, "finished", G_CALLBACK (on_finished), s);
  return s;
}

static void
on_get_finished (SoupServerMessage *msg, BargeTestServer *self)
{
  self->gets--;
}

static void
server_callback (SoupServer *server, SoupServerMessage *msg, const char *path,
                 GHashTable *query, gpointer user_data)
{
  BargeTestServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *name = g_str_has_prefix (path, DATA_PREFIX) ? path + strlen (DATA_PREFIX) : NULL;
  Stream *s = NULL;
  guint index;

  /* A GET is under way from here until its message finished: its body
   * sent, or the client gone. */
  if (g_strcmp0 (method, SOUP_METHOD_GET) == 0)
    {
      self->gets++;
      if (self->gets > g_atomic_int_get (&self->max_gets))
        g_atomic_int_set (&self->max_gets, self->gets);
      g_signal_connect (msg, "finished", G_CALLBACK (on_get_finished), self);
    }

  if (name == NULL || *name == '\0' || strchr (name, '/') != NULL)
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
  else if (g_strcmp0 (method, SOUP_METHOD_GET) != 0 && g_strcmp0 (method, SOUP_METHOD_HEAD) != 0)
    soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
  else
    s = serve_data (msg, name, query);
  index = log_request (self, msg, path);
  /* No byte of the body is written before this callback returns. */
  if (s != NULL)
    {
      s->log = self->requests;
      s->path = g_strdup (path);
      s->index = index;
    }
}

/* --- the server thread --------------------------------------------------- */

static gboolean
server_setup (gpointer user_data)
{
  BargeTestServer *self = user_data;
  GSList *listeners;

  self->server = soup_server_new ("server-header", "barge-test-server ", NULL);
  soup_server_add_handler (self->server, NULL, server_callback, self, NULL);
  self->base_url = barge_test_soup_listen_loopback (self->server, &self->listen_error);
  if (self->base_url == NULL)
    return FALSE;
  listeners = soup_server_get_listeners (self->server);
  for (GSList *l = listeners; l != NULL; l = l->next)
    {
      int on = 1;

      (void) setsockopt (g_socket_get_fd (l->data), IPPROTO_IP, IP_RECVTOS, &on, sizeof on);
    }
  g_slist_free (listeners);
  return TRUE;
}

static void
server_teardown (gpointer user_data)
{
  BargeTestServer *self = user_data;

  barge_test_soup_close (&self->server);
}

BargeTestServer *
barge_test_server_new (void)
{
  BargeTestServer *self = g_new0 (BargeTestServer, 1);

  self->requests = barge_test_request_log_new ();
  self->thread = barge_test_loop_thread_start ("barge-test-server", server_setup, server_teardown, self);
  g_assert_no_error (self->listen_error);
  g_assert_nonnull (self->base_url);
  return self;
}

void
barge_test_server_free (BargeTestServer *self)
{
  if (self == NULL)
    return;
  barge_test_loop_thread_stop (self->thread);
  barge_test_request_log_free (self->requests);
  g_clear_error (&self->listen_error);
  g_free (self->base_url);
  g_free (self);
}

const char *
barge_test_server_get_base_url (BargeTestServer *self)
{
  return self->base_url;
}

guint
barge_test_server_get_max_concurrent (BargeTestServer *self)
{
  return (guint) g_atomic_int_get (&self->max_gets);
}

char *
barge_test_server_get_data_path (const char *name)
{
  return g_strconcat (DATA_PREFIX, name, NULL);
}

char *
barge_test_server_get_data_url (BargeTestServer *self, const char *name, guint64 size, guint64 rate)
{
  if (rate == 0)
    return g_strdup_printf ("%s" DATA_PREFIX "%s?size=%" G_GUINT64_FORMAT, self->base_url, name, size);
  return g_strdup_printf ("%s" DATA_PREFIX "%s?size=%" G_GUINT64_FORMAT "&rate=%" G_GUINT64_FORMAT,
                          self->base_url, name, size, rate);
}

void
barge_test_write_content (const char *path, const char *name, guint64 size)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *data = g_malloc (MAX (size, 1));
  struct utimbuf times = { .actime = 1700000000, .modtime = 1700000000 };

  barge_test_fill_content (name, 0, data, size);
  g_file_set_contents (path, (const char *) data, (gssize) size, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_assert_cmpint (utime (path, &times), ==, 0);
}
