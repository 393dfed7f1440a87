// SPDX-License-Identifier: LGPL-2.1-or-later
// React to the Transferred and Failed signals of a Barge job.
//
//     gjs -m events.js [--system] DEST_FILE URL
//
// Downloads URL to DEST_FILE. On Transferred the job is completed and the
// program exits 0. On Failed it prints the error, the daemon's description of
// it in the user's language, how many errors the job has had, cancels the job
// and exits 1. The daemon is reached on the session bus unless --system.

import Barge from 'gi://Barge?version=1.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import {programArgs, exit} from 'system';

let args = programArgs.slice();
let bus = Gio.BusType.SESSION;
if (args[0] === '--system') {
    bus = Gio.BusType.SYSTEM;
    args = args.slice(1);
}
if (args.length !== 2) {
    printerr('usage: gjs -m events.js [--system] DEST_FILE URL');
    exit(2);
}
const dest = Gio.File.new_for_path(args[0]).get_path();
const url = args[1];

const client = Barge.Client.new_sync(bus, null);
const job = client.create_job_sync('events.js', Barge.JobType.DOWNLOAD, null, null);
job.add_file_sync(url, dest, null);

const loop = new GLib.MainLoop(null, false);
let status = 1;

job.connect('transferred', () => {
    print(`transferred: ${job.get_progress().get_bytes_transferred()} bytes`);
    job.complete_sync(null);
    print(`saved as ${dest}`);
    status = 0;
    loop.quit();
});

job.connect('failed', (_job, context, errorName, message) => {
    let code;
    try {
        code = Barge.error_from_dbus_name(errorName);
    } catch (error) {
        code = 'unknown'; // not one of Barge's names
    }
    // The daemon explains its errors in the language of the user.
    const locale = GLib.getenv('LANGUAGE') || GLib.getenv('LANG') || '';
    const description = client.get_error_description_sync(errorName, locale, null);
    print(`failed: ${errorName} (context ${context}, code ${code})`);
    print(`message: ${message}`);
    print(`description: ${description}`);
    print(`HTTP status: ${job.get_http_status()}`);
    print(`errors so far: ${job.get_error_count()}`);
    job.cancel_sync(null);
    loop.quit();
});

job.resume_sync(null);
loop.run();
exit(status);
