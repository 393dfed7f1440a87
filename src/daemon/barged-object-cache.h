/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef gboolean (*BargedObjectVisibleFunc) (const char *object_path, gpointer user_data);

void      barged_object_cache_install         (GType skeleton_type);
/* Drops the serialised copy of @skeleton's properties (when it leaves the bus). */
void      barged_object_cache_forget          (GObject *skeleton);
GVariant *barged_object_cache_managed_objects (GDBusObjectManager     *manager,
                                               BargedObjectVisibleFunc visible,
                                               gpointer                user_data);

G_END_DECLS
