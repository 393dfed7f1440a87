/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GVariant text kept in the job database, read back: a file of its own,
 * with nothing but GLib, so that the fuzz targets of what reads it
 * (tests/fuzz) need no SQLite. */
#include "config.h"

#include "barged-stored-text.h"

/* TRUE when every escape of a code point in @text (\uXXXX, \UXXXXXXXX)
 * names a character. */
static gboolean
escapes_are_characters (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      guint digits;
      gunichar c = 0;

      if (*p != '\\')
        continue;
      if (p[1] != 'u' && p[1] != 'U')
        {
          /* Any other escape, a backslash included, is two bytes. */
          if (p[1] != '\0')
            p++;
          continue;
        }
      digits = p[1] == 'u' ? 4 : 8;
      for (guint i = 0; i < digits && g_ascii_isxdigit (p[2 + i]); i++)
        c = c * 16 + (gunichar) g_ascii_xdigit_value (p[2 + i]);
      if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return FALSE;
      p++;
    }
  return TRUE;
}

GVariant *
barged_stored_text_parse (const GVariantType *type, const char *text)
{
  if (text == NULL || !g_utf8_validate (text, -1, NULL) || !escapes_are_characters (text))
    return NULL;
  return g_variant_parse (type, text, NULL, NULL, NULL);
}
