/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The notify settings as the job database keeps them (GVariant text) and
 * reads them back on start-up; the notify program's spawn, off the
 * caller's thread. */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "barged-notify.h"
#include "run-again-preloaded.h"

#define SLOW_GETPWUID_MS 1000

static void
test_flags_from_text (void)
{
  BargeNotifyFlags flags = 0;
  g_auto(GStrv) names = barged_notify_flags_from_text ("['transferred', 'modification']", &flags);
  g_auto(GStrv) none = barged_notify_flags_from_text ("@as []", &flags);
  g_auto(GStrv) names2 = NULL;

  g_assert_nonnull (names);
  g_assert_cmpstrv (names, ((const char *[]) { "transferred", "modification", NULL }));
  g_assert_nonnull (none);
  g_assert_cmpuint (flags, ==, 0);
  g_assert_null (barged_notify_flags_from_text (NULL, &flags));
  g_assert_null (barged_notify_flags_from_text ("['error', 'error']", &flags));
  g_assert_null (barged_notify_flags_from_text ("['sometimes']", &flags));
  g_assert_null (barged_notify_flags_from_text ("not a variant", &flags));
  /* A damaged database: bytes that are not UTF-8 inside a string made
   * GLib's parser log a critical (fatal here) before it gave up. */
  g_assert_null (barged_notify_flags_from_text ("['transferred\xff']", &flags));
  /* Valid UTF-8 that escapes a surrogate or a code point past U+10FFFF:
   * GLib 2.74's parser makes an invalid string of it, with a critical. */
  g_assert_null (barged_notify_flags_from_text ("['\\ud800']", &flags));
  g_assert_null (barged_notify_flags_from_text ("['\\U00110000']", &flags));
  /* An escape of a real character is fine. */
  names2 = barged_notify_flags_from_text ("['\\u0074ransferred']", &flags);
  g_assert_cmpstrv (names2, ((const char *[]) { "transferred", NULL }));
}

static void
test_command_line_from_text (void)
{
  g_autoptr(GVariant) value = barged_notify_command_line_from_text ("('/bin/echo', ['a b', ''])");
  g_autoptr(GVariant) empty = barged_notify_command_line_from_text ("('', @as [])");
  const char *program = NULL;
  g_autofree const char **args = NULL;

  g_assert_nonnull (value);
  g_variant_get (value, "(&s^a&s)", &program, &args);
  g_assert_cmpstr (program, ==, "/bin/echo");
  g_assert_cmpstrv (args, ((const char *[]) { "a b", "", NULL }));
  g_assert_nonnull (empty);
  g_assert_null (barged_notify_command_line_from_text (NULL));
  g_assert_null (barged_notify_command_line_from_text ("('relative', @as [])"));
  g_assert_null (barged_notify_command_line_from_text ("('', ['orphan'])"));
  g_assert_null (barged_notify_command_line_from_text ("['/bin/echo']"));
  g_assert_null (barged_notify_command_line_from_text ("('/bin/echo', ['\xc3'])"));
  g_assert_null (barged_notify_command_line_from_text ("('\\udfff', @as [])"));
}

static void
on_program_run (GObject *source, GAsyncResult *res, gpointer user_data)
{
  gboolean *exit_ok = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (barged_notify_run_finish (res, exit_ok, &error));
  g_assert_no_error (error);
  exit_ok[1] = TRUE;
}

/* The owner's account may come from NSS over the network (sssd, LDAP),
 * and the program the owner named may be on a hung NFS mount: both are
 * waited for off the caller's thread, barged's main loop. Here
 * getpwuid_r takes 1 s (barge-test-preload.c, which main() preloads):
 * the call returns at once, and the program's exit comes back later.
 * Only root drops to the owner's identity, the step that looks the
 * account up. */
static void
test_run_off_the_main_thread (void)
{
  gboolean result[2] = { FALSE, FALSE };   /* exit ok, done */
  gint64 start, returned, deadline;

  if (getuid () != 0 || g_getenv ("BARGE_TEST_SLOW_GETPWUID_MS") == NULL)
    {
      g_test_skip ("needs root and the preloaded slow getpwuid_r (meson test, as root)");
      return;
    }
  start = g_get_monotonic_time ();
  barged_notify_run_async (65534, "/bin/true", NULL, "job", "transferred", on_program_run, result);
  returned = g_get_monotonic_time ();
  g_test_message ("the call took %" G_GINT64_FORMAT " us", returned - start);
  g_assert_cmpint (returned - start, <, SLOW_GETPWUID_MS * 1000 / 2);
  deadline = returned + 10 * G_USEC_PER_SEC;
  while (!result[1] && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (result[1]);
  g_assert_true (result[0]);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, SLOW_GETPWUID_MS * 1000);
}

int
main (int argc, char **argv)
{
  g_autofree char *ms = g_strdup_printf ("%d", SLOW_GETPWUID_MS);

  /* Its getpwuid_r slow. */
  run_again_preloaded (argv, (const char *[]) { "BARGE_TEST_SLOW_GETPWUID_MS", ms, NULL });
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/notify/flags-from-text", test_flags_from_text);
  g_test_add_func ("/notify/command-line-from-text", test_command_line_from_text);
  g_test_add_func ("/notify/run-off-the-main-thread", test_run_off_the_main_thread);
  return g_test_run ();
}
