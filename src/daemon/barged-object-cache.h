/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef gboolean (*BargedObjectVisibleFunc) (const char *object_path, gpointer user_data);

void      barged_object_cache_install         (GType skeleton_type);
/* Drops the serialised copy of @skeleton's properties (when it leaves the bus). */
void      barged_object_cache_forget          (GObject *skeleton);
/* Whether GetManagedObjects lists @object; once listed, for its life. */
void      barged_object_cache_set_listed      (GDBusObject *object);
gboolean  barged_object_cache_is_listed       (GDBusObject *object);
GVariant *barged_object_cache_interfaces_added (GDBusObject *object);
GVariant *barged_object_cache_managed_objects (GDBusObjectManager     *manager,
                                               BargedObjectVisibleFunc visible,
                                               gpointer                user_data);

G_END_DECLS
