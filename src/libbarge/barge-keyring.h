/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__BARGE_H_INSIDE__) && !defined(BARGE_COMPILATION)
#error "Only <barge.h> can be included directly."
#endif

#include <gio/gio.h>

#include "barge-job.h"
#include "barge-version.h"

G_BEGIN_DECLS

/**
 * BARGE_KEYRING_SCHEMA_NAME:
 *
 * The libsecret schema of the passwords that
 * [method@Barge.Job.set_credentials_from_keyring_sync] reads from the user's
 * keyring. Its attributes are `host` (the server or proxy host name) and
 * `user` (the user name). Store one with [func@Barge.keyring_store_password_sync]
 * or, for example, `secret-tool store --label=… xdg:schema
 * org.freedesktop.Barge1.Credential host example.com user alice`.
 */
#define BARGE_KEYRING_SCHEMA_NAME "org.freedesktop.Barge1.Credential"

BARGE_AVAILABLE_IN_ALL
gboolean barge_keyring_store_password_sync (const char *host,
                                            const char *user_name,
                                            const char *password,
                                            GCancellable *cancellable,
                                            GError **error);

BARGE_AVAILABLE_IN_ALL
gboolean barge_job_set_credentials_from_keyring_sync (BargeJob *job,
                                                      BargeCredentialsTarget target,
                                                      BargeAuthScheme scheme,
                                                      const char *host,
                                                      const char *user_name,
                                                      GCancellable *cancellable,
                                                      GError **error);

BARGE_AVAILABLE_IN_ALL
void barge_job_set_credentials_from_keyring_async (BargeJob *job,
                                                   BargeCredentialsTarget target,
                                                   BargeAuthScheme scheme,
                                                   const char *host,
                                                   const char *user_name,
                                                   GCancellable *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer user_data);

BARGE_AVAILABLE_IN_ALL
gboolean barge_job_set_credentials_from_keyring_finish (BargeJob *job,
                                                        GAsyncResult *res,
                                                        GError **error);


G_END_DECLS
