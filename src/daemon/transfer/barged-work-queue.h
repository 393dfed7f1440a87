/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Items done in order, one at a time, on a worker thread, with no turn of
 * the main loop between two of them; what was done comes back in batches
 * on the main context of the thread that made the queue. A transfer's
 * writer and hasher are such queues: one GTask per item made the worker
 * wait for the main loop between two buffers. */
typedef struct _BargedWorkQueue BargedWorkQueue;

/* On the worker: does @item, keeping its outcome in it. */
typedef void (*BargedWorkFunc) (gpointer item, gpointer owner);
/* On the queue's context: the items done since the last call, in the
 * order they were pushed; the function takes them out of @done. */
typedef void (*BargedWorkDoneFunc) (GQueue *done, gpointer owner);

/* @owner is kept alive while a worker runs or results wait for the main
 * loop, and frees the queue in its finalize (the queue is then empty). */
BargedWorkQueue *barged_work_queue_new (GObject *owner, BargedWorkFunc work, BargedWorkDoneFunc done);
void barged_work_queue_push (BargedWorkQueue *self, gpointer item);
void barged_work_queue_free (BargedWorkQueue *self);

G_END_DECLS
