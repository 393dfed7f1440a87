/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <barge.h>

G_BEGIN_DECLS

/* The documented exit status of bargectl (see `bargectl --help`). */
typedef enum {
  BARGECTL_EXIT_OK = 0,
  BARGECTL_EXIT_FAILURE = 1,
  BARGECTL_EXIT_USAGE = 2,
  BARGECTL_EXIT_UNREACHABLE = 3,
  BARGECTL_EXIT_TIMEOUT = 4,
  BARGECTL_EXIT_INTERRUPTED = 5,
} BargectlExit;

typedef struct _BargectlCommand BargectlCommand;

typedef int (*BargectlCommandFunc) (const BargectlCommand *command, int argc, char **argv);

struct _BargectlCommand {
  const char *name;
  const char *parameter_string; /* N_() */
  const char *summary;          /* N_() */
  BargectlCommandFunc run;
};

/* bargectl.c: option parsing shared by every command */
GOptionContext *bargectl_option_context_new (const BargectlCommand *command,
                                             const GOptionEntry *entries);
gboolean bargectl_option_context_parse (GOptionContext *context,
                                        const BargectlCommand *command,
                                        int *argc,
                                        char ***argv);
/* Text shown in --help before the exit statuses. */
void bargectl_option_context_set_details (GOptionContext *context, const char *details);
int bargectl_usage_error (const BargectlCommand *command, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* One function per command, each in the file of its idea. */
int bargectl_cmd_create (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_add (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_resume (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_suspend (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_cancel (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_complete (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_list (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_info (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_monitor (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_download (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_cancel_all (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_set (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_get (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_take_ownership (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_files (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_wait (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_describe_error (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_credentials (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_upload (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_reply (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_background_limit (const BargectlCommand *command, int argc, char **argv);
int bargectl_cmd_session_proxy (const BargectlCommand *command, int argc, char **argv);

G_END_DECLS
