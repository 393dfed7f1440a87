/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal to libbarge: constructors that take the private BargeDBus proxies,
 * which must never appear in the public headers or the GIR. */

#include "barge-client.h"
#include "barge-enums.h"
#include "barge-error.h"
#include "barge-file.h"
#include "barge-job.h"
#include "barge-progress.h"
#include "barge-dbus-generated.h"

G_BEGIN_DECLS

#define BARGE_DBUS_NAME "org.freedesktop.Barge1"
#define BARGE_DBUS_MANAGER_PATH "/org/freedesktop/Barge1"
#define BARGE_DBUS_JOBS_PATH BARGE_DBUS_MANAGER_PATH "/jobs/"
#define BARGE_DBUS_JOB_INTERFACE "org.freedesktop.Barge1.Job"
#define BARGE_DBUS_FILE_INTERFACE "org.freedesktop.Barge1.File"

BargeFile *_barge_file_new (BargeDBusFile *proxy);

/* @object_manager (nullable) is where the job finds its file objects. */
BargeJob *_barge_job_new (BargeDBusJob *proxy, GDBusObjectManager *object_manager);
/* The daemon said the job ended (Manager.JobRemoved, or the object vanished). */
void _barge_job_set_removed (BargeJob *job, BargeJobState final_state);

/* Errors of Barge and of the bus itself read better without the
 * "GDBus.Error:<name>: " prefix; the code already carries the name. Unmapped
 * remote errors keep it, since the prefix is then the only trace of the name. */
static inline void
_barge_error_strip (GError *error)
{
  if (error != NULL && (error->domain == BARGE_ERROR || error->domain == G_DBUS_ERROR))
    g_dbus_error_strip_remote_error (error);
}

G_END_DECLS
