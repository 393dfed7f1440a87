/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NTLM as barged-ntlm.c reads it (barged-ntlm-message.c): the scheme of a
 * challenge or Authorization value, the NTLMSSP message in its token, and
 * the NTLMv2 rewrite of a server's CHALLENGE_MESSAGE. Input: the message
 * bytes (sent base64 in "NTLM <token>"); also, as text, a header item. */
#include "config.h"

#include "barged-ntlm-message.h"
#include "fuzz-common.h"

/* MS-NLMP 2.2.1.2, written out again for the checks */
#define SIGNATURE_LENGTH 8
#define TYPE_AT 8
#define TARGET_NAME_AT 12
#define FLAGS_AT 20
#define CHALLENGE_AT 24
#define TARGET_INFO_AT 40
#define V2_HEADER 48
#define TARGET_INFO_FLAG 0x00800000u
#define VERSION_FLAG 0x02000000u

FUZZ_DEFINE_INITIALIZE ()

static guint32
le32 (const guchar *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static guint16
le16 (const guchar *p)
{
  return (guint16) (p[0] | p[1] << 8);
}

/* A header item: "NTLM" alone or "NTLM <token>", any case, and nothing
 * else taken for NTLM. */
static void
check_item (const char *item)
{
  const char *token = (const char *) 1;

  if (!barged_ntlm_parse_auth (item, &token))
    {
      FUZZ_CHECK (g_ascii_strncasecmp (item, "NTLM", 4) != 0 || (item[4] != '\0' && !g_ascii_isspace (item[4])),
                  "\"%s\" refused", item);
      return;
    }
  FUZZ_CHECK (g_ascii_strncasecmp (item, "NTLM", 4) == 0, "\"%s\" taken for NTLM", item);
  if (token == NULL)
    {
      for (const char *p = item + 4; *p != '\0'; p++)
        FUZZ_CHECK (g_ascii_isspace (*p), "\"%s\": its token is lost", item);
      return;
    }
  FUZZ_CHECK (token > item + 4 && token < item + strlen (item) && !g_ascii_isspace (*token) &&
              g_ascii_isspace (token[-1]), "\"%s\": token at %d", item, (int) (token - item));
}

/* The rewrite keeps what the server said and makes a message libsoup
 * reads as asking for NTLMv2. */
static void
check_v2 (const guchar *in, gsize in_length)
{
  g_autofree char *value = barged_ntlm_challenge_for_v2 (in, in_length);
  guint32 flags;
  g_autofree guchar *out = NULL;
  const char *token = NULL;
  gsize out_length = 0;
  guint32 type = 0;
  guint16 name_length, name_max, info_length, info_max;
  guint32 name_offset, info_offset, in_name_offset;
  guint16 in_name_length;

  if (in_length < CHALLENGE_AT + 8)
    {
      FUZZ_CHECK (value == NULL, "a challenge of %zu bytes rewritten", in_length);
      return;
    }
  flags = le32 (in + FLAGS_AT);
  if ((flags & TARGET_INFO_FLAG) != 0)
    {
      FUZZ_CHECK (value == NULL, "a challenge of %zu bytes, flags 0x%08x, rewritten", in_length, flags);
      return;
    }
  FUZZ_CHECK (value != NULL, "a v1 challenge of %zu bytes left as it is", in_length);
  FUZZ_CHECK (barged_ntlm_parse_auth (value, &token) && token != NULL, "rewrite \"%s\"", value);
  out = barged_ntlm_decode_message (token, &out_length, &type);
  FUZZ_CHECK (out != NULL && type == BARGED_NTLM_CHALLENGE, "rewrite \"%s\" is no challenge", value);
  FUZZ_CHECK (out_length >= V2_HEADER + 4, "rewrite of %zu bytes", out_length);
  FUZZ_CHECK (memcmp (out, in, TARGET_NAME_AT) == 0 && memcmp (out + CHALLENGE_AT, in + CHALLENGE_AT, 8) == 0,
              "signature, type or server challenge changed");
  FUZZ_CHECK (le32 (out + FLAGS_AT) == ((flags | TARGET_INFO_FLAG) & ~VERSION_FLAG), "flags 0x%08x from 0x%08x",
              le32 (out + FLAGS_AT), flags);

  name_length = le16 (out + TARGET_NAME_AT);
  name_max = le16 (out + TARGET_NAME_AT + 2);
  name_offset = le32 (out + TARGET_NAME_AT + 4);
  info_length = le16 (out + TARGET_INFO_AT);
  info_max = le16 (out + TARGET_INFO_AT + 2);
  info_offset = le32 (out + TARGET_INFO_AT + 4);
  FUZZ_CHECK (name_length == name_max && info_length == info_max, "security buffer lengths differ");
  FUZZ_CHECK (name_offset == V2_HEADER && (guint64) name_offset + name_length <= out_length,
              "target name at %u, %u bytes, in %zu", name_offset, name_length, out_length);
  FUZZ_CHECK (info_length == 4 && info_offset == V2_HEADER + name_length && info_offset + 4u == out_length &&
              le32 (out + info_offset) == 0, "target info is not MsvAvEOL alone");

  /* The target name is the server's, when it lay inside the message. */
  in_name_length = le16 (in + TARGET_NAME_AT);
  in_name_offset = le32 (in + TARGET_NAME_AT + 4);
  if ((guint64) in_name_offset + in_name_length <= in_length)
    FUZZ_CHECK (name_length == in_name_length && memcmp (out + V2_HEADER, in + in_name_offset, name_length) == 0,
                "target name changed");
  else
    FUZZ_CHECK (name_length == 0, "a target name outside the message kept");
  /* And the rewrite needs no second one. */
  {
    g_autofree char *twice = barged_ntlm_challenge_for_v2 (out, out_length);
    FUZZ_CHECK (twice == NULL, "the rewrite is rewritten again");
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *token = g_base64_encode (data, size);
  g_autofree char *value = g_strconcat ("NTLM ", token, NULL);
  g_autofree char *item = fuzz_text (data, size);
  g_autofree guchar *message = NULL;
  const char *parsed = NULL;
  gsize length = 0;
  guint32 type = 0;

  check_item (item);

  FUZZ_CHECK (barged_ntlm_parse_auth (value, &parsed) && (size == 0 ? parsed == NULL : g_str_equal (parsed, token)),
              "\"%s\"", value);
  if (size == 0)
    return 0;
  message = barged_ntlm_decode_message (token, &length, &type);
  if (size < 12 || memcmp (data, "NTLMSSP", SIGNATURE_LENGTH) != 0)
    {
      FUZZ_CHECK (message == NULL, "%zu bytes without the signature decoded", size);
      return 0;
    }
  FUZZ_CHECK (message != NULL && length == size && memcmp (message, data, size) == 0 && type == le32 (data + TYPE_AT),
              "a message of %zu bytes decodes as %zu bytes of type %u", size, length, type);
  if (type == BARGED_NTLM_CHALLENGE)
    check_v2 (message, length);
  return 0;
}
