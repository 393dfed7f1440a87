/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedFileAccess"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "barge.h"
#include "barged-file-access.h"

typedef struct {
  guint32 owner;
  guint32 umask;
  char *path;
  guint64 keep;
  GStrv renames;
  GStrv deletions;
} AccessData;

static void
access_data_free (AccessData *data)
{
  g_free (data->path);
  g_strfreev (data->renames);
  g_strfreev (data->deletions);
  g_free (data);
}

typedef struct {
  gboolean switched;
  int n_groups;
  gid_t groups[NGROUPS_MAX];
} Identity;

/* The raw syscalls act on the calling thread only; glibc's wrappers for
 * setgroups would change every thread of the daemon. */
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
  syscall (SYS_setfsgid, pw.pw_gid);
  syscall (SYS_setfsuid, owner);
  id->switched = TRUE;
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
}

static GError *
error_from_errno (int errsv, const char *what, const char *path)
{
  return g_error_new (BARGE_ERROR, errsv == ENOSPC || errsv == EDQUOT
                        ? BARGE_ERROR_DISK_FULL : BARGE_ERROR_LOCAL_FILE,
                      "%s %s: %s", what, path, g_strerror (errsv));
}

static void
check_target_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  AccessData *data = task_data;
  g_autofree char *folder = g_path_get_dirname (data->path);
  GError *error = NULL;
  Identity id;
  struct stat st;
  int errsv = 0;
  gboolean folder_ok, target_is_dir;

  if (!identity_enter (&id, data->owner, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  folder_ok = stat (folder, &st) == 0 && S_ISDIR (st.st_mode);
  if (!folder_ok)
    errsv = errno;
  target_is_dir = lstat (data->path, &st) == 0 && S_ISDIR (st.st_mode);
  identity_leave (&id);

  if (!folder_ok)
    g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                             "the folder %s does not exist or is not a folder%s%s", folder,
                             errsv != 0 ? ": " : "", errsv != 0 ? g_strerror (errsv) : "");
  else if (target_is_dir)
    g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                             "%s is a folder", data->path);
  else
    g_task_return_boolean (task, TRUE);
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

void
barged_file_access_check_target_async (guint32 owner, const char *path, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = access_task_new (owner, path, cancellable, callback, user_data,
                                           barged_file_access_check_target_async);
  g_task_run_in_thread (task, check_target_thread);
}

gboolean
barged_file_access_check_target_finish (GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

typedef struct {
  int fd;
  guint64 offset;
} OpenResult;

static void
open_result_free (OpenResult *r)
{
  if (r->fd >= 0)
    close (r->fd);
  g_free (r);
}

static void
open_temporary_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  AccessData *data = task_data;
  GError *error = NULL;
  Identity id;
  OpenResult *r;
  struct stat st;
  int fd, errsv = 0;
  guint64 size = 0;

  if (!identity_enter (&id, data->owner, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* O_EXCL first, to know whether the file is new: a new file gets the
   * owner's umask (fchmod, because the daemon's own umask applies to open's
   * mode and may differ); an existing one keeps its mode. Both as the owner. */
  fd = open (data->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd >= 0)
    {
      if (fchmod (fd, 0666 & ~data->umask) != 0)
        g_debug ("cannot set the mode of %s: %s", data->path, g_strerror (errno));
    }
  else if (errno == EEXIST)
    fd = open (data->path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    errsv = errno;
  identity_leave (&id);

  if (fd < 0)
    {
      g_task_return_error (task, error_from_errno (errsv, "cannot open", data->path));
      return;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_LOCAL_FILE,
                               "%s is not a regular file", data->path);
      return;
    }
  size = (guint64) st.st_size;
  if (size > data->keep)
    {
      if (ftruncate (fd, (off_t) data->keep) != 0)
        {
          errsv = errno;
          close (fd);
          g_task_return_error (task, error_from_errno (errsv, "cannot truncate", data->path));
          return;
        }
      size = data->keep;
    }
  r = g_new0 (OpenResult, 1);
  r->fd = fd;
  r->offset = size;
  g_task_return_pointer (task, r, (GDestroyNotify) open_result_free);
}

void
barged_file_access_open_temporary_async (guint32 owner, guint32 umask, const char *path, guint64 keep,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = access_task_new (owner, path, cancellable, callback, user_data,
                                           barged_file_access_open_temporary_async);
  ((AccessData *) g_task_get_task_data (task))->keep = keep;
  ((AccessData *) g_task_get_task_data (task))->umask = umask & 0777;
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, open_temporary_thread);
}

int
barged_file_access_open_temporary_finish (GAsyncResult *res, guint64 *offset, GError **error)
{
  OpenResult *r = g_task_propagate_pointer (G_TASK (res), error);
  int fd;

  if (r == NULL)
    return -1;
  fd = r->fd;
  *offset = r->offset;
  r->fd = -1;
  open_result_free (r);
  return fd;
}

typedef struct {
  GArray *renamed;            /* gboolean per rename */
  GError *error;              /* the first failure, or NULL */
} FinishResult;

static void
finish_result_free (FinishResult *r)
{
  g_array_unref (r->renamed);
  g_clear_error (&r->error);
  g_free (r);
}

static void
finish_files_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  AccessData *data = task_data;
  FinishResult *r = g_new0 (FinishResult, 1);
  Identity id;

  r->renamed = g_array_new (FALSE, TRUE, sizeof (gboolean));
  if (!identity_enter (&id, data->owner, &r->error))
    {
      g_task_return_pointer (task, r, (GDestroyNotify) finish_result_free);
      return;
    }
  for (guint i = 0; data->renames != NULL && data->renames[i] != NULL && data->renames[i + 1] != NULL; i += 2)
    {
      gboolean ok = rename (data->renames[i], data->renames[i + 1]) == 0;
      if (!ok && r->error == NULL)
        r->error = error_from_errno (errno, "cannot rename to", data->renames[i + 1]);
      g_array_append_val (r->renamed, ok);
    }
  for (guint i = 0; data->deletions != NULL && data->deletions[i] != NULL; i++)
    {
      if (unlink (data->deletions[i]) != 0 && errno != ENOENT)
        g_debug ("cannot delete %s: %s", data->deletions[i], g_strerror (errno));
    }
  identity_leave (&id);
  g_task_return_pointer (task, r, (GDestroyNotify) finish_result_free);
}

void
barged_file_access_finish_files_async (guint32 owner, GStrv renames, GStrv deletions,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = access_task_new (owner, NULL, cancellable, callback, user_data,
                                           barged_file_access_finish_files_async);
  AccessData *data = g_task_get_task_data (task);

  data->renames = g_strdupv (renames);
  data->deletions = g_strdupv (deletions);
  g_task_run_in_thread (task, finish_files_thread);
}

GArray *
barged_file_access_finish_files_finish (GAsyncResult *res, GError **error)
{
  FinishResult *r = g_task_propagate_pointer (G_TASK (res), NULL);
  GArray *renamed = g_array_ref (r->renamed);

  if (r->error != NULL)
    g_propagate_error (error, g_steal_pointer (&r->error));
  finish_result_free (r);
  return renamed;
}

static void identity_from_stat (const struct stat *st, BargedSourceIdentity *identity);

typedef struct {
  int fd;
  BargedSourceIdentity identity;
} SourceResult;

static void
source_result_free (SourceResult *r)
{
  if (r->fd >= 0)
    close (r->fd);
  g_free (r);
}

static void
open_source_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  AccessData *data = task_data;
  GError *error = NULL;
  Identity id;
  SourceResult *r;
  struct stat st;
  int fd, errsv = 0;

  if (!identity_enter (&id, data->owner, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  fd = open (data->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    errsv = errno;
  identity_leave (&id);

  if (fd < 0)
    {
      g_task_return_new_error (task, BARGE_ERROR,
                               errsv == ENOENT || errsv == EACCES || errsv == ELOOP || errsv == ENOTDIR
                                 ? BARGE_ERROR_INVALID_ARGUMENT : BARGE_ERROR_LOCAL_FILE,
                               "cannot read %s: %s", data->path, g_strerror (errsv));
      return;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                               "%s is not a regular file", data->path);
      return;
    }
  r = g_new0 (SourceResult, 1);
  r->fd = fd;
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
  g_task_run_in_thread (task, open_source_thread);
}

int
barged_file_access_open_source_finish (GAsyncResult *res, BargedSourceIdentity *identity, GError **error)
{
  SourceResult *r = g_task_propagate_pointer (G_TASK (res), error);
  int fd;

  if (r == NULL)
    return -1;
  fd = r->fd;
  if (identity != NULL)
    *identity = r->identity;
  r->fd = -1;
  source_result_free (r);
  return fd;
}
