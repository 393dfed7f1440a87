/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include <libsecret/secret.h>

#include "barge-keyring.h"
#include "barge-private.h"
#include "barge-tsan.h"

/* The user's own keyring entries; barged keeps the copies it is given under
 * its own schema (org.freedesktop.Barge1.JobCredential on a session bus, a
 * root-only file on the system bus). */
static const SecretSchema credential_schema = {
  BARGE_KEYRING_SCHEMA_NAME, SECRET_SCHEMA_NONE,
  {
    { "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

/**
 * barge_keyring_store_password_sync:
 * @host: the host name of the server or proxy
 * @user_name: the user name
 * @password: the password
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Stores @password in the user's default keyring (the Secret Service),
 * under the schema [const@Barge.KEYRING_SCHEMA_NAME], so that
 * [method@Barge.Job.set_credentials_from_keyring_sync] can find it later.
 * Blocks until the keyring answered.
 *
 * Returns: %TRUE if the password was stored
 */
gboolean
barge_keyring_store_password_sync (const char *host,
                                   const char *user_name,
                                   const char *password,
                                   GCancellable *cancellable,
                                   GError **error)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (host != NULL && user_name != NULL && password != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  label = g_strdup_printf ("Barge: %s@%s", user_name, host);
  return secret_password_store_sync (&credential_schema, SECRET_COLLECTION_DEFAULT, label, password,
                                     cancellable, error, "host", host, "user", user_name, NULL);
}

/* Finds the password (and, when @user_name is NULL, the user name) stored
 * for @host. Blocking. */
static gboolean
lookup (const char *host, const char *user_name, char **user_out, char **password_out,
        GCancellable *cancellable, GError **error)
{
  g_autoptr(GHashTable) attributes = secret_attributes_build (&credential_schema, "host", host, NULL);
  g_autoptr(GError) local_error = NULL;
  GList *items;
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GHashTable) found = NULL;

  if (user_name != NULL)
    g_hash_table_insert (attributes, g_strdup ("user"), g_strdup (user_name));
  items = secret_password_searchv_sync (&credential_schema, attributes,
                                        SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS,
                                        cancellable, &local_error);
  if (items == NULL)
    {
      if (local_error != NULL)
        g_set_error (error, BARGE_ERROR, BARGE_ERROR_NOT_FOUND, _("The keyring cannot be read: %s"),
                     local_error->message);
      else if (user_name != NULL)
        /* TRANSLATORS: "The keyring has no password for alice on example.org" */
        g_set_error (error, BARGE_ERROR, BARGE_ERROR_NOT_FOUND, _("The keyring has no password for %s on %s"),
                     user_name, host);
      else
        g_set_error (error, BARGE_ERROR, BARGE_ERROR_NOT_FOUND, _("The keyring has no password for %s"),
                     host);
      return FALSE;
    }
  value = secret_retrievable_retrieve_secret_sync (items->data, cancellable, &local_error);
  found = secret_retrievable_get_attributes (items->data);
  g_list_free_full (items, g_object_unref);
  if (value == NULL || secret_value_get_text (value) == NULL)
    {
      if (local_error != NULL)
        g_set_error (error, BARGE_ERROR, BARGE_ERROR_NOT_FOUND, _("The password for %s cannot be read: %s"),
                     host, local_error->message);
      else
        g_set_error (error, BARGE_ERROR, BARGE_ERROR_NOT_FOUND, _("The password for %s cannot be read"), host);
      return FALSE;
    }
  /* An item stored by hand (secret-tool) may name no user: the daemon
   * needs one, and the call would never answer without. */
  if (g_hash_table_lookup (found, "user") == NULL || *(const char *) g_hash_table_lookup (found, "user") == '\0')
    {
      /* TRANSLATORS: %s is a host name; "user" is the keyring attribute's name */
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_NOT_FOUND,
                   _("The keyring's password for %s names no user (its attribute \"user\")"), host);
      return FALSE;
    }
  *user_out = g_strdup (g_hash_table_lookup (found, "user"));
  *password_out = g_strdup (secret_value_get_text (value));
  return TRUE;
}

/**
 * barge_job_set_credentials_from_keyring_sync:
 * @job: a #BargeJob
 * @target: whom the credentials are for: the server or the proxy
 * @scheme: the authentication scheme
 * @host: the host name the password is stored for in the keyring
 * @user_name: (nullable): the user name, or %NULL for the first one stored
 *   for @host
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads a password from the user's keyring (see
 * [const@Barge.KEYRING_SCHEMA_NAME]) and hands it to the daemon as the
 * credentials @job answers @target's authentication challenges with, so that
 * nobody types a password on a command line. The daemon never shows it
 * again: the job's `Credentials` property lists only target and scheme.
 * Blocks until done.
 *
 * Returns: %TRUE if the job has the credentials; %BARGE_ERROR_NOT_FOUND
 *   when the keyring has none for @host
 */
gboolean
barge_job_set_credentials_from_keyring_sync (BargeJob *job,
                                             BargeCredentialsTarget target,
                                             BargeAuthScheme scheme,
                                             const char *host,
                                             const char *user_name,
                                             GCancellable *cancellable,
                                             GError **error)
{
  g_autofree char *user = NULL;
  char *password = NULL;
  gboolean ok;

  g_return_val_if_fail (BARGE_IS_JOB (job), FALSE);
  g_return_val_if_fail (barge_credentials_target_to_string (target) != NULL, FALSE);
  g_return_val_if_fail (barge_auth_scheme_to_string (scheme) != NULL && host != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!lookup (host, user_name, &user, &password, cancellable, error))
    return FALSE;
  ok = barge_job_set_credentials_sync (job, target, scheme, user, password, cancellable, error);
  secret_password_free (password);
  return ok;
}

typedef struct {
  BargeCredentialsTarget target;
  BargeAuthScheme scheme;
  char *host;
  char *user_name;
  char *found_user; /* from the lookup */
  char *password;   /* from the lookup, until the call is made */
} KeyringData;

static void
keyring_data_free (KeyringData *data)
{
  g_free (data->host);
  g_free (data->user_name);
  g_free (data->found_user);
  g_clear_pointer (&data->password, secret_password_free);
  g_free (data);
}

/* Only the keyring is read on the worker thread: the job belongs to its
 * client's thread. */
static void
lookup_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  BARGE_TSAN_TASK_THREAD (task);
  KeyringData *data = task_data;
  GError *error = NULL;

  if (lookup (data->host, data->user_name, &data->found_user, &data->password, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_keyring_credentials_set (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (barge_job_set_credentials_finish (BARGE_JOB (source), res, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_keyring_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  KeyringData *data = g_task_get_task_data (task);
  GError *error = NULL;
  GCancellable *cancellable;

  BARGE_TSAN_ACQUIRE (res); /* released by lookup_thread */
  if (!g_task_propagate_boolean (G_TASK (res), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* Not one expression: the order of argument evaluation is unspecified. */
  cancellable = g_task_get_cancellable (task);
  barge_job_set_credentials_async (BARGE_JOB (source), data->target, data->scheme,
                                   data->found_user, data->password, cancellable,
                                   on_keyring_credentials_set, g_steal_pointer (&task));
  /* The call has its own copy. */
  g_clear_pointer (&data->password, secret_password_free);
}

/**
 * barge_job_set_credentials_from_keyring_async:
 * @job: a #BargeJob
 * @target: whom the credentials are for: the server or the proxy
 * @scheme: the authentication scheme
 * @host: the host name the password is stored for in the keyring
 * @user_name: (nullable): the user name, or %NULL for the first one stored
 *   for @host
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Like [method@Barge.Job.set_credentials_from_keyring_sync], without
 * blocking (the keyring is read on a worker thread).
 */
void
barge_job_set_credentials_from_keyring_async (BargeJob *job,
                                              BargeCredentialsTarget target,
                                              BargeAuthScheme scheme,
                                              const char *host,
                                              const char *user_name,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) lookup_task = NULL;
  KeyringData *data;

  g_return_if_fail (BARGE_IS_JOB (job));
  g_return_if_fail (barge_credentials_target_to_string (target) != NULL);
  g_return_if_fail (barge_auth_scheme_to_string (scheme) != NULL && host != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (KeyringData, 1);
  data->target = target;
  data->scheme = scheme;
  data->host = g_strdup (host);
  data->user_name = g_strdup (user_name);
  task = g_task_new (job, cancellable, callback, user_data);
  g_task_set_source_tag (task, barge_job_set_credentials_from_keyring_async);
  g_task_set_task_data (task, data, (GDestroyNotify) keyring_data_free);
  lookup_task = g_task_new (job, cancellable, on_keyring_read, g_steal_pointer (&task));
  g_task_set_task_data (lookup_task, data, NULL);
  BARGE_TSAN_RELEASE (lookup_task);
  g_task_run_in_thread (lookup_task, lookup_thread);
}

/**
 * barge_job_set_credentials_from_keyring_finish:
 * @job: a #BargeJob
 * @res: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Barge.Job.set_credentials_from_keyring_async].
 *
 * Returns: %TRUE if the job has the credentials
 */
gboolean
barge_job_set_credentials_from_keyring_finish (BargeJob *job, GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, job), FALSE);
  return g_task_propagate_boolean (G_TASK (res), error);
}
