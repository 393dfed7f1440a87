/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "barge.h"

G_BEGIN_DECLS

/* NotifyFlags and NotifyCommandLine (BITS SetNotifyFlags and
 * SetNotifyCmdLine): reading the flags a client writes, and running the
 * program as the job's owner (barged-job.c checks the command line). */

/* NotifyFlags as a client writes them: unknown or repeated strings are
 * InvalidArgument. */
gboolean barged_notify_flags_parse (const char *const *flags, BargeNotifyFlags *out, GError **error);

/* Runs @program with argv [@program, @args...] as @owner: when barged runs
 * as root it drops to the owner's uid, gid and groups before exec; otherwise
 * it runs as the daemon's user (session mode, where every job is ours). The
 * environment gets BARGE_JOB_ID and BARGE_JOB_STATE. Finishes when the
 * program exits: FALSE with an error if it could not be started, else TRUE
 * and *exit_ok telling whether it exited with status 0. */
void barged_notify_run_async (guint32 owner,
                              const char *program,
                              const char *const *args,
                              const char *job_id,
                              const char *job_state,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
gboolean barged_notify_run_finish (GAsyncResult *res, gboolean *exit_ok, GError **error);

G_END_DECLS
