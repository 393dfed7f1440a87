/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "barge-test-name-watch.h"

struct _BargeTestNameWatch {
  guint id;
  char *owner;
};

static void
on_name_appeared (GDBusConnection *connection, const char *name, const char *owner, gpointer user_data)
{
  BargeTestNameWatch *watch = user_data;

  g_free (watch->owner);
  watch->owner = g_strdup (owner);
}

static void
on_name_vanished (GDBusConnection *connection, const char *name, gpointer user_data)
{
  BargeTestNameWatch *watch = user_data;

  g_clear_pointer (&watch->owner, g_free);
}

BargeTestNameWatch *
barge_test_name_watch_new (GDBusConnection *connection, const char *name)
{
  BargeTestNameWatch *watch = g_new0 (BargeTestNameWatch, 1);

  watch->id = g_bus_watch_name_on_connection (connection, name, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                              on_name_appeared, on_name_vanished, watch, NULL);
  return watch;
}

void
barge_test_name_watch_free (BargeTestNameWatch *watch)
{
  if (watch == NULL)
    return;
  g_bus_unwatch_name (watch->id);
  g_free (watch->owner);
  g_free (watch);
}

const char *
barge_test_name_watch_get_owner (BargeTestNameWatch *watch)
{
  return watch->owner;
}

gboolean
barge_test_name_watch_owned (gpointer user_data)
{
  return ((BargeTestNameWatch *) user_data)->owner != NULL;
}

gboolean
barge_test_name_watch_unowned (gpointer user_data)
{
  return ((BargeTestNameWatch *) user_data)->owner == NULL;
}
