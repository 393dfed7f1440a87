/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BARGED_TYPE_AUTHORITY (barged_authority_get_type ())
G_DECLARE_FINAL_TYPE (BargedAuthority, barged_authority, BARGED, AUTHORITY, GObject)

/* The one place that decides who may call, read and write what. On a
 * session bus every caller is the daemon's own user (the bus admits no one
 * else) and may do everything. On the system bus the caller's uid comes from
 * the bus; a job's owner, root, and callers that polkit authorizes for
 * org.freedesktop.Barge1.manage-all may touch a job; nobody else. */

#define BARGED_ACTION_MANAGE_ALL "org.freedesktop.Barge1.manage-all"

BargedAuthority *barged_authority_new (GDBusConnection *connection, gboolean system_bus);

gboolean barged_authority_is_system (BargedAuthority *self);

/* Blocking: for g-authorize-method handlers, which GDBus runs on a worker
 * thread. Caches the answer per unique bus name. */
gboolean barged_authority_lookup_uid (BargedAuthority *self,
                                      const char *sender,
                                      guint32 *uid,
                                      GError **error);
/* Non-blocking cache access, for code on the main loop or in filters. */
gboolean barged_authority_peek_uid (BargedAuthority *self, const char *sender, guint32 *uid);
void barged_authority_remember_uid (BargedAuthority *self, const char *sender, guint32 uid);

/* What barged_authority_authorize() found out, recorded on the invocation:
 * the caller's uid; whether the caller may act on every user's jobs (root,
 * session bus, or polkit said yes: only asked when the call needs it); and
 * for CreateJob the caller's umask (from /proc, 022 when unknown). */
guint32 barged_authority_get_invocation_uid (GDBusMethodInvocation *invocation);
gboolean barged_authority_get_invocation_admin (GDBusMethodInvocation *invocation);
guint32 barged_authority_get_invocation_umask (GDBusMethodInvocation *invocation);

/* The choke point, connected to g-authorize-method of every exported
 * interface (and, through barged_authority_guard_vtable(), also run for
 * property Get, GetAll and Set). @owner is the job's owner, or G_MAXUINT32
 * for the Manager. On refusal it answers the call with AccessDenied itself
 * and returns FALSE. */
gboolean barged_authority_authorize (BargedAuthority *self,
                                     GDBusMethodInvocation *invocation,
                                     guint32 owner);

/* Builds in @out a vtable for an interface skeleton class @type whose
 * property calls reach method_call (GDBus does that when get_property and
 * set_property are NULL), so that they pass g-authorize-method like any
 * method; they are then served with the functions of @real. */
void barged_authority_guard_vtable (GType type,
                                    GDBusInterfaceVTable *out,
                                    const GDBusInterfaceVTable *real);

/* Who may see which object: a table of job object path -> owner uid, used
 * by the daemon's bus filters (any thread). */
void barged_authority_set_job_owner (BargedAuthority *self, const char *job_path, guint32 owner);
void barged_authority_forget_job (BargedAuthority *self, const char *job_path);
/* @path may be a job's path or any path below it. */
gboolean barged_authority_lookup_job_owner (BargedAuthority *self, const char *path, guint32 *owner);
/* The unique names of the known peers that may see a job of @owner. */
GPtrArray *barged_authority_dup_watchers (BargedAuthority *self, guint32 owner);

G_END_DECLS
