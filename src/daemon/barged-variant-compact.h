/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

void barged_variant_compact_install (GType skeleton_type);

G_END_DECLS
