/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BARGED_TYPE_AUTHORITY (barged_authority_get_type ())
G_DECLARE_FINAL_TYPE (BargedAuthority, barged_authority, BARGED, AUTHORITY, GObject)

/* The one place that decides who may call what. On a session bus every
 * caller is the daemon's own user (the bus admits no one else); on the
 * system bus the caller's uid comes from the bus and must own the job, or
 * be root. (Polkit for administrators comes with the system-service work.) */

BargedAuthority *barged_authority_new (GDBusConnection *connection, gboolean system_bus);

gboolean barged_authority_is_system (BargedAuthority *self);

/* Blocking: for g-authorize-method handlers, which GDBus runs on a worker
 * thread. Caches the answer per unique bus name. */
gboolean barged_authority_lookup_uid (BargedAuthority *self,
                                      const char *sender,
                                      guint32 *uid,
                                      GError **error);

/* The caller's uid, recorded on the invocation by barged_authority_authorize(). */
guint32 barged_authority_get_invocation_uid (GDBusMethodInvocation *invocation);

/* The choke point, connected to g-authorize-method of every exported
 * interface: records the caller's uid on the invocation and, when @owner is
 * not G_MAXUINT32, lets only that owner or root through. On refusal it
 * answers the call with AccessDenied itself and returns FALSE. */
gboolean barged_authority_authorize (BargedAuthority *self,
                                     GDBusMethodInvocation *invocation,
                                     guint32 owner);

/* The same check for a caller known only by bus name (property writes). */
gboolean barged_authority_check_sender (BargedAuthority *self,
                                        const char *sender,
                                        guint32 owner,
                                        GError **error);

G_END_DECLS
