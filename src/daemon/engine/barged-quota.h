/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

#include "barged-config.h"

G_BEGIN_DECLS

#define BARGED_TYPE_QUOTA (barged_quota_get_type ())
G_DECLARE_FINAL_TYPE (BargedQuota, barged_quota, BARGED, QUOTA, GObject)

/* What each user's jobs hold in the daemon, against the limits of
 * barge.conf [Jobs] MaxFilesPerUser and MaxMetadataPerUser, so that one user
 * cannot take the memory and database of a daemon every user shares.
 *
 * Metadata is counted in bytes: the strings a client gave (URLs, paths and
 * the temporary paths they lead to; a job's names, notify command line,
 * proxy lists, TLS paths, credentials and custom headers), what the TLS
 * files it named were parsed into, plus a fixed charge per job and per
 * file that stands for what barged keeps beside them (its objects, their
 * D-Bus properties, the database rows). The charges are measured
 * (contrib/bench/metadata-memory; docs/security.md has the figures), so
 * the limit is close to the memory a user can make barged hold. The
 * limits apply to every uid, root's too: an administrator whose own
 * services need more raises them. */

/* The fixed charges, in bytes (measured: 7,074 per job, 4,635 per file). */
#define BARGED_QUOTA_JOB_COST 7168
#define BARGED_QUOTA_FILE_COST 4608
/* Bytes charged per byte of a URL or path (measured: 3.2). */
#define BARGED_QUOTA_STRING_FACTOR 4
/* Per byte of the TLS files a job's options name (SetTlsOptions): what
 * GnuTLS parses them into (measured: 28 bytes per byte of a file of
 * certificates, 17 of a CRL file; barged-tls.h). */
#define BARGED_QUOTA_TLS_FACTOR 32
/* Per byte range of a file (AddFileWithOptions "ranges"): 16 bytes in
 * memory, up to 42 of text in the database row. */
#define BARGED_QUOTA_RANGE_COST 64

/* The limits are read from @config at each check. */
BargedQuota *barged_quota_new (BargedConfig *config);

guint64 barged_quota_file_cost (const char *url, const char *path, const char *temporary_path);

/* Whether @uid may take @files more files and @bytes more bytes of
 * metadata; else BARGE_ERROR_QUOTA_EXCEEDED saying which limit. */
gboolean barged_quota_check (BargedQuota *self, guint32 uid, guint64 files, guint64 bytes, GError **error);
/* Counts (or with a negative sign gives back) what a job holds. */
void barged_quota_charge (BargedQuota *self, guint32 uid, gint64 files, gint64 bytes);

/* What @uid holds now. */
void barged_quota_get_usage (BargedQuota *self, guint32 uid, guint64 *files, guint64 *bytes);

G_END_DECLS
