/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Who owns a bus name, kept current from the bus's signals on the thread
 * default main context: tests wait on it (barge_test_wait_until) for a
 * service to come or go. */
typedef struct _BargeTestNameWatch BargeTestNameWatch;

BargeTestNameWatch *barge_test_name_watch_new (GDBusConnection *connection, const char *name);
void barge_test_name_watch_free (BargeTestNameWatch *watch);
/* The owner's unique name, or NULL while nobody owns the name. */
const char *barge_test_name_watch_get_owner (BargeTestNameWatch *watch);
/* For barge_test_wait_until(): @user_data is the watch. */
gboolean barge_test_name_watch_owned (gpointer user_data);
gboolean barge_test_name_watch_unowned (gpointer user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BargeTestNameWatch, barge_test_name_watch_free)

G_END_DECLS
