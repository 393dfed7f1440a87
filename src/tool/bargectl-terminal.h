/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether to draw with escapes on @fd: a terminal that is not "dumb", and
 * NO_COLOR (https://no-color.org) not set. */
gboolean bargectl_terminal_use_ansi (int fd);

/* Columns of the terminal on @fd, re-read on every call so a resize is
 * seen at the next redraw; COLUMNS or 80 when it cannot be asked. */
int bargectl_terminal_get_width (int fd);
/* Rows of the terminal on @fd; LINES or 24 when it cannot be asked. */
int bargectl_terminal_get_height (int fd);

/* Calls @func on the main context after every SIGWINCH (a terminal
 * resize), through g_unix_signal_add(). */
guint bargectl_terminal_watch_resize (GSourceFunc func, gpointer user_data);
void bargectl_terminal_unwatch_resize (guint source_id);

/* Reads keys from the terminal on @fd one at a time without echo (Ctrl-C
 * still interrupts, Ctrl-Z does not suspend). FALSE when @fd is not a terminal. keys_end() puts
 * the terminal back as it was. */
gboolean bargectl_terminal_keys_begin (int fd);
void bargectl_terminal_keys_end (void);

/* Display columns of UTF-8 text (wide characters count twice). */
int bargectl_terminal_text_width (const char *text);

/* A copy of @text cut to at most @columns display columns, with control
 * characters replaced, so that text from other programs cannot move the
 * cursor or change the terminal. */
char *bargectl_terminal_fit (const char *text, int columns);
char *bargectl_terminal_sanitize (const char *text);
/* The same for text of several lines: each line's control characters
 * replaced, the newlines kept. */
char *bargectl_terminal_sanitize_lines (const char *text);

G_END_DECLS
