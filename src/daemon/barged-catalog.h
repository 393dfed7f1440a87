/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where the gettext catalogs are: $BARGE_LOCALEDIR when set (the test suite
 * points it at the build tree), else the configured LOCALEDIR. */
const char *barged_catalog_get_locale_dir (void);

/* The translation of @msgid into the language of @locale_name (such as
 * "de_DE.UTF-8" or "es"), read from the catalog of @domain in @locale_dir,
 * or a copy of @msgid when there is none. Unlike gettext() this depends
 * neither on the process locale nor on the locales installed on the system,
 * so every D-Bus caller can ask for its own language. Thread-safe. */
char *barged_catalog_translate (const char *locale_dir,
                                const char *domain,
                                const char *locale_name,
                                const char *msgid);

G_END_DECLS
