/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__BARGE_H_INSIDE__) && !defined(BARGE_COMPILATION)
#error "Only <barge.h> can be included directly."
#endif

#include <gio/gio.h>
#include "barge-version.h"
#include "barge-enums.h"
#include "barge-job.h"

G_BEGIN_DECLS

#define BARGE_TYPE_CLIENT (barge_client_get_type ())
BARGE_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (BargeClient, barge_client, BARGE, CLIENT, GObject)

/* Properties: connection (GDBusConnection, construct-only), version (s),
 * service-available (b), background-bandwidth-limit (guint64 bytes per
 * second, 0 = none).
 * Signals: job-added (BargeJob), job-removed (BargeJob, const char *final_state). */

/* Construction is async-first (GAsyncInitable); _sync wrappers follow. */
BARGE_AVAILABLE_IN_ALL
void barge_client_new (GBusType bus_type, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data);
BARGE_AVAILABLE_IN_ALL
BargeClient *barge_client_new_finish (GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
BargeClient *barge_client_new_sync (GBusType bus_type, GCancellable *cancellable, GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_client_new_for_connection (GDBusConnection *connection, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
BARGE_AVAILABLE_IN_ALL
BargeClient *barge_client_new_for_connection_finish (GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
BargeClient *barge_client_new_for_connection_sync (GDBusConnection *connection,
                                                   GCancellable *cancellable,
                                                   GError **error);

BARGE_AVAILABLE_IN_ALL
GDBusConnection *barge_client_get_connection (BargeClient *client);
BARGE_AVAILABLE_IN_ALL
const char *barge_client_get_version (BargeClient *client);
BARGE_AVAILABLE_IN_ALL
gboolean barge_client_get_service_available (BargeClient *client);
BARGE_AVAILABLE_IN_ALL
guint64 barge_client_get_background_bandwidth_limit (BargeClient *client);
BARGE_AVAILABLE_IN_ALL
const char *barge_client_get_background_bandwidth_source (BargeClient *client);

/* The jobs the client knows: created, looked up, listed or announced (no round trip). */
BARGE_AVAILABLE_IN_ALL
GPtrArray *barge_client_get_jobs (BargeClient *client);
BARGE_AVAILABLE_IN_ALL
BargeJob *barge_client_lookup_job (BargeClient *client, const char *id_or_path);

BARGE_AVAILABLE_IN_ALL
void barge_client_create_job_async (BargeClient *client,
                                    const char *display_name,
                                    BargeJobType job_type,
                                    GVariant *options,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
BARGE_AVAILABLE_IN_ALL
BargeJob *barge_client_create_job_finish (BargeClient *client, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
BargeJob *barge_client_create_job_sync (BargeClient *client,
                                        const char *display_name,
                                        BargeJobType job_type,
                                        GVariant *options,
                                        GCancellable *cancellable,
                                        GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_client_get_job_async (BargeClient *client, const char *id,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
BARGE_AVAILABLE_IN_ALL
BargeJob *barge_client_get_job_finish (BargeClient *client, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
BargeJob *barge_client_get_job_sync (BargeClient *client, const char *id,
                                     GCancellable *cancellable, GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_client_list_jobs_async (BargeClient *client, gboolean all_users,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
BARGE_AVAILABLE_IN_ALL
GPtrArray *barge_client_list_jobs_finish (BargeClient *client, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
GPtrArray *barge_client_list_jobs_sync (BargeClient *client, gboolean all_users,
                                        GCancellable *cancellable, GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_client_get_error_description_async (BargeClient *client,
                                               const char *error_name,
                                               const char *locale,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer user_data);
BARGE_AVAILABLE_IN_ALL
char *barge_client_get_error_description_finish (BargeClient *client, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
char *barge_client_get_error_description_sync (BargeClient *client,
                                               const char *error_name,
                                               const char *locale,
                                               GCancellable *cancellable,
                                               GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_client_set_background_bandwidth_limit_async (BargeClient *client,
                                                        guint64 rate,
                                                        GCancellable *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_client_set_background_bandwidth_limit_finish (BargeClient *client, GAsyncResult *res,
                                                             GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_client_set_background_bandwidth_limit_sync (BargeClient *client,
                                                           guint64 rate,
                                                           GCancellable *cancellable,
                                                           GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_client_set_session_proxy_async (BargeClient *client,
                                           BargeProxyUsage usage,
                                           const char *http_proxy,
                                           const char *https_proxy,
                                           const char *default_proxy,
                                           const char * const *bypass,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_client_set_session_proxy_finish (BargeClient *client, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_client_set_session_proxy_sync (BargeClient *client,
                                              BargeProxyUsage usage,
                                              const char *http_proxy,
                                              const char *https_proxy,
                                              const char *default_proxy,
                                              const char * const *bypass,
                                              GCancellable *cancellable,
                                              GError **error);
BARGE_AVAILABLE_IN_ALL
void barge_client_set_session_proxy_resolver_async (BargeClient *client,
                                                    GProxyResolver *resolver,
                                                    GCancellable *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer user_data);
BARGE_AVAILABLE_IN_ALL
gboolean barge_client_set_session_proxy_resolver_finish (BargeClient *client, GAsyncResult *res, GError **error);
BARGE_AVAILABLE_IN_ALL
gboolean barge_client_set_session_proxy_resolver_sync (BargeClient *client,
                                                       GProxyResolver *resolver,
                                                       GCancellable *cancellable,
                                                       GError **error);

G_END_DECLS
