/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "barge.h"

G_BEGIN_DECLS

/* The BITS job state machine for client calls, as one pure function, so
 * every (state, call) pair can be checked in a table test. Transitions the
 * engine makes on its own (queued -> connecting -> transferring ->
 * transferred, errors) live in BargedJob. */
typedef enum {
  BARGED_CALL_RESUME,
  BARGED_CALL_SUSPEND,
  BARGED_CALL_CANCEL,
  BARGED_CALL_COMPLETE,
  BARGED_CALL_ADD_FILES,
  BARGED_CALL_SET_PROPERTY,
} BargedCall;

#define BARGED_N_CALLS (BARGED_CALL_SET_PROPERTY + 1)

/* @n_files: how many files the job has; @n_pending: how many of them are not
 * transferred yet. On success *next is the state after the call. */
gboolean barged_state_apply (BargeJobState state,
                             BargedCall call,
                             guint n_files,
                             guint n_pending,
                             BargeJobState *next,
                             GError **error);

G_END_DECLS
