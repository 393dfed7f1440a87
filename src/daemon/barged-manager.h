/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "barged-job.h"
#include "barged-scheduler.h"

G_BEGIN_DECLS

#define BARGED_TYPE_MANAGER (barged_manager_get_type ())
G_DECLARE_FINAL_TYPE (BargedManager, barged_manager, BARGED, MANAGER, BargeDBusManagerSkeleton)

/* The Manager interface at /org/freedesktop/Barge1: creates, finds and
 * lists jobs, and owns every live BargedJob. */

/* The limits on jobs per user and per machine are in barge.conf ([Jobs]). */

BargedManager *barged_manager_new (const BargedJobContext *ctx, BargedScheduler *scheduler);
/* Brings back the jobs of the last run; start-up only. */
gboolean barged_manager_load (BargedManager *self, GError **error);
/* Takes barged_config_get() into use (the inactivity reaper). */
void barged_manager_apply_config (BargedManager *self);

G_END_DECLS
