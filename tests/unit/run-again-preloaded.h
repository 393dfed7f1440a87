/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* For a unit test that needs barge-test-preload.c in its own process: runs
 * the test again (execv) with the module preloaded, after a sanitizer's
 * runtime (which must come first in a process it instruments), and with
 * the variables of @env (NAME, VALUE pairs, NULL-terminated) set. Returns
 * without doing anything outside meson test (no BARGE_TEST_PRELOAD) and in
 * the run again (its first NAME is set). Call it first in main(). */
#pragma once

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>

static inline void
run_again_preloaded (char **argv, const char * const *env)
{
  const char *shim = g_getenv ("BARGE_TEST_PRELOAD");
  const char *runtime = g_getenv ("BARGE_ASAN_RUNTIME") != NULL ? g_getenv ("BARGE_ASAN_RUNTIME")
                                                                 : g_getenv ("BARGE_TSAN_RUNTIME");
  g_autofree char *preload = NULL;

  if (shim == NULL || g_getenv (env[0]) != NULL)
    return;
  preload = runtime != NULL ? g_strdup_printf ("%s:%s", runtime, shim) : g_strdup (shim);
  g_setenv ("LD_PRELOAD", preload, TRUE);
  for (guint i = 0; env[i] != NULL; i += 2)
    g_setenv (env[i], env[i + 1], TRUE);
  execv ("/proc/self/exe", argv);
  g_error ("cannot run the test again preloaded: %s", g_strerror (errno));
}
