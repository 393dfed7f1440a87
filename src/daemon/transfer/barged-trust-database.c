/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedTls"

#include "config.h"

#include "barged-trust-database.h"

typedef struct
{
  GMutex lock;          /* guards base: it is taken on a handshake thread */
  GTlsDatabase *base;   /* NULL until first asked for, when it is the system's */
} BargedTrustDatabasePrivate;

G_DEFINE_TYPE_WITH_PRIVATE (BargedTrustDatabase, barged_trust_database, G_TYPE_TLS_DATABASE)

enum { PROP_0, PROP_BASE };

GTlsDatabase *
barged_trust_database_dup_base (BargedTrustDatabase *self)
{
  BargedTrustDatabasePrivate *priv = barged_trust_database_get_instance_private (self);
  GTlsDatabase *base;

  g_mutex_lock (&priv->lock);
  if (priv->base == NULL)
    priv->base = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  base = priv->base != NULL ? g_object_ref (priv->base) : NULL;
  g_mutex_unlock (&priv->lock);
  return base;
}

static GTlsCertificateFlags
verify_chain (GTlsDatabase *database, GTlsCertificate *chain, const char *purpose, GSocketConnectable *identity,
              GTlsInteraction *interaction, GTlsDatabaseVerifyFlags flags, GCancellable *cancellable,
              GError **error)
{
  g_autoptr(GTlsDatabase) base = barged_trust_database_dup_base (BARGED_TRUST_DATABASE (database));

  if (base == NULL)
    return G_TLS_CERTIFICATE_UNKNOWN_CA;
  return g_tls_database_verify_chain (base, chain, purpose, identity, interaction, flags, cancellable, error);
}

static char *
create_certificate_handle (GTlsDatabase *database, GTlsCertificate *certificate)
{
  g_autoptr(GTlsDatabase) base = barged_trust_database_dup_base (BARGED_TRUST_DATABASE (database));

  return base != NULL ? g_tls_database_create_certificate_handle (base, certificate) : NULL;
}

static GTlsCertificate *
lookup_certificate_for_handle (GTlsDatabase *database, const char *handle, GTlsInteraction *interaction,
                               GTlsDatabaseLookupFlags flags, GCancellable *cancellable, GError **error)
{
  g_autoptr(GTlsDatabase) base = barged_trust_database_dup_base (BARGED_TRUST_DATABASE (database));

  if (base == NULL)
    return NULL;
  return g_tls_database_lookup_certificate_for_handle (base, handle, interaction, flags, cancellable, error);
}

static GTlsCertificate *
lookup_certificate_issuer (GTlsDatabase *database, GTlsCertificate *certificate, GTlsInteraction *interaction,
                           GTlsDatabaseLookupFlags flags, GCancellable *cancellable, GError **error)
{
  g_autoptr(GTlsDatabase) base = barged_trust_database_dup_base (BARGED_TRUST_DATABASE (database));

  if (base == NULL)
    return NULL;
  return g_tls_database_lookup_certificate_issuer (base, certificate, interaction, flags, cancellable, error);
}

static GList *
lookup_certificates_issued_by (GTlsDatabase *database, GByteArray *issuer_raw_dn, GTlsInteraction *interaction,
                               GTlsDatabaseLookupFlags flags, GCancellable *cancellable, GError **error)
{
  g_autoptr(GTlsDatabase) base = barged_trust_database_dup_base (BARGED_TRUST_DATABASE (database));

  if (base == NULL)
    return NULL;
  return g_tls_database_lookup_certificates_issued_by (base, issuer_raw_dn, interaction, flags, cancellable, error);
}

static void
barged_trust_database_finalize (GObject *object)
{
  BargedTrustDatabasePrivate *priv = barged_trust_database_get_instance_private (BARGED_TRUST_DATABASE (object));

  g_clear_object (&priv->base);
  g_mutex_clear (&priv->lock);
  G_OBJECT_CLASS (barged_trust_database_parent_class)->finalize (object);
}

static void
barged_trust_database_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  BargedTrustDatabasePrivate *priv = barged_trust_database_get_instance_private (BARGED_TRUST_DATABASE (object));

  switch (prop_id)
    {
    case PROP_BASE:
      /* Construct-only: no handshake can be asking yet. */
      priv->base = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
barged_trust_database_class_init (BargedTrustDatabaseClass *klass)
{
  GTlsDatabaseClass *database_class = G_TLS_DATABASE_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = barged_trust_database_finalize;
  G_OBJECT_CLASS (klass)->set_property = barged_trust_database_set_property;
  database_class->verify_chain = verify_chain;
  database_class->create_certificate_handle = create_certificate_handle;
  database_class->lookup_certificate_for_handle = lookup_certificate_for_handle;
  database_class->lookup_certificate_issuer = lookup_certificate_issuer;
  database_class->lookup_certificates_issued_by = lookup_certificates_issued_by;

  /* The database to pass calls to; NULL: the system's default. */
  g_object_class_install_property (G_OBJECT_CLASS (klass), PROP_BASE,
                                   g_param_spec_object ("base", NULL, NULL, G_TYPE_TLS_DATABASE,
                                                        G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY |
                                                          G_PARAM_STATIC_STRINGS));
}

static void
barged_trust_database_init (BargedTrustDatabase *self)
{
  BargedTrustDatabasePrivate *priv = barged_trust_database_get_instance_private (self);

  g_mutex_init (&priv->lock);
}

BargedTrustDatabase *
barged_trust_database_new (GTlsDatabase *base)
{
  return g_object_new (BARGED_TYPE_TRUST_DATABASE, "base", base, NULL);
}
