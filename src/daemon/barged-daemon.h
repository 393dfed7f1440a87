/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "barged-config.h"

G_BEGIN_DECLS

#define BARGED_TYPE_DAEMON (barged_daemon_get_type ())
G_DECLARE_FINAL_TYPE (BargedDaemon, barged_daemon, BARGED, DAEMON, GObject)

/* Wires the layers together on one bus connection: the store, the HTTP
 * session, the authority, the scheduler, the Manager and the object manager.
 * Emits "idle" when no job is active and nobody called for the configured
 * idle timeout (0: never). */

BargedDaemon *barged_daemon_new (GDBusConnection *connection,
                                 gboolean system_bus,
                                 const char *state_dir,
                                 const BargedConfig *config,
                                 GError **error);
/* Takes barged_config_get() into use (after a SIGHUP reload). */
void barged_daemon_apply_config (BargedDaemon *self);
/* Waits for queued database writes; call before exiting. */
void barged_daemon_shutdown (BargedDaemon *self);

G_END_DECLS
