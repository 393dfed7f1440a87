#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Spanish and German translations, end to end: bargectl with
LANGUAGE=es and LANGUAGE=de, and the daemon's GetErrorDescription with
the caller's locale, against a real barged on a private bus (the fixture of
tests/python/test_gi.py). The catalogs come from the build tree through
BARGE_LOCALEDIR; installed programs read LOCALEDIR.
"""

import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.environ.get('GI_TEST_DIR', os.path.join(os.path.dirname(__file__),
                                                               '..', 'python')))
# The daemon's own locale is C: only the caller's locale may pick a language.
for name in ('LANGUAGE', 'LANG', 'LC_MESSAGES'):
    os.environ.pop(name, None)
os.environ['LC_ALL'] = 'C.UTF-8'

import test_gi  # noqa: E402
from test_gi import Barge, TIMEOUT  # noqa: E402

BARGECTL = os.environ.get('BARGECTL', '')
LOCALEDIR = os.environ.get('BARGE_LOCALEDIR', '')

EMPTY = 'org.freedesktop.Barge1.Error.Empty'
REMOTE_NOT_FOUND = 'org.freedesktop.Barge1.Error.RemoteNotFound'
DESCRIPTIONS = {
    EMPTY: {
        '': 'The job has no files to transfer.',
        'es': 'El trabajo no tiene archivos que transferir.',
        'de': 'Der Auftrag hat keine Dateien zu übertragen.',
    },
    REMOTE_NOT_FOUND: {
        '': 'The server has no file at this address.',
        'es': 'El servidor no tiene ningún archivo en esta dirección.',
        'de': 'Der Server hat unter dieser Adresse keine Datei.',
    },
}


def bargectl(language, *args, bus=None):
    env = dict(os.environ, LANGUAGE=language, LC_ALL='C.UTF-8', BARGE_LOCALEDIR=LOCALEDIR,
               NO_COLOR='1')
    if bus is not None:
        env['BARGE_BUS_ADDRESS'] = bus
    return subprocess.run([BARGECTL] + list(args), env=env, capture_output=True, text=True,
                          timeout=TIMEOUT)


@unittest.skipUnless(BARGECTL and LOCALEDIR, 'BARGECTL or BARGE_LOCALEDIR is not set')
class BargectlLanguageTest(unittest.TestCase):
    """What needs no daemon."""

    def test_help(self):
        expected = {'en': ('Commands:', 'Create a job and print its id'),
                    'es': ('Órdenes:', 'Crear un trabajo e imprimir su identificador'),
                    'de': ('Befehle:', 'Einen Auftrag anlegen und seine Kennung ausgeben')}
        for language, texts in expected.items():
            with self.subTest(language=language):
                result = bargectl(language, '--help')
                self.assertEqual(result.returncode, 0, result.stderr)
                for text in texts:
                    self.assertIn(text, result.stdout)

    def test_service_unreachable(self):
        expected = {'es': 'no se puede contactar con el servicio Barge en el bus en',
                    'de': 'ist nicht erreichbar'}
        for language, text in expected.items():
            with self.subTest(language=language):
                result = bargectl(language, 'list', bus='unix:path=/nonexistent/barge-bus')
                self.assertEqual(result.returncode, 3, result.stderr)
                self.assertIn(text, result.stderr)

    def test_usage_error(self):
        expected = {'es': 'Orden desconocida «frobnicate»', 'de': 'Unbekannter Befehl „frobnicate“'}
        for language, text in expected.items():
            with self.subTest(language=language):
                result = bargectl(language, 'frobnicate')
                self.assertEqual(result.returncode, 2)
                self.assertIn(text, result.stderr)

    def test_bad_rate(self):
        expected = {'es': ('«0» está fuera del rango permitido. VELOCIDAD es un número de bytes '
                           'por segundo'),
                    'de': '„0“ liegt außerhalb des erlaubten Bereichs. RATE ist eine Anzahl Bytes'}
        for language, text in expected.items():
            with self.subTest(language=language):
                result = bargectl(language, 'create', '--limit=0', 'x')
                self.assertEqual(result.returncode, 2)
                self.assertIn(text, result.stderr)


    def test_bad_window_and_time(self):
        expected = {'es': ('«8:00-8:00» no es una ventana. Una ventana es HH:MM-HH:MM en hora local',
                           '«2001-01-01T00:00Z» está en el pasado. TIME es una fecha y hora'),
                    'de': ('„8:00-8:00“ ist kein Fenster. Ein Fenster ist HH:MM-HH:MM in Ortszeit',
                           '„2001-01-01T00:00Z“ liegt in der Vergangenheit. TIME ist Datum und Uhrzeit')}
        for language, (window, past) in expected.items():
            with self.subTest(language=language):
                result = bargectl(language, 'create', '--window=8:00-8:00', 'x')
                self.assertEqual(result.returncode, 2)
                self.assertIn(window, result.stderr)
                result = bargectl(language, 'create', '--not-before=2001-01-01T00:00Z', 'x')
                self.assertEqual(result.returncode, 2)
                self.assertIn(past, result.stderr)

@unittest.skipUnless(test_gi.BARGED and LOCALEDIR, 'BARGED or BARGE_LOCALEDIR is not set')
class DaemonLanguageTest(test_gi.DaemonFixture):

    def start_barged(self):
        # The daemon finds the catalogs of the build tree, like bargectl.
        os.environ['BARGE_LOCALEDIR'] = LOCALEDIR
        super().start_barged()

    def test_error_description_in_the_callers_locale(self):
        locales = {'': '', 'C': '', 'es': 'es', 'es_ES.UTF-8': 'es', 'es_MX': 'es',
                   'de': 'de', 'de_DE.UTF-8': 'de', 'de_AT@euro': 'de',
                   # No catalog: the English text.
                   'fr_FR.UTF-8': ''}
        for name, texts in DESCRIPTIONS.items():
            for locale, language in locales.items():
                with self.subTest(error=name, locale=locale):
                    self.assertEqual(self.client.get_error_description_sync(name, locale, None),
                                     texts[language])
        # A locale that tries to leave the locale folder, or is no locale
        # name at all, is refused.
        for bad in ('../../es', 'x' * 65):
            with self.assertRaises(test_gi.GLib.Error) as caught:
                self.client.get_error_description_sync(EMPTY, bad, None)
            self.assertTrue(caught.exception.matches(Barge.error_quark(), Barge.Error.INVALID_ARGUMENT),
                            caught.exception.message)
        # Async, and through the raw D-Bus call.
        self.assertEqual(self.run_async(
            lambda cb: self.client.get_error_description_async(EMPTY, 'de', None, cb),
            lambda res: self.client.get_error_description_finish(res)),
            DESCRIPTIONS[EMPTY]['de'])
        reply = self.connection.call_sync(
            'org.freedesktop.Barge1', '/org/freedesktop/Barge1', 'org.freedesktop.Barge1.Manager',
            'GetErrorDescription', test_gi.GLib.Variant('(ss)', (EMPTY, 'es_ES.UTF-8')),
            None, 0, -1, None)
        self.assertEqual(reply.unpack()[0], DESCRIPTIONS[EMPTY]['es'])

    def test_library_messages(self):
        """libbarge's own errors follow the application's language."""
        script = (
            'import gi, locale, sys\n'
            'locale.setlocale(locale.LC_ALL, "")\n'
            'gi.require_version("Barge", "1.0")\n'
            'from gi.repository import Barge, Gio, GLib\n'
            'client = Barge.Client.new_sync(Gio.BusType.SESSION, None)\n'
            'job = client.get_job_sync(sys.argv[1], None)\n'
            'try:\n'
            '    job.add_files_sync(["http://127.0.0.1/a"], [], None)\n'
            'except GLib.Error as e:\n'
            '    print(e.message)\n')
        job = self.client.create_job_sync('lib', Barge.JobType.DOWNLOAD, None, None)
        expected = {'en': '1 remote URLs but 0 local paths',
                    'es': '1 URL remotas pero 0 rutas locales',
                    'de': '1 entfernte URLs, aber 0 lokale Pfade'}
        for language, text in expected.items():
            with self.subTest(language=language):
                env = test_gi.libbarge_client_environment(dict(
                    os.environ, LANGUAGE=language, LC_ALL='C.UTF-8', BARGE_LOCALEDIR=LOCALEDIR,
                    DBUS_SESSION_BUS_ADDRESS=self.bus_address))
                result = subprocess.run(['/usr/bin/python3', '-c', script, job.get_id()],
                                        env=env, capture_output=True, text=True, timeout=TIMEOUT)
                self.assertEqual(result.stdout.strip(), text, result.stderr)

    @unittest.skipUnless(BARGECTL, 'BARGECTL is not set')
    def test_bargectl_info_and_failure(self):
        job = self.client.create_job_sync('idioma', Barge.JobType.DOWNLOAD, None, None)
        # The labels are translated; values such as the state stay the
        # D-Bus strings, which scripts match.
        expected = {'es': ('Estado:', 'Prioridad:', 'Creado:', 'No hay archivos.',
                           'Límite de ancho de banda:'),
                    'de': ('Zustand:', 'Priorität:', 'Angelegt:', 'Keine Dateien.',
                           'Bandbreitenbegrenzung:')}
        for language, texts in expected.items():
            with self.subTest(language=language, command='info'):
                result = bargectl(language, 'info', job.get_id(), bus=self.bus_address)
                self.assertEqual(result.returncode, 0, result.stderr)
                for text in texts:
                    self.assertIn(text, result.stdout)

        # A failed download explains itself with the daemon's description in
        # the language of bargectl's user.
        for language in ('es', 'de'):
            with self.subTest(language=language, command='download'):
                dest = os.path.join(self.dest_dir, language + '-missing.bin')
                result = bargectl(language, 'download', self.base_url + 'missing.bin', dest,
                                  '--timeout=%d' % TIMEOUT, bus=self.bus_address)
                self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
                self.assertIn(DESCRIPTIONS[REMOTE_NOT_FOUND][language], result.stderr)


if __name__ == '__main__':
    unittest.main(testRunner=unittest.TextTestRunner(stream=sys.stdout, verbosity=2))
