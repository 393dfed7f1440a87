/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Servers written by others, started by the upload tests on 127.0.0.1:
 * @tus/server (npm, under node) and nginx with WebDAV PUT. Each runs in its
 * own folder and dies with the test (PR_SET_PDEATHSIG). */
#define G_LOG_DOMAIN "BargeTestUpload"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <gio/gio.h>

#include "upload-peers.h"

struct _UploadPeer
{
  GSubprocess *process;
  char *dir;
  char *url;
};

static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
port_answers (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);

  return conn != NULL;
}

void
upload_peer_free (UploadPeer *self)
{
  if (self == NULL)
    return;
  if (self->process != NULL)
    {
      g_subprocess_force_exit (self->process);
      g_subprocess_wait (self->process, NULL, NULL);
    }
  g_clear_object (&self->process);
  g_free (self->dir);
  g_free (self->url);
  g_free (self);
}

const char *
upload_peer_get_url (UploadPeer *self)
{
  return self->url;
}

const char *
upload_peer_get_dir (UploadPeer *self)
{
  return self->dir;
}

/* What the tus script counts in DIR.WHAT. */
static guint
read_count (UploadPeer *self, const char *what)
{
  g_autofree char *path = g_strconcat (self->dir, what, NULL);
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  return (guint) g_ascii_strtoull (text, NULL, 10);
}

guint
upload_peer_tus_count_connections (UploadPeer *self)
{
  return read_count (self, ".connections");
}

guint
upload_peer_tus_count_challenges (UploadPeer *self)
{
  return read_count (self, ".401");
}

guint
upload_peer_tus_count_too_large (UploadPeer *self)
{
  return read_count (self, ".413");
}

/* --- nginx WebDAV ---------------------------------------------------------- */

UploadPeer *
upload_peer_nginx_dav_new (const char *dir, char **skip_reason)
{
  g_autofree char *nginx = g_find_program_in_path ("nginx");
  UploadPeer *self;

  if (nginx == NULL && g_file_test ("/usr/sbin/nginx", G_FILE_TEST_IS_EXECUTABLE))
    nginx = g_strdup ("/usr/sbin/nginx");
  if (nginx == NULL)
    {
      *skip_reason = g_strdup ("nginx is not installed (contrib/setup installs it)");
      return NULL;
    }
  self = g_new0 (UploadPeer, 1);
  self->dir = g_build_filename (dir, "dav", NULL);
  g_assert_cmpint (g_mkdir_with_parents (self->dir, 0700), ==, 0);

  for (guint attempt = 0; attempt < 5 && self->url == NULL; attempt++)
    {
      guint16 port = free_port ();
      g_autofree char *prefix = g_build_filename (dir, "nginx", NULL);
      g_autofree char *conf_path = g_build_filename (prefix, "nginx.conf", NULL);
      g_autofree char *conf = NULL;
      g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                            G_SUBPROCESS_FLAGS_STDERR_SILENCE);
      g_autoptr(GError) error = NULL;
      gint64 deadline;

      g_mkdir_with_parents (prefix, 0700);
      conf = g_strdup_printf ("daemon off;\nmaster_process off;\npid %s/nginx.pid;\n"
                              "error_log %s/error.log warn;\n%s"
                              "events { worker_connections 64; }\n"
                              "http {\n access_log off;\n client_body_temp_path %s/body;\n"
                              " proxy_temp_path %s/proxy;\n fastcgi_temp_path %s/fastcgi;\n"
                              " uwsgi_temp_path %s/uwsgi;\n scgi_temp_path %s/scgi;\n"
                              " server {\n  listen 127.0.0.1:%u;\n  root %s;\n"
                              "  dav_methods PUT DELETE;\n  create_full_put_path on;\n"
                              "  client_max_body_size 0;\n }\n}\n",
                              prefix, prefix, geteuid () == 0 ? "user root root;\n" : "",
                              prefix, prefix, prefix, prefix, prefix, port, self->dir);
      g_file_set_contents (conf_path, conf, -1, &error);
      g_assert_no_error (error);
      g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
      self->process = g_subprocess_launcher_spawn (launcher, &error, nginx, "-p", prefix, "-c", conf_path,
                                                   "-e", "stderr", NULL);
      g_assert_no_error (error);
      deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
      while (g_get_monotonic_time () < deadline)
        {
          if (port_answers (port))
            {
              self->url = g_strdup_printf ("http://127.0.0.1:%u", port);
              break;
            }
          /* NULL once it has exited (lost the port, or a bad config). */
          if (g_subprocess_get_identifier (self->process) == NULL)
            break;
          g_usleep (50 * 1000);
        }
      if (self->url == NULL)
        {
          g_subprocess_force_exit (self->process);
          g_subprocess_wait (self->process, NULL, NULL);
          g_clear_object (&self->process);
        }
    }
  g_assert_nonnull (self->url);
  return self;
}

/* --- @tus/server ------------------------------------------------------------- */

static const char tus_script[] =
  "import http from 'node:http';\n"
  "import { writeFileSync } from 'node:fs';\n"
  "import { pathToFileURL } from 'node:url';\n"
  "const [, , modules, dir, expiry, delay, drop, auth, maxBody] = process.argv;\n"
  "const load = (p) => import(pathToFileURL(modules + p).href);\n"
  "const { Server } = await load('/@tus/server/dist/index.js');\n"
  "const { FileStore } = await load('/@tus/file-store/dist/index.js');\n"
  "const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\n"
  "const tus = new Server({\n"
  "  path: '/files',\n"
  "  datastore: new FileStore({ directory: dir, expirationPeriodInMilliseconds: Number(expiry) }),\n"
  "  async onIncomingRequest(req) { if (req.method === 'PATCH') await sleep(Number(delay)); },\n"
  "});\n"
  "let keptPatches = 0;\n"
  "let challenged = 0;\n"
  "let refused = 0;\n"
  "const expected = auth ? 'Basic ' + Buffer.from(auth).toString('base64') : null;\n"
  "const server = http.createServer((req, res) => {\n"
  "  const kept = (req.socket.requests = (req.socket.requests || 0) + 1) > 1;\n"
  "  if (expected && req.headers.authorization !== expected) {\n"
  "    writeFileSync(dir + '.401', String(++challenged));\n"
  "    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm=\"tus\"', 'Content-Length': '0' });\n"
  "    res.end();\n"
  "    return;\n"
  "  }\n"
  "  if (req.method === 'PATCH' && kept && ++keptPatches === Number(drop)) { req.socket.destroy(); return; }\n"
  "  if (req.method === 'PATCH' && Number(maxBody) > 0 && Number(req.headers['content-length']) > Number(maxBody)) {\n"
  "    writeFileSync(dir + '.413', String(++refused));\n"
  "    req.resume();\n"
  "    req.on('end', () => { res.writeHead(413, { 'Content-Length': '0' }); res.end(); });\n"
  "    return;\n"
  "  }\n"
  "  tus.handle(req, res);\n"
  "});\n"
  "let connections = 0;\n"
  "server.on('connection', () => writeFileSync(dir + '.connections', String(++connections)));\n"
  "server.listen(0, '127.0.0.1', () => console.log(server.address().port));\n";

static char *
find_node_modules (void)
{
  const char *env = g_getenv ("BARGE_NPM_DIR");
  g_autofree char *base = env != NULL ? g_strdup (env)
                                      : g_build_filename (g_get_user_cache_dir (), "barge-npm", NULL);
  g_autofree char *modules = g_build_filename (base, "node_modules", NULL);
  g_autofree char *server = g_build_filename (modules, "@tus", "server", "package.json", NULL);

  /* GTest's isolated dirs would hide the cache: fall back to $HOME's. */
  if (!g_file_test (server, G_FILE_TEST_IS_REGULAR) && env == NULL && g_getenv ("HOME") != NULL)
    {
      g_free (modules);
      g_free (server);
      modules = g_build_filename (g_getenv ("HOME"), ".cache", "barge-npm", "node_modules", NULL);
      server = g_build_filename (modules, "@tus", "server", "package.json", NULL);
    }
  return g_file_test (server, G_FILE_TEST_IS_REGULAR) ? g_steal_pointer (&modules) : NULL;
}

UploadPeer *
upload_peer_tus_new (const char *dir, guint expiry_ms, guint patch_delay_ms, guint drop_kept_patch,
                     const char *auth, guint max_patch_body, char **skip_reason)
{
  g_autofree char *max_body = g_strdup_printf ("%u", max_patch_body);
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *modules = NULL;
  g_autofree char *script = NULL;
  g_autofree char *expiry = g_strdup_printf ("%u", expiry_ms);
  g_autofree char *delay = g_strdup_printf ("%u", patch_delay_ms);
  g_autofree char *drop = g_strdup_printf ("%u", drop_kept_patch);
  g_autofree char *line = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  UploadPeer *self;

  if (node == NULL)
    {
      *skip_reason = g_strdup ("node is not installed (contrib/setup installs nodejs)");
      return NULL;
    }
  modules = find_node_modules ();
  /* node is there, so contrib/setup should have installed the package. */
  if (modules == NULL)
    g_error ("@tus/server is missing: run contrib/setup (it installs it into "
             "${XDG_CACHE_HOME:-$HOME/.cache}/barge-npm) or set BARGE_NPM_DIR");

  self = g_new0 (UploadPeer, 1);
  self->dir = g_build_filename (dir, "tus", NULL);
  g_assert_cmpint (g_mkdir_with_parents (self->dir, 0700), ==, 0);
  script = g_build_filename (dir, "tus-server.mjs", NULL);
  g_file_set_contents (script, tus_script, -1, &error);
  g_assert_no_error (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  self->process = g_subprocess_launcher_spawn (launcher, &error, node, script, modules, self->dir,
                                               expiry, delay, drop, auth != NULL ? auth : "", max_body, NULL);
  g_assert_no_error (error);
  /* The first line is the port, once it listens. Bounded by node itself:
   * it either prints or dies. */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  self->url = g_strdup_printf ("http://127.0.0.1:%s/files", g_strstrip (line));
  return self;
}
