/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* BargedFile with byte ranges of its own (AddFileWithOptions "ranges"):
 * the gaps the transfer asks for lie in the ranges only, with durable
 * bytes taken out, an unknown end and a range to the end of the file; the
 * bytes wanted; and the ranges kept through the store's record. */
#include "config.h"

#include <string.h>

#include "barge.h"
#include "barged-file.h"

static BargedFile *
file_with_ranges (const char *ranges_text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) ranges = g_variant_parse (G_VARIANT_TYPE ("a(tt)"), ranges_text, NULL, NULL, &error);
  g_autoptr(GVariant) options = NULL;
  BargedFileChecks checks = { .size = BARGE_SIZE_UNKNOWN };
  BargedFile *file = barged_file_new (0, "http://127.0.0.1/f", "/tmp/f", "/tmp/.f.barge-part");
  GVariantDict dict;

  g_assert_no_error (error);
  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert_value (&dict, "ranges", ranges);
  options = g_variant_ref_sink (g_variant_dict_end (&dict));
  g_assert_true (barged_file_checks_parse (options, 500, &checks, &error));
  g_assert_no_error (error);
  barged_file_set_checks (file, &checks);
  barged_file_checks_clear (&checks);
  return file;
}

static void
assert_gap (BargedFile *file, guint64 from, guint64 start, guint64 end)
{
  guint64 s = 0, e = 0;

  g_assert_true (barged_file_next_gap (file, from, &s, &e));
  g_assert_cmpuint (s, ==, start);
  g_assert_cmpuint (e, ==, end);
}

static void
test_gaps (void)
{
  g_autoptr(BargedFile) file = file_with_ranges ("[(100, 50), (1000, 100)]");
  guint64 s, e;

  /* Known before any response: the closed ranges, whatever the total. */
  g_assert_cmpuint (barged_file_get_bytes_total (file), ==, 150);
  assert_gap (file, 0, 100, 150);
  assert_gap (file, 150, 1000, 1100);
  g_assert_false (barged_file_next_gap (file, 1100, &s, &e));

  barged_file_set_total (file, 5000);
  /* Durable bytes inside a range cut it; a whole range durable is skipped. */
  barged_file_add_durable (file, 100, 120);
  assert_gap (file, 0, 120, 150);
  barged_file_add_durable (file, 120, 150);
  assert_gap (file, 0, 1000, 1100);
  barged_file_add_durable (file, 1040, 1060);
  assert_gap (file, 0, 1000, 1040);
  assert_gap (file, 1040, 1060, 1100);
  barged_file_add_durable (file, 1000, 1040);
  barged_file_add_durable (file, 1060, 1100);
  g_assert_false (barged_file_next_gap (file, 0, &s, &e));
  g_assert_cmpuint (barged_file_get_durable_bytes (file), ==, 150);
  /* The total is the file's length; the bytes wanted stay the ranges'. */
  g_assert_cmpuint (barged_file_get_total (file), ==, 5000);
  g_assert_cmpuint (barged_file_get_bytes_total (file), ==, 150);
}

static void
test_to_the_end (void)
{
  g_autoptr(BargedFile) file = file_with_ranges ("[(0, 10), (500, 18446744073709551615)]");
  guint64 s, e;

  /* The end is not known: neither is the size of the last range. */
  g_assert_cmpuint (barged_file_get_bytes_total (file), ==, BARGE_SIZE_UNKNOWN);
  assert_gap (file, 0, 0, 10);
  assert_gap (file, 10, 500, BARGE_SIZE_UNKNOWN);
  barged_file_set_total (file, 800);
  g_assert_cmpuint (barged_file_get_bytes_total (file), ==, 310);
  assert_gap (file, 10, 500, 800);
  barged_file_add_durable (file, 0, 10);
  barged_file_add_durable (file, 500, 800);
  g_assert_false (barged_file_next_gap (file, 0, &s, &e));
}

/* The ranges go to the store with the checks and come back. */
static void
test_record (void)
{
  g_autoptr(BargedFile) file = file_with_ranges ("[(7, 3), (20, 18446744073709551615)]");
  g_autoptr(BargedFile) back = NULL;
  g_autoptr(GVariant) shown = NULL;
  g_autofree char *printed = NULL;
  BargedFileRecord *record;

  barged_file_set_total (file, 100);
  barged_file_add_durable (file, 20, 40);
  record = barged_file_to_record (file, "job");
  back = barged_file_new_from_record (record);
  barged_file_record_free (record);
  shown = g_variant_ref_sink (barged_file_checks_ranges_to_variant (barged_file_get_checks (back)));
  printed = g_variant_print (shown, FALSE);
  g_assert_cmpstr (printed, ==, "[(7, 3), (20, 18446744073709551615)]");
  g_assert_nonnull (barged_file_get_wanted (back));
  g_assert_cmpuint (barged_file_get_bytes_total (back), ==, 83);
  g_assert_cmpuint (barged_file_get_done (back), ==, 20);
  assert_gap (back, 0, 7, 10);
  assert_gap (back, 10, 40, 100);
}

/* Each refused set of options is InvalidArgument and leaves the checks as
 * they were; a refusal after options already taken keeps (and leaks)
 * none of them: under ASan, LeakSanitizer found the ranges of a file
 * whose digest came after them and was refused. */
static void
test_refused_options (void)
{
  static const struct {
    const char *options;
    const char *message;
  } refused[] = {
    { "{'ranges': <@a(tt) [(0, 100)]>, 'sha256': <'zz'>}", "64 hexadecimal digits; this one has other" },
    { "{'sha256': <'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'>, 'ranges': <@a(tt) [(0, 1)]>}",
      "a file of ranges cannot have a digest" },
    { "{'ranges': <@a(tt) [(0, 100)]>, 'size': <@t 50>}", "ends past the file's size, 50 bytes" },
    { "{'ranges': <@a(tt) [(0, 100), (50, 100)]>}", "range 2 starts at 50, before the end of the one before (100)" },
    { "{'ranges': <@a(tt) [(0, 0)]>}", "range 1 is empty" },
    { "{'ranges': <@a(tt) []>}", "needs at least one range" },
    { "{'ranges': <@a(tt) [(0, 18446744073709551615), (10, 1)]>}", "only the last one may" },
    { "{'ranges': <@a(tt) [(0, 1)]>, 'ranges': <@a(tt) [(5, 1)]>}", "the file option \"ranges\" is given twice" },
    { "{'sha256': <'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'>, 'sha512': <'00'>}",
      "one digest, sha256 or sha512, not both" },
    { "{'sha512': <'e3b0'>}", "128 hexadecimal digits, not 4" },
    { "{'md5': <'d41d8cd98f00b204e9800998ecf8427e'>}", "unknown file option \"md5\" of type s" },
    { "{'size': <'10'>}", "the file option \"size\" is of type t, not s" },
    { "{'size': <@t 18446744073709551615>}", "means none: leave \"size\" out" },
    { "{'ranges': <@a(tt) [(0, 1), (2, 1), (4, 1), (6, 1), (8, 1)]>}", "at most 4 ranges (MaxRangesPerFile), not 5" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) options = g_variant_parse (G_VARIANT_TYPE_VARDICT, refused[i].options, NULL, NULL, &error);
      BargedFileChecks checks = { .size = 5 };

      g_assert_no_error (error);
      g_assert_false (barged_file_checks_parse (options, 4, &checks, &error));
      g_assert_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT);
      g_test_message ("%s: %s", refused[i].options, error->message);
      g_assert_nonnull (strstr (error->message, refused[i].message));
      g_assert_cmpuint (checks.size, ==, 5);
      g_assert_null (checks.ranges);
      g_assert_null (checks.digest);
      g_assert_false (checks.has_digest);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/file-ranges/gaps", test_gaps);
  g_test_add_func ("/file-ranges/to-the-end", test_to_the_end);
  g_test_add_func ("/file-ranges/record", test_record);
  g_test_add_func ("/file-ranges/refused-options", test_refused_options);
  return g_test_run ();
}
