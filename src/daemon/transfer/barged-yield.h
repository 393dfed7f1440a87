/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

#include "barged-bandwidth.h"

G_BEGIN_DECLS

#define BARGED_TYPE_YIELD (barged_yield_get_type ())
G_DECLARE_FINAL_TYPE (BargedYield, barged_yield, BARGED, YIELD, GObject)

/* Background transfers use the link the user is not using: BargedYield
 * watches the connections of a session (the background jobs' one), and
 * while they move bytes, it compares four times a second what their
 * network interfaces carry with what those connections carry, and sets
 * the rate of @bucket (the top of every background job's bucket chain)
 * as BargedYieldControl says. While it limits them, it also shrinks their
 * socket buffers and receive windows (SO_RCVBUF, SO_SNDBUF,
 * TCP_WINDOW_CLAMP) to a tenth of a second at that rate, so that the
 * server holds what we do not read yet: the link is free at once, not
 * after megabytes of buffered data arrive.
 *
 * Connections over loopback are not watched: there is no user link to
 * share. The ticks go on while a watched connection is open, quiet or
 * not (libsoup closes one idle for a minute), and stop with the last;
 * the next request on the session starts them again.
 *
 * With BARGED_YIELD_TRACE set to a file name, each sample is appended to
 * it ("seconds link_rx link_tx own_rx own_tx other rate"), the recorded
 * traces of tests/unit/data/yield-*.trace. Main thread only. */

BargedYield *barged_yield_new (BargedBandwidth *bucket);
void barged_yield_watch (BargedYield *self, SoupSession *session);

/* Sets a connection's buffers and window to @buffer bytes (a limit), or
 * with 0 back to what Linux's tuning would grow them to. */
void barged_yield_limit_socket (int fd, int buffer);

/* The limit in force, bytes/s; 0 = none. */
guint64 barged_yield_get_rate (BargedYield *self);

G_END_DECLS
