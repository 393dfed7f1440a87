/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedRandom"

#include "config.h"

#include <errno.h>
#include <sys/random.h>

#include "barged-random.h"

void
barged_random_bytes (guint8 *buffer, gsize length)
{
  gsize got = 0;

  while (got < length)
    {
      ssize_t n = getrandom (buffer + got, length - got, 0);

      if (n < 0 && errno == EINTR)
        continue;
      /* Only a kernel before 3.17 fails here; a guessable name would be
       * worse than no daemon. */
      if (n <= 0)
        g_error ("getrandom failed: %s", g_strerror (errno));
      got += (gsize) n;
    }
}

char *
barged_random_hex (gsize n_bytes)
{
  g_autofree guint8 *bytes = g_malloc (n_bytes);
  GString *hex = g_string_sized_new (2 * n_bytes);

  barged_random_bytes (bytes, n_bytes);
  for (gsize i = 0; i < n_bytes; i++)
    g_string_append_printf (hex, "%02x", bytes[i]);
  return g_string_free (hex, FALSE);
}

char *
barged_random_uuid (void)
{
  guint8 b[16];

  barged_random_bytes (b, sizeof b);
  b[6] = (guint8) ((b[6] & 0x0f) | 0x40);     /* version 4 */
  b[8] = (guint8) ((b[8] & 0x3f) | 0x80);     /* RFC 4122 variant */
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}
