/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* BargedSessions' TLS trust: every session verifies through one
 * BargedTrustDatabase, so glib-networking parses the trust store once,
 * not for each new connection, and still refuses what it should. */
#include "config.h"

#include <dlfcn.h>
#include <gnutls/x509.h>
#include <libsoup/soup.h>

#include "barge-test-soup.h"
#include "barged-config.h"
#include "barged-sessions.h"
#include "barged-trust-database.h"

#define TIMEOUT_US (30 * G_USEC_PER_SEC)
#define N_CONNECTIONS 4

/* glib-networking fills a GnuTLS trust list from a GTlsFileDatabase's
 * file with this call: once when the database is made and, when a
 * connection's database is such a one, again for each connection. This
 * executable exports its own (export_dynamic), which the module binds
 * to, and counts the loads of the test's CA file (the server's
 * connections load the system's store the same way). */
static gint n_trust_file_loads;
static char *watched_file;

int gnutls_x509_trust_list_add_trust_file (gnutls_x509_trust_list_t list, const char *ca_file, const char *crl_file,
                                           gnutls_x509_crt_fmt_t type, unsigned int tl_flags,
                                           unsigned int tl_vflags);

int
gnutls_x509_trust_list_add_trust_file (gnutls_x509_trust_list_t list, const char *ca_file, const char *crl_file,
                                       gnutls_x509_crt_fmt_t type, unsigned int tl_flags, unsigned int tl_vflags)
{
  /* GnuTLS itself, which the module loaded (not in this executable's
   * global scope, so not RTLD_NEXT). */
  void *gnutls = dlopen ("libgnutls.so.30", RTLD_NOW | RTLD_NOLOAD);
  int (*real) (gnutls_x509_trust_list_t, const char *, const char *, gnutls_x509_crt_fmt_t, unsigned int,
               unsigned int) = gnutls != NULL ? dlsym (gnutls, "gnutls_x509_trust_list_add_trust_file") : NULL;

  g_assert_nonnull (real);
  if (gnutls != NULL)
    dlclose (gnutls);
  if (g_strcmp0 (ca_file, g_atomic_pointer_get (&watched_file)) == 0)
    g_atomic_int_inc (&n_trust_file_loads);
  return real (list, ca_file, crl_file, type, tl_flags, tl_vflags);
}

typedef struct {
  SoupServer *server;
  char *url;
  BargedConfig *config;
} Fixture;

static void
on_request (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *pem = g_test_build_filename (G_TEST_DIST, "..", "nginx", "tls", "server.pem", NULL);
  g_autofree char *key = g_test_build_filename (G_TEST_DIST, "..", "nginx", "tls", "server.key", NULL);
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  BargedSettings settings;

  cert = g_tls_certificate_new_from_files (pem, key, &error);
  g_assert_no_error (error);
  f->server = soup_server_new ("tls-certificate", cert, NULL);
  soup_server_add_handler (f->server, NULL, on_request, NULL, NULL);
  base = barge_test_soup_listen_loopback (f->server, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (base, "https://"));
  f->url = g_strconcat (base, "/x", NULL);
  barged_settings_init_defaults (&settings);
  f->config = barged_config_new (&settings);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  barge_test_soup_close (&f->server);
  g_free (f->url);
  g_object_unref (f->config);
}

typedef struct {
  GError *error;
  gboolean done;
} Sent;

static void
on_sent (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Sent *sent = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), res, &sent->error);

  sent->done = TRUE;
}

/* A GET of @url on a connection of its own: its error, or NULL with
 * @status. */
static GError *
get (SoupSession *session, const char *url, guint *status)
{
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  Sent sent = { NULL, FALSE };
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  soup_message_add_flags (msg, SOUP_MESSAGE_NEW_CONNECTION);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, &sent);
  while (!sent.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (sent.done);
  *status = soup_message_get_status (msg);
  return sent.error;
}

/* The server's CA trusted through the sessions: each of N_CONNECTIONS
 * new connections verifies, and the CA file was read once, when its
 * database was made (each connection read it again before). */
static void
test_trust_once (Fixture *f, gconstpointer data)
{
  g_autofree char *ca = g_test_build_filename (G_TEST_DIST, "..", "nginx", "tls", "ca.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(BargedSessions) sessions = NULL;
  SoupSession *shared;
  gint loads;

  g_atomic_pointer_set (&watched_file, ca);
  database = g_tls_file_database_new (ca, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_atomic_int_get (&n_trust_file_loads), ==, 1);
  sessions = barged_sessions_new (f->config, database, NULL, 16);
  shared = barged_sessions_get_shared (sessions, FALSE);
  g_assert_true (BARGED_IS_TRUST_DATABASE (soup_session_get_tls_database (shared)));
  loads = g_atomic_int_get (&n_trust_file_loads);
  for (guint i = 0; i < N_CONNECTIONS; i++)
    {
      guint status = 0;
      g_autoptr(GError) failure = get (shared, f->url, &status);

      g_assert_no_error (failure);
      g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
    }
  g_assert_cmpint (g_atomic_int_get (&n_trust_file_loads), ==, loads);
  g_atomic_pointer_set (&watched_file, NULL);
}

/* Another CA: the same sessions refuse the server, as the base does. */
static void
test_other_ca_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *ca = g_test_build_filename (G_TEST_DIST, "..", "nginx", "tls", "other-ca.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca, &error);
  g_autoptr(BargedSessions) sessions = NULL;
  g_autoptr(GError) failure = NULL;
  guint status = 0;

  g_assert_no_error (error);
  sessions = barged_sessions_new (f->config, database, NULL, 16);
  failure = get (barged_sessions_get_shared (sessions, FALSE), f->url, &status);
  g_assert_error (failure, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
}

int
main (int argc, char **argv)
{
  /* As barged does before any thread: libsoup's NTLM single sign-on off
   * (every session gets barged's NTLM). */
  g_setenv ("SOUP_NTLM_AUTH_DEBUG", "", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/sessions/trust-once", Fixture, NULL, fixture_setup, test_trust_once, fixture_teardown);
  g_test_add ("/sessions/other-ca-refused", Fixture, NULL, fixture_setup, test_other_ca_refused, fixture_teardown);
  return g_test_run ();
}
