/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

/* Certificates as GnuTLS sees them: glib-networking gives a
 * GTlsCertificate's DER, which GnuTLS parses again (barged-tls.c checks
 * the job's CAs and CRLs with it, barged-revocation.c the system's
 * chains). */

/* @cert's DER, or NULL when it has none. */
GBytes *barged_certificate_get_der (GTlsCertificate *cert);
/* A certificate parsed from @der, or NULL when it is not one; free with
 * gnutls_x509_crt_deinit(). */
gnutls_x509_crt_t barged_certificate_import_der (GBytes *der);
/* Both in one: @cert parsed, or NULL. */
gnutls_x509_crt_t barged_certificate_to_gnutls (GTlsCertificate *cert);

G_END_DECLS
