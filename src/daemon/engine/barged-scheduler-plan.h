/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "barge.h"

G_BEGIN_DECLS

/* The shared SoupSession's connection limit (barged-daemon.c sets it). The
 * engine keeps downloads within [Transfer] MaxConnections and
 * MaxConnectionsPerHost (BargedConnections), so that no request waits for
 * a connection inside libsoup, where nobody sees it; libsoup's own cap per
 * host is the whole session, leaving room for the HEAD size probes and the
 * uploads beside them. */
#define BARGED_SESSION_MAX_CONNS 64

/* One decision round of the scheduler, as a pure function of the jobs' facts,
 * so that it can be tested without a bus, a daemon or a server.
 *
 * Caps on the jobs that hold a slot (connecting or transferring), every
 * priority counted: max_running on the machine, max_running_per_user per
 * owner, max_running_per_host per origin, and, for priorities high, normal
 * and low, max_background (BITS).
 *
 * Each round works out from scratch which of the running and startable
 * jobs hold the slots, by water-filling: the user with the fewest jobs
 * chosen so far chooses next, its best job that still fits every cap.
 * Within one user the order is BITS's: priority, then running jobs before
 * queued ones (the longest running first: a job is never pre-empted by one
 * of equal priority, time slices take turns instead), then rank (turn and
 * age, barged-scheduler.c). Between users with as many jobs chosen, the
 * better of their next jobs in that order goes first, so at equal shares a
 * higher priority wins (BITS) and a running job keeps its slot.
 *
 * A running job left out goes back to the queue: this is how a user with
 * fewer running jobs than another user's share pre-empts the lowest-ranked
 * job of the user with the most, on the machine and on a full host (whose
 * slots go to the users with the fewest running jobs first), and how a
 * lower cap (a reload) takes effect. Once a round's choice is in force, the
 * next round with the same jobs chooses the same, so slots do not flap; a
 * user kept waiting only by max_running has at most one job fewer than any
 * other user. */

typedef enum {
  BARGED_PLAN_IDLE,          /* neither running nor waiting to start */
  BARGED_PLAN_KEEP,          /* running, keeps its slot */
  BARGED_PLAN_START,
  BARGED_PLAN_REQUEUE,       /* running, gives its slot back */
  BARGED_PLAN_WAIT,          /* queued: a cap holds it */
  BARGED_PLAN_WAIT_TURN,     /* queued: would take the place of a running
                              * background job of its priority when that
                              * one's time slice ends */
} BargedPlanAction;

typedef struct {
  /* In. */
  guint32 uid;
  const char *host;          /* origin of the job's current file, or NULL */
  BargeJobPriority priority;
  gboolean running;
  gint64 started;            /* running: when it got its slot (any clock;
                              * jobs started together in rank order) */
  gboolean startable;        /* queued and admitted by the network */
  /* Out. */
  BargedPlanAction action;
} BargedPlanJob;

typedef struct {
  guint max_running;
  guint max_running_per_user;
  guint max_running_per_host;
  guint max_background;
} BargedPlanLimits;

void barged_scheduler_plan (BargedPlanJob *jobs, guint n_jobs, const BargedPlanLimits *limits);

/* Size hints (a job's SizeHint): a queued job expected to move fewer bytes
 * goes before one expected to move more, so that a small update is not
 * stuck behind a large download (URLSession schedules by
 * countOfBytesClientExpectsToReceive the same way). Hints only order
 * hinted jobs among themselves: within a priority, the queued jobs with a
 * hint take the places that such jobs hold in the turn order, fewest bytes
 * remaining first (then in turn); every other job keeps its place, so jobs
 * without hints are scheduled exactly as before, and a client gains
 * nothing over others by hinting. A hinted job that has waited
 * BARGED_PLAN_HINT_MAX_WAIT keeps its place in turn too: a stream of small
 * jobs never starves a large one for longer. */
#define BARGED_PLAN_HINT_MAX_WAIT (10 * 60 * G_USEC_PER_SEC)

typedef struct {
  BargeJobPriority priority;
  gboolean queued;
  guint64 remaining;         /* bytes; BARGE_SIZE_UNKNOWN: no hint */
  gint64 waited;             /* µs queued so far */
} BargedPlanHint;

/* @order: @n indices into @hints, in turn order (by priority, then turn);
 * reordered in place as above. */
void barged_scheduler_plan_order_by_hints (const BargedPlanHint *hints, guint *order, guint n);

/* The host of @url as libsoup counts connections: "scheme://host:port",
 * the host in lower case and the scheme's port filled in; NULL when @url
 * has no host. */
char *barged_scheduler_origin (const char *url);

G_END_DECLS
