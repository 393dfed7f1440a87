/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedHttp"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "barged-http.h"

/* Parses an unsigned decimal that must fill [str, end); no sign, no spaces. */
static gboolean
parse_u64 (const char *str, const char *end, guint64 *out)
{
  guint64 value = 0;

  if (str == end)
    return FALSE;
  for (const char *p = str; p < end; p++)
    {
      guint64 digit;

      if (!g_ascii_isdigit (*p))
        return FALSE;
      digit = (guint64) (*p - '0');
      if (value > (G_MAXUINT64 - digit) / 10)
        return FALSE;
      value = value * 10 + digit;
    }
  *out = value;
  return TRUE;
}

static gboolean
is_ows (char c)
{
  return c == ' ' || c == '\t';
}

gboolean
barged_http_parse_uint (const char *value, guint64 *out)
{
  const char *end;

  if (value == NULL)
    return FALSE;
  while (is_ows (*value))
    value++;
  end = value + strlen (value);
  while (end > value && is_ows (end[-1]))
    end--;
  return parse_u64 (value, end, out);
}

/* Content-Range is parsed here rather than by libsoup's
 * soup_message_headers_get_content_range(), which (3.2) does not cover
 * what a resume needs: it compares the unit case-sensitively ("bytes ";
 * RFC 9110 14.1 makes range units case-insensitive), keeps offsets in a
 * signed goffset (a length of 2^63 or more, or one that overflows, reads
 * as "*", an unknown length), takes signs and spaces inside the numbers
 * (g_ascii_strtoull: "bytes 0-+5/10"), leaves FIRST <= LAST < LENGTH to the
 * caller, and has no form for the "bytes * /LENGTH" of a 416. */
static const char *
skip_unit (const char *value)
{
  if (value == NULL)
    return NULL;
  while (*value == ' ')
    value++;
  if (g_ascii_strncasecmp (value, "bytes", 5) != 0)
    return NULL;
  value += 5;
  if (*value != ' ')
    return NULL;
  while (*value == ' ')
    value++;
  return value;
}

gboolean
barged_http_parse_content_range (const char *value, guint64 *first, guint64 *last, guint64 *length)
{
  const char *p = skip_unit (value);
  const char *dash, *slash, *end;
  guint64 f, l, len = G_MAXUINT64;

  if (p == NULL)
    return FALSE;
  dash = strchr (p, '-');
  slash = dash != NULL ? strchr (dash, '/') : NULL;
  if (dash == NULL || slash == NULL)
    return FALSE;
  end = slash + strlen (slash);
  while (end > slash + 1 && end[-1] == ' ')
    end--;
  if (!parse_u64 (p, dash, &f) || !parse_u64 (dash + 1, slash, &l))
    return FALSE;
  /* A LENGTH of G_MAXUINT64 would read as "*". */
  if (!(end - slash == 2 && slash[1] == '*') && (!parse_u64 (slash + 1, end, &len) || len == G_MAXUINT64))
    return FALSE;
  if (l < f || (len != G_MAXUINT64 && len <= l))
    return FALSE;
  *first = f;
  *last = l;
  *length = len;
  return TRUE;
}

gboolean
barged_http_parse_unsatisfied_range (const char *value, guint64 *length)
{
  const char *p = skip_unit (value);
  const char *end;

  if (p == NULL || p[0] != '*' || p[1] != '/')
    return FALSE;
  p += 2;
  end = p + strlen (p);
  while (end > p && end[-1] == ' ')
    end--;
  return parse_u64 (p, end, length);
}

gboolean
barged_http_etag_is_strong (const char *etag)
{
  gsize len;

  if (etag == NULL)
    return FALSE;
  len = strlen (etag);
  return len >= 2 && len <= BARGED_HTTP_MAX_VALIDATOR && etag[0] == '"' && etag[len - 1] == '"';
}

gboolean
barged_http_last_modified_is_strong (const char *last_modified, const char *date)
{
  g_autoptr(GDateTime) lm = NULL;
  g_autoptr(GDateTime) dt = NULL;

  if (last_modified == NULL || date == NULL || strlen (last_modified) > BARGED_HTTP_MAX_VALIDATOR)
    return FALSE;
  lm = soup_date_time_new_from_http_string (last_modified);
  dt = soup_date_time_new_from_http_string (date);
  if (lm == NULL || dt == NULL)
    return FALSE;
  return g_date_time_difference (dt, lm) >= G_USEC_PER_SEC;
}

/* The base64 value of @name in a comma-separated list of NAME=VALUE
 * members, VALUE ":B64:" (@sf, a structured field byte sequence) or bare
 * B64; names compare case-insensitively. Parameters (";...") are ignored. */
static char *
find_member (const char *list, const char *name, gboolean sf, gsize want_bytes)
{
  g_auto(GStrv) members = list != NULL ? g_strsplit (list, ",", -1) : NULL;

  for (guint i = 0; members != NULL && members[i] != NULL; i++)
    {
      char *member = g_strstrip (members[i]);
      char *eq = strchr (member, '=');
      char *semicolon;
      g_autofree guchar *raw = NULL;
      gsize len = 0;
      char *value;
      GString *hex;

      if (eq == NULL)
        continue;
      *eq = '\0';
      if (g_ascii_strcasecmp (g_strstrip (member), name) != 0)
        continue;
      value = g_strstrip (eq + 1);
      if ((semicolon = strchr (value, ';')) != NULL)
        *semicolon = '\0';
      if (sf)
        {
          gsize n = strlen (value);

          if (n < 2 || value[0] != ':' || value[n - 1] != ':')
            return NULL;
          value[n - 1] = '\0';
          value++;
        }
      raw = g_base64_decode (value, &len);
      if (len != want_bytes)
        return NULL;
      hex = g_string_sized_new (2 * len);
      for (gsize b = 0; b < len; b++)
        g_string_append_printf (hex, "%02x", raw[b]);
      return g_string_free (hex, FALSE);
    }
  return NULL;
}

gboolean
barged_http_parse_repr_digest (const char *repr_digest, const char *digest, const char **kind, char **hex)
{
  static const struct {
    const char *repr;
    const char *legacy;
    const char *kind;
    gsize bytes;
  } algorithms[] = {
    { "sha-512", "SHA-512", "sha512", 64 },
    { "sha-256", "SHA-256", "sha256", 32 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (algorithms); i++)
    {
      char *value = find_member (repr_digest, algorithms[i].repr, TRUE, algorithms[i].bytes);

      if (value == NULL)
        value = find_member (digest, algorithms[i].legacy, FALSE, algorithms[i].bytes);
      if (value != NULL)
        {
          *kind = algorithms[i].kind;
          *hex = value;
          return TRUE;
        }
    }
  return FALSE;
}

gint64
barged_http_retry_after_wait (const char *value, gint64 now_unix)
{
  return MIN (barged_http_parse_retry_after (value, now_unix), BARGED_HTTP_MAX_RETRY_AFTER_S);
}

gint64
barged_http_parse_retry_after (const char *value, gint64 now_unix)
{
  g_autoptr(GDateTime) when = NULL;
  guint64 seconds;

  if (value == NULL)
    return -1;
  /* delay-seconds is ours (libsoup has no integer header parser); the
   * HTTP-date is libsoup's. */
  if (barged_http_parse_uint (value, &seconds))
    return (gint64) MIN (seconds, (guint64) G_MAXINT32);
  when = soup_date_time_new_from_http_string (value);
  if (when == NULL)
    return -1;
  return MAX (0, g_date_time_to_unix (when) - now_unix);
}
