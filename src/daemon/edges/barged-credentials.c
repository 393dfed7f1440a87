/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedCredentials"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "barge.h"
#include "barged-credentials.h"
#include "barged-custom-headers.h"
#include "barged-stored-text.h"

#define MAX_USER_NAME 300
#define MAX_PASSWORD 1024

struct _BargedCredentials
{
  GObject parent_instance;
  gboolean system_bus;
  GFile *file;                /* the private key file */
  GHashTable *jobs;           /* job id -> JobPrivate */
  gboolean writing;
  gboolean dirty;
  guint64 changes;            /* counted by save() */
  guint64 writing_upto;       /* the changes the write under way holds */
  guint64 saved;              /* the changes on disk */
  GQueue waiters;             /* GTask, each wanting the changes in its task data */
};

G_DEFINE_TYPE (BargedCredentials, barged_credentials, G_TYPE_OBJECT)

typedef struct {
  char *target;
  char *scheme;
  char *user;
  char *password;             /* NULL until the Secret Service answered */
} Credential;

typedef struct {
  gboolean has_owner;         /* files of before 0.2 do not say */
  guint32 owner;              /* whose data it is: see barged_credentials_check_owner() */
  gboolean has_umask;
  guint32 umask;
  GPtrArray *credentials;     /* Credential */
  GVariant *headers;          /* a(ss), NULL: none */
} JobPrivate;

static const SecretSchema job_schema = {
  "org.freedesktop.Barge1.JobCredential", SECRET_SCHEMA_NONE,
  {
    { "job", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "target", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "scheme", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

static void
wipe_string (char *s)
{
  if (s != NULL)
    {
      explicit_bzero (s, strlen (s));
      g_free (s);
    }
}

static void
credential_free (Credential *c)
{
  g_free (c->target);
  g_free (c->scheme);
  g_free (c->user);
  wipe_string (c->password);
  g_free (c);
}

static void
job_private_free (JobPrivate *p)
{
  g_ptr_array_unref (p->credentials);
  g_clear_pointer (&p->headers, g_variant_unref);
  g_free (p);
}

static JobPrivate *
job_private (BargedCredentials *self, const char *job_id, gboolean create)
{
  JobPrivate *p = g_hash_table_lookup (self->jobs, job_id);

  if (p == NULL && create)
    {
      p = g_new0 (JobPrivate, 1);
      p->credentials = g_ptr_array_new_with_free_func ((GDestroyNotify) credential_free);
      g_hash_table_insert (self->jobs, g_strdup (job_id), p);
    }
  return p;
}

static Credential *
find_credential (JobPrivate *p, const char *target, const char *scheme, guint *index)
{
  for (guint i = 0; p != NULL && i < p->credentials->len; i++)
    {
      Credential *c = g_ptr_array_index (p->credentials, i);

      if (g_str_equal (c->target, target) && g_str_equal (c->scheme, scheme))
        {
          if (index != NULL)
            *index = i;
          return c;
        }
    }
  return NULL;
}

/* --- the private key file ----------------------------------------------- */

static void save (BargedCredentials *self);
static void write_out (BargedCredentials *self);

static void
wipe_bytes (gpointer data)
{
  GString *text = data;

  explicit_bzero (text->str, text->len);
  g_string_free (text, TRUE);
}

/* Waiters whose changes the write just ended held go, with its result.
 * A failed write leaves the changes in effect in memory: the error says
 * so, and the next write (any later change, or the next waiter) holds
 * them again, as the file is written whole. */
static void
wake_waiters (BargedCredentials *self, const GError *error)
{
  for (GList *l = self->waiters.head; l != NULL;)
    {
      GList *next = l->next;
      GTask *task = l->data;

      if (GPOINTER_TO_SIZE (g_task_get_task_data (task)) <= self->writing_upto)
        {
          g_queue_delete_link (&self->waiters, l);
          if (error == NULL)
            g_task_return_boolean (task, TRUE);
          else
            g_task_return_new_error (task, BARGE_ERROR,
                                     g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE) ?
                                       BARGE_ERROR_DISK_FULL : BARGE_ERROR_FAILED,
                                     "cannot save the job's private data (umask, custom headers, credentials) "
                                     "in %s: %s; the change is in effect but lost if barged stops before a "
                                     "later change is saved",
                                     g_file_peek_path (self->file), error->message);
          g_object_unref (task);
        }
      l = next;
    }
}

static void
on_saved (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BargedCredentials) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), res, NULL, &error))
    g_warning ("cannot save %s: %s", g_file_peek_path (self->file), error->message);
  else
    self->saved = self->writing_upto;
  self->writing = FALSE;
  wake_waiters (self, error);
  if (self->dirty || (self->waiters.length > 0 && self->saved < self->changes))
    write_out (self);
}

void
barged_credentials_wait_saved_async (BargedCredentials *self, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, barged_credentials_wait_saved_async);
  if (self->file == NULL || self->saved >= self->changes)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  g_task_set_task_data (task, GSIZE_TO_POINTER ((gsize) self->changes), NULL);
  g_queue_push_tail (&self->waiters, task);
  /* Changes whose write failed wait for none: this one holds them. */
  if (!self->writing)
    write_out (self);
}

gboolean
barged_credentials_wait_saved_finish (BargedCredentials *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

static GString *
serialize (BargedCredentials *self)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  GHashTableIter iter;
  gpointer key, value;
  gsize length = 0;
  char *data;
  GString *out;

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      JobPrivate *p = value;

      if (p->has_owner)
        g_key_file_set_uint64 (kf, key, "owner", p->owner);
      if (p->has_umask)
        g_key_file_set_integer (kf, key, "umask", (gint) p->umask);
      /* Values too, on either bus: a job's requests need them from its
       * first one after a start, before any keyring could answer. */
      if (p->headers != NULL)
        {
          g_autofree char *text = g_variant_print (p->headers, FALSE);

          g_key_file_set_string (kf, key, "custom-headers", text);
          explicit_bzero (text, strlen (text));
        }
      for (guint i = 0; i < p->credentials->len; i++)
        {
          Credential *c = g_ptr_array_index (p->credentials, i);
          g_autofree char *user_key = g_strdup_printf ("user.%s.%s", c->target, c->scheme);
          g_autofree char *password_key = g_strdup_printf ("password.%s.%s", c->target, c->scheme);

          g_key_file_set_string (kf, key, user_key, c->user);
          if (self->system_bus && c->password != NULL)
            g_key_file_set_string (kf, key, password_key, c->password);
        }
    }
  data = g_key_file_to_data (kf, &length, NULL);
  out = g_string_new_len (data, length);
  explicit_bzero (data, length);
  g_free (data);
  return out;
}

static void
save (BargedCredentials *self)
{
  if (self->file == NULL)
    return;
  self->changes++;
  if (self->writing)
    {
      self->dirty = TRUE;
      return;
    }
  write_out (self);
}

static void
write_out (BargedCredentials *self)
{
  GString *text;
  GBytes *bytes;

  self->dirty = FALSE;
  self->writing = TRUE;
  self->writing_upto = self->changes;
  text = serialize (self);
  bytes = g_bytes_new_with_free_func (text->str, text->len, wipe_bytes, text);
  /* PRIVATE: a new file is 0600; the state folder is 0700 as well. */
  g_file_replace_contents_bytes_async (self->file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, on_saved, g_object_ref (self));
  g_bytes_unref (bytes);
}

typedef struct {
  BargedCredentials *self;
  char *job_id;
  char *target;
  char *scheme;
} Lookup;

static void
on_password_found (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Lookup *lookup = user_data;
  g_autoptr(GError) error = NULL;
  GList *items = secret_service_search_finish (NULL, res, &error);
  g_autoptr(SecretValue) value = items != NULL ? secret_item_get_secret (items->data) : NULL;
  const char *password = value != NULL ? secret_value_get_text (value) : NULL;
  Credential *c = find_credential (job_private (lookup->self, lookup->job_id, FALSE),
                                   lookup->target, lookup->scheme, NULL);

  if (password == NULL)
    g_message ("no password in the Secret Service for a %s %s credential%s%s", lookup->target,
               lookup->scheme, error != NULL ? ": " : "", error != NULL ? error->message : "");
  else if (c != NULL && c->password == NULL)
    c->password = g_strdup (password);
  g_list_free_full (items, g_object_unref);
  g_object_unref (lookup->self);
  g_free (lookup->job_id);
  g_free (lookup->target);
  g_free (lookup->scheme);
  g_free (lookup);
}

static void
load (BargedCredentials *self)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) groups = NULL;

  if (!g_key_file_load_from_file (kf, g_file_peek_path (self->file), G_KEY_FILE_NONE, &error))
    {
      g_autofree char *aside = NULL;

      if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return;
      /* The next save writes the file whole, from memory: every job's
       * credentials, headers and umask would be gone for good. Kept for
       * whoever can mend it (it is 0600 in a 0700 folder). */
      aside = g_strdup_printf ("%s.damaged-%" G_GINT64_FORMAT, g_file_peek_path (self->file),
                               g_get_real_time () / G_USEC_PER_SEC);
      g_warning ("cannot read %s (%s): set aside as %s; the jobs' private data in it (umask, custom headers, "
                 "credentials) is not loaded", g_file_peek_path (self->file), error->message, aside);
      if (g_rename (g_file_peek_path (self->file), aside) != 0)
        g_warning ("cannot rename %s: %s", g_file_peek_path (self->file), g_strerror (errno));
      return;
    }
  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_auto(GStrv) keys = g_key_file_get_keys (kf, groups[i], NULL, NULL);
      JobPrivate *p = job_private (self, groups[i], TRUE);
      g_autoptr(GError) value_error = NULL;

      if (g_key_file_has_key (kf, groups[i], "owner", NULL))
        {
          guint64 owner = g_key_file_get_uint64 (kf, groups[i], "owner", &value_error);

          /* Damaged: no owner matches, so the data goes at the check. */
          p->has_owner = TRUE;
          p->owner = value_error == NULL && owner <= G_MAXUINT32 ? (guint32) owner : G_MAXUINT32;
          g_clear_error (&value_error);
        }
      if (g_key_file_has_key (kf, groups[i], "umask", NULL))
        {
          gint umask = g_key_file_get_integer (kf, groups[i], "umask", &value_error);

          /* Damaged, the strictest: 0 would make the job's files writable
           * by everyone. */
          p->has_umask = TRUE;
          p->umask = value_error == NULL ? (guint32) umask & 0777 : 077;
          if (value_error != NULL)
            g_warning ("job %s: its umask in %s does not parse; 077 instead", groups[i],
                       g_file_peek_path (self->file));
        }
      if (g_key_file_has_key (kf, groups[i], "custom-headers", NULL))
        {
          g_autofree char *text = g_key_file_get_string (kf, groups[i], "custom-headers", NULL);
          g_autoptr(GVariant) headers = text != NULL ? barged_stored_text_parse (BARGED_CUSTOM_HEADERS_TYPE, text)
                                                     : NULL;

          /* Checked again: the file is ours, but a header that passes
           * nothing else must not reach a request. */
          if (headers != NULL && barged_custom_headers_check (headers, NULL) && g_variant_n_children (headers) > 0)
            p->headers = g_steal_pointer (&headers);
          else
            g_warning ("job %s: its custom headers in %s do not parse; they are dropped", groups[i],
                       g_file_peek_path (self->file));
          if (text != NULL)
            explicit_bzero (text, strlen (text));
        }
      for (guint k = 0; keys != NULL && keys[k] != NULL; k++)
        {
          g_auto(GStrv) parts = g_strsplit (keys[k], ".", 3);
          g_autofree char *password_key = NULL;
          Credential *c;

          if (g_strv_length (parts) != 3 || !g_str_equal (parts[0], "user"))
            continue;
          c = g_new0 (Credential, 1);
          c->target = g_strdup (parts[1]);
          c->scheme = g_strdup (parts[2]);
          c->user = g_key_file_get_string (kf, groups[i], keys[k], NULL);
          password_key = g_strdup_printf ("password.%s.%s", parts[1], parts[2]);
          if (self->system_bus)
            c->password = g_key_file_get_string (kf, groups[i], password_key, NULL);
          else
            {
              Lookup *lookup = g_new0 (Lookup, 1);
              g_autoptr(GHashTable) attributes = secret_attributes_build (&job_schema, "job", groups[i],
                                                                         "target", c->target,
                                                                         "scheme", c->scheme, NULL);

              lookup->self = g_object_ref (self);
              lookup->job_id = g_strdup (groups[i]);
              lookup->target = g_strdup (c->target);
              lookup->scheme = g_strdup (c->scheme);
              /* What secret_password_lookup does, without its leak: in
               * libsecret 0.20.5 (Debian 12) its
               * secret_service_get_secret_for_dbus_path_finish never
               * unrefs the GetSecrets reply it decodes, one D-Bus body per
               * lookup. The search loads the secret through
               * secret_item_load_secrets instead, which frees it. */
              secret_service_search (NULL, &job_schema, attributes,
                                     SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS, NULL,
                                     on_password_found, lookup);
            }
          g_ptr_array_add (p->credentials, c);
        }
    }
}

BargedCredentials *
barged_credentials_new (const char *state_dir, gboolean system_bus, GError **error)
{
  BargedCredentials *self = g_object_new (BARGED_TYPE_CREDENTIALS, NULL);
  g_autofree char *path = NULL;

  self->system_bus = system_bus;
  /* No state folder (unit tests): memory only. */
  if (state_dir == NULL)
    return self;
  path = g_build_filename (state_dir, "private.keyfile", NULL);
  self->file = g_file_new_for_path (path);
  /* Root's memory holds every user's passwords: no core dumps, no ptrace
   * by anything but root. */
  if (system_bus && prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    g_warning ("cannot make the daemon undumpable: %s", g_strerror (errno));
  load (self);
  return self;
}

/* --- API ---------------------------------------------------------------- */

/* libsoup 3.2 hashes an NTLM password as if each of its bytes were a
 * UTF-16 code unit (soup_ntlm_nt_hash), so barged hands it the password
 * in Latin-1: right for every character up to U+00FF, and no other can be
 * sent. */
static gboolean
fits_latin1 (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_utf8_get_char (p) > 0xff)
      return FALSE;
  return TRUE;
}

/* The task of a set or remove: returns when the Secret Service is done
 * and the private file holds the change, with the file's error if it
 * cannot: the user name is there on either bus, the password on the
 * system bus. */
static GTask *
change_task (BargedCredentials *self, GAsyncReadyCallback done, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, done, user_data);

  g_task_set_source_tag (task, change_task);
  return task;
}

static void
on_change_saved (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!barged_credentials_wait_saved_finish (BARGED_CREDENTIALS (source), res, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
finish_change (GTask *task)
{
  barged_credentials_wait_saved_async (g_task_get_source_object (task), on_change_saved, task);
}

static void
on_secret_stored (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (res, &error))
    g_message ("the password is kept in memory only (the Secret Service failed: %s)", error->message);
  finish_change (g_steal_pointer (&task));
}

static void
on_secret_removed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_clear_finish (res, &error) && error != NULL)
    g_message ("cannot clear a password from the Secret Service: %s", error->message);
  finish_change (g_steal_pointer (&task));
}

static void
on_secret_cleared (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!secret_password_clear_finish (res, &error) && error != NULL)
    g_debug ("cannot clear a password from the Secret Service: %s", error->message);
}

gboolean
barged_credentials_set (BargedCredentials *self, const char *job_id, BargeCredentialsTarget target_value,
                        BargeAuthScheme scheme_value, const char *user_name, const char *password,
                        GAsyncReadyCallback done, gpointer user_data, GError **error)
{
  const char *target = barge_credentials_target_to_string (target_value);
  const char *scheme = barge_auth_scheme_to_string (scheme_value);
  g_autoptr(GTask) task = NULL;
  JobPrivate *p;
  Credential *c;

  g_return_val_if_fail (target != NULL && scheme != NULL, FALSE);
  /* libsoup's Negotiate would answer with the Kerberos tickets of the
   * daemon's own user (root on the system bus), never with the job's
   * credentials: accepting them would be a promise barged cannot keep. */
  if (scheme_value == BARGE_AUTH_SCHEME_NEGOTIATE)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_NOT_SUPPORTED,
                   "barged does not support negotiate (Kerberos) credentials; use basic, digest or ntlm");
      return FALSE;
    }
  if (!g_utf8_validate (user_name, -1, NULL) || !g_utf8_validate (password, -1, NULL) ||
      g_utf8_strlen (user_name, -1) > MAX_USER_NAME || g_utf8_strlen (password, -1) > MAX_PASSWORD)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_STRING_TOO_LONG,
                   "the user name takes at most %d characters and the password %d", MAX_USER_NAME,
                   MAX_PASSWORD);
      return FALSE;
    }
  if (scheme_value == BARGE_AUTH_SCHEME_BASIC && strchr (user_name, ':') != NULL)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "a user name for basic authentication cannot contain ':'");
      return FALSE;
    }
  if (scheme_value == BARGE_AUTH_SCHEME_NTLM && !fits_latin1 (password))
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "an NTLM password can only hold characters up to U+00FF (Latin-1)");
      return FALSE;
    }
  if (*user_name == '\0')
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "the user name is empty");
      return FALSE;
    }

  p = job_private (self, job_id, TRUE);
  c = find_credential (p, target, scheme, NULL);
  if (c == NULL)
    {
      c = g_new0 (Credential, 1);
      c->target = g_strdup (target);
      c->scheme = g_strdup (scheme);
      g_ptr_array_add (p->credentials, c);
    }
  g_free (c->user);
  wipe_string (c->password);
  c->user = g_strdup (user_name);
  c->password = g_strdup (password);
  save (self);
  task = change_task (self, done, user_data);
  if (!self->system_bus)
    secret_password_store (&job_schema, SECRET_COLLECTION_DEFAULT, "Barge job credentials", password,
                           NULL, on_secret_stored, g_steal_pointer (&task),
                           "job", job_id, "target", target, "scheme", scheme, NULL);
  else
    finish_change (g_steal_pointer (&task));
  return TRUE;
}

gboolean
barged_credentials_remove (BargedCredentials *self, const char *job_id, BargeCredentialsTarget target_value,
                           BargeAuthScheme scheme_value, GAsyncReadyCallback done, gpointer user_data,
                           GError **error)
{
  /* Every scheme, negotiate too: credentials stored before it was refused. */
  const char *target = barge_credentials_target_to_string (target_value);
  const char *scheme = barge_auth_scheme_to_string (scheme_value);
  g_autoptr(GTask) task = NULL;
  JobPrivate *p;
  guint index;

  g_return_val_if_fail (target != NULL && scheme != NULL, FALSE);
  p = job_private (self, job_id, FALSE);
  if (find_credential (p, target, scheme, &index) == NULL)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_NOT_FOUND, "the job has no %s %s credentials",
                   target, scheme);
      return FALSE;
    }
  g_ptr_array_remove_index (p->credentials, index);
  save (self);
  task = change_task (self, done, user_data);
  if (!self->system_bus)
    secret_password_clear (&job_schema, NULL, on_secret_removed, g_steal_pointer (&task),
                           "job", job_id, "target", target, "scheme", scheme, NULL);
  else
    finish_change (g_steal_pointer (&task));
  return TRUE;
}

GVariant *
barged_credentials_list (BargedCredentials *self, const char *job_id)
{
  JobPrivate *p = job_private (self, job_id, FALSE);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  for (guint i = 0; p != NULL && i < p->credentials->len; i++)
    {
      Credential *c = g_ptr_array_index (p->credentials, i);
      g_variant_builder_add (&builder, "(ss)", c->target, c->scheme);
    }
  return g_variant_builder_end (&builder);
}

static gsize
strlen0 (const char *s)
{
  return s != NULL ? strlen (s) : 0;
}

guint64
barged_credentials_get_size (BargedCredentials *self, const char *job_id)
{
  JobPrivate *p = job_private (self, job_id, FALSE);
  guint64 size = 0;

  for (guint i = 0; p != NULL && i < p->credentials->len; i++)
    {
      Credential *c = g_ptr_array_index (p->credentials, i);

      size += strlen0 (c->target) + strlen0 (c->scheme) + strlen0 (c->user) + strlen0 (c->password);
    }
  if (p != NULL && p->headers != NULL)
    size += g_variant_get_size (p->headers);
  return size;
}

void
barged_credentials_forget_others (BargedCredentials *self, GHashTable *job_ids)
{
  g_autoptr(GPtrArray) orphans = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer id;

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    if (!g_hash_table_contains (job_ids, id))
      g_ptr_array_add (orphans, g_strdup (id));
  for (guint i = 0; i < orphans->len; i++)
    {
      g_message ("job %s: its private data (umask, headers, credentials) has no job: dropped",
                 (const char *) g_ptr_array_index (orphans, i));
      barged_credentials_forget (self, g_ptr_array_index (orphans, i), TRUE);
    }
}

void
barged_credentials_forget (BargedCredentials *self, const char *job_id, gboolean all)
{
  JobPrivate *p = job_private (self, job_id, FALSE);

  if (p == NULL)
    return;
  if (!self->system_bus && p->credentials->len > 0)
    secret_password_clear (&job_schema, NULL, on_secret_cleared, NULL, "job", job_id, NULL);
  if (all)
    g_hash_table_remove (self->jobs, job_id);
  else
    {
      g_ptr_array_set_size (p->credentials, 0);
      g_clear_pointer (&p->headers, g_variant_unref);
    }
  save (self);
}

gboolean
barged_credentials_set_headers (BargedCredentials *self, const char *job_id, GVariant *headers, GError **error)
{
  JobPrivate *p;

  if (!barged_custom_headers_check (headers, error))
    return FALSE;
  p = job_private (self, job_id, g_variant_n_children (headers) > 0);
  if (p == NULL)
    return TRUE;
  g_clear_pointer (&p->headers, g_variant_unref);
  if (g_variant_n_children (headers) > 0)
    p->headers = g_variant_ref_sink (headers);
  save (self);
  return TRUE;
}

GVariant *
barged_credentials_dup_headers (BargedCredentials *self, const char *job_id)
{
  JobPrivate *p = job_private (self, job_id, FALSE);

  return p != NULL && p->headers != NULL ? g_variant_ref (p->headers) : NULL;
}

void
barged_credentials_set_owner (BargedCredentials *self, const char *job_id, guint32 owner, guint32 umask)
{
  JobPrivate *p = job_private (self, job_id, TRUE);

  p->has_owner = TRUE;
  p->owner = owner;
  p->has_umask = TRUE;
  p->umask = umask & 0777;
  save (self);
}

void
barged_credentials_check_owner (BargedCredentials *self, const char *job_id, guint32 owner)
{
  JobPrivate *p = job_private (self, job_id, FALSE);

  if (p == NULL || !p->has_owner || p->owner == owner)
    return;
  g_warning ("job %s: its private data (umask, custom headers, credentials) is of uid %u, not of its owner %u "
             "(a TakeOwnership that reached the job database only): dropped", job_id, p->owner, owner);
  barged_credentials_forget (self, job_id, TRUE);
}

guint32
barged_credentials_get_umask (BargedCredentials *self, const char *job_id)
{
  JobPrivate *p = job_private (self, job_id, FALSE);

  return p != NULL && p->has_umask ? p->umask : 022;
}

gboolean
barged_credentials_has_target (BargedCredentials *self, const char *job_id, BargeCredentialsTarget target)
{
  JobPrivate *p = job_private (self, job_id, FALSE);
  const char *name = barge_credentials_target_to_string (target);

  for (guint i = 0; p != NULL && i < p->credentials->len; i++)
    if (g_str_equal (((Credential *) g_ptr_array_index (p->credentials, i))->target, name))
      return TRUE;
  return FALSE;
}

gboolean
barged_credentials_authenticate (BargedCredentials *self, const char *job_id, SoupAuth *auth,
                                 gboolean retrying)
{
  JobPrivate *p = job_private (self, job_id, FALSE);
  g_autofree char *scheme = g_ascii_strdown (soup_auth_get_scheme_name (auth), -1);
  Credential *c = find_credential (p, soup_auth_is_for_proxy (auth) ? "proxy" : "server", scheme, NULL);

  /* Once refused, the same answer would be refused again. */
  if (c == NULL || c->password == NULL || retrying)
    return FALSE;
  if (G_TYPE_CHECK_INSTANCE_TYPE (auth, SOUP_TYPE_AUTH_NTLM))
    {
      gsize length = 0;
      char *latin1 = g_convert (c->password, -1, "ISO-8859-1", "UTF-8", NULL, &length, NULL);

      if (latin1 == NULL)
        return FALSE;
      soup_auth_authenticate (auth, c->user, latin1);
      explicit_bzero (latin1, length);
      g_free (latin1);
      return TRUE;
    }
  soup_auth_authenticate (auth, c->user, c->password);
  return TRUE;
}

static void
barged_credentials_finalize (GObject *object)
{
  BargedCredentials *self = BARGED_CREDENTIALS (object);

  g_hash_table_unref (self->jobs);
  g_clear_object (&self->file);
  G_OBJECT_CLASS (barged_credentials_parent_class)->finalize (object);
}

static void
barged_credentials_init (BargedCredentials *self)
{
  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) job_private_free);
}

static void
barged_credentials_class_init (BargedCredentialsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = barged_credentials_finalize;
}
