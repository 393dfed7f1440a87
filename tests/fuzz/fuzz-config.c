/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* barge.conf through its loader, barged_settings_load(), as barged reads it
 * at start and on SIGHUP. Input: the file. */
#include "config.h"

#include <sys/mman.h>
#include <unistd.h>

#include "barged-config.h"
#include "fuzz-common.h"

FUZZ_DEFINE_INITIALIZE ()

static guint
field (const BargedSettings *config, gsize offset)
{
  return G_STRUCT_MEMBER (guint, config, offset);
}

/* @contents as a file barged_settings_load() opens by name. */
static gboolean
load (const void *contents, gsize size, BargedSettings *config, GError **error)
{
  int fd = memfd_create ("barge.conf", MFD_CLOEXEC);
  g_autofree char *path = g_strdup_printf ("/proc/self/fd/%d", fd);
  gboolean ok;

  g_assert (fd >= 0);
  g_assert (write (fd, contents, size) == (ssize_t) size);
  ok = barged_settings_load (config, path, error);
  close (fd);
  return ok;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  BargedSettings defaults, config;
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) file = g_key_file_new ();
  gboolean parses = g_key_file_load_from_data (file, (const char *) data, size, G_KEY_FILE_NONE, NULL);
  guint n_keys;
  /* Every key, its bounds and its field (docs/check-config-keys.py checks
   * the same table against the documentation). */
  const BargedSettingsKey *keys = barged_settings_get_keys (&n_keys);
  guint n_text_keys;
  const BargedSettingsTextKey *text_keys = barged_settings_get_text_keys (&n_text_keys);
  gboolean ok;

  barged_settings_init_defaults (&defaults);
  barged_settings_init_defaults (&config);
  ok = load (data, size, &config, &error);
  FUZZ_CHECK (ok == (error == NULL), "a result without its error, or the reverse");
  if (!ok)
    {
      /* A file that does not parse, or a key with a bad value. */
      gboolean bad_key = FALSE;

      for (guint i = 0; parses && i < n_keys && !bad_key; i++)
        if (g_key_file_has_key (file, keys[i].group, keys[i].key, NULL))
          {
            g_autoptr(GError) e = NULL;
            guint64 v = g_key_file_get_uint64 (file, keys[i].group, keys[i].key, &e);
            bad_key = e != NULL || v < keys[i].min || v > keys[i].max;
          }
      for (guint i = 0; parses && i < n_text_keys && !bad_key; i++)
        if (g_key_file_has_key (file, text_keys[i].group, text_keys[i].key, NULL))
          {
            g_autofree char *text = g_key_file_get_value (file, text_keys[i].group, text_keys[i].key, NULL);
            BargedSettings scratch;

            bad_key = text == NULL
                      || !text_keys[i].parse (G_STRUCT_MEMBER_P (&scratch, text_keys[i].offset), text, NULL);
          }
      FUZZ_CHECK (!parses || bad_key, "refused a good file: %s", error->message);
      return 0;
    }

  /* Each key the file has, in bounds; the others keep their default. */
  FUZZ_CHECK (parses, "a file GKeyFile refuses was loaded");
  for (guint i = 0; i < n_keys; i++)
    {
      guint value = field (&config, keys[i].offset);

      FUZZ_CHECK (value >= keys[i].min && value <= keys[i].max, "[%s] %s = %u", keys[i].group, keys[i].key, value);
      if (g_key_file_has_key (file, keys[i].group, keys[i].key, NULL))
        FUZZ_CHECK (value == g_key_file_get_uint64 (file, keys[i].group, keys[i].key, NULL),
                    "[%s] %s = %u", keys[i].group, keys[i].key, value);
      else
        FUZZ_CHECK (value == field (&defaults, keys[i].offset), "[%s] %s changed", keys[i].group, keys[i].key);
    }

  /* Written back as barge.conf, it loads to the same. */
  {
    g_autoptr(GKeyFile) out = g_key_file_new ();
    g_autofree char *text = NULL;
    BargedSettings again;
    gsize length;

    for (guint i = 0; i < n_keys; i++)
      g_key_file_set_uint64 (out, keys[i].group, keys[i].key, field (&config, keys[i].offset));
    for (guint i = 0; i < n_text_keys; i++)
      if (g_key_file_has_key (file, text_keys[i].group, text_keys[i].key, NULL))
        {
          g_autofree char *value = g_key_file_get_value (file, text_keys[i].group, text_keys[i].key, NULL);

          /* As written, as barged reads it. */
          g_key_file_set_value (out, text_keys[i].group, text_keys[i].key, value);
        }
    text = g_key_file_to_data (out, &length, NULL);
    barged_settings_init_defaults (&again);
    FUZZ_CHECK (load (text, length, &again, NULL) && memcmp (&again, &config, sizeof config) == 0,
                "written back, it loads otherwise:\n%s", text);
  }
  return 0;
}
