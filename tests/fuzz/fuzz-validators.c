/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ETag and Last-Modified (with the response's Date): which validators a
 * download keeps for If-Range (barged-http.c). Input: up to three lines,
 * ETag, Last-Modified, Date. */
#include "config.h"

#include <libsoup/soup.h>

#include "barged-http.h"
#include "fuzz-common.h"

FUZZ_DEFINE_INITIALIZE ()

static void
check_etag (const char *etag)
{
  gsize len = strlen (etag);
  gboolean strong = barged_http_etag_is_strong (etag);

  /* RFC 9110 8.8.3: an opaque-tag in quotes, weak with "W/" before it. */
  FUZZ_CHECK (strong == (len >= 2 && etag[0] == '"' && etag[len - 1] == '"'), "ETag %s", etag);
  FUZZ_CHECK (!strong || !g_str_has_prefix (etag, "W/"), "weak ETag %s taken as strong", etag);
}

/* A date libsoup reads prints back as the same instant. */
static void
check_date_round_trip (const char *text)
{
  g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (text);
  g_autoptr(GDateTime) again = NULL;
  g_autofree char *printed = NULL;

  if (when == NULL || !fuzz_date_prints_back (when))
    return;
  printed = soup_date_time_to_string (when, SOUP_DATE_HTTP);
  again = soup_date_time_new_from_http_string (printed);
  FUZZ_CHECK (again != NULL && g_date_time_to_unix (again) == g_date_time_to_unix (when),
              "\"%s\" prints as \"%s\", which reads otherwise", text, printed);
}

static void
check_last_modified (const char *lm, const char *date)
{
  gboolean strong = barged_http_last_modified_is_strong (lm, date);

  if (lm == NULL || date == NULL)
    {
      FUZZ_CHECK (!strong, "Last-Modified without a Date is strong");
      return;
    }
  check_date_round_trip (lm);
  check_date_round_trip (date);
  if (strong)
    {
      g_autoptr(GDateTime) l = soup_date_time_new_from_http_string (lm);
      g_autoptr(GDateTime) d = soup_date_time_new_from_http_string (date);

      FUZZ_CHECK (l != NULL && d != NULL && g_date_time_difference (d, l) >= G_USEC_PER_SEC,
                  "Last-Modified %s strong against Date %s", lm, date);
      /* Strictly before: the two can never both be. */
      FUZZ_CHECK (!barged_http_last_modified_is_strong (date, lm), "%s and %s both strong", lm, date);
      FUZZ_CHECK (!barged_http_last_modified_is_strong (lm, lm), "%s strong against itself", lm);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_auto(GStrv) lines = fuzz_lines (data, size, 3);

  check_etag (lines[0]);
  check_last_modified (lines[1], lines[2]);
  return 0;
}
