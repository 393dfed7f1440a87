/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__BARGE_H_INSIDE__) && !defined(BARGE_COMPILATION)
#error "Only <barge.h> can be included directly."
#endif

#include <glib-object.h>
#include "barge-version.h"

G_BEGIN_DECLS

#define BARGE_TYPE_REPLY_PROGRESS (barge_reply_progress_get_type ())

/**
 * BargeReplyProgress:
 *
 * How far the reply of an upload-reply job is (BITS
 * `BG_JOB_REPLY_PROGRESS`): bytes total and transferred. An immutable,
 * reference-counted value.
 */
typedef struct _BargeReplyProgress BargeReplyProgress;

BARGE_AVAILABLE_IN_ALL
GType barge_reply_progress_get_type (void) G_GNUC_CONST;
BARGE_AVAILABLE_IN_ALL
BargeReplyProgress *barge_reply_progress_new (guint64 bytes_total, guint64 bytes_transferred);
BARGE_AVAILABLE_IN_ALL
BargeReplyProgress *barge_reply_progress_ref (BargeReplyProgress *progress);
BARGE_AVAILABLE_IN_ALL
void barge_reply_progress_unref (BargeReplyProgress *progress);
BARGE_AVAILABLE_IN_ALL
guint64 barge_reply_progress_get_bytes_total (const BargeReplyProgress *progress);
BARGE_AVAILABLE_IN_ALL
guint64 barge_reply_progress_get_bytes_transferred (const BargeReplyProgress *progress);
BARGE_AVAILABLE_IN_ALL
gboolean barge_reply_progress_is_total_known (const BargeReplyProgress *progress);
BARGE_AVAILABLE_IN_ALL
double barge_reply_progress_get_fraction (const BargeReplyProgress *progress);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargeReplyProgress, barge_reply_progress_unref)

G_END_DECLS
