/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedBus"

#include "config.h"

#include <string.h>

#include "barge-dbus-generated.h"
#include "barged-bus-introspection.h"
#include "barged-bus-private.h"

/* How calls find their way, all on the main thread (GDBus dispatches
 * registered objects and subtrees in the context they were registered in):
 *
 *   GDBus -> method_call() -> BargedBusCall (who calls: BargedAuthority)
 *         -> the Manager (barged-bus-manager.c)
 *         -> a job or file (barged-bus-job.c), once the caller is its
 *            owner, root, or allowed every job by polkit
 *
 * Property Get, GetAll and Set reach method_call() too (the vtables have
 * no get_property or set_property), so they pass the same checks. Nothing
 * runs on GDBus's worker thread but GDBus itself. */

struct _BargedBus
{
  GObject parent_instance;
  GDBusConnection *connection;
  BargedEngine *engine;
  BargedAuthority *authority;
  GHashTable *jobs;           /* canonical id -> BargedBusJob */
  GHashTable *session_proxies; /* uid -> its session proxy's lease (barged-bus-manager.c) */
  guint manager_registration;
  guint jobs_registration;
  BargedBusIntrospection *introspection;
};

G_DEFINE_TYPE (BargedBus, barged_bus, G_TYPE_OBJECT)

enum { SIGNAL_CALL, N_SIGNALS };
static guint signals[N_SIGNALS];

BargedEngine *_barged_bus_get_engine (BargedBus *self) { return self->engine; }
BargedAuthority *_barged_bus_get_authority (BargedBus *self) { return self->authority; }
GDBusConnection *_barged_bus_get_connection (BargedBus *self) { return self->connection; }
GHashTable *_barged_bus_get_session_proxies (BargedBus *self) { return self->session_proxies; }
GHashTable *_barged_bus_get_jobs (BargedBus *self) { return self->jobs; }

BargedBusJob *
_barged_bus_lookup_job (BargedBus *self, const char *id)
{
  return id != NULL ? g_hash_table_lookup (self->jobs, id) : NULL;
}

/* --- calls ------------------------------------------------------------------------ */

void
barged_bus_call_free (BargedBusCall *call)
{
  g_clear_object (&call->bus);
  g_clear_object (&call->invocation);
  g_clear_object (&call->job);
  g_free (call);
}

void
barged_bus_call_return_value (BargedBusCall *call, GVariant *value)
{
  /* The caller's view must show what the call changed when it returns (a
   * read leaves the coalescing alone). */
  if (call->job != NULL && !call->reads)
    barged_bus_job_flush (call->job);
  g_dbus_method_invocation_return_value (g_steal_pointer (&call->invocation), value);
  barged_bus_call_free (call);
}

void
barged_bus_call_return_error (BargedBusCall *call, const GError *error)
{
  if (call->job != NULL && !call->reads)
    barged_bus_job_flush (call->job);
  g_dbus_method_invocation_return_gerror (g_steal_pointer (&call->invocation), error);
  barged_bus_call_free (call);
}

static void
return_new_error (BargedBusCall *call, gint code, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
return_new_error (BargedBusCall *call, gint code, const char *format, ...)
{
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (BARGE_ERROR, code, format, args);
  va_end (args);
  barged_bus_call_return_error (call, error);
}

/* What a call on a job's path names: the job (its canonical id) and,
 * below it, a file (its index, else -1). NULL when the path is not one. */
static char *
parse_job_path (const char *path, gint *file_index)
{
  const char *rest;
  g_autofree char *hex = NULL;
  char *id;

  *file_index = -1;
  if (!g_str_has_prefix (path, BARGED_BUS_JOBS_PATH "/"))
    return NULL;
  rest = path + strlen (BARGED_BUS_JOBS_PATH "/");
  hex = g_strndup (rest, strcspn (rest, "/"));
  rest += strlen (hex);
  id = barged_job_normalize_id (hex);
  if (id == NULL || *rest == '\0')
    return id;
  if (g_str_has_prefix (rest, "/files/"))
    {
      const char *digits = rest + strlen ("/files/");
      guint64 index = 0;

      if (*digits != '\0' && strspn (digits, "0123456789") == strlen (digits) && strlen (digits) < 10 &&
          g_ascii_string_to_unsigned (digits, 10, 0, G_MAXINT, &index, NULL))
        {
          *file_index = (gint) index;
          return id;
        }
    }
  g_free (id);
  return NULL;
}

typedef struct {
  BargedBusCall *call;
  char *iface;
  char *method;
  GVariant *params;
} PendingCall;

static void
pending_call_free (PendingCall *p)
{
  if (p->call != NULL)
    barged_bus_call_free (p->call);
  g_free (p->iface);
  g_free (p->method);
  g_variant_unref (p->params);
  g_free (p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PendingCall, pending_call_free)

static void
dispatch_job_call (PendingCall *p)
{
  BargedBusCall *call = g_steal_pointer (&p->call);
  BargedJob *job = barged_bus_job_get_job (call->job);

  if (call->file_index >= (gint) barged_job_get_n_files (job))
    {
      return_new_error (call, BARGE_ERROR_NOT_FOUND, "job %s has no file %d", barged_job_get_job_id (job),
                        call->file_index);
      return;
    }
  _barged_bus_job_call (call, p->iface, p->method, p->params);
}

static void
on_job_caller_authorized (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(PendingCall) p = user_data;
  g_autoptr(GError) error = NULL;

  if (!barged_authority_check_manage_all_finish (BARGED_AUTHORITY (source), res, &error))
    {
      if (g_error_matches (error, BARGE_ERROR, BARGE_ERROR_ACCESS_DENIED))
        return_new_error (g_steal_pointer (&p->call), BARGE_ERROR_ACCESS_DENIED, "the job belongs to another user");
      else
        barged_bus_call_return_error (g_steal_pointer (&p->call), error);
      return;
    }
  p->call->admin = TRUE;
  /* The job may have left while polkit thought. */
  if (barged_job_is_removed (barged_bus_job_get_job (p->call->job)))
    {
      return_new_error (g_steal_pointer (&p->call), BARGE_ERROR_NOT_FOUND, "the job is gone");
      return;
    }
  dispatch_job_call (p);
}

static void
on_caller_known (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(PendingCall) p = user_data;
  BargedBusCall *call = p->call;
  BargedBus *self = call->bus;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  BargedBusJob *job;

  if (!barged_authority_lookup_uid_finish (self->authority, res, &call->uid, &error))
    {
      return_new_error (g_steal_pointer (&p->call), BARGE_ERROR_ACCESS_DENIED, "cannot identify the caller: %s",
                        error->message);
      return;
    }
  call->admin = barged_authority_peer_is_admin (self->authority, g_dbus_method_invocation_get_sender (call->invocation),
                                                call->uid);
  if (g_str_equal (g_dbus_method_invocation_get_object_path (call->invocation), BARGED_BUS_PATH))
    {
      _barged_bus_manager_call (g_steal_pointer (&p->call), p->method, p->params);
      return;
    }

  id = parse_job_path (g_dbus_method_invocation_get_object_path (call->invocation), &call->file_index);
  job = _barged_bus_lookup_job (self, id);
  if (job == NULL)
    {
      return_new_error (g_steal_pointer (&p->call), BARGE_ERROR_NOT_FOUND,
                        "no job at %s: it ended, or never was",
                        g_dbus_method_invocation_get_object_path (call->invocation));
      return;
    }
  call->job = g_object_ref (job);
  if (barged_job_get_owner_uid (barged_bus_job_get_job (job)) != call->uid && !call->admin)
    {
      barged_authority_check_manage_all_async (self->authority, call->invocation, call->uid,
                                               on_job_caller_authorized, g_steal_pointer (&p));
      return;
    }
  dispatch_job_call (p);
}

static void
method_call (GDBusConnection *connection, const char *sender, const char *object_path,
             const char *interface_name, const char *method_name, GVariant *parameters,
             GDBusMethodInvocation *invocation, gpointer user_data)
{
  BargedBus *self = user_data;
  PendingCall *p = g_new0 (PendingCall, 1);

  g_signal_emit (self, signals[SIGNAL_CALL], 0);
  p->call = g_new0 (BargedBusCall, 1);
  p->call->bus = g_object_ref (self);
  /* Ours until answered: GDBus hands the reference over, and each
   * g_dbus_method_invocation_return_*() takes it back. */
  p->call->invocation = invocation;
  p->call->file_index = -1;
  p->call->reads = g_str_has_prefix (method_name, "Get");
  p->iface = g_strdup (interface_name);
  p->method = g_strdup (method_name);
  p->params = g_variant_ref (parameters);
  barged_authority_lookup_uid_async (self->authority, sender, on_caller_known, p);
}

static const GDBusInterfaceVTable vtable = { method_call, NULL, NULL, { 0 } };

/* --- the jobs subtree ------------------------------------------------------------------ */

/* Never called: Introspect under /jobs is answered by
 * barged-bus-introspection.c, which a GDBus filter hands those calls to
 * (GDBus would also name every path registered below the node, whoever
 * asks), and with DISPATCH_TO_UNENUMERATED_NODES no other call asks. */
static char **
no_nodes (GDBusConnection *connection, const char *sender, const char *object_path, gpointer user_data)
{
  return g_new0 (char *, 1);
}

static GDBusInterfaceInfo **
one_interface (GDBusInterfaceInfo *info)
{
  GDBusInterfaceInfo **infos = g_new0 (GDBusInterfaceInfo *, 2);

  infos[0] = g_dbus_interface_info_ref (info);
  return infos;
}

/* Any well-formed job node has the Job interface, so that a call on a job
 * that ended reaches method_call() and gets NotFound, a Barge error. */
static GDBusInterfaceInfo **
jobs_introspect (GDBusConnection *connection, const char *sender, const char *object_path, const char *node,
                 gpointer user_data)
{
  g_autofree char *id = node != NULL ? barged_job_normalize_id (node) : NULL;

  return id != NULL ? one_interface (barge_dbus_job_interface_info ()) : NULL;
}

static const GDBusInterfaceVTable *
subtree_dispatch (GDBusConnection *connection, const char *sender, const char *object_path,
                  const char *interface_name, const char *node, gpointer *out_user_data, gpointer user_data)
{
  *out_user_data = user_data;
  return &vtable;
}

static const GDBusSubtreeVTable jobs_vtable = { no_nodes, jobs_introspect, subtree_dispatch, { 0 } };

/* --- a job's files ------------------------------------------------------------------ */

static GDBusInterfaceInfo **
files_introspect (GDBusConnection *connection, const char *sender, const char *object_path, const char *node,
                  gpointer user_data)
{
  if (node == NULL || *node == '\0' || strspn (node, "0123456789") != strlen (node))
    return NULL;
  return one_interface (barge_dbus_file_interface_info ());
}

static const GDBusSubtreeVTable files_vtable = { no_nodes, files_introspect, subtree_dispatch, { 0 } };

guint
_barged_bus_register_files (BargedBus *self, BargedBusJob *job, GError **error)
{
  g_autofree char *path = g_strconcat (barged_bus_job_get_path (job), "/files", NULL);

  return g_dbus_connection_register_subtree (self->connection, path, &files_vtable,
                                             G_DBUS_SUBTREE_FLAGS_DISPATCH_TO_UNENUMERATED_NODES,
                                             self, NULL, error);
}

/* --- signals ------------------------------------------------------------------------- */

void
_barged_bus_emit (BargedBus *self, guint32 owner, const char *path, const char *iface, const char *name,
                  GVariant *params)
{
  g_autoptr(GVariant) sunk = params != NULL ? g_variant_ref_sink (params) : NULL;
  g_autoptr(GPtrArray) watchers = NULL;

  /* A session bus admits only the daemon's own user. */
  if (!barged_authority_is_system (self->authority))
    {
      g_dbus_connection_emit_signal (self->connection, NULL, path, iface, name, sunk, NULL);
      return;
    }
  /* On the system bus a broadcast would reach every user's match rules:
   * each peer that may see the job gets its own copy instead. */
  watchers = barged_authority_list_watchers (self->authority, owner);
  for (guint i = 0; i < watchers->len; i++)
    g_dbus_connection_emit_signal (self->connection, g_ptr_array_index (watchers, i), path, iface, name, sunk,
                                   NULL);
}

/* --- the engine's jobs come and go -------------------------------------------------------- */

static void
export_job (BargedBus *self, BargedJob *job)
{
  g_autoptr(BargedBusJob) bus_job = barged_bus_job_new (self, job);

  g_hash_table_insert (self->jobs, g_strdup (barged_job_get_job_id (job)), g_steal_pointer (&bus_job));
}

static void
on_job_added (BargedEngine *engine, BargedJob *job, BargedBus *self)
{
  BargedBusJob *bus_job;

  export_job (self, job);
  bus_job = _barged_bus_lookup_job (self, barged_job_get_job_id (job));
  _barged_bus_emit (self, barged_job_get_owner_uid (job), BARGED_BUS_PATH, BARGED_BUS_MANAGER_IFACE, "JobAdded",
                    g_variant_new ("(o)", barged_bus_job_get_path (bus_job)));
}

/* Not about anyone's jobs: every peer may know it. */
static void
on_background_limit_changed (BargedEngine *engine, BargedBus *self)
{
  const char *none[] = { NULL };
  GVariantBuilder changed;

  g_variant_builder_init (&changed, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&changed, "{sv}", "BackgroundBandwidthLimit",
                         g_variant_new_uint64 (barged_engine_get_background_bandwidth_limit (engine)));
  g_variant_builder_add (&changed, "{sv}", "BackgroundBandwidthSource",
                         g_variant_new_string (barged_engine_get_background_bandwidth_source (engine)));
  g_dbus_connection_emit_signal (self->connection, NULL, BARGED_BUS_PATH, BARGED_BUS_PROPERTIES_IFACE,
                                 "PropertiesChanged",
                                 g_variant_new ("(sa{sv}^as)", BARGED_BUS_MANAGER_IFACE, &changed, none), NULL);
}

static void
on_job_removed (BargedEngine *engine, BargedJob *job, const char *final_state, BargedBus *self)
{
  g_autoptr(BargedBusJob) bus_job = NULL;
  g_autofree char *id = NULL;

  if (!g_hash_table_steal_extended (self->jobs, barged_job_get_job_id (job), (gpointer *) &id, (gpointer *) &bus_job))
    return;
  barged_bus_job_unexport (bus_job);
  _barged_bus_emit (self, barged_job_get_owner_uid (job), BARGED_BUS_PATH, BARGED_BUS_MANAGER_IFACE, "JobRemoved",
                    g_variant_new ("(os)", barged_bus_job_get_path (bus_job), final_state));
}

void
barged_bus_flush (BargedBus *self)
{
  GHashTableIter iter;
  gpointer job;

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &job))
    barged_bus_job_flush (job);
}

BargedBus *
barged_bus_new (GDBusConnection *connection, BargedEngine *engine, BargedAuthority *authority, GError **error)
{
  g_autoptr(BargedBus) self = g_object_new (BARGED_TYPE_BUS, NULL);
  g_autoptr(GPtrArray) jobs = barged_engine_list (engine, TRUE, 0);

  self->connection = g_object_ref (connection);
  self->engine = g_object_ref (engine);
  self->authority = g_object_ref (authority);
  for (guint i = 0; i < jobs->len; i++)
    export_job (self, g_ptr_array_index (jobs, i));
  g_signal_connect_object (engine, "job-added", G_CALLBACK (on_job_added), self, 0);
  g_signal_connect_object (engine, "job-removed", G_CALLBACK (on_job_removed), self, 0);
  g_signal_connect_object (engine, "background-limit-changed", G_CALLBACK (on_background_limit_changed), self, 0);

  self->manager_registration = g_dbus_connection_register_object (connection, BARGED_BUS_PATH,
                                                                  barge_dbus_manager_interface_info (),
                                                                  &vtable, self, NULL, error);
  if (self->manager_registration == 0)
    return NULL;
  self->jobs_registration = g_dbus_connection_register_subtree (connection, BARGED_BUS_JOBS_PATH, &jobs_vtable,
                                                                G_DBUS_SUBTREE_FLAGS_DISPATCH_TO_UNENUMERATED_NODES,
                                                                self, NULL, error);
  if (self->jobs_registration == 0)
    return NULL;
  self->introspection = barged_bus_introspection_new (self, connection);
  return g_steal_pointer (&self);
}

static void
barged_bus_dispose (GObject *object)
{
  BargedBus *self = BARGED_BUS (object);

  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_pointer (&self->introspection, barged_bus_introspection_free);
  if (self->jobs != NULL)
    {
      GHashTableIter iter;
      gpointer job;

      g_hash_table_iter_init (&iter, self->jobs);
      while (g_hash_table_iter_next (&iter, NULL, &job))
        barged_bus_job_unexport (job);
      g_clear_pointer (&self->jobs, g_hash_table_unref);
    }
  /* Their name watches point at this object. */
  if (self->session_proxies != NULL)
    g_hash_table_remove_all (self->session_proxies);
  if (self->manager_registration != 0)
    g_dbus_connection_unregister_object (self->connection, self->manager_registration);
  if (self->jobs_registration != 0)
    g_dbus_connection_unregister_subtree (self->connection, self->jobs_registration);
  self->manager_registration = self->jobs_registration = 0;
  g_clear_object (&self->engine);
  g_clear_pointer (&self->session_proxies, g_hash_table_unref);
  g_clear_object (&self->authority);
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (barged_bus_parent_class)->dispose (object);
}

static void
barged_bus_init (BargedBus *self)
{
  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->session_proxies = g_hash_table_new_full (NULL, NULL, NULL, _barged_bus_session_proxy_free);
}

static void
barged_bus_class_init (BargedBusClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = barged_bus_dispose;
  signals[SIGNAL_CALL] = g_signal_new ("call", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                       NULL, G_TYPE_NONE, 0);
}
