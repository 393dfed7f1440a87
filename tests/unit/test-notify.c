/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The notify settings as the job database keeps them (GVariant text) and
 * reads them back on start-up. */
#include "config.h"

#include "barged-notify.h"

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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/notify/flags-from-text", test_flags_from_text);
  g_test_add_func ("/notify/command-line-from-text", test_command_line_from_text);
  return g_test_run ();
}
