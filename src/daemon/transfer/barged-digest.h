/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "barge.h"

G_BEGIN_DECLS

/* The digest a file must have (AddFileWithOptions' "sha256" or "sha512"),
 * computed while its bytes are written: the writer hands each write's
 * bytes over at their offset, in order. Bytes not seen in order (a resume
 * after a restart, the pieces of a segmented file) are read back from the
 * file when needed, once. Thread-safe: writes run on workers, the check on
 * the main thread. */
typedef struct _BargedDigest BargedDigest;

typedef enum {
  BARGED_DIGEST_SHA256,
  BARGED_DIGEST_SHA512,
} BargedDigestKind;

/* Parses "sha256" or "sha512" and a hex value of the right length (any
 * case); FALSE with BARGE_ERROR_INVALID_ARGUMENT saying what is accepted. */
gboolean barged_digest_parse (const char *kind, const char *hex, BargedDigestKind *out_kind, char **out_hex,
                              GError **error);
const char *barged_digest_kind_to_string (BargedDigestKind kind);

BargedDigest *barged_digest_new (BargedDigestKind kind, const char *expected_hex);
BargedDigest *barged_digest_ref (BargedDigest *self);
void barged_digest_unref (BargedDigest *self);

/* Starts over from byte 0 (the file was truncated). */
void barged_digest_reset (BargedDigest *self);
/* @len bytes at @pos were written to @fd: hashed if they continue what was
 * hashed, after reading back what lies between as far as
 * @read_back_limit (bytes known to be on disk: another connection may
 * still be writing the ones after). Bytes before what was hashed are a
 * rewrite of the same bytes (skipped); bytes past a gap wait for
 * barged_digest_read_to(). 0 or an errno of the read-back. */
int barged_digest_update (BargedDigest *self, int fd, const guint8 *data, gsize len, guint64 pos,
                          guint64 read_back_limit);
/* Reads back and hashes whatever of [0, @end) is not hashed yet. */
int barged_digest_read_to (BargedDigest *self, int fd, guint64 end);
/* Where hashing stands: bytes [0, hashed) are in. */
guint64 barged_digest_get_hashed (BargedDigest *self);
/* After [0, @end) is hashed: TRUE when the digest is the expected one;
 * else @error is BARGE_ERROR_CHECKSUM_MISMATCH naming both values. */
gboolean barged_digest_check (BargedDigest *self, guint64 end, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargedDigest, barged_digest_unref)

G_END_DECLS
