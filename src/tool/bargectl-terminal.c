/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "bargectl"

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <glib-unix.h>

#include "bargectl-terminal.h"

gboolean
bargectl_terminal_use_ansi (int fd)
{
  const char *term = g_getenv ("TERM");
  const char *no_color = g_getenv ("NO_COLOR");

  if (!isatty (fd))
    return FALSE;
  if (term != NULL && g_str_equal (term, "dumb"))
    return FALSE;
  return no_color == NULL || *no_color == '\0';
}

static int
size_from_environment (const char *variable, int fallback)
{
  const char *text = g_getenv (variable);
  guint64 value;

  if (text != NULL && g_ascii_string_to_unsigned (text, 10, 1, 10000, &value, NULL))
    return (int) value;
  return fallback;
}

int
bargectl_terminal_get_width (int fd)
{
  struct winsize size = { 0 };

  if (ioctl (fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
    return size.ws_col;
  return size_from_environment ("COLUMNS", 80);
}

int
bargectl_terminal_get_height (int fd)
{
  struct winsize size = { 0 };

  if (ioctl (fd, TIOCGWINSZ, &size) == 0 && size.ws_row > 0)
    return size.ws_row;
  return size_from_environment ("LINES", 24);
}

guint
bargectl_terminal_watch_resize (GSourceFunc func, gpointer user_data)
{
  /* GLib has watched SIGWINCH since 2.54: no signal handler of our own. */
  return g_unix_signal_add (SIGWINCH, func, user_data);
}

void
bargectl_terminal_unwatch_resize (guint source_id)
{
  if (source_id != 0)
    g_source_remove (source_id);
}

static int
char_width (gunichar c)
{
  if (g_unichar_iszerowidth (c))
    return 0;
  return g_unichar_iswide (c) ? 2 : 1;
}

int
bargectl_terminal_text_width (const char *text)
{
  int width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    width += char_width (g_utf8_get_char (p));
  return width;
}

char *
bargectl_terminal_fit (const char *text, int columns)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  GString *out = g_string_new (NULL);
  int width = 0;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      int w;

      if (g_unichar_iscntrl (c))
        c = '?';
      w = char_width (c);
      if (columns >= 0 && width + w > columns)
        break;
      g_string_append_unichar (out, c);
      width += w;
    }
  return g_string_free (out, FALSE);
}

char *
bargectl_terminal_sanitize (const char *text)
{
  return bargectl_terminal_fit (text, -1);
}

char *
bargectl_terminal_sanitize_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *safe = bargectl_terminal_sanitize (lines[i]);

      g_free (lines[i]);
      lines[i] = safe;
    }
  return g_strjoinv ("\n", lines);
}

static struct termios saved_termios;
static int saved_termios_fd = -1;

gboolean
bargectl_terminal_keys_begin (int fd)
{
  struct termios raw;

  if (saved_termios_fd >= 0 || !isatty (fd) || tcgetattr (fd, &saved_termios) != 0)
    return FALSE;
  raw = saved_termios;
  /* One key at a time, not echoed; ISIG stays on so Ctrl-C is still SIGINT. */
  raw.c_lflag &= ~(tcflag_t) (ICANON | ECHO);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  /* Ctrl-Z would stop us with the terminal still in this mode and on the
   * alternate screen; the view is cheap to quit and start again. */
  raw.c_cc[VSUSP] = _POSIX_VDISABLE;
  if (tcsetattr (fd, TCSANOW, &raw) != 0)
    return FALSE;
  saved_termios_fd = fd;
  return TRUE;
}

void
bargectl_terminal_keys_end (void)
{
  if (saved_termios_fd < 0)
    return;
  tcsetattr (saved_termios_fd, TCSANOW, &saved_termios);
  saved_termios_fd = -1;
}
