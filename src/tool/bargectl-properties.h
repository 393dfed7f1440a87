/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <barge.h>

G_BEGIN_DECLS

/* The keys of `get` and `set`, one per line with a short explanation, for
 * --help. */
char *bargectl_job_keys_help (gboolean writable_only);

G_END_DECLS
