/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

#include "barged-config.h"
#include "barged-yield.h"

G_BEGIN_DECLS

/* The daemon's SoupSessions. libsoup keeps a proxy resolver, a timeout and
 * a pool of connections per session: the foreground jobs share one, the
 * background jobs another (its connections marked lower-effort and
 * watched by BargedYield), both with the proxy of barge.conf ([Transfer]
 * Proxy and NoProxy; GIO's resolver when empty). A job with a proxy of its
 * own (SetProxySettings) has a session of its own, made here the same way
 * (so it is marked and watched when it is a background job's), that only
 * its requests use. Every session follows [Transfer] Timeout. */
#define BARGED_TYPE_SESSIONS (barged_sessions_get_type ())
G_DECLARE_FINAL_TYPE (BargedSessions, barged_sessions, BARGED, SESSIONS, GObject)

/* @test_database: what TLS trusts instead of the system (barged
 * --test-tls-ca), or NULL; @yield: watches the background sessions, or
 * NULL; @max_conns: each session's connection cap. */
BargedSessions *barged_sessions_new (BargedConfig *config, GTlsDatabase *test_database, BargedYield *yield,
                                     guint max_conns);
SoupSession *barged_sessions_get_shared (BargedSessions *self, gboolean background);
/* A new session of a job's own (transfer full), with @resolver (NULL: no
 * proxy at all). */
SoupSession *barged_sessions_new_own (BargedSessions *self, gboolean background, GProxyResolver *resolver);

G_END_DECLS
