/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

#include "barged-digest.h"
#include "barged-file-access.h"
#include "barged-http.h"
#include "barged-store.h"

G_BEGIN_DECLS

#define BARGED_TYPE_FILE (barged_file_get_type ())
G_DECLARE_FINAL_TYPE (BargedFile, barged_file, BARGED, FILE, GObject)

/* The engine's view of one file of a job: where it comes from and goes to,
 * how far it got, and what barged created for it. No D-Bus here: the bus
 * face (bus/barged-bus-job.c) shows it.
 *
 * Property notifications: "progress" when the total, the bytes done, or
 * the transferred or completed flags changed; "temporary-path" when the
 * temporary file moved to a new name. Signal "restarted" (gboolean
 * response_changed) when the file started over from byte 0. */

typedef struct {
  guint64 start;
  guint64 end;                /* exclusive; BARGE_SIZE_UNKNOWN: the end of the file */
} BargedRange;

/* What AddFileWithOptions said of a file: what it is checked against
 * before it counts as transferred (its digest and its size), and the
 * byte ranges it is made of when only those are wanted (BITS
 * AddFileWithRanges). */
typedef struct {
  gboolean has_digest;
  BargedDigestKind digest_kind;
  char *digest;               /* lower-case hex */
  guint64 size;               /* BARGE_SIZE_UNKNOWN: none */
  GArray *ranges;             /* BargedRange, sorted, apart, only the last to the end; NULL: the whole file */
} BargedFileChecks;

void barged_file_checks_clear (BargedFileChecks *checks);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BargedFileChecks, barged_file_checks_clear)
void barged_file_checks_copy (BargedFileChecks *to, const BargedFileChecks *from);
/* AddFileWithOptions' options: "sha256" or "sha512" (s, hex), "size" (t),
 * "ranges" (a(tt): offset and length, G_MAXUINT64 for "to the end" in the
 * last one only, at most @max_ranges). FALSE with InvalidArgument saying
 * what is accepted. */
gboolean barged_file_checks_parse (GVariant *options, guint max_ranges, BargedFileChecks *checks, GError **error);
/* The ranges as a(tt) (offset, length), the form of the option and of
 * File.Ranges; an empty array for a whole file. Floating. */
GVariant *barged_file_checks_ranges_to_variant (const BargedFileChecks *checks);

BargedFile *barged_file_new (guint idx,
                             const char *remote_url,
                             const char *local_path,
                             const char *temporary_path);
BargedFile *barged_file_new_from_record (const BargedFileRecord *record);
BargedFileRecord *barged_file_to_record (BargedFile *self, const char *job_id);

guint barged_file_get_index (BargedFile *self);
/* Before the file is added to its job only. */
void barged_file_set_checks (BargedFile *self, const BargedFileChecks *checks);
const BargedFileChecks *barged_file_get_checks (BargedFile *self);
/* ExpectedDigest: "sha256:HEX", "sha512:HEX" or "". */
char *barged_file_dup_expected_digest (BargedFile *self);
/* Verified: the bytes passed the file's checks (FALSE without checks). */
gboolean barged_file_get_verified (BargedFile *self);
void barged_file_set_verified (BargedFile *self, gboolean verified);
const char *barged_file_get_url (BargedFile *self);
const char *barged_file_get_destination (BargedFile *self);
const char *barged_file_get_temporary (BargedFile *self);
/* The length of the file on the server (BARGE_SIZE_UNKNOWN until known). */
guint64 barged_file_get_total (BargedFile *self);
/* Bytes received of what is wanted: the whole file, or its ranges. */
guint64 barged_file_get_done (BargedFile *self);
/* Bytes wanted (BytesTotal): the file's total, or what its ranges add up
 * to (unknown while a range runs to an end not known yet). */
guint64 barged_file_get_bytes_total (BargedFile *self);
/* The file's ranges (AddFileWithOptions "ranges"), or NULL: all of it. */
const GArray *barged_file_get_wanted (BargedFile *self);
guint64 barged_file_get_durable (BargedFile *self);
gboolean barged_file_get_transferred (BargedFile *self);
gboolean barged_file_get_completed (BargedFile *self);
const char *barged_file_get_etag (BargedFile *self);
const char *barged_file_get_last_modified (BargedFile *self);
/* The temporary file barged created (unset until it did) and the folder of
 * the destination as AddFile found it (unset for files of old databases). */
const BargedFileId *barged_file_get_temporary_id (BargedFile *self);
const BargedFileId *barged_file_get_folder_id (BargedFile *self);

void barged_file_set_total (BargedFile *self, guint64 total);
void barged_file_set_done (BargedFile *self, guint64 done);
void barged_file_set_durable (BargedFile *self, guint64 durable);
/* A file fetched in segments (several connections, each a range) is
 * durable in ranges: barged_file_get_durable() stays the durable prefix
 * [0, durable), the only figure of a file fetched in one piece, and the
 * ranges beyond it are kept apart, merged, until the prefix reaches them.
 * After an fdatasync, the ranges written before it may be added. */
void barged_file_add_durable (BargedFile *self, guint64 start, guint64 end);
/* The first range not durable at or after @from (end: the next durable
 * range or the total); FALSE when there is none or the total is unknown.
 * Of a file with ranges, only bytes in them count: the gap ends with its
 * range at the latest (BARGE_SIZE_UNKNOWN for one to an unknown end). */
gboolean barged_file_next_gap (BargedFile *self, guint64 from, guint64 *start, guint64 *end);
/* Bytes durable in all: the prefix and the ranges beyond it. */
guint64 barged_file_get_durable_bytes (BargedFile *self);
/* One past the last durable byte: what the temporary must keep. */
guint64 barged_file_get_durable_end (BargedFile *self);
gboolean barged_file_has_ranges (BargedFile *self);
/* The temporary holds @size bytes only: ranges past it are gone. */
void barged_file_trim_ranges (BargedFile *self, guint64 size);
/* The store's form, "a-b,c-d"; NULL without ranges. */
char *barged_file_ranges_to_string (BargedFile *self);
void barged_file_parse_ranges (BargedFile *self, const char *text);

void barged_file_set_validators (BargedFile *self, const char *etag, const char *last_modified);
void barged_file_set_transferred (BargedFile *self, gboolean transferred);
/* Its "transferred" record was handed to the store and is not committed
 * yet: its bytes are durable, records of it say transferred, and it is
 * not started again. */
void barged_file_set_recording (BargedFile *self, gboolean recording);
gboolean barged_file_get_recording (BargedFile *self);
void barged_file_set_completed (BargedFile *self, gboolean completed);
/* The temporary file was (re)created: at @path (a new name when something
 * that was not barged's sat at the old one), with identity @id. */
void barged_file_set_temporary (BargedFile *self, const char *path, const BargedFileId *id);
/* FinalUrl: the URL the last response came from, after redirects (""
 * until one came since the daemon started; not stored). */
const char *barged_file_get_final_url (BargedFile *self);
void barged_file_set_final_url (BargedFile *self, const char *url);
/* A permanent redirect under the "allow-report" policy, within the
 * file's origin: the file is fetched from @url from now on (stored with
 * the file's next record). */
void barged_file_set_url (BargedFile *self, const char *url);
void barged_file_set_folder_id (BargedFile *self, const BargedFileId *id);
/* The transfer starts over from byte 0; @response_changed says whether the
 * server's validators differ from the ones the partial data came with. */
void barged_file_mark_restarted (BargedFile *self, gboolean response_changed);

/* Limits from bits.md: URL length in characters, local path in bytes. */
#define BARGED_FILE_MAX_URL BARGED_HTTP_MAX_URL
#define BARGED_FILE_MAX_PATH 4096

/* Checks a client's file before anything touches the disk: an http or https
 * URL without user information (credentials go through SetCredentials),
 * and an absolute path to a file (not a folder) whose name fits a folder
 * entry. Returns the path in normal form (no "." components, no repeated
 * or trailing slashes), or NULL with @error set. */
char *barged_file_validate (const char *url, const char *local_path, GError **error);

G_END_DECLS
