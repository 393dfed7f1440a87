/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <barge.h>

G_BEGIN_DECLS

/* --session / --system, accepted before and after the command. */
const GOptionEntry *bargectl_client_option_entries (void);
gboolean bargectl_client_check_options (GError **error);

/* Connects to the bus chosen by the options or BARGE_BUS_ADDRESS and makes
 * sure the service answers, so later failures are about the request. */
BargeClient *bargectl_client_connect (GError **error);
const char *bargectl_client_bus_description (void);

BargeJob *bargectl_client_get_job (BargeClient *client, const char *id, GError **error);
/* Connects, then looks up job @id; on failure reports it and returns NULL,
 * with the exit status in @exit_code. @client gets the connection. */
BargeJob *bargectl_client_open_job (const char *id, BargeClient **client, int *exit_code);

/* The caller's message locale for GetErrorDescription(), "" for the
 * daemon's own (untranslated) text. */
const char *bargectl_client_message_locale (void);

int bargectl_exit_code_for_error (const GError *error);
char *bargectl_error_message (const GError *error);
int bargectl_report_error (const GError *error);
int bargectl_report_connect_error (const GError *error);

G_END_DECLS
