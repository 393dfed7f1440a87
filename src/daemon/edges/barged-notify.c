/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedNotify"

#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "barge.h"
#include "barged-notify.h"
#include "barged-stored-text.h"
#include "barge-tsan.h"

gboolean
barged_notify_flags_parse (const char *const *flags, BargeNotifyFlags *out, GError **error)
{
  g_autoptr(GFlagsClass) klass = g_type_class_ref (BARGE_TYPE_NOTIFY_FLAGS);
  guint mask = 0;

  /* Not barge_notify_flags_from_strv(): a client that gives a flag twice
   * or "none" is told so. */
  for (guint i = 0; flags != NULL && flags[i] != NULL; i++)
    {
      GFlagsValue *value = g_flags_get_value_by_nick (klass, flags[i]);
      guint flag = value != NULL ? value->value : 0;

      if (flag == 0 || (mask & flag) != 0)
        {
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                       flag == 0 ? "unknown notify flag \"%s\"" : "notify flag \"%s\" is given twice",
                       flags[i]);
          return FALSE;
        }
      mask |= flag;
    }
  if (out != NULL)
    *out = mask;
  return TRUE;
}

gboolean
barged_notify_command_line_check (const char *program, const char *const *args, GError **error)
{
  gsize length = 0;
  guint n_args = args != NULL ? g_strv_length ((char **) args) : 0;

  for (guint i = 0; i < n_args; i++)
    length += (g_utf8_validate (args[i], -1, NULL) ? (gsize) g_utf8_strlen (args[i], -1) : G_MAXSIZE / 2) + 1;
  if (!g_utf8_validate (program, -1, NULL) || g_utf8_strlen (program, -1) > BARGED_NOTIFY_MAX_PROGRAM ||
      length > BARGED_NOTIFY_MAX_PARAMETERS)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_STRING_TOO_LONG,
                   "the notify program takes at most %u characters and its arguments %u",
                   BARGED_NOTIFY_MAX_PROGRAM, BARGED_NOTIFY_MAX_PARAMETERS);
      return FALSE;
    }
  if (*program == '\0' && n_args > 0)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "arguments without a program");
      return FALSE;
    }
  if (*program != '\0' && !g_path_is_absolute (program))
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "the notify program must be an absolute path: %s", program);
      return FALSE;
    }
  return TRUE;
}

char **
barged_notify_flags_from_text (const char *text, BargeNotifyFlags *flags)
{
  g_autoptr(GVariant) value = barged_stored_text_parse (G_VARIANT_TYPE_STRING_ARRAY, text);
  g_auto(GStrv) strv = value != NULL ? g_variant_dup_strv (value, NULL) : NULL;

  if (strv == NULL || !barged_notify_flags_parse ((const char *const *) strv, flags, NULL))
    return NULL;
  return g_steal_pointer (&strv);
}

GVariant *
barged_notify_command_line_from_text (const char *text)
{
  g_autoptr(GVariant) value = barged_stored_text_parse (G_VARIANT_TYPE ("(sas)"), text);
  g_autofree const char **args = NULL;
  const char *program;

  if (value == NULL)
    return NULL;
  g_variant_get (value, "(&s^a&s)", &program, &args);
  if (!barged_notify_command_line_check (program, args, NULL))
    return NULL;
  return g_steal_pointer (&value);
}

/* What the child needs to become the owner, prepared before fork, because
 * only async-signal-safe calls may run between fork and exec. */
typedef struct {
  gboolean drop;
  uid_t uid;
  gid_t gid;
  gid_t *groups;
  int n_groups;
} Identity;

static void
identity_free (Identity *id)
{
  g_free (id->groups);
  g_free (id);
}

static void
child_setup (gpointer user_data)
{
  Identity *id = user_data;

  if (!id->drop)
    return;
  if (setgroups ((size_t) id->n_groups, id->groups) != 0 || setgid (id->gid) != 0 || setuid (id->uid) != 0)
    _exit (127);
}

static Identity *
identity_for (guint32 owner, char **home, GError **error)
{
  Identity *id = g_new0 (Identity, 1);
  struct passwd pw, *result = NULL;
  char buf[4096];
  int n = 64;

  if (geteuid () != 0 || owner == 0)
    return id;
  if (getpwuid_r (owner, &pw, buf, sizeof buf, &result) != 0 || result == NULL)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_NOTIFICATION_FAILED,
                   "the job's owner %u has no user account", owner);
      identity_free (id);
      return NULL;
    }
  id->drop = TRUE;
  id->uid = owner;
  id->gid = pw.pw_gid;
  id->groups = g_new (gid_t, n);
  if (getgrouplist (pw.pw_name, pw.pw_gid, id->groups, &n) < 0)
    {
      id->groups = g_renew (gid_t, id->groups, n);
      if (getgrouplist (pw.pw_name, pw.pw_gid, id->groups, &n) < 0)
        n = 0;
    }
  id->n_groups = n;
  *home = g_strdup (pw.pw_dir);
  return id;
}

/* What the caller's task keeps of the program, on the caller's thread. */
typedef struct {
  char *path;
  guint timeout;              /* seconds, 0: none */
} Program;

static void
program_free (Program *p)
{
  g_free (p->path);
  g_free (p);
}

/* A program between its start and its exit. */
typedef struct {
  GTask *task;
  GSubprocess *process;
  guint timeout;              /* seconds, 0: none */
  guint timeout_source;
} Running;

static void
running_free (Running *r)
{
  g_clear_handle_id (&r->timeout_source, g_source_remove);
  g_clear_object (&r->task);
  g_clear_object (&r->process);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Running, running_free)

static gboolean
timeout_cb (gpointer user_data)
{
  Running *r = user_data;
  const char *pid = g_subprocess_get_identifier (r->process);

  r->timeout_source = 0;
  g_message ("the notify program %s (pid %s) still runs after %u s ([Jobs] NotifyTimeout): killing it",
             ((const Program *) g_task_get_task_data (r->task))->path, pid != NULL ? pid : "?", r->timeout);
  g_subprocess_force_exit (r->process);
  return G_SOURCE_REMOVE;
}

static void
on_program_exited (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(Running) r = user_data;
  g_autoptr(GError) error = NULL;
  GSubprocess *process = G_SUBPROCESS (source);

  if (!g_subprocess_wait_finish (process, res, &error))
    {
      g_task_return_error (r->task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (r->task, g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0);
}

BargedNotifyCall *
barged_notify_call_new (guint32 owner, const char *program, const char *const *args, const char *job_id,
                        const char *job_state)
{
  BargedNotifyCall *call = g_new0 (BargedNotifyCall, 1);

  call->owner = owner;
  call->program = g_strdup (program);
  call->args = g_strdupv ((char **) args);
  call->job_id = g_strdup (job_id);
  call->job_state = g_strdup (job_state);
  return call;
}

void
barged_notify_call_free (BargedNotifyCall *call)
{
  g_free (call->program);
  g_strfreev (call->args);
  g_free (call->job_id);
  g_free (call->job_state);
  g_free (call);
}

/* On a worker: the owner's account comes from NSS (sssd, LDAP: the
 * network), and the spawn waits until the child has exec'd a program the
 * owner named, maybe on a hung NFS mount or the owner's own FUSE file
 * system. On the main thread either would stop the daemon for every
 * user. */
static void
spawn_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  BARGE_TSAN_TASK_THREAD (task);
  /* The spawn's own copy, for its worker. */
  BargedNotifyCall *spawn = task_data;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *home = NULL;
  GSubprocess *process;
  GError *error = NULL;
  Identity *id = identity_for (spawn->owner, &home, &error);

  if (id == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (id->drop)
    {
      /* Nothing of root's environment reaches the owner's program. */
      const char *const env[] = { "PATH=/usr/local/bin:/usr/bin:/bin", NULL };
      g_subprocess_launcher_set_environ (launcher, (char **) env);
      g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
    }
  g_subprocess_launcher_setenv (launcher, "BARGE_JOB_ID", spawn->job_id, TRUE);
  g_subprocess_launcher_setenv (launcher, "BARGE_JOB_STATE", spawn->job_state, TRUE);
  g_subprocess_launcher_set_cwd (launcher, "/");
  g_subprocess_launcher_set_child_setup (launcher, child_setup, id, (GDestroyNotify) identity_free);

  g_ptr_array_add (argv, spawn->program);
  for (guint i = 0; spawn->args != NULL && spawn->args[i] != NULL; i++)
    g_ptr_array_add (argv, spawn->args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  if (process == NULL)
    {
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_NOTIFICATION_FAILED,
                               "cannot run %s: %s", spawn->program, error->message);
      g_error_free (error);
      return;
    }
  g_task_return_pointer (task, process, g_object_unref);
}

/* Back on the caller's thread: the exit is waited for there (GSubprocess
 * watches the child on GLib's own worker). */
static void
on_spawned (GObject *source, GAsyncResult *res, gpointer user_data)
{
  BARGE_TSAN_TASK_CALLBACK (res);
  g_autoptr(GTask) task = user_data;
  /* The caller's copy: the spawn's own may go with its worker. */
  const Program *program = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GSubprocess) process = g_task_propagate_pointer (G_TASK (res), &error);
  Running *r;

  if (process == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  r = g_new0 (Running, 1);
  r->task = g_steal_pointer (&task);
  r->process = g_object_ref (process);
  r->timeout = program->timeout;
  if (program->timeout > 0)
    r->timeout_source = g_timeout_add_seconds (program->timeout, timeout_cb, r);
  g_subprocess_wait_async (process, NULL, on_program_exited, r);
}

void
barged_notify_run_async (guint32 owner, const char *program, const char *const *args,
                         const char *job_id, const char *job_state, guint timeout,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  g_autoptr(GTask) spawn_task = g_task_new (NULL, NULL, on_spawned, task);
  Program *kept = g_new0 (Program, 1);

  g_task_set_source_tag (task, barged_notify_run_async);
  kept->path = g_strdup (program);
  kept->timeout = timeout;
  g_task_set_task_data (task, kept, (GDestroyNotify) program_free);
  g_task_set_task_data (spawn_task, barged_notify_call_new (owner, program, args, job_id, job_state),
                        (GDestroyNotify) barged_notify_call_free);
  BARGE_TSAN_RELEASE (spawn_task);
  g_task_run_in_thread (spawn_task, spawn_thread);
}

gboolean
barged_notify_run_finish (GAsyncResult *res, gboolean *exit_ok, GError **error)
{
  GError *local = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (res), &local);

  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (exit_ok != NULL)
    *exit_ok = ok;
  return TRUE;
}
