/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedUpload"

#include "config.h"

#include <string.h>

#include "barged-http.h"
#include "barged-upload-headers.h"

/* libsoup has no parser for these headers (they are not HTTP's), except
 * the HTTP-date of Upload-Expires, which is libsoup's. */

guint32
barged_upload_parse_bits_error (const char *value)
{
  guint32 code = 0;

  if (value == NULL)
    return 0;
  if (g_ascii_strncasecmp (value, "0x", 2) == 0)
    value += 2;
  /* Hex digits alone, eight at most. Not g_ascii_strtoull(), which stops
   * at junk ("0x7zz" was 7), skips white space, takes a sign, and wraps
   * what is longer than 32 bits ("18020001F" was
   * BG_E_SESSION_NOT_FOUND). */
  if (*value == '\0')
    return 0;
  for (const char *p = value; *p != '\0'; p++)
    {
      if (!g_ascii_isxdigit (*p) || code > G_MAXUINT32 / 16)
        return 0;
      code = code * 16 + (guint32) g_ascii_xdigit_value (*p);
    }
  return code;
}

gboolean
barged_upload_parse_offset (const char *value, guint64 size, guint64 *offset)
{
  guint64 n;

  /* Digits only: g_ascii_strtoull() took "+46", and read
   * "-18446744073709551615" as 1. */
  if (!barged_http_parse_uint (value, &n) || n > size)
    return FALSE;
  *offset = n;
  return TRUE;
}

gboolean
barged_upload_bits_host_id_is_valid (const char *host_id)
{
  gsize len;

  if (host_id == NULL || (len = strlen (host_id)) == 0 || len > 255)
    return FALSE;
  /* An IPv6 address without a zone: g_hostname_is_ip_address() takes any
   * bytes after a '%' ("::1%\xff" made a packet URL that does not parse). */
  if (strchr (host_id, '%') == NULL && g_hostname_is_ip_address (host_id))
    return TRUE;
  /* A host name (letters, digits, '-', '.', and the '_' of Windows
   * machine names): whatever else g_uri_build() would escape, and the
   * packet URL would not parse (bytes that are no UTF-8) or would name
   * another host (IDN). */
  for (const char *p = host_id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
      return FALSE;
  return TRUE;
}

guint64
barged_upload_parse_fallback_timeout (const char *value)
{
  guint64 seconds;

  /* "-1" was G_MAXUINT64, -1 s once barged_upload_bits_run() takes it
   * as a gint64: every run fell back at once. */
  if (!barged_http_parse_uint (value, &seconds))
    return 0;
  return MIN (seconds, G_MAXUINT32);
}

char *
barged_upload_packet_url (const char *url, const char *host_id)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) moved = NULL;

  if (host_id == NULL || (uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL)) == NULL)
    return g_strdup (url);
  moved = g_uri_build (g_uri_get_flags (uri), g_uri_get_scheme (uri), g_uri_get_userinfo (uri), host_id,
                       g_uri_get_port (uri), g_uri_get_path (uri), g_uri_get_query (uri),
                       g_uri_get_fragment (uri));
  return g_uri_to_string (moved);
}

gboolean
barged_upload_parse_expires (const char *value, gint64 *unix_time)
{
  g_autoptr(GDateTime) when = value != NULL ? soup_date_time_new_from_http_string (value) : NULL;

  if (when == NULL)
    return FALSE;
  *unix_time = g_date_time_to_unix (when);
  return TRUE;
}

static gboolean
uri_is_usable (GUri *uri, GError **error)
{
  const char *host = g_uri_get_host (uri);

  if (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0)
    {
      g_set_error (error, G_URI_ERROR, G_URI_ERROR_BAD_SCHEME, "not an http or https URL");
      return FALSE;
    }
  if (host == NULL || *host == '\0')
    {
      g_set_error (error, G_URI_ERROR, G_URI_ERROR_BAD_HOST, "no host");
      return FALSE;
    }
  return TRUE;
}

GUri *
barged_upload_parse_url (const char *url, GError **error)
{
  g_autoptr(GUri) uri = NULL;

  if (url == NULL)
    {
      g_set_error_literal (error, G_URI_ERROR, G_URI_ERROR_FAILED, "no URL");
      return NULL;
    }
  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, error);
  if (uri == NULL || !uri_is_usable (uri, error))
    return NULL;
  return g_steal_pointer (&uri);
}

char *
barged_upload_resolve_url (const char *base, const char *reference)
{
  g_autoptr(GUri) base_uri = NULL;
  g_autoptr(GUri) resolved = NULL;
  g_autoptr(GUri) checked = NULL;
  g_autofree char *text = NULL;

  if (reference == NULL || (base_uri = g_uri_parse (base, SOUP_HTTP_URI_FLAGS, NULL)) == NULL ||
      (resolved = g_uri_parse_relative (base_uri, reference, SOUP_HTTP_URI_FLAGS, NULL)) == NULL)
    return NULL;
  /* Checked before g_uri_to_string(), which has no text for some of
   * what g_uri_parse_relative() makes ("https:/.//x": no host, a path
   * that starts with "//") and returns NULL with a critical. */
  if (!uri_is_usable (resolved, NULL))
    return NULL;
  /* From https never to http, as for redirects: what goes there (a tus
   * PATCH's bytes of the file, the reply) would go in the clear, and an
   * upload job cannot allow it. */
  if (g_ascii_strcasecmp (g_uri_get_scheme (base_uri), "https") == 0 &&
      g_ascii_strcasecmp (g_uri_get_scheme (resolved), "https") != 0)
    return NULL;
  /* What is kept is the text, parsed again for each request. */
  text = g_uri_to_string (resolved);
  /* Kept and stored: no longer than a URL a client may give. */
  if (strlen (text) > BARGED_HTTP_MAX_URL)
    return NULL;
  checked = barged_upload_parse_url (text, NULL);
  return checked != NULL ? g_steal_pointer (&text) : NULL;
}
