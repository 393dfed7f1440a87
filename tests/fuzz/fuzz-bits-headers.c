/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The headers of a BITS upload server's Acks (barged-upload-headers.c).
 * Input: lines, one header value each: BITS-Error-Code, BITS-Received-
 * Content-Range, BITS-Host-Id, BITS-Host-Id-Fallback-Timeout,
 * BITS-Reply-URL. */
#include "config.h"

#include "barged-http.h"
#include "fuzz-upload-common.h"

FUZZ_DEFINE_INITIALIZE ()

/* A hex HRESULT, "0x" or not, that fits in 32 bits: anything else is no
 * code (0), never some other code. */
static void
check_error_code (const char *value)
{
  guint32 code = barged_upload_parse_bits_error (value);
  const char *p = value;
  guint64 expected = 0;
  gboolean well_formed;

  if (code == 0)
    return;
  if (g_ascii_strncasecmp (p, "0x", 2) == 0)
    p += 2;
  well_formed = *p != '\0';
  for (; *p != '\0' && well_formed; p++)
    {
      well_formed = g_ascii_isxdigit (*p) && expected <= G_MAXUINT32 / 16;
      expected = expected * 16 + (guint64) g_ascii_xdigit_value (*p);
    }
  FUZZ_CHECK (well_formed && expected == code, "BITS-Error-Code \"%s\" reads as 0x%08X", value, code);
}

/* The packets of the session go to the host named, and nowhere else
 * changes: scheme, port, path and query stay the job's. */
static void
check_host_id (const char *host_id, const char *fallback)
{
  g_autoptr(GUri) base = g_uri_parse (FUZZ_UPLOAD_URL, SOUP_HTTP_URI_FLAGS, NULL);
  g_autoptr(GUri) moved = NULL;
  g_autofree char *url = NULL;
  guint64 seconds;

  if (!barged_upload_bits_host_id_is_valid (host_id))
    return;
  url = barged_upload_packet_url (FUZZ_UPLOAD_URL, host_id);
  fuzz_check_sendable (url, "packet URL");
  moved = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  FUZZ_CHECK (g_ascii_strcasecmp (g_uri_get_host (moved), host_id) == 0, "BITS-Host-Id \"%s\" gives host \"%s\" (%s)",
              host_id, g_uri_get_host (moved), url);
  FUZZ_CHECK (g_strcmp0 (g_uri_get_scheme (moved), g_uri_get_scheme (base)) == 0 &&
              g_uri_get_port (moved) == g_uri_get_port (base) &&
              g_strcmp0 (g_uri_get_path (moved), g_uri_get_path (base)) == 0 &&
              g_strcmp0 (g_uri_get_query (moved), g_uri_get_query (base)) == 0 &&
              g_uri_get_userinfo (moved) == NULL && g_uri_get_fragment (moved) == NULL,
              "BITS-Host-Id \"%s\" changes more than the host: %s", host_id, url);

  /* barged_upload_bits_run() compares it with a gint64 of seconds. */
  seconds = barged_upload_parse_fallback_timeout (fallback);
  FUZZ_CHECK (seconds <= G_MAXINT64, "fallback timeout \"%s\" reads as %" G_GUINT64_FORMAT, fallback ? fallback : "",
              seconds);
  if (seconds > 0)
    {
      guint64 expected;
      FUZZ_CHECK (barged_http_parse_uint (fallback, &expected) && MIN (expected, G_MAXUINT32) == seconds,
                  "fallback timeout \"%s\" reads as %" G_GUINT64_FORMAT, fallback, seconds);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_auto(GStrv) value = fuzz_lines (data, size, 5);

  if (value[0] != NULL)
    check_error_code (value[0]);
  if (value[1] != NULL)
    fuzz_check_offset (value[1]);
  if (value[2] != NULL && fuzz_is_header_value (value[2]))
    check_host_id (value[2], value[3]);
  if (value[4] != NULL && fuzz_is_header_value (value[4]))
    fuzz_check_reference (value[4], "BITS-Reply-URL");
  return 0;
}
