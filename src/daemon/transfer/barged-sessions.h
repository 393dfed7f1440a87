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
 * its requests use. A user whose desktop session published its proxy
 * (Manager.SetSessionProxy) has a pair of its own too, which that user's
 * jobs of proxy usage "system" use instead of the shared ones. Every
 * session follows [Transfer] Timeout. */
#define BARGED_TYPE_SESSIONS (barged_sessions_get_type ())
G_DECLARE_FINAL_TYPE (BargedSessions, barged_sessions, BARGED, SESSIONS, GObject)

/* @test_database: what TLS trusts instead of the system (barged
 * --test-tls-ca), or NULL; either way every session verifies through one
 * BargedTrustDatabase; @yield: watches the background sessions, or
 * NULL; @max_conns: each session's connection cap. */
BargedSessions *barged_sessions_new (BargedConfig *config, GTlsDatabase *test_database, BargedYield *yield,
                                     guint max_conns);
SoupSession *barged_sessions_get_shared (BargedSessions *self, gboolean background);
/* A new session of a job's own (transfer full), with @resolver (NULL: no
 * proxy at all). */
SoupSession *barged_sessions_new_own (BargedSessions *self, gboolean background, GProxyResolver *resolver);

/* What @uid's session published: @resolver, or NULL for "direct"; or,
 * with @published FALSE, nothing (back to the shared sessions). Requests
 * in flight keep the session they hold. */
void barged_sessions_set_user_proxy (BargedSessions *self, guint32 uid, gboolean published, GProxyResolver *resolver);
/* The session for the requests of a job of @uid that follows the system's
 * proxy when @uid's session published one; NULL otherwise (the shared
 * ones hold). */
SoupSession *barged_sessions_lookup_user (BargedSessions *self, guint32 uid, gboolean background);

G_END_DECLS
