/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "barged-authority.h"
#include "barged-engine.h"

G_BEGIN_DECLS

#define BARGED_TYPE_BUS (barged_bus_get_type ())
G_DECLARE_FINAL_TYPE (BargedBus, barged_bus, BARGED, BUS, GObject)

/* The daemon's face on D-Bus, and its only one: the Manager at
 * /org/freedesktop/Barge1, every job at /org/freedesktop/Barge1/jobs/<id>
 * and its files below it (the contract is in introspection/). It answers
 * every call on the main thread: it learns who calls (BargedAuthority),
 * decides whether they may (their own jobs; every job for root and whom
 * polkit allows), maps the call to the engine, and shows the engine's
 * changes as PropertiesChanged and signals, coalesced and delivered only to
 * peers that may see the job.
 *
 * Jobs are not under an ObjectManager: clients find them with ListJobs or
 * GetJob and follow JobAdded and JobRemoved (docs/performance.md says why).
 *
 * Signal "call": a client called (the daemon's idle timer restarts). */

BargedBus *barged_bus_new (GDBusConnection *connection, BargedEngine *engine, BargedAuthority *authority,
                           GError **error);
/* Sends what is still coalesced (at exit). */
void barged_bus_flush (BargedBus *self);

G_END_DECLS
