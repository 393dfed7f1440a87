/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "barged-certificate.h"

GBytes *
barged_certificate_get_der (GTlsCertificate *cert)
{
  g_autoptr(GByteArray) der = NULL;

  g_object_get (cert, "certificate", &der, NULL);
  return der != NULL ? g_byte_array_free_to_bytes (g_steal_pointer (&der)) : NULL;
}

gnutls_x509_crt_t
barged_certificate_import_der (GBytes *der)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum = { (unsigned char *) g_bytes_get_data (der, NULL), (unsigned int) g_bytes_get_size (der) };

  if (gnutls_x509_crt_init (&crt) < 0)
    return NULL;
  if (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER) < 0)
    {
      gnutls_x509_crt_deinit (crt);
      return NULL;
    }
  return crt;
}

gnutls_x509_crt_t
barged_certificate_to_gnutls (GTlsCertificate *cert)
{
  g_autoptr(GBytes) der = barged_certificate_get_der (cert);

  return der != NULL ? barged_certificate_import_der (der) : NULL;
}
