/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by barged-store.c and barged-store-schema.c only. */

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Sets @error (BARGE_ERROR_DISK_FULL for SQLITE_FULL, else
 * BARGE_ERROR_FAILED) from @db's last error; returns FALSE. */
gboolean barged_store_sql_error (sqlite3 *db, GError **error);
/* Runs @sql (statements without results). */
gboolean barged_store_sql_exec (sqlite3 *db, const char *sql, GError **error);
/* Whether the database at @path is of a schema version this barged knows
 * (reads only: before anything that may write). */
gboolean barged_store_schema_check (sqlite3 *db, const char *path, GError **error);
/* Takes the database at @path to the newest schema, a step at a time,
 * each in a transaction of its own; refuses one newer than this barged. */
gboolean barged_store_schema_migrate (sqlite3 *db, const char *path, GError **error);

G_END_DECLS
