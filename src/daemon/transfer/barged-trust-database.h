/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What every libsoup session of barged trusts: a database that passes
 * each call to a base database, the system's default (taken at the first
 * call, so that a daemon that never speaks TLS never loads the system's
 * trust store) or barged --test-tls-ca's.
 *
 * Why not the base itself: glib-networking (2.74) gives each new TLS
 * connection whose database is one of its own a fresh GnuTLS trust list,
 * parsed again from the whole store (about 8 ms of CPU and 3.5 MB per
 * connection here, kept while the connection lives). For any other
 * database it builds none and asks the database to verify the chain,
 * which is what this one does, with the base's one list. The verdicts
 * are the base's, unchanged.
 *
 * Derivable: BargedRevocationDatabase adds the revocation check on top. */
#define BARGED_TYPE_TRUST_DATABASE (barged_trust_database_get_type ())
G_DECLARE_DERIVABLE_TYPE (BargedTrustDatabase, barged_trust_database, BARGED, TRUST_DATABASE, GTlsDatabase)

struct _BargedTrustDatabaseClass
{
  GTlsDatabaseClass parent_class;
};

/* @base: what to trust, or NULL for the system's default database. */
BargedTrustDatabase *barged_trust_database_new (GTlsDatabase *base);

/* The base (a new reference), or NULL when there is no TLS backend with
 * a default database. Safe from any thread: glib-networking verifies on
 * its handshake threads. */
GTlsDatabase *barged_trust_database_dup_base (BargedTrustDatabase *self);

G_END_DECLS
