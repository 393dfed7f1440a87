/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The two ends of a test SoupServer's life on its loop thread (see
 * barge-test-loop-thread.h); call both on that thread. */

/* Makes SERVER listen on 127.0.0.1 on a port the kernel picks; returns
 * "http://127.0.0.1:PORT" (no trailing slash; "https://" for a server
 * with a TLS certificate), or NULL with ERROR set. */
char *barge_test_soup_listen_loopback (SoupServer *server, GError **error);

/* Disconnects *SERVER, drops it and lets the thread's context release what
 * closed connections and finished messages still hold. */
void barge_test_soup_close (SoupServer **server);

G_END_DECLS
