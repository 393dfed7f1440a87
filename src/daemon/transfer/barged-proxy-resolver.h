/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A job's explicit proxies (BITS SetProxySettings with
 * BG_JOB_PROXY_USAGE_OVERRIDE): every URL goes through @proxies, tried in
 * their order (GIO's proxy enumerator moves to the next when one fails),
 * except a URL whose host matches @bypass (GSimpleProxyResolver's
 * "ignore-hosts" rules: host names with a leading "*." or ".", IP
 * addresses and CIDR ranges, each with an optional ":PORT"), which goes
 * direct. */
#define BARGED_TYPE_PROXY_RESOLVER (barged_proxy_resolver_get_type ())
G_DECLARE_FINAL_TYPE (BargedProxyResolver, barged_proxy_resolver, BARGED, PROXY_RESOLVER, GObject)

/* @proxies: one at least, each SCHEME://HOST:PORT; @bypass: or NULL. */
GProxyResolver *barged_proxy_resolver_new (const char * const *proxies, const char * const *bypass);

/* A user's desktop session's proxy (Manager.SetSessionProxy), which,
 * like GNOME's and the environment's, names one per URL scheme: @http for
 * http:// URLs, @https for https:// URLs, @other for the rest and for a
 * scheme without its own; each may be NULL, and a URL that none of them
 * covers, or whose host matches @bypass (the rules above), goes direct.
 * GSimpleProxyResolver, which does no I/O. */
GProxyResolver *barged_proxy_resolver_new_per_scheme (const char *http, const char *https, const char *other,
                                                      const char * const *bypass);

G_END_DECLS
