/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include "barge-private.h"

/**
 * BargeFile:
 *
 * One file of a [class@Barge.Job]: where it comes from, where it goes, and
 * how far it is (BITS `BG_FILE_PROGRESS`).
 *
 * A `BargeFile` mirrors the `org.freedesktop.Barge1.File` object of the
 * daemon; each property emits [signal@GObject.Object::notify] when the daemon
 * announces a change, and keeps its last value while the daemon is away.
 * Files are obtained with [method@Barge.Job.get_files] or
 * [property@Barge.Job:file-list].
 *
 * The byte counts are 64-bit; [property@Barge.File:bytes-total] is
 * %BARGE_SIZE_UNKNOWN (2⁶⁴ − 1) until the size is known, a number that
 * JavaScript cannot hold exactly. In JavaScript, check
 * [method@Barge.File.is_total_known] and use
 * [method@Barge.File.get_fraction] rather than reading the total.
 */

struct _BargeFile
{
  GObject parent_instance;

  char *path;
  BargeProps *props; /* the last values the daemon gave */
  gboolean loaded;

  /* Progress (ttb) split up, so that notify fires only for the part that moved. */
  guint64 bytes_total;
  guint64 bytes_transferred;
  gboolean completed;
};

G_DEFINE_FINAL_TYPE (BargeFile, barge_file, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_OBJECT_PATH,
  PROP_REMOTE_URL,
  PROP_LOCAL_PATH,
  PROP_TEMPORARY_PATH,
  PROP_BYTES_TOTAL,
  PROP_BYTES_TRANSFERRED,
  PROP_COMPLETED,
  PROP_HAS_RESTARTED,
  PROP_HAS_RESPONSE_CHANGED,
  PROP_FINAL_URL,
  PROP_EXPECTED_DIGEST,
  PROP_EXPECTED_SIZE,
  PROP_VERIFIED,
  PROP_RANGES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
barge_file_load_progress (BargeFile *self)
{
  GVariant *progress = _barge_props_get (self->props, "Progress");

  /* Until the daemon has told us anything, the size is simply not known. */
  self->bytes_total = BARGE_SIZE_UNKNOWN;
  self->bytes_transferred = 0;
  self->completed = FALSE;
  if (progress != NULL)
    g_variant_get (progress, "(ttb)", &self->bytes_total, &self->bytes_transferred, &self->completed);
}

static void
barge_file_property_changed (BargeFile *self, const char *name)
{
  if (g_str_equal (name, "RemoteUrl"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMOTE_URL]);
  else if (g_str_equal (name, "LocalPath"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCAL_PATH]);
  else if (g_str_equal (name, "TemporaryPath"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEMPORARY_PATH]);
  else if (g_str_equal (name, "HasRestarted"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_RESTARTED]);
  else if (g_str_equal (name, "HasResponseChanged"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_RESPONSE_CHANGED]);
  else if (g_str_equal (name, "FinalUrl"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINAL_URL]);
  else if (g_str_equal (name, "ExpectedDigest"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPECTED_DIGEST]);
  else if (g_str_equal (name, "ExpectedSize"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPECTED_SIZE]);
  else if (g_str_equal (name, "Verified"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFIED]);
  else if (g_str_equal (name, "Ranges"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RANGES]);
  else if (g_str_equal (name, "Progress"))
    {
      guint64 old_total = self->bytes_total;
      guint64 old_transferred = self->bytes_transferred;
      gboolean old_completed = self->completed;

      barge_file_load_progress (self);
      if (old_total != self->bytes_total)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_TOTAL]);
      if (old_transferred != self->bytes_transferred)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_TRANSFERRED]);
      if (old_completed != self->completed)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETED]);
    }
}

void
_barge_file_set_completed (BargeFile *self)
{
  if (self->completed)
    return;
  self->completed = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETED]);
}

/* Takes the values of @dict (a PropertiesChanged or a GetAll) and notifies
 * the properties that changed, after all of them are in. */
void
_barge_file_apply (BargeFile *self, GVariant *dict, guint64 stamp)
{
  g_autoptr(GPtrArray) changed = g_ptr_array_new ();

  _barge_props_apply (self->props, dict, stamp, changed);
  self->loaded = TRUE;
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < changed->len; i++)
    barge_file_property_changed (self, g_ptr_array_index (changed, i));
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
_barge_file_is_loaded (BargeFile *self)
{
  return self->loaded;
}

static void
barge_file_finalize (GObject *object)
{
  BargeFile *self = BARGE_FILE (object);

  g_free (self->path);
  _barge_props_free (self->props);

  G_OBJECT_CLASS (barge_file_parent_class)->finalize (object);
}

static void
barge_file_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BargeFile *self = BARGE_FILE (object);

  switch (prop_id)
    {
    case PROP_OBJECT_PATH:
      g_value_set_string (value, barge_file_get_object_path (self));
      break;
    case PROP_REMOTE_URL:
      g_value_set_string (value, barge_file_get_remote_url (self));
      break;
    case PROP_LOCAL_PATH:
      g_value_set_string (value, barge_file_get_local_path (self));
      break;
    case PROP_TEMPORARY_PATH:
      g_value_set_string (value, barge_file_get_temporary_path (self));
      break;
    case PROP_BYTES_TOTAL:
      g_value_set_uint64 (value, self->bytes_total);
      break;
    case PROP_BYTES_TRANSFERRED:
      g_value_set_uint64 (value, self->bytes_transferred);
      break;
    case PROP_COMPLETED:
      g_value_set_boolean (value, self->completed);
      break;
    case PROP_HAS_RESTARTED:
      g_value_set_boolean (value, barge_file_get_has_restarted (self));
      break;
    case PROP_HAS_RESPONSE_CHANGED:
      g_value_set_boolean (value, barge_file_get_has_response_changed (self));
      break;
    case PROP_FINAL_URL:
      g_value_set_string (value, barge_file_get_final_url (self));
      break;
    case PROP_EXPECTED_DIGEST:
      g_value_set_string (value, barge_file_get_expected_digest (self));
      break;
    case PROP_EXPECTED_SIZE:
      g_value_set_uint64 (value, barge_file_get_expected_size (self));
      break;
    case PROP_VERIFIED:
      g_value_set_boolean (value, barge_file_get_verified (self));
      break;
    case PROP_RANGES:
      g_value_set_variant (value, barge_file_get_ranges (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
barge_file_class_init (BargeFileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = barge_file_finalize;
  object_class->get_property = barge_file_get_property;

  /**
   * BargeFile:object-path:
   *
   * The D-Bus object path of the file, `/org/freedesktop/Barge1/jobs/ID/files/N`.
   */
  properties[PROP_OBJECT_PATH] =
    g_param_spec_string ("object-path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * BargeFile:remote-url:
   *
   * The http or https URL of the file.
   */
  properties[PROP_REMOTE_URL] =
    g_param_spec_string ("remote-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeFile:local-path:
   *
   * The absolute path the file gets when the job is completed.
   */
  properties[PROP_LOCAL_PATH] =
    g_param_spec_string ("local-path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeFile:temporary-path:
   *
   * The hidden file in the destination folder that receives the data until
   * the job is completed.
   */
  properties[PROP_TEMPORARY_PATH] =
    g_param_spec_string ("temporary-path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeFile:bytes-total:
   *
   * The size of the file in bytes, or %BARGE_SIZE_UNKNOWN while it is not known.
   */
  properties[PROP_BYTES_TOTAL] =
    g_param_spec_uint64 ("bytes-total", NULL, NULL, 0, G_MAXUINT64, BARGE_SIZE_UNKNOWN,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeFile:bytes-transferred:
   *
   * How many bytes of the file have been transferred.
   */
  properties[PROP_BYTES_TRANSFERRED] =
    g_param_spec_uint64 ("bytes-transferred", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeFile:completed:
   *
   * Whether the file is complete, that is, available under
   * [property@Barge.File:local-path]. When its job, a download, goes from
   * %BARGE_JOB_STATE_TRANSFERRED to %BARGE_JOB_STATE_ACKNOWLEDGED, every
   * file becomes complete before the job's [property@Barge.Job:state] is
   * notified.
   */
  properties[PROP_COMPLETED] =
    g_param_spec_boolean ("completed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeFile:has-restarted:
   *
   * %TRUE in the first progress report after the transfer of this file had
   * to start again from byte 0, %FALSE again after that report.
   */
  properties[PROP_HAS_RESTARTED] =
    g_param_spec_boolean ("has-restarted", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeFile:has-response-changed:
   *
   * %TRUE in the first progress report after the server answered with a
   * resource that differs from the one partly downloaded, %FALSE again after
   * that report.
   */
  properties[PROP_HAS_RESPONSE_CHANGED] =
    g_param_spec_boolean ("has-response-changed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeFile:final-url:
   *
   * The URL the file's last response came from, after any redirects; ""
   * until one came since the daemon started.
   *
   * Since: 0.2
   */
  properties[PROP_FINAL_URL] =
    g_param_spec_string ("final-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeFile:expected-digest:
   *
   * The digest the file was added with ([method@Barge.Job.add_file_with_options_async]),
   * `sha256:HEX` or `sha512:HEX`; "" for none.
   *
   * Since: 0.2
   */
  properties[PROP_EXPECTED_DIGEST] =
    g_param_spec_string ("expected-digest", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeFile:expected-size:
   *
   * The size the file was added with, or %BARGE_SIZE_UNKNOWN for none.
   *
   * Since: 0.2
   */
  properties[PROP_EXPECTED_SIZE] =
    g_param_spec_uint64 ("expected-size", NULL, NULL, 0, G_MAXUINT64, BARGE_SIZE_UNKNOWN,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeFile:verified:
   *
   * %TRUE once the file's bytes, all on disk, matched its expected digest
   * and size (or, without them, the digest its server sent in
   * `Repr-Digest`).
   *
   * Since: 0.2
   */
  properties[PROP_VERIFIED] =
    g_param_spec_boolean ("verified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BargeFile:ranges:
   *
   * The byte ranges the file was added with (the `ranges` option of
   * [method@Barge.Job.add_file_with_options_async]), a `a(tt)` of offset
   * and length (%G_MAXUINT64: to the end of the file); empty for a file
   * fetched whole. [property@Barge.File:bytes-total] then counts the
   * ranges' bytes.
   *
   * Since: 0.2
   */
  properties[PROP_RANGES] =
    g_param_spec_variant ("ranges", NULL, NULL, G_VARIANT_TYPE ("a(tt)"), NULL,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
barge_file_init (BargeFile *self)
{
  self->props = _barge_props_new (barge_dbus_file_interface_info ());
  self->bytes_total = BARGE_SIZE_UNKNOWN;
}

/* A file without values yet: its job reads them before handing it out. */
BargeFile *
_barge_file_new (const char *path)
{
  BargeFile *self = g_object_new (BARGE_TYPE_FILE, NULL);

  self->path = g_strdup (path);
  return self;
}

/**
 * barge_file_get_object_path:
 * @file: a #BargeFile
 *
 * Gets the D-Bus object path of @file.
 *
 * Returns: the object path
 */
const char *
barge_file_get_object_path (BargeFile *file)
{
  g_return_val_if_fail (BARGE_IS_FILE (file), NULL);

  return file->path;
}

/**
 * barge_file_get_remote_url:
 * @file: a #BargeFile
 *
 * Gets the URL @file is transferred from.
 *
 * Returns: the URL, or "" if the daemon has not said
 */
const char *
barge_file_get_remote_url (BargeFile *file)
{
  g_return_val_if_fail (BARGE_IS_FILE (file), NULL);

  return _barge_props_get_string (file->props, "RemoteUrl");
}

/**
 * barge_file_get_local_path:
 * @file: a #BargeFile
 *
 * Gets the path @file gets when its job is completed.
 *
 * Returns: the absolute path, or "" if the daemon has not said
 */
const char *
barge_file_get_local_path (BargeFile *file)
{
  g_return_val_if_fail (BARGE_IS_FILE (file), NULL);

  return _barge_props_get_string (file->props, "LocalPath");
}

/**
 * barge_file_get_temporary_path:
 * @file: a #BargeFile
 *
 * Gets the hidden file that receives the data until the job is completed.
 *
 * Returns: the absolute path, or "" if there is none
 */
const char *
barge_file_get_temporary_path (BargeFile *file)
{
  g_return_val_if_fail (BARGE_IS_FILE (file), NULL);

  return _barge_props_get_string (file->props, "TemporaryPath");
}

/**
 * barge_file_get_bytes_total:
 * @file: a #BargeFile
 *
 * Gets the size of @file.
 *
 * Returns: the size in bytes, or %BARGE_SIZE_UNKNOWN
 */
guint64
barge_file_get_bytes_total (BargeFile *file)
{
  g_return_val_if_fail (BARGE_IS_FILE (file), BARGE_SIZE_UNKNOWN);

  return file->bytes_total;
}

/**
 * barge_file_get_bytes_transferred:
 * @file: a #BargeFile
 *
 * Gets how many bytes of @file have been transferred.
 *
 * Returns: the bytes transferred
 */
guint64
barge_file_get_bytes_transferred (BargeFile *file)
{
  g_return_val_if_fail (BARGE_IS_FILE (file), 0);

  return file->bytes_transferred;
}

/**
 * barge_file_is_total_known:
 * @file: a #BargeFile
 *
 * Checks whether the size of @file is known. In JavaScript, check this
 * rather than comparing [method@Barge.File.get_bytes_total] with
 * %BARGE_SIZE_UNKNOWN, which a JavaScript number cannot hold.
 *
 * Returns: %TRUE unless the total is %BARGE_SIZE_UNKNOWN
 */
gboolean
barge_file_is_total_known (BargeFile *file)
{
  g_return_val_if_fail (BARGE_IS_FILE (file), FALSE);

  return file->bytes_total != BARGE_SIZE_UNKNOWN;
}

/**
 * barge_file_get_fraction:
 * @file: a #BargeFile
 *
 * Gets how far @file is, for a progress bar: a double, which JavaScript
 * holds without loss whatever the size.
 *
 * Returns: a value between 0.0 and 1.0, or -1.0 when the size is not known
 */
double
barge_file_get_fraction (BargeFile *file)
{
  g_return_val_if_fail (BARGE_IS_FILE (file), -1.0);

  if (file->bytes_total == BARGE_SIZE_UNKNOWN)
    return -1.0;
  /* An empty file is done when it is complete or fully transferred. */
  if (file->bytes_total == 0 || file->bytes_transferred >= file->bytes_total)
    return 1.0;
  return (double) file->bytes_transferred / (double) file->bytes_total;
}

/**
 * barge_file_get_completed:
 * @file: a #BargeFile
 *
 * Checks whether @file is complete, that is, available under its local path.
 *
 * Returns: %TRUE if the file is complete
 */
gboolean
barge_file_get_completed (BargeFile *file)
{
  g_return_val_if_fail (BARGE_IS_FILE (file), FALSE);

  return file->completed;
}

/**
 * barge_file_get_has_restarted:
 * @file: a #BargeFile
 *
 * Checks whether the transfer of @file had to start again from byte 0 since
 * the previous progress report.
 *
 * Returns: the value of [property@Barge.File:has-restarted]
 */
gboolean
barge_file_get_has_restarted (BargeFile *file)
{
  g_return_val_if_fail (BARGE_IS_FILE (file), FALSE);

  return _barge_props_get_boolean (file->props, "HasRestarted");
}

/**
 * barge_file_get_has_response_changed:
 * @file: a #BargeFile
 *
 * Checks whether the server's resource changed since the previous progress
 * report.
 *
 * Returns: the value of [property@Barge.File:has-response-changed]
 */
gboolean
barge_file_get_has_response_changed (BargeFile *file)
{
  g_return_val_if_fail (BARGE_IS_FILE (file), FALSE);

  return _barge_props_get_boolean (file->props, "HasResponseChanged");
}

/**
 * barge_file_get_final_url:
 * @file: a #BargeFile
 *
 * Gets where the file's last response came from, after redirects.
 *
 * Returns: the URL, or "" when no response came since the daemon started
 *
 * Since: 0.2
 */
const char *
barge_file_get_final_url (BargeFile *file)
{
  g_return_val_if_fail (BARGE_IS_FILE (file), NULL);

  return _barge_props_get_string (file->props, "FinalUrl");
}

/**
 * barge_file_get_expected_digest:
 * @file: a #BargeFile
 *
 * Gets the digest the file must have, as it was added.
 *
 * Returns: `sha256:HEX`, `sha512:HEX`, or "" for none
 *
 * Since: 0.2
 */
const char *
barge_file_get_expected_digest (BargeFile *file)
{
  g_return_val_if_fail (BARGE_IS_FILE (file), NULL);

  return _barge_props_get_string (file->props, "ExpectedDigest");
}

/**
 * barge_file_get_expected_size:
 * @file: a #BargeFile
 *
 * Gets the size the file must have, as it was added.
 *
 * Returns: the size in bytes, or %BARGE_SIZE_UNKNOWN for none
 *
 * Since: 0.2
 */
guint64
barge_file_get_expected_size (BargeFile *file)
{
  g_return_val_if_fail (BARGE_IS_FILE (file), BARGE_SIZE_UNKNOWN);

  return _barge_props_get_uint64 (file->props, "ExpectedSize", BARGE_SIZE_UNKNOWN);
}

/**
 * barge_file_get_verified:
 * @file: a #BargeFile
 *
 * Checks whether the file's bytes passed its checks.
 *
 * Returns: %TRUE once they did
 *
 * Since: 0.2
 */
gboolean
barge_file_get_verified (BargeFile *file)
{
  g_return_val_if_fail (BARGE_IS_FILE (file), FALSE);

  return _barge_props_get_boolean (file->props, "Verified");
}

/**
 * barge_file_get_ranges:
 * @file: a #BargeFile
 *
 * Gets the byte ranges the file was added with: only those bytes are
 * fetched, each written at its own offset.
 *
 * Returns: (transfer none) (nullable): an `a(tt)` of offset and length
 *   (%G_MAXUINT64 for "to the end"), empty for a file fetched whole; %NULL
 *   until the daemon said
 *
 * Since: 0.2
 */
GVariant *
barge_file_get_ranges (BargeFile *file)
{
  GVariant *ranges;

  g_return_val_if_fail (BARGE_IS_FILE (file), NULL);
  ranges = _barge_props_get (file->props, "Ranges");
  return ranges != NULL && g_variant_is_of_type (ranges, G_VARIANT_TYPE ("a(tt)")) ? ranges : NULL;
}
