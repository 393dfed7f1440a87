/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "barged-job.h"
#include "barged-network.h"
#include "barged-scheduler-plan.h"

G_BEGIN_DECLS

#define BARGED_TYPE_SCHEDULER (barged_scheduler_get_type ())
G_DECLARE_FINAL_TYPE (BargedScheduler, barged_scheduler, BARGED, SCHEDULER, GObject)

/* Decides which queued jobs run: foreground jobs at once, beside at most
 * @max_background others, highest priority first and oldest first within
 * a priority; a higher priority pre-empts a lower one, and jobs of equal
 * priority take turns of @time_slice seconds (BITS). Every job that runs
 * counts against the caps of barge.conf [Scheduler] MaxRunningJobs and
 * MaxRunningJobsPerUser (read from barged_config_get() at each decision)
 * and against BARGED_SCHEDULER_MAX_RUNNING_JOBS_PER_HOST; where slots are
 * scarce, users get fair shares (barged-scheduler-plan.h has the rules).
 * Jobs held by a cap wait in "queued", HoldReason "scheduler".
 * Emits "activity-changed" when the daemon goes from busy to idle or back. */

BargedScheduler *barged_scheduler_new (guint max_background, guint time_slice);
/* A new barge.conf: takes effect at once (jobs beyond the new limits go
 * back to the queue). */
void barged_scheduler_set_limits (BargedScheduler *self, guint max_background, guint time_slice);
void barged_scheduler_add (BargedScheduler *self, BargedJob *job);
void barged_scheduler_remove (BargedScheduler *self, BargedJob *job);
gboolean barged_scheduler_is_active (BargedScheduler *self);
/* Jobs run only when NETWORK admits them (availability, cost policy). */
void barged_scheduler_set_network (BargedScheduler *self, BargedNetwork *network);

G_END_DECLS
