/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a test server saw of one request. */
typedef struct {
  char *method;
  char *path;
  char *range;      /* the Range header, or NULL */
  char *if_range;   /* the If-Range header, or NULL */
  char *authorization; /* the Authorization header, or NULL */
  char *headers;    /* every header line as sent, "Name: value\n" each (BargeFaultServer only) */
  gboolean absolute_form; /* the request line's target was a URL: sent to a proxy (BargeFaultServer only) */
  guint status;
  guint64 sent;     /* body bytes written to the socket for it (BargeTestServer only) */
  int tos;          /* the IP TOS byte of the request's packets, -1: not known (BargeTestServer only) */
} BargeTestRequest;

BargeTestRequest *barge_test_request_copy (const BargeTestRequest *request);
void barge_test_request_free (BargeTestRequest *request);

/* The requests a test server saw, by path, written on the server's threads
 * and read on the test thread: it has its own lock, so every call is safe
 * from any thread. */
typedef struct _BargeTestRequestLog BargeTestRequestLog;

BargeTestRequestLog *barge_test_request_log_new (void);
void barge_test_request_log_free (BargeTestRequestLog *log);
/* Takes REQUEST; returns how many requests came before it for its path. */
guint barge_test_request_log_add (BargeTestRequestLog *log, BargeTestRequest *request);
/* Sets the status of request INDEX (as returned by add) of PATH. */
void barge_test_request_log_set_status (BargeTestRequestLog *log, const char *path, guint index, guint status);
/* Adds BYTES to what was sent for request INDEX of PATH. */
void barge_test_request_log_add_sent (BargeTestRequestLog *log, const char *path, guint index, guint64 bytes);
/* A copy of the requests seen so far for PATH, oldest first; the array
 * frees its elements. */
GPtrArray *barge_test_request_log_get (BargeTestRequestLog *log, const char *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargeTestRequestLog, barge_test_request_log_free)

G_END_DECLS
