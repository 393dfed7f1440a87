/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedConfig"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "barged-config.h"

/* docs/check-config-keys.py reads this table: each row must be documented. */
static const BargedSettingsKey keys[] = {
  { "Daemon", "IdleTimeout", 0, G_MAXUINT32, G_STRUCT_OFFSET (BargedSettings, idle_timeout) },
  { "Scheduler", "MaxBackgroundJobs", 1, G_MAXUINT32, G_STRUCT_OFFSET (BargedSettings, max_background_jobs) },
  { "Scheduler", "TimeSlice", 1, G_MAXUINT32, G_STRUCT_OFFSET (BargedSettings, time_slice) },
  { "Scheduler", "MaxRunningJobs", 1, BARGED_CONFIG_MAXIMUM_MAX_RUNNING_JOBS,
    G_STRUCT_OFFSET (BargedSettings, max_running_jobs) },
  { "Scheduler", "MaxRunningJobsPerUser", 1, G_MAXUINT32,
    G_STRUCT_OFFSET (BargedSettings, max_running_jobs_per_user) },
  { "Jobs", "InactivityTimeout", 0, G_MAXUINT32, G_STRUCT_OFFSET (BargedSettings, inactivity_timeout) },
  { "Jobs", "MaxJobs", 1, G_MAXUINT32, G_STRUCT_OFFSET (BargedSettings, max_jobs) },
  { "Jobs", "MaxJobsPerUser", 1, G_MAXUINT32, G_STRUCT_OFFSET (BargedSettings, max_jobs_per_user) },
  { "Jobs", "MaxFilesPerJob", 1, G_MAXUINT32, G_STRUCT_OFFSET (BargedSettings, max_files_per_job) },
  { "Jobs", "MaxRangesPerFile", 1, G_MAXUINT32, G_STRUCT_OFFSET (BargedSettings, max_ranges_per_file) },
  { "Jobs", "MaxFilesPerUser", 1, G_MAXUINT32, G_STRUCT_OFFSET (BargedSettings, max_files_per_user) },
  { "Jobs", "MaxMetadataPerUser", 65536, G_MAXUINT32, G_STRUCT_OFFSET (BargedSettings, max_metadata_per_user) },
  { "Jobs", "MaxNotifyProgramsPerUser", 1, G_MAXUINT32,
    G_STRUCT_OFFSET (BargedSettings, max_notify_programs_per_user) },
  { "Jobs", "NotifyTimeout", 0, G_MAXUINT32, G_STRUCT_OFFSET (BargedSettings, notify_timeout) },
  { "Transfer", "Timeout", 1, G_MAXUINT32, G_STRUCT_OFFSET (BargedSettings, transfer_timeout) },
  { "Transfer", "CheckpointInterval", 100, G_MAXUINT32, G_STRUCT_OFFSET (BargedSettings, checkpoint_interval) },
  { "Transfer", "MaxConnections", 1, BARGED_CONFIG_MAXIMUM_MAX_CONNECTIONS,
    G_STRUCT_OFFSET (BargedSettings, max_connections) },
  { "Transfer", "MaxConnectionsPerHost", 1, BARGED_CONFIG_MAXIMUM_MAX_CONNECTIONS,
    G_STRUCT_OFFSET (BargedSettings, max_connections_per_host) },
  { "Transfer", "BackgroundBandwidthLimit", 0, G_MAXUINT32,
    G_STRUCT_OFFSET (BargedSettings, background_bandwidth_limit) },
};

static gboolean
parse_schedule (gpointer field, const char *text, GError **error)
{
  return barged_bandwidth_schedule_parse (field, text, error);
}

gboolean
barged_config_proxy_is_valid (const char *text, GUri **parsed)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  const char *schemes[] = { "http", "https", "socks", "socks4", "socks4a", "socks5", NULL };

  if (parsed != NULL)
    *parsed = uri != NULL ? g_uri_ref (uri) : NULL;
  /* The port too: GIO 2.74 and libsoup 3.2 connect to port 0 for a proxy
   * URL without one. */
  return uri != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0' &&
         g_strv_contains (schemes, g_uri_get_scheme (uri)) && g_uri_get_userinfo (uri) == NULL &&
         g_uri_get_port (uri) > 0 && (*g_uri_get_path (uri) == '\0' || g_str_equal (g_uri_get_path (uri), "/")) &&
         g_uri_get_query (uri) == NULL && g_uri_get_fragment (uri) == NULL;
}

gboolean
barged_config_no_proxy_entry_is_valid (const char *entry)
{
  if (*entry == '\0')
    return FALSE;
  for (const char *c = entry; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && strchr (".-_:*/[]", *c) == NULL)
      return FALSE;
  return TRUE;
}

/* A proxy as GIO's resolvers take it: scheme://host:port, the schemes
 * glib-networking and GIO connect through. */
static gboolean
parse_proxy (gpointer field, const char *text, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  g_autoptr(GUri) uri = NULL;

  if (*trimmed != '\0' && !g_str_equal (trimmed, "none"))
    {
      if (!barged_config_proxy_is_valid (trimmed, &uri))
        {
          /* The error is logged: never a password that was in the URL,
           * nor its query or fragment, which carry tokens as often. */
          g_autofree char *shown = uri != NULL
                                     ? g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO | G_URI_HIDE_QUERY |
                                                                       G_URI_HIDE_FRAGMENT)
                                     : strchr (trimmed, '@') != NULL ? g_strdup ("(hidden: it has an @)")
                                                                     : g_strndup (trimmed, strcspn (trimmed, "?#"));

          /* TRANSLATORS: keep SCHEME://HOST:PORT, the scheme names, "none" and SetCredentials */
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       _("[Transfer] Proxy: “%s” is not a proxy: use SCHEME://HOST:PORT with SCHEME http, "
                         "https, socks, socks4, socks4a or socks5 (no user name: proxy credentials go through "
                         "SetCredentials), “none”, or nothing for the system's settings"), shown);
          return FALSE;
        }
    }
  if (strlen (trimmed) >= BARGED_CONFIG_MAX_PROXY)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   _("[Transfer] Proxy takes at most %d bytes"), BARGED_CONFIG_MAX_PROXY - 1);
      return FALSE;
    }
  /* Whole: settings are compared byte for byte (a reload that changes
   * nothing says nothing). */
  memset (field, 0, BARGED_CONFIG_MAX_PROXY);
  g_strlcpy (field, trimmed, BARGED_CONFIG_MAX_PROXY);
  return TRUE;
}

/* Host names, domains (".example.com" or "*.example.com"), IP addresses
 * and CIDR ranges, each optionally with a port, ";"-separated. */
static gboolean
parse_no_proxy (gpointer field, const char *text, GError **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ";", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *part = g_strstrip (parts[i]);

      if (*part == '\0')
        continue;
      if (!barged_config_no_proxy_entry_is_valid (part))
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       _("[Transfer] NoProxy: “%s” is not a host, a domain, an address or a range "
                         "(entries are separated by “;”)"), part);
          return FALSE;
        }
      if (out->len > 0)
        g_string_append_c (out, ';');
      g_string_append (out, part);
    }
  if (out->len >= BARGED_CONFIG_MAX_NO_PROXY)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   _("[Transfer] NoProxy takes at most %d bytes"), BARGED_CONFIG_MAX_NO_PROXY - 1);
      return FALSE;
    }
  memset (field, 0, BARGED_CONFIG_MAX_NO_PROXY);
  g_strlcpy (field, out->str, BARGED_CONFIG_MAX_NO_PROXY);
  return TRUE;
}

/* docs/check-config-keys.py reads this table too: keys whose value is
 * text, each checked by its parser; their default is empty. */
static const BargedSettingsTextKey text_keys[] = {
  { "Transfer", "BackgroundBandwidthSchedule", parse_schedule,
    G_STRUCT_OFFSET (BargedSettings, background_bandwidth_schedule) },
  { "Transfer", "Proxy", parse_proxy, G_STRUCT_OFFSET (BargedSettings, proxy) },
  { "Transfer", "NoProxy", parse_no_proxy, G_STRUCT_OFFSET (BargedSettings, no_proxy) },
};

const BargedSettingsTextKey *
barged_settings_get_text_keys (guint *n_keys)
{
  *n_keys = G_N_ELEMENTS (text_keys);
  return text_keys;
}

const BargedSettingsKey *
barged_settings_get_keys (guint *n_keys)
{
  *n_keys = G_N_ELEMENTS (keys);
  return keys;
}

void
barged_settings_init_defaults (BargedSettings *settings)
{
  /* Padding too, so that two copies compare equal with memcmp. */
  memset (settings, 0, sizeof *settings);
  settings->idle_timeout = BARGED_CONFIG_DEFAULT_IDLE_TIMEOUT;
  settings->max_background_jobs = BARGED_CONFIG_DEFAULT_MAX_BACKGROUND_JOBS;
  settings->time_slice = BARGED_CONFIG_DEFAULT_TIME_SLICE;
  settings->max_running_jobs = BARGED_CONFIG_DEFAULT_MAX_RUNNING_JOBS;
  settings->max_running_jobs_per_user = BARGED_CONFIG_DEFAULT_MAX_RUNNING_JOBS_PER_USER;
  settings->inactivity_timeout = BARGED_CONFIG_DEFAULT_INACTIVITY_TIMEOUT;
  settings->max_jobs = BARGED_CONFIG_DEFAULT_MAX_JOBS;
  settings->max_jobs_per_user = BARGED_CONFIG_DEFAULT_MAX_JOBS_PER_USER;
  settings->max_files_per_job = BARGED_CONFIG_DEFAULT_MAX_FILES_PER_JOB;
  settings->max_ranges_per_file = BARGED_CONFIG_DEFAULT_MAX_RANGES_PER_FILE;
  settings->max_files_per_user = BARGED_CONFIG_DEFAULT_MAX_FILES_PER_USER;
  settings->max_metadata_per_user = BARGED_CONFIG_DEFAULT_MAX_METADATA_PER_USER;
  settings->max_notify_programs_per_user = BARGED_CONFIG_DEFAULT_MAX_NOTIFY_PROGRAMS_PER_USER;
  settings->notify_timeout = BARGED_CONFIG_DEFAULT_NOTIFY_TIMEOUT;
  settings->transfer_timeout = BARGED_CONFIG_DEFAULT_TRANSFER_TIMEOUT;
  settings->checkpoint_interval = BARGED_CONFIG_DEFAULT_CHECKPOINT_INTERVAL;
  settings->max_connections = BARGED_CONFIG_DEFAULT_MAX_CONNECTIONS;
  settings->max_connections_per_host = BARGED_CONFIG_DEFAULT_MAX_CONNECTIONS_PER_HOST;
  settings->background_bandwidth_limit = BARGED_CONFIG_DEFAULT_BACKGROUND_BANDWIDTH_LIMIT;
}

struct _BargedConfig
{
  GObject parent_instance;
  BargedSettings settings;
};

G_DEFINE_TYPE (BargedConfig, barged_config, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

BargedConfig *
barged_config_new (const BargedSettings *settings)
{
  BargedConfig *self = g_object_new (BARGED_TYPE_CONFIG, NULL);

  if (settings != NULL)
    self->settings = *settings;
  return self;
}

const BargedSettings *
barged_config_get_settings (BargedConfig *self)
{
  return &self->settings;
}

void
barged_config_set_settings (BargedConfig *self, const BargedSettings *settings)
{
  if (memcmp (&self->settings, settings, sizeof *settings) == 0)
    return;
  self->settings = *settings;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
barged_config_init (BargedConfig *self)
{
  barged_settings_init_defaults (&self->settings);
}

static void
barged_config_class_init (BargedConfigClass *klass)
{
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static gboolean
read_uint (GKeyFile *file, const char *group, const char *key, guint min, guint max, guint *out,
           GError **error)
{
  g_autoptr(GError) local = NULL;
  guint64 value;

  if (!g_key_file_has_key (file, group, key, NULL))
    return TRUE;
  value = g_key_file_get_uint64 (file, group, key, &local);
  if (local != NULL || value < min || value > max)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   /* TRANSLATORS: a key of barge.conf, as in "[Daemon] IdleTimeout must be …" */
                   _("[%s] %s must be a whole number from %u to %u"), group, key, min, max);
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

gboolean
barged_settings_load (BargedSettings *settings, const char *path, GError **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local = NULL;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", path);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (!read_uint (file, keys[i].group, keys[i].key, keys[i].min, keys[i].max,
                    G_STRUCT_MEMBER_P (settings, keys[i].offset), &local))
      {
        g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", path);
        return FALSE;
      }
  for (guint i = 0; i < G_N_ELEMENTS (text_keys); i++)
    {
      g_autofree char *text = NULL;

      if (!g_key_file_has_key (file, text_keys[i].group, text_keys[i].key, NULL))
        continue;
      /* Not a string list: ";" separates what the parser says it does. */
      /* As written: no text key needs an escape, and GLib 2.74's
       * g_key_file_get_string() sets its error twice (a warning) on a
       * value with two bad escapes, and returns text with the error. */
      text = g_key_file_get_value (file, text_keys[i].group, text_keys[i].key, &local);
      if (text == NULL || !text_keys[i].parse (G_STRUCT_MEMBER_P (settings, text_keys[i].offset), text, &local))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", path);
          return FALSE;
        }
    }
  return TRUE;
}
