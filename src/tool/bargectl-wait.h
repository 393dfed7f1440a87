/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <barge.h>

#include "bargectl-parse.h"

G_BEGIN_DECLS

/* Synchronous transfers (`download`, `upload`): start a job, then follow it
 * with a progress bar until it is complete, failed, timed out or
 * interrupted. Everything a synchronous command shares lives here, so that
 * every such command has the same options, messages and exit statuses. */

typedef enum {
  BARGECTL_ON_TIMEOUT_LEAVE,  /* stop waiting, the job keeps running */
  BARGECTL_ON_TIMEOUT_CANCEL, /* cancel the job, then stop */
} BargectlTimeoutAction;

typedef struct _BargectlWaitOptions BargectlWaitOptions;

/* Prints the success line once the job is complete; @seconds is the time
 * spent waiting, @bytes what the job transferred. */
typedef void (*BargectlWaitSummaryFunc) (BargeJob *job,
                                         guint64 bytes,
                                         double seconds,
                                         gpointer user_data);

struct _BargectlWaitOptions {
  guint timeout_seconds;  /* 0: wait for ever */
  BargectlTimeoutAction on_timeout;
  gboolean complete;      /* call Complete() once the job is transferred */
  gboolean keep_on_error; /* leave a failed job instead of cancelling it */
  guint retry_delay;         /* 0: the daemon's default */
  gint64 no_progress_timeout; /* < 0: the daemon's default */
  gint64 bandwidth_limit;     /* bytes per second, 0 for none; < 0: the daemon's default */
  gint64 size_hint;           /* bytes, 0 for none; < 0: not given */
  gboolean keep_awake;        /* --keep-awake */
  const char *tls_ca_file;    /* --ca-file, absolute; NULL: none */
  const char *tls_client_certificate; /* --client-certificate: absolute or pkcs11:; NULL: none */
  const char *tls_crl_file;   /* --crl-file, absolute; NULL: none */
  const char * const *tls_ignore; /* --tls-ignore; NULL: none */
  gboolean tls_check_revocation; /* --check-revocation */
  BargeProxyUsage proxy_usage; /* --proxy, --no-proxy; SYSTEM (0): leave it */
  const char * const *proxies; /* --proxy */
  const char * const *proxy_bypass; /* --proxy-bypass */
  const char * const *headers;      /* --header "NAME: VALUE", or NULL */
  BargectlTimeOptions times;  /* --not-before, --window */
  BargectlWaitSummaryFunc print_summary; /* NULL: a generic line */
  gpointer user_data;
  /* Called once the job is transferred, before Complete(): a status other
   * than BARGECTL_EXIT_OK ends the wait with it and leaves the job. */
  int (*transferred) (BargeJob *job, gpointer user_data);
  gpointer transferred_data;
};

/* --timeout, --on-timeout, --no-complete, --keep-on-error, --retry-delay,
 * --no-progress-timeout, --limit, --keep-awake, --not-before and --window:
 * add them with g_option_context_add_main_entries() (GETTEXT_PACKAGE) so
 * that they show in the command's --help. */
const GOptionEntry *bargectl_wait_option_entries (void);
/* Only --timeout, --on-timeout and --no-complete: for waiting on a job
 * bargectl did not create (`wait`). */
const GOptionEntry *bargectl_wait_existing_option_entries (void);

/* Checks the values given to those options and fills @options (the
 * summary callback is left to the caller). On failure @error holds a
 * message for bargectl_usage_error(). */
gboolean bargectl_wait_options_init (BargectlWaitOptions *options, GError **error);

/* Adds the options of CreateJob that @options hold (--limit, --keep-awake,
 * --not-before, --window, the TLS and proxy options) to @create_options
 * (a{sv}). */
void bargectl_wait_add_create_options (const BargectlWaitOptions *options,
                                       GVariantBuilder *create_options);

/* Applies the settings of @options that are not CreateJob options
 * (--retry-delay, --no-progress-timeout, --header) to a new @job. */
gboolean bargectl_wait_apply_settings (BargeJob *job, const BargectlWaitOptions *options, GError **error);

/* SIGINT and SIGTERM while a job is being set up (CreateJob, AddFiles,
 * Resume: calls that block): noted instead of ending bargectl on the spot,
 * so that the job made so far is cancelled rather than left behind. */
typedef struct {
  guint sigint_id;
  guint sigterm_id;
  gboolean interrupted;
} BargectlSetupGuard;

void bargectl_setup_guard_begin (BargectlSetupGuard *guard);
/* Ends the guard: FALSE, with G_IO_ERROR_CANCELLED in @error (may be
 * NULL), when a signal came meanwhile; the caller cancels its job. */
gboolean bargectl_setup_guard_end (BargectlSetupGuard *guard, GError **error);

/* Creates a job with @options_dict (a{sv}, as for CreateJob), applies the
 * retry settings of @options, adds the files (@local_paths NULL-terminated,
 * the same length as @remote_urls) and resumes it. A job that cannot be
 * started, or whose start SIGINT or SIGTERM interrupted (G_IO_ERROR_CANCELLED),
 * is cancelled, so a failed start leaves nothing behind. */
BargeJob *bargectl_wait_start_job (BargeClient *client,
                                   const char *display_name,
                                   BargeJobType type,
                                   GVariant *options_dict,
                                   const char * const *remote_urls,
                                   const char * const *local_paths,
                                   GVariant *file_options,
                                   const BargectlWaitOptions *options,
                                   GError **error);

/* Follows @job until it is done, with a progress bar on a terminal, and
 * returns the exit status of the command: 0 only once the job is complete
 * (or transferred, when options->complete is FALSE). Ctrl-C asks whether
 * to cancel the job or leave it running (without a terminal: leaves it). */
int bargectl_wait_for_job (BargeClient *client, BargeJob *job, const BargectlWaitOptions *options);

/* Tells the user how to pick up a job that bargectl leaves behind. */
void bargectl_print_job_hints (BargeJob *job);
void bargectl_print_job_id_hints (const char *job_id);

G_END_DECLS
