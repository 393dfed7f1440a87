/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A job's custom headers (SetCustomHeaders, the "custom-headers" option
 * of CreateJob), checked by barged-custom-headers.c before they are kept
 * and sent on every request. Input: one header a line, its name up to the
 * first ':', its value after (a line without ':' is a name with an empty
 * value). What is taken must be a header libsoup sends as given, with
 * nothing that splits a request or takes Barge's own headers, within
 * BITS' 16 KiB. */
#include "config.h"

#include <libsoup/soup.h>

#include "barge.h"
#include "barged-custom-headers.h"
#include "fuzz-common.h"

FUZZ_DEFINE_INITIALIZE ()

static const char * const barges[] = {
  "host", "range", "if-range", "content-length", "content-range", "transfer-encoding", "authorization",
  "proxy-authorization", "connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "expect",
};

static GVariant *
headers_from_lines (char **lines)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, BARGED_CUSTOM_HEADERS_TYPE);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':');
      g_autofree char *name = colon != NULL ? g_strndup (lines[i], (gsize) (colon - lines[i])) : g_strdup (lines[i]);
      const char *value = colon != NULL ? colon + 1 : "";

      /* D-Bus strings are UTF-8: the bus refuses anything else. */
      if (!g_utf8_validate (name, -1, NULL) || !g_utf8_validate (value, -1, NULL))
        {
          g_variant_builder_clear (&builder);
          return NULL;
        }
      g_variant_builder_add (&builder, "(ss)", name, value);
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = fuzz_text (data, size);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GVariant) headers = headers_from_lines (lines);
  g_autoptr(GVariant) names = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessageHeaders) sent = NULL;
  GVariantIter iter;
  const char *name, *value;
  gsize bytes = 0;

  if (headers == NULL)
    return 0;
  if (!barged_custom_headers_check (headers, &error))
    {
      FUZZ_CHECK (g_error_matches (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT), "refused with %s",
                  error->message);
      FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL), "the message is not UTF-8 (a D-Bus string)");
      return 0;
    }
  names = barged_custom_headers_names (headers);
  FUZZ_CHECK (g_variant_n_children (names) == g_variant_n_children (headers), "%zu names of %zu headers",
              g_variant_n_children (names), g_variant_n_children (headers));
  sent = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_variant_iter_init (&iter, headers);
  while (g_variant_iter_next (&iter, "(&s&s)", &name, &value))
    {
      gsize len = strlen (value);
      const char *back;

      FUZZ_CHECK (*name != '\0', "an empty name taken");
      for (const char *p = name; *p != '\0'; p++)
        FUZZ_CHECK (g_ascii_isgraph (*p) && strchr ("\"(),/:;<=>?@[\\]{}", *p) == NULL,
                    "the name \"%s\" is not a token", name);
      for (guint i = 0; i < G_N_ELEMENTS (barges); i++)
        FUZZ_CHECK (g_ascii_strcasecmp (name, barges[i]) != 0, "Barge's own header %s taken", name);
      FUZZ_CHECK (fuzz_is_header_value (value), "the value of %s has a control character", name);
      FUZZ_CHECK (len == 0 || (!g_ascii_isspace (value[0]) && !g_ascii_isspace (value[len - 1])),
                  "the value of %s has a space around it: \"%s\"", name, value);
      bytes += strlen (name) + 2 + len + 2;
      /* libsoup sends it as given: no critical (fuzz_init aborts on one),
       * the value unchanged. */
      soup_message_headers_append (sent, name, value);
      back = soup_message_headers_get_list (sent, name);
      FUZZ_CHECK (back != NULL && g_str_has_suffix (back, value), "%s: \"%s\" kept as \"%s\"", name, value, back);
    }
  FUZZ_CHECK (bytes <= BARGED_CUSTOM_HEADERS_MAX_BYTES, "%zu bytes of headers taken", bytes);
  return 0;
}
