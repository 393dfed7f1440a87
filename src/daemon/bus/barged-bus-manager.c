/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedBus"

#include "config.h"

#include <glib/gi18n.h>

#include "barged-agent-resolver.h"
#include "barged-bus-private.h"
#include "barged-catalog.h"
#include "barged-errors.h"

/* The Manager interface at /org/freedesktop/Barge1: CreateJob, GetJob,
 * ListJobs, GetErrorDescription, SetBackgroundBandwidthLimit,
 * SetSessionProxy and the properties. */

static void
return_error (BargedBusCall *call, gint code, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
return_error (BargedBusCall *call, gint code, const char *format, ...)
{
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (BARGE_ERROR, code, format, args);
  va_end (args);
  barged_bus_call_return_error (call, error);
}

static GVariant *
path_of (BargedBusCall *call, BargedJob *job)
{
  BargedBusJob *bus_job = _barged_bus_lookup_job (call->bus, barged_job_get_job_id (job));

  return g_variant_new_object_path (barged_bus_job_get_path (bus_job));
}

/* --- CreateJob ------------------------------------------------------------------------ */

typedef struct {
  BargedBusCall *call;
  BargedJobSpec spec;
  char *display_name;
  char *description;
  char *transfer_window;
  GVariant *custom_headers;
  char **proxy_list;
  char **proxy_bypass;
  GVariant *tls_options;
} CreateData;

static void
create_data_free (CreateData *data)
{
  if (data->call != NULL)
    barged_bus_call_free (data->call);
  g_free (data->display_name);
  g_free (data->description);
  g_free (data->transfer_window);
  g_clear_pointer (&data->custom_headers, g_variant_unref);
  g_strfreev (data->proxy_list);
  g_strfreev (data->proxy_bypass);
  g_clear_pointer (&data->tls_options, g_variant_unref);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CreateData, create_data_free)

static void
on_job_created (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(CreateData) data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BargedJob) job = barged_engine_create_job_finish (BARGED_ENGINE (source), res, &error);

  if (job == NULL)
    barged_bus_call_return_error (g_steal_pointer (&data->call), error);
  else
    {
      BargedBusCall *call = g_steal_pointer (&data->call);

      barged_bus_call_return_value (call, g_variant_new_tuple ((GVariant *[]) { path_of (call, job) }, 1));
    }
}

static void
on_umask_known (GObject *source, GAsyncResult *res, gpointer user_data)
{
  CreateData *data = user_data;
  guint32 umask = barged_authority_lookup_umask_finish (BARGED_AUTHORITY (source), res);

  barged_engine_create_job_async (_barged_bus_get_engine (data->call->bus), data->call->uid, umask, &data->spec,
                                  on_job_created, data);
}

static void
lookup_umask (CreateData *data)
{
  BargedBusCall *call = data->call;

  barged_authority_lookup_umask_async (_barged_bus_get_authority (call->bus),
                                       g_dbus_method_invocation_get_sender (call->invocation),
                                       on_umask_known, data);
}

static void
on_keep_awake_authorized (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(CreateData) data = user_data;
  g_autoptr(GError) error = NULL;

  if (!barged_authority_check_manage_all_finish (BARGED_AUTHORITY (source), res, &error))
    {
      g_prefix_error (&error, "keep-awake on the system bus blocks sleep for every user and needs an "
                              "administrator: ");
      barged_bus_call_return_error (g_steal_pointer (&data->call), error);
      return;
    }
  lookup_umask (g_steal_pointer (&data));
}

/* CreateJob's options and their types, for the message of a refusal:
 * the parser below takes each. */
static const struct {
  const char *name;
  const char *type;
} create_options[] = {
  { "description", "s" }, { "cost-policy", "s" }, { "priority", "s" }, { "bandwidth-limit", "t" },
  { "size-hint", "t" }, { "not-before", "x" }, { "transfer-window", "s" }, { "max-segments", "u" },
  { "custom-headers", "a(ss)" }, { "redirect-policy", "s" }, { "proxy-usage", "s" }, { "proxy-list", "as" },
  { "proxy-bypass-list", "as" }, { "tls-options", "a{sv}" }, { "allow-https-to-http", "b" }, { "keep-awake", "b" },
  { "upload-protocol", "s" },
};

/* Why CreateJob took no option @key of value @v: a known one of another
 * type, or one it does not know (the message lists those it does). */
static void
refuse_create_option (const char *key, GVariant *v, GError **error)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (create_options); i++)
    {
      if (g_str_equal (key, create_options[i].name))
        {
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "the option \"%s\" is of type %s, not %s",
                       key, create_options[i].type, g_variant_get_type_string (v));
          return;
        }
      g_string_append_printf (names, "%s%s (%s)", i > 0 ? ", " : "", create_options[i].name,
                              create_options[i].type);
    }
  g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "unknown option \"%s\" of type %s (CreateJob takes %s)",
               key, g_variant_get_type_string (v), names->str);
}

/* The options of CreateJob, into @data->spec; FALSE with a typed error. */
static gboolean
parse_create_options (CreateData *data, GVariant *options, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr(GVariant) v = value;
      const char *str = g_variant_is_of_type (v, G_VARIANT_TYPE_STRING) ? g_variant_get_string (v, NULL) : NULL;

      if (g_str_equal (key, "description") && str != NULL)
        {
          g_free (data->description);
          data->description = g_strdup (str);
        }
      else if (g_str_equal (key, "cost-policy") && str != NULL)
        {
          if (!barge_cost_policy_from_string (str, &data->spec.cost_policy))
            {
              g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                           "unknown cost policy \"%s\" (any or unmetered)", str);
              return FALSE;
            }
        }
      else if (g_str_equal (key, "priority") && str != NULL)
        {
          if (!barge_job_priority_from_string (str, &data->spec.priority))
            {
              g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                           "unknown priority \"%s\" (foreground, high, normal or low)", str);
              return FALSE;
            }
        }
      else if (g_str_equal (key, "bandwidth-limit") && g_variant_is_of_type (v, G_VARIANT_TYPE_UINT64))
        /* Checked with the rest of the spec by barged_job_new(). */
        data->spec.bandwidth_limit = g_variant_get_uint64 (v);
      else if (g_str_equal (key, "size-hint") && g_variant_is_of_type (v, G_VARIANT_TYPE_UINT64))
        /* Checked with the rest of the spec by barged_job_new(). */
        data->spec.size_hint = g_variant_get_uint64 (v);
      else if (g_str_equal (key, "not-before") && g_variant_is_of_type (v, G_VARIANT_TYPE_INT64))
        /* Checked against the clock by barged_job_new(). */
        data->spec.not_before = g_variant_get_int64 (v);
      else if (g_str_equal (key, "transfer-window") && str != NULL)
        {
          g_free (data->transfer_window);
          data->transfer_window = g_strdup (str);
        }
      else if (g_str_equal (key, "max-segments") && g_variant_is_of_type (v, G_VARIANT_TYPE_UINT32))
        /* Checked by barged_job_new(). */
        data->spec.max_segments = g_variant_get_uint32 (v);
      else if (g_str_equal (key, "custom-headers") && g_variant_is_of_type (v, G_VARIANT_TYPE ("a(ss)")))
        {
          /* Checked by barged_job_new(). */
          g_clear_pointer (&data->custom_headers, g_variant_unref);
          data->custom_headers = g_variant_ref (v);
        }
      else if (g_str_equal (key, "redirect-policy") && str != NULL)
        {
          if (!barge_redirect_policy_from_string (str, &data->spec.redirect_policy))
            {
              g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                           "unknown redirect policy \"%s\" (allow, allow-report or disallow)", str);
              return FALSE;
            }
        }
      else if (g_str_equal (key, "proxy-usage") && str != NULL)
        {
          if (!barge_proxy_usage_from_string (str, &data->spec.proxy_usage))
            {
              g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                           "unknown proxy usage \"%s\" (system, none or override)", str);
              return FALSE;
            }
        }
      else if (g_str_equal (key, "proxy-list") && g_variant_is_of_type (v, G_VARIANT_TYPE_STRING_ARRAY))
        {
          /* Checked with the usage by barged_job_new(). */
          g_strfreev (data->proxy_list);
          data->proxy_list = g_variant_dup_strv (v, NULL);
        }
      else if (g_str_equal (key, "proxy-bypass-list") && g_variant_is_of_type (v, G_VARIANT_TYPE_STRING_ARRAY))
        {
          g_strfreev (data->proxy_bypass);
          data->proxy_bypass = g_variant_dup_strv (v, NULL);
        }
      else if (g_str_equal (key, "tls-options") && g_variant_is_of_type (v, G_VARIANT_TYPE_VARDICT))
        {
          /* Checked here, before the job is built and its private data
           * written (a refusal after that was a write of the private
           * file, of every user's passwords, twice, for nothing); the
           * files are read by the engine before the job is announced. */
          if (!barged_job_check_tls_options (v, error))
            return FALSE;
          g_clear_pointer (&data->tls_options, g_variant_unref);
          data->tls_options = g_variant_ref (v);
        }
      else if (g_str_equal (key, "allow-https-to-http") && g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN))
        /* Checked against the job type by barged_job_new(). */
        data->spec.allow_https_to_http = g_variant_get_boolean (v);
      else if (g_str_equal (key, "keep-awake") && g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN))
        /* Checked against the priority by barged_job_new(). */
        data->spec.keep_awake = g_variant_get_boolean (v);
      else if (g_str_equal (key, "upload-protocol") && str != NULL)
        {
          if (!barge_upload_protocol_from_string (str, &data->spec.upload_protocol) ||
              data->spec.upload_protocol == BARGE_UPLOAD_PROTOCOL_NONE)
            {
              g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                           "unknown upload protocol \"%s\" (bits, tus or put)", str);
              return FALSE;
            }
        }
      else
        {
          refuse_create_option (key, v, error);
          return FALSE;
        }
    }
  return TRUE;
}

static void
create_job (BargedBusCall *call, GVariant *params)
{
  g_autoptr(CreateData) data = g_new0 (CreateData, 1);
  g_autoptr(GVariant) options = NULL;
  g_autoptr(GError) error = NULL;
  const char *display_name, *type;

  data->call = call;
  g_variant_get (params, "(&s&s@a{sv})", &display_name, &type, &options);
  data->display_name = g_strdup (display_name);
  data->description = g_strdup ("");
  data->spec.priority = BARGE_JOB_PRIORITY_NORMAL;
  data->spec.cost_policy = BARGE_COST_POLICY_ANY;
  data->spec.upload_protocol = BARGE_UPLOAD_PROTOCOL_NONE;
  if (!barge_job_type_from_string (type, &data->spec.type))
    {
      return_error (g_steal_pointer (&data->call), BARGE_ERROR_INVALID_ARGUMENT,
                    "unknown job type \"%s\" (download, upload or upload-reply)", type);
      return;
    }
  if (!parse_create_options (data, options, &error))
    {
      barged_bus_call_return_error (g_steal_pointer (&data->call), error);
      return;
    }
  data->spec.display_name = data->display_name;
  data->spec.description = data->description;
  data->spec.transfer_window = data->transfer_window;
  data->spec.custom_headers = data->custom_headers;
  data->spec.proxy_list = (const char * const *) data->proxy_list;
  data->spec.proxy_bypass = (const char * const *) data->proxy_bypass;
  data->spec.tls_options = data->tls_options;
  /* logind lets a user block sleep only from a local session, and barged
   * would hold the lock as root for anyone: on the system bus only an
   * administrator may ask for it (a session barged asks as its user, and
   * logind decides). */
  if (data->spec.keep_awake && !call->admin && barged_authority_is_system (_barged_bus_get_authority (call->bus)))
    {
      barged_authority_check_manage_all_async (_barged_bus_get_authority (call->bus), call->invocation, call->uid,
                                               on_keep_awake_authorized, g_steal_pointer (&data));
      return;
    }
  lookup_umask (g_steal_pointer (&data));
}

/* --- GetJob and ListJobs ------------------------------------------------------------------- */

typedef struct {
  BargedBusCall *call;
  char *id;
  gboolean all_users;
} FindData;

static void
find_data_free (FindData *data)
{
  if (data->call != NULL)
    barged_bus_call_free (data->call);
  g_free (data->id);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FindData, find_data_free)

static void
return_job (FindData *data)
{
  BargedJob *job = barged_engine_lookup (_barged_bus_get_engine (data->call->bus), data->id);

  /* Another user's job does not exist for the caller, unless it may
   * manage every job; nor does one that left meanwhile. */
  if (job == NULL || (barged_job_get_owner_uid (job) != data->call->uid && !data->call->admin))
    return_error (g_steal_pointer (&data->call), BARGE_ERROR_NOT_FOUND, "no job %s", data->id);
  else
    {
      BargedBusCall *call = g_steal_pointer (&data->call);

      barged_bus_call_return_value (call, g_variant_new_tuple ((GVariant *[]) { path_of (call, job) }, 1));
    }
}

static void
return_jobs (FindData *data)
{
  g_autoptr(GPtrArray) jobs = barged_engine_list (_barged_bus_get_engine (data->call->bus), data->all_users,
                                                  data->call->uid);
  GVariantBuilder paths;

  g_variant_builder_init (&paths, G_VARIANT_TYPE ("ao"));
  for (guint i = 0; i < jobs->len; i++)
    g_variant_builder_add_value (&paths, path_of (data->call, g_ptr_array_index (jobs, i)));
  barged_bus_call_return_value (g_steal_pointer (&data->call), g_variant_new ("(ao)", &paths));
}

static void
on_find_authorized (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(FindData) data = user_data;
  g_autoptr(GError) error = NULL;
  gboolean listing = data->id == NULL;

  data->call->admin = barged_authority_check_manage_all_finish (BARGED_AUTHORITY (source), res, &error);
  if (listing && !data->call->admin)
    {
      /* Listing every user's jobs needs it; asking for one job of another
       * user only finds nothing without it. */
      if (g_error_matches (error, BARGE_ERROR, BARGE_ERROR_ACCESS_DENIED))
        return_error (g_steal_pointer (&data->call), BARGE_ERROR_ACCESS_DENIED,
                      "listing the jobs of all users needs authorization");
      else
        barged_bus_call_return_error (g_steal_pointer (&data->call), error);
      return;
    }
  if (listing)
    return_jobs (data);
  else
    return_job (data);
}

static void
get_job (BargedBusCall *call, GVariant *params)
{
  g_autoptr(FindData) data = g_new0 (FindData, 1);
  const char *id;
  BargedJob *job;

  data->call = call;
  g_variant_get (params, "(&s)", &id);
  data->id = barged_job_normalize_id (id);
  if (data->id == NULL)
    {
      return_error (g_steal_pointer (&data->call), BARGE_ERROR_INVALID_ARGUMENT,
                    "\"%s\" is not a job id (a UUID, with or without dashes)", id);
      return;
    }
  job = barged_engine_lookup (_barged_bus_get_engine (call->bus), data->id);
  /* Only another user's existing job is worth asking polkit about. */
  if (job != NULL && barged_job_get_owner_uid (job) != call->uid && !call->admin)
    {
      barged_authority_check_manage_all_async (_barged_bus_get_authority (call->bus), call->invocation, call->uid,
                                               on_find_authorized, g_steal_pointer (&data));
      return;
    }
  return_job (data);
}

static void
list_jobs (BargedBusCall *call, GVariant *params)
{
  g_autoptr(FindData) data = g_new0 (FindData, 1);
  g_autoptr(GVariant) options = NULL;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  data->call = call;
  g_variant_get (params, "(@a{sv})", &options);
  g_variant_iter_init (&iter, options);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr(GVariant) v = value;

      if (g_str_equal (key, "all-users") && g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN))
        data->all_users = g_variant_get_boolean (v);
      else
        {
          return_error (g_steal_pointer (&data->call), BARGE_ERROR_INVALID_ARGUMENT,
                        "unknown option \"%s\" of type %s (ListJobs takes all-users, a boolean)", key,
                        g_variant_get_type_string (v));
          return;
        }
    }
  if (data->all_users && !call->admin)
    {
      barged_authority_check_manage_all_async (_barged_bus_get_authority (call->bus), call->invocation, call->uid,
                                               on_find_authorized, g_steal_pointer (&data));
      return;
    }
  return_jobs (data);
}

/* --- GetErrorDescription ----------------------------------------------------------------- */

/* The caller's language, not the daemon's: gettext would need the locale
 * installed and switched per thread, the catalog reader needs neither. */
static char *
translate (const char *text, const char *locale_name)
{
  if (locale_name == NULL || *locale_name == '\0')
    return g_strdup (_(text));
  return barged_catalog_translate (barged_catalog_get_locale_dir (), GETTEXT_PACKAGE, locale_name, text);
}

static void
get_error_description (BargedBusCall *call, GVariant *params)
{
  const char *error_name, *locale_name, *text;
  g_autofree char *translated = NULL;

  g_variant_get (params, "(&s&s)", &error_name, &locale_name);
  if (!barged_catalog_locale_name_is_valid (locale_name))
    {
      return_error (call, BARGE_ERROR_INVALID_ARGUMENT,
                    "a locale name is empty or up to %u letters, digits and \"_.@-\", such as de_DE.UTF-8",
                    BARGED_CATALOG_MAX_LOCALE);
      return;
    }
  text = barged_error_get_description (error_name);
  if (text == NULL)
    {
      return_error (call, BARGE_ERROR_NOT_FOUND, "\"%s\" is not a Barge error name", error_name);
      return;
    }
  translated = translate (text, locale_name);
  barged_bus_call_return_value (call, g_variant_new ("(s)", translated));
}

/* --- SetBackgroundBandwidthLimit -------------------------------------------------------------- */

typedef struct {
  BargedBusCall *call;
  guint64 rate;
} LimitData;

static void
limit_data_free (LimitData *data)
{
  if (data->call != NULL)
    barged_bus_call_free (data->call);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LimitData, limit_data_free)

static void
on_background_limit_set (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(LimitData) data = user_data;
  g_autoptr(GError) error = NULL;

  if (!barged_engine_set_background_bandwidth_limit_finish (BARGED_ENGINE (source), res, &error))
    barged_bus_call_return_error (g_steal_pointer (&data->call), error);
  else
    {
      g_info ("uid %u set the background bandwidth limit to %" G_GUINT64_FORMAT " bytes/s (0: removed)",
              data->call->uid, data->rate);
      barged_bus_call_return_value (g_steal_pointer (&data->call), NULL);
    }
}

static void
on_bandwidth_policy_authorized (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(LimitData) data = user_data;
  g_autoptr(GError) error = NULL;
  BargedEngine *engine = _barged_bus_get_engine (data->call->bus);
  guint64 rate = data->rate;

  if (!barged_authority_check_finish (BARGED_AUTHORITY (source), res, &error))
    {
      barged_bus_call_return_error (g_steal_pointer (&data->call), error);
      return;
    }
  barged_engine_set_background_bandwidth_limit_async (engine, rate, on_background_limit_set, g_steal_pointer (&data));
}

static void
set_background_bandwidth_limit (BargedBusCall *call, GVariant *params)
{
  g_autoptr(LimitData) data = g_new0 (LimitData, 1);

  data->call = call;
  g_variant_get (params, "(t)", &data->rate);
  /* A bad rate is refused before polkit asks anyone for a password. */
  if (!barged_bandwidth_rate_is_valid (data->rate))
    {
      return_error (g_steal_pointer (&data->call), BARGE_ERROR_INVALID_ARGUMENT,
                    "a background bandwidth limit is 0 (remove the administrator's limit) or %u to %"
                    G_GUINT64_FORMAT " bytes per second, not %" G_GUINT64_FORMAT,
                    BARGED_BANDWIDTH_MIN, BARGED_BANDWIDTH_MAX, data->rate);
      return;
    }
  barged_authority_check_async (_barged_bus_get_authority (call->bus), call->invocation, call->uid,
                                BARGED_ACTION_SET_BANDWIDTH_POLICY, on_bandwidth_policy_authorized,
                                g_steal_pointer (&data));
}

/* --- SetSessionProxy ---------------------------------------------------------------------- */

/* A user's session proxy holds while the peer that published it is on the
 * bus (its desktop session's agent): when that peer leaves, the user's
 * jobs go back to the daemon's settings, rather than keep a proxy of a
 * session that ended. One per user: the last call wins. */
typedef struct {
  BargedBus *bus;             /* borrowed: the bus frees its leases first */
  guint32 uid;
  char *sender;
  guint watch;
} Lease;

void
_barged_bus_session_proxy_free (gpointer data)
{
  Lease *lease = data;

  g_bus_unwatch_name (lease->watch);
  g_free (lease->sender);
  g_free (lease);
}

static void
on_publisher_vanished (GDBusConnection *connection, const char *name, gpointer user_data)
{
  Lease *lease = user_data;
  BargedBus *bus = lease->bus;
  guint32 uid = lease->uid;

  g_info ("uid %u: the peer that published its session's proxy left the bus; its jobs follow the daemon's again",
          uid);
  barged_engine_set_session_proxy (_barged_bus_get_engine (bus), uid, BARGE_PROXY_USAGE_SYSTEM, NULL, NULL, NULL,
                                   NULL, NULL);
  /* Frees the lease and its watch: GDBus allows that from its callback. */
  g_hash_table_remove (_barged_bus_get_session_proxies (bus), GUINT_TO_POINTER (uid));
}

/* What the caller just set holds while @sender is on the bus. */
static void
hold_lease (BargedBusCall *call, const char *sender)
{
  Lease *lease = g_new0 (Lease, 1);

  lease->bus = call->bus;
  lease->uid = call->uid;
  lease->sender = g_strdup (sender);
  g_hash_table_replace (_barged_bus_get_session_proxies (call->bus), GUINT_TO_POINTER (call->uid), lease);
  lease->watch = g_bus_watch_name_on_connection (_barged_bus_get_connection (call->bus), sender,
                                                 G_BUS_NAME_WATCHER_FLAGS_NONE, NULL, on_publisher_vanished, lease,
                                                 NULL);
}

static void
set_session_proxy (BargedBusCall *call, GVariant *params)
{
  g_autoptr(GVariant) proxies = NULL;
  g_autofree const char **bypass = NULL;
  const char *usage_text, *key, *value;
  const char *http = NULL, *https = NULL, *other = NULL;
  const char *sender = g_dbus_method_invocation_get_sender (call->invocation);
  GHashTable *leases = _barged_bus_get_session_proxies (call->bus);
  BargeProxyUsage usage;
  g_autoptr(GError) error = NULL;
  GVariantIter iter;

  g_variant_get (params, "(&s@a{ss}^a&s)", &usage_text, &proxies, &bypass);
  /* Held while its sender is on the bus: a peer-to-peer caller has none. */
  if (sender == NULL)
    {
      return_error (call, BARGE_ERROR_NOT_SUPPORTED, "a session proxy is told over a message bus");
      return;
    }
  if (!barge_proxy_usage_from_string (usage_text, &usage))
    {
      return_error (call, BARGE_ERROR_INVALID_ARGUMENT, "a session proxy usage is \"system\", \"none\" or "
                    "\"override\", not \"%.64s\"", usage_text);
      return;
    }
  g_variant_iter_init (&iter, proxies);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    {
      if (g_str_equal (key, "http"))
        http = value;
      else if (g_str_equal (key, "https"))
        https = value;
      else if (g_str_equal (key, "default"))
        other = value;
      else
        {
          return_error (call, BARGE_ERROR_INVALID_ARGUMENT,
                        "a session's proxies are \"http\", \"https\" and \"default\", not \"%.64s\"", key);
          return;
        }
    }
  if (!barged_engine_set_session_proxy (_barged_bus_get_engine (call->bus), call->uid, usage, http, https, other,
                                        bypass, &error))
    {
      barged_bus_call_return_error (call, error);
      return;
    }
  if (usage == BARGE_PROXY_USAGE_SYSTEM)
    g_hash_table_remove (leases, GUINT_TO_POINTER (call->uid));
  else
    hold_lease (call, sender);
  g_info ("uid %u set its session's proxy: %s", call->uid, usage_text);
  barged_bus_call_return_value (call, NULL);
}

/* The caller's user's jobs now ask the caller (its SessionProxyAgent
 * object), for as long as it is on the bus. */
static void
register_session_proxy_agent (BargedBusCall *call)
{
  const char *sender = g_dbus_method_invocation_get_sender (call->invocation);
  g_autoptr(BargedAgentResolver) resolver = NULL;
  g_autoptr(GError) error = NULL;

  if (sender == NULL)
    {
      return_error (call, BARGE_ERROR_NOT_SUPPORTED, "a session proxy agent registers over a message bus");
      return;
    }
  resolver = barged_agent_resolver_new (_barged_bus_get_connection (call->bus), sender);
  if (!barged_engine_set_session_resolver (_barged_bus_get_engine (call->bus), call->uid, G_PROXY_RESOLVER (resolver),
                                           &error))
    {
      barged_bus_call_return_error (call, error);
      return;
    }
  hold_lease (call, sender);
  g_info ("uid %u registered its session's proxy agent", call->uid);
  barged_bus_call_return_value (call, NULL);
}

/* --- properties ---------------------------------------------------------------------------- */

/* The value of a Manager property; NULL for a name it does not have. */
static GVariant *
manager_property (BargedBus *bus, const char *name)
{
  if (g_str_equal (name, "Version"))
    return g_variant_new_string (PACKAGE_VERSION);
  if (g_str_equal (name, "BackgroundBandwidthLimit"))
    return g_variant_new_uint64 (barged_engine_get_background_bandwidth_limit (_barged_bus_get_engine (bus)));
  if (g_str_equal (name, "BackgroundBandwidthSource"))
    return g_variant_new_string (barged_engine_get_background_bandwidth_source (_barged_bus_get_engine (bus)));
  return NULL;
}

static void
properties_call (BargedBusCall *call, const char *method, GVariant *params)
{
  static const char * const names[] = { "Version", "BackgroundBandwidthLimit", "BackgroundBandwidthSource", NULL };
  const char *name = NULL;

  if (g_str_equal (method, "GetAll"))
    {
      GVariantBuilder props;

      g_variant_builder_init (&props, G_VARIANT_TYPE ("a{sv}"));
      for (guint i = 0; names[i] != NULL; i++)
        g_variant_builder_add (&props, "{sv}", names[i], manager_property (call->bus, names[i]));
      barged_bus_call_return_value (call, g_variant_new ("(a{sv})", &props));
      return;
    }
  g_variant_get_child (params, 1, "&s", &name);
  if (!g_strv_contains (names, name))
    {
      g_dbus_method_invocation_return_error (g_steal_pointer (&call->invocation), G_DBUS_ERROR,
                                             G_DBUS_ERROR_UNKNOWN_PROPERTY, "the Manager has no property \"%s\"",
                                             name);
      barged_bus_call_free (call);
    }
  else if (g_str_equal (method, "Get"))
    barged_bus_call_return_value (call, g_variant_new ("(v)", manager_property (call->bus, name)));
  else
    {
      g_dbus_method_invocation_return_error (g_steal_pointer (&call->invocation), G_DBUS_ERROR,
                                             G_DBUS_ERROR_PROPERTY_READ_ONLY, "the Manager has no writable property");
      barged_bus_call_free (call);
    }
}

void
_barged_bus_manager_call (BargedBusCall *call, const char *method, GVariant *params)
{
  const char *iface = g_dbus_method_invocation_get_interface_name (call->invocation);

  if (g_strcmp0 (iface, BARGED_BUS_PROPERTIES_IFACE) == 0)
    properties_call (call, method, params);
  else if (g_str_equal (method, "CreateJob"))
    create_job (call, params);
  else if (g_str_equal (method, "GetJob"))
    get_job (call, params);
  else if (g_str_equal (method, "ListJobs"))
    list_jobs (call, params);
  else if (g_str_equal (method, "GetErrorDescription"))
    get_error_description (call, params);
  else if (g_str_equal (method, "SetBackgroundBandwidthLimit"))
    set_background_bandwidth_limit (call, params);
  else if (g_str_equal (method, "SetSessionProxy"))
    set_session_proxy (call, params);
  else if (g_str_equal (method, "RegisterSessionProxyAgent"))
    register_session_proxy_agent (call);
  else
    {
      g_dbus_method_invocation_return_error (g_steal_pointer (&call->invocation), G_DBUS_ERROR,
                                             G_DBUS_ERROR_UNKNOWN_METHOD, "no method %s", method);
      barged_bus_call_free (call);
    }
}
