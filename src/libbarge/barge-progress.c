/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include "barge-progress.h"
#include "barge-enums.h"

struct _BargeProgress
{
  gatomicrefcount ref_count;
  guint64 bytes_total;
  guint64 bytes_transferred;
  guint64 files_total;
  guint64 files_transferred;
};

G_DEFINE_BOXED_TYPE (BargeProgress, barge_progress, barge_progress_ref, barge_progress_unref)

/**
 * barge_progress_new:
 * @bytes_total: the size of all files in bytes, or %BARGE_SIZE_UNKNOWN
 * @bytes_transferred: the bytes transferred so far
 * @files_total: the number of files of the job
 * @files_transferred: the number of files fully transferred
 *
 * Creates a progress value. Clients get these from [method@Barge.Job.get_progress];
 * this constructor exists for tests and for code that computes its own totals.
 *
 * Returns: (transfer full): a new #BargeProgress
 */
BargeProgress *
barge_progress_new (guint64 bytes_total,
                    guint64 bytes_transferred,
                    guint64 files_total,
                    guint64 files_transferred)
{
  BargeProgress *progress = g_new0 (BargeProgress, 1);

  g_atomic_ref_count_init (&progress->ref_count);
  progress->bytes_total = bytes_total;
  progress->bytes_transferred = bytes_transferred;
  progress->files_total = files_total;
  progress->files_transferred = files_transferred;
  return progress;
}

/**
 * barge_progress_ref:
 * @progress: a #BargeProgress
 *
 * Takes a reference on @progress.
 *
 * Returns: (transfer full): @progress
 */
BargeProgress *
barge_progress_ref (BargeProgress *progress)
{
  g_return_val_if_fail (progress != NULL, NULL);

  g_atomic_ref_count_inc (&progress->ref_count);
  return progress;
}

/**
 * barge_progress_unref:
 * @progress: (transfer full): a #BargeProgress
 *
 * Drops a reference on @progress and frees it when it was the last one.
 */
void
barge_progress_unref (BargeProgress *progress)
{
  g_return_if_fail (progress != NULL);

  if (g_atomic_ref_count_dec (&progress->ref_count))
    g_free (progress);
}

/**
 * barge_progress_get_bytes_total:
 * @progress: a #BargeProgress
 *
 * Gets the size of all files of the job.
 *
 * Returns: the total in bytes, or %BARGE_SIZE_UNKNOWN until the size of every
 *   file is known
 */
guint64
barge_progress_get_bytes_total (const BargeProgress *progress)
{
  g_return_val_if_fail (progress != NULL, BARGE_SIZE_UNKNOWN);

  return progress->bytes_total;
}

/**
 * barge_progress_get_bytes_transferred:
 * @progress: a #BargeProgress
 *
 * Gets how many bytes of the job have been transferred.
 *
 * Returns: the bytes transferred
 */
guint64
barge_progress_get_bytes_transferred (const BargeProgress *progress)
{
  g_return_val_if_fail (progress != NULL, 0);

  return progress->bytes_transferred;
}

/**
 * barge_progress_get_files_total:
 * @progress: a #BargeProgress
 *
 * Gets the number of files of the job.
 *
 * Returns: the number of files
 */
guint64
barge_progress_get_files_total (const BargeProgress *progress)
{
  g_return_val_if_fail (progress != NULL, 0);

  return progress->files_total;
}

/**
 * barge_progress_get_files_transferred:
 * @progress: a #BargeProgress
 *
 * Gets the number of files of the job that are fully transferred.
 *
 * Returns: the number of files transferred
 */
guint64
barge_progress_get_files_transferred (const BargeProgress *progress)
{
  g_return_val_if_fail (progress != NULL, 0);

  return progress->files_transferred;
}

/**
 * barge_progress_is_total_known:
 * @progress: a #BargeProgress
 *
 * Checks whether the size of every file of the job is known.
 *
 * Returns: %TRUE unless the total is %BARGE_SIZE_UNKNOWN
 */
gboolean
barge_progress_is_total_known (const BargeProgress *progress)
{
  g_return_val_if_fail (progress != NULL, FALSE);

  return progress->bytes_total != BARGE_SIZE_UNKNOWN;
}

/**
 * barge_progress_get_fraction:
 * @progress: a #BargeProgress
 *
 * Gets how far the job is, for a progress bar.
 *
 * Returns: a value between 0.0 and 1.0, or -1.0 when the total is not known
 */
double
barge_progress_get_fraction (const BargeProgress *progress)
{
  g_return_val_if_fail (progress != NULL, -1.0);

  if (progress->bytes_total == BARGE_SIZE_UNKNOWN)
    return -1.0;

  /* Only empty files are left to count when no bytes are expected: a job of
   * zero-length files is done when its files are, an empty job is not. */
  if (progress->bytes_total == 0)
    return (progress->files_total > 0 &&
            progress->files_transferred >= progress->files_total) ? 1.0 : 0.0;

  /* The daemon's counters are not atomic with each other; never show more than all. */
  if (progress->bytes_transferred >= progress->bytes_total)
    return 1.0;

  return (double) progress->bytes_transferred / (double) progress->bytes_total;
}
