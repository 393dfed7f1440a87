/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What barged decodes from its job database on start-up (barged-store.h
 * keeps text; barged_job_new_from_record() decodes it): the text columns
 * that name an enum, the notify settings (GVariant text) and an upload's
 * state (job_data "upload", GVariant text read by
 * barged_upload_new_from_data()). Input: a first line for the enums,
 * NotifyFlags and NotifyCommandLine on the next two, the upload state in
 * the rest. */
#include "config.h"

#include "barge.h"
#include "barged-notify.h"
#include "barged-upload-private.h"
#include "fuzz-common.h"

static SoupSession *session;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  session = soup_session_new ();
  return 0;
}

/* A name that decodes prints back as itself. */
#define CHECK_ENUM(Type, from, to, text)                                             \
  G_STMT_START                                                                       \
  {                                                                                  \
    Type v_;                                                                         \
    if (from (text, &v_))                                                            \
      FUZZ_CHECK (g_strcmp0 (to (v_), text) == 0, "%s \"%s\" prints as \"%s\"", #Type, \
                  text, to (v_));                                                    \
  }                                                                                  \
  G_STMT_END

static void
check_enums (const char *text)
{
  BargeUploadProtocol protocol;
  BargeError code;

  CHECK_ENUM (BargeJobType, barge_job_type_from_string, barge_job_type_to_string, text);
  CHECK_ENUM (BargeJobState, barge_job_state_from_string, barge_job_state_to_string, text);
  CHECK_ENUM (BargeJobPriority, barge_job_priority_from_string, barge_job_priority_to_string, text);
  CHECK_ENUM (BargeErrorContext, barge_error_context_from_string, barge_error_context_to_string, text);
  CHECK_ENUM (BargeCostPolicy, barge_cost_policy_from_string, barge_cost_policy_to_string, text);
  /* No protocol is read from "" and "none" and stored as "". */
  if (barge_upload_protocol_from_string (text, &protocol))
    FUZZ_CHECK (protocol == BARGE_UPLOAD_PROTOCOL_NONE
                  ? (*text == '\0' || g_str_equal (text, "none")) && *barge_upload_protocol_to_string (protocol) == '\0'
                  : g_strcmp0 (barge_upload_protocol_to_string (protocol), text) == 0,
                "protocol \"%s\"", text);
  if (barge_error_from_dbus_name (text, &code))
    FUZZ_CHECK (g_strcmp0 (barge_error_to_dbus_name (code), text) == 0, "error name \"%s\"", text);
}

/* Flags that decode are known names, each once, and store again as the
 * same text the daemon writes (job_to_record). */
static void
check_notify_flags (const char *text)
{
  BargeNotifyFlags flags = 0, again = 0;
  g_auto(GStrv) names = barged_notify_flags_from_text (text, &flags);
  g_auto(GStrv) names_again = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autofree char *printed = NULL;

  if (names == NULL)
    return;
  FUZZ_CHECK (barged_notify_flags_parse ((const char *const *) names, &again, NULL) && again == flags,
              "NotifyFlags \"%s\"", text);
  value = g_variant_ref_sink (g_variant_new_strv ((const char *const *) names, -1));
  printed = g_variant_print (value, FALSE);
  names_again = barged_notify_flags_from_text (printed, &again);
  FUZZ_CHECK (names_again != NULL && g_strv_equal ((const char *const *) names, (const char *const *) names_again) &&
              again == flags, "NotifyFlags \"%s\" stored as \"%s\"", text, printed);
}

static void
check_notify_command_line (const char *text)
{
  g_autoptr(GVariant) value = barged_notify_command_line_from_text (text);
  g_autoptr(GVariant) again = NULL;
  g_autofree char *printed = NULL;

  if (value == NULL)
    return;
  {
    g_autofree const char **args = NULL;
    const char *program = "";

    if (g_variant_is_of_type (value, G_VARIANT_TYPE ("(sas)")))
      g_variant_get (value, "(&s^a&s)", &program, &args);
    FUZZ_CHECK (args != NULL && barged_notify_command_line_check (program, args, NULL), "NotifyCommandLine \"%s\"",
                text);
  }
  printed = g_variant_print (value, FALSE);
  again = barged_notify_command_line_from_text (printed);
  FUZZ_CHECK (again != NULL && g_variant_equal (again, value), "NotifyCommandLine \"%s\" stored as \"%s\"", text,
              printed);
}

/* An upload state that decodes stores again as text that decodes to the
 * same state (barged_upload_to_data() is what the daemon writes). */
static void
check_upload (const char *text)
{
  for (int with_reply = 0; with_reply <= 1; with_reply++)
    {
      g_autoptr(BargedUpload) upload = barged_upload_new_from_data (session, "job", 1000, with_reply, text);
      g_autoptr(BargedUpload) back = NULL;
      guint64 total, received;
      g_autofree char *stored = NULL;
      g_autofree char *again = NULL;

      if (upload == NULL)
        continue;
      barged_upload_get_reply_progress (upload, &total, &received);
      stored = barged_upload_to_data (upload);
      back = barged_upload_new_from_data (session, "job", 1000, with_reply, stored);
      FUZZ_CHECK (back != NULL, "upload state \"%s\" stored as \"%s\" does not decode", text, stored);
      again = barged_upload_to_data (back);
      FUZZ_CHECK (g_str_equal (again, stored), "upload state \"%s\" stored as \"%s\", then as \"%s\"", text, stored,
                  again);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_auto(GStrv) parts = fuzz_lines (data, size, 4);

  check_enums (parts[0]);
  if (parts[1] != NULL)
    check_notify_flags (parts[1]);
  if (parts[2] != NULL)
    check_notify_command_line (parts[2]);
  if (parts[3] != NULL)
    check_upload (parts[3]);
  return 0;
}
