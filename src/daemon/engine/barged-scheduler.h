/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "barged-config.h"
#include "barged-job.h"
#include "barged-network.h"
#include "barged-scheduler-plan.h"

G_BEGIN_DECLS

#define BARGED_TYPE_SCHEDULER (barged_scheduler_get_type ())
G_DECLARE_FINAL_TYPE (BargedScheduler, barged_scheduler, BARGED, SCHEDULER, GObject)

/* Decides which queued jobs run: foreground jobs at once, beside at most
 * [Scheduler] MaxBackgroundJobs others, highest priority first and oldest
 * first within a priority; a higher priority pre-empts a lower one, and
 * jobs of equal priority take turns of TimeSlice seconds (BITS). Every job
 * that runs counts against the caps MaxRunningJobs and
 * MaxRunningJobsPerUser (the settings are read at each decision, and a
 * reload of barge.conf takes effect at once)
 * and against [Transfer] MaxConnectionsPerHost, so every running job has a
 * connection to the host of its next file (BargedConnections shares the
 * rest out among the files of the running jobs); where slots are
 * scarce, users get fair shares (barged-scheduler-plan.h has the rules).
 * Jobs held by a cap wait in "queued", HoldReason "scheduler". A job's
 * time policy (NotBefore, TransferWindow: barged_job_get_time_hold()) keeps
 * it in "queued" too, and sends it back there when it runs; the job's own
 * timer says when that changes ("scheduling-changed").
 * Emits "activity-changed" when the daemon goes from busy to idle or back. */

BargedScheduler *barged_scheduler_new (BargedConfig *config);
void barged_scheduler_add (BargedScheduler *self, BargedJob *job);
void barged_scheduler_remove (BargedScheduler *self, BargedJob *job);
gboolean barged_scheduler_is_active (BargedScheduler *self);
/* Jobs run only when NETWORK admits them (availability, cost policy). */
void barged_scheduler_set_network (BargedScheduler *self, BargedNetwork *network);

G_END_DECLS
