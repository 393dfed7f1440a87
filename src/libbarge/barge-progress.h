/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__BARGE_H_INSIDE__) && !defined(BARGE_COMPILATION)
#error "Only <barge.h> can be included directly."
#endif

#include <glib-object.h>
#include "barge-version.h"

G_BEGIN_DECLS

#define BARGE_TYPE_PROGRESS (barge_progress_get_type ())

/**
 * BargeProgress:
 *
 * How far a job is (BITS `BG_JOB_PROGRESS`): bytes and files, total and
 * transferred. An immutable, reference-counted value.
 */
typedef struct _BargeProgress BargeProgress;

BARGE_AVAILABLE_IN_ALL
GType barge_progress_get_type (void) G_GNUC_CONST;
BARGE_AVAILABLE_IN_ALL
BargeProgress *barge_progress_new (guint64 bytes_total,
                                   guint64 bytes_transferred,
                                   guint64 files_total,
                                   guint64 files_transferred);
BARGE_AVAILABLE_IN_ALL
BargeProgress *barge_progress_ref (BargeProgress *progress);
BARGE_AVAILABLE_IN_ALL
void barge_progress_unref (BargeProgress *progress);
BARGE_AVAILABLE_IN_ALL
guint64 barge_progress_get_bytes_total (const BargeProgress *progress);
BARGE_AVAILABLE_IN_ALL
guint64 barge_progress_get_bytes_transferred (const BargeProgress *progress);
BARGE_AVAILABLE_IN_ALL
guint64 barge_progress_get_files_total (const BargeProgress *progress);
BARGE_AVAILABLE_IN_ALL
guint64 barge_progress_get_files_transferred (const BargeProgress *progress);
BARGE_AVAILABLE_IN_ALL
gboolean barge_progress_is_total_known (const BargeProgress *progress);
BARGE_AVAILABLE_IN_ALL
double barge_progress_get_fraction (const BargeProgress *progress);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargeProgress, barge_progress_unref)

G_END_DECLS
