/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AddFileWithOptions' options (barged_file_checks_parse(), barged-file.c):
 * a digest, a size, byte ranges, from any client of the bus. Input: the
 * a{sv} as GVariant's serialized form (the body of the D-Bus message, in
 * little-endian), made normal as GDBus hands it over. What is taken keeps
 * BITS' rules for ranges and a digest's length; what is refused is
 * InvalidArgument, with nothing kept (nor leaked). */
#include "config.h"

#include "barge.h"
#include "barged-file.h"
#include "fuzz-common.h"

FUZZ_DEFINE_INITIALIZE ()

/* MaxRangesPerFile's default. */
#define FUZZ_MAX_RANGES 500

static void
check_taken (const BargedFileChecks *checks)
{
  guint64 prev_end = 0;

  if (checks->has_digest)
    {
      gsize want = checks->digest_kind == BARGED_DIGEST_SHA512 ? 128 : 64;

      FUZZ_CHECK (checks->digest != NULL && strlen (checks->digest) == want, "a digest of %zu digits",
                  checks->digest != NULL ? strlen (checks->digest) : 0);
      for (const char *p = checks->digest; *p != '\0'; p++)
        FUZZ_CHECK (g_ascii_isdigit (*p) || (*p >= 'a' && *p <= 'f'), "\"%s\" is not lower-case hex",
                    checks->digest);
      FUZZ_CHECK (checks->ranges == NULL, "a file of ranges with a digest");
    }
  if (checks->ranges == NULL)
    return;
  FUZZ_CHECK (checks->ranges->len > 0 && checks->ranges->len <= FUZZ_MAX_RANGES, "%u ranges taken",
              checks->ranges->len);
  for (guint i = 0; i < checks->ranges->len; i++)
    {
      const BargedRange *r = &g_array_index (checks->ranges, BargedRange, i);

      FUZZ_CHECK (i == 0 || r->start >= prev_end, "range %u starts at %" G_GUINT64_FORMAT " before %"
                  G_GUINT64_FORMAT, i, r->start, prev_end);
      if (r->end == BARGE_SIZE_UNKNOWN)
        FUZZ_CHECK (i + 1 == checks->ranges->len, "range %u of %u runs to the end", i, checks->ranges->len);
      else
        FUZZ_CHECK (r->end > r->start, "range %u is [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ")", i, r->start,
                    r->end);
      if (checks->size != BARGE_SIZE_UNKNOWN)
        FUZZ_CHECK (r->end == BARGE_SIZE_UNKNOWN ? r->start < checks->size : r->end <= checks->size,
                    "range %u ends past the size %" G_GUINT64_FORMAT, i, checks->size);
      prev_end = r->end;
    }
}

/* Taken ranges, printed as File.Ranges prints them, are taken again as
 * the same. */
static void
check_ranges_round_trip (const BargedFileChecks *checks)
{
  GVariantBuilder builder;
  g_autoptr(GVariant) options = NULL;
  BargedFileChecks again = { .size = BARGE_SIZE_UNKNOWN };
  g_autoptr(GError) error = NULL;

  if (checks->ranges == NULL)
    return;
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "ranges", barged_file_checks_ranges_to_variant (checks));
  options = g_variant_ref_sink (g_variant_builder_end (&builder));
  FUZZ_CHECK (barged_file_checks_parse (options, FUZZ_MAX_RANGES, &again, &error), "printed ranges refused: %s", error->message);
  FUZZ_CHECK (again.ranges != NULL && again.ranges->len == checks->ranges->len, "%u ranges read back as %u",
              checks->ranges->len, again.ranges != NULL ? again.ranges->len : 0);
  FUZZ_CHECK (memcmp (again.ranges->data, checks->ranges->data, checks->ranges->len * sizeof (BargedRange)) == 0,
              "the ranges changed in a round trip");
  barged_file_checks_clear (&again);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GVariant) wire = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));
  g_autoptr(GVariant) options = g_variant_get_normal_form (wire);
  BargedFileChecks checks = { .size = BARGE_SIZE_UNKNOWN };
  g_autoptr(GError) error = NULL;

  if (!barged_file_checks_parse (options, FUZZ_MAX_RANGES, &checks, &error))
    {
      FUZZ_CHECK (g_error_matches (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT), "refused with %s",
                  error->message);
      FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL), "the message is not UTF-8 (a D-Bus string)");
      /* Refused, the options leave the checks as they were. */
      FUZZ_CHECK (checks.ranges == NULL && checks.digest == NULL && checks.size == BARGE_SIZE_UNKNOWN,
                  "a refused option half-applied");
      return 0;
    }
  check_taken (&checks);
  check_ranges_round_trip (&checks);
  barged_file_checks_clear (&checks);
  return 0;
}
