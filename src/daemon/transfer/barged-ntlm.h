/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Adds libsoup's NTLM (SoupAuthNTLM) to @session, fenced for a session
 * that every user's jobs share (docs/security.md, "Credentials"):
 *
 * - NTLM is answered only for a request whose owner has NTLM credentials
 *   for it: libsoup would otherwise send a Type 1 and a Type 3 with the
 *   daemon's user name for any request, and a server offering NTLM beside
 *   Basic would never see the Basic credentials of a job.
 * - Only NTLMv2: a challenge without target information, which makes
 *   libsoup send NTLMv1 (and the LM response), is answered with NTLMv2.
 * - A connection that carried a Type 3 is closed after its response: the
 *   server holds it as authenticated, and the pool would hand it to
 *   another job.
 * - No NTLM over HTTP/2 or through a CONNECT tunnel.
 * - No single sign-on: libsoup's ntlm_auth helper must be off
 *   (SOUP_NTLM_AUTH_DEBUG set and empty, which main() does before any
 *   thread starts); without that, NTLM is not added and a warning says so.
 *
 * The first three hold for every SoupMessage of the process (a signal
 * emission hook), the only way to act before libsoup's SoupAuthManager
 * reads a challenge. */
void barged_ntlm_add_to_session (SoupSession *session);

G_END_DECLS
