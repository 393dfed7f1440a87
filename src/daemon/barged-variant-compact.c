/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedVariantCompact"

#include "config.h"

#include "barged-variant-compact.h"

/* The GVariant properties of jobs and files (Times, Error, Progress,
 * NotifyCommandLine, ...) are built with g_variant_new, in tree form: one
 * GVariant plus a GBytes and a buffer per leaf, about ten allocations per
 * value, which a skeleton keeps for the object's life. With 10,000 jobs that
 * is a quarter of the daemon's memory. So the generated skeletons' GObject
 * setter is wrapped: a value is serialised (one flat buffer) before the
 * skeleton stores it, and a value equal to the one last stored for the same
 * property on any object is replaced by that one, so the common ones (no
 * error, no command line, nothing downloaded yet) exist once. One value per
 * property is kept, so the sharing costs nothing that grows. */

static GMutex lock;
static GHashTable *last_values;      /* GParamSpec* → GVariant* */
static GHashTable *parent_setters;   /* GType → GObjectSetPropertyFunc */

static GVariant *
compact (GParamSpec *pspec, GVariant *value)
{
  GVariant *last;
  GVariant *result;

  /* Takes the floating reference, so the caller's value is freed normally. */
  value = g_variant_ref_sink (value);
  g_variant_get_data (value);
  g_mutex_lock (&lock);
  last = g_hash_table_lookup (last_values, pspec);
  if (last != NULL && g_variant_equal (last, value))
    result = g_variant_ref (last);
  else
    {
      g_hash_table_insert (last_values, pspec, g_variant_ref (value));
      result = g_variant_ref (value);
    }
  g_mutex_unlock (&lock);
  g_variant_unref (value);
  return result;
}

static void
compact_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  GObjectSetPropertyFunc parent = NULL;

  /* The pspec is the interface's (an override redirects to it), so the
   * wrapped class is found from the object's type. */
  g_mutex_lock (&lock);
  for (GType type = G_OBJECT_TYPE (object); parent == NULL && type != 0; type = g_type_parent (type))
    parent = g_hash_table_lookup (parent_setters, GSIZE_TO_POINTER (type));
  g_mutex_unlock (&lock);
  if (G_VALUE_HOLDS_VARIANT (value) && g_value_get_variant (value) != NULL)
    {
      g_auto(GValue) compacted = G_VALUE_INIT;

      g_value_init (&compacted, G_TYPE_VARIANT);
      g_value_take_variant (&compacted, compact (pspec, g_value_get_variant (value)));
      parent (object, prop_id, &compacted, pspec);
      return;
    }
  parent (object, prop_id, value, pspec);
}

/* Wraps the GObject setter of a generated skeleton class (the class that
 * owns the interface's properties, so every setter goes through it). */
void
barged_variant_compact_install (GType skeleton_type)
{
  GObjectClass *klass = g_type_class_ref (skeleton_type);

  g_mutex_lock (&lock);
  if (last_values == NULL)
    {
      last_values = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_variant_unref);
      parent_setters = g_hash_table_new (NULL, NULL);
    }
  if (klass->set_property != compact_set_property)
    {
      g_hash_table_insert (parent_setters, GSIZE_TO_POINTER (skeleton_type), klass->set_property);
      klass->set_property = compact_set_property;
    }
  g_mutex_unlock (&lock);
  /* The class stays referenced: the wrapper lives as long as the process. */
}
