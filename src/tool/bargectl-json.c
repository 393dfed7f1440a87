/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include "bargectl-json.h"

struct _BargectlJson {
  GString *out;
  /* One entry per open container: whether it has a value yet, so the
   * writer knows where commas go. */
  GArray *has_value;
  gboolean after_member;
};

BargectlJson *
bargectl_json_new (void)
{
  BargectlJson *json = g_new0 (BargectlJson, 1);

  json->out = g_string_new (NULL);
  json->has_value = g_array_new (FALSE, FALSE, sizeof (gboolean));
  return json;
}

void
bargectl_json_free (BargectlJson *json)
{
  if (json == NULL)
    return;
  g_string_free (json->out, TRUE);
  g_array_unref (json->has_value);
  g_free (json);
}

char *
bargectl_json_free_to_string (BargectlJson *json)
{
  char *text;

  g_return_val_if_fail (json->has_value->len == 0, NULL);
  g_string_append_c (json->out, '\n');
  text = g_string_free (g_steal_pointer (&json->out), FALSE);
  g_array_unref (json->has_value);
  g_free (json);
  return text;
}

static void
newline_and_indent (BargectlJson *json)
{
  g_string_append_c (json->out, '\n');
  for (guint i = 0; i < json->has_value->len; i++)
    g_string_append (json->out, "  ");
}

/* Everything that starts a value comes through here. */
static void
before_value (BargectlJson *json)
{
  gboolean *has_value;

  if (json->after_member)
    {
      json->after_member = FALSE;
      return;
    }
  if (json->has_value->len == 0)
    return;
  has_value = &g_array_index (json->has_value, gboolean, json->has_value->len - 1);
  if (*has_value)
    g_string_append_c (json->out, ',');
  *has_value = TRUE;
  newline_and_indent (json);
}

static void
begin_container (BargectlJson *json, char bracket)
{
  gboolean empty = FALSE;

  before_value (json);
  g_string_append_c (json->out, bracket);
  g_array_append_val (json->has_value, empty);
}

static void
end_container (BargectlJson *json, char bracket)
{
  gboolean had_value;

  g_return_if_fail (json->has_value->len > 0);
  had_value = g_array_index (json->has_value, gboolean, json->has_value->len - 1);
  g_array_set_size (json->has_value, json->has_value->len - 1);
  if (had_value)
    newline_and_indent (json);
  g_string_append_c (json->out, bracket);
}

void
bargectl_json_begin_object (BargectlJson *json)
{
  begin_container (json, '{');
}

void
bargectl_json_end_object (BargectlJson *json)
{
  end_container (json, '}');
}

void
bargectl_json_begin_array (BargectlJson *json)
{
  begin_container (json, '[');
}

void
bargectl_json_end_array (BargectlJson *json)
{
  end_container (json, ']');
}

static void
append_quoted (GString *out, const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  g_string_append_c (out, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

void
bargectl_json_member (BargectlJson *json, const char *name)
{
  before_value (json);
  append_quoted (json->out, name);
  g_string_append (json->out, ": ");
  json->after_member = TRUE;
}

void
bargectl_json_string (BargectlJson *json, const char *value)
{
  if (value == NULL)
    {
      bargectl_json_null (json);
      return;
    }
  before_value (json);
  append_quoted (json->out, value);
}

void
bargectl_json_uint (BargectlJson *json, guint64 value)
{
  before_value (json);
  g_string_append_printf (json->out, "%" G_GUINT64_FORMAT, value);
}

void
bargectl_json_boolean (BargectlJson *json, gboolean value)
{
  before_value (json);
  g_string_append (json->out, value ? "true" : "false");
}

void
bargectl_json_null (BargectlJson *json)
{
  before_value (json);
  g_string_append (json->out, "null");
}

void
bargectl_json_member_string (BargectlJson *json, const char *name, const char *value)
{
  bargectl_json_member (json, name);
  bargectl_json_string (json, value);
}

void
bargectl_json_member_uint (BargectlJson *json, const char *name, guint64 value)
{
  bargectl_json_member (json, name);
  bargectl_json_uint (json, value);
}

void
bargectl_json_member_boolean (BargectlJson *json, const char *name, gboolean value)
{
  bargectl_json_member (json, name);
  bargectl_json_boolean (json, value);
}
