/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The version checks of libbarge, at compile time and at run time. Built
 * both by meson and through pkg-config (check-pkg-config.sh). */
#include <barge.h>
#include <stdio.h>

#if !BARGE_CHECK_VERSION (0, 1, 0)
#error "BARGE_CHECK_VERSION denies the version this test was written for"
#endif
#if BARGE_CHECK_VERSION (BARGE_MAJOR_VERSION, BARGE_MINOR_VERSION, BARGE_MICRO_VERSION + 1)
#error "BARGE_CHECK_VERSION accepts a newer micro version"
#endif
#if BARGE_CHECK_VERSION (BARGE_MAJOR_VERSION + 1, 0, 0)
#error "BARGE_CHECK_VERSION accepts a newer major version"
#endif

int
main (void)
{
  int failures = 0;

#define CHECK(expr) \
  do { if (!(expr)) { fprintf (stderr, "failed: %s\n", #expr); failures++; } } while (0)

  CHECK (barge_get_major_version () == BARGE_MAJOR_VERSION);
  CHECK (barge_get_minor_version () == BARGE_MINOR_VERSION);
  CHECK (barge_get_micro_version () == BARGE_MICRO_VERSION);
  CHECK (barge_check_version (BARGE_MAJOR_VERSION, BARGE_MINOR_VERSION, BARGE_MICRO_VERSION));
  CHECK (barge_check_version (BARGE_MAJOR_VERSION, 0, 0));
  CHECK (!barge_check_version (BARGE_MAJOR_VERSION, BARGE_MINOR_VERSION, BARGE_MICRO_VERSION + 1));
  CHECK (!barge_check_version (BARGE_MAJOR_VERSION, BARGE_MINOR_VERSION + 1, 0));
  CHECK (!barge_check_version (BARGE_MAJOR_VERSION + 1, 0, 0));
  /* A type from the library, so the program really links against it. */
  CHECK (g_type_is_a (BARGE_TYPE_JOB, G_TYPE_OBJECT));

  if (failures == 0)
    printf ("libbarge %u.%u.%u\n", barge_get_major_version (), barge_get_minor_version (),
            barge_get_micro_version ());
  return failures == 0 ? 0 : 1;
}
