/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "barged-job.h"

G_BEGIN_DECLS

#define BARGED_TYPE_BUS_JOB (barged_bus_job_get_type ())
G_DECLARE_FINAL_TYPE (BargedBusJob, barged_bus_job, BARGED, BUS_JOB, GObject)

/* One engine job as clients see it: its Job object and its File objects.
 * It answers their calls and property reads from the engine's values
 * (nothing is copied, so nothing goes stale), and turns the engine's
 * notifications into PropertiesChanged:
 * - dirty tracking: a change marks what it touched, and a flush sends
 *   those properties only (a file's progress sends that file's Progress);
 * - Progress, ReplyProgress and Times go out at most once per the job's
 *   MinimumNotificationInterval; any other change goes out at the end of
 *   the main-loop turn, with whatever progress is pending, so a State and
 *   the HoldReason and Error that explain it travel in one signal;
 * - everything pending goes out before a method's reply and before
 *   Transferred, Failed and FileTransferred, so a file's final progress
 *   comes before its FileTransferred;
 * - Files travels as invalidated (EmitsChangedSignal=invalidates): a new
 *   file costs O(1), not a list of every file. */

typedef struct _BargedBus BargedBus;

BargedBusJob *barged_bus_job_new (BargedBus *bus, BargedJob *job);
BargedJob *barged_bus_job_get_job (BargedBusJob *self);
const char *barged_bus_job_get_path (BargedBusJob *self);
/* The object path of file @index of the job. */
char *barged_bus_job_dup_file_path (BargedBusJob *self, guint index);

/* Sends every pending change now. */
void barged_bus_job_flush (BargedBusJob *self);
/* The job left: what is pending goes out, its objects leave the bus. */
void barged_bus_job_unexport (BargedBusJob *self);

G_END_DECLS
