/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedState"

#include "config.h"

#include "barged-state.h"

gboolean
barged_state_apply (BargeJobState state, BargedCall call, guint n_files, guint n_pending,
                    BargeJobState *next, GError **error)
{
  *next = state;
  if (barge_job_state_is_final (state))
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_STATE, "the job is %s",
                   barge_job_state_to_string (state));
      return FALSE;
    }

  switch (call)
    {
    case BARGED_CALL_RESUME:
      if (n_files == 0)
        {
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_EMPTY, "the job has no files");
          return FALSE;
        }
      if (state == BARGE_JOB_STATE_SUSPENDED || state == BARGE_JOB_STATE_ERROR ||
          state == BARGE_JOB_STATE_TRANSIENT_ERROR ||
          (state == BARGE_JOB_STATE_TRANSFERRED && n_pending > 0))
        *next = BARGE_JOB_STATE_QUEUED;
      return TRUE;
    case BARGED_CALL_SUSPEND:
      *next = BARGE_JOB_STATE_SUSPENDED;
      return TRUE;
    case BARGED_CALL_CANCEL:
      *next = BARGE_JOB_STATE_CANCELLED;
      return TRUE;
    case BARGED_CALL_COMPLETE:
      *next = BARGE_JOB_STATE_ACKNOWLEDGED;
      return TRUE;
    case BARGED_CALL_ADD_FILES:
    case BARGED_CALL_SET_PROPERTY:
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}
