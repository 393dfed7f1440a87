/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Every touch of a client-given path goes through here: it runs on a worker
 * thread (never the main loop) and, when barged runs as root for another
 * user, with that user's file-system identity (fsuid, fsgid and groups of
 * the worker thread only), so the kernel checks each path against the
 * owner's rights and new files belong to the owner. */

/* Checks that @path's folder exists and @path is not a folder. */
void barged_file_access_check_target_async (guint32 owner,
                                            const char *path,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data);
gboolean barged_file_access_check_target_finish (GAsyncResult *res, GError **error);

/* Opens or creates the temporary file for writing, without following a
 * symbolic link, and cuts it to at most @keep bytes. A new file gets mode
 * 0666 & ~@umask (the owner's umask, recorded at CreateJob). Returns the fd and, in
 * @offset, how many bytes it now holds (the resume point). */
void barged_file_access_open_temporary_async (guint32 owner,
                                              guint32 umask,
                                              const char *path,
                                              guint64 keep,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data);
int barged_file_access_open_temporary_finish (GAsyncResult *res, guint64 *offset, GError **error);

/* Renames each temporary (even index) to its final name (odd index) in
 * @renames, then deletes each path in @deletions; missing files to delete are
 * not an error. Always returns a gboolean per rename saying whether it
 * succeeded; the first failure is also set in @error. */
void barged_file_access_finish_files_async (guint32 owner,
                                            GStrv renames,
                                            GStrv deletions,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data);
GArray *barged_file_access_finish_files_finish (GAsyncResult *res, GError **error);

/* What identifies the content of an upload's source: if any of it differs
 * later, the file changed under the upload. */
typedef struct {
  guint64 size;
  gint64 mtime_ns;
  guint64 inode;
  guint64 device;
} BargedSourceIdentity;

/* Opens an upload's source read-only as the owner, without following a
 * symbolic link at the last component; it must be a regular file. Returns
 * the fd and its identity. */
void barged_file_access_open_source_async (guint32 owner,
                                           const char *path,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data);
/* Blocking, for worker threads only: the identity of @path now, looked up
 * as the owner. */
gboolean barged_file_access_stat_source (guint32 owner,
                                         const char *path,
                                         BargedSourceIdentity *identity,
                                         GError **error);
int barged_file_access_open_source_finish (GAsyncResult *res,
                                           BargedSourceIdentity *identity,
                                           GError **error);

G_END_DECLS
