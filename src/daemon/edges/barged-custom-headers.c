/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedCustomHeaders"

#include "config.h"

#include <string.h>

#include "barge.h"
#include "barged-custom-headers.h"

/* Barge sets these itself (the Host of the URL, ranges and validators of
 * a resume, an upload's framing, credentials through SetCredentials), or
 * they belong to the connection rather than the request (RFC 9110 7.6.1,
 * RFC 9112 9.6). Letting a client set one would break resume or the
 * connection it shares with other users' jobs. */
static const char * const refused[] = {
  "Host", "Range", "If-Range", "Content-Length", "Content-Range", "Transfer-Encoding", "Authorization",
  "Proxy-Authorization", "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade", "Expect",
};

#define REFUSED_TEXT "Host, Range, If-Range, Content-Length, Content-Range, Transfer-Encoding, Authorization, " \
                     "Proxy-Authorization, Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade, Expect"

/* RFC 9110 5.6.2: tchar. */
static gboolean
is_token (const char *name)
{
  if (*name == '\0')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("!#$%&'*+-.^_`|~", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* RFC 9110 5.5: field-vchar, SP and HTAB inside, nothing around it. Bytes
 * from 0x80 (UTF-8) are obs-text, which servers take as opaque. */
static gboolean
is_field_value (const char *value)
{
  gsize length = strlen (value);

  for (const char *p = value; *p != '\0'; p++)
    if (((guchar) *p < 0x20 && *p != '\t') || *p == 0x7f)
      return FALSE;
  return length == 0 || (value[0] != ' ' && value[0] != '\t' && value[length - 1] != ' ' &&
                         value[length - 1] != '\t');
}

gboolean
barged_custom_headers_check (GVariant *headers, GError **error)
{
  GVariantIter iter;
  const char *name, *value;
  gsize bytes = 0;

  g_return_val_if_fail (g_variant_is_of_type (headers, BARGED_CUSTOM_HEADERS_TYPE), FALSE);
  g_variant_iter_init (&iter, headers);
  while (g_variant_iter_next (&iter, "(&s&s)", &name, &value))
    {
      if (!is_token (name))
        {
          g_autofree char *shown = g_strescape (name, NULL);

          g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                       "the header name \"%s\" is not an HTTP token (letters, digits and !#$%%&'*+-.^_`|~)", shown);
          return FALSE;
        }
      for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
        if (g_ascii_strcasecmp (name, refused[i]) == 0)
          {
            g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                         "the header %s cannot be a custom header: Barge sets it or it belongs to the connection "
                         "(refused: " REFUSED_TEXT "; credentials go through SetCredentials)", name);
            return FALSE;
          }
      if (!is_field_value (value))
        {
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                       "the value of the header %s has a control character (only tabs are allowed, no CR, LF or NUL) "
                       "or a space or tab at its start or end", name);
          return FALSE;
        }
      bytes += strlen (name) + 2 + strlen (value) + 2;
      if (bytes > BARGED_CUSTOM_HEADERS_MAX_BYTES)
        {
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                       "the custom headers take more than %d bytes (counted as \"Name: value\" and CR LF each)",
                       BARGED_CUSTOM_HEADERS_MAX_BYTES);
          return FALSE;
        }
    }
  return TRUE;
}

GVariant *
barged_custom_headers_names (GVariant *headers)
{
  GVariantBuilder builder;
  GVariantIter iter;
  const char *name, *value;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_STRING_ARRAY);
  if (headers != NULL)
    {
      g_variant_iter_init (&iter, headers);
      while (g_variant_iter_next (&iter, "(&s&s)", &name, &value))
        g_variant_builder_add (&builder, "s", name);
    }
  return g_variant_builder_end (&builder);
}
