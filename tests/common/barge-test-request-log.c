/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargeTestRequestLog"

#include "config.h"

#include "barge-test-request-log.h"
#include "barge-tsan.h"

struct _BargeTestRequestLog
{
  GMutex lock;
  GHashTable *requests;     /* path -> GPtrArray of BargeTestRequest */
};

void
barge_test_request_free (BargeTestRequest *request)
{
  g_free (request->method);
  g_free (request->path);
  g_free (request->range);
  g_free (request->if_range);
  g_free (request->authorization);
  g_free (request->headers);
  g_free (request);
}

BargeTestRequest *
barge_test_request_copy (const BargeTestRequest *r)
{
  BargeTestRequest *copy = g_new0 (BargeTestRequest, 1);

  copy->method = g_strdup (r->method);
  copy->path = g_strdup (r->path);
  copy->range = g_strdup (r->range);
  copy->if_range = g_strdup (r->if_range);
  copy->authorization = g_strdup (r->authorization);
  copy->headers = g_strdup (r->headers);
  copy->absolute_form = r->absolute_form;
  copy->status = r->status;
  copy->sent = r->sent;
  copy->tos = r->tos;
  return copy;
}

BargeTestRequestLog *
barge_test_request_log_new (void)
{
  BargeTestRequestLog *log = g_new0 (BargeTestRequestLog, 1);

  g_mutex_init (&log->lock);
  log->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  return log;
}

void
barge_test_request_log_free (BargeTestRequestLog *log)
{
  if (log == NULL)
    return;
  g_hash_table_unref (log->requests);
  g_mutex_clear (&log->lock);
  g_free (log);
}

guint
barge_test_request_log_add (BargeTestRequestLog *log, BargeTestRequest *request)
{
  GPtrArray *list;
  guint before;

  g_mutex_lock (&log->lock);
  list = g_hash_table_lookup (log->requests, request->path);
  if (list == NULL)
    {
      list = g_ptr_array_new_with_free_func ((GDestroyNotify) barge_test_request_free);
      g_hash_table_insert (log->requests, g_strdup (request->path), list);
    }
  before = list->len;
  g_ptr_array_add (list, request);
  g_mutex_unlock (&log->lock);
  return before;
}

/* Request INDEX of PATH, or NULL; with the lock held. */
static BargeTestRequest *
lookup_locked (BargeTestRequestLog *log, const char *path, guint index)
{
  GPtrArray *list = g_hash_table_lookup (log->requests, path);

  return list != NULL && index < list->len ? g_ptr_array_index (list, index) : NULL;
}

void
barge_test_request_log_set_status (BargeTestRequestLog *log, const char *path, guint index, guint status)
{
  BargeTestRequest *request;

  g_mutex_lock (&log->lock);
  if ((request = lookup_locked (log, path, index)) != NULL)
    request->status = status;
  g_mutex_unlock (&log->lock);
}

void
barge_test_request_log_add_sent (BargeTestRequestLog *log, const char *path, guint index, guint64 bytes)
{
  BargeTestRequest *request;

  g_mutex_lock (&log->lock);
  if ((request = lookup_locked (log, path, index)) != NULL)
    request->sent += bytes;
  g_mutex_unlock (&log->lock);
}

GPtrArray *
barge_test_request_log_get (BargeTestRequestLog *log, const char *path)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) barge_test_request_free);
  GPtrArray *list;

  g_mutex_lock (&log->lock);
  list = g_hash_table_lookup (log->requests, path);
  for (guint i = 0; list != NULL && i < list->len; i++)
    g_ptr_array_add (copy, barge_test_request_copy (g_ptr_array_index (list, i)));
  g_mutex_unlock (&log->lock);
  return copy;
}
