/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedNtlm"

#include "config.h"

#include <string.h>

#include "barged-ntlm-message.h"

/* CHALLENGE_MESSAGE (MS-NLMP 2.2.1.2) */
#define CHALLENGE_TARGET_NAME 12
#define CHALLENGE_FLAGS 20
#define CHALLENGE_SERVER_CHALLENGE 24
#define CHALLENGE_TARGET_INFO 40
#define CHALLENGE_HEADER_LENGTH 48            /* no Version field */
#define NEGOTIATE_TARGET_INFO 0x00800000u
#define NEGOTIATE_VERSION 0x02000000u

static guint32
read_le32 (const guchar *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static void
write_le32 (guchar *p, guint32 v)
{
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
  p[2] = (v >> 16) & 0xff;
  p[3] = (v >> 24) & 0xff;
}

static void
write_security_buffer (guchar *p, guint16 length, guint32 offset)
{
  p[0] = p[2] = length & 0xff;
  p[1] = p[3] = length >> 8;
  write_le32 (p + 4, offset);
}

gboolean
barged_ntlm_parse_auth (const char *value, const char **token)
{
  const char *p;

  if (g_ascii_strncasecmp (value, "NTLM", 4) != 0 || (value[4] != '\0' && !g_ascii_isspace (value[4])))
    return FALSE;
  for (p = value + 4; g_ascii_isspace (*p); p++)
    ;
  *token = *p != '\0' ? p : NULL;
  return TRUE;
}

guchar *
barged_ntlm_decode_message (const char *token, gsize *length, guint32 *type)
{
  guchar *data = g_base64_decode (token, length);

  if (*length < 12 || memcmp (data, "NTLMSSP", 8) != 0)
    {
      g_free (data);
      return NULL;
    }
  *type = read_le32 (data + 8);
  return data;
}

char *
barged_ntlm_challenge_for_v2 (const guchar *data, gsize length)
{
  g_autofree guchar *out = NULL;
  g_autofree char *token = NULL;
  guint32 flags, name_offset;
  guint16 name_length;
  gsize out_length;

  if (length < CHALLENGE_SERVER_CHALLENGE + 8)
    return NULL;                  /* libsoup refuses it */
  flags = read_le32 (data + CHALLENGE_FLAGS);
  if (flags & NEGOTIATE_TARGET_INFO)
    return NULL;
  name_length = (guint16) (data[CHALLENGE_TARGET_NAME] | data[CHALLENGE_TARGET_NAME + 1] << 8);
  name_offset = read_le32 (data + CHALLENGE_TARGET_NAME + 4);
  if ((guint64) name_offset + name_length > length)
    name_length = 0;
  out_length = CHALLENGE_HEADER_LENGTH + name_length + 4;
  out = g_malloc0 (out_length);
  /* Signature, type, flags and server challenge as they were; the target
   * name moved behind the longer header; no Version. */
  memcpy (out, data, CHALLENGE_SERVER_CHALLENGE + 8);
  write_security_buffer (out + CHALLENGE_TARGET_NAME, name_length, CHALLENGE_HEADER_LENGTH);
  write_le32 (out + CHALLENGE_FLAGS, (flags | NEGOTIATE_TARGET_INFO) & ~NEGOTIATE_VERSION);
  write_security_buffer (out + CHALLENGE_TARGET_INFO, 4, CHALLENGE_HEADER_LENGTH + name_length);
  memcpy (out + CHALLENGE_HEADER_LENGTH, data + name_offset, name_length);
  token = g_base64_encode (out, out_length);
  return g_strconcat ("NTLM ", token, NULL);
}
