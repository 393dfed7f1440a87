/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargeTestBitsServer"

#include "config.h"

#include <string.h>
#include <stdio.h>
#include <libsoup/soup.h>

#include "barge-test-bits-server.h"
#include "barge-test-loop-thread.h"
#include "barge-tsan.h"
#include "barge-test-server.h"
#include "barge-test-soup.h"

#define UPLOAD_PREFIX "/upload/"
#define REPLY_PREFIX "/reply/"
#define PUT_PREFIX "/put/"
#define STALLED_TUS_PREFIX "/tus-stalled/"
#define OVERCLAIMING_TUS_PREFIX "/tus-overclaiming/"
#define BUSY_TUS_PREFIX "/tus-busy/"
#define LOCKED_TUS_PREFIX "/tus-locked/"

/* The tus servers of odd behaviour (handle_odd_tus). */
typedef enum {
  ODD_TUS_STALLED,           /* takes an upload and never its bytes */
  ODD_TUS_OVERCLAIMING,      /* says it holds the whole upload, whatever it got */
  ODD_TUS_BUSY,              /* answers every PATCH 503, Retry-After: 7 */
  ODD_TUS_LOCKED,            /* answers every PATCH 423, as tusd while it holds a lock */
} OddTus;
#define BITS_PROTOCOL_GUID "{7df0354d-249b-430f-820d-3d2a9bef4931}"
#define E_INVALIDARG "0x80070057"
#define E_ACCESSDENIED "0x80070005"
#define BG_E_SESSION_NOT_FOUND "0x8020001F"

typedef struct {
  char *id;
  char *name;
  GByteArray *data;         /* the contiguous prefix received */
  guint64 total;            /* from the first fragment, G_MAXUINT64 before */
  gboolean committed;
  GBytes *reply;
} Session;

struct _BargeTestBitsServer
{
  BargeTestLoopThread *thread;
  SoupServer *server;       /* lives on the server thread */
  GTlsCertificate *tls_certificate; /* HTTPS with it, or NULL */
  char *base_url;           /* written by setup, read-only after */

  GMutex lock;              /* guards everything below */
  GHashTable *sessions;     /* id -> Session */
  GHashTable *files;        /* name -> GBytes, committed uploads */
  GHashTable *counts;       /* what -> count */
  guint64 bytes_received;
  guint64 body_bytes_read;    /* of every request, answered or refused */
  guint next_session;

  gboolean reply_mode;
  char *reply_url;          /* NULL: REPLY_PREFIX + the session id */
  gsize reply_size;
  gsize max_fragment;
  guint fragment_delay;
  guint64 lose_at;          /* G_MAXUINT64 = disarmed */
  gboolean lose_every;      /* lose_at stays armed: every session is lost there */
  guint64 rewind_at, rewind_to;
  guint64 drop_at;
  guint drops_left;         /* of drop_at */
  gboolean app_error;
  gboolean drop_put;
  guint failing_cancels;    /* Cancel-Session answered 503 this many times */
  guint dropping_cancels;   /* Cancel-Session left unanswered, its connection closed */
  char *authorization;      /* the Authorization every request must carry, or NULL */
  SoupAuthDomain *digest;   /* or the Digest credentials it must carry; used on the server thread */
  char *proxy_authorization; /* the Proxy-Authorization every request must carry, or NULL */
  gboolean stuck;           /* every fragment: 416, "I hold 0 bytes" */
  char *host_id;            /* sent in Create-Session Acks */
  gboolean endless_acks;    /* Create-Session's Ack has a body without end (up to ENDLESS_CAP) */
  guint64 endless_written;  /* of those bodies, what went out */
  guint host_id_fallback;
};

static void
session_free (Session *s)
{
  g_free (s->id);
  g_free (s->name);
  g_byte_array_unref (s->data);
  g_clear_pointer (&s->reply, g_bytes_unref);
  g_free (s);
}

static void
count_locked (BargeTestBitsServer *self, const char *what)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, what));
  g_hash_table_replace (self->counts, g_strdup (what), GUINT_TO_POINTER (n + 1));
}

static void
ack (SoupServerMessage *msg, guint status)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (h, "BITS-Packet-Type", "Ack");
  soup_server_message_set_response (msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);
  soup_message_headers_set_content_length (h, 0);
}

static void
ack_error (SoupServerMessage *msg, guint status, const char *code, const char *context)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);

  ack (msg, status);
  soup_message_headers_replace (h, "BITS-Error-Code", code);
  soup_message_headers_replace (h, "BITS-Error-Context", context);
}

static void
set_received (SoupServerMessage *msg, guint64 next)
{
  g_autofree char *value = g_strdup_printf ("%" G_GUINT64_FORMAT, next);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "BITS-Received-Content-Range", value);
}

static gboolean
unpause_cb (gpointer user_data)
{
  SoupServerMessage *msg = user_data;

  soup_server_message_unpause (msg);
  g_object_unref (msg);
  return G_SOURCE_REMOVE;
}

static gboolean
parse_content_range (const char *value, guint64 *first, guint64 *last, guint64 *total)
{
  if (value == NULL || sscanf (value, "bytes %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT,
                               first, last, total) != 3)
    return FALSE;
  return *first <= *last && *last < *total;
}

static void
commit_locked (BargeTestBitsServer *self, Session *s)
{
  s->committed = TRUE;
  g_hash_table_replace (self->files, g_strdup (s->name),
                        g_bytes_new (s->data->data, s->data->len));
  if (self->reply_mode)
    {
      g_autofree char *reply_name = g_strconcat ("reply-", s->name, NULL);
      guint8 *buf = g_malloc (MAX (self->reply_size, 1));

      barge_test_fill_content (reply_name, 0, buf, self->reply_size);
      s->reply = g_bytes_new_take (buf, self->reply_size);
    }
}

/* Closes the request's connection unanswered, as a server does that drops
 * a connection it kept idle just as the next request comes. */
static void
drop_connection_locked (BargeTestBitsServer *self, SoupServerMessage *msg)
{
  GIOStream *stream = soup_server_message_steal_connection (msg);

  count_locked (self, "drop");
  g_io_stream_close (stream, NULL, NULL);
  g_object_unref (stream);
}

/* Returns TRUE when the connection was dropped (no Ack). */
static gboolean
handle_fragment_locked (BargeTestBitsServer *self, SoupServerMessage *msg, Session *s)
{
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  guint64 first, last, total, have;
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  gsize len = g_bytes_get_size (bytes);
  const guint8 *p = g_bytes_get_data (bytes, NULL);

  if (!parse_content_range (soup_message_headers_get_one (req, "Content-Range"), &first, &last, &total) ||
      last - first + 1 != len || (s->total != G_MAXUINT64 && total != s->total))
    {
      ack_error (msg, SOUP_STATUS_BAD_REQUEST, E_INVALIDARG, "0x5");
      return FALSE;
    }
  if (self->max_fragment > 0 && len > self->max_fragment)
    {
      count_locked (self, "413");
      ack (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
      return FALSE;
    }
  s->total = total;
  self->bytes_received += len;
  if (self->stuck)
    {
      ack (msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE);
      set_received (msg, 0);
      return FALSE;
    }
  have = s->data->len;
  if (first > have)
    {
      /* A gap: tell the client where to go on from. */
      count_locked (self, "416");
      ack (msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE);
      set_received (msg, have);
      return FALSE;
    }
  if (self->drop_at != G_MAXUINT64 && first >= self->drop_at && last + 1 > have)
    {
      gsize keep = (gsize) (last + 1 - have) / 2;

      if (--self->drops_left == 0)
        self->drop_at = G_MAXUINT64;
      g_byte_array_append (s->data, p + (have - first), (guint) keep);
      drop_connection_locked (self, msg);
      return TRUE;
    }
  /* Overlaps are fine; only new bytes are kept. */
  if (last + 1 > have)
    g_byte_array_append (s->data, p + (have - first), (guint) (last + 1 - have));

  if (self->app_error && s->data->len == s->total)
    {
      self->app_error = FALSE;
      ack_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, E_ACCESSDENIED, "0x7");
      return FALSE;
    }
  ack (msg, SOUP_STATUS_OK);
  set_received (msg, s->data->len);
  if (s->data->len == s->total && !s->committed)
    commit_locked (self, s);
  if (s->data->len == s->total && self->reply_mode)
    {
      g_autofree char *reply_url = self->reply_url != NULL ? g_strdup (self->reply_url)
                                                           : g_strconcat (REPLY_PREFIX, s->id, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "BITS-Reply-URL", reply_url);
    }
  if (self->rewind_at != G_MAXUINT64 && s->data->len >= self->rewind_at && s->data->len < s->total)
    {
      g_byte_array_set_size (s->data, (guint) self->rewind_to);
      self->rewind_at = G_MAXUINT64;
    }
  if (self->lose_at != G_MAXUINT64 && s->data->len >= self->lose_at && s->data->len < s->total)
    {
      if (!self->lose_every)
        self->lose_at = G_MAXUINT64;
      g_hash_table_remove (self->sessions, s->id);
    }
  return FALSE;
}

static void
handle_bits (BargeTestBitsServer *self, SoupServerMessage *msg, const char *name)
{
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  const char *type = soup_message_headers_get_one (req, "BITS-Packet-Type");
  const char *id = soup_message_headers_get_one (req, "BITS-Session-Id");
  Session *s = NULL;
  gboolean dropped = FALSE;

  g_mutex_lock (&self->lock);
  if (type != NULL)
    {
      g_autofree char *canonical = NULL;

      /* Count under the name Windows uses, whatever the case. */
      if (g_ascii_strcasecmp (type, "Create-Session") == 0) canonical = g_strdup ("Create-Session");
      else if (g_ascii_strcasecmp (type, "Fragment") == 0) canonical = g_strdup ("Fragment");
      else if (g_ascii_strcasecmp (type, "Close-Session") == 0) canonical = g_strdup ("Close-Session");
      else if (g_ascii_strcasecmp (type, "Cancel-Session") == 0) canonical = g_strdup ("Cancel-Session");
      else if (g_ascii_strcasecmp (type, "Ping") == 0) canonical = g_strdup ("Ping");
      if (canonical != NULL)
        count_locked (self, canonical);
    }
  if (self->host_id != NULL &&
      g_strcmp0 (g_uri_get_host (soup_server_message_get_uri (msg)), self->host_id) == 0)
    count_locked (self, "host-id");
  if (soup_server_message_get_http_version (msg) != SOUP_HTTP_1_1)
    {
      count_locked (self, "http1.0");
      ack_error (msg, SOUP_STATUS_HTTP_VERSION_NOT_SUPPORTED, E_INVALIDARG, "0x5");
    }
  else if (soup_message_headers_get_content_length (req) == 0 &&
           soup_message_headers_get_one (req, "Content-Length") == NULL)
    ack (msg, SOUP_STATUS_LENGTH_REQUIRED);
  else if (type == NULL)
    ack_error (msg, SOUP_STATUS_BAD_REQUEST, E_INVALIDARG, "0x5");
  else if (g_ascii_strcasecmp (type, "Ping") == 0)
    ack (msg, SOUP_STATUS_OK);
  else if (g_ascii_strcasecmp (type, "Create-Session") == 0)
    {
      const char *protocols = soup_message_headers_get_one (req, "BITS-Supported-Protocols");

      if (protocols == NULL || strstr (protocols, BITS_PROTOCOL_GUID) == NULL)
        ack_error (msg, SOUP_STATUS_BAD_REQUEST, E_INVALIDARG, "0x5");
      else
        {
          SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);

          s = g_new0 (Session, 1);
          s->id = g_strdup_printf ("{%08x-0000-4000-8000-%012x}", g_random_int (), ++self->next_session);
          s->name = g_strdup (name);
          s->data = g_byte_array_new ();
          s->total = G_MAXUINT64;
          g_hash_table_insert (self->sessions, s->id, s);
          ack (msg, SOUP_STATUS_CREATED);
          soup_message_headers_replace (h, "BITS-Protocol", BITS_PROTOCOL_GUID);
          soup_message_headers_replace (h, "BITS-Session-Id", s->id);
          soup_message_headers_replace (h, "Accept-Encoding", "identity");
          if (self->host_id != NULL)
            {
              g_autofree char *fallback = g_strdup_printf ("%u", self->host_id_fallback);

              soup_message_headers_replace (h, "BITS-Host-Id", self->host_id);
              if (self->host_id_fallback > 0)
                soup_message_headers_replace (h, "BITS-Host-Id-Fallback-Timeout", fallback);
            }
        }
    }
  else if (id == NULL || (s = g_hash_table_lookup (self->sessions, id)) == NULL ||
           g_strcmp0 (s->name, name) != 0)
    ack_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, BG_E_SESSION_NOT_FOUND, "0x5");
  else if (g_ascii_strcasecmp (type, "Fragment") == 0)
    dropped = handle_fragment_locked (self, msg, s);
  else if (g_ascii_strcasecmp (type, "Close-Session") == 0)
    {
      /* Closing before the last byte discards the upload. */
      g_hash_table_remove (self->sessions, id);
      ack (msg, SOUP_STATUS_OK);
    }
  else if (g_ascii_strcasecmp (type, "Cancel-Session") == 0 && self->dropping_cancels > 0)
    {
      self->dropping_cancels--;
      drop_connection_locked (self, msg);
      dropped = TRUE;
    }
  else if (g_ascii_strcasecmp (type, "Cancel-Session") == 0 && self->failing_cancels > 0)
    {
      self->failing_cancels--;
      ack_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "0x80070005", "0x5");
    }
  else if (g_ascii_strcasecmp (type, "Cancel-Session") == 0)
    {
      if (s->committed)
        g_clear_pointer (&s->reply, g_bytes_unref);
      else
        g_hash_table_remove (self->sessions, id);
      ack (msg, SOUP_STATUS_OK);
    }
  else
    ack_error (msg, SOUP_STATUS_BAD_REQUEST, E_INVALIDARG, "0x5");

  if (!dropped && self->fragment_delay > 0 && g_ascii_strcasecmp (type != NULL ? type : "", "Fragment") == 0)
    {
      GSource *timer = g_timeout_source_new (self->fragment_delay);

      soup_server_message_pause (msg);
      g_source_set_callback (timer, unpause_cb, g_object_ref (msg), NULL);
      g_source_attach (timer, barge_test_loop_thread_get_context (self->thread));
      g_source_unref (timer);
    }
  g_mutex_unlock (&self->lock);
}

static void
handle_reply (BargeTestBitsServer *self, SoupServerMessage *msg, const char *id)
{
  Session *s;

  g_mutex_lock (&self->lock);
  count_locked (self, "reply");
  s = g_hash_table_lookup (self->sessions, id);
  if (s == NULL || s->reply == NULL)
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
  else
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (s->reply, NULL), g_bytes_get_size (s->reply));
    }
  g_mutex_unlock (&self->lock);
}

/* A plain PUT, for the "put" protocol: all or nothing. */
static void
handle_put (BargeTestBitsServer *self, SoupServerMessage *msg, const char *name)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  g_mutex_lock (&self->lock);
  count_locked (self, "PUT");
  self->bytes_received += g_bytes_get_size (body);
  if (self->drop_put)
    {
      self->drop_put = FALSE;
      drop_connection_locked (self, msg);
    }
  else
    {
      g_hash_table_replace (self->files, g_strdup (name), g_bytes_ref (body));
      soup_server_message_set_status (msg, SOUP_STATUS_CREATED, NULL);
    }
  g_mutex_unlock (&self->lock);
}

/* A connection is told by its socket, which the server marks at its
 * first request: the mark lives and dies with the socket, so neither a
 * client port the kernel gives again nor a socket allocated where a freed
 * one was counts as kept. */
/* A tus server that takes an upload and never its bytes: POST makes it,
 * every PATCH is answered 204 with Upload-Offset 0. */
/* Bounds the test server itself: a client that reads it all gets this. */
#define ENDLESS_CAP (64 * 1024 * 1024)
#define ENDLESS_CHUNK (64 * 1024)

static void
on_endless_chunk_written (SoupServerMessage *msg, gpointer user_data)
{
  BargeTestBitsServer *self = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  static const char chunk[ENDLESS_CHUNK];
  gboolean more;

  g_mutex_lock (&self->lock);
  self->endless_written += ENDLESS_CHUNK;
  more = self->endless_written < ENDLESS_CAP;
  g_mutex_unlock (&self->lock);
  if (more)
    soup_message_body_append (body, SOUP_MEMORY_STATIC, chunk, sizeof chunk);
  else
    soup_message_body_complete (body);
}

/* The Ack's headers as they are, then a chunked body that goes on as long
 * as the client reads it (to ENDLESS_CAP). */
static void
make_endless (BargeTestBitsServer *self, SoupServerMessage *msg)
{
  static const char chunk[ENDLESS_CHUNK];

  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg), SOUP_ENCODING_CHUNKED);
  soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC, chunk, sizeof chunk);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (on_endless_chunk_written), self);
}

/* Overclaiming, the upload's URL carries its Upload-Length, and every
 * PATCH and HEAD says the server holds all of it; else it holds nothing. */
static void
handle_odd_tus (BargeTestBitsServer *self, SoupServerMessage *msg, const char *name, OddTus odd)
{
  SoupMessageHeaders *out = soup_server_message_get_response_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  gboolean overclaiming = odd == ODD_TUS_OVERCLAIMING;
  const char *prefix = odd == ODD_TUS_STALLED ? STALLED_TUS_PREFIX
                     : overclaiming          ? OVERCLAIMING_TUS_PREFIX
                     : odd == ODD_TUS_BUSY   ? BUSY_TUS_PREFIX
                                             : LOCKED_TUS_PREFIX;

  g_mutex_lock (&self->lock);
  count_locked (self, g_str_equal (method, "PATCH") ? "tus PATCH" : "tus other");
  g_mutex_unlock (&self->lock);
  soup_message_headers_replace (out, "Tus-Resumable", "1.0.0");
  if (g_str_equal (method, SOUP_METHOD_POST))
    {
      const char *length = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                         "Upload-Length");
      g_autofree char *location = g_strconcat (prefix, name, "/", overclaiming ? length : "u1", NULL);

      soup_message_headers_replace (out, "Location", location);
      soup_server_message_set_status (msg, SOUP_STATUS_CREATED, NULL);
    }
  else if (odd == ODD_TUS_BUSY && g_str_equal (method, "PATCH"))
    {
      soup_message_headers_replace (out, "Retry-After", "7");
      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
    }
  else if (odd == ODD_TUS_LOCKED && g_str_equal (method, "PATCH"))
    soup_server_message_set_status (msg, SOUP_STATUS_LOCKED, NULL);
  else if (g_str_equal (method, "PATCH") || g_str_equal (method, SOUP_METHOD_HEAD))
    {
      const char *slash = strrchr (name, '/');

      soup_message_headers_replace (out, "Upload-Offset", overclaiming && slash != NULL ? slash + 1 : "0");
      soup_server_message_set_status (msg, g_str_equal (method, "PATCH") ? SOUP_STATUS_NO_CONTENT : SOUP_STATUS_OK,
                                      NULL);
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static void
note_connection (BargeTestBitsServer *self, SoupServerMessage *msg)
{
  GQuark seen = g_quark_from_static_string ("barge-test-bits-server-seen");
  GSocket *socket = soup_server_message_get_socket (msg);
  gboolean kept;

  /* Marked and read on the server's thread only. */
  kept = g_object_get_qdata (G_OBJECT (socket), seen) != NULL;
  g_object_set_qdata (G_OBJECT (socket), seen, GINT_TO_POINTER (TRUE));
  g_mutex_lock (&self->lock);
  count_locked (self, kept ? "kept" : "connection");
  g_mutex_unlock (&self->lock);
}

/* Authentication, checked after the body came (SoupServer reads it
 * first): a request without the credentials costs its body. As a proxy
 * (an absolute URL in the request line), a 407 for Basic credentials; as
 * the server, a 401 for Basic or Digest ones. */
static gboolean
authorized (BargeTestBitsServer *self, SoupServerMessage *msg)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  const char *given = soup_message_headers_get_one (request, "Authorization");
  const char *proxy_given = soup_message_headers_get_one (request, "Proxy-Authorization");
  gboolean proxy_ok, ok;

  g_mutex_lock (&self->lock);
  proxy_ok = self->proxy_authorization == NULL || g_strcmp0 (proxy_given, self->proxy_authorization) == 0;
  if (self->proxy_authorization != NULL)
    count_locked (self, proxy_ok ? "proxy-authorized" : "407");
  if (!proxy_ok)
    ok = FALSE;
  else if (self->digest != NULL)
    {
      g_autofree char *user = soup_auth_domain_accepts (self->digest, msg);

      ok = user != NULL;
      count_locked (self, ok ? "authorized" : "401");
    }
  else
    {
      ok = self->authorization == NULL || g_strcmp0 (given, self->authorization) == 0;
      if (self->authorization != NULL)
        count_locked (self, ok ? "authorized" : "401");
    }
  if (!proxy_ok)
    {
      soup_message_headers_replace (response, "Proxy-Authenticate", "Basic realm=\"barge-test-proxy\"");
      soup_server_message_set_status (msg, SOUP_STATUS_PROXY_AUTHENTICATION_REQUIRED, NULL);
    }
  else if (!ok && self->digest != NULL)
    soup_auth_domain_challenge (self->digest, msg);
  else if (!ok)
    {
      soup_message_headers_replace (response, "WWW-Authenticate", "Basic realm=\"barge-test\"");
      soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
    }
  g_mutex_unlock (&self->lock);
  return proxy_ok && ok;
}

static void
server_callback (SoupServer *server, SoupServerMessage *msg, const char *path,
                 GHashTable *query, gpointer user_data)
{
  BargeTestBitsServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *test_header = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                                           "X-Barge-Test");

  note_connection (self, msg);
  if (!authorized (self, msg))
    return;
  if (test_header != NULL)
    {
      g_autofree char *what = g_strconcat ("X-Barge-Test: ", test_header, NULL);

      g_mutex_lock (&self->lock);
      count_locked (self, what);
      g_mutex_unlock (&self->lock);
    }
  if (g_str_has_prefix (path, UPLOAD_PREFIX) && g_str_equal (method, "BITS_POST"))
    {
      const char *type = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                       "BITS-Packet-Type");
      gboolean endless;

      handle_bits (self, msg, path + strlen (UPLOAD_PREFIX));
      g_mutex_lock (&self->lock);
      endless = self->endless_acks;
      g_mutex_unlock (&self->lock);
      if (endless && type != NULL && g_ascii_strcasecmp (type, "Create-Session") == 0 &&
          soup_server_message_get_status (msg) == SOUP_STATUS_CREATED)
        make_endless (self, msg);
    }
  else if (g_str_has_prefix (path, PUT_PREFIX) && g_str_equal (method, SOUP_METHOD_PUT))
    handle_put (self, msg, path + strlen (PUT_PREFIX));
  else if (g_str_has_prefix (path, REPLY_PREFIX) && g_str_equal (method, SOUP_METHOD_GET))
    handle_reply (self, msg, path + strlen (REPLY_PREFIX));
  else if (g_str_has_prefix (path, STALLED_TUS_PREFIX))
    handle_odd_tus (self, msg, path + strlen (STALLED_TUS_PREFIX), ODD_TUS_STALLED);
  else if (g_str_has_prefix (path, OVERCLAIMING_TUS_PREFIX))
    handle_odd_tus (self, msg, path + strlen (OVERCLAIMING_TUS_PREFIX), ODD_TUS_OVERCLAIMING);
  else if (g_str_has_prefix (path, BUSY_TUS_PREFIX))
    handle_odd_tus (self, msg, path + strlen (BUSY_TUS_PREFIX), ODD_TUS_BUSY);
  else if (g_str_has_prefix (path, LOCKED_TUS_PREFIX))
    handle_odd_tus (self, msg, path + strlen (LOCKED_TUS_PREFIX), ODD_TUS_LOCKED);
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

/* Every request body the server read, a refused one too: what went over
 * the wire, where bytes_received counts what the protocol took. */
static void
on_request_read (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
  BargeTestBitsServer *self = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  g_mutex_lock (&self->lock);
  self->body_bytes_read += body != NULL ? (guint64) body->length : 0;
  g_mutex_unlock (&self->lock);
}

static gboolean
server_setup (gpointer user_data)
{
  BargeTestBitsServer *self = user_data;
  g_autoptr(GError) error = NULL;

  self->server = soup_server_new ("server-header", "barge-test-bits-server ", "tls-certificate",
                                  self->tls_certificate, NULL);
  soup_server_add_handler (self->server, NULL, server_callback, self, NULL);
  g_signal_connect (self->server, "request-read", G_CALLBACK (on_request_read), self);
  self->base_url = barge_test_soup_listen_loopback (self->server, &error);
  if (self->base_url == NULL)
    g_warning ("cannot listen: %s", error->message);
  return self->base_url != NULL;
}

static void
server_teardown (gpointer user_data)
{
  BargeTestBitsServer *self = user_data;

  barge_test_soup_close (&self->server);
}

static BargeTestBitsServer *
bits_server_new (GTlsCertificate *tls_certificate)
{
  BargeTestBitsServer *self = g_new0 (BargeTestBitsServer, 1);

  self->tls_certificate = tls_certificate != NULL ? g_object_ref (tls_certificate) : NULL;
  g_mutex_init (&self->lock);
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) session_free);
  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->lose_at = self->rewind_at = self->drop_at = G_MAXUINT64;
  self->thread = barge_test_loop_thread_start ("barge-test-bits-server", server_setup, server_teardown, self);
  g_assert_nonnull (self->base_url);
  return self;
}

BargeTestBitsServer *
barge_test_bits_server_new (void)
{
  return bits_server_new (NULL);
}

BargeTestBitsServer *
barge_test_bits_server_new_tls (void)
{
  g_autofree char *cert = g_test_build_filename (G_TEST_DIST, "nginx", "tls", "server.pem", NULL);
  g_autofree char *key = g_test_build_filename (G_TEST_DIST, "nginx", "tls", "server.key", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (cert, key, &error);

  g_assert_no_error (error);
  return bits_server_new (certificate);
}

void
barge_test_bits_server_free (BargeTestBitsServer *self)
{
  if (self == NULL)
    return;
  barge_test_loop_thread_stop (self->thread);
  g_hash_table_unref (self->sessions);
  g_hash_table_unref (self->files);
  g_hash_table_unref (self->counts);
  g_mutex_clear (&self->lock);
  g_free (self->base_url);
  g_free (self->host_id);
  g_free (self->authorization);
  g_clear_object (&self->digest);
  g_free (self->proxy_authorization);
  g_free (self->reply_url);
  g_clear_object (&self->tls_certificate);
  g_free (self);
}

char *
barge_test_bits_server_get_url (BargeTestBitsServer *self, const char *name)
{
  return g_strconcat (self->base_url, UPLOAD_PREFIX, name, NULL);
}

char *
barge_test_bits_server_get_stalled_tus_url (BargeTestBitsServer *self, const char *name)
{
  return g_strconcat (self->base_url, STALLED_TUS_PREFIX, name, NULL);
}

char *
barge_test_bits_server_get_overclaiming_tus_url (BargeTestBitsServer *self, const char *name)
{
  return g_strconcat (self->base_url, OVERCLAIMING_TUS_PREFIX, name, NULL);
}

char *
barge_test_bits_server_get_busy_tus_url (BargeTestBitsServer *self, const char *name)
{
  return g_strconcat (self->base_url, BUSY_TUS_PREFIX, name, NULL);
}

char *
barge_test_bits_server_get_locked_tus_url (BargeTestBitsServer *self, const char *name)
{
  return g_strconcat (self->base_url, LOCKED_TUS_PREFIX, name, NULL);
}

char *
barge_test_bits_server_get_put_url (BargeTestBitsServer *self, const char *name)
{
  return g_strconcat (self->base_url, PUT_PREFIX, name, NULL);
}

#define SETTER(body) G_STMT_START { g_mutex_lock (&self->lock); body; g_mutex_unlock (&self->lock); } G_STMT_END

void
barge_test_bits_server_set_endless_acks (BargeTestBitsServer *self, gboolean endless)
{
  SETTER (self->endless_acks = endless);
}

guint64
barge_test_bits_server_get_endless_written (BargeTestBitsServer *self)
{
  guint64 written;

  SETTER (written = self->endless_written);
  return written;
}

void
barge_test_bits_server_set_reply (BargeTestBitsServer *self, gboolean enabled, gsize reply_size)
{
  SETTER (self->reply_mode = enabled; self->reply_size = reply_size);
}

void
barge_test_bits_server_set_reply_url (BargeTestBitsServer *self, const char *url)
{
  SETTER (g_free (self->reply_url); self->reply_url = g_strdup (url));
}

void
barge_test_bits_server_set_max_fragment (BargeTestBitsServer *self, gsize max)
{
  SETTER (self->max_fragment = max);
}

void
barge_test_bits_server_set_fragment_delay (BargeTestBitsServer *self, guint ms)
{
  SETTER (self->fragment_delay = ms);
}

void
barge_test_bits_server_lose_session_at (BargeTestBitsServer *self, guint64 at, gboolean every)
{
  SETTER (self->lose_at = at; self->lose_every = every);
}

void
barge_test_bits_server_rewind_at (BargeTestBitsServer *self, guint64 at, guint64 to)
{
  SETTER (self->rewind_at = at; self->rewind_to = to);
}

void
barge_test_bits_server_drop_at (BargeTestBitsServer *self, guint64 at, guint times)
{
  SETTER (self->drop_at = times > 0 ? at : G_MAXUINT64; self->drops_left = times);
}

void
barge_test_bits_server_set_app_error (BargeTestBitsServer *self, gboolean enabled)
{
  SETTER (self->app_error = enabled);
}

char *
barge_test_bits_server_get_sha256 (BargeTestBitsServer *self, const char *name)
{
  GBytes *file;
  char *sum = NULL;

  g_mutex_lock (&self->lock);
  file = g_hash_table_lookup (self->files, name);
  if (file != NULL)
    sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, file);
  g_mutex_unlock (&self->lock);
  return sum;
}

guint
barge_test_bits_server_count (BargeTestBitsServer *self, const char *what)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, what));
  g_mutex_unlock (&self->lock);
  return n;
}

guint64
barge_test_bits_server_get_body_bytes_read (BargeTestBitsServer *self)
{
  guint64 n;

  g_mutex_lock (&self->lock);
  n = self->body_bytes_read;
  g_mutex_unlock (&self->lock);
  return n;
}

guint64
barge_test_bits_server_get_bytes_received (BargeTestBitsServer *self)
{
  guint64 n;

  g_mutex_lock (&self->lock);
  n = self->bytes_received;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
barge_test_bits_server_get_open_sessions (BargeTestBitsServer *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = g_hash_table_size (self->sessions);
  g_mutex_unlock (&self->lock);
  return n;
}

void
barge_test_bits_server_drop_next_put (BargeTestBitsServer *self)
{
  SETTER (self->drop_put = TRUE);
}

void
barge_test_bits_server_set_host_id (BargeTestBitsServer *self, const char *host_id, guint fallback)
{
  SETTER (g_free (self->host_id); self->host_id = g_strdup (host_id); self->host_id_fallback = fallback);
}

void
barge_test_bits_server_fail_cancels (BargeTestBitsServer *self, guint n)
{
  SETTER (self->failing_cancels = n);
}

void
barge_test_bits_server_drop_cancels (BargeTestBitsServer *self, guint n)
{
  SETTER (self->dropping_cancels = n);
}

void
barge_test_bits_server_require_basic (BargeTestBitsServer *self, const char *user, const char *password)
{
  g_autofree char *pair = g_strconcat (user, ":", password, NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));

  SETTER (g_free (self->authorization); self->authorization = g_strconcat ("Basic ", encoded, NULL));
}

static char *
digest_password (SoupAuthDomain *domain, SoupServerMessage *msg, const char *user, gpointer data)
{
  const char *password = data;

  return g_str_equal (user, "alice") ? soup_auth_domain_digest_encode_password (user, "barge-test", password) : NULL;
}

void
barge_test_bits_server_require_digest (BargeTestBitsServer *self, const char *password)
{
  SoupAuthDomain *digest = soup_auth_domain_digest_new ("realm", "barge-test", NULL);

  soup_auth_domain_digest_set_auth_callback (digest, digest_password, g_strdup (password), g_free);
  SETTER (g_clear_object (&self->digest); self->digest = digest);
}

void
barge_test_bits_server_require_proxy_basic (BargeTestBitsServer *self, const char *user, const char *password)
{
  g_autofree char *pair = g_strconcat (user, ":", password, NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));

  SETTER (g_free (self->proxy_authorization); self->proxy_authorization = g_strconcat ("Basic ", encoded, NULL));
}

void
barge_test_bits_server_set_stuck (BargeTestBitsServer *self, gboolean stuck)
{
  SETTER (self->stuck = stuck);
}
