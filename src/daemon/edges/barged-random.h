/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Names other users must not guess (temporary files, job ids) come from
 * the kernel's generator (getrandom). GLib's g_random_* and
 * g_uuid_string_random() are a Mersenne Twister: a user who sees enough of
 * its output (the ids of jobs it creates itself) could predict the next
 * names handed to other users. */

void barged_random_bytes (guint8 *buffer, gsize length);
/* @n_bytes random bytes as 2 * @n_bytes lower-case hex digits. */
char *barged_random_hex (gsize n_bytes);
/* A random (version 4) UUID in its canonical text form. */
char *barged_random_uuid (void);

G_END_DECLS
