/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include "barge-version.h"

/* Run-time checks: BARGE_*_VERSION are what a program was compiled against,
 * these functions are the library it runs with. */

/**
 * barge_get_major_version:
 *
 * Gets the major version of the libbarge the program runs with, which may
 * differ from %BARGE_MAJOR_VERSION, the version it was compiled against.
 *
 * Returns: the major version
 */
guint
barge_get_major_version (void)
{
  return BARGE_MAJOR_VERSION;
}

/**
 * barge_get_minor_version:
 *
 * Gets the minor version of the libbarge the program runs with.
 *
 * Returns: the minor version
 */
guint
barge_get_minor_version (void)
{
  return BARGE_MINOR_VERSION;
}

/**
 * barge_get_micro_version:
 *
 * Gets the micro version of the libbarge the program runs with.
 *
 * Returns: the micro version
 */
guint
barge_get_micro_version (void)
{
  return BARGE_MICRO_VERSION;
}

/**
 * barge_check_version:
 * @major: required major version
 * @minor: required minor version
 * @micro: required micro version
 *
 * Run-time check: whether the libbarge the program runs with is at least
 * the given version, with the same major version (a new major version is a
 * new, parallel-installable library). The compile-time check is
 * %BARGE_CHECK_VERSION.
 *
 * Returns: %TRUE if the library is compatible with the given version
 */
gboolean
barge_check_version (guint major, guint minor, guint micro)
{
  return BARGE_MAJOR_VERSION == major &&
         (BARGE_MINOR_VERSION > minor ||
          (BARGE_MINOR_VERSION == minor && BARGE_MICRO_VERSION >= micro));
}
