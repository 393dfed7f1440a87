/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "BargedYield"
#include "config.h"

#include "barged-yield.h"

#include <errno.h>
#include <ifaddrs.h>
#include <linux/tcp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

#include "barged-yield-control.h"

#define TICK_MS 250
/* Connections watched at most; libsoup's session has fewer. */
#define MAX_WATCHED 256
/* A limited connection's receive buffer and window: this much of a
 * second at the rate, and at least what Linux accepts anyway
 * (SOCK_MIN_RCVBUF / 2). A window clamp alone does not slow a sender
 * down on a short round trip (it bounds the bytes in flight, and they
 * are acknowledged within milliseconds), and paced reads alone only once
 * the receive buffer is full, which Linux grows to megabytes (tcp_rmem's
 * maximum, 32 MiB here): a second of the whole link after Barge starts to
 * yield. A small buffer closes the window at once. */
#define LIMITED_SECONDS 0.1
#define MIN_BUFFER 4096
/* Once limited, the buffers are fixed (Linux stops tuning a buffer set by
 * SO_RCVBUF or SO_SNDBUF, for the socket's life); when the limit goes,
 * they are set as large as Linux's tuning would have grown them
 * (tcp_rmem's and tcp_wmem's maximum), past net.core.rmem_max and
 * wmem_max where barged may (SO_RCVBUFFORCE: root, the system daemon),
 * and the window unclamped. With SO_RCVBUF alone, rmem_max (208 KiB on
 * many systems) held a kept-alive connection to 208 KiB a round trip
 * after the user's traffic had gone. */
#define UNLIMITED_BUFFER (4 * 1024 * 1024)
/* Unsent bytes an upload's socket may hold (TCP_NOTSENT_LOWAT), limit or
 * not: Linux grows the send buffer to megabytes, and what it holds goes
 * out at the link's pace whatever the limit says (3.5 s of a 20 Mbit/s
 * link when the benchmark's upload started to yield). The main loop
 * refills from memory (BargedSourceStream's blocks), so a quarter of a
 * megabyte costs no throughput. */
#define NOT_SENT_LOW_WATER (256 * 1024)
#define NO_CLAMP (1 << 30)

typedef struct {
  GSocket *socket;
  char *interface;
  guint64 moved[BARGED_YIELD_N_DIRECTIONS]; /* TCP payload at the last sample */
  gboolean limited;           /* its buffer and window are set small */
} Watched;

typedef struct {
  guint64 counted[BARGED_YIELD_N_DIRECTIONS]; /* the interface's counters at the last sample */
  gboolean seen;              /* has a socket on it in this sample */
} Interface;

struct _BargedYield
{
  GObject parent_instance;

  BargedBandwidth *bucket;
  BargedYieldControl control;
  GPtrArray *watched;         /* Watched */
  GHashTable *interfaces;     /* name → Interface */
  guint tick_source;
  gint64 last_tick;           /* monotonic µs */
  FILE *trace;
};

G_DEFINE_FINAL_TYPE (BargedYield, barged_yield, G_TYPE_OBJECT)

static void
watched_free (Watched *watched)
{
  g_object_unref (watched->socket);
  g_free (watched->interface);
  g_free (watched);
}

static gboolean
read_counter (const char *interface, const char *name, guint64 *value)
{
  g_autofree char *path = g_strdup_printf ("/sys/class/net/%s/statistics/%s", interface, name);
  g_autofree char *text = NULL;

  /* sysfs: a page of memory, never a disk read. */
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  *value = g_ascii_strtoull (text, NULL, 10);
  return TRUE;
}

static gboolean
read_interface (const char *interface, guint64 counted[BARGED_YIELD_N_DIRECTIONS])
{
  return read_counter (interface, "rx_bytes", &counted[BARGED_YIELD_RX]) &&
         read_counter (interface, "tx_bytes", &counted[BARGED_YIELD_TX]);
}

static gboolean
read_socket (GSocket *socket, guint64 moved[BARGED_YIELD_N_DIRECTIONS])
{
  struct tcp_info info = { 0 };
  socklen_t len = sizeof info;

  if (g_socket_is_closed (socket) ||
      getsockopt (g_socket_get_fd (socket), IPPROTO_TCP, TCP_INFO, &info, &len) != 0 ||
      len < offsetof (struct tcp_info, tcpi_bytes_received) + sizeof info.tcpi_bytes_received)
    return FALSE;
  moved[BARGED_YIELD_RX] = info.tcpi_bytes_received;
  moved[BARGED_YIELD_TX] = info.tcpi_bytes_acked;
  return TRUE;
}

/* The maximum of /proc/sys/net/ipv4/@name (tcp_rmem, tcp_wmem), or
 * UNLIMITED_BUFFER. */
static int
tuning_maximum (const char *name)
{
  g_autofree char *path = g_strconcat ("/proc/sys/net/ipv4/", name, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  guint64 value = 0;

  if (g_file_get_contents (path, &text, NULL, NULL))
    fields = g_strsplit_set (g_strstrip (text), " \t", -1);
  if (fields != NULL && g_strv_length (fields) >= 3)
    g_ascii_string_to_unsigned (fields[g_strv_length (fields) - 1], 10, 1, G_MAXINT / 2, &value, NULL);
  return value != 0 ? (int) value : UNLIMITED_BUFFER;
}

static void
set_buffer (int fd, int force, int plain, int size)
{
  if (setsockopt (fd, SOL_SOCKET, force, &size, sizeof size) != 0)
    (void) setsockopt (fd, SOL_SOCKET, plain, &size, sizeof size);
}

void
barged_yield_limit_socket (int fd, int buffer)
{
  static int receive_max, send_max;
  int clamp = buffer != 0 ? buffer : NO_CLAMP;

  if (receive_max == 0)
    {
      receive_max = tuning_maximum ("tcp_rmem");
      send_max = tuning_maximum ("tcp_wmem");
    }
  if (buffer != 0)
    {
      (void) setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
      /* An upload's side of the same: what the send buffer holds still
       * goes out at the link's pace after the limit starts. */
      (void) setsockopt (fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
    }
  else
    {
      set_buffer (fd, SO_RCVBUFFORCE, SO_RCVBUF, receive_max);
      set_buffer (fd, SO_SNDBUFFORCE, SO_SNDBUF, send_max);
    }
  (void) setsockopt (fd, IPPROTO_TCP, TCP_WINDOW_CLAMP, &clamp, sizeof clamp);
}

static void
apply_limit (BargedYield *self, Watched *watched, guint64 rate)
{
  if (rate == 0 && !watched->limited)
    return;
  watched->limited = rate != 0;
  /* Within an int: a rate may be 10^11 (BARGED_BANDWIDTH_MAX). */
  barged_yield_limit_socket (g_socket_get_fd (watched->socket),
                             rate != 0 ? (int) CLAMP ((double) rate * LIMITED_SECONDS / self->watched->len,
                                                      MIN_BUFFER, UNLIMITED_BUFFER)
                                       : 0);
}

static void
set_rate (BargedYield *self, guint64 rate)
{
  if (rate != barged_bandwidth_get_rate (self->bucket))
    g_debug ("background traffic: %s%" G_GUINT64_FORMAT " B/s (others: %.0f B/s)",
             rate == 0 ? "no limit, was " : "limit ", rate == 0 ? barged_bandwidth_get_rate (self->bucket) : rate,
             self->control.other);
  barged_bandwidth_set_rate (self->bucket, rate);
  for (guint i = 0; i < self->watched->len; i++)
    apply_limit (self, g_ptr_array_index (self->watched, i), rate);
}

static gboolean
on_tick (gpointer user_data)
{
  BargedYield *self = user_data;
  guint64 link[BARGED_YIELD_N_DIRECTIONS] = { 0 }, own[BARGED_YIELD_N_DIRECTIONS] = { 0 };
  gint64 now = g_get_monotonic_time ();
  double seconds = (double) (now - self->last_tick) / G_USEC_PER_SEC;
  GHashTableIter iter;
  Interface *interface;
  const char *name;

  self->last_tick = now;
  g_hash_table_iter_init (&iter, self->interfaces);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &interface))
    interface->seen = FALSE;

  for (guint i = self->watched->len; i-- > 0;)
    {
      Watched *watched = g_ptr_array_index (self->watched, i);
      guint64 moved[BARGED_YIELD_N_DIRECTIONS];

      /* A connection closed since the last sample takes its last bytes
       * with it (a quarter of a second at most): they count as others'. */
      if (!read_socket (watched->socket, moved))
        {
          g_ptr_array_remove_index_fast (self->watched, i);
          continue;
        }
      for (BargedYieldDirection d = 0; d < BARGED_YIELD_N_DIRECTIONS; d++)
        {
          own[d] += moved[d] - MIN (moved[d], watched->moved[d]);
          watched->moved[d] = moved[d];
        }
      interface = g_hash_table_lookup (self->interfaces, watched->interface);
      if (interface == NULL)
        {
          interface = g_new0 (Interface, 1);
          if (!read_interface (watched->interface, interface->counted))
            {
              g_free (interface);
              continue;
            }
          g_hash_table_insert (self->interfaces, g_strdup (watched->interface), interface);
        }
      interface->seen = TRUE;
    }

  g_hash_table_iter_init (&iter, self->interfaces);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, (gpointer *) &interface))
    {
      guint64 counted[BARGED_YIELD_N_DIRECTIONS];

      if (!interface->seen || !read_interface (name, counted))
        {
          g_hash_table_iter_remove (&iter);
          continue;
        }
      for (BargedYieldDirection d = 0; d < BARGED_YIELD_N_DIRECTIONS; d++)
        {
          link[d] += counted[d] - MIN (counted[d], interface->counted[d]);
          interface->counted[d] = counted[d];
        }
    }

  set_rate (self, barged_yield_control_update (&self->control, seconds, link, own));
  if (self->trace != NULL)
    fprintf (self->trace, "%.3f %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %"
             G_GUINT64_FORMAT " %.0f %" G_GUINT64_FORMAT "\n", seconds, link[BARGED_YIELD_RX],
             link[BARGED_YIELD_TX], own[BARGED_YIELD_RX], own[BARGED_YIELD_TX], self->control.other,
             self->control.rate);

  /* Not when they are merely quiet: a request that waits for its server
   * (or for a lost segment) goes on without asking the session again, and
   * the limit would stay as it was for the rest of it, at the floor or
   * none. libsoup closes a connection idle for a minute. */
  if (self->watched->len == 0)
    {
      self->tick_source = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
start_ticks (BargedYield *self)
{
  if (self->tick_source != 0 || self->watched->len == 0)
    return;
  self->last_tick = g_get_monotonic_time ();
  barged_yield_control_restart (&self->control);
  self->tick_source = g_timeout_add (TICK_MS, on_tick, self);
}

/* The interface that has @address, or NULL (loopback: not watched). */
static char *
interface_of (GInetAddress *address)
{
  struct ifaddrs *list = NULL;
  char *name = NULL;

  if (g_inet_address_get_is_loopback (address) || getifaddrs (&list) != 0)
    return NULL;
  for (struct ifaddrs *it = list; it != NULL && name == NULL; it = it->ifa_next)
    {
      g_autoptr(GSocketAddress) candidate = NULL;

      if (it->ifa_addr == NULL || (it->ifa_flags & IFF_LOOPBACK) ||
          (it->ifa_addr->sa_family != AF_INET && it->ifa_addr->sa_family != AF_INET6))
        continue;
      candidate = g_socket_address_new_from_native (it->ifa_addr, it->ifa_addr->sa_family == AF_INET
                                                                  ? sizeof (struct sockaddr_in)
                                                                  : sizeof (struct sockaddr_in6));
      if (candidate != NULL &&
          g_inet_address_equal (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (candidate)), address))
        name = g_strdup (it->ifa_name);
    }
  freeifaddrs (list);
  return name;
}

static void
watch_socket (BargedYield *self, GSocket *socket)
{
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (socket, NULL);
  g_autofree char *interface = NULL;
  Watched *watched;

  /* Closed ones go at the next sample; while samples are stopped, here. */
  for (guint i = self->watched->len; i-- > 0 && self->watched->len >= MAX_WATCHED;)
    if (g_socket_is_closed (((Watched *) g_ptr_array_index (self->watched, i))->socket))
      g_ptr_array_remove_index_fast (self->watched, i);
  if (self->watched->len >= MAX_WATCHED || !G_IS_INET_SOCKET_ADDRESS (local))
    return;
  interface = interface_of (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local)));
  if (interface == NULL)
    return;
  watched = g_new0 (Watched, 1);
  watched->socket = g_object_ref (socket);
  watched->interface = g_steal_pointer (&interface);
  g_ptr_array_add (self->watched, watched);
  barged_yield_control_relearn (&self->control);
  (void) setsockopt (g_socket_get_fd (socket), IPPROTO_TCP, TCP_NOTSENT_LOWAT,
                     &(int) { NOT_SENT_LOW_WATER }, sizeof (int));
  apply_limit (self, watched, self->control.rate);
  start_ticks (self);
}

static void
on_network_event (SoupMessage *msg, GSocketClientEvent event, GIOStream *connection, BargedYield *self)
{
  /* Connected: the local address, hence the interface, is known. */
  if (event == G_SOCKET_CLIENT_CONNECTED && G_IS_SOCKET_CONNECTION (connection))
    watch_socket (self, g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection)));
}

static void
on_request_queued (SoupSession *session, SoupMessage *msg, BargedYield *self)
{
  g_signal_connect_object (msg, "network-event", G_CALLBACK (on_network_event), self, 0);
  /* A request on a kept-alive connection: samples again. */
  start_ticks (self);
}

void
barged_yield_watch (BargedYield *self, SoupSession *session)
{
  g_signal_connect_object (session, "request-queued", G_CALLBACK (on_request_queued), self, 0);
}

guint64
barged_yield_get_rate (BargedYield *self)
{
  return self->control.rate;
}

BargedYield *
barged_yield_new (BargedBandwidth *bucket)
{
  BargedYield *self = g_object_new (BARGED_TYPE_YIELD, NULL);
  const char *trace = g_getenv ("BARGED_YIELD_TRACE");

  self->bucket = g_object_ref (bucket);
  if (trace != NULL && *trace != '\0')
    {
      self->trace = fopen (trace, "ae");
      if (self->trace != NULL)
        setvbuf (self->trace, NULL, _IOLBF, 0);
      else
        g_warning ("BARGED_YIELD_TRACE: cannot open %s: %s", trace, g_strerror (errno));
    }
  return self;
}

static void
barged_yield_init (BargedYield *self)
{
  barged_yield_control_init (&self->control);
  self->watched = g_ptr_array_new_with_free_func ((GDestroyNotify) watched_free);
  self->interfaces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
barged_yield_finalize (GObject *object)
{
  BargedYield *self = BARGED_YIELD (object);

  g_clear_handle_id (&self->tick_source, g_source_remove);
  g_ptr_array_unref (self->watched);
  g_hash_table_unref (self->interfaces);
  g_clear_object (&self->bucket);
  if (self->trace != NULL)
    fclose (self->trace);
  G_OBJECT_CLASS (barged_yield_parent_class)->finalize (object);
}

static void
barged_yield_class_init (BargedYieldClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = barged_yield_finalize;
}
