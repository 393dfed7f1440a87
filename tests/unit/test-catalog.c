/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* barged_catalog_translate(): the per-caller translation of
 * GetErrorDescription, over .mo files written here byte by byte. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "barged-catalog.h"

typedef struct {
  const char *msgid;
  const char *msgstr;
} Pair;

static void
put_u32 (GByteArray *bytes, gsize offset, guint32 value)
{
  memcpy (bytes->data + offset, &value, sizeof value);
}

/* A .mo file in the host's byte order, entries sorted as msgfmt sorts them. */
static GBytes *
build_mo (const Pair *pairs, guint n)
{
  GByteArray *bytes = g_byte_array_new ();
  gsize header = 28, originals = header, translations = originals + 8 * n;
  gsize strings = translations + 8 * n;

  g_byte_array_set_size (bytes, strings);
  memset (bytes->data, 0, strings);
  put_u32 (bytes, 0, 0x950412de);
  put_u32 (bytes, 4, 0);
  put_u32 (bytes, 8, n);
  put_u32 (bytes, 12, (guint32) originals);
  put_u32 (bytes, 16, (guint32) translations);
  for (guint i = 0; i < n; i++)
    {
      for (guint which = 0; which < 2; which++)
        {
          const char *text = which == 0 ? pairs[i].msgid : pairs[i].msgstr;
          gsize table = which == 0 ? originals : translations;
          gsize offset = bytes->len;

          g_byte_array_append (bytes, (const guint8 *) text, strlen (text) + 1);
          put_u32 (bytes, table + 8 * i, (guint32) strlen (text));
          put_u32 (bytes, table + 8 * i + 4, (guint32) offset);
        }
    }
  return g_byte_array_free_to_bytes (bytes);
}

static void
write_catalog (const char *dir, const char *language, GBytes *contents)
{
  g_autofree char *folder = g_build_filename (dir, language, "LC_MESSAGES", NULL);
  g_autofree char *path = g_build_filename (folder, "barge-test.mo", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (contents, NULL),
                                      g_bytes_get_size (contents), &error));
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
check (const char *dir, const char *locale, const char *msgid, const char *expected)
{
  g_autofree char *text = barged_catalog_translate (dir, "barge-test", locale, msgid);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_catalog_languages (void)
{
  g_autofree char *dir = g_dir_make_tmp ("barge-catalog-XXXXXX", NULL);
  const Pair de[] = {
    { "", "Content-Type: text/plain; charset=UTF-8\n" },
    { "Access is denied.", "Zugriff verweigert." },
    { "Empty", "" },
  };
  const Pair de_at[] = { { "Access is denied.", "Zugriff ist verweigert." } };
  const Pair es[] = { { "Access is denied.", "Acceso denegado." } };
  g_autoptr(GBytes) de_mo = build_mo (de, G_N_ELEMENTS (de));
  g_autoptr(GBytes) de_at_mo = build_mo (de_at, G_N_ELEMENTS (de_at));
  g_autoptr(GBytes) es_mo = build_mo (es, G_N_ELEMENTS (es));

  write_catalog (dir, "de", de_mo);
  write_catalog (dir, "de_AT", de_at_mo);
  write_catalog (dir, "es", es_mo);

  check (dir, "de", "Access is denied.", "Zugriff verweigert.");
  /* Territory, codeset and modifier fall back to the language ... */
  check (dir, "de_DE.UTF-8", "Access is denied.", "Zugriff verweigert.");
  check (dir, "de_CH@euro", "Access is denied.", "Zugriff verweigert.");
  /* ... but a catalog for the territory wins. */
  check (dir, "de_AT.UTF-8", "Access is denied.", "Zugriff ist verweigert.");
  check (dir, "es", "Access is denied.", "Acceso denegado.");
  /* No catalog, no entry, an empty translation, no locale: the msgid. */
  check (dir, "fr_FR.UTF-8", "Access is denied.", "Access is denied.");
  check (dir, "de", "Not translated.", "Not translated.");
  check (dir, "de", "Empty", "Empty");
  check (dir, "", "Access is denied.", "Access is denied.");
  check (dir, NULL, "Access is denied.", "Access is denied.");
  /* A cached answer is the same answer. */
  check (dir, "de", "Access is denied.", "Zugriff verweigert.");
  remove_tree (dir);
}

static void
test_catalog_hostile_input (void)
{
  g_autofree char *dir = g_dir_make_tmp ("barge-catalog-XXXXXX", NULL);
  g_autofree char *outside = g_build_filename (dir, "secret", NULL);
  const Pair pairs[] = { { "Access is denied.", "Zugriff verweigert." } };
  g_autoptr(GBytes) good = build_mo (pairs, G_N_ELEMENTS (pairs));
  g_autoptr(GBytes) garbage = g_bytes_new_static ("not a catalog at all", 20);
  g_autoptr(GBytes) truncated = g_bytes_new_from_bytes (good, 0, g_bytes_get_size (good) - 8);
  GByteArray *huge = g_byte_array_new ();
  g_autoptr(GBytes) huge_bytes = NULL;

  /* A header that claims a million entries in a file of 40 bytes. */
  g_byte_array_append (huge, g_bytes_get_data (good, NULL), 40);
  put_u32 (huge, 8, 1000000);
  huge_bytes = g_byte_array_free_to_bytes (huge);

  write_catalog (dir, "xx", garbage);
  write_catalog (dir, "yy", truncated);
  write_catalog (dir, "zz", huge_bytes);
  write_catalog (outside, "de", good);

  check (dir, "xx", "Access is denied.", "Access is denied.");
  check (dir, "yy", "Access is denied.", "Access is denied.");
  check (dir, "zz", "Access is denied.", "Access is denied.");
  /* The locale comes from a D-Bus caller: it never leaves the folder. */
  check (dir, "../secret/de", "Access is denied.", "Access is denied.");
  check (dir, "secret/de", "Access is denied.", "Access is denied.");
  remove_tree (dir);
}

/* Locales come from any caller of GetErrorDescription: a 100 KB name, or
 * thousands of names of languages that do not exist, once each left a
 * catalog entry in memory for good (0.77 MB a call). */
static void
test_catalog_bounded (void)
{
  g_autofree char *dir = g_dir_make_tmp ("barge-catalog-XXXXXX", NULL);
  g_autofree char *huge = g_strnfill (100 * 1024, 'x');
  const Pair pairs[] = { { "Access is denied.", "Zugriff verweigert." } };
  g_autoptr(GBytes) good = build_mo (pairs, G_N_ELEMENTS (pairs));
  guint before;

  g_assert_true (barged_catalog_locale_name_is_valid (""));
  g_assert_true (barged_catalog_locale_name_is_valid ("de"));
  g_assert_true (barged_catalog_locale_name_is_valid ("de_DE.UTF-8"));
  g_assert_true (barged_catalog_locale_name_is_valid ("sr_RS@latin"));
  g_assert_false (barged_catalog_locale_name_is_valid (huge));
  g_assert_false (barged_catalog_locale_name_is_valid ("de/../../etc"));
  g_assert_false (barged_catalog_locale_name_is_valid ("de..x"));
  g_assert_false (barged_catalog_locale_name_is_valid ("de DE"));
  g_assert_false (barged_catalog_locale_name_is_valid (NULL));

  write_catalog (dir, "de", good);
  check (dir, "de", "Access is denied.", "Zugriff verweigert.");
  before = barged_catalog_get_n_cached ();
  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *locale = g_strdup_printf ("q%u_QQ.UTF-8", i);
      check (dir, locale, "Access is denied.", "Access is denied.");
    }
  check (dir, huge, "Access is denied.", "Access is denied.");
  g_assert_cmpuint (barged_catalog_get_n_cached (), ==, before);
  check (dir, "de_AT", "Access is denied.", "Zugriff verweigert.");
  remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/catalog/languages", test_catalog_languages);
  g_test_add_func ("/catalog/hostile-input", test_catalog_hostile_input);
  g_test_add_func ("/catalog/bounded", test_catalog_bounded);
  return g_test_run ();
}
