/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

#include "barge.h"

G_BEGIN_DECLS

#define BARGED_TYPE_CREDENTIALS (barged_credentials_get_type ())
G_DECLARE_FINAL_TYPE (BargedCredentials, barged_credentials, BARGED, CREDENTIALS, GObject)

/* What a job keeps out of the job database: its HTTP credentials, its
 * custom headers (their values may be tokens) and the umask of its owner.
 * Everything but passwords lives in a private key file in the state
 * folder (mode 0600). Passwords: on the system bus in that same root-only
 * file (there is no Secret Service for root); on a session bus in the
 * user's Secret Service through libsecret. In memory passwords are wiped
 * when dropped, and a system daemon is not dumpable. */

/* @state_dir NULL: keep everything in memory only. */
BargedCredentials *barged_credentials_new (const char *state_dir, gboolean system_bus, GError **error);

/* Both check their arguments and change the credentials in memory at once,
 * or fail with @error and change nothing. @done (nullable) then runs once
 * the Secret Service has the change (at once without one); a Secret Service
 * failure is logged, not reported: the credential still works in memory. */
gboolean barged_credentials_set (BargedCredentials *self,
                                 const char *job_id,
                                 BargeCredentialsTarget target,
                                 BargeAuthScheme scheme,
                                 const char *user_name,
                                 const char *password,
                                 GAsyncReadyCallback done,
                                 gpointer user_data,
                                 GError **error);
gboolean barged_credentials_remove (BargedCredentials *self,
                                    const char *job_id,
                                    BargeCredentialsTarget target,
                                    BargeAuthScheme scheme,
                                    GAsyncReadyCallback done,
                                    gpointer user_data,
                                    GError **error);
/* a(ss): target and scheme of each credential of the job; never a secret. */
GVariant *barged_credentials_list (BargedCredentials *self, const char *job_id);
/* Bytes of what the job keeps here: its credentials' targets, schemes,
 * user names and passwords (those the Secret Service has answered), and
 * its custom headers. What the owner's quota is charged for them. */
guint64 barged_credentials_get_size (BargedCredentials *self, const char *job_id);
/* Drops the job's credentials and custom headers (TakeOwnership) or
 * everything (@all, when the job is gone). */
void barged_credentials_forget (BargedCredentials *self, const char *job_id, gboolean all);
/* Forgets the jobs not in @job_ids (a set of job ids): what a crash left
 * of a job that was being created, or removed, when it struck. */
void barged_credentials_forget_others (BargedCredentials *self, GHashTable *job_ids);

/* A job's custom headers (a(ss), see barged-custom-headers.h): checked,
 * then replacing the job's, or @error and nothing changes; an empty array
 * removes them. Kept in the private file with the values (never in the
 * job database). dup: NULL when the job has none. */
gboolean barged_credentials_set_headers (BargedCredentials *self,
                                         const char *job_id,
                                         GVariant *headers,
                                         GError **error);
GVariant *barged_credentials_dup_headers (BargedCredentials *self, const char *job_id);

/* Returns once every change made so far is in the private file (at once
 * without one), or with the error of the write that should have held
 * them (BARGE_ERROR_DISK_FULL or BARGE_ERROR_FAILED): the changes are in
 * effect in memory, and the next write holds them again. */
void barged_credentials_wait_saved_async (BargedCredentials *self, GAsyncReadyCallback callback, gpointer user_data);
gboolean barged_credentials_wait_saved_finish (BargedCredentials *self, GAsyncResult *res, GError **error);

/* The job's owner and the umask its files are made with (the owner's, at
 * CreateJob or TakeOwnership). */
void barged_credentials_set_owner (BargedCredentials *self, const char *job_id, guint32 owner, guint32 umask);
/* At restore: private data written for another owner than the job's goes
 * (a crash after TakeOwnership's record, before its private file, or a
 * failed write of that file, would hand the old owner's credentials and
 * headers to the new one). Data that names no owner (written before it
 * did) stays. */
void barged_credentials_check_owner (BargedCredentials *self, const char *job_id, guint32 owner);
guint32 barged_credentials_get_umask (BargedCredentials *self, const char *job_id);

/* Whether the job has credentials of any scheme for @target. */
gboolean barged_credentials_has_target (BargedCredentials *self, const char *job_id, BargeCredentialsTarget target);

/* Answers an HTTP challenge for the job; FALSE when it has nothing for it
 * (or the server refused what it had: @retrying). */
gboolean barged_credentials_authenticate (BargedCredentials *self,
                                          const char *job_id,
                                          SoupAuth *auth,
                                          gboolean retrying);

G_END_DECLS
