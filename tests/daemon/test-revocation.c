/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The revocation check of certificates the system trusts (SetTlsOptions
 * "check-revocation", BITS BG_SSL_ENABLE_CRL_CHECK; issue 17, item 1c).
 * The test makes its own PKI with GnuTLS: a CA that barged trusts as if
 * it were the system's (--test-tls-ca), server certificates for 127.0.0.1
 * whose CRL distribution points name a plain http server of the test, and
 * the lists it serves. Each HTTPS server counts the requests it got: a
 * refused chain must have had none (the handshake stops first), and the
 * good one notes the connection each came on. */
#define G_LOG_DOMAIN "BargeTestRevocation"

#include "config.h"

#include <string.h>
#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/ocsp.h>
#include <gnutls/x509.h>
#include <libsoup/soup.h>

#include "barge-test-daemon.h"
#include "barge-test-jobs.h"
#include "barge-test-loop-thread.h"
#include "barge-test-server.h"
#include "barge-test-soup.h"
#include "barge-tsan.h"

#define TRANSFER_TIMEOUT_MS 30000
#define FILE_SIZE (64 * 1024)
/* SERVER_RECHECK's /big: large enough to be split into segments. */
#define BIG_SIZE (20 * 1024 * 1024)

/* The servers of the test's PKI, one certificate each. */
typedef enum {
  SERVER_GOOD,        /* its CRL (/ca.crl) revokes another certificate */
  SERVER_REVOKED,     /* /ca.crl revokes it */
  SERVER_NO_CDP,      /* names no distribution point */
  SERVER_FORGED,      /* /forged.crl, signed by another CA */
  SERVER_MISSING,     /* /missing.crl: 404 */
  SERVER_STALE,       /* /stale.crl, whose next update is past */
  SERVER_UNREACHABLE, /* a list on a port nobody listens on */
  SERVER_VIA_INTER,   /* signed by an intermediate (its list /inter.crl), which /ca.crl covers */
  SERVER_INTER_REVOKED, /* /inter.crl revokes it */
  SERVER_UNDER_REVOKED, /* its own list revokes nothing, but /ca.crl revokes its intermediate */
  SERVER_RECHECK,     /* /recheck.crl, which the test replaces; its responses wait for the test */
  SERVER_OCSP_GOOD,   /* no list: an OCSP responder (/ocsp), which says it is good */
  SERVER_OCSP_REVOKED, /* no list: the OCSP responder says it was revoked */
  SERVER_OCSP_UNKNOWN, /* no list: the OCSP responder does not know it */
  SERVER_OCSP_FORGED, /* no list: /ocsp-forged answers "good", signed by another CA */
  SERVER_OCSP_DELEGATED, /* no list: /ocsp-delegated signs with a responder certificate of the CA's, with nocheck */
  SERVER_OCSP_UNCHECKED, /* no list: /ocsp-unchecked signs with one without nocheck */
  SERVER_OCSP_REPLAYED, /* no list: /ocsp-replayed answers "good" to another request (another nonce) */
  SERVER_OCSP_PRESIGNED, /* no list: /ocsp-presigned answers "good" without a nonce, as responders that sign ahead */
  N_SERVERS
} ServerKind;

typedef struct {
  /* Written by the setup on the server thread, read after start returned. */
  SoupServer *crl_server;
  guint crl_port;
  SoupServer *servers[N_SERVERS];
  guint ports[N_SERVERS];
  /* Counted on the server thread, read from the test's. */
  gint crl_requests;
  gint ocsp_requests;
  char *openssl;      /* or NULL: the OCSP cases skip */
  gint requests[N_SERVERS];
  gint puts[N_SERVERS];
  gint put_bytes[N_SERVERS];   /* of the last PUT's body */
  GMutex seen_lock;
  GPtrArray *seen;    /* "PATH PORT" of each request to SERVER_GOOD: the client's port names its connection */
  GBytes *lists[5];   /* ca.crl, forged.crl, stale.crl, inter.crl, bad-inter.crl (DER) */
  GMutex recheck_lock;
  GBytes *recheck_list; /* under recheck_lock: what /recheck.crl serves, or NULL (404) */
  guint recheck_good_for; /* under recheck_lock: with no list, one good this long is made at the first fetch */
  gint64 recheck_next_update; /* under recheck_lock: that list's next update (unix seconds), or 0 */
  GPtrArray *held;    /* server thread: SERVER_RECHECK's messages, paused */
  gint hold_ranges;   /* atomic: /big's range requests are held too */
  GBytes *big;        /* server thread: /big's content, made at its first request */
  gint range_requests; /* atomic: /big's requests with a Range */
  gint recheck_heads; /* atomic: SERVER_RECHECK's HEAD requests */
  gint heads_answered; /* atomic: ... whose response went out */
  gint tus_patches;   /* atomic: PATCHes to SERVER_RECHECK's /tus/up */
  gint tus_heads;     /* atomic: HEADs to it */
  gint tus_deletes;   /* atomic: DELETEs (terminations) of it */
  gint second_gets;   /* atomic: GETs of SERVER_RECHECK's /big?second=1 */
  guint64 tus_offset; /* server thread: what /tus/up holds */
  gnutls_x509_crt_t recheck_leaf;
  gnutls_x509_privkey_t ca_key;
  gnutls_x509_crt_t ca;
  char *dir;
  BargeTestLoopThread *thread;
  BargeTestDaemon *daemon;
} Fixture;

/* --- the test's PKI ------------------------------------------------------------ */

static gnutls_x509_privkey_t
new_key (void)
{
  gnutls_x509_privkey_t key;

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                                 GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0), ==, 0);
  return key;
}

/* The start of a certificate of @key named @cn: version 3, @serial, valid
 * from an hour ago for two days. */
static gnutls_x509_crt_t
cert_begin (gnutls_x509_privkey_t key, guint serial, const char *cn)
{
  gnutls_x509_crt_t crt;
  time_t now = time (NULL);
  guint32 serial_be = GUINT32_TO_BE (serial);

  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_version (crt, 3), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, &serial_be, sizeof serial_be), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, now - 3600), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, now + 2 * 86400), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen (cn)), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, 0);
  return crt;
}

/* A certificate of @key: a CA when @ca (self-signed when @issuer is NULL,
 * else an intermediate), else a server's for 127.0.0.1, signed by
 * @issuer, naming @cdp and the OCSP responder @ocsp (or none). */
static gnutls_x509_crt_t
new_cert (gnutls_x509_privkey_t key, guint serial, gnutls_x509_crt_t issuer, gnutls_x509_privkey_t issuer_key,
          const char *cdp, const char *ocsp, gboolean ca)
{
  const char *cn = !ca ? "127.0.0.1" : issuer == NULL ? "Barge test revocation CA" : "Barge test intermediate CA";
  gnutls_x509_crt_t crt = cert_begin (key, serial, cn);
  guint8 ip[4] = { 127, 0, 0, 1 };
  guint8 id[64];
  size_t id_size = sizeof id;

  g_assert_cmpint (gnutls_x509_crt_get_key_id (crt, 0, id, &id_size), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_subject_key_id (crt, id, id_size), ==, 0);
  if (ca && issuer == NULL)
    {
      g_assert_cmpint (gnutls_x509_crt_set_basic_constraints (crt, 1, -1), ==, 0);
      g_assert_cmpint (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN), ==, 0);
      g_assert_cmpint (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), ==, 0);
      return crt;
    }
  if (ca)
    {
      g_assert_cmpint (gnutls_x509_crt_set_basic_constraints (crt, 1, 0), ==, 0);
      g_assert_cmpint (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN), ==, 0);
    }
  else
    {
      g_assert_cmpint (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), ==, 0);
      g_assert_cmpint (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE), ==, 0);
      g_assert_cmpint (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0), ==, 0);
      g_assert_cmpint (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, ip, sizeof ip,
                                                             GNUTLS_FSAN_SET), ==, 0);
    }
  id_size = sizeof id;
  g_assert_cmpint (gnutls_x509_crt_get_subject_key_id (issuer, id, &id_size, NULL), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_authority_key_id (crt, id, id_size), ==, 0);
  if (cdp != NULL)
    g_assert_cmpint (gnutls_x509_crt_set_crl_dist_points (crt, GNUTLS_SAN_URI, cdp, 0), ==, 0);
  if (ocsp != NULL)
    {
      gnutls_datum_t uri = { (unsigned char *) ocsp, (unsigned int) strlen (ocsp) };

      g_assert_cmpint (gnutls_x509_crt_set_authority_info_access (crt, GNUTLS_IA_OCSP_URI, &uri), ==, 0);
    }
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, issuer, issuer_key, GNUTLS_DIG_SHA256, 0), ==, 0);
  return crt;
}

/* A CRL of @issuer revoking @revoked and @also (either may be NULL), whose
 * next update is @next_update seconds away (negative: past). */
static GBytes *
new_list (gnutls_x509_crt_t issuer, gnutls_x509_privkey_t issuer_key, gnutls_x509_crt_t revoked,
          gnutls_x509_crt_t also, gint64 next_update)
{
  gnutls_x509_crl_t crl;
  gnutls_datum_t out = { 0 };
  time_t now = time (NULL);
  GBytes *der;

  g_assert_cmpint (gnutls_x509_crl_init (&crl), ==, 0);
  g_assert_cmpint (gnutls_x509_crl_set_version (crl, 2), ==, 0);
  g_assert_cmpint (gnutls_x509_crl_set_this_update (crl, now - 7200), ==, 0);
  g_assert_cmpint (gnutls_x509_crl_set_next_update (crl, now + next_update), ==, 0);
  if (revoked != NULL)
    g_assert_cmpint (gnutls_x509_crl_set_crt (crl, revoked, now - 7200), ==, 0);
  if (also != NULL)
    g_assert_cmpint (gnutls_x509_crl_set_crt (crl, also, now - 7200), ==, 0);
  g_assert_cmpint (gnutls_x509_crl_sign2 (crl, issuer, issuer_key, GNUTLS_DIG_SHA256, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crl_export2 (crl, GNUTLS_X509_FMT_DER, &out), ==, 0);
  der = g_bytes_new (out.data, out.size);
  gnutls_free (out.data);
  gnutls_x509_crl_deinit (crl);
  return der;
}

static char *
cert_pem (gnutls_x509_crt_t crt)
{
  gnutls_datum_t out = { 0 };
  char *pem;

  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out), ==, 0);
  pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  return pem;
}

static char *
key_pem (gnutls_x509_privkey_t key)
{
  gnutls_datum_t out = { 0 };
  char *pem;

  g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, &out), ==, 0);
  pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  return pem;
}

/* --- the servers (on their thread) ----------------------------------------- */

static void
on_list (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  Fixture *f = user_data;
  GBytes *list = NULL;

  g_atomic_int_inc (&f->crl_requests);
  if (g_str_equal (path, "/ca.crl"))
    list = f->lists[0];
  else if (g_str_equal (path, "/forged.crl"))
    list = f->lists[1];
  else if (g_str_equal (path, "/stale.crl"))
    list = f->lists[2];
  else if (g_str_equal (path, "/inter.crl"))
    list = f->lists[3];
  else if (g_str_equal (path, "/bad-inter.crl"))
    list = f->lists[4];
  else if (g_str_equal (path, "/recheck.crl"))
    {
      g_autoptr(GBytes) now = NULL;

      g_mutex_lock (&f->recheck_lock);
      if (f->recheck_list == NULL && f->recheck_good_for > 0)
        {
          f->recheck_next_update = (gint64) time (NULL) + f->recheck_good_for;
          f->recheck_list = new_list (f->ca, f->ca_key, NULL, NULL, f->recheck_good_for);
        }
      now = f->recheck_list != NULL ? g_bytes_ref (f->recheck_list) : NULL;
      g_mutex_unlock (&f->recheck_lock);
      if (now != NULL)
        {
          soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
          soup_server_message_set_response (msg, "application/pkix-crl", SOUP_MEMORY_COPY,
                                            g_bytes_get_data (now, NULL), g_bytes_get_size (now));
          return;
        }
    }
  if (list == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/pkix-crl", SOUP_MEMORY_COPY, g_bytes_get_data (list, NULL),
                                    g_bytes_get_size (list));
}

/* A request about the certificate @body asks about: with a nonce of its
 * own when @nonce, else none; NULL if @body is no request. */
static GBytes *
other_request (GBytes *body, gboolean nonce)
{
  gnutls_datum_t datum = { (unsigned char *) g_bytes_get_data (body, NULL), (unsigned int) g_bytes_get_size (body) };
  gnutls_datum_t name_hash = { 0 }, key_hash = { 0 }, serial = { 0 }, out = { 0 };
  gnutls_digest_algorithm_t digest;
  gnutls_ocsp_req_t asked = NULL, other = NULL;
  GBytes *made = NULL;

  if (gnutls_ocsp_req_init (&asked) == 0 && gnutls_ocsp_req_import (asked, &datum) == 0 &&
      gnutls_ocsp_req_get_cert_id (asked, 0, &digest, &name_hash, &key_hash, &serial) == 0 &&
      gnutls_ocsp_req_init (&other) == 0 &&
      gnutls_ocsp_req_add_cert_id (other, digest, &name_hash, &key_hash, &serial) == 0 &&
      (!nonce || gnutls_ocsp_req_randomize_nonce (other) == 0) && gnutls_ocsp_req_export (other, &out) == 0)
    made = g_bytes_new (out.data, out.size);
  gnutls_free (name_hash.data);
  gnutls_free (key_hash.data);
  gnutls_free (serial.data);
  gnutls_free (out.data);
  if (asked != NULL)
    gnutls_ocsp_req_deinit (asked);
  if (other != NULL)
    gnutls_ocsp_req_deinit (other);
  return made;
}

/* An OCSP responder: openssl answers each request from the test CA's
 * index (index.txt: the good server's certificate valid, the revoked
 * one's revoked), signing with the CA's key, at /ocsp-forged with
 * another CA's, and at /ocsp-delegated and /ocsp-unchecked with a
 * responder certificate the CA made (with and without nocheck; the
 * latter's answers name it by key hash, the others' by name). At
 * /ocsp-replayed it answers another request about the same certificate,
 * with a nonce of its own, as a replayed answer would; at
 * /ocsp-presigned one without a nonce. */
static void
on_ocsp (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  Fixture *f = user_data;
  guint n = (guint) g_atomic_int_add (&f->ocsp_requests, 1);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autofree char *name = g_strdup_printf ("ocsp-%u", n);
  g_autofree char *req = g_build_filename (f->dir, name, NULL);
  g_autofree char *resp = g_strconcat (req, ".resp", NULL);
  g_autofree char *index = g_build_filename (f->dir, "index.txt", NULL);
  g_autofree char *ca = g_build_filename (f->dir, "ca.pem", NULL);
  const char *who = g_str_equal (path, "/ocsp-forged") ? "other" : g_str_equal (path, "/ocsp-delegated") ? "delegated"
                    : g_str_equal (path, "/ocsp-unchecked")                                          ? "unchecked"
                                                                                                       : "ca";
  g_autofree char *signer_name = g_strconcat (who, ".pem", NULL);
  g_autofree char *key_name = g_strconcat (who, ".key", NULL);
  g_autofree char *signer = g_build_filename (f->dir, signer_name, NULL);
  g_autofree char *key = g_build_filename (f->dir, key_name, NULL);
  const char *argv[] = { f->openssl, "ocsp", "-index", index, "-CA", ca, "-rsigner", signer, "-rkey", key, "-reqin",
                         req, "-respout", resp, "-ndays", "1", NULL, NULL };
  g_autofree char *answer = NULL;
  gsize size = 0;
  gint status = 0;

  /* This one names its signer by key hash, the others by name. */
  if (g_str_equal (who, "unchecked"))
    argv[G_N_ELEMENTS (argv) - 2] = "-resp_key_id";
  if (g_str_equal (path, "/ocsp-replayed") || g_str_equal (path, "/ocsp-presigned"))
    {
      GBytes *other = other_request (body, g_str_equal (path, "/ocsp-replayed"));

      g_bytes_unref (body);
      body = other;
    }
  if (!g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_POST) || body == NULL ||
      !g_file_set_contents (req, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body), NULL) ||
      !g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                     NULL, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL) || !g_file_get_contents (resp, &answer, &size, NULL))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/ocsp-response", SOUP_MEMORY_TAKE, g_steal_pointer (&answer),
                                    size);
}

typedef struct {
  Fixture *f;
  ServerKind kind;
} Handler;

/* SERVER_RECHECK's /big, with a strong validator and ranges ("bytes=A-"
 * or "bytes=A-B"); while the test holds ranges, a response to a Range
 * waits for release_held(), as /file's all do. */
static void
serve_big (Fixture *f, SoupServerMessage *msg)
{
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  const char *range = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Range");
  guint64 first = 0, last = BIG_SIZE - 1;
  char *end = NULL;
  g_autoptr(GBytes) body = NULL;

  soup_message_headers_replace (response, "ETag", "\"big\"");
  if (range != NULL)
    {
      g_assert_true (g_str_has_prefix (range, "bytes="));
      first = g_ascii_strtoull (range + 6, &end, 10);
      g_assert_true (*end == '-');
      if (end[1] != '\0')
        last = MIN (last, g_ascii_strtoull (end + 1, NULL, 10));
      g_assert_cmpuint (first, <=, last);
      g_atomic_int_inc (&f->range_requests);
    }
  g_assert_nonnull (f->big);
  body = g_bytes_new_from_bytes (f->big, first, last - first + 1);
  if (range != NULL)
    {
      g_autofree char *content_range = g_strdup_printf ("bytes %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT "/%u",
                                                        first, last, BIG_SIZE);

      soup_message_headers_replace (response, "Content-Range", content_range);
      soup_server_message_set_status (msg, SOUP_STATUS_PARTIAL_CONTENT, NULL);
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (response, "application/octet-stream", NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), body);
  if (range != NULL && g_atomic_int_get (&f->hold_ranges))
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (f->held, g_object_ref (msg));
    }
}

/* SERVER_RECHECK's tus server, of one upload at a time: /tus creates
 * /tus/up; its first PATCH gets a 409 (not the server's offset) that
 * waits for release_held(), the next ones append. */
static void
serve_tus (Fixture *f, SoupServerMessage *msg, const char *path)
{
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *offset = NULL;

  soup_message_headers_replace (response, "Tus-Resumable", "1.0.0");
  if (g_str_equal (path, "/tus") && g_str_equal (method, SOUP_METHOD_POST))
    {
      f->tus_offset = 0;
      soup_message_headers_replace (response, "Location", "/tus/up");
      soup_server_message_set_status (msg, SOUP_STATUS_CREATED, NULL);
      return;
    }
  if (g_str_equal (path, "/tus/up") && g_str_equal (method, "PATCH"))
    {
      const char *from = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Upload-Offset");

      if (g_atomic_int_add (&f->tus_patches, 1) == 0)
        {
          soup_server_message_set_status (msg, SOUP_STATUS_CONFLICT, NULL);
          soup_server_message_pause (msg);
          g_ptr_array_add (f->held, g_object_ref (msg));
          return;
        }
      if (from == NULL || g_ascii_strtoull (from, NULL, 10) != f->tus_offset)
        {
          soup_server_message_set_status (msg, SOUP_STATUS_CONFLICT, NULL);
          return;
        }
      f->tus_offset += (guint64) soup_server_message_get_request_body (msg)->length;
    }
  else if (g_str_equal (path, "/tus/up") && g_str_equal (method, SOUP_METHOD_HEAD))
    g_atomic_int_inc (&f->tus_heads);
  else if (g_str_equal (path, "/tus/up") && g_str_equal (method, SOUP_METHOD_DELETE))
    {
      g_atomic_int_inc (&f->tus_deletes);
      soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
      return;
    }
  else
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  offset = g_strdup_printf ("%" G_GUINT64_FORMAT, f->tus_offset);
  soup_message_headers_replace (response, "Upload-Offset", offset);
  soup_server_message_set_status (msg, g_str_equal (method, "PATCH") ? SOUP_STATUS_NO_CONTENT : SOUP_STATUS_OK, NULL);
}

static void
on_head_answered (Fixture *f)
{
  g_atomic_int_inc (&f->heads_answered);
}

static void
on_file (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  Handler *h = user_data;
  guint8 *body;

  g_atomic_int_inc (&h->f->requests[h->kind]);
  if (h->kind == SERVER_GOOD)
    {
      GSocketAddress *remote = soup_server_message_get_remote_address (msg);
      guint port = G_IS_INET_SOCKET_ADDRESS (remote) ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote))
                                                     : 0;

      g_mutex_lock (&h->f->seen_lock);
      g_ptr_array_add (h->f->seen, g_strdup_printf ("%s %u", path, port));
      g_mutex_unlock (&h->f->seen_lock);
    }
  if (g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_PUT))
    {
      g_atomic_int_inc (&h->f->puts[h->kind]);
      g_atomic_int_set (&h->f->put_bytes[h->kind], (gint) soup_server_message_get_request_body (msg)->length);
      soup_server_message_set_status (msg, SOUP_STATUS_CREATED, NULL);
      return;
    }
  if (h->kind == SERVER_RECHECK && g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_HEAD))
    {
      g_atomic_int_inc (&h->f->recheck_heads);
      g_signal_connect_swapped (msg, "finished", G_CALLBACK (on_head_answered), h->f);
    }
  if (h->kind == SERVER_RECHECK && g_str_equal (path, "/big"))
    {
      if (query != NULL && g_hash_table_contains (query, "second") &&
          g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_GET))
        g_atomic_int_inc (&h->f->second_gets);
      serve_big (h->f, msg);
      return;
    }
  if (h->kind == SERVER_RECHECK && g_str_has_prefix (path, "/tus"))
    {
      serve_tus (h->f, msg, path);
      return;
    }
  body = g_malloc (FILE_SIZE);
  barge_test_fill_content ("revocation", 0, body, FILE_SIZE);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_TAKE, (char *) body, FILE_SIZE);
  /* Answered when the test says (release_held): after the handshake, on
   * a connection checked then. */
  if (h->kind == SERVER_RECHECK)
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (h->f->held, g_object_ref (msg));
    }
}

static gboolean
release_held_cb (gpointer user_data)
{
  Fixture *f = user_data;

  for (guint i = 0; i < f->held->len; i++)
    soup_server_message_unpause (g_ptr_array_index (f->held, i));
  g_ptr_array_set_size (f->held, 0);
  return G_SOURCE_REMOVE;
}

typedef struct {
  Fixture *f;
  gboolean any;
} HeldCount;

static void
held_count_cb (gpointer data, gpointer unused)
{
  HeldCount *c = data;

  c->any = c->f->held->len > 0;
}

/* Whether a response waits for release_held(), asked on the server's
 * thread, which owns the list. */
static gboolean
held_count (Fixture *f)
{
  HeldCount c = { f, FALSE };

  barge_test_loop_thread_run (f->thread, held_count_cb, &c);
  return c.any;
}

static void
release_held (Fixture *f)
{
  g_main_context_invoke (barge_test_loop_thread_get_context (f->thread), release_held_cb, f);
}

/* The port of @server, listening on 127.0.0.1. */
static guint
listen_local (SoupServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = barge_test_soup_listen_loopback (server, &error);
  g_autoptr(GUri) uri = NULL;

  g_assert_no_error (error);
  uri = g_uri_parse (base, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  return (guint) g_uri_get_port (uri);
}

static gboolean
start_lists (gpointer user_data)
{
  Fixture *f = user_data;

  f->crl_server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->crl_server, NULL, on_list, f, NULL);
  soup_server_add_handler (f->crl_server, "/ocsp", on_ocsp, f, NULL);
  soup_server_add_handler (f->crl_server, "/ocsp-forged", on_ocsp, f, NULL);
  soup_server_add_handler (f->crl_server, "/ocsp-delegated", on_ocsp, f, NULL);
  soup_server_add_handler (f->crl_server, "/ocsp-unchecked", on_ocsp, f, NULL);
  soup_server_add_handler (f->crl_server, "/ocsp-replayed", on_ocsp, f, NULL);
  soup_server_add_handler (f->crl_server, "/ocsp-presigned", on_ocsp, f, NULL);
  f->crl_port = listen_local (f->crl_server);
  return TRUE;
}

static void
stop_lists (gpointer user_data)
{
  Fixture *f = user_data;

  release_held_cb (f);
  barge_test_soup_close (&f->crl_server);
  for (guint i = 0; i < N_SERVERS; i++)
    barge_test_soup_close (&f->servers[i]);
}

typedef struct {
  Fixture *f;
  GTlsCertificate *certs[N_SERVERS];
} StartTls;

static void
start_tls_cb (gpointer data, gpointer unused)
{
  StartTls *s = data;

  for (guint i = 0; i < N_SERVERS; i++)
    {
      Handler *h = g_new0 (Handler, 1);

      h->f = s->f;
      h->kind = (ServerKind) i;
      s->f->servers[i] = soup_server_new ("tls-certificate", s->certs[i], NULL);
      soup_server_add_handler (s->f->servers[i], NULL, on_file, h, g_free);
      s->f->ports[i] = listen_local (s->f->servers[i]);
    }
}

/* --- fixture ------------------------------------------------------------------- */

/* Writes @crt and @key as DIR/NAME.pem and DIR/NAME.key. */
static void
write_signer (Fixture *f, const char *name, gnutls_x509_crt_t crt, gnutls_x509_privkey_t key)
{
  g_autofree char *pem_name = g_strconcat (name, ".pem", NULL);
  g_autofree char *key_name = g_strconcat (name, ".key", NULL);
  g_autofree char *pem_path = g_build_filename (f->dir, pem_name, NULL);
  g_autofree char *key_path = g_build_filename (f->dir, key_name, NULL);
  g_autofree char *pem = cert_pem (crt);
  g_autofree char *key_text = key_pem (key);

  g_assert_true (g_file_set_contents (pem_path, pem, -1, NULL));
  g_assert_true (g_file_set_contents (key_path, key_text, -1, NULL));
}

/* A responder certificate of @key that the test CA issued for OCSP
 * signing, with id-pkix-ocsp-nocheck when @nocheck. */
static void
write_responder (Fixture *f, const char *name, guint serial, gboolean nocheck)
{
  static const guint8 asn1_null[] = { 0x05, 0x00 };
  gnutls_x509_privkey_t key = new_key ();
  gnutls_x509_crt_t crt = cert_begin (key, serial, name);
  guint8 id[64];
  size_t id_size = sizeof id;

  g_assert_cmpint (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_OCSP_SIGNING, 0), ==, 0);
  if (nocheck)
    g_assert_cmpint (gnutls_x509_crt_set_extension_by_oid (crt, "1.3.6.1.5.5.7.48.1.5", asn1_null, sizeof asn1_null, 0),
                     ==, 0);
  g_assert_cmpint (gnutls_x509_crt_get_subject_key_id (f->ca, id, &id_size, NULL), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_authority_key_id (crt, id, id_size), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, f->ca, f->ca_key, GNUTLS_DIG_SHA256, 0), ==, 0);
  write_signer (f, name, crt, key);
  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
}

/* What the OCSP responder knows: the CA's key (and another CA's, for
 * forged answers, and two responder certificates), and an index in
 * openssl's format (status, expiry, revocation date, serial in hex, file,
 * subject) with the good, delegated and revoked OCSP servers'
 * certificates (not the unknown one's). */
static void
write_ocsp_index (Fixture *f, gnutls_x509_crt_t other_ca, gnutls_x509_privkey_t other_key)
{
  g_autofree char *key = key_pem (f->ca_key);
  g_autofree char *key_path = g_build_filename (f->dir, "ca.key", NULL);
  g_autofree char *index_path = g_build_filename (f->dir, "index.txt", NULL);
  g_autofree char *attr_path = g_build_filename (f->dir, "index.txt.attr", NULL);
  g_autofree char *index = g_strdup_printf ("V\t391231235959Z\t\t%02X\tunknown\t/CN=127.0.0.1\n"
                                            "R\t391231235959Z\t250101000000Z\t%02X\tunknown\t/CN=127.0.0.1\n"
                                            "V\t391231235959Z\t\t%02X\tunknown\t/CN=127.0.0.1\n"
                                            "V\t391231235959Z\t\t%02X\tunknown\t/CN=127.0.0.1\n"
                                            "V\t391231235959Z\t\t%02X\tunknown\t/CN=127.0.0.1\n"
                                            "V\t391231235959Z\t\t%02X\tunknown\t/CN=127.0.0.1\n",
                                            100 + SERVER_OCSP_GOOD, 100 + SERVER_OCSP_REVOKED,
                                            100 + SERVER_OCSP_DELEGATED, 100 + SERVER_OCSP_UNCHECKED,
                                            100 + SERVER_OCSP_REPLAYED, 100 + SERVER_OCSP_PRESIGNED);

  g_assert_true (g_file_set_contents (key_path, key, -1, NULL));
  g_assert_true (g_file_set_contents (index_path, index, -1, NULL));
  /* The servers' certificates share their subject. */
  g_assert_true (g_file_set_contents (attr_path, "unique_subject = no\n", -1, NULL));
  write_signer (f, "other", other_ca, other_key);
  write_responder (f, "delegated", 60, TRUE);
  write_responder (f, "unchecked", 61, FALSE);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  gnutls_x509_privkey_t other_key = new_key ();
  gnutls_x509_privkey_t inter_key = new_key ();
  gnutls_x509_privkey_t bad_inter_key = new_key ();
  gnutls_x509_crt_t other_ca, inter, bad_inter;
  g_autofree char *ca_list = NULL;
  g_auto(GStrv) ocsp_urls = g_new0 (char *, N_SERVERS - SERVER_OCSP_GOOD + 1);
  gnutls_x509_crt_t leaves[N_SERVERS];
  gnutls_x509_privkey_t keys[N_SERVERS];
  g_autofree char *ca_path = NULL;
  g_autofree char *ca_text = NULL;
  StartTls s = { f };

  f->openssl = g_find_program_in_path ("openssl");
  g_mutex_init (&f->seen_lock);
  g_mutex_init (&f->recheck_lock);
  f->held = g_ptr_array_new_with_free_func (g_object_unref);
  f->seen = g_ptr_array_new_with_free_func (g_free);
  f->dir = barge_test_make_dir ("barge-test-revocation-XXXXXX");
  f->thread = barge_test_loop_thread_start ("revocation-servers", start_lists, stop_lists, f);
  f->ca_key = new_key ();
  f->ca = new_cert (f->ca_key, 1, NULL, NULL, NULL, NULL, TRUE);
  other_ca = new_cert (other_key, 1, NULL, NULL, NULL, NULL, TRUE);
  ca_list = g_strdup_printf ("http://127.0.0.1:%u/ca.crl", f->crl_port);
  inter = new_cert (inter_key, 50, f->ca, f->ca_key, ca_list, NULL, TRUE);
  bad_inter = new_cert (bad_inter_key, 51, f->ca, f->ca_key, ca_list, NULL, TRUE);
  for (guint i = SERVER_OCSP_GOOD; i < N_SERVERS; i++)
    {
      static const char *paths[] = { "ocsp",           "ocsp",          "ocsp",          "ocsp-forged",
                                     "ocsp-delegated", "ocsp-unchecked", "ocsp-replayed", "ocsp-presigned" };

      G_STATIC_ASSERT (G_N_ELEMENTS (paths) == N_SERVERS - SERVER_OCSP_GOOD);
      ocsp_urls[i - SERVER_OCSP_GOOD] = g_strdup_printf ("http://127.0.0.1:%u/%s", f->crl_port,
                                                         paths[i - SERVER_OCSP_GOOD]);
    }
  for (guint i = 0; i < N_SERVERS; i++)
    {
      static const char *paths[N_SERVERS] = { "ca.crl", "ca.crl", NULL, "forged.crl", "missing.crl", "stale.crl",
                                              "ca.crl", "inter.crl", "inter.crl", "bad-inter.crl", "recheck.crl",
                                              NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
      gboolean ocsp = i >= SERVER_OCSP_GOOD;
      gnutls_x509_crt_t issuer = i == SERVER_UNDER_REVOKED ? bad_inter
                                 : i == SERVER_VIA_INTER || i == SERVER_INTER_REVOKED ? inter : f->ca;
      gnutls_x509_privkey_t issuer_key = issuer == inter ? inter_key : issuer == bad_inter ? bad_inter_key : f->ca_key;
      g_autofree char *chain = issuer != f->ca ? cert_pem (issuer) : g_strdup ("");
      g_autofree char *cdp = paths[i] == NULL ? NULL
                             : g_strdup_printf ("http://127.0.0.1:%u/%s", i == SERVER_UNREACHABLE ? 1 : f->crl_port,
                                                paths[i]);
      g_autofree char *pem = NULL;
      g_autofree char *key = NULL;

      keys[i] = new_key ();
      leaves[i] = new_cert (keys[i], 100 + i, issuer, issuer_key, cdp,
                            !ocsp ? NULL : ocsp_urls[i - SERVER_OCSP_GOOD], FALSE);
      pem = cert_pem (leaves[i]);
      key = key_pem (keys[i]);
      {
        /* The server sends its intermediate along, as servers do. */
        g_autofree char *both = g_strconcat (pem, chain, key, NULL);
        g_autoptr(GError) error = NULL;

        s.certs[i] = g_tls_certificate_new_from_pem (both, -1, &error);
        g_assert_no_error (error);
      }
    }
  f->lists[0] = new_list (f->ca, f->ca_key, leaves[SERVER_REVOKED], bad_inter, 86400);
  f->lists[1] = new_list (other_ca, other_key, NULL, NULL, 86400);
  f->lists[2] = new_list (f->ca, f->ca_key, NULL, NULL, -60);
  f->lists[3] = new_list (inter, inter_key, leaves[SERVER_INTER_REVOKED], NULL, 86400);
  f->lists[4] = new_list (bad_inter, bad_inter_key, NULL, NULL, 86400);

  barge_test_loop_thread_run (f->thread, start_tls_cb, &s);

  write_ocsp_index (f, other_ca, other_key);
  f->recheck_leaf = leaves[SERVER_RECHECK];
  for (guint i = 0; i < N_SERVERS; i++)
    {
      g_object_unref (s.certs[i]);
      if (i != SERVER_RECHECK)
        gnutls_x509_crt_deinit (leaves[i]);
      gnutls_x509_privkey_deinit (keys[i]);
    }
  gnutls_x509_crt_deinit (other_ca);
  gnutls_x509_privkey_deinit (other_key);
  gnutls_x509_crt_deinit (inter);
  gnutls_x509_privkey_deinit (inter_key);
  gnutls_x509_crt_deinit (bad_inter);
  gnutls_x509_privkey_deinit (bad_inter_key);

  ca_text = cert_pem (f->ca);
  ca_path = g_build_filename (f->dir, "ca.pem", NULL);
  g_assert_true (g_file_set_contents (ca_path, ca_text, -1, NULL));
  f->daemon = barge_test_daemon_new_trusting ("[Transfer]\nTimeout=5\n", ca_path);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  barge_test_daemon_free (f->daemon);
  barge_test_loop_thread_stop (f->thread);
  for (guint i = 0; i < G_N_ELEMENTS (f->lists); i++)
    g_bytes_unref (f->lists[i]);
  gnutls_x509_crt_deinit (f->ca);
  gnutls_x509_privkey_deinit (f->ca_key);
  barge_test_clear_dir (&f->dir);
  g_ptr_array_unref (f->seen);
  g_mutex_clear (&f->seen_lock);
  g_clear_pointer (&f->recheck_list, g_bytes_unref);
  g_mutex_clear (&f->recheck_lock);
  g_ptr_array_unref (f->held);
  g_clear_pointer (&f->big, g_bytes_unref);
  gnutls_x509_crt_deinit (f->recheck_leaf);
  g_free (f->openssl);
}

/* --- helpers --------------------------------------------------------------------- */

static gboolean
set_check (BargeDBusJob *job, gboolean check, GError **error)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "check-revocation", g_variant_new_boolean (check));
  return barge_dbus_job_call_set_tls_options_sync (job, g_variant_builder_end (&b), NULL, error);
}

/* A job of /file of @kind's server, checking revocation when @check,
 * resumed. */
static BargeDBusJob *
start_job (Fixture *f, ServerKind kind, const char *name, gboolean check, char **path)
{
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/file", f->ports[kind]);
  g_autofree char *dest = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  BargeDBusJob *job;

  *path = barge_test_daemon_create_job (f->daemon, name);
  job = barge_test_daemon_get_job (f->daemon, *path);
  barge_test_job_add_file (job, url, dest);
  if (check)
    {
      g_assert_true (set_check (job, TRUE, &error));
      g_assert_no_error (error);
    }
  barge_test_job_resume (job);
  return job;
}

static void
finish (Fixture *f, BargeDBusJob *job, const char *path, const char *name)
{
  g_autofree char *dest = g_build_filename (f->dir, name, NULL);

  barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
  barge_test_job_complete (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  barge_test_assert_file_content (dest, "revocation", FILE_SIZE);
}

/* Whether openssl is there to answer OCSP requests; skips otherwise. */
static gboolean
have_responder (Fixture *f)
{
  if (f->openssl != NULL)
    return TRUE;
  g_test_skip ("no openssl to answer OCSP requests");
  return FALSE;
}

/* A job of @kind that checks revocation fails with TlsFailure saying
 * @said, and its server saw no request. */
static void
assert_refused (Fixture *f, ServerKind kind, const char *name, const char *said)
{
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = start_job (f, kind, name, TRUE, &path);

  g_test_message ("%s", name);
  barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
  barge_test_assert_job_error (job, BARGE_TEST_ERROR_PREFIX "TlsFailure", said);
  g_assert_cmpint (g_atomic_int_get (&f->requests[kind]), ==, 0);
  barge_test_job_cancel (job);
}

/* --- cases ------------------------------------------------------------------------ */

/* A chain its list covers and does not revoke: the file comes, the list
 * was fetched once, and the server saw one request (the first handshake,
 * stopped for the list, sent none). A second job finds the list cached. */
static void
test_good (Fixture *f, gconstpointer data)
{
  g_autofree char *p1 = NULL, *p2 = NULL;
  g_autoptr(BargeDBusJob) first = start_job (f, SERVER_GOOD, "first", TRUE, &p1);
  g_autoptr(BargeDBusJob) second = NULL;
  g_autoptr(GVariant) shown = NULL;

  shown = barge_test_daemon_get_property (f->daemon, p1, BARGE_TEST_JOB_IFACE, "TlsCheckRevocation");
  g_assert_true (g_variant_get_boolean (shown));
  finish (f, first, p1, "first");
  g_assert_cmpint (g_atomic_int_get (&f->crl_requests), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&f->requests[SERVER_GOOD]), ==, 1);

  second = start_job (f, SERVER_GOOD, "second", TRUE, &p2);
  finish (f, second, p2, "second");
  g_assert_cmpint (g_atomic_int_get (&f->crl_requests), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&f->requests[SERVER_GOOD]), ==, 2);
}

/* A job whose own proxy cannot reach the lists (here: a proxy where
 * nobody listens, its own server bypassing it) still gets its list: lists
 * are fetched on the daemon's session. Before, the fetch went through the
 * job's proxy and failed, and that failure stood 30 s for every user's
 * jobs that needed the list: one user's proxy decided everyone's checks. */
static void
test_list_not_through_job_proxy (Fixture *f, gconstpointer data)
{
  g_autofree char *p1 = NULL, *p2 = NULL;
  g_autofree char *own = g_strdup_printf ("127.0.0.1:%u", f->ports[SERVER_GOOD]);
  const char *proxies[] = { "http://127.0.0.1:1", NULL };
  const char *bypass[] = { own, NULL };
  g_autoptr(BargeDBusJob) first = NULL;
  g_autoptr(BargeDBusJob) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/file", f->ports[SERVER_GOOD]);
  g_autofree char *dest = g_build_filename (f->dir, "proxied", NULL);

  p1 = barge_test_daemon_create_job (f->daemon, "proxied");
  first = barge_test_daemon_get_job (f->daemon, p1);
  barge_test_job_add_file (first, url, dest);
  g_assert_true (set_check (first, TRUE, &error));
  barge_dbus_job_call_set_proxy_settings_sync (first, "override", proxies, bypass, NULL, &error);
  g_assert_no_error (error);
  barge_test_job_resume (first);
  finish (f, first, p1, "proxied");
  g_assert_cmpint (g_atomic_int_get (&f->crl_requests), ==, 1);
  /* Another job needs the same list: cached. */
  second = start_job (f, SERVER_GOOD, "plain", TRUE, &p2);
  finish (f, second, p2, "plain");
  g_assert_cmpint (g_atomic_int_get (&f->crl_requests), ==, 1);
}

/* The list revokes the server's certificate: refused before any request;
 * a job that does not ask for the check gets the file (the check is the
 * job's option, off by default). */
static void
test_revoked (Fixture *f, gconstpointer data)
{
  g_autofree char *p1 = NULL, *p2 = NULL;
  g_autoptr(BargeDBusJob) checked = start_job (f, SERVER_REVOKED, "checked", TRUE, &p1);
  g_autoptr(BargeDBusJob) unchecked = NULL;
  g_autoptr(GVariant) shown = NULL;

  barge_test_wait_job_state (checked, "error", TRANSFER_TIMEOUT_MS);
  barge_test_assert_job_error (checked, BARGE_TEST_ERROR_PREFIX "TlsFailure", "was revoked");
  g_assert_cmpint (g_atomic_int_get (&f->requests[SERVER_REVOKED]), ==, 0);

  unchecked = start_job (f, SERVER_REVOKED, "unchecked", FALSE, &p2);
  shown = barge_test_daemon_get_property (f->daemon, p2, BARGE_TEST_JOB_IFACE, "TlsCheckRevocation");
  g_assert_false (g_variant_get_boolean (shown));
  finish (f, unchecked, p2, "unchecked");
  g_assert_cmpint (g_atomic_int_get (&f->requests[SERVER_REVOKED]), ==, 1);
}

/* A status that cannot be learned fails the job, saying why, and the
 * server saw nothing: no distribution point, a list another CA signed, a
 * 404, a list out of date. A list server nobody listens on is a
 * transient error (BITS' retry). */
static void
test_unknown (Fixture *f, gconstpointer data)
{
  static const struct {
    ServerKind kind;
    const char *name;
    const char *state;
    const char *error;
    const char *message;
  } cases[] = {
    { SERVER_NO_CDP, "no-cdp", "error", "TlsFailure", "names no revocation list" },
    { SERVER_FORGED, "forged", "error", "TlsFailure", "not signed by the issuer" },
    { SERVER_MISSING, "missing", "error", "TlsFailure", "HTTP 404" },
    { SERVER_STALE, "stale", "error", "TlsFailure", "out of date" },
    { SERVER_UNREACHABLE, "unreachable", "transient-error", "ConnectFailure", "revocation list at http://127.0.0.1:1/" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = NULL;
      g_autofree char *expected = g_strconcat (BARGE_TEST_ERROR_PREFIX, cases[i].error, NULL);
      g_autoptr(BargeDBusJob) job = start_job (f, cases[i].kind, cases[i].name, TRUE, &path);

      g_test_message ("%s", cases[i].name);
      barge_test_wait_job_state (job, cases[i].state, TRANSFER_TIMEOUT_MS);
      barge_test_assert_job_error (job, expected, cases[i].message);
      g_assert_cmpint (g_atomic_int_get (&f->requests[cases[i].kind]), ==, 0);
      barge_test_job_cancel (job);
    }
}

/* Every certificate of the chain but the anchor: a server's certificate
 * signed by an intermediate needs the intermediate's list (for it) and the
 * root's (for the intermediate). Either revoking its part refuses the
 * server; with both lists covering, the file comes. */
static void
test_intermediate (Fixture *f, gconstpointer data)
{
  static const struct {
    ServerKind kind;
    const char *name;
    const char *said;
  } refused[] = {
    { SERVER_INTER_REVOKED, "revoked-by-intermediate", "/inter.crl revokes the certificate of CN=127.0.0.1" },
    { SERVER_UNDER_REVOKED, "intermediate-revoked", "/ca.crl revokes the certificate of CN=Barge test intermediate" },
  };
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) good = start_job (f, SERVER_VIA_INTER, "via-intermediate", TRUE, &path);

  finish (f, good, path, "via-intermediate");
  /* /inter.crl and /ca.crl. */
  g_assert_cmpint (g_atomic_int_get (&f->crl_requests), ==, 2);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    assert_refused (f, refused[i].kind, refused[i].name, refused[i].said);
}

/* An upload checks too: its first request is made again once the list
 * is in, and a revoked server gets no byte of it. */
static void
test_upload (Fixture *f, gconstpointer data)
{
  g_autofree char *source = g_build_filename (f->dir, "source", NULL);
  g_autoptr(GError) error = NULL;

  barge_test_write_content (source, "revocation", FILE_SIZE);
  for (guint i = 0; i < 2; i++)
    {
      ServerKind kind = i == 0 ? SERVER_GOOD : SERVER_REVOKED;
      g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/upload", f->ports[kind]);
      g_autofree char *path = NULL;
      g_autoptr(BargeDBusJob) job = NULL;
      GVariantBuilder b;

      g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&b, "{sv}", "upload-protocol", g_variant_new_string ("put"));
      g_variant_builder_add (&b, "{sv}", "tls-options",
                             g_variant_new_parsed ("{'check-revocation': <true>}"));
      g_assert_true (barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "up",
                                                              "upload", g_variant_builder_end (&b), &path, NULL,
                                                              &error));
      g_assert_no_error (error);
      job = barge_test_daemon_get_job (f->daemon, path);
      barge_test_job_add_file (job, url, source);
      barge_test_job_resume (job);
      if (kind == SERVER_GOOD)
        {
          barge_test_wait_job_state (job, "transferred", TRANSFER_TIMEOUT_MS);
          g_assert_cmpint (g_atomic_int_get (&f->puts[kind]), >=, 1);
          /* The request sent again once the list was in carried the file. */
          g_assert_cmpint (g_atomic_int_get (&f->put_bytes[kind]), ==, FILE_SIZE);
          barge_test_job_complete (job);
        }
      else
        {
          barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
          barge_test_assert_job_error (job, BARGE_TEST_ERROR_PREFIX "TlsFailure", "was revoked");
          g_assert_cmpint (g_atomic_int_get (&f->requests[kind]), ==, 0);
          barge_test_job_cancel (job);
        }
    }
}

/* A certificate that names no list but an OCSP responder: the responder
 * is asked (a POST), its answer checked against the issuer and cached; a
 * good answer lets the file come, a second job asks nothing; a revoked
 * answer refuses the server before any request. */
static void
test_ocsp (Fixture *f, gconstpointer data)
{
  g_autofree char *p1 = NULL, *p2 = NULL, *p3 = NULL;
  g_autoptr(BargeDBusJob) good = NULL;
  g_autoptr(BargeDBusJob) again = NULL;
  g_autoptr(BargeDBusJob) revoked = NULL;

  if (!have_responder (f))
    return;
  good = start_job (f, SERVER_OCSP_GOOD, "ocsp-good", TRUE, &p1);
  finish (f, good, p1, "ocsp-good");
  g_assert_cmpint (g_atomic_int_get (&f->ocsp_requests), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&f->crl_requests), ==, 0);
  g_assert_cmpint (g_atomic_int_get (&f->requests[SERVER_OCSP_GOOD]), ==, 1);

  again = start_job (f, SERVER_OCSP_GOOD, "ocsp-again", TRUE, &p2);
  finish (f, again, p2, "ocsp-again");
  g_assert_cmpint (g_atomic_int_get (&f->ocsp_requests), ==, 1);

  revoked = start_job (f, SERVER_OCSP_REVOKED, "ocsp-revoked", TRUE, &p3);
  barge_test_wait_job_state (revoked, "error", TRANSFER_TIMEOUT_MS);
  barge_test_assert_job_error (revoked, BARGE_TEST_ERROR_PREFIX "TlsFailure", "OCSP responder at http://127.0.0.1:");
  barge_test_assert_job_error (revoked, BARGE_TEST_ERROR_PREFIX "TlsFailure", "was revoked");
  g_assert_cmpint (g_atomic_int_get (&f->ocsp_requests), ==, 2);
  g_assert_cmpint (g_atomic_int_get (&f->requests[SERVER_OCSP_REVOKED]), ==, 0);
  barge_test_job_cancel (revoked);

  /* Answers that say nothing one can trust: refused, the server untouched. */
  assert_refused (f, SERVER_OCSP_UNKNOWN, "ocsp-unknown", "does not know the certificate");
  assert_refused (f, SERVER_OCSP_FORGED, "ocsp-forged", "is not signed for the issuer");
}

/* barged's requests carry a nonce: an answer that carries another one
 * (made for another request, as a replayed answer is) is refused, the
 * server untouched; an answer without a nonce, as responders that sign
 * ahead send, stands on its dates and lets the file come. */
static void
test_ocsp_nonce (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) presigned = NULL;

  if (!have_responder (f))
    return;
  assert_refused (f, SERVER_OCSP_REPLAYED, "ocsp-replayed", "carries another request's nonce");
  g_assert_cmpint (g_atomic_int_get (&f->ocsp_requests), ==, 1);
  presigned = start_job (f, SERVER_OCSP_PRESIGNED, "ocsp-presigned", TRUE, &path);
  finish (f, presigned, path, "ocsp-presigned");
  g_assert_cmpint (g_atomic_int_get (&f->ocsp_requests), ==, 2);
}

/* An answer signed by a responder certificate the CA made: taken when
 * that certificate carries id-pkix-ocsp-nocheck, refused without it
 * (its own revocation would be unknown), the server untouched. */
static void
test_ocsp_delegated (Fixture *f, gconstpointer data)
{
  g_autofree char *p1 = NULL;
  g_autoptr(BargeDBusJob) delegated = NULL;

  if (!have_responder (f))
    return;
  delegated = start_job (f, SERVER_OCSP_DELEGATED, "ocsp-delegated", TRUE, &p1);
  finish (f, delegated, p1, "ocsp-delegated");
  g_assert_cmpint (g_atomic_int_get (&f->ocsp_requests), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&f->requests[SERVER_OCSP_DELEGATED]), ==, 1);

  assert_refused (f, SERVER_OCSP_UNCHECKED, "ocsp-unchecked", "lacks id-pkix-ocsp-nocheck");
  g_assert_cmpint (g_atomic_int_get (&f->ocsp_requests), ==, 2);
}

/* The client ports SERVER_GOOD saw requests under /PREFIX/ come from
 * (port -> requests), one per connection. */
static GHashTable *
connections_of (Fixture *f, const char *prefix, guint *n_requests)
{
  g_autofree char *start = g_strdup_printf ("/%s/", prefix);
  GHashTable *ports = g_hash_table_new (NULL, NULL);

  *n_requests = 0;
  g_mutex_lock (&f->seen_lock);
  for (guint i = 0; i < f->seen->len; i++)
    {
      const char *seen = g_ptr_array_index (f->seen, i);
      guint port;

      if (!g_str_has_prefix (seen, start))
        continue;
      port = (guint) g_ascii_strtoull (strrchr (seen, ' ') + 1, NULL, 10);
      g_hash_table_insert (ports, GUINT_TO_POINTER (port),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (ports, GUINT_TO_POINTER (port))) + 1));
      (*n_requests)++;
    }
  g_mutex_unlock (&f->seen_lock);
  return ports;
}

static void
assert_disjoint (GHashTable *a, GHashTable *b)
{
  GHashTableIter iter;
  gpointer port;

  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &port, NULL))
    g_assert_false (g_hash_table_contains (b, port));
}

static void
make_big_cb (gpointer data, gpointer unused)
{
  Fixture *f = data;
  guint8 *content;

  if (f->big != NULL)
    return;
  content = g_malloc (BIG_SIZE);
  barge_test_fill_content ("revocation", 0, content, BIG_SIZE);
  f->big = g_bytes_new_take (content, BIG_SIZE);
}

/* /big's content, made on the server's thread before the test's clock
 * starts (recheck_begin()): under ASan, 20 MiB took seconds, which the
 * first response then waited for while the list aged. */
static void
make_big (Fixture *f)
{
  barge_test_loop_thread_run (f->thread, make_big_cb, f);
}

static void
set_recheck_list (Fixture *f, GBytes *list)
{
  g_mutex_lock (&f->recheck_lock);
  g_clear_pointer (&f->recheck_list, g_bytes_unref);
  f->recheck_list = list;
  g_mutex_unlock (&f->recheck_lock);
}

/* The start of a recheck test: a daemon of its own whose Timeout
 * outlasts the responses the server holds, and /recheck.crl good for
 * @good_for seconds from its first fetch, long enough for the handshakes
 * the test wants to take it (4 s for the few of a small job; the
 * segments' come seconds later under ASan, after the first response of a
 * 20 MiB file). Counted from the fetch, not from here: under ASan and
 * TSan the daemon's start and the first handshakes took seconds. */
static void
recheck_begin (Fixture *f, const char *config, guint good_for)
{
  g_autofree char *ca_path = g_build_filename (f->dir, "ca.pem", NULL);

  barge_test_daemon_free (f->daemon);
  f->daemon = barge_test_daemon_new_trusting (config, ca_path);
  g_mutex_lock (&f->recheck_lock);
  g_clear_pointer (&f->recheck_list, g_bytes_unref);
  f->recheck_good_for = good_for;
  f->recheck_next_update = 0;
  g_mutex_unlock (&f->recheck_lock);
}

/* The list the handshakes took goes out of date, and the one served next
 * revokes SERVER_RECHECK's certificate. The good list's next update is
 * in whole seconds (new_list() may add one if a second begins
 * meanwhile): barged keeps a list until then, counted from its own whole
 * second at the fetch, so up to 1 s more. */
static void
recheck_revoke (Fixture *f)
{
  gint64 next_update;

  g_mutex_lock (&f->recheck_lock);
  next_update = f->recheck_next_update;
  f->recheck_good_for = 0;
  g_mutex_unlock (&f->recheck_lock);
  g_assert_cmpint (next_update, >, 0);
  set_recheck_list (f, new_list (f->ca, f->ca_key, f->recheck_leaf, NULL, 86400));
  while (g_get_real_time () < (next_update + 2) * G_USEC_PER_SEC + G_USEC_PER_SEC / 2)
    g_usleep (50 * 1000);
}

/* A response on a connection whose handshake found the chain good is
 * checked again when it comes: the server's list went out of date
 * meanwhile, and the new one revokes the server's certificate. The
 * file fails with TlsFailure and nothing of it is written; before, the
 * kept verdict of the handshake let it through. */
static void
test_kept_connection_rechecked (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autofree char *dest = g_build_filename (f->dir, "rechecked", NULL);
  recheck_begin (f, "[Transfer]\nTimeout=30\n", 4);
  gint64 deadline = g_get_monotonic_time () + TRANSFER_TIMEOUT_MS * 1000;
  gint fetched;

  job = start_job (f, SERVER_RECHECK, "rechecked", TRUE, &path);
  while (g_atomic_int_get (&f->requests[SERVER_RECHECK]) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_cmpint (g_atomic_int_get (&f->requests[SERVER_RECHECK]), ==, 1);
  fetched = g_atomic_int_get (&f->crl_requests);
  g_assert_cmpint (fetched, >=, 1);

  /* The list the handshake took goes out of date; the next one revokes. */
  recheck_revoke (f);
  release_held (f);

  barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
  barge_test_assert_job_error (job, BARGE_TEST_ERROR_PREFIX "TlsFailure", "was revoked");
  g_assert_cmpint (g_atomic_int_get (&f->crl_requests), >, fetched);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
}

/* The same for a segment's response: the segments of /big wait at the
 * server until the list their connections' handshakes took is stale and
 * the next one revokes the server. Each segment then stops without
 * writing, the transfer's own request asks for their ranges, and its
 * response, checked in turn, fails the file with TlsFailure. Without
 * the segments' check they write their pieces and the file transfers. */
static void
test_kept_segment_rechecked (Fixture *f, gconstpointer data)
{
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/big", f->ports[SERVER_RECHECK]);
  g_autofree char *dest = g_build_filename (f->dir, "segmented", NULL);
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder options;
  gint64 deadline = g_get_monotonic_time () + TRANSFER_TIMEOUT_MS * 1000;

  make_big (f);
  recheck_begin (f, "[Transfer]\nTimeout=30\n", 10);
  g_atomic_int_set (&f->hold_ranges, TRUE);
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "max-segments", g_variant_new_uint32 (4));
  g_assert_true (barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), "segmented",
                                                          "download", g_variant_builder_end (&options), &path, NULL,
                                                          &error));
  g_assert_no_error (error);
  job = barge_test_daemon_get_job (f->daemon, path);
  barge_test_job_add_file (job, url, dest);
  g_assert_true (set_check (job, TRUE, &error));
  g_assert_no_error (error);
  barge_test_job_resume (job);
  while (g_atomic_int_get (&f->range_requests) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_cmpint (g_atomic_int_get (&f->range_requests), >=, 1);

  recheck_revoke (f);
  g_atomic_int_set (&f->hold_ranges, FALSE);
  release_held (f);

  barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
  barge_test_assert_job_error (job, BARGE_TEST_ERROR_PREFIX "TlsFailure", "revoked");
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
}

/* A job of SERVER_RECHECK's @files (paths), @name-0 and on, slowed to
 * @limit bytes/s, that checks revocation, resumed. */
static BargeDBusJob *
start_slowed_job (Fixture *f, const char *name, guint64 limit, const char * const *files, guint n_files, char **path)
{
  g_autoptr(GError) error = NULL;
  BargeDBusJob *job;

  *path = barge_test_daemon_create_job (f->daemon, name);
  job = barge_test_daemon_get_job (f->daemon, *path);
  barge_test_daemon_set_property (f->daemon, *path, BARGE_TEST_JOB_IFACE, "BandwidthLimit",
                                  g_variant_new_uint64 (limit));
  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u%s", f->ports[SERVER_RECHECK], files[i]);
      g_autofree char *dest_name = g_strdup_printf ("%s-%u", name, i);
      g_autofree char *dest = g_build_filename (f->dir, dest_name, NULL);

      barge_test_job_add_file (job, url, dest);
    }
  g_assert_true (set_check (job, TRUE, &error));
  g_assert_no_error (error);
  barge_test_job_resume (job);
  return job;
}

/* And for a HEAD that asks a file's size: one connection per host, so
 * that while /big runs the next files are probed. A HEAD waits at the
 * server until the list the probe's handshake took is stale and the next
 * one revokes the server; the size in the answer released then is not
 * taken. Without the probe's check it is, within milliseconds of the
 * answer (the test looks a second later). */
static void
test_kept_probe_rechecked (Fixture *f, gconstpointer data)
{
  static const char * const probed_files[] = { "/big", "/file?1", "/file?2", "/file?3" };
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  gint64 deadline = g_get_monotonic_time () + TRANSFER_TIMEOUT_MS * 1000;
  g_autoptr(GVariant) state = NULL;

  make_big (f);
  /* The HEADs must go out while the list is good, or the guard stops
   * them before they are sent (/revocation/kept-request-rechecked): under
   * ASan the first handshakes took 4 s. */
  recheck_begin (f, "[Transfer]\nTimeout=30\nMaxConnectionsPerHost=1\n", 10);
  /* /big slowly, so that it holds the one connection throughout. */
  job = start_slowed_job (f, "probed", 512 * 1024, probed_files, G_N_ELEMENTS (probed_files), &path);
  /* A HEAD held: the first may have failed its handshake while the list
   * was fetched, and the next file was probed then. */
  while ((g_atomic_int_get (&f->recheck_heads) == 0 || !held_count (f)) && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_cmpint (g_atomic_int_get (&f->recheck_heads), >=, 1);
  g_assert_cmpint (g_atomic_int_get (&f->recheck_heads), <=, 2);

  recheck_revoke (f);
  state = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "State");
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "transferring");
  g_assert_cmpint (g_atomic_int_get (&f->heads_answered), ==, 0);
  release_held (f);
  while (g_atomic_int_get (&f->heads_answered) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_cmpint (g_atomic_int_get (&f->heads_answered), ==, 1);
  barge_test_run_for (1000);

  for (guint i = 1; i < 4; i++)
    {
      g_autoptr(GVariant) progress = barge_test_job_file_property (f->daemon, job, i, "Progress");
      guint64 total, done;
      gboolean completed;

      g_variant_get (progress, "(ttb)", &total, &done, &completed);
      g_assert_cmpuint (total, ==, G_MAXUINT64);
    }
  barge_test_job_cancel (job);
}

/* A download's request on a kept connection is judged before it is
 * sent, not only its response: one connection per host, /big slowed by
 * the job's bandwidth limit past the moment the list its handshake took
 * goes stale and the next one revokes the server. The next file's GET
 * would go on that connection with the job's headers and credentials;
 * it is stopped, the list fetched, and the job fails with TlsFailure.
 * The server sees no GET of it. Without the check it does (and its
 * response is refused when it comes). */
static void
test_kept_request_rechecked (Fixture *f, gconstpointer data)
{
  static const char * const requested_files[] = { "/big", "/big?second=1" };
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  gint64 deadline = g_get_monotonic_time () + TRANSFER_TIMEOUT_MS * 1000;

  make_big (f);
  recheck_begin (f, "[Transfer]\nTimeout=30\nMaxConnectionsPerHost=1\n", 4);
  /* 20 MiB at 2.5 MiB/s: 8 s, past the list's next update. */
  job = start_slowed_job (f, "requested", 5 * 512 * 1024, requested_files, G_N_ELEMENTS (requested_files), &path);
  /* The good list is in the cache once a request reached the server. */
  while (g_atomic_int_get (&f->requests[SERVER_RECHECK]) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_cmpint (g_atomic_int_get (&f->requests[SERVER_RECHECK]), >=, 1);
  recheck_revoke (f);
  g_assert_cmpint (g_atomic_int_get (&f->second_gets), ==, 0);

  barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
  barge_test_assert_job_error (job, BARGE_TEST_ERROR_PREFIX "TlsFailure", "was revoked");
  g_assert_cmpint (g_atomic_int_get (&f->second_gets), ==, 0);
  barge_test_job_cancel (job);
}

/* A tus upload to SERVER_RECHECK whose first PATCH waits at the server
 * (its 409 held): the connection of the POST that created the upload
 * stays open and idle meanwhile, its handshake checked with the list of
 * recheck_begin(). */
static BargeDBusJob *
start_tus_job (Fixture *f, const char *name, char **path)
{
  g_autofree char *source = g_build_filename (f->dir, "source", NULL);
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/tus", f->ports[SERVER_RECHECK]);
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + TRANSFER_TIMEOUT_MS * 1000;
  BargeDBusJob *job;
  GVariantBuilder b;

  barge_test_write_content (source, "revocation", FILE_SIZE);
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "upload-protocol", g_variant_new_string ("tus"));
  g_variant_builder_add (&b, "{sv}", "tls-options", g_variant_new_parsed ("{'check-revocation': <true>}"));
  g_assert_true (barge_dbus_manager_call_create_job_sync (barge_test_daemon_get_manager (f->daemon), name, "upload",
                                                          g_variant_builder_end (&b), path, NULL, &error));
  g_assert_no_error (error);
  job = barge_test_daemon_get_job (f->daemon, *path);
  barge_test_job_add_file (job, url, source);
  barge_test_job_resume (job);
  while (!held_count (f) && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_true (held_count (f));
  return job;
}

/* An upload's next request on a kept connection. libsoup sends a POST or
 * a PATCH on a new connection only, whose handshake checks; a HEAD goes on
 * a kept one. The first PATCH's 409 waits at the server until the list
 * its handshake took is stale and the next one revokes the server; the
 * HEAD that asks the server's offset then is judged before it is sent
 * (it would carry the job's headers and credentials): the job fails with
 * TlsFailure and the server sees no HEAD. Without that check the HEAD
 * goes out on the kept connection, and only the next PATCH's handshake
 * fails.
 *
 * With @data, the same for the first request of the next run, on a
 * connection kept from the run before: the job is suspended while its
 * first PATCH waits, and resumed once the list is stale and revoking.
 * The new run's first request, the HEAD, goes on the POST's idle
 * connection, where it is judged and stopped. */
static void
test_kept_upload_rechecked (Fixture *f, gconstpointer data)
{
  gboolean next_run = GPOINTER_TO_INT (data);
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;

  recheck_begin (f, "[Transfer]\nTimeout=30\n", 4);
  job = start_tus_job (f, next_run ? "up-tus-runs" : "up-tus", &path);
  if (next_run)
    {
      g_assert_true (barge_dbus_job_call_suspend_sync (job, NULL, &error));
      g_assert_no_error (error);
      barge_test_wait_job_state (job, "suspended", SHORT_TIMEOUT_MS);
    }
  recheck_revoke (f);
  release_held (f);
  if (next_run)
    barge_test_job_resume (job);

  barge_test_wait_job_state (job, "error", TRANSFER_TIMEOUT_MS);
  barge_test_assert_job_error (job, BARGE_TEST_ERROR_PREFIX "TlsFailure", "was revoked");
  g_assert_cmpint (g_atomic_int_get (&f->tus_patches), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&f->tus_heads), ==, 0);
  barge_test_job_cancel (job);
}

/* And for a request that outlives its job: cancelling the job while its
 * first PATCH waits sends a tus termination (DELETE) on the POST's idle
 * connection, once the list is stale and the next one revokes the
 * server. The DELETE is stopped, the list fetched, and the server
 * gets no DELETE. Without the check it does, within a second. */
static void
test_kept_cancel_rechecked (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr(BargeDBusJob) job = NULL;
  gint fetched;
  gint64 deadline;

  recheck_begin (f, "[Transfer]\nTimeout=30\n", 4);
  job = start_tus_job (f, "up-tus-cancel", &path);
  recheck_revoke (f);
  fetched = g_atomic_int_get (&f->crl_requests);
  barge_test_job_cancel (job);
  barge_test_daemon_wait_job_removed (f->daemon, path, SHORT_TIMEOUT_MS);
  deadline = g_get_monotonic_time () + TRANSFER_TIMEOUT_MS * 1000;
  while (g_atomic_int_get (&f->crl_requests) == fetched && g_atomic_int_get (&f->tus_deletes) == 0 &&
         g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  /* What the list's fetch leads to: a DELETE sent again, or refused. */
  barge_test_run_for (1000);
  g_assert_cmpint (g_atomic_int_get (&f->tus_deletes), ==, 0);
  g_assert_cmpint (g_atomic_int_get (&f->crl_requests), >, fetched);
  release_held (f);
}

/* A job with TLS options keeps its connections to itself, and its files
 * share them (HTTP/1.1 keep-alive): 24 files over far fewer connections
 * than requests. Another job with options, and a job without, made while
 * the first one's connections are open and idle, ride on none of them. */
static void
test_connections_kept (Fixture *f, gconstpointer data)
{
  g_autofree char *kept_path = barge_test_daemon_create_job (f->daemon, "kept");
  g_autoptr(BargeDBusJob) kept = barge_test_daemon_get_job (f->daemon, kept_path);
  g_autoptr(GHashTable) kept_ports = NULL;
  g_autoptr(GHashTable) other_ports = NULL;
  g_autoptr(GHashTable) plain_ports = NULL;
  g_autoptr(GError) error = NULL;
  guint n_kept, n_other, n_plain;

  g_assert_true (set_check (kept, TRUE, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 24; i++)
    {
      g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/kept/%u", f->ports[SERVER_GOOD], i);
      g_autofree char *name = g_strdup_printf ("kept-%u", i);
      g_autofree char *dest = g_build_filename (f->dir, name, NULL);

      barge_test_job_add_file (kept, url, dest);
    }
  barge_test_job_resume (kept);
  barge_test_wait_job_state (kept, "transferred", TRANSFER_TIMEOUT_MS);
  kept_ports = connections_of (f, "kept", &n_kept);
  g_test_message ("24 files: %u requests on %u connections", n_kept, g_hash_table_size (kept_ports));
  g_assert_cmpuint (n_kept, >=, 24);
  /* At most MaxConnectionsPerHost (6) of files, and as many probes. */
  g_assert_cmpuint (g_hash_table_size (kept_ports), <=, 12);

  for (guint i = 0; i < 2; i++)
    {
      const char *name = i == 0 ? "other" : "plain";
      g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/%s/0", f->ports[SERVER_GOOD], name);
      g_autofree char *dest = g_build_filename (f->dir, name, NULL);
      g_autofree char *path = barge_test_daemon_create_job (f->daemon, name);
      g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);

      if (i == 0)
        {
          g_assert_true (set_check (job, TRUE, &error));
          g_assert_no_error (error);
        }
      barge_test_job_add_file (job, url, dest);
      barge_test_job_resume (job);
      finish (f, job, path, name);
    }
  other_ports = connections_of (f, "other", &n_other);
  plain_ports = connections_of (f, "plain", &n_plain);
  g_assert_cmpuint (n_other, ==, 1);
  g_assert_cmpuint (n_plain, ==, 1);
  assert_disjoint (other_ports, kept_ports);
  assert_disjoint (plain_ports, kept_ports);
  barge_test_job_complete (kept);
  barge_test_daemon_wait_job_removed (f->daemon, kept_path, SHORT_TIMEOUT_MS);
}

/* The option is a boolean, kept across a restart; a value of another
 * type is refused and changes nothing. */
static void
test_option (Fixture *f, gconstpointer data)
{
  g_autofree char *path = barge_test_daemon_create_job (f->daemon, "option");
  g_autoptr(BargeDBusJob) job = barge_test_daemon_get_job (f->daemon, path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) shown = NULL;
  g_autoptr(GVariant) after = NULL;

  g_assert_false (barge_dbus_job_call_set_tls_options_sync (job, g_variant_new_parsed ("{'check-revocation': <'yes'>}"),
                                                            NULL, &error));
  barge_test_assert_dbus_error (error, BARGE_TEST_ERROR_PREFIX "InvalidArgument");
  g_assert_nonnull (strstr (error->message, "check-revocation is of type b"));
  shown = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "TlsCheckRevocation");
  g_assert_false (g_variant_get_boolean (shown));
  g_clear_error (&error);
  g_assert_true (set_check (job, TRUE, &error));
  g_assert_no_error (error);
  barge_test_daemon_restart (f->daemon);
  after = barge_test_daemon_get_property (f->daemon, path, BARGE_TEST_JOB_IFACE, "TlsCheckRevocation");
  g_assert_true (g_variant_get_boolean (after));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/revocation/good", Fixture, NULL, fixture_setup, test_good, fixture_teardown);
  g_test_add ("/revocation/revoked", Fixture, NULL, fixture_setup, test_revoked, fixture_teardown);
  g_test_add ("/revocation/list-not-through-job-proxy", Fixture, NULL, fixture_setup,
              test_list_not_through_job_proxy, fixture_teardown);
  g_test_add ("/revocation/unknown", Fixture, NULL, fixture_setup, test_unknown, fixture_teardown);
  g_test_add ("/revocation/intermediate", Fixture, NULL, fixture_setup, test_intermediate, fixture_teardown);
  g_test_add ("/revocation/upload", Fixture, NULL, fixture_setup, test_upload, fixture_teardown);
  g_test_add ("/revocation/ocsp", Fixture, NULL, fixture_setup, test_ocsp, fixture_teardown);
  g_test_add ("/revocation/ocsp-delegated", Fixture, NULL, fixture_setup, test_ocsp_delegated, fixture_teardown);
  g_test_add ("/revocation/connections-kept", Fixture, NULL, fixture_setup, test_connections_kept, fixture_teardown);
  g_test_add ("/revocation/ocsp-nonce", Fixture, NULL, fixture_setup, test_ocsp_nonce, fixture_teardown);
  g_test_add ("/revocation/kept-upload-rechecked", Fixture, NULL, fixture_setup, test_kept_upload_rechecked,
              fixture_teardown);
  g_test_add ("/revocation/kept-request-rechecked", Fixture, NULL, fixture_setup, test_kept_request_rechecked,
              fixture_teardown);
  g_test_add ("/revocation/kept-upload-next-run", Fixture, GINT_TO_POINTER (TRUE), fixture_setup,
              test_kept_upload_rechecked, fixture_teardown);
  g_test_add ("/revocation/kept-cancel-rechecked", Fixture, NULL, fixture_setup, test_kept_cancel_rechecked,
              fixture_teardown);
  g_test_add ("/revocation/kept-probe-rechecked", Fixture, NULL, fixture_setup, test_kept_probe_rechecked,
              fixture_teardown);
  g_test_add ("/revocation/kept-segment-rechecked", Fixture, NULL, fixture_setup, test_kept_segment_rechecked,
              fixture_teardown);
  g_test_add ("/revocation/kept-connection-rechecked", Fixture, NULL, fixture_setup, test_kept_connection_rechecked,
              fixture_teardown);
  g_test_add ("/revocation/option", Fixture, NULL, fixture_setup, test_option, fixture_teardown);
  return g_test_run ();
}
