/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

#include "barged-bandwidth-schedule.h"

G_BEGIN_DECLS

/* barge.conf, a GKeyFile. Defaults live here in code; the file only
 * overrides them, and a missing file is the same as an empty one. Every
 * key is documented in docs/configuration.md and data/barge.conf. */
#define BARGED_CONFIG_MAX_PROXY 512
#define BARGED_CONFIG_MAX_NO_PROXY 2048

typedef struct {
  guint idle_timeout;         /* [Daemon] IdleTimeout, seconds, 0 = never */
  guint max_background_jobs;  /* [Scheduler] MaxBackgroundJobs, >= 1 */
  guint time_slice;           /* [Scheduler] TimeSlice, seconds, >= 1 */
  guint max_running_jobs;     /* [Scheduler] MaxRunningJobs, 1 to 32 */
  guint max_running_jobs_per_user; /* [Scheduler] MaxRunningJobsPerUser, >= 1 */
  guint inactivity_timeout;   /* [Jobs] InactivityTimeout, seconds, 0 = never */
  guint max_jobs;             /* [Jobs] MaxJobs, per machine, >= 1 */
  guint max_jobs_per_user;    /* [Jobs] MaxJobsPerUser, >= 1 */
  guint max_files_per_job;    /* [Jobs] MaxFilesPerJob, >= 1 */
  guint max_ranges_per_file;  /* [Jobs] MaxRangesPerFile, >= 1 */
  guint max_files_per_user;   /* [Jobs] MaxFilesPerUser, >= 1 */
  guint max_metadata_per_user; /* [Jobs] MaxMetadataPerUser, bytes, >= 65536 (barged-quota.h) */
  guint max_notify_programs_per_user; /* [Jobs] MaxNotifyProgramsPerUser, >= 1 */
  guint notify_timeout;       /* [Jobs] NotifyTimeout, seconds, 0 = never */
  guint transfer_timeout;     /* [Transfer] Timeout, seconds without a byte, >= 1 */
  guint checkpoint_interval;  /* [Transfer] CheckpointInterval, ms between fdatasyncs, >= 100 */
  guint max_connections;      /* [Transfer] MaxConnections, 1 to BARGED_CONFIG_MAXIMUM_MAX_CONNECTIONS */
  guint max_connections_per_host; /* [Transfer] MaxConnectionsPerHost, 1 to the above maximum */
  guint background_bandwidth_limit; /* [Transfer] BackgroundBandwidthLimit, bytes/s, 0 = none (1 to 1023: 1024) */
  /* [Transfer] BackgroundBandwidthSchedule: rules that replace the limit
   * above in their windows; by default none. */
  BargedBandwidthSchedule background_bandwidth_schedule;
  /* [Transfer] Proxy: "" the system's proxy settings (GIO's resolver),
   * "none" no proxy, else a proxy URL for every request; NoProxy: hosts
   * that bypass it (GSimpleProxyResolver's ignore-hosts, ";"-separated). */
  char proxy[BARGED_CONFIG_MAX_PROXY];
  char no_proxy[BARGED_CONFIG_MAX_NO_PROXY];
} BargedSettings;

#define BARGED_CONFIG_DEFAULT_IDLE_TIMEOUT 60
#define BARGED_CONFIG_DEFAULT_MAX_BACKGROUND_JOBS 1
#define BARGED_CONFIG_DEFAULT_TIME_SLICE 300
/* Jobs connecting or transferring at once, all priorities. Their
 * downloads share [Transfer] MaxConnections; besides those, each running
 * job may have one HEAD size probe and an upload's request in flight, so
 * at the maximum, 32, running jobs alone could need all 64 connections of
 * the HTTP session (BARGED_SESSION_MAX_CONNS in barged-scheduler-plan.h). */
#define BARGED_CONFIG_DEFAULT_MAX_RUNNING_JOBS 24
#define BARGED_CONFIG_MAXIMUM_MAX_RUNNING_JOBS 32
/* Half the machine: a second user always finds slots free without taking
 * any; from the third on, the fair share (barged-scheduler-plan.h) decides. */
#define BARGED_CONFIG_DEFAULT_MAX_RUNNING_JOBS_PER_USER 12
#define BARGED_CONFIG_DEFAULT_INACTIVITY_TIMEOUT 7776000
#define BARGED_CONFIG_DEFAULT_MAX_JOBS 20000
#define BARGED_CONFIG_DEFAULT_MAX_JOBS_PER_USER 10000
#define BARGED_CONFIG_DEFAULT_MAX_FILES_PER_JOB 1000
/* BITS' limit (BG_E_TOO_MANY_RANGES_IN_FILE). */
#define BARGED_CONFIG_DEFAULT_MAX_RANGES_PER_FILE 500
#define BARGED_CONFIG_DEFAULT_MAX_FILES_PER_USER 20000
/* 64 MiB */
#define BARGED_CONFIG_DEFAULT_MAX_METADATA_PER_USER 67108864
/* Notify programs of one user running at once (barged-notifier.h), and
 * how long one may run: ten minutes, far more than telling an application
 * takes, far less than a program that hangs for ever. */
#define BARGED_CONFIG_DEFAULT_MAX_NOTIFY_PROGRAMS_PER_USER 4
#define BARGED_CONFIG_DEFAULT_NOTIFY_TIMEOUT 600
#define BARGED_CONFIG_DEFAULT_TRANSFER_TIMEOUT 60
#define BARGED_CONFIG_DEFAULT_CHECKPOINT_INTERVAL 2000
/* None. */
#define BARGED_CONFIG_DEFAULT_BACKGROUND_BANDWIDTH_LIMIT 0
/* Requests of downloads in flight at once, on the whole machine and per
 * origin (scheme, host, port). 6 per host is what browsers open, and on
 * contrib/bench/many-files more did not help (docs/performance.md). The
 * maximum leaves room in the HTTP session's 64 connections
 * (BARGED_SESSION_MAX_CONNS) for the HEAD size probes, the uploads and
 * connections that are still closing. */
#define BARGED_CONFIG_DEFAULT_MAX_CONNECTIONS 32
#define BARGED_CONFIG_DEFAULT_MAX_CONNECTIONS_PER_HOST 6
#define BARGED_CONFIG_MAXIMUM_MAX_CONNECTIONS 32

/* One row per key: its group and name, its smallest and largest value and
 * its field in BargedSettings. */
typedef struct {
  const char *group;
  const char *key;
  guint min;
  guint max;
  gsize offset;
} BargedSettingsKey;

/* Every key barged reads, @n_keys of them (for the fuzz target's checks). */
const BargedSettingsKey *barged_settings_get_keys (guint *n_keys);

/* A key whose value is text that a parser of its own checks and turns into
 * its field; empty by default, which every parser takes as "none". */
typedef gboolean (*BargedSettingsParser) (gpointer field, const char *text, GError **error);

typedef struct {
  const char *group;
  const char *key;
  BargedSettingsParser parse;
  gsize offset;
} BargedSettingsTextKey;

/* Every text key barged reads, @n_keys of them. */
const BargedSettingsTextKey *barged_settings_get_text_keys (guint *n_keys);

void barged_settings_init_defaults (BargedSettings *settings);
/* Fails on a file that exists but cannot be read or parsed, or on a key
 * with a bad value; @settings may then be partly changed, so load into a
 * copy when the old values must survive (a reload). */
gboolean barged_settings_load (BargedSettings *settings, const char *path, GError **error);

#define BARGED_TYPE_CONFIG (barged_config_get_type ())
G_DECLARE_FINAL_TYPE (BargedConfig, barged_config, BARGED, CONFIG, GObject)

/* The settings in force, one object for the whole daemon (main thread
 * only); "changed" after barged_config_set_settings() (a SIGHUP reload)
 * changed any of them. */
BargedConfig *barged_config_new (const BargedSettings *settings);
const BargedSettings *barged_config_get_settings (BargedConfig *self);
void barged_config_set_settings (BargedConfig *self, const BargedSettings *settings);

/* A proxy URL barged connects through: SCHEME://HOST:PORT with SCHEME
 * http, https, socks, socks4, socks4a or socks5, no user name, path or
 * query ([Transfer] Proxy, a job's SetProxySettings). @parsed: the URI
 * when it parses, or NULL. */
gboolean barged_config_proxy_is_valid (const char *text, GUri **parsed);
/* One entry of a bypass list ([Transfer] NoProxy, a job's): a host, a
 * domain, an address or a range, with an optional port. */
gboolean barged_config_no_proxy_entry_is_valid (const char *entry);

G_END_DECLS
