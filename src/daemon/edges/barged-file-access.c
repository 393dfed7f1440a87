/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedFileAccess"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include "barge.h"
#include "barged-errors.h"
#include "barged-file-access.h"
#include "barged-random.h"
#include "barge-tsan.h"

/* How many fresh names barged tries when something else sits at each. */
#define MAX_NAME_ATTEMPTS 8

typedef struct {
  guint32 owner;
  guint32 umask;
  char *destination;
  char *path;
  GStrv paths;                /* check_targets */
  BargedFileId expected;
  guint64 keep;
  GPtrArray *moves;
  gsize max_bytes;            /* read_small */
} AccessData;

static void
access_data_free (AccessData *data)
{
  g_free (data->destination);
  g_free (data->path);
  g_strfreev (data->paths);
  g_clear_pointer (&data->moves, g_ptr_array_unref);
  g_free (data);
}

/* --- acting as the owner -------------------------------------------------- */

typedef struct {
  gboolean switched;
  int n_groups;
  gid_t groups[NGROUPS_MAX];
} Identity;

static void identity_leave (Identity *id);

/* The raw syscalls act on the calling thread only; glibc's wrappers for
 * setgroups would change every thread of the daemon. setfsuid and setfsgid
 * report no failure: they return the previous value either way, so a
 * second call with -1 (never a valid id) reads back what is in force. A
 * daemon started without CAP_SETUID would otherwise go on as root. */
static gboolean
identity_enter (Identity *id, guint32 owner, GError **error)
{
  struct passwd pw, *result = NULL;
  char buf[4096];
  gid_t groups[NGROUPS_MAX];
  int n = NGROUPS_MAX;

  id->switched = FALSE;
  if (geteuid () != 0 || owner == 0)
    return TRUE;

  if (getpwuid_r (owner, &pw, buf, sizeof buf, &result) != 0 || result == NULL)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_ACCESS_DENIED,
                   "no user entry for uid %u", owner);
      return FALSE;
    }
  if (getgrouplist (pw.pw_name, pw.pw_gid, groups, &n) < 0)
    n = 0;

  id->n_groups = getgroups (NGROUPS_MAX, id->groups);
  if (id->n_groups < 0 ||
      syscall (SYS_setgroups, (size_t) n, groups) != 0)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_ACCESS_DENIED,
                   "cannot take the groups of uid %u: %s", owner, g_strerror (errno));
      return FALSE;
    }
  id->switched = TRUE;
  syscall (SYS_setfsgid, pw.pw_gid);
  syscall (SYS_setfsuid, owner);
  if ((guint32) syscall (SYS_setfsuid, (uid_t) -1) != owner ||
      (gid_t) syscall (SYS_setfsgid, (gid_t) -1) != pw.pw_gid)
    {
      identity_leave (id);
      g_warning ("cannot take the file-system identity of uid %u (is CAP_SETUID missing?): "
                  "refusing to touch its files", owner);
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_ACCESS_DENIED,
                   "barged cannot act as uid %u here, so it does not touch that user's files", owner);
      return FALSE;
    }
  return TRUE;
}

static void
identity_leave (Identity *id)
{
  if (!id->switched)
    return;
  syscall (SYS_setfsuid, 0);
  syscall (SYS_setfsgid, 0);
  syscall (SYS_setgroups, (size_t) id->n_groups, id->groups);
  id->switched = FALSE;
}

/* The uid a file barged creates for @owner belongs to. */
static uid_t
creator_uid (guint32 owner)
{
  return geteuid () == 0 ? owner : geteuid ();
}

static GError *
error_from_errno (int errsv, const char *what, const char *path)
{
  return g_error_new (BARGE_ERROR, errsv == ENOSPC || errsv == EDQUOT
                        ? BARGE_ERROR_DISK_FULL : BARGE_ERROR_LOCAL_FILE,
                      "%s %s: %s", what, path, g_strerror (errsv));
}

static void
file_id_from_stat (const struct stat *st, BargedFileId *id)
{
  id->device = (guint64) st->st_dev;
  id->inode = (guint64) st->st_ino;
  id->uid = (guint32) st->st_uid;
}

/* Whether @st is the temporary file barged created: a regular file with one
 * link (no other name another user could read it through), of the uid that
 * created it, and the very inode when one was recorded. */
static gboolean
is_our_temporary (const struct stat *st, guint32 owner, const BargedFileId *expected)
{
  if (!S_ISREG (st->st_mode) || st->st_nlink != 1)
    return FALSE;
  if (!barged_file_id_is_set (expected))
    return st->st_uid == creator_uid (owner);
  return (guint64) st->st_dev == expected->device && (guint64) st->st_ino == expected->inode &&
         st->st_uid == expected->uid;
}

/* Files are opened with O_NONBLOCK, so that a FIFO planted at a path
 * cannot block a worker: this checks that @fd is a regular file (its stat
 * in @st) and clears O_NONBLOCK. On failure it closes @fd and sets @error
 * (BARGE_ERROR @code). */
static gboolean
keep_if_regular (int fd, struct stat *st, const char *path, gint code, GError **error)
{
  int flags;

  if (fstat (fd, st) == 0 && S_ISREG (st->st_mode) && (flags = fcntl (fd, F_GETFL)) >= 0 &&
      fcntl (fd, F_SETFL, flags & ~O_NONBLOCK) == 0)
    return TRUE;
  close (fd);
  g_set_error (error, BARGE_ERROR, code, "%s is not a regular file", path);
  return FALSE;
}

static GTask *
access_task_new (guint32 owner, const char *path, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  AccessData *data = g_new0 (AccessData, 1);

  data->owner = owner;
  data->path = g_strdup (path);
  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, data, (GDestroyNotify) access_data_free);
  return task;
}

/* --- names ---------------------------------------------------------------- */

char *
barged_file_access_hidden_name (const char *destination, const char *tag)
{
  g_autofree char *dir = g_path_get_dirname (destination);
  g_autofree char *base = g_path_get_basename (destination);
  g_autofree char *name = NULL;

  /* ".", the tag and ".barge-part" take up to 29 bytes of NAME_MAX: keep
   * the rest of the name readable, cut at a character boundary. */
  if (strlen (base) > 200)
    {
      const char *cut = g_utf8_find_prev_char (base, base + 200);
      base[cut != NULL ? cut - base : 200] = '\0';
    }
  name = g_strdup_printf (".%s.%s.barge-part", base, tag);
  return g_build_filename (dir, name, NULL);
}

char *
barged_file_access_temporary_path_for (const char *destination)
{
  g_autofree char *random = barged_random_hex (8);

  return barged_file_access_hidden_name (destination, random);
}

/* --- destinations ---------------------------------------------------------- */

/* Blocking, as the owner: the identity of @path's folder, or FALSE (with
 * @error naming @path) if the folder is missing or @path is a folder. The
 * folder of the previous path is not looked at again: a call's files
 * usually share one folder, and one lookup for them all is what the caller
 * would see anyway a moment later. */
static gboolean
check_one_target (const char *path, char **last_folder, BargedFileId *last_id, BargedFileId *folder_id,
                  GError **error)
{
  g_autofree char *folder = g_path_get_dirname (path);
  struct stat st;

  if (*last_folder == NULL || !g_str_equal (*last_folder, folder))
    {
      int rc = stat (folder, &st);

      if (rc != 0 || !S_ISDIR (st.st_mode))
        {
          int errsv = rc != 0 ? errno : 0;

          g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                       "the folder %s does not exist or is not a folder%s%s", folder,
                       errsv != 0 ? ": " : "", errsv != 0 ? g_strerror (errsv) : "");
          return FALSE;
        }
      file_id_from_stat (&st, last_id);
      g_free (*last_folder);
      *last_folder = g_steal_pointer (&folder);
    }
  *folder_id = *last_id;
  if (lstat (path, &st) == 0 && S_ISDIR (st.st_mode))
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "%s is a folder", path);
      return FALSE;
    }
  return TRUE;
}

/* One worker hop and one identity switch for all the paths of a call:
 * 10,000 files added 500 a call took 10,000 round trips to a worker
 * before, which was most of AddFiles' time. */
static void
check_targets_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  BARGE_TSAN_TASK_THREAD (task);
  AccessData *data = task_data;
  g_autoptr(GArray) folders = g_array_sized_new (FALSE, TRUE, sizeof (BargedFileId), g_strv_length (data->paths));
  g_autofree char *last_folder = NULL;
  BargedFileId last_id = { 0 };
  GError *error = NULL;
  Identity id;

  if (!identity_enter (&id, data->owner, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; error == NULL && data->paths[i] != NULL; i++)
    {
      BargedFileId folder_id = { 0 };

      if (check_one_target (data->paths[i], &last_folder, &last_id, &folder_id, &error))
        g_array_append_val (folders, folder_id);
    }
  identity_leave (&id);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&folders), (GDestroyNotify) g_array_unref);
}

void
barged_file_access_check_targets_async (guint32 owner, const char *const *paths, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = access_task_new (owner, NULL, cancellable, callback, user_data,
                                           barged_file_access_check_targets_async);
  AccessData *data = g_task_get_task_data (task);

  data->paths = g_strdupv ((char **) paths);
  BARGE_TSAN_RELEASE (task);
  g_task_run_in_thread (task, check_targets_thread);
}

GArray *
barged_file_access_check_targets_finish (GAsyncResult *res, GError **error)
{
  BARGE_TSAN_ACQUIRE (res); /* released by the thread */
  return g_task_propagate_pointer (G_TASK (res), error);
}

/* --- temporary files ------------------------------------------------------- */

typedef struct {
  int fd;
  guint32 owner;              /* whose it is: for barged_file_access_close() */
  guint64 offset;
  BargedFileId id;
  char *new_path;
  char *created;              /* the path of a file this open made, or NULL */
} OpenResult;

static void
open_result_free (OpenResult *r)
{
  /* (A result nobody took is freed with its task, maybe on the main
   * thread.) */
  barged_file_access_close (r->owner, r->fd);
  g_free (r->new_path);
  g_free (r->created);
  g_free (r);
}

/* The file at @path if it is ours, else -1 (whatever is there stays).
 * Read and write: a verified file's digest reads its bytes back after a
 * restart (barged-digest.h). */
static int
reopen_ours (const AccessData *data)
{
  struct stat st;
  int fd = open (data->path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

  if (fd < 0)
    {
      if (errno != ENOENT)
        g_message ("not reusing the temporary file %s: %s", data->path, g_strerror (errno));
      return -1;
    }
  if (fstat (fd, &st) != 0 || !is_our_temporary (&st, data->owner, &data->expected))
    {
      g_message ("%s is not the temporary file barged created: leaving it alone", data->path);
      close (fd);
      return -1;
    }
  return fd;
}

/* A new file with O_EXCL: at @path first, then under fresh names, in
 * @attempts tries in all. */
static int
create_temporary (const AccessData *data, guint attempts, char **created_path, int *errsv)
{
  for (guint attempt = 0; attempt < attempts; attempt++)
    {
      g_autofree char *candidate = attempt == 0 ? g_strdup (data->path)
                                                : barged_file_access_temporary_path_for (data->destination);
      int fd = open (candidate, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY,
                     0600);

      if (fd >= 0)
        {
          /* The owner's umask (fchmod, because the daemon's own umask
           * applies to open's mode and may differ). */
          if (fchmod (fd, 0666 & ~data->umask) != 0)
            g_debug ("cannot set the mode of %s: %s", candidate, g_strerror (errno));
          *created_path = g_steal_pointer (&candidate);
          return fd;
        }
      *errsv = errno;
      if (*errsv != EEXIST)
        return -1;
    }
  return -1;
}

/* What is done with the daemon's own identity once the file is open: a
 * regular file, cut to what may be kept. Returns NULL with @error set (and
 * @fd closed) on failure. */
static OpenResult *
open_result_new (const AccessData *data, int fd, char *created_path, int errsv, GError **error)
{
  g_autofree char *created = created_path;
  OpenResult *r;
  struct stat st;
  guint64 size;

  if (fd < 0)
    {
      g_propagate_error (error, error_from_errno (errsv, "cannot create a temporary file next to",
                                                  data->destination));
      return NULL;
    }
  if (!keep_if_regular (fd, &st, data->path, BARGE_ERROR_LOCAL_FILE, error))
    return NULL;
  size = created != NULL ? 0 : (guint64) st.st_size;
  if (size > data->keep)
    {
      if (ftruncate (fd, (off_t) data->keep) != 0)
        {
          errsv = errno;
          close (fd);
          g_propagate_error (error, error_from_errno (errsv, "cannot truncate", data->path));
          return NULL;
        }
      size = data->keep;
    }
  r = g_new0 (OpenResult, 1);
  r->fd = fd;
  r->owner = data->owner;
  r->offset = size;
  file_id_from_stat (&st, &r->id);
  r->created = g_strdup (created);
  if (created != NULL && !g_str_equal (created, data->path))
    r->new_path = g_steal_pointer (&created);
  return r;
}

/* Opens go in batches, one batch per owner at a time: the opens asked while
 * one is on a worker wait and go together in the next. A job of many small
 * files otherwise woke a worker thread, and then the main loop, for each
 * file; and a batch takes its owner's identity once. An owner whose file
 * system hangs holds up only that owner's opens (each batch, like each open
 * before, is a task of GIO's pool). Main thread only. */
#define MAX_OPEN_BATCH 64

typedef struct {
  guint32 owner;
  GQueue waiting;             /* GTask of barged_file_access_open_temporary_async */
  gboolean busy;              /* a batch is on a worker */
} OpenQueue;

typedef struct {
  GTask *task;                /* the caller's */
  OpenResult *result;         /* set on the worker, or */
  GError *error;
} OpenEntry;

static GHashTable *open_queues; /* owner → OpenQueue, while it has opens */
static guint64 open_batches;    /* batches started, for tests */
static gulong open_test_delay_us; /* BARGED_TEST_OPEN_DELAY_MS: a slow file system, for tests */

guint64
barged_file_access_count_open_batches (void)
{
  return open_batches;
}

static void
open_entry_free (OpenEntry *entry)
{
  g_clear_object (&entry->task);
  g_clear_pointer (&entry->result, open_result_free);
  g_clear_error (&entry->error);
  g_free (entry);
}

static void
open_batch_free (GPtrArray *batch)
{
  BARGE_TSAN_ACQUIRE (batch); /* the task's last reference may go on the worker */
  g_ptr_array_unref (batch);
}

static void
open_batch_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  BARGE_TSAN_TASK_THREAD (task);
  GPtrArray *batch = task_data;
  const AccessData *first = g_task_get_task_data (((OpenEntry *) g_ptr_array_index (batch, 0))->task);
  g_autofree int *fds = g_new (int, batch->len);
  g_autofree int *errsvs = g_new0 (int, batch->len);
  g_autofree char **created = g_new0 (char *, batch->len);
  GError *error = NULL;
  Identity id;

  if (open_test_delay_us > 0)
    g_usleep (open_test_delay_us);
  if (!identity_enter (&id, first->owner, &error))
    {
      for (guint i = 0; i < batch->len; i++)
        ((OpenEntry *) g_ptr_array_index (batch, i))->error = g_error_copy (error);
      g_error_free (error);
      g_task_return_boolean (task, TRUE);
      return;
    }
  for (guint i = 0; i < batch->len; i++)
    {
      const AccessData *data = g_task_get_task_data (((OpenEntry *) g_ptr_array_index (batch, i))->task);

      /* A file without a recorded identity was most likely never made:
       * O_EXCL at its path first saves a failed lookup per new file, and
       * what stands there is looked at only if something does. */
      if (!barged_file_id_is_set (&data->expected) &&
          ((fds[i] = create_temporary (data, 1, &created[i], &errsvs[i])) >= 0 || errsvs[i] != EEXIST))
        continue;
      fds[i] = reopen_ours (data);
      if (fds[i] < 0)
        fds[i] = create_temporary (data, MAX_NAME_ATTEMPTS, &created[i], &errsvs[i]);
    }
  identity_leave (&id);
  for (guint i = 0; i < batch->len; i++)
    {
      OpenEntry *entry = g_ptr_array_index (batch, i);

      entry->result = open_result_new (g_task_get_task_data (entry->task), fds[i], created[i], errsvs[i],
                                       &entry->error);
    }
  g_task_return_boolean (task, TRUE);
}

static void start_open_batch (OpenQueue *queue);

/* The finish is what orders the worker's last use of the task before its
 * release here (for TSan too): a fire-and-forget task would have none. */
static void
on_abandoned_removed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) done = barged_file_access_finish_files_finish (res, &error);

  if (error != NULL)
    g_debug ("the temporary file of a cancelled open stays: %s", error->message);
}

static void
on_open_batch_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  BARGE_TSAN_TASK_CALLBACK (res);
  OpenQueue *queue = user_data;
  GPtrArray *batch = g_task_get_task_data (G_TASK (res));

  /* The callbacks may ask for more opens: they wait for the next batch. */
  for (guint i = 0; i < batch->len; i++)
    {
      OpenEntry *entry = g_ptr_array_index (batch, i);
      g_autoptr(GTask) task = g_steal_pointer (&entry->task);
      GCancellable *cancellable = g_task_get_cancellable (task);

      /* A caller that cancelled meanwhile gets G_IO_ERROR_CANCELLED, and
       * nobody would take a file this open made: it goes (as the owner,
       * and only if it is still that file). */
      if (entry->result != NULL && entry->result->created != NULL && cancellable != NULL &&
          g_cancellable_is_cancelled (cancellable))
        {
          g_autoptr(GPtrArray) moves = g_ptr_array_new_with_free_func ((GDestroyNotify) barged_file_move_free);

          g_ptr_array_add (moves, barged_file_move_new (entry->result->created, NULL, &entry->result->id));
          barged_file_access_finish_files_async (((AccessData *) g_task_get_task_data (task))->owner, moves, NULL,
                                                 on_abandoned_removed, NULL);
        }
      if (entry->result != NULL)
        g_task_return_pointer (task, g_steal_pointer (&entry->result), (GDestroyNotify) open_result_free);
      else
        g_task_return_error (task, g_steal_pointer (&entry->error));
    }
  queue->busy = FALSE;
  start_open_batch (queue);
  if (!queue->busy)
    g_hash_table_remove (open_queues, GUINT_TO_POINTER (queue->owner));
}

static void
start_open_batch (OpenQueue *queue)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *batch;

  if (queue->busy || g_queue_is_empty (&queue->waiting))
    return;
  batch = g_ptr_array_new_with_free_func ((GDestroyNotify) open_entry_free);
  while (!g_queue_is_empty (&queue->waiting) && batch->len < MAX_OPEN_BATCH)
    {
      OpenEntry *entry = g_new0 (OpenEntry, 1);

      entry->task = g_queue_pop_head (&queue->waiting);
      g_ptr_array_add (batch, entry);
    }
  queue->busy = TRUE;
  open_batches++;
  task = g_task_new (NULL, NULL, on_open_batch_done, queue);
  g_task_set_source_tag (task, start_open_batch);
  g_task_set_task_data (task, batch, (GDestroyNotify) open_batch_free);
  BARGE_TSAN_RELEASE (task);
  g_task_run_in_thread (task, open_batch_thread);
}

static void
open_queue_free (OpenQueue *queue)
{
  g_assert (!queue->busy && g_queue_is_empty (&queue->waiting));
  g_free (queue);
}

void
barged_file_access_open_temporary_async (guint32 owner, guint32 umask, const char *destination,
                                         const char *path, const BargedFileId *expected, guint64 keep,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = access_task_new (owner, path, cancellable, callback, user_data,
                                 barged_file_access_open_temporary_async);
  AccessData *data = g_task_get_task_data (task);
  OpenQueue *queue;

  data->destination = g_strdup (destination);
  data->keep = keep;
  data->umask = umask & 0777;
  if (expected != NULL)
    data->expected = *expected;
  /* A caller that cancelled gets G_IO_ERROR_CANCELLED from the finish (the
   * task checks its cancellable): the file opened meanwhile is closed with
   * the result, and removed if the open made it (on_open_batch_done). */
  if (open_queues == NULL)
    {
      const char *delay = g_getenv ("BARGED_TEST_OPEN_DELAY_MS");

      open_queues = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) open_queue_free);
      if (delay != NULL)
        open_test_delay_us = (gulong) MIN (g_ascii_strtoull (delay, NULL, 10), 10000) * 1000;
    }
  queue = g_hash_table_lookup (open_queues, GUINT_TO_POINTER (owner));
  if (queue == NULL)
    {
      queue = g_new0 (OpenQueue, 1);
      queue->owner = owner;
      g_hash_table_insert (open_queues, GUINT_TO_POINTER (owner), queue);
    }
  g_queue_push_tail (&queue->waiting, task);
  start_open_batch (queue);
}

int
barged_file_access_open_temporary_finish (GAsyncResult *res, guint64 *offset, BargedFileId *id,
                                          char **new_path, GError **error)
{
  OpenResult *r;
  int fd;

  BARGE_TSAN_ACQUIRE (res);
  r = g_task_propagate_pointer (G_TASK (res), error);
  if (r == NULL)
    return -1;
  fd = r->fd;
  *offset = r->offset;
  if (id != NULL)
    *id = r->id;
  if (new_path != NULL)
    *new_path = g_steal_pointer (&r->new_path);
  r->fd = -1;
  open_result_free (r);
  return fd;
}

gboolean
barged_file_access_check_temporary (guint32 owner, const char *path, int fd, GError **error)
{
  Identity id;
  struct stat by_path, by_fd;
  int rc, errsv;

  if (fstat (fd, &by_fd) != 0)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_LOCAL_FILE, "cannot check the temporary file %s: %s",
                   path, g_strerror (errno));
      return FALSE;
    }
  if (!identity_enter (&id, owner, error))
    return FALSE;
  rc = lstat (path, &by_path);
  errsv = errno;
  identity_leave (&id);
  if (by_fd.st_nlink == 0 || (rc != 0 && errsv == ENOENT) ||
      (rc == 0 && (by_path.st_dev != by_fd.st_dev || by_path.st_ino != by_fd.st_ino)))
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_LOCAL_FILE,
                   "the temporary file %s was deleted, or its folder moved", path);
      return FALSE;
    }
  if (rc != 0)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_LOCAL_FILE, "cannot check the temporary file %s: %s",
                   path, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

/* --- Complete and Cancel ---------------------------------------------------- */

BargedFileMove *
barged_file_move_new (const char *from, const char *to, const BargedFileId *id)
{
  BargedFileMove *move = g_new0 (BargedFileMove, 1);

  move->from = g_strdup (from);
  move->to = g_strdup (to);
  if (id != NULL)
    move->id = *id;
  return move;
}

void
barged_file_move_free (BargedFileMove *move)
{
  g_free (move->from);
  g_free (move->to);
  g_free (move);
}

typedef struct {
  GArray *done;               /* gboolean per move */
  GError *error;              /* the first failed rename, or NULL */
} FinishResult;

static void
finish_result_free (FinishResult *r)
{
  g_array_unref (r->done);
  g_clear_error (&r->error);
  g_free (r);
}

/* One move, as the owner. Returns whether it is done; a failed rename
 * sets @error. */
static gboolean
run_move (const BargedFileMove *move, guint32 owner, GError **error)
{
  struct stat st;

  if (lstat (move->from, &st) != 0)
    {
      int errsv = errno;

      if (errsv != ENOENT)
        {
          g_propagate_error (error, error_from_errno (errsv, "cannot look at", move->from));
          return FALSE;
        }
      if (move->to == NULL)
        return TRUE;
      /* Renamed by an earlier Complete that a crash cut short. */
      if (barged_file_id_is_set (&move->id) && lstat (move->to, &st) == 0 &&
          (guint64) st.st_dev == move->id.device && (guint64) st.st_ino == move->id.inode)
        return TRUE;
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_LOCAL_FILE,
                   "the temporary file %s is gone", move->from);
      return FALSE;
    }
  if (!is_our_temporary (&st, owner, &move->id))
    {
      if (move->to == NULL)
        {
          g_message ("%s is not the temporary file barged wrote: not deleting it", move->from);
          return TRUE;
        }
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_LOCAL_FILE,
                   "%s is no longer the temporary file barged wrote: not moving it to %s",
                   move->from, move->to);
      return FALSE;
    }
  if (move->to == NULL)
    {
      if (unlink (move->from) != 0 && errno != ENOENT)
        g_debug ("cannot delete %s: %s", move->from, g_strerror (errno));
      return TRUE;
    }
  if (rename (move->from, move->to) != 0)
    {
      g_propagate_error (error, error_from_errno (errno, "cannot rename to", move->to));
      return FALSE;
    }
  return TRUE;
}

/* Makes the renames into @folder durable: a rename is a change of its
 * folder, and until the folder is flushed a power cut may undo it, after
 * the job's record is gone (the file then back under its temporary name,
 * which nothing owns any more). Opened as the owner, never through a link
 * at its last component; a file system that cannot flush a folder
 * (EINVAL, as some FUSE ones) has nothing to flush. */
static void
sync_folder (const char *folder, GError **error)
{
  int fd = open (folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd < 0)
    {
      g_debug ("cannot open %s to flush it: %s", folder, g_strerror (errno));
      return;
    }
  if (fsync (fd) != 0 && errno != EINVAL && errno != EROFS)
    g_propagate_error (error, error_from_errno (errno, "cannot flush the folder", folder));
  close (fd);
}

/* Each folder a file was renamed into, once, before the caller forgets
 * the job. A folder that fails to flush fails the call: the files are in
 * place, but the client must not be told they are safe. */
static void
sync_renamed_folders (GPtrArray *moves, FinishResult *r)
{
  g_autoptr(GHashTable) synced = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < moves->len; i++)
    {
      const BargedFileMove *move = g_ptr_array_index (moves, i);
      g_autoptr(GError) error = NULL;
      char *folder;

      if (move->to == NULL || !g_array_index (r->done, gboolean, i))
        continue;
      folder = g_path_get_dirname (move->to);
      if (!g_hash_table_add (synced, folder))
        continue;
      sync_folder (folder, &error);
      if (error != NULL && r->error == NULL)
        r->error = g_steal_pointer (&error);
    }
}

static void
finish_files_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  BARGE_TSAN_TASK_THREAD (task);
  AccessData *data = task_data;
  FinishResult *r = g_new0 (FinishResult, 1);
  Identity id;

  r->done = g_array_new (FALSE, TRUE, sizeof (gboolean));
  if (!identity_enter (&id, data->owner, &r->error))
    {
      g_array_set_size (r->done, data->moves->len);
      g_task_return_pointer (task, r, (GDestroyNotify) finish_result_free);
      return;
    }
  for (guint i = 0; i < data->moves->len; i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean done = run_move (g_ptr_array_index (data->moves, i), data->owner, &error);

      if (error != NULL && r->error == NULL)
        r->error = g_steal_pointer (&error);
      g_array_append_val (r->done, done);
    }
  sync_renamed_folders (data->moves, r);
  identity_leave (&id);
  g_task_return_pointer (task, r, (GDestroyNotify) finish_result_free);
}

void
barged_file_access_finish_files_async (guint32 owner, GPtrArray *moves,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = access_task_new (owner, NULL, cancellable, callback, user_data,
                                           barged_file_access_finish_files_async);
  AccessData *data = g_task_get_task_data (task);

  data->moves = g_ptr_array_ref (moves);
  BARGE_TSAN_RELEASE (task);
  g_task_run_in_thread (task, finish_files_thread);
}

GArray *
barged_file_access_finish_files_finish (GAsyncResult *res, GError **error)
{
  FinishResult *r;
  GArray *done;

  BARGE_TSAN_ACQUIRE (res);
  r = g_task_propagate_pointer (G_TASK (res), NULL);
  done = g_array_ref (r->done);
  if (r->error != NULL)
    g_propagate_error (error, g_steal_pointer (&r->error));
  finish_result_free (r);
  return done;
}

/* --- files read as the owner --------------------------------------------------- */

/* Opens @data's path read-only as its owner, never through a symbolic link
 * at the last component nor blocking on a FIFO: FALSE when barged could
 * not act as the owner; else @fd, or -1 with @errsv. */
static gboolean
open_read_as_owner (AccessData *data, int *fd, int *errsv, GError **error)
{
  Identity id;

  if (!identity_enter (&id, data->owner, error))
    return FALSE;
  *fd = open (data->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  *errsv = *fd < 0 ? errno : 0;
  identity_leave (&id);
  return TRUE;
}

/* What read_small_thread() read: a private key, maybe. Wiped when it
 * goes (its GBytes' last reference), as the credentials' passwords are,
 * so that no copy of it stays in freed memory for a core dump or the next
 * allocation to show. */
typedef struct {
  gsize size;
  guint8 data[];
} SmallFile;

static void
small_file_wipe_free (gpointer p)
{
  SmallFile *file = p;

  explicit_bzero (file->data, file->size);
  g_free (file);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SmallFile, small_file_wipe_free)

static void
read_small_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  BARGE_TSAN_TASK_THREAD (task);
  AccessData *data = task_data;
  GError *error = NULL;
  struct stat st;
  g_autoptr(SmallFile) buf = NULL;
  gsize got = 0;
  int fd, errsv = 0;

  if (!open_read_as_owner (data, &fd, &errsv, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (fd < 0)
    {
      g_task_return_new_error (task, BARGE_ERROR,
                               errsv == EACCES || errsv == EPERM ? BARGE_ERROR_ACCESS_DENIED
                                                                 : BARGE_ERROR_INVALID_ARGUMENT,
                               "cannot read %s: %s", data->path, g_strerror (errsv));
      return;
    }
  if (!keep_if_regular (fd, &st, data->path, BARGE_ERROR_INVALID_ARGUMENT, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if ((guint64) st.st_size > data->max_bytes)
    {
      close (fd);
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                               "%s has %" G_GUINT64_FORMAT " bytes, more than the %" G_GSIZE_FORMAT " accepted",
                               data->path, (guint64) st.st_size, data->max_bytes);
      return;
    }
  buf = g_malloc (sizeof (SmallFile) + data->max_bytes + 1);
  buf->size = data->max_bytes + 1;
  /* One byte more than allowed: a file that grew since the fstat shows. */
  errsv = barged_pread_all (fd, buf->data, data->max_bytes + 1, 0, &got);
  close (fd);
  if (errsv != 0 || got > data->max_bytes)
    {
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "cannot read %s: %s", data->path,
                               errsv != 0 ? g_strerror (errsv) : "it grew past the size accepted");
      return;
    }
  /* The bytes are not copied: the GBytes wipes them as it goes. */
  g_task_return_pointer (task, g_bytes_new_with_free_func (buf->data, got, small_file_wipe_free, buf),
                         (GDestroyNotify) g_bytes_unref);
  buf = NULL;
}

void
barged_file_access_read_small_async (guint32 owner, const char *path, gsize max_bytes, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = access_task_new (owner, path, cancellable, callback, user_data,
                                           barged_file_access_read_small_async);
  AccessData *data = g_task_get_task_data (task);

  data->max_bytes = max_bytes;
  BARGE_TSAN_RELEASE (task);
  g_task_run_in_thread (task, read_small_thread);
}

GBytes *
barged_file_access_read_small_finish (GAsyncResult *res, GError **error)
{
  BARGE_TSAN_ACQUIRE (res);
  return g_task_propagate_pointer (G_TASK (res), error);
}

/* --- upload sources --------------------------------------------------------- */

static void identity_from_stat (const struct stat *st, BargedSourceIdentity *identity);

typedef struct {
  int fd;
  guint32 owner;              /* whose it is: for barged_file_access_close() */
  BargedSourceIdentity identity;
} SourceResult;

static void
source_result_free (SourceResult *r)
{
  barged_file_access_close (r->owner, r->fd);
  g_free (r);
}

static void
open_source_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  BARGE_TSAN_TASK_THREAD (task);
  AccessData *data = task_data;
  GError *error = NULL;
  SourceResult *r;
  struct stat st;
  int fd, errsv = 0;

  if (!open_read_as_owner (data, &fd, &errsv, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (fd < 0)
    {
      g_task_return_new_error (task, BARGE_ERROR,
                               errsv == ENOENT || errsv == EACCES || errsv == ELOOP || errsv == ENOTDIR
                                 ? BARGE_ERROR_INVALID_ARGUMENT : BARGE_ERROR_LOCAL_FILE,
                               "cannot read %s: %s", data->path, g_strerror (errsv));
      return;
    }
  if (!keep_if_regular (fd, &st, data->path, BARGE_ERROR_INVALID_ARGUMENT, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  r = g_new0 (SourceResult, 1);
  r->fd = fd;
  r->owner = data->owner;
  identity_from_stat (&st, &r->identity);
  g_task_return_pointer (task, r, (GDestroyNotify) source_result_free);
}

static void
identity_from_stat (const struct stat *st, BargedSourceIdentity *identity)
{
  identity->size = (guint64) st->st_size;
  identity->mtime_ns = (gint64) st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
  identity->inode = (guint64) st->st_ino;
  identity->device = (guint64) st->st_dev;
}

gboolean
barged_file_access_stat_source (guint32 owner, const char *path, BargedSourceIdentity *identity,
                                GError **error)
{
  Identity id;
  struct stat st;
  int rc, errsv;

  if (!identity_enter (&id, owner, error))
    return FALSE;
  rc = lstat (path, &st);
  errsv = errno;
  identity_leave (&id);
  if (rc != 0)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_LOCAL_FILE_CHANGED,
                   "%s is gone: %s", path, g_strerror (errsv));
      return FALSE;
    }
  identity_from_stat (&st, identity);
  return TRUE;
}

void
barged_file_access_open_source_async (guint32 owner, const char *path, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = access_task_new (owner, path, cancellable, callback, user_data,
                                           barged_file_access_open_source_async);
  g_task_set_return_on_cancel (task, FALSE);
  BARGE_TSAN_RELEASE (task);
  g_task_run_in_thread (task, open_source_thread);
}

int
barged_file_access_open_source_finish (GAsyncResult *res, BargedSourceIdentity *identity, GError **error)
{
  SourceResult *r;
  int fd;

  BARGE_TSAN_ACQUIRE (res);
  r = g_task_propagate_pointer (G_TASK (res), error);
  if (r == NULL)
    return -1;
  fd = r->fd;
  if (identity != NULL)
    *identity = r->identity;
  r->fd = -1;
  source_result_free (r);
  return fd;
}

/* --- reading and writing what is open --------------------------------------- */

int
barged_pwrite_all (int fd, const void *data, gsize len, guint64 offset)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = pwrite (fd, (const guint8 *) data + done, len - done, (off_t) (offset + done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return errno;
      if (n == 0)
        return EIO;
      done += (gsize) n;
    }
  return 0;
}

int
barged_reserve_space (int fd, guint64 end, BargedSpace *space)
{
  struct stat st;
  struct statfs fs;
  guint64 allocated;

  memset (space, 0, sizeof *space);
  if (fstat (fd, &st) != 0 || fstatfs (fd, &fs) != 0)
    return 0;
  /* Only FAT is named: pathconf's FILESIZEBITS says 32 for tmpfs too,
   * which takes larger files. */
  space->fat = fs.f_type == MSDOS_SUPER_MAGIC;
  if (space->fat && end > BARGED_FAT_MAX_FILE_SIZE)
    return EFBIG;
  /* What the file lacks: its blocks already hold what was written, the
   * pieces of other connections included. */
  allocated = (guint64) st.st_blocks * 512;
  if (end <= allocated)
    return 0;
  space->lacking = end - allocated;
  space->free_bytes = (guint64) fs.f_bavail * (guint64) fs.f_bsize;
  /* Asked of statfs first, so that a file that cannot fit takes nothing:
   * fallocate may keep the blocks it got before ENOSPC, and only a
   * truncate gives them back, which could cut what another connection
   * writes meanwhile. The users' free space (f_bavail), not root's
   * reserve: a background download leaves that to the system. */
  if (space->free_bytes < space->lacking)
    return ENOSPC;
  if (fallocate (fd, FALLOC_FL_KEEP_SIZE, 0, (off_t) end) == 0)
    return 0;
  /* EFBIG: past the largest file the file system takes (s_maxbytes). */
  return errno == ENOSPC || errno == EDQUOT || errno == EFBIG ? errno : 0;
}

int
barged_release_space (int fd)
{
  struct stat st;
  guint64 block, used;

  if (fstat (fd, &st) != 0)
    return errno;
  /* Blocks up to the size's last block are the file's own (or a hole):
   * no truncate, no journal write, for a file that holds nothing extra. */
  block = MAX ((guint64) st.st_blksize, 4096);
  used = ((guint64) st.st_size + block - 1) / block * block;
  if ((guint64) st.st_blocks * 512 <= used)
    return 0;
  return ftruncate (fd, st.st_size) == 0 ? 0 : errno;
}

/* Each owner's closes: up to CLOSERS_PER_OWNER at once. One that hangs
 * holds its thread; later closes of that owner wait their turn in the
 * queue (their descriptors stay open meanwhile), other owners' go on.
 * (One pool for all once let four hung closes of one user hold every
 * user's descriptors open.) A pool per owner that ever closed a file,
 * kept: bounded by the users of the system. */
#define CLOSERS_PER_OWNER 2

static GMutex closers_lock;
static GHashTable *closers;   /* owner + 1 -> GThreadPool */

/* What ThreadSanitizer is told the hand-off goes through: the pool's
 * queue is invisible to it, and it watches descriptors for races. */
G_GNUC_UNUSED static int closers_sync;

static void
close_one (gpointer data, gpointer user_data)
{
  BARGE_TSAN_ACQUIRE (&closers_sync);
  close (GPOINTER_TO_INT (data) - 1);
}

void
barged_file_access_close (guint32 owner, int fd)
{
  GThreadPool *pool;

  if (fd < 0)
    return;
  g_mutex_lock (&closers_lock);
  if (closers == NULL)
    closers = g_hash_table_new (NULL, NULL);
  pool = g_hash_table_lookup (closers, GUINT_TO_POINTER (owner + 1));
  if (pool == NULL)
    {
      pool = g_thread_pool_new (close_one, NULL, CLOSERS_PER_OWNER, FALSE, NULL);
      g_hash_table_insert (closers, GUINT_TO_POINTER (owner + 1), pool);
    }
  g_mutex_unlock (&closers_lock);
  /* (+1: a NULL item is not taken.) */
  BARGE_TSAN_RELEASE (&closers_sync);
  g_thread_pool_push (pool, GINT_TO_POINTER (fd + 1), NULL);
}

int
barged_pread_all (int fd, void *buf, gsize len, guint64 offset, gsize *got)
{
  *got = 0;
  while (*got < len)
    {
      ssize_t n = pread (fd, (guint8 *) buf + *got, len - *got, (off_t) (offset + *got));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return errno;
      if (n == 0)
        break;
      *got += (gsize) n;
    }
  return 0;
}
