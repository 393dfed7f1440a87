/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include <inttypes.h>

#include "barge-private.h"
#include "barge-enum-types.h"

/* The writes of BargeJob's properties over D-Bus, both from
 * g_object_set() (in barge-job.c) and from barge_job_set_property_async(). */

typedef enum {
  VALUE_KIND_STRING,
  VALUE_KIND_UINT,         /* "u" */
  VALUE_KIND_UINT64,       /* "t" */
  VALUE_KIND_INT64,        /* "x" */
  VALUE_KIND_ENUM,         /* "s": the nick of a value of get_type() */
  VALUE_KIND_NOTIFY_FLAGS, /* "as": the nicks of the BargeNotifyFlags set */
  VALUE_KIND_COMMAND_LINE, /* "(sas)": the program, then its arguments */
  VALUE_KIND_BOOLEAN,      /* "b" */
} ValueKind;

struct _BargeJobWritableProperty {
  const char *property_name;
  const char *dbus_name;
  ValueKind kind;
  GType (*get_type) (void); /* for VALUE_KIND_ENUM */
};

static const BargeJobWritableProperty writable_properties[] = {
  { "display-name", "DisplayName", VALUE_KIND_STRING, NULL },
  { "description", "Description", VALUE_KIND_STRING, NULL },
  { "priority", "Priority", VALUE_KIND_ENUM, barge_job_priority_get_type },
  { "minimum-retry-delay", "MinimumRetryDelay", VALUE_KIND_UINT, NULL },
  { "no-progress-timeout", "NoProgressTimeout", VALUE_KIND_UINT, NULL },
  { "minimum-notification-interval", "MinimumNotificationInterval", VALUE_KIND_UINT, NULL },
  { "maximum-download-time", "MaximumDownloadTime", VALUE_KIND_UINT, NULL },
  { "notify-flags", "NotifyFlags", VALUE_KIND_NOTIFY_FLAGS, NULL },
  { "notify-command-line", "NotifyCommandLine", VALUE_KIND_COMMAND_LINE, NULL },
  { "cost-policy", "CostPolicy", VALUE_KIND_ENUM, barge_cost_policy_get_type },
  { "reply-file-name", "ReplyFileName", VALUE_KIND_STRING, NULL },
  { "bandwidth-limit", "BandwidthLimit", VALUE_KIND_UINT64, NULL },
  { "max-segments", "MaxSegments", VALUE_KIND_UINT, NULL },
  { "not-before", "NotBefore", VALUE_KIND_INT64, NULL },
  { "transfer-window", "TransferWindow", VALUE_KIND_STRING, NULL },
  { "size-hint", "SizeHint", VALUE_KIND_UINT64, NULL },
  { "redirect-policy", "RedirectPolicy", VALUE_KIND_ENUM, barge_redirect_policy_get_type },
  { "allow-https-to-http", "AllowHttpsToHttp", VALUE_KIND_BOOLEAN, NULL },
};

static const char *
nonnull (const char *str)
{
  return str != NULL ? str : "";
}

/* Writable properties */

const BargeJobWritableProperty *
_barge_job_find_writable_property (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (writable_properties); i++)
    {
      if (g_str_equal (writable_properties[i].property_name, name) ||
          g_str_equal (writable_properties[i].dbus_name, name))
        return &writable_properties[i];
    }
  return NULL;
}

static gboolean
value_to_int64 (const GValue *value, gint64 *out)
{
  if (G_VALUE_HOLDS_UINT (value))
    *out = g_value_get_uint (value);
  else if (G_VALUE_HOLDS_INT (value))
    *out = g_value_get_int (value);
  else if (G_VALUE_HOLDS_INT64 (value))
    *out = g_value_get_int64 (value);
  else if (G_VALUE_HOLDS_LONG (value))
    *out = g_value_get_long (value);
  else if (G_VALUE_HOLDS_ULONG (value) && g_value_get_ulong (value) <= G_MAXINT64)
    *out = (gint64) g_value_get_ulong (value);
  else if (G_VALUE_HOLDS_UINT64 (value) && g_value_get_uint64 (value) <= G_MAXINT64)
    *out = (gint64) g_value_get_uint64 (value);
  else
    return FALSE;
  return TRUE;
}

/* D-Bus strings are UTF-8, and GVariant takes no other: g_variant_new_string()
 * returns NULL with a critical, and the NULL crashed whatever was built
 * around it. */
static gboolean
check_utf8 (const BargeJobWritableProperty *property, const char *text, GError **error)
{
  if (g_utf8_validate (text, -1, NULL))
    return TRUE;
  g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
               _("The value of %s is not valid UTF-8"), property->property_name);
  return FALSE;
}

/* Returns a floating variant of the D-Bus type of @property. Bindings hand
 * over numbers as whatever integer type they like, and priorities as enum,
 * nick or number, so all of these are accepted. */
GVariant *
_barge_job_value_to_variant (const BargeJobWritableProperty *property,
                             const GValue *value,
                             GError **error)
{
  gint64 number;

  switch (property->kind)
    {
    case VALUE_KIND_STRING:
      if (G_VALUE_HOLDS_STRING (value))
        return check_utf8 (property, nonnull (g_value_get_string (value)), error)
               ? g_variant_new_string (nonnull (g_value_get_string (value))) : NULL;
      break;

    case VALUE_KIND_UINT:
    case VALUE_KIND_UINT64:
      /* The whole range of a guint64, which no other integer type holds. */
      if (property->kind == VALUE_KIND_UINT64 && G_VALUE_HOLDS_UINT64 (value))
        return g_variant_new_uint64 (g_value_get_uint64 (value));
      if (value_to_int64 (value, &number))
        {
          if (number < 0 || (property->kind == VALUE_KIND_UINT && number > G_MAXUINT32))
            {
              g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                           _("%" PRId64 " is out of range for %s"),
                           number, property->property_name);
              return NULL;
            }
          return property->kind == VALUE_KIND_UINT ? g_variant_new_uint32 ((guint32) number)
                                                   : g_variant_new_uint64 ((guint64) number);
        }
      break;

    case VALUE_KIND_INT64:
      /* Any integer that fits; the daemon says whether the time is good. */
      if (value_to_int64 (value, &number))
        return g_variant_new_int64 (number);
      break;

    case VALUE_KIND_ENUM:
      {
        g_autoptr(GEnumClass) klass = g_type_class_ref (property->get_type ());
        const GEnumValue *enum_value = NULL;

        if (G_VALUE_HOLDS (value, property->get_type ()))
          enum_value = g_enum_get_value (klass, g_value_get_enum (value));
        else if (G_VALUE_HOLDS_STRING (value))
          enum_value = g_enum_get_value_by_nick (klass, nonnull (g_value_get_string (value)));
        else if (value_to_int64 (value, &number) && number >= G_MININT && number <= G_MAXINT)
          enum_value = g_enum_get_value (klass, (int) number);
        else
          break;

        if (enum_value == NULL)
          {
            g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                         _("Not a valid value for %s"), property->property_name);
            return NULL;
          }
        return g_variant_new_string (enum_value->value_nick);
      }

    case VALUE_KIND_NOTIFY_FLAGS:
      {
        g_auto(GStrv) strv = NULL;

        if (G_VALUE_HOLDS (value, BARGE_TYPE_NOTIFY_FLAGS))
          strv = barge_notify_flags_to_strv (g_value_get_flags (value));
        else if (G_VALUE_HOLDS (value, G_TYPE_STRV))
          {
            BargeNotifyFlags flags;

            if (!barge_notify_flags_from_strv (g_value_get_boxed (value), &flags))
              {
                g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                             _("Not a list of notify flags"));
                return NULL;
              }
            strv = barge_notify_flags_to_strv (flags);
          }
        else if (value_to_int64 (value, &number) && number >= 0 && number <= G_MAXUINT32)
          strv = barge_notify_flags_to_strv ((BargeNotifyFlags) number);
        else
          break;
        return g_variant_new_strv ((const char * const *) strv, -1);
      }

    case VALUE_KIND_COMMAND_LINE:
      {
        const char * const *strv;

        if (!G_VALUE_HOLDS (value, G_TYPE_STRV))
          break;
        strv = g_value_get_boxed (value);
        for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
          if (!check_utf8 (property, strv[i], error))
            return NULL;
        /* An empty command line clears it: the daemon's "no program". */
        if (strv == NULL || strv[0] == NULL)
          return g_variant_new ("(s@as)", "", g_variant_new_strv (NULL, 0));
        return g_variant_new ("(s@as)", strv[0], g_variant_new_strv (strv + 1, -1));
      }

    case VALUE_KIND_BOOLEAN:
      if (G_VALUE_HOLDS_BOOLEAN (value))
        return g_variant_new_boolean (g_value_get_boolean (value));
      /* A command line's "true" and "false" (bargectl set). */
      if (G_VALUE_HOLDS_STRING (value) && (g_strcmp0 (g_value_get_string (value), "true") == 0 ||
                                           g_strcmp0 (g_value_get_string (value), "false") == 0))
        return g_variant_new_boolean (g_str_equal (g_value_get_string (value), "true"));
      break;

    default:
      g_assert_not_reached ();
    }

  g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
               _("A value of type %s does not fit job property %s"),
               G_VALUE_TYPE_NAME (value), property->property_name);
  return NULL;
}

/* The explicit Properties.Set (rather than the generated proxy setters,
 * which only warn) is what lets the daemon's refusal reach the caller; the
 * job is read again before the call completes. @variant is consumed if
 * floating. */
void
_barge_job_set_dbus_property (BargeJob *self,
                              const BargeJobWritableProperty *property,
                              GVariant *variant,
                              gpointer source_tag,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  _barge_job_call (self, BARGE_DBUS_PROPERTIES_INTERFACE, "Set",
                   g_variant_new ("(ssv)", BARGE_DBUS_JOB_INTERFACE, property->dbus_name, variant),
                   G_VARIANT_TYPE_UNIT, BARGE_JOB_CALL_CHANGES, source_tag,
                   cancellable, callback, user_data);
}

/**
 * barge_job_set_property_async:
 * @job: a #BargeJob
 * @property_name: the name of a writable property: `display-name`,
 *   `description`, `priority`, `minimum-retry-delay`, `no-progress-timeout`,
 *   `minimum-notification-interval`, `maximum-download-time`,
 *   `notify-flags`, `notify-command-line`, `cost-policy`,
 *   `reply-file-name`, `bandwidth-limit`, `max-segments`, `not-before`,
 *   `transfer-window`, `size-hint`, `redirect-policy` or
 *   `allow-https-to-http` (the D-Bus names such as `DisplayName` work too)
 * @value: the new value: a string for the names and the reply file name; a
 *   #BargeJobPriority or #BargeCostPolicy, its string or its number for the
 *   priority and the cost policy; #BargeNotifyFlags, their strings (a
 *   string array) or their number for the notify flags; a string array of
 *   the program and its arguments for the notify command line (empty for
 *   none); an unsigned number for the others (bytes per second for the
 *   bandwidth limit, bytes for the size hint, 0 for none; from Python or JavaScript a number beyond
 *   32 bits needs a #GValue of type %G_TYPE_UINT64)
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the daemon answered
 * @user_data: data for @callback
 *
 * Changes a writable property of @job and reports whether the daemon accepted
 * it. An unknown or read-only property, or a value of the wrong type, fails
 * with %BARGE_ERROR_INVALID_ARGUMENT. When the daemon accepted the value, the
 * call completes with @job already showing it.
 */
void
barge_job_set_property_async (BargeJob *job,
                              const char *property_name,
                              const GValue *value,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  const BargeJobWritableProperty *property;
  GVariant *variant;

  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (property_name != NULL);
  g_return_if_fail (G_IS_VALUE (value));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  property = _barge_job_find_writable_property (property_name);
  if (property == NULL)
    {
      g_task_report_new_error (job, callback, user_data, barge_job_set_property_async,
                               BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                               _("“%s” is not a writable property of a job"), property_name);
      return;
    }

  variant = _barge_job_value_to_variant (property, value, &error);
  if (variant == NULL)
    {
      g_task_report_error (job, callback, user_data, barge_job_set_property_async,
                           g_steal_pointer (&error));
      return;
    }

  _barge_job_set_dbus_property (job, property, variant, barge_job_set_property_async,
                                cancellable, callback, user_data);
}

/**
 * barge_job_set_property_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.set_property_async].
 *
 * Returns: %TRUE if the daemon accepted the new value
 */
gboolean
barge_job_set_property_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  g_autoptr(GVariant) reply = _barge_job_call_finish (job, res, barge_job_set_property_async, error);

  return reply != NULL;
}

/**
 * barge_job_set_property_sync:
 * @job: a #BargeJob
 * @property_name: the name of a writable property, as for
 *   [method@Barge.Job.set_property_async]
 * @value: the new value
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Changes a writable property of @job, blocking until the daemon answered.
 * See [method@Barge.Job.set_property_async].
 *
 * Returns: %TRUE if the daemon accepted the new value
 */
gboolean
barge_job_set_property_sync (BargeJob *job,
                             const char *property_name,
                             const GValue *value,
                             GCancellable *cancellable,
                             GError **error)
{
  BargeSync sync;
  gboolean ok;

  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (property_name != NULL, FALSE);
  g_return_val_if_fail (G_IS_VALUE (value), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _barge_sync_begin (&sync);
  barge_job_set_property_async (job, property_name, value, cancellable, _barge_sync_done, &sync);
  ok = barge_job_set_property_finish (job, _barge_sync_wait (&sync), error);
  _barge_sync_end (&sync);
  return ok;
}
