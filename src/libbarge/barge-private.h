/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal to libbarge: what its source files share, such as constructors
 * that take the private BargeDBus proxies, which must never appear in the
 * public headers or the GIR. */

#include "barge-client.h"
#include "barge-enums.h"
#include "barge-error.h"
#include "barge-file.h"
#include "barge-job.h"
#include "barge-progress.h"
#include "barge-reply-progress.h"
#include "barge-job-options.h"
#include "barge-dbus-generated.h"

/* _() of the library: g_dgettext() in the "barge" domain, whatever domain
 * the application uses. */
#include <glib/gi18n-lib.h>

G_BEGIN_DECLS

#define BARGE_DBUS_NAME "org.freedesktop.Barge1"
#define BARGE_DBUS_MANAGER_PATH "/org/freedesktop/Barge1"
#define BARGE_DBUS_JOBS_PATH BARGE_DBUS_MANAGER_PATH "/jobs/"
#define BARGE_DBUS_JOB_INTERFACE "org.freedesktop.Barge1.Job"
#define BARGE_DBUS_FILE_INTERFACE "org.freedesktop.Barge1.File"

/* Binds the "barge" domain to its catalogs once, for the library's own
 * messages; barge_error_quark(), which every class calls, calls it. */
void _barge_init_i18n (void);

BargeFile *_barge_file_new (BargeDBusFile *proxy);

/* @object_manager (nullable) is where the job finds its file objects. */
BargeJob *_barge_job_new (BargeDBusJob *proxy, GDBusObjectManager *object_manager);
/* The daemon said the job ended (Manager.JobRemoved, or the object vanished). */
/* barge-job-files.c: proxies for the files no object manager announces. */
void _barge_job_fetch_files_sync (BargeJob *self, GCancellable *cancellable);
void _barge_job_fetch_files_async (BargeJob *self, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
void _barge_job_fetch_files_finish (BargeJob *self, GAsyncResult *res);
void _barge_job_set_removed (BargeJob *job, BargeJobState final_state);

/* Shared by barge-job.c (the object) and barge-job-calls.c (its method calls
 * and property writes). */
BargeDBusJob *_barge_job_get_proxy (BargeJob *job);

/* A property that can be written over D-Bus; defined in barge-job-calls.c. */
typedef struct _BargeJobWritableProperty BargeJobWritableProperty;

/* @name is a GObject property name or a D-Bus one; NULL if not writable. */
const BargeJobWritableProperty *_barge_job_find_writable_property (const char *name);
/* Returns a floating variant of the D-Bus type of @property. */
GVariant *_barge_job_value_to_variant (const BargeJobWritableProperty *property,
                                       const GValue *value,
                                       GError **error);
/* Sends Properties.Set; @variant is consumed if floating. */
void _barge_job_send_property (BargeJob *job,
                               const BargeJobWritableProperty *property,
                               GVariant *variant,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);

/* Shared by barge-client.c (construction and the known jobs) and
 * barge-client-calls.c (its method calls). */
BargeDBusManager *_barge_client_get_manager (BargeClient *client);
/* (transfer none) (nullable): the job the client knows at @path. */
BargeJob *_barge_client_lookup_path (BargeClient *client, const char *path);
/* The job for a proxy the object manager has not announced yet; a new
 * reference, or NULL if the object does not exist. */
BargeJob *_barge_client_adopt_proxy (BargeClient *client, BargeDBusJob *proxy, GError **error);

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
