/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* GVariant text kept in the store (an upload's record, the notify
 * settings), parsed as @type; NULL when it does not parse. Unlike a bare
 * g_variant_parse(), text that is not UTF-8, or that escapes a surrogate
 * or a code point past U+10FFFF, is refused up front: GLib 2.74's parser
 * makes an invalid string of such an escape and fails with a critical.
 * Only a damaged database holds such text. */
GVariant *barged_stored_text_parse (const GVariantType *type, const char *text);

G_END_DECLS
