/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

#include "barged-credentials.h"

G_BEGIN_DECLS

/* How the requests of one run of a job answer authentication challenges,
 * and what they send up front.
 *
 * Every request answers its server's and proxy's challenges with the
 * job's credentials (barged_request_authenticate(): a server's only from
 * the origin of the file's URL). libsoup's own cache of answers is off
 * for every request (SOUP_MESSAGE_DO_NOT_USE_AUTH_CACHE): its session
 * serves every job, and one job's credentials must never go with
 * another's request. So without help each request of a run would meet the
 * challenge again: a download's each file one extra round trip, an
 * upload's each BITS fragment its body twice.
 *
 * Instead the run remembers the Basic and Digest challenges it answered,
 * a server's per origin and a proxy's per proxy, and its next requests to
 * that origin, or through that proxy, carry the answer up front
 * (Authorization, or Proxy-Authorization), asked of the job's credentials
 * each time so that RemoveCredentials stops them. NTLM authenticates
 * connections: it stays challenge and answer. A proxy's answer goes up
 * front only on plain http requests (see barged-auth-answers.c). Used on
 * the thread of the run's session. */
#define BARGED_TYPE_AUTH_ANSWERS (barged_auth_answers_get_type ())
G_DECLARE_FINAL_TYPE (BargedAuthAnswers, barged_auth_answers, BARGED, AUTH_ANSWERS, GObject)

/* @credentials: the job's, or NULL (nothing is answered). @for_proxy:
 * whether a proxy's challenges are answered, only for a run on a session
 * of the job's own: libsoup keeps a proxy's answer to a CONNECT for its
 * whole session, so on a session jobs share the next job's tunnels, any
 * user's, would go through on it. A job with proxy credentials gets a
 * session of its own from its next run on; one whose credentials came
 * while its run was on the shared session meets the proxy's 407. */
BargedAuthAnswers *barged_auth_answers_new (BargedCredentials *credentials, const char *job_id, gboolean for_proxy);

/* Makes @msg answer challenges, and puts on it, each time it goes out,
 * what the run already answered for its origin. @origin_url: the URL of
 * the file it is for (server credentials belong to its origin, so a
 * redirect to another origin, or from https to http, gets none). Call
 * before it is sent. */
void barged_auth_answers_attach (BargedAuthAnswers *self, SoupMessage *msg, const char *origin_url);

/* The run ended: lets go of *@answers (nullable). Requests still attached
 * answer nothing from now on, and nothing is sent up front. */
void barged_auth_answers_drop (BargedAuthAnswers **answers);

G_END_DECLS
