/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargeFaultServer"

#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "barge-fault-server.h"
#include "barge-test-loop-thread.h"
#include "barge-tsan.h"

/* The faults (FAULT in /fault/FAULT/NAME?size=N), while broken:
 *   ok                    a correct server
 *   reset                 half the body, then a TCP reset
 *   stall-body            a quarter of the body, then silence
 *   stall-headers         reads the request, never answers
 *   close-before-headers  reads the request, closes the connection
 *   500 503 429 404 410   that status (503 with Retry-After: 7, 429 with
 *                         Retry-After: 1)
 *   401 407               that status with a Basic challenge
 *   416                   first request cut; a ranged one gets 416 ("bytes * / LEN")
 *                         with a length that is not the client's offset
 *   ignore-range          first request cut; then always 200, whole body
 *   etag-change           first request cut; then the resource changed
 *                         (version 2: new ETag, new bytes)
 *   etag-change-206       as etag-change, but the server ignores If-Range
 *                         and sends 206 with the new ETag and new bytes
 *   etag-every-part       a new version (ETag, bytes) at every request,
 *                         If-Range ignored, every answer a 206 of at most
 *                         64 KiB (to a request without Range too)
 *   cut-copy-416          first request cut; one for a range past 0 gets
 *                         416 "bytes * / START", the client's own offset,
 *                         as a cache holding a copy cut there would
 *                         (healed: served)
 *   redirect-301 ... -308 that redirect to /fault/ok/NAME (always)
 *   redirect-loop         302 to itself
 *   redirect-reset        302 (always) to /fault/reset/NAME
 *   chunked-truncated     chunked body, closed before the last chunk
 *                         (healed: a complete chunked body)
 *   short-body            Content-Length N, half the body, a clean close
 *   long-range            first request cut; a ranged answer carries 4 KiB
 *                         more than its Content-Range says
 *   partial-ranges        first request cut; a ranged answer covers at
 *                         most 128 KiB of what was asked (a legal 206)
 *   chunked               a complete chunked body (always)
 *   close-delimited       no length at all, the body ends at the close;
 *                         half the body, then a clean close
 *   gzip                  Content-Encoding: gzip on the plain bytes
 *                         (always); the first answer is cut
 *   drip                  64 bytes every 20 ms (always)
 *   big-headers           1 MiB of response headers
 *   trickle-headers       the status line, then one header byte a second
 *   chunked-416           a complete chunked body; a ranged request (the
 *                         end check) gets 416 with a length that is not the
 *                         client's
 *   unrequested-206       a request without Range gets 206 "bytes
 *                         0-65535/N" (64 KiB); ranged requests get the rest
 *   head-endless          HEAD announces N bytes; GET sends N + 64 KiB with
 *                         no length, ended by the close
 *   404-latin1            404 with a reason phrase that is not UTF-8
 *                         ("Nicht gef\xfcnden", Latin-1)
 *   206-latin1            a request without Range gets 206 with a
 *                         Content-Range that is not UTF-8 ("bytes \xe9t\xe9")
 *   redirect-file         302 to file:///etc/passwd
 *   redirect-ftp          302 to ftp://127.0.0.1/NAME
 *   auth-basic            401 with a Basic challenge unless the request
 *                         carries Basic alice:pw (always)
 *   proxy-auth-basic      407 with a Basic challenge unless the request
 *                         carries Proxy-Authorization Basic bob:pw (always):
 *                         the server as a job's proxy that wants credentials
 *   proxy-auth-drip       as proxy-auth-basic, then served as drip
 *   auth-then-elsewhere   401 with a Basic challenge unless the request
 *                         carries Basic alice:pw; then 302 to
 *                         http://localhost:PORT/fault/ok/NAME (always)
 *   redirect-auth-here    302 to /fault/auth-basic/NAME on this origin (always)
 *   redirect-auth-elsewhere  302 to http://localhost:PORT/fault/auth-basic/NAME:
 *                         the same server, another origin (always)
 *   redirect-elsewhere    302 to http://localhost:PORT/fault/ok/NAME (always)
 *   redirect-elsewhere-301  the same with 301
 *   redirect-to-http      302 to http://127.0.0.1:PORT/fault/ok/NAME (always):
 *                         asked on the TLS listener, a redirect from https to http
 * CONNECT HOST:PORT (a forward proxy's tunnel, for https URLs): 407 with
 * a Basic challenge unless the request carries Proxy-Authorization Basic
 * bob:pw; then "200 Connection established" and, whatever HOST:PORT says,
 * this server's TLS side (its fresh certificate) on the same connection,
 * serving one request as above. Logged under the path HOST:PORT.
 * Push-back, for jobs of many files at once. What is served is served at
 * 64 KiB every 50 ms, so that a job's transfers overlap; a HEAD is never
 * refused:
 *   busy-first            the first GET of each NAME gets 503 with
 *                         Retry-After: 1; later ones are served
 *   busy-first-long       the same with Retry-After: 120
 *   throttled-first       the first GET of each NAME gets 429 without
 *                         Retry-After; later ones are served
 *   reset-first           the first GET of each NAME is read, then its
 *                         connection reset without an answer; later ones
 *                         are served
 *   max-2-connections     a GET that comes on a connection while 2 others
 *                         are open (any path) gets 503 with Retry-After: 1;
 *                         the rest are served
 *   busy-always           every GET gets 503 with Retry-After: 1
 * A HEAD gets the headers of the healthy answer (Content-Length N). */

#define BASIC_ALICE "Basic YWxpY2U6cHc=" /* alice:pw */
#define BASIC_BOB "Basic Ym9iOnB3"       /* bob:pw, the proxy's user */

#define HEAD_LIMIT (64 * 1024)
#define WRITE_CHUNK (64 * 1024)
#define PACE_US (50 * 1000)
#define LAST_MODIFIED "Sat, 01 Jun 2024 12:00:00 GMT"
#define STALL_LIMIT_US (60 * G_USEC_PER_SEC)
#define IO_TIMEOUT_S 20

struct _BargeFaultServer
{
  BargeTestLoopThread *thread;
  GSocketService *service;    /* lives on the server thread */
  GTlsCertificate *certificate;
  char *base_url;
  char *localhost_url;        /* the plain listener under another origin */
  char *tls_base_url;
  char *cert_dir;

  GMutex lock;                /* guards everything below */
  GCond cond;
  gboolean stopping;
  gboolean broken;
  guint active;               /* connections being handled */
  GHashTable *gets;           /* path -> GETs seen (GUINT_TO_POINTER) */
  guint16 port;               /* written by setup, read-only after */
  guint16 tls_port;           /* likewise */
  GTlsCertificate *expired;   /* tests/common/tls/expired.pem, or NULL */
  char *expired_base_url;     /* https://127.0.0.1:PORT serving it */
  GTlsCertificate *mutual;    /* the listener's certificate again, for the listener that asks for a client's */
  GTlsDatabase *client_ca;    /* what a client's certificate must be signed by there */
  char *mutual_base_url;
  BargeTestRequestLog *requests;
};

typedef struct {
  char *method;
  char *path;                 /* without the query */
  char *query;
  char *range;
  char *if_range;
  char *authorization;
  char *proxy_authorization;
  GString *headers;           /* every header line, "Name: value\n" */
  gboolean absolute_form;     /* "GET http://host/path": sent to a proxy */
} Request;

static void
request_clear (Request *r)
{
  g_free (r->method);
  g_free (r->path);
  g_free (r->query);
  g_free (r->range);
  g_free (r->if_range);
  g_free (r->authorization);
  g_free (r->proxy_authorization);
  if (r->headers != NULL)
    g_string_free (r->headers, TRUE);
}

/* --- helpers ------------------------------------------------------------- */

char *
barge_fault_server_content_name (const char *name, guint version)
{
  return version <= 1 ? g_strdup (name) : g_strdup_printf ("%s~v%u", name, version);
}

char *
barge_fault_server_get_path (const char *fault, const char *name)
{
  return g_strdup_printf ("/fault/%s/%s", fault, name);
}

char *
barge_fault_server_get_url (BargeFaultServer *self, const char *fault, const char *name, guint64 size)
{
  return g_strdup_printf ("%s/fault/%s/%s?size=%" G_GUINT64_FORMAT, self->base_url, fault, name, size);
}

const char *
barge_fault_server_get_base_url (BargeFaultServer *self)
{
  return self->base_url;
}

const char *
barge_fault_server_get_tls_base_url (BargeFaultServer *self)
{
  return self->tls_base_url;
}

char *
barge_fault_server_get_tls_certificate_path (BargeFaultServer *self)
{
  return self->cert_dir != NULL ? g_build_filename (self->cert_dir, "cert.pem", NULL) : NULL;
}

void
barge_fault_server_set_broken (BargeFaultServer *self, gboolean broken)
{
  g_mutex_lock (&self->lock);
  self->broken = broken;
  g_mutex_unlock (&self->lock);
}

/* Logs the request; returns how many came before it for the same path. */
static guint
log_request (BargeFaultServer *self, const Request *req, guint status)
{
  BargeTestRequest *r = g_new0 (BargeTestRequest, 1);

  r->method = g_strdup (req->method);
  r->path = g_strdup (req->path);
  r->range = g_strdup (req->range);
  r->if_range = g_strdup (req->if_range);
  r->authorization = g_strdup (req->authorization);
  r->headers = req->headers != NULL ? g_strdup (req->headers->str) : NULL;
  r->absolute_form = req->absolute_form;
  r->status = status;
  return barge_test_request_log_add (self->requests, r);
}

/* Counts a GET of PATH; returns how many came before it. */
static guint
count_get (BargeFaultServer *self, const char *path)
{
  guint before;

  g_mutex_lock (&self->lock);
  before = GPOINTER_TO_UINT (g_hash_table_lookup (self->gets, path));
  g_hash_table_insert (self->gets, g_strdup (path), GUINT_TO_POINTER (before + 1));
  g_mutex_unlock (&self->lock);
  return before;
}

static void
set_logged_status (BargeFaultServer *self, const Request *req, guint index, guint status)
{
  barge_test_request_log_set_status (self->requests, req->path, index, status);
}

GPtrArray *
barge_fault_server_get_requests (BargeFaultServer *self, const char *path)
{
  return barge_test_request_log_get (self->requests, path);
}

/* Waits until the server stops (bounded): a stalled peer. */
static void
stall (BargeFaultServer *self)
{
  gint64 end = g_get_monotonic_time () + STALL_LIMIT_US;

  g_mutex_lock (&self->lock);
  while (!self->stopping)
    if (!g_cond_wait_until (&self->cond, &self->lock, end))
      break;
  g_mutex_unlock (&self->lock);
}

static gboolean
write_all (GOutputStream *out, const void *data, gsize len)
{
  return g_output_stream_write_all (out, data, len, NULL, NULL, NULL);
}

static gboolean
write_text (GOutputStream *out, const char *text)
{
  return write_all (out, text, strlen (text));
}

static void
reset_connection (GSocketConnection *connection)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  struct linger lg = { 1, 0 };

  /* SO_LINGER with a zero timeout turns close() into a RST. */
  setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  g_socket_close (socket, NULL);
}

/* --- reading the request ---------------------------------------------- */

static gboolean
read_request (GInputStream *in, Request *req)
{
  g_autoptr(GString) head = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) parts = NULL;
  const char *target;
  char *q;

  while (strstr (head->str, "\r\n\r\n") == NULL)
    {
      char buf[4096];
      gssize n;

      if (head->len > HEAD_LIMIT)
        return FALSE;
      n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL);
      if (n <= 0)
        return FALSE;
      g_string_append_len (head, buf, n);
    }
  *strstr (head->str, "\r\n\r\n") = '\0';
  lines = g_strsplit (head->str, "\r\n", -1);
  parts = g_strsplit (lines[0], " ", 3);
  if (g_strv_length (parts) != 3)
    return FALSE;
  req->method = g_strdup (parts[0]);
  /* The absolute form a client sends a forward proxy ("GET http://host/p"):
   * served as its path, so the server can be a job's proxy (RFC 9112
   * 3.2.2: a server must accept it). */
  target = parts[1];
  req->absolute_form = g_str_has_prefix (target, "http://") && strchr (target + 7, '/') != NULL;
  if (req->absolute_form)
    target = strchr (target + 7, '/');
  q = strchr (target, '?');
  req->query = g_strdup (q != NULL ? q + 1 : "");
  req->path = q != NULL ? g_strndup (target, (gsize) (q - target)) : g_strdup (target);
  req->headers = g_string_new (NULL);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':');
      g_autofree char *name = NULL;

      if (colon == NULL)
        continue;
      g_string_append_printf (req->headers, "%s\n", lines[i]);
      name = g_strndup (lines[i], (gsize) (colon - lines[i]));
      if (g_ascii_strcasecmp (name, "Range") == 0)
        req->range = g_strdup (g_strstrip (colon + 1));
      else if (g_ascii_strcasecmp (name, "If-Range") == 0)
        req->if_range = g_strdup (g_strstrip (colon + 1));
      else if (g_ascii_strcasecmp (name, "Authorization") == 0)
        req->authorization = g_strdup (g_strstrip (colon + 1));
      else if (g_ascii_strcasecmp (name, "Proxy-Authorization") == 0)
        req->proxy_authorization = g_strdup (g_strstrip (colon + 1));
    }
  return TRUE;
}

static guint64
query_size (const char *query)
{
  g_auto(GStrv) pairs = g_strsplit (query, "&", -1);

  for (guint i = 0; pairs[i] != NULL; i++)
    if (g_str_has_prefix (pairs[i], "size="))
      return g_ascii_strtoull (pairs[i] + 5, NULL, 10);
  return 0;
}

/* bytes=A- or bytes=A-B; FALSE when there is no usable range. */
static gboolean
parse_range (const char *range, guint64 *first, guint64 *last)
{
  const char *p;
  char *end;

  if (range == NULL || !g_str_has_prefix (range, "bytes="))
    return FALSE;
  p = range + 6;
  *first = g_ascii_strtoull (p, &end, 10);
  if (end == p || *end != '-')
    return FALSE;
  p = end + 1;
  *last = *p == '\0' ? G_MAXUINT64 : g_ascii_strtoull (p, NULL, 10);
  return TRUE;
}

/* --- answers ------------------------------------------------------------- */

typedef enum { END_NORMAL, END_CLOSE, END_RESET, END_STALL } EndHow;

typedef struct {
  guint version;
  gboolean ignore_range;      /* always 200 with the whole body */
  gboolean ignore_if_range;   /* a Range is served even if If-Range names another ETag */
  gboolean chunked;
  gboolean no_length;         /* neither Content-Length nor chunked: ends at the close */
  gboolean gzip_label;
  gboolean drip;
  gboolean paced;             /* a pause of PACE_US after each WRITE_CHUNK */
  guint64 cut_after;          /* body bytes sent before EndHow applies; G_MAXUINT64: all */
  EndHow end;
  guint64 extra;              /* bytes beyond the announced range */
  guint64 max_part;           /* a ranged answer covers at most this many bytes; 0: all */
  guint64 unrequested_part;   /* a request without Range gets 206 for this many bytes; 0: no */
  gboolean head;              /* headers only */
} Serve;

static char *
http_date (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  return soup_date_time_to_string (now, SOUP_DATE_HTTP);
}

static gboolean
send_status (GOutputStream *out, guint status, const char *extra_headers)
{
  g_autofree char *date = http_date ();
  g_autofree char *text = g_strdup_printf ("HTTP/1.1 %u %s\r\nDate: %s\r\n%sContent-Length: 4\r\n"
                                           "Content-Type: text/plain\r\nConnection: close\r\n\r\nnope",
                                           status, soup_status_get_phrase (status), date,
                                           extra_headers != NULL ? extra_headers : "");
  return write_text (out, text);
}

/* Writes the content of NAME from FIRST (inclusive) to END (exclusive). */
static gboolean
send_body (BargeFaultServer *self, GOutputStream *out, const char *name, guint64 first, guint64 end,
           const Serve *s)
{
  g_autofree guint8 *buf = g_malloc (WRITE_CHUNK);
  guint64 sent = 0;
  gsize chunk = s->drip ? 64 : WRITE_CHUNK;

  for (guint64 pos = first; pos < end;)
    {
      gsize len = (gsize) MIN ((guint64) chunk, end - pos);

      if (sent + len > s->cut_after)
        len = (gsize) (s->cut_after - sent);
      if (len == 0)
        return FALSE;
      barge_test_fill_content (name, pos, buf, len);
      if (s->chunked)
        {
          g_autofree char *size_line = g_strdup_printf ("%zx\r\n", len);
          if (!write_text (out, size_line) || !write_all (out, buf, len) || !write_text (out, "\r\n"))
            return FALSE;
        }
      else if (!write_all (out, buf, len))
        return FALSE;
      pos += len;
      sent += len;
      if (s->drip)
        g_usleep (20 * 1000);
      else if (s->paced && pos < end && !g_output_stream_flush (out, NULL, NULL))
        return FALSE;
      else if (s->paced && pos < end)
        g_usleep (PACE_US);
      if (sent >= s->cut_after)
        return FALSE;
    }
  if (s->extra > 0)
    {
      memset (buf, 'X', (gsize) MIN (s->extra, (guint64) WRITE_CHUNK));
      if (!write_all (out, buf, (gsize) MIN (s->extra, (guint64) WRITE_CHUNK)))
        return FALSE;
    }
  if (s->chunked && !write_text (out, "0\r\n\r\n"))
    return FALSE;
  return TRUE;
}

/* Answers with the content (with ranges and validators), then ends the
 * connection as S says. */
static void
serve (BargeFaultServer *self, GSocketConnection *connection, GIOStream *stream, const Request *req,
       guint index, const char *name, guint64 size, const Serve *s)
{
  GOutputStream *out = g_io_stream_get_output_stream (stream);
  g_autofree char *content = barge_fault_server_content_name (name, s->version);
  g_autofree char *etag = g_strdup_printf ("\"%s-%" G_GUINT64_FORMAT "-%u\"", name, size, s->version);
  g_autofree char *date = http_date ();
  g_autoptr(GString) head = g_string_new (NULL);
  guint64 first = 0, last = size > 0 ? size - 1 : 0;
  gboolean ranged = FALSE;
  guint status = 200;
  gboolean complete;

  if (!s->ignore_range && parse_range (req->range, &first, &last))
    {
      gboolean if_range_ok = req->if_range == NULL || s->ignore_if_range ||
                             g_strcmp0 (req->if_range, etag) == 0 ||
                             g_strcmp0 (req->if_range, LAST_MODIFIED) == 0;

      if (if_range_ok)
        {
          if (first >= size)
            {
              g_autofree char *cr = g_strdup_printf ("Content-Range: bytes */%" G_GUINT64_FORMAT "\r\n", size);
              set_logged_status (self, req, index, 416);
              send_status (out, 416, cr);
              return;
            }
          ranged = TRUE;
          last = MIN (last, size - 1);
          if (s->max_part > 0)
            last = MIN (last, first + s->max_part - 1);
          status = 206;
        }
      else
        first = 0, last = size > 0 ? size - 1 : 0;
    }
  else if (s->unrequested_part > 0 && req->range == NULL && size > s->unrequested_part)
    {
      ranged = TRUE;
      last = s->unrequested_part - 1;
      status = 206;
    }
  set_logged_status (self, req, index, status);

  g_string_append_printf (head, "HTTP/1.1 %u %s\r\nDate: %s\r\nETag: %s\r\nLast-Modified: %s\r\n"
                          "Accept-Ranges: bytes\r\nContent-Type: application/octet-stream\r\n"
                          "Connection: close\r\n",
                          status, soup_status_get_phrase (status), date, etag, LAST_MODIFIED);
  if (ranged)
    g_string_append_printf (head, "Content-Range: bytes %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT
                            "/%" G_GUINT64_FORMAT "\r\n", first, last, size);
  if (s->gzip_label)
    g_string_append (head, "Content-Encoding: gzip\r\n");
  if (s->chunked)
    g_string_append (head, "Transfer-Encoding: chunked\r\n");
  else if (s->no_length)
    ;
  else
    g_string_append_printf (head, "Content-Length: %" G_GUINT64_FORMAT "\r\n",
                            (size > 0 ? last - first + 1 : 0) + s->extra);
  g_string_append (head, "\r\n");
  if (!write_all (out, head->str, head->len) || s->head)
    return;
  complete = send_body (self, out, content, first, size > 0 ? last + 1 : 0, s);
  if (complete)
    return;
  switch (s->end)
    {
    case END_RESET:
      reset_connection (connection);
      break;
    case END_STALL:
      g_output_stream_flush (out, NULL, NULL);
      stall (self);
      break;
    case END_NORMAL:
    case END_CLOSE:
      break;
    }
}

/* The status line, then a header one byte a second until the server stops
 * (bounded like a stall). */
static void
trickle_headers (BargeFaultServer *self, GOutputStream *out)
{
  gint64 end = g_get_monotonic_time () + STALL_LIMIT_US;

  if (!write_text (out, "HTTP/1.1 200 OK\r\nX-Slow: "))
    return;
  g_mutex_lock (&self->lock);
  while (!self->stopping && g_get_monotonic_time () < end)
    {
      gint64 next = g_get_monotonic_time () + G_USEC_PER_SEC;

      g_mutex_unlock (&self->lock);
      if (!write_text (out, "x") || !g_output_stream_flush (out, NULL, NULL))
        return;
      g_mutex_lock (&self->lock);
      g_cond_wait_until (&self->cond, &self->lock, next);
    }
  g_mutex_unlock (&self->lock);
}

static void
redirect (GOutputStream *out, guint status, const char *location)
{
  g_autofree char *header = g_strdup_printf ("Location: %s\r\n", location);
  send_status (out, status, header);
}

/* OTHERS: connections open when this one came (max-2-connections). */
static void handle (BargeFaultServer *self, GSocketConnection *connection, GIOStream *stream, guint others);

/* CONNECT: the tunnel leads to this server's own TLS side. */
static void
open_tunnel (BargeFaultServer *self, GSocketConnection *connection, GIOStream *stream, const Request *req,
             guint index, guint others)
{
  GOutputStream *out = g_io_stream_get_output_stream (stream);
  g_autoptr(GIOStream) tls = NULL;

  if (g_strcmp0 (req->proxy_authorization, BASIC_BOB) != 0)
    {
      set_logged_status (self, req, index, 407);
      send_status (out, 407, "Proxy-Authenticate: Basic realm=\"proxy\"\r\n");
      return;
    }
  set_logged_status (self, req, index, 200);
  if (self->certificate == NULL || !write_text (out, "HTTP/1.1 200 Connection established\r\n\r\n"))
    return;
  tls = g_tls_server_connection_new (stream, self->certificate, NULL);
  if (tls != NULL && g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, NULL))
    handle (self, connection, tls, others);
}

static void
handle (BargeFaultServer *self, GSocketConnection *connection, GIOStream *stream, guint others)
{
  GOutputStream *out = g_io_stream_get_output_stream (stream);
  Request req = { 0 };
  Serve s = { .version = 1, .cut_after = G_MAXUINT64, .end = END_NORMAL };
  g_auto(GStrv) parts = NULL;
  const char *fault, *name;
  guint64 size;
  guint index;
  guint gets_before = 0;
  gboolean broken;

  if (!read_request (g_io_stream_get_input_stream (stream), &req))
    return;
  index = log_request (self, &req, 0);
  if (g_str_equal (req.method, "CONNECT"))
    {
      open_tunnel (self, connection, stream, &req, index, others);
      request_clear (&req);
      return;
    }
  if (g_str_equal (req.method, "GET"))
    gets_before = count_get (self, req.path);
  parts = g_strsplit (req.path, "/", 4);
  if (g_strv_length (parts) != 4 || !g_str_equal (parts[1], "fault"))
    {
      set_logged_status (self, &req, index, 404);
      send_status (out, 404, NULL);
      request_clear (&req);
      return;
    }
  fault = parts[2];
  name = parts[3];
  size = query_size (req.query);
  g_mutex_lock (&self->lock);
  broken = self->broken;
  g_mutex_unlock (&self->lock);

  if (g_str_has_prefix (fault, "etag-change") && index >= 1)
    s.version = 2;
  /* A new version at each request, If-Range ignored, every answer a part
   * of 64 KiB (one to a request without Range too). */
  if (g_str_equal (fault, "etag-every-part"))
    {
      s.version = index + 1;
      s.ignore_if_range = TRUE;
      s.max_part = 64 * 1024;
      s.unrequested_part = 64 * 1024;
    }
  if (g_str_equal (fault, "gzip"))
    s.gzip_label = TRUE;
  if (g_str_equal (fault, "drip") || g_str_equal (fault, "proxy-auth-drip"))
    s.drip = TRUE;
  if (g_str_equal (fault, "chunked-truncated") || g_str_equal (fault, "chunked"))
    s.chunked = TRUE;
  if (g_str_equal (fault, "close-delimited"))
    s.no_length = TRUE;
  if (g_str_equal (fault, "busy-first") || g_str_equal (fault, "throttled-first") ||
      g_str_equal (fault, "reset-first") || g_str_equal (fault, "max-2-connections") ||
      g_str_equal (fault, "busy-always"))
    s.paced = TRUE;

  /* A proxy asks before anything is served, a HEAD included. */
  if ((g_str_equal (fault, "proxy-auth-basic") || g_str_equal (fault, "proxy-auth-drip")) &&
      g_strcmp0 (req.proxy_authorization, BASIC_BOB) != 0)
    {
      set_logged_status (self, &req, index, 407);
      send_status (out, 407, "Proxy-Authenticate: Basic realm=\"proxy\"\r\n");
    }
  else if (g_str_equal (req.method, "HEAD"))
    {
      s.head = TRUE;
      serve (self, connection, stream, &req, index, name, size, &s);
    }
  else if (g_str_equal (fault, "auth-basic"))
    {
      if (g_strcmp0 (req.authorization, BASIC_ALICE) == 0)
        serve (self, connection, stream, &req, index, name, size, &s);
      else
        {
          set_logged_status (self, &req, index, 401);
          send_status (out, 401, "WWW-Authenticate: Basic realm=\"barge\"\r\n");
        }
    }
  else if (g_str_has_prefix (fault, "redirect-elsewhere") || g_str_equal (fault, "redirect-to-http"))
    {
      guint status = g_str_has_suffix (fault, "-301") ? 301 : 302;
      g_autofree char *target = g_strdup_printf ("%s/fault/ok/%s?%s", g_str_equal (fault, "redirect-to-http")
                                                 ? self->base_url : self->localhost_url, name, req.query);

      set_logged_status (self, &req, index, status);
      redirect (out, status, target);
    }
  else if (g_str_equal (fault, "auth-then-elsewhere"))
    {
      if (g_strcmp0 (req.authorization, BASIC_ALICE) == 0)
        {
          g_autofree char *target = g_strdup_printf ("%s/fault/ok/%s?%s", self->localhost_url, name, req.query);

          set_logged_status (self, &req, index, 302);
          redirect (out, 302, target);
        }
      else
        {
          set_logged_status (self, &req, index, 401);
          send_status (out, 401, "WWW-Authenticate: Basic realm=\"barge\"\r\n");
        }
    }
  else if (g_str_has_prefix (fault, "redirect-auth-"))
    {
      g_autofree char *target = g_strdup_printf ("%s/fault/auth-basic/%s?%s",
                                                 g_str_equal (fault, "redirect-auth-here") ? ""
                                                 : self->localhost_url, name, req.query);
      set_logged_status (self, &req, index, 302);
      redirect (out, 302, target);
    }
  else if (broken && (g_str_equal (fault, "redirect-file") || g_str_equal (fault, "redirect-ftp")))
    {
      g_autofree char *target = g_str_equal (fault, "redirect-file") ? g_strdup ("file:///etc/passwd")
                                                                      : g_strdup_printf ("ftp://127.0.0.1/%s", name);
      set_logged_status (self, &req, index, 302);
      redirect (out, 302, target);
    }
  else if (g_str_equal (fault, "redirect-long"))
    {
      /* A 302 to a URL of 3000 characters and more. */
      g_autofree char *pad = g_strnfill (3000, 'a');
      g_autofree char *target = g_strdup_printf ("/fault/ok/%s?%s&pad=%s", name, req.query, pad);

      set_logged_status (self, &req, index, 302);
      redirect (out, 302, target);
    }
  else if (g_str_has_prefix (fault, "redirect-") && !g_str_equal (fault, "redirect-loop") &&
           !g_str_equal (fault, "redirect-file") && !g_str_equal (fault, "redirect-ftp"))
    {
      /* redirect-reset: a 302 to a server that cuts the body. */
      gboolean to_reset = g_str_equal (fault, "redirect-reset");
      g_autofree char *target = g_strdup_printf ("/fault/%s/%s?%s", to_reset ? "reset" : "ok", name, req.query);
      guint status = to_reset ? 302 : (guint) g_ascii_strtoull (fault + strlen ("redirect-"), NULL, 10);
      set_logged_status (self, &req, index, status);
      redirect (out, status, target);
    }
  else if (broken && ((gets_before == 0 && (g_str_equal (fault, "busy-first") ||
                                            g_str_equal (fault, "busy-first-long") ||
                                            g_str_equal (fault, "throttled-first"))) ||
                      g_str_equal (fault, "busy-always")))
    {
      gboolean busy = !g_str_equal (fault, "throttled-first");

      set_logged_status (self, &req, index, busy ? 503 : 429);
      send_status (out, busy ? 503 : 429,
                   !busy ? NULL : g_str_equal (fault, "busy-first-long") ? "Retry-After: 120\r\n"
                                                                           : "Retry-After: 1\r\n");
    }
  else if (broken && gets_before == 0 && g_str_equal (fault, "reset-first"))
    reset_connection (connection);
  else if (broken && others >= 2 && g_str_equal (fault, "max-2-connections"))
    {
      set_logged_status (self, &req, index, 503);
      send_status (out, 503, "Retry-After: 1\r\n");
    }
  else if (!broken || g_str_equal (fault, "ok") || g_str_equal (fault, "proxy-auth-basic") ||
           g_str_equal (fault, "drip") || g_str_equal (fault, "proxy-auth-drip") || g_str_equal (fault, "chunked") || (g_str_equal (fault, "gzip") && index > 0) ||
           s.paced)
    serve (self, connection, stream, &req, index, name, size, &s);
  else if (g_str_equal (fault, "gzip"))
    {
      s.cut_after = size / 2, s.end = END_RESET;
      serve (self, connection, stream, &req, index, name, size, &s);
    }
  else if (g_str_equal (fault, "reset"))
    {
      s.cut_after = size / 2, s.end = END_RESET;
      if (req.range != NULL)
        s.cut_after = 64 * 1024;
      serve (self, connection, stream, &req, index, name, size, &s);
    }
  else if (g_str_equal (fault, "stall-body"))
    {
      s.cut_after = size / 4, s.end = END_STALL;
      serve (self, connection, stream, &req, index, name, size, &s);
    }
  else if (g_str_equal (fault, "stall-headers"))
    stall (self);
  else if (g_str_equal (fault, "close-before-headers"))
    ;
  else if (g_str_equal (fault, "503") || g_str_equal (fault, "429"))
    {
      guint status = (guint) g_ascii_strtoull (fault, NULL, 10);
      set_logged_status (self, &req, index, status);
      send_status (out, status, status == 503 ? "Retry-After: 7\r\n" : "Retry-After: 1\r\n");
    }
  else if (g_str_equal (fault, "401"))
    {
      set_logged_status (self, &req, index, 401);
      send_status (out, 401, "WWW-Authenticate: Basic realm=\"barge\"\r\n");
    }
  else if (g_str_equal (fault, "407"))
    {
      set_logged_status (self, &req, index, 407);
      send_status (out, 407, "Proxy-Authenticate: Basic realm=\"proxy\"\r\n");
    }
  else if (g_str_equal (fault, "404-latin1"))
    {
      g_autofree char *date = http_date ();
      g_autofree char *text = g_strdup_printf ("HTTP/1.1 404 Nicht gef\xfcnden\r\nDate: %s\r\nContent-Length: 4\r\n"
                                               "Connection: close\r\n\r\nnope", date);

      set_logged_status (self, &req, index, 404);
      write_text (out, text);
    }
  else if (g_str_equal (fault, "206-latin1"))
    {
      g_autofree char *date = http_date ();
      g_autofree char *text = g_strdup_printf ("HTTP/1.1 206 Partial Content\r\nDate: %s\r\n"
                                               "Content-Range: bytes \xe9t\xe9\r\nContent-Length: 4\r\n"
                                               "Connection: close\r\n\r\nnope", date);

      set_logged_status (self, &req, index, 206);
      write_text (out, text);
    }
  else if (g_ascii_isdigit (fault[0]) && !g_str_equal (fault, "416"))
    {
      guint status = (guint) g_ascii_strtoull (fault, NULL, 10);
      set_logged_status (self, &req, index, status);
      send_status (out, status, NULL);
    }
  else if (broken && g_str_equal (fault, "cut-copy-416") && index >= 1 && req.range != NULL &&
           !g_str_has_prefix (req.range, "bytes=0-"))
    {
      /* A cache holding a copy cut where the client stopped: "the file
       * has exactly the bytes you have". */
      guint64 first = 0, last = 0;
      g_autofree char *cr = NULL;

      parse_range (req.range, &first, &last);
      cr = g_strdup_printf ("Content-Range: bytes */%" G_GUINT64_FORMAT "\r\n", first);
      set_logged_status (self, &req, index, 416);
      send_status (out, 416, cr);
    }
  else if (g_str_equal (fault, "cut-copy-416"))
    {
      if (broken && index == 0)
        s.cut_after = size / 2, s.end = END_RESET;
      serve (self, connection, stream, &req, index, name, size, &s);
    }
  else if (g_str_equal (fault, "etag-every-part"))
    serve (self, connection, stream, &req, index, name, size, &s);
  else if (g_str_equal (fault, "416") || g_str_equal (fault, "ignore-range") ||
           g_str_equal (fault, "partial-ranges") ||
           g_str_has_prefix (fault, "etag-change") || g_str_equal (fault, "long-range"))
    {
      if (index == 0)
        s.cut_after = size / 2, s.end = END_RESET;
      else if (g_str_equal (fault, "416") && req.range != NULL)
        {
          g_autofree char *cr = g_strdup_printf ("Content-Range: bytes */%" G_GUINT64_FORMAT "\r\n", size + 7);
          set_logged_status (self, &req, index, 416);
          send_status (out, 416, cr);
          request_clear (&req);
          return;
        }
      else if (g_str_equal (fault, "ignore-range"))
        s.ignore_range = TRUE;
      else if (g_str_equal (fault, "etag-change-206"))
        s.ignore_if_range = TRUE;
      else if (g_str_equal (fault, "long-range") && req.range != NULL)
        s.extra = 4096;
      else if (g_str_equal (fault, "partial-ranges"))
        s.max_part = 128 * 1024;
      serve (self, connection, stream, &req, index, name, size, &s);
    }
  else if (g_str_equal (fault, "redirect-loop"))
    {
      g_autofree char *self_url = g_strdup_printf ("%s?%s", req.path, req.query);
      set_logged_status (self, &req, index, 302);
      redirect (out, 302, self_url);
    }
  else if (g_str_equal (fault, "chunked-truncated") || g_str_equal (fault, "short-body") ||
           g_str_equal (fault, "close-delimited"))
    {
      s.cut_after = size / 2, s.end = END_CLOSE;
      serve (self, connection, stream, &req, index, name, size, &s);
    }
  else if (g_str_equal (fault, "trickle-headers"))
    trickle_headers (self, out);
  else if (g_str_equal (fault, "chunked-416"))
    {
      if (req.range != NULL)
        {
          g_autofree char *cr = g_strdup_printf ("Content-Range: bytes */%" G_GUINT64_FORMAT "\r\n", size + 7);
          set_logged_status (self, &req, index, 416);
          send_status (out, 416, cr);
        }
      else
        {
          s.chunked = TRUE;
          serve (self, connection, stream, &req, index, name, size, &s);
        }
    }
  else if (g_str_equal (fault, "unrequested-206"))
    {
      s.unrequested_part = 64 * 1024;
      serve (self, connection, stream, &req, index, name, size, &s);
    }
  else if (g_str_equal (fault, "head-endless"))
    {
      s.no_length = TRUE;
      s.ignore_range = TRUE;
      s.extra = 64 * 1024;
      serve (self, connection, stream, &req, index, name, size, &s);
    }
  else if (g_str_equal (fault, "big-headers"))
    {
      g_autofree char *filler = g_strnfill (16 * 1024, 'x');
      g_autoptr(GString) headers = g_string_new (NULL);

      for (guint i = 0; i < 64; i++)
        g_string_append_printf (headers, "X-Filler-%u: %s\r\n", i, filler);
      set_logged_status (self, &req, index, 200);
      send_status (out, 200, headers->str);
    }
  else
    {
      set_logged_status (self, &req, index, 404);
      send_status (out, 404, NULL);
    }
  request_clear (&req);
}

/* glib-networking asks here about every client certificate, also one
 * the client CA's database found nothing wrong with (errors 0): that one
 * is let in, any other not. */
static gboolean
on_client_certificate (GTlsConnection *tls, GTlsCertificate *peer, GTlsCertificateFlags errors, gpointer user_data)
{
  if (errors != 0)
    g_debug ("client certificate refused: flags 0x%x", errors);
  return errors == 0;
}

static gboolean
on_run (GThreadedSocketService *service, GSocketConnection *connection, GObject *source, gpointer user_data)
{
  BargeFaultServer *self = user_data;
  g_autoptr(GIOStream) tls = NULL;
  GSocket *socket = g_socket_connection_get_socket (connection);
  guint others;

  /* GIO starts this thread out of ThreadSanitizer's sight: what the server
   * was given before it listened (released in server_setup). */
  BARGE_TSAN_ACQUIRE (self);
  g_mutex_lock (&self->lock);
  if (self->stopping)
    {
      g_mutex_unlock (&self->lock);
      return TRUE;
    }
  others = self->active++;
  g_mutex_unlock (&self->lock);

  /* Blocking I/O with a bound, so no handler outlives the test by much. */
  g_socket_set_timeout (socket, IO_TIMEOUT_S);
  if (source != NULL)
    {
      /* The listener's certificate: the fresh one, or the expired one. */
      tls = g_tls_server_connection_new (G_IO_STREAM (connection), G_TLS_CERTIFICATE (source), NULL);
      /* The third listener lets in only a client with a certificate of
       * the client CA (client.pem). */
      if (tls != NULL && source == G_OBJECT (self->mutual))
        {
          g_tls_connection_set_database (G_TLS_CONNECTION (tls), self->client_ca);
          g_object_set (tls, "authentication-mode", G_TLS_AUTHENTICATION_REQUIRED, NULL);
          g_signal_connect (tls, "accept-certificate", G_CALLBACK (on_client_certificate), self);
        }
      /* The client refuses the certificate: the handshake fails, which is
       * the fault under test. */
      if (tls != NULL && g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, NULL))
        handle (self, connection, tls, others);
    }
  else
    handle (self, connection, G_IO_STREAM (connection), others);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  g_mutex_lock (&self->lock);
  self->active--;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/* --- lifetime ------------------------------------------------------------ */

static gboolean
run_openssl (const char * const *argv)
{
  gint status = 0;

  return g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                       NULL, NULL, NULL, &status, NULL) && g_spawn_check_wait_status (status, NULL);
}

/* A client CA and a client certificate it signed, the certificate and
 * its key in one file (client.pem), for the listener that asks for one. */
static void
make_client_certificate (BargeFaultServer *self, const char *openssl)
{
  g_autofree char *ca = g_build_filename (self->cert_dir, "client-ca.pem", NULL);
  g_autofree char *ca_key = g_build_filename (self->cert_dir, "client-ca.key", NULL);
  g_autofree char *csr = g_build_filename (self->cert_dir, "client.csr", NULL);
  g_autofree char *cert = g_build_filename (self->cert_dir, "client.crt", NULL);
  g_autofree char *key = g_build_filename (self->cert_dir, "client.key", NULL);
  g_autofree char *both = g_build_filename (self->cert_dir, "client.pem", NULL);
  g_autofree char *server_cert = g_build_filename (self->cert_dir, "cert.pem", NULL);
  g_autofree char *server_key = g_build_filename (self->cert_dir, "key.pem", NULL);
  g_autofree char *cert_text = NULL;
  g_autofree char *key_text = NULL;
  g_autofree char *joined = NULL;
  const char *make_ca[] = { openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                            "-nodes", "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=Barge test client CA",
                            NULL };
  const char *make_csr[] = { openssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-keyout", key, "-out", csr, "-subj", "/CN=barge-test-client", NULL };
  const char *sign[] = { openssl, "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
                         "-out", cert, "-days", "2", NULL };

  if (!run_openssl (make_ca) || !run_openssl (make_csr) || !run_openssl (sign) ||
      !g_file_get_contents (cert, &cert_text, NULL, NULL) || !g_file_get_contents (key, &key_text, NULL, NULL))
    return;
  joined = g_strconcat (cert_text, key_text, NULL);
  if (!g_file_set_contents (both, joined, -1, NULL))
    return;
  self->client_ca = g_tls_file_database_new (ca, NULL);
  self->mutual = g_tls_certificate_new_from_files (server_cert, server_key, NULL);
}

const char *
barge_fault_server_get_mutual_tls_base_url (BargeFaultServer *self)
{
  return self->mutual_base_url;
}

char *
barge_fault_server_get_client_certificate_path (BargeFaultServer *self)
{
  return self->mutual != NULL ? g_build_filename (self->cert_dir, "client.pem", NULL) : NULL;
}

static void
make_certificate (BargeFaultServer *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  gint status = 0;

  if (openssl == NULL)
    return;
  self->cert_dir = g_dir_make_tmp ("barge-fault-tls-XXXXXX", &error);
  g_assert_no_error (error);
  cert = g_build_filename (self->cert_dir, "cert.pem", NULL);
  key = g_build_filename (self->cert_dir, "key.pem", NULL);
  {
    const char *argv[] = { openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                           "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                           "-addext", "subjectAltName=IP:127.0.0.1", NULL };
    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, NULL, NULL, &status, NULL) || !g_spawn_check_wait_status (status, NULL))
      return;
  }
  self->certificate = g_tls_certificate_new_from_files (cert, key, NULL);
  make_client_certificate (self, openssl);
  /* A certificate that expired on 2 January 2020, self-signed for
   * 127.0.0.1 (made once with python3-cryptography: OpenSSL 3.0 cannot
   * date one in the past). */
  if (g_getenv ("G_TEST_SRCDIR") != NULL)
    {
      g_autofree char *expired_cert = g_test_build_filename (G_TEST_DIST, "common", "tls", "expired.pem", NULL);
      g_autofree char *expired_key = g_test_build_filename (G_TEST_DIST, "common", "tls", "expired.key", NULL);

      self->expired = g_tls_certificate_new_from_files (expired_cert, expired_key, NULL);
    }
}

const char *
barge_fault_server_get_expired_tls_base_url (BargeFaultServer *self)
{
  return self->expired_base_url;
}

static gboolean
server_setup (gpointer user_data)
{
  BargeFaultServer *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  self->service = g_threaded_socket_service_new (32);
  g_signal_connect (self->service, "run", G_CALLBACK (on_run), self);
  g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), any_port, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  if (self->certificate != NULL)
    {
      g_autoptr(GSocketAddress) tls_bound = NULL;

      g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), any_port, G_SOCKET_TYPE_STREAM,
                                     G_SOCKET_PROTOCOL_TCP, G_OBJECT (self->certificate), &tls_bound, &error);
      g_assert_no_error (error);
      self->tls_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (tls_bound));
    }
  /* Before the first connection: handlers read them without the lock. */
  self->base_url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
  self->localhost_url = g_strdup_printf ("http://localhost:%u", self->port);
  if (self->tls_port != 0)
    self->tls_base_url = g_strdup_printf ("https://127.0.0.1:%u", self->tls_port);
  if (self->expired != NULL)
    {
      g_autoptr(GSocketAddress) expired_bound = NULL;

      g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), any_port, G_SOCKET_TYPE_STREAM,
                                     G_SOCKET_PROTOCOL_TCP, G_OBJECT (self->expired), &expired_bound, &error);
      g_assert_no_error (error);
      self->expired_base_url = g_strdup_printf ("https://127.0.0.1:%u",
                                                g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (expired_bound)));
    }
  if (self->mutual != NULL)
    {
      g_autoptr(GSocketAddress) mutual_bound = NULL;

      g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), any_port, G_SOCKET_TYPE_STREAM,
                                     G_SOCKET_PROTOCOL_TCP, G_OBJECT (self->mutual), &mutual_bound, &error);
      g_assert_no_error (error);
      self->mutual_base_url = g_strdup_printf ("https://127.0.0.1:%u",
                                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (mutual_bound)));
    }
  BARGE_TSAN_RELEASE (self); /* acquired by on_run */
  g_socket_service_start (self->service);
  return TRUE;
}

static void
server_teardown (gpointer user_data)
{
  BargeFaultServer *self = user_data;

  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_clear_object (&self->service);
}

BargeFaultServer *
barge_fault_server_new (void)
{
  BargeFaultServer *self = g_new0 (BargeFaultServer, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->broken = TRUE;
  self->requests = barge_test_request_log_new ();
  self->gets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  make_certificate (self);
  self->thread = barge_test_loop_thread_start ("barge-fault-server", server_setup, server_teardown, self);
  return self;
}

typedef struct {
  BargeFaultServer *self;
  guint16 port;
} ListenData;

static void
listen_cb (gpointer data, gpointer unused)
{
  ListenData *d = data;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_inet_port (G_SOCKET_LISTENER (d->self->service), d->port, NULL, &error);
  g_assert_no_error (error);
}

void
barge_fault_server_listen_on (BargeFaultServer *self, guint16 port)
{
  ListenData d = { self, port };

  /* The listener belongs to the server thread's context. */
  barge_test_loop_thread_run (self->thread, listen_cb, &d);
}

/* One port at a time, bound and closed: the kernel may hand the same one
 * out again at the next call, and a caller that reserves several for one
 * server (nginx's listeners) then gets two listeners on one port, which
 * nginx merges into one socket serving the first server block. So a
 * process never gets a port twice. */
static guint16
reserve_one (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) local = NULL;

  g_assert_no_error (error);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  local = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  /* Bound but not listening, then closed: a connect is refused. */
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
}

guint16
barge_fault_server_reserve_port (void)
{
  static GMutex lock;
  static guint8 given[65536 / 8];

  g_mutex_lock (&lock);
  for (guint attempt = 0; attempt < 1000; attempt++)
    {
      guint16 port = reserve_one ();

      if (given[port / 8] & (1u << (port % 8)))
        continue;
      given[port / 8] |= (guint8) (1u << (port % 8));
      g_mutex_unlock (&lock);
      return port;
    }
  g_mutex_unlock (&lock);
  g_assert_not_reached ();
}

void
barge_fault_server_free (BargeFaultServer *self)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  if (self == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  barge_test_loop_thread_stop (self->thread);
  /* Handlers run on the service's own threads: let them end first. */
  g_mutex_lock (&self->lock);
  while (self->active > 0)
    if (!g_cond_wait_until (&self->cond, &self->lock, end))
      break;
  g_mutex_unlock (&self->lock);
  g_clear_object (&self->certificate);
  g_clear_object (&self->mutual);
  g_clear_object (&self->client_ca);
  g_free (self->mutual_base_url);
  if (self->cert_dir != NULL)
    {
      const char *made[] = { "cert.pem", "key.pem", "client-ca.pem", "client-ca.key", "client-ca.srl", "client.csr",
                             "client.crt", "client.key", "client.pem" };

      for (guint i = 0; i < G_N_ELEMENTS (made); i++)
        {
          g_autofree char *path = g_build_filename (self->cert_dir, made[i], NULL);

          g_remove (path);
        }
      g_rmdir (self->cert_dir);
      g_free (self->cert_dir);
    }
  barge_test_request_log_free (self->requests);
  g_hash_table_unref (self->gets);
  g_free (self->base_url);
  g_free (self->localhost_url);
  g_free (self->tls_base_url);
  g_free (self->expired_base_url);
  g_clear_object (&self->expired);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}
