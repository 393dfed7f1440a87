/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The notify settings as the job database keeps them (GVariant text) and
 * reads them back on start-up; the notify program's spawn, off the
 * caller's thread. */
#include "config.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "barged-notifier.h"
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
  barged_notify_run_async (65534, "/bin/true", NULL, "job", "transferred", 0, on_program_run, result);
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

/* Runs the main loop until *@done or @seconds passed. */
static void
iterate_until (const gboolean *done, guint seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!*done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
}

/* A program that never exits is killed after its timeout and counts as
 * failed (BITS then runs it again after MinimumRetryDelay); before, it
 * was waited for without end. */
static void
test_timeout_kills (void)
{
  gboolean result[2] = { TRUE, FALSE };
  const char *args[] = { "600", NULL };
  gint64 start = g_get_monotonic_time ();

  barged_notify_run_async (getuid (), "/bin/sleep", args, "job", "transferred", 1, on_program_run, result);
  iterate_until (&result[1], 20);
  g_assert_true (result[1]);
  g_assert_false (result[0]);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 15 * G_USEC_PER_SEC);
}

/* What the program prints goes nowhere: in barged's output the journal
 * would credit it to barged (a user could forge barged's log lines). */
static void
test_output_silenced (void)
{
  g_autofree char *dir = g_dir_make_tmp ("barge-test-notify-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "fds", NULL);
  g_autofree char *script = g_strdup_printf ("o=$(readlink /proc/$$/fd/1); e=$(readlink /proc/$$/fd/2); "
                                             "echo \"$o\" > '%s'; echo \"$e\" >> '%s'", out, out);
  const char *args[] = { "-c", script, NULL };
  gboolean result[2] = { FALSE, FALSE };
  g_autofree char *text = NULL;

  g_assert_nonnull (dir);
  g_assert_cmpint (chmod (dir, 0777), ==, 0);
  barged_notify_run_async (getuid (), "/bin/sh", args, "job", "transferred", 0, on_program_run, result);
  iterate_until (&result[1], 10);
  g_assert_true (result[1]);
  g_assert_true (result[0]);
  g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "/dev/null\n/dev/null\n");
  g_unlink (out);
  g_rmdir (dir);
}

typedef struct {
  BargedNotifier *notifier;
  guint done;
  guint most_running;
} Bounded;

static void
on_bounded_run (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Bounded *b = user_data;
  g_autoptr(GError) error = NULL;
  gboolean exit_ok = FALSE;

  g_assert_true (barged_notifier_run_finish (BARGED_NOTIFIER (source), res, &exit_ok, &error));
  g_assert_no_error (error);
  g_assert_true (exit_ok);
  b->done++;
}

/* At most MaxNotifyProgramsPerUser of one owner's programs run at once;
 * the others wait their turn and all run in the end. Another owner's
 * program does not wait behind them. */
static void
test_notifier_bounds_per_owner (void)
{
  BargedSettings settings;
  g_autoptr(BargedConfig) config = NULL;
  g_autoptr(BargedNotifier) notifier = NULL;
  const char *args[] = { "0.3", NULL };
  Bounded b = { NULL, 0, 0 };
  guint running = 0, waiting = 0;
  guint32 other = getuid () == 0 ? 65534 : getuid () + 1;
  gint64 deadline;

  barged_settings_init_defaults (&settings);
  settings.max_notify_programs_per_user = 2;
  config = barged_config_new (&settings);
  notifier = barged_notifier_new (config);
  b.notifier = notifier;
  for (guint i = 0; i < 5; i++)
    barged_notifier_run_async (notifier, getuid (), "/bin/sleep", args, "job", "transferred", on_bounded_run, &b);
  barged_notifier_run_async (notifier, other, "/bin/sleep", args, "job", "transferred", on_bounded_run, &b);
  barged_notifier_get_counts (notifier, getuid (), &running, &waiting);
  g_assert_cmpuint (running, ==, 2);
  g_assert_cmpuint (waiting, ==, 3);
  barged_notifier_get_counts (notifier, other, &running, &waiting);
  g_assert_cmpuint (running, ==, 1);
  g_assert_cmpuint (waiting, ==, 0);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (b.done < 6 && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      barged_notifier_get_counts (notifier, getuid (), &running, &waiting);
      b.most_running = MAX (b.most_running, running);
    }
  g_assert_cmpuint (b.done, ==, 6);
  g_assert_cmpuint (b.most_running, ==, 2);
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
  g_test_add_func ("/notify/timeout-kills", test_timeout_kills);
  g_test_add_func ("/notify/output-silenced", test_output_silenced);
  g_test_add_func ("/notify/notifier-bounds-per-owner", test_notifier_bounds_per_owner);
  return g_test_run ();
}
