/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "barged-bus.h"

G_BEGIN_DECLS

/* Answers Introspect of /jobs and the nodes below it, naming only the jobs
 * and files the caller may see (barged-bus-introspection.c says why GDBus
 * cannot be left to). */
typedef struct _BargedBusIntrospection BargedBusIntrospection;

BargedBusIntrospection *barged_bus_introspection_new (BargedBus *bus, GDBusConnection *connection);
void barged_bus_introspection_free (BargedBusIntrospection *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargedBusIntrospection, barged_bus_introspection_free)

G_END_DECLS
