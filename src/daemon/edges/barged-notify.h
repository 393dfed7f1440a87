/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "barge.h"

G_BEGIN_DECLS

/* NotifyFlags and NotifyCommandLine (BITS SetNotifyFlags and
 * SetNotifyCmdLine): the rules for what a client writes, reading them back
 * from the job database, and running the program as the job's owner. */

/* bits.md: program <= 260, parameters <= 4000 characters. */
#define BARGED_NOTIFY_MAX_PROGRAM 260
#define BARGED_NOTIFY_MAX_PARAMETERS 4000

/* NotifyFlags as a client writes them: unknown or repeated strings are
 * InvalidArgument. */
gboolean barged_notify_flags_parse (const char *const *flags, BargeNotifyFlags *out, GError **error);
/* A command line: "" (no program, then no arguments) or an absolute path,
 * within the limits above; else InvalidArgument or StringTooLong. */
gboolean barged_notify_command_line_check (const char *program, const char *const *args, GError **error);

/* The two settings as the job database keeps them (GVariant text, see
 * barged-store.h), checked as above. NULL when @text is NULL or damaged;
 * the flags come back as their names (a strv), with the mask in *flags. */
char **barged_notify_flags_from_text (const char *text, BargeNotifyFlags *flags);
GVariant *barged_notify_command_line_from_text (const char *text);

/* A notify program's run as asked: its owner, argv and the job it is
 * about. */
typedef struct {
  guint32 owner;
  char *program;
  char **args;
  char *job_id;
  char *job_state;
} BargedNotifyCall;

BargedNotifyCall *barged_notify_call_new (guint32 owner, const char *program, const char *const *args,
                                          const char *job_id, const char *job_state);
void barged_notify_call_free (BargedNotifyCall *call);

/* Runs @program with argv [@program, @args...] as @owner: when barged runs
 * as root it drops to the owner's uid, gid and groups before exec; otherwise
 * it runs as the daemon's user (session mode, where every job is ours). The
 * environment gets BARGE_JOB_ID and BARGE_JOB_STATE; its standard output
 * and error go to /dev/null, so that nothing it prints shows in barged's
 * log (the journal would credit the lines to barged). A program still
 * running after @timeout seconds (0: never) is killed. Finishes when the
 * program exits: FALSE with an error if it could not be started, else TRUE
 * and *exit_ok telling whether it exited with status 0 (never for a
 * program killed). barged_notifier_run_async() bounds how many run. */
void barged_notify_run_async (guint32 owner,
                              const char *program,
                              const char *const *args,
                              const char *job_id,
                              const char *job_state,
                              guint timeout,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
gboolean barged_notify_run_finish (GAsyncResult *res, gboolean *exit_ok, GError **error);

G_END_DECLS
