/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A small streaming JSON writer: enough for bargectl's output, and it keeps
 * the tool free of a JSON library dependency. Output is indented by two
 * spaces and ends with a newline. */
typedef struct _BargectlJson BargectlJson;

BargectlJson *bargectl_json_new (void);
void bargectl_json_free (BargectlJson *json);
char *bargectl_json_free_to_string (BargectlJson *json);

void bargectl_json_begin_object (BargectlJson *json);
void bargectl_json_end_object (BargectlJson *json);
void bargectl_json_begin_array (BargectlJson *json);
void bargectl_json_end_array (BargectlJson *json);

/* Within an object, name the next value. */
void bargectl_json_member (BargectlJson *json, const char *name);

void bargectl_json_string (BargectlJson *json, const char *value);
void bargectl_json_uint (BargectlJson *json, guint64 value);
void bargectl_json_boolean (BargectlJson *json, gboolean value);
void bargectl_json_null (BargectlJson *json);

void bargectl_json_member_string (BargectlJson *json, const char *name, const char *value);
void bargectl_json_member_uint (BargectlJson *json, const char *name, guint64 value);
void bargectl_json_member_boolean (BargectlJson *json, const char *name, gboolean value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargectlJson, bargectl_json_free)

G_END_DECLS
