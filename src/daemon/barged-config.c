/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedConfig"

#include "config.h"

#include "barged-config.h"

void
barged_config_init_defaults (BargedConfig *config)
{
  config->idle_timeout = BARGED_CONFIG_DEFAULT_IDLE_TIMEOUT;
  config->max_background_jobs = BARGED_CONFIG_DEFAULT_MAX_BACKGROUND_JOBS;
  config->transfer_timeout = BARGED_CONFIG_DEFAULT_TRANSFER_TIMEOUT;
  config->checkpoint_interval = BARGED_CONFIG_DEFAULT_CHECKPOINT_INTERVAL;
  config->test_network_state = NULL;
}

static gboolean
read_uint (GKeyFile *file, const char *group, const char *key, guint min, guint *out, GError **error)
{
  g_autoptr(GError) local = NULL;
  guint64 value;

  if (!g_key_file_has_key (file, group, key, NULL))
    return TRUE;
  value = g_key_file_get_uint64 (file, group, key, &local);
  if (local != NULL || value < min || value > G_MAXUINT32)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "[%s] %s must be a whole number from %u to %u", group, key, min, G_MAXUINT32);
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

gboolean
barged_config_load (BargedConfig *config, const char *path, GError **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local = NULL;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", path);
      return FALSE;
    }
  if (!read_uint (file, "Daemon", "IdleTimeout", 0, &config->idle_timeout, &local) ||
      !read_uint (file, "Scheduler", "MaxBackgroundJobs", 1, &config->max_background_jobs, &local) ||
      !read_uint (file, "Transfer", "Timeout", 1, &config->transfer_timeout, &local) ||
      !read_uint (file, "Transfer", "CheckpointInterval", 100, &config->checkpoint_interval, &local))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", path);
      return FALSE;
    }
  return TRUE;
}
