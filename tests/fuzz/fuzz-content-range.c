/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Content-Range of a 206 and of a 416 (barged-http.c), as a download reads
 * them, against libsoup's parser where both should agree, and the Range
 * the next request sends from what was accepted. */
#include "config.h"

#include <libsoup/soup.h>

#include "barged-http.h"
#include "fuzz-common.h"

FUZZ_DEFINE_INITIALIZE ()

/* The grammar we promise to take, written out independently of the
 * parser: "bytes" (any case), one or more spaces, DIGITS "-" DIGITS "/"
 * (DIGITS | "*"), trailing spaces, no number past 64 bits. */
static gboolean
oracle_digits (const char **p, guint64 *out)
{
  const char *start = *p;
  guint64 v = 0;

  for (; g_ascii_isdigit (**p); (*p)++)
    {
      if (v > (G_MAXUINT64 - (guint64) (**p - '0')) / 10)
        return FALSE;
      v = v * 10 + (guint64) (**p - '0');
    }
  *out = v;
  return *p > start;
}

static gboolean
oracle_content_range (const char *value, guint64 *first, guint64 *last, guint64 *length, gboolean *star)
{
  const char *p = value;

  while (*p == ' ')
    p++;
  if (g_ascii_strncasecmp (p, "bytes", 5) != 0 || p[5] != ' ')
    return FALSE;
  for (p += 5; *p == ' '; p++)
    ;
  if (!oracle_digits (&p, first) || *p++ != '-' || !oracle_digits (&p, last) || *p++ != '/')
    return FALSE;
  *star = *p == '*';
  if (*star)
    p++;
  else if (!oracle_digits (&p, length))
    return FALSE;
  while (*p == ' ')
    p++;
  return *p == '\0';
}

static void
check_content_range (const char *value)
{
  guint64 first = 0, last = 0, length = 0, o_first, o_last, o_length = 0;
  gboolean star = FALSE;
  gboolean ok = barged_http_parse_content_range (value, &first, &last, &length);
  gboolean well_formed = oracle_content_range (value, &o_first, &o_last, &o_length, &star);

  if (ok)
    {
      g_autofree char *again = NULL;
      guint64 f2, l2, len2;

      FUZZ_CHECK (well_formed, "accepted a malformed Content-Range \"%s\"", value);
      FUZZ_CHECK (first == o_first && last == o_last, "\"%s\" read as %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT,
                  value, first, last);
      FUZZ_CHECK (first <= last, "\"%s\": first > last", value);
      /* G_MAXUINT64 stands for "*" and for nothing else. */
      FUZZ_CHECK (star == (length == G_MAXUINT64), "\"%s\": length %" G_GUINT64_FORMAT, value, length);
      FUZZ_CHECK (star || (length == o_length && last < length), "\"%s\": length %" G_GUINT64_FORMAT, value, length);

      /* What we print (logs) parses back the same. */
      again = star ? g_strdup_printf ("bytes %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT "/*", first, last)
                   : g_strdup_printf ("bytes %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT,
                                      first, last, length);
      FUZZ_CHECK (barged_http_parse_content_range (again, &f2, &l2, &len2) && f2 == first && l2 == last &&
                  len2 == length, "round trip of \"%s\"", again);
    }
  else
    /* Well formed yet refused: only for a range that cannot be (LAST <
     * FIRST, LENGTH <= LAST) or a length of 2^64 - 1, which is "*". */
    FUZZ_CHECK (!well_formed || o_last < o_first || (!star && (o_length <= o_last || o_length == G_MAXUINT64)),
                "refused a valid Content-Range \"%s\"", value);

  /* libsoup's parser (which we do not use, see barged-http.c) agrees
   * wherever its narrower grammar applies: "bytes " in lower case, one
   * space, numbers below 2^63. */
  if (fuzz_is_header_value (value))
    {
      g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
      goffset s_start = 0, s_end = 0, s_total = 0;

      soup_message_headers_append (headers, "Content-Range", value);
      if (ok && g_str_has_prefix (value, "bytes ") && g_ascii_isdigit (value[6]) && !g_str_has_suffix (value, " ") &&
          last < G_MAXINT64 && (star || length < G_MAXINT64))
        {
          FUZZ_CHECK (soup_message_headers_get_content_range (headers, &s_start, &s_end, &s_total),
                      "libsoup refuses \"%s\"", value);
          FUZZ_CHECK ((guint64) s_start == first && (guint64) s_end == last &&
                      (star ? s_total == -1 : (guint64) s_total == length), "libsoup reads \"%s\" otherwise", value);
        }
    }

  /* The next request asks from one past the last byte: libsoup must read
   * that Range back as we meant it. */
  if (ok && !star && last + 1 < length && length <= G_MAXINT64)
    {
      g_autoptr(SoupMessageHeaders) request = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
      SoupRange *ranges = NULL;
      int n = 0;

      soup_message_headers_set_range (request, (goffset) last + 1, -1);
      FUZZ_CHECK (soup_message_headers_get_ranges (request, (goffset) length, &ranges, &n) && n == 1 &&
                  ranges[0].start == (goffset) last + 1 && ranges[0].end == (goffset) length - 1,
                  "Range from %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT, last + 1, length);
      soup_message_headers_free_ranges (request, ranges);
    }
}

static void
check_unsatisfied (const char *value)
{
  guint64 length = 0, again = 0, a, b, c;
  g_autofree char *text = NULL;

  if (!barged_http_parse_unsatisfied_range (value, &length))
    return;
  /* The 416 form is never a range, and prints back the same. */
  FUZZ_CHECK (!barged_http_parse_content_range (value, &a, &b, &c), "\"%s\" is both forms", value);
  text = g_strdup_printf ("bytes */%" G_GUINT64_FORMAT, length);
  FUZZ_CHECK (barged_http_parse_unsatisfied_range (text, &again) && again == length, "round trip of \"%s\"", text);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *value = fuzz_text (data, size);

  check_content_range (value);
  check_unsatisfied (value);
  return 0;
}
