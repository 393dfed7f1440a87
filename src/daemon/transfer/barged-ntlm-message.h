/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The NTLM messages (MS-NLMP) that barged-ntlm.c reads in a server's
 * challenge or in a request it lets through, and the one rewrite it makes
 * of a challenge. Pure functions over the header text and the message
 * bytes, apart from the libsoup hooks so that tests/fuzz reaches them. */

#define BARGED_NTLM_NEGOTIATE 1
#define BARGED_NTLM_CHALLENGE 2
#define BARGED_NTLM_AUTHENTICATE 3

/* @value is "NTLM" alone or "NTLM <token>" (a challenge, or an
 * Authorization value); *token is NULL for the former, else the token
 * inside @value. */
gboolean barged_ntlm_parse_auth (const char *value, const char **token);

/* The NTLMSSP message of a base64 @token (free it), its length and its
 * MessageType; NULL if it is none. */
guchar *barged_ntlm_decode_message (const char *token, gsize *length, guint32 *type);

/* The challenge @data, as "NTLM <token>", with NEGOTIATE_TARGET_INFO and
 * an AV pair list of MsvAvEOL alone: libsoup then computes NTLMv2
 * (MS-NLMP 3.3.2 takes the client's blob as it comes, so a server that
 * speaks NTLMv2 verifies it). NULL when it needs no change, or when it is
 * too short for libsoup to take at all. */
char *barged_ntlm_challenge_for_v2 (const guchar *data, gsize length);

G_END_DECLS
