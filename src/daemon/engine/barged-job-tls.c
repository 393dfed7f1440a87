/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A job's TLS options (SetTlsOptions): a CA file for a private PKI, its
 * revocation lists and the faults forgiven in its certificates, and a
 * client certificate. Only the paths are the job's state (stored with its
 * settings); what the files hold is read as the owner when they are set
 * and at the first start after barged restarted, and lives in memory only
 * (BargedTls): a private key is never copied into barged's files. */
#define G_LOG_DOMAIN "BargedJob"

#include "config.h"

#include <string.h>
#include <unistd.h>

#include "barge.h"
#include "barged-file-access.h"
#include "barged-job-private.h"
#include "barged-log.h"
#include "barged-state.h"
#include "barged-tls.h"

/* The reading of the files, one after the other, as the owner. */
typedef struct {
  BargedJob *job;
  char *ca_file;
  char *crl_file;
  GTlsCertificateFlags ignore;
  char *client_certificate;
  gboolean check_revocation;
  GBytes *ca_pem;
  GBytes *crl_pem;
} ReadTls;

static void
read_tls_free (ReadTls *r)
{
  g_clear_object (&r->job);
  g_free (r->ca_file);
  g_free (r->crl_file);
  g_free (r->client_certificate);
  g_clear_pointer (&r->ca_pem, g_bytes_unref);
  g_clear_pointer (&r->crl_pem, g_bytes_unref);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReadTls, read_tls_free)

static gboolean
is_pkcs11 (const char *ref)
{
  return g_str_has_prefix (ref, "pkcs11:");
}

/* Whether @attribute of a pkcs11: URI (RFC 7512) is pin-value, its name
 * percent-decoded as p11-kit decodes it (one that does not decode counts
 * as one). */
static gboolean
is_pin_value (const char *attribute)
{
  const char *eq = strchr (attribute, '=');
  g_autofree char *raw = eq != NULL ? g_strndup (attribute, (gsize) (eq - attribute)) : g_strdup (attribute);
  g_autofree char *name = g_uri_unescape_string (raw, NULL);

  return name == NULL || g_ascii_strcasecmp (name, "pin-value") == 0;
}

/* The path attributes (";"-separated) and the query attributes
 * ("&"-separated) of the pkcs11: URI @ref. p11-kit takes pin-value in
 * either part (RFC 7512 puts it in the query), and GnuTLS uses it. */
static void
split_pkcs11 (const char *ref, GStrv *path, GStrv *query)
{
  const char *mark = strchr (ref, '?');
  const char *body = ref + strlen ("pkcs11:");
  g_autofree char *path_part = mark != NULL ? g_strndup (body, (gsize) (mark - body)) : g_strdup (body);

  *path = g_strsplit (path_part, ";", -1);
  *query = mark != NULL ? g_strsplit (mark + 1, "&", -1) : g_new0 (char *, 1);
}

static gboolean
any_pin_value (GStrv attributes)
{
  for (guint i = 0; attributes[i] != NULL; i++)
    if (is_pin_value (attributes[i]))
      return TRUE;
  return FALSE;
}

/* Whether the pkcs11: URI @ref has a pin-value attribute. */
static gboolean
has_pin_value (const char *ref)
{
  g_auto(GStrv) path = NULL;
  g_auto(GStrv) query = NULL;

  split_pkcs11 (ref, &path, &query);
  return any_pin_value (path) || any_pin_value (query);
}

/* @attributes without the pin-value ones, joined with @sep. */
static char *
join_without_pin_value (GStrv attributes, const char *sep)
{
  g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
  g_auto(GStrv) left = NULL;

  for (guint i = 0; attributes[i] != NULL; i++)
    if (!is_pin_value (attributes[i]))
      g_strv_builder_add (kept, attributes[i]);
  left = g_strv_builder_end (kept);
  return g_strjoinv (sep, left);
}

/* @ref without its pin-value attributes; a query left empty goes with
 * its "?". */
static char *
without_pin_value (const char *ref)
{
  g_auto(GStrv) path = NULL;
  g_auto(GStrv) query = NULL;
  g_autofree char *path_text = NULL;
  g_autofree char *query_text = NULL;

  split_pkcs11 (ref, &path, &query);
  path_text = join_without_pin_value (path, ";");
  query_text = join_without_pin_value (query, "&");
  return *query_text != '\0' ? g_strconcat ("pkcs11:", path_text, "?", query_text, NULL)
                             : g_strconcat ("pkcs11:", path_text, NULL);
}

/* A job stored by a barged that took a pkcs11: URI with its PIN in it
 * (pin-value, refused since): the PIN goes, from the TlsClientCertificate
 * property now and from the store with the job's next record (TRUE: the
 * caller saves it). A token that needs the PIN then fails the job's next
 * start with the error of reading it, and the owner sets the certificate
 * again with pin-source. */
gboolean
_barged_job_tls_drop_stored_pin (BargedJob *self)
{
  char *stripped;

  if (self->tls_client_certificate == NULL || !is_pkcs11 (self->tls_client_certificate) ||
      !has_pin_value (self->tls_client_certificate))
    return FALSE;
  stripped = without_pin_value (self->tls_client_certificate);
  g_free (self->tls_client_certificate);
  self->tls_client_certificate = stripped;
  barged_job_log (self, G_LOG_LEVEL_MESSAGE,
                  "its client certificate's pkcs11: URI carried a PIN (pin-value): removed; "
                  "give the PIN with pin-source if the token needs one");
  return TRUE;
}

static void
read_done (GTask *task, GBytes *client_pem)
{
  ReadTls *r = g_task_get_task_data (task);
  g_autoptr(GPtrArray) cas = NULL;
  g_autoptr(GPtrArray) crls = NULL;
  g_autoptr(GTlsCertificate) client = NULL;
  BargedTls *tls;
  GError *error = NULL;

  if (r->ca_pem != NULL && (cas = barged_tls_parse_ca (r->ca_pem, r->ca_file, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (r->crl_pem != NULL && (crls = barged_tls_parse_crl (r->crl_pem, r->crl_file, cas, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (r->client_certificate != NULL &&
      (client = barged_tls_parse_client (client_pem, r->client_certificate, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  tls = barged_tls_new (cas, crls, r->ignore, client, r->check_revocation ? r->job->ctx.revocation : NULL);
  barged_tls_set_source_sizes (tls, (r->ca_pem != NULL ? g_bytes_get_size (r->ca_pem) : 0) +
                                      (r->crl_pem != NULL ? g_bytes_get_size (r->crl_pem) : 0),
                               client_pem != NULL ? g_bytes_get_size (client_pem) : 0);
  g_task_return_pointer (task, tls, (GDestroyNotify) barged_tls_unref);
}

static void
on_client_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) pem = NULL;
  GError *error = NULL;

  pem = barged_file_access_read_small_finish (res, &error);
  if (pem == NULL)
    g_task_return_error (task, error);
  else
    read_done (task, pem);
}

static void
read_client (GTask *task)
{
  ReadTls *r = g_task_get_task_data (task);
  guint32 owner = barged_job_get_owner_uid (r->job);

  /* p11-kit opens the tokens of the user barged runs as: root's, for the
   * system service. A file is read as the owner; a token cannot be, so
   * only that user's own jobs may name one. */
  if (r->client_certificate != NULL && is_pkcs11 (r->client_certificate) && owner != (guint32) geteuid ())
    {
      g_task_return_new_error (task, BARGE_ERROR, BARGE_ERROR_ACCESS_DENIED,
                               "a pkcs11: URI would open the tokens of the user barged runs as (uid %u), not "
                               "those of the job's owner (uid %u): give the client certificate as a PEM file",
                               (guint) geteuid (), (guint) owner);
      g_object_unref (task);
      return;
    }
  if (r->client_certificate == NULL || is_pkcs11 (r->client_certificate))
    {
      read_done (task, NULL);
      g_object_unref (task);
      return;
    }
  barged_file_access_read_small_async (barged_job_get_owner_uid (r->job), r->client_certificate, BARGED_TLS_MAX_FILE,
                                       g_task_get_cancellable (task), on_client_read, task);
}

static void
on_crl_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  ReadTls *r = g_task_get_task_data (task);
  GError *error = NULL;

  r->crl_pem = barged_file_access_read_small_finish (res, &error);
  if (r->crl_pem == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  read_client (task);
}

static void
read_crl (GTask *task)
{
  ReadTls *r = g_task_get_task_data (task);

  if (r->crl_file == NULL)
    {
      read_client (task);
      return;
    }
  barged_file_access_read_small_async (barged_job_get_owner_uid (r->job), r->crl_file, BARGED_TLS_MAX_FILE,
                                       g_task_get_cancellable (task), on_crl_read, task);
}

static void
on_ca_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  ReadTls *r = g_task_get_task_data (task);
  GError *error = NULL;

  r->ca_pem = barged_file_access_read_small_finish (res, &error);
  if (r->ca_pem == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  read_crl (task);
}

/* A job's TLS options: a CA file, its CRL file, a client certificate (any
 * NULL), the faults forgiven in the CA's certificates, whether the
 * system's chains must pass their revocation lists. */
typedef struct {
  const char *ca_file;
  const char *crl_file;
  GTlsCertificateFlags ignore;
  const char *client_certificate;
  gboolean check_revocation;
} TlsPaths;

/* Reads the files of @paths as the job's owner into a BargedTls. */
static void
read_tls_async (BargedJob *job, const TlsPaths *paths, GCancellable *cancellable, GAsyncReadyCallback callback,
                gpointer user_data)
{
  GTask *task = g_task_new (job, cancellable, callback, user_data);
  ReadTls *r = g_new0 (ReadTls, 1);

  r->job = g_object_ref (job);
  r->ca_file = g_strdup (paths->ca_file);
  r->crl_file = g_strdup (paths->crl_file);
  r->ignore = paths->ignore;
  r->client_certificate = g_strdup (paths->client_certificate);
  r->check_revocation = paths->check_revocation;
  g_task_set_task_data (task, r, (GDestroyNotify) read_tls_free);
  if (paths->ca_file == NULL)
    {
      read_crl (task);
      return;
    }
  barged_file_access_read_small_async (barged_job_get_owner_uid (job), paths->ca_file, BARGED_TLS_MAX_FILE,
                                       cancellable, on_ca_read, task);
}

static BargedTls *
read_tls_finish (GAsyncResult *res, GError **error)
{
  return g_task_propagate_pointer (G_TASK (res), error);
}

/* --- SetTlsOptions ------------------------------------------------------------ */

const char *
barged_job_get_tls_ca_file (BargedJob *self)
{
  return self->tls_ca_file != NULL ? self->tls_ca_file : "";
}

const char *
barged_job_get_tls_client_certificate (BargedJob *self)
{
  return self->tls_client_certificate != NULL ? self->tls_client_certificate : "";
}

const char *
barged_job_get_tls_crl_file (BargedJob *self)
{
  return self->tls_crl_file != NULL ? self->tls_crl_file : "";
}

gboolean
barged_job_get_tls_check_revocation (BargedJob *self)
{
  return self->tls_check_revocation;
}

char **
barged_job_dup_tls_ignore (BargedJob *self)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  if (self->tls_ignore & (G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_NOT_ACTIVATED))
    g_strv_builder_add (b, "expired");
  if (self->tls_ignore & G_TLS_CERTIFICATE_BAD_IDENTITY)
    g_strv_builder_add (b, "wrong-host");
  return g_strv_builder_end (b);
}

/* A value of the options: "" is none (NULL), else an absolute path (or,
 * for the client certificate, a pkcs11: URI). */
static gboolean
option_path (GVariant *options, const char *key, gboolean pkcs11_ok, const char *current, char **out,
             GError **error)
{
  const char *value;

  if (!g_variant_lookup (options, key, "&s", &value))
    {
      *out = g_strdup (current);
      return TRUE;
    }
  if (*value != '\0' && !g_path_is_absolute (value) && !(pkcs11_ok && is_pkcs11 (value)))
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "%s must be an absolute path%s, not \"%s\"",
                   key, pkcs11_ok ? " or a pkcs11: URI" : "", value);
      return FALSE;
    }
  /* The value is stored and shown (TlsClientCertificate): no secret in
   * it. GnuTLS reads a PIN from the file pin-source names, as barged's
   * user (the only one whose jobs may name a token). */
  if (pkcs11_ok && is_pkcs11 (value) && has_pin_value (value))
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "%s: a pkcs11: URI must not carry its PIN (pin-value), which would be stored and shown: name a "
                   "file holding it with pin-source=PATH",
                   key);
      return FALSE;
    }
  if (strlen (value) > 4096)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "%s takes at most 4096 bytes", key);
      return FALSE;
    }
  *out = *value != '\0' ? g_strdup (value) : NULL;
  return TRUE;
}

typedef struct {
  char *ca_file;
  char *crl_file;
  GTlsCertificateFlags ignore;
  char *client_certificate;
  gboolean check_revocation;
  guint32 owner;              /* whom the files were read as */
} SetTls;

static void
set_tls_free (SetTls *s)
{
  g_free (s->ca_file);
  g_free (s->crl_file);
  g_free (s->client_certificate);
  g_free (s);
}

static gboolean
has_tls (BargedJob *self)
{
  return self->tls_ca_file != NULL || self->tls_client_certificate != NULL || self->tls_check_revocation;
}

static TlsPaths
tls_paths_of (BargedJob *self)
{
  TlsPaths paths = { self->tls_ca_file, self->tls_crl_file, self->tls_ignore, self->tls_client_certificate,
                     self->tls_check_revocation };

  return paths;
}

static void
on_set_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  BargedJob *self = g_task_get_source_object (task);
  SetTls *s = g_task_get_task_data (task);
  GError *error = NULL;
  BargedTls *tls = read_tls_finish (res, &error);

  /* The job may have ended, or changed owner, while the files were read. */
  if (tls != NULL && s->owner != self->owner)
    g_set_error (&error, BARGE_ERROR, BARGE_ERROR_INVALID_STATE,
                 "the job changed owner while its TLS files were read: set them again");
  /* What the files were parsed into stays with the job: the owner's
   * quota must take it. */
  if (tls == NULL || error != NULL || !_barged_job_check_call (self, BARGED_CALL_SET_PROPERTY, NULL, &error) ||
      !_barged_job_check_settings_change (
        self, _barged_job_tls_cost (self->tls, self->tls_ca_file, self->tls_crl_file, self->tls_client_certificate),
        _barged_job_tls_cost (tls, s->ca_file, s->crl_file, s->client_certificate), &error))
    {
      g_clear_pointer (&tls, barged_tls_unref);
      g_task_return_error (task, error);
      return;
    }
  g_free (self->tls_ca_file);
  self->tls_ca_file = g_steal_pointer (&s->ca_file);
  g_free (self->tls_client_certificate);
  self->tls_client_certificate = g_steal_pointer (&s->client_certificate);
  g_free (self->tls_crl_file);
  self->tls_crl_file = g_steal_pointer (&s->crl_file);
  self->tls_ignore = s->ignore;
  self->tls_check_revocation = s->check_revocation;
  g_clear_pointer (&self->tls, barged_tls_unref);
  /* The connections the old options accepted close now; requests in
   * flight keep the session they hold. */
  g_clear_object (&self->own_session);
  /* (A start reading the old ones meanwhile takes these: on_start_read.) */
  if (has_tls (self))
    {
      self->tls = tls;
      self->tls_owner = s->owner;
    }
  else
    barged_tls_unref (tls);
  _barged_job_recharge_settings (self);
  _barged_job_notify (self, BARGED_JOB_PROP_TLS);
  _barged_job_touch (self);
  /* The reply promises the paths are kept: once they are stored. */
  _barged_job_save_and_return (self, g_steal_pointer (&task));
}

/* The options of SetTlsOptions over @current (the job's now; none for a
 * new job) into @s, each given or kept: FALSE with InvalidArgument. No
 * file read, nothing of a job touched: CreateJob checks its "tls-options"
 * with this before the job is built. */
static gboolean
parse_tls_options (GVariant *options, const TlsPaths *current, SetTls *s, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;
  g_autofree const char **ignore = NULL;

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr(GVariant) v = value;
      const char *type = g_str_equal (key, "ignore") ? "as" : g_str_equal (key, "check-revocation") ? "b" : "s";

      if (!g_str_equal (key, "ca-file") && !g_str_equal (key, "client-certificate") &&
          !g_str_equal (key, "crl-file") && !g_str_equal (key, "ignore") && !g_str_equal (key, "check-revocation"))
        {
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                       "unknown TLS option \"%s\" (ca-file, crl-file, client-certificate: s; ignore: as; "
                       "check-revocation: b)", key);
          return FALSE;
        }
      if (!g_variant_is_of_type (v, G_VARIANT_TYPE (type)))
        {
          g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "the TLS option %s is of type %s, not %s",
                       key, type, g_variant_get_type_string (v));
          return FALSE;
        }
    }
  if (!option_path (options, "ca-file", FALSE, current->ca_file, &s->ca_file, error) ||
      !option_path (options, "crl-file", FALSE, current->crl_file, &s->crl_file, error) ||
      !option_path (options, "client-certificate", TRUE, current->client_certificate, &s->client_certificate,
                    error))
    return FALSE;
  s->ignore = current->ignore;
  if (!g_variant_lookup (options, "check-revocation", "b", &s->check_revocation))
    s->check_revocation = current->check_revocation;
  if (g_variant_lookup (options, "ignore", "^a&s", &ignore) && !barged_tls_parse_ignore (ignore, &s->ignore, error))
    return FALSE;
  /* Both are about the certificates of the job's own CAs. */
  if (s->ca_file == NULL && (s->crl_file != NULL || s->ignore != 0))
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "crl-file and ignore apply to the certificates of the job's ca-file: give a ca-file too");
      return FALSE;
    }
  return TRUE;
}

gboolean
barged_job_check_tls_options (GVariant *options, GError **error)
{
  const TlsPaths none = { NULL, NULL, 0, NULL, FALSE };
  SetTls *s = g_new0 (SetTls, 1);
  gboolean ok = parse_tls_options (options, &none, s, error);

  set_tls_free (s);
  return ok;
}

void
barged_job_set_tls_options_async (BargedJob *self, GVariant *options, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  SetTls *s = g_new0 (SetTls, 1);
  TlsPaths current = tls_paths_of (self);
  GError *error = NULL;

  g_task_set_source_tag (task, barged_job_set_tls_options_async);
  g_task_set_task_data (task, s, (GDestroyNotify) set_tls_free);
  s->owner = self->owner;
  if (!parse_tls_options (options, &current, s, &error) ||
      !_barged_job_check_call (self, BARGED_CALL_SET_PROPERTY, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  {
    TlsPaths paths = { s->ca_file, s->crl_file, s->ignore, s->client_certificate, s->check_revocation };

    read_tls_async (self, &paths, NULL, on_set_read, g_steal_pointer (&task));
  }
}

gboolean
barged_job_set_tls_options_finish (BargedJob *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

void
_barged_job_tls_forget_owner (BargedJob *self)
{
  BargedTls *rest;

  /* A client certificate is the old owner's credential, as the passwords
   * are: it does not go along (BITS), and its connections close. The CAs
   * and lists stay for the requests of the run in progress (without them
   * they would trust less carefully); tls_owner, still the old owner's,
   * makes the next start read their files again as the new owner. */
  if (self->tls_client_certificate == NULL)
    return;
  g_clear_pointer (&self->tls_client_certificate, g_free);
  rest = self->tls != NULL ? barged_tls_new_without_client (self->tls) : NULL;
  g_clear_pointer (&self->tls, barged_tls_unref);
  self->tls = has_tls (self) ? rest : NULL;
  if (self->tls != rest)
    g_clear_pointer (&rest, barged_tls_unref);
  g_clear_object (&self->own_session);
  _barged_job_notify (self, BARGED_JOB_PROP_TLS);
}

/* --- at a start ------------------------------------------------------------------ */

BargedTls *
_barged_job_tls (BargedJob *self)
{
  return self->tls;
}

gboolean
_barged_job_tls_unread (BargedJob *self)
{
  return has_tls (self) && (self->tls == NULL || self->tls_owner != self->owner);
}

typedef struct {
  void (*begin) (BargedJob *self);
  guint generation;
  guint32 owner;              /* whom the files were read as */
} StartRead;

static void
on_start_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  BargedJob *self = BARGED_JOB (source);
  g_autofree StartRead *start = user_data;
  g_autoptr(GError) error = NULL;
  BargedTls *tls = read_tls_finish (res, &error);

  /* A later read (or a stop) took over meanwhile. */
  if (start->generation != self->tls_generation)
    {
      g_clear_pointer (&tls, barged_tls_unref);
      return;
    }
  g_clear_object (&self->tls_cancellable);
  if (self->state != BARGE_JOB_STATE_CONNECTING)
    {
      g_clear_pointer (&tls, barged_tls_unref);
      return;
    }
  /* TakeOwnership came meanwhile: read them again, as the new owner. */
  if (start->owner != self->owner)
    {
      g_clear_pointer (&tls, barged_tls_unref);
      _barged_job_read_tls (self, start->begin);
      return;
    }
  /* SetTlsOptions came first, as the owner: its files hold. */
  if (self->tls != NULL && self->tls_owner == self->owner)
    g_clear_pointer (&tls, barged_tls_unref);
  else if (tls == NULL ||
           !_barged_job_check_settings_change (
             self,
             _barged_job_tls_cost (self->tls, self->tls_ca_file, self->tls_crl_file, self->tls_client_certificate),
             _barged_job_tls_cost (tls, self->tls_ca_file, self->tls_crl_file, self->tls_client_certificate),
             &error))
    {
      /* The files may have grown since they were set. */
      g_clear_pointer (&tls, barged_tls_unref);
      _barged_job_fail (self, g_steal_pointer (&error), -1, 0, -1);
      return;
    }
  else
    {
      g_clear_pointer (&self->tls, barged_tls_unref);
      self->tls = tls;
      self->tls_owner = start->owner;
      _barged_job_recharge_settings (self);
    }
  start->begin (self);
}

gboolean
_barged_job_tls_reading (BargedJob *self)
{
  return self->tls_cancellable != NULL;
}

void
_barged_job_stop_tls_read (BargedJob *self)
{
  if (self->tls_cancellable == NULL)
    return;
  g_cancellable_cancel (self->tls_cancellable);
  g_clear_object (&self->tls_cancellable);
  /* Its callback, when it comes, finds a newer generation and drops it. */
  self->tls_generation++;
}

void
_barged_job_read_tls (BargedJob *self, void (*begin) (BargedJob *self))
{
  StartRead *start = g_new0 (StartRead, 1);

  start->begin = begin;
  start->generation = ++self->tls_generation;
  start->owner = self->owner;
  if (self->tls_cancellable != NULL)
    g_cancellable_cancel (self->tls_cancellable);
  g_clear_object (&self->tls_cancellable);
  self->tls_cancellable = g_cancellable_new ();
  {
    TlsPaths paths = tls_paths_of (self);

    read_tls_async (self, &paths, self->tls_cancellable, on_start_read, start);
  }
}
