/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The proxy resolver of a user whose desktop session registered a proxy
 * agent (Manager.RegisterSessionProxyAgent): each lookup is the agent's
 * LookupProxy (org.freedesktop.Barge1.SessionProxyAgent) on the peer that
 * registered, asked asynchronously with a deadline, its answer checked as
 * a job's own proxies are. It lives in bus/ because only the bus layer
 * knows D-Bus; the engine and libsoup see a GProxyResolver. */
#define BARGED_TYPE_AGENT_RESOLVER (barged_agent_resolver_get_type ())
G_DECLARE_FINAL_TYPE (BargedAgentResolver, barged_agent_resolver, BARGED, AGENT_RESOLVER, GObject)

#define BARGED_AGENT_PATH "/org/freedesktop/Barge1/SessionProxyAgent"
#define BARGED_AGENT_IFACE "org.freedesktop.Barge1.SessionProxyAgent"
/* How long a lookup waits for the agent. */
#define BARGED_AGENT_TIMEOUT_MS 5000
/* The most entries an answer may hold. */
#define BARGED_AGENT_MAX_PROXIES 8

/* Asks @peer (a unique name) on @connection. */
BargedAgentResolver *barged_agent_resolver_new (GDBusConnection *connection, const char *peer);

G_END_DECLS
