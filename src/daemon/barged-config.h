/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* barge.conf, a GKeyFile. Defaults live here in code; the file only
 * overrides them, and a missing file is the same as an empty one. */
typedef struct {
  guint idle_timeout;         /* [Daemon] IdleTimeout, seconds, 0 = never */
  guint max_background_jobs;  /* [Scheduler] MaxBackgroundJobs, >= 1 */
  guint transfer_timeout;     /* [Transfer] Timeout, seconds without a byte, >= 1 */
  guint checkpoint_interval;  /* [Transfer] CheckpointInterval, ms between fdatasyncs, >= 100 */
  const char *test_network_state; /* barged --test-network-state=FILE (tests only), not in barge.conf */
} BargedConfig;

#define BARGED_CONFIG_DEFAULT_IDLE_TIMEOUT 60
#define BARGED_CONFIG_DEFAULT_MAX_BACKGROUND_JOBS 1
#define BARGED_CONFIG_DEFAULT_TRANSFER_TIMEOUT 60
#define BARGED_CONFIG_DEFAULT_CHECKPOINT_INTERVAL 2000

void barged_config_init_defaults (BargedConfig *config);
/* Fails only on a file that exists but cannot be read or parsed; a key
 * with a bad value is reported in @error too, and the default kept. */
gboolean barged_config_load (BargedConfig *config, const char *path, GError **error);

G_END_DECLS
