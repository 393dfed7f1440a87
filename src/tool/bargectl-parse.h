/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Values typed by people: "90", "90s", "10m", "2h", "14d", or sums such
 * as "1h30m". A bare number is in seconds. Errors are G_OPTION_ERROR. */
gboolean bargectl_parse_duration (const char *text, guint64 max_seconds,
                                  guint64 *seconds, GError **error);

/* A plain unsigned decimal number no larger than @max. */
gboolean bargectl_parse_uint (const char *text, guint64 max, guint64 *value, GError **error);

G_END_DECLS
