/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "barged-bandwidth.h"
#include "barged-clock.h"
#include "barged-config.h"
#include "barged-store.h"

G_BEGIN_DECLS

#define BARGED_TYPE_BANDWIDTH_POLICY (barged_bandwidth_policy_get_type ())
G_DECLARE_FINAL_TYPE (BargedBandwidthPolicy, barged_bandwidth_policy, BARGED, BANDWIDTH_POLICY, GObject)

/* Where the limit all background jobs share comes from, first that holds:
 *
 *   administrator  the limit an administrator set over D-Bus (polkit
 *                  action org.freedesktop.Barge1.set-bandwidth-policy),
 *                  kept in the store until they remove it: like BITS'
 *                  group policy over local settings, it wins over
 *                  barge.conf, across SIGHUP and restarts;
 *   schedule       the rule of [Transfer] BackgroundBandwidthSchedule
 *                  whose window holds now (its rate 0: no limit);
 *   config         [Transfer] BackgroundBandwidthLimit, when not 0;
 *   none           no limit.
 *
 * The policy sets the rate of the shared bucket (BargedBandwidth) it is
 * given. One timer waits for the schedule's next boundary; it is armed
 * again when the wall clock moves (BargedClock "changed") and when
 * barge.conf is reloaded. "changed" when the limit or its source changed.
 * Main thread only. */

typedef enum {
  BARGED_BANDWIDTH_SOURCE_NONE,
  BARGED_BANDWIDTH_SOURCE_CONFIG,
  BARGED_BANDWIDTH_SOURCE_SCHEDULE,
  BARGED_BANDWIDTH_SOURCE_ADMINISTRATOR,
} BargedBandwidthSource;

/* "none", "config", "schedule", "administrator": the Manager's
 * BackgroundBandwidthSource. */
const char *barged_bandwidth_source_to_string (BargedBandwidthSource source);

/* Reads the administrator's limit from @store. */
BargedBandwidthPolicy *barged_bandwidth_policy_new (BargedConfig *config, BargedClock *clock, BargedStore *store,
                                                    BargedBandwidth *bucket);

/* The bytes per second in force, 0 = none. */
guint64 barged_bandwidth_policy_get_limit (BargedBandwidthPolicy *self);
BargedBandwidthSource barged_bandwidth_policy_get_source (BargedBandwidthPolicy *self);

/* The administrator's limit: 0 removes it, else BARGED_BANDWIDTH_MIN to
 * BARGED_BANDWIDTH_MAX bytes per second (BARGE_ERROR_INVALID_ARGUMENT
 * otherwise, and nothing changes). Applied once stored. */
void barged_bandwidth_policy_set_override_async (BargedBandwidthPolicy *self, guint64 rate,
                                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean barged_bandwidth_policy_set_override_finish (BargedBandwidthPolicy *self, GAsyncResult *res,
                                                      GError **error);

G_END_DECLS
