/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "barged-config.h"

static char *
write_config (const char *text)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("barge-conf-XXXXXX", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  return path;
}

static void
test_config_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  BargedSettings config;

  barged_settings_init_defaults (&config);
  g_assert_true (barged_settings_load (&config, "/nonexistent/barge.conf", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (config.idle_timeout, ==, BARGED_CONFIG_DEFAULT_IDLE_TIMEOUT);
  g_assert_cmpuint (config.max_background_jobs, ==, BARGED_CONFIG_DEFAULT_MAX_BACKGROUND_JOBS);
  g_assert_cmpuint (config.time_slice, ==, BARGED_CONFIG_DEFAULT_TIME_SLICE);
  g_assert_cmpuint (config.max_running_jobs, ==, 24);
  g_assert_cmpuint (config.max_running_jobs_per_user, ==, 12);
  g_assert_cmpuint (config.inactivity_timeout, ==, 90 * 24 * 3600);
  g_assert_cmpuint (config.max_jobs, ==, BARGED_CONFIG_DEFAULT_MAX_JOBS);
  g_assert_cmpuint (config.max_jobs_per_user, ==, BARGED_CONFIG_DEFAULT_MAX_JOBS_PER_USER);
  g_assert_cmpuint (config.max_files_per_job, ==, BARGED_CONFIG_DEFAULT_MAX_FILES_PER_JOB);
  g_assert_cmpuint (config.transfer_timeout, ==, BARGED_CONFIG_DEFAULT_TRANSFER_TIMEOUT);
  g_assert_cmpuint (config.checkpoint_interval, ==, BARGED_CONFIG_DEFAULT_CHECKPOINT_INTERVAL);
  /* A config object without settings starts with the defaults. */
  {
    g_autoptr(BargedConfig) object = barged_config_new (NULL);

    g_assert_cmpmem (barged_config_get_settings (object), sizeof config, &config, sizeof config);
  }
}

static void
test_config_values (void)
{
  g_autofree char *path = write_config ("# comment\n[Daemon]\nIdleTimeout=0\n[Scheduler]\nMaxBackgroundJobs=3\n"
                                        "TimeSlice=7\nMaxRunningJobs=32\nMaxRunningJobsPerUser=1\n"
                                        "[Jobs]\nInactivityTimeout=0\nMaxJobs=9\nMaxJobsPerUser=8\n"
                                        "MaxFilesPerJob=5\n[Transfer]\nTimeout=2\nCheckpointInterval=250\n");
  g_autoptr(GError) error = NULL;
  BargedSettings config;

  barged_settings_init_defaults (&config);
  g_assert_true (barged_settings_load (&config, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (config.idle_timeout, ==, 0);
  g_assert_cmpuint (config.max_background_jobs, ==, 3);
  g_assert_cmpuint (config.time_slice, ==, 7);
  g_assert_cmpuint (config.max_running_jobs, ==, 32);
  g_assert_cmpuint (config.max_running_jobs_per_user, ==, 1);
  g_assert_cmpuint (config.inactivity_timeout, ==, 0);
  g_assert_cmpuint (config.max_jobs, ==, 9);
  g_assert_cmpuint (config.max_jobs_per_user, ==, 8);
  g_assert_cmpuint (config.max_files_per_job, ==, 5);
  g_assert_cmpuint (config.transfer_timeout, ==, 2);
  g_assert_cmpuint (config.transfer_timeout, ==, 2);
  g_assert_cmpuint (config.checkpoint_interval, ==, 250);
  g_remove (path);
}

/* [Transfer] Proxy and NoProxy: a proxy URL, "none" or nothing; hosts
 * that bypass it. Anything else fails the load, saying what is accepted. */
static void
test_config_proxy (void)
{
  const struct {
    const char *text;
    const char *proxy;
    const char *no_proxy;
    const char *said;
  } cases[] = {
    { "Proxy=http://cache.example:3128\nNoProxy=localhost; .example.com;10.0.0.0/8\n", "http://cache.example:3128",
      "localhost;.example.com;10.0.0.0/8", NULL },
    { "Proxy=none\n", "none", "", NULL },
    { "Proxy=\n", "", "", NULL },
    { "Proxy=socks5://127.0.0.1:1080/\n", "socks5://127.0.0.1:1080/", "", NULL },
    { "Proxy=ftp://cache.example\n", NULL, NULL, "is not a proxy" },
    { "Proxy=http://user:secret@cache.example:3128\n", NULL, NULL, "no user name" },
    { "Proxy=cache.example:3128\n", NULL, NULL, "SCHEME://HOST:PORT" },
    /* No port: GIO would connect to port 0. */
    { "Proxy=http://cache.example\n", NULL, NULL, "is not a proxy" },
    { "Proxy=http://cache.example/path\n", NULL, NULL, "is not a proxy" },
    /* Nor a query's or fragment's token, parsed or not. */
    { "Proxy=http://cache.example:3128/p?key=secret#secret\n", NULL, NULL, "“http://cache.example:3128/p” is not" },
    { "Proxy=cache.example?key=secret\n", NULL, NULL, "“cache.example” is not" },
    { "NoProxy=good.example; bad host\n", NULL, NULL, "“bad host” is not a host" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strconcat ("[Transfer]\n", cases[i].text, NULL);
      g_autofree char *path = write_config (text);
      g_autoptr(GError) error = NULL;
      BargedSettings config;
      gboolean ok;

      barged_settings_init_defaults (&config);
      ok = barged_settings_load (&config, path, &error);
      g_remove (path);
      if (cases[i].said == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpstr (config.proxy, ==, cases[i].proxy);
          g_assert_cmpstr (config.no_proxy, ==, cases[i].no_proxy);
          continue;
        }
      g_assert_false (ok);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].said));
      /* The message is logged: no password from the URL. */
      g_assert_null (strstr (error->message, "secret"));
    }
}

static void
on_changed (BargedConfig *config, guint *count)
{
  (*count)++;
}

/* One object holds the settings in force; a reload that changes them says
 * so once, and one that changes nothing says nothing. */
static void
test_config_object (void)
{
  g_autoptr(BargedConfig) config = barged_config_new (NULL);
  BargedSettings settings;
  guint changed = 0;

  g_signal_connect (config, "changed", G_CALLBACK (on_changed), &changed);
  settings = *barged_config_get_settings (config);
  barged_config_set_settings (config, &settings);
  g_assert_cmpuint (changed, ==, 0);
  settings.time_slice = 7;
  barged_config_set_settings (config, &settings);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (barged_config_get_settings (config)->time_slice, ==, 7);
}

static void
test_config_bad_values (void)
{
  const char *bad[] = {
    "[Scheduler]\nMaxBackgroundJobs=0\n",
    "[Scheduler]\nTimeSlice=0\n",
    "[Scheduler]\nMaxRunningJobs=0\n",
    /* More would let running jobs wait for connections inside libsoup. */
    "[Scheduler]\nMaxRunningJobs=33\n",
    "[Scheduler]\nMaxRunningJobsPerUser=0\n",
    "[Jobs]\nMaxFilesPerJob=0\n",
    "[Jobs]\nMaxJobs=many\n",
    "[Daemon]\nIdleTimeout=-5\n",
    "[Transfer]\nTimeout=0\n",
    "[Transfer]\nCheckpointInterval=10\n",
    "[Daemon]\nIdleTimeout=soon\n",
    "[Daemon]\nIdleTimeout=99999999999\n",
    "not a key file",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = write_config (bad[i]);
      g_autoptr(GError) error = NULL;
      BargedSettings config;

      barged_settings_init_defaults (&config);
      g_assert_false (barged_settings_load (&config, path, &error));
      g_assert_nonnull (error);
      /* The message names the file, so an administrator can find it. */
      g_assert_nonnull (strstr (error->message, path));
      g_remove (path);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/missing-file", test_config_missing_file);
  g_test_add_func ("/config/values", test_config_values);
  g_test_add_func ("/config/bad-values", test_config_bad_values);
  g_test_add_func ("/config/object", test_config_object);
  g_test_add_func ("/config/proxy", test_config_proxy);
  return g_test_run ();
}
