/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A job's proxy (BITS SetProxySettings): the daemon's settings, none, or a
 * list of its own with a bypass list. libsoup keeps the proxy per session,
 * so a job with a proxy of its own makes its requests on a session of its
 * own (BargedSessions makes it like the shared ones: NTLM, timeouts,
 * lower-effort marks and BargedYield's watch for a background job); that
 * also keeps its connections to the proxy from other users' requests. A
 * job with TLS options has a session of its own too, whatever its proxy
 * (_barged_job_session). */
#define G_LOG_DOMAIN "BargedJob"

#include "config.h"

#include <string.h>

#include "barge.h"
#include "barged-config.h"
#include "barged-job-private.h"
#include "barged-proxy-resolver.h"
#include "barged-scheduler-plan.h"
#include "barged-state.h"

static const char * const no_strings[] = { NULL };

BargeProxyUsage
barged_job_get_proxy_usage (BargedJob *self)
{
  return self->proxy_usage;
}

const char * const *
barged_job_get_proxy_list (BargedJob *self)
{
  return self->proxy_list != NULL ? (const char * const *) self->proxy_list : no_strings;
}

const char * const *
barged_job_get_proxy_bypass_list (BargedJob *self)
{
  return self->proxy_bypass != NULL ? (const char * const *) self->proxy_bypass : no_strings;
}

static guint
count (const char * const *strv)
{
  return strv != NULL ? g_strv_length ((char **) strv) : 0;
}

/* What SetProxySettings and the stored settings may hold. */
gboolean
_barged_job_check_proxy_settings (BargeProxyUsage usage, const char * const *proxies, const char * const *bypass,
                                  GError **error)
{
  if (usage != BARGE_PROXY_USAGE_OVERRIDE && (count (proxies) > 0 || count (bypass) > 0))
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "the proxy lists are for \"override\" only: give empty lists with \"%s\"",
                   barge_proxy_usage_to_string (usage));
      return FALSE;
    }
  if (usage != BARGE_PROXY_USAGE_OVERRIDE)
    return TRUE;
  if (count (proxies) == 0 || count (proxies) > BARGED_MAX_PROXIES)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "\"override\" takes 1 to %d proxies, not %u", BARGED_MAX_PROXIES, count (proxies));
      return FALSE;
    }
  for (guint i = 0; proxies[i] != NULL; i++)
    if (!barged_proxy_url_check (proxies[i]))
      {
        /* Never echo what may hold a password. */
        g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT, "proxy %u is not " BARGED_PROXY_URL_FORMS,
                     i + 1);
        return FALSE;
      }
  return barged_proxy_bypass_check (bypass, error);
}

gboolean
barged_proxy_url_check (const char *url)
{
  return strlen (url) <= 255 && barged_config_proxy_is_valid (url, NULL);
}

gboolean
barged_proxy_bypass_check (const char * const *bypass, GError **error)
{
  if (count (bypass) > BARGED_MAX_PROXY_BYPASS)
    {
      g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                   "the bypass list takes at most %d entries, not %u", BARGED_MAX_PROXY_BYPASS, count (bypass));
      return FALSE;
    }
  for (guint i = 0; bypass != NULL && bypass[i] != NULL; i++)
    if (strlen (bypass[i]) > 255 || !barged_config_no_proxy_entry_is_valid (bypass[i]))
      {
        g_set_error (error, BARGE_ERROR, BARGE_ERROR_INVALID_ARGUMENT,
                     "bypass entry %u is not a host, a domain (.example.com or *.example.com), an address or a "
                     "range, with an optional :PORT (at most 255 bytes)", i + 1);
        return FALSE;
      }
  return TRUE;
}

static gboolean
strv_same (const char * const *a, const char * const *b)
{
  return g_strv_equal (a != NULL ? a : no_strings, b != NULL ? b : no_strings);
}

void
_barged_job_apply_proxy_settings (BargedJob *self, BargeProxyUsage usage, const char * const *proxies,
                                  const char * const *bypass)
{
  self->proxy_usage = usage;
  g_strfreev (self->proxy_list);
  g_strfreev (self->proxy_bypass);
  self->proxy_list = count (proxies) > 0 ? g_strdupv ((char **) proxies) : NULL;
  self->proxy_bypass = count (bypass) > 0 ? g_strdupv ((char **) bypass) : NULL;
  /* Requests in flight keep the session they hold; the next ones get a new one. */
  g_clear_object (&self->own_session);
}

gboolean
barged_job_set_proxy_settings (BargedJob *self, BargeProxyUsage usage, const char * const *proxies,
                               const char * const *bypass, GError **error)
{
  if (!_barged_job_check_call (self, BARGED_CALL_SET_PROPERTY, NULL, error) ||
      !_barged_job_check_proxy_settings (usage, proxies, bypass, error))
    return FALSE;
  if (usage == self->proxy_usage && strv_same (proxies, barged_job_get_proxy_list (self)) &&
      strv_same (bypass, barged_job_get_proxy_bypass_list (self)))
    return TRUE;
  if (!_barged_job_check_settings_change (
        self,
        _barged_job_strv_cost ((const char * const *) self->proxy_list) +
          _barged_job_strv_cost ((const char * const *) self->proxy_bypass),
        _barged_job_strv_cost (proxies) + _barged_job_strv_cost (bypass), error))
    return FALSE;
  _barged_job_apply_proxy_settings (self, usage, proxies, bypass);
  _barged_job_recharge_settings (self);
  _barged_job_notify (self, BARGED_JOB_PROP_PROXY);
  _barged_job_touch (self);
  barged_job_save (self, NULL, NULL);
  return TRUE;
}

/* Whether own_session still fits: the same kind, TLS options and, for the
 * daemon's proxy, the resolver the shared session has now (a change of
 * barge.conf or of the owner's desktop proxy replaces that object). */
static gboolean
own_session_fits (BargedJob *self, gboolean background, SoupSession *shared)
{
  return self->own_session != NULL && self->own_session_background == background &&
         self->own_session_tls == self->tls &&
         (shared == NULL ||
          soup_session_get_proxy_resolver (self->own_session) == soup_session_get_proxy_resolver (shared));
}

/* A 503 or 429 that comes through a proxy may be the proxy's, and a job's
 * own proxy list, or its owner's desktop session's proxy, is the owner's
 * to choose: its push-back must not rest the origin for every other
 * user's jobs. Before, a user's proxy answering "503, Retry-After: 3600"
 * stopped every job of every user to that host for an hour. Such a job's
 * files go by a key of their own (their own rest, their own count of
 * connections: the server sees the proxy's anyway). */
char *
_barged_job_connection_key (BargedJob *self, const char *url)
{
  gboolean background = self->priority != BARGE_JOB_PRIORITY_FOREGROUND;
  g_autofree char *origin = barged_scheduler_origin (url);

  if (origin == NULL)
    return NULL;
  if (self->proxy_usage == BARGE_PROXY_USAGE_OVERRIDE ||
      (self->proxy_usage == BARGE_PROXY_USAGE_SYSTEM && self->ctx.sessions != NULL &&
       barged_sessions_lookup_user (self->ctx.sessions, self->owner, background) != NULL))
    return g_strdup_printf ("%s via the proxy of job %s", origin, self->id);
  return g_steal_pointer (&origin);
}

SoupSession *
_barged_job_session (BargedJob *self)
{
  gboolean background = self->priority != BARGE_JOB_PRIORITY_FOREGROUND;
  g_autoptr(GProxyResolver) resolver = NULL;
  SoupSession *shared = NULL;

  /* The owner's desktop session's proxy when it published one, else the
   * daemon's. */
  if (self->proxy_usage == BARGE_PROXY_USAGE_SYSTEM)
    {
      SoupSession *user = self->ctx.sessions != NULL ? barged_sessions_lookup_user (self->ctx.sessions, self->owner,
                                                                                   background)
                                                     : NULL;

      shared = user != NULL ? user : background ? self->ctx.background_session : self->ctx.session;
      /* A job with TLS options keeps its connections to itself: one that
       * its CA accepted, or that shows its client certificate, must never
       * carry another job's request, and libsoup pools connections per
       * session. Its own session lets its requests share them. So does a
       * job with proxy credentials: a tunnel (CONNECT) the proxy let in on
       * them is that job's, and another job's request through it would
       * ride on them (/proxy/credentials-tunnel). */
      if (self->tls == NULL &&
          (self->ctx.credentials == NULL ||
           !barged_credentials_has_target (self->ctx.credentials, self->id, BARGE_CREDENTIALS_TARGET_PROXY)))
        return shared;
    }
  if (own_session_fits (self, background, shared))
    return self->own_session;
  if (self->proxy_usage == BARGE_PROXY_USAGE_OVERRIDE)
    resolver = barged_proxy_resolver_new (barged_job_get_proxy_list (self), barged_job_get_proxy_bypass_list (self));
  else if (shared != NULL && soup_session_get_proxy_resolver (shared) != NULL)
    resolver = g_object_ref (soup_session_get_proxy_resolver (shared));
  g_clear_object (&self->own_session);
  if (self->ctx.sessions == NULL)
    self->ctx.sessions = barged_sessions_new (self->ctx.config, NULL, NULL, 16);
  self->own_session = barged_sessions_new_own (self->ctx.sessions, background, resolver);
  self->own_session_background = background;
  /* Held, not only compared: a new BargedTls at a freed one's address
   * must not find the old trust's session. */
  g_clear_pointer (&self->own_session_tls, barged_tls_unref);
  self->own_session_tls = self->tls != NULL ? barged_tls_ref (self->tls) : NULL;
  return self->own_session;
}
