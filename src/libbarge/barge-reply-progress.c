/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include "barge-reply-progress.h"
#include "barge-enums.h"

struct _BargeReplyProgress
{
  gatomicrefcount ref_count;
  guint64 bytes_total;
  guint64 bytes_transferred;
};

G_DEFINE_BOXED_TYPE (BargeReplyProgress, barge_reply_progress,
                     barge_reply_progress_ref, barge_reply_progress_unref)

/**
 * barge_reply_progress_new:
 * @bytes_total: the size of the reply in bytes, or %BARGE_SIZE_UNKNOWN
 * @bytes_transferred: the bytes of the reply received so far
 *
 * Creates a reply progress value. Clients get these from
 * [method@Barge.Job.get_reply_progress]; this constructor exists for tests.
 *
 * Returns: (transfer full): a new #BargeReplyProgress
 */
BargeReplyProgress *
barge_reply_progress_new (guint64 bytes_total, guint64 bytes_transferred)
{
  BargeReplyProgress *progress = g_new0 (BargeReplyProgress, 1);

  g_atomic_ref_count_init (&progress->ref_count);
  progress->bytes_total = bytes_total;
  progress->bytes_transferred = bytes_transferred;
  return progress;
}

/**
 * barge_reply_progress_ref:
 * @progress: a #BargeReplyProgress
 *
 * Takes a reference on @progress.
 *
 * Returns: (transfer full): @progress
 */
BargeReplyProgress *
barge_reply_progress_ref (BargeReplyProgress *progress)
{
  g_return_val_if_fail (progress != NULL, NULL);

  g_atomic_ref_count_inc (&progress->ref_count);
  return progress;
}

/**
 * barge_reply_progress_unref:
 * @progress: (transfer full): a #BargeReplyProgress
 *
 * Drops a reference on @progress and frees it when it was the last one.
 */
void
barge_reply_progress_unref (BargeReplyProgress *progress)
{
  g_return_if_fail (progress != NULL);

  if (g_atomic_ref_count_dec (&progress->ref_count))
    g_free (progress);
}

/**
 * barge_reply_progress_get_bytes_total:
 * @progress: a #BargeReplyProgress
 *
 * Gets the size of the reply.
 *
 * Returns: the size in bytes, or %BARGE_SIZE_UNKNOWN until the reply starts
 */
guint64
barge_reply_progress_get_bytes_total (const BargeReplyProgress *progress)
{
  g_return_val_if_fail (progress != NULL, BARGE_SIZE_UNKNOWN);

  return progress->bytes_total;
}

/**
 * barge_reply_progress_get_bytes_transferred:
 * @progress: a #BargeReplyProgress
 *
 * Gets how many bytes of the reply have arrived.
 *
 * Returns: the bytes received
 */
guint64
barge_reply_progress_get_bytes_transferred (const BargeReplyProgress *progress)
{
  g_return_val_if_fail (progress != NULL, 0);

  return progress->bytes_transferred;
}

/**
 * barge_reply_progress_is_total_known:
 * @progress: a #BargeReplyProgress
 *
 * Checks whether the size of the reply is known.
 *
 * Returns: %TRUE unless the total is %BARGE_SIZE_UNKNOWN
 */
gboolean
barge_reply_progress_is_total_known (const BargeReplyProgress *progress)
{
  g_return_val_if_fail (progress != NULL, FALSE);

  return progress->bytes_total != BARGE_SIZE_UNKNOWN;
}

/**
 * barge_reply_progress_get_fraction:
 * @progress: a #BargeReplyProgress
 *
 * Gets how far the reply is, for a progress bar.
 *
 * Returns: a value between 0.0 and 1.0, or -1.0 when the total is not known
 */
double
barge_reply_progress_get_fraction (const BargeReplyProgress *progress)
{
  g_return_val_if_fail (progress != NULL, -1.0);

  if (progress->bytes_total == BARGE_SIZE_UNKNOWN)
    return -1.0;
  /* An empty reply that has started is complete. */
  if (progress->bytes_total == 0 || progress->bytes_transferred >= progress->bytes_total)
    return 1.0;
  return (double) progress->bytes_transferred / (double) progress->bytes_total;
}
