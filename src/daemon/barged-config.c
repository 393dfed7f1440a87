/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedConfig"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "barged-config.h"

/* One row per key: where it lives, its smallest and largest value and its
 * field. */
typedef struct {
  const char *group;
  const char *key;
  guint min;
  guint max;
  gsize offset;
} ConfigKey;

static const ConfigKey keys[] = {
  { "Daemon", "IdleTimeout", 0, G_MAXUINT32, G_STRUCT_OFFSET (BargedConfig, idle_timeout) },
  { "Scheduler", "MaxBackgroundJobs", 1, G_MAXUINT32, G_STRUCT_OFFSET (BargedConfig, max_background_jobs) },
  { "Scheduler", "TimeSlice", 1, G_MAXUINT32, G_STRUCT_OFFSET (BargedConfig, time_slice) },
  { "Scheduler", "MaxRunningJobs", 1, BARGED_CONFIG_MAXIMUM_MAX_RUNNING_JOBS,
    G_STRUCT_OFFSET (BargedConfig, max_running_jobs) },
  { "Scheduler", "MaxRunningJobsPerUser", 1, G_MAXUINT32,
    G_STRUCT_OFFSET (BargedConfig, max_running_jobs_per_user) },
  { "Jobs", "InactivityTimeout", 0, G_MAXUINT32, G_STRUCT_OFFSET (BargedConfig, inactivity_timeout) },
  { "Jobs", "MaxJobs", 1, G_MAXUINT32, G_STRUCT_OFFSET (BargedConfig, max_jobs) },
  { "Jobs", "MaxJobsPerUser", 1, G_MAXUINT32, G_STRUCT_OFFSET (BargedConfig, max_jobs_per_user) },
  { "Jobs", "MaxFilesPerJob", 1, G_MAXUINT32, G_STRUCT_OFFSET (BargedConfig, max_files_per_job) },
  { "Jobs", "MaxFilesPerUser", 1, G_MAXUINT32, G_STRUCT_OFFSET (BargedConfig, max_files_per_user) },
  { "Jobs", "MaxMetadataPerUser", 65536, G_MAXUINT32, G_STRUCT_OFFSET (BargedConfig, max_metadata_per_user) },
  { "Transfer", "Timeout", 1, G_MAXUINT32, G_STRUCT_OFFSET (BargedConfig, transfer_timeout) },
  { "Transfer", "CheckpointInterval", 100, G_MAXUINT32, G_STRUCT_OFFSET (BargedConfig, checkpoint_interval) },
};

static BargedConfig current = {
  BARGED_CONFIG_DEFAULT_IDLE_TIMEOUT,
  BARGED_CONFIG_DEFAULT_MAX_BACKGROUND_JOBS,
  BARGED_CONFIG_DEFAULT_TIME_SLICE,
  BARGED_CONFIG_DEFAULT_MAX_RUNNING_JOBS,
  BARGED_CONFIG_DEFAULT_MAX_RUNNING_JOBS_PER_USER,
  BARGED_CONFIG_DEFAULT_INACTIVITY_TIMEOUT,
  BARGED_CONFIG_DEFAULT_MAX_JOBS,
  BARGED_CONFIG_DEFAULT_MAX_JOBS_PER_USER,
  BARGED_CONFIG_DEFAULT_MAX_FILES_PER_JOB,
  BARGED_CONFIG_DEFAULT_MAX_FILES_PER_USER,
  BARGED_CONFIG_DEFAULT_MAX_METADATA_PER_USER,
  BARGED_CONFIG_DEFAULT_TRANSFER_TIMEOUT,
  BARGED_CONFIG_DEFAULT_CHECKPOINT_INTERVAL,
  NULL,
};

void
barged_config_init_defaults (BargedConfig *config)
{
  /* Padding too, so a copy compares equal to the static defaults. */
  memset (config, 0, sizeof *config);
  config->idle_timeout = BARGED_CONFIG_DEFAULT_IDLE_TIMEOUT;
  config->max_background_jobs = BARGED_CONFIG_DEFAULT_MAX_BACKGROUND_JOBS;
  config->time_slice = BARGED_CONFIG_DEFAULT_TIME_SLICE;
  config->max_running_jobs = BARGED_CONFIG_DEFAULT_MAX_RUNNING_JOBS;
  config->max_running_jobs_per_user = BARGED_CONFIG_DEFAULT_MAX_RUNNING_JOBS_PER_USER;
  config->inactivity_timeout = BARGED_CONFIG_DEFAULT_INACTIVITY_TIMEOUT;
  config->max_jobs = BARGED_CONFIG_DEFAULT_MAX_JOBS;
  config->max_jobs_per_user = BARGED_CONFIG_DEFAULT_MAX_JOBS_PER_USER;
  config->max_files_per_job = BARGED_CONFIG_DEFAULT_MAX_FILES_PER_JOB;
  config->max_files_per_user = BARGED_CONFIG_DEFAULT_MAX_FILES_PER_USER;
  config->max_metadata_per_user = BARGED_CONFIG_DEFAULT_MAX_METADATA_PER_USER;
  config->transfer_timeout = BARGED_CONFIG_DEFAULT_TRANSFER_TIMEOUT;
  config->checkpoint_interval = BARGED_CONFIG_DEFAULT_CHECKPOINT_INTERVAL;
  config->test_network_state = NULL;
}

const BargedConfig *
barged_config_get (void)
{
  return &current;
}

void
barged_config_set (const BargedConfig *config)
{
  current = *config;
}

static gboolean
read_uint (GKeyFile *file, const char *group, const char *key, guint min, guint max, guint *out,
           GError **error)
{
  g_autoptr(GError) local = NULL;
  guint64 value;

  if (!g_key_file_has_key (file, group, key, NULL))
    return TRUE;
  value = g_key_file_get_uint64 (file, group, key, &local);
  if (local != NULL || value < min || value > max)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   /* TRANSLATORS: a key of barge.conf, as in "[Daemon] IdleTimeout must be …" */
                   _("[%s] %s must be a whole number from %u to %u"), group, key, min, max);
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
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (!read_uint (file, keys[i].group, keys[i].key, keys[i].min, keys[i].max,
                    G_STRUCT_MEMBER_P (config, keys[i].offset), &local))
      {
        g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", path);
        return FALSE;
      }
  return TRUE;
}
