/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "barged-authority.h"
#include "barged-bus.h"
#include "barged-bus-job.h"
#include "barged-engine.h"

G_BEGIN_DECLS

/* Shared by the files of the bus face: barged-bus.c (registration, who
 * calls, signal delivery), barged-bus-manager.c (the Manager interface) and
 * barged-bus-job.c (a job and its files). */

#define BARGED_BUS_PATH "/org/freedesktop/Barge1"
#define BARGED_BUS_JOBS_PATH BARGED_BUS_PATH "/jobs"
#define BARGED_BUS_MANAGER_IFACE "org.freedesktop.Barge1.Manager"
#define BARGED_BUS_JOB_IFACE "org.freedesktop.Barge1.Job"
#define BARGED_BUS_FILE_IFACE "org.freedesktop.Barge1.File"
#define BARGED_BUS_PROPERTIES_IFACE "org.freedesktop.DBus.Properties"

/* A call on its way: who made it, once the bus said. */
typedef struct {
  BargedBus *bus;
  GDBusMethodInvocation *invocation; /* answered exactly once */
  guint32 uid;
  gboolean admin;             /* may act on every user's jobs (known so far) */
  BargedBusJob *job;          /* the job the call is on, or NULL */
  gint file_index;            /* the file the call is on, or -1 */
  gboolean reads;             /* changes nothing: Get, GetAll, Get* methods */
} BargedBusCall;

void barged_bus_call_free (BargedBusCall *call);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargedBusCall, barged_bus_call_free)

/* Answers the call and frees it. */
void barged_bus_call_return_value (BargedBusCall *call, GVariant *value);
void barged_bus_call_return_error (BargedBusCall *call, const GError *error);

BargedEngine *_barged_bus_get_engine (BargedBus *self);
BargedAuthority *_barged_bus_get_authority (BargedBus *self);
BargedBusJob *_barged_bus_lookup_job (BargedBus *self, const char *id);
/* Sends a signal to whoever may see a job of @owner (every peer on a
 * session bus; on the system bus the owner's peers, root's, and those
 * allowed every job); @owner G_MAXUINT32: not about a job. */
void _barged_bus_emit (BargedBus *self, guint32 owner, const char *path, const char *iface,
                       const char *name, GVariant *params);

/* Exports the File objects of @job (a subtree at its path + "/files");
 * returns the registration, for g_dbus_connection_unregister_subtree. */
guint _barged_bus_register_files (BargedBus *self, BargedBusJob *job, GError **error);
GDBusConnection *_barged_bus_get_connection (BargedBus *self);
/* barged-bus-manager.c's leases of SetSessionProxy: uid -> who published
 * it, watched until that peer leaves the bus. */
GHashTable *_barged_bus_get_session_proxies (BargedBus *self);
/* canonical id -> BargedBusJob: every exported job. */
GHashTable *_barged_bus_get_jobs (BargedBus *self);
void _barged_bus_session_proxy_free (gpointer lease);

/* barged-bus-job.c: the value of File property @name of file @index, or
 * NULL when it has none such. */
GVariant *_barged_bus_job_file_property (BargedBusJob *self, guint index, const char *name);
extern const char *const _barged_bus_file_property_names[];

/* barged-bus-manager.c: a call on the Manager object. */
void _barged_bus_manager_call (BargedBusCall *call, const char *method, GVariant *params);

/* barged-bus-job.c: a call on the job or (call->file_index >= 0) one of its
 * files, from its owner or an admin; @iface is the interface of the method
 * (org.freedesktop.DBus.Properties for property access). */
void _barged_bus_job_call (BargedBusCall *call, const char *iface, const char *method, GVariant *params);

G_END_DECLS
