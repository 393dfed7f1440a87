/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Barge"

#include "config.h"

#include "barge-private.h"

/* The last values the daemon gave for the properties of one object, each
 * with the stamp of the message that carried it (see barge-private.h).
 * Unlike GDBusProxy's cache they stay when the daemon goes away: the
 * objects of the library show what was last known, never a false zero. */

typedef struct {
  GVariant *value;
  guint64 stamp;
} Entry;

struct _BargeProps
{
  GDBusInterfaceInfo *info;
  GHashTable *entries; /* interned name -> Entry */
};

static void
entry_free (Entry *entry)
{
  g_variant_unref (entry->value);
  g_free (entry);
}

BargeProps *
_barge_props_new (GDBusInterfaceInfo *info)
{
  BargeProps *props = g_new0 (BargeProps, 1);

  props->info = g_dbus_interface_info_ref (info);
  g_dbus_interface_info_cache_build (info);
  props->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) entry_free);
  return props;
}

void
_barge_props_free (BargeProps *props)
{
  if (props == NULL)
    return;
  g_hash_table_unref (props->entries);
  g_dbus_interface_info_unref (props->info);
  g_free (props);
}

void
_barge_props_apply (BargeProps *props, GVariant *dict, guint64 stamp, GPtrArray *changed)
{
  GVariantIter iter;
  const char *name;
  GVariant *value;

  g_return_if_fail (g_variant_is_of_type (dict, G_VARIANT_TYPE_VARDICT));

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &name, &value))
    {
      GDBusPropertyInfo *info = g_dbus_interface_info_lookup_property (props->info, name);
      Entry *entry;

      /* A newer daemon may have more; a confused one the wrong type. */
      if (info == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE (info->signature)))
        {
          g_debug ("Ignoring property %s of type %s", name, g_variant_get_type_string (value));
          g_variant_unref (value);
          continue;
        }

      name = g_intern_string (name);
      entry = g_hash_table_lookup (props->entries, name);
      if (entry == NULL)
        {
          entry = g_new0 (Entry, 1);
          entry->value = value;
          entry->stamp = stamp;
          g_hash_table_insert (props->entries, (gpointer) name, entry);
          if (changed != NULL)
            g_ptr_array_add (changed, (gpointer) name);
          continue;
        }
      /* Older than what is kept: a signal sent before the reply that was
       * handled first. */
      if (stamp != BARGE_STAMP_ANY && entry->stamp > stamp)
        {
          g_variant_unref (value);
          continue;
        }
      entry->stamp = stamp;
      if (g_variant_equal (entry->value, value))
        {
          g_variant_unref (value);
          continue;
        }
      g_variant_unref (entry->value);
      entry->value = value;
      if (changed != NULL)
        g_ptr_array_add (changed, (gpointer) name);
    }
}

GVariant *
_barge_props_get (BargeProps *props, const char *name)
{
  Entry *entry = g_hash_table_lookup (props->entries, name);

  return entry != NULL ? entry->value : NULL;
}

/* The value of @name if the daemon gave one of @type, else NULL. */
static GVariant *
props_get_typed (BargeProps *props, const char *name, const GVariantType *type)
{
  GVariant *value = _barge_props_get (props, name);

  return value != NULL && g_variant_is_of_type (value, type) ? value : NULL;
}

const char *
_barge_props_get_string (BargeProps *props, const char *name)
{
  GVariant *value = props_get_typed (props, name, G_VARIANT_TYPE_STRING);

  return value != NULL ? g_variant_get_string (value, NULL) : "";
}

guint32
_barge_props_get_uint32 (BargeProps *props, const char *name, guint32 fallback)
{
  GVariant *value = props_get_typed (props, name, G_VARIANT_TYPE_UINT32);

  return value != NULL ? g_variant_get_uint32 (value) : fallback;
}

guint64
_barge_props_get_uint64 (BargeProps *props, const char *name, guint64 fallback)
{
  GVariant *value = props_get_typed (props, name, G_VARIANT_TYPE_UINT64);

  return value != NULL ? g_variant_get_uint64 (value) : fallback;
}

gint64
_barge_props_get_int64 (BargeProps *props, const char *name, gint64 fallback)
{
  GVariant *value = props_get_typed (props, name, G_VARIANT_TYPE_INT64);

  return value != NULL ? g_variant_get_int64 (value) : fallback;
}

gboolean
_barge_props_get_boolean (BargeProps *props, const char *name)
{
  GVariant *value = props_get_typed (props, name, G_VARIANT_TYPE_BOOLEAN);

  return value != NULL && g_variant_get_boolean (value);
}
