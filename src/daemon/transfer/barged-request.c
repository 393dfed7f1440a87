/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedRequest"

#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "barge.h"
#include "barged-errors.h"
#include "barged-http.h"
#include "barged-request.h"

/* DSCP LE (RFC 8622) is code point 1: the TOS or traffic class byte holds
 * it above the two ECN bits. */
#define DSCP_LE_TOS (1 << 2)

/* TCP-LP, then LEDBAT, if the kernel has either. */
static const char * const lower_effort_congestion[] = { "lp", "ledbat" };

gboolean
barged_request_http2_allowed (void)
{
  /* The version we run with, not the one we were built against. */
  guint version = soup_get_major_version () * 10000 + soup_get_minor_version () * 100 + soup_get_micro_version ();

  return version >= 30603;
}

static void
on_network_event (SoupMessage *msg, GSocketClientEvent event, GIOStream *connection, gpointer user_data)
{
  GSocket *socket;
  int tos = DSCP_LE_TOS;
  int fd;

  /* Once per new connection, before connect(): its SYN is marked too (a
   * receiver that reflects the TOS takes it from the handshake). */
  if (event != G_SOCKET_CLIENT_CONNECTING || !G_IS_SOCKET_CONNECTION (connection))
    return;
  socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection));
  fd = g_socket_get_fd (socket);
  if (g_socket_get_family (socket) == G_SOCKET_FAMILY_IPV4)
    (void) setsockopt (fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
  else if (g_socket_get_family (socket) == G_SOCKET_FAMILY_IPV6)
    (void) setsockopt (fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof tos);
  /* What we send (uploads) yields to other flows where the kernel has a
   * less-than-best-effort congestion control; most kernels have neither
   * (this machine's offer reno, cubic and bbr), and then nothing changes. */
  for (guint i = 0; i < G_N_ELEMENTS (lower_effort_congestion); i++)
    if (setsockopt (fd, IPPROTO_TCP, TCP_CONGESTION, lower_effort_congestion[i],
                    strlen (lower_effort_congestion[i])) == 0)
      break;
}

static void
on_request_queued (SoupSession *session, SoupMessage *msg, gpointer user_data)
{
  g_signal_connect (msg, "network-event", G_CALLBACK (on_network_event), NULL);
}

void
barged_request_mark_lower_effort (SoupSession *session)
{
  g_signal_connect (session, "request-queued", G_CALLBACK (on_request_queued), NULL);
}

void
barged_request_init (void)
{
  if (!barged_request_http2_allowed ())
    g_setenv ("SOUP_FORCE_HTTP1", "1", TRUE);
}

static void
on_bodyless_headers (SoupMessage *msg, gpointer user_data)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  guint status = soup_message_get_status (msg);

  /* SOUP_ENCODING_NONE says what libsoup's reader already assumed; only
   * soup_message_is_keepalive() reads it from here. */
  if ((soup_message_get_method (msg) == SOUP_METHOD_HEAD || status == SOUP_STATUS_NO_CONTENT ||
       status == SOUP_STATUS_NOT_MODIFIED) &&
      soup_message_headers_get_encoding (headers) == SOUP_ENCODING_EOF)
    soup_message_headers_set_encoding (headers, SOUP_ENCODING_NONE);
}

void
barged_request_keep_bodyless_alive (SoupMessage *msg)
{
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_bodyless_headers), NULL);
}

char *
barged_request_url_for_log (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL) : NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup ("(a URL that does not parse)");
  return g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO | G_URI_HIDE_QUERY | G_URI_HIDE_FRAGMENT);
}

gboolean
barged_request_same_origin (const char *a, GUri *b)
{
  g_autoptr(GUri) uri = a != NULL ? g_uri_parse (a, SOUP_HTTP_URI_FLAGS, NULL) : NULL;

  /* SOUP_HTTP_URI_FLAGS fills in the default port of http and https, so
   * "http://h/" and "http://h:80/" compare equal. */
  return uri != NULL && b != NULL &&
         g_ascii_strcasecmp (g_uri_get_scheme (uri), g_uri_get_scheme (b)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (uri), g_uri_get_host (b)) == 0 &&
         g_uri_get_port (uri) == g_uri_get_port (b);
}

char *
barged_request_origin (GUri *uri)
{
  g_autofree char *host = NULL;
  const char *scheme;
  gint port;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;
  scheme = g_uri_get_scheme (uri);
  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  port = g_uri_get_port (uri);
  if (port < 0)
    port = g_ascii_strcasecmp (scheme, "https") == 0 ? 443 : 80;
  return g_strdup_printf ("%s://%s:%d", scheme, host, port);
}

char *
barged_request_proxy_key (SoupMessage *msg)
{
  GSocketAddress *address = soup_message_get_remote_address (msg);
  g_autofree char *host = NULL;

  /* GSocketClient connects to a GProxyAddress when a proxy resolver sent
   * the request to a proxy; libsoup speaks to an "http" one itself
   * (absolute-form requests, CONNECT), and only such a proxy answers
   * 407. */
  if (!G_IS_PROXY_ADDRESS (address) ||
      g_strcmp0 (g_proxy_address_get_protocol (G_PROXY_ADDRESS (address)), "http") != 0)
    return NULL;
  host = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
  return g_strdup_printf ("http://%s:%u", host, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
}

gboolean
barged_request_authenticate (SoupMessage *msg, SoupAuth *auth, gboolean retrying, BargedCredentials *credentials,
                             const char *job_id, const char *origin_url)
{
  gboolean for_proxy = soup_auth_is_for_proxy (auth);
  g_autofree char *proxy = for_proxy ? barged_request_proxy_key (msg) : NULL;
  const char *refused = NULL;

  if (credentials == NULL)
    return FALSE;
  /* libsoup takes a 407 from whatever answered, a server reached directly
   * too: a proxy's credentials go to a proxy only. */
  if (for_proxy && proxy == NULL)
    refused = "proxy credentials, but the request does not go through a proxy";
  else if (!for_proxy && !barged_request_same_origin (origin_url, soup_message_get_uri (msg)))
    refused = "credentials, but the file was added for another origin";
  if (refused != NULL)
    {
      g_autofree char *here = g_uri_to_string_partial (soup_message_get_uri (msg), G_URI_HIDE_USERINFO |
                                                       G_URI_HIDE_QUERY | G_URI_HIDE_FRAGMENT);

      g_info ("job %s: %s asks for %s: none sent", job_id, here, refused);
      return FALSE;
    }
  return barged_credentials_authenticate (credentials, job_id, auth, retrying);
}

typedef struct {
  GVariant *headers;      /* a(ss) */
  char *origin;           /* the URL the headers belong to */
  GPtrArray *added;       /* names this request carries because of us */
} CustomHeaders;

static void
custom_headers_free (gpointer data, GClosure *closure)
{
  CustomHeaders *c = data;

  g_variant_unref (c->headers);
  g_free (c->origin);
  g_ptr_array_unref (c->added);
  g_free (c);
}

/* "starting" comes before each sending of the message, the first and
 * those after a redirect or an authentication retry, once libsoup and
 * Barge have set their own headers. */
static void
on_starting (SoupMessage *msg, CustomHeaders *c)
{
  SoupMessageHeaders *request = soup_message_get_request_headers (msg);
  GVariantIter iter;
  const char *name, *value;

  for (guint i = 0; i < c->added->len; i++)
    soup_message_headers_remove (request, g_ptr_array_index (c->added, i));
  g_ptr_array_set_size (c->added, 0);
  if (!barged_request_same_origin (c->origin, soup_message_get_uri (msg)))
    return;
  g_variant_iter_init (&iter, c->headers);
  while (g_variant_iter_next (&iter, "(&s&s)", &name, &value))
    {
      gboolean ours = FALSE;

      for (guint i = 0; i < c->added->len && !ours; i++)
        ours = g_ascii_strcasecmp (g_ptr_array_index (c->added, i), name) == 0;
      /* Barge's own header wins; a name the client gave twice goes twice. */
      if (!ours && soup_message_headers_get_list (request, name) != NULL)
        continue;
      soup_message_headers_append (request, name, value);
      if (!ours)
        g_ptr_array_add (c->added, g_strdup (name));
    }
}

void
barged_request_add_custom_headers (SoupMessage *msg, GVariant *headers, const char *origin_url)
{
  CustomHeaders *c;

  if (headers == NULL || g_variant_n_children (headers) == 0)
    return;
  c = g_new0 (CustomHeaders, 1);
  c->headers = g_variant_ref (headers);
  c->origin = origin_url != NULL ? g_strdup (origin_url) : g_uri_to_string (soup_message_get_uri (msg));
  c->added = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect_data (msg, "starting", G_CALLBACK (on_starting), c, custom_headers_free, 0);
}

GError *
barged_request_check_redirect (SoupMessage *msg, BargeRedirectPolicy policy, gboolean allow_https_to_http,
                               GUri **target)
{
  guint status = soup_message_get_status (msg);
  const char *location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
  GUri *from = soup_message_get_uri (msg);
  g_autoptr(GUri) to = NULL;
  GError *error = NULL;

  /* The statuses libsoup follows (SOUP_SESSION_WOULD_REDIRECT_AS_GET and
   * _AS_SAFE for a GET or HEAD); 300 and 304 are answers, not redirects. */
  if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308)
    return NULL;
  if (location == NULL || soup_message_query_flags (msg, SOUP_MESSAGE_NO_REDIRECT))
    return NULL;
  to = g_uri_parse_relative (from, location, SOUP_HTTP_URI_FLAGS, NULL);
  /* What does not parse, or is not http(s), fails as before (libsoup's
   * error, UnsupportedScheme). */
  if (to == NULL || (g_strcmp0 (g_uri_get_scheme (to), "http") != 0 && g_strcmp0 (g_uri_get_scheme (to), "https") != 0))
    return NULL;
  /* A URL barged could not be given is not taken from a server either:
   * it would be kept (FinalUrl, an allow-report RemoteUrl) and stored. */
  if (strlen (location) > BARGED_HTTP_MAX_URL)
    error = g_error_new (BARGE_ERROR, BARGE_ERROR_REDIRECT_REFUSED,
                         "the server redirected (HTTP %u) to a URL longer than %u characters, which barged "
                         "does not follow", status, BARGED_HTTP_MAX_URL);
  else if (policy == BARGE_REDIRECT_POLICY_DISALLOW)
    error = g_error_new (BARGE_ERROR, BARGE_ERROR_REDIRECT_REFUSED,
                         "the server redirected (HTTP %u) and the job's RedirectPolicy is disallow", status);
  else if (g_ascii_strcasecmp (g_uri_get_scheme (from), "https") == 0 &&
           g_ascii_strcasecmp (g_uri_get_scheme (to), "http") == 0 && !allow_https_to_http)
    error = g_error_new (BARGE_ERROR, BARGE_ERROR_REDIRECT_REFUSED,
                         "the server redirected (HTTP %u) from https to http, which the job does not allow "
                         "(AllowHttpsToHttp)", status);
  if (error != NULL)
    soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  else if (target != NULL)
    *target = g_steal_pointer (&to);
  return error;
}

GError *
barged_request_tls_error (GTlsCertificateFlags flags, const GError *error)
{
  static const struct {
    GTlsCertificateFlags flag;
    const char *text;
  } reasons[] = {
    { G_TLS_CERTIFICATE_EXPIRED, "has expired" },
    { G_TLS_CERTIFICATE_NOT_ACTIVATED, "is not valid yet" },
    { G_TLS_CERTIFICATE_BAD_IDENTITY, "is for another host" },
    { G_TLS_CERTIFICATE_UNKNOWN_CA, "is not signed by an authority barged trusts" },
    { G_TLS_CERTIFICATE_REVOKED, "was revoked" },
    { G_TLS_CERTIFICATE_INSECURE, "uses an insecure algorithm" },
  };
  g_autoptr(GString) why = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (flags & reasons[i].flag)
      g_string_append_printf (why, "%s%s", why->len > 0 ? ", " : "", reasons[i].text);
  if (why->len == 0)
    return barged_error_new_for_io (error, FALSE);
  return g_error_new (BARGE_ERROR, BARGE_ERROR_TLS_FAILURE, "the server's certificate %s", why->str);
}

char *
barged_request_final_url (GUri *uri)
{
  return g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO);
}

static void
on_parent_cancelled (GCancellable *parent, GCancellable *child)
{
  g_cancellable_cancel (child);
}

GCancellable *
barged_request_follow (BargedFollow *follow, GCancellable *parent)
{
  GCancellable *child = g_cancellable_new ();

  follow->parent = parent != NULL ? g_object_ref (parent) : NULL;
  /* Runs at once when @parent was cancelled already (handler 0). */
  follow->handler = parent != NULL ? g_cancellable_connect (parent, G_CALLBACK (on_parent_cancelled),
                                                            g_object_ref (child), g_object_unref)
                                   : 0;
  return child;
}

void
barged_request_unfollow (BargedFollow *follow)
{
  /* A cancelled parent has run its handler and will not again; it may be
   * running it now, and GLib 2.74 waits for that inside disconnect (for
   * ever, on this thread). Its reference to the child goes with it. */
  if (follow->handler != 0 && !g_cancellable_is_cancelled (follow->parent))
    g_cancellable_disconnect (follow->parent, follow->handler);
  follow->handler = 0;
  g_clear_object (&follow->parent);
}

struct _BargedHeaderDeadline
{
  SoupMessage *msg;
  GCancellable *cancellable;  /* the request's */
  BargedFollow parent;
  gulong wrote_handler;        /* "wrote-headers", or "wrote-body" for a request with a body to send */
  gulong got_headers_handler;
  gulong restarted_handler;
  guint seconds;
  guint source;
  gboolean expired;
};

static gboolean
on_deadline (gpointer user_data)
{
  BargedHeaderDeadline *self = user_data;

  self->source = 0;
  self->expired = TRUE;
  g_cancellable_cancel (self->cancellable);
  return G_SOURCE_REMOVE;
}

static void
arm (BargedHeaderDeadline *self)
{
  g_clear_handle_id (&self->source, g_source_remove);
  self->source = g_timeout_add_seconds (self->seconds, on_deadline, self);
}

void
barged_header_deadline_disarm (BargedHeaderDeadline *self)
{
  g_clear_handle_id (&self->source, g_source_remove);
}

/* The request is on a connection: from here the server owes headers.
 * Connecting and the TLS handshake are bounded by libsoup's own timeout. */
static void
on_wrote (SoupMessage *msg, BargedHeaderDeadline *self)
{
  if (!self->expired)
    arm (self);
}

static void
on_got_headers (SoupMessage *msg, BargedHeaderDeadline *self)
{
  barged_header_deadline_disarm (self);
}

/* A redirect or an authentication retry sends the request again: the
 * next headers get a deadline of their own, once it is written. */
static void
on_restarted (SoupMessage *msg, BargedHeaderDeadline *self)
{
  barged_header_deadline_disarm (self);
}

static BargedHeaderDeadline *
deadline_new (SoupMessage *msg, guint seconds, GCancellable *parent, const char *armed_by)
{
  BargedHeaderDeadline *self = g_new0 (BargedHeaderDeadline, 1);

  self->msg = g_object_ref (msg);
  self->cancellable = barged_request_follow (&self->parent, parent);
  self->seconds = MAX (seconds, 1u);
  self->wrote_handler = g_signal_connect (msg, armed_by, G_CALLBACK (on_wrote), self);
  self->got_headers_handler = g_signal_connect (msg, "got-headers", G_CALLBACK (on_got_headers), self);
  self->restarted_handler = g_signal_connect (msg, "restarted", G_CALLBACK (on_restarted), self);
  return self;
}

BargedHeaderDeadline *
barged_header_deadline_new (SoupMessage *msg, guint seconds, GCancellable *parent)
{
  return deadline_new (msg, seconds, parent, "wrote-headers");
}

BargedHeaderDeadline *
barged_header_deadline_new_after_body (SoupMessage *msg, guint seconds, GCancellable *parent)
{
  return deadline_new (msg, seconds, parent, "wrote-body");
}

GCancellable *
barged_header_deadline_get_cancellable (BargedHeaderDeadline *self)
{
  return self->cancellable;
}

GError *
barged_header_deadline_error (BargedHeaderDeadline *self, const GError *error)
{
  if (self != NULL && self->expired && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      (self->parent.parent == NULL || !g_cancellable_is_cancelled (self->parent.parent)))
    return g_error_new (BARGE_ERROR, BARGE_ERROR_TIMED_OUT,
                        "the server did not send complete response headers within %u s", self->seconds);
  return g_error_copy (error);
}

void
barged_header_deadline_free (BargedHeaderDeadline *self)
{
  if (self == NULL)
    return;
  barged_header_deadline_disarm (self);
  g_signal_handler_disconnect (self->msg, self->wrote_handler);
  g_signal_handler_disconnect (self->msg, self->got_headers_handler);
  g_signal_handler_disconnect (self->msg, self->restarted_handler);
  barged_request_unfollow (&self->parent);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->msg);
  g_free (self);
}
