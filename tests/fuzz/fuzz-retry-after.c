/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Retry-After (barged-http.c), as a download and a BITS upload read it
 * from a 503 or 429: delay-seconds or an HTTP-date. */
#include "config.h"

#include <libsoup/soup.h>

#include "barged-http.h"
#include "fuzz-common.h"

/* 2026-11-18, as in tests/unit/test-http.c */
#define NOW 1795000000

FUZZ_DEFINE_INITIALIZE ()

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *value = fuzz_text (data, size);
  gint64 wait = barged_http_parse_retry_after (value, NOW);
  g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (value);
  guint64 seconds;

  FUZZ_CHECK (wait >= -1, "\"%s\" gives %" G_GINT64_FORMAT, value, wait);
  if (barged_http_parse_uint (value, &seconds))
    {
      /* Capped where a timer of seconds (guint) still holds it. */
      FUZZ_CHECK (wait == (gint64) MIN (seconds, (guint64) G_MAXINT32), "\"%s\" gives %" G_GINT64_FORMAT, value,
                  wait);
      return 0;
    }
  if (when == NULL)
    {
      FUZZ_CHECK (wait == -1, "\"%s\" is neither form but gives %" G_GINT64_FORMAT, value, wait);
      return 0;
    }
  FUZZ_CHECK (wait == MAX (0, g_date_time_to_unix (when) - NOW), "\"%s\" gives %" G_GINT64_FORMAT, value, wait);
  /* Later is never longer to wait, and a wait in the past is none. */
  FUZZ_CHECK (barged_http_parse_retry_after (value, NOW + 3600) == MAX (0, wait - 3600), "\"%s\" an hour later", value);
  if (fuzz_date_prints_back (when))
    {
      g_autofree char *printed = soup_date_time_to_string (when, SOUP_DATE_HTTP);
      FUZZ_CHECK (barged_http_parse_retry_after (printed, NOW) == wait, "\"%s\" printed as \"%s\"", value,
                  printed);
    }
  return 0;
}
