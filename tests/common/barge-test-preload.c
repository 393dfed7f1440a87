/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Faults a test preloads (LD_PRELOAD) into barged or into itself, each
 * asked for by the environment:
 * - a failing write, as a disk that returns an I/O error would make it:
 *   with BARGE_TEST_FAIL_WRITE_AT (a byte offset) and
 *   BARGE_TEST_FAIL_WRITE_IN (a folder), the first pwrite to a file in
 *   that folder that covers the offset waits 300 ms, so that the buffers
 *   after it queue up behind it, then fails with EIO; every other write,
 *   and that one's retries, go through;
 * - a slow user database, as NSS over the network (sssd, LDAP) may be:
 *   with BARGE_TEST_SLOW_GETPWUID_MS, getpwuid_r of any uid but 0 waits
 *   that long first;
 * - a witness of closes on the main thread, where a close() that hangs
 *   (NFS, a user's FUSE mount) would hold every client: with
 *   BARGE_TEST_WATCH_CLOSE_IN (a folder) and BARGE_TEST_MAIN_CLOSE_LOG (a
 *   file outside it), a close() of a file in that folder on the process's
 *   main thread appends the file's path to the log;
 * - a file system that hangs at a flush (NFS, a user's FUSE mount): with
 *   BARGE_TEST_SLOW_FLUSH_IN (a folder) and BARGE_TEST_SLOW_FLUSH_MS, an
 *   fdatasync, syncfs or close (which flushes on NFS and FUSE) of a file
 *   in that folder waits that long first;
 * - a witness of folder flushes: with BARGE_TEST_FOLDER_SYNC_LOG (a
 *   file), an fsync of a folder appends the folder's path to the log;
 * - Ctrl-C in the middle of a client's calls: with
 *   BARGE_TEST_SIGINT_AT_CALL (a D-Bus method name), the process raises
 *   SIGINT as it makes its first call of that method (the message is made
 *   and sent as usual). */
/* pwrite and pwrite64 are defined below by those names: not the one
 * renamed to the other, as with 64-bit offsets asked for (the same on
 * 64-bit systems). */
#undef _FILE_OFFSET_BITS
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

typedef ssize_t (*PwriteFunc) (int fd, const void *buf, size_t count, off_t offset);

static long long fail_at = -1;
static char fail_in[PATH_MAX];
static int failed;
static long slow_getpwuid_ms;
static char watch_close_in[PATH_MAX];
static char main_close_log[PATH_MAX];
static char slow_sync_in[PATH_MAX];
static long slow_sync_ms;
static const char *sigint_at_call;
static const char *folder_sync_log;

__attribute__ ((constructor)) static void
read_environment (void)
{
  const char *at = getenv ("BARGE_TEST_FAIL_WRITE_AT");
  const char *in = getenv ("BARGE_TEST_FAIL_WRITE_IN");
  const char *slow = getenv ("BARGE_TEST_SLOW_GETPWUID_MS");
  const char *watch = getenv ("BARGE_TEST_WATCH_CLOSE_IN");
  const char *log = getenv ("BARGE_TEST_MAIN_CLOSE_LOG");
  const char *sync_in = getenv ("BARGE_TEST_SLOW_FLUSH_IN");
  const char *sync_ms = getenv ("BARGE_TEST_SLOW_FLUSH_MS");

  sigint_at_call = getenv ("BARGE_TEST_SIGINT_AT_CALL");
  folder_sync_log = getenv ("BARGE_TEST_FOLDER_SYNC_LOG");
  if (slow != NULL)
    slow_getpwuid_ms = atol (slow);
  if (watch != NULL && log != NULL && strlen (watch) + 2 <= sizeof watch_close_in &&
      strlen (log) < sizeof main_close_log)
    {
      snprintf (watch_close_in, sizeof watch_close_in, "%s/", watch);
      snprintf (main_close_log, sizeof main_close_log, "%s", log);
    }
  if (sync_in != NULL && sync_ms != NULL && strlen (sync_in) + 2 <= sizeof slow_sync_in)
    {
      snprintf (slow_sync_in, sizeof slow_sync_in, "%s/", sync_in);
      slow_sync_ms = atol (sync_ms);
    }

  if (at == NULL || in == NULL || strlen (in) + 2 > sizeof fail_in)
    return;
  fail_at = atoll (at);
  snprintf (fail_in, sizeof fail_in, "%s/", in);
}

/* The path @fd is open on, in @path (PATH_MAX bytes); FALSE if unknown. */
static int
fd_path (int fd, char *path)
{
  char proc[64];
  ssize_t n;

  snprintf (proc, sizeof proc, "/proc/self/fd/%d", fd);
  n = readlink (proc, path, PATH_MAX - 1);
  if (n < 0)
    return 0;
  path[n] = '\0';
  return 1;
}

/* Whether this write is the one to fail; only ever once. */
static int
fails (int fd, size_t count, off_t offset)
{
  char path[PATH_MAX];

  if (fail_at < 0 || __atomic_load_n (&failed, __ATOMIC_ACQUIRE) || offset > fail_at ||
      (long long) offset + (long long) count <= fail_at || !fd_path (fd, path))
    return 0;
  if (strncmp (path, fail_in, strlen (fail_in)) != 0)
    return 0;
  return !__atomic_exchange_n (&failed, 1, __ATOMIC_ACQ_REL);
}

static ssize_t
failing_pwrite (const char *symbol, int fd, const void *buf, size_t count, off_t offset)
{
  PwriteFunc real = (PwriteFunc) dlsym (RTLD_NEXT, symbol);

  if (fails (fd, count, offset))
    {
      struct timespec wait = { 0, 300 * 1000 * 1000 };

      nanosleep (&wait, NULL);
      errno = EIO;
      return -1;
    }
  return real (fd, buf, count, offset);
}

ssize_t
pwrite (int fd, const void *buf, size_t count, off_t offset)
{
  return failing_pwrite ("pwrite", fd, buf, count, offset);
}

ssize_t
pwrite64 (int fd, const void *buf, size_t count, off64_t offset)
{
  return failing_pwrite ("pwrite64", fd, buf, count, offset);
}

typedef int (*GetpwuidFunc) (uid_t uid, struct passwd *pwd, char *buf, size_t buflen, struct passwd **result);

int
getpwuid_r (uid_t uid, struct passwd *pwd, char *buf, size_t buflen, struct passwd **result)
{
  GetpwuidFunc real = (GetpwuidFunc) dlsym (RTLD_NEXT, "getpwuid_r");

  if (slow_getpwuid_ms > 0 && uid != 0)
    {
      struct timespec wait = { slow_getpwuid_ms / 1000, (slow_getpwuid_ms % 1000) * 1000 * 1000 };

      nanosleep (&wait, NULL);
    }
  return real (uid, pwd, buf, buflen, result);
}

static void maybe_slow_sync (int fd);

typedef int (*CloseFunc) (int fd);

int
close (int fd)
{
  CloseFunc real = (CloseFunc) dlsym (RTLD_NEXT, "close");
  char path[PATH_MAX];

  if (watch_close_in[0] != '\0' && gettid () == getpid () && fd_path (fd, path) &&
      strncmp (path, watch_close_in, strlen (watch_close_in)) == 0)
    {
      int log = open (main_close_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

      if (log >= 0)
        {
          size_t len = strlen (path);

          path[len] = '\n';
          if (write (log, path, len + 1) < 0)
            {
              /* Nothing to do: the test then finds no log. */
            }
          real (log);
        }
    }
  maybe_slow_sync (fd);
  return real (fd);
}

/* Waits slow_sync_ms first when @fd is a file in slow_sync_in. */
static void
maybe_slow_sync (int fd)
{
  char path[PATH_MAX];

  if (slow_sync_in[0] != '\0' && fd_path (fd, path) && strncmp (path, slow_sync_in, strlen (slow_sync_in)) == 0)
    {
      struct timespec wait = { slow_sync_ms / 1000, (slow_sync_ms % 1000) * 1000 * 1000 };

      nanosleep (&wait, NULL);
    }
}

typedef int (*SyncFunc) (int fd);

int
fdatasync (int fd)
{
  SyncFunc real = (SyncFunc) dlsym (RTLD_NEXT, "fdatasync");

  maybe_slow_sync (fd);
  return real (fd);
}

/* Appends @fd's path to @log_path. */
static void
log_fd_path (const char *log_path, int fd)
{
  CloseFunc real_close = (CloseFunc) dlsym (RTLD_NEXT, "close");
  char path[PATH_MAX + 1];
  size_t len;
  int log;

  if (!fd_path (fd, path))
    return;
  log = open (log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0)
    return;
  len = strlen (path);
  path[len] = '\n';
  if (write (log, path, len + 1) < 0)
    {
      /* Nothing to do: the test then finds no line. */
    }
  real_close (log);
}

int
fsync (int fd)
{
  SyncFunc real = (SyncFunc) dlsym (RTLD_NEXT, "fsync");
  struct stat st;

  if (folder_sync_log != NULL && fstat (fd, &st) == 0 && S_ISDIR (st.st_mode))
    log_fd_path (folder_sync_log, fd);
  return real (fd);
}

int
syncfs (int fd)
{
  SyncFunc real = (SyncFunc) dlsym (RTLD_NEXT, "syncfs");

  maybe_slow_sync (fd);
  return real (fd);
}

/* GDBusMessage *g_dbus_message_new_method_call (const gchar *name, const
 * gchar *path, const gchar *interface_, const gchar *method), without
 * GLib's headers: this module links to nothing but libc. */
typedef void *(*NewMethodCallFunc) (const char *name, const char *path, const char *interface_, const char *method);

void *g_dbus_message_new_method_call (const char *name, const char *path, const char *interface_, const char *method);

void *
g_dbus_message_new_method_call (const char *name, const char *path, const char *interface_, const char *method)
{
  static NewMethodCallFunc real;
  static int raised;

  if (real == NULL)
    real = (NewMethodCallFunc) dlsym (RTLD_NEXT, "g_dbus_message_new_method_call");
  if (sigint_at_call != NULL && !raised && method != NULL && strcmp (method, sigint_at_call) == 0)
    {
      raised = 1;
      raise (SIGINT);
    }
  return real (name, path, interface_, method);
}
