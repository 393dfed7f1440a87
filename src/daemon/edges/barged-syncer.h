/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BARGED_TYPE_SYNCER (barged_syncer_get_type ())
G_DECLARE_FINAL_TYPE (BargedSyncer, barged_syncer, BARGED, SYNCER, GObject)

/* The last step of a file's download, in batches: makes what was written to
 * its temporary durable, checks that the temporary is still the owner's
 * file at its path (barged_file_access_check_temporary()), and closes it.
 *
 * Files that finish while a batch syncs wait for the next batch, which
 * takes all of them (group commit, like the store's transactions): a lone
 * file gets its own fdatasync at once; many small files that finish
 * together share one syncfs per filesystem, one disk flush instead of one
 * each. syncfs reports the writeback errors of the filesystem since
 * Linux 5.8 (errseq), so a failed write still fails its file. A batch
 * holds one owner's files, and each owner has one batch in flight at
 * most: a flush that hangs on one user's file system holds that user's
 * files only.
 *
 * Main thread only; the syncs run on a worker thread. */

BargedSyncer *barged_syncer_new (void);

/* Takes @fd (always closed, whatever the outcome). @len bytes of @data
 * are written at @pos first (the last bytes of a small file, so that they
 * need no trip of their own to a worker); @data must live until the
 * callback. @path and @owner: the temporary as the owner names it. */
void barged_syncer_sync_async (BargedSyncer *self, int fd, const guint8 *data, gsize len, guint64 pos,
                               guint32 owner, const char *path,
                               GAsyncReadyCallback callback, gpointer user_data);
gboolean barged_syncer_sync_finish (BargedSyncer *self, GAsyncResult *res, GError **error);

/* For tests and the benchmarks: batches synced, files they held. */
void barged_syncer_get_counts (BargedSyncer *self, guint64 *batches, guint64 *files);
/* Files handed over and not answered yet, each with its descriptor open:
 * jobs bound what they hand over with it. */
guint barged_syncer_get_n_pending (BargedSyncer *self);

/* For tests: while held, no batch starts (a flush that takes as long as
 * the test likes). */
void barged_syncer_hold (BargedSyncer *self, gboolean held);

G_END_DECLS
