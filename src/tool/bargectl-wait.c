/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>
#include <glib-unix.h>
#include <glib/gi18n.h>

#include "bargectl.h"
#include "bargectl-client.h"
#include "bargectl-output.h"
#include "bargectl-parse.h"
#include "bargectl-progress.h"
#include "bargectl-terminal.h"
#include "bargectl-wait.h"

/* Waiting for a synchronous transfer (`download`, `upload`): reacts to the
 * job's notify signals, draws the bar, completes the job, and handles
 * Ctrl-C, --timeout and a service that goes away. */

/* Why bargectl cancels the job: it decides the message and exit status. */
typedef enum {
  CANCEL_REASON_FAILED,  /* the job failed; --keep-on-error was not given */
  CANCEL_REASON_USER,    /* the answer to the Ctrl-C question */
  CANCEL_REASON_TIMEOUT, /* --timeout with --on-timeout=cancel */
} CancelReason;

typedef struct {
  BargeClient *client;
  BargeJob *job;
  const BargectlWaitOptions *options;
  char *job_id;
  GMainLoop *loop;
  int exit_code;
  gboolean done;
  gboolean bar;          /* draw the progress bar */
  gboolean bar_visible;  /* a bar line is on screen, not yet ended */
  gboolean interactive;  /* Ctrl-C asks what to do */
  gboolean asking;
  gboolean completing;
  gboolean cancelling;
  CancelReason cancel_reason;
  BargectlRate rate;
  gint64 start_time;
  gulong notify_id;
  gulong removed_id;
  guint redraw_id;
  guint tick_id;
  guint resize_id;
  guint timeout_id;
  guint sigint_id;
  guint sigterm_id;
  guint stdin_id;
  gulong service_id;
} Waiter;

static void waiter_handle_state (Waiter *waiter);

/* 30 days: longer than that is no longer "waiting" but a mistake. */
#define MAX_TIMEOUT_SECONDS (30u * 24 * 3600)

static char *opt_timeout;
static char *opt_on_timeout;
static gboolean opt_no_complete;
static gboolean opt_keep_on_error;
static char *opt_retry_delay;
static char *opt_no_progress_timeout;
static char *opt_limit;
static char *opt_size_hint;
static gboolean opt_keep_awake;
static char *opt_not_before;
static char *opt_window;
static char *opt_ca_file;
static char *opt_client_certificate;
static char *opt_crl_file;
static char **opt_tls_ignore;
static gboolean opt_check_revocation;
static char **opt_proxies;
static char **opt_proxy_bypass;
static gboolean opt_no_proxy;
static char **opt_headers;
/* Absolute: the daemon reads them as you, not from where you are. */
static char *ca_file;
static char *client_certificate;
static char *crl_file;

/* The options of waiting, shared by every synchronous command. */
#define WAIT_ENTRIES \
  { "timeout", 0, 0, G_OPTION_ARG_STRING, &opt_timeout, \
    N_("Stop waiting after DURATION (seconds, or 90s, 10m, 2h) and exit with status 4"), \
    N_("DURATION") }, \
  { "on-timeout", 0, 0, G_OPTION_ARG_STRING, &opt_on_timeout, \
    N_("What happens to the job when the timeout expires: leave (the default: it keeps running) or cancel"), \
    N_("ACTION") }, \
  { "no-complete", 0, 0, G_OPTION_ARG_NONE, &opt_no_complete, \
    N_("Do not complete the job: the files stay hidden until “bargectl complete JOB”"), NULL },

static const GOptionEntry wait_entries[] = {
  WAIT_ENTRIES
  { "keep-on-error", 0, 0, G_OPTION_ARG_NONE, &opt_keep_on_error,
    N_("Keep a failed job for inspection instead of cancelling it"), NULL },
  { "retry-delay", 0, 0, G_OPTION_ARG_STRING, &opt_retry_delay,
    N_("Wait DURATION before retrying after a transient error (the service's default: 10m)"),
    N_("DURATION") },
  { "no-progress-timeout", 0, 0, G_OPTION_ARG_STRING, &opt_no_progress_timeout,
    N_("Give up after DURATION of transient errors without progress (the service's default: 14d)"),
    N_("DURATION") },
  BARGECTL_LIMIT_OPTION_ENTRY (opt_limit),
  BARGECTL_SIZE_HINT_OPTION_ENTRY (opt_size_hint),
  BARGECTL_KEEP_AWAKE_OPTION_ENTRY (opt_keep_awake),
  BARGECTL_TIME_OPTION_ENTRIES (opt_not_before, opt_window),
  /* How the job connects. */
  { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_ca_file,
    N_("Trust the certificate authorities in FILE (PEM) too, for this job only"), N_("FILE") },
  { "crl-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_crl_file,
    N_("Refuse a certificate of the --ca-file authorities that a revocation list in FILE (PEM) revokes"),
    N_("FILE") },
  { "tls-ignore", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_tls_ignore,
    N_("Accept a certificate of the --ca-file authorities despite this fault: expired or wrong-host "
       "(repeatable)"), N_("FAULT") },
  { "check-revocation", 0, 0, G_OPTION_ARG_NONE, &opt_check_revocation,
    N_("Refuse a server whose certificate, or one of its issuers, its authority's revocation list revokes or "
       "does not cover (the lists are fetched from the certificates' CRL distribution points; OCSP responders are "
       "asked for certificates that name none)"), NULL },
  { "proxy", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_proxies,
    N_("Go through this proxy, not the daemon's (SCHEME://HOST:PORT; repeatable: tried in order)"), N_("URL") },
  { "proxy-bypass", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_proxy_bypass,
    N_("Reach this host, domain, address or range directly, not through --proxy (repeatable)"), N_("HOST") },
  { "no-proxy", 0, 0, G_OPTION_ARG_NONE, &opt_no_proxy,
    N_("Connect directly, whatever the daemon's proxy settings"), NULL },
  { "header", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_headers,
    N_("Send this HTTP header with every request of the job (repeatable)"), N_("“NAME: VALUE”") },
  { "client-certificate", 0, 0, G_OPTION_ARG_FILENAME, &opt_client_certificate,
    N_("Show this client certificate when a server asks: a PEM file with the certificate and its key, or a "
       "pkcs11: URI"), N_("FILE") },
  { NULL }
};

static const GOptionEntry wait_existing_entries[] = {
  WAIT_ENTRIES
  { NULL }
};

const GOptionEntry *
bargectl_wait_option_entries (void)
{
  return wait_entries;
}

const GOptionEntry *
bargectl_wait_existing_option_entries (void)
{
  return wait_existing_entries;
}

/* --ca-file, --client-certificate, --crl-file, --tls-ignore,
 * --check-revocation, --proxy, --proxy-bypass, --no-proxy. */
static gboolean
connection_options_init (BargectlWaitOptions *options, GError **error)
{
  if ((opt_crl_file != NULL || opt_tls_ignore != NULL) && opt_ca_file == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--crl-file and --tls-ignore are about the --ca-file authorities: give --ca-file too"));
      return FALSE;
    }
  if (opt_no_proxy && opt_proxies != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--no-proxy and --proxy exclude each other"));
      return FALSE;
    }
  if (opt_proxy_bypass != NULL && opt_proxies == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--proxy-bypass is about --proxy: give --proxy too"));
      return FALSE;
    }
  if (opt_ca_file != NULL && ca_file == NULL)
    ca_file = g_canonicalize_filename (opt_ca_file, NULL);
  if (opt_client_certificate != NULL && client_certificate == NULL)
    client_certificate = g_str_has_prefix (opt_client_certificate, "pkcs11:")
                           ? g_strdup (opt_client_certificate)
                           : g_canonicalize_filename (opt_client_certificate, NULL);
  if (opt_crl_file != NULL && crl_file == NULL)
    crl_file = g_canonicalize_filename (opt_crl_file, NULL);
  options->tls_ca_file = ca_file;
  options->tls_client_certificate = client_certificate;
  options->tls_crl_file = crl_file;
  options->tls_ignore = (const char * const *) opt_tls_ignore;
  options->tls_check_revocation = opt_check_revocation;
  options->proxy_usage = opt_no_proxy ? BARGE_PROXY_USAGE_NONE
                         : opt_proxies != NULL ? BARGE_PROXY_USAGE_OVERRIDE : BARGE_PROXY_USAGE_SYSTEM;
  options->proxies = (const char * const *) opt_proxies;
  options->proxy_bypass = (const char * const *) opt_proxy_bypass;
  options->headers = (const char * const *) opt_headers;
  return TRUE;
}

gboolean
bargectl_wait_options_init (BargectlWaitOptions *options, GError **error)
{
  guint64 seconds = 0;

  *options = (BargectlWaitOptions) {
    .on_timeout = BARGECTL_ON_TIMEOUT_LEAVE,
    .complete = !opt_no_complete,
    .keep_on_error = opt_keep_on_error,
    .no_progress_timeout = -1,
    .bandwidth_limit = -1,
    .size_hint = -1,
    .keep_awake = opt_keep_awake,
  };
  if (!connection_options_init (options, error))
    return FALSE;
  if (opt_timeout != NULL)
    {
      if (!bargectl_parse_duration (opt_timeout, MAX_TIMEOUT_SECONDS, &seconds, error))
        return FALSE;
      if (seconds == 0)
        {
          g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                               _("The timeout must be at least one second"));
          return FALSE;
        }
      options->timeout_seconds = (guint) seconds;
    }
  if (opt_on_timeout != NULL)
    {
      if (g_str_equal (opt_on_timeout, "leave"))
        options->on_timeout = BARGECTL_ON_TIMEOUT_LEAVE;
      else if (g_str_equal (opt_on_timeout, "cancel"))
        options->on_timeout = BARGECTL_ON_TIMEOUT_CANCEL;
      else
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Unknown --on-timeout action “%s”; use leave or cancel"), opt_on_timeout);
          return FALSE;
        }
      if (opt_timeout == NULL)
        {
          g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                               _("--on-timeout needs --timeout"));
          return FALSE;
        }
    }
  if (opt_retry_delay != NULL)
    {
      if (!bargectl_parse_duration (opt_retry_delay, G_MAXUINT32, &seconds, error))
        return FALSE;
      options->retry_delay = (guint) seconds;
    }
  if (opt_no_progress_timeout != NULL)
    {
      if (!bargectl_parse_duration (opt_no_progress_timeout, G_MAXUINT32, &seconds, error))
        return FALSE;
      options->no_progress_timeout = (gint64) seconds;
    }
  if (opt_limit != NULL)
    {
      guint64 limit;

      if (!bargectl_parse_rate (opt_limit, &limit, error))
        {
          g_prefix_error (error, "--limit: ");
          return FALSE;
        }
      options->bandwidth_limit = (gint64) limit;
    }
  if (opt_size_hint != NULL)
    {
      guint64 hint;

      if (!bargectl_parse_size (opt_size_hint, &hint, error))
        {
          g_prefix_error (error, "--size-hint: ");
          return FALSE;
        }
      options->size_hint = (gint64) hint;
    }
  return bargectl_time_options_parse (opt_not_before, opt_window, &options->times, error);
}

void
bargectl_wait_add_create_options (const BargectlWaitOptions *options, GVariantBuilder *create_options)
{
  if (options->bandwidth_limit >= 0)
    g_variant_builder_add (create_options, "{sv}", "bandwidth-limit",
                           g_variant_new_uint64 ((guint64) options->bandwidth_limit));
  if (options->size_hint >= 0)
    g_variant_builder_add (create_options, "{sv}", "size-hint", g_variant_new_uint64 ((guint64) options->size_hint));
  if (options->keep_awake)
    g_variant_builder_add (create_options, "{sv}", "keep-awake", g_variant_new_boolean (TRUE));
  bargectl_time_options_add (&options->times, create_options);
  /* At creation: a CA file the daemon cannot read leaves no job behind. */
  if (options->tls_ca_file != NULL || options->tls_client_certificate != NULL || options->tls_crl_file != NULL ||
      options->tls_ignore != NULL || options->tls_check_revocation)
    {
      GVariantBuilder tls;

      g_variant_builder_init (&tls, G_VARIANT_TYPE_VARDICT);
      if (options->tls_ca_file != NULL)
        g_variant_builder_add (&tls, "{sv}", "ca-file", g_variant_new_string (options->tls_ca_file));
      if (options->tls_client_certificate != NULL)
        g_variant_builder_add (&tls, "{sv}", "client-certificate",
                               g_variant_new_string (options->tls_client_certificate));
      if (options->tls_crl_file != NULL)
        g_variant_builder_add (&tls, "{sv}", "crl-file", g_variant_new_string (options->tls_crl_file));
      if (options->tls_ignore != NULL)
        g_variant_builder_add (&tls, "{sv}", "ignore", g_variant_new_strv (options->tls_ignore, -1));
      if (options->tls_check_revocation)
        g_variant_builder_add (&tls, "{sv}", "check-revocation", g_variant_new_boolean (TRUE));
      g_variant_builder_add (create_options, "{sv}", "tls-options", g_variant_builder_end (&tls));
    }
  if (options->proxy_usage != BARGE_PROXY_USAGE_SYSTEM)
    {
      static const char * const none[] = { NULL };

      g_variant_builder_add (create_options, "{sv}", "proxy-usage",
                             g_variant_new_string (barge_proxy_usage_to_string (options->proxy_usage)));
      g_variant_builder_add (create_options, "{sv}", "proxy-list",
                             g_variant_new_strv (options->proxies != NULL ? options->proxies : none, -1));
      g_variant_builder_add (create_options, "{sv}", "proxy-bypass-list",
                             g_variant_new_strv (options->proxy_bypass != NULL ? options->proxy_bypass : none, -1));
    }
}

static gboolean
set_uint_property (BargeJob *job, const char *name, guint value, GError **error)
{
  g_auto(GValue) gvalue = G_VALUE_INIT;

  g_value_init (&gvalue, G_TYPE_UINT);
  g_value_set_uint (&gvalue, value);
  return barge_job_set_property_sync (job, name, &gvalue, NULL, error);
}

gboolean
bargectl_wait_apply_settings (BargeJob *job, const BargectlWaitOptions *options, GError **error)
{
  return (options->retry_delay == 0 ||
          set_uint_property (job, "minimum-retry-delay", options->retry_delay, error)) &&
         (options->no_progress_timeout < 0 ||
          set_uint_property (job, "no-progress-timeout", (guint) options->no_progress_timeout, error)) &&
         (options->headers == NULL || barge_job_set_custom_headers_sync (job, options->headers, NULL, error));
}

BargeJob *
bargectl_wait_start_job (BargeClient *client,
                         const char *display_name,
                         BargeJobType type,
                         GVariant *options_dict,
                         const char * const *remote_urls,
                         const char * const *local_paths,
                         GVariant *file_options,
                         const BargectlWaitOptions *options,
                         GError **error)
{
  g_autoptr(BargeJob) job = NULL;
  BargectlSetupGuard guard;
  gboolean started;

  bargectl_setup_guard_begin (&guard);
  job = barge_client_create_job_sync (client, display_name, type, options_dict, NULL, error);
  if (job == NULL)
    {
      bargectl_setup_guard_end (&guard, NULL);
      return NULL;
    }
  /* One file with checks goes through AddFileWithOptions. */
  started = bargectl_wait_apply_settings (job, options, error) &&
            (file_options != NULL
               ? barge_job_add_file_with_options_sync (job, remote_urls[0], local_paths[0], file_options, NULL,
                                                       error)
               : barge_job_add_files_sync (job, remote_urls, local_paths, NULL, error)) &&
            barge_job_resume_sync (job, NULL, error);
  /* A failed call's error is the one to report. */
  if (!bargectl_setup_guard_end (&guard, started ? error : NULL) || !started)
    {
      barge_job_cancel_sync (job, NULL, NULL);
      return NULL;
    }
  return g_steal_pointer (&job);
}

static gboolean
on_setup_signal (gpointer user_data)
{
  BargectlSetupGuard *guard = user_data;

  guard->interrupted = TRUE;
  return G_SOURCE_CONTINUE;
}

void
bargectl_setup_guard_begin (BargectlSetupGuard *guard)
{
  guard->interrupted = FALSE;
  guard->sigint_id = g_unix_signal_add (SIGINT, on_setup_signal, guard);
  guard->sigterm_id = g_unix_signal_add (SIGTERM, on_setup_signal, guard);
}

gboolean
bargectl_setup_guard_end (BargectlSetupGuard *guard, GError **error)
{
  /* The blocking calls ran their own contexts: a signal that came during
   * them waits in the default one. Bounded: only what is ready runs. */
  for (guint i = 0; i < 64 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  g_clear_handle_id (&guard->sigint_id, g_source_remove);
  g_clear_handle_id (&guard->sigterm_id, g_source_remove);
  if (!guard->interrupted)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("interrupted before the job started; it was cancelled"));
  return FALSE;
}

void
bargectl_print_job_hints (BargeJob *job)
{
  bargectl_print_job_id_hints (barge_job_get_id (job));
}

void
bargectl_print_job_id_hints (const char *id)
{
  g_printerr (_("The job %s stays with the Barge service:\n"), id);
  g_printerr ("  bargectl info %s\n", id);
  g_printerr ("  bargectl resume %s\n", id);
  /* TRANSLATORS: keep the command; the comment after # is free text */
  g_printerr (_("  bargectl complete %s   # once it is transferred, to get the files\n"), id);
  g_printerr (_("  bargectl cancel %s     # to drop it and its temporary files\n"), id);
}

static void
waiter_end_bar (Waiter *waiter)
{
  if (waiter->bar_visible)
    {
      fputs ("\n", stdout);
      fflush (stdout);
      waiter->bar_visible = FALSE;
    }
}

static void
waiter_draw (Waiter *waiter)
{
  BargeJobState state = barge_job_get_state (waiter->job);
  g_autofree char *line = NULL;
  BargectlProgressView view = {
    .state = state,
    .hold = (state == BARGE_JOB_STATE_QUEUED || state == BARGE_JOB_STATE_TRANSIENT_ERROR)
              ? barge_job_get_hold_reason (waiter->job) : BARGE_HOLD_REASON_NONE,
    .progress = barge_job_get_progress (waiter->job),
    .rate = bargectl_rate_get (&waiter->rate, g_get_monotonic_time ()),
    .note = state == BARGE_JOB_STATE_TRANSIENT_ERROR ? barge_job_get_error_message (waiter->job) : NULL,
    .show_files = TRUE,
  };

  /* A job being cancelled has nothing more to show; its message follows. */
  if (!waiter->bar || waiter->asking || waiter->done || waiter->cancelling)
    return;
  line = bargectl_progress_render (&view, bargectl_terminal_get_width (STDOUT_FILENO));
  /* \r and erase-to-end: the line is shorter than the terminal, so it never wraps. */
  g_print ("\r%s\033[K", line);
  fflush (stdout);
  waiter->bar_visible = TRUE;
}

static void
waiter_finish (Waiter *waiter, int exit_code)
{
  if (waiter->done)
    return;
  waiter_end_bar (waiter);
  waiter->done = TRUE;
  waiter->exit_code = exit_code;
  g_main_loop_quit (waiter->loop);
}

static void
waiter_print_summary (Waiter *waiter)
{
  BargeProgress *progress = barge_job_get_progress (waiter->job);
  guint64 files = progress ? barge_progress_get_files_total (progress) : 0;
  guint64 bytes = progress ? barge_progress_get_bytes_transferred (progress) : 0;
  double seconds = (double) (g_get_monotonic_time () - waiter->start_time) / G_USEC_PER_SEC;
  g_autofree char *size = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *rate = NULL;

  if (waiter->options->print_summary != NULL)
    {
      waiter->options->print_summary (waiter->job, bytes, seconds, waiter->options->user_data);
      return;
    }
  size = bargectl_format_size (bytes);
  duration = bargectl_format_duration (seconds);
  rate = bargectl_format_size (seconds > 0.001 ? (guint64) (bytes / seconds) : bytes);
  /* TRANSLATORS: "Transferred 2 files (3.1 MB) in 0:04 (800 kB/s)" */
  g_print (g_dngettext (GETTEXT_PACKAGE, "Transferred %" PRIu64 " file (%s) in %s (%s/s)\n",
                        "Transferred %" PRIu64 " files (%s) in %s (%s/s)\n", files),
           files, size, duration, rate);
}

static void
on_complete_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Waiter *waiter = user_data;
  g_autoptr(GError) error = NULL;

  waiter->completing = FALSE;
  if (!barge_job_complete_finish (BARGE_JOB (source), result, &error))
    {
      g_autofree char *message = bargectl_error_message (error);

      waiter_end_bar (waiter);
      g_printerr (_("bargectl: the files were transferred but cannot be handed over: %s\n"), message);
      bargectl_print_job_id_hints (waiter->job_id);
      waiter_finish (waiter, bargectl_exit_code_for_error (error));
      return;
    }
  waiter_finish (waiter, BARGECTL_EXIT_OK);
  waiter_print_summary (waiter);
}

static void
on_cancel_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Waiter *waiter = user_data;
  g_autoptr(GError) error = NULL;

  waiter_end_bar (waiter);
  if (!barge_job_cancel_finish (BARGE_JOB (source), result, &error))
    {
      waiter_finish (waiter, bargectl_report_error (error));
      return;
    }
  switch (waiter->cancel_reason)
    {
    case CANCEL_REASON_USER:
      g_printerr (_("The job was cancelled.\n"));
      waiter_finish (waiter, BARGECTL_EXIT_INTERRUPTED);
      break;
    case CANCEL_REASON_TIMEOUT:
      g_printerr (_("The job was cancelled (--on-timeout=cancel).\n"));
      waiter_finish (waiter, BARGECTL_EXIT_TIMEOUT);
      break;
    case CANCEL_REASON_FAILED:
    default:
      /* A one-shot transfer owns its job: a failed one left behind would
       * only pile up (the BITS "17,000 leaked jobs" complaint). */
      g_printerr (_("The job was cancelled; use --keep-on-error to keep failed jobs.\n"));
      waiter_finish (waiter, BARGECTL_EXIT_FAILURE);
      break;
    }
}

static void
waiter_cancel_job (Waiter *waiter, CancelReason reason)
{
  waiter->cancelling = TRUE;
  waiter->cancel_reason = reason;
  barge_job_cancel_async (waiter->job, NULL, on_cancel_done, waiter);
}

static void
waiter_report_failure (Waiter *waiter)
{
  g_autofree char *description = NULL;
  const char *name = barge_job_get_error_name (waiter->job);

  waiter_end_bar (waiter);
  /* In the user's language, not the daemon's; a failure only loses the extra sentence. */
  if (bargectl_nonempty (name))
    description = barge_client_get_error_description_sync (waiter->client, name,
                                                           bargectl_client_message_locale (), NULL, NULL);
  bargectl_print_job_error (waiter->job, description);

  if (waiter->options->keep_on_error)
    {
      bargectl_print_job_id_hints (waiter->job_id);
      waiter_finish (waiter, BARGECTL_EXIT_FAILURE);
      return;
    }
  waiter_cancel_job (waiter, CANCEL_REASON_FAILED);
}

static void
waiter_handle_state (Waiter *waiter)
{
  BargeJobState state = barge_job_get_state (waiter->job);

  if (waiter->done || waiter->asking || waiter->completing || waiter->cancelling)
    return;

  switch (state)
    {
    case BARGE_JOB_STATE_TRANSFERRED:
      waiter_draw (waiter);
      if (waiter->options->transferred != NULL)
        {
          int status;

          waiter_end_bar (waiter);
          status = waiter->options->transferred (waiter->job, waiter->options->transferred_data);
          if (status != BARGECTL_EXIT_OK)
            {
              bargectl_print_job_hints (waiter->job);
              waiter_finish (waiter, status);
              return;
            }
        }
      if (!waiter->options->complete)
        {
          waiter_finish (waiter, BARGECTL_EXIT_OK);
          g_print (_("Transferred; run “bargectl complete %s” to get the files.\n"),
                   waiter->job_id);
          return;
        }
      waiter->completing = TRUE;
      barge_job_complete_async (waiter->job, NULL, on_complete_done, waiter);
      return;
    case BARGE_JOB_STATE_ERROR:
      waiter_report_failure (waiter);
      return;
    case BARGE_JOB_STATE_CANCELLED:
      waiter_end_bar (waiter);
      g_printerr (_("bargectl: the job was cancelled by another program\n"));
      waiter_finish (waiter, BARGECTL_EXIT_FAILURE);
      return;
    case BARGE_JOB_STATE_ACKNOWLEDGED:
      waiter_finish (waiter, BARGECTL_EXIT_OK);
      waiter_print_summary (waiter);
      return;
    case BARGE_JOB_STATE_QUEUED:
    case BARGE_JOB_STATE_CONNECTING:
    case BARGE_JOB_STATE_TRANSFERRING:
    case BARGE_JOB_STATE_SUSPENDED:
    case BARGE_JOB_STATE_TRANSIENT_ERROR:
    default:
      /* The daemon retries transient errors by itself; the bar shows them. */
      return;
    }
}

static gboolean
on_redraw_idle (gpointer user_data)
{
  Waiter *waiter = user_data;

  waiter->redraw_id = 0;
  waiter_draw (waiter);
  return G_SOURCE_REMOVE;
}

static void
on_job_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  Waiter *waiter = user_data;
  BargeProgress *progress = barge_job_get_progress (waiter->job);

  if (g_str_equal (pspec->name, "progress") && progress != NULL)
    bargectl_rate_update (&waiter->rate, barge_progress_get_bytes_transferred (progress),
                          g_get_monotonic_time ());
  if (g_str_equal (pspec->name, "state"))
    waiter_handle_state (waiter);
  if (waiter->bar && waiter->redraw_id == 0 && !waiter->done)
    waiter->redraw_id = g_idle_add (on_redraw_idle, waiter);
}

static void
on_job_removed (BargeClient *client, BargeJob *job, const char *final_state, gpointer user_data)
{
  Waiter *waiter = user_data;

  if (g_strcmp0 (barge_job_get_object_path (job), barge_job_get_object_path (waiter->job)) != 0 ||
      waiter->completing || waiter->cancelling || waiter->done)
    return;
  waiter_end_bar (waiter);
  if (g_strcmp0 (final_state, "acknowledged") == 0)
    {
      waiter_finish (waiter, BARGECTL_EXIT_OK);
      waiter_print_summary (waiter);
      return;
    }
  g_printerr (_("bargectl: the job was removed by another program (%s)\n"),
              bargectl_nonempty (final_state) ? final_state : _("unknown"));
  waiter_finish (waiter, BARGECTL_EXIT_FAILURE);
}

static void
on_service_available (BargeClient *client, GParamSpec *pspec, gpointer user_data)
{
  Waiter *waiter = user_data;

  /* A pending Complete() or Cancel() reports the failure itself. */
  if (barge_client_get_service_available (client) ||
      waiter->done || waiter->completing || waiter->cancelling)
    return;
  /* The service exits after IdleTimeout with no job active, and a
   * suspended job is not: that exit is no news. The Resume that wakes the
   * job starts the service again, and the client follows the job then. */
  if (barge_job_get_state (waiter->job) == BARGE_JOB_STATE_SUSPENDED)
    return;
  waiter_end_bar (waiter);
  /* Jobs are durable: a restarted service picks this one up again. */
  g_printerr (_("bargectl: the Barge service stopped while waiting\n"));
  bargectl_print_job_id_hints (waiter->job_id);
  waiter_finish (waiter, BARGECTL_EXIT_UNREACHABLE);
}

static gboolean
on_timeout (gpointer user_data)
{
  Waiter *waiter = user_data;

  waiter->timeout_id = 0;
  /* Handing over the files is quick and local: let it finish. */
  if (waiter->done || waiter->completing || waiter->cancelling)
    return G_SOURCE_REMOVE;
  if (waiter->asking)
    {
      /* The question is moot now; the timeout decides. */
      g_clear_handle_id (&waiter->stdin_id, g_source_remove);
      waiter->asking = FALSE;
      g_printerr ("\n");
    }
  waiter_end_bar (waiter);
  g_printerr (g_dngettext (GETTEXT_PACKAGE, "bargectl: no result after %u second\n",
                           "bargectl: no result after %u seconds\n",
                           waiter->options->timeout_seconds),
              waiter->options->timeout_seconds);
  if (waiter->options->on_timeout == BARGECTL_ON_TIMEOUT_CANCEL)
    {
      waiter_cancel_job (waiter, CANCEL_REASON_TIMEOUT);
      return G_SOURCE_REMOVE;
    }
  g_printerr (_("The job was left running (--on-timeout=leave).\n"));
  bargectl_print_job_id_hints (waiter->job_id);
  waiter_finish (waiter, BARGECTL_EXIT_TIMEOUT);
  return G_SOURCE_REMOVE;
}

static gboolean
on_tick (gpointer user_data)
{
  waiter_draw (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_resize (gpointer user_data)
{
  Waiter *waiter = user_data;

  /* A bar wider than the new terminal would wrap: redraw at the new width now. */
  if (waiter->bar_visible)
    waiter_draw (waiter);
  return G_SOURCE_CONTINUE;
}

/* After Ctrl-C or SIGTERM: the job carries on without us. */
static void
waiter_leave_job (Waiter *waiter)
{
  waiter->asking = FALSE;
  /* Finished or failed while we were asking: "leave it running" then
   * means "carry on" as without Ctrl-C (a failed job is reported, and
   * cancelled unless --keep-on-error), not "it keeps running". */
  switch (barge_job_get_state (waiter->job))
    {
    case BARGE_JOB_STATE_TRANSFERRED:
    case BARGE_JOB_STATE_ERROR:
    case BARGE_JOB_STATE_ACKNOWLEDGED:
    case BARGE_JOB_STATE_CANCELLED:
      waiter_handle_state (waiter);
      return;
    default:
      break;
    }
  g_printerr (_("bargectl: interrupted; the job keeps running in the background.\n"));
  bargectl_print_job_id_hints (waiter->job_id);
  waiter_finish (waiter, BARGECTL_EXIT_INTERRUPTED);
}

static gboolean
on_stdin_answer (int fd, GIOCondition condition, gpointer user_data)
{
  Waiter *waiter = user_data;
  char buffer[256] = { 0 };
  ssize_t n = read (fd, buffer, sizeof buffer - 1);
  g_autofree char *answer = NULL;

  waiter->stdin_id = 0;
  answer = g_strstrip (g_strdup (n > 0 ? buffer : ""));
  /* TRANSLATORS: the first letter of "cancel" in the [c/L] question */
  if (*answer != '\0' && g_unichar_tolower (g_utf8_get_char_validated (answer, -1)) ==
                           g_utf8_get_char (C_("answer", "c")))
    {
      waiter->asking = FALSE;
      waiter_cancel_job (waiter, CANCEL_REASON_USER);
    }
  else
    waiter_leave_job (waiter);
  return G_SOURCE_REMOVE;
}

static gboolean
on_interrupt (gpointer user_data)
{
  Waiter *waiter = user_data;

  if (waiter->done || waiter->completing || waiter->cancelling)
    return G_SOURCE_CONTINUE;
  if (waiter->asking || !waiter->interactive)
    {
      /* A second Ctrl-C, or nobody to ask: take the safe default. */
      g_clear_handle_id (&waiter->stdin_id, g_source_remove);
      waiter_end_bar (waiter);
      if (waiter->asking)
        g_printerr ("\n");
      waiter_leave_job (waiter);
      return G_SOURCE_CONTINUE;
    }
  waiter_end_bar (waiter);
  waiter->asking = TRUE;
  g_printerr (_("Cancel the job or leave it running? [c/L] "));
  waiter->stdin_id = g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                    on_stdin_answer, waiter);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_terminate (gpointer user_data)
{
  Waiter *waiter = user_data;

  if (!waiter->done && !waiter->completing && !waiter->cancelling)
    {
      waiter_end_bar (waiter);
      waiter_leave_job (waiter);
    }
  return G_SOURCE_CONTINUE;
}

int
bargectl_wait_for_job (BargeClient *client, BargeJob *job, const BargectlWaitOptions *options)
{
  Waiter waiter = {
    .client = client,
    .job = job,
    .options = options,
    .exit_code = BARGECTL_EXIT_FAILURE,
    .bar = bargectl_terminal_use_ansi (STDOUT_FILENO),
    .interactive = isatty (STDIN_FILENO) && isatty (STDERR_FILENO),
    .start_time = g_get_monotonic_time (),
    .job_id = g_strdup (barge_job_get_id (job)),
  };

  waiter.loop = g_main_loop_new (NULL, FALSE);
  waiter.notify_id = g_signal_connect (job, "notify", G_CALLBACK (on_job_notify), &waiter);
  waiter.removed_id = g_signal_connect (client, "job-removed", G_CALLBACK (on_job_removed), &waiter);
  waiter.service_id = g_signal_connect (client, "notify::service-available",
                                        G_CALLBACK (on_service_available), &waiter);
  waiter.sigint_id = g_unix_signal_add (SIGINT, on_interrupt, &waiter);
  waiter.sigterm_id = g_unix_signal_add (SIGTERM, on_terminate, &waiter);
  if (options->timeout_seconds > 0)
    waiter.timeout_id = g_timeout_add (options->timeout_seconds * 1000, on_timeout, &waiter);
  /* Repaints only, so the rate and ETA age between progress signals. The
   * first drawing waits for the first signal. */
  if (waiter.bar)
    {
      waiter.tick_id = g_timeout_add_seconds (1, on_tick, &waiter);
      waiter.resize_id = bargectl_terminal_watch_resize (on_resize, &waiter);
    }

  /* The job may have moved on before the handlers were connected. */
  waiter_handle_state (&waiter);
  if (!waiter.done)
    g_main_loop_run (waiter.loop);

  g_clear_signal_handler (&waiter.notify_id, job);
  g_clear_signal_handler (&waiter.removed_id, client);
  g_clear_signal_handler (&waiter.service_id, client);
  g_clear_handle_id (&waiter.sigint_id, g_source_remove);
  g_clear_handle_id (&waiter.sigterm_id, g_source_remove);
  g_clear_handle_id (&waiter.timeout_id, g_source_remove);
  g_clear_handle_id (&waiter.tick_id, g_source_remove);
  bargectl_terminal_unwatch_resize (waiter.resize_id);
  g_clear_handle_id (&waiter.redraw_id, g_source_remove);
  g_clear_handle_id (&waiter.stdin_id, g_source_remove);
  g_main_loop_unref (waiter.loop);
  g_free (waiter.job_id);
  return waiter.exit_code;
}
