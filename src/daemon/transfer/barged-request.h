/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

#include "barged-credentials.h"

G_BEGIN_DECLS

/* What every HTTP request of the daemon needs beside libsoup: a deadline
 * for the response headers, the origin rule for credentials, and URLs
 * that are safe to log. */

/* Requests go over HTTP/1.1 only while the libsoup we run with keeps an
 * HTTP/2 body in a list it appends to at its end (quadratic: 78 % of
 * barged's CPU for 256 MiB, 1 GiB not done in 300 s) and lets the server
 * send faster than we read (the whole body in memory: 850 MB of RSS for
 * 1 GiB): libsoup before 3.6.3 (#369, fixed in 3.4.4; #397 and #406,
 * window management, fixed in 3.6.3). libsoup 3.2 offers no per-message
 * way, only SOUP_FORCE_HTTP1 in the environment, which
 * barged_request_init() sets; call it once, before any thread starts
 * (setenv is not thread-safe). Over HTTP/1.1, TLS takes a connection per
 * file in flight, six per host (MaxConnectionsPerHost). */
void barged_request_init (void);

/* Background traffic is lower-effort traffic (RFC 8622, DSCP LE): every
 * connection @session opens from now on is marked (IP_TOS or IPV6_TCLASS),
 * so that routers that honour it, and queueing disciplines here, put it
 * behind everything else. Best effort: a socket that refuses the option
 * keeps the default. The daemon has a session for background jobs alone,
 * since libsoup hands a kept-alive connection to any request of its
 * session. */
void barged_request_mark_lower_effort (SoupSession *session);
/* Whether the libsoup we run with may negotiate HTTP/2. */
gboolean barged_request_http2_allowed (void);

/* Keeps @msg's connection for the next request when its response has no
 * body by definition (a HEAD's, a 204, a 304: RFC 9112, 6.3) and no
 * Content-Length. libsoup 3.2 (and its later versions) reads such a
 * response right but then judges the connection by the headers alone:
 * no length means "ends at close", and it closes the connection. tus
 * servers answer every PATCH with a bare 204, WebDAV servers a PUT. */
void barged_request_keep_bodyless_alive (SoupMessage *msg);

/* @url as logs may show it: scheme, host, port and path. No user
 * information, query or fragment: they often carry tokens. */
char *barged_request_url_for_log (const char *url);

/* Whether @a and @b have the same origin (RFC 6454: scheme, host, port),
 * the unit credentials belong to. A URL that does not parse has none. */
gboolean barged_request_same_origin (const char *a, GUri *b);

/* @uri's origin as a key: "scheme://host:port", the host in lower case
 * and the scheme's port filled in; NULL when @uri has no host. The
 * scheduler counts connections by it (barged_scheduler_origin()), and
 * BargedAuthAnswers keeps a run's answers to challenges by it. */
char *barged_request_origin (GUri *uri);

/* The HTTP proxy @msg's connection goes through, as a key
 * "http://ADDRESS:PORT" (the address it connected to), or NULL when it
 * goes straight to its server. Known from libsoup's "starting" on, and in
 * "authenticate" (also for a challenge on libsoup's CONNECT). */
char *barged_request_proxy_key (SoupMessage *msg);

/* Answers @msg's "authenticate" with the job's @credentials (NULL: none):
 * a proxy's challenge only when @msg goes through a proxy (a server
 * reached directly that answers 407 gets nothing), a server's only from
 * the origin of @origin_url (the file's URL), so that a redirect to
 * another origin, or from https to http, gets nothing. */
gboolean barged_request_authenticate (SoupMessage *msg, SoupAuth *auth, gboolean retrying,
                                      BargedCredentials *credentials, const char *job_id,
                                      const char *origin_url);

/* Sends a job's custom headers (a(ss), NULL: none) with @msg, each time it
 * goes out, while its URL has the origin of @origin_url (the file's URL;
 * NULL: @msg's URL now): a redirect to another origin (or from https to
 * http) sends none, as for credentials. A header @msg already carries when
 * it goes out (Barge's own) keeps its value. */
void barged_request_add_custom_headers (SoupMessage *msg, GVariant *headers, const char *origin_url);

/* For a response of @msg (call it from "got-headers"): NULL when it is
 * no redirect libsoup would follow, or one @policy and
 * @allow_https_to_http let it follow (then @target, if given, is where it
 * goes). Otherwise sets SOUP_MESSAGE_NO_REDIRECT, so that libsoup hands
 * the 3xx back, and returns the RedirectRefused error to report (also for
 * a Location longer than BARGED_HTTP_MAX_URL, whatever the policy). */
GError *barged_request_check_redirect (SoupMessage *msg,
                                       BargeRedirectPolicy policy,
                                       gboolean allow_https_to_http,
                                       GUri **target);

/* A TLS failure of a request, typed TlsFailure, saying what is wrong with
 * the server's certificate (@flags: expired, for another host, an unknown
 * authority...) when they are known; else as barged_error_new_for_io(). */
GError *barged_request_tls_error (GTlsCertificateFlags flags, const GError *error);

/* @uri for FinalUrl: without user information. */
char *barged_request_final_url (GUri *uri);

/* A cancellable of a request's own that another one (the run's) cancels
 * too: barged_request_follow() makes it (at once cancelled when @parent
 * (nullable) is), barged_request_unfollow() lets go of @parent. */
typedef struct {
  GCancellable *parent;
  gulong handler;
} BargedFollow;

GCancellable *barged_request_follow (BargedFollow *follow, GCancellable *parent);
void barged_request_unfollow (BargedFollow *follow);

/* libsoup's timeout is per read: a server that sends its response headers
 * a byte at a time would keep a request waiting without end. A deadline
 * bounds the time from writing the request (again after a redirect or an
 * authentication restart) to the complete response headers; connecting
 * and the TLS handshake stay bounded by libsoup's timeout. When it passes,
 * its cancellable is cancelled. Use that cancellable for the request. */
typedef struct _BargedHeaderDeadline BargedHeaderDeadline;

/* @parent (nullable) cancels the request too. */
BargedHeaderDeadline *barged_header_deadline_new (SoupMessage *msg, guint seconds, GCancellable *parent);
/* For a request with a body to send (an upload's): the deadline runs from
 * the end of the body, which a bandwidth limit may make long, rather than
 * from the request's headers. */
BargedHeaderDeadline *barged_header_deadline_new_after_body (SoupMessage *msg, guint seconds, GCancellable *parent);
GCancellable *barged_header_deadline_get_cancellable (BargedHeaderDeadline *self);
/* The request's headers are complete: the deadline no longer applies. */
void barged_header_deadline_disarm (BargedHeaderDeadline *self);
/* For a request that failed with @error: a BARGE_ERROR_TIMED_OUT error
 * when the deadline (nullable: none) is what cancelled it, else a copy of
 * @error. */
GError *barged_header_deadline_error (BargedHeaderDeadline *self, const GError *error);
void barged_header_deadline_free (BargedHeaderDeadline *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargedHeaderDeadline, barged_header_deadline_free)

G_END_DECLS
