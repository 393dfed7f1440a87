/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

#include "barge.h"
#include "barged-config.h"

G_BEGIN_DECLS

#define BARGED_TYPE_CONNECTIONS (barged_connections_get_type ())
G_DECLARE_FINAL_TYPE (BargedConnections, barged_connections, BARGED, CONNECTIONS, GObject)

/* The daemon's budget of download requests in flight: at most
 * [Transfer] MaxConnections in all and MaxConnectionsPerHost per origin
 * (barged_scheduler_origin()), and none to an origin that asked to be left
 * alone for a while (429, 503 with Retry-After, connections refused or
 * reset). Jobs take one connection per file they run and give it back when
 * the file's run ends.
 *
 * Who waits for a connection is served in order of priority, then of
 * arrival: a connection that frees goes to a waiting foreground job before
 * any background job, and no job takes one while a job of a higher
 * priority waits, unless that job waits out its origin's back-off. A waiter is called back (on the main loop, once per turn)
 * until it says it no longer waits.
 *
 * Main thread only. */

BargedConnections *barged_connections_new (BargedConfig *config);

/* TRUE: @origin's connection is taken, to be given back with
 * barged_connections_release(). FALSE: a cap, a back-off, or a waiter of a
 * higher priority than @priority stands in the way. */
gboolean barged_connections_take (BargedConnections *self, const char *origin, BargeJobPriority priority);
void barged_connections_release (BargedConnections *self, const char *origin);

/* No new connection to @origin for @seconds (at most an hour). */
void barged_connections_back_off (BargedConnections *self, const char *origin, guint seconds);
/* What is left of @origin's back-off, in µs; 0: none. */
gint64 barged_connections_get_hold_left (BargedConnections *self, const char *origin);

/* Returns TRUE while it still waits; then it stays in line. */
typedef gboolean (*BargedConnectionsWaiter) (gpointer key);

/* Puts @key in line (once: a key already waiting keeps its place), for a
 * connection to @origin (NULL: unknown, as if it could take one now). */
void barged_connections_wait (BargedConnections *self, gpointer key, const char *origin,
                              BargeJobPriority priority, BargedConnectionsWaiter callback);
void barged_connections_stop_waiting (BargedConnections *self, gpointer key);

/* For tests: requests in flight in all and to @origin. */
guint barged_connections_get_in_use (BargedConnections *self, const char *origin);

G_END_DECLS
