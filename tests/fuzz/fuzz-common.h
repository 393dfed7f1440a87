/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What every libFuzzer target of tests/fuzz shares: the two entry points
 * (declared, for -Wmissing-prototypes), the input as text, and a check
 * that aborts with a message, so libFuzzer keeps the input that broke an
 * invariant. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Criticals and warnings are bugs here: a parser must refuse bad input
 * quietly, never trip GLib's or libsoup's preconditions. They abort()
 * (GLib's own fatal messages end in a SIGTRAP, which libFuzzer does not
 * catch, so the input would not be kept). */
static inline GLogWriterOutput
fuzz_log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  GLogWriterOutput out = g_log_writer_default (level, fields, n_fields, user_data);

  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
  return out;
}

static inline void
fuzz_init (void)
{
  g_setenv ("G_SLICE", "always-malloc", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
}

/* LLVMFuzzerInitialize of a target that needs nothing more. */
#define FUZZ_DEFINE_INITIALIZE()                     \
  int LLVMFuzzerInitialize (int *argc, char ***argv) \
  {                                                  \
    fuzz_init ();                                    \
    return 0;                                        \
  }

/* The input up to its first NUL, as a header value, a line or a file
 * would carry it. */
static inline char *
fuzz_text (const uint8_t *data, size_t size)
{
  return g_strndup ((const char *) data, size);
}

/* The input as @n lines (the last one takes the rest): the first is
 * always there, lines the input does not have are NULL. Free with
 * g_strfreev(). */
static inline char **
fuzz_lines (const uint8_t *data, size_t size, guint n)
{
  g_autofree char *text = fuzz_text (data, size);
  char **split = g_strsplit (text, "\n", (gint) n);
  char **lines = g_new0 (char *, n + 1);

  for (guint i = 0; i < n && split[i] != NULL; i++)
    lines[i] = g_steal_pointer (&split[i]);
  g_strfreev (split);
  if (lines[0] == NULL)
    lines[0] = g_strdup ("");   /* g_strsplit() makes no line of "" */
  return lines;
}

/* libsoup prints a year below 1000 with fewer than four digits, which it
 * then reads as another year (soup_date_time_to_string(), 3.2): a round
 * trip through its HTTP-date printer only holds from year 1000 on. No code
 * of ours prints a date; the checks use the printer as a second opinion. */
static inline gboolean
fuzz_date_prints_back (GDateTime *when)
{
  /* Below 1000 libsoup prints a form it reads differently; in 9999 a zone
   * offset can push the UTC time past what GDateTime holds, and
   * soup_date_time_to_string() then meets a NULL with a critical. */
  return g_date_time_get_year (when) >= 1000 && g_date_time_get_year (when) < 9999;
}

/* Whether @value could be a header value as libsoup hands it over: no
 * control characters but tab (so no CR, LF or NUL). */
static inline gboolean
fuzz_is_header_value (const char *value)
{
  for (const unsigned char *p = (const unsigned char *) value; *p != '\0'; p++)
    if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
      return FALSE;
  return TRUE;
}

#define FUZZ_CHECK(cond, ...)                                                    \
  G_STMT_START                                                                   \
  {                                                                              \
    if (G_UNLIKELY (!(cond)))                                                    \
      {                                                                          \
        g_printerr ("%s:%d: invariant failed: %s\n  ", __FILE__, __LINE__, #cond); \
        g_printerr (__VA_ARGS__);                                                \
        g_printerr ("\n");                                                       \
        abort ();                                                                \
      }                                                                          \
  }                                                                              \
  G_STMT_END
