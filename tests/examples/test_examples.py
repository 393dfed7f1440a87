#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs the worked examples of docs/examples/ in Python and in GJS against
a real barged on a private bus (the fixture of tests/python/test_gi.py).

The examples find the daemon through DBUS_SESSION_BUS_ADDRESS, as a desktop
application would; meson gives the folders in EXAMPLES_DIR and
GI_TEST_DIR, and the daemon in BARGED.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.environ.get('GI_TEST_DIR', os.path.join(os.path.dirname(__file__),
                                                               '..', 'python')))
import test_gi  # noqa: E402
from test_gi import Barge, FILE_SIZES, TIMEOUT  # noqa: E402

EXAMPLES_DIR = os.environ.get('EXAMPLES_DIR',
                              os.path.join(os.path.dirname(__file__), '..', '..',
                                           'docs', 'examples'))
GJS = shutil.which('gjs')

LANGUAGES = [('python', lambda name: ['/usr/bin/python3',
                                      os.path.join(EXAMPLES_DIR, name + '.py')])]
if GJS:
    LANGUAGES.append(('gjs', lambda name: [GJS, '-m', os.path.join(EXAMPLES_DIR, name + '.js')]))


@unittest.skipUnless(test_gi.BARGED, 'BARGED is not set')
class ExamplesTest(test_gi.DaemonFixture):

    def run_example(self, language, name, *args):
        command = dict(LANGUAGES)[language](name) + list(args)
        # python3 and gjs load libbarge (the asan test setup preloads its runtime).
        env = test_gi.libbarge_client_environment(dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.bus_address))
        env.pop('DBUS_SYSTEM_BUS_ADDRESS', None)
        try:
            result = subprocess.run(command, env=env, capture_output=True, text=True,
                                    timeout=TIMEOUT)
        except subprocess.TimeoutExpired as e:
            self.fail('%s timed out; output:\n%s\n%s\nbarged said:\n%s'
                      % (command, e.stdout, e.stderr, self.barged_output()))
        self.check_barged_alive()
        return result

    def assert_status(self, result, status):
        self.assertEqual(result.returncode, status,
                         '%s exited %d:\n%s\n%s' % (result.args, result.returncode,
                                                    result.stdout, result.stderr))

    def test_languages(self):
        # GJS must not be skipped silently where CI installed it.
        if os.environ.get('CI') or os.environ.get('BARGE_REQUIRE_GJS'):
            self.assertIsNotNone(GJS, 'gjs is not installed')

    def test_download_with_progress_bar(self):
        names = sorted(FILE_SIZES)
        for language, _ in LANGUAGES:
            with self.subTest(language=language):
                dest = os.path.join(self.dest_dir, language)
                os.mkdir(dest)
                result = self.run_example(language, 'download', dest,
                                          *[self.base_url + n for n in names])
                self.assert_status(result, 0)
                self.assertIn('100%', result.stdout)
                self.assertIn('2/2 files', result.stdout)
                for name in names:
                    with open(os.path.join(dest, name), 'rb') as f:
                        self.assertEqual(hashlib.sha256(f.read()).hexdigest(),
                                         self.sums[name], name)
                # Only the completed files, no temporary ones.
                self.assertEqual(sorted(os.listdir(dest)), names)

    @unittest.skipUnless(GJS, 'gjs is not installed')
    def test_promises_in_gjs(self):
        names = sorted(FILE_SIZES)
        dest = os.path.join(self.dest_dir, 'promises')
        os.mkdir(dest)
        result = self.run_example('gjs', 'promises', dest, *[self.base_url + n for n in names])
        self.assert_status(result, 0)
        lines = result.stdout.splitlines()
        # add_files resolved with the files already there, in order.
        self.assertEqual(lines[:2], ['queued ' + self.base_url + n for n in names])
        for name in names:
            self.assertIn('%s: 100%% of %d bytes' % (os.path.join(dest, name), FILE_SIZES[name]),
                          result.stdout)
        self.assertIn('transferred: %d bytes' % sum(FILE_SIZES.values()), result.stdout)
        self.assertEqual(lines[-1], 'done: acknowledged')
        # No 64-bit number too large for JavaScript was read.
        self.assertNotIn('safely', result.stderr)
        self.assertEqual(result.stderr, '')
        for name in names:
            with open(os.path.join(dest, name), 'rb') as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), self.sums[name], name)

    @unittest.skipUnless(os.environ.get('EXAMPLE_DOWNLOAD_C'), 'EXAMPLE_DOWNLOAD_C is not set')
    def test_download_in_c(self):
        names = sorted(FILE_SIZES)
        dest = os.path.join(self.dest_dir, 'c')
        os.mkdir(dest)
        # python3 and gjs load libbarge (the asan test setup preloads its runtime).
        env = test_gi.libbarge_client_environment(dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.bus_address))
        result = subprocess.run([os.environ['EXAMPLE_DOWNLOAD_C'], dest]
                                + [self.base_url + n for n in names],
                                env=env, capture_output=True, text=True, timeout=TIMEOUT)
        self.assert_status(result, 0)
        self.assertIn('100%', result.stdout)
        self.assertTrue(result.stdout.endswith('done\n'), result.stdout)
        for name in names:
            with open(os.path.join(dest, name), 'rb') as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), self.sums[name], name)

    def test_transferred_and_failed(self):
        for language, _ in LANGUAGES:
            with self.subTest(language=language, signal='transferred'):
                dest = os.path.join(self.dest_dir, language + '-small.bin')
                result = self.run_example(language, 'events', dest,
                                          self.base_url + 'small.bin')
                self.assert_status(result, 0)
                self.assertIn('transferred: %d bytes' % FILE_SIZES['small.bin'], result.stdout)
                self.assertTrue(os.path.exists(dest))

            with self.subTest(language=language, signal='failed'):
                dest = os.path.join(self.dest_dir, language + '-missing.bin')
                result = self.run_example(language, 'events', dest,
                                          self.base_url + 'missing.bin')
                self.assert_status(result, 1)
                self.assertIn('failed: org.freedesktop.Barge1.Error.RemoteNotFound',
                              result.stdout)
                self.assertIn('description: ', result.stdout)
                self.assertFalse(os.path.exists(dest))
        # Every job the examples made was completed or cancelled.
        self.assertEqual(self.client.list_jobs_sync(False, None), [])

    def test_list_and_cancel(self):
        for language, _ in LANGUAGES:
            with self.subTest(language=language):
                first = self.client.create_job_sync('first ' + language,
                                                    Barge.JobType.DOWNLOAD, None, None)
                second = self.client.create_job_sync('second ' + language,
                                                     Barge.JobType.DOWNLOAD, None, None)
                third = self.client.create_job_sync('third ' + language,
                                                    Barge.JobType.DOWNLOAD, None, None)

                result = self.run_example(language, 'jobs', 'list')
                self.assert_status(result, 0)
                lines = result.stdout.splitlines()
                self.assertEqual([line.split()[0] for line in lines],
                                 [first.get_id(), second.get_id(), third.get_id()])
                self.assertIn('suspended', lines[0])
                self.assertTrue(lines[0].endswith('first ' + language))

                result = self.run_example(language, 'jobs', 'cancel', first.get_id())
                self.assert_status(result, 0)
                self.assertIn('cancelled %s -> cancelled' % first.get_id(), result.stdout)

                result = self.run_example(language, 'jobs', 'list')
                self.assertEqual([line.split()[0] for line in result.stdout.splitlines()],
                                 [second.get_id(), third.get_id()])

                result = self.run_example(language, 'jobs', 'cancel', '0' * 32)
                self.assert_status(result, 1)

                result = self.run_example(language, 'jobs', 'cancel-all')
                self.assert_status(result, 0)
                self.assertEqual(result.stdout.count('-> cancelled'), 2)
                result = self.run_example(language, 'jobs', 'list')
                self.assertEqual(result.stdout, '')


if __name__ == '__main__':
    unittest.main(testRunner=unittest.TextTestRunner(stream=sys.stdout, verbosity=2))
