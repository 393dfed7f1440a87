/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedObjectCache"

#include "config.h"

#include "barged-object-cache.h"

/* What 10,000 jobs cost, and how to keep it small.
 *
 * Memory: the GVariant properties of jobs and files (Times, Error, Progress,
 * NotifyCommandLine, ...) are built with g_variant_new, in tree form: one
 * GVariant plus a GBytes and a buffer per leaf, about ten allocations per
 * value, which a skeleton keeps for the object's life. So the generated
 * skeletons' GObject setter is wrapped: a value is serialised (one flat
 * buffer) before the skeleton stores it, and a value equal to the one last
 * stored for the same property on any object is replaced by that one, so the
 * common ones (no error, no command line, nothing downloaded yet) exist
 * once. One value per property is kept, so the sharing costs nothing that
 * grows.
 *
 * GetManagedObjects: GDBusObjectManagerServer asks every skeleton for every
 * property on every call (a GValue copy and a fresh GVariant each: 500,000
 * for 10,000 jobs). Here each interface's a{sv} is kept serialised once it
 * was asked for, and dropped by the same setter wrapper when any of its
 * properties is set, so a reply of idle jobs reuses them.
 *
 * Which objects GetManagedObjects lists: only those marked "listed"
 * (barged_object_cache_set_listed), which the daemon does for the jobs of
 * this run's working set (see barged_job_list). Even from this cache, a
 * reply of 10,000 jobs and their files is 15.5 MB, and GDBus alone needs
 * 0.4 s to serialise it and the client 0.8 s to parse it: every client that
 * starts an object manager would pay that, and its memory, for a backlog of
 * jobs at rest that ListJobs and the object paths serve as well. */

static GMutex lock;
static GHashTable *last_values;      /* GParamSpec* → GVariant* */
static GHashTable *parent_setters;   /* GType → GObjectSetPropertyFunc */
static GQuark properties_quark;      /* on a skeleton: its serialised a{sv} */

static GQuark listed_quark;          /* on an object: GetManagedObjects lists it */

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

static GObjectSetPropertyFunc
lookup_parent_setter (GType type)
{
  GObjectSetPropertyFunc parent = NULL;

  g_mutex_lock (&lock);
  for (; parent == NULL && type != 0; type = g_type_parent (type))
    parent = g_hash_table_lookup (parent_setters, GSIZE_TO_POINTER (type));
  g_mutex_unlock (&lock);
  return parent;
}

static void
cached_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  /* The pspec is the interface's (an override redirects to it), so the
   * wrapped class is found from the object's type. */
  GObjectSetPropertyFunc parent = lookup_parent_setter (G_OBJECT_TYPE (object));

  g_object_set_qdata (object, properties_quark, NULL);
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
barged_object_cache_install (GType skeleton_type)
{
  GObjectClass *klass = g_type_class_ref (skeleton_type);

  g_mutex_lock (&lock);
  if (last_values == NULL)
    {
      last_values = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_variant_unref);
      parent_setters = g_hash_table_new (NULL, NULL);
      properties_quark = g_quark_from_static_string ("barged-object-cache-properties");
      listed_quark = g_quark_from_static_string ("barged-object-cache-listed");
    }
  if (klass->set_property != cached_set_property)
    {
      g_hash_table_insert (parent_setters, GSIZE_TO_POINTER (skeleton_type), klass->set_property);
      klass->set_property = cached_set_property;
    }
  g_mutex_unlock (&lock);
  /* The class stays referenced: the wrapper lives as long as the process. */
}

void
barged_object_cache_forget (GObject *skeleton)
{
  if (properties_quark != 0)
    g_object_set_qdata (skeleton, properties_quark, NULL);
}

/* A new reference to the skeleton's properties as GetAll gives them. */
static GVariant *
interface_properties (GDBusInterfaceSkeleton *skeleton)
{
  GVariant *properties = g_object_get_qdata (G_OBJECT (skeleton), properties_quark);

  if (properties != NULL)
    return g_variant_ref (properties);
  /* Already a full reference: GIO takes the class's floating one
   * (g_variant_take_ref), so sinking it again would add one nobody drops. */
  properties = g_dbus_interface_skeleton_get_properties (skeleton);
  /* Only a wrapped class drops the copy when a property changes. */
  if (lookup_parent_setter (G_OBJECT_TYPE (skeleton)) == NULL)
    return properties;
  g_variant_get_data (properties);
  g_object_set_qdata_full (G_OBJECT (skeleton), properties_quark, g_variant_ref (properties),
                           (GDestroyNotify) g_variant_unref);
  return properties;
}

void
barged_object_cache_set_listed (GDBusObject *object)
{
  if (listed_quark == 0)
    listed_quark = g_quark_from_static_string ("barged-object-cache-listed");
  g_object_set_qdata (G_OBJECT (object), listed_quark, GINT_TO_POINTER (TRUE));
}

gboolean
barged_object_cache_is_listed (GDBusObject *object)
{
  return listed_quark != 0 && g_object_get_qdata (G_OBJECT (object), listed_quark) != NULL;
}

static void
add_interfaces (GVariantBuilder *builder, GDBusObject *object)
{
  GList *ifaces = g_dbus_object_get_interfaces (object);

  g_variant_builder_open (builder, G_VARIANT_TYPE ("a{sa{sv}}"));
  for (GList *i = ifaces; i != NULL; i = i->next)
    {
      GDBusInterfaceSkeleton *skeleton = i->data;
      g_autoptr(GVariant) properties = interface_properties (skeleton);

      g_variant_builder_add (builder, "{s@a{sv}}", g_dbus_interface_skeleton_get_info (skeleton)->name,
                             properties);
    }
  g_list_free_full (ifaces, g_object_unref);
  g_variant_builder_close (builder);
}

/* The (oa{sa{sv}}) of an InterfacesAdded signal for @object. */
GVariant *
barged_object_cache_interfaces_added (GDBusObject *object)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("(oa{sa{sv}})"));
  g_variant_builder_add (&builder, "o", g_dbus_object_get_object_path (object));
  add_interfaces (&builder, object);
  return g_variant_builder_end (&builder);
}

/* The a{oa{sa{sv}}} that GDBusObjectManagerServer would answer, restricted
 * to the listed objects that @visible accepts (all when it is NULL). */
GVariant *
barged_object_cache_managed_objects (GDBusObjectManager *manager, BargedObjectVisibleFunc visible,
                                     gpointer user_data)
{
  GList *objects = g_dbus_object_manager_get_objects (manager);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{oa{sa{sv}}}"));
  for (GList *l = objects; l != NULL; l = l->next)
    {
      const char *path = g_dbus_object_get_object_path (l->data);

      if (!barged_object_cache_is_listed (l->data) || (visible != NULL && !visible (path, user_data)))
        continue;
      g_variant_builder_open (&builder, G_VARIANT_TYPE ("{oa{sa{sv}}}"));
      g_variant_builder_add (&builder, "o", path);
      add_interfaces (&builder, l->data);
      g_variant_builder_close (&builder);
    }
  g_list_free_full (objects, g_object_unref);
  return g_variant_builder_end (&builder);
}
