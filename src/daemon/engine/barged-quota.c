/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedQuota"

#include "config.h"

#include <string.h>

#include "barge.h"
#include "barged-config.h"
#include "barged-quota.h"

typedef struct {
  guint64 files;
  guint64 bytes;
} Usage;

struct _BargedQuota
{
  GObject parent_instance;
  GHashTable *usage;          /* uid -> Usage */
  BargedConfig *config;
};

G_DEFINE_TYPE (BargedQuota, barged_quota, G_TYPE_OBJECT)

BargedQuota *
barged_quota_new (BargedConfig *config)
{
  BargedQuota *self = g_object_new (BARGED_TYPE_QUOTA, NULL);

  self->config = g_object_ref (config);
  return self;
}

guint64
barged_quota_file_cost (const char *url, const char *path, const char *temporary_path)
{
  /* Each string is held more than once: the engine's copy, the store's
   * and the D-Bus messages built from it. */
  return BARGED_QUOTA_FILE_COST +
         BARGED_QUOTA_STRING_FACTOR * (strlen (url) + strlen (path) +
                                       (temporary_path != NULL ? strlen (temporary_path) : 0));
}

static Usage *
usage_of (BargedQuota *self, guint32 uid, gboolean create)
{
  Usage *u = g_hash_table_lookup (self->usage, GUINT_TO_POINTER (uid));

  if (u == NULL && create)
    {
      u = g_new0 (Usage, 1);
      g_hash_table_insert (self->usage, GUINT_TO_POINTER (uid), u);
    }
  return u;
}

gboolean
barged_quota_check (BargedQuota *self, guint32 uid, guint64 files, guint64 bytes, GError **error)
{
  const BargedSettings *config = barged_config_get_settings (self->config);
  Usage *u = usage_of (self, uid, FALSE);
  guint64 have_files = u != NULL ? u->files : 0;
  guint64 have_bytes = u != NULL ? u->bytes : 0;

  if (have_files + files > config->max_files_per_user)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_QUOTA_EXCEEDED,
                   "this user's jobs would hold %" G_GUINT64_FORMAT " files; "
                   "the limit ([Jobs] MaxFilesPerUser) is %u",
                   have_files + files, config->max_files_per_user);
      return FALSE;
    }
  if (have_bytes + bytes > (guint64) config->max_metadata_per_user)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_QUOTA_EXCEEDED,
                   "this user's jobs would hold %" G_GUINT64_FORMAT " KiB of metadata; "
                   "the limit ([Jobs] MaxMetadataPerUser) is %u KiB",
                   (have_bytes + bytes + 1023) / 1024, config->max_metadata_per_user / 1024);
      return FALSE;
    }
  return TRUE;
}

void
barged_quota_charge (BargedQuota *self, guint32 uid, gint64 files, gint64 bytes)
{
  Usage *u = usage_of (self, uid, TRUE);

  /* Giving back never goes below zero, whatever the arithmetic of a
   * caller: a count that drifted would lock a user out. */
  u->files = files < 0 && (guint64) -files > u->files ? 0 : u->files + (guint64) files;
  u->bytes = bytes < 0 && (guint64) -bytes > u->bytes ? 0 : u->bytes + (guint64) bytes;
  if (u->files == 0 && u->bytes == 0)
    g_hash_table_remove (self->usage, GUINT_TO_POINTER (uid));
}

void
barged_quota_get_usage (BargedQuota *self, guint32 uid, guint64 *files, guint64 *bytes)
{
  Usage *u = usage_of (self, uid, FALSE);

  *files = u != NULL ? u->files : 0;
  *bytes = u != NULL ? u->bytes : 0;
}

static void
barged_quota_finalize (GObject *object)
{
  BargedQuota *self = BARGED_QUOTA (object);

  g_hash_table_unref (self->usage);
  g_clear_object (&self->config);
  G_OBJECT_CLASS (barged_quota_parent_class)->finalize (object);
}

static void
barged_quota_init (BargedQuota *self)
{
  self->usage = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
}

static void
barged_quota_class_init (BargedQuotaClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = barged_quota_finalize;
}
