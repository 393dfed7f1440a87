/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "barged-config.h"

G_BEGIN_DECLS

#define BARGED_TYPE_DAEMON (barged_daemon_get_type ())
G_DECLARE_FINAL_TYPE (BargedDaemon, barged_daemon, BARGED, DAEMON, GObject)

/* Wires the layers together on one bus connection: the edges (store,
 * credentials, the HTTP session), the engine, and the bus face. Emits
 * "idle" when no job is active and nobody called for [Daemon] IdleTimeout
 * (0: never). A reload of barge.conf (barged_config_set_settings on
 * @config) takes effect at once. */

typedef struct {
  GDBusConnection *connection;
  gboolean system_bus;
  const char *state_dir;
  BargedConfig *config;
  /* Tests only: the network state from a watched key file instead of
   * GNetworkMonitor (barged-network.h); NULL in production. */
  const char *test_network_state;
  const char *test_tls_ca;    /* tests: trust only the CAs in this file */
} BargedDaemonOptions;

BargedDaemon *barged_daemon_new (const BargedDaemonOptions *options, GError **error);
/* Sends what is pending and waits for queued database writes; call before
 * exiting. */
void barged_daemon_shutdown (BargedDaemon *self);

G_END_DECLS
