/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__BARGE_H_INSIDE__) && !defined(BARGE_COMPILATION)
#error "Only <barge.h> can be included directly."
#endif

#include <gio/gio.h>
#include "barge-version.h"

G_BEGIN_DECLS

#define BARGE_TYPE_FILE (barge_file_get_type ())
BARGE_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (BargeFile, barge_file, BARGE, FILE, GObject)

BARGE_AVAILABLE_IN_ALL
const char *barge_file_get_object_path (BargeFile *file);
BARGE_AVAILABLE_IN_ALL
const char *barge_file_get_remote_url (BargeFile *file);
BARGE_AVAILABLE_IN_ALL
const char *barge_file_get_local_path (BargeFile *file);
BARGE_AVAILABLE_IN_ALL
const char *barge_file_get_temporary_path (BargeFile *file);
BARGE_AVAILABLE_IN_ALL
guint64 barge_file_get_bytes_total (BargeFile *file);
BARGE_AVAILABLE_IN_ALL
guint64 barge_file_get_bytes_transferred (BargeFile *file);
BARGE_AVAILABLE_IN_ALL
gboolean barge_file_is_total_known (BargeFile *file);
BARGE_AVAILABLE_IN_ALL
double barge_file_get_fraction (BargeFile *file);
BARGE_AVAILABLE_IN_ALL
gboolean barge_file_get_completed (BargeFile *file);
BARGE_AVAILABLE_IN_ALL
gboolean barge_file_get_has_restarted (BargeFile *file);
BARGE_AVAILABLE_IN_ALL
gboolean barge_file_get_has_response_changed (BargeFile *file);
BARGE_AVAILABLE_IN_ALL
const char *barge_file_get_final_url (BargeFile *file);
BARGE_AVAILABLE_IN_ALL
const char *barge_file_get_expected_digest (BargeFile *file);
BARGE_AVAILABLE_IN_ALL
guint64 barge_file_get_expected_size (BargeFile *file);
BARGE_AVAILABLE_IN_ALL
GVariant *barge_file_get_ranges (BargeFile *file);
BARGE_AVAILABLE_IN_ALL
gboolean barge_file_get_verified (BargeFile *file);

G_END_DECLS
