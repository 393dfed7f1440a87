/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A job database for the store's tests, in a temporary folder of its own:
 * empty (the store makes it), or made from one of the saved databases of
 * tests/unit/data/store/ (SQL text dumped from a real, older barged). */
typedef struct {
  char *dir;
  char *path;                 /* dir/jobs.db */
} StoreFixture;

/* A folder without a database: barged_store_new() makes a new one. */
StoreFixture *store_fixture_new (void);
/* A database made from tests/unit/data/store/@name. */
StoreFixture *store_fixture_new_from_data (const char *name);
/* The text of tests/unit/data/store/@name. */
char *store_fixture_read_data (const char *name);
/* Runs @sql on the database on a connection of its own; asserts success. */
void store_fixture_exec (StoreFixture *self, const char *sql);
/* The rows of @sql, each column's text followed by a tab, a line a row. */
char *store_fixture_query_text (StoreFixture *self, const char *sql);
/* PRAGMA user_version of the database. */
int store_fixture_get_version (StoreFixture *self);
/* The database's schema (sqlite_master without root pages) as one text. */
char *store_fixture_get_schema (StoreFixture *self);
/* Removes the database (with its -wal and -shm) and the folder. */
void store_fixture_free (StoreFixture *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreFixture, store_fixture_free)

G_END_DECLS
