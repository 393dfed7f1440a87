/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* BargedWorkQueue, a transfer's writer and hasher: items are done in order
 * on a worker, one after the other without the main loop in between, and
 * come back in order, in batches, on the main loop; the owner lives until
 * the last result is back. */
#include "config.h"

#include <string.h>

#include "barged-work-queue.h"

#define N_ITEMS 200
#define TIMEOUT_US (30 * G_USEC_PER_SEC)

typedef struct {
  guint index;
  guint order;               /* written by the worker: its count when it did this item */
  GThread *thread;           /* the worker's */
} Item;

typedef struct {
  gint worked;               /* atomic: items the worker did */
  guint delivered;
  guint batches;
  GThread *main_thread;
} Counts;

static Counts counts;

static void
work (gpointer item, gpointer owner)
{
  Item *it = item;

  it->thread = g_thread_self ();
  it->order = (guint) g_atomic_int_add (&counts.worked, 1);
}

static void
done (GQueue *items, gpointer owner)
{
  Item *it;

  g_assert_true (g_thread_self () == counts.main_thread);
  counts.batches++;
  while ((it = g_queue_pop_head (items)) != NULL)
    {
      /* Back in the order pushed, each done in that order, off the main thread. */
      g_assert_cmpuint (it->index, ==, counts.delivered);
      g_assert_cmpuint (it->order, ==, it->index);
      g_assert_true (it->thread != counts.main_thread);
      counts.delivered++;
      g_free (it);
    }
}

static void
push_items (BargedWorkQueue *queue, guint first, guint n)
{
  for (guint i = first; i < first + n; i++)
    {
      Item *it = g_new0 (Item, 1);

      it->index = i;
      barged_work_queue_push (queue, it);
    }
}

static void
iterate_until_delivered (guint n)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  while (counts.delivered < n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static GObject *
new_owner (BargedWorkQueue **queue)
{
  GObject *owner = g_object_new (G_TYPE_OBJECT, NULL);

  *queue = barged_work_queue_new (owner, work, done);
  g_object_set_data_full (owner, "queue", *queue, (GDestroyNotify) barged_work_queue_free);
  memset (&counts, 0, sizeof counts);
  counts.main_thread = g_thread_self ();
  return owner;
}

/* Every item pushed is done while the main loop does not run: the worker
 * goes from one to the next by itself. Then one turn of the main loop
 * brings them all back, in one batch. */
static void
test_no_main_loop_between_items (void)
{
  BargedWorkQueue *queue;
  g_autoptr(GObject) owner = new_owner (&queue);
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  push_items (queue, 0, N_ITEMS);
  while (g_atomic_int_get (&counts.worked) < N_ITEMS)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
  g_assert_cmpuint (counts.delivered, ==, 0);
  iterate_until_delivered (N_ITEMS);
  /* One batch, or two if the main loop ran between the last item's work
   * and its joining the others. */
  g_assert_cmpuint (counts.batches, <=, 2);

  /* The worker stopped when the queue ran dry; new items start another. */
  push_items (queue, N_ITEMS, N_ITEMS);
  iterate_until_delivered (2 * N_ITEMS);
  g_assert_cmpint (g_atomic_int_get (&counts.worked), ==, 2 * N_ITEMS);
}

/* The owner's last reference may go while items are on the worker: the
 * queue keeps it until their results are back, then it is finalized. */
static void
test_owner_kept (void)
{
  BargedWorkQueue *queue;
  GObject *owner = new_owner (&queue);
  GObject *weak = owner;

  g_object_add_weak_pointer (owner, (gpointer *) &weak);
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  push_items (queue, 0, N_ITEMS);
  g_object_unref (owner);
  g_assert_nonnull (weak);
  /* Finalized only once every result is back (done() runs with the
   * queue, which the owner frees). */
  while (weak != NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_cmpuint (counts.delivered, ==, N_ITEMS);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/work-queue/no-main-loop-between-items", test_no_main_loop_between_items);
  g_test_add_func ("/work-queue/owner-kept", test_owner_kept);
  return g_test_run ();
}
