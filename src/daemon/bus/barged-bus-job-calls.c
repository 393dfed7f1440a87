/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedBus"

#include "config.h"

#include "barged-bus-private.h"
#include "barged-bus-properties.h"

/* The methods and properties of a Job object and its File objects, for a
 * caller barged-bus.c has let through (the owner, or an admin). Each maps
 * the D-Bus arguments to the engine's typed API and its answer back. */

static void
return_error (BargedBusCall *call, GQuark domain, gint code, const char *format, ...) G_GNUC_PRINTF (4, 5);

static void
return_error (BargedBusCall *call, GQuark domain, gint code, const char *format, ...)
{
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (domain, code, format, args);
  va_end (args);
  barged_bus_call_return_error (call, error);
}

static BargedJob *
job_of (BargedBusCall *call)
{
  return barged_bus_job_get_job (call->job);
}

/* An async engine call answers with () or its error. */
static void
on_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  BargedBusCall *call = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (res), &error))
    barged_bus_call_return_error (call, error);
  else
    barged_bus_call_return_value (call, NULL);
}

static void
on_saved_reply (GObject *source, GAsyncResult *res, gpointer user_data)
{
  BargedBusCall *call = user_data;
  g_autoptr(GError) error = NULL;

  /* The change holds in memory either way, but a client told it
   * succeeded expects it after a restart too (a Suspend, a cost policy, a
   * TakeOwnership): it hears that it may not last. */
  if (!barged_job_save_finish (job_of (call), res, &error))
    {
      BargeError code = error->domain == BARGE_ERROR ? (BargeError) error->code : BARGE_ERROR_FAILED;
      g_autoptr(GError) told = g_error_new (BARGE_ERROR, code,
                                            "%s; the change is in effect but lost if barged stops before a "
                                            "later save", error->message);

      barged_bus_call_return_error (call, told);
      return;
    }
  barged_bus_call_return_value (call, NULL);
}

/* @error is set exactly when the engine call failed. A change (Resume,
 * Suspend, a property, TakeOwnership) is answered once the job's record
 * has it: the store commits writes in order, so this save's completion
 * means the change's own save is committed too, and a crash right after
 * the reply keeps it. */
static void
return_sync (BargedBusCall *call, GError *error)
{
  g_autoptr(GError) owned = error;

  if (owned != NULL)
    barged_bus_call_return_error (call, owned);
  else
    barged_job_save (job_of (call), on_saved_reply, call);
}

/* --- methods ----------------------------------------------------------------------------- */

static void
add_files (BargedBusCall *call, const char *method, GVariant *params)
{
  g_autoptr(GPtrArray) urls = g_ptr_array_new ();
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  g_autoptr(GVariant) files = NULL;
  GVariantIter iter;
  const char *url, *path;

  if (g_str_equal (method, "AddFileWithOptions"))
    {
      g_autoptr(GVariant) options = NULL;
      g_autoptr(GError) error = NULL;
      BargedFileChecks checks = { .size = BARGE_SIZE_UNKNOWN };

      g_variant_get (params, "(&s&s@a{sv})", &url, &path, &options);
      if (!barged_file_checks_parse (options, barged_job_get_max_ranges_per_file (job_of (call)), &checks, &error))
        {
          barged_bus_call_return_error (call, error);
          return;
        }
      barged_job_add_files_async (job_of (call), (const char *[]) { url, NULL }, (const char *[]) { path, NULL },
                                  &checks, on_done, call);
      barged_file_checks_clear (&checks);
      return;
    }
  if (g_str_equal (method, "AddFile"))
    {
      g_variant_get (params, "(&s&s)", &url, &path);
      g_ptr_array_add (urls, (gpointer) url);
      g_ptr_array_add (paths, (gpointer) path);
    }
  else
    {
      g_variant_get (params, "(@a(ss))", &files);
      g_variant_iter_init (&iter, files);
      while (g_variant_iter_next (&iter, "(&s&s)", &url, &path))
        {
          g_ptr_array_add (urls, (gpointer) url);
          g_ptr_array_add (paths, (gpointer) path);
        }
    }
  g_ptr_array_add (urls, NULL);
  g_ptr_array_add (paths, NULL);
  barged_job_add_files_async (job_of (call), (const char * const *) urls->pdata,
                              (const char * const *) paths->pdata, NULL, on_done, call);
}

static void
on_umask_for_ownership (GObject *source, GAsyncResult *res, gpointer user_data)
{
  BargedBusCall *call = user_data;
  guint32 umask = barged_authority_lookup_umask_finish (BARGED_AUTHORITY (source), res);
  GError *error = NULL;

  barged_job_take_ownership (job_of (call), call->uid, umask, &error);
  return_sync (call, error);
}

/* The target and scheme a client names; InvalidArgument says what is known. */
static gboolean
parse_credentials_key (BargedBusCall *call, const char *target_str, const char *scheme_str,
                       BargeCredentialsTarget *target, BargeAuthScheme *scheme)
{
  if (!barge_credentials_target_from_string (target_str, target))
    {
      return_error (call, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "the target must be \"server\" or \"proxy\"");
      return FALSE;
    }
  if (!barge_auth_scheme_from_string (scheme_str, scheme))
    {
      return_error (call, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                    "the scheme must be \"basic\", \"digest\", \"ntlm\" or \"negotiate\"");
      return FALSE;
    }
  return TRUE;
}

static void
on_reply_data (GObject *source, GAsyncResult *res, gpointer user_data)
{
  BargedBusCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = barged_job_get_reply_data_finish (BARGED_JOB (source), res, &error);

  if (data == NULL)
    barged_bus_call_return_error (call, error);
  else
    barged_bus_call_return_value (call, g_variant_new ("(@ay)", g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING,
                                                                                           data, TRUE)));
}

static gboolean
check_reply (BargedBusCall *call)
{
  if (barged_job_get_job_type (job_of (call)) == BARGE_JOB_TYPE_UPLOAD_REPLY)
    return TRUE;
  return_error (call, BARGE_ERROR, BARGE_ERROR_NOT_SUPPORTED, "only upload-reply jobs have a reply, not %s jobs",
                barge_job_type_to_string (barged_job_get_job_type (job_of (call))));
  return FALSE;
}

static void
job_method (BargedBusCall *call, const char *method, GVariant *params)
{
  BargedJob *job = job_of (call);
  GError *error = NULL;

  if (g_str_equal (method, "AddFile") || g_str_equal (method, "AddFiles") ||
      g_str_equal (method, "AddFileWithOptions"))
    add_files (call, method, params);
  else if (g_str_equal (method, "Resume"))
    {
      barged_job_resume (job, &error);
      return_sync (call, error);
    }
  else if (g_str_equal (method, "Suspend"))
    {
      barged_job_suspend (job, &error);
      return_sync (call, error);
    }
  else if (g_str_equal (method, "Cancel"))
    barged_job_cancel_async (job, on_done, call);
  else if (g_str_equal (method, "Complete"))
    barged_job_complete_async (job, on_done, call);
  else if (g_str_equal (method, "GetProgress"))
    {
      BargedJobProgress p;

      barged_job_get_progress (job, &p);
      barged_bus_call_return_value (call, g_variant_new ("((tttt))", p.bytes_total, p.bytes_done, p.files_total,
                                                         p.files_done));
    }
  else if (g_str_equal (method, "GetReplyProgress"))
    {
      guint64 total, received;

      if (!check_reply (call))
        return;
      barged_job_get_reply_progress (job, &total, &received);
      barged_bus_call_return_value (call, g_variant_new ("((tt))", total, received));
    }
  else if (g_str_equal (method, "GetReplyData"))
    {
      if (check_reply (call))
        barged_job_get_reply_data_async (job, on_reply_data, call);
    }
  else if (g_str_equal (method, "TakeOwnership"))
    barged_authority_lookup_umask_async (_barged_bus_get_authority (call->bus),
                                         g_dbus_method_invocation_get_sender (call->invocation),
                                         on_umask_for_ownership, call);
  else if (g_str_equal (method, "SetCredentials"))
    {
      const char *target_str, *scheme_str, *user, *password;
      BargeCredentialsTarget target;
      BargeAuthScheme scheme;

      g_variant_get (params, "(&s&s&s&s)", &target_str, &scheme_str, &user, &password);
      if (parse_credentials_key (call, target_str, scheme_str, &target, &scheme))
        barged_job_set_credentials_async (job, target, scheme, user, password, on_done, call);
    }
  else if (g_str_equal (method, "SetCustomHeaders"))
    {
      g_autoptr(GVariant) headers = g_variant_get_child_value (params, 0);

      barged_job_set_custom_headers_async (job, headers, on_done, call);
    }
  else if (g_str_equal (method, "SetTlsOptions"))
    {
      g_autoptr(GVariant) options = g_variant_get_child_value (params, 0);

      barged_job_set_tls_options_async (job, options, on_done, call);
    }
  else if (g_str_equal (method, "SetProxySettings"))
    {
      const char *usage_str;
      g_autofree const char **proxies = NULL;
      g_autofree const char **bypass = NULL;
      BargeProxyUsage usage;

      g_variant_get (params, "(&s^a&s^a&s)", &usage_str, &proxies, &bypass);
      if (!barge_proxy_usage_from_string (usage_str, &usage))
        g_set_error (&error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                     "unknown proxy usage \"%s\": use system, none or override", usage_str);
      else
        barged_job_set_proxy_settings (job, usage, proxies, bypass, &error);
      /* Answered once stored (return_sync). */
      return_sync (call, error);
    }
  else if (g_str_equal (method, "GetCustomHeaders"))
    {
      g_autoptr(GVariant) headers = barged_job_dup_custom_headers (job, &error);

      if (headers == NULL)
        return_sync (call, error);
      else
        barged_bus_call_return_value (call, g_variant_new_tuple (&headers, 1));
    }
  else if (g_str_equal (method, "MakeCustomHeadersWriteOnly"))
    {
      barged_job_make_custom_headers_write_only (job, &error);
      return_sync (call, error);
    }
  else if (g_str_equal (method, "RemoveCredentials"))
    {
      const char *target_str, *scheme_str;
      BargeCredentialsTarget target;
      BargeAuthScheme scheme;

      g_variant_get (params, "(&s&s)", &target_str, &scheme_str);
      if (parse_credentials_key (call, target_str, scheme_str, &target, &scheme))
        barged_job_remove_credentials_async (job, target, scheme, on_done, call);
    }
  else
    return_error (call, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD, "no method %s", method);
}

/* --- properties -------------------------------------------------------------------------- */

static void
job_properties (BargedBusCall *call, const char *method, GVariant *params)
{
  BargedJob *job = job_of (call);
  const char *iface, *name;
  gint index;

  if (g_str_equal (method, "GetAll"))
    {
      GVariantBuilder props;

      g_variant_builder_init (&props, G_VARIANT_TYPE ("a{sv}"));
      for (guint i = 0; i < BARGED_BUS_JOB_N_PROPERTIES; i++)
        {
          const BargedBusJobProperty *p = barged_bus_job_property (i);

          g_variant_builder_add (&props, "{sv}", p->name, p->get (job, call->job));
        }
      barged_bus_call_return_value (call, g_variant_new ("(a{sv})", &props));
      return;
    }
  /* GDBus checked the interface, the property, its access and, for Set,
   * the value's type against the introspection data. */
  g_variant_get_child (params, 0, "&s", &iface);
  g_variant_get_child (params, 1, "&s", &name);
  index = barged_bus_job_property_lookup (name);
  if (index < 0)
    {
      return_error (call, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "no property %s", name);
      return;
    }
  if (g_str_equal (method, "Get"))
    barged_bus_call_return_value (call, g_variant_new ("(v)", barged_bus_job_property (index)->get (job, call->job)));
  else
    {
      g_autoptr(GVariant) value = NULL;
      GError *error = NULL;
      BargedBusSetFunc set = barged_bus_job_property (index)->set;

      g_variant_get_child (params, 2, "v", &value);
      if (set == NULL)
        return_error (call, G_DBUS_ERROR, G_DBUS_ERROR_PROPERTY_READ_ONLY, "%s is read-only", name);
      else
        {
          set (job, value, &error);
          return_sync (call, error);
        }
    }
}

static void
file_properties (BargedBusCall *call, const char *method, GVariant *params)
{
  guint index = (guint) call->file_index;
  const char *name;
  GVariant *value;

  if (g_str_equal (method, "GetAll"))
    {
      GVariantBuilder props;

      g_variant_builder_init (&props, G_VARIANT_TYPE ("a{sv}"));
      for (guint i = 0; _barged_bus_file_property_names[i] != NULL; i++)
        g_variant_builder_add (&props, "{sv}", _barged_bus_file_property_names[i],
                               _barged_bus_job_file_property (call->job, index, _barged_bus_file_property_names[i]));
      barged_bus_call_return_value (call, g_variant_new ("(a{sv})", &props));
      return;
    }
  g_variant_get_child (params, 1, "&s", &name);
  if (g_str_equal (method, "Set"))
    {
      return_error (call, G_DBUS_ERROR, G_DBUS_ERROR_PROPERTY_READ_ONLY, "%s is read-only", name);
      return;
    }
  value = _barged_bus_job_file_property (call->job, index, name);
  if (value == NULL)
    return_error (call, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "no property %s", name);
  else
    barged_bus_call_return_value (call, g_variant_new ("(v)", value));
}

void
_barged_bus_job_call (BargedBusCall *call, const char *iface, const char *method, GVariant *params)
{
  gboolean properties = g_str_equal (iface, BARGED_BUS_PROPERTIES_IFACE);

  if (call->file_index >= 0)
    {
      if (properties)
        file_properties (call, method, params);
      else
        return_error (call, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD, "a file has no method %s", method);
    }
  else if (properties)
    job_properties (call, method, params);
  else
    job_method (call, method, params);
}
