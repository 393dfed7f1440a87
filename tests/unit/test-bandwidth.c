/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* BargedBandwidth: the token bucket behind BandwidthLimit and
 * [Transfer] BackgroundBandwidthLimit, on a clock the test moves. */
#include "config.h"

#include "barged-bandwidth.h"

#define SECOND G_USEC_PER_SEC
#define START (1000 * SECOND)

/* A reader as BargedTransfer is one: waits what the bucket says, reads at
 * most a chunk (of @want), is charged. Returns the bytes read in
 * [@now, @now + @duration) and moves @now past it. */
static guint64
read_for (BargedBandwidth *bw, gint64 *now, gint64 duration, gsize want)
{
  gint64 end = *now + duration;
  guint64 total = 0;
  guint steps = 0;

  while (*now < end)
    {
      gint64 delay = barged_bandwidth_delay (bw, *now);
      gsize n;

      g_assert_cmpint (delay, >=, 0);
      g_assert_cmpint (delay, <=, BARGED_BANDWIDTH_MAX_WAIT);
      if (delay > 0)
        {
          /* The window ends while the reader waits. */
          *now = MIN (*now + delay, end);
          continue;
        }
      n = barged_bandwidth_chunk (bw, want);
      g_assert_cmpuint (n, >, 0);
      g_assert_cmpuint (n, <=, want);
      barged_bandwidth_charge (bw, n, *now);
      total += n;
      /* The read itself takes a little time. */
      *now += 50;
      g_assert_cmpuint (++steps, <, 10000000);
    }
  return total;
}

static void
assert_rate (guint64 bytes, gint64 duration, guint64 rate, double tolerance)
{
  double got = (double) bytes * SECOND / (double) duration;

  g_test_message ("%.0f B/s for a limit of %" G_GUINT64_FORMAT, got, rate);
  g_assert_cmpfloat (got, >=, rate * (1 - tolerance));
  g_assert_cmpfloat (got, <=, rate * (1 + tolerance));
}

static void
test_no_limit (void)
{
  g_autoptr(BargedBandwidth) bw = barged_bandwidth_new (0);

  g_assert_cmpint (barged_bandwidth_delay (bw, START), ==, 0);
  g_assert_cmpuint (barged_bandwidth_chunk (bw, 256 * 1024), ==, 256 * 1024);
  barged_bandwidth_charge (bw, 1 << 30, START);
  g_assert_cmpint (barged_bandwidth_delay (bw, START), ==, 0);
}

/* 2 MB/s over 10 s, with reads that would take 256 KiB at once: within
 * 1 % (the issue asks 5 %). And over every second of it. */
static void
test_rate_holds (void)
{
  const guint64 rate = 2000000;
  g_autoptr(BargedBandwidth) bw = barged_bandwidth_new (rate);
  gint64 now = START;
  guint64 total = 0;

  for (guint i = 0; i < 10; i++)
    {
      guint64 second = read_for (bw, &now, SECOND, 256 * 1024);

      assert_rate (second, SECOND, rate, 0.30);
      total += second;
    }
  assert_rate (total, 10 * SECOND, rate, 0.01);
  /* A read is at most a tenth of a second's worth. */
  g_assert_cmpuint (barged_bandwidth_chunk (bw, G_MAXSIZE), ==, rate / 10);
}

/* The smallest limit still reads: 1 KiB at a time, once a second. */
static void
test_smallest (void)
{
  g_autoptr(BargedBandwidth) bw = barged_bandwidth_new (BARGED_BANDWIDTH_MIN);
  gint64 now = START;

  g_assert_cmpuint (barged_bandwidth_chunk (bw, 65536), ==, BARGED_BANDWIDTH_MIN);
  assert_rate (read_for (bw, &now, 20 * SECOND, 65536), 20 * SECOND, BARGED_BANDWIDTH_MIN, 0.06);
}

/* A job's own limit under the one background jobs share: the lower holds,
 * and two jobs under one shared limit share it. */
static void
test_parent (void)
{
  g_autoptr(BargedBandwidth) shared = barged_bandwidth_new (1000000);
  g_autoptr(BargedBandwidth) a = barged_bandwidth_new (4000000);
  g_autoptr(BargedBandwidth) b = barged_bandwidth_new (0);
  gint64 now = START;
  guint64 got_a = 0, got_b = 0;

  barged_bandwidth_set_parent (a, shared);
  barged_bandwidth_set_parent (b, shared);
  g_assert_true (barged_bandwidth_get_parent (a) == shared);
  assert_rate (read_for (a, &now, 5 * SECOND, 256 * 1024), 5 * SECOND, 1000000, 0.02);

  /* Taking turns, as two transfers' timers do. */
  for (guint i = 0; i < 1000; i++)
    {
      got_a += read_for (a, &now, 5 * SECOND / 1000, 64 * 1024);
      got_b += read_for (b, &now, 5 * SECOND / 1000, 64 * 1024);
    }
  assert_rate (got_a + got_b, 10 * SECOND, 1000000, 0.03);
  g_assert_cmpuint (got_a, >, 0);
  g_assert_cmpuint (got_b, >, 0);

  /* Foreground: no parent, its own limit only (with the credit it saved
   * while the shared limit held it: a tenth of a second's worth). */
  barged_bandwidth_set_parent (a, NULL);
  assert_rate (read_for (a, &now, 10 * SECOND, 256 * 1024), 10 * SECOND, 4000000, 0.03);
}

static void
count_changed (BargedBandwidth *bw, guint *n)
{
  (*n)++;
}

/* A new rate applies at once, without the old debt; the bucket, and a
 * child of it, say so. */
static void
test_change (void)
{
  g_autoptr(BargedBandwidth) shared = barged_bandwidth_new (0);
  g_autoptr(BargedBandwidth) bw = barged_bandwidth_new (BARGED_BANDWIDTH_MIN);
  gint64 now = START;
  guint n_changed = 0;

  g_signal_connect (bw, "changed", G_CALLBACK (count_changed), &n_changed);
  barged_bandwidth_charge (bw, 10 * 1024 * 1024, now);
  /* Ten thousand seconds of debt, asked again every quarter second. */
  g_assert_cmpint (barged_bandwidth_delay (bw, now), ==, BARGED_BANDWIDTH_MAX_WAIT);
  barged_bandwidth_set_rate (bw, 0);
  g_assert_cmpuint (n_changed, ==, 1);
  g_assert_cmpint (barged_bandwidth_delay (bw, now), ==, 0);
  barged_bandwidth_set_rate (bw, 0);
  g_assert_cmpuint (n_changed, ==, 1);
  barged_bandwidth_set_rate (bw, 8000000);
  g_assert_cmpuint (n_changed, ==, 2);
  assert_rate (read_for (bw, &now, 2 * SECOND, 256 * 1024), 2 * SECOND, 8000000, 0.03);

  barged_bandwidth_set_parent (bw, shared);
  g_assert_cmpuint (n_changed, ==, 3);
  barged_bandwidth_set_rate (shared, 1000000);
  g_assert_cmpuint (n_changed, ==, 4);
  assert_rate (read_for (bw, &now, 4 * SECOND, 256 * 1024), 4 * SECOND, 1000000, 0.03);
  barged_bandwidth_set_parent (bw, NULL);
  g_assert_cmpuint (n_changed, ==, 5);
  barged_bandwidth_set_rate (shared, 2000000);
  g_assert_cmpuint (n_changed, ==, 5);
}

/* The yield changes the background rate every quarter of a second, a
 * little each time. Each change kept the rate but forgave the debt, so
 * every reader could take a chunk more per change: well over the limit.
 * Now the debt keeps its time across a change. */
static void
test_change_keeps_debt (void)
{
  g_autoptr(BargedBandwidth) bw = barged_bandwidth_new (1000000);
  gint64 now = START, start = START;
  guint64 total = 0;

  for (guint i = 0; i < 40; i++)
    {
      barged_bandwidth_set_rate (bw, i % 2 == 0 ? 1000000 : 1010000);
      /* Three readers woken by the change, then one reading on. */
      for (guint r = 0; r < 3; r++)
        if (barged_bandwidth_delay (bw, now) == 0)
          {
            gsize n = barged_bandwidth_chunk (bw, 256 * 1024);

            barged_bandwidth_charge (bw, n, now);
            total += n;
          }
      total += read_for (bw, &now, SECOND / 4, 256 * 1024);
    }
  assert_rate (total, now - start, 1005000, 0.04);
}

static void
test_valid_rates (void)
{
  g_assert_true (barged_bandwidth_rate_is_valid (0));
  g_assert_false (barged_bandwidth_rate_is_valid (1));
  g_assert_false (barged_bandwidth_rate_is_valid (BARGED_BANDWIDTH_MIN - 1));
  g_assert_true (barged_bandwidth_rate_is_valid (BARGED_BANDWIDTH_MIN));
  g_assert_true (barged_bandwidth_rate_is_valid (BARGED_BANDWIDTH_MAX));
  g_assert_false (barged_bandwidth_rate_is_valid (BARGED_BANDWIDTH_MAX + 1));
  g_assert_false (barged_bandwidth_rate_is_valid (G_MAXUINT64));
}

/* Idle credit is a tenth of a second's worth: after a long pause the
 * first second moves at most 1.1 seconds' worth and a read. */
static void
test_idle_credit (void)
{
  const guint64 rate = 1000000;
  g_autoptr(BargedBandwidth) bw = barged_bandwidth_new (rate);
  gint64 now = START;

  read_for (bw, &now, SECOND, 65536);
  now += 60 * SECOND;
  g_assert_cmpuint (read_for (bw, &now, SECOND, 65536), <=, rate + rate / 10 + 65536);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bandwidth/no-limit", test_no_limit);
  g_test_add_func ("/bandwidth/rate-holds", test_rate_holds);
  g_test_add_func ("/bandwidth/smallest", test_smallest);
  g_test_add_func ("/bandwidth/parent", test_parent);
  g_test_add_func ("/bandwidth/change", test_change);
  g_test_add_func ("/bandwidth/change-keeps-debt", test_change_keeps_debt);
  g_test_add_func ("/bandwidth/valid-rates", test_valid_rates);
  g_test_add_func ("/bandwidth/idle-credit", test_idle_credit);
  return g_test_run ();
}
