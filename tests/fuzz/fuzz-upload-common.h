/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Checks the BITS and tus targets share: the offsets both protocols read,
 * and the URLs a server hands over (BITS-Reply-URL, tus Location). */

#include <libsoup/soup.h>

#include "barged-upload-headers.h"
#include "fuzz-common.h"

/* The upload's size, the bound of every offset. */
#define FUZZ_UPLOAD_SIZE G_GUINT64_CONSTANT (5000000000)
/* The job's remote URL, against which a server's references resolve. */
#define FUZZ_UPLOAD_URL "http://127.0.0.1:8080/upload/dir/file.bin?job=1"

/* An offset is digits alone (spaces or tabs around them, as a header
 * value may have), and no more than the size. */
static inline void
fuzz_check_offset (const char *value)
{
  guint64 offset = 0, expected = 0;
  const char *p = value, *end;
  gboolean well_formed = TRUE;

  if (!barged_upload_parse_offset (value, FUZZ_UPLOAD_SIZE, &offset))
    return;
  while (*p == ' ' || *p == '\t')
    p++;
  end = p + strlen (p);
  while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
    end--;
  well_formed = end > p;
  for (const char *q = p; q < end && well_formed; q++)
    {
      well_formed = g_ascii_isdigit (*q) && expected <= (G_MAXUINT64 - (guint64) (*q - '0')) / 10;
      expected = expected * 10 + (guint64) (*q - '0');
    }
  FUZZ_CHECK (well_formed, "offset \"%s\" is no number but reads as %" G_GUINT64_FORMAT, value, offset);
  FUZZ_CHECK (offset == expected && offset <= FUZZ_UPLOAD_SIZE, "offset \"%s\" reads as %" G_GUINT64_FORMAT,
              value, offset);
}

/* A URL barged keeps is one barged_upload_message_new() can send to:
 * libsoup makes requests to http and https URLs with a host only. */
static inline void
fuzz_check_sendable (const char *url, const char *what)
{
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  g_autoptr(SoupMessage) msg = NULL;
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  FUZZ_CHECK (uri != NULL, "%s \"%s\" does not parse again", what, url);
  FUZZ_CHECK ((g_strcmp0 (scheme, "http") == 0 || g_strcmp0 (scheme, "https") == 0) && host != NULL && *host != '\0',
              "%s \"%s\" is no URL libsoup sends to", what, url);
  msg = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  FUZZ_CHECK (msg != NULL, "libsoup refuses %s \"%s\"", what, url);
}

static inline void
fuzz_check_reference (const char *reference, const char *what)
{
  g_autofree char *resolved = barged_upload_resolve_url (FUZZ_UPLOAD_URL, reference);

  if (resolved != NULL)
    fuzz_check_sendable (resolved, what);
}
