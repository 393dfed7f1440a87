/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The headers of a tus server's answers (barged-upload-headers.c). Input:
 * lines, one header value each: Upload-Offset, Upload-Expires, Location. */
#include "config.h"

#include "fuzz-upload-common.h"

FUZZ_DEFINE_INITIALIZE ()

/* An expiry read prints back (as libsoup writes an HTTP-date) to the same
 * second. */
static void
check_expires (const char *value)
{
  gint64 when = 0, again = 0;
  g_autoptr(GDateTime) utc = NULL;
  g_autofree char *printed = NULL;

  if (!barged_upload_parse_expires (value, &when))
    return;
  utc = g_date_time_new_from_unix_utc (when);
  FUZZ_CHECK (utc != NULL, "Upload-Expires \"%s\" reads as %" G_GINT64_FORMAT, value, when);
  if (!fuzz_date_prints_back (utc))
    return;
  printed = soup_date_time_to_string (utc, SOUP_DATE_HTTP);
  FUZZ_CHECK (barged_upload_parse_expires (printed, &again) && again == when,
              "Upload-Expires \"%s\" prints as \"%s\"", value, printed);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_auto(GStrv) lines = fuzz_lines (data, size, 3);

  fuzz_check_offset (lines[0]);
  if (lines[1] != NULL)
    check_expires (lines[1]);
  if (lines[2] != NULL && fuzz_is_header_value (lines[2]))
    fuzz_check_reference (lines[2], "Location");
  return 0;
}
