/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A damaged or hand-edited job database (found by fuzzing the store): the
 * daemon must start with whatever SQLite holds, and what the store hands
 * to start-up must be what barged itself could have written. */
#include "config.h"

#include "barged-store.h"
#include "store-fixture.h"

/* A job row and a file row of the current schema, with the id (and the
 * index) as SQL expressions. */
#define JOB(ID, CREATED)                                                                                  \
  "INSERT INTO jobs (id, owner, type, state, display_name, description, priority, created, modified,"    \
  " completed, error_count, error_context, error_name, error_message, error_file, minimum_retry_delay,"  \
  " no_progress_timeout, notification_interval, first_transient_error, cost_policy) VALUES (" ID ", 1000," \
  " 'download', 'suspended', 'n', '', 'normal', " CREATED ", 1, 0, 0, '', '', '', -1, 600, 1209600, 500, 0," \
  " 'any');"
#define FILE_ROW(JOB_ID, IDX)                                                                             \
  "INSERT INTO files (job_id, idx, remote_url, local_path, temporary_path, bytes_total, bytes_durable,"  \
  " transferred, completed, etag, last_modified) VALUES (" JOB_ID ", " IDX ", 'http://h/f', '/tmp/f'," \
  " '/tmp/.f', 1, 0, 0, 0, NULL, NULL);"
#define LIFECYCLE(JOB_ID, MAX_TIME, FLAGS)                                                                \
  "INSERT INTO job_lifecycle (job_id, maximum_download_time, download_time_used, retry_at, http_status," \
  " notify_flags, notify_command_line) VALUES (" JOB_ID ", " MAX_TIME ", 0, 0, 0, " FLAGS ", NULL);"

static BargedStore *
store_new (StoreFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  BargedStore *store = barged_store_new (fixture->path, &error);

  g_assert_no_error (error);
  return store;
}

static void
expect_left_out (const char *pattern, guint n)
{
  for (guint i = 0; i < n; i++)
    g_test_expect_message ("BargedStore", G_LOG_LEVEL_WARNING, pattern);
}

/* Loads what @sql leaves in a fresh database of the current schema; the
 * messages expected were announced before. */
static void
load_damaged (const char *sql, GPtrArray **jobs, GPtrArray **files)
{
  g_autoptr(StoreFixture) fixture = store_fixture_new ();
  g_autoptr(BargedStore) store = store_new (fixture);
  g_autoptr(GError) error = NULL;

  store_fixture_exec (fixture, sql);
  g_assert_true (barged_store_load (store, jobs, files, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
}

/* SQLite lets a TEXT PRIMARY KEY hold NULLs and BLOBs: a job row with a
 * NULL id crashed start-up (SIGSEGV in g_str_hash), a BLOB id or one cut
 * at a NUL made a second job "j", a second lifecycle row of a job leaked
 * the first one's texts, and an index of 0.5 made a second file 0. Each
 * such row is left out with a warning; the first good row of a key wins. */
static void
test_keys (void)
{
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) files = NULL;
  BargedJobRecord *j;

  expect_left_out ("*jobs row whose id is NULL*", 2);
  expect_left_out ("*jobs row whose id is a BLOB*", 1);
  expect_left_out ("*jobs row whose id is text with a NUL*", 1);
  expect_left_out ("*jobs row whose id is text that is not UTF-8*", 1);
  expect_left_out ("*job_lifecycle row whose job id is NULL*", 1);
  expect_left_out ("*job_lifecycle row whose job id is a BLOB*", 1);
  /* Files come ordered by job id (text before BLOBs), then index. */
  expect_left_out ("*files row of job j whose index is not a whole number*", 4);
  expect_left_out ("*files row whose job id is a BLOB*", 1);
  load_damaged (
    JOB ("NULL", "1") JOB ("NULL", "2") JOB ("X'6a'", "3") JOB ("'j'", "4") JOB ("CAST(X'6a006b' AS TEXT)", "5")
    JOB ("CAST(X'ff' AS TEXT)", "6")
    LIFECYCLE ("NULL", "1", "'[''error'']'")
    LIFECYCLE ("X'6a'", "2", "'[''error'']'")
    LIFECYCLE ("'j'", "3", "'[''transferred'']'")
    FILE_ROW ("'j'", "0") FILE_ROW ("X'6a'", "0") FILE_ROW ("'j'", "0.5")
    FILE_ROW ("'j'", "-1") FILE_ROW ("'j'", "'x'") FILE_ROW ("'j'", "4294967296") FILE_ROW ("'j'", "1"),
    &jobs, &files);

  g_assert_cmpuint (jobs->len, ==, 1);
  j = jobs->pdata[0];
  g_assert_cmpstr (j->id, ==, "j");
  g_assert_cmpint (j->created, ==, 4);
  g_assert_cmpuint (j->maximum_download_time, ==, 3);
  g_assert_cmpstr (j->notify_flags, ==, "['transferred']");
  g_assert_cmpuint (files->len, ==, 2);
  g_assert_cmpuint (((BargedFileRecord *) files->pdata[0])->idx, ==, 0);
  g_assert_cmpuint (((BargedFileRecord *) files->pdata[1])->idx, ==, 1);
}

/* A database whose keys were dropped (a table made again by hand): two
 * rows of one id make one job, and two rows of one file one file. */
static void
test_repeated_keys (void)
{
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) files = NULL;

  expect_left_out ("*jobs row whose id is the id of an earlier row*", 1);
  expect_left_out ("*second job_lifecycle row of job j*", 1);
  expect_left_out ("*second files row for file 0 of job j*", 1);
  load_damaged (
    "CREATE TABLE loose AS SELECT * FROM jobs; DROP TABLE jobs; ALTER TABLE loose RENAME TO jobs;"
    "CREATE TABLE loose AS SELECT * FROM files; DROP TABLE files; ALTER TABLE loose RENAME TO files;"
    "CREATE TABLE loose AS SELECT * FROM job_lifecycle; DROP TABLE job_lifecycle;"
    " ALTER TABLE loose RENAME TO job_lifecycle;"
    JOB ("'j'", "1") JOB ("'j'", "2") JOB ("'k'", "3")
    LIFECYCLE ("'j'", "5", "NULL") LIFECYCLE ("'j'", "6", "'[''error'']'")
    FILE_ROW ("'j'", "0") FILE_ROW ("'j'", "0") FILE_ROW ("'k'", "0"),
    &jobs, &files);

  g_assert_cmpuint (jobs->len, ==, 2);
  g_assert_cmpstr (((BargedJobRecord *) jobs->pdata[0])->id, ==, "j");
  g_assert_cmpint (((BargedJobRecord *) jobs->pdata[0])->created, ==, 1);
  g_assert_cmpuint (((BargedJobRecord *) jobs->pdata[0])->maximum_download_time, ==, 5);
  g_assert_null (((BargedJobRecord *) jobs->pdata[0])->notify_flags);
  g_assert_cmpstr (((BargedJobRecord *) jobs->pdata[1])->id, ==, "k");
  g_assert_cmpuint (files->len, ==, 2);
}

/* SQLite keeps any bytes in a TEXT column; every string of a record goes
 * on to a D-Bus property, which must be UTF-8 (g_variant_new_string's
 * check is a critical, fatal under G_DEBUG=fatal-criticals). What is not
 * UTF-8 comes back with U+FFFD for each bad sequence; text barged wrote is
 * unchanged. */
static void
test_text_not_utf8 (void)
{
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) files = NULL;
  BargedJobRecord *j;
  BargedFileRecord *f;

  load_damaged (
    JOB ("'j'", "1") FILE_ROW ("'j'", "0")
    "UPDATE jobs SET display_name = CAST(X'4e6963687420676566fc6e64656e' AS TEXT), description = 'caf\xc3\xa9';"
    "UPDATE files SET etag = CAST(X'2261ff22' AS TEXT);",
    &jobs, &files);
  g_assert_cmpuint (jobs->len, ==, 1);
  j = jobs->pdata[0];
  g_assert_cmpstr (j->display_name, ==, "Nicht gef\xef\xbf\xbdnden");
  g_assert_cmpstr (j->description, ==, "caf\xc3\xa9");
  g_assert_cmpuint (files->len, ==, 1);
  f = files->pdata[0];
  g_assert_cmpstr (f->etag, ==, "\"a\xef\xbf\xbd\"");
}

/* A job's files numbered with a gap (a row left out as above, or deleted
 * by hand): the engine numbers a job's files from 0 (their D-Bus paths)
 * and aborted at every start on a gap. They are renumbered, in the
 * database too, so that the next start finds them in order; a repeat of
 * a renumbered row goes, or it would become a file of its own. A job
 * whose owner is not a user id is left out: 2^32 was cast to 0, root. */
static void
test_file_gaps (void)
{
  g_autoptr(StoreFixture) fixture = store_fixture_new ();
  g_autoptr(BargedStore) store = store_new (fixture);
  g_autoptr(BargedStore) again = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;

  store_fixture_exec (fixture,
    "CREATE TABLE loose AS SELECT * FROM files; DROP TABLE files; ALTER TABLE loose RENAME TO files;"
    JOB ("'j'", "1") JOB ("'k'", "2") JOB ("'r'", "3")
    FILE_ROW ("'j'", "0") FILE_ROW ("'j'", "2") FILE_ROW ("'j'", "2") FILE_ROW ("'j'", "7") FILE_ROW ("'k'", "1")
    "UPDATE jobs SET owner = 4294967296 WHERE id = 'r';");
  expect_left_out ("*job r, whose owner is not a user id, is left out*", 1);
  expect_left_out ("*file 2 of job j is the job's file 1: renumbered*", 1);
  expect_left_out ("*second files row for file 2 of job j*", 1);
  expect_left_out ("*file 7 of job j is the job's file 2: renumbered*", 1);
  expect_left_out ("*file 1 of job k is the job's file 0: renumbered*", 1);
  g_assert_true (barged_store_load (store, &jobs, &files, &error));
  g_assert_no_error (error);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (jobs->len, ==, 2);
  g_assert_cmpuint (files->len, ==, 4);
  for (guint i = 0; i < files->len; i++)
    g_assert_cmpuint (((BargedFileRecord *) files->pdata[i])->idx, ==, i < 3 ? i : 0);

  rows = store_fixture_query_text (fixture, "SELECT job_id, idx FROM files ORDER BY job_id, idx");
  g_assert_cmpstr (rows, ==, "j\t0\t\nj\t1\t\nj\t2\t\nk\t0\t\n");
  g_clear_pointer (&jobs, g_ptr_array_unref);
  g_clear_pointer (&files, g_ptr_array_unref);
  again = store_new (fixture);
  expect_left_out ("*job r, whose owner is not a user id, is left out*", 1);
  g_assert_true (barged_store_load (again, &jobs, &files, &error));
  g_test_assert_expected_messages ();
  g_assert_cmpuint (files->len, ==, 4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store-damage/keys", test_keys);
  g_test_add_func ("/store-damage/repeated-keys", test_repeated_keys);
  g_test_add_func ("/store-damage/text-not-utf8", test_text_not_utf8);
  g_test_add_func ("/store-damage/file-gaps", test_file_gaps);
  return g_test_run ();
}
