/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedRevocation"

#include "config.h"

#include <string.h>
#include <gnutls/x509.h>

#include "barge.h"
#include "barged-certificate.h"
#include "barged-errors.h"
#include "barged-ocsp.h"
#include "barged-request.h"
#include "barged-revocation.h"

/* A list without nextUpdate is fetched again after an hour; any list
 * after a day, so that a revocation published since is seen within one. */
#define UNDATED_LIFE_S (60 * 60)
#define MAX_LIFE_S (24 * 60 * 60)
/* A list's URL in a certificate: longer ones are not followed. */
#define MAX_URL 2048
/* The most lists (and remembered failures) the cache holds. */
#define MAX_ENTRIES 256
/* A fetch that takes longer than this fails (a server that trickles). */
#define FETCH_DEADLINE_S 60
#define READ_CHUNK (64 * 1024)

typedef struct {
  gnutls_x509_crl_t crl;      /* or NULL: a failure, or an OCSP answer */
  gboolean ocsp;              /* an OCSP answer about one certificate (crl NULL, failure NULL) */
  gboolean revoked;           /* that answer's verdict */
  GBytes *issuer;             /* DER of the certificate that signed it */
  gsize size;
  gint64 expires;             /* monotonic µs: fetched again from then on */
  guint64 used;               /* the cache's clock when last used: the oldest goes first */
  GError *failure;            /* with crl NULL */
} Entry;

/* One URL being fetched, for everyone who waits for it. */
typedef struct {
  BargedRevocation *self;     /* strong */
  char *key;                  /* in fetches and the cache: the URL, or for OCSP "ocsp:URL#SHA-256 of the certificate" */
  char *url;
  GBytes *issuer;
  GBytes *cert;               /* OCSP: the certificate asked about; NULL for a list */
  GBytes *request;            /* OCSP: the request sent, whose nonce the answer carries back */
  SoupMessage *msg;
  GInputStream *body;
  GByteArray *data;
  GCancellable *cancellable;  /* the fetch's own: no waiter's cancellation stops it for the others */
  guint deadline;
  GPtrArray *waiters;         /* GTask */
} Fetch;

/* One list or OCSP answer to fetch: what barged_revocation_check() hands
 * out. */
typedef struct {
  char *key;
  char *url;
  GBytes *issuer;
  GBytes *cert;               /* OCSP: the certificate asked about, and the request */
  GBytes *request;
} Want;

struct _BargedRevocation
{
  GObject parent_instance;
  GMutex lock;                /* guards cache, total and clock: checks may come from any thread */
  GHashTable *cache;          /* key (Want) → Entry */
  gsize total;
  guint64 clock;
  GHashTable *fetches;        /* key → Fetch; main thread */
  SoupSession *session;       /* what every fetch goes on; NULL: the asker's */
  guint n_fetched;
};

G_DEFINE_TYPE (BargedRevocation, barged_revocation, G_TYPE_OBJECT)

static void
entry_free (Entry *entry)
{
  if (entry->crl != NULL)
    gnutls_x509_crl_deinit (entry->crl);
  g_clear_pointer (&entry->issuer, g_bytes_unref);
  g_clear_error (&entry->failure);
  g_free (entry);
}

static void
want_free (Want *want)
{
  g_free (want->key);
  g_free (want->url);
  g_bytes_unref (want->issuer);
  g_clear_pointer (&want->cert, g_bytes_unref);
  g_clear_pointer (&want->request, g_bytes_unref);
  g_free (want);
}

static void
barged_revocation_finalize (GObject *object)
{
  BargedRevocation *self = BARGED_REVOCATION (object);

  /* A fetch holds a reference: none is running here. */
  g_hash_table_unref (self->fetches);
  g_hash_table_unref (self->cache);
  g_clear_object (&self->session);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (barged_revocation_parent_class)->finalize (object);
}

static void
barged_revocation_class_init (BargedRevocationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = barged_revocation_finalize;
}

static void
barged_revocation_init (BargedRevocation *self)
{
  g_mutex_init (&self->lock);
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entry_free);
  self->fetches = g_hash_table_new (g_str_hash, g_str_equal);
}

BargedRevocation *
barged_revocation_new (void)
{
  return g_object_new (BARGED_TYPE_REVOCATION, NULL);
}

guint
barged_revocation_get_n_fetched (BargedRevocation *self)
{
  return self->n_fetched;
}

/* --- certificates as GnuTLS sees them ------------------------------------- */

/* The certificate's subject, for messages. */
static char *
subject_of (gnutls_x509_crt_t crt)
{
  gnutls_datum_t dn = { 0 };
  char *text;

  if (gnutls_x509_crt_get_dn3 (crt, &dn, 0) < 0)
    return g_strdup ("(a certificate without a readable subject)");
  text = g_strndup ((const char *) dn.data, dn.size);
  gnutls_free (dn.data);
  return text;
}

/* The http URLs of @crt's CRL distribution points (others, such as ldap:
 * or https:, are not followed: a list must be reachable without TLS of
 * its own). */
static GPtrArray *
distribution_points (gnutls_x509_crt_t crt)
{
  GPtrArray *urls = g_ptr_array_new_with_free_func (g_free);

  for (guint seq = 0; seq < 16; seq++)
    {
      char name[MAX_URL + 1];
      size_t size = sizeof name - 1;
      unsigned int reasons = 0, critical = 0;
      int type = gnutls_x509_crt_get_crl_dist_points (crt, seq, name, &size, &reasons, &critical);

      if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (type == GNUTLS_E_SHORT_MEMORY_BUFFER)
        continue;
      if (type < 0)
        break;
      name[MIN (size, sizeof name - 1)] = '\0';
      if (type == GNUTLS_SAN_URI && strlen (name) == size && g_ascii_strncasecmp (name, "http://", 7) == 0)
        g_ptr_array_add (urls, g_strdup (name));
    }
  return urls;
}

/* --- the verdict ------------------------------------------------------------ */

/* Under the lock: @url's entry, fresh, or NULL (expired ones go). */
static Entry *
lookup_locked (BargedRevocation *self, const char *url)
{
  Entry *entry = g_hash_table_lookup (self->cache, url);

  if (entry == NULL)
    return NULL;
  if (g_get_monotonic_time () >= entry->expires)
    {
      self->total -= entry->size;
      g_hash_table_remove (self->cache, url);
      return NULL;
    }
  entry->used = ++self->clock;
  return entry;
}

typedef enum {
  COVERED,
  REVOKED,
  MISSING,
  FAILED,
} Status;

/* What the cache says of @crt, whose issuer is @issuer: the first URL
 * with a current list of that issuer decides; else a URL to fetch, else
 * the failure of the last. */
static Status check_ocsp (BargedRevocation *self, gnutls_x509_crt_t crt, GBytes *cert, GBytes *issuer,
                          GPtrArray *wanted, GError **error);

static Status
check_one (BargedRevocation *self, gnutls_x509_crt_t crt, GBytes *cert, GBytes *issuer, GPtrArray *wanted,
           GError **error)
{
  g_autoptr(GPtrArray) urls = distribution_points (crt);
  g_autoptr(GError) failure = NULL;
  gboolean missing = FALSE;

  /* A list when the certificate names one, else its OCSP responder. */
  if (urls->len == 0)
    return check_ocsp (self, crt, cert, issuer, wanted, error);
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < urls->len; i++)
    {
      const char *url = g_ptr_array_index (urls, i);
      Entry *entry = lookup_locked (self, url);

      if (entry != NULL && entry->failure != NULL)
        {
          g_clear_error (&failure);
          failure = g_error_copy (entry->failure);
        }
      else if (entry != NULL && entry->crl != NULL && g_bytes_equal (entry->issuer, issuer))
        {
          int revoked = gnutls_x509_crt_check_revocation (crt, &entry->crl, 1);

          g_mutex_unlock (&self->lock);
          if (revoked == 0)
            return COVERED;
          {
            g_autofree char *subject = subject_of (crt);

            g_set_error (error, BARGE_ERROR, BARGE_ERROR_TLS_FAILURE,
                         "the server's certificate was revoked: the revocation list at %s revokes the certificate "
                         "of %s in its chain", url, subject);
          }
          return REVOKED;
        }
      else
        {
          Want *want = g_new0 (Want, 1);

          want->key = g_strdup (url);
          want->url = g_strdup (url);
          want->issuer = g_bytes_ref (issuer);
          g_ptr_array_add (wanted, want);
          missing = TRUE;
        }
    }
  g_mutex_unlock (&self->lock);
  if (missing)
    return MISSING;
  g_propagate_error (error, g_steal_pointer (&failure));
  return FAILED;
}

/* What the cache says of @crt from its OCSP responders: an answer about
 * it (keyed by responder and certificate) decides; else an answer to
 * fetch, else the failure of the last. */
static Status
check_ocsp (BargedRevocation *self, gnutls_x509_crt_t crt, GBytes *cert, GBytes *issuer, GPtrArray *wanted,
            GError **error)
{
  g_autoptr(GPtrArray) urls = barged_ocsp_responders (crt);
  g_autofree char *digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, cert);
  g_autoptr(GError) failure = NULL;
  gboolean missing = FALSE;

  if (urls->len == 0)
    {
      g_autofree char *subject = subject_of (crt);

      g_set_error (error, BARGE_ERROR, BARGE_ERROR_TLS_FAILURE,
                   "the revocation status of the certificate of %s cannot be checked: it names no revocation list "
                   "(an http CRL distribution point) and no OCSP responder", subject);
      return FAILED;
    }
  for (guint i = 0; i < urls->len; i++)
    {
      const char *url = g_ptr_array_index (urls, i);
      /* Never a list's key: those are http:// URLs. */
      g_autofree char *key = g_strconcat ("ocsp:", url, "#", digest, NULL);
      Entry *entry;

      g_mutex_lock (&self->lock);
      entry = lookup_locked (self, key);
      if (entry != NULL && entry->failure != NULL)
        {
          g_clear_error (&failure);
          failure = g_error_copy (entry->failure);
        }
      else if (entry != NULL && entry->ocsp && g_bytes_equal (entry->issuer, issuer))
        {
          gboolean revoked = entry->revoked;

          g_mutex_unlock (&self->lock);
          if (!revoked)
            return COVERED;
          {
            g_autofree char *subject = subject_of (crt);

            g_set_error (error, BARGE_ERROR, BARGE_ERROR_TLS_FAILURE,
                         "the server's certificate was revoked: the OCSP responder at %s says so of the certificate "
                         "of %s in its chain", url, subject);
          }
          return REVOKED;
        }
      else
        {
          GBytes *request = barged_ocsp_request_new (cert, issuer);

          if (request != NULL)
            {
              Want *want = g_new0 (Want, 1);

              want->key = g_steal_pointer (&key);
              want->url = g_strdup (url);
              want->issuer = g_bytes_ref (issuer);
              want->cert = g_bytes_ref (cert);
              want->request = request;
              g_ptr_array_add (wanted, want);
              missing = TRUE;
            }
        }
      g_mutex_unlock (&self->lock);
    }
  if (missing)
    return MISSING;
  if (failure == NULL)
    failure = g_error_new (BARGE_ERROR, BARGE_ERROR_TLS_FAILURE,
                           "the revocation status of a certificate cannot be asked for: it cannot be read");
  g_propagate_error (error, g_steal_pointer (&failure));
  return FAILED;
}

/* @cert's issuer: the next of the chain the server sent, else the one
 * @database knows (the trust anchor, or an intermediate it holds). */
static GTlsCertificate *
issuer_of (GTlsCertificate *cert, GTlsDatabase *database, gboolean *from_database)
{
  GTlsCertificate *issuer = g_tls_certificate_get_issuer (cert);

  *from_database = FALSE;
  if (issuer != NULL)
    return g_object_ref (issuer);
  if (database == NULL)
    return NULL;
  *from_database = TRUE;
  return g_tls_database_lookup_certificate_issuer (database, cert, NULL, G_TLS_DATABASE_LOOKUP_NONE, NULL, NULL);
}

BargedRevocationVerdict
barged_revocation_check (BargedRevocation *self, GTlsCertificate *chain, GTlsDatabase *database,
                         GPtrArray **wanted, GError **error)
{
  g_autoptr(GPtrArray) want = g_ptr_array_new_with_free_func ((GDestroyNotify) want_free);
  g_autoptr(GError) failure = NULL;
  g_autoptr(GTlsCertificate) cert = chain != NULL ? g_object_ref (chain) : NULL;
  gboolean anchor = FALSE;
  guint depth = 0;

  g_return_val_if_fail (BARGED_IS_REVOCATION (self), BARGED_REVOCATION_FAILED);

  /* Every certificate up to the trust anchor, which no list covers. A
   * chain longer than 16 is not one GnuTLS would have verified. */
  while (cert != NULL && !anchor && depth++ < 16)
    {
      g_autoptr(GTlsCertificate) issuer = issuer_of (cert, database, &anchor);
      g_autoptr(GBytes) cert_der = barged_certificate_get_der (cert);
      g_autoptr(GBytes) issuer_der = issuer != NULL ? barged_certificate_get_der (issuer) : NULL;
      g_autoptr(GError) why = NULL;
      gnutls_x509_crt_t crt;
      Status status;

      /* Self-signed: the anchor itself, sent along by the server. */
      if (issuer == NULL || cert_der == NULL || issuer_der == NULL || g_bytes_equal (cert_der, issuer_der))
        break;
      crt = barged_certificate_import_der (cert_der);
      if (crt == NULL)
        {
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_TLS_FAILURE,
                       "a certificate of the server's chain cannot be read for its revocation status");
          return BARGED_REVOCATION_FAILED;
        }
      status = check_one (self, crt, cert_der, issuer_der, want, &why);
      gnutls_x509_crt_deinit (crt);
      if (status == REVOKED)
        {
          g_propagate_error (error, g_steal_pointer (&why));
          return BARGED_REVOCATION_REVOKED;
        }
      /* The first certificate's reason is the one told. */
      if (status == FAILED && failure == NULL)
        failure = g_steal_pointer (&why);
      g_set_object (&cert, issuer);
    }
  if (failure != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&failure));
      return BARGED_REVOCATION_FAILED;
    }
  if (want->len > 0)
    {
      if (wanted != NULL)
        *wanted = g_steal_pointer (&want);
      return BARGED_REVOCATION_UNKNOWN;
    }
  return BARGED_REVOCATION_GOOD;
}

/* --- fetching ---------------------------------------------------------------- */

/* Under the lock: room for one more entry of @size bytes, the least
 * recently used going first. */
static void
make_room_locked (BargedRevocation *self, gsize size)
{
  while ((self->total + size > BARGED_REVOCATION_MAX_CACHE || g_hash_table_size (self->cache) >= MAX_ENTRIES) &&
         g_hash_table_size (self->cache) > 0)
    {
      GHashTableIter iter;
      const char *url, *oldest = NULL;
      Entry *entry, *oldest_entry = NULL;

      g_hash_table_iter_init (&iter, self->cache);
      while (g_hash_table_iter_next (&iter, (gpointer *) &url, (gpointer *) &entry))
        if (oldest_entry == NULL || entry->used < oldest_entry->used)
          {
            oldest = url;
            oldest_entry = entry;
          }
      self->total -= oldest_entry->size;
      g_hash_table_remove (self->cache, oldest);
    }
}

static void
store (BargedRevocation *self, const char *url, Entry *entry)
{
  Entry *old;

  g_mutex_lock (&self->lock);
  old = g_hash_table_lookup (self->cache, url);
  if (old != NULL)
    self->total -= old->size;
  g_hash_table_remove (self->cache, url);
  make_room_locked (self, entry->size);
  entry->used = ++self->clock;
  self->total += entry->size;
  g_hash_table_insert (self->cache, g_strdup (url), entry);
  g_mutex_unlock (&self->lock);
  self->n_fetched++;
}

static void
store_failure (BargedRevocation *self, const char *key, GError *error)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->failure = error;
  entry->expires = g_get_monotonic_time () + BARGED_REVOCATION_FAILURE_S * G_USEC_PER_SEC;
  g_info ("revocation status %s: %s", key, error->message);
  store (self, key, entry);
}

/* The OCSP answer in @data to @request about @cert, or an error. */
static Entry *
parse_answer (const char *url, GByteArray *data, GBytes *request, GBytes *cert, GBytes *issuer_der, GError **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data->data, data->len);
  gboolean revoked = FALSE;
  gint64 life = 0;
  Entry *entry;

  if (!barged_ocsp_read_response (url, bytes, request, cert, issuer_der, &revoked, &life, error))
    return NULL;
  entry = g_new0 (Entry, 1);
  entry->ocsp = TRUE;
  entry->revoked = revoked;
  entry->issuer = g_bytes_ref (issuer_der);
  entry->size = data->len;
  entry->expires = g_get_monotonic_time () + life * G_USEC_PER_SEC;
  return entry;
}

/* The list in @data (DER, or PEM), signed by @issuer and current, or an
 * error that says which of these it is not. */
static Entry *
parse_list (const char *url, GByteArray *data, GBytes *issuer_der, GError **error)
{
  gnutls_datum_t datum = { data->data, data->len };
  gnutls_x509_crt_t issuer = barged_certificate_import_der (issuer_der);
  gnutls_x509_crl_t crl = NULL;
  unsigned int status = 0;
  time_t next, now = time (NULL);
  Entry *entry;
  gint64 life;

  if (issuer == NULL || gnutls_x509_crl_init (&crl) < 0)
    {
      if (issuer != NULL)
        gnutls_x509_crt_deinit (issuer);
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_TLS_FAILURE, "the revocation list at %s cannot be read", url);
      return NULL;
    }
  if (gnutls_x509_crl_import (crl, &datum, GNUTLS_X509_FMT_DER) < 0 &&
      gnutls_x509_crl_import (crl, &datum, GNUTLS_X509_FMT_PEM) < 0)
    g_set_error (error, BARGE_ERROR, BARGE_ERROR_TLS_FAILURE, "%s is not a certificate revocation list", url);
  else if (gnutls_x509_crl_verify (crl, &issuer, 1, 0, &status) < 0 ||
           (status & ~(GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED | GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE |
                       GNUTLS_CERT_INVALID)) != 0)
    g_set_error (error, BARGE_ERROR, BARGE_ERROR_TLS_FAILURE,
                 "the revocation list at %s is not signed by the issuer of the certificate that names it", url);
  else if (status & GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE)
    g_set_error (error, BARGE_ERROR, BARGE_ERROR_TLS_FAILURE,
                 "the revocation list at %s is dated in the future (is this machine's clock right?)", url);
  else if ((next = gnutls_x509_crl_get_next_update (crl)) != (time_t) -1 && next <= now)
    g_set_error (error, BARGE_ERROR, BARGE_ERROR_TLS_FAILURE,
                 "the revocation list at %s is out of date (its next update was due %" G_GINT64_FORMAT " s ago)",
                 url, (gint64) (now - next));
  else if (status != 0)
    /* GnuTLS found it wanting in a way none of the above says. */
    g_set_error (error, BARGE_ERROR, BARGE_ERROR_TLS_FAILURE, "the revocation list at %s is not valid", url);
  gnutls_x509_crt_deinit (issuer);
  if (*error != NULL)
    {
      gnutls_x509_crl_deinit (crl);
      return NULL;
    }
  next = gnutls_x509_crl_get_next_update (crl);
  life = next == (time_t) -1 ? UNDATED_LIFE_S : MIN ((gint64) (next - now), (gint64) MAX_LIFE_S);
  entry = g_new0 (Entry, 1);
  entry->crl = crl;
  entry->issuer = g_bytes_ref (issuer_der);
  entry->size = data->len;
  entry->expires = g_get_monotonic_time () + life * G_USEC_PER_SEC;
  return entry;
}

static void
fetch_free (Fetch *fetch)
{
  g_clear_handle_id (&fetch->deadline, g_source_remove);
  g_clear_object (&fetch->msg);
  g_clear_object (&fetch->body);
  g_clear_pointer (&fetch->data, g_byte_array_unref);
  g_clear_object (&fetch->cancellable);
  g_ptr_array_unref (fetch->waiters);
  g_bytes_unref (fetch->issuer);
  g_clear_pointer (&fetch->cert, g_bytes_unref);
  g_clear_pointer (&fetch->request, g_bytes_unref);
  g_free (fetch->key);
  g_free (fetch->url);
  g_object_unref (fetch->self);
  g_free (fetch);
}

/* The waiters' task: how many fetches it still waits for. A waiter that
 * is cancelled returns at once; the fetches go on for the others (each
 * within FETCH_DEADLINE_S) and are cached. */
typedef struct {
  guint pending;
  gboolean returned;
  GSource *cancelled;         /* while it waits with a cancellable */
} Waiting;

static void
waiting_free (Waiting *waiting)
{
  if (waiting->cancelled != NULL)
    {
      g_source_destroy (waiting->cancelled);
      g_source_unref (waiting->cancelled);
    }
  g_free (waiting);
}

static void
waiter_return (GTask *task)
{
  Waiting *waiting = g_task_get_task_data (task);

  if (waiting->returned)
    return;
  waiting->returned = TRUE;
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
}

static void
waiter_done (GTask *task)
{
  Waiting *waiting = g_task_get_task_data (task);

  if (--waiting->pending == 0)
    waiter_return (task);
}

static gboolean
on_waiter_cancelled (GCancellable *cancellable, gpointer user_data)
{
  waiter_return (user_data);
  return G_SOURCE_REMOVE;
}

/* The fetch of @fetch's URL ended, with its list or @error: cached either
 * way, its waiters told. */
static void
fetch_end (Fetch *fetch, GError *error)
{
  BargedRevocation *self = fetch->self;
  Entry *entry = NULL;

  if (error == NULL && fetch->cert != NULL)
    entry = parse_answer (fetch->url, fetch->data, fetch->request, fetch->cert, fetch->issuer, &error);
  else if (error == NULL)
    entry = parse_list (fetch->url, fetch->data, fetch->issuer, &error);
  if (entry != NULL)
    store (self, fetch->key, entry);
  else
    store_failure (self, fetch->key, error);
  g_hash_table_remove (self->fetches, fetch->key);
  for (guint i = 0; i < fetch->waiters->len; i++)
    waiter_done (g_ptr_array_index (fetch->waiters, i));
  fetch_free (fetch);
}

/* For messages: what the fetch asks. */
static const char *
what (Fetch *fetch)
{
  return fetch->cert != NULL ? "the OCSP responder" : "the revocation list";
}

static GError *
fetch_error (Fetch *fetch, const GError *error)
{
  g_autoptr(GError) mapped = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && fetch->deadline == 0)
    return g_error_new (BARGE_ERROR, BARGE_ERROR_TIMED_OUT, "%s at %s took more than %u s", what (fetch),
                        fetch->url, FETCH_DEADLINE_S);
  mapped = barged_error_new_for_io (error, FALSE);
  return g_error_new (BARGE_ERROR, mapped->code, "cannot reach %s at %s: %s", what (fetch), fetch->url,
                      mapped->message);
}

/* A fetch's answer may weigh this much at most. */
static gsize
max_size (Fetch *fetch)
{
  return fetch->cert != NULL ? BARGED_OCSP_MAX_RESPONSE : BARGED_REVOCATION_MAX_LIST;
}

static GError *
too_large (Fetch *fetch)
{
  gsize max = max_size (fetch);

  if (max >= 1024 * 1024)
    return g_error_new (BARGE_ERROR, BARGE_ERROR_TLS_FAILURE, "%s at %s is larger than %" G_GSIZE_FORMAT " MiB",
                        what (fetch), fetch->url, max / (1024 * 1024));
  return g_error_new (BARGE_ERROR, BARGE_ERROR_TLS_FAILURE, "%s at %s sent more than %" G_GSIZE_FORMAT " KiB",
                      what (fetch), fetch->url, max / 1024);
}

static void read_more (Fetch *fetch);

static void
on_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), res, &error);

  if (bytes == NULL)
    {
      fetch_end (fetch, fetch_error (fetch, error));
      return;
    }
  if (g_bytes_get_size (bytes) == 0)
    {
      fetch_end (fetch, NULL);
      return;
    }
  if (fetch->data->len + g_bytes_get_size (bytes) > max_size (fetch))
    {
      fetch_end (fetch, too_large (fetch));
      return;
    }
  g_byte_array_append (fetch->data, g_bytes_get_data (bytes, NULL), (guint) g_bytes_get_size (bytes));
  read_more (fetch);
}

static void
read_more (Fetch *fetch)
{
  g_input_stream_read_bytes_async (fetch->body, READ_CHUNK, G_PRIORITY_DEFAULT, fetch->cancellable, on_read, fetch);
}

static void
on_sent (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;
  guint status;

  fetch->body = soup_session_send_finish (SOUP_SESSION (source), res, &error);
  if (fetch->body == NULL)
    {
      fetch_end (fetch, fetch_error (fetch, error));
      return;
    }
  status = soup_message_get_status (fetch->msg);
  if (status != SOUP_STATUS_OK)
    {
      /* The server's answer stands: what it said, not a glitch. */
      fetch_end (fetch, g_error_new (BARGE_ERROR, BARGE_ERROR_TLS_FAILURE, "%s at %s cannot be had: HTTP %u",
                                     what (fetch), fetch->url, status));
      return;
    }
  if (soup_message_headers_get_content_length (soup_message_get_response_headers (fetch->msg)) >
      (goffset) max_size (fetch))
    {
      fetch_end (fetch, too_large (fetch));
      return;
    }
  read_more (fetch);
}

static gboolean
deadline_cb (gpointer user_data)
{
  Fetch *fetch = user_data;

  fetch->deadline = 0;
  g_cancellable_cancel (fetch->cancellable);
  return G_SOURCE_REMOVE;
}

void
barged_revocation_set_session (BargedRevocation *self, SoupSession *session)
{
  g_set_object (&self->session, session);
}

static void
start_fetch (BargedRevocation *self, SoupSession *session, const Want *want, GTask *waiter)
{
  Fetch *fetch = g_hash_table_lookup (self->fetches, want->key);
  g_autoptr(GUri) uri = NULL;

  if (fetch != NULL)
    {
      g_ptr_array_add (fetch->waiters, g_object_ref (waiter));
      return;
    }
  fetch = g_new0 (Fetch, 1);
  fetch->self = g_object_ref (self);
  fetch->key = g_strdup (want->key);
  fetch->url = g_strdup (want->url);
  fetch->issuer = g_bytes_ref (want->issuer);
  fetch->cert = want->cert != NULL ? g_bytes_ref (want->cert) : NULL;
  fetch->request = want->request != NULL ? g_bytes_ref (want->request) : NULL;
  fetch->data = g_byte_array_new ();
  fetch->cancellable = g_cancellable_new ();
  fetch->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (fetch->waiters, g_object_ref (waiter));
  g_hash_table_insert (self->fetches, fetch->key, fetch);
  uri = g_uri_parse (want->url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    {
      fetch_end (fetch, g_error_new (BARGE_ERROR, BARGE_ERROR_TLS_FAILURE,
                                     "a certificate names %s at a URL that does not parse", what (fetch)));
      return;
    }
  /* RFC 6960, appendix A: a POST every responder takes. */
  fetch->msg = soup_message_new_from_uri (want->request != NULL ? SOUP_METHOD_POST : SOUP_METHOD_GET, uri);
  /* No credentials of any job go to a CA's server. */
  soup_message_add_flags (fetch->msg, SOUP_MESSAGE_DO_NOT_USE_AUTH_CACHE);
  if (want->request != NULL)
    {
      soup_message_set_request_body_from_bytes (fetch->msg, "application/ocsp-request", want->request);
      soup_message_headers_replace (soup_message_get_request_headers (fetch->msg), "Accept",
                                    "application/ocsp-response");
    }
  else
    soup_message_headers_replace (soup_message_get_request_headers (fetch->msg), "Accept",
                                  "application/pkix-crl, */*;q=0.5");
  fetch->deadline = g_timeout_add_seconds (FETCH_DEADLINE_S, deadline_cb, fetch);
  /* The daemon's own session when it gave one: a list or answer serves
   * every user's jobs, and what the asker's session goes through (its
   * job's proxy, its owner's session proxy) is that user's to choose.
   * Fetched there, a proxy of one user could make everyone's checks fail
   * (a failure stands BARGED_REVOCATION_FAILURE_S for every job), or keep
   * their fetches waiting. */
  soup_session_send_async (self->session != NULL ? self->session : session, fetch->msg, G_PRIORITY_DEFAULT,
                           fetch->cancellable, on_sent, fetch);
}

void
barged_revocation_fetch_async (BargedRevocation *self, SoupSession *session, GPtrArray *wanted,
                               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Waiting *waiting = g_new0 (Waiting, 1);

  g_task_set_source_tag (task, barged_revocation_fetch_async);
  g_task_set_task_data (task, waiting, (GDestroyNotify) waiting_free);
  if (cancellable != NULL)
    {
      /* Dispatched from the main loop: never inside g_cancellable_cancel(). */
      waiting->cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (waiting->cancelled, G_SOURCE_FUNC (on_waiter_cancelled), task, NULL);
      g_source_attach (waiting->cancelled, g_main_context_get_thread_default ());
    }
  /* Held until every fetch below had its say, so that none returns
   * the task while the loop still adds to it. */
  waiting->pending = 1;
  for (guint i = 0; wanted != NULL && i < wanted->len; i++)
    {
      waiting->pending++;
      start_fetch (self, session, g_ptr_array_index (wanted, i), task);
    }
  waiter_done (task);
}

gboolean
barged_revocation_fetch_finish (BargedRevocation *self, GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, self), FALSE);
  return g_task_propagate_boolean (G_TASK (res), error);
}
