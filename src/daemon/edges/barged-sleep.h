/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BARGED_TYPE_SLEEP (barged_sleep_get_type ())
G_DECLARE_FINAL_TYPE (BargedSleep, barged_sleep, BARGED, SLEEP, GObject)

/* Sleep and wake through systemd-logind (org.freedesktop.login1 on the
 * system bus, also for the session daemon: logind is system-wide).
 *
 * While barged_sleep_set_transferring() says jobs transfer, it holds a
 * "delay" inhibitor for "sleep", so that logind waits (InhibitDelayMaxSec,
 * 5 s by default) for a checkpoint before the machine sleeps. On
 * PrepareForSleep(true) it emits "prepare-for-sleep" (guint round); the
 * handler stops and checkpoints the transfers and then calls
 * barged_sleep_checkpoint_done() with that round, which releases the delay
 * inhibitor. It is released anyway shortly before logind's own bound ends.
 * On PrepareForSleep(false) it emits "wake", and takes the delay inhibitor
 * again once jobs transfer. No inhibitor is taken between the two.
 *
 * While barged_sleep_set_keep_awake() says so (a foreground job with
 * KeepAwake transfers), it also holds a "block" inhibitor for "sleep".
 *
 * Every call to logind is asynchronous. Without a system bus or logind it
 * does nothing (one debug line), and it follows logind leaving and coming
 * back. Main thread only. */

BargedSleep *barged_sleep_new (void);

void barged_sleep_set_transferring (BargedSleep *self, gboolean transferring);
void barged_sleep_set_keep_awake (BargedSleep *self, gboolean keep_awake);
/* The checkpoint of sleep @round is done: the delay inhibitor goes. A
 * round that is over (the machine woke, or another round began) is
 * ignored. */
void barged_sleep_checkpoint_done (BargedSleep *self, guint round);

G_END_DECLS
