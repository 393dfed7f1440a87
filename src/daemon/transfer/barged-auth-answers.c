/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedAuthAnswers"

#include "config.h"

#include "barged-auth-answers.h"
#include "barged-request.h"

struct _BargedAuthAnswers
{
  GObject parent_instance;

  BargedCredentials *credentials; /* NULL once closed, or for a job without any */
  char *job_id;
  GHashTable *server;             /* origin -> SoupAuth, the server's Basic or Digest answered */
  GHashTable *proxy;              /* proxy (barged_request_proxy_key()) -> SoupAuth answered on a
                                   * plain http request through it */
  gboolean for_proxy;             /* a proxy's challenges are answered */
};

G_DEFINE_TYPE (BargedAuthAnswers, barged_auth_answers, G_TYPE_OBJECT)

/* What one request carries because of us, so that a later sending of it
 * (after a redirect or a challenge) starts from what libsoup set. */
typedef struct {
  BargedAuthAnswers *answers;
  char *origin_url;           /* the file's URL: server credentials belong to its origin */
  gboolean put_server;
  gboolean put_proxy;
  /* Every SoupAuth whose answer went on the message: a Digest one watches
   * the message's responses (libsoup connects it to "got-headers" without
   * a reference), so it must live as long as the message. */
  GPtrArray *used;
} Attached;

static void
attached_free (gpointer data, GClosure *closure)
{
  Attached *a = data;

  g_object_unref (a->answers);
  g_free (a->origin_url);
  g_clear_pointer (&a->used, g_ptr_array_unref);
  g_free (a);
}

static gboolean
is_plain_http (GUri *uri)
{
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0;
}

static gboolean
up_front_scheme (SoupAuth *auth)
{
  const char *scheme = soup_auth_get_scheme_name (auth);

  return g_ascii_strcasecmp (scheme, "Basic") == 0 || g_ascii_strcasecmp (scheme, "Digest") == 0;
}

/* The answer @table holds for @key, put on @msg as @header; asked of
 * the job's credentials again, so that RemoveCredentials stops it. */
static gboolean
put_answer (BargedAuthAnswers *self, Attached *a, GHashTable *table, const char *key, SoupMessage *msg,
            const char *header)
{
  SoupAuth *auth = g_hash_table_lookup (table, key);
  g_autofree char *token = NULL;

  if (auth == NULL)
    return FALSE;
  if (!barged_credentials_authenticate (self->credentials, self->job_id, auth, FALSE))
    {
      g_hash_table_remove (table, key);
      return FALSE;
    }
  token = soup_auth_get_authorization (auth, msg);
  if (token == NULL)
    return FALSE;
  soup_message_headers_replace (soup_message_get_request_headers (msg), header, token);
  if (a->used == NULL)
    a->used = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (a->used, g_object_ref (auth));
  return TRUE;
}

/* Before each sending of @msg (the first, and those after a redirect or a
 * challenge). A server's answer goes only to the origin of the file's URL.
 * A libsoup without the fix of CVE-2025-46421 keeps the Authorization it
 * answered a challenge with when it follows a redirect to another origin:
 * that is removed here too. A proxy's answer goes up front only on a
 * plain http request: on an https one the proxy's challenge came on
 * libsoup's CONNECT, whose tunnel later requests reuse, and a
 * Proxy-Authorization would travel inside the tunnel, to the server. It
 * goes to the proxy that asked, by the address the request's connection
 * goes to (known here: libsoup emits "starting" once the connection is
 * made), never to the server: the job's proxy settings, a PAC script or a
 * session agent may send the next request of the same origin direct, or
 * through another proxy, in the middle of a run. */
static void
on_starting (SoupMessage *msg, Attached *a)
{
  BargedAuthAnswers *self = a->answers;
  SoupMessageHeaders *request = soup_message_get_request_headers (msg);
  GUri *uri = soup_message_get_uri (msg);
  g_autofree char *origin = barged_request_origin (uri);
  g_autofree char *proxy = NULL;
  gboolean home = barged_request_same_origin (a->origin_url, uri);

  if (a->put_server || !home)
    soup_message_headers_remove (request, "Authorization");
  if (a->put_proxy)
    soup_message_headers_remove (request, "Proxy-Authorization");
  a->put_server = a->put_proxy = FALSE;
  if (self->credentials == NULL || origin == NULL)
    return;
  if (home && soup_message_headers_get_one (request, "Authorization") == NULL)
    a->put_server = put_answer (self, a, self->server, origin, msg, "Authorization");
  if (is_plain_http (uri) && soup_message_headers_get_one (request, "Proxy-Authorization") == NULL &&
      (proxy = barged_request_proxy_key (msg)) != NULL)
    a->put_proxy = put_answer (self, a, self->proxy, proxy, msg, "Proxy-Authorization");
}

static gboolean
on_authenticate (SoupMessage *msg, SoupAuth *auth, gboolean retrying, Attached *a)
{
  BargedAuthAnswers *self = a->answers;
  GUri *uri = soup_message_get_uri (msg);

  if (soup_auth_is_for_proxy (auth) && !self->for_proxy)
    {
      g_info ("job %s: a proxy asks for credentials on a session other jobs share: none sent (the job's next "
              "run goes on a session of its own)", self->job_id);
      return FALSE;
    }
  if (self->credentials == NULL ||
      !barged_request_authenticate (msg, auth, retrying, self->credentials, self->job_id,
                                    a->origin_url))
    return FALSE;
  if (!up_front_scheme (auth) || g_uri_get_host (uri) == NULL)
    return TRUE;
  if (!soup_auth_is_for_proxy (auth))
    g_hash_table_replace (self->server, barged_request_origin (uri), g_object_ref (auth));
  else if (is_plain_http (uri))
    {
      /* Not NULL: barged_request_authenticate() answers a proxy's
       * challenge only through a proxy. */
      char *proxy = barged_request_proxy_key (msg);

      if (proxy != NULL)
        g_hash_table_replace (self->proxy, proxy, g_object_ref (auth));
    }
  return TRUE;
}

void
barged_auth_answers_attach (BargedAuthAnswers *self, SoupMessage *msg, const char *origin_url)
{
  Attached *a = g_new0 (Attached, 1);
  Attached *b = g_new0 (Attached, 1);

  a->answers = g_object_ref (self);
  a->origin_url = g_strdup (origin_url);
  b->answers = g_object_ref (self);
  b->origin_url = g_strdup (origin_url);
  /* Each handler holds its own references rather than
   * g_signal_connect_object()'s watch: the watch of a finalized object
   * would invalidate a handler @msg is destroying, and GLib 2.74 aborts on
   * that (invalid_closure_notify(): handler != NULL). */
  g_signal_connect_data (msg, "starting", G_CALLBACK (on_starting), a, attached_free, 0);
  g_signal_connect_data (msg, "authenticate", G_CALLBACK (on_authenticate), b, attached_free, 0);
}

static void
close_answers (BargedAuthAnswers *self)
{
  g_clear_object (&self->credentials);
  g_hash_table_remove_all (self->server);
  g_hash_table_remove_all (self->proxy);
}

void
barged_auth_answers_drop (BargedAuthAnswers **answers)
{
  if (*answers != NULL)
    close_answers (*answers);
  g_clear_object (answers);
}

BargedAuthAnswers *
barged_auth_answers_new (BargedCredentials *credentials, const char *job_id, gboolean for_proxy)
{
  BargedAuthAnswers *self = g_object_new (BARGED_TYPE_AUTH_ANSWERS, NULL);

  self->for_proxy = for_proxy;
  self->credentials = credentials != NULL ? g_object_ref (credentials) : NULL;
  self->job_id = g_strdup (job_id);
  return self;
}

static void
barged_auth_answers_finalize (GObject *object)
{
  BargedAuthAnswers *self = BARGED_AUTH_ANSWERS (object);

  g_clear_object (&self->credentials);
  g_free (self->job_id);
  g_hash_table_unref (self->server);
  g_hash_table_unref (self->proxy);
  G_OBJECT_CLASS (barged_auth_answers_parent_class)->finalize (object);
}

static void
barged_auth_answers_init (BargedAuthAnswers *self)
{
  self->server = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->proxy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

static void
barged_auth_answers_class_init (BargedAuthAnswersClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = barged_auth_answers_finalize;
}
