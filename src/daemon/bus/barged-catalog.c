/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedCatalog"

#include "config.h"

#include <string.h>

#include "barged-catalog.h"

/* A reader of GNU .mo files (the format msgfmt writes): a header, then two
 * tables of (length, offset) pairs, one for the original strings and one for
 * the translations, each string NUL-terminated. */

#define MO_MAGIC 0x950412deU
#define MO_MAGIC_SWAPPED 0xde120495U

G_LOCK_DEFINE_STATIC (catalogs);
/* "localedir\nlanguage\ndomain" -> GHashTable msgid -> msgstr, for the
 * catalogs that exist: a miss is not kept (a caller could name languages
 * without end), it costs one failed open the next time. */
static GHashTable *catalogs;

const char *
barged_catalog_get_locale_dir (void)
{
  const char *dir = g_getenv ("BARGE_LOCALEDIR");

  return dir != NULL && *dir != '\0' ? dir : LOCALEDIR;
}

static guint32
read_u32 (const guint8 *data, gsize offset, gboolean swapped)
{
  guint32 value;

  memcpy (&value, data + offset, sizeof value);
  return swapped ? GUINT32_SWAP_LE_BE (value) : value;
}

/* Checks that the string of table entry @i lies inside the file. */
static const char *
table_string (const guint8 *data, gsize size, guint32 table, guint32 i, gboolean swapped)
{
  gsize entry = (gsize) table + (gsize) i * 8;
  guint32 length, offset;

  if (entry + 8 > size)
    return NULL;
  length = read_u32 (data, entry, swapped);
  offset = read_u32 (data, entry + 4, swapped);
  if ((gsize) offset + length >= size || data[offset + length] != '\0')
    return NULL;
  return (const char *) data + offset;
}

/* The catalog at @path, or NULL when there is no file. */
static GHashTable *
load_mo (const char *path)
{
  g_autoptr(GMappedFile) file = NULL;
  GHashTable *table;
  const guint8 *data;
  gsize size;
  guint32 magic, n, originals, translations;
  gboolean swapped;

  file = g_mapped_file_new (path, FALSE, NULL);
  if (file == NULL)
    return NULL;
  table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  data = (const guint8 *) g_mapped_file_get_contents (file);
  size = g_mapped_file_get_length (file);
  if (size < 20)
    return table;

  memcpy (&magic, data, sizeof magic);
  if (magic != MO_MAGIC && magic != MO_MAGIC_SWAPPED)
    {
      g_debug ("%s is not a gettext catalog", path);
      return table;
    }
  swapped = magic == MO_MAGIC_SWAPPED;
  n = read_u32 (data, 8, swapped);
  originals = read_u32 (data, 12, swapped);
  translations = read_u32 (data, 16, swapped);

  for (guint32 i = 0; i < n; i++)
    {
      const char *msgid = table_string (data, size, originals, i, swapped);
      const char *msgstr = table_string (data, size, translations, i, swapped);

      /* The entry with the empty msgid is the catalog's header. A plural
       * entry's strings continue past the first NUL; its singular is what
       * callers look up. */
      if (msgid == NULL || msgstr == NULL || *msgid == '\0' || *msgstr == '\0')
        continue;
      g_hash_table_replace (table, g_strdup (msgid), g_strdup (msgstr));
    }
  return table;
}

gboolean
barged_catalog_locale_name_is_valid (const char *locale_name)
{
  gsize length = 0;

  if (locale_name == NULL)
    return FALSE;
  for (const char *p = locale_name; *p != '\0'; p++, length++)
    if (length >= BARGED_CATALOG_MAX_LOCALE ||
        !(g_ascii_isalnum (*p) || *p == '_' || *p == '.' || *p == '@' || *p == '-'))
      return FALSE;
  return strstr (locale_name, "..") == NULL;
}

/* (transfer none) (nullable): the catalog of @language, loaded on first use. */
static GHashTable *
lookup_catalog (const char *locale_dir, const char *domain, const char *language)
{
  g_autofree char *key = g_strjoin ("\n", locale_dir, language, domain, NULL);
  GHashTable *table;

  if (catalogs == NULL)
    catalogs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_hash_table_unref);
  table = g_hash_table_lookup (catalogs, key);
  if (table == NULL)
    {
      g_autofree char *file_name = g_strconcat (domain, ".mo", NULL);
      g_autofree char *path = g_build_filename (locale_dir, language, "LC_MESSAGES", file_name, NULL);

      table = load_mo (path);
      if (table != NULL)
        g_hash_table_insert (catalogs, g_steal_pointer (&key), table);
    }
  return table;
}

char *
barged_catalog_translate (const char *locale_dir,
                          const char *domain,
                          const char *locale_name,
                          const char *msgid)
{
  g_auto(GStrv) variants = NULL;
  char *result = NULL;

  g_return_val_if_fail (locale_dir != NULL && domain != NULL && msgid != NULL, NULL);

  if (locale_name == NULL || *locale_name == '\0' || !barged_catalog_locale_name_is_valid (locale_name))
    return g_strdup (msgid);

  /* "de_DE.UTF-8@euro" -> "de_DE.UTF-8@euro", "de_DE@euro", "de_DE", "de", ... */
  variants = g_get_locale_variants (locale_name);
  G_LOCK (catalogs);
  for (guint i = 0; variants[i] != NULL && result == NULL; i++)
    {
      GHashTable *catalog = lookup_catalog (locale_dir, domain, variants[i]);
      const char *translation = catalog != NULL ? g_hash_table_lookup (catalog, msgid) : NULL;

      if (translation != NULL)
        result = g_strdup (translation);
    }
  G_UNLOCK (catalogs);
  return result != NULL ? result : g_strdup (msgid);
}

guint
barged_catalog_get_n_cached (void)
{
  guint n;

  G_LOCK (catalogs);
  n = catalogs != NULL ? g_hash_table_size (catalogs) : 0;
  G_UNLOCK (catalogs);
  return n;
}
