/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <barge.h>

G_BEGIN_DECLS

typedef struct {
  guint timeout_seconds;  /* 0: wait for ever */
  gboolean complete;      /* call Complete() once the job is transferred */
  gboolean keep_on_error; /* leave a failed job instead of cancelling it */
  const char *destination;
  gboolean upload;        /* the summary says "Uploaded … to DESTINATION" */
  /* Called once the job is transferred, before Complete(): a status other
   * than BARGECTL_EXIT_OK ends the wait with it and leaves the job. */
  int (*transferred) (BargeJob *job, gpointer user_data);
  gpointer transferred_data;
} BargectlWaitOptions;

/* Follows @job until it is done, with a progress bar on a terminal, and
 * returns the exit status of `bargectl download`. */
int bargectl_download_wait (BargeClient *client, BargeJob *job, const BargectlWaitOptions *options);

/* Tells the user how to pick up a job that bargectl leaves behind. */
void bargectl_print_job_hints (BargeJob *job);

G_END_DECLS
