/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "barged-job.h"
#include "barged-network.h"

G_BEGIN_DECLS

#define BARGED_TYPE_ENGINE (barged_engine_get_type ())
G_DECLARE_FINAL_TYPE (BargedEngine, barged_engine, BARGED, ENGINE, GObject)

/* The jobs of the daemon: where they are created, restored from the store,
 * found by id and listed; what they may hold ([Jobs] limits, quotas);
 * which of them run (the scheduler and the network's verdicts); and when a
 * forgotten one is cancelled (InactivityTimeout). No D-Bus here: the bus
 * face (bus/) shows the engine's jobs to clients.
 *
 * Signals: "job-added" (BargedJob *) once a new job is stored;
 * "job-removed" (BargedJob *, const char *final_state) once a job left;
 * "activity-changed" when the engine goes from busy to idle or back
 * (barged_engine_is_active); "background-limit-changed" when the limit
 * background jobs share, or where it comes from, changed (barge.conf
 * reloaded, a boundary of its schedule, the administrator's limit; see
 * barged-bandwidth-policy.h); "transfers-changed" when
 * barged_engine_is_transferring or barged_engine_keeps_awake changed.
 * Main thread only. */

/* @network: NULL for one that follows GNetworkMonitor. */
BargedEngine *barged_engine_new (const BargedJobContext *ctx, BargedNetwork *network);
/* Restores the stored jobs. */
gboolean barged_engine_load (BargedEngine *self, GError **error);
/* Runs the notify programs BITS runs again for restored jobs; call once
 * the jobs are where clients can see them. */
void barged_engine_announce_restored (BargedEngine *self);
/* At a clean stop, before the store is flushed: every job's save that
 * waits behind another (barged_job_save() coalesces them) goes to the
 * store now, for the main loop will not run again to send it. */
void barged_engine_save_pending (BargedEngine *self);

/* CreateJob: checks the limits and the owner's quota, makes the job
 * (barged_job_new checks @spec), stores it, and finishes once it would
 * survive a crash; "job-added" has then been emitted. */
void barged_engine_create_job_async (BargedEngine *self, guint32 owner, guint32 umask, const BargedJobSpec *spec,
                                     GAsyncReadyCallback callback, gpointer user_data);
BargedJob *barged_engine_create_job_finish (BargedEngine *self, GAsyncResult *res, GError **error);

/* @id in canonical form (barged_job_normalize_id); NULL when there is none. */
BargedJob *barged_engine_lookup (BargedEngine *self, const char *id);
/* The jobs of @uid, or of everyone when @all_users, oldest first. */
GPtrArray *barged_engine_list (BargedEngine *self, gboolean all_users, guint32 uid);
guint barged_engine_get_n_jobs (BargedEngine *self);

/* The bytes per second all background jobs share, 0 = no limit, and where
 * that comes from: "none", "config", "schedule" or "administrator". */
guint64 barged_engine_get_background_bandwidth_limit (BargedEngine *self);
const char *barged_engine_get_background_bandwidth_source (BargedEngine *self);
/* The administrator's limit, which wins over barge.conf until removed
 * with 0 (kept in the store); BARGE_ERROR_INVALID_ARGUMENT for a rate that
 * is neither 0 nor from BARGED_BANDWIDTH_MIN to BARGED_BANDWIDTH_MAX. The
 * caller checked the caller's authorization. */
void barged_engine_set_background_bandwidth_limit_async (BargedEngine *self, guint64 rate,
                                                         GAsyncReadyCallback callback, gpointer user_data);
gboolean barged_engine_set_background_bandwidth_limit_finish (BargedEngine *self, GAsyncResult *res,
                                                              GError **error);

/* What @uid's desktop session says of proxies (Manager.SetSessionProxy),
 * for that user's jobs of proxy usage "system" (BITS uses the job owner's
 * settings too): "override" with @http, @https and @other (each NULL or
 * BARGED_PROXY_URL_FORMS, one at least) and @bypass; "none": direct;
 * "system": the session says nothing, the daemon's settings hold.
 * Requests started after the call use it. Kept in memory only: the
 * session says it again when the daemon starts. */
gboolean barged_engine_set_session_proxy (BargedEngine *self, guint32 uid, BargeProxyUsage usage, const char *http,
                                          const char *https, const char *other, const char * const *bypass,
                                          GError **error);
/* @uid's session answers which proxy each URL takes (its agent, asked by
 * @resolver): like an "override" of barged_engine_set_session_proxy(),
 * which replaces it, and which it replaces. NotSupported without the
 * daemon's sessions. */
gboolean barged_engine_set_session_resolver (BargedEngine *self, guint32 uid, GProxyResolver *resolver,
                                             GError **error);

/* Whether any job is queued, moving bytes or waiting to retry. */
gboolean barged_engine_is_active (BargedEngine *self);

/* --- sleep and wake (the machine's: logind, through the daemon) --- */

/* Whether any job is connecting or transferring: what a sleep would
 * interrupt, and waits for (a delay inhibitor). */
gboolean barged_engine_is_transferring (BargedEngine *self);
/* Whether a foreground job with KeepAwake is connecting or transferring:
 * sleep is blocked (a block inhibitor). */
gboolean barged_engine_keeps_awake (BargedEngine *self);
/* The machine is about to sleep: running jobs go back to queued (held,
 * HoldReason no-network, until barged_engine_wake) and their transfers
 * stop; finishes once each has wound down with its durable offsets
 * recorded, as a normal stop records them (barged_job_checkpoint_async). */
void barged_engine_prepare_for_sleep_async (BargedEngine *self, GAsyncReadyCallback callback,
                                            gpointer user_data);
gboolean barged_engine_prepare_for_sleep_finish (BargedEngine *self, GAsyncResult *res, GError **error);
/* The machine woke up: jobs run again at once; those waiting in
 * transient-error after a transport error (or held for the network, when it
 * is there) are queued without waiting for their retry timers, and other
 * retry timers are armed again by the wall clock. */
void barged_engine_wake (BargedEngine *self);

G_END_DECLS
