/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A notify command line from typing to running: bargectl splits what was
 * typed (bargectl_parse_command_line), the daemon checks the program and
 * its arguments it receives (barged_notify_command_line_check) and
 * keeps them as GVariant text in the job database, read back on start-up
 * (barged_notify_command_line_from_text). Input: the typed text. */
#include "config.h"

#include "barge.h"
#include "barged-notify.h"
#include "bargectl-parse.h"
#include "fuzz-common.h"

FUZZ_DEFINE_INITIALIZE ()

static gboolean
strv_equal (char **a, char **b)
{
  return g_strv_equal ((const char *const *) a, (const char *const *) b);
}

/* What bargectl shows of a command line (bargectl_format_command_line:
 * each word g_shell_quote'd, joined by spaces) reads back as the same
 * words. */
static void
check_shown (char **argv)
{
  g_autoptr(GPtrArray) quoted = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) again = NULL;
  g_autofree char *shown = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (quoted, g_shell_quote (argv[i]));
  g_ptr_array_add (quoted, NULL);
  shown = g_strjoinv (" ", (char **) quoted->pdata);
  FUZZ_CHECK (bargectl_parse_command_line (shown, &again, &error), "\"%s\": %s", shown, error->message);
  FUZZ_CHECK (strv_equal (argv, again), "\"%s\" reads back otherwise", shown);
}

/* The daemon's verdict, by the rules of bits.md: "" with no arguments, or
 * an absolute path of at most 260 characters; arguments of at most 4000
 * characters in all, each counted with a separator. */
static void
check_daemon (char **argv)
{
  const char *program = argv[0] != NULL ? argv[0] : "";
  const char *const *args = argv[0] != NULL ? (const char *const *) argv + 1 : (const char *const *) argv;
  g_autoptr(GError) error = NULL;
  gboolean valid = barged_notify_command_line_check (program, args, &error);
  gsize length = 0;
  gboolean expected;

  for (guint i = 0; args[i] != NULL; i++)
    length += g_utf8_strlen (args[i], -1) + 1;
  expected = g_utf8_strlen (program, -1) <= BARGED_NOTIFY_MAX_PROGRAM && length <= BARGED_NOTIFY_MAX_PARAMETERS &&
             (*program == '\0' ? args[0] == NULL : g_path_is_absolute (program));
  FUZZ_CHECK (valid == expected, "\"%s\" with %u arguments: %s", program, g_strv_length ((char **) args),
              valid ? "valid" : error->message);
  FUZZ_CHECK (valid || error != NULL, "refused without an error");
  if (valid)
    {
      /* As the job database keeps it, and reads it on start-up. */
      g_autoptr(GVariant) value = g_variant_ref_sink (g_variant_new ("(s^as)", program, args));
      g_autofree char *text = g_variant_print (value, FALSE);
      g_autoptr(GVariant) back = barged_notify_command_line_from_text (text);

      FUZZ_CHECK (back != NULL && g_variant_equal (back, value), "stored as \"%s\", read back otherwise", text);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = fuzz_text (data, size);
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  gboolean blank = TRUE;

  for (const char *p = text; *p != '\0' && blank; p++)
    blank = g_ascii_isspace (*p);
  if (!bargectl_parse_command_line (text, &argv, &error))
    {
      FUZZ_CHECK (error != NULL && error->domain == G_OPTION_ERROR && !blank, "\"%s\" refused", text);
      return 0;
    }
  FUZZ_CHECK (argv != NULL && blank == (argv[0] == NULL), "\"%s\" gives %u words", text, g_strv_length (argv));
  /* Whatever bargectl accepts goes over D-Bus as strings: UTF-8 only. */
  for (guint i = 0; argv[i] != NULL; i++)
    FUZZ_CHECK (g_utf8_validate (argv[i], -1, NULL), "\"%s\": word %u is not UTF-8", text, i);
  check_shown (argv);
  check_daemon (argv);
  return 0;
}
