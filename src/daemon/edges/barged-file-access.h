/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Every touch of a client-given path goes through here: it runs on a worker
 * thread (never the main loop) and, when barged runs as root for another
 * user, with that user's file-system identity (fsuid, fsgid and groups of
 * the worker thread only), so the kernel checks each path against the
 * owner's rights and new files belong to the owner. If the identity switch
 * does not take (no CAP_SETUID), the operation is refused: it never runs
 * with the daemon's own rights.
 *
 * Nothing here may block a worker without bound: files are opened with
 * O_NONBLOCK (a FIFO or a device at a client's path would otherwise hang
 * the open), must be regular files, and only then become blocking. */

/* Which file a path named when barged looked: a temporary file barged
 * created (with the uid that owned it then: TakeOwnership does not move
 * files), or a destination's folder. Device and inode both zero: not known. */
typedef struct {
  guint64 device;
  guint64 inode;
  guint32 uid;
} BargedFileId;

static inline gboolean
barged_file_id_is_set (const BargedFileId *id)
{
  return id != NULL && (id->device != 0 || id->inode != 0);
}

static inline gboolean
barged_file_id_equal (const BargedFileId *a, const BargedFileId *b)
{
  return a->device == b->device && a->inode == b->inode;
}

/* The longest file name (bytes) a destination may have. */
#define BARGED_FILE_ACCESS_MAX_NAME 255

/* A new hidden name next to @destination, ".NAME.<16 random hex>.barge-part":
 * unguessable (barged-random.h), so no other user can plant a file there
 * before barged creates it, and two files of a job never share one. */
char *barged_file_access_temporary_path_for (const char *destination);
/* ".NAME.@tag.barge-part" next to @destination, NAME cut to fit. */
char *barged_file_access_hidden_name (const char *destination, const char *tag);

/* Checks, as the owner, that each path's folder exists and the path is
 * not a folder; returns the folders' identities (they tell two spellings
 * of one destination apart), a BargedFileId per path in order, or the
 * error of the first path that fails. */
void barged_file_access_check_targets_async (guint32 owner,
                                             const char *const *paths,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer user_data);
GArray *barged_file_access_check_targets_finish (GAsyncResult *res, GError **error);

/* Opens the temporary file of @destination for writing, never following a
 * symbolic link. The file at @path is reopened only if it is the one barged
 * created: a regular file of the owner with one link and, when @expected is
 * set, that device and inode. It is then cut to at most @keep bytes.
 * Anything else at @path is left alone and a new file is created with
 * O_EXCL under a new name (barged_file_access_temporary_path_for()). A new
 * file gets mode 0666 & ~@umask (the owner's umask, recorded at CreateJob).
 *
 * Returns the fd; @offset is how many bytes it holds (the resume point),
 * @id its identity, and @new_path (free it) the path when it is not @path. */
void barged_file_access_open_temporary_async (guint32 owner,
                                              guint32 umask,
                                              const char *destination,
                                              const char *path,
                                              const BargedFileId *expected,
                                              guint64 keep,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data);
int barged_file_access_open_temporary_finish (GAsyncResult *res,
                                              guint64 *offset,
                                              BargedFileId *id,
                                              char **new_path,
                                              GError **error);
/* Opens are asked on the main thread and done in batches, one per owner at
 * a time (those asked while one runs go together next): how many batches
 * were started so far. */
guint64 barged_file_access_count_open_batches (void);

/* Blocking, for worker threads only: whether @path (looked up as the owner)
 * still names the open temporary @fd. A deleted file, or one whose folder
 * was renamed away, can never be renamed into place. */
gboolean barged_file_access_check_temporary (guint32 owner, const char *path, int fd, GError **error);

/* One step of Complete or Cancel: rename the temporary @from to @to, or
 * delete it when @to is NULL. @from is touched only if it is still the file
 * barged wrote (@id, when set; a regular file of the owner with one link).
 * A rename is done already when @from is gone and @to is that file: so an
 * interrupted Complete can simply run again. */
typedef struct {
  char *from;
  char *to;
  BargedFileId id;
} BargedFileMove;

BargedFileMove *barged_file_move_new (const char *from, const char *to, const BargedFileId *id);
void barged_file_move_free (BargedFileMove *move);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargedFileMove, barged_file_move_free)

/* Runs @moves (BargedFileMove*) in order, as the owner. A deletion that
 * finds nothing, or a file that is not ours, is not an error (nothing is
 * deleted then). Then flushes each folder a file was renamed into, so
 * that the renames outlive a power cut. Returns a gboolean per move saying
 * whether it is done; the first failed rename, or else a folder that
 * failed to flush, is also set in @error. */
void barged_file_access_finish_files_async (guint32 owner,
                                            GPtrArray *moves,
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

/* Reads a small file of the owner's (a certificate, a key) as the owner,
 * without following a symbolic link at the last component; it must be a
 * regular file of at most @max_bytes. AccessDenied when the owner may not
 * read it, InvalidArgument when it is missing, not a regular file or too
 * large. */
void barged_file_access_read_small_async (guint32 owner,
                                          const char *path,
                                          gsize max_bytes,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data);
GBytes *barged_file_access_read_small_finish (GAsyncResult *res, GError **error);

/* pwrite(2) of all @len bytes at @offset, through EINTR and short writes:
 * 0, or the errno of the failure (EIO for a write that wrote nothing). */
int barged_pwrite_all (int fd, const void *data, gsize len, guint64 offset);
/* What barged_reserve_space() found. */
typedef struct {
  guint64 lacking;           /* the bytes the file still lacked */
  guint64 free_bytes;        /* the users' free space on its file system */
  gboolean fat;              /* the file system is FAT */
} BargedSpace;

/* Reserves the blocks of @fd up to @end (fallocate, its size unchanged),
 * so that a file that cannot fit fails before it fills the disk: 0, or
 * EFBIG, ENOSPC or EDQUOT, and what it found in *@space. EFBIG for a file
 * FAT cannot take (over BARGED_FAT_MAX_FILE_SIZE, space->fat), or larger
 * than the file system takes (fallocate says it); ENOSPC, without
 * allocating anything, when the file system's free space for users
 * (statfs) is short of what the file still lacks. A file system without
 * fallocate gives 0 (its writes will say). May block (statfs, on NFS):
 * for workers. */
int barged_reserve_space (int fd, guint64 end, BargedSpace *space);
/* Gives back the blocks barged_reserve_space() took past what @fd holds
 * (a truncate to its own size drops them; the size and the bytes stay):
 * for a run that stops before the end, so that a job waiting to resume,
 * or in error, does not keep space it may never use. Only once no other
 * connection writes to the file: a write past the end meanwhile would be
 * cut. 0, or the errno of the failure. */
int barged_release_space (int fd);
/* Closes @fd (a file of @owner's, or one in @owner's folder) on a worker
 * of that owner's, never on the caller's thread: close() flushes on NFS
 * and FUSE, and a hung server or a user's own FUSE program would hold the
 * thread without bound. Each owner has two closer threads: closes that
 * hang hold that owner's later closes only. For code on the main thread,
 * and for anything that may run there (free functions); -1 is ignored. */
void barged_file_access_close (guint32 owner, int fd);

/* pread(2) of up to @len bytes at @offset, through EINTR and short reads,
 * until the end of the file: how many were read in *@got; 0, or the errno
 * of the failure. */
int barged_pread_all (int fd, void *buf, gsize len, guint64 offset, gsize *got);

G_END_DECLS
