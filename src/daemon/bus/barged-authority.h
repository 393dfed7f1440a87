/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BARGED_TYPE_AUTHORITY (barged_authority_get_type ())
G_DECLARE_FINAL_TYPE (BargedAuthority, barged_authority, BARGED, AUTHORITY, GObject)

/* Who the callers are, and what they may do beyond their own jobs. On a
 * session bus every caller is the daemon's own user (the bus admits no one
 * else) and may do everything. On the system bus the caller's uid comes from
 * the bus; root, and callers polkit authorizes for
 * org.freedesktop.Barge1.manage-all, may act on every user's jobs.
 *
 * Everything here runs on the main thread and never blocks it: the bus and
 * polkit are asked asynchronously, and answers about a peer are kept until
 * it leaves the bus (NameOwnerChanged). */

#define BARGED_ACTION_MANAGE_ALL "org.freedesktop.Barge1.manage-all"
/* Setting the limit all background jobs share (Manager.SetBackgroundBandwidthLimit). */
#define BARGED_ACTION_SET_BANDWIDTH_POLICY "org.freedesktop.Barge1.set-bandwidth-policy"

BargedAuthority *barged_authority_new (GDBusConnection *connection, gboolean system_bus);

gboolean barged_authority_is_system (BargedAuthority *self);

/* The caller's uid, from the cache or from the bus. */
void barged_authority_lookup_uid_async (BargedAuthority *self, const char *sender,
                                        GAsyncReadyCallback callback, gpointer user_data);
gboolean barged_authority_lookup_uid_finish (BargedAuthority *self, GAsyncResult *res, guint32 *uid,
                                             GError **error);

/* The uid of a peer that called before, without asking the bus; FALSE
 * for a peer not known yet. */
gboolean barged_authority_peek_uid (BargedAuthority *self, const char *sender, guint32 *uid);

/* The caller's umask, so that its downloads get the modes its own programs
 * would give them; 022 when it cannot be known. */
void barged_authority_lookup_umask_async (BargedAuthority *self, const char *sender,
                                          GAsyncReadyCallback callback, gpointer user_data);
guint32 barged_authority_lookup_umask_finish (BargedAuthority *self, GAsyncResult *res);

/* Whether the caller of @invocation may act on every user's jobs: TRUE for
 * root and on a session bus, else polkit decides (interactively when the
 * call allows it). FALSE with BARGE_ERROR_ACCESS_DENIED, or with
 * org.freedesktop.DBus.Error.InteractiveAuthorizationRequired when polkit
 * would ask the user but the call does not allow it. */
void barged_authority_check_manage_all_async (BargedAuthority *self, GDBusMethodInvocation *invocation,
                                              guint32 uid, GAsyncReadyCallback callback, gpointer user_data);
gboolean barged_authority_check_manage_all_finish (BargedAuthority *self, GAsyncResult *res, GError **error);

/* The same for any of the actions above (@action: a BARGED_ACTION_*, a
 * static string); only manage-all makes the peer an admin for
 * barged_authority_peer_is_admin(). */
void barged_authority_check_async (BargedAuthority *self, GDBusMethodInvocation *invocation, guint32 uid,
                                   const char *action, GAsyncReadyCallback callback, gpointer user_data);
gboolean barged_authority_check_finish (BargedAuthority *self, GAsyncResult *res, GError **error);

/* Whether a peer is known to act on every user's jobs (root, a session bus,
 * or polkit said yes to one of its calls); for signal delivery. */
gboolean barged_authority_peer_is_admin (BargedAuthority *self, const char *sender, guint32 uid);

/* The unique names of the peers known (they called) that may see a job of
 * @owner: the owner's, root's, and those polkit allowed every job.
 * System bus only; the names are valid until the main loop runs again. */
GPtrArray *barged_authority_list_watchers (BargedAuthority *self, guint32 owner);

G_END_DECLS
