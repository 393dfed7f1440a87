/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _UploadPeer UploadPeer;

/* nginx with dav_methods PUT serving a folder below DIR; NULL (and a
 * reason) when nginx is not installed. */
UploadPeer *upload_peer_nginx_dav_new (const char *dir, char **skip_reason);
/* @tus/server with a FileStore below DIR; uploads expire after EXPIRY_MS
 * (0 = never); every PATCH waits PATCH_DELAY_MS first; the
 * DROP_KEPT_PATCH-th PATCH (0: none) that comes on a connection which
 * carried a request before has that connection closed unanswered; with
 * AUTH ("USER:PASSWORD", NULL: none) every request without those Basic
 * credentials gets 401; a PATCH of more than MAX_PATCH_BODY bytes (0: no
 * limit) gets 413 once its body is read, as from nginx's
 * client_max_body_size before the server. NULL (and a reason) only when
 * node is missing; a missing npm package fails the test. */
UploadPeer *upload_peer_tus_new (const char *dir, guint expiry_ms, guint patch_delay_ms, guint drop_kept_patch,
                                 const char *auth, guint max_patch_body, char **skip_reason);
void upload_peer_free (UploadPeer *self);

/* nginx: http://127.0.0.1:PORT (the folder's root); tus: the creation URL. */
const char *upload_peer_get_url (UploadPeer *self);
/* Where the server keeps what it received. */
const char *upload_peer_get_dir (UploadPeer *self);
/* tus: the TCP connections the server accepted so far. */
guint upload_peer_tus_count_connections (UploadPeer *self);
/* tus with AUTH: the requests it answered 401. */
guint upload_peer_tus_count_challenges (UploadPeer *self);
/* tus with MAX_PATCH_BODY: the PATCH requests it answered 413. */
guint upload_peer_tus_count_too_large (UploadPeer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UploadPeer, upload_peer_free)

G_END_DECLS
