/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

#include "barge.h"
#include "barged-auth-answers.h"
#include "barged-tls.h"

G_BEGIN_DECLS

/* HEAD: the size of a remote file before its transfer starts, so that a
 * job's total is known early (BITS asks servers the same way), with the
 * job's custom headers and credentials (@answers, nullable: the run's
 * answers to challenges) and under its redirect policy. Returns
 * BARGE_SIZE_UNKNOWN when the server does not say or the request fails. */
void barged_probe_size_async (SoupSession *session,
                              const char *url,
                              GVariant *custom_headers,
                              BargedAuthAnswers *answers,
                              BargeRedirectPolicy redirect_policy,
                              gboolean allow_https_to_http,
                              BargedTls *tls,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
guint64 barged_probe_size_finish (GAsyncResult *res, GError **error);

G_END_DECLS
