/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedFile"

#include "config.h"

#include <string.h>
#include <libsoup/soup.h>

#include "barge.h"
#include "barged-file.h"
#include "barged-stored-text.h"

struct _BargedFile
{
  GObject parent_instance;

  guint idx;
  char *url;
  char *final_url;            /* where the last response came from; NULL: none since the start */
  char *destination;
  char *temporary;
  guint64 total;
  guint64 done;
  guint64 durable;
  gboolean transferred;
  gboolean recording;         /* its "transferred" record is on its way to the store */
  gboolean completed;
  char *etag;
  char *last_modified;
  BargedFileId temporary_id;
  BargedFileId folder_id;
  /* Durable ranges beyond `durable` of a file fetched in segments: sorted,
   * merged, none touching [0, durable) (that one is absorbed). */
  GArray *ranges;             /* BargedRange */
  BargedFileChecks checks;
  gboolean verified;
};

G_DEFINE_TYPE (BargedFile, barged_file, G_TYPE_OBJECT)

static void notify_progress (BargedFile *self);

enum { PROP_0, PROP_PROGRESS, PROP_TEMPORARY_PATH, PROP_URLS, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_RESTARTED, N_SIGNALS };
static guint signals[N_SIGNALS];

BargedFile *
barged_file_new (guint idx, const char *remote_url, const char *local_path, const char *temporary_path)
{
  BargedFile *self = g_object_new (BARGED_TYPE_FILE, NULL);

  self->idx = idx;
  self->url = g_strdup (remote_url);
  self->destination = g_strdup (local_path);
  self->temporary = g_strdup (temporary_path);
  self->total = BARGE_SIZE_UNKNOWN;
  return self;
}

BargedFile *
barged_file_new_from_record (const BargedFileRecord *r)
{
  BargedFile *self = barged_file_new (r->idx, r->remote_url, r->local_path, r->temporary_path);

  self->total = r->bytes_total;
  self->durable = r->bytes_durable;
  self->done = r->bytes_durable;
  self->transferred = r->transferred;
  self->completed = r->completed;
  self->etag = g_strdup (r->etag);
  self->last_modified = g_strdup (r->last_modified);
  self->temporary_id = r->temporary_id;
  self->folder_id = r->folder_id;
  barged_file_parse_ranges (self, r->ranges);
  if (r->checks != NULL)
    {
      g_autoptr(GVariant) v = barged_stored_text_parse (G_VARIANT_TYPE_VARDICT, r->checks);
      g_autoptr(GError) error = NULL;
      gboolean verified = FALSE;

      if (v != NULL && g_variant_lookup (v, "verified", "b", &verified))
        self->verified = verified;
      /* A damaged record must not drop a check silently. Its ranges
       * were counted when the file was added (MaxRangesPerFile may have
       * changed since): not again. */
      if (v == NULL || !barged_file_checks_parse (v, G_MAXUINT, &self->checks, &error))
        {
          g_warning ("file %u of job %s: its checks are damaged (%s): it will fail its check", r->idx, r->job_id,
                     error != NULL ? error->message : "not GVariant text");
          self->checks.has_digest = TRUE;
          self->checks.digest_kind = BARGED_DIGEST_SHA256;
          g_free (self->checks.digest);
          self->checks.digest = g_strnfill (64, '0');
          self->verified = FALSE;
        }
    }
  return self;
}

void
barged_file_checks_clear (BargedFileChecks *checks)
{
  g_clear_pointer (&checks->digest, g_free);
  g_clear_pointer (&checks->ranges, g_array_unref);
  checks->has_digest = FALSE;
  checks->size = BARGE_SIZE_UNKNOWN;
}

void
barged_file_checks_copy (BargedFileChecks *to, const BargedFileChecks *from)
{
  *to = *from;
  to->digest = g_strdup (from->digest);
  if (from->ranges != NULL)
    {
      to->ranges = g_array_sized_new (FALSE, FALSE, sizeof (BargedRange), from->ranges->len);
      g_array_append_vals (to->ranges, from->ranges->data, from->ranges->len);
    }
}

/* BITS' rules (BG_FILE_RANGE): at least one range, each of at least one
 * byte, sorted, apart, and only the last one to the end of the file
 * (length G_MAXUINT64, BG_LENGTH_TO_EOF). How many a file may have is the
 * job's call to check ([Jobs] MaxRangesPerFile). */
static GArray *
parse_ranges_option (GVariant *v, guint max_ranges, GError **error)
{
  g_autoptr(GArray) ranges = NULL;
  gsize n = g_variant_n_children (v);
  guint64 prev_end = 0;

  if (n == 0)
    {
      g_set_error_literal (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                           "\"ranges\" needs at least one range (offset, length)");
      return NULL;
    }
  /* Counted before any is read: a bus message of millions would
   * otherwise be parsed whole first. */
  if (n > max_ranges)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "a file takes at most %u ranges (MaxRangesPerFile), not %" G_GSIZE_FORMAT, max_ranges, n);
      return NULL;
    }
  ranges = g_array_sized_new (FALSE, FALSE, sizeof (BargedRange), (guint) n);
  for (gsize i = 0; i < n; i++)
    {
      BargedRange r;
      guint64 length;

      g_variant_get_child (v, i, "(tt)", &r.start, &length);
      if (length == 0)
        g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                     "range %" G_GSIZE_FORMAT " is empty: a range has a length of at least 1", i + 1);
      else if (length == G_MAXUINT64 && i + 1 < n)
        g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                     "range %" G_GSIZE_FORMAT " runs to the end of the file: only the last one may", i + 1);
      else if (length != G_MAXUINT64 && r.start > G_MAXUINT64 - 1 - length)
        g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                     "range %" G_GSIZE_FORMAT " ends past the largest offset", i + 1);
      else if (i > 0 && r.start < prev_end)
        g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                     "range %" G_GSIZE_FORMAT " starts at %" G_GUINT64_FORMAT ", before the end of the one before"
                     " (%" G_GUINT64_FORMAT "): ranges are sorted by offset and do not overlap", i + 1, r.start,
                     prev_end);
      if (error != NULL && *error != NULL)
        return NULL;
      r.end = length == G_MAXUINT64 ? BARGE_SIZE_UNKNOWN : r.start + length;
      prev_end = r.end;
      g_array_append_val (ranges, r);
    }
  return g_steal_pointer (&ranges);
}

GVariant *
barged_file_checks_ranges_to_variant (const BargedFileChecks *checks)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(tt)"));
  for (guint i = 0; checks->ranges != NULL && i < checks->ranges->len; i++)
    {
      const BargedRange *r = &g_array_index (checks->ranges, BargedRange, i);

      g_variant_builder_add (&builder, "(tt)", r->start,
                             r->end == BARGE_SIZE_UNKNOWN ? G_MAXUINT64 : r->end - r->start);
    }
  return g_variant_builder_end (&builder);
}

/* Why barged_file_checks_parse() took no option @key of value @v: an
 * unknown name, a known one of another type, the size that means none,
 * or ranges given twice. */
static void
refuse_option (const char *key, GVariant *v, GError **error)
{
  static const struct {
    const char *name;
    const char *type;
  } known[] = { { "sha256", "s" }, { "sha512", "s" }, { "size", "t" }, { "ranges", "a(tt)" } };
  const char *type = g_variant_get_type_string (v);

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    {
      if (!g_str_equal (key, known[i].name))
        continue;
      if (!g_str_equal (type, known[i].type))
        g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                     "the file option \"%s\" is of type %s, not %s", key, known[i].type, type);
      else if (g_str_equal (key, "size"))
        g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                     "a size of %" G_GUINT64_FORMAT " means none: leave \"size\" out for a file of unknown size",
                     G_MAXUINT64);
      else
        g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "the file option \"%s\" is given twice", key);
      return;
    }
  g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
               "unknown file option \"%s\" of type %s (sha256 or sha512 as s, size as t, ranges as a(tt))", key,
               type);
}

gboolean
barged_file_checks_parse (GVariant *options, guint max_ranges, BargedFileChecks *checks, GError **error)
{
  /* Every refusal leaves through here: nothing half-parsed is kept, or
   * leaked (a digest refused after the ranges once leaked them). */
  g_auto(BargedFileChecks) parsed = { .size = BARGE_SIZE_UNKNOWN };
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr(GVariant) v = value;

      if ((g_str_equal (key, "sha256") || g_str_equal (key, "sha512")) &&
          g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
        {
          if (parsed.has_digest)
            {
              g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                           "a file takes one digest, sha256 or sha512, not both");
              return FALSE;
            }
          if (!barged_digest_parse (key, g_variant_get_string (v, NULL), &parsed.digest_kind, &parsed.digest, error))
            return FALSE;
          parsed.has_digest = TRUE;
        }
      else if (g_str_equal (key, "size") && g_variant_is_of_type (v, G_VARIANT_TYPE_UINT64) &&
               g_variant_get_uint64 (v) != BARGE_SIZE_UNKNOWN)
        parsed.size = g_variant_get_uint64 (v);
      else if (g_str_equal (key, "ranges") && g_variant_is_of_type (v, G_VARIANT_TYPE ("a(tt)")) &&
               parsed.ranges == NULL)
        {
          parsed.ranges = parse_ranges_option (v, max_ranges, error);
          if (parsed.ranges == NULL)
            return FALSE;
        }
      /* Stored with the checks, not an option. */
      else if (g_str_equal (key, "verified") && g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN))
        ;
      else
        {
          refuse_option (key, v, error);
          return FALSE;
        }
    }
  /* A digest is of the whole file, which a file of ranges never holds. */
  if (parsed.ranges != NULL && parsed.has_digest)
    {
      g_set_error_literal (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                           "a file of ranges cannot have a digest: only its size may be given");
      return FALSE;
    }
  if (parsed.ranges != NULL && parsed.size != BARGE_SIZE_UNKNOWN)
    {
      const BargedRange *last = &g_array_index (parsed.ranges, BargedRange, parsed.ranges->len - 1);

      if (last->end == BARGE_SIZE_UNKNOWN ? last->start >= parsed.size : last->end > parsed.size)
        {
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                       "the last range ends past the file's size, %" G_GUINT64_FORMAT " bytes", parsed.size);
          return FALSE;
        }
    }
  barged_file_checks_clear (checks);
  *checks = parsed;
  memset (&parsed, 0, sizeof parsed);
  return TRUE;
}

static char *
checks_to_string (BargedFile *self)
{
  GVariantDict dict;
  g_autoptr(GVariant) v = NULL;

  if (!self->checks.has_digest && self->checks.size == BARGE_SIZE_UNKNOWN && self->checks.ranges == NULL)
    return NULL;
  g_variant_dict_init (&dict, NULL);
  if (self->checks.has_digest)
    g_variant_dict_insert (&dict, barged_digest_kind_to_string (self->checks.digest_kind), "s", self->checks.digest);
  if (self->checks.size != BARGE_SIZE_UNKNOWN)
    g_variant_dict_insert (&dict, "size", "t", self->checks.size);
  if (self->checks.ranges != NULL)
    g_variant_dict_insert_value (&dict, "ranges", barged_file_checks_ranges_to_variant (&self->checks));
  if (self->verified)
    g_variant_dict_insert (&dict, "verified", "b", TRUE);
  v = g_variant_ref_sink (g_variant_dict_end (&dict));
  return g_variant_print (v, TRUE);
}

void
barged_file_set_checks (BargedFile *self, const BargedFileChecks *checks)
{
  barged_file_checks_clear (&self->checks);
  barged_file_checks_copy (&self->checks, checks);
}

const BargedFileChecks *
barged_file_get_checks (BargedFile *self)
{
  return &self->checks;
}

char *
barged_file_dup_expected_digest (BargedFile *self)
{
  if (!self->checks.has_digest)
    return g_strdup ("");
  return g_strdup_printf ("%s:%s", barged_digest_kind_to_string (self->checks.digest_kind), self->checks.digest);
}

gboolean
barged_file_get_verified (BargedFile *self)
{
  return self->verified;
}

void
barged_file_set_verified (BargedFile *self, gboolean verified)
{
  if (!verified == !self->verified)
    return;
  self->verified = !!verified;
  notify_progress (self);
}

BargedFileRecord *
barged_file_to_record (BargedFile *self, const char *job_id)
{
  BargedFileRecord *r = g_new0 (BargedFileRecord, 1);

  r->job_id = g_strdup (job_id);
  r->idx = self->idx;
  r->remote_url = g_strdup (self->url);
  r->local_path = g_strdup (self->destination);
  r->temporary_path = g_strdup (self->temporary);
  r->bytes_total = self->total;
  /* Only bytes known to be on disk may be recorded: a restart trusts them. */
  r->bytes_durable = self->durable;
  /* A record of the whole job made while this file's own "transferred"
   * record waits for its commit is committed after it: as not
   * transferred, it would undo it (its bytes are durable already). */
  r->transferred = self->transferred || self->recording;
  r->completed = self->completed;
  r->etag = g_strdup (self->etag);
  r->last_modified = g_strdup (self->last_modified);
  r->temporary_id = self->temporary_id;
  r->folder_id = self->folder_id;
  r->ranges = barged_file_ranges_to_string (self);
  r->checks = checks_to_string (self);
  return r;
}

guint barged_file_get_index (BargedFile *self) { return self->idx; }
const char *barged_file_get_url (BargedFile *self) { return self->url; }
const char *barged_file_get_destination (BargedFile *self) { return self->destination; }
const char *barged_file_get_temporary (BargedFile *self) { return self->temporary; }
guint64 barged_file_get_total (BargedFile *self) { return self->total; }
guint64 barged_file_get_done (BargedFile *self) { return self->done; }
const GArray *barged_file_get_wanted (BargedFile *self) { return self->checks.ranges; }

guint64
barged_file_get_bytes_total (BargedFile *self)
{
  guint64 sum = 0;

  if (self->checks.ranges == NULL)
    return self->total;
  for (guint i = 0; i < self->checks.ranges->len; i++)
    {
      const BargedRange *r = &g_array_index (self->checks.ranges, BargedRange, i);

      if (r->end != BARGE_SIZE_UNKNOWN)
        sum += r->end - r->start;
      else if (self->total == BARGE_SIZE_UNKNOWN)
        return BARGE_SIZE_UNKNOWN;
      else
        sum += self->total > r->start ? self->total - r->start : 0;
    }
  return sum;
}
guint64 barged_file_get_durable (BargedFile *self) { return self->durable; }
gboolean barged_file_get_transferred (BargedFile *self) { return self->transferred; }
gboolean barged_file_get_completed (BargedFile *self) { return self->completed; }
const char *barged_file_get_etag (BargedFile *self) { return self->etag; }
const char *barged_file_get_last_modified (BargedFile *self) { return self->last_modified; }
const BargedFileId *barged_file_get_temporary_id (BargedFile *self) { return &self->temporary_id; }
const BargedFileId *barged_file_get_folder_id (BargedFile *self) { return &self->folder_id; }

static void
notify_progress (BargedFile *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

void
barged_file_set_total (BargedFile *self, guint64 total)
{
  if (self->total == total)
    return;
  self->total = total;
  notify_progress (self);
}

void
barged_file_set_done (BargedFile *self, guint64 done)
{
  if (self->done == done)
    return;
  self->done = done;
  notify_progress (self);
}

/* The ranges that now touch the durable prefix join it. */
static void
absorb_ranges (BargedFile *self)
{
  guint n = 0;

  while (n < self->ranges->len && g_array_index (self->ranges, BargedRange, n).start <= self->durable)
    {
      self->durable = MAX (self->durable, g_array_index (self->ranges, BargedRange, n).end);
      n++;
    }
  if (n > 0)
    g_array_remove_range (self->ranges, 0, n);
}

void
barged_file_set_durable (BargedFile *self, guint64 durable)
{
  self->durable = durable;
  absorb_ranges (self);
}

void
barged_file_add_durable (BargedFile *self, guint64 start, guint64 end)
{
  BargedRange add = { start, end };
  guint i = 0;

  if (start >= end)
    return;
  if (start <= self->durable)
    {
      self->durable = MAX (self->durable, end);
      absorb_ranges (self);
      return;
    }
  /* Few ranges (one per segment at most, merged): a scan is enough. */
  while (i < self->ranges->len && g_array_index (self->ranges, BargedRange, i).end < add.start)
    i++;
  while (i < self->ranges->len && g_array_index (self->ranges, BargedRange, i).start <= add.end)
    {
      BargedRange *r = &g_array_index (self->ranges, BargedRange, i);

      add.start = MIN (add.start, r->start);
      add.end = MAX (add.end, r->end);
      g_array_remove_index (self->ranges, i);
    }
  g_array_insert_val (self->ranges, i, add);
}

static gboolean
next_gap_whole (BargedFile *self, guint64 from, guint64 *start, guint64 *end)
{
  guint64 at = MAX (from, self->durable);

  for (guint i = 0; i < self->ranges->len; i++)
    {
      const BargedRange *r = &g_array_index (self->ranges, BargedRange, i);

      if (r->end <= at)
        continue;
      if (r->start <= at)
        {
          at = r->end;
          continue;
        }
      *start = at;
      *end = r->start;
      return TRUE;
    }
  *start = at;
  *end = self->total;
  return self->total != BARGE_SIZE_UNKNOWN && at < self->total;
}

gboolean
barged_file_next_gap (BargedFile *self, guint64 from, guint64 *start, guint64 *end)
{
  const GArray *wanted = self->checks.ranges;
  guint64 at = from;

  if (wanted == NULL)
    return next_gap_whole (self, from, start, end);
  /* The first gap of the whole file in each wanted range, cut to it. */
  for (guint i = 0; i < wanted->len; i++)
    {
      const BargedRange *r = &g_array_index (wanted, BargedRange, i);
      guint64 s, e;

      if (r->end != BARGE_SIZE_UNKNOWN && r->end <= at)
        continue;
      at = MAX (at, r->start);
      /* FALSE with a known total: nothing is missing from here on. With
       * an unknown one, the gap runs from s to an end not known yet. */
      if (!next_gap_whole (self, at, &s, &e) && self->total != BARGE_SIZE_UNKNOWN)
        return FALSE;
      if (r->end != BARGE_SIZE_UNKNOWN && s >= r->end)
        continue;
      *start = s;
      *end = r->end == BARGE_SIZE_UNKNOWN ? e : MIN (e, r->end);
      return TRUE;
    }
  return FALSE;
}

guint64
barged_file_get_durable_bytes (BargedFile *self)
{
  guint64 sum = self->durable;

  for (guint i = 0; i < self->ranges->len; i++)
    sum += g_array_index (self->ranges, BargedRange, i).end - g_array_index (self->ranges, BargedRange, i).start;
  return sum;
}

guint64
barged_file_get_durable_end (BargedFile *self)
{
  return self->ranges->len > 0 ? g_array_index (self->ranges, BargedRange, self->ranges->len - 1).end
                               : self->durable;
}

gboolean
barged_file_has_ranges (BargedFile *self)
{
  return self->ranges->len > 0;
}

void
barged_file_trim_ranges (BargedFile *self, guint64 size)
{
  while (self->ranges->len > 0)
    {
      BargedRange *last = &g_array_index (self->ranges, BargedRange, self->ranges->len - 1);

      if (last->end <= size)
        break;
      if (last->start < size)
        {
          last->end = size;
          break;
        }
      g_array_remove_index (self->ranges, self->ranges->len - 1);
    }
}

char *
barged_file_ranges_to_string (BargedFile *self)
{
  GString *out;

  if (self->ranges->len == 0)
    return NULL;
  out = g_string_new (NULL);
  for (guint i = 0; i < self->ranges->len; i++)
    g_string_append_printf (out, "%s%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT, i > 0 ? "," : "",
                            g_array_index (self->ranges, BargedRange, i).start,
                            g_array_index (self->ranges, BargedRange, i).end);
  return g_string_free (out, FALSE);
}

/* What the store kept; a malformed range is dropped (its bytes are fetched
 * again), never trusted. */
void
barged_file_parse_ranges (BargedFile *self, const char *text)
{
  g_auto(GStrv) parts = NULL;

  g_array_set_size (self->ranges, 0);
  if (text == NULL || *text == '\0')
    return;
  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 start, end;
      char *dash = strchr (parts[i], '-');

      if (dash == NULL)
        continue;
      *dash = '\0';
      if (!g_ascii_string_to_unsigned (parts[i], 10, 0, G_MAXUINT64, &start, NULL) ||
          !g_ascii_string_to_unsigned (dash + 1, 10, 0, G_MAXUINT64, &end, NULL) || start >= end ||
          (self->total != BARGE_SIZE_UNKNOWN && end > self->total))
        continue;
      barged_file_add_durable (self, start, end);
    }
  self->done = barged_file_get_durable_bytes (self);
}

void
barged_file_set_validators (BargedFile *self, const char *etag, const char *last_modified)
{
  g_free (self->etag);
  self->etag = g_strdup (etag);
  g_free (self->last_modified);
  self->last_modified = g_strdup (last_modified);
}

void
barged_file_set_transferred (BargedFile *self, gboolean transferred)
{
  if (self->transferred == transferred)
    return;
  self->transferred = transferred;
  notify_progress (self);
}

void
barged_file_set_recording (BargedFile *self, gboolean recording)
{
  self->recording = recording;
}

gboolean
barged_file_get_recording (BargedFile *self)
{
  return self->recording;
}

void
barged_file_set_completed (BargedFile *self, gboolean completed)
{
  if (self->completed == completed)
    return;
  self->completed = completed;
  notify_progress (self);
}

void
barged_file_set_temporary (BargedFile *self, const char *path, const BargedFileId *id)
{
  self->temporary_id = *id;
  if (g_strcmp0 (self->temporary, path) == 0)
    return;
  g_free (self->temporary);
  self->temporary = g_strdup (path);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEMPORARY_PATH]);
}

const char *
barged_file_get_final_url (BargedFile *self)
{
  return self->final_url != NULL ? self->final_url : "";
}

void
barged_file_set_final_url (BargedFile *self, const char *url)
{
  if (g_strcmp0 (self->final_url, url) == 0)
    return;
  g_free (self->final_url);
  self->final_url = g_strdup (url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URLS]);
}

void
barged_file_set_url (BargedFile *self, const char *url)
{
  if (g_strcmp0 (self->url, url) == 0)
    return;
  g_free (self->url);
  self->url = g_strdup (url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URLS]);
}

void
barged_file_set_folder_id (BargedFile *self, const BargedFileId *id)
{
  self->folder_id = *id;
}

void
barged_file_mark_restarted (BargedFile *self, gboolean response_changed)
{
  self->done = 0;
  self->durable = 0;
  g_array_set_size (self->ranges, 0);
  notify_progress (self);
  g_signal_emit (self, signals[SIGNAL_RESTARTED], 0, response_changed);
}

/* "/d//./a/" -> "/d/a": the same file has one spelling. ".." stays (only
 * the kernel can resolve it, through symbolic links); AddFile compares
 * folders by identity for that. */
static char *
normalize_path (const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0' || g_str_equal (parts[i], "."))
        continue;
      g_string_append_c (out, '/');
      g_string_append (out, parts[i]);
    }
  if (out->len == 0)
    g_string_append_c (out, '/');
  return g_string_free (out, FALSE);
}

char *
barged_file_validate (const char *url, const char *local_path, GError **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *base = NULL;
  g_autofree char *normal = NULL;
  const char *last;

  if (strlen (url) > BARGED_FILE_MAX_URL)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_STRING_TOO_LONG,
                   "the URL is longer than %u characters", BARGED_FILE_MAX_URL);
      return NULL;
    }
  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "not an http or https URL: %s", url);
      return NULL;
    }
  /* A password in the URL would be shown in RemoteUrl, kept in the
   * database and sent wherever a redirect leads. */
  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "a URL may not carry a user name or password (user:password@host): "
                   "give credentials to the job with SetCredentials");
      return NULL;
    }
  if (strlen (local_path) > BARGED_FILE_MAX_PATH)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_STRING_TOO_LONG,
                   "the local path is longer than %u bytes", BARGED_FILE_MAX_PATH);
      return NULL;
    }
  base = g_path_get_basename (local_path);
  if (!g_path_is_absolute (local_path) || g_str_has_suffix (local_path, "/") ||
      g_strcmp0 (base, ".") == 0 || g_strcmp0 (base, "..") == 0)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "not an absolute path to a file: %s", local_path);
      return NULL;
    }
  normal = normalize_path (local_path);
  last = strrchr (normal, '/') + 1;
  if (strlen (last) > BARGED_FILE_ACCESS_MAX_NAME)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_STRING_TOO_LONG,
                   "a file name may have at most %u bytes; the one of %s has %" G_GSIZE_FORMAT,
                   BARGED_FILE_ACCESS_MAX_NAME, local_path, strlen (last));
      return NULL;
    }
  return g_steal_pointer (&normal);
}

static void
barged_file_finalize (GObject *object)
{
  BargedFile *self = BARGED_FILE (object);

  g_free (self->url);
  g_free (self->final_url);
  barged_file_checks_clear (&self->checks);
  g_free (self->destination);
  g_free (self->temporary);
  g_free (self->etag);
  g_free (self->last_modified);
  g_array_unref (self->ranges);
  G_OBJECT_CLASS (barged_file_parent_class)->finalize (object);
}

static void
barged_file_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BargedFile *self = BARGED_FILE (object);

  switch (prop_id)
    {
    case PROP_PROGRESS:
      g_value_set_uint64 (value, self->done);
      break;
    case PROP_TEMPORARY_PATH:
      g_value_set_string (value, self->temporary);
      break;
    case PROP_URLS:
      g_value_set_string (value, self->url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
barged_file_init (BargedFile *self)
{
  self->ranges = g_array_new (FALSE, FALSE, sizeof (BargedRange));
  self->checks.size = BARGE_SIZE_UNKNOWN;
}

static void
barged_file_class_init (BargedFileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = barged_file_finalize;
  object_class->get_property = barged_file_get_property;

  /* Stands for the whole of total, done, transferred and completed: the
   * bus face reads them with the getters when it is notified. */
  properties[PROP_PROGRESS] = g_param_spec_uint64 ("progress", NULL, NULL, 0, G_MAXUINT64, 0,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                                   G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TEMPORARY_PATH] = g_param_spec_string ("temporary-path", NULL, NULL, NULL,
                                                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                                         G_PARAM_EXPLICIT_NOTIFY);
  /* Stands for the remote URL and the final URL. */
  properties[PROP_URLS] = g_param_spec_string ("urls", NULL, NULL, NULL,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[SIGNAL_RESTARTED] = g_signal_new ("restarted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}
