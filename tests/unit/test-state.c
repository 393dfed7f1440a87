/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "barged-state.h"

/* The expected outcome of every client call in every state: the table is
 * written out in full so that a change to the state machine must change it. */
typedef struct {
  BargeJobState state;
  BargedCall call;
  guint n_files;
  guint n_pending;
  BargeJobState next;       /* meaningful when error == -1 */
  gint error;               /* a BargeError, or -1 */
} Row;

#define OK(s, c, f, p, n) { BARGE_JOB_STATE_##s, BARGED_CALL_##c, f, p, BARGE_JOB_STATE_##n, -1 }
#define ERR(s, c, f, p, e) { BARGE_JOB_STATE_##s, BARGED_CALL_##c, f, p, BARGE_JOB_STATE_##s, BARGE_ERROR_##e }

static const Row rows[] = {
  /* Resume */
  ERR (SUSPENDED, RESUME, 0, 0, EMPTY),
  OK (SUSPENDED, RESUME, 2, 2, QUEUED),
  OK (QUEUED, RESUME, 2, 2, QUEUED),
  OK (CONNECTING, RESUME, 2, 2, CONNECTING),
  OK (TRANSFERRING, RESUME, 2, 1, TRANSFERRING),
  OK (ERROR, RESUME, 2, 1, QUEUED),
  OK (TRANSIENT_ERROR, RESUME, 2, 1, QUEUED),
  OK (TRANSFERRED, RESUME, 2, 0, TRANSFERRED),
  OK (TRANSFERRED, RESUME, 3, 1, QUEUED),
  ERR (ACKNOWLEDGED, RESUME, 2, 0, INVALID_STATE),
  ERR (CANCELLED, RESUME, 2, 0, INVALID_STATE),
  /* Suspend */
  OK (SUSPENDED, SUSPEND, 0, 0, SUSPENDED),
  OK (QUEUED, SUSPEND, 1, 1, SUSPENDED),
  OK (CONNECTING, SUSPEND, 1, 1, SUSPENDED),
  OK (TRANSFERRING, SUSPEND, 1, 1, SUSPENDED),
  OK (ERROR, SUSPEND, 1, 1, SUSPENDED),
  OK (TRANSIENT_ERROR, SUSPEND, 1, 1, SUSPENDED),
  OK (TRANSFERRED, SUSPEND, 1, 0, SUSPENDED),
  ERR (ACKNOWLEDGED, SUSPEND, 1, 0, INVALID_STATE),
  ERR (CANCELLED, SUSPEND, 1, 0, INVALID_STATE),
  /* Cancel */
  OK (SUSPENDED, CANCEL, 0, 0, CANCELLED),
  OK (QUEUED, CANCEL, 1, 1, CANCELLED),
  OK (CONNECTING, CANCEL, 1, 1, CANCELLED),
  OK (TRANSFERRING, CANCEL, 1, 1, CANCELLED),
  OK (ERROR, CANCEL, 1, 1, CANCELLED),
  OK (TRANSIENT_ERROR, CANCEL, 1, 1, CANCELLED),
  OK (TRANSFERRED, CANCEL, 1, 0, CANCELLED),
  ERR (ACKNOWLEDGED, CANCEL, 1, 0, INVALID_STATE),
  ERR (CANCELLED, CANCEL, 1, 0, INVALID_STATE),
  /* Complete (downloads: allowed in every non-final state) */
  OK (SUSPENDED, COMPLETE, 0, 0, ACKNOWLEDGED),
  OK (QUEUED, COMPLETE, 1, 1, ACKNOWLEDGED),
  OK (CONNECTING, COMPLETE, 1, 1, ACKNOWLEDGED),
  OK (TRANSFERRING, COMPLETE, 1, 1, ACKNOWLEDGED),
  OK (ERROR, COMPLETE, 1, 1, ACKNOWLEDGED),
  OK (TRANSIENT_ERROR, COMPLETE, 1, 1, ACKNOWLEDGED),
  OK (TRANSFERRED, COMPLETE, 1, 0, ACKNOWLEDGED),
  ERR (ACKNOWLEDGED, COMPLETE, 1, 0, INVALID_STATE),
  ERR (CANCELLED, COMPLETE, 1, 0, INVALID_STATE),
  /* AddFile(s) and property writes leave the state alone */
  OK (SUSPENDED, ADD_FILES, 0, 0, SUSPENDED),
  OK (QUEUED, ADD_FILES, 1, 1, QUEUED),
  OK (CONNECTING, ADD_FILES, 1, 1, CONNECTING),
  OK (TRANSFERRING, ADD_FILES, 1, 1, TRANSFERRING),
  OK (ERROR, ADD_FILES, 1, 1, ERROR),
  OK (TRANSIENT_ERROR, ADD_FILES, 1, 1, TRANSIENT_ERROR),
  OK (TRANSFERRED, ADD_FILES, 1, 0, TRANSFERRED),
  ERR (ACKNOWLEDGED, ADD_FILES, 1, 0, INVALID_STATE),
  ERR (CANCELLED, ADD_FILES, 1, 0, INVALID_STATE),
  OK (SUSPENDED, SET_PROPERTY, 0, 0, SUSPENDED),
  OK (QUEUED, SET_PROPERTY, 1, 1, QUEUED),
  OK (CONNECTING, SET_PROPERTY, 1, 1, CONNECTING),
  OK (TRANSFERRING, SET_PROPERTY, 1, 1, TRANSFERRING),
  OK (ERROR, SET_PROPERTY, 1, 1, ERROR),
  OK (TRANSIENT_ERROR, SET_PROPERTY, 1, 1, TRANSIENT_ERROR),
  OK (TRANSFERRED, SET_PROPERTY, 1, 0, TRANSFERRED),
  ERR (ACKNOWLEDGED, SET_PROPERTY, 1, 0, INVALID_STATE),
  ERR (CANCELLED, SET_PROPERTY, 1, 0, INVALID_STATE),
};

static void
test_state_table (void)
{
  gboolean covered[BARGE_JOB_STATE_CANCELLED + 1][BARGED_N_CALLS] = { { FALSE } };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      const Row *r = &rows[i];
      g_autoptr(GError) error = NULL;
      BargeJobState next = (BargeJobState) -1;
      gboolean ok = barged_state_apply (r->state, r->call, r->n_files, r->n_pending, &next, &error);

      g_test_message ("row %u: %s call %d", i, barge_job_state_to_string (r->state), r->call);
      if (r->error < 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpstr (barge_job_state_to_string (next), ==, barge_job_state_to_string (r->next));
        }
      else
        {
          g_assert_error (error, BARGE_ERROR, r->error);
          g_assert_false (ok);
          /* A refused call changes nothing. */
          g_assert_cmpint (next, ==, r->state);
        }
      covered[r->state][r->call] = TRUE;
    }

  for (guint s = 0; s <= BARGE_JOB_STATE_CANCELLED; s++)
    for (guint c = 0; c < BARGED_N_CALLS; c++)
      if (!covered[s][c])
        g_error ("no row for state %s, call %u", barge_job_state_to_string (s), c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/state/table", test_state_table);
  return g_test_run ();
}
