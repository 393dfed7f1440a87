/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "store-fixture.h"

StoreFixture *
store_fixture_new (void)
{
  g_autoptr(GError) error = NULL;
  StoreFixture *self = g_new0 (StoreFixture, 1);

  self->dir = g_dir_make_tmp ("barge-store-XXXXXX", &error);
  g_assert_no_error (error);
  self->path = g_build_filename (self->dir, "jobs.db", NULL);
  return self;
}

char *
store_fixture_read_data (const char *name)
{
  g_autofree char *file = g_test_build_filename (G_TEST_DIST, "data", "store", name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (file, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

StoreFixture *
store_fixture_new_from_data (const char *name)
{
  StoreFixture *self = store_fixture_new ();
  g_autofree char *sql = store_fixture_read_data (name);

  store_fixture_exec (self, sql);
  return self;
}

static sqlite3 *
open_db (StoreFixture *self)
{
  sqlite3 *db = NULL;

  if (sqlite3_open (self->path, &db) != SQLITE_OK)
    g_error ("%s: %s", self->path, sqlite3_errmsg (db));
  return db;
}

void
store_fixture_exec (StoreFixture *self, const char *sql)
{
  sqlite3 *db = open_db (self);
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", self->path, message);
  sqlite3_close (db);
}

char *
store_fixture_query_text (StoreFixture *self, const char *sql)
{
  sqlite3 *db = open_db (self);
  g_autoptr(GString) text = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", self->path, sqlite3_errmsg (db));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        g_string_append_printf (text, "%s\t", (const char *) sqlite3_column_text (stmt, i));
      g_string_append_c (text, '\n');
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

int
store_fixture_get_version (StoreFixture *self)
{
  g_autofree char *text = store_fixture_query_text (self, "PRAGMA user_version");

  return (int) g_ascii_strtoll (text, NULL, 10);
}

char *
store_fixture_get_schema (StoreFixture *self)
{
  return store_fixture_query_text (self, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name");
}

void
store_fixture_free (StoreFixture *self)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  if (self == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (self->path, suffixes[i], NULL);

      g_remove (file);
    }
  g_rmdir (self->dir);
  g_free (self->path);
  g_free (self->dir);
  g_free (self);
}
