/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A job's custom HTTP headers (SetCustomHeaders) are an a(ss) GVariant of
 * names and values, in the order they are sent. */
#define BARGED_CUSTOM_HEADERS_TYPE G_VARIANT_TYPE ("a(ss)")

/* BITS' limit: 16,384 bytes counted as "Name: value" plus CR LF each. */
#define BARGED_CUSTOM_HEADERS_MAX_BYTES 16384

/* Checks @headers (a(ss)) against what a job may send: a token for a
 * name, none of the names Barge owns or that frame the connection, no
 * control character but a tab in a value, no space around it, the byte
 * limit. FALSE with BARGE_ERROR_INVALID_ARGUMENT naming the header and
 * what is accepted. */
gboolean barged_custom_headers_check (GVariant *headers, GError **error);

/* The names of @headers (NULL: none), as an "as" GVariant. */
GVariant *barged_custom_headers_names (GVariant *headers);

G_END_DECLS
