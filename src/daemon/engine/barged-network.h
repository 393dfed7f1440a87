/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "barged-job.h"

G_BEGIN_DECLS

#define BARGED_TYPE_NETWORK (barged_network_get_type ())
G_DECLARE_FINAL_TYPE (BargedNetwork, barged_network, BARGED, NETWORK, GObject)

/* The network as the scheduler sees it: available or not, metered or not.
 * In production it follows GNetworkMonitor (network-available,
 * network-metered). For tests only, barged --test-network-state=FILE reads
 * it from a key file instead and watches the file:
 *   [Network]
 *   Available=true|false
 *   Metered=true|false
 * so that tests drive network loss without a real outage.
 *
 * Signal "changed" when either value changed. */

BargedNetwork *barged_network_new (void);
BargedNetwork *barged_network_new_for_file (const char *path, GError **error);

gboolean barged_network_get_available (BargedNetwork *self);
gboolean barged_network_get_metered (BargedNetwork *self);

/* While the machine prepares to sleep and sleeps (logind), no job may use
 * the network: the verdict is NO_NETWORK, and enforce sends a running job
 * back to queued (the engine checkpoints it: barged-engine.h) rather than
 * to transient-error. Waking up counts as the network coming back. */
void barged_network_set_asleep (BargedNetwork *self, gboolean asleep);

/* Whether a job with @policy may use the network as it is now: NONE, or
 * why not (NO_NETWORK, METERED_NETWORK). The job computes its HoldReason
 * from this verdict (barged_job_get_hold_reason). */
BargeHoldReason barged_network_verdict (BargedNetwork *self, BargeCostPolicy policy);

/* For the scheduler, once per decision round:
 * barged_network_enforce() stops running jobs the network no longer
 * admits (network lost: transient-error NetworkDisconnected, no retry
 * counted; metered against their policy: back to queued) and queues jobs
 * held for the network again once it is back, together with jobs waiting
 * to retry after a transport error (also after a wake-up).
 * barged_network_admit_job() says whether a queued job may start, and
 * gives the job the verdict (barged_job_set_network_hold). */
void barged_network_enforce (BargedNetwork *self, GPtrArray *jobs);
gboolean barged_network_admit_job (BargedNetwork *self, BargedJob *job);

G_END_DECLS
