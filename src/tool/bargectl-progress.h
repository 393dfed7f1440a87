/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <barge.h>

G_BEGIN_DECLS

/* A transfer rate smoothed over a few seconds, so that the ETA does not jump
 * with every coalesced progress signal. Times are g_get_monotonic_time(). */
typedef struct {
  gint64 last_time;
  guint64 last_bytes;
  double rate;
  gboolean has_sample;
  gboolean has_rate;
} BargectlRate;

void bargectl_rate_reset (BargectlRate *rate);
void bargectl_rate_update (BargectlRate *rate, guint64 bytes, gint64 now);
/* Bytes per second, or a negative value while there is no estimate. */
double bargectl_rate_get (const BargectlRate *rate, gint64 now);

typedef struct {
  const char *label;     /* in front of the bar; NULL for none */
  BargeJobState state;
  BargeHoldReason hold;  /* why a queued job waits; NONE to say nothing */
  BargeProgress *progress;
  double rate;           /* bytes per second; negative when unknown */
  const char *note;      /* for error states: the error message */
  gboolean show_files;   /* "file n of m", for jobs of several files */
  guint64 limit;         /* the job's own bandwidth limit; 0 for none */
  const char *window;    /* the job's daily transfer window; NULL or "" for none */
} BargectlProgressView;

/* One line, at most @width - 1 display columns (the last column is left
 * free so that terminals do not wrap), without a newline. */
char *bargectl_progress_render (const BargectlProgressView *view, int width);

/* A short translated word for a state, for people. */
const char *bargectl_state_label (BargeJobState state);
/* What a queued job waits for, for people; NULL for BARGE_HOLD_REASON_NONE. */
const char *bargectl_hold_label (BargeHoldReason hold);

G_END_DECLS
