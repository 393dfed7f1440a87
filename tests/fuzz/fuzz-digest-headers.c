/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a server says its file hashes to (barged-http.c): RFC 9530
 * Repr-Digest, else RFC 3230 Digest, SHA-512 before SHA-256. Input: the
 * Repr-Digest value on the first line, the Digest value in the rest (no
 * second line: no Digest header). What is taken must be a digest the
 * client's own parser (barged_digest_parse(), AddFileWithOptions) takes,
 * and must come back the same from the header form Barge would print. */
#include "config.h"

#include <libsoup/soup.h>

#include "barged-digest.h"
#include "barged-http.h"
#include "fuzz-common.h"

FUZZ_DEFINE_INITIALIZE ()

/* @hex (lower-case, from the parser) as a Repr-Digest member's bytes. */
static char *
repr_member (const char *kind, const char *hex)
{
  gsize n = strlen (hex) / 2;
  g_autofree guchar *raw = g_malloc (n);
  g_autofree char *b64 = NULL;

  for (gsize i = 0; i < n; i++)
    raw[i] = (guchar) ((g_ascii_xdigit_value (hex[2 * i]) << 4) | g_ascii_xdigit_value (hex[2 * i + 1]));
  b64 = g_base64_encode (raw, n);
  return g_strdup_printf ("%s=:%s:", g_str_equal (kind, "sha512") ? "sha-512" : "sha-256", b64);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_auto(GStrv) lines = fuzz_lines (data, size, 2);
  const char *kind = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *member = NULL;
  const char *kind2 = NULL;
  g_autofree char *hex2 = NULL;
  BargedDigestKind parsed_kind;
  g_autofree char *parsed_hex = NULL;
  g_autoptr(GError) error = NULL;

  if (!barged_http_parse_repr_digest (lines[0], lines[1], &kind, &hex))
    {
      FUZZ_CHECK (hex == NULL, "refused \"%s\" / \"%s\" but gave %s", lines[0], lines[1], hex);
      return 0;
    }
  FUZZ_CHECK (g_strcmp0 (kind, "sha256") == 0 || g_strcmp0 (kind, "sha512") == 0, "kind %s", kind);
  FUZZ_CHECK (strlen (hex) == (g_str_equal (kind, "sha512") ? 128 : 64), "%s of %zu digits", kind, strlen (hex));
  for (const char *p = hex; *p != '\0'; p++)
    FUZZ_CHECK (g_ascii_isdigit (*p) || (*p >= 'a' && *p <= 'f'), "\"%s\" is not lower-case hex", hex);
  /* The client's parser takes what the server's gave. */
  FUZZ_CHECK (barged_digest_parse (kind, hex, &parsed_kind, &parsed_hex, &error), "%s %s: %s", kind, hex,
              error->message);
  FUZZ_CHECK (g_str_equal (parsed_hex, hex), "%s parsed as %s", hex, parsed_hex);
  FUZZ_CHECK (g_str_equal (barged_digest_kind_to_string (parsed_kind), kind), "%s parsed as %s", kind,
              barged_digest_kind_to_string (parsed_kind));
  /* Printed as a Repr-Digest, it reads back the same. */
  member = repr_member (kind, hex);
  FUZZ_CHECK (barged_http_parse_repr_digest (member, NULL, &kind2, &hex2), "\"%s\" refused", member);
  FUZZ_CHECK (g_str_equal (kind2, kind) && g_str_equal (hex2, hex), "\"%s\" reads as %s %s", member, kind2, hex2);
  return 0;
}
