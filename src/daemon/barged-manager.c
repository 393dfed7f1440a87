/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedManager"

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "barged-config.h"
#include "barged-errors.h"
#include "barged-catalog.h"
#include "barged-manager.h"
#include "barged-network.h"

struct _BargedManager
{
  BargeDBusManagerSkeleton parent_instance;
  BargedJobContext ctx;
  BargedScheduler *scheduler;
  GHashTable *jobs;           /* id -> BargedJob */
  guint reap_source;
};

static void barged_manager_iface_init (BargeDBusManagerIface *iface);

G_DEFINE_TYPE_WITH_CODE (BargedManager, barged_manager, BARGE_DBUS_TYPE_MANAGER_SKELETON,
                         G_IMPLEMENT_INTERFACE (BARGE_DBUS_TYPE_MANAGER, barged_manager_iface_init))

static void
on_job_removed (BargedJob *job, const char *final_state, BargedManager *self)
{
  g_autoptr(BargedJob) keep = g_object_ref (job);

  barge_dbus_manager_emit_job_removed (BARGE_DBUS_MANAGER (self), barged_job_get_path (job), final_state);
  g_signal_handlers_disconnect_by_data (job, self);
  barged_scheduler_remove (self->scheduler, job);
  g_hash_table_remove (self->jobs, barged_job_get_job_id (job));
}

static void rearm_reaper (BargedManager *self);

static gboolean
reap_cb (gpointer user_data)
{
  BargedManager *self = user_data;

  self->reap_source = 0;
  rearm_reaper (self);
  return G_SOURCE_REMOVE;
}

/* BITS JobInactivityTimeout: a job nobody touched (no progress, no call,
 * no property write) for [Jobs] InactivityTimeout is cancelled. One timer
 * for the earliest expiry, not one per job and not a periodic scan: a job
 * touched meanwhile only makes the timer early, and it then re-arms. */
static void
rearm_reaper (BargedManager *self)
{
  guint timeout = barged_config_get ()->inactivity_timeout;
  gint64 now = g_get_real_time ();
  gint64 earliest = G_MAXINT64;
  g_autoptr(GPtrArray) expired = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer job;

  g_clear_handle_id (&self->reap_source, g_source_remove);
  if (timeout == 0)
    return;
  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &job))
    {
      gint64 expiry;

      if (barged_job_is_running (job))
        continue;
      expiry = barged_job_get_modified (job) + (gint64) timeout * G_USEC_PER_SEC;
      if (expiry <= now)
        g_ptr_array_add (expired, g_object_ref (job));
      else
        earliest = MIN (earliest, expiry);
    }
  for (guint i = 0; i < expired->len; i++)
    {
      BargedJob *j = g_ptr_array_index (expired, i);

      g_info ("job %s: untouched for %u s: cancelling it", barged_job_get_job_id (j), timeout);
      barged_job_cancel (j, NULL);
    }
  if (earliest != G_MAXINT64)
    self->reap_source = g_timeout_add_seconds ((guint) MIN ((earliest - now) / G_USEC_PER_SEC + 1, G_MAXUINT32 / 1000),
                                               reap_cb, self);
}

void
barged_manager_apply_config (BargedManager *self)
{
  rearm_reaper (self);
}

static void
adopt_job (BargedManager *self, BargedJob *job)
{
  g_hash_table_insert (self->jobs, g_strdup (barged_job_get_job_id (job)), g_object_ref (job));
  g_signal_connect (job, "removed", G_CALLBACK (on_job_removed), self);
  barged_job_export (job);
  barged_scheduler_add (self->scheduler, job);
}

static guint
count_jobs_of (BargedManager *self, guint32 uid)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (barged_job_get_owner_uid (value) == uid)
      n++;
  return n;
}

static gboolean
check_text (const char *what, const char *text, glong max, GError **error)
{
  if (!g_utf8_validate (text, -1, NULL) || g_utf8_strlen (text, -1) > max)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_STRING_TOO_LONG,
                   "%s takes at most %ld characters", what, max);
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  GDBusMethodInvocation *invocation;
  BargedManager *self;
  BargedJob *job;
} CreateData;

static void
on_created_job_saved (GObject *source, GAsyncResult *res, gpointer user_data)
{
  CreateData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!barged_job_save_finish (data->job, res, &error))
    g_dbus_method_invocation_return_gerror (data->invocation, error);
  else
    {
      /* Announced and exported only once it would survive a crash. */
      adopt_job (data->self, data->job);
      if (data->self->reap_source == 0)
        rearm_reaper (data->self);
      barge_dbus_manager_emit_job_added (BARGE_DBUS_MANAGER (data->self), barged_job_get_path (data->job));
      barge_dbus_manager_complete_create_job (BARGE_DBUS_MANAGER (data->self), data->invocation,
                                              barged_job_get_path (data->job));
    }
  g_object_unref (data->self);
  g_object_unref (data->job);
  g_free (data);
}

static gboolean
handle_create_job (BargeDBusManager *iface, GDBusMethodInvocation *invocation,
                   const char *display_name, const char *type_str, GVariant *options)
{
  BargedManager *self = BARGED_MANAGER (iface);
  g_autoptr(GError) error = NULL;
  guint32 uid = barged_authority_get_invocation_uid (invocation);
  const char *description = "";
  const char *cost_policy = "any";
  BargeJobPriority priority = BARGE_JOB_PRIORITY_NORMAL;
  BargeJobType type;
  GVariantIter iter;
  const char *key;
  GVariant *value;
  CreateData *data;
  BargedUploadProtocol upload_protocol = BARGED_UPLOAD_PROTOCOL_BITS;
  gboolean have_protocol = FALSE;

  if (!barge_job_type_from_string (type_str, &type))
    {
      g_dbus_method_invocation_return_error (invocation, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                                             "unknown job type \"%s\"", type_str);
      return TRUE;
    }
  if (!check_text ("the display name", display_name, BARGED_MAX_DISPLAY_NAME, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return TRUE;
    }

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      if (g_str_equal (key, "description") && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        {
          description = g_variant_get_string (value, NULL);
          if (!check_text ("the description", description, BARGED_MAX_DESCRIPTION, &error))
            break;
        }
      else if (g_str_equal (key, "cost-policy") && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        {
          cost_policy = g_variant_get_string (value, NULL);
          if (!barged_network_cost_policy_is_valid (cost_policy))
            g_set_error (&error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "unknown cost policy \"%s\"",
                         cost_policy);
        }
      else if (g_str_equal (key, "priority") && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        {
          if (!barge_job_priority_from_string (g_variant_get_string (value, NULL), &priority))
            g_set_error (&error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "unknown priority \"%s\"",
                         g_variant_get_string (value, NULL));
        }
      else if (g_str_equal (key, "upload-protocol") && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        {
          have_protocol = TRUE;
          if (type == BARGE_JOB_TYPE_DOWNLOAD)
            g_set_error (&error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                         "a download job takes no upload-protocol");
          else if (!barged_upload_protocol_from_string (g_variant_get_string (value, NULL), &upload_protocol))
            g_set_error (&error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                         "unknown upload protocol \"%s\" (bits, tus or put)", g_variant_get_string (value, NULL));
        }
      else
        g_set_error (&error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                     "unknown option \"%s\" of type %s", key, g_variant_get_type_string (value));
      if (error != NULL)
        break;
    }
  if (error != NULL)
    {
      g_variant_unref (value);
      g_dbus_method_invocation_return_gerror (invocation, error);
      return TRUE;
    }

  /* Never guessed from the server: an upload names its protocol. */
  if (type != BARGE_JOB_TYPE_DOWNLOAD && !have_protocol)
    {
      g_dbus_method_invocation_return_error (invocation, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                                             "%s jobs need the option upload-protocol (bits, tus or put)",
                                             type_str);
      return TRUE;
    }
  if (g_hash_table_size (self->jobs) >= barged_config_get ()->max_jobs)
    {
      g_dbus_method_invocation_return_error (invocation, BARGE_ERROR, BARGE_ERROR_TOO_MANY_JOBS,
                                             "this machine has the most jobs allowed (%u)",
                                             barged_config_get ()->max_jobs);
      return TRUE;
    }
  if (count_jobs_of (self, uid) >= barged_config_get ()->max_jobs_per_user)
    {
      g_dbus_method_invocation_return_error (invocation, BARGE_ERROR, BARGE_ERROR_TOO_MANY_JOBS,
                                             "this user has the most jobs allowed (%u)",
                                             barged_config_get ()->max_jobs_per_user);
      return TRUE;
    }
  if (!barged_job_check_quota_for_new (self->ctx.quota, uid, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return TRUE;
    }

  data = g_new0 (CreateData, 1);
  data->invocation = invocation;
  data->self = g_object_ref (self);
  data->job = barged_job_new (&self->ctx, uid, type, display_name, description, priority);
  barged_credentials_set_umask (self->ctx.credentials, barged_job_get_job_id (data->job),
                                barged_authority_get_invocation_umask (invocation));
  barge_dbus_job_set_cost_policy (BARGE_DBUS_JOB (data->job), cost_policy);
  if (type != BARGE_JOB_TYPE_DOWNLOAD)
    barged_job_set_upload_protocol (data->job, upload_protocol);
  barged_job_save (data->job, on_created_job_saved, data);
  return TRUE;
}

static BargedJob *
visible_job (BargedManager *self, const char *id, GDBusMethodInvocation *invocation)
{
  g_autofree char *canonical = barged_job_normalize_id (id);
  BargedJob *job = canonical != NULL ? g_hash_table_lookup (self->jobs, canonical) : NULL;

  /* Another user's job does not exist for the caller, unless it may manage all. */
  if (job == NULL || (!barged_authority_get_invocation_admin (invocation) &&
                      barged_job_get_owner_uid (job) != barged_authority_get_invocation_uid (invocation)))
    return NULL;
  return job;
}

static gboolean
handle_get_job (BargeDBusManager *iface, GDBusMethodInvocation *invocation, const char *id)
{
  BargedManager *self = BARGED_MANAGER (iface);
  g_autofree char *canonical = barged_job_normalize_id (id);
  BargedJob *job;

  if (canonical == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                                             "\"%s\" is not a job id", id);
      return TRUE;
    }
  job = visible_job (self, canonical, invocation);
  if (job == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, BARGE_ERROR, BARGE_ERROR_NOT_FOUND,
                                             "no job %s", canonical);
      return TRUE;
    }
  /* Asking for one job is using it: clients' object managers get it too. */
  barged_job_list (job);
  barge_dbus_manager_complete_get_job (iface, invocation, barged_job_get_path (job));
  return TRUE;
}

static gint
compare_created (gconstpointer a, gconstpointer b)
{
  gint64 ca = barged_job_get_created (*(BargedJob **) a);
  gint64 cb = barged_job_get_created (*(BargedJob **) b);

  return ca < cb ? -1 : (ca > cb ? 1 : 0);
}

static gboolean
handle_list_jobs (BargeDBusManager *iface, GDBusMethodInvocation *invocation, GVariant *options)
{
  BargedManager *self = BARGED_MANAGER (iface);
  guint32 uid = barged_authority_get_invocation_uid (invocation);
  g_autoptr(GPtrArray) jobs = g_ptr_array_new ();
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  gboolean all_users = FALSE;
  GVariantIter iter;
  const char *key;
  GVariant *value;
  GHashTableIter hiter;
  gpointer job;

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      if (g_str_equal (key, "all-users") && g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
        all_users = g_variant_get_boolean (value);
      else
        {
          g_dbus_method_invocation_return_error (invocation, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                                                 "unknown option \"%s\" of type %s", key,
                                                 g_variant_get_type_string (value));
          g_variant_unref (value);
          return TRUE;
        }
    }
  /* all-users was authorized (root, session bus or polkit) by the choke
   * point, which refused the call otherwise. */
  all_users = all_users && barged_authority_get_invocation_admin (invocation);

  g_hash_table_iter_init (&hiter, self->jobs);
  while (g_hash_table_iter_next (&hiter, NULL, &job))
    if (all_users || barged_job_get_owner_uid (job) == uid)
      g_ptr_array_add (jobs, job);
  g_ptr_array_sort (jobs, compare_created);
  for (guint i = 0; i < jobs->len; i++)
    g_ptr_array_add (paths, (gpointer) barged_job_get_path (g_ptr_array_index (jobs, i)));
  g_ptr_array_add (paths, NULL);
  barge_dbus_manager_complete_list_jobs (iface, invocation, (const char * const *) paths->pdata);
  return TRUE;
}

/* The caller's language, not the daemon's: gettext would need the locale
 * installed and switched per thread, the catalog reader needs neither. */
static char *
translate (const char *text, const char *locale_name)
{
  if (locale_name == NULL || *locale_name == '\0')
    return g_strdup (_(text));
  return barged_catalog_translate (barged_catalog_get_locale_dir (), GETTEXT_PACKAGE,
                                   locale_name, text);
}

static gboolean
handle_get_error_description (BargeDBusManager *iface, GDBusMethodInvocation *invocation,
                              const char *error_name, const char *locale_name)
{
  const char *text = barged_error_get_description (error_name);
  g_autofree char *translated = NULL;

  if (!barged_catalog_locale_name_is_valid (locale_name))
    {
      g_dbus_method_invocation_return_error (invocation, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                                             "a locale name is empty or up to %u letters, digits and \"_.@-\", "
                                             "such as de_DE.UTF-8", BARGED_CATALOG_MAX_LOCALE);
      return TRUE;
    }
  if (text == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, BARGE_ERROR, BARGE_ERROR_NOT_FOUND,
                                             "\"%s\" is not a Barge error name", error_name);
      return TRUE;
    }
  translated = translate (text, locale_name);
  barge_dbus_manager_complete_get_error_description (iface, invocation, translated);
  return TRUE;
}

static gboolean
on_authorize_method (GDBusInterfaceSkeleton *skeleton, GDBusMethodInvocation *invocation, gpointer user_data)
{
  BargedManager *self = BARGED_MANAGER (skeleton);

  return barged_authority_authorize (self->ctx.authority, invocation, G_MAXUINT32);
}

gboolean
barged_manager_load (BargedManager *self, GError **error)
{
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GHashTable) files_by_job = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                              (GDestroyNotify) g_ptr_array_unref);

  if (!barged_store_load (self->ctx.store, &jobs, &files, error))
    return FALSE;
  for (guint i = 0; i < files->len; i++)
    {
      BargedFileRecord *f = g_ptr_array_index (files, i);
      GPtrArray *list = g_hash_table_lookup (files_by_job, f->job_id);

      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (files_by_job, f->job_id, list);
        }
      g_ptr_array_add (list, f);
    }
  for (guint i = 0; i < jobs->len; i++)
    {
      BargedJobRecord *r = g_ptr_array_index (jobs, i);
      GPtrArray *list = g_hash_table_lookup (files_by_job, r->id);
      g_autoptr(GPtrArray) none = g_ptr_array_new ();
      g_autoptr(BargedJob) job = barged_job_new_from_record (&self->ctx, r, list != NULL ? list : none);

      adopt_job (self, job);
    }
  g_info ("restored %u jobs", jobs->len);
  rearm_reaper (self);
  return TRUE;
}

BargedManager *
barged_manager_new (const BargedJobContext *ctx, BargedScheduler *scheduler)
{
  BargedManager *self = g_object_new (BARGED_TYPE_MANAGER, NULL);

  self->ctx = *ctx;
  g_object_ref (self->ctx.store);
  g_object_ref (self->ctx.session);
  g_object_ref (self->ctx.authority);
  g_object_ref (self->ctx.object_manager);
  self->ctx.credentials = self->ctx.credentials != NULL ? g_object_ref (self->ctx.credentials)
                                                     : barged_credentials_new (NULL, FALSE, NULL);
  self->ctx.quota = self->ctx.quota != NULL ? g_object_ref (self->ctx.quota) : barged_quota_new ();
  self->scheduler = g_object_ref (scheduler);
  barge_dbus_manager_set_version (BARGE_DBUS_MANAGER (self), PACKAGE_VERSION);
  g_signal_connect (self, "g-authorize-method", G_CALLBACK (on_authorize_method), NULL);
  return self;
}

static void
barged_manager_dispose (GObject *object)
{
  BargedManager *self = BARGED_MANAGER (object);
  GHashTableIter iter;
  gpointer job;

  g_clear_handle_id (&self->reap_source, g_source_remove);
  if (self->jobs != NULL)
    {
      g_hash_table_iter_init (&iter, self->jobs);
      while (g_hash_table_iter_next (&iter, NULL, &job))
        {
          g_signal_handlers_disconnect_by_data (job, self);
          barged_job_unexport (job);
        }
      g_clear_pointer (&self->jobs, g_hash_table_unref);
    }
  G_OBJECT_CLASS (barged_manager_parent_class)->dispose (object);
}

static void
barged_manager_finalize (GObject *object)
{
  BargedManager *self = BARGED_MANAGER (object);

  g_clear_object (&self->scheduler);
  g_clear_object (&self->ctx.store);
  g_clear_object (&self->ctx.session);
  g_clear_object (&self->ctx.authority);
  g_clear_object (&self->ctx.object_manager);
  g_clear_object (&self->ctx.credentials);
  g_clear_object (&self->ctx.quota);
  G_OBJECT_CLASS (barged_manager_parent_class)->finalize (object);
}

static void
barged_manager_init (BargedManager *self)
{
  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

static void
barged_manager_iface_init (BargeDBusManagerIface *iface)
{
  iface->handle_create_job = handle_create_job;
  iface->handle_get_job = handle_get_job;
  iface->handle_list_jobs = handle_list_jobs;
  iface->handle_get_error_description = handle_get_error_description;
}

static void
barged_manager_class_init (BargedManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = barged_manager_dispose;
  object_class->finalize = barged_manager_finalize;
}
