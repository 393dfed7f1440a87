/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal to libbarge: what its source files share. The generated
 * BargeDBus code is used only for its interface descriptions; the library
 * talks to the daemon with plain method calls and follows its signals
 * itself (barge-client.c), so nothing of it appears in the public headers
 * or the GIR. */

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
#define BARGE_DBUS_MANAGER_INTERFACE "org.freedesktop.Barge1.Manager"
#define BARGE_DBUS_JOB_INTERFACE "org.freedesktop.Barge1.Job"
#define BARGE_DBUS_FILE_INTERFACE "org.freedesktop.Barge1.File"
#define BARGE_DBUS_AGENT_PATH BARGE_DBUS_MANAGER_PATH "/SessionProxyAgent"
#define BARGE_DBUS_PROPERTIES_INTERFACE "org.freedesktop.DBus.Properties"

/* How many GetAll calls one operation keeps in flight: the system bus
 * allows a connection 128 pending replies in all. */
#define BARGE_FETCH_WINDOW 16

/* Binds the "barge" domain to its catalogs once, for the library's own
 * messages; barge_error_quark(), which every class calls, calls it. */
void _barge_init_i18n (void);

/* --- stamps (barge-client.c) ----------------------------------------------
 *
 * Every value the library takes from the daemon carries a stamp: the
 * daemon's generation (one per process that owned the name, as the client
 * saw them come) in the high 32 bits, the serial of the D-Bus message that
 * carried it in the low ones. A daemon numbers its messages in the order it
 * sends them, so of two values the one with the larger stamp is the newer,
 * whatever order the client handles them in (a _sync call handles its
 * reply before the signals that arrived ahead of it). */
#define BARGE_STAMP(generation, serial) (((guint64) (generation) << 32) | (guint32) (serial))
/* A value from no known daemon: taken always (a job whose client is gone). */
#define BARGE_STAMP_ANY 0
/* A value from a daemon that has left the bus: older than anything else. */
#define BARGE_STAMP_STALE 1

/* --- last-known property values (barge-props.c) -------------------------- */

typedef struct _BargeProps BargeProps;

BargeProps *_barge_props_new (GDBusInterfaceInfo *info);
void _barge_props_free (BargeProps *props);
/* Takes the values of @dict (a{sv}) that are newer than what is kept and of
 * the type of the interface; adds the names whose value changed to
 * @changed (interned strings). */
void _barge_props_apply (BargeProps *props, GVariant *dict, guint64 stamp, GPtrArray *changed);
/* (transfer none) (nullable) */
GVariant *_barge_props_get (BargeProps *props, const char *name);
/* "" when the daemon has not said. */
const char *_barge_props_get_string (BargeProps *props, const char *name);
guint32 _barge_props_get_uint32 (BargeProps *props, const char *name, guint32 fallback);
guint64 _barge_props_get_uint64 (BargeProps *props, const char *name, guint64 fallback);
gint64 _barge_props_get_int64 (BargeProps *props, const char *name, gint64 fallback);
gboolean _barge_props_get_boolean (BargeProps *props, const char *name);

/* --- calls (barge-call.c) -------------------------------------------------- */

/* Calls @method on @path of the daemon's well-known name (so that a call
 * starts a daemon that D-Bus can activate). Completes with the reply's
 * body, its stamp from @client (nullable), and errors in the BARGE_ERROR
 * domain where they are the daemon's or say it is not there. */
void _barge_call (BargeClient *client,
                  GDBusConnection *connection,
                  const char *path,
                  const char *interface,
                  const char *method,
                  GVariant *parameters,
                  const GVariantType *reply_type,
                  GCancellable *cancellable,
                  GAsyncReadyCallback callback,
                  gpointer user_data);
/* The same with message @flags, such as
 * G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION. */
void _barge_call_with_flags (BargeClient *client,
                             GDBusConnection *connection,
                             const char *path,
                             const char *interface,
                             const char *method,
                             GVariant *parameters,
                             const GVariantType *reply_type,
                             GDBusMessageFlags flags,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
/* (transfer full): the body; @stamp (optional) receives its stamp. */
GVariant *_barge_call_finish (GAsyncResult *res, guint64 *stamp, GError **error);

/* Properties.GetAll of @interface at @path; the finish gives the a{sv}. */
void _barge_get_all (BargeClient *client, GDBusConnection *connection,
                     const char *path, const char *interface,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GVariant *_barge_get_all_finish (GAsyncResult *res, guint64 *stamp, GError **error);

/* Whether @error says that no object answers at the path called. */
gboolean _barge_error_is_unknown_object (const GError *error);

/* Whether each of the NULL-terminated (name, value) pairs that follow
 * @error has a value that is valid UTF-8 (a NULL value passes): a D-Bus
 * string must be, and g_variant_new_string() of one that is not is a
 * critical and a NULL child in the call's tuple, a crash. Else sets
 * BARGE_ERROR_INVALID_ARGUMENT naming the argument. */
gboolean _barge_check_utf8 (GError **error, const char *name, const char *value, ...) G_GNUC_NULL_TERMINATED;

/* Errors of Barge and of the bus itself read better without the
 * "GDBus.Error:<name>: " prefix; the code already carries the name. Unmapped
 * remote errors keep it, since the prefix is then the only trace of the name. */
static inline void
_barge_error_strip (GError *error)
{
  if (error != NULL && (error->domain == BARGE_ERROR || error->domain == G_DBUS_ERROR))
    g_dbus_error_strip_remote_error (error);
}

/* A _sync function runs its _async twin in a context of its own, so that
 * nothing of the caller's main context runs meanwhile:
 *
 *   BargeSync sync;
 *   _barge_sync_begin (&sync);
 *   barge_job_resume_async (job, cancellable, _barge_sync_done, &sync);
 *   ok = barge_job_resume_finish (job, _barge_sync_wait (&sync), error);
 *   _barge_sync_end (&sync);
 *
 * The internal operations complete only when every call they made has
 * answered, so nothing is left behind in that context. */
typedef struct {
  GMainContext *context;
  GAsyncResult *result;
} BargeSync;

void _barge_sync_begin (BargeSync *sync);
void _barge_sync_done (GObject *source, GAsyncResult *res, gpointer user_data);
GAsyncResult *_barge_sync_wait (BargeSync *sync);
void _barge_sync_end (BargeSync *sync);

/* Starts one step of a batch on @item; calls @callback once, when done. */
typedef void (*BargeBatchStartFunc) (gpointer item,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
/* Ends the step of @item (errors are the step's own business). */
typedef void (*BargeBatchFinishFunc) (gpointer item, GAsyncResult *res);

/* Runs @start on each of @items (a new reference is taken) with at most
 * BARGE_FETCH_WINDOW steps at a time; completes when all have finished. */
void _barge_batch_run (GPtrArray *items,
                       BargeBatchStartFunc start,
                       BargeBatchFinishFunc finish,
                       GCancellable *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer user_data);
/* Fails only when @cancellable was cancelled. */
gboolean _barge_batch_run_finish (GAsyncResult *res, GError **error);

/* --- the client (barge-client.c) ------------------------------------------ */

GMainContext *_barge_client_get_context (BargeClient *client);
/* (nullable): the unique name of the daemon the client follows. */
const char *_barge_client_get_daemon_name (BargeClient *client);
/* The stamp of a reply (or error) the daemon sent; a reply from a daemon the
 * client has not seen come yet makes it follow that one. */
guint64 _barge_client_stamp_reply (BargeClient *client, GDBusMessage *reply);
/* (transfer none): the job at @path, made (without values yet) when unknown. */
BargeJob *_barge_client_ensure_job (BargeClient *client, const char *path);
/* (transfer none) (nullable): a job the client has announced. */
BargeJob *_barge_client_lookup_path (BargeClient *client, const char *path);
/* The job has its first values: job-added, unless it is already gone. */
void _barge_client_job_loaded (BargeClient *client, BargeJob *job);
/* The job left the bus: out of the client, job-removed if it was announced. */
void _barge_client_job_gone (BargeClient *client, BargeJob *job);

/* --- the session proxy agent (barge-proxy-agent.c) ----------------------- */

/* The agent object on @connection answering with @resolver, the daemon of
 * @client only; NULL when the object cannot be registered. Its calls are
 * answered in @client's main context. */
typedef struct _BargeProxyAgent BargeProxyAgent;
BargeProxyAgent *_barge_proxy_agent_new (BargeClient *client, GDBusConnection *connection,
                                         GProxyResolver *resolver, GError **error);
void _barge_proxy_agent_free (BargeProxyAgent *self);
/* The client keeps @agent (transfer full, nullable) instead of the one it
 * had: one lease per user, the last call wins. */
void _barge_client_set_proxy_agent (BargeClient *client, BargeProxyAgent *agent);
/* Around an emission that may happen inside a _sync call: makes the
 * client's context the thread's default, so that what a handler starts
 * (an _async call, a GTask) completes there, not in the call's private
 * context, which nothing runs once the call returned. @client may be NULL. */
void _barge_client_enter (BargeClient *client);
void _barge_client_leave (BargeClient *client);
/* Each set changes the serial: a call that answers later drops the agent
 * it knew (by its serial), never one set since. */
guint _barge_client_get_proxy_agent_serial (BargeClient *client);
void _barge_client_drop_proxy_agent_of (BargeClient *client, guint serial);

/* --- jobs (barge-job.c) ------------------------------------------------------ */

BargeJob *_barge_job_new (BargeClient *client, GDBusConnection *connection, const char *path);
/* (transfer full) (nullable) */
BargeClient *_barge_job_dup_client (BargeJob *job);
GDBusConnection *_barge_job_get_connection (BargeJob *job);
gboolean _barge_job_is_announced (BargeJob *job);
void _barge_job_set_announced (BargeJob *job);
gboolean _barge_job_is_removed (BargeJob *job);
/* Has values from the daemon, or a refresh is under way. */
gboolean _barge_job_is_loading_or_loaded (BargeJob *job);
/* The client lets the job go (it is disposed). */
void _barge_job_detach (BargeJob *job);

/* The daemon said the job left the bus; @final_state < 0 keeps the last
 * state known. Tells the client. */
void _barge_job_set_removed (BargeJob *job, int final_state);

/* A signal of the daemon about the job (PropertiesChanged of the Job or of
 * one of its File objects, Transferred, ...). Returns FALSE when it must
 * wait: a file it names has no values yet; @resume is then called once
 * they came, and the signal is to be handled again. */
gboolean _barge_job_handle_signal (BargeJob *job,
                                   const char *path,
                                   const char *interface,
                                   const char *member,
                                   GVariant *body,
                                   guint64 stamp,
                                   GSourceFunc resume,
                                   gpointer resume_data);

/* Reads the job again (GetAll), then the files it has no values of yet, or
 * all of them with @all_files. Fails with BARGE_ERROR_NOT_FOUND, and marks
 * the job removed, when the daemon has no such job. */
void _barge_job_refresh_async (BargeJob *job, gboolean all_files, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
gboolean _barge_job_refresh_finish (BargeJob *job, GAsyncResult *res, GError **error);

/* --- files (barge-file.c) ---------------------------------------------------- */

BargeFile *_barge_file_new (const char *path);
gboolean _barge_file_is_loaded (BargeFile *file);
void _barge_file_apply (BargeFile *file, GVariant *dict, guint64 stamp);
/* The file is complete: its job, a download, went from "transferred" to
 * "acknowledged", which the daemon announces instead of each file's
 * Progress. Notifies :completed if it changed. */
void _barge_file_set_completed (BargeFile *file);

/* --- writable job properties (barge-job-properties.c) --------------------- */

typedef struct _BargeJobWritableProperty BargeJobWritableProperty;

/* @name is a GObject property name or a D-Bus one; NULL if not writable. */
const BargeJobWritableProperty *_barge_job_find_writable_property (const char *name);
/* Returns a floating variant of the D-Bus type of @property. */
GVariant *_barge_job_value_to_variant (const BargeJobWritableProperty *property,
                                       const GValue *value,
                                       GError **error);
/* Properties.Set, then the job is read again; finish with
 * _barge_job_call_finish() and @source_tag. @variant is consumed if floating. */
void _barge_job_set_dbus_property (BargeJob *job,
                                   const BargeJobWritableProperty *property,
                                   GVariant *variant,
                                   gpointer source_tag,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);

/* --- method calls of a job (barge-job-calls.c) ------------------------------ */

typedef enum {
  BARGE_JOB_CALL_READS,        /* changes nothing */
  BARGE_JOB_CALL_CHANGES,      /* the job is read again before the call completes */
  BARGE_JOB_CALL_ACKNOWLEDGES, /* the job ends in "acknowledged" */
  BARGE_JOB_CALL_CANCELS,      /* the job ends in "cancelled" */
} BargeJobCallEffect;

/* Calls @method on the job; completes with the reply body (a GVariant
 * pointer) once the job's values show what the call changed. @parameters
 * is consumed if floating. */
void _barge_job_call (BargeJob *job,
                      const char *interface,
                      const char *method,
                      GVariant *parameters,
                      const GVariantType *reply_type,
                      BargeJobCallEffect effect,
                      gpointer source_tag,
                      GCancellable *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer user_data);
/* (transfer full): the body, or NULL with @error set. */
GVariant *_barge_job_call_finish (BargeJob *job, GAsyncResult *res, gpointer source_tag, GError **error);
/* "Name: value" strings as SetCustomHeaders' a(ss) (floating), or NULL with
 * BARGE_ERROR_INVALID_ARGUMENT for one without a colon (barge-job-http.c). */
GVariant *_barge_headers_to_variant (const char * const *headers, GError **error);
/* Whether @header is "Name: value" text _barge_headers_to_variant() takes. */
gboolean _barge_header_text_is_valid (const char *header);

G_END_DECLS
