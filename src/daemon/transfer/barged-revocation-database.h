/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "barged-revocation.h"
#include "barged-trust-database.h"

G_BEGIN_DECLS

/* The trust of one TLS connection of a job that checks revocation: the
 * connection's own database (the system's, or barged --test-tls-ca's)
 * decides as before, and a chain it trusts is then put to
 * BargedRevocation. A revoked chain fails with REVOKED; one whose status
 * is not known (lists to fetch, or that cannot be had) with
 * GENERIC_ERROR, so the handshake ends before any request byte is sent.
 * The verdict stays here for the request to read (BargedTls). One per
 * connection: set on it when its handshake starts. */
#define BARGED_TYPE_REVOCATION_DATABASE (barged_revocation_database_get_type ())
G_DECLARE_FINAL_TYPE (BargedRevocationDatabase, barged_revocation_database, BARGED, REVOCATION_DATABASE,
                      BargedTrustDatabase)

BargedRevocationDatabase *barged_revocation_database_new (GTlsDatabase *base, BargedRevocation *revocation);

/* The verdict of its last verification of a chain the base trusted, or
 * GOOD when there was none; @wanted (UNKNOWN) and @error (FAILED) as
 * barged_revocation_check() gives them, each may be NULL. */
BargedRevocationVerdict barged_revocation_database_get_verdict (BargedRevocationDatabase *self, GPtrArray **wanted,
                                                                GError **error);

G_END_DECLS
