/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "barged-job.h"

G_BEGIN_DECLS

/* Logs about a job go out structured, with the fields BARGE_JOB_ID,
 * BARGE_UID and (for a file) BARGE_FILE_INDEX beside MESSAGE, so that
 * `journalctl BARGE_JOB_ID=...` tells one job's story. One line per state
 * change and per error at info level; nothing per buffer. */

void barged_log_job (const char *log_domain, BargedJob *job, gint file_index, GLogLevelFlags level,
                     const char *format, ...) G_GNUC_PRINTF (5, 6);

#define barged_job_log(job, level, ...) \
  barged_log_job (G_LOG_DOMAIN, (job), -1, (level), __VA_ARGS__)
#define barged_job_log_file(job, file_index, level, ...) \
  barged_log_job (G_LOG_DOMAIN, (job), (file_index), (level), __VA_ARGS__)

G_END_DECLS
