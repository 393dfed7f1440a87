/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where the gettext catalogs are: $BARGE_LOCALEDIR when set (the test suite
 * points it at the build tree), else the configured LOCALEDIR. */
const char *barged_catalog_get_locale_dir (void);

/* The longest locale name barged_catalog_translate() takes. */
#define BARGED_CATALOG_MAX_LOCALE 64

/* Whether @locale_name looks like a locale ("", "de", "de_DE.UTF-8",
 * "sr_RS@latin"): at most BARGED_CATALOG_MAX_LOCALE letters, digits and
 * "_.@-". It comes from any D-Bus caller: checked before it names a file
 * or a cache entry. */
gboolean barged_catalog_locale_name_is_valid (const char *locale_name);

/* The translation of @msgid into the language of @locale_name (such as
 * "de_DE.UTF-8" or "es"), read from the catalog of @domain in @locale_dir,
 * or a copy of @msgid when there is none. Unlike gettext() this depends
 * neither on the process locale nor on the locales installed on the system,
 * so every D-Bus caller can ask for its own language. Thread-safe. A
 * locale name that is not valid gets @msgid. Only catalogs that exist are
 * kept in memory, so what callers ask for cannot grow the cache beyond the
 * installed languages. */
char *barged_catalog_translate (const char *locale_dir,
                                const char *domain,
                                const char *locale_name,
                                const char *msgid);

/* How many catalogs are in memory (for the tests). */
guint barged_catalog_get_n_cached (void);

G_END_DECLS
