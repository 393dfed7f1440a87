/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedRevocation"

#include "config.h"

#include "barged-revocation-database.h"
#include "barge-tsan.h"

struct _BargedRevocationDatabase
{
  BargedTrustDatabase parent_instance;
  BargedRevocation *revocation;
  GMutex lock;                /* guards the verdict: glib-networking may verify on its handshake thread */
  BargedRevocationVerdict verdict;
  GPtrArray *wanted;
  GError *error;
};

G_DEFINE_FINAL_TYPE (BargedRevocationDatabase, barged_revocation_database, BARGED_TYPE_TRUST_DATABASE)

static GTlsCertificateFlags
verify_chain (GTlsDatabase *database, GTlsCertificate *chain, const char *purpose, GSocketConnectable *identity,
              GTlsInteraction *interaction, GTlsDatabaseVerifyFlags flags, GCancellable *cancellable,
              GError **error)
{
  BargedRevocationDatabase *self = BARGED_REVOCATION_DATABASE (database);
  GTlsCertificateFlags errors =
    G_TLS_DATABASE_CLASS (barged_revocation_database_parent_class)
      ->verify_chain (database, chain, purpose, identity, interaction, flags, cancellable, error);
  g_autoptr(GPtrArray) wanted = NULL;
  g_autoptr(GError) why = NULL;
  BargedRevocationVerdict verdict;

  /* A chain the base does not trust is refused, or judged by the job's
   * own CA and its lists (BargedTls), as without this check. */
  if (errors != 0 || g_strcmp0 (purpose, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER) != 0)
    return errors;
  verdict = barged_revocation_check (self->revocation, chain, database, &wanted, &why);
  g_mutex_lock (&self->lock);
  self->verdict = verdict;
  g_clear_pointer (&self->wanted, g_ptr_array_unref);
  self->wanted = g_steal_pointer (&wanted);
  g_clear_error (&self->error);
  self->error = g_steal_pointer (&why);
  g_mutex_unlock (&self->lock);
  switch (verdict)
    {
    case BARGED_REVOCATION_GOOD:
      return 0;
    case BARGED_REVOCATION_REVOKED:
      return G_TLS_CERTIFICATE_REVOKED;
    case BARGED_REVOCATION_UNKNOWN:
    case BARGED_REVOCATION_FAILED:
    default:
      return G_TLS_CERTIFICATE_GENERIC_ERROR;
    }
}

BargedRevocationVerdict
barged_revocation_database_get_verdict (BargedRevocationDatabase *self, GPtrArray **wanted, GError **error)
{
  BargedRevocationVerdict verdict;

  g_mutex_lock (&self->lock);
  verdict = self->verdict;
  if (wanted != NULL && self->wanted != NULL)
    *wanted = g_ptr_array_ref (self->wanted);
  if (error != NULL && self->error != NULL)
    *error = g_error_copy (self->error);
  g_mutex_unlock (&self->lock);
  return verdict;
}

static void
barged_revocation_database_finalize (GObject *object)
{
  BargedRevocationDatabase *self = BARGED_REVOCATION_DATABASE (object);

  /* The last reference may go on glib-networking's handshake thread:
   * what the main thread set at the creation is acquired, and what
   * verify_chain() set, through the lock. */
  BARGE_TSAN_ACQUIRE (self);
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->wanted, g_ptr_array_unref);
  g_clear_error (&self->error);
  g_mutex_unlock (&self->lock);
  g_object_unref (self->revocation);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (barged_revocation_database_parent_class)->finalize (object);
}

static void
barged_revocation_database_class_init (BargedRevocationDatabaseClass *klass)
{
  GTlsDatabaseClass *database_class = G_TLS_DATABASE_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = barged_revocation_database_finalize;
  /* The lookups are the base's (BargedTrustDatabase). */
  database_class->verify_chain = verify_chain;
}

static void
barged_revocation_database_init (BargedRevocationDatabase *self)
{
  g_mutex_init (&self->lock);
  self->verdict = BARGED_REVOCATION_GOOD;
}

BargedRevocationDatabase *
barged_revocation_database_new (GTlsDatabase *base, BargedRevocation *revocation)
{
  BargedRevocationDatabase *self = g_object_new (BARGED_TYPE_REVOCATION_DATABASE, "base", base, NULL);

  self->revocation = g_object_ref (revocation);
  BARGE_TSAN_RELEASE (self); /* acquired by the finalize, on whichever thread */
  return self;
}
