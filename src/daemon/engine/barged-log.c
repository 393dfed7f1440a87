/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "barged-log.h"

static const char *
priority_of (GLogLevelFlags level)
{
  if (level & G_LOG_LEVEL_ERROR)
    return "3";
  if (level & G_LOG_LEVEL_CRITICAL)
    return "4";
  if (level & G_LOG_LEVEL_WARNING)
    return "4";
  if (level & G_LOG_LEVEL_MESSAGE)
    return "5";
  if (level & G_LOG_LEVEL_INFO)
    return "6";
  return "7";
}

void
barged_log_job (const char *log_domain, BargedJob *job, gint file_index, GLogLevelFlags level,
                const char *format, ...)
{
  g_autofree char *message = NULL;
  g_autofree char *text = NULL;
  g_autofree char *uid = g_strdup_printf ("%u", barged_job_get_owner_uid (job));
  g_autofree char *index = file_index >= 0 ? g_strdup_printf ("%d", file_index) : NULL;
  va_list args;
  GLogField fields[] = {
    { "GLIB_DOMAIN", log_domain, -1 },
    { "PRIORITY", priority_of (level), -1 },
    { "MESSAGE", NULL, -1 },
    { "BARGE_JOB_ID", barged_job_get_job_id (job), -1 },
    { "BARGE_UID", uid, -1 },
    { "BARGE_FILE_INDEX", index, -1 },
  };

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* The job in the text too, for logs read without their fields. */
  text = index != NULL ? g_strdup_printf ("job %s, file %s: %s", barged_job_get_job_id (job), index, message)
                       : g_strdup_printf ("job %s: %s", barged_job_get_job_id (job), message);
  fields[2].value = text;
  g_log_structured_array (level, fields, index != NULL ? G_N_ELEMENTS (fields) : G_N_ELEMENTS (fields) - 1);
}
