/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "barged-config.h"

G_BEGIN_DECLS

#define BARGED_TYPE_NOTIFIER (barged_notifier_get_type ())
G_DECLARE_FINAL_TYPE (BargedNotifier, barged_notifier, BARGED, NOTIFIER, GObject)

/* The notify programs of every job (BITS SetNotifyCmdLine), each run by
 * barged_notify_run_async() as its owner, bounded per owner: at most
 * [Jobs] MaxNotifyProgramsPerUser of one owner's programs run at once (the
 * others wait their turn, in order), and a program still running after
 * [Jobs] NotifyTimeout seconds is killed and counts as failed. Without
 * the bound, programs that never exit would pile up in barged's own
 * control group (its TasksMax), one per finished job, until barged could
 * start no thread for anyone.
 *
 * Main thread only. */

BargedNotifier *barged_notifier_new (BargedConfig *config);

/* As barged_notify_run_async(), once the owner has a slot free. */
void barged_notifier_run_async (BargedNotifier *self,
                                guint32 owner,
                                const char *program,
                                const char *const *args,
                                const char *job_id,
                                const char *job_state,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
gboolean barged_notifier_run_finish (BargedNotifier *self, GAsyncResult *res, gboolean *exit_ok, GError **error);

/* Programs still waiting for a slot finish with G_IO_ERROR_CANCELLED and
 * never run: for barged's stop (each waiting program holds its job, and
 * the job this object). BITS runs the notify program of a job still
 * transferred or in error again at the next start anyway. */
void barged_notifier_cancel_waiting (BargedNotifier *self);

/* For tests: programs of @owner running now, and waiting. */
void barged_notifier_get_counts (BargedNotifier *self, guint32 owner, guint *running, guint *waiting);

G_END_DECLS
